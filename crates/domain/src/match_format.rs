//! Match formats and participants (DOMAIN.md §3.3).

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{DomainError, PlayerId};

/// Side 1 or side 2 of a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Side {
    /// Side 1 (home in championships).
    One,
    /// Side 2 (away).
    Two,
}

impl Side {
    /// The opposing side.
    #[must_use]
    pub fn other(self) -> Self {
        match self {
            Self::One => Self::Two,
            Self::Two => Self::One,
        }
    }

    /// 1 or 2, as stored and sent on the wire.
    #[must_use]
    pub fn number(self) -> u8 {
        match self {
            Self::One => 1,
            Self::Two => 2,
        }
    }

    /// Picks this side's value out of a (side 1, side 2) pair.
    #[must_use]
    pub fn pick<T>(self, side1: T, side2: T) -> T {
        match self {
            Self::One => side1,
            Self::Two => side2,
        }
    }
}

impl TryFrom<u8> for Side {
    type Error = DomainError;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        match value {
            1 => Ok(Self::One),
            2 => Ok(Self::Two),
            _ => Err(DomainError::InvalidSide),
        }
    }
}

impl TryFrom<i64> for Side {
    type Error = DomainError;

    fn try_from(value: i64) -> Result<Self, Self::Error> {
        u8::try_from(value)
            .map_err(|_| DomainError::InvalidSide)
            .and_then(Side::try_from)
    }
}

impl From<Side> for u8 {
    fn from(side: Side) -> Self {
        side.number()
    }
}

impl From<Side> for i64 {
    fn from(side: Side) -> Self {
        i64::from(side.number())
    }
}

/// Declares a string-backed enum with `as_str`, `FromStr` (refusing with `InvalidChoice`), serde.
macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The wire and database spelling.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = DomainError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    _ => Err(DomainError::InvalidChoice { field: $field }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// Singles (one player a side) or doubles (two).
    MatchKind, "kind" {
        /// One player per side.
        Singles = "singles",
        /// Two players per side.
        Doubles = "doubles",
    }
);

string_enum!(
    /// Casual, practice or tournament; only tournament raises the K-factor.
    MatchType, "match_type" {
        /// The default.
        Casual = "casual",
        /// Practice.
        Practice = "practice",
        /// Tournament: K × 1.5.
        Tournament = "tournament",
    }
);

impl MatchKind {
    /// Players per side.
    #[must_use]
    pub fn side_size(self) -> usize {
        match self {
            Self::Singles => 1,
            Self::Doubles => 2,
        }
    }
}

/// The number of games a match is played over: 1, 3, 5, 7 or 9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct BestOf(u8);

impl BestOf {
    /// Best of five, the default.
    pub const FIVE: Self = Self(5);

    /// Validates a best_of value (`best_of_invalid` otherwise).
    pub fn new(value: i64) -> Result<Self, DomainError> {
        match value {
            1 | 3 | 5 | 7 | 9 => Ok(Self(value as u8)),
            _ => Err(DomainError::BestOfInvalid),
        }
    }

    /// The number of games.
    #[must_use]
    pub fn get(self) -> u8 {
        self.0
    }

    /// Games a side must win: ⌊best_of / 2⌋ + 1.
    #[must_use]
    pub fn games_needed(self) -> u8 {
        self.0 / 2 + 1
    }
}

impl Default for BestOf {
    fn default() -> Self {
        Self::FIVE
    }
}

impl TryFrom<u8> for BestOf {
    type Error = DomainError;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(i64::from(value))
    }
}

impl From<BestOf> for u8 {
    fn from(value: BestOf) -> Self {
        value.0
    }
}

/// Checks the side sizes against the kind and that every player appears once (§3.3).
///
/// Sides are kept exactly as given; the result is the kind the sides form.
pub fn validate_sides(
    kind: MatchKind,
    side1: &[PlayerId],
    side2: &[PlayerId],
) -> Result<(), DomainError> {
    if side1.len() != kind.side_size() || side2.len() != kind.side_size() {
        return Err(DomainError::WrongPlayerCount);
    }
    let mut seen = HashSet::new();
    if side1.iter().chain(side2).all(|p| seen.insert(*p)) {
        Ok(())
    } else {
        Err(DomainError::PlayersNotDistinct)
    }
}

