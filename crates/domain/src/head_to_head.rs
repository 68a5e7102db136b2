//! Head-to-head of two players in singles, every value oriented to player1 (DOMAIN.md §3.10).
//!
//! (B, A) is the exact mirror of (A, B): counts swap, signed values negate. Nothing depends on
//! who asked first, so each ordered pair is computed and cached as its own result.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::elo;
use crate::math::{percent, ratio, round2};
use crate::record::MatchRecord;
use crate::{BestOf, DomainError, MatchId, MatchKind, MatchType, PlayerId, Side};

/// How many of the newest matches `recent` covers.
pub const RECENT_MATCHES: usize = 5;

/// The head-to-head record of player1 against player2 (match-based, viewer-independent, so
/// cacheable; win probabilities come separately from [`win_probability`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadToHead {
    /// The player every value is oriented to.
    pub player1: PlayerId,
    /// The opponent.
    pub player2: PlayerId,
    /// `total_matches` > 0.
    pub has_data: bool,
    /// Confirmed singles matches between the two.
    pub total_matches: u32,
    /// Games of those matches.
    pub total_games: u32,
    /// Matches player1 won.
    pub player1_match_wins: u32,
    /// Matches player2 won.
    pub player2_match_wins: u32,
    /// 100 × `player1_match_wins` / `total_matches` (2 decimals; 0 without matches).
    pub player1_match_win_rate: f64,
    /// 100 × `player2_match_wins` / `total_matches`.
    pub player2_match_win_rate: f64,
    /// Games player1 won.
    pub player1_game_wins: u32,
    /// Games player2 won.
    pub player2_game_wins: u32,
    /// 100 × `player1_game_wins` / `total_games`.
    pub player1_game_win_rate: f64,
    /// 100 × `player2_game_wins` / `total_games`.
    pub player2_game_win_rate: f64,
    /// Games with |diff| ≤ 2.
    pub close_games: u32,
    /// Games with diff ≥ 5.
    pub player1_dominant_games: u32,
    /// Games with diff ≤ −5.
    pub player2_dominant_games: u32,
    /// Mean |diff| per game.
    pub avg_point_diff: f64,
    /// Largest |diff| among player1's game wins; 0 if none.
    pub player1_max_margin: u32,
    /// Largest |diff| among player2's game wins; 0 if none.
    pub player2_max_margin: u32,
    /// Player1's points per game.
    pub player1_avg_points: f64,
    /// Player2's points per game.
    pub player2_avg_points: f64,
    /// Form over the newest five matches.
    pub recent: RecentForm,
    /// Signed `games_p1 − games_p2` per match, oldest first (positive when player1 won).
    pub match_margins: Vec<i32>,
    /// Running mean of `match_margins` (2 decimals).
    pub match_margin_running_avg: Vec<f64>,
    /// Every game, oldest match first, by number.
    pub games: Vec<HeadToHeadGame>,
    /// The matches, newest first, oriented to player1.
    pub matches: Vec<HeadToHeadMatch>,
    /// Confirmed doubles with both on one side.
    pub doubles_together: u32,
    /// Confirmed doubles with the two on opposite sides.
    pub doubles_against: u32,
}

/// Wins of each player among the newest [`RECENT_MATCHES`] matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentForm {
    /// Player1's wins.
    pub player1_wins: u32,
    /// Player2's wins.
    pub player2_wins: u32,
    /// min(5, `total_matches`).
    pub total: u32,
}

/// One game, oriented to player1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadToHeadGame {
    /// Its match.
    pub match_id: MatchId,
    /// Its number in the match.
    pub number: u8,
    /// When the match was played.
    pub played_at: DateTime<Utc>,
    /// Player1's points.
    pub player1_points: u16,
    /// Player2's points.
    pub player2_points: u16,
    /// `player1_points − player2_points`.
    pub diff: i32,
}

