//! Integer id newtypes, so a player id can never be passed where a match id is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A player (a person who plays; may be a guest without an account).
    PlayerId,
    /// A user account.
    UserId,
    /// A match.
    MatchId,
    /// A championship.
    ChampionshipId,
    /// One competitor (1 or 2 players) in a championship.
    EntryId,
    /// A fixture (a scheduled match, table `scheduled_matches`).
    FixtureId,
);
