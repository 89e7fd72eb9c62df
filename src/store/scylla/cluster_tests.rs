//! Against a real ScyllaDB, when `ORCHARD_TEST_SCYLLA` names a contact point (`host:port`);
//! otherwise each test returns after one skip line per test binary. docs/data-model.md
//! ("Migrations") has the commands that start a local ScyllaDB and run these.
//!
//! Every test works in a keyspace of its own (`orchard_test_<random>`, replication factor 1
//! in `ORCHARD_TEST_SCYLLA_DC`, default `datacenter1`) and drops it at the end.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::Once;

use super::*;
use crate::store::scylla::ScyllaStore;
use crate::store::scylla::migrate::migrate_session;

const NODE_VAR: &str = "ORCHARD_TEST_SCYLLA";

/// The settings of a fresh keyspace on the test cluster, or `None` after saying (once per test
/// binary) why the ScyllaDB tests do not run.
fn test_store() -> Option<StoreConfig> {
    static SKIPPED: Once = Once::new();
    let node = match std::env::var(NODE_VAR) {
        Ok(node) if !node.trim().is_empty() => node.trim().to_owned(),
        _ => {
            // Straight to stderr, past the test harness's capture, so the skip is seen.
            SKIPPED.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "scylla cluster tests skipped: {NODE_VAR} is not set \
                     (set it to a contact point such as 127.0.0.1:9042 to run them)"
                );
            });
            return None;
        }
    };
    let dc = std::env::var("ORCHARD_TEST_SCYLLA_DC").unwrap_or_else(|_| "datacenter1".into());
    let keyspace = uuid::Uuid::new_v4().simple().to_string();
    Some(StoreConfig {
        scylla_nodes: node.split(',').map(|n| n.trim().to_owned()).collect(),
        scylla_keyspace: format!("orchard_test_{}", &keyspace[..12]),
        scylla_replication: BTreeMap::from([(dc, 1)]),
        scylla_request_timeout_ms: 30_000,
        ..StoreConfig::default()
    })
}

async fn drop_keyspace(session: &Session, keyspace: &str) {
    let _ = session
        .query_unpaged(format!("DROP KEYSPACE IF EXISTS {keyspace}"), ())
        .await;
}

async fn applied_rows(session: &Session, keyspace: &str) -> Vec<(i32, String)> {
    let rows = session
        .query_unpaged(
            format!(
                "SELECT version, name FROM {keyspace}.schema_migrations WHERE component = 'store'"
            ),
            (),
        )
        .await
        .unwrap()
        .into_rows_result()
        .unwrap();
    rows.rows::<(i32, String)>()
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn migrating_twice_applies_once() {
    let Some(store) = test_store() else { return };
    let session = connect(&store).await.unwrap();
    let files = migrations::embedded().unwrap();

    let first = migrate_session(&session, &store).await.unwrap();
    assert_eq!(first.applied.len(), files.len(), "{first:?}");
    assert_eq!(first.already_applied, 0);
    assert_eq!(first.prepared, scylla_cql::ALL.len());

    let second = migrate_session(&session, &store).await.unwrap();
    assert!(second.applied.is_empty(), "{second:?}");
    assert_eq!(second.already_applied, files.len());

    let rows = applied_rows(&session, &store.scylla_keyspace).await;
    let expected: Vec<(i32, String)> = files.iter().map(|m| (m.version, m.name.clone())).collect();
    assert_eq!(rows, expected);
    drop_keyspace(&session, &store.scylla_keyspace).await;
}

#[tokio::test]
async fn concurrent_migrations_apply_each_file_once() {
    let Some(store) = test_store() else { return };
    let (a, b) = (
        connect(&store).await.unwrap(),
        connect(&store).await.unwrap(),
    );
    let (left, right) = tokio::join!(migrate_session(&a, &store), migrate_session(&b, &store));
    let (left, right) = (left.unwrap(), right.unwrap());
    let files = migrations::embedded().unwrap();
    let mut both: Vec<String> = left.applied.iter().chain(&right.applied).cloned().collect();
    both.sort();
    let names: Vec<String> = files.iter().map(|m| m.name.clone()).collect();
    assert_eq!(both, names, "{left:?} {right:?}");
    assert_eq!(
        applied_rows(&a, &store.scylla_keyspace).await.len(),
        files.len()
    );
    drop_keyspace(&a, &store.scylla_keyspace).await;
}

#[tokio::test]
async fn every_statement_prepares_and_an_edited_file_is_refused() {
    let Some(store) = test_store() else { return };
    let session = connect(&store).await.unwrap();
    migrate_session(&session, &store).await.unwrap();
    let statements = Statements::prepare(&session, &store.scylla_keyspace)
        .await
        .unwrap();
    assert_eq!(statements.len(), scylla_cql::ALL.len());
    for (name, _) in scylla_cql::ALL {
        let _ = statements.get(name);
    }

    let keyspace = &store.scylla_keyspace;
    session
        .query_unpaged(
            format!("UPDATE {keyspace}.schema_migrations SET checksum = 'edited' WHERE component = 'store' AND version = 2 IF EXISTS"),
            (),
        )
        .await
        .unwrap();
    let err = migrate_session(&session, &store).await.unwrap_err();
    assert!(
        format!("{err:#}").contains("must never be edited"),
        "{err:#}"
    );
    // The failed run freed its lock: the next one is not kept waiting.
    let lock = session
        .query_unpaged(
            format!("SELECT holder FROM {keyspace}.migration_lock WHERE name = 'store'"),
            (),
        )
        .await
        .unwrap()
        .into_rows_result()
        .unwrap();
    assert_eq!(lock.rows_num(), 0);
    drop_keyspace(&session, keyspace).await;
}

/// The Store conformance suite on the cluster: each check in a freshly migrated keyspace,
/// through `ScyllaStore::connect` (every statement prepared), as the server runs it.
#[tokio::test]
async fn the_scylla_store_passes_the_conformance_suite() {
    if test_store().is_none() {
        return;
    }
    let keyspaces = std::sync::Mutex::new(Vec::new());
    orchard_actors::conformance::store::all_store_checks(|| {
        let store = test_store().expect("ORCHARD_TEST_SCYLLA is set");
        keyspaces
            .lock()
            .expect("keyspaces")
            .push(store.scylla_keyspace.clone());
        async move {
            crate::store::scylla::migrate(&store)
                .await
                .expect("migrate a fresh keyspace");
            ScyllaStore::connect(&store)
                .await
                .expect("connect and prepare")
        }
    })
    .await;
    let store = test_store().expect("ORCHARD_TEST_SCYLLA is set");
    let session = connect(&store).await.unwrap();
    for keyspace in keyspaces.into_inner().expect("keyspaces") {
        drop_keyspace(&session, &keyspace).await;
    }
}
