//! `AgentRun`: one attempt at one task.
//!
//! The run is a small state machine driven by messages it sends itself (`Start`, then one
//! `Step` per LLM call), so its mailbox stays responsive between steps. Expected failures
//! (step limit, LLM refusal, clone error, ...) are recorded on the task by the run itself,
//! which then stops normally. Anything else — a store error, a panic — makes the actor fail;
//! its [`OrgSupervisor`](crate::org_supervisor::OrgSupervisor) records the failure.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ractor::{Actor, ActorProcessingErr, ActorRef};
use serde_json::json;
use tracing::Instrument;

use crate::backoff::BackoffPolicy;
use crate::budget::{BudgetScope, LedgerError, Reservation};
use crate::budget_actor::{BudgetMsg, estimate_prompt_tokens};
use crate::credentials::CredentialMsg;
use crate::domain::{
    CredentialProvider, EventKind, OrgScope, Provider, PullRequestMode, Repo, Task, TaskError,
    TaskOutcome, TokenUsage, task_branch,
};
use crate::indexing::{IndexStats, RepoIndexer};
use crate::observe::{
    ActorKind, Lineage, Probe, RunPhase, SharedRunSnapshot, ask, ask_waiting, tell,
};
use crate::ports::{
    ChatMessage, ChatRequest, ChatResponse, CommitOutcome, CommitRequest, GitAuth, GitError,
    GitErrorKind, IntegrationError, Lease, LlmCallUsage, LlmError, PullRequestRequest, QueueError,
    ServiceAuth, StoreError,
};
use crate::recall::{Recall, RecallError};
use crate::repo_lock::RepoLockMsg;
use crate::runtime::Deps;
use crate::tools::{
    MemoryCall, ToolOutcome, Workspace, format_hits, memory_call, memory_tool_specs, tool_specs,
};

/// The system prompt every run starts with.
pub const SYSTEM_PROMPT: &str = "You are Orchard, a coding agent working in a checkout of a git repository. \
Use the tools to look at the repository and to change files; all paths are relative to the repository root. \
Make the smallest change that does what the user asks. When you are done, call `finish` with a one-line \
summary of the change: it becomes the commit message.";

/// Most time a run waits for one LLM retry, whatever `Retry-After` says.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(60);

/// How long a run waits for one answer of its repository's lock actor.
const LOCK_CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The actor.
#[derive(Debug)]
pub struct AgentRun;

/// Messages of [`AgentRun`]; it sends them to itself.
#[derive(Debug)]
pub enum AgentRunMsg {
    /// Load the task, clone the repository.
    Start,
    /// One LLM call and its tool calls.
    Step,
}

/// How a run ended, as told to the supervisor in the stop reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunExit {
    /// The task succeeded and was recorded.
    Succeeded,
    /// The task failed in an expected way and was recorded.
    Failed,
    /// The task was already finished (a redelivery); nothing was done.
    AlreadyFinished,
    /// The queue lease was lost to another worker; this run gave up without recording.
    LeaseLost,
    /// The repository stayed locked by another holder; the task goes back to the queue.
    RepoBusy,
    /// The repository lock was lost before the push; the task goes back to the queue.
    LockLost,
}

impl RunExit {
    /// Stable name, used as the ractor stop reason.
    pub fn as_str(&self) -> &'static str {
        match self {
            RunExit::Succeeded => "succeeded",
            RunExit::Failed => "failed",
            RunExit::AlreadyFinished => "already_finished",
            RunExit::LeaseLost => "lease_lost",
            RunExit::RepoBusy => "repo_busy",
            RunExit::LockLost => "lock_lost",
        }
    }

    /// Parses a stop reason.
    pub fn parse(reason: &str) -> Option<Self> {
        Some(match reason {
            "succeeded" => RunExit::Succeeded,
            "failed" => RunExit::Failed,
            "already_finished" => RunExit::AlreadyFinished,
            "lease_lost" => RunExit::LeaseLost,
            "repo_busy" => RunExit::RepoBusy,
            "lock_lost" => RunExit::LockLost,
            _ => return None,
        })
    }
}

/// Start-up arguments.
#[derive(Debug)]
pub struct AgentRunArgs {
    /// Ports and settings.
    pub deps: Arc<Deps>,
    /// The queue lease of the task.
    pub lease: Lease,
    /// Where the run reports progress.
    pub snapshot: SharedRunSnapshot,
    /// The lock actor of the task's repository.
    pub lock: ActorRef<RepoLockMsg>,
    /// The org's credential actor.
    pub credentials: ActorRef<CredentialMsg>,
    /// The org's budget actor.
    pub budget: ActorRef<BudgetMsg>,
    /// The task's earlier runs that crashed.
    pub lineage: Lineage,
}

/// The run's state.
#[derive(Debug)]
pub struct AgentRunState {
    probe: Probe,
    deps: Arc<Deps>,
    lease: Lease,
    scope: OrgScope,
    snapshot: SharedRunSnapshot,
    lock: ActorRef<RepoLockMsg>,
    credentials: ActorRef<CredentialMsg>,
    budget: ActorRef<BudgetMsg>,
    task: Option<Task>,
    repo: Option<Repo>,
    workspace: Option<Workspace>,
    messages: Vec<ChatMessage>,
    steps: u32,
    tokens: TokenUsage,
    /// When the run started, for `orchard_run_duration_seconds`.
    started: std::time::Instant,
    /// Carries `org_id` and `task_id` to every log line of the run.
    span: tracing::Span,
}

