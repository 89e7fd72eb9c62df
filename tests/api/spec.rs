//! The served OpenAPI document is the committed one: SDKs are generated from the file.

use crate::helpers::{ScriptedLlm, TestApp};

#[tokio::test]
async fn served_spec_matches_the_committed_file() {
    let llm = ScriptedLlm::start(vec![]).await;
    let app = TestApp::spawn(&llm).await;
    let (status, served) = app.get("/openapi.json", None).await;
    assert_eq!(status, 200);
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json"))
            .expect("openapi/openapi.json is JSON");
    assert!(
        served == committed,
        "openapi/openapi.json is stale: regenerate it with `cargo run -- openapi > openapi/openapi.json`"
    );
    let (status, _) = app.get("/docs", None).await;
    assert_eq!(status, 200);
    let (status, body) = app.get("/healthz", None).await;
    assert_eq!((status, body.as_str()), (200, Some("ok")));
    let (status, _) = app.get("/readyz", None).await;
    assert_eq!(status, 200);
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
}
