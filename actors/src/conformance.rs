//! Conformance suites: every adapter of a port runs the same checks.
//!
//! Each function takes a fresh, empty adapter and panics on the first violation. The
//! adapters' test modules call every function of the suite (see `all_queue_checks`).

pub mod memory;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use crate::budget::{
    BudgetLedger, BudgetScope, BudgetState, LedgerError, Period, ReserveRequest, Settled,
};
use crate::domain::{OrgId, RepoId, TaskId};
use crate::ports::{LockError, LockService, OrgRoom, Queue, QueueError, RepoLock};

const TTL: Duration = Duration::from_secs(60);

/// Runs every queue check, each on a fresh queue from `fresh`.
pub async fn all_queue_checks<Q, F, Fut>(fresh: F)
where
    Q: Queue,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Q>,
{
    fifo_per_org_and_idempotent_enqueue(&fresh().await).await;
    round_robin_across_orgs(&fresh().await).await;
    a_late_org_is_not_starved_by_a_backlog(&fresh().await).await;
    skipped_orgs_keep_their_tasks(&fresh().await).await;
    expired_leases_are_redelivered_and_fence_the_old_holder(&fresh().await).await;
    ack_removes_once(&fresh().await).await;
    one_task_per_repository_at_a_time(&fresh().await).await;
    release_gives_the_task_back_in_place(&fresh().await).await;
    dequeue_many_follows_the_same_rules(&fresh().await).await;
    ack_many_acks_each_held_lease_once(&fresh().await).await;
}

/// Runs [`all_queue_checks`] plus the checks only a queue owned by one node can pass (its
/// `recover` may release every lease, since they are all its own).
pub async fn all_single_node_queue_checks<Q, F, Fut>(fresh: F)
where
    Q: Queue,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Q>,
{
    recover_releases_held_leases(&fresh().await).await;
    all_queue_checks(fresh).await;
}

async fn take(queue: &dyn Queue) -> crate::ports::Lease {
    queue
        .dequeue(TTL, &[])
        .await
        .expect("dequeue works")
        .expect("a task is ready")
}

/// One org's tasks come out in the order they went in; enqueueing twice is a no-op.
pub async fn fifo_per_org_and_idempotent_enqueue(queue: &dyn Queue) {
    let org = OrgId::new();
    let tasks: Vec<TaskId> = (0..3).map(|_| TaskId::new()).collect();
    for task in &tasks {
        queue.enqueue(org, RepoId::new(), *task).await.unwrap();
    }
    queue.enqueue(org, RepoId::new(), tasks[0]).await.unwrap();
    for task in &tasks {
        let lease = take(queue).await;
        assert_eq!(
            (lease.org_id, lease.task_id, lease.delivery),
            (org, *task, 1)
        );
    }
    assert!(queue.dequeue(TTL, &[]).await.unwrap().is_none());
}

/// Orgs with ready tasks take turns.
pub async fn round_robin_across_orgs(queue: &dyn Queue) {
    let (a, b) = (OrgId::new(), OrgId::new());
    for _ in 0..3 {
        queue
            .enqueue(a, RepoId::new(), TaskId::new())
            .await
            .unwrap();
    }
    for _ in 0..3 {
        queue
            .enqueue(b, RepoId::new(), TaskId::new())
            .await
            .unwrap();
    }
    let mut order = Vec::new();
    for _ in 0..6 {
        order.push(take(queue).await.org_id);
    }
    assert_eq!(order, [a, b, a, b, a, b]);
}

/// Org A enqueues 1,000 tasks, then org B enqueues one: B's task comes next.
pub async fn a_late_org_is_not_starved_by_a_backlog(queue: &dyn Queue) {
    let (a, b) = (OrgId::new(), OrgId::new());
    for _ in 0..1000 {
        queue
            .enqueue(a, RepoId::new(), TaskId::new())
            .await
            .unwrap();
    }
    for _ in 0..3 {
        assert_eq!(take(queue).await.org_id, a);
    }
    let late = TaskId::new();
    queue.enqueue(b, RepoId::new(), late).await.unwrap();
    assert_eq!(take(queue).await.task_id, late, "B goes before A's backlog");
    assert_eq!(take(queue).await.org_id, a);
}

