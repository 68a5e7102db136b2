//! Statistics: domain results → response DTOs (API.md "Statistics", "Players").

use std::collections::HashMap;

use ttstats_api_types::players::{HistoryItem, Player};
use ttstats_api_types::stats::{
    BiggestMover, DashboardFixture, Leaderboard, LeaderboardRow, Rivalry, WaitingItem, WaitingOnYou,
};
use ttstats_domain::PlayerId;
use ttstats_domain::leaderboard::Leaderboard as DomainLeaderboard;
use ttstats_domain::player_stats::HistoryItem as DomainHistoryItem;
use ttstats_persistence::DbError;
use ttstats_persistence::matches::MatchFull;
use ttstats_persistence::queries::dashboard::{self, PersonalDashboard};

use super::{Caller, MatchContext, match_view, player_view};

/// API.md leaderboard; rows whose player is missing from `players` are left out.
pub fn leaderboard_view<S: std::hash::BuildHasher>(
    board: &DomainLeaderboard,
    players: &HashMap<PlayerId, Player, S>,
) -> Leaderboard {
    Leaderboard {
        items: board
            .items
            .iter()
            .filter_map(|row| {
                let player = players.get(&row.player.id)?.clone();
                Some(LeaderboardRow::from_domain(row, player))
            })
            .collect(),
        biggest_mover: board.biggest_mover.as_ref().and_then(|m| {
            Some(BiggestMover {
                player: players.get(&m.player.id)?.clone(),
                movement_7d: m.movement_7d,
            })
        }),
        iso_week: board.iso_week.into(),
        empty_reason: board.empty_reason,
        total: board.total,
    }
}

/// One item of a player's history, with its match as anyone sees it.
pub fn history_item_view(
    item: &DomainHistoryItem,
    full: &MatchFull,
    ctx: &MatchContext,
) -> Result<HistoryItem, DbError> {
    Ok(HistoryItem {
        played: match_view(full, ctx, &Caller::default())?,
        own_side: item.own_side.number(),
        own_games: item.own_games,
        opponent_games: item.opponent_games,
        opponent: item.opponent.clone(),
        partner: item
            .partner
            .as_ref()
            .and_then(|p| ctx.players.get(&p.id))
            .map(player_view),
        won: item.won,
        rating_change: item.rating_change,
    })
}

/// Sections 2–4 of the dashboard as one JSON object.
pub fn personal_dashboard_view(d: &PersonalDashboard) -> serde_json::Value {
    let waiting = WaitingOnYou {
        items: d
            .waiting_on_you
            .items
            .iter()
            .map(WaitingItem::from)
            .collect(),
        pending_confirmations: d.waiting_on_you.pending_confirmations,
    };
    let rivalries: Vec<Rivalry> = d
        .rivalries
        .iter()
        .map(|r| Rivalry::from_domain(&r.rivalry, player_view(&r.opponent)))
        .collect();
    let fixtures: Vec<DashboardFixture> = d.fixtures.iter().map(fixture_view).collect();
    serde_json::json!({
        "waiting_on_you": waiting,
        "rivalries": rivalries,
        "fixtures": fixtures,
    })
}

fn fixture_view(f: &dashboard::DashboardFixture) -> DashboardFixture {
    DashboardFixture {
        scheduled_match_id: f.fixture.row.id,
        scheduled_date: f.fixture.row.scheduled_date,
        scheduled_time: f.fixture.row.scheduled_time,
        opponent_label: f.opponent_label.clone(),
        championship_name: f.fixture.championship_name.clone(),
    }
}
