//! Per-org API rate limits: over the burst an org gets 429 `rate_limited` with
//! `Retry-After`, and recovers after waiting it; one org's flood leaves another's budget
//! alone; operator tokens are not limited; a plan with a higher limit allows more.
//!
//! The limits are small and refill at 1 request per second, so every count below holds
//! with a wide margin whatever the machine's speed: a flood of N requests would have to
//! take about N seconds to stay within a burst it exceeds by N.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{TestApp, test_config};

/// An authenticated, cheap route: the org's profile.
const ROUTE: &str = "/v1/org";

/// A server where the free plan allows `free` (rate per second, burst) and pro `pro`.
async fn app_with(free: (u32, u32), pro: (u32, u32)) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), None);
    for (name, (per_second, burst)) in [("free", free), ("pro", pro)] {
        let plan = config.plans.get_mut(name).unwrap();
        plan.requests_per_second = Some(per_second);
        plan.request_burst = Some(burst);
    }
    TestApp::spawn_in(data_dir, config).await
}

/// Status and `Retry-After` of one request.
async fn get_org(app: &TestApp, token: &str) -> (u16, Option<u64>, Value) {
    let response = app
        .client
        .get(app.url(ROUTE))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse::<u64>().expect("whole seconds"));
    let body = response.json().await.unwrap_or(Value::Null);
    (status, retry_after, body)
}

/// Sends `count` requests at once; returns how many got 200 and how many 429.
async fn burst(app: &TestApp, token: &str, count: usize) -> (usize, usize) {
    let answers = join_all((0..count).map(|_| get_org(app, token))).await;
    let ok = answers.iter().filter(|(s, ..)| *s == 200).count();
    let limited = answers.iter().filter(|(s, ..)| *s == 429).count();
    assert_eq!(ok + limited, count, "only 200 and 429 expected");
    (ok, limited)
}

#[tokio::test]
async fn an_org_over_its_burst_gets_429_with_retry_after_and_recovers() {
    let app = app_with((1, 5), (1, 5)).await;
    let (token, _) = app.signup("Acme", "a@example.com").await;

    for _ in 0..5 {
        let (status, _, body) = get_org(&app, &token).await;
        assert_eq!(status, 200, "within the burst: {body}");
    }
    let (status, retry_after, body) = get_org(&app, &token).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["code"], "rate_limited");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("free plan") && message.contains("5"),
        "{message}"
    );
    let retry_after = retry_after.expect("a 429 says when to retry");
    assert!(retry_after >= 1, "at least a second: {retry_after}");

    tokio::time::sleep(std::time::Duration::from_secs(retry_after)).await;
    let (status, _, body) = get_org(&app, &token).await;
    assert_eq!(status, 200, "after Retry-After: {body}");
}

#[tokio::test]
async fn one_orgs_flood_does_not_touch_another_orgs_budget() {
    const BURST: u32 = 40;
    let app = app_with((1, BURST), (1, BURST)).await;
    let (flooder, _) = app.signup("Flood", "flood@example.com").await;
    let (steady, _) = app.signup("Steady", "steady@example.com").await;

    // A: 300 requests at once, far over its burst. B meanwhile: 30 requests one after the
    // other, paced, under its own burst — the flood must not take a single one of them.
    let flood = burst(&app, &flooder, 300);
    let paced = async {
        let mut statuses = Vec::new();
        for _ in 0..30 {
            let (status, _, body) = get_org(&app, &steady).await;
            statuses.push((status, body));
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        statuses
    };
    let ((flood_ok, flood_limited), steady) = tokio::join!(flood, paced);

    let refused: Vec<_> = steady.iter().filter(|(s, _)| *s != 200).collect();
    assert!(refused.is_empty(), "B was refused: {refused:?}");
    assert!(
        flood_ok >= BURST as usize,
        "A got at least its burst: {flood_ok}"
    );
    assert!(
        flood_limited >= 200,
        "A was limited: {flood_ok} ok, {flood_limited} limited"
    );
}

#[tokio::test]
async fn operator_tokens_are_not_limited() {
    let app = app_with((1, 2), (1, 2)).await;
    let operator = app.operator_token();
    let answers = join_all((0..50).map(|_| app.get("/v1/admin/actors", Some(&operator)))).await;
    for (status, body) in answers {
        assert_eq!(status, 200, "{body}");
    }
}

#[tokio::test]
async fn a_plan_with_a_higher_limit_allows_more() {
    let app = app_with((1, 5), (1, 30)).await;
    let (free, _) = app.signup("Free", "free@example.com").await;
    let (pro, body) = app.signup("Pro", "pro@example.com").await;
    let pro_org = body["org_id"].as_str().unwrap();
    let (status, body) = app
        .put(
            &format!("/v1/admin/orgs/{pro_org}/plan"),
            Some(&app.operator_token()),
            &json!({"plan": "pro"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let (pro_ok, pro_limited) = burst(&app, &pro, 30).await;
    assert_eq!((pro_ok, pro_limited), (30, 0), "pro's burst is 30");
    let (free_ok, free_limited) = burst(&app, &free, 30).await;
    assert!(
        free_ok >= 5 && free_limited >= 15,
        "free's burst is 5: {free_ok} ok, {free_limited} limited"
    );
}

#[tokio::test]
async fn a_plan_change_applies_to_the_next_request() {
    let app = app_with((1, 2), (1, 50)).await;
    let (token, body) = app.signup("Upgrader", "up@example.com").await;
    let org = body["org_id"].as_str().unwrap();
    let (_, limited) = burst(&app, &token, 10).await;
    assert!(limited > 0, "free's burst of 2 is spent");

    let (status, body) = app
        .put(
            &format!("/v1/admin/orgs/{org}/plan"),
            Some(&app.operator_token()),
            &json!({"plan": "pro"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (ok, limited) = burst(&app, &token, 40).await;
    assert_eq!((ok, limited), (40, 0), "the cached free plan was dropped");
}
