//! Ports: what the core needs from the outside world, as traits.
//!
//! Adapters in the `orchard` crate implement them (SQLite, gix, an OpenAI-compatible HTTP
//! API, ...); tests in this crate use the in-memory implementations of [`crate::testing`].
//! Arrows point inward: this module names no database, HTTP or git crate.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::budget::{Limits, Period};
use crate::domain::{
    CancelOutcome, Credential, CredentialId, CredentialProvider, EventKind, NewRepo, NewTask, Org,
    OrgId, OrgScope, Repo, RepoId, SealedSecret, Task, TaskEvent, TaskId, TaskOutcome, TaskPage,
    TaskQuery, TokenUsage, UsageReport, User, UserCredentials,
};

/// Errors of the [`Store`] port.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist in the caller's org (or at all: the two are not told apart).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was violated (e.g. the email is taken).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The backend failed.
    #[error("store backend error: {0}")]
    Backend(String),
}

/// Durable data: orgs, users, repos, tasks, task events and usage.
///
/// Every method that touches tenant data takes an [`OrgScope`] and never returns another
/// org's rows: isolation is enforced here, not only in handlers.
///
/// The scope is part of each method's type, so tenant data cannot be reached without one.
/// This compiles:
///
/// ```
/// use orchard_actors::domain::{OrgScope, TaskId};
/// use orchard_actors::ports::Store;
///
/// async fn status(store: &dyn Store, scope: &OrgScope, id: TaskId) {
///     let _ = store.task(scope, id).await;
/// }
/// ```
///
/// and the same call without the scope does not:
///
/// ```compile_fail,E0061
/// use orchard_actors::domain::{OrgScope, TaskId};
/// use orchard_actors::ports::Store;
///
/// async fn status(store: &dyn Store, id: TaskId) {
///     let _ = store.task(id).await;
/// }
/// ```
///
/// The few methods without a scope are global by nature (creating an org, login by email,
/// a payment provider's event and customer ids, the operator's key rotation); a test
/// (`ports::tests::every_store_method_but_the_global_ones_takes_a_scope_first`) keeps that
/// list closed: a new method without a scope fails it.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Creates an org and its owner in one step. `Conflict` if the email is taken.
    async fn create_org_with_owner(
        &self,
        org_name: &str,
        email: &str,
        password_hash: &str,
    ) -> Result<(Org, User), StoreError>;

    /// Looks a user up by email, whatever its case (emails are stored lowercased), for login.
    /// Not scoped: login has no token yet.
    async fn user_by_email(&self, email: &str) -> Result<Option<UserCredentials>, StoreError>;

    /// The scope's org.
    async fn org(&self, scope: &OrgScope) -> Result<Org, StoreError>;

    /// Registers a repository.
    async fn create_repo(&self, scope: &OrgScope, repo: NewRepo) -> Result<Repo, StoreError>;

    /// One repository of the org.
    async fn repo(&self, scope: &OrgScope, id: RepoId) -> Result<Repo, StoreError>;

    /// All repositories of the org, oldest first.
    async fn list_repos(&self, scope: &OrgScope) -> Result<Vec<Repo>, StoreError>;

    /// Records a new queued task. The repo must belong to the org (`NotFound` otherwise).
    async fn create_task(&self, scope: &OrgScope, task: NewTask) -> Result<Task, StoreError>;

    /// One task of the org.
    async fn task(&self, scope: &OrgScope, id: TaskId) -> Result<Task, StoreError>;

    /// A page of the org's tasks, newest first.
    async fn list_tasks(&self, scope: &OrgScope, query: &TaskQuery)
    -> Result<TaskPage, StoreError>;

    /// Marks a queued or running task running and counts the attempt. Returns the task; a
    /// task that has finished (or was cancelled) meanwhile is returned unchanged.
    async fn start_attempt(&self, scope: &OrgScope, id: TaskId) -> Result<Task, StoreError>;

    /// Cancels a queued or running task.
    async fn cancel_task(&self, scope: &OrgScope, id: TaskId) -> Result<CancelOutcome, StoreError>;

    /// Adds one LLM call's tokens and cost to the task and to the org's usage records.
    /// Idempotent on `call.call_id`: `false` if the call was recorded before.
    async fn record_usage(
        &self,
        scope: &OrgScope,
        id: TaskId,
        call: &LlmCallUsage,
    ) -> Result<bool, StoreError>;

    /// If the task ended (failed or cancelled) without one LLM call and still holds its quota
    /// slot, marks the slot given back and returns its month; otherwise `None`.
    async fn release_unused_quota(
        &self,
        scope: &OrgScope,
        id: TaskId,
    ) -> Result<Option<Period>, StoreError>;

    /// Usage of the org in `period`: tasks holding quota slots, tokens and cost in total, by
    /// sprint, and a page of tasks (those with LLM calls in the month), by id.
    async fn usage_report(
        &self,
        scope: &OrgScope,
        period: Period,
        page: &UsagePage,
    ) -> Result<UsageReport, StoreError>;

    /// Puts the org on `change.plan` with its custom limits (operator path or a verified
    /// billing webhook).
    async fn set_plan(&self, scope: &OrgScope, change: &PlanChange) -> Result<Org, StoreError>;

    /// Marks the org's billing past due, or in good standing again.
    async fn set_past_due(&self, scope: &OrgScope, past_due: bool) -> Result<(), StoreError>;

    /// Records a payment provider's event id; `false` if it was recorded before (a replay).
    /// `apply` runs in the same transaction, so an event is applied exactly once.
    async fn record_billing_event(
        &self,
        provider: &str,
        event_id: &str,
        apply: Option<(OrgScope, BillingChange)>,
    ) -> Result<bool, StoreError>;

    /// The org and plan a provider's customer reference was registered for.
    async fn billing_customer(
        &self,
        provider: &str,
        customer_ref: &str,
    ) -> Result<Option<(OrgId, String)>, StoreError>;

    /// Registers a provider's customer reference for an org and the plan it subscribes to.
    async fn set_billing_customer(
        &self,
        scope: &OrgScope,
        provider: &str,
        customer_ref: &str,
        plan: &str,
    ) -> Result<(), StoreError>;

    /// Puts a running task back to `queued` (its run was stopped and the task requeued).
    async fn requeue_task(&self, scope: &OrgScope, id: TaskId) -> Result<(), StoreError>;

    /// Records how the task ended. A task that already ended (e.g. was cancelled) keeps its
    /// first ending.
    async fn finish_task(
        &self,
        scope: &OrgScope,
        id: TaskId,
        outcome: &TaskOutcome,
    ) -> Result<(), StoreError>;

    /// Appends an event to the task's log.
    async fn append_event(
        &self,
        scope: &OrgScope,
        id: TaskId,
        kind: EventKind,
        data: serde_json::Value,
    ) -> Result<(), StoreError>;

    /// The task's events with `seq > after`, in order.
    async fn task_events(
        &self,
        scope: &OrgScope,
        id: TaskId,
        after: u64,
    ) -> Result<Vec<TaskEvent>, StoreError>;

    /// Stores the org's credential for `credential.provider`, replacing any earlier one (whose
    /// `created_at` is kept; `rotated_at` becomes now). `credential.org_id` must be the scope's.
    async fn put_credential(
        &self,
        scope: &OrgScope,
        credential: Credential,
    ) -> Result<Credential, StoreError>;

    /// The org's credential for `provider`.
    async fn credential(
        &self,
        scope: &OrgScope,
        provider: CredentialProvider,
    ) -> Result<Credential, StoreError>;

    /// All the org's credentials, by provider name.
    async fn list_credentials(&self, scope: &OrgScope) -> Result<Vec<Credential>, StoreError>;

    /// Operator path (key rotation): every org's credentials, sealed.
    async fn all_credentials(&self) -> Result<Vec<Credential>, StoreError>;

    /// Replaces the sealed secret of credential `id` of the org, if it is still the org's
    /// current one for its provider; `false` when it was replaced or deleted meanwhile.
    async fn reseal_credential(
        &self,
        scope: &OrgScope,
        id: CredentialId,
        sealed: SealedSecret,
    ) -> Result<bool, StoreError>;

    /// Deletes the org's credential for `provider`; `NotFound` if there is none.
    async fn delete_credential(
        &self,
        scope: &OrgScope,
        provider: CredentialProvider,
    ) -> Result<(), StoreError>;
}

