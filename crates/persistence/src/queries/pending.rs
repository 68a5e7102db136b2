//! What waits on a player: matches awaiting their own confirmation, and the badges
//! (DOMAIN.md §3.12).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::PlayerId;
use ttstats_domain::confirmation::confirmation_state;
use ttstats_domain::leaderboard::badge_rank;
use ttstats_domain::player_stats::PageRequest;

use super::count;
use crate::conn::Conn;
use crate::error::DbError;
use crate::matches::{self, MatchFull, MatchRow};
use crate::players;
use crate::schema::{match_confirmations as mc, matches as m, players as p};

/// A page of matches with the uncapped total.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchPage {
    /// This page's matches.
    pub items: Vec<MatchFull>,
    /// The page returned.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// Every match of the list.
    pub total: u32,
}

/// The badges of a player (§3.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Badges {
    /// Matches awaiting the player's own confirmation.
    pub pending_confirmations: u32,
    /// Live matches the player scores or plays in.
    pub live_matches: u32,
    /// 1 + the number of players with a strictly higher rating.
    pub rank: u32,
}

/// Complete, unconfirmed, non-live matches awaiting `player`'s own confirmation (they are a
/// verified participant who has not confirmed), newest first, one page of them.
pub async fn awaiting_confirmation(
    conn: &mut Conn<'_>,
    player: PlayerId,
    page: PageRequest,
) -> Result<MatchPage, DbError> {
    let all = awaiting_all(conn, player).await?;
    let total = u32::try_from(all.len()).unwrap_or(u32::MAX);
    Ok(MatchPage {
        items: all
            .into_iter()
            .skip(page.offset())
            .take(page.per_page as usize)
            .collect(),
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// The player's badges; `NotFound` for an unknown player.
pub async fn badges(conn: &mut Conn<'_>, player: PlayerId) -> Result<Badges, DbError> {
    let own = players::get_player(conn, player).await?;
    let pending = awaiting_all(conn, player).await?.len();
    let live: i64 = db_run!(conn, |c| m::table
        .filter(m::is_live)
        .filter(
            m::scorekeeper_player_id
                .eq(player.0)
                .or(m::id.eq_any(matches_of!(player.0)))
        )
        .count()
        .get_result(c)
        .await)?;
    // One integer per player: cheap, and the domain keeps the rank rule.
    let ratings: Vec<i32> = db_run!(conn, |c| p::table.select(p::rating).load(c).await)?;
    Ok(Badges {
        pending_confirmations: u32::try_from(pending).unwrap_or(u32::MAX),
        live_matches: count(live),
        rank: badge_rank(own.rating, ratings),
    })
}

/// Every match awaiting `player`'s own confirmation, newest first. SQL narrows to the
/// player's pending matches they have not confirmed; the domain's confirmation state decides
/// whether their confirmation is required (§3.5: only verified participants confirm).
pub(crate) async fn awaiting_all(
    conn: &mut Conn<'_>,
    player: PlayerId,
) -> Result<Vec<MatchFull>, DbError> {
    let rows: Vec<MatchRow> = db_run!(conn, |c| m::table
        .filter(m::winner_side.is_not_null())
        .filter(m::is_confirmed.eq(false))
        .filter(m::is_live.eq(false))
        .filter(m::id.eq_any(matches_of!(player.0)))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            mc::table
                .filter(mc::match_id.eq(m::id))
                .filter(mc::player_id.eq(player.0))
        )))
        .order(newest_first!())
        .select(MatchRow::as_select())
        .load(c)
        .await)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let pending = matches::load_children(conn, rows).await?;
    let everyone: Vec<PlayerId> = pending.iter().flat_map(MatchFull::player_ids).collect();
    let verified = players::verified_among(conn, &everyone).await?;
    Ok(pending
        .into_iter()
        .filter(|full| {
            confirmation_state(
                &full.confirmation_participants(&verified),
                &full.confirmed_by(),
                full.row.winner().is_some(),
            )
            .awaiting
            .contains(&player)
        })
        .collect())
}
