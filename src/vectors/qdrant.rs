//! The [`VectorMemory`] port over Qdrant (gRPC, `qdrant-client`), for nodes that share one
//! vector store.
//!
//! Laid out as Qdrant's multitenancy guidance says: **one collection** for every org, each
//! point's payload carrying `org_id`, indexed as a `keyword` field with `is_tenant: true` so
//! Qdrant keeps each org's points together on disk and builds one HNSW graph per org
//! (`m: 0`, `payload_m: 16`: no graph across orgs). `repo_id` and `path` are `keyword`
//! indexes too, for the repository filter and the deletes of a re-index.
//!
//! Isolation: every search, scroll, count and delete carries a filter on the scope's
//! `org_id` — never ids alone. Qdrant's point ids are global to the collection, while the
//! port's ids are unique only within an org (two orgs may use the same one), so the Qdrant
//! id of a point is derived from (org, id): a UUIDv8 cut from SHA-256 of both. The port's id
//! is kept in the payload (`point_id`) and is what hits return. An upsert also carries the
//! org filter as its `update_filter`, so even a colliding id could not overwrite another
//! org's point.
//!
//! The collection is created at start when missing, and checked when it exists: its vectors
//! must be unnamed, of the configured dimensions and cosine distance (anything else is a
//! clear error — the embedding model changed, re-index into another collection); missing
//! payload indexes are created. Several nodes starting at once may race to create it; the
//! loser finds it existing and checks it like any other.
//!
//! Payload of a point: `org_id`, `point_id`, `kind` (`chunk` | `note`), `text`; for chunks
//! `repo_id`, `path`, `blob_id`, `start_line`, `end_line`; for notes `task_id` when a task
//! stored it and `metadata` (an object of strings, not indexed) when the note has any.
//!
//! Counts returned by deletes are counted just before the delete, in a separate request:
//! exact for one writer per org (the indexer), approximate when two delete the same points
//! at once. Searches use Qdrant's own index: exact on small orgs (below Qdrant's full-scan
//! threshold, where it scans the org's points through the tenant index), approximate (HNSW)
//! on large ones.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use orchard_actors::domain::{OrgId, OrgScope, RepoId, TaskId};
use orchard_actors::memory::{
    Hit, IndexedBlob, MemoryError, Metadata, Point, PointId, SearchQuery, Source, VectorMemory,
    check_limit, check_source, normalized,
};
use qdrant_client::qdrant::payload_index_params::IndexParams;
use qdrant_client::qdrant::value::Kind;
use qdrant_client::qdrant::vectors_config::Config as VectorsConfig;
use qdrant_client::qdrant::{
    Condition, CountPointsBuilder, CreateCollectionBuilder, CreateFieldIndexCollectionBuilder,
    DeleteCollectionBuilder, DeletePointsBuilder, Distance, FieldType, Filter,
    HnswConfigDiffBuilder, KeywordIndexParamsBuilder, PayloadIncludeSelector, PayloadSchemaInfo,
    PayloadSchemaType, PointStruct, QueryPointsBuilder, ScrollPointsBuilder, Struct,
    UpsertPointsBuilder, Value, VectorParamsBuilder,
};
use qdrant_client::{Payload, Qdrant, QdrantError};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The collection used when none is configured.
pub const DEFAULT_COLLECTION: &str = "orchard_memory";

/// Points read per page when listing a repository's blobs.
const SCROLL_PAGE: u32 = 1024;

/// Per-org HNSW graphs: links per node in each org's graph (Qdrant's default `m`).
const PAYLOAD_M: u64 = 16;

/// Payload keys.
const ORG_ID: &str = "org_id";
const POINT_ID: &str = "point_id";
const KIND: &str = "kind";
const TEXT: &str = "text";
const REPO_ID: &str = "repo_id";
const PATH: &str = "path";
const BLOB_ID: &str = "blob_id";
const START_LINE: &str = "start_line";
const END_LINE: &str = "end_line";
const TASK_ID: &str = "task_id";
const METADATA: &str = "metadata";

/// Where and how to reach Qdrant.
#[derive(Clone)]
pub struct QdrantSettings {
    /// The gRPC URL, e.g. `http://127.0.0.1:6334` (Qdrant's gRPC port, not the REST one).
    pub url: String,
    /// The API key, for servers that require one.
    pub api_key: Option<SecretString>,
    /// The one collection every org's points live in.
    pub collection: String,
    /// Timeout of each request.
    pub timeout: Duration,
    /// Timeout of connecting.
    pub connect_timeout: Duration,
}

