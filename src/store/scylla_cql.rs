//! Every CQL statement the ScyllaDB store runs, as named constants.
//!
//! The tables are the migrations in `schema/cql/`; docs/data-model.md lists which `Store`
//! method runs which statement, at which consistency, and why. The store (issue 8) prepares
//! every statement of [`ALL`] once at start-up, after [`with_keyspace`] has put the configured
//! keyspace in place of `{keyspace}`, and from then on only executes prepared statements with
//! bound values: every value is a `?` bind marker, no statement text is ever built from a value.
//!
//! The tests below parse the schema files and every statement, and check each statement
//! against the tables it names (columns, partition keys, conditional writes, tenancy), so a
//! typo in a statement or in the schema fails `cargo test` without a cluster.
//!
//! Conventions the store relies on:
//! - A listing's first page binds a sentinel instead of a cursor: [`NEWEST_TASK_ID`] for
//!   `task_id < ?`, [`NEWEST_BUCKET`] for `bucket <= ?`.
//! - `IN ?` lists bind at most 100 values (ScyllaDB's default
//!   `max_clustering_key_restrictions_per_query`); the store splits longer ones.
//! - Optional columns of an INSERT bind "unset", not null, for absent values (a null writes a
//!   tombstone).

use orchard_actors::domain::{OrgId, TaskId};
use time::OffsetDateTime;

/// What the schema files and the statements write instead of the keyspace's name.
pub(crate) const KEYSPACE_PLACEHOLDER: &str = "{keyspace}";

/// How many partitions `org_directory` spreads the orgs over.
pub(crate) const ORG_DIRECTORY_SHARDS: u8 = 32;

/// Bound as the `task_id < ?` cursor of a listing's first page: the largest UUIDv7, above
/// every id (ScyllaDB orders UUIDs of one version by their unsigned bytes).
pub(crate) const NEWEST_TASK_ID: uuid::Uuid =
    uuid::Uuid::from_u128(0xffff_ffff_ffff_7fff_bfff_ffff_ffff_ffff);

/// Bound as the `bucket <= ?` cursor of a listing's first page: after every month.
pub(crate) const NEWEST_BUCKET: &str = "9999-12";

/// The keyspace name is not a valid unquoted CQL identifier of at most 48 characters, all
/// lowercase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid keyspace name {0:?}: use [a-z][a-z0-9_]*, at most 48 characters")]
pub(crate) struct InvalidKeyspace(String);

/// `cql` (a statement of [`ALL`] or a schema file) with `{keyspace}` replaced by `keyspace`.
///
/// The name is an identifier from configuration, not a value, and is checked before it is
/// put into any statement.
pub(crate) fn with_keyspace(cql: &str, keyspace: &str) -> Result<String, InvalidKeyspace> {
    let mut chars = keyspace.chars();
    let valid = keyspace.len() <= 48
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(InvalidKeyspace(keyspace.to_owned()));
    }
    Ok(cql.replace(KEYSPACE_PLACEHOLDER, keyspace))
}

/// The `bucket` of a task: the UTC month (`YYYY-MM`) of its id's UUIDv7 timestamp. `None` for
/// an id that is not a UUIDv7: `create_task` refuses one, so for lookups it is NotFound.
pub(crate) fn task_bucket(id: TaskId) -> Option<String> {
    let uuid = id.as_uuid();
    if uuid.get_version_num() != 7 {
        return None;
    }
    let bytes = uuid.as_bytes();
    let mut millis = [0u8; 8];
    millis[2..].copy_from_slice(&bytes[..6]);
    let millis = i128::from(u64::from_be_bytes(millis));
    let at = OffsetDateTime::from_unix_timestamp_nanos(millis * 1_000_000).ok()?;
    Some(orchard_actors::budget::Period::of(at).to_string())
}

/// The `org_directory` partition of an org: the last byte of its id (random in a UUIDv7)
/// modulo [`ORG_DIRECTORY_SHARDS`].
pub(crate) fn org_directory_shard(org: OrgId) -> i32 {
    i32::from(org.as_uuid().as_bytes()[15] % ORG_DIRECTORY_SHARDS)
}

// --- migration runner (`orchard migrate`) ---------------------------------------------------

/// The migrations a component has applied.
pub(crate) const SELECT_APPLIED_MIGRATIONS: &str = "SELECT version, name, checksum \
     FROM {keyspace}.schema_migrations WHERE component = ?";

