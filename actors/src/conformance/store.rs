//! The [`Store`] conformance suite: tenant isolation, uniqueness (emails, billing events,
//! one credential per provider), task pagination, conditional task updates, usage and
//! quota slots, and task event logs.
//!
//! Every check builds what it needs through the trait alone (orgs, repos, tasks), so it runs
//! on any adapter: SQLite in every test run, ScyllaDB when a cluster is at hand, and the
//! in-memory store of [`crate::testing`].

use crate::budget::{Limits, Period};
use crate::domain::{
    CancelOutcome, Credential, CredentialId, CredentialProvider, EventKind, NewRepo, NewTask,
    OrgId, OrgScope, Provider, PullRequestMode, Repo, SealedSecret, Spend, Task, TaskError, TaskId,
    TaskOutcome, TaskQuery, TaskStatus, TokenUsage,
};
use crate::ports::{BillingChange, LlmCallUsage, PlanChange, Store, StoreError, UsagePage};

/// Runs every store check, each on a fresh, empty store from `fresh`.
pub async fn all_store_checks<S, F, Fut>(fresh: F)
where
    S: Store,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = S>,
{
    tenant_data_is_invisible_to_other_orgs(&fresh().await).await;
    a_taken_email_is_a_conflict(&fresh().await).await;
    billing_events_apply_exactly_once(&fresh().await).await;
    billing_customers_map_to_their_org(&fresh().await).await;
    a_credential_per_provider_is_replaced_in_place(&fresh().await).await;
    reseal_only_touches_the_current_credential(&fresh().await).await;
    repos_are_listed_oldest_first(&fresh().await).await;
    task_pages_are_newest_first_without_gaps_or_duplicates(&fresh().await).await;
    task_filters_hold_across_pages(&fresh().await).await;
    start_attempt_counts_runs_and_leaves_ended_tasks_alone(&fresh().await).await;
    the_first_ending_stands(&fresh().await).await;
    cancel_reports_what_it_did(&fresh().await).await;
    requeue_only_moves_running_tasks(&fresh().await).await;
    usage_is_recorded_once_per_call_and_summed(&fresh().await).await;
    unused_quota_is_released_once(&fresh().await).await;
    events_are_numbered_in_order_per_task(&fresh().await).await;
}

fn period(text: &str) -> Period {
    text.parse().expect("a period")
}

const MONTH: &str = "2026-12";

/// A new org with its owner `email`, and its scope.
pub async fn new_org(store: &dyn Store, email: &str) -> OrgScope {
    let (org, user) = store
        .create_org_with_owner("acme", email, "$argon2id$fake")
        .await
        .expect("create the org");
    assert_eq!(user.org_id, org.id);
    OrgScope::trusted(org.id)
}

/// A new repository of the scope's org.
pub async fn new_repo(store: &dyn Store, scope: &OrgScope, name: &str) -> Repo {
    store
        .create_repo(
            scope,
            NewRepo {
                url: format!("https://example.test/acme/{name}.git"),
                provider: Provider::Github,
                default_branch: Some("main".into()),
                pull_requests: Default::default(),
            },
        )
        .await
        .expect("create the repo")
}

/// A new queued task of `repo` in sprint `sprint`, taking a slot of [`MONTH`].
pub async fn new_task(store: &dyn Store, scope: &OrgScope, repo: &Repo, sprint: &str) -> Task {
    store
        .create_task(
            scope,
            NewTask {
                id: TaskId::new(),
                quota_period: period(MONTH),
                repo_id: repo.id,
                instruction: "add input validation".into(),
                sprint: Some(sprint.into()),
                max_tokens: Some(1000),
                jira_issue: Some("ENG-42".into()),
            },
        )
        .await
        .expect("create the task")
}

/// One LLM call of `prompt` + `completion` tokens charged to `month`, a micro-dollar a token.
pub fn call(month: &str, prompt: u64, completion: u64) -> LlmCallUsage {
    LlmCallUsage {
        call_id: uuid::Uuid::now_v7(),
        period: period(month),
        model: "test-model".into(),
        usage: TokenUsage { prompt, completion },
        cost_micros: prompt + completion,
    }
}

/// A sealed credential of `org` for `provider`, its ciphertext `secret`.
pub fn credential(org: OrgId, provider: CredentialProvider, secret: &[u8]) -> Credential {
    Credential {
        id: CredentialId::new(),
        org_id: org,
        provider,
        username: Some("bot".into()),
        scopes_note: Some("repo".into()),
        fingerprint: Some("abcd".into()),
        sealed: sealed(1, secret),
        created_at: time::OffsetDateTime::now_utc(),
        rotated_at: None,
        base_url: None,
    }
}

fn sealed(key_version: u32, secret: &[u8]) -> SealedSecret {
    SealedSecret {
        key_version,
        nonce: vec![7; 16],
        ciphertext: secret.to_vec(),
    }
}

fn failed(code: &str) -> TaskOutcome {
    TaskOutcome::Failed(TaskError {
        code: code.into(),
        message: format!("{code} happened"),
    })
}

fn succeeded(summary: &str) -> TaskOutcome {
    TaskOutcome::Succeeded {
        summary: summary.into(),
        branch: Some("orchard/x".into()),
        commit: Some("abc123".into()),
        changed_files: vec!["src/lib.rs".into()],
        pull_request_url: Some("https://github.com/acme/app/pull/7".into()),
    }
}

