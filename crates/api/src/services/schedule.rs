//! Scheduling and the calendar (DOMAIN.md §3.13, §3.16, §4): fixtures are scheduled, viewed,
//! edited, deleted and converted into matches; the calendar shows a month.
//!
//! Checks run in the order of §6: authentication (the extractor), visibility (404), permission
//! (403), input validity (422, the converted body), then state (409, under the fixture's row
//! lock in `fixtures`).

use chrono::{NaiveDate, NaiveTime, Utc};
use ttstats_api_types::matches::Match;
use ttstats_api_types::schedule::YearMonth as CalendarMonth;
use ttstats_api_types::schedule::{
    CalendarQuery, Conversion, FixtureChanges, NewFixture, ScheduledMatch,
};
use ttstats_api_types::{FieldErrors, Page};
use ttstats_cache::Key;
use ttstats_domain::calendar::YearMonth;
use ttstats_domain::championship::Viewer;
use ttstats_domain::fixture::{self as rules, ConversionOptions};
use ttstats_domain::player::PlayerDirectory;
use ttstats_domain::player_stats::PageRequest;
use ttstats_domain::{FixtureId, PlayerId, Side};
use ttstats_persistence::fixtures::{self, ConvertInput, FixtureDetail, NewFixtureInput};
use ttstats_persistence::matches::MatchContext;
use ttstats_persistence::notifications::{self, Recipient, ScheduledMatchNotice};
use ttstats_persistence::queries::calendar as calendar_query;
use ttstats_persistence::{Conn, Db, DbError, matches};

use crate::auth::AuthUser;
use crate::cached::to_bytes;
use crate::error::ApiError;
use crate::services::invalidate;
use crate::services::matches::ask_to_confirm;
use crate::state::AppState;
use crate::views::schedule as views;

/// A page of the caller's fixtures (those their player plays in; every fixture for an admin),
/// by date and time.
pub async fn list_scheduled(
    db: &Db,
    user: &AuthUser,
    page: PageRequest,
) -> Result<Page<ScheduledMatch>, ApiError> {
    let viewer = viewer_of(user);
    let (items, total) = db
        .run(async |conn| {
            let (views, total) = fixtures::list_fixtures(
                conn,
                viewer,
                i64::try_from(page.offset()).unwrap_or(i64::MAX),
                i64::from(page.per_page),
            )
            .await?;
            let related = fixtures::load_related(conn, &views, &[]).await?;
            let items = views
                .iter()
                .map(|f| views::scheduled_match_view(f, &related, false))
                .collect();
            Ok((items, total))
        })
        .await?;
    Ok(Page::new(
        items,
        page,
        u32::try_from(total).unwrap_or(u32::MAX),
    ))
}

/// One fixture, if the caller may see it.
pub async fn get_scheduled(
    db: &Db,
    user: &AuthUser,
    id: FixtureId,
) -> Result<ScheduledMatch, ApiError> {
    let viewer = viewer_of(user);
    db.run(async |conn| {
        let detail = fixtures::get_visible_fixture(conn, viewer, id).await?;
        fixture_view(conn, &detail).await
    })
    .await
    .map_err(not_found)
}

/// Schedules a fixture (§3.13): the caller needs a player and must play unless an admin; every
/// participant with an account who wants it gets a `scheduled_match` notification and e-mail
/// (§3.16), in the same transaction.
pub async fn schedule_match(
    state: &AppState,
    user: &AuthUser,
    new: Result<NewFixture, FieldErrors>,
) -> Result<ScheduledMatch, ApiError> {
    let db = &state.db;
    if !user.is_admin() {
        user.require_player()?;
    }
    let new = new?;
    let now = Utc::now();
    rules::validate_new_fixture(
        viewer_of(user),
        new.kind,
        &new.side1,
        &new.side2,
        new.scheduled_date,
        now.date_naive(),
    )?;
    let input = NewFixtureInput {
        kind: new.kind,
        scheduled_date: new.scheduled_date,
        scheduled_time: new.scheduled_time,
        location_id: new.location_id,
        notes: new.notes.clone().unwrap_or_default(),
        side1: new.side1.clone(),
        side2: new.side2.clone(),
        created_by_user_id: Some(user.id()),
    };
    let scheduled = db
        .transaction(async |conn| {
            let id = fixtures::create_fixture(conn, &input, now).await?;
            let detail = fixtures::find_fixture(conn, id)
                .await?
                .ok_or(DbError::NotFound)?;
            let related =
                fixtures::load_related(conn, std::slice::from_ref(&detail.view), &[]).await?;
            let recipients =
                notifications::scheduled_match_recipients(conn, &detail.participants()).await?;
            let notices: Vec<ScheduledMatchNotice> = recipients
                .iter()
                .map(|r| scheduled_notice(r, &detail, &related))
                .collect();
            notifications::notify_scheduled_match(conn, id, &notices, now).await?;
            Ok(views::scheduled_match_view(&detail.view, &related, false))
        })
        .await
        .map_err(ApiError::from)?;
    let participants: Vec<PlayerId> = new.side1.iter().chain(&new.side2).copied().collect();
    invalidate::fixtures_changed(&state.cache, &participants).await;
    Ok(scheduled)
}

