//! `RootSupervisor`: the top of the tree. It owns the dispatcher and starts one
//! [`OrgSupervisor`] per organization the first time that org has work.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use ractor::{Actor, ActorId, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent};

use crate::dispatcher::{Dispatcher, DispatcherArgs, DispatcherMsg};
use crate::domain::{OrgId, TaskId};
use crate::observe::{ActorKind, Lineage, OrgSnapshot, Probe, TreeSnapshot, ask, tell};
use crate::org_supervisor::{OrgMsg, OrgSupervisor, OrgSupervisorArgs};
use crate::ports::Lease;
use crate::runtime::Deps;
use crate::watchdog::{Watchdog, WatchdogArgs};

/// How long the root waits for a child's snapshot.
const OBSERVE_TIMEOUT_MS: u64 = 2000;
/// How long the root waits for an org supervisor to stop its runs at shutdown.
const EVACUATE_TIMEOUT_MS: u64 = 10_000;

/// The actor.
#[derive(Debug)]
pub struct RootSupervisor;

/// Messages of [`RootSupervisor`].
#[derive(Debug)]
pub enum RootMsg {
    /// A leased task for some org (from the dispatcher).
    Dispatch(Lease),
    /// A task was submitted: wake the dispatcher.
    TaskQueued,
    /// A task was cancelled: stop its run if one is alive on this node.
    Cancel(OrgId, TaskId),
    /// The watchdog's round: every org supervisor checks its runs' heartbeats.
    Reap,
    /// Shutdown: take no new work, let runs finish for up to `grace`, then give the tasks of
    /// the runs still going back to the queue. Replies with how many were given back.
    Shutdown(Duration, RpcReplyPort<usize>),
    /// Reply with a snapshot of the whole tree.
    Observe(RpcReplyPort<TreeSnapshot>),
    /// The org's supervisor (this actor) has been idle for `org_idle_after`: passivate it.
    OrgIdle(OrgId, ActorId),
}

/// The root's state.
#[derive(Debug)]
pub struct RootState {
    probe: Probe,
    deps: Arc<Deps>,
    dispatcher: ActorRef<DispatcherMsg>,
    /// The dispatcher's earlier incarnations.
    dispatcher_lineage: Lineage,
    orgs: HashMap<OrgId, ActorRef<OrgMsg>>,
    /// Earlier org supervisors of each org that stopped (an org's next one continues them).
    org_lineage: HashMap<OrgId, Lineage>,
}

async fn spawn_dispatcher(
    myself: &ActorRef<RootMsg>,
    deps: &Arc<Deps>,
    in_flight: HashMap<TaskId, OrgId>,
    lineage: Lineage,
) -> Result<ActorRef<DispatcherMsg>, ActorProcessingErr> {
    let args = DispatcherArgs {
        deps: deps.clone(),
        root: myself.clone(),
        in_flight,
        lineage,
    };
    let (dispatcher, _) = Actor::spawn_linked(None, Dispatcher, args, myself.get_cell()).await?;
    Ok(dispatcher)
}

