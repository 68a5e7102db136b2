//! `/notifications`: the signed-in user's notifications, newest first, unread ones marked,
//! with "mark read" per item and for all, and the per-kind preferences.

use leptos::prelude::*;
use leptos_router::components::A;
use ttstats_api_types::notifications::{
    Notification, NotificationPreferences, UpdateNotificationPreferencesRequest,
};

use crate::api::{self, ApiError};
use crate::components::loading::loaded;
use crate::components::problem_view::ErrorNotice;
use crate::format;
use crate::state::use_session;

/// `/notifications`.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    super::set_title("Notifications");
    let session = use_session();
    let data = LocalResource::new(move || {
        session.track();
        api::notifications::list(1)
    });
    let error = RwSignal::new(None::<ApiError>);
    let read_all = Action::new_local(|(): &()| api::notifications::read_all());
    Effect::new(move || match read_all.value().get() {
        Some(Ok(_)) => session.changed(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <h1>"Notifications"</h1>
        {loaded(data, move |list| {
            let unread = list.unread;
            view! {
                <p class="muted unread-summary">
                    {if unread == 0 { "Nothing unread.".to_owned() } else { format!("{unread} unread") }}
                </p>
                <Show when=move || { unread > 0 }>
                    <button on:click=move |_| { read_all.dispatch(()); } disabled=move || read_all.pending().get()>
                        "Mark all read"
                    </button>
                </Show>
                {if list.items.is_empty() {
                    view! { <p class="empty">"No notifications yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="notification-list">
                            {list.items.into_iter().map(|n| view! { <NotificationItem n=n /> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            }
        })}
        {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
        <section class="card">
            <h2>"Preferences"</h2>
            <Preferences />
        </section>
    }
}

#[component]
fn NotificationItem(n: Notification) -> impl IntoView {
    let session = use_session();
    let id = n.id;
    let unread = n.read_at.is_none();
    let error = RwSignal::new(None::<ApiError>);
    let read = Action::new_local(move |(): &()| api::notifications::read(id));
    Effect::new(move || match read.value().get() {
        Some(Ok(_)) => session.changed(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let title = match n.link.clone() {
        Some(link) => view! { <A href=link><strong>{n.title.clone()}</strong></A> }.into_any(),
        None => view! { <strong>{n.title.clone()}</strong> }.into_any(),
    };
    view! {
        <li class="card notification" class:unread=unread>
            {title}
            <p>{n.body.clone()}</p>
            <p class="muted">{format::date_time(n.created_at)}</p>
            {unread.then(|| view! {
                <button on:click=move |_| { read.dispatch(()); } disabled=move || read.pending().get()>
                    "Mark read"
                </button>
            })}
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
        </li>
    }
}

/// A preference's label, its current value and the update that sets it.
type Toggle = (
    &'static str,
    bool,
    fn(bool) -> UpdateNotificationPreferencesRequest,
);

/// One checkbox per kind; each change is saved at once.
#[component]
fn Preferences() -> impl IntoView {
    let stored = LocalResource::new(api::notifications::preferences);
    let error = RwSignal::new(None::<ApiError>);
    let save = Action::new_local(|body: &UpdateNotificationPreferencesRequest| {
        let body = *body;
        async move { api::notifications::update_preferences(&body).await }
    });
    Effect::new(move || {
        if let Some(Err(e)) = save.value().get() {
            error.set(Some(e));
        }
    });
    view! {
        {loaded(stored, move |p: NotificationPreferences| {
            let toggles: [Toggle; 5] = [
                ("Confirmation requests by e-mail", p.match_confirmation, |on| UpdateNotificationPreferencesRequest { match_confirmation: Some(on), ..Default::default() }),
                ("Confirmed results", p.match_result, |on| UpdateNotificationPreferencesRequest { match_result: Some(on), ..Default::default() }),
                ("Scheduled matches", p.scheduled_match, |on| UpdateNotificationPreferencesRequest { scheduled_match: Some(on), ..Default::default() }),
                ("Championship news", p.championship, |on| UpdateNotificationPreferencesRequest { championship: Some(on), ..Default::default() }),
                ("Overtaken on the leaderboard", p.leaderboard_overtake, |on| UpdateNotificationPreferencesRequest { leaderboard_overtake: Some(on), ..Default::default() }),
            ];
            view! {
                <ul class="preferences">
                    {toggles.into_iter().map(|(label, on, change)| view! {
                        <li>
                            <label>
                                <input
                                    type="checkbox"
                                    prop:checked=on
                                    on:change=move |ev| { save.dispatch(change(event_target_checked(&ev))); }
                                />
                                " "{label}
                            </label>
                        </li>
                    }).collect_view()}
                </ul>
            }
        })}
        {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
    }
}
