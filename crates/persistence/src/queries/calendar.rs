//! The calendar (DOMAIN.md §3.13): a viewer's fixtures and confirmed matches placed on a
//! month grid, and the upcoming fixtures. Also the fixture loading the dashboard shares.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::calendar::{
    self as cal, CalendarFixture, CalendarMatch, CalendarMonth, UPCOMING_LIMIT, YearMonth,
};
use ttstats_domain::championship::{ChampionshipAccess, Viewer};
use ttstats_domain::elo::{self, WinProbability};
use ttstats_domain::fixture::{FixtureAccess, can_view_fixture};
use ttstats_domain::{FixtureId, MatchId, PlayerId, Side};

use crate::conn::Conn;
use crate::error::DbError;
use crate::matches::{self, MatchFull, MatchRow};
use crate::schema::{
    championship_entry_members as cem, championships as ch, matches as m,
    scheduled_match_participants as smp, scheduled_matches as sm,
};
use crate::{from_db, players, to_db};

/// A `scheduled_matches` row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = sm)]
pub struct FixtureRow {
    pub id: i64,
    pub kind: String,
    pub scheduled_date: NaiveDate,
    pub scheduled_time: NaiveTime,
    pub location_id: Option<i64>,
    pub notes: String,
    pub championship_id: Option<i64>,
    pub round_number: Option<i32>,
    pub side1_entry_id: Option<i64>,
    pub side2_entry_id: Option<i64>,
    pub created_by_user_id: Option<i64>,
    pub match_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// A fixture with its sides and what the calendar and the dashboard show beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct FixtureView {
    /// The row.
    pub row: FixtureRow,
    /// Side 1's players, by id.
    pub side1: Vec<PlayerId>,
    /// Side 2's players, by id.
    pub side2: Vec<PlayerId>,
    /// Its championship's name, for championship fixtures.
    pub championship_name: Option<String>,
    /// The match it was converted into is confirmed (the calendar then hides the fixture).
    pub match_confirmed: bool,
    /// Win chances from the sides' current ratings (§3.6).
    pub win_probability: WinProbability,
}

impl FixtureView {
    /// The typed id.
    pub fn id(&self) -> FixtureId {
        FixtureId(self.row.id)
    }

    /// Player ids of `side`.
    pub fn side(&self, side: Side) -> &[PlayerId] {
        side.pick(&self.side1, &self.side2)
    }

    /// The fixture as the domain's calendar functions take it.
    pub fn calendar(&self) -> CalendarFixture {
        CalendarFixture {
            id: self.id(),
            scheduled_date: self.row.scheduled_date,
            scheduled_time: self.row.scheduled_time,
            match_id: self.row.match_id.map(MatchId),
            match_confirmed: self.match_confirmed,
        }
    }
}

/// A month of the calendar with everything it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarView {
    /// The grid with fixtures and matches placed on its days.
    pub month: CalendarMonth,
    /// The next unconverted visible fixtures from today, at most [`UPCOMING_LIMIT`].
    pub upcoming: Vec<FixtureId>,
    /// Every fixture `month` or `upcoming` names, by date, time, id.
    pub fixtures: Vec<FixtureView>,
    /// Every match `month` names, by played_at, id.
    pub matches: Vec<MatchFull>,
}

/// The calendar of `month` for `viewer` (a signed-in user) at `now`: the fixtures they may see
/// (§4.1: participants, entrants and creator of its championship; admins all) and the
/// confirmed matches they played or that belong to a championship they entered.
pub async fn calendar_month(
    conn: &mut Conn<'_>,
    viewer: Viewer,
    month: YearMonth,
    now: DateTime<Utc>,
) -> Result<CalendarView, DbError> {
    let grid = cal::month_grid(month);
    let (first, last) = (grid.first_day(), grid.last_day());
    let in_grid = fixtures(conn, Scope::Visible(viewer), Span::Days { first, last }).await?;
    let played = viewer_matches(conn, viewer, first, last).await?;
    let today = now.date_naive();
    let ahead = fixtures(conn, Scope::Visible(viewer), Span::From(today)).await?;

    let placed: Vec<CalendarMatch> = played
        .iter()
        .map(|full| CalendarMatch {
            id: full.id(),
            played_at: from_db(full.row.played_at),
        })
        .collect();
    let month = cal::place_on_calendar(
        &grid,
        &in_grid
            .iter()
            .map(FixtureView::calendar)
            .collect::<Vec<_>>(),
        &placed,
    );
    let upcoming = cal::upcoming(
        &ahead.iter().map(FixtureView::calendar).collect::<Vec<_>>(),
        today,
        UPCOMING_LIMIT,
    );

    let named: HashSet<FixtureId> = month
        .weeks
        .iter()
        .flatten()
        .flat_map(|day| day.fixtures.iter().copied())
        .chain(upcoming.iter().copied())
        .collect();
    let mut seen = HashSet::new();
    let mut fixtures: Vec<FixtureView> = in_grid
        .into_iter()
        .chain(ahead)
        .filter(|f| named.contains(&f.id()) && seen.insert(f.id()))
        .collect();
    fixtures.sort_by_key(|f| (f.row.scheduled_date, f.row.scheduled_time, f.row.id));
    Ok(CalendarView {
        month,
        upcoming,
        fixtures,
        matches: played,
    })
}