fn query(limit: u32) -> TaskQuery {
    TaskQuery {
        limit,
        ..TaskQuery::default()
    }
}

fn first_page() -> UsagePage {
    UsagePage {
        after: None,
        limit: 100,
    }
}

fn is_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::NotFound))
}

async fn status(store: &dyn Store, scope: &OrgScope, id: TaskId) -> TaskStatus {
    store.task(scope, id).await.expect("the task").status
}

/// Org A reaches none of org B's repos, tasks, events, credentials, usage or org record,
/// neither to read nor to write: every attempt is `NotFound` (never a hint that the object
/// exists) or an empty list, and B's data is unchanged afterwards.
pub async fn tenant_data_is_invisible_to_other_orgs(store: &dyn Store) {
    let a = new_org(store, "a@acme.test").await;
    let b = new_org(store, "b@globex.test").await;
    let a_repo = new_repo(store, &a, "a-app").await;
    let b_repo = new_repo(store, &b, "b-app").await;
    let b_task = new_task(store, &b, &b_repo, "s1").await;
    store
        .append_event(
            &b,
            b_task.id,
            EventKind::Status,
            serde_json::json!({"n": 1}),
        )
        .await
        .unwrap();
    assert!(
        store
            .record_usage(&b, b_task.id, &call(MONTH, 10, 5))
            .await
            .unwrap()
    );
    let b_cred = store
        .put_credential(
            &b,
            credential(b.org_id(), CredentialProvider::Jira, b"b-secret"),
        )
        .await
        .unwrap();

    // Reads.
    assert!(is_not_found(store.repo(&a, b_repo.id).await));
    assert!(is_not_found(store.task(&a, b_task.id).await));
    assert!(is_not_found(store.task_events(&a, b_task.id, 0).await));
    assert!(is_not_found(
        store.credential(&a, CredentialProvider::Jira).await
    ));
    let a_repos = store.list_repos(&a).await.unwrap();
    assert_eq!(
        a_repos.iter().map(|r| r.id).collect::<Vec<_>>(),
        [a_repo.id]
    );
    assert!(
        store
            .list_tasks(&a, &query(100))
            .await
            .unwrap()
            .tasks
            .is_empty()
    );
    assert!(store.list_credentials(&a).await.unwrap().is_empty());
    let report = store
        .usage_report(&a, period(MONTH), &first_page())
        .await
        .unwrap();
    assert_eq!(report.tasks_used, 0);
    assert_eq!(report.total, Spend::default());
    assert!(report.by_sprint.is_empty() && report.tasks.is_empty());
    assert_eq!(store.org(&a).await.unwrap().id, a.org_id());

    // Writes.
    let steal = NewTask {
        id: TaskId::new(),
        quota_period: period(MONTH),
        repo_id: b_repo.id,
        instruction: "steal".into(),
        sprint: None,
        max_tokens: None,
        jira_issue: None,
    };
    assert!(is_not_found(store.create_task(&a, steal).await));
    assert!(is_not_found(store.start_attempt(&a, b_task.id).await));
    assert!(is_not_found(store.cancel_task(&a, b_task.id).await));
    assert!(is_not_found(store.requeue_task(&a, b_task.id).await));
    assert!(is_not_found(
        store.finish_task(&a, b_task.id, &failed("x")).await
    ));
    assert!(is_not_found(
        store.record_usage(&a, b_task.id, &call(MONTH, 1, 1)).await
    ));
    assert!(is_not_found(
        store
            .append_event(&a, b_task.id, EventKind::Status, serde_json::json!({}))
            .await
    ));
    // "Not the org's ended task": nothing to give back, and nothing said about B's.
    assert!(matches!(
        store.release_unused_quota(&a, b_task.id).await,
        Ok(None) | Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .reseal_credential(&a, b_cred.id, sealed(2, b"forged"))
            .await,
        Ok(false) | Err(StoreError::NotFound)
    ));
    assert!(is_not_found(
        store.delete_credential(&a, CredentialProvider::Jira).await
    ));
    // A credential naming B's org, put through A's scope, is A's.
    let planted = store
        .put_credential(
            &a,
            credential(b.org_id(), CredentialProvider::Github, b"planted"),
        )
        .await
        .unwrap();
    assert_eq!(planted.org_id, a.org_id());
    assert!(is_not_found(
        store.credential(&b, CredentialProvider::Github).await
    ));
    store
        .set_plan(
            &a,
            &PlanChange {
                plan: "team".into(),
                custom_limits: Limits::default(),
            },
        )
        .await
        .unwrap();
    store.set_past_due(&a, true).await.unwrap();

    // B is untouched.
    let b_org = store.org(&b).await.unwrap();
    assert_eq!((b_org.plan.as_str(), b_org.past_due), ("free", false));
    let b_now = store.task(&b, b_task.id).await.unwrap();
    assert_eq!((b_now.status, b_now.attempts), (TaskStatus::Queued, 0));
    assert_eq!((b_now.tokens.total(), b_now.llm_calls), (15, 1));
    assert!(!b_now.quota_released);
    assert_eq!(store.task_events(&b, b_task.id, 0).await.unwrap().len(), 1);
    let b_creds = store.list_credentials(&b).await.unwrap();
    assert_eq!(b_creds, [b_cred]);
    let b_report = store
        .usage_report(&b, period(MONTH), &first_page())
        .await
        .unwrap();
    assert_eq!(
        (b_report.tasks_used, b_report.total.tokens.total()),
        (1, 15)
    );
}

