//! Domain types shared by the actors, the ports and the adapters.
//!
//! Identifiers are newtypes over UUIDv7 (time-ordered, so ids sort by creation and serve as
//! pagination cursors). Values that arrive from outside are validated when they are built
//! (`parse`), so the rest of the code can trust them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps an existing UUID.
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// The underlying UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// An organization (tenant).
    OrgId
);
id_type!(
    /// A user of an organization.
    UserId
);
id_type!(
    /// A registered repository.
    RepoId
);
id_type!(
    /// A task submitted by an organization.
    TaskId
);
id_type!(
    /// A stored credential (a new one each time an org replaces its secret).
    CredentialId
);

/// Proof that the holder may act on one organization's data.
///
/// Every tenant-scoped store method takes one, so no code path can read or write tenant data
/// without naming the tenant. It is built in exactly two places: from a verified token (the
/// API's auth layer) and from a record that already belongs to the org (a queued task, whose
/// org was fixed from a verified token when it was submitted).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrgScope {
    org_id: OrgId,
}

impl OrgScope {
    /// Scope for `org_id`. Call only with an org id taken from a verified token or from a
    /// record owned by that org; never with an id taken from a request path or body.
    pub fn trusted(org_id: OrgId) -> Self {
        Self { org_id }
    }

    /// The organization this scope grants access to.
    pub fn org_id(&self) -> OrgId {
        self.org_id
    }
}

impl fmt::Debug for OrgScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrgScope({})", self.org_id)
    }
}

/// A member's role within its organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Created the org; may do everything.
    Owner,
    /// May manage members, credentials and repositories.
    Admin,
    /// May submit tasks.
    Member,
    /// Read only.
    Viewer,
    /// Platform operator (not a tenant role).
    Operator,
}

impl Role {
    /// Stable lowercase name, as in tokens and the database.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
            Role::Operator => "operator",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "owner" => Role::Owner,
            "admin" => Role::Admin,
            "member" => Role::Member,
            "viewer" => Role::Viewer,
            "operator" => Role::Operator,
            _ => return None,
        })
    }

    /// Whether this role may create repositories and submit tasks.
    pub fn can_write(&self) -> bool {
        matches!(self, Role::Owner | Role::Admin | Role::Member)
    }
}

/// An organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    /// Its id.
    pub id: OrgId,
    /// Display name.
    pub name: String,
    /// Billing plan name.
    pub plan: String,
    /// This org's own limits (an enterprise contract); each unset one is its plan's.
    pub custom_limits: crate::budget::Limits,
    /// A renewal payment failed and the provider has not given up yet.
    pub past_due: bool,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A user, as the API sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// The org it belongs to.
    pub org_id: OrgId,
    /// Login email, lowercased.
    pub email: String,
    /// Role in the org.
    pub role: Role,
}

/// A user together with its password hash, for login only.
#[derive(Clone)]
pub struct UserCredentials {
    /// The user.
    pub user: User,
    /// PHC-formatted argon2id hash.
    pub password_hash: String,
}

impl fmt::Debug for UserCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserCredentials")
            .field("user", &self.user)
            .field("password_hash", &"[redacted]")
            .finish()
    }
}

/// Where a repository is hosted; decides credential conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// github.com or GitHub Enterprise.
    Github,
    /// Azure DevOps Repos.
    AzureDevops,
    /// Any other git server.
    Generic,
}

impl Provider {
    /// Stable lowercase name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Provider::Github => "github",
            Provider::AzureDevops => "azure_devops",
            Provider::Generic => "generic",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "github" => Provider::Github,
            "azure_devops" => Provider::AzureDevops,
            "generic" => Provider::Generic,
            _ => return None,
        })
    }
}

/// A repository registered by an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repo {
    /// Its id.
    pub id: RepoId,
    /// Owning org.
    pub org_id: OrgId,
    /// Clone URL (https, http, file) or local path.
    pub url: String,
    /// Hosting provider.
    pub provider: Provider,
    /// Branch that tasks start from; `None` means the remote's HEAD.
    pub default_branch: Option<String>,
    /// Whether a successful task opens a pull request (GitHub and Azure DevOps only).
    pub pull_requests: PullRequestMode,
    /// Registration time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Input for registering a repository (already validated by the API).
#[derive(Debug, Clone)]
pub struct NewRepo {
    /// Clone URL or local path.
    pub url: String,
    /// Hosting provider.
    pub provider: Provider,
    /// Branch to start from.
    pub default_branch: Option<String>,
    /// Pull requests for successful tasks.
    pub pull_requests: PullRequestMode,
}

/// What a successful task with a pushed branch does about a pull request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PullRequestMode {
    /// Opens one, ready for review.
    #[default]
    Open,
    /// Opens one as a draft.
    Draft,
    /// Opens none: the branch is pushed, the rest is up to the org.
    Off,
}

