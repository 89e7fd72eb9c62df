#![allow(unreachable_pub)] // helpers are `pub` so every test module can use them
//! `TestApp`: the real server on a random loopback port with a fresh data dir, a scripted
//! OpenAI-compatible LLM server, git fixtures, and one helper per endpoint.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use orchard::Application;
use orchard::config::Config;
pub use orchard::testing::git;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::{Data, Json};
use poem::{EndpointExt, Route, handler, post};
use serde_json::{Value, json};

/// The real server.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// Settings every test app gets: loopback, a fresh data dir, local repos allowed, fast polling.
pub fn test_config(data_dir: &Path, llm: Option<&ScriptedLlm>) -> Config {
    let mut config = Config {
        listen: "127.0.0.1:0".into(),
        data_dir: data_dir.to_path_buf(),
        ..Config::default()
    };
    config.repos.allow_local = true;
    config.queue.poll_interval_ms = 50;
    config.workers.max_workers = Some(2);
    config.llm.retry_initial_ms = 10;
    // Tests that are not about quotas and budgets run many tasks: no limits, no plan caps.
    for plan in config.plans.values_mut() {
        plan.tasks_per_month = None;
        plan.monthly_tokens = None;
        plan.max_runs_per_org = None;
        // Nor API rate limits (tests/api/ratelimit.rs sets its own).
        plan.requests_per_second = None;
        plan.request_burst = None;
    }
    if let Some(llm) = llm {
        config.llm.base_url = Some(llm.base_url.clone());
        config.llm.model = "test-model".into();
    }
    config
}

impl TestApp {
    /// A server whose agent talks to `llm`.
    pub async fn spawn(llm: &ScriptedLlm) -> Self {
        let data_dir = tempfile::tempdir().unwrap();
        let config = test_config(data_dir.path(), Some(llm));
        Self::spawn_in(data_dir, config).await
    }

    /// A server on an existing data dir with the given config.
    pub async fn spawn_in(data_dir: tempfile::TempDir, config: Config) -> Self {
        let clock = std::sync::Arc::new(orchard_actors::budget::SystemClock);
        Self::spawn_with_clock(data_dir, config, clock).await
    }

