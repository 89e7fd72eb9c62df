//! The main job, end to end: signup → repo → task → agent run → branch pushed.

use serde_json::{Value, json};

use crate::helpers::{ScriptedLlm, TestApp, bare_repo, git, tool_step};

const NEW_FILE: &str = "pub fn valid_email(email: &str) -> bool {\n    email.contains('@')\n}\n";

fn script() -> Vec<Value> {
    vec![
        tool_step(&[("list_files", json!({}))], 100, 10),
        tool_step(
            &[
                ("read_file", json!({"path": "src/signup.rs"})),
                ("read_file", json!({"path": "../../../etc/passwd"})),
            ],
            150,
            20,
        ),
        tool_step(
            &[(
                "write_file",
                json!({"path": "src/validate.rs", "content": NEW_FILE}),
            )],
            200,
            30,
        ),
        tool_step(
            &[(
                "finish",
                json!({"summary": "Add input validation to signup"}),
            )],
            250,
            5,
        ),
    ]
}

#[tokio::test]
async fn a_task_runs_end_to_end_and_pushes_its_branch() {
    let llm = ScriptedLlm::start(script()).await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());

    let (token, signup) = app.signup("Acme", "owner@acme.test").await;
    assert!(token.starts_with("v4.public."));
    assert!(signup["org_id"].is_string() && signup["expires_at"].is_string());
    let repo_id = app.create_repo(&token, bare.to_str().unwrap()).await;
    let task_id = app
        .submit_task(
            &token,
            &repo_id,
            "add input validation to the signup handler",
        )
        .await;
    let task = app.wait_for_task(&token, &task_id).await;

    assert_eq!(task["status"], "succeeded", "{task}");
    assert_eq!(task["attempts"], 1);
    let branch = format!("orchard/{task_id}");
    assert_eq!(task["branch"], branch.as_str());
    assert_eq!(task["summary"], "Add input validation to signup");
    assert_eq!(task["changed_files"], json!(["src/validate.rs"]));
    // Token totals are the sums of the scripted usage.
    assert_eq!(
        task["tokens"],
        json!({"prompt": 700, "completion": 65, "total": 765})
    );

    // The branch exists in the bare repo with the new file and the summary as message.
    let commit = git(&bare, &["rev-parse", &format!("refs/heads/{branch}")]);
    assert_eq!(task["commit"], commit.as_str());
    assert_eq!(
        git(&bare, &["show", &format!("{branch}:src/validate.rs")]),
        NEW_FILE.trim_end()
    );
    assert_eq!(
        git(&bare, &["log", "-1", "--format=%B", &branch]),
        "Add input validation to signup"
    );
    assert_eq!(
        git(&bare, &["rev-parse", &format!("{branch}~1")]),
        git(&bare, &["rev-parse", "main"])
    );

    // The `../` read was refused as a tool error the model saw, and the run went on.
    let requests = llm.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[0]["model"], "test-model");
    let tools: Vec<&str> = requests[0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tools,
        [
            "list_files",
            "read_file",
            "write_file",
            "search_files",
            "finish",
            "memory_search",
            "memory_store"
        ]
    );
    let tool_messages: Vec<&Value> = requests[2]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .collect();
    assert!(
        tool_messages[1]["content"]
            .as_str()
            .unwrap()
            .contains("fn signup")
    );
    let refusal = tool_messages[2]["content"].as_str().unwrap();
    assert!(
        refusal.starts_with("error:") && refusal.contains("`..` is not allowed"),
        "{refusal}"
    );

    // Another organization cannot see the task: 404, not 403.
    let (other, _) = app.signup("Globex", "owner@globex.test").await;
    let (status, body) = app.get(&format!("/v1/tasks/{task_id}"), Some(&other)).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["code"], "not_found");
    let (status, _) = app
        .get(&format!("/v1/tasks/{task_id}/events"), Some(&other))
        .await;
    assert_eq!(status, 404);
    let (status, body) = app.get("/v1/tasks", Some(&other)).await;
    assert_eq!(status, 200);
    assert_eq!(body["tasks"], json!([]));
    let (status, body) = app
        .post(
            "/v1/tasks",
            Some(&other),
            &json!({"repo_id": repo_id, "instruction": "steal"}),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));

    // The event stream replays the log: one event per LLM call and per tool call.
    let response = app
        .client
        .get(app.url(&format!("/v1/tasks/{task_id}/events")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let events: Vec<Value> = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "llm_call").count(), 4);
    assert_eq!(kinds.iter().filter(|k| **k == "tool_call").count(), 5);
    let refused: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"] == "tool_call" && e["data"]["ok"] == false)
        .collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(events.last().unwrap()["data"]["status"], "succeeded");

    // Listing: the task is there, filtered by status.
    let (_, list) = app.get("/v1/tasks?status=succeeded", Some(&token)).await;
    assert_eq!(list["tasks"][0]["id"], task_id.as_str());
    let (_, none) = app.get("/v1/tasks?status=queued", Some(&token)).await;
    assert_eq!(none["tasks"], json!([]));
}

