//! Statistics reads: each loads the rows a read model needs and hands them to the domain
//! function that computes it, so no rule is written twice. Filters that only narrow the data
//! set (kind, dates, a player's matches) are pushed into SQL; the domain still applies its own
//! rules to whatever it receives.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::PlayerId;
use ttstats_domain::player::PlayerDirectory;
use ttstats_domain::record::MatchRecord;

use crate::conn::Conn;
use crate::error::DbError;
use crate::matches::{GameRow, MatchFull, MatchRow, ParticipantRow};
use crate::players;
use crate::ratings::EloHistoryRow;
use crate::schema::{elo_history, games, match_participants};

/// The matches every statistic counts: confirmed and not live (DOMAIN.md §1), as a boxed
/// query to narrow further. Expanded inside `db_run!` so each backend gets its own box.
macro_rules! counted_matches {
    () => {
        $crate::schema::matches::table
            .filter($crate::schema::matches::is_confirmed.eq(true))
            .filter($crate::schema::matches::is_live.eq(false))
            .into_boxed()
    };
}

/// Ids of the matches `player` (an `i64`) plays in, as a subquery.
macro_rules! matches_of {
    ($player:expr) => {
        $crate::schema::match_participants::table
            .filter($crate::schema::match_participants::player_id.eq($player))
            .select($crate::schema::match_participants::match_id)
    };
}

/// Newest first: played_at, created_at, id, all descending (DOMAIN.md §3.7).
macro_rules! newest_first {
    () => {
        (
            $crate::schema::matches::played_at.desc(),
            $crate::schema::matches::created_at.desc(),
            $crate::schema::matches::id.desc(),
        )
    };
}

pub mod calendar;
pub mod dashboard;
pub mod head_to_head;
pub mod leaderboard;
pub mod pending;
pub mod player_stats;

// Chunked so huge lists stay under the backends' bind-parameter limits.
const ID_CHUNK: usize = 10_000;

/// The rows as statistics records, in the rows' order. Loads participants and games only:
/// records carry no confirmations, and a filtered leaderboard may read tens of thousands.
async fn load_records(
    conn: &mut Conn<'_>,
    rows: Vec<MatchRow>,
) -> Result<Vec<MatchRecord>, DbError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut participants: HashMap<i64, Vec<ParticipantRow>> = HashMap::new();
    let mut games_by: HashMap<i64, Vec<GameRow>> = HashMap::new();
    for chunk in ids.chunks(ID_CHUNK) {
        let ps: Vec<ParticipantRow> = db_run!(conn, |c| match_participants::table
            .filter(match_participants::match_id.eq_any(chunk))
            .order((
                match_participants::match_id,
                match_participants::side,
                match_participants::player_id,
            ))
            .select(ParticipantRow::as_select())
            .load(c)
            .await)?;
        for p in ps {
            participants.entry(p.match_id).or_default().push(p);
        }
        let gs: Vec<GameRow> = db_run!(conn, |c| games::table
            .filter(games::match_id.eq_any(chunk))
            .order((games::match_id, games::number))
            .select(GameRow::as_select())
            .load(c)
            .await)?;
        for g in gs {
            games_by.entry(g.match_id).or_default().push(g);
        }
    }
    rows.into_iter()
        .map(|row| {
            MatchFull {
                participants: participants.remove(&row.id).unwrap_or_default(),
                games: games_by.remove(&row.id).unwrap_or_default(),
                confirmations: Vec::new(),
                row,
            }
            .record()
        })
        .collect()
}

/// Every player appearing in `records`.
fn participants_of<'a>(records: impl IntoIterator<Item = &'a MatchRecord>) -> Vec<PlayerId> {
    let ids: BTreeSet<PlayerId> = records
        .into_iter()
        .flat_map(|r| r.side1.iter().chain(&r.side2).copied())
        .collect();
    ids.into_iter().collect()
}

/// Names of `ids` for side labels.
async fn directory(conn: &mut Conn<'_>, ids: &[PlayerId]) -> Result<PlayerDirectory, DbError> {
    Ok(players::get_players(conn, ids)
        .await?
        .iter()
        .map(players::PlayerRow::name)
        .collect())
}

/// History rows of the given matches (every participant's), in id order.
async fn history_of_matches(
    conn: &mut Conn<'_>,
    match_ids: &[i64],
) -> Result<Vec<EloHistoryRow>, DbError> {
    let mut rows = Vec::new();
    for chunk in match_ids.chunks(ID_CHUNK) {
        let part: Vec<EloHistoryRow> = db_run!(conn, |c| elo_history::table
            .filter(elo_history::match_id.eq_any(chunk))
            .order(elo_history::id)
            .select(EloHistoryRow::as_select())
            .load(c)
            .await)?;
        rows.extend(part);
    }
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// A count as the domain's `u32`.
fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
