//! `orchard migrate`: applies `schema/cql/` (built into the binary) to the configured cluster.
//!
//! 1. `CREATE KEYSPACE IF NOT EXISTS` from configuration ([`migrations::keyspace_ddl`]).
//! 2. Migration 0001 (the runner's own tables), unconditionally: only `IF NOT EXISTS`.
//! 3. The lock: `migration_lock` taken with an LWT `INSERT ... IF NOT EXISTS USING TTL`, the
//!    holder being host, pid and a random part; a runner that finds it taken waits for it. A
//!    try whose outcome is unknown is repeated: finding its own name in the lock, the runner
//!    knows the earlier try took it.
//! 4. What was applied, read from `schema_migrations` at the serial consistency (so a runner
//!    in another datacenter sees what the last holder recorded); every applied file's checksum
//!    is compared with this build's ([`migrations::pending`]): an edited file is an error.
//! 5. The rest, in order, statement by statement, each file recorded with an LWT
//!    `INSERT ... IF NOT EXISTS` once all its statements ran.
//! 6. The lock freed (`DELETE ... IF holder = ?`), whatever happened in 5.
//! 7. Every statement of `scylla_cql::ALL` prepared: the schema serves all of them.
//!
//! Several nodes may run it at once: they take turns on the lock; should a run outlive the
//! lock's TTL, every statement is `IF NOT EXISTS` and every record an LWT, so a second runner
//! repeats harmless statements and records nothing twice.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, bail};
use scylla::client::session::Session;
use scylla::response::query_result::QueryResult;
use scylla::value::{CqlTimestamp, CqlValue, Row};

use super::migrations::{self, Applied, COMPONENT, Migration};
use super::{Statements, connect, serial_read};
use crate::config::{ScyllaSerialConsistency, StoreConfig};
use crate::store::scylla_cql::{self, with_keyspace};

/// The row of `migration_lock` the runner takes.
const LOCK_NAME: &str = "store";

/// Seconds the lock lives unless freed: a crashed runner's lock expires after this.
const LOCK_TTL_SECS: i32 = 300;

/// How long a runner waits for another's lock before giving up: longer than the TTL, so a
/// crashed runner's lock has expired by then.
const LOCK_WAIT: Duration = Duration::from_secs(LOCK_TTL_SECS as u64 + 30);

/// Between two tries to take a lock another runner holds.
const LOCK_POLL: Duration = Duration::from_millis(500);

/// The runner's own statements: the only ones that can be prepared before 0001 ran.
const RUNNER_STATEMENTS: &[(&str, &str)] = &[
    (
        "SELECT_APPLIED_MIGRATIONS",
        scylla_cql::SELECT_APPLIED_MIGRATIONS,
    ),
    (
        "INSERT_APPLIED_MIGRATION",
        scylla_cql::INSERT_APPLIED_MIGRATION,
    ),
    ("ACQUIRE_MIGRATION_LOCK", scylla_cql::ACQUIRE_MIGRATION_LOCK),
    ("SELECT_MIGRATION_LOCK", scylla_cql::SELECT_MIGRATION_LOCK),
    ("RELEASE_MIGRATION_LOCK", scylla_cql::RELEASE_MIGRATION_LOCK),
];

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrateReport {
    /// The keyspace.
    pub keyspace: String,
    /// The files this run applied, in order.
    pub applied: Vec<String>,
    /// How many files had been applied before.
    pub already_applied: usize,
    /// How many statements were prepared at the end (all of `scylla_cql::ALL`).
    pub prepared: usize,
}

/// Connects to the configured cluster and applies the migrations built into this binary.
pub async fn migrate(store: &StoreConfig) -> anyhow::Result<MigrateReport> {
    let session = connect(store).await?;
    migrate_session(&session, store).await
}

/// [`migrate`] on an open session.
pub(crate) async fn migrate_session(
    session: &Session,
    store: &StoreConfig,
) -> anyhow::Result<MigrateReport> {
    let keyspace = store.scylla_keyspace.as_str();
    let files = migrations::embedded()?;
    let ddl = migrations::keyspace_ddl(keyspace, &store.scylla_replication)?;
    session
        .query_unpaged(ddl, ())
        .await
        .with_context(|| format!("creating keyspace {keyspace}"))?;
    let Some(first) = files.first().filter(|m| m.version == 1) else {
        bail!("the migrations built into this binary do not start with 0001");
    };
    run_statements(session, keyspace, first).await?;

    let runner = Statements::prepare_some(session, keyspace, RUNNER_STATEMENTS).await?;
    let holder = migrations::lock_holder();
    acquire_lock(session, &runner, &holder, store.scylla_serial_consistency).await?;
    let outcome = apply_pending(session, store, &runner, &holder, &files).await;
    let released = release_lock(session, &runner, &holder).await;
    let (applied, already_applied) = outcome?;
    released?;

    let prepared = Statements::prepare(session, keyspace).await?;
    Ok(MigrateReport {
        keyspace: keyspace.to_owned(),
        applied,
        already_applied,
        prepared: prepared.len(),
    })
}

