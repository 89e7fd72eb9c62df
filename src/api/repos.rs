//! `POST /v1/repos`, `GET /v1/repos`.

use orchard_actors::domain::{NewRepo, Provider, PullRequestMode, Repo};
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::types::Example;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};
use time::OffsetDateTime;
use uuid::Uuid;

use super::error::{ApiError, store_error};
use super::security::BearerAuth;
use super::validate::Text;
use super::{AppState, examples, validate};

#[derive(Tags)]
enum RepoTags {
    /// Repositories agents work on.
    Repos,
}

/// Repository registration and listing.
pub(crate) struct ReposApi;

/// Where a repository is hosted.
#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "snake_case")]
enum ProviderName {
    Github,
    AzureDevops,
    Generic,
}

impl From<ProviderName> for Provider {
    fn from(p: ProviderName) -> Self {
        match p {
            ProviderName::Github => Provider::Github,
            ProviderName::AzureDevops => Provider::AzureDevops,
            ProviderName::Generic => Provider::Generic,
        }
    }
}

impl From<Provider> for ProviderName {
    fn from(p: Provider) -> Self {
        match p {
            Provider::Github => ProviderName::Github,
            Provider::AzureDevops => ProviderName::AzureDevops,
            Provider::Generic => ProviderName::Generic,
        }
    }
}

/// Whether a successful task opens a pull request for its branch: `open` (the default when
/// registering), `draft` or `off`. Only GitHub and Azure DevOps repositories have them, and
/// they need the org's `github` or `azure_devops` credential.
#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "snake_case")]
enum PullRequestsName {
    Open,
    Draft,
    Off,
}

impl From<PullRequestsName> for PullRequestMode {
    fn from(p: PullRequestsName) -> Self {
        match p {
            PullRequestsName::Open => PullRequestMode::Open,
            PullRequestsName::Draft => PullRequestMode::Draft,
            PullRequestsName::Off => PullRequestMode::Off,
        }
    }
}

impl From<PullRequestMode> for PullRequestsName {
    fn from(p: PullRequestMode) -> Self {
        match p {
            PullRequestMode::Open => PullRequestsName::Open,
            PullRequestMode::Draft => PullRequestsName::Draft,
            PullRequestMode::Off => PullRequestsName::Off,
        }
    }
}

/// A repository to register.
#[derive(Object)]
#[oai(example)]
struct RepoCreate {
    /// Clone URL: `https://...`; `http://`, `file://` and absolute paths where the server
    /// allows them. No credentials in the URL.
    url: Text,
    provider: ProviderName,
    /// Branch tasks start from; default: the remote's HEAD.
    #[oai(nullable)]
    default_branch: Option<Text>,
    pull_requests: Option<PullRequestsName>,
}

/// A registered repository.
#[derive(Object)]
#[oai(example, skip_serializing_if_is_none)]
struct RepoView {
    id: Uuid,
    url: String,
    provider: ProviderName,
    default_branch: Option<String>,
    pull_requests: PullRequestsName,
    created_at: OffsetDateTime,
}

impl From<Repo> for RepoView {
    fn from(repo: Repo) -> Self {
        Self {
            id: repo.id.as_uuid(),
            url: repo.url,
            provider: repo.provider.into(),
            default_branch: repo.default_branch,
            pull_requests: repo.pull_requests.into(),
            created_at: repo.created_at,
        }
    }
}

/// The organization's repositories.
#[derive(Object)]
#[oai(example)]
struct RepoList {
    repos: Vec<RepoView>,
}

impl Example for RepoCreate {
    fn example() -> Self {
        Self {
            url: "https://github.com/acme/signup-service.git".into(),
            provider: ProviderName::Github,
            default_branch: Some("main".into()),
            pull_requests: Some(PullRequestsName::Draft),
        }
    }
}

impl Example for RepoView {
    fn example() -> Self {
        let RepoCreate {
            url,
            provider,
            default_branch,
            pull_requests,
        } = RepoCreate::example();
        Self {
            id: examples::REPO_ID,
            url: url.into(),
            provider,
            default_branch: default_branch.map(String::from),
            pull_requests: pull_requests.unwrap_or(PullRequestsName::Open),
            created_at: examples::AT,
        }
    }
}

impl Example for RepoList {
    fn example() -> Self {
        Self {
            repos: vec![RepoView::example()],
        }
    }
}

#[derive(ApiResponse)]
enum CreateResult {
    /// Registered.
    #[oai(status = 201)]
    Created(Json<RepoView>),
}

#[OpenApi(prefix_path = "/v1", tag = "RepoTags::Repos")]
impl ReposApi {
    /// Register a repository.
    #[oai(path = "/repos", method = "post", operation_id = "create_repo")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<RepoCreate>,
    ) -> Result<CreateResult, ApiError> {
        auth.0.require_write()?;
        let url = validate::repo_url(&body.url, &state.config.repos).map_err(ApiError::invalid)?;
        let default_branch = body
            .default_branch
            .as_deref()
            .map(validate::branch)
            .transpose()
            .map_err(ApiError::invalid)?;
        let repo = state
            .store
            .create_repo(
                &auth.0.scope,
                NewRepo {
                    url,
                    provider: body.provider.into(),
                    default_branch,
                    pull_requests: body.pull_requests.map(Into::into).unwrap_or_default(),
                },
            )
            .await
            .map_err(|err| store_error("repository", err))?;
        Ok(CreateResult::Created(Json(repo.into())))
    }

    /// List the organization's repositories.
    #[oai(path = "/repos", method = "get", operation_id = "list_repos")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Result<Json<RepoList>, ApiError> {
        let repos = state
            .store
            .list_repos(&auth.0.scope)
            .await
            .map_err(|err| store_error("repository", err))?;
        Ok(Json(RepoList {
            repos: repos.into_iter().map(RepoView::from).collect(),
        }))
    }
}
