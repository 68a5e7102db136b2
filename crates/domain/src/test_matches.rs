//! Builders for the unit tests of every module: instants and `MatchRecord`s.
//!
//! Tests only compare instants with each other, except the rating chart, whose date labels
//! (2027-01-15, …) follow from [`T0`].

use chrono::{DateTime, Duration, Utc};

use crate::record::MatchRecord;
use crate::scoring::GameScore;
use crate::{BestOf, MatchId, MatchKind, MatchType, PlayerId};

/// The instant every test counts from: 2027-01-15 08:00:00 UTC.
pub(crate) const T0: i64 = 1_800_000_000;

/// [`T0`] plus `seconds`.
pub(crate) fn at_seconds(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(T0, 0).unwrap() + Duration::seconds(seconds)
}

/// [`T0`] plus `minutes`.
pub(crate) fn at(minutes: i64) -> DateTime<Utc> {
    at_seconds(60 * minutes)
}

/// [`T0`] plus `hours`.
pub(crate) fn at_hours(hours: i64) -> DateTime<Utc> {
    at(60 * hours)
}

/// A valid format.
pub(crate) fn best_of(n: i64) -> BestOf {
    BestOf::new(n).unwrap()
}

/// Valid game scores, side 1's points first.
pub(crate) fn games(scores: &[(i64, i64)]) -> Vec<GameScore> {
    scores
        .iter()
        .map(|&(a, b)| GameScore::new(a, b).unwrap())
        .collect()
}

/// A casual match played (and recorded) at `at(minutes)`, doubles when side 1 has two players;
/// `best_of` is the smallest format the games complete, so the record is complete unless a
/// test changes `best_of`.
pub(crate) fn record(
    id: i64,
    side1: &[i64],
    side2: &[i64],
    scores: &[(i64, i64)],
    minutes: i64,
) -> MatchRecord {
    let side1_games = scores.iter().filter(|(a, b)| a > b).count() as i64;
    let side2_games = scores.len() as i64 - side1_games;
    MatchRecord {
        id: MatchId(id),
        kind: if side1.len() == 2 {
            MatchKind::Doubles
        } else {
            MatchKind::Singles
        },
        match_type: MatchType::Casual,
        best_of: best_of((2 * side1_games.max(side2_games) - 1).max(1)),
        played_at: at(minutes),
        created_at: at(minutes),
        side1: side1.iter().copied().map(PlayerId).collect(),
        side2: side2.iter().copied().map(PlayerId).collect(),
        games: games(scores),
    }
}

/// Same as [`record`] but with `best_of` raised so that the match is unfinished.
pub(crate) fn unfinished(
    id: i64,
    side1: &[i64],
    side2: &[i64],
    scores: &[(i64, i64)],
    minutes: i64,
) -> MatchRecord {
    MatchRecord {
        best_of: best_of(9),
        ..record(id, side1, side2, scores, minutes)
    }
}

/// A best-of-3 singles match of player 1 (side 1) against player 2 played `hours` after
/// [`T0`], won 2-1 by side 1 when `side1_wins`, else lost 1-2.
pub(crate) fn singles(id: i64, hours: i64, side1_wins: bool) -> MatchRecord {
    let scores: &[(i64, i64)] = if side1_wins {
        &[(11, 7), (7, 11), (11, 7)]
    } else {
        &[(7, 11), (11, 7), (7, 11)]
    };
    record(id, &[1], &[2], scores, 60 * hours)
}

/// DOMAIN.md §3.7 Example 3 for player 1, in play order: oldest → newest L, W, W.
pub(crate) fn example_3() -> Vec<MatchRecord> {
    vec![
        singles(1, 0, false),
        singles(2, 1, true),
        singles(3, 2, true),
    ]
}
