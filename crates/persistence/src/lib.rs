#![doc = include_str!("../README.md")]

#[macro_use]
mod conn;
pub mod achievements;
pub mod championships;
pub mod check;
pub mod error;
pub mod fixtures;
pub mod live_writes;
pub mod match_writes;
pub mod matches;
pub mod migrate;
pub mod notifications;
pub mod outbox;
pub mod players;
pub mod pool;
pub mod queries;
pub mod ratings;
pub mod schema;
pub mod seed;
#[cfg(feature = "testing")]
#[expect(clippy::expect_used, reason = "test support fails loudly")]
pub mod testing;
mod time;
pub mod tokens;
pub mod users;

pub use conn::Conn;
pub use error::DbError;
pub use pool::{Backend, Db};
pub use time::{from_db, to_db};