/// Records an applied migration; not applied if another node recorded it first.
pub(crate) const INSERT_APPLIED_MIGRATION: &str = "INSERT INTO {keyspace}.schema_migrations \
     (component, version, name, checksum, applied_at, applied_by) VALUES (?, ?, ?, ?, ?, ?) \
     IF NOT EXISTS";

/// Takes the migration lock for `ttl` seconds; not applied while another node holds it.
pub(crate) const ACQUIRE_MIGRATION_LOCK: &str = "INSERT INTO {keyspace}.migration_lock \
     (name, holder, acquired_at) VALUES (?, ?, ?) IF NOT EXISTS USING TTL ?";

/// Who holds the migration lock (for the runner's "waiting for" message).
pub(crate) const SELECT_MIGRATION_LOCK: &str =
    "SELECT holder, acquired_at FROM {keyspace}.migration_lock WHERE name = ?";

/// Frees the migration lock, only if this runner still holds it.
pub(crate) const RELEASE_MIGRATION_LOCK: &str =
    "DELETE FROM {keyspace}.migration_lock WHERE name = ? IF holder = ?";

// --- orgs and users -------------------------------------------------------------------------

/// Lists an org in the operators' directory (first step of a signup).
pub(crate) const INSERT_ORG_DIRECTORY: &str =
    "INSERT INTO {keyspace}.org_directory (shard, org_id, created_at) VALUES (?, ?, ?)";

/// Removes a signup's org from the directory again (its email was taken).
pub(crate) const DELETE_ORG_DIRECTORY: &str =
    "DELETE FROM {keyspace}.org_directory WHERE shard = ? AND org_id = ?";

/// The orgs of one directory shard.
pub(crate) const SELECT_ORG_DIRECTORY: &str =
    "SELECT org_id FROM {keyspace}.org_directory WHERE shard = ?";

/// Creates an org.
pub(crate) const INSERT_ORG: &str = "INSERT INTO {keyspace}.orgs \
     (org_id, name, plan, past_due, created_at) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS";

/// Deletes a signup's org again (its email was taken).
pub(crate) const DELETE_ORG: &str = "DELETE FROM {keyspace}.orgs WHERE org_id = ? IF EXISTS";

/// One org.
pub(crate) const SELECT_ORG: &str = "SELECT org_id, name, plan, tasks_per_month, \
     monthly_tokens, past_due, created_at FROM {keyspace}.orgs WHERE org_id = ?";

/// Puts an org on a plan with its custom limits and clears past due.
pub(crate) const UPDATE_ORG_PLAN: &str = "UPDATE {keyspace}.orgs \
     SET plan = ?, tasks_per_month = ?, monthly_tokens = ?, past_due = ? \
     WHERE org_id = ? IF EXISTS";

/// Sets or clears an org's past due flag.
pub(crate) const UPDATE_ORG_PAST_DUE: &str =
    "UPDATE {keyspace}.orgs SET past_due = ? WHERE org_id = ? IF EXISTS";

/// Claims an email for a new user; not applied if the email is taken.
pub(crate) const INSERT_USER_BY_EMAIL: &str = "INSERT INTO {keyspace}.users_by_email \
     (email, user_id, org_id, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?) \
     IF NOT EXISTS";

/// The user of an email, for login.
pub(crate) const SELECT_USER_BY_EMAIL: &str = "SELECT email, user_id, org_id, role, \
     password_hash FROM {keyspace}.users_by_email WHERE email = ?";

// --- repositories ---------------------------------------------------------------------------

/// Registers a repository.
pub(crate) const INSERT_REPO: &str = "INSERT INTO {keyspace}.repos \
     (org_id, repo_id, url, provider, default_branch, created_at, pull_requests) \
     VALUES (?, ?, ?, ?, ?, ?, ?)";

/// One repository of an org.
pub(crate) const SELECT_REPO: &str = "SELECT org_id, repo_id, url, provider, default_branch, \
     created_at, pull_requests FROM {keyspace}.repos WHERE org_id = ? AND repo_id = ?";

/// An org's repositories, oldest first (paged by the driver).
pub(crate) const SELECT_REPOS: &str = "SELECT org_id, repo_id, url, provider, \
     default_branch, created_at, pull_requests FROM {keyspace}.repos WHERE org_id = ?";

