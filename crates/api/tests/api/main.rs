//! Black-box tests over real HTTP against a spawned application.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod admin_users;
mod auth;
mod cli;
mod health;
mod helpers;
mod matches;
mod live;
mod openapi;
mod players;
mod schedule;
