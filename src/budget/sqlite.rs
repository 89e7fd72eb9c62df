//! The budget ledger in the embedded database: each operation is one `IMMEDIATE`
//! transaction, so the check and the write it guards cannot interleave with another's, in
//! this process or another one sharing the file.

use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use orchard_actors::budget::{
    BudgetLedger, BudgetScope, BudgetState, LedgerError, Period, Reservation, ReserveRequest,
    Settled,
};
use orchard_actors::domain::{OrgId, TaskId};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::db::Db;

/// How long closed holds are kept to recognise a repeated settle.
const KEEP_CLOSED_MS: i64 = 2 * 24 * 3600 * 1000;

/// The SQLite budget ledger.
#[derive(Debug, Clone)]
pub struct SqliteLedger {
    db: Db,
}

impl SqliteLedger {
    /// A ledger in `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    async fn write<R, F>(&self, f: F) -> Result<R, LedgerError>
    where
        R: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> rusqlite::Result<Result<R, LedgerError>> + Send + 'static,
    {
        self.db
            .run(move |conn: &mut Connection| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let out = f(&tx)?;
                if out.is_ok() {
                    tx.commit()?;
                }
                Ok(out)
            })
            .await
            .map_err(|e| LedgerError::Backend(e.to_string()))?
            .map_err(|e: rusqlite::Error| LedgerError::Backend(e.to_string()))?
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// Closes the org's holds whose run stopped settling, and forgets old closed ones.
fn expire(tx: &Transaction<'_>, org: &str, now: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE budget_holds SET state = 'expired'
         WHERE org_id = ?1 AND state = 'held' AND expires_ms <= ?2",
        params![org, now],
    )?;
    tx.execute(
        "DELETE FROM budget_holds WHERE org_id = ?1 AND state != 'held' AND expires_ms <= ?2",
        params![org, now - KEEP_CLOSED_MS],
    )?;
    Ok(())
}

fn slots_used(tx: &Transaction<'_>, org: &str, period: &str) -> rusqlite::Result<u64> {
    let used: i64 = tx.query_row(
        "SELECT COUNT(*) FROM quota_slots WHERE org_id = ?1 AND period = ?2",
        params![org, period],
        |row| row.get(0),
    )?;
    Ok(count(used))
}

