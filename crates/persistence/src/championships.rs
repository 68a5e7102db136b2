//! Championships (DOMAIN.md §3.13): creation, registration, start and regeneration of the
//! round-robin schedule, edits, entry linking, the completion check, and the loads behind the
//! championship page and list. Every rule comes from `ttstats_domain::championship`; these
//! functions run its checks against the locked rows and write the result.
//!
//! Writes expect to run inside `Db::transaction` and start by locking the championship row,
//! so registrations, starts and completion checks of one championship serialize.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::championship::{
    self as rules, ChampionshipAccess, ChampionshipMatch, ChampionshipState, ChampionshipStatus,
    Completion, Entry, NewChampionship, ParticipationFilter, Viewer,
};
use ttstats_domain::player::PlayerDirectory;
use ttstats_domain::{ChampionshipId, DomainError, EntryId, MatchId, MatchKind, PlayerId, Side};

use crate::conn::Conn;
use crate::error::DbError;
use crate::players::{self, PlayerView};
use crate::queries::calendar::FixtureRow;
use crate::schema::{
    championship_entries as ce, championship_entry_members as cem, championships as ch, locations,
    matches as m, scheduled_match_participants as smp, scheduled_matches as sm,
};
use crate::{from_db, notifications, to_db};

/// A `championships` row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = ch)]
pub struct ChampionshipRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub is_public: bool,
    pub home_and_away: bool,
    pub max_entries: i32,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub registration_deadline: Option<NaiveDate>,
    pub status: String,
    pub champion_entry_id: Option<i64>,
    pub location_id: Option<i64>,
    pub created_by_player_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ChampionshipRow {
    /// The typed id.
    pub fn championship_id(&self) -> ChampionshipId {
        ChampionshipId(self.id)
    }

    /// The status (a CHECK constraint keeps the column valid).
    pub fn status(&self) -> ChampionshipStatus {
        self.status
            .parse()
            .unwrap_or(ChampionshipStatus::Registration)
    }

    /// Singles or doubles.
    pub fn kind(&self) -> MatchKind {
        self.kind.parse().unwrap_or(MatchKind::Singles)
    }

    /// The creator's player.
    pub fn created_by(&self) -> Option<PlayerId> {
        self.created_by_player_id.map(PlayerId)
    }
}

/// A `championship_entries` row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = ce)]
pub struct EntryRow {
    pub id: i64,
    pub championship_id: i64,
    pub display_name: String,
    pub seed: Option<i32>,
    pub created_at: NaiveDateTime,
}

/// A championship match as the standings, the matrix and the completion check see it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = m)]
pub struct ChampionshipMatchRow {
    pub id: i64,
    pub championship_id: Option<i64>,
    pub side1_entry_id: Option<i64>,
    pub side2_entry_id: Option<i64>,
    pub side1_games: i32,
    pub side2_games: i32,
    pub winner_side: Option<i32>,
    pub is_confirmed: bool,
}

/// A championship's location, as its page shows it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = locations)]
pub struct ChampionshipLocation {
    pub id: i64,
    pub name: String,
    pub address: String,
}

/// An entry with its members (ascending player id).
#[derive(Debug, Clone, PartialEq)]
pub struct ChampionshipEntry {
    /// The row.
    pub row: EntryRow,
    /// Its players: one for singles, two for doubles.
    pub members: Vec<PlayerId>,
}

/// A championship with its entries (entry order), fixtures (round, id) and matches (id).
#[derive(Debug, Clone, PartialEq)]
pub struct ChampionshipFull {
    /// The row.
    pub row: ChampionshipRow,
    /// Entries in entry order (seed nulls last, created_at, id).
    pub entries: Vec<ChampionshipEntry>,
    /// Its fixtures by round, then id.
    pub fixtures: Vec<FixtureRow>,
    /// Every match recorded for it, by id.
    pub matches: Vec<ChampionshipMatchRow>,
}

