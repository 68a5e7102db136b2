//! Elo ratings and the per-player aggregates of confirmed matches (DOMAIN.md §3.6, §3.5 "On
//! becoming confirmed", §2 players).
//!
//! The same functions serve three callers: confirming a match (apply once), the projection shown
//! before confirmation, and the replay behind recalculation and the consistency check.
//!
//! Match type: §3.3 says "only tournament changes Elo", while §3.6 gives non-tournament matches a
//! type factor of 1.0 and Example 1 rates a casual match (+24 / −16). We read §3.3 as "only
//! tournament changes the K multiplier": casual and practice matches are rated with factor 1.0.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::record::MatchRecord;
use crate::{BestOf, MatchId, MatchType, PlayerId, Side};

/// Every player's starting rating, and the floor of their peak (§3.6).
pub const INITIAL_RATING: i32 = 1500;

/// The base K-factor before the type, length and experience multipliers.
pub const BASE_K: f64 = 32.0;

/// Rated matches a player needs before their experience factor drops from 1.5 to 1.0.
pub const EXPERIENCED_AFTER: u32 = 20;

/// A player's derived columns on `players` (§2), written with the match that changes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerAggregates {
    /// Current rating.
    pub rating: i32,
    /// Highest rating ever held, at least [`INITIAL_RATING`].
    pub peak_rating: i32,
    /// Matches whose Elo update was applied to this player.
    pub rated_matches: u32,
    /// Confirmed matches played.
    pub confirmed_matches: u32,
    /// Confirmed matches won.
    pub wins: u32,
    /// Confirmed matches lost.
    pub losses: u32,
    /// Games won over all confirmed matches.
    pub games_won: u32,
    /// Games lost over all confirmed matches.
    pub games_lost: u32,
}

impl Default for PlayerAggregates {
    /// A new player: rating and peak 1500, every count 0.
    fn default() -> Self {
        Self {
            rating: INITIAL_RATING,
            peak_rating: INITIAL_RATING,
            rated_matches: 0,
            confirmed_matches: 0,
            wins: 0,
            losses: 0,
            games_won: 0,
            games_lost: 0,
        }
    }
}

/// A side member as the rating calculation sees them: current rating and experience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRating {
    /// The player.
    pub player: PlayerId,
    /// Current rating.
    pub rating: i32,
    /// Rated matches so far (decides the experience factor).
    pub rated_matches: u32,
}

impl MemberRating {
    /// The member's rating state taken from their aggregates.
    #[must_use]
    pub fn from_aggregates(player: PlayerId, aggregates: &PlayerAggregates) -> Self {
        Self {
            player,
            rating: aggregates.rating,
            rated_matches: aggregates.rated_matches,
        }
    }
}

/// One side's part of a match's Elo outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SideElo {
    /// Side K: mean of the members' K-factors; 0.0 in a projection of an unfinished match.
    pub k_factor: f64,
    /// Δ every member of the side gets.
    pub change: i32,
}

/// One player's rating change in a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerElo {
    /// The player.
    pub player: PlayerId,
    /// Their side.
    pub side: Side,
    /// Rating before the match.
    pub old_rating: i32,
    /// Rating after the match: old + the side's Δ.
    pub new_rating: i32,
}

/// The Elo outcome of one match, computed on the members' current ratings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EloOutcome {
    /// Side 1.
    pub side1: SideElo,
    /// Side 2.
    pub side2: SideElo,
    /// Every member, in lock order (ascending player id).
    pub players: Vec<PlayerElo>,
}

impl EloOutcome {
    /// The outcome of `side`.
    #[must_use]
    pub fn side(&self, side: Side) -> &SideElo {
        side.pick(&self.side1, &self.side2)
    }

    /// The Δ a viewer sees: their side's, or 0 when they did not play (§3.6 Projection).
    #[must_use]
    pub fn change_for(&self, viewer: Option<PlayerId>) -> i32 {
        viewer
            .and_then(|v| self.players.iter().find(|p| p.player == v))
            .map_or(0, |p| self.side(p.side).change)
    }

    /// The `elo_history` rows this outcome writes, in lock order.
    #[must_use]
    pub fn history(&self, match_id: MatchId, applied_at: DateTime<Utc>) -> Vec<EloHistoryEntry> {
        self.players
            .iter()
            .map(|p| {
                let side = self.side(p.side);
                EloHistoryEntry {
                    match_id,
                    player_id: p.player,
                    side: p.side,
                    old_rating: p.old_rating,
                    new_rating: p.new_rating,
                    rating_change: side.change,
                    k_factor: side.k_factor,
                    applied_at,
                }
            })
            .collect()
    }
}

