//! Configuration: defaults, then `config/orchard.toml`-style file (`--config FILE`), then
//! `ORCHARD_*` environment variables. `config/orchard.toml` documents every setting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use orchard_actors::budget::{Limits, Price};
use secrecy::SecretString;
use serde::Deserialize;

/// Which store adapter to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    /// Embedded SQLite under the data dir.
    Sqlite,
    /// ScyllaDB cluster.
    Scylla,
}

/// Which queue adapter to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    /// Embedded SQLite table.
    Embedded,
    /// Redis.
    Redis,
}

/// Which vector memory adapter to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VectorsKind {
    /// Embedded index.
    Embedded,
    /// Qdrant.
    Qdrant,
}

/// Which embedder turns texts into vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmbedderKind {
    /// The built-in hashing embedder (offline, 384 dimensions).
    Local,
    /// Any OpenAI-compatible `POST {base_url}/embeddings`.
    Openai,
}

/// Which LLM adapter to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LlmProvider {
    /// Any OpenAI-compatible chat-completions API.
    Openai,
    /// Answers from a JSON script (offline demo and tests).
    Replay,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable.
    Text,
    /// One JSON object per line.
    Json,
}

/// All settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// HTTP listen address.
    pub listen: String,
    /// Embedded data, keys and work dirs.
    pub data_dir: PathBuf,
    /// Log format.
    pub log_format: LogFormat,
    /// Store settings.
    pub store: StoreConfig,
    /// Queue settings.
    pub queue: QueueConfig,
    /// Vector memory settings.
    pub vectors: VectorsConfig,
    /// Embeddings, memory limits and repository indexing.
    pub memory: MemoryConfig,
    /// LLM settings.
    pub llm: LlmConfig,
    /// Worker and run settings.
    pub workers: WorkersConfig,
    /// Restarts of crashed runs.
    pub supervision: SupervisionConfig,
    /// Git settings.
    pub git: GitConfig,
    /// Auth settings.
    pub auth: AuthConfig,
    /// HTTP hardening: CORS and request timeouts.
    pub http: HttpConfig,
    /// Repository registration rules.
    pub repos: ReposConfig,
    /// Limits by billing plan (`[plans.<name>]`); orgs on unlisted plans get the defaults.
    pub plans: BTreeMap<String, PlanConfig>,
    /// Credential encryption.
    pub credentials: CredentialsConfig,
    /// Payment providers.
    pub billing: BillingConfig,
    /// GitHub, Azure DevOps and Jira: pull requests and issues.
    pub integrations: IntegrationsConfig,
}

/// `[integrations]`: the clients of GitHub, Azure DevOps and Jira.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IntegrationsConfig {
    /// Where pull requests and comments link to for a task: `{public_url}/v1/tasks/{id}`;
    /// unset: they name the task id only.
    pub public_url: Option<String>,
    /// Seconds one request may take.
    pub timeout_secs: u64,
    /// Tries per request (429, 5xx and rate-limit answers are retried).
    pub max_attempts: u32,
    /// Longest wait between tries, in seconds; a service asking for more (`Retry-After`)
    /// gets no more tries.
    pub max_wait_secs: u64,
    /// GitHub's API root for every repository; unset: `https://api.github.com` for
    /// github.com, `https://HOST/api/v3` for any other host (Enterprise Server).
    pub github_api_url: Option<String>,
    /// The Azure DevOps organization or collection URL for every repository; unset: taken
    /// from each repository's URL (`https://dev.azure.com/ORG`, `https://HOST/tfs/COLL`).
    pub azure_devops_url: Option<String>,
    /// The Jira field holding an issue's sprints (`customfield_10020` on most Cloud sites;
    /// find yours with `GET /rest/api/3/field`).
    pub jira_sprint_field: String,
}

impl Default for IntegrationsConfig {
    fn default() -> Self {
        Self {
            public_url: None,
            timeout_secs: 30,
            max_attempts: 4,
            max_wait_secs: 60,
            github_api_url: None,
            azure_devops_url: None,
            jira_sprint_field: "customfield_10020".into(),
        }
    }
}

/// `[credentials]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CredentialsConfig {
    /// The master keyring file; unset means `<data_dir>/keys/master.keyring`. Ignored when
    /// `ORCHARD_MASTER_KEY` is set.
    pub keyring_path: Option<PathBuf>,
}

/// `[plans.<name>]`: what an organization on this plan may use. Unset limits are unlimited.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlanConfig {
    /// Concurrent runs of one org on this node; unset means `workers.max_runs_per_org`.
    pub max_runs_per_org: Option<usize>,
    /// Tasks an org may submit per calendar month (UTC); unset: unlimited.
    pub tasks_per_month: Option<u64>,
    /// LLM tokens (prompt + completion) per calendar month; unset: unlimited.
    pub monthly_tokens: Option<u64>,
    /// The Stripe price (`price_...`) a checkout for this plan sells; unset: not for sale.
    pub stripe_price_id: Option<String>,
    /// Authenticated API requests per second an org may make (its bucket refills at this
    /// rate); unset: unlimited.
    pub requests_per_second: Option<u32>,
    /// Requests an org may make at once above the rate (the bucket's size); unset: one
    /// second's worth, `requests_per_second`.
    pub request_burst: Option<u32>,
}

/// `[llm.prices.<model>]`: USD per million tokens.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PriceConfig {
    /// Per million prompt tokens.
    pub prompt_per_mtok: f64,
    /// Per million completion tokens.
    pub completion_per_mtok: f64,
}

impl PriceConfig {
    /// In integer micro-dollars per million tokens (what costs are computed in).
    pub fn to_price(self) -> Price {
        let micros = |usd: f64| (usd * 1_000_000.0).round() as u64;
        Price {
            prompt_micros_per_mtok: micros(self.prompt_per_mtok),
            completion_micros_per_mtok: micros(self.completion_per_mtok),
        }
    }
}

