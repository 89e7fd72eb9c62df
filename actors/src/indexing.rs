//! Repository indexing: a checkout's text files, cut into chunks, in the org's vector memory.
//!
//! A run indexes its checkout before the agent starts (`agent_run.rs`):
//! 1. [`RepoIndexer::plan`] lists what the memory holds of the repository
//!    ([`VectorMemory::indexed_blobs`](crate::memory::VectorMemory::indexed_blobs)), walks the
//!    checkout (skipping `.git`, vendored and build folders, symlinks, binaries, files over
//!    `max_file_bytes`), computes each file's git blob id, and removes the points of paths
//!    that are gone (or no longer indexable);
//! 2. [`RepoIndexer::next_batch`] reads, chunks, embeds and upserts the changed files a few at
//!    a time (the caller heartbeats between batches). A file whose blob the memory already
//!    holds is not read twice, not chunked and not embedded.
//!
//! Point ids derive from (repo, path, blob, chunk number), so repeating a batch (a retried
//! run) replaces points instead of adding them. A changed file's old points are removed
//! before its new ones are stored; a crash between the two leaves the file unindexed, and
//! the next run indexes it (its blob is not listed).
//!
//! Chunks follow the text: a chunk ends before a top-level definition (an unindented line
//! after a blank line or a closing bracket; a heading in prose) once it has a few lines, and
//! at a blank line when it would outgrow `chunk_lines` or `chunk_bytes`. Lines are 1-based
//! and inclusive.
//!
//! File I/O and chunking run on tokio's blocking pool.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use sha1::{Digest, Sha1};

use crate::domain::{OrgScope, RepoId};
use crate::memory::{Point, PointId, Source};
use crate::recall::{Recall, RecallError};

/// Folders never indexed: version control, dependencies, build output, tool caches.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "bower_components",
    "vendor",
    "third_party",
    "target",
    "dist",
    "build",
    "out",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    ".next",
    ".gradle",
    ".idea",
    "Pods",
];

/// Files never indexed: generated lock files and minified bundles.
const SKIPPED_SUFFIXES: &[&str] = &[
    ".lock",
    "package-lock.json",
    "pnpm-lock.yaml",
    ".min.js",
    ".min.css",
    ".map",
];

/// Most files indexed of one repository (the first ones, by path).
const MAX_FILES: usize = 20_000;

/// Files read, chunked and embedded per batch.
const FILES_PER_BATCH: usize = 32;

/// A file of the checkout, by its git blob id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// Its git blob id (hex SHA-1 of `blob <len>\0<content>`).
    pub blob_id: String,
}

/// One chunk of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// First line, 1-based.
    pub start_line: u32,
    /// Last line, inclusive.
    pub end_line: u32,
    /// Its text.
    pub text: String,
}

/// What an indexing did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    /// Indexable files in the checkout.
    pub files: usize,
    /// Of those, files whose blob the memory already held.
    pub unchanged: usize,
    /// Files (re-)indexed.
    pub indexed: usize,
    /// Chunks embedded and stored.
    pub chunks: usize,
    /// Paths whose points were removed (the file is gone or changed).
    pub removed_paths: usize,
    /// Points removed.
    pub removed_points: u64,
}

/// One indexing of one checkout, batch by batch.
#[derive(Debug)]
pub struct RepoIndexer {
    recall: Arc<Recall>,
    scope: OrgScope,
    repo_id: RepoId,
    root: PathBuf,
    /// Changed files still to index, and whether the memory holds an older blob of each.
    pending: Vec<(FileRef, bool)>,
    stats: IndexStats,
}

fn join_error(err: tokio::task::JoinError) -> RecallError {
    RecallError::Backend(format!("indexing task failed: {err}"))
}