/// One `elo_history` row (§2): a rating change applied to one player for one match. The row id is
/// implied by the position in the application order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EloHistoryEntry {
    /// The rated match.
    pub match_id: MatchId,
    /// The player.
    pub player_id: PlayerId,
    /// The player's side.
    pub side: Side,
    /// Rating before.
    pub old_rating: i32,
    /// Rating after.
    pub new_rating: i32,
    /// new − old, the side's Δ.
    pub rating_change: i32,
    /// The side K used.
    pub k_factor: f64,
    /// When it was applied: the match's `confirmed_at`, kept by replays.
    pub applied_at: DateTime<Utc>,
}

/// Win chances in whole percent; they add up to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WinProbability {
    /// Side 1's chance.
    pub side1: u8,
    /// Side 2's chance.
    pub side2: u8,
}

/// A point of the player page's rating chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingPoint {
    /// "Start", or the date the change was applied (YYYY-MM-DD).
    pub label: String,
    /// Rating at this point.
    pub rating: i32,
    /// The match that produced it; `None` for the start point.
    pub match_id: Option<MatchId>,
}

/// The result of replaying confirmed matches from scratch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Replay {
    /// Every player's aggregates after the replay.
    pub aggregates: BTreeMap<PlayerId, PlayerAggregates>,
    /// The `elo_history` rows in application order (ascending id).
    pub history: Vec<EloHistoryEntry>,
}

/// E(Ra vs Rb) = 1 / (1 + 10^((Rb − Ra) / 400)).
#[must_use]
pub fn expected_score(ra: f64, rb: f64) -> f64 {
    1.0 / (1.0 + 10f64.powf((rb - ra) / 400.0))
}

/// Type factor: 1.5 for tournament matches, 1.0 for casual and practice.
#[must_use]
pub fn type_factor(match_type: MatchType) -> f64 {
    match match_type {
        MatchType::Tournament => 1.5,
        MatchType::Casual | MatchType::Practice => 1.0,
    }
}

/// Length factor: 0.9 for best of 3, 1.1 for best of 7, 1.0 otherwise (1, 5, 9).
#[must_use]
pub fn length_factor(best_of: BestOf) -> f64 {
    match best_of.get() {
        3 => 0.9,
        7 => 1.1,
        _ => 1.0,
    }
}

/// Experience factor: 1.5 for the first 20 rated matches, then 1.0.
#[must_use]
pub fn experience_factor(rated_matches: u32) -> f64 {
    if rated_matches < EXPERIENCED_AFTER {
        1.5
    } else {
        1.0
    }
}

/// A player's K = 32 × type × length × experience, multiplied in that order.
#[must_use]
pub fn k_factor(match_type: MatchType, best_of: BestOf, rated_matches: u32) -> f64 {
    BASE_K * type_factor(match_type) * length_factor(best_of) * experience_factor(rated_matches)
}

/// Δ = round(K × (S − E)) in doubles, rounding half to even (16.5 → 16, 17.5 → 18).
#[must_use]
pub fn rating_change(k: f64, score: f64, expected: f64) -> i32 {
    (k * (score - expected)).round_ties_even() as i32
}

/// Side rating: the mean of the members' ratings; `None` for an empty side.
#[must_use]
pub fn side_rating(ratings: &[i32]) -> Option<f64> {
    if ratings.is_empty() {
        return None;
    }
    let sum: i64 = ratings.iter().map(|&r| i64::from(r)).sum();
    Some(sum as f64 / ratings.len() as f64)
}

/// The Elo outcome of a complete match with `winner`, on the members' current ratings.
///
/// `None` when a side is empty: such a match is never rated (§3.6 guards).
#[must_use]
pub fn match_outcome(
    match_type: MatchType,
    best_of: BestOf,
    side1: &[MemberRating],
    side2: &[MemberRating],
    winner: Side,
) -> Option<EloOutcome> {
    let (r1, r2) = (members_rating(side1)?, members_rating(side2)?);
    let side_k = |side: &[MemberRating]| {
        let sum: f64 = side
            .iter()
            .map(|m| k_factor(match_type, best_of, m.rated_matches))
            .sum();
        sum / side.len() as f64
    };
    let score = |side: Side| if side == winner { 1.0 } else { 0.0 };
    let (k1, k2) = (side_k(side1), side_k(side2));
    // Each side is computed on its own, so the changes need not cancel when the Ks differ.
    let side1_elo = SideElo {
        k_factor: k1,
        change: rating_change(k1, score(Side::One), expected_score(r1, r2)),
    };
    let side2_elo = SideElo {
        k_factor: k2,
        change: rating_change(k2, score(Side::Two), expected_score(r2, r1)),
    };
    Some(assemble(side1, side2, side1_elo, side2_elo))
}

