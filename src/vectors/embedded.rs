//! The embedded [`VectorMemory`]: one segment per org under `<data_dir>/vectors/`, each an
//! append-only checksummed log replayed into a contiguous in-memory layout, searched
//! exactly (see [`super::segment`] for the file format and the scan).
//!
//! An org's segment is opened on its first use and stays open. Searches of one org run in
//! parallel (a read lock); writes of one org are serialised, each synced to disk before it
//! returns. Scans, writes and opens run on tokio's blocking pool: a 100,000-point scan takes
//! milliseconds, far more than async code may block.
//!
//! An org that reaches [`HnswSettings::min_points`] gets an HNSW graph, built on a thread of
//! its own from a snapshot while searches stay exact and writes go on; the writes made
//! meanwhile are applied to it before it is installed, and every later write keeps it
//! current. A graph with a fifth of its nodes dead is rebuilt the same way.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use async_trait::async_trait;
use orchard_actors::domain::{OrgId, OrgScope, RepoId};
use orchard_actors::memory::{
    Hit, IndexedBlob, MemoryError, Point, PointId, SearchQuery, VectorMemory, check_limit,
    check_source, normalized,
};
use tokio::sync::OnceCell;

use super::hnsw::HnswSettings;
use super::segment::{IndexStatus, NewPoint, Segment};

type Shared = Arc<RwLock<Segment>>;

/// The embedded vector memory.
#[derive(Debug, Clone)]
pub struct EmbeddedVectors {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dir: PathBuf,
    dimensions: usize,
    hnsw: Option<HnswSettings>,
    segments: Mutex<HashMap<OrgId, Arc<OnceCell<Shared>>>>,
}

/// Held by the graph build running in this process: builds take their turn, so orgs
/// crossing the threshold together (or opened together after a restart) do not take every
/// core from live traffic.
static BUILD_TURN: Mutex<()> = Mutex::new(());

/// Starts a build of `segment`'s approximate index if one is due (`guard` is its write
/// lock, released here), on a thread of its own: it waits for its turn (one build at a time
/// in the process), takes the snapshot, builds, and installs the result.
fn build_if_due(shared: &Shared, mut guard: std::sync::RwLockWriteGuard<'_, Segment>) {
    if !guard.queue_build() {
        return;
    }
    drop(guard);
    let target = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("orchard-hnsw".into())
        .spawn(move || {
            let _turn = BUILD_TURN.lock().unwrap_or_else(|p| p.into_inner());
            let Some(input) = target
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .start_build()
            else {
                return;
            };
            let started = std::time::Instant::now();
            let points = input.ids.len();
            let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| input.build()));
            drop(input);
            let mut segment = target.write().unwrap_or_else(|p| p.into_inner());
            match built {
                Ok(index) => {
                    segment.install(Some(index));
                    tracing::info!(
                        points,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "vector index built"
                    );
                }
                Err(_) => {
                    segment.install(None);
                    tracing::error!(points, "vector index build panicked; searches stay exact");
                }
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "cannot start a vector index build; searches stay exact");
        // Not queued any more: a later write tries again.
        shared
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .cancel_queued_build();
    }
}

impl EmbeddedVectors {
    /// A memory of `dimensions`-wide vectors in `dir` (created if missing), with the default
    /// [`HnswSettings`]. Segments are read on first use, so opening is instant whatever the
    /// data's size.
    pub fn open(dir: &Path, dimensions: usize) -> Result<Self, MemoryError> {
        Self::open_with(dir, dimensions, Some(HnswSettings::default()))
    }

    /// [`Self::open`] with the approximate index's settings (`None`: every search exact).
    pub fn open_with(
        dir: &Path,
        dimensions: usize,
        hnsw: Option<HnswSettings>,
    ) -> Result<Self, MemoryError> {
        if dimensions == 0 {
            return Err(MemoryError::InvalidInput(
                "dimensions must be positive".into(),
            ));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| MemoryError::Backend(format!("cannot create {}: {e}", dir.display())))?;
        Ok(Self {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                dimensions,
                hnsw,
                segments: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Opens every org's segment now (instead of on first use); returns how many orgs.
    pub async fn load_all(&self) -> Result<usize, MemoryError> {
        let dir = self.inner.dir.clone();
        let orgs = tokio::task::spawn_blocking(move || -> Result<Vec<OrgId>, MemoryError> {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| MemoryError::Backend(format!("cannot list {}: {e}", dir.display())))?;
            Ok(entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().into_string().ok()?;
                    name.strip_suffix(".seg")?.parse().ok()
                })
                .collect())
        })
        .await
        .map_err(|e| MemoryError::Backend(e.to_string()))??;
        for org in &orgs {
            self.segment(*org).await?;
        }
        Ok(orgs.len())
    }

