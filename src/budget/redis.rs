//! The budget ledger on Redis, shared by every node: each operation is one Lua script, so a
//! check and the write it guards are one atomic step on the server, and expiry uses the
//! server's clock (`TIME`). Keys, under the prefix, all hash-tagged by org (one Cluster slot):
//!
//! | key | type | holds |
//! |---|---|---|
//! | `quota:{<org>}:<YYYY-MM>` | set | tasks holding a slot of the month's quota |
//! | `spent:{<org>}:<YYYY-MM>` | counter | settled tokens of the month |
//! | `tspent:{<org>}:<task>` | counter | settled tokens of the task (its `max_tokens`) |
//! | `holds:{<org>}` | sorted set | live reservations, by expiry (ms) |
//! | `hold:{<org>}` | hash | reservation → `amount|period|task` |
//! | `done:{<org>}:<id>` | string | a closed reservation (settled or released), 2 days |
//!
//! An org has few live reservations at a time (one per running call), so summing them on each
//! reserve is cheap and needs no second counter to keep in step.

use async_trait::async_trait;
use orchard_actors::budget::{
    BudgetLedger, BudgetScope, BudgetState, LedgerError, Period, Reservation, ReserveRequest,
    Settled,
};
use orchard_actors::domain::{OrgId, TaskId};
use redis::Script;
use redis::aio::ConnectionManager;

/// Monthly keys outlive their month by a month (62 days); task counters a week.
const MONTH_KEY_SECS: u64 = 62 * 24 * 3600;
const TASK_KEY_SECS: u64 = 7 * 24 * 3600;

/// Shared Lua: drop expired holds; sum the live ones of a period and of a task.
const HOLDS_FN: &str = r#"
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function live_holds(zkey, hkey, period, task)
  local now = now_ms()
  local expired = redis.call('ZRANGEBYSCORE', zkey, '-inf', now, 'LIMIT', 0, 500)
  if #expired > 0 then
    redis.call('HDEL', hkey, unpack(expired))
    redis.call('ZREM', zkey, unpack(expired))
  end
  local by_period, by_task = 0, 0
  for _, v in ipairs(redis.call('HVALS', hkey)) do
    local amount, p, t = string.match(v, '^(%d+)|([^|]*)|(.*)$')
    amount = tonumber(amount)
    if p == period then by_period = by_period + amount end
    if t == task then by_task = by_task + amount end
  end
  return now, by_period, by_task
end
"#;

/// KEYS: holds, hold, spent, tspent. ARGV: id, amount, org limit, task limit (-1: none),
/// ttl ms, period, task. Returns {'ok', 0} or {'org'|'task', used}.
const RESERVE: &str = r#"
local now, org_held, task_held = live_holds(KEYS[1], KEYS[2], ARGV[6], ARGV[7])
local amount = tonumber(ARGV[2])
local org_limit = tonumber(ARGV[3])
if org_limit >= 0 then
  local used = tonumber(redis.call('GET', KEYS[3]) or '0') + org_held
  if used + amount > org_limit then return {'org', used} end
end
local task_limit = tonumber(ARGV[4])
if task_limit >= 0 then
  local used = tonumber(redis.call('GET', KEYS[4]) or '0') + task_held
  if used + amount > task_limit then return {'task', used} end
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. '|' .. ARGV[6] .. '|' .. ARGV[7])
return {'ok', 0}
"#;

/// KEYS: holds, hold, spent, tspent, done. ARGV: id, actual, month ttl, task ttl.
/// Returns 1 if applied, 0 if the reservation was closed before.
const SETTLE: &str = r#"
if not redis.call('SET', KEYS[5], 's', 'NX', 'EX', 172800) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('INCRBY', KEYS[3], ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[3])
redis.call('INCRBY', KEYS[4], ARGV[2])
redis.call('EXPIRE', KEYS[4], ARGV[4])
return 1
"#;

/// KEYS: holds, hold, done. ARGV: id.
const RELEASE: &str = r#"
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('SET', KEYS[3], 'r', 'EX', 172800)
end
return 1
"#;

/// KEYS: holds, hold, spent. ARGV: period. Returns {spent, held}.
const STATE: &str = r#"
local _, held = live_holds(KEYS[1], KEYS[2], ARGV[1], '')
return {tonumber(redis.call('GET', KEYS[3]) or '0'), held}
"#;

