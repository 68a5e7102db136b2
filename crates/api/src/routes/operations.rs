//! Admin operations: cache statistics and clearing, Elo recalculation.

use actix_web::{HttpResponse, get, post, web};
use ttstats_api_types::admin::{CacheClearQuery, CacheStats, RecalculateQuery, RecalculateReport};
use ttstats_api_types::problem::ProblemDetails;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::services::operations;
use crate::state::AppState;

/// Registers the operations routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(cache_stats)
        .service(clear_cache)
        .service(recalculate_elo);
}

/// Cache statistics per tier and per family.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, body = CacheStats),
        (status = 401, body = ProblemDetails),
        (status = 403, body = ProblemDetails, description = "`admin_required`")
    )
)]
#[get("/admin/cache/stats")]
async fn cache_stats(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<web::Json<CacheStats>, ApiError> {
    user.require_admin()?;
    Ok(web::Json(operations::cache_stats(&state).await))
}

/// Clears one cache family (or all) on every instance.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(CacheClearQuery),
    responses(
        (status = 204, description = "cleared"),
        (status = 400, body = ProblemDetails, description = "unknown family"),
        (status = 401, body = ProblemDetails),
        (status = 403, body = ProblemDetails, description = "`admin_required`")
    )
)]
#[post("/admin/cache/clear")]
async fn clear_cache(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<CacheClearQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    operations::clear_cache(&state, query.family.as_deref()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replays every confirmed match in play order; `dry_run` reports without writing.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(RecalculateQuery),
    responses(
        (status = 200, body = RecalculateReport),
        (status = 401, body = ProblemDetails),
        (status = 403, body = ProblemDetails, description = "`admin_required`")
    )
)]
#[post("/admin/elo/recalculate")]
async fn recalculate_elo(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<RecalculateQuery>,
) -> Result<web::Json<RecalculateReport>, ApiError> {
    user.require_admin()?;
    Ok(web::Json(
        operations::recalculate_elo(&state, query.dry_run).await?,
    ))
}
