//! Vector memory over the API and in agent runs: isolation between orgs (also after a
//! restart, and with another org's `repo_id`), bad input, notes' metadata, incremental
//! repository indexing counted at a real embeddings endpoint, and the agent's memory tools.

use std::sync::{Arc, Mutex};

use orchard::config::EmbedderKind;
use orchard_actors::embedding::{Embedder, HashingEmbedder};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::{Data, Json};
use poem::{EndpointExt, Route, handler, post};
use serde_json::{Value, json};

use crate::helpers::{ScriptedLlm, TestApp, bare_repo, git, test_config, tool_step};

/// An OpenAI-compatible embeddings server that embeds with the built-in hashing embedder and
/// keeps every input it was sent.
struct CountingEmbeddings {
    base_url: String,
    inputs: Arc<Mutex<Vec<String>>>,
    _server: tokio::task::JoinHandle<()>,
}

#[handler]
async fn embeddings_endpoint(
    inputs: Data<&Arc<Mutex<Vec<String>>>>,
    body: Json<Value>,
) -> Json<Value> {
    let texts: Vec<String> = body.0["input"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| t.as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default();
    inputs.lock().unwrap().extend(texts.iter().cloned());
    let vectors = HashingEmbedder.embed(&texts).await.unwrap();
    let data: Vec<Value> = vectors
        .into_iter()
        .enumerate()
        .map(|(index, embedding)| json!({"object": "embedding", "index": index, "embedding": embedding}))
        .collect();
    Json(json!({"object": "list", "data": data, "model": "counting"}))
}

impl CountingEmbeddings {
    async fn start() -> Self {
        let inputs = Arc::new(Mutex::new(Vec::new()));
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap();
        let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
        let app = Route::new()
            .at("/v1/embeddings", post(embeddings_endpoint))
            .data(inputs.clone());
        let server = tokio::spawn(async move {
            let _ = poem::Server::new_with_acceptor(acceptor).run(app).await;
        });
        Self {
            base_url: format!("http://127.0.0.1:{port}/v1"),
            inputs,
            _server: server,
        }
    }

    /// The chunk texts embedded so far, by file (the indexer embeds `path\ntext`), and
    /// forgets them.
    fn take_chunk_paths(&self) -> Vec<String> {
        let inputs = std::mem::take(&mut *self.inputs.lock().unwrap());
        let mut paths: Vec<String> = inputs
            .iter()
            .filter_map(|text| {
                let (first, _) = text.split_once('\n')?;
                [
                    "README.md",
                    "Cargo.toml",
                    "src/signup.rs",
                    "src/validate.rs",
                ]
                .contains(&first)
                .then(|| first.to_owned())
            })
            .collect();
        paths.sort();
        paths
    }
}

async fn store(app: &TestApp, token: &str, text: &str) -> (u16, Value) {
    app.post("/v1/memory", Some(token), &json!({"text": text}))
        .await
}

async fn search(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    app.post("/v1/memory/search", Some(token), &body).await
}

fn hit_ids(body: &Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Each token's search finds exactly its own note.
async fn each_finds_its_own(app: &TestApp, tokens: [&str; 2], ids: &[String; 2], text: &str) {
    let query = json!({"query": "staging database password rotation", "limit": 100});
    for (token, id) in tokens.iter().zip(ids) {
        let (status, hits) = search(app, token, query.clone()).await;
        assert_eq!(status, 200, "{hits}");
        assert_eq!(hit_ids(&hits), vec![id.clone()], "{hits}");
        assert_eq!(hits["hits"][0]["text"], text);
        assert!(hits["hits"][0]["score"].as_f64().unwrap() > 0.5, "{hits}");
    }
}

#[tokio::test]
async fn each_org_finds_only_its_own_memories_also_after_a_restart() {
    let llm = ScriptedLlm::start(Vec::new()).await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let (alpha, _) = app.signup("Alpha", "owner@alpha.test").await;
    let (beta, _) = app.signup("Beta", "owner@beta.test").await;
    let text = "The staging database password rotates every Friday at noon";
    let (status, stored_alpha) = store(&app, &alpha, text).await;
    assert_eq!(status, 201, "{stored_alpha}");
    assert_eq!(stored_alpha["source"]["kind"], "note");
    let (status, stored_beta) = store(&app, &beta, text).await;
    assert_eq!(status, 201, "{stored_beta}");
    let beta_repo = app
        .create_repo(&beta, bare_repo(fixtures.path()).to_str().unwrap())
        .await;

    let ids = [
        stored_alpha["id"].as_str().unwrap().to_owned(),
        stored_beta["id"].as_str().unwrap().to_owned(),
    ];
    each_finds_its_own(&app, [&alpha, &beta], &ids, text).await;
    // Beta's repository does not exist for Alpha.
    let (status, body) = search(
        &app,
        &alpha,
        json!({"query": "signup", "repo_id": beta_repo.clone()}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("not_found")),
        "{body}"
    );

    let data_dir = app.stop().await;
    let config = test_config(data_dir.path(), Some(&llm));
    let app = TestApp::spawn_in(data_dir, config).await;
    each_finds_its_own(&app, [&alpha, &beta], &ids, text).await;
    let (status, _) = search(
        &app,
        &alpha,
        json!({"query": "signup", "repo_id": beta_repo}),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn bad_input_is_refused_with_a_4xx() {
    let llm = ScriptedLlm::start(Vec::new()).await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(&llm));
    config.memory.max_text_bytes = 100;
    let app = TestApp::spawn_in(data_dir, config).await;
    let (token, _) = app.signup("Acme", "owner@acme.test").await;

    let cases = [
        ("/v1/memory", json!({"text": ""})),
        ("/v1/memory", json!({"text": "   "})),
        ("/v1/memory", json!({"text": "x".repeat(101)})),
        ("/v1/memory", json!({"text": "!!! ??? ..."})),
        ("/v1/memory/search", json!({"query": ""})),
        ("/v1/memory/search", json!({"query": "signup", "limit": 0})),
        (
            "/v1/memory/search",
            json!({"query": "signup", "limit": 101}),
        ),
        ("/v1/memory/search", json!({"query": "q".repeat(101)})),
        (
            "/v1/memory/search",
            json!({"query": "signup", "repo_id": "not-a-uuid"}),
        ),
    ];
    for (path, body) in cases {
        let (status, answer) = app.post(path, Some(&token), &body).await;
        assert_eq!(status, 400, "{path} {body}: {answer}");
        assert_eq!(answer["code"], "invalid_input", "{path} {body}: {answer}");
        assert!(answer["message"].is_string());
    }
    let (status, answer) = app
        .post("/v1/memory/search", Some(&token), &json!({"query": 5}))
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("bad_request"))
    );
    let unknown = uuid::Uuid::now_v7().to_string();
    let (status, _) = search(&app, &token, json!({"query": "signup", "repo_id": unknown})).await;
    assert_eq!(status, 404);
    // At the limits: accepted.
    let (status, body) = store(&app, &token, &"y".repeat(100)).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = search(&app, &token, json!({"query": "y", "limit": 100})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = app
        .post("/v1/memory/search", None, &json!({"query": "y"}))
        .await;
    assert_eq!(status, 401);
}

/// The hits of `query` in `token`'s org, by id.
async fn hits_by_id(app: &TestApp, token: &str, query: &str) -> serde_json::Map<String, Value> {
    let (status, body) = search(app, token, json!({"query": query, "limit": 100})).await;
    assert_eq!(status, 200, "{body}");
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["id"].as_str().unwrap().to_owned(), h.clone()))
        .collect()
}

