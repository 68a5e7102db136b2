//! The 404 page for unknown routes.

use leptos::prelude::*;
use leptos_router::components::A;

/// Shown for any path no route matches.
#[component]
pub fn NotFound() -> impl IntoView {
    super::set_title("Page not found");
    view! {
        <section class="not-found">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. It may have moved, or the link is mistyped."</p>
            <p>
                <A href="/">"Back to the dashboard"</A>
            </p>
        </section>
    }
}
