//! Credentials over the real API and SQLite: stored sealed, never returned, scoped to the org,
//! managed by owners and admins only.

use std::time::Duration;

use orchard::auth::tokens::TokenKeys;
use orchard::crypto::{CredentialAad, Keyring, Sealed};
use orchard::store::sqlite::SqliteStore;
use orchard_actors::domain::{Credential, CredentialProvider, OrgId, OrgScope, Role, UserId};
use orchard_actors::ports::Store;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::helpers::{TestApp, test_config};

const SECRET: &str = "ghp_Secr3tT0kenThatMustNeverLeakAnywhere42";

/// The org's credential for `provider`, as the SQLite file holds it (sealed).
async fn stored_credential(
    data_dir: &std::path::Path,
    signup: &Value,
    provider: CredentialProvider,
) -> Credential {
    let store = SqliteStore::new(orchard::db::Db::open(&data_dir.join("orchard.db")).unwrap());
    let org: OrgId = signup["org_id"].as_str().unwrap().parse().unwrap();
    store
        .credential(&OrgScope::trusted(org), provider)
        .await
        .unwrap()
}

/// A token of `role` for the user of a signup answer (signed with the app's own key).
pub(crate) fn token_with_role(app: &TestApp, signup: &Value, role: Role) -> String {
    let keys = TokenKeys::load_or_create(&app.data_dir.path().join("keys")).unwrap();
    let user: UserId = signup["user_id"].as_str().unwrap().parse().unwrap();
    let org: OrgId = signup["org_id"].as_str().unwrap().parse().unwrap();
    keys.issue(user, org, role, Duration::from_secs(600))
        .unwrap()
        .0
}