/// One match, oriented to player1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadToHeadMatch {
    /// The match.
    pub match_id: MatchId,
    /// When it was played.
    pub played_at: DateTime<Utc>,
    /// Casual, practice or tournament.
    pub match_type: MatchType,
    /// The format.
    pub best_of: BestOf,
    /// Games player1 won.
    pub player1_games: u8,
    /// Games player2 won.
    pub player2_games: u8,
    /// Player1 won the match.
    pub player1_won: bool,
}

/// Win probabilities in whole percent, summing to 100, oriented to player1: the
/// `player1_win_probability` / `player2_win_probability` pair of §3.10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WinProbability {
    /// Player (or side) 1.
    pub player1: u8,
    /// Player (or side) 2: 100 − player1.
    pub player2: u8,
}

impl From<elo::WinProbability> for WinProbability {
    fn from(p: elo::WinProbability) -> Self {
        Self {
            player1: p.side1,
            player2: p.side2,
        }
    }
}

/// Computes the head-to-head of `player1` against `player2` from confirmed matches in any order
/// (others, unfinished ones and doubles are ignored except for the doubles counts).
pub fn head_to_head(
    player1: PlayerId,
    player2: PlayerId,
    matches: &[MatchRecord],
) -> Result<HeadToHead, DomainError> {
    if player1 == player2 {
        return Err(DomainError::PlayersNotDistinct);
    }
    let mut set: Vec<(&MatchRecord, Side)> = matches
        .iter()
        .filter_map(|m| singles_side(m, player1, player2).map(|side| (m, side)))
        .collect();
    set.sort_by_key(|(m, _)| m.play_order_key());

    let mut h2h = Tallies::default();
    let mut rows = Vec::with_capacity(set.len());
    let mut margins = Vec::with_capacity(set.len());
    let mut games = Vec::new();
    for &(m, side) in &set {
        let tally = m.tally();
        let (own, other) = (tally.games(side), tally.games(side.other()));
        let won = tally.winner == Some(side);
        h2h.match_wins[usize::from(!won)] += 1;
        margins.push(i32::from(own) - i32::from(other));
        rows.push(HeadToHeadMatch {
            match_id: m.id,
            played_at: m.played_at,
            match_type: m.match_type,
            best_of: m.best_of,
            player1_games: own,
            player2_games: other,
            player1_won: won,
        });
        for (index, game) in m.games.iter().enumerate() {
            let (p1, p2) = (game.points(side), game.points(side.other()));
            let diff = i32::from(p1) - i32::from(p2);
            h2h.add_game(p1, p2, diff);
            games.push(HeadToHeadGame {
                match_id: m.id,
                number: index as u8 + 1,
                played_at: m.played_at,
                player1_points: p1,
                player2_points: p2,
                diff,
            });
        }
    }

    let recent_rows = &rows[rows.len().saturating_sub(RECENT_MATCHES)..];
    let recent_wins = recent_rows.iter().filter(|r| r.player1_won).count() as u32;
    let recent = RecentForm {
        player1_wins: recent_wins,
        player2_wins: recent_rows.len() as u32 - recent_wins,
        total: recent_rows.len() as u32,
    };
    let running_avg = margins
        .iter()
        .scan(0i64, |sum, &margin| {
            *sum += i64::from(margin);
            Some(*sum)
        })
        .enumerate()
        .map(|(index, sum)| round2(sum as f64 / (index + 1) as f64))
        .collect();
    rows.reverse();
    let (doubles_together, doubles_against) = doubles_counts(matches, player1, player2);

    let total_matches = set.len() as u32;
    let total_games = games.len() as u32;
    let [p1_match_wins, p2_match_wins] = h2h.match_wins;
    let [p1_game_wins, p2_game_wins] = h2h.game_wins;
    Ok(HeadToHead {
        player1,
        player2,
        has_data: total_matches > 0,
        total_matches,
        total_games,
        player1_match_wins: p1_match_wins,
        player2_match_wins: p2_match_wins,
        player1_match_win_rate: percent(p1_match_wins, total_matches),
        player2_match_win_rate: percent(p2_match_wins, total_matches),
        player1_game_wins: p1_game_wins,
        player2_game_wins: p2_game_wins,
        player1_game_win_rate: percent(p1_game_wins, total_games),
        player2_game_win_rate: percent(p2_game_wins, total_games),
        close_games: h2h.close_games,
        player1_dominant_games: h2h.dominant_games[0],
        player2_dominant_games: h2h.dominant_games[1],
        avg_point_diff: ratio(h2h.abs_diff_sum, total_games),
        player1_max_margin: h2h.max_margin[0],
        player2_max_margin: h2h.max_margin[1],
        player1_avg_points: ratio(h2h.points[0], total_games),
        player2_avg_points: ratio(h2h.points[1], total_games),
        recent,
        match_margins: margins,
        match_margin_running_avg: running_avg,
        games,
        matches: rows,
        doubles_together,
        doubles_against,
    })
}

