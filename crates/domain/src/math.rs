//! The rates and averages the statistics share (DOMAIN.md §3.8–§3.11).
//!
//! Every quotient is 0 when its denominator is 0 (§3.10: "Rates and averages are 0 when their
//! denominator is 0"). [`win_rate`] is the raw double the leaderboard and player statistics
//! send (§3.8: clients round it); [`percent`] and [`ratio`] round to 2 decimals, as the
//! head-to-head (§3.10) and pair statistics (§3.11) do.

/// 100 × wins / matches as an unrounded double; 0 without matches.
#[must_use]
pub fn win_rate(wins: u32, matches: u32) -> f64 {
    // 100 × wins is exact in a double for any u32, so `percent` rounds the very same value.
    quotient(100.0 * f64::from(wins), matches)
}

/// 100 × part / whole rounded to 2 decimals ([`win_rate`] rounded); 0 when `whole` is 0.
#[must_use]
pub fn percent(part: u32, whole: u32) -> f64 {
    round2(win_rate(part, whole))
}

/// part / whole rounded to 2 decimals; 0 when `whole` is 0.
#[must_use]
pub fn ratio(part: u64, whole: u32) -> f64 {
    round2(quotient(part as f64, whole))
}

/// `value` rounded to 2 decimals, half away from zero, never −0.
#[must_use]
pub fn round2(value: f64) -> f64 {
    // Adding 0.0 turns −0.0 into 0.0, so a mirrored zero serializes the same.
    (value * 100.0).round() / 100.0 + 0.0
}

fn quotient(part: f64, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part / f64::from(whole)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn assert_close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
    }

    #[test]
    fn rounding_helpers_give_two_decimals_and_zero_on_empty() {
        assert_close(percent(2, 3), 66.67);
        assert!((percent(0, 0)).abs() < f64::EPSILON);
        assert!(round2(-0.001).is_sign_positive());
        assert_close(ratio(7, 3), 2.33);
        assert!(ratio(5, 0).abs() < f64::EPSILON);
    }

    #[test]
    fn the_win_rate_is_not_rounded() {
        // DOMAIN.md §3.7 Example 3: 2 wins of 3 is a win rate of 66.67 once shown.
        assert!((win_rate(2, 3) - 200.0 / 3.0).abs() < 1e-12);
        assert!((win_rate(2, 3) - percent(2, 3)).abs() > 1e-6);
        assert!(win_rate(0, 0).abs() < f64::EPSILON);
        assert_close(win_rate(3, 3), 100.0);
    }

    #[test]
    fn round2_rounds_half_away_from_zero() {
        assert_close(round2(0.125), 0.13);
        assert_close(round2(-0.125), -0.13);
        assert_close(round2(2.0 / 3.0), 0.67);
    }

    proptest! {
        #[test]
        fn percent_is_the_win_rate_rounded_and_stays_within_0_and_100(
            whole in 0u32..10_000,
            part_share in 0.0f64..=1.0,
        ) {
            let part = (f64::from(whole) * part_share).floor() as u32;
            let rounded = percent(part, whole);
            prop_assert!((0.0..=100.0).contains(&rounded));
            prop_assert!((rounded - win_rate(part, whole)).abs() <= 0.005 + 1e-9);
        }
    }
}
