//! What the actors share: the ports and the settings of runs.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::backoff::BackoffPolicy;
use crate::budget::{BudgetLedger, Clock, Limits, Price};
use crate::ports::{
    CredentialVault, GitWorkspace, IssueTracker, Llm, LockService, PullRequests, Queue, Store,
};
use crate::recall::Recall;

/// Settings of agent runs and dispatch.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// This node's name in task events (`host:pid`), so an operator can tell which node ran
    /// a task.
    pub node: String,
    /// Per-task work dirs live under `<work_root>/<org>/<task>`.
    pub work_root: PathBuf,
    /// Most LLM calls per run.
    pub max_steps: u32,
    /// How long a dequeued task is leased; runs renew it every step.
    pub lease_ttl: Duration,
    /// Retries of a transient LLM failure within one step.
    pub llm_retries: u32,
    /// First retry delay (doubles each retry) when the server sends no `Retry-After`.
    pub llm_retry_initial: Duration,
    /// Concurrent runs on this node.
    pub max_workers: usize,
    /// Concurrent runs of one org on this node, unless its plan says otherwise.
    pub max_runs_per_org: usize,
    /// Concurrent runs of one org on this node, by the org's plan.
    pub plan_runs: HashMap<String, usize>,
    /// Deliveries of a task (first one included) before it is dead-lettered as failed.
    pub max_attempts: u32,
    /// How often the dispatcher polls the queue when nothing wakes it.
    pub poll_interval: Duration,
    /// Keep work dirs after runs (for debugging).
    pub keep_work_dirs: bool,
    /// How crashed runs are restarted.
    pub backoff: BackoffPolicy,
    /// A run without a heartbeat for this long is stopped.
    pub stale_after: Duration,
    /// What happens to a stale run's task: requeued (`true`) or failed with `stale`.
    pub stale_requeue: bool,
    /// How often the watchdog looks.
    pub watchdog_interval: Duration,
    /// An org supervisor with no work for this long is stopped (passivated) and started
    /// again by the org's next message; `None` keeps every org supervisor alive.
    pub org_idle_after: Option<Duration>,
    /// Task quota and token budget by plan; an org on a plan not listed gets `free`'s.
    pub plan_limits: HashMap<String, Limits>,
    /// Most completion tokens per LLM call (sent to the model, and reserved).
    pub max_completion_tokens: u64,
    /// The model's name and price, for the cost of each call.
    pub model: String,
    /// Its price.
    pub price: Price,
    /// The API's public address (e.g. `https://orchard.example.com`): pull requests link back
    /// to `{public_url}/v1/tasks/{id}`. `None`: they name the task id only.
    pub public_url: Option<String>,
}

impl RunSettings {
    /// Concurrent runs on this node allowed to an org on `plan`.
    pub fn runs_for_plan(&self, plan: &str) -> usize {
        self.plan_runs
            .get(plan)
            .copied()
            .unwrap_or(self.max_runs_per_org)
    }

    /// What an org on `plan` with its own `custom` limits may use.
    pub fn limits_for(&self, plan: &str, custom: Limits) -> Limits {
        crate::budget::limits_for(&self.plan_limits, plan, custom)
    }

    /// The smallest cap of any plan: what an org whose plan is not known yet may take.
    pub fn min_runs_per_org(&self) -> usize {
        self.plan_runs
            .values()
            .copied()
            .chain([self.max_runs_per_org])
            .min()
            .unwrap_or(self.max_runs_per_org)
    }
}

/// The ports and settings, shared by every actor of the tree.
#[derive(Clone)]
pub struct Deps {
    /// Durable data.
    pub store: Arc<dyn Store>,
    /// Task queue.
    pub queue: Arc<dyn Queue>,
    /// Repository locks.
    pub locks: Arc<dyn LockService>,
    /// Opens the orgs' sealed credentials.
    pub vault: Arc<dyn CredentialVault>,
    /// The model.
    pub llm: Arc<dyn Llm>,
    /// Git operations.
    pub git: Arc<dyn GitWorkspace>,
    /// Task quotas and token budgets.
    pub ledger: Arc<dyn BudgetLedger>,
    /// Where "now" comes from (which month is charged).
    pub clock: Arc<dyn Clock>,
    /// Vector memory: repository indexing and the agent's memory tools; `None` runs
    /// without either.
    pub memory: Option<Arc<Recall>>,
    /// Opens pull requests on GitHub and Azure DevOps; `None` opens none.
    pub pull_requests: Option<Arc<dyn PullRequests>>,
    /// Links pull requests from the Jira issues tasks came from; `None` links none.
    pub issues: Option<Arc<dyn IssueTracker>>,
    /// Settings.
    pub settings: RunSettings,
}

impl fmt::Debug for Deps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deps")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}
