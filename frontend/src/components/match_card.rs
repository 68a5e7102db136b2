//! A match as a list row: when, who, score, state.

use leptos::prelude::*;
use leptos_router::components::A;
use ttstats_api_types::matches::Match;

use crate::format;

/// One row of a match list, linking to the match page.
#[component]
pub fn MatchRow(m: Match) -> impl IntoView {
    let href = format!("/matches/{}", m.id);
    let state = if m.is_confirmed {
        "confirmed".to_owned()
    } else if m.winner_side.is_none() {
        "in progress".to_owned()
    } else {
        format!("awaiting {}", m.awaiting.len())
    };
    let winner = m.winner_side;
    view! {
        <li class="match-row">
            <A href=href>
                <span class="when">{format::date_time(m.played_at)}</span>
                <span class="sides">
                    <span class:winner={winner == Some(1)}>{m.presentation.side1_label.clone()}</span>
                    " "
                    <strong class="score">{m.side1_games}" – "{m.side2_games}</strong>
                    " "
                    <span class:winner={winner == Some(2)}>{m.presentation.side2_label.clone()}</span>
                </span>
                <span class="state" class:pending={!m.is_confirmed}>
                    {state}
                </span>
            </A>
        </li>
    }
}

/// A list of matches, or the empty text.
#[component]
pub fn MatchList(matches: Vec<Match>, #[prop(into)] empty: String) -> impl IntoView {
    if matches.is_empty() {
        view! { <p class="empty">{empty}</p> }.into_any()
    } else {
        view! {
            <ul class="match-list">
                {matches.into_iter().map(|m| view! { <MatchRow m=m /> }).collect_view()}
            </ul>
        }
        .into_any()
    }
}
