//! The server on the Redis queue: the main job, and no accepted task lost when Redis is
//! killed and restarted under load. Each test starts a `redis-server` of its own.

use std::time::Duration;

use orchard::config::QueueKind;
use orchard::testing::RedisServer;
use serde_json::json;

use crate::helpers::{ScriptedLlm, TestApp, bare_repo, git, test_config, tool_step};

fn script(delay_ms: u64) -> Vec<serde_json::Value> {
    let mut first = tool_step(&[("list_files", json!({}))], 3, 1);
    first["_delays"] = json!({"task": delay_ms});
    vec![
        first,
        tool_step(
            &[("write_file", json!({"path": "out.txt", "content": "out\n"}))],
            3,
            1,
        ),
        tool_step(&[("finish", json!({"summary": "Write out.txt"}))], 3, 1),
    ]
}

async fn app_on_redis(llm: &ScriptedLlm, redis: &RedisServer) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(llm));
    config.queue.kind = QueueKind::Redis;
    config.queue.redis_url = Some(redis.url());
    config.queue.redis_prefix = format!("test:{}:", uuid::Uuid::now_v7());
    config.queue.lease_ttl_secs = 5;
    config.supervision.restart_initial_ms = 200;
    config.workers.max_workers = Some(4);
    config.workers.max_runs_per_org = Some(4);
    TestApp::spawn_in(data_dir, config).await
}

#[tokio::test]
async fn tasks_run_end_to_end_on_the_redis_queue() {
    let redis = RedisServer::start();
    let llm = ScriptedLlm::start(script(0)).await;
    let app = app_on_redis(&llm, &redis).await;
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
        assert_eq!(task["status"], "succeeded", "{task}");
        assert_eq!(task["tokens"]["total"], 12);
        assert_eq!(
            git(&bare, &["show", &format!("orchard/{id}:out.txt")]),
            "out"
        );
    }
}

#[tokio::test]
async fn killing_redis_under_load_loses_no_accepted_task() {
    let mut redis = RedisServer::start();
    let llm = ScriptedLlm::start(script(200)).await;
    let app = app_on_redis(&llm, &redis).await;
    let fixtures = tempfile::tempdir().unwrap();
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let repos = app.create_repos(&token, fixtures.path(), 12).await;

    let mut accepted = Vec::new();
    let mut refused = 0;
    for (i, repo_id) in repos.iter().enumerate() {
        if i == 6 {
            // Runs are in flight and tasks are queued: kill Redis outright.
            redis.kill();
        }
        if i == 8 {
            redis.restart();
        }
        let (status, body) = app
            .post(
                "/v1/tasks",
                Some(&token),
                &json!({"repo_id": repo_id, "instruction": format!("task {i}")}),
            )
            .await;
        match status {
            202 => accepted.push(body["task_id"].as_str().unwrap().to_owned()),
            // While Redis is down a submission is refused (its quota slot cannot be taken),
            // and the caller is told to try again.
            503 => {
                assert_eq!(body["code"], "unavailable", "{body}");
                refused += 1
            }
            other => panic!("unexpected {other}: {body}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        refused, 2,
        "the two submissions made while Redis was down were refused"
    );
    assert_eq!(accepted.len(), 10);
    for id in &accepted {
        let task = app.wait_for_task(&token, id).await;
        assert_eq!(task["status"], "succeeded", "{task}");
    }
}
