//! The consistency check (DOMAIN.md §2 "(D)" columns, ARCHITECTURE.md §3): recomputes every
//! derived value from source rows and lists where the stored one differs; `fix` writes the
//! recomputed values back.
//!
//! Expected values come from the domain: match cache columns from `Tally`, game winners from
//! `GameScore`, counts and the set of rated (match, player) pairs from `elo::replay`. Ratings are
//! the one exception: they are applied in confirmation order (§3.6), which no replay of the
//! play order reproduces, so the stored history is their source of truth.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::achievements::PlayerTotals;
use ttstats_domain::elo::{self, INITIAL_RATING, PlayerAggregates};
use ttstats_domain::leaderboard::{self, AppliedChange};
use ttstats_domain::{MatchId, PlayerId};

use crate::conn::Conn;
use crate::error::DbError;
use crate::matches::{GameRow, MatchFull, MatchRow, ParticipantRow};
use crate::players::{self, PlayerRow};
use crate::ratings::{self, EloHistoryRow};
use crate::schema::{elo_history, games, match_participants, matches as m};
use crate::{achievements, from_db};

/// The kind of row a drift item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entity {
    /// A `matches` row.
    Match,
    /// A `games` row.
    Game,
    /// A `players` row.
    Player,
    /// An `elo_history` row.
    EloHistory,
    /// A `player_achievements` row (the id is the player's).
    Achievement,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Match => "match",
            Self::Game => "game",
            Self::Player => "player",
            Self::EloHistory => "elo_history",
            Self::Achievement => "player_achievement",
        })
    }
}

/// One stored value that differs from its recomputation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftItem {
    /// The table.
    pub entity: Entity,
    /// The row id (the match id for a missing history row).
    pub id: i64,
    /// The column, or what is missing.
    pub column: String,
    /// The stored value.
    pub stored: String,
    /// The recomputed value.
    pub expected: String,
}

impl fmt::Display for DriftItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}: stored {}, expected {}",
            self.entity, self.id, self.column, self.stored, self.expected
        )
    }
}

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftReport {
    /// Matches examined.
    pub matches_checked: usize,
    /// Players examined.
    pub players_checked: usize,
    /// Every difference, by entity then id.
    pub items: Vec<DriftItem>,
}

impl DriftReport {
    /// No stored value differs from its recomputation.
    pub fn is_clean(&self) -> bool {
        self.items.is_empty()
    }

    /// One human-readable line per drift item.
    pub fn lines(&self) -> Vec<String> {
        self.items.iter().map(ToString::to_string).collect()
    }
}

impl fmt::Display for DriftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} matches, {} players checked: ",
            self.matches_checked, self.players_checked
        )?;
        if self.is_clean() {
            return f.write_str("no drift");
        }
        write!(f, "{} drift item(s)", self.items.len())?;
        for item in &self.items {
            write!(f, "\n  {item}")?;
        }
        Ok(())
    }
}

/// Recomputes every derived value from source rows and reports the differences. Reads each
/// table once, in separate statements: on PostgreSQL (read committed) a write landing between
/// two of them can show up as drift, so confirm a finding by checking again.
pub async fn check(conn: &mut Conn<'_>) -> Result<DriftReport, DbError> {
    Ok(analyse(conn).await?.report)
}