// --- tasks ----------------------------------------------------------------------------------

/// The columns of a task, in the order the store decodes them.
macro_rules! task_columns {
    () => {
        "org_id, bucket, task_id, repo_id, instruction, sprint, max_tokens, status, attempts, \
         branch, commit_id, summary, changed_files, prompt_tokens, completion_tokens, \
         llm_calls, cost_micros, quota_period, quota_released, error_code, error_message, \
         created_at, updated_at, pull_request_url, jira_issue"
    };
}

/// The primary key of one task.
macro_rules! task_key {
    () => {
        "WHERE org_id = ? AND bucket = ? AND task_id = ?"
    };
}

/// Registers a month in which the org has tasks (before the task itself).
pub(crate) const INSERT_TASK_BUCKET: &str =
    "INSERT INTO {keyspace}.task_buckets (org_id, bucket) VALUES (?, ?)";

/// The org's task months up to a cursor's, newest first.
pub(crate) const SELECT_TASK_BUCKETS: &str =
    "SELECT bucket FROM {keyspace}.task_buckets WHERE org_id = ? AND bucket <= ?";

/// Records a new queued task.
pub(crate) const INSERT_TASK: &str = "INSERT INTO {keyspace}.tasks \
     (org_id, bucket, task_id, repo_id, instruction, sprint, max_tokens, status, attempts, \
     changed_files, prompt_tokens, completion_tokens, llm_calls, cost_micros, quota_period, \
     quota_released, created_at, updated_at, jira_issue) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS";

/// One task.
pub(crate) const SELECT_TASK: &str = concat!(
    "SELECT ",
    task_columns!(),
    " FROM {keyspace}.tasks ",
    task_key!()
);

/// Some tasks of one bucket, by id (the rows behind a page of a view).
pub(crate) const SELECT_TASKS_BY_ID: &str = concat!(
    "SELECT ",
    task_columns!(),
    " FROM {keyspace}.tasks WHERE org_id = ? AND bucket = ? AND task_id IN ?"
);

/// A page of one bucket's tasks older than a cursor, newest first.
pub(crate) const LIST_TASKS: &str = concat!(
    "SELECT ",
    task_columns!(),
    " FROM {keyspace}.tasks WHERE org_id = ? AND bucket = ? AND task_id < ? LIMIT ?"
);

/// A page of the ids of one bucket's tasks with a status, older than a cursor, newest first.
pub(crate) const LIST_TASK_IDS_BY_STATUS: &str = "SELECT task_id \
     FROM {keyspace}.tasks_by_status \
     WHERE org_id = ? AND status = ? AND bucket = ? AND task_id < ? LIMIT ?";

/// A page of the ids (and statuses) of one bucket's tasks with a sprint label, older than a
/// cursor, newest first.
pub(crate) const LIST_TASK_IDS_BY_SPRINT: &str = "SELECT task_id, status \
     FROM {keyspace}.tasks_by_sprint \
     WHERE org_id = ? AND sprint = ? AND bucket = ? AND task_id < ? LIMIT ?";

/// Starts an attempt: `running`, one more attempt, if the task is still queued or running
/// and nobody counted an attempt since it was read.
pub(crate) const START_ATTEMPT: &str = concat!(
    "UPDATE {keyspace}.tasks SET status = ?, attempts = ?, updated_at = ? ",
    task_key!(),
    " IF status IN (?, ?) AND attempts = ?"
);

/// Moves a task from the status it was read in to another (requeue: running to queued;
/// cancel: queued or running to cancelled).
pub(crate) const TRANSITION_TASK: &str = concat!(
    "UPDATE {keyspace}.tasks SET status = ?, updated_at = ? ",
    task_key!(),
    " IF status = ?"
);

/// Records a success, if the task has not ended yet (the first ending stands).
pub(crate) const FINISH_TASK_SUCCEEDED: &str = concat!(
    "UPDATE {keyspace}.tasks SET status = ?, summary = ?, branch = ?, commit_id = ?, \
     changed_files = ?, updated_at = ?, pull_request_url = ? ",
    task_key!(),
    " IF status IN (?, ?)"
);