/// KEYS: quota set. ARGV: task, quota (-1: none), ttl. Returns slots used, or -1 - used when
/// the quota is full.
const TAKE_SLOT: &str = r#"
local used = redis.call('SCARD', KEYS[1])
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return used end
local quota = tonumber(ARGV[2])
if quota >= 0 and used >= quota then return -1 - used end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return used + 1
"#;

/// The Redis budget ledger.
pub struct RedisLedger {
    conn: ConnectionManager,
    prefix: String,
    reserve: Script,
    settle: Script,
    release: Script,
    state: Script,
    take_slot: Script,
}

impl std::fmt::Debug for RedisLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLedger")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn backend(err: impl std::fmt::Display) -> LedgerError {
    LedgerError::Backend(err.to_string())
}

fn limit(value: Option<u64>) -> i64 {
    value.map_or(-1, |v| i64::try_from(v).unwrap_or(i64::MAX))
}

impl RedisLedger {
    /// Connects to `url`; keys start with `prefix`.
    pub async fn connect(url: &str, prefix: &str) -> anyhow::Result<Self> {
        Ok(Self::with_connection(
            crate::redis_conn::connect(url).await?,
            prefix,
        ))
    }

    /// A ledger on an open connection (shared with the node's queue and locks).
    pub fn with_connection(conn: ConnectionManager, prefix: &str) -> Self {
        Self {
            conn,
            prefix: prefix.to_owned(),
            reserve: Script::new(&format!("{HOLDS_FN}{RESERVE}")),
            settle: Script::new(SETTLE),
            release: Script::new(RELEASE),
            state: Script::new(&format!("{HOLDS_FN}{STATE}")),
            take_slot: Script::new(TAKE_SLOT),
        }
    }

    fn key(&self, kind: &str, org_id: OrgId, rest: Option<&str>) -> String {
        match rest {
            Some(rest) => format!("{}{kind}:{{{org_id}}}:{rest}", self.prefix),
            None => format!("{}{kind}:{{{org_id}}}", self.prefix),
        }
    }

    fn quota_key(&self, org_id: OrgId, period: Period) -> String {
        self.key("quota", org_id, Some(&period.to_string()))
    }
}

#[async_trait]
impl BudgetLedger for RedisLedger {
    async fn take_task_slot(
        &self,
        org_id: OrgId,
        period: Period,
        task_id: TaskId,
        quota: Option<u64>,
    ) -> Result<u64, LedgerError> {
        let mut conn = self.conn.clone();
        let used: i64 = self
            .take_slot
            .key(self.quota_key(org_id, period))
            .arg(task_id.to_string())
            .arg(limit(quota))
            .arg(MONTH_KEY_SECS)
            .invoke_async(&mut conn)
            .await
            .map_err(backend)?;
        match (used, quota) {
            (used, _) if used >= 0 => Ok(used as u64),
            (used, Some(quota)) => Err(LedgerError::QuotaExceeded {
                used: (-1 - used) as u64,
                quota,
            }),
            (_, None) => Err(backend("the quota script refused an unlimited plan")),
        }
    }

    async fn return_task_slot(
        &self,
        org_id: OrgId,
        period: Period,
        task_id: TaskId,
    ) -> Result<bool, LedgerError> {
        let mut conn = self.conn.clone();
        let removed: i64 = redis::cmd("SREM")
            .arg(self.quota_key(org_id, period))
            .arg(task_id.to_string())
            .query_async(&mut conn)
            .await
            .map_err(backend)?;
        Ok(removed > 0)
    }

    async fn tasks_used(&self, org_id: OrgId, period: Period) -> Result<u64, LedgerError> {
        let mut conn = self.conn.clone();
        redis::cmd("SCARD")
            .arg(self.quota_key(org_id, period))
            .query_async(&mut conn)
            .await
            .map_err(backend)
    }