/// Tries at recording a made call's spend (budget, then usage) before the run crashes.
const SETTLE_TRIES: u32 = 3;
/// Wait between those tries.
const SETTLE_RETRY: std::time::Duration = std::time::Duration::from_millis(200);

/// What to do after a message.
enum Flow {
    Continue,
    Exit(RunExit),
}

/// Why a step did not continue.
enum Stop {
    /// Expected: recorded on the task as its failure.
    Fail(TaskError),
    /// The lease is gone: someone else owns the task now.
    LeaseLost,
    /// Stop without recording anything; the supervisor requeues the task.
    Exit(RunExit),
    /// Unexpected: the actor fails and its supervisor records it.
    Crash(ActorProcessingErr),
}

impl From<StoreError> for Stop {
    fn from(err: StoreError) -> Self {
        Stop::Crash(Box::new(err))
    }
}

fn fail(code: &str, message: impl Into<String>) -> Stop {
    Stop::Fail(TaskError {
        code: code.to_owned(),
        message: message.into(),
    })
}

/// The work dir of a task: `<work_root>/<org>/<task>`.
pub fn work_dir(deps: &Deps, lease: &Lease) -> PathBuf {
    deps.settings
        .work_root
        .join(lease.org_id.to_string())
        .join(lease.task_id.to_string())
}

