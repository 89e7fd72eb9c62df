//! `POST /v1/memory`, `POST /v1/memory/search`: the organization's vector memory.
//!
//! Notes stored here and by agents (`memory_store`), task summaries and chunks of the org's
//! indexed repositories, searched by meaning. Everything goes through the caller's
//! `OrgScope`: another org's points cannot be found, and another org's `repo_id` is 404.
//! A note stored here may carry `metadata` (flat string → string, limits in
//! `orchard_actors::memory::check_metadata`), returned with it and with its hits.

use std::collections::BTreeMap;

use orchard_actors::domain::RepoId;
use orchard_actors::memory::{Hit, Metadata, Source};
use orchard_actors::recall::RecallError;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::types::Example;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, Tags};
use uuid::Uuid;

use super::error::{ApiError, store_error};
use super::security::BearerAuth;
use super::validate::Text;
use super::{AppState, examples};

/// Hits a search returns when it names no `limit`.
const DEFAULT_LIMIT: u32 = 10;

#[derive(Tags)]
enum MemoryTags {
    /// The organization's vector memory: notes and indexed repository chunks.
    Memory,
}

/// Vector memory.
pub(crate) struct MemoryApi;

/// A note to remember.
#[derive(Object)]
#[oai(example)]
struct NoteCreate {
    /// The note; at most `memory.max_text_bytes` bytes (16 KiB by default).
    text: Text,
    /// Your own labels for the note, returned with it and with every hit of it (they are not
    /// embedded and not searched): a flat object of strings, like
    /// `{"source": "slack", "ticket": "ENG-42"}`. At most 16 keys; each key 1 to 40 bytes of
    /// `A-Z a-z 0-9 _ . -`; each value a string of at most 500 bytes (UTF-8) without control
    /// characters. Breaking a limit is a 400 `invalid_input`; a value that is not a string,
    /// or metadata that is not an object, a 400 `bad_request`.
    #[oai(nullable)]
    metadata: Option<BTreeMap<String, Text>>,
}

/// A stored note.
#[derive(Object)]
#[oai(example)]
struct NoteStored {
    /// Its id.
    id: Uuid,
    /// Where it comes from (a note without a task), with its metadata if it has any.
    source: HitSource,
}

/// A search.
#[derive(Object)]
#[oai(example)]
struct SearchRequest {
    /// What to look for.
    query: Text,
    /// Most hits, 1 to 100; default 10.
    #[oai(nullable)]
    limit: Option<u32>,
    /// Only chunks of this repository of the organization (notes are left out).
    #[oai(nullable)]
    repo_id: Option<Text>,
}

/// What a point was cut from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
enum SourceKind {
    /// A chunk of a repository file.
    Chunk,
    /// A note (stored through the API, by an agent, or a task's summary).
    Note,
}

/// Where a hit's text comes from: a repository chunk (repository, path, blob, lines) or a
/// note (with the task that stored it, if any, and its metadata, if it has any).
#[derive(Object)]
#[oai(example, skip_serializing_if_is_none)]
struct HitSource {
    kind: SourceKind,
    repo_id: Option<Uuid>,
    path: Option<String>,
    /// The git blob the chunk was cut from.
    blob_id: Option<String>,
    /// First line, 1-based.
    start_line: Option<u32>,
    /// Last line, inclusive.
    end_line: Option<u32>,
    /// The task whose run stored the note.
    task_id: Option<Uuid>,
    /// The note's metadata, as it was stored; absent when it has none.
    metadata: Option<BTreeMap<String, String>>,
}

impl From<&Source> for HitSource {
    fn from(source: &Source) -> Self {
        match source {
            Source::Chunk {
                repo_id,
                path,
                blob_id,
                start_line,
                end_line,
            } => Self {
                kind: SourceKind::Chunk,
                repo_id: Some(repo_id.as_uuid()),
                path: Some(path.clone()),
                blob_id: Some(blob_id.clone()),
                start_line: Some(*start_line),
                end_line: Some(*end_line),
                task_id: None,
                metadata: None,
            },
            Source::Note { task_id, metadata } => Self {
                kind: SourceKind::Note,
                repo_id: None,
                path: None,
                blob_id: None,
                start_line: None,
                end_line: None,
                task_id: task_id.map(|t| t.as_uuid()),
                metadata: (!metadata.is_empty()).then(|| metadata.clone()),
            },
        }
    }
}

/// One hit.
#[derive(Object)]
#[oai(example)]
struct SearchHit {
    id: Uuid,
    /// Cosine similarity with the query, in [-1, 1]; best first.
    score: f32,
    source: HitSource,
    text: String,
}

impl From<Hit> for SearchHit {
    fn from(hit: Hit) -> Self {
        Self {
            id: hit.id.as_uuid(),
            score: hit.score,
            source: HitSource::from(&hit.source),
            text: hit.text,
        }
    }
}

/// Search results, best first.
#[derive(Object)]
#[oai(example)]
struct SearchResults {
    hits: Vec<SearchHit>,
}

