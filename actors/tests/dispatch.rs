//! The dispatcher against a recording root: what it hands out, in which order, under which
//! caps. The clock is paused, so "nothing more was dispatched" is checked over many polls
//! without waiting for them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use orchard_actors::dispatcher::{Dispatcher, DispatcherArgs, DispatcherMsg};
use orchard_actors::domain::{OrgId, OrgScope, RepoId, TaskId};
use orchard_actors::observe::tell;
use orchard_actors::ports::{Lease, Queue, Store};
use orchard_actors::ractor::{Actor, ActorProcessingErr, ActorRef};
use orchard_actors::root_supervisor::RootMsg;
use orchard_actors::runtime::{Deps, RunSettings};
use orchard_actors::testing::{DirGit, MemoryQueue, MemoryStore, ScriptedLlm, run_settings};

/// Stands in for the root supervisor: records every dispatched lease.
struct Recorder;

impl Actor for Recorder {
    type Msg = RootMsg;
    type State = Arc<Mutex<Vec<Lease>>>;
    type Arguments = Arc<Mutex<Vec<Lease>>>;

    async fn pre_start(
        &self,
        _myself: ActorRef<RootMsg>,
        log: Self::Arguments,
    ) -> Result<Self::State, ActorProcessingErr> {
        Ok(log)
    }

    async fn handle(
        &self,
        _myself: ActorRef<RootMsg>,
        message: RootMsg,
        log: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        if let RootMsg::Dispatch(lease) = message {
            log.lock().unwrap().push(lease);
        }
        Ok(())
    }
}

struct Setup {
    queue: Arc<MemoryQueue>,
    dispatcher: ActorRef<DispatcherMsg>,
    log: Arc<Mutex<Vec<Lease>>>,
}

async fn setup(max_workers: usize, max_runs_per_org: usize, queue: Arc<MemoryQueue>) -> Setup {
    setup_with(Arc::new(MemoryStore::new()), queue, |s| {
        s.max_workers = max_workers;
        s.max_runs_per_org = max_runs_per_org;
    })
    .await
}

async fn setup_with(
    store: Arc<MemoryStore>,
    queue: Arc<MemoryQueue>,
    tweak: impl FnOnce(&mut RunSettings),
) -> Setup {
    let log = Arc::new(Mutex::new(Vec::new()));
    let (root, _) = Actor::spawn(None, Recorder, log.clone()).await.unwrap();
    let mut settings = run_settings(std::env::temp_dir());
    tweak(&mut settings);
    let deps = Arc::new(Deps {
        store,
        queue: queue.clone(),
        locks: Arc::new(orchard_actors::locks::InProcessLocks::new()),
        vault: Arc::new(orchard_actors::testing::NoKeys),
        llm: Arc::new(ScriptedLlm::new([])),
        git: Arc::new(DirGit::default()),
        ledger: Arc::new(orchard_actors::testing::MemoryLedger::new()),
        clock: Arc::new(orchard_actors::budget::SystemClock),
        memory: None,
        pull_requests: None,
        issues: None,
        settings,
    });
    let args = DispatcherArgs {
        deps,
        root,
        in_flight: Default::default(),
        lineage: Default::default(),
    };
    let (dispatcher, _) = Actor::spawn(None, Dispatcher, args).await.unwrap();
    Setup {
        queue,
        dispatcher,
        log,
    }
}

impl Setup {
    fn dispatched(&self) -> Vec<Lease> {
        self.log.lock().unwrap().clone()
    }

    /// Lets the dispatcher poll many times (the clock is paused: this takes no real time).
    async fn settle(&self) {
        tokio::time::sleep(Duration::from_secs(2)).await;
    }

    fn release(&self, lease: &Lease) {
        tell(&self.dispatcher, DispatcherMsg::Released(lease.task_id)).unwrap();
    }
}

