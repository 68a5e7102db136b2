//! Elo history rows and the full recalculation (DOMAIN.md §3.6).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::elo::{self, EloHistoryEntry};
use ttstats_domain::{MatchId, PlayerId, Side};

use crate::conn::Conn;
use crate::error::DbError;
use crate::schema::elo_history;
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
}

impl From<&EloHistoryEntry> for NewEloHistory {
    fn from(e: &EloHistoryEntry) -> Self {
        Self {
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

/// Inserts history rows in order (ids ascend in application order).
pub async fn insert_history(
    conn: &mut Conn<'_>,
    entries: &[EloHistoryEntry],
) -> Result<(), DbError> {
    let rows: Vec<NewEloHistory> = entries.iter().map(NewEloHistory::from).collect();
    // Multi-row inserts assign ids in VALUES order, so ids stay in application order.
    insert_rows!(conn, elo_history::table, rows)
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

/// Every history row applied at or after `since` (movement over the last 7 days), in id
/// order. Sorted here, not in SQL: with `ORDER BY id` SQLite walks the whole table in rowid
/// order instead of the `applied_at` index (measured by `just bench`, docs/benchmarks.md).
pub async fn history_since(
    conn: &mut Conn<'_>,
    since: DateTime<Utc>,
) -> Result<Vec<EloHistoryRow>, DbError> {
    let mut rows: Vec<EloHistoryRow> = db_run!(conn, |c| elo_history::table
        .filter(elo_history::applied_at.ge(to_db(since)))
        .select(EloHistoryRow::as_select())
        .load(c)
        .await)?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
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
        insert_history(conn, &replay.history).await?;
        report.achievements_awarded = achievements::backfill(conn).await?.len();
    }
    Ok(report)
}
