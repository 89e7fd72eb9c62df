//! Credentials over the real API and SQLite: stored sealed, never returned, scoped to the org,
//! managed by owners and admins only.

use std::time::Duration;

use orchard::auth::tokens::TokenKeys;
use orchard::crypto::{CredentialAad, Keyring, Sealed};
use orchard_actors::domain::{OrgId, Role, UserId};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::helpers::{TestApp, test_config};

const SECRET: &str = "ghp_Secr3tT0kenThatMustNeverLeakAnywhere42";

/// A token of `role` for the user of a signup answer (signed with the app's own key).
fn token_with_role(app: &TestApp, signup: &Value, role: Role) -> String {
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
        body.contains("invalid_input") && body.contains("github, azure_devops, jira or generic"),
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
    let db = orchard::db::Db::open(&data_dir.join("orchard.db")).unwrap();
    let acme: String = signup["org_id"].as_str().unwrap().to_owned();
    let (id, version, nonce, ciphertext): (String, u32, Vec<u8>, Vec<u8>) = db
        .run(move |c| {
            c.query_row(
                "SELECT id, key_version, nonce, ciphertext FROM credentials
                 WHERE org_id = ?1 AND provider = 'github'",
                [acme],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
        })
        .await
        .unwrap()
        .unwrap();
    let keyring = Keyring::load(&data_dir.join("keys/master.keyring")).unwrap();
    let sealed = Sealed {
        key_version: version,
        nonce: nonce.try_into().unwrap(),
        ciphertext,
    };
    let aad = |org: &Value| CredentialAad {
        org_id: org["org_id"].as_str().unwrap().parse().unwrap(),
        provider: "github",
        credential_id: id.parse().unwrap(),
    };
    assert_eq!(
        keyring
            .open(&aad(&signup), &sealed)
            .unwrap()
            .expose_secret(),
        SECRET
    );
    assert!(
        keyring.open(&aad(&other_signup), &sealed).is_err(),
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
    drop(db);
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
    let db = orchard::db::Db::open(&data_dir.path().join("orchard.db")).unwrap();
    let (id, version, nonce, ciphertext): (String, u32, Vec<u8>, Vec<u8>) = db
        .run(|c| {
            c.query_row(
                "SELECT id, key_version, nonce, ciphertext FROM credentials",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(version, 2);
    let aad = CredentialAad {
        org_id: signup["org_id"].as_str().unwrap().parse().unwrap(),
        provider: "azure_devops",
        credential_id: id.parse().unwrap(),
    };
    let sealed = Sealed {
        key_version: version,
        nonce: nonce.try_into().unwrap(),
        ciphertext,
    };
    assert_eq!(keyring.open(&aad, &sealed).unwrap().expose_secret(), SECRET);
}
