//! A git server over HTTP for tests: `git http-backend` (smart HTTP, fetch and push) behind a
//! small poem server, serving the bare repositories under one directory.

use std::path::PathBuf;
use std::process::Stdio;

use poem::http::{HeaderMap, Method, StatusCode};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::Data;
use poem::{Body, EndpointExt, Request, Response, Route, handler};
use tokio::io::AsyncWriteExt;

/// The running server.
pub(crate) struct GitHttpServer {
    pub(crate) base_url: String,
    _server: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct Root {
    path: PathBuf,
    /// `Authorization` header value every request must carry, when set.
    basic_auth: Option<String>,
}

#[handler]
async fn cgi(req: &Request, root: Data<&Root>, body: Body) -> Response {
    if let Some(expected) = &root.basic_auth {
        let given = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        if given != Some(expected.as_str()) {
            return Response::builder()
                .status(StatusCode::UNAUTHORIZED)
                .header("WWW-Authenticate", "Basic realm=\"orchard-test\"")
                .body("authentication required");
        }
    }
    let user = root.basic_auth.is_some().then_some("tenant");
    match run_backend(req, &root.path, body, user).await {
        Ok(response) => response,
        Err(err) => Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(format!("git http-backend: {err}")),
    }
}

async fn run_backend(
    req: &Request,
    root: &std::path::Path,
    body: Body,
    user: Option<&str>,
) -> std::io::Result<Response> {
    let input = body.into_vec().await.map_err(std::io::Error::other)?;
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut command = tokio::process::Command::new("git");
    command
        .arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("REQUEST_METHOD", req.method().as_str())
        .env("PATH_INFO", req.uri().path())
        .env("QUERY_STRING", req.uri().query().unwrap_or_default())
        .env("CONTENT_TYPE", header("content-type"))
        .env("CONTENT_LENGTH", input.len().to_string())
        .env("HTTP_CONTENT_ENCODING", header("content-encoding"))
        .env("GIT_PROTOCOL", header("git-protocol"))
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(user) = user {
        // An authenticated user may push without `http.receivepack`.
        command.env("REMOTE_USER", user);
    }
    let mut child = command.spawn()?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    if *req.method() == Method::POST {
        stdin.write_all(&input).await?;
    }
    drop(stdin);
    let output = child.wait_with_output().await?;
    let split = output
        .stdout
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| {
            output
                .stdout
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|i| (i, 2))
        });
    let Some((end, sep)) = split else {
        return Ok(Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .body(String::from_utf8_lossy(&output.stderr).into_owned()));
    };
    let head = String::from_utf8_lossy(&output.stdout[..end]).into_owned();
    let mut status = StatusCode::OK;
    let mut headers = HeaderMap::new();
    for line in head.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            let code = value
                .split(' ')
                .next()
                .and_then(|c| c.parse().ok())
                .unwrap_or(500);
            status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        } else if let (Ok(name), Ok(value)) = (
            poem::http::HeaderName::from_bytes(name.trim().as_bytes()),
            poem::http::HeaderValue::from_str(value),
        ) {
            headers.append(name, value);
        }
    }
    let mut response = Response::builder().status(status);
    for (name, value) in &headers {
        response = response.header(name, value);
    }
    Ok(response.body(output.stdout[end + sep..].to_vec()))
}

impl GitHttpServer {
    /// Serves the bare repositories under `root` at `http://127.0.0.1:<port>/<name>`.
    pub(crate) async fn start(root: PathBuf) -> Self {
        Self::serve(root, None).await
    }

    /// Like [`Self::start`], but every request must authenticate as `user` with `password`
    /// (HTTP basic auth; anything else gets a 401 challenge).
    pub(crate) async fn start_with_basic_auth(root: PathBuf, user: &str, password: &str) -> Self {
        use base64::Engine;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        Self::serve(root, Some(format!("Basic {token}"))).await
    }

    async fn serve(root: PathBuf, basic_auth: Option<String>) -> Self {
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap();
        let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
        let app = Route::new().at("/*path", cgi).data(Root {
            path: root,
            basic_auth,
        });
        let server = tokio::spawn(async move {
            let _ = poem::Server::new_with_acceptor(acceptor).run(app).await;
        });
        Self {
            base_url: format!("http://127.0.0.1:{port}"),
            _server: server,
        }
    }
}
