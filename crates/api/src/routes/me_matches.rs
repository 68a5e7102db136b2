//! `/me/pending` and `/me/badges`: the caller's confirmations to give and badge counts.

use actix_web::{HttpRequest, HttpResponse, get, web};
use ttstats_api_types::auth::BadgesResponse;
use ttstats_api_types::matches::Match;
use ttstats_api_types::{Page, PageQuery, ProblemDetails};
use utoipa_actix_web::service_config::ServiceConfig;

use std::time::Instant;

use ttstats_cache::Key;

use crate::auth::AuthUser;
use crate::cached;
use crate::error::ApiError;
use crate::services::{matches, stats};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(pending).service(badges);
}

/// The matches waiting for the caller's own confirmation, newest first.
#[utoipa::path(
    tag = "me",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "a page of matches", body = Page<Match>),
        (status = 400, description = "`invalid_query_parameter`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/me/pending")]
async fn pending(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Match>>, ApiError> {
    let page = query.to_request()?;
    Ok(web::Json(
        matches::pending_for(&state.db, &user, page).await?,
    ))
}

/// The caller's badges: confirmations to give, live matches, rank by rating.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the badges (`pending_confirmations` through the cache: \
            `X-Cache`, `ETag`)", body = BadgesResponse),
        (status = 304, description = "unchanged since the `If-None-Match` ETag"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/me/badges")]
async fn badges(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Some(player) = user.player_id() else {
        return Ok(HttpResponse::Ok().json(BadgesResponse::default()));
    };
    let started = Instant::now();
    let keys = [Key::Player(player), Key::Pending(player)];
    let db = &state.db;
    let [me, waiting] = cached::parts_of(&req, &state, &keys, user.is_admin(), |i| {
        stats::part(db, &keys[i])
    })
    .await?;
    let rating = stats::decode_player(&me)?.rating;
    let live = matches::live_badges(db, player, rating).await?;
    cached::respond_part(&req, &state, &waiting, live, started)
}
