//! The live-scoring state machine: a singles match scored point by point (DOMAIN.md §3.15).
//!
//! [`LiveState`] is what persistence stores as the match's `live_state` JSON. It keeps only
//! what cannot be derived: the current points, the completed games, the event log, the
//! initial server and the side-switch acknowledgement. Games won, the game number, the
//! server, the winner and the last point's time are computed from those, so they can never
//! disagree with the games and the log; [`LiveState::view`] produces the full `LiveState` wire
//! shape of API.md.
//!
//! Actions never touch the state when they fail. The caller stores a game when a point ends
//! one ([`Outcome::GameEnded`], [`Outcome::MatchWon`]) and deletes it when an undo reopens it
//! ([`Outcome::GameReopened`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::scoring::{GameScore, Tally};
use crate::{BestOf, DomainError, MatchId, Side};

/// How many events the log keeps; older ones are dropped and can no longer be undone.
pub const EVENT_LOG_LEN: usize = 50;

/// Points a side needs in the deciding game before the side-switch prompt appears.
const SIDE_SWITCH_POINTS: u16 = 5;

/// The stored state of a live match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveState {
    best_of: BestOf,
    initial_server: Option<Side>,
    side1_points: u16,
    side2_points: u16,
    side_switched: bool,
    games: Vec<GameScore>,
    events: Vec<LiveEvent>,
}

/// One scored point in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    /// The side that won the point.
    pub side: Side,
    /// When the point was recorded.
    pub at: DateTime<Utc>,
    /// The game the point was played in.
    pub game_number: u8,
    /// The game's final score when this point ended it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_score: Option<GameScore>,
}

/// What an action did, so the caller knows which rows to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing changed: a repeated start with the same server, an undo with an empty log, or
    /// a side switch acknowledged before.
    Unchanged,
    /// Scoring started.
    Started,
    /// A point inside the game in progress.
    Point,
    /// The point ended game `number`; store it.
    GameEnded {
        /// The game's number.
        number: u8,
        /// Its final score.
        game: GameScore,
    },
    /// The point ended game `number` and decided the match: store the game, leave live mode
    /// and run the completion pipeline.
    MatchWon {
        /// The game's number.
        number: u8,
        /// Its final score.
        game: GameScore,
        /// The side that won the match.
        winner: Side,
    },
    /// Undo took one point back inside the game in progress.
    PointUndone,
    /// Undo removed the point that ended game `number`: delete that stored game, which is in
    /// progress again at its final score minus the scorer's last point.
    GameReopened {
        /// The reopened game's number.
        number: u8,
        /// That game had decided the match, which has no winner any more.
        match_reopened: bool,
    },
    /// The scorekeeper acknowledged the side switch.
    SideSwitchAcknowledged,
}

/// The `LiveState` wire shape of API.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveView {
    /// The match.
    pub match_id: MatchId,
    /// The format.
    pub best_of: BestOf,
    /// The initial server has been chosen.
    pub started: bool,
    /// The side that served first in game 1.
    pub initial_server: Option<Side>,
    /// The side to serve next; null before the start and once the match is complete.
    pub server: Option<Side>,
    /// The game in progress, from 1 (one past the last game once the match is complete).
    pub game_number: u8,
    /// Side 1's points in the game in progress.
    pub side1_points: u16,
    /// Side 2's points in the game in progress.
    pub side2_points: u16,
    /// Games won by side 1.
    pub side1_games: u8,
    /// Games won by side 2.
    pub side2_games: u8,
    /// The scorekeeper should switch ends now.
    pub should_prompt_side_switch: bool,
    /// A side has won the games needed.
    pub is_match_complete: bool,
    /// That side.
    pub winner_side: Option<Side>,
    /// When the newest point in the log was scored.
    pub last_point_at: Option<DateTime<Utc>>,
    /// The last [`EVENT_LOG_LEN`] points, oldest first.
    pub events: Vec<LiveEvent>,
}

