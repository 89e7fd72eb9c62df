//! One org's segment of the embedded vector memory: an append-only, checksummed log on disk
//! and, in memory, its live points with their vectors in one contiguous `f32` array.
//!
//! # File
//! `<org_id>.seg`: a 32-byte header (`ORCHVEC1`, format version, dimensions, org id), then
//! records `body_len: u32 | crc32(body): u32 | body`, little-endian. A body is one call's
//! whole batch (an upsert of many points, a delete of many ids, a delete by path or
//! repository), so a batch is applied whole or not at all: a record torn by a crash fails its
//! checksum and is cut off at the next open, with everything after it. Every write is
//! followed by `fdatasync` before the call returns.
//!
//! Points' texts stay on disk: memory holds, per point, its vector, id, source and where its
//! text is in the file; a search reads only its hits' texts (`pread`). When superseded and
//! deleted records outweigh the live ones, the segment is rewritten (compacted) into a new
//! file that replaces the old one by `rename`.
//!
//! # Search
//! Exact: the best `limit` by the query's dot product with every vector (all are unit length,
//! so that is the cosine), as one plain `f32` scan of the contiguous array would find them.
//! Memory keeps an 8-bit copy of the vectors beside them ([`super::quantized`]); a search
//! scans that copy for an interval of every point's score, then scores in `f32` only the
//! points that could be among the best — the same top `limit`, ties included, from a quarter
//! of the bytes.
//!
//! An org past [`HnswSettings::min_points`] also gets an approximate index ([`super::hnsw`]),
//! built from a snapshot outside the segment's lock ([`Segment::start_build`],
//! [`Segment::install`]) and kept current by every later write. Once installed, searches
//! take the graph's candidates, re-score them in `f32` and keep the best `limit`; a
//! filtered search that finds fewer than `limit` through the graph is answered exactly.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;

use orchard_actors::domain::{OrgId, RepoId, TaskId};
use orchard_actors::memory::{IndexedBlob, Metadata, PointId, Source, dot};
use uuid::Uuid;

use super::hnsw::{HnswSettings, Index};
use super::quantized::Codes;

const MAGIC: &[u8; 8] = b"ORCHVEC1";
const VERSION: u32 = 1;
const HEADER_LEN: u64 = 32;
const RECORD_HEADER_LEN: usize = 8;

const OP_UPSERT: u8 = 1;
const OP_DELETE: u8 = 2;
const OP_DELETE_PATH: u8 = 3;
const OP_DELETE_REPO: u8 = 4;

/// Compact when dead bytes exceed live bytes by this much (and by the live bytes).
const COMPACT_SLACK: u64 = 4 * 1024 * 1024;
/// Points per record when compacting.
const COMPACT_BATCH: usize = 4096;

/// A point ready to store: its vector already unit length.
#[derive(Debug, Clone)]
pub(crate) struct NewPoint {
    pub(crate) id: PointId,
    pub(crate) source: Source,
    pub(crate) text: String,
    pub(crate) vector: Vec<f32>,
}

/// What memory keeps of a point besides its vector.
#[derive(Debug, Clone)]
struct Meta {
    id: PointId,
    source: Source,
    /// Offset of its text in the file.
    text_at: u64,
    text_len: u32,
    /// Bytes of its encoding in an upsert record: what a compaction would write for it.
    encoded_len: u64,
}

/// A search hit before its text is read.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    score: f32,
    id: PointId,
    slot: usize,
}

impl Candidate {
    /// Better first: higher score, then the smaller id (deterministic ties).
    fn rank(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.id.cmp(&self.id))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.rank(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank(other)
    }
}

/// A hit with its text.
#[derive(Debug, Clone)]
pub(crate) struct SegmentHit {
    pub(crate) id: PointId,
    pub(crate) score: f32,
    pub(crate) source: Source,
    pub(crate) text: String,
}

/// One org's points, in memory and in their log file.
#[derive(Debug)]
pub(crate) struct Segment {
    org: OrgId,
    path: PathBuf,
    dimensions: usize,
    /// `None` until the first write (an org that only searched has no file).
    file: Option<File>,
    /// Bytes of valid log (where the next record goes).
    len: u64,
    /// Slot-major: the vector of slot `i` is `vectors[i * dimensions..][..dimensions]`.
    vectors: Vec<f32>,
    /// The 8-bit copy of `vectors`, slot for slot, that a search scans first.
    codes: Codes,
    points: Vec<Meta>,
    slots: HashMap<PointId, usize>,
    live_bytes: u64,
    /// `None`: this store builds no approximate index.
    hnsw: Option<HnswSettings>,
    /// The approximate index, once built.
    index: Option<Index>,
    /// While a build runs: the ids written since its snapshot, for [`Self::install`].
    pending: Option<Vec<PointId>>,
    /// A build waits for its turn (its snapshot not taken yet).
    queued: bool,
    /// Searches the graph answered (the others were exact).
    graph_searches: AtomicU64,
}

/// What a build of the approximate index needs: a snapshot of the segment's points.
#[derive(Debug)]
pub(crate) struct BuildInput {
    pub(crate) dimensions: usize,
    pub(crate) settings: HnswSettings,
    pub(crate) ids: Vec<PointId>,
    pub(crate) vectors: Vec<f32>,
}

impl BuildInput {
    /// Builds the index (minutes for millions of points: run it off the segment's lock).
    pub(crate) fn build(&self) -> Index {
        Index::build(self.dimensions, &self.settings, &self.ids, &self.vectors)
    }
}

/// The state of a segment's approximate index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexStatus {
    /// Live points the graph holds (0 before its first build).
    pub points: usize,
    /// Whether an index is installed and answers searches.
    pub ready: bool,
    /// Whether a build is running.
    pub building: bool,
    /// Bytes of memory the graph takes.
    pub memory_bytes: usize,
    /// Searches of this segment the graph answered since it was opened.
    pub graph_searches: u64,
}

fn io_error(context: &str, path: &Path, error: impl std::fmt::Display) -> String {
    format!("{context} {}: {error}", path.display())
}

