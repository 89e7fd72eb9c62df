//! The REST API (`/v1`), its OpenAPI spec, docs UI, probes and metrics.

mod admin;
mod auth;
mod billing;
mod credentials;
mod error;
mod examples;
mod guards;
mod http_metrics;
mod memory;
mod payload;
mod ratelimit;
mod repos;
mod security;
mod spec;
mod system;
mod tasks;
mod usage;
pub mod validate;
mod webhooks;

use std::sync::Arc;

use orchard_actors::ports::{Queue, Store};
use orchard_actors::ractor::ActorRef;
use orchard_actors::root_supervisor::RootMsg;
use poem::middleware::Tracing;
use poem::{EndpointExt, IntoEndpoint, Route, get};
use poem_openapi::OpenApiService;

pub use error::{ApiError, Code, ErrorBody};

use crate::auth::TokenKeys;
use crate::config::Config;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Durable data.
    pub store: Arc<dyn Store>,
    /// Task queue.
    pub queue: Arc<dyn Queue>,
    /// Task quotas and token budgets.
    pub ledger: Arc<dyn orchard_actors::budget::BudgetLedger>,
    /// Which month it is.
    pub clock: Arc<dyn orchard_actors::budget::Clock>,
    /// Token signing and verification.
    pub keys: Arc<TokenKeys>,
    /// Tokens revoked by logout, shared by every node.
    pub revocations: Arc<crate::auth::RevocationCheck>,
    /// Master keys sealing the orgs' credentials.
    pub keyring: Arc<crate::crypto::Keyring>,
    /// Vector memory: the embedder, the store and their limits.
    pub memory: Arc<orchard_actors::recall::Recall>,
    /// The actor tree.
    pub root: ActorRef<RootMsg>,
    /// Settings.
    pub config: Arc<Config>,
    /// Task quota and token budget by plan (from `config`, built once).
    pub plan_limits: Arc<std::collections::HashMap<String, orchard_actors::budget::Limits>>,
    /// Renders `/metrics`.
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
    /// Reads the Jira issues tasks are made from.
    pub jira: crate::forge::jira::JiraClient,
}

impl AppState {
    /// What `org` may use: its plan's limits with its own in place.
    pub(crate) fn limits_of(
        &self,
        org: &orchard_actors::domain::Org,
    ) -> orchard_actors::budget::Limits {
        orchard_actors::budget::limits_for(&self.plan_limits, &org.plan, org.custom_limits)
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

/// Largest request body accepted.
const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// Refuses bodies larger than [`MAX_BODY_BYTES`] before reading them.
async fn limit_body<E: poem::Endpoint>(
    next: E,
    mut req: poem::Request,
) -> poem::Result<poem::Response> {
    let declared = req
        .headers()
        .get(poem::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        poem::Error::from(ApiError::new(
            Code::PayloadTooLarge,
            format!("request body is larger than {MAX_BODY_BYTES} bytes"),
        ))
    };
    if declared.is_some_and(|len| len > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    if declared.is_none()
        && req
            .headers()
            .contains_key(poem::http::header::TRANSFER_ENCODING)
    {
        // A streamed body of unknown length: read at most the limit, refuse beyond it.
        let body = req
            .take_body()
            .into_bytes_limit(MAX_BODY_BYTES as usize)
            .await
            .map_err(|_| too_large())?;
        req.set_body(body);
    }
    next.call(req).await.map(poem::IntoResponse::into_response)
}

type Apis = (
    system::SystemApi,
    auth::AuthApi,
    repos::ReposApi,
    tasks::TasksApi,
    credentials::CredentialsApi,
    usage::UsageApi,
    memory::MemoryApi,
    billing::BillingApi,
    webhooks::WebhooksApi,
    admin::AdminApi,
);

fn service() -> OpenApiService<spec::Documented<Apis>, ()> {
    OpenApiService::new(
        spec::Documented((
            system::SystemApi,
            auth::AuthApi,
            repos::ReposApi,
            tasks::TasksApi,
            credentials::CredentialsApi,
            usage::UsageApi,
            memory::MemoryApi,
            billing::BillingApi,
            webhooks::WebhooksApi,
            admin::AdminApi,
        )),
        "Orchard",
        env!("CARGO_PKG_VERSION"),
    )
    .description("Multi-tenant runtime for AI coding agents. Every tenant object is scoped to the caller's organization; another organization's object answers 404. Every error is JSON `{code, message}` with a stable `code`; each operation lists the codes it can answer under its error statuses.")
}

/// The OpenAPI document, as served at `/openapi.json`, shown at `/docs` and committed at
/// `openapi/openapi.json`.
pub fn spec_json() -> String {
    service().spec()
}

/// All routes, with state, limits and error shaping applied.
pub fn routes(state: AppState) -> impl poem::Endpoint {
    let rate_limits = ratelimit::RateLimits::start(&state.config);
    let timeout = guards::RequestTimeout(state.config.http.request_timeout());
    let cors = guards::CorsForOrigins::new(&state.config.http.cors_origins);
    let api = service();
    let docs = api.swagger_ui();
    let spec = api.spec_endpoint();
    Route::new()
        .nest("/", api)
        .nest("/docs", docs)
        .at("/openapi.json", spec)
        .at("/metrics", get(system::metrics))
        .into_endpoint()
        .around(limit_body)
        .with(timeout)
        .catch_all_error(error::into_json_response)
        .around(|next, req| spec::keep_to_contract(next, req, spec::contract()))
        .around(|next, req| http_metrics::record(next, req, spec::contract()))
        .with(cors)
        .with(Tracing)
        .data(rate_limits)
        .data(state)
}
