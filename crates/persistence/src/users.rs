//! User accounts and the rows created with them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::{DomainError, UserId};

use crate::conn::Conn;
use crate::error::DbError;
use crate::schema::{notification_preferences, players, users};
use crate::to_db;

/// A `users` row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub is_active: bool,
    pub email_verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

impl UserRow {
    /// The typed id.
    pub fn user_id(&self) -> UserId {
        UserId(self.id)
    }

    /// The e-mail address is verified.
    pub fn email_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }
}

/// A new account.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub is_admin: bool,
    pub is_active: bool,
    pub email_verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Inserts a user and its notification preferences; a duplicate username or e-mail
/// (case-insensitive) is `username_taken` / `email_taken`, also under concurrent inserts.
pub async fn insert_user(conn: &mut Conn<'_>, new: &NewUser<'_>) -> Result<UserId, DbError> {
    let inserted = db_run!(conn, |c| diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result::<i64>(c)
        .await);
    let id = match inserted.map_err(DbError::from) {
        Ok(id) => id,
        Err(e) if e.is_conflict_on("users_username_key", "users.username") => {
            return Err(DomainError::UsernameTaken.into());
        }
        Err(e) if e.is_conflict_on("users_email_key", "users.email") => {
            return Err(DomainError::EmailTaken.into());
        }
        Err(e) => return Err(e),
    };
    db_run!(conn, |c| diesel::insert_into(
        notification_preferences::table
    )
    .values(notification_preferences::user_id.eq(id))
    .execute(c)
    .await)?;
    Ok(UserId(id))
}

/// The user, or `NotFound`.
pub async fn get_user(conn: &mut Conn<'_>, id: UserId) -> Result<UserRow, DbError> {
    Ok(db_run!(conn, |c| users::table
        .find(id.0)
        .select(UserRow::as_select())
        .first(c)
        .await)?)
}

/// The user whose username or e-mail equals `login`, case-insensitively.
pub async fn find_by_login(conn: &mut Conn<'_>, login: &str) -> Result<Option<UserRow>, DbError> {
    let login = login.trim().to_lowercase();
    Ok(db_run!(conn, |c| users::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(username) = ")
                .bind::<diesel::sql_types::Text, _>(login.clone())
                .sql(" OR lower(email) = ")
                .bind::<diesel::sql_types::Text, _>(login.clone())
        )
        .select(UserRow::as_select())
        .first(c)
        .await
        .optional())?)
}

/// The user with this e-mail address, case-insensitively.
pub async fn find_by_email(conn: &mut Conn<'_>, email: &str) -> Result<Option<UserRow>, DbError> {
    let email = email.trim().to_lowercase();
    Ok(db_run!(conn, |c| users::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(email) = ")
                .bind::<diesel::sql_types::Text, _>(email.clone())
        )
        .select(UserRow::as_select())
        .first(c)
        .await
        .optional())?)
}

/// A page of users by id.
pub async fn list_users(
    conn: &mut Conn<'_>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<UserRow>, i64), DbError> {
    let total = db_run!(conn, |c| users::table.count().get_result::<i64>(c).await)?;
    let rows = db_run!(conn, |c| users::table
        .order(users::id)
        .offset(offset)
        .limit(limit)
        .select(UserRow::as_select())
        .load(c)
        .await)?;
    Ok((rows, total))
}

/// A page of users by id, each with its linked player's id, and the total.
pub async fn list_users_with_player(
    conn: &mut Conn<'_>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<(UserRow, Option<i64>)>, i64), DbError> {
    let total = db_run!(conn, |c| users::table.count().get_result::<i64>(c).await)?;
    let rows = db_run!(conn, |c| users::table
        .left_join(players::table)
        .order(users::id)
        .offset(offset)
        .limit(limit)
        .select((UserRow::as_select(), players::id.nullable()))
        .load(c)
        .await)?;
    Ok((rows, total))
}

/// Account flags an admin changes; `None` leaves one alone.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub is_admin: Option<bool>,
    pub is_active: Option<bool>,
    pub email_verified_at: Option<Option<NaiveDateTime>>,
    pub last_login_at: Option<Option<NaiveDateTime>>,
}

/// Applies account changes.
pub async fn update_user(
    conn: &mut Conn<'_>,
    id: UserId,
    changes: &UserChanges,
) -> Result<(), DbError> {
    let n = db_run!(conn, |c| diesel::update(users::table.find(id.0))
        .set(changes)
        .execute(c)
        .await)?;
    if n == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}

/// Marks the e-mail verified now.
pub async fn mark_verified(
    conn: &mut Conn<'_>,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    update_user(
        conn,
        id,
        &UserChanges {
            email_verified_at: Some(Some(to_db(now))),
            ..UserChanges::default()
        },
    )
    .await
}