/// One LLM call, as billed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlmCallUsage {
    /// The call's budget reservation id: recording is idempotent on it.
    pub call_id: uuid::Uuid,
    /// The month charged (the reservation's).
    pub period: Period,
    /// Model that answered.
    pub model: String,
    /// Tokens billed.
    pub usage: TokenUsage,
    /// Cost in micro-dollars.
    pub cost_micros: u64,
}

/// Which page of a usage report's tasks.
#[derive(Debug, Clone, Default)]
pub struct UsagePage {
    /// Tasks with ids after this one.
    pub after: Option<TaskId>,
    /// Page size.
    pub limit: u32,
}

/// A change of plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanChange {
    /// The plan.
    pub plan: String,
    /// The org's own limits, overriding the plan's (set only for custom contracts).
    pub custom_limits: Limits,
}

/// What a payment provider's event does to an org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BillingChange {
    /// A new plan (a paid checkout, a renewed or changed subscription); clears past due.
    Plan(PlanChange),
    /// A renewal failed.
    PastDue,
}

/// Errors of the [`Queue`] port.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The lease is no longer held (expired and taken by someone else, or already acked).
    #[error("lease lost")]
    LeaseLost,
    /// The backend failed.
    #[error("queue backend error: {0}")]
    Backend(String),
}

