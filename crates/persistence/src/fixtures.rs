//! Fixtures (scheduled matches): scheduling, editing, deleting and converting one, and the
//! reads behind the fixture pages (DOMAIN.md §3.13, §4.1).
//!
//! Visibility is [`get_visible_fixture`]'s (an invisible fixture is `NotFound`); who may edit,
//! delete or convert a visible one is the caller's check (`ttstats_domain::fixture`). Writes
//! expect to run inside `Db::transaction` and lock the fixture row first, so an edit and a
//! conversion of one fixture serialize.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::championship::{ChampionshipStatus, Viewer};
use ttstats_domain::fixture::{
    self as rules, ChampionshipFixture, ConversionOptions, FixtureAccess, FixtureToConvert,
};
use ttstats_domain::match_format::validate_sides;
use ttstats_domain::scoring::GameScore;
use ttstats_domain::{
    ChampionshipId, DomainError, EntryId, FixtureId, MatchId, MatchKind, PlayerId, Side,
};

use crate::conn::Conn;
use crate::error::DbError;
use crate::match_writes::{self, NewMatchInput, WriteOutcome};
use crate::matches::{self, MatchContext, MatchFull};
use crate::players;
use crate::queries::calendar::{Access, FixtureRow, FixtureView, complete_fixtures};
use crate::schema::{
    championships as ch, locations, scheduled_match_participants as smp, scheduled_matches as sm,
};
use crate::to_db;

/// A fixture to schedule (already validated by the domain: sides, creator, date).
#[derive(Debug, Clone)]
pub struct NewFixtureInput {
    pub kind: MatchKind,
    pub scheduled_date: NaiveDate,
    pub scheduled_time: NaiveTime,
    pub location_id: Option<i64>,
    pub notes: String,
    /// Stored exactly as given.
    pub side1: Vec<PlayerId>,
    /// Stored exactly as given.
    pub side2: Vec<PlayerId>,
    pub created_by_user_id: Option<i64>,
}

/// An edit of date, time, location or notes; `None` leaves a column alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = sm)]
pub struct FixtureChanges {
    pub scheduled_date: Option<NaiveDate>,
    pub scheduled_time: Option<NaiveTime>,
    /// `Some(None)` removes the location.
    pub location_id: Option<Option<i64>>,
    /// `Some("")` removes the notes.
    pub notes: Option<String>,
}

impl FixtureChanges {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// What a conversion records beside the fixture's own data.
#[derive(Debug, Clone, Default)]
pub struct ConvertInput {
    /// played_at, best_of and match_type as asked (the domain fills the defaults).
    pub options: ConversionOptions,
    /// Games in play order with their optional durations, already validated.
    pub games: Vec<(GameScore, Option<i32>)>,
    /// The user converting it (the match's creator).
    pub created_by_user_id: Option<i64>,
}

/// What a conversion did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// The new match.
    pub match_id: MatchId,
    /// The match write (completion, auto-confirmation, confirmation requests).
    pub outcome: WriteOutcome,
    /// The conversion moved a `scheduled` championship to `in_progress`.
    pub championship_started: Option<ChampionshipId>,
}

/// A fixture with the facts its access rules need.
#[derive(Debug, Clone)]
pub struct FixtureDetail {
    /// The fixture with sides and championship name.
    pub view: FixtureView,
    access: Access,
}

impl FixtureDetail {
    /// The typed id.
    pub fn id(&self) -> FixtureId {
        self.view.id()
    }

    /// Who may see or change it (DOMAIN.md §4.1, §4.2).
    pub fn access(&self) -> FixtureAccess<'_> {
        self.access.fixture()
    }

    /// Every player of both sides.
    pub fn participants(&self) -> Vec<PlayerId> {
        self.view
            .side1
            .iter()
            .chain(&self.view.side2)
            .copied()
            .collect()
    }

    /// Already converted into a match.
    pub fn is_converted(&self) -> bool {
        self.view.row.match_id.is_some()
    }
}

