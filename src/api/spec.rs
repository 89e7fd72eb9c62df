//! What the OpenAPI document says each operation can answer besides success — its error
//! responses and their codes — and the check that the server keeps to it.
//!
//! poem-openapi documents what the handlers' types say: parameters, bodies, the bearer
//! schemes, success responses and the examples of their objects. [`Documented`] wraps the
//! API and adds to each operation the error responses it really has: the codes its shape
//! implies ([`implied`]) and the ones its handler answers ([`ERRORS`], read off the
//! handler), one response per status, each with the shared `ErrorBody` schema and its codes
//! listed. The served `/openapi.json`, the docs UI and `openapi/openapi.json` are all made
//! from it.
//!
//! [`keep_to_contract`] runs around every request. It names the allowed methods in `Allow`
//! on a 405, and in debug builds (every test) it turns an error response whose status and
//! code the document does not list for its operation into a 500 `undocumented_error` that
//! says so — so a handler that starts answering a new code fails the tests until the code
//! is added here.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, OnceLock};

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::OpenApi;
use poem_openapi::payload::{Json, Payload};
use poem_openapi::registry::{
    MetaApi, MetaHeader, MetaMediaType, MetaOperation, MetaResponse, MetaSchemaRef, Registry,
};
use poem_openapi::types::Type;

use super::error::{Code, ErrorBody};

use Code::*;

/// The codes each operation's handler can answer, besides those its shape implies
/// ([`implied`]). Read off the handlers: their own errors, the validation in `validate.rs`,
/// `store_error` (`not_found` only where the store can miss; `internal` wherever the store,
/// queue or hashing is called), the quota ledger and payment providers (`unavailable`).
const ERRORS: &[(&str, &[Code])] = &[
    ("health", &[]),
    ("ready", &[]),
    ("signup", &[InvalidInput, EmailTaken, Internal]),
    ("login", &[InvalidCredentials, Internal]),
    ("logout", &[Unavailable]),
    ("get_org", &[Internal]),
    ("create_repo", &[InvalidInput, Internal]),
    ("list_repos", &[Internal]),
    (
        "create_task",
        &[
            InvalidInput,
            QuotaExceeded,
            NotFound,
            JiraIssueNotFound,
            Internal,
            IntegrationFailed,
            Unavailable,
        ],
    ),
    ("list_tasks", &[InvalidInput, Internal]),
    ("get_task", &[InvalidInput, NotFound, Internal]),
    (
        "cancel_task",
        &[InvalidInput, NotFound, TaskFinished, Internal],
    ),
    ("task_events", &[InvalidInput, NotFound, Internal]),
    ("put_credential", &[InvalidInput, Internal]),
    ("list_credentials", &[Internal]),
    ("get_credential", &[InvalidInput, NotFound, Internal]),
    ("delete_credential", &[InvalidInput, NotFound, Internal]),
    ("get_usage", &[InvalidInput, Internal]),
    ("store_memory", &[InvalidInput, Internal, Unavailable]),
    (
        "search_memory",
        &[InvalidInput, NotFound, Internal, Unavailable],
    ),
    ("create_checkout", &[InvalidInput, Unavailable]),
    (
        "github_webhook",
        &[
            InvalidInput,
            InvalidSignature,
            QuotaExceeded,
            NotFound,
            Internal,
            Unavailable,
        ],
    ),
    (
        "stripe_webhook",
        &[InvalidInput, InvalidSignature, Internal, Unavailable],
    ),
    (
        "iyzico_webhook",
        &[InvalidInput, InvalidSignature, Internal, Unavailable],
    ),
    ("list_actors", &[InvalidInput, NotFound, Internal]),
    ("set_org_plan", &[InvalidInput, NotFound, Internal]),
    ("set_iyzico_customer", &[InvalidInput, NotFound, Internal]),
];

/// Examples of the plain-text (non-JSON) answers, by operation and status.
const TEXT_EXAMPLES: &[(&str, u16, &str)] = &[
    ("health", 200, super::system::HEALTHY),
    ("ready", 200, super::system::READY),
    ("ready", 503, super::system::NOT_READY),
];

