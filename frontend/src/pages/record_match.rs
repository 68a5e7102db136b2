//! Record a match. Scores are checked as you type by `ttstats-domain`, through the very
//! `TryFrom<&CreateMatchRequest>` the server runs, so the messages are the API's own.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use ttstats_api_types::matches::{CreateMatchRequest, GameInput, NewMatch};
use ttstats_api_types::players::{CreatePlayerRequest, NewPlayer, Player};
use ttstats_domain::PlayerId;
use ttstats_domain::elo::{self, MemberRating};

use crate::api::{self, ApiError};
use crate::components::player_select::PlayerSelect;
use crate::components::problem_view::{ErrorNotice, FieldMessages, FormError};
use crate::format::{self, local_time, parse_i64};
use crate::state::use_session;

const FIELDS: &[&str] = &[
    "kind",
    "best_of",
    "match_type",
    "played_at",
    "side1",
    "side2",
    "notes",
    "live",
    "games*",
];

#[derive(Clone, Copy)]
struct GameRow {
    key: usize,
    side1: RwSignal<String>,
    side2: RwSignal<String>,
}

impl GameRow {
    fn new(key: usize) -> Self {
        Self {
            key,
            side1: RwSignal::new(String::new()),
            side2: RwSignal::new(String::new()),
        }
    }
}

/// What the form holds, turned into the request plus, per row, its index in `games` or a
/// local input problem (blank or not a number).
#[derive(Clone, PartialEq)]
struct Draft {
    request: CreateMatchRequest,
    rows: Vec<RowState>,
}

