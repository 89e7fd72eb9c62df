//! The [`Queue`] port on Redis, for many nodes sharing one queue.
//!
//! Every operation is one Lua script, so each is atomic on the server, and every time is the
//! server's (`TIME`), so nodes with skewed clocks agree on lease expiry. Keys, under a prefix:
//!
//! | key | type | holds |
//! |---|---|---|
//! | `task:<id>` | hash | org, repo, seq, deliveries, lease_id |
//! | `ready:<org>` | sorted set | the org's ready tasks, by enqueue sequence (FIFO) |
//! | `orgs` | sorted set | orgs with ready tasks, by when they were last served (round-robin) |
//! | `served` | hash | org → last-served counter (kept while the org has no ready task) |
//! | `leases` | sorted set | leased tasks, by lease expiry (ms) |
//! | `busy` | hash | `org|repo` → the task holding the repository |
//! | `seq`, `served_seq` | counters | |
//!
//! Expired leases are reclaimed at the start of each dequeue. `recover` does nothing here: the
//! queue is shared, and a restarted node cannot tell its own stale leases from another node's
//! live ones; a dead node's tasks come back when their leases expire.

use std::time::Duration;

use async_trait::async_trait;
use orchard_actors::domain::{OrgId, RepoId, TaskId};
use orchard_actors::ports::{Lease, OrgRoom, Queue, QueueError};
use redis::Script;
use redis::aio::ConnectionManager;

/// Shared Lua: give an expired or released task back to its org's ready set.
const REQUEUE_FN: &str = r#"
local function requeue(p, task)
  local key = p .. 'task:' .. task
  local org, repo, seq = unpack(redis.call('HMGET', key, 'org', 'repo', 'seq'))
  redis.call('ZREM', p .. 'leases', task)
  redis.call('HDEL', key, 'lease_id')
  local busy = org .. '|' .. repo
  if redis.call('HGET', p .. 'busy', busy) == task then
    redis.call('HDEL', p .. 'busy', busy)
  end
  redis.call('ZADD', p .. 'ready:' .. org, seq, task)
  local served = redis.call('HGET', p .. 'served', org) or 0
  redis.call('ZADD', p .. 'orgs', 'NX', served, org)
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function reclaim(p, now)
  for _, task in ipairs(redis.call('ZRANGEBYSCORE', p .. 'leases', '-inf', now, 'LIMIT', 0, 100)) do
    requeue(p, task)
  end
end
-- Leases the oldest ready task, whose repository is free, of the least recently served org
-- that `allowed` accepts; returns {task, org, repo, deliveries} or false.
-- Scans in windows that start small and double: the first task looked at is usually free.
local function pick(p, now, ttl, lease_id, allowed)
  local org_start, org_batch = 0, 4
  while true do
    local orgs = redis.call('ZRANGE', p .. 'orgs', org_start, org_start + org_batch - 1)
    if #orgs == 0 then return false end
    for _, org in ipairs(orgs) do
      if allowed(org) then
        local ready = p .. 'ready:' .. org
        local start, batch = 0, 2
        while true do
          local tasks = redis.call('ZRANGE', ready, start, start + batch - 1)
          if #tasks == 0 then break end
          for _, task in ipairs(tasks) do
            local key = p .. 'task:' .. task
            local repo = redis.call('HGET', key, 'repo')
            local busy = org .. '|' .. repo
            if redis.call('HEXISTS', p .. 'busy', busy) == 0 then
              redis.call('ZREM', ready, task)
              local served = redis.call('INCR', p .. 'served_seq')
              if redis.call('ZCARD', ready) == 0 then
                -- Out of the round; its place is kept for when it has work again.
                redis.call('HSET', p .. 'served', org, served)
                redis.call('ZREM', p .. 'orgs', org)
              else
                redis.call('ZADD', p .. 'orgs', served, org)
              end
              local deliveries = redis.call('HINCRBY', key, 'deliveries', 1)
              redis.call('HSET', key, 'lease_id', lease_id)
              redis.call('ZADD', p .. 'leases', now + ttl, task)
              redis.call('HSET', p .. 'busy', busy, task)
              return {task, org, repo, deliveries}
            end
          end
          start = start + batch
          batch = math.min(batch * 2, 256)
        end
      end
    end
    org_start = org_start + org_batch
    org_batch = math.min(org_batch * 2, 256)
  end