impl RepoIndexer {
    /// Compares the checkout at `root` with what the memory holds of `repo_id`, and removes
    /// the points of paths that are gone.
    pub async fn plan(
        recall: Arc<Recall>,
        scope: OrgScope,
        repo_id: RepoId,
        root: &Path,
    ) -> Result<Self, RecallError> {
        let indexed = recall.vectors.indexed_blobs(&scope, repo_id).await?;
        let mut held: BTreeMap<String, HashSet<String>> = BTreeMap::new();
        for blob in indexed {
            held.entry(blob.path).or_default().insert(blob.blob_id);
        }
        let root = root.to_path_buf();
        let max_file_bytes = recall.settings.max_file_bytes;
        let walk_root = root.clone();
        // The blocking thread logs under the caller's span (the run's org and task).
        let span = tracing::Span::current();
        let files = tokio::task::spawn_blocking(move || {
            span.in_scope(|| hash_files(&walk_root, max_file_bytes))
        })
        .await
        .map_err(join_error)?;

        let mut stats = IndexStats {
            files: files.len(),
            ..IndexStats::default()
        };
        let present: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let mut gone = Vec::new();
        for path in held.keys() {
            if !present.contains(path.as_str()) {
                gone.push(path.clone());
            }
        }
        for path in &gone {
            stats.removed_points += recall.vectors.delete_path(&scope, repo_id, path).await?;
            stats.removed_paths += 1;
        }
        let mut pending = Vec::new();
        for file in files {
            match held.get(&file.path) {
                Some(blobs) if blobs.len() == 1 && blobs.contains(&file.blob_id) => {
                    stats.unchanged += 1;
                }
                Some(_) => pending.push((file, true)),
                None => pending.push((file, false)),
            }
        }
        // Popped from the end: reversed, so files are indexed in path order.
        pending.reverse();
        Ok(Self {
            recall,
            scope,
            repo_id,
            root,
            pending,
            stats,
        })
    }

    /// Files still to index.
    pub fn remaining(&self) -> usize {
        self.pending.len()
    }

    /// What was done so far.
    pub fn stats(&self) -> &IndexStats {
        &self.stats
    }

