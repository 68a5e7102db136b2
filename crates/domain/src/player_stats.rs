//! Player statistics and the oriented match history (DOMAIN.md §3.9).
//!
//! Both are identical for every viewer; per-viewer flags (`can_edit`) are added by the caller.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::elo::PlayerAggregates;
use crate::leaderboard::AppliedChange;
use crate::math::win_rate;
use crate::player::{PlayerDirectory, PlayerName};
use crate::record::MatchRecord;
use crate::streaks::{Streak, Streaks, player_results, streaks};
use crate::{DomainError, MatchId, MatchKind, PlayerId, Side};

/// The per-player values the statistics pass through unchanged (the `players` row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlayerProfile {
    /// The player.
    pub id: PlayerId,
    /// Current rating.
    pub rating: i32,
    /// Highest rating reached.
    pub peak_rating: i32,
    /// Matches whose Elo update has been applied.
    pub rated_matches: u32,
    /// Linked to an active user with a verified e-mail address.
    pub verified: bool,
}

/// A player's statistics (§3.9; rating history and achievements are assembled beside them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlayerStats {
    /// The player.
    pub player_id: PlayerId,
    /// Confirmed (complete) matches played.
    pub total_matches: u32,
    /// Of those, won.
    pub wins: u32,
    /// Of those, lost: `total_matches − wins`.
    pub losses: u32,
    /// `100 × wins / total_matches`, 0 without matches.
    pub win_rate: f64,
    /// The run that starts at the newest match.
    pub current_streak: Streak,
    /// Longest run of wins.
    pub longest_win_streak: u32,
    /// Longest run of losses.
    pub longest_loss_streak: u32,
    /// Games won in those matches.
    pub games_won: u32,
    /// Games lost in those matches.
    pub games_lost: u32,
    /// Current rating.
    pub rating: i32,
    /// Highest rating reached.
    pub peak_rating: i32,
    /// Matches whose Elo update has been applied.
    pub rated_matches: u32,
    /// Whether the player is verified.
    pub verified: bool,
}

/// The statistics of `profile`'s player over `matches` (their confirmed matches, or the club's:
/// other players' matches are skipped; any order). Unfinished matches are never counted — not
/// as played, and never as a loss.
#[must_use]
pub fn player_stats(profile: &PlayerProfile, matches: &[MatchRecord]) -> PlayerStats {
    let results = player_results(matches, profile.id);
    let (mut wins, mut games_won, mut games_lost) = (0, 0, 0);
    for (m, won) in &results {
        let tally = m.tally();
        if let Some(side) = m.side_of(profile.id) {
            games_won += u32::from(tally.games(side));
            games_lost += u32::from(tally.games(side.other()));
        }
        wins += u32::from(*won);
    }
    let total_matches = results.len() as u32;
    let aggregates = PlayerAggregates {
        rating: profile.rating,
        peak_rating: profile.peak_rating,
        rated_matches: profile.rated_matches,
        confirmed_matches: total_matches,
        wins,
        losses: total_matches - wins,
        games_won,
        games_lost,
    };
    let streaks = streaks(results.iter().map(|(_, won)| *won));
    player_stats_of(profile, &aggregates, &streaks)
}

/// The statistics of `profile`'s player from the stored aggregates (`players` row: totals and
/// the streaks the write path keeps, §3.7): equal to [`player_stats`] over the player's
/// confirmed matches whenever the stored columns are in step with them.
#[must_use]
pub fn player_stats_of(
    profile: &PlayerProfile,
    aggregates: &PlayerAggregates,
    streaks: &Streaks,
) -> PlayerStats {
    let total_matches = aggregates.confirmed_matches;
    let wins = aggregates.wins.min(total_matches);
    PlayerStats {
        player_id: profile.id,
        total_matches,
        wins,
        losses: total_matches - wins,
        win_rate: win_rate(wins, total_matches),
        current_streak: streaks.current,
        longest_win_streak: streaks.longest_win,
        longest_loss_streak: streaks.longest_loss,
        games_won: aggregates.games_won,
        games_lost: aggregates.games_lost,
        rating: profile.rating,
        peak_rating: profile.peak_rating,
        rated_matches: profile.rated_matches,
        verified: profile.verified,
    }
}

/// A page request: `?page=&per_page=` (page ≥ 1, default 1; `per_page` 1–100, default 20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: Self::DEFAULT_PER_PAGE,
        }
    }
}

impl PageRequest {
    /// Items per page when none is given.
    pub const DEFAULT_PER_PAGE: u32 = 20;
    /// The largest allowed `per_page`.
    pub const MAX_PER_PAGE: u32 = 100;