impl QdrantSettings {
    /// Settings for `url` with the default collection and timeouts.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            api_key: None,
            collection: DEFAULT_COLLECTION.to_string(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

impl fmt::Debug for QdrantSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QdrantSettings")
            .field("url", &self.url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("collection", &self.collection)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

/// Vector memory in one Qdrant collection shared by every org.
#[derive(Clone)]
pub struct QdrantVectors {
    client: Qdrant,
    url: String,
    collection: String,
    dimensions: usize,
}

impl fmt::Debug for QdrantVectors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QdrantVectors")
            .field("url", &self.url)
            .field("collection", &self.collection)
            .field("dimensions", &self.dimensions)
            .finish_non_exhaustive()
    }
}

fn backend(context: &str, error: QdrantError) -> MemoryError {
    MemoryError::Backend(format!("qdrant: {context}: {error}"))
}

fn corrupt(detail: String) -> MemoryError {
    MemoryError::Backend(format!(
        "qdrant: a point's payload is not Orchard's: {detail}"
    ))
}

impl QdrantVectors {
    /// Connects, then creates the collection (and its payload indexes) if it is missing or
    /// checks it if it exists. Fails with a message naming the problem when Qdrant cannot be
    /// reached or the collection's vectors are not `dimensions`-wide cosine ones.
    pub async fn connect(
        settings: &QdrantSettings,
        dimensions: usize,
    ) -> Result<Self, MemoryError> {
        if dimensions == 0 {
            return Err(MemoryError::InvalidInput(
                "vector memory needs at least one dimension".into(),
            ));
        }
        // The client's own version check would block this thread on a runtime of its own
        // and print to stdout; the health check below does the same job in the log.
        let mut builder = Qdrant::from_url(&settings.url)
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .skip_compatibility_check();
        if let Some(key) = &settings.api_key {
            builder = builder.api_key(key.expose_secret().to_string());
        }
        let client = builder
            .build()
            .map_err(|e| backend(&format!("bad url `{}`", settings.url), e))?;
        let memory = Self {
            client,
            url: settings.url.clone(),
            collection: settings.collection.clone(),
            dimensions,
        };
        let health = memory
            .client
            .health_check()
            .await
            .map_err(|e| backend(&format!("cannot reach {}", settings.url), e))?;
        tracing::info!(
            url = %settings.url,
            server_version = %health.version,
            collection = %settings.collection,
            "connected to qdrant"
        );
        memory.ensure_collection().await?;
        Ok(memory)
    }

    /// The collection's name.
    pub fn collection(&self) -> &str {
        &self.collection
    }

    /// Drops the whole collection, every org's points with it (tests, decommissioning).
    pub async fn drop_collection(&self) -> Result<(), MemoryError> {
        self.client
            .delete_collection(DeleteCollectionBuilder::new(&self.collection))
            .await
            .map_err(|e| backend("dropping the collection", e))?;
        Ok(())
    }

    async fn ensure_collection(&self) -> Result<(), MemoryError> {
        let exists = self
            .client
            .collection_exists(&self.collection)
            .await
            .map_err(|e| backend("looking the collection up", e))?;
        if !exists {
            let created = self
                .client
                .create_collection(
                    CreateCollectionBuilder::new(&self.collection)
                        .vectors_config(VectorParamsBuilder::new(
                            self.dimensions as u64,
                            Distance::Cosine,
                        ))
                        .hnsw_config(HnswConfigDiffBuilder::default().m(0).payload_m(PAYLOAD_M)),
                )
                .await;
            match created {
                Ok(_) => tracing::info!(collection = %self.collection, "created qdrant collection"),
                // Another node may have created it meanwhile: then it is checked below.
                Err(error) => {
                    let now_exists = self
                        .client
                        .collection_exists(&self.collection)
                        .await
                        .unwrap_or(false);
                    if !now_exists {
                        return Err(backend("creating the collection", error));
                    }
                }
            }
        }
        let info = self
            .client
            .collection_info(&self.collection)
            .await
            .map_err(|e| backend("reading the collection's configuration", e))?
            .result
            .ok_or_else(|| MemoryError::Backend("qdrant: no collection info returned".into()))?;
        let vectors = info
            .config
            .and_then(|c| c.params)
            .and_then(|p| p.vectors_config)
            .and_then(|v| v.config);
        self.check_vectors(vectors)?;
        self.ensure_index(&info.payload_schema, ORG_ID, true, true)
            .await?;
        self.ensure_index(&info.payload_schema, REPO_ID, false, true)
            .await?;
        self.ensure_index(&info.payload_schema, PATH, false, false)
            .await?;
        Ok(())
    }