    /// Bytes of memory the org's points take (vectors, metadata, id map); texts stay on disk.
    pub async fn memory_bytes(&self, scope: &OrgScope) -> Result<usize, MemoryError> {
        self.read(scope, |segment| Ok(segment.memory_bytes())).await
    }

    /// The state of the org's approximate index.
    pub async fn index_status(&self, scope: &OrgScope) -> Result<IndexStatus, MemoryError> {
        self.read(scope, |segment| Ok(segment.index_status())).await
    }

    /// Changes the org's `ef_search` until it is reopened: for benchmarks and operators
    /// weighing recall against latency without rebuilding the graph.
    pub async fn set_ef_search(
        &self,
        scope: &OrgScope,
        ef_search: usize,
    ) -> Result<(), MemoryError> {
        self.write(scope, move |segment| {
            segment.set_ef_search(ef_search);
            Ok(())
        })
        .await
    }

    async fn segment(&self, org: OrgId) -> Result<Shared, MemoryError> {
        let cell = {
            let mut segments = self
                .inner
                .segments
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            segments.entry(org).or_default().clone()
        };
        let (dir, dimensions, hnsw) = (
            self.inner.dir.clone(),
            self.inner.dimensions,
            self.inner.hnsw,
        );
        cell.get_or_try_init(|| async move {
            tokio::task::spawn_blocking(move || {
                let shared = Arc::new(RwLock::new(Segment::open(&dir, org, dimensions, hnsw)?));
                build_if_due(&shared, shared.write().unwrap_or_else(|p| p.into_inner()));
                Ok::<_, String>(shared)
            })
            .await
            .map_err(|e| MemoryError::Backend(e.to_string()))?
            .map_err(MemoryError::Backend)
        })
        .await
        .cloned()
    }

    async fn read<R, F>(&self, scope: &OrgScope, f: F) -> Result<R, MemoryError>
    where
        R: Send + 'static,
        F: FnOnce(&Segment) -> Result<R, MemoryError> + Send + 'static,
    {
        let segment = self.segment(scope.org_id()).await?;
        tokio::task::spawn_blocking(move || f(&segment.read().unwrap_or_else(|p| p.into_inner())))
            .await
            .map_err(|e| MemoryError::Backend(e.to_string()))?
    }

    async fn write<R, F>(&self, scope: &OrgScope, f: F) -> Result<R, MemoryError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Segment) -> Result<R, String> + Send + 'static,
    {
        let segment = self.segment(scope.org_id()).await?;
        tokio::task::spawn_blocking(move || {
            let mut guard = segment.write().unwrap_or_else(|p| p.into_inner());
            let result = f(&mut guard);
            build_if_due(&segment, guard);
            result
        })
        .await
        .map_err(|e| MemoryError::Backend(e.to_string()))?
        .map_err(MemoryError::Backend)
    }
}

#[async_trait]
impl VectorMemory for EmbeddedVectors {
    fn dimensions(&self) -> usize {
        self.inner.dimensions
    }

    async fn upsert(&self, scope: &OrgScope, points: Vec<Point>) -> Result<(), MemoryError> {
        let dimensions = self.inner.dimensions;
        let points = points
            .into_iter()
            .map(|p| {
                check_source(&p.source)?;
                Ok(NewPoint {
                    vector: normalized(&p.vector, dimensions)?,
                    id: p.id,
                    source: p.source,
                    text: p.text,
                })
            })
            .collect::<Result<Vec<_>, MemoryError>>()?;
        if points.is_empty() {
            return Ok(());
        }
        self.write(scope, move |segment| segment.upsert(&points))
            .await
    }

    async fn delete(&self, scope: &OrgScope, ids: &[PointId]) -> Result<u64, MemoryError> {
        let ids = ids.to_vec();
        self.write(scope, move |segment| segment.delete(&ids)).await
    }

    async fn delete_path(
        &self,
        scope: &OrgScope,
        repo_id: RepoId,
        path: &str,
    ) -> Result<u64, MemoryError> {
        let path = path.to_string();
        self.write(scope, move |segment| segment.delete_path(repo_id, &path))
            .await
    }

    async fn delete_repo(&self, scope: &OrgScope, repo_id: RepoId) -> Result<u64, MemoryError> {
        self.write(scope, move |segment| segment.delete_repo(repo_id))
            .await
    }