/// How many more tasks each org may take right now (its cap minus its runs in flight).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgRoom {
    /// Room of an org not in `per_org` (one with nothing in flight).
    pub default: usize,
    /// Room of the orgs with runs in flight.
    pub per_org: std::collections::HashMap<OrgId, usize>,
}

impl OrgRoom {
    /// The room of `org`.
    pub fn of(&self, org: OrgId) -> usize {
        self.per_org.get(&org).copied().unwrap_or(self.default)
    }

    /// One more task of `org` taken.
    pub fn take(&mut self, org: OrgId) {
        let left = self.of(org).saturating_sub(1);
        self.per_org.insert(org, left);
    }

    /// The orgs with no room left.
    pub fn full(&self) -> Vec<OrgId> {
        self.per_org
            .iter()
            .filter(|(_, room)| **room == 0)
            .map(|(org, _)| *org)
            .collect()
    }
}

/// A task taken from the queue, held for a limited time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// Org of the task.
    pub org_id: OrgId,
    /// Repository of the task (locked while the lease lives).
    pub repo_id: RepoId,
    /// The task.
    pub task_id: TaskId,
    /// Fencing token: renew and ack only succeed with the current lease's id.
    pub lease_id: uuid::Uuid,
    /// How many times this task has been delivered, this delivery included.
    pub delivery: u32,
}

/// Durable task queue with at-least-once delivery and leases.
#[async_trait]
pub trait Queue: Send + Sync + 'static {
    /// Adds a task of `repo_id`. Enqueueing a task that is already queued does nothing.
    async fn enqueue(
        &self,
        org_id: OrgId,
        repo_id: RepoId,
        task_id: TaskId,
    ) -> Result<(), QueueError>;

    /// Takes the next task, leased for `ttl`; `None` when nothing is ready.
    ///
    /// Fair across orgs: orgs with ready tasks are served round-robin (the org served least
    /// recently goes first), each org's tasks in the order they were enqueued. Tasks of the
    /// orgs in `skip` (those at their concurrency cap) are left in the queue.
    ///
    /// One task per repository at a time: a task whose repository has another task under a
    /// live lease is not handed out. The lease is the repository's lock — taken atomically
    /// with the dequeue, released by ack, expired with the lease when its holder dies — so
    /// tasks of a busy repository wait in the queue, in order, without holding a worker.
    async fn dequeue(&self, ttl: Duration, skip: &[OrgId]) -> Result<Option<Lease>, QueueError>;

    /// Takes up to `max` tasks in one go, by the rules of [`Queue::dequeue`], and never more
    /// tasks of one org than its room in `room`. Adapters override it to make one round trip.
    async fn dequeue_many(
        &self,
        ttl: Duration,
        max: usize,
        room: &OrgRoom,
    ) -> Result<Vec<Lease>, QueueError> {
        let mut room = room.clone();
        let mut leases = Vec::new();
        while leases.len() < max && room.default > 0 {
            match self.dequeue(ttl, &room.full()).await? {
                Some(lease) => {
                    room.take(lease.org_id);
                    leases.push(lease);
                }
                None => break,
            }
        }
        Ok(leases)
    }

    /// Extends a held lease. `LeaseLost` if it is no longer held.
    async fn renew(&self, lease: &Lease, ttl: Duration) -> Result<(), QueueError>;

    /// Removes a finished task. `LeaseLost` if the lease is no longer held.
    async fn ack(&self, lease: &Lease) -> Result<(), QueueError>;

    /// Acks several tasks, by the rules of [`Queue::ack`]; one result per lease, in order.
    /// Adapters override it to make one round trip (see [`crate::batching::BatchedAcks`]).
    async fn ack_many(&self, leases: &[Lease]) -> Vec<Result<(), QueueError>> {
        let mut results = Vec::with_capacity(leases.len());
        for lease in leases {
            results.push(self.ack(lease).await);
        }
        results
    }

    /// Gives a held task back to the queue, at its old place, for another delivery (its
    /// delivery count is kept). `LeaseLost` if the lease is no longer held.
    async fn release(&self, lease: &Lease) -> Result<(), QueueError>;

    /// Makes leases held by a previous incarnation of this node available again; returns how
    /// many. Called once at start-up.
    async fn recover(&self) -> Result<u64, QueueError>;

    /// How many tasks wait in the queue (ready, not leased), for the queue-depth gauge;
    /// `None` when the backend cannot count them cheaply.
    async fn ready_count(&self) -> Result<Option<u64>, QueueError> {
        Ok(None)
    }
}

