//! Fixtures, the calendar and the matches they show: persistence rows → response DTOs.
//! Pure functions; the services load the rows first ([`fixtures::load_related`]).
//!
//! [`match_view`] is a stand-in for the matches resource's own mapping: when `views::matches`
//! lands, the calendar and the conversion should call that instead.

use std::collections::{HashMap, HashSet};

use ttstats_api_types::locations::Location;
use ttstats_api_types::matches::{
    Confirmation, ConfirmationSource, EloChange, Game, Match, Presentation, Viewer as MatchViewer,
};
use ttstats_api_types::players::{Player, PlayingStyle};
use ttstats_api_types::schedule::{Calendar, CalendarDay, ScheduledMatch, YearMonth};
use ttstats_domain::calendar::YearMonth as DomainMonth;
use ttstats_domain::championship::Viewer;
use ttstats_domain::confirmation::confirmation_state;
use ttstats_domain::elo::{self, EloOutcome, MemberRating, PlayerElo, SideElo, WinProbability};
use ttstats_domain::player::{PlayerDirectory, display_name};
use ttstats_domain::presentation::{self, ConfirmationFacts};
use ttstats_domain::{FixtureId, MatchId, PlayerId, Side};
use ttstats_persistence::fixtures::{LocationRow, Related};
use ttstats_persistence::matches::MatchFull;
use ttstats_persistence::players::PlayerView;
use ttstats_persistence::queries::calendar::{CalendarView, FixtureView};
use ttstats_persistence::ratings::EloHistoryRow;
use ttstats_persistence::{DbError, from_db};