/// Orgs at their cap are skipped, their tasks stay queued.
pub async fn skipped_orgs_keep_their_tasks(queue: &dyn Queue) {
    let (a, b) = (OrgId::new(), OrgId::new());
    let (ta, tb) = (TaskId::new(), TaskId::new());
    queue.enqueue(a, RepoId::new(), ta).await.unwrap();
    queue.enqueue(b, RepoId::new(), tb).await.unwrap();
    let lease = queue.dequeue(TTL, &[a]).await.unwrap().unwrap();
    assert_eq!(lease.task_id, tb);
    assert!(queue.dequeue(TTL, &[a]).await.unwrap().is_none());
    assert_eq!(queue.dequeue(TTL, &[b]).await.unwrap().unwrap().task_id, ta);
}

/// A lease that expires makes the task available again, counts the delivery, and the old
/// holder can neither renew nor ack.
pub async fn expired_leases_are_redelivered_and_fence_the_old_holder(queue: &dyn Queue) {
    let task = TaskId::new();
    queue
        .enqueue(OrgId::new(), RepoId::new(), task)
        .await
        .unwrap();
    let old = queue.dequeue(Duration::ZERO, &[]).await.unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let new = queue.dequeue(TTL, &[]).await.unwrap().unwrap();
    assert_eq!((new.task_id, new.delivery), (task, 2));
    assert_ne!(old.lease_id, new.lease_id);
    assert!(matches!(
        queue.renew(&old, TTL).await,
        Err(QueueError::LeaseLost)
    ));
    assert!(matches!(queue.ack(&old).await, Err(QueueError::LeaseLost)));
    queue.renew(&new, TTL).await.unwrap();
    assert!(
        queue.dequeue(TTL, &[]).await.unwrap().is_none(),
        "a held lease is not delivered"
    );
    queue.ack(&new).await.unwrap();
}

/// Ack removes the task; a second ack, or a renew after it, finds no lease.
pub async fn ack_removes_once(queue: &dyn Queue) {
    queue
        .enqueue(OrgId::new(), RepoId::new(), TaskId::new())
        .await
        .unwrap();
    let lease = take(queue).await;
    queue.ack(&lease).await.unwrap();
    assert!(matches!(
        queue.ack(&lease).await,
        Err(QueueError::LeaseLost)
    ));
    assert!(matches!(
        queue.renew(&lease, TTL).await,
        Err(QueueError::LeaseLost)
    ));
    assert!(queue.dequeue(Duration::ZERO, &[]).await.unwrap().is_none());
}

/// `recover` hands held leases out again, with their delivery counted.
pub async fn recover_releases_held_leases(queue: &dyn Queue) {
    let task = TaskId::new();
    queue
        .enqueue(OrgId::new(), RepoId::new(), task)
        .await
        .unwrap();
    let held = take(queue).await;
    assert_eq!(queue.recover().await.unwrap(), 1);
    let again = take(queue).await;
    assert_eq!((again.task_id, again.delivery), (task, 2));
    assert!(matches!(queue.ack(&held).await, Err(QueueError::LeaseLost)));
}

/// A repository with a leased task is locked: its other tasks wait, in order, while other
/// repositories' tasks go ahead; ack or an expired lease unlocks it.
pub async fn one_task_per_repository_at_a_time(queue: &dyn Queue) {
    let org = OrgId::new();
    let (busy, other) = (RepoId::new(), RepoId::new());
    let tasks: Vec<TaskId> = (0..3).map(|_| TaskId::new()).collect();
    queue.enqueue(org, busy, tasks[0]).await.unwrap();
    queue.enqueue(org, busy, tasks[1]).await.unwrap();
    queue.enqueue(org, busy, tasks[2]).await.unwrap();
    let elsewhere = TaskId::new();
    queue.enqueue(org, other, elsewhere).await.unwrap();

    let first = take(queue).await;
    assert_eq!((first.task_id, first.repo_id), (tasks[0], busy));
    assert_eq!(
        take(queue).await.task_id,
        elsewhere,
        "another repository goes ahead"
    );
    assert!(
        queue.dequeue(TTL, &[]).await.unwrap().is_none(),
        "the busy repository waits"
    );

    queue.ack(&first).await.unwrap();
    let second = queue.dequeue(Duration::ZERO, &[]).await.unwrap().unwrap();
    assert_eq!(second.task_id, tasks[1], "in order");
    // The second holder dies (its lease expires): the repository is free again, and the
    // expired task comes back before the third one.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let again = take(queue).await;
    assert_eq!((again.task_id, again.delivery), (tasks[1], 2));
    queue.ack(&again).await.unwrap();
    assert_eq!(take(queue).await.task_id, tasks[2]);
}