/// `[billing]`: payment providers. Their secrets come only from the environment:
/// `ORCHARD_STRIPE_SECRET_KEY`, `ORCHARD_STRIPE_WEBHOOK_SECRET`, `ORCHARD_IYZICO_SECRET_KEY`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BillingConfig {
    /// Stripe's API (a test can point it at a local server).
    pub stripe_api_base: String,
    /// Where Stripe Checkout sends the customer after paying.
    pub success_url: String,
    /// Where it sends a customer who gave up.
    pub cancel_url: String,
    /// How old a signed webhook may be, in seconds (Stripe's libraries use 300).
    pub webhook_tolerance_secs: u64,
    /// The Iyzico merchant id (part of Iyzico's subscription webhook signature).
    pub iyzico_merchant_id: Option<String>,
    /// `ORCHARD_STRIPE_SECRET_KEY`: creates Checkout Sessions. Environment only.
    #[serde(skip)]
    pub stripe_secret_key: Option<SecretString>,
    /// `ORCHARD_STRIPE_WEBHOOK_SECRET` (`whsec_...`): verifies Stripe's webhooks.
    #[serde(skip)]
    pub stripe_webhook_secret: Option<SecretString>,
    /// `ORCHARD_IYZICO_SECRET_KEY`: verifies Iyzico's webhooks.
    #[serde(skip)]
    pub iyzico_secret_key: Option<SecretString>,
}

/// `[store]`
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// `sqlite` or `scylla`.
    pub kind: StoreKind,
    /// ScyllaDB contact points (`host:port`).
    pub scylla_nodes: Vec<String>,
    /// The keyspace of every table: `[a-z][a-z0-9_]*`, at most 48 characters.
    pub scylla_keyspace: String,
    /// Datacenter → replication factor of the keyspace `orchard migrate` creates
    /// (NetworkTopologyStrategy). Read only when the keyspace does not exist yet.
    pub scylla_replication: BTreeMap<String, u32>,
    /// Consistency of every read and write (and of an LWT's commit).
    pub scylla_consistency: ScyllaConsistency,
    /// Consistency of an LWT's Paxos round.
    pub scylla_serial_consistency: ScyllaSerialConsistency,
    /// Milliseconds the driver waits for one statement's answer (all its retries included).
    pub scylla_request_timeout_ms: u64,
    /// Milliseconds to open a connection to one node.
    pub scylla_connect_timeout_ms: u64,
}

/// A CQL consistency level for reads and writes (`store.scylla_consistency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ScyllaConsistency {
    /// One replica.
    One,
    /// Two replicas.
    Two,
    /// Three replicas.
    Three,
    /// A majority of all replicas, across datacenters.
    Quorum,
    /// Every replica.
    All,
    /// A majority of the local datacenter's replicas.
    LocalQuorum,
    /// A majority in each datacenter.
    EachQuorum,
    /// One replica of the local datacenter.
    LocalOne,
}

/// The consistency of the Paxos round of a lightweight transaction
/// (`store.scylla_serial_consistency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ScyllaSerialConsistency {
    /// A majority of all replicas: linearizable across datacenters.
    Serial,
    /// A majority of the local datacenter's replicas.
    LocalSerial,
}

/// `[queue]`
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueConfig {
    /// `embedded` or `redis`.
    pub kind: QueueKind,
    /// Redis URL.
    pub redis_url: Option<String>,
    /// Prefix of every Redis key Orchard writes (several deployments can share a server).
    pub redis_prefix: String,
    /// Seconds a dequeued task is leased; runs renew it every step.
    pub lease_ttl_secs: u64,
    /// Milliseconds between queue polls when nothing wakes the dispatcher.
    pub poll_interval_ms: u64,
    /// Deliveries of a task before it is dead-lettered (`failed`, code `max_attempts`).
    pub max_attempts: u32,
}

/// `[vectors]`
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VectorsConfig {
    /// `embedded` or `qdrant`.
    pub kind: VectorsKind,
    /// Qdrant gRPC URL.
    pub qdrant_url: Option<String>,
    /// Embedded store: orgs with at least this many points get an HNSW graph (approximate
    /// search, built in the background); 0 turns the graph off (every search exact).
    pub hnsw_min_points: usize,
    /// Embedded store: links per graph node (layer 0 has twice as many).
    pub hnsw_m: usize,
    /// Embedded store: candidates kept while building the graph.
    pub hnsw_ef_construction: usize,
    /// Embedded store: candidates a graph search keeps (recall against latency).
    pub hnsw_ef_search: usize,
}

impl VectorsConfig {
    /// The embedded store's HNSW settings; `None` when the graph is off.
    pub fn hnsw(&self) -> Option<crate::vectors::HnswSettings> {
        (self.hnsw_min_points > 0).then_some(crate::vectors::HnswSettings {
            min_points: self.hnsw_min_points,
            m: self.hnsw_m,
            ef_construction: self.hnsw_ef_construction,
            ef_search: self.hnsw_ef_search,
        })
    }
}

/// `[memory]`: the embedder, the limits of notes and queries, repository indexing. (The
/// store of the vectors is `[vectors]`.)
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MemoryConfig {
    /// `local` (built-in, offline) or `openai` (any OpenAI-compatible embeddings API).
    pub embedder: EmbedderKind,
    /// Base URL of the embeddings API, e.g. `https://api.openai.com/v1` (`openai` only).
    pub base_url: Option<String>,
    /// Embedding model (`openai` only).
    pub model: Option<String>,
    /// Dimensions of the model's vectors (`openai` only; `local` has 384).
    pub dimensions: Option<usize>,
    /// Name of the environment variable holding the embeddings API key.
    pub api_key_env: String,
    /// Seconds before one embeddings call times out.
    pub timeout_secs: u64,
    /// Largest note or query in bytes.
    pub max_text_bytes: usize,
    /// Most lines of one repository chunk.
    pub chunk_lines: usize,
    /// Most bytes of one repository chunk.
    pub chunk_bytes: usize,
    /// Repository files larger than this many bytes are not indexed.
    pub max_file_bytes: u64,
    /// Index each run's checkout before the agent starts.
    pub index_repositories: bool,
}

