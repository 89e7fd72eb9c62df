//! Pull requests through the real server: a task succeeds, its branch is pushed to a real git
//! repository, and a pull request is opened on a local server that speaks GitHub's REST API.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::forge::{FakeService, Reply, github};
use crate::helpers::{ScriptedLlm, TestApp, bare_repo, test_config, tool_step};

const TOKEN: &str = "ghp_e2e0123456789abcdefghijklmnop";

struct Setup {
    app: TestApp,
    fake: FakeService,
    token: String,
    _llm: ScriptedLlm,
    root: tempfile::TempDir,
}

async fn setup() -> Setup {
    let fake = FakeService::start(github).await;
    let llm = ScriptedLlm::start(vec![
        tool_step(
            &[(
                "write_file",
                json!({"path": "src/validate.rs", "content": "pub fn ok() -> bool { true }\n"}),
            )],
            120,
            30,
        ),
        tool_step(
            &[("finish", json!({"summary": "Validate signup input"}))],
            200,
            10,
        ),
    ])
    .await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(&llm));
    config.integrations.github_api_url = Some(fake.base_url.clone());
    config.integrations.public_url = Some("https://orchard.test".into());
    config.integrations.max_wait_secs = 2;
    let app = TestApp::spawn_in(data_dir, config).await;
    let (token, _) = app.signup("acme", "dev@acme.test").await;
    let (status, body) = app
        .put(
            "/v1/credentials/github",
            Some(&token),
            &json!({"secret": TOKEN}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    Setup {
        app,
        fake,
        token,
        _llm: llm,
        root: tempfile::tempdir().unwrap(),
    }
}

/// A bare repository at `<root>/<owner>/origin.git`: on "GitHub" it is `<owner>/origin`.
fn repo_of(root: &Path, owner: &str) -> PathBuf {
    let dir = root.join(owner);
    std::fs::create_dir_all(&dir).unwrap();
    bare_repo(&dir)
}

impl Setup {
    async fn github_repo(&self, owner: &str, pull_requests: Option<&str>) -> String {
        let url = repo_of(self.root.path(), owner);
        let mut body = json!({"url": url.to_str().unwrap(), "provider": "github"});
        if let Some(mode) = pull_requests {
            body["pull_requests"] = json!(mode);
        }
        let (status, repo) = self.app.post("/v1/repos", Some(&self.token), &body).await;
        assert_eq!(status, 201, "{repo}");
        assert_eq!(repo["pull_requests"], pull_requests.unwrap_or("open"));
        repo["id"].as_str().unwrap().to_owned()
    }

    async fn run(&self, repo_id: &str, instruction: &str) -> Value {
        let (status, body) = self
            .app
            .post(
                "/v1/tasks",
                Some(&self.token),
                &json!({"repo_id": repo_id, "instruction": instruction, "sprint": "2026-S49"}),
            )
            .await;
        assert_eq!(status, 202, "{body}");
        let task = self
            .app
            .wait_for_task(&self.token, body["task_id"].as_str().unwrap())
            .await;
        assert_eq!(task["status"], "succeeded", "{task}");
        task
    }

    async fn pull_request_events(&self, task_id: &str) -> Vec<Value> {
        let response = self
            .app
            .client
            .get(self.app.url(&format!("/v1/tasks/{task_id}/events")))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let text = response.text().await.unwrap();
        assert!(!text.contains(TOKEN), "the token reached the events");
        text.lines()
            .filter_map(|line| line.strip_prefix("data: "))
            .filter_map(|data| serde_json::from_str::<Value>(data).ok())
            .filter(|event| event["kind"] == "pull_request")
            .collect()
    }
}

#[tokio::test]
async fn a_successful_task_opens_a_pull_request_on_github() {
    let s = setup().await;
    let repo_id = s.github_repo("acme", None).await;
    let task = s
        .run(&repo_id, "Add input validation to the signup handler")
        .await;
    let id = task["id"].as_str().unwrap();
    let branch = format!("orchard/{id}");
    assert_eq!(task["branch"], branch);
    assert_eq!(task["pull_request_url"], "https://github.test/acme/pull/1");

    let requests = s.fake.requests();
    let shape: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        shape,
        [
            ("GET", "/repos/acme/origin/pulls"),
            ("GET", "/repos/acme/origin"),
            ("POST", "/repos/acme/origin/pulls"),
        ]
    );
    for r in &requests {
        assert_eq!(r.header("authorization"), format!("Bearer {TOKEN}"));
        assert_eq!(r.header("x-github-api-version"), "2022-11-28");
    }
    assert_eq!(requests[0].query["head"], format!("acme:{branch}"));
    let post = &requests[2].body;
    assert_eq!(post["title"], "Validate signup input");
    assert_eq!(post["head"], branch.as_str());
    assert_eq!(post["base"], "main");
    assert_eq!(post["draft"], false);
    let body = post["body"].as_str().unwrap();
    for expected in [
        "> Add input validation to the signup handler",
        &format!("https://orchard.test/v1/tasks/{id}"),
        "360 tokens (320 prompt, 40 completion) in 2 LLM calls",
        "sprint 2026-S49",
        "**Summary**: Validate signup input",
    ] {
        assert!(body.contains(expected), "{expected:?} not in {body}");
    }

    let events = s.pull_request_events(id).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["data"]["url"], "https://github.test/acme/pull/1");
    assert_eq!(events[0]["data"]["created"], true);

    // The listing carries it too.
    let (_, list) = s.app.get("/v1/tasks", Some(&s.token)).await;
    assert_eq!(
        list["tasks"][0]["pull_request_url"],
        "https://github.test/acme/pull/1"
    );
}