/// A released task is delivered again before younger tasks, with its delivery counted;
/// the released lease is gone.
pub async fn release_gives_the_task_back_in_place(queue: &dyn Queue) {
    let org = OrgId::new();
    let (first, second) = (TaskId::new(), TaskId::new());
    queue.enqueue(org, RepoId::new(), first).await.unwrap();
    queue.enqueue(org, RepoId::new(), second).await.unwrap();
    let lease = take(queue).await;
    assert_eq!(lease.task_id, first);
    queue.release(&lease).await.unwrap();
    assert!(matches!(
        queue.release(&lease).await,
        Err(QueueError::LeaseLost)
    ));
    assert!(matches!(
        queue.ack(&lease).await,
        Err(QueueError::LeaseLost)
    ));
    let again = take(queue).await;
    assert_eq!((again.task_id, again.delivery), (first, 2));
    assert_eq!(take(queue).await.task_id, second);
}

/// Taking many at once keeps round-robin, per-org room, repository locks and FIFO order.
pub async fn dequeue_many_follows_the_same_rules(queue: &dyn Queue) {
    let (a, b, c) = (OrgId::new(), OrgId::new(), OrgId::new());
    let shared = RepoId::new();
    for _ in 0..5 {
        queue
            .enqueue(a, RepoId::new(), TaskId::new())
            .await
            .unwrap();
    }
    for _ in 0..5 {
        queue
            .enqueue(b, RepoId::new(), TaskId::new())
            .await
            .unwrap();
    }
    let c_tasks = [TaskId::new(), TaskId::new()];
    for task in c_tasks {
        queue.enqueue(c, shared, task).await.unwrap();
    }
    let mut room = OrgRoom {
        default: 2,
        per_org: Default::default(),
    };
    room.per_org.insert(b, 1);
    let leases = queue.dequeue_many(TTL, 10, &room).await.unwrap();
    let orgs: Vec<OrgId> = leases.iter().map(|l| l.org_id).collect();
    assert_eq!(
        orgs,
        [a, b, c, a],
        "round-robin; B has room for one, C's repository is held"
    );
    assert_eq!(leases[2].task_id, c_tasks[0]);
    let ids: std::collections::HashSet<_> = leases.iter().map(|l| l.lease_id).collect();
    assert_eq!(ids.len(), 4, "each lease has its own id");
    for lease in &leases {
        queue.renew(lease, TTL).await.unwrap();
    }
    let none = OrgRoom::default();
    assert!(queue.dequeue_many(TTL, 10, &none).await.unwrap().is_empty());
    assert!(queue.dequeue_many(TTL, 0, &room).await.unwrap().is_empty());
}

/// `ack_many` acks every lease still held, reports the others as lost, and frees their
/// repositories, as one `ack` per lease would.
pub async fn ack_many_acks_each_held_lease_once(queue: &dyn Queue) {
    assert!(queue.ack_many(&[]).await.is_empty());
    let org = OrgId::new();
    let repos: Vec<RepoId> = (0..3).map(|_| RepoId::new()).collect();
    for repo in &repos {
        queue.enqueue(org, *repo, TaskId::new()).await.unwrap();
    }
    let leases = vec![take(queue).await, take(queue).await, take(queue).await];
    queue.ack(&leases[0]).await.unwrap();
    let results = queue.ack_many(&leases).await;
    assert!(
        matches!(results[0], Err(QueueError::LeaseLost)),
        "{results:?}"
    );
    assert!(results[1].is_ok() && results[2].is_ok(), "{results:?}");
    assert_eq!(results.len(), 3);
    assert!(
        queue.dequeue(TTL, &[]).await.unwrap().is_none(),
        "all acked"
    );
    let next = TaskId::new();
    queue.enqueue(org, leases[2].repo_id, next).await.unwrap();
    assert_eq!(
        take(queue).await.task_id,
        next,
        "the acked task's repository is free"
    );
}