/// The id of the notes in the examples.
const NOTE_ID: Uuid = uuid::uuid!("0193a1c7-2c3d-7e4f-9a5b-6c7d8e9fa0b1");

/// The metadata of the notes in the examples.
fn example_metadata() -> Metadata {
    Metadata::from([
        ("source".to_owned(), "slack".to_owned()),
        ("ticket".to_owned(), "ENG-42".to_owned()),
    ])
}

impl Example for NoteCreate {
    fn example() -> Self {
        Self {
            text: "Signup emails are validated in src/signup.rs; the form rejects empty addresses."
                .into(),
            metadata: Some(
                example_metadata()
                    .into_iter()
                    .map(|(key, value)| (key, Text(value)))
                    .collect(),
            ),
        }
    }
}

impl Example for HitSource {
    fn example() -> Self {
        Self::from(&Source::Chunk {
            repo_id: RepoId::from_uuid(examples::REPO_ID),
            path: "src/signup.rs".into(),
            blob_id: "4b825dc642cb6eb9a060e54bf8d69288fbee4904".into(),
            start_line: 1,
            end_line: 3,
        })
    }
}

impl Example for NoteStored {
    fn example() -> Self {
        Self {
            id: NOTE_ID,
            source: HitSource::from(&Source::Note {
                task_id: None,
                metadata: example_metadata(),
            }),
        }
    }
}

impl Example for SearchRequest {
    fn example() -> Self {
        Self {
            query: "where are signup emails validated".into(),
            limit: Some(5),
            repo_id: None,
        }
    }
}

impl Example for SearchHit {
    fn example() -> Self {
        Self {
            id: uuid::uuid!("5d0c2b7e-8f1a-5b3c-9d4e-0f1a2b3c4d5e"),
            score: 0.62,
            source: HitSource::example(),
            text: "pub fn signup(email: &str) -> bool {\n    !email.is_empty()\n}".into(),
        }
    }
}

impl Example for SearchResults {
    fn example() -> Self {
        let note = SearchHit {
            id: NOTE_ID,
            score: 0.41,
            // The note of `NoteCreate`'s example, as `NoteStored`'s example stored it.
            source: NoteStored::example().source,
            text: NoteCreate::example().text.into(),
        };
        Self {
            hits: vec![SearchHit::example(), note],
        }
    }
}

#[derive(ApiResponse)]
enum StoreResult {
    /// Stored.
    #[oai(status = 201)]
    Created(Json<NoteStored>),
}

/// A memory failure as an API error: the caller's input is 400, a model that cannot be
/// reached 503, a failing store 500.
fn recall_error(err: RecallError) -> ApiError {
    match err {
        RecallError::InvalidInput(message) | RecallError::TooLarge(message) => {
            ApiError::invalid(message)
        }
        RecallError::Unavailable(message) => ApiError::unavailable("the embedding model", message),
        RecallError::Backend(message) => ApiError::internal("vector memory", message),
    }
}

#[OpenApi(prefix_path = "/v1", tag = "MemoryTags::Memory")]
impl MemoryApi {
    /// Remember a note for the organization's agents and searches. Viewers cannot.
    #[oai(path = "/memory", method = "post", operation_id = "store_memory")]
    async fn store(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<NoteCreate>,
    ) -> Result<StoreResult, ApiError> {
        auth.0.require_write()?;
        let body = body.0;
        let metadata: Metadata = body
            .metadata
            .unwrap_or_default()
            .into_iter()
            .map(|(key, value)| (key, value.0))
            .collect();
        let id = state
            .memory
            .store_note_with_metadata(&auth.0.scope, &body.text, None, metadata.clone())
            .await
            .map_err(recall_error)?;
        Ok(StoreResult::Created(Json(NoteStored {
            id: id.as_uuid(),
            source: HitSource::from(&Source::Note {
                task_id: None,
                metadata,
            }),
        })))
    }

    /// Search the organization's notes and indexed repository chunks by meaning.
    #[oai(
        path = "/memory/search",
        method = "post",
        operation_id = "search_memory"
    )]
    async fn search(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<SearchRequest>,
    ) -> Result<Json<SearchResults>, ApiError> {
        let scope = &auth.0.scope;
        let limit = body.limit.unwrap_or(DEFAULT_LIMIT);
        let repo_id = match body.repo_id.as_deref() {
            None => None,
            Some(raw) => {
                let id: RepoId = raw
                    .trim()
                    .parse()
                    .map_err(|_| ApiError::invalid(format!("`{raw}` is not a repository id")))?;
                // Another org's repository is not found, as everywhere.
                state
                    .store
                    .repo(scope, id)
                    .await
                    .map_err(|err| store_error("repository", err))?;
                Some(id)
            }
        };
        let hits = state
            .memory
            .search(scope, &body.query, limit as usize, repo_id)
            .await
            .map_err(recall_error)?;
        Ok(Json(SearchResults {
            hits: hits.into_iter().map(SearchHit::from).collect(),
        }))
    }
}
