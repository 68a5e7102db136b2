//! How a match is shown: side labels, per-game shares, long games, Δ per side and the viewer's
//! flags (DOMAIN.md §1 "side label", §3.17).

use serde::{Deserialize, Serialize};

use crate::player::PlayerDirectory;
use crate::record::MatchRecord;
use crate::scoring::GameScore;
use crate::{PlayerId, Side};

/// One game as the match page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameView {
    /// 1, 2, …
    pub number: u8,
    /// Side 1's points.
    pub side1_points: u16,
    /// Side 2's points.
    pub side2_points: u16,
    /// round(100 × side 1 points / all points).
    pub side1_share: u8,
    /// A side passed 11.
    pub went_long: bool,
}

/// The presentation of a match that is the same for every viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchPresentation {
    /// Side 1's label ("A" or "A and B", "Side 1" when empty).
    pub side1_label: String,
    /// Side 2's label.
    pub side2_label: String,
    /// The games, by number.
    pub games: Vec<GameView>,
    /// Games that went past 11.
    pub long_games: u32,
    /// "N of M games went past 11", only when N > 0.
    pub long_games_note: Option<String>,
}

/// A side's rating change: applied once the match is rated, projected (and marked pending)
/// before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SideDelta {
    /// Written to the ratings.
    Applied {
        /// Δ.
        change: i32,
    },
    /// What confirmation would write with the current ratings.
    Pending {
        /// Δ.
        change: i32,
    },
}

/// The viewer's relation to a match (added at request time, never cached).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewerFlags {
    /// The viewer's side, when they play.
    pub side: Option<Side>,
    /// The confirm action would record a confirmation now.
    pub can_confirm: bool,
    /// The viewer's confirmation is recorded.
    pub has_confirmed: bool,
}

/// The match facts the viewer flags depend on.
#[derive(Debug, Clone, Copy)]
pub struct ConfirmationFacts<'a> {
    /// Who confirmed so far.
    pub confirmed: &'a [PlayerId],
    /// The match is confirmed.
    pub is_confirmed: bool,
    /// The match is scored live right now.
    pub is_live: bool,
}

/// Labels and games of `record`; players missing from `names` are left out of the labels.
#[must_use]
pub fn present_match(record: &MatchRecord, names: &PlayerDirectory) -> MatchPresentation {
    let games: Vec<GameView> = record
        .games
        .iter()
        .enumerate()
        .map(|(index, &game)| game_view(index, game))
        .collect();
    let long_games = games.iter().filter(|g| g.went_long).count() as u32;
    MatchPresentation {
        side1_label: names.side_label(Side::One, &record.side1),
        side2_label: names.side_label(Side::Two, &record.side2),
        long_games_note: long_games_note(long_games, games.len() as u32),
        long_games,
        games,
    }
}

/// "N of M games went past 11", or nothing when no game did.
#[must_use]
pub fn long_games_note(long_games: u32, games: u32) -> Option<String> {
    (long_games > 0).then(|| format!("{long_games} of {games} games went past 11"))
}

/// The applied Δ when there is one, else the projected Δ marked pending.
#[must_use]
pub fn side_delta(applied: Option<i32>, projected: i32) -> SideDelta {
    applied.map_or(SideDelta::Pending { change: projected }, |change| {
        SideDelta::Applied { change }
    })
}

/// The viewer's side and confirmation flags. `can_confirm` follows the confirm action (§3.5):
/// a participant of a complete, pending, non-live match who has not confirmed yet.
#[must_use]
pub fn viewer_flags(
    viewer: Option<PlayerId>,
    record: &MatchRecord,
    facts: ConfirmationFacts<'_>,
) -> ViewerFlags {
    let Some(player) = viewer else {
        return ViewerFlags {
            side: None,
            can_confirm: false,
            has_confirmed: false,
        };
    };
    let side = record.side_of(player);
    let has_confirmed = side.is_some() && facts.confirmed.contains(&player);
    let can_confirm = side.is_some()
        && !has_confirmed
        && !facts.is_confirmed
        && !facts.is_live
        && record.winner().is_some();
    ViewerFlags {
        side,
        can_confirm,
        has_confirmed,
    }
}