    fn check_vectors(&self, vectors: Option<VectorsConfig>) -> Result<(), MemoryError> {
        let mismatch = |found: String| {
            MemoryError::Backend(format!(
                "qdrant collection `{}` holds {found}, but this node is configured for \
                 {}-dimensional cosine vectors; if the embedding model changed, configure \
                 another collection and re-index (or drop this one)",
                self.collection, self.dimensions
            ))
        };
        let params = match vectors {
            Some(VectorsConfig::Params(params)) => params,
            Some(VectorsConfig::ParamsMap(map)) => {
                let names: Vec<&String> = map.map.keys().collect();
                return Err(mismatch(format!("named vectors {names:?}")));
            }
            None => return Err(mismatch("no dense vectors".into())),
        };
        let distance = Distance::try_from(params.distance).unwrap_or(Distance::UnknownDistance);
        if params.size != self.dimensions as u64 || distance != Distance::Cosine {
            return Err(mismatch(format!(
                "{}-dimensional {} vectors",
                params.size,
                distance.as_str_name().to_lowercase()
            )));
        }
        Ok(())
    }

    /// Creates the keyword index on `field` unless one with these settings exists.
    async fn ensure_index(
        &self,
        schema: &HashMap<String, PayloadSchemaInfo>,
        field: &str,
        is_tenant: bool,
        hnsw: bool,
    ) -> Result<(), MemoryError> {
        let present = schema.get(field).is_some_and(|info| {
            let keyword = info.data_type == PayloadSchemaType::Keyword as i32;
            let params = info.params.as_ref().and_then(|p| p.index_params.as_ref());
            let tenant = match params {
                Some(IndexParams::KeywordIndexParams(k)) => k.is_tenant.unwrap_or(false),
                _ => false,
            };
            keyword && tenant == is_tenant
        });
        if present {
            return Ok(());
        }
        let params = KeywordIndexParamsBuilder::default()
            .is_tenant(is_tenant)
            .enable_hnsw(hnsw);
        self.client
            .create_field_index(
                CreateFieldIndexCollectionBuilder::new(&self.collection, field, FieldType::Keyword)
                    .field_index_params(params)
                    .wait(true),
            )
            .await
            .map_err(|e| backend(&format!("creating the payload index on `{field}`"), e))?;
        tracing::info!(collection = %self.collection, field, is_tenant, "created qdrant payload index");
        Ok(())
    }

    /// The condition every request carries.
    fn org_condition(scope: &OrgScope) -> Condition {
        Condition::matches(ORG_ID, scope.org_id().to_string())
    }

    fn repo_filter(scope: &OrgScope, repo_id: RepoId) -> Filter {
        Filter::must([
            Self::org_condition(scope),
            Condition::matches(REPO_ID, repo_id.to_string()),
        ])
    }

    /// How many points of the scope's org match `filter` (which must include the org).
    async fn count_matching(&self, filter: Filter) -> Result<u64, MemoryError> {
        let response = self
            .client
            .count(
                CountPointsBuilder::new(&self.collection)
                    .filter(filter)
                    .exact(true),
            )
            .await
            .map_err(|e| backend("counting points", e))?;
        Ok(response.result.map_or(0, |r| r.count))
    }

