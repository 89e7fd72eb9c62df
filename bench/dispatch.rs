//! Dispatch benchmark: the queue and the dispatcher with a no-op agent.
//!
//! `cargo bench --bench dispatch` (add `-- --quick` for a short run, or words that pick rows
//! by name: `-- everysec`). For each queue (embedded SQLite, Redis on a `redis-server` of its
//! own), composed as the server composes it (acks batched by `BatchedAcks`), it measures
//! - peak throughput: N tasks enqueued up front, the time until every one was dispatched and
//!   acknowledged, as tasks per second;
//! - enqueue→start latency at half that rate: tasks enqueued at a steady pace, each waking the
//!   dispatcher as the API does, and the time from enqueue to dispatch, p50 and p99.
//!
//! The agent is a stand-in root supervisor that acks each task as soon as it is dispatched
//! (acks run concurrently, as they do from many org supervisors) and frees its worker: what is
//! measured is the runtime's own overhead, not an LLM's.
//! Results go to `bench/RESULTS.md` (by hand, with the machine noted).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use orchard::app::ACK_BATCH;
use orchard::db::Db;
use orchard::queue::redis::RedisQueue;
use orchard::queue::sqlite::SqliteQueue;
use orchard::testing::RedisServer;
use orchard_actors::batching::BatchedAcks;
use orchard_actors::dispatcher::{Dispatcher, DispatcherArgs, DispatcherMsg};
use orchard_actors::domain::{OrgId, RepoId, TaskId};
use orchard_actors::observe::tell;
use orchard_actors::ports::Queue;
use orchard_actors::ractor::{Actor, ActorProcessingErr, ActorRef};
use orchard_actors::root_supervisor::RootMsg;
use orchard_actors::runtime::{Deps, RunSettings};
use orchard_actors::testing::{DirGit, MemoryStore, ScriptedLlm, run_settings};
use tokio::sync::Notify;

const ORGS: usize = 16;
const WORKERS: usize = 64;

/// What the no-op agent saw.
#[derive(Default)]
struct Record {
    enqueued: HashMap<TaskId, Instant>,
    latencies: Vec<Duration>,
    done: usize,
}

struct NoopRoot;

struct NoopState {
    queue: Arc<dyn Queue>,
    dispatcher: Arc<Mutex<Option<ActorRef<DispatcherMsg>>>>,
    record: Arc<Mutex<Record>>,
    target: usize,
    finished: Arc<Notify>,
}

type NoopArgs = NoopState;

impl Actor for NoopRoot {
    type Msg = RootMsg;
    type State = NoopState;
    type Arguments = NoopArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<RootMsg>,
        args: NoopArgs,
    ) -> Result<NoopState, ActorProcessingErr> {
        Ok(args)
    }

    async fn handle(
        &self,
        _myself: ActorRef<RootMsg>,
        message: RootMsg,
        state: &mut NoopState,
    ) -> Result<(), ActorProcessingErr> {
        let RootMsg::Dispatch(lease) = message else {
            return Ok(());
        };
        let now = Instant::now();
        {
            let mut record = state.record.lock().unwrap();
            if let Some(at) = record.enqueued.get(&lease.task_id).copied() {
                record.latencies.push(now - at);
            }
        }
        // Acks come from many org supervisors at once in the real tree: run them concurrently.
        let queue = state.queue.clone();
        let record = state.record.clone();
        let dispatcher = state.dispatcher.lock().unwrap().clone();
        let (target, finished) = (state.target, state.finished.clone());
        tokio::spawn(async move {
            queue.ack(&lease).await.expect("ack");
            let done = {
                let mut record = record.lock().unwrap();
                record.done += 1;
                record.done
            };
            if let Some(dispatcher) = dispatcher {
                let _ = tell(&dispatcher, DispatcherMsg::Released(lease.task_id));
            }
            if done == target {
                finished.notify_one();
            }
        });
        Ok(())
    }
}

struct Rig {
    dispatcher: ActorRef<DispatcherMsg>,
    root: ActorRef<RootMsg>,
    record: Arc<Mutex<Record>>,
    finished: Arc<Notify>,
}

async fn rig(queue: Arc<dyn Queue>, target: usize) -> Rig {
    let record = Arc::new(Mutex::new(Record::default()));
    let finished = Arc::new(Notify::new());
    let slot = Arc::new(Mutex::new(None));
    let (root, _) = Actor::spawn(
        None,
        NoopRoot,
        NoopState {
            queue: queue.clone(),
            dispatcher: slot.clone(),
            record: record.clone(),
            target,
            finished: finished.clone(),
        },
    )
    .await
    .unwrap();
    let deps = Arc::new(Deps {
        store: Arc::new(MemoryStore::new()),
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
        settings: RunSettings {
            max_steps: 1,
            lease_ttl: Duration::from_secs(600),
            max_workers: WORKERS,
            max_runs_per_org: WORKERS,
            max_attempts: 5,
            poll_interval: Duration::from_millis(500),
            stale_after: Duration::from_secs(3600),
            watchdog_interval: Duration::from_secs(3600),
            org_idle_after: None,
            ..run_settings(std::env::temp_dir())
        },
    });
    let (dispatcher, _) = Actor::spawn(
        None,
        Dispatcher,
        DispatcherArgs {
            deps,
            root: root.clone(),
            in_flight: HashMap::new(),
            lineage: Default::default(),
        },
    )
    .await
    .unwrap();
    *slot.lock().unwrap() = Some(dispatcher.clone());
    Rig {
        dispatcher,
        root,
        record,
        finished,
    }
}

