//! Checks every statement of [`ALL`] against the schema in `schema/cql/`, without a cluster.
//!
//! CQL has no well-kept Rust parser, so [`super::parse`] is a small one for the subset Orchard
//! writes; this module checks what it parses against the schema.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::parse::*;
use super::*;

/// Checks one statement against the schema; every problem found, or what it binds.
fn check(schema: &Schema, text: &str) -> Result<Vec<String>, Vec<String>> {
    let s = parse_statement(text).map_err(|e| vec![e])?;
    let Some(table) = schema.tables.get(&s.table) else {
        return Err(vec![format!("no table or view {}", s.table)]);
    };
    let mut problems = Vec::new();
    let mut named: Vec<&String> = Vec::new();
    named.extend(&s.selected);
    named.extend(&s.assigned);
    named.extend(&s.inserted);
    named.extend(s.relations.iter().map(|r| &r.column));
    named.extend(&s.order_by);
    if let Condition::Columns(columns) = &s.condition {
        named.extend(columns.iter().map(|r| &r.column));
    }
    for column in named {
        if !table.columns.contains_key(column) {
            problems.push(format!("{} has no column {column}", table.name));
        }
    }
    for (what, list) in [
        ("selected", &s.selected),
        ("set", &s.assigned),
        ("inserted", &s.inserted),
    ] {
        let unique: BTreeSet<&String> = list.iter().collect();
        if unique.len() != list.len() {
            problems.push(format!("a column is {what} twice"));
        }
    }

    let write = s.verb != Verb::Select;
    if write && table.writes == Writes::View {
        problems.push(format!(
            "{} is a materialized view: write its base table {}",
            table.name,
            table.base.as_deref().unwrap_or("?")
        ));
    }
    match s.verb {
        Verb::Insert => {
            if s.inserted.len() != s.values {
                problems.push(format!(
                    "INSERT names {} columns but gives {} values",
                    s.inserted.len(),
                    s.values
                ));
            }
            for column in table.partition.iter().chain(&table.clustering) {
                if !s.inserted.contains(column) {
                    problems.push(format!("INSERT leaves key column {column} out"));
                }
            }
        }
        Verb::Update | Verb::Delete => {
            check_full_key(table, &s, &mut problems);
            for column in &s.assigned {
                if table.is_key(column) {
                    problems.push(format!("SET on key column {column}"));
                }
            }
        }
        Verb::Select => check_select_key(table, &s, &mut problems),
    }

    if let Condition::Columns(columns) = &s.condition {
        for column in columns.iter().map(|r| &r.column) {
            if table.is_key(column) {
                problems.push(format!("IF on key column {column}"));
            }
        }
    }
    let conditional = s.condition != Condition::None;
    match (write, table.writes, conditional) {
        (true, Writes::Lwt, false) => problems.push(format!(
            "{} is written with lightweight transactions only (writes: lwt): this write needs IF",
            table.name
        )),
        (true, Writes::Plain, true) => problems.push(format!(
            "{} is never written conditionally (writes: plain): no IF here, or change the data model",
            table.name
        )),
        _ => {}
    }

    if table.tenant {
        let binds_org = match s.verb {
            Verb::Insert => s.inserted.iter().any(|c| c == "org_id"),
            _ => s
                .relations
                .iter()
                .any(|r| r.column == "org_id" && r.op == Op::Eq),
        };
        if !binds_org {
            problems.push(format!("{} is a tenant table: bind org_id", table.name));
        }
    }
    let markers = text.matches('?').count();
    if markers != s.binds.len() {
        problems.push(format!(
            "{markers} `?` in the text, {} understood",
            s.binds.len()
        ));
    }
    if problems.is_empty() {
        Ok(s.binds)
    } else {
        Err(problems)
    }
}

/// Writes name one row: every key column with `=`.
fn check_full_key(table: &Table, s: &Statement, problems: &mut Vec<String>) {
    for column in table.partition.iter().chain(&table.clustering) {
        match relations_on(s, column).as_slice() {
            [Op::Eq] => {}
            [] => problems.push(format!("WHERE does not restrict key column {column}")),
            _ => problems.push(format!("a write restricts {column} with one `=` only")),
        }
    }
    for column in s.relations.iter().map(|r| &r.column) {
        if !table.is_key(column) {
            problems.push(format!("WHERE on non-key column {column}"));
        }
    }
}

