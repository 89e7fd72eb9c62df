//! The emulator against the statements of `ALL`, one behaviour at a time.

use scylla::SerializeRow;
use scylla::serialize::row::SerializeRow as Values;
use scylla::value::{CqlTimestamp, CqlValue, MaybeUnset};
use uuid::Uuid;

use super::Emulator;
use crate::store::scylla::cql::{Cql, CqlError, Rows, Run};

/// Runs `name` once, panicking on an error.
async fn ok(emulator: &Emulator, name: &'static str, values: impl Values + Sync) -> Rows {
    emulator
        .run(name, &values, Run::Once)
        .await
        .unwrap_or_else(|err| panic!("{err}"))
}

/// Runs `name` once, expecting an error.
async fn refused(emulator: &Emulator, name: &'static str, values: impl Values + Sync) -> CqlError {
    emulator
        .run(name, &values, Run::Once)
        .await
        .expect_err("the statement should be refused")
}

/// `[applied]` of a conditional statement's result.
fn applied(rows: &Rows) -> bool {
    rows.lwt().expect("a conditional result").0
}

/// The values of column `column`, one per row.
fn column(rows: &Rows, column: &str) -> Vec<Option<CqlValue>> {
    rows.iter().map(|row| row.get(column).cloned()).collect()
}

/// A UUIDv7-shaped id that sorts by `n`.
fn id(n: u128) -> Uuid {
    Uuid::from_u128((n << 80) | 0x7000_8000_0000_0000_0000)
}

const BUCKET: &str = "2026-12";

/// The values of `INSERT_TASK` (18: more than a tuple holds).
#[derive(SerializeRow)]
#[scylla(flavor = "enforce_order", skip_name_checks)]
struct TaskInsert {
    org_id: Uuid,
    bucket: &'static str,
    task_id: Uuid,
    repo_id: Uuid,
    instruction: &'static str,
    sprint: MaybeUnset<&'static str>,
    max_tokens: MaybeUnset<i64>,
    status: &'static str,
    attempts: i32,
    changed_files: Vec<String>,
    prompt_tokens: i64,
    completion_tokens: i64,
    llm_calls: i32,
    cost_micros: i64,
    quota_period: &'static str,
    quota_released: bool,
    created_at: CqlTimestamp,
    updated_at: CqlTimestamp,
    jira_issue: MaybeUnset<&'static str>,
}

/// Inserts a queued task of `org`, in [`BUCKET`], without a sprint.
async fn insert_task(emulator: &Emulator, org: Uuid, task: Uuid) {
    let values = TaskInsert {
        org_id: org,
        bucket: BUCKET,
        task_id: task,
        repo_id: id(999),
        instruction: "do it",
        sprint: MaybeUnset::Unset,
        max_tokens: MaybeUnset::Unset,
        status: "queued",
        attempts: 0,
        changed_files: Vec::new(),
        prompt_tokens: 0,
        completion_tokens: 0,
        llm_calls: 0,
        cost_micros: 0,
        quota_period: BUCKET,
        quota_released: false,
        created_at: CqlTimestamp(1),
        updated_at: CqlTimestamp(1),
        jira_issue: MaybeUnset::Unset,
    };
    assert!(applied(&ok(emulator, "INSERT_TASK", values).await));
}

#[tokio::test]
async fn insert_if_not_exists_applies_once_and_returns_the_old_row() {
    let emulator = Emulator::new();
    let org = id(1);
    let first = ok(
        &emulator,
        "INSERT_ORG",
        (org, "Acme", "free", false, CqlTimestamp(10)),
    )
    .await;
    assert!(applied(&first));
    assert_eq!(first.columns[0], "[applied]");
    assert_eq!(first.columns[1], "org_id", "the key first");
    let (_, row) = first.lwt().expect("a row");
    assert_eq!(row.get("name"), None, "no row before");
    assert_eq!(first.columns.len(), 1 + 7, "every column of orgs");

    let second = ok(
        &emulator,
        "INSERT_ORG",
        (org, "Other", "pro", true, CqlTimestamp(20)),
    )
    .await;
    let (was_applied, row) = second.lwt().expect("a row");
    assert!(!was_applied);
    assert_eq!(row.text("name").expect("name"), "Acme");
    assert_eq!(
        row.get("created_at"),
        Some(&CqlValue::Timestamp(CqlTimestamp(10)))
    );

    let read = ok(&emulator, "SELECT_ORG", (org,)).await;
    assert_eq!(read.columns[1], "name");
    assert_eq!(column(&read, "plan"), [Some(CqlValue::Text("free".into()))]);
    assert_eq!(column(&read, "tasks_per_month"), [None]);
}

