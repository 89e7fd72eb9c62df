//! The [`Store`] port on the embedded SQLite database.

use std::sync::LazyLock;

use async_trait::async_trait;
use orchard_actors::budget::{BadPeriod, Limits, Period};
use orchard_actors::domain::{
    CancelOutcome, Credential, CredentialId, CredentialProvider, EventKind, NewRepo, NewTask, Org,
    OrgId, OrgScope, Provider, PullRequestMode, Repo, RepoId, Role, SealedSecret, Spend, Task,
    TaskError, TaskEvent, TaskId, TaskOutcome, TaskPage, TaskQuery, TaskStatus, TokenUsage,
    UsageReport, User, UserCredentials, UserId,
};
use orchard_actors::ports::{
    BillingChange, LlmCallUsage, PlanChange, Store, StoreError, UsagePage,
};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::db::Db;

/// SQLite-backed store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    db: Db,
}

fn backend(err: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(err.to_string())
}

fn now() -> String {
    format_time(OffsetDateTime::now_utc())
}

fn format_time(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

fn parse_time(text: &str) -> rusqlite::Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|err| conversion(err.to_string()))
}

fn conversion(message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, message.into())
}

fn parse_id<T: std::str::FromStr>(text: String) -> rusqlite::Result<T> {
    parse_id_in(&text)
}

/// Parses an id (or any `FromStr`) from text that stays in SQLite's row buffer.
fn parse_id_in<T: std::str::FromStr>(text: &str) -> rusqlite::Result<T> {
    text.parse()
        .map_err(|_| conversion(format!("bad id {text:?}")))
}

/// Column `idx` as text borrowed from the row (no copy).
fn text<'r>(row: &'r Row<'_>, idx: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(idx)?.as_str().map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, err.into())
    })
}

/// An id as the text SQLite stores (hyphenated, lower case), on the stack: binding it
/// allocates nothing.
struct IdText([u8; uuid::fmt::Hyphenated::LENGTH]);

impl IdText {
    fn of(id: uuid::Uuid) -> Self {
        let mut text = [0; uuid::fmt::Hyphenated::LENGTH];
        id.hyphenated().encode_lower(&mut text);
        Self(text)
    }
}

impl rusqlite::ToSql for IdText {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(&self.0),
        ))
    }
}

fn not_found_or(err: rusqlite::Error) -> StoreError {
    match err {
        rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
        other => backend(other),
    }
}

const TASK_COLUMNS: &str = "id, org_id, repo_id, instruction, sprint, max_tokens, status, attempts, \
     branch, commit_id, summary, changed_files, prompt_tokens, completion_tokens, error_code, \
     error_message, created_at, updated_at, llm_calls, cost_micros, quota_period, quota_released, \
     pull_request_url, jira_issue";