/// Reads stay in one partition (or a few, with IN on the last partition column) and follow
/// CQL's clustering prefix rule, so they never need ALLOW FILTERING.
fn check_select_key(table: &Table, s: &Statement, problems: &mut Vec<String>) {
    let last = table.partition.len() - 1;
    for (index, column) in table.partition.iter().enumerate() {
        match relations_on(s, column).as_slice() {
            [Op::Eq] => {}
            [Op::In] if index == last => {}
            [] => problems.push(format!(
                "WHERE does not restrict partition key column {column}: the query would scan across partitions"
            )),
            _ => problems.push(format!(
                "partition key column {column} must be restricted with `=` (or IN, if it is the last)"
            )),
        }
    }
    let mut open = true;
    for column in &table.clustering {
        let ops = relations_on(s, column);
        if !ops.is_empty() && !open {
            problems.push(format!(
                "clustering column {column} is restricted after an unrestricted or ranged one"
            ));
        }
        match ops.as_slice() {
            [] => open = false,
            [Op::Eq] => {}
            [op] if op.is_range() || *op == Op::In => open = false,
            _ => problems.push(format!("clustering column {column} restricted twice")),
        }
    }
    for column in s.relations.iter().map(|r| &r.column) {
        if table.columns.contains_key(column) && !table.is_key(column) {
            problems.push(format!(
                "WHERE on non-key column {column} would need an index or ALLOW FILTERING"
            ));
        }
    }
    if let Some(column) = &s.order_by
        && table.clustering.first() != Some(column)
    {
        problems.push(format!(
            "ORDER BY {column}: only the first clustering column"
        ));
    }
}

fn relations_on(s: &Statement, column: &str) -> Vec<Op> {
    s.relations
        .iter()
        .filter(|r| r.column == column)
        .map(|r| r.op)
        .collect()
}

fn schema() -> Schema {
    parse_schema(&schema_files()).unwrap_or_else(|e| panic!("schema/cql: {e}"))
}

// --- the tests ------------------------------------------------------------------------------

