//! `POST /v1/tasks`, `GET /v1/tasks`, `GET /v1/tasks/{id}`, `GET /v1/tasks/{id}/events`.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::stream::{self, BoxStream, StreamExt};
use orchard_actors::budget::{LedgerError, Period};
use orchard_actors::budget_actor::give_back_unused_slot;
use orchard_actors::domain::{
    CancelOutcome, CredentialProvider, EventKind, NewTask, OrgScope, RepoId, Task, TaskError,
    TaskEvent, TaskId, TaskOutcome, TaskQuery, TaskStatus,
};
use orchard_actors::observe::tell;
use orchard_actors::ports::Store;
use orchard_actors::ports::{CredentialVault, StoreError};
use orchard_actors::root_supervisor::RootMsg;
use poem::web::Data;
use poem::web::sse::Event;
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::{EventStream, Json};
use poem_openapi::types::{Example, ToJSON};
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};
use serde::Serialize;
use std::sync::Arc;
use time::OffsetDateTime;
use uuid::Uuid;

use super::error::{ApiError, Code, ErrorBody, store_error};
use super::payload::SerdeJson;
use super::security::BearerAuth;
use super::validate::Text;
use super::{AppState, examples, validate};
use crate::forge::ServiceError;
use crate::forge::jira::{self, JiraIssue};

#[derive(Tags)]
enum TaskTags {
    /// Tasks for the agents, their status and events.
    Tasks,
}

/// Task submission and progress.
pub(crate) struct TasksApi;

/// A task to run.
#[derive(Object)]
#[oai(example)]
struct TaskCreate {
    /// Repository to work on (from `POST /v1/repos`).
    repo_id: Text,
    /// What the agent should do. Give this or `jira_issue`.
    #[oai(nullable)]
    instruction: Option<Text>,
    /// A Jira issue key (`ENG-42`) to work on instead of an instruction: its summary and
    /// description (as plain text) become the instruction, its active sprint the sprint
    /// label (unless `sprint` is given), and the pull request is linked on the issue. Needs
    /// the org's Jira credential with its site (`PUT /v1/credentials/jira`).
    #[oai(nullable)]
    jira_issue: Option<Text>,
    /// Sprint label, for cost allocation.
    #[oai(nullable)]
    sprint: Option<Text>,
    /// Most tokens this task may use.
    #[oai(nullable)]
    max_tokens: Option<u64>,
}

/// An accepted task.
#[derive(Object)]
#[oai(example)]
struct TaskAccepted {
    task_id: Uuid,
    /// Always `queued`.
    status: String,
}

/// Token counts.
#[derive(Object, Serialize)]
pub(crate) struct Tokens {
    prompt: u64,
    completion: u64,
    total: u64,
}

impl From<orchard_actors::domain::TokenUsage> for Tokens {
    fn from(usage: orchard_actors::domain::TokenUsage) -> Self {
        Self {
            prompt: usage.prompt,
            completion: usage.completion,
            total: usage.total(),
        }
    }
}

/// A task and its progress.
#[derive(Object, Serialize)]
#[oai(example, skip_serializing_if_is_none)]
struct TaskView {
    id: Uuid,
    repo_id: Uuid,
    instruction: String,
    /// The Jira issue the task was made from.
    #[serde(skip_serializing_if = "Option::is_none")]
    jira_issue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sprint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u64>,
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    status: String,
    /// Runs started for this task.
    attempts: u32,
    /// Branch the result was pushed to; absent when the agent changed nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    branch: Option<String>,
    /// Commit pushed.
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<String>,
    /// The pull request opened (or found open) for the branch, on GitHub or Azure DevOps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pull_request_url: Option<String>,
    /// The agent's summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    /// Files the agent changed.
    changed_files: Vec<String>,
    tokens: Tokens,
    /// LLM calls made.
    llm_calls: u32,
    /// Cost in micro-dollars (millionths of a USD) at the configured prices: exact, and what
    /// usage reports add up.
    cost_micros: u64,
    /// The same in USD, for display.
    cost_usd: f64,
    /// The month (`YYYY-MM`, UTC) whose task quota it counts against.
    quota_period: String,
    /// It ended without an LLM call and gave its quota slot back.
    quota_released: bool,
    /// Why the task failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorBody>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
}