/// Steps 4 and 5, under the lock: the names applied, and how many were before.
async fn apply_pending(
    session: &Session,
    store: &StoreConfig,
    runner: &Statements,
    holder: &str,
    files: &[Migration],
) -> anyhow::Result<(Vec<String>, usize)> {
    let keyspace = store.scylla_keyspace.as_str();
    let recorded = read_applied(session, runner, store.scylla_serial_consistency).await?;
    let todo = migrations::pending(files, &recorded)?;
    let mut applied = Vec::with_capacity(todo.len());
    for migration in todo {
        tracing::info!(migration = %migration.name, keyspace, "applying migration");
        run_statements(session, keyspace, migration).await?;
        record(session, runner, holder, migration).await?;
        applied.push(migration.name.clone());
    }
    Ok((applied, recorded.len()))
}

/// Runs every statement of `migration`, in order.
async fn run_statements(
    session: &Session,
    keyspace: &str,
    migration: &Migration,
) -> anyhow::Result<()> {
    for (index, statement) in migration.statements.iter().enumerate() {
        let cql = with_keyspace(statement, keyspace)?;
        let result = session.query_unpaged(cql, ()).await;
        if let Err(err) = &result
            && is_add_column(statement)
            && err
                .to_string()
                .contains("conflicts with an existing column")
        {
            // The column was added by an earlier, interrupted run of this migration.
            continue;
        }
        result.with_context(|| {
            let head = statement.lines().next().unwrap_or_default();
            format!(
                "migration {}, statement {} (`{head}`)",
                migration.name,
                index + 1
            )
        })?;
    }
    Ok(())
}

/// Whether `statement` is an `ALTER TABLE … ADD`, which CQL cannot make `IF NOT EXISTS`.
fn is_add_column(statement: &str) -> bool {
    let words: Vec<String> = statement
        .split_whitespace()
        .take(4)
        .map(str::to_ascii_lowercase)
        .collect();
    words.len() == 4 && words[0] == "alter" && words[1] == "table" && words[3] == "add"
}

/// What `schema_migrations` holds, read at the serial consistency: linearizable with the LWTs
/// that recorded it, from any datacenter.
async fn read_applied(
    session: &Session,
    runner: &Statements,
    serial: ScyllaSerialConsistency,
) -> anyhow::Result<Vec<Applied>> {
    let mut statement = runner.get("SELECT_APPLIED_MIGRATIONS").clone();
    statement.set_consistency(serial_read(serial));
    let rows = session
        .execute_unpaged(&statement, (COMPONENT,))
        .await
        .context("reading schema_migrations")?
        .into_rows_result()
        .context("reading schema_migrations")?;
    rows.rows::<(i32, String, String)>()
        .context("reading schema_migrations")?
        .map(|row| {
            let (version, name, checksum) = row.context("reading schema_migrations")?;
            Ok(Applied {
                version,
                name,
                checksum,
            })
        })
        .collect()
}

/// Records `migration` as applied. Already recorded (another runner, after this one's lock
/// expired) is fine if it was the same file.
async fn record(
    session: &Session,
    runner: &Statements,
    holder: &str,
    migration: &Migration,
) -> anyhow::Result<()> {
    let values = (
        COMPONENT,
        migration.version,
        migration.name.as_str(),
        migration.checksum.as_str(),
        now(),
        holder,
    );
    let result = session
        .execute_unpaged(runner.get("INSERT_APPLIED_MIGRATION"), values)
        .await
        .with_context(|| format!("recording migration {}", migration.name))?;
    let (applied, row) = lwt_outcome(result)?;
    if applied {
        return Ok(());
    }
    let theirs = text(&row, "checksum");
    if theirs != migration.checksum {
        return Err(migrations::MigrationError::Edited {
            name: migration.name.clone(),
            applied: theirs,
            now: migration.checksum.clone(),
        }
        .into());
    }
    Ok(())
}