/// What every statement binds, in order: the store's bind calls must follow it. Changing a
/// statement means changing its line here too.
const BINDS: &[(&str, &str)] = &[
    ("SELECT_APPLIED_MIGRATIONS", "component"),
    (
        "INSERT_APPLIED_MIGRATION",
        "component version name checksum applied_at applied_by",
    ),
    ("ACQUIRE_MIGRATION_LOCK", "name holder acquired_at ttl"),
    ("SELECT_MIGRATION_LOCK", "name"),
    ("RELEASE_MIGRATION_LOCK", "name if:holder"),
    ("INSERT_ORG_DIRECTORY", "shard org_id created_at"),
    ("DELETE_ORG_DIRECTORY", "shard org_id"),
    ("SELECT_ORG_DIRECTORY", "shard"),
    ("INSERT_ORG", "org_id name plan past_due created_at"),
    ("DELETE_ORG", "org_id"),
    ("SELECT_ORG", "org_id"),
    (
        "UPDATE_ORG_PLAN",
        "plan tasks_per_month monthly_tokens past_due org_id",
    ),
    ("UPDATE_ORG_PAST_DUE", "past_due org_id"),
    (
        "INSERT_USER_BY_EMAIL",
        "email user_id org_id role password_hash created_at",
    ),
    ("SELECT_USER_BY_EMAIL", "email"),
    (
        "INSERT_REPO",
        "org_id repo_id url provider default_branch created_at pull_requests",
    ),
    ("SELECT_REPO", "org_id repo_id"),
    ("SELECT_REPOS", "org_id"),
    ("INSERT_TASK_BUCKET", "org_id bucket"),
    ("SELECT_TASK_BUCKETS", "org_id bucket"),
    (
        "INSERT_TASK",
        "org_id bucket task_id repo_id instruction sprint max_tokens status attempts \
         changed_files prompt_tokens completion_tokens llm_calls cost_micros quota_period \
         quota_released created_at updated_at jira_issue",
    ),
    ("SELECT_TASK", "org_id bucket task_id"),
    ("SELECT_TASKS_BY_ID", "org_id bucket task_id[]"),
    ("LIST_TASKS", "org_id bucket task_id limit"),
    (
        "LIST_TASK_IDS_BY_STATUS",
        "org_id status bucket task_id limit",
    ),
    (
        "LIST_TASK_IDS_BY_SPRINT",
        "org_id sprint bucket task_id limit",
    ),
    (
        "START_ATTEMPT",
        "status attempts updated_at org_id bucket task_id if:status if:status if:attempts",
    ),
    (
        "TRANSITION_TASK",
        "status updated_at org_id bucket task_id if:status",
    ),
    (
        "FINISH_TASK_SUCCEEDED",
        "status summary branch commit_id changed_files updated_at pull_request_url org_id \
         bucket task_id if:status if:status",
    ),
    (
        "FINISH_TASK_FAILED",
        "status error_code error_message updated_at org_id bucket task_id if:status if:status",
    ),
    (
        "SET_TASK_USAGE",
        "prompt_tokens completion_tokens llm_calls cost_micros updated_at org_id bucket \
         task_id if:llm_calls",
    ),
    (
        "RELEASE_TASK_QUOTA",
        "quota_released org_id bucket task_id if:status if:status if:llm_calls \
         if:quota_released",
    ),
    ("SELECT_QUOTA_TASKS", "org_id quota_period"),
    ("SELECT_LAST_EVENT_SEQ", "org_id task_id limit"),
    ("INSERT_EVENT", "org_id task_id seq kind data at"),
    ("SELECT_EVENTS_AFTER", "org_id task_id seq"),
    (
        "INSERT_USAGE_CALL",
        "org_id task_id call_id period model prompt_tokens completion_tokens cost_micros at",
    ),
    ("SELECT_USAGE_CALLS", "org_id task_id"),
    (
        "INSERT_PERIOD_TASK_USAGE",
        "org_id period task_id sprint prompt_tokens completion_tokens cost_micros llm_calls",
    ),
    (
        "UPDATE_PERIOD_TASK_USAGE",
        "prompt_tokens completion_tokens cost_micros llm_calls org_id period task_id \
         if:llm_calls",
    ),
    ("SELECT_PERIOD_USAGE", "org_id period"),
    (
        "INSERT_BILLING_EVENT",
        "provider event_id claim org_id received_at applied",
    ),
    ("MARK_BILLING_EVENT_APPLIED", "applied provider event_id"),
    (
        "TAKE_OVER_BILLING_EVENT",
        "claim received_at provider event_id if:claim if:applied",
    ),
    ("RELEASE_BILLING_EVENT", "provider event_id if:claim"),
    ("SELECT_BILLING_EVENT", "provider event_id"),
    ("SELECT_BILLING_CUSTOMER", "provider customer_ref"),
    (
        "UPSERT_BILLING_CUSTOMER",
        "provider customer_ref org_id plan",
    ),
    (
        "INSERT_CREDENTIAL",
        "org_id provider credential_id username scopes_note fingerprint key_version nonce \
         ciphertext created_at base_url",
    ),
    (
        "REPLACE_CREDENTIAL",
        "credential_id username scopes_note fingerprint key_version nonce ciphertext \
         rotated_at base_url org_id provider",
    ),
    ("SELECT_CREDENTIAL", "org_id provider"),
    ("SELECT_CREDENTIALS", "org_id"),
    (
        "RESEAL_CREDENTIAL",
        "key_version nonce ciphertext org_id provider if:credential_id",
    ),
    ("DELETE_CREDENTIAL", "org_id provider"),
];

