//! Stored achievements (DOMAIN.md §3.14): awarded in the transaction in which a match becomes
//! confirmed, and by the backfill that the Elo recalculation runs. Rows are only ever
//! inserted, with "insert or ignore" on the unique (player, achievement) pair, so an award is
//! never repeated, never revoked, and a replay cannot double it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::achievements::{self as rules, Award, EloFacts, PlayerTotals};
use ttstats_domain::record::MatchRecord;
use ttstats_domain::{MatchId, PlayerId};

use crate::conn::Conn;
use crate::error::DbError;
use crate::queries::player_stats::{awards_of, confirmed_of, elo_facts};
use crate::ratings::{self, EloHistoryRow};
use crate::schema::{achievements as a, player_achievements as pa};
use crate::{matches, players, to_db};

/// One award to store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewAward {
    /// Who earned it.
    pub player: PlayerId,
    /// The achievement's slug.
    pub slug: &'static str,
    /// The match that unlocked it.
    pub match_id: MatchId,
    /// When it was awarded.
    pub awarded_at: DateTime<Utc>,
}

/// Evaluates `confirmed` for each of its participants, winners and losers, with their totals
/// including it, and stores what they newly earn (call it in the transaction that confirms
/// the match, after its Elo history is written). Returns the awards stored.
pub async fn award_for_match(
    conn: &mut Conn<'_>,
    confirmed: &MatchRecord,
    now: DateTime<Utc>,
) -> Result<Vec<NewAward>, DbError> {
    let mut awards = Vec::new();
    for &player in confirmed.side1.iter().chain(&confirmed.side2) {
        let (records, history) = confirmed_of(conn, player).await?;
        let facts = elo_facts(player, &history);
        let earned: BTreeSet<String> = awards_of(conn, player)
            .await?
            .into_iter()
            .map(|r| r.slug)
            .collect();
        let slugs = rules::evaluate_match(
            player,
            confirmed,
            &records,
            facts.get(&confirmed.id),
            &earned,
        );
        // The streaks and measures the player page reads, over the matches including this one
        // (which may have been played before others: recomputed, never incremented).
        let mut played = records;
        if !played.iter().any(|m| m.id == confirmed.id) {
            played.push(confirmed.clone());
        }
        players::write_totals(conn, player, &rules::totals(player, &played, &facts)).await?;
        awards.extend(slugs.into_iter().map(|slug| NewAward {
            player,
            slug,
            match_id: confirmed.id,
            awarded_at: now,
        }));
    }
    store(conn, &awards).await
}

/// The backfill of §3.14: replays every player's confirmed matches in play order and stores
/// what each match reached with the totals as of that match, skipping what is already held.
/// An award is dated at the confirmation of the match that unlocked it. Running it twice
/// stores nothing the second time. Returns the awards stored.
pub async fn backfill(conn: &mut Conn<'_>) -> Result<Vec<NewAward>, DbError> {
    let missing = missing_awards(conn).await?;
    store(conn, &missing).await
}

/// The awards the backfill would store now, by player then play order (the consistency
/// check reports them as drift).
pub async fn missing_awards(conn: &mut Conn<'_>) -> Result<Vec<NewAward>, DbError> {
    let (by_player, confirmed_at) = per_player(conn).await?;
    let held = all_held(conn).await?;
    let mut missing = Vec::new();
    for (player, (played, facts)) in by_player {
        let earned = held.get(&player).cloned().unwrap_or_default();
        let awards = rules::backfill(player, &played, &facts, &earned);
        missing.extend(awards.into_iter().map(|Award { slug, match_id }| NewAward {
            player,
            slug,
            match_id,
            awarded_at: confirmed_at.get(&match_id).copied().unwrap_or_default(),
        }));
    }
    Ok(missing)
}

/// Every player's streaks and achievement measures recomputed from their confirmed matches
/// (players without any get the empty totals): what `players` must store.
pub async fn expected_totals(
    conn: &mut Conn<'_>,
) -> Result<BTreeMap<PlayerId, PlayerTotals>, DbError> {
    let (by_player, _) = per_player(conn).await?;
    let mut expected: BTreeMap<PlayerId, PlayerTotals> = players::all_players(conn)
        .await?
        .iter()
        .map(|p| (p.player_id(), PlayerTotals::default()))
        .collect();
    for (player, (played, facts)) in by_player {
        expected.insert(player, rules::totals(player, &played, &facts));
    }
    Ok(expected)
}

/// Rewrites every player's streak and achievement-measure columns from their confirmed
/// matches (after a recalculation, and once after the migration that adds them).
pub async fn refresh_totals(conn: &mut Conn<'_>) -> Result<(), DbError> {
    for (player, totals) in expected_totals(conn).await? {
        players::write_totals(conn, player, &totals).await?;
    }
    Ok(())
}

