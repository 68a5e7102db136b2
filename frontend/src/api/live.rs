//! Live scoring of a singles match, point by point.

use gloo_net::http::Method;
use ttstats_api_types::live::{LiveState, PointRequest, StartLiveRequest};

use super::client::{self, ApiError};

/// `GET /matches/{id}/live`.
pub async fn state(id: i64) -> Result<LiveState, ApiError> {
    client::get(&format!("/matches/{id}/live")).await
}

/// `POST /matches/{id}/live/start`.
pub async fn start(id: i64, initial_server: i64) -> Result<LiveState, ApiError> {
    let body = StartLiveRequest { initial_server };
    client::send(
        Method::POST,
        &format!("/matches/{id}/live/start"),
        Some(&body),
    )
    .await
}

/// `POST /matches/{id}/live/point`.
pub async fn point(id: i64, side: i64) -> Result<LiveState, ApiError> {
    let body = PointRequest { side };
    client::send(
        Method::POST,
        &format!("/matches/{id}/live/point"),
        Some(&body),
    )
    .await
}

/// `POST /matches/{id}/live/{action}` for `undo`, `end` and `side-switch`.
pub async fn action(id: i64, action: &'static str) -> Result<LiveState, ApiError> {
    client::send::<(), _>(Method::POST, &format!("/matches/{id}/live/{action}"), None).await
}
