//! A player's page (DOMAIN.md §3.9): statistics, rating chart and achievements, and the
//! paginated history oriented to the player.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::achievements::{self, AchievementsView, AwardRecord, EloFacts};
use ttstats_domain::elo::{self, RatingPoint};
use ttstats_domain::player_stats::{
    self as stats, HistoryPage, PageRequest, PlayerProfile, PlayerStats,
};
use ttstats_domain::record::MatchRecord;
use ttstats_domain::{MatchId, PlayerId};

use super::{count, directory, history_of_matches, load_records, participants_of};
use crate::conn::Conn;
use crate::error::DbError;
use crate::matches::MatchRow;
use crate::ratings::{self, EloHistoryRow};
use crate::schema::{achievements as a, elo_history, matches, player_achievements as pa};
use crate::{from_db, players};

/// Everything the player page shows that is the same for every viewer.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayerStatsView {
    /// Totals, streaks and ratings.
    pub stats: PlayerStats,
    /// The last [`elo::RATING_CHART_POINTS`] points of the rating chart ("Start" at 1500 while
    /// within them, then one point per rated match); empty without any. The whole series is
    /// `GET /players/{id}/elo-history`.
    pub rating_history: Vec<RatingPoint>,
    /// Earned achievements and progress in every group.
    pub achievements: AchievementsView,
}

/// The statistics of `player` over their confirmed, non-live matches; `NotFound` for an
/// unknown player.
///
/// Independent of the player's history size: totals, streaks and achievement measures are the
/// `players` columns the confirmation writes, awards the `player_achievements` rows, and the
/// chart the last rows of the `(player_id, id)` history index.
pub async fn player_stats(
    conn: &mut Conn<'_>,
    player: PlayerId,
) -> Result<PlayerStatsView, DbError> {
    let row = players::get_player(conn, player).await?;
    let verified = players::verified_among(conn, &[player])
        .await?
        .contains(&player);
    let aggregates = row.aggregates();
    let totals = row.totals();
    let profile = PlayerProfile {
        id: player,
        rating: row.rating,
        peak_rating: row.peak_rating,
        rated_matches: aggregates.rated_matches,
        verified,
    };
    let last: Vec<_> = ratings::last_history_of(conn, player, elo::RATING_CHART_POINTS)
        .await?
        .iter()
        .map(EloHistoryRow::entry)
        .collect();
    let awards = awards_of(conn, player).await?;
    Ok(PlayerStatsView {
        stats: stats::player_stats_of(&profile, &aggregates, &totals.streaks),
        rating_history: elo::rating_chart_tail(player, &last),
        achievements: achievements::achievements_view_of(&totals, &awards),
    })
}

/// `player`'s confirmed, non-live matches newest first, with every participant's history rows
/// of them in id order: the player's own rows are the rating chart, the others' old ratings
/// the pre-match facts of the achievements.
pub(crate) async fn confirmed_of(
    conn: &mut Conn<'_>,
    player: PlayerId,
) -> Result<(Vec<MatchRecord>, Vec<EloHistoryRow>), DbError> {
    let rows: Vec<MatchRow> = db_run!(conn, |c| counted_matches!()
        .filter(matches::id.eq_any(matches_of!(player.0)))
        .order(newest_first!())
        .select(MatchRow::as_select())
        .load(c)
        .await)?;
    let match_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let records = load_records(conn, rows).await?;
    let history = history_of_matches(conn, &match_ids).await?;
    Ok((records, history))
}

/// One page of `player`'s confirmed, non-live matches, newest first, each oriented to the
/// player with their applied rating change. A page past the end has no items and the true
/// total. `NotFound` for an unknown player.
pub async fn player_history(
    conn: &mut Conn<'_>,
    player: PlayerId,
    page: PageRequest,
) -> Result<HistoryPage, DbError> {
    players::get_player(conn, player).await?;
    let total: i64 = db_run!(conn, |c| counted_matches!()
        .filter(matches::id.eq_any(matches_of!(player.0)))
        .count()
        .get_result(c)
        .await)?;
    let offset = i64::try_from(page.offset()).unwrap_or(i64::MAX);
    let rows: Vec<MatchRow> = db_run!(conn, |c| counted_matches!()
        .filter(matches::id.eq_any(matches_of!(player.0)))
        .order(newest_first!())
        .offset(offset)
        .limit(i64::from(page.per_page))
        .select(MatchRow::as_select())
        .load(c)
        .await)?;
    let match_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let records = load_records(conn, rows).await?;
    let names = directory(conn, &participants_of(&records)).await?;
    let changes: HashMap<MatchId, i32> = db_run!(conn, |c| elo_history::table
        .filter(elo_history::player_id.eq(player.0))
        .filter(elo_history::match_id.eq_any(&match_ids))
        .select((elo_history::match_id, elo_history::rating_change))
        .load::<(i64, i32)>(c)
        .await)?
    .into_iter()
    .map(|(m, change)| (MatchId(m), change))
    .collect();
    let items = records
        .iter()
        .filter_map(|r: &MatchRecord| {
            stats::oriented_item(r, player, &names, changes.get(&r.id).copied())
        })
        .collect();
    Ok(HistoryPage {
        items,
        page: page.page,
        per_page: page.per_page,
        total: count(total),
    })
}

/// The player's stored awards.
pub(crate) async fn awards_of(
    conn: &mut Conn<'_>,
    player: PlayerId,
) -> Result<Vec<AwardRecord>, DbError> {
    let rows: Vec<(String, chrono::NaiveDateTime, Option<i64>)> = db_run!(conn, |c| pa::table
        .inner_join(a::table)
        .filter(pa::player_id.eq(player.0))
        .order(a::sort_order)
        .select((a::slug, pa::awarded_at, pa::match_id))
        .load(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(slug, awarded_at, match_id)| AwardRecord {
            slug,
            awarded_at: from_db(awarded_at),
            match_id: match_id.map(MatchId),
        })
        .collect())
}

/// The player's rating facts per rated match, from every participant's history rows of the
/// player's matches in id order.
pub(crate) fn elo_facts(
    player: PlayerId,
    history: &[EloHistoryRow],
) -> BTreeMap<MatchId, EloFacts> {
    let mut pre_match: HashMap<i64, Vec<(PlayerId, i32)>> = HashMap::new();
    for h in history {
        pre_match
            .entry(h.match_id)
            .or_default()
            .push((PlayerId(h.player_id), h.old_rating));
    }
    let own: Vec<&EloHistoryRow> = history.iter().filter(|r| r.player_id == player.0).collect();
    let peaks = achievements::peaks_before(
        &own.iter()
            .map(|r| (MatchId(r.match_id), r.new_rating))
            .collect::<Vec<_>>(),
    );
    own.iter()
        .map(|r| {
            let id = MatchId(r.match_id);
            let facts = EloFacts {
                pre_match: pre_match.remove(&r.match_id).unwrap_or_default(),
                change: r.rating_change,
                new_rating: r.new_rating,
                previous_peak: peaks.get(&id).copied().unwrap_or(elo::INITIAL_RATING),
            };
            (id, facts)
        })
        .collect()
}
