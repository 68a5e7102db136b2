//! `/matches/{id}/live`: live scoring (API.md "live scoring", DOMAIN.md §3.15).

use actix_web::{HttpResponse, get, http::header, post, web};
use ttstats_api_types::ProblemDetails;
use ttstats_api_types::live::{LiveState, PointRequest, StartLiveRequest};
use ttstats_domain::{DomainError, MatchId};
use ttstats_persistence::live_writes::LiveAction;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::services::live;
use crate::state::AppState;

/// A path or body as parsed: its 400 is answered after authentication (401 comes first,
/// DOMAIN.md §6), and never while the caller's account lookup is in flight. A failed extractor
/// would drop that lookup mid-query, and a cancelled SQLite query blocks in place, which
/// panics on actix's single-threaded workers.
type Parsed<T> = Result<T, actix_web::Error>;

/// Registers the live scoring routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_live)
        .service(watch_live)
        .service(start_live)
        .service(score_point)
        .service(undo_point)
        .service(end_live)
        .service(acknowledge_side_switch);
}

/// The live state of a match, for any signed-in user.
#[utoipa::path(
    tag = "live",
    params(("id" = i64, Path, description = "match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the state; `is_live` is false once the match was decided \
            or ended early", body = LiveState),
        (status = 400, description = "`invalid_query_parameter` (id)", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such match, or never scored live",
            body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/matches/{id}/live")]
async fn get_live(
    user: AuthUser,
    state: web::Data<AppState>,
    id: Parsed<web::Path<i64>>,
) -> Result<web::Json<LiveState>, actix_web::Error> {
    let id = MatchId(id?.into_inner());
    Ok(web::Json(live::get_live_state(&state.db, &user, id).await?))
}

/// Watch a live match as Server-Sent Events.
///
/// Each `data:` line is a LiveState JSON, sent at once and whenever the state changes
/// (checked twice a second); comment lines keep the connection alive. The stream ends after
/// the event in which `is_live` turns false, or after ten minutes (reconnect to go on). Send
/// the bearer token in the `Authorization` header (use a fetch-based SSE client:
/// `EventSource` cannot send headers).
#[utoipa::path(
    tag = "live",
    params(("id" = i64, Path, description = "match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "an event stream of LiveState JSON objects",
            body = LiveState, content_type = "text/event-stream"),
        (status = 400, description = "`invalid_query_parameter` (id)", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such match, or never scored live",
            body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/matches/{id}/live/events")]
async fn watch_live(
    user: AuthUser,
    state: web::Data<AppState>,
    id: Parsed<web::Path<i64>>,
) -> Result<HttpResponse, actix_web::Error> {
    let id = MatchId(id?.into_inner());
    let events = live::watch_live_state(&state.db, &user, id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(events))
}

/// Start scoring: choose the side that serves first.
///
/// Repeating it with the same side changes nothing.
#[utoipa::path(
    tag = "live",
    params(("id" = i64, Path, description = "match id")),
    request_body = StartLiveRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the state", body = LiveState),
        (status = 400, description = "`malformed_request`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_scorekeeper`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`match_not_live`, `live_already_started`",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_side`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/matches/{id}/live/start")]
async fn start_live(
    user: AuthUser,
    state: web::Data<AppState>,
    id: Parsed<web::Path<i64>>,
    body: Parsed<web::Json<StartLiveRequest>>,
) -> Result<web::Json<LiveState>, actix_web::Error> {
    let action = body?.side().map(|side| LiveAction::Start {
        initial_server: side.into(),
    });
    act(&state, &user, id, action).await
}

/// Score a point for a side.
///
/// The point that decides the match leaves live mode, runs the
/// completion pipeline (confirmation requests, or auto-confirmation against unverified
/// players) and answers with `confirm_url`.
#[utoipa::path(
    tag = "live",
    params(("id" = i64, Path, description = "match id")),
    request_body = PointRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the state", body = LiveState),
        (status = 400, description = "`malformed_request`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_scorekeeper`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`live_not_started`, `match_already_complete`, \
            `match_not_live`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`invalid_side`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/matches/{id}/live/point")]
async fn score_point(
    user: AuthUser,
    state: web::Data<AppState>,
    id: Parsed<web::Path<i64>>,
    body: Parsed<web::Json<PointRequest>>,
) -> Result<web::Json<LiveState>, actix_web::Error> {
    let action = body?
        .side()
        .map(|side| LiveAction::Point { side: side.into() });
    act(&state, &user, id, action).await
}

/// Take the newest point back.
///
/// Undoing a game-ending point reopens its game. An empty log changes nothing.
#[utoipa::path(
    tag = "live",
    params(("id" = i64, Path, description = "match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the state", body = LiveState),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_scorekeeper`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`match_not_live`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/matches/{id}/live/undo")]
async fn undo_point(
    user: AuthUser,
    state: web::Data<AppState>,
    id: Parsed<web::Path<i64>>,
) -> Result<web::Json<LiveState>, actix_web::Error> {
    act(&state, &user, id, Ok(LiveAction::Undo)).await
}

/// Stop live scoring early.
///
/// The completed games stay, the game in progress is dropped and the match becomes an
/// ordinary unfinished match.
#[utoipa::path(
    tag = "live",
    params(("id" = i64, Path, description = "match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the last state, with `is_live` false", body = LiveState),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_scorekeeper`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`match_not_live`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/matches/{id}/live/end")]
async fn end_live(
    user: AuthUser,
    state: web::Data<AppState>,
    id: Parsed<web::Path<i64>>,
) -> Result<web::Json<LiveState>, actix_web::Error> {
    act(&state, &user, id, Ok(LiveAction::End)).await
}

/// The players switched ends in the deciding game: the prompt goes away for this match.
#[utoipa::path(
    tag = "live",
    params(("id" = i64, Path, description = "match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the state", body = LiveState),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_scorekeeper`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`match_not_live`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/matches/{id}/live/side-switch")]
async fn acknowledge_side_switch(
    user: AuthUser,
    state: web::Data<AppState>,
    id: Parsed<web::Path<i64>>,
) -> Result<web::Json<LiveState>, actix_web::Error> {
    act(&state, &user, id, Ok(LiveAction::AcknowledgeSideSwitch)).await
}

async fn act(
    state: &AppState,
    user: &AuthUser,
    id: Parsed<web::Path<i64>>,
    action: Result<LiveAction, DomainError>,
) -> Result<web::Json<LiveState>, actix_web::Error> {
    let id = MatchId(id?.into_inner());
    Ok(web::Json(live::act(state, user, id, action).await?))
}
