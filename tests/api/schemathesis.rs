//! Schemathesis against the real server, from the document it serves at `/openapi.json`: it
//! generates requests from the spec (its examples, then boundary and invalid values, then
//! random ones) and checks every answer. Nothing may answer 5xx; every response must be one
//! the document lists for the operation, with its content type, headers and schema; invalid
//! input must be refused; operations with a bearer scheme must refuse requests without a
//! valid token; a method a path does not have gets 405 with `Allow`. The settings, and why
//! each check that is off is off, are in tests/schemathesis.toml.
//!
//! `bash tests/run.sh` installs schemathesis into the test venv (tests/requirements.txt;
//! ORCHARD_PYTHON, default /var/tmp/orchard-py). Without it this test fails and says so.
//!
//! What is covered how (docs/decisions.md, 2026-12-04):
//! - tenant operations with an owner's token, on an org that has a repository, a credential
//!   and a finished task, so that lists and reports have real rows to check;
//! - the webhooks with their secrets configured: schemathesis cannot sign, so every request
//!   is a forgery and must be refused with a documented 400;
//! - the operator routes in a second run, with an operator token.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use secrecy::SecretString;
use serde_json::json;
use tokio::process::Command;

use crate::helpers::{ScriptedLlm, TestApp, bare_repo, test_config, tool_step};

/// The venv tests/run.sh makes when ORCHARD_PYTHON is not set.
const DEFAULT_PYTHON: &str = "/var/tmp/orchard-py/bin/python";

/// The run's settings.
const CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemathesis.toml");

/// The test venv's python, with schemathesis in it.
async fn python() -> PathBuf {
    let python = std::env::var_os("ORCHARD_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| DEFAULT_PYTHON.into());
    let missing = |why: String| {
        panic!(
            "schemathesis is missing ({why}): run `bash tests/run.sh`, which makes the venv \
             at ORCHARD_PYTHON (default {DEFAULT_PYTHON}) from tests/requirements.txt"
        )
    };
    if !python.is_file() {
        missing(format!("no {}", python.display()));
    }
    let version = Command::new(&python)
        .args(["-m", "schemathesis.cli", "--version"])
        .output()
        .await
        .unwrap_or_else(|err| missing(format!("{} does not run: {err}", python.display())));
    if !version.status.success() {
        missing(String::from_utf8_lossy(&version.stderr).trim().to_owned());
    }
    python
}

/// Runs `schemathesis run` on `app`'s document with `token`, and fails the test with its
/// output unless it found nothing.
async fn schemathesis(python: &Path, app: &TestApp, token: &str, filter: &[&str]) {
    let workdir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let output = Command::new(python)
        .args(["-m", "schemathesis.cli", "--config-file", CONFIG, "run"])
        .arg(app.url("/openapi.json"))
        .arg("--header")
        .arg(format!("Authorization: Bearer {token}"))
        .arg("--no-color")
        .args(filter)
        // Whatever it writes goes to a folder of its own.
        .current_dir(workdir.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(600), output)
        .await
        .expect("schemathesis finishes within 10 minutes")
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", python.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "schemathesis found problems ({:?}, {:.0?}):\n{text}",
        output.status,
        started.elapsed()
    );
    println!("schemathesis {filter:?}: {:.1?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_and_no_departure_from_the_spec() {
    let python = python().await;
    let llm = ScriptedLlm::start(vec![
        tool_step(&[("list_files", json!({}))], 100, 10),
        tool_step(
            &[(
                "write_file",
                json!({"path": "NOTES.md", "content": "notes\n"}),
            )],
            100,
            10,
        ),
        tool_step(&[("finish", json!({"summary": "Add notes"}))], 100, 10),
    ])
    .await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(&llm));
    config.billing.stripe_webhook_secret = Some(SecretString::from("whsec_schemathesis"));
    config.billing.iyzico_secret_key = Some(SecretString::from("iyzico-schemathesis"));
    config.billing.iyzico_merchant_id = Some("merchant-1".into());
    let app = TestApp::spawn_in(data_dir, config).await;

    // An org with something in it.
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let fixtures = tempfile::tempdir().unwrap();
    let repo = app
        .create_repo(&token, bare_repo(fixtures.path()).to_str().unwrap())
        .await;
    let task = app.submit_task(&token, &repo, "write some notes").await;
    let done = app.wait_for_task(&token, &task).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let (status, body) = app
        .put(
            "/v1/credentials/github",
            Some(&token),
            &json!({"secret": "ghp_0123456789abcdefghij", "username": "x-access-token"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    schemathesis(
        &python,
        &app,
        &token,
        &["--exclude-path-regex", "^/v1/admin/"],
    )
    .await;
    schemathesis(
        &python,
        &app,
        &app.operator_token(),
        &["--include-path-regex", "^/v1/admin/"],
    )
    .await;
}
