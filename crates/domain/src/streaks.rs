//! Result sequences and streaks (DOMAIN.md §3.7).
//!
//! A player's confirmed matches are read **newest first** (`played_at` desc, `created_at` desc,
//! id desc); the current streak is the run that starts at the newest match, never the oldest.
//! [`streaks`] works on any sequence of results, so pair statistics (§3.11) and the win-streak
//! achievement (§3.14) reuse it.

use serde::{Deserialize, Serialize};

use crate::PlayerId;
use crate::record::MatchRecord;

/// The kind of a streak: a run of wins, a run of losses, or nothing (no matches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreakKind {
    /// A run of wins.
    Win,
    /// A run of losses.
    Loss,
    /// No matches yet.
    None,
}

/// A run of equal results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Streak {
    /// Wins, losses, or none.
    pub kind: StreakKind,
    /// How many matches in a row; 0 exactly when `kind` is none.
    pub length: u32,
}

impl Streak {
    /// `{none, 0}`: the streak of a player without matches.
    pub const NONE: Self = Self {
        kind: StreakKind::None,
        length: 0,
    };
}

/// The streaks of one result sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Streaks {
    /// The run starting at the newest match.
    pub current: Streak,
    /// The longest run of wins anywhere in the sequence.
    pub longest_win: u32,
    /// The longest run of losses anywhere in the sequence.
    pub longest_loss: u32,
}

impl Streaks {
    /// No results yet: current streak `{none, 0}`, no runs.
    pub const EMPTY: Self = Self {
        current: Streak::NONE,
        longest_win: 0,
        longest_loss: 0,
    };

    /// The streaks once one more result, newer than all the others, is added (`true` = win).
    ///
    /// The one place the §3.7 rule lives: [`streaks`] folds a whole sequence through it, and
    /// callers that walk matches oldest first (the win-streak achievement, §3.14) step with it.
    #[must_use]
    pub fn then(self, won: bool) -> Self {
        let kind = if won {
            StreakKind::Win
        } else {
            StreakKind::Loss
        };
        let length = if self.current.kind == kind {
            self.current.length + 1
        } else {
            1
        };
        let (mut longest_win, mut longest_loss) = (self.longest_win, self.longest_loss);
        if won {
            longest_win = longest_win.max(length);
        } else {
            longest_loss = longest_loss.max(length);
        }
        Self {
            current: Streak { kind, length },
            longest_win,
            longest_loss,
        }
    }

    /// The length of the current run when it is a run of wins, else 0.
    #[must_use]
    pub fn current_wins(&self) -> u32 {
        if self.current.kind == StreakKind::Win {
            self.current.length
        } else {
            0
        }
    }
}

impl Default for Streaks {
    /// [`Streaks::EMPTY`].
    fn default() -> Self {
        Self::EMPTY
    }
}

/// Streaks of a result sequence given **newest first** (`true` = win).
#[must_use]
pub fn streaks(results_newest_first: impl IntoIterator<Item = bool>) -> Streaks {
    let results: Vec<bool> = results_newest_first.into_iter().collect();
    streaks_oldest_first(results.into_iter().rev())
}

/// Streaks of a result sequence given **oldest first** (`true` = win), as play order yields it.
#[must_use]
pub fn streaks_oldest_first(results_oldest_first: impl IntoIterator<Item = bool>) -> Streaks {
    results_oldest_first
        .into_iter()
        .fold(Streaks::EMPTY, Streaks::then)
}

/// The matches sorted newest first: `played_at` desc, `created_at` desc, id desc.
#[must_use]
pub fn newest_first<'a>(
    matches: impl IntoIterator<Item = &'a MatchRecord>,
) -> Vec<&'a MatchRecord> {
    let mut sorted: Vec<&MatchRecord> = matches.into_iter().collect();
    sorted.sort_by_key(|m| std::cmp::Reverse(m.play_order_key()));
    sorted
}

/// The complete matches `player` played, newest first, each with whether they won. Matches
/// they did not play and unfinished matches (never a win or a loss) are left out.
#[must_use]
pub fn player_results(matches: &[MatchRecord], player: PlayerId) -> Vec<(&MatchRecord, bool)> {
    newest_first(matches)
        .into_iter()
        .filter_map(|m| Some((m, m.won_by(player)?)))
        .collect()
}

