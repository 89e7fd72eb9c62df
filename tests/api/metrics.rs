//! Observability: `/metrics` has every documented series with bounded labels, and every log
//! line of a run carries its org and task.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use orchard::observability::{Kind, SERIES};
use serde_json::{Value, json};

use crate::helpers::{ScriptedLlm, TestApp, bare_repo, tool_step};

fn script() -> Vec<Value> {
    vec![
        tool_step(&[("list_files", json!({}))], 100, 10),
        tool_step(&[("finish", json!({"summary": "Look around"}))], 120, 5),
    ]
}

/// One sample line of the exposition: name, labels, value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
}

/// Parses the Prometheus text format (the subset the exporter writes: no escaped quotes in
/// our label values).
fn parse(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (series, _value) = line.rsplit_once(' ').expect("`series value`");
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (name, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        let labels = labels
            .split(',')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').expect("`key=\"value\"`");
                (key.to_owned(), value.trim_matches('"').to_owned())
            })
            .collect();
        samples.push(Sample {
            name: name.to_owned(),
            labels,
        });
    }
    samples
}

/// The name a sample of `series` has in the exposition.
fn belongs_to(sample: &str, series: &str, kind: Kind) -> bool {
    match kind {
        Kind::Histogram => ["_bucket", "_sum", "_count"]
            .iter()
            .any(|suffix| sample.strip_suffix(suffix) == Some(series)),
        Kind::Counter | Kind::Gauge => sample == series,
    }
}

#[tokio::test]
async fn metrics_have_every_documented_series_with_bounded_labels() {
    let llm = ScriptedLlm::start(script()).await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());
    let (token, signup) = app.signup("Metrics", "owner@metrics.test").await;
    let org_id = signup["org_id"].as_str().unwrap().to_owned();
    let repo_id = app.create_repo(&token, bare.to_str().unwrap()).await;
    let task_id = app.submit_task(&token, &repo_id, "look around").await;
    let task = app.wait_for_task(&token, &task_id).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    let (status, _) = app.get("/v1/no/such/path", Some(&token)).await;
    assert_eq!(status, 404);

    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let samples = parse(&text);

    for series in SERIES {
        let found: Vec<&Sample> = samples
            .iter()
            .filter(|s| belongs_to(&s.name, series.name, series.kind))
            .collect();
        assert!(!found.is_empty(), "{} is missing from\n{text}", series.name);
        assert!(
            text.contains(&format!("# HELP {} ", series.name)),
            "{} has no help text",
            series.name
        );
        for sample in &found {
            let labels: BTreeSet<&str> = sample
                .labels
                .keys()
                .map(String::as_str)
                .filter(|key| *key != "le" && *key != "quantile")
                .collect();
            let documented: BTreeSet<&str> = series.labels.iter().copied().collect();
            assert_eq!(labels, documented, "labels of {sample:?}");
        }
    }

    // No label carries an id: neither the raw path of a request nor an org or task.
    for sample in &samples {
        for value in sample.labels.values() {
            assert!(
                !value.contains(&task_id) && !value.contains(&org_id) && !value.contains(&repo_id),
                "{sample:?} has an id in a label"
            );
        }
    }
    let requests: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.name == "orchard_http_requests_total")
        .collect();
    let has = |operation: &str, route: &str, status: &str| {
        requests.iter().any(|s| {
            s.labels["operation"] == operation
                && s.labels["route"] == route
                && s.labels["status"] == status
        })
    };
    assert!(has("get_task", "/v1/tasks/{id}", "200"), "{requests:?}");
    assert!(has("create_task", "/v1/tasks", "202"), "{requests:?}");
    assert!(has("unmatched", "unmatched", "404"), "{requests:?}");
    let finished = samples
        .iter()
        .any(|s| s.name == "orchard_tasks_finished_total" && s.labels["status"] == "succeeded");
    assert!(finished, "no succeeded task counted");
    let tokens = samples.iter().any(|s| {
        s.name == "orchard_llm_tokens_total"
            && s.labels["model"] == "test-model"
            && s.labels["kind"] == "prompt"
    });
    assert!(tokens, "no prompt tokens of test-model");
    // Histograms are histograms (buckets), not summaries.
    assert!(
        text.contains("orchard_run_duration_seconds_bucket{"),
        "{text}"
    );
}

/// Every line written to the capture.
#[derive(Clone, Default)]
struct LogCapture(Arc<Mutex<Vec<u8>>>);

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

#[tokio::test]
async fn every_log_line_of_a_run_carries_its_org_and_task() {
    // The test runs on one thread, and the server and the actors with it, so a thread-local
    // subscriber sees all of their events. JSON, as `--log-format json` writes it.
    let logs = LogCapture::default();
    let _guard = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .json()
            .flatten_event(true)
            .with_writer(logs.clone())
            .finish(),
    );
    let llm = ScriptedLlm::start(script()).await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let bare = bare_repo(fixtures.path());
    let (token, signup) = app.signup("Logs", "owner@logs.test").await;
    let org_id = signup["org_id"].as_str().unwrap().to_owned();
    let repo_id = app.create_repo(&token, bare.to_str().unwrap()).await;
    let task_id = app.submit_task(&token, &repo_id, "look around").await;
    let task = app.wait_for_task(&token, &task_id).await;
    assert_eq!(task["status"], "succeeded", "{task}");
    drop(app);

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is one JSON object"))
        .collect();
    let of_run: Vec<&Value> = lines
        .iter()
        .filter(|line| {
            line["target"]
                .as_str()
                .is_some_and(|t| t.starts_with("orchard_actors::agent_run"))
        })
        .collect();
    let messages: Vec<&str> = of_run
        .iter()
        .filter_map(|line| line["message"].as_str())
        .collect();
    assert!(messages.contains(&"run started"), "{text}");
    assert!(messages.contains(&"run ended"), "{text}");
    for line in of_run {
        assert_eq!(line["span"]["name"], "run", "{line}");
        assert_eq!(line["span"]["org_id"], org_id.as_str(), "{line}");
        assert_eq!(line["span"]["task_id"], task_id.as_str(), "{line}");
    }
}
