//! A user's in-app notifications and preferences (DOMAIN.md §3.16): the list newest first with
//! the unread count, marking read, and the per-kind switches. Every function is scoped to one
//! user, so nobody reaches another user's rows.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::UserId;

use crate::conn::Conn;
use crate::error::DbError;
use crate::schema::{notification_preferences as prefs, notifications as n};
use crate::to_db;

/// A `notifications` row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = n)]
pub struct NotificationRow {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub match_id: Option<i64>,
    pub scheduled_match_id: Option<i64>,
    pub championship_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

/// One page of a user's notifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbox {
    /// The page, newest first.
    pub items: Vec<NotificationRow>,
    /// All of the user's notifications.
    pub total: i64,
    /// The unread ones among them.
    pub unread: i64,
}

/// The page of `user`'s notifications at `offset` (newest first: created_at, then id, both
/// descending), with the totals.
pub async fn inbox(
    conn: &mut Conn<'_>,
    user: UserId,
    offset: i64,
    limit: i64,
) -> Result<Inbox, DbError> {
    let items: Vec<NotificationRow> = db_run!(conn, |c| n::table
        .filter(n::user_id.eq(user.0))
        .order((n::created_at.desc(), n::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(c)
        .await)?;
    let total: i64 = db_run!(conn, |c| n::table
        .filter(n::user_id.eq(user.0))
        .count()
        .get_result(c)
        .await)?;
    Ok(Inbox {
        items,
        total,
        unread: unread_count(conn, user).await?,
    })
}

/// How many of `user`'s notifications are unread (the partial index serves it).
pub async fn unread_count(conn: &mut Conn<'_>, user: UserId) -> Result<i64, DbError> {
    Ok(db_run!(conn, |c| n::table
        .filter(n::user_id.eq(user.0))
        .filter(n::read_at.is_null())
        .count()
        .get_result(c)
        .await)?)
}

/// Marks notification `id` of `user` read (a read one keeps its first `read_at`) and returns
/// it; `NotFound` when it does not exist or belongs to someone else.
pub async fn mark_read(
    conn: &mut Conn<'_>,
    user: UserId,
    id: i64,
    now: DateTime<Utc>,
) -> Result<NotificationRow, DbError> {
    db_run!(conn, |c| diesel::update(
        n::table
            .filter(n::id.eq(id))
            .filter(n::user_id.eq(user.0))
            .filter(n::read_at.is_null())
    )
    .set(n::read_at.eq(Some(to_db(now))))
    .execute(c)
    .await)?;
    Ok(db_run!(conn, |c| n::table
        .filter(n::id.eq(id))
        .filter(n::user_id.eq(user.0))
        .select(NotificationRow::as_select())
        .first(c)
        .await)?)
}

/// Marks every unread notification of `user` read; returns how many changed.
pub async fn mark_all_read(
    conn: &mut Conn<'_>,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    Ok(db_run!(conn, |c| diesel::update(
        n::table
            .filter(n::user_id.eq(user.0))
            .filter(n::read_at.is_null())
    )
    .set(n::read_at.eq(Some(to_db(now))))
    .execute(c)
    .await)?)
}

/// The per-kind switches of DOMAIN.md §2 (`notification_preferences`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = prefs)]
pub struct Preferences {
    pub match_confirmation: bool,
    pub match_result: bool,
    pub scheduled_match: bool,
    pub championship: bool,
    pub leaderboard_overtake: bool,
}

impl Default for Preferences {
    /// Everything on except `leaderboard_overtake` (DOMAIN.md §2).
    fn default() -> Self {
        Self {
            match_confirmation: true,
            match_result: true,
            scheduled_match: true,
            championship: true,
            leaderboard_overtake: false,
        }
    }
}

/// `user`'s preferences; the defaults when the row is missing (it is created with the user).
pub async fn preferences(conn: &mut Conn<'_>, user: UserId) -> Result<Preferences, DbError> {
    Ok(db_run!(conn, |c| prefs::table
        .find(user.0)
        .select(Preferences::as_select())
        .first(c)
        .await
        .optional())?
    .unwrap_or_default())
}

/// Stores `user`'s preferences (creating the row if it is missing).
pub async fn set_preferences(
    conn: &mut Conn<'_>,
    user: UserId,
    wanted: &Preferences,
) -> Result<(), DbError> {
    db_run!(conn, |c| diesel::insert_into(prefs::table)
        .values((prefs::user_id.eq(user.0), wanted))
        .on_conflict(prefs::user_id)
        .do_update()
        .set(wanted)
        .execute(c)
        .await)?;
    Ok(())
}
