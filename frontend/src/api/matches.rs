//! Matches, confirmation and projections.

use gloo_net::http::Method;
use ttstats_api_types::Page;
use ttstats_api_types::matches::{
    CreateMatchRequest, Game, GameInput, Match, Projection, UpdateMatchRequest,
};

use super::client::{self, ApiError};

/// `POST /matches`.
pub async fn create(body: &CreateMatchRequest) -> Result<Match, ApiError> {
    client::send(Method::POST, "/matches", Some(body)).await
}

/// `GET /matches?player=&kind=&confirmed=true`: up to 100 confirmed matches of a player.
pub async fn confirmed_of(player: i64, kind: &str) -> Result<Page<Match>, ApiError> {
    client::get(&format!(
        "/matches?player={player}&kind={kind}&confirmed=true&per_page=100"
    ))
    .await
}

/// `GET /matches/{id}`.
pub async fn get(id: i64) -> Result<Match, ApiError> {
    client::get(&format!("/matches/{id}")).await
}

/// `POST /matches/{id}/confirm`.
pub async fn confirm(id: i64) -> Result<Match, ApiError> {
    client::send::<(), _>(Method::POST, &format!("/matches/{id}/confirm"), None).await
}

/// `DELETE /matches/{id}`.
pub async fn delete(id: i64) -> Result<(), ApiError> {
    client::send_no_content::<()>(Method::DELETE, &format!("/matches/{id}"), None).await
}

/// `GET /matches/{id}/projection`.
pub async fn projection(id: i64) -> Result<Projection, ApiError> {
    client::get(&format!("/matches/{id}/projection")).await
}

/// `GET /me/pending`: matches waiting for the caller's confirmation.
pub async fn pending(page: u32) -> Result<Page<Match>, ApiError> {
    client::get(&format!("/me/pending?page={page}")).await
}

/// `PATCH /matches/{id}`: played_at, type, format, notes.
pub async fn update(id: i64, body: &UpdateMatchRequest) -> Result<Match, ApiError> {
    client::send(Method::PATCH, &format!("/matches/{id}"), Some(body)).await
}

/// `POST /matches/{id}/games`.
pub async fn add_game(id: i64, game: &GameInput) -> Result<(), ApiError> {
    client::send_no_content(Method::POST, &format!("/matches/{id}/games"), Some(game)).await
}

/// `PUT /matches/{id}/games/{number}`.
pub async fn edit_game(id: i64, number: u8, game: &GameInput) -> Result<Game, ApiError> {
    client::send(
        Method::PUT,
        &format!("/matches/{id}/games/{number}"),
        Some(game),
    )
    .await
}

/// `DELETE /matches/{id}/games/{number}`; later games move up one number.
pub async fn delete_game(id: i64, number: u8) -> Result<(), ApiError> {
    client::send_no_content::<()>(
        Method::DELETE,
        &format!("/matches/{id}/games/{number}"),
        None,
    )
    .await
}
