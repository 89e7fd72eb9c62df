//! `Dispatcher`: takes leased tasks from the queue and hands them to org supervisors,
//! never more than `max_workers` at a time on this node, nor more than its plan allows of one
//! org (`plan_runs`, else `max_runs_per_org`). The queue serves orgs round-robin; orgs at their
//! cap are skipped, so their backlog waits in the queue without holding a worker.
//!
//! An org's cap is looked up (its plan, from the store) when its first run starts and kept
//! while it has runs here, so a plan change applies from its next run. Until then the org may
//! take as many tasks as the smallest plan allows, which never exceeds its own cap.
//!
//! It polls the queue on a timer and whenever it is woken (a task was submitted, a run
//! ended), so a new task starts without waiting for the next tick.

use std::collections::HashMap;
use std::sync::Arc;

use ractor::concurrency::JoinHandle;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

use crate::domain::{OrgId, OrgScope, TaskId};
use crate::observe::{ActorKind, DispatcherSnapshot, Lineage, Probe, tell, tell_every};
use crate::ports::OrgRoom;
use crate::root_supervisor::RootMsg;
use crate::runtime::Deps;

/// The actor.
#[derive(Debug)]
pub struct Dispatcher;

/// Messages of [`Dispatcher`].
#[derive(Debug)]
pub enum DispatcherMsg {
    /// Look at the queue soon: after the messages already in the mailbox, so that a burst of
    /// wake-ups (submissions, ended runs, ticks) costs one queue round trip, not one each.
    Poll,
    /// Look at the queue now (the dispatcher sends it to itself; see `Poll`).
    Fill,
    /// A run of this task ended; its worker slot is free.
    Released(TaskId),
    /// Reply with a snapshot.
    Observe(RpcReplyPort<DispatcherSnapshot>),
    /// Shutdown: take no new tasks from the queue.
    Drain,
}

/// Start-up arguments.
#[derive(Debug)]
pub struct DispatcherArgs {
    /// Ports and settings.
    pub deps: Arc<Deps>,
    /// Where leased tasks go.
    pub root: ActorRef<RootMsg>,
    /// Runs already going (when a crashed dispatcher is replaced), so caps keep holding.
    pub in_flight: HashMap<TaskId, OrgId>,
    /// Earlier dispatchers of this root.
    pub lineage: Lineage,
}

/// The dispatcher's state.
#[derive(Debug)]
pub struct DispatcherState {
    probe: Probe,
    deps: Arc<Deps>,
    root: ActorRef<RootMsg>,
    in_flight: HashMap<TaskId, OrgId>,
    /// Caps of the orgs with runs in flight.
    caps: HashMap<OrgId, usize>,
    dispatched_total: u64,
    draining: bool,
    fill_scheduled: bool,
    ticker: Option<JoinHandle<()>>,
}

impl Actor for Dispatcher {
    type Msg = DispatcherMsg;
    type State = DispatcherState;
    type Arguments = DispatcherArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: DispatcherArgs,
    ) -> Result<DispatcherState, ActorProcessingErr> {
        let probe = Probe::attach(
            &myself.get_cell(),
            ActorKind::Dispatcher,
            "dispatcher",
            None,
            args.lineage,
        );
        let ticker = tell_every(&myself, args.deps.settings.poll_interval, || {
            DispatcherMsg::Poll
        });
        tell(&myself, DispatcherMsg::Poll)?;
        Ok(DispatcherState {
            probe,
            deps: args.deps,
            root: args.root,
            in_flight: args.in_flight,
            caps: HashMap::new(),
            dispatched_total: 0,
            draining: false,
            fill_scheduled: false,
            ticker: Some(ticker),
        })
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<Self::Msg>,
        state: &mut DispatcherState,
    ) -> Result<(), ActorProcessingErr> {
        if let Some(ticker) = state.ticker.take() {
            ticker.abort();
        }
        Ok(())
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: DispatcherMsg,
        state: &mut DispatcherState,
    ) -> Result<(), ActorProcessingErr> {
        state.probe.handled();
        match message {
            DispatcherMsg::Poll => state.schedule_fill(&myself)?,
            DispatcherMsg::Fill => {
                state.fill_scheduled = false;
                state.fill().await;
            }
            DispatcherMsg::Released(task_id) => {
                state.release(task_id);
                // Runs often end in bursts: one fill after them refills every slot they freed.
                state.schedule_fill(&myself)?;
            }
            DispatcherMsg::Drain => state.draining = true,
            DispatcherMsg::Observe(reply) => {
                let _ = reply.send(DispatcherSnapshot {
                    in_flight: state.in_flight.len(),
                    max_workers: state.deps.settings.max_workers,
                    in_flight_by_org: state.runs_per_org(),
                    dispatched_total: state.dispatched_total,
                });
            }
        }
        Ok(())
    }
}