#[derive(Clone, PartialEq)]
enum RowState {
    Empty,
    Sent(usize),
    Invalid(&'static str),
}

/// `/matches/new`.
#[component]
pub fn RecordMatch() -> impl IntoView {
    super::set_title("Record a match");
    let session = use_session();
    let players = LocalResource::new(api::players::all);
    let list = Signal::derive(move || players.get().and_then(Result::ok).unwrap_or_default());
    view! {
        <h1>"Record a match"</h1>
        <Show
            when=move || session.signed_in()
            fallback=|| view! { <p class="notice"><A href="/login?next=/matches/new">"Sign in"</A>" to record a match."</p> }
        >
            {move || players.get().and_then(Result::err).map(|e| view! { <ErrorNotice error=e /> })}
            <MatchForm players=list />
            <GuestForm on_created=move || players.refetch() />
        </Show>
    }
}

/// Adds a guest player (an opponent without an account) to the pickers.
#[component]
fn GuestForm(on_created: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let local = Memo::new(move |_| {
        let body = CreatePlayerRequest {
            name: name.get(),
            ..CreatePlayerRequest::default()
        };
        NewPlayer::try_from(&body).err().map(|e| ApiError::from(&e))
    });
    let create = Action::new_local(move |body: &CreatePlayerRequest| {
        let body = body.clone();
        async move { api::players::create(&body).await }
    });
    Effect::new(move || match create.value().get() {
        Some(Ok(_)) => {
            name.set(String::new());
            error.set(None);
            on_created();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <details class="card">
            <summary>"Opponent not listed? Add a guest player"</summary>
            <form class="inline" novalidate on:submit=move |ev| {
                ev.prevent_default();
                if let Some(e) = local.get_untracked() {
                    error.set(Some(e));
                } else {
                    create.dispatch(CreatePlayerRequest { name: name.get_untracked(), ..CreatePlayerRequest::default() });
                }
            }>
                <label for="guest-name">"Guest name"</label>
                <input id="guest-name" bind:value=name />
                <button type="submit" class="secondary">"Add guest"</button>
                <FieldMessages error=error field="name" />
            </form>
        </details>
    }
}

#[component]
fn MatchForm(players: Signal<Vec<Player>>) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let kind = RwSignal::new("singles".to_owned());
    let best_of = RwSignal::new("5".to_owned());
    let match_type = RwSignal::new("casual".to_owned());
    let played_at = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let live = RwSignal::new(false);
    let own = session
        .player_id()
        .map(|id| id.to_string())
        .unwrap_or_default();
    let side1a = RwSignal::new(own);
    Effect::new(move || {
        if let Some(id) = session.player_id()
            && side1a.get_untracked().is_empty()
        {
            side1a.set(id.to_string());
        }
    });
    let side1b = RwSignal::new(String::new());
    let side2a = RwSignal::new(String::new());
    let side2b = RwSignal::new(String::new());
    let next_key = StoredValue::new(3_usize);
    let rows = RwSignal::new((0..3).map(GameRow::new).collect::<Vec<_>>());
    let submitted = RwSignal::new(false);
    let server_error = RwSignal::new(None::<ApiError>);

    let draft = Memo::new(move |_| {
        let doubles = kind.get() == "doubles";
        let side = |a: RwSignal<String>, b: RwSignal<String>| {
            let mut ids: Vec<i64> = parse_i64(&a.get()).into_iter().collect();
            if doubles {
                ids.extend(parse_i64(&b.get()));
            }
            ids
        };
        let mut games = Vec::new();
        let mut states = Vec::new();
        let live = live.get();
        for row in rows.get().into_iter().filter(|_| !live) {
            let (a, b) = (row.side1.get(), row.side2.get());
            let state = match (a.trim().is_empty(), b.trim().is_empty()) {
                (true, true) => RowState::Empty,
                (true, false) | (false, true) => RowState::Invalid("enter both scores"),
                _ => match (parse_i64(&a), parse_i64(&b)) {
                    (Some(p1), Some(p2)) => {
                        games.push(GameInput {
                            side1_points: p1,
                            side2_points: p2,
                            ..GameInput::default()
                        });
                        RowState::Sent(games.len() - 1)
                    }
                    _ => RowState::Invalid("points must be whole numbers"),
                },
            };
            states.push(state);
        }
        let notes = notes.get();
        Draft {
            request: CreateMatchRequest {
                kind: Some(kind.get()),
                best_of: parse_i64(&best_of.get()),
                match_type: Some(match_type.get()),
                played_at: local_time(&played_at.get()),
                notes: (!notes.trim().is_empty()).then_some(notes),
                side1: side(side1a, side1b),
                side2: side(side2a, side2b),
                games,
                live,
                ..CreateMatchRequest::default()
            },
            rows: states,
        }
    });
    // The domain's verdict on the current draft: the same errors the API would answer with.
    let verdict = Memo::new(move |_| {
        let d = draft.get();
        NewMatch::try_from(&d.request)
            .err()
            .map(|e| ApiError::from(&e))
    });
    // An edit makes the last server answer stale.
    Effect::new(move || {
        draft.track();
        server_error.set(None);
    });
    let shown = Signal::derive(move || {
        server_error
            .get()
            .or_else(|| submitted.get().then(|| verdict.get()).flatten())
    });
    let row_messages = move |key: usize| {
        let d = draft.get();
        let index = rows.with(|r| r.iter().position(|row| row.key == key));
        let Some(state) = index.and_then(|i| d.rows.get(i).cloned()) else {
            return Vec::new();
        };
        match state {
            RowState::Empty => Vec::new(),
            RowState::Invalid(text) => vec![text.to_owned()],
            RowState::Sent(i) => {
                let e = server_error.get().or_else(|| verdict.get());
                e.map(|e| {
                    [
                        format!("games[{i}].score"),
                        format!("games[{i}]"),
                        format!("games[{i}].number"),
                        format!("games[{i}].duration_minutes"),
                    ]
                    .iter()
                    .flat_map(|f| e.field(f))
                    .collect()
                })
                .unwrap_or_default()
            }
        }
    };
    let create = Action::new_local(move |body: &CreateMatchRequest| {
        let body = body.clone();
        async move { api::matches::create(&body).await }
    });
    Effect::new(move || match create.value().get() {
        Some(Ok(m)) => {
            session.changed();
            let page = if m.is_live { "/live" } else { "" };
            navigate(
                &format!("/matches/{}{page}", m.id),
                NavigateOptions::default(),
            );
        }
        Some(Err(e)) => server_error.set(Some(e)),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        let d = draft.get_untracked();
        let row_problem = d.rows.iter().any(|r| matches!(r, RowState::Invalid(_)));
        if verdict.get_untracked().is_none() && !row_problem {
            create.dispatch(d.request);
        }
    };
    let add_row = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(GameRow::new(key)));
    };
    let remove_row = move |_| {
        rows.update(|r| {
            r.pop();
        });
    };
    let max_rows = move || parse_i64(&best_of.get()).unwrap_or(9).clamp(1, 9) as usize;
    let doubles = move || kind.get() == "doubles";
    let (p1, p2, p3, p4) = (players, players, players, players);
    view! {
        <form class="match-form" on:submit=on_submit novalidate>
            <FormError error=shown fields=FIELDS />
            <fieldset>
                <legend>"Format"</legend>
                <div class="row">
                    <div class="field">
                        <label for="m-kind">"Kind"</label>
                        <select id="m-kind" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                            <option value="singles">"Singles"</option>
                            <option value="doubles">"Doubles"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="m-best-of">"Best of"</label>
                        <select id="m-best-of" prop:value=move || best_of.get() on:change=move |ev| best_of.set(event_target_value(&ev))>
                            {[1, 3, 5, 7, 9].map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                        </select>
                        <FieldMessages error=shown field="best_of" />
                    </div>
                    <div class="field">
                        <label for="m-type">"Type"</label>
                        <select id="m-type" prop:value=move || match_type.get() on:change=move |ev| match_type.set(event_target_value(&ev))>
                            <option value="casual">"Casual"</option>
                            <option value="practice">"Practice"</option>
                            <option value="tournament">"Tournament"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="m-played-at">"Played at (blank: now)"</label>
                        <input id="m-played-at" type="datetime-local" bind:value=played_at />
                        <FieldMessages error=shown field="played_at" />
                    </div>
                </div>
            </fieldset>
            <fieldset>
                <legend>"Players"</legend>
                <div class="row">
                    <div class="field">
                        <PlayerSelect players=p1 value=side1a id="m-side1a" label="Side 1 player" described_by="m-side1-error" />
                        <Show when=doubles>
                            <PlayerSelect players=p2 value=side1b id="m-side1b" label="Side 1 partner" />
                        </Show>
                        <FieldMessages error=shown field="side1" id="m-side1-error" />
                    </div>
                    <div class="field">
                        <PlayerSelect players=p3 value=side2a id="m-side2a" label="Side 2 player" described_by="m-side2-error" />
                        <Show when=doubles>
                            <PlayerSelect players=p4 value=side2b id="m-side2b" label="Side 2 partner" />
                        </Show>
                        <FieldMessages error=shown field="side2" id="m-side2-error" />
                    </div>
                </div>
            </fieldset>
            <Show when=move || !doubles()>
                <label class="check">
                    <input type="checkbox" bind:checked=live />
                    " Score it live, point by point (instead of entering the games)"
                </label>
                <FieldMessages error=shown field="live" />
            </Show>
            <fieldset class:hidden=move || live.get()>
                <legend>"Games"</legend>
                <p class="muted">"Points per game, side 1 first. Leave unplayed games blank."</p>
                <ol class="games">
                    <For each=move || rows.get() key=|r| r.key let:row>
                        {
                            let number = move || rows.with(|r| r.iter().position(|x| x.key == row.key).map_or(0, |i| i + 1));
                            let error_id = format!("game-{}-error", row.key);
                            let has_error = move || !row_messages(row.key).is_empty();
                            view! {
                                <li class="game">
                                    <span class="game-label">{move || format!("Game {}", number())}</span>
                                    <label class="sr-only" for=format!("game-{}-s1", row.key)>{move || format!("Game {}, side 1 points", number())}</label>
                                    <input
                                        id=format!("game-{}-s1", row.key)
                                        class="points"
                                        inputmode="numeric"
                                        autocomplete="off"
                                        bind:value=row.side1
                                        aria-invalid=move || has_error().to_string()
                                        aria-describedby=error_id.clone()
                                    />
                                    <span aria-hidden="true">"–"</span>
                                    <label class="sr-only" for=format!("game-{}-s2", row.key)>{move || format!("Game {}, side 2 points", number())}</label>
                                    <input
                                        id=format!("game-{}-s2", row.key)
                                        class="points"
                                        inputmode="numeric"
                                        autocomplete="off"
                                        bind:value=row.side2
                                        aria-invalid=move || has_error().to_string()
                                        aria-describedby=error_id.clone()
                                    />
                                    <span class="field-error" id=error_id.clone() aria-live="polite" data-field="score">
                                        {move || row_messages(row.key).join("; ")}
                                    </span>
                                </li>
                            }
                        }
                    </For>
                </ol>
                <div class="row">
                    <button type="button" class="secondary" on:click=add_row disabled={move || rows.with(Vec::len) >= max_rows()}>
                        "Add game"
                    </button>
                    <button type="button" class="secondary" on:click=remove_row disabled={move || rows.with(Vec::is_empty)}>
                        "Remove last game"
                    </button>
                </div>
                <p class="tally" aria-live="polite">
                    {move || {
                        let d = draft.get();
                        let needed = parse_i64(&best_of.get()).map_or(3, |b| b / 2 + 1);
                        let (mut a, mut b) = (0, 0);
                        for g in &d.request.games {
                            if g.side1_points > g.side2_points { a += 1 } else if g.side2_points > g.side1_points { b += 1 }
                        }
                        format!("Games {a} – {b} (first to {needed})")
                    }}
                </p>
                <p class="muted projection" aria-live="polite">
                    {move || {
                        let d = draft.get();
                        NewMatch::try_from(&d.request)
                            .ok()
                            .and_then(|m| projection_text(&m, &players.get()))
                    }}
                </p>
            </fieldset>
            <div class="field">
                <label for="m-notes">"Notes"</label>
                <textarea id="m-notes" rows="2" bind:value=notes></textarea>
                <FieldMessages error=shown field="notes" />
            </div>
            <button type="submit" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Saving…" } else { "Save match" }}
            </button>
        </form>
    }
}

/// The Elo projection of a valid draft on the players' current ratings, with the same domain
/// functions the match page's projection uses (DOMAIN.md §3.6): each side's change once a side
/// has won, and the win probability. `None` while a player is unknown.
fn projection_text(m: &NewMatch, players: &[Player]) -> Option<String> {
    let side = |ids: &[PlayerId]| {
        ids.iter()
            .map(|id| {
                players.iter().find(|p| p.id == id.0).map(|p| MemberRating {
                    player: *id,
                    rating: p.rating,
                    rated_matches: p.rated_matches,
                })
            })
            .collect::<Option<Vec<_>>>()
    };
    let (side1, side2) = (side(&m.side1)?, side(&m.side2)?);
    let ratings = |s: &[MemberRating]| s.iter().map(|r| r.rating).collect::<Vec<_>>();
    let odds = elo::win_probability(&ratings(&side1), &ratings(&side2));
    let odds = format!("Win probability {}% – {}%.", odds.side1, odds.side2);
    Some(match m.tally.winner {
        Some(winner) => {
            let p = elo::projection(m.match_type, m.best_of, &side1, &side2, Some(winner));
            format!(
                "Elo if confirmed: side 1 {}, side 2 {}. {odds}",
                format::signed(p.side1.change),
                format::signed(p.side2.change)
            )
        }
        None => odds,
    })
}
