//! Azure DevOps Services / Server REST API (`api-version=7.1`): the few calls a pull request
//! needs, on `{collection}/{project}/_apis/git/repositories/{repo}`:
//!
//! - `GET …?api-version=7.1`: the default branch, when the repository did not name one;
//! - `GET …/pullrequests?searchCriteria.sourceRefName=refs/heads/{branch}&searchCriteria.status=active`:
//!   an active pull request from the task's branch, if one exists;
//! - `POST …/pullrequests` with `{sourceRefName, targetRefName, title, description, isDraft}`.
//!
//! Requests carry `Authorization: Basic base64(":" + PAT)`, as Azure DevOps documents for
//! personal access tokens.

use reqwest::{Method, Url};
use serde::{Deserialize, Serialize};

use super::{Auth, Call, ClientSettings, PullRequest, PullRequestSpec, Service, ServiceError};

/// The API version every request asks for.
pub const API_VERSION: &str = "7.1";

/// A repository on Azure DevOps, as its API names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureRepo {
    /// The organization (Services: `https://dev.azure.com/ORG`) or collection (Server:
    /// `https://HOST/tfs/COLLECTION`) URL.
    pub collection: Url,
    /// Project name.
    pub project: String,
    /// Repository name.
    pub name: String,
}

impl AzureRepo {
    /// The repository behind a clone URL `…/{project}/_git/{repo}`: the collection is
    /// everything before the project (credentials in the URL dropped), unless
    /// `collection_override` names it.
    pub fn from_clone_url(
        clone_url: &str,
        collection_override: Option<&Url>,
    ) -> Result<Self, String> {
        let parsed = Url::parse(clone_url).ok();
        let path = match &parsed {
            Some(url) if matches!(url.scheme(), "http" | "https" | "file") => url.path().to_owned(),
            Some(url) => return Err(format!("`{}` URLs have no Azure DevOps API", url.scheme())),
            None => clone_url.to_owned(),
        };
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        let Some(at) = segments.iter().rposition(|s| s == "_git") else {
            return Err(format!("`{clone_url}` is not PROJECT/_git/REPO"));
        };
        let (Some(project), Some(name)) = (
            at.checked_sub(1).and_then(|i| segments.get(i)),
            segments.get(at + 1),
        ) else {
            return Err(format!("`{clone_url}` is not PROJECT/_git/REPO"));
        };
        let collection = match (collection_override, &parsed) {
            (Some(url), _) => url.clone(),
            (None, Some(url)) if matches!(url.scheme(), "http" | "https") => {
                let mut base = url.clone();
                let _ = base.set_username("");
                let _ = base.set_password(None);
                base.set_query(None);
                base.set_fragment(None);
                base.set_path("");
                super::join(
                    &base,
                    &segments[..at - 1]
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>(),
                )
            }
            _ => {
                return Err(format!(
                    "`{clone_url}` is not on an Azure DevOps server; set integrations.azure_devops_url"
                ));
            }
        };
        Ok(Self {
            collection,
            project: project.clone(),
            name: name.clone(),
        })
    }

    fn api(&self, tail: &[&str]) -> Url {
        let mut segments = vec![
            self.project.as_str(),
            "_apis",
            "git",
            "repositories",
            self.name.as_str(),
        ];
        segments.extend_from_slice(tail);
        let mut url = super::join(&self.collection, &segments);
        url.query_pairs_mut()
            .append_pair("api-version", API_VERSION);
        url
    }

    /// The web page of pull request `id`.
    pub fn pull_request_page(&self, id: u64) -> String {
        let id = id.to_string();
        super::join(
            &self.collection,
            &[&self.project, "_git", &self.name, "pullrequest", &id],
        )
        .to_string()
    }
}

/// `%20` and friends in a path segment, decoded (project names have spaces).
fn percent_decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