/// The projection shown before confirmation (§3.6): the outcome on current ratings, or — for an
/// unfinished match or a side without players — Δ 0 and K 0.0 on both sides.
#[must_use]
pub fn projection(
    match_type: MatchType,
    best_of: BestOf,
    side1: &[MemberRating],
    side2: &[MemberRating],
    winner: Option<Side>,
) -> EloOutcome {
    winner
        .and_then(|w| match_outcome(match_type, best_of, side1, side2, w))
        .unwrap_or_else(|| {
            let unrated = SideElo {
                k_factor: 0.0,
                change: 0,
            };
            assemble(side1, side2, unrated, unrated)
        })
}

/// Win probability: p1 = round(100 × E(R1 vs R2)), p2 = 100 − p1; 50/50 when a side is empty.
/// `round` is half to even, as everywhere in §3.6.
#[must_use]
pub fn win_probability(side1_ratings: &[i32], side2_ratings: &[i32]) -> WinProbability {
    match (side_rating(side1_ratings), side_rating(side2_ratings)) {
        (Some(r1), Some(r2)) => {
            let side1 = (100.0 * expected_score(r1, r2)).round_ties_even() as u8;
            WinProbability {
                side1,
                side2: 100 - side1,
            }
        }
        _ => WinProbability {
            side1: 50,
            side2: 50,
        },
    }
}

/// The peak after reaching `rating`.
#[must_use]
pub fn updated_peak(peak: i32, rating: i32) -> i32 {
    peak.max(rating)
}

/// The rating chart of `player` from their history rows in id order: a "Start" point at 1500,
/// then one point per row; empty without history (§3.6 Rating history).
#[must_use]
pub fn rating_history(player: PlayerId, history: &[EloHistoryEntry]) -> Vec<RatingPoint> {
    let mut points: Vec<RatingPoint> = history
        .iter()
        .filter(|e| e.player_id == player)
        .map(|e| RatingPoint {
            label: e.applied_at.format("%Y-%m-%d").to_string(),
            rating: e.new_rating,
            match_id: Some(e.match_id),
        })
        .collect();
    if !points.is_empty() {
        points.insert(
            0,
            RatingPoint {
                label: "Start".to_owned(),
                rating: INITIAL_RATING,
                match_id: None,
            },
        );
    }
    points
}

/// How many points of the rating chart the player statistics carry: the last ones of the
/// series [`rating_history`] builds (the full series is the player's Elo history).
pub const RATING_CHART_POINTS: usize = 100;

/// The last [`RATING_CHART_POINTS`] points of `player`'s rating chart, from their last
/// history rows in id order (at least that many rows when the player has that many, any fewer
/// only when they are all of them): the tail of [`rating_history`] of the full history.
#[must_use]
pub fn rating_chart_tail(player: PlayerId, last_rows: &[EloHistoryEntry]) -> Vec<RatingPoint> {
    let mut points = rating_history(player, last_rows);
    let surplus = points.len().saturating_sub(RATING_CHART_POINTS);
    points.drain(..surplus);
    points
}

/// A match's participants in ascending id order: the order their player rows are locked in
/// (§3.6), so two confirmations never wait on each other's locks.
#[must_use]
pub fn lock_order(side1: &[PlayerId], side2: &[PlayerId]) -> Vec<PlayerId> {
    let ids: BTreeSet<PlayerId> = side1.iter().chain(side2).copied().collect();
    ids.into_iter().collect()
}