/// A championship with the players and location its page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ChampionshipDetail {
    /// The championship.
    pub full: ChampionshipFull,
    /// Every entry member with their verification.
    pub players: HashMap<PlayerId, PlayerView>,
    /// The location, if any.
    pub location: Option<ChampionshipLocation>,
}

/// A schedule written by creation, start or regeneration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WrittenSchedule {
    /// Fixtures inserted.
    pub fixtures: usize,
    /// The last round's date.
    pub end_date: Option<NaiveDate>,
    /// Every fixture participant (for `fixtures:{p}` cache tags).
    pub players: Vec<PlayerId>,
}

/// A validated change of a championship (DOMAIN.md §3.13 "Edit"); `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChampionshipEdit {
    /// New name (already trimmed and checked).
    pub name: Option<String>,
    /// New description; `Some(None)` clears it.
    pub description: Option<Option<String>>,
    /// New location; `Some(None)` removes it.
    pub location_id: Option<Option<i64>>,
    /// New status, set by hand (the only way to `cancelled`).
    pub status: Option<ChampionshipStatus>,
}

impl ChampionshipFull {
    /// The typed id.
    pub fn id(&self) -> ChampionshipId {
        self.row.championship_id()
    }

    /// The entries as the domain sees them, in entry order.
    pub fn domain_entries(&self) -> Vec<Entry> {
        self.entries
            .iter()
            .map(|e| Entry {
                id: EntryId(e.row.id),
                seed: e.row.seed.map(i64::from),
                created_at: from_db(e.row.created_at),
                members: e.members.clone(),
            })
            .collect()
    }

    /// Every player of every entry.
    pub fn entrants(&self) -> Vec<PlayerId> {
        self.entries
            .iter()
            .flat_map(|e| e.members.iter().copied())
            .collect()
    }

    /// Whether `viewer` may see it (§4.1); `None` is anonymous.
    pub fn visible_to(&self, viewer: Option<Viewer>) -> bool {
        let entrants = self.entrants();
        rules::can_view_championship(viewer, &self.access(&entrants))
    }

    /// Whether `viewer` created or entered it.
    pub fn is_mine(&self, player: Option<PlayerId>) -> bool {
        let entrants = self.entrants();
        ParticipationFilter::Mine.matches(&self.access(&entrants), player)
    }

    /// What registration, unregistration and start look at.
    pub fn state<'a>(&self, entries: &'a [Entry]) -> ChampionshipState<'a> {
        ChampionshipState {
            kind: self.row.kind(),
            is_public: self.row.is_public,
            status: self.row.status(),
            max_entries: u32::try_from(self.row.max_entries).unwrap_or(0),
            registration_deadline: self.row.registration_deadline,
            entries,
        }
    }

    /// Fixtures converted into matches.
    pub fn converted_fixtures(&self) -> usize {
        self.fixtures
            .iter()
            .filter(|f| f.match_id.is_some())
            .count()
    }

    /// ⌊100 × converted fixtures / fixtures⌋.
    pub fn progress(&self) -> u8 {
        rules::progress(self.converted_fixtures(), self.fixtures.len())
    }

    /// The matches as the standings see them.
    pub fn domain_matches(&self) -> Vec<ChampionshipMatch> {
        self.matches
            .iter()
            .map(|r| ChampionshipMatch {
                id: MatchId(r.id),
                side1_entry: r.side1_entry_id.map(EntryId),
                side2_entry: r.side2_entry_id.map(EntryId),
                side1_games: u8::try_from(r.side1_games).unwrap_or(0),
                side2_games: u8::try_from(r.side2_games).unwrap_or(0),
                winner: r
                    .winner_side
                    .and_then(|w| Side::try_from(i64::from(w)).ok()),
                is_confirmed: r.is_confirmed,
            })
            .collect()
    }

    fn access<'a>(&self, entrants: &'a [PlayerId]) -> ChampionshipAccess<'a> {
        ChampionshipAccess {
            is_public: self.row.is_public,
            created_by: self.row.created_by(),
            entrants,
        }
    }
}

