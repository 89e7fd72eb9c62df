//! `POST /v1/webhooks/github/{org_id}`: an org's GitHub webhook turns issues labelled
//! `orchard` into tasks.
//!
//! Optional per org: it exists once the org stores the secret it gave GitHub
//! (`PUT /v1/credentials/github_webhook`). A delivery is verified before anything in it is
//! read: `X-Hub-Signature-256` must be `sha256=` and the hex HMAC-SHA256 of the raw body
//! under that secret (compared in constant time). Then an `issues` event whose issue
//! carries the label (`labeled` with it, or `opened`/`reopened` with it) on a registered
//! GitHub repository of the org becomes a task, through the same quota and queue as
//! `POST /v1/tasks`; every other event is answered `ignored`.

use hmac::{Hmac, KeyInit, Mac};
use orchard_actors::domain::{CredentialProvider, OrgId, OrgScope, Provider as Forge};
use orchard_actors::ports::{CredentialVault, StoreError};
use poem::web::Data;
use poem_openapi::param::{Header, Path};
use poem_openapi::payload::Json;
use poem_openapi::types::Example;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;
use uuid::Uuid;

use super::billing::{EventBody, Provider};
use super::error::{ApiError, Code, store_error};
use super::tasks::{TaskSpec, queue_task};
use super::{AppState, validate};
use crate::forge::github::full_name;

/// The label that makes an issue a task.
pub(crate) const LABEL: &str = "orchard";

#[derive(Tags)]
enum WebhookTags {
    /// Inbound webhooks of the organizations' forges.
    Webhooks,
}

/// The forge webhooks.
pub(crate) struct WebhooksApi;

/// GitHub's deliveries.
struct GithubEvents;

impl Provider for GithubEvents {
    const DESCRIPTION: &'static str = "A GitHub webhook delivery, exactly as GitHub sent it (the signature covers these bytes). `issues` events are read; others are ignored.";
    fn example() -> serde_json::Value {
        json!({
            "action": "labeled",
            "label": {"name": LABEL},
            "issue": {
                "number": 42,
                "title": "Validate the signup input",
                "body": "Reject empty emails with 400.",
                "labels": [{"name": LABEL}],
                "milestone": {"title": "Sprint 7"},
                "html_url": "https://github.com/acme/signup-service/issues/42"
            },
            "repository": {"full_name": "acme/signup-service"}
        })
    }
}

/// What became of a delivery.
#[derive(Object)]
#[oai(example, skip_serializing_if_is_none)]
struct GithubWebhookResult {
    /// `queued` (a task was made), `ignored` (nothing to do; `reason` says why) or `pong`
    /// (GitHub's `ping`).
    status: String,
    /// The task made from the issue.
    task_id: Option<Uuid>,
    /// Why nothing was done.
    reason: Option<String>,
}

impl Example for GithubWebhookResult {
    fn example() -> Self {
        Self {
            status: "queued".into(),
            task_id: Some(super::examples::TASK_ID),
            reason: None,
        }
    }
}

#[derive(ApiResponse)]
enum DeliveryResult {
    /// Read; nothing queued (`ignored` or `pong`).
    #[oai(status = 200)]
    Done(Json<GithubWebhookResult>),
    /// The issue became a task.
    #[oai(status = 202)]
    Queued(Json<GithubWebhookResult>),
}

fn ignored(reason: impl Into<String>) -> DeliveryResult {
    DeliveryResult::Done(Json(GithubWebhookResult {
        status: "ignored".into(),
        task_id: None,
        reason: Some(reason.into()),
    }))
}

#[derive(Deserialize)]
struct IssuesEvent {
    action: String,
    #[serde(default)]
    label: Option<Label>,
    issue: Issue,
    repository: Repository,
}

#[derive(Deserialize)]
struct Label {
    name: String,
}

#[derive(Deserialize)]
struct Issue {
    number: u64,
    title: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    labels: Vec<Label>,
    #[serde(default)]
    milestone: Option<Milestone>,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    author_association: Option<String>,
}

#[derive(Deserialize)]
struct Milestone {
    title: String,
}

#[derive(Deserialize)]
struct Repository {
    full_name: String,
}

/// Whether `header` is `sha256=<hex HMAC-SHA256 of body under secret>`; constant time.
pub(crate) fn signature_matches(header: &str, body: &[u8], secret: &[u8]) -> bool {
    let Some(hex_mac) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_mac) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

fn unknown_webhook() -> ApiError {
    ApiError::new(
        Code::NotFound,
        "no GitHub webhook is set up for this organization",
    )
}

