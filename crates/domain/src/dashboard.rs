//! The dashboard's selections: recent club matches, *Waiting on you*, *Rivalries*, and the
//! pending and rank badges (DOMAIN.md §3.12).

use std::cmp::Reverse;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::leaderboard::badge_rank as rank;
use crate::player::PlayerDirectory;
use crate::record::MatchRecord;
use crate::streaks::newest_first;
use crate::{MatchId, PlayerId};

/// Confirmed matches in the club part.
pub const RECENT_CLUB_MATCHES: usize = 5;
/// Items shown under *Waiting on you*.
pub const MAX_WAITING: usize = 4;
/// Rivalries shown.
pub const MAX_RIVALRIES: usize = 3;
/// The user's most recent confirmed matches that rivalries are drawn from.
pub const RIVALRY_WINDOW: usize = 40;

/// A complete, unconfirmed match the user plays in, as *Waiting on you* receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingCandidate {
    /// The match (complete, not confirmed).
    pub record: MatchRecord,
    /// The user's own confirmation is still required.
    pub awaiting_own_confirmation: bool,
    /// The user's Δ if the match were confirmed now.
    pub projected_delta: i32,
}

/// One match under *Waiting on you*, seen from the user's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingItem {
    /// The match.
    pub match_id: MatchId,
    /// The opposing side's label.
    pub opponent_label: String,
    /// Games of the user's side (shown first).
    pub own_games: u8,
    /// Games of the opposing side.
    pub opponent_games: u8,
    /// The user's side won.
    pub won: bool,
    /// The user's projected Δ.
    pub projected_delta: i32,
    /// When it was played.
    pub played_at: DateTime<Utc>,
}

/// *Waiting on you* and the pending badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingOnYou {
    /// At most [`MAX_WAITING`] matches, newest first.
    pub items: Vec<WaitingItem>,
    /// Every match awaiting the user's own confirmation (the `pending_confirmations` badge).
    pub pending_confirmations: u32,
}

/// The user's record against one opponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rivalry {
    /// The opponent.
    pub opponent: PlayerId,
    /// Matches the user won against them.
    pub wins: u32,
    /// Matches the user lost against them.
    pub losses: u32,
    /// wins + losses.
    pub played: u32,
    /// When they last met.
    pub last_played: DateTime<Utc>,
    /// The match they last met in.
    pub last_match_id: MatchId,
    /// wins > losses.
    pub leading: bool,
    /// The opponent's rating − the user's.
    pub elo_gap: i32,
}

/// The [`RECENT_CLUB_MATCHES`] newest complete matches by play order (input: confirmed
/// matches, any order).
#[must_use]
pub fn recent_club_matches(matches: &[MatchRecord]) -> Vec<&MatchRecord> {
    newest_first(matches.iter().filter(|m| m.winner().is_some()))
        .into_iter()
        .take(RECENT_CLUB_MATCHES)
        .collect()
}

/// *Waiting on you* for `player`: candidates awaiting the user's own confirmation, newest
/// first, at most [`MAX_WAITING`], and their uncapped count. Players missing from `names` are
/// left out of the opponent labels.
#[must_use]
pub fn waiting_on_you(
    player: PlayerId,
    candidates: &[PendingCandidate],
    names: &PlayerDirectory,
) -> WaitingOnYou {
    let mut awaiting: Vec<&PendingCandidate> = candidates
        .iter()
        .filter(|c| {
            c.awaiting_own_confirmation
                && c.record.winner().is_some()
                && c.record.side_of(player).is_some()
        })
        .collect();
    awaiting.sort_by_key(|c| Reverse(c.record.play_order_key()));
    let items = awaiting
        .iter()
        .take(MAX_WAITING)
        .filter_map(|c| {
            let m = &c.record;
            let side = m.side_of(player)?;
            let tally = m.tally();
            Some(WaitingItem {
                match_id: m.id,
                opponent_label: names.side_label(side.other(), m.players(side.other())),
                own_games: tally.games(side),
                opponent_games: tally.games(side.other()),
                won: tally.winner == Some(side),
                projected_delta: c.projected_delta,
                played_at: m.played_at,
            })
        })
        .collect();
    WaitingOnYou {
        items,
        pending_confirmations: awaiting.len() as u32,
    }
}