/// Whose fixtures to load.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope {
    /// Those the viewer may see (§4.1).
    Visible(Viewer),
    /// Those the player plays in.
    Participant(PlayerId),
}

/// Which fixtures by date.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Span {
    /// Dated `first` to `last`, both included, converted or not.
    Days { first: NaiveDate, last: NaiveDate },
    /// Unconverted and dated on or after the day.
    From(NaiveDate),
}

/// The fixtures of `scope` in `span`, by date, time, id.
pub(crate) async fn fixtures(
    conn: &mut Conn<'_>,
    scope: Scope,
    span: Span,
) -> Result<Vec<FixtureView>, DbError> {
    let viewer_player = match scope {
        Scope::Visible(Viewer { is_admin: true, .. }) => None,
        Scope::Visible(Viewer {
            player: Some(p), ..
        })
        | Scope::Participant(p) => Some(p.0),
        // Neither admin nor player: a viewer who sees no fixture (§4.1).
        Scope::Visible(Viewer { player: None, .. }) => return Ok(Vec::new()),
    };
    let only_participant = matches!(scope, Scope::Participant(_));
    let rows: Vec<FixtureRow> = db_run!(conn, |c| {
        let mut q = sm::table.into_boxed();
        q = match span {
            Span::Days { first, last } => q.filter(sm::scheduled_date.between(first, last)),
            Span::From(day) => q
                .filter(sm::match_id.is_null())
                .filter(sm::scheduled_date.ge(day)),
        };
        if let Some(p) = viewer_player {
            let plays = sm::id.eq_any(
                smp::table
                    .filter(smp::player_id.eq(p))
                    .select(smp::scheduled_match_id),
            );
            q = if only_participant {
                q.filter(plays)
            } else {
                // A superset check in SQL; `can_view_fixture` below has the last word.
                q.filter(
                    plays
                        .or(sm::championship_id.eq_any(
                            cem::table
                                .filter(cem::player_id.eq(p))
                                .select(cem::championship_id.nullable()),
                        ))
                        .or(sm::championship_id.eq_any(
                            ch::table
                                .filter(ch::created_by_player_id.eq(p))
                                .select(ch::id.nullable()),
                        )),
                )
            };
        }
        q.order((sm::scheduled_date, sm::scheduled_time, sm::id))
            .select(FixtureRow::as_select())
            .load(c)
            .await
    })?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let views = complete_fixtures(conn, rows).await?;
    Ok(match scope {
        Scope::Visible(viewer) => views
            .into_iter()
            .filter_map(|(view, access)| {
                can_view_fixture(Some(viewer), &access.fixture()).then_some(view)
            })
            .collect(),
        Scope::Participant(_) => views.into_iter().map(|(view, _)| view).collect(),
    })
}

/// Confirmed, non-live matches played on the grid's days that the viewer played or that
/// belong to a championship they entered.
async fn viewer_matches(
    conn: &mut Conn<'_>,
    viewer: Viewer,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<MatchFull>, DbError> {
    let Some(player) = viewer.player else {
        return Ok(Vec::new());
    };
    let start = to_db(first.and_time(NaiveTime::MIN).and_utc());
    let end = to_db(
        last.checked_add_days(Days::new(1))
            .unwrap_or(last)
            .and_time(NaiveTime::MIN)
            .and_utc(),
    );
    let rows: Vec<MatchRow> = db_run!(conn, |c| counted_matches!()
        .filter(m::played_at.ge(start))
        .filter(m::played_at.lt(end))
        .filter(
            m::id
                .eq_any(matches_of!(player.0))
                .or(m::championship_id.eq_any(
                    cem::table
                        .filter(cem::player_id.eq(player.0))
                        .select(cem::championship_id.nullable())
                ))
        )
        .order((m::played_at, m::id))
        .select(MatchRow::as_select())
        .load(c)
        .await)?;
    matches::load_children(conn, rows).await
}

/// What visibility needs to know about a fixture's championship.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChampionshipFacts {
    is_public: bool,
    created_by: Option<PlayerId>,
    entrants: Vec<PlayerId>,
}

