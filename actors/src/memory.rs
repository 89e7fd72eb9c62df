//! Vector memory: the [`VectorMemory`] port, its points and hits, and the vector arithmetic
//! its adapters share.
//!
//! Agents remember code chunks of the org's repositories and notes of past tasks, searched
//! by meaning. Like [`crate::ports::Store`], every method takes the caller's [`OrgScope`]:
//! there is no way to name, search or delete another org's points, so isolation holds in
//! the data layer whatever a handler or tool does.
//!
//! Vectors are L2-normalised when they are stored and when they are searched with, so the
//! cosine similarity of two vectors is their dot product; scores are cosines in [-1, 1].

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{OrgId, OrgScope, RepoId, TaskId};

/// The most hits one search may ask for.
pub const MAX_LIMIT: usize = 100;

/// The most keys a note's metadata may have.
pub const MAX_METADATA_KEYS: usize = 16;
/// The longest metadata key, in bytes (keys are 1 to this many of `[A-Za-z0-9_.-]`).
pub const MAX_METADATA_KEY_BYTES: usize = 40;
/// The longest metadata value, in bytes.
pub const MAX_METADATA_VALUE_BYTES: usize = 500;

/// A note's metadata: a flat map of string keys to string values, stored with the note and
/// returned with its hits (not embedded, not searched). Limits: [`check_metadata`].
pub type Metadata = BTreeMap<String, String>;

/// Identifies a point within its org. Upserting a point with an id the org already has
/// replaces it, so an indexer that derives ids from (repo, path, blob, chunk) can repeat
/// itself safely.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PointId(Uuid);

impl PointId {
    /// A new, time-ordered id (for notes).
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }

    /// Wraps an existing UUID (e.g. one derived from a chunk's coordinates).
    pub fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    /// The underlying UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl Default for PointId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for PointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for PointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PointId({})", self.0)
    }
}

impl FromStr for PointId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// Where a point's text comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A chunk of a file of one of the org's repositories.
    Chunk {
        /// The repository.
        repo_id: RepoId,
        /// Path of the file within the repository, `/`-separated.
        path: String,
        /// The git blob id of the file's content the chunk was cut from (hex).
        blob_id: String,
        /// First line of the chunk, 1-based.
        start_line: u32,
        /// Last line of the chunk, inclusive.
        end_line: u32,
    },
    /// A note: stored by an agent (tagged with its task) or through the API (no task).
    Note {
        /// The task whose run stored it, if any.
        task_id: Option<TaskId>,
        /// What the caller attached to it (empty for agents' notes and task summaries).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        metadata: Metadata,
    },
}

impl Source {
    /// The repository of a chunk; `None` for a note.
    pub fn repo_id(&self) -> Option<RepoId> {
        match self {
            Source::Chunk { repo_id, .. } => Some(*repo_id),
            Source::Note { .. } => None,
        }
    }
}

/// A point to store: the org is the scope's.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Its id within the org.
    pub id: PointId,
    /// Where its text comes from.
    pub source: Source,
    /// The text that was embedded, returned with hits.
    pub text: String,
    /// The embedding; normalised by the store. Must have the store's dimensions, finite
    /// components and a non-zero length.
    pub vector: Vec<f32>,
}

/// A search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    /// The query's embedding (normalised by the store).
    pub vector: Vec<f32>,
    /// How many hits at most: 1 to [`MAX_LIMIT`].
    pub limit: usize,
    /// Only chunks of this repository (notes are left out).
    pub repo_id: Option<RepoId>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The point.
    pub id: PointId,
    /// Its org: always the searching scope's.
    pub org_id: OrgId,
    /// Cosine similarity with the query, in [-1, 1].
    pub score: f32,
    /// Where its text comes from.
    pub source: Source,
    /// The text.
    pub text: String,
}