#[tokio::test]
async fn update_if_exists_on_a_missing_row_is_not_applied() {
    let emulator = Emulator::new();
    let rows = ok(&emulator, "UPDATE_ORG_PAST_DUE", (true, id(1))).await;
    assert!(!applied(&rows));
    assert!(rows.rows[0][1..].iter().all(Option::is_none), "{rows:?}");
    let read = ok(&emulator, "SELECT_ORG", (id(1),)).await;
    assert!(read.rows.is_empty(), "no row was created");
}

#[tokio::test]
async fn listings_are_newest_first_after_the_cursor_and_limited() {
    let emulator = Emulator::new();
    let org = id(1);
    for n in 10..15 {
        insert_task(&emulator, org, id(n)).await;
    }
    insert_task(&emulator, id(2), id(20)).await;
    let newest = crate::store::scylla_cql::NEWEST_TASK_ID;
    let page = ok(&emulator, "LIST_TASKS", (org, BUCKET, newest, 2_i32)).await;
    let ids = |rows: &Rows| -> Vec<Uuid> {
        rows.iter()
            .map(|r| r.uuid("task_id").expect("task_id"))
            .collect()
    };
    assert_eq!(ids(&page), [id(14), id(13)]);
    let next = ok(&emulator, "LIST_TASKS", (org, BUCKET, id(13), 10_i32)).await;
    assert_eq!(ids(&next), [id(12), id(11), id(10)]);
    let columns = next.columns.join(", ");
    assert!(
        columns.starts_with("org_id, bucket, task_id, repo_id"),
        "{columns}"
    );

    let last = ok(&emulator, "SELECT_LAST_EVENT_SEQ", (org, id(10), 1_i32)).await;
    assert!(last.rows.is_empty());
    for seq in [1_i64, 2, 3] {
        let event = (org, id(10), seq, "log", "{}", CqlTimestamp(seq));
        assert!(applied(&ok(&emulator, "INSERT_EVENT", event).await));
    }
    let last = ok(&emulator, "SELECT_LAST_EVENT_SEQ", (org, id(10), 1_i32)).await;
    assert_eq!(column(&last, "seq"), [Some(CqlValue::BigInt(3))]);
    let after = ok(&emulator, "SELECT_EVENTS_AFTER", (org, id(10), 1_i64)).await;
    assert_eq!(
        column(&after, "seq"),
        [Some(CqlValue::BigInt(2)), Some(CqlValue::BigInt(3))]
    );
    assert!(
        refused(&emulator, "LIST_TASKS", (org, BUCKET, newest, 0_i32))
            .await
            .message
            .contains("LIMIT")
    );
}

#[tokio::test]
async fn a_view_follows_its_base_table() {
    let emulator = Emulator::new();
    let org = id(1);
    let task = id(10);
    insert_task(&emulator, org, task).await;
    let newest = crate::store::scylla_cql::NEWEST_TASK_ID;
    let by_status = |status: &'static str| (org, status, BUCKET, newest, 10_i32);
    let queued = ok(&emulator, "LIST_TASK_IDS_BY_STATUS", by_status("queued")).await;
    assert_eq!(column(&queued, "task_id"), [Some(CqlValue::Uuid(task))]);

    let key = (org, BUCKET, task);
    let moved = ok(
        &emulator,
        "TRANSITION_TASK",
        ("cancelled", CqlTimestamp(2), key.0, key.1, key.2, "queued"),
    )
    .await;
    assert!(applied(&moved));
    let (_, before) = moved.lwt().expect("a row");
    assert_eq!(
        before.text("status").expect("status"),
        "queued",
        "the row before"
    );

    let queued = ok(&emulator, "LIST_TASK_IDS_BY_STATUS", by_status("queued")).await;
    assert!(queued.rows.is_empty());
    let cancelled = ok(&emulator, "LIST_TASK_IDS_BY_STATUS", by_status("cancelled")).await;
    assert_eq!(column(&cancelled, "task_id"), [Some(CqlValue::Uuid(task))]);
    // No sprint: the row is not in the sprint view.
    let sprint = ok(
        &emulator,
        "LIST_TASK_IDS_BY_SPRINT",
        (org, "s1", BUCKET, newest, 10_i32),
    )
    .await;
    assert!(sprint.rows.is_empty());
    let quota = ok(&emulator, "SELECT_QUOTA_TASKS", (org, BUCKET)).await;
    assert_eq!(
        column(&quota, "quota_released"),
        [Some(CqlValue::Boolean(false))]
    );
}