/// A page of tasks, newest first.
#[derive(Object, Serialize)]
#[oai(example, skip_serializing_if_is_none)]
struct TaskList {
    tasks: Vec<TaskView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

/// One event of a task's log.
#[derive(Object)]
#[oai(example)]
struct TaskEventView {
    /// Position in the log, from 1.
    seq: u64,
    /// `status`, `checkout`, `llm_call`, `tool_call`, `commit`, `pull_request` or `restart`.
    kind: String,
    /// Details.
    data: serde_json::Value,
    at: OffsetDateTime,
}

impl Example for TaskCreate {
    fn example() -> Self {
        Self {
            repo_id: Text(examples::REPO_ID.to_string()),
            instruction: Some("add input validation to the signup handler".into()),
            jira_issue: None,
            sprint: Some(examples::SPRINT.into()),
            max_tokens: Some(200_000),
        }
    }
}

impl Example for TaskAccepted {
    fn example() -> Self {
        Self {
            task_id: examples::TASK_ID,
            status: TaskStatus::Queued.as_str().to_owned(),
        }
    }
}

impl Example for TaskView {
    fn example() -> Self {
        let TaskCreate {
            instruction,
            sprint,
            max_tokens,
            ..
        } = TaskCreate::example();
        Self {
            id: examples::TASK_ID,
            repo_id: examples::REPO_ID,
            instruction: instruction.map(String::from).unwrap_or_default(),
            jira_issue: None,
            sprint: sprint.map(String::from),
            max_tokens,
            status: TaskStatus::Succeeded.as_str().to_owned(),
            attempts: 1,
            branch: Some(format!("orchard/{}", examples::TASK_ID)),
            commit: Some("3f9c2b7e41d05a8c6e2f1b9d7a4c3e5f60718293".into()),
            pull_request_url: Some("https://github.com/acme/signup-service/pull/42".into()),
            summary: Some(
                "Validate the email and password in signup; reject bad input with 400.".into(),
            ),
            changed_files: vec!["src/signup.rs".into()],
            tokens: Tokens {
                prompt: 18_240,
                completion: 1_310,
                total: 19_550,
            },
            llm_calls: 4,
            cost_micros: 3_522,
            cost_usd: 0.003522,
            quota_period: examples::PERIOD.into(),
            quota_released: false,
            error: None,
            created_at: examples::AT,
            updated_at: examples::AT + Duration::from_secs(95),
        }
    }
}

impl Example for TaskList {
    fn example() -> Self {
        Self {
            tasks: vec![TaskView::example()],
            next_cursor: Some(examples::OLDER_TASK_ID.to_string()),
        }
    }
}

impl Example for TaskEventView {
    fn example() -> Self {
        Self {
            seq: 3,
            kind: EventKind::ToolCall.as_str().to_owned(),
            data: serde_json::json!({"name": "read_file", "path": "src/signup.rs", "ok": true, "error": null}),
            at: examples::AT + Duration::from_secs(12),
        }
    }
}

#[derive(ApiResponse)]
enum SubmitResult {
    /// Queued.
    #[oai(status = 202)]
    Accepted(Json<TaskAccepted>),
}

/// Takes a slot of this month's task quota for `task_id`; 402 `quota_exceeded` if the plan's
/// quota is used up. Returns the month charged.
async fn take_quota_slot(
    state: &AppState,
    scope: &OrgScope,
    task_id: TaskId,
) -> Result<Period, ApiError> {
    let org = state
        .store
        .org(scope)
        .await
        .map_err(|err| store_error("organization", err))?;
    let limits = state.limits_of(&org);
    let period = Period::of(state.clock.now());
    match state
        .ledger
        .take_task_slot(org.id, period, task_id, limits.tasks_per_month)
        .await
    {
        Ok(_) => Ok(period),
        Err(LedgerError::QuotaExceeded { used, quota }) => {
            metrics::counter!("orchard_quota_refusals_total").increment(1);
            Err(ApiError::new(
                Code::QuotaExceeded,
                format!(
                    "the {} plan allows {quota} task{} per month and {used} were submitted in {period}; upgrade the plan or wait for next month",
                    org.plan,
                    if quota == 1 { "" } else { "s" }
                ),
            ))
        }
        Err(err) => Err(ApiError::unavailable("the quota ledger", err)),
    }
}

/// Longest a submission waits for Jira (its retries included).
const JIRA_READ_BUDGET: Duration = Duration::from_secs(20);

/// The Jira issue `raw_key`, read with the org's Jira credential: 404 `jira_issue_not_found`
/// when Jira has no such issue (or the credential cannot see it), 502 `integration_failed`
/// when Jira refuses the credential, rate limits it or fails.
async fn read_jira_issue(
    state: &AppState,
    scope: &OrgScope,
    raw_key: &str,
) -> Result<JiraIssue, ApiError> {
    let key = jira::parse_key(raw_key).map_err(ApiError::invalid)?;
    let credential = match state
        .store
        .credential(scope, CredentialProvider::Jira)
        .await
    {
        Ok(credential) => credential,
        Err(StoreError::NotFound) => {
            return Err(ApiError::invalid(
                "tasks from Jira issues need the organization's Jira credential: PUT /v1/credentials/jira with its base_url",
            ));
        }
        Err(err) => return Err(store_error("credential", err)),
    };
    let site = credential
        .base_url
        .as_deref()
        .and_then(|url| crate::forge::base_url(url).ok())
        .ok_or_else(|| {
            ApiError::invalid(
                "the Jira credential names no site: store it again with base_url (e.g. https://acme.atlassian.net)",
            )
        })?;
    let secret = CredentialVault::open(&*state.keyring, &credential).map_err(|_| {
        ApiError::invalid("the stored Jira credential cannot be decrypted; store it again")
    })?;
    let auth = jira::auth_of(credential.username.as_deref(), &secret);
    // Jira's retries must end before this request's own timeout, so that the caller hears
    // Jira's answer (502) rather than a bare 504.
    let budget = match state.config.http.request_timeout_secs {
        0 => JIRA_READ_BUDGET,
        secs => Duration::from_secs(secs.saturating_sub(5))
            .clamp(Duration::from_secs(1), JIRA_READ_BUDGET),
    };
    let read = tokio::time::timeout(budget, state.jira.issue(&site, &auth, &key))
        .await
        .map_err(|_| {
            ApiError::new(
                Code::IntegrationFailed,
                format!("Jira did not answer within {} s", budget.as_secs()),
            )
        })?;
    read.map_err(|err| match err {
        ServiceError::NotFound { .. } => ApiError::new(Code::JiraIssueNotFound, err.to_string()),
        other => ApiError::new(Code::IntegrationFailed, other.to_string()),
    })
}

/// A task to queue, already validated.
pub(crate) struct TaskSpec {
    pub(crate) repo_id: RepoId,
    pub(crate) instruction: String,
    pub(crate) sprint: Option<String>,
    pub(crate) max_tokens: Option<u64>,
    pub(crate) jira_issue: Option<String>,
}

/// Takes a quota slot, records the task and queues it: the one way a task comes to be (the
/// API and the GitHub webhook). `submitted_by` names who asked, for the log.
pub(crate) async fn queue_task(
    state: &AppState,
    scope: &OrgScope,
    spec: TaskSpec,
    submitted_by: &str,
) -> Result<Task, ApiError> {
    // The quota slot first, atomically in the ledger: of 50 concurrent submissions to a
    // quota of 5, exactly 5 get past this line.
    let task_id = TaskId::new();
    let quota_period = take_quota_slot(state, scope, task_id).await?;
    let created = state
        .store
        .create_task(
            scope,
            NewTask {
                id: task_id,
                quota_period,
                repo_id: spec.repo_id,
                instruction: spec.instruction,
                sprint: spec.sprint,
                max_tokens: spec.max_tokens,
                jira_issue: spec.jira_issue,
            },
        )
        .await;
    let task = match created {
        Ok(task) => task,
        Err(err) => {
            // No task, no slot (an unknown repository, a full disk).
            if let Err(err) = state
                .ledger
                .return_task_slot(scope.org_id(), quota_period, task_id)
                .await
            {
                tracing::error!(%task_id, error = %err, "could not give a quota slot back");
            }
            return Err(store_error("repository", err));
        }
    };
    if let Err(err) = state
        .queue
        .enqueue(scope.org_id(), task.repo_id, task.id)
        .await
    {
        // Never leave a task that claims to be queued but is not; it made no LLM call, so
        // its slot goes back.
        let error = TaskError {
            code: "enqueue_failed".into(),
            message: "the task could not be queued".into(),
        };
        let _ = state
            .store
            .finish_task(scope, task.id, &TaskOutcome::Failed(error))
            .await;
        give_back_unused_slot(&*state.store, &*state.ledger, scope, task.id).await;
        return Err(ApiError::internal("queueing the task", err));
    }
    // The dispatcher also polls; this only makes the start immediate.
    let _ = tell(&state.root, RootMsg::TaskQueued);
    metrics::counter!("orchard_tasks_submitted_total").increment(1);
    tracing::info!(org_id = %scope.org_id(), task_id = %task.id, submitted_by, "task queued");
    Ok(task)
}

fn view(task: Task) -> TaskView {
    TaskView {
        llm_calls: task.llm_calls,
        cost_micros: task.cost_micros,
        cost_usd: task.cost_micros as f64 / 1_000_000.0,
        quota_period: task.quota_period.to_string(),
        quota_released: task.quota_released,
        id: task.id.as_uuid(),
        repo_id: task.repo_id.as_uuid(),
        instruction: task.instruction,
        jira_issue: task.jira_issue,
        sprint: task.sprint,
        max_tokens: task.max_tokens,
        status: task.status.as_str().to_owned(),
        attempts: task.attempts,
        branch: task.branch,
        commit: task.commit,
        pull_request_url: task.pull_request_url,
        summary: task.summary,
        changed_files: task.changed_files,
        tokens: task.tokens.into(),
        error: task.error.map(|e| ErrorBody {
            code: e.code,
            message: e.message,
        }),
        created_at: task.created_at,
        updated_at: task.updated_at,
    }
}

fn event_view(event: TaskEvent) -> TaskEventView {
    TaskEventView {
        seq: event.seq,
        kind: event.kind.as_str().to_owned(),
        data: event.data,
        at: event.at,
    }
}

fn parse_task_id(raw: &str) -> Result<TaskId, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::invalid(format!("`{raw}` is not a task id")))
}

