//! `PUT|GET|DELETE /v1/credentials/{provider}`, `GET /v1/credentials`.
//!
//! A secret goes in once and never comes out: responses carry metadata only (provider, user
//! name, a fingerprint of the last characters, times). The secret is sealed with the keyring
//! before it reaches the store, bound to the org, the provider and a fresh credential id.

use orchard_actors::domain::{Credential, CredentialId, CredentialProvider, OrgId};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::types::Example;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::error::{ApiError, store_error};
use super::security::BearerAuth;
use super::validate::Text;
use super::{AppState, examples};
use crate::crypto::CredentialAad;

#[derive(Tags)]
enum CredentialTags {
    /// The organization's secrets for GitHub, Azure DevOps, Jira and other git servers.
    Credentials,
}

/// Credential storage.
pub(crate) struct CredentialsApi;

/// The service a credential is for.
#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "snake_case")]
#[oai(rename = "CredentialProvider")]
enum ProviderName {
    Github,
    AzureDevops,
    Jira,
    Generic,
    GithubWebhook,
}

impl From<CredentialProvider> for ProviderName {
    fn from(p: CredentialProvider) -> Self {
        match p {
            CredentialProvider::Github => ProviderName::Github,
            CredentialProvider::AzureDevops => ProviderName::AzureDevops,
            CredentialProvider::Jira => ProviderName::Jira,
            CredentialProvider::Generic => ProviderName::Generic,
            CredentialProvider::GithubWebhook => ProviderName::GithubWebhook,
        }
    }
}

/// A secret to store (replacing the provider's earlier one).
#[derive(Object)]
#[oai(example)]
struct CredentialPut {
    /// The token, PAT or password. Write-only: it is never returned.
    #[oai(write_only)]
    secret: Text,
    /// User name for services that need one with the secret (e.g. Jira's account email).
    #[oai(nullable)]
    username: Option<Text>,
    /// Free text for people, e.g. the token's scopes.
    #[oai(nullable)]
    scopes_note: Option<Text>,
    /// Where the service is, for the ones each organization has its own of: the Jira site
    /// (`https://acme.atlassian.net`, or a Data Center URL). Needed for tasks from Jira
    /// issues; unused for the others.
    #[oai(nullable)]
    base_url: Option<Text>,
}

/// A stored credential's metadata.
#[derive(Object)]
#[oai(example, skip_serializing_if_is_none)]
struct CredentialView {
    provider: ProviderName,
    username: Option<String>,
    scopes_note: Option<String>,
    /// The secret's last 4 characters, for secrets of 16 characters or more.
    fingerprint: Option<String>,
    created_at: OffsetDateTime,
    /// When the secret was last replaced.
    rotated_at: Option<OffsetDateTime>,
    /// The service's site, if one was given.
    base_url: Option<String>,
}

impl From<Credential> for CredentialView {
    fn from(c: Credential) -> Self {
        Self {
            provider: c.provider.into(),
            username: c.username,
            scopes_note: c.scopes_note,
            fingerprint: c.fingerprint,
            created_at: c.created_at,
            rotated_at: c.rotated_at,
            base_url: c.base_url,
        }
    }
}

/// The organization's credentials.
#[derive(Object)]
#[oai(example)]
struct CredentialList {
    credentials: Vec<CredentialView>,
}

impl Example for CredentialPut {
    fn example() -> Self {
        Self {
            secret: "ghp_16C7e42F292c6912E7710c838347Ae178B4a".into(),
            username: Some("x-access-token".into()),
            scopes_note: Some("repo".into()),
            base_url: None,
        }
    }
}

impl Example for CredentialView {
    fn example() -> Self {
        Self {
            provider: ProviderName::Github,
            username: Some("x-access-token".into()),
            scopes_note: Some("repo".into()),
            fingerprint: Some("…8B4a".into()),
            created_at: examples::AT,
            rotated_at: None,
            base_url: None,
        }
    }
}

impl Example for CredentialList {
    fn example() -> Self {
        Self {
            credentials: vec![CredentialView::example()],
        }
    }
}

#[derive(ApiResponse)]
enum DeleteResult {
    /// Deleted.
    #[oai(status = 204)]
    Deleted,
}

/// The provider named in the path, or a 400 that lists the valid names.
fn parse_provider(name: &str) -> Result<CredentialProvider, ApiError> {
    CredentialProvider::parse(name).ok_or_else(|| {
        let shown: String = name.chars().take(40).collect();
        ApiError::invalid(format!(
            "unknown provider {shown:?}: expected github, azure_devops, jira, generic or github_webhook"
        ))
    })
}

/// Most characters of a secret.
const MAX_SECRET: usize = 4096;
/// Secrets shorter than this get no fingerprint: four characters would give too much away.
const FINGERPRINT_MIN: usize = 16;

