use super::*;

fn spend(prompt: u64, completion: u64) -> Spend {
    Spend {
        tokens: TokenUsage { prompt, completion },
        cost_micros: prompt + completion,
    }
}

#[test]
fn a_usage_report_sums_by_sprint_with_no_sprint_first_and_pages_by_id() {
    let ids: Vec<TaskId> = (0..3).map(|_| TaskId::new()).collect();
    let rows = vec![
        (ids[2], Some("s2".to_owned()), spend(1, 1)),
        (ids[0], Some("s1".to_owned()), spend(10, 5)),
        (ids[1], None, spend(3, 0)),
    ];
    let period: Period = "2026-12".parse().unwrap();
    let page = UsagePage {
        after: None,
        limit: 2,
    };
    let report = usage_report_from(period, 7, rows.clone(), &page);
    assert_eq!(report.tasks_used, 7);
    assert_eq!(report.total, spend(14, 6));
    let sprints: Vec<Option<&str>> = report.by_sprint.iter().map(|(s, _)| s.as_deref()).collect();
    assert_eq!(sprints, [None, Some("s1"), Some("s2")]);
    let page_ids: Vec<TaskId> = report.tasks.iter().map(|t| t.0).collect();
    assert_eq!(page_ids, ids[..2]);
    assert_eq!(report.next, Some(ids[1]));

    let rest = usage_report_from(
        period,
        7,
        rows,
        &UsagePage {
            after: report.next,
            limit: 2,
        },
    );
    assert_eq!(rest.tasks.iter().map(|t| t.0).collect::<Vec<_>>(), [ids[2]]);
    assert_eq!(rest.next, None);
}

#[test]
fn an_absent_optional_value_binds_unset() {
    assert!(matches!(unset_if_none::<i64>(None), MaybeUnset::Unset));
    assert!(matches!(unset_if_none(Some(3)), MaybeUnset::Set(3)));
}

#[test]
fn a_task_id_that_is_not_a_uuid_v7_names_no_partition() {
    let scope = OrgScope::trusted(OrgId::new());
    assert!(task_key(&scope, TaskId::from_uuid(Uuid::new_v4())).is_none());
    let (org, bucket, _) = task_key(&scope, TaskId::new()).unwrap();
    assert_eq!(org, scope.org_id().as_uuid());
    assert_eq!(bucket.len(), "2026-12".len());
}

// --- the store on the statement emulator -----------------------------------------------------
//
// `super::super::emulator` executes exactly the statements of `scylla_cql::ALL` over the
// tables of `schema/cql/`, binding values through the driver's own serialisation (so its type
// checks run) and answering conditional writes as ScyllaDB does. It lets every path of this
// store run in CI; the cluster run (cluster_tests.rs, ORCHARD_TEST_SCYLLA) is the real check.

use crate::store::scylla::emulator::Emulator;
use orchard_actors::conformance::store as conformance;

fn emulated() -> (Arc<Emulator>, ScyllaStore) {
    let emulator = Arc::new(Emulator::new());
    let store = ScyllaStore::with_cql(emulator.clone());
    (emulator, store)
}

#[tokio::test]
async fn the_store_passes_the_conformance_suite_on_the_emulator() {
    conformance::all_store_checks(|| async { emulated().1 }).await;
}

/// A task id made at `millis` since the epoch (UUIDv7, like `TaskId::new`).
fn task_id_at(millis: u64) -> TaskId {
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        millis / 1000,
        (millis % 1000) as u32 * 1_000_000,
    );
    TaskId::from_uuid(Uuid::new_v7(ts))
}