/// Win probabilities of player1 against player2 from their current ratings:
/// [`elo::win_probability`] of two one-player sides (§3.6), oriented to player1. Computed at
/// request time, never cached.
#[must_use]
pub fn win_probability(player1_rating: i32, player2_rating: i32) -> WinProbability {
    // Half-to-even rounding (elo) with 100 even keeps (B, A) the mirror of (A, B) when
    // 100 × E ends in .5.
    elo::win_probability(&[player1_rating], &[player2_rating]).into()
}

/// Sums over the games, indexed [player1, player2].
#[derive(Default)]
struct Tallies {
    match_wins: [u32; 2],
    game_wins: [u32; 2],
    dominant_games: [u32; 2],
    max_margin: [u32; 2],
    points: [u64; 2],
    close_games: u32,
    abs_diff_sum: u64,
}

impl Tallies {
    fn add_game(&mut self, p1: u16, p2: u16, diff: i32) {
        let winner = usize::from(diff < 0);
        let margin = diff.unsigned_abs();
        self.game_wins[winner] += 1;
        self.max_margin[winner] = self.max_margin[winner].max(margin);
        if margin >= 5 {
            self.dominant_games[winner] += 1;
        }
        if margin <= 2 {
            self.close_games += 1;
        }
        self.abs_diff_sum += u64::from(margin);
        self.points[0] += u64::from(p1);
        self.points[1] += u64::from(p2);
    }
}

/// Player1's side when `m` is a complete singles match of exactly these two.
fn singles_side(m: &MatchRecord, player1: PlayerId, player2: PlayerId) -> Option<Side> {
    if m.kind != MatchKind::Singles || m.side1.len() != 1 || m.side2.len() != 1 {
        return None;
    }
    m.winner()?;
    let side = m.side_of(player1)?;
    (m.players(side.other()) == [player2]).then_some(side)
}