/// *Rivalries* of `player` from their [`RIVALRY_WINDOW`] most recent complete matches (input:
/// confirmed matches, any order): one row per opponent, doubles opponents individually, most
/// recently played first (then opponent id, descending), at most [`MAX_RIVALRIES`].
/// `rating_of` gives current ratings.
#[must_use]
pub fn rivalries(
    player: PlayerId,
    matches: &[MatchRecord],
    rating_of: impl Fn(PlayerId) -> i32,
) -> Vec<Rivalry> {
    let own = newest_first(
        matches
            .iter()
            .filter(|m| m.winner().is_some() && m.side_of(player).is_some()),
    );
    // (row, play-order key of the last meeting); matches arrive newest first, so the first
    // meeting seen is the last one played.
    let mut rows: Vec<(Rivalry, _)> = Vec::new();
    for m in own.into_iter().take(RIVALRY_WINDOW) {
        let Some(side) = m.side_of(player) else {
            continue;
        };
        let won = m.winner() == Some(side);
        for &opponent in m.players(side.other()) {
            let index = rows
                .iter()
                .position(|(r, _)| r.opponent == opponent)
                .unwrap_or_else(|| {
                    rows.push((
                        Rivalry {
                            opponent,
                            wins: 0,
                            losses: 0,
                            played: 0,
                            last_played: m.played_at,
                            last_match_id: m.id,
                            leading: false,
                            elo_gap: rating_of(opponent) - rating_of(player),
                        },
                        m.play_order_key(),
                    ));
                    rows.len() - 1
                });
            let row = &mut rows[index].0;
            row.played += 1;
            if won {
                row.wins += 1;
            } else {
                row.losses += 1;
            }
            row.leading = row.wins > row.losses;
        }
    }
    rows.sort_by_key(|(r, key)| Reverse((*key, r.opponent)));
    rows.into_iter()
        .take(MAX_RIVALRIES)
        .map(|(r, _)| r)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::player::PlayerName;
    use crate::test_matches::{at, record, unfinished};

    const ME: PlayerId = PlayerId(1);
    const WIN: &[(i64, i64)] = &[(11, 3), (11, 3), (11, 3)];
    const LOSS: &[(i64, i64)] = &[(3, 11), (11, 3), (3, 11), (3, 11)];

    fn ids(matches: &[&MatchRecord]) -> Vec<i64> {
        matches.iter().map(|m| m.id.0).collect()
    }

    fn name(id: i64, name: &str, nickname: &str) -> PlayerName {
        PlayerName::new(PlayerId(id), name, nickname)
    }

    #[test]
    fn the_club_sees_the_five_newest_matches_in_play_order() {
        let mut matches: Vec<MatchRecord> = (1..=7)
            .map(|i| record(i, &[1], &[2], WIN, i * 10))
            .collect();
        // Played at the same instant as match 7 but recorded later, and an even later id with
        // the same timestamps: play order is played_at, created_at, id.
        let mut later = record(8, &[1], &[2], WIN, 70);
        later.created_at = at(71);
        let mut same = record(3, &[1], &[2], WIN, 70);
        same.id = MatchId(9);
        matches.push(later);
        matches.push(same);
        matches.push(unfinished(10, &[1], &[2], &[(11, 3)], 99));
        assert_eq!(ids(&recent_club_matches(&matches)), vec![8, 9, 7, 6, 5]);
    }

    #[test]
    fn waiting_on_you_shows_four_newest_and_counts_all() {
        let names = PlayerDirectory::new([
            name(2, "Bea", ""),
            name(3, "Zed", "Z"),
            name(4, "Amy", ""),
            name(5, "Cal", ""),
        ]);
        let candidate = |m: MatchRecord, awaiting: bool, delta: i32| PendingCandidate {
            record: m,
            awaiting_own_confirmation: awaiting,
            projected_delta: delta,
        };
        let candidates = vec![
            candidate(record(1, &[1], &[2], WIN, 1), true, 14),
            // I am side 2 and lost: own score first.
            candidate(record(2, &[3, 4], &[5, 1], WIN, 6), true, -16),
            candidate(record(3, &[2], &[1], LOSS, 3), true, 20),
            candidate(record(4, &[1], &[2], WIN, 4), false, 9),
            candidate(record(5, &[1], &[5], WIN, 5), true, 5),
            candidate(record(6, &[1], &[2], WIN, 2), true, 7),
            candidate(record(7, &[3], &[2], WIN, 9), true, 1),
            candidate(unfinished(8, &[1], &[2], &[(11, 3)], 10), true, 0),
        ];
        let waiting = waiting_on_you(ME, &candidates, &names);
        assert_eq!(waiting.pending_confirmations, 5);
        let shown: Vec<(i64, &str, u8, u8, bool, i32)> = waiting
            .items
            .iter()
            .map(|w| {
                (
                    w.match_id.0,
                    w.opponent_label.as_str(),
                    w.own_games,
                    w.opponent_games,
                    w.won,
                    w.projected_delta,
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                (2, "Amy and Z", 0, 3, false, -16),
                (5, "Cal", 3, 0, true, 5),
                (3, "Bea", 3, 1, true, 20),
                (6, "Bea", 3, 0, true, 7),
            ]
        );
        assert_eq!(waiting.items[0].played_at, at(6));
    }

    #[test]
    fn nothing_waiting_means_no_badge() {
        let waiting = waiting_on_you(ME, &[], &PlayerDirectory::default());
        assert_eq!(waiting.pending_confirmations, 0);
        assert!(waiting.items.is_empty());
    }

    #[test]
    fn rivalries_count_each_doubles_opponent_and_show_the_most_recent_three() {
        let ratings: HashMap<PlayerId, i32> = [
            (1, 1500),
            (2, 1550),
            (3, 1420),
            (4, 1600),
            (5, 1500),
            (6, 1480),
        ]
        .into_iter()
        .map(|(p, r)| (PlayerId(p), r))
        .collect();
        let matches = vec![
            record(1, &[1], &[2], WIN, 1),
            record(2, &[2], &[1], LOSS, 2),
            record(3, &[1], &[2], LOSS, 3),
            record(4, &[1, 5], &[3, 4], WIN, 4),
            record(5, &[6], &[1], WIN, 0),
            record(6, &[2, 3], &[4, 5], WIN, 9),
            unfinished(7, &[1], &[6], &[(11, 3)], 20),
        ];
        let rows = rivalries(ME, &matches, |p| ratings[&p]);
        let shown: Vec<(i64, u32, u32, u32, bool, i32, i64)> = rows
            .iter()
            .map(|r| {
                (
                    r.opponent.0,
                    r.wins,
                    r.losses,
                    r.played,
                    r.leading,
                    r.elo_gap,
                    r.last_match_id.0,
                )
            })
            .collect();
        // Players 3 and 4 last met me in the same match: the higher id first.
        assert_eq!(
            shown,
            vec![
                (4, 1, 0, 1, true, 100, 4),
                (3, 1, 0, 1, true, -80, 4),
                (2, 2, 1, 3, true, 50, 3),
            ]
        );
        assert_eq!(rows[2].last_played, at(3));
    }

    #[test]
    fn rivalries_use_only_the_forty_most_recent_matches() {
        let mut matches: Vec<MatchRecord> = (0..40)
            .map(|i| record(i + 100, &[1], &[2], LOSS, i + 100))
            .collect();
        matches.push(record(1, &[1], &[3], WIN, 0));
        let rows = rivalries(ME, &matches, |_| 1500);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].opponent, rows[0].losses, rows[0].leading),
            (PlayerId(2), 40, false)
        );
    }

    #[test]
    fn rank_counts_strictly_higher_ratings() {
        assert_eq!(rank(1500, [1600, 1500, 1500, 1400]), 2);
        assert_eq!(rank(1700, []), 1);
    }
}