/// Changes date, time, location or notes: participants, or for a championship fixture its
/// championship's creator; admins always (§4.2). Refused once converted.
pub async fn update_scheduled(
    state: &AppState,
    user: &AuthUser,
    id: FixtureId,
    changes: Result<FixtureChanges, FieldErrors>,
) -> Result<ScheduledMatch, ApiError> {
    let db = &state.db;
    let viewer = viewer_of(user);
    let detail = visible(db, viewer, id).await?;
    rules::check_fixture_edit(viewer, &detail.access())?;
    let changes = changes?;
    let stored = fixtures::FixtureChanges {
        scheduled_date: changes.scheduled_date,
        scheduled_time: changes.scheduled_time,
        location_id: changes.location_id,
        notes: changes.notes.map(Option::unwrap_or_default),
    };
    let today = Utc::now().date_naive();
    let updated = db
        .transaction(async |conn| {
            fixtures::update_fixture(conn, id, &stored, today).await?;
            let detail = fixtures::find_fixture(conn, id)
                .await?
                .ok_or(DbError::NotFound)?;
            fixture_view(conn, &detail).await
        })
        .await
        .map_err(not_found)?;
    // Sides cannot change, so the participants read before the write are the ones affected.
    invalidate::fixtures_changed(&state.cache, &detail.participants()).await;
    Ok(updated)
}

/// Deletes a fixture: participants and admins; never a championship fixture (§4.2).
pub async fn delete_scheduled(
    state: &AppState,
    user: &AuthUser,
    id: FixtureId,
) -> Result<(), ApiError> {
    let db = &state.db;
    let viewer = viewer_of(user);
    let detail = visible(db, viewer, id).await?;
    rules::check_fixture_delete(viewer, &detail.access())?;
    let participants = db
        .transaction(async |conn| fixtures::delete_fixture(conn, id).await)
        .await
        .map_err(not_found)?;
    invalidate::fixtures_changed(&state.cache, &participants).await;
    Ok(())
}

/// Converts a fixture into its match and links it (§3.13): participants and admins.
pub async fn convert_scheduled(
    state: &AppState,
    user: &AuthUser,
    id: FixtureId,
    conversion: Result<Conversion, FieldErrors>,
) -> Result<Match, ApiError> {
    let db = &state.db;
    let viewer = viewer_of(user);
    let detail = visible(db, viewer, id).await?;
    rules::check_fixture_convert(viewer, &detail.access())?;
    let conversion = conversion?;
    let input = ConvertInput {
        options: ConversionOptions {
            played_at: conversion.played_at,
            best_of: Some(conversion.best_of),
            match_type: Some(conversion.match_type),
        },
        games: conversion
            .games
            .iter()
            .map(|g| (g.score, g.duration_minutes.map(i32::from)))
            .collect(),
        created_by_user_id: Some(user.id()),
    };
    let now = Utc::now();
    let (played, outcome) = db
        .transaction(async |conn| {
            let converted = fixtures::convert_fixture(conn, id, &input, now).await?;
            ask_to_confirm(conn, state, &converted.outcome, now).await?;
            let full = matches::load_match(conn, converted.match_id).await?;
            let related = fixtures::load_related(conn, &[], std::slice::from_ref(&full)).await?;
            Ok((
                crate::views::match_view(&full, &related, &views::caller(viewer))?,
                converted.outcome,
            ))
        })
        .await
        .map_err(not_found)?;
    // The fixture leaves its players' upcoming lists; the new match is an ordinary match
    // write (pending lists, or statistics and boards when it was auto-confirmed).
    invalidate::fixtures_changed(&state.cache, &detail.participants()).await;
    invalidate::match_written(&state.cache, &outcome).await;
    Ok(played)
}

