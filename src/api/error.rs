//! The one error type of the API: a stable `code`, a human `message`, and one function
//! from code to HTTP status.

use orchard_actors::ports::StoreError;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

/// The JSON body of every error response.
#[derive(Debug, Clone, Object)]
pub struct ErrorBody {
    /// Stable, machine-readable code (e.g. `not_found`, `invalid_token`).
    pub code: String,
    /// Human-readable detail.
    pub message: String,
}

/// An API error, as an OpenAPI response per status.
#[derive(Debug, ApiResponse)]
#[oai(bad_request_handler = "bad_request")]
pub enum ApiError {
    /// The request is malformed or a value is invalid.
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// No valid token, or wrong credentials.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// The caller's role does not allow this.
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// No such object in the caller's organization.
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// The plan's quota for this month is used up.
    #[oai(status = 402)]
    PaymentRequired(Json<ErrorBody>),
    /// The request conflicts with existing data.
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// Something failed on our side; the message says what, without internals.
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// A backend (or a payment provider) is unreachable or not configured; try again later.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>),
}

/// Stable error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Malformed request (JSON, parameters).
    BadRequest,
    /// A value failed validation.
    InvalidInput,
    /// Missing, expired, tampered or foreign token.
    InvalidToken,
    /// Wrong email or password.
    InvalidCredentials,
    /// Role does not allow the operation.
    Forbidden,
    /// Object does not exist in the caller's org.
    NotFound,
    /// Email already registered.
    EmailTaken,
    /// The task has already finished; it cannot be cancelled.
    TaskFinished,
    /// The month's task quota of the org's plan is used up.
    QuotaExceeded,
    /// A webhook's signature does not verify (or is stale).
    InvalidSignature,
    /// A backend or provider is unreachable or not configured.
    Unavailable,
    /// Our fault.
    Internal,
}

impl Code {
    /// The stable string.
    pub fn as_str(&self) -> &'static str {
        match self {
            Code::BadRequest => "bad_request",
            Code::InvalidInput => "invalid_input",
            Code::InvalidToken => "invalid_token",
            Code::InvalidCredentials => "invalid_credentials",
            Code::Forbidden => "forbidden",
            Code::NotFound => "not_found",
            Code::EmailTaken => "email_taken",
            Code::TaskFinished => "task_finished",
            Code::QuotaExceeded => "quota_exceeded",
            Code::InvalidSignature => "invalid_signature",
            Code::Unavailable => "unavailable",
            Code::Internal => "internal",
        }
    }
}

impl ApiError {
    /// The error for `code` — the one place where codes map to statuses.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        let body = Json(ErrorBody {
            code: code.as_str().to_owned(),
            message: message.into(),
        });
        match code {
            Code::BadRequest | Code::InvalidInput | Code::InvalidSignature => {
                ApiError::BadRequest(body)
            }
            Code::QuotaExceeded => ApiError::PaymentRequired(body),
            Code::Unavailable => ApiError::Unavailable(body),
            Code::InvalidToken | Code::InvalidCredentials => ApiError::Unauthorized(body),
            Code::Forbidden => ApiError::Forbidden(body),
            Code::NotFound => ApiError::NotFound(body),
            Code::EmailTaken | Code::TaskFinished => ApiError::Conflict(body),
            Code::Internal => ApiError::Internal(body),
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
}

impl ApiError {
    /// A backend that is down: logged in full, answered 503 without internals.
    pub fn unavailable(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "{context}");
        Self::new(
            Code::Unavailable,
            format!("{context} is unavailable; try again shortly"),
        )
    }
}

/// Requests poem-openapi could not parse (bad JSON, wrong types, missing fields, bad token).
fn bad_request(err: poem::Error) -> ApiError {
    if err.status() == poem::http::StatusCode::UNAUTHORIZED {
        return ApiError::new(Code::InvalidToken, "missing or invalid bearer token");
    }
    if err.status() == poem::http::StatusCode::FORBIDDEN {
        return ApiError::new(Code::Forbidden, err.to_string());
    }
    ApiError::new(Code::BadRequest, err.to_string())
}

/// Maps store errors where "not found" means the named object.
pub(crate) fn store_error(what: &str, err: StoreError) -> ApiError {
    match err {
        StoreError::NotFound => ApiError::not_found(what),
        StoreError::Conflict(message) => ApiError::new(Code::InvalidInput, message),
        StoreError::Backend(message) => ApiError::internal("storage", message),
    }
}

/// Turns any error poem produced outside an operation (unknown route, wrong method, body
/// too large, a panic) into the same JSON shape.
pub(crate) async fn into_json_response(err: poem::Error) -> poem::Response {
    use poem::http::StatusCode;
    if err.is_from_response() {
        // Our own `ApiError`s arrive here already shaped: keep them.
        return err.into_response();
    }
    let status = err.status();
    let code = match status {
        StatusCode::UNAUTHORIZED => "invalid_token",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        s if s.is_client_error() => "bad_request",
        _ => "internal",
    };
    let message = if status.is_server_error() {
        tracing::error!(error = %err, "request failed");
        "internal error; see the server log".to_owned()
    } else {
        err.to_string()
    };
    let body = serde_json::json!({"code": code, "message": message});
    poem::Response::builder()
        .status(status)
        .content_type("application/json; charset=utf-8")
        .body(body.to_string())
}
