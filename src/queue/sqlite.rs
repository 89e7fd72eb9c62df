//! The embedded durable queue: a SQLite table with a status and a lease per task.
//!
//! Delivery is at-least-once: a dequeued task is leased for a time-to-live; its run renews the
//! lease; a lease that expires (its holder died) makes the task available again, and the
//! delivery count goes up. Renew and ack carry the lease id as a fencing token, so a run that
//! lost its lease cannot touch the task's queue entry any more.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use orchard_actors::domain::{OrgId, TaskId};
use orchard_actors::ports::{Lease, Queue, QueueError};
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

impl SqliteQueue {
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
    async fn enqueue(&self, org_id: OrgId, task_id: TaskId) -> Result<(), QueueError> {
        self.with(move |conn| {
            conn.execute(
                "INSERT INTO queue (task_id, org_id, status, enqueued_at) VALUES (?1, ?2, 'ready', ?3)
                 ON CONFLICT (task_id) DO NOTHING",
                params![task_id.to_string(), org_id.to_string(), now_ms()],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn dequeue(&self, ttl: Duration) -> Result<Option<Lease>, QueueError> {
        let lease_id = uuid::Uuid::now_v7();
        self.with(move |conn| {
            let now = now_ms();
            let row = conn
                .query_row(
                    "UPDATE queue SET status = 'leased', lease_id = ?1, lease_until = ?2,
                                      deliveries = deliveries + 1
                     WHERE task_id = (
                         SELECT task_id FROM queue
                         WHERE status = 'ready' OR (status = 'leased' AND lease_until <= ?3)
                         ORDER BY rowid LIMIT 1)
                     RETURNING task_id, org_id, deliveries",
                    params![lease_id.to_string(), now + ttl.as_millis() as i64, now],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, u32>(2)?,
                        ))
                    },
                )
                .optional()
                .map_err(backend)?;
            let Some((task_id, org_id, delivery)) = row else {
                return Ok(None);
            };
            Ok(Some(Lease {
                org_id: org_id.parse().map_err(backend)?,
                task_id: task_id.parse().map_err(backend)?,
                lease_id,
                delivery,
            }))
        })
        .await
    }

    async fn renew(&self, lease: &Lease, ttl: Duration) -> Result<(), QueueError> {
        let lease = lease.clone();
        self.with(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE queue SET lease_until = ?3
                     WHERE task_id = ?1 AND lease_id = ?2 AND status = 'leased'",
                    params![
                        lease.task_id.to_string(),
                        lease.lease_id.to_string(),
                        now_ms() + ttl.as_millis() as i64
                    ],
                )
                .map_err(backend)?;
            if changed == 0 {
                return Err(QueueError::LeaseLost);
            }
            Ok(())
        })
        .await
    }

    async fn ack(&self, lease: &Lease) -> Result<(), QueueError> {
        let lease = lease.clone();
        self.with(move |conn| {
            let changed = conn
                .execute(
                    "DELETE FROM queue WHERE task_id = ?1 AND lease_id = ?2",
                    params![lease.task_id.to_string(), lease.lease_id.to_string()],
                )
                .map_err(backend)?;
            if changed == 0 {
                return Err(QueueError::LeaseLost);
            }
            Ok(())
        })
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue() -> (tempfile::TempDir, SqliteQueue) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("q.db")).unwrap();
        (dir, SqliteQueue::new(db))
    }

    const TTL: Duration = Duration::from_secs(60);

    #[tokio::test]
    async fn delivers_in_order_once_and_enqueue_is_idempotent() {
        let (_dir, q) = queue();
        let org = OrgId::new();
        let (a, b) = (TaskId::new(), TaskId::new());
        q.enqueue(org, a).await.unwrap();
        q.enqueue(org, b).await.unwrap();
        q.enqueue(org, a).await.unwrap();
        let first = q.dequeue(TTL).await.unwrap().unwrap();
        let second = q.dequeue(TTL).await.unwrap().unwrap();
        assert_eq!((first.task_id, second.task_id), (a, b));
        assert_eq!((first.org_id, first.delivery), (org, 1));
        assert!(q.dequeue(TTL).await.unwrap().is_none());
        q.ack(&first).await.unwrap();
        assert!(matches!(q.ack(&first).await, Err(QueueError::LeaseLost)));
    }

    #[tokio::test]
    async fn an_expired_lease_is_redelivered_and_fences_the_old_holder() {
        let (_dir, q) = queue();
        let task = TaskId::new();
        q.enqueue(OrgId::new(), task).await.unwrap();
        let old = q.dequeue(Duration::ZERO).await.unwrap().unwrap();
        let new = q.dequeue(TTL).await.unwrap().unwrap();
        assert_eq!(new.task_id, task);
        assert_eq!(new.delivery, 2);
        assert!(matches!(
            q.renew(&old, TTL).await,
            Err(QueueError::LeaseLost)
        ));
        assert!(matches!(q.ack(&old).await, Err(QueueError::LeaseLost)));
        q.renew(&new, TTL).await.unwrap();
        q.ack(&new).await.unwrap();
        assert!(q.dequeue(TTL).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_restart_finds_queued_and_orphaned_tasks_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        let (queued, orphaned) = (TaskId::new(), TaskId::new());
        {
            let q = SqliteQueue::new(Db::open(&path).unwrap());
            q.enqueue(OrgId::new(), orphaned).await.unwrap();
            q.enqueue(OrgId::new(), queued).await.unwrap();
            let lease = q.dequeue(TTL).await.unwrap().unwrap();
            assert_eq!(lease.task_id, orphaned);
        }
        let q = SqliteQueue::new(Db::open(&path).unwrap());
        assert_eq!(q.recover().await.unwrap(), 1);
        let again = q.dequeue(TTL).await.unwrap().unwrap();
        assert_eq!((again.task_id, again.delivery), (orphaned, 2));
        assert_eq!(q.dequeue(TTL).await.unwrap().unwrap().task_id, queued);
    }
}
