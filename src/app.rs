//! `Application`: everything `orchard serve` runs, built from a [`Config`].
//!
//! `build` opens the data dir, the store and queue, starts the actor tree and binds the
//! listener, so tests can start the real server on port 0 and ask for `port()`.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::{Context, bail};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use orchard_actors::batching::BatchedAcks;
use orchard_actors::budget::{BudgetLedger, Clock, SystemClock};
use orchard_actors::embedding::{Embedder, HashingEmbedder};
use orchard_actors::locks::InProcessLocks;
use orchard_actors::memory::VectorMemory;
use orchard_actors::observe::ask;
use orchard_actors::ports::{Llm, LockService, Queue, Store};
use orchard_actors::ractor::{Actor, ActorRef};
use orchard_actors::recall::Recall;
use orchard_actors::root_supervisor::{RootMsg, RootSupervisor};
use orchard_actors::runtime::{Deps, RunSettings};
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use secrecy::SecretString;

use crate::api::{self, AppState};
use crate::auth::TokenKeys;
use crate::auth::revocation::redis::RedisRevocations;
use crate::auth::revocation::sqlite::SqliteRevocations;
use crate::auth::tokens::create_private_dir;
use crate::budget::{RedisLedger, SqliteLedger};
use crate::config::{
    Config, EmbedderKind, LlmProvider, QueueKind, StaleAction, StoreKind, VectorsKind,
};
use crate::crypto::Keyring;
use crate::db::Db;
use crate::git::GixWorkspace;
use crate::llm::{OpenAiLlm, ReplayLlm};
use crate::locks::redis::RedisLocks;
use crate::queue::redis::RedisQueue;
use crate::queue::sqlite::SqliteQueue;
use crate::store::scylla::ScyllaStore;
use crate::store::sqlite::SqliteStore;
use crate::vectors::{EmbeddedVectors, OpenAiEmbedder, QdrantSettings, QdrantVectors};

/// How long in-flight requests get to finish on shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Most acks sent to the queue backend in one call.
pub const ACK_BATCH: usize = 256;

/// A built, bound, not yet serving Orchard.
pub struct Application {
    acceptor: TcpAcceptor,
    shutdown_grace: Duration,
    addr: SocketAddr,
    state: AppState,
    root: ActorRef<RootMsg>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// The process-wide Prometheus recorder (installed once; tests build many applications).
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            // Every `_seconds` series is a real histogram (buckets), not a summary.
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Suffix("_seconds".into()),
                    crate::observability::SECONDS_BUCKETS,
                )
                .expect("the bucket list is not empty")
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed");
            }
            crate::observability::describe();
            handle
        })
        .clone()
}

fn build_llm(config: &Config) -> anyhow::Result<Arc<dyn Llm>> {
    match config.llm_provider() {
        LlmProvider::Openai => {
            let Some(base_url) = config.llm.base_url.as_deref() else {
                bail!("llm.base_url is required for the openai provider");
            };
            let api_key = std::env::var(&config.llm.api_key_env)
                .ok()
                .filter(|k| !k.is_empty())
                .map(SecretString::from);
            if api_key.is_none() {
                tracing::warn!(env = %config.llm.api_key_env, "no LLM API key set; calling without one");
            }
            let llm = OpenAiLlm::new(
                base_url,
                &config.llm.model,
                api_key,
                Duration::from_secs(config.llm.timeout_secs),
            )?;
            Ok(Arc::new(llm))
        }
        LlmProvider::Replay => {
            let llm = match &config.llm.replay_script {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("reading replay script {}", path.display()))?;
                    ReplayLlm::from_json(&text)?
                }
                None => ReplayLlm::demo(),
            };
            Ok(Arc::new(llm))
        }
    }
}

/// The embedder, the vector store under `data_dir` and their limits.
async fn build_memory(config: &Config, data_dir: &std::path::Path) -> anyhow::Result<Arc<Recall>> {
    let memory = &config.memory;
    let embedder: Arc<dyn Embedder> = match memory.embedder {
        EmbedderKind::Local => Arc::new(HashingEmbedder),
        EmbedderKind::Openai => {
            let (Some(base_url), Some(model), Some(dimensions)) =
                (&memory.base_url, &memory.model, memory.dimensions)
            else {
                bail!("memory.embedder = \"openai\" needs base_url, model and dimensions");
            };
            let api_key = std::env::var(&memory.api_key_env)
                .ok()
                .filter(|k| !k.is_empty())
                .map(SecretString::from);
            Arc::new(OpenAiEmbedder::new(
                base_url,
                model,
                dimensions,
                api_key,
                Duration::from_secs(memory.timeout_secs),
            )?)
        }
    };
    let dimensions = embedder.dimensions();
    let vectors: Arc<dyn VectorMemory> = match config.vectors.kind {
        VectorsKind::Embedded => Arc::new(
            EmbeddedVectors::open_with(
                &data_dir.join("vectors"),
                dimensions,
                config.vectors.hnsw(),
            )
            .map_err(|err| anyhow::anyhow!("opening the vector memory: {err}"))?,
        ),
        VectorsKind::Qdrant => {
            let Some(url) = &config.vectors.qdrant_url else {
                bail!("vectors = \"qdrant\" needs a qdrant_url (ORCHARD_QDRANT_URL)");
            };
            let mut settings = QdrantSettings::new(url.clone());
            // Like the other secrets, the API key comes from the environment only.
            settings.api_key = std::env::var("ORCHARD_QDRANT_API_KEY")
                .ok()
                .filter(|k| !k.is_empty())
                .map(SecretString::from);
            Arc::new(
                QdrantVectors::connect(&settings, dimensions)
                    .await
                    .map_err(|err| anyhow::anyhow!("connecting to Qdrant at {url}: {err}"))?,
            )
        }
    };
    Ok(Arc::new(Recall {
        vectors,
        embedder,
        settings: memory.settings(),
    }))
}

