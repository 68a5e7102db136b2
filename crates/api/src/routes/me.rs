//! The signed-in user (API.md "Auth and account").

use actix_web::{HttpResponse, get, web};
use ttstats_api_types::ProblemDetails;
use ttstats_api_types::auth::MeResponse;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::services::accounts;
use crate::state::AppState;
use crate::views;

/// Registers the `/me` routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me);
}

/// The signed-in user and their player
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the caller", body = MeResponse),
        (status = 401, description = "`unauthenticated`, `invalid_token`", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[get("/me")]
async fn get_me(state: web::Data<AppState>, caller: AuthUser) -> Result<HttpResponse, ApiError> {
    let (user, player) = accounts::me(&state.db, &caller).await?;
    Ok(HttpResponse::Ok().json(MeResponse {
        user: views::accounts::user(&user),
        player: player.as_ref().map(views::player_view),
    }))
}
