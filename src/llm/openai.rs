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

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| *s >= 0.0)
        .map(Duration::from_secs_f64)
}

fn is_transient(status: StatusCode) -> bool {
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
