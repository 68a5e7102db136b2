//! One module per route.

pub mod admin;
pub mod calendar;
pub mod championships;
pub mod head_to_head;
pub mod home;
pub mod leaderboard;
pub mod live;
pub mod login;
pub mod match_detail;
pub mod not_found;
pub mod notifications;
pub mod pairs;
pub mod pending;
pub mod player;
pub mod players;
pub mod record_match;
pub mod register;
pub mod verify_email;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `:id` route parameter as a number (`None` when missing or not a number).
pub fn id_param() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|v| v.parse().ok()))
}

/// Sets the document title.
pub fn set_title(title: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(&format!("{title} · ttstats"));
    }
}