    /// Counts, then deletes, the points matching `filter` (which must include the org).
    async fn delete_matching(&self, filter: Filter) -> Result<u64, MemoryError> {
        let existing = self.count_matching(filter.clone()).await?;
        if existing == 0 {
            return Ok(0);
        }
        self.client
            .delete_points(
                DeletePointsBuilder::new(&self.collection)
                    .points(filter)
                    .wait(true),
            )
            .await
            .map_err(|e| backend("deleting points", e))?;
        Ok(existing)
    }
}

/// The collection-wide id of an org's point: a UUIDv8 of SHA-256(org, id), so the same
/// port id in two orgs names two points.
fn qdrant_id(org_id: OrgId, id: PointId) -> Uuid {
    let mut hasher = Sha256::new();
    hasher.update(b"orchard-point-v1");
    hasher.update(org_id.as_uuid().as_bytes());
    hasher.update(id.as_uuid().as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

fn payload_of(org_id: OrgId, point: Point) -> Payload {
    let mut payload = Payload::with_capacity(10);
    payload.insert(ORG_ID, org_id.to_string());
    payload.insert(POINT_ID, point.id.to_string());
    payload.insert(TEXT, point.text);
    match point.source {
        Source::Chunk {
            repo_id,
            path,
            blob_id,
            start_line,
            end_line,
        } => {
            payload.insert(KIND, "chunk");
            payload.insert(REPO_ID, repo_id.to_string());
            payload.insert(PATH, path);
            payload.insert(BLOB_ID, blob_id);
            payload.insert(START_LINE, i64::from(start_line));
            payload.insert(END_LINE, i64::from(end_line));
        }
        Source::Note { task_id, metadata } => {
            payload.insert(KIND, "note");
            if let Some(task_id) = task_id {
                payload.insert(TASK_ID, task_id.to_string());
            }
            if !metadata.is_empty() {
                let fields: HashMap<String, Value> = metadata
                    .into_iter()
                    .map(|(key, value)| (key, Value::from(value)))
                    .collect();
                payload.insert(
                    METADATA,
                    Value {
                        kind: Some(Kind::StructValue(Struct::from(fields))),
                    },
                );
            }
        }
    }
    payload
}

/// A note's `metadata`: absent is none; anything but an object of strings is corrupt.
fn metadata_field(payload: &HashMap<String, Value>) -> Result<Metadata, MemoryError> {
    let Some(value) = payload.get(METADATA) else {
        return Ok(Metadata::new());
    };
    let fields = value
        .as_struct()
        .ok_or_else(|| corrupt(format!("`{METADATA}` is not an object: {value}")))?;
    fields
        .fields
        .iter()
        .map(|(key, value)| match value.as_str() {
            Some(text) => Ok((key.clone(), text.clone())),
            None => Err(corrupt(format!(
                "`{METADATA}.{key}` is not a string: {value}"
            ))),
        })
        .collect()
}

fn text_field<'a>(payload: &'a HashMap<String, Value>, key: &str) -> Result<&'a str, MemoryError> {
    payload
        .get(key)
        .and_then(Value::as_str)
        .map(String::as_str)
        .ok_or_else(|| corrupt(format!("no text field `{key}`")))
}

fn parsed<T: std::str::FromStr>(
    payload: &HashMap<String, Value>,
    key: &str,
) -> Result<T, MemoryError> {
    let text = text_field(payload, key)?;
    text.parse()
        .map_err(|_| corrupt(format!("`{key}` is not an id: {text:?}")))
}

fn line_field(payload: &HashMap<String, Value>, key: &str) -> Result<u32, MemoryError> {
    payload
        .get(key)
        .and_then(Value::as_integer)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| corrupt(format!("no line number `{key}`")))
}

fn source_of(payload: &HashMap<String, Value>) -> Result<Source, MemoryError> {
    match text_field(payload, KIND)? {
        "chunk" => Ok(Source::Chunk {
            repo_id: parsed(payload, REPO_ID)?,
            path: text_field(payload, PATH)?.to_string(),
            blob_id: text_field(payload, BLOB_ID)?.to_string(),
            start_line: line_field(payload, START_LINE)?,
            end_line: line_field(payload, END_LINE)?,
        }),
        "note" => {
            let task_id = match payload.get(TASK_ID) {
                Some(_) => Some(parsed::<TaskId>(payload, TASK_ID)?),
                None => None,
            };
            Ok(Source::Note {
                task_id,
                metadata: metadata_field(payload)?,
            })
        }
        other => Err(corrupt(format!("unknown kind {other:?}"))),
    }
}

#[async_trait]
impl VectorMemory for QdrantVectors {
    fn dimensions(&self) -> usize {
        self.dimensions
    }

