//! [`Revocations`] on Redis, shared by every node: one key a revoked token,
//! `revoked:<jti>`, which Redis deletes itself when the token would have expired.

use async_trait::async_trait;
use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use time::OffsetDateTime;

use super::{RevocationError, Revocations};

/// Kept this much longer than the token lives (clock differences between nodes).
const CLOCK_SLACK_MS: u64 = 1000;

/// Revocations in Redis.
pub struct RedisRevocations {
    conn: ConnectionManager,
    prefix: String,
}

impl std::fmt::Debug for RedisRevocations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisRevocations")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn backend(err: impl std::fmt::Display) -> RevocationError {
    RevocationError::Backend(err.to_string())
}

impl RedisRevocations {
    /// Revocations on an open connection; keys start with `prefix`.
    pub fn with_connection(conn: ConnectionManager, prefix: &str) -> Self {
        Self {
            conn,
            prefix: prefix.to_owned(),
        }
    }

    fn key(&self, jti: &str) -> String {
        format!("{}revoked:{jti}", self.prefix)
    }
}

#[async_trait]
impl Revocations for RedisRevocations {
    async fn revoke(&self, jti: &str, expires_at: OffsetDateTime) -> Result<(), RevocationError> {
        let left = (expires_at - OffsetDateTime::now_utc()).whole_milliseconds();
        let Ok(left_ms) = u64::try_from(left) else {
            return Ok(());
        };
        if left_ms == 0 {
            return Ok(());
        }
        let mut conn = self.conn.clone();
        // A second more than the token lives: the clocks of the nodes differ a little.
        redis::cmd("SET")
            .arg(self.key(jti))
            .arg(1)
            .arg("PX")
            .arg(left_ms + CLOCK_SLACK_MS)
            .query_async::<()>(&mut conn)
            .await
            .map_err(backend)
    }

    async fn is_revoked(&self, jti: &str) -> Result<bool, RevocationError> {
        let key = self.key(jti);
        let mut conn = self.conn.clone();
        match conn.exists(&key).await {
            Ok(revoked) => Ok(revoked),
            // The command that finds the connection dropped (Redis restarted) fails, and the
            // manager reconnects: a read is asked once more, on the new connection, so that
            // the first request after a restart is not refused for nothing.
            Err(err) if err.is_io_error() || err.is_connection_dropped() => {
                conn.exists(&key).await.map_err(backend)
            }
            Err(err) => Err(backend(err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::RedisServer;

    #[tokio::test]
    async fn redis_revocations_pass_the_conformance_suite() {
        let server = RedisServer::start();
        let conn = crate::redis_conn::connect(&server.url()).await.unwrap();
        super::super::conformance::run(&RedisRevocations::with_connection(conn, "t:")).await;
    }
}
