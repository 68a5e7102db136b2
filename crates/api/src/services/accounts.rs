//! Accounts and sessions (DOMAIN.md §4.3): registration (also behind `ttstats user create`),
//! e-mail verification, sign-in, refresh-token rotation and sign-out.
//!
//! Verification links go to the `email_outbox` in the registering transaction and, since no
//! SMTP sender exists yet, to the log at `info` — the log line carries the link and therefore
//! the token (the only delivery there is). Passwords are never logged, stored or echoed.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use ttstats_api_types::auth::{NewAccount, TokenResponse};
use ttstats_domain::account::{self, SignInAttempt};
use ttstats_domain::{DomainError, UserId};
use ttstats_persistence::match_writes::{self, WriteOutcome};
use ttstats_persistence::outbox::{self, NewOutboxEmail};
use ttstats_persistence::players::{self, NewPlayer, PlayerView};
use ttstats_persistence::tokens::{self, NewRefreshToken};
use ttstats_persistence::users::{self, NewUser, UserChanges, UserRow};
use ttstats_persistence::{Conn, Db, DbError, from_db, to_db};

use crate::auth::{self, ACCESS_TOKEN_SECONDS, AuthUser, JwtKeys, REFRESH_TOKEN_DAYS};
use crate::config::Settings;
use crate::error::ApiError;
use crate::ratelimit::RateKey;
use crate::services::matches::ask_all_to_confirm;
use crate::state::AppState;

/// The outbox `kind` of verification e-mails.
pub const VERIFY_EMAIL: &str = "verify_email";

/// What an operator may set on an account created outside registration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountFlags {
    /// Grant administrator rights.
    pub is_admin: bool,
    /// Mark the e-mail address verified (no verification e-mail is queued).
    pub verified: bool,
}

/// A new account and its player.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    /// The user.
    pub user: UserRow,
    /// Its player.
    pub player: PlayerView,
}

/// The result of following a verification link.
#[derive(Debug, Clone)]
pub struct Verification {
    /// The user, as now stored.
    pub user: UserRow,
    /// The address was verified before; nothing changed.
    pub already_verified: bool,
    /// The session the verification opened (absent when already verified or deactivated).
    pub tokens: Option<TokenResponse>,
    /// Pending matches re-evaluated because the player became verified.
    pub outcomes: Vec<WriteOutcome>,
}

/// Creates a user, its player and, unless `flags.verified`, a verification token whose link is
/// queued in the outbox — all in one transaction. A taken username or e-mail is
/// `username_taken` / `email_taken`, also when two registrations race (unique indexes).
pub async fn create_account(
    db: &Db,
    settings: &Settings,
    new: &NewAccount,
    flags: AccountFlags,
    now: DateTime<Utc>,
) -> Result<CreatedAccount, ApiError> {
    let password = new.password.clone();
    let hash = blocking(move || auth::hash_password(&password)).await??;
    let (created, link) = db
        .transaction(async |conn| {
            let user_id = users::insert_user(
                conn,
                &NewUser {
                    username: &new.username,
                    email: &new.email,
                    password_hash: &hash,
                    is_admin: flags.is_admin,
                    is_active: true,
                    email_verified_at: flags.verified.then_some(to_db(now)),
                    created_at: to_db(now),
                },
            )
            .await?;
            let player_id = players::insert_player(
                conn,
                &NewPlayer {
                    user_id: Some(user_id.0),
                    name: &new.player_name,
                    nickname: &new.nickname,
                    playing_style: new.playing_style.as_str(),
                    notes: "",
                    created_by_user_id: Some(user_id.0),
                    created_at: to_db(now),
                    updated_at: to_db(now),
                },
            )
            .await?;
            let user = users::get_user(conn, user_id).await?;
            let link = if flags.verified {
                None
            } else {
                Some(queue_verification(conn, settings, &user, now).await?)
            };
            let row = players::get_player(conn, player_id).await?;
            let player = players::views(conn, vec![row])
                .await?
                .pop()
                .ok_or(DbError::NotFound)?;
            Ok((CreatedAccount { user, player }, link))
        })
        .await?;
    if let Some(link) = link {
        log_verification_link(&created.user, &link);
    }
    Ok(created)
}

