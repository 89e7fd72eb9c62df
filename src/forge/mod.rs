//! Clients of the services an org connects: GitHub and Azure DevOps (pull requests), Jira
//! (issues). One module per service; this one holds what they share: how a request is
//! authenticated, retried and turned into a typed error.
//!
//! - Every base URL is configurable (GitHub Enterprise, Azure DevOps Server, Jira Data
//!   Center, and the tests' local servers).
//! - Retries: 429, 5xx, and GitHub's rate-limit 403s are retried after the wait the service
//!   asks for (`Retry-After` in seconds or as an HTTP date, else `X-RateLimit-Reset` once the
//!   remaining count is 0, else exponential backoff), at most [`Retries::max_attempts`] tries
//!   and never a wait longer than [`Retries::max_wait`]: a service that asks for more answers
//!   `rate_limited` at once rather than holding a run for an hour.
//! - A request that is not idempotent (a Jira comment) is retried only when the service
//!   certainly did not act on it: a 429, or a connection that was never made.
//! - Errors are typed ([`ServiceError`]) with stable codes; their messages carry the
//!   service's own words but never a credential (reqwest's errors are stripped of the URL,
//!   and no header is ever formatted).

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use crate::llm::openai::is_transient;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub mod adf;
pub mod azure;
pub mod github;
pub mod jira;
mod pull_requests;

pub use pull_requests::ForgePullRequests;

/// How a request proves who it is.
#[derive(Clone)]
pub enum Auth {
    /// `Authorization: Bearer <token>` (GitHub tokens, Jira Data Center PATs).
    Bearer(SecretString),
    /// `Authorization: Basic base64(user:secret)` (Azure DevOps PATs with an empty user,
    /// Jira Cloud's account email with an API token).
    Basic {
        /// User name; may be empty.
        username: String,
        /// Password, token or PAT.
        secret: SecretString,
    },
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Auth::Bearer([redacted])"),
            Auth::Basic { username, .. } => f
                .debug_struct("Auth::Basic")
                .field("username", username)
                .finish_non_exhaustive(),
        }
    }
}

/// Why a call to a service failed. [`ServiceError::code`] is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// 401, or a 403 that is not a rate limit: the credential is wrong, expired or lacks a
    /// permission.
    #[error("{service} refused the credential (HTTP {status}): {message}")]
    AuthFailed {
        /// Which service.
        service: &'static str,
        /// 401 or 403.
        status: u16,
        /// The service's words.
        message: String,
    },
    /// 404: the object does not exist, or the credential may not see it.
    #[error("{service}: {message}")]
    NotFound {
        /// Which service.
        service: &'static str,
        /// What was looked for.
        message: String,
    },
    /// Still rate limited after the retries, or asked to wait longer than allowed.
    #[error("{service} is rate limiting the organization's credential")]
    RateLimited {
        /// Which service.
        service: &'static str,
        /// How long the service asked to wait, if it said.
        retry_after: Option<Duration>,
    },
    /// Any other 4xx: the request was understood and refused (e.g. a validation error).
    #[error("{service} refused the request (HTTP {status}): {message}")]
    Refused {
        /// Which service.
        service: &'static str,
        /// The status.
        status: u16,
        /// The service's words.
        message: String,
    },
    /// 5xx after the retries, a timeout, or no connection.
    #[error("{service} is unavailable: {message}")]
    Unavailable {
        /// Which service.
        service: &'static str,
        /// What happened.
        message: String,
    },
    /// A success status with a body that is not what the service documents.
    #[error("{service} answered something unreadable: {message}")]
    InvalidResponse {
        /// Which service.
        service: &'static str,
        /// What was wrong.
        message: String,
    },
}

impl From<ServiceError> for orchard_actors::ports::IntegrationError {
    fn from(err: ServiceError) -> Self {
        Self {
            code: err.code().to_owned(),
            message: err.to_string(),
        }
    }
}

impl ServiceError {
    /// Stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::AuthFailed { .. } => "auth_failed",
            ServiceError::NotFound { .. } => "not_found",
            ServiceError::RateLimited { .. } => "rate_limited",
            ServiceError::Refused { .. } => "refused",
            ServiceError::Unavailable { .. } => "unavailable",
            ServiceError::InvalidResponse { .. } => "invalid_response",
        }
    }

    /// Whether trying again later may succeed (the caller decides when).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ServiceError::RateLimited { .. } | ServiceError::Unavailable { .. }
        )
    }
}

