//! Sign in.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use ttstats_api_types::auth::LoginRequest;

use crate::api::{self, ApiError};
use crate::components::problem_view::{FieldMessages, FormError};
use crate::state::use_session;

/// The sign-in form; goes to `?next=` (or the dashboard) on success.
#[component]
pub fn Login() -> impl IntoView {
    super::set_title("Sign in");
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let submit = Action::new_local(move |body: &LoginRequest| {
        let body = body.clone();
        async move { api::auth::login(&body).await }
    });
    Effect::new(move || {
        if let Some(result) = submit.value().get() {
            match result {
                Ok(_) => {
                    error.set(None);
                    session.changed();
                    let next = query
                        .read_untracked()
                        .get("next")
                        .filter(|n| n.starts_with('/'))
                        .unwrap_or_else(|| "/".into());
                    navigate(&next, NavigateOptions::default());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.dispatch(LoginRequest {
            username: username.get_untracked(),
            password: password.get_untracked(),
        });
    };
    view! {
        <section class="narrow">
            <h1>"Sign in"</h1>
            <form on:submit=on_submit novalidate>
                <FormError error=error fields=&["username", "password"] />
                <div class="field">
                    <label for="login-username">"Username or e-mail"</label>
                    <input
                        id="login-username"
                        name="username"
                        autocomplete="username"
                        required
                        bind:value=username
                        aria-describedby="login-username-error"
                    />
                    <FieldMessages error=error field="username" id="login-username-error" />
                </div>
                <div class="field">
                    <label for="login-password">"Password"</label>
                    <input
                        id="login-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        bind:value=password
                        aria-describedby="login-password-error"
                    />
                    <FieldMessages error=error field="password" id="login-password-error" />
                </div>
                <button type="submit" disabled=move || submit.pending().get()>
                    {move || if submit.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <p>"No account yet? " <A href="/register">"Register"</A></p>
        </section>
    }
}
