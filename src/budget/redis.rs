//! The budget ledger on Redis, shared by every node: each operation is one Lua script, so a
//! check and the write it guards are one atomic step on the server, and expiry uses the
//! server's clock (`TIME`). Keys, under the prefix:
//!
//! | key | type | holds |
//! |---|---|---|
//! | `quota:{<org>}:<YYYY-MM>` | set | tasks holding a slot of the month's quota |
//! | `budget:<YYYY-MM>` | hash | per org: tokens `used` in the month (spent + held) |
//! | `spent:<YYYY-MM>` | hash | per org: tokens spent in the month |
//! | `task:{<org>}:<task>` | hash | `used` and `spent` of a task with `max_tokens` |
//! | `hold:<batch>` | hash | a batch's live reservations: index → `amount|org|period|task` |
//! | `holds` | sorted set | batches with live holds, by expiry (ms) |
//! | `done:{<org>}:<id>` | string | a closed reservation (settled or released), 2 days |
//!
//! The reservations a node sends together are one script call. It reads the `used` of every
//! org in the batch with one `HMGET`, decides each reservation in order against what the
//! ones before it took, and writes the new counts back with one `HSET`; the batch's holds are
//! one more `HSET`. So a batch costs the server a handful of commands however many
//! reservations it carries (a reservation against a task's `max_tokens` adds that task's
//! `HINCRBY`). A reservation's id names its batch and its index in it. Expired holds (crashed
//! runs) only ever make a check stricter; every batch sweeps a few expired batches first, and
//! a failed check sweeps them all (and is tried again), as does reading the state.

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