/// An email belongs to one user: a second signup with it is `Conflict` and creates nothing,
/// also when both signups race.
pub async fn a_taken_email_is_a_conflict(store: &dyn Store) {
    let (first, owner) = store
        .create_org_with_owner("first", "owner@acme.test", "hash-1")
        .await
        .unwrap();
    let again = store
        .create_org_with_owner("second", "owner@acme.test", "hash-2")
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let found = store
        .user_by_email("owner@acme.test")
        .await
        .unwrap()
        .expect("the first owner");
    assert_eq!(
        (found.user, found.password_hash.as_str()),
        (owner, "hash-1")
    );
    assert_eq!(
        store.org(&OrgScope::trusted(first.id)).await.unwrap().name,
        "first"
    );
    assert!(
        store
            .user_by_email("nobody@acme.test")
            .await
            .unwrap()
            .is_none()
    );

    // Emails are one address whatever their case: stored and looked up lowercased.
    let shouted = store
        .create_org_with_owner("third", "Owner@ACME.test", "hash-3")
        .await;
    assert!(
        matches!(shouted, Err(StoreError::Conflict(_))),
        "{shouted:?}"
    );
    let (_, mixed) = store
        .create_org_with_owner("mixed", "Mixed.Case@Acme.TEST", "hash-4")
        .await
        .unwrap();
    assert_eq!(mixed.email, "mixed.case@acme.test");
    let found = store
        .user_by_email("MIXED.case@acme.test")
        .await
        .unwrap()
        .expect("found whatever the case");
    assert_eq!(found.user, mixed);

    let racing = (0..4).map(|_| store.create_org_with_owner("racer", "race@acme.test", "h"));
    let results = futures_util::future::join_all(racing).await;
    let created = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(created, 1, "{results:?}");
    assert!(
        results
            .iter()
            .all(|r| r.is_ok() || matches!(r, Err(StoreError::Conflict(_))))
    );
}

/// A payment provider's event applies once: its replay answers `false` and changes nothing.
/// A plan change clears past due; an event whose change cannot be applied is not recorded.
pub async fn billing_events_apply_exactly_once(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let past_due = Some((scope, BillingChange::PastDue));
    assert!(
        store
            .record_billing_event("stripe", "evt_1", past_due.clone())
            .await
            .unwrap()
    );
    assert!(store.org(&scope).await.unwrap().past_due);

    let pro = PlanChange {
        plan: "pro".into(),
        custom_limits: Limits {
            tasks_per_month: Some(50),
            monthly_tokens: None,
        },
    };
    let to_pro = Some((scope, BillingChange::Plan(pro.clone())));
    assert!(
        store
            .record_billing_event("stripe", "evt_2", to_pro)
            .await
            .unwrap()
    );
    let org = store.org(&scope).await.unwrap();
    assert_eq!((org.plan.as_str(), org.past_due), ("pro", false));
    assert_eq!(org.custom_limits, pro.custom_limits);

    // Replays, even carrying another change, do nothing.
    assert!(
        !store
            .record_billing_event("stripe", "evt_1", past_due)
            .await
            .unwrap()
    );
    let team = PlanChange {
        plan: "team".into(),
        custom_limits: Limits::default(),
    };
    let to_team = Some((scope, BillingChange::Plan(team)));
    assert!(
        !store
            .record_billing_event("stripe", "evt_2", to_team.clone())
            .await
            .unwrap()
    );
    let org = store.org(&scope).await.unwrap();
    assert_eq!((org.plan.as_str(), org.past_due), ("pro", false));

    // Event ids are per provider; an event without a change is still recorded once.
    assert!(
        store
            .record_billing_event("iyzico", "evt_1", None)
            .await
            .unwrap()
    );
    assert!(
        !store
            .record_billing_event("iyzico", "evt_1", None)
            .await
            .unwrap()
    );

    // A change that fails (no such org) rolls the event back with it.
    let ghost = Some((OrgScope::trusted(OrgId::new()), BillingChange::PastDue));
    assert!(
        store
            .record_billing_event("stripe", "evt_ghost", ghost)
            .await
            .is_err()
    );
    assert!(
        store
            .record_billing_event("stripe", "evt_ghost", None)
            .await
            .unwrap(),
        "a failed apply must not leave the event recorded"
    );

    // Racing deliveries of one event: one applies.
    let racing = (0..4).map(|_| store.record_billing_event("stripe", "evt_3", to_team.clone()));
    let applied = futures_util::future::join_all(racing)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .filter(|applied| *applied)
        .count();
    assert_eq!(applied, 1);
    assert_eq!(store.org(&scope).await.unwrap().plan, "team");
}

/// A provider's customer reference finds the org and plan it was registered for, and only
/// that one.
pub async fn billing_customers_map_to_their_org(store: &dyn Store) {
    let a = new_org(store, "a@acme.test").await;
    let b = new_org(store, "b@globex.test").await;
    store
        .set_billing_customer(&a, "stripe", "cus_a", "pro")
        .await
        .unwrap();
    store
        .set_billing_customer(&b, "stripe", "cus_b", "team")
        .await
        .unwrap();
    assert_eq!(
        store.billing_customer("stripe", "cus_a").await.unwrap(),
        Some((a.org_id(), "pro".into()))
    );
    assert_eq!(
        store.billing_customer("stripe", "cus_b").await.unwrap(),
        Some((b.org_id(), "team".into()))
    );
    assert_eq!(
        store.billing_customer("iyzico", "cus_a").await.unwrap(),
        None
    );
    assert_eq!(
        store.billing_customer("stripe", "cus_none").await.unwrap(),
        None
    );
    // A new plan for the same customer replaces the old.
    store
        .set_billing_customer(&a, "stripe", "cus_a", "enterprise")
        .await
        .unwrap();
    assert_eq!(
        store.billing_customer("stripe", "cus_a").await.unwrap(),
        Some((a.org_id(), "enterprise".into()))
    );
}

