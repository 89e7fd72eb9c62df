//! The command line.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use serde_json::Value;

use crate::app::Application;
use crate::config::{Config, ProcessEnv};

/// Orchard: a multi-tenant runtime for AI coding agents.
#[derive(Debug, Parser)]
#[command(name = "orchard", version, about)]
pub struct Cli {
    /// Configuration file (see config/orchard.toml); ORCHARD_* variables override it.
    #[arg(long, global = true, env = "ORCHARD_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the server (embedded SQLite store and queue by default).
    Serve {
        /// Log format: `text` (for people) or `json` (one object a line, for collectors);
        /// overrides `log_format` and ORCHARD_LOG_FORMAT.
        #[arg(long, value_name = "FORMAT", value_parser = ["text", "json"])]
        log_format: Option<String>,
    },
    /// Print the OpenAPI document of the REST API.
    Openapi,
    /// Print the effective configuration (file + environment) and exit.
    Config,
    /// Create or update the ScyllaDB schema (schema/cql/) of `[store]`'s cluster; safe to run
    /// from several nodes at once.
    Migrate,
    /// Manage the master keys that seal the organizations' credentials (servers stopped).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage the keys that sign and verify API tokens (`<data dir>/keys/`; restart the
    /// servers after a change).
    #[command(subcommand)]
    TokenKeys(TokenKeysCommand),
    /// The platform operator's tools; they sign with the key in this data dir.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The old name of `admin token`.
    #[command(hide = true)]
    OperatorToken {
        /// Hours until it expires.
        #[arg(long, default_value_t = 1)]
        hours: u64,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Print a token for the platform operator (the /v1/admin endpoints).
    Token {
        /// Hours until it expires.
        #[arg(long, default_value_t = 1)]
        hours: u64,
    },
    /// Print the live actor tree of a running server, indented.
    Actors {
        /// The server; default: the configured listen address on this machine.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// Only this organization's supervisor and its children.
        #[arg(long, value_name = "ORG_ID")]
        org: Option<uuid::Uuid>,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Add a new master key, make it active, and re-seal every credential under it.
    Rotate,
    /// Remove an old master key that no credential uses any more.
    Retire {
        /// The key version to remove.
        version: u32,
    },
}

#[derive(Debug, Subcommand)]
enum TokenKeysCommand {
    /// List the key ids: the signing key first, then the older keys that still verify.
    List,
    /// Make a new key the signing key; the previous one keeps verifying until retired.
    Rotate,
    /// Stop an older key from verifying: the tokens it signed are refused.
    Retire {
        /// The key's id (`k4.pid.…`, from `list`).
        kid: String,
    },
    /// Print a new secret key (base64) for ORCHARD_TOKEN_KEYS; touches no file.
    Generate,
}

/// Runs `orchard token-keys …`.
fn token_keys(config: &Config, command: TokenKeysCommand) -> anyhow::Result<()> {
    use crate::auth::tokens::{self, TOKEN_KEYS_ENV};
    let keys_dir = config.data_dir.join("keys");
    let env = std::env::var(TOKEN_KEYS_ENV).ok();
    match command {
        TokenKeysCommand::List => {
            let keys = crate::auth::TokenKeys::load_existing(&keys_dir, env.as_deref())?;
            for (index, kid) in keys.kids().iter().enumerate() {
                let role = if index == 0 { "signs" } else { "verifies" };
                println!("{kid}  {role}");
            }
        }
        TokenKeysCommand::Generate => {
            let (secret, kid) = tokens::generate_secret()?;
            eprintln!("new token key {kid}; put it first in {TOKEN_KEYS_ENV} to sign with it");
            println!("{}", *secret);
        }
        TokenKeysCommand::Rotate | TokenKeysCommand::Retire { .. } if env.is_some() => {
            anyhow::bail!(
                "{TOKEN_KEYS_ENV} is set: token keys come from the environment, so rotate them there (`orchard token-keys generate`, put the new key first, keep the old one after it until its tokens expired; docs/security.md)"
            );
        }
        TokenKeysCommand::Rotate => {
            let rotation = tokens::rotate(&keys_dir)?;
            println!(
                "{} signs now; {} still verifies until `orchard token-keys retire {}`. Restart the servers.",
                rotation.active, rotation.previous, rotation.previous
            );
        }
        TokenKeysCommand::Retire { kid } => {
            tokens::retire(&keys_dir, &kid)?;
            println!("{kid} retired: tokens it signed are refused once the servers restart");
        }
    }
    Ok(())
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::TokenKeys(command) => {
            let config = Config::load(cli.config.as_deref(), &ProcessEnv)?;
            token_keys(&config, command)
        }
        Command::Openapi => {
            println!("{}", crate::api::spec_json());
            Ok(())
        }
        Command::Config => {
            let config = Config::load(cli.config.as_deref(), &ProcessEnv)?;
            println!("{config:#?}");
            Ok(())
        }
        Command::Migrate => {
            let config = Config::load(cli.config.as_deref(), &ProcessEnv)?;
            crate::telemetry::init(config.log_format);
            if config.store.kind != crate::config::StoreKind::Scylla {
                anyhow::bail!(
                    "`orchard migrate` applies schema/cql/ to ScyllaDB: set store.kind = \"scylla\" (ORCHARD_STORE=scylla) and store.scylla_nodes; the SQLite store migrates itself when it opens"
                );
            }
            let report = crate::store::scylla::migrate(&config.store).await?;
            for name in &report.applied {
                println!("applied {name}");
            }
            println!(
                "keyspace {}: {} migration(s) applied now, {} before; {} statements prepare",
                report.keyspace,
                report.applied.len(),
                report.already_applied,
                report.prepared
            );
            Ok(())
        }
        Command::Keys(command) => {
            let config = Config::load(cli.config.as_deref(), &ProcessEnv)?;
            if std::env::var_os("ORCHARD_MASTER_KEY").is_some() {
                anyhow::bail!(
                    "ORCHARD_MASTER_KEY is set: master keys come from the environment, so rotate them there (add `<next version>:<base64 key>`, restart, and re-store the credentials)"
                );
            }
            let path = config
                .credentials
                .keyring_path
                .clone()
                .unwrap_or_else(|| config.data_dir.join("keys").join("master.keyring"));
            // The credentials are where the server keeps them: the configured store.
            let store: Box<dyn orchard_actors::ports::Store> = match config.store.kind {
                crate::config::StoreKind::Scylla => {
                    Box::new(crate::store::scylla::ScyllaStore::connect(&config.store).await?)
                }
                crate::config::StoreKind::Sqlite => {
                    let db = crate::db::Db::open(&config.data_dir.join("orchard.db"))?;
                    Box::new(crate::store::sqlite::SqliteStore::new(db))
                }
            };
            match command {
                KeysCommand::Rotate => {
                    let report = crate::keys::rotate(store.as_ref(), &path).await?;
                    println!(
                        "key version {} is active: {} credential(s) re-sealed, {} already current, {} unreadable (left as they were), {} changed meanwhile",
                        report.active,
                        report.resealed,
                        report.current,
                        report.unreadable,
                        report.changed_meanwhile
                    );
                }
                KeysCommand::Retire { version } => {
                    crate::keys::retire(store.as_ref(), &path, version).await?;
                    println!("key version {version} retired");
                }
            }
            Ok(())
        }
        Command::OperatorToken { hours } | Command::Admin(AdminCommand::Token { hours }) => {
            let config = Config::load(cli.config.as_deref(), &ProcessEnv)?;
            if hours == 0 || hours > 24 * 30 {
                anyhow::bail!("--hours must be between 1 and 720");
            }
            let (token, expires_at) = operator_token(&config, Duration::from_secs(hours * 3600))?;
            eprintln!("operator token, valid until {expires_at}");
            println!("{token}");
            Ok(())
        }
        Command::Admin(AdminCommand::Actors { url, org }) => {
            let config = Config::load(cli.config.as_deref(), &ProcessEnv)?;
            let base = match url {
                Some(url) => url.trim_end_matches('/').to_owned(),
                None => local_url(&config.listen)?,
            };
            let (token, _) = operator_token(&config, Duration::from_secs(300))?;
            let mut url = format!("{base}/v1/admin/actors");
            if let Some(org) = org {
                write!(url, "?org={org}")?;
            }
            let response = reqwest::Client::new()
                .get(&url)
                .bearer_auth(token)
                .timeout(Duration::from_secs(30))
                .send()
                .await
                .with_context(|| format!("no answer from {base}"))?;
            let status = response.status();
            let body: Value = response
                .json()
                .await
                .with_context(|| format!("{base} did not answer with JSON"))?;
            if !status.is_success() {
                anyhow::bail!("{status}: {} ({})", body["message"], body["code"]);
            }
            print!("{}", render_tree(&body["actors"]));
            Ok(())
        }
        Command::Serve { log_format } => {
            let mut config = Config::load(cli.config.as_deref(), &ProcessEnv)?;
            match log_format.as_deref() {
                Some("json") => config.log_format = crate::config::LogFormat::Json,
                Some("text") => config.log_format = crate::config::LogFormat::Text,
                _ => {}
            }
            crate::telemetry::init(config.log_format);
            let data_dir = config.data_dir.clone();
            let provider = config.llm_provider();
            let app = Application::build(config).await?;
            let base = format!("http://{}", app.addr());
            println!("orchard is serving");
            println!("  API      {base}/v1");
            println!("  docs     {base}/docs   (spec: {base}/openapi.json)");
            println!("  metrics  {base}/metrics");
            println!("  data     {}", data_dir.display());
            println!("  llm      {provider:?}");
            app.run_until_stopped().await
        }
    }
}

/// An operator token signed with the key of `config`'s data dir.
fn operator_token(
    config: &Config,
    ttl: Duration,
) -> anyhow::Result<(String, time::OffsetDateTime)> {
    let env = std::env::var(crate::auth::tokens::TOKEN_KEYS_ENV).ok();
    let keys =
        crate::auth::TokenKeys::load_existing(&config.data_dir.join("keys"), env.as_deref())?;
    keys.issue_operator(ttl)
}

/// The URL of a server listening on `listen` on this machine: an unspecified address (all
/// interfaces) is reached on loopback.
fn local_url(listen: &str) -> anyhow::Result<String> {
    let mut addr: std::net::SocketAddr = listen
        .parse()
        .with_context(|| format!("listen address `{listen}` is not host:port; pass --url"))?;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            std::net::IpAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::IpAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    Ok(format!("http://{addr}"))
}

/// An RFC 3339 time without its fraction of a second (`…:41.1924Z` → `…:41Z`).
fn to_seconds(rfc3339: &str) -> String {
    match rfc3339.split_once('.') {
        Some((seconds, rest)) => {
            let zone = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            format!("{seconds}{zone}")
        }
        None => rfc3339.to_owned(),
    }
}

/// The actor tree as `GET /v1/admin/actors` returns it, one actor a line, children indented.
fn render_tree(actors: &Value) -> String {
    fn node(out: &mut String, actor: &Value, depth: usize) {
        let indent = "  ".repeat(depth);
        let text = |key: &str| actor[key].as_str().unwrap_or("?").to_owned();
        let number = |key: &str| actor[key].as_u64().unwrap_or(0);
        let _ = writeln!(
            out,
            "{indent}{name} ({kind}, {id}) {status} since {started}  messages {messages}  queue {queue}  restarts {restarts}",
            name = text("name"),
            kind = text("kind"),
            id = text("id"),
            status = text("status"),
            started = to_seconds(&text("started_at")),
            messages = number("messages_processed"),
            queue = number("queue_depth"),
            restarts = number("restarts"),
        );
        if let Some(failure) = actor["last_failure"].as_object() {
            let at = failure.get("at").and_then(Value::as_str).unwrap_or("?");
            let reason = failure.get("reason").and_then(Value::as_str).unwrap_or("?");
            let _ = writeln!(out, "{indent}  last failure {}: {reason}", to_seconds(at));
        }
        for child in actor["children"].as_array().into_iter().flatten() {
            node(out, child, depth + 1);
        }
    }
    let mut out = String::new();
    for actor in actors.as_array().into_iter().flatten() {
        node(&mut out, actor, 0);
    }
    if out.is_empty() {
        out.push_str("(no actors)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_tree_prints_one_actor_a_line_children_indented() {
        let actor = |name: &str, kind: &str, children: Value| {
            json!({
                "id": "0.1", "name": name, "kind": kind, "status": "running",
                "started_at": "2026-12-04T07:21:41.192432514Z", "restarts": 0,
                "messages_processed": 3, "queue_depth": 1, "children": children,
            })
        };
        let mut run = actor("run/t", "agent_run", json!([]));
        run["restarts"] = json!(2);
        run["last_failure"] = json!({"at": "2026-12-04T07:22:00.5+00:00", "reason": "work dir"});
        let tree = json!([actor(
            "root",
            "root_supervisor",
            json!([actor("org/o", "org_supervisor", json!([run]))])
        )]);
        assert_eq!(
            render_tree(&tree),
            "root (root_supervisor, 0.1) running since 2026-12-04T07:21:41Z  messages 3  queue 1  restarts 0\n\
             \x20 org/o (org_supervisor, 0.1) running since 2026-12-04T07:21:41Z  messages 3  queue 1  restarts 0\n\
             \x20   run/t (agent_run, 0.1) running since 2026-12-04T07:21:41Z  messages 3  queue 1  restarts 2\n\
             \x20     last failure 2026-12-04T07:22:00+00:00: work dir\n"
        );
        assert_eq!(render_tree(&json!([])), "(no actors)\n");
    }

    #[test]
    fn a_server_on_every_interface_is_reached_on_loopback() {
        assert_eq!(local_url("0.0.0.0:8080").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(local_url("[::]:8080").unwrap(), "http://[::1]:8080");
        assert_eq!(local_url("10.0.0.5:80").unwrap(), "http://10.0.0.5:80");
        assert!(local_url("localhost:8080").is_err());
    }

    #[test]
    fn serve_takes_a_log_format() {
        let cli = Cli::try_parse_from(["orchard", "serve", "--log-format", "json"]).unwrap();
        assert!(matches!(cli.command, Command::Serve { log_format: Some(ref f) } if f == "json"));
        let cli = Cli::try_parse_from(["orchard", "serve"]).unwrap();
        assert!(matches!(cli.command, Command::Serve { log_format: None }));
        assert!(Cli::try_parse_from(["orchard", "serve", "--log-format", "xml"]).is_err());
    }
}