impl PullRequestMode {
    /// Stable lowercase name.
    pub fn as_str(&self) -> &'static str {
        match self {
            PullRequestMode::Open => "open",
            PullRequestMode::Draft => "draft",
            PullRequestMode::Off => "off",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "open" => PullRequestMode::Open,
            "draft" => PullRequestMode::Draft,
            "off" => PullRequestMode::Off,
            _ => return None,
        })
    }
}

/// Lifecycle of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Waiting in the queue.
    Queued,
    /// An agent run is working on it.
    Running,
    /// Finished; changes (if any) pushed.
    Succeeded,
    /// Finished without a result; see the error.
    Failed,
    /// Stopped by the organization before it finished.
    Cancelled,
}

impl TaskStatus {
    /// Stable lowercase name.
    pub fn as_str(&self) -> &'static str {
        match self {
            TaskStatus::Queued => "queued",
            TaskStatus::Running => "running",
            TaskStatus::Succeeded => "succeeded",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => TaskStatus::Queued,
            "running" => TaskStatus::Running,
            "succeeded" => TaskStatus::Succeeded,
            "failed" => TaskStatus::Failed,
            "cancelled" => TaskStatus::Cancelled,
            _ => return None,
        })
    }

    /// Whether the task will not change any more.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            TaskStatus::Succeeded | TaskStatus::Failed | TaskStatus::Cancelled
        )
    }
}

/// Token counts of one or many LLM calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenUsage {
    /// Prompt (input) tokens.
    pub prompt: u64,
    /// Completion (output) tokens.
    pub completion: u64,
}

impl TokenUsage {
    /// Prompt plus completion.
    pub fn total(&self) -> u64 {
        self.prompt + self.completion
    }
}

impl std::ops::AddAssign for TokenUsage {
    fn add_assign(&mut self, rhs: Self) {
        self.prompt += rhs.prompt;
        self.completion += rhs.completion;
    }
}

/// Why a task failed: a stable code and a human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskError {
    /// Stable, machine-readable code (`step_limit`, `llm_error`, `clone_failed`, ...).
    pub code: String,
    /// Human-readable detail.
    pub message: String,
}

/// A task and everything known about its progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Its id.
    pub id: TaskId,
    /// Owning org.
    pub org_id: OrgId,
    /// Repository it works on.
    pub repo_id: RepoId,
    /// What the agent is asked to do.
    pub instruction: String,
    /// Optional sprint label for cost allocation.
    pub sprint: Option<String>,
    /// Optional token cap for this task.
    pub max_tokens: Option<u64>,
    /// The Jira issue it was made from (`ENG-42`); its pull request is linked there.
    pub jira_issue: Option<String>,
    /// Current status.
    pub status: TaskStatus,
    /// How many runs were started for it.
    pub attempts: u32,
    /// Branch the result was pushed to, if there were changes.
    pub branch: Option<String>,
    /// Commit id of the result, if there were changes.
    pub commit: Option<String>,
    /// The pull request opened for the branch, if one was.
    pub pull_request_url: Option<String>,
    /// The agent's summary from `finish`.
    pub summary: Option<String>,
    /// Files changed by the run.
    pub changed_files: Vec<String>,
    /// Tokens used by all runs.
    pub tokens: TokenUsage,
    /// LLM calls made by all runs.
    pub llm_calls: u32,
    /// Cost of those calls in micro-dollars (millionths of a USD), at the configured prices.
    pub cost_micros: u64,
    /// The month whose task quota this task took a slot of.
    pub quota_period: crate::budget::Period,
    /// It ended without an LLM call and gave its slot back.
    pub quota_released: bool,
    /// Why it failed.
    pub error: Option<TaskError>,
    /// Submission time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// Input for submitting a task (already validated by the API).
#[derive(Debug, Clone)]
pub struct NewTask {
    /// Its id, chosen before its quota slot was taken (the slot is keyed by it).
    pub id: TaskId,
    /// The month whose quota slot it took.
    pub quota_period: crate::budget::Period,
    /// Repository, already checked to belong to the org.
    pub repo_id: RepoId,
    /// What to do.
    pub instruction: String,
    /// Sprint label.
    pub sprint: Option<String>,
    /// Token cap.
    pub max_tokens: Option<u64>,
    /// The Jira issue it was made from (`ENG-42`).
    pub jira_issue: Option<String>,
}

/// How a run ended, as recorded on the task.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskOutcome {
    /// The agent finished.
    Succeeded {
        /// The agent's summary.
        summary: String,
        /// Branch pushed, if there were changes.
        branch: Option<String>,
        /// Commit pushed, if there were changes.
        commit: Option<String>,
        /// Files changed.
        changed_files: Vec<String>,
        /// The pull request opened (or found open) for the branch.
        pull_request_url: Option<String>,
    },
    /// The run failed.
    Failed(TaskError),
}