/// An org has one credential per provider: putting another replaces it (first `created_at`
/// kept, `rotated_at` set); delete removes it, and a second delete is `NotFound`.
pub async fn a_credential_per_provider_is_replaced_in_place(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let first = store
        .put_credential(
            &scope,
            credential(scope.org_id(), CredentialProvider::Github, b"one"),
        )
        .await
        .unwrap();
    assert_eq!(first.rotated_at, None);
    assert_eq!(first.sealed, sealed(1, b"one"));
    assert_eq!(
        store
            .credential(&scope, CredentialProvider::Github)
            .await
            .unwrap(),
        first
    );

    // A replacement may name the service's own site; the stored credential carries it.
    let replacement = Credential {
        base_url: Some("https://ghe.acme.test/api/v3".into()),
        ..credential(scope.org_id(), CredentialProvider::Github, b"two")
    };
    let second = store
        .put_credential(&scope, replacement.clone())
        .await
        .unwrap();
    assert_eq!(second.id, replacement.id);
    assert_eq!(second.sealed, sealed(1, b"two"));
    assert_eq!(second.created_at, first.created_at, "the first put's time");
    assert_eq!(
        second.base_url.as_deref(),
        Some("https://ghe.acme.test/api/v3")
    );
    assert!(second.rotated_at.is_some());
    assert_eq!(
        store
            .credential(&scope, CredentialProvider::Github)
            .await
            .unwrap(),
        second
    );

    store
        .put_credential(
            &scope,
            credential(scope.org_id(), CredentialProvider::AzureDevops, b"ado"),
        )
        .await
        .unwrap();
    let listed = store.list_credentials(&scope).await.unwrap();
    let providers: Vec<_> = listed.iter().map(|c| c.provider.as_str()).collect();
    assert_eq!(providers, ["azure_devops", "github"], "by provider name");
    assert_eq!(store.all_credentials().await.unwrap().len(), 2);

    store
        .delete_credential(&scope, CredentialProvider::Github)
        .await
        .unwrap();
    assert!(is_not_found(
        store.credential(&scope, CredentialProvider::Github).await
    ));
    assert!(is_not_found(
        store
            .delete_credential(&scope, CredentialProvider::Github)
            .await
    ));
    assert_eq!(store.list_credentials(&scope).await.unwrap().len(), 1);
}

/// Key rotation reseals the current credential only: one replaced or deleted meanwhile
/// answers `false` and the current secret stays as it is.
pub async fn reseal_only_touches_the_current_credential(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let old = store
        .put_credential(
            &scope,
            credential(scope.org_id(), CredentialProvider::Github, b"old"),
        )
        .await
        .unwrap();
    assert!(
        store
            .reseal_credential(&scope, old.id, sealed(2, b"old, resealed"))
            .await
            .unwrap()
    );
    let resealed = store
        .credential(&scope, CredentialProvider::Github)
        .await
        .unwrap();
    assert_eq!(resealed.sealed, sealed(2, b"old, resealed"));
    assert_eq!(resealed.id, old.id);

    let new = store
        .put_credential(
            &scope,
            credential(scope.org_id(), CredentialProvider::Github, b"new"),
        )
        .await
        .unwrap();
    assert!(
        !store
            .reseal_credential(&scope, old.id, sealed(3, b"stale"))
            .await
            .unwrap(),
        "the credential was replaced meanwhile"
    );
    let current = store
        .credential(&scope, CredentialProvider::Github)
        .await
        .unwrap();
    assert_eq!((current.id, current.sealed), (new.id, sealed(1, b"new")));

    store
        .delete_credential(&scope, CredentialProvider::Github)
        .await
        .unwrap();
    assert!(
        !store
            .reseal_credential(&scope, new.id, sealed(3, b"gone"))
            .await
            .unwrap(),
        "the credential was deleted meanwhile"
    );
    assert!(is_not_found(
        store.credential(&scope, CredentialProvider::Github).await
    ));
}

/// Repositories come back oldest first.
pub async fn repos_are_listed_oldest_first(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(new_repo(store, &scope, &format!("app{n}")).await.id);
    }
    let listed = store.list_repos(&scope).await.unwrap();
    assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), ids);
    let one = store.repo(&scope, ids[2]).await.unwrap();
    assert_eq!(
        (one.org_id, one.url.as_str()),
        (scope.org_id(), "https://example.test/acme/app2.git")
    );
    assert_eq!(one.pull_requests, PullRequestMode::Open);

    // Each repository keeps its own pull request setting.
    for mode in [PullRequestMode::Draft, PullRequestMode::Off] {
        let repo = store
            .create_repo(
                &scope,
                NewRepo {
                    url: format!("https://dev.azure.com/acme/Ops/_git/{}", mode.as_str()),
                    provider: Provider::AzureDevops,
                    default_branch: None,
                    pull_requests: mode,
                },
            )
            .await
            .unwrap();
        assert_eq!(repo.pull_requests, mode);
        let key = |r: &Repo| {
            (
                r.id,
                r.url.clone(),
                r.provider,
                r.default_branch.clone(),
                r.pull_requests,
            )
        };
        assert_eq!(key(&store.repo(&scope, repo.id).await.unwrap()), key(&repo));
        let listed = store.list_repos(&scope).await.unwrap();
        assert_eq!(listed.last().map(key), Some(key(&repo)));
    }
}

