//! Championships: the list, and one championship's standings, results and fixtures.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::components::A;
use ttstats_api_types::championships::{Championship, ChampionshipStatus, RegisterEntryRequest};

use crate::api::{self, ApiError};
use crate::components::loading::loaded;
use crate::components::problem_view::ErrorNotice;
use crate::state::use_session;

fn status_text(s: ChampionshipStatus) -> &'static str {
    match s {
        ChampionshipStatus::Registration => "registration open",
        ChampionshipStatus::Scheduled => "scheduled",
        ChampionshipStatus::InProgress => "in progress",
        ChampionshipStatus::Completed => "completed",
        ChampionshipStatus::Cancelled => "cancelled",
    }
}

/// `/championships`.
#[component]
pub fn Championships() -> impl IntoView {
    super::set_title("Championships");
    let session = use_session();
    let data = LocalResource::new(move || {
        session.track();
        api::championships::list(None)
    });
    view! {
        <h1>"Championships"</h1>
        {loaded(data, |page| {
            if page.items.is_empty() {
                return view! { <p class="empty">"No championships yet."</p> }.into_any();
            }
            view! {
                <ul class="plain">
                    {page.items.into_iter().map(|c| view! {
                        <li class="card">
                            <A href=format!("/championships/{}", c.id)><strong>{c.name.clone()}</strong></A>
                            <p class="muted">
                                {format!("{} · {} · starts {} · {} entries · {}% played",
                                    c.kind, status_text(c.status), c.start_date, c.entries.len(), c.progress)}
                            </p>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}

/// `/championships/:id`.
#[component]
pub fn ChampionshipPage() -> impl IntoView {
    let session = use_session();
    let id = super::id_param();
    let reload = RwSignal::new(0_u32);
    let data = LocalResource::new(move || {
        reload.track();
        session.track();
        let id = id.get();
        async move {
            match id {
                Some(id) => api::championships::get(id).await,
                None => Err(ApiError::not_found("There is no such championship.")),
            }
        }
    });
    view! { {loaded(data, move |c| view! { <ChampionshipBody c=c reload=reload /> })} }
}

#[component]
fn ChampionshipBody(c: Championship, reload: RwSignal<u32>) -> impl IntoView {
    super::set_title(&c.name);
    let session = use_session();
    let id = c.id;
    let names: HashMap<i64, String> = c
        .entries
        .iter()
        .map(|e| (e.id, e.display_name.clone()))
        .collect();
    let name = move |entry: i64| {
        names
            .get(&entry)
            .cloned()
            .unwrap_or_else(|| format!("entry {entry}"))
    };
    let me = session.player_id();
    let entered = c
        .entries
        .iter()
        .any(|e| e.players.iter().any(|p| Some(p.id) == me));
    let creator = me.is_some() && c.created_by_player_id == me;
    let error = RwSignal::new(None::<ApiError>);
    let act = Action::new_local(move |action: &&'static str| {
        let action = *action;
        let body = (action == "register").then(RegisterEntryRequest::default);
        async move { api::championships::act(id, action, body).await }
    });
    Effect::new(move || match act.value().get() {
        Some(Ok(_)) => reload.update(|r| *r += 1),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let registration = c.status == ChampionshipStatus::Registration;
    let standings = c
        .standings
        .iter()
        .enumerate()
        .map(|(i, r)| {
            view! {
                <tr>
                    <td>{i + 1}</td>
                    <td>{name(r.entry_id)}</td>
                    <td class="num">{r.played}</td>
                    <td class="num">{format!("{}–{}", r.wins, r.losses)}</td>
                    <td class="num">{format!("{}–{}", r.games_won, r.games_lost)}</td>
                    <td class="num">{r.points}</td>
                </tr>
            }
        })
        .collect_view();
    let fixtures = c
        .fixtures
        .iter()
        .map(|f| {
            let text = format!(
                "Round {} · {} {} · {} vs {}",
                f.round_number,
                f.scheduled_date,
                f.scheduled_time.format("%H:%M"),
                name(f.side1_entry_id),
                name(f.side2_entry_id)
            );
            view! {
                <li>
                    {match f.match_id {
                        Some(m) => view! { <A href=format!("/matches/{m}")>{text}</A> }.into_any(),
                        None => text.into_any(),
                    }}
                </li>
            }
        })
        .collect_view();
    view! {
        <h1>{c.name.clone()}</h1>
        <p class="muted">{format!("{} · {} · {}% played", c.kind, status_text(c.status), c.progress)}</p>
        {c.description.clone().map(|d| view! { <p>{d}</p> })}
        {c.champion_entry_id.map(|e| view! { <p class="notice success">{format!("Champion: {}", name(e))}</p> })}
        <div class="row">
            {(c.registration_open && me.is_some() && !entered).then(|| view! {
                <button on:click=move |_| { act.dispatch("register"); }>"Register"</button>
            })}
            {(registration && entered).then(|| view! {
                <button class="secondary" on:click=move |_| { act.dispatch("unregister"); }>"Withdraw"</button>
            })}
            {(registration && creator).then(|| view! {
                <button on:click=move |_| { act.dispatch("start"); }>"Start the championship"</button>
            })}
        </div>
        {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
        <section class="card">
            <h2>"Standings"</h2>
            {if c.standings.is_empty() {
                view! { <p class="empty">{format!("{} entries so far.", c.entries.len())}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr>
                                <th scope="col">"#"</th><th scope="col">"Entry"</th><th scope="col" class="num">"Played"</th>
                                <th scope="col" class="num">"W–L"</th><th scope="col" class="num">"Games"</th><th scope="col" class="num">"Points"</th>
                            </tr></thead>
                            <tbody>{standings}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        <section class="card">
            <h2>"Fixtures"</h2>
            {if c.fixtures.is_empty() {
                view! { <p class="empty">"Fixtures are drawn when the championship starts."</p> }.into_any()
            } else {
                view! { <ul class="plain">{fixtures}</ul> }.into_any()
            }}
        </section>
    }
}