/// Writes the recomputed values wherever they drifted; returns what was found (run `check`
/// again to confirm). Meant for `Db::transaction` on a database nobody writes to meanwhile:
/// a concurrent match write could otherwise be overwritten with values computed before it.
///
/// Missing, extra or inconsistent history rows cannot be patched one by one (every later
/// rating depends on them), so they are repaired by a full recalculation in play order
/// (DOMAIN.md §3.6). Missing achievements are stored by the backfill (§3.14). A confirmed match whose games no longer give a winner is reported but
/// left alone: a confirmed match never becomes unconfirmed except by deletion (§3.5).
pub async fn fix(conn: &mut Conn<'_>) -> Result<DriftReport, DbError> {
    let analysis = analyse(conn).await?;
    for (id, winner) in &analysis.game_winners {
        db_run!(conn, |c| diesel::update(games::table.find(*id))
            .set(games::winner_side.eq(*winner))
            .execute(c)
            .await)?;
    }
    for (id, cache) in &analysis.match_caches {
        db_run!(conn, |c| diesel::update(m::table.find(*id))
            .set((
                m::side1_games.eq(cache.side1_games),
                m::side2_games.eq(cache.side2_games),
                m::winner_side.eq(cache.winner_side),
            ))
            .execute(c)
            .await)?;
    }
    if analysis.history_drift {
        // The recalculation runs the achievement backfill too.
        ratings::recalculate(conn, false).await?;
    } else {
        players::write_aggregates(conn, &analysis.player_aggregates).await?;
        for (player, totals) in &analysis.player_totals {
            players::write_totals(conn, *player, totals).await?;
        }
        for (id, applied) in &analysis.applied_ratings {
            db_run!(conn, |c| diesel::update(elo_history::table.find(*id))
                .set(elo_history::applied_rating.eq(*applied))
                .execute(c)
                .await)?;
        }
        achievements::backfill(conn).await?;
    }
    Ok(analysis.report)
}

/// Recomputed cache columns of one match.
struct MatchCache {
    side1_games: i32,
    side2_games: i32,
    winner_side: Option<i32>,
}

/// The report plus the recomputed values `fix` writes (only those that drifted).
struct Analysis {
    report: DriftReport,
    game_winners: BTreeMap<i64, i32>,
    match_caches: BTreeMap<i64, MatchCache>,
    player_aggregates: BTreeMap<PlayerId, PlayerAggregates>,
    player_totals: BTreeMap<PlayerId, PlayerTotals>,
    applied_ratings: BTreeMap<i64, i32>,
    history_drift: bool,
}

/// The source rows, whole tables in id order: one query each, no id lists however big the club.
struct Tables {
    matches: Vec<MatchRow>,
    participants: Vec<ParticipantRow>,
    games: Vec<GameRow>,
    history: Vec<EloHistoryRow>,
    players: Vec<PlayerRow>,
}

async fn load_tables(conn: &mut Conn<'_>) -> Result<Tables, DbError> {
    Ok(Tables {
        matches: db_run!(conn, |c| m::table
            .order(m::id)
            .select(MatchRow::as_select())
            .load(c)
            .await)?,
        participants: db_run!(conn, |c| match_participants::table
            .order((
                match_participants::match_id,
                match_participants::side,
                match_participants::player_id,
            ))
            .select(ParticipantRow::as_select())
            .load(c)
            .await)?,
        games: db_run!(conn, |c| games::table
            .order((games::match_id, games::number))
            .select(GameRow::as_select())
            .load(c)
            .await)?,
        history: ratings::all_history(conn).await?,
        players: players::all_players(conn).await?,
    })
}