#[tokio::test]
async fn draft_repositories_open_drafts_and_off_repositories_open_none() {
    let s = setup().await;
    let draft = s.github_repo("drafty", Some("draft")).await;
    let task = s.run(&draft, "Draft it").await;
    assert_eq!(
        task["pull_request_url"],
        "https://github.test/drafty/pull/1"
    );
    assert_eq!(s.fake.posts()[0].body["draft"], true);

    let off = s.github_repo("quiet", Some("off")).await;
    let before = s.fake.requests().len();
    let task = s.run(&off, "No pull request").await;
    assert!(task["branch"].is_string(), "the branch is still pushed");
    assert!(task.get("pull_request_url").is_none(), "{task}");
    assert_eq!(s.fake.requests().len(), before, "GitHub was not called");
    assert!(
        s.pull_request_events(task["id"].as_str().unwrap())
            .await
            .is_empty()
    );

    let (status, body) = s
        .app
        .post(
            "/v1/repos",
            Some(&s.token),
            &json!({"url": "https://github.com/acme/x.git", "provider": "github", "pull_requests": "sometimes"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn a_refused_pull_request_leaves_the_task_succeeded_with_the_reason() {
    let s = setup().await;
    let repo_id = s.github_repo("acme", None).await;
    s.fake.force(
        "POST",
        Reply::json(
            403,
            json!({"message": "Resource not accessible by personal access token"}),
        ),
    );
    let task = s.run(&repo_id, "Try anyway").await;
    assert!(task["branch"].is_string() && task["commit"].is_string());
    assert!(task.get("pull_request_url").is_none(), "{task}");
    let events = s.pull_request_events(task["id"].as_str().unwrap()).await;
    assert_eq!(events.len(), 1);
    let error = &events[0]["data"]["error"];
    assert_eq!(error["code"], "auth_failed");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("Resource not accessible"),
        "{error}"
    );
    assert_eq!(s.fake.posts().len(), 1, "a 403 is not retried");
}

#[tokio::test]
async fn without_a_credential_the_reason_is_recorded() {
    let s = setup().await;
    let (status, _) = s
        .app
        .client
        .delete(s.app.url("/v1/credentials/github"))
        .bearer_auth(&s.token)
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 204);
    let repo_id = s.github_repo("acme", None).await;
    let task = s.run(&repo_id, "No token").await;
    assert!(task.get("pull_request_url").is_none());
    let events = s.pull_request_events(task["id"].as_str().unwrap()).await;
    assert_eq!(events[0]["data"]["error"]["code"], "credential_missing");
    assert!(s.fake.requests().is_empty());
}

const JIRA_TOKEN: &str = "ATATT3xFfGF0e2e0123456789abcdef";

fn jira_issue() -> Value {
    json!({
        "id": "10042",
        "key": "ENG-42",
        "fields": {
            "summary": "Validate signup input",
            "description": {"type": "doc", "version": 1, "content": [
                {"type": "paragraph", "content": [{"type": "text", "text": "Reject empty emails."}]},
                {"type": "bulletList", "content": [
                    {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "return 400"}]}]}
                ]}
            ]},
            "customfield_10020": [
                {"id": 6, "name": "Sprint 6", "state": "closed"},
                {"id": 7, "name": "Sprint 7", "state": "active"}
            ]
        }
    })
}

