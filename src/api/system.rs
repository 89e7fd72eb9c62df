//! Probes and metrics.

use poem::handler;
use poem::web::Data;
use poem_openapi::payload::PlainText;
use poem_openapi::{ApiResponse, OpenApi, Tags};

use super::AppState;

#[derive(Tags)]
enum SystemTags {
    /// Probes.
    System,
}

/// `/healthz`, `/readyz`.
pub(crate) struct SystemApi;

/// `/healthz`'s answer.
pub(crate) const HEALTHY: &str = "ok";
/// `/readyz`'s answer when the store answers.
pub(crate) const READY: &str = "ready";
/// `/readyz`'s answer when it does not.
pub(crate) const NOT_READY: &str = "store unavailable";

/// How long `/readyz` waits for the store: a probe answers quickly or not at all, so it
/// bounds itself (the request timeout of `guards.rs` does not apply to the probes).
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The probes' paths, which the request timeout leaves alone.
pub(crate) const PROBE_PATHS: [&str; 2] = ["/healthz", "/readyz"];

#[derive(ApiResponse)]
enum Ready {
    /// Ready to serve.
    #[oai(status = 200)]
    Ready(PlainText<String>),
    /// Not ready (the store does not answer).
    #[oai(status = 503)]
    NotReady(PlainText<String>),
}

#[OpenApi(tag = "SystemTags::System")]
impl SystemApi {
    /// Liveness: the process serves HTTP.
    #[oai(path = "/healthz", method = "get", operation_id = "health")]
    async fn healthz(&self) -> PlainText<&'static str> {
        PlainText(HEALTHY)
    }

    /// Readiness: the store answers within 5 seconds.
    #[oai(path = "/readyz", method = "get", operation_id = "ready")]
    async fn readyz(&self, state: Data<&AppState>) -> Ready {
        let probe = state.store.user_by_email("readyz@probe.invalid");
        match tokio::time::timeout(READY_TIMEOUT, probe).await {
            Ok(Ok(_)) => Ready::Ready(PlainText(READY.into())),
            Ok(Err(err)) => {
                tracing::warn!(error = %err, "readiness probe failed");
                Ready::NotReady(PlainText(NOT_READY.into()))
            }
            Err(_) => {
                tracing::warn!(
                    timeout_secs = READY_TIMEOUT.as_secs(),
                    "readiness probe: the store did not answer in time"
                );
                Ready::NotReady(PlainText(NOT_READY.into()))
            }
        }
    }
}

/// Prometheus metrics. The queue depth is read from the queue here, at scrape time: one
/// cheap count, however many orgs there are.
#[handler]
pub(crate) async fn metrics(state: Data<&AppState>) -> String {
    match state.queue.ready_count().await {
        Ok(Some(count)) => ::metrics::gauge!("orchard_queue_ready_tasks").set(count as f64),
        Ok(None) => {}
        Err(err) => tracing::warn!(error = %err, "counting the queue's ready tasks failed"),
    }
    state.metrics.render()
}
