//! The one error type of the API: a stable `code`, a human `message`, and one function
//! from code to HTTP status. Which codes each operation can answer is written down once, in
//! `spec.rs`, from which the OpenAPI document lists them.

use orchard_actors::ports::StoreError;
use poem::IntoResponse;
use poem::http::StatusCode;
use poem_openapi::payload::Json;
use poem_openapi::registry::{MetaResponses, Registry};
use poem_openapi::types::{Example, Type};
use poem_openapi::{ApiResponse, Object};

/// The JSON body of every error response.
#[derive(Debug, Clone, Object, serde::Serialize)]
#[oai(example)]
pub struct ErrorBody {
    /// Stable, machine-readable code (e.g. `not_found`, `invalid_token`); each operation
    /// lists the ones it can answer.
    pub code: String,
    /// Human-readable detail.
    pub message: String,
}

impl Example for ErrorBody {
    fn example() -> Self {
        Self {
            code: Code::NotFound.as_str().to_owned(),
            message: Code::NotFound.example().to_owned(),
        }
    }
}

/// Stable error codes. Each has one HTTP status ([`Code::status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// Malformed request (JSON, parameters).
    BadRequest,
    /// A value failed validation.
    InvalidInput,
    /// A webhook's signature does not verify (or is stale).
    InvalidSignature,
    /// Missing, expired, tampered or foreign token.
    InvalidToken,
    /// Wrong email or password.
    InvalidCredentials,
    /// The month's task quota of the org's plan is used up.
    QuotaExceeded,
    /// Role does not allow the operation.
    Forbidden,
    /// Object does not exist in the caller's org.
    NotFound,
    /// The Jira issue a task was asked for does not exist (or the org's credential cannot
    /// see it).
    JiraIssueNotFound,
    /// The path exists, the method does not.
    MethodNotAllowed,
    /// Email already registered.
    EmailTaken,
    /// The task has already finished; it cannot be cancelled.
    TaskFinished,
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    /// The body's `Content-Type` is missing or not the operation's.
    UnsupportedMediaType,
    /// The org made more requests than its plan's rate allows; `Retry-After` says when to
    /// try again.
    RateLimited,
    /// Our fault.
    Internal,
    /// GitHub, Azure DevOps or Jira refused or failed a call made for the request.
    IntegrationFailed,
    /// A backend or provider is unreachable or not configured.
    Unavailable,
    /// The request took longer than `http.request_timeout_secs` to answer.
    Timeout,
}

impl Code {
    /// Every code, in status order.
    pub const ALL: [Code; 19] = [
        Code::BadRequest,
        Code::InvalidInput,
        Code::InvalidSignature,
        Code::InvalidToken,
        Code::InvalidCredentials,
        Code::QuotaExceeded,
        Code::Forbidden,
        Code::NotFound,
        Code::JiraIssueNotFound,
        Code::MethodNotAllowed,
        Code::EmailTaken,
        Code::TaskFinished,
        Code::PayloadTooLarge,
        Code::UnsupportedMediaType,
        Code::RateLimited,
        Code::Internal,
        Code::IntegrationFailed,
        Code::Unavailable,
        Code::Timeout,
    ];