impl Actor for AgentRun {
    type Msg = AgentRunMsg;
    type State = AgentRunState;
    type Arguments = AgentRunArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: AgentRunArgs,
    ) -> Result<AgentRunState, ActorProcessingErr> {
        let probe = Probe::attach(
            &myself.get_cell(),
            ActorKind::AgentRun,
            format!("run/{}", args.lease.task_id),
            Some(args.lease.org_id),
            args.lineage,
        );
        let span = run_span(&args.lease);
        span.in_scope(|| tracing::info!(attempt = args.lease.delivery, "run started"));
        tell(&myself, AgentRunMsg::Start)?;
        Ok(AgentRunState {
            probe,
            scope: OrgScope::trusted(args.lease.org_id),
            deps: args.deps,
            lease: args.lease,
            snapshot: args.snapshot,
            lock: args.lock,
            credentials: args.credentials,
            budget: args.budget,
            task: None,
            repo: None,
            workspace: None,
            messages: Vec::new(),
            steps: 0,
            tokens: TokenUsage::default(),
            started: std::time::Instant::now(),
            span,
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: AgentRunMsg,
        state: &mut AgentRunState,
    ) -> Result<(), ActorProcessingErr> {
        // ractor polls handlers on the actor's own task: the span goes on the future, so it
        // is entered at every poll and every event of the run carries its fields.
        let span = state.span.clone();
        handle_message(myself, message, state)
            .instrument(span)
            .await
    }
}

/// The span of a run: every log line inside it carries `org_id` and `task_id`.
pub fn run_span(lease: &Lease) -> tracing::Span {
    tracing::info_span!("run", org_id = %lease.org_id, task_id = %lease.task_id)
}

async fn handle_message(
    myself: ActorRef<AgentRunMsg>,
    message: AgentRunMsg,
    state: &mut AgentRunState,
) -> Result<(), ActorProcessingErr> {
    state.probe.handled();
    let result = match message {
        AgentRunMsg::Start => state.start().await,
        AgentRunMsg::Step => state.step().await,
    };
    let flow = match result {
        Ok(flow) => flow,
        Err(Stop::Crash(err)) => {
            state.record_duration("crashed");
            tracing::debug!(error = %err, "run crashed");
            return Err(err);
        }
        Err(Stop::LeaseLost) => Flow::Exit(RunExit::LeaseLost),
        Err(Stop::Exit(exit)) => Flow::Exit(exit),
        Err(Stop::Fail(error)) => {
            tracing::info!(task_id = %state.lease.task_id, code = %error.code, "run failed");
            state.finish(TaskOutcome::Failed(error)).await?;
            Flow::Exit(RunExit::Failed)
        }
    };
    match flow {
        Flow::Continue => tell(&myself, AgentRunMsg::Step)?,
        Flow::Exit(exit) => {
            state.snapshot.update(|s| s.phase = RunPhase::Finished);
            state.record_duration(exit.as_str());
            tracing::info!(exit = exit.as_str(), steps = state.steps, "run ended");
            myself.stop(Some(exit.as_str().to_owned()));
        }
    }
    Ok(())
}

impl AgentRunState {
    fn record_duration(&self, exit: &'static str) {
        metrics::histogram!("orchard_run_duration_seconds", "exit" => exit)
            .record(self.started.elapsed().as_secs_f64());
    }

    async fn event(&self, kind: EventKind, data: serde_json::Value) -> Result<(), StoreError> {
        self.deps
            .store
            .append_event(&self.scope, self.lease.task_id, kind, data)
            .await
    }

    /// The run's heartbeat: tells the watchdog it is alive and extends its queue lease.
    async fn renew_lease(&self) -> Result<(), Stop> {
        self.snapshot.beat();
        match self
            .deps
            .queue
            .renew(&self.lease, self.deps.settings.lease_ttl)
            .await
        {
            Ok(()) => Ok(()),
            Err(QueueError::LeaseLost) => Err(Stop::LeaseLost),
            Err(err) => Err(Stop::Crash(Box::new(err))),
        }
    }

    /// Takes the repository's lock; returns its fencing token.
    ///
    /// The queue gives out one task per repository at a time, so the lock is normally free.
    /// It is not when the previous holder's node lost its lease without noticing, or died with
    /// the lock held: then the run waits, heartbeating, for up to one lease TTL — the lock's
    /// TTL too, so a dead holder's lock has expired by then — and otherwise gives the task
    /// back to the queue.
    async fn take_lock(&self) -> Result<u64, Stop> {
        let ttl = self.deps.settings.lease_ttl;
        let poll = (ttl / 20).clamp(Duration::from_millis(10), Duration::from_secs(1));
        let deadline = tokio::time::Instant::now() + ttl + poll;
        let task_id = self.lease.task_id;
        let mut waited = false;
        let wait_started = tokio::time::Instant::now();
        let observe_wait = |outcome: &'static str| {
            metrics::histogram!("orchard_repo_lock_wait_seconds", "outcome" => outcome)
                .record(wait_started.elapsed().as_secs_f64());
        };
        loop {
            let timeout = LOCK_CALL_TIMEOUT.as_millis() as u64;
            let answer = ask(
                &self.lock,
                |reply| RepoLockMsg::Acquire { task_id, reply },
                timeout,
            )
            .await
            .map_err(|err| Stop::Crash(format!("repository lock actor: {err}").into()))?;
            match answer {
                Ok(Some(lock)) => {
                    observe_wait("acquired");
                    return Ok(lock.token);
                }
                Ok(None) if tokio::time::Instant::now() < deadline => {
                    if !waited {
                        tracing::info!(%task_id, "repository is locked by another holder; waiting");
                        metrics::counter!("orchard_repo_lock_waits_total").increment(1);
                        waited = true;
                    }
                    self.renew_lease().await?;
                    tokio::time::sleep(poll).await;
                }
                Ok(None) => {
                    observe_wait("busy");
                    return Err(Stop::Exit(RunExit::RepoBusy));
                }
                Err(message) => {
                    return Err(Stop::Crash(
                        format!("repository lock backend: {message}").into(),
                    ));
                }
            }
        }
    }

    /// The org's credential for the repository's forge, for one git operation: `None` for
    /// local repositories and when the org stored none (public repositories need none).
    async fn git_auth(&self, repo: &Repo) -> Result<Option<GitAuth>, Stop> {
        let url = repo.url.to_ascii_lowercase();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Ok(None);
        }
        let provider = credential_provider(repo.provider);
        let Some(found) = self.credential(provider).await? else {
            return Ok(None);
        };
        if !provider.may_send_to(found.base_url.as_deref(), &repo.url) {
            // A repository on a host the credential is not for: a public one clones without
            // it; a private one fails with `credential_missing`, which says why.
            tracing::warn!(
                provider = provider.as_str(),
                "credential withheld: the repository is not on the credential's host"
            );
            return Ok(None);
        }
        Ok(Some(as_git_auth(provider, found)))
    }

    /// The org's credential for `provider`, for one operation; `None` when it stored none.
    async fn credential(&self, provider: CredentialProvider) -> Result<Option<ServiceAuth>, Stop> {
        let task_id = self.lease.task_id;
        let timeout = LOCK_CALL_TIMEOUT.as_millis() as u64;
        let answer = ask(
            &self.credentials,
            |reply| CredentialMsg::Secret {
                provider,
                task_id,
                reply,
            },
            timeout,
        )
        .await
        .map_err(|err| Stop::Crash(format!("credential actor: {err}").into()))?;
        match answer {
            Ok(Some(found)) => Ok(Some(ServiceAuth {
                username: found.username.filter(|u| !u.is_empty()),
                secret: found.secret,
                base_url: found.base_url,
            })),
            Ok(None) => Ok(None),
            Err(err) => Err(fail("credential_unreadable", err.to_string())),
        }
    }

    /// Whether the run still holds its repository lock, as the backend says right now.
    async fn confirm_lock(&self) -> bool {
        let task_id = self.lease.task_id;
        let timeout = LOCK_CALL_TIMEOUT.as_millis() as u64;
        ask(
            &self.lock,
            |reply| RepoLockMsg::Confirm { task_id, reply },
            timeout,
        )
        .await
        .unwrap_or(false)
    }

    async fn start(&mut self) -> Result<Flow, Stop> {
        let store = &self.deps.store;
        let current = store.task(&self.scope, self.lease.task_id).await?;
        if current.status.is_terminal() {
            return Ok(Flow::Exit(RunExit::AlreadyFinished));
        }
        let max_attempts = self.deps.settings.max_attempts;
        if self.lease.delivery > max_attempts {
            // Dead letter: every earlier delivery ended without a result (its node died or
            // its lease ran out). Fail it rather than loop forever.
            return Err(fail(
                "max_attempts",
                format!(
                    "the task was delivered {} times without finishing (max_attempts = {max_attempts})",
                    self.lease.delivery
                ),
            ));
        }
        let lock_token = self.take_lock().await?;
        let task = store.start_attempt(&self.scope, self.lease.task_id).await?;
        if task.status.is_terminal() {
            // Cancelled between the check above and now.
            return Ok(Flow::Exit(RunExit::AlreadyFinished));
        }
        self.event(
            EventKind::Status,
            json!({"status": "running", "attempt": task.attempts, "node": self.deps.settings.node}),
        )
        .await?;
        let repo = match store.repo(&self.scope, task.repo_id).await {
            Ok(repo) => repo,
            Err(StoreError::NotFound) => {
                return Err(fail(
                    "repo_missing",
                    "the task's repository no longer exists",
                ));
            }
            Err(err) => return Err(err.into()),
        };

        let dir = work_dir(&self.deps, &self.lease);
        prepare_dir(&dir)
            .await
            .map_err(|err| Stop::Crash(format!("work dir {}: {err}", dir.display()).into()))?;
        let auth = self.git_auth(&repo).await?;
        if let Err(err) = self.deps.git.checkout(&repo, &dir, auth.as_ref()).await {
            return Err(git_failure(&repo, &err, auth.is_some(), "clone_failed"));
        }
        drop(auth);
        let workspace = Workspace::open(&dir)
            .map_err(|err| Stop::Crash(format!("work dir {}: {err}", dir.display()).into()))?;
        let index = self.index_checkout(&repo, workspace.root()).await?;
        self.event(
            EventKind::Checkout,
            json!({"repo_id": repo.id, "lock_token": lock_token, "index": index}),
        )
        .await?;

        self.messages = vec![
            ChatMessage::System {
                content: SYSTEM_PROMPT.to_owned(),
            },
            ChatMessage::User {
                content: task.instruction.clone(),
            },
        ];
        self.task = Some(task);
        self.repo = Some(repo);
        self.workspace = Some(workspace);
        self.snapshot.update(|s| s.phase = RunPhase::Working);
        Ok(Flow::Continue)
    }

    async fn step(&mut self) -> Result<Flow, Stop> {
        self.renew_lease().await?;
        let settings = &self.deps.settings;
        if self.steps >= settings.max_steps {
            return Err(fail(
                "step_limit",
                format!(
                    "the agent did not finish within {} LLM calls",
                    settings.max_steps
                ),
            ));
        }
        let mut tools = tool_specs();
        if self.deps.memory.is_some() {
            tools.extend(memory_tool_specs());
        }
        let request = ChatRequest {
            messages: self.messages.clone(),
            tools,
            max_completion_tokens: settings.max_completion_tokens,
        };
        let reservation = self.reserve(&request).await?;
        self.steps += 1;
        let response = match self.call_llm(&request).await {
            Ok(response) => response,
            Err(stop) => {
                // Not made (or not answered): the hold goes back. A killed run's hold
                // expires instead.
                let _ = tell(&self.budget, BudgetMsg::Release(reservation));
                return Err(stop);
            }
        };
        self.settle(&reservation, &response).await?;
        self.tokens += response.usage;
        let (steps, tokens) = (self.steps, self.tokens);
        self.snapshot.update(|s| {
            s.steps = steps;
            s.tokens = tokens;
        });
        let tool_names: Vec<&str> = response
            .tool_calls
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        self.event(
            EventKind::LlmCall,
            json!({
                "step": self.steps,
                "prompt_tokens": response.usage.prompt,
                "completion_tokens": response.usage.completion,
                "reserved_tokens": reservation.amount,
                "tool_calls": tool_names,
            }),
        )
        .await?;

        self.messages.push(ChatMessage::Assistant {
            content: response.content.clone(),
            tool_calls: response.tool_calls.clone(),
        });
        if response.tool_calls.is_empty() {
            // A plain answer ends the conversation, as in the chat-completions convention.
            let summary = response
                .content
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .unwrap_or("finished without a summary")
                .to_owned();
            return self.publish(summary).await;
        }

        let mut finish = None;
        for call in &response.tool_calls {
            let outcome = self.run_tool(&call.name, &call.arguments).await?;
            let path = serde_json::from_str::<serde_json::Value>(&call.arguments)
                .ok()
                .and_then(|v| v.get("path").and_then(|p| p.as_str()).map(str::to_owned));
            let (ok, error) = match &outcome {
                ToolOutcome::Error(message) => (false, Some(message.clone())),
                _ => (true, None),
            };
            self.event(
                EventKind::ToolCall,
                json!({"name": call.name, "path": path, "ok": ok, "error": error}),
            )
            .await?;
            self.messages.push(ChatMessage::Tool {
                tool_call_id: call.id.clone(),
                content: outcome.to_message(),
            });
            if let ToolOutcome::Finish(summary) = outcome {
                finish = Some(summary);
                break;
            }
        }
        match finish {
            Some(summary) => self.publish(summary).await,
            None => Ok(Flow::Continue),
        }
    }

    /// Holds the tokens `request` may use, against the org's budget and the task's; a call
    /// that does not fit is not made and the run ends `budget_exceeded`.
    async fn reserve(&self, request: &ChatRequest) -> Result<Reservation, Stop> {
        let amount = estimate_prompt_tokens(request) + request.max_completion_tokens;
        let task_budget = self.task.as_ref().and_then(|t| t.max_tokens);
        let task_id = self.lease.task_id;
        let asked = ask_waiting(&self.budget, |reply| BudgetMsg::Reserve {
            task_id,
            task_budget,
            amount,
            reply,
        })
        .await;
        match asked {
            Ok(Ok(reservation)) => Ok(reservation),
            Ok(Err(LedgerError::OverBudget { scope, used, limit })) => {
                let whose = match scope {
                    BudgetScope::Org => "the organization's monthly token budget",
                    BudgetScope::Task => "the task's max_tokens",
                };
                Err(fail(
                    "budget_exceeded",
                    format!(
                        "the next LLM call needs up to {amount} tokens; {whose} has {} of {limit} left",
                        limit.saturating_sub(used)
                    ),
                ))
            }
            // The budget cannot be checked: the call is not made, and the run is retried.
            Ok(Err(err)) => Err(Stop::Crash(format!("budget check failed: {err}").into())),
            Err(err) => Err(Stop::Crash(
                format!("budget actor unavailable: {err}").into(),
            )),
        }
    }

    /// Charges the call's actual tokens to the budget and records them, with their cost, on
    /// the task. Both are idempotent on the reservation id.
    async fn settle(&self, reservation: &Reservation, response: &ChatResponse) -> Result<(), Stop> {
        // The call was made and billed by the vendor: a backend that is briefly away (a
        // restarting Redis) gets a few tries, each idempotent on the reservation id, before
        // the run gives up (its hold then expires, and the spend goes unrecorded).
        let actual = response.usage.total();
        let mut last = String::new();
        for attempt in 0..SETTLE_TRIES {
            if attempt > 0 {
                tokio::time::sleep(SETTLE_RETRY).await;
            }
            let reservation = reservation.clone();
            let settled = ask_waiting(&self.budget, |reply| BudgetMsg::Settle {
                reservation,
                actual,
                reply,
            })
            .await;
            match settled {
                Ok(Ok(_)) => {
                    last.clear();
                    break;
                }
                Ok(Err(err)) => last = format!("settling the budget failed: {err}"),
                Err(err) => last = format!("budget actor unavailable: {err}"),
            }
        }
        if !last.is_empty() {
            return Err(Stop::Crash(last.into()));
        }
        let settings = &self.deps.settings;
        let call = LlmCallUsage {
            call_id: reservation.id,
            period: reservation.period,
            model: settings.model.clone(),
            usage: response.usage,
            cost_micros: settings.price.cost_micros(response.usage),
        };
        let store = &self.deps.store;
        let mut recorded = store
            .record_usage(&self.scope, self.lease.task_id, &call)
            .await;
        for _ in 1..SETTLE_TRIES {
            if !matches!(recorded, Err(StoreError::Backend(_))) {
                break;
            }
            tokio::time::sleep(SETTLE_RETRY).await;
            recorded = store
                .record_usage(&self.scope, self.lease.task_id, &call)
                .await;
        }
        recorded?;
        Ok(())
    }

    /// One LLM call, retrying transient failures with backoff (honouring `Retry-After`).
    async fn call_llm(&self, request: &ChatRequest) -> Result<ChatResponse, Stop> {
        let settings = &self.deps.settings;
        // Exponential backoff with ±20 % jitter, so runs that hit the same rate limit do not
        // retry in lockstep; a server's Retry-After is honoured as given.
        let backoff = BackoffPolicy {
            initial: settings.llm_retry_initial,
            max: MAX_RETRY_WAIT,
            factor: 2.0,
            jitter: 0.2,
            max_restarts: settings.llm_retries,
            window: Duration::MAX,
        };
        let mut attempt = 0;
        loop {
            if attempt > 0 {
                // Waiting out retries can take minutes: keep the task leased meanwhile.
                self.renew_lease().await?;
            }
            let model = settings.model.clone();
            let called = std::time::Instant::now();
            let answer = self.deps.llm.complete(request).await;
            let outcome = match &answer {
                Ok(_) => "ok",
                Err(LlmError::Transient { .. }) => "transient",
                Err(LlmError::Permanent { .. }) => "permanent",
            };
            metrics::histogram!("orchard_llm_call_duration_seconds", "model" => model.clone(), "outcome" => outcome)
                .record(called.elapsed().as_secs_f64());
            metrics::counter!("orchard_llm_calls_total", "model" => model.clone(), "outcome" => outcome)
                .increment(1);
            match answer {
                Ok(response) => {
                    metrics::counter!("orchard_llm_tokens_total", "model" => model.clone(), "kind" => "prompt")
                        .increment(response.usage.prompt);
                    metrics::counter!("orchard_llm_tokens_total", "model" => model, "kind" => "completion")
                        .increment(response.usage.completion);
                    return Ok(response);
                }
                Err(LlmError::Permanent { message }) => return Err(fail("llm_error", message)),
                Err(LlmError::Transient {
                    message,
                    retry_after,
                }) => {
                    if attempt >= settings.llm_retries {
                        return Err(fail(
                            "llm_unavailable",
                            format!("gave up after {} attempts: {message}", attempt + 1),
                        ));
                    }
                    let spread = rand::random_range(-1.0..=1.0);
                    let wait = retry_after
                        .unwrap_or_else(|| backoff.delay(attempt, spread))
                        .min(MAX_RETRY_WAIT);
                    attempt += 1;
                    metrics::counter!("orchard_llm_retries_total", "model" => model).increment(1);
                    tracing::warn!(task_id = %self.lease.task_id, attempt, wait_ms = wait.as_millis() as u64, error = %message, "llm call failed, retrying");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// Indexes the checkout into the org's vector memory, when the deployment has one and
    /// indexing is on. An embedder or memory failure does not fail the task: it is logged,
    /// the files not indexed yet are left to the next run, and the answer (the checkout
    /// event's `index`) says what happened.
    async fn index_checkout(
        &self,
        repo: &Repo,
        root: &std::path::Path,
    ) -> Result<serde_json::Value, Stop> {
        let Some(recall) = &self.deps.memory else {
            return Ok(json!({"enabled": false}));
        };
        if !recall.settings.index_repositories {
            return Ok(json!({"enabled": false}));
        }
        let started = std::time::Instant::now();
        let mut stats = IndexStats::default();
        let indexed = self.index_files(recall, repo, root, &mut stats).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let task_id = self.lease.task_id;
        metrics::counter!("orchard_memory_chunks_indexed_total").increment(stats.chunks as u64);
        match indexed {
            Ok(()) => {
                tracing::info!(%task_id, repo_id = %repo.id, files = stats.files, unchanged = stats.unchanged, indexed = stats.indexed, chunks = stats.chunks, removed_paths = stats.removed_paths, elapsed_ms, "repository indexed");
                Ok(json!({"stats": stats, "elapsed_ms": elapsed_ms}))
            }
            Err(IndexFailure::Stop(stop)) => Err(stop),
            Err(IndexFailure::Recall(err)) => {
                metrics::counter!("orchard_memory_index_failures_total").increment(1);
                tracing::warn!(%task_id, repo_id = %repo.id, error = %err, indexed = stats.indexed, "indexing the repository failed; the run goes on");
                Ok(json!({"stats": stats, "elapsed_ms": elapsed_ms, "error": err.to_string()}))
            }
        }
    }

    async fn index_files(
        &self,
        recall: &Arc<Recall>,
        repo: &Repo,
        root: &std::path::Path,
        stats: &mut IndexStats,
    ) -> Result<(), IndexFailure> {
        let mut indexer = RepoIndexer::plan(recall.clone(), self.scope, repo.id, root).await?;
        *stats = indexer.stats().clone();
        loop {
            let more = indexer.next_batch().await;
            *stats = indexer.stats().clone();
            if !more? {
                return Ok(());
            }
            // Embedding a large repository through a remote model takes a while.
            self.renew_lease().await.map_err(IndexFailure::Stop)?;
        }
    }

    /// `memory_search` / `memory_store`: embedder and memory failures are the model's tool
    /// errors, never the run's.
    async fn memory_tool(&self, call: Result<MemoryCall, String>) -> ToolOutcome {
        let Some(recall) = &self.deps.memory else {
            return ToolOutcome::Error("this deployment has no vector memory".into());
        };
        let call = match call {
            Ok(call) => call,
            Err(message) => return ToolOutcome::Error(message),
        };
        let task_id = self.lease.task_id;
        let answer = match call {
            MemoryCall::Search { query, limit } => recall
                .search(&self.scope, &query, limit, None)
                .await
                .map(|hits| format_hits(&hits)),
            MemoryCall::Store { text } => recall
                .store_note(&self.scope, &text, Some(task_id))
                .await
                .map(|id| format!("stored note {id}")),
        };
        self.snapshot.beat();
        match answer {
            Ok(output) => ToolOutcome::Output(output),
            Err(err) => {
                if matches!(err, RecallError::Unavailable(_) | RecallError::Backend(_)) {
                    tracing::warn!(%task_id, error = %err, "memory tool failed");
                }
                ToolOutcome::Error(err.to_string())
            }
        }
    }

    /// Stores a succeeded task's summary as a note of the org (with its instruction, so a
    /// later search for either finds it). A failure is logged, not the task's.
    async fn remember_summary(&self, summary: &str) {
        let Some(recall) = &self.deps.memory else {
            return;
        };
        let instruction = self
            .task
            .as_ref()
            .map(|t| t.instruction.as_str())
            .unwrap_or("");
        let mut note = format!("{summary}\n\nTask: {instruction}");
        let max = recall.settings.max_text_bytes;
        if note.len() > max {
            let mut end = max;
            while !note.is_char_boundary(end) {
                end -= 1;
            }
            note.truncate(end);
        }
        let task_id = self.lease.task_id;
        if let Err(err) = recall.store_note(&self.scope, &note, Some(task_id)).await {
            tracing::warn!(%task_id, error = %err, "storing the task's summary in memory failed");
        }
    }

    /// Runs a tool off the async threads (tools touch the file system).
    async fn run_tool(&mut self, name: &str, arguments: &str) -> Result<ToolOutcome, Stop> {
        if let Some(call) = memory_call(name, arguments) {
            return Ok(self.memory_tool(call).await);
        }
        let Some(mut workspace) = self.workspace.take() else {
            return Err(Stop::Crash(
                "tool call before the workspace was ready".into(),
            ));
        };
        let (name, arguments) = (name.to_owned(), arguments.to_owned());
        let joined = tokio::task::spawn_blocking(move || {
            let outcome = workspace.execute(&name, &arguments);
            (workspace, outcome)
        })
        .await;
        match joined {
            Ok((workspace, outcome)) => {
                self.workspace = Some(workspace);
                self.snapshot.beat();
                Ok(outcome)
            }
            Err(err) => Err(Stop::Crash(Box::new(err))),
        }
    }

    /// Commits and pushes the changes, then records success.
    async fn publish(&mut self, summary: String) -> Result<Flow, Stop> {
        self.renew_lease().await?;
        self.snapshot.update(|s| s.phase = RunPhase::Publishing);
        let (Some(repo), Some(workspace)) = (&self.repo, &self.workspace) else {
            return Err(Stop::Crash("publish before the workspace was ready".into()));
        };
        if !self.confirm_lock().await {
            // Another holder may be working on the repository: push nothing.
            return Err(Stop::Exit(RunExit::LockLost));
        }
        let changed_files = workspace.changed_paths();
        let branch = task_branch(self.lease.task_id);
        let request = CommitRequest {
            branch: branch.clone(),
            message: summary.clone(),
            changed_paths: changed_files.clone(),
        };
        let auth = self.git_auth(repo).await?;
        let pushed = self
            .deps
            .git
            .commit_and_push(repo, workspace.root(), &request, auth.as_ref())
            .await;
        let outcome = match pushed {
            Ok(outcome) => outcome,
            Err(err) => {
                let code = match err.kind {
                    GitErrorKind::Push | GitErrorKind::Auth => "push_failed",
                    GitErrorKind::Commit | GitErrorKind::Clone => "commit_failed",
                };
                return Err(git_failure(repo, &err, auth.is_some(), code));
            }
        };
        drop(auth);
        let outcome = match outcome {
            CommitOutcome::NoChanges => {
                self.event(
                    EventKind::Commit,
                    json!({"changes": false, "note": "the agent changed no files; nothing was committed"}),
                )
                .await?;
                TaskOutcome::Succeeded {
                    summary,
                    branch: None,
                    commit: None,
                    changed_files: Vec::new(),
                    pull_request_url: None,
                }
            }
            CommitOutcome::Pushed { commit } => {
                self.event(
                    EventKind::Commit,
                    json!({"changes": true, "branch": branch, "commit": commit, "files": changed_files}),
                )
                .await?;
                let repo = repo.clone();
                let pull_request_url = self.open_pull_request(&repo, &branch, &summary).await?;
                TaskOutcome::Succeeded {
                    summary,
                    branch: Some(branch),
                    commit: Some(commit),
                    changed_files,
                    pull_request_url,
                }
            }
        };
        if let TaskOutcome::Succeeded { summary, .. } = &outcome {
            self.remember_summary(summary).await;
        }
        self.finish(outcome).await?;
        Ok(Flow::Exit(RunExit::Succeeded))
    }

    /// Opens (or finds open) the pull request of the pushed `branch`, when the repository is
    /// on GitHub or Azure DevOps and wants pull requests. It never fails the task — the branch
    /// is pushed, the work is there: a pull request that could not be opened is a
    /// `pull_request` event with the reason (the client already retried what was worth it).
    async fn open_pull_request(
        &self,
        repo: &Repo,
        branch: &str,
        summary: &str,
    ) -> Result<Option<String>, Stop> {
        let Some(forge) = self.deps.pull_requests.as_ref() else {
            return Ok(None);
        };
        let on_forge = matches!(repo.provider, Provider::Github | Provider::AzureDevops);
        if !on_forge || repo.pull_requests == PullRequestMode::Off {
            return Ok(None);
        }
        let provider = credential_provider(repo.provider);
        let auth = match self.integration_credential(provider).await? {
            Ok(auth) => auth,
            Err(err) => {
                self.pull_request_failed(&err.code, err.message).await?;
                return Ok(None);
            }
        };
        // The totals of every call so far (the task loaded at the start predates them); the
        // summary is recorded with the success, after this.
        let mut task = match self.deps.store.task(&self.scope, self.lease.task_id).await {
            Ok(task) => task,
            Err(err) => {
                self.pull_request_failed("store_error", err.to_string())
                    .await?;
                return Ok(None);
            }
        };
        task.summary = Some(summary.to_owned());
        // The push took its time, and the forge may make us wait: the lease first.
        self.renew_lease().await?;
        let request = PullRequestRequest {
            branch: branch.to_owned(),
            base: repo.default_branch.clone(),
            title: pull_request_title(summary, &task.instruction),
            body: pull_request_body(&task, self.deps.settings.public_url.as_deref()),
            draft: repo.pull_requests == PullRequestMode::Draft,
        };
        match forge.open(repo, &request, &auth).await {
            Ok(opened) => {
                let outcome = if opened.created { "opened" } else { "found" };
                metrics::counter!("orchard_pull_requests_total", "outcome" => outcome).increment(1);
                tracing::info!(url = %opened.url, outcome, "pull request");
                self.event(
                    EventKind::PullRequest,
                    json!({"url": opened.url, "number": opened.number, "created": opened.created, "draft": request.draft}),
                )
                .await?;
                self.renew_lease().await?;
                self.link_issue(&task, &opened.url).await?;
                Ok(Some(opened.url))
            }
            Err(err) => {
                self.pull_request_failed(&err.code, err.message).await?;
                Ok(None)
            }
        }
    }

    /// Comments on the Jira issue the task came from with the pull request's link. Like the
    /// pull request itself, a failure is an event, not the task's failure.
    async fn link_issue(&self, task: &Task, url: &str) -> Result<(), Stop> {
        let (Some(issue), Some(tracker)) = (&task.jira_issue, self.deps.issues.as_ref()) else {
            return Ok(());
        };
        // Linked already by an earlier run of the task (one that died after): once is enough.
        let events = self
            .deps
            .store
            .task_events(&self.scope, self.lease.task_id, 0)
            .await?;
        let linked = events.iter().any(|e| {
            e.kind == EventKind::PullRequest
                && e.data["jira_issue"] == issue.as_str()
                && e.data["linked"] == true
        });
        if linked {
            return Ok(());
        }
        let outcome = match self
            .integration_credential(CredentialProvider::Jira)
            .await?
        {
            Ok(auth) => tracker.link_pull_request(issue, url, task, &auth).await,
            Err(err) => Err(err),
        };
        let data = match outcome {
            Ok(()) => json!({"jira_issue": issue, "linked": true}),
            Err(err) => {
                tracing::warn!(issue = %issue, code = %err.code, error = %err.message, "Jira issue not linked");
                json!({"jira_issue": issue, "linked": false, "error": {"code": err.code, "message": err.message}})
            }
        };
        self.event(EventKind::PullRequest, data).await?;
        Ok(())
    }

    /// The org's credential for a forge or tracker call. A missing or unreadable one is the
    /// call's failure (recorded by the caller, never the task's); only a crash stops the run.
    async fn integration_credential(
        &self,
        provider: CredentialProvider,
    ) -> Result<Result<ServiceAuth, IntegrationError>, Stop> {
        match self.credential(provider).await {
            Ok(Some(auth)) => Ok(Ok(auth)),
            Ok(None) => {
                let name = provider.as_str();
                Ok(Err(IntegrationError {
                    code: "credential_missing".into(),
                    message: format!("store a {name} credential with PUT /v1/credentials/{name}"),
                }))
            }
            Err(Stop::Fail(error)) => Ok(Err(IntegrationError {
                code: error.code,
                message: error.message,
            })),
            Err(stop) => Err(stop),
        }
    }

    /// Records why no pull request was opened: a `pull_request` event, a metric, a log line.
    async fn pull_request_failed(&self, code: &str, message: String) -> Result<(), Stop> {
        metrics::counter!("orchard_pull_requests_total", "outcome" => "failed").increment(1);
        tracing::warn!(code, error = %message, "pull request not opened");
        self.event(
            EventKind::PullRequest,
            json!({"error": {"code": code, "message": message}}),
        )
        .await?;
        Ok(())
    }

    async fn finish(&self, outcome: TaskOutcome) -> Result<(), StoreError> {
        self.deps
            .store
            .finish_task(&self.scope, self.lease.task_id, &outcome)
            .await?;
        let status = match &outcome {
            TaskOutcome::Succeeded { .. } => "succeeded",
            TaskOutcome::Failed(_) => "failed",
        };
        metrics::counter!("orchard_tasks_finished_total", "status" => status).increment(1);
        let data = match &outcome {
            TaskOutcome::Succeeded { .. } => json!({"status": "succeeded"}),
            TaskOutcome::Failed(error) => {
                json!({"status": "failed", "code": error.code, "message": error.message})
            }
        };
        self.event(EventKind::Status, data).await
    }
}

/// Why indexing stopped.
enum IndexFailure {
    /// The embedder or the memory failed: logged, the run goes on.
    Recall(RecallError),
    /// The run itself must stop (its lease is gone).
    Stop(Stop),
}

impl From<RecallError> for IndexFailure {
    fn from(err: RecallError) -> Self {
        IndexFailure::Recall(err)
    }
}

/// A pull request's title: the summary's first line, else the instruction's.
fn pull_request_title(summary: &str, instruction: &str) -> String {
    let first = |text: &str| {
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_owned)
    };
    let title = first(summary)
        .or_else(|| first(instruction))
        .unwrap_or_else(|| "Changes by Orchard".to_owned());
    if title.chars().count() > 120 {
        let mut cut: String = title.chars().take(119).collect();
        cut.push('…');
        cut
    } else {
        title
    }
}

/// A pull request's description: the instruction, then what the task cost and where it is.
fn pull_request_body(task: &Task, public_url: Option<&str>) -> String {
    let link = match public_url {
        Some(base) => format!(
            "[`{}`]({}/v1/tasks/{})",
            task.id,
            base.trim_end_matches('/'),
            task.id
        ),
        None => format!("`{}`", task.id),
    };
    let quoted: Vec<String> = task
        .instruction
        .lines()
        .map(|line| format!("> {line}").trim_end().to_owned())
        .collect();
    let mut body = format!(
        "Opened by Orchard for task {link}.\n\n**Instruction**\n\n{}\n\n",
        quoted.join("\n")
    );
    if let Some(summary) = &task.summary {
        body.push_str(&format!("**Summary**: {summary}\n\n"));
    }
    body.push_str(&format!(
        "**Usage**: {} tokens ({} prompt, {} completion) in {} LLM call{}, ${}.{:06}",
        task.tokens.total(),
        task.tokens.prompt,
        task.tokens.completion,
        task.llm_calls,
        if task.llm_calls == 1 { "" } else { "s" },
        task.cost_micros / 1_000_000,
        task.cost_micros % 1_000_000,
    ));
    if let Some(sprint) = &task.sprint {
        body.push_str(&format!(" (sprint {sprint})"));
    }
    body.push('\n');
    body
}

/// A credential as git's basic auth takes it: a user name always (the forge's convention when
/// the org stored none).
fn as_git_auth(provider: CredentialProvider, found: ServiceAuth) -> GitAuth {
    GitAuth {
        username: found
            .username
            .unwrap_or_else(|| default_username(provider).to_owned()),
        secret: found.secret,
    }
}

/// The credential that authenticates to a repository's forge.
fn credential_provider(provider: Provider) -> CredentialProvider {
    match provider {
        Provider::Github => CredentialProvider::Github,
        Provider::AzureDevops => CredentialProvider::AzureDevops,
        Provider::Generic => CredentialProvider::Generic,
    }
}

/// The basic-auth user name a forge expects with a token when the org stored none: GitHub
/// takes `x-access-token`, Azure DevOps any name with a PAT. Never empty: git ignores an empty
/// user name, and the password with it.
fn default_username(provider: CredentialProvider) -> &'static str {
    match provider {
        CredentialProvider::Github => "x-access-token",
        CredentialProvider::AzureDevops => "pat",
        CredentialProvider::Jira
        | CredentialProvider::Generic
        | CredentialProvider::GithubWebhook => "git",
    }
}

/// A git failure as the task's error: a refused or missing credential is `auth_failed` or
/// `credential_missing` (not worth retrying), anything else `code`.
fn git_failure(repo: &Repo, err: &GitError, had_credential: bool, code: &str) -> Stop {
    if err.kind != GitErrorKind::Auth {
        return fail(code, err.message.clone());
    }
    let provider = credential_provider(repo.provider).as_str();
    if had_credential {
        fail(
            "auth_failed",
            format!(
                "the server refused the organization's {provider} credential: {}",
                err.message
            ),
        )
    } else {
        fail(
            "credential_missing",
            format!(
                "the repository needs a credential; store one with PUT /v1/credentials/{provider} (it is sent only to its service's public host, or to the host of the base_url stored with it)"
            ),
        )
    }
}

/// Empties (or creates) a task's work dir: a retried run starts from a fresh clone.
async fn prepare_dir(dir: &std::path::Path) -> std::io::Result<()> {
    match tokio::fs::remove_dir_all(dir).await {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(err),
    }
    tokio::fs::create_dir_all(dir).await
}
