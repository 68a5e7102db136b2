//! `championship` notifications (DOMAIN.md §3.16).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::{ChampionshipId, PlayerId};

use crate::conn::Conn;
use crate::error::DbError;
use crate::schema::{championship_entry_members as cem, notification_preferences as prefs};
use crate::schema::{notifications, players};
use crate::to_db;

#[derive(Insertable)]
#[diesel(table_name = notifications)]
struct ChampionshipNotificationRow<'a> {
    user_id: i64,
    kind: &'a str,
    title: &'a str,
    body: &'a str,
    link: &'a str,
    championship_id: Option<i64>,
    created_at: NaiveDateTime,
}

/// Writes a `championship` notification (schedule generated, completed) to every entrant of
/// `championship` with an account whose `championship` preference is on; this kind sends no
/// e-mail. Returns the users notified, ascending.
pub async fn notify_championship(
    conn: &mut Conn<'_>,
    championship: ChampionshipId,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, DbError> {
    let entrants: Vec<i64> = db_run!(conn, |c| cem::table
        .filter(cem::championship_id.eq(championship.0))
        .select(cem::player_id)
        .load(c)
        .await)?;
    let entrants: Vec<PlayerId> = entrants.into_iter().map(PlayerId).collect();
    let users = championship_recipients(conn, &entrants).await?;
    let link = format!("/championships/{}", championship.0);
    let rows: Vec<ChampionshipNotificationRow<'_>> = users
        .iter()
        .map(|&user_id| ChampionshipNotificationRow {
            user_id,
            kind: "championship",
            title,
            body,
            link: &link,
            championship_id: Some(championship.0),
            created_at: to_db(now),
        })
        .collect();
    insert_rows!(conn, notifications::table, rows)?;
    Ok(users)
}

/// The accounts of `players` that want `championship` notifications (a missing preferences
/// row counts as the default, on).
async fn championship_recipients(
    conn: &mut Conn<'_>,
    players_: &[PlayerId],
) -> Result<Vec<i64>, DbError> {
    let ids: Vec<i64> = players_.iter().map(|p| p.0).collect();
    let mut users: Vec<i64> = db_run!(conn, |c| players::table
        .filter(players::id.eq_any(&ids))
        .filter(players::user_id.is_not_null())
        .select(players::user_id.assume_not_null())
        .load(c)
        .await)?;
    let opted_out: Vec<i64> = db_run!(conn, |c| prefs::table
        .filter(prefs::user_id.eq_any(&users))
        .filter(prefs::championship.eq(false))
        .select(prefs::user_id)
        .load(c)
        .await)?;
    users.retain(|u| !opted_out.contains(u));
    users.sort_unstable();
    users.dedup();
    Ok(users)
}