    /// The stable string.
    pub fn as_str(&self) -> &'static str {
        match self {
            Code::BadRequest => "bad_request",
            Code::InvalidInput => "invalid_input",
            Code::InvalidSignature => "invalid_signature",
            Code::InvalidToken => "invalid_token",
            Code::InvalidCredentials => "invalid_credentials",
            Code::QuotaExceeded => "quota_exceeded",
            Code::Forbidden => "forbidden",
            Code::NotFound => "not_found",
            Code::JiraIssueNotFound => "jira_issue_not_found",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::EmailTaken => "email_taken",
            Code::TaskFinished => "task_finished",
            Code::PayloadTooLarge => "payload_too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::RateLimited => "rate_limited",
            Code::Internal => "internal",
            Code::IntegrationFailed => "integration_failed",
            Code::Unavailable => "unavailable",
            Code::Timeout => "timeout",
        }
    }

    /// The HTTP status of every response with this code — the one place codes map to statuses.
    pub fn status(&self) -> StatusCode {
        match self {
            Code::BadRequest | Code::InvalidInput | Code::InvalidSignature => {
                StatusCode::BAD_REQUEST
            }
            Code::InvalidToken | Code::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Code::QuotaExceeded => StatusCode::PAYMENT_REQUIRED,
            Code::Forbidden => StatusCode::FORBIDDEN,
            Code::NotFound | Code::JiraIssueNotFound => StatusCode::NOT_FOUND,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::EmailTaken | Code::TaskFinished => StatusCode::CONFLICT,
            Code::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Code::IntegrationFailed => StatusCode::BAD_GATEWAY,
            Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Code::Timeout => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    /// When it is answered, for the OpenAPI document.
    pub fn meaning(&self) -> &'static str {
        match self {
            Code::BadRequest => {
                "the request could not be read: malformed JSON, a missing or mistyped field, a bad parameter"
            }
            Code::InvalidInput => "a value is not acceptable; `message` says which and why",
            Code::InvalidSignature => "the provider's signature header is missing, wrong or stale",
            Code::InvalidToken => "the bearer token is missing, expired, tampered with or not ours",
            Code::InvalidCredentials => "wrong email or password",
            Code::QuotaExceeded => "the plan's task quota for this month is used up",
            Code::Forbidden => {
                "the token's role may not do this; tenant routes refuse operator tokens and operator routes refuse tenant tokens"
            }
            Code::NotFound => {
                "no such object in the caller's organization; another organization's objects answer this too"
            }
            Code::JiraIssueNotFound => {
                "the Jira issue does not exist, or the organization's Jira credential cannot see it; nothing was queued"
            }
            Code::MethodNotAllowed => "the path does not have this method (see `Allow`)",
            Code::EmailTaken => "this email is already registered",
            Code::TaskFinished => "the task has already finished",
            Code::PayloadTooLarge => "the body is larger than 1 MiB",
            Code::UnsupportedMediaType => "the `Content-Type` header is missing or not JSON",
            Code::RateLimited => {
                "the organization made more requests than its plan allows per second; wait the seconds `Retry-After` names"
            }
            Code::Internal => "something failed on our side; the server log has the details",
            Code::IntegrationFailed => {
                "GitHub, Azure DevOps or Jira refused the organization's credential, rate limited it or failed; `message` has the service's words"
            }
            Code::Unavailable => {
                "a backend or payment provider is unreachable or not configured; try again later"
            }
            Code::Timeout => {
                "the server did not answer within its request timeout; the request may or may not have taken effect"
            }
        }
    }

    /// A `message` it might come with, for the OpenAPI document.
    pub fn example(&self) -> &'static str {
        match self {
            Code::BadRequest => "parse request payload error: missing field `email`",
            Code::InvalidInput => "email must look like name@example.com",
            Code::InvalidSignature => "no valid signature for the payload",
            Code::InvalidToken => "missing or invalid bearer token",
            Code::InvalidCredentials => "wrong email or password",
            Code::QuotaExceeded => {
                "the free plan allows 5 tasks per month and 5 were submitted in 2026-12; upgrade the plan or wait for next month"
            }
            Code::Forbidden => "the viewer role is read-only",
            Code::NotFound => "task not found",
            Code::JiraIssueNotFound => {
                "jira: issue ENG-42 does not exist or the credential cannot see it"
            }
            Code::MethodNotAllowed => "method not allowed",
            Code::EmailTaken => "this email is already registered",
            Code::TaskFinished => "the task has already finished (succeeded)",
            Code::PayloadTooLarge => "request body is larger than 1048576 bytes",
            Code::UnsupportedMediaType => {
                "the client request does not include the `Content-Type` header"
            }
            Code::RateLimited => {
                "the free plan allows 10 requests per second (bursts of 20); retry in 1 s"
            }
            Code::Internal => "storage failed; see the server log",
            Code::IntegrationFailed => {
                "jira refused the credential (HTTP 401): Client must be authenticated to access this resource."
            }
            Code::Unavailable => "the quota ledger is unavailable; try again shortly",
            Code::Timeout => "the request took longer than 30 s",
        }
    }

    /// The code of an error poem itself answered with `status` (a route or method that
    /// does not exist, a body or parameter it could not parse, no `Authorization`).
    fn of_status(status: StatusCode) -> Self {
        match status {
            StatusCode::UNAUTHORIZED => Code::InvalidToken,
            StatusCode::FORBIDDEN => Code::Forbidden,
            StatusCode::NOT_FOUND => Code::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => Code::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => Code::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Code::UnsupportedMediaType,
            StatusCode::TOO_MANY_REQUESTS => Code::RateLimited,
            StatusCode::GATEWAY_TIMEOUT => Code::Timeout,
            s if s.is_client_error() => Code::BadRequest,
            _ => Code::Internal,
        }
    }
}

