//! Players as the API shows them (API.md `Player`).

use ttstats_api_types::players::{Player, PlayingStyle};
use ttstats_persistence::players::PlayerView;

/// The `Player` of a row with its verification.
pub fn player(view: &PlayerView) -> Player {
    let row = &view.row;
    Player {
        id: row.id,
        name: row.name.clone(),
        nickname: row.nickname.clone(),
        display_name: row.name().display_name().to_owned(),
        rating: row.rating,
        peak_rating: row.peak_rating,
        rated_matches: u32::try_from(row.rated_matches).unwrap_or(0),
        verified: view.verified,
        is_guest: view.is_guest(),
        playing_style: PlayingStyle::parse(&row.playing_style).unwrap_or_default(),
    }
}