    async fn upsert(&self, scope: &OrgScope, points: Vec<Point>) -> Result<(), MemoryError> {
        let org_id = scope.org_id();
        // Validate the whole batch before sending any of it: a bad point stores nothing.
        let mut vectors = Vec::with_capacity(points.len());
        for point in &points {
            check_source(&point.source)?;
            vectors.push(normalized(&point.vector, self.dimensions)?);
        }
        // Within one batch the last point with an id wins.
        let mut last_of: HashMap<PointId, usize> = HashMap::with_capacity(points.len());
        for (index, point) in points.iter().enumerate() {
            last_of.insert(point.id, index);
        }
        let structs: Vec<PointStruct> = points
            .into_iter()
            .zip(vectors)
            .enumerate()
            .filter(|(index, (point, _))| last_of.get(&point.id) == Some(index))
            .map(|(_, (point, vector))| {
                let id = qdrant_id(org_id, point.id);
                PointStruct::new(id, vector, payload_of(org_id, point))
            })
            .collect();
        if structs.is_empty() {
            return Ok(());
        }
        // One request, so Qdrant applies the batch as one operation.
        self.client
            .upsert_points(
                UpsertPointsBuilder::new(&self.collection, structs)
                    .update_filter(Filter::must([Self::org_condition(scope)]))
                    .wait(true),
            )
            .await
            .map_err(|e| backend("upserting points", e))?;
        Ok(())
    }