/// A fixture (`ScheduledMatch`); `with_odds` adds the win probability (upcoming lists).
pub fn scheduled_match_view(
    fixture: &FixtureView,
    related: &Related,
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
        location: location_of(row.location_id, &related.locations),
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
    related: &Related,
    viewer: Viewer,
) -> Result<Calendar, DbError> {
    let fixtures: HashMap<FixtureId, &FixtureView> =
        calendar.fixtures.iter().map(|f| (f.id(), f)).collect();
    let matches: HashMap<MatchId, Match> = calendar
        .matches
        .iter()
        .map(|m| Ok((m.id(), match_view(m, related, viewer)?)))
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

/// API.md `Match`, seen by `viewer`.
pub fn match_view(full: &MatchFull, related: &Related, viewer: Viewer) -> Result<Match, DbError> {
    let row = &full.row;
    let record = full.record()?;
    let verified: HashSet<PlayerId> = full
        .player_ids()
        .into_iter()
        .filter(|id| related.players.get(id).is_some_and(|p| p.verified))
        .collect();
    let confirmed = full.confirmed_by();
    let complete = row.winner().is_some();
    let pending = complete && !row.is_confirmed && !row.is_live;
    let state = confirmation_state(
        &full.confirmation_participants(&verified),
        &confirmed,
        complete,
    );
    let history = related
        .history
        .get(&full.id())
        .map_or(&[][..], Vec::as_slice);
    let figures = elo_figures(full, history, &related.players);
    let elo_changes = if figures.applied || pending {
        figures
            .outcome
            .players
            .iter()
            .map(|p| EloChange {
                player_id: p.player.0,
                change: figures.outcome.side(p.side).change,
            })
            .collect()
    } else {
        Vec::new()
    };
    let directory = PlayerDirectory::new(
        full.player_ids()
            .iter()
            .filter_map(|id| related.players.get(id).map(|p| p.row.name())),
    );
    let delta = |side: Side| {
        let change = figures.outcome.side(side).change;
        presentation::side_delta(figures.applied.then_some(change), change)
    };
    let flags = presentation::viewer_flags(
        viewer.player,
        &record,
        ConfirmationFacts {
            confirmed: &confirmed,
            is_confirmed: row.is_confirmed,
            is_live: row.is_live,
        },
    );
    let auto_confirmed_because = if row.auto_confirmed {
        full.player_ids()
            .iter()
            .filter(|id| !verified.contains(id))
            .filter_map(|id| directory.get(*id).map(|n| n.display_name().to_owned()))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Match {
        id: row.id,
        best_of: row.best_of().get(),
        match_type: row.match_type(),
        kind: row.kind(),
        played_at: from_db(row.played_at),
        location: location_of(row.location_id, &related.locations),
        notes: Some(row.notes.clone()).filter(|n| !n.is_empty()),
        side1: players_of(&full.side(Side::One), &related.players),
        side2: players_of(&full.side(Side::Two), &related.players),
        games: games_of(full)?,
        side1_games: u8::try_from(row.side1_games).unwrap_or(0),
        side2_games: u8::try_from(row.side2_games).unwrap_or(0),
        winner_side: row.winner().map(Side::number),
        is_confirmed: row.is_confirmed,
        confirmed_at: row.confirmed_at.map(from_db),
        confirmations: confirmations_of(full),
        awaiting: if pending {
            state.awaiting.iter().map(|p| p.0).collect()
        } else {
            Vec::new()
        },
        auto_confirmed: row.auto_confirmed,
        auto_confirmed_because,
        elo_changes,
        is_live: row.is_live,
        championship_id: row.championship_id,
        created_by: row.created_by_user_id,
        created_at: from_db(row.created_at),
        presentation: Presentation::from_domain(
            &presentation::present_match(&record, &directory),
            delta(Side::One),
            delta(Side::Two),
            figures.win_probability,
        ),
        viewer: Some(MatchViewer::from(flags)),
    })
}

/// API.md `Player`.
pub fn player_view(p: &PlayerView) -> Player {
    let row = &p.row;
    Player {
        id: row.id,
        name: row.name.clone(),
        nickname: row.nickname.clone(),
        display_name: display_name(&row.name, &row.nickname).to_owned(),
        rating: row.rating,
        peak_rating: row.peak_rating,
        rated_matches: u32::try_from(row.rated_matches).unwrap_or(0),
        verified: p.verified,
        is_guest: p.is_guest(),
        playing_style: PlayingStyle::parse(&row.playing_style).unwrap_or_default(),
    }
}

fn games_of(full: &MatchFull) -> Result<Vec<Game>, DbError> {
    full.games
        .iter()
        .map(|g| {
            Ok(Game::new(
                u8::try_from(g.number).unwrap_or(0),
                g.score()?,
                g.duration_minutes.and_then(|m| u16::try_from(m).ok()),
            ))
        })
        .collect()
}

fn confirmations_of(full: &MatchFull) -> Vec<Confirmation> {
    full.confirmations
        .iter()
        .map(|c| Confirmation {
            player_id: c.player_id,
            at: from_db(c.confirmed_at),
            source: if c.source == "auto" {
                ConfirmationSource::Auto
            } else {
                ConfirmationSource::Player
            },
        })
        .collect()
}

fn players_of(ids: &[PlayerId], players: &HashMap<PlayerId, PlayerView>) -> Vec<Player> {
    ids.iter()
        .filter_map(|id| players.get(id).map(player_view))
        .collect()
}

fn location_of(id: Option<i64>, locations: &HashMap<i64, LocationRow>) -> Option<Location> {
    id.and_then(|id| locations.get(&id)).map(|l| Location {
        id: l.id,
        name: l.name.clone(),
        address: Some(l.address.clone()).filter(|a| !a.is_empty()),
    })
}

fn year_month(month: DomainMonth) -> YearMonth {
    YearMonth {
        year: month.year(),
        month: month.month(),
    }
}

/// A match's Elo outcome: applied (its history rows) once rated, else projected on current
/// ratings (DOMAIN.md §3.6), and the win probability on the matching ratings.
struct EloFigures {
    outcome: EloOutcome,
    applied: bool,
    win_probability: WinProbability,
}

fn elo_figures(
    full: &MatchFull,
    history: &[EloHistoryRow],
    players: &HashMap<PlayerId, PlayerView>,
) -> EloFigures {
    if !history.is_empty() {
        let entries: Vec<_> = history.iter().map(EloHistoryRow::entry).collect();
        let side_elo = |side: Side| {
            entries.iter().find(|e| e.side == side).map_or(
                SideElo {
                    k_factor: 0.0,
                    change: 0,
                },
                |e| SideElo {
                    k_factor: e.k_factor,
                    change: e.rating_change,
                },
            )
        };
        // A rated match's win probability uses its pre-match ratings.
        let before = |side: Side| -> Vec<i32> {
            entries
                .iter()
                .filter(|e| e.side == side)
                .map(|e| e.old_rating)
                .collect()
        };
        return EloFigures {
            outcome: EloOutcome {
                side1: side_elo(Side::One),
                side2: side_elo(Side::Two),
                players: entries
                    .iter()
                    .map(|e| PlayerElo {
                        player: e.player_id,
                        side: e.side,
                        old_rating: e.old_rating,
                        new_rating: e.new_rating,
                    })
                    .collect(),
            },
            applied: true,
            win_probability: elo::win_probability(&before(Side::One), &before(Side::Two)),
        };
    }
    let members = |side: Side| -> Vec<MemberRating> {
        full.side(side)
            .iter()
            .filter_map(|id| players.get(id))
            .map(|p| MemberRating::from_aggregates(p.row.player_id(), &p.row.aggregates()))
            .collect()
    };
    let (side1, side2) = (members(Side::One), members(Side::Two));
    let winner = if full.row.is_live {
        None
    } else {
        full.row.winner()
    };
    let ratings = |m: &[MemberRating]| m.iter().map(|m| m.rating).collect::<Vec<_>>();
    EloFigures {
        outcome: elo::projection(
            full.row.match_type(),
            full.row.best_of(),
            &side1,
            &side2,
            winner,
        ),
        applied: false,
        win_probability: elo::win_probability(&ratings(&side1), &ratings(&side2)),
    }
}