/// The kind implied by the side sizes: 1 + 1 is singles, 2 + 2 doubles, anything else
/// `wrong_player_count`.
pub fn kind_of_sides(side1: &[PlayerId], side2: &[PlayerId]) -> Result<MatchKind, DomainError> {
    let kind = match (side1.len(), side2.len()) {
        (1, 1) => MatchKind::Singles,
        (2, 2) => MatchKind::Doubles,
        _ => return Err(DomainError::WrongPlayerCount),
    };
    validate_sides(kind, side1, side2)?;
    Ok(kind)
}

/// A non-admin creator must play in the match (§3.3); `creator` is the creator's player.
pub fn check_creator(
    creator: Option<PlayerId>,
    is_admin: bool,
    side1: &[PlayerId],
    side2: &[PlayerId],
) -> Result<(), DomainError> {
    if is_admin {
        return Ok(());
    }
    let player = creator.ok_or(DomainError::PlayerProfileRequired)?;
    if side1.contains(&player) || side2.contains(&player) {
        Ok(())
    } else {
        Err(DomainError::CreatorNotParticipant)
    }
}

/// played_at may be at most 5 minutes ahead of `now` (§3.3).
pub fn check_played_at(
    played_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DomainError> {
    if played_at > now + chrono::Duration::minutes(5) {
        Err(DomainError::PlayedAtInFuture)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[i64]) -> Vec<PlayerId> {
        v.iter().copied().map(PlayerId).collect()
    }

    #[test]
    fn only_odd_formats_up_to_nine_are_allowed() {
        for ok in [1, 3, 5, 7, 9] {
            assert!(BestOf::new(ok).is_ok());
        }
        for bad in [-1, 0, 2, 4, 6, 8, 10, 11, 255] {
            assert_eq!(BestOf::new(bad), Err(DomainError::BestOfInvalid));
        }
    }

    #[test]
    fn games_needed_is_a_majority() {
        let needed: Vec<u8> = [1, 3, 5, 7, 9]
            .iter()
            .map(|&b| BestOf::new(b).unwrap().games_needed())
            .collect();
        assert_eq!(needed, vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn singles_need_one_player_each_side_and_doubles_two() {
        assert!(validate_sides(MatchKind::Singles, &ids(&[1]), &ids(&[2])).is_ok());
        assert!(validate_sides(MatchKind::Doubles, &ids(&[1, 2]), &ids(&[3, 4])).is_ok());
        assert_eq!(
            validate_sides(MatchKind::Singles, &ids(&[1, 2]), &ids(&[3])),
            Err(DomainError::WrongPlayerCount)
        );
        assert_eq!(
            validate_sides(MatchKind::Doubles, &ids(&[1, 2]), &ids(&[3])),
            Err(DomainError::WrongPlayerCount)
        );
        assert_eq!(
            kind_of_sides(&ids(&[1, 2]), &ids(&[3, 4])),
            Ok(MatchKind::Doubles)
        );
    }

    #[test]
    fn a_player_cannot_appear_twice() {
        assert_eq!(
            validate_sides(MatchKind::Singles, &ids(&[1]), &ids(&[1])),
            Err(DomainError::PlayersNotDistinct)
        );
        assert_eq!(
            validate_sides(MatchKind::Doubles, &ids(&[1, 1]), &ids(&[3, 4])),
            Err(DomainError::PlayersNotDistinct)
        );
    }

    #[test]
    fn a_non_admin_creator_must_play() {
        let (a, b) = (ids(&[1]), ids(&[2]));
        assert!(check_creator(Some(PlayerId(1)), false, &a, &b).is_ok());
        assert_eq!(
            check_creator(Some(PlayerId(3)), false, &a, &b),
            Err(DomainError::CreatorNotParticipant)
        );
        assert_eq!(
            check_creator(None, false, &a, &b),
            Err(DomainError::PlayerProfileRequired)
        );
        assert!(check_creator(None, true, &a, &b).is_ok());
    }

    #[test]
    fn played_at_may_be_at_most_five_minutes_ahead() {
        let now = crate::test_matches::at(0);
        assert!(check_played_at(now + chrono::Duration::minutes(5), now).is_ok());
        assert_eq!(
            check_played_at(now + chrono::Duration::seconds(301), now),
            Err(DomainError::PlayedAtInFuture)
        );
    }

    #[test]
    fn kinds_and_types_parse_their_wire_names_only() {
        assert_eq!("doubles".parse(), Ok(MatchKind::Doubles));
        assert_eq!("tournament".parse(), Ok(MatchType::Tournament));
        assert_eq!(
            "Singles".parse::<MatchKind>(),
            Err(DomainError::InvalidChoice { field: "kind" })
        );
    }
}
