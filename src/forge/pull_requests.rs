//! The [`PullRequests`] port over the GitHub and Azure DevOps clients.

use async_trait::async_trait;
use orchard_actors::domain::{Provider, Repo};
use orchard_actors::ports::{
    IntegrationError, OpenedPullRequest, PullRequestRequest, PullRequests, ServiceAuth,
};
use reqwest::Url;

use super::azure::{AzureDevopsClient, AzureRepo};
use super::github::{GithubClient, GithubRepo};
use super::{Auth, ClientSettings, PullRequest, PullRequestSpec};
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

fn unsupported(message: String) -> IntegrationError {
    IntegrationError {
        code: "unsupported".into(),
        message,
    }
}

/// Where the org's forge credential may be sent: the operator's root, else the root the
/// org's admin stored with the credential (`base_url`), else the one derived from the
/// repository URL (`None` here) but only for the public service's hosts. A member who
/// registers a repository on another host cannot make the server hand the admin's token to
/// it.
fn pinned(
    operator: Option<&Url>,
    auth: &ServiceAuth,
    repo_url: &str,
    public_hosts: &[&str],
    provider: &str,
    what: &str,
) -> Result<Option<Url>, IntegrationError> {
    if let Some(url) = operator {
        return Ok(Some(url.clone()));
    }
    if let Some(stored) = auth.base_url.as_deref() {
        return super::base_url(stored)
            .map(Some)
            .map_err(|err| unsupported(format!("the {provider} credential's base_url: {err}")));
    }
    let host = Url::parse(repo_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    let public = public_hosts.iter().any(|h| match h.strip_prefix('.') {
        Some(suffix) => host.ends_with(&format!(".{suffix}")),
        None => host == *h,
    });
    if public {
        Ok(None)
    } else {
        Err(unsupported(format!(
            "the repository is not on {}; store the {provider} credential with base_url = {what}",
            public_hosts.join(" or ")
        )))
    }
}

#[async_trait]
impl PullRequests for ForgePullRequests {
    async fn open(
        &self,
        repo: &Repo,
        request: &PullRequestRequest,
        auth: &ServiceAuth,
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
                let api = pinned(
                    self.github_api.as_ref(),
                    auth,
                    &repo.url,
                    &["github.com"],
                    "github",
                    "your GitHub Enterprise API root, https://HOST/api/v3",
                )?;
                let target =
                    GithubRepo::from_clone_url(&repo.url, api.as_ref()).map_err(unsupported)?;
                let auth = Auth::Bearer(auth.secret.clone());
                self.github
                    .open_pull_request(&auth, &target, &spec)
                    .await
                    .map_err(IntegrationError::from)?
            }
            Provider::AzureDevops => {
                let collection = pinned(
                    self.azure_collection.as_ref(),
                    auth,
                    &repo.url,
                    &["dev.azure.com", ".visualstudio.com"],
                    "azure_devops",
                    "your Azure DevOps Server collection URL, https://HOST/tfs/COLLECTION",
                )?;
                let target = AzureRepo::from_clone_url(&repo.url, collection.as_ref())
                    .map_err(unsupported)?;
                let auth = Auth::Basic {
                    username: String::new(),
                    secret: auth.secret.clone(),
                };
                self.azure
                    .open_pull_request(&auth, &target, &spec)
                    .await
                    .map_err(IntegrationError::from)?
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

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(base_url: Option<&str>) -> ServiceAuth {
        ServiceAuth {
            username: None,
            secret: secrecy::SecretString::from("token"),
            base_url: base_url.map(Into::into),
        }
    }

    #[test]
    fn a_token_goes_only_where_its_forge_is() {
        let github = ["github.com"];
        let pin = |operator: Option<&Url>, stored: Option<&str>, url: &str| {
            pinned(
                operator,
                &auth(stored),
                url,
                &github,
                "github",
                "the API root",
            )
        };
        // github.com repositories: the public API, derived.
        assert_eq!(pin(None, None, "https://github.com/acme/app.git"), Ok(None));
        // Anywhere else, only with a root the admin stored or the operator set.
        let err = pin(None, None, "https://evil.example/acme/app.git").unwrap_err();
        assert_eq!(err.code, "unsupported");
        assert!(err.message.contains("base_url"), "{}", err.message);
        let stored = pin(
            None,
            Some("https://ghe.acme.test/api/v3"),
            "https://evil.example/a/b",
        )
        .unwrap()
        .unwrap();
        assert_eq!(stored.as_str(), "https://ghe.acme.test/api/v3");
        let operator = crate::forge::base_url("http://127.0.0.1:9").unwrap();
        assert_eq!(
            pin(
                Some(&operator),
                Some("https://ghe.acme.test"),
                "/tmp/a/b.git"
            ),
            Ok(Some(operator.clone()))
        );

        let azure = ["dev.azure.com", ".visualstudio.com"];
        let pin = |url: &str| pinned(None, &auth(None), url, &azure, "azure_devops", "x");
        assert_eq!(pin("https://dev.azure.com/acme/P/_git/r"), Ok(None));
        assert_eq!(pin("https://acme.visualstudio.com/P/_git/r"), Ok(None));
        assert!(pin("https://visualstudio.com.evil.example/P/_git/r").is_err());
        assert!(pin("https://notdev.azure.com.evil/P/_git/r").is_err());
    }
}
