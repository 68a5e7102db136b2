//! Live scoring writes (DOMAIN.md §3.15): the state machine of `ttstats_domain::live` applied to
//! the stored `live_state` under the match's row lock, with the game rows it implies.
//!
//! A point that ends a game stores the game; an undo that reopens one deletes it; the point that
//! decides the match stores the last game, leaves live mode and runs the completion pipeline of
//! a game write, so the match continues as an ordinary pending (or auto-confirmed) match. `end`
//! leaves live mode with the completed games. Permission checks are the caller's.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::live::{LiveState, Outcome};
use ttstats_domain::{DomainError, MatchId};

use crate::conn::Conn;
use crate::error::DbError;
use crate::match_writes::{self, WriteOutcome};
use crate::matches::{self, MatchFull, MatchRow};
use crate::schema::{games, matches as m};

/// A scorekeeper's action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveAction {
    /// Choose the first server (1 or 2).
    Start {
        /// The side serving first in game 1.
        initial_server: i64,
    },
    /// `side` (1 or 2) won a point.
    Point {
        /// The side that won the point.
        side: i64,
    },
    /// Take the newest point back.
    Undo,
    /// Stop live scoring early, keeping the completed games.
    End,
    /// The players switched ends in the deciding game.
    AcknowledgeSideSwitch,
}

/// What a live write left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveWrite {
    /// The state after the action.
    pub state: LiveState,
    /// What the state machine did; `None` for `end`.
    pub outcome: Option<Outcome>,
    /// The match is still scored live.
    pub is_live: bool,
    /// Rows touched, confirmations and requests, as for a game write.
    pub written: WriteOutcome,
}

/// The live state stored on a match row: the stored JSON, a fresh state for a live match that
/// has none yet, `None` for a match that was never scored live.
pub fn stored_state(row: &MatchRow) -> Result<Option<LiveState>, DbError> {
    match &row.live_state {
        Some(json) => serde_json::from_str(json)
            .map(Some)
            .map_err(|e| DbError::Query(diesel::result::Error::DeserializationError(Box::new(e)))),
        None if row.is_live => Ok(Some(LiveState::new(row.best_of()))),
        None => Ok(None),
    }
}

/// Applies `action` to live match `id`, which it locks first. A match that is not live refuses
/// every action with `match_not_live`, except that a point after the deciding point is
/// `match_already_complete`; the state machine's own refusals (`invalid_side`,
/// `live_not_started`, `live_already_started`) write nothing.
pub async fn apply_live_action(
    conn: &mut Conn<'_>,
    id: MatchId,
    action: LiveAction,
    now: DateTime<Utc>,
) -> Result<LiveWrite, DbError> {
    let full = match_writes::lock_match(conn, id, now).await?;
    if !full.row.is_live {
        let decided = full.row.winner().is_some();
        return Err(match action {
            LiveAction::Point { .. } if decided => DomainError::MatchAlreadyComplete,
            _ => DomainError::MatchNotLive,
        }
        .into());
    }
    let mut state = stored_state(&full.row)?.unwrap_or_else(|| LiveState::new(full.row.best_of()));
    let outcome = match action {
        LiveAction::Start { initial_server } => state.start(initial_server)?,
        LiveAction::Point { side } => state.point(side, now)?,
        LiveAction::Undo => state.undo(),
        LiveAction::AcknowledgeSideSwitch => state.acknowledge_side_switch(),
        LiveAction::End => return end_live(conn, full, state, now).await,
    };
    let written = match outcome {
        Outcome::Unchanged => match_writes::base_outcome(&full),
        Outcome::Started
        | Outcome::Point
        | Outcome::PointUndone
        | Outcome::SideSwitchAcknowledged => {
            store_state(conn, id, &state, true).await?;
            match_writes::base_outcome(&full)
        }
        Outcome::GameEnded { number, game } => {
            match_writes::insert_game(conn, id.0, i32::from(number), game, None, now).await?;
            store_state(conn, id, &state, true).await?;
            resettle(conn, id, now).await?
        }
        Outcome::GameReopened { number, .. } => {
            delete_games_from(conn, id, i32::from(number)).await?;
            store_state(conn, id, &state, true).await?;
            resettle(conn, id, now).await?
        }
        Outcome::MatchWon { number, game, .. } => {
            match_writes::insert_game(conn, id.0, i32::from(number), game, None, now).await?;
            // Out of live mode first: the completion pipeline skips live matches.
            store_state(conn, id, &state, false).await?;
            resettle(conn, id, now).await?
        }
    };
    let is_live = !matches!(outcome, Outcome::MatchWon { .. });
    Ok(LiveWrite {
        state,
        outcome: Some(outcome),
        is_live,
        written,
    })
}

/// Leaves live mode: the completed games stay, the game in progress is dropped (it never had a
/// row), and the match is an ordinary unfinished match.
async fn end_live(
    conn: &mut Conn<'_>,
    full: MatchFull,
    state: LiveState,
    now: DateTime<Utc>,
) -> Result<LiveWrite, DbError> {
    let id = full.id();
    let kept = state.clone().end();
    // The stored games are the completed ones already; this only guards against strays.
    delete_games_from(conn, id, kept.len() as i32 + 1).await?;
    store_state(conn, id, &state, false).await?;
    let written = resettle(conn, id, now).await?;
    Ok(LiveWrite {
        state,
        outcome: None,
        is_live: false,
        written,
    })
}

async fn store_state(
    conn: &mut Conn<'_>,
    id: MatchId,
    state: &LiveState,
    is_live: bool,
) -> Result<(), DbError> {
    let json = serde_json::to_string(state)
        .map_err(|e| DbError::Query(diesel::result::Error::SerializationError(Box::new(e))))?;
    db_run!(conn, |c| diesel::update(m::table.find(id.0))
        .set((m::live_state.eq(Some(&json)), m::is_live.eq(is_live)))
        .execute(c)
        .await)?;
    Ok(())
}

async fn delete_games_from(conn: &mut Conn<'_>, id: MatchId, number: i32) -> Result<(), DbError> {
    db_run!(conn, |c| diesel::delete(
        games::table
            .filter(games::match_id.eq(id.0))
            .filter(games::number.ge(number))
    )
    .execute(c)
    .await)?;
    Ok(())
}

/// Cache columns from the games, and the completion pipeline once the match is out of live
/// mode with a winner.
async fn resettle(
    conn: &mut Conn<'_>,
    id: MatchId,
    now: DateTime<Utc>,
) -> Result<WriteOutcome, DbError> {
    let full = matches::load_match(conn, id).await?;
    match_writes::settle(conn, full, true, now).await
}