/// The client.
#[derive(Debug, Clone)]
pub struct AzureDevopsClient {
    http: Service,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RepoInfo {
    default_branch: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PullInfo {
    pull_request_id: u64,
}

#[derive(Deserialize)]
struct PullList {
    value: Vec<PullInfo>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewPull<'a> {
    source_ref_name: &'a str,
    target_ref_name: &'a str,
    title: &'a str,
    description: &'a str,
    is_draft: bool,
}

/// Azure DevOps' longest pull request title and description.
const MAX_TITLE: usize = 400;
const MAX_DESCRIPTION: usize = 4_000;

fn heads(branch: &str) -> String {
    if branch.starts_with("refs/") {
        branch.to_owned()
    } else {
        format!("refs/heads/{branch}")
    }
}

impl AzureDevopsClient {
    /// A client with `settings`.
    pub fn new(settings: &ClientSettings) -> anyhow::Result<Self> {
        Ok(Self {
            http: Service::new("azure_devops", settings, super::json_headers())?,
        })
    }

    /// The repository's default branch (`refs/heads/…`).
    pub async fn default_branch(
        &self,
        auth: &Auth,
        repo: &AzureRepo,
    ) -> Result<String, ServiceError> {
        let info: RepoInfo = self.http.json(Call::get(repo.api(&[]), auth)).await?;
        info.default_branch
            .ok_or_else(|| ServiceError::InvalidResponse {
                service: self.http.name(),
                message: "the repository has no default branch (is it empty?)".into(),
            })
    }

    /// The active pull request from `branch`, if there is one.
    pub async fn find_pull_request(
        &self,
        auth: &Auth,
        repo: &AzureRepo,
        branch: &str,
    ) -> Result<Option<PullRequest>, ServiceError> {
        let mut url = repo.api(&["pullrequests"]);
        url.query_pairs_mut()
            .append_pair("searchCriteria.sourceRefName", &heads(branch))
            .append_pair("searchCriteria.status", "active");
        let list: PullList = self.http.json(Call::get(url, auth)).await?;
        Ok(list.value.into_iter().next().map(|p| PullRequest {
            number: p.pull_request_id,
            url: repo.pull_request_page(p.pull_request_id),
            created: false,
        }))
    }

    /// Opens a pull request from `spec.branch`, or returns the active one from it
    /// ([`super::find_or_open`]; Azure DevOps' conflict answer is 409).
    pub async fn open_pull_request(
        &self,
        auth: &Auth,
        repo: &AzureRepo,
        spec: &PullRequestSpec,
    ) -> Result<PullRequest, ServiceError> {
        let find = || self.find_pull_request(auth, repo, &spec.branch);
        let open = || async {
            let target = match &spec.base {
                Some(base) => heads(base),
                None => self.default_branch(auth, repo).await?,
            };
            let title = super::truncate_utf16(&spec.title, MAX_TITLE);
            let description = super::truncate_utf16(&spec.body, MAX_DESCRIPTION);
            let created: PullInfo = self
                .http
                .json(Call {
                    method: Method::POST,
                    url: repo.api(&["pullrequests"]),
                    auth,
                    body: super::body(&NewPull {
                        source_ref_name: &heads(&spec.branch),
                        target_ref_name: &target,
                        title: &title,
                        description: &description,
                        is_draft: spec.draft,
                    }),
                    idempotent: true,
                })
                .await?;
            Ok(PullRequest {
                number: created.pull_request_id,
                url: repo.pull_request_page(created.pull_request_id),
                created: true,
            })
        };
        super::find_or_open(find, open, 409).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_urls_name_the_collection_project_and_repository() {
        let repo = AzureRepo::from_clone_url(
            "https://acme@dev.azure.com/acme/My%20Project/_git/widgets",
            None,
        )
        .unwrap();
        assert_eq!(repo.collection.as_str(), "https://dev.azure.com/acme");
        assert_eq!(repo.project, "My Project");
        assert_eq!(repo.name, "widgets");
        assert_eq!(
            repo.api(&["pullrequests"]).as_str(),
            "https://dev.azure.com/acme/My%20Project/_apis/git/repositories/widgets/pullrequests?api-version=7.1"
        );
        assert_eq!(
            repo.pull_request_page(7),
            "https://dev.azure.com/acme/My%20Project/_git/widgets/pullrequest/7"
        );

        let repo = AzureRepo::from_clone_url(
            "https://tfs.corp/tfs/DefaultCollection/Ops/_git/deploy",
            None,
        )
        .unwrap();
        assert_eq!(
            repo.collection.as_str(),
            "https://tfs.corp/tfs/DefaultCollection"
        );
        assert_eq!(
            (repo.project.as_str(), repo.name.as_str()),
            ("Ops", "deploy")
        );

        let local = super::super::base_url("http://127.0.0.1:9000/acme").unwrap();
        let repo = AzureRepo::from_clone_url("/tmp/x/Ops/_git/deploy", Some(&local)).unwrap();
        assert_eq!(repo.collection, local);

        assert!(AzureRepo::from_clone_url("/tmp/x/Ops/_git/deploy", None).is_err());
        assert!(AzureRepo::from_clone_url("https://dev.azure.com/acme/widgets", None).is_err());
        assert!(AzureRepo::from_clone_url("https://dev.azure.com/_git/x", None).is_err());
    }

    #[test]
    fn branches_become_refs() {
        assert_eq!(heads("orchard/1"), "refs/heads/orchard/1");
        assert_eq!(heads("refs/heads/main"), "refs/heads/main");
    }
}