#[tokio::test]
async fn notes_keep_their_metadata_also_after_a_restart_and_only_for_their_org() {
    let llm = ScriptedLlm::start(Vec::new()).await;
    let app = TestApp::spawn(&llm).await;
    let (alpha, _) = app.signup("Alpha", "owner@alpha.test").await;
    let (beta, _) = app.signup("Beta", "owner@beta.test").await;
    let text = "The staging database password rotates every Friday at noon";
    let metadata = json!({
        "source": "slack",
        "ticket.id": "ENG-42",
        "Empty_ok-1": "",
        "lang": "türkçe, 日本語, \"quoted\" 🌳",
    });

    let (status, tagged) = app
        .post(
            "/v1/memory",
            Some(&alpha),
            &json!({"text": text, "metadata": metadata}),
        )
        .await;
    assert_eq!(status, 201, "{tagged}");
    assert_eq!(tagged["source"]["kind"], "note");
    assert_eq!(tagged["source"]["metadata"], metadata, "{tagged}");
    let mut untagged = Vec::new();
    for body in [
        json!({"text": text}),
        json!({"text": text, "metadata": {}}),
        json!({"text": text, "metadata": null}),
    ] {
        let (status, stored) = app.post("/v1/memory", Some(&alpha), &body).await;
        assert_eq!(status, 201, "{body}: {stored}");
        assert!(
            stored["source"].get("metadata").is_none(),
            "no metadata, no field: {stored}"
        );
        untagged.push(stored["id"].as_str().unwrap().to_owned());
    }

    let check = |hits: serde_json::Map<String, Value>| {
        assert_eq!(hits.len(), 4, "{hits:?}");
        let hit = &hits[tagged["id"].as_str().unwrap()];
        assert_eq!(hit["source"]["metadata"], metadata, "{hit}");
        assert_eq!(hit["text"], text);
        for id in &untagged {
            assert!(hits[id]["source"].get("metadata").is_none(), "{}", hits[id]);
        }
    };
    let query = "staging database password rotation";
    check(hits_by_id(&app, &alpha, query).await);
    // Another org finds nothing of it, with or without metadata.
    assert!(hits_by_id(&app, &beta, query).await.is_empty());

    let data_dir = app.stop().await;
    let config = test_config(data_dir.path(), Some(&llm));
    let app = TestApp::spawn_in(data_dir, config).await;
    check(hits_by_id(&app, &alpha, query).await);
    assert!(hits_by_id(&app, &beta, query).await.is_empty());
}

