//! Shutdown stops taking work, lets runs finish within the grace period, and gives the tasks
//! of runs still going back to the queue at once — not after their leases expire.

use std::time::Duration;

use orchard::db::Db;
use orchard::queue::sqlite::SqliteQueue;
use orchard_actors::ports::Queue;

use crate::helpers::{TestApp, slow_and_short_llm, task_status, test_config};

#[tokio::test]
async fn shutdown_lets_short_runs_finish_and_gives_long_ones_back() {
    let llm = slow_and_short_llm(1_000).await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(&llm));
    config.workers.shutdown_grace_secs = 5;
    config.workers.max_runs_per_org = Some(2);
    let app = TestApp::spawn_in(data_dir, config).await;
    let fixtures = tempfile::tempdir().unwrap();
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let repos = app.create_repos(&token, fixtures.path(), 2).await;
    let slow = app.submit_task(&token, &repos[0], "a slow task").await;
    let short = app.submit_task(&token, &repos[1], "a short task").await;
    assert_eq!(
        llm.wait_for_requests(2).await,
        2,
        "both runs are waiting on the LLM"
    );

    let data_dir = app.stop().await;

    let db = Db::open(&data_dir.path().join("orchard.db")).unwrap();
    assert_eq!(
        task_status(&db, &short).await,
        "succeeded",
        "the short run finished within the grace period"
    );
    assert_eq!(
        task_status(&db, &slow).await,
        "queued",
        "the long run was stopped and its task requeued"
    );
    // Given back, not merely abandoned: it can be taken at once, without recovery or expiry.
    let queue = SqliteQueue::new(db.clone());
    let lease = queue
        .dequeue(Duration::from_secs(60), &[])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lease.task_id.to_string(), slow);
    assert!(
        queue
            .dequeue(Duration::from_secs(60), &[])
            .await
            .unwrap()
            .is_none()
    );
}