fn doubles_counts(matches: &[MatchRecord], a: PlayerId, b: PlayerId) -> (u32, u32) {
    let (mut together, mut against) = (0, 0);
    for m in matches {
        if m.kind != MatchKind::Doubles || m.winner().is_none() {
            continue;
        }
        match (m.side_of(a), m.side_of(b)) {
            (Some(x), Some(y)) if x == y => together += 1,
            (Some(_), Some(_)) => against += 1,
            _ => {}
        }
    }
    (together, against)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::test_matches::{at, record, unfinished};

    const A: PlayerId = PlayerId(1);
    const B: PlayerId = PlayerId(2);

    /// What h2h(B, A) must be, given h2h(A, B).
    fn mirror(h: &HeadToHead) -> HeadToHead {
        HeadToHead {
            player1: h.player2,
            player2: h.player1,
            has_data: h.has_data,
            total_matches: h.total_matches,
            total_games: h.total_games,
            player1_match_wins: h.player2_match_wins,
            player2_match_wins: h.player1_match_wins,
            player1_match_win_rate: h.player2_match_win_rate,
            player2_match_win_rate: h.player1_match_win_rate,
            player1_game_wins: h.player2_game_wins,
            player2_game_wins: h.player1_game_wins,
            player1_game_win_rate: h.player2_game_win_rate,
            player2_game_win_rate: h.player1_game_win_rate,
            close_games: h.close_games,
            player1_dominant_games: h.player2_dominant_games,
            player2_dominant_games: h.player1_dominant_games,
            avg_point_diff: h.avg_point_diff,
            player1_max_margin: h.player2_max_margin,
            player2_max_margin: h.player1_max_margin,
            player1_avg_points: h.player2_avg_points,
            player2_avg_points: h.player1_avg_points,
            recent: RecentForm {
                player1_wins: h.recent.player2_wins,
                player2_wins: h.recent.player1_wins,
                total: h.recent.total,
            },
            match_margins: h.match_margins.iter().map(|m| -m).collect(),
            match_margin_running_avg: h.match_margin_running_avg.iter().map(|m| -m).collect(),
            games: h
                .games
                .iter()
                .map(|g| HeadToHeadGame {
                    player1_points: g.player2_points,
                    player2_points: g.player1_points,
                    diff: -g.diff,
                    ..*g
                })
                .collect(),
            matches: h
                .matches
                .iter()
                .map(|m| HeadToHeadMatch {
                    player1_games: m.player2_games,
                    player2_games: m.player1_games,
                    player1_won: !m.player1_won,
                    ..*m
                })
                .collect(),
            doubles_together: h.doubles_together,
            doubles_against: h.doubles_against,
        }
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
    }

    /// A beats B 3-1 (A on side 1), B beats A 3-0 (A on side 2), A beats B 3-2 (A on side 2).
    fn three_matches() -> Vec<MatchRecord> {
        vec![
            // Given out of order on purpose.
            record(12, &[2], &[1], &[(11, 5), (11, 9), (12, 10)], 20),
            record(11, &[1], &[2], &[(11, 9), (5, 11), (11, 0), (13, 11)], 10),
            record(
                13,
                &[2],
                &[1],
                &[(11, 7), (9, 11), (11, 4), (10, 12), (9, 11)],
                30,
            ),
        ]
    }

    #[test]
    fn the_same_player_twice_is_refused() {
        assert_eq!(
            head_to_head(A, A, &[]),
            Err(DomainError::PlayersNotDistinct)
        );
    }

    #[test]
    fn every_value_is_oriented_to_player1() {
        let h = head_to_head(A, B, &three_matches()).unwrap();
        assert!(h.has_data);
        assert_eq!((h.player1, h.player2), (A, B));
        assert_eq!((h.total_matches, h.total_games), (3, 12));
        assert_eq!((h.player1_match_wins, h.player2_match_wins), (2, 1));
        assert_close(h.player1_match_win_rate, 66.67);
        assert_close(h.player2_match_win_rate, 33.33);
        assert_eq!((h.player1_game_wins, h.player2_game_wins), (6, 6));
        assert_close(h.player1_game_win_rate, 50.0);
        let diffs: Vec<i32> = h.games.iter().map(|g| g.diff).collect();
        assert_eq!(diffs, vec![2, -6, 11, 2, -6, -2, -2, -4, 2, -7, 2, 2]);
        assert_eq!(h.close_games, 7);
        assert_eq!((h.player1_dominant_games, h.player2_dominant_games), (1, 3));
        assert_close(h.avg_point_diff, 48.0 / 12.0);
        assert_eq!((h.player1_max_margin, h.player2_max_margin), (11, 7));
        let p1_points: u32 = h.games.iter().map(|g| u32::from(g.player1_points)).sum();
        let p2_points: u32 = h.games.iter().map(|g| u32::from(g.player2_points)).sum();
        assert_eq!((p1_points, p2_points), (109, 115));
        assert_close(h.player1_avg_points, 9.08);
        assert_close(h.player2_avg_points, 9.58);
        assert_eq!(h.match_margins, vec![2, -3, 1]);
        assert_eq!(h.match_margin_running_avg, vec![2.0, -0.5, 0.0]);
        assert_eq!(
            h.recent,
            RecentForm {
                player1_wins: 2,
                player2_wins: 1,
                total: 3
            }
        );
        let newest_first: Vec<(i64, u8, u8, bool)> = h
            .matches
            .iter()
            .map(|m| {
                (
                    m.match_id.0,
                    m.player1_games,
                    m.player2_games,
                    m.player1_won,
                )
            })
            .collect();
        assert_eq!(
            newest_first,
            vec![(13, 3, 2, true), (12, 0, 3, false), (11, 3, 1, true)]
        );
        let first = h.games[0];
        assert_eq!(
            (first.match_id, first.number, first.played_at),
            (MatchId(11), 1, at(10))
        );
        assert_eq!((h.games[4].match_id, h.games[4].number), (MatchId(12), 1));
    }

    #[test]
    fn reversing_the_pair_gives_the_exact_mirror_with_signed_margins() {
        let matches = three_matches();
        let ab = head_to_head(A, B, &matches).unwrap();
        let ba = head_to_head(B, A, &matches).unwrap();
        assert_eq!(ba, mirror(&ab));
        assert_eq!(ba.match_margins, vec![-2, 3, -1]);
        assert!(ba.match_margins.iter().any(|m| *m < 0));
        assert_eq!((ba.player1_max_margin, ba.player2_max_margin), (7, 11));
    }

    #[test]
    fn the_input_order_does_not_matter_and_play_order_breaks_ties() {
        let mut matches = three_matches();
        // Same instant as match 11, recorded later: it comes after 11.
        let mut late = record(9, &[1], &[2], &[(11, 3)], 10);
        late.created_at = at(11);
        matches.push(late);
        let h = head_to_head(A, B, &matches).unwrap();
        matches.reverse();
        assert_eq!(head_to_head(A, B, &matches).unwrap(), h);
        let order: Vec<i64> = h.matches.iter().rev().map(|m| m.match_id.0).collect();
        assert_eq!(order, vec![11, 9, 12, 13]);
    }

    #[test]
    fn only_complete_singles_between_the_two_count() {
        let matches = vec![
            record(1, &[1], &[2], &[(11, 3)], 0),
            record(2, &[1], &[3], &[(11, 3)], 1),
            record(3, &[1, 2], &[3, 4], &[(11, 3)], 2),
            record(4, &[1, 3], &[2, 4], &[(11, 3)], 3),
            record(5, &[4, 2], &[3, 1], &[(3, 11)], 4),
            unfinished(6, &[1], &[2], &[(11, 3)], 5),
            unfinished(7, &[1, 2], &[3, 4], &[(11, 3)], 6),
        ];
        let h = head_to_head(A, B, &matches).unwrap();
        assert_eq!(h.total_matches, 1);
        assert_eq!((h.doubles_together, h.doubles_against), (1, 2));
        let ba = head_to_head(B, A, &matches).unwrap();
        assert_eq!((ba.doubles_together, ba.doubles_against), (1, 2));
    }

    #[test]
    fn without_matches_everything_is_zero() {
        let h = head_to_head(A, B, &[record(1, &[1], &[3], &[(11, 3)], 0)]).unwrap();
        assert!(!h.has_data);
        assert_eq!(h.total_matches, 0);
        assert_close(h.player1_match_win_rate, 0.0);
        assert_close(h.avg_point_diff, 0.0);
        assert_close(h.player2_avg_points, 0.0);
        assert_eq!((h.player1_max_margin, h.player2_max_margin), (0, 0));
        assert_eq!(h.recent.total, 0);
        assert!(h.games.is_empty() && h.matches.is_empty() && h.match_margins.is_empty());
    }

    #[test]
    fn recent_form_covers_the_newest_five_matches() {
        // A wins the two oldest, then loses five in a row.
        let matches: Vec<MatchRecord> = (0..7)
            .map(|i| {
                let score = if i < 2 { (11, 4) } else { (4, 11) };
                record(i + 1, &[1], &[2], &[score], i)
            })
            .collect();
        let h = head_to_head(A, B, &matches).unwrap();
        assert_eq!(
            h.recent,
            RecentForm {
                player1_wins: 0,
                player2_wins: 5,
                total: 5
            }
        );
        assert_eq!((h.player1_match_wins, h.player2_match_wins), (2, 5));
    }

    #[test]
    fn win_probability_uses_the_expected_score_and_sums_to_100() {
        assert_eq!(
            win_probability(1500, 1500),
            WinProbability {
                player1: 50,
                player2: 50
            }
        );
        // E = 1 / (1 + 10^-0.5) = 0.7597
        assert_eq!(
            win_probability(1600, 1400),
            WinProbability {
                player1: 76,
                player2: 24
            }
        );
        assert_eq!(
            win_probability(1400, 1600),
            WinProbability {
                player1: 24,
                player2: 76
            }
        );
        assert_eq!(
            WinProbability::from(elo::win_probability(&[1600, 1400], &[1500, 1500])),
            WinProbability {
                player1: 50,
                player2: 50
            }
        );
        assert_eq!(
            WinProbability::from(elo::win_probability(&[], &[1800])),
            WinProbability {
                player1: 50,
                player2: 50
            }
        );
    }

    fn any_game(winner_is_side1: bool) -> impl Strategy<Value = (i64, i64)> {
        prop_oneof![
            (0i64..=9).prop_map(|lo| (11, lo)),
            (10i64..20).prop_map(|lo| (lo + 2, lo)),
        ]
        .prop_map(move |(w, l)| if winner_is_side1 { (w, l) } else { (l, w) })
    }

    /// side1, side2, `best_of`, game scores, played minute, created delay.
    type MatchSpec = (Vec<i64>, Vec<i64>, i64, Vec<(i64, i64)>, i64, i64);

    /// A complete singles or doubles match among players 1–4, possibly between A and B.
    fn any_match() -> impl Strategy<Value = MatchSpec> {
        let sides = prop_oneof![
            4 => Just((vec![1], vec![2])),
            4 => Just((vec![2], vec![1])),
            1 => Just((vec![1], vec![3])),
            1 => Just((vec![3], vec![2])),
            1 => Just((vec![1, 2], vec![3, 4])),
            1 => Just((vec![1, 3], vec![4, 2])),
        ];
        let best_of = prop::sample::select(vec![1i64, 3, 5, 7, 9]);
        let winners = prop::collection::vec(any::<bool>(), 9);
        (sides, best_of, winners, 0i64..20, 0i64..3).prop_flat_map(
            |((side1, side2), best_of, winners, played, created)| {
                let needed = best_of / 2 + 1;
                let (mut s1, mut s2, mut used) = (0, 0, vec![]);
                for w in winners {
                    if s1 == needed || s2 == needed {
                        break;
                    }
                    if w {
                        s1 += 1;
                    } else {
                        s2 += 1;
                    }
                    used.push(w);
                }
                let games: Vec<_> = used.into_iter().map(any_game).collect();
                (
                    Just(side1),
                    Just(side2),
                    Just(best_of),
                    games,
                    Just(played),
                    Just(created),
                )
            },
        )
    }

    proptest! {
        #[test]
        fn head_to_head_b_a_is_the_mirror_of_a_b(
            specs in prop::collection::vec(any_match(), 0..25),
            unfinished_one in any::<bool>(),
        ) {
            let mut matches: Vec<MatchRecord> = specs
                .into_iter()
                .enumerate()
                .map(|(i, (s1, s2, best_of, games, played, created))| {
                    let mut m = record(i as i64 + 1, &s1, &s2, &games, played);
                    m.best_of = BestOf::new(best_of).unwrap();
                    m.created_at = at(played + created);
                    m
                })
                .collect();
            if unfinished_one {
                matches.push(unfinished(999, &[1], &[2], &[(11, 3)], 5));
            }
            let ab = head_to_head(A, B, &matches).unwrap();
            let ba = head_to_head(B, A, &matches).unwrap();
            prop_assert_eq!(&ba, &mirror(&ab));
            prop_assert_eq!(ab.player1_match_wins + ab.player2_match_wins, ab.total_matches);
            prop_assert_eq!(ab.player1_game_wins + ab.player2_game_wins, ab.total_games);
            prop_assert_eq!(ab.match_margins.len(), ab.total_matches as usize);
            for (margin, row) in ab.match_margins.iter().zip(ab.matches.iter().rev()) {
                prop_assert_eq!(*margin > 0, row.player1_won);
            }
        }
    }
}
