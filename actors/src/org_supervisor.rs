//! `OrgSupervisor`: one per organization, parent of that org's runs.
//!
//! It starts an [`AgentRun`] per leased task, linked so that it hears how the run ended.
//! A run that crashed (error or panic) is restarted after an exponential backoff with jitter
//! (see [`crate::backoff`]); past the intensity limit the task is recorded as failed with the
//! last error, since the run could not record it. Whatever the ending it frees the run's
//! repository lock (through the repository's [`RepoLockActor`]), then acknowledges the lease,
//! removes the work dir and tells the dispatcher the worker slot is free. Each org has its own
//! supervisor, so a crash in one org's run never touches another org's actors.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use ractor::{
    Actor, ActorCell, ActorId, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent,
};
use serde_json::json;
use tokio::task::JoinHandle;

use crate::agent_run::{AgentRun, AgentRunArgs, RunExit, work_dir};
use crate::backoff::{RestartDecision, RestartTracker};
use crate::budget_actor::{BudgetActor, BudgetArgs, BudgetMsg, give_back_unused_slot};
use crate::credentials::{CredentialActor, CredentialArgs, CredentialMsg};
use crate::dispatcher::DispatcherMsg;
use crate::domain::{EventKind, OrgId, OrgScope, RepoId, TaskError, TaskId, TaskOutcome};
use crate::observe::{
    ActorKind, Lineage, OrgSnapshot, Probe, SharedRunSnapshot, ask, tell, tell_after,
};
use crate::ports::{Lease, QueueError};
use crate::repo_lock::{RepoLockActor, RepoLockArgs, RepoLockMsg};
use crate::root_supervisor::RootMsg;
use crate::runtime::Deps;

/// The actor.
#[derive(Debug)]
pub struct OrgSupervisor;

/// Messages of [`OrgSupervisor`].
#[derive(Debug)]
pub enum OrgMsg {
    /// Start a run for a leased task.
    StartRun(Lease),
    /// Start a crashed task's run again, after its backoff.
    Restart(Lease),
    /// Stop the task's run at once (it was cancelled); no restart, no failure recorded.
    Cancel(TaskId),
    /// Kill runs whose last heartbeat is older than `stale_after` (from the watchdog).
    Reap,
    /// The task's repository lock could not be renewed: stop its run before it pushes, and
    /// give the task back to the queue.
    LockLost(TaskId),
    /// Shutdown: stop every run and give its task back to the queue at once, so another node
    /// can take it; reply with how many tasks were given back, once all runs are gone.
    Evacuate(RpcReplyPort<usize>),
    /// The dispatcher was replaced: tell this one when worker slots are freed.
    NewDispatcher(ActorRef<DispatcherMsg>),
    /// Reply with a snapshot.
    Observe(RpcReplyPort<OrgSnapshot>),
    /// From the root, passivating: reply `true` if the supervisor has no work, so that the
    /// root may stop it (the root sends it nothing else while it waits for the answer).
    Passivate(RpcReplyPort<bool>),
    /// Own timer: has the org been idle for `org_idle_after`? Then ask the root to passivate it.
    IdleCheck,
}

/// Start-up arguments.
#[derive(Debug)]
pub struct OrgSupervisorArgs {
    /// The org.
    pub org_id: OrgId,
    /// Ports and settings.
    pub deps: Arc<Deps>,
    /// Told when a run's worker slot is free.
    pub dispatcher: ActorRef<DispatcherMsg>,
    /// The org's earlier supervisors on this node.
    pub lineage: Lineage,
    /// The root, told when the org has been idle long enough to be passivated.
    pub root: ActorRef<RootMsg>,
}

#[derive(Debug)]
struct Evacuation {
    reply: Option<RpcReplyPort<usize>>,
    count: usize,
}

/// A repository's lock actor and how many live runs use it.
#[derive(Debug)]
struct LockEntry {
    actor: ActorRef<RepoLockMsg>,
    users: usize,
}

/// How long the supervisor waits for a lock actor to free a lock.
const RELEASE_TIMEOUT_MS: u64 = 5_000;

/// A task whose runs crashed: when (for the restart limit) and how (for the tree view).
#[derive(Debug)]
struct CrashHistory {
    tracker: RestartTracker,
    lineage: Lineage,
}

