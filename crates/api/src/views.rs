//! Persistence rows → response DTOs, one function per resource, reused by every handler.
//! Everything here is pure: the rows a view needs are loaded by the services first.

use std::collections::HashSet;

use ttstats_api_types::locations::Location;
use ttstats_api_types::matches::{
    Confirmation, ConfirmationSource, EloChange, Game, Match, Presentation, Projection, Viewer,
};
use ttstats_api_types::players::{EloHistoryItem, Player, PlayingStyle};
use ttstats_domain::confirmation::confirmation_state;
use ttstats_domain::elo::{self, EloOutcome, MemberRating, PlayerElo, SideElo, WinProbability};
use ttstats_domain::player::{PlayerDirectory, display_name};
use ttstats_domain::presentation::{self, ConfirmationFacts, MatchPresentation};
use ttstats_domain::{PlayerId, Side};
pub use ttstats_persistence::matches::MatchContext;
use ttstats_persistence::matches::{ConfirmationRow, GameRow, LocationRow, MatchFull};
use ttstats_persistence::players::PlayerView;
use ttstats_persistence::ratings::EloHistoryRow;
use ttstats_persistence::{DbError, from_db};

use crate::auth::{AuthUser, MaybeUser};

pub mod accounts;
pub mod championships;
pub mod live;
pub mod notifications;
pub mod schedule;
pub mod stats;

/// Who is looking: decides what is visible and the per-viewer flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Caller {
    /// Signed in (any role).
    pub signed_in: bool,
    /// An admin.
    pub is_admin: bool,
    /// The caller's own player.
    pub player: Option<PlayerId>,
}

impl Caller {
    /// A signed-in user.
    pub fn of(user: &AuthUser) -> Self {
        Self {
            signed_in: true,
            is_admin: user.is_admin(),
            player: user.player_id(),
        }
    }

