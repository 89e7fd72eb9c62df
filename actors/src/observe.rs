//! What the tree shows of itself, cheap to take and serializable.
//!
//! Two views. Snapshots: every supervisor answers an `Observe` message with its domain state
//! (runs, phases, tokens); tests and the shutdown path read them. The census: every actor
//! enrols a [`Probe`] when it starts, and every message of the tree is sent through [`tell`]
//! and its siblings, which count it; [`tree`] then reads the live tree (kinds, restarts, last
//! failures, messages handled, queue depths) from ractor's supervision links without asking
//! any actor, which the operator's `GET /v1/admin/actors` serves.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, RwLock};
use std::time::Duration;

use ractor::rpc::CallResult;
use ractor::{
    ActorCell, ActorId, ActorRef, ActorStatus, Message, MessagingErr, RactorErr, RpcReplyPort,
};
use serde::Serialize;
use time::OffsetDateTime;
use tokio::task::JoinHandle;

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

// ---------------------------------------------------------------------------------------
// The census: who is alive in the tree, with counters the admin view reads.

/// What an actor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// The top of the tree.
    RootSupervisor,
    /// Pulls leased tasks from the queue.
    Dispatcher,
    /// Has silent runs stopped.
    Watchdog,
    /// One per organization with work.
    OrgSupervisor,
    /// An org's encrypted credentials.
    Credentials,
    /// An org's token reservations.
    Budget,
    /// One per repository with a run.
    RepoLock,
    /// One per running task.
    AgentRun,
}

impl ActorKind {
    /// The stable name.
    pub fn as_str(&self) -> &'static str {
        match self {
            ActorKind::RootSupervisor => "root_supervisor",
            ActorKind::Dispatcher => "dispatcher",
            ActorKind::Watchdog => "watchdog",
            ActorKind::OrgSupervisor => "org_supervisor",
            ActorKind::Credentials => "credentials",
            ActorKind::Budget => "budget",
            ActorKind::RepoLock => "repo_lock",
            ActorKind::AgentRun => "agent_run",
        }
    }
}

/// How an earlier incarnation of an actor ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// When it failed.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// What its supervisor heard (an error, a panic message, a stop reason).
    pub reason: String,
}

/// The incarnations before an actor: its supervisor keeps this across restarts and hands it
/// to the next one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lineage {
    /// Times this actor was started again after it failed or stopped.
    pub restarts: u32,
    /// The last of those failures.
    pub last_failure: Option<Failure>,
}

/// The longest failure reason kept (they can quote whole error chains).
const MAX_REASON: usize = 500;

impl Lineage {
    /// Records a failure, to be followed by a restart.
    pub fn failed(&mut self, reason: &str) {
        let mut reason = reason.to_owned();
        if reason.len() > MAX_REASON {
            let mut end = MAX_REASON;
            while !reason.is_char_boundary(end) {
                end -= 1;
            }
            reason.truncate(end);
            reason.push('…');
        }
        self.restarts += 1;
        self.last_failure = Some(Failure {
            at: OffsetDateTime::now_utc(),
            reason,
        });
    }
}

/// One actor's identity and counters.
#[derive(Debug)]
struct Entry {
    kind: ActorKind,
    name: String,
    org_id: Option<OrgId>,
    started_at: OffsetDateTime,
    lineage: Lineage,
    /// Messages sent to it through [`tell`], [`ask`], [`tell_after`] and [`tell_every`].
    sent: AtomicU64,
    /// Messages its `handle` has taken.
    handled: AtomicU64,
}

/// Every live actor's entry, by actor id. Process-wide, like ractor's own registry: ids are
/// unique in the process, and the tree view walks from one root's cell, so the trees of
/// several applications in one process (tests) never mix.
static CENSUS: LazyLock<RwLock<HashMap<ActorId, Arc<Entry>>>> = LazyLock::new(Default::default);

fn census_read() -> std::sync::RwLockReadGuard<'static, HashMap<ActorId, Arc<Entry>>> {
    CENSUS.read().unwrap_or_else(|p| p.into_inner())
}

fn census_write() -> std::sync::RwLockWriteGuard<'static, HashMap<ActorId, Arc<Entry>>> {
    CENSUS.write().unwrap_or_else(|p| p.into_inner())
}

/// An actor's place in the census: made in `pre_start`, kept in the actor's state, and
/// dropped with it, which takes the actor off.
#[derive(Debug)]
pub struct Probe {
    id: ActorId,
    entry: Arc<Entry>,
}

