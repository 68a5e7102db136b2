#![doc = include_str!("../README.md")]

#[macro_use]
mod conn;
pub mod error;
pub mod migrate;
pub mod pool;
pub mod schema;
mod time;

pub use conn::Conn;
pub use error::DbError;
pub use pool::{Backend, Db};
pub use time::{from_db, to_db};
