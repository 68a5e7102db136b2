//! Standings and the results matrix (DOMAIN.md §3.13).

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{Entry, entries_in_order};
use crate::{EntryId, MatchId, Side};

/// A match of the championship as the tables see it (its cache columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChampionshipMatch {
    /// The match.
    pub id: MatchId,
    /// Side 1's entry, once linked.
    pub side1_entry: Option<EntryId>,
    /// Side 2's entry, once linked.
    pub side2_entry: Option<EntryId>,
    /// Games won by side 1.
    pub side1_games: u8,
    /// Games won by side 2.
    pub side2_games: u8,
    /// Set once complete.
    pub winner: Option<Side>,
    /// Confirmed by any path (players, auto-confirm, verification change).
    pub is_confirmed: bool,
}

/// One row of the standings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingRow {
    /// The entry.
    pub entry_id: EntryId,
    /// Confirmed matches played.
    pub played: u32,
    /// Matches won.
    pub wins: u32,
    /// Matches lost.
    pub losses: u32,
    /// Games won over all counted matches.
    pub games_won: u32,
    /// Games lost over all counted matches.
    pub games_lost: u32,
    /// `games_won` − `games_lost`.
    pub game_difference: i64,
    /// 3 × wins (there are no draws).
    pub points: u32,
}

/// One cell of the results matrix, from the row entry's point of view (the row is side 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MatrixCell {
    /// The diagonal.
    #[serde(rename = "self")]
    SelfCell,
    /// No complete match with this row at home against this column.
    NotPlayed,
    /// A confirmed result.
    Confirmed {
        /// The match.
        match_id: MatchId,
        /// "g1-g2", the row's games first.
        score: String,
        /// The row entry won.
        won: bool,
    },
    /// A complete result still awaiting confirmation.
    PendingConfirmation {
        /// The match.
        match_id: MatchId,
        /// "g1-g2", the row's games first.
        score: String,
        /// The row entry won.
        won: bool,
    },
}

/// A row of the results matrix: the row entry's cells against every column entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixRow {
    /// The row entry (side 1 of every match in this row).
    pub entry_id: EntryId,
    /// One cell per column, in the order of [`ResultsMatrix::entries`].
    pub cells: Vec<MatrixCell>,
}

/// Rows and columns in standings order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsMatrix {
    /// The column (and row) order.
    pub entries: Vec<EntryId>,
    /// One row per entry.
    pub rows: Vec<MatrixRow>,
}

/// The standings over the championship's confirmed matches, one row per entry.
///
/// A match counts when it is confirmed, has a winner and links two different entries of
/// `entries`. Order: points desc, game difference desc, games won desc, games lost asc; then,
/// among entries still level on all four, points from the matches between those entries only;
/// then entry order.
#[must_use]
pub fn standings(entries: &[Entry], matches: &[ChampionshipMatch]) -> Vec<StandingRow> {
    let ordered = entries_in_order(entries);
    let position: HashMap<EntryId, usize> =
        ordered.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
    let mut rows: Vec<StandingRow> = ordered.iter().map(|e| StandingRow::empty(e.id)).collect();
    let counted: Vec<Counted> = matches
        .iter()
        .filter_map(|m| Counted::of(m, &position))
        .collect();
    for m in &counted {
        for (side, at) in [(Side::One, m.side1), (Side::Two, m.side2)] {
            let row = &mut rows[at];
            let (own, other) = (m.games(side), m.games(side.other()));
            row.played += 1;
            if m.winner == side {
                row.wins += 1;
            } else {
                row.losses += 1;
            }
            row.games_won += u32::from(own);
            row.games_lost += u32::from(other);
        }
    }
    for row in &mut rows {
        row.points = 3 * row.wins;
        row.game_difference = i64::from(row.games_won) - i64::from(row.games_lost);
    }

    // Indices into `rows` (= entry order), sorted by the four main keys, entry order last.
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| (main_key(&rows[i]), i));
    let mut start = 0;
    while start < order.len() {
        let key = main_key(&rows[order[start]]);
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| main_key(&rows[i]) == key)
                .count();
        if end - start > 1 {
            let tied: HashSet<usize> = order[start..end].iter().copied().collect();
            let mut mini = HashMap::<usize, u32>::new();
            for m in counted
                .iter()
                .filter(|m| tied.contains(&m.side1) && tied.contains(&m.side2))
            {
                *mini.entry(m.winner.pick(m.side1, m.side2)).or_default() += 3;
            }
            // Stable: entry order stays the last key.
            order[start..end].sort_by_key(|i| Reverse(mini.get(i).copied().unwrap_or(0)));
        }
        start = end;
    }
    order.into_iter().map(|i| rows[i]).collect()
}

