//! ScyllaDB: the connection, the prepared statements, the migrations (`orchard migrate`) and
//! the [`ScyllaStore`].
//!
//! - [`connect`]: a session with the configured contact points, connection timeout and one
//!   execution profile (consistency, serial consistency, request timeout, the driver's
//!   `DefaultRetryPolicy`, no speculative execution);
//! - [`Statements`]: every statement of [`scylla_cql::ALL`](super::scylla_cql::ALL), prepared
//!   once at start-up;
//! - [`migrations`] (pure, tested without a cluster) and [`migrate`] (the runner);
//! - `cql`: the seam the store runs statements through (a session, or in tests the statement
//!   emulator), and `store`: the `Store` port over it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use scylla::client::execution_profile::ExecutionProfile;
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::policies::retry::DefaultRetryPolicy;
use scylla::statement::prepared::PreparedStatement;
use scylla::statement::{Consistency, SerialConsistency};

use crate::config::{ScyllaConsistency, ScyllaSerialConsistency, StoreConfig};
use crate::store::scylla_cql::{self, with_keyspace};

pub(crate) mod cql;
#[cfg(test)]
pub(crate) mod emulator;
pub mod migrate;
pub(crate) mod migrations;
mod store;

#[cfg(test)]
mod cluster_tests;

pub use migrate::{MigrateReport, migrate};
pub use store::ScyllaStore;

/// The cluster did not answer: no contact point could be reached within the timeouts.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot reach ScyllaDB at {nodes}: {reason} (store.scylla_nodes / ORCHARD_SCYLLA_NODES; is the cluster up?)"
)]
pub struct Unreachable {
    /// The configured contact points, comma-separated.
    pub nodes: String,
    /// What the driver said, or that it did not answer in time.
    pub reason: String,
}

/// The configured contact points as one string (for messages).
pub fn nodes_of(store: &StoreConfig) -> String {
    store.scylla_nodes.join(", ")
}

/// The execution profile of every statement: the configured consistency and serial consistency
/// and request timeout; the driver's `DefaultRetryPolicy` (it retries only what is safe: never
/// a statement not marked idempotent after its outcome became unknown, never at a lower
/// consistency, never a serial read); no speculative execution (an LWT sent twice would race
/// itself).
pub(crate) fn execution_profile(store: &StoreConfig) -> ExecutionProfile {
    ExecutionProfile::builder()
        .consistency(consistency(store.scylla_consistency))
        .serial_consistency(Some(serial_consistency(store.scylla_serial_consistency)))
        .request_timeout(Some(Duration::from_millis(store.scylla_request_timeout_ms)))
        .retry_policy(Arc::new(DefaultRetryPolicy::new()))
        .speculative_execution_policy(None)
        .build()
}

fn consistency(level: ScyllaConsistency) -> Consistency {
    match level {
        ScyllaConsistency::One => Consistency::One,
        ScyllaConsistency::Two => Consistency::Two,
        ScyllaConsistency::Three => Consistency::Three,
        ScyllaConsistency::Quorum => Consistency::Quorum,
        ScyllaConsistency::All => Consistency::All,
        ScyllaConsistency::LocalQuorum => Consistency::LocalQuorum,
        ScyllaConsistency::EachQuorum => Consistency::EachQuorum,
        ScyllaConsistency::LocalOne => Consistency::LocalOne,
    }
}

fn serial_consistency(level: ScyllaSerialConsistency) -> SerialConsistency {
    match level {
        ScyllaSerialConsistency::Serial => SerialConsistency::Serial,
        ScyllaSerialConsistency::LocalSerial => SerialConsistency::LocalSerial,
    }
}

/// The consistency of a serial read (settling a lightweight transaction whose outcome is
/// unknown) at the configured serial consistency.
pub(crate) fn serial_read(level: ScyllaSerialConsistency) -> Consistency {
    match level {
        ScyllaSerialConsistency::Serial => Consistency::Serial,
        ScyllaSerialConsistency::LocalSerial => Consistency::LocalSerial,
    }
}

/// The longest [`connect`] waits: one connection's timeout for the TCP connection and the
/// handshake, then one request timeout for the cluster's metadata.
pub(crate) fn connect_deadline(store: &StoreConfig) -> Duration {
    Duration::from_millis(store.scylla_connect_timeout_ms + store.scylla_request_timeout_ms)
}

/// A session on the configured cluster. Fails with [`Unreachable`], naming the contact points,
/// when none answers within [`connect_deadline`].
pub async fn connect(store: &StoreConfig) -> Result<Session, Unreachable> {
    let nodes = nodes_of(store);
    let unreachable = |reason: String| Unreachable {
        nodes: nodes.clone(),
        reason,
    };
    if store.scylla_nodes.is_empty() {
        return Err(unreachable("no contact point is configured".into()));
    }
    let builder = SessionBuilder::new()
        .known_nodes(&store.scylla_nodes)
        .connection_timeout(Duration::from_millis(store.scylla_connect_timeout_ms))
        .default_execution_profile_handle(execution_profile(store).into_handle());
    let deadline = connect_deadline(store);
    match tokio::time::timeout(deadline, builder.build()).await {
        Ok(Ok(session)) => Ok(session),
        Ok(Err(err)) => Err(unreachable(err.to_string())),
        Err(_) => Err(unreachable(format!(
            "no answer within {} ms",
            deadline.as_millis()
        ))),
    }
}

