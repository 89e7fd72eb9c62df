//! Contract tests of the GitHub, Azure DevOps and Jira clients against local servers that
//! implement the few endpoints Orchard uses, as the services document them: each test checks
//! the method, path, query, auth header and body of every request, and the failure paths
//! (a refused credential, rate limits, a missing issue, a duplicate pull request).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use orchard::forge::azure::{AzureDevopsClient, AzureRepo};
use orchard::forge::github::{GithubClient, GithubRepo};
use orchard::forge::jira::JiraClient;
use orchard::forge::{Auth, ClientSettings, PullRequestSpec, Retries, ServiceError, base_url};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::Data;
use poem::{Body, EndpointExt, Request, Route, handler};
use secrecy::SecretString;
use serde_json::{Value, json};

/// One request as the fake service received it.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: HashMap<String, String>,
    pub(crate) headers: HashMap<String, String>,
    pub(crate) body: Value,
}

impl Recorded {
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }
}

/// An answer of the fake service.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Value,
}

impl Reply {
    pub(crate) fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub(crate) fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// What a fake service knows: its pull requests (head branch, number) and issues.
#[derive(Default)]
pub(crate) struct World {
    pub(crate) pulls: Vec<(String, u64)>,
    pub(crate) issues: HashMap<String, Value>,
    pub(crate) comments: Vec<(String, Value)>,
}

type Respond = fn(&Recorded, &mut World) -> Reply;

struct Inner {
    requests: Vec<Recorded>,
    /// Replies forced on the next requests with this method, in order.
    forced: VecDeque<(&'static str, Reply)>,
    world: World,
    respond: Respond,
}

/// A local HTTP server that records every request and answers by `respond`.
#[derive(Clone)]
pub(crate) struct FakeService {
    pub(crate) base_url: String,
    inner: Arc<Mutex<Inner>>,
}

#[handler]
async fn any(req: &Request, body: Body, fake: Data<&FakeService>) -> poem::Response {
    let body = body.into_vec().await.unwrap_or_default();
    let recorded = Recorded {
        method: req.method().to_string(),
        path: req.uri().path().to_owned(),
        query: req
            .uri()
            .query()
            .map(|q| {
                reqwest::Url::parse(&format!("http://fake/?{q}"))
                    .map(|url| url.query_pairs().into_owned().collect())
                    .unwrap_or_default()
            })
            .unwrap_or_default(),
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    let reply = {
        let mut inner = fake.inner.lock().unwrap();
        inner.requests.push(recorded.clone());
        let forced = inner
            .forced
            .iter()
            .position(|(method, _)| *method == recorded.method);
        match forced.and_then(|at| inner.forced.remove(at)) {
            Some((_, reply)) => reply,
            None => {
                let respond = inner.respond;
                respond(&recorded, &mut inner.world)
            }
        }
    };
    let mut response = poem::Response::builder()
        .status(poem::http::StatusCode::from_u16(reply.status).unwrap())
        .content_type("application/json");
    for (name, value) in reply.headers {
        response = response.header(name, value);
    }
    response.body(reply.body.to_string())
}

impl FakeService {
    pub(crate) async fn start(respond: Respond) -> Self {
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap();
        let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
        let fake = FakeService {
            base_url: format!("http://127.0.0.1:{port}"),
            inner: Arc::new(Mutex::new(Inner {
                requests: Vec::new(),
                forced: VecDeque::new(),
                world: World::default(),
                respond,
            })),
        };
        let app = Route::new().at("/*path", any).data(fake.clone());
        tokio::spawn(async move {
            let _ = poem::Server::new_with_acceptor(acceptor).run(app).await;
        });
        fake
    }

    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.inner.lock().unwrap().requests.clone()
    }

    pub(crate) fn posts(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect()
    }

    pub(crate) fn force(&self, method: &'static str, reply: Reply) {
        self.inner.lock().unwrap().forced.push_back((method, reply));
    }

    pub(crate) fn world<T>(&self, f: impl FnOnce(&mut World) -> T) -> T {
        f(&mut self.inner.lock().unwrap().world)
    }
}

/// GitHub's pull request endpoints, as documented at docs.github.com/en/rest/pulls/pulls.
pub(crate) fn github(req: &Recorded, world: &mut World) -> Reply {
    let parts: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    match (req.method.as_str(), parts.as_slice()) {
        ("GET", ["repos", _, _]) => Reply::json(200, json!({"default_branch": "main"})),
        ("GET", ["repos", owner, _, "pulls"]) => {
            let head = req.query.get("head").cloned().unwrap_or_default();
            let pulls: Vec<Value> = world
                .pulls
                .iter()
                .filter(|(branch, _)| head.is_empty() || format!("{owner}:{branch}") == head)
                .map(|(_, n)| json!({"number": n, "html_url": format!("https://github.test/{owner}/pull/{n}"), "state": "open"}))
                .collect();
            Reply::json(200, Value::Array(pulls))
        }
        ("POST", ["repos", owner, _, "pulls"]) => {
            let head = req.body["head"].as_str().unwrap_or_default().to_owned();
            if world.pulls.iter().any(|(b, _)| *b == head) {
                return Reply::json(
                    422,
                    json!({"message": "Validation Failed", "errors": [{"resource": "PullRequest", "code": "custom", "message": format!("A pull request already exists for {owner}:{head}.")}]}),
                );
            }
            let number = world.pulls.len() as u64 + 1;
            world.pulls.push((head, number));
            Reply::json(
                201,
                json!({"number": number, "html_url": format!("https://github.test/{owner}/pull/{number}"), "state": "open", "draft": req.body["draft"]}),
            )
        }
        _ => Reply::json(404, json!({"message": "Not Found"})),
    }
}

/// Azure DevOps' pull request endpoints (learn.microsoft.com/rest/api/azure/devops/git).
pub(crate) fn azure(req: &Recorded, world: &mut World) -> Reply {
    let parts: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    if req.query.get("api-version").map(String::as_str) != Some("7.1") {
        return Reply::json(400, json!({"message": "api-version missing"}));
    }
    match (req.method.as_str(), parts.as_slice()) {
        ("GET", [_, _, "_apis", "git", "repositories", _]) => Reply::json(
            200,
            json!({"id": "r1", "name": "deploy", "defaultBranch": "refs/heads/trunk"}),
        ),
        ("GET", [_, _, "_apis", "git", "repositories", _, "pullrequests"]) => {
            let source = req
                .query
                .get("searchCriteria.sourceRefName")
                .cloned()
                .unwrap_or_default();
            let value: Vec<Value> = world
                .pulls
                .iter()
                .filter(|(branch, _)| *branch == source)
                .map(|(_, n)| json!({"pullRequestId": n, "status": "active"}))
                .collect();
            Reply::json(200, json!({"count": value.len(), "value": value}))
        }
        ("POST", [_, _, "_apis", "git", "repositories", _, "pullrequests"]) => {
            let source = req.body["sourceRefName"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if world.pulls.iter().any(|(b, _)| *b == source) {
                return Reply::json(
                    409,
                    json!({"message": "TF401179: An active pull request for the source and target branch already exists.", "typeKey": "GitPullRequestExistsException"}),
                );
            }
            let id = world.pulls.len() as u64 + 100;
            world.pulls.push((source, id));
            Reply::json(201, json!({"pullRequestId": id, "status": "active"}))
        }
        _ => Reply::json(404, json!({"message": "not found"})),
    }
}

/// Jira's issue and comment endpoints (developer.atlassian.com/cloud/jira/platform/rest).
pub(crate) fn jira(req: &Recorded, world: &mut World) -> Reply {
    let parts: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    match (req.method.as_str(), parts.as_slice()) {
        ("GET", ["rest", "api", _, "issue", key]) => match world.issues.get(*key) {
            Some(issue) => Reply::json(200, issue.clone()),
            None => Reply::json(
                404,
                json!({"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}}),
            ),
        },
        ("POST", ["rest", "api", _, "issue", key, "comment"]) => {
            if !world.issues.contains_key(*key) {
                return Reply::json(404, json!({"errorMessages": ["Issue does not exist"]}));
            }
            world.comments.push((key.to_string(), req.body.clone()));
            Reply::json(201, json!({"id": "10000", "body": req.body["body"]}))
        }
        _ => Reply::json(404, json!({"errorMessages": ["no such endpoint"]})),
    }
}

fn settings() -> ClientSettings {
    ClientSettings {
        timeout: Duration::from_secs(5),
        retries: Retries {
            max_attempts: 3,
            max_wait: Duration::from_secs(5),
            backoff: Duration::from_millis(20),
        },
        ..ClientSettings::default()
    }
}

fn spec(branch: &str, base: Option<&str>) -> PullRequestSpec {
    PullRequestSpec {
        branch: branch.into(),
        base: base.map(Into::into),
        title: "Validate signup input".into(),
        body: "Instruction: add input validation".into(),
        draft: false,
    }
}

fn basic(user: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"))
    )
}

const GITHUB_TOKEN: &str = "ghp_contract0123456789abcdef";

async fn github_setup() -> (FakeService, GithubClient, GithubRepo, Auth) {
    let fake = FakeService::start(github).await;
    let client = GithubClient::new(&settings()).unwrap();
    let api = base_url(&fake.base_url).unwrap();
    let repo =
        GithubRepo::from_clone_url("https://github.com/acme/widgets.git", Some(&api)).unwrap();
    let auth = Auth::Bearer(SecretString::from(GITHUB_TOKEN));
    (fake, client, repo, auth)
}

#[tokio::test]
async fn github_pull_request_follows_the_documented_contract_and_is_opened_once() {
    let (fake, client, repo, auth) = github_setup().await;
    let pr = client
        .open_pull_request(&auth, &repo, &spec("orchard/t1", None))
        .await
        .unwrap();
    assert_eq!(pr.number, 1);
    assert_eq!(pr.url, "https://github.test/acme/pull/1");
    assert!(pr.created);

    let requests = fake.requests();
    let shape: Vec<(String, String)> = requests
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        shape,
        [
            ("GET".into(), "/repos/acme/widgets/pulls".into()),
            ("GET".into(), "/repos/acme/widgets".into()),
            ("POST".into(), "/repos/acme/widgets/pulls".into()),
        ]
    );
    for r in &requests {
        assert_eq!(r.header("authorization"), format!("Bearer {GITHUB_TOKEN}"));
        assert_eq!(r.header("accept"), "application/vnd.github+json");
        assert_eq!(r.header("x-github-api-version"), "2022-11-28");
        assert!(r.header("user-agent").starts_with("orchard/"));
    }
    assert_eq!(requests[0].query["head"], "acme:orchard/t1");
    assert_eq!(requests[0].query["state"], "open");
    assert_eq!(requests[2].header("content-type"), "application/json");
    assert_eq!(
        requests[2].body,
        json!({
            "title": "Validate signup input",
            "head": "orchard/t1",
            "base": "main",
            "body": "Instruction: add input validation",
            "draft": false,
        })
    );

    // The same task finishing again (a redelivery): the open pull request is found, none is
    // created.
    let again = client
        .open_pull_request(&auth, &repo, &spec("orchard/t1", None))
        .await
        .unwrap();
    assert_eq!((again.number, again.created), (1, false));
    assert_eq!(fake.posts().len(), 1, "one POST in all");
    assert_eq!(fake.world(|w| w.pulls.len()), 1);
}

#[tokio::test]
async fn github_race_lost_to_another_run_finds_the_winners_pull_request() {
    let (fake, client, repo, auth) = github_setup().await;
    // Another run created it between our look-up and our POST: the look-up saw nothing.
    fake.force("GET", Reply::json(200, json!([])));
    fake.world(|w| w.pulls.push(("orchard/t2".into(), 9)));
    let pr = client
        .open_pull_request(&auth, &repo, &spec("orchard/t2", Some("main")))
        .await
        .unwrap();
    assert_eq!((pr.number, pr.created), (9, false));
    assert_eq!(
        fake.posts().len(),
        1,
        "the POST was refused with 422, not retried"
    );
}

#[tokio::test]
async fn github_refusing_the_credential_is_auth_failed_without_retries() {
    let (fake, client, repo, auth) = github_setup().await;
    fake.force(
        "POST",
        Reply::json(
            403,
            json!({"message": "Resource not accessible by personal access token", "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request", "status": "403"}),
        ),
    );
    let err = client
        .open_pull_request(&auth, &repo, &spec("orchard/t3", Some("main")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "auth_failed");
    assert!(matches!(err, ServiceError::AuthFailed { status: 403, .. }));
    assert!(err.to_string().contains("Resource not accessible"));
    assert!(!err.to_string().contains(GITHUB_TOKEN));
    assert_eq!(fake.posts().len(), 1);
    assert!(!err.is_transient());
}

#[tokio::test]
async fn github_rate_limits_are_waited_out_as_the_headers_say() {
    let (fake, client, repo, auth) = github_setup().await;
    // Primary rate limit: 429 with Retry-After.
    fake.force(
        "POST",
        Reply::json(429, json!({"message": "API rate limit exceeded"})).with("retry-after", "1"),
    );
    // Secondary rate limit: GitHub answers 403 with x-ratelimit-remaining: 0 and a reset time.
    let reset = time::OffsetDateTime::now_utc().unix_timestamp() + 1;
    fake.force(
        "GET",
        Reply::json(
            403,
            json!({"message": "You have exceeded a secondary rate limit"}),
        )
        .with("x-ratelimit-remaining", "0")
        .with("x-ratelimit-reset", reset.to_string()),
    );
    let started = Instant::now();
    let pr = client
        .open_pull_request(&auth, &repo, &spec("orchard/t4", Some("main")))
        .await
        .unwrap();
    assert!(pr.created);
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "waited for Retry-After: {:?}",
        started.elapsed()
    );
    assert_eq!(fake.posts().len(), 2, "the 429, then the success");
    assert_eq!(fake.world(|w| w.pulls.len()), 1);

    // A wait longer than the client allows is not slept through: rate_limited at once.
    fake.force(
        "GET",
        Reply::json(429, json!({"message": "slow down"})).with("retry-after", "3600"),
    );
    let started = Instant::now();
    let err = client
        .open_pull_request(&auth, &repo, &spec("orchard/t5", Some("main")))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(err.code(), "rate_limited");
    assert_eq!(
        err,
        ServiceError::RateLimited {
            service: "github",
            retry_after: Some(Duration::from_secs(3600))
        }
    );
    assert!(err.is_transient());
}

#[tokio::test]
async fn github_server_errors_are_retried_then_reported_unavailable() {
    let (fake, client, repo, auth) = github_setup().await;
    for _ in 0..3 {
        fake.force("GET", Reply::json(502, json!({"message": "Bad Gateway"})));
    }
    let err = client
        .open_pull_request(&auth, &repo, &spec("orchard/t6", Some("main")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "unavailable");
    assert_eq!(fake.requests().len(), 3, "max_attempts tries");
    assert!(fake.posts().is_empty());
}

const AZURE_PAT: &str = "azdopat0123456789abcdefghijkl";

#[tokio::test]
async fn azure_devops_pull_request_follows_the_documented_contract_and_is_opened_once() {
    let fake = FakeService::start(azure).await;
    let client = AzureDevopsClient::new(&settings()).unwrap();
    let collection = base_url(&format!("{}/acme", fake.base_url)).unwrap();
    let repo = AzureRepo::from_clone_url(
        "https://dev.azure.com/acme/Ops%20Team/_git/deploy",
        Some(&collection),
    )
    .unwrap();
    let auth = Auth::Basic {
        username: String::new(),
        secret: SecretString::from(AZURE_PAT),
    };
    let mut draft = spec("orchard/t7", None);
    draft.draft = true;
    let pr = client
        .open_pull_request(&auth, &repo, &draft)
        .await
        .unwrap();
    assert_eq!((pr.number, pr.created), (100, true));
    assert_eq!(
        pr.url,
        format!(
            "{}/acme/Ops%20Team/_git/deploy/pullrequest/100",
            fake.base_url
        )
    );

    let requests = fake.requests();
    let shape: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    let api = "/acme/Ops%20Team/_apis/git/repositories/deploy";
    let pulls = format!("{api}/pullrequests");
    assert_eq!(
        shape,
        [
            ("GET", pulls.as_str()),
            ("GET", api),
            ("POST", pulls.as_str())
        ]
    );
    for r in &requests {
        assert_eq!(r.header("authorization"), basic("", AZURE_PAT));
        assert_eq!(r.query["api-version"], "7.1");
    }
    assert_eq!(
        requests[0].query["searchCriteria.sourceRefName"],
        "refs/heads/orchard/t7"
    );
    assert_eq!(requests[0].query["searchCriteria.status"], "active");
    assert_eq!(
        requests[2].body,
        json!({
            "sourceRefName": "refs/heads/orchard/t7",
            "targetRefName": "refs/heads/trunk",
            "title": "Validate signup input",
            "description": "Instruction: add input validation",
            "isDraft": true,
        })
    );

    // Redelivery: found, not created again.
    let again = client
        .open_pull_request(&auth, &repo, &draft)
        .await
        .unwrap();
    assert_eq!((again.number, again.created), (100, false));
    // A race lost: the look-up misses it, the POST gets 409, the second look-up finds it.
    fake.force("GET", Reply::json(200, json!({"count": 0, "value": []})));
    let raced = client
        .open_pull_request(&auth, &repo, &draft)
        .await
        .unwrap();
    assert_eq!((raced.number, raced.created), (100, false));
    assert_eq!(fake.posts().len(), 2, "the first and the refused one");
    assert_eq!(fake.world(|w| w.pulls.len()), 1);

    // An expired PAT.
    fake.force(
        "GET",
        Reply::json(401, json!({"message": "TF400813: not authorized"})),
    );
    let err = client
        .open_pull_request(&auth, &repo, &spec("orchard/t8", None))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "auth_failed");
}

const JIRA_TOKEN: &str = "ATATT3xFfGF0contract0123456789";

fn jira_issue_body() -> Value {
    json!({
        "id": "10042",
        "key": "ENG-42",
        "self": "https://acme.atlassian.net/rest/api/3/issue/10042",
        "fields": {
            "summary": "Validate signup input",
            "description": {
                "type": "doc",
                "version": 1,
                "content": [
                    {"type": "paragraph", "content": [{"type": "text", "text": "Reject empty emails."}]},
                    {"type": "bulletList", "content": [
                        {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "return 400"}]}]}
                    ]}
                ]
            },
            "customfield_10020": [
                {"id": 6, "name": "Sprint 6", "state": "closed", "boardId": 1},
                {"id": 7, "name": "Sprint 7", "state": "active", "boardId": 1}
            ]
        }
    })
}