/// Schedules a fixture with its participants: sides follow §3.3 (`wrong_player_count`,
/// `players_not_distinct`), every player must exist (`unknown_player`) and so must the
/// location (`invalid_choice` on `location`). Returns its id.
pub async fn create_fixture(
    conn: &mut Conn<'_>,
    input: &NewFixtureInput,
    now: DateTime<Utc>,
) -> Result<FixtureId, DbError> {
    validate_sides(input.kind, &input.side1, &input.side2)?;
    let all: Vec<PlayerId> = input.side1.iter().chain(&input.side2).copied().collect();
    if players::get_players(conn, &all).await?.len() != all.len() {
        return Err(DomainError::UnknownPlayer.into());
    }
    check_location(conn, input.location_id).await?;
    let id = db_run!(conn, |c| diesel::insert_into(sm::table)
        .values((
            sm::kind.eq(input.kind.as_str()),
            sm::scheduled_date.eq(input.scheduled_date),
            sm::scheduled_time.eq(input.scheduled_time),
            sm::location_id.eq(input.location_id),
            sm::notes.eq(&input.notes),
            sm::created_by_user_id.eq(input.created_by_user_id),
            sm::created_at.eq(to_db(now)),
        ))
        .returning(sm::id)
        .get_result::<i64>(c)
        .await)?;
    let rows: Vec<NewParticipant> = [(Side::One, &input.side1), (Side::Two, &input.side2)]
        .into_iter()
        .flat_map(|(side, ids)| {
            ids.iter().map(move |p| NewParticipant {
                scheduled_match_id: id,
                player_id: p.0,
                side: i32::from(side.number()),
            })
        })
        .collect();
    insert_rows!(conn, smp::table, rows)?;
    Ok(FixtureId(id))
}

/// The fixture if it exists.
pub async fn find_fixture(
    conn: &mut Conn<'_>,
    id: FixtureId,
) -> Result<Option<FixtureDetail>, DbError> {
    let row: Option<FixtureRow> = db_run!(conn, |c| sm::table
        .find(id.0)
        .select(FixtureRow::as_select())
        .first(c)
        .await
        .optional())?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(complete_fixtures(conn, vec![row])
        .await?
        .pop()
        .map(|(view, access)| FixtureDetail { view, access }))
}

/// The fixture if `viewer` may see it (§4.1: participants, entrants and creator of its
/// championship, admins); `NotFound` when it does not exist or is invisible.
pub async fn get_visible_fixture(
    conn: &mut Conn<'_>,
    viewer: Viewer,
    id: FixtureId,
) -> Result<FixtureDetail, DbError> {
    find_fixture(conn, id)
        .await?
        .filter(|f| rules::can_view_fixture(Some(viewer), &f.access()))
        .ok_or(DbError::NotFound)
}

/// A page of "my" fixtures — those `viewer`'s player plays in, every fixture for an admin — by
/// date, time and id, converted ones included; and their total.
pub async fn list_fixtures(
    conn: &mut Conn<'_>,
    viewer: Viewer,
    offset: i64,
    limit: i64,
) -> Result<(Vec<FixtureView>, i64), DbError> {
    let player = match viewer {
        Viewer { is_admin: true, .. } => None,
        Viewer {
            player: Some(p), ..
        } => Some(p.0),
        Viewer { player: None, .. } => return Ok((Vec::new(), 0)),
    };
    macro_rules! mine {
        () => {{
            let mut q = sm::table.into_boxed();
            if let Some(p) = player {
                q = q.filter(
                    sm::id.eq_any(
                        smp::table
                            .filter(smp::player_id.eq(p))
                            .select(smp::scheduled_match_id),
                    ),
                );
            }
            q
        }};
    }
    let total = db_run!(conn, |c| mine!().count().get_result::<i64>(c).await)?;
    let rows: Vec<FixtureRow> = db_run!(conn, |c| mine!()
        .order((sm::scheduled_date, sm::scheduled_time, sm::id))
        .offset(offset)
        .limit(limit)
        .select(FixtureRow::as_select())
        .load(c)
        .await)?;
    if rows.is_empty() {
        return Ok((Vec::new(), total));
    }
    let views = complete_fixtures(conn, rows).await?;
    Ok((views.into_iter().map(|(view, _)| view).collect(), total))
}