/// The codes an operation can answer because of its shape, whatever its handler does:
/// every one but the probes, a response that does not start within the request timeout
/// (`guards.rs`);
/// with a bearer scheme, a bad or revoked token, a role it does not allow, and a revocation
/// backend that cannot be asked (`security.rs`); with an
/// organization's bearer scheme, its plan's request rate (`ratelimit.rs`); with a
/// body, one poem cannot read, of the wrong type or too large; with parameters, one poem
/// cannot parse (a path segment that is not UTF-8, `limit=abc`).
fn implied(op: &MetaOperation) -> Vec<Code> {
    let mut codes = Vec::new();
    if !PROBES.contains(&op.operation_id.unwrap_or_default()) {
        codes.push(Timeout);
    }
    if !op.security.is_empty() {
        codes.extend([InvalidToken, Forbidden, Unavailable]);
    }
    if op
        .security
        .iter()
        .any(|scheme| scheme.contains_key(TENANT_SCHEME))
    {
        codes.push(RateLimited);
    }
    if op.request.is_some() {
        codes.extend([BadRequest, PayloadTooLarge, UnsupportedMediaType]);
    }
    if !op.params.is_empty() {
        codes.push(BadRequest);
    }
    codes
}

/// The probes' operations, which bound their own time (`system.rs`).
const PROBES: [&str; 2] = ["health", "ready"];

/// The bearer scheme of an organization's members (`security::BearerAuth`): the requests it
/// admits count against the org's rate limit.
const TENANT_SCHEME: &str = "BearerAuth";

/// The operation's entry in [`ERRORS`].
fn handler_codes(operation_id: &str) -> Option<&'static [Code]> {
    ERRORS
        .iter()
        .find(|(id, _)| *id == operation_id)
        .map(|(_, codes)| *codes)
}

/// Every code `op` can answer, in status order.
fn codes_of(op: &MetaOperation) -> Vec<Code> {
    let mut codes = implied(op);
    codes.extend(handler_codes(op.operation_id.unwrap_or_default()).unwrap_or_default());
    codes.sort();
    codes.dedup();
    codes
}

/// Text the document keeps for the life of the process (poem-openapi's descriptions are
/// `&'static str`); each distinct text is kept once.
fn keep(text: String) -> &'static str {
    static KEPT: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut kept = KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let kept = kept.get_or_insert_with(HashSet::new);
    if let Some(text) = kept.get(text.as_str()) {
        return text;
    }
    let text: &'static str = Box::leak(text.into_boxed_str());
    kept.insert(text);
    text
}

/// The response for `status`, answering one of `codes`.
fn error_response(status: StatusCode, codes: &[Code]) -> MetaResponse {
    let line = |code: &Code| {
        format!(
            "`{}`: {} (e.g. \"{}\").",
            code.as_str(),
            code.meaning(),
            code.example()
        )
    };
    let description = match codes {
        [code] => line(code),
        codes => {
            let lines: Vec<String> = codes
                .iter()
                .map(|code| format!("- {}", line(code)))
                .collect();
            format!("`code` is one of:\n\n{}", lines.join("\n"))
        }
    };
    MetaResponse {
        description: keep(description),
        status: Some(status.as_u16()),
        status_range: None,
        content: vec![MetaMediaType {
            content_type: <Json<ErrorBody> as Payload>::CONTENT_TYPE,
            schema: ErrorBody::schema_ref(),
        }],
        headers: headers_of(status),
    }
}

/// The headers an error response with `status` carries: a 429 says when to try again.
fn headers_of(status: StatusCode) -> Vec<MetaHeader> {
    if status != StatusCode::TOO_MANY_REQUESTS {
        return Vec::new();
    }
    vec![MetaHeader {
        name: header::RETRY_AFTER.as_str().to_owned(),
        description: Some(
            "Whole seconds (at least 1) until the organization's next request is admitted."
                .to_owned(),
        ),
        required: true,
        deprecated: false,
        schema: u64::schema_ref(),
    }]
}

/// Adds `op`'s error responses, and says what its success responses are.
fn document(op: &mut MetaOperation) {
    let operation_id = op.operation_id.unwrap_or_default();
    for response in &mut op.responses.responses {
        let status = response.status.unwrap_or(200);
        if response.description.is_empty() {
            response.description = StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Success");
        }
        for media in &mut response.content {
            if let MetaSchemaRef::Inline(schema) = &mut media.schema {
                let example = TEXT_EXAMPLES
                    .iter()
                    .find(|(id, s, _)| *id == operation_id && *s == status);
                if let Some((_, _, text)) = example {
                    schema.example = Some((*text).into());
                }
            }
        }
    }
    let mut by_status: BTreeMap<u16, Vec<Code>> = BTreeMap::new();
    for code in codes_of(op) {
        by_status
            .entry(code.status().as_u16())
            .or_default()
            .push(code);
    }
    for (status, codes) in by_status {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        op.responses.responses.push(error_response(status, &codes));
    }
}

/// The API `T` as poem-openapi documents it, with each operation's error responses.
#[derive(Debug)]
pub(crate) struct Documented<T>(pub(crate) T);

