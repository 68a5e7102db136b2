//! Black-box tests over real HTTP against a spawned application.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod admin_users;
mod auth;
mod authz;
mod cache_freshness;
mod championships;
mod cli;
mod health;
mod helpers;
mod live;
mod matches;
mod notifications;
mod openapi;
mod operations;
mod players;
mod schedule;
mod security;
mod snapshots;
mod spa;
mod stats;