/// Registration: an unverified account whose verification link goes to the outbox. It does
/// not sign in. The caller checked that the request is anonymous and not throttled.
pub async fn register(state: &AppState, new: &NewAccount) -> Result<CreatedAccount, ApiError> {
    create_account(
        &state.db,
        &state.settings,
        new,
        AccountFlags::default(),
        Utc::now(),
    )
    .await
}

/// Follows a verification link: valid 24 h after sending and once. Success verifies the
/// address, deletes the token, re-evaluates the player's pending matches and signs in.
pub async fn verify_email(state: &AppState, token: &str) -> Result<Verification, ApiError> {
    let now = Utc::now();
    let hash = auth::hash_token(token.trim());
    let (verification, refresh) = state
        .db
        .transaction(async |conn| {
            let Some(stored) = tokens::find_verification_token(conn, &hash).await? else {
                return Err(DomainError::VerificationTokenInvalid.into());
            };
            let user = users::get_user(conn, UserId(stored.user_id)).await?;
            if user.email_verified() {
                tokens::delete_verification_token(conn, user.user_id()).await?;
                let done = Verification {
                    user,
                    already_verified: true,
                    tokens: None,
                    outcomes: Vec::new(),
                };
                return Ok((done, None));
            }
            account::check_verification_token(from_db(stored.sent_at), now)?;
            users::mark_verified(conn, user.user_id(), now).await?;
            tokens::delete_verification_token(conn, user.user_id()).await?;
            let outcomes = reevaluate_player_of(conn, &user, now).await?;
            ask_all_to_confirm(conn, state, &outcomes, now).await?;
            let user = users::get_user(conn, user.user_id()).await?;
            let refresh = if user.is_active {
                Some(open_session(conn, &user, now).await?)
            } else {
                None
            };
            let done = Verification {
                user,
                already_verified: false,
                tokens: None,
                outcomes,
            };
            Ok((done, refresh))
        })
        .await?;
    let tokens = match refresh {
        Some(refresh) => Some(token_pair(&state.jwt, verification.user.id, refresh, now)?),
        None => None,
    };
    Ok(Verification {
        tokens,
        ..verification
    })
}

/// Queues a new verification e-mail for the unverified account with this address, replacing
/// the earlier link, at most `verification_emails` per window per account. Says nothing about
/// whether the address exists: every outcome is `Ok`.
pub async fn resend_verification(state: &AppState, email: &str) -> Result<(), ApiError> {
    let now = Utc::now();
    let limit = state.settings.rate_limits.verification_emails;
    let since = now - Duration::from_std(limit.window).unwrap_or(Duration::hours(1));
    let queued = state
        .db
        .transaction(async |conn| {
            let Some(user) = users::find_by_email(conn, email).await? else {
                return Ok(None);
            };
            if user.email_verified() || !user.is_active {
                return Ok(None);
            }
            let sent =
                outbox::count_queued_since(conn, user.user_id(), VERIFY_EMAIL, since).await?;
            if sent >= i64::from(limit.max) {
                tracing::info!(user_id = user.id, "verification e-mail limit reached");
                return Ok(None);
            }
            let link = queue_verification(conn, &state.settings, &user, now).await?;
            Ok(Some((user, link)))
        })
        .await?;
    if let Some((user, link)) = queued {
        log_verification_link(&user, &link);
    }
    Ok(())
}

