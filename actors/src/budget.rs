//! Budgets: calendar months, the clock they are read from, what a plan allows, and the
//! [`BudgetLedger`] port that holds task quotas and token reservations.
//!
//! The ledger is the truth and is shared by every node (Redis) or owned by the one node
//! (SQLite): a check and the spend it guards are one atomic step there, never a read in one
//! place and a write in another. That is what keeps 200 concurrent runs, or two servers,
//! from all passing a check that only one of them should pass.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::{Month, OffsetDateTime};

use crate::domain::{OrgId, TaskId};

/// A calendar month in UTC, the period of quotas and budgets: `2026-12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    month: u8,
}

impl Period {
    /// The month `at` falls in, in UTC.
    pub fn of(at: OffsetDateTime) -> Self {
        let utc = at.to_offset(time::UtcOffset::UTC);
        Self {
            year: utc.year(),
            month: u8::from(utc.month()),
        }
    }

    /// The month before this one.
    pub fn previous(self) -> Self {
        match self.month {
            1 => Self {
                year: self.year - 1,
                month: 12,
            },
            m => Self {
                year: self.year,
                month: m - 1,
            },
        }
    }

    /// Its first instant, UTC.
    pub fn start(self) -> OffsetDateTime {
        let month = Month::try_from(self.month).expect("a valid month");
        time::Date::from_calendar_date(self.year, month, 1)
            .expect("a valid date")
            .midnight()
            .assume_utc()
    }

    /// The first instant of the next month, UTC.
    pub fn end(self) -> OffsetDateTime {
        let next = if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        };
        next.start()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Why a text is not a period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a period is a month written YYYY-MM, e.g. 2026-12")]
pub struct BadPeriod;

impl FromStr for Period {
    type Err = BadPeriod;

    fn from_str(s: &str) -> Result<Self, BadPeriod> {
        let (year, month) = s.split_once('-').ok_or(BadPeriod)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(BadPeriod);
        }
        let year: i32 = year.parse().map_err(|_| BadPeriod)?;
        let month: u8 = month.parse().map_err(|_| BadPeriod)?;
        if !(1..=12).contains(&month) || !(1970..=9999).contains(&year) {
            return Err(BadPeriod);
        }
        Ok(Self { year, month })
    }
}

/// Where "now" comes from: the system clock, or a hand-set one in tests (month rollover).
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> OffsetDateTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that says what it was last set to.
#[derive(Debug)]
pub struct ManualClock(Mutex<OffsetDateTime>);

impl ManualClock {
    /// A clock stopped at `at`.
    pub fn new(at: OffsetDateTime) -> Self {
        Self(Mutex::new(at))
    }

    /// Sets the time.
    pub fn set(&self, at: OffsetDateTime) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What an org may use in a month; `None` is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Limits {
    /// Tasks submitted per calendar month.
    pub tasks_per_month: Option<u64>,
    /// LLM tokens (prompt + completion) per calendar month.
    pub monthly_tokens: Option<u64>,
}

/// What an org on `plan` with its own `custom` limits may use: the plan's limits (`free`'s
/// for a plan not configured), each replaced by the org's own where it has one.
pub fn limits_for(
    plans: &std::collections::HashMap<String, Limits>,
    plan: &str,
    custom: Limits,
) -> Limits {
    let base = plans
        .get(plan)
        .or_else(|| plans.get("free"))
        .copied()
        .unwrap_or_default();
    Limits {
        tasks_per_month: custom.tasks_per_month.or(base.tasks_per_month),
        monthly_tokens: custom.monthly_tokens.or(base.monthly_tokens),
    }
}

/// A model's price, in micro-dollars (millionths of a USD) per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Price {
    /// Per million prompt tokens.
    pub prompt_micros_per_mtok: u64,
    /// Per million completion tokens.
    pub completion_micros_per_mtok: u64,
}

impl Price {
    /// The cost of one call in micro-dollars, rounded to the nearest (half up). Costs are
    /// rounded per call and then only added, so every total is the sum of its parts.
    pub fn cost_micros(&self, usage: crate::domain::TokenUsage) -> u64 {
        let exact = u128::from(usage.prompt) * u128::from(self.prompt_micros_per_mtok)
            + u128::from(usage.completion) * u128::from(self.completion_micros_per_mtok);
        u64::try_from((exact + 500_000) / 1_000_000).unwrap_or(u64::MAX)
    }
}

/// One LLM call's hold on the budget, until it is settled or released.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// Unique per call; settling is idempotent on it.
    pub id: uuid::Uuid,
    /// The org.
    pub org_id: OrgId,
    /// The task making the call.
    pub task_id: TaskId,
    /// The month charged.
    pub period: Period,
    /// Tokens held.
    pub amount: u64,
    /// The task has its own budget (`max_tokens`), so its spend is tracked too.
    pub task_capped: bool,
}