/// The streaks of `player` over their complete matches among `matches` (any order).
#[must_use]
pub fn player_streaks(matches: &[MatchRecord], player: PlayerId) -> Streaks {
    streaks(
        player_results(matches, player)
            .into_iter()
            .map(|(_, won)| won),
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::math::win_rate;
    use crate::test_matches::{at_hours, example_3, singles};

    fn results(s: &str) -> Vec<bool> {
        s.chars().map(|c| c == 'W').collect()
    }

    fn oldest_to_newest(s: &str) -> Streaks {
        let mut r = results(s);
        r.reverse();
        streaks(r)
    }

    #[test]
    fn no_matches_is_no_streak() {
        assert_eq!(
            streaks([]),
            Streaks {
                current: Streak::NONE,
                longest_win: 0,
                longest_loss: 0
            }
        );
    }

    #[test]
    fn example_3_loss_then_two_wins() {
        let s = player_streaks(&example_3(), PlayerId(1));
        assert_eq!(
            s.current,
            Streak {
                kind: StreakKind::Win,
                length: 2
            }
        );
        assert_eq!((s.longest_win, s.longest_loss), (2, 1));
        let rate = win_rate(2, 3);
        assert!((rate - 66.67).abs() < 0.005, "win rate 66.67, got {rate}");
    }

    #[test]
    fn the_current_streak_starts_at_the_newest_match_not_the_oldest() {
        // The trap of §3.0: oldest → newest W, W, W, L. A scan from the oldest end would say
        // "win 3"; the player has just lost.
        let s = oldest_to_newest("WWWL");
        assert_eq!(
            s.current,
            Streak {
                kind: StreakKind::Loss,
                length: 1
            }
        );
        assert_eq!((s.longest_win, s.longest_loss), (3, 1));

        // Same through match records handed over oldest first and shuffled.
        let matches = vec![
            singles(3, 2, true),
            singles(4, 3, false),
            singles(1, 0, true),
            singles(2, 1, true),
        ];
        assert_eq!(player_streaks(&matches, PlayerId(1)).current, s.current);
        // Player 2 sees the mirror.
        assert_eq!(
            player_streaks(&matches, PlayerId(2)).current,
            Streak {
                kind: StreakKind::Win,
                length: 1
            }
        );
    }

    #[test]
    fn ties_in_played_at_fall_back_to_created_at_then_id() {
        let mut lost_later_created = singles(1, 5, false);
        lost_later_created.created_at = at_hours(6);
        let won = singles(2, 5, true);
        let s = player_streaks(&[won.clone(), lost_later_created], PlayerId(1));
        assert_eq!(s.current.kind, StreakKind::Loss);

        // Same played_at and created_at: the higher id is newer.
        let lost_lower_id = singles(1, 5, false);
        let s = player_streaks(&[lost_lower_id, won], PlayerId(1));
        assert_eq!(s.current.kind, StreakKind::Win);
    }

    #[test]
    fn longest_runs_scan_the_whole_sequence() {
        let s = oldest_to_newest("LLLWWLWWWWLW");
        assert_eq!(
            s.current,
            Streak {
                kind: StreakKind::Win,
                length: 1
            }
        );
        assert_eq!((s.longest_win, s.longest_loss), (4, 3));
    }

    #[test]
    fn unfinished_matches_and_other_players_matches_are_ignored() {
        let mut unfinished = singles(9, 10, false);
        unfinished.games.truncate(1); // 7-11 only: no winner in a best of 3
        let matches = vec![singles(1, 0, true), unfinished];
        let s = player_streaks(&matches, PlayerId(1));
        assert_eq!(
            s.current,
            Streak {
                kind: StreakKind::Win,
                length: 1
            }
        );
        assert_eq!(player_streaks(&matches, PlayerId(3)).current, Streak::NONE);
    }

    #[test]
    fn the_current_streak_starts_at_the_newest_result() {
        // Pair statistics (§3.11) hand their results over oldest first, as play order yields
        // them.
        let runs = |oldest_first: &[bool]| {
            let s = streaks_oldest_first(oldest_first.iter().copied());
            (s.current, s.longest_win, s.longest_loss)
        };
        // Example 3 of §3.7: L, W, W.
        let (current, longest_win, longest_loss) = runs(&[false, true, true]);
        assert_eq!(
            current,
            Streak {
                kind: StreakKind::Win,
                length: 2
            }
        );
        assert_eq!((longest_win, longest_loss), (2, 1));
        // The oldest run is the longest, but the current one is the newest.
        let (current, longest_win, _) = runs(&[true, true, true, false]);
        assert_eq!(
            current,
            Streak {
                kind: StreakKind::Loss,
                length: 1
            }
        );
        assert_eq!(longest_win, 3);
    }

    #[test]
    fn each_newer_result_extends_or_restarts_the_current_run() {
        let s = Streaks::EMPTY.then(true).then(true);
        assert_eq!(s.current_wins(), 2);
        let s = s.then(false);
        assert_eq!(
            (s.current, s.current_wins(), s.longest_win, s.longest_loss),
            (
                Streak {
                    kind: StreakKind::Loss,
                    length: 1
                },
                0,
                2,
                1
            )
        );
        assert_eq!(s.then(true).current_wins(), 1);
        assert_eq!(Streaks::default(), Streaks::EMPTY);
        assert_eq!(Streaks::EMPTY.current_wins(), 0);
    }

    #[test]
    fn streak_kinds_serialize_as_lowercase_words() {
        let json =
            serde_json::to_string(&[StreakKind::Win, StreakKind::Loss, StreakKind::None]).unwrap();
        assert_eq!(json, r#"["win","loss","none"]"#);
    }

    proptest! {
        #[test]
        fn the_current_streak_is_the_leading_run_and_bounded_by_the_longest(
            results in prop::collection::vec(any::<bool>(), 0..40)
        ) {
            let s = streaks(results.iter().copied());
            match results.first() {
                None => prop_assert_eq!(s.current, Streak::NONE),
                Some(&first) => {
                    let lead = results.iter().take_while(|&&r| r == first).count() as u32;
                    prop_assert_eq!(s.current.length, lead);
                    if first {
                        prop_assert_eq!(s.current.kind, StreakKind::Win);
                        prop_assert!(lead <= s.longest_win);
                    } else {
                        prop_assert_eq!(s.current.kind, StreakKind::Loss);
                        prop_assert!(lead <= s.longest_loss);
                    }
                }
            }
            let wins = results.iter().filter(|&&r| r).count() as u32;
            prop_assert!(s.longest_win <= wins);
            prop_assert!(s.longest_loss <= results.len() as u32 - wins);
        }
    }
}