fn task_from_row(row: &Row<'_>) -> rusqlite::Result<Task> {
    let status = text(row, 6)?;
    let error_code: Option<String> = row.get(14)?;
    let error_message: Option<String> = row.get(15)?;
    Ok(Task {
        id: parse_id_in(text(row, 0)?)?,
        org_id: parse_id_in(text(row, 1)?)?,
        repo_id: parse_id_in(text(row, 2)?)?,
        instruction: row.get(3)?,
        sprint: row.get(4)?,
        max_tokens: row.get::<_, Option<i64>>(5)?.map(|v| v as u64),
        status: TaskStatus::parse(status)
            .ok_or_else(|| conversion(format!("bad status {status:?}")))?,
        attempts: row.get(7)?,
        branch: row.get(8)?,
        commit: row.get(9)?,
        summary: row.get(10)?,
        changed_files: serde_json::from_str(text(row, 11)?)
            .map_err(|e| conversion(e.to_string()))?,
        tokens: TokenUsage {
            prompt: row.get::<_, i64>(12)? as u64,
            completion: row.get::<_, i64>(13)? as u64,
        },
        error: error_code.map(|code| TaskError {
            code,
            message: error_message.unwrap_or_default(),
        }),
        created_at: parse_time(text(row, 16)?)?,
        updated_at: parse_time(text(row, 17)?)?,
        llm_calls: row.get(18)?,
        cost_micros: unsigned(row.get(19)?),
        quota_period: parse_id_in(text(row, 20)?)?,
        quota_released: row.get(21)?,
        pull_request_url: row.get(22)?,
        jira_issue: row.get(23)?,
    })
}

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn signed(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

const ORG_COLUMNS: &str = "id, name, plan, created_at, tasks_per_month, monthly_tokens, past_due";

fn org_from_row(row: &Row<'_>) -> rusqlite::Result<Org> {
    Ok(Org {
        id: parse_id_in(text(row, 0)?)?,
        name: row.get(1)?,
        plan: row.get(2)?,
        created_at: parse_time(text(row, 3)?)?,
        custom_limits: Limits {
            tasks_per_month: row.get::<_, Option<i64>>(4)?.map(unsigned),
            monthly_tokens: row.get::<_, Option<i64>>(5)?.map(unsigned),
        },
        past_due: row.get(6)?,
    })
}

fn set_plan(tx: &Connection, org: OrgId, change: &PlanChange) -> Result<Org, StoreError> {
    let changed = tx
        .execute(
            "UPDATE orgs SET plan = ?2, tasks_per_month = ?3, monthly_tokens = ?4, past_due = 0
             WHERE id = ?1",
            params![
                org.to_string(),
                change.plan,
                change.custom_limits.tasks_per_month.map(signed),
                change.custom_limits.monthly_tokens.map(signed)
            ],
        )
        .map_err(backend)?;
    expect_changed(changed)?;
    load_org(tx, org)
}

fn load_org(conn: &Connection, org: OrgId) -> Result<Org, StoreError> {
    static SQL: LazyLock<String> =
        LazyLock::new(|| format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = ?1"));
    conn.prepare_cached(&SQL)
        .and_then(|mut stmt| stmt.query_row([IdText::of(org.as_uuid())], org_from_row))
        .map_err(not_found_or)
}

fn add_spend(spend: &mut Spend, row: &Row<'_>, first: usize) -> rusqlite::Result<()> {
    spend.tokens.prompt += unsigned(row.get(first)?);
    spend.tokens.completion += unsigned(row.get(first + 1)?);
    spend.cost_micros += unsigned(row.get(first + 2)?);
    Ok(())
}

const CREDENTIAL_COLUMNS: &str = "id, org_id, provider, username, scopes_note, fingerprint, \
     key_version, nonce, ciphertext, created_at, rotated_at, base_url";

fn credential_from_row(row: &Row<'_>) -> rusqlite::Result<Credential> {
    let provider: String = row.get(2)?;
    let rotated: Option<String> = row.get(10)?;
    Ok(Credential {
        id: parse_id(row.get(0)?)?,
        org_id: parse_id(row.get(1)?)?,
        provider: CredentialProvider::parse(&provider)
            .ok_or_else(|| conversion(format!("bad credential provider {provider:?}")))?,
        username: row.get(3)?,
        scopes_note: row.get(4)?,
        fingerprint: row.get(5)?,
        sealed: SealedSecret {
            key_version: row.get(6)?,
            nonce: row.get(7)?,
            ciphertext: row.get(8)?,
        },
        created_at: parse_time(&row.get::<_, String>(9)?)?,
        rotated_at: rotated.as_deref().map(parse_time).transpose()?,
        base_url: row.get(11)?,
    })
}

fn repo_from_row(row: &Row<'_>) -> rusqlite::Result<Repo> {
    let provider: String = row.get(3)?;
    Ok(Repo {
        id: parse_id(row.get(0)?)?,
        org_id: parse_id(row.get(1)?)?,
        url: row.get(2)?,
        provider: Provider::parse(&provider)
            .ok_or_else(|| conversion(format!("bad provider {provider:?}")))?,
        default_branch: row.get(4)?,
        created_at: parse_time(&row.get::<_, String>(5)?)?,
        pull_requests: PullRequestMode::parse(text(row, 6)?)
            .ok_or_else(|| conversion("bad pull request mode".to_owned()))?,
    })
}

fn load_task(conn: &Connection, org: OrgId, id: TaskId) -> Result<Task, StoreError> {
    static SQL: LazyLock<String> =
        LazyLock::new(|| format!("SELECT {TASK_COLUMNS} FROM tasks WHERE org_id = ?1 AND id = ?2"));
    let ids = [IdText::of(org.as_uuid()), IdText::of(id.as_uuid())];
    conn.prepare_cached(&SQL)
        .and_then(|mut stmt| stmt.query_row(ids, task_from_row))
        .map_err(not_found_or)
}

/// Fails with `NotFound` unless the statement changed a row.
fn expect_changed(changed: usize) -> Result<(), StoreError> {
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

impl SqliteStore {
    /// A store on an open database.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    async fn with<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.db.run(f).await.map_err(backend)?
    }
}

#[async_trait]
impl Store for SqliteStore {
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
            created_at: OffsetDateTime::now_utc(),
        };
        let user = User {
            id: UserId::new(),
            org_id: org.id,
            email: email.to_lowercase(),
            role: Role::Owner,
        };
        let hash = password_hash.to_owned();
        let (org_row, user_row) = (org.clone(), user.clone());
        self.with(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            let created = format_time(org_row.created_at);
            tx.execute(
                "INSERT INTO orgs (id, name, plan, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![org_row.id.to_string(), org_row.name, org_row.plan, created],
            )
            .map_err(backend)?;
            let inserted = tx
                .execute(
                    "INSERT INTO users (id, org_id, email, password_hash, role, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (email) DO NOTHING",
                    params![
                        user_row.id.to_string(),
                        org_row.id.to_string(),
                        user_row.email,
                        hash,
                        user_row.role.as_str(),
                        created
                    ],
                )
                .map_err(backend)?;
            if inserted == 0 {
                // Dropping the transaction rolls the org back too.
                return Err(StoreError::Conflict("email is already registered".into()));
            }
            tx.commit().map_err(backend)
        })
        .await?;
        Ok((org, user))
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserCredentials>, StoreError> {
        let email = email.to_lowercase();
        self.with(move |conn| {
            conn.query_row(
                "SELECT id, org_id, email, role, password_hash FROM users WHERE email = ?1",
                params![email],
                |row| {
                    let role: String = row.get(3)?;
                    Ok(UserCredentials {
                        user: User {
                            id: parse_id(row.get(0)?)?,
                            org_id: parse_id(row.get(1)?)?,
                            email: row.get(2)?,
                            role: Role::parse(&role)
                                .ok_or_else(|| conversion(format!("bad role {role:?}")))?,
                        },
                        password_hash: row.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(backend)
        })
        .await
    }

    async fn org(&self, scope: &OrgScope) -> Result<Org, StoreError> {
        // A point read on the request path: on this thread (`Db::read`).
        self.db.read(|conn| load_org(conn, scope.org_id()))
    }

    async fn create_repo(&self, scope: &OrgScope, repo: NewRepo) -> Result<Repo, StoreError> {
        let repo = Repo {
            id: RepoId::new(),
            org_id: scope.org_id(),
            url: repo.url,
            provider: repo.provider,
            default_branch: repo.default_branch,
            pull_requests: repo.pull_requests,
            created_at: OffsetDateTime::now_utc(),
        };
        let row = repo.clone();
        self.with(move |conn| {
            conn.execute(
                "INSERT INTO repos (id, org_id, url, provider, default_branch, created_at,
                                    pull_requests)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    row.id.to_string(),
                    row.org_id.to_string(),
                    row.url,
                    row.provider.as_str(),
                    row.default_branch,
                    format_time(row.created_at),
                    row.pull_requests.as_str()
                ],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await?;
        Ok(repo)
    }

    async fn repo(&self, scope: &OrgScope, id: RepoId) -> Result<Repo, StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            conn.query_row(
                "SELECT id, org_id, url, provider, default_branch, created_at, pull_requests
                 FROM repos WHERE org_id = ?1 AND id = ?2",
                params![org.to_string(), id.to_string()],
                repo_from_row,
            )
            .map_err(not_found_or)
        })
        .await
    }

    async fn list_repos(&self, scope: &OrgScope) -> Result<Vec<Repo>, StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            let mut stmt = conn
                .prepare(
                    "SELECT id, org_id, url, provider, default_branch, created_at, pull_requests
                     FROM repos WHERE org_id = ?1 ORDER BY id",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map(params![org.to_string()], repo_from_row)
                .map_err(backend)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(backend)
        })
        .await
    }

    async fn create_task(&self, scope: &OrgScope, task: NewTask) -> Result<Task, StoreError> {
        let org = scope.org_id();
        let id = task.id;
        self.with(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            let repo_exists: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM repos WHERE org_id = ?1 AND id = ?2)",
                    params![org.to_string(), task.repo_id.to_string()],
                    |row| row.get(0),
                )
                .map_err(backend)?;
            if !repo_exists {
                return Err(StoreError::NotFound);
            }
            let at = now();
            tx.execute(
                "INSERT INTO tasks (id, org_id, repo_id, instruction, sprint, max_tokens, status,
                                    created_at, updated_at, quota_period, jira_issue)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7, ?7, ?8, ?9)",
                params![
                    id.to_string(),
                    org.to_string(),
                    task.repo_id.to_string(),
                    task.instruction,
                    task.sprint,
                    task.max_tokens.map(|v| v as i64),
                    at,
                    task.quota_period.to_string(),
                    task.jira_issue
                ],
            )
            .map_err(backend)?;
            let created = load_task(&tx, org, id)?;
            tx.commit().map_err(backend)?;
            Ok(created)
        })
        .await
    }

    async fn task(&self, scope: &OrgScope, id: TaskId) -> Result<Task, StoreError> {
        // A point read on the request path: on this thread (`Db::read`).
        self.db.read(|conn| load_task(conn, scope.org_id(), id))
    }

    async fn list_tasks(
        &self,
        scope: &OrgScope,
        query: &TaskQuery,
    ) -> Result<TaskPage, StoreError> {
        let org = scope.org_id();
        let query = query.clone();
        self.with(move |conn| {
            let limit = query.limit.clamp(1, 1000) as usize;
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {TASK_COLUMNS} FROM tasks
                     WHERE org_id = ?1
                       AND (?2 IS NULL OR status = ?2)
                       AND (?3 IS NULL OR sprint = ?3)
                       AND (?4 IS NULL OR id < ?4)
                     ORDER BY id DESC LIMIT ?5"
                ))
                .map_err(backend)?;
            let rows = stmt
                .query_map(
                    params![
                        org.to_string(),
                        query.status.map(|s| s.as_str()),
                        query.sprint,
                        query.before.map(|b| b.to_string()),
                        (limit + 1) as i64
                    ],
                    task_from_row,
                )
                .map_err(backend)?;
            let mut tasks = rows
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(backend)?;
            let next = (tasks.len() > limit).then(|| tasks[limit - 1].id);
            tasks.truncate(limit);
            Ok(TaskPage { tasks, next })
        })
        .await
    }

    async fn start_attempt(&self, scope: &OrgScope, id: TaskId) -> Result<Task, StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            conn.execute(
                "UPDATE tasks SET status = 'running', attempts = attempts + 1, updated_at = ?3
                 WHERE org_id = ?1 AND id = ?2 AND status IN ('queued', 'running')",
                params![org.to_string(), id.to_string(), now()],
            )
            .map_err(backend)?;
            load_task(conn, org, id)
        })
        .await
    }

    async fn requeue_task(&self, scope: &OrgScope, id: TaskId) -> Result<(), StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE tasks SET status = 'queued', updated_at = ?3
                     WHERE org_id = ?1 AND id = ?2 AND status = 'running'",
                    params![org.to_string(), id.to_string(), now()],
                )
                .map_err(backend)?;
            if changed == 0 {
                load_task(conn, org, id)?;
            }
            Ok(())
        })
        .await
    }

    async fn cancel_task(&self, scope: &OrgScope, id: TaskId) -> Result<CancelOutcome, StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            let before = load_task(&tx, org, id)?;
            if before.status.is_terminal() {
                return Ok(CancelOutcome::AlreadyFinished(before.status));
            }
            tx.execute(
                "UPDATE tasks SET status = 'cancelled', error_code = NULL, error_message = NULL,
                                  updated_at = ?3
                 WHERE org_id = ?1 AND id = ?2",
                params![org.to_string(), id.to_string(), now()],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(CancelOutcome::Cancelled { was: before.status })
        })
        .await
    }

    async fn record_usage(
        &self,
        scope: &OrgScope,
        id: TaskId,
        call: &LlmCallUsage,
    ) -> Result<bool, StoreError> {
        let org = scope.org_id();
        let call = call.clone();
        self.with(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            let at = now();
            // The task's row first: another org's task id inserts nothing.
            let inserted = tx
                .execute(
                    "INSERT INTO usage (org_id, task_id, sprint, prompt_tokens, completion_tokens,
                                        at, call_id, period, model, cost_micros)
                     SELECT org_id, id, sprint, ?3, ?4, ?5, ?6, ?7, ?8, ?9
                     FROM tasks WHERE org_id = ?1 AND id = ?2
                     ON CONFLICT (call_id) DO NOTHING",
                    params![
                        org.to_string(),
                        id.to_string(),
                        signed(call.usage.prompt),
                        signed(call.usage.completion),
                        at,
                        call.call_id.to_string(),
                        call.period.to_string(),
                        call.model,
                        signed(call.cost_micros)
                    ],
                )
                .map_err(backend)?;
            if inserted == 0 {
                load_task(&tx, org, id)?;
                return Ok(false);
            }
            tx.execute(
                "UPDATE tasks SET prompt_tokens = prompt_tokens + ?3,
                                  completion_tokens = completion_tokens + ?4,
                                  llm_calls = llm_calls + 1,
                                  cost_micros = cost_micros + ?5,
                                  updated_at = ?6
                 WHERE org_id = ?1 AND id = ?2",
                params![
                    org.to_string(),
                    id.to_string(),
                    signed(call.usage.prompt),
                    signed(call.usage.completion),
                    signed(call.cost_micros),
                    at
                ],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(true)
        })
        .await
    }

    async fn release_unused_quota(
        &self,
        scope: &OrgScope,
        id: TaskId,
    ) -> Result<Option<Period>, StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            let period: Option<String> = conn
                .query_row(
                    "UPDATE tasks SET quota_released = 1
                     WHERE org_id = ?1 AND id = ?2 AND status IN ('failed', 'cancelled')
                       AND llm_calls = 0 AND quota_released = 0
                     RETURNING quota_period",
                    params![org.to_string(), id.to_string()],
                    |row| row.get(0),
                )
                .optional()
                .map_err(backend)?;
            period
                .map(|p| p.parse().map_err(|e: BadPeriod| backend(e)))
                .transpose()
        })
        .await
    }

    async fn usage_report(
        &self,
        scope: &OrgScope,
        period: Period,
        page: &UsagePage,
    ) -> Result<UsageReport, StoreError> {
        let org = scope.org_id().to_string();
        let page = page.clone();
        self.with(move |conn| {
            let p = period.to_string();
            let tasks_used: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM tasks
                     WHERE org_id = ?1 AND quota_period = ?2 AND quota_released = 0",
                    params![org, p],
                    |row| row.get(0),
                )
                .map_err(backend)?;
            let mut total = Spend::default();
            let mut by_sprint = Vec::new();
            let mut statement = conn
                .prepare_cached(
                    "SELECT sprint, SUM(prompt_tokens), SUM(completion_tokens), SUM(cost_micros)
                     FROM usage WHERE org_id = ?1 AND period = ?2
                     GROUP BY sprint ORDER BY sprint",
                )
                .map_err(backend)?;
            let mut rows = statement.query(params![org, p]).map_err(backend)?;
            while let Some(row) = rows.next().map_err(backend)? {
                let mut spend = Spend::default();
                add_spend(&mut spend, row, 1).map_err(backend)?;
                add_spend(&mut total, row, 1).map_err(backend)?;
                by_sprint.push((row.get::<_, Option<String>>(0).map_err(backend)?, spend));
            }
            drop(rows);
            let after = page.after.map(|t| t.to_string()).unwrap_or_default();
            let mut statement = conn
                .prepare_cached(
                    "SELECT task_id, MAX(sprint), SUM(prompt_tokens), SUM(completion_tokens),
                            SUM(cost_micros)
                     FROM usage WHERE org_id = ?1 AND period = ?2 AND task_id > ?3
                     GROUP BY task_id ORDER BY task_id LIMIT ?4",
                )
                .map_err(backend)?;
            let mut rows = statement
                .query(params![org, p, after, i64::from(page.limit) + 1])
                .map_err(backend)?;
            let mut tasks = Vec::new();
            while let Some(row) = rows.next().map_err(backend)? {
                let mut spend = Spend::default();
                add_spend(&mut spend, row, 2).map_err(backend)?;
                let id: TaskId = parse_id(row.get(0).map_err(backend)?).map_err(backend)?;
                tasks.push((id, row.get(1).map_err(backend)?, spend));
            }
            let next = if tasks.len() > page.limit as usize {
                tasks.truncate(page.limit as usize);
                tasks.last().map(|t| t.0)
            } else {
                None
            };
            Ok(UsageReport {
                period,
                tasks_used: unsigned(tasks_used),
                total,
                by_sprint,
                tasks,
                next,
            })
        })
        .await
    }

    async fn set_plan(&self, scope: &OrgScope, change: &PlanChange) -> Result<Org, StoreError> {
        let (org, change) = (scope.org_id(), change.clone());
        self.with(move |conn| set_plan(conn, org, &change)).await
    }

    async fn set_past_due(&self, scope: &OrgScope, past_due: bool) -> Result<(), StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE orgs SET past_due = ?2 WHERE id = ?1",
                    params![org.to_string(), past_due],
                )
                .map_err(backend)?;
            expect_changed(changed)
        })
        .await
    }

    async fn record_billing_event(
        &self,
        provider: &str,
        event_id: &str,
        apply: Option<(OrgScope, BillingChange)>,
    ) -> Result<bool, StoreError> {
        let (provider, event_id) = (provider.to_owned(), event_id.to_owned());
        self.with(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            let org = apply.as_ref().map(|(scope, _)| scope.org_id().to_string());
            let inserted = tx
                .execute(
                    "INSERT INTO billing_events (provider, event_id, org_id, received_at)
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                    params![provider, event_id, org, now()],
                )
                .map_err(backend)?;
            if inserted == 0 {
                return Ok(false);
            }
            match apply {
                Some((scope, BillingChange::Plan(change))) => {
                    set_plan(&tx, scope.org_id(), &change)?;
                }
                Some((scope, BillingChange::PastDue)) => {
                    let changed = tx
                        .execute(
                            "UPDATE orgs SET past_due = 1 WHERE id = ?1",
                            params![scope.org_id().to_string()],
                        )
                        .map_err(backend)?;
                    expect_changed(changed)?;
                }
                None => {}
            }
            tx.commit().map_err(backend)?;
            Ok(true)
        })
        .await
    }

    async fn billing_customer(
        &self,
        provider: &str,
        customer_ref: &str,
    ) -> Result<Option<(OrgId, String)>, StoreError> {
        let (provider, customer) = (provider.to_owned(), customer_ref.to_owned());
        self.with(move |conn| {
            conn.query_row(
                "SELECT org_id, plan FROM billing_customers
                 WHERE provider = ?1 AND customer_ref = ?2",
                params![provider, customer],
                |row| Ok((parse_id(row.get(0)?)?, row.get(1)?)),
            )
            .optional()
            .map_err(backend)
        })
        .await
    }

    async fn set_billing_customer(
        &self,
        scope: &OrgScope,
        provider: &str,
        customer_ref: &str,
        plan: &str,
    ) -> Result<(), StoreError> {
        let org = scope.org_id().to_string();
        let (provider, customer, plan) = (
            provider.to_owned(),
            customer_ref.to_owned(),
            plan.to_owned(),
        );
        self.with(move |conn| {
            conn.execute(
                "INSERT INTO billing_customers (provider, customer_ref, org_id, plan)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (provider, customer_ref) DO UPDATE SET org_id = ?3, plan = ?4",
                params![provider, customer, org, plan],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn finish_task(
        &self,
        scope: &OrgScope,
        id: TaskId,
        outcome: &TaskOutcome,
    ) -> Result<(), StoreError> {
        let org = scope.org_id();
        let outcome = outcome.clone();
        self.with(move |conn| {
            let changed = match outcome {
                TaskOutcome::Succeeded {
                    summary,
                    branch,
                    commit,
                    changed_files,
                    pull_request_url,
                } => conn.execute(
                    "UPDATE tasks SET status = 'succeeded', summary = ?3, branch = ?4,
                            commit_id = ?5, changed_files = ?6, error_code = NULL,
                            error_message = NULL, updated_at = ?7, pull_request_url = ?8
                     WHERE org_id = ?1 AND id = ?2 AND status IN ('queued', 'running')",
                    params![
                        org.to_string(),
                        id.to_string(),
                        summary,
                        branch,
                        commit,
                        serde_json::to_string(&changed_files).map_err(backend)?,
                        now(),
                        pull_request_url
                    ],
                ),
                TaskOutcome::Failed(error) => conn.execute(
                    "UPDATE tasks SET status = 'failed', error_code = ?3, error_message = ?4,
                            updated_at = ?5
                     WHERE org_id = ?1 AND id = ?2 AND status IN ('queued', 'running')",
                    params![
                        org.to_string(),
                        id.to_string(),
                        error.code,
                        error.message,
                        now()
                    ],
                ),
            }
            .map_err(backend)?;
            if changed == 0 {
                // Finished before (cancelled, say): the first ending stands. Only a task that
                // does not exist in this org is an error.
                load_task(conn, org, id)?;
            }
            Ok(())
        })
        .await
    }

    async fn append_event(
        &self,
        scope: &OrgScope,
        id: TaskId,
        kind: EventKind,
        data: serde_json::Value,
    ) -> Result<(), StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            let changed = conn
                .execute(
                    "INSERT INTO task_events (org_id, task_id, seq, kind, data, at)
                     SELECT ?1, ?2,
                            COALESCE((SELECT MAX(seq) FROM task_events WHERE task_id = ?2), 0) + 1,
                            ?3, ?4, ?5
                     WHERE EXISTS (SELECT 1 FROM tasks WHERE org_id = ?1 AND id = ?2)",
                    params![
                        org.to_string(),
                        id.to_string(),
                        kind.as_str(),
                        data.to_string(),
                        now()
                    ],
                )
                .map_err(backend)?;
            expect_changed(changed)
        })
        .await
    }

    async fn task_events(
        &self,
        scope: &OrgScope,
        id: TaskId,
        after: u64,
    ) -> Result<Vec<TaskEvent>, StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            load_task(conn, org, id)?;
            let mut stmt = conn
                .prepare(
                    "SELECT seq, kind, data, at FROM task_events
                     WHERE org_id = ?1 AND task_id = ?2 AND seq > ?3 ORDER BY seq",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map(
                    params![org.to_string(), id.to_string(), after as i64],
                    |row| {
                        let kind: String = row.get(1)?;
                        let data: String = row.get(2)?;
                        Ok(TaskEvent {
                            seq: row.get::<_, i64>(0)? as u64,
                            kind: EventKind::parse(&kind)
                                .ok_or_else(|| conversion(format!("bad event kind {kind:?}")))?,
                            data: serde_json::from_str(&data)
                                .map_err(|e| conversion(e.to_string()))?,
                            at: parse_time(&row.get::<_, String>(3)?)?,
                        })
                    },
                )
                .map_err(backend)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(backend)
        })
        .await
    }

    async fn put_credential(
        &self,
        scope: &OrgScope,
        credential: Credential,
    ) -> Result<Credential, StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            let now = now();
            // A replaced secret keeps its first `created_at` and gets a `rotated_at`.
            conn.execute(
                    "INSERT INTO credentials (org_id, provider, id, username, scopes_note,
                        fingerprint, key_version, nonce, ciphertext, created_at, rotated_at,
                        base_url)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL, ?11)
                     ON CONFLICT (org_id, provider) DO UPDATE SET
                        id = excluded.id, username = excluded.username,
                        scopes_note = excluded.scopes_note, fingerprint = excluded.fingerprint,
                        key_version = excluded.key_version, nonce = excluded.nonce,
                        ciphertext = excluded.ciphertext, rotated_at = excluded.created_at,
                        base_url = excluded.base_url",
                    params![
                        org.to_string(),
                        credential.provider.as_str(),
                        credential.id.to_string(),
                        credential.username,
                        credential.scopes_note,
                        credential.fingerprint,
                        credential.sealed.key_version,
                        credential.sealed.nonce,
                        credential.sealed.ciphertext,
                        now,
                        credential.base_url,
                    ],
                )
                .map_err(backend)?;
            conn.query_row(
                &format!("SELECT {CREDENTIAL_COLUMNS} FROM credentials WHERE org_id = ?1 AND provider = ?2"),
                params![org.to_string(), credential.provider.as_str()],
                credential_from_row,
            )
            .map_err(backend)
        })
        .await
    }

    async fn credential(
        &self,
        scope: &OrgScope,
        provider: CredentialProvider,
    ) -> Result<Credential, StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            conn.query_row(
                &format!("SELECT {CREDENTIAL_COLUMNS} FROM credentials WHERE org_id = ?1 AND provider = ?2"),
                params![org.to_string(), provider.as_str()],
                credential_from_row,
            )
            .map_err(not_found_or)
        })
        .await
    }

    async fn list_credentials(&self, scope: &OrgScope) -> Result<Vec<Credential>, StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            let mut statement = conn
                .prepare(&format!(
                    "SELECT {CREDENTIAL_COLUMNS} FROM credentials WHERE org_id = ?1 ORDER BY provider"
                ))
                .map_err(backend)?;
            let rows = statement
                .query_map(params![org.to_string()], credential_from_row)
                .map_err(backend)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(backend)
        })
        .await
    }

    async fn all_credentials(&self) -> Result<Vec<Credential>, StoreError> {
        self.with(move |conn| {
            let mut statement = conn
                .prepare(&format!(
                    "SELECT {CREDENTIAL_COLUMNS} FROM credentials ORDER BY org_id, provider"
                ))
                .map_err(backend)?;
            let rows = statement
                .query_map([], credential_from_row)
                .map_err(backend)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(backend)
        })
        .await
    }

    async fn reseal_credential(
        &self,
        scope: &OrgScope,
        id: CredentialId,
        sealed: SealedSecret,
    ) -> Result<bool, StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE credentials SET key_version = ?3, nonce = ?4, ciphertext = ?5
                     WHERE org_id = ?1 AND id = ?2",
                    params![
                        org.to_string(),
                        id.to_string(),
                        sealed.key_version,
                        sealed.nonce,
                        sealed.ciphertext
                    ],
                )
                .map_err(backend)?;
            Ok(changed == 1)
        })
        .await
    }

    async fn delete_credential(
        &self,
        scope: &OrgScope,
        provider: CredentialProvider,
    ) -> Result<(), StoreError> {
        let org = scope.org_id();
        self.with(move |conn| {
            let deleted = conn
                .execute(
                    "DELETE FROM credentials WHERE org_id = ?1 AND provider = ?2",
                    params![org.to_string(), provider.as_str()],
                )
                .map_err(backend)?;
            if deleted == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("orchard.db")).unwrap();
        (dir, SqliteStore::new(db))
    }

    async fn org_with_repo(store: &SqliteStore, email: &str) -> (OrgScope, Repo) {
        let (org, user) = store
            .create_org_with_owner("acme", email, "$argon2id$fake")
            .await
            .unwrap();
        assert_eq!(user.role, Role::Owner);
        let scope = OrgScope::trusted(org.id);
        let repo = store
            .create_repo(
                &scope,
                NewRepo {
                    url: "https://example.test/acme/app.git".into(),
                    provider: Provider::Github,
                    default_branch: Some("main".into()),
                    pull_requests: Default::default(),
                },
            )
            .await
            .unwrap();
        (scope, repo)
    }

    fn new_task(repo: &Repo, instruction: &str) -> NewTask {
        NewTask {
            id: TaskId::new(),
            quota_period: "2026-12".parse().unwrap(),
            repo_id: repo.id,
            instruction: instruction.into(),
            sprint: Some("s1".into()),
            max_tokens: Some(1000),
            jira_issue: None,
        }
    }

    /// One LLM call of `prompt` + `completion` tokens in 2026-12, costing a micro-dollar a token.
    fn call(prompt: u64, completion: u64) -> LlmCallUsage {
        LlmCallUsage {
            call_id: uuid::Uuid::now_v7(),
            period: "2026-12".parse().unwrap(),
            model: "m".into(),
            usage: TokenUsage { prompt, completion },
            cost_micros: prompt + completion,
        }
    }

    #[tokio::test]
    async fn the_sqlite_store_passes_the_conformance_suite() {
        let dir = tempfile::tempdir().unwrap();
        let counter = std::sync::atomic::AtomicUsize::new(0);
        orchard_actors::conformance::store::all_store_checks(|| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = dir.path().join(format!("store{n}.db"));
            async move { SqliteStore::new(Db::open(&path).unwrap()) }
        })
        .await;
    }

    #[tokio::test]
    async fn signup_rejects_a_taken_email_and_leaves_no_orphan_org() {
        let (_dir, store) = store().await;
        store
            .create_org_with_owner("a", "a@x.test", "h")
            .await
            .unwrap();
        let err = store
            .create_org_with_owner("b", "a@x.test", "h")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)));
        let orgs: i64 = store
            .db
            .run(|c| c.query_row("SELECT COUNT(*) FROM orgs", [], |r| r.get(0)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(orgs, 1);
        let found = store.user_by_email("a@x.test").await.unwrap().unwrap();
        assert_eq!(found.password_hash, "h");
        assert!(
            store
                .user_by_email("nobody@x.test")
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn tenant_data_is_invisible_to_other_orgs() {
        let (_dir, store) = store().await;
        let (acme, repo) = org_with_repo(&store, "a@acme.test").await;
        let (globex, _) = org_with_repo(&store, "b@globex.test").await;
        let task = store
            .create_task(&acme, new_task(&repo, "do it"))
            .await
            .unwrap();

        assert!(matches!(
            store.task(&globex, task.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.repo(&globex, repo.id).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(store.list_repos(&globex).await.unwrap().len(), 1);
        let page = store
            .list_tasks(
                &globex,
                &TaskQuery {
                    limit: 50,
                    ..TaskQuery::default()
                },
            )
            .await
            .unwrap();
        assert!(page.tasks.is_empty());
        // Writes through another org's scope touch nothing.
        assert!(matches!(
            store.create_task(&globex, new_task(&repo, "steal")).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.start_attempt(&globex, task.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.record_usage(&globex, task.id, &call(1, 1)).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store
                .append_event(&globex, task.id, EventKind::Status, serde_json::json!({}))
                .await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            store.task(&acme, task.id).await.unwrap().status,
            TaskStatus::Queued
        );
    }

    #[tokio::test]
    async fn a_task_records_attempts_usage_events_and_outcome() {
        let (_dir, store) = store().await;
        let (scope, repo) = org_with_repo(&store, "a@acme.test").await;
        let task = store
            .create_task(&scope, new_task(&repo, "add validation"))
            .await
            .unwrap();
        assert_eq!(task.status, TaskStatus::Queued);
        assert_eq!(task.max_tokens, Some(1000));

        let running = store.start_attempt(&scope, task.id).await.unwrap();
        assert_eq!((running.status, running.attempts), (TaskStatus::Running, 1));
        store
            .record_usage(&scope, task.id, &call(10, 3))
            .await
            .unwrap();
        store
            .record_usage(&scope, task.id, &call(5, 2))
            .await
            .unwrap();
        for step in 1..=3 {
            store
                .append_event(
                    &scope,
                    task.id,
                    EventKind::LlmCall,
                    serde_json::json!({"step": step}),
                )
                .await
                .unwrap();
        }
        store
            .finish_task(
                &scope,
                task.id,
                &TaskOutcome::Succeeded {
                    summary: "done".into(),
                    branch: Some("orchard/x".into()),
                    commit: Some("abc".into()),
                    changed_files: vec!["a.rs".into()],
                    pull_request_url: None,
                },
            )
            .await
            .unwrap();

        let done = store.task(&scope, task.id).await.unwrap();
        assert_eq!(done.status, TaskStatus::Succeeded);
        assert_eq!(
            done.tokens,
            TokenUsage {
                prompt: 15,
                completion: 5
            }
        );
        assert_eq!(done.changed_files, vec!["a.rs".to_owned()]);
        assert_eq!(done.branch.as_deref(), Some("orchard/x"));
        let events = store.task_events(&scope, task.id, 1).await.unwrap();
        assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 3]);
        let ledger: i64 = store
            .db
            .run(|c| {
                c.query_row(
                    "SELECT SUM(prompt_tokens + completion_tokens) FROM usage WHERE sprint = 's1'",
                    [],
                    |r| r.get(0),
                )
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ledger, 20);

        store
            .finish_task(
                &scope,
                task.id,
                &TaskOutcome::Failed(TaskError {
                    code: "x".into(),
                    message: "y".into(),
                }),
            )
            .await
            .unwrap();
        let still = store.task(&scope, task.id).await.unwrap();
        assert_eq!(
            still.status,
            TaskStatus::Succeeded,
            "the first ending stands"
        );
        assert!(still.error.is_none());
        assert!(matches!(
            store.cancel_task(&scope, task.id).await.unwrap(),
            CancelOutcome::AlreadyFinished(TaskStatus::Succeeded)
        ));
    }

    /// A call is recorded once however often its recording is retried (a settle retry, a
    /// redelivered run): usage rows are keyed by the call's reservation id.
    #[tokio::test]
    async fn a_call_is_recorded_once_and_an_unused_slot_released_once() {
        let (_dir, store) = store().await;
        let (scope, repo) = org_with_repo(&store, "a@acme.test").await;
        let task = store
            .create_task(&scope, new_task(&repo, "twice"))
            .await
            .unwrap();
        let one = call(10, 5);
        assert!(store.record_usage(&scope, task.id, &one).await.unwrap());
        assert!(!store.record_usage(&scope, task.id, &one).await.unwrap());
        let recorded = store.task(&scope, task.id).await.unwrap();
        assert_eq!((recorded.tokens.total(), recorded.llm_calls), (15, 1));
        assert_eq!(recorded.cost_micros, 15);
        let period = one.period;
        let report = store
            .usage_report(
                &scope,
                period,
                &UsagePage {
                    after: None,
                    limit: 10,
                },
            )
            .await
            .unwrap();
        assert_eq!(report.total.tokens.total(), 15);
        assert_eq!(report.tasks_used, 1);

        // A task with a call keeps its slot; one without gives it back, once.
        let failed = TaskOutcome::Failed(TaskError {
            code: "x".into(),
            message: "x".into(),
        });
        store.finish_task(&scope, task.id, &failed).await.unwrap();
        assert_eq!(
            store.release_unused_quota(&scope, task.id).await.unwrap(),
            None
        );
        let idle = store
            .create_task(&scope, new_task(&repo, "no call"))
            .await
            .unwrap();
        assert_eq!(
            store.release_unused_quota(&scope, idle.id).await.unwrap(),
            None,
            "a queued task keeps its slot"
        );
        store.finish_task(&scope, idle.id, &failed).await.unwrap();
        assert_eq!(
            store.release_unused_quota(&scope, idle.id).await.unwrap(),
            Some(idle.quota_period)
        );
        assert_eq!(
            store.release_unused_quota(&scope, idle.id).await.unwrap(),
            None
        );
        let report = store
            .usage_report(
                &scope,
                period,
                &UsagePage {
                    after: None,
                    limit: 10,
                },
            )
            .await
            .unwrap();
        assert_eq!(report.tasks_used, 1, "the released slot no longer counts");
    }

    #[tokio::test]
    async fn a_cancelled_task_stays_cancelled() {
        let (_dir, store) = store().await;
        let (scope, repo) = org_with_repo(&store, "a@acme.test").await;
        let (other, _) = org_with_repo(&store, "b@globex.test").await;
        let task = store
            .create_task(&scope, new_task(&repo, "x"))
            .await
            .unwrap();
        assert!(matches!(
            store.cancel_task(&other, task.id).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            store.cancel_task(&scope, task.id).await.unwrap(),
            CancelOutcome::Cancelled {
                was: TaskStatus::Queued
            }
        );
        // A run that starts or finishes afterwards changes nothing.
        let started = store.start_attempt(&scope, task.id).await.unwrap();
        assert_eq!(
            (started.status, started.attempts),
            (TaskStatus::Cancelled, 0)
        );
        store
            .finish_task(
                &scope,
                task.id,
                &TaskOutcome::Failed(TaskError {
                    code: "x".into(),
                    message: "y".into(),
                }),
            )
            .await
            .unwrap();
        let after = store.task(&scope, task.id).await.unwrap();
        assert_eq!(after.status, TaskStatus::Cancelled);
        assert!(after.error.is_none());
    }

    #[tokio::test]
    async fn listing_filters_and_pages_newest_first() {
        let (_dir, store) = store().await;
        let (scope, repo) = org_with_repo(&store, "a@acme.test").await;
        let mut ids = Vec::new();
        for i in 0..5 {
            ids.push(
                store
                    .create_task(&scope, new_task(&repo, &format!("t{i}")))
                    .await
                    .unwrap()
                    .id,
            );
        }
        store.start_attempt(&scope, ids[1]).await.unwrap();

        let first = store
            .list_tasks(
                &scope,
                &TaskQuery {
                    limit: 2,
                    ..TaskQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            first.tasks.iter().map(|t| t.id).collect::<Vec<_>>(),
            [ids[4], ids[3]]
        );
        let second = store
            .list_tasks(
                &scope,
                &TaskQuery {
                    limit: 2,
                    before: first.next,
                    ..TaskQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            second.tasks.iter().map(|t| t.id).collect::<Vec<_>>(),
            [ids[2], ids[1]]
        );
        let last = store
            .list_tasks(
                &scope,
                &TaskQuery {
                    limit: 2,
                    before: second.next,
                    ..TaskQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(last.tasks.len(), 1);
        assert!(last.next.is_none());

        let running = store
            .list_tasks(
                &scope,
                &TaskQuery {
                    status: Some(TaskStatus::Running),
                    limit: 10,
                    ..TaskQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            running.tasks.iter().map(|t| t.id).collect::<Vec<_>>(),
            [ids[1]]
        );
    }

    #[tokio::test]
    async fn reopening_keeps_the_data_and_the_schema_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orchard.db");
        let store = SqliteStore::new(Db::open(&path).unwrap());
        let (scope, _) = org_with_repo(&store, "a@acme.test").await;
        drop(store);
        let reopened = SqliteStore::new(Db::open(&path).unwrap());
        assert_eq!(reopened.list_repos(&scope).await.unwrap().len(), 1);
    }
}