    async fn reserve(&self, request: &ReserveRequest) -> Result<Reservation, LedgerError> {
        let mut conn = self.conn.clone();
        let (org, period, task) = (request.org_id, request.period, request.task_id);
        let id = uuid::Uuid::now_v7();
        let (verdict, used): (String, u64) = self
            .reserve
            .key(self.key("holds", org, None))
            .key(self.key("hold", org, None))
            .key(self.key("spent", org, Some(&period.to_string())))
            .key(self.key("tspent", org, Some(&task.to_string())))
            .arg(id.to_string())
            .arg(request.amount)
            .arg(limit(request.org_budget))
            .arg(limit(request.task_budget))
            .arg(request.ttl.as_millis().max(1).to_string())
            .arg(period.to_string())
            .arg(task.to_string())
            .invoke_async(&mut conn)
            .await
            .map_err(backend)?;
        let over = |scope, limit: Option<u64>| LedgerError::OverBudget {
            scope,
            used,
            limit: limit.unwrap_or(0),
        };
        match verdict.as_str() {
            "ok" => Ok(Reservation {
                id,
                org_id: org,
                task_id: task,
                period,
                amount: request.amount,
            }),
            "org" => Err(over(BudgetScope::Org, request.org_budget)),
            "task" => Err(over(BudgetScope::Task, request.task_budget)),
            other => Err(backend(format!("unexpected reserve verdict {other}"))),
        }
    }

    async fn settle(&self, reservation: &Reservation, actual: u64) -> Result<Settled, LedgerError> {
        let mut conn = self.conn.clone();
        let org = reservation.org_id;
        let applied: i64 = self
            .settle
            .key(self.key("holds", org, None))
            .key(self.key("hold", org, None))
            .key(self.key("spent", org, Some(&reservation.period.to_string())))
            .key(self.key("tspent", org, Some(&reservation.task_id.to_string())))
            .key(self.key("done", org, Some(&reservation.id.to_string())))
            .arg(reservation.id.to_string())
            .arg(actual)
            .arg(MONTH_KEY_SECS)
            .arg(TASK_KEY_SECS)
            .invoke_async(&mut conn)
            .await
            .map_err(backend)?;
        Ok(if applied == 1 {
            Settled::Applied
        } else {
            Settled::AlreadySettled
        })
    }

    async fn release(&self, reservation: &Reservation) -> Result<(), LedgerError> {
        let mut conn = self.conn.clone();
        let org = reservation.org_id;
        let _: i64 = self
            .release
            .key(self.key("holds", org, None))
            .key(self.key("hold", org, None))
            .key(self.key("done", org, Some(&reservation.id.to_string())))
            .arg(reservation.id.to_string())
            .invoke_async(&mut conn)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn budget_state(
        &self,
        org_id: OrgId,
        period: Period,
    ) -> Result<BudgetState, LedgerError> {
        let mut conn = self.conn.clone();
        let (spent, held): (u64, u64) = self
            .state
            .key(self.key("holds", org_id, None))
            .key(self.key("hold", org_id, None))
            .key(self.key("spent", org_id, Some(&period.to_string())))
            .arg(period.to_string())
            .invoke_async(&mut conn)
            .await
            .map_err(backend)?;
        Ok(BudgetState { spent, held })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::testing::RedisServer;

    #[tokio::test]
    async fn the_redis_ledger_passes_the_conformance_suite() {
        let server = RedisServer::start();
        orchard_actors::conformance::all_ledger_checks(async || {
            let prefix = format!("test:{}:", uuid::Uuid::now_v7());
            RedisLedger::connect(&server.url(), &prefix).await.unwrap()
        })
        .await;
    }

    /// Two nodes (two connections) racing for one org's budget and quota grant exactly what
    /// fits, as one node would.
    #[tokio::test]
    async fn two_nodes_share_one_budget() {
        let server = RedisServer::start();
        let prefix = format!("test:{}:", uuid::Uuid::now_v7());
        let one: Arc<dyn BudgetLedger> =
            Arc::new(RedisLedger::connect(&server.url(), &prefix).await.unwrap());
        let two: Arc<dyn BudgetLedger> =
            Arc::new(RedisLedger::connect(&server.url(), &prefix).await.unwrap());
        orchard_actors::conformance::concurrent_reservations_never_overspend(
            one.clone(),
            two.clone(),
        )
        .await;
        orchard_actors::conformance::concurrent_task_slots_hold_the_quota(one, two).await;
    }
}
