//! [`Revocations`] in the embedded database (table `revoked_tokens`): one node, or several
//! sharing the file.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

use super::{RevocationError, Revocations};
use crate::db::Db;

/// Revocations in SQLite.
#[derive(Debug, Clone)]
pub struct SqliteRevocations {
    db: Db,
}

impl SqliteRevocations {
    /// Revocations in `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn backend(err: impl std::fmt::Display) -> RevocationError {
    RevocationError::Backend(err.to_string())
}

#[async_trait]
impl Revocations for SqliteRevocations {
    async fn revoke(&self, jti: &str, expires_at: OffsetDateTime) -> Result<(), RevocationError> {
        let jti = jti.to_owned();
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let expires = expires_at.unix_timestamp();
        self.db
            .run(move |conn| {
                conn.execute(
                    "DELETE FROM revoked_tokens WHERE expires_at <= ?1",
                    params![now],
                )?;
                if expires > now {
                    conn.execute(
                        "INSERT INTO revoked_tokens (jti, expires_at) VALUES (?1, ?2)
                         ON CONFLICT (jti) DO UPDATE SET expires_at = MAX(expires_at, excluded.expires_at)",
                        params![jti, expires],
                    )?;
                }
                Ok::<_, rusqlite::Error>(())
            })
            .await
            .map_err(backend)?
            .map_err(backend)
    }

    async fn is_revoked(&self, jti: &str) -> Result<bool, RevocationError> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        // A point read on the request path: on this thread (`Db::read`).
        self.db
            .read(|conn| {
                conn.prepare_cached(
                    "SELECT 1 FROM revoked_tokens WHERE jti = ?1 AND expires_at > ?2",
                )?
                .query_row(params![jti, now], |_| Ok(()))
                .optional()
                .map(|found| found.is_some())
            })
            .map_err(backend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_revocations_pass_the_conformance_suite() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("orchard.db")).unwrap();
        super::super::conformance::run(&SqliteRevocations::new(db.clone())).await;
        // Expired rows were purged, not only ignored.
        let rows: i64 = db
            .run(|conn| conn.query_row("SELECT COUNT(*) FROM revoked_tokens", [], |r| r.get(0)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rows, 1);
    }
}
