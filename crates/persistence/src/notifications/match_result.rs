//! `match_result` and `leaderboard_overtake` notifications (DOMAIN.md §3.16), written in the
//! transaction in which a match becomes confirmed. Neither kind sends e-mail.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::elo::EloHistoryEntry;
use ttstats_domain::player::PlayerDirectory;
use ttstats_domain::{PlayerId, Side};

use super::match_confirmation::{NewNotification, own_result};
use crate::conn::Conn;
use crate::error::DbError;
use crate::matches::MatchFull;
use crate::schema::{notification_preferences as prefs, notifications, players as pl};
use crate::{players, to_db};

/// The `match_result` kind.
pub const MATCH_RESULT: &str = "match_result";
/// The `leaderboard_overtake` kind.
pub const LEADERBOARD_OVERTAKE: &str = "leaderboard_overtake";

/// Notifies the participants with an account that `full` is confirmed ("You won 3-1 against
/// Bob. Elo 1524 (+24).") and, for every participant whose rating rose, the users outside the
/// match whose player's rating lies strictly between that participant's old and new rating.
/// `history` is what the confirmation applied. Each kind respects its preference (a missing
/// preferences row counts as the defaults: results on, overtakes off). Returns the number of
/// notifications written.
pub async fn notify_match_confirmed(
    conn: &mut Conn<'_>,
    full: &MatchFull,
    history: &[EloHistoryEntry],
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    let participants = full.player_ids();
    let rows = players::get_players(conn, &participants).await?;
    let names = PlayerDirectory::new(rows.iter().map(players::PlayerRow::name));
    let link = format!("/matches/{}", full.row.id);
    let title = "Match confirmed";
    let wants_results = result_recipients(conn, &participants).await?;
    let mut written = 0;
    for (player, user_id) in wants_results {
        let Some(side) = full
            .participants
            .iter()
            .find(|p| p.player_id == player.0)
            .and_then(|p| Side::try_from(i64::from(p.side)).ok())
        else {
            continue;
        };
        let result = own_result(full, side, &names);
        let body = match history.iter().find(|h| h.player_id == player) {
            Some(applied) => format!(
                "{result}. Elo {} ({:+}).",
                applied.new_rating, applied.rating_change
            ),
            None => format!("{result}."),
        };
        insert(
            conn,
            &NewNotification {
                user_id,
                kind: MATCH_RESULT,
                title,
                body: &body,
                link: &link,
                match_id: Some(full.row.id),
                created_at: to_db(now),
            },
        )
        .await?;
        written += 1;
    }
    let ids: Vec<i64> = participants.iter().map(|p| p.0).collect();
    for risen in history.iter().filter(|h| h.new_rating > h.old_rating) {
        let overtaken: Vec<(i64, i32)> = db_run!(conn, |c| pl::table
            .inner_join(prefs::table.on(prefs::user_id.nullable().eq(pl::user_id)))
            .filter(pl::id.ne_all(&ids))
            .filter(pl::rating.gt(risen.old_rating))
            .filter(pl::rating.lt(risen.new_rating))
            .filter(prefs::leaderboard_overtake.eq(true))
            .order(prefs::user_id)
            .select((prefs::user_id, pl::rating))
            .load(c)
            .await)?;
        let name = names
            .get(risen.player_id)
            .map_or_else(String::new, |n| n.display_name().to_owned());
        let player_link = format!("/players/{}", risen.player_id.0);
        for (user_id, rating) in overtaken {
            let body = format!(
                "{name} passed you on the leaderboard: {} against your {rating}.",
                risen.new_rating
            );
            insert(
                conn,
                &NewNotification {
                    user_id,
                    kind: LEADERBOARD_OVERTAKE,
                    title: "Overtaken on the leaderboard",
                    body: &body,
                    link: &player_link,
                    match_id: Some(full.row.id),
                    created_at: to_db(now),
                },
            )
            .await?;
            written += 1;
        }
    }
    Ok(written)
}

/// The participants among `players` with an account that wants `match_result`, ascending.
async fn result_recipients(
    conn: &mut Conn<'_>,
    players_: &[PlayerId],
) -> Result<Vec<(PlayerId, i64)>, DbError> {
    let ids: Vec<i64> = players_.iter().map(|p| p.0).collect();
    let rows: Vec<(i64, i64)> = db_run!(conn, |c| pl::table
        .left_join(prefs::table.on(prefs::user_id.nullable().eq(pl::user_id)))
        .filter(pl::id.eq_any(&ids))
        .filter(pl::user_id.is_not_null())
        .filter(
            prefs::match_result
                .nullable()
                .eq(true)
                .or(prefs::user_id.nullable().is_null())
        )
        .order(pl::id)
        .select((pl::id, pl::user_id.assume_not_null()))
        .load(c)
        .await)?;
    Ok(rows.into_iter().map(|(p, u)| (PlayerId(p), u)).collect())
}

async fn insert(conn: &mut Conn<'_>, row: &NewNotification<'_>) -> Result<(), DbError> {
    db_run!(conn, |c| diesel::insert_into(notifications::table)
        .values(row)
        .execute(c)
        .await)?;
    Ok(())
}