#[tokio::test]
async fn listings_walk_the_months_newest_first_without_gaps() {
    let (emulator, store) = emulated();
    let scope = conformance::new_org(&store, "a@acme.test").await;
    let repo = conformance::new_repo(&store, &scope, "app").await;
    // Three months, two of them with three tasks, one (the middle) with one.
    let months = [1_775_000_000_000_u64, 1_780_000_000_000, 1_790_000_000_000];
    let mut made = Vec::new();
    for (m, month) in months.iter().enumerate() {
        let count = if m == 1 { 1 } else { 3 };
        for i in 0..count {
            let task = NewTask {
                id: task_id_at(month + i * 1000),
                quota_period: "2026-12".parse().unwrap(),
                repo_id: repo.id,
                instruction: format!("task {m}.{i}"),
                sprint: Some(if i % 2 == 0 { "even" } else { "odd" }.into()),
                max_tokens: None,
                jira_issue: None,
            };
            made.push(store.create_task(&scope, task).await.unwrap().id);
        }
    }
    let buckets: std::collections::BTreeSet<String> =
        made.iter().map(|id| task_bucket(*id).unwrap()).collect();
    assert_eq!(buckets.len(), 3, "{buckets:?}");
    made.reverse();
    for filter in [None, Some("even")] {
        let expected: Vec<TaskId> = match filter {
            None => made.clone(),
            Some(sprint) => {
                let mut kept = Vec::new();
                for id in &made {
                    let task = store.task(&scope, *id).await.unwrap();
                    if task.sprint.as_deref() == Some(sprint) {
                        kept.push(*id);
                    }
                }
                kept
            }
        };
        for limit in 1..=4 {
            let mut seen = Vec::new();
            let mut before = None;
            loop {
                let query = TaskQuery {
                    sprint: filter.map(str::to_owned),
                    before,
                    limit,
                    ..TaskQuery::default()
                };
                let page = store.list_tasks(&scope, &query).await.unwrap();
                assert!(page.tasks.len() <= limit as usize);
                seen.extend(page.tasks.iter().map(|t| t.id));
                match page.next {
                    Some(next) => before = Some(next),
                    None => break,
                }
            }
            assert_eq!(seen, expected, "filter {filter:?}, limit {limit}");
        }
    }
    assert!(emulator.runs("SELECT_TASK_BUCKETS") > 0);
    // A cursor that is no task id of ours (not a UUIDv7) lists nothing, and costs no query.
    let before = emulator.runs("SELECT_TASK_BUCKETS");
    let page = store
        .list_tasks(
            &scope,
            &TaskQuery {
                before: Some(TaskId::from_uuid(Uuid::new_v4())),
                limit: 10,
                ..TaskQuery::default()
            },
        )
        .await
        .unwrap();
    assert!(page.tasks.is_empty() && page.next.is_none());
    assert_eq!(emulator.runs("SELECT_TASK_BUCKETS"), before);
}

