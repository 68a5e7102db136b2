//! The e-mail outbox: messages are queued in the transaction of the write that triggers them
//! and delivered later by a sender; a failed send never undoes the write (DOMAIN.md §2).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::UserId;

use crate::conn::Conn;
use crate::error::DbError;
use crate::schema::email_outbox as ob;
use crate::to_db;

/// An `email_outbox` row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = ob)]
pub struct OutboxRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub to_address: String,
    pub kind: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: NaiveDateTime,
    pub send_after: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// A message to queue.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ob)]
pub struct NewOutboxEmail<'a> {
    pub user_id: Option<i64>,
    pub to_address: &'a str,
    pub kind: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub created_at: NaiveDateTime,
    pub send_after: NaiveDateTime,
}

/// Queues a message; returns its id.
pub async fn insert_email(conn: &mut Conn<'_>, new: &NewOutboxEmail<'_>) -> Result<i64, DbError> {
    Ok(db_run!(conn, |c| diesel::insert_into(ob::table)
        .values(new)
        .returning(ob::id)
        .get_result::<i64>(c)
        .await)?)
}

/// A page of the outbox, newest first, and the total.
pub async fn list_outbox(
    conn: &mut Conn<'_>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<OutboxRow>, i64), DbError> {
    let total = db_run!(conn, |c| ob::table.count().get_result::<i64>(c).await)?;
    let rows = db_run!(conn, |c| ob::table
        .order((ob::created_at.desc(), ob::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(c)
        .await)?;
    Ok((rows, total))
}

/// Messages of `kind` queued for a user since `since` (the resend limit counts these).
pub async fn count_queued_since(
    conn: &mut Conn<'_>,
    user: UserId,
    kind: &str,
    since: DateTime<Utc>,
) -> Result<i64, DbError> {
    Ok(db_run!(conn, |c| ob::table
        .filter(ob::user_id.eq(user.0))
        .filter(ob::kind.eq(kind))
        .filter(ob::created_at.ge(to_db(since)))
        .count()
        .get_result::<i64>(c)
        .await)?)
}
