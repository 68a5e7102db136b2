//! Live scoring (DOMAIN.md §3.15): reading and watching the state of a live match, and the
//! scorekeeper's actions.
//!
//! Checks run in the order of DOMAIN.md §6: authentication (the extractor), visibility (404),
//! permission (403, the scorekeeper or an admin), input validity (422, the converted body),
//! then state (409, under the match's row lock in `live_writes`).

use std::time::Duration;

use actix_web::web::Bytes;
use chrono::Utc;
use futures_util::Stream;
use ttstats_api_types::live::LiveState;
use ttstats_domain::live::Outcome;
use ttstats_domain::{DomainError, MatchId};
use ttstats_persistence::live_writes::{self, LiveAction};
use ttstats_persistence::matches::{self, MatchFull};
use ttstats_persistence::{Db, DbError};

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::services::invalidate;
use crate::services::matches::ask_to_confirm;
use crate::state::AppState;
use crate::views::live::live_state;

/// How often a watcher's stream looks for a change.
pub const WATCH_POLL: Duration = Duration::from_millis(500);
/// A watcher's stream closes after this long; `EventSource` clients reconnect on their own.
pub const WATCH_LIMIT: Duration = Duration::from_mins(10);
/// A comment line goes out after this long without a change, so a closed client is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The state of live match `id` for any signed-in user; a match never scored live has none
/// (`not_found`).
pub async fn get_live_state(db: &Db, user: &AuthUser, id: MatchId) -> Result<LiveState, ApiError> {
    let full = load_visible(db, user, id).await?;
    current_state(&full)?.ok_or(ApiError::not_found("live state"))
}

/// Applies the scorekeeper's `action` (already converted from the body: an invalid side is a
/// 422 after the permission check) and answers the new state. The deciding point leaves live
/// mode and runs the completion pipeline: a confirmation request to every required confirmer,
/// or auto-confirmation when a side has no verified player.
pub async fn act(
    state: &AppState,
    user: &AuthUser,
    id: MatchId,
    action: Result<LiveAction, DomainError>,
) -> Result<LiveState, ApiError> {
    let db = &state.db;
    let full = load_visible(db, user, id).await?;
    let scorekeeper = user
        .player_id()
        .is_some_and(|p| full.row.scorekeeper_player_id == Some(p.0));
    if !(scorekeeper || user.is_admin()) {
        return Err(DomainError::NotScorekeeper.into());
    }
    let action = action?;
    let now = Utc::now();
    let write = db
        .transaction(async |conn| {
            let write = live_writes::apply_live_action(conn, id, action, now).await?;
            ask_to_confirm(conn, state, &write.written, now).await?;
            Ok(write)
        })
        .await
        .map_err(not_found("match"))?;
    // Points only move the live state, which is never cached; a stored or reopened game and
    // the end of live scoring change the match like a game write (completion included).
    let games_written = !matches!(
        write.outcome,
        Some(
            Outcome::Unchanged
                | Outcome::Started
                | Outcome::Point
                | Outcome::PointUndone
                | Outcome::SideSwitchAcknowledged
        )
    );
    if games_written {
        invalidate::match_written(&state.cache, &write.written).await;
    }
    Ok(live_state(id, &write.state, write.is_live))
}

/// A stream of Server-Sent Events for watchers of live match `id`: the state at once, then the
/// state each time it changes (looked up every [`WATCH_POLL`]), a keep-alive comment while
/// nothing happens. It closes after the event in which the match leaves live mode, or after
/// [`WATCH_LIMIT`].
pub async fn watch_live_state(
    db: &Db,
    user: &AuthUser,
    id: MatchId,
) -> Result<impl Stream<Item = Result<Bytes, ApiError>> + 'static, ApiError> {
    let first = get_live_state(db, user, id).await?;
    let watch = Watch {
        db: db.clone(),
        id,
        last: None,
        pending: Some(first),
        deadline: tokio::time::Instant::now() + WATCH_LIMIT,
        quiet_since: tokio::time::Instant::now(),
    };
    Ok(futures_util::stream::unfold(
        watch,
        |mut watch| async move {
            let frame = watch.next_frame().await?;
            Some((Ok(frame), watch))
        },
    ))
}

struct Watch {
    db: Db,
    id: MatchId,
    last: Option<LiveState>,
    pending: Option<LiveState>,
    deadline: tokio::time::Instant,
    quiet_since: tokio::time::Instant,
}

impl Watch {
    /// The next bytes to send, `None` when the stream is over.
    async fn next_frame(&mut self) -> Option<Bytes> {
        if self.last.as_ref().is_some_and(|last| !last.is_live) {
            return None;
        }
        loop {
            if let Some(state) = self.pending.take()
                && self.last.as_ref() != Some(&state)
            {
                let frame = event_frame(&state);
                self.last = Some(state);
                self.quiet_since = tokio::time::Instant::now();
                return frame;
            }
            let now = tokio::time::Instant::now();
            if now >= self.deadline {
                return None;
            }
            if now.duration_since(self.quiet_since) >= KEEP_ALIVE {
                self.quiet_since = now;
                return Some(Bytes::from_static(b": keep-alive\n\n"));
            }
            tokio::time::sleep(WATCH_POLL).await;
            self.pending = match self.read().await {
                Ok(Some(state)) => Some(state),
                Ok(None) => return None,
                Err(error) => {
                    tracing::warn!(%error, match_id = self.id.0, "live watch stopped");
                    return None;
                }
            };
        }
    }

    async fn read(&self) -> Result<Option<LiveState>, DbError> {
        let (db, id) = (self.db.clone(), self.id);
        // A watcher that hangs up drops the stream mid-query; a SQLite query cancelled that way
        // blocks in place, which panics on actix's single-threaded workers. As a task of its
        // own the query always finishes.
        let query = tokio::spawn(async move {
            db.run(async |conn| matches::load_match(conn, id).await)
                .await
        });
        let full = query
            .await
            .map_err(|e| DbError::Unavailable(e.to_string()))??;
        current_state(&full)
    }
}

/// One SSE `data:` event; `None` (end of stream) if the state cannot be encoded.
fn event_frame(state: &LiveState) -> Option<Bytes> {
    match serde_json::to_string(state) {
        Ok(json) => Some(Bytes::from(format!("data: {json}\n\n"))),
        Err(error) => {
            tracing::error!(%error, "live state not encodable");
            None
        }
    }
}

fn current_state(full: &MatchFull) -> Result<Option<LiveState>, DbError> {
    Ok(live_writes::stored_state(&full.row)?
        .map(|state| live_state(full.id(), &state, full.row.is_live)))
}

/// The match, when `user` may see it (DOMAIN.md §4.1): live matches are visible to every
/// signed-in user, confirmed ones to all, the others to their participants and admins.
async fn load_visible(db: &Db, user: &AuthUser, id: MatchId) -> Result<MatchFull, ApiError> {
    let full = db
        .run(async |conn| matches::load_match(conn, id).await)
        .await
        .map_err(not_found("match"))?;
    let participant = user.player_id().is_some_and(|p| full.has_player(p));
    if full.row.is_live || full.row.is_confirmed || participant || user.is_admin() {
        Ok(full)
    } else {
        Err(ApiError::not_found("match"))
    }
}

fn not_found(what: &'static str) -> impl Fn(DbError) -> ApiError {
    move |error| match error {
        DbError::NotFound => ApiError::not_found(what),
        other => other.into(),
    }
}
