//! GitHub's REST API (github.com or GitHub Enterprise Server): the few calls a pull request
//! needs.
//!
//! - `GET /repos/{owner}/{repo}`: the default branch, when the repository did not name one;
//! - `GET /repos/{owner}/{repo}/pulls?head={owner}:{branch}&state=open`: an open pull request
//!   from the task's branch, if one exists;
//! - `POST /repos/{owner}/{repo}/pulls` with `{title, head, base, body, draft}`.
//!
//! Requests carry `Authorization: Bearer <token>`, `Accept: application/vnd.github+json` and
//! `X-GitHub-Api-Version: 2022-11-28`, as GitHub's documentation asks.

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde::{Deserialize, Serialize};

use super::{Auth, Call, ClientSettings, PullRequest, PullRequestSpec, Service, ServiceError};

/// The API version every request asks for.
pub const API_VERSION: &str = "2022-11-28";

/// A repository on GitHub, as its API names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubRepo {
    /// The API root: `https://api.github.com`, or `https://HOST/api/v3` for Enterprise.
    pub api: Url,
    /// Owner (user or organization).
    pub owner: String,
    /// Repository name, without `.git`.
    pub name: String,
}

impl GithubRepo {
    /// The repository behind a clone URL: its last two path segments are the owner and the
    /// name. The API root is `api_override` if set, else `https://api.github.com` for
    /// github.com and `https://HOST/api/v3` for any other host (Enterprise Server).
    pub fn from_clone_url(clone_url: &str, api_override: Option<&Url>) -> Result<Self, String> {
        let (parsed, owner, name) = owner_and_name(clone_url)?;
        let api = match (api_override, &parsed) {
            (Some(api), _) => api.clone(),
            (None, Some(url)) if matches!(url.scheme(), "http" | "https") => {
                let host = url.host_str().unwrap_or_default();
                let root = if host.eq_ignore_ascii_case("github.com") {
                    "https://api.github.com".to_owned()
                } else {
                    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
                    format!("{}://{host}{port}/api/v3", url.scheme())
                };
                super::base_url(&root).map_err(|err| err.to_string())?
            }
            _ => {
                return Err(format!(
                    "`{clone_url}` is not on a GitHub server; set integrations.github_api_url"
                ));
            }
        };
        Ok(Self { api, owner, name })
    }
}

/// `owner/name` of a GitHub repository's clone URL.
pub fn full_name(clone_url: &str) -> Option<String> {
    let (_, owner, name) = owner_and_name(clone_url).ok()?;
    Some(format!("{owner}/{name}"))
}

/// The parsed URL (`None` for a bare path), and the owner and name: the last two path
/// segments, `.git` dropped.
fn owner_and_name(clone_url: &str) -> Result<(Option<Url>, String, String), String> {
    let parsed = Url::parse(clone_url).ok();
    let path = match &parsed {
        Some(url) if matches!(url.scheme(), "http" | "https" | "file") => url.path().to_owned(),
        Some(url) => return Err(format!("`{}` URLs have no GitHub API", url.scheme())),
        None => clone_url.to_owned(),
    };
    let mut segments = path.split('/').filter(|s| !s.is_empty()).rev();
    let (Some(name), Some(owner)) = (segments.next(), segments.next()) else {
        return Err(format!("`{clone_url}` does not end in OWNER/REPO"));
    };
    let name = name.strip_suffix(".git").unwrap_or(name);
    if name.is_empty() {
        return Err(format!("`{clone_url}` does not end in OWNER/REPO"));
    }
    Ok((parsed, owner.to_owned(), name.to_owned()))
}

/// The client.
#[derive(Debug, Clone)]
pub struct GithubClient {
    http: Service,
}

#[derive(Deserialize)]
struct RepoInfo {
    default_branch: String,
}

#[derive(Deserialize)]
struct PullInfo {
    number: u64,
    html_url: String,
}

#[derive(Serialize)]
struct NewPull<'a> {
    title: &'a str,
    head: &'a str,
    base: &'a str,
    body: &'a str,
    draft: bool,
}

/// GitHub's longest pull request title and body.
const MAX_TITLE: usize = 256;
const MAX_BODY: usize = 65_536;

