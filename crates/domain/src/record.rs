//! A complete match as the statistics see it: the plain data every aggregation works on.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::scoring::{GameScore, Tally};
use crate::{BestOf, MatchId, MatchKind, MatchType, PlayerId, Side};

/// A complete (normally confirmed) match with its games in number order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchRecord {
    /// The match.
    pub id: MatchId,
    /// Singles or doubles.
    pub kind: MatchKind,
    /// Casual, practice or tournament.
    pub match_type: MatchType,
    /// The format.
    pub best_of: BestOf,
    /// When it was played.
    pub played_at: DateTime<Utc>,
    /// When it was recorded (second key of play order).
    pub created_at: DateTime<Utc>,
    /// Side 1's players.
    pub side1: Vec<PlayerId>,
    /// Side 2's players.
    pub side2: Vec<PlayerId>,
    /// The games, by number.
    pub games: Vec<GameScore>,
}

impl MatchRecord {
    /// The players of `side`.
    #[must_use]
    pub fn players(&self, side: Side) -> &[PlayerId] {
        side.pick(&self.side1, &self.side2)
    }

    /// The side `player` is on, if they played.
    #[must_use]
    pub fn side_of(&self, player: PlayerId) -> Option<Side> {
        if self.side1.contains(&player) {
            Some(Side::One)
        } else if self.side2.contains(&player) {
            Some(Side::Two)
        } else {
            None
        }
    }

    /// Games per side and the winner.
    #[must_use]
    pub fn tally(&self) -> Tally {
        Tally::of(&self.games, self.best_of)
    }

    /// The winning side; `None` only for an unfinished match, which statistics never count.
    #[must_use]
    pub fn winner(&self) -> Option<Side> {
        self.tally().winner
    }

    /// Whether `player` won; `None` when they did not play or the match is unfinished.
    #[must_use]
    pub fn won_by(&self, player: PlayerId) -> Option<bool> {
        Some(self.side_of(player)? == self.winner()?)
    }

    /// Play order: played_at, then created_at, then id (DOMAIN.md §3.6).
    #[must_use]
    pub fn play_order_key(&self) -> (DateTime<Utc>, DateTime<Utc>, MatchId) {
        (self.played_at, self.created_at, self.id)
    }
}

/// Sorts matches oldest first in play order.
pub fn sort_play_order(matches: &mut [MatchRecord]) {
    matches.sort_by_key(MatchRecord::play_order_key);
}
