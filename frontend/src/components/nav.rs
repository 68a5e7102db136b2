//! The top navigation: sections, the pending-confirmation badge, the unread-notification
//! count, sign in / out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::state::use_session;

/// The site header with the main navigation; collapses behind a button on narrow screens.
#[component]
pub fn Nav() -> impl IntoView {
    let session = use_session();
    let open = RwSignal::new(false);
    let pending = move || session.badges.get().map_or(0, |b| b.pending_confirmations);
    let navigate = use_navigate();
    let logout = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            api::auth::logout().await;
            session.changed();
            navigate("/login", NavigateOptions::default());
        });
    };
    let username = move || session.me.get().flatten().map(|m| m.user.username);
    let unread = LocalResource::new(move || async move {
        if session.signed_in() {
            api::notifications::unread().await.unwrap_or(0)
        } else {
            0
        }
    });
    let unread = move || unread.get().unwrap_or(0);
    view! {
        <header class="site-header">
            <a class="skip" href="#main">"Skip to content"</a>
            <A href="/" attr:class="brand">
                "ttstats"
            </A>
            <button
                class="menu-toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls="main-nav"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "Menu"
            </button>
            <nav
                id="main-nav"
                class:open=move || open.get()
                aria-label="Main"
                on:click=move |_| open.set(false)
            >
                <A href="/leaderboard">"Leaderboard"</A>
                <A href="/players">"Players"</A>
                <A href="/head-to-head">"Head-to-head"</A>
                <A href="/calendar">"Calendar"</A>
                <A href="/championships">"Championships"</A>
                <Show when=move || session.signed_in()>
                    <A href="/matches/new">"Record match"</A>
                    <A href="/pending">
                        "Pending"
                        <Show when=move || { pending() > 0 }>
                            <span class="badge" aria-label="matches waiting for you">
                                {pending}
                            </span>
                        </Show>
                    </A>
                    <A href="/notifications">
                        "Notifications"
                        <Show when=move || { unread() > 0 }>
                            <span class="unread-count" aria-label="unread notifications">
                                {unread}
                            </span>
                        </Show>
                    </A>
                </Show>
                <Show when=move || session.is_admin()>
                    <A href="/admin">"Admin"</A>
                </Show>
                <Show
                    when=move || session.signed_in()
                    fallback=|| {
                        view! {
                            <A href="/login">"Sign in"</A>
                            <A href="/register">"Register"</A>
                        }
                    }
                >
                    <span class="whoami">{username}</span>
                    <button class="link" on:click=logout.clone()>
                        "Sign out"
                    </button>
                </Show>
            </nav>
        </header>
    }
}