    async fn search(&self, scope: &OrgScope, query: &SearchQuery) -> Result<Vec<Hit>, MemoryError> {
        check_limit(query.limit)?;
        let vector = normalized(&query.vector, self.inner.dimensions)?;
        let (limit, repo, org_id) = (query.limit, query.repo_id, scope.org_id());
        self.read(scope, move |segment| {
            let hits = segment
                .search(&vector, limit, repo)
                .map_err(MemoryError::Backend)?;
            Ok(hits
                .into_iter()
                .map(|h| Hit {
                    id: h.id,
                    org_id,
                    score: h.score,
                    source: h.source,
                    text: h.text,
                })
                .collect())
        })
        .await
    }

    async fn indexed_blobs(
        &self,
        scope: &OrgScope,
        repo_id: RepoId,
    ) -> Result<Vec<IndexedBlob>, MemoryError> {
        self.read(scope, move |segment| Ok(segment.indexed_blobs(repo_id)))
            .await
    }

    async fn count(&self, scope: &OrgScope) -> Result<u64, MemoryError> {
        self.read(scope, |segment| Ok(segment.count())).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orchard_actors::conformance::memory::{
        all_memory_checks, chunk, note, survives_reopen, test_vector,
    };
    use std::sync::atomic::{AtomicUsize, Ordering};

    const DIMS: usize = 48;

    #[tokio::test]
    async fn the_embedded_memory_passes_the_conformance_suite() {
        let dir = tempfile::tempdir().unwrap();
        let counter = AtomicUsize::new(0);
        all_memory_checks(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let path = dir.path().join(format!("vectors{n}"));
            async move { EmbeddedVectors::open(&path, DIMS).unwrap() }
        })
        .await;
    }