async fn enqueue(queue: &MemoryQueue, org: OrgId, count: usize) {
    for _ in 0..count {
        queue
            .enqueue(org, RepoId::new(), TaskId::new())
            .await
            .unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn global_and_per_org_caps_hold_and_freed_slots_are_refilled() {
    let (a, b) = (OrgId::new(), OrgId::new());
    let queue = Arc::new(MemoryQueue::new());
    enqueue(&queue, a, 5).await;
    enqueue(&queue, b, 5).await;
    let s = setup(4, 2, queue).await;
    s.settle().await;

    let first = s.dispatched();
    let orgs: Vec<OrgId> = first.iter().map(|l| l.org_id).collect();
    assert_eq!(
        orgs,
        [a, b, a, b],
        "round-robin, two of each org, four in all"
    );

    // Freeing one of A's slots lets exactly one more A task start: B is at its cap.
    s.release(&first[0]);
    s.settle().await;
    let second = s.dispatched();
    assert_eq!(second.len(), 5);
    assert_eq!(second[4].org_id, a);

    // Freeing a slot of B lets B's next task start.
    s.release(&first[1]);
    s.settle().await;
    let third = s.dispatched();
    assert_eq!(third.len(), 6);
    assert_eq!(third[5].org_id, b);
    assert_eq!(
        s.queue.len(),
        10,
        "dispatched tasks stay leased until acked"
    );
}

#[tokio::test(start_paused = true)]
async fn a_late_org_gets_the_next_free_worker_despite_a_backlog() {
    let (a, b) = (OrgId::new(), OrgId::new());
    let queue = Arc::new(MemoryQueue::new());
    enqueue(&queue, a, 1000).await;
    let s = setup(2, 2, queue.clone()).await;
    s.settle().await;
    let busy = s.dispatched();
    assert_eq!(busy.len(), 2);

    let late = TaskId::new();
    queue.enqueue(b, RepoId::new(), late).await.unwrap();
    s.release(&busy[0]);
    s.settle().await;
    let next = s.dispatched();
    assert_eq!(next.len(), 3);
    assert_eq!(
        next[2].task_id, late,
        "B's task is among the next max_workers dispatched"
    );
}

/// Each org's cap comes from its plan; an org on a plan without one gets the default. The
/// caps hold from the first fill on, and an org allowed more than the smallest plan gets its
/// full share without waiting for another wake-up.
#[tokio::test(start_paused = true)]
async fn each_org_is_capped_by_its_plan() {
    let store = Arc::new(MemoryStore::new());
    let mut orgs = Vec::new();
    for (name, plan) in [("team", "team"), ("free", "free"), ("legacy", "legacy")] {
        let (org, _) = store
            .create_org_with_owner(name, &format!("{name}@example.test"), "hash")
            .await
            .unwrap();
        let change = orchard_actors::ports::PlanChange {
            plan: plan.into(),
            custom_limits: Default::default(),
        };
        store
            .set_plan(&OrgScope::trusted(org.id), &change)
            .await
            .unwrap();
        orgs.push(org.id);
    }
    let queue = Arc::new(MemoryQueue::new());
    for org in &orgs {
        enqueue(&queue, *org, 6).await;
    }
    let s = setup_with(store, queue, |s| {
        s.max_workers = 20;
        s.max_runs_per_org = 2;
        s.plan_runs = [("free".to_owned(), 1), ("team".to_owned(), 4)].into();
    })
    .await;
    // Only the start-up poll, before the first tick (every 20 ms): the caps are learned
    // within one fill.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let first = s.dispatched();
    let count = |leases: &[Lease], org: OrgId| leases.iter().filter(|l| l.org_id == org).count();
    assert_eq!(
        [
            count(&first, orgs[0]),
            count(&first, orgs[1]),
            count(&first, orgs[2])
        ],
        [4, 1, 2],
        "team 4, free 1, a plan without a cap the default 2"
    );
    s.settle().await;
    assert_eq!(
        s.dispatched().len(),
        7,
        "and no more however often it polls"
    );
}