async fn analyse(conn: &mut Conn<'_>) -> Result<Analysis, DbError> {
    let Tables {
        matches: match_rows,
        participants,
        games: game_rows,
        history,
        players: player_rows,
    } = load_tables(conn).await?;
    let mut analysis = Analysis {
        report: DriftReport {
            matches_checked: match_rows.len(),
            players_checked: player_rows.len(),
            items: Vec::new(),
        },
        game_winners: BTreeMap::new(),
        match_caches: BTreeMap::new(),
        player_aggregates: BTreeMap::new(),
        player_totals: BTreeMap::new(),
        applied_ratings: BTreeMap::new(),
        history_drift: false,
    };
    let mut drift = Vec::new();

    let mut participants_of: HashMap<i64, Vec<ParticipantRow>> = HashMap::new();
    for p in participants {
        participants_of.entry(p.match_id).or_default().push(p);
    }
    let mut games_of = check_games(game_rows, &mut drift, &mut analysis.game_winners);

    let mut records = Vec::new();
    for row in match_rows {
        let full = MatchFull {
            participants: participants_of.remove(&row.id).unwrap_or_default(),
            games: games_of.remove(&row.id).unwrap_or_default(),
            // Confirmations derive nothing the check compares.
            confirmations: Vec::new(),
            row,
        };
        // Cache columns of a live match are not maintained until it ends (§3.4).
        if full.row.is_live {
            continue;
        }
        check_match(&full, &mut drift, &mut analysis.match_caches)?;
        if full.row.is_confirmed {
            let applied_at = from_db(full.row.confirmed_at.unwrap_or(full.row.played_at));
            records.push((full.record()?, applied_at));
        }
    }

    let ids: Vec<PlayerId> = player_rows.iter().map(PlayerRow::player_id).collect();
    let replay = elo::replay(&records, &ids);
    analysis.history_drift = check_history(&replay.history, &history, &mut drift);
    let from_history = ratings_from_history(&history);
    for row in &player_rows {
        let counts = replay.aggregates.get(&row.player_id());
        let ratings = from_history.get(&row.player_id());
        let (rating, peak_rating, rated_matches) =
            ratings
                .copied()
                .unwrap_or((INITIAL_RATING, INITIAL_RATING, 0));
        let expected = PlayerAggregates {
            rating,
            peak_rating,
            rated_matches,
            ..counts.copied().unwrap_or_default()
        };
        if check_player(row, &expected, &mut drift) {
            analysis.player_aggregates.insert(row.player_id(), expected);
        }
    }

    check_stored(conn, &player_rows, &history, &mut drift, &mut analysis).await?;

    // An achievement the backfill would award is missing (awards are never revoked, so an
    // extra one is no drift).
    for award in achievements::missing_awards(conn).await? {
        drift.push(item(
            Entity::Achievement,
            award.player.0,
            award.slug,
            "missing",
            format!("awarded for match {}", award.match_id.0),
        ));
    }

    drift.sort_by_key(|d| (d.entity, d.id));
    analysis.report.items = drift;
    Ok(analysis)
}

/// The streak and measure columns and the applied ratings against their recomputation.
async fn check_stored(
    conn: &mut Conn<'_>,
    player_rows: &[PlayerRow],
    history: &[EloHistoryRow],
    drift: &mut Vec<DriftItem>,
    analysis: &mut Analysis,
) -> Result<(), DbError> {
    // Streaks and achievement measures the player page reads.
    let stored: HashMap<PlayerId, &PlayerRow> =
        player_rows.iter().map(|r| (r.player_id(), r)).collect();
    for (player, expected) in achievements::expected_totals(conn).await? {
        let Some(row) = stored.get(&player) else {
            continue;
        };
        if check_totals(row, &expected, drift) {
            analysis.player_totals.insert(player, expected);
        }
    }

    // The applied ratings the leaderboard's movement reads.
    let changes: Vec<AppliedChange> = history
        .iter()
        .map(|r| ratings::change(&r.entry()))
        .collect();
    for (row, expected) in history.iter().zip(leaderboard::applied_ratings(&changes)) {
        if row.applied_rating != expected {
            drift.push(item(
                Entity::EloHistory,
                row.id,
                "applied_rating",
                row.applied_rating,
                expected,
            ));
            analysis.applied_ratings.insert(row.id, expected);
        }
    }
    Ok(())
}

fn item(
    entity: Entity,
    id: i64,
    column: &str,
    stored: impl fmt::Display,
    expected: impl fmt::Display,
) -> DriftItem {
    DriftItem {
        entity,
        id,
        column: column.to_owned(),
        stored: stored.to_string(),
        expected: expected.to_string(),
    }
}

fn show_side(side: Option<i32>) -> String {
    side.map_or_else(|| "null".to_owned(), |s| s.to_string())
}