/// The GitHub setup, plus a Jira site with issue ENG-42 and the org's Jira credential.
async fn jira_setup() -> (Setup, FakeService) {
    let s = setup().await;
    let jira = FakeService::start(crate::forge::jira).await;
    jira.world(|w| w.issues.insert("ENG-42".into(), jira_issue()));
    let (status, body) = s
        .app
        .put(
            "/v1/credentials/jira",
            Some(&s.token),
            &json!({"secret": JIRA_TOKEN, "username": "dev@acme.test", "base_url": format!("{}/", jira.base_url)}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["base_url"], jira.base_url.as_str());
    assert!(!body.to_string().contains(JIRA_TOKEN));
    (s, jira)
}

#[tokio::test]
async fn a_task_from_a_jira_issue_takes_its_text_and_sprint_and_links_its_pull_request() {
    let (s, jira) = jira_setup().await;
    let repo_id = s.github_repo("acme", None).await;
    let (status, accepted) = s
        .app
        .post(
            "/v1/tasks",
            Some(&s.token),
            &json!({"repo_id": repo_id, "jira_issue": "eng-42"}),
        )
        .await;
    assert_eq!(status, 202, "{accepted}");
    let id = accepted["task_id"].as_str().unwrap();
    let task = s.app.wait_for_task(&s.token, id).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    assert_eq!(task["jira_issue"], "ENG-42");
    assert_eq!(
        task["instruction"],
        "ENG-42: Validate signup input\n\nReject empty emails.\n\n- return 400"
    );
    assert_eq!(task["sprint"], "Sprint 7");
    let pr = task["pull_request_url"].as_str().unwrap();

    // Jira was read once, then commented on once, as its API documents, with the PR's link.
    let requests = jira.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", "/rest/api/3/issue/ENG-42")
    );
    assert_eq!(
        (requests[1].method.as_str(), requests[1].path.as_str()),
        ("POST", "/rest/api/3/issue/ENG-42/comment")
    );
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("dev@acme.test:{JIRA_TOKEN}")
        )
    );
    for r in &requests {
        assert_eq!(r.header("authorization"), basic);
    }
    let comment = &requests[1].body["body"];
    assert_eq!(comment["type"], "doc");
    assert!(
        comment.to_string().contains(&format!("\"href\":\"{pr}\"")),
        "{comment}"
    );
    assert!(comment.to_string().contains("Validate signup input"));
    let events = s.pull_request_events(id).await;
    assert!(
        events
            .iter()
            .any(|e| e["data"]["jira_issue"] == "ENG-42" && e["data"]["linked"] == true),
        "{events:?}"
    );
}