    /// Indexes the next few changed files; `false` when none were left.
    pub async fn next_batch(&mut self) -> Result<bool, RecallError> {
        if self.pending.is_empty() {
            return Ok(false);
        }
        let take = self.pending.len().min(FILES_PER_BATCH);
        let batch: Vec<(FileRef, bool)> = self.pending.split_off(self.pending.len() - take);
        let root = self.root.clone();
        let settings = self.recall.settings.clone();
        let files: Vec<FileRef> = batch.iter().map(|(file, _)| file.clone()).collect();
        let chunked = tokio::task::spawn_blocking(move || {
            files
                .into_iter()
                .filter_map(|file| {
                    let text = read_text(&root.join(&file.path), settings.max_file_bytes)?;
                    // The file changed since the plan (it should not: the agent has not
                    // started): leave it to the next run.
                    (blob_id(text.as_bytes()) == file.blob_id).then_some(())?;
                    let chunks = chunk_text(
                        &file.path,
                        &text,
                        settings.chunk_lines,
                        settings.chunk_bytes,
                    );
                    Some((file, chunks))
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(join_error)?;

        let texts: Vec<String> = chunked
            .iter()
            .flat_map(|(file, chunks)| {
                chunks
                    .iter()
                    .map(move |chunk| embedding_text(&file.path, chunk))
            })
            .collect();
        let mut vectors = if texts.is_empty() {
            Vec::new()
        } else {
            self.recall.embed(&texts).await?
        }
        .into_iter();
        let had_points: HashSet<&str> = batch
            .iter()
            .filter(|(_, held)| *held)
            .map(|(file, _)| file.path.as_str())
            .collect();
        for (file, chunks) in chunked {
            if had_points.contains(file.path.as_str()) {
                let removed = self
                    .recall
                    .vectors
                    .delete_path(&self.scope, self.repo_id, &file.path)
                    .await?;
                self.stats.removed_points += removed;
                self.stats.removed_paths += 1;
            }
            let mut points = Vec::with_capacity(chunks.len());
            for (index, chunk) in chunks.into_iter().enumerate() {
                let Some(vector) = vectors.next() else {
                    return Err(RecallError::Unavailable(
                        "the model returned too few vectors".into(),
                    ));
                };
                points.push(Point {
                    id: chunk_id(self.repo_id, &file.path, &file.blob_id, index),
                    source: Source::Chunk {
                        repo_id: self.repo_id,
                        path: file.path.clone(),
                        blob_id: file.blob_id.clone(),
                        start_line: chunk.start_line,
                        end_line: chunk.end_line,
                    },
                    text: chunk.text,
                    vector,
                });
            }
            if points.is_empty() {
                continue;
            }
            self.stats.chunks += points.len();
            self.stats.indexed += 1;
            self.recall.vectors.upsert(&self.scope, points).await?;
        }
        Ok(true)
    }
}

/// The text embedded for a chunk: its path first, so a query naming a file finds it.
fn embedding_text(path: &str, chunk: &Chunk) -> String {
    format!("{path}\n{}", chunk.text)
}

/// The id of a chunk: a name-based UUID of (repo, path, blob, chunk number).
pub fn chunk_id(repo_id: RepoId, path: &str, blob_id: &str, index: usize) -> PointId {
    let mut hasher = Sha1::new();
    hasher.update(b"orchard-chunk\0");
    hasher.update(repo_id.as_uuid().as_bytes());
    for part in [path.as_bytes(), b"\0", blob_id.as_bytes(), b"\0"] {
        hasher.update(part);
    }
    hasher.update((index as u64).to_be_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    PointId::from_uuid(uuid::Builder::from_sha1_bytes(bytes).into_uuid())
}

/// Git's id of a blob with `content`: hex SHA-1 of `blob <len>\0<content>`.
pub fn blob_id(content: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(format!("blob {}\0", content.len()).as_bytes());
    hasher.update(content);
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether a folder is never indexed.
fn skipped_dir(name: &str) -> bool {
    SKIPPED_DIRS.iter().any(|d| d.eq_ignore_ascii_case(name))
}

/// Whether a file name is never indexed.
fn skipped_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SKIPPED_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// A file's text, if it is a UTF-8 text file (no NUL byte) of at most `max_bytes`.
fn read_text(path: &Path, max_bytes: u64) -> Option<String> {
    let meta = fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > max_bytes {
        return None;
    }
    let bytes = fs::read(path).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// The indexable files under `root` with their blob ids, sorted by path.
pub fn hash_files(root: &Path, max_file_bytes: u64) -> Vec<FileRef> {
    let mut files = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let Ok(read) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in read.filter_map(Result::ok) {
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            let path = format!("{prefix}{name}");
            if file_type.is_dir() {
                if !skipped_dir(&name) {
                    stack.push((entry.path(), format!("{path}/")));
                }
            } else if file_type.is_file() && !skipped_file(&name) {
                files.push((path, entry.path()));
            }
        }
    }
    files.sort();
    if files.len() > MAX_FILES {
        tracing::warn!(
            files = files.len(),
            max = MAX_FILES,
            "repository has more files than are indexed; indexing the first ones"
        );
        files.truncate(MAX_FILES);
    }
    files
        .into_iter()
        .filter_map(|(path, full)| {
            let text = read_text(&full, max_file_bytes)?;
            let blob_id = blob_id(text.as_bytes());
            Some(FileRef { path, blob_id })
        })
        .collect()
}

/// Prose (headings are boundaries) rather than code (top-level definitions are).
fn is_prose(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let extension = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    matches!(
        extension,
        "md" | "markdown" | "rst" | "txt" | "adoc" | "org" | "tex"
    ) || !lower.rsplit('/').next().unwrap_or("").contains('.')
}

/// A line that only closes a block (`}`, `)`, `];`, `end`).
fn closes_block(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty()
        && (trimmed.chars().all(|c| "})];,".contains(c)) || trimmed == "end" || trimmed == "fi")
}

/// How good a place to start a chunk line `i` is: 2 a top-level definition or heading,
/// 1 after a blank line, 0 elsewhere.
fn boundary(lines: &[&str], i: usize, prose: bool) -> u8 {
    let line = lines[i].trim_end();
    if line.trim().is_empty() {
        return 0;
    }
    let prev = lines[i - 1].trim_end();
    let after_blank = prev.trim().is_empty();
    if prose {
        if line.starts_with('#') || line.starts_with("===") {
            return 2;
        }
        return u8::from(after_blank);
    }
    let unindented = !line.starts_with([' ', '\t']);
    let closed = !prev.starts_with([' ', '\t']) && closes_block(prev);
    if unindented && !closes_block(line) && (after_blank || closed) {
        return 2;
    }
    u8::from(after_blank)
}

/// Cuts `text` (the file at `path`) into chunks of at most `max_lines` lines and about
/// `max_bytes` bytes, at definitions, headings and blank lines where it can. Chunks without
/// a letter or digit are left out; a single line longer than `max_bytes` is cut short.
pub fn chunk_text(path: &str, text: &str, max_lines: usize, max_bytes: usize) -> Vec<Chunk> {
    let max_lines = max_lines.max(1);
    let max_bytes = max_bytes.max(16);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let prose = is_prose(path);
    // Small definitions are kept together (a chunk of three lines matches poorly); a
    // heading in prose starts a new chunk sooner.
    let min_lines = if prose { 3 } else { (max_lines / 8).max(3) };
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut best_cut: Option<usize> = None;
    let bytes_of = |from: usize, to: usize| lines[from..to].iter().map(|l| l.len()).sum::<usize>();
    for i in 0..lines.len() {
        if i > start {
            let score = boundary(&lines, i, prose);
            if score == 2 && i - start >= min_lines {
                push_chunk(&mut chunks, &lines, start, i, max_bytes);
                start = i;
                best_cut = None;
            } else if score > 0 && i - start >= min_lines {
                best_cut = Some(i);
            }
        }
        // Adding line `i` would overflow the chunk: cut at the last good place, else here.
        while i > start && (i + 1 - start > max_lines || bytes_of(start, i + 1) > max_bytes) {
            let cut = best_cut.filter(|&c| c > start && c <= i).unwrap_or(i);
            push_chunk(&mut chunks, &lines, start, cut, max_bytes);
            start = cut;
            best_cut = None;
        }
    }
    if start < lines.len() {
        push_chunk(&mut chunks, &lines, start, lines.len(), max_bytes);
    }
    chunks
}

/// Adds lines `from..to` as a chunk, without leading and trailing blank lines.
fn push_chunk(chunks: &mut Vec<Chunk>, lines: &[&str], from: usize, to: usize, max_bytes: usize) {
    let blank = |i: &usize| lines[*i].trim().is_empty();
    let Some(first) = (from..to).find(|i| !blank(i)) else {
        return;
    };
    let Some(last) = (from..to).rev().find(|i| !blank(i)) else {
        return;
    };
    let mut text: String = lines[first..=last].concat();
    if text.len() > max_bytes {
        let mut end = max_bytes;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    let text = text.trim_end().to_owned();
    if !text.chars().any(char::is_alphanumeric) {
        return;
    }
    chunks.push(Chunk {
        start_line: first as u32 + 1,
        end_line: last as u32 + 1,
        text,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn chunk_ids_are_deterministic_and_distinct() {
        let repo = RepoId::new();
        let a = chunk_id(repo, "src/a.rs", "abc", 0);
        assert_eq!(a, chunk_id(repo, "src/a.rs", "abc", 0));
        assert_ne!(a, chunk_id(repo, "src/a.rs", "abc", 1));
        assert_ne!(a, chunk_id(repo, "src/a.rs", "abd", 0));
        assert_ne!(a, chunk_id(RepoId::new(), "src/a.rs", "abc", 0));
    }

    #[test]
    fn code_is_cut_at_top_level_definitions() {
        let text = "use std::fmt;\n\n/// Adds.\npub fn add(a: i32, b: i32) -> i32 {\n    let sum = a + b;\n\n    sum\n}\n\nfn twice(x: i32) -> i32 {\n    x * 2\n}\n\n\n";
        let chunks = chunk_text("src/lib.rs", text, 60, 2048);
        let ranges: Vec<(u32, u32)> = chunks.iter().map(|c| (c.start_line, c.end_line)).collect();
        assert_eq!(ranges, vec![(1, 8), (10, 12)], "{chunks:#?}");
        assert!(chunks[1].text.starts_with("fn twice"));
    }

    #[test]
    fn long_code_is_cut_at_blank_lines_within_the_limits() {
        let mut text = String::from("impl Big {\n");
        for i in 0..40 {
            text.push_str(&format!(
                "    fn f{i}(&self) -> u32 {{\n        {i}\n    }}\n\n"
            ));
        }
        text.push_str("}\n");
        let chunks = chunk_text("big.rs", &text, 20, 10_000);
        assert!(chunks.len() >= 8, "{}", chunks.len());
        for pair in chunks.windows(2) {
            assert!(pair[0].end_line < pair[1].start_line);
        }
        for chunk in &chunks {
            let lines = chunk.end_line - chunk.start_line + 1;
            assert!(lines <= 20, "{chunk:?}");
            // Cut at blank lines: every chunk but the first starts at a method.
            if chunk.start_line > 1 {
                assert!(chunk.text.trim_start().starts_with("fn f"), "{chunk:?}");
            }
        }
        let small = chunk_text("big.rs", &text, 1000, 300);
        assert!(small.iter().all(|c| c.text.len() <= 300));
    }

    #[test]
    fn prose_is_cut_at_headings_and_blank_only_chunks_are_dropped() {
        let text =
            "# Title\nintro line\nmore\nand more\n\n## Usage\nrun it\nlike so\nthen stop\n\n}\n";
        let chunks = chunk_text("README.md", text, 60, 2048);
        let ranges: Vec<(u32, u32)> = chunks.iter().map(|c| (c.start_line, c.end_line)).collect();
        assert_eq!(ranges, vec![(1, 4), (6, 11)]);
        assert!(chunk_text("x.rs", "}\n\n)\n", 60, 2048).is_empty());
        let long_line = "x".repeat(10_000);
        let cut = chunk_text("min.js", &long_line, 60, 2048);
        assert_eq!(cut.len(), 1);
        assert_eq!(cut[0].text.len(), 2048);
    }

    #[test]
    fn walks_text_files_and_skips_vendored_binary_and_large_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for folder in ["src", ".git", "node_modules/x", "target/debug", "docs"] {
            fs::create_dir_all(root.join(folder)).unwrap();
        }
        fs::write(root.join("src/lib.rs"), "fn a() {}\n").unwrap();
        fs::write(root.join("docs/guide.md"), "# Guide\n").unwrap();
        fs::write(root.join(".git/config"), "[core]\n").unwrap();
        fs::write(root.join("node_modules/x/index.js"), "x\n").unwrap();
        fs::write(root.join("target/debug/out.rs"), "x\n").unwrap();
        fs::write(root.join("logo.png"), [0x89, b'P', b'N', b'G', 0, 1, 2]).unwrap();
        fs::write(root.join("Cargo.lock"), "# generated\n").unwrap();
        fs::write(root.join("big.txt"), "y".repeat(2000)).unwrap();
        let files = hash_files(root, 1000);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec!["docs/guide.md", "src/lib.rs"]);
        assert_eq!(files[1].blob_id, blob_id(b"fn a() {}\n"));
    }
}