/// Shared Lua: the server's time, and the sweep of expired batches of holds.
const SWEEP_FN: &str = r#"
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Takes back the live holds of up to `most` batches expired by `now` (their month's and
-- task's `used`); returns how many holds it took back.
local function sweep(holds, prefix, now, most)
  local freed = 0
  for _, batch in ipairs(redis.call('ZRANGEBYSCORE', holds, '-inf', now, 'LIMIT', 0, most)) do
    local key = prefix .. 'hold:' .. batch
    local all = redis.call('HGETALL', key)
    for k = 2, #all, 2 do
      local amount, org, period, task = string.match(all[k], '^(%d+)|([^|]*)|([^|]*)|([^|]*)$')
      amount = -tonumber(amount)
      redis.call('HINCRBY', prefix .. 'budget:' .. period, org, amount)
      if task ~= '' then
        redis.call('HINCRBY', prefix .. 'task:{' .. org .. '}:' .. task, 'used', amount)
      end
      freed = freed + 1
    end
    if #all > 0 then redis.call('DEL', key) end
    redis.call('ZREM', holds, batch)
  end
  return freed
end
"#;

/// Reserves for a batch of calls of one month and one ttl, in order, as one atomic step.
/// KEYS: the holds index, this batch's holds, the month's budget. ARGV: key prefix, batch id,
/// ttl ms, month ttl s, task ttl s, then per reservation: org, its hold (`amount|org|period|
/// task`, task empty when the task has no limit), amount, org limit, task limit (-1: none).
/// Returns per reservation -1 if granted, else what was used before it, times two, plus one
/// if the task's limit refused it.
///
/// The orgs' counts are read once (`HMGET`) and written once (`HSET`, integers formatted
/// with `%d`, exact to 2^53); a failed check writes them back before it sweeps, then reads
/// them again.
const RESERVE: &str = r#"
local holds, batch, budget, prefix = KEYS[1], KEYS[2], KEYS[3], ARGV[1]
local now = now_ms()
sweep(holds, prefix, now, 4)
local n = (#ARGV - 5) / 5
local orgs = {}
for i = 1, n do orgs[i] = ARGV[1 + 5 * i] end
local used, dirty, fresh = {}, {}, false
local function load()
  local values = redis.call('HMGET', budget, unpack(orgs))
  for i = 1, n do
    if values[i] then
      used[orgs[i]] = tonumber(values[i])
    else
      used[orgs[i]], fresh = 0, true
    end
  end
end
local function flush()
  local fields, k = {}, 0
  for org in pairs(dirty) do
    fields[k + 1], fields[k + 2] = org, string.format('%d', used[org])
    k = k + 2
  end
  if k > 0 then redis.call('HSET', budget, unpack(fields)) end
  dirty = {}
end
load()
local out, fields, m = {}, {}, 0
for i = 1, n do
  local a = 1 + 5 * i
  local org, hold, amount = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
  local org_limit, task_limit = tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  local verdict
  for attempt = 1, 2 do
    verdict = -1
    local before = used[org]
    if org_limit >= 0 and before + amount > org_limit then
      verdict = 2 * before
    elseif task_limit >= 0 then
      local task = string.match(hold, '^%d+|[^|]*|[^|]*|([^|]*)$')
      local task_key = prefix .. 'task:{' .. org .. '}:' .. task
      local task_used = redis.call('HINCRBY', task_key, 'used', ARGV[a + 2])
      if task_used > task_limit then
        redis.call('HINCRBY', task_key, 'used', -amount)
        verdict = 2 * (task_used - amount) + 1
      elseif task_used == amount then
        redis.call('EXPIRE', task_key, ARGV[5], 'NX')
      end
    end
    if verdict == -1 then
      used[org], dirty[org] = before + amount, true
      break
    end
    if attempt == 2 then break end
    flush()
    if sweep(holds, prefix, now, 1000) == 0 then break end
    load()
  end
  if verdict == -1 then
    fields[m + 1], fields[m + 2] = i - 1, hold
    m = m + 2
  end
  out[i] = verdict
end
flush()
if fresh then redis.call('EXPIRE', budget, ARGV[4], 'NX') end
if m > 0 then
  redis.call('HSET', batch, unpack(fields))
  redis.call('ZADD', holds, now + tonumber(ARGV[3]), ARGV[2])
end
return out
"#;

/// KEYS: the batch's holds, the month's budget, the month's spent, task, done. ARGV: index,
/// amount held, actual, capped (1/0), month ttl s, task ttl s, org. Returns 1 if applied, 0
/// if the reservation was closed before. A live hold turns into the actual spend; an expired
/// one (already taken back) adds the actual spend.
const SETTLE: &str = r#"
if not redis.call('SET', KEYS[5], 's', 'NX', 'EX', 172800) then return 0 end
local actual = tonumber(ARGV[3])
local delta = actual
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then delta = actual - tonumber(ARGV[2]) end
redis.call('HINCRBY', KEYS[2], ARGV[7], delta)
redis.call('HINCRBY', KEYS[3], ARGV[7], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[5], 'NX')
redis.call('EXPIRE', KEYS[3], ARGV[5], 'NX')
if ARGV[4] == '1' then
  redis.call('HINCRBY', KEYS[4], 'used', delta)
  redis.call('HINCRBY', KEYS[4], 'spent', ARGV[3])
  redis.call('EXPIRE', KEYS[4], ARGV[6], 'NX')
end
return 1
"#;

/// KEYS: the batch's holds, the month's budget, the month's spent (unused), task, done.
/// ARGV: index, amount held, capped (1/0), org.
const RELEASE: &str = r#"
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[2], ARGV[4], -tonumber(ARGV[2]))
  if ARGV[3] == '1' then redis.call('HINCRBY', KEYS[4], 'used', -tonumber(ARGV[2])) end
  redis.call('SET', KEYS[5], 'r', 'EX', 172800)
end
return 1
"#;

/// KEYS: the holds index, the month's budget, the month's spent. ARGV: key prefix, org.
/// Returns {spent, held}.
const STATE: &str = r#"
sweep(KEYS[1], ARGV[1], now_ms(), 1000)
local used = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
local spent = tonumber(redis.call('HGET', KEYS[3], ARGV[2]) or '0')
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

/// Most reservations sent in one script call (an index must fit the id's last two bytes).
const MAX_BATCH: usize = 128;

/// Most batches waiting on Redis at once.
const BATCHES_IN_FLIGHT: usize = 4;

/// A reservation waiting for the batcher, and where its answer goes.
struct Pending {
    /// The org, as the month's counters name it.
    org: String,
    /// The hold as the sweep reads it: `amount|org|period|task`.
    hold: String,
    request: ReserveRequest,
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

/// The id of the `index`th reservation of batch `batch` (whose last two bytes are zero).
fn reservation_id(batch: uuid::Uuid, index: usize) -> uuid::Uuid {
    let mut bytes = *batch.as_bytes();
    bytes[14..].copy_from_slice(&(index as u16).to_be_bytes());
    uuid::Uuid::from_bytes(bytes)
}

/// A reservation's batch and its index in it.
fn batch_of(id: uuid::Uuid) -> (uuid::Uuid, u16) {
    let mut bytes = *id.as_bytes();
    let index = u16::from_be_bytes([bytes[14], bytes[15]]);
    bytes[14..].fill(0);
    (uuid::Uuid::from_bytes(bytes), index)
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
        tokio::spawn(send_batches(
            conn.clone(),
            prefix.to_owned(),
            script,
            queued,
        ));
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

    fn key(&self, kind: &str, org_id: OrgId, rest: &str) -> String {
        format!("{}{kind}:{{{org_id}}}:{rest}", self.prefix)
    }

    /// A month's hash of `kind` (`budget`, `spent`): one field per org.
    fn month_key(&self, kind: &str, period: Period) -> String {
        format!("{}{kind}:{period}", self.prefix)
    }

    /// A settle or release of `r`: KEYS the batch's holds, the month's budget and spent,
    /// task, done; ARGV index, amount held.
    fn closing<'a>(&self, script: &'a Script, r: &Reservation) -> redis::ScriptInvocation<'a> {
        let (batch, index) = batch_of(r.id);
        let mut invocation = script.prepare_invoke();
        invocation
            .key(format!("{}hold:{batch}", self.prefix))
            .key(self.month_key("budget", r.period))
            .key(self.month_key("spent", r.period))
            .key(self.key("task", r.org_id, &r.task_id.to_string()))
            .key(self.key("done", r.org_id, &r.id.to_string()))
            .arg(index)
            .arg(r.amount);
        invocation
    }

    fn quota_key(&self, org_id: OrgId, period: Period) -> String {
        self.key("quota", org_id, &period.to_string())
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
        let (org, period) = (request.org_id, request.period);
        let task = match request.task_budget {
            Some(_) => request.task_id.to_string(),
            None => String::new(),
        };
        let (reply, answer) = oneshot::channel();
        let pending = Pending {
            org: org.to_string(),
            hold: format!("{}|{org}|{period}|{task}", request.amount),
            request: request.clone(),
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
            .arg(reservation.org_id.to_string())
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
            .arg(reservation.org_id.to_string())
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
            .key(format!("{}holds", self.prefix))
            .key(self.month_key("budget", period))
            .key(self.month_key("spent", period))
            .arg(&self.prefix)
            .arg(org_id.to_string())
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
    prefix: String,
    script: std::sync::Arc<Script>,
    mut queued: mpsc::UnboundedReceiver<Pending>,
) {
    let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(BATCHES_IN_FLIGHT));
    let prefix = std::sync::Arc::<str>::from(prefix);
    loop {
        let Ok(permit) = in_flight.clone().acquire_owned().await else {
            return;
        };
        let mut batch = Vec::with_capacity(MAX_BATCH);
        if queued.recv_many(&mut batch, MAX_BATCH).await == 0 {
            return;
        }
        let (mut conn, script, prefix) = (conn.clone(), script.clone(), prefix.clone());
        tokio::spawn(async move {
            // A batch's holds share one expiry and its counters one month: reservations
            // asking for another ttl (rare; it is one setting) or of another month (at the
            // turn of one) go in a batch of their own.
            while !batch.is_empty() {
                let (ttl, period) = (batch[0].request.ttl, batch[0].request.period);
                let (same, rest): (Vec<_>, Vec<_>) = batch
                    .into_iter()
                    .partition(|p| p.request.ttl == ttl && p.request.period == period);
                batch = rest;
                let id = reservation_id(uuid::Uuid::now_v7(), 0);
                let mut invocation = script.prepare_invoke();
                invocation
                    .key(format!("{prefix}holds"))
                    .key(format!("{prefix}hold:{id}"))
                    .key(format!("{prefix}budget:{period}"))
                    .arg(&*prefix)
                    .arg(id.to_string())
                    .arg(ttl.as_millis().clamp(1, u64::MAX.into()) as u64)
                    .arg(MONTH_KEY_SECS)
                    .arg(TASK_KEY_SECS);
                for pending in &same {
                    invocation
                        .arg(&pending.org)
                        .arg(&pending.hold)
                        .arg(pending.request.amount)
                        .arg(limit(pending.request.org_budget))
                        .arg(limit(pending.request.task_budget));
                }
                let answers: redis::RedisResult<Vec<i64>> =
                    invocation.invoke_async(&mut conn).await;
                answer(id, same, answers);
            }
            drop(permit);
        });
    }
}

/// Hands each reservation of batch `id` its verdict.
fn answer(id: uuid::Uuid, batch: Vec<Pending>, answers: redis::RedisResult<Vec<i64>>) {
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
    for (index, (pending, verdict)) in batch.into_iter().zip(answers).enumerate() {
        let request = &pending.request;
        let result = match u64::try_from(verdict) {
            Err(_) => Ok(Reservation {
                id: reservation_id(id, index),
                org_id: request.org_id,
                task_id: request.task_id,
                period: request.period,
                amount: request.amount,
                task_capped: request.task_budget.is_some(),
            }),
            Ok(refused) => {
                let (scope, limit) = match refused % 2 {
                    0 => (BudgetScope::Org, request.org_budget),
                    _ => (BudgetScope::Task, request.task_budget),
                };
                Err(LedgerError::OverBudget {
                    scope,
                    used: refused / 2,
                    limit: limit.unwrap_or(0),
                })
            }
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
