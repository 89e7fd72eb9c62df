//! The operator's view of the live actor tree (`GET /v1/admin/actors`, `orchard admin
//! actors`), and who may see it.

use std::collections::BTreeSet;
use std::time::Duration;

use orchard_actors::domain::Role;
use serde_json::{Value, json};

use crate::credentials::token_with_role;
use crate::helpers::{ScriptedLlm, TestApp, bare_repos, slow_and_short_llm, test_config};

/// The tree as the operator sees it.
async fn actors(app: &TestApp, query: &str) -> (u16, Value) {
    app.get(
        &format!("/v1/admin/actors{query}"),
        Some(&app.operator_token()),
    )
    .await
}

fn kids(node: &Value) -> &Vec<Value> {
    node["children"].as_array().expect("children is a list")
}

/// `kind name` of each child, sorted as the server sorts them.
fn shape(node: &Value) -> Vec<String> {
    kids(node)
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["kind"].as_str().unwrap(),
                c["name"].as_str().unwrap()
            )
        })
        .collect()
}

/// Waits until the tree (as `probe` reads it) says yes.
async fn wait_for_tree(app: &TestApp, what: &str, probe: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..400 {
        let (status, body) = actors(app, "").await;
        assert_eq!(status, 200, "{body}");
        if probe(&body) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the actor tree never showed {what}");
}

fn org_node<'a>(tree: &'a Value, org_id: &str) -> Option<&'a Value> {
    kids(&tree["actors"][0])
        .iter()
        .find(|n| n["kind"] == "org_supervisor" && n["org_id"] == org_id)
}

fn has_run(tree: &Value, org_id: &str, task_id: &str) -> bool {
    org_node(tree, org_id).is_some_and(|org| {
        kids(org)
            .iter()
            .any(|n| n["name"] == format!("run/{task_id}") && n["status"] == "running")
    })
}

