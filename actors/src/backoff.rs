//! Restart policy: exponential backoff with jitter, and an intensity limit.
//!
//! ractor has no restart strategies of its own; this is Orchard's. The delay before the n-th
//! restart (n from 0) is `initial × factor^n`, capped at `max`, then spread by ±`jitter`
//! (a fraction). More than `max_restarts` failures within `window` give up.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

/// How a supervisor restarts a failed child.
#[derive(Debug, Clone, PartialEq)]
pub struct BackoffPolicy {
    /// Delay before the first restart.
    pub initial: Duration,
    /// Longest delay.
    pub max: Duration,
    /// Growth per restart (≥ 1).
    pub factor: f64,
    /// Spread of each delay, as a fraction in `[0, 1]`: 0.2 means ±20 %.
    pub jitter: f64,
    /// Restarts allowed within `window`; the next failure gives up.
    pub max_restarts: u32,
    /// Window of the intensity limit.
    pub window: Duration,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(60),
            factor: 2.0,
            jitter: 0.2,
            max_restarts: 3,
            window: Duration::from_secs(300),
        }
    }
}

impl BackoffPolicy {
    /// The delay before restart number `restart` (from 0), for a jitter sample `spread` in
    /// `[-1, 1]` (0 gives the nominal delay).
    pub fn delay(&self, restart: u32, spread: f64) -> Duration {
        let nominal = self.initial.as_secs_f64() * self.factor.max(1.0).powi(restart as i32);
        let capped = nominal.min(self.max.as_secs_f64());
        let jittered = capped * (1.0 + self.jitter.clamp(0.0, 1.0) * spread.clamp(-1.0, 1.0));
        Duration::from_secs_f64(jittered.max(0.0))
    }
}

/// What to do after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestartDecision {
    /// Restart after this delay; `restart` counts restarts within the window, from 1.
    Restart {
        /// Delay before the restart.
        after: Duration,
        /// Which restart this is.
        restart: u32,
    },
    /// Too many failures within the window.
    GiveUp,
}

/// Failure history of one child.
#[derive(Debug, Clone)]
pub struct RestartTracker {
    policy: BackoffPolicy,
    failures: VecDeque<Instant>,
}

impl RestartTracker {
    /// A child that has not failed yet.
    pub fn new(policy: BackoffPolicy) -> Self {
        Self {
            policy,
            failures: VecDeque::new(),
        }
    }

    /// Records a failure at `now` and decides; `spread` is a jitter sample in `[-1, 1]`.
    pub fn on_failure(&mut self, now: Instant, spread: f64) -> RestartDecision {
        while self
            .failures
            .front()
            .is_some_and(|at| now.duration_since(*at) > self.policy.window)
        {
            self.failures.pop_front();
        }
        self.failures.push_back(now);
        let failures = self.failures.len() as u32;
        if failures > self.policy.max_restarts {
            return RestartDecision::GiveUp;
        }
        RestartDecision::Restart {
            after: self.policy.delay(failures - 1, spread),
            restart: failures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> BackoffPolicy {
        BackoffPolicy {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
            factor: 3.0,
            jitter: 0.25,
            max_restarts: 3,
            window: Duration::from_secs(60),
        }
    }

    #[test]
    fn delays_grow_by_the_factor_up_to_the_cap() {
        let p = policy();
        assert_eq!(p.delay(0, 0.0), Duration::from_millis(100));
        assert_eq!(p.delay(1, 0.0), Duration::from_millis(300));
        assert_eq!(p.delay(2, 0.0), Duration::from_millis(900));
        assert_eq!(p.delay(3, 0.0), Duration::from_secs(1));
        assert_eq!(p.delay(30, 0.0), Duration::from_secs(1));
    }

    #[test]
    fn jitter_spreads_within_the_fraction() {
        let p = policy();
        assert_eq!(p.delay(0, 1.0), Duration::from_millis(125));
        assert_eq!(p.delay(0, -1.0), Duration::from_millis(75));
        assert_eq!(
            p.delay(0, 7.0),
            Duration::from_millis(125),
            "samples are clamped"
        );
    }

    #[test]
    fn the_intensity_limit_counts_failures_within_the_window() {
        let mut tracker = RestartTracker::new(policy());
        let start = Instant::now();
        for (i, expected) in [100, 300, 900].into_iter().enumerate() {
            assert_eq!(
                tracker.on_failure(start + Duration::from_secs(i as u64), 0.0),
                RestartDecision::Restart {
                    after: Duration::from_millis(expected),
                    restart: i as u32 + 1
                }
            );
        }
        assert_eq!(
            tracker.on_failure(start + Duration::from_secs(3), 0.0),
            RestartDecision::GiveUp
        );

        // Failures that left the window no longer count.
        let mut spaced = RestartTracker::new(policy());
        for minute in 0..10 {
            let decision = spaced.on_failure(start + Duration::from_secs(61 * minute), 0.0);
            assert!(
                matches!(decision, RestartDecision::Restart { restart: 1, .. }),
                "{decision:?}"
            );
        }
    }
}