impl Probe {
    /// Enrols `myself`. Call it first in `pre_start`, before the actor sends itself anything.
    pub fn attach(
        myself: &ActorCell,
        kind: ActorKind,
        name: impl Into<String>,
        org_id: Option<OrgId>,
        lineage: Lineage,
    ) -> Self {
        let entry = Arc::new(Entry {
            kind,
            name: name.into(),
            org_id,
            started_at: OffsetDateTime::now_utc(),
            lineage,
            sent: AtomicU64::new(0),
            handled: AtomicU64::new(0),
        });
        let id = myself.get_id();
        census_write().insert(id, entry.clone());
        Self { id, entry }
    }

    /// Counts a message taken by `handle`. Call it first in `handle`.
    pub fn handled(&self) {
        self.entry.handled.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        let mut census = census_write();
        if census
            .get(&self.id)
            .is_some_and(|entry| Arc::ptr_eq(entry, &self.entry))
        {
            census.remove(&self.id);
        }
    }
}

fn count_sent(id: ActorId) {
    if let Some(entry) = census_read().get(&id) {
        entry.sent.fetch_add(1, Ordering::Relaxed);
    }
}

/// Sends `message` to `actor`, counted for the tree view. Every message of the tree goes
/// through this or its siblings (clippy's `disallowed-methods` sees to that).
pub fn tell<M: Message>(actor: &ActorRef<M>, message: M) -> Result<(), MessagingErr<M>> {
    count_sent(actor.get_id());
    #[allow(clippy::disallowed_methods)]
    actor.send_message(message)
}

/// Sends the request `message` builds and waits up to `timeout_ms` for the reply.
pub async fn ask<M: Message, R: Send + 'static>(
    actor: &ActorRef<M>,
    message: impl FnOnce(RpcReplyPort<R>) -> M,
    timeout_ms: u64,
) -> Result<R, RactorErr<M>> {
    call(actor, message, Some(Duration::from_millis(timeout_ms))).await
}

/// Sends the request `message` builds and waits for the reply as long as it takes (the
/// actor answers or dies).
pub async fn ask_waiting<M: Message, R: Send + 'static>(
    actor: &ActorRef<M>,
    message: impl FnOnce(RpcReplyPort<R>) -> M,
) -> Result<R, RactorErr<M>> {
    call(actor, message, None).await
}

async fn call<M: Message, R: Send + 'static>(
    actor: &ActorRef<M>,
    message: impl FnOnce(RpcReplyPort<R>) -> M,
    timeout: Option<Duration>,
) -> Result<R, RactorErr<M>> {
    count_sent(actor.get_id());
    #[allow(clippy::disallowed_methods)]
    let reply = actor.call(message, timeout).await;
    match reply {
        Ok(CallResult::Success(value)) => Ok(value),
        Ok(CallResult::Timeout) => Err(RactorErr::Timeout),
        Ok(CallResult::SenderError) => Err(RactorErr::Messaging(MessagingErr::ChannelClosed)),
        Err(err) => Err(RactorErr::Messaging(err)),
    }
}

/// Sends what `message` makes to `actor` after `delay`, unless it is gone by then.
pub fn tell_after<M: Message>(
    actor: &ActorRef<M>,
    delay: Duration,
    message: impl FnOnce() -> M + Send + 'static,
) -> JoinHandle<()> {
    let actor = actor.clone();
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let _ = tell(&actor, message());
    })
}

/// Sends what `message` makes to `actor` every `period` (the first after one period), until
/// it is gone or the handle is aborted.
pub fn tell_every<M: Message>(
    actor: &ActorRef<M>,
    period: Duration,
    message: impl Fn() -> M + Send + 'static,
) -> JoinHandle<()> {
    let actor = actor.clone();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if tell(&actor, message()).is_err() {
                break;
            }
        }
    })
}

/// One actor of the live tree.
#[derive(Debug, Clone, Serialize)]
pub struct ActorNode {
    /// Its ractor id (`<node>.<n>`), unique in the process.
    pub id: String,
    /// A readable name: the kind, and the org, repository or task it is for.
    pub name: String,
    /// What it is.
    pub kind: ActorKind,
    /// Its organization, for an org's actors.
    pub org_id: Option<OrgId>,
    /// `starting`, `running`, `draining`, `stopping`, ...
    pub status: &'static str,
    /// When this incarnation started.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// Times its supervisor started it again after it failed.
    pub restarts: u32,
    /// The last of those failures.
    pub last_failure: Option<Failure>,
    /// Messages it has handled.
    pub messages_processed: u64,
    /// Messages sent to it and not yet handled.
    pub queue_depth: u64,
    /// Its children, by kind then name.
    pub children: Vec<ActorNode>,
}

