//! The embedded durable queue: a SQLite table with a status and a lease per task.
//!
//! Orgs are served round-robin: `queue_orgs` records when each org with tasks in the queue
//! was last served (0: not yet since it last had none), and a dequeue takes the oldest ready
//! task of the org served least recently whose repository has no other task under a live
//! lease (the lease doubles as the repository's lock). An org leaves `queue_orgs` when its
//! last task is acknowledged, so a dequeue walks only orgs that have tasks, however many
//! orgs the node has served.
//!
//! Delivery is at-least-once: a dequeued task is leased for a time-to-live; its run renews the
//! lease; a lease that expires (its holder died) makes the task available again, and the
//! delivery count goes up. Renew and ack carry the lease id as a fencing token, so a run that
//! lost its lease cannot touch the task's queue entry any more.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use orchard_actors::domain::{OrgId, RepoId, TaskId};
use orchard_actors::ports::{Lease, OrgRoom, Queue, QueueError};
use rusqlite::{OptionalExtension, params};

use crate::db::Db;

/// SQLite-backed queue.
#[derive(Debug, Clone)]
pub struct SqliteQueue {
    db: Db,
}

fn backend(err: impl std::fmt::Display) -> QueueError {
    QueueError::Backend(err.to_string())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Expired leases go back to ready, in place; clearing the lease id fences their old
/// holders. After this, every leased row is live.
fn reclaim_expired(tx: &rusqlite::Transaction<'_>, now: i64) -> Result<(), QueueError> {
    tx.execute(
        "UPDATE queue SET status = 'ready', lease_id = NULL, lease_until = NULL
         WHERE status = 'leased' AND lease_until <= ?1",
        params![now],
    )
    .map_err(backend)?;
    Ok(())
}

/// Leases the next task: among orgs with ready tasks, least recently served first (skipping
/// `skip`), the org's oldest ready task whose repository has no leased task. Both steps walk
/// indexes and stop at the first task found, so the cost does not grow with the backlog.
fn lease_next(
    tx: &rusqlite::Transaction<'_>,
    now: i64,
    ttl: Duration,
    skip: &[String],
) -> Result<Option<Lease>, QueueError> {
    // Orgs in serving order, read lazily: the walk stops at the first org with a task it
    // may take, so a lease reads a few index entries however many orgs have a backlog
    // (collecting them all first made each lease cost O(orgs): 100,000 orgs with one task
    // each never finished dispatching in bench/actors.rs).
    let mut orgs = tx
        .prepare_cached(
            "SELECT o.org_id FROM queue_orgs o
             WHERE EXISTS (SELECT 1 FROM queue q
                           WHERE q.org_id = o.org_id AND q.status = 'ready')
             ORDER BY o.last_served, o.org_id",
        )
        .map_err(backend)?;
    let mut next = tx
        .prepare_cached(
            "SELECT q.task_id, q.repo_id FROM queue q
             WHERE q.org_id = ?1 AND q.status = 'ready'
               AND NOT EXISTS (
                   SELECT 1 FROM queue busy
                   WHERE busy.org_id = q.org_id AND busy.repo_id = q.repo_id
                     AND busy.status = 'leased')
             ORDER BY q.rowid LIMIT 1",
        )
        .map_err(backend)?;
    let mut picked = None;
    let mut rows = orgs.query([]).map_err(backend)?;
    while let Some(row) = rows.next().map_err(backend)? {
        let org: String = row.get(0).map_err(backend)?;
        if skip.contains(&org) {
            continue;
        }
        let task = next
            .query_row(params![org], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .optional()
            .map_err(backend)?;
        if let Some((task_id, repo_id)) = task {
            picked = Some((task_id, org, repo_id));
            break;
        }
    }
    // End both reads (and give the statements back to the cache) before the writes below.
    drop(rows);
    drop((orgs, next));
    let Some((task_id, org_id, repo_id)) = picked else {
        return Ok(None);
    };
    let lease_id = uuid::Uuid::now_v7();
    let delivery: u32 = tx
        .query_row(
            "UPDATE queue SET status = 'leased', lease_id = ?2, lease_until = ?3,
                              deliveries = deliveries + 1
             WHERE task_id = ?1
             RETURNING deliveries",
            params![task_id, lease_id.to_string(), now + ttl.as_millis() as i64],
            |row| row.get(0),
        )
        .map_err(backend)?;
    tx.execute(
        "INSERT INTO queue_orgs (org_id, last_served)
         VALUES (?1, (SELECT COALESCE(MAX(last_served), 0) + 1 FROM queue_orgs))
         ON CONFLICT (org_id) DO UPDATE SET last_served = excluded.last_served",
        params![org_id],
    )
    .map_err(backend)?;
    Ok(Some(Lease {
        org_id: org_id.parse().map_err(backend)?,
        repo_id: repo_id.parse().map_err(backend)?,
        task_id: task_id.parse().map_err(backend)?,
        lease_id,
        delivery,
    }))
}

impl SqliteQueue {
    /// Runs `sql` on the lease's row (`?1` task, `?2` lease id, `?3` the optional value);
    /// `LeaseLost` when the lease id no longer matches: the fencing of renew, ack and release.
    async fn fenced(
        &self,
        sql: &'static str,
        lease: &Lease,
        value: Option<i64>,
    ) -> Result<(), QueueError> {
        let (task_id, lease_id) = (lease.task_id.to_string(), lease.lease_id.to_string());
        self.with(move |conn| {
            let changed = match value {
                Some(value) => conn.execute(sql, params![task_id, lease_id, value]),
                None => conn.execute(sql, params![task_id, lease_id]),
            }
            .map_err(backend)?;
            if changed == 0 {
                return Err(QueueError::LeaseLost);
            }
            Ok(())
        })
        .await
    }

    /// A queue on an open database.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    async fn with<T, F>(&self, f: F) -> Result<T, QueueError>
    where
        T: Send + 'static,
        F: FnOnce(&mut rusqlite::Connection) -> Result<T, QueueError> + Send + 'static,
    {
        self.db.run(f).await.map_err(backend)?
    }
}

#[async_trait]
impl Queue for SqliteQueue {
    async fn enqueue(
        &self,
        org_id: OrgId,
        repo_id: RepoId,
        task_id: TaskId,
    ) -> Result<(), QueueError> {
        self.with(move |conn| {
            // One transaction: a task must never be queued without its org being listed.
            let tx = conn.transaction().map_err(backend)?;
            tx.execute(
                "INSERT INTO queue (task_id, org_id, repo_id, status, enqueued_at)
                 VALUES (?1, ?2, ?3, 'ready', ?4)
                 ON CONFLICT (task_id) DO NOTHING",
                params![
                    task_id.to_string(),
                    org_id.to_string(),
                    repo_id.to_string(),
                    now_ms()
                ],
            )
            .map_err(backend)?;
            tx.execute(
                "INSERT INTO queue_orgs (org_id, last_served) VALUES (?1, 0)
                 ON CONFLICT (org_id) DO NOTHING",
                params![org_id.to_string()],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn dequeue(&self, ttl: Duration, skip: &[OrgId]) -> Result<Option<Lease>, QueueError> {
        let skip: Vec<String> = skip.iter().map(|o| o.to_string()).collect();
        self.with(move |conn| {
            let now = now_ms();
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(backend)?;
            reclaim_expired(&tx, now)?;
            let lease = lease_next(&tx, now, ttl, &skip)?;
            tx.commit().map_err(backend)?;
            Ok(lease)
        })
        .await
    }

    async fn dequeue_many(
        &self,
        ttl: Duration,
        max: usize,
        room: &OrgRoom,
    ) -> Result<Vec<Lease>, QueueError> {
        let mut room = room.clone();
        self.with(move |conn| {
            let now = now_ms();
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(backend)?;
            reclaim_expired(&tx, now)?;
            let mut leases = Vec::new();
            while leases.len() < max && room.default > 0 {
                let skip: Vec<String> = room.full().iter().map(|o| o.to_string()).collect();
                let Some(lease) = lease_next(&tx, now, ttl, &skip)? else {
                    break;
                };
                room.take(lease.org_id);
                leases.push(lease);
            }
            tx.commit().map_err(backend)?;
            Ok(leases)
        })
        .await
    }

    async fn renew(&self, lease: &Lease, ttl: Duration) -> Result<(), QueueError> {
        let until = now_ms() + ttl.as_millis() as i64;
        self.fenced(
            "UPDATE queue SET lease_until = ?3
             WHERE task_id = ?1 AND lease_id = ?2 AND status = 'leased'",
            lease,
            Some(until),
        )
        .await
    }

    async fn ack(&self, lease: &Lease) -> Result<(), QueueError> {
        let mut results = self.ack_many(std::slice::from_ref(lease)).await;
        results.pop().unwrap_or(Err(QueueError::LeaseLost))
    }

    async fn ack_many(&self, leases: &[Lease]) -> Vec<Result<(), QueueError>> {
        let keys: Vec<(String, String, String)> = leases
            .iter()
            .map(|l| {
                let ids = (l.task_id.to_string(), l.lease_id.to_string());
                (ids.0, ids.1, l.org_id.to_string())
            })
            .collect();
        let count = keys.len();
        let acked = self
            .with(move |conn| {
                let tx = conn.transaction().map_err(backend)?;
                let mut results = Vec::with_capacity(keys.len());
                {
                    let mut delete = tx
                        .prepare_cached("DELETE FROM queue WHERE task_id = ?1 AND lease_id = ?2")
                        .map_err(backend)?;
                    // An org with nothing left in the queue leaves the serving order (its
                    // next task registers it again, first in line, as a new org's does), so
                    // the dequeue walk passes only orgs that have tasks.
                    let mut retire_org = tx
                        .prepare_cached(
                            "DELETE FROM queue_orgs WHERE org_id = ?1
                             AND NOT EXISTS (SELECT 1 FROM queue WHERE org_id = ?1)",
                        )
                        .map_err(backend)?;
                    for (task_id, lease_id, org_id) in &keys {
                        let changed = delete
                            .execute(params![task_id, lease_id])
                            .map_err(backend)?;
                        if changed > 0 {
                            retire_org.execute(params![org_id]).map_err(backend)?;
                        }
                        results.push(if changed == 0 {
                            Err(QueueError::LeaseLost)
                        } else {
                            Ok(())
                        });
                    }
                }
                tx.commit().map_err(backend)?;
                Ok(results)
            })
            .await;
        acked.unwrap_or_else(|err| {
            (0..count)
                .map(|_| Err(QueueError::Backend(err.to_string())))
                .collect()
        })
    }

    async fn release(&self, lease: &Lease) -> Result<(), QueueError> {
        self.fenced(
            "UPDATE queue SET status = 'ready', lease_id = NULL, lease_until = NULL
             WHERE task_id = ?1 AND lease_id = ?2",
            lease,
            None,
        )
        .await
    }

    async fn recover(&self) -> Result<u64, QueueError> {
        self.with(|conn| {
            let changed = conn
                .execute(
                    "UPDATE queue SET status = 'ready', lease_id = NULL, lease_until = NULL
                     WHERE status = 'leased'",
                    [],
                )
                .map_err(backend)?;
            Ok(changed as u64)
        })
        .await
    }

    async fn ready_count(&self) -> Result<Option<u64>, QueueError> {
        self.with(|conn| {
            let count: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM queue WHERE status = 'ready'",
                    [],
                    |row| row.get(0),
                )
                .map_err(backend)?;
            Ok(Some(count.max(0) as u64))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(60);

    #[tokio::test]
    async fn conforms_to_the_queue_port() {
        let dir = tempfile::tempdir().unwrap();
        let counter = std::sync::atomic::AtomicUsize::new(0);
        orchard_actors::conformance::all_single_node_queue_checks(|| async {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            SqliteQueue::new(Db::open(&dir.path().join(format!("q{n}.db"))).unwrap())
        })
        .await;
    }

    #[tokio::test]
    async fn a_restart_finds_queued_and_orphaned_tasks_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        let org = OrgId::new();
        let (orphaned, queued) = (TaskId::new(), TaskId::new());
        {
            let q = SqliteQueue::new(Db::open(&path).unwrap());
            q.enqueue(org, RepoId::new(), orphaned).await.unwrap();
            q.enqueue(org, RepoId::new(), queued).await.unwrap();
            let lease = q.dequeue(TTL, &[]).await.unwrap().unwrap();
            assert_eq!(lease.task_id, orphaned);
        }
        let q = SqliteQueue::new(Db::open(&path).unwrap());
        assert_eq!(q.recover().await.unwrap(), 1);
        let again = q.dequeue(TTL, &[]).await.unwrap().unwrap();
        assert_eq!((again.task_id, again.delivery), (orphaned, 2));
        assert_eq!(q.dequeue(TTL, &[]).await.unwrap().unwrap().task_id, queued);
    }

    /// Orgs in the serving order.
    async fn serving(q: &SqliteQueue) -> i64 {
        q.db.run(|conn| {
            conn.query_row("SELECT COUNT(*) FROM queue_orgs", [], |row| row.get(0))
                .unwrap()
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn an_org_leaves_the_serving_order_when_its_last_task_is_acked() {
        let dir = tempfile::tempdir().unwrap();
        let q = SqliteQueue::new(Db::open(&dir.path().join("q.db")).unwrap());
        // Many orgs served once each: none of them stays in the dequeue's walk.
        for _ in 0..50 {
            q.enqueue(OrgId::new(), RepoId::new(), TaskId::new())
                .await
                .unwrap();
            let lease = q.dequeue(TTL, &[]).await.unwrap().unwrap();
            assert_eq!(serving(&q).await, 1, "leased: still in the order");
            q.ack(&lease).await.unwrap();
            assert_eq!(serving(&q).await, 0, "acked: out of it");
        }
        // An org with a task left stays; released, its task is served again.
        let org = OrgId::new();
        let (first, second) = (TaskId::new(), TaskId::new());
        q.enqueue(org, RepoId::new(), first).await.unwrap();
        q.enqueue(org, RepoId::new(), second).await.unwrap();
        let lease = q.dequeue(TTL, &[]).await.unwrap().unwrap();
        q.ack(&lease).await.unwrap();
        assert_eq!(serving(&q).await, 1);
        let lease = q.dequeue(TTL, &[]).await.unwrap().unwrap();
        assert_eq!(lease.task_id, second);
        q.release(&lease).await.unwrap();
        assert_eq!(
            serving(&q).await,
            1,
            "a released task keeps its org in the order"
        );
        let again = q.dequeue(TTL, &[]).await.unwrap().unwrap();
        assert_eq!(again.task_id, second);
        q.ack(&again).await.unwrap();
        assert_eq!(serving(&q).await, 0);
        // It comes back with its next task.
        let third = TaskId::new();
        q.enqueue(org, RepoId::new(), third).await.unwrap();
        assert_eq!(q.dequeue(TTL, &[]).await.unwrap().unwrap().task_id, third);
    }

    #[tokio::test]
    async fn counts_the_ready_tasks_not_the_leased_ones() {
        let dir = tempfile::tempdir().unwrap();
        let q = SqliteQueue::new(Db::open(&dir.path().join("q.db")).unwrap());
        assert_eq!(q.ready_count().await.unwrap(), Some(0));
        let (org, other) = (OrgId::new(), OrgId::new());
        q.enqueue(org, RepoId::new(), TaskId::new()).await.unwrap();
        q.enqueue(org, RepoId::new(), TaskId::new()).await.unwrap();
        q.enqueue(other, RepoId::new(), TaskId::new())
            .await
            .unwrap();
        assert_eq!(q.ready_count().await.unwrap(), Some(3));
        let lease = q.dequeue(TTL, &[]).await.unwrap().unwrap();
        assert_eq!(q.ready_count().await.unwrap(), Some(2));
        q.ack(&lease).await.unwrap();
        assert_eq!(q.ready_count().await.unwrap(), Some(2));
    }
}
