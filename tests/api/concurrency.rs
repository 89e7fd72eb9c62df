//! Runs of one repository never overlap; runs of different repositories go in parallel up to
//! the worker caps. Asserted on each run's recorded start and end, not on elapsed time.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{ScriptedLlm, TestApp, bare_repo, git, test_config, tool_step};

/// A script whose first answer is held back 300 ms, so that runs are long enough to overlap
/// when they are allowed to.
async fn slowish_llm() -> ScriptedLlm {
    let mut first = tool_step(&[("list_files", json!({}))], 1, 1);
    first["_delays"] = json!({"task": 300});
    ScriptedLlm::start(vec![
        first,
        tool_step(
            &[("write_file", json!({"path": "run.txt", "content": "ran\n"}))],
            1,
            1,
        ),
        tool_step(&[("finish", json!({"summary": "Record the run"}))], 1, 1),
    ])
    .await
}

/// A finished task's events.
async fn task_events(app: &TestApp, token: &str, task_id: &str) -> Vec<Value> {
    let text = app
        .client
        .get(app.url(&format!("/v1/tasks/{task_id}/events")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str::<Value>(d).unwrap())
        .collect()
}

/// (start, end) of a task's run: its `running` event and its final status event.
fn run_interval(events: &[Value]) -> (OffsetDateTime, OffsetDateTime) {
    let statuses: Vec<&Value> = events.iter().filter(|e| e["kind"] == "status").collect();
    assert_eq!(statuses.len(), 2, "one start and one end: {statuses:?}");
    let at = |e: &Value| OffsetDateTime::parse(e["at"].as_str().unwrap(), &Rfc3339).unwrap();
    (at(statuses[0]), at(statuses[1]))
}

/// The largest number of intervals open at once.
fn max_overlap(intervals: &[(OffsetDateTime, OffsetDateTime)]) -> usize {
    let mut edges: Vec<(OffsetDateTime, i32)> = Vec::new();
    for (start, end) in intervals {
        edges.push((*start, 1));
        edges.push((*end, -1));
    }
    // Ends sort before starts at the same instant: touching runs do not overlap.
    edges.sort();
    let (mut open, mut max) = (0i32, 0i32);
    for (_, delta) in edges {
        open += delta;
        max = max.max(open);
    }
    max as usize
}

async fn app_with_workers(llm: &ScriptedLlm, workers: usize) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(llm));
    config.workers.max_workers = Some(workers);
    config.workers.max_runs_per_org = Some(workers);
    TestApp::spawn_in(data_dir, config).await
}

#[tokio::test]
async fn twenty_tasks_on_one_repository_never_overlap() {
    let llm = slowish_llm().await;
    let app = app_with_workers(&llm, 4).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let repo_id = app.create_repo(&token, bare.to_str().unwrap()).await;

    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(
            app.submit_task(&token, &repo_id, &format!("task {i}"))
                .await,
        );
    }
    let mut intervals = Vec::new();
    let mut lock_tokens = Vec::new();
    for id in &ids {
        let task = app.wait_for_task(&token, id).await;
        assert_eq!(task["status"], "succeeded", "{task}");
        let events = task_events(&app, &token, id).await;
        intervals.push(run_interval(&events));
        let checkout = events.iter().find(|e| e["kind"] == "checkout").unwrap();
        lock_tokens.push(checkout["data"]["lock_token"].as_u64().unwrap());
    }
    assert_eq!(
        max_overlap(&intervals),
        1,
        "runs of one repository overlapped"
    );
    // And they ran in submission order.
    let mut by_start = intervals.clone();
    by_start.sort();
    assert_eq!(by_start, intervals);
    // Each run held the repository lock, with fencing tokens growing run after run.
    assert!(
        lock_tokens.windows(2).all(|w| w[0] < w[1]),
        "{lock_tokens:?}"
    );
    for id in &ids {
        git(&bare, &["rev-parse", &format!("orchard/{id}")]);
    }
}

#[tokio::test]
async fn twenty_repositories_run_in_parallel_up_to_the_cap() {
    let llm = slowish_llm().await;
    let app = app_with_workers(&llm, 4).await;
    let fixtures = tempfile::tempdir().unwrap();
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let ids = app.create_repos(&token, fixtures.path(), 20).await;
    let mut tasks = Vec::new();
    for (i, repo_id) in ids.iter().enumerate() {
        tasks.push(app.submit_task(&token, repo_id, &format!("task {i}")).await);
    }
    let mut intervals = Vec::new();
    for id in &tasks {
        let task = app.wait_for_task(&token, id).await;
        assert_eq!(task["status"], "succeeded", "{task}");
        intervals.push(run_interval(&task_events(&app, &token, id).await));
    }
    assert_eq!(
        max_overlap(&intervals),
        4,
        "four workers, all busy, never more"
    );
}