/// Changes date, time, location or notes (§3.13): a new date must not be in the past
/// (`scheduled_date_in_past`), the location must exist (`invalid_choice`), and a converted
/// fixture is frozen (`fixture_already_converted`).
pub async fn update_fixture(
    conn: &mut Conn<'_>,
    id: FixtureId,
    changes: &FixtureChanges,
    today: NaiveDate,
) -> Result<(), DbError> {
    let row = lock_fixture(conn, id).await?;
    check_location(conn, changes.location_id.flatten()).await?;
    rules::check_fixture_update(row.match_id.is_some(), changes.scheduled_date, today)?;
    if changes.is_empty() {
        return Ok(());
    }
    db_run!(conn, |c| diesel::update(sm::table.find(id.0))
        .set(changes)
        .execute(c)
        .await)?;
    Ok(())
}

/// Deletes a fixture with its participants and returns them. A championship fixture goes only
/// with its championship's schedule (`not_championship_creator`, as §4.2's change refusal).
pub async fn delete_fixture(conn: &mut Conn<'_>, id: FixtureId) -> Result<Vec<PlayerId>, DbError> {
    let row = lock_fixture(conn, id).await?;
    if row.championship_id.is_some() {
        return Err(DomainError::NotChampionshipCreator.into());
    }
    let players: Vec<i64> = db_run!(conn, |c| smp::table
        .filter(smp::scheduled_match_id.eq(id.0))
        .order(smp::player_id)
        .select(smp::player_id)
        .load(c)
        .await)?;
    db_run!(conn, |c| diesel::delete(sm::table.find(id.0))
        .execute(c)
        .await)?;
    Ok(players.into_iter().map(PlayerId).collect())
}

/// Converts the fixture into its match (§3.13) in the caller's transaction: the match gets the
/// fixture's sides, location and notes; `played_at` defaults to the scheduled date and time,
/// best_of to 5, the type to casual. A championship fixture's match inherits the championship
/// and entries, is a tournament match, and moves a `scheduled` championship to `in_progress`.
/// The fixture is linked to the match; a second conversion is `fixture_already_converted`.
pub async fn convert_fixture(
    conn: &mut Conn<'_>,
    id: FixtureId,
    input: &ConvertInput,
    now: DateTime<Utc>,
) -> Result<Converted, DbError> {
    let row = lock_fixture(conn, id).await?;
    let championship = match row.championship_id {
        Some(championship_id) => Some(ChampionshipFixture {
            championship_id: ChampionshipId(championship_id),
            status: championship_status(conn, championship_id).await?,
            side1_entry: row.side1_entry_id.map(EntryId),
            side2_entry: row.side2_entry_id.map(EntryId),
        }),
        None => None,
    };
    let conversion = rules::convert_fixture(
        &FixtureToConvert {
            scheduled_date: row.scheduled_date,
            scheduled_time: row.scheduled_time,
            converted: row.match_id.is_some(),
            championship,
        },
        input.options,
        now,
    )?;
    let (side1, side2) = sides(conn, id).await?;
    let outcome = match_writes::create_match(
        conn,
        &NewMatchInput {
            kind: row.kind.parse::<MatchKind>()?,
            best_of: conversion.best_of,
            match_type: conversion.match_type,
            played_at: conversion.played_at,
            location_id: row.location_id,
            notes: row.notes.clone(),
            side1,
            side2,
            games: input.games.clone(),
            created_by_user_id: input.created_by_user_id,
            championship_id: conversion.championship_id.map(|c| c.0),
            side1_entry_id: conversion.side1_entry.map(|e| e.0),
            side2_entry_id: conversion.side2_entry.map(|e| e.0),
            live_scorekeeper: None,
        },
        now,
    )
    .await?;
    let match_id = outcome.match_id.ok_or(DbError::NotFound)?;
    // Guarded in SQL as well: the row lock already serializes conversions of one fixture.
    let linked = db_run!(conn, |c| diesel::update(
        sm::table.find(id.0).filter(sm::match_id.is_null())
    )
    .set(sm::match_id.eq(match_id.0))
    .execute(c)
    .await)?;
    if linked == 0 {
        return Err(DomainError::FixtureAlreadyConverted.into());
    }
    let mut championship_started = None;
    if let (Some(status), Some(championship)) =
        (conversion.championship_status, conversion.championship_id)
    {
        let moved = db_run!(conn, |c| diesel::update(
            ch::table
                .find(championship.0)
                .filter(ch::status.eq(ChampionshipStatus::Scheduled.as_str()))
        )
        .set((
            ch::status.eq(status.as_str()),
            ch::updated_at.eq(to_db(now))
        ))
        .execute(c)
        .await)?;
        if moved > 0 {
            championship_started = Some(championship);
        }
    }
    Ok(Converted {
        match_id,
        outcome,
        championship_started,
    })
}

