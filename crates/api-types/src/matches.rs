//! Matches, games, confirmations and projections (API.md "Matches", DOMAIN.md §3.2–3.6, §3.17),
//! and the conversions of match and game bodies into domain-validated input.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ttstats_domain::elo::{EloOutcome, SideElo, WinProbability as DomainWinProbability};
use ttstats_domain::match_format::{check_played_at, kind_of_sides, validate_sides};
use ttstats_domain::player_stats::PageRequest;
use ttstats_domain::presentation::{
    GameView, MatchPresentation, SideDelta as DomainSideDelta, ViewerFlags,
};
use ttstats_domain::scoring::{GameScore, Tally, add_game, check_duration, check_game_number};
use ttstats_domain::{BestOf, DomainError, MatchKind, MatchType, PlayerId};

use crate::locations::Location;
use crate::page::page_request;
use crate::players::{NOTES_MAX, Player, kind_parameter};
use crate::{FieldErrors, checked_text, double_option};

/// How a confirmation was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationSource {
    /// The player confirmed.
    Player,
    /// Auto-confirmed because a side had no verified player (DOMAIN.md §3.5).
    Auto,
}

/// One game as entered: `POST /matches/{id}/games`, `PUT …/games/{number}` and the `games` of a
/// new match. Points are signed so that −1 is refused by the score rules, not by the parser.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "side1_points": 11, "side2_points": 9, "duration_minutes": 8
})))]
pub struct GameInput {
    /// Side 1's points.
    pub side1_points: i64,
    /// Side 2's points.
    pub side2_points: i64,
    /// Duration, 1–300 minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_minutes: Option<i64>,
    /// Game number (edit, import); assigned by the server when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<i64>,
}

/// A game whose score and duration passed the rules (DOMAIN.md §3.2); its number is checked
/// against the match with [`ValidGame::checked_number`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidGame {
    /// The valid score.
    pub score: GameScore,
    /// Duration in minutes (1–300).
    pub duration_minutes: Option<u16>,
    /// The client-supplied number, not yet checked.
    pub number: Option<i64>,
}

impl ValidGame {
    /// The client's number checked against `best_of` and the numbers in `used`
    /// (`game_number_out_of_range`, `game_number_taken`); `None` when the server assigns it.
    pub fn checked_number(&self, best_of: BestOf, used: &[u8]) -> Result<Option<u8>, DomainError> {
        self.number
            .map(|n| check_game_number(n, best_of, used))
            .transpose()
    }
}

impl TryFrom<&GameInput> for ValidGame {
    type Error = FieldErrors;

    /// Score errors are keyed `score` (they concern both points), duration errors
    /// `duration_minutes`.
    fn try_from(input: &GameInput) -> Result<Self, Self::Error> {
        validate_game(input, "").map_err(|(field, error)| {
            let mut errors = FieldErrors::new();
            errors.push(field, error);
            errors
        })
    }
}

/// `POST /matches`. Sides are player ids, stored exactly as given; `kind` defaults to what the
/// side sizes imply, `best_of` to 5, `match_type` to casual, `played_at` to now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "best_of": 5, "match_type": "casual", "played_at": "2026-03-01T18:30:00Z",
    "side1": [1], "side2": [2],
    "games": [
        {"side1_points": 11, "side2_points": 9},
        {"side1_points": 8, "side2_points": 11},
        {"side1_points": 11, "side2_points": 5},
        {"side1_points": 12, "side2_points": 10}
    ]
})))]
pub struct CreateMatchRequest {
    /// `singles` or `doubles`; must match the side sizes.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "singles"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// 1, 3, 5, 7 or 9 (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_of: Option<i64>,
    /// `casual` (default), `practice` or `tournament`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "casual"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_type: Option<String>,
    /// When it was played (default now; at most 5 minutes ahead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub played_at: Option<DateTime<Utc>>,
    /// Location id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<i64>,
    /// Free notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Side 1's player ids (1 for singles, 2 for doubles).
    pub side1: Vec<i64>,
    /// Side 2's player ids.
    pub side2: Vec<i64>,
    /// Games in play order; the first invalid one fails the request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub games: Vec<GameInput>,
    /// Score it live point by point (singles, no games).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub live: bool,
}

/// A game of a new match with its number settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewGame {
    /// 1…best_of.
    pub number: u8,
    /// The valid score.
    pub score: GameScore,
    /// Duration in minutes.
    pub duration_minutes: Option<u16>,
}

/// A new match that passed every rule checkable without the database or the clock. The server
/// still checks the players exist, the creator (`check_creator`) and [`NewMatch::check_played_at`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewMatch {
    /// Singles or doubles.
    pub kind: MatchKind,
    /// The format.
    pub best_of: BestOf,
    /// The type.
    pub match_type: MatchType,
    /// When it was played; `None` means now.
    pub played_at: Option<DateTime<Utc>>,
    /// Location id.
    pub location_id: Option<i64>,
    /// Trimmed notes.
    pub notes: Option<String>,
    /// Side 1, as given.
    pub side1: Vec<PlayerId>,
    /// Side 2, as given.
    pub side2: Vec<PlayerId>,
    /// The games in the order given.
    pub games: Vec<NewGame>,
    /// Games per side and the winner after the games.
    pub tally: Tally,
    /// Scored live.
    pub live: bool,
}

impl NewMatch {
    /// `played_at` at most 5 minutes ahead of `now` (`played_at_in_future`).
    pub fn check_played_at(&self, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.played_at.map_or(Ok(()), |at| check_played_at(at, now))
    }
}