/// The points of one (path, blob) of a repository, as the index holds them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IndexedBlob {
    /// Path within the repository.
    pub path: String,
    /// The blob the points were cut from.
    pub blob_id: String,
    /// How many points.
    pub points: u64,
}

/// Errors of the [`VectorMemory`] port.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemoryError {
    /// The request is malformed (wrong dimensions, a zero or non-finite vector, a limit
    /// outside 1..=[`MAX_LIMIT`]).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The backend failed.
    #[error("vector memory backend error: {0}")]
    Backend(String),
}

/// Tenant-scoped vector memory.
///
/// Rules every adapter keeps (see `conformance::memory::all_memory_checks`):
/// - a search sees only the scope's points, whatever their texts or vectors;
/// - hits are ordered by score, best first (ties by id), at most `limit` of them;
/// - an upsert of an existing id replaces the point (no duplicate hits);
/// - a batch is applied whole or not at all, and is durable once the call returns
///   (for adapters that persist);
/// - deleting by path or repository removes exactly those chunks, never notes or another
///   repository's chunks.
#[async_trait]
pub trait VectorMemory: Send + Sync + 'static {
    /// The dimensions every vector must have.
    fn dimensions(&self) -> usize;

    /// Stores or replaces `points` in the scope's org, as one batch.
    async fn upsert(&self, scope: &OrgScope, points: Vec<Point>) -> Result<(), MemoryError>;

    /// Removes the given points; returns how many existed.
    async fn delete(&self, scope: &OrgScope, ids: &[PointId]) -> Result<u64, MemoryError>;

    /// Removes every chunk of `path` in `repo_id` (all blobs); returns how many.
    async fn delete_path(
        &self,
        scope: &OrgScope,
        repo_id: RepoId,
        path: &str,
    ) -> Result<u64, MemoryError>;

    /// Removes every chunk of `repo_id`; returns how many.
    async fn delete_repo(&self, scope: &OrgScope, repo_id: RepoId) -> Result<u64, MemoryError>;

    /// The `query.limit` points most similar to `query.vector`.
    async fn search(&self, scope: &OrgScope, query: &SearchQuery) -> Result<Vec<Hit>, MemoryError>;

    /// What the index holds of `repo_id`: one entry per (path, blob), sorted, so a re-index
    /// can skip files whose blob is unchanged and remove those that are gone.
    async fn indexed_blobs(
        &self,
        scope: &OrgScope,
        repo_id: RepoId,
    ) -> Result<Vec<IndexedBlob>, MemoryError>;

    /// How many points the org has.
    async fn count(&self, scope: &OrgScope) -> Result<u64, MemoryError>;
}

/// Checks a search's limit.
pub fn check_limit(limit: usize) -> Result<(), MemoryError> {
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(())
    } else {
        Err(MemoryError::InvalidInput(format!(
            "limit must be between 1 and {MAX_LIMIT}, not {limit}"
        )))
    }
}

/// Checks what a store must refuse in a point's source: a note's metadata beyond the limits
/// of [`check_metadata`]. Every store calls it on every point of a batch before writing any.
pub fn check_source(source: &Source) -> Result<(), MemoryError> {
    match source {
        Source::Note { metadata, .. } => check_metadata(metadata),
        Source::Chunk { .. } => Ok(()),
    }
}