#[test]
fn every_statement_fits_the_schema() {
    let schema = schema();
    let recorded: BTreeMap<&str, &str> = BINDS.iter().copied().collect();
    let mut problems = Vec::new();
    for (name, text) in ALL {
        match check(&schema, text) {
            Ok(binds) => {
                let binds = binds.join(" ");
                let expected = recorded
                    .get(name)
                    .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "));
                if expected.as_deref() != Some(binds.as_str()) {
                    problems.push(format!(
                        "{name}: binds `{binds}` ({} markers), recorded `{}`",
                        binds.split_whitespace().count(),
                        expected.unwrap_or_else(|| "nothing".into())
                    ));
                }
            }
            Err(found) => {
                for problem in found {
                    problems.push(format!("{name}: {problem}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    assert_eq!(
        BINDS.len(),
        ALL.len(),
        "BINDS has a line for a statement that is not in ALL"
    );
}

#[test]
fn names_and_statements_are_unique() {
    let names: BTreeSet<&str> = ALL.iter().map(|(name, _)| *name).collect();
    assert_eq!(names.len(), ALL.len(), "a name appears twice in ALL");
    let texts: BTreeSet<&str> = ALL.iter().map(|(_, text)| *text).collect();
    assert_eq!(texts.len(), ALL.len(), "a statement appears twice in ALL");
}

/// One table per query: a table nobody reads, or a base table nobody writes, is a mistake.
#[test]
fn every_table_is_read_and_written() {
    let schema = schema();
    let parsed: Vec<Statement> = ALL
        .iter()
        .map(|(name, text)| parse_statement(text).unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect();
    for table in schema.tables.values() {
        let read = parsed
            .iter()
            .any(|s| s.verb == Verb::Select && s.table == table.name);
        assert!(read, "no statement reads {} ({})", table.name, table.file);
        if table.writes != Writes::View {
            let written = parsed
                .iter()
                .any(|s| s.verb != Verb::Select && s.table == table.name);
            assert!(
                written,
                "no statement writes {} ({})",
                table.name, table.file
            );
        }
    }
}

/// The tables docs/data-model.md describes, with their kinds: a new table must be added here
/// (and to the document) on purpose.
#[test]
fn the_schema_has_the_documented_tables() {
    let schema = schema();
    let found: Vec<String> = schema
        .tables
        .values()
        .map(|t| {
            let kind = if t.tenant { "tenant" } else { "global" };
            let writes = match t.writes {
                Writes::Lwt => "lwt",
                Writes::Plain => "plain",
                Writes::View => "view",
            };
            format!("{} {kind} {writes}", t.name)
        })
        .collect();
    let expected = [
        "billing_customers global plain",
        "billing_events global lwt",
        "credentials tenant lwt",
        "migration_lock global lwt",
        "org_directory global plain",
        "orgs tenant lwt",
        "period_task_usage tenant lwt",
        "repos tenant plain",
        "schema_migrations global lwt",
        "task_buckets tenant plain",
        "task_events tenant lwt",
        "tasks tenant lwt",
        "tasks_by_quota tenant view",
        "tasks_by_sprint tenant view",
        "tasks_by_status tenant view",
        "usage_calls tenant lwt",
        "users_by_email global lwt",
    ];
    assert_eq!(found, expected);
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/data-model.md"))
            .expect("docs/data-model.md");
    for table in schema.tables.keys() {
        assert!(
            doc.contains(&format!("`{table}`")),
            "docs/data-model.md does not describe `{table}`"
        );
    }
    for (name, _) in ALL {
        assert!(
            doc.contains(name),
            "docs/data-model.md does not mention {name}"
        );
    }
}

#[test]
fn the_first_migration_can_run_before_anything_is_recorded() {
    let files = schema_files();
    let (name, _) = &files[0];
    let schema = parse_schema(&files[..1]).unwrap();
    assert!(name.ends_with("_migrations.cql"));
    let tables: Vec<&String> = schema.tables.keys().collect();
    assert_eq!(
        tables,
        ["migration_lock", "schema_migrations"],
        "{name} holds only the runner's tables"
    );
}

/// The checker is only worth something if it fails: each broken statement here must be
/// reported, with a message naming what is wrong.
#[test]
fn the_checker_reports_broken_statements() {
    let schema = schema();
    let cases = [
        // A misspelled column.
        (
            "SELECT org_id, nmae FROM {keyspace}.orgs WHERE org_id = ?",
            "no column nmae",
        ),
        (
            "UPDATE {keyspace}.orgs SET past_deu = ? WHERE org_id = ? IF EXISTS",
            "no column past_deu",
        ),
        // A misspelled table.
        (
            "SELECT org_id FROM {keyspace}.org WHERE org_id = ?",
            "no table or view org",
        ),
        // A scan: part of the partition key missing, a filter on a non-key column.
        (
            "SELECT task_id FROM {keyspace}.tasks WHERE org_id = ?",
            "partition key column bucket",
        ),
        (
            "SELECT task_id FROM {keyspace}.tasks WHERE org_id = ? AND bucket = ? AND status = ?",
            "non-key column status",
        ),
        (
            "SELECT task_id FROM {keyspace}.tasks WHERE org_id = ? AND bucket = ? ALLOW FILTERING",
            "ALLOW FILTERING",
        ),
        // A tenant table read without the org.
        (
            "SELECT repo_id FROM {keyspace}.repos WHERE repo_id = ?",
            "bind org_id",
        ),
        // Conditional writes where the data model has none, and the other way round.
        (
            "INSERT INTO {keyspace}.repos (org_id, repo_id) VALUES (?, ?) IF NOT EXISTS",
            "writes: plain",
        ),
        (
            "UPDATE {keyspace}.orgs SET past_due = ? WHERE org_id = ?",
            "needs IF",
        ),
        // Values.
        (
            "INSERT INTO {keyspace}.task_buckets (org_id, bucket) VALUES (?)",
            "2 columns but gives 1",
        ),
        (
            "SELECT bucket FROM {keyspace}.task_buckets WHERE org_id = 'acme'",
            "literal",
        ),
        (
            "SELECT bucket FROM {keyspace}.task_buckets WHERE org_id = ? LIMIT 10",
            "literal",
        ),
        // Not part of the subset.
        (
            "BEGIN BATCH INSERT INTO {keyspace}.task_buckets (org_id, bucket) VALUES (?, ?) APPLY BATCH",
            "no BATCH",
        ),
        (
            "SELECT bucket FROM task_buckets WHERE org_id = ?",
            "{keyspace}.name",
        ),
        (
            "SELECT * FROM {keyspace}.orgs WHERE org_id = ?",
            "name the columns",
        ),
        // Writes to a view, writes that name no single row.
        (
            "DELETE FROM {keyspace}.tasks_by_status WHERE org_id = ? AND status = ? AND bucket = ? AND task_id = ?",
            "materialized view",
        ),
        (
            "DELETE FROM {keyspace}.task_buckets WHERE org_id = ?",
            "key column bucket",
        ),
        (
            "UPDATE {keyspace}.tasks SET status = ? WHERE org_id = ? AND bucket = ? AND task_id = ? IF task_id = ?",
            "IF on key column task_id",
        ),
    ];
    for (text, expected) in cases {
        let problems = check(&schema, text).expect_err(text);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{text}\nexpected a problem mentioning {expected:?}, got {problems:?}"
        );
    }
}

/// Every column of every statement, misspelled one at a time, must be reported.
#[test]
fn every_misspelled_column_is_caught() {
    let schema = schema();
    let mut missed = Vec::new();
    for (name, text) in ALL {
        let statement = parse_statement(text).unwrap();
        let table = &schema.tables[&statement.table];
        let columns: BTreeSet<&String> = table
            .columns
            .keys()
            .filter(|c| {
                regex::Regex::new(&format!(r"\b{c}\b"))
                    .unwrap()
                    .is_match(text)
            })
            .collect();
        assert!(!columns.is_empty(), "{name} names no column");
        for column in columns {
            let pattern = regex::Regex::new(&format!(r"\b{column}\b")).unwrap();
            let typo = pattern.replace(text, format!("{column}x").as_str());
            if check(&schema, &typo).is_ok() {
                missed.push(format!("{name}: {column} -> {column}x"));
            }
        }
    }
    assert!(
        missed.is_empty(),
        "typos not caught:\n{}",
        missed.join("\n")
    );
}

/// The same for the schema: a typo in a migration fails the tests too.
#[test]
fn the_checker_reports_broken_schema() {
    let header = "-- kind: tenant; writes: plain\n";
    let cases = [
        (
            "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, id uuid, PRIMARY KEY ((org_id), idd));",
            "key column idd is not a column",
        ),
        (
            "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, id uuid, PRIMARY KEY ((id), org_id));",
            "starts with org_id",
        ),
        (
            "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, n counter, PRIMARY KEY ((org_id)));",
            "counter",
        ),
        (
            "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, id uuid, PRIMARY KEY ((org_id), id)) WITH CLUSTERING ORDER BY (idd DESC);",
            "CLUSTERING ORDER BY",
        ),
        (
            "CREATE TABLE {keyspace}.t (org_id uuid, PRIMARY KEY ((org_id)));",
            "IF NOT EXISTS",
        ),
        (
            "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, x txet, PRIMARY KEY ((org_id)));",
            "unknown type txet",
        ),
        (
            "CREATE KEYSPACE IF NOT EXISTS {keyspace} WITH replication = {};",
            "only CREATE TABLE",
        ),
        (
            "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, token text, PRIMARY KEY ((org_id)));",
            "reserved",
        ),
    ];
    for (text, expected) in cases {
        let files = vec![("0001_broken.cql".to_owned(), format!("{header}{text}\n"))];
        let err = parse_schema(&files).expect_err(text);
        assert!(
            err.contains(expected),
            "{text}\nexpected {expected:?}, got {err:?}"
        );
    }
    let untagged = vec![(
        "0001_broken.cql".to_owned(),
        "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, PRIMARY KEY ((org_id)));\n"
            .to_owned(),
    )];
    assert!(parse_schema(&untagged).unwrap_err().contains("kind:"));
    let gap = vec![("0002_x.cql".to_owned(), String::new())];
    assert!(parse_schema(&gap).unwrap_err().contains("without gaps"));

    // A column added by a later migration joins its table; a bad one is refused.
    let table = format!(
        "{header}CREATE TABLE IF NOT EXISTS {{keyspace}}.t (org_id uuid, PRIMARY KEY ((org_id)));\n"
    );
    let added = parse_schema(&[
        ("0001_t.cql".to_owned(), table.clone()),
        (
            "0002_more.cql".to_owned(),
            "ALTER TABLE {keyspace}.t ADD note text;\n".to_owned(),
        ),
    ])
    .unwrap();
    assert_eq!(added.tables["t"].columns["note"], "text");
    assert_eq!(added.tables["t"].column_order, ["org_id", "note"]);
    for (alter, expected) in [
        (
            "ALTER TABLE {keyspace}.nope ADD note text;",
            "no earlier migration",
        ),
        (
            "ALTER TABLE {keyspace}.t ADD org_id uuid;",
            "exists already",
        ),
        ("ALTER TABLE {keyspace}.t ADD note txet;", "unknown type"),
        ("ALTER TABLE {keyspace}.t DROP org_id;", "expected `ADD`"),
        ("ALTER TABLE {keyspace}.t ADD token text;", "reserved"),
    ] {
        let err = parse_schema(&[
            ("0001_t.cql".to_owned(), table.clone()),
            ("0002_more.cql".to_owned(), format!("{alter}\n")),
        ])
        .expect_err(alter);
        assert!(
            err.contains(expected),
            "{alter}: expected {expected:?}, got {err:?}"
        );
    }
}

#[test]
fn the_keyspace_is_checked_before_it_is_put_in() {
    let qualified = with_keyspace(SELECT_ORG, "orchard_prod").unwrap();
    assert!(qualified.contains("FROM orchard_prod.orgs"));
    assert!(!qualified.contains('{'));
    for bad in [
        "",
        "Orchard",
        "1orchard",
        "orch-ard",
        "orchard; DROP",
        &"a".repeat(49),
    ] {
        assert!(with_keyspace(SELECT_ORG, bad).is_err(), "{bad:?}");
    }
    for (name, text) in ALL {
        assert!(
            text.contains("{keyspace}."),
            "{name} does not name its table by the placeholder"
        );
    }
}

#[test]
fn task_buckets_follow_the_id_and_sentinels_bound_every_id() {
    let id = TaskId::new();
    let now = orchard_actors::budget::Period::of(OffsetDateTime::now_utc()).to_string();
    let bucket = task_bucket(id).unwrap();
    // The id was made a moment ago: this month, or (at midnight on the 1st) the one before.
    let previous = orchard_actors::budget::Period::of(OffsetDateTime::now_utc())
        .previous()
        .to_string();
    assert!(bucket == now || bucket == previous, "{bucket}");
    assert_eq!(
        task_bucket(TaskId::from_uuid(uuid::Uuid::from_u128(
            0x0000_0000_0000_7000_8000_0000_0000_0000
        ))),
        Some("1970-01".to_owned())
    );
    assert_eq!(task_bucket(TaskId::from_uuid(uuid::Uuid::new_v4())), None);
    // Sentinels: above every real id and bucket, in ScyllaDB's order for UUIDs of one
    // version (unsigned bytes) and for text.
    assert_eq!(NEWEST_TASK_ID.get_version_num(), 7);
    assert!(NEWEST_TASK_ID.as_bytes() > id.as_uuid().as_bytes());
    assert!(NEWEST_BUCKET > bucket.as_str());
}

#[test]
fn org_directory_shards_are_stable_and_in_range() {
    let org = OrgId::from_uuid(uuid::Uuid::from_u128(
        0x0190_0000_0000_7000_8000_0000_0000_0041,
    ));
    assert_eq!(org_directory_shard(org), 0x41 % 32);
    let shards: BTreeSet<i32> = (0..2000)
        .map(|_| org_directory_shard(OrgId::new()))
        .collect();
    assert!(
        shards
            .iter()
            .all(|s| (0..i32::from(ORG_DIRECTORY_SHARDS)).contains(s))
    );
    assert!(shards.len() > 24, "ids spread over the shards: {shards:?}");
}