#[tokio::test]
async fn the_tree_shows_each_orgs_supervisor_and_exactly_its_children() {
    let llm = slow_and_short_llm(0).await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(&llm));
    config.workers.max_workers = Some(6);
    let app = TestApp::spawn_in(data_dir, config).await;
    let fixtures = tempfile::tempdir().unwrap();
    let repos = bare_repos(fixtures.path(), 3);

    // Before any work: the root, its dispatcher and watchdog, no org.
    let (status, tree) = actors(&app, "").await;
    assert_eq!(status, 200, "{tree}");
    let root = &tree["actors"][0];
    assert_eq!(tree["actors"].as_array().unwrap().len(), 1);
    assert_eq!(
        (root["kind"].as_str(), root["name"].as_str()),
        (Some("root_supervisor"), Some("root"))
    );
    assert_eq!(root["status"], "running");
    assert_eq!(shape(root), ["dispatcher dispatcher", "watchdog watchdog"]);

    // Three orgs: A and B each have a run in flight (held at its first LLM call), C's task
    // has finished.
    let mut orgs = Vec::new();
    for (i, name) in ["Alpha", "Beta", "Gamma"].iter().enumerate() {
        let (token, signup) = app.signup(name, &format!("owner@{name}.example")).await;
        let repo = app.create_repo(&token, repos[i].to_str().unwrap()).await;
        let org_id = signup["org_id"].as_str().unwrap().to_owned();
        orgs.push((token, org_id, repo));
    }
    let slow_a = app
        .submit_task(&orgs[0].0, &orgs[0].2, "slow: hold on")
        .await;
    let slow_b = app
        .submit_task(&orgs[1].0, &orgs[1].2, "slow: hold on")
        .await;
    let short_c = app.submit_task(&orgs[2].0, &orgs[2].2, "short: go").await;
    let done = app.wait_for_task(&orgs[2].0, &short_c).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let tree = wait_for_tree(&app, "both slow runs", |t| {
        has_run(t, &orgs[0].1, &slow_a) && has_run(t, &orgs[1].1, &slow_b)
    })
    .await;

    let root = &tree["actors"][0];
    let supervisors: BTreeSet<String> = kids(root)
        .iter()
        .filter(|n| n["kind"] == "org_supervisor")
        .map(|n| n["org_id"].as_str().unwrap().to_owned())
        .collect();
    let expected: BTreeSet<String> = orgs.iter().map(|o| o.1.clone()).collect();
    assert_eq!(supervisors, expected);
    assert_eq!(
        kids(root).len(),
        5,
        "dispatcher, watchdog and three org supervisors"
    );
    for (i, (_, org_id, repo_id)) in orgs.iter().enumerate() {
        let org = org_node(&tree, org_id).unwrap();
        assert_eq!(org["name"], format!("org/{org_id}"));
        assert_eq!(org["status"], "running");
        assert_eq!(org["restarts"], 0);
        assert!(org["last_failure"].is_null());
        let mut expected = vec![
            format!("credentials credentials/{org_id}"),
            format!("budget budget/{org_id}"),
        ];
        if i < 2 {
            let task = [&slow_a, &slow_b][i];
            expected.push(format!("repo_lock repo-lock/{repo_id}"));
            expected.push(format!("agent_run run/{task}"));
        }
        assert_eq!(shape(org), expected, "org {i}");
        for child in kids(org) {
            assert_eq!(child["org_id"], *org_id, "{child}");
            assert!(kids(child).is_empty());
        }
        // Every started org supervisor has handled at least its StartRun.
        assert!(org["messages_processed"].as_u64().unwrap() >= 1, "{org}");
    }
    // The budget actor of a run that made an LLM call handled its reservation; the run
    // itself its Start and first Step.
    let a = org_node(&tree, &orgs[0].1).unwrap();
    let run = kids(a).iter().find(|n| n["kind"] == "agent_run").unwrap();
    assert!(run["messages_processed"].as_u64().unwrap() >= 2, "{run}");
    let budget = kids(a).iter().find(|n| n["kind"] == "budget").unwrap();
    assert!(
        budget["messages_processed"].as_u64().unwrap() >= 1,
        "{budget}"
    );
    // The dispatcher polled and dispatched; nothing waits in the root's mailbox for long.
    let dispatcher = &kids(root)[0];
    assert!(dispatcher["messages_processed"].as_u64().unwrap() >= 3);
    assert!(root["messages_processed"].as_u64().unwrap() >= 3);
    assert!(root["queue_depth"].as_u64().unwrap() <= 2, "{root}");
    time::OffsetDateTime::parse(
        root["started_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();

    // `?org=` narrows the view to one org's subtree.
    let (status, one) = actors(&app, &format!("?org={}", orgs[1].1)).await;
    assert_eq!(status, 200, "{one}");
    let only = one["actors"].as_array().unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["org_id"], orgs[1].1.as_str());
    assert_eq!(shape(&only[0]), shape(org_node(&tree, &orgs[1].1).unwrap()));
    let nobody = uuid::Uuid::new_v4();
    let (status, body) = actors(&app, &format!("?org={nobody}")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("not_found")),
        "{body}"
    );
    let (status, body) = actors(&app, "?org=not-an-org").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_input")),
        "{body}"
    );

    for (token, _, _) in &orgs[..2] {
        let task = if token == &orgs[0].0 {
            &slow_a
        } else {
            &slow_b
        };
        let (status, _) = app
            .post(&format!("/v1/tasks/{task}/cancel"), Some(token), &json!({}))
            .await;
        assert_eq!(status, 200);
    }
    // A cancelled run leaves the tree, and its repository's lock actor with it.
    wait_for_tree(&app, "no runs left", |t| {
        orgs[..2].iter().all(|(_, org_id, _)| {
            org_node(t, org_id).is_some_and(|org| {
                shape(org)
                    == [
                        format!("credentials credentials/{org_id}"),
                        format!("budget budget/{org_id}"),
                    ]
            })
        })
    })
    .await;
}