impl Segment {
    /// Opens the segment of `org` in `dir` (empty if it has no file yet), replaying its log.
    /// A torn or corrupt tail is cut off (and logged).
    /// `hnsw` says whether and when it gets an approximate index.
    pub(crate) fn open(
        dir: &Path,
        org: OrgId,
        dimensions: usize,
        hnsw: Option<HnswSettings>,
    ) -> Result<Self, String> {
        let path = dir.join(format!("{org}.seg"));
        let mut segment = Self {
            org,
            path: path.clone(),
            dimensions,
            file: None,
            len: 0,
            vectors: Vec::new(),
            codes: Codes::new(dimensions),
            points: Vec::new(),
            slots: HashMap::new(),
            live_bytes: 0,
            hnsw,
            index: None,
            pending: None,
            queued: false,
            graph_searches: AtomicU64::new(0),
        };
        let mut file = match OpenOptions::new().read(true).write(true).open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(segment),
            Err(e) => return Err(io_error("cannot open", &path, e)),
        };
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| io_error("cannot read", &path, e))?;
        if bytes.len() < HEADER_LEN as usize {
            // Created but its header never made it to disk: nothing was stored.
            segment.create_header(file)?;
            return Ok(segment);
        }
        check_header(&bytes, org, dimensions).map_err(|e| io_error("bad header in", &path, e))?;
        let mut at = HEADER_LEN as usize;
        while let Some((body, next)) = next_record(&bytes, at) {
            segment
                .apply(body, (at + RECORD_HEADER_LEN) as u64)
                .map_err(|e| io_error("cannot replay", &path, e))?;
            at = next;
        }
        if at < bytes.len() {
            tracing::warn!(
                path = %path.display(),
                valid = at,
                total = bytes.len(),
                "vector segment has a torn or corrupt tail, cutting it off"
            );
            file.set_len(at as u64)
                .and_then(|()| file.sync_data())
                .map_err(|e| io_error("cannot truncate", &path, e))?;
        }
        segment.len = at as u64;
        segment.file = Some(file);
        Ok(segment)
    }

    /// Writes the header of a new (or empty) file and makes it durable.
    fn create_header(&mut self, file: File) -> Result<(), String> {
        let mut header = Vec::with_capacity(HEADER_LEN as usize);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&VERSION.to_le_bytes());
        header.extend_from_slice(&(self.dimensions as u32).to_le_bytes());
        header.extend_from_slice(self.org.as_uuid().as_bytes());
        file.set_len(0)
            .and_then(|()| file.write_all_at(&header, 0))
            .and_then(|()| file.sync_all())
            .map_err(|e| io_error("cannot write", &self.path, e))?;
        sync_dir(&self.path)?;
        self.len = HEADER_LEN;
        self.file = Some(file);
        Ok(())
    }

    fn file(&mut self) -> Result<&File, String> {
        if self.file.is_none() {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&self.path)
                .map_err(|e| io_error("cannot create", &self.path, e))?;
            self.create_header(file)?;
        }
        Ok(self.file.as_ref().expect("opened above"))
    }

    /// Appends one record and syncs it; on failure the file is cut back to where it was.
    /// Returns the offset of the record's body.
    fn append(&mut self, body: &[u8]) -> Result<u64, String> {
        let path = self.path.clone();
        self.file()?;
        // After `file()`: creating the file writes its header and moves `len` past it.
        let at = self.len;
        let file = self.file.as_ref().expect("opened above");
        let mut record = Vec::with_capacity(RECORD_HEADER_LEN + body.len());
        let body_len = u32::try_from(body.len()).map_err(|_| "batch too large".to_string())?;
        record.extend_from_slice(&body_len.to_le_bytes());
        record.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
        record.extend_from_slice(body);
        let written = file
            .write_all_at(&record, at)
            .and_then(|()| file.sync_data());
        if let Err(e) = written {
            let _ = file.set_len(at);
            return Err(io_error("cannot write", &path, e));
        }
        self.len = at + record.len() as u64;
        Ok(at + RECORD_HEADER_LEN as u64)
    }

    /// Stores `points` (replacing those whose ids exist), durably.
    pub(crate) fn upsert(&mut self, points: &[NewPoint]) -> Result<(), String> {
        if points.is_empty() {
            return Ok(());
        }
        let body = encode_upsert(points, self.dimensions);
        let at = self.append(&body)?;
        self.apply(&body, at)?;
        self.maybe_compact();
        Ok(())
    }

    /// Removes the points among `ids`; returns how many there were.
    pub(crate) fn delete(&mut self, ids: &[PointId]) -> Result<u64, String> {
        let mut present: Vec<PointId> = ids
            .iter()
            .filter(|id| self.slots.contains_key(id))
            .copied()
            .collect();
        present.sort();
        present.dedup();
        if present.is_empty() {
            return Ok(0);
        }
        let mut body = vec![OP_DELETE];
        body.extend_from_slice(&(present.len() as u32).to_le_bytes());
        for id in &present {
            body.extend_from_slice(id.as_uuid().as_bytes());
        }
        let at = self.append(&body)?;
        self.apply(&body, at)?;
        self.maybe_compact();
        Ok(present.len() as u64)
    }

    /// Removes every chunk of `path` in `repo`; returns how many.
    pub(crate) fn delete_path(&mut self, repo: RepoId, path: &str) -> Result<u64, String> {
        let matching = self.matching(|s| chunk_of(s, repo, Some(path))).len() as u64;
        if matching == 0 {
            return Ok(0);
        }
        let mut body = vec![OP_DELETE_PATH];
        body.extend_from_slice(repo.as_uuid().as_bytes());
        put_str(&mut body, path);
        let at = self.append(&body)?;
        self.apply(&body, at)?;
        self.maybe_compact();
        Ok(matching)
    }

    /// Removes every chunk of `repo`; returns how many.
    pub(crate) fn delete_repo(&mut self, repo: RepoId) -> Result<u64, String> {
        let matching = self.matching(|s| chunk_of(s, repo, None)).len() as u64;
        if matching == 0 {
            return Ok(0);
        }
        let mut body = vec![OP_DELETE_REPO];
        body.extend_from_slice(repo.as_uuid().as_bytes());
        let at = self.append(&body)?;
        self.apply(&body, at)?;
        self.maybe_compact();
        Ok(matching)
    }

    /// How many points.
    pub(crate) fn count(&self) -> u64 {
        self.points.len() as u64
    }

    /// Bytes of memory the points take: vectors, metadata and the id map (capacity, not
    /// length, so the figure is what the allocator holds).
    pub(crate) fn memory_bytes(&self) -> usize {
        let sources: usize = self
            .points
            .iter()
            .map(|m| match &m.source {
                Source::Chunk { path, blob_id, .. } => path.capacity() + blob_id.capacity(),
                Source::Note { metadata, .. } => metadata
                    .iter()
                    .map(|(k, v)| k.capacity() + v.capacity() + 3 * std::mem::size_of::<usize>())
                    .sum(),
            })
            .sum();
        self.vectors.capacity() * 4
            + self.index.as_ref().map_or(0, Index::memory_bytes)
            + self.codes.memory_bytes()
            + self.points.capacity() * std::mem::size_of::<Meta>()
            + sources
            + self.slots.capacity() * (std::mem::size_of::<(PointId, usize)>() + 1)
    }

    /// The (path, blob) pairs of `repo` with their point counts, sorted.
    pub(crate) fn indexed_blobs(&self, repo: RepoId) -> Vec<IndexedBlob> {
        let mut counts: BTreeMap<(&str, &str), u64> = BTreeMap::new();
        for meta in &self.points {
            if let Source::Chunk {
                repo_id,
                path,
                blob_id,
                ..
            } = &meta.source
                && *repo_id == repo
            {
                *counts.entry((path, blob_id)).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .map(|((path, blob_id), points)| IndexedBlob {
                path: path.to_string(),
                blob_id: blob_id.to_string(),
                points,
            })
            .collect()
    }

    /// The `limit` points nearest `query` (unit length), best first, with their texts.
    pub(crate) fn search(
        &self,
        query: &[f32],
        limit: usize,
        repo: Option<RepoId>,
    ) -> Result<Vec<SegmentHit>, String> {
        let best = self.nearest(query, limit, repo);
        let Some(file) = &self.file else {
            return Ok(Vec::new());
        };
        best.into_iter()
            .map(|c| {
                let meta = &self.points[c.slot];
                let mut text = vec![0u8; meta.text_len as usize];
                file.read_exact_at(&mut text, meta.text_at)
                    .map_err(|e| io_error("cannot read", &self.path, e))?;
                Ok(SegmentHit {
                    id: meta.id,
                    score: c.score,
                    source: meta.source.clone(),
                    text: String::from_utf8(text)
                        .map_err(|_| io_error("bad text in", &self.path, "not UTF-8"))?,
                })
            })
            .collect()
    }

    /// Exact top-`limit` by dot product, best first: the 8-bit scan's candidates, scored in
    /// `f32` best upper bound first until no further one can enter (`quantized` shows why
    /// this is [`Self::nearest_plain`]'s answer).
    fn nearest(&self, query: &[f32], limit: usize, repo: Option<RepoId>) -> Vec<Candidate> {
        if let Some(best) = self.nearest_by_graph(query, limit, repo) {
            return best;
        }
        self.nearest_exact(query, limit, repo)
    }

    /// The approximate top-`limit` through the graph, every candidate re-scored in `f32`;
    /// `None` when there is no graph or it found fewer than `limit` (then exact search
    /// answers: a filter few points pass, or a small org).
    fn nearest_by_graph(
        &self,
        query: &[f32],
        limit: usize,
        repo: Option<RepoId>,
    ) -> Option<Vec<Candidate>> {
        let (index, settings) = (self.index.as_ref()?, self.hnsw.as_ref()?);
        let ef = settings.ef_search.max(limit);
        let admit = |id: &PointId| {
            repo.is_none_or(|repo| {
                self.slots
                    .get(id)
                    .is_some_and(|&slot| self.points[slot].source.repo_id() == Some(repo))
            })
        };
        // Past this many visited nodes a filtered search is better answered exactly.
        let budget = (ef * 64).max(4096);
        let found = index.search(query, ef, admit, budget);
        if found.len() < limit {
            return None;
        }
        let mut best: Vec<Candidate> = found
            .into_iter()
            .filter_map(|id| {
                let slot = *self.slots.get(&id)?;
                let vector = &self.vectors[slot * self.dimensions..(slot + 1) * self.dimensions];
                Some(Candidate {
                    score: dot(query, vector),
                    id,
                    slot,
                })
            })
            .collect();
        best.sort_by(|a, b| b.cmp(a));
        best.truncate(limit);
        if best.len() < limit {
            return None;
        }
        self.graph_searches.fetch_add(1, Relaxed);
        Some(best)
    }

    /// Exact top-`limit`, by the 8-bit pre-pass and `f32` re-scoring.
    fn nearest_exact(&self, query: &[f32], limit: usize, repo: Option<RepoId>) -> Vec<Candidate> {
        let keep =
            |slot: usize| repo.is_none_or(|repo| self.points[slot].source.repo_id() == Some(repo));
        let coded = self.codes.code_query(query);
        let candidates = self.codes.candidates(&coded, limit, keep);
        let mut heap: BinaryHeap<Reverse<Candidate>> = BinaryHeap::with_capacity(limit + 1);
        for bounded in candidates {
            let full = heap.len() == limit;
            // Strictly below the worst kept score: it and every later one (their upper
            // bounds are no higher) score below it. An equal bound may still tie on score.
            if full
                && heap
                    .peek()
                    .is_some_and(|worst| bounded.upper < worst.0.score)
            {
                break;
            }
            let slot = bounded.slot;
            let vector = &self.vectors[slot * self.dimensions..(slot + 1) * self.dimensions];
            let candidate = Candidate {
                score: dot(query, vector),
                id: self.points[slot].id,
                slot,
            };
            if !full {
                heap.push(Reverse(candidate));
            } else if heap.peek().is_some_and(|worst| candidate > worst.0) {
                heap.pop();
                heap.push(Reverse(candidate));
            }
        }
        let mut best: Vec<Candidate> = heap.into_iter().map(|r| r.0).collect();
        best.sort_by(|a, b| b.cmp(a));
        best
    }

    /// Exact top-`limit` by one plain `f32` scan, best first: what [`Self::nearest`] must
    /// answer (its tests compare the two).
    #[cfg(test)]
    fn nearest_plain(&self, query: &[f32], limit: usize, repo: Option<RepoId>) -> Vec<Candidate> {
        let mut heap: BinaryHeap<Reverse<Candidate>> = BinaryHeap::with_capacity(limit + 1);
        let mut floor = f32::NEG_INFINITY;
        for (slot, vector) in self.vectors.chunks_exact(self.dimensions).enumerate() {
            let score = dot(query, vector);
            if heap.len() == limit && score < floor {
                continue;
            }
            let meta = &self.points[slot];
            if let Some(repo) = repo
                && meta.source.repo_id() != Some(repo)
            {
                continue;
            }
            let candidate = Candidate {
                score,
                id: meta.id,
                slot,
            };
            if heap.len() < limit {
                heap.push(Reverse(candidate));
            } else if heap.peek().is_some_and(|worst| candidate > worst.0) {
                heap.pop();
                heap.push(Reverse(candidate));
            }
            if heap.len() == limit {
                floor = heap.peek().map_or(f32::NEG_INFINITY, |worst| worst.0.score);
            }
        }
        let mut best: Vec<Candidate> = heap.into_iter().map(|r| r.0).collect();
        best.sort_by(|a, b| b.cmp(a));
        best
    }

    /// Slots whose source matches.
    fn matching(&self, keep: impl Fn(&Source) -> bool) -> Vec<usize> {
        self.points
            .iter()
            .enumerate()
            .filter(|(_, m)| keep(&m.source))
            .map(|(slot, _)| slot)
            .collect()
    }

    /// Applies a record's body (read from `at` in the file) to memory.
    fn apply(&mut self, body: &[u8], at: u64) -> Result<(), String> {
        let mut reader = Reader { bytes: body, at: 0 };
        let op = reader.u8()?;
        match op {
            OP_UPSERT => {
                let count = reader.u32()?;
                for _ in 0..count {
                    let start = reader.at;
                    let id = PointId::from_uuid(reader.uuid()?);
                    let source = read_source(&mut reader)?;
                    let vector = reader.take(self.dimensions * 4)?;
                    let text_len = reader.u32()?;
                    let text_at = at + reader.at as u64;
                    reader.take(text_len as usize)?;
                    let meta = Meta {
                        id,
                        source,
                        text_at,
                        text_len,
                        encoded_len: (reader.at - start) as u64,
                    };
                    self.put(meta, vector);
                }
            }
            OP_DELETE => {
                let count = reader.u32()?;
                let mut slots = Vec::with_capacity(count as usize);
                for _ in 0..count {
                    let id = PointId::from_uuid(reader.uuid()?);
                    if let Some(slot) = self.slots.get(&id) {
                        slots.push(*slot);
                    }
                }
                self.remove(slots);
            }
            OP_DELETE_PATH => {
                let repo = RepoId::from_uuid(reader.uuid()?);
                let path = reader.str()?;
                let slots = self.matching(|s| chunk_of(s, repo, Some(path)));
                self.remove(slots);
            }
            OP_DELETE_REPO => {
                let repo = RepoId::from_uuid(reader.uuid()?);
                let slots = self.matching(|s| chunk_of(s, repo, None));
                self.remove(slots);
            }
            other => return Err(format!("unknown record kind {other}")),
        }
        if reader.at != body.len() {
            return Err("trailing bytes in a record".into());
        }
        Ok(())
    }

    /// Stores a point in memory, in its old slot if it has one.
    fn put(&mut self, meta: Meta, vector: &[u8]) {
        let dims = self.dimensions;
        self.live_bytes += meta.encoded_len;
        let slot = match self.slots.get(&meta.id).copied() {
            Some(slot) => {
                self.live_bytes -= self.points[slot].encoded_len;
                self.points[slot] = meta;
                slot
            }
            None => {
                let slot = self.points.len();
                self.slots.insert(meta.id, slot);
                self.vectors.resize(self.vectors.len() + dims, 0.0);
                self.points.push(meta);
                slot
            }
        };
        let stored = &mut self.vectors[slot * dims..(slot + 1) * dims];
        for (x, bytes) in stored.iter_mut().zip(vector.as_chunks::<4>().0) {
            *x = f32::from_le_bytes(*bytes);
        }
        self.codes.set(slot, stored);
        let id = self.points[slot].id;
        if let Some(index) = &mut self.index {
            index.upsert(id, stored);
        }
        if let Some(pending) = &mut self.pending {
            pending.push(id);
        }
    }

    /// Removes slots (swapping the last point into each freed one).
    fn remove(&mut self, mut slots: Vec<usize>) {
        let dims = self.dimensions;
        slots.sort_unstable_by(|a, b| b.cmp(a));
        slots.dedup();
        for slot in slots {
            let last = self.points.len() - 1;
            let gone = self.points.swap_remove(slot);
            self.slots.remove(&gone.id);
            if let Some(index) = &mut self.index {
                index.remove(gone.id);
            }
            if let Some(pending) = &mut self.pending {
                pending.push(gone.id);
            }
            self.live_bytes -= gone.encoded_len;
            if slot != last {
                self.vectors
                    .copy_within(last * dims..(last + 1) * dims, slot * dims);
                self.codes.copy(last, slot);
                self.slots.insert(self.points[slot].id, slot);
            }
            self.vectors.truncate(last * dims);
            self.codes.truncate(last);
        }
    }

    /// Whether an approximate index should be built now: the org reached
    /// [`HnswSettings::min_points`] and has none, or a fifth of its graph's nodes are dead
    /// (deleted or replaced points); and no build is running.
    pub(crate) fn build_due(&self) -> bool {
        let Some(settings) = &self.hnsw else {
            return false;
        };
        if self.queued || self.pending.is_some() || self.points.len() < settings.min_points.max(1) {
            return false;
        }
        self.index
            .as_ref()
            .is_none_or(|index| index.dead_share() > 0.2)
    }

    /// Marks a build as waiting for its turn when one is due; whether it did.
    pub(crate) fn queue_build(&mut self) -> bool {
        let due = self.build_due();
        self.queued |= due;
        due
    }

    /// Forgets a queued build that will not run.
    pub(crate) fn cancel_queued_build(&mut self) {
        self.queued = false;
    }

    /// A snapshot to build the index from, when one is (still) due; from now on the ids
    /// written are remembered for [`Self::install`]. The current index (if any) keeps
    /// answering meanwhile.
    pub(crate) fn start_build(&mut self) -> Option<BuildInput> {
        self.queued = false;
        if !self.build_due() {
            return None;
        }
        self.pending = Some(Vec::new());
        Some(BuildInput {
            dimensions: self.dimensions,
            settings: self.hnsw?,
            ids: self.points.iter().map(|m| m.id).collect(),
            vectors: self.vectors.clone(),
        })
    }

    /// Installs an index built from [`Self::start_build`]'s snapshot, after applying the
    /// writes made since. `None` (the build failed) only ends the build.
    pub(crate) fn install(&mut self, index: Option<Index>) {
        let pending = self.pending.take().unwrap_or_default();
        let Some(mut index) = index else {
            return;
        };
        let dims = self.dimensions;
        index.catch_up(&pending, |id| {
            let slot = *self.slots.get(id)?;
            Some(&self.vectors[slot * dims..(slot + 1) * dims])
        });
        self.index = Some(index);
    }

    /// Changes how many candidates a graph search keeps (until the segment is reopened).
    pub(crate) fn set_ef_search(&mut self, ef_search: usize) {
        if let Some(settings) = &mut self.hnsw {
            settings.ef_search = ef_search.max(1);
        }
    }

    /// The approximate index's state.
    pub(crate) fn index_status(&self) -> IndexStatus {
        IndexStatus {
            points: self.index.as_ref().map_or(0, Index::live),
            ready: self.index.is_some(),
            building: self.queued || self.pending.is_some(),
            memory_bytes: self.index.as_ref().map_or(0, Index::memory_bytes),
            graph_searches: self.graph_searches.load(Relaxed),
        }
    }

    /// Rewrites the file with only the live points once dead records outweigh them. A
    /// failure leaves the old file in place (and is logged): nothing is lost, only space.
    fn maybe_compact(&mut self) {
        let dead = self.len.saturating_sub(HEADER_LEN + self.live_bytes);
        if dead <= self.live_bytes + COMPACT_SLACK {
            return;
        }
        if let Err(error) = self.compact() {
            tracing::warn!(path = %self.path.display(), %error, "vector segment compaction failed");
        }
    }

    fn compact(&mut self) -> Result<(), String> {
        let started = std::time::Instant::now();
        let before = self.len;
        let tmp = self.path.with_extension("seg.tmp");
        let file = self.file.as_ref().ok_or("no file")?;
        // Read every live point back (texts live only in the file), in slot order.
        let mut points = Vec::with_capacity(self.points.len());
        for (slot, meta) in self.points.iter().enumerate() {
            let mut text = vec![0u8; meta.text_len as usize];
            file.read_exact_at(&mut text, meta.text_at)
                .map_err(|e| io_error("cannot read", &self.path, e))?;
            points.push(NewPoint {
                id: meta.id,
                source: meta.source.clone(),
                text: String::from_utf8(text).map_err(|_| "text not UTF-8".to_string())?,
                vector: self.vectors[slot * self.dimensions..(slot + 1) * self.dimensions].to_vec(),
            });
        }
        let mut out = File::create(&tmp).map_err(|e| io_error("cannot create", &tmp, e))?;
        let mut header = Vec::with_capacity(HEADER_LEN as usize);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&VERSION.to_le_bytes());
        header.extend_from_slice(&(self.dimensions as u32).to_le_bytes());
        header.extend_from_slice(self.org.as_uuid().as_bytes());
        let mut written = header;
        let mut offsets = Vec::new();
        for batch in points.chunks(COMPACT_BATCH) {
            let body = encode_upsert(batch, self.dimensions);
            offsets.push(written.len() + RECORD_HEADER_LEN);
            written.extend_from_slice(&(body.len() as u32).to_le_bytes());
            written.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
            written.extend_from_slice(&body);
        }
        out.write_all(&written)
            .and_then(|()| out.sync_all())
            .map_err(|e| io_error("cannot write", &tmp, e))?;
        drop(out);
        std::fs::rename(&tmp, &self.path).map_err(|e| io_error("cannot rename", &tmp, e))?;
        sync_dir(&self.path)?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path)
            .map_err(|e| io_error("cannot open", &self.path, e))?;
        // Rebuild memory from the new file, so the text offsets are its own.
        let mut fresh = Segment {
            org: self.org,
            path: self.path.clone(),
            dimensions: self.dimensions,
            file: None,
            len: written.len() as u64,
            vectors: Vec::with_capacity(self.vectors.len()),
            codes: Codes::new(self.dimensions),
            points: Vec::with_capacity(self.points.len()),
            slots: HashMap::with_capacity(self.slots.len()),
            live_bytes: 0,
            hnsw: self.hnsw,
            // Compaction keeps every live point with its vector: the index stays valid.
            index: None,
            pending: None,
            queued: false,
            graph_searches: AtomicU64::new(self.graph_searches.load(Relaxed)),
        };
        fresh.codes.reserve(self.points.len());
        let mut at = HEADER_LEN as usize;
        while let Some((body, next)) = next_record(&written, at) {
            fresh.apply(body, (at + RECORD_HEADER_LEN) as u64)?;
            at = next;
        }
        fresh.file = Some(file);
        fresh.index = self.index.take();
        fresh.pending = self.pending.take();
        *self = fresh;
        tracing::info!(
            path = %self.path.display(),
            before,
            after = self.len,
            points = self.points.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "vector segment compacted"
        );
        Ok(())
    }
}

