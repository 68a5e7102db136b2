//! The dashboard (DOMAIN.md §3.12): the club part everyone sees and the personal part of a
//! signed-in user with a player (*Live now* is the live-scoring module's, never cached).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::calendar as cal;
use ttstats_domain::dashboard::{
    self as dash, PendingCandidate, RECENT_CLUB_MATCHES, RIVALRY_WINDOW, Rivalry, WaitingOnYou,
};
use ttstats_domain::elo::{self, MemberRating};
use ttstats_domain::player::PlayerDirectory;
use ttstats_domain::{MatchId, PlayerId, Side};

use super::calendar::{self, FixtureView, Scope, Span};
use super::{count, directory, load_records, participants_of, pending};
use crate::conn::Conn;
use crate::error::DbError;
use crate::matches::{self, MatchFull, MatchRow};
use crate::players::{self, PlayerRow, PlayerView};
use crate::schema::matches as m;

/// Fixtures on the dashboard (§3.12 item 4).
pub const DASHBOARD_FIXTURES: usize = 3;

/// The part of the dashboard that is the same for everyone.
#[derive(Debug, Clone, PartialEq)]
pub struct ClubDashboard {
    /// Players in the club.
    pub total_players: u32,
    /// Confirmed, non-live matches in the club.
    pub total_confirmed_matches: u32,
    /// The most recent confirmed matches, newest first.
    pub recent_matches: Vec<MatchFull>,
}

/// The personal part of a user's dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonalDashboard {
    /// Matches awaiting the user's own confirmation (at most 4) and their uncapped count.
    pub waiting_on_you: WaitingOnYou,
    /// The user's rivalries (at most 3), most recently played first.
    pub rivalries: Vec<RivalryView>,
    /// The user's next unconverted fixtures from today (at most [`DASHBOARD_FIXTURES`]).
    pub fixtures: Vec<DashboardFixture>,
}

/// A rivalry with the opponent's player.
#[derive(Debug, Clone, PartialEq)]
pub struct RivalryView {
    /// The record against the opponent.
    pub rivalry: Rivalry,
    /// The opponent.
    pub opponent: PlayerView,
}

/// A fixture as the dashboard lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardFixture {
    /// The fixture.
    pub fixture: FixtureView,
    /// The other side's label; "TBC" while that side has no players.
    pub opponent_label: String,
}

/// Totals and the most recent confirmed matches.
pub async fn club_dashboard(conn: &mut Conn<'_>) -> Result<ClubDashboard, DbError> {
    let total_players = players::count_players(conn).await?;
    let total_confirmed: i64 = db_run!(conn, |c| counted_matches!().count().get_result(c).await)?;
    let rows: Vec<MatchRow> = db_run!(conn, |c| counted_matches!()
        .order(newest_first!())
        .limit(RECENT_CLUB_MATCHES as i64)
        .select(MatchRow::as_select())
        .load(c)
        .await)?;
    let loaded = matches::load_children(conn, rows).await?;
    let records = loaded
        .iter()
        .map(MatchFull::record)
        .collect::<Result<Vec<_>, _>>()?;
    let chosen: Vec<MatchId> = dash::recent_club_matches(&records)
        .iter()
        .map(|r| r.id)
        .collect();
    let mut by_id: HashMap<MatchId, MatchFull> = loaded.into_iter().map(|f| (f.id(), f)).collect();
    Ok(ClubDashboard {
        total_players: count(total_players),
        total_confirmed_matches: count(total_confirmed),
        recent_matches: chosen.iter().filter_map(|id| by_id.remove(id)).collect(),
    })
}

/// The personal part for `player` at `now`; `NotFound` for an unknown player.
pub async fn personal_dashboard(
    conn: &mut Conn<'_>,
    player: PlayerId,
    now: DateTime<Utc>,
) -> Result<PersonalDashboard, DbError> {
    players::get_player(conn, player).await?;
    Ok(PersonalDashboard {
        waiting_on_you: waiting_on_you(conn, player).await?,
        rivalries: rivalries(conn, player).await?,
        fixtures: next_fixtures(conn, player, now).await?,
    })
}