impl Default for MemoryConfig {
    fn default() -> Self {
        Self {
            embedder: EmbedderKind::Local,
            base_url: None,
            model: None,
            dimensions: None,
            api_key_env: "ORCHARD_EMBEDDING_API_KEY".into(),
            timeout_secs: 60,
            max_text_bytes: 16 * 1024,
            chunk_lines: 60,
            chunk_bytes: 2048,
            max_file_bytes: 256 * 1024,
            index_repositories: true,
        }
    }
}

impl MemoryConfig {
    /// The limits the core applies.
    pub fn settings(&self) -> orchard_actors::recall::MemorySettings {
        orchard_actors::recall::MemorySettings {
            max_text_bytes: self.max_text_bytes,
            chunk_lines: self.chunk_lines,
            chunk_bytes: self.chunk_bytes,
            max_file_bytes: self.max_file_bytes,
            index_repositories: self.index_repositories,
        }
    }
}

/// `[llm]`
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LlmConfig {
    /// `openai` or `replay`; unset means `openai` if `base_url` is set, else `replay`.
    pub provider: Option<LlmProvider>,
    /// Base URL of the OpenAI-compatible API, e.g. `https://api.openai.com/v1`.
    pub base_url: Option<String>,
    /// Model name sent to the API.
    pub model: String,
    /// Name of the environment variable holding the API key.
    pub api_key_env: String,
    /// Replay script (JSON); unset means the built-in demo script.
    pub replay_script: Option<PathBuf>,
    /// Seconds before one LLM call times out.
    pub timeout_secs: u64,
    /// Retries of a transient failure (429, 5xx, timeout) within one step.
    pub max_retries: u32,
    /// First retry delay in milliseconds when the server sends no `Retry-After`.
    pub retry_initial_ms: u64,
    /// Most LLM calls per run.
    pub max_steps: u32,
    /// Most completion tokens per call: sent to the model, and reserved from the budget
    /// (with the prompt's estimate) before the call.
    pub max_completion_tokens: u64,
    /// Prices by model name, for the cost of each call; a model not listed costs nothing.
    pub prices: BTreeMap<String, PriceConfig>,
}

/// `[workers]`
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkersConfig {
    /// Concurrent agent runs on this node; unset means 2 × cores.
    pub max_workers: Option<usize>,
    /// Concurrent runs of one org on this node; unset means half of `max_workers` (at least 1).
    pub max_runs_per_org: Option<usize>,
    /// Keep per-task work dirs after runs (debugging).
    pub keep_work_dirs: bool,
    /// A run without a heartbeat for this many seconds is stopped by the watchdog.
    pub stale_after_secs: u64,
    /// What happens to a stale run's task.
    pub stale_action: StaleAction,
    /// Seconds between the watchdog's rounds.
    pub watchdog_interval_secs: u64,
    /// At shutdown, seconds runs get to finish before their tasks are given back to the queue.
    pub shutdown_grace_secs: u64,
}

/// What the watchdog does with a stale run's task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaleAction {
    /// Put it back in the queue (bounded by `queue.max_attempts`).
    Requeue,
    /// Fail it with code `stale`.
    Fail,
}

impl Default for WorkersConfig {
    fn default() -> Self {
        Self {
            max_workers: None,
            max_runs_per_org: None,
            keep_work_dirs: false,
            stale_after_secs: 900,
            stale_action: StaleAction::Requeue,
            watchdog_interval_secs: 10,
            shutdown_grace_secs: 30,
        }
    }
}

/// `[supervision]`
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupervisionConfig {
    /// Delay before the first restart of a crashed run, in milliseconds.
    pub restart_initial_ms: u64,
    /// Longest restart delay, in milliseconds.
    pub restart_max_ms: u64,
    /// Growth of the delay per restart.
    pub restart_factor: f64,
    /// Spread of each delay, as a fraction (0.2 = ±20 %).
    pub restart_jitter: f64,
    /// Restarts allowed within the window; the next crash fails the task.
    pub max_restarts: u32,
    /// Window of the restart limit, in seconds.
    pub restart_window_secs: u64,
    /// An org supervisor with no work for this many seconds is passivated (stopped, and
    /// started again by the org's next message); 0 keeps every org supervisor alive.
    pub org_idle_after_secs: u64,
}

impl Default for SupervisionConfig {
    fn default() -> Self {
        Self {
            restart_initial_ms: 1000,
            restart_max_ms: 60_000,
            restart_factor: 2.0,
            restart_jitter: 0.2,
            max_restarts: 3,
            restart_window_secs: 300,
            org_idle_after_secs: 300,
        }
    }
}

impl SupervisionConfig {
    /// How long an org supervisor may be idle before it is passivated.
    pub fn org_idle_after(&self) -> Option<Duration> {
        (self.org_idle_after_secs > 0).then(|| Duration::from_secs(self.org_idle_after_secs))
    }

    /// The policy the org supervisors apply.
    pub fn policy(&self) -> orchard_actors::backoff::BackoffPolicy {
        orchard_actors::backoff::BackoffPolicy {
            initial: Duration::from_millis(self.restart_initial_ms),
            max: Duration::from_millis(self.restart_max_ms),
            factor: self.restart_factor,
            jitter: self.restart_jitter,
            max_restarts: self.max_restarts,
            window: Duration::from_secs(self.restart_window_secs),
        }
    }
}

/// `[git]`
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GitConfig {
    /// Author and committer name of agent commits.
    pub author_name: String,
    /// Author and committer email of agent commits.
    pub author_email: String,
    /// The `git` executable used to push.
    pub git_binary: String,
    /// Seconds a clone or push may take.
    pub timeout_secs: u64,
}

/// `[auth]`
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// Lifetime of issued tokens in seconds.
    pub token_ttl_secs: u64,
    /// Seconds a node remembers that a token was not revoked: a logout on another node takes
    /// effect here within this window (docs/security.md). 0: ask the backend every request.
    pub revocation_cache_secs: u64,
}

