//! The budget ledger on Redis, shared by every node: each operation is one Lua script, so a
//! check and the write it guards are one atomic step on the server, and expiry uses the
//! server's clock (`TIME`). Keys, under the prefix, all hash-tagged by org:
//!
//! | key | type | holds |
//! |---|---|---|
//! | `quota:{<org>}:<YYYY-MM>` | set | tasks holding a slot of the month's quota |
//! | `budget:{<org>}:<YYYY-MM>` | hash | `used` (spent + held) and `spent` tokens of the month |
//! | `task:{<org>}:<task>` | hash | the same for a task with `max_tokens` |
//! | `holds:{<org>}` | hash | live reservations: id → `amount|period|task|capped|expiry ms` |
//! | `done:{<org>}:<id>` | string | a closed reservation (settled or released), 2 days |
//!
//! A reservation adds its amount to `used` and refuses (taking it back) if that passes the
//! limit: one `HINCRBY` decides, however many calls the org has in flight, and a hold is one
//! hash field. Expired holds (crashed runs) only ever make a check stricter, so they are
//! swept when a check fails (and it is tried again) and when the state is read; the sweep
//! reaches their months' and tasks' counters by name, under the same hash tag.

use async_trait::async_trait;
use orchard_actors::budget::{
    BudgetLedger, BudgetScope, BudgetState, LedgerError, Period, Reservation, ReserveRequest,
    Settled,
};
use orchard_actors::domain::{OrgId, TaskId};
use redis::Script;
use redis::aio::ConnectionManager;
use tokio::sync::{mpsc, oneshot};

/// Monthly keys outlive their month by a month (62 days); task keys a week.
const MONTH_KEY_SECS: u64 = 62 * 24 * 3600;
const TASK_KEY_SECS: u64 = 7 * 24 * 3600;

/// Shared Lua: the server's time, and the sweep of an org's expired holds.
const SWEEP_FN: &str = r#"
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function sweep(holds, now)
  local prefix, tag = string.match(holds, '^(.*)holds:(.*)$')
  local all = redis.call('HGETALL', holds)
  local swept = 0
  for k = 1, #all, 2 do
    local amount, period, task, capped, expiry =
      string.match(all[k + 1], '^(%d+)|([^|]*)|([^|]*)|(%d)|(%d+)$')
    if tonumber(expiry) <= now then
      redis.call('HDEL', holds, all[k])
      redis.call('HINCRBY', prefix .. 'budget:' .. tag .. ':' .. period, 'used', -tonumber(amount))
      if capped == '1' then
        redis.call('HINCRBY', prefix .. 'task:' .. tag .. ':' .. task, 'used', -tonumber(amount))
      end
      swept = swept + 1
    end
  end
  return swept
end
"#;