/// A request to hold `amount` tokens for one call.
#[derive(Debug, Clone)]
pub struct ReserveRequest {
    /// The org.
    pub org_id: OrgId,
    /// The task.
    pub task_id: TaskId,
    /// The month charged.
    pub period: Period,
    /// Tokens to hold: the prompt estimate plus the completion cap.
    pub amount: u64,
    /// The org's monthly budget; `None` is unlimited.
    pub org_budget: Option<u64>,
    /// The task's `max_tokens`; `None` is unlimited.
    pub task_budget: Option<u64>,
    /// After this long an unsettled reservation (its run crashed) frees its tokens.
    pub ttl: Duration,
}

/// Which budget refused a reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetScope {
    /// The org's monthly token budget.
    Org,
    /// The task's `max_tokens`.
    Task,
}

/// Errors of the [`BudgetLedger`] port.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// The reservation does not fit: `used` (spent + held) plus the request exceeds `limit`.
    #[error("the {scope:?} budget of {limit} tokens has {used} spent or held")]
    OverBudget {
        /// Which budget.
        scope: BudgetScope,
        /// Spent plus held, before this request.
        used: u64,
        /// The limit.
        limit: u64,
    },
    /// The month's task quota is used up.
    #[error("{used} of {quota} tasks this month")]
    QuotaExceeded {
        /// Slots taken.
        used: u64,
        /// The quota.
        quota: u64,
    },
    /// The backend failed.
    #[error("budget ledger backend error: {0}")]
    Backend(String),
}

/// How a settlement went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// The spend was added now.
    Applied,
    /// It had been settled before (a retry of the settle): nothing added.
    AlreadySettled,
}

/// Spend of an org in a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BudgetState {
    /// Tokens of settled calls.
    pub spent: u64,
    /// Tokens held by live reservations.
    pub held: u64,
}

/// Task quotas and token budgets, atomic in the backend.
///
/// Rules every adapter keeps (see `conformance::all_ledger_checks`):
/// - a reservation is granted only if spent + held + amount fits the org's budget *and* the
///   task's, checked and recorded in one atomic step;
/// - settling adds the actual tokens (even beyond the reservation: the call was made) and
///   frees the hold; a second settle of the same reservation adds nothing;
/// - an unsettled reservation frees its hold after its TTL; settling it later still counts;
/// - a task slot is taken at most once per task and given back at most once.
#[async_trait]
pub trait BudgetLedger: Send + Sync + 'static {
    /// Takes one of the month's task slots for `task` (idempotent for the same task).
    /// Returns the slots taken so far, this one included.
    async fn take_task_slot(
        &self,
        org_id: OrgId,
        period: Period,
        task_id: TaskId,
        quota: Option<u64>,
    ) -> Result<u64, LedgerError>;

    /// Gives `task`'s slot back; `true` if it held one.
    async fn return_task_slot(
        &self,
        org_id: OrgId,
        period: Period,
        task_id: TaskId,
    ) -> Result<bool, LedgerError>;

    /// Slots taken in the month.
    async fn tasks_used(&self, org_id: OrgId, period: Period) -> Result<u64, LedgerError>;

    /// Holds tokens for one call, or refuses with [`LedgerError::OverBudget`].
    async fn reserve(&self, request: &ReserveRequest) -> Result<Reservation, LedgerError>;

    /// Records the call's actual tokens and frees the hold.
    async fn settle(&self, reservation: &Reservation, actual: u64) -> Result<Settled, LedgerError>;

    /// Frees the hold of a call that was not made.
    async fn release(&self, reservation: &Reservation) -> Result<(), LedgerError>;

    /// The org's spent and held tokens in the month.
    async fn budget_state(&self, org_id: OrgId, period: Period)
    -> Result<BudgetState, LedgerError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TokenUsage;
    use time::macros::datetime;

    #[test]
    fn costs_are_integer_micro_dollars_rounded_per_call() {
        // $0.15 / $0.60 per million tokens (gpt-4o-mini's list price).
        let price = Price {
            prompt_micros_per_mtok: 150_000,
            completion_micros_per_mtok: 600_000,
        };
        let usage = |prompt, completion| TokenUsage { prompt, completion };
        assert_eq!(price.cost_micros(usage(1_000_000, 0)), 150_000);
        assert_eq!(price.cost_micros(usage(1_000, 500)), 450);
        assert_eq!(price.cost_micros(usage(3, 0)), 0, "0.45 µ$ rounds down");
        assert_eq!(price.cost_micros(usage(4, 0)), 1, "0.6 µ$ rounds up");
        assert_eq!(Price::default().cost_micros(usage(10, 10)), 0);
    }

    #[test]
    fn periods_are_utc_months() {
        let p = Period::of(datetime!(2026-12-31 23:30 -02:00));
        assert_eq!(p.to_string(), "2027-01", "in UTC that is already January");
        assert_eq!(p.previous().to_string(), "2026-12");
        assert_eq!(
            "2026-01".parse::<Period>().unwrap().previous().to_string(),
            "2025-12"
        );
        assert_eq!(p.start(), datetime!(2027-01-01 0:00 UTC));
        assert_eq!(
            "2026-12".parse::<Period>().unwrap().end(),
            datetime!(2027-01-01 0:00 UTC)
        );
        for bad in [
            "2026-13", "2026-00", "26-01", "2026-1", "2026/01", "", "abcd-ef",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }
}