end
local function holds(p, task, lease_id)
  return redis.call('HGET', p .. 'task:' .. task, 'lease_id') == lease_id
     and redis.call('ZSCORE', p .. 'leases', task) ~= false
end
"#;

const ENQUEUE: &str = r#"
local p, org, repo, task = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local key = p .. 'task:' .. task
if redis.call('EXISTS', key) == 1 then return 0 end
local seq = redis.call('INCR', p .. 'seq')
redis.call('HSET', key, 'org', org, 'repo', repo, 'seq', seq, 'deliveries', 0)
redis.call('ZADD', p .. 'ready:' .. org, seq, task)
local served = redis.call('HGET', p .. 'served', org) or 0
redis.call('ZADD', p .. 'orgs', 'NX', served, org)
return 1
"#;

const DEQUEUE: &str = r#"
local p, lease_id, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local skip = {}
for i = 4, #ARGV do skip[ARGV[i]] = true end
local now = now_ms()
reclaim(p, now)
return pick(p, now, ttl, lease_id, function(org) return not skip[org] end)
"#;

const DEQUEUE_MANY: &str = r#"
local p, ttl, max, default_room = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local room = {}
local i = 6
for _ = 1, tonumber(ARGV[5]) do
  room[ARGV[i]] = tonumber(ARGV[i + 1])
  i = i + 2
end
local function left(org) return room[org] or default_room end
local now = now_ms()
reclaim(p, now)
local out = {}
for k = 0, max - 1 do
  local got = pick(p, now, ttl, ARGV[i + k], function(org) return left(org) > 0 end)
  if not got then break end
  room[got[2]] = left(got[2]) - 1
  out[#out + 1] = got
end
return out
"#;

const RENEW: &str = r#"
local p, task, lease_id, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
if not holds(p, task, lease_id) then return 0 end
redis.call('ZADD', p .. 'leases', now_ms() + ttl, task)
return 1
"#;

const ACK_MANY: &str = r#"
local p = ARGV[1]
local out = {}
for i = 2, #ARGV, 2 do
  local task, lease_id = ARGV[i], ARGV[i + 1]
  local key = p .. 'task:' .. task
  local org, repo, held = unpack(redis.call('HMGET', key, 'org', 'repo', 'lease_id'))
  if held == lease_id and redis.call('ZSCORE', p .. 'leases', task) ~= false then
    local busy = org .. '|' .. repo
    if redis.call('HGET', p .. 'busy', busy) == task then
      redis.call('HDEL', p .. 'busy', busy)
    end
    redis.call('ZREM', p .. 'leases', task)
    redis.call('DEL', key)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
"#;

const RELEASE: &str = r#"
local p, task, lease_id = ARGV[1], ARGV[2], ARGV[3]
if not holds(p, task, lease_id) then return 0 end
requeue(p, task)
return 1
"#;

/// Redis-backed queue.
pub struct RedisQueue {
    conn: ConnectionManager,
    prefix: String,
    enqueue: Script,
    dequeue: Script,
    dequeue_many: Script,
    renew: Script,
    ack_many: Script,
    release: Script,
}

impl std::fmt::Debug for RedisQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisQueue")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn backend(err: impl std::fmt::Display) -> QueueError {
    QueueError::Backend(err.to_string())
}

fn script(body: &str) -> Script {
    Script::new(&format!("{REQUEUE_FN}\n{body}"))
}

