//! Any OpenAI-compatible chat-completions API: `POST {base_url}/chat/completions`.

use std::time::Duration;

use async_trait::async_trait;
use orchard_actors::domain::TokenUsage;
use orchard_actors::ports::{ChatRequest, ChatResponse, Llm, LlmError};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::wire::{WireMessage, WireUsage, request_body};

/// The HTTP client.
#[derive(Debug)]
pub struct OpenAiLlm {
    client: reqwest::Client,
    url: String,
    model: String,
    api_key: Option<SecretString>,
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct Choice {
    message: WireMessage,
}

/// Longest part of an error body kept in an error message.
const MAX_ERROR_BODY: usize = 500;

impl OpenAiLlm {
    /// A client for `base_url` (e.g. `https://api.openai.com/v1`).
    pub fn new(
        base_url: &str,
        model: &str,
        api_key: Option<SecretString>,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self {
            client,
            url: format!("{}/chat/completions", base_url.trim_end_matches('/')),
            model: model.to_owned(),
            api_key,
        })
    }
}

/// The wait an HTTP answer asks for (`Retry-After` in seconds), shared by every
/// OpenAI-compatible client (chat completions, embeddings).
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// Whether an OpenAI-compatible API's error status is worth retrying.
pub(crate) fn is_transient(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || status.is_server_error()
}