impl<T: OpenApi> OpenApi for Documented<T> {
    fn meta() -> Vec<MetaApi> {
        let mut apis = T::meta();
        for op in operations(&mut apis) {
            document(op);
        }
        apis
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
        ErrorBody::register(registry);
    }

    fn add_routes(
        self,
        route_table: &mut std::collections::HashMap<
            String,
            std::collections::HashMap<Method, poem::endpoint::BoxEndpoint<'static>>,
        >,
    ) {
        self.0.add_routes(route_table);
    }
}

fn operations(apis: &mut [MetaApi]) -> impl Iterator<Item = &mut MetaOperation> {
    apis.iter_mut()
        .flat_map(|api| api.paths.iter_mut())
        .flat_map(|path| path.operations.iter_mut())
}

/// One operation as the server matches requests to it.
#[derive(Debug)]
struct Route {
    /// The path template's segments (`{id}` matches any non-empty segment).
    segments: Vec<String>,
    /// The path template as the document writes it (`/v1/tasks/{id}`).
    template: &'static str,
    method: Method,
    operation_id: &'static str,
    /// The codes it can answer.
    codes: Vec<Code>,
}

impl Route {
    fn matches(&self, path: &str) -> bool {
        let mut segments = path.split('/');
        let same = self.segments.iter().all(|template| {
            segments.next().is_some_and(|segment| {
                let variable = template.starts_with('{') && template.ends_with('}');
                if variable {
                    !segment.is_empty()
                } else {
                    segment == template
                }
            })
        });
        same && segments.next().is_none()
    }
}

/// Every operation of an API with the codes it documents.
#[derive(Debug)]
pub(crate) struct Contract {
    routes: Vec<Route>,
}

impl Contract {
    /// The contract of the API `T` (its [`Documented`] document).
    pub(crate) fn of<T: OpenApi>() -> Self {
        let mut routes = Vec::new();
        for api in Documented::<T>::meta() {
            for path in api.paths {
                let segments: Vec<String> = path.path.split('/').map(str::to_owned).collect();
                let template = keep(path.path.to_string());
                for op in &path.operations {
                    routes.push(Route {
                        segments: segments.clone(),
                        template,
                        method: op.method.clone(),
                        operation_id: op.operation_id.unwrap_or_default(),
                        codes: codes_of(op),
                    });
                }
            }
        }
        Self { routes }
    }

    /// The methods `path` has, for `Allow`.
    fn methods(&self, path: &str) -> Vec<&Method> {
        let mut methods: Vec<&Method> = self
            .routes
            .iter()
            .filter(|route| route.matches(path))
            .map(|route| &route.method)
            .collect();
        methods.sort_by_key(|m| m.as_str());
        methods.dedup();
        methods
    }

    /// The operation id and path template a request goes to (for metrics labels).
    pub(crate) fn operation(
        &self,
        method: &Method,
        path: &str,
    ) -> Option<(&'static str, &'static str)> {
        self.route(method, path)
            .map(|route| (route.operation_id, route.template))
    }

    /// The operation a request goes to.
    fn route(&self, method: &Method, path: &str) -> Option<&Route> {
        // Every request is looked up here (metrics labels): the segment count rules out
        // most routes before any segment is compared.
        let depth = path.bytes().filter(|&b| b == b'/').count() + 1;
        self.routes.iter().find(|route| {
            route.method == method && route.segments.len() == depth && route.matches(path)
        })
    }
}

