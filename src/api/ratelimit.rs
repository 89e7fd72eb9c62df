//! Per-organization API rate limits: a token bucket per org, sized by the org's plan.
//!
//! Every request an organization's token authenticates (`security::BearerAuth`) takes one
//! token from the org's bucket. A plan (`[plans.<name>] requests_per_second`,
//! `request_burst`) has one governor keyed limiter (GCRA: one atomic word per org, in a
//! sharded `DashMap`), so orgs share no lock beyond a shard's and one org's flood cannot
//! take another's tokens. Over the limit: 429 `rate_limited` with `Retry-After`.
//! Operator tokens and the unauthenticated routes are not limited here.
//!
//! The org's plan is not in its token, so it is cached per org for [`PLAN_TTL`]: a request
//! reads the store only when its org has no fresh entry, and of the requests that find an
//! entry expired only the first reads again (the others keep the old plan until it has).
//! A plan changed by the operator on this node takes effect at once ([`RateLimits::forget`]);
//! elsewhere (webhooks, other nodes) within [`PLAN_TTL`].
//!
//! Memory stays bounded by the orgs active lately, not by every org that ever called: every
//! [`PRUNE_EVERY`] a background task drops the buckets that are full again
//! (`retain_recent`: such a bucket is the same as a new one) and the plan entries past
//! their TTL. docs/rate-limits.md has the reasons.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dashmap::DashMap;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use orchard_actors::domain::{OrgId, OrgScope};
use orchard_actors::ports::Store;
use poem::IntoResponse;
use poem::http::{HeaderValue, header};

use super::error::{ApiError, Code};
use crate::config::Config;

/// How long an org's plan is used before it is read from the store again.
pub(crate) const PLAN_TTL: Duration = Duration::from_secs(30);

/// How often full buckets and expired plan entries are dropped.
const PRUNE_EVERY: Duration = Duration::from_secs(10);

/// A refused request is answered after a time drawn from this range (and not before the
/// org's next request would be admitted) (`Retry-After` is at least 1 s, so a client that honours it
/// loses nothing). docs/rate-limits.md has the measurements.
const REFUSAL_HOLD_MIN: Duration = Duration::from_millis(100);
const REFUSAL_HOLD_MAX: Duration = Duration::from_secs(1);

/// The plan of an org whose plan is not configured (as for quotas and budgets).
const FALLBACK_PLAN: &str = "free";

/// One plan's rate and the buckets of the orgs on it.
struct PlanRate {
    name: String,
    per_second: u32,
    burst: u32,
    buckets: DefaultKeyedRateLimiter<OrgId>,
}

/// A plan's limiter; `None`: the plan sets no rate.
type Limit = Option<Arc<PlanRate>>;

/// An org's plan as last read.
struct Cached {
    limit: Limit,
    read_at: Instant,
}

/// The rate limits of every plan and the plan of every org seen lately.
pub(crate) struct RateLimits {
    by_plan: HashMap<String, Limit>,
    fallback: Limit,
    plans: DashMap<OrgId, Cached>,
    ttl: Duration,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("plans", &self.by_plan.keys().collect::<Vec<_>>())
            .field("orgs", &self.plans.len())
            .finish_non_exhaustive()
    }
}