#[tokio::test]
async fn bad_metadata_is_a_4xx_and_stores_nothing() {
    let llm = ScriptedLlm::start(Vec::new()).await;
    let app = TestApp::spawn(&llm).await;
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let text = "Deploys are frozen on Fridays after three";
    let keys = |n: usize| -> Value {
        (0..n)
            .map(|i| (format!("key_{i:02}"), json!("v")))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };

    let invalid = [
        (keys(17), "17 keys"),
        (json!({"k".repeat(41): "v"}), "41 bytes"),
        (json!({"": "v"}), "0 bytes"),
        (json!({"has space": "v"}), "may contain only"),
        (json!({"slash/": "v"}), "may contain only"),
        (json!({"ümlaut": "v"}), "may contain only"),
        (json!({"k": "x".repeat(501)}), "501 bytes"),
        (json!({"k": "é".repeat(251)}), "502 bytes"),
        (json!({"k": "line\nbreak"}), "control character"),
        (json!({"k": "nul\u{0}"}), "control character"),
    ];
    for (metadata, reason) in invalid {
        let body = json!({"text": text, "metadata": metadata});
        let (status, answer) = app.post("/v1/memory", Some(&token), &body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["code"], "invalid_input", "{body}: {answer}");
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(reason), "{body}: {message}");
    }
    // Not a flat object of strings: poem cannot read the body as the document says.
    for metadata in [
        json!({"n": 5}),
        json!({"b": true}),
        json!({"z": null}),
        json!({"nested": {"a": "b"}}),
        json!({"list": ["a"]}),
        json!("source=slack"),
        json!(["source", "slack"]),
        json!(42),
    ] {
        let body = json!({"text": text, "metadata": metadata});
        let (status, answer) = app.post("/v1/memory", Some(&token), &body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["code"], "bad_request", "{body}: {answer}");
        assert!(answer["message"].is_string(), "{answer}");
    }
    assert!(
        hits_by_id(&app, &token, text).await.is_empty(),
        "no refused note was stored"
    );

    // At every limit at once: accepted, and returned as sent.
    let mut at_limits = keys(14);
    at_limits["k".repeat(40)] = json!("é".repeat(250));
    at_limits["Az09_.-"] = json!("x".repeat(500));
    let (status, stored) = app
        .post(
            "/v1/memory",
            Some(&token),
            &json!({"text": text, "metadata": at_limits}),
        )
        .await;
    assert_eq!(status, 201, "{stored}");
    assert_eq!(stored["source"]["metadata"], at_limits);
    let hits = hits_by_id(&app, &token, text).await;
    assert_eq!(hits.len(), 1);
    assert_eq!(
        hits[stored["id"].as_str().unwrap()]["source"]["metadata"],
        at_limits
    );
}