/// Takes the lock, waiting while another runner holds it (at most [`LOCK_WAIT`]).
async fn acquire_lock(
    session: &Session,
    runner: &Statements,
    holder: &str,
    serial: ScyllaSerialConsistency,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut announced = String::new();
    let mut failures = 0;
    loop {
        let attempt = session
            .execute_unpaged(
                runner.get("ACQUIRE_MIGRATION_LOCK"),
                (LOCK_NAME, holder, now(), LOCK_TTL_SECS),
            )
            .await;
        let result = match attempt {
            Ok(result) => result,
            // Its outcome is unknown (a timeout): a serial read says whether this runner's
            // write landed; if not, or if the read fails too, try again.
            Err(err) if failures < 2 => {
                failures += 1;
                tracing::warn!(error = %err, "taking the migration lock failed, looking");
                if lock_holder(session, runner, serial).await.as_deref() == Some(holder) {
                    return Ok(());
                }
                tokio::time::sleep(LOCK_POLL).await;
                continue;
            }
            Err(err) => return Err(err).context("taking the migration lock"),
        };
        let (applied, row) = lwt_outcome(result)?;
        let other = text(&row, "holder");
        if applied || other == holder {
            return Ok(());
        }
        if started.elapsed() >= LOCK_WAIT {
            bail!(
                "the migration lock is held by {other}; waited {} s (it expires {LOCK_TTL_SECS} s after it was taken)",
                LOCK_WAIT.as_secs()
            );
        }
        if other != announced {
            tracing::info!(holder = %other, "waiting for the migration lock");
            announced = other;
        }
        tokio::time::sleep(LOCK_POLL).await;
    }
}

/// Who holds the lock, read at SERIAL (completing a Paxos round in flight on it); `None`
/// when nobody does or the read fails.
async fn lock_holder(
    session: &Session,
    runner: &Statements,
    serial: ScyllaSerialConsistency,
) -> Option<String> {
    let mut statement = runner.get("SELECT_MIGRATION_LOCK").clone();
    statement.set_consistency(serial_read(serial));
    let rows = session
        .execute_unpaged(&statement, (LOCK_NAME,))
        .await
        .ok()?
        .into_rows_result()
        .ok()?;
    let (holder, _acquired): (String, CqlTimestamp) = rows.maybe_first_row().ok()??;
    Some(holder)
}

/// Frees the lock if this runner still holds it.
async fn release_lock(session: &Session, runner: &Statements, holder: &str) -> anyhow::Result<()> {
    let result = session
        .execute_unpaged(runner.get("RELEASE_MIGRATION_LOCK"), (LOCK_NAME, holder))
        .await
        .context("freeing the migration lock")?;
    let (applied, row) = lwt_outcome(result)?;
    if !applied {
        tracing::warn!(
            holder = %text(&row, "holder"),
            "the migration lock had expired and was no longer ours"
        );
    }
    Ok(())
}

/// Whether a conditional statement applied, and the columns of the row it returned (ScyllaDB
/// returns the current row when it did not apply).
fn lwt_outcome(result: QueryResult) -> anyhow::Result<(bool, HashMap<String, CqlValue>)> {
    let rows = result
        .into_rows_result()
        .context("a conditional statement returned no rows")?;
    let names: Vec<String> = rows
        .column_specs()
        .iter()
        .map(|spec| spec.name().to_owned())
        .collect();
    let row: Row = rows
        .first_row()
        .context("a conditional statement returned no row")?;
    let columns: HashMap<String, CqlValue> = names
        .into_iter()
        .zip(row.columns)
        .filter_map(|(name, value)| Some((name, value?)))
        .collect();
    let applied = columns
        .get("[applied]")
        .and_then(CqlValue::as_boolean)
        .context("a conditional statement returned no [applied] column")?;
    Ok((applied, columns))
}

/// A text column of an LWT's row, empty when absent.
fn text(row: &HashMap<String, CqlValue>, column: &str) -> String {
    row.get(column)
        .and_then(CqlValue::as_text)
        .cloned()
        .unwrap_or_default()
}

/// Now, as a CQL timestamp (milliseconds since the epoch).
fn now() -> CqlTimestamp {
    let millis = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    CqlTimestamp(millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runner_statements_are_those_of_the_catalogue() {
        for (name, cql) in RUNNER_STATEMENTS {
            let listed = scylla_cql::ALL.iter().find(|(n, _)| n == name);
            assert_eq!(listed.map(|(_, c)| *c), Some(*cql), "{name}");
            assert!(cql.contains("schema_migrations") || cql.contains("migration_lock"));
        }
        assert!(LOCK_WAIT > Duration::from_secs(LOCK_TTL_SECS as u64));
    }
}