    /// Validates raw query values; an empty string counts as absent. A value that is not a
    /// plain integer, page 0, or `per_page` outside 1–100 is `invalid_query_parameter`.
    pub fn from_query(page: Option<&str>, per_page: Option<&str>) -> Result<Self, DomainError> {
        let parse = |value: Option<&str>, parameter, default, max| {
            let Some(value) = value.filter(|v| !v.is_empty()) else {
                return Ok(default);
            };
            let bad = DomainError::InvalidQueryParameter { parameter };
            if !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad);
            }
            match value.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(bad),
            }
        };
        Ok(Self {
            page: parse(page, "page", 1, u32::MAX)?,
            per_page: parse(
                per_page,
                "per_page",
                Self::DEFAULT_PER_PAGE,
                Self::MAX_PER_PAGE,
            )?,
        })
    }

    /// Items to skip before this page.
    #[must_use]
    pub fn offset(&self) -> usize {
        (self.page.max(1) as usize - 1).saturating_mul(self.per_page as usize)
    }
}

/// One match of a player's history, seen from that player's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    /// The match.
    pub match_id: MatchId,
    /// When it was played.
    pub played_at: DateTime<Utc>,
    /// Singles or doubles.
    pub kind: MatchKind,
    /// The player's side.
    pub own_side: Side,
    /// Games won by the player's side.
    pub own_games: u8,
    /// Games won by the other side.
    pub opponent_games: u8,
    /// The other side's label ("A" or "A and B"; "Side N" when empty).
    pub opponent: String,
    /// The other side's players, in label order.
    pub opponent_ids: Vec<PlayerId>,
    /// The partner in doubles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<PlayerName>,
    /// Whether the player's side won.
    pub won: bool,
    /// The player's applied rating change for this match, if it was rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating_change: Option<i32>,
}

/// One page of a player's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// The items of this page, newest first; empty past the end.
    pub items: Vec<HistoryItem>,
    /// The page returned.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// All of the player's counted matches.
    pub total: u32,
}

/// `record` seen from `player`'s side; `None` when they did not play or it is unfinished.
/// Reusable wherever a match is listed for one player (head-to-head, dashboard).
#[must_use]
pub fn oriented_item(
    record: &MatchRecord,
    player: PlayerId,
    names: &PlayerDirectory,
    rating_change: Option<i32>,
) -> Option<HistoryItem> {
    let own_side = record.side_of(player)?;
    let tally = record.tally();
    let winner = tally.winner?;
    let other = own_side.other();
    let partner = match record.kind {
        MatchKind::Doubles => record
            .players(own_side)
            .iter()
            .find(|id| **id != player)
            .and_then(|id| names.get(*id))
            .cloned(),
        MatchKind::Singles => None,
    };
    Some(HistoryItem {
        match_id: record.id,
        played_at: record.played_at,
        kind: record.kind,
        own_side,
        own_games: tally.games(own_side),
        opponent_games: tally.games(other),
        opponent: names.side_label(other, record.players(other)),
        opponent_ids: names
            .side_players(record.players(other))
            .iter()
            .map(|p| p.id)
            .collect(),
        partner,
        won: own_side == winner,
        rating_change,
    })
}