/// Applies one confirmed match to the participants' aggregates (§3.5 "On becoming confirmed"):
/// `confirmed_matches`, wins or losses, games won and lost, then Elo (§3.6). Returns the
/// `elo_history` rows written, in lock order.
///
/// `aggregates` must hold the participants' current values; a participant missing from it starts
/// from [`PlayerAggregates::default`]. A match without a winner changes nothing; one with an
/// empty side counts for its players but is not rated. The caller guarantees the match is
/// applied only once (the `is_confirmed` transition, or [`replay`]).
pub fn apply_confirmed_match(
    aggregates: &mut BTreeMap<PlayerId, PlayerAggregates>,
    record: &MatchRecord,
    applied_at: DateTime<Utc>,
) -> Vec<EloHistoryEntry> {
    let tally = record.tally();
    let Some(winner) = tally.winner else {
        return Vec::new();
    };
    for side in [Side::One, Side::Two] {
        for &player in record.players(side) {
            let agg = aggregates.entry(player).or_default();
            agg.confirmed_matches += 1;
            if side == winner {
                agg.wins += 1;
            } else {
                agg.losses += 1;
            }
            agg.games_won += u32::from(tally.games(side));
            agg.games_lost += u32::from(tally.games(side.other()));
        }
    }
    let members = |side: Side| -> Vec<MemberRating> {
        record
            .players(side)
            .iter()
            .map(|&p| MemberRating::from_aggregates(p, &aggregates[&p]))
            .collect()
    };
    let (side1, side2) = (members(Side::One), members(Side::Two));
    let Some(outcome) = match_outcome(record.match_type, record.best_of, &side1, &side2, winner)
    else {
        return Vec::new();
    };
    for change in &outcome.players {
        let agg = aggregates.entry(change.player).or_default();
        agg.rating = change.new_rating;
        agg.peak_rating = updated_peak(agg.peak_rating, agg.rating);
        agg.rated_matches += 1;
    }
    outcome.history(record.id, applied_at)
}

/// Recomputes every aggregate and the whole Elo history from confirmed matches (§3.6
/// Recalculation; also the consistency check's expected values).
///
/// `matches` are the non-live confirmed matches with their `applied_at` (`confirmed_at`), in any
/// order: they are replayed in play order (`played_at`, `created_at`, id). Everyone in `players`
/// starts at the initial values, as does any participant not listed. A match id seen twice is
/// applied once.
#[must_use]
pub fn replay(matches: &[(MatchRecord, DateTime<Utc>)], players: &[PlayerId]) -> Replay {
    let mut ordered: Vec<&(MatchRecord, DateTime<Utc>)> = matches.iter().collect();
    ordered.sort_by_key(|(record, _)| record.play_order_key());
    let mut result = Replay {
        aggregates: players
            .iter()
            .map(|&p| (p, PlayerAggregates::default()))
            .collect(),
        history: Vec::new(),
    };
    let mut applied = BTreeSet::new();
    for (record, applied_at) in ordered {
        if applied.insert(record.id) {
            let rows = apply_confirmed_match(&mut result.aggregates, record, *applied_at);
            result.history.extend(rows);
        }
    }
    result
}

fn members_rating(members: &[MemberRating]) -> Option<f64> {
    side_rating(&members.iter().map(|m| m.rating).collect::<Vec<_>>())
}