    /// A server whose months come from `clock`.
    pub async fn spawn_with_clock(
        data_dir: tempfile::TempDir,
        config: Config,
        clock: std::sync::Arc<dyn orchard_actors::budget::Clock>,
    ) -> Self {
        let app = Application::build_with_clock(config, clock)
            .await
            .expect("application builds");
        let base = format!("http://127.0.0.1:{}", app.port());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async {
            let _ = rx.await;
        }));
        Self {
            base,
            client: reqwest::Client::new(),
            data_dir,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    /// Stops the server and waits for it; returns the data dir for a restart.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
        let placeholder = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.data_dir, placeholder)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        read(request.send().await.unwrap()).await
    }

    pub async fn post_raw(&self, path: &str, token: Option<&str>, body: &str) -> (u16, Value) {
        let mut request = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        read(request.send().await.unwrap()).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let mut request = self.client.put(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        read(request.send().await.unwrap()).await
    }

    /// A token of the platform operator, as `orchard admin token` prints it.
    pub fn operator_token(&self) -> String {
        let keys =
            orchard::auth::TokenKeys::load_or_create(&self.data_dir.path().join("keys")).unwrap();
        keys.issue_operator(Duration::from_secs(600)).unwrap().0
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        read(request.send().await.unwrap()).await
    }

    /// Signs up and returns (token, body).
    pub async fn signup(&self, org: &str, email: &str) -> (String, Value) {
        let (status, body) = self
            .post(
                "/v1/auth/signup",
                None,
                &json!({"org_name": org, "email": email, "password": "correct horse battery"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        (body["token"].as_str().unwrap().to_owned(), body)
    }

    pub async fn create_repo(&self, token: &str, url: &str) -> String {
        let (status, body) = self
            .post(
                "/v1/repos",
                Some(token),
                &json!({"url": url, "provider": "generic"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// Registers `count` new bare repositories under `root`; returns their ids.
    pub async fn create_repos(&self, token: &str, root: &Path, count: usize) -> Vec<String> {
        let mut ids = Vec::new();
        for bare in bare_repos(root, count) {
            ids.push(self.create_repo(token, bare.to_str().unwrap()).await);
        }
        ids
    }

    pub async fn submit_task(&self, token: &str, repo_id: &str, instruction: &str) -> String {
        let (status, body) = self
            .post(
                "/v1/tasks",
                Some(token),
                &json!({"repo_id": repo_id, "instruction": instruction, "sprint": "s1"}),
            )
            .await;
        assert_eq!(status, 202, "{body}");
        assert_eq!(body["status"], "queued");
        body["task_id"].as_str().unwrap().to_owned()
    }

    /// Polls the task until it is finished.
    pub async fn wait_for_task(&self, token: &str, task_id: &str) -> Value {
        for _ in 0..600 {
            let (status, body) = self.get(&format!("/v1/tasks/{task_id}"), Some(token)).await;
            assert_eq!(status, 200, "{body}");
            if body["status"] == "succeeded" || body["status"] == "failed" {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("task {task_id} did not finish");
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// An OpenAI-compatible chat-completions server that answers from a script. Like the
/// replay provider it is stateless: the n-th assistant turn of any conversation gets the
/// n-th scripted message, so concurrent tasks each get the whole script.
pub struct ScriptedLlm {
    pub base_url: String,
    requests: Arc<Mutex<Vec<Value>>>,
    _server: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct Script {
    steps: Arc<Vec<Value>>,
    requests: Arc<Mutex<Vec<Value>>>,
}

/// A step may carry `"_delays": {"text": ms, ...}`: the answer is then held back `ms` when
/// some message of the conversation contains `text` (the first match counts).
#[handler]
async fn chat_completions(script: Data<&Script>, body: Json<Value>) -> poem::Response {
    script.requests.lock().unwrap().push(body.0.clone());
    let messages = body.0["messages"].as_array().cloned().unwrap_or_default();
    let turn = messages.iter().filter(|m| m["role"] == "assistant").count();
    match script.steps.get(turn) {
        Some(step) => {
            let mut step = step.clone();
            let delays = step["_delays"].as_object().cloned().unwrap_or_default();
            let delay = delays.iter().find_map(|(text, ms)| {
                messages
                    .iter()
                    .any(|m| {
                        m["content"]
                            .as_str()
                            .is_some_and(|c| c.contains(text.as_str()))
                    })
                    .then(|| ms.as_u64().unwrap_or(0))
            });
            if let Some(ms) = delay {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            if let Some(object) = step.as_object_mut() {
                object.remove("_delays");
            }
            poem::Response::builder()
                .content_type("application/json")
                .body(step.to_string())
        }
        None => poem::Response::builder()
            .status(poem::http::StatusCode::BAD_REQUEST)
            .body("script exhausted"),
    }
}

impl ScriptedLlm {
    /// Serves `steps`: each a full chat-completions response body.
    pub async fn start(steps: Vec<Value>) -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Script {
            steps: Arc::new(steps),
            requests: requests.clone(),
        };
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap();
        let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
        let app = Route::new()
            .at("/v1/chat/completions", post(chat_completions))
            .data(script);
        let server = tokio::spawn(async move {
            let _ = poem::Server::new_with_acceptor(acceptor).run(app).await;
        });
        Self {
            base_url: format!("http://127.0.0.1:{port}/v1"),
            requests,
            _server: server,
        }
    }

    /// Requests received so far.
    pub fn requests(&self) -> Vec<Value> {
        self.requests.lock().unwrap().clone()
    }

    /// Waits (up to 5 s) until `count` requests have arrived; returns how many did.
    pub async fn wait_for_requests(&self, count: usize) -> usize {
        for _ in 0..200 {
            if self.requests.lock().unwrap().len() >= count {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.requests.lock().unwrap().len()
    }
}

/// A chat-completions response with tool calls `(name, arguments)` and usage.
pub fn tool_step(calls: &[(&str, Value)], prompt: u64, completion: u64) -> Value {
    let tool_calls: Vec<Value> = calls
        .iter()
        .enumerate()
        .map(|(i, (name, args))| {
            json!({
                "id": format!("call_{name}_{i}"),
                "type": "function",
                "function": {"name": name, "arguments": args.to_string()}
            })
        })
        .collect();
    json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "test-model",
        "choices": [{
            "index": 0,
            "finish_reason": "tool_calls",
            "message": {"role": "assistant", "content": null, "tool_calls": tool_calls}
        }],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    })
}

/// A bare repository with a few files on `main`; returns its path.
pub fn bare_repo(root: &Path) -> PathBuf {
    let seed = root.join("seed");
    std::fs::create_dir_all(seed.join("src")).unwrap();
    git(&seed, &["init", "-q", "-b", "main"]);
    std::fs::write(seed.join("README.md"), "# Signup service\n").unwrap();
    std::fs::write(
        seed.join("src/signup.rs"),
        "pub fn signup(email: &str) -> bool {\n    !email.is_empty()\n}\n",
    )
    .unwrap();
    std::fs::write(seed.join("Cargo.toml"), "[package]\nname = \"signup\"\n").unwrap();
    git(&seed, &["add", "."]);
    git(&seed, &["commit", "-q", "-m", "initial"]);
    let bare = root.join("origin.git");
    git(
        root,
        &[
            "clone",
            "-q",
            "--bare",
            seed.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    bare
}

/// `count` bare repositories, each in its own folder under `root`.
pub fn bare_repos(root: &Path, count: usize) -> Vec<PathBuf> {
    (0..count)
        .map(|i| {
            let folder = root.join(format!("r{i}"));
            std::fs::create_dir_all(&folder).unwrap();
            bare_repo(&folder)
        })
        .collect()
}

/// A model whose first answer is held back a minute for instructions that say "slow" and
/// `short_ms` for those that say "short"; then it writes `a.txt` and finishes.
pub async fn slow_and_short_llm(short_ms: u64) -> ScriptedLlm {
    let mut first = tool_step(&[("list_files", json!({}))], 1, 1);
    first["_delays"] = json!({"slow": 60_000, "short": short_ms});
    ScriptedLlm::start(vec![
        first,
        tool_step(
            &[("write_file", json!({"path": "a.txt", "content": "a\n"}))],
            1,
            1,
        ),
        tool_step(&[("finish", json!({"summary": "Write a"}))], 1, 1),
    ])
    .await
}

/// A task's status, read straight from the database (the server may be stopped).
pub async fn task_status(db: &orchard::db::Db, id: &str) -> String {
    let id = id.to_owned();
    db.run(move |c| {
        c.query_row("SELECT status FROM tasks WHERE id = ?1", [id], |r| {
            r.get::<_, String>(0)
        })
    })
    .await
    .unwrap()
    .unwrap()
}