#[tokio::test]
async fn conditions_compare_and_in_lists_are_bounded() {
    let emulator = Emulator::new();
    let org = id(1);
    let task = id(10);
    insert_task(&emulator, org, task).await;
    let start = |attempts: i32| {
        (
            "running",
            1_i32,
            CqlTimestamp(3),
            org,
            BUCKET,
            task,
            "queued",
            "running",
            attempts,
        )
    };
    assert!(!applied(&ok(&emulator, "START_ATTEMPT", start(1)).await));
    assert!(applied(&ok(&emulator, "START_ATTEMPT", start(0)).await));
    assert!(!applied(&ok(&emulator, "START_ATTEMPT", start(0)).await));

    let ids: Vec<Uuid> = (0..100).map(id).chain([task]).collect();
    let err = refused(&emulator, "SELECT_TASKS_BY_ID", (org, BUCKET, ids.clone())).await;
    assert!(
        err.message
            .contains("max_clustering_key_restrictions_per_query"),
        "{err}"
    );
    let found = ok(
        &emulator,
        "SELECT_TASKS_BY_ID",
        (org, BUCKET, ids[1..].to_vec()),
    )
    .await;
    assert_eq!(column(&found, "task_id"), [Some(CqlValue::Uuid(task))]);
    assert_eq!(column(&found, "attempts"), [Some(CqlValue::Int(1))]);
}

