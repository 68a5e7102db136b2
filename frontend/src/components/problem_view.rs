//! Problem+json errors: a notice for the whole form and messages beside each field.

use leptos::prelude::*;

use crate::api::ApiError;

/// The error of a request, as a notice (`role="alert"` so screen readers announce it).
#[component]
pub fn ErrorNotice(error: ApiError) -> impl IntoView {
    let text = match error.status {
        0 => format!("Could not reach the server: {}", error.detail),
        401 => "Please sign in to see this.".to_owned(),
        404 if error.detail.is_empty() => "Not found.".to_owned(),
        _ => error.detail.clone(),
    };
    let signin = error.is_unauthorized();
    view! {
        <p class="notice error" role="alert">
            {text}
            {signin.then(|| view! { " " <a href="/login">"Sign in"</a> })}
        </p>
    }
}

/// The error of the last attempt of a form, if any, as a notice, plus messages for fields the
/// form has no slot for.
#[component]
pub fn FormError(
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(optional)] fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let others = e.other_fields(fields);
            let shows_field = e.other_fields(&[]).len() > others.len();
            view! {
                <div class="notice error" role="alert">
                    <p>{if shows_field && others.is_empty() { "Please correct the marked fields.".to_owned() } else { e.detail.clone() }}</p>
                    {(!others.is_empty())
                        .then(|| {
                            view! {
                                <ul>
                                    {others
                                        .into_iter()
                                        .map(|(f, m)| view! { <li>{f}": "{m}</li> })
                                        .collect_view()}
                                </ul>
                            }
                        })}
                </div>
            }
        })
    }
}

/// The messages for one field, shown beside it (`id` lets the input point at it with
/// `aria-describedby`).
#[component]
pub fn FieldMessages(
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(into)] field: String,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let field2 = field.clone();
    let messages = move || error.get().map(|e| e.field(&field2)).unwrap_or_default();
    view! {
        <span class="field-error" id=id aria-live="polite" data-field=field>
            {move || messages().join("; ")}
        </span>
    }
}
