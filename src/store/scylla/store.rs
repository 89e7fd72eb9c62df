//! The [`Store`] port on ScyllaDB.
//!
//! docs/data-model.md lists, for every method, the statements it runs, on which tables, at
//! which consistency and why. In short: every statement is one of `scylla_cql::ALL`, prepared
//! at start-up; `org_id` comes from the [`OrgScope`] and is the partition key (or its first
//! part) of every tenant table, so a query cannot reach another org's rows; where two writers
//! could race the write is a lightweight transaction, and a status change is conditional on
//! the status it was read in, so a stale node cannot overwrite a newer state. What SQLite does
//! in one transaction is here a sequence of idempotent steps, ordered so that a crash between
//! two leaves a state the next attempt completes.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::{StreamExt as _, TryStreamExt as _};
use orchard_actors::budget::{Limits, Period};
use orchard_actors::domain::{
    CancelOutcome, Credential, CredentialId, CredentialProvider, EventKind, NewRepo, NewTask, Org,
    OrgId, OrgScope, Provider, PullRequestMode, Repo, RepoId, Role, SealedSecret, Spend, Task,
    TaskError, TaskEvent, TaskId, TaskOutcome, TaskPage, TaskQuery, TaskStatus, TokenUsage,
    UsageReport, User, UserCredentials, UserId,
};
use orchard_actors::ports::{
    BillingChange, LlmCallUsage, PlanChange, Store, StoreError, UsagePage,
};
use scylla::SerializeRow;
use scylla::value::{CqlTimestamp, MaybeUnset};
use time::OffsetDateTime;
use uuid::Uuid;

use super::cql::{Cql, CqlError, Decode, RowRef, Rows, Run, SessionCql, now_millis, timestamp};
use super::{Statements, connect};
use crate::config::StoreConfig;
use crate::store::scylla_cql::{
    NEWEST_BUCKET, NEWEST_TASK_ID, ORG_DIRECTORY_SHARDS, org_directory_shard, task_bucket,
};

/// How many times a conditional write is tried again when another writer changed the row
/// between the read and the write, before the method gives up with a backend error.
const TRIES: usize = 16;

/// How long a delivery of a billing event may take between claiming the event and marking it
/// applied. Another delivery of the same event waits that long for it, then takes the claim
/// over (the first one is taken to have died).
const CLAIM_TTL: Duration = Duration::from_secs(30);

/// Between two looks at a billing event another delivery is applying.
const CLAIM_POLL: Duration = Duration::from_millis(25);

/// `IN ?` lists bind at most this many values (ScyllaDB's default
/// `max_clustering_key_restrictions_per_query`).
const MAX_IN: usize = 100;

/// The ScyllaDB store: every method runs statements of `scylla_cql::ALL` through [`Cql`].
#[derive(Clone)]
pub struct ScyllaStore {
    cql: Arc<dyn Cql>,
}

impl std::fmt::Debug for ScyllaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScyllaStore").finish_non_exhaustive()
    }
}

impl From<CqlError> for StoreError {
    fn from(err: CqlError) -> Self {
        StoreError::Backend(err.to_string())
    }
}

impl From<Decode> for StoreError {
    fn from(err: Decode) -> Self {
        StoreError::Backend(format!("reading a row: {err}"))
    }
}

fn backend(message: impl Into<String>) -> StoreError {
    StoreError::Backend(message.into())
}