/// Records a failure, if the task has not ended yet (the first ending stands).
pub(crate) const FINISH_TASK_FAILED: &str = concat!(
    "UPDATE {keyspace}.tasks SET status = ?, error_code = ?, error_message = ?, \
     updated_at = ? ",
    task_key!(),
    " IF status IN (?, ?)"
);

/// Writes the task's usage totals summed over its `usage_calls`, only forward: not applied if
/// totals over as many calls or more are already there.
pub(crate) const SET_TASK_USAGE: &str = concat!(
    "UPDATE {keyspace}.tasks SET prompt_tokens = ?, completion_tokens = ?, llm_calls = ?, \
     cost_micros = ?, updated_at = ? ",
    task_key!(),
    " IF llm_calls < ?"
);

/// Gives a task's quota slot back: only a failed or cancelled task without LLM calls, once.
pub(crate) const RELEASE_TASK_QUOTA: &str = concat!(
    "UPDATE {keyspace}.tasks SET quota_released = ? ",
    task_key!(),
    " IF status IN (?, ?) AND llm_calls = ? AND quota_released = ?"
);

/// The tasks that took a slot of a month's quota, and whether each gave it back.
pub(crate) const SELECT_QUOTA_TASKS: &str = "SELECT task_id, quota_released \
     FROM {keyspace}.tasks_by_quota WHERE org_id = ? AND quota_period = ?";

// --- task events ----------------------------------------------------------------------------

/// The task's last event number (bind a limit of 1).
pub(crate) const SELECT_LAST_EVENT_SEQ: &str = "SELECT seq FROM {keyspace}.task_events \
     WHERE org_id = ? AND task_id = ? ORDER BY seq DESC LIMIT ?";

/// Appends an event as number `seq`; not applied if another writer took that number.
pub(crate) const INSERT_EVENT: &str = "INSERT INTO {keyspace}.task_events \
     (org_id, task_id, seq, kind, data, at) VALUES (?, ?, ?, ?, ?, ?) IF NOT EXISTS";

/// The task's events after a number, in order (paged by the driver).
pub(crate) const SELECT_EVENTS_AFTER: &str = "SELECT seq, kind, data, at \
     FROM {keyspace}.task_events WHERE org_id = ? AND task_id = ? AND seq > ?";

// --- usage ----------------------------------------------------------------------------------

/// Records one LLM call; not applied if it was recorded before.
pub(crate) const INSERT_USAGE_CALL: &str = "INSERT INTO {keyspace}.usage_calls \
     (org_id, task_id, call_id, period, model, prompt_tokens, completion_tokens, cost_micros, \
     at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS";

/// Every recorded call of a task, to sum.
pub(crate) const SELECT_USAGE_CALLS: &str = "SELECT call_id, period, prompt_tokens, \
     completion_tokens, cost_micros FROM {keyspace}.usage_calls \
     WHERE org_id = ? AND task_id = ?";

/// A task's first spend in a month; not applied if the row exists (then update it).
pub(crate) const INSERT_PERIOD_TASK_USAGE: &str = "INSERT INTO {keyspace}.period_task_usage \
     (org_id, period, task_id, sprint, prompt_tokens, completion_tokens, cost_micros, \
     llm_calls) VALUES (?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS";

/// A task's spend in a month summed over its calls, only forward (as [`SET_TASK_USAGE`]).
pub(crate) const UPDATE_PERIOD_TASK_USAGE: &str = "UPDATE {keyspace}.period_task_usage \
     SET prompt_tokens = ?, completion_tokens = ?, cost_micros = ?, llm_calls = ? \
     WHERE org_id = ? AND period = ? AND task_id = ? IF llm_calls < ?";

/// Every task's spend in a month, by task id: the usage report sums it.
pub(crate) const SELECT_PERIOD_USAGE: &str = "SELECT task_id, sprint, prompt_tokens, \
     completion_tokens, cost_micros FROM {keyspace}.period_task_usage \
     WHERE org_id = ? AND period = ?";

// --- billing --------------------------------------------------------------------------------

/// Claims a payment provider's event; not applied if it was claimed before (a replay).
pub(crate) const INSERT_BILLING_EVENT: &str = "INSERT INTO {keyspace}.billing_events \
     (provider, event_id, claim, org_id, received_at, applied) VALUES (?, ?, ?, ?, ?, ?) \
     IF NOT EXISTS";