/// What a cancel request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOutcome {
    /// The task was queued or running and is now cancelled; `was` is its previous status.
    Cancelled {
        /// Status before the cancel.
        was: TaskStatus,
    },
    /// The task had already finished with this status; nothing changed.
    AlreadyFinished(TaskStatus),
}

/// Filter and page for listing tasks.
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    /// Only tasks with this status.
    pub status: Option<TaskStatus>,
    /// Only tasks with this sprint label.
    pub sprint: Option<String>,
    /// Only tasks older than this id (ids are time-ordered; newest first).
    pub before: Option<TaskId>,
    /// Page size.
    pub limit: u32,
}

/// One page of tasks, newest first.
#[derive(Debug, Clone)]
pub struct TaskPage {
    /// The tasks.
    pub tasks: Vec<Task>,
    /// Cursor for the next page, if there is one.
    pub next: Option<TaskId>,
}

/// Kinds of task events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The task changed status.
    Status,
    /// The repository was cloned.
    Checkout,
    /// One LLM call.
    LlmCall,
    /// One tool call.
    ToolCall,
    /// Changes committed and pushed.
    Commit,
    /// A crashed run was restarted.
    Restart,
    /// A pull request was opened or found for the branch, or could not be.
    PullRequest,
}

impl EventKind {
    /// Stable lowercase name.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventKind::Status => "status",
            EventKind::Checkout => "checkout",
            EventKind::LlmCall => "llm_call",
            EventKind::ToolCall => "tool_call",
            EventKind::Commit => "commit",
            EventKind::Restart => "restart",
            EventKind::PullRequest => "pull_request",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "status" => EventKind::Status,
            "checkout" => EventKind::Checkout,
            "llm_call" => EventKind::LlmCall,
            "tool_call" => EventKind::ToolCall,
            "commit" => EventKind::Commit,
            "restart" => EventKind::Restart,
            "pull_request" => EventKind::PullRequest,
            _ => return None,
        })
    }
}

/// Something that happened during a task, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskEvent {
    /// Position in the task's event log, from 1.
    pub seq: u64,
    /// What happened.
    pub kind: EventKind,
    /// Details (never secrets, never file contents).
    pub data: serde_json::Value,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// The branch a task's result is pushed to. Deterministic, so a retried run is idempotent.
pub fn task_branch(task_id: TaskId) -> String {
    format!("orchard/{task_id}")
}

/// A service an organization stores a secret for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialProvider {
    /// GitHub (token or PAT).
    Github,
    /// Azure DevOps (PAT).
    AzureDevops,
    /// Jira (API token).
    Jira,
    /// Any other git server (HTTP basic auth).
    Generic,
    /// The secret GitHub signs the org's webhook deliveries with (`X-Hub-Signature-256`).
    GithubWebhook,
}

impl CredentialProvider {
    /// Stable lowercase name; part of each credential's encryption binding.
    pub fn as_str(&self) -> &'static str {
        match self {
            CredentialProvider::Github => "github",
            CredentialProvider::AzureDevops => "azure_devops",
            CredentialProvider::Jira => "jira",
            CredentialProvider::Generic => "generic",
            CredentialProvider::GithubWebhook => "github_webhook",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "github" => CredentialProvider::Github,
            "azure_devops" => CredentialProvider::AzureDevops,
            "jira" => CredentialProvider::Jira,
            "generic" => CredentialProvider::Generic,
            "github_webhook" => CredentialProvider::GithubWebhook,
            _ => return None,
        })
    }
}

/// The `host[:port]` of an `http(s)://` URL, lowercased, without user info; `None` for
/// anything else.
pub fn url_authority(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| {
            let lower = url.get(..8)?.to_ascii_lowercase();
            if lower.starts_with("https://") {
                url.get(8..)
            } else if lower.starts_with("http://") {
                url.get(7..)
            } else {
                None
            }
        })?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

impl CredentialProvider {
    /// Whether the org's credential for this provider may be sent to the git server at
    /// `repo_url`. Any member may register a repository, but only admins store credentials:
    /// a credential goes only to its service's public hosts (github.com; dev.azure.com and
    /// *.visualstudio.com), or to the host of the `base_url` the admin stored with it (a
    /// GitHub Enterprise, Azure DevOps Server or other git server).
    pub fn may_send_to(&self, base_url: Option<&str>, repo_url: &str) -> bool {
        let Some(host) = url_authority(repo_url) else {
            return false;
        };
        if base_url
            .and_then(url_authority)
            .is_some_and(|own| own == host)
        {
            return true;
        }
        let name = host.split(':').next().unwrap_or_default();
        match self {
            CredentialProvider::Github => name == "github.com",
            CredentialProvider::AzureDevops => {
                name == "dev.azure.com" || name.ends_with(".visualstudio.com")
            }
            CredentialProvider::Jira
            | CredentialProvider::Generic
            | CredentialProvider::GithubWebhook => false,
        }
    }
}