/// The results matrix: rows and columns in standings order; cell (row, col) is the match with
/// `side1_entry` = row and `side2_entry` = col — confirmed, else complete but pending, else not
/// played; the diagonal is `self`. Should several matches fit one cell, the confirmed one with
/// the lowest id wins, then the pending one with the lowest id.
#[must_use]
pub fn results_matrix(entries: &[Entry], matches: &[ChampionshipMatch]) -> ResultsMatrix {
    let order: Vec<EntryId> = standings(entries, matches)
        .iter()
        .map(|row| row.entry_id)
        .collect();
    let mut by_cell: HashMap<(EntryId, EntryId), &ChampionshipMatch> = HashMap::new();
    for m in matches.iter().filter(|m| m.winner.is_some()) {
        let (Some(home), Some(away)) = (m.side1_entry, m.side2_entry) else {
            continue;
        };
        let better =
            |old: &ChampionshipMatch| (!m.is_confirmed, m.id) < (!old.is_confirmed, old.id);
        by_cell
            .entry((home, away))
            .and_modify(|old| {
                if better(old) {
                    *old = m;
                }
            })
            .or_insert(m);
    }
    let rows = order
        .iter()
        .map(|&row| MatrixRow {
            entry_id: row,
            cells: order
                .iter()
                .map(|&col| {
                    if row == col {
                        return MatrixCell::SelfCell;
                    }
                    let Some(m) = by_cell.get(&(row, col)) else {
                        return MatrixCell::NotPlayed;
                    };
                    let score = format!("{}-{}", m.side1_games, m.side2_games);
                    let won = m.winner == Some(Side::One);
                    if m.is_confirmed {
                        MatrixCell::Confirmed {
                            match_id: m.id,
                            score,
                            won,
                        }
                    } else {
                        MatrixCell::PendingConfirmation {
                            match_id: m.id,
                            score,
                            won,
                        }
                    }
                })
                .collect(),
        })
        .collect();
    ResultsMatrix {
        entries: order,
        rows,
    }
}

impl StandingRow {
    fn empty(entry_id: EntryId) -> Self {
        Self {
            entry_id,
            played: 0,
            wins: 0,
            losses: 0,
            games_won: 0,
            games_lost: 0,
            game_difference: 0,
            points: 0,
        }
    }
}

/// A match that counts for the standings, with its entries as positions in entry order.
struct Counted {
    side1: usize,
    side2: usize,
    side1_games: u8,
    side2_games: u8,
    winner: Side,
}

impl Counted {
    fn of(m: &ChampionshipMatch, position: &HashMap<EntryId, usize>) -> Option<Self> {
        if !m.is_confirmed {
            return None;
        }
        let side1 = *position.get(&m.side1_entry?)?;
        let side2 = *position.get(&m.side2_entry?)?;
        (side1 != side2).then_some(Self {
            side1,
            side2,
            side1_games: m.side1_games,
            side2_games: m.side2_games,
            winner: m.winner?,
        })
    }

    fn games(&self, side: Side) -> u8 {
        side.pick(self.side1_games, self.side2_games)
    }
}

