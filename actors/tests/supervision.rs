//! The tree with in-memory ports: runs succeed through the real actors, and a crashing run
//! is reported to its org supervisor, which marks the task failed with the reason.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use orchard_actors::budget::{
    BudgetLedger, BudgetState, LedgerError, Limits, Period, Reservation, ReserveRequest, Settled,
};
use orchard_actors::domain::{
    Credential, CredentialId, CredentialProvider, NewRepo, NewTask, OrgId, OrgScope, Provider,
    PullRequestMode, RepoId, SealedSecret, Task, TaskId, TaskStatus, TokenUsage,
};
use orchard_actors::locks::InProcessLocks;
use orchard_actors::observe::{ask, tell};
use orchard_actors::ports::{
    ChatResponse, Lease, LlmError, LockService, OrgRoom, Queue, QueueError, RepoLock, Store,
    ToolCall,
};
use orchard_actors::ractor::{Actor, ActorRef};
use orchard_actors::root_supervisor::{RootMsg, RootSupervisor};
use orchard_actors::runtime::{Deps, RunSettings};
use orchard_actors::testing::{
    DirGit, MemoryForge, MemoryLedger, MemoryQueue, MemoryStore, ScriptedLlm, run_settings,
};

struct Harness {
    store: Arc<MemoryStore>,
    queue: Arc<MemoryQueue>,
    /// The queue as the tree sees it, where faults are injected.
    faulty: Arc<FaultyQueue>,
    locks: Arc<InProcessLocks>,
    ledger: Arc<MemoryLedger>,
    /// The ledger as the tree sees it, where settle failures are injected.
    flaky_ledger: Arc<FlakyLedger>,
    git: Arc<DirGit>,
    llm: Arc<ScriptedLlm>,
    forge: Arc<MemoryForge>,
    root: ActorRef<RootMsg>,
    scope: OrgScope,
    source: tempfile::TempDir,
    _work: tempfile::TempDir,
}

/// The harness's queue, with a fault to inject: the next `dequeue_many` panics (in the
/// dispatcher, which calls it).
struct FaultyQueue {
    inner: Arc<MemoryQueue>,
    panic_next_dequeue: AtomicBool,
}

#[async_trait::async_trait]
impl Queue for FaultyQueue {
    async fn enqueue(&self, org: OrgId, repo: RepoId, task: TaskId) -> Result<(), QueueError> {
        self.inner.enqueue(org, repo, task).await
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
        if self.panic_next_dequeue.swap(false, Ordering::SeqCst) {
            panic!("injected fault in dequeue_many");
        }
        self.inner.dequeue_many(ttl, max, room).await
    }
    async fn renew(&self, lease: &Lease, ttl: Duration) -> Result<(), QueueError> {
        self.inner.renew(lease, ttl).await
    }
    async fn ack(&self, lease: &Lease) -> Result<(), QueueError> {
        self.inner.ack(lease).await
    }
    async fn release(&self, lease: &Lease) -> Result<(), QueueError> {
        self.inner.release(lease).await
    }
    async fn recover(&self) -> Result<u64, QueueError> {
        self.inner.recover().await
    }
}

/// The harness's ledger as the tree sees it: the next `failing_settles` settles fail as a
/// briefly unreachable backend would.
struct FlakyLedger {
    inner: Arc<MemoryLedger>,
    failing_settles: std::sync::atomic::AtomicU32,
}

#[async_trait::async_trait]
impl BudgetLedger for FlakyLedger {
    async fn take_task_slot(
        &self,
        org: OrgId,
        period: Period,
        task: TaskId,
        quota: Option<u64>,
    ) -> Result<u64, LedgerError> {
        self.inner.take_task_slot(org, period, task, quota).await
    }
    async fn return_task_slot(
        &self,
        org: OrgId,
        period: Period,
        task: TaskId,
    ) -> Result<bool, LedgerError> {
        self.inner.return_task_slot(org, period, task).await
    }
    async fn tasks_used(&self, org: OrgId, period: Period) -> Result<u64, LedgerError> {
        self.inner.tasks_used(org, period).await
    }
    async fn reserve(&self, request: &ReserveRequest) -> Result<Reservation, LedgerError> {
        self.inner.reserve(request).await
    }
    async fn settle(&self, reservation: &Reservation, actual: u64) -> Result<Settled, LedgerError> {
        let failing = &self.failing_settles;
        if failing
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(LedgerError::Backend("connection refused".into()));
        }
        self.inner.settle(reservation, actual).await
    }
    async fn release(&self, reservation: &Reservation) -> Result<(), LedgerError> {
        self.inner.release(reservation).await
    }
    async fn budget_state(&self, org: OrgId, period: Period) -> Result<BudgetState, LedgerError> {
        self.inner.budget_state(org, period).await
    }
}

fn call(id: &str, name: &str, arguments: &str) -> ToolCall {
    ToolCall {
        id: id.into(),
        name: name.into(),
        arguments: arguments.into(),
    }
}

