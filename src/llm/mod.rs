//! Adapters of the [`Llm`](orchard_actors::ports::Llm) port: an OpenAI-compatible HTTP
//! client, and a replay of a scripted conversation for offline use.

pub mod openai;
pub mod replay;
mod wire;

pub use openai::OpenAiLlm;
pub use replay::ReplayLlm;