fn main_key(row: &StandingRow) -> (Reverse<u32>, Reverse<i64>, Reverse<u32>, u32) {
    (
        Reverse(row.points),
        Reverse(row.game_difference),
        Reverse(row.games_won),
        row.games_lost,
    )
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::PlayerId;

    fn entry(id: i64) -> Entry {
        Entry {
            id: EntryId(id),
            seed: None,
            created_at: DateTime::from_timestamp(1_700_000_000 + id, 0).unwrap(),
            members: vec![PlayerId(id * 10)],
        }
    }

    fn entries(n: i64) -> Vec<Entry> {
        (1..=n).map(entry).collect()
    }

    fn played(id: i64, home: i64, away: i64, games: (u8, u8)) -> ChampionshipMatch {
        ChampionshipMatch {
            id: MatchId(id),
            side1_entry: Some(EntryId(home)),
            side2_entry: Some(EntryId(away)),
            side1_games: games.0,
            side2_games: games.1,
            winner: Some(if games.0 > games.1 {
                Side::One
            } else {
                Side::Two
            }),
            is_confirmed: true,
        }
    }

    fn order(rows: &[StandingRow]) -> Vec<i64> {
        rows.iter().map(|r| r.entry_id.0).collect()
    }

    #[test]
    fn rows_count_played_wins_losses_games_and_three_points_a_win() {
        let rows = standings(
            &entries(2),
            &[played(1, 1, 2, (3, 1)), played(2, 2, 1, (3, 2))],
        );
        let one = rows.iter().find(|r| r.entry_id == EntryId(1)).unwrap();
        assert_eq!(
            *one,
            StandingRow {
                entry_id: EntryId(1),
                played: 2,
                wins: 1,
                losses: 1,
                games_won: 5,
                games_lost: 4,
                game_difference: 1,
                points: 3,
            }
        );
    }

    #[test]
    fn only_confirmed_complete_matches_between_known_entries_count() {
        let mut pending = played(1, 1, 2, (3, 0));
        pending.is_confirmed = false;
        let mut unfinished = played(2, 1, 2, (2, 1));
        unfinished.winner = None;
        unfinished.is_confirmed = false;
        let mut unlinked = played(3, 1, 2, (3, 0));
        unlinked.side2_entry = None;
        let stranger = played(4, 1, 9, (3, 0));
        let rows = standings(&entries(2), &[pending, unfinished, unlinked, stranger]);
        assert!(rows.iter().all(|r| r.played == 0));
        assert_eq!(order(&rows), vec![1, 2], "no matches: entry order");
    }

    #[test]
    fn points_come_first() {
        // 2 wins twice 3-2 (GD +2); 1 wins once 3-0 and loses 2-3 (GD +2 as well, fewer points).
        let rows = standings(
            &entries(3),
            &[
                played(1, 2, 1, (3, 2)),
                played(2, 2, 3, (3, 2)),
                played(3, 1, 3, (3, 0)),
            ],
        );
        assert_eq!(order(&rows), vec![2, 1, 3]);
    }

    #[test]
    fn game_difference_breaks_a_points_tie() {
        // 1 and 2 both win once: 3-0 (GD +3) against 3-2 (GD +1).
        let rows = standings(
            &entries(3),
            &[played(1, 2, 3, (3, 2)), played(2, 1, 3, (3, 0))],
        );
        assert_eq!(order(&rows), vec![1, 2, 3]);
    }

    #[test]
    fn games_won_breaks_a_game_difference_tie() {
        // 1 beats 3 3-0 (GD +3, 3 won); 2 beats 4 4-1 in a best of 7 (GD +3, 4 won).
        // Among the losers 4 (GD −3, 1 won) is ahead of 3 (GD −3, 0 won).
        let rows = standings(
            &entries(4),
            &[played(1, 1, 3, (3, 0)), played(2, 2, 4, (4, 1))],
        );
        assert_eq!(order(&rows), vec![2, 1, 4, 3]);
    }

    #[test]
    fn fewer_games_lost_ranks_higher_on_equal_earlier_keys() {
        // Once game difference and games won are equal, games lost is too (GD = won − lost),
        // so this key never decides on real tables; the ordering is still checked directly.
        let a = StandingRow {
            points: 3,
            game_difference: 2,
            games_won: 5,
            games_lost: 3,
            ..StandingRow::empty(EntryId(1))
        };
        let b = StandingRow { games_lost: 4, ..a };
        assert!(main_key(&a) < main_key(&b));
    }

    #[test]
    fn the_mini_league_among_tied_entries_breaks_a_full_tie() {
        // 3 beats 1 and 2, 2 beats 1; against 4, 1 wins twice, 2 splits and 3 loses twice.
        // 1, 2 and 3 all end 6 points, 6-6 in games; 4 has 9 points. Among the tied three,
        // 3 has 6 mini points, 2 has 3, 1 has 0: the reverse of entry order.
        let matches = [
            played(1, 3, 1, (3, 0)),
            played(2, 3, 2, (3, 0)),
            played(3, 2, 1, (3, 0)),
            played(4, 1, 4, (3, 0)),
            played(5, 4, 1, (0, 3)),
            played(6, 2, 4, (3, 0)),
            played(7, 4, 2, (3, 0)),
            played(8, 3, 4, (0, 3)),
            played(9, 4, 3, (3, 0)),
        ];
        let rows = standings(&entries(4), &matches);
        assert_eq!(order(&rows), vec![4, 3, 2, 1]);
        assert!(
            rows[1..]
                .iter()
                .all(|r| (r.points, r.games_won, r.games_lost) == (6, 6, 6))
        );
    }

    #[test]
    fn a_cycle_among_the_tied_falls_back_to_entry_order() {
        // 3 beats 2, 2 beats 1, 1 beats 3, all 3-0: level overall and in the mini-league.
        let cycle = [
            played(1, 3, 2, (3, 0)),
            played(2, 2, 1, (3, 0)),
            played(3, 1, 3, (3, 0)),
        ];
        assert_eq!(order(&standings(&entries(3), &cycle)), vec![1, 2, 3]);
    }

    #[test]
    fn entry_order_is_the_last_tie_break() {
        let mut es = entries(2);
        es[1].seed = Some(1);
        assert_eq!(order(&standings(&es, &[])), vec![2, 1]);
    }

    #[test]
    fn the_matrix_reads_each_row_as_side_one() {
        let mut pending = played(2, 2, 1, (3, 1));
        pending.is_confirmed = false;
        let mut unfinished = played(3, 1, 3, (1, 0));
        unfinished.winner = None;
        unfinished.is_confirmed = false;
        let matrix = results_matrix(&entries(3), &[played(1, 1, 2, (1, 3)), pending, unfinished]);
        // 2 has 3 points; 3 (GD 0) is ahead of 1 (GD −2).
        assert_eq!(matrix.entries, vec![EntryId(2), EntryId(3), EntryId(1)]);
        let cell = |row: i64, col: i64| {
            let r = matrix.entries.iter().position(|e| e.0 == row).unwrap();
            let c = matrix.entries.iter().position(|e| e.0 == col).unwrap();
            assert_eq!(matrix.rows[r].entry_id, EntryId(row));
            matrix.rows[r].cells[c].clone()
        };
        assert_eq!(cell(2, 2), MatrixCell::SelfCell);
        assert_eq!(
            cell(2, 1),
            MatrixCell::PendingConfirmation {
                match_id: MatchId(2),
                score: "3-1".into(),
                won: true
            }
        );
        assert_eq!(
            cell(1, 2),
            MatrixCell::Confirmed {
                match_id: MatchId(1),
                score: "1-3".into(),
                won: false
            }
        );
        assert_eq!(cell(1, 3), MatrixCell::NotPlayed, "unfinished");
        assert_eq!(
            cell(3, 1),
            MatrixCell::NotPlayed,
            "only 1 at home has played 3"
        );
    }

    #[test]
    fn a_confirmed_match_wins_a_cell_over_a_pending_one() {
        let mut pending = played(1, 1, 2, (3, 0));
        pending.is_confirmed = false;
        let matrix = results_matrix(&entries(2), &[pending, played(2, 1, 2, (0, 3))]);
        let row = matrix
            .rows
            .iter()
            .find(|r| r.entry_id == EntryId(1))
            .unwrap();
        let col = matrix
            .entries
            .iter()
            .position(|e| *e == EntryId(2))
            .unwrap();
        assert_eq!(
            row.cells[col],
            MatrixCell::Confirmed {
                match_id: MatchId(2),
                score: "0-3".into(),
                won: false
            }
        );
    }

    #[test]
    fn matrix_cells_serialize_with_a_status_tag() {
        let to_json = |c: &MatrixCell| serde_json::to_value(c).unwrap();
        assert_eq!(
            to_json(&MatrixCell::SelfCell),
            serde_json::json!({"status": "self"})
        );
        assert_eq!(
            to_json(&MatrixCell::NotPlayed),
            serde_json::json!({"status": "not_played"})
        );
        assert_eq!(
            to_json(&MatrixCell::PendingConfirmation {
                match_id: MatchId(7),
                score: "3-1".into(),
                won: true
            }),
            serde_json::json!({
                "status": "pending_confirmation",
                "match_id": 7,
                "score": "3-1",
                "won": true
            })
        );
    }
}
