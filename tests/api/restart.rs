//! A restart of the process finds queued tasks again, and tasks a dead process held.

use std::sync::Arc;

use orchard::db::Db;
use orchard::queue::sqlite::SqliteQueue;
use orchard::store::sqlite::SqliteStore;
use orchard_actors::domain::{NewRepo, NewTask, OrgScope, Provider};
use orchard_actors::ports::{Queue, Store};
use serde_json::json;

use crate::helpers::{ScriptedLlm, TestApp, bare_repo, git, test_config, tool_step};

#[tokio::test]
async fn queued_and_orphaned_tasks_run_after_a_restart() {
    let llm = ScriptedLlm::start(vec![
        tool_step(
            &[(
                "write_file",
                json!({"path": "done.txt", "content": "done\n"}),
            )],
            5,
            5,
        ),
        tool_step(&[("finish", json!({"summary": "Write done.txt"}))], 5, 5),
    ])
    .await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());

    // A first server signs an org up, then stops.
    let first = TestApp::spawn(&llm).await;
    let (token, signup) = first.signup("Acme", "owner@acme.test").await;
    let data_dir = first.stop().await;

    // While it is down, "the previous process" left two tasks behind: one queued, one
    // dequeued by a run that died with it (its lease is still held).
    let org_id = signup["org_id"].as_str().unwrap().parse().unwrap();
    let scope = OrgScope::trusted(org_id);
    let (queued, orphaned) = {
        let db = Db::open(&data_dir.path().join("orchard.db")).unwrap();
        let store = Arc::new(SqliteStore::new(db.clone()));
        let queue = SqliteQueue::new(db);
        let repo = store
            .create_repo(
                &scope,
                NewRepo {
                    url: bare.to_str().unwrap().into(),
                    provider: Provider::Generic,
                    default_branch: None,
                    pull_requests: Default::default(),
                },
            )
            .await
            .unwrap();
        let mut ids = Vec::new();
        for instruction in ["orphaned", "queued"] {
            let task = store
                .create_task(
                    &scope,
                    NewTask {
                        id: orchard_actors::domain::TaskId::new(),
                        quota_period: orchard_actors::budget::Period::of(
                            time::OffsetDateTime::now_utc(),
                        ),
                        repo_id: repo.id,
                        instruction: instruction.into(),
                        sprint: None,
                        max_tokens: None,
                        jira_issue: None,
                    },
                )
                .await
                .unwrap();
            queue.enqueue(org_id, repo.id, task.id).await.unwrap();
            ids.push(task.id);
        }
        let lease = queue
            .dequeue(std::time::Duration::from_secs(3600), &[])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(lease.task_id, ids[0]);
        store.start_attempt(&scope, ids[0]).await.unwrap();
        (ids[1], ids[0])
    };

    let config = test_config(data_dir.path(), Some(&llm));
    let second = TestApp::spawn_in(data_dir, config).await;
    for id in [queued, orphaned] {
        let task = second.wait_for_task(&token, &id.to_string()).await;
        assert_eq!(task["status"], "succeeded", "{task}");
        let branch = format!("orchard/{id}");
        assert_eq!(git(&bare, &["show", &format!("{branch}:done.txt")]), "done");
    }
    let orphan = second.wait_for_task(&token, &orphaned.to_string()).await;
    assert_eq!(orphan["attempts"], 2, "the interrupted attempt is counted");
}
