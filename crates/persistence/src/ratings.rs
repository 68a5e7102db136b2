//! Elo history rows and the full recalculation (DOMAIN.md §3.6).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::elo::{self, EloHistoryEntry};
use ttstats_domain::leaderboard::{self, AppliedChange};
use ttstats_domain::{MatchId, PlayerId, Side};

use crate::conn::Conn;
use crate::error::DbError;
use crate::schema::{elo_history, players as players_t};
use crate::{achievements, from_db, matches, players, to_db};

/// An `elo_history` row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = elo_history)]
pub struct EloHistoryRow {
    pub id: i64,
    pub match_id: i64,
    pub player_id: i64,
    pub side: i32,
    pub old_rating: i32,
    pub new_rating: i32,
    pub rating_change: i32,
    pub k_factor: f64,
    pub applied_at: NaiveDateTime,
    /// The player's rating once all their changes applied up to this row are counted, in
    /// `applied_at` order (ties by id): what the leaderboard's movement reads.
    pub applied_rating: i32,
}

impl EloHistoryRow {
    /// The row as the domain sees it.
    pub fn entry(&self) -> EloHistoryEntry {
        EloHistoryEntry {
            match_id: MatchId(self.match_id),
            player_id: PlayerId(self.player_id),
            side: Side::try_from(i64::from(self.side)).unwrap_or(Side::One),
            old_rating: self.old_rating,
            new_rating: self.new_rating,
            rating_change: self.rating_change,
            k_factor: self.k_factor,
            applied_at: from_db(self.applied_at),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = elo_history)]
struct NewEloHistory {
    match_id: i64,
    player_id: i64,
    side: i32,
    old_rating: i32,
    new_rating: i32,
    rating_change: i32,
    k_factor: f64,
    applied_at: NaiveDateTime,
    applied_rating: i32,
}

impl NewEloHistory {
    fn new(e: &EloHistoryEntry, applied_rating: i32) -> Self {
        Self {
            applied_rating,
            match_id: e.match_id.0,
            player_id: e.player_id.0,
            side: i32::from(e.side.number()),
            old_rating: e.old_rating,
            new_rating: e.new_rating,
            rating_change: e.rating_change,
            k_factor: e.k_factor,
            applied_at: to_db(e.applied_at),
        }
    }
}

/// Inserts the history rows of one match just applied (ids ascend in application order),
/// with each player's `applied_rating` after every change of theirs applied at or before it;
/// rows applied later (only a clock set back makes them) count the new change too.
pub async fn insert_history(
    conn: &mut Conn<'_>,
    entries: &[EloHistoryEntry],
) -> Result<(), DbError> {
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        let at = to_db(e.applied_at);
        let before: Option<i32> = db_run!(conn, |c| elo_history::table
            .filter(elo_history::player_id.eq(e.player_id.0))
            .filter(elo_history::applied_at.le(at))
            .order((elo_history::applied_at.desc(), elo_history::id.desc()))
            .select(elo_history::applied_rating)
            .first(c)
            .await
            .optional())?;
        db_run!(conn, |c| diesel::update(
            elo_history::table
                .filter(elo_history::player_id.eq(e.player_id.0))
                .filter(elo_history::applied_at.gt(at))
        )
        .set(elo_history::applied_rating.eq(elo_history::applied_rating + e.rating_change))
        .execute(c)
        .await)?;
        rows.push(NewEloHistory::new(
            e,
            before.unwrap_or(elo::INITIAL_RATING) + e.rating_change,
        ));
    }
    // Multi-row inserts assign ids in VALUES order, so ids stay in application order.
    insert_rows!(conn, elo_history::table, rows)
}

/// Inserts a whole replayed history (empty table, rows in application order) with the
/// applied ratings of [`ttstats_domain::leaderboard::applied_ratings`].
async fn insert_replayed(conn: &mut Conn<'_>, entries: &[EloHistoryEntry]) -> Result<(), DbError> {
    let applied = leaderboard::applied_ratings(&entries.iter().map(change).collect::<Vec<_>>());
    let rows: Vec<NewEloHistory> = entries
        .iter()
        .zip(applied)
        .map(|(e, r)| NewEloHistory::new(e, r))
        .collect();
    insert_rows!(conn, elo_history::table, rows)
}

/// An entry as the movement rules see it.
pub fn change(e: &EloHistoryEntry) -> AppliedChange {
    AppliedChange {
        match_id: e.match_id,
        player: e.player_id,
        applied_at: e.applied_at,
        change: e.rating_change,
    }
}