fn org_used(tx: &Transaction<'_>, org: &str, period: &str) -> rusqlite::Result<(u64, u64)> {
    let spent: i64 = tx
        .query_row(
            "SELECT spent FROM budget_spend WHERE org_id = ?1 AND period = ?2",
            params![org, period],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let held: i64 = tx.query_row(
        "SELECT COALESCE(SUM(amount), 0) FROM budget_holds
         WHERE org_id = ?1 AND state = 'held' AND period = ?2",
        params![org, period],
        |row| row.get(0),
    )?;
    Ok((count(spent), count(held)))
}

#[async_trait]
impl BudgetLedger for SqliteLedger {
    async fn take_task_slot(
        &self,
        org_id: OrgId,
        period: Period,
        task_id: TaskId,
        quota: Option<u64>,
    ) -> Result<u64, LedgerError> {
        let (org, period, task) = (org_id.to_string(), period.to_string(), task_id.to_string());
        self.write(move |tx| {
            let used = slots_used(tx, &org, &period)?;
            let held = tx
                .query_row(
                    "SELECT 1 FROM quota_slots WHERE org_id = ?1 AND period = ?2 AND task_id = ?3",
                    params![org, period, task],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if held {
                return Ok(Ok(used));
            }
            if let Some(quota) = quota
                && used >= quota
            {
                return Ok(Err(LedgerError::QuotaExceeded { used, quota }));
            }
            tx.execute(
                "INSERT INTO quota_slots (org_id, period, task_id) VALUES (?1, ?2, ?3)",
                params![org, period, task],
            )?;
            Ok(Ok(used + 1))
        })
        .await
    }

    async fn return_task_slot(
        &self,
        org_id: OrgId,
        period: Period,
        task_id: TaskId,
    ) -> Result<bool, LedgerError> {
        let (org, period, task) = (org_id.to_string(), period.to_string(), task_id.to_string());
        self.write(move |tx| {
            let removed = tx.execute(
                "DELETE FROM quota_slots WHERE org_id = ?1 AND period = ?2 AND task_id = ?3",
                params![org, period, task],
            )?;
            Ok(Ok(removed > 0))
        })
        .await
    }

    async fn tasks_used(&self, org_id: OrgId, period: Period) -> Result<u64, LedgerError> {
        let (org, period) = (org_id.to_string(), period.to_string());
        self.write(move |tx| Ok(Ok(slots_used(tx, &org, &period)?)))
            .await
    }

    async fn reserve(&self, request: &ReserveRequest) -> Result<Reservation, LedgerError> {
        let request = request.clone();
        self.write(move |tx| {
            let org = request.org_id.to_string();
            let period = request.period.to_string();
            let task = request.task_id.to_string();
            let now = now_ms();
            expire(tx, &org, now)?;
            if let Some(limit) = request.org_budget {
                let (spent, held) = org_used(tx, &org, &period)?;
                let used = spent + held;
                if used + request.amount > limit {
                    return Ok(Err(LedgerError::OverBudget {
                        scope: BudgetScope::Org,
                        used,
                        limit,
                    }));
                }
            }
            if let Some(limit) = request.task_budget {
                let (spent, held): (i64, i64) = tx.query_row(
                    "SELECT COALESCE((SELECT spent FROM task_spend WHERE task_id = ?1), 0),
                            (SELECT COALESCE(SUM(amount), 0) FROM budget_holds
                             WHERE task_id = ?1 AND state = 'held')",
                    params![task],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )?;
                let used = count(spent) + count(held);
                if used + request.amount > limit {
                    return Ok(Err(LedgerError::OverBudget {
                        scope: BudgetScope::Task,
                        used,
                        limit,
                    }));
                }
            }
            let id = uuid::Uuid::now_v7();
            let ttl_ms = i64::try_from(request.ttl.as_millis()).unwrap_or(i64::MAX / 2);
            tx.execute(
                "INSERT INTO budget_holds (id, org_id, period, task_id, amount, expires_ms, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'held')",
                params![
                    id.to_string(),
                    org,
                    period,
                    task,
                    i64::try_from(request.amount).unwrap_or(i64::MAX),
                    now.saturating_add(ttl_ms)
                ],
            )?;
            Ok(Ok(Reservation {
                id,
                org_id: request.org_id,
                task_id: request.task_id,
                period: request.period,
                amount: request.amount,
                task_capped: request.task_budget.is_some(),
            }))
        })
        .await
    }

    async fn settle(&self, reservation: &Reservation, actual: u64) -> Result<Settled, LedgerError> {
        let r = reservation.clone();
        self.write(move |tx| {
            let id = r.id.to_string();
            let state: Option<String> = tx
                .query_row(
                    "SELECT state FROM budget_holds WHERE id = ?1",
                    params![id],
                    |row| row.get(0),
                )
                .optional()?;
            if matches!(state.as_deref(), Some("settled" | "released")) {
                return Ok(Ok(Settled::AlreadySettled));
            }
            let (org, task) = (r.org_id.to_string(), r.task_id.to_string());
            let actual = i64::try_from(actual).unwrap_or(i64::MAX);
            // An expired (or long forgotten) hold still settles: the call was made.
            tx.execute(
                "INSERT INTO budget_holds (id, org_id, period, task_id, amount, expires_ms, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'settled')
                 ON CONFLICT (id) DO UPDATE SET state = 'settled'",
                params![
                    id,
                    org,
                    r.period.to_string(),
                    task,
                    i64::try_from(r.amount).unwrap_or(i64::MAX),
                    now_ms()
                ],
            )?;
            tx.execute(
                "INSERT INTO budget_spend (org_id, period, spent) VALUES (?1, ?2, ?3)
                 ON CONFLICT (org_id, period) DO UPDATE SET spent = spent + excluded.spent",
                params![org, r.period.to_string(), actual],
            )?;
            tx.execute(
                "INSERT INTO task_spend (task_id, org_id, spent) VALUES (?1, ?2, ?3)
                 ON CONFLICT (task_id) DO UPDATE SET spent = spent + excluded.spent",
                params![task, org, actual],
            )?;
            Ok(Ok(Settled::Applied))
        })
        .await
    }

    async fn release(&self, reservation: &Reservation) -> Result<(), LedgerError> {
        let id = reservation.id.to_string();
        self.write(move |tx| {
            tx.execute(
                "UPDATE budget_holds SET state = 'released' WHERE id = ?1 AND state = 'held'",
                params![id],
            )?;
            Ok(Ok(()))
        })
        .await
    }

    async fn budget_state(
        &self,
        org_id: OrgId,
        period: Period,
    ) -> Result<BudgetState, LedgerError> {
        let (org, period) = (org_id.to_string(), period.to_string());
        self.write(move |tx| {
            expire(tx, &org, now_ms())?;
            let (spent, held) = org_used(tx, &org, &period)?;
            Ok(Ok(BudgetState { spent, held }))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_sqlite_ledger_passes_the_conformance_suite() {
        let dir = tempfile::tempdir().unwrap();
        let counter = std::sync::atomic::AtomicUsize::new(0);
        orchard_actors::conformance::all_ledger_checks(|| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = dir.path().join(format!("ledger{n}.db"));
            async move { SqliteLedger::new(Db::open(&path).unwrap()) }
        })
        .await;
    }
}