/// Gives every member their side's Δ, listing them in lock order.
fn assemble(
    side1: &[MemberRating],
    side2: &[MemberRating],
    side1_elo: SideElo,
    side2_elo: SideElo,
) -> EloOutcome {
    let mut players: Vec<PlayerElo> =
        [(Side::One, side1, side1_elo), (Side::Two, side2, side2_elo)]
            .into_iter()
            .flat_map(|(side, members, elo)| {
                members.iter().map(move |m| PlayerElo {
                    player: m.player,
                    side,
                    old_rating: m.rating,
                    new_rating: m.rating + elo.change,
                })
            })
            .collect();
    players.sort_by_key(|p| p.player);
    EloOutcome {
        side1: side1_elo,
        side2: side2_elo,
        players,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::test_matches::{self, at_seconds, best_of};

    const TOLERANCE: f64 = 1e-9;

    fn member(id: i64, rating: i32, rated_matches: u32) -> MemberRating {
        MemberRating {
            player: PlayerId(id),
            rating,
            rated_matches,
        }
    }

    const NEW: u32 = 0;
    const EXPERIENCED: u32 = 20;

    /// A casual best-of-`n` match played `id` minutes after the tests' epoch that goes the
    /// distance: the loser wins all but one of the games needed.
    fn record(id: i64, side1: &[i64], side2: &[i64], winner: Side, n: i64) -> MatchRecord {
        let needed = usize::from(best_of(n).games_needed());
        let (winning, losing) = winner.pick(((11, 7), (7, 11)), ((7, 11), (11, 7)));
        let mut scores = vec![losing; needed - 1];
        scores.extend(vec![winning; needed]);
        // The smallest format these games complete is best of `n` itself.
        test_matches::record(id, side1, side2, &scores, id)
    }

    #[test]
    fn expected_score_is_even_between_equals_and_ten_to_one_at_400_points() {
        assert!((expected_score(1500.0, 1500.0) - 0.5).abs() < TOLERANCE);
        assert!((expected_score(1900.0, 1500.0) - 10.0 / 11.0).abs() < TOLERANCE);
        assert!((expected_score(1500.0, 1900.0) - 1.0 / 11.0).abs() < TOLERANCE);
    }

    #[test]
    fn k_factor_takes_every_value_listed_in_section_3_6() {
        use MatchType::{Casual, Practice, Tournament};
        let cases = [
            (Casual, 5, EXPERIENCED, 32.0),
            (Practice, 1, EXPERIENCED, 32.0),
            (Casual, 9, EXPERIENCED, 32.0),
            (Casual, 5, NEW, 48.0),
            (Tournament, 5, EXPERIENCED, 48.0),
            (Casual, 3, EXPERIENCED, 28.8),
            (Casual, 7, EXPERIENCED, 35.2),
            (Casual, 3, NEW, 43.2),
            (Tournament, 3, EXPERIENCED, 43.2),
            (Casual, 7, NEW, 52.8),
            (Tournament, 7, EXPERIENCED, 52.8),
            (Tournament, 5, NEW, 72.0),
            (Tournament, 1, 19, 72.0),
            (Tournament, 7, NEW, 79.2),
        ];
        for (match_type, n, rated, want) in cases {
            let k = k_factor(match_type, best_of(n), rated);
            assert!(
                (k - want).abs() < TOLERANCE,
                "{match_type} best of {n}, {rated} rated: {k} ≠ {want}"
            );
        }
    }

    #[test]
    fn the_experience_bonus_covers_exactly_the_first_twenty_rated_matches() {
        assert!((experience_factor(19) - 1.5).abs() < TOLERANCE);
        assert!((experience_factor(20) - 1.0).abs() < TOLERANCE);
    }

    #[test]
    fn rating_changes_round_half_to_even() {
        // K × (S − E) is exactly 16.5, 17.5 and −16.5 here.
        assert_eq!(rating_change(33.0, 1.0, 0.5), 16);
        assert_eq!(rating_change(35.0, 1.0, 0.5), 18);
        assert_eq!(rating_change(33.0, 0.0, 0.5), -16);
        assert_eq!(rating_change(16.5, 1.0, 0.0), 16);
        assert_eq!(rating_change(17.5, 1.0, 0.0), 18);
        assert_eq!(rating_change(16.5, 0.0, 1.0), -16);
        assert_eq!(rating_change(32.0, 1.0, 0.25), 24);
    }

    #[test]
    fn example_1_a_new_player_beats_an_experienced_one_in_a_casual_match() {
        let outcome = match_outcome(
            MatchType::Casual,
            BestOf::FIVE,
            &[member(1, 1500, NEW)],
            &[member(2, 1500, EXPERIENCED)],
            Side::One,
        )
        .unwrap();
        assert!((outcome.side1.k_factor - 48.0).abs() < TOLERANCE);
        assert!((outcome.side2.k_factor - 32.0).abs() < TOLERANCE);
        assert_eq!((outcome.side1.change, outcome.side2.change), (24, -16));
        let ratings: Vec<(i64, i32, i32)> = outcome
            .players
            .iter()
            .map(|p| (p.player.0, p.old_rating, p.new_rating))
            .collect();
        assert_eq!(ratings, vec![(1, 1500, 1524), (2, 1500, 1484)]);
    }

    #[test]
    fn example_2_doubles_sides_average_ratings_and_k_factors() {
        let outcome = match_outcome(
            MatchType::Casual,
            BestOf::FIVE,
            &[member(4, 1600, NEW), member(1, 1400, EXPERIENCED)],
            &[member(2, 1500, EXPERIENCED), member(3, 1500, EXPERIENCED)],
            Side::One,
        )
        .unwrap();
        assert!((outcome.side1.k_factor - 40.0).abs() < TOLERANCE);
        assert!((outcome.side2.k_factor - 32.0).abs() < TOLERANCE);
        assert_eq!((outcome.side1.change, outcome.side2.change), (20, -16));
        let ratings: Vec<(i64, Side, i32)> = outcome
            .players
            .iter()
            .map(|p| (p.player.0, p.side, p.new_rating))
            .collect();
        assert_eq!(
            ratings,
            vec![
                (1, Side::One, 1420),
                (2, Side::Two, 1484),
                (3, Side::Two, 1484),
                (4, Side::One, 1620),
            ]
        );
    }

    #[test]
    fn a_match_with_an_empty_side_is_not_rated() {
        let outcome = match_outcome(
            MatchType::Casual,
            BestOf::FIVE,
            &[member(1, 1500, NEW)],
            &[],
            Side::One,
        );
        assert_eq!(outcome, None);
    }

    #[test]
    fn a_projection_equals_the_outcome_and_each_viewer_sees_their_sides_change() {
        let (side1, side2) = ([member(1, 1500, NEW)], [member(2, 1500, EXPERIENCED)]);
        let projected = projection(
            MatchType::Casual,
            BestOf::FIVE,
            &side1,
            &side2,
            Some(Side::Two),
        );
        let applied = match_outcome(MatchType::Casual, BestOf::FIVE, &side1, &side2, Side::Two);
        assert_eq!(Some(&projected), applied.as_ref());
        assert_eq!(projected.change_for(Some(PlayerId(1))), -24);
        assert_eq!(projected.change_for(Some(PlayerId(2))), 16);
        assert_eq!(projected.change_for(Some(PlayerId(3))), 0);
        assert_eq!(projected.change_for(None), 0);
    }

    #[test]
    fn an_unfinished_match_projects_no_change_and_zero_k() {
        let projected = projection(
            MatchType::Tournament,
            BestOf::FIVE,
            &[member(1, 1600, NEW)],
            &[member(2, 1400, NEW)],
            None,
        );
        for side in [Side::One, Side::Two] {
            assert_eq!(projected.side(side).change, 0);
            assert!(projected.side(side).k_factor == 0.0);
        }
        assert_eq!(projected.change_for(Some(PlayerId(1))), 0);
        assert!(
            projected
                .players
                .iter()
                .all(|p| p.old_rating == p.new_rating)
        );
    }

    #[test]
    fn win_probability_rounds_the_expected_score_and_adds_up_to_100() {
        let even = WinProbability {
            side1: 50,
            side2: 50,
        };
        assert_eq!(win_probability(&[1500], &[1500]), even);
        assert_eq!(
            win_probability(&[1600], &[1400]),
            WinProbability {
                side1: 76,
                side2: 24
            }
        );
        assert_eq!(
            win_probability(&[1400], &[1600]),
            WinProbability {
                side1: 24,
                side2: 76
            }
        );
        assert_eq!(win_probability(&[1600, 1400], &[1500, 1500]), even);
        assert_eq!(win_probability(&[], &[1500]), even);
        assert_eq!(win_probability(&[1900], &[]), even);
    }

    #[test]
    fn the_peak_only_rises() {
        assert_eq!(updated_peak(1500, 1524), 1524);
        assert_eq!(updated_peak(1524, 1484), 1524);
    }

    #[test]
    fn the_rating_chart_starts_at_1500_and_follows_the_history_in_order() {
        let entry = |match_id: i64, player: i64, new_rating: i32, applied_at| EloHistoryEntry {
            match_id: MatchId(match_id),
            player_id: PlayerId(player),
            side: Side::One,
            old_rating: 0,
            new_rating,
            rating_change: 0,
            k_factor: 32.0,
            applied_at,
        };
        let history = [
            entry(7, 1, 1524, at_seconds(0)),
            entry(7, 2, 1476, at_seconds(0)),
            entry(9, 1, 1510, at_seconds(3 * 86_400)),
        ];
        let point = |label: &str, rating, match_id: Option<i64>| RatingPoint {
            label: label.to_owned(),
            rating,
            match_id: match_id.map(MatchId),
        };
        assert_eq!(
            rating_history(PlayerId(1), &history),
            vec![
                point("Start", 1500, None),
                point("2027-01-15", 1524, Some(7)),
                point("2027-01-18", 1510, Some(9)),
            ]
        );
        assert_eq!(rating_history(PlayerId(3), &history), vec![]);
    }

    #[test]
    fn players_are_locked_in_ascending_id_order() {
        let ids = |v: &[i64]| v.iter().copied().map(PlayerId).collect::<Vec<_>>();
        assert_eq!(lock_order(&ids(&[9, 2]), &ids(&[5, 1])), ids(&[1, 2, 5, 9]));
    }

    #[test]
    fn confirming_counts_the_match_and_its_games_then_applies_elo() {
        let mut aggregates = BTreeMap::new();
        let mut played = record(1, &[1], &[2], Side::Two, 5);
        played.match_type = MatchType::Tournament;
        let rows = apply_confirmed_match(&mut aggregates, &played, at_seconds(500));
        let p1 = aggregates[&PlayerId(1)];
        let p2 = aggregates[&PlayerId(2)];
        assert_eq!(
            (
                p1.confirmed_matches,
                p1.wins,
                p1.losses,
                p1.games_won,
                p1.games_lost
            ),
            (1, 0, 1, 2, 3)
        );
        assert_eq!(
            (
                p2.confirmed_matches,
                p2.wins,
                p2.losses,
                p2.games_won,
                p2.games_lost
            ),
            (1, 1, 0, 3, 2)
        );
        // Both new, tournament: K 72, Δ ±36.
        assert_eq!(
            (p1.rating, p1.peak_rating, p1.rated_matches),
            (1464, 1500, 1)
        );
        assert_eq!(
            (p2.rating, p2.peak_rating, p2.rated_matches),
            (1536, 1536, 1)
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            EloHistoryEntry {
                match_id: MatchId(1),
                player_id: PlayerId(1),
                side: Side::One,
                old_rating: 1500,
                new_rating: 1464,
                rating_change: -36,
                k_factor: 72.0,
                applied_at: at_seconds(500),
            }
        );
    }

    #[test]
    fn an_unfinished_match_changes_no_aggregate() {
        let mut unfinished = record(1, &[1], &[2], Side::One, 5);
        unfinished.games.pop();
        let mut aggregates = BTreeMap::new();
        assert!(apply_confirmed_match(&mut aggregates, &unfinished, at_seconds(0)).is_empty());
        assert!(aggregates.is_empty());
    }

    #[test]
    fn a_match_with_an_empty_side_counts_for_its_players_but_is_not_rated() {
        let lopsided = record(1, &[1], &[], Side::One, 3);
        let mut aggregates = BTreeMap::new();
        assert!(apply_confirmed_match(&mut aggregates, &lopsided, at_seconds(0)).is_empty());
        let p1 = aggregates[&PlayerId(1)];
        assert_eq!((p1.confirmed_matches, p1.wins, p1.rated_matches), (1, 1, 0));
        assert_eq!(p1.rating, INITIAL_RATING);
    }

    #[test]
    fn replay_applies_matches_in_play_order_and_keeps_applied_at() {
        // Player 1 loses the earlier-played match and wins the later one, whatever the input order.
        let mut late = record(1, &[1], &[2], Side::One, 5);
        late.played_at = at_seconds(7_200);
        let mut early = record(2, &[1], &[2], Side::Two, 5);
        early.played_at = at_seconds(3_600);
        let result = replay(
            &[(late, at_seconds(9_000)), (early, at_seconds(8_000))],
            &[PlayerId(3)],
        );
        let order: Vec<(i64, i64, i32)> = result
            .history
            .iter()
            .map(|e| (e.match_id.0, e.player_id.0, e.rating_change))
            .collect();
        // The second match starts from 1476 / 1524: E = 0.431…, Δ = round(48 × 0.569…) = 27.
        assert_eq!(
            order,
            vec![(2, 1, -24), (2, 2, 24), (1, 1, 27), (1, 2, -27)]
        );
        assert_eq!(result.history[0].applied_at, at_seconds(8_000));
        assert_eq!(result.aggregates[&PlayerId(3)], PlayerAggregates::default());
        let (p1, p2) = (
            result.aggregates[&PlayerId(1)],
            result.aggregates[&PlayerId(2)],
        );
        assert_eq!((p1.rating, p1.peak_rating), (1503, 1503));
        assert_eq!((p2.rating, p2.peak_rating), (1497, 1524));
    }

    #[test]
    fn play_order_ties_break_on_created_at_then_id() {
        let mut by_id_b = record(5, &[1], &[2], Side::Two, 1);
        let mut by_id_a = record(4, &[1], &[2], Side::One, 1);
        let mut by_created = record(9, &[1], &[2], Side::One, 1);
        for m in [&mut by_id_a, &mut by_id_b, &mut by_created] {
            m.played_at = at_seconds(0);
            m.created_at = at_seconds(10);
        }
        by_created.created_at = at_seconds(5);
        let result = replay(
            &[
                (by_id_b, at_seconds(0)),
                (by_id_a, at_seconds(0)),
                (by_created, at_seconds(0)),
            ],
            &[],
        );
        let ids: Vec<i64> = result.history.iter().map(|e| e.match_id.0).collect();
        assert_eq!(ids, vec![9, 9, 4, 4, 5, 5]);
    }

    #[test]
    fn replay_applies_a_match_id_once() {
        let once = record(1, &[1], &[2], Side::One, 5);
        let result = replay(&[(once.clone(), at_seconds(0)), (once, at_seconds(0))], &[]);
        assert_eq!(result.history.len(), 2);
        assert_eq!(result.aggregates[&PlayerId(1)].confirmed_matches, 1);
    }

    #[test]
    fn the_twenty_first_rated_match_uses_the_experienced_k() {
        let matches: Vec<(MatchRecord, DateTime<Utc>)> = (1..=21)
            .map(|id| (record(id, &[1], &[2], Side::One, 5), at_seconds(id)))
            .collect();
        let result = replay(&matches, &[]);
        let k_of = |match_id: i64| {
            result
                .history
                .iter()
                .find(|e| e.match_id == MatchId(match_id))
                .unwrap()
                .k_factor
        };
        assert!((k_of(20) - 48.0).abs() < TOLERANCE);
        assert!((k_of(21) - 32.0).abs() < TOLERANCE);
        assert_eq!(result.aggregates[&PlayerId(1)].rated_matches, 21);
    }

    fn any_match_type() -> impl Strategy<Value = MatchType> {
        prop::sample::select(MatchType::ALL.to_vec())
    }

    fn any_best_of() -> impl Strategy<Value = BestOf> {
        prop::sample::select(vec![1i64, 3, 5, 7, 9]).prop_map(best_of)
    }

    /// A complete singles or doubles match among players 1–6 on one of 20 days, so `played_at`
    /// ties are common; its id is set by the caller so ids stay unique.
    fn any_match() -> impl Strategy<Value = (MatchRecord, DateTime<Utc>)> {
        (
            any::<bool>(),
            Just((1..=6).collect::<Vec<i64>>()).prop_shuffle(),
            any_match_type(),
            any_best_of(),
            any::<bool>(),
            0usize..5,
            0i64..20,
            0i64..3,
        )
            .prop_flat_map(
                |(doubles, pool, match_type, format, side1_wins, loser_games, day, minute)| {
                    let needed = usize::from(format.games_needed());
                    let winner = if side1_wins { Side::One } else { Side::Two };
                    let (winning, losing) = winner.pick(((11, 8), (9, 11)), ((9, 11), (11, 8)));
                    let mut scores = vec![losing; loser_games.min(needed - 1)];
                    scores.extend(vec![winning; needed]);
                    let size = if doubles { 2 } else { 1 };
                    let played = MatchRecord {
                        match_type,
                        best_of: format,
                        played_at: at_seconds(day * 86_400),
                        created_at: at_seconds(day * 86_400 + minute * 60),
                        ..test_matches::record(0, &pool[..size], &pool[size..2 * size], &scores, 0)
                    };
                    (Just(played), 0i64..1_000_000).prop_map(|(played, delay)| {
                        let applied_at = played.played_at + chrono::Duration::seconds(delay);
                        (played, applied_at)
                    })
                },
            )
    }

    fn any_matches() -> impl Strategy<Value = Vec<(MatchRecord, DateTime<Utc>)>> {
        prop::collection::vec(any_match(), 0..40).prop_map(|mut matches| {
            for (i, (played, _)) in matches.iter_mut().enumerate() {
                played.id = MatchId(i as i64 + 1);
            }
            matches
        })
    }

    fn everyone() -> Vec<PlayerId> {
        (1..=6).map(PlayerId).collect()
    }

    proptest! {
        #[test]
        fn singles_between_equal_ks_are_zero_sum(
            r1 in 0i32..4000,
            r2 in 0i32..4000,
            experienced in any::<bool>(),
            match_type in any_match_type(),
            format in any_best_of(),
            side1_wins in any::<bool>(),
        ) {
            let rated = if experienced { EXPERIENCED } else { NEW };
            let winner = if side1_wins { Side::One } else { Side::Two };
            let outcome = match_outcome(
                match_type,
                format,
                &[member(1, r1, rated)],
                &[member(2, r2, rated)],
                winner,
            ).unwrap();
            prop_assert_eq!(outcome.side1.change + outcome.side2.change, 0);
        }

        #[test]
        fn replaying_the_same_matches_twice_gives_the_same_result(matches in any_matches()) {
            prop_assert_eq!(replay(&matches, &everyone()), replay(&matches, &everyone()));
        }

        #[test]
        fn replay_does_not_depend_on_the_input_order(
            (matches, shuffled) in any_matches()
                .prop_flat_map(|m| (Just(m.clone()), Just(m).prop_shuffle())),
        ) {
            prop_assert_eq!(replay(&matches, &everyone()), replay(&shuffled, &everyone()));
        }

        #[test]
        fn aggregates_keep_their_invariants_after_any_replay(matches in any_matches()) {
            let result = replay(&matches, &everyone());
            for (player, agg) in &result.aggregates {
                prop_assert!(agg.peak_rating >= agg.rating.max(INITIAL_RATING));
                prop_assert_eq!(agg.wins + agg.losses, agg.confirmed_matches);
                prop_assert_eq!(agg.rated_matches, agg.confirmed_matches);
                let changes: i32 = result
                    .history
                    .iter()
                    .filter(|e| e.player_id == *player)
                    .map(|e| e.rating_change)
                    .sum();
                prop_assert_eq!(agg.rating, INITIAL_RATING + changes);
            }
        }
    }
}
