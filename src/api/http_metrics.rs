//! Request metrics: `orchard_http_requests_total` and `orchard_http_request_duration_seconds`,
//! labelled by the OpenAPI operation and its path template — never by the raw path, whose
//! ids would make the number of series unbounded.

use std::time::Instant;

use poem::{Endpoint, IntoResponse, Request, Response};

use super::spec::Contract;

/// The label of a request that matches no route.
pub(crate) const UNMATCHED: &str = "unmatched";

/// The `(operation, route)` labels of a request: the OpenAPI operation it goes to, else
/// one of the few routes outside the document, else [`UNMATCHED`].
fn labels(contract: &Contract, req: &Request) -> (&'static str, &'static str) {
    let path = req.uri().path();
    if let Some(found) = contract.operation(req.method(), path) {
        return found;
    }
    match path {
        "/metrics" => ("metrics", "/metrics"),
        "/openapi.json" => ("openapi_spec", "/openapi.json"),
        "/docs" => ("docs", "/docs"),
        _ if path.starts_with("/docs/") => ("docs", "/docs"),
        _ => (UNMATCHED, UNMATCHED),
    }
}

/// Around every request: counts it by operation, route template and status, and observes
/// its latency (to the response headers; a streamed body such as SSE is not waited for).
pub(crate) async fn record<E: Endpoint>(
    next: E,
    req: Request,
    contract: &Contract,
) -> poem::Result<Response> {
    let (operation, route) = labels(contract, &req);
    let started = Instant::now();
    let result = next.call(req).await.map(IntoResponse::into_response);
    let status = match &result {
        Ok(response) => response.status(),
        Err(err) => err.status(),
    };
    metrics::histogram!(
        "orchard_http_request_duration_seconds",
        "operation" => operation,
        "route" => route,
    )
    .record(started.elapsed().as_secs_f64());
    metrics::counter!(
        "orchard_http_requests_total",
        "operation" => operation,
        "route" => route,
        "status" => status.as_str().to_owned(),
    )
    .increment(1);
    result
}

#[cfg(test)]
mod tests {
    use poem::http::Method;

    use super::*;

    fn labels_of(method: Method, path: &str) -> (&'static str, &'static str) {
        let req = Request::builder()
            .method(method)
            .uri(path.parse().unwrap())
            .finish();
        labels(super::super::spec::contract(), &req)
    }

    #[test]
    fn requests_are_labelled_by_operation_and_template_never_by_raw_path() {
        let id = "0193a3c4-1f2e-7000-8000-000000000001";
        assert_eq!(
            labels_of(Method::GET, &format!("/v1/tasks/{id}")),
            ("get_task", "/v1/tasks/{id}")
        );
        assert_eq!(
            labels_of(Method::POST, &format!("/v1/tasks/{id}/cancel")),
            ("cancel_task", "/v1/tasks/{id}/cancel")
        );
        assert_eq!(labels_of(Method::GET, "/metrics"), ("metrics", "/metrics"));
        assert_eq!(labels_of(Method::GET, "/docs/index.js"), ("docs", "/docs"));
        assert_eq!(
            labels_of(Method::GET, &format!("/v1/x/{id}")),
            (UNMATCHED, UNMATCHED)
        );
        // A method the path does not have is unmatched too (its 405 is counted there).
        assert_eq!(
            labels_of(Method::PATCH, "/v1/tasks"),
            (UNMATCHED, UNMATCHED)
        );
    }
}
