//! The generated SDKs (openapi/clients/, from openapi/generate.sh) against the real server:
//! the Python client runs the main job end to end (openapi/tests/e2e.py), the TypeScript
//! client a smaller one under `node --test` (openapi/tests/e2e.test.mts, compiled by tsc), and
//! the Rust client one here. `bash tests/run.sh` installs what the first two need: a venv
//! (ORCHARD_PYTHON, default /var/tmp/orchard-py) and openapi/node_modules. Without them these
//! tests fail and say so; they do not skip.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::process::Command;

use crate::helpers::{ScriptedLlm, TestApp, bare_repo, git, tool_step};

const NEW_FILE: &str = "pub fn valid_email(email: &str) -> bool {\n    email.contains('@')\n}\n";

/// The venv tests/run.sh makes when ORCHARD_PYTHON is not set.
const DEFAULT_PYTHON: &str = "/var/tmp/orchard-py/bin/python";

/// Tokens the script below reports: (prompt, completion) over its three calls.
const TOKENS: (u64, u64) = (350, 35);

fn script() -> Vec<Value> {
    vec![
        tool_step(&[("list_files", json!({}))], 100, 10),
        tool_step(
            &[(
                "write_file",
                json!({"path": "src/validate.rs", "content": NEW_FILE}),
            )],
            200,
            20,
        ),
        tool_step(
            &[("finish", json!({"summary": "Add input validation"}))],
            50,
            5,
        ),
    ]
}

fn checkout() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `command` to its end (at most 5 minutes); returns its stdout, or fails the test with
/// everything it printed.
async fn run(mut command: Command, what: &str) -> String {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(300), command.output())
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within 5 minutes"))
        .unwrap_or_else(|e| panic!("{what} could not be started: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{what} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    stdout
}

/// The pushed branch holds the scripted change, at the commit the task reported.
fn assert_pushed(bare: &Path, task_id: &str, commit: &str) {
    let branch = format!("orchard/{task_id}");
    assert_eq!(
        git(bare, &["rev-parse", &format!("refs/heads/{branch}")]),
        commit
    );
    assert_eq!(
        git(bare, &["show", &format!("{branch}:src/validate.rs")]),
        NEW_FILE.trim_end()
    );
}

#[tokio::test]
async fn the_python_sdk_runs_a_task_from_signup_to_usage() {
    let python = std::env::var_os("ORCHARD_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| DEFAULT_PYTHON.into());
    assert!(
        python.is_file(),
        "no Python for the SDK test at {} (ORCHARD_PYTHON): run `bash tests/run.sh`, which makes \
         the venv from tests/requirements.txt and installs openapi/clients/python into it",
        python.display()
    );
    let llm = ScriptedLlm::start(script()).await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());

    let mut command = Command::new(&python);
    command
        .arg(checkout().join("openapi/tests/e2e.py"))
        .current_dir(fixtures.path())
        // This checkout's generated client, even when the venv holds another checkout's.
        .env("PYTHONPATH", checkout().join("openapi/clients/python"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("ORCHARD_BASE_URL", &app.base)
        .env("ORCHARD_E2E_REPO", &bare)
        .env("ORCHARD_E2E_TOKENS", format!("{},{}", TOKENS.0, TOKENS.1));
    let stdout = run(command, "openapi/tests/e2e.py").await;

    let last = stdout.lines().last().unwrap_or_default();
    let result: Value = serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("e2e.py's last line is not its JSON result ({e}):\n{stdout}"));
    assert_pushed(
        &bare,
        result["task_id"].as_str().unwrap(),
        result["commit"].as_str().unwrap(),
    );
    assert_eq!(llm.requests().len(), 3);
}

#[tokio::test]
async fn the_typescript_sdk_runs_a_task_under_node_test() {
    let openapi = checkout().join("openapi");
    let tsc = openapi.join("node_modules/typescript/bin/tsc");
    assert!(
        tsc.is_file(),
        "no TypeScript compiler at {}: run `bash tests/run.sh`, which runs `npm ci` in openapi/ \
         (or run it there yourself)",
        tsc.display()
    );
    // Compiled first: a call that does not fit the generated types fails here.
    let mut compile = Command::new("node");
    compile
        .arg(&tsc)
        .arg("-p")
        .arg(openapi.join("tsconfig.json"))
        .current_dir(&openapi);
    run(compile, "tsc -p openapi/tsconfig.json (node 20+ is needed)").await;

    let llm = ScriptedLlm::start(script()).await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());
    let mut test = Command::new("node");
    test.arg("--test")
        .arg(openapi.join("node_modules/.orchard-tests/e2e.test.mjs"))
        .current_dir(&openapi)
        .env("ORCHARD_BASE_URL", &app.base)
        .env("ORCHARD_E2E_REPO", &bare);
    let stdout = run(test, "node --test openapi/tests/e2e.test.mts").await;
    assert!(stdout.contains("# pass 1"), "{stdout}");
    assert!(stdout.contains("# fail 0"), "{stdout}");
    assert_eq!(llm.requests().len(), 3);
}

#[tokio::test]
async fn the_rust_sdk_runs_a_task() {
    use orchard_client::types::{RepoCreate, SignupRequest, TaskCreate};

    let llm = ScriptedLlm::start(script()).await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());

    let anonymous = orchard_client::Client::new(&app.base);
    let signup = anonymous
        .signup()
        .body(SignupRequest {
            org_name: "Rust SDK GmbH".into(),
            email: "owner@rust-sdk.test".into(),
            password: "correct horse battery".into(),
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {}", signup.token).parse().unwrap(),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = orchard_client::Client::new_with_client(&app.base, http);

    let org = client.get_org().send().await.unwrap().into_inner();
    assert_eq!(org.id, signup.org_id);
    let repo = client
        .create_repo()
        .body(RepoCreate {
            url: bare.to_str().unwrap().into(),
            provider: orchard_client::types::ProviderName::Generic,
            default_branch: None,
            pull_requests: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let accepted = client
        .create_task()
        .body(TaskCreate {
            repo_id: repo.id.to_string(),
            instruction: Some("add input validation to the signup handler".into()),
            jira_issue: None,
            sprint: Some("rust-sdk".into()),
            max_tokens: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let task_id = accepted.task_id.to_string();
    let mut task = None;
    for _ in 0..600 {
        let view = client
            .get_task()
            .id(&task_id)
            .send()
            .await
            .unwrap()
            .into_inner();
        if ["succeeded", "failed", "cancelled"].contains(&view.status.as_str()) {
            task = Some(view);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let task = task.expect("the task finished");
    assert_eq!(task.status, "succeeded", "{task:?}");
    assert_eq!((task.tokens.prompt, task.tokens.completion), TOKENS);
    assert_pushed(&bare, &task_id, task.commit.as_deref().unwrap());

    // The SSE endpoint is a byte stream in this client.
    let events = client
        .task_events()
        .id(&task_id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let bytes = http_body_bytes(events).await;
    assert!(String::from_utf8_lossy(&bytes).contains("succeeded"));

    // A documented error status comes back as the shared error body.
    match client
        .get_task()
        .id("00000000-0000-4000-8000-000000000000")
        .send()
        .await
    {
        Err(orchard_client::Error::ErrorResponse(response)) => {
            assert_eq!(response.status(), 404);
            assert_eq!(response.code, "not_found");
        }
        other => panic!("expected a 404 error body, got {other:?}"),
    }
}

async fn http_body_bytes(stream: orchard_client::ByteStream) -> Vec<u8> {
    use futures_util::StreamExt;
    let mut stream = stream.into_inner();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.unwrap());
    }
    bytes
}