    async fn delete(&self, scope: &OrgScope, ids: &[PointId]) -> Result<u64, MemoryError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let org_id = scope.org_id();
        let mut unique: Vec<Uuid> = ids.iter().map(|id| qdrant_id(org_id, *id)).collect();
        unique.sort_unstable();
        unique.dedup();
        // The ids are already the org's own; the org condition keeps it so even if not.
        let filter = Filter::must([Self::org_condition(scope), Condition::has_id(unique)]);
        self.delete_matching(filter).await
    }

    async fn delete_path(
        &self,
        scope: &OrgScope,
        repo_id: RepoId,
        path: &str,
    ) -> Result<u64, MemoryError> {
        let filter = Filter::must([
            Self::org_condition(scope),
            Condition::matches(REPO_ID, repo_id.to_string()),
            Condition::matches(PATH, path.to_string()),
        ]);
        self.delete_matching(filter).await
    }

    async fn delete_repo(&self, scope: &OrgScope, repo_id: RepoId) -> Result<u64, MemoryError> {
        self.delete_matching(Self::repo_filter(scope, repo_id))
            .await
    }

    async fn search(&self, scope: &OrgScope, query: &SearchQuery) -> Result<Vec<Hit>, MemoryError> {
        check_limit(query.limit)?;
        let vector = normalized(&query.vector, self.dimensions)?;
        let org_id = scope.org_id();
        let filter = match query.repo_id {
            Some(repo_id) => Self::repo_filter(scope, repo_id),
            None => Filter::must([Self::org_condition(scope)]),
        };
        let response = self
            .client
            .query(
                QueryPointsBuilder::new(&self.collection)
                    .query(vector)
                    .filter(filter)
                    .limit(query.limit as u64)
                    .with_payload(true),
            )
            .await
            .map_err(|e| backend("searching", e))?;
        let mut hits = Vec::with_capacity(response.result.len());
        for scored in response.result {
            let payload = &scored.payload;
            let point_org: OrgId = parsed(payload, ORG_ID)?;
            if point_org != org_id {
                // The filter makes this impossible; a hit of another org is never returned.
                tracing::error!(collection = %self.collection, "qdrant returned a point of another org");
                continue;
            }
            hits.push(Hit {
                id: parsed(payload, POINT_ID)?,
                org_id,
                score: scored.score.clamp(-1.0, 1.0),
                source: source_of(payload)?,
                text: text_field(payload, TEXT)?.to_string(),
            });
        }
        // Best first, ties by id, as every adapter orders them.
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        Ok(hits)
    }

    async fn indexed_blobs(
        &self,
        scope: &OrgScope,
        repo_id: RepoId,
    ) -> Result<Vec<IndexedBlob>, MemoryError> {
        let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
        let mut offset: Option<qdrant_client::qdrant::PointId> = None;
        loop {
            let mut request = ScrollPointsBuilder::new(&self.collection)
                .filter(Self::repo_filter(scope, repo_id))
                .limit(SCROLL_PAGE)
                .with_payload(PayloadIncludeSelector::new(vec![
                    PATH.to_string(),
                    BLOB_ID.to_string(),
                ]))
                .with_vectors(false);
            if let Some(offset) = offset.take() {
                request = request.offset(offset);
            }
            let page = self
                .client
                .scroll(request)
                .await
                .map_err(|e| backend("listing a repository's points", e))?;
            for point in &page.result {
                let path = text_field(&point.payload, PATH)?.to_string();
                let blob = text_field(&point.payload, BLOB_ID)?.to_string();
                *counts.entry((path, blob)).or_default() += 1;
            }
            match page.next_page_offset {
                Some(next) => offset = Some(next),
                None => break,
            }
        }
        Ok(counts
            .into_iter()
            .map(|((path, blob_id), points)| IndexedBlob {
                path,
                blob_id,
                points,
            })
            .collect())
    }

    async fn count(&self, scope: &OrgScope) -> Result<u64, MemoryError> {
        self.count_matching(Filter::must([Self::org_condition(scope)]))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;
    use orchard_actors::conformance::memory::{
        all_memory_checks, full_metadata, note, survives_reopen, test_vector,
    };
    use std::io::Write;
    use std::panic::AssertUnwindSafe;
    use std::sync::Once;

    const DIMS: usize = 48;
    const URL_VAR: &str = "ORCHARD_TEST_QDRANT_URL";

    /// The test server's URL, or `None` after saying (once per test binary) why the Qdrant
    /// tests do not run.
    fn test_url() -> Option<String> {
        static SKIPPED: Once = Once::new();
        match std::env::var(URL_VAR) {
            Ok(url) if !url.trim().is_empty() => Some(url.trim().to_string()),
            _ => {
                // Straight to stderr, past the test harness's capture, so the skip is seen.
                SKIPPED.call_once(|| {
                    let _ = writeln!(
                        std::io::stderr(),
                        "qdrant vector memory tests skipped: {URL_VAR} is not set \
                         (set it to a Qdrant gRPC URL such as http://127.0.0.1:6334 to run them)"
                    );
                });
                None
            }
        }
    }

    /// Settings for a collection of this test run's own.
    fn fresh_settings(url: &str) -> QdrantSettings {
        QdrantSettings {
            collection: format!("orchard_test_{}", Uuid::new_v4().simple()),
            ..QdrantSettings::new(url)
        }
    }

    /// Runs `body`, then drops the collection whether `body` passed or panicked.
    async fn with_collection<F, Fut>(settings: QdrantSettings, body: F)
    where
        F: FnOnce(QdrantSettings) -> Fut,
        Fut: Future<Output = ()>,
    {
        let outcome = AssertUnwindSafe(body(settings.clone()))
            .catch_unwind()
            .await;
        let cleanup = QdrantVectors::connect(&settings, DIMS).await;
        if let Ok(memory) = cleanup {
            memory.drop_collection().await.unwrap();
        }
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    }

    #[test]
    fn qdrant_ids_differ_between_orgs_and_are_stable() {
        let (a, b) = (OrgId::new(), OrgId::new());
        let id = PointId::new();
        assert_ne!(qdrant_id(a, id), qdrant_id(b, id));
        assert_eq!(qdrant_id(a, id), qdrant_id(a, id));
        assert_eq!(qdrant_id(a, id).get_version_num(), 8);
    }

    #[test]
    fn payloads_round_trip_to_sources() {
        let org = OrgId::new();
        let repo = RepoId::new();
        for source in [
            Source::Chunk {
                repo_id: repo,
                path: "src/a.rs".into(),
                blob_id: "abc".into(),
                start_line: 3,
                end_line: 12,
            },
            Source::Note {
                task_id: Some(TaskId::new()),
                metadata: Metadata::new(),
            },
            Source::Note {
                task_id: None,
                metadata: Metadata::new(),
            },
            Source::Note {
                task_id: None,
                metadata: full_metadata(),
            },
            Source::Note {
                task_id: Some(TaskId::new()),
                metadata: Metadata::from([("source".to_string(), "slack".to_string())]),
            },
        ] {
            let point = Point {
                id: PointId::new(),
                source: source.clone(),
                text: "t".into(),
                vector: vec![1.0],
            };
            let payload: HashMap<String, Value> = payload_of(org, point.clone()).into();
            assert_eq!(source_of(&payload).unwrap(), source);
            // Notes without metadata have no `metadata` field (their payloads are as before);
            // with metadata it is an object of strings.
            match &source {
                Source::Note { metadata, .. } if metadata.is_empty() => {
                    assert!(!payload.contains_key(METADATA));
                }
                Source::Note { metadata, .. } => {
                    let fields = &payload[METADATA].as_struct().unwrap().fields;
                    let stored: Metadata = fields
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap().clone()))
                        .collect();
                    assert_eq!(&stored, metadata);
                }
                Source::Chunk { .. } => assert!(!payload.contains_key(METADATA)),
            }
            assert_eq!(parsed::<PointId>(&payload, POINT_ID).unwrap(), point.id);
            assert_eq!(parsed::<OrgId>(&payload, ORG_ID).unwrap(), org);
        }

        // A payload whose metadata is not an object of strings is corrupt, not misread.
        let point = Point {
            id: PointId::new(),
            source: Source::Note {
                task_id: None,
                metadata: Metadata::new(),
            },
            text: "t".into(),
            vector: vec![1.0],
        };
        let mut payload: HashMap<String, Value> = payload_of(org, point).into();
        for bad in [Value::from("a string"), Value::from(vec![("n", 5i64)])] {
            payload.insert(METADATA.into(), bad);
            let error = source_of(&payload).unwrap_err().to_string();
            assert!(error.contains("metadata"), "{error}");
        }
    }

    #[tokio::test]
    async fn the_qdrant_memory_passes_the_conformance_suite() {
        let Some(url) = test_url() else { return };
        with_collection(fresh_settings(&url), |settings| async move {
            // Each check connects again: the start-up migration must be idempotent.
            all_memory_checks(|| {
                let settings = settings.clone();
                async move { QdrantVectors::connect(&settings, DIMS).await.unwrap() }
            })
            .await;
        })
        .await;
    }

    #[tokio::test]
    async fn the_qdrant_memory_survives_reconnecting() {
        let Some(url) = test_url() else { return };
        with_collection(fresh_settings(&url), |settings| async move {
            survives_reopen(|| {
                let settings = settings.clone();
                async move { QdrantVectors::connect(&settings, DIMS).await.unwrap() }
            })
            .await;
        })
        .await;
    }

    #[tokio::test]
    async fn the_collection_is_indexed_for_tenants_and_checked_at_start() {
        let Some(url) = test_url() else { return };
        with_collection(fresh_settings(&url), |settings| async move {
            let memory = QdrantVectors::connect(&settings, DIMS).await.unwrap();
            let scope = OrgScope::trusted(OrgId::new());
            memory
                .upsert(&scope, vec![note("kept", test_vector(1, DIMS))])
                .await
                .unwrap();
            let info = memory
                .client
                .collection_info(&settings.collection)
                .await
                .unwrap()
                .result
                .unwrap();
            let org_index = &info.payload_schema[ORG_ID];
            assert_eq!(org_index.data_type, PayloadSchemaType::Keyword as i32);
            assert!(matches!(
                org_index.params.as_ref().and_then(|p| p.index_params.as_ref()),
                Some(IndexParams::KeywordIndexParams(k)) if k.is_tenant == Some(true)
            ));
            assert!(info.payload_schema.contains_key(REPO_ID));

            // Other dimensions than the collection's are refused at start, with the reason.
            let error = QdrantVectors::connect(&settings, DIMS + 1)
                .await
                .unwrap_err()
                .to_string();
            assert!(error.contains("48-dimensional cosine"), "{error}");
            assert!(error.contains("re-index"), "{error}");
            // The refused start changed nothing.
            assert_eq!(memory.count(&scope).await.unwrap(), 1);

            // A collection of another distance is refused too.
            let dot = fresh_settings(&url);
            memory
                .client
                .create_collection(
                    CreateCollectionBuilder::new(&dot.collection)
                        .vectors_config(VectorParamsBuilder::new(DIMS as u64, Distance::Dot)),
                )
                .await
                .unwrap();
            let refused = QdrantVectors::connect(&dot, DIMS).await;
            memory
                .client
                .delete_collection(DeleteCollectionBuilder::new(&dot.collection))
                .await
                .unwrap();
            let error = refused.unwrap_err().to_string();
            assert!(error.contains("dot vectors"), "{error}");
        })
        .await;
    }

    #[tokio::test]
    async fn an_unreachable_server_is_a_clear_error() {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let settings = QdrantSettings {
            connect_timeout: Duration::from_secs(2),
            ..QdrantSettings::new("http://127.0.0.1:1")
        };
        let error = QdrantVectors::connect(&settings, DIMS)
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains("cannot reach http://127.0.0.1:1"), "{error}");
    }
}
