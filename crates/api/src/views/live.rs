//! The `LiveState` wire shape (API.md) from the domain's live state.

use ttstats_api_types::live::{LiveEvent, LiveState};
use ttstats_domain::MatchId;
use ttstats_domain::live::{self, LiveView};
use ttstats_domain::scoring::GameScore;

/// The client-facing state of live match `id`; `is_live` is false once the match was decided or
/// ended early. A decided match links to the confirm action.
pub fn live_state(id: MatchId, state: &live::LiveState, is_live: bool) -> LiveState {
    let LiveView {
        match_id,
        best_of,
        started,
        initial_server,
        server,
        game_number,
        side1_points,
        side2_points,
        side1_games,
        side2_games,
        should_prompt_side_switch,
        is_match_complete,
        winner_side,
        last_point_at,
        events,
    } = state.view(id);
    LiveState {
        match_id: match_id.0,
        best_of: best_of.get(),
        started,
        initial_server: initial_server.map(u8::from),
        server: server.map(u8::from),
        game_number,
        side1_points,
        side2_points,
        side1_games,
        side2_games,
        should_prompt_side_switch,
        side_switched: state.side_switched(),
        is_match_complete,
        winner_side: winner_side.map(u8::from),
        last_point_at,
        events: events.iter().map(live_event).collect(),
        is_live,
        confirm_url: is_match_complete.then(|| confirm_url(match_id)),
    }
}

/// Where a participant confirms the result.
pub fn confirm_url(id: MatchId) -> String {
    format!("/api/v1/matches/{}/confirm", id.0)
}

fn live_event(event: &live::LiveEvent) -> LiveEvent {
    LiveEvent {
        side: event.side.number(),
        at: event.at,
        game_number: event.game_number,
        final_side1_points: event.final_score.map(GameScore::side1_points),
        final_side2_points: event.final_score.map(GameScore::side2_points),
    }
}