impl DispatcherState {
    /// Queues one `Fill` behind the mailbox's current messages, unless one is queued already.
    fn schedule_fill(
        &mut self,
        myself: &ActorRef<DispatcherMsg>,
    ) -> Result<(), ActorProcessingErr> {
        if !self.fill_scheduled {
            self.fill_scheduled = true;
            tell(myself, DispatcherMsg::Fill)?;
        }
        Ok(())
    }

    fn release(&mut self, task_id: TaskId) {
        if let Some(org) = self.in_flight.remove(&task_id)
            && !self.in_flight.values().any(|o| *o == org)
        {
            // Looked up again at its next run, so plan changes apply.
            self.caps.remove(&org);
        }
        metrics::gauge!("orchard_runs_in_flight").set(self.in_flight.len() as f64);
    }

    /// The org's cap on this node: its plan's, looked up once while it has runs here.
    async fn learn_cap(&mut self, org: OrgId) -> usize {
        if let Some(cap) = self.caps.get(&org) {
            return *cap;
        }
        let settings = &self.deps.settings;
        let cap = if settings.plan_runs.is_empty() {
            settings.max_runs_per_org
        } else {
            match self.deps.store.org(&OrgScope::trusted(org)).await {
                Ok(found) => settings.runs_for_plan(&found.plan),
                Err(err) => {
                    tracing::warn!(org_id = %org, error = %err, "could not read the org's plan; using the default cap");
                    settings.max_runs_per_org
                }
            }
        };
        self.caps.insert(org, cap);
        cap
    }

    /// Runs in flight per org (at most `max_workers` entries to count).
    fn runs_per_org(&self) -> HashMap<OrgId, usize> {
        let mut counts = HashMap::new();
        for org in self.in_flight.values() {
            *counts.entry(*org).or_default() += 1;
        }
        counts
    }

    /// Fills the free worker slots, one queue round trip at a time, until they are full or
    /// no org under its cap has work.
    async fn fill(&mut self) {
        // Runs handed over from a replaced dispatcher have no cap known yet.
        let orgs: Vec<OrgId> = self.runs_per_org().into_keys().collect();
        for org in orgs {
            self.learn_cap(org).await;
        }
        let deps = self.deps.clone();
        let settings = &deps.settings;
        while !self.draining && self.in_flight.len() < settings.max_workers {
            let free = settings.max_workers - self.in_flight.len();
            let room = OrgRoom {
                default: settings.min_runs_per_org(),
                per_org: self
                    .runs_per_org()
                    .into_iter()
                    .map(|(org, count)| {
                        let cap = self
                            .caps
                            .get(&org)
                            .copied()
                            .unwrap_or(settings.max_runs_per_org);
                        (org, cap.saturating_sub(count))
                    })
                    .collect(),
            };
            let leases = match self
                .deps
                .queue
                .dequeue_many(settings.lease_ttl, free, &room)
                .await
            {
                Ok(leases) => leases,
                Err(err) => {
                    tracing::warn!(error = %err, "dequeue failed");
                    return;
                }
            };
            let exhausted = leases.len() < free;
            // An org seen for the first time may turn out to be allowed more than it got.
            let mut more_room = false;
            for lease in leases {
                if self.in_flight.contains_key(&lease.task_id) {
                    // Delivered again while its run is alive here (the lease expired): the org
                    // supervisor ignores the duplicate and releases it, which must not free
                    // the slot of the live run — so do not count it twice.
                    tracing::warn!(task_id = %lease.task_id, "task redelivered while in flight");
                    continue;
                }
                if !self.caps.contains_key(&lease.org_id) {
                    more_room |= self.learn_cap(lease.org_id).await > room.default;
                }
                self.in_flight.insert(lease.task_id, lease.org_id);
                self.dispatched_total += 1;
                metrics::gauge!("orchard_runs_in_flight").set(self.in_flight.len() as f64);
                if let Err(err) = tell(&self.root, RootMsg::Dispatch(lease)) {
                    tracing::error!(error = %err, "root supervisor is gone");
                    return;
                }
            }
            if exhausted && !more_room {
                return;
            }
        }
    }
}