/// Errors of the [`CredentialVault`] port.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// The credential does not decrypt: altered, another org's, or sealed under a key that
    /// has been retired.
    #[error("the credential does not decrypt")]
    Unreadable,
}

/// Opens sealed credentials. The master keys live outside the core (in the `orchard` crate's
/// keyring); the core only ever holds ciphertexts and, for the length of one operation, the
/// secret a run needs.
pub trait CredentialVault: Send + Sync + 'static {
    /// The credential's secret.
    fn open(&self, credential: &Credential) -> Result<secrecy::SecretString, VaultError>;
}

/// Errors of the [`LockService`] port.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// The lock is no longer held by this holder (it expired, or was released).
    #[error("lock lost")]
    Lost,
    /// The backend failed.
    #[error("lock backend error: {0}")]
    Backend(String),
}

/// A held repository lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoLock {
    /// Org of the repository.
    pub org_id: OrgId,
    /// The repository.
    pub repo_id: RepoId,
    /// The task whose run holds it.
    pub holder: TaskId,
    /// Fencing token: larger than the token of every earlier holder of this repository's
    /// lock, so a holder that lost the lock without noticing can be told from the current one.
    pub token: u64,
}

/// One run per repository at a time, across nodes.
///
/// A lock lives for `ttl` unless renewed, so a lock held by a dead node expires. Renew and
/// release only act on the holder's own lock (compare by fencing token): a holder whose lock
/// expired and was taken by another can neither extend nor free the new holder's lock.
#[async_trait]
pub trait LockService: Send + Sync + 'static {
    /// Takes the repository's lock for `holder` if nobody holds it; `None` if somebody does.
    async fn try_acquire(
        &self,
        org_id: OrgId,
        repo_id: RepoId,
        holder: TaskId,
        ttl: Duration,
    ) -> Result<Option<RepoLock>, LockError>;

    /// Extends a held lock to `ttl` from now. `Lost` if it is no longer held.
    async fn renew(&self, lock: &RepoLock, ttl: Duration) -> Result<(), LockError>;

    /// Frees a held lock. `Lost` if it was no longer held (nothing is freed then).
    async fn release(&self, lock: &RepoLock) -> Result<(), LockError>;

    /// The lock's current holder, if any.
    async fn holder(&self, org_id: OrgId, repo_id: RepoId) -> Result<Option<RepoLock>, LockError>;
}

/// A chat message in the OpenAI chat-completions shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum ChatMessage {
    /// Instructions for the model.
    System {
        /// Text.
        content: String,
    },
    /// The user's request.
    User {
        /// Text.
        content: String,
    },
    /// A model answer.
    Assistant {
        /// Text, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content: Option<String>,
        /// Tool calls, if any.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tool_calls: Vec<ToolCall>,
    },
    /// The result of one tool call.
    Tool {
        /// Id of the call it answers.
        tool_call_id: String,
        /// Result text.
        content: String,
    },
}

