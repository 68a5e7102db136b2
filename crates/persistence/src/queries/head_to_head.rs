//! Two players: head-to-head in singles (DOMAIN.md §3.10) and doubles partnership (§3.11).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::head_to_head::{self as h2h, HeadToHead};
use ttstats_domain::pairs::{self, PairStats};
use ttstats_domain::record::MatchRecord;
use ttstats_domain::{MatchKind, PlayerId};

use super::load_records;
use crate::conn::Conn;
use crate::error::DbError;
use crate::matches::MatchRow;
use crate::players;
use crate::schema::matches;

/// The head-to-head of `player1` against `player2`, oriented to `player1`: their confirmed
/// singles plus the doubles counts. `NotFound` when either player is unknown; the same player
/// twice is the domain's `PlayersNotDistinct`.
pub async fn head_to_head(
    conn: &mut Conn<'_>,
    player1: PlayerId,
    player2: PlayerId,
) -> Result<HeadToHead, DbError> {
    let records = matches_with_both(conn, player1, player2, None).await?;
    Ok(h2h::head_to_head(player1, player2, &records)?)
}

/// The record of `a` and `b` as doubles partners. `NotFound` when either player is unknown;
/// the same player twice is the domain's `PlayersNotDistinct`.
pub async fn pair_stats(
    conn: &mut Conn<'_>,
    a: PlayerId,
    b: PlayerId,
) -> Result<PairStats, DbError> {
    let records = matches_with_both(conn, a, b, Some(MatchKind::Doubles)).await?;
    Ok(pairs::pair_stats(a, b, &records)?)
}

/// The confirmed, non-live matches (of `kind`, if given) in which both players play, on
/// either side; the domain sorts them into singles, partners and opponents.
async fn matches_with_both(
    conn: &mut Conn<'_>,
    a: PlayerId,
    b: PlayerId,
    kind: Option<MatchKind>,
) -> Result<Vec<MatchRecord>, DbError> {
    let known = players::get_players(conn, &[a, b]).await?;
    if ![a, b].iter().all(|p| known.iter().any(|r| r.id == p.0)) {
        return Err(DbError::NotFound);
    }
    if a == b {
        // The domain refuses the pair; loading every match of the player would be wasted.
        return Ok(Vec::new());
    }
    let kind = kind.map(MatchKind::as_str);
    let rows: Vec<MatchRow> = db_run!(conn, |c| {
        let mut q = counted_matches!()
            .filter(matches::id.eq_any(matches_of!(a.0)))
            .filter(matches::id.eq_any(matches_of!(b.0)));
        if let Some(kind) = kind {
            q = q.filter(matches::kind.eq(kind));
        }
        q.select(MatchRow::as_select()).load(c).await
    })?;
    load_records(conn, rows).await
}
