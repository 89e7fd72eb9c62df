//! Jira's REST API: read an issue, comment on it.
//!
//! - `GET {site}/rest/api/{v}/issue/{key}?fields=summary,description,{sprint field}`;
//! - `POST {site}/rest/api/{v}/issue/{key}/comment` with `{"body": …}`.
//!
//! Two dialects, chosen by how the org authenticates: an account email with an API token
//! (`Authorization: Basic`) is Jira Cloud, which speaks API version 3 with descriptions and
//! comments in Atlassian Document Format; a personal access token (`Authorization: Bearer`)
//! is Jira Data Center, which speaks version 2 with plain strings. Either answer is read
//! whatever its shape, so a misjudged dialect still yields the text.
//!
//! The sprint lives in a custom field whose id differs between sites (`customfield_10020` on
//! most Cloud sites); it is configurable.

use reqwest::{Method, Url};
use serde::Deserialize;
use serde_json::{Value, json};

use orchard_actors::domain::Task;
use orchard_actors::ports::{IntegrationError, IssueTracker, ServiceAuth};

use super::{Auth, Call, ClientSettings, Service, ServiceError, adf};

/// An issue, as a task needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JiraIssue {
    /// Its key, e.g. `ENG-42`.
    pub key: String,
    /// Its title.
    pub summary: String,
    /// Its description as plain text (empty when it has none).
    pub description: String,
    /// The name of its sprint: the active one if it is in several, else the latest.
    pub sprint: Option<String>,
}

impl JiraIssue {
    /// The instruction a task gets from the issue: key and summary, then the description.
    pub fn instruction(&self) -> String {
        let mut text = format!("{}: {}", self.key, self.summary.trim());
        let description = self.description.trim();
        if !description.is_empty() {
            text.push_str("\n\n");
            text.push_str(description);
        }
        text
    }
}

/// Checks and normalises an issue key: `PROJECT-123`, the project part uppercased.
pub fn parse_key(raw: &str) -> Result<String, String> {
    let key = raw.trim();
    let valid = key.len() <= 64
        && key.split_once('-').is_some_and(|(project, number)| {
            project
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && project
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !number.is_empty()
                && number.chars().all(|c| c.is_ascii_digit())
                && !number.starts_with('0')
        });
    if valid {
        Ok(key.to_ascii_uppercase())
    } else {
        Err(format!("`{raw}` is not a Jira issue key (PROJECT-123)"))
    }
}

/// The client.
#[derive(Debug, Clone)]
pub struct JiraClient {
    http: Service,
    sprint_field: String,
}

#[derive(Deserialize)]
struct IssueWire {
    key: String,
    fields: serde_json::Map<String, Value>,
}

/// The API version the credential's kind speaks.
fn version(auth: &Auth) -> &'static str {
    match auth {
        Auth::Basic { .. } => "3",
        Auth::Bearer(_) => "2",
    }
}

impl JiraClient {
    /// A client with `settings`, reading sprints from `sprint_field`.
    pub fn new(settings: &ClientSettings, sprint_field: &str) -> anyhow::Result<Self> {
        Ok(Self {
            http: Service::new("jira", settings, super::json_headers())?,
            sprint_field: sprint_field.to_owned(),
        })
    }

    fn issue_url(site: &Url, auth: &Auth, key: &str, tail: &[&str]) -> Url {
        let mut segments = vec!["rest", "api", version(auth), "issue", key];
        segments.extend_from_slice(tail);
        super::join(site, &segments)
    }

    /// The issue `key` (already checked by [`parse_key`]). `NotFound` if it does not exist
    /// or the credential may not see it (Jira does not tell the two apart either).
    pub async fn issue(
        &self,
        site: &Url,
        auth: &Auth,
        key: &str,
    ) -> Result<JiraIssue, ServiceError> {
        let mut url = Self::issue_url(site, auth, key, &[]);
        url.query_pairs_mut().append_pair(
            "fields",
            &format!("summary,description,{}", self.sprint_field),
        );
        let wire: IssueWire =
            self.http
                .json(Call::get(url, auth))
                .await
                .map_err(|err| match err {
                    ServiceError::NotFound { service, .. } => ServiceError::NotFound {
                        service,
                        message: format!(
                            "issue {key} does not exist or the credential cannot see it"
                        ),
                    },
                    other => other,
                })?;
        let summary = wire
            .fields
            .get("summary")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let description = match wire.fields.get("description") {
            Some(Value::String(text)) => text.clone(),
            Some(doc @ Value::Object(_)) => adf::to_text(doc),
            _ => String::new(),
        };
        let sprint = wire.fields.get(&self.sprint_field).and_then(sprint_name);
        Ok(JiraIssue {
            key: wire.key,
            summary,
            description,
            sprint,
        })
    }

    /// Adds a comment to issue `key`: `paragraphs`, then a link. Not retried once sent (a
    /// second comment would be a duplicate); only a 429 or a refused connection is retried.
    pub async fn comment(
        &self,
        site: &Url,
        auth: &Auth,
        key: &str,
        paragraphs: &[&str],
        link_text: &str,
        href: &str,
    ) -> Result<(), ServiceError> {
        let body = match auth {
            Auth::Basic { .. } => {
                json!({"body": adf::paragraphs_with_link(paragraphs, link_text, href)})
            }
            Auth::Bearer(_) => {
                let mut text = paragraphs.join("\n\n");
                text.push_str(&format!("\n\n[{link_text}|{href}]"));
                json!({"body": text.trim_start()})
            }
        };
        self.http
            .send(&Call {
                method: Method::POST,
                url: Self::issue_url(site, auth, key, &["comment"]),
                auth,
                body: Some(body),
                idempotent: false,
            })
            .await
            .map(|_| ())
    }
}

