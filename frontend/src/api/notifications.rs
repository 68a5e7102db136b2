//! The signed-in user's notifications and notification preferences.

use gloo_net::http::Method;
use ttstats_api_types::notifications::{
    Notification, NotificationList, NotificationPreferences, UpdateNotificationPreferencesRequest,
};

use super::client::{self, ApiError};

/// `GET /notifications?page=`.
pub async fn list(page: u32) -> Result<NotificationList, ApiError> {
    client::get(&format!("/notifications?page={page}&per_page=20")).await
}

/// The unread count (one item is enough to get it).
pub async fn unread() -> Result<u32, ApiError> {
    client::get::<NotificationList>("/notifications?per_page=1")
        .await
        .map(|l| l.unread)
}

/// `POST /notifications/{id}/read`.
pub async fn read(id: i64) -> Result<Notification, ApiError> {
    client::send::<(), _>(Method::POST, &format!("/notifications/{id}/read"), None).await
}

/// `POST /notifications/read-all`.
pub async fn read_all() -> Result<NotificationList, ApiError> {
    client::send::<(), _>(Method::POST, "/notifications/read-all", None).await
}

/// `GET /me/notification-preferences`.
pub async fn preferences() -> Result<NotificationPreferences, ApiError> {
    client::get("/me/notification-preferences").await
}

/// `PUT /me/notification-preferences` with the fields to change.
pub async fn update_preferences(
    body: &UpdateNotificationPreferencesRequest,
) -> Result<NotificationPreferences, ApiError> {
    client::send(Method::PUT, "/me/notification-preferences", Some(body)).await
}