/// Whether `event` is the last one a task writes.
fn is_final(event: &TaskEvent) -> bool {
    event.kind == EventKind::Status
        && event
            .data
            .get("status")
            .and_then(|s| s.as_str())
            .and_then(TaskStatus::parse)
            .is_some_and(|s| s.is_terminal())
}

/// How often the event stream looks for new events.
const EVENT_POLL: Duration = Duration::from_millis(250);

struct Follow {
    store: Arc<dyn Store>,
    scope: OrgScope,
    task_id: TaskId,
    after: u64,
    pending: VecDeque<TaskEvent>,
    done: bool,
    idle_after_terminal: u32,
}

/// Streams the task's events from the start, then live, until the final status event.
fn follow(state: Follow) -> BoxStream<'static, TaskEventView> {
    stream::unfold(state, |mut s| async move {
        loop {
            if let Some(event) = s.pending.pop_front() {
                s.after = event.seq;
                if is_final(&event) {
                    s.done = true;
                    s.pending.clear();
                }
                return Some((event_view(event), s));
            }
            if s.done {
                return None;
            }
            let terminal = match s.store.task(&s.scope, s.task_id).await {
                Ok(task) => task.status.is_terminal(),
                Err(_) => return None,
            };
            match s.store.task_events(&s.scope, s.task_id, s.after).await {
                Ok(events) if !events.is_empty() => s.pending.extend(events),
                Ok(_) if terminal => {
                    // Finished without a final event (recorded by an older build, or lost):
                    // stop after a short grace period rather than hang.
                    s.idle_after_terminal += 1;
                    if s.idle_after_terminal > 4 {
                        return None;
                    }
                    tokio::time::sleep(EVENT_POLL).await;
                }
                Ok(_) => tokio::time::sleep(EVENT_POLL).await,
                Err(_) => return None,
            }
        }
    })
    .boxed()
}