/// The championship, or `NotFound`.
pub async fn load_championship(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
) -> Result<ChampionshipFull, DbError> {
    let row = db_run!(conn, |c| ch::table
        .find(id.0)
        .select(ChampionshipRow::as_select())
        .first(c)
        .await)?;
    load_full(conn, vec![row])
        .await?
        .pop()
        .ok_or(DbError::NotFound)
}

/// Takes the championship's row lock (an UPDATE, the same SQL on both backends) and loads it;
/// `NotFound` when it does not exist.
pub async fn lock_championship(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
) -> Result<ChampionshipFull, DbError> {
    if !lock_row(conn, id).await? {
        return Err(DbError::NotFound);
    }
    load_championship(conn, id).await
}

/// Entries, fixtures and matches of many championship rows in four queries, keeping the rows'
/// order.
pub async fn load_full(
    conn: &mut Conn<'_>,
    rows: Vec<ChampionshipRow>,
) -> Result<Vec<ChampionshipFull>, DbError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let entry_rows: Vec<EntryRow> = db_run!(conn, |c| ce::table
        .filter(ce::championship_id.eq_any(&ids))
        .order(ce::id)
        .select(EntryRow::as_select())
        .load(c)
        .await)?;
    let members: Vec<(i64, i64)> = db_run!(conn, |c| cem::table
        .filter(cem::championship_id.eq_any(&ids))
        .order((cem::entry_id, cem::player_id))
        .select((cem::entry_id, cem::player_id))
        .load(c)
        .await)?;
    let fixtures: Vec<FixtureRow> = db_run!(conn, |c| sm::table
        .filter(sm::championship_id.eq_any(&ids))
        .order((sm::round_number, sm::id))
        .select(FixtureRow::as_select())
        .load(c)
        .await)?;
    let matches: Vec<ChampionshipMatchRow> = db_run!(conn, |c| m::table
        .filter(m::championship_id.eq_any(&ids))
        .order(m::id)
        .select(ChampionshipMatchRow::as_select())
        .load(c)
        .await)?;
    let mut members_of: HashMap<i64, Vec<PlayerId>> = HashMap::new();
    for (entry, player) in members {
        members_of.entry(entry).or_default().push(PlayerId(player));
    }
    let mut entries_of: HashMap<i64, Vec<ChampionshipEntry>> = HashMap::new();
    for row in entry_rows {
        entries_of
            .entry(row.championship_id)
            .or_default()
            .push(ChampionshipEntry {
                members: members_of.remove(&row.id).unwrap_or_default(),
                row,
            });
    }
    let mut fixtures_of: HashMap<i64, Vec<FixtureRow>> = HashMap::new();
    for f in fixtures {
        if let Some(c) = f.championship_id {
            fixtures_of.entry(c).or_default().push(f);
        }
    }
    let mut matches_of: HashMap<i64, Vec<ChampionshipMatchRow>> = HashMap::new();
    for r in matches {
        if let Some(c) = r.championship_id {
            matches_of.entry(c).or_default().push(r);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut entries = entries_of.remove(&row.id).unwrap_or_default();
            entries.sort_by_key(|e| (e.row.seed.is_none(), e.row.seed, e.row.created_at, e.row.id));
            ChampionshipFull {
                entries,
                fixtures: fixtures_of.remove(&row.id).unwrap_or_default(),
                matches: matches_of.remove(&row.id).unwrap_or_default(),
                row,
            }
        })
        .collect())
}