/// The access facts of one fixture, borrowed for `can_view_fixture`.
#[derive(Debug, Clone)]
pub(crate) struct Access {
    championship: Option<ChampionshipFacts>,
    participants: Vec<PlayerId>,
}

impl Access {
    pub(crate) fn fixture(&self) -> FixtureAccess<'_> {
        FixtureAccess {
            participants: &self.participants,
            championship: self.championship.as_ref().map(|c| ChampionshipAccess {
                is_public: c.is_public,
                created_by: c.created_by,
                entrants: &c.entrants,
            }),
        }
    }
}

/// Sides, championship facts, match state and win chances of the fixture rows.
pub(crate) async fn complete_fixtures(
    conn: &mut Conn<'_>,
    rows: Vec<FixtureRow>,
) -> Result<Vec<(FixtureView, Access)>, DbError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let sides: Vec<(i64, i64, i32)> = db_run!(conn, |c| smp::table
        .filter(smp::scheduled_match_id.eq_any(&ids))
        .order((smp::scheduled_match_id, smp::side, smp::player_id))
        .select((smp::scheduled_match_id, smp::player_id, smp::side))
        .load(c)
        .await)?;
    let mut by_fixture: HashMap<i64, (Vec<PlayerId>, Vec<PlayerId>)> = HashMap::new();
    for (fixture, player, side) in &sides {
        let entry = by_fixture.entry(*fixture).or_default();
        if *side == 1 {
            entry.0.push(PlayerId(*player));
        } else {
            entry.1.push(PlayerId(*player));
        }
    }

    let championship_ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.championship_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut championships: HashMap<i64, (String, ChampionshipFacts)> = HashMap::new();
    if !championship_ids.is_empty() {
        let heads: Vec<(i64, String, bool, Option<i64>)> = db_run!(conn, |c| ch::table
            .filter(ch::id.eq_any(&championship_ids))
            .select((ch::id, ch::name, ch::is_public, ch::created_by_player_id))
            .load(c)
            .await)?;
        let members: Vec<(i64, i64)> = db_run!(conn, |c| cem::table
            .filter(cem::championship_id.eq_any(&championship_ids))
            .order((cem::championship_id, cem::player_id))
            .select((cem::championship_id, cem::player_id))
            .load(c)
            .await)?;
        for (id, name, is_public, created_by) in heads {
            let facts = ChampionshipFacts {
                is_public,
                created_by: created_by.map(PlayerId),
                entrants: Vec::new(),
            };
            championships.insert(id, (name, facts));
        }
        for (championship, player) in members {
            if let Some((_, facts)) = championships.get_mut(&championship) {
                facts.entrants.push(PlayerId(player));
            }
        }
    }

    let match_ids: Vec<i64> = rows.iter().filter_map(|r| r.match_id).collect();
    let confirmed: HashSet<i64> = if match_ids.is_empty() {
        HashSet::new()
    } else {
        db_run!(conn, |c| m::table
            .filter(m::id.eq_any(&match_ids))
            .filter(m::is_confirmed.eq(true))
            .select(m::id)
            .load::<i64>(c)
            .await)?
        .into_iter()
        .collect()
    };

    let everyone: Vec<PlayerId> = sides.iter().map(|(_, p, _)| PlayerId(*p)).collect();
    let ratings: HashMap<PlayerId, i32> = players::get_players(conn, &everyone)
        .await?
        .iter()
        .map(|r| (r.player_id(), r.rating))
        .collect();
    let rating_of = |ids: &[PlayerId]| -> Vec<i32> {
        ids.iter()
            .filter_map(|id| ratings.get(id).copied())
            .collect()
    };

    Ok(rows
        .into_iter()
        .map(|row| {
            let (side1, side2) = by_fixture.remove(&row.id).unwrap_or_default();
            let championship = row
                .championship_id
                .and_then(|id| championships.get(&id).cloned());
            let access = Access {
                participants: side1.iter().chain(&side2).copied().collect(),
                championship: championship.as_ref().map(|(_, facts)| facts.clone()),
            };
            let view = FixtureView {
                match_confirmed: row.match_id.is_some_and(|id| confirmed.contains(&id)),
                championship_name: championship.map(|(name, _)| name),
                win_probability: elo::win_probability(&rating_of(&side1), &rating_of(&side2)),
                side1,
                side2,
                row,
            };
            (view, access)
        })
        .collect())
}