impl RedisQueue {
    /// Connects to `url` (e.g. `redis://127.0.0.1:6379`); keys start with `prefix`.
    pub async fn connect(url: &str, prefix: &str) -> anyhow::Result<Self> {
        Ok(Self::with_connection(
            crate::redis_conn::connect(url).await?,
            prefix,
        ))
    }

    /// A queue on an open connection (shared with the lock service of the same node).
    pub fn with_connection(conn: ConnectionManager, prefix: &str) -> Self {
        Self {
            conn,
            prefix: prefix.to_owned(),
            enqueue: script(ENQUEUE),
            dequeue: script(DEQUEUE),
            dequeue_many: script(DEQUEUE_MANY),
            renew: script(RENEW),
            ack_many: script(ACK_MANY),
            release: script(RELEASE),
        }
    }

    async fn run<T: redis::FromRedisValue>(
        &self,
        script: &Script,
        args: &[String],
    ) -> Result<T, QueueError> {
        let mut conn = self.conn.clone();
        let mut invocation = script.prepare_invoke();
        invocation.arg(&self.prefix);
        for arg in args {
            invocation.arg(arg);
        }
        invocation.invoke_async(&mut conn).await.map_err(backend)
    }

    async fn held(&self, script: &Script, args: &[String]) -> Result<(), QueueError> {
        match self.run::<i64>(script, args).await? {
            1 => Ok(()),
            _ => Err(QueueError::LeaseLost),
        }
    }
}

#[async_trait]
impl Queue for RedisQueue {
    async fn enqueue(
        &self,
        org_id: OrgId,
        repo_id: RepoId,
        task_id: TaskId,
    ) -> Result<(), QueueError> {
        let args = [org_id.to_string(), repo_id.to_string(), task_id.to_string()];
        self.run::<i64>(&self.enqueue, &args).await.map(|_| ())
    }

    async fn dequeue(&self, ttl: Duration, skip: &[OrgId]) -> Result<Option<Lease>, QueueError> {
        let lease_id = uuid::Uuid::now_v7();
        let mut args = vec![lease_id.to_string(), ttl.as_millis().to_string()];
        args.extend(skip.iter().map(|o| o.to_string()));
        let row: Option<(String, String, String, u32)> = self.run(&self.dequeue, &args).await?;
        let Some((task_id, org_id, repo_id, delivery)) = row else {
            return Ok(None);
        };
        Ok(Some(Lease {
            org_id: org_id.parse().map_err(backend)?,
            repo_id: repo_id.parse().map_err(backend)?,
            task_id: task_id.parse().map_err(backend)?,
            lease_id,
            delivery,
        }))
    }