    /// The caller of a request that may be anonymous.
    pub fn of_maybe(user: &MaybeUser) -> Self {
        user.0.as_ref().map_or_else(Self::default, Self::of)
    }
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

/// One row of a player's Elo history.
pub fn elo_history_item(row: &EloHistoryRow) -> EloHistoryItem {
    EloHistoryItem::from(&row.entry())
}

/// A game of a match.
pub fn game_view(row: &GameRow) -> Result<Game, DbError> {
    Ok(Game::new(
        row.number as u8,
        row.score()?,
        row.duration_minutes.map(|m| m as u16),
    ))
}

/// API.md `Match`, seen by `caller`.
pub fn match_view(full: &MatchFull, ctx: &MatchContext, caller: &Caller) -> Result<Match, DbError> {
    let row = &full.row;
    let record = full.record()?;
    let side_players = |side: Side| -> Vec<Player> {
        full.side(side)
            .iter()
            .filter_map(|id| ctx.players.get(id).map(player_view))
            .collect()
    };
    let verified: HashSet<PlayerId> = full
        .player_ids()
        .into_iter()
        .filter(|id| ctx.players.get(id).is_some_and(|p| p.verified))
        .collect();
    let confirmed = full.confirmed_by();
    let complete = row.winner().is_some();
    let pending = complete && !row.is_confirmed && !row.is_live;
    let awaiting = if pending {
        let participants = full.confirmation_participants(&verified);
        let state = confirmation_state(&participants, &confirmed, complete);
        state.awaiting.iter().map(|p| p.0).collect()
    } else {
        Vec::new()
    };
    let directory = PlayerDirectory::new(
        full.player_ids()
            .iter()
            .filter_map(|id| ctx.players.get(id).map(|p| p.row.name())),
    );
    let figures = elo_figures(full, ctx);
    let viewer = caller.signed_in.then(|| {
        Viewer::from(presentation::viewer_flags(
            caller.player,
            &record,
            ConfirmationFacts {
                confirmed: &confirmed,
                is_confirmed: row.is_confirmed,
                is_live: row.is_live,
            },
        ))
    });
    Ok(Match {
        id: row.id,
        best_of: row.best_of().get(),
        match_type: row.match_type(),
        kind: row.kind(),
        played_at: from_db(row.played_at),
        location: row
            .location_id
            .and_then(|id| ctx.locations.get(&id))
            .map(location_view),
        notes: Some(row.notes.clone()).filter(|n| !n.is_empty()),
        side1: side_players(Side::One),
        side2: side_players(Side::Two),
        games: full.games.iter().map(game_view).collect::<Result<_, _>>()?,
        side1_games: row.side1_games as u8,
        side2_games: row.side2_games as u8,
        winner_side: row.winner().map(Side::number),
        is_confirmed: row.is_confirmed,
        confirmed_at: row.confirmed_at.map(from_db),
        confirmations: full.confirmations.iter().map(confirmation_view).collect(),
        awaiting,
        auto_confirmed: row.auto_confirmed,
        auto_confirmed_because: auto_confirmed_because(full, &verified, &directory),
        // Applied changes once rated; while pending, what confirmation would apply now.
        elo_changes: if figures.applied || pending {
            figures.changes()
        } else {
            Vec::new()
        },
        is_live: row.is_live,
        championship_id: row.championship_id,
        created_by: row.created_by_user_id,
        created_at: from_db(row.created_at),
        presentation: figures.presentation(&presentation::present_match(&record, &directory)),
        viewer,
    })
}

/// `GET /matches/{id}/projection`: each side's K and Δ if confirmed now (the applied values
/// once rated), win probability, and the caller's Δ.
pub fn projection_view(full: &MatchFull, ctx: &MatchContext, caller: &Caller) -> Projection {
    let figures = elo_figures(full, ctx);
    let viewer = caller.signed_in.then_some(caller.player).flatten();
    let mut projection = Projection::from_domain(&figures.outcome, figures.win_probability, viewer);
    if caller.signed_in && viewer.is_none() {
        // A signed-in user without a player plays in nothing: Δ 0 (DOMAIN.md §3.6).
        projection.viewer_change = Some(0);
    }
    projection
}

fn confirmation_view(row: &ConfirmationRow) -> Confirmation {
    Confirmation {
        player_id: row.player_id,
        at: from_db(row.confirmed_at),
        source: if row.source == "auto" {
            ConfirmationSource::Auto
        } else {
            ConfirmationSource::Player
        },
    }
}

/// The unverified participants that left a side without a verified player (DOMAIN.md §3.5),
/// by display name; empty unless the match was auto-confirmed.
fn auto_confirmed_because(
    full: &MatchFull,
    verified: &HashSet<PlayerId>,
    directory: &PlayerDirectory,
) -> Vec<String> {
    if !full.row.auto_confirmed {
        return Vec::new();
    }
    full.player_ids()
        .iter()
        .filter(|id| !verified.contains(id))
        .filter_map(|id| directory.get(*id).map(|n| n.display_name().to_owned()))
        .collect()
}

pub(crate) fn location_view(row: &LocationRow) -> Location {
    Location {
        id: row.id,
        name: row.name.clone(),
        address: Some(row.address.clone()).filter(|a| !a.is_empty()),
    }
}

/// A match's Elo outcome: applied (from its history rows) once rated, else projected on current
/// ratings (DOMAIN.md §3.6), and the win probability on the matching ratings.
struct EloFigures {
    outcome: EloOutcome,
    applied: bool,
    win_probability: WinProbability,
}

impl EloFigures {
    /// Each player's Δ (their side's).
    fn changes(&self) -> Vec<EloChange> {
        self.outcome
            .players
            .iter()
            .map(|p| EloChange {
                player_id: p.player.0,
                change: self.outcome.side(p.side).change,
            })
            .collect()
    }

    /// The shared presentation with each side's Δ (applied, or projected and pending) and the
    /// win probability.
    fn presentation(&self, shown: &MatchPresentation) -> Presentation {
        let delta = |side: Side| {
            let change = self.outcome.side(side).change;
            presentation::side_delta(self.applied.then_some(change), change)
        };
        Presentation::from_domain(
            shown,
            delta(Side::One),
            delta(Side::Two),
            self.win_probability,
        )
    }
}

fn elo_figures(full: &MatchFull, ctx: &MatchContext) -> EloFigures {
    let history = ctx.history.get(&full.id()).map_or(&[][..], Vec::as_slice);
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
            .filter_map(|id| ctx.players.get(id))
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
