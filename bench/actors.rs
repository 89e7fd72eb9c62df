//! Actor benchmarks: what the tree costs per org and per message.
//!
//! `cargo bench --bench actors` runs three parts (pick some with words: `-- spawn`,
//! `-- round_trip`, `-- orgs`):
//! - `spawn`: an `AgentRun` spawned and stopped before its first step (the actor machinery a
//!   task pays for, without the task's work), p50 and p99 over 20,000;
//! - `round_trip`: a message to an `OrgSupervisor` and its answer (`Observe`), p50 and p99
//!   over 100,000;
//! - `orgs`: `BENCH_ORGS` orgs (default 100,000) in the embedded store, each sent one task
//!   through the real queue and dispatcher (a task cancelled before it ran, so each run ends at
//!   its first look at the task: the message activates the org's supervisor tree and nothing
//!   else). Reported: the live heap (a counting allocator) and the resident set with every
//!   org's supervisor tree alive, and again once they have all been passivated
//!   (`org_idle_after` = `BENCH_IDLE_SECS`, default 60), per org.
//!
//! `spawn` and `round_trip` run inside a task on a runtime worker, where the tree itself
//! spawns and asks. Results go to `bench/RESULTS.md` by hand, with the machine noted.

use std::alloc::System;
use std::sync::Arc;
use std::time::{Duration, Instant};

