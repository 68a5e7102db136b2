//! Matches waiting for my confirmation, each with its confirm button.

use leptos::prelude::*;
use leptos_router::components::A;
use ttstats_api_types::matches::Match;

use crate::api::{self, ApiError};
use crate::components::loading::loaded;
use crate::components::problem_view::ErrorNotice;
use crate::format;
use crate::state::use_session;

/// `/pending`.
#[component]
pub fn Pending() -> impl IntoView {
    super::set_title("Pending confirmations");
    let session = use_session();
    let data = LocalResource::new(move || {
        session.track();
        api::matches::pending(1)
    });
    view! {
        <h1>"Pending confirmations"</h1>
        <p class="muted">"Matches you played that wait for your confirmation. A match counts once everyone confirmed."</p>
        {loaded(data, move |page| {
            if page.items.is_empty() {
                view! { <p class="empty">"Nothing waits for your confirmation."</p> }.into_any()
            } else {
                view! {
                    <ul class="pending-list">
                        {page.items.into_iter().map(|m| view! { <PendingItem m=m /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }
        })}
    }
}

#[component]
fn PendingItem(m: Match) -> impl IntoView {
    let session = use_session();
    let id = m.id;
    let error = RwSignal::new(None::<ApiError>);
    let confirm = Action::new_local(move |(): &()| async move { api::matches::confirm(id).await });
    Effect::new(move || match confirm.value().get() {
        Some(Ok(_)) => session.changed(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let scores = m
        .games
        .iter()
        .map(|g| format!("{}–{}", g.side1_points, g.side2_points))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <li class="card">
            <A href=format!("/matches/{id}")>
                <strong>{m.presentation.side1_label.clone()}</strong>
                {format!(" {} – {} ", m.side1_games, m.side2_games)}
                <strong>{m.presentation.side2_label.clone()}</strong>
            </A>
            <p class="muted">{format!("{} · {scores}", format::date_time(m.played_at))}</p>
            <button on:click=move |_| { confirm.dispatch(()); } disabled=move || confirm.pending().get()>
                "Confirm"
            </button>
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
        </li>
    }
}