/// A pull request to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequestSpec {
    /// Source branch (`orchard/<task_id>`).
    pub branch: String,
    /// Target branch; `None`: the repository's default branch, as the service says.
    pub base: Option<String>,
    /// Title (cut to the service's limit).
    pub title: String,
    /// Description, Markdown (cut to the service's limit).
    pub body: String,
    /// Open it as a draft.
    pub draft: bool,
}

/// An open pull request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    /// Its number (GitHub) or id (Azure DevOps).
    pub number: u64,
    /// Its web page.
    pub url: String,
    /// Opened by this call (`false`: it was open already).
    pub created: bool,
}

/// Opens a pull request unless one is open from the branch already (`find`): a task that
/// finishes twice gets one pull request. The forge refuses a second open pull request for the
/// same branches with `conflict` (GitHub 422, Azure DevOps 409), which settles two runs
/// creating at once: the loser looks again and finds the winner's.
pub(crate) async fn find_or_open<Find, Found, Open, Opened>(
    find: Find,
    open: Open,
    conflict: u16,
) -> Result<PullRequest, ServiceError>
where
    Find: Fn() -> Found,
    Found: std::future::Future<Output = Result<Option<PullRequest>, ServiceError>>,
    Open: FnOnce() -> Opened,
    Opened: std::future::Future<Output = Result<PullRequest, ServiceError>>,
{
    if let Some(existing) = find().await? {
        return Ok(existing);
    }
    match open().await {
        Err(err @ ServiceError::Refused { status, .. }) if status == conflict => {
            find().await?.ok_or(err)
        }
        other => other,
    }
}

/// `text` cut to at most `max` characters, on a character boundary, marked with `…` when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    truncate_units(text, max, |_| 1)
}

/// `text` cut to at most `max` UTF-16 code units (how .NET services such as Azure DevOps
/// count), on a character boundary, marked with `…` when cut.
pub(crate) fn truncate_utf16(text: &str, max: usize) -> String {
    truncate_units(text, max, char::len_utf16)
}

/// `text` cut to at most `max` units as `units` counts them, on a character boundary, the
/// `…` (one unit) taking the last place when cut.
fn truncate_units(text: &str, max: usize, units: fn(char) -> usize) -> String {
    if text.chars().map(units).sum::<usize>() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        if used + units(c) > max.saturating_sub(1) {
            break;
        }
        used += units(c);
        out.push(c);
    }
    out.push('…');
    out
}

/// Retry policy of one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retries {
    /// Tries per request, the first included (at least 1).
    pub max_attempts: u32,
    /// Longest wait between two tries; a service asking for more gets `rate_limited`.
    pub max_wait: Duration,
    /// First backoff when the service names no wait; doubles per try.
    pub backoff: Duration,
}

impl Default for Retries {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            max_wait: Duration::from_secs(60),
            backoff: Duration::from_millis(500),
        }
    }
}

/// Settings shared by the clients.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Retry policy.
    pub retries: Retries,
    /// `User-Agent` (GitHub refuses requests without one).
    pub user_agent: String,
}

impl Default for ClientSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            retries: Retries::default(),
            user_agent: concat!("orchard/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl ClientSettings {
    /// The settings `[integrations]` names.
    pub fn from_config(config: &crate::config::IntegrationsConfig) -> Self {
        Self {
            timeout: Duration::from_secs(config.timeout_secs.max(1)),
            retries: Retries {
                max_attempts: config.max_attempts.max(1),
                max_wait: Duration::from_secs(config.max_wait_secs),
                ..Retries::default()
            },
            ..Self::default()
        }
    }
}

/// Longest part of an error body kept in an error message.
const MAX_ERROR_BODY: usize = 300;

/// Largest answer read from a service: the URLs are the orgs' own (a Jira site), so a
/// server streaming without end must not fill this process's memory.
const MAX_RESPONSE_BYTES: usize = 8 << 20;

/// One service's HTTP client: its name (for errors and metrics), the headers it always
/// sends, and the retry policy.
#[derive(Debug, Clone)]
pub(crate) struct Service {
    name: &'static str,
    client: reqwest::Client,
    retries: Retries,
}