/// Runs every lock-service check, each on a fresh lock service from `fresh`.
///
/// Expiry is real: a few checks sleep for some hundreds of milliseconds.
pub async fn all_lock_checks<L, F, Fut>(fresh: F)
where
    L: LockService,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = L>,
{
    a_lock_has_one_holder(&fresh().await).await;
    release_frees_and_tokens_grow(&fresh().await).await;
    locks_are_per_org_and_repository(&fresh().await).await;
    a_stale_holder_can_neither_renew_nor_release(&fresh().await).await;
    renewal_keeps_a_lock_past_its_ttl(&fresh().await).await;
    one_of_many_concurrent_acquirers_wins(&fresh().await).await;
}

const LOCK_TTL: Duration = Duration::from_secs(60);

async fn acquire(locks: &dyn LockService, org: OrgId, repo: RepoId, ttl: Duration) -> RepoLock {
    locks
        .try_acquire(org, repo, TaskId::new(), ttl)
        .await
        .expect("acquire works")
        .expect("the lock is free")
}

/// While held, nobody else gets the lock, and `holder` names who has it.
pub async fn a_lock_has_one_holder(locks: &dyn LockService) {
    let (org, repo) = (OrgId::new(), RepoId::new());
    assert_eq!(locks.holder(org, repo).await.unwrap(), None);
    let task = TaskId::new();
    let held = locks
        .try_acquire(org, repo, task, LOCK_TTL)
        .await
        .unwrap()
        .expect("a free lock is taken");
    assert_eq!((held.org_id, held.repo_id, held.holder), (org, repo, task));
    assert!(
        locks
            .try_acquire(org, repo, TaskId::new(), LOCK_TTL)
            .await
            .unwrap()
            .is_none(),
        "a held lock is not handed out twice"
    );
    assert_eq!(locks.holder(org, repo).await.unwrap(), Some(held));
}

/// Release frees the lock at once; the next holder's token is larger.
pub async fn release_frees_and_tokens_grow(locks: &dyn LockService) {
    let (org, repo) = (OrgId::new(), RepoId::new());
    let first = acquire(locks, org, repo, LOCK_TTL).await;
    locks.release(&first).await.unwrap();
    assert_eq!(locks.holder(org, repo).await.unwrap(), None);
    assert!(
        matches!(locks.release(&first).await, Err(LockError::Lost)),
        "a second release frees nothing"
    );
    let second = acquire(locks, org, repo, LOCK_TTL).await;
    assert!(second.token > first.token, "fencing tokens only grow");
}

/// Locks of different repositories, or of the same repository id in another org, are apart.
pub async fn locks_are_per_org_and_repository(locks: &dyn LockService) {
    let (org, other_org, repo) = (OrgId::new(), OrgId::new(), RepoId::new());
    acquire(locks, org, repo, LOCK_TTL).await;
    acquire(locks, org, RepoId::new(), LOCK_TTL).await;
    acquire(locks, other_org, repo, LOCK_TTL).await;
}

/// A holder whose lock expired and was taken by another can neither extend nor free the new
/// holder's lock: renew and release compare fencing tokens. An expired lock is free.
pub async fn a_stale_holder_can_neither_renew_nor_release(locks: &dyn LockService) {
    let (org, repo) = (OrgId::new(), RepoId::new());
    let ttl = Duration::from_millis(200);
    let stale = acquire(locks, org, repo, ttl).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        locks.holder(org, repo).await.unwrap(),
        None,
        "an expired lock has no holder (its node died)"
    );
    assert!(matches!(
        locks.renew(&stale, LOCK_TTL).await,
        Err(LockError::Lost)
    ));
    let current = acquire(locks, org, repo, LOCK_TTL).await;
    assert!(current.token > stale.token);
    assert!(matches!(
        locks.renew(&stale, LOCK_TTL).await,
        Err(LockError::Lost)
    ));
    assert!(matches!(locks.release(&stale).await, Err(LockError::Lost)));
    assert_eq!(
        locks.holder(org, repo).await.unwrap(),
        Some(current.clone()),
        "the stale holder changed nothing"
    );
    locks.renew(&current, LOCK_TTL).await.unwrap();
    locks.release(&current).await.unwrap();
}