/// `[http]`
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Origins allowed to call the API from a browser (`https://app.example.com`). Empty (the
    /// default): no CORS headers at all.
    pub cors_origins: Vec<String>,
    /// Seconds a request may take until its response starts (event streams run on after
    /// that); longer answers 504 `timeout`. 0: no limit.
    pub request_timeout_secs: u64,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            request_timeout_secs: 30,
        }
    }
}

impl HttpConfig {
    /// The request timeout, if any.
    pub fn request_timeout(&self) -> Option<Duration> {
        (self.request_timeout_secs > 0).then(|| Duration::from_secs(self.request_timeout_secs))
    }
}

/// `[repos]`
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReposConfig {
    /// Allow repositories given as local paths or `file://` URLs. Off by default: on a shared
    /// server a tenant must not be able to read the server's file system.
    pub allow_local: bool,
    /// Allow plain `http://` URLs (credentials would travel unencrypted).
    pub allow_http: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./orchard-data"),
            log_format: LogFormat::Text,
            store: StoreConfig::default(),
            queue: QueueConfig::default(),
            vectors: VectorsConfig::default(),
            memory: MemoryConfig::default(),
            llm: LlmConfig::default(),
            workers: WorkersConfig::default(),
            supervision: SupervisionConfig::default(),
            git: GitConfig::default(),
            auth: AuthConfig::default(),
            http: HttpConfig::default(),
            repos: ReposConfig::default(),
            plans: default_plans(),
            credentials: CredentialsConfig::default(),
            billing: BillingConfig::default(),
            integrations: IntegrationsConfig::default(),
        }
    }
}

/// `free`, `pro` and `enterprise`, as `config/orchard.toml` documents them.
fn default_plans() -> BTreeMap<String, PlanConfig> {
    BTreeMap::from([
        (
            "free".to_owned(),
            PlanConfig {
                max_runs_per_org: Some(1),
                tasks_per_month: Some(5),
                monthly_tokens: Some(1_000_000),
                stripe_price_id: None,
                requests_per_second: Some(10),
                request_burst: Some(20),
            },
        ),
        (
            "pro".to_owned(),
            PlanConfig {
                max_runs_per_org: Some(4),
                tasks_per_month: None,
                monthly_tokens: Some(20_000_000),
                stripe_price_id: None,
                requests_per_second: Some(50),
                request_burst: Some(100),
            },
        ),
        (
            "enterprise".to_owned(),
            PlanConfig {
                requests_per_second: Some(200),
                request_burst: Some(400),
                ..PlanConfig::default()
            },
        ),
    ])
}

impl Default for BillingConfig {
    fn default() -> Self {
        Self {
            stripe_api_base: "https://api.stripe.com".into(),
            success_url: "http://localhost:8080/billing/done".into(),
            cancel_url: "http://localhost:8080/billing/cancelled".into(),
            webhook_tolerance_secs: 300,
            iyzico_merchant_id: None,
            stripe_secret_key: None,
            stripe_webhook_secret: None,
            iyzico_secret_key: None,
        }
    }
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            kind: StoreKind::Sqlite,
            scylla_nodes: Vec::new(),
            scylla_keyspace: "orchard".into(),
            scylla_replication: BTreeMap::from([("datacenter1".to_owned(), 3)]),
            scylla_consistency: ScyllaConsistency::LocalQuorum,
            scylla_serial_consistency: ScyllaSerialConsistency::Serial,
            scylla_request_timeout_ms: 10_000,
            scylla_connect_timeout_ms: 5_000,
        }
    }
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self {
            kind: QueueKind::Embedded,
            redis_url: None,
            redis_prefix: "orchard:".into(),
            lease_ttl_secs: 600,
            poll_interval_ms: 500,
            max_attempts: 5,
        }
    }
}

impl Default for VectorsConfig {
    fn default() -> Self {
        let hnsw = crate::vectors::HnswSettings::default();
        Self {
            kind: VectorsKind::Embedded,
            qdrant_url: None,
            hnsw_min_points: hnsw.min_points,
            hnsw_m: hnsw.m,
            hnsw_ef_construction: hnsw.ef_construction,
            hnsw_ef_search: hnsw.ef_search,
        }
    }
}

impl Default for LlmConfig {
    fn default() -> Self {
        Self {
            provider: None,
            base_url: None,
            model: "gpt-4o-mini".into(),
            api_key_env: "ORCHARD_LLM_API_KEY".into(),
            replay_script: None,
            timeout_secs: 120,
            max_retries: 3,
            retry_initial_ms: 500,
            max_steps: 30,
            max_completion_tokens: 4_096,
            prices: BTreeMap::from([(
                "gpt-4o-mini".to_owned(),
                PriceConfig {
                    prompt_per_mtok: 0.15,
                    completion_per_mtok: 0.6,
                },
            )]),
        }
    }
}

impl Default for GitConfig {
    fn default() -> Self {
        Self {
            author_name: "Orchard".into(),
            author_email: "orchard@localhost".into(),
            git_binary: "git".into(),
            timeout_secs: 300,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            token_ttl_secs: 24 * 3600,
            revocation_cache_secs: 5,
        }
    }
}

impl Default for ReposConfig {
    fn default() -> Self {
        Self {
            allow_local: false,
            allow_http: true,
        }
    }
}

/// Reads environment variables; a seam so tests can pass a map instead of the process env.
pub trait EnvSource {
    /// The value of `name`, if set.
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
#[derive(Debug, Clone, Copy)]
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl<const N: usize> EnvSource for [(&str, &str); N] {
    fn var(&self, name: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

fn parse_env<T: std::str::FromStr>(name: &str, value: &str) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|err| anyhow::anyhow!("{name}={value:?}: {err}"))
}

/// `dc1:3,dc2:3` → {dc1: 3, dc2: 3}.
fn parse_replication(name: &str, value: &str) -> anyhow::Result<BTreeMap<String, u32>> {
    value
        .split(',')
        .map(|pair| {
            let (dc, factor) = pair.split_once(':').ok_or_else(|| {
                anyhow::anyhow!("{name}={value:?}: expected datacenter:factor[,datacenter:factor]")
            })?;
            Ok((dc.trim().to_owned(), parse_env(name, factor.trim())?))
        })
        .collect()
}

fn parse_kind<T: for<'de> Deserialize<'de>>(name: &str, value: &str) -> anyhow::Result<T> {
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(value))
        .map_err(|err| anyhow::anyhow!("{name}={value:?}: {err}"))
}

