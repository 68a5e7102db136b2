//! In-app notifications and the e-mails queued with them (DOMAIN.md §3.16). Both are written
//! in the transaction of the write that triggers them; a kind whose preference is off gets
//! neither.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::{FixtureId, PlayerId};

use crate::conn::Conn;
use crate::error::DbError;
use crate::schema::{
    email_outbox, notification_preferences as prefs, notifications, players as pl, users,
};
use crate::to_db;

mod championship;
mod inbox;
mod match_confirmation;
mod match_result;
pub use championship::*;
pub use inbox::*;
pub use match_confirmation::*;
pub use match_result::*;

/// The `kind` of a fixture notification and of its e-mail.
pub const SCHEDULED_MATCH: &str = "scheduled_match";

/// A participant's account that wants `scheduled_match` notifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The account.
    pub user_id: i64,
    /// Where the e-mail goes.
    pub email: String,
    /// The account's player (a participant).
    pub player_id: PlayerId,
}

/// One recipient's notification and e-mail about a scheduled fixture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledMatchNotice {
    /// The account notified.
    pub user_id: i64,
    /// The e-mail address.
    pub email: String,
    /// In-app title.
    pub title: String,
    /// In-app body.
    pub body: String,
    /// Link to the fixture.
    pub link: String,
    /// E-mail subject.
    pub email_subject: String,
    /// E-mail text.
    pub email_body: String,
}

/// The accounts linked to `players` whose `scheduled_match` preference is on (a missing
/// preferences row counts as the defaults), by player id.
pub async fn scheduled_match_recipients(
    conn: &mut Conn<'_>,
    players: &[PlayerId],
) -> Result<Vec<Recipient>, DbError> {
    let ids: Vec<i64> = players.iter().map(|p| p.0).collect();
    let rows: Vec<(i64, String, i64)> = db_run!(conn, |c| pl::table
        .inner_join(users::table)
        .left_join(prefs::table.on(prefs::user_id.eq(users::id)))
        .filter(pl::id.eq_any(&ids))
        .filter(
            prefs::scheduled_match
                .nullable()
                .eq(true)
                .or(prefs::user_id.nullable().is_null())
        )
        .order(pl::id)
        .select((users::id, users::email, pl::id))
        .load(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(user_id, email, player)| Recipient {
            user_id,
            email,
            player_id: PlayerId(player),
        })
        .collect())
}

/// Writes the in-app notification and queues the e-mail of every notice about `fixture`.
pub async fn notify_scheduled_match(
    conn: &mut Conn<'_>,
    fixture: FixtureId,
    notices: &[ScheduledMatchNotice],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let at = to_db(now);
    for notice in notices {
        db_run!(conn, |c| diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(notice.user_id),
                notifications::kind.eq(SCHEDULED_MATCH),
                notifications::title.eq(&notice.title),
                notifications::body.eq(&notice.body),
                notifications::link.eq(&notice.link),
                notifications::scheduled_match_id.eq(Some(fixture.0)),
                notifications::created_at.eq(at),
            ))
            .execute(c)
            .await)?;
        db_run!(conn, |c| diesel::insert_into(email_outbox::table)
            .values((
                email_outbox::user_id.eq(Some(notice.user_id)),
                email_outbox::to_address.eq(&notice.email),
                email_outbox::kind.eq(SCHEDULED_MATCH),
                email_outbox::subject.eq(&notice.email_subject),
                email_outbox::body_text.eq(&notice.email_body),
                email_outbox::created_at.eq(at),
                email_outbox::send_after.eq(at),
            ))
            .execute(c)
            .await)?;
    }
    Ok(())
}