/// The members' player views and the locations of `fulls`, for their pages.
pub async fn details(
    conn: &mut Conn<'_>,
    fulls: Vec<ChampionshipFull>,
) -> Result<Vec<ChampionshipDetail>, DbError> {
    let mut player_ids: Vec<PlayerId> = fulls.iter().flat_map(ChampionshipFull::entrants).collect();
    player_ids.sort_unstable();
    player_ids.dedup();
    let rows = players::get_players(conn, &player_ids).await?;
    let players: HashMap<PlayerId, PlayerView> = players::views(conn, rows)
        .await?
        .into_iter()
        .map(|v| (v.row.player_id(), v))
        .collect();
    let location_ids: Vec<i64> = fulls.iter().filter_map(|f| f.row.location_id).collect();
    let found: Vec<ChampionshipLocation> = db_run!(conn, |c| locations::table
        .filter(locations::id.eq_any(&location_ids))
        .select(ChampionshipLocation::as_select())
        .load(c)
        .await)?;
    let by_id: HashMap<i64, ChampionshipLocation> = found.into_iter().map(|l| (l.id, l)).collect();
    Ok(fulls
        .into_iter()
        .map(|full| {
            let own: HashMap<PlayerId, PlayerView> = full
                .entrants()
                .iter()
                .filter_map(|p| players.get(p).map(|v| (*p, v.clone())))
                .collect();
            ChampionshipDetail {
                location: full.row.location_id.and_then(|l| by_id.get(&l).cloned()),
                players: own,
                full,
            }
        })
        .collect())
}