fn secret(text: String) -> Result<SecretString, ApiError> {
    let secret = SecretString::from(text);
    let exposed = secret.expose_secret();
    if exposed.is_empty() || exposed.chars().count() > MAX_SECRET {
        return Err(ApiError::invalid(format!(
            "secret must be 1 to {MAX_SECRET} characters"
        )));
    }
    if exposed.chars().any(|c| c.is_control() || c.is_whitespace()) {
        // Never echo any part of it.
        return Err(ApiError::invalid(
            "secret must not contain whitespace or control characters",
        ));
    }
    Ok(secret)
}

fn short_text(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, ApiError> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim().to_owned();
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!(
            "{field} must be at most {max} characters, without control characters"
        )));
    }
    Ok((!value.is_empty()).then_some(value))
}

fn fingerprint(secret: &SecretString) -> Option<String> {
    let chars: Vec<char> = secret.expose_secret().chars().collect();
    (chars.len() >= FINGERPRINT_MIN).then(|| {
        let last: String = chars[chars.len() - 4..].iter().collect();
        format!("…{last}")
    })
}

#[OpenApi(prefix_path = "/v1", tag = "CredentialTags::Credentials")]
impl CredentialsApi {
    /// Store the organization's secret for a provider (owner or admin). Replaces the earlier
    /// one; the secret is encrypted before it is stored and never returned.
    #[oai(
        path = "/credentials/:provider",
        method = "put",
        operation_id = "put_credential"
    )]
    async fn put(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `github`, `azure_devops`, `jira`, `generic` or `github_webhook`.
        #[oai(example = "examples::provider")]
        provider: Path<String>,
        body: Json<CredentialPut>,
    ) -> Result<Json<CredentialView>, ApiError> {
        auth.0.require_admin()?;
        let body = body.0;
        let secret = secret(body.secret.into())?;
        let username = short_text("username", body.username.map(String::from), 256)?;
        let scopes_note = short_text("scopes_note", body.scopes_note.map(String::from), 1000)?;
        let base_url = body
            .base_url
            .as_deref()
            .map(|raw| {
                let url = crate::forge::base_url(raw)
                    .map_err(|err| ApiError::invalid(format!("base_url: {err}")))?;
                if url.scheme() == "http" && !state.config.repos.allow_http {
                    return Err(ApiError::invalid(
                        "base_url: plain http is not allowed on this server (repos.allow_http)",
                    ));
                }
                Ok(url.as_str().trim_end_matches('/').to_owned())
            })
            .transpose()?;
        let provider = parse_provider(&provider.0)?;
        let org_id: OrgId = auth.0.scope.org_id();
        let id = CredentialId::new();
        let aad = CredentialAad {
            org_id,
            provider: provider.as_str(),
            credential_id: id.as_uuid(),
        };
        let sealed = state.keyring.seal(&aad, &secret);
        let credential = Credential {
            id,
            org_id,
            provider,
            username,
            scopes_note,
            fingerprint: fingerprint(&secret),
            sealed: sealed.into(),
            created_at: OffsetDateTime::now_utc(),
            rotated_at: None,
            base_url,
        };
        let stored = state
            .store
            .put_credential(&auth.0.scope, credential)
            .await
            .map_err(|err| store_error("credential", err))?;
        tracing::info!(org_id = %org_id, provider = provider.as_str(), "credential stored");
        Ok(Json(stored.into()))
    }

    /// List the organization's credentials: metadata only.
    #[oai(
        path = "/credentials",
        method = "get",
        operation_id = "list_credentials"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Result<Json<CredentialList>, ApiError> {
        auth.0.require_write()?;
        let credentials = state
            .store
            .list_credentials(&auth.0.scope)
            .await
            .map_err(|err| store_error("credential", err))?;
        Ok(Json(CredentialList {
            credentials: credentials.into_iter().map(CredentialView::from).collect(),
        }))
    }

    /// One credential's metadata.
    #[oai(
        path = "/credentials/:provider",
        method = "get",
        operation_id = "get_credential"
    )]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `github`, `azure_devops`, `jira`, `generic` or `github_webhook`.
        #[oai(example = "examples::provider")]
        provider: Path<String>,
    ) -> Result<Json<CredentialView>, ApiError> {
        auth.0.require_write()?;
        let credential = state
            .store
            .credential(&auth.0.scope, parse_provider(&provider.0)?)
            .await
            .map_err(|err| store_error("credential", err))?;
        Ok(Json(credential.into()))
    }

    /// Delete a credential (owner or admin).
    #[oai(
        path = "/credentials/:provider",
        method = "delete",
        operation_id = "delete_credential"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `github`, `azure_devops`, `jira`, `generic` or `github_webhook`.
        #[oai(example = "examples::provider")]
        provider: Path<String>,
    ) -> Result<DeleteResult, ApiError> {
        auth.0.require_admin()?;
        let provider = parse_provider(&provider.0)?;
        state
            .store
            .delete_credential(&auth.0.scope, provider)
            .await
            .map_err(|err| store_error("credential", err))?;
        tracing::info!(org_id = %auth.0.scope.org_id(), provider = provider.as_str(), "credential deleted");
        Ok(DeleteResult::Deleted)
    }
}