#[derive(Debug)]
struct RunEntry {
    lease: Lease,
    snapshot: SharedRunSnapshot,
    /// The run's actor, while it lives.
    cell: Option<ActorCell>,
}

/// The supervisor's state.
#[derive(Debug)]
pub struct OrgSupervisorState {
    probe: Probe,
    org_id: OrgId,
    deps: Arc<Deps>,
    dispatcher: ActorRef<DispatcherMsg>,
    runs: HashMap<ActorId, RunEntry>,
    /// Failure history of tasks whose runs crashed, until they end.
    restarts: HashMap<TaskId, CrashHistory>,
    /// Tasks waiting out a backoff before their next run.
    backing_off: HashMap<TaskId, Lease>,
    /// Tasks whose runs are being killed because they were cancelled.
    cancelled: HashSet<TaskId>,
    /// Tasks whose runs are being killed because they stopped heartbeating.
    stale: HashSet<TaskId>,
    /// Tasks whose runs are being killed because their repository lock was lost.
    lock_lost: HashSet<TaskId>,
    /// Lock actors of the repositories with live runs.
    locks: HashMap<RepoId, LockEntry>,
    /// Hands this org's secrets to its runs.
    credentials: ActorRef<CredentialMsg>,
    /// Reserves and settles the tokens of this org's LLM calls.
    budget: ActorRef<BudgetMsg>,
    /// The credential actor's earlier incarnations.
    credentials_lineage: Lineage,
    /// The budget actor's earlier incarnations.
    budget_lineage: Lineage,
    /// Set at shutdown: every run ends by giving its task back; who waits for the last one.
    evacuation: Option<Evacuation>,
    started_total: u64,
    failed_total: u64,
    /// The root (see [`OrgMsg::IdleCheck`]).
    root: ActorRef<RootMsg>,
    /// When the supervisor last had work: a message other than a look at it, or a child's
    /// end.
    last_busy: Instant,
    /// The pending [`OrgMsg::IdleCheck`], aborted when the supervisor stops so that a
    /// passivated org keeps nothing alive.
    idle_timer: Option<JoinHandle<()>>,
}