/// A page of the championships `viewer` may see (§4.1), filtered by status and participation,
/// by start_date desc, created_at desc, id desc; with the total.
pub async fn list_championships(
    conn: &mut Conn<'_>,
    viewer: Viewer,
    statuses: &[ChampionshipStatus],
    participation: ParticipationFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ChampionshipFull>, i64), DbError> {
    let statuses: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    // `mine` without a player matches nothing (the -1 below matches no player either).
    if participation == ParticipationFilter::Mine && viewer.player.is_none() {
        return Ok((Vec::new(), 0));
    }
    let player = viewer.player.map_or(-1, |p| p.0);
    macro_rules! entered {
        () => {
            ch::id.eq_any(
                cem::table
                    .filter(cem::player_id.eq(player))
                    .select(cem::championship_id),
            )
        };
    }
    macro_rules! filtered {
        () => {{
            let mut q = ch::table
                .filter(ch::status.eq_any(statuses.clone()))
                .into_boxed();
            if !viewer.is_admin {
                q = q.filter(
                    ch::is_public
                        .eq(true)
                        .or(ch::created_by_player_id.eq(player))
                        .or(entered!()),
                );
            }
            match participation {
                ParticipationFilter::All => {}
                ParticipationFilter::Public => q = q.filter(ch::is_public.eq(true)),
                ParticipationFilter::Mine => {
                    q = q.filter(ch::created_by_player_id.eq(player).or(entered!()))
                }
            }
            q
        }};
    }
    let total = db_run!(conn, |c| filtered!().count().get_result::<i64>(c).await)?;
    let rows: Vec<ChampionshipRow> = db_run!(conn, |c| filtered!()
        .order((ch::start_date.desc(), ch::created_at.desc(), ch::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(ChampionshipRow::as_select())
        .load(c)
        .await)?;
    Ok((load_full(conn, rows).await?, total))
}

/// Creates a championship (§3.13) for the creator's player `creator`: validated by the domain
/// (`player_profile_required`, name, `max_entries_invalid`, dates, and a private
/// championship's entries: `entry_size_invalid`, `players_not_distinct`, `too_many_entries`,
/// `not_enough_entries`), its location (`invalid_choice`) and players (`unknown_player`).
/// Public → `registration`; private → its entries are created, the schedule is generated and
/// the status is `scheduled`. `created_by_user_id` is recorded on the generated fixtures.
pub async fn create_championship(
    conn: &mut Conn<'_>,
    new: &NewChampionship,
    creator: Option<PlayerId>,
    location_id: Option<i64>,
    created_by_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(ChampionshipId, WrittenSchedule), DbError> {
    let valid = rules::validate_new_championship(new, creator, now.date_naive())?;
    check_location(conn, location_id).await?;
    let everyone: Vec<PlayerId> = valid.entries.iter().flatten().copied().collect();
    if players::get_players(conn, &everyone).await?.len() != everyone.len() {
        return Err(DomainError::UnknownPlayer.into());
    }
    let row = NewChampionshipRow {
        name: &valid.name,
        description: &valid.description,
        kind: valid.kind.as_str(),
        is_public: valid.is_public,
        home_and_away: valid.home_and_away,
        max_entries: i32::try_from(valid.max_entries).unwrap_or(i32::MAX),
        start_date: valid.start_date,
        registration_deadline: valid.registration_deadline,
        status: valid.status.as_str(),
        location_id,
        created_by_player_id: Some(valid.created_by.0),
        created_at: to_db(now),
        updated_at: to_db(now),
    };
    let id = ChampionshipId(db_run!(conn, |c| diesel::insert_into(ch::table)
        .values(&row)
        .returning(ch::id)
        .get_result::<i64>(c)
        .await)?);
    for members in &valid.entries {
        insert_entry(conn, id, members, now).await?;
    }
    let written = if valid.status == ChampionshipStatus::Scheduled {
        write_schedule(conn, id, created_by_user_id, now).await?
    } else {
        WrittenSchedule::default()
    };
    Ok((id, written))
}

/// The caller's player registers, with a `partner` for doubles (§3.13). Refusals, in order:
/// `player_profile_required`; `unknown_player` (a doubles partner who does not exist);
/// `entry_size_invalid`, `players_not_distinct`; `registration_closed`, `championship_full`,
/// `already_registered` (also when a concurrent registration won the race).
pub async fn register(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
    caller: Option<PlayerId>,
    partner: Option<PlayerId>,
    now: DateTime<Utc>,
) -> Result<EntryId, DbError> {
    let full = lock_championship(conn, id).await?;
    let entries = full.domain_entries();
    let state = full.state(&entries);
    if let (Some(_), Some(p)) = (caller, partner)
        && state.kind == MatchKind::Doubles
        && Some(p) != caller
        && players::find_player(conn, p).await?.is_none()
    {
        return Err(DomainError::UnknownPlayer.into());
    }
    let members = rules::check_register(caller, partner, &state, now.date_naive())?;
    insert_entry(conn, id, &members, now).await
}

/// The caller's player leaves: their whole entry is removed, partner included; only while the
/// status is `registration` (`championship_not_in_registration`). Returns the removed entry,
/// `None` when the caller had none.
pub async fn unregister(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
    caller: Option<PlayerId>,
) -> Result<Option<EntryId>, DbError> {
    let full = lock_championship(conn, id).await?;
    let entries = full.domain_entries();
    let removed = rules::check_unregister(caller, &full.state(&entries))?;
    if let Some(entry) = removed {
        db_run!(conn, |c| diesel::delete(ce::table.find(entry.0))
            .execute(c)
            .await)?;
    }
    Ok(removed)
}

/// Starts a championship (status `registration`, ≥ 2 entries: `championship_not_in_registration`,
/// `not_enough_entries`): generates the schedule and sets the status to `scheduled`.
/// Permission (`not_championship_creator`) is the caller's check.
pub async fn start(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
    created_by_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<WrittenSchedule, DbError> {
    let full = lock_championship(conn, id).await?;
    let entries = full.domain_entries();
    rules::check_start(&full.state(&entries))?;
    set_status(conn, id, ChampionshipStatus::Scheduled, now).await?;
    write_schedule(conn, id, created_by_user_id, now).await
}

/// Replaces the fixtures with a freshly generated schedule, allowed only while no fixture is
/// converted (`fixture_already_converted`). Before the start there is no schedule to replace:
/// nothing happens (`None`). Permission is the caller's check.
pub async fn regenerate(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
    created_by_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Option<WrittenSchedule>, DbError> {
    let full = lock_championship(conn, id).await?;
    rules::check_regenerate(full.converted_fixtures())?;
    if full.row.status() == ChampionshipStatus::Registration {
        return Ok(None);
    }
    write_schedule(conn, id, created_by_user_id, now)
        .await
        .map(Some)
}

/// Edits name, description, location (`invalid_choice` when unknown) and status. Setting
/// `completed` by hand names the first standings row champion; any other status clears it.
/// Permission is the caller's check.
pub async fn update_championship(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
    edit: &ChampionshipEdit,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let full = lock_championship(conn, id).await?;
    if let Some(location) = edit.location_id {
        check_location(conn, location).await?;
    }
    let champion = edit.status.map(|status| {
        (status == ChampionshipStatus::Completed)
            .then(|| champion_of(&full))
            .flatten()
    });
    let columns = EditColumns {
        name: edit.name.clone(),
        description: edit
            .description
            .as_ref()
            .map(|d| d.clone().unwrap_or_default()),
        location_id: edit.location_id,
        status: edit.status.map(|s| s.as_str().to_owned()),
        champion_entry_id: champion.map(|c| c.map(|e| e.0)),
        updated_at: to_db(now),
    };
    db_run!(conn, |c| diesel::update(ch::table.find(id.0))
        .set(&columns)
        .execute(c)
        .await)?;
    Ok(())
}

/// The entry links of a championship match's sides: those given, else the entry whose members
/// equal that side's players (§3.13 "Entry linking"); nothing without a championship.
pub async fn fill_entry_links(
    conn: &mut Conn<'_>,
    championship: Option<i64>,
    side1: &[PlayerId],
    side2: &[PlayerId],
    given: (Option<i64>, Option<i64>),
) -> Result<(Option<i64>, Option<i64>), DbError> {
    let Some(championship) = championship else {
        return Ok(given);
    };
    if given.0.is_some() && given.1.is_some() {
        return Ok(given);
    }
    let rows: Vec<(i64, i64)> = db_run!(conn, |c| cem::table
        .filter(cem::championship_id.eq(championship))
        .order((cem::entry_id, cem::player_id))
        .select((cem::entry_id, cem::player_id))
        .load(c)
        .await)?;
    let mut entries: Vec<Entry> = Vec::new();
    for (entry, player) in rows {
        match entries.last_mut() {
            Some(last) if last.id.0 == entry => last.members.push(PlayerId(player)),
            _ => entries.push(Entry {
                id: EntryId(entry),
                seed: None,
                created_at: DateTime::<Utc>::MIN_UTC,
                members: vec![PlayerId(player)],
            }),
        }
    }
    let link = |side: &[PlayerId]| rules::link_entry(&entries, side).map(|e| e.0);
    Ok((
        given.0.or_else(|| link(side1)),
        given.1.or_else(|| link(side2)),
    ))
}

/// After a championship fixture was converted: a `scheduled` championship moves to
/// `in_progress`, then the completion check runs — the converted match may already be
/// confirmed (auto-confirmed at creation), and no later confirmation would run the check
/// (DOMAIN.md §3.0). Call it in the conversion's transaction, after linking the fixture.
pub async fn on_fixture_converted(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
    now: DateTime<Utc>,
) -> Result<Option<Completion>, DbError> {
    let full = lock_championship(conn, id).await?;
    if full.row.status() == ChampionshipStatus::Scheduled {
        set_status(conn, id, ChampionshipStatus::InProgress, now).await?;
    }
    complete_if_finished(conn, id, now).await
}

/// The completion check (§3.13), run whenever a championship match becomes confirmed — by the
/// last confirmation, auto-confirm or a verification change — and after a conversion: when
/// the status is `in_progress`, there is a fixture, every fixture is converted and every
/// match of the championship is confirmed, the championship becomes `completed`, the first
/// standings row is champion and the entrants are notified. A championship that no longer
/// exists is ignored.
pub async fn complete_if_finished(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
    now: DateTime<Utc>,
) -> Result<Option<Completion>, DbError> {
    if !lock_row(conn, id).await? {
        return Ok(None);
    }
    let full = load_championship(conn, id).await?;
    let completion = rules::check_completion(
        full.row.status(),
        full.fixtures.len(),
        full.converted_fixtures(),
        &full.domain_entries(),
        &full.domain_matches(),
    );
    let Some(done) = completion else {
        return Ok(None);
    };
    db_run!(conn, |c| diesel::update(ch::table.find(id.0))
        .set((
            ch::status.eq(ChampionshipStatus::Completed.as_str()),
            ch::champion_entry_id.eq(done.champion_entry_id.map(|e| e.0)),
            ch::updated_at.eq(to_db(now)),
        ))
        .execute(c)
        .await)?;
    let champion = match done.champion_entry_id {
        Some(entry) => entry_label(conn, &full, entry).await?,
        None => String::new(),
    };
    let title = format!("{} is complete", full.row.name);
    let body = if champion.is_empty() {
        "Every match has been played and confirmed.".to_owned()
    } else {
        format!("Champion: {champion}.")
    };
    notifications::notify_championship(conn, id, &title, &body, now).await?;
    Ok(Some(done))
}

#[derive(Insertable)]
#[diesel(table_name = ch)]
struct NewChampionshipRow<'a> {
    name: &'a str,
    description: &'a str,
    kind: &'a str,
    is_public: bool,
    home_and_away: bool,
    max_entries: i32,
    start_date: NaiveDate,
    registration_deadline: Option<NaiveDate>,
    status: &'a str,
    location_id: Option<i64>,
    created_by_player_id: Option<i64>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(AsChangeset)]
#[diesel(table_name = ch)]
#[expect(
    clippy::option_option,
    reason = "leave alone, set NULL and set a value are different changes"
)]
struct EditColumns {
    name: Option<String>,
    description: Option<String>,
    location_id: Option<Option<i64>>,
    status: Option<String>,
    champion_entry_id: Option<Option<i64>>,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = sm)]
struct NewFixtureRow<'a> {
    kind: &'a str,
    scheduled_date: NaiveDate,
    scheduled_time: chrono::NaiveTime,
    location_id: Option<i64>,
    championship_id: Option<i64>,
    round_number: Option<i32>,
    side1_entry_id: Option<i64>,
    side2_entry_id: Option<i64>,
    created_by_user_id: Option<i64>,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = smp)]
