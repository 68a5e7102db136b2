//! The caller's in-app notifications and preferences (DOMAIN.md §3.16, §4.1: own only). Never
//! cached: they are per user and change with every read mark.

use chrono::Utc;
use ttstats_api_types::notifications::{
    Notification, NotificationList, NotificationPreferences, UpdateNotificationPreferencesRequest,
};
use ttstats_domain::UserId;
use ttstats_domain::player_stats::PageRequest;
use ttstats_persistence::Db;
use ttstats_persistence::notifications;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::services::{or_not_found, total};
use crate::views::notifications as views;

fn user_id(user: &AuthUser) -> UserId {
    user.user_id
}

/// One page of the caller's notifications, newest first, with the unread count.
pub async fn list(
    db: &Db,
    user: &AuthUser,
    page: PageRequest,
) -> Result<NotificationList, ApiError> {
    let inbox = db
        .run(async |conn| {
            notifications::inbox(
                conn,
                user_id(user),
                i64::try_from(page.offset()).unwrap_or(i64::MAX),
                i64::from(page.per_page),
            )
            .await
        })
        .await?;
    Ok(NotificationList {
        items: inbox.items.iter().filter_map(views::notification).collect(),
        unread: total(inbox.unread),
        page: page.page,
        per_page: page.per_page,
        total: total(inbox.total),
    })
}

/// Marks one of the caller's notifications read; someone else's is `not_found`.
pub async fn mark_read(db: &Db, user: &AuthUser, id: i64) -> Result<Notification, ApiError> {
    let now = Utc::now();
    let row = db
        .transaction(async |conn| notifications::mark_read(conn, user_id(user), id, now).await)
        .await
        .map_err(or_not_found("notification"))?;
    views::notification(&row).ok_or(ApiError::not_found("notification"))
}

/// Marks all of the caller's notifications read; returns the list's first page afterwards.
pub async fn mark_all_read(db: &Db, user: &AuthUser) -> Result<NotificationList, ApiError> {
    let now = Utc::now();
    db.transaction(async |conn| notifications::mark_all_read(conn, user_id(user), now).await)
        .await?;
    list(db, user, PageRequest::default()).await
}

/// The caller's preferences.
pub async fn preferences(db: &Db, user: &AuthUser) -> Result<NotificationPreferences, ApiError> {
    let stored = db
        .run(async |conn| notifications::preferences(conn, user_id(user)).await)
        .await?;
    Ok(views::preferences(&stored))
}

/// Changes the fields sent; the others stay. Returns the result.
pub async fn update_preferences(
    db: &Db,
    user: &AuthUser,
    update: &UpdateNotificationPreferencesRequest,
) -> Result<NotificationPreferences, ApiError> {
    let wanted = db
        .transaction(async |conn| {
            let current =
                views::preferences(&notifications::preferences(conn, user_id(user)).await?);
            let wanted = update.apply(current);
            notifications::set_preferences(
                conn,
                user_id(user),
                &views::stored_preferences(&wanted),
            )
            .await?;
            Ok(wanted)
        })
        .await?;
    Ok(wanted)
}
