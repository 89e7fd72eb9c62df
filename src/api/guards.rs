//! Two guards around every request: CORS, only for the configured origins, and a request
//! timeout.
//!
//! **CORS** is off unless `http.cors_origins` lists origins: then a request from one of them
//! gets poem's [`Cors`] (preflights answered, `Access-Control-Allow-Origin` echoed, `Vary:
//! Origin`), and any other request passes untouched — no CORS headers, so a browser on
//! another origin cannot read the answer. (poem's own `Cors` would refuse such a request
//! with a 403, which tools that send an `Origin` of their own do not expect, and which no
//! operation documents.)
//!
//! **The timeout** (`http.request_timeout_secs`, default 30) bounds the time until a
//! response starts: reading the body and running the handler. It answers 504 `timeout`,
//! which every operation documents (`spec.rs`). A response's body is not bounded: an event
//! stream (`GET /v1/tasks/{id}/events`) starts within the limit and then runs as long as it
//! likes. Dropping a handler at its timeout cancels it at an `.await`; what it already wrote
//! stays written (the message says "may or may not have taken effect"). The probes
//! (`/healthz`, `/readyz`) are left alone: they bound themselves (`system.rs`), and a load
//! balancer reads their status, not a JSON error.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use poem::http::{HeaderValue, header};
use poem::middleware::{Cors, CorsEndpoint};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};

use super::error::{ApiError, Code};

/// Answers 504 `timeout` when the response has not started within the limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestTimeout(pub(crate) Option<Duration>);

impl<E: Endpoint> Middleware<E> for RequestTimeout {
    type Output = RequestTimeoutEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        RequestTimeoutEndpoint {
            inner,
            limit: self.0,
        }
    }
}

/// The endpoint of [`RequestTimeout`].
#[derive(Debug)]
pub(crate) struct RequestTimeoutEndpoint<E> {
    inner: E,
    limit: Option<Duration>,
}

impl<E: Endpoint> Endpoint for RequestTimeoutEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let probe = super::system::PROBE_PATHS.contains(&req.uri().path());
        let Some(limit) = self.limit.filter(|_| !probe) else {
            return self.inner.call(req).await.map(IntoResponse::into_response);
        };
        // For the log line of a timeout; a `Uri` clone shares its bytes (no copy per request).
        let (method, uri) = (req.method().clone(), req.uri().clone());
        match tokio::time::timeout(limit, self.inner.call(req)).await {
            Ok(answered) => answered.map(IntoResponse::into_response),
            Err(_) => {
                tracing::warn!(%method, path = uri.path(), limit_secs = limit.as_secs_f64(), "request timed out");
                let message = format!(
                    "the request took longer than {} s; it may or may not have taken effect",
                    limit.as_secs_f64()
                );
                Ok(ApiError::new(Code::Timeout, message).into_response())
            }
        }
    }
}

/// CORS for exactly `origins`; nothing at all when there are none.
#[derive(Debug, Clone)]
pub(crate) struct CorsForOrigins {
    origins: HashSet<HeaderValue>,
}

impl CorsForOrigins {
    /// CORS for `origins`; with none, every request passes untouched. Origins that are no
    /// header value are skipped (the configuration refuses them before this).
    pub(crate) fn new(origins: &[String]) -> Self {
        let origins = origins
            .iter()
            .filter_map(|origin| HeaderValue::from_str(origin).ok())
            .collect();
        Self { origins }
    }
}

impl<E: Endpoint> Middleware<E> for CorsForOrigins {
    type Output = CorsForOriginsEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        let inner = Arc::new(inner);
        let cors = Cors::new()
            .allow_origins(self.origins.iter().cloned())
            .transform(inner.clone());
        CorsForOriginsEndpoint {
            inner,
            cors,
            origins: self.origins.clone(),
        }
    }
}

/// The endpoint of [`CorsForOrigins`].
pub(crate) struct CorsForOriginsEndpoint<E> {
    inner: Arc<E>,
    cors: CorsEndpoint<Arc<E>>,
    origins: HashSet<HeaderValue>,
}

impl<E: Endpoint> Endpoint for CorsForOriginsEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let listed = req
            .headers()
            .get(header::ORIGIN)
            .is_some_and(|origin| self.origins.contains(origin));
        if listed {
            self.cors.call(req).await
        } else {
            self.inner.call(req).await.map(IntoResponse::into_response)
        }
    }
}