    async fn dequeue_many(
        &self,
        ttl: Duration,
        max: usize,
        room: &OrgRoom,
    ) -> Result<Vec<Lease>, QueueError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let lease_ids: Vec<uuid::Uuid> = (0..max).map(|_| uuid::Uuid::now_v7()).collect();
        let mut args = vec![
            ttl.as_millis().to_string(),
            max.to_string(),
            room.default.to_string(),
            room.per_org.len().to_string(),
        ];
        for (org, left) in &room.per_org {
            args.push(org.to_string());
            args.push(left.to_string());
        }
        args.extend(lease_ids.iter().map(|id| id.to_string()));
        let rows: Vec<(String, String, String, u32)> = self.run(&self.dequeue_many, &args).await?;
        rows.into_iter()
            .zip(lease_ids)
            .map(|((task_id, org_id, repo_id, delivery), lease_id)| {
                Ok(Lease {
                    org_id: org_id.parse().map_err(backend)?,
                    repo_id: repo_id.parse().map_err(backend)?,
                    task_id: task_id.parse().map_err(backend)?,
                    lease_id,
                    delivery,
                })
            })
            .collect()
    }

    async fn renew(&self, lease: &Lease, ttl: Duration) -> Result<(), QueueError> {
        let args = [
            lease.task_id.to_string(),
            lease.lease_id.to_string(),
            ttl.as_millis().to_string(),
        ];
        self.held(&self.renew, &args).await
    }

    async fn ack(&self, lease: &Lease) -> Result<(), QueueError> {
        let mut results = self.ack_many(std::slice::from_ref(lease)).await;
        results.pop().unwrap_or(Err(QueueError::LeaseLost))
    }

    async fn ack_many(&self, leases: &[Lease]) -> Vec<Result<(), QueueError>> {
        if leases.is_empty() {
            return Vec::new();
        }
        let args: Vec<String> = leases
            .iter()
            .flat_map(|l| [l.task_id.to_string(), l.lease_id.to_string()])
            .collect();
        match self.run::<Vec<i64>>(&self.ack_many, &args).await {
            Ok(held) => held
                .into_iter()
                .map(|h| {
                    if h == 1 {
                        Ok(())
                    } else {
                        Err(QueueError::LeaseLost)
                    }
                })
                .collect(),
            Err(err) => leases
                .iter()
                .map(|_| Err(QueueError::Backend(err.to_string())))
                .collect(),
        }
    }

    async fn release(&self, lease: &Lease) -> Result<(), QueueError> {
        let args = [lease.task_id.to_string(), lease.lease_id.to_string()];
        self.held(&self.release, &args).await
    }

    async fn recover(&self) -> Result<u64, QueueError> {
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::RedisServer;

    async fn fresh(server: &RedisServer) -> RedisQueue {
        let prefix = format!("test:{}:", uuid::Uuid::now_v7());
        RedisQueue::connect(&server.url(), &prefix).await.unwrap()
    }

    #[tokio::test]
    async fn conforms_to_the_queue_port() {
        let server = RedisServer::start();
        orchard_actors::conformance::all_queue_checks(|| fresh(&server)).await;
    }

    #[tokio::test]
    async fn nodes_share_one_queue() {
        let server = RedisServer::start();
        let prefix = format!("test:{}:", uuid::Uuid::now_v7());
        let one = RedisQueue::connect(&server.url(), &prefix).await.unwrap();
        let two = RedisQueue::connect(&server.url(), &prefix).await.unwrap();
        let org = OrgId::new();
        let repo = RepoId::new();
        let (a, b) = (TaskId::new(), TaskId::new());
        one.enqueue(org, repo, a).await.unwrap();
        one.enqueue(org, repo, b).await.unwrap();
        let ttl = Duration::from_secs(60);
        let held = two.dequeue(ttl, &[]).await.unwrap().unwrap();
        assert_eq!(held.task_id, a);
        assert!(
            one.dequeue(ttl, &[]).await.unwrap().is_none(),
            "the repository is held by node two"
        );
        assert_eq!(
            one.recover().await.unwrap(),
            0,
            "a node never steals shared leases"
        );
        two.ack(&held).await.unwrap();
        assert_eq!(one.dequeue(ttl, &[]).await.unwrap().unwrap().task_id, b);
    }

    #[tokio::test]
    async fn acknowledged_writes_survive_a_killed_server() {
        let mut server = RedisServer::start();
        let prefix = format!("test:{}:", uuid::Uuid::now_v7());
        let queue = RedisQueue::connect(&server.url(), &prefix).await.unwrap();
        let org = OrgId::new();
        let tasks: Vec<TaskId> = (0..50).map(|_| TaskId::new()).collect();
        for task in &tasks {
            queue.enqueue(org, RepoId::new(), *task).await.unwrap();
        }
        server.kill();
        assert!(
            queue
                .enqueue(org, RepoId::new(), TaskId::new())
                .await
                .is_err()
        );
        server.restart();
        let mut seen = Vec::new();
        for _ in 0..600 {
            match queue.dequeue(Duration::from_secs(60), &[]).await {
                Ok(Some(lease)) => seen.push(lease.task_id),
                Ok(None) => break,
                // The pool reconnects on the next checkout.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        assert_eq!(seen, tasks, "every acknowledged enqueue survived, in order");
    }
}