/// A lock renewed before it expires stays held well past its first TTL.
pub async fn renewal_keeps_a_lock_past_its_ttl(locks: &dyn LockService) {
    let (org, repo) = (OrgId::new(), RepoId::new());
    // Renewed every 200 ms, a fifth of the TTL, so a loaded machine's late wake-ups do not let
    // it lapse; held for 1.2 s in all.
    let ttl = Duration::from_secs(1);
    let held = acquire(locks, org, repo, ttl).await;
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        locks.renew(&held, ttl).await.unwrap();
    }
    assert_eq!(locks.holder(org, repo).await.unwrap(), Some(held.clone()));
    assert!(
        locks
            .try_acquire(org, repo, TaskId::new(), ttl)
            .await
            .unwrap()
            .is_none()
    );
    locks.release(&held).await.unwrap();
}

/// Of many acquirers racing for one free lock, exactly one wins.
pub async fn one_of_many_concurrent_acquirers_wins(locks: &dyn LockService) {
    let (org, repo) = (OrgId::new(), RepoId::new());
    let attempts = (0..16).map(|_| locks.try_acquire(org, repo, TaskId::new(), LOCK_TTL));
    let results = futures_util::future::join_all(attempts).await;
    let winners: Vec<RepoLock> = results
        .into_iter()
        .filter_map(|r| r.expect("acquire works"))
        .collect();
    assert_eq!(winners.len(), 1, "exactly one holder: {winners:?}");
    assert_eq!(
        locks.holder(org, repo).await.unwrap(),
        Some(winners[0].clone())
    );
}

/// Runs every budget-ledger check, each on a fresh ledger from `fresh`.
pub async fn all_ledger_checks<L, F, Fut>(fresh: F)
where
    L: BudgetLedger,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = L>,
{
    task_slots_hold_the_quota_once_per_task(&fresh().await).await;
    reservations_fit_the_org_budget(&fresh().await).await;
    reservations_fit_the_task_budget(&fresh().await).await;
    settling_counts_once_and_release_frees(&fresh().await).await;
    crashed_reservations_expire_and_still_settle_once(&fresh().await).await;
    orgs_and_months_are_separate(&fresh().await).await;
    let ledger = Arc::new(fresh().await);
    concurrent_reservations_never_overspend(ledger.clone(), ledger.clone()).await;
    let ledger = Arc::new(fresh().await);
    concurrent_task_slots_hold_the_quota(ledger.clone(), ledger).await;
}

fn period(text: &str) -> Period {
    text.parse().expect("a period")
}

fn request(org_id: OrgId, task_id: TaskId, amount: u64, org_budget: u64) -> ReserveRequest {
    ReserveRequest {
        org_id,
        task_id,
        period: period("2026-12"),
        amount,
        org_budget: Some(org_budget),
        task_budget: None,
        ttl: TTL,
    }
}

/// A task takes one slot however often it asks; the quota refuses the next task; a slot
/// given back is free again, once.
pub async fn task_slots_hold_the_quota_once_per_task(ledger: &dyn BudgetLedger) {
    let (org, month) = (OrgId::new(), period("2026-12"));
    let tasks: Vec<TaskId> = (0..6).map(|_| TaskId::new()).collect();
    for (i, task) in tasks[..5].iter().enumerate() {
        let used = ledger.take_task_slot(org, month, *task, Some(5)).await;
        assert_eq!(used, Ok(i as u64 + 1));
    }
    assert_eq!(
        ledger.take_task_slot(org, month, tasks[0], Some(5)).await,
        Ok(5),
        "taking a held slot again is not a second slot"
    );
    assert_eq!(
        ledger.take_task_slot(org, month, tasks[5], Some(5)).await,
        Err(LedgerError::QuotaExceeded { used: 5, quota: 5 })
    );
    assert_eq!(ledger.tasks_used(org, month).await, Ok(5));
    assert_eq!(
        ledger.return_task_slot(org, month, tasks[1]).await,
        Ok(true)
    );
    assert_eq!(
        ledger.return_task_slot(org, month, tasks[1]).await,
        Ok(false)
    );
    assert_eq!(ledger.tasks_used(org, month).await, Ok(4));
    assert_eq!(
        ledger.take_task_slot(org, month, tasks[5], Some(5)).await,
        Ok(5)
    );
    // Unlimited plans still count.
    assert_eq!(
        ledger.take_task_slot(org, month, TaskId::new(), None).await,
        Ok(6)
    );
}

