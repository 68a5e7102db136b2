//! Leaderboard, head-to-head and the dashboard.

use ttstats_api_types::stats::{Dashboard, HeadToHead, Leaderboard, LeaderboardQuery, PairStats};

use super::client::{self, ApiError};
use super::query_string;

/// `GET /leaderboard` with the filters as given.
pub async fn leaderboard(query: &LeaderboardQuery) -> Result<Leaderboard, ApiError> {
    let q = query_string([
        ("kind", query.kind.clone()),
        ("period", query.period.clone()),
        ("from", query.from.clone()),
        ("to", query.to.clone()),
        ("limit", query.limit.clone()),
    ]);
    client::get(&format!("/leaderboard{q}")).await
}

/// `GET /head-to-head?player1=&player2=`.
pub async fn head_to_head(player1: i64, player2: i64) -> Result<HeadToHead, ApiError> {
    client::get(&format!(
        "/head-to-head?player1={player1}&player2={player2}"
    ))
    .await
}

/// `GET /dashboard`.
pub async fn dashboard() -> Result<Dashboard, ApiError> {
    client::get("/dashboard").await
}

/// `GET /pairs?player1=&player2=`: two players as doubles partners.
pub async fn pair(player1: i64, player2: i64) -> Result<PairStats, ApiError> {
    client::get(&format!("/pairs?player1={player1}&player2={player2}")).await
}
