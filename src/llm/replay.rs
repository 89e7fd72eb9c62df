//! Replays a scripted conversation: the n-th call answers with the n-th assistant message of
//! a JSON script, where n is the number of assistant messages already in the request. It is
//! stateless, so concurrent runs each get the whole script.
//!
//! The script is a JSON array of assistant messages in the OpenAI shape, optionally with
//! `usage`; `arguments` may be a JSON string (as the API sends it) or an object.

use async_trait::async_trait;
use orchard_actors::domain::TokenUsage;
use orchard_actors::ports::{ChatMessage, ChatRequest, ChatResponse, Llm, LlmError};
use serde::Deserialize;

use super::wire::{WireMessage, WireUsage};

/// The built-in demo script, a copy of `config/replay-demo.json`.
pub const DEMO_SCRIPT: &str = include_str!("../../config/replay-demo.json");

#[derive(Debug, Clone, Deserialize)]
struct Step {
    #[serde(flatten)]
    message: WireMessage,
    #[serde(default)]
    usage: Option<WireUsage>,
}

/// The replaying model.
#[derive(Debug, Clone)]
pub struct ReplayLlm {
    steps: Vec<Step>,
}

impl ReplayLlm {
    /// Parses a script.
    pub fn from_json(text: &str) -> anyhow::Result<Self> {
        let steps: Vec<Step> =
            serde_json::from_str(text).map_err(|err| anyhow::anyhow!("replay script: {err}"))?;
        if steps.is_empty() {
            anyhow::bail!("replay script is empty");
        }
        Ok(Self { steps })
    }

    /// The built-in demo.
    pub fn demo() -> Self {
        Self::from_json(DEMO_SCRIPT).expect("the built-in demo script is valid")
    }
}

#[async_trait]
impl Llm for ReplayLlm {
    async fn complete(&self, request: &ChatRequest) -> Result<ChatResponse, LlmError> {
        let index = request
            .messages
            .iter()
            .filter(|m| matches!(m, ChatMessage::Assistant { .. }))
            .count();
        let Some(step) = self.steps.get(index) else {
            return Err(LlmError::Permanent {
                message: format!("the replay script has no step {}", index + 1),
            });
        };
        let usage = step.usage.unwrap_or_default();
        Ok(ChatResponse {
            content: step.message.content.clone(),
            tool_calls: step.message.tool_calls(),
            usage: TokenUsage {
                prompt: usage.prompt_tokens,
                completion: usage.completion_tokens,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn replays_the_demo_step_by_step() {
        let llm = ReplayLlm::demo();
        let mut request = ChatRequest {
            messages: vec![ChatMessage::User {
                content: "hi".into(),
            }],
            tools: Vec::new(),
            max_completion_tokens: 100,
        };
        let first = llm.complete(&request).await.unwrap();
        assert_eq!(first.tool_calls[0].name, "list_files");
        request.messages.push(ChatMessage::Assistant {
            content: None,
            tool_calls: first.tool_calls,
        });
        let second = llm.complete(&request).await.unwrap();
        assert_ne!(second.tool_calls[0].name, "list_files");
        let last = llm.steps.last().unwrap();
        assert_eq!(last.message.tool_calls()[0].name, "finish");
    }

    #[test]
    fn object_arguments_become_json_strings() {
        let llm = ReplayLlm::from_json(
            r#"[{"tool_calls":[{"id":"1","type":"function","function":{"name":"read_file","arguments":{"path":"a"}}}]}]"#,
        )
        .unwrap();
        let calls = llm.steps[0].message.tool_calls();
        assert_eq!(calls[0].arguments, r#"{"path":"a"}"#);
        assert!(ReplayLlm::from_json("[]").is_err());
        assert!(ReplayLlm::from_json("{").is_err());
    }
}
