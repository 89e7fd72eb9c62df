//! The command line.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

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
    Serve,
    /// Print the OpenAPI document of the REST API.
    Openapi,
    /// Print the effective configuration (file + environment) and exit.
    Config,
    /// Manage the master keys that seal the organizations' credentials (servers stopped).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Print a token for the platform operator (the /v1/admin endpoints), signed with this
    /// data dir's key.
    OperatorToken {
        /// Hours until it expires.
        #[arg(long, default_value_t = 1)]
        hours: u64,
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

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Openapi => {
            println!("{}", crate::api::spec_json());
            Ok(())
        }
        Command::Config => {
            let config = Config::load(cli.config.as_deref(), &ProcessEnv)?;
            println!("{config:#?}");
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
            let db = crate::db::Db::open(&config.data_dir.join("orchard.db"))?;
            let store = crate::store::sqlite::SqliteStore::new(db);
            match command {
                KeysCommand::Rotate => {
                    let report = crate::keys::rotate(&store, &path).await?;
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
                    crate::keys::retire(&store, &path, version).await?;
                    println!("key version {version} retired");
                }
            }
            Ok(())
        }
        Command::OperatorToken { hours } => {
            let config = Config::load(cli.config.as_deref(), &ProcessEnv)?;
            if hours == 0 || hours > 24 * 30 {
                anyhow::bail!("--hours must be between 1 and 720");
            }
            let keys = crate::auth::TokenKeys::load_existing(&config.data_dir.join("keys"))?;
            let (token, expires_at) = keys.issue_operator(Duration::from_secs(hours * 3600))?;
            eprintln!("operator token, valid until {expires_at}");
            println!("{token}");
            Ok(())
        }
        Command::Serve => {
            let config = Config::load(cli.config.as_deref(), &ProcessEnv)?;
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