impl RateLimits {
    /// The limits of `config`'s plans; with a tokio runtime at hand, also the background
    /// task that keeps memory bounded (it ends when the limits are dropped).
    pub(crate) fn start(config: &Config) -> Arc<Self> {
        let limits = Arc::new(Self::new(config, PLAN_TTL));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let weak = Arc::downgrade(&limits);
            runtime.spawn(async move {
                let mut tick = tokio::time::interval(PRUNE_EVERY);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                tick.tick().await;
                loop {
                    tick.tick().await;
                    let Some(limits) = weak.upgrade() else { break };
                    // A pass over 100k orgs takes milliseconds: off the async workers.
                    let _ = tokio::task::spawn_blocking(move || limits.prune()).await;
                }
            });
        }
        limits
    }

    fn new(config: &Config, ttl: Duration) -> Self {
        let by_plan: HashMap<String, Limit> = config
            .plans
            .iter()
            .map(|(name, plan)| {
                let limit = plan.requests_per_second.and_then(|per_second| {
                    let burst = plan.request_burst.unwrap_or(per_second);
                    let quota = Quota::per_second(NonZeroU32::new(per_second)?)
                        .allow_burst(NonZeroU32::new(burst)?);
                    Some(Arc::new(PlanRate {
                        name: name.clone(),
                        per_second,
                        burst,
                        buckets: RateLimiter::dashmap(quota),
                    }))
                });
                (name.clone(), limit)
            })
            .collect();
        let fallback = by_plan.get(FALLBACK_PLAN).cloned().flatten();
        Self {
            by_plan,
            fallback,
            plans: DashMap::new(),
            ttl,
        }
    }

    /// Takes one request from the org's bucket; over the limit, the 429 to answer.
    pub(crate) async fn admit(&self, store: &dyn Store, scope: OrgScope) -> poem::Result<()> {
        let Some(plan) = self.limit_of(store, scope).await else {
            return Ok(());
        };
        let org = scope.org_id();
        let Err(not_until) = plan.buckets.check_key(&org) else {
            return Ok(());
        };
        let wait = not_until.wait_time_from(plan.buckets.clock().now());
        tracing::debug!(%org, plan = %plan.name, ?wait, "request rate limited");
        // Held before it is answered: a client retrying at once (a loop, a buggy SDK) then
        // sends a few refused requests a second per connection instead of thousands, and
        // the CPU they would take stays with the other orgs. The hold is drawn at random so
        // that a flood's connections do not come back in step, as one burst.
        tokio::time::sleep(refusal_hold(wait)).await;
        Err(refusal(&plan, wait))
    }

    /// Drops the org's cached plan: its next request reads it again.
    pub(crate) fn forget(&self, org: OrgId) {
        self.plans.remove(&org);
    }

    /// The org's plan limit: cached, or read from the store.
    async fn limit_of(&self, store: &dyn Store, scope: OrgScope) -> Limit {
        let org = scope.org_id();
        let now = Instant::now();
        let stale = match self.plans.get(&org) {
            Some(cached) if now.duration_since(cached.read_at) < self.ttl => {
                return cached.limit.clone();
            }
            Some(cached) => Some(cached.limit.clone()),
            None => None,
        };
        if let Some(limit) = stale {
            // Claim the refresh: the requests after this one use the old plan until it is done.
            let claimed = self.plans.get_mut(&org).is_some_and(|mut cached| {
                let fresh = now.duration_since(cached.read_at) < self.ttl;
                cached.read_at = now;
                !fresh
            });
            if !claimed {
                return limit;
            }
            return match store.org(&scope).await {
                Ok(org_row) => self.remember(org, self.limit_named(&org_row.plan)),
                Err(err) => {
                    tracing::warn!(%org, error = %err, "reading the plan failed; keeping the cached one");
                    limit
                }
            };
        }
        match store.org(&scope).await {
            Ok(org_row) => self.remember(org, self.limit_named(&org_row.plan)),
            Err(err) => {
                // Not cached: the next request tries again; meanwhile the default plan's rate.
                tracing::warn!(%org, error = %err, "reading the plan failed; limiting at the default plan's rate");
                self.fallback.clone()
            }
        }
    }

    fn remember(&self, org: OrgId, limit: Limit) -> Limit {
        let cached = Cached {
            limit: limit.clone(),
            read_at: Instant::now(),
        };
        self.plans.insert(org, cached);
        limit
    }

    fn limit_named(&self, plan: &str) -> Limit {
        match self.by_plan.get(plan) {
            Some(limit) => limit.clone(),
            None => self.fallback.clone(),
        }
    }

    /// Drops the buckets that are full again and the plans past their TTL.
    fn prune(&self) {
        for plan in self.by_plan.values().flatten() {
            plan.buckets.retain_recent();
            plan.buckets.shrink_to_fit();
        }
        let now = Instant::now();
        self.plans
            .retain(|_, cached| now.duration_since(cached.read_at) < self.ttl);
        self.plans.shrink_to_fit();
    }

    /// Orgs with a bucket in use, and orgs with a cached plan.
    #[cfg(test)]
    fn entries(&self) -> (usize, usize) {
        let buckets = self
            .by_plan
            .values()
            .flatten()
            .map(|p| p.buckets.len())
            .sum();
        (buckets, self.plans.len())
    }
}

