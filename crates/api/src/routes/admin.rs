//! Administration of accounts and the e-mail outbox (API.md "Admin and operations"); admins
//! only (`admin_required`).

use actix_web::{HttpResponse, get, patch, web};
use chrono::Utc;
use ttstats_api_types::admin::{OutboxItem, UpdateUserRequest, UserAdminView};
use ttstats_api_types::{Page, PageQuery, ProblemDetails};
use ttstats_domain::UserId;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::services::admin_users;
use crate::services::invalidate;
use crate::state::AppState;
use crate::views;

/// Registers the admin routes for accounts and the outbox.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(update_user)
        .service(list_outbox);
}

/// List accounts
///
/// By id, paginated.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "a page of accounts", body = Page<UserAdminView>),
        (status = 400, description = "`invalid_query_parameter`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`, `invalid_token`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "`admin_required`", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[get("/admin/users")]
async fn list_users(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let page = query.to_request()?;
    let (accounts, total) = admin_users::list_users(&state.db, page).await?;
    let items = accounts
        .iter()
        .map(|a| views::accounts::user_admin(&a.user, a.player_id))
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, page, total)))
}

/// Change an account
///
/// Absent fields stay. Deactivating revokes the account's refresh tokens; a change of
/// verification or activity re-evaluates its player's pending matches.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "user id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "the account as now stored", body = UserAdminView),
        (status = 400, description = "`malformed_request`, `invalid_query_parameter`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`, `invalid_token`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "`admin_required`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[patch("/admin/users/{id}")]
async fn update_user(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<i64>,
    body: web::Json<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let id = UserId(id.into_inner());
    let updated = admin_users::update_user(&state, id, &body, Utc::now()).await?;
    invalidate::account_changed(&state.cache, id).await;
    if updated.verification_changed {
        invalidate::verification_changed(&state.cache).await;
    }
    let account = &updated.account;
    Ok(HttpResponse::Ok().json(views::accounts::user_admin(
        &account.user,
        account.player_id,
    )))
}

/// Queued e-mails
///
/// Verification links and confirmation requests, newest first, paginated.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "a page of the outbox", body = Page<OutboxItem>),
        (status = 400, description = "`invalid_query_parameter`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`, `invalid_token`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "`admin_required`", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[get("/admin/outbox")]
async fn list_outbox(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let page = query.to_request()?;
    let (rows, total) = admin_users::list_outbox(&state.db, page).await?;
    let items = rows.iter().map(views::accounts::outbox_item).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, page, total)))
}