/// Marks a claimed event applied.
pub(crate) const MARK_BILLING_EVENT_APPLIED: &str = "UPDATE {keyspace}.billing_events \
     SET applied = ? WHERE provider = ? AND event_id = ? IF EXISTS";

/// Takes over a claim whose delivery stopped before applying it: only if the claim is still
/// that delivery's and not applied.
pub(crate) const TAKE_OVER_BILLING_EVENT: &str = "UPDATE {keyspace}.billing_events \
     SET claim = ?, received_at = ? WHERE provider = ? AND event_id = ? \
     IF claim = ? AND applied = ?";

/// Gives a claim up when its change could not be applied, so that the event is not recorded.
pub(crate) const RELEASE_BILLING_EVENT: &str = "DELETE FROM {keyspace}.billing_events \
     WHERE provider = ? AND event_id = ? IF claim = ?";

/// A claimed event: polled while another delivery applies it, and read at SERIAL after a
/// claim timed out (whose claim won).
pub(crate) const SELECT_BILLING_EVENT: &str = "SELECT claim, org_id, applied, received_at \
     FROM {keyspace}.billing_events WHERE provider = ? AND event_id = ?";

/// The org and plan of a provider's customer reference.
pub(crate) const SELECT_BILLING_CUSTOMER: &str = "SELECT org_id, plan \
     FROM {keyspace}.billing_customers WHERE provider = ? AND customer_ref = ?";

/// Registers (or re-registers) a provider's customer reference for an org.
pub(crate) const UPSERT_BILLING_CUSTOMER: &str = "INSERT INTO {keyspace}.billing_customers \
     (provider, customer_ref, org_id, plan) VALUES (?, ?, ?, ?)";

// --- credentials ----------------------------------------------------------------------------

/// The columns of a credential, in the order the store decodes them.
macro_rules! credential_columns {
    () => {
        "org_id, provider, credential_id, username, scopes_note, fingerprint, key_version, \
         nonce, ciphertext, created_at, rotated_at, base_url"
    };
}

/// Stores an org's first credential for a provider; not applied if there is one.
pub(crate) const INSERT_CREDENTIAL: &str = "INSERT INTO {keyspace}.credentials \
     (org_id, provider, credential_id, username, scopes_note, fingerprint, key_version, nonce, \
     ciphertext, created_at, base_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS";

/// Replaces an org's credential for a provider, keeping its `created_at`; not applied if it
/// was deleted meanwhile (then insert again).
pub(crate) const REPLACE_CREDENTIAL: &str = "UPDATE {keyspace}.credentials \
     SET credential_id = ?, username = ?, scopes_note = ?, fingerprint = ?, key_version = ?, \
     nonce = ?, ciphertext = ?, rotated_at = ?, base_url = ? WHERE org_id = ? AND provider = ? \
     IF EXISTS";

/// The org's credential for a provider.
pub(crate) const SELECT_CREDENTIAL: &str = concat!(
    "SELECT ",
    credential_columns!(),
    " FROM {keyspace}.credentials WHERE org_id = ? AND provider = ?"
);

/// All the org's credentials, by provider.
pub(crate) const SELECT_CREDENTIALS: &str = concat!(
    "SELECT ",
    credential_columns!(),
    " FROM {keyspace}.credentials WHERE org_id = ?"
);

/// Replaces a credential's sealed secret, if it is still the one that was read.
pub(crate) const RESEAL_CREDENTIAL: &str = "UPDATE {keyspace}.credentials \
     SET key_version = ?, nonce = ?, ciphertext = ? WHERE org_id = ? AND provider = ? \
     IF credential_id = ?";

/// Deletes the org's credential for a provider; not applied if there is none.
pub(crate) const DELETE_CREDENTIAL: &str =
    "DELETE FROM {keyspace}.credentials WHERE org_id = ? AND provider = ? IF EXISTS";