impl GithubClient {
    /// A client with `settings`.
    pub fn new(settings: &ClientSettings) -> anyhow::Result<Self> {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/vnd.github+json"),
        );
        headers.insert(
            "x-github-api-version",
            HeaderValue::from_static(API_VERSION),
        );
        Ok(Self {
            http: Service::new("github", settings, headers)?,
        })
    }

    fn repo_url(repo: &GithubRepo, tail: &[&str]) -> Url {
        let mut segments = vec!["repos", repo.owner.as_str(), repo.name.as_str()];
        segments.extend_from_slice(tail);
        super::join(&repo.api, &segments)
    }

    /// The repository's default branch.
    pub async fn default_branch(
        &self,
        auth: &Auth,
        repo: &GithubRepo,
    ) -> Result<String, ServiceError> {
        let info: RepoInfo = self
            .http
            .json(Call::get(Self::repo_url(repo, &[]), auth))
            .await?;
        Ok(info.default_branch)
    }

    /// The open pull request from `branch`, if there is one.
    pub async fn find_pull_request(
        &self,
        auth: &Auth,
        repo: &GithubRepo,
        branch: &str,
    ) -> Result<Option<PullRequest>, ServiceError> {
        let mut url = Self::repo_url(repo, &["pulls"]);
        url.query_pairs_mut()
            .append_pair("head", &format!("{}:{branch}", repo.owner))
            .append_pair("state", "open")
            .append_pair("per_page", "1");
        let pulls: Vec<PullInfo> = self.http.json(Call::get(url, auth)).await?;
        Ok(pulls.into_iter().next().map(|p| PullRequest {
            number: p.number,
            url: p.html_url,
            created: false,
        }))
    }

    /// Opens a pull request from `spec.branch`, or returns the one already open from it
    /// ([`super::find_or_open`]; GitHub's conflict answer is 422).
    pub async fn open_pull_request(
        &self,
        auth: &Auth,
        repo: &GithubRepo,
        spec: &PullRequestSpec,
    ) -> Result<PullRequest, ServiceError> {
        let find = || self.find_pull_request(auth, repo, &spec.branch);
        let open = || async {
            let base = match &spec.base {
                Some(base) => base.clone(),
                None => self.default_branch(auth, repo).await?,
            };
            let title = super::truncate(&spec.title, MAX_TITLE);
            let body = super::truncate(&spec.body, MAX_BODY);
            let created: PullInfo = self
                .http
                .json(Call {
                    method: Method::POST,
                    url: Self::repo_url(repo, &["pulls"]),
                    auth,
                    body: super::body(&NewPull {
                        title: &title,
                        head: &spec.branch,
                        base: &base,
                        body: &body,
                        draft: spec.draft,
                    }),
                    // A second POST is refused with 422 and then found.
                    idempotent: true,
                })
                .await?;
            Ok(PullRequest {
                number: created.number,
                url: created.html_url,
                created: true,
            })
        };
        super::find_or_open(find, open, 422).await
    }

    /// The service's name, for messages.
    pub fn name(&self) -> &'static str {
        self.http.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_urls_name_the_repository_and_the_api() {
        let repo = GithubRepo::from_clone_url("https://github.com/acme/widgets.git", None).unwrap();
        assert_eq!(repo.api.as_str(), "https://api.github.com/");
        assert_eq!(
            (repo.owner.as_str(), repo.name.as_str()),
            ("acme", "widgets")
        );

        let repo =
            GithubRepo::from_clone_url("https://ghe.corp.example:8443/team/svc", None).unwrap();
        assert_eq!(repo.api.as_str(), "https://ghe.corp.example:8443/api/v3");
        assert_eq!((repo.owner.as_str(), repo.name.as_str()), ("team", "svc"));

        let api = super::super::base_url("http://127.0.0.1:9000").unwrap();
        let repo = GithubRepo::from_clone_url("/tmp/t/acme/widgets.git", Some(&api)).unwrap();
        assert_eq!(repo.api, api);
        assert_eq!(
            (repo.owner.as_str(), repo.name.as_str()),
            ("acme", "widgets")
        );

        assert!(GithubRepo::from_clone_url("/tmp/t/acme/widgets.git", None).is_err());
        assert!(GithubRepo::from_clone_url("https://github.com/", None).is_err());
        assert!(GithubRepo::from_clone_url("ssh://git@github.com/a/b", None).is_err());
    }
}