/// How an org's Jira credential authenticates: an account email with an API token is Basic
/// (Jira Cloud), a token alone is a Bearer personal access token (Data Center).
pub fn auth_of(username: Option<&str>, secret: &secrecy::SecretString) -> Auth {
    match username.filter(|u| !u.is_empty()) {
        Some(username) => Auth::Basic {
            username: username.to_owned(),
            secret: secret.clone(),
        },
        None => Auth::Bearer(secret.clone()),
    }
}

/// The [`IssueTracker`] port over the client: the pull request's link as a comment on the
/// issue.
#[derive(Debug, Clone)]
pub struct JiraTracker {
    client: JiraClient,
}

impl JiraTracker {
    /// A tracker over `client`.
    pub fn new(client: JiraClient) -> Self {
        Self { client }
    }
}

#[async_trait::async_trait]
impl IssueTracker for JiraTracker {
    async fn link_pull_request(
        &self,
        issue: &str,
        pull_request_url: &str,
        task: &Task,
        auth: &ServiceAuth,
    ) -> Result<(), IntegrationError> {
        let site = auth
            .base_url
            .as_deref()
            .ok_or_else(|| IntegrationError {
                code: "credential_missing".into(),
                message: "the org's Jira credential names no site (base_url)".into(),
            })
            .and_then(|url| {
                super::base_url(url).map_err(|err| IntegrationError {
                    code: "unsupported".into(),
                    message: err.to_string(),
                })
            })?;
        let first = format!(
            "Orchard opened a pull request for this issue (task {}).",
            task.id
        );
        let summary = task.summary.as_deref().unwrap_or_default();
        self.client
            .comment(
                &site,
                &auth_of(auth.username.as_deref(), &auth.secret),
                issue,
                &[first.as_str(), summary],
                pull_request_url,
                pull_request_url,
            )
            .await
            .map_err(Into::into)
    }
}

/// The sprint's name from the sprint field: a list of sprint objects (`{name, state}`), or,
/// on older Data Center versions, of strings `…Sprint@1a2b[id=1,state=ACTIVE,name=S1,…]`.
fn sprint_name(field: &Value) -> Option<String> {
    let sprints: Vec<(String, bool)> = field
        .as_array()?
        .iter()
        .filter_map(|sprint| match sprint {
            Value::Object(obj) => {
                let name = obj.get("name")?.as_str()?.to_owned();
                let active = obj
                    .get("state")
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case("active"));
                Some((name, active))
            }
            Value::String(text) => {
                let attr = |key: &str| {
                    let start = text.find(&format!("{key}="))? + key.len() + 1;
                    let rest = &text[start..];
                    Some(rest[..rest.find([',', ']']).unwrap_or(rest.len())].to_owned())
                };
                let name = attr("name")?;
                let active = attr("state").is_some_and(|s| s.eq_ignore_ascii_case("active"));
                Some((name, active))
            }
            _ => None,
        })
        .filter(|(name, _)| !name.trim().is_empty())
        .collect();
    sprints
        .iter()
        .find(|(_, active)| *active)
        .or(sprints.last())
        .map(|(name, _)| name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_keys_are_checked_and_uppercased() {
        assert_eq!(parse_key(" eng-42 ").unwrap(), "ENG-42");
        assert_eq!(parse_key("A1_B-7").unwrap(), "A1_B-7");
        for bad in [
            "",
            "ENG",
            "ENG-",
            "-1",
            "1ENG-1",
            "ENG-01",
            "ENG-1a",
            "EN G-1",
            "ENG-1/../x",
        ] {
            assert!(parse_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_active_sprint_wins_in_either_shape() {
        let cloud = json!([
            {"id": 1, "name": "Sprint 6", "state": "closed"},
            {"id": 2, "name": "Sprint 7", "state": "active"},
            {"id": 3, "name": "Sprint 8", "state": "future"},
        ]);
        assert_eq!(sprint_name(&cloud).as_deref(), Some("Sprint 7"));
        let closed = json!([{"name": "S1", "state": "closed"}, {"name": "S2", "state": "closed"}]);
        assert_eq!(sprint_name(&closed).as_deref(), Some("S2"));
        let server = json!([
            "com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=1,rapidViewId=2,state=CLOSED,name=Old,startDate=x]",
            "com.atlassian.greenhopper.service.sprint.Sprint@3c4d[id=2,rapidViewId=2,state=ACTIVE,name=Now,startDate=y]",
        ]);
        assert_eq!(sprint_name(&server).as_deref(), Some("Now"));
        assert_eq!(sprint_name(&json!(null)), None);
        assert_eq!(sprint_name(&json!([])), None);
    }

    #[test]
    fn the_instruction_is_key_summary_and_description() {
        let issue = JiraIssue {
            key: "ENG-42".into(),
            summary: " Validate signup ".into(),
            description: "Reject empty emails.".into(),
            sprint: None,
        };
        assert_eq!(
            issue.instruction(),
            "ENG-42: Validate signup\n\nReject empty emails."
        );
        let bare = JiraIssue {
            description: String::new(),
            ..issue
        };
        assert_eq!(bare.instruction(), "ENG-42: Validate signup");
    }
}
