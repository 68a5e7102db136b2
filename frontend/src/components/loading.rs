//! Loading, error and empty states of a read.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::problem_view::ErrorNotice;

/// Renders `resource`: "Loading…" until the first answer, the error notice on failure, else
/// `view(value)`. A reload keeps the previous content until the new answer arrives.
pub fn loaded<T, V>(
    resource: LocalResource<Result<T, ApiError>>,
    view: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    move || match resource.get() {
        None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        Some(Ok(value)) => view(value).into_any(),
        Some(Err(error)) => view! { <ErrorNotice error=error /> }.into_any(),
    }
}

/// The empty state of a list.
#[component]
pub fn Empty(#[prop(into)] text: String) -> impl IntoView {
    view! { <p class="empty">{text}</p> }
}
