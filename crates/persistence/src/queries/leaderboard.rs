//! The leaderboard (DOMAIN.md §3.8): the default board from the player aggregates alone, every
//! other filter from the confirmed matches inside its window.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::leaderboard::{
    self as board, EmptyReason, KindFilter, Leaderboard, LeaderboardFilter, LeaderboardPlayer,
    PlayerAggregate,
};
use ttstats_domain::{MatchKind, PlayerId};

use super::{load_records, participants_of};
use crate::conn::Conn;
use crate::error::DbError;
use crate::matches::MatchRow;
use crate::players::{self, PlayerRow};
use crate::ratings;
use crate::schema::{matches, players as p};
use crate::to_db;

/// The leaderboard of `filter` at `now`.
///
/// The default board (all kinds, all time) reads only the `players` aggregate columns and one
/// `elo_history` index entry per player (movement), never `matches`. Any other board loads the confirmed, non-live
/// matches of its kind and window (the `(is_confirmed, played_at desc, …)` index serves it).
pub async fn leaderboard(
    conn: &mut Conn<'_>,
    filter: &LeaderboardFilter,
    now: DateTime<Utc>,
) -> Result<Leaderboard, DbError> {
    if filter.is_default_board() {
        let rows: Vec<PlayerRow> = db_run!(conn, |c| p::table
            .filter(p::confirmed_matches.gt(0))
            .select(PlayerRow::as_select())
            .load(c)
            .await)?;
        let movement = movements(conn, &rows, now).await?;
        let aggregates: Vec<PlayerAggregate> = rows.iter().map(aggregate).collect();
        return Ok(board::default_leaderboard_moved(
            filter.limit,
            &aggregates,
            &movement,
            now,
        ));
    }

    let kind = match filter.kind {
        KindFilter::All => None,
        KindFilter::Singles => Some(MatchKind::Singles.as_str()),
        KindFilter::Doubles => Some(MatchKind::Doubles.as_str()),
    };
    let window = filter.period.window(now);
    let rows: Vec<MatchRow> = db_run!(conn, |c| {
        let mut q = counted_matches!();
        if let Some(kind) = kind {
            q = q.filter(matches::kind.eq(kind));
        }
        if let Some(start) = window.start {
            q = q.filter(matches::played_at.ge(to_db(start)));
        }
        if let Some(end) = window.end {
            q = q.filter(matches::played_at.le(to_db(end)));
        }
        q.select(MatchRow::as_select()).load(c).await
    })?;
    let records = load_records(conn, rows).await?;
    let rows = players::get_players(conn, &participants_of(&records)).await?;
    let movement = movements(conn, &rows, now).await?;
    let people: Vec<LeaderboardPlayer> = rows
        .iter()
        .map(|r| LeaderboardPlayer {
            player: r.name(),
            rating: r.rating,
            peak_rating: r.peak_rating,
        })
        .collect();
    let mut result = board::leaderboard_moved(filter, &people, &records, &movement, now);
    // The domain saw only the window, so "no matches" may just mean "none in the window":
    // only the whole club's matches can tell (§3.8 empty_reason).
    if result.empty_reason == Some(EmptyReason::NoMatches) && any_confirmed_match(conn).await? {
        result.empty_reason = Some(EmptyReason::NoResults);
    }
    Ok(result)
}

/// Whether the club has at least one confirmed, non-live match.
pub async fn any_confirmed_match(conn: &mut Conn<'_>) -> Result<bool, DbError> {
    Ok(db_run!(conn, |c| diesel::select(diesel::dsl::exists(
        matches::table
            .filter(matches::is_confirmed.eq(true))
            .filter(matches::is_live.eq(false))
    ))
    .get_result::<bool>(c)
    .await)?)
}

/// `movement_7d` of each of `rows` (DOMAIN.md §3.8: the sum of their rating changes applied
/// in the last 7 × 24 h) as the current rating minus the applied rating of their last history
/// row before the window: one index probe per player, however many changes the week holds.
async fn movements(
    conn: &mut Conn<'_>,
    rows: &[PlayerRow],
    now: DateTime<Utc>,
) -> Result<HashMap<PlayerId, i32>, DbError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let before = ratings::applied_ratings_before(conn, &ids, board::movement_since(now)).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let id = r.player_id();
            (
                id,
                board::movement_from_rating(r.rating, before.get(&id).copied()),
            )
        })
        .filter(|(_, m)| *m != 0)
        .collect())
}

fn aggregate(row: &PlayerRow) -> PlayerAggregate {
    let totals = row.aggregates();
    PlayerAggregate {
        player: row.name(),
        rating: totals.rating,
        peak_rating: totals.peak_rating,
        confirmed_matches: totals.confirmed_matches,
        wins: totals.wins,
        games_won: totals.games_won,
        games_lost: totals.games_lost,
    }
}
