//! How players are named: display names and side labels (DOMAIN.md §1).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{PlayerId, Side};

/// The naming part of a player: enough to print them anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlayerName {
    /// The player.
    pub id: PlayerId,
    /// Full name (1–100 characters).
    pub name: String,
    /// Nickname (0–50 characters); empty when the player has none.
    pub nickname: String,
}

impl PlayerName {
    /// A player with the given name and nickname.
    #[must_use]
    pub fn new(id: PlayerId, name: impl Into<String>, nickname: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            nickname: nickname.into(),
        }
    }

    /// The nickname when non-empty, else the name (§1).
    #[must_use]
    pub fn display_name(&self) -> &str {
        display_name(&self.name, &self.nickname)
    }
}

/// The nickname when non-empty, else the name (§1). A nickname of only whitespace counts as
/// empty: printing a blank where a name belongs helps nobody.
#[must_use]
pub fn display_name<'a>(name: &'a str, nickname: &'a str) -> &'a str {
    if nickname.trim().is_empty() {
        name
    } else {
        nickname
    }
}

/// The label of a side (§1): its players sorted by `name` (then id, so equal names print in a
/// fixed order), printed by display name as "A" or "A and B"; an empty side prints "Side 1" or
/// "Side 2".
///
/// Names compare by Unicode code points (`str` order), the same on every backend.
#[must_use]
pub fn side_label<'a>(side: Side, players: impl IntoIterator<Item = &'a PlayerName>) -> String {
    let players = in_label_order(players);
    if players.is_empty() {
        return format!("Side {}", side.number());
    }
    players
        .iter()
        .map(|p| p.display_name())
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The players in the order a side label lists them (§1): by `name`, then id.
#[must_use]
pub fn in_label_order<'a>(
    players: impl IntoIterator<Item = &'a PlayerName>,
) -> Vec<&'a PlayerName> {
    let mut players: Vec<&PlayerName> = players.into_iter().collect();
    players.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    players
}

/// Player names by id, for labelling the sides of many matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlayerDirectory {
    by_id: HashMap<PlayerId, PlayerName>,
}

impl PlayerDirectory {
    /// A directory of the given players (a later duplicate id replaces an earlier one).
    #[must_use]
    pub fn new(players: impl IntoIterator<Item = PlayerName>) -> Self {
        players.into_iter().collect()
    }

    /// The player with this id, if known.
    #[must_use]
    pub fn get(&self, id: PlayerId) -> Option<&PlayerName> {
        self.by_id.get(&id)
    }

    /// The label of the side made of `ids` (see [`side_label`]). Ids missing from the
    /// directory are left out, so a side of unknown players prints "Side N".
    #[must_use]
    pub fn side_label(&self, side: Side, ids: &[PlayerId]) -> String {
        side_label(side, self.known(ids))
    }

    /// The known players among `ids`, in label order (see [`in_label_order`]).
    #[must_use]
    pub fn side_players<'a>(&'a self, ids: &[PlayerId]) -> Vec<&'a PlayerName> {
        in_label_order(self.known(ids))
    }

    fn known<'a>(&'a self, ids: &[PlayerId]) -> impl Iterator<Item = &'a PlayerName> {
        ids.iter().filter_map(|id| self.get(*id))
    }
}

impl FromIterator<PlayerName> for PlayerDirectory {
    fn from_iter<I: IntoIterator<Item = PlayerName>>(iter: I) -> Self {
        Self {
            by_id: iter.into_iter().map(|p| (p.id, p)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: i64, name: &str, nickname: &str) -> PlayerName {
        PlayerName::new(PlayerId(id), name, nickname)
    }

    #[test]
    fn the_display_name_is_the_nickname_when_there_is_one() {
        assert_eq!(p(1, "Alice Smith", "Ace").display_name(), "Ace");
        assert_eq!(p(1, "Alice Smith", "").display_name(), "Alice Smith");
        assert_eq!(p(1, "Alice Smith", "  ").display_name(), "Alice Smith");
    }

    #[test]
    fn a_side_label_sorts_by_name_but_prints_display_names() {
        // Zed's nickname sorts first, but the label orders by name: Bob before Zed.
        let zed = p(1, "Zed", "Aardvark");
        let bob = p(2, "Bob", "");
        assert_eq!(side_label(Side::One, [&zed, &bob]), "Bob and Aardvark");
        assert_eq!(side_label(Side::Two, [&zed]), "Aardvark");
    }

    #[test]
    fn an_empty_side_prints_its_number() {
        assert_eq!(side_label(Side::One, []), "Side 1");
        assert_eq!(side_label(Side::Two, []), "Side 2");
    }

    #[test]
    fn equal_names_print_in_id_order() {
        let a = p(7, "Sam", "Seven");
        let b = p(3, "Sam", "Three");
        assert_eq!(side_label(Side::One, [&a, &b]), "Three and Seven");
    }

    #[test]
    fn the_directory_labels_sides_by_id_and_skips_unknown_players() {
        let dir = PlayerDirectory::new([p(1, "Ann", ""), p(2, "Ben", "")]);
        assert_eq!(
            dir.side_label(Side::One, &[PlayerId(2), PlayerId(1)]),
            "Ann and Ben"
        );
        assert_eq!(dir.side_label(Side::Two, &[PlayerId(9)]), "Side 2");
    }

    #[test]
    fn side_players_are_the_known_ones_in_label_order() {
        let dir = PlayerDirectory::new([p(1, "Sam", "Z"), p(2, "Ann", ""), p(3, "Sam", "A")]);
        let ids = |players: Vec<&PlayerName>| players.iter().map(|p| p.id.0).collect::<Vec<_>>();
        assert_eq!(
            ids(dir.side_players(&[PlayerId(3), PlayerId(9), PlayerId(1), PlayerId(2)])),
            vec![2, 1, 3]
        );
        assert!(dir.side_players(&[PlayerId(9)]).is_empty());
    }
}