/// An encrypted secret as stored; only the `orchard` crate's keyring can open it.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedSecret {
    /// Version of the master key it is sealed under.
    pub key_version: u32,
    /// Nonce sealed with it.
    pub nonce: Vec<u8>,
    /// SIV tag and ciphertext.
    pub ciphertext: Vec<u8>,
}

impl fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedSecret")
            .field("key_version", &self.key_version)
            .finish_non_exhaustive()
    }
}

/// A credential of an organization: one per provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// Its id (part of its encryption binding).
    pub id: CredentialId,
    /// Its org.
    pub org_id: OrgId,
    /// The service it is for.
    pub provider: CredentialProvider,
    /// User name to authenticate with, where the service needs one.
    pub username: Option<String>,
    /// Free text, e.g. the token's scopes.
    pub scopes_note: Option<String>,
    /// Last characters of the secret, to recognise it (`None` for short secrets).
    pub fingerprint: Option<String>,
    /// The secret, encrypted.
    pub sealed: SealedSecret,
    /// When the org first stored a secret for this provider.
    pub created_at: OffsetDateTime,
    /// When the secret was last replaced.
    pub rotated_at: Option<OffsetDateTime>,
    /// Where the service is, for services each org has its own of (a Jira site); `None`
    /// for the public ones.
    pub base_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_sort_by_creation() {
        let first = TaskId::new();
        let second = TaskId::new();
        assert!(first < second);
        let parsed: TaskId = first.to_string().parse().unwrap();
        assert_eq!(parsed, first);
        assert!("not-a-uuid".parse::<TaskId>().is_err());
    }

    #[test]
    fn credentials_go_only_to_their_hosts() {
        use CredentialProvider::*;
        assert!(Github.may_send_to(None, "https://github.com/acme/app.git"));
        assert!(Github.may_send_to(None, "https://x-access-token@GitHub.com/acme/app"));
        assert!(!Github.may_send_to(None, "https://github.com.evil.test/acme/app"));
        assert!(!Github.may_send_to(None, "https://evil.test/acme/app"));
        assert!(Github.may_send_to(
            Some("https://ghe.acme.test/api/v3"),
            "https://ghe.acme.test/team/app.git"
        ));
        assert!(!Github.may_send_to(
            Some("https://ghe.acme.test/api/v3"),
            "https://ghe.acme.test:8443/team/app.git"
        ));
        assert!(AzureDevops.may_send_to(None, "https://dev.azure.com/acme/P/_git/r"));
        assert!(AzureDevops.may_send_to(None, "https://acme.visualstudio.com/P/_git/r"));
        assert!(!AzureDevops.may_send_to(None, "https://dev.azure.com.evil/P/_git/r"));
        assert!(!Generic.may_send_to(None, "https://git.acme.test/app.git"));
        assert!(Generic.may_send_to(
            Some("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/origin.git"
        ));
        assert!(!Generic.may_send_to(Some("https://git.acme.test"), "file:///srv/app.git"));
        assert_eq!(
            url_authority("HTTPS://User:pw@Host.Test:99/x"),
            Some("host.test:99".into())
        );
        assert_eq!(url_authority("/local/path"), None);
    }

    #[test]
    fn stable_names_round_trip() {
        for status in [
            TaskStatus::Queued,
            TaskStatus::Running,
            TaskStatus::Succeeded,
            TaskStatus::Failed,
            TaskStatus::Cancelled,
        ] {
            assert_eq!(TaskStatus::parse(status.as_str()), Some(status));
        }
        for role in [
            Role::Owner,
            Role::Admin,
            Role::Member,
            Role::Viewer,
            Role::Operator,
        ] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Provider::parse("gitlab"), None);
    }

    #[test]
    fn branch_is_deterministic() {
        let id = TaskId::new();
        assert_eq!(task_branch(id), format!("orchard/{id}"));
    }
}

/// Tokens and cost of one group of LLM calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spend {
    /// Tokens.
    pub tokens: TokenUsage,
    /// Cost in micro-dollars.
    pub cost_micros: u64,
}

/// An org's usage in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageReport {
    /// The month.
    pub period: crate::budget::Period,
    /// Tasks holding a slot of the month's quota.
    pub tasks_used: u64,
    /// All LLM calls charged to the month.
    pub total: Spend,
    /// The same, by sprint label (`None`: tasks without one), by label.
    pub by_sprint: Vec<(Option<String>, Spend)>,
    /// A page of tasks with LLM calls in the month, by id.
    pub tasks: Vec<(TaskId, Option<String>, Spend)>,
    /// The next page starts after this task.
    pub next: Option<TaskId>,
}