/// A function call requested by the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCall {
    /// Call id, echoed in the tool message.
    pub id: String,
    /// Function name.
    pub name: String,
    /// JSON-encoded arguments, exactly as the model wrote them.
    pub arguments: String,
}

/// A tool offered to the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    /// Function name.
    pub name: String,
    /// What it does, for the model.
    pub description: String,
    /// JSON Schema of its arguments.
    pub parameters: serde_json::Value,
}

/// One chat-completions request.
#[derive(Debug, Clone)]
pub struct ChatRequest {
    /// Conversation so far.
    pub messages: Vec<ChatMessage>,
    /// Tools the model may call.
    pub tools: Vec<ToolSpec>,
    /// Most completion tokens the model may produce (the budget reserved them).
    pub max_completion_tokens: u64,
}

/// One chat-completions answer.
#[derive(Debug, Clone)]
pub struct ChatResponse {
    /// Text, if any.
    pub content: Option<String>,
    /// Tool calls, if any.
    pub tool_calls: Vec<ToolCall>,
    /// Tokens billed for the call.
    pub usage: TokenUsage,
}

/// Errors of the [`Llm`] port.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LlmError {
    /// Worth retrying (429, 5xx, timeouts, connection errors).
    #[error("transient LLM error: {message}")]
    Transient {
        /// Detail.
        message: String,
        /// The server's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
    /// Not worth retrying (400, 401, malformed answers).
    #[error("LLM error: {message}")]
    Permanent {
        /// Detail.
        message: String,
    },
}

/// A chat-completions model with tool calls.
#[async_trait]
pub trait Llm: Send + Sync + 'static {
    /// One call.
    async fn complete(&self, request: &ChatRequest) -> Result<ChatResponse, LlmError>;
}

/// What went wrong in a git operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitErrorKind {
    /// Clone or fetch failed.
    Clone,
    /// Writing the commit failed.
    Commit,
    /// Pushing failed.
    Push,
    /// The server demanded credentials and got none, or refused the ones given.
    Auth,
}

/// Credentials for one git operation over HTTP(S).
#[derive(Debug, Clone)]
pub struct GitAuth {
    /// User name for basic auth (never empty: git ignores an empty one).
    pub username: String,
    /// The password, token or PAT; its `Debug` is redacted.
    pub secret: secrecy::SecretString,
}

/// Errors of the [`GitWorkspace`] port.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct GitError {
    /// Which step failed.
    pub kind: GitErrorKind,
    /// Detail, free of credentials.
    pub message: String,
}

/// What to commit.
#[derive(Debug, Clone)]
pub struct CommitRequest {
    /// Branch to create or update (`orchard/<task_id>`).
    pub branch: String,
    /// Commit message.
    pub message: String,
    /// Paths relative to the work dir that the agent changed (written or removed).
    pub changed_paths: Vec<String>,
}

/// Result of [`GitWorkspace::commit_and_push`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitOutcome {
    /// The tree equals the base tree: nothing committed, nothing pushed.
    NoChanges,
    /// Committed and pushed.
    Pushed {
        /// The new commit's id.
        commit: String,
    },
}

/// Git operations of a run, on a per-task work dir.
#[async_trait]
pub trait GitWorkspace: Send + Sync + 'static {
    /// Clones `repo` into the empty directory `dir` and checks out its default branch.
    async fn checkout(
        &self,
        repo: &Repo,
        dir: &Path,
        auth: Option<&GitAuth>,
    ) -> Result<(), GitError>;

    /// Commits the changed paths on top of the checked-out commit as `request.branch`, then
    /// pushes that branch to the repo's remote.
    async fn commit_and_push(
        &self,
        repo: &Repo,
        dir: &Path,
        request: &CommitRequest,
        auth: Option<&GitAuth>,
    ) -> Result<CommitOutcome, GitError>;
}

/// A pull request to open for a task's pushed branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequestRequest {
    /// Source branch (`orchard/<task_id>`).
    pub branch: String,
    /// Target branch; `None`: the repository's default branch, as the forge says.
    pub base: Option<String>,
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub body: String,
    /// Open it as a draft.
    pub draft: bool,
}

