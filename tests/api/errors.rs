//! Bad input gets a 4xx with a JSON `{code, message}` — never a 500, never a panic.

use serde_json::{Value, json};

use crate::helpers::{ScriptedLlm, TestApp};

fn assert_error(status: u16, body: &Value, expected_status: u16, code: &str) {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn bad_input_gets_json_4xx() {
    let llm = ScriptedLlm::start(vec![]).await;
    let app = TestApp::spawn(&llm).await;
    let (token, _) = app.signup("Acme", "owner@acme.test").await;

    // Signup and login.
    let (s, b) = app.post_raw("/v1/auth/signup", None, "{not json").await;
    assert_error(s, &b, 400, "bad_request");
    let (s, b) = app
        .post("/v1/auth/signup", None, &json!({"org_name": "x"}))
        .await;
    assert_error(s, &b, 400, "bad_request");
    let (s, b) = app
        .post("/v1/auth/signup", None, &json!({"org_name": "Acme 2", "email": "OWNER@acme.test", "password": "another password"}))
        .await;
    assert_error(s, &b, 409, "email_taken");
    let (s, b) = app
        .post(
            "/v1/auth/signup",
            None,
            &json!({"org_name": "A", "email": "not-an-email", "password": "long enough"}),
        )
        .await;
    assert_error(s, &b, 400, "invalid_input");
    let (s, b) = app
        .post(
            "/v1/auth/signup",
            None,
            &json!({"org_name": "A", "email": "a@b.test", "password": "short"}),
        )
        .await;
    assert_error(s, &b, 400, "invalid_input");
    let (s, b) = app
        .post(
            "/v1/auth/login",
            None,
            &json!({"email": "owner@acme.test", "password": "wrong password"}),
        )
        .await;
    assert_error(s, &b, 401, "invalid_credentials");
    let (s, b) = app
        .post(
            "/v1/auth/login",
            None,
            &json!({"email": "nobody@acme.test", "password": "wrong password"}),
        )
        .await;
    assert_error(s, &b, 401, "invalid_credentials");
    let (s, b) = app
        .post(
            "/v1/auth/login",
            None,
            &json!({"email": "Owner@Acme.test", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert!(b["token"].as_str().unwrap().starts_with("v4.public."));

    // Tokens: missing, garbage, tampered.
    let (s, b) = app.get("/v1/repos", None).await;
    assert_error(s, &b, 401, "invalid_token");
    let (s, b) = app.get("/v1/repos", Some("v4.public.garbage")).await;
    assert_error(s, &b, 401, "invalid_token");
    let mut tampered = token.clone().into_bytes();
    let i = "v4.public.".len() + 3;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let (s, b) = app
        .get("/v1/org", Some(&String::from_utf8(tampered).unwrap()))
        .await;
    assert_error(s, &b, 401, "invalid_token");
    let (s, b) = app.get("/v1/org", Some(&token)).await;
    assert_eq!((s, b["name"].as_str()), (200, Some("Acme")));

    // Repos.
    let (s, b) = app
        .post(
            "/v1/repos",
            Some(&token),
            &json!({"url": "https://x.test/a.git", "provider": "gitlab"}),
        )
        .await;
    assert_error(s, &b, 400, "bad_request");
    let (s, b) = app
        .post(
            "/v1/repos",
            Some(&token),
            &json!({"url": "https://u:p@x.test/a.git", "provider": "github"}),
        )
        .await;
    assert_error(s, &b, 400, "invalid_input");
    let (s, b) = app
        .post(
            "/v1/repos",
            Some(&token),
            &json!({"url": "ssh://git@x.test/a.git", "provider": "github"}),
        )
        .await;
    assert_error(s, &b, 400, "invalid_input");
    let (s, b) = app
        .post(
            "/v1/repos",
            Some(&token),
            &json!({"url": "https://x.test/a.git", "provider": "github", "default_branch": "../x"}),
        )
        .await;
    assert_error(s, &b, 400, "invalid_input");
    let repo_id = app.create_repo(&token, "https://x.test/a.git").await;

    // Tasks.
    let (s, b) = app
        .post_raw("/v1/tasks", Some(&token), r#"{"repo_id": "#)
        .await;
    assert_error(s, &b, 400, "bad_request");
    let (s, b) = app
        .post(
            "/v1/tasks",
            Some(&token),
            &json!({"repo_id": uuid::Uuid::now_v7(), "instruction": "x"}),
        )
        .await;
    assert_error(s, &b, 404, "not_found");
    let (s, b) = app
        .post(
            "/v1/tasks",
            Some(&token),
            &json!({"repo_id": "nope", "instruction": "x"}),
        )
        .await;
    assert_error(s, &b, 400, "invalid_input");
    let (s, b) = app
        .post(
            "/v1/tasks",
            Some(&token),
            &json!({"repo_id": repo_id, "instruction": "   "}),
        )
        .await;
    assert_error(s, &b, 400, "invalid_input");
    let (s, b) = app
        .post(
            "/v1/tasks",
            Some(&token),
            &json!({"repo_id": repo_id, "instruction": "x", "max_tokens": 0}),
        )
        .await;
    assert_error(s, &b, 400, "invalid_input");
    let (s, b) = app
        .post(
            "/v1/tasks",
            Some(&token),
            &json!({"repo_id": repo_id, "instruction": "x", "max_tokens": -5}),
        )
        .await;
    assert_error(s, &b, 400, "bad_request");
    let (s, b) = app.get("/v1/tasks/not-a-uuid", Some(&token)).await;
    assert_error(s, &b, 400, "invalid_input");
    let (s, b) = app
        .get(&format!("/v1/tasks/{}", uuid::Uuid::now_v7()), Some(&token))
        .await;
    assert_error(s, &b, 404, "not_found");
    let (s, b) = app.get("/v1/tasks?status=done", Some(&token)).await;
    assert_error(s, &b, 400, "invalid_input");
    let (s, b) = app.get("/v1/tasks?cursor=zzz", Some(&token)).await;
    assert_error(s, &b, 400, "invalid_input");
    let (s, b) = app.get("/v1/tasks?limit=100000", Some(&token)).await;
    assert_error(s, &b, 400, "invalid_input");

    // Routing.
    let (s, b) = app.get("/v1/nothing-here", Some(&token)).await;
    assert_error(s, &b, 404, "not_found");
    let response = app
        .client
        .delete(app.url("/v1/repos"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let b: Value = response.json().await.unwrap();
    assert_eq!(b["code"], "method_not_allowed");
    let (s, b) = app
        .post_raw("/v1/auth/login", None, &"x".repeat(2 * 1024 * 1024))
        .await;
    assert!(s == 413 || s == 400, "{s}: {b}");
    assert!(b["code"].is_string(), "{b}");
}

#[tokio::test]
async fn local_repositories_are_refused_unless_the_operator_allows_them() {
    let llm = ScriptedLlm::start(vec![]).await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = crate::helpers::test_config(data_dir.path(), Some(&llm));
    config.repos.allow_local = false;
    let app = TestApp::spawn_in(data_dir, config).await;
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    for url in ["/etc", "file:///etc"] {
        let (s, b) = app
            .post(
                "/v1/repos",
                Some(&token),
                &json!({"url": url, "provider": "generic"}),
            )
            .await;
        assert_error(s, &b, 400, "invalid_input");
    }
}
