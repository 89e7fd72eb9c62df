//! Quotas and budgets under concurrency, through the real server: task quotas are taken
//! atomically at submission, token budgets before every LLM call, and neither can be
//! overspent by many requests at once — on one server (SQLite ledger) or two sharing Redis.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use orchard_actors::budget::ManualClock;
use serde_json::{Value, json};
use time::macros::datetime;

use crate::helpers::{ScriptedLlm, TestApp, bare_repo, test_config, tool_step};

/// A model that finishes at once, billing `prompt` + `completion` tokens for the call.
async fn finishing_llm(prompt: u64, completion: u64) -> ScriptedLlm {
    ScriptedLlm::start(vec![tool_step(
        &[("finish", json!({"summary": "nothing to change"}))],
        prompt,
        completion,
    )])
    .await
}

/// `count` copies of one bare repository (a run holds its repository, so parallel runs need
/// one each); returns their paths.
fn repo_copies(root: &std::path::Path, count: usize) -> Vec<std::path::PathBuf> {
    let seed = bare_repo(root);
    (0..count)
        .map(|i| {
            let copy = root.join(format!("copy{i}.git"));
            copy_dir(&seed, &copy);
            copy
        })
        .collect()
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every task's final view, polling until none is queued or running.
async fn wait_all(
    get: impl AsyncFn(&str) -> (u16, Value),
    ids: &[String],
) -> HashMap<String, Value> {
    let mut done = HashMap::new();
    for _ in 0..1_200 {
        for id in ids {
            if done.contains_key(id) {
                continue;
            }
            let (status, task) = get(&format!("/v1/tasks/{id}")).await;
            assert_eq!(status, 200, "{task}");
            if ["succeeded", "failed", "cancelled"].contains(&task["status"].as_str().unwrap()) {
                done.insert(id.clone(), task);
            }
        }
        if done.len() == ids.len() {
            return done;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{} of {} tasks finished", done.len(), ids.len());
}

/// The free plan with this quota and budget, nothing else limited.
fn free_plan(config: &mut orchard::Config, tasks: Option<u64>, tokens: Option<u64>) {
    let free = config.plans.get_mut("free").unwrap();
    free.tasks_per_month = tasks;
    free.monthly_tokens = tokens;
}

/// A new org's first submissions, all at once: exactly the quota is queued, the rest get 402
/// and leave nothing behind.
#[tokio::test]
async fn fifty_concurrent_submissions_to_a_new_free_org_queue_exactly_five() {
    let llm = finishing_llm(10, 5).await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(&llm));
    free_plan(&mut config, Some(5), None);
    let app = Arc::new(TestApp::spawn_in(data_dir, config).await);
    let fixtures = tempfile::tempdir().unwrap();
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let repo = app
        .create_repo(&token, bare_repo(fixtures.path()).to_str().unwrap())
        .await;

    let submissions: Vec<_> = (0..50)
        .map(|i| {
            let (app, token, repo) = (app.clone(), token.clone(), repo.clone());
            tokio::spawn(async move {
                let body = json!({"repo_id": repo, "instruction": format!("task {i}")});
                app.post("/v1/tasks", Some(&token), &body).await
            })
        })
        .collect();
    let mut accepted = Vec::new();
    for submission in submissions {
        let (status, body) = submission.await.unwrap();
        match status {
            202 => accepted.push(body["task_id"].as_str().unwrap().to_owned()),
            402 => {
                assert_eq!(body["code"], "quota_exceeded", "{body}");
                assert!(
                    body["message"]
                        .as_str()
                        .unwrap()
                        .contains("5 tasks per month")
                );
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(accepted.len(), 5);
    let (_, listed) = app.get("/v1/tasks", Some(&token)).await;
    assert_eq!(
        listed["tasks"].as_array().unwrap().len(),
        5,
        "nothing else was recorded"
    );
    let done = wait_all(async |path| app.get(path, Some(&token)).await, &accepted).await;
    assert!(done.values().all(|t| t["status"] == "succeeded"));
    let (_, usage) = app.get("/v1/usage", Some(&token)).await;
    assert_eq!(usage["tasks"], json!({"used": 5, "quota": 5}));
}

/// A task that fails before its first LLM call (its repository cannot be cloned) gives its
/// slot back; one that made a call keeps it.
#[tokio::test]
async fn a_task_that_fails_before_any_llm_call_gives_its_slot_back() {
    let llm = finishing_llm(10, 5).await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(&llm));
    free_plan(&mut config, Some(1), None);
    let app = TestApp::spawn_in(data_dir, config).await;
    let fixtures = tempfile::tempdir().unwrap();
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let gone = fixtures.path().join("gone.git");
    std::fs::create_dir_all(&gone).unwrap();
    let broken = app.create_repo(&token, gone.to_str().unwrap()).await;
    let good = app
        .create_repo(&token, bare_repo(fixtures.path()).to_str().unwrap())
        .await;

    let failed = app.submit_task(&token, &broken, "cannot clone").await;
    let failed = app.wait_for_task(&token, &failed).await;
    assert_eq!(failed["error"]["code"], "clone_failed", "{failed}");
    assert_eq!(failed["llm_calls"], 0);
    assert_eq!(failed["quota_released"], true);

    let task = app
        .submit_task(&token, &good, "the slot is free again")
        .await;
    let task = app.wait_for_task(&token, &task).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    assert_eq!(task["quota_released"], false);
    let (status, body) = app
        .post(
            "/v1/tasks",
            Some(&token),
            &json!({"repo_id": good, "instruction": "one too many"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (402, Some("quota_exceeded"))
    );
}

/// What 200 concurrent runs of one org spent, checked against `budget` from the task records
/// and the usage report: never more than the budget; every refused run ended
/// `budget_exceeded` without calling the model; every call stayed within its reservation.
async fn assert_budget_held(
    get: impl AsyncFn(&str) -> (u16, Value),
    ids: &[String],
    budget: u64,
    llm_calls: usize,
) {
    let done = wait_all(&get, ids).await;
    let (mut spent, mut succeeded) = (0, 0);
    for task in done.values() {
        spent += task["tokens"]["total"].as_u64().unwrap();
        match task["status"].as_str().unwrap() {
            "succeeded" => succeeded += 1,
            "failed" => {
                assert_eq!(task["error"]["code"], "budget_exceeded", "{task}");
                assert_eq!(task["llm_calls"], 0, "{task}");
            }
            other => panic!("unexpected status {other}: {task}"),
        }
    }
    assert!(spent <= budget, "spent {spent} of a budget of {budget}");
    assert_eq!(succeeded, llm_calls, "each successful run made one call");
    // Each call bills 10,000 tokens and reserves more, so 10 fit at most, and a
    // reservation of up to 11,500 leaves room for at least 8 of them.
    assert!(
        (8..=10).contains(&succeeded),
        "{succeeded} runs were let through"
    );
    let (_, usage) = get("/v1/usage?limit=200").await;
    assert_eq!(usage["tokens"]["total"], spent, "{usage}");
    assert_eq!(usage["tokens"]["budget"], budget);
    let by_task: u64 = usage["by_task"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tokens"]["total"].as_u64().unwrap())
        .sum();
    assert_eq!(by_task, spent);
    for task in done.values().filter(|t| t["status"] == "succeeded") {
        let (_, events) = get(&format!(
            "/v1/tasks/{}/events",
            task["id"].as_str().unwrap()
        ))
        .await;
        let text = events.as_str().unwrap_or_default().to_owned();
        let call: Value = text
            .lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .map(|d| serde_json::from_str::<Value>(d).unwrap())
            .find(|e| e["kind"] == "llm_call")
            .expect("an llm_call event");
        let reserved = call["data"]["reserved_tokens"].as_u64().unwrap();
        assert!((10_000..=11_500).contains(&reserved), "reserved {reserved}");
    }
}

/// The budget for the tests below: ten calls of 10,000 tokens.
const BUDGET: u64 = 100_000;

/// 200 runs of one org start at once against a budget that fits about ten calls.
#[tokio::test]
async fn two_hundred_concurrent_runs_never_spend_more_than_the_budget() {
    let llm = finishing_llm(9_000, 1_000).await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(&llm));
    config.workers.max_workers = Some(200);
    config.workers.max_runs_per_org = Some(200);
    config.llm.max_completion_tokens = 10_000;
    let app = TestApp::spawn_in(data_dir, config).await;
    let fixtures = tempfile::tempdir().unwrap();
    let (token, signup) = app.signup("Acme", "owner@acme.test").await;
    let org_id = signup["org_id"].as_str().unwrap();

    // The operator gives this org its own budget (a tenant token may not).
    let change = json!({"plan": "enterprise", "monthly_tokens": BUDGET});
    let path = format!("/v1/admin/orgs/{org_id}/plan");
    let (status, body) = app.put(&path, Some(&token), &change).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    let operator = app.operator_token();
    let (status, body) = app.put(&path, Some(&operator), &change).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["monthly_tokens"], BUDGET);
    let (status, _) = app.get("/v1/tasks", Some(&operator)).await;
    assert_eq!(status, 403, "an operator token is no tenant's");

    let mut repos = Vec::new();
    for copy in repo_copies(fixtures.path(), 200) {
        repos.push(app.create_repo(&token, copy.to_str().unwrap()).await);
    }
    let mut ids = Vec::new();
    for (i, repo) in repos.iter().enumerate() {
        ids.push(app.submit_task(&token, repo, &format!("task {i}")).await);
    }
    let get = async |path: &str| app.get(path, Some(&token)).await;
    assert_budget_held(get, &ids, BUDGET, llm.requests().len()).await;
}

/// The same across two server processes sharing Redis (queue, locks, ledger) and one data
/// dir: each process lets through what fits, and together they still do not overspend.
#[tokio::test]
async fn two_servers_sharing_redis_never_spend_more_than_the_budget() {
    let redis = orchard::testing::RedisServer::start();
    let llm = finishing_llm(9_000, 1_000).await;
    let data_dir = tempfile::tempdir().unwrap();
    let fixtures = tempfile::tempdir().unwrap();
    let config = fixtures.path().join("orchard.toml");
    std::fs::write(
        &config,
        format!(
            "[queue]\nkind = \"redis\"\nredis_url = \"{}\"\npoll_interval_ms = 50\n\
             [llm]\nmax_completion_tokens = 10000\n\
             [plans.free]\nmonthly_tokens = {BUDGET}\n",
            redis.url()
        ),
    )
    .unwrap();
    let env = [
        ("ORCHARD_CONFIG", config.to_str().unwrap()),
        ("ORCHARD_MAX_WORKERS", "100"),
    ];
    // One after the other: the first creates the database and keys, the second opens them.
    let one = crate::crash::serve_with(data_dir.path(), &llm, &env);
    let two = crate::crash::serve_with(data_dir.path(), &llm, &env);
    let client = reqwest::Client::new();
    let token = crate::crash::signup(&client, &one).await;
    let copies = repo_copies(fixtures.path(), 200);
    let mut ids = Vec::new();
    for (i, copy) in copies.iter().enumerate() {
        // Half the submissions through each server.
        let server = if i % 2 == 0 { &one } else { &two };
        ids.push(crate::crash::submit(&client, server, &token, copy, &format!("task {i}")).await);
    }
    let get = async |path: &str| {
        crate::crash::call(
            client
                .get(format!("{}{path}", one.base))
                .bearer_auth(&token),
        )
        .await
    };
    assert_budget_held(&get, &ids, BUDGET, llm.requests().len()).await;

    // Both servers ran tasks: each run's `running` event names its node.
    let mut nodes = std::collections::HashSet::new();
    for id in &ids {
        let (_, events) = get(&format!("/v1/tasks/{id}/events")).await;
        let text = events.as_str().unwrap_or_default().to_owned();
        for event in text.lines().filter_map(|l| l.strip_prefix("data: ")) {
            let event: Value = serde_json::from_str(event).unwrap();
            if event["data"]["status"] == "running" {
                nodes.insert(event["data"]["node"].as_str().unwrap().to_owned());
            }
        }
    }
    assert_eq!(nodes.len(), 2, "runs on both servers: {nodes:?}");
}

/// Months roll over by themselves: at midnight UTC on the 1st the quota and the budget are
/// whole again, and last month's usage is still reported.
#[tokio::test]
async fn a_new_month_resets_quota_and_budget_and_keeps_last_months_usage() {
    let llm = finishing_llm(9_000, 1_000).await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(&llm));
    free_plan(&mut config, Some(2), Some(25_000));
    config.llm.max_completion_tokens = 10_000;
    // $3 and $15 a million: a call of 9,000 + 1,000 tokens costs 42,000 micro-dollars.
    let price = orchard::config::PriceConfig {
        prompt_per_mtok: 3.0,
        completion_per_mtok: 15.0,
    };
    config.llm.prices.insert("test-model".into(), price);
    let clock = Arc::new(ManualClock::new(datetime!(2026-11-30 23:00 UTC)));
    let app = TestApp::spawn_with_clock(data_dir, config, clock.clone()).await;
    let fixtures = tempfile::tempdir().unwrap();
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let repo = app
        .create_repo(&token, bare_repo(fixtures.path()).to_str().unwrap())
        .await;

    let mut november_cost = 0;
    for i in 0..2 {
        let task = app
            .submit_task(&token, &repo, &format!("november {i}"))
            .await;
        let task = app.wait_for_task(&token, &task).await;
        assert_eq!(task["status"], "succeeded", "{task}");
        assert_eq!(task["quota_period"], "2026-11");
        assert_eq!(task["cost_micros"], 42_000);
        november_cost += task["cost_micros"].as_u64().unwrap();
    }
    let november = json!({"repo_id": repo, "instruction": "a third in November"});
    let (status, _) = app.post("/v1/tasks", Some(&token), &november).await;
    assert_eq!(status, 402, "two tasks a month");
    let (_, usage) = app.get("/v1/usage", Some(&token)).await;
    assert_eq!(usage["period"], "2026-11");
    assert_eq!(
        usage["tokens"]["total"], 20_000,
        "5,000 left: less than a call reserves"
    );

    clock.set(datetime!(2026-12-01 00:00:01 UTC));
    let task = app.submit_task(&token, &repo, "december").await;
    let task = app.wait_for_task(&token, &task).await;
    assert_eq!(task["status"], "succeeded", "a whole budget again: {task}");
    assert_eq!(task["quota_period"], "2026-12");

    let (_, december) = app.get("/v1/usage", Some(&token)).await;
    assert_eq!(december["period"], "2026-12");
    assert_eq!(december["tasks"], json!({"used": 1, "quota": 2}));
    assert_eq!(december["tokens"]["total"], 10_000);
    let (_, kept) = app.get("/v1/usage?period=2026-11", Some(&token)).await;
    assert_eq!(kept["tasks"], json!({"used": 2, "quota": 2}));
    assert_eq!(kept["tokens"]["total"], 20_000);
    assert_eq!(
        kept["cost_micros"], november_cost,
        "the sum of the task records"
    );
    assert_eq!(kept["by_sprint"][0]["sprint"], "s1");
    assert_eq!(kept["by_sprint"][0]["cost_micros"], november_cost);
    let by_task: Vec<u64> = kept["by_task"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["cost_micros"].as_u64().unwrap())
        .collect();
    assert_eq!(by_task, [42_000, 42_000]);
    assert_eq!(december["cost_micros"], 42_000);
    let (status, body) = app.get("/v1/usage?period=2026-13", Some(&token)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_input"))
    );
}

/// `orchard admin token` signs with the server's key, and refuses a data dir without one
/// rather than print a token nothing accepts.
#[tokio::test]
async fn the_operator_token_command_uses_the_servers_key() {
    let orchard = |data_dir: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_orchard"))
            .args(["admin", "token"])
            .env("ORCHARD_DATA_DIR", data_dir)
            .env_remove("ORCHARD_CONFIG")
            .output()
            .unwrap()
    };
    let empty = tempfile::tempdir().unwrap();
    let refused = orchard(empty.path());
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("no token signing key"), "{stderr}");
    assert!(!empty.path().join("keys").exists(), "nothing was created");

    let llm = finishing_llm(1, 1).await;
    let app = TestApp::spawn(&llm).await;
    let (_, signup) = app.signup("Acme", "owner@acme.test").await;
    let printed = orchard(app.data_dir.path());
    assert!(printed.status.success());
    let token = String::from_utf8(printed.stdout).unwrap().trim().to_owned();
    let path = format!("/v1/admin/orgs/{}/plan", signup["org_id"].as_str().unwrap());
    let (status, body) = app.put(&path, Some(&token), &json!({"plan": "pro"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["plan"], "pro");
}
