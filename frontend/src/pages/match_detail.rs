//! A match: games, who still has to confirm, the confirm button, the Elo projection and win
//! probability, and the auto-confirmation notice.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use ttstats_api_types::matches::{GameInput, Match, SideDelta, ValidGame};
use ttstats_api_types::players::Player;

use crate::api::{self, ApiError};
use crate::components::loading::loaded;
use crate::components::problem_view::{ErrorNotice, FieldMessages};
use crate::format::{self, parse_i64};
use crate::state::use_session;

/// `/matches/:id`.
#[component]
pub fn MatchPage() -> impl IntoView {
    let session = use_session();
    let id = super::id_param();
    let reload = RwSignal::new(0_u32);
    let data = LocalResource::new(move || {
        session.track();
        reload.track();
        let id = id.get();
        async move {
            match id {
                Some(id) => api::matches::get(id).await,
                None => Err(ApiError::not_found("There is no such match.")),
            }
        }
    });
    view! { {loaded(data, move |m| view! { <MatchBody m=m reload=reload /> })} }
}

fn names(players: Vec<Player>) -> impl IntoView {
    let links = players
        .into_iter()
        .map(|p| view! { <A href=format!("/players/{}", p.id)>{p.display_name.clone()}</A> })
        .collect::<Vec<_>>();
    let mut out = Vec::new();
    for (i, l) in links.into_iter().enumerate() {
        if i > 0 {
            out.push(view! { " and " }.into_any());
        }
        out.push(l.into_any());
    }
    out
}

fn delta_text(d: SideDelta) -> String {
    if d.pending {
        format!("{} if confirmed", format::signed(d.change))
    } else {
        format!("{} applied", format::signed(d.change))
    }
}

