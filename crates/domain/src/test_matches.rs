//! Builders for `MatchRecord`s in unit tests.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::record::MatchRecord;
use crate::scoring::GameScore;
use crate::{BestOf, MatchId, MatchKind, MatchType, PlayerId};

/// A fixed instant plus `minutes`.
pub(crate) fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 18, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// A match played (and recorded) at `at(minutes)`; `best_of` is the smallest format the games
/// complete, so the record is complete unless a test changes `best_of`.
pub(crate) fn record(
    id: i64,
    side1: &[i64],
    side2: &[i64],
    scores: &[(i64, i64)],
    minutes: i64,
) -> MatchRecord {
    let games: Vec<GameScore> = scores
        .iter()
        .map(|&(a, b)| GameScore::new(a, b).unwrap())
        .collect();
    let side1_games = scores.iter().filter(|(a, b)| a > b).count() as i64;
    let side2_games = scores.len() as i64 - side1_games;
    let best_of = (2 * side1_games.max(side2_games) - 1).max(1);
    MatchRecord {
        id: MatchId(id),
        kind: if side1.len() == 2 {
            MatchKind::Doubles
        } else {
            MatchKind::Singles
        },
        match_type: MatchType::Casual,
        best_of: BestOf::new(best_of).unwrap(),
        played_at: at(minutes),
        created_at: at(minutes),
        side1: side1.iter().copied().map(PlayerId).collect(),
        side2: side2.iter().copied().map(PlayerId).collect(),
        games,
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
        best_of: BestOf::new(9).unwrap(),
        ..record(id, side1, side2, scores, minutes)
    }
}
