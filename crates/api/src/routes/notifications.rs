//! The caller's in-app notifications and notification preferences (API.md
//! `/notifications`; DOMAIN.md §3.16). Own rows only: another user's notification is 404.

use actix_web::{get, post, put, web};
use ttstats_api_types::notifications::{
    Notification, NotificationList, NotificationPreferences, UpdateNotificationPreferencesRequest,
};
use ttstats_api_types::{PageQuery, ProblemDetails};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::services::notifications;
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_notifications)
        .service(read_all_notifications)
        .service(read_notification)
        .service(get_preferences)
        .service(update_preferences);
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(
    tag = "me",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "a page of notifications", body = NotificationList),
        (status = 400, description = "`invalid_query_parameter`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/notifications")]
async fn list_notifications(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<NotificationList>, ApiError> {
    let page = query.to_request()?;
    Ok(web::Json(
        notifications::list(&state.db, &user, page).await?,
    ))
}

/// Marks every notification of the caller read; answers the first page afterwards.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the first page, nothing unread", body = NotificationList),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[post("/notifications/read-all")]
async fn read_all_notifications(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<web::Json<NotificationList>, ApiError> {
    Ok(web::Json(
        notifications::mark_all_read(&state.db, &user).await?,
    ))
}

/// Marks one of the caller's notifications read (a read one stays as it was).
#[utoipa::path(
    tag = "me",
    params(("id" = i64, Path, description = "notification id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the notification", body = Notification),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 404, description = "`not_found`, also for another user's notification",
            body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/notifications/{id}/read")]
async fn read_notification(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Notification>, ApiError> {
    Ok(web::Json(
        notifications::mark_read(&state.db, &user, *id).await?,
    ))
}

/// The caller's notification preferences, one switch per kind.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the preferences", body = NotificationPreferences),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[get("/me/notification-preferences")]
async fn get_preferences(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<web::Json<NotificationPreferences>, ApiError> {
    Ok(web::Json(
        notifications::preferences(&state.db, &user).await?,
    ))
}

/// Changes the caller's notification preferences: the fields sent change, absent ones stay.
#[utoipa::path(
    tag = "me",
    request_body = UpdateNotificationPreferencesRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the preferences now", body = NotificationPreferences),
        (status = 400, description = "`malformed_request`", body = ProblemDetails,
            content_type = "application/problem+json"),
        (status = 401, description = "not signed in", body = ProblemDetails,
            content_type = "application/problem+json"),
    )
)]
#[put("/me/notification-preferences")]
async fn update_preferences(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<UpdateNotificationPreferencesRequest>,
) -> Result<web::Json<NotificationPreferences>, ApiError> {
    Ok(web::Json(
        notifications::update_preferences(&state.db, &user, &body).await?,
    ))
}
