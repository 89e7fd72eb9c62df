//! The served OpenAPI document is the committed one (SDKs are generated from the file), and
//! it documents every operation fully: an id, a tag, a summary, the right bearer scheme,
//! examples of what goes in and comes out, and its error responses with their codes.

use serde_json::Value;

use crate::helpers::{ScriptedLlm, TestApp};

#[tokio::test]
async fn served_spec_matches_the_committed_file() {
    let llm = ScriptedLlm::start(vec![]).await;
    let app = TestApp::spawn(&llm).await;
    let response = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let served_text = response.text().await.unwrap();
    let served: Value = serde_json::from_str(&served_text).unwrap();
    let committed: Value = serde_json::from_str(include_str!("../../openapi/openapi.json"))
        .expect("openapi/openapi.json is JSON");
    assert!(
        served == committed,
        "openapi/openapi.json is stale: regenerate it with `cargo run -- openapi > openapi/openapi.json`"
    );
    let docs = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(
        docs.text().await.unwrap().contains(&served_text),
        "/docs shows another document than /openapi.json"
    );
    let (status, body) = app.get("/healthz", None).await;
    assert_eq!((status, body.as_str()), (200, Some("ok")));
    let (status, _) = app.get("/readyz", None).await;
    assert_eq!(status, 200);
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

/// The committed document, with `$ref`s resolvable.
struct Spec(Value);

impl Spec {
    fn committed() -> Self {
        Self(serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap())
    }

    /// `schema`, or the component it refers to.
    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(name) => {
                let name = name.trim_start_matches("#/components/schemas/");
                &self.0["components"]["schemas"][name]
            }
            None => schema,
        }
    }

    /// Whether `schema` (or, for an array, its items) has an example.
    fn has_example(&self, schema: &Value) -> bool {
        let schema = self.resolve(schema);
        !schema["example"].is_null()
            || (schema["type"] == "array" && self.has_example(&schema["items"]))
    }

    /// Every operation: `(method, path, operation)`.
    fn operations(&self) -> Vec<(&str, &str, &Value)> {
        let mut all = Vec::new();
        for (path, item) in self.0["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                all.push((method.as_str(), path.as_str(), op));
            }
        }
        all
    }
}

/// The bearer scheme an operation must declare: none for the probes, sign-up, login and the
/// (signed) webhooks; the operator's for `/v1/admin`; a tenant's for the rest.
fn expected_scheme(path: &str) -> Option<&'static str> {
    if path == "/v1/auth/logout" {
        // Logging out revokes the token it presents.
        Some("BearerAuth")
    } else if !path.starts_with("/v1/")
        || path.starts_with("/v1/auth/")
        || path.starts_with("/v1/webhooks/")
    {
        None
    } else if path.starts_with("/v1/admin/") {
        Some("OperatorAuth")
    } else {
        Some("BearerAuth")
    }
}

#[test]
fn every_operation_is_documented_with_scheme_examples_and_errors() {
    let spec = Spec::committed();
    let mut ids = std::collections::HashSet::new();
    for (method, path, op) in spec.operations() {
        let name = format!("{} {path}", method.to_uppercase());
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no operationId"));
        assert!(ids.insert(id), "{name}: operationId `{id}` twice");
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{name}: no tag"
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{name}: no summary"
        );

        let schemes: Vec<&str> = op["security"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|requirement| requirement.as_object().unwrap().keys())
            .map(String::as_str)
            .collect();
        assert_eq!(
            schemes,
            expected_scheme(path).into_iter().collect::<Vec<_>>(),
            "{name}: security"
        );

        for param in op["parameters"].as_array().into_iter().flatten() {
            assert!(
                !param["schema"]["example"].is_null(),
                "{name}: parameter {} has no example",
                param["name"]
            );
        }
        if let Some(content) = op["requestBody"]["content"].as_object() {
            for (media, body) in content {
                assert!(
                    spec.has_example(&body["schema"]),
                    "{name}: {media} body has no example"
                );
            }
        }

        let responses = op["responses"].as_object().unwrap();
        for (status, response) in responses {
            let code: u16 = status.parse().unwrap();
            let content = response["content"].as_object();
            for (media, body) in content.into_iter().flatten() {
                assert!(
                    spec.has_example(&body["schema"]),
                    "{name}: {status} {media} has no example"
                );
                if code >= 400 && media.starts_with("application/json") {
                    assert_eq!(
                        body["schema"]["$ref"], "#/components/schemas/ErrorBody",
                        "{name}: {status} is not an ErrorBody"
                    );
                    let description = response["description"].as_str().unwrap();
                    assert!(
                        description.contains('`'),
                        "{name}: {status} lists no codes: {description}"
                    );
                }
            }
        }
        let has = |status: &str, code: &str| {
            responses
                .get(status)
                .and_then(|r| r["description"].as_str())
                .is_some_and(|d| d.contains(&format!("`{code}`")))
        };
        if expected_scheme(path).is_some() {
            assert!(has("401", "invalid_token"), "{name}: no 401 invalid_token");
            assert!(has("403", "forbidden"), "{name}: no 403 forbidden");
        }
        if op["requestBody"].is_object() {
            assert!(has("400", "bad_request"), "{name}: no 400 bad_request");
        }
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{name}: no success response"
        );
    }
    assert!(ids.len() >= 20, "only {} operations", ids.len());
}