impl Actor for OrgSupervisor {
    type Msg = OrgMsg;
    type State = OrgSupervisorState;
    type Arguments = OrgSupervisorArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: OrgSupervisorArgs,
    ) -> Result<OrgSupervisorState, ActorProcessingErr> {
        tracing::debug!(org_id = %args.org_id, "org supervisor started");
        metrics::gauge!("orchard_org_supervisors_active").increment(1.0);
        let probe = Probe::attach(
            &myself.get_cell(),
            ActorKind::OrgSupervisor,
            format!("org/{}", args.org_id),
            Some(args.org_id),
            args.lineage,
        );
        let fresh = Lineage::default();
        let credentials = spawn_credentials(&myself, args.org_id, &args.deps, &fresh).await?;
        let budget = spawn_budget(&myself, args.org_id, &args.deps, &fresh).await?;
        let idle_timer = args
            .deps
            .settings
            .org_idle_after
            .map(|idle_after| tell_after(&myself, idle_after, || OrgMsg::IdleCheck));
        Ok(OrgSupervisorState {
            probe,
            org_id: args.org_id,
            deps: args.deps,
            dispatcher: args.dispatcher,
            runs: HashMap::new(),
            restarts: HashMap::new(),
            backing_off: HashMap::new(),
            cancelled: HashSet::new(),
            stale: HashSet::new(),
            lock_lost: HashSet::new(),
            locks: HashMap::new(),
            credentials,
            budget,
            credentials_lineage: Lineage::default(),
            budget_lineage: Lineage::default(),
            evacuation: None,
            started_total: 0,
            failed_total: 0,
            root: args.root,
            last_busy: Instant::now(),
            idle_timer,
        })
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<Self::Msg>,
        state: &mut OrgSupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        if let Some(timer) = state.idle_timer.take() {
            timer.abort();
        }
        metrics::gauge!("orchard_org_supervisors_active").decrement(1.0);
        Ok(())
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: OrgMsg,
        state: &mut OrgSupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        state.probe.handled();
        if !matches!(
            message,
            OrgMsg::Observe(_) | OrgMsg::Passivate(_) | OrgMsg::IdleCheck | OrgMsg::Reap
        ) {
            state.last_busy = Instant::now();
        }
        match message {
            OrgMsg::Passivate(reply) => {
                let _ = reply.send(state.is_idle());
            }
            OrgMsg::IdleCheck => state.idle_check(&myself),
            OrgMsg::StartRun(lease) => {
                let task_id = lease.task_id;
                let busy = state.runs.values().any(|r| r.lease.task_id == task_id)
                    || state.backing_off.contains_key(&task_id);
                if busy {
                    // A redelivery of a task whose run is alive here: the live run keeps it.
                    tracing::warn!(%task_id, "task is already running on this node; delivery ignored");
                    state.release(task_id);
                } else {
                    state.start_run(&myself, lease).await;
                }
            }
            OrgMsg::Cancel(task_id) => {
                if let Some(lease) = state.backing_off.remove(&task_id) {
                    state.restarts.remove(&task_id);
                    let snapshot = SharedRunSnapshot::new(task_id);
                    let entry = RunEntry {
                        lease,
                        snapshot,
                        cell: None,
                    };
                    state.settle(entry, true).await;
                } else if let Some(run) = state.runs.values().find(|r| r.lease.task_id == task_id) {
                    // Kill, not stop: a run may be waiting minutes on an LLM call, and kill
                    // aborts it mid-await. Its termination event settles the lease.
                    tracing::info!(%task_id, "cancelling run");
                    if let Some(cell) = &run.cell {
                        cell.kill();
                    }
                    state.cancelled.insert(task_id);
                }
            }
            OrgMsg::Reap => state.reap(),
            OrgMsg::LockLost(task_id) => {
                if let Some(run) = state.runs.values().find(|r| r.lease.task_id == task_id)
                    && !state.cancelled.contains(&task_id)
                {
                    tracing::warn!(%task_id, "repository lock lost; stopping run");
                    if let Some(cell) = &run.cell {
                        cell.kill();
                    }
                    state.lock_lost.insert(task_id);
                }
            }
            OrgMsg::Evacuate(reply) => state.evacuate(reply).await,
            OrgMsg::NewDispatcher(dispatcher) => state.dispatcher = dispatcher,
            OrgMsg::Restart(lease) => {
                if state.backing_off.remove(&lease.task_id).is_some() {
                    state.start_run(&myself, lease).await;
                }
            }
            OrgMsg::Observe(reply) => {
                let snapshot = OrgSnapshot {
                    org_id: state.org_id,
                    runs: state.runs.values().map(|r| r.snapshot.get()).collect(),
                    restarting: state.backing_off.keys().copied().collect(),
                    started_total: state.started_total,
                    failed_total: state.failed_total,
                };
                // The caller may have timed out; nothing to do then.
                let _ = reply.send(snapshot);
            }
        }
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<Self::Msg>,
        event: SupervisionEvent,
        state: &mut OrgSupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        state.last_busy = Instant::now();
        match event {
            SupervisionEvent::ActorTerminated(cell, _, reason) => {
                let Some(entry) = state.runs.remove(&cell.get_id()) else {
                    state.forget_lock_actor(&cell);
                    let reason = reason.as_deref().unwrap_or("stopped");
                    state.replace_helpers(&myself, &cell, reason).await?;
                    return Ok(());
                };
                let exit = reason.as_deref().and_then(RunExit::parse);
                tracing::debug!(task_id = %entry.lease.task_id, exit = ?exit, "run ended");
                let task_id = entry.lease.task_id;
                state.unlock(&entry.lease).await;
                state.restarts.remove(&task_id);
                let cancelled = state.cancelled.remove(&task_id);
                let lock_lost = state.lock_lost.remove(&task_id);
                if state.evacuation.is_some() && !cancelled && exit.is_none() {
                    // Killed by the evacuation (a run that finished on its own has an exit).
                    state.requeue(entry, "shutdown").await;
                    state.evacuated_one();
                    return Ok(());
                }
                if state.stale.remove(&task_id) {
                    state.on_stale(entry).await;
                } else if !cancelled && (lock_lost || exit == Some(RunExit::LockLost)) {
                    state.requeue(entry, "lock_lost").await;
                } else if exit == Some(RunExit::RepoBusy) {
                    state.requeue(entry, "repo_busy").await;
                } else {
                    state.settle(entry, exit != Some(RunExit::LeaseLost)).await;
                }
                state.evacuated_one();
            }
            SupervisionEvent::ActorFailed(cell, err) => {
                let Some(entry) = state.runs.remove(&cell.get_id()) else {
                    if state.forget_lock_actor(&cell) {
                        tracing::error!(error = %err, "repository lock actor failed");
                    }
                    state
                        .replace_helpers(&myself, &cell, &err.to_string())
                        .await?;
                    return Ok(());
                };
                state.failed_total += 1;
                state.unlock(&entry.lease).await;
                state.lock_lost.remove(&entry.lease.task_id);
                if state.evacuation.is_some() {
                    state.requeue(entry, "shutdown").await;
                    state.evacuated_one();
                    return Ok(());
                }
                if state.cancelled.remove(&entry.lease.task_id) {
                    state.restarts.remove(&entry.lease.task_id);
                    state.settle(entry, true).await;
                    return Ok(());
                }
                state.on_crash(&myself, entry, err.to_string()).await;
            }
            _ => {}
        }
        Ok(())
    }
}