/// *Waiting on you*, each with the user's Δ projected on current ratings (§3.6 Projection).
async fn waiting_on_you(conn: &mut Conn<'_>, player: PlayerId) -> Result<WaitingOnYou, DbError> {
    let awaiting = pending::awaiting_all(conn, player).await?;
    let everyone: Vec<PlayerId> = awaiting.iter().flat_map(MatchFull::player_ids).collect();
    let rows: HashMap<PlayerId, PlayerRow> = players::get_players(conn, &everyone)
        .await?
        .into_iter()
        .map(|r| (r.player_id(), r))
        .collect();
    let names: PlayerDirectory = rows.values().map(PlayerRow::name).collect();
    let members = |ids: &[PlayerId]| -> Vec<MemberRating> {
        ids.iter()
            .filter_map(|id| {
                let row = rows.get(id)?;
                Some(MemberRating::from_aggregates(*id, &row.aggregates()))
            })
            .collect()
    };
    let candidates = awaiting
        .iter()
        .map(|full| {
            let record = full.record()?;
            let projected = elo::projection(
                record.match_type,
                record.best_of,
                &members(&record.side1),
                &members(&record.side2),
                record.winner(),
            );
            Ok(PendingCandidate {
                projected_delta: projected.change_for(Some(player)),
                awaiting_own_confirmation: true,
                record,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    Ok(dash::waiting_on_you(player, &candidates, &names))
}

/// *Rivalries* from the user's most recent confirmed matches, with current ratings.
async fn rivalries(conn: &mut Conn<'_>, player: PlayerId) -> Result<Vec<RivalryView>, DbError> {
    let rows: Vec<MatchRow> = db_run!(conn, |c| counted_matches!()
        .filter(m::id.eq_any(matches_of!(player.0)))
        .order(newest_first!())
        .limit(RIVALRY_WINDOW as i64)
        .select(MatchRow::as_select())
        .load(c)
        .await)?;
    let records = load_records(conn, rows).await?;
    let people = players::get_players(conn, &participants_of(&records)).await?;
    let ratings: HashMap<PlayerId, i32> =
        people.iter().map(|r| (r.player_id(), r.rating)).collect();
    let rivalries = dash::rivalries(player, &records, |id| {
        ratings.get(&id).copied().unwrap_or(elo::INITIAL_RATING)
    });
    let mut opponents: HashMap<PlayerId, PlayerView> = players::views(conn, people)
        .await?
        .into_iter()
        .map(|v| (v.row.player_id(), v))
        .collect();
    Ok(rivalries
        .into_iter()
        .filter_map(|rivalry| {
            Some(RivalryView {
                opponent: opponents.remove(&rivalry.opponent)?,
                rivalry,
            })
        })
        .collect())
}

/// The user's next unconverted fixtures from today.
async fn next_fixtures(
    conn: &mut Conn<'_>,
    player: PlayerId,
    now: DateTime<Utc>,
) -> Result<Vec<DashboardFixture>, DbError> {
    let today = now.date_naive();
    let mine = calendar::fixtures(conn, Scope::Participant(player), Span::From(today)).await?;
    let next = cal::upcoming(
        &mine.iter().map(FixtureView::calendar).collect::<Vec<_>>(),
        today,
        DASHBOARD_FIXTURES,
    );
    let mut by_id: HashMap<_, FixtureView> = mine.into_iter().map(|f| (f.id(), f)).collect();
    let chosen: Vec<FixtureView> = next.iter().filter_map(|id| by_id.remove(id)).collect();
    let everyone: Vec<PlayerId> = chosen
        .iter()
        .flat_map(|f| f.side1.iter().chain(&f.side2).copied())
        .collect();
    let names = directory(conn, &everyone).await?;
    Ok(chosen
        .into_iter()
        .map(|fixture| {
            let own = if fixture.side1.contains(&player) {
                Side::One
            } else {
                Side::Two
            };
            let others = fixture.side(own.other());
            let opponent_label = if others.is_empty() {
                "TBC".to_owned()
            } else {
                names.side_label(own.other(), others)
            };
            DashboardFixture {
                fixture,
                opponent_label,
            }
        })
        .collect())
}
