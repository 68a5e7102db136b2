//! Doubles pair statistics: two players as partners, both in the URL (linked from the player
//! page's partner list).

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use ttstats_api_types::stats::{PairResult, PairStats};

use crate::api::{self, ApiError};
use crate::components::loading::loaded;
use crate::components::player_select::PlayerSelect;
use crate::format;

/// `/pairs?player1=&player2=`.
#[component]
pub fn PairPage() -> impl IntoView {
    super::set_title("Doubles pair");
    let query = use_query_map();
    let navigate = use_navigate();
    let pair = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("player1").and_then(|v| v.parse::<i64>().ok()),
            q.get("player2").and_then(|v| v.parse::<i64>().ok()),
        )
    });
    let initial = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let p1 = RwSignal::new(initial(pair.get_untracked().0));
    let p2 = RwSignal::new(initial(pair.get_untracked().1));
    let players = LocalResource::new(api::players::all);
    let data = LocalResource::new(move || {
        let (a, b) = pair.get();
        async move {
            match (a, b) {
                (Some(a), Some(b)) => api::stats::pair(a, b).await.map(Some),
                _ => Ok::<_, ApiError>(None),
            }
        }
    });
    view! {
        <h1>"Doubles pair"</h1>
        {loaded(players, move |all| {
            let navigate = navigate.clone();
            view! {
                <form class="filters" on:submit=move |ev| {
                    ev.prevent_default();
                    navigate(&format!("/pairs?player1={}&player2={}", p1.get_untracked(), p2.get_untracked()), NavigateOptions::default());
                }>
                    <div class="field"><PlayerSelect players=all.clone() value=p1 id="pair-p1" label="Player" /></div>
                    <div class="field"><PlayerSelect players=all value=p2 id="pair-p2" label="Partner" /></div>
                    <button type="submit">"Show pair"</button>
                </form>
            }
        })}
        {loaded(data, |p| match p {
            None => view! { <p class="empty">"Choose two partners."</p> }.into_any(),
            Some(p) => pair_view(p).into_any(),
        })}
    }
}

fn result_link(label: &'static str, r: Option<PairResult>) -> impl IntoView {
    view! {
        <div>
            <dt>{label}</dt>
            <dd>
                {match r {
                    Some(r) => view! { <A href=format!("/matches/{}", r.match_id)>{format!("{} on {}", r.score, format::date(r.played_at))}</A> }.into_any(),
                    None => "—".into_any(),
                }}
            </dd>
        </div>
    }
}

fn pair_view(p: PairStats) -> impl IntoView {
    let names = p
        .players
        .clone()
        .into_iter()
        .map(|pl| view! { <A href=format!("/players/{}", pl.id)>{pl.display_name.clone()}</A> })
        .collect::<Vec<_>>();
    let mut title = Vec::new();
    for (i, n) in names.into_iter().enumerate() {
        if i > 0 {
            title.push(" and ".into_any());
        }
        title.push(n.into_any());
    }
    if p.matches == 0 {
        return view! {
            <h2>{title}</h2>
            <p class="empty">"These two have not played a confirmed doubles match together yet."</p>
        }
        .into_any();
    }
    let streak = match p.current_streak.kind {
        ttstats_domain::streaks::StreakKind::Win => format!("{} won", p.current_streak.length),
        ttstats_domain::streaks::StreakKind::Loss => format!("{} lost", p.current_streak.length),
        ttstats_domain::streaks::StreakKind::None => "none".to_owned(),
    };
    let rows = [
        ("Won – lost", format!("{} – {}", p.wins, p.losses)),
        ("Win rate", format::percent(p.win_rate)),
        ("Current streak", streak),
        ("Longest win streak", p.longest_win_streak.to_string()),
        ("Longest loss streak", p.longest_loss_streak.to_string()),
        (
            "Games per match (won – lost)",
            format!("{:.2} – {:.2}", p.avg_games_won, p.avg_games_lost),
        ),
    ];
    view! {
        <h2>{title}</h2>
        <div class="stats-row">
            <div class="stat"><span class="value">{p.matches}</span><span class="label">"doubles together"</span></div>
            <div class="stat"><span class="value">{format::percent(p.win_rate)}</span><span class="label">"won"</span></div>
        </div>
        <dl class="facts">
            {rows.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}
            {result_link("Best win", p.best_win)}
            {result_link("Worst loss", p.worst_loss)}
        </dl>
    }
    .into_any()
}