async fn spawn_budget(
    myself: &ActorRef<OrgMsg>,
    org_id: OrgId,
    deps: &Arc<Deps>,
    lineage: &Lineage,
) -> Result<ActorRef<BudgetMsg>, ActorProcessingErr> {
    let args = BudgetArgs {
        org_id,
        deps: deps.clone(),
        lineage: lineage.clone(),
    };
    let (actor, _) = Actor::spawn_linked(None, BudgetActor, args, myself.get_cell()).await?;
    Ok(actor)
}

async fn spawn_credentials(
    myself: &ActorRef<OrgMsg>,
    org_id: OrgId,
    deps: &Arc<Deps>,
    lineage: &Lineage,
) -> Result<ActorRef<CredentialMsg>, ActorProcessingErr> {
    let args = CredentialArgs {
        org_id,
        store: deps.store.clone(),
        vault: deps.vault.clone(),
        lineage: lineage.clone(),
    };
    let (actor, _) = Actor::spawn_linked(None, CredentialActor, args, myself.get_cell()).await?;
    Ok(actor)
}

impl OrgSupervisorState {
    /// No run, no crashed task waiting for its restart, no lock held, no shutdown going on:
    /// everything the org has is in the ports, and stopping the supervisor loses nothing.
    fn is_idle(&self) -> bool {
        self.runs.is_empty()
            && self.backing_off.is_empty()
            && self.restarts.is_empty()
            && self.locks.is_empty()
            && self.evacuation.is_none()
    }

    /// The idle timer: tells the root once the org has been idle for `org_idle_after`, and
    /// looks again later (the root may have found work in between, or be shutting down).
    fn idle_check(&mut self, myself: &ActorRef<OrgMsg>) {
        let Some(idle_after) = self.deps.settings.org_idle_after else {
            return;
        };
        let idle_for = self.last_busy.elapsed();
        let next = if self.is_idle() && idle_for >= idle_after {
            let _ = tell(&self.root, RootMsg::OrgIdle(self.org_id, myself.get_id()));
            idle_after
        } else if self.is_idle() {
            idle_after - idle_for
        } else {
            idle_after
        };
        self.idle_timer = Some(tell_after(myself, next, || OrgMsg::IdleCheck));
    }

    /// Starts a new credential or budget actor if `cell` was the current one (it stopped or
    /// failed, for `reason`).
    async fn replace_helpers(
        &mut self,
        myself: &ActorRef<OrgMsg>,
        cell: &ActorCell,
        reason: &str,
    ) -> Result<(), ActorProcessingErr> {
        if self.evacuation.is_some() {
            return Ok(());
        }
        if cell.get_id() == self.credentials.get_id() {
            tracing::warn!(org_id = %self.org_id, reason, "credential actor stopped; starting a new one");
            metrics::counter!("orchard_actor_restarts_total", "actor" => "credentials")
                .increment(1);
            self.credentials_lineage.failed(reason);
            let lineage = &self.credentials_lineage;
            self.credentials = spawn_credentials(myself, self.org_id, &self.deps, lineage).await?;
        } else if cell.get_id() == self.budget.get_id() {
            tracing::warn!(org_id = %self.org_id, reason, "budget actor stopped; starting a new one");
            metrics::counter!("orchard_actor_restarts_total", "actor" => "budget").increment(1);
            self.budget_lineage.failed(reason);
            let lineage = &self.budget_lineage;
            self.budget = spawn_budget(myself, self.org_id, &self.deps, lineage).await?;
        }
        Ok(())
    }

