//! Refresh tokens (rotating, grouped in families) and e-mail verification tokens (one live per
//! user). Only SHA-256 hashes are stored; callers hash before looking up (DOMAIN.md §2, §4.3).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::UserId;

use crate::conn::Conn;
use crate::error::DbError;
use crate::schema::{email_verification_tokens as evt, refresh_tokens as rt};
use crate::to_db;

/// A `refresh_tokens` row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = rt)]
pub struct RefreshTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub family_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A new refresh token.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = rt)]
pub struct NewRefreshToken<'a> {
    pub user_id: i64,
    pub family_id: &'a str,
    pub token_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// An `email_verification_tokens` row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = evt)]
pub struct VerificationTokenRow {
    pub user_id: i64,
    pub token_hash: String,
    pub sent_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Inserts a refresh token; returns its id.
pub async fn insert_refresh_token(
    conn: &mut Conn<'_>,
    new: &NewRefreshToken<'_>,
) -> Result<i64, DbError> {
    Ok(db_run!(conn, |c| diesel::insert_into(rt::table)
        .values(new)
        .returning(rt::id)
        .get_result::<i64>(c)
        .await)?)
}

/// The refresh token with this hash, revoked or not.
pub async fn find_refresh_token(
    conn: &mut Conn<'_>,
    token_hash: &str,
) -> Result<Option<RefreshTokenRow>, DbError> {
    Ok(db_run!(conn, |c| rt::table
        .filter(rt::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .first(c)
        .await
        .optional())?)
}

/// Whether a token was issued in the family after `id`: a revoked token with a successor was
/// rotated, so presenting it again is a reuse.
pub async fn has_successor(conn: &mut Conn<'_>, token: &RefreshTokenRow) -> Result<bool, DbError> {
    let later = db_run!(conn, |c| rt::table
        .filter(rt::family_id.eq(&token.family_id))
        .filter(rt::id.gt(token.id))
        .count()
        .get_result::<i64>(c)
        .await)?;
    Ok(later > 0)
}

/// Revokes one token unless it is already revoked; `false` when another request revoked it
/// first (the conditional UPDATE makes concurrent rotations of one token race-free).
pub async fn revoke_refresh_token(
    conn: &mut Conn<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let n = db_run!(conn, |c| diesel::update(
        rt::table.find(id).filter(rt::revoked_at.is_null())
    )
    .set(rt::revoked_at.eq(Some(to_db(now))))
    .execute(c)
    .await)?;
    Ok(n == 1)
}

/// Revokes every live token of a family; returns how many.
pub async fn revoke_family(
    conn: &mut Conn<'_>,
    family_id: &str,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    Ok(db_run!(conn, |c| diesel::update(
        rt::table
            .filter(rt::family_id.eq(family_id))
            .filter(rt::revoked_at.is_null())
    )
    .set(rt::revoked_at.eq(Some(to_db(now))))
    .execute(c)
    .await)?)
}

/// Revokes every live token of a user (deactivation); returns how many.
pub async fn revoke_all_of_user(
    conn: &mut Conn<'_>,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    Ok(db_run!(conn, |c| diesel::update(
        rt::table
            .filter(rt::user_id.eq(user.0))
            .filter(rt::revoked_at.is_null())
    )
    .set(rt::revoked_at.eq(Some(to_db(now))))
    .execute(c)
    .await)?)
}

/// Live (unrevoked, unexpired) refresh tokens of a user.
pub async fn count_live_of_user(
    conn: &mut Conn<'_>,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(db_run!(conn, |c| rt::table
        .filter(rt::user_id.eq(user.0))
        .filter(rt::revoked_at.is_null())
        .filter(rt::expires_at.gt(to_db(now)))
        .count()
        .get_result::<i64>(c)
        .await)?)
}

/// Stores the user's verification token, replacing any earlier one (one live token per user).
pub async fn upsert_verification_token(
    conn: &mut Conn<'_>,
    user: UserId,
    token_hash: &str,
    sent_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    let row = (
        evt::user_id.eq(user.0),
        evt::token_hash.eq(token_hash),
        evt::sent_at.eq(to_db(sent_at)),
        evt::expires_at.eq(to_db(expires_at)),
    );
    db_run!(conn, |c| diesel::insert_into(evt::table)
        .values(row)
        .on_conflict(evt::user_id)
        .do_update()
        .set((
            evt::token_hash.eq(token_hash),
            evt::sent_at.eq(to_db(sent_at)),
            evt::expires_at.eq(to_db(expires_at)),
        ))
        .execute(c)
        .await)?;
    Ok(())
}

/// The verification token with this hash.
pub async fn find_verification_token(
    conn: &mut Conn<'_>,
    token_hash: &str,
) -> Result<Option<VerificationTokenRow>, DbError> {
    Ok(db_run!(conn, |c| evt::table
        .filter(evt::token_hash.eq(token_hash))
        .select(VerificationTokenRow::as_select())
        .first(c)
        .await
        .optional())?)
}

/// Deletes the user's verification token (after use); `false` when there was none.
pub async fn delete_verification_token(conn: &mut Conn<'_>, user: UserId) -> Result<bool, DbError> {
    let n = db_run!(conn, |c| diesel::delete(evt::table.find(user.0))
        .execute(c)
        .await)?;
    Ok(n == 1)
}
