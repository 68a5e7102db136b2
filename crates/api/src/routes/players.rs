//! `/players`: list, guest creation, profile, edit, rating history (API.md "Players").

use actix_web::{HttpRequest, HttpResponse, get, http::header, patch, post, web};
use ttstats_api_types::page::page_request;
use ttstats_api_types::players::{
    CreatePlayerRequest, EloHistoryItem, NewPlayer, Player, PlayerChanges, PlayerListQuery,
    UpdatePlayerRequest,
};
use ttstats_api_types::{Page, ProblemDetails};
use ttstats_cache::Key;
use ttstats_domain::PlayerId;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{AuthUser, MaybeUser};
use crate::cached;
use crate::error::ApiError;
use crate::services::invalidate;
use crate::services::players;
use crate::state::AppState;
use crate::views::Caller;

/// Registers the player routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_players)
        .service(create_player)
        .service(get_player)
        .service(update_player)
        .service(elo_history);
}

/// List players, by name; `search` matches name or nickname.
#[utoipa::path(
    tag = "players",
    params(PlayerListQuery),
    responses(
        (status = 200, description = "a page of players", body = Page<Player>),
        (status = 400, description = "bad `page`/`per_page`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/players")]
async fn list_players(
    state: web::Data<AppState>,
    query: web::Query<PlayerListQuery>,
) -> Result<web::Json<Page<Player>>, ApiError> {
    let page = page_request(query.page.as_deref(), query.per_page.as_deref())?;
    let found = players::list_players(&state.db, query.search.as_deref(), page).await?;
    Ok(web::Json(found))
}

/// Create a guest player (an opponent without an account).
#[utoipa::path(
    tag = "players",
    request_body = CreatePlayerRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "created", body = Player),
        (status = 400, description = "malformed body", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 422, description = "`field_required`, `field_too_long`, `invalid_choice`",
            body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/players")]
async fn create_player(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<CreatePlayerRequest>,
) -> Result<HttpResponse, ApiError> {
    let created = players::create_player(&state.db, &user, NewPlayer::try_from(&*body)).await?;
    invalidate::player_created(&state.cache).await;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/players/{}", created.id)))
        .json(created))
}

/// A player.
#[utoipa::path(
    tag = "players",
    params(("id" = i64, Path, description = "player id")),
    responses(
        (status = 200, description = "the player", body = Player),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/players/{id}")]
async fn get_player(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Player>, ApiError> {
    Ok(web::Json(
        players::get_player(&state.db, PlayerId(*id)).await?,
    ))
}

/// Edit a player: its own user or an admin; an admin may link a guest to a user (`user_id`).
#[utoipa::path(
    tag = "players",
    params(("id" = i64, Path, description = "player id")),
    request_body = UpdatePlayerRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the updated player", body = Player),
        (status = 400, description = "malformed body", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_profile_owner`, `admin_required` (linking)",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`player_already_linked`, `user_already_has_player`",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`field_required`, `field_too_long`, `invalid_choice`",
            body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/players/{id}")]
async fn update_player(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<UpdatePlayerRequest>,
) -> Result<web::Json<Player>, ApiError> {
    let changes = PlayerChanges::try_from(&*body);
    let updated = players::update_player(&state, &user, PlayerId(*id), changes).await?;
    invalidate::player_renamed(&state.cache).await;
    Ok(web::Json(updated))
}

/// A player's rating changes, in the order they were applied.
#[utoipa::path(
    tag = "players",
    params(("id" = i64, Path, description = "player id")),
    responses(
        (status = 200, description = "rating changes", body = Vec<EloHistoryItem>),
        (status = 304, description = "unchanged since the `If-None-Match` ETag"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/players/{id}/elo-history")]
async fn elo_history(
    req: HttpRequest,
    caller: MaybeUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = PlayerId(*id);
    let is_admin = Caller::of_maybe(&caller).is_admin;
    cached::respond(&req, &state, &Key::EloHistory(id), is_admin, || {
        players::elo_history_bytes(&state.db, id)
    })
    .await
}