impl TryFrom<&CreateMatchRequest> for NewMatch {
    type Error = FieldErrors;

    /// Checks in field order — kind, best_of, match_type, sides, live, notes — then the games in
    /// the order given, stopping at the first invalid game (DOMAIN.md §3.3). Game errors are
    /// keyed `games[i]` (match already complete), `games[i].score`, `games[i].duration_minutes`
    /// and `games[i].number`.
    fn try_from(request: &CreateMatchRequest) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        let kind = request.kind.as_deref().and_then(|k| {
            k.parse::<MatchKind>()
                .map_err(|e| errors.push("kind", e))
                .ok()
        });
        let best_of = parse_best_of(&mut errors, request.best_of);
        let match_type = parse_match_type(&mut errors, request.match_type.as_deref());
        let side1 = player_ids(&request.side1);
        let side2 = player_ids(&request.side2);
        let kind = check_sides(&mut errors, kind, &side1, &side2);
        if request.live {
            if kind == Some(MatchKind::Doubles) {
                errors.push("live", DomainError::LiveRequiresSingles);
            }
            if !request.games.is_empty() {
                // A live match gets its games point by point (DOMAIN.md §3.15).
                errors.push("live", DomainError::InvalidChoice { field: "live" });
            }
        }
        let notes = checked_text(
            &mut errors,
            "notes",
            request.notes.as_deref(),
            false,
            NOTES_MAX,
        );
        let (games, tally) = match best_of {
            Some(best_of) => new_games(&mut errors, &request.games, best_of),
            None => (Vec::new(), Tally::default()),
        };
        match (kind, best_of, match_type) {
            (Some(kind), Some(best_of), Some(match_type)) if errors.is_empty() => Ok(Self {
                kind,
                best_of,
                match_type,
                played_at: request.played_at,
                location_id: request.location,
                notes,
                side1,
                side2,
                games,
                tally,
                live: request.live,
            }),
            _ => Err(errors),
        }
    }
}

/// `PATCH /matches/{id}`: metadata only. Absent fields stay; `null` clears a nullable one.
/// Sending `side1`, `side2` or `kind` is refused (`participants_locked`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"notes": "league night", "location": 2})))]
pub struct UpdateMatchRequest {
    /// New time played (unfinished matches only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub played_at: Option<DateTime<Utc>>,
    /// New type (unfinished matches only).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "practice"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_type: Option<String>,
    /// New format (only while the match has no games).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_of: Option<i64>,
    /// New location id; `null` removes it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    #[serde(
        default,
        deserialize_with = "double_option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub location: Option<Option<i64>>,
    /// New notes; `null` removes them.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    #[serde(
        default,
        deserialize_with = "double_option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub notes: Option<Option<String>>,
    /// Never changes; present only to be refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side1: Option<Vec<i64>>,
    /// Never changes; present only to be refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side2: Option<Vec<i64>>,
    /// Never changes; present only to be refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// A validated match update; `None` leaves a field unchanged. Which fields the match's state
/// allows (DOMAIN.md §3.3) is the server's check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchChanges {
    /// New time played.
    pub played_at: Option<DateTime<Utc>>,
    /// New type.
    pub match_type: Option<MatchType>,
    /// New format.
    pub best_of: Option<BestOf>,
    /// New location (`Some(None)` removes it).
    pub location_id: Option<Option<i64>>,
    /// New notes (`Some(None)` removes them).
    pub notes: Option<Option<String>>,
}

impl MatchChanges {
    /// Whether only location and notes change — all a pending or confirmed match allows.
    #[must_use]
    pub fn only_location_and_notes(&self) -> bool {
        self.played_at.is_none() && self.match_type.is_none() && self.best_of.is_none()
    }
}

impl TryFrom<&UpdateMatchRequest> for MatchChanges {
    type Error = FieldErrors;

    fn try_from(request: &UpdateMatchRequest) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        for (field, present) in [
            ("side1", request.side1.is_some()),
            ("side2", request.side2.is_some()),
            ("kind", request.kind.is_some()),
        ] {
            if present {
                errors.push(field, DomainError::ParticipantsLocked);
            }
        }
        let match_type = request
            .match_type
            .as_deref()
            .and_then(|t| parse_match_type(&mut errors, Some(t)));
        let best_of = request
            .best_of
            .and_then(|b| parse_best_of(&mut errors, Some(b)));
        let notes = request
            .notes
            .as_ref()
            .map(|n| checked_text(&mut errors, "notes", n.as_deref(), false, NOTES_MAX));
        errors.into_result(Self {
            played_at: request.played_at,
            match_type,
            best_of,
            location_id: request.location,
            notes,
        })
    }
}

