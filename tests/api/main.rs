//! Integration tests: the real server over real HTTP, real SQLite, real git repositories;
//! only the LLM vendor is played by a local server that speaks its protocol.

mod actors;
mod billing;
mod budgets;
mod concurrency;
mod crash;
mod credentials;
mod errors;
mod events;
mod forge;
mod git_http;
mod helpers;
mod memory;
mod metrics;
mod pull_requests;
mod ratelimit;
mod redis;
mod restart;
mod schemathesis;
mod scylla;
mod sdk;
mod security;
mod shutdown;
mod spec;
mod tasks;