    /// Kills the runs that have been silent for longer than `stale_after`.
    fn reap(&mut self) {
        let stale_after = self.deps.settings.stale_after;
        for run in self.runs.values() {
            let task_id = run.lease.task_id;
            let silence = run.snapshot.silence();
            if silence <= stale_after
                || self.stale.contains(&task_id)
                || self.cancelled.contains(&task_id)
            {
                continue;
            }
            tracing::warn!(%task_id, silent_ms = silence.as_millis() as u64, "run is stale; stopping it");
            metrics::counter!("orchard_runs_stale_total").increment(1);
            if let Some(cell) = &run.cell {
                cell.kill();
            }
            self.stale.insert(task_id);
        }
    }

    /// A stale run is gone: requeue its task or fail it, as configured.
    async fn on_stale(&mut self, entry: RunEntry) {
        let task_id = entry.lease.task_id;
        let secs = self.deps.settings.stale_after.as_secs();
        if !self.deps.settings.stale_requeue {
            let error = TaskError {
                code: "stale".into(),
                message: format!("the agent run sent no heartbeat for {secs}s and was stopped"),
            };
            self.record_failure(task_id, error).await;
            self.settle(entry, true).await;
            return;
        }
        self.requeue(entry, "stale").await;
    }

    /// Gives a run's task back to the queue, in place, and frees the worker.
    async fn requeue(&mut self, entry: RunEntry, reason: &str) {
        let task_id = entry.lease.task_id;
        let scope = OrgScope::trusted(self.org_id);
        let store = &self.deps.store;
        if let Err(err) = store.requeue_task(&scope, task_id).await {
            tracing::error!(%task_id, error = %err, "could not requeue task");
        }
        let data = json!({"status": "queued", "reason": reason});
        if let Err(err) = store
            .append_event(&scope, task_id, EventKind::Status, data)
            .await
        {
            tracing::error!(%task_id, error = %err, "could not record requeue event");
        }
        match self.deps.queue.release(&entry.lease).await {
            Ok(()) | Err(QueueError::LeaseLost) => {}
            Err(err) => tracing::error!(%task_id, error = %err, "could not release task"),
        }
        self.remove_work_dir(&entry.lease).await;
        self.release(task_id);
    }

    /// Stops every run; their tasks go back to the queue as their runs end.
    async fn evacuate(&mut self, reply: RpcReplyPort<usize>) {
        let backing_off: Vec<Lease> = self.backing_off.drain().map(|(_, lease)| lease).collect();
        let mut count = backing_off.len();
        for lease in backing_off {
            let snapshot = SharedRunSnapshot::new(lease.task_id);
            let entry = RunEntry {
                lease,
                snapshot,
                cell: None,
            };
            self.requeue(entry, "shutdown").await;
        }
        for run in self.runs.values() {
            if let Some(cell) = &run.cell {
                cell.kill();
            }
        }
        count += self.runs.len();
        tracing::info!(org_id = %self.org_id, runs = self.runs.len(), "evacuating runs");
        self.evacuation = Some(Evacuation {
            reply: Some(reply),
            count,
        });
        self.evacuated_one();
    }

    /// Answers the evacuation once the last run is gone.
    fn evacuated_one(&mut self) {
        if !self.runs.is_empty() {
            return;
        }
        if let Some(evacuation) = &mut self.evacuation
            && let Some(reply) = evacuation.reply.take()
        {
            let _ = reply.send(evacuation.count);
        }
    }