/// Following `next` pages through every task once, newest first, each page at most `limit`
/// long; the last page has no `next`.
pub async fn task_pages_are_newest_first_without_gaps_or_duplicates(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let other = new_org(store, "b@globex.test").await;
    let repo_a = new_repo(store, &scope, "app").await;
    let repo_b = new_repo(store, &other, "app").await;
    let mut created = Vec::new();
    for n in 0..23 {
        created.push(new_task(store, &scope, &repo_a, "s1").await.id);
        if n % 5 == 0 {
            new_task(store, &other, &repo_b, "s1").await;
        }
    }
    let newest_first: Vec<TaskId> = created.iter().rev().copied().collect();

    for limit in [1, 4, 23, 50] {
        let mut seen = Vec::new();
        let mut cursor = None;
        let mut pages = 0;
        loop {
            let page = store
                .list_tasks(
                    &scope,
                    &TaskQuery {
                        before: cursor,
                        limit,
                        ..TaskQuery::default()
                    },
                )
                .await
                .unwrap();
            pages += 1;
            assert!(page.tasks.len() <= limit as usize);
            assert!(page.tasks.iter().all(|t| t.org_id == scope.org_id()));
            seen.extend(page.tasks.iter().map(|t| t.id));
            match page.next {
                Some(next) => {
                    assert_eq!(
                        page.tasks.len(),
                        limit as usize,
                        "only a last page is short"
                    );
                    assert_eq!(
                        Some(&next),
                        seen.last(),
                        "the cursor is the page's last task"
                    );
                    cursor = Some(next);
                }
                None => break,
            }
            assert!(pages <= 30, "paging does not end");
        }
        assert_eq!(seen, newest_first, "limit {limit}");
        assert_eq!(
            pages,
            23_usize.div_ceil(limit as usize).max(1),
            "limit {limit}"
        );
    }
}

/// Status and sprint filters apply to every page, and pages of a filtered list still hold
/// every matching task once.
pub async fn task_filters_hold_across_pages(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let repo = new_repo(store, &scope, "app").await;
    let mut running_s2 = Vec::new();
    let mut all_s2 = Vec::new();
    for n in 0..20 {
        let sprint = if n % 2 == 0 { "s1" } else { "s2" };
        let task = new_task(store, &scope, &repo, sprint).await;
        if n % 3 == 0 {
            store.start_attempt(&scope, task.id).await.unwrap();
            if sprint == "s2" {
                running_s2.push(task.id);
            }
        }
        if sprint == "s2" {
            all_s2.push(task.id);
        }
    }
    running_s2.reverse();
    all_s2.reverse();

    let collect = async |status: Option<TaskStatus>, sprint: Option<&str>| {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = store
                .list_tasks(
                    &scope,
                    &TaskQuery {
                        status,
                        sprint: sprint.map(str::to_owned),
                        before: cursor,
                        limit: 2,
                    },
                )
                .await
                .unwrap();
            for task in &page.tasks {
                assert!(status.is_none_or(|s| task.status == s), "{task:?}");
                assert!(
                    sprint.is_none_or(|s| task.sprint.as_deref() == Some(s)),
                    "{task:?}"
                );
            }
            seen.extend(page.tasks.iter().map(|t| t.id));
            match page.next {
                Some(next) => cursor = Some(next),
                None => return seen,
            }
        }
    };
    assert_eq!(collect(None, Some("s2")).await, all_s2);
    assert_eq!(
        collect(Some(TaskStatus::Running), Some("s2")).await,
        running_s2
    );
    let running = collect(Some(TaskStatus::Running), None).await;
    assert_eq!(running.len(), 7, "tasks 0, 3, 6, ..., 18");
    let queued = collect(Some(TaskStatus::Queued), None).await;
    assert_eq!(queued.len(), 13);
    assert!(collect(Some(TaskStatus::Succeeded), None).await.is_empty());
    assert!(collect(None, Some("s9")).await.is_empty());
}

/// `start_attempt` moves a queued (or, for a redelivery, running) task to running and counts
/// the attempt; a task that ended is returned as it is.
pub async fn start_attempt_counts_runs_and_leaves_ended_tasks_alone(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let repo = new_repo(store, &scope, "app").await;
    let created = new_task(store, &scope, &repo, "s1").await;
    assert_eq!((created.status, created.attempts), (TaskStatus::Queued, 0));

    let first = store.start_attempt(&scope, created.id).await.unwrap();
    assert_eq!((first.status, first.attempts), (TaskStatus::Running, 1));
    let redelivered = store.start_attempt(&scope, created.id).await.unwrap();
    assert_eq!(
        (redelivered.status, redelivered.attempts),
        (TaskStatus::Running, 2)
    );
    store.requeue_task(&scope, created.id).await.unwrap();
    let third = store.start_attempt(&scope, created.id).await.unwrap();
    assert_eq!((third.status, third.attempts), (TaskStatus::Running, 3));

    store
        .finish_task(&scope, created.id, &succeeded("done"))
        .await
        .unwrap();
    let late = store.start_attempt(&scope, created.id).await.unwrap();
    assert_eq!((late.status, late.attempts), (TaskStatus::Succeeded, 3));

    let cancelled = new_task(store, &scope, &repo, "s1").await;
    store.cancel_task(&scope, cancelled.id).await.unwrap();
    let late = store.start_attempt(&scope, cancelled.id).await.unwrap();
    assert_eq!((late.status, late.attempts), (TaskStatus::Cancelled, 0));

    assert!(is_not_found(
        store.start_attempt(&scope, TaskId::new()).await
    ));
}

