//! Hardening (docs/security.md): logout revokes a token on every node sharing the backend,
//! token keys rotate without logging anyone out, and CORS is off unless configured.

use std::time::Duration;

use reqwest::header;
use serde_json::json;

use crate::helpers::{TestApp, test_config};

async fn app_with(configure: impl FnOnce(&mut orchard::Config)) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), None);
    configure(&mut config);
    TestApp::spawn_in(data_dir, config).await
}

#[tokio::test]
async fn logout_revokes_the_token_on_this_node_and_on_one_sharing_the_backend() {
    let first = app_with(|_| {}).await;
    // A second node on the same embedded backend (database file and token keys).
    let mut config = test_config(first.data_dir.path(), None);
    config.auth.revocation_cache_secs = 1;
    let second = TestApp::spawn_in(tempfile::tempdir().unwrap(), config).await;

    let (token, _) = first.signup("Acme", "owner@acme.test").await;
    assert_eq!(first.get("/v1/org", Some(&token)).await.0, 200);
    // The second node has seen the token valid (and cached that).
    assert_eq!(second.get("/v1/org", Some(&token)).await.0, 200);

    let (status, body) = first
        .post("/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = first.get("/v1/org", Some(&token)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("invalid_token"))
    );
    let (status, _) = first
        .post("/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(status, 401, "a revoked token cannot log out again");

    // The other node refuses it once its cached answer is older than the window.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, body) = second.get("/v1/org", Some(&token)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("invalid_token"))
    );

    // Logging in again gives a new token that works.
    let (status, login) = second
        .post(
            "/v1/auth/login",
            None,
            &json!({"email": "owner@acme.test", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, 200, "{login}");
    let fresh = login["token"].as_str().unwrap();
    assert_eq!(first.get("/v1/org", Some(fresh)).await.0, 200);
    let (status, body) = first.post("/v1/auth/logout", None, &json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("invalid_token"))
    );

    second.stop().await;
    first.stop().await;
}

#[tokio::test]
async fn rotated_token_keys_keep_old_tokens_until_the_old_key_is_retired() {
    let app = app_with(|_| {}).await;
    let (old_token, _) = app.signup("Acme", "owner@acme.test").await;
    let data_dir = app.stop().await;
    let keys_dir = data_dir.path().join("keys");

    let rotation = orchard::auth::tokens::rotate(&keys_dir).unwrap();
    let config = test_config(data_dir.path(), None);
    let app = TestApp::spawn_in(data_dir, config.clone()).await;
    assert_eq!(
        app.get("/v1/org", Some(&old_token)).await.0,
        200,
        "old key still verifies"
    );
    let (status, login) = app
        .post(
            "/v1/auth/login",
            None,
            &json!({"email": "owner@acme.test", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, 200, "{login}");
    let new_token = login["token"].as_str().unwrap().to_owned();
    let keys = orchard::auth::TokenKeys::load_existing(&keys_dir, None).unwrap();
    assert_eq!(keys.kid(), rotation.active);
    let data_dir = app.stop().await;

    orchard::auth::tokens::retire(&keys_dir, &rotation.previous).unwrap();
    let app = TestApp::spawn_in(data_dir, config).await;
    let (status, body) = app.get("/v1/org", Some(&old_token)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("invalid_token"))
    );
    assert_eq!(app.get("/v1/org", Some(&new_token)).await.0, 200);
    app.stop().await;
}

async fn cors_headers(app: &TestApp, origin: &str) -> (reqwest::Response, reqwest::Response) {
    let simple = app
        .client
        .get(app.url("/healthz"))
        .header(header::ORIGIN, origin)
        .send()
        .await
        .unwrap();
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/v1/org"))
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
        .send()
        .await
        .unwrap();
    (simple, preflight)
}

fn has_cors(response: &reqwest::Response) -> bool {
    response
        .headers()
        .keys()
        .any(|name| name.as_str().starts_with("access-control-"))
}

#[tokio::test]
async fn cors_is_off_by_default_and_answers_only_the_configured_origins() {
    let off = app_with(|_| {}).await;
    let (simple, preflight) = cors_headers(&off, "https://app.example.com").await;
    assert_eq!(simple.status(), 200);
    assert!(!has_cors(&simple), "{:?}", simple.headers());
    assert!(!has_cors(&preflight), "{:?}", preflight.headers());
    assert_ne!(preflight.status(), 200);
    off.stop().await;

    let on = app_with(|config| {
        config.http.cors_origins = vec!["https://app.example.com".into()];
    })
    .await;
    let (simple, preflight) = cors_headers(&on, "https://app.example.com").await;
    assert_eq!(simple.status(), 200);
    assert_eq!(
        simple.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://app.example.com"
    );
    assert_eq!(preflight.status(), 200);
    assert_eq!(
        preflight.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://app.example.com"
    );
    let (simple, preflight) = cors_headers(&on, "https://evil.example").await;
    assert_eq!(simple.status(), 200);
    assert!(!has_cors(&simple) && !has_cors(&preflight));
    on.stop().await;
}
