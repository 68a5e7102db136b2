//! Follows the e-mailed verification link `/verify-email/{token}`.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::loading::loaded;
use crate::state::use_session;

/// Verifies the address on load; the answer signs the user in.
#[component]
pub fn VerifyEmail() -> impl IntoView {
    super::set_title("Verify e-mail");
    let session = use_session();
    let params = use_params_map();
    let result = LocalResource::new(move || {
        let token = params.read().get("token").unwrap_or_default();
        async move {
            let answer = api::auth::verify_email(token).await;
            if answer.as_ref().is_ok_and(|a| a.tokens.is_some()) {
                session.changed();
            }
            answer
        }
    });
    view! {
        <section class="narrow">
            <h1>"Verify e-mail"</h1>
            {loaded(
                result,
                |answer| {
                    let text = if answer.already_verified {
                        format!("{} was already verified.", answer.user.email)
                    } else {
                        format!("Thanks, {} — your e-mail address is verified and you are signed in.", answer.user.username)
                    };
                    view! {
                        <div class="notice success" role="status">
                            <p>{text}</p>
                        </div>
                        <p>
                            {if answer.tokens.is_some() {
                                view! { <A href="/">"Go to the dashboard"</A> }.into_any()
                            } else {
                                view! { <A href="/login">"Sign in"</A> }.into_any()
                            }}
                        </p>
                    }
                },
            )}
        </section>
    }
}