    /// A run crashed: restart it after a backoff, or give up past the intensity limit.
    async fn on_crash(&mut self, myself: &ActorRef<OrgMsg>, entry: RunEntry, error: String) {
        let task_id = entry.lease.task_id;
        let policy = self.deps.settings.backoff.clone();
        let history = self
            .restarts
            .entry(task_id)
            .or_insert_with(|| CrashHistory {
                tracker: RestartTracker::new(policy),
                lineage: Lineage::default(),
            });
        let spread = rand::random_range(-1.0..=1.0);
        let decision = history
            .tracker
            .on_failure(tokio::time::Instant::now(), spread);
        if let RestartDecision::Restart { .. } = decision {
            history.lineage.failed(&error);
        }
        match decision {
            RestartDecision::Restart { after, restart } => {
                tracing::warn!(%task_id, restart, delay_ms = after.as_millis() as u64, %error, "run crashed; restarting after backoff");
                metrics::counter!("orchard_run_restarts_total").increment(1);
                let scope = OrgScope::trusted(self.org_id);
                let data = json!({"restart": restart, "delay_ms": after.as_millis() as u64, "error": error});
                if let Err(err) = self
                    .deps
                    .store
                    .append_event(&scope, task_id, EventKind::Restart, data)
                    .await
                {
                    tracing::error!(%task_id, error = %err, "could not record restart event");
                }
                let lease = entry.lease.clone();
                self.backing_off.insert(task_id, entry.lease);
                tell_after(myself, after, move || OrgMsg::Restart(lease));
            }
            RestartDecision::GiveUp => {
                self.restarts.remove(&task_id);
                let policy = &self.deps.settings.backoff;
                tracing::warn!(%task_id, %error, "run crashed too often; giving up");
                metrics::counter!("orchard_run_give_ups_total").increment(1);
                self.record_crash(
                    task_id,
                    format!(
                        "the agent run crashed {} times within {}s; last error: {error}",
                        policy.max_restarts + 1,
                        policy.window.as_secs()
                    ),
                )
                .await;
                self.settle(entry, true).await;
            }
        }
    }

    /// The repository's lock actor, started if no live run uses it yet; counts one more user.
    async fn lock_actor(
        &mut self,
        myself: &ActorRef<OrgMsg>,
        repo_id: RepoId,
    ) -> Result<ActorRef<RepoLockMsg>, ActorProcessingErr> {
        if let Some(entry) = self.locks.get_mut(&repo_id) {
            entry.users += 1;
            return Ok(entry.actor.clone());
        }
        let args = RepoLockArgs {
            org_id: self.org_id,
            repo_id,
            locks: self.deps.locks.clone(),
            ttl: self.deps.settings.lease_ttl,
            supervisor: myself.clone(),
        };
        let (actor, _) = Actor::spawn_linked(None, RepoLockActor, args, myself.get_cell()).await?;
        let entry = LockEntry {
            actor: actor.clone(),
            users: 1,
        };
        self.locks.insert(repo_id, entry);
        Ok(actor)
    }

    /// A run of `lease` ended: free its repository lock (if it took it) before its lease is
    /// acknowledged or released, so the next task of the repository finds the lock free. The
    /// last user of a lock actor stops it.
    async fn unlock(&mut self, lease: &Lease) {
        let Some(entry) = self.locks.get_mut(&lease.repo_id) else {
            return;
        };
        entry.users = entry.users.saturating_sub(1);
        let last = entry.users == 0;
        let actor = entry.actor.clone();
        if last {
            self.locks.remove(&lease.repo_id);
        }
        let task_id = lease.task_id;
        let released = ask(
            &actor,
            |reply| RepoLockMsg::Release {
                task_id,
                last,
                reply,
            },
            RELEASE_TIMEOUT_MS,
        )
        .await;
        if let Err(err) = released {
            tracing::warn!(%task_id, error = %err, "could not free repository lock; it expires");
        }
    }

    /// Forgets a lock actor that stopped on its own (it failed); `true` if `cell` was one.
    fn forget_lock_actor(&mut self, cell: &ActorCell) -> bool {
        let before = self.locks.len();
        self.locks
            .retain(|_, entry| entry.actor.get_id() != cell.get_id());
        self.locks.len() != before
    }