#[async_trait]
impl Llm for OpenAiLlm {
    async fn complete(&self, request: &ChatRequest) -> Result<ChatResponse, LlmError> {
        let mut http = self
            .client
            .post(&self.url)
            .json(&request_body(&self.model, request));
        if let Some(key) = &self.api_key {
            http = http.bearer_auth(key.expose_secret());
        }
        let response = http.send().await.map_err(|err| LlmError::Transient {
            // Without the URL: reqwest's message is enough and never carries the key.
            message: format!("request failed: {}", err.without_url()),
            retry_after: None,
        })?;
        let status = response.status();
        let wait = retry_after(response.headers());
        let body = response.text().await.map_err(|err| LlmError::Transient {
            message: format!("reading response: {}", err.without_url()),
            retry_after: None,
        })?;
        if !status.is_success() {
            let snippet: String = body.chars().take(MAX_ERROR_BODY).collect();
            let message = format!("HTTP {status}: {snippet}");
            return Err(if is_transient(status) {
                LlmError::Transient {
                    message,
                    retry_after: wait,
                }
            } else {
                LlmError::Permanent { message }
            });
        }
        let completion: Completion =
            serde_json::from_str(&body).map_err(|err| LlmError::Permanent {
                message: format!("unreadable completion: {err}"),
            })?;
        let Some(choice) = completion.choices.into_iter().next() else {
            return Err(LlmError::Permanent {
                message: "completion without choices".into(),
            });
        };
        let usage = completion.usage.unwrap_or_default();
        Ok(ChatResponse {
            tool_calls: choice.message.tool_calls(),
            content: choice.message.content,
            usage: TokenUsage {
                prompt: usage.prompt_tokens,
                completion: usage.completion_tokens,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use orchard_actors::ports::{ChatMessage, ToolSpec};
    use poem::listener::{Acceptor, Listener, TcpListener};
    use poem::web::{Data, Json};
    use poem::{EndpointExt, Request, Response, Route, handler, post};
    use serde_json::{Value, json};

    use super::*;

    /// Each request the fake vendor saw: its `Authorization` header and JSON body.
    type Seen = Arc<Mutex<Vec<(Option<String>, Value)>>>;

    /// What the fake vendor answers and what it saw.
    #[derive(Clone)]
    struct Vendor {
        status: u16,
        headers: Vec<(&'static str, &'static str)>,
        body: String,
        seen: Seen,
    }

    #[handler]
    fn completions(req: &Request, vendor: Data<&Vendor>, body: Json<Value>) -> Response {
        let auth = req.header("authorization").map(str::to_owned);
        vendor.seen.lock().unwrap().push((auth, body.0));
        let mut response = Response::builder()
            .status(poem::http::StatusCode::from_u16(vendor.status).unwrap())
            .content_type("application/json");
        for (name, value) in &vendor.headers {
            response = response.header(*name, *value);
        }
        response.body(vendor.body.clone())
    }

    async fn serve(vendor: Vendor) -> String {
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap();
        let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
        let app = Route::new()
            .at("/v1/chat/completions", post(completions))
            .data(vendor);
        tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
        format!("http://127.0.0.1:{port}/v1/")
    }

    fn vendor(status: u16, body: Value) -> Vendor {
        Vendor {
            status,
            headers: Vec::new(),
            body: body.to_string(),
            seen: Arc::default(),
        }
    }

    fn request() -> ChatRequest {
        ChatRequest {
            messages: vec![
                ChatMessage::System {
                    content: "sys".into(),
                },
                ChatMessage::User {
                    content: "do it".into(),
                },
                ChatMessage::Assistant {
                    content: None,
                    tool_calls: vec![orchard_actors::ports::ToolCall {
                        id: "c1".into(),
                        name: "list_files".into(),
                        arguments: "{}".into(),
                    }],
                },
                ChatMessage::Tool {
                    tool_call_id: "c1".into(),
                    content: "a.rs".into(),
                },
            ],
            tools: vec![ToolSpec {
                name: "list_files".into(),
                description: "list".into(),
                parameters: json!({"type": "object"}),
            }],
            max_completion_tokens: 321,
        }
    }

    fn client(base: &str, key: Option<&str>) -> OpenAiLlm {
        OpenAiLlm::new(
            base,
            "m1",
            key.map(SecretString::from),
            Duration::from_secs(5),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn speaks_chat_completions_with_tools_and_reads_usage() {
        let vendor = vendor(
            200,
            json!({
                "choices": [{"message": {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "c2", "type": "function", "function": {"name": "read_file", "arguments": "{\"path\":\"a.rs\"}"}}
                ]}}],
                "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49}
            }),
        );
        let seen = vendor.seen.clone();
        let base = serve(vendor).await;
        let response = client(&base, Some("sk-test"))
            .complete(&request())
            .await
            .unwrap();
        assert_eq!(
            response.usage,
            TokenUsage {
                prompt: 42,
                completion: 7
            }
        );
        assert_eq!(response.tool_calls[0].name, "read_file");
        assert_eq!(response.tool_calls[0].arguments, r#"{"path":"a.rs"}"#);

        let seen = seen.lock().unwrap();
        let (auth, body) = &seen[0];
        assert_eq!(auth.as_deref(), Some("Bearer sk-test"));
        assert_eq!(body["model"], "m1");
        assert_eq!(
            body["max_completion_tokens"], 321,
            "the cap the budget reserved"
        );
        assert_eq!(body["tools"][0]["type"], "function");
        assert_eq!(body["tools"][0]["function"]["name"], "list_files");
        let messages = body["messages"].as_array().unwrap();
        assert_eq!(messages[2]["tool_calls"][0]["function"]["arguments"], "{}");
        assert_eq!(
            messages[3],
            json!({"role": "tool", "tool_call_id": "c1", "content": "a.rs"})
        );
    }

    #[tokio::test]
    async fn rate_limits_and_server_errors_are_transient_with_retry_after() {
        let mut limited = vendor(429, json!({"error": {"message": "slow down"}}));
        limited.headers.push(("retry-after", "3"));
        let base = serve(limited).await;
        match client(&base, None).complete(&request()).await {
            Err(LlmError::Transient {
                retry_after,
                message,
            }) => {
                assert_eq!(retry_after, Some(Duration::from_secs(3)));
                assert!(message.contains("429"), "{message}");
            }
            other => panic!("expected transient, got {other:?}"),
        }
        let base = serve(vendor(503, json!({}))).await;
        assert!(matches!(
            client(&base, None).complete(&request()).await,
            Err(LlmError::Transient {
                retry_after: None,
                ..
            })
        ));
        // Nothing listening: a connection error is transient too.
        let closed = client("http://127.0.0.1:9/v1", None)
            .complete(&request())
            .await;
        assert!(
            matches!(closed, Err(LlmError::Transient { .. })),
            "{closed:?}"
        );
    }

    #[tokio::test]
    async fn client_errors_and_garbage_are_permanent() {
        let base = serve(vendor(401, json!({"error": {"message": "bad key"}}))).await;
        match client(&base, Some("sk-wrong")).complete(&request()).await {
            Err(LlmError::Permanent { message }) => {
                assert!(message.contains("401"), "{message}");
                assert!(
                    !message.contains("sk-wrong"),
                    "the key never appears in errors"
                );
            }
            other => panic!("expected permanent, got {other:?}"),
        }
        let mut garbage = vendor(200, json!({}));
        garbage.body = "not json".into();
        let base = serve(garbage).await;
        assert!(matches!(
            client(&base, None).complete(&request()).await,
            Err(LlmError::Permanent { .. })
        ));
        let base = serve(vendor(200, json!({"choices": []}))).await;
        assert!(matches!(
            client(&base, None).complete(&request()).await,
            Err(LlmError::Permanent { .. })
        ));
    }
}
