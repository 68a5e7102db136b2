//! Registration, sign-in and the signed-in user.

use gloo_net::http::Method;
use ttstats_api_types::auth::{
    BadgesResponse, LoginRequest, LogoutRequest, MeResponse, RegisterRequest, RegisterResponse,
    ResendVerificationRequest, TokenResponse, VerifyEmailRequest, VerifyEmailResponse,
};

use super::client::{self, ApiError};

/// `POST /auth/register`.
pub async fn register(body: &RegisterRequest) -> Result<RegisterResponse, ApiError> {
    client::send(Method::POST, "/auth/register", Some(body)).await
}

/// `POST /auth/verify-email`; stores the session it opens.
pub async fn verify_email(token: String) -> Result<VerifyEmailResponse, ApiError> {
    let answer: VerifyEmailResponse = client::send(
        Method::POST,
        "/auth/verify-email",
        Some(&VerifyEmailRequest { token }),
    )
    .await?;
    if let Some(tokens) = &answer.tokens {
        client::set_tokens(Some(tokens));
    }
    Ok(answer)
}

/// `POST /auth/resend-verification`.
pub async fn resend_verification(email: String) -> Result<(), ApiError> {
    client::send_no_content(
        Method::POST,
        "/auth/resend-verification",
        Some(&ResendVerificationRequest { email }),
    )
    .await
}

/// `POST /auth/login`; stores the token pair.
pub async fn login(body: &LoginRequest) -> Result<TokenResponse, ApiError> {
    let tokens: TokenResponse = client::send(Method::POST, "/auth/login", Some(body)).await?;
    client::set_tokens(Some(&tokens));
    Ok(tokens)
}

/// `POST /auth/logout`; forgets the tokens whatever the answer.
pub async fn logout() {
    if let Some(tokens) = client::tokens() {
        let body = LogoutRequest {
            refresh_token: tokens.refresh_token,
        };
        let _ = client::send_no_content(Method::POST, "/auth/logout", Some(&body)).await;
    }
    client::set_tokens(None);
}

/// `GET /me`.
pub async fn me() -> Result<MeResponse, ApiError> {
    client::get("/me").await
}

/// `GET /me/badges`.
pub async fn badges() -> Result<BadgesResponse, ApiError> {
    client::get("/me/badges").await
}
