//! Game score validity and winner derivation (DOMAIN.md §3.2, §3.4).

use serde::{Deserialize, Serialize};

use crate::{BestOf, DomainError, Side};

/// A valid game score. Construct it with [`GameScore::new`], which applies the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GameScore {
    side1_points: u16,
    side2_points: u16,
}

/// Quick-entry presets offered by the score form (§3.2).
pub const PRESETS: [(u16, u16); 4] = [(11, 0), (11, 9), (0, 11), (9, 11)];

impl GameScore {
    /// Checks a score in the order of §3.2; the first failed check is the error.
    pub fn new(side1_points: i64, side2_points: i64) -> Result<Self, DomainError> {
        if side1_points < 0 || side2_points < 0 {
            return Err(DomainError::GameScoreNegative);
        }
        if side1_points == side2_points {
            return Err(DomainError::GameScoreTie);
        }
        let (hi, lo) = (
            side1_points.max(side2_points),
            side1_points.min(side2_points),
        );
        if hi < 11 {
            return Err(DomainError::GameScoreBelowEleven);
        }
        if hi - lo < 2 {
            return Err(DomainError::GameScoreLeadTooSmall);
        }
        if hi > 11 && hi - lo != 2 {
            return Err(DomainError::GameScoreOvershoot);
        }
        // Past the checks hi − lo == 2 above 11, so both fit easily; a huge deuce is refused
        // rather than wrapped.
        let side1_points =
            u16::try_from(side1_points).map_err(|_| DomainError::GameScoreOvershoot)?;
        let side2_points =
            u16::try_from(side2_points).map_err(|_| DomainError::GameScoreOvershoot)?;
        Ok(Self {
            side1_points,
            side2_points,
        })
    }

    /// Side 1's points.
    #[must_use]
    pub fn side1_points(self) -> u16 {
        self.side1_points
    }

    /// Side 2's points.
    #[must_use]
    pub fn side2_points(self) -> u16 {
        self.side2_points
    }

    /// The side with more points.
    #[must_use]
    pub fn winner(self) -> Side {
        if self.side1_points > self.side2_points {
            Side::One
        } else {
            Side::Two
        }
    }

    /// Points of `side`.
    #[must_use]
    pub fn points(self, side: Side) -> u16 {
        side.pick(self.side1_points, self.side2_points)
    }

    /// A game that went past 11 (deuce).
    #[must_use]
    pub fn went_long(self) -> bool {
        self.side1_points.max(self.side2_points) > 11
    }

    /// Side 1's share of the points in percent, rounded (§3.17).
    #[must_use]
    pub fn side1_share(self) -> u8 {
        let total = f64::from(self.side1_points) + f64::from(self.side2_points);
        (100.0 * f64::from(self.side1_points) / total).round() as u8
    }
}

/// Checks an optional game duration: 1–300 minutes (`duration_invalid`).
pub fn check_duration(minutes: Option<i64>) -> Result<(), DomainError> {
    match minutes {
        Some(m) if !(1..=300).contains(&m) => Err(DomainError::DurationInvalid),
        _ => Ok(()),
    }
}

/// Checks a client-supplied game number: within 1…best_of and not in `used`.
pub fn check_game_number(number: i64, best_of: BestOf, used: &[u8]) -> Result<u8, DomainError> {
    let out_of_range = DomainError::GameNumberOutOfRange {
        best_of: best_of.get(),
    };
    let number = u8::try_from(number).map_err(|_| out_of_range.clone())?;
    if number == 0 || number > best_of.get() {
        return Err(out_of_range);
    }
    if used.contains(&number) {
        return Err(DomainError::GameNumberTaken { number });
    }
    Ok(number)
}

/// The derived score of a match: games per side and the winner once a side has the games
/// needed (§3.4). A winner disappears when games are removed below the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tally {
    /// Games won by side 1.
    pub side1_games: u8,
    /// Games won by side 2.
    pub side2_games: u8,
    /// The side that reached the games needed, if any.
    pub winner: Option<Side>,
}

