//! Registration; the verification link arrives by e-mail.

use leptos::prelude::*;
use leptos_router::components::A;
use ttstats_api_types::auth::RegisterRequest;

use crate::api::{self, ApiError};
use crate::components::problem_view::{FieldMessages, FormError};

const FIELDS: &[&str] = &["username", "email", "password", "player_name"];

/// The registration form.
#[component]
pub fn Register() -> impl IntoView {
    super::set_title("Register");
    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let player_name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(None::<String>);
    let submit = Action::new_local(move |body: &RegisterRequest| {
        let body = body.clone();
        async move { api::auth::register(&body).await }
    });
    Effect::new(move || {
        if let Some(result) = submit.value().get() {
            match result {
                Ok(answer) => {
                    error.set(None);
                    done.set(Some(answer.user.email));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let resend = Action::new_local(|email: &String| api::auth::resend_verification(email.clone()));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = player_name.get_untracked();
        submit.dispatch(RegisterRequest {
            username: username.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
            player_name: (!name.trim().is_empty()).then_some(name),
            ..RegisterRequest::default()
        });
    };
    let field = move |id: &'static str,
                      name: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      auto: &'static str,
                      value: RwSignal<String>| {
        let input_id = format!("register-{id}");
        let error_id = format!("register-{id}-error");
        view! {
            <div class="field">
                <label for=input_id.clone()>{label}</label>
                <input
                    id=input_id
                    name=name
                    type=kind
                    autocomplete=auto
                    bind:value=value
                    aria-describedby=error_id.clone()
                />
                <FieldMessages error=error field=name id=error_id />
            </div>
        }
    };
    view! {
        <section class="narrow">
            <h1>"Register"</h1>
            <Show
                when=move || done.get().is_none()
                fallback=move || {
                    view! {
                        <div class="notice success" role="status">
                            <p>
                                "Account created. We sent a verification link to "
                                <strong>{done.get()}</strong>
                                ". Open it to activate your account."
                            </p>
                            <button class="secondary" on:click=move |_| {
                                if let Some(address) = done.get_untracked() {
                                    resend.dispatch(address);
                                }
                            }>"Send the link again"</button>
                            {move || resend.value().get().map(|r| match r {
                                Ok(()) => "Sent again.".to_owned(),
                                Err(e) => e.detail,
                            })}
                        </div>
                    }
                }
            >
                <form on:submit=on_submit novalidate>
                    <FormError error=error fields=FIELDS />
                    {field("username", "username", "Username", "text", "username", username)}
                    {field("email", "email", "E-mail", "email", "email", email)}
                    {field("password", "password", "Password", "password", "new-password", password)}
                    {field("player-name", "player_name", "Player name (optional)", "text", "name", player_name)}
                    <button type="submit" disabled=move || submit.pending().get()>
                        "Create account"
                    </button>
                </form>
                <p>"Already registered? " <A href="/login">"Sign in"</A></p>
            </Show>
        </section>
    }
}