/// Each player's `applied_rating` of their last history row applied before `before` (by
/// `applied_at`, then id), for the players in `ids`: one index probe per player through
/// `elo_history_player_applied_idx`. Players without such a row are absent.
pub async fn applied_ratings_before(
    conn: &mut Conn<'_>,
    ids: &[i64],
    before: DateTime<Utc>,
) -> Result<HashMap<PlayerId, i32>, DbError> {
    let cutoff = to_db(before);
    let mut result = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(10_000) {
        let rows: Vec<(i64, Option<i32>)> = db_run!(conn, |c| players_t::table
            .filter(players_t::id.eq_any(chunk))
            .select((
                players_t::id,
                elo_history::table
                    .filter(elo_history::player_id.eq(players_t::id))
                    .filter(elo_history::applied_at.lt(cutoff))
                    .order((elo_history::applied_at.desc(), elo_history::id.desc()))
                    .select(elo_history::applied_rating)
                    .single_value(),
            ))
            .load(c)
            .await)?;
        result.extend(
            rows.into_iter()
                .filter_map(|(p, r)| Some((PlayerId(p), r?))),
        );
    }
    Ok(result)
}

/// The last `limit` history rows of `player`, in id order.
pub async fn last_history_of(
    conn: &mut Conn<'_>,
    player: PlayerId,
    limit: usize,
) -> Result<Vec<EloHistoryRow>, DbError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut rows: Vec<EloHistoryRow> = db_run!(conn, |c| elo_history::table
        .filter(elo_history::player_id.eq(player.0))
        .order(elo_history::id.desc())
        .limit(limit)
        .select(EloHistoryRow::as_select())
        .load(c)
        .await)?;
    rows.reverse();
    Ok(rows)
}

/// A player's history in application order.
pub async fn history_of(
    conn: &mut Conn<'_>,
    player: PlayerId,
) -> Result<Vec<EloHistoryRow>, DbError> {
    Ok(db_run!(conn, |c| elo_history::table
        .filter(elo_history::player_id.eq(player.0))
        .order(elo_history::id)
        .select(EloHistoryRow::as_select())
        .load(c)
        .await)?)
}

/// History rows of one match.
pub async fn history_of_match(
    conn: &mut Conn<'_>,
    match_id: MatchId,
) -> Result<Vec<EloHistoryRow>, DbError> {
    Ok(db_run!(conn, |c| elo_history::table
        .filter(elo_history::match_id.eq(match_id.0))
        .order(elo_history::id)
        .select(EloHistoryRow::as_select())
        .load(c)
        .await)?)
}

/// Every history row, in application order.
pub async fn all_history(conn: &mut Conn<'_>) -> Result<Vec<EloHistoryRow>, DbError> {
    Ok(db_run!(conn, |c| elo_history::table
        .order(elo_history::id)
        .select(EloHistoryRow::as_select())
        .load(c)
        .await)?)
}

/// What a recalculation did (or would do, in a dry run).
#[derive(Debug, Clone, PartialEq)]
pub struct RecalcReport {
    /// Nothing was written.
    pub dry_run: bool,
    /// Confirmed matches replayed.
    pub matches_replayed: usize,
    /// History rows deleted (and as many re-created as the replay produced).
    pub history_rows_deleted: usize,
    /// The first five matches in play order.
    pub first_matches: Vec<(MatchId, DateTime<Utc>)>,
    /// Players whose rating changed: (player, old, new).
    pub changed_players: Vec<(PlayerId, i32, i32)>,
    /// Achievements the backfill awarded after the replay (none in a dry run).
    pub achievements_awarded: usize,
}

/// Replays every confirmed match in play order from initial ratings, in the caller's
/// transaction; `applied_at` of each match is kept. Then the achievement backfill awards what
/// the replayed history unlocks and is not held yet (awards are never revoked, notifications
/// never replayed; DOMAIN.md §3.6, §3.14). With `dry_run` nothing is written.
pub async fn recalculate(conn: &mut Conn<'_>, dry_run: bool) -> Result<RecalcReport, DbError> {
    let records = matches::confirmed_records(conn).await?;
    let all = players::all_players(conn).await?;
    let ids: Vec<PlayerId> = all.iter().map(players::PlayerRow::player_id).collect();
    let history_rows_deleted = db_run!(conn, |c| elo_history::table
        .count()
        .get_result::<i64>(c)
        .await)?;
    let replay = elo::replay(&records, &ids);
    let changed_players = all
        .iter()
        .filter_map(|p| {
            let new = replay.aggregates.get(&p.player_id())?.rating;
            (new != p.rating).then_some((p.player_id(), p.rating, new))
        })
        .collect();
    let mut report = RecalcReport {
        dry_run,
        matches_replayed: records.len(),
        history_rows_deleted: usize::try_from(history_rows_deleted).unwrap_or(0),
        first_matches: records
            .iter()
            .take(5)
            .map(|(r, _)| (r.id, r.played_at))
            .collect(),
        changed_players,
        achievements_awarded: 0,
    };
    if !dry_run {
        db_run!(conn, |c| diesel::delete(elo_history::table)
            .execute(c)
            .await)?;
        players::write_aggregates(conn, &replay.aggregates).await?;
        insert_replayed(conn, &replay.history).await?;
        report.achievements_awarded = achievements::backfill(conn).await?.len();
        achievements::refresh_totals(conn).await?;
    }
    Ok(report)
}