impl Rig {
    fn stop(self) {
        self.dispatcher.stop(None);
        self.root.stop(None);
    }
}

/// Tasks per second with `n` tasks queued up front.
async fn throughput(queue: Arc<dyn Queue>, n: usize) -> f64 {
    let orgs: Vec<OrgId> = (0..ORGS).map(|_| OrgId::new()).collect();
    for i in 0..n {
        queue
            .enqueue(orgs[i % ORGS], RepoId::new(), TaskId::new())
            .await
            .unwrap();
    }
    let rig = rig(queue, n).await;
    let started = Instant::now();
    tell(&rig.dispatcher, DispatcherMsg::Poll).unwrap();
    rig.finished.notified().await;
    let elapsed = started.elapsed();
    rig.stop();
    n as f64 / elapsed.as_secs_f64()
}

/// Enqueue→dispatch latencies at `rate` tasks per second for `duration`.
async fn latency(
    queue: Arc<dyn Queue>,
    rate: f64,
    duration: Duration,
) -> (Duration, Duration, usize) {
    let n = (rate * duration.as_secs_f64()) as usize;
    let rig = rig(queue.clone(), n).await;
    let orgs: Vec<OrgId> = (0..ORGS).map(|_| OrgId::new()).collect();
    let interval = Duration::from_secs_f64(1.0 / rate);
    let start = Instant::now();
    for i in 0..n {
        let due = start + interval.mul_f64(i as f64);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
        let task = TaskId::new();
        rig.record
            .lock()
            .unwrap()
            .enqueued
            .insert(task, Instant::now());
        queue
            .enqueue(orgs[i % ORGS], RepoId::new(), task)
            .await
            .unwrap();
        // As the API does after an enqueue.
        tell(&rig.dispatcher, DispatcherMsg::Poll).unwrap();
    }
    rig.finished.notified().await;
    let mut latencies = std::mem::take(&mut rig.record.lock().unwrap().latencies);
    rig.stop();
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    (pick(0.50), pick(0.99), latencies.len())
}

async fn run(name: &str, fresh: impl AsyncFn() -> Arc<dyn Queue>, n: usize, quick: bool) {
    let peak = throughput(fresh().await, n).await;
    let duration = Duration::from_secs(if quick { 1 } else { 5 });
    let (p50, p99, samples) = latency(fresh().await, peak / 2.0, duration).await;
    println!(
        "| {name} | {n} | {peak:.0} | {:.0} | {:.2} | {:.2} | {samples} |",
        peak / 2.0,
        p50.as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0,
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // Other words select rows by name: `-- everysec` runs only that one.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(|a| a.to_lowercase())
        .collect();
    let wanted = |name: &str| {
        let name = name.to_lowercase();
        only.is_empty() || only.iter().any(|w| name.contains(w.as_str()))
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!("| queue | tasks | peak tasks/s | load tasks/s | p50 enqueue→start ms | p99 ms | samples |");
        println!("|---|---|---|---|---|---|---|");
        let dir = tempfile::tempdir().unwrap();
        let counter = std::sync::atomic::AtomicUsize::new(0);
        let sqlite = async || -> Arc<dyn Queue> {
            let i = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let db = Db::open(&dir.path().join(format!("bench{i}.db"))).unwrap();
            let queue: Arc<dyn Queue> = Arc::new(SqliteQueue::new(db));
            let batched: Arc<dyn Queue> = Arc::new(BatchedAcks::new(queue, ACK_BATCH));
            batched
        };
        if wanted("embedded (SQLite)") {
            run("embedded (SQLite)", sqlite, if quick { 2_000 } else { 20_000 }, quick).await;
        }

        for fsync in ["always", "everysec"] {
            if !wanted(&format!("Redis (appendfsync {fsync})")) {
                continue;
            }
            let server = RedisServer::start_with_fsync(fsync);
            let redis = async || -> Arc<dyn Queue> {
                let prefix = format!("bench:{}:", uuid::Uuid::now_v7());
                let queue: Arc<dyn Queue> =
                    Arc::new(RedisQueue::connect(&server.url(), &prefix).await.unwrap());
                let batched: Arc<dyn Queue> = Arc::new(BatchedAcks::new(queue, ACK_BATCH));
            batched
            };
            let name = format!("Redis (appendfsync {fsync})");
            run(&name, redis, if quick { 2_000 } else { 20_000 }, quick).await;
        }
    });
}
