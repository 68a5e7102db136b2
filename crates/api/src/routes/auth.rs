//! Registration, e-mail verification and sessions (API.md "Auth and account", DOMAIN.md §4.3).

use actix_web::{HttpRequest, HttpResponse, post, web};
use ttstats_api_types::ProblemDetails;
use ttstats_api_types::auth::{
    LoginRequest, LogoutRequest, NewAccount, RefreshRequest, RegisterRequest, RegisterResponse,
    ResendVerificationRequest, TokenResponse, VerifyEmailRequest, VerifyEmailResponse,
};
use ttstats_domain::DomainError;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::MaybeUser;
use crate::error::ApiError;
use crate::ratelimit::{RateKey, client_ip};
use crate::services::accounts;
use crate::services::invalidate;
use crate::state::AppState;
use crate::views;

/// Registers the auth routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register)
        .service(verify_email)
        .service(resend_verification)
        .service(login)
        .service(refresh)
        .service(logout);
}

/// Create an account and its player
///
/// Anonymous only. The account starts unverified; the verification link is queued in the
/// outbox (and logged). Does not sign in. Every field problem is reported together.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "registered", body = RegisterResponse),
        (status = 400, description = "`malformed_request`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "`already_signed_in`, `username_taken`, `email_taken`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`username_invalid`, `email_invalid`, `password_*`, `field_too_long`, `invalid_choice`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited` (5 per hour per address), with `Retry-After`", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[post("/auth/register")]
async fn register(
    state: web::Data<AppState>,
    caller: MaybeUser,
    req: HttpRequest,
    body: web::Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    if caller.0.is_some() {
        return Err(DomainError::AlreadySignedIn.into());
    }
    let key = RateKey::RegisterIp(client_ip(&req));
    let limit = state.settings.rate_limits.registrations;
    state.limiter.hit(&key, limit).await?;
    let new = NewAccount::try_from(&body.into_inner())?;
    let created = accounts::register(&state, &new).await?;
    Ok(HttpResponse::Created().json(RegisterResponse {
        user: views::accounts::user(&created.user),
        player: views::player_view(&created.player),
    }))
}

/// Verify an e-mail address
///
/// The token from the e-mailed link, valid 24 hours and once. Success signs the user in
/// (`tokens`); an address verified before answers 200 with `already_verified`.
#[utoipa::path(
    tag = "auth",
    request_body = VerifyEmailRequest,
    responses(
        (status = 200, description = "verified (or already verified)", body = VerifyEmailResponse),
        (status = 400, description = "`malformed_request`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`verification_token_invalid`, `verification_token_expired`", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[post("/auth/verify-email")]
async fn verify_email(
    state: web::Data<AppState>,
    body: web::Json<VerifyEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let verification = accounts::verify_email(&state, &body.token).await?;
    if !verification.already_verified {
        invalidate::verification_changed(&state.cache).await;
    }
    Ok(HttpResponse::Ok().json(VerifyEmailResponse {
        user: views::accounts::user(&verification.user),
        already_verified: verification.already_verified,
        tokens: verification.tokens,
    }))
}

/// Send the verification e-mail again
///
/// Always 202, whether or not the address belongs to an unverified account; at most 3
/// verification e-mails per hour per account are queued. The new link replaces the old one.
#[utoipa::path(
    tag = "auth",
    request_body = ResendVerificationRequest,
    responses(
        (status = 202, description = "accepted"),
        (status = 400, description = "`malformed_request`", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[post("/auth/resend-verification")]
async fn resend_verification(
    state: web::Data<AppState>,
    body: web::Json<ResendVerificationRequest>,
) -> Result<HttpResponse, ApiError> {
    accounts::resend_verification(&state, &body.email).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sign in
///
/// With a username or e-mail address. After 5 failed attempts in 15 minutes from one address
/// or for one account, attempts are refused with 429 until the window ends.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "signed in", body = TokenResponse),
        (status = 400, description = "`malformed_request`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_credentials`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "`email_not_verified`, `account_inactive`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let tokens = accounts::login(&state, client_ip(&req), &body.username, &body.password).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Exchange a refresh token for a new pair
///
/// The presented token stops working. Presenting a token that was already exchanged revokes
/// every token of its session (`token_reused`).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "a new token pair", body = TokenResponse),
        (status = 400, description = "`malformed_request`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_token`, `token_reused`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "`email_not_verified`", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let tokens = accounts::refresh(&state, &body.refresh_token).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Sign out
///
/// Revokes the refresh token and its session. Access tokens already issued stay valid until
/// they expire (15 minutes).
#[utoipa::path(
    tag = "auth",
    request_body = LogoutRequest,
    responses(
        (status = 204, description = "signed out"),
        (status = 400, description = "`malformed_request`", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[post("/auth/logout")]
async fn logout(
    state: web::Data<AppState>,
    body: web::Json<LogoutRequest>,
) -> Result<HttpResponse, ApiError> {
    accounts::logout(&state, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}