/// Each player's confirmed matches with their rating facts, and every match's confirmation
/// time.
type PerPlayer = (
    BTreeMap<PlayerId, (Vec<MatchRecord>, BTreeMap<MatchId, EloFacts>)>,
    HashMap<MatchId, DateTime<Utc>>,
);

/// [`PerPlayer`]: whole tables read once.
async fn per_player(conn: &mut Conn<'_>) -> Result<PerPlayer, DbError> {
    let records = matches::confirmed_records(conn).await?;
    let history = ratings::all_history(conn).await?;
    let mut history_by_match: HashMap<i64, Vec<&EloHistoryRow>> = HashMap::new();
    for row in &history {
        history_by_match.entry(row.match_id).or_default().push(row);
    }
    let confirmed_at: HashMap<MatchId, DateTime<Utc>> =
        records.iter().map(|(r, at)| (r.id, *at)).collect();
    let mut by_player: BTreeMap<PlayerId, Vec<MatchRecord>> = BTreeMap::new();
    for (record, _) in &records {
        for &player in record.side1.iter().chain(&record.side2) {
            by_player.entry(player).or_default().push(record.clone());
        }
    }
    let result = by_player
        .into_iter()
        .map(|(player, played)| {
            let mut rows: Vec<EloHistoryRow> = played
                .iter()
                .flat_map(|m| history_by_match.get(&m.id.0).into_iter().flatten())
                .map(|r| (*r).clone())
                .collect();
            rows.sort_by_key(|r| r.id);
            let facts = elo_facts(player, &rows);
            (player, (played, facts))
        })
        .collect();
    Ok((result, confirmed_at))
}

/// Every player's stored slugs.
async fn all_held(conn: &mut Conn<'_>) -> Result<HashMap<PlayerId, BTreeSet<String>>, DbError> {
    let rows: Vec<(i64, String)> = db_run!(conn, |c| pa::table
        .inner_join(a::table)
        .select((pa::player_id, a::slug))
        .load(c)
        .await)?;
    let mut held: HashMap<PlayerId, BTreeSet<String>> = HashMap::new();
    for (player, slug) in rows {
        held.entry(PlayerId(player)).or_default().insert(slug);
    }
    Ok(held)
}

/// Inserts `awards`, ignoring any the player already holds (a concurrent award of the same
/// achievement included); returns those actually inserted.
async fn store(conn: &mut Conn<'_>, awards: &[NewAward]) -> Result<Vec<NewAward>, DbError> {
    if awards.is_empty() {
        return Ok(Vec::new());
    }
    let ids: HashMap<String, i64> = db_run!(conn, |c| a::table
        .select((a::slug, a::id))
        .load::<(String, i64)>(c)
        .await)?
    .into_iter()
    .collect();
    let mut stored = Vec::with_capacity(awards.len());
    for award in awards {
        // The migration inserts every definition; a missing one is a schema older than the
        // code, which must not fail the confirmation.
        let Some(&achievement_id) = ids.get(award.slug) else {
            tracing::warn!(slug = award.slug, "achievement definition missing");
            continue;
        };
        let inserted = db_run!(conn, |c| diesel::insert_into(pa::table)
            .values((
                pa::player_id.eq(award.player.0),
                pa::achievement_id.eq(achievement_id),
                pa::match_id.eq(Some(award.match_id.0)),
                pa::awarded_at.eq(to_db(award.awarded_at)),
            ))
            .on_conflict((pa::player_id, pa::achievement_id))
            .do_nothing()
            .execute(c)
            .await)?;
        if inserted > 0 {
            stored.push(*award);
        }
    }
    Ok(stored)
}

/// Makes the `achievements` table hold exactly the definitions of the domain crate (DOMAIN.md
/// §3.14): inserts missing rows and rewrites changed texts, keyed by slug, so ids stay stable.
/// Runs after the migrations (`Db::migrate`); a second run changes nothing.
pub async fn sync_definitions(conn: &mut Conn<'_>) -> Result<(), DbError> {
    for def in &rules::ACHIEVEMENTS {
        let threshold = i32::try_from(def.threshold).unwrap_or(i32::MAX);
        let values = (
            a::name.eq(def.name),
            a::description.eq(def.description),
            a::tier.eq(def.tier.as_str()),
            a::group_slug.eq(def.group_slug()),
            a::icon.eq(def.icon),
            a::threshold.eq(threshold),
            a::sort_order.eq(def.sort_order),
        );
        db_run!(conn, |c| diesel::insert_into(a::table)
            .values((a::slug.eq(def.slug), values))
            .on_conflict(a::slug)
            .do_update()
            .set(values)
            .execute(c)
            .await)?;
    }
    Ok(())
}
