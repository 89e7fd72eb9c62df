//! The [`LockService`] port on Redis, for many nodes sharing repositories.
//!
//! A lock is one key, `lock:{<org>:<repo>}`, set with `SET NX PX` to `<token>:<task>`; its
//! fencing token comes from the counter `fence:{<org>:<repo>}` (kept after release, so tokens
//! only grow). Renew and release are compare-and-set scripts: they act only while the key still
//! holds the caller's token, so a holder whose lock expired and was taken over changes nothing.
//! Expiry is Redis's (`PX`), so nodes with skewed clocks agree, and a dead node's lock frees
//! itself. The two keys of a lock share a hash tag, so they stay together on Redis Cluster.

use std::time::Duration;

use async_trait::async_trait;
use orchard_actors::domain::{OrgId, RepoId, TaskId};
use orchard_actors::ports::{LockError, LockService, RepoLock};
use redis::Script;
use redis::aio::ConnectionManager;

const ACQUIRE: &str = r#"
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'NX', 'PX', ARGV[2])
return token
"#;

const RENEW: &str = r#"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
"#;

const RELEASE: &str = r#"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
"#;

/// Redis-backed repository locks.
pub struct RedisLocks {
    conn: ConnectionManager,
    prefix: String,
    acquire: Script,
    renew: Script,
    release: Script,
}

impl std::fmt::Debug for RedisLocks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLocks")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn backend(err: impl std::fmt::Display) -> LockError {
    LockError::Backend(err.to_string())
}

/// The key's value: who holds the lock, with which token.
fn value(lock: &RepoLock) -> String {
    format!("{}:{}", lock.token, lock.holder)
}

impl RedisLocks {
    /// Connects to `url` (e.g. `redis://127.0.0.1:6379`); keys start with `prefix`.
    pub async fn connect(url: &str, prefix: &str) -> anyhow::Result<Self> {
        Ok(Self::with_connection(
            crate::redis_conn::connect(url).await?,
            prefix,
        ))
    }

    /// Locks on an open connection (shared with the queue of the same node).
    pub fn with_connection(conn: ConnectionManager, prefix: &str) -> Self {
        Self {
            conn,
            prefix: prefix.to_owned(),
            acquire: Script::new(ACQUIRE),
            renew: Script::new(RENEW),
            release: Script::new(RELEASE),
        }
    }

    fn lock_key(&self, org_id: OrgId, repo_id: RepoId) -> String {
        format!("{}lock:{{{org_id}:{repo_id}}}", self.prefix)
    }

    fn fence_key(&self, org_id: OrgId, repo_id: RepoId) -> String {
        format!("{}fence:{{{org_id}:{repo_id}}}", self.prefix)
    }

    async fn compare_and(
        &self,
        script: &Script,
        lock: &RepoLock,
        extra: Option<u128>,
    ) -> Result<(), LockError> {
        let mut conn = self.conn.clone();
        let mut invocation = script.key(self.lock_key(lock.org_id, lock.repo_id));
        invocation.arg(value(lock));
        if let Some(extra) = extra {
            invocation.arg(extra.to_string());
        }
        match invocation
            .invoke_async::<i64>(&mut conn)
            .await
            .map_err(backend)?
        {
            1 => Ok(()),
            _ => Err(LockError::Lost),
        }
    }
}

#[async_trait]
impl LockService for RedisLocks {
    async fn try_acquire(
        &self,
        org_id: OrgId,
        repo_id: RepoId,
        holder: TaskId,
        ttl: Duration,
    ) -> Result<Option<RepoLock>, LockError> {
        let mut conn = self.conn.clone();
        let token: Option<u64> = self
            .acquire
            .key(self.lock_key(org_id, repo_id))
            .key(self.fence_key(org_id, repo_id))
            .arg(holder.to_string())
            .arg(ttl.as_millis().max(1).to_string())
            .invoke_async(&mut conn)
            .await
            .map_err(backend)?;
        Ok(token.map(|token| RepoLock {
            org_id,
            repo_id,
            holder,
            token,
        }))
    }

    async fn renew(&self, lock: &RepoLock, ttl: Duration) -> Result<(), LockError> {
        self.compare_and(&self.renew, lock, Some(ttl.as_millis().max(1)))
            .await
    }

    async fn release(&self, lock: &RepoLock) -> Result<(), LockError> {
        self.compare_and(&self.release, lock, None).await
    }

    async fn holder(&self, org_id: OrgId, repo_id: RepoId) -> Result<Option<RepoLock>, LockError> {
        let mut conn = self.conn.clone();
        let held: Option<String> = redis::cmd("GET")
            .arg(self.lock_key(org_id, repo_id))
            .query_async(&mut conn)
            .await
            .map_err(backend)?;
        let Some(held) = held else {
            return Ok(None);
        };
        let parsed = held
            .split_once(':')
            .and_then(|(token, task)| Some((token.parse().ok()?, task.parse().ok()?)));
        let Some((token, holder)) = parsed else {
            return Err(backend(format!("malformed lock value {held:?}")));
        };
        Ok(Some(RepoLock {
            org_id,
            repo_id,
            holder,
            token,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::RedisServer;

    #[tokio::test]
    async fn conforms_to_the_lock_port() {
        let server = RedisServer::start();
        orchard_actors::conformance::all_lock_checks(async || {
            let prefix = format!("test:{}:", uuid::Uuid::now_v7());
            RedisLocks::connect(&server.url(), &prefix).await.unwrap()
        })
        .await;
    }

    /// Two nodes, one lock: what one holds the other cannot take, renew or free, and when the
    /// holder's node dies (it stops renewing) the lock frees itself after its TTL.
    #[tokio::test]
    async fn a_dead_nodes_lock_expires_for_the_other_nodes() {
        let server = RedisServer::start();
        let prefix = format!("test:{}:", uuid::Uuid::now_v7());
        let one = RedisLocks::connect(&server.url(), &prefix).await.unwrap();
        let two = RedisLocks::connect(&server.url(), &prefix).await.unwrap();
        let (org, repo) = (OrgId::new(), RepoId::new());
        let ttl = Duration::from_secs(1);
        let held = one
            .try_acquire(org, repo, TaskId::new(), ttl)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(two.holder(org, repo).await.unwrap(), Some(held.clone()));
        assert!(
            two.try_acquire(org, repo, TaskId::new(), ttl)
                .await
                .unwrap()
                .is_none()
        );
        drop(one);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let next = two
            .try_acquire(org, repo, TaskId::new(), ttl)
            .await
            .unwrap()
            .expect("the dead node's lock expired");
        assert!(next.token > held.token);
    }
}