/// A match (API.md `Match`). `viewer` is added per request and never cached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Match {
    /// Id.
    pub id: i64,
    /// 1, 3, 5, 7 or 9.
    pub best_of: u8,
    /// `casual`, `practice` or `tournament`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "casual"))]
    pub match_type: MatchType,
    /// `singles` or `doubles`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "singles"))]
    pub kind: MatchKind,
    /// When it was played.
    pub played_at: DateTime<Utc>,
    /// Where, if recorded.
    pub location: Option<Location>,
    /// Free notes.
    pub notes: Option<String>,
    /// Side 1's players, as stored.
    pub side1: Vec<Player>,
    /// Side 2's players, as stored.
    pub side2: Vec<Player>,
    /// The games by number.
    pub games: Vec<Game>,
    /// Games won by side 1.
    pub side1_games: u8,
    /// Games won by side 2.
    pub side2_games: u8,
    /// 1 or 2 once a side has the games needed; null while unfinished.
    pub winner_side: Option<u8>,
    /// Complete and confirmed by every required confirmer.
    pub is_confirmed: bool,
    /// When it became confirmed.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// Recorded confirmations.
    pub confirmations: Vec<Confirmation>,
    /// Required confirmers who have not confirmed (player ids).
    pub awaiting: Vec<i64>,
    /// Confirmed automatically because a side had no verified player.
    pub auto_confirmed: bool,
    /// Display names of the unverified players that caused the auto-confirmation.
    pub auto_confirmed_because: Vec<String>,
    /// Rating change per player: applied once rated; while pending, what confirming now would
    /// apply (`presentation` marks those `pending`); empty while unfinished or live.
    pub elo_changes: Vec<EloChange>,
    /// Scored live right now.
    pub is_live: bool,
    /// The championship it belongs to.
    pub championship_id: Option<i64>,
    /// The user who recorded it.
    pub created_by: Option<i64>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// Share per game, long games, Δ per side and win probability (DOMAIN.md §3.17).
    pub presentation: Presentation,
    /// The viewer's side and confirmation flags; absent for anonymous viewers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer: Option<Viewer>,
}

/// A game of a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Game {
    /// 1…best_of.
    pub number: u8,
    /// Side 1's points.
    pub side1_points: u16,
    /// Side 2's points.
    pub side2_points: u16,
    /// Duration in minutes.
    pub duration_minutes: Option<u16>,
    /// The side with more points.
    pub winner_side: u8,
}

impl Game {
    /// A game from its number and valid score.
    #[must_use]
    pub fn new(number: u8, score: GameScore, duration_minutes: Option<u16>) -> Self {
        Self {
            number,
            side1_points: score.side1_points(),
            side2_points: score.side2_points(),
            duration_minutes,
            winner_side: score.winner().number(),
        }
    }
}

/// A recorded confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Confirmation {
    /// The confirming player.
    pub player_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// `player` or `auto`.
    pub source: ConfirmationSource,
}

/// A player's applied rating change for a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EloChange {
    /// The player.
    pub player_id: i64,
    /// Signed change.
    pub change: i32,
}

/// The viewer's relation to a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Viewer {
    /// The viewer's side (1 or 2) when they play.
    pub side: Option<u8>,
    /// The confirm action would record a confirmation now.
    pub can_confirm: bool,
    /// The viewer has confirmed.
    pub has_confirmed: bool,
}

impl From<ViewerFlags> for Viewer {
    fn from(flags: ViewerFlags) -> Self {
        Self {
            side: flags.side.map(ttstats_domain::Side::number),
            can_confirm: flags.can_confirm,
            has_confirmed: flags.has_confirmed,
        }
    }
}

/// How a match is shown (DOMAIN.md §3.17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Presentation {
    /// Side 1's label ("A" or "A and B").
    pub side1_label: String,
    /// Side 2's label.
    pub side2_label: String,
    /// Per game: side 1's share of the points and whether it went past 11.
    pub games: Vec<GamePresentation>,
    /// Games that went past 11.
    pub long_games: u32,
    /// "N of M games went past 11", only when N > 0.
    pub long_games_note: Option<String>,
    /// Side 1's Δ: applied, or projected and pending.
    pub side1_delta: SideDelta,
    /// Side 2's Δ.
    pub side2_delta: SideDelta,
    /// Win probability in percent.
    pub win_probability: WinProbability,
}

impl Presentation {
    /// The wire form of the domain presentation with each side's Δ and the win probability.
    #[must_use]
    pub fn from_domain(
        presentation: &MatchPresentation,
        side1_delta: DomainSideDelta,
        side2_delta: DomainSideDelta,
        win_probability: DomainWinProbability,
    ) -> Self {
        Self {
            side1_label: presentation.side1_label.clone(),
            side2_label: presentation.side2_label.clone(),
            games: presentation.games.iter().map(Into::into).collect(),
            long_games: presentation.long_games,
            long_games_note: presentation.long_games_note.clone(),
            side1_delta: side1_delta.into(),
            side2_delta: side2_delta.into(),
            win_probability: win_probability.into(),
        }
    }
}

/// One game's presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GamePresentation {
    /// Game number.
    pub number: u8,
    /// round(100 × side-1 points / all points).
    pub side1_share: u8,
    /// A side passed 11.
    pub went_long: bool,
}

impl From<&GameView> for GamePresentation {
    fn from(g: &GameView) -> Self {
        Self {
            number: g.number,
            side1_share: g.side1_share,
            went_long: g.went_long,
        }
    }
}

/// A side's rating change: applied, or what confirmation would apply now (`pending`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SideDelta {
    /// Signed Δ.
    pub change: i32,
    /// Projected, not yet applied.
    pub pending: bool,
}

impl From<DomainSideDelta> for SideDelta {
    fn from(delta: DomainSideDelta) -> Self {
        match delta {
            DomainSideDelta::Applied { change } => Self {
                change,
                pending: false,
            },
            DomainSideDelta::Pending { change } => Self {
                change,
                pending: true,
            },
        }
    }
}

/// Win chances in whole percent; they add up to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WinProbability {
    /// Side 1's chance.
    pub side1: u8,
    /// Side 2's chance.
    pub side2: u8,
}

impl From<DomainWinProbability> for WinProbability {
    fn from(p: DomainWinProbability) -> Self {
        Self {
            side1: p.side1,
            side2: p.side2,
        }
    }
}