/// A task keeps its first ending: a stale second `finish_task` (another node's, a cancel's
/// loser) changes neither the status nor the result.
pub async fn the_first_ending_stands(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let repo = new_repo(store, &scope, "app").await;

    let won = new_task(store, &scope, &repo, "s1").await;
    store.start_attempt(&scope, won.id).await.unwrap();
    store
        .finish_task(&scope, won.id, &succeeded("done"))
        .await
        .unwrap();
    store
        .finish_task(&scope, won.id, &failed("stale"))
        .await
        .unwrap();
    let done = store.task(&scope, won.id).await.unwrap();
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert_eq!(done.summary.as_deref(), Some("done"));
    assert_eq!(done.branch.as_deref(), Some("orchard/x"));
    assert_eq!(done.commit.as_deref(), Some("abc123"));
    assert_eq!(done.changed_files, ["src/lib.rs"]);
    assert_eq!(
        done.pull_request_url.as_deref(),
        Some("https://github.com/acme/app/pull/7")
    );
    assert!(done.error.is_none());
    let listed = store.list_tasks(&scope, &query(10)).await.unwrap();
    assert_eq!(
        listed.tasks[0].pull_request_url, done.pull_request_url,
        "listings carry the pull request too"
    );
    assert_eq!(done.jira_issue.as_deref(), Some("ENG-42"));
    assert_eq!(listed.tasks[0].jira_issue, done.jira_issue);

    let lost = new_task(store, &scope, &repo, "s1").await;
    store.start_attempt(&scope, lost.id).await.unwrap();
    store
        .finish_task(&scope, lost.id, &failed("llm_error"))
        .await
        .unwrap();
    store
        .finish_task(&scope, lost.id, &succeeded("late"))
        .await
        .unwrap();
    let failed_task = store.task(&scope, lost.id).await.unwrap();
    assert_eq!(failed_task.status, TaskStatus::Failed);
    assert_eq!(
        failed_task.error.map(|e| e.code).as_deref(),
        Some("llm_error")
    );
    assert!(failed_task.commit.is_none() && failed_task.changed_files.is_empty());
    assert!(failed_task.pull_request_url.is_none());

    let cancelled = new_task(store, &scope, &repo, "s1").await;
    store.start_attempt(&scope, cancelled.id).await.unwrap();
    store.cancel_task(&scope, cancelled.id).await.unwrap();
    store
        .finish_task(&scope, cancelled.id, &succeeded("too late"))
        .await
        .unwrap();
    let after = store.task(&scope, cancelled.id).await.unwrap();
    assert_eq!(after.status, TaskStatus::Cancelled);
    assert!(after.summary.is_none() && after.commit.is_none() && after.error.is_none());

    assert!(is_not_found(
        store.finish_task(&scope, TaskId::new(), &failed("x")).await
    ));
}

/// Cancelling a queued or running task cancels it and says what it was; cancelling an ended
/// task changes nothing and says how it ended.
pub async fn cancel_reports_what_it_did(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let repo = new_repo(store, &scope, "app").await;

    let queued = new_task(store, &scope, &repo, "s1").await;
    assert_eq!(
        store.cancel_task(&scope, queued.id).await.unwrap(),
        CancelOutcome::Cancelled {
            was: TaskStatus::Queued
        }
    );
    assert_eq!(
        status(store, &scope, queued.id).await,
        TaskStatus::Cancelled
    );
    assert_eq!(
        store.cancel_task(&scope, queued.id).await.unwrap(),
        CancelOutcome::AlreadyFinished(TaskStatus::Cancelled)
    );

    let running = new_task(store, &scope, &repo, "s1").await;
    store.start_attempt(&scope, running.id).await.unwrap();
    assert_eq!(
        store.cancel_task(&scope, running.id).await.unwrap(),
        CancelOutcome::Cancelled {
            was: TaskStatus::Running
        }
    );
    assert_eq!(
        status(store, &scope, running.id).await,
        TaskStatus::Cancelled
    );

    for (outcome, ended) in [
        (succeeded("done"), TaskStatus::Succeeded),
        (failed("x"), TaskStatus::Failed),
    ] {
        let task = new_task(store, &scope, &repo, "s1").await;
        store.start_attempt(&scope, task.id).await.unwrap();
        store.finish_task(&scope, task.id, &outcome).await.unwrap();
        assert_eq!(
            store.cancel_task(&scope, task.id).await.unwrap(),
            CancelOutcome::AlreadyFinished(ended)
        );
        assert_eq!(status(store, &scope, task.id).await, ended);
    }

    assert!(is_not_found(store.cancel_task(&scope, TaskId::new()).await));
}

