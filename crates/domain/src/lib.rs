#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod account;
pub mod achievements;
pub mod calendar;
pub mod championship;
pub mod confirmation;
pub mod dashboard;
pub mod elo;
pub mod error;
pub mod fixture;
pub mod head_to_head;
pub mod ids;
pub mod leaderboard;
pub mod live;
pub mod match_format;
pub mod math;
pub mod pairs;
pub mod player;
pub mod player_stats;
pub mod presentation;
pub mod record;
pub mod scoring;
pub mod streaks;
#[cfg(test)]
mod test_matches;

pub use error::DomainError;
pub use ids::{ChampionshipId, EntryId, FixtureId, MatchId, PlayerId, UserId};
pub use match_format::{BestOf, MatchKind, MatchType, Side};