impl Actor for RootSupervisor {
    type Msg = RootMsg;
    type State = RootState;
    type Arguments = Arc<Deps>;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        deps: Arc<Deps>,
    ) -> Result<RootState, ActorProcessingErr> {
        let probe = Probe::attach(
            &myself.get_cell(),
            ActorKind::RootSupervisor,
            "root",
            None,
            Lineage::default(),
        );
        let dispatcher =
            spawn_dispatcher(&myself, &deps, HashMap::new(), Lineage::default()).await?;
        let watchdog = WatchdogArgs {
            root: myself.clone(),
            interval: deps.settings.watchdog_interval,
        };
        Actor::spawn_linked(None, Watchdog, watchdog, myself.get_cell()).await?;
        Ok(RootState {
            probe,
            deps,
            dispatcher,
            dispatcher_lineage: Lineage::default(),
            orgs: HashMap::new(),
            org_lineage: HashMap::new(),
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: RootMsg,
        state: &mut RootState,
    ) -> Result<(), ActorProcessingErr> {
        state.probe.handled();
        match message {
            RootMsg::Dispatch(lease) => {
                let org = state.org_supervisor(&myself, lease.org_id).await?;
                tell(&org, OrgMsg::StartRun(lease))?;
            }
            RootMsg::Cancel(org_id, task_id) => {
                // An org without a supervisor has no run to stop; its queued entry is skipped
                // when dequeued, since the task is no longer queued.
                if let Some(org) = state.orgs.get(&org_id) {
                    tell(org, OrgMsg::Cancel(task_id))?;
                }
            }
            RootMsg::Shutdown(grace, reply) => {
                let evacuated = state.shutdown(grace).await;
                let _ = reply.send(evacuated);
            }
            RootMsg::Reap => {
                for org in state.orgs.values() {
                    tell(org, OrgMsg::Reap)?;
                }
            }
            RootMsg::OrgIdle(org_id, id) => state.passivate(org_id, id).await,
            RootMsg::TaskQueued => {
                tell(&state.dispatcher, DispatcherMsg::Poll)?;
            }
            RootMsg::Observe(reply) => {
                let dispatcher = ask(
                    &state.dispatcher,
                    DispatcherMsg::Observe,
                    OBSERVE_TIMEOUT_MS,
                )
                .await
                .unwrap_or_default();
                let mut orgs: Vec<OrgSnapshot> = Vec::new();
                for org in state.orgs.values() {
                    if let Ok(snapshot) = ask(org, OrgMsg::Observe, OBSERVE_TIMEOUT_MS).await {
                        orgs.push(snapshot);
                    }
                }
                orgs.sort_by_key(|o| o.org_id);
                let _ = reply.send(TreeSnapshot { dispatcher, orgs });
            }
        }
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<Self::Msg>,
        event: SupervisionEvent,
        state: &mut RootState,
    ) -> Result<(), ActorProcessingErr> {
        let (cell, failure) = match event {
            SupervisionEvent::ActorTerminated(cell, _, reason) => (cell, reason),
            SupervisionEvent::ActorFailed(cell, err) => (cell, Some(err.to_string())),
            _ => return Ok(()),
        };
        if cell.get_id() == state.dispatcher.get_id() {
            tracing::error!(reason = ?failure, "dispatcher stopped; starting a new one");
            metrics::counter!("orchard_actor_restarts_total", "actor" => "dispatcher").increment(1);
            // Give a failing backend a moment before polling it again.
            tokio::time::sleep(Duration::from_millis(100)).await;
            // The runs going on now hold worker slots: seed the new dispatcher with them, and
            // point the org supervisors at it.
            let mut in_flight = HashMap::new();
            for (org_id, org) in &state.orgs {
                if let Ok(snapshot) = ask(org, OrgMsg::Observe, OBSERVE_TIMEOUT_MS).await {
                    let tasks = snapshot.runs.iter().map(|r| r.task_id);
                    for task_id in tasks.chain(snapshot.restarting.iter().copied()) {
                        in_flight.insert(task_id, *org_id);
                    }
                }
            }
            state
                .dispatcher_lineage
                .failed(failure.as_deref().unwrap_or("stopped"));
            let lineage = state.dispatcher_lineage.clone();
            state.dispatcher = spawn_dispatcher(&myself, &state.deps, in_flight, lineage).await?;
            for org in state.orgs.values() {
                tell(org, OrgMsg::NewDispatcher(state.dispatcher.clone()))?;
            }
            return Ok(());
        }
        let gone = state
            .orgs
            .iter()
            .find(|(_, org)| org.get_id() == cell.get_id())
            .map(|(org_id, _)| *org_id);
        if let Some(org_id) = gone {
            tracing::error!(%org_id, reason = ?failure, "org supervisor stopped");
            state.orgs.remove(&org_id);
            let reason = failure.as_deref().unwrap_or("stopped");
            state.org_lineage.entry(org_id).or_default().failed(reason);
        }
        Ok(())
    }
}

impl RootState {
    async fn shutdown(&mut self, grace: Duration) -> usize {
        tell(&self.dispatcher, DispatcherMsg::Drain).ok();
        let deadline = tokio::time::Instant::now() + grace;
        loop {
            let in_flight = ask(&self.dispatcher, DispatcherMsg::Observe, OBSERVE_TIMEOUT_MS)
                .await
                .map(|s| s.in_flight)
                .unwrap_or(0);
            if in_flight == 0 || tokio::time::Instant::now() >= deadline {
                tracing::info!(in_flight, "shutdown: grace period over");
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut evacuated = 0;
        for (org_id, org) in &self.orgs {
            match ask(org, OrgMsg::Evacuate, EVACUATE_TIMEOUT_MS).await {
                Ok(count) => evacuated += count,
                Err(err) => tracing::error!(%org_id, error = %err, "evacuation failed"),
            }
        }
        evacuated
    }

    /// Stops the org's supervisor `id` if it is still the org's and still idle. Asking it
    /// goes through its mailbox, behind anything sent to it before; and while the root waits
    /// for the answer it routes nothing, so nothing reaches the supervisor between its "idle"
    /// and its stop. The org's next message starts a new one (its state is in the ports).
    async fn passivate(&mut self, org_id: OrgId, id: ActorId) {
        let Some(org) = self.orgs.get(&org_id).filter(|o| o.get_id() == id) else {
            return;
        };
        if let Ok(true) = ask(org, OrgMsg::Passivate, OBSERVE_TIMEOUT_MS).await {
            let org = self.orgs.remove(&org_id);
            if let Some(org) = org {
                org.stop(Some("passivated".into()));
            }
            tracing::debug!(%org_id, "org supervisor passivated");
        }
    }

    async fn org_supervisor(
        &mut self,
        myself: &ActorRef<RootMsg>,
        org_id: OrgId,
    ) -> Result<ActorRef<OrgMsg>, ActorProcessingErr> {
        if let Some(org) = self.orgs.get(&org_id) {
            return Ok(org.clone());
        }
        let args = OrgSupervisorArgs {
            org_id,
            deps: self.deps.clone(),
            dispatcher: self.dispatcher.clone(),
            lineage: self.org_lineage.get(&org_id).cloned().unwrap_or_default(),
            root: myself.clone(),
        };
        let (org, _) = Actor::spawn_linked(None, OrgSupervisor, args, myself.get_cell()).await?;
        self.orgs.insert(org_id, org.clone());
        Ok(org)
    }
}