#[component]
fn MatchBody(m: Match, reload: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let id = m.id;
    super::set_title(&format!(
        "{} vs {}",
        m.presentation.side1_label, m.presentation.side2_label
    ));
    let everyone: Vec<Player> = m.side1.iter().chain(m.side2.iter()).cloned().collect();
    let awaiting: Vec<String> = m
        .awaiting
        .iter()
        .map(|pid| {
            everyone
                .iter()
                .find(|p| p.id == *pid)
                .map_or_else(|| format!("player {pid}"), |p| p.display_name.clone())
        })
        .collect();
    let confirm_error = RwSignal::new(None::<ApiError>);
    let confirm = Action::new_local(move |(): &()| async move { api::matches::confirm(id).await });
    Effect::new(move || match confirm.value().get() {
        Some(Ok(_)) => {
            session.changed();
            reload.update(|r| *r += 1);
        }
        Some(Err(e)) => confirm_error.set(Some(e)),
        None => {}
    });
    let can_confirm = m.viewer.is_some_and(|v| v.can_confirm);
    let has_confirmed = m.viewer.is_some_and(|v| v.has_confirmed);
    let plays = m.viewer.and_then(|v| v.side).is_some();
    let unfinished = m.winner_side.is_none() && !m.is_confirmed && !m.is_live;
    let status = if m.is_confirmed {
        m.confirmed_at.map_or_else(
            || "Confirmed.".to_owned(),
            |at| format!("Confirmed on {}.", format::date_time(at)),
        )
    } else if m.winner_side.is_none() {
        "In progress: the match has no winner yet.".to_owned()
    } else if awaiting.is_empty() {
        "Waiting for confirmation.".to_owned()
    } else {
        format!("Waiting for {} to confirm.", awaiting.join(", "))
    };
    let p = m.presentation.clone();
    let winner = m.winner_side;
    let kind = m.kind.to_string();
    let match_type = m.match_type.to_string();
    view! {
        <article class="match">
            <p class="muted">
                {format!("{} · {} · {} · best of {}", format::date_time(m.played_at), kind, match_type, m.best_of)}
                {m.location.as_ref().map(|l| format!(" · {}", l.name))}
            </p>
            <h1 class="scoreline">
                <span class:winner={winner == Some(1)}>{names(m.side1.clone())}</span>
                <span class="score">{format!(" {} – {} ", m.side1_games, m.side2_games)}</span>
                <span class:winner={winner == Some(2)}>{names(m.side2.clone())}</span>
            </h1>
            <p class="status" class:pending={!m.is_confirmed} role="status">{status}</p>
            {m.is_live.then(|| view! { <p><A href=format!("/matches/{id}/live")>"Live scoreboard"</A></p> })}
            {m.auto_confirmed.then(|| {
                let because = m.auto_confirmed_because.join(", ");
                view! {
                    <p class="notice">
                        {format!("Confirmed automatically: {because} had no verified account, so nobody on that side could confirm.")}
                    </p>
                }
            })}
            {(can_confirm || (plays && !m.is_confirmed)).then(|| view! {
                <div class="confirm-box">
                    {if can_confirm {
                        view! {
                            <button on:click=move |_| { confirm.dispatch(()); } disabled=move || confirm.pending().get()>
                                "Confirm result"
                            </button>
                        }.into_any()
                    } else if has_confirmed {
                        view! { <p>"You have confirmed this result."</p> }.into_any()
                    } else {
                        view! { <p class="muted">"The match needs a winner before it can be confirmed."</p> }.into_any()
                    }}
                    {move || confirm_error.get().map(|e| view! { <ErrorNotice error=e /> })}
                </div>
            })}
            <section class="card">
                <h2>"Games"</h2>
                {if m.games.is_empty() {
                    view! { <p class="empty">"No games recorded yet."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap">
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">"Game"</th>
                                        <th scope="col" class="num">{p.side1_label.clone()}</th>
                                        <th scope="col" class="num">{p.side2_label.clone()}</th>
                                        <th scope="col">"Share"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {m.games.iter().map(|g| {
                                        let share = p.games.iter().find(|x| x.number == g.number).map_or(50, |x| x.side1_share);
                                        view! {
                                            <tr>
                                                <td>{g.number}</td>
                                                <td class="num" class:winner={g.winner_side == 1}>{g.side1_points}</td>
                                                <td class="num" class:winner={g.winner_side == 2}>{g.side2_points}</td>
                                                <td>
                                                    <span class="share" title=format!("{share}% of the points to side 1")>
                                                        <span style=format!("width:{share}%")></span>
                                                    </span>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
                {p.long_games_note.clone().map(|n| view! { <p class="muted">{n}</p> })}
                {(unfinished && plays).then(|| view! { <AddGame id=id reload=reload /> })}
            </section>
            <section class="card">
                <h2>"Elo"</h2>
                <dl class="facts">
                    <div><dt>{format!("Win probability {}", p.side1_label)}</dt><dd>{format!("{}%", p.win_probability.side1)}</dd></div>
                    <div><dt>{format!("Win probability {}", p.side2_label)}</dt><dd>{format!("{}%", p.win_probability.side2)}</dd></div>
                    <div><dt>{format!("Rating change {}", p.side1_label)}</dt><dd>{delta_text(p.side1_delta)}</dd></div>
                    <div><dt>{format!("Rating change {}", p.side2_label)}</dt><dd>{delta_text(p.side2_delta)}</dd></div>
                </dl>
                {(!m.is_confirmed && m.winner_side.is_some()).then(|| view! { <Projection id=id /> })}
            </section>
            {m.notes.clone().map(|n| view! { <section class="card"><h2>"Notes"</h2><p>{n}</p></section> })}
            {(!m.is_confirmed).then(|| view! { <DeleteMatch id=id created_by=m.created_by /> })}
        </article>
    }
}

#[component]
fn Projection(id: i64) -> impl IntoView {
    let projection = LocalResource::new(move || api::matches::projection(id));
    move || {
        projection.get().and_then(Result::ok).map(|p| {
            view! {
                <p class="muted">
                    {format!(
                        "Projection now: side 1 {} (K {:.0}), side 2 {} (K {:.0}).",
                        format::signed(p.side1.change),
                        p.side1.k_factor,
                        format::signed(p.side2.change),
                        p.side2.k_factor,
                    )}
                    {p.viewer_change.map(|c| format!(" Your rating: {}.", format::signed(c)))}
                </p>
            }
        })
    }
}

#[component]
fn AddGame(id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let s1 = RwSignal::new(String::new());
    let s2 = RwSignal::new(String::new());
    let server_error = RwSignal::new(None::<ApiError>);
    let input = Memo::new(
        move |_| match (parse_i64(&s1.get()), parse_i64(&s2.get())) {
            (Some(a), Some(b)) => Some(GameInput {
                side1_points: a,
                side2_points: b,
                ..GameInput::default()
            }),
            _ => None,
        },
    );
    let local = Memo::new(move |_| {
        input
            .get()
            .and_then(|g| ValidGame::try_from(&g).err())
            .map(|e| ApiError::from(&e))
    });
    Effect::new(move || {
        input.track();
        server_error.set(None);
    });
    let shown = Signal::derive(move || server_error.get().or_else(|| local.get()));
    let add = Action::new_local(move |g: &GameInput| {
        let g = *g;
        async move { api::matches::add_game(id, &g).await }
    });
    Effect::new(move || match add.value().get() {
        Some(Ok(())) => reload.update(|r| *r += 1),
        Some(Err(e)) => server_error.set(Some(e)),
        None => {}
    });
    view! {
        <form class="inline" on:submit=move |ev| {
            ev.prevent_default();
            if let (Some(g), None) = (input.get_untracked(), local.get_untracked()) {
                add.dispatch(g);
            }
        }>
            <label for="add-s1">"Next game, side 1"</label>
            <input id="add-s1" class="points" inputmode="numeric" bind:value=s1 />
            <label for="add-s2">"side 2"</label>
            <input id="add-s2" class="points" inputmode="numeric" bind:value=s2 />
            <button type="submit">"Add game"</button>
            <FieldMessages error=shown field="score" />
            {move || server_error.get().filter(|e| e.errors.is_empty()).map(|e| view! { <ErrorNotice error=e /> })}
        </form>
    }
}

/// Deleting an unconfirmed match, for the player who recorded it.
#[component]
fn DeleteMatch(id: i64, created_by: Option<i64>) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let armed = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let delete = Action::new_local(move |(): &()| api::matches::delete(id));
    Effect::new(move || match delete.value().get() {
        Some(Ok(())) => {
            session.changed();
            navigate("/", NavigateOptions::default());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let mine = move || {
        session
            .me
            .get()
            .flatten()
            .is_some_and(|me| Some(me.user.id) == created_by)
    };
    view! {
        <Show when=mine>
            <div class="danger-zone">
                <Show
                    when=move || armed.get()
                    fallback=move || view! { <button class="secondary" on:click=move |_| armed.set(true)>"Delete match"</button> }
                >
                    <p>"Delete this match for everyone?"</p>
                    <button class="danger" on:click=move |_| { delete.dispatch(()); }>"Yes, delete"</button>
                    " "
                    <button class="secondary" on:click=move |_| armed.set(false)>"Keep it"</button>
                </Show>
                {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
            </div>
        </Show>
    }
}