/// Held and spent tokens both count against the org's budget.
pub async fn reservations_fit_the_org_budget(ledger: &dyn BudgetLedger) {
    let org = OrgId::new();
    let a = ledger
        .reserve(&request(org, TaskId::new(), 400, 1000))
        .await
        .unwrap();
    ledger
        .reserve(&request(org, TaskId::new(), 400, 1000))
        .await
        .unwrap();
    assert_eq!(
        ledger
            .reserve(&request(org, TaskId::new(), 400, 1000))
            .await,
        Err(LedgerError::OverBudget {
            scope: BudgetScope::Org,
            used: 800,
            limit: 1000
        })
    );
    assert_eq!(ledger.settle(&a, 300).await, Ok(Settled::Applied));
    assert_eq!(
        ledger.budget_state(org, a.period).await,
        Ok(BudgetState {
            spent: 300,
            held: 400
        })
    );
    ledger
        .reserve(&request(org, TaskId::new(), 300, 1000))
        .await
        .expect("300 spent + 400 held + 300 fits 1000 exactly");
    assert!(
        ledger
            .reserve(&request(org, TaskId::new(), 1, 1000))
            .await
            .is_err()
    );
    let unlimited = ReserveRequest {
        org_budget: None,
        ..request(org, TaskId::new(), 1_000_000, 0)
    };
    ledger
        .reserve(&unlimited)
        .await
        .expect("no budget is no limit");
}

/// A task's `max_tokens` caps its own calls, across attempts, without touching other tasks.
pub async fn reservations_fit_the_task_budget(ledger: &dyn BudgetLedger) {
    let (org, task) = (OrgId::new(), TaskId::new());
    let capped = |amount| ReserveRequest {
        task_budget: Some(500),
        ..request(org, task, amount, 10_000)
    };
    let first = ledger.reserve(&capped(300)).await.unwrap();
    assert_eq!(
        ledger.reserve(&capped(300)).await,
        Err(LedgerError::OverBudget {
            scope: BudgetScope::Task,
            used: 300,
            limit: 500
        })
    );
    ledger.settle(&first, 250).await.unwrap();
    let second = ledger.reserve(&capped(250)).await.expect("250 + 250 fits");
    ledger.settle(&second, 250).await.unwrap();
    assert!(
        ledger.reserve(&capped(1)).await.is_err(),
        "500 of 500 spent"
    );
    ledger
        .reserve(&request(org, TaskId::new(), 300, 10_000))
        .await
        .expect("another task of the org is not capped by this one");
}

/// Settling twice adds once; overshoot counts; release frees only what is still held.
pub async fn settling_counts_once_and_release_frees(ledger: &dyn BudgetLedger) {
    let org = OrgId::new();
    let r = ledger
        .reserve(&request(org, TaskId::new(), 100, 1000))
        .await
        .unwrap();
    assert_eq!(ledger.settle(&r, 130).await, Ok(Settled::Applied));
    assert_eq!(ledger.settle(&r, 130).await, Ok(Settled::AlreadySettled));
    ledger.release(&r).await.unwrap();
    assert_eq!(
        ledger.budget_state(org, r.period).await,
        Ok(BudgetState {
            spent: 130,
            held: 0
        }),
        "the overshoot counts, once; releasing a settled call changes nothing"
    );
    let held = ledger
        .reserve(&request(org, TaskId::new(), 500, 1000))
        .await
        .unwrap();
    ledger.release(&held).await.unwrap();
    ledger.release(&held).await.unwrap();
    assert_eq!(
        ledger.budget_state(org, r.period).await.unwrap(),
        BudgetState {
            spent: 130,
            held: 0
        }
    );
    assert_eq!(
        ledger.settle(&held, 10).await,
        Ok(Settled::AlreadySettled),
        "a released reservation is closed"
    );
}

