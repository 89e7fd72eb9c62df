//! The embedded [`VectorMemory`]: one segment per org under `<data_dir>/vectors/`, each an
//! append-only checksummed log replayed into a contiguous in-memory layout, searched
//! exactly (see [`super::segment`] for the file format and the scan).
//!
//! An org's segment is opened on its first use and stays open. Searches of one org run in
//! parallel (a read lock); writes of one org are serialised, each synced to disk before it
//! returns. Scans, writes and opens run on tokio's blocking pool: a 100,000-point scan takes
//! milliseconds, far more than async code may block.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use async_trait::async_trait;
use orchard_actors::domain::{OrgId, OrgScope, RepoId};
use orchard_actors::memory::{
    Hit, IndexedBlob, MemoryError, Point, PointId, SearchQuery, VectorMemory, check_limit,
    normalized,
};
use tokio::sync::OnceCell;

use super::segment::{NewPoint, Segment};

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
    segments: Mutex<HashMap<OrgId, Arc<OnceCell<Shared>>>>,
}

impl EmbeddedVectors {
    /// A memory of `dimensions`-wide vectors in `dir` (created if missing). Segments are
    /// read on first use, so opening is instant whatever the data's size.
    pub fn open(dir: &Path, dimensions: usize) -> Result<Self, MemoryError> {
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

    async fn segment(&self, org: OrgId) -> Result<Shared, MemoryError> {
        let cell = {
            let mut segments = self
                .inner
                .segments
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            segments.entry(org).or_default().clone()
        };
        let (dir, dimensions) = (self.inner.dir.clone(), self.inner.dimensions);
        cell.get_or_try_init(|| async move {
            tokio::task::spawn_blocking(move || Segment::open(&dir, org, dimensions))
                .await
                .map_err(|e| MemoryError::Backend(e.to_string()))?
                .map(|segment| Arc::new(RwLock::new(segment)))
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
            f(&mut segment.write().unwrap_or_else(|p| p.into_inner()))
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
}