impl LiveState {
    /// A live match that has not started: no server chosen, no points.
    #[must_use]
    pub fn new(best_of: BestOf) -> Self {
        Self {
            best_of,
            initial_server: None,
            side1_points: 0,
            side2_points: 0,
            side_switched: false,
            games: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Starts scoring with `initial_server` (1 or 2, else `invalid_side`). Repeating the start
    /// with the same server changes nothing; another server is `live_already_started`.
    pub fn start(&mut self, initial_server: i64) -> Result<Outcome, DomainError> {
        let server = Side::try_from(initial_server)?;
        match self.initial_server {
            None => {
                self.initial_server = Some(server);
                Ok(Outcome::Started)
            }
            Some(chosen) if chosen == server => Ok(Outcome::Unchanged),
            Some(_) => Err(DomainError::LiveAlreadyStarted),
        }
    }

    /// Records a point for `side` (1 or 2, else `invalid_side`) at `now`. Refused before the
    /// start (`live_not_started`) and once the match is complete (`match_already_complete`).
    ///
    /// A game ends when a side has at least 11 points and leads by 2; its score goes through
    /// [`GameScore::new`] so no invalid final score is ever stored.
    pub fn point(&mut self, side: i64, now: DateTime<Utc>) -> Result<Outcome, DomainError> {
        let side = Side::try_from(side)?;
        if !self.is_started() {
            return Err(DomainError::LiveNotStarted);
        }
        if self.is_match_complete() {
            return Err(DomainError::MatchAlreadyComplete);
        }
        let (mut p1, mut p2) = (self.side1_points, self.side2_points);
        let scored = side.pick(&mut p1, &mut p2);
        // Only an endless deuce could get here; refuse rather than wrap.
        *scored = scored
            .checked_add(1)
            .ok_or(DomainError::GameScoreOvershoot)?;
        let (hi, lo) = (p1.max(p2), p1.min(p2));
        let final_score = if hi >= 11 && hi - lo >= 2 {
            Some(GameScore::new(p1.into(), p2.into())?)
        } else {
            None
        };

        let number = self.game_number();
        self.events.push(LiveEvent {
            side,
            at: now,
            game_number: number,
            final_score,
        });
        let overflow = self.events.len().saturating_sub(EVENT_LOG_LEN);
        self.events.drain(..overflow);

        let Some(game) = final_score else {
            (self.side1_points, self.side2_points) = (p1, p2);
            return Ok(Outcome::Point);
        };
        self.games.push(game);
        (self.side1_points, self.side2_points) = (0, 0);
        Ok(match self.winner_side() {
            Some(winner) => Outcome::MatchWon {
                number,
                game,
                winner,
            },
            None => Outcome::GameEnded { number, game },
        })
    }

    /// Removes the newest event. A normal point is taken back from its side (never below 0);
    /// a game-ending point deletes that game, restores it at its final score minus the
    /// scorer's last point, sets the game number back and, if that game had decided the
    /// match, un-completes it. An empty log changes nothing; the side-switch acknowledgement
    /// stays.
    pub fn undo(&mut self) -> Outcome {
        let Some(event) = self.events.pop() else {
            return Outcome::Unchanged;
        };
        let was_complete = self.is_match_complete();
        let reopened = event.final_score.and_then(|_| self.games.pop());
        if let Some(game) = reopened {
            (self.side1_points, self.side2_points) = (game.side1_points(), game.side2_points());
        }
        let points = event
            .side
            .pick(&mut self.side1_points, &mut self.side2_points);
        *points = points.saturating_sub(1);
        match reopened {
            Some(_) => Outcome::GameReopened {
                number: self.game_number(),
                match_reopened: was_complete,
            },
            None => Outcome::PointUndone,
        }
    }

    /// Stops live scoring early: the completed games are kept and returned, the game in
    /// progress is dropped. The match becomes an ordinary match again.
    #[must_use]
    pub fn end(self) -> Vec<GameScore> {
        self.games
    }

    /// Records that the scorekeeper switched ends; the prompt never shows again in this match.
    /// Acknowledging before the prompt is allowed (the players switched on their own).
    pub fn acknowledge_side_switch(&mut self) -> Outcome {
        if self.side_switched {
            Outcome::Unchanged
        } else {
            self.side_switched = true;
            Outcome::SideSwitchAcknowledged
        }
    }

    /// The format.
    #[must_use]
    pub fn best_of(&self) -> BestOf {
        self.best_of
    }

    /// The side that served first in game 1, once started.
    #[must_use]
    pub fn initial_server(&self) -> Option<Side> {
        self.initial_server
    }

    /// The initial server has been chosen.
    #[must_use]
    pub fn is_started(&self) -> bool {
        self.initial_server.is_some()
    }

    /// `side`'s points in the game in progress.
    #[must_use]
    pub fn points(&self, side: Side) -> u16 {
        side.pick(self.side1_points, self.side2_points)
    }

    /// The completed games, in number order.
    #[must_use]
    pub fn games(&self) -> &[GameScore] {
        &self.games
    }

    /// Games won per side and the winner.
    #[must_use]
    pub fn tally(&self) -> Tally {
        Tally::of(&self.games, self.best_of)
    }

    /// The game in progress: one past the completed games.
    #[must_use]
    pub fn game_number(&self) -> u8 {
        // At most best_of (≤ 9) games are ever completed.
        self.games.len() as u8 + 1
    }

    /// The last [`EVENT_LOG_LEN`] points, oldest first.
    #[must_use]
    pub fn events(&self) -> &[LiveEvent] {
        &self.events
    }

    /// When the newest point still in the log was scored: undoing a point moves it back.
    #[must_use]
    pub fn last_point_at(&self) -> Option<DateTime<Utc>> {
        self.events.last().map(|e| e.at)
    }

    /// The side whose turn it is to serve, `None` before the start and after the match.
    ///
    /// Game g is started by the initial server when g is odd, by the other side when even.
    /// Service changes every two points until both sides reach 10, then every point: with
    /// rotations = ⌊(p1 + p2) / 2⌋, or 10 + (p1 + p2 − 20) from 10-10, the game's starter
    /// serves when rotations is even.
    #[must_use]
    pub fn server(&self) -> Option<Side> {
        let initial = self.initial_server?;
        if self.is_match_complete() {
            return None;
        }
        let starter = if self.game_number() % 2 == 1 {
            initial
        } else {
            initial.other()
        };
        let (p1, p2) = (u32::from(self.side1_points), u32::from(self.side2_points));
        let rotations = if p1 >= 10 && p2 >= 10 {
            10 + (p1 + p2 - 20)
        } else {
            p1.midpoint(p2)
        };
        Some(if rotations % 2 == 0 {
            starter
        } else {
            starter.other()
        })
    }

    /// The scorekeeper has acknowledged the side switch.
    #[must_use]
    pub fn side_switched(&self) -> bool {
        self.side_switched
    }

    /// In the deciding game (`game_number = best_of`), once either side has 5 points and until
    /// the scorekeeper acknowledges, once per match.
    #[must_use]
    pub fn should_prompt_side_switch(&self) -> bool {
        !self.side_switched
            && self.game_number() == self.best_of.get()
            && self.side1_points.max(self.side2_points) >= SIDE_SWITCH_POINTS
    }

    /// A side has won the games needed.
    #[must_use]
    pub fn is_match_complete(&self) -> bool {
        self.winner_side().is_some()
    }

    /// The side that won the games needed, if any.
    #[must_use]
    pub fn winner_side(&self) -> Option<Side> {
        self.tally().winner
    }

    /// The wire shape for match `match_id`.
    #[must_use]
    pub fn view(&self, match_id: MatchId) -> LiveView {
        let tally = self.tally();
        LiveView {
            match_id,
            best_of: self.best_of,
            started: self.is_started(),
            initial_server: self.initial_server,
            server: self.server(),
            game_number: self.game_number(),
            side1_points: self.side1_points,
            side2_points: self.side2_points,
            side1_games: tally.side1_games,
            side2_games: tally.side2_games,
            should_prompt_side_switch: self.should_prompt_side_switch(),
            is_match_complete: tally.winner.is_some(),
            winner_side: tally.winner,
            last_point_at: self.last_point_at(),
            events: self.events.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(second: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + second, 0).unwrap()
    }

    fn started(best_of: i64, initial_server: i64) -> LiveState {
        let mut state = LiveState::new(BestOf::new(best_of).unwrap());
        assert_eq!(state.start(initial_server), Ok(Outcome::Started));
        state
    }

    /// Scores the points of `sides` in order, one second apart, and returns the last outcome.
    fn play(state: &mut LiveState, sides: &[i64]) -> Outcome {
        let mut last = Outcome::Unchanged;
        for &side in sides {
            let second = state.events.len() as i64;
            last = state.point(side, at(second)).unwrap();
        }
        last
    }

    fn score(state: &LiveState) -> (u16, u16) {
        (state.points(Side::One), state.points(Side::Two))
    }

    /// Wins a game 11-0 for `side`.
    fn win_game(state: &mut LiveState, side: i64) -> Outcome {
        play(state, &[side; 11])
    }

    #[test]
    fn serving_follows_example_5() {
        let mut state = started(5, 1);
        // (scorer, score after the point, server after the point); None is the start.
        let rally: [(Option<i64>, (u16, u16), u8); 23] = [
            (None, (0, 0), 1),
            (Some(1), (1, 0), 1),
            (Some(2), (1, 1), 2),
            (Some(1), (2, 1), 2),
            (Some(2), (2, 2), 1),
            (Some(1), (3, 2), 1),
            (Some(2), (3, 3), 2),
            (Some(1), (4, 3), 2),
            (Some(2), (4, 4), 1),
            (Some(1), (5, 4), 1),
            (Some(2), (5, 5), 2),
            (Some(1), (6, 5), 2),
            (Some(2), (6, 6), 1),
            (Some(1), (7, 6), 1),
            (Some(2), (7, 7), 2),
            (Some(1), (8, 7), 2),
            (Some(2), (8, 8), 1),
            (Some(1), (9, 8), 1),
            (Some(2), (9, 9), 2),
            (Some(1), (10, 9), 2),
            (Some(2), (10, 10), 1),
            (Some(1), (11, 10), 2),
            (Some(2), (11, 11), 1),
        ];
        for (scorer, points, server) in rally {
            if let Some(side) = scorer {
                assert_eq!(play(&mut state, &[side]), Outcome::Point);
            }
            assert_eq!(score(&state), points);
            assert_eq!(
                state.server().map(Side::number),
                Some(server),
                "at {points:?}"
            );
        }
        assert_eq!(
            play(&mut state, &[1, 1]),
            Outcome::GameEnded {
                number: 1,
                game: GameScore::new(13, 11).unwrap()
            }
        );
        assert_eq!(state.game_number(), 2);
        assert_eq!(state.server(), Some(Side::Two), "game 2 opens with side 2");
        win_game(&mut state, 2);
        assert_eq!(state.server(), Some(Side::One), "game 3 opens with side 1");
    }

    #[test]
    fn the_other_side_starts_even_games_when_side_2_serves_first() {
        let mut state = started(5, 2);
        assert_eq!(state.server(), Some(Side::Two));
        play(&mut state, &[1, 1]);
        assert_eq!(state.server(), Some(Side::One));
        play(&mut state, &[1; 9]);
        assert_eq!(state.game_number(), 2);
        assert_eq!(state.server(), Some(Side::One));
    }

    #[test]
    fn there_is_no_server_before_the_start_or_after_the_match() {
        let mut state = LiveState::new(BestOf::new(1).unwrap());
        assert_eq!(state.server(), None);
        state.start(1).unwrap();
        win_game(&mut state, 2);
        assert!(state.is_match_complete());
        assert_eq!(state.server(), None);
    }

    #[test]
    fn a_deuce_game_ends_at_twelve_ten() {
        let mut state = started(5, 1);
        play(&mut state, &[1, 2].repeat(10));
        assert_eq!(score(&state), (10, 10));
        assert_eq!(play(&mut state, &[1]), Outcome::Point, "11-10 goes on");
        assert_eq!(
            play(&mut state, &[1]),
            Outcome::GameEnded {
                number: 1,
                game: GameScore::new(12, 10).unwrap()
            }
        );
        assert_eq!(state.games(), &[GameScore::new(12, 10).unwrap()]);
        assert_eq!(score(&state), (0, 0));
        assert_eq!(state.game_number(), 2);
        assert_eq!(
            (state.tally().side1_games, state.tally().side2_games),
            (1, 0)
        );
        let last = state.events().last().unwrap();
        assert_eq!(
            (last.game_number, last.final_score),
            (1, GameScore::new(12, 10).ok())
        );
    }

    #[test]
    fn eleven_nine_ends_a_game_and_eleven_ten_does_not() {
        let mut state = started(3, 1);
        play(&mut state, &[2; 9]);
        assert_eq!(
            play(&mut state, &[1; 11]),
            Outcome::GameEnded {
                number: 1,
                game: GameScore::new(11, 9).unwrap()
            }
        );
    }

    #[test]
    fn start_takes_side_1_or_2_once() {
        let mut state = LiveState::new(BestOf::FIVE);
        for bad in [0, 3, -1, i64::MAX] {
            assert_eq!(state.start(bad), Err(DomainError::InvalidSide));
        }
        assert!(!state.is_started());
        assert_eq!(state.start(2), Ok(Outcome::Started));
        assert_eq!(state.start(2), Ok(Outcome::Unchanged));
        assert_eq!(state.start(1), Err(DomainError::LiveAlreadyStarted));
        assert_eq!(state.start(7), Err(DomainError::InvalidSide));
        assert_eq!(state.initial_server(), Some(Side::Two));
    }

    #[test]
    fn points_need_a_start_and_a_valid_side() {
        let mut state = LiveState::new(BestOf::FIVE);
        assert_eq!(state.point(1, at(0)), Err(DomainError::LiveNotStarted));
        assert_eq!(state.point(3, at(0)), Err(DomainError::InvalidSide));
        state.start(1).unwrap();
        assert_eq!(state.point(0, at(0)), Err(DomainError::InvalidSide));
        assert_eq!(state.point(2, at(0)), Ok(Outcome::Point));
        assert_eq!(score(&state), (0, 1));
        assert_eq!(state.last_point_at(), Some(at(0)));
    }

    #[test]
    fn the_match_ends_at_the_games_needed_and_refuses_further_points() {
        let mut state = started(3, 1);
        win_game(&mut state, 1);
        win_game(&mut state, 2);
        assert_eq!(
            win_game(&mut state, 2),
            Outcome::MatchWon {
                number: 3,
                game: GameScore::new(0, 11).unwrap(),
                winner: Side::Two
            }
        );
        assert!(state.is_match_complete());
        assert_eq!(state.winner_side(), Some(Side::Two));
        let before = state.clone();
        assert_eq!(
            state.point(1, at(99)),
            Err(DomainError::MatchAlreadyComplete)
        );
        assert_eq!(state, before, "a refused point changes nothing");
    }

    #[test]
    fn undo_takes_back_a_normal_point_and_moves_last_point_at_back() {
        let mut state = started(5, 1);
        play(&mut state, &[1, 2, 2]);
        assert_eq!(state.undo(), Outcome::PointUndone);
        assert_eq!(score(&state), (1, 1));
        assert_eq!(state.last_point_at(), Some(at(1)));
        assert_eq!(state.undo(), Outcome::PointUndone);
        assert_eq!(state.undo(), Outcome::PointUndone);
        assert_eq!(score(&state), (0, 0));
        assert_eq!(state.last_point_at(), None);
        assert_eq!(state.undo(), Outcome::Unchanged, "empty log");
        assert_eq!(score(&state), (0, 0));
    }

    #[test]
    fn undo_before_the_start_changes_nothing() {
        let mut state = LiveState::new(BestOf::FIVE);
        assert_eq!(state.undo(), Outcome::Unchanged);
        assert_eq!(state, LiveState::new(BestOf::FIVE));
    }

    #[test]
    fn undo_across_a_game_end_reopens_the_game() {
        let mut state = started(5, 1);
        play(&mut state, &[1, 2].repeat(10));
        play(&mut state, &[2, 2]);
        assert_eq!(state.games(), &[GameScore::new(10, 12).unwrap()]);
        play(&mut state, &[1]);
        assert_eq!(state.undo(), Outcome::PointUndone);
        assert_eq!(
            state.undo(),
            Outcome::GameReopened {
                number: 1,
                match_reopened: false
            }
        );
        assert!(state.games().is_empty());
        assert_eq!(state.game_number(), 1);
        assert_eq!(score(&state), (10, 11));
        assert_eq!(state.server(), Some(Side::Two));
        assert_eq!(play(&mut state, &[1]), Outcome::Point, "back to 11-11");
    }

    #[test]
    fn undoing_the_winning_point_reopens_the_match() {
        let mut state = started(3, 1);
        win_game(&mut state, 1);
        play(&mut state, &[2; 4]);
        assert!(matches!(
            win_game(&mut state, 1),
            Outcome::MatchWon {
                winner: Side::One,
                ..
            }
        ));
        assert_eq!(
            state.undo(),
            Outcome::GameReopened {
                number: 2,
                match_reopened: true
            }
        );
        assert!(!state.is_match_complete());
        assert_eq!(state.winner_side(), None);
        assert_eq!(score(&state), (10, 4));
        assert_eq!(state.games().len(), 1);
        assert_eq!(state.game_number(), 2);
        assert_eq!(play(&mut state, &[2]), Outcome::Point, "points count again");
    }

    #[test]
    fn the_event_log_keeps_the_last_fifty_points() {
        let mut state = started(5, 1);
        for second in 0..60 {
            state.point(1 + second % 2, at(second)).unwrap();
        }
        assert_eq!(state.events().len(), EVENT_LOG_LEN);
        assert_eq!(state.events()[0].at, at(10));
        assert_eq!(state.last_point_at(), Some(at(59)));
        for _ in 0..EVENT_LOG_LEN {
            assert_ne!(state.undo(), Outcome::Unchanged);
        }
        assert_eq!(state.undo(), Outcome::Unchanged, "older points are gone");
        assert_eq!(score(&state), (5, 5));
    }

    #[test]
    fn the_side_switch_is_prompted_once_in_the_deciding_game() {
        let mut state = started(3, 1);
        play(&mut state, &[1; 5]);
        assert!(!state.should_prompt_side_switch(), "game 1 is not deciding");
        play(&mut state, &[1; 6]);
        win_game(&mut state, 2);
        assert_eq!(state.game_number(), 3);
        play(&mut state, &[1, 2, 1, 2, 1, 2, 1, 2]);
        assert!(!state.should_prompt_side_switch(), "4-4");
        play(&mut state, &[2]);
        assert!(state.should_prompt_side_switch(), "4-5");
        assert_eq!(
            state.acknowledge_side_switch(),
            Outcome::SideSwitchAcknowledged
        );
        assert!(!state.should_prompt_side_switch());
        assert_eq!(state.acknowledge_side_switch(), Outcome::Unchanged);
        state.undo();
        play(&mut state, &[2, 2]);
        assert!(
            !state.should_prompt_side_switch(),
            "the acknowledgement survives undo"
        );
        assert!(state.side_switched());
    }

    #[test]
    fn a_single_game_match_prompts_at_five_in_game_one() {
        let mut state = started(1, 2);
        play(&mut state, &[2; 4]);
        assert!(!state.should_prompt_side_switch());
        play(&mut state, &[2]);
        assert!(state.should_prompt_side_switch());
        state.undo();
        assert!(!state.should_prompt_side_switch(), "back to 0-4");
    }

    #[test]
    fn ending_early_keeps_completed_games_and_drops_the_one_in_progress() {
        let mut state = started(5, 1);
        win_game(&mut state, 1);
        play(&mut state, &[2; 11]);
        play(&mut state, &[1, 1, 2]);
        assert_eq!(
            state.end(),
            vec![
                GameScore::new(11, 0).unwrap(),
                GameScore::new(0, 11).unwrap()
            ]
        );
    }

    #[test]
    fn the_view_has_the_wire_fields_of_api_md() {
        let mut state = started(5, 1);
        win_game(&mut state, 1);
        play(&mut state, &[2]);
        let json = serde_json::to_value(state.view(MatchId(7))).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut want = vec![
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
        ];
        let mut keys = keys;
        keys.sort_unstable();
        want.sort_unstable();
        assert_eq!(keys, want);
        assert_eq!(json["match_id"], 7);
        assert_eq!(json["best_of"], 5);
        assert_eq!(json["initial_server"], 1);
        assert_eq!(json["server"], 2);
        assert_eq!(json["game_number"], 2);
        assert_eq!(json["side1_games"], 1);
        assert_eq!(json["side2_points"], 1);
        assert_eq!(json["winner_side"], serde_json::Value::Null);
        assert_eq!(json["last_point_at"], "2027-01-15T08:00:11Z");
        assert_eq!(
            json["events"][10],
            serde_json::json!({
                "side": 1,
                "at": "2027-01-15T08:00:10Z",
                "game_number": 1,
                "final_score": {"side1_points": 11, "side2_points": 0}
            })
        );
        assert_eq!(
            json["events"][11],
            serde_json::json!({"side": 2, "at": "2027-01-15T08:00:11Z", "game_number": 2})
        );
    }

    #[test]
    fn the_state_survives_a_json_round_trip() {
        let mut state = started(7, 2);
        win_game(&mut state, 1);
        play(&mut state, &[2, 2, 1]);
        state.acknowledge_side_switch();
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(serde_json::from_str::<LiveState>(&json).unwrap(), state);
    }

    #[derive(Debug, Clone, Copy)]
    enum Action {
        Point(i64),
        Undo,
    }

    fn any_action() -> impl Strategy<Value = Action> {
        prop_oneof![
            4 => (1i64..=2).prop_map(Action::Point),
            1 => Just(Action::Undo),
        ]
    }

    fn scores(state: &LiveState) -> (u16, u16, Vec<GameScore>, u8, Tally) {
        (
            state.points(Side::One),
            state.points(Side::Two),
            state.games().to_vec(),
            state.game_number(),
            state.tally(),
        )
    }

    proptest! {
        #[test]
        fn random_points_and_undos_keep_the_state_valid(
            best_of in prop::sample::select(vec![1i64, 3, 5, 7, 9]),
            initial_server in 1i64..=2,
            actions in prop::collection::vec(any_action(), 0..400),
        ) {
            let mut state = started(best_of, initial_server);
            let best_of = state.best_of();
            for (second, action) in actions.into_iter().enumerate() {
                let before = state.clone();
                match action {
                    Action::Point(side) => match state.point(side, at(second as i64)) {
                        Ok(_) => {
                            let mut undone = state.clone();
                            undone.undo();
                            prop_assert_eq!(scores(&undone), scores(&before));
                            if before.events().len() < EVENT_LOG_LEN {
                                prop_assert_eq!(&undone, &before);
                            }
                        }
                        Err(e) => {
                            prop_assert_eq!(e, DomainError::MatchAlreadyComplete);
                            prop_assert!(before.is_match_complete());
                            prop_assert_eq!(&state, &before);
                        }
                    },
                    Action::Undo => {
                        state.undo();
                    }
                }
                for game in state.games() {
                    let (a, b) = (game.side1_points(), game.side2_points());
                    prop_assert!(GameScore::new(a.into(), b.into()).is_ok(), "{}-{}", a, b);
                }
                prop_assert!(state.games().len() <= usize::from(best_of.get()));
                let tally = state.tally();
                let needed = best_of.games_needed();
                prop_assert!(!(tally.side1_games >= needed && tally.side2_games >= needed));
                let (p1, p2) = score(&state);
                prop_assert!(!(p1.max(p2) >= 11 && p1.abs_diff(p2) >= 2), "a finished game left in progress");
                prop_assert!(state.events().len() <= EVENT_LOG_LEN);
                prop_assert_eq!(state.server().is_none(), state.is_match_complete());
            }
        }
    }
}