#[tokio::test]
async fn a_reindex_embeds_only_the_changed_file_and_drops_deleted_ones() {
    let embeddings = CountingEmbeddings::start().await;
    let llm = ScriptedLlm::start(vec![tool_step(
        &[("finish", json!({"summary": "Looked around"}))],
        1,
        1,
    )])
    .await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(&llm));
    config.memory.embedder = EmbedderKind::Openai;
    config.memory.base_url = Some(embeddings.base_url.clone());
    config.memory.model = Some("counting".into());
    config.memory.dimensions = Some(orchard_actors::embedding::HASHING_DIMENSIONS);
    let app = TestApp::spawn_in(data_dir, config).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let repo_id = app.create_repo(&token, bare.to_str().unwrap()).await;

    let first = app.submit_task(&token, &repo_id, "look around").await;
    assert_eq!(
        app.wait_for_task(&token, &first).await["status"],
        "succeeded"
    );
    assert_eq!(
        embeddings.take_chunk_paths(),
        vec!["Cargo.toml", "README.md", "src/signup.rs"],
        "the first run embeds every file (one chunk each)"
    );
    let (status, hits) = search(
        &app,
        &token,
        json!({"query": "signup email is_empty", "repo_id": repo_id, "limit": 3}),
    )
    .await;
    assert_eq!(status, 200, "{hits}");
    let best = &hits["hits"][0]["source"];
    assert_eq!(best["kind"], "chunk", "{hits}");
    assert_eq!(best["path"], "src/signup.rs", "{hits}");
    assert_eq!(
        (best["start_line"].as_u64(), best["end_line"].as_u64()),
        (Some(1), Some(3))
    );

    // Nothing changed: nothing is embedded again.
    let second = app.submit_task(&token, &repo_id, "look again").await;
    assert_eq!(
        app.wait_for_task(&token, &second).await["status"],
        "succeeded"
    );
    assert_eq!(embeddings.take_chunk_paths(), Vec::<String>::new());

    // One file changed, one deleted: only the changed one is embedded, the deleted one's
    // chunks are gone.
    let seed = fixtures.path().join("seed");
    std::fs::write(
        seed.join("src/signup.rs"),
        "pub fn signup(email: &str) -> bool {\n    email.contains('@')\n}\n",
    )
    .unwrap();
    git(&seed, &["rm", "-q", "README.md"]);
    git(&seed, &["commit", "-q", "-am", "validate emails"]);
    git(&seed, &["push", "-q", bare.to_str().unwrap(), "main"]);
    let third = app.submit_task(&token, &repo_id, "look once more").await;
    assert_eq!(
        app.wait_for_task(&token, &third).await["status"],
        "succeeded"
    );
    assert_eq!(embeddings.take_chunk_paths(), vec!["src/signup.rs"]);

    let (status, hits) = search(
        &app,
        &token,
        json!({"query": "signup service contains", "repo_id": repo_id, "limit": 100}),
    )
    .await;
    assert_eq!(status, 200, "{hits}");
    let paths: Vec<&str> = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["source"]["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 2, "{hits}");
    assert!(
        paths.contains(&"src/signup.rs") && paths.contains(&"Cargo.toml"),
        "{hits}"
    );
    let signup = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["source"]["path"] == "src/signup.rs")
        .unwrap();
    assert!(
        signup["text"].as_str().unwrap().contains("contains('@')"),
        "{signup}"
    );
}

#[tokio::test]
async fn the_agent_stores_and_searches_memories_and_its_summary_is_remembered() {
    let note = "The billing webhook secret lives in vault path kv/billing/webhook";
    let llm = ScriptedLlm::start(vec![
        tool_step(&[("memory_store", json!({"text": note}))], 10, 5),
        tool_step(
            &[
                (
                    "memory_search",
                    json!({"query": "billing webhook secret", "limit": 3}),
                ),
                ("memory_search", json!({"query": ""})),
            ],
            10,
            5,
        ),
        tool_step(
            &[(
                "finish",
                json!({"summary": "Documented the billing webhook secret"}),
            )],
            10,
            5,
        ),
    ])
    .await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let (other, _) = app.signup("Other", "owner@other.test").await;
    let repo_id = app
        .create_repo(&token, bare_repo(fixtures.path()).to_str().unwrap())
        .await;
    let task_id = app
        .submit_task(&token, &repo_id, "find where the webhook secret is kept")
        .await;
    let task = app.wait_for_task(&token, &task_id).await;
    assert_eq!(task["status"], "succeeded", "{task}");

    let requests = llm.requests();
    let tools: Vec<&str> = requests[0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert!(
        tools.contains(&"memory_search") && tools.contains(&"memory_store"),
        "{tools:?}"
    );
    let tool_answers: Vec<&str> = requests[2]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert!(
        tool_answers[0].starts_with("stored note "),
        "{tool_answers:?}"
    );
    assert!(
        tool_answers[1].contains(&format!("note of task {task_id}"))
            && tool_answers[1].contains(note),
        "{tool_answers:?}"
    );
    assert!(
        tool_answers[2].starts_with("error: query must not be empty"),
        "{tool_answers:?}"
    );

    let (status, hits) = search(&app, &token, json!({"query": "billing webhook secret"})).await;
    assert_eq!(status, 200, "{hits}");
    let notes: Vec<&Value> = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["source"]["kind"] == "note")
        .collect();
    assert_eq!(notes.len(), 2, "the agent's note and the summary: {hits}");
    assert!(
        notes
            .iter()
            .all(|h| h["source"]["task_id"] == task_id.as_str())
    );
    assert!(
        notes.iter().any(|h| h["text"]
            .as_str()
            .unwrap()
            .starts_with("Documented the billing webhook secret")),
        "{hits}"
    );
    // The other org sees none of it.
    let (status, hits) = search(&app, &other, json!({"query": "billing webhook secret"})).await;
    assert_eq!(status, 200);
    assert_eq!(hits["hits"], json!([]), "{hits}");
}