    #[tokio::test]
    async fn the_embedded_memory_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vectors");
        survives_reopen(|| {
            let path = path.clone();
            async move { EmbeddedVectors::open(&path, DIMS).unwrap() }
        })
        .await;
        // One file per org that wrote, nothing for orgs that only read.
        assert_eq!(std::fs::read_dir(&path).unwrap().count(), 2);
    }

    fn only_segment(dir: &Path) -> PathBuf {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        files.pop().unwrap()
    }

    #[tokio::test]
    async fn a_torn_last_batch_is_cut_off_and_the_rest_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let scope = OrgScope::trusted(OrgId::new());
        let memory = EmbeddedVectors::open(dir.path(), DIMS).unwrap();
        let first: Vec<Point> = (0..10)
            .map(|i| note(&format!("kept {i}"), test_vector(i, DIMS)))
            .collect();
        memory.upsert(&scope, first).await.unwrap();
        let file = only_segment(dir.path());
        let kept_len = std::fs::metadata(&file).unwrap().len();
        let second: Vec<Point> = (10..20)
            .map(|i| note(&format!("torn {i}"), test_vector(i, DIMS)))
            .collect();
        memory.upsert(&scope, second).await.unwrap();
        drop(memory);

        // A crash in the middle of writing the second batch: its record is cut short.
        let full_len = std::fs::metadata(&file).unwrap().len();
        let torn = std::fs::OpenOptions::new().write(true).open(&file).unwrap();
        torn.set_len(kept_len + (full_len - kept_len) / 2).unwrap();
        drop(torn);
        let memory = EmbeddedVectors::open(dir.path(), DIMS).unwrap();
        assert_eq!(
            memory.count(&scope).await.unwrap(),
            10,
            "all of batch one, none of two"
        );
        assert_eq!(std::fs::metadata(&file).unwrap().len(), kept_len);
        // Writing goes on after the cut.
        memory
            .upsert(&scope, vec![note("after", test_vector(99, DIMS))])
            .await
            .unwrap();
        drop(memory);
        let memory = EmbeddedVectors::open(dir.path(), DIMS).unwrap();
        assert_eq!(memory.count(&scope).await.unwrap(), 11);

        // A flipped byte in the last record fails its checksum the same way.
        let mut bytes = std::fs::read(&file).unwrap();
        let last = bytes.len() - 3;
        bytes[last] ^= 0xff;
        std::fs::write(&file, &bytes).unwrap();
        drop(memory);
        let memory = EmbeddedVectors::open(dir.path(), DIMS).unwrap();
        assert_eq!(memory.count(&scope).await.unwrap(), 10);
    }

    #[tokio::test]
    async fn a_segment_of_other_dimensions_or_another_org_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let scope = OrgScope::trusted(OrgId::new());
        let memory = EmbeddedVectors::open(dir.path(), DIMS).unwrap();
        memory
            .upsert(&scope, vec![note("n", test_vector(1, DIMS))])
            .await
            .unwrap();
        drop(memory);
        let wider = EmbeddedVectors::open(dir.path(), DIMS * 2).unwrap();
        let err = wider.count(&scope).await.unwrap_err();
        assert!(err.to_string().contains("re-index"), "{err}");

        // A segment file copied under another org's name is not that org's.
        let other = OrgScope::trusted(OrgId::new());
        std::fs::copy(
            only_segment(dir.path()),
            dir.path().join(format!("{}.seg", other.org_id())),
        )
        .unwrap();
        let memory = EmbeddedVectors::open(dir.path(), DIMS).unwrap();
        let err = memory.count(&other).await.unwrap_err();
        assert!(err.to_string().contains("segment of org"), "{err}");
        assert_eq!(memory.count(&scope).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn rewritten_points_are_compacted_away() {
        let dir = tempfile::tempdir().unwrap();
        let scope = OrgScope::trusted(OrgId::new());
        let memory = EmbeddedVectors::open(dir.path(), DIMS).unwrap();
        let repo = RepoId::new();
        let text = "x".repeat(4096);
        let points: Vec<Point> = (0..100u32)
            .map(|i| {
                let mut p = chunk(repo, "big.rs", "b", i, test_vector(u64::from(i), DIMS));
                p.text = format!("{i} {text}");
                p
            })
            .collect();
        // ~430 KB live; rewritten 40 times is ~17 MB written, well past the threshold.
        for _ in 0..40 {
            memory.upsert(&scope, points.clone()).await.unwrap();
        }
        let file = only_segment(dir.path());
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size < 6 * 1024 * 1024, "compacted: {size} bytes");
        let hits = memory
            .search(
                &scope,
                &SearchQuery {
                    vector: test_vector(7, DIMS),
                    limit: 1,
                    repo_id: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(hits[0].text, format!("7 {text}"));
        drop(memory);
        let memory = EmbeddedVectors::open(dir.path(), DIMS).unwrap();
        assert_eq!(memory.count(&scope).await.unwrap(), 100);
        assert_eq!(
            memory.indexed_blobs(&scope, repo).await.unwrap()[0].points,
            100
        );
        assert!(!dir.path().join("x.seg.tmp").exists());
    }

    /// HNSW from the first point on, so every check below meets the graph.
    fn graph_always() -> Option<HnswSettings> {
        Some(HnswSettings {
            min_points: 1,
            m: 8,
            ef_construction: 32,
            ef_search: 32,
        })
    }

    #[tokio::test]
    async fn the_embedded_memory_with_its_graph_passes_the_conformance_suite() {
        let dir = tempfile::tempdir().unwrap();
        let counter = AtomicUsize::new(0);
        all_memory_checks(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let path = dir.path().join(format!("vectors{n}"));
            async move { EmbeddedVectors::open_with(&path, DIMS, graph_always()).unwrap() }
        })
        .await;
    }

    /// `n` unit vectors in 50 clusters (a centre plus noise), as embeddings are.
    fn clustered(seed: u64, n: usize) -> Vec<Vec<f32>> {
        let centres: Vec<Vec<f32>> = (0..50).map(|c| test_vector(seed + c, DIMS)).collect();
        (0..n)
            .map(|i| {
                let noise = test_vector(seed * 7_919 + i as u64 + 1_000, DIMS);
                let mut v: Vec<f32> = centres[i % 50]
                    .iter()
                    .zip(&noise)
                    .map(|(c, e)| c + 0.5 * e)
                    .collect();
                orchard_actors::memory::normalize(&mut v);
                v
            })
            .collect()
    }

    async fn wait_for_graph(memory: &EmbeddedVectors, scope: &OrgScope, points: usize) {
        // Not a timing assertion: a build of a few thousand points takes well under a second;
        // the bound only keeps a broken build from hanging the suite.
        for _ in 0..600 {
            let status = memory.index_status(scope).await.unwrap();
            if status.ready && !status.building && status.points == points {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the graph of {points} points was not built");
    }

    async fn top(
        memory: &EmbeddedVectors,
        scope: &OrgScope,
        vector: &[f32],
        limit: usize,
        repo_id: Option<RepoId>,
    ) -> Vec<PointId> {
        let query = SearchQuery {
            vector: vector.to_vec(),
            limit,
            repo_id,
        };
        memory
            .search(scope, &query)
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect()
    }

    #[tokio::test]
    async fn a_large_org_is_searched_through_its_graph_which_follows_every_write() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Some(HnswSettings {
            min_points: 2_000,
            m: 12,
            ef_construction: 64,
            ef_search: 64,
        });
        let memory = EmbeddedVectors::open_with(dir.path(), DIMS, settings).unwrap();
        let (big, small) = (
            OrgScope::trusted(OrgId::new()),
            OrgScope::trusted(OrgId::new()),
        );
        let (rare, common) = (RepoId::new(), RepoId::new());
        let vectors = clustered(1, 3_000);
        let points: Vec<Point> = vectors
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let repo = if i % 100 == 0 { rare } else { common };
                chunk(repo, &format!("f{i}.rs"), "b", 1, v.clone())
            })
            .collect();
        let ids: Vec<PointId> = points.iter().map(|p| p.id).collect();
        for batch in points.chunks(500) {
            memory.upsert(&big, batch.to_vec()).await.unwrap();
        }
        // The small org, with the same vectors but under the threshold: no graph.
        memory
            .upsert(
                &small,
                points[..100]
                    .iter()
                    .map(|p| Point {
                        id: PointId::new(),
                        ..p.clone()
                    })
                    .collect(),
            )
            .await
            .unwrap();
        wait_for_graph(&memory, &big, 3_000).await;
        assert!(!memory.index_status(&small).await.unwrap().ready);

        // Recall@10 against exact search of the same vectors.
        let exact_memory =
            EmbeddedVectors::open_with(&dir.path().join("exact"), DIMS, None).unwrap();
        exact_memory.upsert(&big, points.clone()).await.unwrap();
        let queries = clustered(2, 200);
        let (mut found, mut total) = (0, 0);
        for query in &queries {
            let truth = top(&exact_memory, &big, query, 10, None).await;
            let got = top(&memory, &big, query, 10, None).await;
            assert_eq!(got.len(), 10);
            total += truth.len();
            found += truth.iter().filter(|id| got.contains(id)).count();
        }
        let recall = found as f64 / total as f64;
        assert!(recall >= 0.95, "recall@10 {recall}");
        let answered = memory.index_status(&big).await.unwrap().graph_searches;
        assert!(
            answered >= 200,
            "the graph answered {answered} of 200 searches"
        );

        // A filter 1 % of the points pass is answered exactly, and only with that repo.
        for query in queries.iter().take(20) {
            assert_eq!(
                top(&memory, &big, query, 10, Some(rare)).await,
                top(&exact_memory, &big, query, 10, Some(rare)).await
            );
        }

        // Writes after the build: a new point, a replaced one, a deleted one.
        let fresh = note("fresh", test_vector(424_242, DIMS));
        memory.upsert(&big, vec![fresh.clone()]).await.unwrap();
        assert_eq!(
            top(&memory, &big, &fresh.vector, 1, None).await,
            vec![fresh.id]
        );
        let moved = Point {
            vector: test_vector(515_151, DIMS),
            ..points[5].clone()
        };
        memory.upsert(&big, vec![moved.clone()]).await.unwrap();
        assert_eq!(
            top(&memory, &big, &moved.vector, 1, None).await,
            vec![ids[5]]
        );
        // Its old node is dead: the old place no longer finds it.
        assert!(
            !top(&memory, &big, &vectors[5], 10, None)
                .await
                .contains(&ids[5])
        );
        memory.delete(&big, &[ids[7]]).await.unwrap();
        assert!(
            !top(&memory, &big, &vectors[7], 100, None)
                .await
                .contains(&ids[7])
        );
        // The other org never meets the big org's points, graph or not.
        for query in queries.iter().take(20) {
            let hits = top(&memory, &small, query, 10, None).await;
            assert!(hits.iter().all(|id| !ids.contains(id)));
        }

        // Deleting a third of the points makes the graph stale: it is rebuilt, and the
        // rebuilt one answers for the live points only.
        memory.delete(&big, &ids[1_000..2_000]).await.unwrap();
        wait_for_graph(&memory, &big, 2_000).await;
        for query in queries.iter().take(50) {
            let got = top(&memory, &big, query, 10, None).await;
            assert!(got.iter().all(|id| !ids[1_000..2_000].contains(id)));
        }

        // After a restart the graph is built again from the segment.
        drop(memory);
        let memory = EmbeddedVectors::open_with(dir.path(), DIMS, settings).unwrap();
        assert_eq!(memory.count(&big).await.unwrap(), 2_000);
        wait_for_graph(&memory, &big, 2_000).await;
        assert_eq!(
            top(&memory, &big, &fresh.vector, 1, None).await,
            vec![fresh.id]
        );
    }
}