/// Players (with verification), locations and Elo history that the views of `fixtures` and
/// `matches` show.
pub async fn load_related(
    conn: &mut Conn<'_>,
    fixtures: &[FixtureView],
    matches: &[MatchFull],
) -> Result<MatchContext, DbError> {
    let players = fixtures
        .iter()
        .flat_map(|f| f.side1.iter().chain(&f.side2).copied());
    let locations = fixtures.iter().filter_map(|f| f.row.location_id);
    matches::load_context(conn, matches, players, locations).await
}

#[derive(Insertable)]
#[diesel(table_name = smp)]
struct NewParticipant {
    scheduled_match_id: i64,
    player_id: i64,
    side: i32,
}

/// Takes the fixture's row lock (an UPDATE, the same SQL on both backends) and reads the row.
async fn lock_fixture(conn: &mut Conn<'_>, id: FixtureId) -> Result<FixtureRow, DbError> {
    let n = db_run!(conn, |c| diesel::update(sm::table.find(id.0))
        .set(sm::created_at.eq(sm::created_at))
        .execute(c)
        .await)?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    Ok(db_run!(conn, |c| sm::table
        .find(id.0)
        .select(FixtureRow::as_select())
        .first(c)
        .await)?)
}

/// The fixture's sides in the order they were given.
async fn sides(
    conn: &mut Conn<'_>,
    id: FixtureId,
) -> Result<(Vec<PlayerId>, Vec<PlayerId>), DbError> {
    let rows: Vec<(i64, i32)> = db_run!(conn, |c| smp::table
        .filter(smp::scheduled_match_id.eq(id.0))
        .order((smp::side, smp::player_id))
        .select((smp::player_id, smp::side))
        .load(c)
        .await)?;
    let pick = |side: i32| -> Vec<PlayerId> {
        rows.iter()
            .filter(|(_, s)| *s == side)
            .map(|(p, _)| PlayerId(*p))
            .collect()
    };
    Ok((pick(1), pick(2)))
}

async fn championship_status(conn: &mut Conn<'_>, id: i64) -> Result<ChampionshipStatus, DbError> {
    let status: String = db_run!(conn, |c| ch::table
        .find(id)
        .select(ch::status)
        .first(c)
        .await)?;
    Ok(status.parse()?)
}

/// A referenced location must exist (`invalid_choice` on `location`).
async fn check_location(conn: &mut Conn<'_>, location: Option<i64>) -> Result<(), DbError> {
    let Some(id) = location else {
        return Ok(());
    };
    let n = db_run!(conn, |c| locations::table
        .filter(locations::id.eq(id))
        .count()
        .get_result::<i64>(c)
        .await)?;
    if n == 0 {
        Err(DomainError::InvalidChoice { field: "location" }.into())
    } else {
        Ok(())
    }
}
