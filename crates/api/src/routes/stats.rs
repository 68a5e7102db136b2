//! Statistics, served through the read cache (API.md "Statistics", player stats and history;
//! DOMAIN.md §5): leaderboard, player statistics, history and achievements, head-to-head,
//! pairs and the dashboard.

use std::time::Instant;

use actix_web::{HttpRequest, HttpResponse, get, web};
use ttstats_api_types::players::{Achievements, HistoryItem, Player, PlayerStats};
use ttstats_api_types::stats::{
    Dashboard, HeadToHead, Leaderboard, LeaderboardQuery, PairStats, PlayerPairQuery,
};
use ttstats_api_types::{Page, PageQuery, ProblemDetails};
use ttstats_cache::Key;
use ttstats_domain::{DomainError, PlayerId};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::MaybeUser;
use crate::cached::{self, Members};
use crate::error::ApiError;
use crate::services::stats;
use crate::state::AppState;
use crate::views::Caller;

/// Registers the statistics routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(leaderboard)
        .service(player_stats)
        .service(player_history)
        .service(player_achievements)
        .service(head_to_head)
        .service(pairs)
        .service(dashboard);
}

/// The leaderboard for a kind of match and a period.
#[utoipa::path(
    tag = "statistics",
    params(LeaderboardQuery),
    responses(
        (status = 401, description = "`invalid_token`: a bad or expired token is refused \
            even where none is needed", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 200, description = "ranked players", body = Leaderboard),
        (status = 304, description = "unchanged since the `If-None-Match` ETag"),
        (status = 400, description = "`invalid_query_parameter`, `invalid_date_range`",
            body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/leaderboard")]
async fn leaderboard(
    req: HttpRequest,
    caller: MaybeUser,
    state: web::Data<AppState>,
    query: web::Query<LeaderboardQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.to_filter()?;
    let key = stats::leaderboard_key(&filter);
    let is_admin = Caller::of_maybe(&caller).is_admin;
    cached::respond(&req, &state, &key, is_admin, || {
        stats::leaderboard(&state.db, &filter)
    })
    .await
}

/// A player's statistics, rating chart and achievements; `can_edit` tells whether the caller
/// may edit the player.
#[utoipa::path(
    tag = "statistics",
    params(("id" = i64, Path, description = "player id")),
    responses(
        (status = 401, description = "`invalid_token`: a bad or expired token is refused \
            even where none is needed", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 200, description = "the statistics", body = PlayerStats),
        (status = 304, description = "unchanged since the `If-None-Match` ETag"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/players/{id}/stats")]
async fn player_stats(
    req: HttpRequest,
    caller: MaybeUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = PlayerId(*id);
    let caller = Caller::of_maybe(&caller);
    let key = Key::PlayerStats(id);
    cached::respond_with(
        &req,
        &state,
        &key,
        caller.is_admin,
        || stats::player_stats(&state.db, id),
        Members::default().with("can_edit", &stats::can_edit(&caller, id))?,
    )
    .await
}

/// A player's confirmed matches, newest first, each oriented to the player.
#[utoipa::path(
    tag = "statistics",
    params(("id" = i64, Path, description = "player id"), PageQuery),
    responses(
        (status = 401, description = "`invalid_token`: a bad or expired token is refused \
            even where none is needed", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 200, description = "a page of matches", body = Page<HistoryItem>),
        (status = 304, description = "unchanged since the `If-None-Match` ETag (first page)"),
        (status = 400, description = "bad `page`/`per_page`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/players/{id}/matches")]
async fn player_history(
    req: HttpRequest,
    caller: MaybeUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = PlayerId(*id);
    let page = query.to_request()?;
    if page.page > 1 {
        let found = stats::player_history(&state.db, id, page).await?;
        return Ok(HttpResponse::Ok().json(found));
    }
    let key = stats::player_history_key(id, page);
    let is_admin = Caller::of_maybe(&caller).is_admin;
    cached::respond(&req, &state, &key, is_admin, || {
        stats::player_history_bytes(&state.db, id, page)
    })
    .await
}

/// A player's earned achievements and progress in every group (cached with the player's
/// statistics; a confirmation invalidates it).
#[utoipa::path(
    tag = "statistics",
    params(("id" = i64, Path, description = "player id")),
    responses(
        (status = 200, description = "achievements", body = Achievements),
        (status = 304, description = "unchanged since the `If-None-Match` ETag"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/players/{id}/achievements")]
async fn player_achievements(
    req: HttpRequest,
    caller: MaybeUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = PlayerId(*id);
    let is_admin = Caller::of_maybe(&caller).is_admin;
    cached::respond(&req, &state, &Key::Achievements(id), is_admin, || async {
        cached::to_bytes(&stats::achievements(&state.db, id).await?)
    })
    .await
}

/// Two players' singles record against each other, oriented to `player1`, with win
/// probabilities from their current ratings.
#[utoipa::path(
    tag = "statistics",
    params(PlayerPairQuery),
    responses(
        (status = 401, description = "`invalid_token`: a bad or expired token is refused \
            even where none is needed", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 200, description = "the head-to-head", body = HeadToHead),
        (status = 304, description = "unchanged since the `If-None-Match` ETag"),
        (status = 400, description = "missing or malformed `player1`/`player2`",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 422, description = "`players_not_distinct`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/head-to-head")]
async fn head_to_head(
    req: HttpRequest,
    caller: MaybeUser,
    state: web::Data<AppState>,
    query: web::Query<PlayerPairQuery>,
) -> Result<HttpResponse, ApiError> {
    let live = stats::head_to_head_live;
    pair_read(&req, &state, &caller, &query, Key::HeadToHead, live).await
}

/// Two players' record as doubles partners.
#[utoipa::path(
    tag = "statistics",
    params(PlayerPairQuery),
    responses(
        (status = 401, description = "`invalid_token`: a bad or expired token is refused \
            even where none is needed", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 200, description = "the pair's statistics", body = PairStats),
        (status = 304, description = "unchanged since the `If-None-Match` ETag"),
        (status = 400, description = "missing or malformed `player1`/`player2`",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 422, description = "`players_not_distinct`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/pairs")]
async fn pairs(
    req: HttpRequest,
    caller: MaybeUser,
    state: web::Data<AppState>,
    query: web::Query<PlayerPairQuery>,
) -> Result<HttpResponse, ApiError> {
    let members = |a: &Player, b: &Player| Members::default().with("players", &[a, b]);
    pair_read(&req, &state, &caller, &query, Key::pair_stats, members).await
}

/// A two-player read: `key`'s value with `members` of both players as they are now spliced
/// in, all looked up in one Redis round trip when L1 lacks them. `not_found` for an unknown
/// player, then `players_not_distinct` for one twice.
async fn pair_read(
    req: &HttpRequest,
    state: &AppState,
    caller: &MaybeUser,
    query: &PlayerPairQuery,
    key: fn(PlayerId, PlayerId) -> Key,
    members: impl FnOnce(&Player, &Player) -> Result<Members, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let started = Instant::now();
    let is_admin = Caller::of_maybe(caller).is_admin;
    let (a, b) = (PlayerId(query.player1), PlayerId(query.player2));
    if a == b {
        stats::player(&state.cache, &state.db, a).await?;
        return Err(DomainError::PlayersNotDistinct.into());
    }
    let keys = [Key::Player(a), Key::Player(b), key(a, b)];
    let db = &state.db;
    let [a, b, value] =
        cached::parts_of(req, state, &keys, is_admin, |i| stats::part(db, &keys[i])).await?;
    let (a, b) = (stats::decode_player(&a)?, stats::decode_player(&b)?);
    cached::respond_part(req, state, &value, members(&a, &b)?, started)
}

/// The "Today" page: club totals and recent matches for everyone; for a signed-in user with a
/// player also what waits on them, their rivalries and next fixtures.
#[utoipa::path(
    tag = "statistics",
    responses(
        (status = 200, description = "the dashboard", body = Dashboard),
        (status = 304, description = "unchanged since the `If-None-Match` ETag"),
        (status = 401, description = "`invalid_token`", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/dashboard")]
async fn dashboard(
    req: HttpRequest,
    caller: MaybeUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let started = Instant::now();
    let caller = Caller::of_maybe(&caller);
    let mut keys = vec![Key::DashboardTotals, Key::DashboardRecent];
    keys.extend(caller.player.map(Key::DashboardPersonal));
    let db = &state.db;
    let parts = cached::parts(&req, &state, &keys, caller.is_admin, |i| {
        stats::part(db, &keys[i])
    })
    .await?;
    cached::respond_parts(&req, &state, &parts, started)
}