/// The month a calendar query asks for (this month by default) and its cache key: the
/// viewer's player, year and month (family `calendar_month`, tags `fixtures:{player}` and
/// `club`). Admins see every fixture, so their months are never cached (DOMAIN.md §5).
pub fn calendar_month(
    user: &AuthUser,
    query: &CalendarQuery,
) -> Result<(Key, CalendarMonth), ApiError> {
    let asked = query.to_month(Utc::now().date_naive())?;
    let key = Key::CalendarMonth {
        viewer: user.player_id(),
        year: asked.year,
        month: asked.month,
    };
    Ok((key, asked))
}

/// A calendar month as `user` sees it, serialized: the weeks with the viewer's fixtures and
/// matches, and the upcoming fixtures. Every per-viewer flag in it depends only on the
/// viewer's player and role, which the key (and the admin bypass) cover.
pub async fn calendar(db: &Db, user: &AuthUser, asked: CalendarMonth) -> Result<Vec<u8>, ApiError> {
    let now = Utc::now();
    let month = YearMonth::new(i64::from(asked.year), i64::from(asked.month))?;
    let viewer = viewer_of(user);
    let calendar = db
        .run(async |conn| {
            let view = calendar_query::calendar_month(conn, viewer, month, now).await?;
            let related = fixtures::load_related(conn, &view.fixtures, &view.matches).await?;
            views::calendar_view(&view, &related, viewer)
        })
        .await?;
    to_bytes(&calendar)
}

fn viewer_of(user: &AuthUser) -> Viewer {
    Viewer {
        player: user.player_id(),
        is_admin: user.is_admin(),
    }
}

/// The fixture if the caller may see it, else `not_found`.
async fn visible(db: &Db, viewer: Viewer, id: FixtureId) -> Result<FixtureDetail, ApiError> {
    db.run(async |conn| fixtures::get_visible_fixture(conn, viewer, id).await)
        .await
        .map_err(not_found)
}

async fn fixture_view(
    conn: &mut Conn<'_>,
    detail: &FixtureDetail,
) -> Result<ScheduledMatch, DbError> {
    let related = fixtures::load_related(conn, std::slice::from_ref(&detail.view), &[]).await?;
    Ok(views::scheduled_match_view(&detail.view, &related, false))
}

fn not_found(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => ApiError::not_found("scheduled match"),
        other => other.into(),
    }
}

/// The `scheduled_match` notification and e-mail for one participant (§3.16): "Match
/// scheduled – Friday, August 21, 2026" with the opponent, date, time and location or "TBD".
fn scheduled_notice(
    recipient: &Recipient,
    detail: &FixtureDetail,
    related: &MatchContext,
) -> ScheduledMatchNotice {
    let fixture = &detail.view;
    let own = if fixture.side1.contains(&recipient.player_id) {
        Side::One
    } else {
        Side::Two
    };
    let names = PlayerDirectory::new(
        detail
            .participants()
            .iter()
            .filter_map(|id: &PlayerId| related.players.get(id).map(|p| p.row.name())),
    );
    let others = fixture.side(own.other());
    let opponent = if others.is_empty() {
        "TBC".to_owned()
    } else {
        names.side_label(own.other(), others)
    };
    let location = fixture
        .row
        .location_id
        .and_then(|id| related.locations.get(&id))
        .map_or_else(|| "TBD".to_owned(), |l| l.name.clone());
    let date = long_date(fixture.row.scheduled_date);
    let time = short_time(fixture.row.scheduled_time);
    let subject = format!("Match scheduled – {date}");
    ScheduledMatchNotice {
        user_id: recipient.user_id,
        email: recipient.email.clone(),
        title: subject.clone(),
        body: format!("Against {opponent} at {time}, {location}."),
        link: format!("/scheduled-matches/{}", fixture.row.id),
        email_subject: subject,
        email_body: format!(
            "A match has been scheduled for you.\n\nOpponent: {opponent}\nDate: {date}\n\
             Time: {time}\nLocation: {location}\n"
        ),
    }
}

/// "Friday, August 21, 2026".
fn long_date(date: NaiveDate) -> String {
    date.format("%A, %B %-d, %Y").to_string()
}

/// "18:00".
fn short_time(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_dates_read_like_friday_august_21_2026() {
        let date = NaiveDate::from_ymd_opt(2026, 8, 21).unwrap();
        assert_eq!(long_date(date), "Friday, August 21, 2026");
        let first = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(long_date(first), "Sunday, March 1, 2026");
        assert_eq!(
            short_time(NaiveTime::from_hms_opt(18, 5, 0).unwrap()),
            "18:05"
        );
    }
}