impl Application {
    /// Opens the data dir, starts the actor tree and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// [`build`](Self::build), with the months of quotas and budgets read from `clock` (tests
    /// set it to see a month roll over).
    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        // The cluster first: an unreachable one, or one whose keyspace was never migrated,
        // is named as such before anything is created on disk.
        let scylla = match config.store.kind {
            StoreKind::Scylla => {
                if config.queue.kind == QueueKind::Embedded {
                    tracing::warn!(
                        "store \"scylla\" with the embedded queue: tasks, budgets and repository locks stay on this node; set queue.kind = \"redis\" to run more than one node"
                    );
                }
                Some(ScyllaStore::connect(&config.store).await?)
            }
            StoreKind::Sqlite => None,
        };
        let data_dir = &config.data_dir;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating data dir {}", data_dir.display()))?;
        let keys_dir = data_dir.join("keys");
        create_private_dir(&keys_dir)?;
        let token_keys_env = std::env::var(crate::auth::tokens::TOKEN_KEYS_ENV).ok();
        let keys = Arc::new(TokenKeys::load(&keys_dir, token_keys_env.as_deref())?);
        let keyring = Arc::new(load_keyring(&config, &keys_dir)?);

        let db = Db::open(&data_dir.join("orchard.db")).context("opening the database")?;
        let store: Arc<dyn Store> = match scylla {
            Some(scylla) => Arc::new(scylla),
            None => Arc::new(SqliteStore::new(db.clone())),
        };
        // Repository locks follow the queue: shared in Redis when the queue is shared, in this
        // process when it is embedded (single node).
        // So do quotas and budgets: they must hold across every node that runs the org.
        // So do revoked tokens (first, on a connection of their own): a logout must hold on
        // every node.
        let revocations: Arc<dyn crate::auth::Revocations> =
            match (config.queue.kind, &config.queue.redis_url) {
                (QueueKind::Redis, Some(url)) => Arc::new(RedisRevocations::with_connection(
                    crate::redis_conn::connect(url).await?,
                    &config.queue.redis_prefix,
                )),
                _ => Arc::new(SqliteRevocations::new(db.clone())),
            };
        let revocations = Arc::new(crate::auth::RevocationCheck::new(
            revocations,
            Duration::from_secs(config.auth.revocation_cache_secs),
        ));
        type Shared = (Arc<dyn Queue>, Arc<dyn LockService>, Arc<dyn BudgetLedger>);
        let (queue, locks, ledger): Shared = match (config.queue.kind, &config.queue.redis_url) {
            (QueueKind::Redis, Some(url)) => {
                let prefix = &config.queue.redis_prefix;
                let conn = crate::redis_conn::connect(url).await?;
                (
                    Arc::new(RedisQueue::with_connection(conn.clone(), prefix)),
                    Arc::new(RedisLocks::with_connection(conn.clone(), prefix)),
                    Arc::new(RedisLedger::with_connection(conn, prefix)),
                )
            }
            (QueueKind::Redis, None) => {
                bail!("queue.redis_url is required for the redis queue")
            }
            (QueueKind::Embedded, _) => (
                Arc::new(SqliteQueue::new(db.clone())),
                Arc::new(InProcessLocks::new()),
                Arc::new(SqliteLedger::new(db)),
            ),
        };
        if !config.llm.prices.contains_key(&config.llm.model) {
            tracing::warn!(model = %config.llm.model, "the model has no price in llm.prices; its calls cost nothing in usage reports");
        }
        // The recorder first (it is process-wide), so the model's series register with it.
        let _ = metrics_handle();
        crate::observability::register_model(&config.llm.model);
        // Runs end by acking; under load their acks reach the backend in batches.
        let queue: Arc<dyn Queue> = Arc::new(BatchedAcks::new(queue, ACK_BATCH));
        let recovered = queue.recover().await?;
        if recovered > 0 {
            tracing::info!(
                count = recovered,
                "requeued tasks left running by the previous process"
            );
        }