impl Tally {
    /// Tallies games in number order.
    #[must_use]
    pub fn of(games: &[GameScore], best_of: BestOf) -> Self {
        let side1_games = games.iter().filter(|g| g.winner() == Side::One).count() as u8;
        let side2_games = games.len() as u8 - side1_games;
        let needed = best_of.games_needed();
        let winner = if side1_games >= needed {
            Some(Side::One)
        } else if side2_games >= needed {
            Some(Side::Two)
        } else {
            None
        };
        Self {
            side1_games,
            side2_games,
            winner,
        }
    }

    /// Games won by `side`.
    #[must_use]
    pub fn games(self, side: Side) -> u8 {
        side.pick(self.side1_games, self.side2_games)
    }
}

/// Adds a game to a match's games, refusing it once a side has won (`match_already_complete`),
/// so a match never holds more than best_of games. Returns the new tally.
pub fn add_game(
    games: &mut Vec<GameScore>,
    game: GameScore,
    best_of: BestOf,
) -> Result<Tally, DomainError> {
    if Tally::of(games, best_of).winner.is_some() {
        return Err(DomainError::MatchAlreadyComplete);
    }
    games.push(game);
    Ok(Tally::of(games, best_of))
}

/// Validates the games sent with a new match, in order; the first bad game fails the whole
/// request (§3.3).
pub fn games_for_new_match(
    scores: &[(i64, i64, Option<i64>)],
    best_of: BestOf,
) -> Result<(Vec<GameScore>, Tally), (usize, DomainError)> {
    let mut games = Vec::with_capacity(scores.len());
    let mut tally = Tally::default();
    for (index, &(a, b, duration)) in scores.iter().enumerate() {
        let game = GameScore::new(a, b).map_err(|e| (index, e))?;
        check_duration(duration).map_err(|e| (index, e))?;
        tally = add_game(&mut games, game, best_of).map_err(|e| (index, e))?;
    }
    Ok((games, tally))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(a: i64, b: i64) -> &'static str {
        GameScore::new(a, b).map_or_else(|e| e.code(), |_| "ok")
    }

    #[test]
    fn score_checks_apply_in_the_order_of_section_3_2() {
        let cases = [
            ((11, 9), "ok"),
            ((11, 0), "ok"),
            ((12, 10), "ok"),
            ((13, 11), "ok"),
            ((15, 13), "ok"),
            ((9, 11), "ok"),
            ((10, 10), "game_score_tie"),
            ((5, 3), "game_score_below_eleven"),
            ((10, 8), "game_score_below_eleven"),
            ((11, 10), "game_score_lead_too_small"),
            ((13, 10), "game_score_overshoot"),
            ((13, 5), "game_score_overshoot"),
            ((20, 2), "game_score_overshoot"),
            ((-1, 11), "game_score_negative"),
            ((-1, -1), "game_score_negative"),
            ((0, 0), "game_score_tie"),
        ];
        for ((a, b), want) in cases {
            assert_eq!(code(a, b), want, "{a}-{b}");
            assert_eq!(code(b, a), want, "mirror {b}-{a}");
        }
    }

    #[test]
    fn the_winner_of_a_game_has_more_points() {
        assert_eq!(GameScore::new(11, 9).unwrap().winner(), Side::One);
        assert_eq!(GameScore::new(10, 12).unwrap().winner(), Side::Two);
    }

    #[test]
    fn presets_are_valid_scores() {
        for (a, b) in PRESETS {
            assert!(GameScore::new(a.into(), b.into()).is_ok());
        }
    }

    #[test]
    fn best_of_three_is_decided_at_two_games() {
        let bo3 = BestOf::new(3).unwrap();
        let win = GameScore::new(11, 5).unwrap();
        let loss = GameScore::new(5, 11).unwrap();
        let mut games = vec![];
        assert_eq!(add_game(&mut games, win, bo3).unwrap().winner, None);
        assert_eq!(add_game(&mut games, loss, bo3).unwrap().winner, None);
        assert_eq!(
            add_game(&mut games, win, bo3).unwrap().winner,
            Some(Side::One)
        );
        assert_eq!(
            add_game(&mut games, win, bo3),
            Err(DomainError::MatchAlreadyComplete)
        );
        let straight = Tally::of(&[win, win], bo3);
        assert_eq!(
            (straight.side1_games, straight.winner),
            (2, Some(Side::One))
        );
    }

    #[test]
    fn a_winner_is_cleared_when_games_drop_below_the_threshold() {
        let bo3 = BestOf::new(3).unwrap();
        let win = GameScore::new(11, 5).unwrap();
        assert_eq!(Tally::of(&[win, win], bo3).winner, Some(Side::One));
        assert_eq!(Tally::of(&[win], bo3).winner, None);
    }

    #[test]
    fn durations_are_one_to_three_hundred_minutes() {
        assert!(check_duration(None).is_ok());
        assert!(check_duration(Some(1)).is_ok());
        assert!(check_duration(Some(300)).is_ok());
        assert_eq!(check_duration(Some(0)), Err(DomainError::DurationInvalid));
        assert_eq!(check_duration(Some(301)), Err(DomainError::DurationInvalid));
    }

    #[test]
    fn supplied_game_numbers_must_be_in_range_and_unused() {
        let bo5 = BestOf::FIVE;
        assert_eq!(check_game_number(3, bo5, &[1, 2]), Ok(3));
        assert_eq!(
            check_game_number(6, bo5, &[]),
            Err(DomainError::GameNumberOutOfRange { best_of: 5 })
        );
        assert_eq!(
            check_game_number(0, bo5, &[]),
            Err(DomainError::GameNumberOutOfRange { best_of: 5 })
        );
        assert_eq!(
            check_game_number(2, bo5, &[1, 2]),
            Err(DomainError::GameNumberTaken { number: 2 })
        );
    }

    #[test]
    fn new_match_games_fail_on_the_first_bad_game() {
        let bo3 = BestOf::new(3).unwrap();
        let err = games_for_new_match(&[(11, 3, None), (5, 3, None), (13, 5, None)], bo3);
        assert_eq!(err, Err((1, DomainError::GameScoreBelowEleven)));
        let extra = games_for_new_match(&[(11, 3, None), (11, 3, None), (11, 3, None)], bo3);
        assert_eq!(extra, Err((2, DomainError::MatchAlreadyComplete)));
    }

    #[test]
    fn shares_round_to_whole_percent() {
        assert_eq!(GameScore::new(11, 9).unwrap().side1_share(), 55);
        assert!(GameScore::new(12, 10).unwrap().went_long());
        assert!(!GameScore::new(11, 9).unwrap().went_long());
    }

    fn any_valid_game() -> impl Strategy<Value = GameScore> {
        prop_oneof![
            (0i64..=9).prop_map(|lo| (11, lo)),
            (10i64..40).prop_map(|lo| (lo + 2, lo)),
        ]
        .prop_flat_map(|(w, l)| prop_oneof![Just((w, l)), Just((l, w))])
        .prop_map(|(a, b)| GameScore::new(a, b).unwrap())
    }

    proptest! {
        #[test]
        fn a_valid_game_has_a_winner_leading_by_two_with_eleven(a in -5i64..40, b in -5i64..40) {
            if let Ok(g) = GameScore::new(a, b) {
                let (w, l) = (g.points(g.winner()), g.points(g.winner().other()));
                prop_assert!(w >= 11 && w - l >= 2);
                prop_assert!(w == 11 || w - l == 2);
            }
        }

        #[test]
        fn games_never_exceed_best_of_and_one_side_at_most_wins(
            best_of in prop::sample::select(vec![1i64, 3, 5, 7, 9]),
            games in prop::collection::vec(any_valid_game(), 0..20),
        ) {
            let best_of = BestOf::new(best_of).unwrap();
            let mut accepted = vec![];
            for g in games {
                let before = Tally::of(&accepted, best_of);
                match add_game(&mut accepted, g, best_of) {
                    Ok(_) => prop_assert!(before.winner.is_none()),
                    Err(e) => {
                        prop_assert_eq!(e, DomainError::MatchAlreadyComplete);
                        prop_assert!(before.winner.is_some());
                    }
                }
                prop_assert!(accepted.len() <= usize::from(best_of.get()));
            }
            let t = Tally::of(&accepted, best_of);
            prop_assert!(!(t.side1_games >= best_of.games_needed() && t.side2_games >= best_of.games_needed()));
            if let Some(w) = t.winner {
                prop_assert_eq!(t.games(w), best_of.games_needed());
            }
        }
    }
}
