//! `RepoLockActor`: holds one repository's lock for the run working on it.
//!
//! One per (org, repository) with a run on this node, a child of the org's supervisor. It
//! takes the lock through the [`LockService`] port for the run that asks, renews it on its own
//! timer (every third of its TTL) whatever the run is doing, confirms it just before the run
//! pushes, and frees it when the supervisor says the run ended — on success, failure, cancel,
//! crash or watchdog kill alike. A lock it fails to renew (expired, taken over) is reported to
//! the supervisor, which stops the run before it can push. If the whole node dies, the lock
//! expires after its TTL.
//!
//! The queue already hands out one task per repository at a time (its lease); the lock is the
//! backend's word on top of that, with a fencing token per holder, for what the queue cannot
//! see: a run on a node that lost its lease without noticing.

use std::sync::Arc;
use std::time::Duration;

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

use crate::domain::{OrgId, RepoId, TaskId};
use crate::observe::{ActorKind, Lineage, Probe, tell, tell_every};
use crate::org_supervisor::OrgMsg;
use crate::ports::{LockError, LockService, RepoLock};

/// The actor.
#[derive(Debug)]
pub struct RepoLockActor;

/// Messages of [`RepoLockActor`].
#[derive(Debug)]
pub enum RepoLockMsg {
    /// Take the lock for the task's run. Replies with the held lock, or `None` while another
    /// task holds it; `Err` when the backend failed.
    Acquire {
        /// The task whose run asks.
        task_id: TaskId,
        /// Where the answer goes.
        reply: RpcReplyPort<Result<Option<RepoLock>, String>>,
    },
    /// Is the task still the holder? Renews first, so the answer is the backend's, now.
    Confirm {
        /// The task whose run asks.
        task_id: TaskId,
        /// `true` while it holds the lock.
        reply: RpcReplyPort<bool>,
    },
    /// The task's run ended: free the lock if the task holds it. With `last`, no other run
    /// uses this actor any more, and it stops once the lock is free.
    Release {
        /// The task whose run ended.
        task_id: TaskId,
        /// Stop after releasing.
        last: bool,
        /// Answered once the lock is free (or known lost).
        reply: RpcReplyPort<()>,
    },
    /// Timer: extend the held lock.
    Renew,
}

/// Start-up arguments.
pub struct RepoLockArgs {
    /// Org of the repository.
    pub org_id: OrgId,
    /// The repository.
    pub repo_id: RepoId,
    /// Where locks live.
    pub locks: Arc<dyn LockService>,
    /// How long a lock lives without renewal.
    pub ttl: Duration,
    /// Told when a held lock is lost.
    pub supervisor: ActorRef<OrgMsg>,
}

impl std::fmt::Debug for RepoLockArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RepoLockArgs")
            .field("org_id", &self.org_id)
            .field("repo_id", &self.repo_id)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// The actor's state.
#[derive(Debug)]
pub struct RepoLockState {
    probe: Probe,
    args: RepoLockArgs,
    held: Option<RepoLock>,
    ticker: tokio::task::JoinHandle<()>,
}

impl Actor for RepoLockActor {
    type Msg = RepoLockMsg;
    type State = RepoLockState;
    type Arguments = RepoLockArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: RepoLockArgs,
    ) -> Result<RepoLockState, ActorProcessingErr> {
        let every = (args.ttl / 3).max(Duration::from_millis(10));
        let probe = Probe::attach(
            &myself.get_cell(),
            ActorKind::RepoLock,
            format!("repo-lock/{}", args.repo_id),
            Some(args.org_id),
            Lineage::default(),
        );
        let ticker = tell_every(&myself, every, || RepoLockMsg::Renew);
        Ok(RepoLockState {
            probe,
            args,
            held: None,
            ticker,
        })
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<Self::Msg>,
        state: &mut RepoLockState,
    ) -> Result<(), ActorProcessingErr> {
        state.ticker.abort();
        // Stopped with the lock held (its supervisor went away): free it rather than leave it
        // to expire.
        if let Some(lock) = state.held.take() {
            let _ = state.args.locks.release(&lock).await;
        }
        Ok(())
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: RepoLockMsg,
        state: &mut RepoLockState,
    ) -> Result<(), ActorProcessingErr> {
        state.probe.handled();
        match message {
            RepoLockMsg::Acquire { task_id, reply } => {
                let answer = state.acquire(task_id).await;
                let _ = reply.send(answer);
            }
            RepoLockMsg::Confirm { task_id, reply } => {
                let held = match &state.held {
                    Some(lock) if lock.holder == task_id => state.renew().await,
                    _ => false,
                };
                let _ = reply.send(held);
            }
            RepoLockMsg::Release {
                task_id,
                last,
                reply,
            } => {
                if let Some(lock) = state.held.take_if(|lock| lock.holder == task_id) {
                    match state.args.locks.release(&lock).await {
                        Ok(()) | Err(LockError::Lost) => {}
                        // It expires on its own after the TTL.
                        Err(err) => {
                            tracing::warn!(%task_id, error = %err, "could not free repository lock")
                        }
                    }
                }
                let _ = reply.send(());
                if last {
                    myself.stop(None);
                }
            }
            RepoLockMsg::Renew => {
                if state.held.is_some() {
                    state.renew().await;
                }
            }
        }
        Ok(())
    }
}

impl RepoLockState {
    async fn acquire(&mut self, task_id: TaskId) -> Result<Option<RepoLock>, String> {
        if let Some(lock) = &self.held {
            return Ok((lock.holder == task_id).then(|| lock.clone()));
        }
        let args = &self.args;
        let lock = args
            .locks
            .try_acquire(args.org_id, args.repo_id, task_id, args.ttl)
            .await
            .map_err(|err| err.to_string())?;
        if let Some(lock) = &lock {
            tracing::debug!(%task_id, repo_id = %args.repo_id, token = lock.token, "repository lock taken");
        }
        self.held.clone_from(&lock);
        Ok(lock)
    }

    /// Renews the held lock; on loss tells the supervisor, which stops the holder's run.
    /// Returns whether the lock is (still) held. A backend error keeps the lock for now: the
    /// next tick tries again, and the backend expires it if the trouble outlasts its TTL.
    async fn renew(&mut self) -> bool {
        let Some(lock) = &self.held else {
            return false;
        };
        match self.args.locks.renew(lock, self.args.ttl).await {
            Ok(()) => true,
            Err(LockError::Lost) => {
                let task_id = lock.holder;
                tracing::warn!(%task_id, repo_id = %lock.repo_id, "repository lock lost");
                metrics::counter!("orchard_repo_locks_lost_total").increment(1);
                self.held = None;
                let _ = tell(&self.args.supervisor, OrgMsg::LockLost(task_id));
                false
            }
            Err(err) => {
                tracing::warn!(task_id = %lock.holder, error = %err, "could not renew repository lock");
                false
            }
        }
    }
}
