//! [`BatchedAcks`]: acks that arrive together reach the queue backend together.
//!
//! Every run ends with an ack, from its own org supervisor. Under load many arrive at once;
//! sending each on its own costs a backend round trip (and, for SQLite, a transaction) per
//! task. This decorator hands them to one flusher task, which sends whatever has gathered
//! while its previous batch was in flight as one [`Queue::ack_many`]. A lone ack goes out at
//! once: batching adds no delay, only fewer round trips under load.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::{mpsc, oneshot};

use crate::domain::{OrgId, RepoId, TaskId};
use crate::ports::{Lease, OrgRoom, Queue, QueueError};

type Reply = oneshot::Sender<Result<(), QueueError>>;

/// A [`Queue`] that batches concurrent acks; every other call goes straight through.
pub struct BatchedAcks {
    inner: Arc<dyn Queue>,
    acks: mpsc::UnboundedSender<(Lease, Reply)>,
}

impl std::fmt::Debug for BatchedAcks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchedAcks").finish_non_exhaustive()
    }
}

impl BatchedAcks {
    /// Wraps `inner`; at most `max_batch` acks go in one call. Needs a tokio runtime: the
    /// flusher is a task of its own, which ends when this queue is dropped.
    pub fn new(inner: Arc<dyn Queue>, max_batch: usize) -> Self {
        let (acks, pending) = mpsc::unbounded_channel();
        tokio::spawn(flush(inner.clone(), pending, max_batch.max(1)));
        Self { inner, acks }
    }
}

async fn flush(
    queue: Arc<dyn Queue>,
    mut pending: mpsc::UnboundedReceiver<(Lease, Reply)>,
    max_batch: usize,
) {
    let mut batch = Vec::with_capacity(max_batch);
    while pending.recv_many(&mut batch, max_batch).await > 0 {
        let leases: Vec<Lease> = batch.iter().map(|(lease, _)| lease.clone()).collect();
        let results = queue.ack_many(&leases).await;
        let mut results = results.into_iter();
        for (_, reply) in batch.drain(..) {
            let result = results
                .next()
                .unwrap_or_else(|| Err(QueueError::Backend("ack batch came back short".into())));
            // The caller may be gone (its run was killed); the ack stands anyway.
            let _ = reply.send(result);
        }
    }
}

#[async_trait]
impl Queue for BatchedAcks {
    async fn enqueue(
        &self,
        org_id: OrgId,
        repo_id: RepoId,
        task_id: TaskId,
    ) -> Result<(), QueueError> {
        self.inner.enqueue(org_id, repo_id, task_id).await
    }

    async fn dequeue(&self, ttl: Duration, skip: &[OrgId]) -> Result<Option<Lease>, QueueError> {
        self.inner.dequeue(ttl, skip).await
    }

    async fn dequeue_many(
        &self,
        ttl: Duration,
        max: usize,
        room: &OrgRoom,
    ) -> Result<Vec<Lease>, QueueError> {
        self.inner.dequeue_many(ttl, max, room).await
    }

    async fn renew(&self, lease: &Lease, ttl: Duration) -> Result<(), QueueError> {
        self.inner.renew(lease, ttl).await
    }

    async fn ack(&self, lease: &Lease) -> Result<(), QueueError> {
        let (reply, answer) = oneshot::channel();
        self.acks
            .send((lease.clone(), reply))
            .map_err(|_| QueueError::Backend("the ack flusher stopped".into()))?;
        answer
            .await
            .map_err(|_| QueueError::Backend("the ack flusher stopped".into()))?
    }

    async fn ack_many(&self, leases: &[Lease]) -> Vec<Result<(), QueueError>> {
        self.inner.ack_many(leases).await
    }

    async fn release(&self, lease: &Lease) -> Result<(), QueueError> {
        self.inner.release(lease).await
    }

    async fn recover(&self) -> Result<u64, QueueError> {
        self.inner.recover().await
    }

    async fn ready_count(&self) -> Result<Option<u64>, QueueError> {
        self.inner.ready_count().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::MemoryQueue;

    #[tokio::test]
    async fn conforms_to_the_queue_port() {
        crate::conformance::all_single_node_queue_checks(async || {
            BatchedAcks::new(Arc::new(MemoryQueue::new()), 64)
        })
        .await;
    }

    /// Acks sent together go out in batches of at most `max_batch`, each answered with its own
    /// result. One thread: all 200 acks are queued before the flusher first runs, so the
    /// batching is deterministic.
    #[tokio::test]
    async fn concurrent_acks_share_calls() {
        let inner = Arc::new(CountingQueue::default());
        let queue = Arc::new(BatchedAcks::new(inner.clone(), 64));
        let org = OrgId::new();
        for _ in 0..200 {
            queue
                .enqueue(org, RepoId::new(), TaskId::new())
                .await
                .unwrap();
        }
        let room = OrgRoom {
            default: 200,
            ..OrgRoom::default()
        };
        let leases = queue
            .dequeue_many(Duration::from_secs(60), 200, &room)
            .await
            .unwrap();
        assert_eq!(leases.len(), 200);
        let acks = leases.iter().map(|lease| queue.ack(lease));
        let results = futures_util::future::join_all(acks).await;
        assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
        let calls = inner
            .ack_many_calls
            .load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(calls, 4, "200 acks in batches of at most 64");
        assert!(matches!(
            queue.ack(&leases[0]).await,
            Err(QueueError::LeaseLost)
        ));
    }

    /// A memory queue that counts `ack_many` calls.
    #[derive(Default)]
    struct CountingQueue {
        inner: MemoryQueue,
        ack_many_calls: std::sync::atomic::AtomicUsize,
    }

    #[async_trait]
    impl Queue for CountingQueue {
        async fn enqueue(&self, o: OrgId, r: RepoId, t: TaskId) -> Result<(), QueueError> {
            self.inner.enqueue(o, r, t).await
        }
        async fn dequeue(
            &self,
            ttl: Duration,
            skip: &[OrgId],
        ) -> Result<Option<Lease>, QueueError> {
            self.inner.dequeue(ttl, skip).await
        }
        async fn renew(&self, lease: &Lease, ttl: Duration) -> Result<(), QueueError> {
            self.inner.renew(lease, ttl).await
        }
        async fn ack(&self, lease: &Lease) -> Result<(), QueueError> {
            self.inner.ack(lease).await
        }
        async fn ack_many(&self, leases: &[Lease]) -> Vec<Result<(), QueueError>> {
            self.ack_many_calls
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.inner.ack_many(leases).await
        }
        async fn release(&self, lease: &Lease) -> Result<(), QueueError> {
            self.inner.release(lease).await
        }
        async fn recover(&self) -> Result<u64, QueueError> {
            self.inner.recover().await
        }
    }
}
