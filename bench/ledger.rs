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
    println!("| ledger | reservations/s | plain INCRBY/s | ratio |");
    println!("|---|---|---|---|");

    for fsync in ["everysec", "always"] {
        let server = RedisServer::start_with_fsync(fsync);
        let conn = orchard::redis_conn::connect(&server.url()).await.unwrap();
        let (mut ledger_rates, mut incr_rates) = (Vec::new(), Vec::new());
        let mut capped_rates = Vec::new();
        for round in 0..3 {
            let prefix = format!("bench{round}:");
            let ledger: Arc<dyn BudgetLedger> =
                Arc::new(RedisLedger::with_connection(conn.clone(), &prefix));
            // Interleaved, so both see the same server state and machine load.
            let orgs_incr = orgs.clone();
            let conn_incr = conn.clone();
            incr_rates.push(
                throughput(total, move |i| {
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
                })
                .await,
            );
            ledger_rates.push(
                throughput(total, reserve_op(ledger.clone(), orgs.clone(), None, total)).await,
            );
            // The same with a task `max_tokens` to check too (most tasks have none).
            let capped = reserve_op(ledger, orgs.clone(), Some(1_000_000), total);
            capped_rates.push(throughput(total, capped).await);
        }
        for rates in [&mut ledger_rates, &mut incr_rates, &mut capped_rates] {
            rates.sort_by(f64::total_cmp);
        }
        let (ledger, incr, capped) = (ledger_rates[1], incr_rates[1], capped_rates[1]);
        println!(
            "| Redis (appendfsync {fsync}) | {ledger:.0} | {incr:.0} | {:.0} % |",
            ledger / incr * 100.0
        );
        println!(
            "| Redis (appendfsync {fsync}), task max_tokens too | {capped:.0} | {incr:.0} | {:.0} % |",
            capped / incr * 100.0
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let mut rates = Vec::new();
    for round in 0..3 {
        let db = Db::open(&dir.path().join(format!("ledger{round}.db"))).unwrap();
        let ledger: Arc<dyn BudgetLedger> = Arc::new(SqliteLedger::new(db));
        rates.push(throughput(total / 5, reserve_op(ledger, orgs.clone(), None, total / 5)).await);
    }
    rates.sort_by(f64::total_cmp);
    println!("| SQLite (embedded) | {:.0} | – | – |", rates[1]);
}
