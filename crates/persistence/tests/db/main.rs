//! Persistence tests; every test runs on SQLite and on PostgreSQL.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod accounts;
mod fixtures;
mod match_writes;
mod migrations;