/// Every statement of [`scylla_cql::ALL`], prepared in the configured keyspace.
#[derive(Debug)]
pub struct Statements {
    by_name: HashMap<&'static str, PreparedStatement>,
}

impl Statements {
    /// Prepares every statement (at start-up: a statement the schema does not serve fails
    /// here, naming it, not at its first use). Reads (`SELECT`) are marked idempotent, so the
    /// retry policy may retry them on another node; writes are not.
    pub async fn prepare(session: &Session, keyspace: &str) -> anyhow::Result<Self> {
        Self::prepare_some(session, keyspace, scylla_cql::ALL).await
    }

    /// [`prepare`](Self::prepare) for a part of the statements (the migration runner's own,
    /// before the other tables exist).
    pub(crate) async fn prepare_some(
        session: &Session,
        keyspace: &str,
        statements: &[(&'static str, &'static str)],
    ) -> anyhow::Result<Self> {
        let mut by_name = HashMap::with_capacity(statements.len());
        for (name, cql) in statements {
            let text = with_keyspace(cql, keyspace)?;
            let mut prepared = session
                .prepare(text)
                .await
                .map_err(|err| anyhow::anyhow!("preparing {name}: {err}"))?;
            prepared.set_is_idempotent(is_read(cql));
            by_name.insert(*name, prepared);
        }
        Ok(Self { by_name })
    }

    /// The prepared statement named `name` (a name of [`scylla_cql::ALL`]).
    ///
    /// # Panics
    /// If `name` was not prepared: a bug, the names are constants.
    pub fn get(&self, name: &str) -> &PreparedStatement {
        self.by_name
            .get(name)
            .unwrap_or_else(|| panic!("statement {name} was not prepared"))
    }

    /// How many statements are prepared.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

/// A `SELECT`: safe to retry, it changes nothing.
fn is_read(cql: &str) -> bool {
    cql.trim_start()
        .get(..7)
        .is_some_and(|start| start.eq_ignore_ascii_case("SELECT "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_carries_the_configured_settings() {
        let store = StoreConfig {
            scylla_request_timeout_ms: 1234,
            scylla_consistency: ScyllaConsistency::Quorum,
            scylla_serial_consistency: ScyllaSerialConsistency::LocalSerial,
            ..StoreConfig::default()
        };
        let profile = execution_profile(&store);
        assert_eq!(profile.get_consistency(), Consistency::Quorum);
        assert_eq!(
            profile.get_serial_consistency(),
            Some(SerialConsistency::LocalSerial)
        );
        assert_eq!(
            profile.get_request_timeout(),
            Some(Duration::from_millis(1234))
        );
        assert!(profile.get_speculative_execution_policy().is_none());
        let retry = profile.get_retry_policy().as_any();
        assert!(retry.is_some_and(|p| p.is::<DefaultRetryPolicy>()));

        let defaults = execution_profile(&StoreConfig::default());
        assert_eq!(defaults.get_consistency(), Consistency::LocalQuorum);
        assert_eq!(
            defaults.get_serial_consistency(),
            Some(SerialConsistency::Serial)
        );
    }

    #[test]
    fn only_selects_are_idempotent() {
        let reads: Vec<&str> = scylla_cql::ALL
            .iter()
            .filter(|(_, cql)| is_read(cql))
            .map(|(name, _)| *name)
            .collect();
        assert!(reads.contains(&"SELECT_TASK"), "{reads:?}");
        assert!(reads.contains(&"LIST_TASKS"), "{reads:?}");
        assert!(reads.iter().all(|name| {
            let cql = scylla_cql::ALL.iter().find(|(n, _)| n == name).unwrap().1;
            !cql.contains(" IF ")
        }));
        assert!(!is_read(scylla_cql::INSERT_TASK));
    }

    /// A closed port: the error names the contact point and comes within the deadline.
    #[tokio::test]
    async fn an_unreachable_cluster_is_named_and_fails_fast() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let store = StoreConfig {
            scylla_nodes: vec![format!("127.0.0.1:{port}")],
            scylla_connect_timeout_ms: 500,
            scylla_request_timeout_ms: 500,
            ..StoreConfig::default()
        };
        let started = std::time::Instant::now();
        let err = connect(&store).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5), "{err}");
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("cannot reach ScyllaDB at 127.0.0.1:{port}: ")),
            "{message}"
        );
    }

    /// A port that accepts connections but never speaks CQL: the deadline still holds.
    #[tokio::test]
    async fn a_silent_server_fails_within_the_deadline() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let store = StoreConfig {
            scylla_nodes: vec![addr.to_string()],
            scylla_connect_timeout_ms: 300,
            scylla_request_timeout_ms: 300,
            ..StoreConfig::default()
        };
        let started = std::time::Instant::now();
        let err = connect(&store).await.unwrap_err();
        assert!(
            started.elapsed() < connect_deadline(&store) + Duration::from_secs(2),
            "{err}"
        );
        assert!(
            err.to_string()
                .starts_with(&format!("cannot reach ScyllaDB at {addr}: ")),
            "{err}"
        );
        accepted.abort();
    }
}
