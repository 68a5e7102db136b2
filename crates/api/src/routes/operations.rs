//! Admin operations: cache statistics, clearing and warming, Elo recalculation.

use actix_web::{HttpResponse, get, post, web};
use ttstats_api_types::admin::{
    CacheClearQuery, CacheStats, CacheWarmQuery, CacheWarmReport, RecalculateQuery,
    RecalculateReport,
};
use ttstats_api_types::problem::ProblemDetails;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::services::{operations, warm};
use crate::state::AppState;

/// Registers the operations routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(cache_stats)
        .service(clear_cache)
        .service(warm_cache)
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

/// Fills the cache with what most pages read: every leaderboard kind and period (default
/// limit), the dashboard's club parts, and the statistics, first history pages and Elo
/// history of the most active players. Values are read through the cache as a request would
/// read them, so what is cached already is kept.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(CacheWarmQuery),
    responses(
        (status = 200, body = CacheWarmReport),
        (status = 400, body = ProblemDetails, description = "`invalid_query_parameter` (`players` 0–1000)"),
        (status = 401, body = ProblemDetails),
        (status = 403, body = ProblemDetails, description = "`admin_required`")
    )
)]
#[post("/admin/cache/warm")]
async fn warm_cache(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<CacheWarmQuery>,
) -> Result<web::Json<CacheWarmReport>, ApiError> {
    user.require_admin()?;
    let players = warm::players_param(query.players.as_deref())?;
    let report = warm::warm(&state.db, &state.cache, players, |_| {}).await?;
    Ok(web::Json(report.to_wire()))
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