#[tokio::test]
async fn the_drivers_type_checks_and_missing_values_are_refused() {
    let emulator = Emulator::new();
    // `shard` is an int.
    let err = refused(&emulator, "SELECT_ORG_DIRECTORY", (3_i64,)).await;
    assert_eq!(err.statement, "SELECT_ORG_DIRECTORY");
    assert!(
        err.message
            .contains("Failed to type check Rust type i64 against CQL type Native(Int)"),
        "{err}"
    );
    // Too few values.
    refused(&emulator, "SELECT_REPO", (id(1),)).await;
    // Null or unset in a key.
    refused(&emulator, "SELECT_ORG", (None::<Uuid>,)).await;
    refused(
        &emulator,
        "INSERT_ORG_DIRECTORY",
        (MaybeUnset::<i32>::Unset, id(1), CqlTimestamp(1)),
    )
    .await;
    // Unset in a condition.
    let release = ("lock", MaybeUnset::<&str>::Unset);
    refused(&emulator, "RELEASE_MIGRATION_LOCK", release).await;
    // Serial and paged runs are for reads only.
    let err = emulator
        .run("UPDATE_ORG_PAST_DUE", &(true, id(1)), Run::Serial)
        .await
        .expect_err("a write at SERIAL");
    assert!(err.message.contains("SELECT"), "{err}");
    assert!(
        emulator
            .run("SELECT_ORG", &(id(1),), Run::Serial)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn unset_leaves_a_column_and_null_clears_it() {
    let emulator = Emulator::new();
    let credential = |fingerprint: MaybeUnset<Option<&'static str>>| {
        (
            id(1),
            "github",
            id(5),
            "bot",
            MaybeUnset::<&str>::Unset,
            fingerprint,
            1_i32,
            vec![1_u8, 2],
            vec![3_u8],
            CqlTimestamp(1),
            MaybeUnset::<&str>::Unset,
        )
    };
    let first = credential(MaybeUnset::Set(Some("ab:cd")));
    assert!(applied(&ok(&emulator, "INSERT_CREDENTIAL", first).await));
    let reseal = (
        2_i32,
        MaybeUnset::<Vec<u8>>::Unset,
        vec![9_u8],
        id(1),
        "github",
        id(5),
    );
    assert!(applied(&ok(&emulator, "RESEAL_CREDENTIAL", reseal).await));
    let read = ok(&emulator, "SELECT_CREDENTIAL", (id(1), "github")).await;
    let row = read.first().expect("the credential");
    assert_eq!(row.blob("nonce").expect("nonce"), [1, 2], "unset left it");
    assert_eq!(row.blob("ciphertext").expect("ciphertext"), [9]);
    assert_eq!(row.opt_int("key_version").expect("key_version"), Some(2));
    assert_eq!(
        row.opt_text("fingerprint").expect("fp").as_deref(),
        Some("ab:cd")
    );
    assert_eq!(
        row.opt_text("scopes_note").expect("note"),
        None,
        "unset on a new row"
    );

    let replace = (
        id(6),
        "bot",
        MaybeUnset::<&str>::Unset,
        None::<&str>,
        3_i32,
        vec![1_u8],
        vec![2_u8],
        CqlTimestamp(5),
        None::<&str>,
        id(1),
        "github",
    );
    assert!(applied(&ok(&emulator, "REPLACE_CREDENTIAL", replace).await));
    let read = ok(&emulator, "SELECT_CREDENTIAL", (id(1), "github")).await;
    let row = read.first().expect("the credential");
    assert_eq!(
        row.opt_text("fingerprint").expect("fp"),
        None,
        "null cleared it"
    );
    assert_eq!(
        row.time("created_at").expect("created_at").unix_timestamp(),
        0
    );
}

#[tokio::test]
async fn injected_faults_fail_after_or_before_the_write() {
    let emulator = Emulator::new();
    let org = (id(1), "Acme", "free", false, CqlTimestamp(1));
    emulator.fail_before_apply("INSERT_ORG", 1);
    let err = refused(&emulator, "INSERT_ORG", org).await;
    assert_eq!(err.message, "timed out (emulated)");
    assert!(ok(&emulator, "SELECT_ORG", (id(1),)).await.rows.is_empty());

    emulator.fail_after_apply("INSERT_ORG", 1);
    refused(&emulator, "INSERT_ORG", org).await;
    let read = emulator
        .run("SELECT_ORG", &(id(1),), Run::Serial)
        .await
        .expect("a serial read");
    assert_eq!(read.rows.len(), 1, "the write landed");
    assert!(
        !applied(&ok(&emulator, "INSERT_ORG", org).await),
        "the fault is used up"
    );
    assert_eq!(emulator.runs("INSERT_ORG"), 3);
    assert_eq!(emulator.runs("DELETE_ORG"), 0);
}

#[tokio::test]
async fn a_ttl_expires_the_row_and_bad_ttls_are_refused() {
    let emulator = Emulator::new();
    let lock = |ttl: i32| ("store", "node-a", CqlTimestamp(1), ttl);
    assert!(applied(
        &ok(&emulator, "ACQUIRE_MIGRATION_LOCK", lock(1)).await
    ));
    assert!(!applied(
        &ok(&emulator, "ACQUIRE_MIGRATION_LOCK", lock(1)).await
    ));
    refused(&emulator, "ACQUIRE_MIGRATION_LOCK", lock(-1)).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(
        ok(&emulator, "SELECT_MIGRATION_LOCK", ("store",))
            .await
            .rows
            .is_empty()
    );
    assert!(applied(
        &ok(&emulator, "ACQUIRE_MIGRATION_LOCK", lock(60)).await
    ));
    let release = ok(&emulator, "RELEASE_MIGRATION_LOCK", ("store", "node-b")).await;
    assert!(!applied(&release));
    let release = ok(&emulator, "RELEASE_MIGRATION_LOCK", ("store", "node-a")).await;
    assert!(applied(&release));
    assert!(
        ok(&emulator, "SELECT_MIGRATION_LOCK", ("store",))
            .await
            .rows
            .is_empty()
    );
}

#[test]
#[should_panic(expected = "not a statement")]
fn an_unknown_statement_is_a_bug() {
    Emulator::new().runs("SELECT_NOTHING");
}
