//! The node's connection to Redis, shared by the queue and the lock service.
//!
//! One multiplexed connection that reconnects by itself: concurrent commands from every
//! actor are pipelined on it (no checkout, no per-command health check), and after Redis
//! restarts the next command finds a new connection. A command sent while Redis is away fails;
//! its caller decides whether to retry.

use std::time::Duration;

use anyhow::Context;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// Connects to `url` (e.g. `redis://127.0.0.1:6379`); fails at once when Redis is not there,
/// rather than at the first task.
pub async fn connect(url: &str) -> anyhow::Result<ConnectionManager> {
    let client = redis::Client::open(url).context("parsing the Redis URL")?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(5)))
        .set_response_timeout(Some(Duration::from_secs(10)))
        .set_max_delay(Duration::from_secs(2));
    let mut conn = ConnectionManager::new_with_config(client, config)
        .await
        .context("connecting to Redis")?;
    let _: String = redis::cmd("PING").query_async(&mut conn).await?;
    Ok(conn)
}
