//! The live scoreboard of a singles match. The score follows the server's event stream
//! (`GET /matches/{id}/live/events`); when the stream cannot be opened or breaks, the page polls
//! every two seconds and tries the stream again after a few polls (longer after repeated
//! failures). The scorekeeper starts the match, adds points, undoes, acknowledges the side
//! switch and ends live scoring.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use send_wrapper::SendWrapper;
use ttstats_api_types::live::LiveState;

use crate::api::{self, ApiError};
use crate::components::loading::loaded;
use crate::components::problem_view::ErrorNotice;

/// How the page learns about new points.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Link {
    Connecting,
    Streaming,
    Polling,
    Ended,
}

impl Link {
    fn text(self) -> &'static str {
        match self {
            Self::Connecting => "Connecting…",
            Self::Streaming => "Live: points appear as they are scored.",
            Self::Polling => "Live stream unavailable: refreshing every 2 seconds.",
            Self::Ended => "Live scoring has ended.",
        }
    }
}

type Answer = Option<Result<LiveState, ApiError>>;

/// `/matches/:id/live`.
#[component]
pub fn LiveScore() -> impl IntoView {
    super::set_title("Live score");
    let id = super::id_param();
    view! {
        <h1>"Live score"</h1>
        {move || match id.get() {
            Some(id) => view! { <LiveMatch id=id /> }.into_any(),
            None => view! { <ErrorNotice error=ApiError::not_found("There is no such match.") /> }.into_any(),
        }}
    }
}

fn gone(e: &ApiError) -> bool {
    matches!(e.status, 401 | 403 | 404)
}

/// Resolves after `ms` milliseconds.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Keeps `state` current for as long as the calling component lives: the event stream first,
/// polling as the fallback.
fn follow(id: i64, state: RwSignal<Answer>, link: RwSignal<Link>) {
    let stopped = Arc::new(AtomicBool::new(false));
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(web_sys::AbortController::signal);
    let controller = SendWrapper::new(controller);
    let stop = Arc::clone(&stopped);
    on_cleanup(move || {
        stop.store(true, Ordering::Relaxed);
        if let Some(c) = controller.take() {
            c.abort();
        }
    });
    let is_stopped = move || stopped.load(Ordering::Relaxed);
    spawn_local(async move {
        let mut failures = 0_u32;
        while !is_stopped() {
            let streamed = match &signal {
                Some(signal) => {
                    api::live::watch(id, signal, |s| {
                        link.try_set(Link::Streaming);
                        state.try_set(Some(Ok(s)));
                    })
                    .await
                }
                None => Err(ApiError::network("no AbortController")),
            };
            if is_stopped() {
                return;
            }
            match streamed {
                Ok(()) => {
                    failures = 0;
                    let still_live = state
                        .try_get_untracked()
                        .flatten()
                        .is_some_and(|s| s.is_ok_and(|s| s.is_live));
                    if !still_live {
                        link.try_set(Link::Ended);
                        return;
                    }
                    // The server closes long streams; open the next one at once.
                }
                Err(e) if gone(&e) => {
                    state.try_set(Some(Err(e)));
                    return;
                }
                Err(_) => {
                    failures += 1;
                    link.try_set(Link::Polling);
                    for _ in 0..2 * failures.min(5) {
                        if is_stopped() {
                            return;
                        }
                        match api::live::state(id).await {
                            Ok(s) => {
                                let live = s.is_live;
                                state.try_set(Some(Ok(s)));
                                if !live {
                                    link.try_set(Link::Ended);
                                    return;
                                }
                            }
                            Err(e) if gone(&e) => {
                                state.try_set(Some(Err(e)));
                                return;
                            }
                            Err(_) => {}
                        }
                        sleep(2000).await;
                    }
                }
            }
        }
    });
}

