//! `/matches`: list, record, view, edit, delete, games, confirm, projection (API.md "Matches").

use actix_web::{HttpResponse, delete, get, http::header, patch, post, put, web};
use ttstats_api_types::matches::{
    CreateMatchRequest, Game, GameInput, Match, MatchChanges, MatchListQuery, NewMatch, Projection,
    UpdateMatchRequest, ValidGame,
};
use ttstats_api_types::{Page, ProblemDetails};
use ttstats_domain::MatchId;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{AuthUser, MaybeUser};
use crate::error::ApiError;
use crate::services::matches;
use crate::state::AppState;
use crate::views::Caller;

/// Registers the match routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_matches)
        .service(create_match)
        .service(get_match)
        .service(update_match)
        .service(delete_match)
        .service(add_game)
        .service(edit_game)
        .service(delete_game)
        .service(confirm_match)
        .service(projection);
}

/// List the matches the caller may see, newest first.
#[utoipa::path(
    security((), ("bearer" = [])),
    tag = "matches",
    params(MatchListQuery),
    responses(
        (status = 401, description = "`invalid_token`: a bad or expired token is refused \
            even where none is needed", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 200, description = "a page of matches", body = Page<Match>),
        (status = 400, description = "`invalid_query_parameter`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/matches")]
async fn list_matches(
    caller: MaybeUser,
    state: web::Data<AppState>,
    query: web::Query<MatchListQuery>,
) -> Result<web::Json<Page<Match>>, ApiError> {
    let filter = query.to_filter()?;
    let page = matches::list_matches(&state.db, &Caller::of_maybe(&caller), &filter).await?;
    Ok(web::Json(page))
}