/// Makes a file's directory entry durable (after creating or renaming it).
fn sync_dir(path: &Path) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_error("cannot sync", dir, e))
}

fn chunk_of(source: &Source, repo: RepoId, only_path: Option<&str>) -> bool {
    match source {
        Source::Chunk { repo_id, path, .. } => {
            *repo_id == repo && only_path.is_none_or(|p| p == path)
        }
        Source::Note { .. } => false,
    }
}

fn check_header(bytes: &[u8], org: OrgId, dimensions: usize) -> Result<(), String> {
    if &bytes[..8] != MAGIC {
        return Err("not a vector segment".into());
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != VERSION {
        return Err(format!(
            "format version {version}, this build reads {VERSION}"
        ));
    }
    let dims = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")) as usize;
    if dims != dimensions {
        return Err(format!(
            "vectors of {dims} dimensions, configured {dimensions}: the embedding model \
             changed, re-index (or move the segment away)"
        ));
    }
    let owner = Uuid::from_slice(&bytes[16..32]).expect("16 bytes");
    if owner != org.as_uuid() {
        return Err(format!("segment of org {owner}, not of {org}"));
    }
    Ok(())
}

/// The body of the record at `at` and where the next one starts, if it is whole and its
/// checksum holds.
fn next_record(bytes: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let header = bytes.get(at..at + RECORD_HEADER_LEN)?;
    let len = u32::from_le_bytes(header[..4].try_into().ok()?) as usize;
    let crc = u32::from_le_bytes(header[4..].try_into().ok()?);
    let start = at + RECORD_HEADER_LEN;
    let body = bytes.get(start..start.checked_add(len)?)?;
    (crc32fast::hash(body) == crc).then_some((body, start + len))
}

fn encode_upsert(points: &[NewPoint], dimensions: usize) -> Vec<u8> {
    let per_point = 16 + 64 + dimensions * 4 + 4;
    let texts: usize = points.iter().map(|p| p.text.len()).sum();
    let mut body = Vec::with_capacity(5 + points.len() * per_point + texts);
    body.push(OP_UPSERT);
    body.extend_from_slice(&(points.len() as u32).to_le_bytes());
    for point in points {
        body.extend_from_slice(point.id.as_uuid().as_bytes());
        match &point.source {
            Source::Chunk {
                repo_id,
                path,
                blob_id,
                start_line,
                end_line,
            } => {
                body.push(0);
                body.extend_from_slice(repo_id.as_uuid().as_bytes());
                put_str(&mut body, path);
                put_str(&mut body, blob_id);
                body.extend_from_slice(&start_line.to_le_bytes());
                body.extend_from_slice(&end_line.to_le_bytes());
            }
            // Kinds 1 and 2 (no metadata) are what segments written before metadata hold.
            Source::Note {
                task_id: None,
                metadata,
            } if metadata.is_empty() => body.push(1),
            Source::Note {
                task_id: Some(task),
                metadata,
            } if metadata.is_empty() => {
                body.push(2);
                body.extend_from_slice(task.as_uuid().as_bytes());
            }
            Source::Note { task_id, metadata } => {
                body.push(3);
                match task_id {
                    None => body.push(0),
                    Some(task) => {
                        body.push(1);
                        body.extend_from_slice(task.as_uuid().as_bytes());
                    }
                }
                body.extend_from_slice(&(metadata.len() as u32).to_le_bytes());
                for (key, value) in metadata {
                    put_str(&mut body, key);
                    put_str(&mut body, value);
                }
            }
        }
        for x in &point.vector {
            body.extend_from_slice(&x.to_le_bytes());
        }
        put_str(&mut body, &point.text);
    }
    body
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn read_source(reader: &mut Reader<'_>) -> Result<Source, String> {
    match reader.u8()? {
        0 => Ok(Source::Chunk {
            repo_id: RepoId::from_uuid(reader.uuid()?),
            path: reader.str()?.to_string(),
            blob_id: reader.str()?.to_string(),
            start_line: reader.u32()?,
            end_line: reader.u32()?,
        }),
        1 => Ok(Source::Note {
            task_id: None,
            metadata: Metadata::new(),
        }),
        2 => Ok(Source::Note {
            task_id: Some(TaskId::from_uuid(reader.uuid()?)),
            metadata: Metadata::new(),
        }),
        // A note with metadata: has-task flag (0 | 1), the task, count, then key/value pairs.
        3 => {
            let task_id = match reader.u8()? {
                0 => None,
                1 => Some(TaskId::from_uuid(reader.uuid()?)),
                other => return Err(format!("bad task flag {other} in a note")),
            };
            let count = reader.u32()?;
            let mut metadata = Metadata::new();
            for _ in 0..count {
                let key = reader.str()?.to_string();
                metadata.insert(key, reader.str()?.to_string());
            }
            Ok(Source::Note { task_id, metadata })
        }
        other => Err(format!("unknown source kind {other}")),
    }
}

/// Reads a record body front to back; every read is bounds-checked.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let out = self
            .bytes
            .get(self.at..self.at + n)
            .ok_or("record ends early")?;
        self.at += n;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn uuid(&mut self) -> Result<Uuid, String> {
        Ok(Uuid::from_slice(self.take(16)?).expect("16 bytes"))
    }

    fn str(&mut self) -> Result<&'a str, String> {
        let len = self.u32()? as usize;
        std::str::from_utf8(self.take(len)?).map_err(|_| "text not UTF-8".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orchard_actors::memory::normalize;

    /// A deterministic generator (the tests must not depend on a seed's luck).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> f32 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 40) as f32 / (1u64 << 24) as f32) - 0.5
        }
        fn vector(&mut self, dims: usize) -> Vec<f32> {
            let mut v: Vec<f32> = (0..dims).map(|_| self.next()).collect();
            normalize(&mut v);
            v
        }
        fn below(&mut self, n: usize) -> usize {
            ((self.next() + 0.5) * n as f32) as usize % n
        }
    }

    fn segment(dir: &Path, dims: usize, vectors: &[Vec<f32>], repos: &[RepoId]) -> Segment {
        let mut segment = Segment::open(dir, OrgId::new(), dims, None).unwrap();
        let points: Vec<NewPoint> = vectors
            .iter()
            .enumerate()
            .map(|(i, v)| NewPoint {
                id: PointId::from_uuid(Uuid::from_u128(((i as u128 * 7919) % 1_000_003) + 1)),
                source: if i % 7 == 6 {
                    Source::Note {
                        task_id: None,
                        metadata: Metadata::new(),
                    }
                } else {
                    Source::Chunk {
                        repo_id: repos[i % repos.len()],
                        path: format!("f{}.rs", i % 13),
                        blob_id: "b".into(),
                        start_line: 1,
                        end_line: 2,
                    }
                },
                text: String::new(),
                vector: v.clone(),
            })
            .collect();
        for batch in points.chunks(500) {
            segment.upsert(batch).unwrap();
        }
        segment
    }

    /// The two searches agree on every query, limit and filter: same ids, same order, the
    /// same scores to the bit.
    fn assert_exact(segment: &Segment, queries: &[Vec<f32>], repos: &[RepoId]) {
        let filters = [None, Some(repos[0]), Some(RepoId::new())];
        for query in queries {
            for limit in [1, 3, 10, 100] {
                for repo in filters {
                    let fast = segment.nearest(query, limit, repo);
                    let plain = segment.nearest_plain(query, limit, repo);
                    let key = |c: &Candidate| (c.id, c.score.to_bits(), c.slot);
                    assert_eq!(
                        fast.iter().map(key).collect::<Vec<_>>(),
                        plain.iter().map(key).collect::<Vec<_>>(),
                        "limit {limit}, repo {repo:?}"
                    );
                }
            }
        }
    }

    /// The source of `id` as the segment holds it in memory.
    fn source_of(segment: &Segment, id: PointId) -> Source {
        segment.points[segment.slots[&id]].source.clone()
    }

    #[test]
    fn old_note_records_still_read_and_metadata_round_trips_through_reopen_and_compaction() {
        let dims = 4;
        let dir = tempfile::tempdir().unwrap();
        let org = OrgId::new();
        let mut rng = Lcg(3);
        let task = TaskId::new();
        let (plain, tasked) = (PointId::new(), PointId::new());
        let (v1, v2) = (rng.vector(dims), rng.vector(dims));

        // A segment as builds before note metadata wrote it, byte by byte: the header, then
        // one upsert of a note without a task (kind 1) and one with a task (kind 2).
        let mut body = vec![OP_UPSERT];
        body.extend_from_slice(&2u32.to_le_bytes());
        for (id, kind, vector, text) in [(plain, 1u8, &v1, "plain"), (tasked, 2, &v2, "tasked")] {
            body.extend_from_slice(id.as_uuid().as_bytes());
            body.push(kind);
            if kind == 2 {
                body.extend_from_slice(task.as_uuid().as_bytes());
            }
            for x in vector {
                body.extend_from_slice(&x.to_le_bytes());
            }
            body.extend_from_slice(&(text.len() as u32).to_le_bytes());
            body.extend_from_slice(text.as_bytes());
        }
        let mut file = MAGIC.to_vec();
        file.extend_from_slice(&VERSION.to_le_bytes());
        file.extend_from_slice(&(dims as u32).to_le_bytes());
        file.extend_from_slice(org.as_uuid().as_bytes());
        file.extend_from_slice(&(body.len() as u32).to_le_bytes());
        file.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        file.extend_from_slice(&body);
        std::fs::write(dir.path().join(format!("{org}.seg")), &file).unwrap();

        let note = |task_id, metadata| Source::Note { task_id, metadata };
        let old = [
            (plain, note(None, Metadata::new())),
            (tasked, note(Some(task), Metadata::new())),
        ];
        let mut segment = Segment::open(dir.path(), org, dims, None).unwrap();
        for (id, source) in &old {
            assert_eq!(&source_of(&segment, *id), source);
        }
        let texts: Vec<String> = segment
            .search(&v2, 2, None)
            .unwrap()
            .into_iter()
            .map(|h| h.text)
            .collect();
        assert!(texts.contains(&"plain".into()) && texts.contains(&"tasked".into()));
        // Notes without metadata are still written exactly as before (kinds 1 and 2).
        let rewritten: Vec<NewPoint> = [(plain, &v1, "plain"), (tasked, &v2, "tasked")]
            .into_iter()
            .zip(&old)
            .map(|((id, vector, text), (_, source))| NewPoint {
                id,
                source: source.clone(),
                text: text.into(),
                vector: vector.clone(),
            })
            .collect();
        assert_eq!(encode_upsert(&rewritten, dims), body);

        // Kind 3: notes with metadata, with and without a task.
        let metadata: Metadata = [
            ("source", "slack"),
            ("ticket.id", "ENG-42"),
            ("empty", ""),
            ("lang", "türkçe 日本語 🌳"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let tagged: Vec<NewPoint> = [None, Some(TaskId::new())]
            .into_iter()
            .map(|task_id| NewPoint {
                id: PointId::new(),
                source: note(task_id, metadata.clone()),
                text: "tagged".into(),
                vector: rng.vector(dims),
            })
            .collect();
        let encoded = encode_upsert(&tagged[..1], dims);
        assert_eq!(encoded[5 + 16], 3, "the kind byte of a note with metadata");
        segment.upsert(&tagged).unwrap();
        let all: Vec<(PointId, Source)> = old
            .iter()
            .cloned()
            .chain(tagged.iter().map(|p| (p.id, p.source.clone())))
            .collect();
        let check = |segment: &Segment, when: &str| {
            assert_eq!(segment.count(), 4, "{when}");
            for (id, source) in &all {
                assert_eq!(&source_of(segment, *id), source, "{when}");
            }
            let hits = segment.search(&tagged[1].vector, 1, None).unwrap();
            assert_eq!(
                (hits[0].id, &hits[0].source, hits[0].text.as_str()),
                (tagged[1].id, &tagged[1].source, "tagged"),
                "{when}"
            );
        };
        check(&segment, "after the upsert");
        drop(segment);
        let mut segment = Segment::open(dir.path(), org, dims, None).unwrap();
        check(&segment, "after reopening");
        segment.compact().unwrap();
        check(&segment, "after compacting");
        drop(segment);
        check(
            &Segment::open(dir.path(), org, dims, None).unwrap(),
            "after reopening the compacted file",
        );

        // A kind 3 source with a bad task flag or cut short is refused, not misread.
        let mut bad = encode_upsert(&tagged[..1], dims);
        bad[5 + 16 + 1] = 7;
        let mut reader = Reader {
            bytes: &bad[5 + 16..],
            at: 0,
        };
        assert!(read_source(&mut reader).unwrap_err().contains("task flag"));
        let mut reader = Reader {
            bytes: &encoded[5 + 16..5 + 16 + 10],
            at: 0,
        };
        assert!(read_source(&mut reader).is_err());
    }

    #[test]
    fn the_quantised_search_finds_the_plain_scans_top_k_on_random_data() {
        let mut rng = Lcg(11);
        for dims in [5, 48, 384] {
            let dir = tempfile::tempdir().unwrap();
            let repos = [RepoId::new(), RepoId::new(), RepoId::new()];
            let vectors: Vec<Vec<f32>> = (0..2_000).map(|_| rng.vector(dims)).collect();
            let mut segment = segment(dir.path(), dims, &vectors, &repos);
            // Queries near stored points (as real ones are) and unrelated ones.
            let mut queries: Vec<Vec<f32>> = (0..20)
                .map(|_| {
                    let base = &vectors[rng.below(vectors.len())];
                    let mut q: Vec<f32> = base.iter().map(|x| x + rng.next() * 0.02).collect();
                    normalize(&mut q);
                    q
                })
                .collect();
            queries.extend((0..10).map(|_| rng.vector(dims)));
            assert_exact(&segment, &queries, &repos);

            // After deletes (slots swapped) and replacements the copy still matches.
            let ids: Vec<PointId> = segment.points.iter().step_by(3).map(|m| m.id).collect();
            segment.delete(&ids).unwrap();
            let replaced: Vec<NewPoint> = segment
                .points
                .iter()
                .step_by(5)
                .map(|m| NewPoint {
                    id: m.id,
                    source: m.source.clone(),
                    text: String::new(),
                    vector: rng.vector(dims),
                })
                .collect();
            segment.upsert(&replaced).unwrap();
            assert_exact(&segment, &queries, &repos);
        }
    }

    #[test]
    fn the_quantised_search_is_exact_on_adversarial_data() {
        let dims = 64;
        let mut rng = Lcg(5);
        let repos = [RepoId::new(), RepoId::new()];
        let base = rng.vector(dims);
        let mut sets: Vec<(&str, Vec<Vec<f32>>)> = Vec::new();
        // Exact duplicates: every score ties, the order is by id alone.
        sets.push(("duplicates", vec![base.clone(); 600]));
        // Near-duplicates closer together than one quantisation step: the bounds overlap.
        sets.push((
            "within a quantisation step",
            (0..600)
                .map(|_| {
                    let mut v: Vec<f32> = base.iter().map(|x| x + rng.next() * 1e-4).collect();
                    normalize(&mut v);
                    v
                })
                .collect(),
        ));
        // One huge component: the other components get one or two code values.
        sets.push((
            "spikes",
            (0..600)
                .map(|i| {
                    let mut v: Vec<f32> = (0..dims).map(|_| rng.next() * 0.01).collect();
                    v[i % dims] = if i % 2 == 0 { 1.0 } else { -1.0 };
                    normalize(&mut v);
                    v
                })
                .collect(),
        ));
        // Basis vectors and their negations: exact zeros, signed zeros, ties at 0.
        sets.push((
            "axes",
            (0..600)
                .map(|i| {
                    let mut v = vec![0.0f32; dims];
                    v[i % dims] = if (i / dims) % 2 == 0 { 1.0 } else { -1.0 };
                    v
                })
                .collect(),
        ));
        // Tiny components next to ordinary ones (subnormal-sized after scaling).
        sets.push((
            "mixed magnitudes",
            (0..600)
                .map(|i| {
                    let mut v: Vec<f32> = rng.vector(dims);
                    for x in v.iter_mut().skip(i % 3).step_by(3) {
                        *x *= 1e-30;
                    }
                    normalize(&mut v);
                    v
                })
                .collect(),
        ));
        for (name, vectors) in sets {
            let dir = tempfile::tempdir().unwrap();
            let segment = segment(dir.path(), dims, &vectors, &repos);
            let mut queries = vec![base.clone(), vectors[0].clone(), rng.vector(dims)];
            let mut axis = vec![0.0f32; dims];
            axis[3] = 1.0;
            queries.push(axis);
            let mut spike: Vec<f32> = (0..dims).map(|_| rng.next() * 1e-3).collect();
            spike[0] = 1.0;
            normalize(&mut spike);
            queries.push(spike);
            for query in &queries {
                let fast = segment.nearest(query, 10, None);
                let plain = segment.nearest_plain(query, 10, None);
                assert_eq!(
                    fast.iter()
                        .map(|c| (c.id, c.score.to_bits()))
                        .collect::<Vec<_>>(),
                    plain
                        .iter()
                        .map(|c| (c.id, c.score.to_bits()))
                        .collect::<Vec<_>>(),
                    "{name}"
                );
            }
            assert_exact(&segment, &queries[..2], &repos);
        }
    }
}
