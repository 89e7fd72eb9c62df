//! The real server binary, signalled while runs are in flight. SIGKILL: after a restart every
//! task completes exactly once from the repository's point of view, and none is lost. SIGTERM:
//! the server lets short runs finish, gives the others back to the queue, and exits.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{ScriptedLlm, bare_repos, git, slow_and_short_llm, task_status, tool_step};

/// The `orchard serve` process, and the base URL it printed.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Never leave a server behind, whatever the test's outcome.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary with the default configuration, except that the free plan (every test org's)
/// has no quota or caps: these tests are about crashes, not limits.
fn serve(data_dir: &std::path::Path, llm: &ScriptedLlm) -> Server {
    let config = data_dir.join("test-orchard.toml");
    std::fs::write(&config, "[plans.free]\n").unwrap();
    serve_with(
        data_dir,
        llm,
        &[("ORCHARD_CONFIG", config.to_str().unwrap())],
    )
}

pub(crate) fn serve_with(
    data_dir: &std::path::Path,
    llm: &ScriptedLlm,
    env: &[(&str, &str)],
) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orchard"))
        .arg("serve")
        .envs(env.iter().copied())
        .env("ORCHARD_LISTEN", "127.0.0.1:0")
        .env("ORCHARD_DATA_DIR", data_dir)
        .env("ORCHARD_ALLOW_LOCAL_REPOS", "true")
        .env("ORCHARD_LLM_BASE_URL", &llm.base_url)
        .env("ORCHARD_MAX_WORKERS", "4")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the orchard binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .unwrap();
        if let Some(url) = line.trim().strip_prefix("API") {
            break url.trim().trim_end_matches("/v1").to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, base }
}

pub(crate) async fn call(req: reqwest::RequestBuilder) -> (u16, Value) {
    let response = req.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    // Not JSON (an event stream): the text itself.
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn sigkill_with_runs_in_flight_loses_nothing_and_duplicates_nothing() {
    let mut first = tool_step(&[("list_files", json!({}))], 1, 1);
    first["_delays"] = json!({"task": 1_500});
    let llm = ScriptedLlm::start(vec![
        first,
        tool_step(
            &[(
                "write_file",
                json!({"path": "result.txt", "content": "done\n"}),
            )],
            1,
            1,
        ),
        tool_step(&[("finish", json!({"summary": "Write the result"}))], 1, 1),
    ])
    .await;
    let data_dir = tempfile::tempdir().unwrap();
    let fixtures = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();

    let mut server = serve(data_dir.path(), &llm);
    let token = signup(&client, &server).await;
    let mut tasks = Vec::new();
    for (i, bare) in bare_repos(fixtures.path(), 6).into_iter().enumerate() {
        let task_id = submit(&client, &server, &token, &bare, &format!("task {i}")).await;
        tasks.push((task_id, bare));
    }

    // Wait until runs are in flight (waiting on the LLM), then kill the server outright.
    assert!(llm.wait_for_requests(2).await >= 2, "runs are in flight");
    server.child.kill().unwrap(); // SIGKILL: no shutdown code runs
    server.child.wait().unwrap();

    let server = serve(data_dir.path(), &llm);
    for (task_id, bare) in &tasks {
        let mut task = Value::Null;
        for _ in 0..600 {
            let (_, body) = call(
                client
                    .get(format!("{}/v1/tasks/{task_id}", server.base))
                    .bearer_auth(&token),
            )
            .await;
            task = body;
            if task["status"] == "succeeded" || task["status"] == "failed" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(task["status"], "succeeded", "{task}");
        // Exactly once from the repository's point of view: one branch, one commit on main.
        let branches = git(bare, &["branch", "--list", "orchard/*"]);
        assert_eq!(branches.lines().count(), 1, "{branches}");
        let branch = format!("orchard/{task_id}");
        assert_eq!(
            git(bare, &["rev-list", "--count", &format!("main..{branch}")]),
            "1"
        );
        assert_eq!(
            git(bare, &["show", &format!("{branch}:result.txt")]),
            "done"
        );
        assert_eq!(
            git(bare, &["rev-parse", &branch]),
            task["commit"].as_str().unwrap()
        );
    }
}

pub(crate) async fn signup(client: &reqwest::Client, server: &Server) -> String {
    let (status, body) = call(client.post(format!("{}/v1/auth/signup", server.base)).json(
        &json!({
            "org_name": "Acme", "email": "owner@acme.test", "password": "correct horse battery"
        }),
    ))
    .await;
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

pub(crate) async fn submit(
    client: &reqwest::Client,
    server: &Server,
    token: &str,
    bare: &std::path::Path,
    instruction: &str,
) -> String {
    let (_, repo) = call(
        client
            .post(format!("{}/v1/repos", server.base))
            .bearer_auth(token)
            .json(&json!({"url": bare.to_str().unwrap(), "provider": "generic"})),
    )
    .await;
    let (status, task) = call(
        client
            .post(format!("{}/v1/tasks", server.base))
            .bearer_auth(token)
            .json(&json!({"repo_id": repo["id"], "instruction": instruction})),
    )
    .await;
    assert_eq!(status, 202, "{task}");
    task["task_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sigterm_lets_short_runs_finish_and_gives_the_rest_back() {
    // The slow run waits a minute on the LLM, far past the 2 s grace period.
    let llm = slow_and_short_llm(500).await;
    let data_dir = tempfile::tempdir().unwrap();
    let fixtures = tempfile::tempdir().unwrap();
    let config = fixtures.path().join("orchard.toml");
    std::fs::write(
        &config,
        "[workers]\nshutdown_grace_secs = 2\n[plans.free]\n",
    )
    .unwrap();
    let client = reqwest::Client::new();
    let mut server = serve_with(
        data_dir.path(),
        &llm,
        &[("ORCHARD_CONFIG", config.to_str().unwrap())],
    );
    let token = signup(&client, &server).await;
    let bares = bare_repos(fixtures.path(), 2);
    let slow = submit(&client, &server, &token, &bares[0], "a slow task").await;
    let short = submit(&client, &server, &token, &bares[1], "a short task").await;
    assert_eq!(
        llm.wait_for_requests(2).await,
        2,
        "both runs wait on the LLM"
    );

    let pid = server.child.id().to_string();
    let signalled = Command::new("sh")
        .args(["-c", &format!("kill -TERM {pid}")])
        .status()
        .unwrap();
    assert!(signalled.success());
    let mut exit = None;
    for _ in 0..600 {
        if let Some(status) = server.child.try_wait().unwrap() {
            exit = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let exit = exit.expect("the server exits on SIGTERM without waiting for the slow run");
    assert!(exit.success(), "clean exit: {exit:?}");

    let db = orchard::db::Db::open(&data_dir.path().join("orchard.db")).unwrap();
    assert_eq!(
        task_status(&db, &short).await,
        "succeeded",
        "finished in the grace period"
    );
    git(&bares[1], &["rev-parse", &format!("orchard/{short}")]);
    assert_eq!(
        task_status(&db, &slow).await,
        "queued",
        "stopped and given back"
    );
    // Given back at once, not left to its lease's expiry: the next node can take it now.
    use orchard_actors::ports::Queue;
    let queue = orchard::queue::sqlite::SqliteQueue::new(db.clone());
    let lease = queue
        .dequeue(Duration::from_secs(60), &[])
        .await
        .unwrap()
        .expect("the slow task is ready");
    assert_eq!(lease.task_id.to_string(), slow);
}
