//! Players: the guest players any user creates, profile edits by their owner or an admin, and
//! the admin's linking of a guest to a user (DOMAIN.md §3.1, §4.2).

use chrono::Utc;
use ttstats_api_types::players::{EloHistoryItem, NewPlayer, Player, PlayerChanges};
use ttstats_api_types::{FieldErrors, Page};
use ttstats_domain::player_stats::PageRequest;
use ttstats_domain::{DomainError, PlayerId, UserId};
use ttstats_persistence::players::{self, PlayerRow};
use ttstats_persistence::{Conn, Db, DbError, match_writes, ratings, to_db, users};

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::services::matches::ask_all_to_confirm;
use crate::services::{or_not_found, total};
use crate::state::AppState;
use crate::views::{elo_history_item, player_view};

/// A page of players whose name or nickname contains `search`, by name.
pub async fn list_players(
    db: &Db,
    search: Option<&str>,
    page: PageRequest,
) -> Result<Page<Player>, ApiError> {
    let (views, count) = db
        .run(async |conn| {
            let (rows, count) = players::search_players(
                conn,
                search,
                page.offset() as i64,
                i64::from(page.per_page),
            )
            .await?;
            Ok((players::views(conn, rows).await?, count))
        })
        .await?;
    Ok(Page::new(
        views.iter().map(player_view).collect(),
        page,
        total(count),
    ))
}

/// One player.
pub async fn get_player(db: &Db, id: PlayerId) -> Result<Player, ApiError> {
    db.run(async |conn| load_view(conn, id).await)
        .await
        .map_err(or_not_found("player"))
}

/// A player's rating changes in application order.
pub async fn elo_history(db: &Db, id: PlayerId) -> Result<Vec<EloHistoryItem>, ApiError> {
    let rows = db
        .run(async |conn| {
            players::get_player(conn, id).await?;
            ratings::history_of(conn, id).await
        })
        .await
        .map_err(or_not_found("player"))?;
    Ok(rows.iter().map(elo_history_item).collect())
}

/// [`elo_history`] serialized: the cached value (family `elo_history`, tag `player:{id}`).
pub async fn elo_history_bytes(db: &Db, id: PlayerId) -> Result<Vec<u8>, ApiError> {
    crate::cached::to_bytes(&elo_history(db, id).await?)
}

/// Creates a guest player (any signed-in user).
pub async fn create_player(
    db: &Db,
    user: &AuthUser,
    new: Result<NewPlayer, FieldErrors>,
) -> Result<Player, ApiError> {
    let new = new?;
    let now = to_db(Utc::now());
    db.transaction(async |conn| {
        let id = players::insert_player(
            conn,
            &players::NewPlayer {
                user_id: None,
                name: &new.name,
                nickname: &new.nickname,
                playing_style: new.playing_style.as_str(),
                notes: new.notes.as_deref().unwrap_or(""),
                created_by_user_id: Some(user.id()),
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        load_view(conn, id).await
    })
    .await
    .map_err(ApiError::from)
}

/// Edits a player: its linked user or an admin (`not_profile_owner`); only an admin links or
/// unlinks a user (`admin_required`, `player_already_linked`, `user_already_has_player`).
pub async fn update_player(
    state: &AppState,
    user: &AuthUser,
    id: PlayerId,
    changes: Result<PlayerChanges, FieldErrors>,
) -> Result<Player, ApiError> {
    let db = &state.db;
    let row = db
        .run(async |conn| players::get_player(conn, id).await)
        .await
        .map_err(or_not_found("player"))?;
    if row.user_id != Some(user.id()) && !user.is_admin() {
        return Err(DomainError::NotProfileOwner.into());
    }
    if changes.as_ref().is_ok_and(|c| c.user_id.is_some()) {
        user.require_admin()?;
    }
    let changes = changes?;
    let now = Utc::now();
    db.transaction(async |conn| {
        if let Some(link) = changes.user_id {
            let current = players::get_player(conn, id).await?;
            check_link(conn, &current, link).await?;
        }
        let columns = players::PlayerChanges {
            name: changes.name.clone(),
            nickname: changes.nickname.clone(),
            playing_style: changes.playing_style.map(|s| s.as_str().to_owned()),
            notes: changes.notes.clone().map(Option::unwrap_or_default),
            user_id: changes.user_id,
        };
        match players::update_player(conn, id, &columns, now).await {
            Err(e) if e.is_conflict_on("players_user_key", "players.user_id") => {
                return Err(DomainError::UserAlreadyHasPlayer.into());
            }
            other => other?,
        }
        if changes.user_id.is_some() {
            // The player's verification follows its user: pending matches are re-evaluated
            // (DOMAIN.md §3.5; a side left without verified players auto-confirms).
            let outcomes = match_writes::reevaluate_pending(conn, id, now).await?;
            ask_all_to_confirm(conn, state, &outcomes, now).await?;
        }
        load_view(conn, id).await
    })
    .await
    .map_err(or_not_found("player"))
}

async fn load_view(conn: &mut Conn<'_>, id: PlayerId) -> Result<Player, DbError> {
    let row = players::get_player(conn, id).await?;
    let view = players::views(conn, vec![row]).await?;
    view.first().map(player_view).ok_or(DbError::NotFound)
}

/// DOMAIN.md §3.1: a player links to at most one user and a user to at most one player.
async fn check_link(
    conn: &mut Conn<'_>,
    player: &PlayerRow,
    link: Option<i64>,
) -> Result<(), DbError> {
    let Some(user_id) = link else {
        return Ok(());
    };
    if player.user_id == Some(user_id) {
        return Ok(());
    }
    if player.user_id.is_some() {
        return Err(DomainError::PlayerAlreadyLinked.into());
    }
    match users::get_user(conn, UserId(user_id)).await {
        Err(DbError::NotFound) => {
            return Err(DomainError::InvalidChoice { field: "user_id" }.into());
        }
        other => other?,
    };
    if players::find_player_of_user(conn, user_id).await?.is_some() {
        return Err(DomainError::UserAlreadyHasPlayer.into());
    }
    Ok(())
}
