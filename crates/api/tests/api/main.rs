//! Black-box tests over real HTTP against a spawned application.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod cli;
mod health;
mod helpers;
mod openapi;
mod matches;
mod players;
