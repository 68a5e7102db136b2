//! The live scoreboard of a singles match: the score refreshes every two seconds; the
//! scorekeeper starts it, adds points, undoes and ends it.

use leptos::prelude::*;
use leptos_router::components::A;
use ttstats_api_types::live::LiveState;

use crate::api::{self, ApiError};
use crate::components::loading::loaded;
use crate::components::problem_view::ErrorNotice;

/// `/matches/:id/live`.
#[component]
pub fn LiveScore() -> impl IntoView {
    super::set_title("Live score");
    let id = super::id_param();
    let tick = RwSignal::new(0_u32);
    if let Ok(handle) = set_interval_with_handle(
        move || tick.update(|t| *t += 1),
        std::time::Duration::from_secs(2),
    ) {
        on_cleanup(move || handle.clear());
    }
    let matched = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::matches::get(id).await,
                None => Err(ApiError::not_found("There is no such match.")),
            }
        }
    });
    let live = LocalResource::new(move || {
        tick.track();
        let id = id.get();
        async move {
            match id {
                Some(id) => api::live::state(id).await,
                None => Err(ApiError::not_found("There is no such match.")),
            }
        }
    });
    let error = RwSignal::new(None::<ApiError>);
    let act = Action::new_local(move |(action, side): &(&'static str, i64)| {
        let (action, side) = (*action, *side);
        let id = id.get_untracked().unwrap_or_default();
        async move {
            match action {
                "start" => api::live::start(id, side).await,
                "point" => api::live::point(id, side).await,
                other => api::live::action(id, other).await,
            }
        }
    });
    Effect::new(move || match act.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            tick.update(|t| *t += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <h1>"Live score"</h1>
        {loaded(matched, move |m| {
            let (n1, n2) = (m.presentation.side1_label.clone(), m.presentation.side2_label.clone());
            let scorer = m.viewer.and_then(|v| v.side).is_some();
            view! {
                <p><A href=format!("/matches/{}", m.id)>{format!("{n1} vs {n2}")}</A></p>
                {loaded(live, move |s| board(s, n1.clone(), n2.clone(), scorer, act))}
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
    let serving = |side: u8| s.server == Some(side);
    let status = if s.is_match_complete {
        let winner = if s.winner_side == Some(1) { &n1 } else { &n2 };
        format!("{winner} won the match.")
    } else if !s.started {
        "Not started yet.".to_owned()
    } else {
        format!("Game {} of best of {}", s.game_number, s.best_of)
    };
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
        <div class="scoreboard" role="status" aria-live="polite">
            <div class="side" class:serving=serving(1)>
                <span class="games">{s.side1_games}</span>
                <span class="points">{s.side1_points}</span>
            </div>
            <div class="side" class:serving=serving(2)>
                <span class="games">{s.side2_games}</span>
                <span class="points">{s.side2_points}</span>
            </div>
        </div>
        <p>{status}</p>
        {s.should_prompt_side_switch.then(|| view! { <p class="notice">"Switch sides."</p> })}
        {controls}
    }
}
