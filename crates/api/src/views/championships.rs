//! A championship with its entries, fixtures, standings, results matrix and progress (API.md
//! `Championship`), computed by the domain from the loaded rows.

use chrono::NaiveDate;
use ttstats_api_types::championships::{
    CellStatus, Championship, ChampionshipFixture, ChampionshipStatus, Entry, ResultCell,
    StandingRow,
};
use ttstats_api_types::locations::Location;
use ttstats_domain::championship::{self as rules, ChampionshipStatus as Status, MatrixCell};
use ttstats_domain::player::{PlayerName, side_label};
use ttstats_domain::{PlayerId, Side};
use ttstats_persistence::championships::{ChampionshipDetail, ChampionshipEntry};
use ttstats_persistence::from_db;
use ttstats_persistence::players::PlayerView;

/// API.md `Championship` as seen on `today` (whether registration is open).
pub fn championship(detail: &ChampionshipDetail, today: NaiveDate) -> Championship {
    let full = &detail.full;
    let row = &full.row;
    let entries = full.domain_entries();
    let matches = full.domain_matches();
    let status = row.status();
    Championship {
        id: row.id,
        name: row.name.clone(),
        description: non_empty(&row.description),
        kind: row.kind(),
        is_public: row.is_public,
        home_and_away: row.home_and_away,
        max_entries: u32::try_from(row.max_entries).unwrap_or(0),
        status: wire_status(status),
        start_date: row.start_date,
        end_date: row.end_date,
        registration_deadline: row.registration_deadline,
        registration_open: rules::registration_open(
            row.is_public,
            status,
            row.registration_deadline,
            today,
        ),
        location: detail.location.as_ref().map(|l| Location {
            id: l.id,
            name: l.name.clone(),
            address: non_empty(&l.address),
        }),
        created_by_player_id: row.created_by_player_id,
        entries: full.entries.iter().map(|e| entry(detail, e)).collect(),
        fixtures: full
            .fixtures
            .iter()
            .filter_map(|f| {
                Some(ChampionshipFixture {
                    id: f.id,
                    round_number: u32::try_from(f.round_number?).ok()?,
                    scheduled_date: f.scheduled_date,
                    scheduled_time: f.scheduled_time,
                    side1_entry_id: f.side1_entry_id?,
                    side2_entry_id: f.side2_entry_id?,
                    match_id: f.match_id,
                })
            })
            .collect(),
        standings: rules::standings(&entries, &matches)
            .iter()
            .map(|s| StandingRow {
                entry_id: s.entry_id.0,
                played: s.played,
                wins: s.wins,
                losses: s.losses,
                games_won: s.games_won,
                games_lost: s.games_lost,
                game_difference: i32::try_from(s.game_difference).unwrap_or_default(),
                points: s.points,
            })
            .collect(),
        results: rules::results_matrix(&entries, &matches)
            .rows
            .iter()
            .map(|r| r.cells.iter().map(cell).collect())
            .collect(),
        progress: full.progress(),
        champion_entry_id: row.champion_entry_id,
        created_at: from_db(row.created_at),
    }
}

/// An entry: its display name, else the side label of its players ("A" or "A and B"), and
/// its players in label order.
fn entry(detail: &ChampionshipDetail, e: &ChampionshipEntry) -> Entry {
    let members: Vec<&PlayerView> = e
        .members
        .iter()
        .filter_map(|p| detail.players.get(p))
        .collect();
    let names: Vec<PlayerName> = members.iter().map(|p| p.row.name()).collect();
    let label_order: Vec<PlayerId> = ttstats_domain::player::in_label_order(&names)
        .iter()
        .map(|n| n.id)
        .collect();
    let display_name = if e.row.display_name.trim().is_empty() {
        side_label(Side::One, &names)
    } else {
        e.row.display_name.clone()
    };
    Entry {
        id: e.row.id,
        display_name,
        players: label_order
            .iter()
            .filter_map(|id| detail.players.get(id))
            .map(super::player_view)
            .collect(),
        seed: e.row.seed.and_then(|s| u32::try_from(s).ok()),
    }
}

/// API.md `Player`.
fn cell(c: &MatrixCell) -> ResultCell {
    let played = |status, match_id: ttstats_domain::MatchId, score: &str, won| ResultCell {
        status,
        match_id: Some(match_id.0),
        score: Some(score.to_owned()),
        won: Some(won),
    };
    match c {
        MatrixCell::SelfCell => empty_cell(CellStatus::Diagonal),
        MatrixCell::NotPlayed => empty_cell(CellStatus::NotPlayed),
        MatrixCell::Confirmed {
            match_id,
            score,
            won,
        } => played(CellStatus::Confirmed, *match_id, score, *won),
        MatrixCell::PendingConfirmation {
            match_id,
            score,
            won,
        } => played(CellStatus::PendingConfirmation, *match_id, score, *won),
    }
}

fn empty_cell(status: CellStatus) -> ResultCell {
    ResultCell {
        status,
        match_id: None,
        score: None,
        won: None,
    }
}

/// The wire status of a domain status.
pub fn wire_status(status: Status) -> ChampionshipStatus {
    match status {
        Status::Registration => ChampionshipStatus::Registration,
        Status::Scheduled => ChampionshipStatus::Scheduled,
        Status::InProgress => ChampionshipStatus::InProgress,
        Status::Completed => ChampionshipStatus::Completed,
        Status::Cancelled => ChampionshipStatus::Cancelled,
    }
}

/// The domain status of a wire status.
pub fn domain_status(status: ChampionshipStatus) -> Status {
    match status {
        ChampionshipStatus::Registration => Status::Registration,
        ChampionshipStatus::Scheduled => Status::Scheduled,
        ChampionshipStatus::InProgress => Status::InProgress,
        ChampionshipStatus::Completed => Status::Completed,
        ChampionshipStatus::Cancelled => Status::Cancelled,
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.trim().is_empty()).then(|| text.to_owned())
}
