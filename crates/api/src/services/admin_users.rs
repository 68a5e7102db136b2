//! Account administration (API.md "Admin and operations"): list accounts, change their
//! verification, admin rights and activity, read the e-mail outbox.

use chrono::{DateTime, Utc};
use ttstats_api_types::admin::UpdateUserRequest;
use ttstats_domain::UserId;
use ttstats_domain::player_stats::PageRequest;
use ttstats_persistence::match_writes::WriteOutcome;
use ttstats_persistence::outbox::{self, OutboxRow};
use ttstats_persistence::users::{self, UserChanges, UserRow};
use ttstats_persistence::{Db, DbError, to_db};
use ttstats_persistence::{players, tokens};

use crate::error::ApiError;
use crate::services::accounts::reevaluate_player_of;
use crate::services::matches::ask_all_to_confirm;
use crate::state::AppState;

/// An account with its player's id.
#[derive(Debug, Clone)]
pub struct Account {
    /// The user.
    pub user: UserRow,
    /// Its player.
    pub player_id: Option<i64>,
}

/// An account after an administrative change.
#[derive(Debug, Clone)]
pub struct UpdatedAccount {
    /// The account as now stored.
    pub account: Account,
    /// Refresh tokens revoked by a deactivation.
    pub revoked_tokens: usize,
    /// Pending matches re-evaluated because the player's verification changed.
    pub outcomes: Vec<WriteOutcome>,
    /// Whether the account now counts as verified differently (e-mail verified and active):
    /// the only change that alters cached values.
    pub verification_changed: bool,
}

/// A page of accounts by id, and the total.
pub async fn list_users(db: &Db, page: PageRequest) -> Result<(Vec<Account>, u32), ApiError> {
    let (offset, limit) = window(page);
    let (rows, total) = db
        .run(async |conn| users::list_users_with_player(conn, offset, limit).await)
        .await?;
    let accounts = rows
        .into_iter()
        .map(|(user, player_id)| Account { user, player_id })
        .collect();
    Ok((accounts, count(total)))
}

/// Applies an admin's change to an account. Deactivating revokes every refresh token of the
/// account (its access tokens stop working at once: the extractor refuses inactive users); a
/// change of whether its player counts as verified (verified e-mail and active) re-evaluates
/// the player's pending matches in the same transaction (DOMAIN.md §3.5).
pub async fn update_user(
    state: &AppState,
    id: UserId,
    request: &UpdateUserRequest,
    now: DateTime<Utc>,
) -> Result<UpdatedAccount, ApiError> {
    let updated = state
        .db
        .transaction(async |conn| {
            let before = users::get_user(conn, id).await?;
            let changes = UserChanges {
                is_admin: request.is_admin,
                is_active: request.active,
                email_verified_at: match request.email_verified {
                    Some(true) if !before.email_verified() => Some(Some(to_db(now))),
                    Some(false) if before.email_verified() => Some(None),
                    _ => None,
                },
                last_login_at: None,
            };
            if changes.is_admin.is_some()
                || changes.is_active.is_some()
                || changes.email_verified_at.is_some()
            {
                users::update_user(conn, id, &changes).await?;
            }
            let revoked_tokens = if request.active == Some(false) {
                tokens::revoke_all_of_user(conn, id, now).await?
            } else {
                0
            };
            let user = users::get_user(conn, id).await?;
            let counts = |u: &UserRow| u.is_active && u.email_verified();
            let verification_changed = counts(&before) != counts(&user);
            let outcomes = if verification_changed {
                reevaluate_player_of(conn, &user, now).await?
            } else {
                Vec::new()
            };
            ask_all_to_confirm(conn, state, &outcomes, now).await?;
            let player_id = players::find_player_of_user(conn, user.id)
                .await?
                .map(|p| p.id);
            Ok(UpdatedAccount {
                account: Account { user, player_id },
                revoked_tokens,
                outcomes,
                verification_changed,
            })
        })
        .await
        .map_err(|e| match e {
            DbError::NotFound => ApiError::not_found("user"),
            other => other.into(),
        })?;
    if updated.revoked_tokens > 0 {
        tracing::info!(
            user_id = id.0,
            revoked = updated.revoked_tokens,
            "deactivated account's refresh tokens revoked"
        );
    }
    Ok(updated)
}

/// A page of the outbox, newest first, and the total.
pub async fn list_outbox(db: &Db, page: PageRequest) -> Result<(Vec<OutboxRow>, u32), ApiError> {
    let (offset, limit) = window(page);
    let (rows, total) = db
        .run(async |conn| outbox::list_outbox(conn, offset, limit).await)
        .await?;
    Ok((rows, count(total)))
}

fn window(page: PageRequest) -> (i64, i64) {
    (
        i64::try_from(page.offset()).unwrap_or(i64::MAX),
        i64::from(page.per_page),
    )
}

fn count(total: i64) -> u32 {
    u32::try_from(total).unwrap_or(u32::MAX)
}
