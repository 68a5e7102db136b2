//! `/scheduled-matches` and `/calendar` (API.md "Scheduling, calendar"): fixtures are listed,
//! scheduled, viewed, edited, deleted and converted into matches.

use actix_web::{HttpRequest, HttpResponse, delete, get, http::header, patch, post, web};
use ttstats_api_types::matches::Match;
use ttstats_api_types::schedule::{
    Calendar, CalendarQuery, Conversion, ConvertRequest, CreateScheduledMatchRequest,
    FixtureChanges, NewFixture, ScheduledMatch, UpdateScheduledMatchRequest,
};
use ttstats_api_types::{Page, PageQuery, ProblemDetails};
use ttstats_domain::FixtureId;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::cached;
use crate::error::ApiError;
use crate::services::schedule;
use crate::startup::MAX_JSON_BYTES;
use crate::state::AppState;

/// An extractor whose failure the handler raises itself, after `AuthUser`: actix polls a
/// handler's extractors together and, on the first failure, drops the others — which would
/// cancel the caller's lookup mid-query (a cancelled SQLite query panics the current-thread
/// worker) and answer 400 before 401 (DOMAIN.md §6 wants 401 first).
type Extracted<T> = Result<T, actix_web::Error>;

/// Registers the scheduling and calendar routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_scheduled_matches)
        .service(schedule_match)
        .service(get_scheduled_match)
        .service(update_scheduled_match)
        .service(delete_scheduled_match)
        .service(convert_scheduled_match)
        .service(get_calendar);
}

/// List my fixtures (those my player plays in; every fixture for an admin) by date and time.
#[utoipa::path(
    tag = "schedule",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "a page of fixtures", body = Page<ScheduledMatch>),
        (status = 400, description = "`invalid_query_parameter`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/scheduled-matches")]
async fn list_scheduled_matches(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Extracted<web::Query<PageQuery>>,
) -> actix_web::Result<web::Json<Page<ScheduledMatch>>> {
    let page = query?.to_request().map_err(ApiError::from)?;
    Ok(web::Json(
        schedule::list_scheduled(&state.db, &user, page).await?,
    ))
}

/// Schedule a match: every participant with an account is notified and e-mailed.
#[utoipa::path(
    tag = "schedule",
    request_body = CreateScheduledMatchRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "scheduled", body = ScheduledMatch),
        (status = 400, description = "`malformed_request`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`player_profile_required`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 422, description = "`wrong_player_count`, `players_not_distinct`, \
            `unknown_player`, `creator_not_participant`, `scheduled_date_in_past`, \
            `invalid_choice`, `field_too_long`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/scheduled-matches")]
async fn schedule_match(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Extracted<web::Json<CreateScheduledMatchRequest>>,
) -> actix_web::Result<HttpResponse> {
    let new = NewFixture::try_from(&*body?);
    let fixture = schedule::schedule_match(&state, &user, new).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/scheduled-matches/{}", fixture.id),
        ))
        .json(fixture))
}