struct NewFixtureParticipant {
    scheduled_match_id: i64,
    player_id: i64,
    side: i32,
}

/// An UPDATE that changes nothing but takes the row lock; false when the row is missing.
async fn lock_row(conn: &mut Conn<'_>, id: ChampionshipId) -> Result<bool, DbError> {
    let n = db_run!(conn, |c| diesel::update(ch::table.find(id.0))
        .set(ch::updated_at.eq(ch::updated_at))
        .execute(c)
        .await)?;
    Ok(n > 0)
}

async fn set_status(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
    status: ChampionshipStatus,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    db_run!(conn, |c| diesel::update(ch::table.find(id.0))
        .set((
            ch::status.eq(status.as_str()),
            ch::updated_at.eq(to_db(now))
        ))
        .execute(c)
        .await)?;
    Ok(())
}

/// A location reference must exist (`invalid_choice` on `location`).
async fn check_location(conn: &mut Conn<'_>, location: Option<i64>) -> Result<(), DbError> {
    let Some(location) = location else {
        return Ok(());
    };
    let found: i64 = db_run!(conn, |c| locations::table
        .filter(locations::id.eq(location))
        .count()
        .get_result(c)
        .await)?;
    if found == 0 {
        return Err(DomainError::InvalidChoice { field: "location" }.into());
    }
    Ok(())
}