#[cfg(test)]
mod tests {
    use poem::http::{Method, StatusCode};
    use poem::web::sse::{Event, SSE};
    use poem::{EndpointExt, Route, get, handler};

    use super::*;

    #[handler]
    async fn slow() -> &'static str {
        tokio::time::sleep(Duration::from_millis(400)).await;
        "slow"
    }

    #[handler]
    fn fast() -> &'static str {
        "fast"
    }

    /// Answers at once, then streams for longer than the timeout.
    #[handler]
    fn stream() -> SSE {
        let events = async_stream(3, Duration::from_millis(100));
        SSE::new(events)
    }

    fn async_stream(
        count: u32,
        every: Duration,
    ) -> impl futures_util::Stream<Item = Event> + Send + 'static {
        futures_util::stream::unfold(0, move |n| async move {
            if n == count {
                return None;
            }
            tokio::time::sleep(every).await;
            Some((Event::message(format!("event {n}")), n + 1))
        })
    }

    async fn call(
        ep: &impl Endpoint,
        method: Method,
        path: &str,
        origin: Option<&str>,
    ) -> Response {
        let mut req = Request::builder().method(method).uri(path.parse().unwrap());
        if let Some(origin) = origin {
            req = req.header(header::ORIGIN, origin);
        }
        ep.get_response(req.finish()).await
    }

    fn app(timeout: Option<Duration>) -> impl Endpoint {
        Route::new()
            .at("/slow", get(slow))
            .at("/fast", get(fast))
            .at("/events", get(stream))
            .with(RequestTimeout(timeout))
    }

    #[tokio::test]
    async fn a_slow_handler_answers_504_timeout_but_a_stream_runs_on() {
        let ep = app(Some(Duration::from_millis(100)));
        let timed_out = call(&ep, Method::GET, "/slow", None).await;
        assert_eq!(timed_out.status(), StatusCode::GATEWAY_TIMEOUT);
        let body: serde_json::Value =
            serde_json::from_str(&timed_out.into_body().into_string().await.unwrap()).unwrap();
        assert_eq!(body["code"], "timeout");
        assert!(
            body["message"].as_str().unwrap().contains("0.1 s"),
            "{body}"
        );

        let quick = call(&ep, Method::GET, "/fast", None).await;
        assert_eq!(quick.status(), StatusCode::OK);

        // 3 events 100 ms apart: 300 ms of body, three times the limit.
        let streamed = call(&ep, Method::GET, "/events", None).await;
        assert_eq!(streamed.status(), StatusCode::OK);
        let text = streamed.into_body().into_string().await.unwrap();
        assert!(text.contains("event 2"), "{text}");

        let unlimited = app(None);
        let waited = call(&unlimited, Method::GET, "/slow", None).await;
        assert_eq!(waited.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn cors_answers_only_the_listed_origins() {
        let off = Route::new()
            .at("/fast", get(fast))
            .with(CorsForOrigins::new(&[]));
        let plain = call(&off, Method::GET, "/fast", Some("https://app.example.com")).await;
        assert_eq!(plain.status(), StatusCode::OK);
        assert!(
            plain
                .headers()
                .keys()
                .all(|h| !h.as_str().starts_with("access-control-"))
        );

        let origins = ["https://app.example.com".to_owned()];
        let ep = Route::new()
            .at("/fast", get(fast))
            .with(CorsForOrigins::new(&origins));

        let listed = call(&ep, Method::GET, "/fast", Some("https://app.example.com")).await;
        assert_eq!(listed.status(), StatusCode::OK);
        assert_eq!(
            listed.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://app.example.com"
        );

        let other = call(&ep, Method::GET, "/fast", Some("https://evil.example")).await;
        assert_eq!(other.status(), StatusCode::OK);
        assert!(
            !other
                .headers()
                .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        );
        let none = call(&ep, Method::GET, "/fast", None).await;
        assert!(
            !none
                .headers()
                .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        );

        let preflight = Request::builder()
            .method(Method::OPTIONS)
            .uri("/fast".parse().unwrap())
            .header(header::ORIGIN, "https://app.example.com")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "authorization, content-type",
            )
            .finish();
        let preflight = ep.get_response(preflight).await;
        assert_eq!(preflight.status(), StatusCode::OK);
        assert_eq!(
            preflight.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://app.example.com"
        );
        assert!(
            preflight
                .headers()
                .contains_key(header::ACCESS_CONTROL_ALLOW_METHODS)
        );
    }
}
