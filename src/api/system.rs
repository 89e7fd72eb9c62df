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

    /// Readiness: the store answers.
    #[oai(path = "/readyz", method = "get", operation_id = "ready")]
    async fn readyz(&self, state: Data<&AppState>) -> Ready {
        match state.store.user_by_email("readyz@probe.invalid").await {
            Ok(_) => Ready::Ready(PlainText(READY.into())),
            Err(err) => {
                tracing::warn!(error = %err, "readiness probe failed");
                Ready::NotReady(PlainText(NOT_READY.into()))
            }
        }
    }
}

/// Prometheus metrics.
#[handler]
pub(crate) fn metrics(state: Data<&AppState>) -> String {
    state.metrics.render()
}
