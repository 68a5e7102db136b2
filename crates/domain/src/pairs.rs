//! Statistics of two players as doubles partners (DOMAIN.md §3.11).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::math::{percent, ratio};
use crate::record::MatchRecord;
use crate::streaks::{Streak, streaks_oldest_first};
use crate::{DomainError, MatchId, MatchKind, PlayerId, Side};

/// The record of a doubles pair. The same for (a, b) and (b, a): cached per unordered pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairStats {
    /// The two partners, lower id first.
    pub players: [PlayerId; 2],
    /// Confirmed doubles they played together.
    pub matches: u32,
    /// Of those, won.
    pub wins: u32,
    /// Of those, lost.
    pub losses: u32,
    /// 100 × wins / matches (2 decimals; 0 without matches).
    pub win_rate: f64,
    /// The run of equal results ending with the newest match.
    pub current_streak: Streak,
    /// Longest run of wins.
    pub longest_win_streak: u32,
    /// Longest run of losses.
    pub longest_loss_streak: u32,
    /// Games won per match (2 decimals).
    pub avg_games_won: f64,
    /// Games lost per match (2 decimals).
    pub avg_games_lost: f64,
    /// The win with the largest games margin (earliest on ties).
    pub best_win: Option<PairResult>,
    /// The loss with the largest games margin (earliest on ties).
    pub worst_loss: Option<PairResult>,
}

/// One match of the pair, from the pair's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairResult {
    /// The match.
    pub match_id: MatchId,
    /// When it was played.
    pub played_at: DateTime<Utc>,
    /// Games the pair won.
    pub games_won: u8,
    /// Games the pair lost.
    pub games_lost: u8,
    /// "won-lost", the pair's games first: "3-0", "1-3".
    pub score: String,
}

/// Computes the pair statistics of `a` and `b` from confirmed matches in any order (anything
/// but complete doubles with both on one side is ignored).
pub fn pair_stats(
    a: PlayerId,
    b: PlayerId,
    matches: &[MatchRecord],
) -> Result<PairStats, DomainError> {
    if a == b {
        return Err(DomainError::PlayersNotDistinct);
    }
    let mut set: Vec<(&MatchRecord, Side)> = matches
        .iter()
        .filter_map(|m| partners_side(m, a, b).map(|side| (m, side)))
        .collect();
    set.sort_by_key(|(m, _)| m.play_order_key());

    let (mut games_won, mut games_lost) = (0u64, 0u64);
    let mut results = Vec::with_capacity(set.len());
    let mut best_win: Option<PairResult> = None;
    let mut worst_loss: Option<PairResult> = None;
    for &(m, side) in &set {
        let tally = m.tally();
        let (own, other) = (tally.games(side), tally.games(side.other()));
        let won = tally.winner == Some(side);
        games_won += u64::from(own);
        games_lost += u64::from(other);
        results.push(won);
        let slot = if won { &mut best_win } else { &mut worst_loss };
        // Oldest first with a strict comparison: the earliest match wins a tie.
        if slot
            .as_ref()
            .is_none_or(|r| own.abs_diff(other) > r.games_won.abs_diff(r.games_lost))
        {
            *slot = Some(PairResult {
                match_id: m.id,
                played_at: m.played_at,
                games_won: own,
                games_lost: other,
                score: format!("{own}-{other}"),
            });
        }
    }

    let total = set.len() as u32;
    let wins = results.iter().filter(|&&won| won).count() as u32;
    // Play order is oldest first (§3.7).
    let streaks = streaks_oldest_first(results);
    Ok(PairStats {
        players: [a.min(b), a.max(b)],
        matches: total,
        wins,
        losses: total - wins,
        win_rate: percent(wins, total),
        current_streak: streaks.current,
        longest_win_streak: streaks.longest_win,
        longest_loss_streak: streaks.longest_loss,
        avg_games_won: ratio(games_won, total),
        avg_games_lost: ratio(games_lost, total),
        best_win,
        worst_loss,
    })
}