#[OpenApi(prefix_path = "/v1", tag = "TaskTags::Tasks")]
impl TasksApi {
    /// Submit a task; it is queued and picked up by an agent run.
    #[oai(path = "/tasks", method = "post", operation_id = "create_task")]
    async fn submit(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<TaskCreate>,
    ) -> Result<SubmitResult, ApiError> {
        auth.0.require_write()?;
        let scope = auth.0.scope;
        let mut sprint = body
            .sprint
            .as_deref()
            .map(validate::sprint)
            .transpose()
            .map_err(ApiError::invalid)?;
        // The issue is read before anything is taken or queued: a missing issue costs nothing.
        let (instruction, jira_issue) = match (&body.instruction, &body.jira_issue) {
            (Some(text), None) => (
                validate::instruction(text).map_err(ApiError::invalid)?,
                None,
            ),
            (None, Some(key)) => {
                let issue = read_jira_issue(&state, &scope, key).await?;
                if sprint.is_none() {
                    // A sprint name Orchard cannot use as a label is left out, not refused.
                    sprint = issue
                        .sprint
                        .as_deref()
                        .and_then(|name| validate::sprint(name).ok());
                }
                let text: String = issue
                    .instruction()
                    .chars()
                    .take(validate::MAX_INSTRUCTION_CHARS)
                    .collect();
                (
                    validate::instruction(&text).map_err(ApiError::invalid)?,
                    Some(issue.key),
                )
            }
            _ => {
                return Err(ApiError::invalid(
                    "give either `instruction` or `jira_issue`, not both and not neither",
                ));
            }
        };
        if body.max_tokens == Some(0) {
            return Err(ApiError::invalid("max_tokens must be at least 1"));
        }
        let repo_id =
            body.repo_id.trim().parse().map_err(|_| {
                ApiError::invalid(format!("`{}` is not a repository id", body.repo_id))
            })?;
        let task = queue_task(
            &state,
            &scope,
            TaskSpec {
                repo_id,
                instruction,
                sprint,
                max_tokens: body.max_tokens,
                jira_issue,
            },
            &auth.0.user_id.to_string(),
        )
        .await?;
        Ok(SubmitResult::Accepted(Json(TaskAccepted {
            task_id: task.id.as_uuid(),
            status: TaskStatus::Queued.as_str().to_owned(),
        })))
    }

