#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod account;
pub mod confirmation;
pub mod error;
pub mod ids;
pub mod live;
pub mod match_format;
pub mod record;
pub mod scoring;

pub use error::DomainError;
pub use ids::{ChampionshipId, EntryId, MatchId, PlayerId, UserId};
pub use match_format::{BestOf, MatchKind, MatchType, Side};