/// Checks each game's winner against its points and groups the valid games by match.
fn check_games(
    game_rows: Vec<GameRow>,
    drift: &mut Vec<DriftItem>,
    winners: &mut BTreeMap<i64, i32>,
) -> HashMap<i64, Vec<GameRow>> {
    let mut games_of: HashMap<i64, Vec<GameRow>> = HashMap::new();
    for game in game_rows {
        match game.score() {
            Ok(score) => {
                let winner = i32::from(score.winner().number());
                if game.winner_side != winner {
                    drift.push(item(
                        Entity::Game,
                        game.id,
                        "winner_side",
                        game.winner_side,
                        winner,
                    ));
                    winners.insert(game.id, winner);
                }
                games_of.entry(game.match_id).or_default().push(game);
            }
            // Left out of the tally: such a game never counts (§3.2).
            Err(e) => drift.push(DriftItem {
                entity: Entity::Game,
                id: game.id,
                column: "points".to_owned(),
                stored: format!("{}-{}", game.side1_points, game.side2_points),
                expected: format!("a valid score ({})", e.code()),
            }),
        }
    }
    games_of
}

fn check_match(
    full: &MatchFull,
    drift: &mut Vec<DriftItem>,
    caches: &mut BTreeMap<i64, MatchCache>,
) -> Result<(), DbError> {
    let row = &full.row;
    let tally = full.tally()?;
    let mut cache = MatchCache {
        side1_games: i32::from(tally.side1_games),
        side2_games: i32::from(tally.side2_games),
        winner_side: tally.winner.map(|w| i32::from(w.number())),
    };
    let mut drifted = false;
    for (column, stored, expected) in [
        ("side1_games", row.side1_games, cache.side1_games),
        ("side2_games", row.side2_games, cache.side2_games),
    ] {
        if stored != expected {
            drift.push(item(Entity::Match, row.id, column, stored, expected));
            drifted = true;
        }
    }
    if row.winner_side != cache.winner_side {
        drift.push(item(
            Entity::Match,
            row.id,
            "winner_side",
            show_side(row.winner_side),
            show_side(cache.winner_side),
        ));
        drifted = true;
    }
    if row.is_confirmed && cache.winner_side.is_none() {
        drift.push(item(
            Entity::Match,
            row.id,
            "is_confirmed",
            true,
            "false: its games give no winner",
        ));
        // Clearing the winner of a confirmed match would break `is_confirmed ⇒ winner set`.
        cache.winner_side = row.winner_side;
    }
    if drifted {
        caches.insert(row.id, cache);
    }
    Ok(())
}

/// Compares the stored history rows with the (match, player) pairs a replay rates, and each
/// row's change with its ratings; returns whether anything drifted.
fn check_history(
    expected: &[elo::EloHistoryEntry],
    stored: &[EloHistoryRow],
    drift: &mut Vec<DriftItem>,
) -> bool {
    let before = drift.len();
    let expected_pairs: BTreeSet<(MatchId, PlayerId)> =
        expected.iter().map(|e| (e.match_id, e.player_id)).collect();
    let mut seen = BTreeSet::new();
    for row in stored {
        let pair = (MatchId(row.match_id), PlayerId(row.player_id));
        if !expected_pairs.contains(&pair) {
            drift.push(item(
                Entity::EloHistory,
                row.id,
                "match_id",
                format!("match {} player {}", row.match_id, row.player_id),
                "a rated participant of a confirmed match",
            ));
        } else if !seen.insert(pair) {
            drift.push(item(
                Entity::EloHistory,
                row.id,
                "match_id",
                format!(
                    "a second row for match {} player {}",
                    row.match_id, row.player_id
                ),
                "one row per participant",
            ));
        }
        if row.new_rating - row.old_rating != row.rating_change {
            drift.push(item(
                Entity::EloHistory,
                row.id,
                "rating_change",
                row.rating_change,
                row.new_rating - row.old_rating,
            ));
        }
    }
    for (match_id, player) in expected_pairs.difference(&seen) {
        drift.push(item(
            Entity::Match,
            match_id.0,
            &format!("elo_history of player {}", player.0),
            "no row",
            "one row",
        ));
    }
    drift.len() > before
}