#[OpenApi(prefix_path = "/v1", tag = "WebhookTags::Webhooks")]
impl WebhooksApi {
    /// An organization's GitHub webhook (content type `application/json`, event "Issues"):
    /// an issue labelled `orchard` on one of its registered GitHub repositories becomes a
    /// task: title and body as the instruction, milestone as the sprint label. Set it up by
    /// storing the webhook's secret with `PUT /v1/credentials/github_webhook`.
    #[oai(
        path = "/webhooks/github/:org_id",
        method = "post",
        operation_id = "github_webhook"
    )]
    async fn github(
        &self,
        state: Data<&AppState>,
        /// The organization whose webhook this is.
        #[oai(example = "super::examples::org_id")]
        org_id: Path<String>,
        /// `sha256=<hex HMAC-SHA256 of the body under the webhook's secret>`.
        #[oai(
            name = "X-Hub-Signature-256",
            example = "super::examples::hub_signature"
        )]
        signature: Header<Option<String>>,
        /// The event: `issues` is read, `ping` answered, the rest ignored.
        #[oai(name = "X-GitHub-Event", example = "super::examples::github_event")]
        event: Header<Option<String>>,
        body: EventBody<GithubEvents>,
    ) -> Result<DeliveryResult, ApiError> {
        let org_id: OrgId = org_id.trim().parse().map_err(|_| unknown_webhook())?;
        // The path names the org only to find the secret that authenticates the delivery;
        // nothing else of the org is read before the signature verifies.
        let scope = OrgScope::trusted(org_id);
        let credential = match state
            .store
            .credential(&scope, CredentialProvider::GithubWebhook)
            .await
        {
            Ok(credential) => credential,
            Err(StoreError::NotFound) => return Err(unknown_webhook()),
            Err(err) => return Err(store_error("webhook", err)),
        };
        let secret = CredentialVault::open(&*state.keyring, &credential).map_err(|_| {
            ApiError::new(
                Code::Unavailable,
                "the organization's webhook secret cannot be decrypted; it must be stored again",
            )
        })?;
        let header = signature.0.as_deref().unwrap_or_default();
        if !signature_matches(header, &body.0, secret.expose_secret().as_bytes()) {
            return Err(ApiError::new(
                Code::InvalidSignature,
                "X-Hub-Signature-256 is missing or does not match the body",
            ));
        }
        drop(secret);

        match event.0.as_deref() {
            Some("ping") => {
                return Ok(DeliveryResult::Done(Json(GithubWebhookResult {
                    status: "pong".into(),
                    task_id: None,
                    reason: None,
                })));
            }
            Some("issues") => {}
            other => {
                return Ok(ignored(format!(
                    "only `issues` events are read, not {}",
                    other.unwrap_or("(no X-GitHub-Event)")
                )));
            }
        }
        let event: IssuesEvent = serde_json::from_slice(&body.0)
            .map_err(|err| ApiError::invalid(format!("not a GitHub issues event: {err}")))?;
        let labelled = match event.action.as_str() {
            "labeled" => event.label.as_ref().is_some_and(|l| l.name == LABEL),
            // Labelling needs triage rights; opening does not (an issue template can carry
            // the label), so an opened issue counts only from the repository's own people.
            "opened" | "reopened" => {
                event.issue.labels.iter().any(|l| l.name == LABEL)
                    && matches!(
                        event.issue.author_association.as_deref(),
                        Some("OWNER" | "MEMBER" | "COLLABORATOR")
                    )
            }
            _ => false,
        };
        if !labelled {
            return Ok(ignored(format!(
                "`{}` of an issue is not the `{LABEL}` label being put on it",
                event.action
            )));
        }

        let wanted = event.repository.full_name.to_ascii_lowercase();
        let repos = state
            .store
            .list_repos(&scope)
            .await
            .map_err(|err| store_error("repository", err))?;
        let repo = repos.iter().find(|repo| {
            repo.provider == Forge::Github
                && full_name(&repo.url).is_some_and(|name| name.to_ascii_lowercase() == wanted)
        });
        let Some(repo) = repo else {
            return Ok(ignored(format!(
                "{} is not a registered GitHub repository of the organization",
                event.repository.full_name
            )));
        };

        let issue = &event.issue;
        let mut text = format!("{} (#{})", issue.title.trim(), issue.number);
        if let Some(body) = issue
            .body
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
        {
            text.push_str("\n\n");
            text.push_str(body);
        }
        if let Some(url) = &issue.html_url {
            text.push_str(&format!("\n\n{url}"));
        }
        let text: String = text.chars().take(validate::MAX_INSTRUCTION_CHARS).collect();
        let instruction = validate::instruction(&text).map_err(ApiError::invalid)?;
        let sprint = issue
            .milestone
            .as_ref()
            .and_then(|m| validate::sprint(&m.title).ok());
        let task = queue_task(
            &state,
            &scope,
            TaskSpec {
                repo_id: repo.id,
                instruction,
                sprint,
                max_tokens: None,
                jira_issue: None,
            },
            &format!("github:{}#{}", event.repository.full_name, issue.number),
        )
        .await?;
        Ok(DeliveryResult::Queued(Json(GithubWebhookResult {
            status: "queued".into(),
            task_id: Some(task.id.as_uuid()),
            reason: None,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_githubs_hmac_of_the_raw_body() {
        // GitHub's documented example: secret "It's a Secret to Everybody", payload
        // "Hello, World!".
        let header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert!(signature_matches(
            header,
            b"Hello, World!",
            b"It's a Secret to Everybody"
        ));
        assert!(!signature_matches(
            header,
            b"Hello, World?",
            b"It's a Secret to Everybody"
        ));
        assert!(!signature_matches(
            header,
            b"Hello, World!",
            b"another secret"
        ));
        assert!(!signature_matches("sha1=757107ea", b"Hello, World!", b"x"));
        assert!(!signature_matches("sha256=zz", b"Hello, World!", b"x"));
        assert!(!signature_matches("", b"Hello, World!", b"x"));
    }
}