#[tokio::test]
async fn a_task_without_changes_succeeds_without_a_branch() {
    let llm = ScriptedLlm::start(vec![
        tool_step(&[("read_file", json!({"path": "README.md"}))], 10, 1),
        tool_step(
            &[("finish", json!({"summary": "Nothing to change"}))],
            10,
            1,
        ),
    ])
    .await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let repo_id = app
        .create_repo(&token, &format!("file://{}", bare.display()))
        .await;
    let task_id = app.submit_task(&token, &repo_id, "check the readme").await;
    let task = app.wait_for_task(&token, &task_id).await;

    assert_eq!(task["status"], "succeeded", "{task}");
    assert_eq!(task["branch"], Value::Null);
    assert_eq!(task["commit"], Value::Null);
    assert_eq!(task["summary"], "Nothing to change");
    assert_eq!(git(&bare, &["branch", "--list", "orchard/*"]), "");
}

#[tokio::test]
async fn a_failing_run_records_the_reason_and_tasks_page_with_a_cursor() {
    // The LLM refuses every call with a permanent error (HTTP 400).
    let llm = ScriptedLlm::start(vec![]).await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let repo_id = app.create_repo(&token, bare.to_str().unwrap()).await;

    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            app.submit_task(&token, &repo_id, &format!("task {i}"))
                .await,
        );
    }
    for id in &ids {
        let task = app.wait_for_task(&token, id).await;
        assert_eq!(task["status"], "failed");
        assert_eq!(task["error"]["code"], "llm_error");
        assert!(task["error"]["message"].as_str().unwrap().contains("400"));
    }

    let (_, first) = app.get("/v1/tasks?limit=2", Some(&token)).await;
    let page: Vec<&str> = first["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(page, [ids[2].as_str(), ids[1].as_str()]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = app
        .get(&format!("/v1/tasks?limit=2&cursor={cursor}"), Some(&token))
        .await;
    assert_eq!(second["tasks"][0]["id"], ids[0].as_str());
    assert_eq!(second["next_cursor"], Value::Null);
}

#[tokio::test]
async fn a_repository_served_over_http_is_cloned_and_pushed_to() {
    let llm = ScriptedLlm::start(script()).await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());
    git(&bare, &["config", "http.receivepack", "true"]);
    let server = crate::git_http::GitHttpServer::start(fixtures.path().to_path_buf()).await;

    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let url = format!("{}/origin.git", server.base_url);
    let repo_id = app.create_repo(&token, &url).await;
    let task_id = app.submit_task(&token, &repo_id, "add validation").await;
    let task = app.wait_for_task(&token, &task_id).await;

    assert_eq!(task["status"], "succeeded", "{task}");
    let branch = format!("orchard/{task_id}");
    assert_eq!(
        git(&bare, &["rev-parse", &branch]),
        task["commit"].as_str().unwrap()
    );
    assert_eq!(
        git(&bare, &["show", &format!("{branch}:src/validate.rs")]),
        NEW_FILE.trim_end()
    );
}

#[tokio::test]
async fn cancel_stops_running_and_queued_tasks_and_frees_the_worker() {
    // The first LLM answer of a task whose instruction says "slow" takes a minute.
    let mut first = tool_step(&[("list_files", json!({}))], 10, 1);
    first["_delays"] = json!({"slow": 60_000});
    let llm = ScriptedLlm::start(vec![
        first,
        tool_step(
            &[("write_file", json!({"path": "x.txt", "content": "x"}))],
            10,
            1,
        ),
        tool_step(&[("finish", json!({"summary": "Write x"}))], 10, 1),
    ])
    .await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = crate::helpers::test_config(data_dir.path(), Some(&llm));
    config.workers.max_workers = Some(1);
    let app = TestApp::spawn_in(data_dir, config).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let repo_id = app.create_repo(&token, bare.to_str().unwrap()).await;

    let slow = app.submit_task(&token, &repo_id, "a slow task").await;
    llm.wait_for_requests(1).await;
    assert_eq!(
        llm.requests().len(),
        1,
        "the slow task is waiting on the LLM"
    );
    let queued = app.submit_task(&token, &repo_id, "a queued task").await;

    // Cancel the queued one, then the running one.
    let (status, body) = app
        .post(
            &format!("/v1/tasks/{queued}/cancel"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("cancelled")),
        "{body}"
    );
    let (status, body) = app
        .post(
            &format!("/v1/tasks/{slow}/cancel"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("cancelled")),
        "{body}"
    );

    // The one worker is free at once: a new task runs to the end while the slow LLM call
    // would still be pending for most of a minute.
    let quick = app.submit_task(&token, &repo_id, "a quick task").await;
    let done = app.wait_for_task(&token, &quick).await;
    assert_eq!(done["status"], "succeeded", "{done}");

    for id in [&slow, &queued] {
        let (_, task) = app.get(&format!("/v1/tasks/{id}"), Some(&token)).await;
        assert_eq!(task["status"], "cancelled");
        assert_eq!(task["branch"], Value::Null);
        assert_eq!(
            git(&bare, &["branch", "--list", &format!("orchard/{id}")]),
            ""
        );
    }
    let instructions: Vec<String> = llm
        .requests()
        .iter()
        .map(|r| {
            r["messages"][1]["content"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert!(
        !instructions.iter().any(|i| i == "a queued task"),
        "the queued task never ran"
    );

    // Finished tasks cannot be cancelled; other orgs' tasks do not exist.
    let (status, body) = app
        .post(
            &format!("/v1/tasks/{quick}/cancel"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("task_finished")),
        "{body}"
    );
    let (other, _) = app.signup("Globex", "owner@globex.test").await;
    let (status, body) = app
        .post(
            &format!("/v1/tasks/{slow}/cancel"),
            Some(&other),
            &json!({}),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
}
