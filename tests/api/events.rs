//! A task's Server-Sent Events: ids, `Last-Event-ID` resumption, live delivery.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, bare_repos, slow_and_short_llm};

/// One SSE event: its `id` and its JSON `data`.
#[derive(Debug)]
struct Sse {
    id: u64,
    data: Value,
}

/// Parses an SSE body (keep-alive comments and blank lines skipped).
fn parse(text: &str) -> Vec<Sse> {
    text.split("\n\n")
        .filter_map(|block| {
            let mut id = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id: ") {
                    id = Some(v.trim().parse().expect("numeric id"));
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data = Some(serde_json::from_str(v).expect("JSON data"));
                }
            }
            Some(Sse {
                id: id?,
                data: data?,
            })
        })
        .collect()
}

/// The whole stream of a task (it ends after the final event), resumed after `last`.
async fn stream(app: &TestApp, token: &str, task: &str, last: Option<&str>) -> (u16, String) {
    let mut request = app
        .client
        .get(app.url(&format!("/v1/tasks/{task}/events")))
        .bearer_auth(token);
    if let Some(last) = last {
        request = request.header("Last-Event-ID", last);
    }
    let response = tokio::time::timeout(Duration::from_secs(20), request.send())
        .await
        .expect("the stream answers")
        .unwrap();
    let status = response.status().as_u16();
    let text = tokio::time::timeout(Duration::from_secs(20), response.text())
        .await
        .expect("the stream ends")
        .unwrap();
    (status, text)
}

#[tokio::test]
async fn events_carry_their_seq_as_id_and_last_event_id_resumes_after_it() {
    let llm = slow_and_short_llm(0).await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let repo_path = &bare_repos(fixtures.path(), 1)[0];
    let (token, _) = app.signup("Streams", "owner@streams.example").await;
    let repo = app.create_repo(&token, repo_path.to_str().unwrap()).await;
    let task = app.submit_task(&token, &repo, "short: write a").await;
    let done = app.wait_for_task(&token, &task).await;
    assert_eq!(done["status"], "succeeded", "{done}");

    let (status, text) = stream(&app, &token, &task, None).await;
    assert_eq!(status, 200);
    let all = parse(&text);
    assert!(all.len() >= 4, "{text}");
    for (i, event) in all.iter().enumerate() {
        assert_eq!(event.id, i as u64 + 1, "{text}");
        assert_eq!(event.data["seq"], event.id);
    }
    let last = all.last().unwrap();
    assert_eq!(last.data["kind"], "status");
    assert_eq!(last.data["data"]["status"], "succeeded");

    // Resuming after event 2 gives exactly the rest.
    let (status, text) = stream(&app, &token, &task, Some("2")).await;
    assert_eq!(status, 200);
    let rest: Vec<u64> = parse(&text).iter().map(|e| e.id).collect();
    let expected: Vec<u64> = all.iter().map(|e| e.id).filter(|id| *id > 2).collect();
    assert_eq!(rest, expected);

    // Resuming after the final event: nothing more, and the stream ends.
    let (status, text) = stream(&app, &token, &task, Some(&last.id.to_string())).await;
    assert_eq!(status, 200);
    assert!(parse(&text).is_empty(), "{text}");

    // A Last-Event-ID that is no seq is refused.
    let (status, text) = stream(&app, &token, &task, Some("soon")).await;
    assert_eq!(status, 400, "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["code"], "invalid_input");
}

#[tokio::test]
async fn a_client_that_reconnects_with_last_event_id_misses_nothing_and_sees_nothing_twice() {
    let llm = slow_and_short_llm(0).await;
    let app = TestApp::spawn(&llm).await;
    let fixtures = tempfile::tempdir().unwrap();
    let repo_path = &bare_repos(fixtures.path(), 1)[0];
    let (token, _) = app.signup("Reconnects", "owner@reconnects.example").await;
    let repo = app.create_repo(&token, repo_path.to_str().unwrap()).await;
    let task = app.submit_task(&token, &repo, "slow: take your time").await;

    // Connect live and read until the checkout event (the run then waits on the LLM).
    let mut response = app
        .client
        .get(app.url(&format!("/v1/tasks/{task}/events")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let mut seen = String::new();
    while !seen.contains("\"kind\":\"checkout\"") {
        let chunk = tokio::time::timeout(Duration::from_secs(20), response.chunk())
            .await
            .expect("live events arrive")
            .unwrap()
            .expect("the stream stays open while the task runs");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    drop(response);
    let first = parse(&seen);
    let last_seen = first.last().unwrap().id;

    // While disconnected the task ends (cancelled); the reconnect gets what happened since.
    let (status, _) = app
        .post(
            &format!("/v1/tasks/{task}/cancel"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, text) = stream(&app, &token, &task, Some(&last_seen.to_string())).await;
    assert_eq!(status, 200);
    let rest = parse(&text);
    assert!(!rest.is_empty(), "{text}");
    assert_eq!(rest[0].id, last_seen + 1, "{text}");
    let ids: Vec<u64> = first.iter().chain(&rest).map(|e| e.id).collect();
    let expected: Vec<u64> = (1..=ids.len() as u64).collect();
    assert_eq!(ids, expected, "every event once, in order");
    let end = rest.last().unwrap();
    assert_eq!(end.data["data"]["status"], "cancelled", "{text}");
}
