//! Championships: list, standings and fixtures, registration.

use gloo_net::http::Method;
use ttstats_api_types::Page;
use ttstats_api_types::championships::{
    Championship, CreateChampionshipRequest, RegisterEntryRequest,
};

use super::client::{self, ApiError};

/// `GET /championships?status=`.
pub async fn list(status: Option<String>) -> Result<Page<Championship>, ApiError> {
    let q = super::query_string([("status", status), ("per_page", Some("50".into()))]);
    client::get(&format!("/championships{q}")).await
}

/// `POST /championships`.
pub async fn create(body: &CreateChampionshipRequest) -> Result<Championship, ApiError> {
    client::send(Method::POST, "/championships", Some(body)).await
}

/// `GET /championships/{id}`.
pub async fn get(id: i64) -> Result<Championship, ApiError> {
    client::get(&format!("/championships/{id}")).await
}

/// `POST /championships/{id}/register|unregister|start`.
pub async fn act(
    id: i64,
    action: &'static str,
    body: Option<RegisterEntryRequest>,
) -> Result<Championship, ApiError> {
    client::send(
        Method::POST,
        &format!("/championships/{id}/{action}"),
        body.as_ref(),
    )
    .await
}
