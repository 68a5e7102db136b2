//! The dashboard: what waits on me, recent matches, rivalries, fixtures.

use leptos::prelude::*;
use leptos_router::components::A;
use ttstats_api_types::stats::Dashboard as DashboardData;

use crate::api;
use crate::components::loading::{Empty, loaded};
use crate::components::match_card::MatchList;
use crate::format;
use crate::state::use_session;

/// `/`.
#[component]
pub fn Dashboard() -> impl IntoView {
    super::set_title("Dashboard");
    let session = use_session();
    let data = LocalResource::new(move || {
        session.track();
        api::stats::dashboard()
    });
    view! {
        <h1>"Dashboard"</h1>
        <Show when=move || !session.signed_in()>
            <p class="notice">
                <A href="/login">"Sign in"</A>
                " to record matches and see what is waiting on you."
            </p>
        </Show>
        {loaded(data, dashboard_view)}
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "one view of the four dashboard cards"
)]
fn dashboard_view(d: DashboardData) -> impl IntoView {
    let waiting = d.waiting_on_you.map(|w| {
        view! {
            <section class="card">
                <h2>"Waiting on you " <span class="count">{w.pending_confirmations}</span></h2>
                {if w.items.is_empty() {
                    view! { <Empty text="Nothing to confirm." /> }.into_any()
                } else {
                    view! {
                        <ul class="plain">
                            {w
                                .items
                                .into_iter()
                                .map(|i| {
                                    view! {
                                        <li>
                                            <A href=format!("/matches/{}", i.match_id)>
                                                {if i.won { "Won " } else { "Lost " }}
                                                {i.own_games}
                                                "–"
                                                {i.opponent_games}
                                                " vs "
                                                {i.opponent_label}
                                            </A>
                                            " "
                                            <span class="muted">
                                                {format!("({} if confirmed)", format::signed(i.projected_delta))}
                                            </span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
                <A href="/pending">"All pending confirmations"</A>
            </section>
        }
    });
    let rivalries = d.rivalries.map(|r| {
        view! {
            <section class="card">
                <h2>"Rivalries"</h2>
                {if r.is_empty() {
                    view! { <Empty text="Play a few matches to build rivalries." /> }.into_any()
                } else {
                    view! {
                        <ul class="plain">
                            {r
                                .into_iter()
                                .map(|r| {
                                    view! {
                                        <li>
                                            <A href=format!("/players/{}", r.opponent.id)>{r.opponent.display_name.clone()}</A>
                                            {format!(" — {} won, {} lost of {}", r.wins, r.losses, r.played)}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </section>
        }
    });
    let fixtures = d.fixtures.map(|f| {
        view! {
            <section class="card">
                <h2>"Your fixtures"</h2>
                {if f.is_empty() {
                    view! { <Empty text="No fixtures scheduled." /> }.into_any()
                } else {
                    view! {
                        <ul class="plain">
                            {f
                                .into_iter()
                                .map(|f| {
                                    view! {
                                        <li>
                                            {format!("{} {} vs {}", f.scheduled_date, f.scheduled_time.format("%H:%M"), f.opponent_label)}
                                            {f.championship_name.map(|c| format!(" ({c})"))}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
                <A href="/calendar">"Calendar"</A>
            </section>
        }
    });
    view! {
        <div class="stats-row">
            <div class="stat">
                <span class="value">{d.total_players}</span>
                <span class="label">"players"</span>
            </div>
            <div class="stat">
                <span class="value">{d.total_confirmed_matches}</span>
                <span class="label">"confirmed matches"</span>
            </div>
        </div>
        <div class="grid">
            {waiting}
            <section class="card">
                <h2>"Recent matches"</h2>
                <MatchList matches=d.recent_matches empty="No matches yet." />
            </section>
            {rivalries}
            {fixtures}
        </div>
    }
}