/// A pull request, opened or found open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedPullRequest {
    /// Its web page.
    pub url: String,
    /// Its number (GitHub) or id (Azure DevOps).
    pub number: u64,
    /// Opened by this call (`false`: one was open for the branch already).
    pub created: bool,
}

/// Why a call to a forge or tracker did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct IntegrationError {
    /// Stable code: `auth_failed`, `not_found`, `rate_limited`, `refused`, `unavailable`,
    /// `invalid_response`, `unsupported`.
    pub code: String,
    /// Detail, free of credentials.
    pub message: String,
}

/// An org's credential for a service, opened for one call.
#[derive(Debug, Clone)]
pub struct ServiceAuth {
    /// User name, if the org stored one (Jira Cloud: the account email).
    pub username: Option<String>,
    /// The token; its `Debug` is redacted.
    pub secret: secrecy::SecretString,
    /// The org's own site (a Jira site), if it stored one.
    pub base_url: Option<String>,
}

/// The org's issue tracker (Jira): where a task from an issue reports back.
#[async_trait]
pub trait IssueTracker: Send + Sync + 'static {
    /// Adds a comment to `issue` linking the pull request opened for its task.
    async fn link_pull_request(
        &self,
        issue: &str,
        pull_request_url: &str,
        task: &Task,
        auth: &ServiceAuth,
    ) -> Result<(), IntegrationError>;
}

/// Pull requests on the repository's forge (GitHub, Azure DevOps).
#[async_trait]
pub trait PullRequests: Send + Sync + 'static {
    /// Opens a pull request for `request.branch` of `repo`, or returns the one already open
    /// for it: a task that finishes twice (a redelivery) gets one pull request.
    ///
    /// `auth` is the org's credential for the forge; the adapter sends it only to the forge
    /// the credential is for (its `base_url`, or the public service), never to a host taken
    /// from the repository URL alone.
    async fn open(
        &self,
        repo: &Repo,
        request: &PullRequestRequest,
        auth: &ServiceAuth,
    ) -> Result<OpenedPullRequest, IntegrationError>;
}

#[cfg(test)]
mod tests {
    /// Methods of [`super::Store`] that take no [`super::OrgScope`], and why.
    const GLOBAL: &[(&str, &str)] = &[
        (
            "create_org_with_owner",
            "creates the org: there is no scope before it",
        ),
        ("user_by_email", "login: no token, so no org yet"),
        (
            "record_billing_event",
            "a provider's event id is global; its change carries the org's scope",
        ),
        (
            "billing_customer",
            "a provider's customer id is global: it finds the org of a webhook",
        ),
        ("all_credentials", "operator key rotation across every org"),
    ];

    /// Every `async fn` of `trait Store` in this file with its parameters' text.
    fn store_methods() -> Vec<(String, String)> {
        let source = include_str!("ports.rs");
        let start = source.find("pub trait Store:").expect("the trait");
        let body = &source[start..];
        let end = body.find("\n}\n").expect("the trait's end");
        let body = &body[..end];
        let mut methods = Vec::new();
        for (at, _) in body.match_indices("async fn ") {
            let rest = &body[at + "async fn ".len()..];
            let name_end = rest.find('(').expect("parameters");
            let params_end = rest.find(')').expect("parameters' end");
            methods.push((
                rest[..name_end].trim().to_string(),
                rest[name_end + 1..params_end].to_string(),
            ));
        }
        methods
    }

    #[test]
    fn every_store_method_but_the_global_ones_takes_a_scope_first() {
        let methods = store_methods();
        assert!(methods.len() >= 25, "found {} methods", methods.len());
        for (name, params) in &methods {
            let params: Vec<&str> = params
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            let scoped = params.get(1) == Some(&"scope: &OrgScope");
            let global = GLOBAL.iter().any(|(g, _)| g == name);
            assert!(
                scoped != global,
                "Store::{name}: {} (parameters: {params:?})",
                if global {
                    "listed as global but takes a scope: remove it from GLOBAL"
                } else {
                    "tenant data needs `scope: &OrgScope` as the first parameter, or a reason in GLOBAL"
                }
            );
        }
        for (name, _) in GLOBAL {
            assert!(methods.iter().any(|(m, _)| m == name), "{name} is gone");
        }
    }
}
