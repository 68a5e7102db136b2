//! `match_confirmation` requests (DOMAIN.md §3.16).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::player::PlayerDirectory;
use ttstats_domain::{MatchId, PlayerId, Side};

use crate::conn::Conn;
use crate::error::DbError;
use crate::matches::{self, MatchFull};
use crate::schema::{email_outbox, notification_preferences as prefs, notifications, users};
use crate::{from_db, players, to_db};

/// The `match_confirmation` kind.
pub const MATCH_CONFIRMATION: &str = "match_confirmation";

/// A new in-app notification.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notifications)]
pub(super) struct NewNotification<'a> {
    pub(super) user_id: i64,
    pub(super) kind: &'a str,
    pub(super) title: &'a str,
    pub(super) body: &'a str,
    pub(super) link: &'a str,
    pub(super) match_id: Option<i64>,
    pub(super) created_at: chrono::NaiveDateTime,
}

/// A new outbox e-mail.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = email_outbox)]
struct NewEmail<'a> {
    user_id: Option<i64>,
    to_address: &'a str,
    kind: &'a str,
    subject: &'a str,
    body_text: &'a str,
    created_at: chrono::NaiveDateTime,
    send_after: chrono::NaiveDateTime,
}

/// The account of a player who is asked to confirm.
#[derive(Debug, Clone, Queryable)]
struct Recipient {
    user_id: i64,
    email: String,
    is_active: bool,
    /// The preference row (created with the user; default on).
    wants_email: Option<bool>,
}

/// A completed match asks each of `players` to confirm it (the completion pipeline without
/// auto-confirm): an in-app `match_confirmation` row always, and the e-mail "Match complete –
/// please confirm" through the outbox when the user's preference allows it. Links in e-mails
/// are absolute, built from `base_url`; in-app links are paths of the site.
pub async fn notify_confirmation_requests(
    conn: &mut Conn<'_>,
    id: MatchId,
    players: &[PlayerId],
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    if players.is_empty() {
        return Ok(());
    }
    let full = matches::load_match(conn, id).await?;
    let names = PlayerDirectory::new(
        players::get_players(conn, &full.player_ids())
            .await?
            .iter()
            .map(players::PlayerRow::name),
    );
    let title = "Match complete – please confirm";
    let link = format!("/matches/{}", id.0);
    for &player in players {
        let Some(side) = full
            .participants
            .iter()
            .find(|p| p.player_id == player.0)
            .and_then(|p| Side::try_from(i64::from(p.side)).ok())
        else {
            continue;
        };
        let Some(recipient) = recipient(conn, player).await? else {
            continue;
        };
        let result = own_result(&full, side, &names);
        db_run!(conn, |c| diesel::insert_into(notifications::table)
            .values(&NewNotification {
                user_id: recipient.user_id,
                kind: MATCH_CONFIRMATION,
                title,
                body: &result,
                link: &link,
                match_id: Some(id.0),
                created_at: to_db(now),
            })
            .execute(c)
            .await)?;
        if recipient.wants_email.unwrap_or(true) && recipient.is_active {
            let body = format!(
                "{result}.\nDate: {date}\nType: {kind}\n\nPlease confirm the result: {base_url}{link}\n",
                date = from_db(full.row.played_at).format("%A, %B %-d, %Y"),
                kind = full.row.match_type().as_str(),
            );
            db_run!(conn, |c| diesel::insert_into(email_outbox::table)
                .values(&NewEmail {
                    user_id: Some(recipient.user_id),
                    to_address: &recipient.email,
                    kind: MATCH_CONFIRMATION,
                    subject: title,
                    body_text: &body,
                    created_at: to_db(now),
                    send_after: to_db(now),
                })
                .execute(c)
                .await)?;
        }
    }
    Ok(())
}

/// "You won 3-1 against Bob", the recipient's games first.
pub(super) fn own_result(full: &MatchFull, side: Side, names: &PlayerDirectory) -> String {
    let (own, other) = side.pick(
        (full.row.side1_games, full.row.side2_games),
        (full.row.side2_games, full.row.side1_games),
    );
    let verb = if full.row.winner() == Some(side) {
        "won"
    } else {
        "lost"
    };
    let opponents = names.side_label(side.other(), &full.side(side.other()));
    format!("You {verb} {own}-{other} against {opponents}")
}

/// The account linked to `player`, with its `match_confirmation` e-mail preference.
async fn recipient(conn: &mut Conn<'_>, player: PlayerId) -> Result<Option<Recipient>, DbError> {
    let Some(user_id) = players::get_player(conn, player).await?.user_id else {
        return Ok(None);
    };
    Ok(db_run!(conn, |c| users::table
        .left_join(prefs::table.on(prefs::user_id.eq(users::id)))
        .filter(users::id.eq(user_id))
        .select((
            users::id,
            users::email,
            users::is_active,
            prefs::match_confirmation.nullable(),
        ))
        .first::<Recipient>(c)
        .await
        .optional())?)
}