/// One page of `player`'s history: their complete matches among `matches` (any order) newest
/// first (`played_at`, `created_at`, id, all descending), oriented to them. `changes` may hold
/// anyone's applied changes; the player's are matched by match id. A page past the end has no
/// items and the true total.
#[must_use]
pub fn player_history(
    player: PlayerId,
    matches: &[MatchRecord],
    names: &PlayerDirectory,
    changes: &[AppliedChange],
    page: PageRequest,
) -> HistoryPage {
    let own_changes: HashMap<MatchId, i32> = changes
        .iter()
        .filter(|c| c.player == player)
        .map(|c| (c.match_id, c.change))
        .collect();
    let results = player_results(matches, player);
    let items = results
        .iter()
        .skip(page.offset())
        .take(page.per_page as usize)
        .filter_map(|(m, _)| oriented_item(m, player, names, own_changes.get(&m.id).copied()))
        .collect();
    HistoryPage {
        items,
        page: page.page,
        per_page: page.per_page,
        total: results.len() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MatchType;
    use crate::streaks::StreakKind;
    use crate::test_matches::{at_hours, example_3, record, singles};

    fn profile(id: i64) -> PlayerProfile {
        PlayerProfile {
            id: PlayerId(id),
            rating: 1516,
            peak_rating: 1530,
            rated_matches: 3,
            verified: true,
        }
    }

    fn names() -> PlayerDirectory {
        PlayerDirectory::new([
            PlayerName::new(PlayerId(1), "Alice", ""),
            PlayerName::new(PlayerId(2), "Bob", "Bobby"),
            PlayerName::new(PlayerId(3), "Carol", ""),
            PlayerName::new(PlayerId(4), "Adam", "Zed"),
        ])
    }

    fn doubles(id: i64, hours: i64) -> MatchRecord {
        // [1, 3] beat [2, 4] 3-1, best of 5.
        let scores = [(11, 8), (9, 11), (11, 8), (11, 8)];
        MatchRecord {
            match_type: MatchType::Tournament,
            ..record(id, &[1, 3], &[2, 4], &scores, 60 * hours)
        }
    }

    #[test]
    fn example_3_statistics() {
        // DOMAIN.md §3.7 Example 3, handed over in a scrambled order: 3, 1, 2.
        let mut matches = example_3();
        matches.rotate_right(1);
        assert_eq!(matches[0].id, MatchId(3));
        let s = player_stats(&profile(1), &matches);
        assert_eq!((s.total_matches, s.wins, s.losses), (3, 2, 1));
        assert_eq!(
            s.current_streak,
            Streak {
                kind: StreakKind::Win,
                length: 2
            }
        );
        assert_eq!((s.longest_win_streak, s.longest_loss_streak), (2, 1));
        assert!((s.win_rate - 66.67).abs() < 0.005);
        // Games: L 1-2, W 2-1, W 2-1.
        assert_eq!((s.games_won, s.games_lost), (5, 4));
        assert_eq!((s.rating, s.peak_rating, s.rated_matches), (1516, 1530, 3));
        assert!(s.verified);
    }

    #[test]
    fn an_unfinished_match_never_counts_as_a_loss() {
        let mut unfinished = singles(9, 10, false);
        unfinished.games.truncate(1); // 7-11 in a best of 3: nobody has won yet
        assert_eq!(unfinished.winner(), None);

        let alone = player_stats(&profile(1), std::slice::from_ref(&unfinished));
        assert_eq!((alone.total_matches, alone.wins, alone.losses), (0, 0, 0));
        assert_eq!(alone.current_streak, Streak::NONE);
        assert_eq!((alone.games_won, alone.games_lost), (0, 0));
        assert!(alone.win_rate.abs() < f64::EPSILON);

        let with_win = player_stats(&profile(1), &[singles(1, 0, true), unfinished.clone()]);
        assert_eq!((with_win.total_matches, with_win.losses), (1, 0));
        assert_eq!(with_win.current_streak.kind, StreakKind::Win);

        let history = player_history(
            PlayerId(1),
            &[unfinished],
            &names(),
            &[],
            PageRequest::default(),
        );
        assert_eq!((history.total, history.items.len()), (0, 0));
    }

    #[test]
    fn a_player_without_matches_has_empty_statistics() {
        let s = player_stats(&profile(7), &[singles(1, 0, true)]);
        assert_eq!(s.total_matches, 0);
        assert_eq!(s.current_streak, Streak::NONE);
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["current_streak"]["kind"], "none");
        assert_eq!(json["current_streak"]["length"], 0);
    }

    #[test]
    fn history_is_newest_first_and_oriented_to_the_player() {
        let matches = vec![singles(1, 0, true), doubles(2, 5), singles(3, 2, false)];
        let changes = vec![
            AppliedChange {
                match_id: MatchId(2),
                player: PlayerId(2),
                applied_at: at_hours(5),
                change: -14,
            },
            AppliedChange {
                match_id: MatchId(2),
                player: PlayerId(1),
                applied_at: at_hours(5),
                change: 14,
            },
        ];
        let page = player_history(
            PlayerId(2),
            &matches,
            &names(),
            &changes,
            PageRequest::default(),
        );
        assert_eq!(page.total, 3);
        let ids: Vec<i64> = page.items.iter().map(|i| i.match_id.0).collect();
        assert_eq!(ids, vec![2, 3, 1]);

        let d = &page.items[0];
        assert_eq!(
            (d.own_side, d.own_games, d.opponent_games, d.won),
            (Side::Two, 1, 3, false)
        );
        // Opponents sorted by name (Alice, Carol), printed by display name.
        assert_eq!(d.opponent, "Alice and Carol");
        assert_eq!(d.opponent_ids, vec![PlayerId(1), PlayerId(3)]);
        assert_eq!(
            d.partner.as_ref().map(PlayerName::display_name),
            Some("Zed")
        );
        assert_eq!(d.rating_change, Some(-14));

        let s = &page.items[1]; // singles 3: side 1 (player 1) lost, so player 2 won 2-1
        assert_eq!((s.own_games, s.opponent_games, s.won), (2, 1, true));
        assert_eq!(s.opponent, "Alice");
        assert_eq!(s.partner, None);
        assert_eq!(s.rating_change, None);

        // Player 1 sees match 2 from side 1, with the opponents' label sorted by name:
        // Adam ("Zed") before Bob ("Bobby").
        let mine = player_history(
            PlayerId(1),
            &matches,
            &names(),
            &changes,
            PageRequest::default(),
        );
        let d = &mine.items[0];
        assert_eq!((d.own_games, d.opponent_games, d.won), (3, 1, true));
        assert_eq!(d.opponent, "Zed and Bobby");
        assert_eq!(d.rating_change, Some(14));
    }

    #[test]
    fn pages_slice_the_history_and_past_the_end_is_empty_with_the_total() {
        let matches: Vec<MatchRecord> = (1..=5).map(|i| singles(i, i, i % 2 == 0)).collect();
        let get = |page, per_page| {
            player_history(
                PlayerId(1),
                &matches,
                &names(),
                &[],
                PageRequest { page, per_page },
            )
        };
        let ids = |p: &HistoryPage| p.items.iter().map(|i| i.match_id.0).collect::<Vec<_>>();
        assert_eq!(ids(&get(1, 2)), vec![5, 4]);
        assert_eq!(ids(&get(2, 2)), vec![3, 2]);
        assert_eq!(ids(&get(3, 2)), vec![1]);
        let past = get(4, 2);
        assert!(past.items.is_empty());
        assert_eq!((past.total, past.page, past.per_page), (5, 4, 2));
        assert!(get(u32::MAX, 100).items.is_empty());
    }

    #[test]
    fn an_empty_opponent_side_prints_its_number() {
        let mut lone = singles(1, 0, true);
        lone.side2.clear();
        // Side 1 won its games; with nobody on side 2 the label falls back to "Side 2".
        let item = oriented_item(&lone, PlayerId(1), &names(), None).unwrap();
        assert_eq!(item.opponent, "Side 2");
        assert!(item.opponent_ids.is_empty());
    }

    #[test]
    fn page_parameters_are_validated() {
        assert_eq!(
            PageRequest::from_query(None, None),
            Ok(PageRequest::default())
        );
        assert_eq!(
            PageRequest::from_query(Some("3"), Some("100")),
            Ok(PageRequest {
                page: 3,
                per_page: 100
            })
        );
        let bad = |parameter| Err(DomainError::InvalidQueryParameter { parameter });
        assert_eq!(PageRequest::from_query(Some("0"), None), bad("page"));
        assert_eq!(PageRequest::from_query(Some("-1"), None), bad("page"));
        assert_eq!(PageRequest::from_query(Some("x"), None), bad("page"));
        assert_eq!(PageRequest::from_query(None, Some("0")), bad("per_page"));
        assert_eq!(PageRequest::from_query(None, Some("101")), bad("per_page"));
        assert_eq!(
            PageRequest::from_query(Some(""), Some("")),
            Ok(PageRequest::default())
        );
    }

    proptest::proptest! {
        /// What the read path shows from the stored columns (aggregates of the rating replay,
        /// streaks of the achievement totals) equals the statistics over the matches, whatever
        /// order the matches were played and confirmed in.
        #[test]
        fn statistics_from_stored_aggregates_equal_statistics_from_matches(
            ms in proptest::collection::vec(
                (0i64..4, 1i64..4, proptest::bool::ANY, proptest::bool::ANY, -500i64..500),
                0..30,
            ),
        ) {
            let records: Vec<MatchRecord> = ms
                .iter()
                .enumerate()
                .map(|(i, &(a, offset, doubles, side1_wins, hours))| {
                    let b = (a + offset) % 4 + 1;
                    let a = a + 1;
                    let scores: &[(i64, i64)] = if side1_wins {
                        &[(11, 9), (12, 10), (11, 0)]
                    } else {
                        &[(9, 11), (11, 5), (3, 11), (10, 12)]
                    };
                    if doubles {
                        let others: Vec<i64> = (1..=4).filter(|p| *p != a && *p != b).collect();
                        record(i as i64 + 1, &[a, others[0]], &[b, others[1]], scores, 60 * hours)
                    } else {
                        record(i as i64 + 1, &[a], &[b], scores, 60 * hours)
                    }
                })
                .collect();
            let confirmed: Vec<(MatchRecord, DateTime<Utc>)> =
                records.iter().map(|r| (r.clone(), at_hours(0))).collect();
            let ids: Vec<PlayerId> = (1..=4).map(PlayerId).collect();
            let replay = crate::elo::replay(&confirmed, &ids);
            for player in ids {
                let p = PlayerProfile { id: player, ..profile(player.0) };
                let totals = crate::achievements::totals(player, &records, &std::collections::BTreeMap::new());
                let stored = player_stats_of(&p, &replay.aggregates[&player], &totals.streaks);
                proptest::prop_assert_eq!(stored, player_stats(&p, &records));
                proptest::prop_assert_eq!(totals.played, i64::from(replay.aggregates[&player].confirmed_matches));
                proptest::prop_assert_eq!(totals.won, i64::from(replay.aggregates[&player].wins));
            }
        }
    }
}