/// An API error: a code and a message; its status is the code's.
#[derive(Debug)]
pub struct ApiError {
    code: Code,
    message: String,
}

impl ApiError {
    /// The error for `code`.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// A validation failure.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Code::InvalidInput, message)
    }

    /// "No such object" — also what another org's object looks like.
    pub fn not_found(what: &str) -> Self {
        Self::new(Code::NotFound, format!("{what} not found"))
    }

    /// An unexpected failure: logged in full, answered without internals.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "{context}");
        Self::new(
            Code::Internal,
            format!("{context} failed; see the server log"),
        )
    }

    /// A backend that is down: logged in full, answered 503 without internals.
    pub fn unavailable(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "{context}");
        Self::new(
            Code::Unavailable,
            format!("{context} is unavailable; try again shortly"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> poem::Response {
        let body = ErrorBody {
            code: self.code.as_str().to_owned(),
            message: self.message,
        };
        Json(body).with_status(self.code.status()).into_response()
    }
}

impl From<ApiError> for poem::Error {
    fn from(err: ApiError) -> Self {
        poem::Error::from_response(err.into_response())
    }
}

/// The type documents no response of its own: each operation's error responses, with the
/// codes it can answer, are added to the document by `spec.rs`.
impl ApiResponse for ApiError {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: Vec::new(),
        }
    }

    fn register(registry: &mut Registry) {
        ErrorBody::register(registry);
    }
}

/// Maps store errors where "not found" means the named object.
pub(crate) fn store_error(what: &str, err: StoreError) -> ApiError {
    match err {
        StoreError::NotFound => ApiError::not_found(what),
        StoreError::Conflict(message) => ApiError::new(Code::InvalidInput, message),
        StoreError::Backend(message) => ApiError::internal("storage", message),
    }
}

/// Turns any error poem produced on its own (unknown route, wrong method, a body or
/// parameter it could not parse, no `Authorization` header, a panic) into the same JSON
/// shape, with the status of its code.
pub(crate) async fn into_json_response(err: poem::Error) -> poem::Response {
    if err.is_from_response() {
        // Our own `ApiError`s arrive here already shaped: keep them.
        return err.into_response();
    }
    let code = Code::of_status(err.status());
    let message = match code {
        Code::Internal => {
            tracing::error!(error = %err, "request failed");
            "internal error; see the server log".to_owned()
        }
        Code::InvalidToken => "missing or invalid bearer token".to_owned(),
        _ => err.to_string(),
    };
    ApiError::new(code, message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_listed_in_status_order() {
        let names: std::collections::BTreeSet<_> = Code::ALL.iter().map(Code::as_str).collect();
        assert_eq!(names.len(), Code::ALL.len());
        assert!(Code::ALL.is_sorted_by_key(|c| c.status().as_u16()));
        assert!(Code::ALL.is_sorted());
    }

    #[test]
    fn poem_errors_keep_a_status_of_their_code() {
        for status in [400, 401, 403, 404, 405, 411, 413, 415, 422, 429, 500, 502] {
            let status = StatusCode::from_u16(status).unwrap();
            let code = Code::of_status(status);
            assert_eq!(
                code.status().is_client_error(),
                status.is_client_error(),
                "{status}"
            );
        }
    }
}