#[tokio::test]
async fn a_crashed_run_shows_its_restart_count_and_last_failure() {
    let llm = slow_and_short_llm(0).await;
    let data_dir = tempfile::tempdir().unwrap();
    let work_root = data_dir.path().join("work");
    let mut config = test_config(data_dir.path(), Some(&llm));
    config.supervision.restart_initial_ms = 400;
    config.supervision.restart_jitter = 0.0;
    let app = TestApp::spawn_in(data_dir, config).await;
    let fixtures = tempfile::tempdir().unwrap();
    let repo_path = &bare_repos(fixtures.path(), 1)[0];
    let (token, signup) = app.signup("Crashy", "owner@crashy.example").await;
    let org_id = signup["org_id"].as_str().unwrap().to_owned();
    let repo = app.create_repo(&token, repo_path.to_str().unwrap()).await;

    // A file where the org's work dirs go: the run cannot make its work dir and crashes.
    let blocker = work_root.join(&org_id);
    std::fs::write(&blocker, "not a directory").unwrap();
    let task = app.submit_task(&token, &repo, "slow: after a crash").await;
    let events = read_events_until(&app, &token, &task, "\"kind\":\"restart\"").await;
    assert!(events.contains("work dir"), "{events}");
    // The way is clear for the restart, which then waits at its first LLM call.
    std::fs::remove_file(&blocker).unwrap();

    let tree = wait_for_tree(&app, "the restarted run", |t| has_run(t, &org_id, &task)).await;
    let org = org_node(&tree, &org_id).unwrap();
    let run = kids(org).iter().find(|n| n["kind"] == "agent_run").unwrap();
    assert!(run["restarts"].as_u64().unwrap() >= 1, "{run}");
    let failure = &run["last_failure"];
    assert!(
        failure["reason"].as_str().unwrap().contains("work dir"),
        "{failure}"
    );
    time::OffsetDateTime::parse(
        failure["at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    // The supervisor itself did not fail.
    assert_eq!(org["restarts"], 0);
    let (status, _) = app
        .post(
            &format!("/v1/tasks/{task}/cancel"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200);
}

/// Reads the task's event stream until its text contains `needle`; returns what was read.
async fn read_events_until(app: &TestApp, token: &str, task: &str, needle: &str) -> String {
    let mut response = app
        .client
        .get(app.url(&format!("/v1/tasks/{task}/events")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !text.contains(needle) {
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .unwrap_or_else(|_| panic!("no {needle} in the events: {text}"))
            .unwrap()
            .unwrap_or_else(|| panic!("the stream ended without {needle}: {text}"));
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    text
}

#[tokio::test]
async fn members_viewers_and_other_orgs_owners_get_403_on_every_admin_route() {
    let llm = ScriptedLlm::start(vec![]).await;
    let app = TestApp::spawn(&llm).await;
    let (owner_a, signup_a) = app.signup("Ours", "owner@ours.example").await;
    let (owner_b, _) = app.signup("Theirs", "owner@theirs.example").await;
    let org_a = signup_a["org_id"].as_str().unwrap();
    let member = token_with_role(&app, &signup_a, Role::Member);
    let viewer = token_with_role(&app, &signup_a, Role::Viewer);

    // Every admin operation of the spec, with org A's id where a path wants one.
    let (_, spec) = app.get("/openapi.json", None).await;
    let mut routes = Vec::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        if !path.starts_with("/v1/admin/") {
            continue;
        }
        for method in operations.as_object().unwrap().keys() {
            routes.push((method.to_uppercase(), path.replace("{id}", org_a)));
        }
    }
    assert!(routes.len() >= 3, "{routes:?}");
    let callers = [
        ("member", &member),
        ("viewer", &viewer),
        ("owner of another org", &owner_b),
        ("owner of the org itself", &owner_a),
    ];
    for (method, path) in &routes {
        for (who, token) in callers {
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let response = app
                .client
                .request(method.clone(), app.url(path))
                .bearer_auth(token)
                .json(&json!({"plan": "pro", "customer_reference_code": "x"}))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            assert_eq!(
                (status, body["code"].as_str()),
                (403, Some("forbidden")),
                "{who} on {method} {path}: {body}"
            );
        }
    }
    // The operator gets through.
    let (status, body) = app
        .get("/v1/admin/actors", Some(&app.operator_token()))
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn the_cli_prints_the_tree_of_a_running_server() {
    let llm = ScriptedLlm::start(vec![]).await;
    let data_dir = tempfile::tempdir().unwrap();
    let server = crate::crash::serve_with(data_dir.path(), &llm, &[]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orchard"))
        .args(["admin", "actors", "--url", &server.base])
        .env("ORCHARD_DATA_DIR", data_dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("root (root_supervisor, "), "{stdout}");
    assert!(lines[0].contains(" running since "), "{stdout}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  dispatcher (dispatcher, ")),
        "{stdout}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  watchdog (watchdog, ")),
        "{stdout}"
    );

    // `admin token` mints an operator token the server accepts.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orchard"))
        .args(["admin", "token", "--hours", "1"])
        .env("ORCHARD_DATA_DIR", data_dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap();
    let response = reqwest::Client::new()
        .get(format!("{}/v1/admin/actors", server.base))
        .bearer_auth(token.trim())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