/// How long a refusal is held: at random between the time until the org's next request
/// would be admitted (at least [`REFUSAL_HOLD_MIN`]) and [`REFUSAL_HOLD_MAX`].
fn refusal_hold(wait: Duration) -> Duration {
    let shortest = wait.clamp(REFUSAL_HOLD_MIN, REFUSAL_HOLD_MAX);
    let spread = (REFUSAL_HOLD_MAX - shortest).as_micros() as u64;
    shortest + Duration::from_micros(rand::random_range(0..=spread))
}

/// `Retry-After`: whole seconds, rounded up, at least 1.
fn retry_after_secs(wait: Duration) -> u64 {
    let rounded_up = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    rounded_up.max(1)
}

/// 429 `rate_limited` with `Retry-After`.
fn refusal(plan: &PlanRate, wait: Duration) -> poem::Error {
    let secs = retry_after_secs(wait);
    let message = format!(
        "the {} plan allows {} requests per second (bursts of {}); retry in {secs} s",
        plan.name, plan.per_second, plan.burst
    );
    let mut response = ApiError::new(Code::RateLimited, message).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    poem::Error::from_response(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(per_second: Option<u32>, burst: Option<u32>) -> Config {
        let mut config = Config::default();
        for plan in config.plans.values_mut() {
            plan.requests_per_second = per_second;
            plan.request_burst = burst;
        }
        config
    }

    #[test]
    fn retry_after_is_whole_seconds_at_least_one() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1000)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1001)), 2);
    }

    #[test]
    fn plans_without_a_rate_are_unlimited_and_unknown_plans_get_free() {
        let limits = RateLimits::new(&config(None, None), PLAN_TTL);
        assert!(limits.limit_named("pro").is_none());

        let mut config = config(None, None);
        let free = config.plans.get_mut("free").unwrap();
        free.requests_per_second = Some(3);
        let limits = RateLimits::new(&config, PLAN_TTL);
        let unknown = limits.limit_named("gold").expect("free's limit");
        assert_eq!((unknown.name.as_str(), unknown.burst), ("free", 3));
    }

    #[test]
    fn the_default_plans_have_rates() {
        let limits = RateLimits::new(&Config::default(), PLAN_TTL);
        let rate = |name: &str| {
            let plan = limits.limit_named(name).unwrap();
            (plan.per_second, plan.burst)
        };
        assert_eq!(rate("free"), (10, 20));
        assert!(rate("pro") > rate("free"));
        assert!(rate("enterprise") > rate("pro"));
    }

    #[test]
    fn orgs_have_buckets_of_their_own_and_idle_ones_are_dropped() {
        let limits = RateLimits::new(&config(Some(1), Some(2)), Duration::ZERO);
        let free = limits.limit_named("free").unwrap();
        let (a, b) = (OrgId::new(), OrgId::new());
        assert!(free.buckets.check_key(&a).is_ok());
        assert!(free.buckets.check_key(&a).is_ok());
        assert!(free.buckets.check_key(&a).is_err(), "a's burst is spent");
        assert!(free.buckets.check_key(&b).is_ok(), "b has its own bucket");
        limits.remember(a, Some(free.clone()));
        assert_eq!(limits.entries(), (2, 1));

        // Both buckets are still refilling: they stay; the plan entry is past its TTL (0).
        limits.prune();
        assert_eq!(limits.entries(), (2, 0));

        // Many orgs that made one request each: once every bucket is full again (a's after
        // its burst of 2 at 1/s, and one period more for governor) nothing of them is left.
        for _ in 0..1000 {
            let _ = free.buckets.check_key(&OrgId::new());
        }
        std::thread::sleep(Duration::from_millis(3100));
        limits.prune();
        assert_eq!(limits.entries(), (0, 0));
    }

    #[test]
    fn a_refusal_is_a_429_with_retry_after_and_the_json_body() {
        let limits = RateLimits::new(&config(Some(10), Some(20)), PLAN_TTL);
        let free = limits.limit_named("free").unwrap();
        let response = refusal(&free, Duration::from_millis(1500)).into_response();
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
    }
}
