//! A small circuit breaker in front of Redis: after `threshold` consecutive failures Redis is
//! skipped for `open_for`, then a single probe decides whether to close again. Without it every
//! request would pay the full timeout while Redis is down.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

/// The breaker's state as shown in statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    /// Redis is used.
    Closed,
    /// Redis is skipped until the open period ends.
    Open,
    /// One probe is in flight; others skip Redis until it reports.
    HalfOpen,
}

#[derive(Debug, Clone, Copy)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { since: Instant },
}

/// What a failure did to the breaker, so the caller can log the transition once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transition {
    None,
    Opened,
}

#[derive(Debug)]
pub(crate) struct Breaker {
    state: Mutex<State>,
    threshold: u32,
    open_for: Duration,
}

impl Breaker {
    pub(crate) fn new(threshold: u32, open_for: Duration) -> Self {
        Self {
            state: Mutex::new(State::Closed { failures: 0 }),
            threshold: threshold.max(1),
            open_for,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state inconsistent (plain copies).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the caller may use Redis now. In the open state the first caller after the
    /// open period becomes the probe.
    pub(crate) fn allow(&self) -> bool {
        let now = Instant::now();
        let mut state = self.lock();
        match *state {
            State::Closed { .. } => true,
            State::Open { until } if now >= until => {
                *state = State::HalfOpen { since: now };
                true
            }
            // A probe whose future was dropped never reports; let another one try.
            State::HalfOpen { since } if now.duration_since(since) >= self.open_for => {
                *state = State::HalfOpen { since: now };
                true
            }
            State::Open { .. } | State::HalfOpen { .. } => false,
        }
    }

    pub(crate) fn success(&self) {
        *self.lock() = State::Closed { failures: 0 };
    }

    pub(crate) fn failure(&self) -> Transition {
        let now = Instant::now();
        let mut state = self.lock();
        match *state {
            State::Closed { failures } if failures + 1 < self.threshold => {
                *state = State::Closed {
                    failures: failures + 1,
                };
                Transition::None
            }
            State::Closed { .. } | State::HalfOpen { .. } => {
                *state = State::Open {
                    until: now + self.open_for,
                };
                Transition::Opened
            }
            State::Open { .. } => Transition::None,
        }
    }

    pub(crate) fn state(&self) -> BreakerState {
        match *self.lock() {
            State::Closed { .. } => BreakerState::Closed,
            State::Open { .. } => BreakerState::Open,
            State::HalfOpen { .. } => BreakerState::HalfOpen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_threshold_failures_then_probes_once() {
        let b = Breaker::new(3, Duration::from_millis(30));
        assert!(b.allow());
        assert_eq!(b.failure(), Transition::None);
        assert_eq!(b.failure(), Transition::None);
        assert_eq!(b.state(), BreakerState::Closed);
        assert_eq!(b.failure(), Transition::Opened);
        assert_eq!(b.state(), BreakerState::Open);
        assert!(!b.allow());
        std::thread::sleep(Duration::from_millis(40));
        assert!(b.allow(), "the first caller after the open period probes");
        assert!(!b.allow(), "only one probe at a time");
        assert_eq!(b.state(), BreakerState::HalfOpen);
        assert_eq!(b.failure(), Transition::Opened, "a failed probe reopens");
        assert!(!b.allow());
        std::thread::sleep(Duration::from_millis(40));
        assert!(b.allow());
        b.success();
        assert_eq!(b.state(), BreakerState::Closed);
        assert!(b.allow());
    }

    #[test]
    fn a_success_resets_the_failure_count() {
        let b = Breaker::new(2, Duration::from_mins(1));
        b.failure();
        b.success();
        assert_eq!(b.failure(), Transition::None);
        assert_eq!(b.state(), BreakerState::Closed);
    }

    #[test]
    fn a_lost_probe_is_replaced_after_the_open_period() {
        let b = Breaker::new(1, Duration::from_millis(20));
        b.failure();
        std::thread::sleep(Duration::from_millis(25));
        assert!(b.allow());
        assert!(!b.allow());
        std::thread::sleep(Duration::from_millis(25));
        assert!(b.allow(), "the first probe never reported");
    }
}