/// A crashed run's hold frees itself; if the call did happen and settles late, it counts once.
pub async fn crashed_reservations_expire_and_still_settle_once(ledger: &dyn BudgetLedger) {
    let org = OrgId::new();
    let short = ReserveRequest {
        ttl: Duration::from_millis(300),
        ..request(org, TaskId::new(), 800, 1000)
    };
    let crashed = ledger.reserve(&short).await.unwrap();
    assert!(
        ledger
            .reserve(&request(org, TaskId::new(), 800, 1000))
            .await
            .is_err()
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    let next = ledger
        .reserve(&request(org, TaskId::new(), 800, 1000))
        .await
        .expect("the expired hold no longer counts");
    assert_eq!(ledger.settle(&crashed, 100).await, Ok(Settled::Applied));
    assert_eq!(
        ledger.settle(&crashed, 100).await,
        Ok(Settled::AlreadySettled)
    );
    assert_eq!(
        ledger.budget_state(org, next.period).await.unwrap(),
        BudgetState {
            spent: 100,
            held: 800
        }
    );
}

/// Budgets and quotas of one org or month never touch another's.
pub async fn orgs_and_months_are_separate(ledger: &dyn BudgetLedger) {
    let (a, b) = (OrgId::new(), OrgId::new());
    ledger
        .reserve(&request(a, TaskId::new(), 1000, 1000))
        .await
        .unwrap();
    ledger
        .reserve(&request(b, TaskId::new(), 1000, 1000))
        .await
        .expect("org B's budget is its own");
    let january = ReserveRequest {
        period: period("2027-01"),
        ..request(a, TaskId::new(), 1000, 1000)
    };
    ledger
        .reserve(&january)
        .await
        .expect("a new month starts empty");
    ledger
        .take_task_slot(a, period("2026-12"), TaskId::new(), Some(1))
        .await
        .unwrap();
    ledger
        .take_task_slot(b, period("2026-12"), TaskId::new(), Some(1))
        .await
        .expect("org B's quota is its own");
    ledger
        .take_task_slot(a, period("2027-01"), TaskId::new(), Some(1))
        .await
        .expect("a new month's quota is full");
    assert_eq!(ledger.tasks_used(a, period("2026-12")).await, Ok(1));
}

/// 200 calls race for a budget of 10: exactly 10 are granted, through either client.
pub async fn concurrent_reservations_never_overspend(
    one: Arc<dyn BudgetLedger>,
    two: Arc<dyn BudgetLedger>,
) {
    let org = OrgId::new();
    let calls: Vec<_> = (0..200)
        .map(|i| {
            let ledger = if i % 2 == 0 { one.clone() } else { two.clone() };
            tokio::spawn(async move {
                let r = ledger
                    .reserve(&request(org, TaskId::new(), 100, 1000))
                    .await;
                if let Ok(r) = &r {
                    ledger.settle(r, 100).await.unwrap();
                }
                r.is_ok()
            })
        })
        .collect();
    let mut granted = 0;
    for call in calls {
        granted += usize::from(call.await.unwrap());
    }
    assert_eq!(granted, 10);
    assert_eq!(
        one.budget_state(org, period("2026-12")).await.unwrap(),
        BudgetState {
            spent: 1000,
            held: 0
        }
    );
}

/// 50 submissions race for a quota of 5: exactly 5 get a slot, through either client.
pub async fn concurrent_task_slots_hold_the_quota(
    one: Arc<dyn BudgetLedger>,
    two: Arc<dyn BudgetLedger>,
) {
    let (org, month) = (OrgId::new(), period("2026-12"));
    let takes: Vec<_> = (0..50)
        .map(|i| {
            let ledger = if i % 2 == 0 { one.clone() } else { two.clone() };
            tokio::spawn(async move {
                ledger
                    .take_task_slot(org, month, TaskId::new(), Some(5))
                    .await
                    .is_ok()
            })
        })
        .collect();
    let mut taken = 0;
    for take in takes {
        taken += usize::from(take.await.unwrap());
    }
    assert_eq!(taken, 5);
    assert_eq!(one.tasks_used(org, month).await, Ok(5));
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_memory_queue_conforms() {
        super::all_single_node_queue_checks(|| async { crate::testing::MemoryQueue::new() }).await;
    }
}