#[tokio::test]
async fn a_missing_jira_issue_is_refused_before_anything_is_queued() {
    let (s, jira) = jira_setup().await;
    let repo_id = s.github_repo("acme", None).await;
    let (status, body) = s
        .app
        .post(
            "/v1/tasks",
            Some(&s.token),
            &json!({"repo_id": repo_id, "jira_issue": "ENG-404"}),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["code"], "jira_issue_not_found");
    assert!(body["message"].as_str().unwrap().contains("ENG-404"));
    let (_, list) = s.app.get("/v1/tasks", Some(&s.token)).await;
    assert_eq!(list["tasks"], json!([]), "no task was recorded");
    let (_, usage) = s.app.get("/v1/usage", Some(&s.token)).await;
    assert_eq!(
        usage["tasks"]["used"], 0,
        "no quota slot was taken: {usage}"
    );

    // Jira refusing the credential is Jira's answer, not ours: 502 with its words.
    jira.force(
        "GET",
        Reply::json(
            401,
            json!({"errorMessages": ["Client must be authenticated"]}),
        ),
    );
    let (status, body) = s
        .app
        .post(
            "/v1/tasks",
            Some(&s.token),
            &json!({"repo_id": repo_id, "jira_issue": "ENG-42"}),
        )
        .await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["code"], "integration_failed");
    assert!(!body.to_string().contains(JIRA_TOKEN));

    for bad in [
        json!({"repo_id": repo_id, "jira_issue": "ENG-42", "instruction": "both"}),
        json!({"repo_id": repo_id}),
        json!({"repo_id": repo_id, "jira_issue": "not a key"}),
    ] {
        let (status, body) = s.app.post("/v1/tasks", Some(&s.token), &bad).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("invalid_input")),
            "{bad}: {body}"
        );
    }

    // An org without a Jira credential is told what to store.
    let (other, _) = s.app.signup("other", "dev@other.test").await;
    let url = repo_of(s.root.path(), "other");
    let (_, repo) = s
        .app
        .post(
            "/v1/repos",
            Some(&other),
            &json!({"url": url.to_str().unwrap(), "provider": "github"}),
        )
        .await;
    let (status, body) = s
        .app
        .post(
            "/v1/tasks",
            Some(&other),
            &json!({"repo_id": repo["id"], "jira_issue": "ENG-42"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("/v1/credentials/jira")
    );
    assert_eq!(
        jira.requests().len(),
        2,
        "the other org never reached this Jira"
    );
}

const WEBHOOK_SECRET: &str = "Its-a-Secret-to-Everybody-2026";

fn hub_signature(secret: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn issue_event(action: &str, label: Option<&str>, labels: &[&str], repo: &str) -> Value {
    let mut event = json!({
        "action": action,
        "issue": {
            "number": 7,
            "title": "Reject empty emails at signup",
            "body": "Signup accepts `\"\"` as an email. It should answer 400.",
            "labels": labels.iter().map(|l| json!({"name": l})).collect::<Vec<_>>(),
            "milestone": {"title": "Sprint 8"},
            "html_url": format!("https://github.com/{repo}/issues/7"),
            "user": {"login": "octocat"}
        },
        "repository": {"full_name": repo, "private": true},
        "sender": {"login": "octocat"}
    });
    if let Some(label) = label {
        event["label"] = json!({"name": label, "color": "0e8a16"});
    }
    event
}

impl Setup {
    /// Delivers `body` as GitHub would, signed with `secret`, to `org_id`'s webhook.
    async fn deliver(
        &self,
        org_id: &str,
        event: &str,
        body: &[u8],
        signature: &str,
    ) -> (u16, Value) {
        let response = self
            .app
            .client
            .post(self.app.url(&format!("/v1/webhooks/github/{org_id}")))
            .header("content-type", "application/json")
            .header("x-github-event", event)
            .header("x-github-delivery", uuid::Uuid::new_v4().to_string())
            .header("x-hub-signature-256", signature)
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn org_id(&self) -> String {
        let (_, org) = self.app.get("/v1/org", Some(&self.token)).await;
        org["id"].as_str().unwrap().to_owned()
    }
}

#[tokio::test]
async fn a_github_issue_labelled_orchard_becomes_a_task_through_a_signed_webhook() {
    let s = setup().await;
    let org_id = s.org_id().await;
    s.github_repo("acme", None).await;
    // Before the org stores a webhook secret, it has no webhook.
    let body = serde_json::to_vec(&issue_event(
        "labeled",
        Some("orchard"),
        &["orchard"],
        "acme/origin",
    ))
    .unwrap();
    let signature = hub_signature(WEBHOOK_SECRET, &body);
    let (status, answer) = s.deliver(&org_id, "issues", &body, &signature).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (404, Some("not_found")),
        "{answer}"
    );

    let (status, stored) = s
        .app
        .put(
            "/v1/credentials/github_webhook",
            Some(&s.token),
            &json!({"secret": WEBHOOK_SECRET}),
        )
        .await;
    assert_eq!(status, 200, "{stored}");

    // A valid signature: the issue is a task, and the task runs (and opens its PR).
    let (status, answer) = s.deliver(&org_id, "issues", &body, &signature).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["status"], "queued");
    let task_id = answer["task_id"].as_str().unwrap();
    let task = s.app.wait_for_task(&s.token, task_id).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    assert_eq!(
        task["instruction"],
        "Reject empty emails at signup (#7)\n\nSignup accepts `\"\"` as an email. It should answer 400.\n\nhttps://github.com/acme/origin/issues/7"
    );
    assert_eq!(task["sprint"], "Sprint 8");
    assert!(task["pull_request_url"].is_string());

    // A tampered body (same signature): refused, nothing queued.
    let mut tampered = body.clone();
    let at = tampered.iter().position(|b| *b == b'7').unwrap();
    tampered[at] = b'8';
    let (status, answer) = s.deliver(&org_id, "issues", &tampered, &signature).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_signature")),
        "{answer}"
    );
    // Signed with another secret, or not signed at all: the same.
    let forged = hub_signature("guess", &body);
    assert_eq!(s.deliver(&org_id, "issues", &body, &forged).await.0, 400);
    assert_eq!(s.deliver(&org_id, "issues", &body, "").await.0, 400);

    // An org that does not exist, or an id that is not one.
    let nobody = uuid::Uuid::now_v7().to_string();
    let (status, answer) = s.deliver(&nobody, "issues", &body, &signature).await;
    assert_eq!((status, answer["code"].as_str()), (404, Some("not_found")));
    assert_eq!(
        s.deliver("not-an-org", "issues", &body, &signature).await.0,
        404
    );

    // Unlabelled issues, other labels, other events, other repositories: read and ignored.
    for (event, payload) in [
        ("issues", issue_event("opened", None, &[], "acme/origin")),
        // Opened with the label by someone outside the repository (an issue template).
        (
            "issues",
            issue_event("opened", None, &["orchard"], "acme/origin"),
        ),
        (
            "issues",
            issue_event("labeled", Some("bug"), &["bug"], "acme/origin"),
        ),
        (
            "issues",
            issue_event("edited", None, &["orchard"], "acme/origin"),
        ),
        (
            "issues",
            issue_event("labeled", Some("orchard"), &["orchard"], "acme/unknown"),
        ),
        ("push", json!({"ref": "refs/heads/main"})),
    ] {
        let body = serde_json::to_vec(&payload).unwrap();
        let (status, answer) = s
            .deliver(&org_id, event, &body, &hub_signature(WEBHOOK_SECRET, &body))
            .await;
        assert_eq!(status, 200, "{payload}: {answer}");
        assert_eq!(answer["status"], "ignored", "{answer}");
        assert!(answer["reason"].is_string());
    }
    let ping = br#"{"zen":"Keep it logically awesome.","hook_id":1}"#;
    let (status, answer) = s
        .deliver(&org_id, "ping", ping, &hub_signature(WEBHOOK_SECRET, ping))
        .await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("pong")));

    let (_, list) = s.app.get("/v1/tasks", Some(&s.token)).await;
    assert_eq!(
        list["tasks"].as_array().unwrap().len(),
        1,
        "one task in all"
    );
}