/// Checks a note's metadata: at most [`MAX_METADATA_KEYS`] keys, each 1 to
/// [`MAX_METADATA_KEY_BYTES`] bytes of `A-Z a-z 0-9 _ . -`, each value at most
/// [`MAX_METADATA_VALUE_BYTES`] bytes without control characters. `InvalidInput` says which
/// rule and which key.
pub fn check_metadata(metadata: &Metadata) -> Result<(), MemoryError> {
    let invalid = |message: String| Err(MemoryError::InvalidInput(message));
    if metadata.len() > MAX_METADATA_KEYS {
        return invalid(format!(
            "metadata has {} keys; at most {MAX_METADATA_KEYS} are accepted",
            metadata.len()
        ));
    }
    for (key, value) in metadata {
        if key.is_empty() || key.len() > MAX_METADATA_KEY_BYTES {
            return invalid(format!(
                "metadata key {} is {} bytes; keys must be 1 to {MAX_METADATA_KEY_BYTES} bytes",
                quoted(key),
                key.len()
            ));
        }
        if !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        {
            return invalid(format!(
                "metadata key {} may contain only letters A-Z and a-z, digits, `_`, `.` and `-`",
                quoted(key)
            ));
        }
        if value.len() > MAX_METADATA_VALUE_BYTES {
            return invalid(format!(
                "metadata value of {} is {} bytes; at most {MAX_METADATA_VALUE_BYTES} are accepted",
                quoted(key),
                value.len()
            ));
        }
        if value.chars().any(char::is_control) {
            return invalid(format!(
                "metadata value of {} contains a control character",
                quoted(key)
            ));
        }
    }
    Ok(())
}

/// `text` quoted with control characters escaped, cut after [`MAX_METADATA_KEY_BYTES`]
/// characters, for error messages.
fn quoted(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX_METADATA_KEY_BYTES).collect();
    let more = if chars.next().is_some() { "…" } else { "" };
    format!("{head:?}{more}")
}

/// Returns `vector` scaled to unit length, or `InvalidInput` if it has the wrong
/// dimensions, a non-finite component, or no length.
pub fn normalized(vector: &[f32], dimensions: usize) -> Result<Vec<f32>, MemoryError> {
    if vector.len() != dimensions {
        return Err(MemoryError::InvalidInput(format!(
            "a vector has {} dimensions, this memory takes {dimensions}",
            vector.len()
        )));
    }
    if vector.iter().any(|x| !x.is_finite()) {
        return Err(MemoryError::InvalidInput(
            "a vector has a component that is not a finite number".into(),
        ));
    }
    let mut out = vector.to_vec();
    if !normalize(&mut out) {
        return Err(MemoryError::InvalidInput("a vector has zero length".into()));
    }
    Ok(out)
}

/// Scales `vector` to unit length in place; `false` (and unchanged) if its length is zero.
pub fn normalize(vector: &mut [f32]) -> bool {
    let norm = dot(vector, vector).sqrt();
    if norm == 0.0 || !norm.is_finite() {
        return false;
    }
    let inverse = 1.0 / norm;
    for x in vector.iter_mut() {
        *x *= inverse;
    }
    true
}

/// Lanes of [`dot`]: independent accumulators, so the compiler keeps them in vector
/// registers and the additions do not wait on each other.
const LANES: usize = 16;