/// Signs in with a username or e-mail address (DOMAIN.md §4.3). Failed attempts count per
/// client address and per account; once either reached the limit every attempt is refused with
/// `rate_limited` until its window ends, and a success resets the account's count. An unknown
/// login is checked against a dummy hash so it costs the same time as a known one.
pub async fn login(
    state: &AppState,
    ip: IpAddr,
    login: &str,
    password: &str,
) -> Result<TokenResponse, ApiError> {
    let limit = state.settings.rate_limits.sign_in_failures;
    let limiter = state.limiter.as_ref();
    let ip_key = RateKey::SignInIp(ip);
    limiter.check(&ip_key, limit).await?;
    let user = state
        .db
        .run(async |conn| users::find_by_login(conn, login).await)
        .await?;
    let account_key = RateKey::SignInAccount(user.as_ref().map_or_else(
        || format!("login:{}", login.trim().to_lowercase()),
        |u| format!("user:{}", u.id),
    ));
    limiter.check(&account_key, limit).await?;
    let hash = user.as_ref().map_or_else(
        || auth::dummy_hash().to_owned(),
        |u| u.password_hash.clone(),
    );
    let password = password.to_owned();
    let matches = blocking(move || auth::verify_password(&password, &hash)).await?;
    let attempt = SignInAttempt {
        password_ok: matches && user.is_some(),
        is_active: user.as_ref().is_some_and(|u| u.is_active),
        email_verified: user.as_ref().is_some_and(UserRow::email_verified),
    };
    let user = match (account::check_sign_in(attempt), user) {
        (Ok(()), Some(user)) => user,
        (Err(DomainError::InvalidCredentials), _) | (Ok(()), None) => {
            // Both were below the limit a moment ago; a refusal here only means a concurrent
            // attempt took the last slot, and this attempt is refused anyway.
            let _ = limiter.hit(&ip_key, limit).await;
            let _ = limiter.hit(&account_key, limit).await;
            return Err(DomainError::InvalidCredentials.into());
        }
        (Err(rule), _) => return Err(rule.into()),
    };
    limiter.reset(&account_key).await;
    let now = Utc::now();
    let refresh = state
        .db
        .transaction(async |conn| open_session(conn, &user, now).await)
        .await?;
    token_pair(&state.jwt, user.id, refresh, now)
}

/// Exchanges a refresh token for a new pair; the presented one stops working. Presenting a
/// token that was already rotated revokes its whole family (`token_reused`): either the
/// holder or a thief used it after rotation, and the server cannot tell which.
pub async fn refresh(state: &AppState, presented: &str) -> Result<TokenResponse, ApiError> {
    enum Rotation {
        Rotated { user_id: i64, refresh: String },
        Reused,
        Invalid,
        Refused(DomainError),
    }
    let now = Utc::now();
    let hash = auth::hash_token(presented.trim());
    // Reuse must commit its family revocation, so refusals are values, not errors.
    let rotation = state
        .db
        .transaction(async |conn| {
            let Some(token) = tokens::find_refresh_token(conn, &hash).await? else {
                return Ok(Rotation::Invalid);
            };
            if token.revoked_at.is_some() {
                if tokens::has_successor(conn, &token).await? {
                    tokens::revoke_family(conn, &token.family_id, now).await?;
                    return Ok(Rotation::Reused);
                }
                return Ok(Rotation::Invalid);
            }
            if from_db(token.expires_at) <= now {
                return Ok(Rotation::Invalid);
            }
            let user = users::get_user(conn, UserId(token.user_id)).await?;
            let attempt = SignInAttempt {
                password_ok: true,
                is_active: user.is_active,
                email_verified: user.email_verified(),
            };
            if let Err(rule) = account::check_sign_in(attempt) {
                return Ok(Rotation::Refused(rule));
            }
            if !tokens::revoke_refresh_token(conn, token.id, now).await? {
                // A concurrent request rotated it first: this one is a reuse.
                tokens::revoke_family(conn, &token.family_id, now).await?;
                return Ok(Rotation::Reused);
            }
            let refresh = insert_refresh(conn, user.id, &token.family_id, now).await?;
            Ok(Rotation::Rotated {
                user_id: user.id,
                refresh,
            })
        })
        .await?;
    match rotation {
        Rotation::Rotated { user_id, refresh } => token_pair(&state.jwt, user_id, refresh, now),
        Rotation::Reused => {
            tracing::warn!("a rotated refresh token was reused; its family is revoked");
            Err(ApiError::TokenReused)
        }
        Rotation::Invalid => Err(ApiError::InvalidToken),
        Rotation::Refused(rule) => Err(rule.into()),
    }
}

