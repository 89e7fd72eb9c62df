//! [`Recall`]: vector memory as runs and the API use it — texts in, hits out.
//!
//! It pairs the [`VectorMemory`] port with the [`Embedder`] port and the limits of the
//! deployment, so the agent's `memory_search` / `memory_store` tools, the repository indexer
//! ([`crate::indexing`]) and `POST /v1/memory[/search]` validate and embed the same way.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::domain::{OrgScope, RepoId, TaskId};
use crate::embedding::{EmbedError, Embedder};
use crate::memory::{
    Hit, MAX_LIMIT, MemoryError, Metadata, Point, PointId, SearchQuery, Source, VectorMemory,
    check_metadata,
};

/// Limits of vector memory and of repository indexing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemorySettings {
    /// Largest note or query, in bytes.
    pub max_text_bytes: usize,
    /// Most lines of one repository chunk.
    pub chunk_lines: usize,
    /// Most bytes of one repository chunk.
    pub chunk_bytes: usize,
    /// Files larger than this are not indexed.
    pub max_file_bytes: u64,
    /// Whether runs index their repository after the checkout.
    pub index_repositories: bool,
}

impl Default for MemorySettings {
    fn default() -> Self {
        Self {
            max_text_bytes: 16 * 1024,
            chunk_lines: 60,
            chunk_bytes: 2048,
            max_file_bytes: 256 * 1024,
            index_repositories: true,
        }
    }
}

/// Why a memory call did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecallError {
    /// The caller's input is wrong (empty query, limit out of range, no words to embed).
    #[error("{0}")]
    InvalidInput(String),
    /// The text is longer than `max_text_bytes`.
    #[error("{0}")]
    TooLarge(String),
    /// The embedding model cannot be reached or refused the call.
    #[error("embedding failed: {0}")]
    Unavailable(String),
    /// The vector store failed.
    #[error("vector memory failed: {0}")]
    Backend(String),
}

impl From<MemoryError> for RecallError {
    fn from(err: MemoryError) -> Self {
        // The memory's own `InvalidInput` (wrong dimensions, a zero vector) means the
        // embedder and the store disagree: a deployment fault, not the caller's.
        RecallError::Backend(err.to_string())
    }
}

/// Tries of one embedding call when the model answers a transient error.
const EMBED_TRIES: u32 = 3;
/// Longest wait between those tries, whatever `Retry-After` says.
const MAX_EMBED_WAIT: Duration = Duration::from_secs(10);

/// The memory of every org, with its embedder and limits.
#[derive(Clone)]
pub struct Recall {
    /// Where points are kept.
    pub vectors: Arc<dyn VectorMemory>,
    /// How texts become vectors.
    pub embedder: Arc<dyn Embedder>,
    /// Limits.
    pub settings: MemorySettings,
}

impl fmt::Debug for Recall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recall")
            .field("model", &self.embedder.model())
            .field("dimensions", &self.embedder.dimensions())
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Recall {
    /// Checks a note or query: not blank, at most `max_text_bytes`.
    pub fn check_text(&self, what: &str, text: &str) -> Result<(), RecallError> {
        if text.trim().is_empty() {
            return Err(RecallError::InvalidInput(format!(
                "{what} must not be empty"
            )));
        }
        let max = self.settings.max_text_bytes;
        if text.len() > max {
            return Err(RecallError::TooLarge(format!(
                "{what} is {} bytes; at most {max} are accepted",
                text.len()
            )));
        }
        Ok(())
    }

    /// The `limit` points of the scope's org most similar to `query`, optionally only chunks
    /// of `repo_id` (the caller checks that the repository is the org's).
    pub async fn search(
        &self,
        scope: &OrgScope,
        query: &str,
        limit: usize,
        repo_id: Option<RepoId>,
    ) -> Result<Vec<Hit>, RecallError> {
        self.check_text("query", query)?;
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(RecallError::InvalidInput(format!(
                "limit must be between 1 and {MAX_LIMIT}, not {limit}"
            )));
        }
        let vector = self.embed_one(query).await?;
        let query = SearchQuery {
            vector,
            limit,
            repo_id,
        };
        Ok(self.vectors.search(scope, &query).await?)
    }

    /// Stores `text` as a note of the scope's org, tagged with `task_id` when a run stores it.
    pub async fn store_note(
        &self,
        scope: &OrgScope,
        text: &str,
        task_id: Option<TaskId>,
    ) -> Result<PointId, RecallError> {
        self.store_note_with_metadata(scope, text, task_id, Metadata::new())
            .await
    }

    /// Stores `text` as a note with `metadata` (checked by [`check_metadata`] before
    /// anything is embedded; a refusal is `InvalidInput`).
    pub async fn store_note_with_metadata(
        &self,
        scope: &OrgScope,
        text: &str,
        task_id: Option<TaskId>,
        metadata: Metadata,
    ) -> Result<PointId, RecallError> {
        self.check_text("text", text)?;
        check_metadata(&metadata).map_err(|err| match err {
            MemoryError::InvalidInput(message) => RecallError::InvalidInput(message),
            other => RecallError::Backend(other.to_string()),
        })?;
        let vector = self.embed_one(text).await?;
        let id = PointId::new();
        let point = Point {
            id,
            source: Source::Note { task_id, metadata },
            text: text.to_owned(),
            vector,
        };
        self.vectors.upsert(scope, vec![point]).await?;
        Ok(id)
    }

    async fn embed_one(&self, text: &str) -> Result<Vec<f32>, RecallError> {
        let mut vectors = self.embed(&[text.to_owned()]).await?;
        vectors
            .pop()
            .ok_or_else(|| RecallError::Unavailable("the model returned no vector".into()))
    }

    /// One vector per text, retrying transient failures a few times (honouring
    /// `Retry-After`, at most [`MAX_EMBED_WAIT`]).
    pub async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, RecallError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.embedder.embed(texts).await {
                Ok(vectors) if vectors.len() == texts.len() => return Ok(vectors),
                Ok(vectors) => {
                    return Err(RecallError::Unavailable(format!(
                        "the model returned {} vectors for {} texts",
                        vectors.len(),
                        texts.len()
                    )));
                }
                Err(EmbedError::InvalidInput(message)) => {
                    return Err(RecallError::InvalidInput(message));
                }
                Err(EmbedError::Permanent(message)) => {
                    return Err(RecallError::Unavailable(message));
                }
                Err(EmbedError::Transient {
                    message,
                    retry_after,
                }) => {
                    if attempt >= EMBED_TRIES {
                        return Err(RecallError::Unavailable(format!(
                            "gave up after {attempt} attempts: {message}"
                        )));
                    }
                    let wait = retry_after
                        .unwrap_or(Duration::from_millis(200 * u64::from(attempt)))
                        .min(MAX_EMBED_WAIT);
                    tracing::warn!(attempt, wait_ms = wait.as_millis() as u64, error = %message, "embedding failed, retrying");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}
