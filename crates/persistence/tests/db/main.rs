//! Persistence tests; every test runs on SQLite and on PostgreSQL.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod fixtures;
mod match_meta;
mod match_writes;
mod migrations;