/// One request, before it is sent (it may be sent several times).
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) auth: &'a Auth,
    pub(crate) body: Option<serde_json::Value>,
    /// Safe to send twice (reads, and writes the service deduplicates).
    pub(crate) idempotent: bool,
}

impl<'a> Call<'a> {
    /// A `GET`: idempotent, no body.
    pub(crate) fn get(url: Url, auth: &'a Auth) -> Self {
        Self {
            method: Method::GET,
            url,
            auth,
            body: None,
            idempotent: true,
        }
    }
}

impl Service {
    pub(crate) fn new(
        name: &'static str,
        settings: &ClientSettings,
        headers: HeaderMap,
    ) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(settings.user_agent.clone())
            .default_headers(headers)
            // A redirect would carry the Authorization header to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            name,
            client,
            retries: settings.retries,
        })
    }

    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// Sends `call`, retrying by the policy, and reads a JSON answer.
    pub(crate) async fn json<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
    ) -> Result<T, ServiceError> {
        let (_, body) = self.send(&call).await?;
        serde_json::from_slice(&body).map_err(|err| ServiceError::InvalidResponse {
            service: self.name,
            message: format!("{} {}: {err}", call.method, call.url.path()),
        })
    }

    /// Sends `call`, retrying by the policy; the status and body of the first success.
    pub(crate) async fn send(
        &self,
        call: &Call<'_>,
    ) -> Result<(StatusCode, Vec<u8>), ServiceError> {
        let mut attempt = 1;
        loop {
            let failure = match self.attempt(call).await {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            let (retry, asked) = match &failure {
                Failure::Status {
                    status,
                    rate_limited,
                    wait,
                    ..
                } => (
                    // A request that is not idempotent only when the service surely did not
                    // act on it: a 429.
                    *status == StatusCode::TOO_MANY_REQUESTS
                        || (call.idempotent && (*rate_limited || is_transient(*status))),
                    *wait,
                ),
                Failure::Connect(_) => (true, None),
                Failure::Transport(_) => (call.idempotent, None),
            };
            if asked.is_some_and(|wait| wait > self.retries.max_wait) {
                // The service wants more patience than a run or a request has.
                return Err(ServiceError::RateLimited {
                    service: self.name,
                    retry_after: asked,
                });
            }
            let wait = asked.unwrap_or_else(|| self.backoff(attempt).min(self.retries.max_wait));
            if !retry || attempt >= self.retries.max_attempts {
                return Err(self.error(failure, wait));
            }
            metrics::counter!("orchard_integration_retries_total", "service" => self.name)
                .increment(1);
            tracing::debug!(
                service = self.name,
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retrying"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.retries
            .backoff
            .saturating_mul(1 << (attempt - 1).min(16))
    }

    async fn attempt(&self, call: &Call<'_>) -> Result<(StatusCode, Vec<u8>), Failure> {
        let mut request = self.client.request(call.method.clone(), call.url.clone());
        request = match call.auth {
            Auth::Bearer(token) => request.bearer_auth(token.expose_secret()),
            Auth::Basic { username, secret } => {
                request.basic_auth(username, Some(secret.expose_secret()))
            }
        };
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|err| {
            let connect = err.is_connect();
            let message = err.without_url().to_string();
            if connect {
                Failure::Connect(message)
            } else {
                Failure::Transport(message)
            }
        });
        let response = match response {
            Ok(response) => response,
            Err(failure) => {
                record(self.name, None);
                return Err(failure);
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_capped(response).await?;
        record(self.name, Some(status));
        if status.is_success() {
            return Ok((status, body));
        }
        if status.is_redirection() {
            // Redirects are not followed (the credential would go along): a renamed or
            // moved repository, or a wrong base URL.
            return Err(Failure::Status {
                status,
                rate_limited: false,
                wait: None,
                message: format!(
                    "redirected to {}: the repository moved or the base URL is wrong",
                    header_str(&headers, "location").unwrap_or("?")
                ),
            });
        }
        let remaining_zero =
            header_str(&headers, "x-ratelimit-remaining").is_some_and(|v| v.trim() == "0");
        let wait = retry_after(&headers, remaining_zero);
        // GitHub answers its rate limits with 403 too: with the remaining count at 0, with a
        // Retry-After, or (secondary limits) with only the words in the body.
        let rate_limited = status == StatusCode::TOO_MANY_REQUESTS
            || (status == StatusCode::FORBIDDEN
                && (remaining_zero
                    || wait.is_some()
                    || String::from_utf8_lossy(&body)
                        .to_ascii_lowercase()
                        .contains("rate limit")));
        Err(Failure::Status {
            status,
            rate_limited,
            wait,
            message: snippet(&body),
        })
    }

    fn error(&self, failure: Failure, wait: Duration) -> ServiceError {
        let service = self.name;
        match failure {
            Failure::Status {
                rate_limited: true, ..
            } => ServiceError::RateLimited {
                service,
                retry_after: Some(wait),
            },
            Failure::Status {
                status, message, ..
            } => match status {
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ServiceError::AuthFailed {
                    service,
                    status: status.as_u16(),
                    message,
                },
                StatusCode::NOT_FOUND => ServiceError::NotFound { service, message },
                s if s.is_redirection() => ServiceError::Refused {
                    service,
                    status: s.as_u16(),
                    message,
                },
                s if s.is_client_error() && s != StatusCode::REQUEST_TIMEOUT => {
                    ServiceError::Refused {
                        service,
                        status: s.as_u16(),
                        message,
                    }
                }
                s => ServiceError::Unavailable {
                    service,
                    message: format!("HTTP {s}: {message}"),
                },
            },
            Failure::Connect(message) | Failure::Transport(message) => {
                ServiceError::Unavailable { service, message }
            }
        }
    }
}

/// A response body, at most [`MAX_RESPONSE_BYTES`] of it.
async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, Failure> {
    let too_big = || {
        Failure::Transport(format!(
            "the answer is larger than {} MiB",
            MAX_RESPONSE_BYTES >> 20
        ))
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
    {
        return Err(too_big());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| Failure::Transport(err.without_url().to_string()))?
    {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(too_big());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What one try ended with.
enum Failure {
    /// The service answered with an error status.
    Status {
        status: StatusCode,
        /// A 429, or a 403 that is GitHub's rate limit.
        rate_limited: bool,
        /// The wait the service asked for.
        wait: Option<Duration>,
        message: String,
    },
    /// No connection was made: the request never reached the service.
    Connect(String),
    /// The connection broke or timed out: the service may have acted.
    Transport(String),
}

/// The services, as `service` label values.
pub const SERVICES: [&str; 3] = ["github", "azure_devops", "jira"];

/// Outcomes of one request, as `outcome` label values.
pub const OUTCOMES: [&str; 4] = ["ok", "client_error", "server_error", "error"];

fn record(service: &'static str, status: Option<StatusCode>) {
    let outcome = match status {
        Some(s) if s.is_success() => "ok",
        Some(s) if s.is_client_error() => "client_error",
        Some(_) => "server_error",
        None => "error",
    };
    metrics::counter!("orchard_integration_requests_total", "service" => service, "outcome" => outcome)
        .increment(1);
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The wait a response asks for: `Retry-After` in seconds (read as the LLM clients read it)
/// or as an HTTP date, else, when the remaining count is 0, `X-RateLimit-Reset` (GitHub:
/// Unix seconds) minus now.
pub(crate) fn retry_after(headers: &HeaderMap, remaining_zero: bool) -> Option<Duration> {
    if let Some(wait) = crate::llm::openai::retry_after(headers) {
        return Some(wait);
    }
    if let Some(at) = header_str(headers, "retry-after")
        .and_then(|value| httpdate::parse_http_date(value.trim()).ok())
    {
        return Some(
            at.duration_since(std::time::SystemTime::now())
                .unwrap_or(Duration::ZERO),
        );
    }
    if remaining_zero {
        let reset = header_str(headers, "x-ratelimit-reset")?
            .trim()
            .parse::<u64>()
            .ok()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs();
        return Some(Duration::from_secs(reset.saturating_sub(now)));
    }
    None
}

/// The start of an error body, on one line, for a message.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_ERROR_BODY)
        .collect();
    if text.chars().count() > MAX_ERROR_BODY {
        out.push('…');
    }
    out
}

/// Parses a configured base URL: http(s), no query, no credentials; a trailing `/` dropped.
///
/// Messages never repeat the input: it may hold a credential someone pasted into it.
pub fn base_url(raw: &str) -> anyhow::Result<Url> {
    let url = Url::parse(raw.trim().trim_end_matches('/'))
        .map_err(|err| anyhow::anyhow!("not a URL ({err})"))?;
    if !matches!(url.scheme(), "https" | "http") {
        anyhow::bail!("only http and https URLs are supported");
    }
    if !url.username().is_empty() || url.password().is_some() {
        anyhow::bail!("credentials do not belong in a URL");
    }
    if url.query().is_some() || url.fragment().is_some() {
        anyhow::bail!("a base URL has no query or fragment");
    }
    Ok(url)
}

/// `base` with `segments` appended, each percent-encoded as one path segment.
pub(crate) fn join(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    {
        let mut path = url.path_segments_mut().expect("http(s) URLs have a path");
        path.pop_if_empty();
        for segment in segments {
            path.push(segment);
        }
    }
    url
}

/// `Accept: application/json`.
pub(crate) fn json_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT,
        HeaderValue::from_static("application/json"),
    );
    headers
}

/// A JSON body.
pub(crate) fn body<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    Some(serde_json::to_value(value).expect("request bodies serialise"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_dates_and_github_resets() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, false), Some(Duration::from_secs(7)));

        let later = std::time::SystemTime::now() + Duration::from_secs(120);
        headers.insert(
            "retry-after",
            HeaderValue::from_str(&httpdate::fmt_http_date(later)).unwrap(),
        );
        let wait = retry_after(&headers, false).unwrap();
        assert!(wait > Duration::from_secs(110) && wait <= Duration::from_secs(120));

        let mut headers = HeaderMap::new();
        let reset = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 30;
        headers.insert("x-ratelimit-reset", HeaderValue::from(reset));
        assert_eq!(
            retry_after(&headers, false),
            None,
            "only once the count is 0"
        );
        let wait = retry_after(&headers, true).unwrap();
        assert!(wait > Duration::from_secs(25) && wait <= Duration::from_secs(30));
    }

    #[test]
    fn base_urls_are_http_without_credentials() {
        assert_eq!(
            base_url("https://api.github.com/").unwrap().as_str(),
            "https://api.github.com/"
        );
        assert_eq!(
            base_url("https://ghe.example.com/api/v3/").unwrap().path(),
            "/api/v3"
        );
        assert!(base_url("ftp://example.com").is_err());
        assert!(base_url("https://user:pw@example.com").is_err());
        assert!(base_url("https://example.com/?a=1").is_err());
        assert!(base_url("not a url").is_err());
    }

    #[test]
    fn segments_are_encoded_one_by_one() {
        let base = base_url("https://dev.azure.com/acme").unwrap();
        let url = join(&base, &["My Project", "_apis", "a/b"]);
        assert_eq!(
            url.as_str(),
            "https://dev.azure.com/acme/My%20Project/_apis/a%2Fb"
        );
    }

    #[test]
    fn utf16_truncation_counts_what_dotnet_counts() {
        assert_eq!(truncate_utf16("abc", 3), "abc");
        assert_eq!(truncate_utf16("abcd", 3), "ab…");
        // Each emoji is two UTF-16 units.
        let cut = truncate_utf16("😀😀😀😀", 5);
        assert_eq!(cut, "😀😀…");
        assert!(cut.encode_utf16().count() <= 5);
    }

    #[test]
    fn error_snippets_are_short_and_on_one_line() {
        assert_eq!(snippet(b"a\nb"), "a b");
        assert_eq!(snippet(&[b'x'; 400]).chars().count(), MAX_ERROR_BODY + 1);
    }

    #[test]
    fn auth_debug_hides_the_secret() {
        let auth = Auth::Basic {
            username: "me@example.com".into(),
            secret: SecretString::from("hunter2-token"),
        };
        let shown = format!("{auth:?}");
        assert!(shown.contains("me@example.com") && !shown.contains("hunter2"));
        let shown = format!("{:?}", Auth::Bearer(SecretString::from("ghp_secret")));
        assert!(!shown.contains("ghp_secret"));
    }
}
