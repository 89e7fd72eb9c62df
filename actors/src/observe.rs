//! Snapshots of the actors' state, cheap to take and serializable.
//!
//! Every actor answers an `Observe` message with one of these; the admin endpoint and tests
//! read the tree through them instead of peeking into actor memory.

use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::domain::{OrgId, TaskId, TokenUsage};

/// The whole tree.
#[derive(Debug, Clone, Serialize)]
pub struct TreeSnapshot {
    /// The dispatcher.
    pub dispatcher: DispatcherSnapshot,
    /// One entry per live org supervisor.
    pub orgs: Vec<OrgSnapshot>,
}

/// The dispatcher's counters.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DispatcherSnapshot {
    /// Runs handed out and not yet finished.
    pub in_flight: usize,
    /// Global cap on concurrent runs of this node.
    pub max_workers: usize,
    /// Runs in flight per org (orgs with none are absent).
    pub in_flight_by_org: std::collections::HashMap<OrgId, usize>,
    /// Runs handed out since start.
    pub dispatched_total: u64,
}

/// One org supervisor.
#[derive(Debug, Clone, Serialize)]
pub struct OrgSnapshot {
    /// Its org.
    pub org_id: OrgId,
    /// Live runs.
    pub runs: Vec<RunSnapshot>,
    /// Tasks whose run crashed and waits out its backoff before a restart.
    pub restarting: Vec<TaskId>,
    /// Runs started since the supervisor started.
    pub started_total: u64,
    /// Runs that failed (crashed or errored) since the supervisor started.
    pub failed_total: u64,
}

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunPhase {
    /// Loading the task and cloning the repository.
    Starting,
    /// In the LLM/tool loop.
    Working,
    /// Committing and pushing.
    Publishing,
    /// Done.
    Finished,
}

/// One agent run.
#[derive(Debug, Clone, Serialize)]
pub struct RunSnapshot {
    /// Its task.
    pub task_id: TaskId,
    /// Where it is.
    pub phase: RunPhase,
    /// LLM calls made.
    pub steps: u32,
    /// Tokens used by this run.
    pub tokens: TokenUsage,
    /// Milliseconds since the run's last heartbeat.
    pub idle_ms: u64,
}

/// A run's snapshot, shared between the run (which writes it as it progresses) and its
/// supervisor (which reads it without waiting on the run's mailbox, busy during LLM calls).
/// Every update is also a heartbeat: the watchdog stops runs whose last one is too old.
#[derive(Debug, Clone)]
pub struct SharedRunSnapshot(Arc<Mutex<Shared>>);

#[derive(Debug)]
struct Shared {
    snapshot: RunSnapshot,
    heartbeat: tokio::time::Instant,
}

impl SharedRunSnapshot {
    /// A snapshot for a run that is starting.
    pub fn new(task_id: TaskId) -> Self {
        Self(Arc::new(Mutex::new(Shared {
            snapshot: RunSnapshot {
                task_id,
                phase: RunPhase::Starting,
                steps: 0,
                tokens: TokenUsage::default(),
                idle_ms: 0,
            },
            heartbeat: tokio::time::Instant::now(),
        })))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A copy of the current state.
    pub fn get(&self) -> RunSnapshot {
        let shared = self.lock();
        let mut snapshot = shared.snapshot.clone();
        snapshot.idle_ms = shared.heartbeat.elapsed().as_millis() as u64;
        snapshot
    }

    /// Changes the state (and counts as a heartbeat).
    pub fn update(&self, f: impl FnOnce(&mut RunSnapshot)) {
        let mut shared = self.lock();
        f(&mut shared.snapshot);
        shared.heartbeat = tokio::time::Instant::now();
    }

    /// Records that the run is alive.
    pub fn beat(&self) {
        self.lock().heartbeat = tokio::time::Instant::now();
    }

    /// Time since the last heartbeat.
    pub fn silence(&self) -> std::time::Duration {
        self.lock().heartbeat.elapsed()
    }
}