async fn request(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, String) {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn credentials_are_sealed_scoped_and_never_returned() {
    let data_dir = tempfile::tempdir().unwrap();
    let config = test_config(data_dir.path(), None);
    let app = TestApp::spawn_in(data_dir, config).await;
    let (owner, signup) = app.signup("Acme", "owner@acme.test").await;
    let (other, other_signup) = app.signup("Globex", "owner@globex.test").await;
    let mut bodies = Vec::new();
    let put = |token: String, provider: &'static str, body: Value| {
        let app = &app;
        async move {
            request(
                app,
                reqwest::Method::PUT,
                &format!("/v1/credentials/{provider}"),
                &token,
                Some(body),
            )
            .await
        }
    };

    let (status, body) = put(
        owner.clone(),
        "github",
        json!({"secret": SECRET, "username": "x-access-token", "scopes_note": "repo"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let view: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(view["provider"], "github");
    assert_eq!(view["username"], "x-access-token");
    assert_eq!(view["fingerprint"], "…re42");
    assert!(view["rotated_at"].is_null());
    bodies.push(body);

    // Replacing keeps the first creation time and records the rotation.
    let (status, body) = put(owner.clone(), "github", json!({"secret": SECRET})).await;
    assert_eq!(status, 200, "{body}");
    let replaced: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(replaced["created_at"], view["created_at"]);
    assert!(replaced["rotated_at"].is_string());
    bodies.push(body);

    let (status, body) = request(&app, reqwest::Method::GET, "/v1/credentials", &owner, None).await;
    assert_eq!(status, 200, "{body}");
    let list: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list["credentials"].as_array().unwrap().len(), 1);
    bodies.push(body);

    // Roles: members read metadata, only owners and admins write; viewers see nothing.
    let member = token_with_role(&app, &signup, Role::Member);
    let viewer = token_with_role(&app, &signup, Role::Viewer);
    let admin = token_with_role(&app, &signup, Role::Admin);
    let (status, body) = request(
        &app,
        reqwest::Method::GET,
        "/v1/credentials/github",
        &member,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    bodies.push(body);
    let (status, body) = put(member.clone(), "jira", json!({"secret": SECRET})).await;
    assert_eq!((status, body.contains("forbidden")), (403, true), "{body}");
    let (status, _) = request(&app, reqwest::Method::GET, "/v1/credentials", &viewer, None).await;
    assert_eq!(status, 403);
    let (status, body) = put(admin.clone(), "jira", json!({"secret": "short-one"})).await;
    assert_eq!(status, 200, "{body}");
    let jira: Value = serde_json::from_str(&body).unwrap();
    assert!(
        jira["fingerprint"].is_null(),
        "short secrets get no fingerprint"
    );

    // Another org sees none of it, and cannot touch it.
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let (status, body) = request(&app, method, "/v1/credentials/github", &other, None).await;
        assert_eq!(status, 404, "{body}");
        assert!(body.contains("not_found"), "{body}");
    }
    let (status, body) = request(&app, reqwest::Method::GET, "/v1/credentials", &other, None).await;
    assert_eq!((status, body.as_str()), (200, r#"{"credentials":[]}"#));
    let (status, _) = put(
        other.clone(),
        "github",
        json!({"secret": "globex-own-secret-value-1"}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, body) = request(
        &app,
        reqwest::Method::GET,
        "/v1/credentials/github",
        &owner,
        None,
    )
    .await;
    assert!(
        body.contains("…re42"),
        "Acme's credential is untouched: {body}"
    );

    // Bad input: 4xx with a code, never an echo of the secret.
    let (status, body) = put(owner.clone(), "gitlab", json!({"secret": SECRET})).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("invalid_input")
            && body.contains("github, azure_devops, jira, generic or github_webhook"),
        "{body}"
    );
    bodies.push(body);
    let (status, body) = put(owner.clone(), "github", json!({"secret": ""})).await;
    assert_eq!(
        (status, body.contains("invalid_input")),
        (400, true),
        "{body}"
    );
    let spaced = format!("{SECRET} tail");
    let (status, body) = put(owner.clone(), "github", json!({"secret": spaced})).await;
    assert_eq!(status, 400, "{body}");
    bodies.push(body);
    let (status, body) = put(owner.clone(), "github", json!({"username": "no secret"})).await;
    assert_eq!(status, 400, "{body}");

    for body in &bodies {
        assert!(!body.contains(SECRET) && !body.contains("Secr3t"), "{body}");
    }

    // At rest: sealed, bound to the org. The keyring opens Acme's row for Acme only.
    let data_dir = app.data_dir.path().to_path_buf();
    let stored = stored_credential(&data_dir, &signup, CredentialProvider::Github).await;
    let keyring = Keyring::load(&data_dir.join("keys/master.keyring")).unwrap();
    let sealed = Sealed::try_from(&stored.sealed).unwrap();
    assert_eq!(
        keyring
            .open(&CredentialAad::of(&stored), &sealed)
            .unwrap()
            .expose_secret(),
        SECRET
    );
    let copied = Credential {
        org_id: other_signup["org_id"].as_str().unwrap().parse().unwrap(),
        ..stored.clone()
    };
    assert!(
        keyring.open(&CredentialAad::of(&copied), &sealed).is_err(),
        "copied into Globex's row, it does not decrypt"
    );

    // Deleting: owners and admins; then it is gone.
    let (status, _) = request(
        &app,
        reqwest::Method::DELETE,
        "/v1/credentials/github",
        &member,
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = request(
        &app,
        reqwest::Method::DELETE,
        "/v1/credentials/github",
        &owner,
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = request(
        &app,
        reqwest::Method::GET,
        "/v1/credentials/github",
        &owner,
        None,
    )
    .await;
    assert_eq!(status, 404);

    // No byte of the database or its WAL holds the secret.
    let data_dir = app.stop().await;
    for name in ["orchard.db", "orchard.db-wal"] {
        let path = data_dir.path().join(name);
        if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
                "{name} holds the secret"
            );
        }
    }
}

/// `orchard keys rotate` and `keys retire`, the real binary on a stopped server's data dir.
#[tokio::test]
async fn the_keys_command_rotates_and_retires() {
    let data_dir = tempfile::tempdir().unwrap();
    let config = test_config(data_dir.path(), None);
    let app = TestApp::spawn_in(data_dir, config).await;
    let (owner, signup) = app.signup("Acme", "owner@acme.test").await;
    let (status, body) = request(
        &app,
        reqwest::Method::PUT,
        "/v1/credentials/azure_devops",
        &owner,
        Some(json!({"secret": SECRET})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let data_dir = app.stop().await;

    let keys = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_orchard"))
            .arg("keys")
            .args(args)
            .env("ORCHARD_DATA_DIR", data_dir.path())
            .env_remove("ORCHARD_MASTER_KEY")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    };
    let (ok, text) = keys(&["retire", "1"]);
    assert!(!ok, "the only key, in use, stays: {text}");
    let (ok, text) = keys(&["rotate"]);
    assert!(ok, "{text}");
    assert!(
        text.contains("key version 2 is active: 1 credential(s) re-sealed"),
        "{text}"
    );
    let (ok, text) = keys(&["retire", "1"]);
    assert!(ok, "{text}");
    assert!(!text.contains(SECRET));

    // The re-sealed credential opens with the keyring that is left.
    let keyring = Keyring::load(&data_dir.path().join("keys/master.keyring")).unwrap();
    assert_eq!(keyring.versions(), vec![2]);
    let stored = stored_credential(data_dir.path(), &signup, CredentialProvider::AzureDevops).await;
    assert_eq!(stored.sealed.key_version, 2);
    let aad = CredentialAad::of(&stored);
    let sealed = Sealed::try_from(&stored.sealed).unwrap();
    assert_eq!(keyring.open(&aad, &sealed).unwrap().expose_secret(), SECRET);
}

/// A repository behind HTTP basic auth: without a stored credential the task fails with
/// `credential_missing`, with a wrong one `auth_failed`, with the right one the clone and the
/// push go through and the branch arrives. The secret shows up in no response or event.
#[tokio::test]
async fn runs_clone_and_push_with_the_orgs_credential() {
    use crate::helpers::{ScriptedLlm, bare_repo, tool_step};
    // Every log line of this test (it runs on one thread, the server and the actors with it),
    // at every level, to check that the secret is in none.
    let logs = LogCapture::default();
    let _guard = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(logs.clone())
            .with_ansi(false)
            .finish(),
    );
    let llm = ScriptedLlm::start(vec![
        tool_step(
            &[(
                "write_file",
                json!({"path": "auth.txt", "content": "authenticated\n"}),
            )],
            1,
            1,
        ),
        tool_step(&[("finish", json!({"summary": "Write auth.txt"}))], 1, 1),
    ])
    .await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), Some(&llm));
    // Kept, so the test can look into them for the secret.
    config.workers.keep_work_dirs = true;
    let app = TestApp::spawn_in(data_dir, config).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());
    let server = crate::git_http::GitHttpServer::start_with_basic_auth(
        fixtures.path().to_path_buf(),
        "x-access-token",
        SECRET,
    )
    .await;
    let (token, _) = app.signup("Acme", "owner@acme.test").await;
    let (status, repo) = app
        .post(
            "/v1/repos",
            Some(&token),
            &json!({"url": format!("{}/origin.git", server.base_url), "provider": "github"}),
        )
        .await;
    assert_eq!(status, 201, "{repo}");
    let repo_id = repo["id"].as_str().unwrap().to_owned();
    let mut seen = Vec::new();
    let mut run = async |instruction: &str| {
        let task_id = app.submit_task(&token, &repo_id, instruction).await;
        let task = app.wait_for_task(&token, &task_id).await;
        let (_, events) = request(
            &app,
            reqwest::Method::GET,
            &format!("/v1/tasks/{task_id}/events"),
            &token,
            None,
        )
        .await;
        seen.push(task.to_string());
        seen.push(events);
        (task_id, task)
    };

    let (_, task) = run("no credential yet").await;
    assert_eq!(task["status"], "failed", "{task}");
    assert_eq!(task["error"]["code"], "credential_missing", "{task}");
    assert!(
        task["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/v1/credentials/github")
    );

    // Stored without a base_url, the github credential goes only to github.com: this
    // server (a GitHub Enterprise, as far as the test is concerned) does not get it.
    let (status, _) = request(
        &app,
        reqwest::Method::PUT,
        "/v1/credentials/github",
        &token,
        Some(json!({"secret": SECRET})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, task) = run("a credential for another host").await;
    assert_eq!(task["error"]["code"], "credential_missing", "{task}");
    assert!(
        task["error"]["message"]
            .as_str()
            .unwrap()
            .contains("base_url")
    );

    let base_url = server.base_url.clone();
    let put = |secret: &'static str| {
        let app = &app;
        let token = token.clone();
        let base_url = base_url.clone();
        async move {
            request(
                app,
                reqwest::Method::PUT,
                "/v1/credentials/github",
                &token,
                Some(json!({"secret": secret, "base_url": base_url})),
            )
            .await
        }
    };
    let (status, _) = put("ghp_WrongTokenWrongTokenWrongToken000").await;
    assert_eq!(status, 200);
    let (_, task) = run("a wrong credential").await;
    assert_eq!(task["status"], "failed", "{task}");
    assert_eq!(task["error"]["code"], "auth_failed", "{task}");

    let (status, _) = put(SECRET).await;
    assert_eq!(status, 200);
    let (task_id, task) = run("the right credential").await;
    assert_eq!(task["status"], "succeeded", "{task}");
    let branch = format!("orchard/{task_id}");
    assert_eq!(
        crate::helpers::git(&bare, &["show", &format!("{branch}:auth.txt")]),
        "authenticated"
    );
    for text in &seen {
        assert!(!text.contains(SECRET), "{text}");
    }
    let logged = logs.text();
    assert!(
        logged.contains("credential handed to run"),
        "the capture saw the run's log lines"
    );
    assert!(!logged.contains(SECRET), "a log line holds the secret");
    // The askpass program holds no secret: it reads it from the push's environment.
    let files = walk(&app.data_dir.path().join("work"));
    assert!(
        files.iter().any(|f| f.ends_with(".git/orchard-askpass")),
        "the push used the askpass program"
    );
    for entry in files {
        if let Ok(bytes) = std::fs::read(&entry) {
            assert!(
                !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
                "{} holds the secret",
                entry.display()
            );
        }
    }
}

/// A log writer into memory.
#[derive(Clone, Default)]
struct LogCapture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl LogCapture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}