fn signed(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn small(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// An optional column of an INSERT: absent binds "unset" (writes nothing), not null (which
/// would write a tombstone).
fn unset_if_none<T>(value: Option<T>) -> MaybeUnset<T> {
    value.map_or(MaybeUnset::Unset, MaybeUnset::Set)
}

/// Whether a conditional statement applied.
fn applied(rows: &Rows) -> Result<bool, Decode> {
    Ok(rows.lwt()?.0)
}

/// The primary key of a task of the scope's org: `None` for an id that is not a UUIDv7,
/// which no task has.
fn task_key(scope: &OrgScope, id: TaskId) -> Option<(Uuid, String, Uuid)> {
    Some((scope.org_id().as_uuid(), task_bucket(id)?, id.as_uuid()))
}

/// The values of `INSERT_TASK`, in the order of its markers.
#[derive(SerializeRow)]
#[scylla(flavor = "enforce_order", skip_name_checks)]
struct TaskInsert<'a> {
    org_id: Uuid,
    bucket: &'a str,
    task_id: Uuid,
    repo_id: Uuid,
    instruction: &'a str,
    sprint: MaybeUnset<&'a str>,
    max_tokens: MaybeUnset<i64>,
    status: &'a str,
    attempts: i32,
    changed_files: Vec<String>,
    prompt_tokens: i64,
    completion_tokens: i64,
    llm_calls: i32,
    cost_micros: i64,
    quota_period: String,
    quota_released: bool,
    created_at: CqlTimestamp,
    updated_at: CqlTimestamp,
    jira_issue: MaybeUnset<&'a str>,
}

fn org_from(row: RowRef<'_>) -> Result<Org, Decode> {
    let limit = |column| -> Result<Option<u64>, Decode> {
        Ok(row
            .opt_bigint(column)?
            .map(|v| u64::try_from(v).unwrap_or(0)))
    };
    Ok(Org {
        id: OrgId::from_uuid(row.uuid("org_id")?),
        name: row.text("name")?,
        plan: row.text("plan")?,
        custom_limits: Limits {
            tasks_per_month: limit("tasks_per_month")?,
            monthly_tokens: limit("monthly_tokens")?,
        },
        past_due: row.opt_bool("past_due")?.unwrap_or(false),
        created_at: row.time("created_at")?,
    })
}

fn repo_from(row: RowRef<'_>) -> Result<Repo, Decode> {
    let provider = row.text("provider")?;
    Ok(Repo {
        id: RepoId::from_uuid(row.uuid("repo_id")?),
        org_id: OrgId::from_uuid(row.uuid("org_id")?),
        url: row.text("url")?,
        provider: Provider::parse(&provider)
            .ok_or_else(|| Decode(format!("bad provider {provider:?}")))?,
        default_branch: row.opt_text("default_branch")?,
        created_at: row.time("created_at")?,
        pull_requests: match row.opt_text("pull_requests")? {
            None => PullRequestMode::Open,
            Some(mode) => PullRequestMode::parse(&mode)
                .ok_or_else(|| Decode(format!("bad pull request mode {mode:?}")))?,
        },
    })
}

fn task_from(row: RowRef<'_>) -> Result<Task, Decode> {
    let status = row.text("status")?;
    let quota_period = row.text("quota_period")?;
    let error = match row.opt_text("error_code")? {
        Some(code) => Some(TaskError {
            code,
            message: row.opt_text("error_message")?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Task {
        id: TaskId::from_uuid(row.uuid("task_id")?),
        org_id: OrgId::from_uuid(row.uuid("org_id")?),
        repo_id: RepoId::from_uuid(row.uuid("repo_id")?),
        instruction: row.text("instruction")?,
        sprint: row.opt_text("sprint")?,
        max_tokens: row
            .opt_bigint("max_tokens")?
            .map(|v| u64::try_from(v).unwrap_or(0)),
        status: TaskStatus::parse(&status)
            .ok_or_else(|| Decode(format!("bad status {status:?}")))?,
        attempts: row.small_count("attempts")?,
        branch: row.opt_text("branch")?,
        commit: row.opt_text("commit_id")?,
        summary: row.opt_text("summary")?,
        changed_files: row.text_list("changed_files")?,
        tokens: TokenUsage {
            prompt: row.count("prompt_tokens")?,
            completion: row.count("completion_tokens")?,
        },
        llm_calls: row.small_count("llm_calls")?,
        cost_micros: row.count("cost_micros")?,
        quota_period: quota_period
            .parse()
            .map_err(|_| Decode(format!("bad quota period {quota_period:?}")))?,
        quota_released: row.opt_bool("quota_released")?.unwrap_or(false),
        pull_request_url: row.opt_text("pull_request_url")?,
        jira_issue: row.opt_text("jira_issue")?,
        error,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

fn credential_from(row: RowRef<'_>) -> Result<Credential, Decode> {
    let provider = row.text("provider")?;
    Ok(Credential {
        id: CredentialId::from_uuid(row.uuid("credential_id")?),
        org_id: OrgId::from_uuid(row.uuid("org_id")?),
        provider: CredentialProvider::parse(&provider)
            .ok_or_else(|| Decode(format!("bad credential provider {provider:?}")))?,
        username: row.opt_text("username")?,
        scopes_note: row.opt_text("scopes_note")?,
        fingerprint: row.opt_text("fingerprint")?,
        sealed: SealedSecret {
            key_version: row.small_count("key_version")?,
            nonce: row.blob("nonce")?,
            ciphertext: row.blob("ciphertext")?,
        },
        created_at: row.time("created_at")?,
        rotated_at: row.opt_time("rotated_at")?,
        base_url: row.opt_text("base_url")?,
    })
}

fn event_from(row: RowRef<'_>) -> Result<TaskEvent, Decode> {
    let kind = row.text("kind")?;
    let data = row.text("data")?;
    Ok(TaskEvent {
        seq: row.count("seq")?,
        kind: EventKind::parse(&kind).ok_or_else(|| Decode(format!("bad event kind {kind:?}")))?,
        data: serde_json::from_str(&data)
            .map_err(|err| Decode(format!("event data is not JSON: {err}")))?,
        at: row.time("at")?,
    })
}

/// Tokens, cost and calls summed over some of a task's recorded calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sums {
    prompt: u64,
    completion: u64,
    cost: u64,
    calls: u32,
}

impl Sums {
    fn add(&mut self, row: RowRef<'_>) -> Result<(), Decode> {
        self.prompt += row.count("prompt_tokens")?;
        self.completion += row.count("completion_tokens")?;
        self.cost += row.count("cost_micros")?;
        self.calls += 1;
        Ok(())
    }
}

/// The task's calls summed in total and per month charged.
fn sum_calls(calls: &Rows) -> Result<(Sums, BTreeMap<String, Sums>), Decode> {
    let mut total = Sums::default();
    let mut by_period: BTreeMap<String, Sums> = BTreeMap::new();
    for row in calls.iter() {
        total.add(row)?;
        by_period.entry(row.text("period")?).or_default().add(row)?;
    }
    Ok((total, by_period))
}

/// A usage report from a month's per-task rows (any order): totals, by sprint (no sprint
/// first, then by name, as SQLite sorts NULL), and the page of tasks after the cursor, by id.
fn usage_report_from(
    period: Period,
    tasks_used: u64,
    mut rows: Vec<(TaskId, Option<String>, Spend)>,
    page: &UsagePage,
) -> UsageReport {
    let mut total = Spend::default();
    let mut by_sprint: BTreeMap<Option<String>, Spend> = BTreeMap::new();
    for (_, sprint, spend) in &rows {
        for sum in [&mut total, by_sprint.entry(sprint.clone()).or_default()] {
            sum.tokens += spend.tokens;
            sum.cost_micros += spend.cost_micros;
        }
    }
    rows.sort_by_key(|(id, _, _)| *id);
    let limit = page.limit as usize;
    let mut tasks: Vec<_> = rows
        .into_iter()
        .filter(|(id, _, _)| page.after.is_none_or(|after| *id > after))
        .take(limit + 1)
        .collect();
    let next = if tasks.len() > limit {
        tasks.truncate(limit);
        tasks.last().map(|(id, _, _)| *id)
    } else {
        None
    };
    UsageReport {
        period,
        tasks_used,
        total,
        by_sprint: by_sprint.into_iter().collect(),
        tasks,
        next,
    }
}

/// What claiming an email for a signup found.
enum EmailClaim {
    /// This signup's user holds it.
    Ours,
    /// Another user holds it.
    Taken,
    /// The claim did not land (settled by a serial read): the error it failed with.
    NotLanded(StoreError),
    /// Nobody can tell yet (the claim and the serial read failed).
    Unknown(StoreError),
}

/// What claiming a billing event found.
enum Claim {
    /// This delivery holds the claim: it applies the event.
    Ours,
    /// The event was applied before.
    Replay,
    /// Another delivery claimed it at `since` and has not marked it applied yet.
    Held {
        other: Uuid,
        since: Option<OffsetDateTime>,
    },
    /// Nobody holds it (a claim was given up, or ours did not land): claim again.
    Free,
}

fn claim_in(row: RowRef<'_>, ours: Uuid) -> Result<Claim, Decode> {
    let Some(holder) = row.opt_uuid("claim")? else {
        return Ok(Claim::Free);
    };
    if row.opt_bool("applied")? == Some(true) {
        return Ok(Claim::Replay);
    }
    if holder == ours {
        return Ok(Claim::Ours);
    }
    Ok(Claim::Held {
        other: holder,
        since: row.opt_time("received_at")?,
    })
}

impl ScyllaStore {
    /// Connects to the configured cluster and prepares every statement. Fails, saying so,
    /// when the cluster is unreachable or its keyspace does not serve the statements (has
    /// `orchard migrate` run?).
    pub async fn connect(store: &StoreConfig) -> anyhow::Result<Self> {
        let session = connect(store).await?;
        let statements = Statements::prepare(&session, &store.scylla_keyspace)
            .await
            .map_err(|err| {
                anyhow::anyhow!(
                    "ScyllaDB keyspace {} does not serve Orchard's statements ({err:#}); run `orchard migrate` first",
                    store.scylla_keyspace
                )
            })?;
        let cql = SessionCql::new(session, statements, store.scylla_serial_consistency);
        Ok(Self::with_cql(Arc::new(cql)))
    }

    /// A store running its statements through `cql`.
    pub(crate) fn with_cql(cql: Arc<dyn Cql>) -> Self {
        Self { cql }
    }

    async fn run(
        &self,
        name: &'static str,
        values: &(dyn scylla::serialize::row::SerializeRow + Sync),
    ) -> Result<Rows, StoreError> {
        Ok(self.cql.run(name, values, Run::Once).await?)
    }

    async fn all(
        &self,
        name: &'static str,
        values: &(dyn scylla::serialize::row::SerializeRow + Sync),
    ) -> Result<Rows, StoreError> {
        Ok(self.cql.run(name, values, Run::AllPages).await?)
    }

    async fn load_task(&self, scope: &OrgScope, id: TaskId) -> Result<Option<Task>, StoreError> {
        let Some(key) = task_key(scope, id) else {
            return Ok(None);
        };
        let rows = self.run("SELECT_TASK", &key).await?;
        Ok(rows.first().map(task_from).transpose()?)
    }

    async fn existing_task(&self, scope: &OrgScope, id: TaskId) -> Result<Task, StoreError> {
        self.load_task(scope, id).await?.ok_or(StoreError::NotFound)
    }

    /// Removes a signup's org again (its email was taken, or its claim failed).
    async fn forget_org(&self, org: OrgId) {
        let id = org.as_uuid();
        let removed = async {
            self.run("DELETE_ORG", &(id,)).await?;
            self.run("DELETE_ORG_DIRECTORY", &(org_directory_shard(org), id))
                .await
        };
        if let Err(err) = removed.await {
            // An org without users: harmless, and listed in the directory for a sweep.
            tracing::warn!(org = %org, error = %err, "could not remove a signup's org");
        }
    }

    /// Claims the user's email for this signup.
    async fn claim_email(
        &self,
        user: &User,
        password_hash: &str,
        created: CqlTimestamp,
    ) -> Result<EmailClaim, StoreError> {
        let values = (
            user.email.as_str(),
            user.id.as_uuid(),
            user.org_id.as_uuid(),
            user.role.as_str(),
            password_hash,
            created,
        );
        let err = match self
            .cql
            .run("INSERT_USER_BY_EMAIL", &values, Run::Once)
            .await
        {
            Ok(rows) if applied(&rows)? => return Ok(EmailClaim::Ours),
            Ok(_) => return Ok(EmailClaim::Taken),
            Err(err) => err,
        };
        // The outcome is unknown (a timeout): a serial read settles whose claim is there,
        // completing any Paxos round still in flight on the row.
        let settled = self
            .cql
            .run("SELECT_USER_BY_EMAIL", &(user.email.as_str(),), Run::Serial)
            .await;
        Ok(match settled {
            Ok(rows) => match rows.first() {
                Some(row) if row.uuid("user_id")? == user.id.as_uuid() => EmailClaim::Ours,
                Some(_) => EmailClaim::Taken,
                None => EmailClaim::NotLanded(err.into()),
            },
            Err(_) => EmailClaim::Unknown(err.into()),
        })
    }

    /// One page of a listing within one bucket: up to `need` ids below `below`, and of them
    /// the tasks that match `query`. Returns the matches (newest first), how many ids the
    /// page scanned and the last of them.
    async fn bucket_page(
        &self,
        org: Uuid,
        bucket: &str,
        below: Uuid,
        need: usize,
        query: &TaskQuery,
    ) -> Result<(Vec<Task>, usize, Option<Uuid>), StoreError> {
        let limit = i32::try_from(need).unwrap_or(i32::MAX);
        let ids: Vec<Uuid> = match (&query.sprint, query.status) {
            (None, None) => {
                let rows = self.run("LIST_TASKS", &(org, bucket, below, limit)).await?;
                let tasks = rows.iter().map(task_from).collect::<Result<Vec<_>, _>>()?;
                let (scanned, last) = (tasks.len(), tasks.last().map(|t| t.id.as_uuid()));
                return Ok((tasks, scanned, last));
            }
            (None, Some(status)) => {
                let rows = self
                    .run(
                        "LIST_TASK_IDS_BY_STATUS",
                        &(org, status.as_str(), bucket, below, limit),
                    )
                    .await?;
                rows.iter()
                    .map(|row| row.uuid("task_id"))
                    .collect::<Result<_, _>>()?
            }
            (Some(sprint), status) => {
                let rows = self
                    .run(
                        "LIST_TASK_IDS_BY_SPRINT",
                        &(org, sprint.as_str(), bucket, below, limit),
                    )
                    .await?;
                let mut ids = Vec::with_capacity(rows.rows.len());
                for row in rows.iter() {
                    ids.push((row.uuid("task_id")?, row.opt_text("status")?));
                }
                let scanned = ids.len();
                let last = ids.last().map(|(id, _)| *id);
                let wanted: Vec<Uuid> = ids
                    .into_iter()
                    .filter(|(_, seen)| status.is_none_or(|s| seen.as_deref() == Some(s.as_str())))
                    .map(|(id, _)| id)
                    .collect();
                let tasks = self.tasks_by_id(org, bucket, &wanted, query).await?;
                return Ok((tasks, scanned, last));
            }
        };
        let last = ids.last().copied();
        let tasks = self.tasks_by_id(org, bucket, &ids, query).await?;
        Ok((tasks, ids.len(), last))
    }

    /// The tasks of `ids` (one bucket) that still match `query`, newest first: a view may lag
    /// its table, so a row read here is checked again.
    async fn tasks_by_id(
        &self,
        org: Uuid,
        bucket: &str,
        ids: &[Uuid],
        query: &TaskQuery,
    ) -> Result<Vec<Task>, StoreError> {
        let mut tasks = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_IN) {
            let rows = self
                .run("SELECT_TASKS_BY_ID", &(org, bucket, chunk.to_vec()))
                .await?;
            for row in rows.iter() {
                let task = task_from(row)?;
                let status_ok = query.status.is_none_or(|s| task.status == s);
                let sprint_ok = query
                    .sprint
                    .as_ref()
                    .is_none_or(|s| task.sprint.as_ref() == Some(s));
                if status_ok && sprint_ok {
                    tasks.push(task);
                }
            }
        }
        tasks.sort_by_key(|t| std::cmp::Reverse(t.id));
        Ok(tasks)
    }

    /// Writes a task's spend in one month, only forward: the row with the sums over the
    /// task's calls charged to that month, unless one over as many calls is there.
    async fn write_period_usage(
        &self,
        org: Uuid,
        period: &str,
        task: &Task,
        sums: Sums,
    ) -> Result<(), StoreError> {
        let id = task.id.as_uuid();
        let (prompt, completion, cost, calls) = (
            signed(sums.prompt),
            signed(sums.completion),
            signed(sums.cost),
            small(sums.calls),
        );
        for _ in 0..TRIES {
            let rows = self
                .run(
                    "UPDATE_PERIOD_TASK_USAGE",
                    &(prompt, completion, cost, calls, org, period, id, calls),
                )
                .await?;
            let (done, row) = rows.lwt()?;
            if done || row.opt_int("llm_calls")?.is_some() {
                // Written, or a row over as many calls or more is there already.
                return Ok(());
            }
            let values = (
                org,
                period,
                id,
                unset_if_none(task.sprint.as_deref()),
                prompt,
                completion,
                cost,
                calls,
            );
            if applied(&self.run("INSERT_PERIOD_TASK_USAGE", &values).await?)? {
                return Ok(());
            }
            // Another recording created the row meanwhile: update it.
        }
        Err(backend("recording usage: the month's row kept changing"))
    }

    /// Claims a billing event for this delivery (`ours`), or says who holds it.
    async fn claim_event(
        &self,
        provider: &str,
        event_id: &str,
        ours: Uuid,
        org: Option<Uuid>,
    ) -> Result<Claim, StoreError> {
        let values = (
            provider,
            event_id,
            ours,
            unset_if_none(org),
            timestamp(now_millis()),
            false,
        );
        match self
            .cql
            .run("INSERT_BILLING_EVENT", &values, Run::Once)
            .await
        {
            Ok(rows) => {
                let (done, row) = rows.lwt()?;
                if done {
                    return Ok(Claim::Ours);
                }
                Ok(claim_in(row, ours)?)
            }
            Err(err) => {
                // Unknown outcome: whose claim is there, read at SERIAL.
                let rows = self
                    .cql
                    .run("SELECT_BILLING_EVENT", &(provider, event_id), Run::Serial)
                    .await
                    .map_err(|_| err.clone())?;
                match rows.first() {
                    Some(row) => Ok(claim_in(row, ours)?),
                    None => Ok(Claim::Free),
                }
            }
        }
    }

    /// Waits until the event is this delivery's to apply (`true`) or was applied by another
    /// (`false`). A claim held longer than [`CLAIM_TTL`] is taken over.
    async fn hold_event(
        &self,
        provider: &str,
        event_id: &str,
        ours: Uuid,
        org: Option<Uuid>,
    ) -> Result<bool, StoreError> {
        let give_up = tokio::time::Instant::now() + CLAIM_TTL * 2;
        let mut claim = self.claim_event(provider, event_id, ours, org).await?;
        loop {
            claim = match claim {
                Claim::Ours => return Ok(true),
                Claim::Replay => return Ok(false),
                Claim::Held { other, since }
                    if since.is_none_or(|at| OffsetDateTime::now_utc() - at >= CLAIM_TTL) =>
                {
                    self.take_over_event(provider, event_id, ours, other)
                        .await?
                }
                waiting => {
                    if tokio::time::Instant::now() >= give_up {
                        return Err(backend(
                            "another delivery of the billing event is applying it",
                        ));
                    }
                    match waiting {
                        Claim::Held { .. } => {
                            tokio::time::sleep(CLAIM_POLL).await;
                            let rows = self
                                .run("SELECT_BILLING_EVENT", &(provider, event_id))
                                .await?;
                            match rows.first() {
                                Some(row) => claim_in(row, ours)?,
                                None => Claim::Free,
                            }
                        }
                        _ => self.claim_event(provider, event_id, ours, org).await?,
                    }
                }
            };
        }
    }

    /// Takes the claim of a delivery that stopped before applying the event.
    async fn take_over_event(
        &self,
        provider: &str,
        event_id: &str,
        ours: Uuid,
        other: Uuid,
    ) -> Result<Claim, StoreError> {
        let values = (
            ours,
            timestamp(now_millis()),
            provider,
            event_id,
            other,
            false,
        );
        let rows = self.run("TAKE_OVER_BILLING_EVENT", &values).await?;
        let (done, row) = rows.lwt()?;
        if done {
            tracing::warn!(
                provider,
                "took over a billing event that another delivery claimed and did not apply"
            );
            return Ok(Claim::Ours);
        }
        Ok(claim_in(row, ours)?)
    }

    async fn credentials_of(&self, org: Uuid) -> Result<Vec<Credential>, StoreError> {
        let rows = self.all("SELECT_CREDENTIALS", &(org,)).await?;
        Ok(rows.iter().map(credential_from).collect::<Result<_, _>>()?)
    }
}

#[async_trait]
impl Store for ScyllaStore {
    async fn create_org_with_owner(
        &self,
        org_name: &str,
        email: &str,
        password_hash: &str,
    ) -> Result<(Org, User), StoreError> {
        let org = Org {
            id: OrgId::new(),
            name: org_name.to_owned(),
            plan: "free".into(),
            custom_limits: Limits::default(),
            past_due: false,
            created_at: now_millis(),
        };
        let user = User {
            id: UserId::new(),
            org_id: org.id,
            email: email.to_lowercase(),
            role: Role::Owner,
        };
        let (id, created) = (org.id.as_uuid(), timestamp(org.created_at));
        // The org first, listed in the directory; removed again if the email is taken.
        self.run(
            "INSERT_ORG_DIRECTORY",
            &(org_directory_shard(org.id), id, created),
        )
        .await?;
        let values = (id, org.name.as_str(), org.plan.as_str(), false, created);
        if !applied(&self.run("INSERT_ORG", &values).await?)? {
            return Err(backend("a new org's id is taken"));
        }
        match self.claim_email(&user, password_hash, created).await? {
            EmailClaim::Ours => Ok((org, user)),
            EmailClaim::Taken => {
                self.forget_org(org.id).await;
                Err(StoreError::Conflict("email is already registered".into()))
            }
            EmailClaim::NotLanded(err) => {
                self.forget_org(org.id).await;
                Err(err)
            }
            // The user may exist: its org stays (an org nobody can log in to is harmless,
            // a user without an org is not).
            EmailClaim::Unknown(err) => Err(err),
        }
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserCredentials>, StoreError> {
        let email = email.to_lowercase();
        let rows = self.run("SELECT_USER_BY_EMAIL", &(email.as_str(),)).await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let role = row.text("role")?;
        Ok(Some(UserCredentials {
            user: User {
                id: UserId::from_uuid(row.uuid("user_id")?),
                org_id: OrgId::from_uuid(row.uuid("org_id")?),
                email: row.text("email")?,
                role: Role::parse(&role).ok_or_else(|| Decode(format!("bad role {role:?}")))?,
            },
            password_hash: row.text("password_hash")?,
        }))
    }

    async fn org(&self, scope: &OrgScope) -> Result<Org, StoreError> {
        let rows = self.run("SELECT_ORG", &(scope.org_id().as_uuid(),)).await?;
        let row = rows.first().ok_or(StoreError::NotFound)?;
        Ok(org_from(row)?)
    }

    async fn create_repo(&self, scope: &OrgScope, repo: NewRepo) -> Result<Repo, StoreError> {
        let repo = Repo {
            id: RepoId::new(),
            org_id: scope.org_id(),
            url: repo.url,
            provider: repo.provider,
            default_branch: repo.default_branch,
            pull_requests: repo.pull_requests,
            created_at: now_millis(),
        };
        let values = (
            repo.org_id.as_uuid(),
            repo.id.as_uuid(),
            repo.url.as_str(),
            repo.provider.as_str(),
            unset_if_none(repo.default_branch.as_deref()),
            timestamp(repo.created_at),
            repo.pull_requests.as_str(),
        );
        self.run("INSERT_REPO", &values).await?;
        Ok(repo)
    }

    async fn repo(&self, scope: &OrgScope, id: RepoId) -> Result<Repo, StoreError> {
        let rows = self
            .run("SELECT_REPO", &(scope.org_id().as_uuid(), id.as_uuid()))
            .await?;
        let row = rows.first().ok_or(StoreError::NotFound)?;
        Ok(repo_from(row)?)
    }

    async fn list_repos(&self, scope: &OrgScope) -> Result<Vec<Repo>, StoreError> {
        let rows = self
            .all("SELECT_REPOS", &(scope.org_id().as_uuid(),))
            .await?;
        Ok(rows.iter().map(repo_from).collect::<Result<_, _>>()?)
    }

    async fn create_task(&self, scope: &OrgScope, task: NewTask) -> Result<Task, StoreError> {
        let org = scope.org_id().as_uuid();
        let bucket =
            task_bucket(task.id).ok_or_else(|| backend("task ids must be UUIDv7 (TaskId::new)"))?;
        let repo = self
            .run("SELECT_REPO", &(org, task.repo_id.as_uuid()))
            .await?;
        if repo.first().is_none() {
            return Err(StoreError::NotFound);
        }
        // The month first, so that no listing misses a bucket that holds a task.
        self.run("INSERT_TASK_BUCKET", &(org, bucket.as_str()))
            .await?;
        let at = now_millis();
        let created = Task {
            id: task.id,
            org_id: scope.org_id(),
            repo_id: task.repo_id,
            instruction: task.instruction,
            sprint: task.sprint,
            max_tokens: task.max_tokens,
            jira_issue: task.jira_issue,
            status: TaskStatus::Queued,
            attempts: 0,
            branch: None,
            commit: None,
            pull_request_url: None,
            summary: None,
            changed_files: Vec::new(),
            tokens: TokenUsage::default(),
            llm_calls: 0,
            cost_micros: 0,
            quota_period: task.quota_period,
            quota_released: false,
            error: None,
            created_at: at,
            updated_at: at,
        };
        let values = TaskInsert {
            org_id: org,
            bucket: &bucket,
            task_id: created.id.as_uuid(),
            repo_id: created.repo_id.as_uuid(),
            instruction: &created.instruction,
            sprint: unset_if_none(created.sprint.as_deref()),
            max_tokens: unset_if_none(created.max_tokens.map(signed)),
            status: TaskStatus::Queued.as_str(),
            attempts: 0,
            changed_files: Vec::new(),
            prompt_tokens: 0,
            completion_tokens: 0,
            llm_calls: 0,
            cost_micros: 0,
            quota_period: created.quota_period.to_string(),
            quota_released: false,
            created_at: timestamp(at),
            updated_at: timestamp(at),
            jira_issue: unset_if_none(created.jira_issue.as_deref()),
        };
        match self.cql.run("INSERT_TASK", &values, Run::Once).await {
            Ok(rows) if applied(&rows)? => Ok(created),
            Ok(_) => Err(StoreError::Conflict("the task id is taken".into())),
            Err(err) => {
                // Unknown outcome: the task is there (this write landed) or it is not.
                let key = (org, bucket.as_str(), created.id.as_uuid());
                let rows = self
                    .cql
                    .run("SELECT_TASK", &key, Run::Serial)
                    .await
                    .map_err(|_| err.clone())?;
                match rows.first() {
                    Some(row) => Ok(task_from(row)?),
                    None => Err(err.into()),
                }
            }
        }
    }

    async fn task(&self, scope: &OrgScope, id: TaskId) -> Result<Task, StoreError> {
        self.existing_task(scope, id).await
    }

    async fn list_tasks(
        &self,
        scope: &OrgScope,
        query: &TaskQuery,
    ) -> Result<TaskPage, StoreError> {
        let org = scope.org_id().as_uuid();
        let limit = query.limit.clamp(1, 1000) as usize;
        let want = limit + 1;
        let (top, cursor) = match query.before {
            Some(before) => match task_bucket(before) {
                Some(bucket) => (bucket, before.as_uuid()),
                // No task has such an id: nothing is before it.
                None => {
                    return Ok(TaskPage {
                        tasks: Vec::new(),
                        next: None,
                    });
                }
            },
            None => (NEWEST_BUCKET.to_owned(), NEWEST_TASK_ID),
        };
        let buckets = self
            .all("SELECT_TASK_BUCKETS", &(org, top.as_str()))
            .await?;
        let buckets: Vec<String> = buckets
            .iter()
            .map(|row| row.text("bucket"))
            .collect::<Result<_, _>>()?;
        let mut tasks: Vec<Task> = Vec::with_capacity(want);
        'buckets: for bucket in &buckets {
            let mut below = if *bucket == top {
                cursor
            } else {
                NEWEST_TASK_ID
            };
            loop {
                let need = want - tasks.len();
                let (found, scanned, last) =
                    self.bucket_page(org, bucket, below, need, query).await?;
                tasks.extend(found);
                if tasks.len() >= want {
                    break 'buckets;
                }
                match last {
                    Some(last) if scanned >= need => below = last,
                    // The bucket has no more.
                    _ => break,
                }
            }
        }
        tasks.truncate(want);
        let next = (tasks.len() > limit).then(|| tasks[limit - 1].id);
        tasks.truncate(limit);
        Ok(TaskPage { tasks, next })
    }

    async fn start_attempt(&self, scope: &OrgScope, id: TaskId) -> Result<Task, StoreError> {
        for _ in 0..TRIES {
            let task = self.existing_task(scope, id).await?;
            if task.status.is_terminal() {
                return Ok(task);
            }
            let Some((org, bucket, task_id)) = task_key(scope, id) else {
                return Err(StoreError::NotFound);
            };
            let values = (
                TaskStatus::Running.as_str(),
                small(task.attempts.saturating_add(1)),
                timestamp(now_millis()),
                org,
                bucket.as_str(),
                task_id,
                TaskStatus::Queued.as_str(),
                TaskStatus::Running.as_str(),
                small(task.attempts),
            );
            if applied(&self.run("START_ATTEMPT", &values).await?)? {
                return self.existing_task(scope, id).await;
            }
            // Another node started or ended it meanwhile: look again.
        }
        Err(backend("starting an attempt: the task kept changing"))
    }

    async fn cancel_task(&self, scope: &OrgScope, id: TaskId) -> Result<CancelOutcome, StoreError> {
        for _ in 0..TRIES {
            let task = self.existing_task(scope, id).await?;
            if task.status.is_terminal() {
                return Ok(CancelOutcome::AlreadyFinished(task.status));
            }
            let Some((org, bucket, task_id)) = task_key(scope, id) else {
                return Err(StoreError::NotFound);
            };
            let values = (
                TaskStatus::Cancelled.as_str(),
                timestamp(now_millis()),
                org,
                bucket.as_str(),
                task_id,
                task.status.as_str(),
            );
            if applied(&self.run("TRANSITION_TASK", &values).await?)? {
                return Ok(CancelOutcome::Cancelled { was: task.status });
            }
        }
        Err(backend("cancelling: the task kept changing"))
    }

    async fn record_usage(
        &self,
        scope: &OrgScope,
        id: TaskId,
        call: &LlmCallUsage,
    ) -> Result<bool, StoreError> {
        let task = self.existing_task(scope, id).await?;
        let Some((org, bucket, task_id)) = task_key(scope, id) else {
            return Err(StoreError::NotFound);
        };
        let at = timestamp(now_millis());
        // The ledger first: one row per call id, once.
        let values = (
            org,
            task_id,
            call.call_id,
            call.period.to_string(),
            call.model.as_str(),
            signed(call.usage.prompt),
            signed(call.usage.completion),
            signed(call.cost_micros),
            at,
        );
        let recorded = applied(&self.run("INSERT_USAGE_CALL", &values).await?)?;
        // Then the sums over the ledger, also when the call was there before: a retry
        // completes what a crash left half done. Written only forward.
        let calls = self.all("SELECT_USAGE_CALLS", &(org, task_id)).await?;
        let (total, by_period) = sum_calls(&calls)?;
        let values = (
            signed(total.prompt),
            signed(total.completion),
            small(total.calls),
            signed(total.cost),
            at,
            org,
            bucket.as_str(),
            task_id,
            small(total.calls),
        );
        self.run("SET_TASK_USAGE", &values).await?;
        for (period, sums) in by_period {
            self.write_period_usage(org, &period, &task, sums).await?;
        }
        Ok(recorded)
    }

    async fn release_unused_quota(
        &self,
        scope: &OrgScope,
        id: TaskId,
    ) -> Result<Option<Period>, StoreError> {
        let Some(task) = self.load_task(scope, id).await? else {
            return Ok(None);
        };
        let ended = matches!(task.status, TaskStatus::Failed | TaskStatus::Cancelled);
        if !ended || task.llm_calls != 0 || task.quota_released {
            return Ok(None);
        }
        let Some((org, bucket, task_id)) = task_key(scope, id) else {
            return Ok(None);
        };
        let values = (
            true,
            org,
            bucket.as_str(),
            task_id,
            TaskStatus::Failed.as_str(),
            TaskStatus::Cancelled.as_str(),
            0_i32,
            false,
        );
        let released = applied(&self.run("RELEASE_TASK_QUOTA", &values).await?)?;
        Ok(released.then_some(task.quota_period))
    }

    async fn usage_report(
        &self,
        scope: &OrgScope,
        period: Period,
        page: &UsagePage,
    ) -> Result<UsageReport, StoreError> {
        let org = scope.org_id().as_uuid();
        let month = period.to_string();
        let quota = self
            .all("SELECT_QUOTA_TASKS", &(org, month.as_str()))
            .await?;
        let mut tasks_used = 0;
        for row in quota.iter() {
            if row.opt_bool("quota_released")? != Some(true) {
                tasks_used += 1;
            }
        }
        let spent = self
            .all("SELECT_PERIOD_USAGE", &(org, month.as_str()))
            .await?;
        let mut rows = Vec::with_capacity(spent.rows.len());
        for row in spent.iter() {
            let spend = Spend {
                tokens: TokenUsage {
                    prompt: row.count("prompt_tokens")?,
                    completion: row.count("completion_tokens")?,
                },
                cost_micros: row.count("cost_micros")?,
            };
            rows.push((
                TaskId::from_uuid(row.uuid("task_id")?),
                row.opt_text("sprint")?,
                spend,
            ));
        }
        Ok(usage_report_from(period, tasks_used, rows, page))
    }

    async fn set_plan(&self, scope: &OrgScope, change: &PlanChange) -> Result<Org, StoreError> {
        let values = (
            change.plan.as_str(),
            change.custom_limits.tasks_per_month.map(signed),
            change.custom_limits.monthly_tokens.map(signed),
            false,
            scope.org_id().as_uuid(),
        );
        if !applied(&self.run("UPDATE_ORG_PLAN", &values).await?)? {
            return Err(StoreError::NotFound);
        }
        self.org(scope).await
    }

    async fn set_past_due(&self, scope: &OrgScope, past_due: bool) -> Result<(), StoreError> {
        let values = (past_due, scope.org_id().as_uuid());
        if !applied(&self.run("UPDATE_ORG_PAST_DUE", &values).await?)? {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn record_billing_event(
        &self,
        provider: &str,
        event_id: &str,
        apply: Option<(OrgScope, BillingChange)>,
    ) -> Result<bool, StoreError> {
        let ours = Uuid::new_v4();
        let org = apply.as_ref().map(|(scope, _)| scope.org_id().as_uuid());
        if !self.hold_event(provider, event_id, ours, org).await? {
            return Ok(false);
        }
        // Changes are absolute values: applying one twice (a delivery that took over a claim
        // whose holder had applied but not marked it) changes nothing more.
        let changed = match &apply {
            Some((scope, BillingChange::Plan(change))) => {
                self.set_plan(scope, change).await.map(|_| ())
            }
            Some((scope, BillingChange::PastDue)) => self.set_past_due(scope, true).await,
            None => Ok(()),
        };
        if let Err(err) = changed {
            // Not applied, so not recorded: a later delivery may apply it.
            if let Err(release) = self
                .run("RELEASE_BILLING_EVENT", &(provider, event_id, ours))
                .await
            {
                tracing::warn!(provider, error = %release, "could not give up a billing event's claim");
            }
            return Err(err);
        }
        self.run("MARK_BILLING_EVENT_APPLIED", &(true, provider, event_id))
            .await?;
        Ok(true)
    }

    async fn billing_customer(
        &self,
        provider: &str,
        customer_ref: &str,
    ) -> Result<Option<(OrgId, String)>, StoreError> {
        let rows = self
            .run("SELECT_BILLING_CUSTOMER", &(provider, customer_ref))
            .await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        Ok(Some((
            OrgId::from_uuid(row.uuid("org_id")?),
            row.text("plan")?,
        )))
    }

    async fn set_billing_customer(
        &self,
        scope: &OrgScope,
        provider: &str,
        customer_ref: &str,
        plan: &str,
    ) -> Result<(), StoreError> {
        let values = (provider, customer_ref, scope.org_id().as_uuid(), plan);
        self.run("UPSERT_BILLING_CUSTOMER", &values).await?;
        Ok(())
    }

    async fn requeue_task(&self, scope: &OrgScope, id: TaskId) -> Result<(), StoreError> {
        let Some((org, bucket, task_id)) = task_key(scope, id) else {
            return Err(StoreError::NotFound);
        };
        let values = (
            TaskStatus::Queued.as_str(),
            timestamp(now_millis()),
            org,
            bucket.as_str(),
            task_id,
            TaskStatus::Running.as_str(),
        );
        if !applied(&self.run("TRANSITION_TASK", &values).await?)? {
            // Not running: fine, unless there is no such task.
            self.existing_task(scope, id).await?;
        }
        Ok(())
    }

    async fn finish_task(
        &self,
        scope: &OrgScope,
        id: TaskId,
        outcome: &TaskOutcome,
    ) -> Result<(), StoreError> {
        let Some((org, bucket, task_id)) = task_key(scope, id) else {
            return Err(StoreError::NotFound);
        };
        let at = timestamp(now_millis());
        let (queued, running) = (TaskStatus::Queued.as_str(), TaskStatus::Running.as_str());
        let rows = match outcome {
            TaskOutcome::Succeeded {
                summary,
                branch,
                commit,
                changed_files,
                pull_request_url,
            } => {
                let values = (
                    TaskStatus::Succeeded.as_str(),
                    summary.as_str(),
                    branch.as_deref(),
                    commit.as_deref(),
                    changed_files.clone(),
                    at,
                    pull_request_url.as_deref(),
                    org,
                    bucket.as_str(),
                    task_id,
                    queued,
                    running,
                );
                self.run("FINISH_TASK_SUCCEEDED", &values).await?
            }
            TaskOutcome::Failed(error) => {
                let values = (
                    TaskStatus::Failed.as_str(),
                    error.code.as_str(),
                    error.message.as_str(),
                    at,
                    org,
                    bucket.as_str(),
                    task_id,
                    queued,
                    running,
                );
                self.run("FINISH_TASK_FAILED", &values).await?
            }
        };
        if !applied(&rows)? {
            // Ended before (cancelled, say): the first ending stands. Only a task that does
            // not exist in this org is an error.
            self.existing_task(scope, id).await?;
        }
        Ok(())
    }

    async fn append_event(
        &self,
        scope: &OrgScope,
        id: TaskId,
        kind: EventKind,
        data: serde_json::Value,
    ) -> Result<(), StoreError> {
        self.existing_task(scope, id).await?;
        let (org, task_id) = (scope.org_id().as_uuid(), id.as_uuid());
        let (data, at) = (data.to_string(), timestamp(now_millis()));
        let mut next = 0;
        for _ in 0..TRIES {
            let last = self
                .run("SELECT_LAST_EVENT_SEQ", &(org, task_id, 1_i32))
                .await?;
            let last = match last.first() {
                Some(row) => row.opt_bigint("seq")?.unwrap_or(0),
                None => 0,
            };
            next = (last + 1).max(next + 1);
            let values = (org, task_id, next, kind.as_str(), data.as_str(), at);
            if applied(&self.run("INSERT_EVENT", &values).await?)? {
                return Ok(());
            }
            // Another writer took that number: the next one.
        }
        Err(backend("appending an event: the log kept growing under it"))
    }

    async fn task_events(
        &self,
        scope: &OrgScope,
        id: TaskId,
        after: u64,
    ) -> Result<Vec<TaskEvent>, StoreError> {
        self.existing_task(scope, id).await?;
        let values = (scope.org_id().as_uuid(), id.as_uuid(), signed(after));
        let rows = self.all("SELECT_EVENTS_AFTER", &values).await?;
        Ok(rows.iter().map(event_from).collect::<Result<_, _>>()?)
    }

    async fn put_credential(
        &self,
        scope: &OrgScope,
        credential: Credential,
    ) -> Result<Credential, StoreError> {
        let (org, provider) = (scope.org_id().as_uuid(), credential.provider.as_str());
        let at = now_millis();
        let sealed = &credential.sealed;
        let stored = |created_at, rotated_at| Credential {
            org_id: scope.org_id(),
            created_at,
            rotated_at,
            ..credential.clone()
        };
        for _ in 0..TRIES {
            let values = (
                org,
                provider,
                credential.id.as_uuid(),
                unset_if_none(credential.username.as_deref()),
                unset_if_none(credential.scopes_note.as_deref()),
                unset_if_none(credential.fingerprint.as_deref()),
                small(sealed.key_version),
                sealed.nonce.as_slice(),
                sealed.ciphertext.as_slice(),
                timestamp(at),
                unset_if_none(credential.base_url.as_deref()),
            );
            if applied(&self.run("INSERT_CREDENTIAL", &values).await?)? {
                return Ok(stored(at, None));
            }
            // There is one: replace it, keeping its `created_at`.
            let values = (
                credential.id.as_uuid(),
                credential.username.as_deref(),
                credential.scopes_note.as_deref(),
                credential.fingerprint.as_deref(),
                small(sealed.key_version),
                sealed.nonce.as_slice(),
                sealed.ciphertext.as_slice(),
                timestamp(at),
                credential.base_url.as_deref(),
                org,
                provider,
            );
            let rows = self.run("REPLACE_CREDENTIAL", &values).await?;
            let (done, old) = rows.lwt()?;
            if done {
                let created_at = match old.opt_time("created_at")? {
                    Some(created_at) => created_at,
                    None => {
                        self.credential(scope, credential.provider)
                            .await?
                            .created_at
                    }
                };
                return Ok(stored(created_at, Some(at)));
            }
            // Deleted meanwhile: insert it again.
        }
        Err(backend("storing a credential: it kept changing"))
    }

    async fn credential(
        &self,
        scope: &OrgScope,
        provider: CredentialProvider,
    ) -> Result<Credential, StoreError> {
        let values = (scope.org_id().as_uuid(), provider.as_str());
        let rows = self.run("SELECT_CREDENTIAL", &values).await?;
        let row = rows.first().ok_or(StoreError::NotFound)?;
        Ok(credential_from(row)?)
    }

    async fn list_credentials(&self, scope: &OrgScope) -> Result<Vec<Credential>, StoreError> {
        self.credentials_of(scope.org_id().as_uuid()).await
    }

    async fn all_credentials(&self) -> Result<Vec<Credential>, StoreError> {
        let mut orgs = Vec::new();
        for shard in 0..i32::from(ORG_DIRECTORY_SHARDS) {
            let rows = self.all("SELECT_ORG_DIRECTORY", &(shard,)).await?;
            for row in rows.iter() {
                orgs.push(row.uuid("org_id")?);
            }
        }
        let mut all: Vec<Credential> = futures_util::stream::iter(orgs)
            .map(|org| self.credentials_of(org))
            .buffer_unordered(16)
            .try_concat()
            .await?;
        all.sort_by(|a, b| (a.org_id, a.provider.as_str()).cmp(&(b.org_id, b.provider.as_str())));
        Ok(all)
    }

    async fn reseal_credential(
        &self,
        scope: &OrgScope,
        id: CredentialId,
        sealed: SealedSecret,
    ) -> Result<bool, StoreError> {
        let org = scope.org_id().as_uuid();
        let current = self.credentials_of(org).await?;
        let Some(found) = current.iter().find(|c| c.id == id) else {
            return Ok(false);
        };
        let values = (
            small(sealed.key_version),
            sealed.nonce.as_slice(),
            sealed.ciphertext.as_slice(),
            org,
            found.provider.as_str(),
            id.as_uuid(),
        );
        Ok(applied(&self.run("RESEAL_CREDENTIAL", &values).await?)?)
    }

    async fn delete_credential(
        &self,
        scope: &OrgScope,
        provider: CredentialProvider,
    ) -> Result<(), StoreError> {
        let values = (scope.org_id().as_uuid(), provider.as_str());
        if !applied(&self.run("DELETE_CREDENTIAL", &values).await?)? {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
