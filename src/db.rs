//! The embedded SQLite database: one file under the data dir, WAL mode, migrated on open.
//!
//! One connection behind a mutex, used from blocking threads: SQLite serialises writers
//! anyway, and every statement here is short.
//!
//! Checkpoints (copying the WAL back into the database file, with an fsync) run on a thread
//! of their own with its own connection, not inside whichever write happened to cross the
//! auto-checkpoint threshold: that write, and every request queued behind the connection's
//! mutex, used to wait for the fsync (p99 enqueue→start 6–7 ms on the bench, 4–5 ms without).
//! A passive checkpoint never blocks writers.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use rusqlite::Connection;

/// Migrations in order; `PRAGMA user_version` records how many were applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../schema/sqlite/0001_init.sql"),
    include_str!("../schema/sqlite/0002_fair_queue.sql"),
    include_str!("../schema/sqlite/0003_repo_locks.sql"),
    include_str!("../schema/sqlite/0004_queue_index.sql"),
    include_str!("../schema/sqlite/0005_credentials.sql"),
    include_str!("../schema/sqlite/0006_budgets.sql"),
    include_str!("../schema/sqlite/0007_usage_billing.sql"),
    include_str!("../schema/sqlite/0008_revoked_tokens.sql"),
];

/// A shared handle to the database.
#[derive(Debug, Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        // After a checkpoint, a WAL grown past this is truncated back (bytes).
        conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(Duration::from_secs(5))?;
        migrate(&mut conn)?;
        let conn = Arc::new(Mutex::new(conn));
        let checkpoints = Connection::open(path)?;
        checkpoints.busy_timeout(Duration::from_secs(5))?;
        let (weak, path) = (Arc::downgrade(&conn), path.to_path_buf());
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoint_loop(checkpoints, weak, path))?;
        Ok(Self { conn })
    }

    /// Runs `f` with the connection on a blocking thread. `Err` only if `f` panicked.
    pub async fn run<R, F>(&self, f: F) -> Result<R, tokio::task::JoinError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> R + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
    }
}

/// How often the checkpoint thread copies the WAL back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// Checkpoints the WAL until the database is closed (its main connection dropped).
fn checkpoint_loop(conn: Connection, main: Weak<Mutex<Connection>>, path: PathBuf) {
    loop {
        std::thread::sleep(CHECKPOINT_EVERY);
        if main.strong_count() == 0 {
            return;
        }
        let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        if let Err(err) = done {
            tracing::warn!(path = %path.display(), error = %err, "WAL checkpoint failed");
        }
    }
}

fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let applied: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if applied > MIGRATIONS.len() {
        anyhow::bail!(
            "the database is at schema version {applied}, newer than this build knows ({})",
            MIGRATIONS.len()
        );
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
        tracing::info!(version = index + 1, "applied database migration");
    }
    Ok(())
}
