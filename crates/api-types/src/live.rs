//! Live scoring (API.md `LiveState`, DOMAIN.md §3.15).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ttstats_domain::{DomainError, Side};

/// The state of a live match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveState {
    /// The match.
    pub match_id: i64,
    /// The format.
    pub best_of: u8,
    /// `start` was called.
    pub started: bool,
    /// Side serving first in game 1 (1 or 2), once started.
    pub initial_server: Option<u8>,
    /// Side serving now, once started.
    pub server: Option<u8>,
    /// Current game, from 1.
    pub game_number: u8,
    /// Side 1's points in the current game.
    pub side1_points: u16,
    /// Side 2's points in the current game.
    pub side2_points: u16,
    /// Games won by side 1.
    pub side1_games: u8,
    /// Games won by side 2.
    pub side2_games: u8,
    /// Deciding game with a side on 5: prompt the players to switch ends.
    pub should_prompt_side_switch: bool,
    /// The switch was acknowledged (once per match).
    pub side_switched: bool,
    /// A side has the games needed; the match left live mode.
    pub is_match_complete: bool,
    /// 1 or 2 once complete.
    pub winner_side: Option<u8>,
    /// When the last point was scored.
    pub last_point_at: Option<DateTime<Utc>>,
    /// The last 50 events, oldest first.
    pub events: Vec<LiveEvent>,
    /// The match is still scored live; false once decided or ended early (watchers stop).
    pub is_live: bool,
    /// Where to confirm the result once complete (`/api/v1/matches/{id}/confirm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_url: Option<String>,
}

/// A scored point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveEvent {
    /// The side that scored (1 or 2).
    pub side: u8,
    /// When.
    pub at: DateTime<Utc>,
    /// The game it was scored in.
    pub game_number: u8,
    /// Side 1's final points when this point ended the game.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_side1_points: Option<u16>,
    /// Side 2's final points when this point ended the game.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_side2_points: Option<u16>,
}

/// `POST /matches/{id}/live/start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"initial_server": 1})))]
pub struct StartLiveRequest {
    /// The side serving first: 1 or 2.
    pub initial_server: i64,
}

impl StartLiveRequest {
    /// The side (`invalid_side` otherwise).
    pub fn side(&self) -> Result<Side, DomainError> {
        Side::try_from(self.initial_server)
    }
}

/// `POST /matches/{id}/live/point`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"side": 2})))]
pub struct PointRequest {
    /// The side that won the point: 1 or 2.
    pub side: i64,
}

impl PointRequest {
    /// The side (`invalid_side` otherwise).
    pub fn side(&self) -> Result<Side, DomainError> {
        Side::try_from(self.side)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sides_one_and_two_are_accepted() {
        assert_eq!(PointRequest { side: 1 }.side(), Ok(Side::One));
        assert_eq!(PointRequest { side: 2 }.side(), Ok(Side::Two));
        for bad in [0, 3, -1, 256] {
            assert_eq!(
                PointRequest { side: bad }.side(),
                Err(DomainError::InvalidSide)
            );
            assert_eq!(
                StartLiveRequest {
                    initial_server: bad
                }
                .side(),
                Err(DomainError::InvalidSide)
            );
        }
    }

    #[test]
    fn a_live_state_has_the_api_fields() {
        let state = LiveState {
            match_id: 3,
            best_of: 5,
            started: true,
            initial_server: Some(1),
            server: Some(2),
            game_number: 1,
            side1_points: 1,
            side2_points: 1,
            side1_games: 0,
            side2_games: 0,
            should_prompt_side_switch: false,
            side_switched: false,
            is_match_complete: false,
            winner_side: None,
            last_point_at: None,
            events: vec![LiveEvent {
                side: 1,
                at: "2026-03-01T18:00:00Z".parse().unwrap(),
                game_number: 1,
                final_side1_points: None,
                final_side2_points: None,
            }],
            is_live: true,
            confirm_url: None,
        };
        let json = serde_json::to_value(&state).unwrap();
        for key in [
            "match_id",
            "best_of",
            "started",
            "initial_server",
            "server",
            "game_number",
            "side1_points",
            "side2_points",
            "side1_games",
            "side2_games",
            "should_prompt_side_switch",
            "is_match_complete",
            "winner_side",
            "last_point_at",
            "events",
        ] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        assert_eq!(
            json["events"][0],
            serde_json::json!({"side": 1, "at": "2026-03-01T18:00:00Z", "game_number": 1})
        );
    }
}