fn answer(calls: Vec<ToolCall>, prompt: u64, completion: u64) -> Result<ChatResponse, LlmError> {
    Ok(ChatResponse {
        content: None,
        tool_calls: calls,
        usage: TokenUsage { prompt, completion },
    })
}

async fn harness(script: Vec<Result<ChatResponse, LlmError>>, git: DirGit) -> Harness {
    harness_with(script, git, |_| {}).await
}

async fn harness_with(
    script: Vec<Result<ChatResponse, LlmError>>,
    git: DirGit,
    tweak: impl FnOnce(&mut RunSettings),
) -> Harness {
    let store = Arc::new(MemoryStore::new());
    let queue = Arc::new(MemoryQueue::new());
    let locks = Arc::new(InProcessLocks::new());
    let ledger = Arc::new(MemoryLedger::new());
    let flaky_ledger = Arc::new(FlakyLedger {
        inner: ledger.clone(),
        failing_settles: Default::default(),
    });
    let git = Arc::new(git);
    let llm = Arc::new(ScriptedLlm::new(script));
    let forge = Arc::new(MemoryForge::default());
    let work = tempfile::tempdir().unwrap();
    let source = tempfile::tempdir().unwrap();
    std::fs::write(source.path().join("main.rs"), "fn main() {}\n").unwrap();
    let (org, _) = store
        .create_org_with_owner("acme", "a@acme.test", "hash")
        .await
        .unwrap();
    let mut settings = run_settings(work.path().to_path_buf());
    tweak(&mut settings);
    let faulty = Arc::new(FaultyQueue {
        inner: queue.clone(),
        panic_next_dequeue: AtomicBool::new(false),
    });
    let deps = Arc::new(Deps {
        store: store.clone(),
        queue: faulty.clone(),
        locks: locks.clone(),
        vault: Arc::new(orchard_actors::testing::PlainVault),
        llm: llm.clone(),
        git: git.clone(),
        ledger: flaky_ledger.clone(),
        clock: Arc::new(orchard_actors::budget::SystemClock),
        memory: None,
        pull_requests: Some(forge.clone()),
        issues: None,
        settings,
    });
    let (root, _) = Actor::spawn(None, RootSupervisor, deps).await.unwrap();
    Harness {
        store,
        queue,
        faulty,
        locks,
        ledger,
        flaky_ledger,
        git,
        llm,
        forge,
        root,
        scope: OrgScope::trusted(org.id),
        source,
        _work: work,
    }
}

impl Harness {
    /// Records a repository at `url` and a task on it for `scope`, without queueing it.
    async fn create_task(&self, scope: &OrgScope, url: &Path, instruction: &str) -> Task {
        let repo = NewRepo {
            url: url.to_string_lossy().into_owned(),
            provider: Provider::Generic,
            default_branch: None,
            pull_requests: Default::default(),
        };
        let repo = self.store.create_repo(scope, repo).await.unwrap();
        let task = NewTask {
            id: TaskId::new(),
            quota_period: Period::of(time::OffsetDateTime::now_utc()),
            repo_id: repo.id,
            instruction: instruction.into(),
            sprint: None,
            max_tokens: None,
            jira_issue: None,
        };
        self.store.create_task(scope, task).await.unwrap()
    }

    /// A task on the harness's repository, queued, the dispatcher woken.
    async fn submit(&self, instruction: &str) -> Task {
        let task = self
            .create_task(&self.scope, self.source.path(), instruction)
            .await;
        self.queue_task(&task).await;
        task
    }

    /// Queues a recorded task and wakes the dispatcher.
    async fn queue_task(&self, task: &Task) {
        self.queue
            .enqueue(self.scope.org_id(), task.repo_id, task.id)
            .await
            .unwrap();
        tell(&self.root, RootMsg::TaskQueued).unwrap();
    }

    /// Who holds the lock of the task's repository.
    async fn lock_holder(&self, task: &Task) -> Option<RepoLock> {
        self.locks
            .holder(self.scope.org_id(), task.repo_id)
            .await
            .unwrap()
    }

    /// Takes the lock of the task's repository for somebody else (another node's run).
    async fn lock_elsewhere(&self, task: &Task, ttl: Duration) -> RepoLock {
        self.locks
            .try_acquire(self.scope.org_id(), task.repo_id, TaskId::new(), ttl)
            .await
            .unwrap()
            .expect("the repository is free")
    }