/// Every statement, by name: the store prepares them all at start-up.
pub(crate) const ALL: &[(&str, &str)] = &[
    ("SELECT_APPLIED_MIGRATIONS", SELECT_APPLIED_MIGRATIONS),
    ("INSERT_APPLIED_MIGRATION", INSERT_APPLIED_MIGRATION),
    ("ACQUIRE_MIGRATION_LOCK", ACQUIRE_MIGRATION_LOCK),
    ("SELECT_MIGRATION_LOCK", SELECT_MIGRATION_LOCK),
    ("RELEASE_MIGRATION_LOCK", RELEASE_MIGRATION_LOCK),
    ("INSERT_ORG_DIRECTORY", INSERT_ORG_DIRECTORY),
    ("DELETE_ORG_DIRECTORY", DELETE_ORG_DIRECTORY),
    ("SELECT_ORG_DIRECTORY", SELECT_ORG_DIRECTORY),
    ("INSERT_ORG", INSERT_ORG),
    ("DELETE_ORG", DELETE_ORG),
    ("SELECT_ORG", SELECT_ORG),
    ("UPDATE_ORG_PLAN", UPDATE_ORG_PLAN),
    ("UPDATE_ORG_PAST_DUE", UPDATE_ORG_PAST_DUE),
    ("INSERT_USER_BY_EMAIL", INSERT_USER_BY_EMAIL),
    ("SELECT_USER_BY_EMAIL", SELECT_USER_BY_EMAIL),
    ("INSERT_REPO", INSERT_REPO),
    ("SELECT_REPO", SELECT_REPO),
    ("SELECT_REPOS", SELECT_REPOS),
    ("INSERT_TASK_BUCKET", INSERT_TASK_BUCKET),
    ("SELECT_TASK_BUCKETS", SELECT_TASK_BUCKETS),
    ("INSERT_TASK", INSERT_TASK),
    ("SELECT_TASK", SELECT_TASK),
    ("SELECT_TASKS_BY_ID", SELECT_TASKS_BY_ID),
    ("LIST_TASKS", LIST_TASKS),
    ("LIST_TASK_IDS_BY_STATUS", LIST_TASK_IDS_BY_STATUS),
    ("LIST_TASK_IDS_BY_SPRINT", LIST_TASK_IDS_BY_SPRINT),
    ("START_ATTEMPT", START_ATTEMPT),
    ("TRANSITION_TASK", TRANSITION_TASK),
    ("FINISH_TASK_SUCCEEDED", FINISH_TASK_SUCCEEDED),
    ("FINISH_TASK_FAILED", FINISH_TASK_FAILED),
    ("SET_TASK_USAGE", SET_TASK_USAGE),
    ("RELEASE_TASK_QUOTA", RELEASE_TASK_QUOTA),
    ("SELECT_QUOTA_TASKS", SELECT_QUOTA_TASKS),
    ("SELECT_LAST_EVENT_SEQ", SELECT_LAST_EVENT_SEQ),
    ("INSERT_EVENT", INSERT_EVENT),
    ("SELECT_EVENTS_AFTER", SELECT_EVENTS_AFTER),
    ("INSERT_USAGE_CALL", INSERT_USAGE_CALL),
    ("SELECT_USAGE_CALLS", SELECT_USAGE_CALLS),
    ("INSERT_PERIOD_TASK_USAGE", INSERT_PERIOD_TASK_USAGE),
    ("UPDATE_PERIOD_TASK_USAGE", UPDATE_PERIOD_TASK_USAGE),
    ("SELECT_PERIOD_USAGE", SELECT_PERIOD_USAGE),
    ("INSERT_BILLING_EVENT", INSERT_BILLING_EVENT),
    ("MARK_BILLING_EVENT_APPLIED", MARK_BILLING_EVENT_APPLIED),
    ("TAKE_OVER_BILLING_EVENT", TAKE_OVER_BILLING_EVENT),
    ("RELEASE_BILLING_EVENT", RELEASE_BILLING_EVENT),
    ("SELECT_BILLING_EVENT", SELECT_BILLING_EVENT),
    ("SELECT_BILLING_CUSTOMER", SELECT_BILLING_CUSTOMER),
    ("UPSERT_BILLING_CUSTOMER", UPSERT_BILLING_CUSTOMER),
    ("INSERT_CREDENTIAL", INSERT_CREDENTIAL),
    ("REPLACE_CREDENTIAL", REPLACE_CREDENTIAL),
    ("SELECT_CREDENTIAL", SELECT_CREDENTIAL),
    ("SELECT_CREDENTIALS", SELECT_CREDENTIALS),
    ("RESEAL_CREDENTIAL", RESEAL_CREDENTIAL),
    ("DELETE_CREDENTIAL", DELETE_CREDENTIAL),
];

#[cfg(test)]
pub(crate) mod parse;
#[cfg(test)]
mod tests;