fn status_name(status: ActorStatus) -> &'static str {
    match status {
        ActorStatus::Unstarted => "unstarted",
        ActorStatus::Starting => "starting",
        ActorStatus::Running => "running",
        ActorStatus::Upgrading => "upgrading",
        ActorStatus::Draining => "draining",
        ActorStatus::Stopping => "stopping",
        ActorStatus::Stopped => "stopped",
    }
}

/// The live tree under `root`, read from ractor's supervision links and the census. Takes no
/// actor's time: it works while the actors are busy. An actor still in `pre_start` (not yet
/// enrolled) is left out, with its children.
pub fn tree(root: &ActorCell) -> Option<ActorNode> {
    let entry = census_read().get(&root.get_id()).cloned()?;
    let mut children: Vec<ActorNode> = root.get_children().iter().filter_map(tree).collect();
    children.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    let handled = entry.handled.load(Ordering::Relaxed);
    Some(ActorNode {
        id: root.get_id().to_string(),
        name: entry.name.clone(),
        kind: entry.kind,
        org_id: entry.org_id,
        status: status_name(root.get_status()),
        started_at: entry.started_at,
        restarts: entry.lineage.restarts,
        last_failure: entry.lineage.last_failure.clone(),
        messages_processed: handled,
        queue_depth: entry.sent.load(Ordering::Relaxed).saturating_sub(handled),
        children,
    })
}

#[cfg(test)]
mod tests {
    use ractor::Actor;

    use super::*;

    /// An actor that handles `Wait` by waiting for its gate, `Ping` at once.
    struct Gated;

    enum GatedMsg {
        Wait(tokio::sync::oneshot::Receiver<()>),
        Ping,
    }

    impl Actor for Gated {
        type Msg = GatedMsg;
        type State = Probe;
        type Arguments = Lineage;

        async fn pre_start(
            &self,
            myself: ActorRef<GatedMsg>,
            lineage: Lineage,
        ) -> Result<Probe, ractor::ActorProcessingErr> {
            Ok(Probe::attach(
                &myself.get_cell(),
                ActorKind::Budget,
                "gated",
                None,
                lineage,
            ))
        }

        async fn handle(
            &self,
            _myself: ActorRef<GatedMsg>,
            message: GatedMsg,
            probe: &mut Probe,
        ) -> Result<(), ractor::ActorProcessingErr> {
            probe.handled();
            if let GatedMsg::Wait(gate) = message {
                let _ = gate.await;
            }
            Ok(())
        }
    }

    async fn settled(actor: &ActorRef<GatedMsg>, processed: u64) -> ActorNode {
        for _ in 0..200 {
            let node = tree(&actor.get_cell()).unwrap();
            if node.messages_processed == processed {
                return node;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("the actor never handled {processed} messages");
    }

    #[tokio::test]
    async fn the_tree_counts_messages_handled_and_waiting() {
        let mut lineage = Lineage::default();
        lineage.failed("boom");
        let (actor, handle) = Actor::spawn(None, Gated, lineage).await.unwrap();
        let (open, gate) = tokio::sync::oneshot::channel();
        tell(&actor, GatedMsg::Wait(gate)).unwrap();
        for _ in 0..3 {
            tell(&actor, GatedMsg::Ping).unwrap();
        }
        // The first is being handled; three wait behind it.
        let node = settled(&actor, 1).await;
        assert_eq!(node.queue_depth, 3);
        assert_eq!(
            (node.kind, node.name.as_str(), node.status),
            (ActorKind::Budget, "gated", "running")
        );
        assert_eq!(node.restarts, 1);
        assert_eq!(node.last_failure.unwrap().reason, "boom");
        open.send(()).unwrap();
        let node = settled(&actor, 4).await;
        assert_eq!(node.queue_depth, 0);

        // Gone from the census once stopped.
        actor.stop(None);
        handle.await.unwrap();
        assert!(tree(&actor.get_cell()).is_none());
    }

    #[test]
    fn a_long_failure_reason_is_cut_at_a_char_boundary() {
        let mut lineage = Lineage::default();
        lineage.failed(&"é".repeat(MAX_REASON));
        let reason = lineage.last_failure.unwrap().reason;
        assert!(reason.len() <= MAX_REASON + '…'.len_utf8());
        assert!(reason.ends_with('…'));
    }
}
