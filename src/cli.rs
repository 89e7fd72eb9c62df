//! The command line.

use std::path::PathBuf;

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