/// `requeue_task` puts a running task back to queued (its attempts kept); a task in any other
/// state stays as it is.
pub async fn requeue_only_moves_running_tasks(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let repo = new_repo(store, &scope, "app").await;

    let running = new_task(store, &scope, &repo, "s1").await;
    store.start_attempt(&scope, running.id).await.unwrap();
    store.requeue_task(&scope, running.id).await.unwrap();
    let requeued = store.task(&scope, running.id).await.unwrap();
    assert_eq!(
        (requeued.status, requeued.attempts),
        (TaskStatus::Queued, 1)
    );

    let queued = new_task(store, &scope, &repo, "s1").await;
    store.requeue_task(&scope, queued.id).await.unwrap();
    let still = store.task(&scope, queued.id).await.unwrap();
    assert_eq!((still.status, still.attempts), (TaskStatus::Queued, 0));

    let cancelled = new_task(store, &scope, &repo, "s1").await;
    store.start_attempt(&scope, cancelled.id).await.unwrap();
    store.cancel_task(&scope, cancelled.id).await.unwrap();
    store.requeue_task(&scope, cancelled.id).await.unwrap();
    assert_eq!(
        status(store, &scope, cancelled.id).await,
        TaskStatus::Cancelled
    );

    let done = new_task(store, &scope, &repo, "s1").await;
    store.start_attempt(&scope, done.id).await.unwrap();
    store
        .finish_task(&scope, done.id, &succeeded("done"))
        .await
        .unwrap();
    store.requeue_task(&scope, done.id).await.unwrap();
    assert_eq!(status(store, &scope, done.id).await, TaskStatus::Succeeded);

    assert!(is_not_found(
        store.requeue_task(&scope, TaskId::new()).await
    ));
}