/// Reserves for a batch of calls, in order, as one atomic step. KEYS per reservation: the
/// org's holds, the month's budget. ARGV: month ttl s, task ttl s, then per reservation: id,
/// `amount|period|task|capped` (the hold's value but for its expiry), amount, org limit, task
/// limit (-1: none), ttl ms. A task's counters are named from the holds key and the value
/// only when the task has a limit. Returns per reservation a verdict (`ok`, `org`, `task`)
/// and, when refused, what was used before it.
///
/// The common path is two commands a reservation (`HINCRBY`, `HSET`) and one `TIME` a batch.
const RESERVE: &str = r#"
local now = now_ms()
local out = {}
for i = 0, #KEYS / 2 - 1 do
  local holds, budget = KEYS[2 * i + 1], KEYS[2 * i + 2]
  local a = 2 + 6 * i
  local amount = tonumber(ARGV[a + 3])
  local org_limit, task_limit = tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5])
  local verdict, before
  for attempt = 1, 2 do
    verdict, before = 'ok', 0
    local used = redis.call('HINCRBY', budget, 'used', amount)
    if org_limit >= 0 and used > org_limit then
      redis.call('HINCRBY', budget, 'used', -amount)
      verdict, before = 'org', used - amount
    elseif task_limit >= 0 then
      local prefix, tag = string.match(holds, '^(.*)holds:(.*)$')
      local task = string.match(ARGV[a + 2], '^[^|]*|[^|]*|([^|]*)')
      local task_key = prefix .. 'task:' .. tag .. ':' .. task
      local task_used = redis.call('HINCRBY', task_key, 'used', amount)
      if task_used > task_limit then
        redis.call('HINCRBY', task_key, 'used', -amount)
        redis.call('HINCRBY', budget, 'used', -amount)
        verdict, before = 'task', task_used - amount
      elseif task_used == amount then
        redis.call('EXPIRE', task_key, ARGV[2], 'NX')
      end
    end
    if verdict == 'ok' then
      if used == amount then redis.call('EXPIRE', budget, ARGV[1], 'NX') end
      break
    end
    if attempt == 2 or sweep(holds, now) == 0 then break end
  end
  if verdict == 'ok' then
    redis.call('HSET', holds, ARGV[a + 1], ARGV[a + 2] .. '|' .. (now + tonumber(ARGV[a + 6])))
  end
  out[#out + 1] = verdict
  out[#out + 1] = before
end
return out
"#;

/// KEYS: holds, budget, task, done. ARGV: id, amount held, actual, capped (1/0), month ttl s,
/// task ttl s. Returns 1 if applied, 0 if the reservation was closed before. A live hold
/// turns into the actual spend; an expired one (already taken back) adds the actual spend.
const SETTLE: &str = r#"
if not redis.call('SET', KEYS[4], 's', 'NX', 'EX', 172800) then return 0 end
local capped = ARGV[4] == '1'
local actual = tonumber(ARGV[3])
local delta = actual
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then delta = actual - tonumber(ARGV[2]) end
redis.call('HINCRBY', KEYS[2], 'used', delta)
redis.call('HINCRBY', KEYS[2], 'spent', actual)
redis.call('EXPIRE', KEYS[2], ARGV[5], 'NX')
if capped then
  redis.call('HINCRBY', KEYS[3], 'used', delta)
  redis.call('HINCRBY', KEYS[3], 'spent', actual)
  redis.call('EXPIRE', KEYS[3], ARGV[6], 'NX')
end
return 1
"#;

/// KEYS: holds, budget, task, done. ARGV: id, amount held, capped (1/0).
const RELEASE: &str = r#"
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[2], 'used', -tonumber(ARGV[2]))
  if ARGV[3] == '1' then redis.call('HINCRBY', KEYS[3], 'used', -tonumber(ARGV[2])) end
  redis.call('SET', KEYS[4], 'r', 'EX', 172800)
end
return 1
"#;

/// KEYS: holds, budget. Returns {spent, held}.
const STATE: &str = r#"
sweep(KEYS[1], now_ms())
local b = redis.call('HMGET', KEYS[2], 'used', 'spent')
local used, spent = tonumber(b[1] or '0'), tonumber(b[2] or '0')
return {spent, used - spent}
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

/// Most reservations sent in one script call.
const MAX_BATCH: usize = 128;

/// Most batches waiting on Redis at once.
const BATCHES_IN_FLIGHT: usize = 4;

/// A reservation waiting for the batcher, and where its answer goes.
struct Pending {
    /// The org's holds key and the month's budget key.
    keys: [String; 2],
    /// The arguments of the reservation (see `RESERVE`).
    args: [String; 6],
    reservation: Reservation,
    org_budget: Option<u64>,
    task_budget: Option<u64>,
    reply: oneshot::Sender<Result<Reservation, LedgerError>>,
}

/// The Redis budget ledger.
///
/// Reservations go through one task per ledger that sends whatever has queued up meanwhile
/// as one script call (up to 128): a lone reservation leaves at once, and under load the
/// script's fixed cost — most of a reservation's cost on the server — is shared. A batch may
/// span orgs, so its keys span hash slots: the ledger needs one Redis (or a primary with
/// replicas), not a Cluster — as the queue already does.
pub struct RedisLedger {
    conn: ConnectionManager,
    prefix: String,
    batches: mpsc::UnboundedSender<Pending>,
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

    /// A ledger on an open connection (shared with the node's queue and locks). Must be
    /// called within a Tokio runtime (it starts the batcher).
    pub fn with_connection(conn: ConnectionManager, prefix: &str) -> Self {
        let (batches, queued) = mpsc::unbounded_channel();
        let script = std::sync::Arc::new(Script::new(&format!("{SWEEP_FN}{RESERVE}")));
        tokio::spawn(send_batches(conn.clone(), script, queued));
        Self {
            conn,
            prefix: prefix.to_owned(),
            batches,
            settle: Script::new(&format!("{SWEEP_FN}{SETTLE}")),
            release: Script::new(RELEASE),
            state: Script::new(&format!("{SWEEP_FN}{STATE}")),
            take_slot: Script::new(TAKE_SLOT),
        }
    }

    fn key(&self, kind: &str, org_id: OrgId, rest: Option<&str>) -> String {
        match rest {
            Some(rest) => format!("{}{kind}:{{{org_id}}}:{rest}", self.prefix),
            None => format!("{}{kind}:{{{org_id}}}", self.prefix),
        }
    }

    /// A settle or release of `r`: KEYS holds, budget, task, done; ARGV id, amount held.
    fn closing<'a>(&self, script: &'a Script, r: &Reservation) -> redis::ScriptInvocation<'a> {
        let [holds, budget, task] = self.hold_keys(r.org_id, r.period, r.task_id);
        let mut invocation = script.prepare_invoke();
        invocation
            .key(holds)
            .key(budget)
            .key(task)
            .key(self.key("done", r.org_id, Some(&r.id.to_string())))
            .arg(r.id.to_string())
            .arg(r.amount);
        invocation
    }

    /// The keys of a reservation: its org's holds, its month's budget, its task.
    fn hold_keys(&self, org: OrgId, period: Period, task: TaskId) -> [String; 3] {
        [
            self.key("holds", org, None),
            self.key("budget", org, Some(&period.to_string())),
            self.key("task", org, Some(&task.to_string())),
        ]
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
        let (org, period, task) = (request.org_id, request.period, request.task_id);
        let reservation = Reservation {
            id: uuid::Uuid::now_v7(),
            org_id: org,
            task_id: task,
            period,
            amount: request.amount,
            task_capped: request.task_budget.is_some(),
        };
        let (reply, answer) = oneshot::channel();
        let args = [
            reservation.id.to_string(),
            format!(
                "{}|{period}|{task}|{}",
                request.amount,
                u8::from(reservation.task_capped)
            ),
            request.amount.to_string(),
            limit(request.org_budget).to_string(),
            limit(request.task_budget).to_string(),
            request.ttl.as_millis().max(1).to_string(),
        ];
        let pending = Pending {
            keys: [
                self.key("holds", org, None),
                self.key("budget", org, Some(&period.to_string())),
            ],
            args,
            reservation,
            org_budget: request.org_budget,
            task_budget: request.task_budget,
            reply,
        };
        self.batches
            .send(pending)
            .map_err(|_| backend("the reservation batcher stopped"))?;
        answer
            .await
            .map_err(|_| backend("the reservation batcher stopped"))?
    }

    async fn settle(&self, reservation: &Reservation, actual: u64) -> Result<Settled, LedgerError> {
        let mut conn = self.conn.clone();
        let applied: i64 = self
            .closing(&self.settle, reservation)
            .arg(actual)
            .arg(u8::from(reservation.task_capped))
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
        let _: i64 = self
            .closing(&self.release, reservation)
            .arg(u8::from(reservation.task_capped))
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
        let (spent, held): (i64, i64) = self
            .state
            .key(self.key("holds", org_id, None))
            .key(self.key("budget", org_id, Some(&period.to_string())))
            .invoke_async(&mut conn)
            .await
            .map_err(backend)?;
        Ok(BudgetState {
            spent: u64::try_from(spent).unwrap_or(0),
            held: u64::try_from(held).unwrap_or(0),
        })
    }
}

