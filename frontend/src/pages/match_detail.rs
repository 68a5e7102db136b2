//! A match: games, who still has to confirm, the confirm button, the Elo projection and win
//! probability, and the auto-confirmation notice; for participants (and admins) editing the
//! details and single games, and deleting the match. Every form is checked as you type by the
//! same `api-types` conversions the server runs.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use ttstats_api_types::FieldErrors;
use ttstats_api_types::matches::{
    Game, GameInput, Match, MatchChanges, SideDelta, UpdateMatchRequest, ValidGame,
};
use ttstats_api_types::players::Player;
use ttstats_domain::match_format::check_played_at;

use crate::api::{self, ApiError};
use crate::components::loading::loaded;
use crate::components::problem_view::{ErrorNotice, FieldMessages, FormError};
use crate::format::{self, local_input, local_time, parse_i64};
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
    let is_live = m.is_live;
    // Participants and admins edit; the server has the last word (DOMAIN.md §4.2).
    let editor = move || plays || session.is_admin();
    let confirmed = m.is_confirmed;
    let games_editable = Signal::derive(move || !confirmed && !is_live && editor());
    let edit_copy = m.clone();
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
                    let rows = m.games.iter().map(|g| {
                        let share = p.games.iter().find(|x| x.number == g.number).map_or(50, |x| x.side1_share);
                        view! { <GameRow id=id game=*g share=share editable=games_editable reload=reload /> }
                    }).collect_view();
                    view! {
                        <div class="table-wrap">
                            <table class="games-table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Game"</th>
                                        <th scope="col" class="num">{p.side1_label.clone()}</th>
                                        <th scope="col" class="num">{p.side2_label.clone()}</th>
                                        <th scope="col">"Share"</th>
                                        <Show when=move || games_editable.get()><th scope="col">"Edit"</th></Show>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
                {p.long_games_note.clone().map(|n| view! { <p class="muted">{n}</p> })}
                <Show when=move || unfinished && editor()>
                    <AddGame id=id reload=reload />
                </Show>
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
            {m.notes.clone().map(|n| view! { <section class="card"><h2>"Notes"</h2><p class="notes">{n}</p></section> })}
            <Show when=move || !is_live && editor()>
                <EditDetails m=edit_copy.clone() reload=reload />
            </Show>
            <DeleteMatch id=id created_by=m.created_by confirmed=m.is_confirmed />
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

/// Two score fields checked as you type by `ValidGame` (the API's own conversion): the game to
/// send, the local verdict, and the last server answer (cleared by any edit).
#[derive(Clone, Copy)]
struct ScoreDraft {
    side1: RwSignal<String>,
    side2: RwSignal<String>,
    input: Memo<Option<GameInput>>,
    server_error: RwSignal<Option<ApiError>>,
    shown: Signal<Option<ApiError>>,
}

impl ScoreDraft {
    fn new(side1: String, side2: String) -> Self {
        let side1 = RwSignal::new(side1);
        let side2 = RwSignal::new(side2);
        let input = Memo::new(
            move |_| match (parse_i64(&side1.get()), parse_i64(&side2.get())) {
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
        let server_error = RwSignal::new(None::<ApiError>);
        Effect::new(move || {
            input.track();
            server_error.set(None);
        });
        let shown = Signal::derive(move || server_error.get().or_else(|| local.get()));
        Self {
            side1,
            side2,
            input,
            server_error,
            shown,
        }
    }

    /// The game to send when both fields hold a valid score.
    fn valid(&self) -> Option<GameInput> {
        let input = self.input.get_untracked()?;
        ValidGame::try_from(&input).ok().map(|_| input)
    }
}

/// One game of the table; participants of an unconfirmed match edit or delete it in place.
#[component]
fn GameRow(
    id: i64,
    game: Game,
    share: u8,
    editable: Signal<bool>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let number = game.number;
    let editing = RwSignal::new(false);
    let draft = ScoreDraft::new(game.side1_points.to_string(), game.side2_points.to_string());
    let save = Action::new_local(move |g: &GameInput| {
        let g = *g;
        async move { api::matches::edit_game(id, number, &g).await.map(drop) }
    });
    let delete = Action::new_local(move |(): &()| api::matches::delete_game(id, number));
    let done = move |result: Option<Result<(), ApiError>>| match result {
        Some(Ok(())) => reload.update(|r| *r += 1),
        Some(Err(e)) => draft.server_error.set(Some(e)),
        None => {}
    };
    Effect::new(move || done(save.value().get()));
    Effect::new(move || done(delete.value().get()));
    let error_id = format!("game-{number}-edit-error");
    let error_id2 = error_id.clone();
    view! {
        <Show
            when=move || editing.get()
            fallback=move || view! {
                <tr>
                    <td>{number}</td>
                    <td class="num" class:winner={game.winner_side == 1}>{game.side1_points}</td>
                    <td class="num" class:winner={game.winner_side == 2}>{game.side2_points}</td>
                    <td>
                        <span class="share" title=format!("{share}% of the points to side 1")>
                            <span style=format!("width:{share}%")></span>
                        </span>
                    </td>
                    <Show when=move || editable.get()>
                        <td class="actions">
                            <button class="link" on:click=move |_| editing.set(true)>{format!("Edit game {number}")}</button>
                            " "
                            <button class="link danger-text" on:click=move |_| { delete.dispatch(()); }>{format!("Delete game {number}")}</button>
                            {move || draft.server_error.get().map(|e| view! { <ErrorNotice error=e /> })}
                        </td>
                    </Show>
                </tr>
            }
        >
            <tr class="editing">
                <td>{number}</td>
                <td class="num">
                    <input class="points" inputmode="numeric" aria-label=format!("Game {number}, side 1 points")
                        bind:value=draft.side1 aria-describedby=error_id.clone()
                        aria-invalid=move || draft.shown.get().is_some().to_string() />
                </td>
                <td class="num">
                    <input class="points" inputmode="numeric" aria-label=format!("Game {number}, side 2 points")
                        bind:value=draft.side2 aria-describedby=error_id.clone()
                        aria-invalid=move || draft.shown.get().is_some().to_string() />
                </td>
                <td colspan="2" class="actions">
                    <button on:click=move |_| { if let Some(g) = draft.valid() { save.dispatch(g); } }
                        disabled=move || draft.shown.get().is_some() || save.pending().get()>
                        "Save game"
                    </button>
                    " "
                    <button class="secondary" on:click=move |_| editing.set(false)>"Cancel"</button>
                    <FieldMessages error=draft.shown field="score" id=error_id2.clone() />
                    {move || draft.server_error.get().filter(|e| e.errors.is_empty()).map(|e| view! { <ErrorNotice error=e /> })}
                </td>
            </tr>
        </Show>
    }
}

#[component]
fn AddGame(id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let draft = ScoreDraft::new(String::new(), String::new());
    let add = Action::new_local(move |g: &GameInput| {
        let g = *g;
        async move { api::matches::add_game(id, &g).await }
    });
    Effect::new(move || match add.value().get() {
        Some(Ok(())) => reload.update(|r| *r += 1),
        Some(Err(e)) => draft.server_error.set(Some(e)),
        None => {}
    });
    view! {
        <form class="inline" on:submit=move |ev| {
            ev.prevent_default();
            if let Some(g) = draft.valid() {
                add.dispatch(g);
            }
        }>
            <label for="add-s1">"Next game, side 1"</label>
            <input id="add-s1" class="points" inputmode="numeric" bind:value=draft.side1 aria-describedby="add-error" />
            <label for="add-s2">"side 2"</label>
            <input id="add-s2" class="points" inputmode="numeric" bind:value=draft.side2 aria-describedby="add-error" />
            <button type="submit">"Add game"</button>
            <FieldMessages error=draft.shown field="score" id="add-error" />
            {move || draft.server_error.get().filter(|e| e.errors.is_empty()).map(|e| view! { <ErrorNotice error=e /> })}
        </form>
    }
}

/// Editing a match's details: while unfinished the time, type and (without games) format; the
/// notes always. Only changed fields are sent.
#[component]
fn EditDetails(m: Match, reload: RwSignal<u32>) -> impl IntoView {
    let id = m.id;
    let unfinished = m.winner_side.is_none() && !m.is_confirmed;
    let format_open = unfinished && m.games.is_empty();
    let initial_at = local_input(m.played_at);
    let initial_type = m.match_type.to_string();
    let initial_best_of = m.best_of.to_string();
    let initial_notes = m.notes.clone().unwrap_or_default();
    let played_at = RwSignal::new(initial_at.clone());
    let match_type = RwSignal::new(initial_type.clone());
    let best_of = RwSignal::new(initial_best_of.clone());
    let notes = RwSignal::new(initial_notes.clone());
    let request = Memo::new(move |_| {
        let mut r = UpdateMatchRequest::default();
        if unfinished {
            let at = played_at.get();
            if at != initial_at {
                r.played_at = local_time(&at);
            }
            let t = match_type.get();
            if t != initial_type {
                r.match_type = Some(t);
            }
            let b = best_of.get();
            if format_open && b != initial_best_of {
                r.best_of = parse_i64(&b);
            }
        }
        let n = notes.get();
        if n.trim() != initial_notes.trim() {
            r.notes = Some((!n.trim().is_empty()).then_some(n));
        }
        r
    });
    let verdict = Memo::new(move |_| {
        let r = request.get();
        let mut errors = MatchChanges::try_from(&r)
            .err()
            .unwrap_or_else(FieldErrors::new);
        if let Some(at) = r.played_at
            && let Err(e) = check_played_at(at, Utc::now())
        {
            errors.push("played_at", e);
        }
        (!errors.is_empty()).then(|| ApiError::from(&errors))
    });
    let server_error = RwSignal::new(None::<ApiError>);
    Effect::new(move || {
        request.track();
        server_error.set(None);
    });
    let shown = Signal::derive(move || server_error.get().or_else(|| verdict.get()));
    let unchanged = move || request.get() == UpdateMatchRequest::default();
    let save = Action::new_local(move |r: &UpdateMatchRequest| {
        let r = r.clone();
        async move { api::matches::update(id, &r).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(_)) => reload.update(|r| *r += 1),
        Some(Err(e)) => server_error.set(Some(e)),
        None => {}
    });
    view! {
        <details class="card">
            <summary>"Edit details"</summary>
            <form novalidate on:submit=move |ev| {
                ev.prevent_default();
                if verdict.get_untracked().is_none() && !unchanged() {
                    save.dispatch(request.get_untracked());
                }
            }>
                <FormError error=shown fields=&["played_at", "match_type", "best_of", "notes"] />
                {unfinished.then(|| view! {
                    <div class="row">
                        <div class="field">
                            <label for="e-played-at">"Played at"</label>
                            <input id="e-played-at" type="datetime-local" bind:value=played_at aria-describedby="e-played-at-error" />
                            <FieldMessages error=shown field="played_at" id="e-played-at-error" />
                        </div>
                        <div class="field">
                            <label for="e-type">"Type"</label>
                            <select id="e-type" prop:value=move || match_type.get() on:change=move |ev| match_type.set(event_target_value(&ev))>
                                <option value="casual">"Casual"</option>
                                <option value="practice">"Practice"</option>
                                <option value="tournament">"Tournament"</option>
                            </select>
                            <FieldMessages error=shown field="match_type" />
                        </div>
                        {format_open.then(|| view! {
                            <div class="field">
                                <label for="e-best-of">"Best of"</label>
                                <select id="e-best-of" prop:value=move || best_of.get() on:change=move |ev| best_of.set(event_target_value(&ev))>
                                    {[1, 3, 5, 7, 9].map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                                </select>
                                <FieldMessages error=shown field="best_of" />
                            </div>
                        })}
                    </div>
                })}
                <div class="field">
                    <label for="e-notes">"Notes"</label>
                    <textarea id="e-notes" rows="2" bind:value=notes aria-describedby="e-notes-error"></textarea>
                    <FieldMessages error=shown field="notes" id="e-notes-error" />
                </div>
                <button type="submit" disabled=move || unchanged() || save.pending().get()>"Save details"</button>
            </form>
        </details>
    }
}

/// Deleting a match: its creator while unconfirmed, an admin always.
#[component]
fn DeleteMatch(id: i64, created_by: Option<i64>, confirmed: bool) -> impl IntoView {
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
    let allowed = move || {
        let me = session.me.get().flatten();
        me.is_some_and(|me| me.user.is_admin || (!confirmed && Some(me.user.id) == created_by))
    };
    view! {
        <Show when=allowed>
            <div class="danger-zone">
                <Show
                    when=move || armed.get()
                    fallback=move || view! { <button class="secondary" on:click=move |_| armed.set(true)>"Delete match"</button> }
                >
                    <p>{if confirmed { "Delete this confirmed match? Ratings are recalculated." } else { "Delete this match for everyone?" }}</p>
                    <button class="danger" on:click=move |_| { delete.dispatch(()); }>"Yes, delete"</button>
                    " "
                    <button class="secondary" on:click=move |_| armed.set(false)>"Keep it"</button>
                </Show>
                {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
            </div>
        </Show>
    }
}