/// The side `a` and `b` share in a complete doubles match.
fn partners_side(m: &MatchRecord, a: PlayerId, b: PlayerId) -> Option<Side> {
    if m.kind != MatchKind::Doubles {
        return None;
    }
    m.winner()?;
    let side = m.side_of(a)?;
    (m.side_of(b)? == side).then_some(side)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streaks::StreakKind;
    use crate::test_matches::{record, unfinished};

    const A: PlayerId = PlayerId(1);
    const B: PlayerId = PlayerId(2);

    fn assert_close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
    }

    const WIN3_0: &[(i64, i64)] = &[(11, 3), (11, 3), (11, 3)];
    const WIN3_1: &[(i64, i64)] = &[(11, 3), (3, 11), (11, 3), (11, 3)];
    const LOSS1_3: &[(i64, i64)] = &[(3, 11), (11, 3), (3, 11), (3, 11)];
    const LOSS0_3: &[(i64, i64)] = &[(3, 11), (3, 11), (3, 11)];

    #[test]
    fn the_same_player_twice_is_refused() {
        assert_eq!(pair_stats(A, A, &[]), Err(DomainError::PlayersNotDistinct));
    }

    #[test]
    fn partners_are_counted_on_either_side_and_in_any_input_order() {
        // Oldest → newest: W 3-1, L 1-3 (as side 2), W 3-0, W 3-0, L 0-3, L 1-3.
        let mut matches = vec![
            record(6, &[3, 4], &[2, 1], WIN3_1, 6),
            record(1, &[1, 2], &[3, 4], WIN3_1, 1),
            record(2, &[3, 4], &[2, 1], WIN3_1, 2),
            record(3, &[2, 1], &[3, 4], WIN3_0, 3),
            record(4, &[1, 2], &[5, 6], WIN3_0, 4),
            record(5, &[1, 2], &[3, 4], LOSS0_3, 5),
        ];
        let s = pair_stats(A, B, &matches).unwrap();
        assert_eq!(s.players, [A, B]);
        assert_eq!((s.matches, s.wins, s.losses), (6, 3, 3));
        assert_close(s.win_rate, 50.0);
        assert_eq!(
            s.current_streak,
            Streak {
                kind: StreakKind::Loss,
                length: 2
            }
        );
        assert_eq!((s.longest_win_streak, s.longest_loss_streak), (2, 2));
        // Won 3+1+3+3+0+1 = 11, lost 1+3+0+0+3+3 = 10 over 6.
        assert_close(s.avg_games_won, 1.83);
        assert_close(s.avg_games_lost, 1.67);
        let best = s.best_win.as_ref().unwrap();
        assert_eq!((best.match_id, best.score.as_str()), (MatchId(3), "3-0"));
        let worst = s.worst_loss.as_ref().unwrap();
        assert_eq!((worst.match_id, worst.score.as_str()), (MatchId(5), "0-3"));
        matches.reverse();
        assert_eq!(pair_stats(B, A, &matches).unwrap(), s);
    }

    #[test]
    fn only_complete_doubles_with_both_on_one_side_count() {
        let matches = vec![
            record(1, &[1], &[2], WIN3_0, 1),
            record(2, &[1, 3], &[2, 4], WIN3_0, 2),
            record(3, &[1, 3], &[4, 5], WIN3_0, 3),
            unfinished(4, &[1, 2], &[3, 4], &[(11, 3)], 4),
            record(5, &[1, 2], &[3, 4], LOSS1_3, 5),
        ];
        let s = pair_stats(A, B, &matches).unwrap();
        assert_eq!((s.matches, s.wins, s.losses), (1, 0, 1));
        assert_eq!(s.best_win, None);
        assert_eq!(s.worst_loss.unwrap().score, "1-3");
    }

    #[test]
    fn a_pair_without_matches_has_zeros_and_no_streak() {
        let s = pair_stats(B, A, &[]).unwrap();
        assert_eq!(s.players, [A, B]);
        assert_eq!((s.matches, s.wins, s.losses), (0, 0, 0));
        assert_close(s.win_rate, 0.0);
        assert_close(s.avg_games_won, 0.0);
        assert_eq!(
            s.current_streak,
            Streak {
                kind: StreakKind::None,
                length: 0
            }
        );
        assert_eq!((s.best_win, s.worst_loss), (None, None));
    }
}
