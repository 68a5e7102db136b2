//! Administration: accounts, outbox, cache, Elo recalculation.

use gloo_net::http::Method;
use ttstats_api_types::Page;
use ttstats_api_types::admin::{
    CacheStats, CacheWarmReport, OutboxItem, RecalculateReport, UpdateUserRequest, UserAdminView,
};

use super::client::{self, ApiError};

/// `GET /admin/users?page=`.
pub async fn users(page: u32) -> Result<Page<UserAdminView>, ApiError> {
    client::get(&format!("/admin/users?page={page}&per_page=50")).await
}

/// `PATCH /admin/users/{id}`.
pub async fn update_user(id: i64, body: &UpdateUserRequest) -> Result<UserAdminView, ApiError> {
    client::send(Method::PATCH, &format!("/admin/users/{id}"), Some(body)).await
}

/// `GET /admin/outbox?page=`.
pub async fn outbox(page: u32) -> Result<Page<OutboxItem>, ApiError> {
    client::get(&format!("/admin/outbox?page={page}&per_page=50")).await
}

/// `GET /admin/cache/stats`.
pub async fn cache_stats() -> Result<CacheStats, ApiError> {
    client::get_with_header("/admin/cache/stats", ("Cache-Control", "no-cache")).await
}

/// `POST /admin/cache/clear`.
pub async fn clear_cache() -> Result<(), ApiError> {
    client::send_no_content::<()>(Method::POST, "/admin/cache/clear", None).await
}

/// `POST /admin/cache/warm` (the most active 50 players).
pub async fn warm_cache() -> Result<CacheWarmReport, ApiError> {
    client::send::<(), _>(Method::POST, "/admin/cache/warm", None).await
}

/// `POST /admin/elo/recalculate?dry_run=`.
pub async fn recalculate(dry_run: bool) -> Result<RecalculateReport, ApiError> {
    client::send::<(), _>(
        Method::POST,
        &format!("/admin/elo/recalculate?dry_run={dry_run}"),
        None,
    )
    .await
}
