#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod calendar;
pub mod championship;
pub mod confirmation;
pub mod error;
pub mod fixture;
pub mod ids;
pub mod match_format;
pub mod record;
pub mod scoring;

pub use error::DomainError;
pub use ids::{ChampionshipId, EntryId, FixtureId, MatchId, PlayerId, UserId};
pub use match_format::{BestOf, MatchKind, MatchType, Side};
