//! `store.kind = "scylla"` without a cluster: `orchard migrate` and `orchard serve` name the
//! unreachable contact point and fail within the configured connect timeout. (Against a real
//! cluster: src/store/scylla/cluster_tests.rs, with ORCHARD_TEST_SCYLLA.)

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A local port nobody listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// `orchard <command>` with the ScyllaDB store on `node`, a fresh data dir, short timeouts;
/// its output and how long it took.
fn run(command: &str, node: &str) -> (Output, Duration) {
    let data_dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_orchard"))
        .arg(command)
        .env("ORCHARD_DATA_DIR", data_dir.path())
        .env("ORCHARD_LISTEN", "127.0.0.1:0")
        .env("ORCHARD_STORE", "scylla")
        .env("ORCHARD_SCYLLA_NODES", node)
        .env("ORCHARD_SCYLLA_CONNECT_TIMEOUT_MS", "1000")
        .env("ORCHARD_SCYLLA_REQUEST_TIMEOUT_MS", "1000")
        .output()
        .unwrap();
    (output, started.elapsed())
}

fn assert_unreachable(command: &str) {
    let node = format!("127.0.0.1:{}", closed_port());
    let (output, took) = run(command, &node);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{command}: {stderr}");
    assert!(
        stderr.contains(&format!("error: cannot reach ScyllaDB at {node}: ")),
        "{command}: {stderr}"
    );
    // Bounded by connect + request timeout (2 s here), with room for a loaded machine.
    assert!(took < Duration::from_secs(10), "{command} took {took:?}");
}

#[test]
fn migrate_names_an_unreachable_cluster_and_fails_fast() {
    assert_unreachable("migrate");
}

#[test]
fn serve_refuses_an_unreachable_cluster_fast() {
    assert_unreachable("serve");
}

#[test]
fn migrate_needs_the_scylla_store() {
    let output = Command::new(env!("CARGO_BIN_EXE_orchard"))
        .arg("migrate")
        .env("ORCHARD_STORE", "sqlite")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("store.kind = \"scylla\""), "{stderr}");
}