    /// One task of the caller's organization.
    #[oai(path = "/tasks/:id", method = "get", operation_id = "get_task")]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// The task's id.
        #[oai(example = "examples::task_id")]
        id: Path<String>,
    ) -> Result<SerdeJson<TaskView>, ApiError> {
        let task_id = parse_task_id(&id)?;
        let task = state
            .store
            .task(&auth.0.scope, task_id)
            .await
            .map_err(|err| store_error("task", err))?;
        Ok(SerdeJson(view(task)))
    }

    /// The organization's tasks, newest first, filtered and paginated.
    #[oai(path = "/tasks", method = "get", operation_id = "list_tasks")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Only tasks with this status.
        #[oai(example = "examples::status")]
        status: Query<Option<String>>,
        /// Only tasks with this sprint label.
        #[oai(example = "examples::sprint")]
        sprint: Query<Option<String>>,
        /// `next_cursor` of the previous page.
        #[oai(example = "examples::cursor")]
        cursor: Query<Option<String>>,
        /// Page size, 1–200 (default 50).
        #[oai(example = "examples::limit")]
        limit: Query<Option<u32>>,
    ) -> Result<SerdeJson<TaskList>, ApiError> {
        let status = status
            .0
            .as_deref()
            .map(|s| {
                TaskStatus::parse(s).ok_or_else(|| {
                    ApiError::invalid(
                        "status must be queued, running, succeeded, failed or cancelled",
                    )
                })
            })
            .transpose()?;
        let before = cursor
            .0
            .as_deref()
            .map(|c| {
                c.parse::<TaskId>()
                    .map_err(|_| ApiError::invalid("invalid cursor"))
            })
            .transpose()?;
        let limit = limit.0.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(ApiError::invalid("limit must be between 1 and 200"));
        }
        let query = TaskQuery {
            status,
            sprint: sprint.0,
            before,
            limit,
        };
        let page = state
            .store
            .list_tasks(&auth.0.scope, &query)
            .await
            .map_err(|err| store_error("task", err))?;
        Ok(SerdeJson(TaskList {
            tasks: page.tasks.into_iter().map(view).collect(),
            next_cursor: page.next.map(|id| id.to_string()),
        }))
    }

    /// Cancel a queued or running task. A running task's agent is stopped at once; changes
    /// it has not pushed yet are discarded.
    #[oai(
        path = "/tasks/:id/cancel",
        method = "post",
        operation_id = "cancel_task"
    )]
    async fn cancel(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// The task's id.
        #[oai(example = "examples::task_id")]
        id: Path<String>,
    ) -> Result<SerdeJson<TaskView>, ApiError> {
        auth.0.require_write()?;
        let task_id = parse_task_id(&id)?;
        let scope = auth.0.scope;
        match state
            .store
            .cancel_task(&scope, task_id)
            .await
            .map_err(|err| store_error("task", err))?
        {
            CancelOutcome::AlreadyFinished(status) => {
                return Err(ApiError::new(
                    Code::TaskFinished,
                    format!("the task has already finished ({})", status.as_str()),
                ));
            }
            CancelOutcome::Cancelled { was } => {
                metrics::counter!("orchard_tasks_finished_total", "status" => "cancelled")
                    .increment(1);
                if was == TaskStatus::Queued {
                    // Never ran: no LLM call, and no run will settle it.
                    give_back_unused_slot(&*state.store, &*state.ledger, &scope, task_id).await;
                }
                let data = serde_json::json!({"status": "cancelled", "was": was.as_str()});
                if let Err(err) = state
                    .store
                    .append_event(&scope, task_id, EventKind::Status, data)
                    .await
                {
                    tracing::warn!(%task_id, error = %err, "could not record cancel event");
                }
                let _ = tell(&state.root, RootMsg::Cancel(scope.org_id(), task_id));
                tracing::info!(org_id = %scope.org_id(), %task_id, was = was.as_str(), "task cancelled");
            }
        }
        let task = state
            .store
            .task(&scope, task_id)
            .await
            .map_err(|err| store_error("task", err))?;
        Ok(SerdeJson(view(task)))
    }

    /// Server-sent events of a task: its log from the start, then live, ending after the
    /// final status event. Each event's SSE `id` is its `seq`; a client that reconnects with
    /// `Last-Event-ID` (as browsers' `EventSource` do) gets the events after that one.
    #[oai(
        path = "/tasks/:id/events",
        method = "get",
        operation_id = "task_events"
    )]
    async fn events(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// The task's id.
        #[oai(example = "examples::task_id")]
        id: Path<String>,
        /// Resume after the event with this `seq`.
        #[oai(name = "Last-Event-ID", example = "examples::last_event_id")]
        last_event_id: Header<Option<String>>,
    ) -> Result<EventStream<BoxStream<'static, TaskEventView>>, ApiError> {
        let task_id = parse_task_id(&id)?;
        let after = match last_event_id.0.as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(raw) => raw.parse::<u64>().map_err(|_| {
                ApiError::invalid(format!(
                    "Last-Event-ID `{raw}` is not an event seq (a whole number)"
                ))
            })?,
        };
        let scope = auth.0.scope;
        // Check access before streaming: another org's task is a 404, not an empty stream.
        state
            .store
            .task(&scope, task_id)
            .await
            .map_err(|err| store_error("task", err))?;
        let stream = follow(Follow {
            store: state.store.clone(),
            scope,
            task_id,
            after,
            pending: VecDeque::new(),
            done: false,
            idle_after_terminal: 0,
        });
        Ok(EventStream::new(stream)
            .keep_alive(Duration::from_secs(15))
            .to_event(|view| Event::message(view.to_json_string()).id(view.seq.to_string())))
    }
}