/// Sends queued reservations as batches until the ledger is dropped. Up to
/// `BATCHES_IN_FLIGHT` batches wait on Redis at once (the connection pipelines them), so the
/// next batch forms while the last one is on the wire; each script is atomic on its own.
async fn send_batches(
    conn: ConnectionManager,
    script: std::sync::Arc<Script>,
    mut queued: mpsc::UnboundedReceiver<Pending>,
) {
    let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(BATCHES_IN_FLIGHT));
    loop {
        let Ok(permit) = in_flight.clone().acquire_owned().await else {
            return;
        };
        let mut batch = Vec::with_capacity(MAX_BATCH);
        if queued.recv_many(&mut batch, MAX_BATCH).await == 0 {
            return;
        }
        let (mut conn, script) = (conn.clone(), script.clone());
        tokio::spawn(async move {
            let mut invocation = script.prepare_invoke();
            invocation.arg(MONTH_KEY_SECS).arg(TASK_KEY_SECS);
            for pending in &batch {
                invocation.key(&pending.keys[0]).key(&pending.keys[1]);
                for arg in &pending.args {
                    invocation.arg(arg);
                }
            }
            let answers: Result<Vec<(String, u64)>, _> = invocation.invoke_async(&mut conn).await;
            drop(permit);
            answer(batch, answers);
        });
    }
}

/// Hands each reservation of a batch its verdict.
fn answer(batch: Vec<Pending>, answers: redis::RedisResult<Vec<(String, u64)>>) {
    let answers = match answers {
        Ok(answers) if answers.len() == batch.len() => answers,
        Ok(answers) => {
            let err = format!("{} answers to {} reservations", answers.len(), batch.len());
            for pending in batch {
                let _ = pending.reply.send(Err(backend(&err)));
            }
            return;
        }
        Err(err) => {
            for pending in batch {
                let _ = pending.reply.send(Err(backend(&err)));
            }
            return;
        }
    };
    for (pending, (verdict, used)) in batch.into_iter().zip(answers) {
        let over = |scope, limit: Option<u64>| LedgerError::OverBudget {
            scope,
            used,
            limit: limit.unwrap_or(0),
        };
        let result = match verdict.as_str() {
            "ok" => Ok(pending.reservation),
            "org" => Err(over(BudgetScope::Org, pending.org_budget)),
            "task" => Err(over(BudgetScope::Task, pending.task_budget)),
            other => Err(backend(format!("unexpected reserve verdict {other}"))),
        };
        let _ = pending.reply.send(result);
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