/// A fixture: its participants, its championship's entrants and creator, and admins see it.
#[utoipa::path(
    tag = "schedule",
    params(("id" = i64, Path, description = "fixture id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the fixture", body = ScheduledMatch),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found` (also when not visible)",
            body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/scheduled-matches/{id}")]
async fn get_scheduled_match(
    user: AuthUser,
    state: web::Data<AppState>,
    id: Extracted<web::Path<i64>>,
) -> actix_web::Result<web::Json<ScheduledMatch>> {
    let fixture = schedule::get_scheduled(&state.db, &user, FixtureId(*id?)).await?;
    Ok(web::Json(fixture))
}

/// Change date, time, location or notes until the fixture is converted: participants, or for
/// a championship fixture its championship's creator; admins.
#[utoipa::path(
    tag = "schedule",
    params(("id" = i64, Path, description = "fixture id")),
    request_body = UpdateScheduledMatchRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the fixture as changed", body = ScheduledMatch),
        (status = 400, description = "`malformed_request`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_a_participant`, `not_championship_creator`",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`fixture_already_converted`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 422, description = "`scheduled_date_in_past`, `invalid_choice`, \
            `field_too_long`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[patch("/scheduled-matches/{id}")]
async fn update_scheduled_match(
    user: AuthUser,
    state: web::Data<AppState>,
    id: Extracted<web::Path<i64>>,
    body: Extracted<web::Json<UpdateScheduledMatchRequest>>,
) -> actix_web::Result<web::Json<ScheduledMatch>> {
    let id = FixtureId(*id?);
    let changes = FixtureChanges::try_from(&*body?);
    let fixture = schedule::update_scheduled(&state, &user, id, changes).await?;
    Ok(web::Json(fixture))
}

/// Delete a fixture: participants and admins; championship fixtures go with their schedule.
#[utoipa::path(
    tag = "schedule",
    params(("id" = i64, Path, description = "fixture id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_a_participant`, `not_championship_creator` (a \
            championship fixture)", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[delete("/scheduled-matches/{id}")]
async fn delete_scheduled_match(
    user: AuthUser,
    state: web::Data<AppState>,
    id: Extracted<web::Path<i64>>,
) -> actix_web::Result<HttpResponse> {
    schedule::delete_scheduled(&state, &user, FixtureId(*id?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Convert a fixture into its match (sides unchanged; `played_at` defaults to the scheduled
/// date and time, best of 5, casual — tournament for a championship fixture) and link it. An
/// empty body takes every default.
#[utoipa::path(
    tag = "schedule",
    params(("id" = i64, Path, description = "fixture id")),
    request_body(content = Option<ConvertRequest>, description = "optional; no body, `null` or `{}` \
        take the defaults"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "the match created", body = Match),
        (status = 400, description = "`malformed_request`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_a_participant`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`fixture_already_converted`, `match_already_complete`",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`played_at_in_future` (also when the fixture is still \
            ahead and no `played_at` is given), `best_of_invalid`, `invalid_choice`, \
            `game_score_*`, `duration_invalid`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/scheduled-matches/{id}/convert")]
async fn convert_scheduled_match(
    user: AuthUser,
    state: web::Data<AppState>,
    id: Extracted<web::Path<i64>>,
    body: Extracted<web::Bytes>,
) -> actix_web::Result<HttpResponse> {
    let (id, body) = (FixtureId(*id?), body?);
    if body.len() > MAX_JSON_BYTES {
        return Err(ApiError::Malformed("the body is too large".into()).into());
    }
    let request = if body.iter().all(u8::is_ascii_whitespace) {
        ConvertRequest::default()
    } else {
        serde_json::from_slice::<Option<ConvertRequest>>(&body)
            .map_err(|e| ApiError::Malformed(e.to_string()))?
            .unwrap_or_default()
    };
    let conversion = Conversion::try_from(&request);
    let played = schedule::convert_scheduled(&state, &user, id, conversion).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/matches/{}", played.id)))
        .json(played))
}

/// My calendar month: weeks from Sunday with my visible fixtures (hidden once their match is
/// confirmed) and the confirmed matches I played or that belong to a championship I entered;
/// previous/next month; the next 5 unconverted fixtures with win probability.
#[utoipa::path(
    tag = "schedule",
    params(CalendarQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the month (through the cache for users: `X-Cache`, \
            `ETag`; an admin's month is computed afresh)", body = Calendar),
        (status = 304, description = "unchanged since the `If-None-Match` ETag"),
        (status = 400, description = "`invalid_query_parameter` (year 1–9999, month 1–12)",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/calendar")]
async fn get_calendar(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
    query: Extracted<web::Query<CalendarQuery>>,
) -> actix_web::Result<HttpResponse> {
    let query = query?;
    let (key, month) = schedule::calendar_month(&user, &query)?;
    let compute = || schedule::calendar(&state.db, &user, month);
    if user.is_admin() {
        return Ok(cached::respond_uncached(&req, &state, compute).await?);
    }
    Ok(cached::respond(&req, &state, &key, false, compute).await?)
}