/// `GET /matches/{id}/projection` (DOMAIN.md §3.6 Projection). Never cached.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Projection {
    /// Side 1's K and Δ.
    pub side1: SideProjection,
    /// Side 2's K and Δ.
    pub side2: SideProjection,
    /// Win probability on current ratings.
    pub win_probability: WinProbability,
    /// The viewer's side's Δ (0 for a non-participant); absent for anonymous viewers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer_change: Option<i32>,
}

impl Projection {
    /// The wire form of a projected outcome, seen by `viewer`.
    #[must_use]
    pub fn from_domain(
        outcome: &EloOutcome,
        win_probability: DomainWinProbability,
        viewer: Option<PlayerId>,
    ) -> Self {
        Self {
            side1: outcome.side1.into(),
            side2: outcome.side2.into(),
            win_probability: win_probability.into(),
            viewer_change: viewer.map(|v| outcome.change_for(Some(v))),
        }
    }
}

/// A side's K-factor and Δ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SideProjection {
    /// Mean K of the side's members (0.0 while unfinished).
    pub k_factor: f64,
    /// Δ each member would get.
    pub change: i32,
}

impl From<SideElo> for SideProjection {
    fn from(s: SideElo) -> Self {
        Self {
            k_factor: s.k_factor,
            change: s.change,
        }
    }
}

/// `GET /matches?player=&confirmed=&kind=&page=&per_page=`. Text values so a bad one is
/// `invalid_query_parameter` naming it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct MatchListQuery {
    /// Only matches of this player.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub player: Option<String>,
    /// `true` or `false`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<bool>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<String>,
    /// `singles` or `doubles`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// 1-based page number.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Items per page, 1–100.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<String>,
}

/// A validated match list filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchFilter {
    /// Only this player's matches.
    pub player: Option<PlayerId>,
    /// Only confirmed (true) or unconfirmed (false) matches.
    pub confirmed: Option<bool>,
    /// Only this kind.
    pub kind: Option<MatchKind>,
    /// The page.
    pub page: PageRequest,
}

impl MatchListQuery {
    /// Validates the parameters (`invalid_query_parameter`).
    pub fn to_filter(&self) -> Result<MatchFilter, DomainError> {
        let player = match self.player.as_deref().filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => Some(PlayerId(v.parse().map_err(|_| {
                DomainError::InvalidQueryParameter {
                    parameter: "player",
                }
            })?)),
        };
        let confirmed = match self.confirmed.as_deref().filter(|v| !v.is_empty()) {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => {
                return Err(DomainError::InvalidQueryParameter {
                    parameter: "confirmed",
                });
            }
        };
        Ok(MatchFilter {
            player,
            confirmed,
            kind: kind_parameter(self.kind.as_deref())?,
            page: page_request(self.page.as_deref(), self.per_page.as_deref())?,
        })
    }
}

pub(crate) fn player_ids(ids: &[i64]) -> Vec<PlayerId> {
    ids.iter().copied().map(PlayerId).collect()
}

pub(crate) fn parse_best_of(errors: &mut FieldErrors, value: Option<i64>) -> Option<BestOf> {
    value.map_or(Some(BestOf::default()), |b| {
        BestOf::new(b).map_err(|e| errors.push("best_of", e)).ok()
    })
}

pub(crate) fn parse_match_type(errors: &mut FieldErrors, value: Option<&str>) -> Option<MatchType> {
    value.map_or(Some(MatchType::Casual), |t| {
        t.parse().map_err(|e| errors.push("match_type", e)).ok()
    })
}

/// Checks the sides (DOMAIN.md §3.3) and returns the kind they form. A count error is keyed on
/// the side(s) of the wrong size, a repeated player on the side where it appears again.
pub(crate) fn check_sides(
    errors: &mut FieldErrors,
    kind: Option<MatchKind>,
    side1: &[PlayerId],
    side2: &[PlayerId],
) -> Option<MatchKind> {
    let result = match kind {
        Some(kind) => validate_sides(kind, side1, side2).map(|()| kind),
        None => kind_of_sides(side1, side2),
    };
    match result {
        Ok(kind) => Some(kind),
        Err(DomainError::WrongPlayerCount) => {
            let size = kind.map_or(if side1.len() == 2 { 2 } else { 1 }, MatchKind::side_size);
            for (field, side) in [("side1", side1), ("side2", side2)] {
                if side.len() != size {
                    errors.push(field, DomainError::WrongPlayerCount);
                }
            }
            None
        }
        Err(error) => {
            let repeated_in_side1 = side1
                .iter()
                .enumerate()
                .any(|(i, p)| side1[..i].contains(p));
            errors.push(if repeated_in_side1 { "side1" } else { "side2" }, error);
            None
        }
    }
}

/// Score then duration of one game; the error's field is prefixed with `prefix`.
fn validate_game(input: &GameInput, prefix: &str) -> Result<ValidGame, (String, DomainError)> {
    let score = GameScore::new(input.side1_points, input.side2_points)
        .map_err(|e| (format!("{prefix}score"), e))?;
    check_duration(input.duration_minutes).map_err(|e| (format!("{prefix}duration_minutes"), e))?;
    Ok(ValidGame {
        score,
        // check_duration bounds it to 1–300.
        duration_minutes: input.duration_minutes.map(|m| m as u16),
        number: input.number,
    })
}