use orchard::budget::sqlite::SqliteLedger;
use orchard::db::Db;
use orchard::queue::sqlite::SqliteQueue;
use orchard::store::sqlite::SqliteStore;
use orchard_actors::agent_run::{AgentRun, AgentRunArgs};
use orchard_actors::budget::Period;
use orchard_actors::budget_actor::BudgetMsg;
use orchard_actors::credentials::CredentialMsg;
use orchard_actors::dispatcher::DispatcherMsg;
use orchard_actors::domain::{NewRepo, NewTask, OrgScope, Provider, TaskId};
use orchard_actors::locks::InProcessLocks;
use orchard_actors::observe::{ActorKind, ActorNode, SharedRunSnapshot, ask, tell, tree};
use orchard_actors::org_supervisor::OrgMsg;
use orchard_actors::ports::{Lease, Queue, Store};
use orchard_actors::ractor::{Actor, ActorCell, ActorRef};
use orchard_actors::repo_lock::{RepoLockActor, RepoLockArgs};
use orchard_actors::root_supervisor::{RootMsg, RootSupervisor};
use orchard_actors::runtime::Deps;
use orchard_actors::testing::{DirGit, NoKeys, ScriptedLlm, run_settings};
use stats::percentile;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[path = "stats.rs"]
mod stats;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Bytes allocated and not freed, process-wide (Rust's allocations; SQLite's own are not
/// counted). stats_alloc already adds a realloc's growth to `bytes_allocated` (and its
/// shrinking to `bytes_deallocated`); `bytes_reallocated` is the same change again, so it
/// is not added (adding it counted every growth twice: 23 KiB "left" per passivated org at
/// 100,000 orgs, where heaptrack saw 0.4 KiB).
fn live_heap() -> i64 {
    let stats = GLOBAL.stats();
    stats.bytes_allocated as i64 - stats.bytes_deallocated as i64
}

/// The resident set, in bytes (from /proc/self/statm).
fn resident() -> i64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: i64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The embedded tree as the server composes it for one node: SQLite store, queue and
/// ledger, in-process locks; no LLM and no git (nothing here reaches them).
struct World {
    store: Arc<SqliteStore>,
    queue: Arc<SqliteQueue>,
    deps: Arc<Deps>,
    root: ActorRef<RootMsg>,
    _dir: tempfile::TempDir,
}

async fn world(idle_after: Option<Duration>) -> World {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = Db::open(&dir.path().join("orchard.db")).expect("the database");
    let store = Arc::new(SqliteStore::new(db.clone()));
    let queue = Arc::new(SqliteQueue::new(db.clone()));
    let mut settings = run_settings(dir.path().join("work"));
    settings.max_workers = 64;
    settings.org_idle_after = idle_after;
    settings.watchdog_interval = Duration::from_secs(3600);
    let deps = Arc::new(Deps {
        store: store.clone(),
        queue: queue.clone(),
        locks: Arc::new(InProcessLocks::new()),
        vault: Arc::new(NoKeys),
        llm: Arc::new(ScriptedLlm::new([])),
        git: Arc::new(DirGit::default()),
        ledger: Arc::new(SqliteLedger::new(db)),
        clock: Arc::new(orchard_actors::budget::SystemClock),
        memory: None,
        pull_requests: None,
        issues: None,
        settings,
    });
    let (root, _) = Actor::spawn(None, RootSupervisor, deps.clone())
        .await
        .expect("the tree");
    World {
        store,
        queue,
        deps,
        root,
        _dir: dir,
    }
}

/// An org with a repository and a task that was cancelled before it ran.
async fn cancelled_task(store: &SqliteStore, n: usize) -> Lease {
    let (org, _) = store
        .create_org_with_owner(&format!("org {n}"), &format!("owner{n}@bench.test"), "h")
        .await
        .expect("an org");
    let scope = OrgScope::trusted(org.id);
    let repo = NewRepo {
        url: format!("https://example.test/{n}.git"),
        provider: Provider::Generic,
        default_branch: None,
        pull_requests: Default::default(),
    };
    let repo = store.create_repo(&scope, repo).await.expect("a repo");
    let task = NewTask {
        id: TaskId::new(),
        quota_period: Period::of(time::OffsetDateTime::now_utc()),
        repo_id: repo.id,
        instruction: "nothing".into(),
        sprint: None,
        max_tokens: None,
        jira_issue: None,
    };
    let task = store.create_task(&scope, task).await.expect("a task");
    store.cancel_task(&scope, task.id).await.expect("cancel");
    Lease {
        org_id: org.id,
        repo_id: repo.id,
        task_id: task.id,
        lease_id: uuid::Uuid::now_v7(),
        delivery: 1,
    }
}

fn count(node: &ActorNode, kind: ActorKind) -> usize {
    usize::from(node.kind == kind) + node.children.iter().map(|c| count(c, kind)).sum::<usize>()
}

fn org_supervisors(root: &ActorRef<RootMsg>) -> usize {
    tree(&root.get_cell()).map_or(0, |t| count(&t, ActorKind::OrgSupervisor))
}

/// The child of `parent` of `kind`, from the census.
fn child(parent: &ActorCell, kind: ActorKind) -> ActorCell {
    let node = tree(parent).expect("the parent is in the census");
    let id = node
        .children
        .iter()
        .find(|c| c.kind == kind)
        .map(|c| c.id.clone())
        .expect("the child");
    parent
        .get_children()
        .into_iter()
        .find(|c| c.get_id().to_string() == id)
        .expect("the child's cell")
}

/// One org's supervisor, started by one cancelled task of its own.
async fn one_org(world: &World) -> (Lease, ActorRef<OrgMsg>) {
    let lease = cancelled_task(&world.store, 0).await;
    world
        .queue
        .enqueue(lease.org_id, lease.repo_id, lease.task_id)
        .await
        .expect("enqueue");
    tell(&world.root, RootMsg::TaskQueued).expect("wake");
    while org_supervisors(&world.root) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let org = child(&world.root.get_cell(), ActorKind::OrgSupervisor);
    (lease, ActorRef::from(org))
}

async fn spawn_stop(world: &World) {
    let (lease, org) = one_org(world).await;
    let credentials: ActorRef<CredentialMsg> =
        ActorRef::from(child(&org.get_cell(), ActorKind::Credentials));
    let budget: ActorRef<BudgetMsg> = ActorRef::from(child(&org.get_cell(), ActorKind::Budget));
    let lock_args = RepoLockArgs {
        org_id: lease.org_id,
        repo_id: lease.repo_id,
        locks: world.deps.locks.clone(),
        ttl: Duration::from_secs(60),
        supervisor: org.clone(),
    };
    let (lock, _) = Actor::spawn(None, RepoLockActor, lock_args)
        .await
        .expect("a lock actor");
    let runs = 20_000;
    let mut took = Vec::with_capacity(runs);
    for _ in 0..runs {
        let args = AgentRunArgs {
            deps: world.deps.clone(),
            lease: lease.clone(),
            snapshot: SharedRunSnapshot::new(lease.task_id),
            lock: lock.clone(),
            credentials: credentials.clone(),
            budget: budget.clone(),
            lineage: Default::default(),
        };
        let started = Instant::now();
        let (run, handle) = Actor::spawn(None, AgentRun, args).await.expect("a run");
        run.stop(None);
        handle.await.expect("the run ends");
        took.push(started.elapsed());
    }
    took.sort();
    println!(
        "spawn: AgentRun spawn + stop, {runs} runs: p50 {:.1} us, p99 {:.1} us",
        micros(percentile(&took, 0.5)),
        micros(percentile(&took, 0.99))
    );
    lock.stop(None);
}

async fn round_trip(world: &World) {
    let (_, org) = one_org(world).await;
    let rounds = 100_000;
    let mut took = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        ask(&org, OrgMsg::Observe, 2_000).await.expect("an answer");
        took.push(started.elapsed());
    }
    took.sort();
    println!(
        "round_trip: OrgSupervisor Observe, {rounds} rounds: p50 {:.2} us, p99 {:.2} us",
        micros(percentile(&took, 0.5)),
        micros(percentile(&took, 0.99))
    );
}