    async fn start_run(&mut self, myself: &ActorRef<OrgMsg>, lease: Lease) {
        let task_id = lease.task_id;
        let snapshot = SharedRunSnapshot::new(task_id);
        let lock = match self.lock_actor(myself, lease.repo_id).await {
            Ok(lock) => lock,
            Err(err) => {
                tracing::error!(%task_id, error = %err, "could not start repository lock actor");
                self.record_crash(
                    task_id,
                    format!("could not start the repository lock: {err}"),
                )
                .await;
                let entry = RunEntry {
                    lease,
                    snapshot,
                    cell: None,
                };
                self.settle(entry, true).await;
                return;
            }
        };
        let args = AgentRunArgs {
            deps: self.deps.clone(),
            lease: lease.clone(),
            snapshot: snapshot.clone(),
            lock,
            credentials: self.credentials.clone(),
            budget: self.budget.clone(),
            lineage: self
                .restarts
                .get(&task_id)
                .map(|history| history.lineage.clone())
                .unwrap_or_default(),
        };
        match Actor::spawn_linked(None, AgentRun, args, myself.get_cell()).await {
            Ok((run, _)) => {
                self.started_total += 1;
                let entry = RunEntry {
                    lease,
                    snapshot,
                    cell: Some(run.get_cell()),
                };
                self.runs.insert(run.get_id(), entry);
            }
            Err(err) => {
                tracing::error!(%task_id, error = %err, "could not start agent run");
                self.unlock(&lease).await;
                self.record_crash(task_id, format!("could not start the agent run: {err}"))
                    .await;
                let entry = RunEntry {
                    lease,
                    snapshot,
                    cell: None,
                };
                self.settle(entry, true).await;
            }
        }
    }

    async fn record_crash(&self, task_id: TaskId, message: String) {
        let error = TaskError {
            code: "run_crashed".into(),
            message,
        };
        self.record_failure(task_id, error).await;
    }

    async fn record_failure(&self, task_id: TaskId, error: TaskError) {
        let scope = OrgScope::trusted(self.org_id);
        let store = &self.deps.store;
        let data = json!({"status": "failed", "code": error.code, "message": error.message});
        if let Err(err) = store
            .finish_task(&scope, task_id, &TaskOutcome::Failed(error))
            .await
        {
            tracing::error!(%task_id, error = %err, "could not record run failure");
            return;
        }
        metrics::counter!("orchard_tasks_finished_total", "status" => "failed").increment(1);
        if let Err(err) = store
            .append_event(&scope, task_id, EventKind::Status, data)
            .await
        {
            tracing::error!(%task_id, error = %err, "could not record run failure event");
        }
    }

    /// After a run: ack the lease (unless it was lost), clean up, free the worker slot.
    async fn settle(&self, entry: RunEntry, ack: bool) {
        let task_id = entry.lease.task_id;
        if ack {
            // Before the ack: if the node dies in between, the redelivery finds the task
            // ended and settles it again, and giving back is idempotent.
            let deps = &self.deps;
            let scope = OrgScope::trusted(self.org_id);
            give_back_unused_slot(&*deps.store, &*deps.ledger, &scope, task_id).await;
            // A queue that is briefly away (a restarting Redis) gets a few tries; if the ack
            // still fails, the lease expires and the redelivery finds the task finished.
            for attempt in 1..=3 {
                match self.deps.queue.ack(&entry.lease).await {
                    Ok(()) | Err(QueueError::LeaseLost) => break,
                    Err(err) if attempt == 3 => {
                        tracing::error!(%task_id, error = %err, "could not ack task");
                    }
                    Err(_) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
                }
            }
        }
        self.remove_work_dir(&entry.lease).await;
        self.release(task_id);
    }

    async fn remove_work_dir(&self, lease: &Lease) {
        if self.deps.settings.keep_work_dirs {
            return;
        }
        let dir = work_dir(&self.deps, lease);
        if let Err(err) = tokio::fs::remove_dir_all(&dir).await
            && err.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(task_id = %lease.task_id, error = %err, "could not remove work dir");
        }
    }

    fn release(&self, task_id: TaskId) {
        if let Err(err) = tell(&self.dispatcher, DispatcherMsg::Released(task_id)) {
            tracing::error!(%task_id, error = %err, "dispatcher is gone");
        }
    }
}
