//! In-memory implementations of the ports, for tests.
//!
//! They follow the ports' contracts (scoping, leases, fencing) so that tests of the actors
//! exercise the same rules the real adapters enforce.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::backoff::BackoffPolicy;
use crate::budget::{
    BudgetLedger, BudgetScope, BudgetState, LedgerError, Limits, Period, Reservation,
    ReserveRequest, Settled,
};
use crate::domain::{
    CancelOutcome, Credential, CredentialId, CredentialProvider, EventKind, NewRepo, NewTask, Org,
    OrgId, OrgScope, Repo, RepoId, Role, SealedSecret, Spend, Task, TaskEvent, TaskId, TaskOutcome,
    TaskPage, TaskQuery, TaskStatus, TokenUsage, UsageReport, User, UserCredentials, UserId,
};
use crate::ports::{
    BillingChange, ChatRequest, ChatResponse, CommitOutcome, CommitRequest, CredentialVault,
    GitAuth, GitError, GitWorkspace, IntegrationError, Lease, Llm, LlmCallUsage, LlmError,
    OpenedPullRequest, PlanChange, PullRequestRequest, PullRequests, Queue, QueueError,
    ServiceAuth, Store, StoreError, UsagePage, VaultError,
};
use crate::runtime::RunSettings;

/// Settings for tests: small limits and short delays, work dirs under `work_root`.
pub fn run_settings(work_root: PathBuf) -> RunSettings {
    RunSettings {
        node: "test:1".into(),
        work_root,
        max_steps: 5,
        lease_ttl: Duration::from_secs(60),
        llm_retries: 2,
        llm_retry_initial: Duration::from_millis(1),
        max_workers: 2,
        max_runs_per_org: 2,
        plan_runs: HashMap::new(),
        max_attempts: 3,
        poll_interval: Duration::from_millis(20),
        keep_work_dirs: false,
        backoff: BackoffPolicy {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(60),
            factor: 2.0,
            jitter: 0.1,
            max_restarts: 3,
            window: Duration::from_secs(300),
        },
        stale_after: Duration::from_secs(60),
        stale_requeue: false,
        watchdog_interval: Duration::from_secs(1),
        org_idle_after: None,
        plan_limits: HashMap::new(),
        max_completion_tokens: 1_000,
        model: "test-model".into(),
        price: crate::budget::Price::default(),
        public_url: None,
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[derive(Debug, Default)]
struct Data {
    orgs: HashMap<OrgId, Org>,
    users: Vec<UserCredentials>,
    repos: Vec<Repo>,
    tasks: HashMap<TaskId, Task>,
    events: HashMap<TaskId, Vec<TaskEvent>>,
    credentials: HashMap<(OrgId, CredentialProvider), Credential>,
    calls: Vec<(TaskId, LlmCallUsage)>,
    billing_events: std::collections::HashSet<(String, String)>,
    customers: HashMap<(String, String), (OrgId, String)>,
}

impl Data {
    /// The org's task `id`, to change; `NotFound` for another org's.
    fn task_mut(&mut self, scope: &OrgScope, id: TaskId) -> Result<&mut Task, StoreError> {
        self.tasks
            .get_mut(&id)
            .filter(|t| t.org_id == scope.org_id())
            .ok_or(StoreError::NotFound)
    }
}

/// A [`Store`] in a `Mutex<HashMap>`.
#[derive(Debug, Default)]
pub struct MemoryStore {
    data: Mutex<Data>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn create_org_with_owner(
        &self,
        org_name: &str,
        email: &str,
        password_hash: &str,
    ) -> Result<(Org, User), StoreError> {
        let email = email.to_lowercase();
        let mut data = lock(&self.data);
        if data.users.iter().any(|u| u.user.email == email) {
            return Err(StoreError::Conflict("email is taken".into()));
        }
        let org = Org {
            id: OrgId::new(),
            name: org_name.to_owned(),
            plan: "free".into(),
            custom_limits: Limits::default(),
            past_due: false,
            created_at: OffsetDateTime::now_utc(),
        };
        let user = User {
            id: UserId::new(),
            org_id: org.id,
            email,
            role: Role::Owner,
        };
        data.orgs.insert(org.id, org.clone());
        data.users.push(UserCredentials {
            user: user.clone(),
            password_hash: password_hash.to_owned(),
        });
        Ok((org, user))
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserCredentials>, StoreError> {
        let email = email.to_lowercase();
        Ok(lock(&self.data)
            .users
            .iter()
            .find(|u| u.user.email == email)
            .cloned())
    }

    async fn org(&self, scope: &OrgScope) -> Result<Org, StoreError> {
        lock(&self.data)
            .orgs
            .get(&scope.org_id())
            .cloned()
            .ok_or(StoreError::NotFound)
    }

    async fn create_repo(&self, scope: &OrgScope, repo: NewRepo) -> Result<Repo, StoreError> {
        let repo = Repo {
            id: RepoId::new(),
            org_id: scope.org_id(),
            url: repo.url,
            provider: repo.provider,
            default_branch: repo.default_branch,
            pull_requests: repo.pull_requests,
            created_at: OffsetDateTime::now_utc(),
        };
        lock(&self.data).repos.push(repo.clone());
        Ok(repo)
    }

    async fn repo(&self, scope: &OrgScope, id: RepoId) -> Result<Repo, StoreError> {
        lock(&self.data)
            .repos
            .iter()
            .find(|r| r.id == id && r.org_id == scope.org_id())
            .cloned()
            .ok_or(StoreError::NotFound)
    }

    async fn list_repos(&self, scope: &OrgScope) -> Result<Vec<Repo>, StoreError> {
        Ok(lock(&self.data)
            .repos
            .iter()
            .filter(|r| r.org_id == scope.org_id())
            .cloned()
            .collect())
    }

    async fn create_task(&self, scope: &OrgScope, task: NewTask) -> Result<Task, StoreError> {
        self.repo(scope, task.repo_id).await?;
        let now = OffsetDateTime::now_utc();
        let task = Task {
            id: task.id,
            org_id: scope.org_id(),
            repo_id: task.repo_id,
            instruction: task.instruction,
            sprint: task.sprint,
            max_tokens: task.max_tokens,
            jira_issue: task.jira_issue,
            status: TaskStatus::Queued,
            attempts: 0,
            branch: None,
            commit: None,
            pull_request_url: None,
            summary: None,
            changed_files: Vec::new(),
            tokens: TokenUsage::default(),
            llm_calls: 0,
            cost_micros: 0,
            quota_period: task.quota_period,
            quota_released: false,
            error: None,
            created_at: now,
            updated_at: now,
        };
        lock(&self.data).tasks.insert(task.id, task.clone());
        Ok(task)
    }

    async fn task(&self, scope: &OrgScope, id: TaskId) -> Result<Task, StoreError> {
        lock(&self.data)
            .tasks
            .get(&id)
            .filter(|t| t.org_id == scope.org_id())
            .cloned()
            .ok_or(StoreError::NotFound)
    }

    async fn list_tasks(
        &self,
        scope: &OrgScope,
        query: &TaskQuery,
    ) -> Result<TaskPage, StoreError> {
        let data = lock(&self.data);
        let mut tasks: Vec<Task> = data
            .tasks
            .values()
            .filter(|t| t.org_id == scope.org_id())
            .filter(|t| query.status.is_none_or(|s| t.status == s))
            .filter(|t| query.sprint.is_none() || t.sprint == query.sprint)
            .filter(|t| query.before.is_none_or(|b| t.id < b))
            .cloned()
            .collect();
        tasks.sort_by_key(|t| std::cmp::Reverse(t.id));
        let limit = query.limit.max(1) as usize;
        let next = (tasks.len() > limit).then(|| tasks[limit - 1].id);
        tasks.truncate(limit);
        Ok(TaskPage { tasks, next })
    }

    async fn start_attempt(&self, scope: &OrgScope, id: TaskId) -> Result<Task, StoreError> {
        let mut data = lock(&self.data);
        let task = data.task_mut(scope, id)?;
        if !task.status.is_terminal() {
            task.status = TaskStatus::Running;
            task.attempts += 1;
            task.updated_at = OffsetDateTime::now_utc();
        }
        Ok(task.clone())
    }

    async fn requeue_task(&self, scope: &OrgScope, id: TaskId) -> Result<(), StoreError> {
        let mut data = lock(&self.data);
        let task = data.task_mut(scope, id)?;
        if task.status == TaskStatus::Running {
            task.status = TaskStatus::Queued;
            task.updated_at = OffsetDateTime::now_utc();
        }
        Ok(())
    }

    async fn cancel_task(&self, scope: &OrgScope, id: TaskId) -> Result<CancelOutcome, StoreError> {
        let mut data = lock(&self.data);
        let task = data.task_mut(scope, id)?;
        if task.status.is_terminal() {
            return Ok(CancelOutcome::AlreadyFinished(task.status));
        }
        let was = task.status;
        task.status = TaskStatus::Cancelled;
        task.updated_at = OffsetDateTime::now_utc();
        Ok(CancelOutcome::Cancelled { was })
    }

    async fn record_usage(
        &self,
        scope: &OrgScope,
        id: TaskId,
        call: &LlmCallUsage,
    ) -> Result<bool, StoreError> {
        let mut data = lock(&self.data);
        data.task_mut(scope, id)?;
        if data.calls.iter().any(|(_, c)| c.call_id == call.call_id) {
            return Ok(false);
        }
        data.calls.push((id, call.clone()));
        let task = data.task_mut(scope, id)?;
        task.tokens += call.usage;
        task.llm_calls += 1;
        task.cost_micros += call.cost_micros;
        Ok(true)
    }

    async fn release_unused_quota(
        &self,
        scope: &OrgScope,
        id: TaskId,
    ) -> Result<Option<Period>, StoreError> {
        let mut data = lock(&self.data);
        let task = data.task_mut(scope, id)?;
        let unused = matches!(task.status, TaskStatus::Failed | TaskStatus::Cancelled)
            && task.llm_calls == 0
            && !task.quota_released;
        if !unused {
            return Ok(None);
        }
        task.quota_released = true;
        Ok(Some(task.quota_period))
    }

    async fn usage_report(
        &self,
        scope: &OrgScope,
        period: Period,
        page: &UsagePage,
    ) -> Result<UsageReport, StoreError> {
        let data = lock(&self.data);
        let tasks_used = data
            .tasks
            .values()
            .filter(|t| t.org_id == scope.org_id() && t.quota_period == period && !t.quota_released)
            .count() as u64;
        let mut total = Spend::default();
        let mut by_sprint: std::collections::BTreeMap<Option<String>, Spend> = Default::default();
        let mut by_task: std::collections::BTreeMap<TaskId, (Option<String>, Spend)> =
            Default::default();
        for (task_id, call) in &data.calls {
            let Some(task) = data.tasks.get(task_id) else {
                continue;
            };
            if task.org_id != scope.org_id() || call.period != period {
                continue;
            }
            for spend in [
                &mut total,
                by_sprint.entry(task.sprint.clone()).or_default(),
                &mut by_task
                    .entry(*task_id)
                    .or_insert_with(|| (task.sprint.clone(), Spend::default()))
                    .1,
            ] {
                spend.tokens += call.usage;
                spend.cost_micros += call.cost_micros;
            }
        }
        let mut tasks: Vec<(TaskId, Option<String>, Spend)> = by_task
            .into_iter()
            .filter(|(id, _)| page.after.is_none_or(|after| *id > after))
            .map(|(id, (sprint, spend))| (id, sprint, spend))
            .take(page.limit as usize + 1)
            .collect();
        let next = if tasks.len() > page.limit as usize {
            tasks.truncate(page.limit as usize);
            tasks.last().map(|t| t.0)
        } else {
            None
        };
        Ok(UsageReport {
            period,
            tasks_used,
            total,
            by_sprint: by_sprint.into_iter().collect(),
            tasks,
            next,
        })
    }

    async fn set_plan(&self, scope: &OrgScope, change: &PlanChange) -> Result<Org, StoreError> {
        let mut data = lock(&self.data);
        let org = data
            .orgs
            .get_mut(&scope.org_id())
            .ok_or(StoreError::NotFound)?;
        org.plan = change.plan.clone();
        org.custom_limits = change.custom_limits;
        Ok(org.clone())
    }

    async fn set_past_due(&self, scope: &OrgScope, past_due: bool) -> Result<(), StoreError> {
        let mut data = lock(&self.data);
        let org = data
            .orgs
            .get_mut(&scope.org_id())
            .ok_or(StoreError::NotFound)?;
        org.past_due = past_due;
        Ok(())
    }

    async fn record_billing_event(
        &self,
        provider: &str,
        event_id: &str,
        apply: Option<(OrgScope, BillingChange)>,
    ) -> Result<bool, StoreError> {
        let mut data = lock(&self.data);
        let key = (provider.to_owned(), event_id.to_owned());
        if data.billing_events.contains(&key) {
            return Ok(false);
        }
        // The change and the event's record go together: an org that is not there records
        // nothing, so a redelivery can still apply it.
        if let Some((scope, _)) = &apply
            && !data.orgs.contains_key(&scope.org_id())
        {
            return Err(StoreError::NotFound);
        }
        data.billing_events.insert(key);
        if let Some((scope, change)) = apply {
            let org = data
                .orgs
                .get_mut(&scope.org_id())
                .ok_or(StoreError::NotFound)?;
            match change {
                BillingChange::Plan(change) => {
                    org.plan = change.plan;
                    org.custom_limits = change.custom_limits;
                    org.past_due = false;
                }
                BillingChange::PastDue => org.past_due = true,
            }
        }
        Ok(true)
    }

    async fn billing_customer(
        &self,
        provider: &str,
        customer_ref: &str,
    ) -> Result<Option<(OrgId, String)>, StoreError> {
        Ok(lock(&self.data)
            .customers
            .get(&(provider.to_owned(), customer_ref.to_owned()))
            .cloned())
    }

    async fn set_billing_customer(
        &self,
        scope: &OrgScope,
        provider: &str,
        customer_ref: &str,
        plan: &str,
    ) -> Result<(), StoreError> {
        lock(&self.data).customers.insert(
            (provider.to_owned(), customer_ref.to_owned()),
            (scope.org_id(), plan.to_owned()),
        );
        Ok(())
    }

    async fn finish_task(
        &self,
        scope: &OrgScope,
        id: TaskId,
        outcome: &TaskOutcome,
    ) -> Result<(), StoreError> {
        let mut data = lock(&self.data);
        let task = data.task_mut(scope, id)?;
        if task.status.is_terminal() {
            return Ok(());
        }
        match outcome.clone() {
            TaskOutcome::Succeeded {
                summary,
                branch,
                commit,
                changed_files,
                pull_request_url,
            } => {
                task.status = TaskStatus::Succeeded;
                task.summary = Some(summary);
                task.branch = branch;
                task.commit = commit;
                task.changed_files = changed_files;
                task.pull_request_url = pull_request_url;
                task.error = None;
            }
            TaskOutcome::Failed(error) => {
                task.status = TaskStatus::Failed;
                task.error = Some(error);
            }
        }
        task.updated_at = OffsetDateTime::now_utc();
        Ok(())
    }

    async fn append_event(
        &self,
        scope: &OrgScope,
        id: TaskId,
        kind: EventKind,
        data: serde_json::Value,
    ) -> Result<(), StoreError> {
        self.task(scope, id).await?;
        let mut all = lock(&self.data);
        let events = all.events.entry(id).or_default();
        let seq = events.len() as u64 + 1;
        events.push(TaskEvent {
            seq,
            kind,
            data,
            at: OffsetDateTime::now_utc(),
        });
        Ok(())
    }

    async fn task_events(
        &self,
        scope: &OrgScope,
        id: TaskId,
        after: u64,
    ) -> Result<Vec<TaskEvent>, StoreError> {
        self.task(scope, id).await?;
        Ok(lock(&self.data)
            .events
            .get(&id)
            .map(|events| events.iter().filter(|e| e.seq > after).cloned().collect())
            .unwrap_or_default())
    }

    async fn put_credential(
        &self,
        scope: &OrgScope,
        mut credential: Credential,
    ) -> Result<Credential, StoreError> {
        let org = scope.org_id();
        credential.org_id = org;
        let mut data = lock(&self.data);
        let key = (org, credential.provider);
        if let Some(old) = data.credentials.get(&key) {
            credential.created_at = old.created_at;
            credential.rotated_at = Some(time::OffsetDateTime::now_utc());
        }
        data.credentials.insert(key, credential.clone());
        Ok(credential)
    }

    async fn credential(
        &self,
        scope: &OrgScope,
        provider: CredentialProvider,
    ) -> Result<Credential, StoreError> {
        lock(&self.data)
            .credentials
            .get(&(scope.org_id(), provider))
            .cloned()
            .ok_or(StoreError::NotFound)
    }

    async fn list_credentials(&self, scope: &OrgScope) -> Result<Vec<Credential>, StoreError> {
        let mut list: Vec<Credential> = lock(&self.data)
            .credentials
            .values()
            .filter(|c| c.org_id == scope.org_id())
            .cloned()
            .collect();
        list.sort_by_key(|c| c.provider.as_str());
        Ok(list)
    }

    async fn all_credentials(&self) -> Result<Vec<Credential>, StoreError> {
        Ok(lock(&self.data).credentials.values().cloned().collect())
    }

    async fn reseal_credential(
        &self,
        scope: &OrgScope,
        id: CredentialId,
        sealed: SealedSecret,
    ) -> Result<bool, StoreError> {
        let mut data = lock(&self.data);
        let current = data
            .credentials
            .values_mut()
            .find(|c| c.org_id == scope.org_id() && c.id == id);
        Ok(current.map(|c| c.sealed = sealed).is_some())
    }

    async fn delete_credential(
        &self,
        scope: &OrgScope,
        provider: CredentialProvider,
    ) -> Result<(), StoreError> {
        lock(&self.data)
            .credentials
            .remove(&(scope.org_id(), provider))
            .map(|_| ())
            .ok_or(StoreError::NotFound)
    }
}

#[derive(Debug)]
struct Entry {
    org_id: OrgId,
    repo_id: RepoId,
    task_id: TaskId,
    lease: Option<(uuid::Uuid, Instant)>,
    deliveries: u32,
}

/// A [`Queue`] with leases, FIFO per org and round-robin across orgs.
#[derive(Debug, Default)]
pub struct MemoryQueue {
    entries: Mutex<VecDeque<Entry>>,
    served: Mutex<HashMap<OrgId, u64>>,
}

impl MemoryQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Entries not yet acked.
    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    /// Whether every entry was acked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[async_trait]
impl Queue for MemoryQueue {
    async fn enqueue(
        &self,
        org_id: OrgId,
        repo_id: RepoId,
        task_id: TaskId,
    ) -> Result<(), QueueError> {
        let mut entries = lock(&self.entries);
        if !entries.iter().any(|e| e.task_id == task_id) {
            entries.push_back(Entry {
                org_id,
                repo_id,
                task_id,
                lease: None,
                deliveries: 0,
            });
        }
        Ok(())
    }

    async fn dequeue(&self, ttl: Duration, skip: &[OrgId]) -> Result<Option<Lease>, QueueError> {
        let now = Instant::now();
        let mut entries = lock(&self.entries);
        let mut served = lock(&self.served);
        let live = |e: &Entry| e.lease.is_some_and(|(_, until)| until > now);
        let busy: Vec<(OrgId, RepoId)> = entries
            .iter()
            .filter(|e| live(e))
            .map(|e| (e.org_id, e.repo_id))
            .collect();
        // Stable: among the least recently served orgs, the oldest entry wins.
        let Some(entry) = entries
            .iter_mut()
            .filter(|e| !live(e))
            .filter(|e| !busy.contains(&(e.org_id, e.repo_id)))
            .filter(|e| !skip.contains(&e.org_id))
            .min_by_key(|e| served.get(&e.org_id).copied().unwrap_or(0))
        else {
            return Ok(None);
        };
        let turn = served.values().max().copied().unwrap_or(0) + 1;
        served.insert(entry.org_id, turn);
        let lease_id = uuid::Uuid::now_v7();
        entry.lease = Some((lease_id, now + ttl));
        entry.deliveries += 1;
        Ok(Some(Lease {
            org_id: entry.org_id,
            repo_id: entry.repo_id,
            task_id: entry.task_id,
            lease_id,
            delivery: entry.deliveries,
        }))
    }

    async fn renew(&self, lease: &Lease, ttl: Duration) -> Result<(), QueueError> {
        let mut entries = lock(&self.entries);
        let entry = entries
            .iter_mut()
            .find(|e| e.lease.is_some_and(|(id, _)| id == lease.lease_id))
            .ok_or(QueueError::LeaseLost)?;
        entry.lease = Some((lease.lease_id, Instant::now() + ttl));
        Ok(())
    }

    async fn ack(&self, lease: &Lease) -> Result<(), QueueError> {
        let mut entries = lock(&self.entries);
        let before = entries.len();
        entries.retain(|e| e.lease.is_none_or(|(id, _)| id != lease.lease_id));
        if entries.len() == before {
            return Err(QueueError::LeaseLost);
        }
        Ok(())
    }

    async fn release(&self, lease: &Lease) -> Result<(), QueueError> {
        let mut entries = lock(&self.entries);
        let entry = entries
            .iter_mut()
            .find(|e| e.lease.is_some_and(|(id, _)| id == lease.lease_id))
            .ok_or(QueueError::LeaseLost)?;
        entry.lease = None;
        Ok(())
    }

    async fn recover(&self) -> Result<u64, QueueError> {
        let mut entries = lock(&self.entries);
        let mut count = 0;
        for entry in entries.iter_mut().filter(|e| e.lease.is_some()) {
            entry.lease = None;
            count += 1;
        }
        Ok(count)
    }
}

/// A [`CredentialVault`] without keys: every credential is unreadable. For trees whose tests
/// store no credentials.
#[derive(Debug, Default)]
pub struct NoKeys;

impl CredentialVault for NoKeys {
    fn open(&self, _credential: &Credential) -> Result<secrecy::SecretString, VaultError> {
        Err(VaultError::Unreadable)
    }
}

/// A [`CredentialVault`] for tests whose "ciphertexts" are the secrets themselves.
#[derive(Debug, Default)]
pub struct PlainVault;

impl CredentialVault for PlainVault {
    fn open(&self, credential: &Credential) -> Result<secrecy::SecretString, VaultError> {
        String::from_utf8(credential.sealed.ciphertext.clone())
            .map(secrecy::SecretString::from)
            .map_err(|_| VaultError::Unreadable)
    }
}

/// What [`ScriptedLlm`] answers with.
pub type ScriptStep = Result<ChatResponse, LlmError>;

/// An [`Llm`] that answers from a script, one step per call, and records the requests.
#[derive(Debug, Default)]
pub struct ScriptedLlm {
    script: Mutex<VecDeque<ScriptStep>>,
    requests: Mutex<Vec<ChatRequest>>,
}

impl ScriptedLlm {
    /// A model that answers with `script`, in order.
    pub fn new(script: impl IntoIterator<Item = ScriptStep>) -> Self {
        Self {
            script: Mutex::new(script.into_iter().collect()),
            requests: Mutex::default(),
        }
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<ChatRequest> {
        lock(&self.requests).clone()
    }
}

#[async_trait]
impl Llm for ScriptedLlm {
    async fn complete(&self, request: &ChatRequest) -> Result<ChatResponse, LlmError> {
        lock(&self.requests).push(request.clone());
        lock(&self.script).pop_front().unwrap_or_else(|| {
            Err(LlmError::Permanent {
                message: "script exhausted".into(),
            })
        })
    }
}

/// A forge in memory: one pull request per (repository, branch), as GitHub and Azure DevOps
/// keep them; records every call with the user name it was authenticated with.
#[derive(Debug, Default)]
pub struct MemoryForge {
    opened: Mutex<Vec<(RepoId, PullRequestRequest)>>,
    calls: Mutex<Vec<(RepoId, String)>>,
    /// When set, every call fails with this code.
    pub fail_with: Option<String>,
    /// This many first calls open the pull request and then panic, as a run that dies
    /// between opening its pull request and recording it.
    pub panic_after_opening: std::sync::atomic::AtomicUsize,
}

impl MemoryForge {
    /// The pull requests opened, in order.
    pub fn opened(&self) -> Vec<(RepoId, PullRequestRequest)> {
        lock(&self.opened).clone()
    }

    /// Every call: repository and user name.
    pub fn calls(&self) -> Vec<(RepoId, String)> {
        lock(&self.calls).clone()
    }
}

#[async_trait]
impl PullRequests for MemoryForge {
    async fn open(
        &self,
        repo: &Repo,
        request: &PullRequestRequest,
        auth: &ServiceAuth,
    ) -> Result<OpenedPullRequest, IntegrationError> {
        lock(&self.calls).push((repo.id, auth.username.clone().unwrap_or_default()));
        if let Some(code) = &self.fail_with {
            return Err(IntegrationError {
                code: code.clone(),
                message: format!("the forge said {code}"),
            });
        }
        let mut opened = lock(&self.opened);
        let existing = opened
            .iter()
            .position(|(id, r)| *id == repo.id && r.branch == request.branch);
        let (number, created) = match existing {
            Some(at) => (at as u64 + 1, false),
            None => {
                opened.push((repo.id, request.clone()));
                (opened.len() as u64, true)
            }
        };
        drop(opened);
        let crash = self
            .panic_after_opening
            .fetch_update(
                std::sync::atomic::Ordering::SeqCst,
                std::sync::atomic::Ordering::SeqCst,
                |left| left.checked_sub(1),
            )
            .is_ok();
        assert!(!crash, "the run died after opening pull request {number}");
        Ok(OpenedPullRequest {
            url: format!("https://forge.test/{}/pull/{number}", repo.id),
            number,
            created,
        })
    }
}

/// A [`GitWorkspace`] that "clones" by copying the files of a local directory and "pushes"
/// by recording the commit request.
#[derive(Debug, Default)]
pub struct DirGit {
    pushed: Mutex<Vec<CommitRequest>>,
    checkouts: Mutex<Vec<tokio::time::Instant>>,
    /// This many first checkouts never return (a hung clone), to test the watchdog.
    pub hang_checkouts: std::sync::atomic::AtomicUsize,
    /// When set, checkouts of repositories whose URL contains this text panic.
    pub panic_when_url_contains: Option<String>,
    /// When set, `checkout` panics with this message (to test supervision).
    pub panic_on_checkout: Option<String>,
}

impl DirGit {
    /// A git whose `checkout` panics with `message`.
    pub fn panicking(message: &str) -> Self {
        Self {
            panic_on_checkout: Some(message.to_owned()),
            ..Self::default()
        }
    }

    /// When `checkout` was called (tokio time, so paused clocks apply).
    pub fn checkouts(&self) -> Vec<tokio::time::Instant> {
        lock(&self.checkouts).clone()
    }

    /// What was "pushed".
    pub fn pushed(&self) -> Vec<CommitRequest> {
        lock(&self.pushed).clone()
    }
}

#[async_trait]
impl GitWorkspace for DirGit {
    async fn checkout(
        &self,
        repo: &Repo,
        dir: &Path,
        _auth: Option<&GitAuth>,
    ) -> Result<(), GitError> {
        lock(&self.checkouts).push(tokio::time::Instant::now());
        let hang = self
            .hang_checkouts
            .fetch_update(
                std::sync::atomic::Ordering::SeqCst,
                std::sync::atomic::Ordering::SeqCst,
                |n| n.checked_sub(1),
            )
            .is_ok();
        if hang {
            std::future::pending::<()>().await;
        }
        if let Some(text) = &self.panic_when_url_contains
            && repo.url.contains(text.as_str())
        {
            panic!("checkout of {} blew up", repo.url);
        }
        if let Some(message) = &self.panic_on_checkout {
            panic!("{message}");
        }
        let source = Path::new(&repo.url);
        copy_dir(source, dir).map_err(|err| GitError {
            kind: crate::ports::GitErrorKind::Clone,
            message: err.to_string(),
        })
    }

    async fn commit_and_push(
        &self,
        _repo: &Repo,
        _dir: &Path,
        request: &CommitRequest,
        _auth: Option<&GitAuth>,
    ) -> Result<CommitOutcome, GitError> {
        if request.changed_paths.is_empty() {
            return Ok(CommitOutcome::NoChanges);
        }
        let mut pushed = lock(&self.pushed);
        pushed.push(request.clone());
        Ok(CommitOutcome::Pushed {
            commit: format!("{:040x}", pushed.len()),
        })
    }
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// A [`BudgetLedger`] in memory: one mutex makes every check-and-record atomic.
#[derive(Debug, Default)]
pub struct MemoryLedger {
    state: Mutex<LedgerState>,
}

#[derive(Debug, Default)]
struct LedgerState {
    slots: HashMap<(OrgId, Period), std::collections::HashSet<TaskId>>,
    spent: HashMap<(OrgId, Period), u64>,
    task_spent: HashMap<TaskId, u64>,
    held: HashMap<uuid::Uuid, (Reservation, Instant)>,
    closed: std::collections::HashSet<uuid::Uuid>,
}

impl LedgerState {
    fn expire(&mut self) {
        let now = Instant::now();
        self.held.retain(|_, (_, until)| *until > now);
    }

    fn held_by(&self, keep: impl Fn(&Reservation) -> bool) -> u64 {
        self.held
            .values()
            .map(|(r, _)| r)
            .filter(|r| keep(r))
            .map(|r| r.amount)
            .sum()
    }
}

impl MemoryLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl BudgetLedger for MemoryLedger {
    async fn take_task_slot(
        &self,
        org_id: OrgId,
        period: Period,
        task_id: TaskId,
        quota: Option<u64>,
    ) -> Result<u64, LedgerError> {
        let mut state = self.state.lock().unwrap();
        let slots = state.slots.entry((org_id, period)).or_default();
        let used = slots.len() as u64;
        if slots.contains(&task_id) {
            return Ok(used);
        }
        if let Some(quota) = quota
            && used >= quota
        {
            return Err(LedgerError::QuotaExceeded { used, quota });
        }
        slots.insert(task_id);
        Ok(used + 1)
    }

    async fn return_task_slot(
        &self,
        org_id: OrgId,
        period: Period,
        task_id: TaskId,
    ) -> Result<bool, LedgerError> {
        let mut state = self.state.lock().unwrap();
        Ok(state
            .slots
            .get_mut(&(org_id, period))
            .is_some_and(|slots| slots.remove(&task_id)))
    }

    async fn tasks_used(&self, org_id: OrgId, period: Period) -> Result<u64, LedgerError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .slots
            .get(&(org_id, period))
            .map_or(0, |s| s.len() as u64))
    }

    async fn reserve(&self, request: &ReserveRequest) -> Result<Reservation, LedgerError> {
        let mut state = self.state.lock().unwrap();
        state.expire();
        if let Some(limit) = request.org_budget {
            let used = state
                .spent
                .get(&(request.org_id, request.period))
                .copied()
                .unwrap_or(0)
                + state.held_by(|r| r.org_id == request.org_id && r.period == request.period);
            if used + request.amount > limit {
                return Err(LedgerError::OverBudget {
                    scope: BudgetScope::Org,
                    used,
                    limit,
                });
            }
        }
        if let Some(limit) = request.task_budget {
            let used = state.task_spent.get(&request.task_id).copied().unwrap_or(0)
                + state.held_by(|r| r.task_id == request.task_id);
            if used + request.amount > limit {
                return Err(LedgerError::OverBudget {
                    scope: BudgetScope::Task,
                    used,
                    limit,
                });
            }
        }
        let reservation = Reservation {
            id: uuid::Uuid::now_v7(),
            org_id: request.org_id,
            task_id: request.task_id,
            period: request.period,
            amount: request.amount,
            task_capped: request.task_budget.is_some(),
        };
        state.held.insert(
            reservation.id,
            (reservation.clone(), Instant::now() + request.ttl),
        );
        Ok(reservation)
    }

    async fn settle(&self, reservation: &Reservation, actual: u64) -> Result<Settled, LedgerError> {
        let mut state = self.state.lock().unwrap();
        state.held.remove(&reservation.id);
        if !state.closed.insert(reservation.id) {
            return Ok(Settled::AlreadySettled);
        }
        *state
            .spent
            .entry((reservation.org_id, reservation.period))
            .or_default() += actual;
        *state.task_spent.entry(reservation.task_id).or_default() += actual;
        Ok(Settled::Applied)
    }

    async fn release(&self, reservation: &Reservation) -> Result<(), LedgerError> {
        let mut state = self.state.lock().unwrap();
        if state.held.remove(&reservation.id).is_some() {
            state.closed.insert(reservation.id);
        }
        Ok(())
    }

    async fn budget_state(
        &self,
        org_id: OrgId,
        period: Period,
    ) -> Result<BudgetState, LedgerError> {
        let mut state = self.state.lock().unwrap();
        state.expire();
        Ok(BudgetState {
            spent: state.spent.get(&(org_id, period)).copied().unwrap_or(0),
            held: state.held_by(|r| r.org_id == org_id && r.period == period),
        })
    }
}

#[cfg(test)]
mod ledger_tests {
    use super::MemoryLedger;

    #[tokio::test]
    async fn the_memory_ledger_passes_the_conformance_suite() {
        crate::conformance::all_ledger_checks(|| async { MemoryLedger::new() }).await;
    }
}
