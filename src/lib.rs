//! Orchard: the server binary's library — configuration, the REST API, auth, and the
//! adapters that implement the ports of [`orchard_actors`].
//!
//! # Layout
//! - [`app`]: `Application::build(config)` wires everything and binds the listener;
//!   `run_until_stopped` serves. Tests start it on port 0.
//! - [`config`]: defaults → `--config FILE` → `ORCHARD_*` environment variables.
//! - [`api`]: the `/v1` REST API (poem-openapi), one `ApiError` with stable codes,
//!   `/docs`, `/openapi.json`, `/healthz`, `/readyz`, `/metrics`.
//! - [`auth`]: argon2id passwords, PASETO v4.public tokens.
//! - [`db`], [`store`], [`queue`]: the embedded SQLite database and the `Store` and `Queue`
//!   ports on it.
//! - [`llm`]: the `Llm` port over an OpenAI-compatible API, and an offline replay.
//! - [`git`]: the `GitWorkspace` port: gix clone and commit, `git push`.
//! - [`cli`], [`telemetry`]: the command line and logging.
//! - [`observability`]: the metrics exported at `/metrics`, described once at start-up.
//! - [`vectors`]: the `VectorMemory` port: embedded per-org segments, exact search.
//! - [`testing`]: throwaway services (a `redis-server`) for tests.
//!
//! The actor tree itself (supervisors, dispatcher, agent runs) lives in `orchard-actors`;
//! arrows point inward: this crate depends on it, never the reverse.

#![warn(missing_docs)]

pub mod api;
pub mod app;
pub mod auth;
pub mod billing;
pub mod budget;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod forge;
pub mod git;
pub mod keys;
pub mod llm;
pub mod locks;
pub mod observability;
pub mod queue;
pub mod redis_conn;
pub mod store;
pub mod telemetry;
pub mod testing;
pub mod vectors;

pub use app::Application;
pub use config::Config;
