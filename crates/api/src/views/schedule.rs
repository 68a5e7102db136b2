//! Fixtures and the calendar: persistence rows → response DTOs. Pure functions; the services
//! load the rows first ([`fixtures::load_related`]); matches use the shared [`match_view`].
//!
//! [`fixtures::load_related`]: ttstats_persistence::fixtures::load_related

use std::collections::HashMap;

use ttstats_api_types::matches::Match;
use ttstats_api_types::players::Player;
use ttstats_api_types::schedule::{Calendar, CalendarDay, ScheduledMatch, YearMonth};
use ttstats_domain::calendar::YearMonth as DomainMonth;
use ttstats_domain::championship::Viewer;
use ttstats_domain::{FixtureId, MatchId, PlayerId};
use ttstats_persistence::matches::MatchContext;
use ttstats_persistence::players::PlayerView;
use ttstats_persistence::queries::calendar::{CalendarView, FixtureView};
use ttstats_persistence::{DbError, from_db};

use super::{Caller, location_view, match_view, player_view};

/// A fixture (`ScheduledMatch`); `with_odds` adds the win probability (upcoming lists).
pub fn scheduled_match_view(
    fixture: &FixtureView,
    related: &MatchContext,
    with_odds: bool,
) -> ScheduledMatch {
    let row = &fixture.row;
    ScheduledMatch {
        id: row.id,
        kind: row
            .kind
            .parse()
            .unwrap_or(ttstats_domain::MatchKind::Singles),
        scheduled_date: row.scheduled_date,
        scheduled_time: row.scheduled_time,
        location: row
            .location_id
            .and_then(|id| related.locations.get(&id))
            .map(location_view),
        notes: Some(row.notes.clone()).filter(|n| !n.is_empty()),
        championship_id: row.championship_id,
        championship_name: fixture.championship_name.clone(),
        round_number: row.round_number.and_then(|r| u32::try_from(r).ok()),
        side1: players_of(&fixture.side1, &related.players),
        side2: players_of(&fixture.side2, &related.players),
        side1_entry_id: row.side1_entry_id,
        side2_entry_id: row.side2_entry_id,
        match_id: row.match_id,
        // Only a deleted account leaves this empty, and accounts are deactivated, not deleted.
        created_by: row.created_by_user_id.unwrap_or_default(),
        created_at: from_db(row.created_at),
        win_probability: with_odds.then(|| fixture.win_probability.into()),
    }
}

/// `GET /calendar`: the month grid with the viewer's fixtures and matches on their days, and
/// the upcoming fixtures with their win probability.
pub fn calendar_view(
    calendar: &CalendarView,
    related: &MatchContext,
    viewer: Viewer,
) -> Result<Calendar, DbError> {
    let fixtures: HashMap<FixtureId, &FixtureView> =
        calendar.fixtures.iter().map(|f| (f.id(), f)).collect();
    let matches: HashMap<MatchId, Match> = calendar
        .matches
        .iter()
        .map(|m| Ok((m.id(), match_view(m, related, &caller(viewer))?)))
        .collect::<Result<_, DbError>>()?;
    let fixture = |id: &FixtureId, odds: bool| {
        fixtures
            .get(id)
            .map(|f| scheduled_match_view(f, related, odds))
    };
    let month = &calendar.month;
    Ok(Calendar {
        year: month.month.year(),
        month: month.month.month(),
        weeks: month
            .weeks
            .iter()
            .map(|week| {
                week.iter()
                    .map(|day| CalendarDay {
                        date: day.date,
                        in_month: day.in_month,
                        fixtures: day
                            .fixtures
                            .iter()
                            .filter_map(|id| fixture(id, false))
                            .collect(),
                        matches: day
                            .matches
                            .iter()
                            .filter_map(|id| matches.get(id).cloned())
                            .collect(),
                    })
                    .collect()
            })
            .collect(),
        previous: year_month(month.previous),
        next: year_month(month.next),
        upcoming: calendar
            .upcoming
            .iter()
            .filter_map(|id| fixture(id, true))
            .collect(),
    })
}

/// The signed-in viewer of a calendar or fixture, as the match mapping sees them.
pub fn caller(viewer: Viewer) -> Caller {
    Caller {
        signed_in: true,
        is_admin: viewer.is_admin,
        player: viewer.player,
    }
}

fn players_of(ids: &[PlayerId], players: &HashMap<PlayerId, PlayerView>) -> Vec<Player> {
    ids.iter()
        .filter_map(|id| players.get(id).map(player_view))
        .collect()
}

fn year_month(month: DomainMonth) -> YearMonth {
    YearMonth {
        year: month.year(),
        month: month.month(),
    }
}