/// Rating, peak and rated matches per player from their history rows (§3.6 Applying).
fn ratings_from_history(history: &[EloHistoryRow]) -> BTreeMap<PlayerId, (i32, i32, u32)> {
    let mut out: BTreeMap<PlayerId, (i32, i32, u32)> = BTreeMap::new();
    for row in history {
        let (rating, peak, rated) =
            out.entry(PlayerId(row.player_id))
                .or_insert((INITIAL_RATING, INITIAL_RATING, 0));
        *rating += row.rating_change;
        *peak = elo::updated_peak(*peak, row.new_rating);
        *rated += 1;
    }
    out
}

/// Adds a drift item per aggregate column that differs; returns whether any did.
/// Compares the stored streak and measure columns with `expected`; true when any differs.
fn check_totals(row: &PlayerRow, expected: &PlayerTotals, drift: &mut Vec<DriftItem>) -> bool {
    let stored = row.totals();
    let s = (&stored.streaks, &expected.streaks);
    let columns: [(&str, String, String); 7] = [
        (
            "streak_kind",
            players::streak_kind_str(s.0.current.kind).to_owned(),
            players::streak_kind_str(s.1.current.kind).to_owned(),
        ),
        (
            "streak_length",
            s.0.current.length.to_string(),
            s.1.current.length.to_string(),
        ),
        (
            "longest_win_streak",
            s.0.longest_win.to_string(),
            s.1.longest_win.to_string(),
        ),
        (
            "longest_loss_streak",
            s.0.longest_loss.to_string(),
            s.1.longest_loss.to_string(),
        ),
        (
            "deuce_wins",
            stored.deuce_wins.to_string(),
            expected.deuce_wins.to_string(),
        ),
        (
            "top_rivalry",
            stored.top_rivalry.to_string(),
            expected.top_rivalry.to_string(),
        ),
        (
            "top_giant_gap",
            stored.top_gap.to_string(),
            expected.top_gap.to_string(),
        ),
    ];
    let mut any = false;
    for (column, stored, expected) in columns {
        if stored != expected {
            drift.push(item(Entity::Player, row.id, column, stored, expected));
            any = true;
        }
    }
    any
}

fn check_player(row: &PlayerRow, expected: &PlayerAggregates, drift: &mut Vec<DriftItem>) -> bool {
    // The raw columns, not `PlayerRow::aggregates`, which clamps a corrupt negative count.
    let columns: [(&str, i32, i64); 8] = [
        ("rating", row.rating, expected.rating.into()),
        ("peak_rating", row.peak_rating, expected.peak_rating.into()),
        (
            "rated_matches",
            row.rated_matches,
            expected.rated_matches.into(),
        ),
        (
            "confirmed_matches",
            row.confirmed_matches,
            expected.confirmed_matches.into(),
        ),
        ("wins", row.wins, expected.wins.into()),
        ("losses", row.losses, expected.losses.into()),
        ("games_won", row.games_won, expected.games_won.into()),
        ("games_lost", row.games_lost, expected.games_lost.into()),
    ];
    let before = drift.len();
    for (column, stored, expected) in columns {
        if i64::from(stored) != expected {
            drift.push(item(Entity::Player, row.id, column, stored, expected));
        }
    }
    drift.len() > before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drift_item_reads_as_one_line() {
        let line = item(Entity::Player, 7, "wins", 3, 2).to_string();
        assert_eq!(line, "player 7 wins: stored 3, expected 2");
    }

    #[test]
    fn ratings_come_from_the_history_rows() {
        let row = |id, old, new| EloHistoryRow {
            id,
            match_id: id,
            player_id: 1,
            side: 1,
            old_rating: old,
            new_rating: new,
            rating_change: new - old,
            k_factor: 48.0,
            applied_at: chrono::NaiveDateTime::default(),
            applied_rating: new,
        };
        let got = ratings_from_history(&[row(1, 1500, 1476), row(2, 1476, 1490)]);
        assert_eq!(got[&PlayerId(1)], (1490, 1500, 2));
    }
}
