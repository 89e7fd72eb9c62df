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
    #[oai(path = "/healthz", method = "get")]
    async fn healthz(&self) -> PlainText<&'static str> {
        PlainText("ok")
    }

    /// Readiness: the store answers.
    #[oai(path = "/readyz", method = "get")]
    async fn readyz(&self, state: Data<&AppState>) -> Ready {
        match state.store.user_by_email("readyz@probe.invalid").await {
            Ok(_) => Ready::Ready(PlainText("ready".into())),
            Err(err) => {
                tracing::warn!(error = %err, "readiness probe failed");
                Ready::NotReady(PlainText("store unavailable".into()))
            }
        }
    }
}

/// Prometheus metrics.
#[handler]
pub(crate) fn metrics(state: Data<&AppState>) -> String {
    state.metrics.render()
}