        let work_root = data_dir.join("work");
        std::fs::create_dir_all(&work_root)?;
        let memory = build_memory(&config, data_dir).await?;
        let jira = crate::forge::jira::JiraClient::new(
            &crate::forge::ClientSettings::from_config(&config.integrations),
            &config.integrations.jira_sprint_field,
        )?;
        let deps = Arc::new(Deps {
            store: store.clone(),
            queue: queue.clone(),
            locks,
            vault: keyring.clone(),
            llm: build_llm(&config)?,
            git: Arc::new(GixWorkspace::new(
                &config.git.author_name,
                &config.git.author_email,
                &config.git.git_binary,
                Duration::from_secs(config.git.timeout_secs),
            )),
            ledger: ledger.clone(),
            clock: clock.clone(),
            memory: Some(memory.clone()),
            pull_requests: Some(Arc::new(crate::forge::ForgePullRequests::new(
                &config.integrations,
            )?)),
            issues: Some(Arc::new(crate::forge::jira::JiraTracker::new(jira.clone()))),
            settings: RunSettings {
                node: node_name(),
                work_root,
                max_steps: config.llm.max_steps,
                lease_ttl: config.lease_ttl(),
                llm_retries: config.llm.max_retries,
                llm_retry_initial: Duration::from_millis(config.llm.retry_initial_ms),
                max_workers: config.max_workers(),
                max_runs_per_org: config.max_runs_per_org(),
                plan_runs: config.plan_runs(),
                max_attempts: config.queue.max_attempts,
                poll_interval: Duration::from_millis(config.queue.poll_interval_ms),
                keep_work_dirs: config.workers.keep_work_dirs,
                backoff: config.supervision.policy(),
                stale_after: Duration::from_secs(config.workers.stale_after_secs),
                stale_requeue: config.workers.stale_action == StaleAction::Requeue,
                watchdog_interval: Duration::from_secs(config.workers.watchdog_interval_secs),
                org_idle_after: config.supervision.org_idle_after(),
                plan_limits: config.plan_limits(),
                max_completion_tokens: config.llm.max_completion_tokens,
                model: config.llm.model.clone(),
                price: config.model_price(),
                public_url: config.integrations.public_url.clone(),
            },
        });
        let (root, _) = Actor::spawn(None, RootSupervisor, deps)
            .await
            .context("starting the actor tree")?;

        let acceptor = TcpListener::bind(config.listen.as_str())
            .into_acceptor()
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let addr = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .context("listener has no address")?;

        let shutdown_grace = Duration::from_secs(config.workers.shutdown_grace_secs);
        let state = AppState {
            store,
            queue,
            ledger,
            clock,
            keys,
            revocations,
            keyring,
            memory,
            root: root.clone(),
            plan_limits: Arc::new(config.plan_limits()),
            config: Arc::new(config),
            metrics: metrics_handle(),
            jira,
        };
        Ok(Self {
            acceptor,
            shutdown_grace,
            addr,
            state,
            root,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `shutdown` resolves; then stops taking tasks, lets runs finish for the
    /// grace period, gives the tasks of runs still going back to the queue, and stops the
    /// actor tree.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send,
    ) -> anyhow::Result<()> {
        let routes = api::routes(self.state);
        let served = poem::Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(routes, shutdown, Some(SHUTDOWN_GRACE))
            .await;
        let grace = self.shutdown_grace;
        let wait_ms = (grace + Duration::from_secs(15)).as_millis() as u64;
        let stopped = ask(&self.root, |reply| RootMsg::Shutdown(grace, reply), wait_ms).await;
        match stopped {
            Ok(0) => tracing::info!("all runs finished"),
            Ok(count) => tracing::info!(count, "gave unfinished tasks back to the queue"),
            Err(err) => tracing::error!(error = %err, "orderly shutdown of runs failed"),
        }
        self.root.stop(Some("shutdown".into()));
        served.context("serving HTTP")
    }

    /// Serves until Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

/// The master keys: `ORCHARD_MASTER_KEY` if set, else the keyring file
/// (`credentials.keyring_path`, default `<data dir>/keys/master.keyring`), created on first start.
fn load_keyring(config: &Config, keys_dir: &std::path::Path) -> anyhow::Result<Keyring> {
    if !aes::hardware_accelerated() {
        tracing::warn!(
            "this CPU has no AES instructions: credentials are encrypted with the constant-time \
             software AES, several times slower"
        );
    }
    if let Ok(value) = std::env::var("ORCHARD_MASTER_KEY") {
        return Keyring::from_env_value(&value);
    }
    let path = config
        .credentials
        .keyring_path
        .clone()
        .unwrap_or_else(|| keys_dir.join("master.keyring"));
    Keyring::load_or_create(&path)
}

/// `host:pid`: the kernel's host name (Linux), else `localhost`.
fn node_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{host}:{}", std::process::id())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
