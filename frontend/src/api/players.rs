//! Players, their statistics and histories.

use gloo_net::http::Method;
use ttstats_api_types::Page;
use ttstats_api_types::players::{
    Achievements, CreatePlayerRequest, EloHistoryItem, HistoryItem, Player, PlayerStats,
    UpdatePlayerRequest,
};

use super::client::{self, ApiError};
use super::query_string;

/// `GET /players?search=&page=&per_page=`.
pub async fn list(
    search: Option<String>,
    page: Option<u32>,
    per_page: u32,
) -> Result<Page<Player>, ApiError> {
    let query = query_string([
        ("search", search),
        ("page", page.map(|p| p.to_string())),
        ("per_page", Some(per_page.to_string())),
    ]);
    client::get(&format!("/players{query}")).await
}

/// Every player (up to 100), for pickers.
pub async fn all() -> Result<Vec<Player>, ApiError> {
    list(None, None, 100).await.map(|p| p.items)
}

/// `POST /players`: a guest player.
pub async fn create(body: &CreatePlayerRequest) -> Result<Player, ApiError> {
    client::send(Method::POST, "/players", Some(body)).await
}

/// `GET /players/{id}`.
pub async fn get(id: i64) -> Result<Player, ApiError> {
    client::get(&format!("/players/{id}")).await
}

/// `GET /players/{id}/stats`.
pub async fn stats(id: i64) -> Result<PlayerStats, ApiError> {
    client::get(&format!("/players/{id}/stats")).await
}

/// `GET /players/{id}/matches?page=`.
pub async fn matches(id: i64, page: u32) -> Result<Page<HistoryItem>, ApiError> {
    client::get(&format!("/players/{id}/matches?page={page}&per_page=10")).await
}

/// `GET /players/{id}/elo-history`.
pub async fn elo_history(id: i64) -> Result<Vec<EloHistoryItem>, ApiError> {
    client::get(&format!("/players/{id}/elo-history")).await
}

/// `PATCH /players/{id}`: the linked user (or an admin) edits the profile.
pub async fn update(id: i64, body: &UpdatePlayerRequest) -> Result<Player, ApiError> {
    client::send(Method::PATCH, &format!("/players/{id}"), Some(body)).await
}

/// `GET /players/{id}/achievements`.
pub async fn achievements(id: i64) -> Result<Achievements, ApiError> {
    client::get(&format!("/players/{id}/achievements")).await
}
