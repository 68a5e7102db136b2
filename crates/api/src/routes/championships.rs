//! `/championships`: list, create, view, edit, register, unregister, start, regenerate
//! (API.md "Scheduling, calendar, championships", DOMAIN.md §3.13).

use actix_web::{HttpResponse, get, http::header, patch, post, web};
use ttstats_api_types::championships::{
    Championship, ChampionshipChanges, ChampionshipListQuery, CreateChampionshipRequest,
    NewChampionship, RegisterEntryRequest, UpdateChampionshipRequest,
};
use ttstats_api_types::{Page, ProblemDetails};
use ttstats_domain::{ChampionshipId, PlayerId};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::services::championships;
use crate::services::invalidate;
use crate::state::AppState;

/// Registers the championship routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_championships)
        .service(create_championship)
        .service(get_championship)
        .service(update_championship)
        .service(register)
        .service(unregister)
        .service(start)
        .service(regenerate);
}

/// List the championships the caller may see: public ones, private ones they created or
/// entered (admins: all), by start date, newest first.
#[utoipa::path(
    tag = "championships",
    params(ChampionshipListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "a page of championships", body = Page<Championship>),
        (status = 400, description = "`invalid_query_parameter` (status, participation, page, \
            per_page)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/championships")]
async fn list_championships(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ChampionshipListQuery>,
) -> Result<web::Json<Page<Championship>>, ApiError> {
    let filter = query.to_filter()?;
    let page = championships::list_championships(&state.db, &user, &filter).await?;
    Ok(web::Json(page))
}

/// Create a championship. Public: open for registration until the deadline. Private: the
/// request carries the entries (2…max_entries); the schedule is generated at once.
#[utoipa::path(
    tag = "championships",
    request_body = CreateChampionshipRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "created", body = Championship),
        (status = 400, description = "`malformed_request`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`player_profile_required`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`not_enough_entries`: a private championship needs two \
            entries", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`field_required`, `field_too_long`, `invalid_choice`, \
            `max_entries_invalid`, `start_date_in_past`, `registration_deadline_required`, \
            `registration_deadline_after_start`, `entry_size_invalid`, `players_not_distinct`, \
            `too_many_entries`, `not_enough_entries`, `unknown_player`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/championships")]
async fn create_championship(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<CreateChampionshipRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = NewChampionship::try_from(&*body);
    let created = championships::create_championship(&state.db, &user, new).await?;
    invalidate::championship_changed(&state.cache).await;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/championships/{}", created.id),
        ))
        .json(created))
}

/// A championship with its entries, fixtures, standings, results matrix and progress.
#[utoipa::path(
    tag = "championships",
    params(("id" = i64, Path, description = "championship id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the championship", body = Championship),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found` (unknown or private to others)",
            body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/championships/{id}")]
async fn get_championship(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Championship>, ApiError> {
    let shown = championships::get_championship(&state.db, &user, ChampionshipId(*id)).await?;
    Ok(web::Json(shown))
}

/// Edit name, description, location and status (creator or admin); setting `cancelled` is
/// the only way to cancel, setting `completed` names the standings leader champion.
#[utoipa::path(
    tag = "championships",
    params(("id" = i64, Path, description = "championship id")),
    request_body = UpdateChampionshipRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the updated championship", body = Championship),
        (status = 400, description = "`malformed_request`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_championship_creator`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 422, description = "`field_required`, `field_too_long`, `invalid_choice`",
            body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/championships/{id}")]
async fn update_championship(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<UpdateChampionshipRequest>,
) -> Result<web::Json<Championship>, ApiError> {
    let changes = ChampionshipChanges::try_from(&*body);
    let updated =
        championships::update_championship(&state.db, &user, ChampionshipId(*id), changes).await?;
    invalidate::championship_changed(&state.cache).await;
    Ok(web::Json(updated))
}

/// Enter the caller's player, with a `partner` for doubles (any other player, guests
/// included). The body may be omitted for singles.
#[utoipa::path(
    tag = "championships",
    operation_id = "register_entry",
    params(("id" = i64, Path, description = "championship id")),
    request_body = RegisterEntryRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the championship with the new entry", body = Championship),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`player_profile_required`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`registration_closed`, `championship_full`, \
            `already_registered`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 422, description = "`entry_size_invalid`, `players_not_distinct`, \
            `unknown_player`", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/championships/{id}/register")]
async fn register(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Option<web::Json<RegisterEntryRequest>>,
) -> Result<web::Json<Championship>, ApiError> {
    let partner = body.and_then(|b| b.partner).map(PlayerId);
    let shown = championships::register(&state.db, &user, ChampionshipId(*id), partner).await?;
    invalidate::championship_changed(&state.cache).await;
    Ok(web::Json(shown))
}

/// Withdraw the caller's entry (partner included) while registration is on.
#[utoipa::path(
    tag = "championships",
    params(("id" = i64, Path, description = "championship id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the championship without the entry", body = Championship),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`player_profile_required`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`championship_not_in_registration`",
            body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/championships/{id}/unregister")]
async fn unregister(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Championship>, ApiError> {
    let shown = championships::unregister(&state.db, &user, ChampionshipId(*id)).await?;
    invalidate::championship_changed(&state.cache).await;
    Ok(web::Json(shown))
}

/// Close registration and generate the round-robin schedule (creator or admin); entrants are
/// notified.
#[utoipa::path(
    tag = "championships",
    params(("id" = i64, Path, description = "championship id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the scheduled championship", body = Championship),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_championship_creator`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`championship_not_in_registration`, \
            `not_enough_entries`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/championships/{id}/start")]
async fn start(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Championship>, ApiError> {
    let shown = championships::start(&state.db, &user, ChampionshipId(*id)).await?;
    invalidate::championship_changed(&state.cache).await;
    Ok(web::Json(shown))
}

/// Replace the fixtures with a freshly generated schedule while none is converted (creator
/// or admin); before the start there is nothing to replace and nothing changes.
#[utoipa::path(
    tag = "championships",
    params(("id" = i64, Path, description = "championship id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the championship with its new fixtures",
            body = Championship),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_championship_creator`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`fixture_already_converted`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/championships/{id}/regenerate")]
async fn regenerate(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Championship>, ApiError> {
    let shown = championships::regenerate(&state.db, &user, ChampionshipId(*id)).await?;
    invalidate::championship_changed(&state.cache).await;
    Ok(web::Json(shown))
}