#[tokio::test]
async fn jira_cloud_issue_and_comment_follow_the_documented_contract() {
    let fake = FakeService::start(jira).await;
    fake.world(|w| w.issues.insert("ENG-42".into(), jira_issue_body()));
    let client = JiraClient::new(&settings(), "customfield_10020").unwrap();
    let site = base_url(&fake.base_url).unwrap();
    let auth = Auth::Basic {
        username: "dev@acme.example".into(),
        secret: SecretString::from(JIRA_TOKEN),
    };
    let issue = client.issue(&site, &auth, "ENG-42").await.unwrap();
    assert_eq!(issue.summary, "Validate signup input");
    assert_eq!(issue.description, "Reject empty emails.\n\n- return 400");
    assert_eq!(issue.sprint.as_deref(), Some("Sprint 7"));

    client
        .comment(
            &site,
            &auth,
            "ENG-42",
            &["Orchard opened a pull request for this issue."],
            "github.test/acme/pull/1",
            "https://github.test/acme/pull/1",
        )
        .await
        .unwrap();
    let requests = fake.requests();
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, "/rest/api/3/issue/ENG-42");
    assert_eq!(
        requests[0].query["fields"],
        "summary,description,customfield_10020"
    );
    assert_eq!(requests[1].method, "POST");
    assert_eq!(requests[1].path, "/rest/api/3/issue/ENG-42/comment");
    for r in &requests {
        assert_eq!(
            r.header("authorization"),
            basic("dev@acme.example", JIRA_TOKEN)
        );
        assert_eq!(r.header("accept"), "application/json");
    }
    assert_eq!(
        requests[1].body,
        json!({"body": {"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "Orchard opened a pull request for this issue."}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "github.test/acme/pull/1", "marks": [{"type": "link", "attrs": {"href": "https://github.test/acme/pull/1"}}]}]}
        ]}})
    );

    // A missing issue (or one the credential cannot see): not_found, no retry.
    let err = client.issue(&site, &auth, "ENG-404").await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.to_string().contains("ENG-404"));
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn jira_data_center_speaks_version_2_with_a_bearer_token() {
    let fake = FakeService::start(jira).await;
    let mut body = jira_issue_body();
    body["fields"]["description"] = json!("Plain wiki text.");
    body["fields"]["customfield_10020"] = json!([
        "com.atlassian.greenhopper.service.sprint.Sprint@5f[id=3,rapidViewId=1,state=ACTIVE,name=DC Sprint,startDate=2026-11-30]"
    ]);
    fake.world(|w| w.issues.insert("ENG-42".into(), body));
    let client = JiraClient::new(&settings(), "customfield_10020").unwrap();
    let site = base_url(&fake.base_url).unwrap();
    let auth = Auth::Bearer(SecretString::from(JIRA_TOKEN));
    let issue = client.issue(&site, &auth, "ENG-42").await.unwrap();
    assert_eq!(issue.description, "Plain wiki text.");
    assert_eq!(issue.sprint.as_deref(), Some("DC Sprint"));
    client
        .comment(&site, &auth, "ENG-42", &["Opened."], "PR 1", "https://x/1")
        .await
        .unwrap();
    let requests = fake.requests();
    let last = requests.last().unwrap();
    assert_eq!(last.path, "/rest/api/2/issue/ENG-42/comment");
    assert_eq!(last.header("authorization"), format!("Bearer {JIRA_TOKEN}"));
    assert_eq!(last.body, json!({"body": "Opened.\n\n[PR 1|https://x/1]"}));

    // A comment is not sent twice when the answer is a server error (it may have been added).
    fake.force("POST", Reply::json(500, json!({"errorMessages": ["boom"]})));
    let err = client
        .comment(&site, &auth, "ENG-42", &["Again."], "PR 1", "https://x/1")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "unavailable");
    assert_eq!(fake.posts().len(), 2);
    // ... but a 429 is (the service did not act on it).
    fake.force("POST", Reply::json(429, json!({})).with("retry-after", "0"));
    client
        .comment(&site, &auth, "ENG-42", &["Third."], "PR 1", "https://x/1")
        .await
        .unwrap();
    assert_eq!(fake.posts().len(), 4);
    assert_eq!(fake.world(|w| w.comments.len()), 2);
}
