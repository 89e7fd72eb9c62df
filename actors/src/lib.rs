//! Orchard's core: domain types, ports and the per-organization supervision tree.
//!
//! ```text
//! RootSupervisor
//!  ├─ Dispatcher            pulls leased tasks from the Queue port, at most max_workers at once
//!  ├─ Watchdog              has runs without a heartbeat within stale_after stopped
//!  └─ OrgSupervisor(org)    one per org with work, started on first use
//!       ├─ CredentialActor  opens the org's sealed forge credentials for its runs
//!       ├─ BudgetActor      reserves and settles the tokens of the org's LLM calls
//!       ├─ RepoLockActor    one per repository with a run: holds, renews, frees its lock
//!       └─ AgentRun(task)   one per task: clone → LLM/tool loop → commit → push
//! ```
//!
//! # Layout
//! - [`domain`]: ids, tasks, repos, the [`OrgScope`](domain::OrgScope) that every tenant
//!   data access needs.
//! - [`ports`]: the traits the core needs from the outside (`Store`, `Queue`,
//!   `LockService`, `Llm`, `GitWorkspace`); adapters live in the `orchard` crate, except the
//!   in-process lock service of [`locks`], which needs nothing but memory.
//! - [`memory`], [`embedding`]: the `VectorMemory` and `Embedder` ports (tenant-scoped
//!   vector memory), and the built-in hashing embedder, which needs nothing but memory.
//! - [`recall`]: the two together with their limits, as runs and the API use them (texts in,
//!   hits out); [`indexing`]: a checkout's files, chunked, in the org's memory.
//! - [`tools`]: the agent's file tools, confined to the task's work dir.
//! - [`root_supervisor`], [`dispatcher`], [`watchdog`], [`org_supervisor`], [`repo_lock`],
//!   [`agent_run`]:
//!   the actors, one file each, in the order of the tree.
//! - [`observe`]: serializable snapshots supervisors answer `Observe` with, and the census
//!   of live actors (every message goes through its `tell`/`ask`) that the operator's tree
//!   view reads.
//! - [`backoff`]: the restart policy (exponential backoff, jitter, intensity limit).
//! - [`runtime`]: the shared dependencies and settings handed to the tree.
//! - [`conformance`]: the checks every adapter of a port must pass.
//! - [`testing`]: in-memory ports for tests of this crate and of adapters' callers.
//!
//! This crate depends on no database, HTTP or git crate: arrows point inward.

#![warn(missing_docs)]

pub mod agent_run;
pub mod backoff;
pub mod batching;
pub mod budget;
pub mod budget_actor;
pub mod conformance;
pub mod credentials;
pub mod dispatcher;
pub mod domain;
pub mod embedding;
pub mod indexing;
pub mod locks;
pub mod memory;
pub mod observe;
pub mod org_supervisor;
pub mod ports;
pub mod recall;
pub mod repo_lock;
pub mod root_supervisor;
pub mod runtime;
pub mod testing;
pub mod tools;
pub mod watchdog;

pub use ractor;