fn game_view(index: usize, game: GameScore) -> GameView {
    GameView {
        number: index as u8 + 1,
        side1_points: game.side1_points(),
        side2_points: game.side2_points(),
        side1_share: game.side1_share(),
        went_long: game.went_long(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player::PlayerName;
    use crate::test_matches::{record, unfinished};

    fn directory(names: &[(i64, &str, &str)]) -> PlayerDirectory {
        names
            .iter()
            .map(|&(id, name, nickname)| PlayerName::new(PlayerId(id), name, nickname))
            .collect()
    }

    const WIN: &[(i64, i64)] = &[(11, 9), (11, 3), (11, 7)];

    fn labels(m: &MatchRecord, names: &PlayerDirectory) -> (String, String) {
        let shown = present_match(m, names);
        (shown.side1_label, shown.side2_label)
    }

    #[test]
    fn a_side_label_sorts_by_name_and_prints_display_names() {
        let names = directory(&[
            (1, "Zoe Adams", ""),
            (2, "Anna Berg", "Nan"),
            (3, "Carl Diaz", ""),
        ]);
        let (side1, side2) = labels(&record(1, &[1, 2], &[3], WIN, 0), &names);
        assert_eq!(side1, "Nan and Zoe Adams");
        assert_eq!(side2, "Carl Diaz");
    }

    #[test]
    fn an_empty_side_prints_its_number() {
        let (side1, side2) = labels(&record(1, &[], &[], WIN, 0), &directory(&[]));
        assert_eq!(side1, "Side 1");
        assert_eq!(side2, "Side 2");
    }

    #[test]
    fn equal_names_fall_back_to_the_id() {
        let names = directory(&[(7, "Sam", "Seven"), (4, "Sam", "Four")]);
        let (side1, _) = labels(&record(1, &[7, 4], &[], WIN, 0), &names);
        assert_eq!(side1, "Four and Seven");
    }

    #[test]
    fn games_show_side_one_share_and_whether_they_went_long() {
        let m = record(1, &[1], &[2], &[(11, 9), (10, 12), (13, 11), (11, 0)], 0);
        let names = directory(&[(1, "Ann", ""), (2, "Bob", "")]);
        let shown = present_match(&m, &names);
        assert_eq!(
            (shown.side1_label.as_str(), shown.side2_label.as_str()),
            ("Ann", "Bob")
        );
        let shares: Vec<(u8, u8, bool)> = shown
            .games
            .iter()
            .map(|g| (g.number, g.side1_share, g.went_long))
            .collect();
        assert_eq!(
            shares,
            vec![
                (1, 55, false),
                (2, 45, true),
                (3, 54, true),
                (4, 100, false)
            ]
        );
        assert_eq!(shown.long_games, 2);
        assert_eq!(
            shown.long_games_note.as_deref(),
            Some("2 of 4 games went past 11")
        );
    }

    #[test]
    fn the_long_games_note_appears_only_when_a_game_went_long() {
        let m = record(1, &[1], &[2], &[(11, 9), (11, 3), (11, 7)], 0);
        let shown = present_match(&m, &directory(&[]));
        assert_eq!(shown.long_games, 0);
        assert_eq!(shown.long_games_note, None);
        assert_eq!(long_games_note(0, 5), None);
        assert_eq!(
            long_games_note(1, 5).as_deref(),
            Some("1 of 5 games went past 11")
        );
    }

    #[test]
    fn a_delta_is_applied_once_rated_and_pending_before() {
        assert_eq!(side_delta(Some(-16), 3), SideDelta::Applied { change: -16 });
        assert_eq!(side_delta(None, 14), SideDelta::Pending { change: 14 });
    }

    #[test]
    fn viewer_flags_follow_the_confirm_action() {
        let m = record(1, &[1], &[2], &[(11, 9), (11, 3), (11, 7)], 0);
        let pending = ConfirmationFacts {
            confirmed: &[PlayerId(1)],
            is_confirmed: false,
            is_live: false,
        };
        let flags = viewer_flags(Some(PlayerId(2)), &m, pending);
        assert_eq!(
            flags,
            ViewerFlags {
                side: Some(Side::Two),
                can_confirm: true,
                has_confirmed: false
            }
        );
        let flags = viewer_flags(Some(PlayerId(1)), &m, pending);
        assert!(flags.has_confirmed && !flags.can_confirm);
        let outsider = viewer_flags(Some(PlayerId(3)), &m, pending);
        assert_eq!((outsider.side, outsider.can_confirm), (None, false));
        assert_eq!(viewer_flags(None, &m, pending).side, None);
        let open = unfinished(2, &[1], &[2], &[(11, 9)], 0);
        assert!(!viewer_flags(Some(PlayerId(2)), &open, pending).can_confirm);
        let confirmed = ConfirmationFacts {
            is_confirmed: true,
            ..pending
        };
        assert!(!viewer_flags(Some(PlayerId(2)), &m, confirmed).can_confirm);
    }
}