    /// Waits until the task's run holds its repository's lock.
    async fn wait_locked(&self, task: &Task) -> RepoLock {
        for _ in 0..1_000 {
            if let Some(lock) = self.lock_holder(task).await {
                return lock;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the run never took the lock");
    }

    /// Waits for a `queued` status event with `reason`.
    async fn wait_requeued(&self, task: &Task, reason: &str) {
        for _ in 0..10_000 {
            let events = self
                .store
                .task_events(&self.scope, task.id, 0)
                .await
                .unwrap();
            if events
                .iter()
                .any(|e| e.data["status"] == "queued" && e.data["reason"] == reason)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the task was never requeued with reason {reason}");
    }

    /// The fencing tokens of the task's runs, from their checkout events.
    async fn lock_tokens(&self, task: &Task) -> Vec<u64> {
        let events = self
            .store
            .task_events(&self.scope, task.id, 0)
            .await
            .unwrap();
        events
            .iter()
            .filter(|e| e.kind.as_str() == "checkout")
            .map(|e| e.data["lock_token"].as_u64().expect("a lock token"))
            .collect()
    }

    async fn wait_finished(&self, task: &Task) -> Task {
        for _ in 0..12_000 {
            let current = self.store.task(&self.scope, task.id).await.unwrap();
            if current.status.is_terminal() && self.queue.is_empty() {
                return current;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("task did not finish");
    }

    /// The tree once every worker slot is free again.
    async fn idle_tree(&self) -> orchard_actors::observe::TreeSnapshot {
        for _ in 0..500 {
            let tree = ask(&self.root, RootMsg::Observe, 2000).await.unwrap();
            if tree.dispatcher.in_flight == 0 {
                return tree;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("worker slots were not freed");
    }
}

#[tokio::test]
async fn a_run_goes_through_the_tree_and_records_its_result() {
    let h = harness(
        vec![
            answer(vec![call("1", "list_files", "{}")], 10, 2),
            answer(
                vec![
                    call("2", "read_file", r#"{"path":"../outside"}"#),
                    call("3", "write_file", r#"{"path":"notes.md","content":"hi"}"#),
                ],
                20,
                4,
            ),
            answer(
                vec![call("4", "finish", r#"{"summary":"add notes"}"#)],
                30,
                6,
            ),
        ],
        DirGit::default(),
    )
    .await;
    let task = h.submit("write notes").await;
    let done = h.wait_finished(&task).await;

    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.error);
    assert_eq!(done.attempts, 1);
    assert_eq!(
        done.tokens,
        TokenUsage {
            prompt: 60,
            completion: 12
        }
    );
    assert_eq!(
        done.branch.as_deref(),
        Some(format!("orchard/{}", task.id).as_str())
    );
    assert_eq!(done.summary.as_deref(), Some("add notes"));
    let pushed = h.git.pushed();
    assert_eq!(pushed.len(), 1);
    assert_eq!(pushed[0].changed_paths, vec!["notes.md".to_owned()]);
    assert_eq!(pushed[0].message, "add notes");

    // The model saw the refusal of `..` as a tool result, and the run went on.
    let requests = h.llm.requests();
    let third = format!("{:?}", requests[2].messages);
    assert!(third.contains("`..` is not allowed"), "{third}");

    // One event per LLM call and per tool call, plus status, checkout and commit.
    let events = h.store.task_events(&h.scope, task.id, 0).await.unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "status",
            "checkout",
            "llm_call",
            "tool_call",
            "llm_call",
            "tool_call",
            "tool_call",
            "llm_call",
            "tool_call",
            "commit",
            "status"
        ]
    );

    let tree = h.idle_tree().await;
    assert_eq!(
        tree.orgs.len(),
        1,
        "one org supervisor, started on first use"
    );
    assert_eq!(tree.orgs[0].org_id, h.scope.org_id());
    assert_eq!(tree.orgs[0].started_total, 1);
    assert_eq!(h.lock_tokens(&task).await.len(), 1, "the run took the lock");
    assert_eq!(h.lock_holder(&task).await, None, "and freed it");
}

/// The clock is paused: tokio advances it whenever every task is idle, so the backoff delays
/// are measured exactly, without waiting for them.
#[tokio::test(start_paused = true)]
async fn a_crashing_run_is_restarted_with_backoff_then_fails_with_the_reason() {
    let h = harness(vec![], DirGit::panicking("disk on fire")).await;
    let task = h.submit("anything").await;
    let done = h.wait_finished(&task).await;

    // Four runs: the first, then three restarts after ~1 s, ~2 s, ~4 s (±10 % jitter).
    let starts = h.git.checkouts();
    assert_eq!(starts.len(), 4, "one run and three restarts");
    for (i, nominal) in [1.0, 2.0, 4.0].into_iter().enumerate() {
        let gap = (starts[i + 1] - starts[i]).as_secs_f64();
        assert!(
            (nominal * 0.9..=nominal * 1.1 + 0.05).contains(&gap),
            "restart {} came after {gap:.3}s, expected ~{nominal}s",
            i + 1
        );
    }

    // The fourth failure within the window failed the task with the last error.
    assert_eq!(done.status, TaskStatus::Failed);
    assert_eq!(done.attempts, 4);
    let error = done.error.unwrap();
    assert_eq!(error.code, "run_crashed");
    assert!(error.message.contains("disk on fire"), "{}", error.message);
    assert!(error.message.contains("4 times"), "{}", error.message);

    // Each restart is an event.
    let events = h.store.task_events(&h.scope, task.id, 0).await.unwrap();
    let restarts: Vec<_> = events
        .iter()
        .filter(|e| e.kind.as_str() == "restart")
        .collect();
    assert_eq!(restarts.len(), 3);
    assert_eq!(restarts[2].data["restart"], 3);

    let tree = h.idle_tree().await;
    assert_eq!(tree.orgs[0].failed_total, 4);
    assert!(tree.orgs[0].runs.is_empty() && tree.orgs[0].restarting.is_empty());

    // Each crashed run freed the lock; the next run took it again.
    assert_eq!(h.lock_holder(&task).await, None);
}

#[tokio::test]
async fn llm_failures_are_retried_when_transient_and_fail_fast_when_permanent() {
    let transient = || {
        Err(LlmError::Transient {
            message: "HTTP 429".into(),
            retry_after: Some(Duration::from_millis(1)),
        })
    };
    let h = harness(
        vec![
            transient(),
            transient(),
            answer(
                vec![call("1", "finish", r#"{"summary":"nothing to do"}"#)],
                1,
                1,
            ),
            Err(LlmError::Permanent {
                message: "HTTP 401: bad key".into(),
            }),
        ],
        DirGit::default(),
    )
    .await;
    let first = h.submit("no-op").await;
    let done = h.wait_finished(&first).await;
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert_eq!(done.branch, None, "no changes, no branch");
    assert_eq!(
        done.tokens.total(),
        2,
        "the retried call's tokens are counted once"
    );
    assert!(h.git.pushed().is_empty());

    let second = h.submit("will fail").await;
    let failed = h.wait_finished(&second).await;
    assert_eq!(failed.status, TaskStatus::Failed);
    let error = failed.error.unwrap();
    assert_eq!(error.code, "llm_error");
    assert!(error.message.contains("401"));
    assert_eq!(
        h.llm.requests().len(),
        4,
        "the permanent error was not retried"
    );
}

#[tokio::test]
async fn a_run_that_never_finishes_stops_at_the_step_limit() {
    let script = (0..10)
        .map(|i| answer(vec![call(&i.to_string(), "list_files", "{}")], 1, 1))
        .collect();
    let h = harness(script, DirGit::default()).await;
    let task = h.submit("loop forever").await;
    let done = h.wait_finished(&task).await;
    assert_eq!(done.status, TaskStatus::Failed);
    assert_eq!(done.error.unwrap().code, "step_limit");
    assert_eq!(done.tokens.total(), 10, "five calls were made and counted");
    assert_eq!(
        h.lock_holder(&task).await,
        None,
        "a failed run frees its lock"
    );
}

#[tokio::test]
async fn a_task_delivered_more_than_max_attempts_times_is_dead_lettered() {
    let h = harness(vec![], DirGit::default()).await;
    let task = h.create_task(&h.scope, h.source.path(), "doomed").await;
    // Three deliveries whose holders "died": leased with no time to live. The in-memory
    // queue never yields, so the dispatcher cannot take the task in between.
    h.queue
        .enqueue(h.scope.org_id(), task.repo_id, task.id)
        .await
        .unwrap();
    for _ in 0..3 {
        h.queue.dequeue(Duration::ZERO, &[]).await.unwrap().unwrap();
    }
    tell(&h.root, RootMsg::TaskQueued).unwrap();

    let done = h.wait_finished(&task).await;
    assert_eq!(done.status, TaskStatus::Failed);
    let error = done.error.unwrap();
    assert_eq!(error.code, "max_attempts");
    assert!(error.message.contains("4 times"), "{}", error.message);
    assert!(h.git.checkouts().is_empty(), "no run was attempted");
    assert!(h.llm.requests().is_empty());
}

fn hanging_git(hangs: usize) -> DirGit {
    let git = DirGit::default();
    git.hang_checkouts
        .store(hangs, std::sync::atomic::Ordering::SeqCst);
    git
}

/// A run stuck in a clone that never returns stops heartbeating; the watchdog stops it and
/// the task fails with `stale`, its lease released. The clock is paused.
#[tokio::test(start_paused = true)]
async fn a_silent_run_is_stopped_by_the_watchdog_and_its_task_fails() {
    let h = harness(vec![], hanging_git(1)).await;
    let task = h.submit("hangs").await;
    let started = tokio::time::Instant::now();
    let done = h.wait_finished(&task).await;
    assert_eq!(done.status, TaskStatus::Failed);
    let error = done.error.unwrap();
    assert_eq!(error.code, "stale");
    assert!(error.message.contains("60s"), "{}", error.message);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(60) && waited <= Duration::from_secs(63),
        "stopped after {waited:?}, stale_after is 60 s, checked every second"
    );
    let tree = h.idle_tree().await;
    assert!(tree.orgs[0].runs.is_empty());
    assert_eq!(
        h.lock_holder(&task).await,
        None,
        "the killed run's lock is free"
    );
}

/// With `stale_requeue`, the stale run's task goes back to the queue and a new run
/// completes it.
#[tokio::test(start_paused = true)]
async fn a_silent_run_can_be_requeued_instead() {
    let script = vec![answer(
        vec![call("1", "finish", r#"{"summary":"done"}"#)],
        1,
        1,
    )];
    let h = harness_with(script, hanging_git(1), |s| s.stale_requeue = true).await;
    let task = h.submit("hangs once").await;
    let done = h.wait_finished(&task).await;
    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.error);
    assert_eq!(done.attempts, 2);
    assert_eq!(h.git.checkouts().len(), 2);
    let events = h.store.task_events(&h.scope, task.id, 0).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.data["status"] == "queued" && e.data["reason"] == "stale")
    );
}

/// One org's runs crash again and again; another org's task, submitted at the same time,
/// runs to the end under its own supervisor, which sees no failure at all.
#[tokio::test(start_paused = true)]
async fn a_crash_in_one_orgs_run_leaves_other_orgs_alone() {
    let mut git = DirGit::default();
    git.panic_when_url_contains = Some("crashy".into());
    let script = vec![answer(
        vec![call("1", "finish", r#"{"summary":"fine"}"#)],
        1,
        1,
    )];
    let h = harness(script, git).await;
    let crashy = h.source.path().join("crashy");
    std::fs::create_dir_all(&crashy).unwrap();
    std::fs::write(crashy.join("a.txt"), "a").unwrap();

    let (other_org, _) = h
        .store
        .create_org_with_owner("globex", "b@globex.test", "hash")
        .await
        .unwrap();
    let other = OrgScope::trusted(other_org.id);
    let mut tasks = Vec::new();
    for (scope, url) in [(h.scope, crashy.as_path()), (other, h.source.path())] {
        let task = h.create_task(&scope, url, "go").await;
        h.queue
            .enqueue(scope.org_id(), task.repo_id, task.id)
            .await
            .unwrap();
        tasks.push((scope, task.id));
    }
    tell(&h.root, RootMsg::TaskQueued).unwrap();

    let mut ended = Vec::new();
    for (scope, id) in &tasks {
        let mut task = h.store.task(scope, *id).await.unwrap();
        for _ in 0..12_000 {
            if task.status.is_terminal() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            task = h.store.task(scope, *id).await.unwrap();
        }
        ended.push(task);
    }
    assert_eq!(ended[0].status, TaskStatus::Failed);
    assert_eq!(ended[0].error.as_ref().unwrap().code, "run_crashed");
    assert_eq!(
        ended[1].status,
        TaskStatus::Succeeded,
        "{:?}",
        ended[1].error
    );

    let tree = h.idle_tree().await;
    let by_org = |org| tree.orgs.iter().find(|o| o.org_id == org).unwrap();
    assert_eq!(
        by_org(h.scope.org_id()).failed_total,
        4,
        "one run and three restarts"
    );
    assert_eq!(
        by_org(other.org_id()).failed_total,
        0,
        "the other org saw no failure"
    );
    assert_eq!(by_org(other.org_id()).started_total, 1);
}

fn finishing_script() -> Vec<Result<ChatResponse, LlmError>> {
    vec![
        answer(
            vec![call("1", "write_file", r#"{"path":"a.txt","content":"a"}"#)],
            1,
            1,
        ),
        answer(vec![call("2", "finish", r#"{"summary":"done"}"#)], 1, 1),
    ]
}

/// A lock left by a node that died (nobody renews it) keeps the repository until it expires;
/// the run waits for it, heartbeating, instead of failing, then takes it with a larger
/// fencing token. The clock is paused.
#[tokio::test(start_paused = true)]
async fn a_run_waits_out_a_dead_nodes_lock() {
    let h = harness(finishing_script(), DirGit::default()).await;
    let task = h
        .create_task(&h.scope, h.source.path(), "after the dead node")
        .await;
    let dead = h.lock_elsewhere(&task, Duration::from_secs(30)).await;
    let queued_at = tokio::time::Instant::now();
    h.queue_task(&task).await;
    let done = h.wait_finished(&task).await;

    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.error);
    assert_eq!(done.attempts, 1, "waiting for the lock is not an attempt");
    let checkouts = h.git.checkouts();
    assert_eq!(checkouts.len(), 1);
    let waited = checkouts[0] - queued_at;
    assert!(
        waited >= Duration::from_secs(30) && waited <= Duration::from_secs(35),
        "cloned {waited:?} after queueing; the dead lock lived 30 s"
    );
    let tokens = h.lock_tokens(&task).await;
    assert!(tokens[0] > dead.token, "{tokens:?} after {}", dead.token);
    assert_eq!(h.lock_holder(&task).await, None);
}

/// A repository locked by a live holder elsewhere for longer than a lease TTL: the run gives
/// its task back to the queue (`repo_busy`) rather than hold a worker forever, and the task
/// runs once the lock is free. The clock is paused.
#[tokio::test(start_paused = true)]
async fn a_repository_locked_elsewhere_sends_its_task_back_to_the_queue() {
    let h = harness(finishing_script(), DirGit::default()).await;
    let task = h
        .create_task(&h.scope, h.source.path(), "behind a live lock")
        .await;
    let other = h.lock_elsewhere(&task, Duration::from_secs(3600)).await;
    h.queue_task(&task).await;
    h.wait_requeued(&task, "repo_busy").await;
    assert!(
        h.git.checkouts().is_empty(),
        "nothing ran under the other lock"
    );

    h.locks.release(&other).await.unwrap();
    let done = h.wait_finished(&task).await;
    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.error);
    assert_eq!(h.git.checkouts().len(), 1);
    assert_eq!(h.git.pushed().len(), 1);
}

/// A run whose lock is lost (it expired, or the backend lost it, and another holder took it)
/// is stopped before it can push: the lock actor notices at its next renewal, the task goes
/// back to the queue (`lock_lost`) and runs again under a new lock. The clock is paused.
#[tokio::test(start_paused = true)]
async fn a_run_that_loses_its_lock_is_stopped_before_it_pushes() {
    let h = harness_with(finishing_script(), hanging_git(1), |s| {
        s.stale_after = Duration::from_secs(3600);
    })
    .await;
    let task = h.submit("lose the lock").await;
    // The run holds the lock, hung in its clone; the lock is taken from under it.
    let held = h.wait_locked(&task).await;
    assert_eq!(held.holder, task.id);
    h.locks.release(&held).await.unwrap();
    let thief = h.lock_elsewhere(&task, Duration::from_secs(3600)).await;

    h.wait_requeued(&task, "lock_lost").await;
    assert!(h.git.pushed().is_empty());
    h.locks.release(&thief).await.unwrap();
    let done = h.wait_finished(&task).await;
    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.error);
    assert_eq!(done.attempts, 2);
    assert_eq!(
        h.git.pushed().len(),
        1,
        "one push, by the run that held the lock"
    );
    let tokens = h.lock_tokens(&task).await;
    assert!(tokens.iter().any(|t| *t > thief.token), "{tokens:?}");
    assert_eq!(h.lock_holder(&task).await, None);
}

/// Cancelling a run frees its repository lock with the rest.
#[tokio::test(start_paused = true)]
async fn cancelling_a_run_frees_its_lock() {
    let h = harness(vec![], hanging_git(1)).await;
    let task = h.submit("hangs until cancelled").await;
    h.wait_locked(&task).await;
    h.store.cancel_task(&h.scope, task.id).await.unwrap();
    tell(&h.root, RootMsg::Cancel(h.scope.org_id(), task.id)).unwrap();
    let done = h.wait_finished(&task).await;
    assert_eq!(done.status, TaskStatus::Cancelled);
    h.idle_tree().await;
    assert_eq!(h.lock_holder(&task).await, None);
}

/// The dispatcher crashes (a panic in its queue call) while runs are in flight: the root
/// starts a new one that knows those runs — the worker cap still holds — and the org
/// supervisors report freed slots to the new one. The clock is paused.
#[tokio::test(start_paused = true)]
async fn a_replaced_dispatcher_keeps_the_runs_in_flight_and_the_cap() {
    let h = harness_with(vec![], hanging_git(4), |s| {
        s.max_workers = 3;
        s.max_runs_per_org = 3;
        s.stale_after = Duration::from_secs(3600);
    })
    .await;
    let dispatched = async |n: usize| {
        for _ in 0..1_000 {
            if h.git.checkouts().len() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{n} runs never started");
    };
    // Each task on a repository of its own, so only the caps limit them.
    let mut tasks = Vec::new();
    for i in 0..2 {
        tasks.push(
            h.create_task(&h.scope, h.source.path(), &format!("hang {i}"))
                .await,
        );
        h.queue_task(&tasks[i]).await;
    }
    dispatched(2).await;

    h.faulty.panic_next_dequeue.store(true, Ordering::SeqCst);
    for i in 2..4 {
        tasks.push(
            h.create_task(&h.scope, h.source.path(), &format!("hang {i}"))
                .await,
        );
        h.queue_task(&tasks[i]).await;
    }
    // The first fill panics; the new dispatcher takes one task, up to the cap of 3.
    dispatched(3).await;
    assert!(
        !h.faulty.panic_next_dequeue.load(Ordering::SeqCst),
        "the fault fired"
    );
    tokio::time::sleep(Duration::from_secs(5)).await;
    let tree = ask(&h.root, RootMsg::Observe, 2000).await.unwrap();
    assert_eq!(tree.dispatcher.in_flight, 3, "{:?}", tree.dispatcher);
    assert_eq!(
        h.git.checkouts().len(),
        3,
        "the cap held across the replacement"
    );

    // Cancelling a run frees its slot through the org supervisor, which now reports to the
    // new dispatcher: the fourth task starts.
    h.store.cancel_task(&h.scope, tasks[0].id).await.unwrap();
    tell(&h.root, RootMsg::Cancel(h.scope.org_id(), tasks[0].id)).unwrap();
    dispatched(4).await;
    let tree = ask(&h.root, RootMsg::Observe, 2000).await.unwrap();
    assert_eq!(tree.dispatcher.in_flight, 3);
}

/// An org whose monthly budget cannot hold the first call: the call is not made, the task
/// fails `budget_exceeded`, and — no LLM call having been made — its quota slot comes back.
#[tokio::test]
async fn a_call_that_does_not_fit_the_org_budget_is_not_made() {
    let h = harness_with(
        vec![answer(
            vec![call("1", "finish", r#"{"summary":"x"}"#)],
            1,
            1,
        )],
        DirGit::default(),
        |settings| {
            let limits = Limits {
                tasks_per_month: Some(5),
                monthly_tokens: Some(500),
            };
            settings.plan_limits.insert("free".into(), limits);
            settings.max_completion_tokens = 1_000;
        },
    )
    .await;
    let task = h.create_task(&h.scope, h.source.path(), "anything").await;
    let org = h.scope.org_id();
    h.ledger
        .take_task_slot(org, task.quota_period, task.id, Some(5))
        .await
        .unwrap();
    h.queue_task(&task).await;
    let done = h.wait_finished(&task).await;

    assert_eq!(done.status, TaskStatus::Failed);
    let error = done.error.unwrap();
    assert_eq!(error.code, "budget_exceeded", "{}", error.message);
    assert!(
        error.message.contains("monthly token budget"),
        "{}",
        error.message
    );
    assert!(h.llm.requests().is_empty(), "the call was not made");
    assert!(done.quota_released);
    assert_eq!(h.ledger.tasks_used(org, task.quota_period).await, Ok(0));
    let spend = h.ledger.budget_state(org, task.quota_period).await.unwrap();
    assert_eq!((spend.spent, spend.held), (0, 0));
}

/// A task's `max_tokens` is checked before each call against what it has spent: a first call
/// that spent most of it leaves no room for the next one's reservation. The call made is
/// charged (budget, task record) and keeps the task's quota slot.
#[tokio::test]
async fn a_task_stops_before_a_call_its_max_tokens_cannot_hold() {
    let h = harness_with(
        vec![
            answer(vec![call("1", "list_files", "{}")], 19_000, 500),
            answer(vec![call("2", "finish", r#"{"summary":"x"}"#)], 1, 1),
        ],
        DirGit::default(),
        |settings| settings.max_completion_tokens = 100,
    )
    .await;
    let repo = NewRepo {
        url: h.source.path().to_string_lossy().into_owned(),
        provider: Provider::Generic,
        default_branch: None,
        pull_requests: Default::default(),
    };
    let repo = h.store.create_repo(&h.scope, repo).await.unwrap();
    let new = NewTask {
        id: TaskId::new(),
        quota_period: Period::of(time::OffsetDateTime::now_utc()),
        repo_id: repo.id,
        instruction: "anything".into(),
        sprint: None,
        max_tokens: Some(20_000),
        jira_issue: None,
    };
    let task = h.store.create_task(&h.scope, new).await.unwrap();
    h.queue_task(&task).await;
    let done = h.wait_finished(&task).await;

    assert_eq!(done.status, TaskStatus::Failed);
    let error = done.error.unwrap();
    assert_eq!(error.code, "budget_exceeded");
    assert!(error.message.contains("max_tokens"), "{}", error.message);
    assert_eq!(h.llm.requests().len(), 1, "only the first call was made");
    assert_eq!(done.tokens.total(), 19_500);
    assert_eq!(done.llm_calls, 1);
    assert!(
        !done.quota_released,
        "an LLM call was made: the slot stays taken"
    );
    let spend = h
        .ledger
        .budget_state(h.scope.org_id(), task.quota_period)
        .await
        .unwrap();
    assert_eq!((spend.spent, spend.held), (19_500, 0));
    assert_eq!(
        h.llm.requests()[0].max_completion_tokens,
        100,
        "the model is told the cap the reservation assumed"
    );
}

/// A budget backend that fails the settle of a call already made is retried: the task
/// succeeds and the call is charged exactly once.
#[tokio::test]
async fn a_settle_that_fails_once_is_retried_and_counted_once() {
    let h = harness(
        vec![answer(
            vec![call("1", "finish", r#"{"summary":"x"}"#)],
            40,
            2,
        )],
        DirGit::default(),
    )
    .await;
    h.flaky_ledger.failing_settles.store(2, Ordering::SeqCst);
    let task = h.submit("anything").await;
    let done = h.wait_finished(&task).await;

    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.error);
    assert_eq!(h.flaky_ledger.failing_settles.load(Ordering::SeqCst), 0);
    assert_eq!((done.tokens.total(), done.llm_calls), (42, 1));
    let spend = h
        .ledger
        .budget_state(h.scope.org_id(), task.quota_period)
        .await
        .unwrap();
    assert_eq!((spend.spent, spend.held), (42, 0));
}

/// The tree's org supervisors, polled until `done` holds (at most 5 s).
async fn wait_orgs(h: &Harness, done: impl Fn(usize) -> bool) -> usize {
    for _ in 0..500 {
        let orgs = ask(&h.root, RootMsg::Observe, 2000)
            .await
            .unwrap()
            .orgs
            .len();
        if done(orgs) {
            return orgs;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the org supervisors did not come and go as expected");
}

/// An org whose supervisor has had no work for `org_idle_after` is passivated: its
/// supervisor (with its budget and credential actors) stops, and the org's next task starts
/// a new one. Tasks sent while it decides to stop are not lost: each of them, sent at a
/// different moment around the idle deadline, runs to the end.
#[tokio::test]
async fn an_idle_org_is_passivated_and_its_next_task_starts_it_again() {
    let idle_after = Duration::from_millis(40);
    let script: Vec<_> = (0..12).flat_map(|_| finishing_script()).collect();
    let h = harness_with(script, DirGit::default(), |settings| {
        settings.org_idle_after = Some(idle_after);
    })
    .await;
    let first = h.submit("first").await;
    assert_eq!(h.wait_finished(&first).await.status, TaskStatus::Succeeded);
    wait_orgs(&h, |orgs| orgs == 0).await;
    // Nothing of the org is left: no supervisor, no budget or credential actor.
    fn of_org(node: &orchard_actors::observe::ActorNode, org: OrgId) -> usize {
        usize::from(node.org_id == Some(org))
            + node.children.iter().map(|c| of_org(c, org)).sum::<usize>()
    }
    let tree = orchard_actors::observe::tree(&h.root.get_cell()).expect("the tree");
    assert_eq!(of_org(&tree, h.scope.org_id()), 0, "{tree:#?}");

    let again = h.submit("again").await;
    assert_eq!(h.wait_finished(&again).await.status, TaskStatus::Succeeded);
    assert_eq!(wait_orgs(&h, |orgs| orgs <= 1).await, 1);

    // Around the deadline: each next task is sent a little later after the previous ended.
    for wait_ms in [0, 20, 35, 40, 45, 50, 60, 80, 120] {
        tokio::time::sleep(Duration::from_millis(wait_ms)).await;
        let task = h.submit(&format!("after {wait_ms} ms")).await;
        let done = h.wait_finished(&task).await;
        assert_eq!(done.status, TaskStatus::Succeeded, "after {wait_ms} ms");
        assert_eq!(done.attempts, 1, "after {wait_ms} ms");
    }
    wait_orgs(&h, |orgs| orgs == 0).await;
}

#[tokio::test]
async fn a_run_that_dies_after_opening_its_pull_request_is_restarted_and_reuses_it() {
    let write = || {
        answer(
            vec![call("1", "write_file", r#"{"path":"a.md","content":"a"}"#)],
            5,
            1,
        )
    };
    let finish = || answer(vec![call("2", "finish", r#"{"summary":"Write a"}"#)], 5, 1);
    let h = harness_with(
        vec![write(), finish(), write(), finish()],
        DirGit::default(),
        |settings| settings.backoff.initial = Duration::from_millis(20),
    )
    .await;
    // The first run opens the pull request, then dies before recording it.
    h.forge.panic_after_opening.store(1, Ordering::SeqCst);
    h.store
        .put_credential(
            &h.scope,
            Credential {
                id: CredentialId::new(),
                org_id: h.scope.org_id(),
                provider: CredentialProvider::Github,
                username: None,
                scopes_note: None,
                fingerprint: None,
                sealed: SealedSecret {
                    key_version: 1,
                    nonce: Vec::new(),
                    ciphertext: b"ghp_test_token".to_vec(),
                },
                created_at: time::OffsetDateTime::now_utc(),
                rotated_at: None,
                base_url: None,
            },
        )
        .await
        .unwrap();
    let repo = h
        .store
        .create_repo(
            &h.scope,
            NewRepo {
                url: h.source.path().to_string_lossy().into_owned(),
                provider: Provider::Github,
                default_branch: Some("main".into()),
                pull_requests: PullRequestMode::Draft,
            },
        )
        .await
        .unwrap();
    let task = h
        .store
        .create_task(
            &h.scope,
            NewTask {
                id: TaskId::new(),
                quota_period: Period::of(time::OffsetDateTime::now_utc()),
                repo_id: repo.id,
                instruction: "write a".into(),
                sprint: None,
                max_tokens: None,
                jira_issue: None,
            },
        )
        .await
        .unwrap();
    h.queue_task(&task).await;
    let done = h.wait_finished(&task).await;

    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.error);
    assert_eq!(done.attempts, 2, "restarted once");
    let url = format!("https://forge.test/{}/pull/1", repo.id);
    assert_eq!(done.pull_request_url.as_deref(), Some(url.as_str()));
    // Two runs asked; one pull request exists.
    let opened = h.forge.opened();
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].1.branch, format!("orchard/{}", task.id));
    assert_eq!(opened[0].1.base.as_deref(), Some("main"));
    assert!(opened[0].1.draft);
    assert_eq!(opened[0].1.title, "Write a");
    assert!(
        opened[0].1.body.contains("> write a"),
        "{}",
        opened[0].1.body
    );
    let calls = h.forge.calls();
    assert_eq!(calls.len(), 2);
    assert!(
        calls
            .iter()
            .all(|(id, user)| *id == repo.id && user.is_empty())
    );
    let events = h.store.task_events(&h.scope, task.id, 0).await.unwrap();
    let found: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e.kind.as_str() == "pull_request")
        .map(|e| &e.data)
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0]["created"], false,
        "the second run found the first run's"
    );
}