/// Record a match with its games, or (`"live": true`) a live singles match scored by the
/// caller's player.
#[utoipa::path(
    tag = "matches",
    request_body = CreateMatchRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "recorded; `auto_confirmed`/`auto_confirmed_because` say \
            whether a side without verified players confirmed it at once", body = Match),
        (status = 400, description = "`malformed_request`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`player_profile_required`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`match_already_complete`, `game_number_taken`",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`best_of_invalid`, `wrong_player_count`, \
            `players_not_distinct`, `unknown_player`, `creator_not_participant`, \
            `played_at_in_future`, `live_requires_singles`, `game_score_*`, \
            `duration_invalid`, `invalid_choice`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/matches")]
async fn create_match(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<CreateMatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let recorded = matches::create_match(&state, &user, NewMatch::try_from(&*body)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/matches/{}", recorded.id)))
        .json(recorded))
}

/// A match. Unfinished and pending matches are visible to their participants and admins, live
/// ones to every signed-in user, confirmed ones to everybody.
#[utoipa::path(
    security((), ("bearer" = [])),
    tag = "matches",
    params(("id" = i64, Path, description = "match id")),
    responses(
        (status = 401, description = "`invalid_token`: a bad or expired token is refused \
            even where none is needed", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 200, description = "the match", body = Match),
        (status = 404, description = "`not_found` (unknown or invisible)", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/matches/{id}")]
async fn get_match(
    caller: MaybeUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Match>, ApiError> {
    let shown = matches::get_match(&state.db, &Caller::of_maybe(&caller), MatchId(*id)).await?;
    Ok(web::Json(shown))
}

/// Change a match's metadata (participants and admins). Unfinished: played_at, match_type,
/// location, notes, and best_of while there are no games; pending and confirmed: location and
/// notes; live: nothing.
#[utoipa::path(
    tag = "matches",
    params(("id" = i64, Path, description = "match id")),
    request_body = UpdateMatchRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the updated match", body = Match),
        (status = 400, description = "`malformed_request`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_a_participant`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`participants_locked`, `best_of_locked`, `match_locked`, \
            `match_is_live`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`best_of_invalid`, `played_at_in_future`, \
            `invalid_choice`, `field_too_long`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[patch("/matches/{id}")]
async fn update_match(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<UpdateMatchRequest>,
) -> Result<web::Json<Match>, ApiError> {
    let changes = MatchChanges::try_from(&*body);
    let updated = matches::update_match(&state, &user, MatchId(*id), changes).await?;
    Ok(web::Json(updated))
}

/// Delete a match: its creator or an admin while unconfirmed; a confirmed match only an admin
/// (aggregates and ratings are replayed).
#[utoipa::path(
    tag = "matches",
    params(("id" = i64, Path, description = "match id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_match_creator`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`match_locked`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[delete("/matches/{id}")]
async fn delete_match(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    matches::delete_match(&state, &user, MatchId(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Add a game (participants and admins); the server assigns the next number.
#[utoipa::path(
    tag = "matches",
    params(("id" = i64, Path, description = "match id")),
    request_body = GameInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "the game with its number", body = Game),
        (status = 400, description = "`malformed_request`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_a_participant`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`match_already_complete`, `match_locked`, \
            `game_number_taken`, `match_is_live`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 422, description = "`game_score_*`, `duration_invalid`, \
            `game_number_out_of_range`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/matches/{id}/games")]
async fn add_game(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<GameInput>,
) -> Result<HttpResponse, ApiError> {
    let game = ValidGame::try_from(&*body);
    let added = matches::add_game(&state, &user, MatchId(*id), game).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/matches/{}/games/{}", *id, added.number),
        ))
        .json(added))
}

/// Replace a game's score while the match is unconfirmed (participants and admins).
#[utoipa::path(
    tag = "matches",
    params(
        ("id" = i64, Path, description = "match id"),
        ("number" = i64, Path, description = "game number"),
    ),
    request_body = GameInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the game", body = Game),
        (status = 400, description = "`malformed_request`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_a_participant`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found` (match or game)", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`match_locked`, `match_is_live`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 422, description = "`game_score_*`, `duration_invalid`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[put("/matches/{id}/games/{number}")]
async fn edit_game(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: web::Json<GameInput>,
) -> Result<web::Json<Game>, ApiError> {
    let (id, number) = path.into_inner();
    let game = ValidGame::try_from(&*body);
    let edited = matches::edit_game(&state, &user, MatchId(id), number, game).await?;
    Ok(web::Json(edited))
}

/// Remove a game while the match is unconfirmed; later games move up one number.
#[utoipa::path(
    tag = "matches",
    params(
        ("id" = i64, Path, description = "match id"),
        ("number" = i64, Path, description = "game number"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "removed"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`not_a_participant`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found` (match or game)", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`match_locked`, `match_is_live`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[delete("/matches/{id}/games/{number}")]
async fn delete_game(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, number) = path.into_inner();
    matches::delete_game(&state, &user, MatchId(id), number).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Confirm the result as the caller's own player; repeating it changes nothing.
#[utoipa::path(
    tag = "matches",
    params(("id" = i64, Path, description = "match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the match after the confirmation", body = Match),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 403, description = "`player_profile_required`, `not_a_participant`",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 409, description = "`match_not_complete`, `match_is_live`",
            body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/matches/{id}/confirm")]
async fn confirm_match(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Match>, ApiError> {
    let confirmed = matches::confirm_match(&state, &user, MatchId(*id)).await?;
    Ok(web::Json(confirmed))
}

/// The Elo change each side would get if the match were confirmed now, the win probability,
/// and the caller's own change (0 when not playing).
#[utoipa::path(
    security((), ("bearer" = [])),
    tag = "matches",
    params(("id" = i64, Path, description = "match id")),
    responses(
        (status = 401, description = "`invalid_token`: a bad or expired token is refused \
            even where none is needed", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 200, description = "the projection", body = Projection),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/matches/{id}/projection")]
async fn projection(
    caller: MaybeUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Projection>, ApiError> {
    let caller = Caller::of_maybe(&caller);
    Ok(web::Json(
        matches::projection(&state.db, &caller, MatchId(*id)).await?,
    ))
}