/// Around every request: `Allow` on a 405; in debug builds, an error response the document
/// does not list for its operation becomes a 500 `undocumented_error`.
pub(crate) async fn keep_to_contract<E: Endpoint>(
    next: E,
    req: Request,
    contract: &Contract,
) -> poem::Result<Response> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let mut response = next.call(req).await?.into_response();
    let status = response.status();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        let allow: Vec<&str> = contract.methods(&path).iter().map(|m| m.as_str()).collect();
        if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return Ok(response);
    }
    if !cfg!(debug_assertions) || !(status.is_client_error() || status.is_server_error()) {
        return Ok(response);
    }
    let Some(route) = contract.route(&method, &path) else {
        return Ok(response);
    };
    let body = response.take_body().into_bytes().await.unwrap_or_default();
    let code = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|body| body.get("code")?.as_str().map(str::to_owned));
    let documented = route
        .codes
        .iter()
        .any(|c| c.status() == status && code.as_deref() == Some(c.as_str()));
    if documented {
        response.set_body(body);
        return Ok(response);
    }
    let code = code.map_or_else(|| "no `code`".to_owned(), |code| format!("`{code}`"));
    let message = format!(
        "{method} {path} answered {status} with {code}, which the OpenAPI document does not list for `{}` (it lists {}): add the code to ERRORS in src/api/spec.rs, or answer a listed one",
        route.operation_id,
        route
            .codes
            .iter()
            .map(|c| format!("{} {}", c.status().as_u16(), c.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
    );
    tracing::error!("{message}");
    let body = serde_json::json!({"code": "undocumented_error", "message": message});
    Ok(Response::builder()
        .status(StatusCode::INTERNAL_SERVER_ERROR)
        .content_type("application/json; charset=utf-8")
        .body(body.to_string()))
}

/// The contract of the server's API, built once.
pub(crate) fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(Contract::of::<super::Apis>)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_operations() -> Vec<MetaOperation> {
        <super::super::Apis as OpenApi>::meta()
            .into_iter()
            .flat_map(|api| api.paths)
            .flat_map(|path| path.operations)
            .collect()
    }

    #[test]
    fn every_operation_has_an_entry_and_every_entry_an_operation() {
        let ids: Vec<&str> = all_operations()
            .iter()
            .map(|op| {
                op.operation_id
                    .expect("every operation has an operation_id")
            })
            .collect();
        for id in &ids {
            assert!(
                handler_codes(id).is_some(),
                "operation `{id}` has no entry in ERRORS (src/api/spec.rs)"
            );
        }
        for (id, _) in ERRORS {
            assert!(
                ids.contains(id),
                "ERRORS names `{id}`, which is no operation"
            );
        }
        let unique: HashSet<&str> = ERRORS.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            unique.len(),
            ERRORS.len(),
            "an operation is in ERRORS twice"
        );
    }

    #[test]
    fn error_statuses_do_not_collide_with_success_ones() {
        for op in all_operations() {
            for code in codes_of(&op) {
                let status = code.status().as_u16();
                assert!(
                    op.responses
                        .responses
                        .iter()
                        .all(|r| r.status != Some(status)),
                    "{:?} declares {status} itself",
                    op.operation_id
                );
            }
        }
    }

    /// `GET /v1/things/{id}`, documented to answer `not_found` only.
    fn things() -> Contract {
        Contract {
            routes: vec![Route {
                segments: "/v1/things/{id}".split('/').map(str::to_owned).collect(),
                template: "/v1/things/{id}",
                method: Method::GET,
                operation_id: "get_thing",
                codes: vec![NotFound],
            }],
        }
    }

    async fn answer(contract: &Contract, method: Method, path: &str, error: Code) -> Response {
        let endpoint = poem::endpoint::make_sync(move |_| {
            super::super::ApiError::new(error, "no").into_response()
        });
        let req = Request::builder()
            .method(method)
            .uri(path.parse().unwrap())
            .finish();
        keep_to_contract(endpoint, req, contract).await.unwrap()
    }

    #[tokio::test]
    async fn an_undocumented_error_is_a_500_in_debug_builds() {
        let contract = things();
        let documented = answer(&contract, Method::GET, "/v1/things/1", NotFound).await;
        assert_eq!(documented.status(), StatusCode::NOT_FOUND);
        let body = documented.into_body().into_string().await.unwrap();
        assert!(body.contains("not_found"), "{body}");

        let other = answer(&contract, Method::GET, "/v1/things/1", InvalidInput).await;
        if cfg!(debug_assertions) {
            assert_eq!(other.status(), StatusCode::INTERNAL_SERVER_ERROR);
            let body = other.into_body().into_string().await.unwrap();
            assert!(
                body.contains("undocumented_error") && body.contains("get_thing"),
                "{body}"
            );
        } else {
            assert_eq!(other.status(), StatusCode::BAD_REQUEST);
        }

        // No operation there: left alone.
        let elsewhere = answer(&contract, Method::GET, "/v1/other", InvalidInput).await;
        assert_eq!(elsewhere.status(), StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn a_405_names_the_methods_the_path_has() {
        let response = answer(&things(), Method::POST, "/v1/things/1", MethodNotAllowed).await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()[header::ALLOW], "GET");
    }

    #[test]
    fn routes_match_like_the_router() {
        let contract = contract();
        let get = |path| contract.route(&Method::GET, path).map(|r| r.operation_id);
        assert_eq!(get("/v1/tasks"), Some("list_tasks"));
        assert_eq!(get("/v1/tasks/abc"), Some("get_task"));
        assert_eq!(get("/v1/tasks/abc/events"), Some("task_events"));
        assert_eq!(get("/v1/tasks/"), None);
        assert_eq!(get("/v1/tasks//events"), None);
        assert_eq!(get("/v1/tasks/a/b"), None);
        let methods: Vec<&str> = contract
            .methods("/v1/credentials/github")
            .iter()
            .map(|m| m.as_str())
            .collect();
        assert_eq!(methods, ["DELETE", "GET", "PUT"]);
    }
}