/// The games of a new match in the order given; the first bad game is the only one reported.
pub(crate) fn new_games(
    errors: &mut FieldErrors,
    inputs: &[GameInput],
    best_of: BestOf,
) -> (Vec<NewGame>, Tally) {
    let mut scores = Vec::with_capacity(inputs.len());
    let mut games = Vec::with_capacity(inputs.len());
    let mut used: Vec<u8> = Vec::with_capacity(inputs.len());
    let mut tally = Tally::default();
    for (i, input) in inputs.iter().enumerate() {
        let prefix = format!("games[{i}].");
        let game = match validate_game(input, &prefix) {
            Ok(game) => game,
            Err((field, error)) => {
                errors.push(field, error);
                break;
            }
        };
        // A game after the winner is decided is refused as such before its number is looked
        // at (DOMAIN.md §3.4 step 3).
        match add_game(&mut scores, game.score, best_of) {
            Ok(t) => tally = t,
            Err(error) => {
                errors.push(format!("games[{i}]"), error);
                break;
            }
        }
        // DOMAIN.md §3.2: the server assigns (highest existing number) + 1.
        let number = game
            .number
            .unwrap_or_else(|| i64::from(used.iter().copied().max().unwrap_or(0)) + 1);
        let number = match check_game_number(number, best_of, &used) {
            Ok(number) => number,
            Err(error) => {
                errors.push(format!("{prefix}number"), error);
                break;
            }
        };
        used.push(number);
        games.push(NewGame {
            number,
            score: game.score,
            duration_minutes: game.duration_minutes,
        });
    }
    (games, tally)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::players::PlayingStyle;
    use proptest::prelude::*;
    use ttstats_domain::Side;

    fn game(a: i64, b: i64) -> GameInput {
        GameInput {
            side1_points: a,
            side2_points: b,
            ..GameInput::default()
        }
    }

    fn singles(games: Vec<GameInput>) -> CreateMatchRequest {
        CreateMatchRequest {
            side1: vec![1],
            side2: vec![2],
            games,
            ..CreateMatchRequest::default()
        }
    }

    pub(crate) fn player(id: i64) -> Player {
        Player {
            id,
            name: format!("P{id}"),
            nickname: String::new(),
            display_name: format!("P{id}"),
            rating: 1500,
            peak_rating: 1500,
            rated_matches: 0,
            verified: true,
            is_guest: false,
            playing_style: PlayingStyle::Normal,
        }
    }

    pub(crate) fn sample_match() -> Match {
        let at: DateTime<Utc> = "2026-03-01T18:30:00Z".parse().unwrap();
        Match {
            id: 10,
            best_of: 3,
            match_type: MatchType::Casual,
            kind: MatchKind::Singles,
            played_at: at,
            location: None,
            notes: None,
            side1: vec![player(1)],
            side2: vec![player(2)],
            games: vec![
                Game::new(1, GameScore::new(11, 9).unwrap(), Some(8)),
                Game::new(2, GameScore::new(12, 10).unwrap(), None),
            ],
            side1_games: 2,
            side2_games: 0,
            winner_side: Some(1),
            is_confirmed: true,
            confirmed_at: Some(at),
            confirmations: vec![Confirmation {
                player_id: 1,
                at,
                source: ConfirmationSource::Auto,
            }],
            awaiting: vec![],
            auto_confirmed: true,
            auto_confirmed_because: vec!["P2".into()],
            elo_changes: vec![EloChange {
                player_id: 1,
                change: 24,
            }],
            is_live: false,
            championship_id: None,
            created_by: Some(1),
            created_at: at,
            presentation: Presentation {
                side1_label: "P1".into(),
                side2_label: "P2".into(),
                games: vec![],
                long_games: 1,
                long_games_note: Some("1 of 2 games went past 11".into()),
                side1_delta: SideDelta {
                    change: 24,
                    pending: false,
                },
                side2_delta: SideDelta {
                    change: -16,
                    pending: false,
                },
                win_probability: WinProbability {
                    side1: 50,
                    side2: 50,
                },
            },
            viewer: None,
        }
    }

    #[test]
    fn a_match_has_every_api_field_and_the_additions() {
        let json = serde_json::to_value(sample_match()).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        let mut expected = vec![
            // API.md `Match`
            "id",
            "best_of",
            "match_type",
            "kind",
            "played_at",
            "location",
            "notes",
            "side1",
            "side2",
            "games",
            "side1_games",
            "side2_games",
            "winner_side",
            "is_confirmed",
            "confirmations",
            "awaiting",
            "auto_confirmed",
            "elo_changes",
            "created_by",
            "created_at",
            // additions
            "auto_confirmed_because",
            "championship_id",
            "confirmed_at",
            "is_live",
            "presentation",
        ];
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(json["match_type"], "casual");
        assert_eq!(json["kind"], "singles");
        assert_eq!(json["winner_side"], 1);
        assert_eq!(json["played_at"], "2026-03-01T18:30:00Z");
        assert_eq!(
            json["games"][0],
            serde_json::json!({"number": 1, "side1_points": 11, "side2_points": 9,
                "duration_minutes": 8, "winner_side": 1})
        );
        assert_eq!(
            json["games"][1]["duration_minutes"],
            serde_json::Value::Null
        );
        assert_eq!(
            json["confirmations"][0],
            serde_json::json!({"player_id": 1, "at": "2026-03-01T18:30:00Z", "source": "auto"})
        );
        assert_eq!(
            json["elo_changes"][0],
            serde_json::json!({"player_id": 1, "change": 24})
        );
        let back: Match = serde_json::from_value(json).unwrap();
        assert_eq!(back, sample_match());
    }

    #[test]
    fn an_unfinished_match_sends_a_null_winner_and_the_viewer_when_known() {
        let mut m = sample_match();
        m.winner_side = None;
        m.viewer = Some(Viewer::from(ViewerFlags {
            side: Some(Side::Two),
            can_confirm: true,
            has_confirmed: false,
        }));
        let json = serde_json::to_value(m).unwrap();
        assert!(json["winner_side"].is_null());
        assert_eq!(
            json["viewer"],
            serde_json::json!({"side": 2, "can_confirm": true, "has_confirmed": false})
        );
    }

    #[test]
    fn a_singles_request_with_games_converts_with_its_tally() {
        let new = NewMatch::try_from(&singles(vec![
            game(11, 9),
            game(8, 11),
            game(11, 5),
            game(12, 10),
        ]))
        .unwrap();
        assert_eq!(new.kind, MatchKind::Singles);
        assert_eq!(new.best_of, BestOf::FIVE);
        assert_eq!(new.match_type, MatchType::Casual);
        assert_eq!(new.side1, vec![PlayerId(1)]);
        assert_eq!(
            new.games.iter().map(|g| g.number).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
        assert_eq!(new.tally.side1_games, 3);
        assert_eq!(new.tally.side2_games, 1);
        assert_eq!(new.tally.winner, Some(Side::One));
    }

    #[test]
    fn sides_are_kept_exactly_as_given() {
        let request = CreateMatchRequest {
            side1: vec![9, 3],
            side2: vec![1, 7],
            ..CreateMatchRequest::default()
        };
        let new = NewMatch::try_from(&request).unwrap();
        assert_eq!(new.kind, MatchKind::Doubles);
        assert_eq!(new.side1, vec![PlayerId(9), PlayerId(3)]);
        assert_eq!(new.side2, vec![PlayerId(1), PlayerId(7)]);
    }

    #[test]
    fn the_first_invalid_game_fails_the_request_and_is_the_only_game_reported() {
        let errors =
            NewMatch::try_from(&singles(vec![game(11, 9), game(13, 5), game(10, 10)])).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors.codes_for("games[1].score"), ["game_score_overshoot"]);
        assert_eq!(errors.code(), Some("game_score_overshoot"));
    }

    #[test]
    fn every_score_rule_of_section_3_2_reaches_the_field_errors() {
        for ((a, b), code) in [
            ((-1, 11), "game_score_negative"),
            ((10, 10), "game_score_tie"),
            ((5, 3), "game_score_below_eleven"),
            ((10, 8), "game_score_below_eleven"),
            ((11, 10), "game_score_lead_too_small"),
            ((13, 5), "game_score_overshoot"),
            ((20, 2), "game_score_overshoot"),
        ] {
            let errors = ValidGame::try_from(&game(a, b)).unwrap_err();
            assert_eq!(errors.codes_for("score"), [code], "{a}-{b}");
        }
        for (a, b) in [
            (11, 0),
            (11, 9),
            (12, 10),
            (13, 11),
            (15, 13),
            (0, 11),
            (9, 11),
        ] {
            assert!(ValidGame::try_from(&game(a, b)).is_ok(), "{a}-{b}");
        }
    }

    #[test]
    fn duration_is_one_to_three_hundred_minutes() {
        let with = |m| GameInput {
            duration_minutes: Some(m),
            ..game(11, 3)
        };
        assert_eq!(
            ValidGame::try_from(&with(1)).unwrap().duration_minutes,
            Some(1)
        );
        assert_eq!(
            ValidGame::try_from(&with(300)).unwrap().duration_minutes,
            Some(300)
        );
        for bad in [0, 301, -5] {
            let errors = ValidGame::try_from(&with(bad)).unwrap_err();
            assert_eq!(errors.codes_for("duration_minutes"), ["duration_invalid"]);
        }
        let errors = NewMatch::try_from(&singles(vec![with(0)])).unwrap_err();
        assert_eq!(
            errors.codes_for("games[0].duration_minutes"),
            ["duration_invalid"]
        );
    }

    #[test]
    fn a_client_game_number_is_within_best_of_and_unused() {
        let numbered = |n| GameInput {
            number: Some(n),
            ..game(11, 3)
        };
        let best_of = BestOf::new(3).unwrap();
        let valid = ValidGame::try_from(&numbered(3)).unwrap();
        assert_eq!(valid.checked_number(best_of, &[1]), Ok(Some(3)));
        assert_eq!(
            valid.checked_number(best_of, &[3]),
            Err(DomainError::GameNumberTaken { number: 3 })
        );
        let four = ValidGame::try_from(&numbered(4)).unwrap();
        assert_eq!(
            four.checked_number(best_of, &[]),
            Err(DomainError::GameNumberOutOfRange { best_of: 3 })
        );
        let unnumbered = ValidGame::try_from(&game(11, 3)).unwrap();
        assert_eq!(unnumbered.checked_number(best_of, &[1, 2]), Ok(None));

        let errors = NewMatch::try_from(&singles(vec![numbered(2), numbered(2)])).unwrap_err();
        assert_eq!(errors.codes_for("games[1].number"), ["game_number_taken"]);
        let errors = NewMatch::try_from(&singles(vec![numbered(0)])).unwrap_err();
        assert_eq!(
            errors.codes_for("games[0].number"),
            ["game_number_out_of_range"]
        );
    }

    #[test]
    fn numbers_are_assigned_after_the_highest_given_one() {
        let request = singles(vec![
            GameInput {
                number: Some(2),
                ..game(11, 3)
            },
            game(3, 11),
        ]);
        let new = NewMatch::try_from(&request).unwrap();
        assert_eq!(
            new.games.iter().map(|g| g.number).collect::<Vec<_>>(),
            [2, 3]
        );
    }

    #[test]
    fn a_game_after_the_winner_is_decided_is_refused() {
        let request = CreateMatchRequest {
            best_of: Some(3),
            ..singles(vec![game(11, 3), game(11, 4), game(11, 5)])
        };
        let errors = NewMatch::try_from(&request).unwrap_err();
        assert_eq!(errors.codes_for("games[2]"), ["match_already_complete"]);
    }

    #[test]
    fn only_odd_best_of_up_to_nine_is_accepted() {
        for ok in [1, 3, 5, 7, 9] {
            let request = CreateMatchRequest {
                best_of: Some(ok),
                ..singles(vec![])
            };
            assert_eq!(
                i64::from(NewMatch::try_from(&request).unwrap().best_of.get()),
                ok
            );
        }
        for bad in [0, 2, 4, 11, -1] {
            let request = CreateMatchRequest {
                best_of: Some(bad),
                ..singles(vec![game(11, 2)])
            };
            let errors = NewMatch::try_from(&request).unwrap_err();
            assert_eq!(errors.codes_for("best_of"), ["best_of_invalid"]);
            assert_eq!(errors.len(), 1, "games are not checked without a format");
        }
    }

    #[test]
    fn unknown_kind_and_match_type_are_invalid_choices() {
        let request = CreateMatchRequest {
            kind: Some("triples".into()),
            match_type: Some("friendly".into()),
            ..singles(vec![])
        };
        let errors = NewMatch::try_from(&request).unwrap_err();
        assert_eq!(errors.codes_for("kind"), ["invalid_choice"]);
        assert_eq!(errors.codes_for("match_type"), ["invalid_choice"]);
        let tournament = CreateMatchRequest {
            match_type: Some("tournament".into()),
            ..singles(vec![])
        };
        assert_eq!(
            NewMatch::try_from(&tournament).unwrap().match_type,
            MatchType::Tournament
        );
    }

    #[test]
    fn wrong_side_sizes_name_the_side_that_is_off() {
        let request = CreateMatchRequest {
            side1: vec![1],
            side2: vec![2, 3],
            ..CreateMatchRequest::default()
        };
        let errors = NewMatch::try_from(&request).unwrap_err();
        assert_eq!(errors.codes_for("side2"), ["wrong_player_count"]);
        assert!(errors.codes_for("side1").is_empty());

        let declared = CreateMatchRequest {
            kind: Some("doubles".into()),
            ..singles(vec![])
        };
        let errors = NewMatch::try_from(&declared).unwrap_err();
        assert_eq!(errors.codes_for("side1"), ["wrong_player_count"]);
        assert_eq!(errors.codes_for("side2"), ["wrong_player_count"]);

        let empty = CreateMatchRequest::default();
        assert_eq!(
            NewMatch::try_from(&empty).unwrap_err().code(),
            Some("wrong_player_count")
        );
    }

    #[test]
    fn a_player_on_both_sides_is_refused() {
        let request = CreateMatchRequest {
            side1: vec![1, 2],
            side2: vec![3, 1],
            ..CreateMatchRequest::default()
        };
        let errors = NewMatch::try_from(&request).unwrap_err();
        assert_eq!(errors.codes_for("side2"), ["players_not_distinct"]);
        let twice = CreateMatchRequest {
            side1: vec![4, 4],
            side2: vec![3, 1],
            ..CreateMatchRequest::default()
        };
        assert_eq!(
            NewMatch::try_from(&twice).unwrap_err().codes_for("side1"),
            ["players_not_distinct"]
        );
    }

    #[test]
    fn live_scoring_is_for_singles_without_games() {
        let live = CreateMatchRequest {
            live: true,
            ..singles(vec![])
        };
        assert!(NewMatch::try_from(&live).unwrap().live);
        let doubles = CreateMatchRequest {
            live: true,
            side1: vec![1, 2],
            side2: vec![3, 4],
            ..CreateMatchRequest::default()
        };
        assert_eq!(
            NewMatch::try_from(&doubles).unwrap_err().codes_for("live"),
            ["live_requires_singles"]
        );
        let with_games = CreateMatchRequest {
            live: true,
            ..singles(vec![game(11, 3)])
        };
        assert_eq!(
            NewMatch::try_from(&with_games)
                .unwrap_err()
                .codes_for("live"),
            ["invalid_choice"]
        );
    }

    #[test]
    fn played_at_may_be_at_most_five_minutes_ahead() {
        let now: DateTime<Utc> = "2026-03-01T12:00:00Z".parse().unwrap();
        let at = |s: &str| CreateMatchRequest {
            played_at: Some(s.parse().unwrap()),
            ..singles(vec![])
        };
        let ok = NewMatch::try_from(&at("2026-03-01T12:05:00Z")).unwrap();
        assert_eq!(ok.check_played_at(now), Ok(()));
        let late = NewMatch::try_from(&at("2026-03-01T12:05:01Z")).unwrap();
        assert_eq!(
            late.check_played_at(now),
            Err(DomainError::PlayedAtInFuture)
        );
        let now_default = NewMatch::try_from(&singles(vec![])).unwrap();
        assert_eq!(now_default.check_played_at(now), Ok(()));
    }

    #[test]
    fn a_create_request_parses_from_the_api_example() {
        let body = r#"{"best_of": 5, "match_type": "casual", "played_at": "2026-03-01T18:30:00Z",
            "side1": [1], "side2": [2], "games": [{"side1_points": 11, "side2_points": 9}]}"#;
        let request: CreateMatchRequest = serde_json::from_str(body).unwrap();
        assert_eq!(request.games[0].side1_points, 11);
        assert!(!request.live);
        assert!(NewMatch::try_from(&request).is_ok());
    }

    #[test]
    fn an_update_refuses_participant_changes_and_tells_absent_from_null() {
        let body = r#"{"side1": [5], "notes": null, "best_of": 4}"#;
        let request: UpdateMatchRequest = serde_json::from_str(body).unwrap();
        let errors = MatchChanges::try_from(&request).unwrap_err();
        assert_eq!(errors.codes_for("side1"), ["participants_locked"]);
        assert_eq!(errors.codes_for("best_of"), ["best_of_invalid"]);

        let request: UpdateMatchRequest =
            serde_json::from_str(r#"{"notes": null, "location": 3}"#).unwrap();
        let changes = MatchChanges::try_from(&request).unwrap();
        assert_eq!(changes.notes, Some(None));
        assert_eq!(changes.location_id, Some(Some(3)));
        assert!(changes.only_location_and_notes());
        let request: UpdateMatchRequest =
            serde_json::from_str(r#"{"match_type": "practice"}"#).unwrap();
        let changes = MatchChanges::try_from(&request).unwrap();
        assert_eq!(changes.match_type, Some(MatchType::Practice));
        assert_eq!(changes.notes, None);
        assert!(!changes.only_location_and_notes());
    }

    #[test]
    fn the_projection_of_example_1_shows_each_side_and_the_viewer() {
        use ttstats_domain::elo::{MemberRating, projection, win_probability};
        let new = MemberRating {
            player: PlayerId(1),
            rating: 1500,
            rated_matches: 0,
        };
        let experienced = MemberRating {
            player: PlayerId(2),
            rating: 1500,
            rated_matches: 30,
        };
        let outcome = projection(
            MatchType::Casual,
            BestOf::FIVE,
            &[new],
            &[experienced],
            Some(Side::One),
        );
        let wp = win_probability(&[1500], &[1500]);
        let p = Projection::from_domain(&outcome, wp, Some(PlayerId(2)));
        assert_eq!(
            serde_json::to_value(p).unwrap(),
            serde_json::json!({
                "side1": {"k_factor": 48.0, "change": 24},
                "side2": {"k_factor": 32.0, "change": -16},
                "win_probability": {"side1": 50, "side2": 50},
                "viewer_change": -16
            })
        );
        let outsider = Projection::from_domain(&outcome, wp, Some(PlayerId(99)));
        assert_eq!(outsider.viewer_change, Some(0));
        assert_eq!(
            Projection::from_domain(&outcome, wp, None).viewer_change,
            None
        );
    }

    #[test]
    fn the_presentation_marks_projected_deltas_pending() {
        assert_eq!(
            SideDelta::from(DomainSideDelta::Pending { change: 14 }),
            SideDelta {
                change: 14,
                pending: true
            }
        );
        assert_eq!(
            SideDelta::from(DomainSideDelta::Applied { change: -16 }),
            SideDelta {
                change: -16,
                pending: false
            }
        );
    }

    #[test]
    fn the_list_query_validates_each_parameter() {
        let q = MatchListQuery {
            player: Some("3".into()),
            confirmed: Some("false".into()),
            kind: Some("singles".into()),
            page: None,
            per_page: Some("5".into()),
        };
        let f = q.to_filter().unwrap();
        assert_eq!(f.player, Some(PlayerId(3)));
        assert_eq!(f.confirmed, Some(false));
        assert_eq!(f.kind, Some(MatchKind::Singles));
        assert_eq!(f.page.per_page, 5);
        for (q, parameter) in [
            (
                MatchListQuery {
                    player: Some("x".into()),
                    ..MatchListQuery::default()
                },
                "player",
            ),
            (
                MatchListQuery {
                    confirmed: Some("yes".into()),
                    ..MatchListQuery::default()
                },
                "confirmed",
            ),
            (
                MatchListQuery {
                    kind: Some("all".into()),
                    ..MatchListQuery::default()
                },
                "kind",
            ),
        ] {
            assert_eq!(
                q.to_filter(),
                Err(DomainError::InvalidQueryParameter { parameter })
            );
        }
    }

    proptest! {
        #[test]
        fn a_game_converts_exactly_when_the_domain_accepts_its_score(
            a in -3i64..30, b in -3i64..30,
        ) {
            let converted = ValidGame::try_from(&game(a, b));
            match GameScore::new(a, b) {
                Ok(score) => prop_assert_eq!(converted.unwrap().score, score),
                Err(e) => prop_assert_eq!(converted.unwrap_err().code(), Some(e.code())),
            }
        }

        #[test]
        fn a_converted_match_never_holds_more_games_than_best_of(
            best_of in prop::sample::select(vec![1i64, 3, 5, 7, 9]),
            wins in prop::collection::vec(any::<bool>(), 0..12),
        ) {
            let games = wins.iter().map(|&w| if w { game(11, 5) } else { game(5, 11) }).collect();
            let request = CreateMatchRequest { best_of: Some(best_of), ..singles(games) };
            match NewMatch::try_from(&request) {
                Ok(new) => {
                    prop_assert!(new.games.len() as i64 <= best_of);
                    prop_assert_eq!(new.games.len(), wins.len());
                }
                Err(errors) => prop_assert_eq!(errors.code(), Some("match_already_complete")),
            }
        }
    }
}
