//! Persistence tests; every test runs on SQLite and on PostgreSQL.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod accounts;
mod achievements;
mod aggregates;
mod championships;
mod check;
mod fixtures;
mod fixtures_writes;
mod live;
mod match_meta;
mod match_writes;
mod migrations;
mod notifications;
mod queries;
mod seed;
mod writes;