#[tokio::test]
async fn a_signup_whose_email_claim_timed_out_is_settled_by_a_serial_read() {
    let (emulator, store) = emulated();
    // The claim landed, then the answer was lost: the signup succeeded.
    emulator.fail_after_apply("INSERT_USER_BY_EMAIL", 1);
    let (org, user) = store
        .create_org_with_owner("acme", "late@acme.test", "h")
        .await
        .unwrap();
    let found = store
        .user_by_email("late@acme.test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.user, user);
    assert_eq!(
        store.org(&OrgScope::trusted(org.id)).await.unwrap().id,
        org.id
    );

    // The claim never landed: an error, and the org is removed again.
    emulator.fail_before_apply("INSERT_USER_BY_EMAIL", 1);
    let deletes = emulator.runs("DELETE_ORG");
    let err = store
        .create_org_with_owner("globex", "lost@globex.test", "h")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
    assert_eq!(emulator.runs("DELETE_ORG"), deletes + 1);
    assert!(
        store
            .user_by_email("lost@globex.test")
            .await
            .unwrap()
            .is_none()
    );
    // And the email is free for the next try.
    store
        .create_org_with_owner("globex", "lost@globex.test", "h")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_task_whose_insert_timed_out_after_landing_is_created() {
    let (emulator, store) = emulated();
    let scope = conformance::new_org(&store, "a@acme.test").await;
    let repo = conformance::new_repo(&store, &scope, "app").await;
    emulator.fail_after_apply("INSERT_TASK", 1);
    let task = conformance::new_task(&store, &scope, &repo, "s1").await;
    assert_eq!(store.task(&scope, task.id).await.unwrap(), task);

    emulator.fail_before_apply("INSERT_TASK", 1);
    let lost = store
        .create_task(
            &scope,
            NewTask {
                id: TaskId::new(),
                quota_period: "2026-12".parse().unwrap(),
                repo_id: repo.id,
                instruction: "x".into(),
                sprint: None,
                max_tokens: None,
                jira_issue: None,
            },
        )
        .await;
    assert!(matches!(lost, Err(StoreError::Backend(_))), "{lost:?}");
}

fn plan(name: &str) -> PlanChange {
    PlanChange {
        plan: name.into(),
        custom_limits: Limits::default(),
    }
}

#[tokio::test]
async fn a_billing_claim_left_by_a_dead_delivery_is_taken_over() {
    let (emulator, store) = emulated();
    let scope = conformance::new_org(&store, "a@acme.test").await;
    // A delivery claimed evt_1 a minute ago and died before applying it.
    let dead = Uuid::new_v4();
    let long_ago = timestamp(now_millis() - time::Duration::minutes(1));
    let values = (
        "stripe",
        "evt_1",
        dead,
        scope.org_id().as_uuid(),
        long_ago,
        false,
    );
    emulator
        .run("INSERT_BILLING_EVENT", &values, Run::Once)
        .await
        .unwrap();
    let change = Some((scope, BillingChange::Plan(plan("pro"))));
    assert!(
        store
            .record_billing_event("stripe", "evt_1", change.clone())
            .await
            .unwrap()
    );
    assert_eq!(store.org(&scope).await.unwrap().plan, "pro");
    assert_eq!(emulator.runs("TAKE_OVER_BILLING_EVENT"), 1);
    assert!(
        !store
            .record_billing_event("stripe", "evt_1", change)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_billing_claim_that_timed_out_after_landing_is_ours() {
    let (emulator, store) = emulated();
    let scope = conformance::new_org(&store, "a@acme.test").await;
    emulator.fail_after_apply("INSERT_BILLING_EVENT", 1);
    let change = Some((scope, BillingChange::PastDue));
    assert!(
        store
            .record_billing_event("stripe", "evt_1", change.clone())
            .await
            .unwrap()
    );
    assert!(store.org(&scope).await.unwrap().past_due);
    assert!(
        !store
            .record_billing_event("stripe", "evt_1", change)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_recording_interrupted_after_the_ledger_is_completed_by_its_retry() {
    let (emulator, store) = emulated();
    let scope = conformance::new_org(&store, "a@acme.test").await;
    let repo = conformance::new_repo(&store, &scope, "app").await;
    let task = conformance::new_task(&store, &scope, &repo, "s1").await;
    let call = conformance::call("2026-12", 10, 5);
    // The node died after the ledger row, before the totals.
    emulator.fail_before_apply("SET_TASK_USAGE", 1);
    assert!(store.record_usage(&scope, task.id, &call).await.is_err());
    // The retry finds the call recorded (false) and writes the totals.
    assert!(!store.record_usage(&scope, task.id, &call).await.unwrap());
    let task = store.task(&scope, task.id).await.unwrap();
    assert_eq!((task.llm_calls, task.tokens.total()), (1, 15));
    let report = store
        .usage_report(
            &scope,
            "2026-12".parse().unwrap(),
            &UsagePage {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(report.total.tokens.total(), 15);
}

/// No statement of the catalogue is dead: each is run by this store or by `orchard migrate`
/// (which prepares them all, so a dead one would still have to fit the schema).
#[test]
fn every_statement_is_run_by_the_store_or_the_migration_runner() {
    let (store, runner) = (include_str!("../store.rs"), include_str!("../migrate.rs"));
    for (name, _) in crate::store::scylla_cql::ALL {
        let run =
            store.contains(&format!("\"{name}\"")) || runner.contains(&format!("get(\"{name}\")"));
        assert!(run, "{name} is never run");
    }
}