impl Config {
    /// Defaults, overridden by `file` (if any), overridden by the environment.
    pub fn load(file: Option<&Path>, env: &impl EnvSource) -> anyhow::Result<Self> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading config file {}", path.display()))?;
                toml::from_str(&text)
                    .with_context(|| format!("parsing config file {}", path.display()))?
            }
            None => Config::default(),
        };
        config.apply_env(env)?;
        config.validate()?;
        Ok(config)
    }

    fn apply_env(&mut self, env: &impl EnvSource) -> anyhow::Result<()> {
        if let Some(v) = env.var("ORCHARD_LISTEN") {
            self.listen = v;
        }
        if let Some(v) = env.var("ORCHARD_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = env.var("ORCHARD_STORE") {
            self.store.kind = parse_kind("ORCHARD_STORE", &v)?;
        }
        if let Some(v) = env.var("ORCHARD_SCYLLA_NODES") {
            self.store.scylla_nodes = v
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
        }
        if let Some(v) = env.var("ORCHARD_SCYLLA_KEYSPACE") {
            self.store.scylla_keyspace = v;
        }
        if let Some(v) = env.var("ORCHARD_SCYLLA_REPLICATION") {
            self.store.scylla_replication = parse_replication("ORCHARD_SCYLLA_REPLICATION", &v)?;
        }
        if let Some(v) = env.var("ORCHARD_SCYLLA_CONSISTENCY") {
            self.store.scylla_consistency = parse_kind("ORCHARD_SCYLLA_CONSISTENCY", &v)?;
        }
        if let Some(v) = env.var("ORCHARD_SCYLLA_SERIAL_CONSISTENCY") {
            self.store.scylla_serial_consistency =
                parse_kind("ORCHARD_SCYLLA_SERIAL_CONSISTENCY", &v)?;
        }
        if let Some(v) = env.var("ORCHARD_SCYLLA_REQUEST_TIMEOUT_MS") {
            self.store.scylla_request_timeout_ms =
                parse_env("ORCHARD_SCYLLA_REQUEST_TIMEOUT_MS", &v)?;
        }
        if let Some(v) = env.var("ORCHARD_SCYLLA_CONNECT_TIMEOUT_MS") {
            self.store.scylla_connect_timeout_ms =
                parse_env("ORCHARD_SCYLLA_CONNECT_TIMEOUT_MS", &v)?;
        }
        if let Some(v) = env.var("ORCHARD_QUEUE") {
            self.queue.kind = parse_kind("ORCHARD_QUEUE", &v)?;
        }
        if let Some(v) = env.var("ORCHARD_REDIS_URL") {
            self.queue.redis_url = Some(v);
        }
        if let Some(v) = env.var("ORCHARD_VECTORS") {
            self.vectors.kind = parse_kind("ORCHARD_VECTORS", &v)?;
        }
        if let Some(v) = env.var("ORCHARD_HNSW_MIN_POINTS") {
            self.vectors.hnsw_min_points = parse_env("ORCHARD_HNSW_MIN_POINTS", &v)?;
        }
        if let Some(v) = env.var("ORCHARD_QDRANT_URL") {
            self.vectors.qdrant_url = Some(v);
        }
        if let Some(v) = env.var("ORCHARD_EMBEDDER") {
            self.memory.embedder = parse_kind("ORCHARD_EMBEDDER", &v)?;
        }
        if let Some(v) = env.var("ORCHARD_EMBEDDING_BASE_URL") {
            self.memory.base_url = Some(v);
        }
        if let Some(v) = env.var("ORCHARD_EMBEDDING_MODEL") {
            self.memory.model = Some(v);
        }
        if let Some(v) = env.var("ORCHARD_EMBEDDING_DIMS") {
            self.memory.dimensions = Some(parse_env("ORCHARD_EMBEDDING_DIMS", &v)?);
        }
        if let Some(v) = env.var("ORCHARD_MEMORY_MAX_TEXT_BYTES") {
            self.memory.max_text_bytes = parse_env("ORCHARD_MEMORY_MAX_TEXT_BYTES", &v)?;
        }
        if let Some(v) = env.var("ORCHARD_LLM_PROVIDER") {
            self.llm.provider = Some(parse_kind("ORCHARD_LLM_PROVIDER", &v)?);
        }
        if let Some(v) = env.var("ORCHARD_LLM_BASE_URL") {
            self.llm.base_url = Some(v);
        }
        if let Some(v) = env.var("ORCHARD_LLM_MODEL") {
            self.llm.model = v;
        }
        if let Some(v) = env.var("ORCHARD_MAX_WORKERS") {
            self.workers.max_workers = Some(parse_env("ORCHARD_MAX_WORKERS", &v)?);
        }
        if let Some(v) = env.var("ORCHARD_LOG_FORMAT") {
            self.log_format = parse_kind("ORCHARD_LOG_FORMAT", &v)?;
        }
        let secret = |name: &str| {
            env.var(name)
                .filter(|v| !v.is_empty())
                .map(SecretString::from)
        };
        if let Some(v) = secret("ORCHARD_STRIPE_SECRET_KEY") {
            self.billing.stripe_secret_key = Some(v);
        }
        if let Some(v) = secret("ORCHARD_STRIPE_WEBHOOK_SECRET") {
            self.billing.stripe_webhook_secret = Some(v);
        }
        if let Some(v) = secret("ORCHARD_IYZICO_SECRET_KEY") {
            self.billing.iyzico_secret_key = Some(v);
        }
        if let Some(v) = env.var("ORCHARD_ALLOW_LOCAL_REPOS") {
            self.repos.allow_local = parse_env("ORCHARD_ALLOW_LOCAL_REPOS", &v)?;
        }
        Ok(())
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.validate_store()?;
        let integrations = &self.integrations;
        for (name, url) in [
            ("public_url", &integrations.public_url),
            ("github_api_url", &integrations.github_api_url),
            ("azure_devops_url", &integrations.azure_devops_url),
        ] {
            if let Some(url) = url {
                crate::forge::base_url(url).with_context(|| format!("integrations.{name}"))?;
            }
        }
        if integrations.max_attempts == 0 {
            bail!("integrations.max_attempts must be at least 1");
        }
        for origin in &self.http.cors_origins {
            let (scheme, host) = origin.split_once("://").unwrap_or_default();
            let plain = host
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'/' && b != b'*');
            if !matches!(scheme, "http" | "https") || host.is_empty() || !plain {
                bail!(
                    "http.cors_origins: {origin:?} is not an origin like \"https://app.example.com\" (scheme, host, optional port; no path, no wildcard)"
                );
            }
        }
        if self.queue.kind == QueueKind::Redis && self.queue.redis_url.is_none() {
            bail!("queue.kind = \"redis\" needs queue.redis_url (or ORCHARD_REDIS_URL)");
        }
        if self.workers.max_workers == Some(0) {
            bail!("workers.max_workers must be at least 1");
        }
        if self.workers.max_runs_per_org == Some(0) {
            bail!("workers.max_runs_per_org must be at least 1");
        }
        for (name, plan) in &self.plans {
            if plan.max_runs_per_org == Some(0) {
                bail!("plans.{name}.max_runs_per_org must be at least 1");
            }
            if plan.requests_per_second == Some(0) || plan.request_burst == Some(0) {
                bail!(
                    "plans.{name}.requests_per_second and request_burst must be at least 1 (leave both out for no limit)"
                );
            }
            if plan.request_burst.is_some() && plan.requests_per_second.is_none() {
                bail!("plans.{name}.request_burst needs plans.{name}.requests_per_second");
            }
        }
        if !self.plans.contains_key("free") {
            bail!("[plans.free] must be configured: new organizations start on it");
        }
        if self.llm.max_completion_tokens == 0 {
            bail!("llm.max_completion_tokens must be at least 1");
        }
        for (model, price) in &self.llm.prices {
            let valid = |usd: f64| usd.is_finite() && usd >= 0.0;
            if !valid(price.prompt_per_mtok) || !valid(price.completion_per_mtok) {
                bail!("llm.prices.{model}: prices must be zero or positive numbers");
            }
        }
        let slowest_step = self.llm.timeout_secs.max(self.git.timeout_secs);
        if self.workers.stale_after_secs <= slowest_step {
            bail!(
                "workers.stale_after_secs must exceed the longest silent step ({slowest_step}s: llm.timeout_secs / git.timeout_secs)"
            );
        }
        if self.workers.watchdog_interval_secs == 0 {
            bail!("workers.watchdog_interval_secs must be at least 1");
        }
        if self.queue.max_attempts == 0 {
            bail!("queue.max_attempts must be at least 1");
        }
        if self.llm.max_steps == 0 {
            bail!("llm.max_steps must be at least 1");
        }
        if self.queue.lease_ttl_secs < 5 {
            bail!("queue.lease_ttl_secs must be at least 5");
        }
        let supervision = &self.supervision;
        if !(supervision.restart_factor >= 1.0 && supervision.restart_factor.is_finite()) {
            bail!("supervision.restart_factor must be at least 1");
        }
        if !(0.0..=1.0).contains(&supervision.restart_jitter) {
            bail!("supervision.restart_jitter must be between 0 and 1");
        }
        if supervision.restart_max_ms / 1000 >= self.queue.lease_ttl_secs {
            bail!("supervision.restart_max_ms must be shorter than queue.lease_ttl_secs");
        }
        let memory = &self.memory;
        if memory.embedder == EmbedderKind::Openai {
            if memory.base_url.is_none() || memory.model.is_none() {
                bail!(
                    "memory.embedder = \"openai\" needs memory.base_url and memory.model (or ORCHARD_EMBEDDING_BASE_URL, ORCHARD_EMBEDDING_MODEL)"
                );
            }
            if !matches!(memory.dimensions, Some(1..=65_536)) {
                bail!(
                    "memory.embedder = \"openai\" needs memory.dimensions (1 to 65536; or ORCHARD_EMBEDDING_DIMS): the model's vector size"
                );
            }
        }
        let vectors = &self.vectors;
        if vectors.hnsw_min_points > 0
            && (!(2..=128).contains(&vectors.hnsw_m)
                || !(1..=4096).contains(&vectors.hnsw_ef_construction)
                || !(1..=4096).contains(&vectors.hnsw_ef_search))
        {
            bail!(
                "vectors.hnsw_m must be 2 to 128, vectors.hnsw_ef_construction and vectors.hnsw_ef_search 1 to 4096"
            );
        }
        if memory.max_text_bytes == 0 || memory.chunk_lines == 0 || memory.chunk_bytes < 64 {
            bail!(
                "memory.max_text_bytes and memory.chunk_lines must be at least 1, memory.chunk_bytes at least 64"
            );
        }
        if self.llm_provider() == LlmProvider::Openai && self.llm.base_url.is_none() {
            bail!("llm.provider = \"openai\" needs llm.base_url (or ORCHARD_LLM_BASE_URL)");
        }
        Ok(())
    }

    /// `[store]`'s ScyllaDB settings. Checked whatever the store kind, so that a bad value is
    /// found before the day the deployment switches to ScyllaDB.
    fn validate_store(&self) -> anyhow::Result<()> {
        let store = &self.store;
        if store.kind == StoreKind::Scylla && store.scylla_nodes.is_empty() {
            bail!("store.kind = \"scylla\" needs store.scylla_nodes (or ORCHARD_SCYLLA_NODES)");
        }
        if let Some(node) = store.scylla_nodes.iter().find(|n| n.trim().is_empty()) {
            bail!("store.scylla_nodes: empty contact point {node:?}");
        }
        crate::store::scylla_cql::with_keyspace("", &store.scylla_keyspace)
            .map_err(|err| anyhow::anyhow!("store.scylla_keyspace: {err}"))?;
        if store.scylla_replication.is_empty() {
            bail!("store.scylla_replication needs at least one datacenter = replication factor");
        }
        for (dc, factor) in &store.scylla_replication {
            let valid_name = !dc.is_empty()
                && dc
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !valid_name {
                bail!(
                    "store.scylla_replication: invalid datacenter name {dc:?} (letters, digits, _ - . only)"
                );
            }
            if !(1..=31).contains(factor) {
                bail!("store.scylla_replication.{dc}: the replication factor must be 1 to 31");
            }
        }
        if store.scylla_request_timeout_ms == 0 || store.scylla_connect_timeout_ms == 0 {
            bail!(
                "store.scylla_request_timeout_ms and store.scylla_connect_timeout_ms must be at least 1"
            );
        }
        Ok(())
    }

    /// The LLM provider in effect.
    pub fn llm_provider(&self) -> LlmProvider {
        self.llm.provider.unwrap_or(if self.llm.base_url.is_some() {
            LlmProvider::Openai
        } else {
            LlmProvider::Replay
        })
    }

    /// Concurrent runs on this node.
    pub fn max_workers(&self) -> usize {
        self.workers.max_workers.unwrap_or_else(|| {
            2 * std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
    }

    /// Concurrent runs of one org on this node.
    pub fn max_runs_per_org(&self) -> usize {
        self.workers
            .max_runs_per_org
            .unwrap_or_else(|| (self.max_workers() / 2).max(1))
    }

    /// Concurrent runs of one org on this node, by plan (the plans that set it).
    pub fn plan_runs(&self) -> std::collections::HashMap<String, usize> {
        self.plans
            .iter()
            .filter_map(|(name, plan)| Some((name.clone(), plan.max_runs_per_org?)))
            .collect()
    }

    /// Task quota and token budget by plan.
    pub fn plan_limits(&self) -> std::collections::HashMap<String, Limits> {
        self.plans
            .iter()
            .map(|(name, plan)| {
                let limits = Limits {
                    tasks_per_month: plan.tasks_per_month,
                    monthly_tokens: plan.monthly_tokens,
                };
                (name.clone(), limits)
            })
            .collect()
    }

    /// The configured model's price (zero if the price table does not list it).
    pub fn model_price(&self) -> Price {
        self.llm
            .prices
            .get(&self.llm.model)
            .map(|p| p.to_price())
            .unwrap_or_default()
    }

    /// The queue lease.
    pub fn lease_ttl(&self) -> Duration {
        Duration::from_secs(self.queue.lease_ttl_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_file() {
        let documented: Config = toml::from_str(include_str!("../config/orchard.toml"))
            .expect("config/orchard.toml parses");
        let defaults = Config::default();
        assert_eq!(format!("{documented:?}"), format!("{defaults:?}"));
    }

    #[test]
    fn env_overrides_the_file_and_defaults() {
        let env = [
            ("ORCHARD_LISTEN", "127.0.0.1:0"),
            ("ORCHARD_DATA_DIR", "/tmp/x"),
            ("ORCHARD_MAX_WORKERS", "3"),
            ("ORCHARD_LLM_BASE_URL", "http://127.0.0.1:9/v1"),
            ("ORCHARD_LOG_FORMAT", "json"),
        ];
        let config = Config::load(None, &env).unwrap();
        assert_eq!(config.listen, "127.0.0.1:0");
        assert_eq!(config.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(config.max_workers(), 3);
        assert_eq!(config.llm_provider(), LlmProvider::Openai);
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(
            Config::load(None, &[]).unwrap().llm_provider(),
            LlmProvider::Replay
        );
    }

    #[test]
    fn bad_values_are_reported_by_name() {
        let err = Config::load(None, &[("ORCHARD_STORE", "postgres")]).unwrap_err();
        assert!(err.to_string().contains("ORCHARD_STORE"), "{err}");
        let err = Config::load(None, &[("ORCHARD_MAX_WORKERS", "0")]).unwrap_err();
        assert!(err.to_string().contains("max_workers"), "{err}");
        let err = Config::load(None, &[("ORCHARD_LLM_PROVIDER", "openai")]).unwrap_err();
        assert!(err.to_string().contains("base_url"), "{err}");
        let err = Config::load(None, &[("ORCHARD_EMBEDDER", "onnx")]).unwrap_err();
        assert!(err.to_string().contains("ORCHARD_EMBEDDER"), "{err}");
        let openai = [
            ("ORCHARD_EMBEDDER", "openai"),
            ("ORCHARD_EMBEDDING_BASE_URL", "http://127.0.0.1:9/v1"),
            ("ORCHARD_EMBEDDING_MODEL", "text-embedding-3-small"),
        ];
        let err = Config::load(None, &openai).unwrap_err();
        assert!(err.to_string().contains("memory.dimensions"), "{err}");
        let env = [
            openai[0],
            openai[1],
            openai[2],
            ("ORCHARD_EMBEDDING_DIMS", "1536"),
            ("ORCHARD_MEMORY_MAX_TEXT_BYTES", "100"),
        ];
        let config = Config::load(None, &env).unwrap();
        assert_eq!(config.memory.dimensions, Some(1536));
        assert_eq!(config.memory.settings().max_text_bytes, 100);
    }

    #[test]
    fn scylla_settings_come_from_the_file_and_the_environment() {
        let defaults = Config::load(None, &[]).unwrap().store;
        assert_eq!(defaults.scylla_keyspace, "orchard");
        assert_eq!(
            defaults.scylla_replication,
            BTreeMap::from([("datacenter1".to_owned(), 3)])
        );
        assert_eq!(defaults.scylla_consistency, ScyllaConsistency::LocalQuorum);
        assert_eq!(
            defaults.scylla_serial_consistency,
            ScyllaSerialConsistency::Serial
        );

        let env = [
            ("ORCHARD_STORE", "scylla"),
            ("ORCHARD_SCYLLA_NODES", "10.0.0.1:9042, 10.0.0.2:9042,"),
            ("ORCHARD_SCYLLA_KEYSPACE", "orchard_staging"),
            ("ORCHARD_SCYLLA_REPLICATION", "eu-west:3, us_east:2"),
            ("ORCHARD_SCYLLA_CONSISTENCY", "QUORUM"),
            ("ORCHARD_SCYLLA_SERIAL_CONSISTENCY", "LOCAL_SERIAL"),
            ("ORCHARD_SCYLLA_REQUEST_TIMEOUT_MS", "2500"),
            ("ORCHARD_SCYLLA_CONNECT_TIMEOUT_MS", "700"),
        ];
        let store = Config::load(None, &env).unwrap().store;
        assert_eq!(store.scylla_nodes, ["10.0.0.1:9042", "10.0.0.2:9042"]);
        assert_eq!(store.scylla_keyspace, "orchard_staging");
        assert_eq!(
            store.scylla_replication,
            BTreeMap::from([("eu-west".to_owned(), 3), ("us_east".to_owned(), 2)])
        );
        assert_eq!(store.scylla_consistency, ScyllaConsistency::Quorum);
        assert_eq!(
            store.scylla_serial_consistency,
            ScyllaSerialConsistency::LocalSerial
        );
        assert_eq!(
            (
                store.scylla_request_timeout_ms,
                store.scylla_connect_timeout_ms
            ),
            (2500, 700)
        );

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("orchard.toml");
        let text = "[store]\nscylla_keyspace = \"ks1\"\nscylla_replication = { dc1 = 1 }\nscylla_consistency = \"LOCAL_ONE\"\n";
        std::fs::write(&file, text).unwrap();
        let store = Config::load(Some(&file), &[]).unwrap().store;
        assert_eq!(store.scylla_keyspace, "ks1");
        assert_eq!(
            store.scylla_replication,
            BTreeMap::from([("dc1".to_owned(), 1)])
        );
        assert_eq!(store.scylla_consistency, ScyllaConsistency::LocalOne);
    }

    #[test]
    fn bad_scylla_settings_are_config_errors() {
        let long = "k".repeat(49);
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("ORCHARD_STORE", "scylla")], "store.scylla_nodes"),
            (
                &[("ORCHARD_SCYLLA_KEYSPACE", "Orchard")],
                "store.scylla_keyspace",
            ),
            (
                &[("ORCHARD_SCYLLA_KEYSPACE", "1st")],
                "store.scylla_keyspace",
            ),
            (
                &[("ORCHARD_SCYLLA_KEYSPACE", "ks;drop")],
                "store.scylla_keyspace",
            ),
            (
                &[("ORCHARD_SCYLLA_KEYSPACE", long.as_str())],
                "store.scylla_keyspace",
            ),
            (
                &[("ORCHARD_SCYLLA_REPLICATION", "dc1")],
                "ORCHARD_SCYLLA_REPLICATION",
            ),
            (
                &[("ORCHARD_SCYLLA_REPLICATION", "dc1:x")],
                "ORCHARD_SCYLLA_REPLICATION",
            ),
            (
                &[("ORCHARD_SCYLLA_REPLICATION", "dc1:0")],
                "replication factor",
            ),
            (
                &[("ORCHARD_SCYLLA_REPLICATION", "d'c:3")],
                "datacenter name",
            ),
            (
                &[("ORCHARD_SCYLLA_CONSISTENCY", "local_quorum")],
                "ORCHARD_SCYLLA_CONSISTENCY",
            ),
            (
                &[("ORCHARD_SCYLLA_CONSISTENCY", "SERIAL")],
                "ORCHARD_SCYLLA_CONSISTENCY",
            ),
            (
                &[("ORCHARD_SCYLLA_SERIAL_CONSISTENCY", "QUORUM")],
                "ORCHARD_SCYLLA_SERIAL_CONSISTENCY",
            ),
            (
                &[("ORCHARD_SCYLLA_REQUEST_TIMEOUT_MS", "0")],
                "scylla_request_timeout_ms",
            ),
            (
                &[("ORCHARD_SCYLLA_CONNECT_TIMEOUT_MS", "-1")],
                "ORCHARD_SCYLLA_CONNECT_TIMEOUT_MS",
            ),
        ];
        for (env, expected) in cases {
            let err = Config::load(None, &Env(env)).unwrap_err();
            assert!(format!("{err:#}").contains(expected), "{env:?}: {err:#}");
        }

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("orchard.toml");
        std::fs::write(&file, "[store]\nscylla_replication = {}\n").unwrap();
        let err = Config::load(Some(&file), &[]).unwrap_err();
        assert!(
            format!("{err:#}").contains("at least one datacenter"),
            "{err:#}"
        );
        std::fs::write(&file, "[store]\nscylla_consistency = \"ANY\"\n").unwrap();
        let err = Config::load(Some(&file), &[]).unwrap_err();
        assert!(format!("{err:#}").contains("scylla_consistency"), "{err:#}");
    }

    /// A slice of variables as an environment.
    struct Env<'a>(&'a [(&'a str, &'a str)]);

    impl EnvSource for Env<'_> {
        fn var(&self, name: &str) -> Option<String> {
            self.0
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn plans_set_per_org_caps() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("orchard.toml");
        let text = "[plans.free]\nmax_runs_per_org = 1\n[plans.team]\nmax_runs_per_org = 8\n[plans.trial]\n";
        std::fs::write(&file, text).unwrap();
        let config = Config::load(Some(&file), &[]).unwrap();
        let runs = config.plan_runs();
        assert_eq!(
            runs.len(),
            2,
            "a plan without the setting uses the default: {runs:?}"
        );
        assert_eq!((runs["free"], runs["team"]), (1, 8));

        std::fs::write(&file, "[plans.free]\nmax_runs_per_org = 0\n").unwrap();
        let err = Config::load(Some(&file), &[]).unwrap_err();
        assert!(
            err.to_string().contains("plans.free.max_runs_per_org"),
            "{err}"
        );
    }
}
