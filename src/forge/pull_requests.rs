//! The [`PullRequests`] port over the GitHub and Azure DevOps clients.

use async_trait::async_trait;
use orchard_actors::domain::{Provider, Repo};
use orchard_actors::ports::{
    GitAuth, IntegrationError, OpenedPullRequest, PullRequestRequest, PullRequests,
};
use reqwest::Url;

use super::azure::{AzureDevopsClient, AzureRepo};
use super::github::{GithubClient, GithubRepo};
use super::{Auth, ClientSettings, PullRequest, PullRequestSpec, ServiceError};
use crate::config::IntegrationsConfig;

/// Opens pull requests on GitHub (a token as `Bearer`) and Azure DevOps (a PAT as `Basic`
/// with an empty user name, as Azure DevOps documents).
#[derive(Debug, Clone)]
pub struct ForgePullRequests {
    github: GithubClient,
    azure: AzureDevopsClient,
    github_api: Option<Url>,
    azure_collection: Option<Url>,
}

impl ForgePullRequests {
    /// The clients, configured by `[integrations]`.
    pub fn new(config: &IntegrationsConfig) -> anyhow::Result<Self> {
        let settings = ClientSettings::from_config(config);
        let parse = |url: &Option<String>| url.as_deref().map(super::base_url).transpose();
        Ok(Self {
            github: GithubClient::new(&settings)?,
            azure: AzureDevopsClient::new(&settings)?,
            github_api: parse(&config.github_api_url)?,
            azure_collection: parse(&config.azure_devops_url)?,
        })
    }
}

fn refused(err: ServiceError) -> IntegrationError {
    IntegrationError {
        code: err.code().to_owned(),
        message: err.to_string(),
    }
}

fn unsupported(message: String) -> IntegrationError {
    IntegrationError {
        code: "unsupported".into(),
        message,
    }
}

#[async_trait]
impl PullRequests for ForgePullRequests {
    async fn open(
        &self,
        repo: &Repo,
        request: &PullRequestRequest,
        auth: &GitAuth,
    ) -> Result<OpenedPullRequest, IntegrationError> {
        let spec = PullRequestSpec {
            branch: request.branch.clone(),
            base: request.base.clone(),
            title: request.title.clone(),
            body: request.body.clone(),
            draft: request.draft,
        };
        let opened: PullRequest = match repo.provider {
            Provider::Github => {
                let target = GithubRepo::from_clone_url(&repo.url, self.github_api.as_ref())
                    .map_err(unsupported)?;
                let auth = Auth::Bearer(auth.secret.clone());
                self.github
                    .open_pull_request(&auth, &target, &spec)
                    .await
                    .map_err(refused)?
            }
            Provider::AzureDevops => {
                let target = AzureRepo::from_clone_url(&repo.url, self.azure_collection.as_ref())
                    .map_err(unsupported)?;
                let auth = Auth::Basic {
                    username: String::new(),
                    secret: auth.secret.clone(),
                };
                self.azure
                    .open_pull_request(&auth, &target, &spec)
                    .await
                    .map_err(refused)?
            }
            Provider::Generic => {
                return Err(unsupported(
                    "generic git servers have no pull requests".into(),
                ));
            }
        };
        Ok(OpenedPullRequest {
            url: opened.url,
            number: opened.number,
            created: opened.created,
        })
    }
}