/// Each call's usage counts once (retries and racing retries included), on the task and in
/// the month it was charged to; the report sums it in total, by sprint and by task, and
/// pages its tasks by id.
pub async fn usage_is_recorded_once_per_call_and_summed(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let repo = new_repo(store, &scope, "app").await;
    let one = new_task(store, &scope, &repo, "s1").await;
    let two = new_task(store, &scope, &repo, "s1").await;
    let three = new_task(store, &scope, &repo, "s2").await;

    let first = call(MONTH, 100, 20);
    assert!(store.record_usage(&scope, one.id, &first).await.unwrap());
    assert!(!store.record_usage(&scope, one.id, &first).await.unwrap());
    let racing_call = call(MONTH, 7, 3);
    let racing = (0..4).map(|_| store.record_usage(&scope, one.id, &racing_call));
    let recorded = futures_util::future::join_all(racing)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .filter(|new| *new)
        .count();
    assert_eq!(recorded, 1, "racing retries of one call record it once");
    assert!(
        store
            .record_usage(&scope, two.id, &call(MONTH, 5, 5))
            .await
            .unwrap()
    );
    assert!(
        store
            .record_usage(&scope, three.id, &call(MONTH, 1, 2))
            .await
            .unwrap()
    );
    assert!(
        store
            .record_usage(&scope, three.id, &call("2027-01", 1000, 1000))
            .await
            .unwrap()
    );
    assert!(is_not_found(
        store
            .record_usage(&scope, TaskId::new(), &call(MONTH, 1, 1))
            .await
    ));

    let recorded = store.task(&scope, one.id).await.unwrap();
    assert_eq!(
        recorded.tokens,
        TokenUsage {
            prompt: 107,
            completion: 23
        }
    );
    assert_eq!((recorded.llm_calls, recorded.cost_micros), (2, 130));
    let spanning = store.task(&scope, three.id).await.unwrap();
    assert_eq!((spanning.tokens.total(), spanning.llm_calls), (2003, 2));

    let spend = |prompt, completion| Spend {
        tokens: TokenUsage { prompt, completion },
        cost_micros: prompt + completion,
    };
    let report = store
        .usage_report(&scope, period(MONTH), &first_page())
        .await
        .unwrap();
    assert_eq!(report.period, period(MONTH));
    assert_eq!(report.tasks_used, 3);
    assert_eq!(report.total, spend(113, 30));
    assert_eq!(
        report.by_sprint,
        [
            (Some("s1".to_owned()), spend(112, 28)),
            (Some("s2".to_owned()), spend(1, 2))
        ]
    );
    assert_eq!(
        report.tasks,
        [
            (one.id, Some("s1".to_owned()), spend(107, 23)),
            (two.id, Some("s1".to_owned()), spend(5, 5)),
            (three.id, Some("s2".to_owned()), spend(1, 2)),
        ]
    );
    assert_eq!(report.next, None);

    // The report's tasks, two by two.
    let page = store
        .usage_report(
            &scope,
            period(MONTH),
            &UsagePage {
                after: None,
                limit: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        page.tasks.iter().map(|t| t.0).collect::<Vec<_>>(),
        [one.id, two.id]
    );
    assert_eq!(page.next, Some(two.id));
    assert_eq!(
        page.total, report.total,
        "totals are the month's, not the page's"
    );
    let rest = store
        .usage_report(
            &scope,
            period(MONTH),
            &UsagePage {
                after: page.next,
                limit: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        rest.tasks.iter().map(|t| t.0).collect::<Vec<_>>(),
        [three.id]
    );
    assert_eq!(rest.next, None);

    // The next month holds only the call charged to it, and no quota slots.
    let next_month = store
        .usage_report(&scope, period("2027-01"), &first_page())
        .await
        .unwrap();
    assert_eq!(next_month.tasks_used, 0);
    assert_eq!(next_month.total, spend(1000, 1000));
    assert_eq!(
        next_month.tasks,
        [(three.id, Some("s2".to_owned()), spend(1000, 1000))]
    );
}

/// A task that ended (failed or cancelled) without an LLM call gives its quota slot back,
/// once; a task still queued or running, one that succeeded, and one with calls keep it.
pub async fn unused_quota_is_released_once(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let repo = new_repo(store, &scope, "app").await;
    let month = period(MONTH);

    let queued = new_task(store, &scope, &repo, "s1").await;
    assert_eq!(
        store.release_unused_quota(&scope, queued.id).await.unwrap(),
        None
    );
    let running = new_task(store, &scope, &repo, "s1").await;
    store.start_attempt(&scope, running.id).await.unwrap();
    assert_eq!(
        store
            .release_unused_quota(&scope, running.id)
            .await
            .unwrap(),
        None
    );

    let succeeded_task = new_task(store, &scope, &repo, "s1").await;
    store
        .finish_task(&scope, succeeded_task.id, &succeeded("nothing to do"))
        .await
        .unwrap();
    assert_eq!(
        store
            .release_unused_quota(&scope, succeeded_task.id)
            .await
            .unwrap(),
        None
    );

    let with_call = new_task(store, &scope, &repo, "s1").await;
    store
        .record_usage(&scope, with_call.id, &call(MONTH, 1, 1))
        .await
        .unwrap();
    store
        .finish_task(&scope, with_call.id, &failed("llm_error"))
        .await
        .unwrap();
    assert_eq!(
        store
            .release_unused_quota(&scope, with_call.id)
            .await
            .unwrap(),
        None
    );

    let failed_task = new_task(store, &scope, &repo, "s1").await;
    store
        .finish_task(&scope, failed_task.id, &failed("clone_failed"))
        .await
        .unwrap();
    let cancelled = new_task(store, &scope, &repo, "s1").await;
    store.cancel_task(&scope, cancelled.id).await.unwrap();
    let used = |report: crate::domain::UsageReport| report.tasks_used;
    assert_eq!(
        used(
            store
                .usage_report(&scope, month, &first_page())
                .await
                .unwrap()
        ),
        6
    );
    for id in [failed_task.id, cancelled.id] {
        assert_eq!(
            store.release_unused_quota(&scope, id).await.unwrap(),
            Some(month)
        );
        assert_eq!(store.release_unused_quota(&scope, id).await.unwrap(), None);
        assert!(store.task(&scope, id).await.unwrap().quota_released);
    }
    assert_eq!(
        used(
            store
                .usage_report(&scope, month, &first_page())
                .await
                .unwrap()
        ),
        4,
        "released slots no longer count"
    );
    assert!(!store.task(&scope, queued.id).await.unwrap().quota_released);
}

/// A task's events are numbered from 1 in the order they were appended, per task; reading
/// after a number returns the later ones, in order.
pub async fn events_are_numbered_in_order_per_task(store: &dyn Store) {
    let scope = new_org(store, "a@acme.test").await;
    let repo = new_repo(store, &scope, "app").await;
    let one = new_task(store, &scope, &repo, "s1").await;
    let two = new_task(store, &scope, &repo, "s1").await;
    assert!(
        store
            .task_events(&scope, one.id, 0)
            .await
            .unwrap()
            .is_empty()
    );

    let kinds = [
        EventKind::Status,
        EventKind::Checkout,
        EventKind::LlmCall,
        EventKind::ToolCall,
        EventKind::Commit,
    ];
    for (n, kind) in kinds.iter().enumerate() {
        store
            .append_event(
                &scope,
                one.id,
                *kind,
                serde_json::json!({"step": n, "note": "x"}),
            )
            .await
            .unwrap();
        if n % 2 == 0 {
            store
                .append_event(
                    &scope,
                    two.id,
                    EventKind::Restart,
                    serde_json::json!({"n": n}),
                )
                .await
                .unwrap();
        }
    }

    let all = store.task_events(&scope, one.id, 0).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(all.iter().map(|e| e.kind).collect::<Vec<_>>(), kinds);
    for (n, event) in all.iter().enumerate() {
        assert_eq!(event.data, serde_json::json!({"step": n, "note": "x"}));
    }
    assert!(all.windows(2).all(|w| w[0].at <= w[1].at));

    let later = store.task_events(&scope, one.id, 3).await.unwrap();
    assert_eq!(later.iter().map(|e| e.seq).collect::<Vec<_>>(), [4, 5]);
    assert_eq!(later[..], all[3..]);
    assert!(
        store
            .task_events(&scope, one.id, 5)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .task_events(&scope, one.id, 99)
            .await
            .unwrap()
            .is_empty()
    );

    let other = store.task_events(&scope, two.id, 0).await.unwrap();
    assert_eq!(other.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(other.iter().all(|e| e.kind == EventKind::Restart));

    assert!(is_not_found(
        store.task_events(&scope, TaskId::new(), 0).await
    ));
    assert!(is_not_found(
        store
            .append_event(
                &scope,
                TaskId::new(),
                EventKind::Status,
                serde_json::json!({})
            )
            .await
    ));
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_memory_store_conforms() {
        super::all_store_checks(|| async { crate::testing::MemoryStore::new() }).await;
    }
}