/// The dot product of two equally long slices.
///
/// Written as `LANES` independent sums over fixed-size chunks, which the compiler turns into
/// packed multiplies and adds (SSE on baseline x86-64); a plain `zip().sum()` is one serial
/// chain of additions (floating-point addition is not reassociated by the compiler).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let mut sums = [0.0f32; LANES];
    let (a_chunks, a_rest) = a.as_chunks::<LANES>();
    let (b_chunks, b_rest) = b.as_chunks::<LANES>();
    for (x, y) in a_chunks.iter().zip(b_chunks) {
        for lane in 0..LANES {
            sums[lane] += x[lane] * y[lane];
        }
    }
    let mut total: f32 = sums.iter().sum();
    for (x, y) in a_rest.iter().zip(b_rest) {
        total += x * y;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_the_plain_sum() {
        for len in [0, 1, 15, 16, 17, 384, 1000] {
            let a: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..len).map(|i| (i as f32 * 0.11).cos()).collect();
            let plain: f64 = a.iter().zip(&b).map(|(x, y)| f64::from(x * y)).sum();
            assert!((f64::from(dot(&a, &b)) - plain).abs() < 1e-3, "{len}");
        }
    }

    #[test]
    fn normalized_vectors_have_unit_length_and_bad_ones_are_refused() {
        let v = normalized(&[3.0, 4.0], 2).unwrap();
        assert_eq!(v, vec![0.6, 0.8]);
        assert!(matches!(
            normalized(&[0.0, 0.0], 2),
            Err(MemoryError::InvalidInput(_))
        ));
        assert!(matches!(
            normalized(&[f32::NAN, 1.0], 2),
            Err(MemoryError::InvalidInput(_))
        ));
        assert!(matches!(
            normalized(&[1.0], 2),
            Err(MemoryError::InvalidInput(_))
        ));
        assert!(check_limit(0).is_err() && check_limit(101).is_err());
        assert!(check_limit(1).is_ok() && check_limit(100).is_ok());
    }

    fn metadata(pairs: &[(&str, &str)]) -> Metadata {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn refusal(metadata: &Metadata) -> String {
        match check_metadata(metadata) {
            Err(MemoryError::InvalidInput(message)) => message,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn metadata_within_the_limits_is_accepted_and_the_rest_refused_with_the_reason() {
        let long_key = "k".repeat(MAX_METADATA_KEY_BYTES);
        let long_value = "é".repeat(MAX_METADATA_VALUE_BYTES / 2);
        let mut full: Metadata = (0..MAX_METADATA_KEYS)
            .map(|i| (format!("key_{i:02}"), "v".to_owned()))
            .collect();
        for ok in [
            Metadata::new(),
            metadata(&[("source", "slack"), ("ticket.id", "ENG-42"), ("A-b_9", "")]),
            metadata(&[(long_key.as_str(), long_value.as_str())]),
            metadata(&[("lang", "türkçe, 日本語 and emoji 🌳")]),
            full.clone(),
        ] {
            assert_eq!(check_metadata(&ok), Ok(()), "{ok:?}");
        }

        full.insert("one_more".into(), "v".into());
        assert!(refusal(&full).contains("17 keys; at most 16"));
        let too_long = "k".repeat(MAX_METADATA_KEY_BYTES + 1);
        let message = refusal(&metadata(&[(too_long.as_str(), "v")]));
        assert!(
            message.contains("41 bytes") && message.contains('…'),
            "{message}"
        );
        assert!(refusal(&metadata(&[("", "v")])).contains("is 0 bytes"));
        for bad in ["has space", "slash/", "colon:", "ümlaut", "tab\t", "null\0"] {
            let message = refusal(&metadata(&[(bad, "v")]));
            assert!(message.contains("may contain only"), "{bad:?}: {message}");
        }
        let message = refusal(&metadata(&[(
            "k",
            &"x".repeat(MAX_METADATA_VALUE_BYTES + 1),
        )]));
        assert!(message.contains("501 bytes; at most 500"), "{message}");
        let message = refusal(&metadata(&[("k", &format!("{long_value}x"))]));
        assert!(
            message.contains("501 bytes"),
            "multi-byte characters count as bytes"
        );
        for bad in ["line\nbreak", "nul\0", "del\u{7f}", "c1\u{85}"] {
            let message = refusal(&metadata(&[("k", bad)]));
            assert!(message.contains("control character"), "{bad:?}: {message}");
        }
    }

    #[test]
    fn a_note_without_metadata_serializes_as_before() {
        let plain = Source::Note {
            task_id: None,
            metadata: Metadata::new(),
        };
        let json = serde_json::to_value(&plain).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "note", "task_id": null}));
        assert_eq!(serde_json::from_value::<Source>(json).unwrap(), plain);
        let tagged = Source::Note {
            task_id: None,
            metadata: metadata(&[("source", "slack")]),
        };
        let json = serde_json::to_value(&tagged).unwrap();
        assert_eq!(json["metadata"], serde_json::json!({"source": "slack"}));
        assert_eq!(serde_json::from_value::<Source>(json).unwrap(), tagged);
    }
}
