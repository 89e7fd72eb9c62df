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
//!
//! Point reads on the request path (a task by id, an org) do not go through that mutex nor a
//! blocking thread: [`Db::read`] runs them on the calling thread, on one of a few read-only
//! connections (WAL lets readers run beside the writer and each other). Handing a 5 µs read
//! to the blocking pool cost two context switches and a wake-up each way, ~40 % of an
//! authenticated `GET /v1/tasks/{id}` (bench/RESULTS.md, "http").

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError, Weak};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

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
    include_str!("../schema/sqlite/0009_pull_requests.sql"),
    include_str!("../schema/sqlite/0010_jira.sql"),
];

/// A shared handle to the database.
#[derive(Debug, Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
    readers: Arc<Readers>,
}

/// The read-only connections of [`Db::read`].
#[derive(Debug)]
struct Readers {
    conns: Vec<Mutex<Connection>>,
    /// Where the next reader starts looking, so that callers spread over the connections.
    next: AtomicUsize,
}

impl Readers {
    /// One read-only connection per thread that may read at once (the runtime's workers and
    /// the blocking threads that call in), at least 4.
    fn open(path: &Path) -> anyhow::Result<Self> {
        let count = std::thread::available_parallelism()
            .map_or(4, |n| n.get() + 2)
            .max(4);
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conns = (0..count)
            .map(|_| {
                let conn = Connection::open_with_flags(path, flags)?;
                conn.busy_timeout(Duration::from_secs(5))?;
                Ok(Mutex::new(conn))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Self {
            conns,
            next: AtomicUsize::new(0),
        })
    }

    /// A free connection; waits for one only when every one is in use.
    fn take(&self) -> MutexGuard<'_, Connection> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..self.conns.len() {
            match self.conns[(start + i) % self.conns.len()].try_lock() {
                Ok(conn) => return conn,
                Err(TryLockError::Poisoned(poisoned)) => return poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let conn = &self.conns[start % self.conns.len()];
        conn.lock().unwrap_or_else(|p| p.into_inner())
    }
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
        let readers = Arc::new(Readers::open(path)?);
        let conn = Arc::new(Mutex::new(conn));
        let checkpoints = Connection::open(path)?;
        checkpoints.busy_timeout(Duration::from_secs(5))?;
        let (weak, path) = (Arc::downgrade(&conn), path.to_path_buf());
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoint_loop(checkpoints, weak, path))?;
        Ok(Self { conn, readers })
    }

    /// Runs the read `f` at once, on this thread, on a read-only connection. Only for reads
    /// that take microseconds (a row by its key): it blocks the caller, which on the request
    /// path is a runtime worker. Anything longer, and every write, goes through [`Db::run`].
    /// A read sees every write committed before it started.
    pub fn read<R>(&self, f: impl FnOnce(&Connection) -> R) -> R {
        f(&self.readers.take())
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