/// Ends the session of a refresh token (its whole family). Unknown tokens are ignored, so a
/// repeated sign-out succeeds too.
pub async fn logout(state: &AppState, presented: &str) -> Result<(), ApiError> {
    let now = Utc::now();
    let hash = auth::hash_token(presented.trim());
    state
        .db
        .transaction(async |conn| {
            if let Some(token) = tokens::find_refresh_token(conn, &hash).await? {
                tokens::revoke_family(conn, &token.family_id, now).await?;
            }
            Ok(())
        })
        .await?;
    Ok(())
}

/// The signed-in user and their player with its verification.
pub async fn me(db: &Db, caller: &AuthUser) -> Result<(UserRow, Option<PlayerView>), ApiError> {
    let (user, player) = db
        .run(async |conn| {
            let user = users::get_user(conn, caller.user_id).await?;
            let player = match players::find_player_of_user(conn, user.id).await? {
                Some(row) => players::views(conn, vec![row]).await?.pop(),
                None => None,
            };
            Ok((user, player))
        })
        .await?;
    Ok((user, player))
}

/// Re-evaluates the pending matches of the user's player after its verification or activity
/// changed (DOMAIN.md §3.5).
pub(crate) async fn reevaluate_player_of(
    conn: &mut Conn<'_>,
    user: &UserRow,
    now: DateTime<Utc>,
) -> Result<Vec<WriteOutcome>, DbError> {
    match players::find_player_of_user(conn, user.id).await? {
        Some(player) => match_writes::reevaluate_pending(conn, player.player_id(), now).await,
        None => Ok(Vec::new()),
    }
}

/// Records the sign-in and starts a new refresh-token family; returns the refresh token.
async fn open_session(
    conn: &mut Conn<'_>,
    user: &UserRow,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    users::update_user(
        conn,
        user.user_id(),
        &UserChanges {
            last_login_at: Some(Some(to_db(now))),
            ..UserChanges::default()
        },
    )
    .await?;
    let (family, _) = auth::new_opaque_token();
    insert_refresh(conn, user.id, &family, now).await
}

async fn insert_refresh(
    conn: &mut Conn<'_>,
    user_id: i64,
    family_id: &str,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    let (token, hash) = auth::new_opaque_token();
    tokens::insert_refresh_token(
        conn,
        &NewRefreshToken {
            user_id,
            family_id,
            token_hash: &hash,
            created_at: to_db(now),
            expires_at: to_db(now + Duration::days(REFRESH_TOKEN_DAYS)),
        },
    )
    .await?;
    Ok(token)
}

fn token_pair(
    jwt: &JwtKeys,
    user_id: i64,
    refresh: String,
    now: DateTime<Utc>,
) -> Result<TokenResponse, ApiError> {
    let access = jwt.issue(user_id, now)?;
    Ok(TokenResponse::bearer(
        access,
        refresh,
        ACCESS_TOKEN_SECONDS.unsigned_abs(),
    ))
}

/// Stores a fresh verification token for `user` (replacing any earlier one) and queues the
/// e-mail with its absolute link; returns the link.
async fn queue_verification(
    conn: &mut Conn<'_>,
    settings: &Settings,
    user: &UserRow,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    let (token, hash) = auth::new_opaque_token();
    let expires = account::verification_token_expires_at(now);
    tokens::upsert_verification_token(conn, user.user_id(), &hash, now, expires).await?;
    let link = format!("{}/verify-email/{token}", settings.public_url);
    let body = format!(
        "Hello {},\n\nplease confirm your e-mail address for ttstats by opening this link \
         within 24 hours:\n\n{link}\n\nIf you did not create an account, ignore this message.\n",
        user.username
    );
    outbox::insert_email(
        conn,
        &NewOutboxEmail {
            user_id: Some(user.id),
            to_address: &user.email,
            kind: VERIFY_EMAIL,
            subject: "Confirm your e-mail address",
            body_text: &body,
            created_at: to_db(now),
            send_after: to_db(now),
        },
    )
    .await?;
    Ok(link)
}

fn log_verification_link(user: &UserRow, link: &str) {
    tracing::info!(
        user_id = user.id,
        to = %user.email,
        link,
        "verification e-mail queued in the outbox"
    );
}

/// Runs CPU-heavy work (argon2) off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(e.into()))
}
