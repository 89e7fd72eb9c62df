//! Budget-ledger benchmark: reservations per second, next to a plain `INCRBY`.
//!
//! `cargo bench --bench ledger` (add `-- --quick` for a short run). A reservation is one
//! atomic check-and-hold (a Lua script on Redis, an IMMEDIATE transaction on SQLite); the
//! baseline is what an unguarded counter costs: one `INCRBY` on the same Redis, through the
//! same multiplexed connection, with the same concurrency, in the same run. Goal (issue 5):
//! the Redis ledger at least 50 % of `INCRBY`'s throughput.
//!
//! Load: `CLIENTS` concurrent callers spread over `ORGS` organizations with a budget to
//! check (large enough never to refuse), and a second Redis row where each task also has a
//! `max_tokens`. Holds are not settled while measuring, so each org carries a few live holds,
//! as orgs with runs in flight do (on average N / ORGS / 2).
//! Results go to `bench/RESULTS.md` by hand, with the machine noted.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use orchard::budget::{RedisLedger, SqliteLedger};
use orchard::db::Db;
use orchard::testing::RedisServer;
use orchard_actors::budget::{BudgetLedger, Period, ReserveRequest};
use orchard_actors::domain::{OrgId, TaskId};

const CLIENTS: usize = 64;
const ORGS: usize = 2_000;

/// Runs `op(i)` for i in 0..total from `CLIENTS` concurrent tasks; returns ops per second.
async fn throughput<F, Fut>(total: usize, op: F) -> f64
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let op = Arc::new(op);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (op, next) = (op.clone(), next.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    op(i).await;
                }
            })
        })
        .collect();
    for client in clients {
        client.await.unwrap();
    }
    total as f64 / start.elapsed().as_secs_f64()
}

/// CPU time this process has used, in seconds: the sum over its threads' scheduler
/// statistics (nanoseconds), precise where `/proc/self/stat`'s ticks are not.
fn own_cpu() -> f64 {
    let mut nanos = 0u64;
    for entry in std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
    {
        let stat = std::fs::read_to_string(entry.path().join("schedstat")).unwrap_or_default();
        nanos += stat
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
    }
    nanos as f64 / 1e9
}

/// CPU time the Redis server has used, in seconds (`INFO cpu`).
async fn redis_cpu(conn: &mut redis::aio::ConnectionManager) -> f64 {
    let info: String = redis::cmd("INFO")
        .arg("cpu")
        .query_async(conn)
        .await
        .unwrap();
    info.lines()
        .filter(|l| l.starts_with("used_cpu_sys:") || l.starts_with("used_cpu_user:"))
        .filter_map(|l| l.split(':').nth(1)?.trim().parse::<f64>().ok())
        .sum()
}

/// A measured phase: operations per second, and the CPU microseconds an operation cost the
/// bench (client) and the Redis server.
#[derive(Clone, Copy)]
struct Phase {
    rate: f64,
    client_us: f64,
    server_us: f64,
}

/// Runs `throughput` for `total` operations and measures both processes' CPU around it.
async fn phase<F, Fut>(conn: &mut redis::aio::ConnectionManager, total: usize, op: F) -> Phase
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let (client, server) = (own_cpu(), redis_cpu(conn).await);
    let rate = throughput(total, op).await;
    let per_op = |seconds: f64| seconds / total as f64 * 1e6;
    Phase {
        rate,
        client_us: per_op(own_cpu() - client),
        server_us: per_op(redis_cpu(conn).await - server),
    }
}

/// Reserve `i`: for a task of its own (the ids made before the clock starts), in org
/// `i % ORGS`.
fn reserve_op(
    ledger: Arc<dyn BudgetLedger>,
    orgs: Arc<Vec<OrgId>>,
    task_budget: Option<u64>,
    total: usize,
) -> impl Fn(usize) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    let period: Period = "2026-12".parse().unwrap();
    let tasks: Arc<Vec<TaskId>> = Arc::new((0..total).map(|_| TaskId::new()).collect());
    move |i| {
        let ledger = ledger.clone();
        let request = ReserveRequest {
            org_id: orgs[i % orgs.len()],
            task_id: tasks[i],
            period,
            amount: 5_000,
            org_budget: Some(u64::MAX / 4),
            task_budget,
            ttl: Duration::from_secs(3600),
        };
        Box::pin(async move {
            ledger.reserve(&request).await.expect("a reservation");
        })
    }
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let total = if quick { 20_000 } else { 100_000 };
    let orgs: Arc<Vec<OrgId>> = Arc::new((0..ORGS).map(|_| OrgId::new()).collect());
    println!("{total} operations, {CLIENTS} concurrent callers, {ORGS} orgs; median of 3 rounds");
    println!(
        "| ledger | reservations/s | plain INCRBY/s | ratio | CPU µs/op client / Redis | INCRBY's |"
    );
    println!("|---|---|---|---|---|---|");

    for fsync in ["everysec", "always"] {
        let server = RedisServer::start_with_fsync(fsync);
        let mut conn = orchard::redis_conn::connect(&server.url()).await.unwrap();
        let (mut ledger_phases, mut incr_phases, mut capped_phases) =
            (Vec::new(), Vec::new(), Vec::new());
        for round in 0..3 {
            let prefix = format!("bench{round}:");
            let ledger: Arc<dyn BudgetLedger> =
                Arc::new(RedisLedger::with_connection(conn.clone(), &prefix));
            // Interleaved, so both see the same server state and machine load.
            let orgs_incr = orgs.clone();
            let conn_incr = conn.clone();
            let incr = move |i: usize| {
                let mut conn = conn_incr.clone();
                let key = format!("{prefix}plain:{{{}}}", orgs_incr[i % ORGS]);
                async move {
                    let _: i64 = redis::cmd("INCRBY")
                        .arg(key)
                        .arg(5_000)
                        .query_async(&mut conn)
                        .await
                        .expect("INCRBY");
                }
            };
            incr_phases.push(phase(&mut conn, total, incr).await);
            let reserve = reserve_op(ledger.clone(), orgs.clone(), None, total);
            ledger_phases.push(phase(&mut conn, total, reserve).await);
            // The same with a task `max_tokens` to check too (most tasks have none).
            let capped = reserve_op(ledger, orgs.clone(), Some(1_000_000), total);
            capped_phases.push(phase(&mut conn, total, capped).await);
        }
        let median = |phases: &mut Vec<Phase>| {
            phases.sort_by(|a, b| a.rate.total_cmp(&b.rate));
            phases[1]
        };
        let incr = median(&mut incr_phases);
        for (name, phases) in [
            ("", &mut ledger_phases),
            (", task max_tokens too", &mut capped_phases),
        ] {
            let ledger = median(phases);
            println!(
                "| Redis (appendfsync {fsync}){name} | {:.0} | {:.0} | {:.0} % | {:.1} / {:.1} | {:.1} / {:.1} |",
                ledger.rate,
                incr.rate,
                ledger.rate / incr.rate * 100.0,
                ledger.client_us,
                ledger.server_us,
                incr.client_us,
                incr.server_us,
            );
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let mut rates = Vec::new();
    for round in 0..3 {
        let db = Db::open(&dir.path().join(format!("ledger{round}.db"))).unwrap();
        let ledger: Arc<dyn BudgetLedger> = Arc::new(SqliteLedger::new(db));
        rates.push(throughput(total / 5, reserve_op(ledger, orgs.clone(), None, total / 5)).await);
    }
    rates.sort_by(f64::total_cmp);
    println!("| SQLite (embedded) | {:.0} | – | – | – | – |", rates[1]);
}