#[component]
fn LiveMatch(id: i64) -> impl IntoView {
    let matched = LocalResource::new(move || api::matches::get(id));
    let state = RwSignal::new(None::<Result<LiveState, ApiError>>);
    let link = RwSignal::new(Link::Connecting);
    follow(id, state, link);
    let error = RwSignal::new(None::<ApiError>);
    let act = Action::new_local(move |(action, side): &(&'static str, i64)| {
        let (action, side) = (*action, *side);
        async move {
            match action {
                "start" => api::live::start(id, side).await,
                "point" => api::live::point(id, side).await,
                other => api::live::action(id, other).await,
            }
        }
    });
    Effect::new(move || match act.value().get() {
        Some(Ok(s)) => {
            error.set(None);
            // The answer is the new state: show it without waiting for the stream.
            state.set(Some(Ok(s)));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        {loaded(matched, move |m| {
            let (n1, n2) = (m.presentation.side1_label.clone(), m.presentation.side2_label.clone());
            let scorer = m.viewer.and_then(|v| v.side).is_some();
            view! {
                <p><A href=format!("/matches/{}", m.id)>{format!("{n1} vs {n2}")}</A></p>
                <p class="live-link muted" role="status">{move || link.get().text()}</p>
                {move || match state.get() {
                    None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
                    Some(Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                    Some(Ok(s)) => board(s, n1.clone(), n2.clone(), scorer, act).into_any(),
                }}
            }
        })}
        {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
    }
}

fn board(
    s: LiveState,
    n1: String,
    n2: String,
    scorer: bool,
    act: Action<(&'static str, i64), Result<LiveState, ApiError>>,
) -> impl IntoView {
    let id = s.match_id;
    let status = if s.is_match_complete {
        let winner = if s.winner_side == Some(1) { &n1 } else { &n2 };
        format!("{winner} won the match.")
    } else if !s.started {
        "Not started yet.".to_owned()
    } else if !s.is_live {
        "Live scoring was ended early.".to_owned()
    } else {
        format!("Game {} of best of {}", s.game_number, s.best_of)
    };
    let side = |n: u8, name: &str, games: u8, points: u16| {
        let serving = s.started && s.is_live && s.server == Some(n);
        view! {
            <div class="side" class:serving=serving>
                <span class="name">{name.to_owned()}</span>
                <span class="points">{points}</span>
                <span class="games">{format!("games {games}")}</span>
                <span class="serve" class:hidden=!serving>"● serves"</span>
            </div>
        }
    };
    let switch = (s.should_prompt_side_switch && !s.side_switched).then(|| {
        view! {
            <div class="notice switch" role="alert">
                <strong>"Switch ends."</strong>
                " The deciding game has reached 5 points."
                {(scorer && s.is_live).then(|| view! {
                    " "
                    <button class="secondary" on:click=move |_| { act.dispatch(("side-switch", 0)); }>"Sides switched"</button>
                })}
            </div>
        }
    });
    let controls = (scorer && s.is_live).then(|| {
        if s.started {
            view! {
                <div class="row live-controls">
                    <button on:click=move |_| { act.dispatch(("point", 1)); }>{format!("Point {n1}")}</button>
                    <button on:click=move |_| { act.dispatch(("point", 2)); }>{format!("Point {n2}")}</button>
                    <button class="secondary" on:click=move |_| { act.dispatch(("undo", 0)); }>"Undo"</button>
                    <button class="secondary" on:click=move |_| { act.dispatch(("end", 0)); }>"End live scoring"</button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="row live-controls">
                    <button on:click=move |_| { act.dispatch(("start", 1)); }>{format!("Start, {n1} serves")}</button>
                    <button on:click=move |_| { act.dispatch(("start", 2)); }>{format!("Start, {n2} serves")}</button>
                </div>
            }
            .into_any()
        }
    });
    view! {
        <div class="scoreboard" aria-live="polite">
            {side(1, &n1, s.side1_games, s.side1_points)}
            {side(2, &n2, s.side2_games, s.side2_points)}
        </div>
        <p class="live-status">{format!("{status} · games {} – {}", s.side1_games, s.side2_games)}</p>
        {switch}
        {controls}
        {s.is_match_complete.then(|| view! {
            <p><A href=format!("/matches/{id}")>"Confirm the result on the match page"</A></p>
        })}
    }
}