async fn insert_entry(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
    members: &[PlayerId],
    now: DateTime<Utc>,
) -> Result<EntryId, DbError> {
    let entry = db_run!(conn, |c| diesel::insert_into(ce::table)
        .values((ce::championship_id.eq(id.0), ce::created_at.eq(to_db(now))))
        .returning(ce::id)
        .get_result::<i64>(c)
        .await)?;
    for player in members {
        let inserted = db_run!(conn, |c| diesel::insert_into(cem::table)
            .values((
                cem::entry_id.eq(entry),
                cem::player_id.eq(player.0),
                cem::championship_id.eq(id.0),
            ))
            .execute(c)
            .await);
        match inserted.map_err(DbError::from) {
            Err(e)
                if e.is_conflict_on(
                    "championship_entry_members_one_entry_key",
                    "championship_entry_members.championship_id",
                ) =>
            {
                return Err(DomainError::AlreadyRegistered.into());
            }
            other => {
                other?;
            }
        }
    }
    Ok(EntryId(entry))
}

/// Deletes the championship's fixtures and writes the schedule of its current entries
/// (§3.13 circle method), the end date, and the entrants' `championship` notification.
async fn write_schedule(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
    created_by_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<WrittenSchedule, DbError> {
    let full = load_championship(conn, id).await?;
    db_run!(conn, |c| diesel::delete(
        sm::table.filter(sm::championship_id.eq(id.0))
    )
    .execute(c)
    .await)?;
    let schedule = rules::generate_schedule(
        &full.domain_entries(),
        full.row.start_date,
        full.row.home_and_away,
    );
    let kind = full.row.kind();
    let mut participants = Vec::new();
    for fixture in &schedule.fixtures {
        let row = NewFixtureRow {
            kind: kind.as_str(),
            scheduled_date: fixture.scheduled_date,
            scheduled_time: fixture.scheduled_time,
            location_id: full.row.location_id,
            championship_id: Some(id.0),
            round_number: i32::try_from(fixture.round_number).ok(),
            side1_entry_id: Some(fixture.side1_entry.0),
            side2_entry_id: Some(fixture.side2_entry.0),
            created_by_user_id,
            created_at: to_db(now),
        };
        let fixture_id = db_run!(conn, |c| diesel::insert_into(sm::table)
            .values(&row)
            .returning(sm::id)
            .get_result::<i64>(c)
            .await)?;
        for (side, players_) in [(1, &fixture.side1), (2, &fixture.side2)] {
            participants.extend(players_.iter().map(|p| NewFixtureParticipant {
                scheduled_match_id: fixture_id,
                player_id: p.0,
                side,
            }));
        }
    }
    insert_rows!(conn, smp::table, participants)?;
    db_run!(conn, |c| diesel::update(ch::table.find(id.0))
        .set((
            ch::end_date.eq(schedule.end_date),
            ch::updated_at.eq(to_db(now)),
        ))
        .execute(c)
        .await)?;
    let title = format!("{}: the schedule is out", full.row.name);
    let body = match schedule.end_date {
        Some(end) => format!(
            "{} fixtures from {} to {}.",
            schedule.fixtures.len(),
            full.row.start_date,
            end
        ),
        None => "No fixtures were generated.".to_owned(),
    };
    notifications::notify_championship(conn, id, &title, &body, now).await?;
    let mut everyone = full.entrants();
    everyone.sort_unstable();
    everyone.dedup();
    Ok(WrittenSchedule {
        fixtures: schedule.fixtures.len(),
        end_date: schedule.end_date,
        players: everyone,
    })
}

/// The first standings row, for a championship completed by hand.
fn champion_of(full: &ChampionshipFull) -> Option<EntryId> {
    rules::standings(&full.domain_entries(), &full.domain_matches())
        .into_iter()
        .next()
        .map(|row| row.entry_id)
}

/// The entry's display name, else its side label ("A" or "A and B").
async fn entry_label(
    conn: &mut Conn<'_>,
    full: &ChampionshipFull,
    entry: EntryId,
) -> Result<String, DbError> {
    let Some(found) = full.entries.iter().find(|e| e.row.id == entry.0) else {
        return Ok(String::new());
    };
    if !found.row.display_name.trim().is_empty() {
        return Ok(found.row.display_name.clone());
    }
    let rows = players::get_players(conn, &found.members).await?;
    let directory = PlayerDirectory::new(rows.iter().map(players::PlayerRow::name));
    Ok(directory.side_label(Side::One, &found.members))
}