async fn orgs(orgs: usize, idle_after: Duration) {
    let world = world(Some(idle_after)).await;
    let started = Instant::now();
    let mut leases = Vec::with_capacity(orgs);
    for n in 0..orgs {
        leases.push(cancelled_task(&world.store, n).await);
    }
    println!(
        "orgs: {orgs} orgs, repos and cancelled tasks stored in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let (heap_before, rss_before) = (live_heap(), resident());

    let started = Instant::now();
    for lease in &leases {
        world
            .queue
            .enqueue(lease.org_id, lease.repo_id, lease.task_id)
            .await
            .expect("enqueue");
    }
    tell(&world.root, RootMsg::TaskQueued).expect("wake");
    // The dispatcher's own counters: asking the root would ask every org supervisor.
    let dispatcher: ActorRef<DispatcherMsg> =
        ActorRef::from(child(&world.root.get_cell(), ActorKind::Dispatcher));
    loop {
        let seen = ask(&dispatcher, DispatcherMsg::Observe, 60_000)
            .await
            .expect("the dispatcher");
        if seen.dispatched_total as usize >= orgs && seen.in_flight == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let active = org_supervisors(&world.root);
    let (heap_active, rss_active) = (live_heap(), resident());
    println!(
        "orgs: every task dispatched and ended in {:.1} s; {active} org supervisors alive",
        started.elapsed().as_secs_f64()
    );
    let per = |bytes: i64, n: usize| bytes as f64 / n.max(1) as f64 / 1024.0;
    println!(
        "orgs: active: live heap +{:.1} KiB per org tree, resident +{:.1} KiB per org tree",
        per(heap_active - heap_before, active),
        per(rss_active - rss_before, active)
    );

    let waited = Instant::now();
    while org_supervisors(&world.root) > 0 {
        if waited.elapsed() > idle_after * 3 + Duration::from_secs(60) {
            println!("orgs: passivation did not finish");
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Let the stopped actors' tasks and mailboxes go.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let nodes = |n: &ActorNode| -> usize {
        fn all(n: &ActorNode) -> usize {
            1 + n.children.iter().map(all).sum::<usize>()
        }
        all(n)
    };
    println!(
        "orgs: 2 s after the last passivation: live heap {:+.2} KiB per org; {} actors in the tree, {} tokio tasks alive",
        per(live_heap() - heap_before, orgs),
        tree(&world.root.get_cell()).map_or(0, |t| nodes(&t)),
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
    );
    tokio::time::sleep(Duration::from_secs(20)).await;
    let (heap_idle, rss_idle) = (live_heap(), resident());
    println!(
        "orgs: passivated ({} left alive), 22 s after: live heap {:+.2} KiB per org, resident {:+.1} KiB per org \
         (the allocator keeps freed pages: resident stays near its peak)",
        org_supervisors(&world.root),
        per(heap_idle - heap_before, orgs),
        per(rss_idle - rss_before, orgs)
    );
    println!(
        "orgs: totals MiB: heap {:.1} -> {:.1} -> {:.1}, resident {:.1} -> {:.1} -> {:.1}",
        heap_before as f64 / 1048576.0,
        heap_active as f64 / 1048576.0,
        heap_idle as f64 / 1048576.0,
        rss_before as f64 / 1048576.0,
        rss_active as f64 / 1048576.0,
        rss_idle as f64 / 1048576.0
    );
}

fn main() {
    let words: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |part: &str| words.is_empty() || words.iter().any(|w| w == part);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        // Measured from a runtime worker, where the tree spawns and asks (an actor's
        // handler), not from `block_on`'s thread: from there every spawn and every answer
        // crosses to a worker thread, a wake-up the server never pays.
        if wants("spawn") {
            tokio::spawn(async { spawn_stop(&world(None).await).await })
                .await
                .expect("the spawn bench");
        }
        if wants("round_trip") {
            tokio::spawn(async { round_trip(&world(None).await).await })
                .await
                .expect("the round-trip bench");
        }
        if wants("orgs") {
            let n = std::env::var("BENCH_ORGS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(100_000);
            let idle = std::env::var("BENCH_IDLE_SECS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(60);
            orgs(n, Duration::from_secs(idle)).await;
        }
    });
}
