//! Vector-memory benchmark: exact search in a 100,000-point org among 100 orgs.
//!
//! `taskset -c 0 cargo bench --bench vectors` (one core, as the goal is stated; add
//! `-- --quick` for 20,000 points, `-- --graph-only` for the HNSW part alone, whose `M` and
//! `ef_construction` the variables `BENCH_HNSW_M`, `BENCH_HNSW_EF_CONSTRUCTION` override). Goal (issue 7): search p99 ≤ 5 ms for exact search of
//! 100,000 vectors × 384 dimensions on one core.
//!
//! Load: one org of `BIG` points (chunks of 100 repositories' files, ~300-byte texts) and 99
//! orgs of 500 points each, all in one `EmbeddedVectors` on a temporary directory, written in
//! batches of 1,000 (each synced to disk). Measured:
//! - build: time to upsert the big org, points per second;
//! - reopen: time for a fresh process's first call on the big org (the log replayed);
//! - memory per point (vectors, metadata, id map; texts stay on disk) and bytes on disk;
//! - search through the port (validation, blocking pool, scan, reading the hits' texts):
//!   p50 / p99 / max of 1,000 queries, top 10 and top 100, with and without a repo filter,
//!   and top 10 in a 500-point org;
//! - the scan kernel alone (every dot product of one query, no top-k) with the plain
//!   `zip().sum()` the first version used and with `memory::dot`;
//! - the 8-bit pre-pass alone (`vectors::quantized::Codes::candidates`: the scan of the
//!   codes and the candidates it leaves for `f32` re-scoring), and its memory;
//! - exactness: every query's top 10 and top 100 through the port against a plain `f32` scan
//!   of the same vectors (ids in order, scores to the bit), which must agree;
//! - the same points as SQLite rows (a BLOB per vector, 1,000 rows a transaction; loading is
//!   one `SELECT` of the org's rows): the durable layout the log was chosen over.
//!
//! - the HNSW graph of the embedded store against its exact search, on vectors of real text:
//!   chunks of the Rust and Markdown sources of the crates cargo has unpacked on this machine
//!   (`$CARGO_HOME/registry/src`, cut by the indexer's chunker), embedded by the built-in
//!   `HashingEmbedder`; one org of `BIG` of them. Build time (the background build, one
//!   thread), the graph's memory per point, exact and graph search p50 / p99 through the
//!   port, and recall@10 of the graph against exact search for whole held-out chunks and for
//!   three-word queries, at `ef_search` 32 to 256. Skipped if the machine has too few sources.
//!
//! Results go to `bench/RESULTS.md` by hand, with the machine noted.

use std::time::{Duration, Instant};

use orchard::vectors::quantized::Codes;
use orchard::vectors::{EmbeddedVectors, HnswSettings};
use orchard_actors::domain::{OrgId, OrgScope, RepoId};
use orchard_actors::embedding::HashingEmbedder;
use orchard_actors::indexing::chunk_text;
use orchard_actors::memory::{
    Point, PointId, SearchQuery, Source, VectorMemory, dot, normalize, normalized,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use stats::percentile;

#[path = "stats.rs"]
mod stats;

const DIMS: usize = 384;
const ORGS: usize = 100;
const SMALL: usize = 500;
const BATCH: usize = 1_000;
const QUERIES: usize = 1_000;

fn random_vector(rng: &mut StdRng) -> Vec<f32> {
    let mut v: Vec<f32> = (0..DIMS).map(|_| rng.random::<f32>() - 0.5).collect();
    normalize(&mut v);
    v
}

fn points(rng: &mut StdRng, repos: &[RepoId], n: usize) -> Vec<Point> {
    (0..n)
        .map(|i| {
            let repo = repos[i % repos.len()];
            let file = i / 20;
            let start = (i % 20) as u32 * 40 + 1;
            Point {
                id: PointId::new(),
                source: Source::Chunk {
                    repo_id: repo,
                    path: format!("src/module_{}/file_{file}.rs", file % 37),
                    blob_id: format!("{:040x}", file * 7919),
                    start_line: start,
                    end_line: start + 39,
                },
                text: format!(
                    "pub fn handler_{i}(input: &Request) -> Result<Response, Error> {{\n{}",
                    "    let value = validate(input)?; // chunk body\n".repeat(5)
                ),
                vector: random_vector(rng),
            }
        })
        .collect()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Times `QUERIES` searches; prints and returns p50 / p99 / max.
async fn latencies(
    label: &str,
    memory: &EmbeddedVectors,
    scope: &OrgScope,
    queries: &[Vec<f32>],
    limit: usize,
    repo_id: Option<RepoId>,
) {
    let mut times = Vec::with_capacity(queries.len());
    let mut hits = 0;
    for vector in queries {
        let query = SearchQuery {
            vector: vector.clone(),
            limit,
            repo_id,
        };
        let start = Instant::now();
        let found = memory.search(scope, &query).await.unwrap();
        times.push(start.elapsed());
        hits += found.len();
    }
    times.sort();
    println!(
        "search {label:<34} p50 {:>9}  p99 {:>9}  max {:>9}  ({} hits a query)",
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().unwrap()),
        hits / queries.len()
    );
}

/// Every dot product of one query against `vectors` with `kernel`; returns p50 and p99 of
/// `rounds` scans.
fn scan(vectors: &[f32], queries: &[Vec<f32>], kernel: fn(&[f32], &[f32]) -> f32) -> String {
    let mut times = Vec::new();
    let mut sink = 0.0f32;
    for query in queries.iter().take(200) {
        let start = Instant::now();
        let mut best = f32::NEG_INFINITY;
        for v in vectors.chunks_exact(DIMS) {
            best = best.max(kernel(query, v));
        }
        times.push(start.elapsed());
        sink += best;
    }
    times.sort();
    std::hint::black_box(sink);
    let per_scan = percentile(&times, 0.5);
    let gbs = (vectors.len() * 4) as f64 / per_scan.as_secs_f64() / 1e9;
    format!(
        "p50 {:>9}  p99 {:>9}  ({gbs:.1} GB/s)",
        ms(per_scan),
        ms(percentile(&times, 0.99))
    )
}

/// The 8-bit pre-pass alone: p50 and p99 of coding the query and scanning the codes for the
/// top `limit`'s candidates, and how many candidates it leaves on average.
fn prepass(codes: &Codes, queries: &[Vec<f32>], limit: usize) -> String {
    let mut times = Vec::new();
    let mut candidates = 0;
    for query in queries.iter().take(500) {
        let start = Instant::now();
        let coded = codes.code_query(query);
        let found = codes.candidates(&coded, limit, |_| true);
        times.push(start.elapsed());
        candidates += found.len();
    }
    times.sort();
    let per_scan = percentile(&times, 0.5);
    let gbs = (codes.len() * DIMS) as f64 / per_scan.as_secs_f64() / 1e9;
    format!(
        "p50 {:>9}  p99 {:>9}  ({gbs:.1} GB/s of codes, {} candidates a query)",
        ms(per_scan),
        ms(percentile(&times, 0.99)),
        candidates / times.len()
    )
}

/// The top `limit` of a plain `f32` scan: (id, score bits), best first, ties by id.
fn plain_top(points: &[Point], query: &[f32], limit: usize) -> Vec<(PointId, u32)> {
    let mut all: Vec<(f32, PointId)> = points
        .iter()
        .map(|p| (dot(query, &p.vector), p.id))
        .collect();
    all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    all.truncate(limit);
    all.into_iter().map(|(s, id)| (id, s.to_bits())).collect()
}

fn plain_dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum()
}

/// The SQLite alternative: the big org's points as rows, vectors as BLOBs.
fn sqlite_layout(dir: &std::path::Path, org: OrgId, points: &[Point]) {
    let mut conn = rusqlite::Connection::open(dir.join("vectors.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch(
        "CREATE TABLE points (org_id TEXT NOT NULL, id BLOB NOT NULL, source TEXT NOT NULL,
            text TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (org_id, id))",
    )
    .unwrap();
    let start = Instant::now();
    for batch in points.chunks(BATCH) {
        let tx = conn.transaction().unwrap();
        {
            let mut insert = tx
                .prepare_cached("INSERT OR REPLACE INTO points VALUES (?1, ?2, ?3, ?4, ?5)")
                .unwrap();
            for p in batch {
                let vector: Vec<u8> = p.vector.iter().flat_map(|x| x.to_le_bytes()).collect();
                insert
                    .execute(rusqlite::params![
                        org.to_string(),
                        p.id.as_uuid().as_bytes().as_slice(),
                        serde_json::to_string(&p.source).unwrap(),
                        p.text,
                        vector
                    ])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    let build = start.elapsed();
    drop(conn);
    let conn = rusqlite::Connection::open(dir.join("vectors.db")).unwrap();
    let start = Instant::now();
    let mut select = conn
        .prepare("SELECT id, source, vector FROM points WHERE org_id = ?1")
        .unwrap();
    let mut vectors: Vec<f32> = Vec::new();
    let mut rows = select.query([org.to_string()]).unwrap();
    let mut n = 0;
    while let Some(row) = rows.next().unwrap() {
        let _id: Vec<u8> = row.get(0).unwrap();
        let source: String = row.get(1).unwrap();
        let _source: Source = serde_json::from_str(&source).unwrap();
        let blob: Vec<u8> = row.get(2).unwrap();
        vectors.extend(
            blob.as_chunks::<4>()
                .0
                .iter()
                .map(|b| f32::from_le_bytes(*b)),
        );
        n += 1;
    }
    let load = start.elapsed();
    println!(
        "sqlite rows: build {} ({:.0} points/s), load {n} points {}",
        ms(build),
        points.len() as f64 / build.as_secs_f64(),
        ms(load)
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let big = if quick { 20_000 } else { 100_000 };
    let mut rng = StdRng::seed_from_u64(7);
    if std::env::args().any(|a| a == "--graph-only") {
        graph(big).await;
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vectors");
    println!(
        "vectors: {big} points x {DIMS} dims in one org, {SMALL} in each of {} others",
        ORGS - 1
    );

    let memory = EmbeddedVectors::open_with(&path, DIMS, None).unwrap();
    let big_org = OrgScope::trusted(OrgId::new());
    let repos: Vec<RepoId> = (0..100).map(|_| RepoId::new()).collect();
    let big_points = points(&mut rng, &repos, big);
    let start = Instant::now();
    for batch in big_points.chunks(BATCH) {
        memory.upsert(&big_org, batch.to_vec()).await.unwrap();
    }
    let build = start.elapsed();
    let mut small_orgs = Vec::new();
    for _ in 1..ORGS {
        let scope = OrgScope::trusted(OrgId::new());
        let repo = [RepoId::new()];
        memory
            .upsert(&scope, points(&mut rng, &repo, SMALL))
            .await
            .unwrap();
        small_orgs.push(scope);
    }
    println!(
        "build: {big} points in {} ({:.0} points/s, batches of {BATCH}, each synced)",
        ms(build),
        big as f64 / build.as_secs_f64()
    );
    let bytes = memory.memory_bytes(&big_org).await.unwrap();
    println!(
        "memory: {:.0} bytes a point in memory ({:.0} of them the vector); {:.0} bytes a point on disk (all orgs)",
        bytes as f64 / big as f64,
        (DIMS * 4) as f64,
        dir_size(&path) as f64 / (big + SMALL * (ORGS - 1)) as f64
    );
    drop(memory);

    let memory = EmbeddedVectors::open_with(&path, DIMS, None).unwrap();
    let start = Instant::now();
    assert_eq!(memory.count(&big_org).await.unwrap(), big as u64);
    println!(
        "reopen: the {big}-point segment replayed in {}",
        ms(start.elapsed())
    );
    assert_eq!(memory.load_all().await.unwrap(), ORGS);

    // Queries near stored points (a stored vector plus noise), as real queries are.
    let queries: Vec<Vec<f32>> = (0..QUERIES)
        .map(|_| {
            let base = &big_points[rng.random_range(0..big)].vector;
            let mut q: Vec<f32> = base
                .iter()
                .map(|x| x + (rng.random::<f32>() - 0.5) * 0.05)
                .collect();
            normalize(&mut q);
            q
        })
        .collect();
    latencies("top 10", &memory, &big_org, &queries, 10, None).await;
    latencies("top 100", &memory, &big_org, &queries, 100, None).await;
    latencies(
        "top 10, one repo (1 % of points)",
        &memory,
        &big_org,
        &queries,
        10,
        Some(repos[0]),
    )
    .await;
    latencies(
        &format!("top 10, a {SMALL}-point org"),
        &memory,
        &small_orgs[0],
        &queries,
        10,
        None,
    )
    .await;

    // Exactness through the port: the stored vectors are the normalised inputs, so a plain
    // scan of `big_points` (normalised again: unchanged) must give the same answers.
    let stored: Vec<Point> = big_points
        .iter()
        .map(|p| {
            let mut p = p.clone();
            normalize(&mut p.vector);
            p
        })
        .collect();
    let checked = if quick { 50 } else { 200 };
    for vector in queries.iter().take(checked) {
        for limit in [10, 100] {
            let query = SearchQuery {
                vector: vector.clone(),
                limit,
                repo_id: None,
            };
            let found: Vec<(PointId, u32)> = memory
                .search(&big_org, &query)
                .await
                .unwrap()
                .into_iter()
                .map(|h| (h.id, h.score.to_bits()))
                .collect();
            // The port normalises the query too (a no-op but for the last bits).
            let normalised = normalized(vector, DIMS).unwrap();
            assert_eq!(found, plain_top(&stored, &normalised, limit), "not exact");
        }
    }
    println!("exact: {checked} queries' top 10 and top 100 equal a plain f32 scan's (to the bit)");

    let mut codes = Codes::new(DIMS);
    for (slot, p) in stored.iter().enumerate() {
        codes.set(slot, &p.vector);
    }
    println!(
        "kernel 8-bit pre-pass, top 10   {}",
        prepass(&codes, &queries, 10)
    );
    println!(
        "kernel 8-bit pre-pass, top 100  {}",
        prepass(&codes, &queries, 100)
    );
    println!(
        "memory of the 8-bit copy: {:.0} bytes a point",
        codes.memory_bytes() as f64 / big as f64
    );
    drop(codes);
    drop(stored);

    let flat: Vec<f32> = big_points.iter().flat_map(|p| p.vector.clone()).collect();
    println!(
        "kernel plain zip().sum()       {}",
        scan(&flat, &queries, plain_dot)
    );
    println!(
        "kernel memory::dot (16 lanes)  {}",
        scan(&flat, &queries, dot)
    );
    drop(flat);

    let sqlite_dir = tempfile::tempdir().unwrap();
    sqlite_layout(sqlite_dir.path(), big_org.org_id(), &big_points);
    drop(big_points);
    drop(memory);

    graph(big).await;
}

/// Texts of chunks of real files: the Rust and Markdown sources of the crates cargo has
/// unpacked on this machine (`$CARGO_HOME/registry/src`), cut by the indexer's own chunker
/// with the default limits, in a fixed pseudo-random order. `None` if there are too few.
fn corpus(wanted: usize, rng: &mut StdRng) -> Option<Vec<String>> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "md") {
                out.push(path);
            }
        }
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")))?;
    let mut files = Vec::new();
    walk(&home.join("registry/src"), &mut files);
    let defaults = orchard::config::MemoryConfig::default();
    let mut chunks = Vec::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        if text.len() as u64 > defaults.max_file_bytes {
            continue;
        }
        let path = file.to_string_lossy();
        chunks.extend(
            chunk_text(&path, &text, defaults.chunk_lines, defaults.chunk_bytes)
                .into_iter()
                .map(|c| c.text),
        );
    }
    println!(
        "graph corpus: {} chunks of {} files under {}",
        chunks.len(),
        files.len(),
        home.join("registry/src").display()
    );
    if chunks.len() < wanted {
        return None;
    }
    chunks.shuffle(rng);
    chunks.truncate(wanted);
    Some(chunks)
}

/// The embedded store's HNSW graph against its exact search, on the built-in embedder's
/// vectors of real code and prose: build time, memory, latency and recall@10 through the
/// port, at several `ef_search`.
async fn graph(big: usize) {
    // Its own generator: the same sample whether or not the exact part ran first.
    let rng = &mut StdRng::seed_from_u64(11);
    const QUERIES_EACH: usize = 500;
    let Some(texts) = corpus(big + 2 * QUERIES_EACH, rng) else {
        println!("graph: skipped, fewer than {big} chunks of crate sources on this machine");
        return;
    };
    let embedder = HashingEmbedder;
    let start = Instant::now();
    let vectors: Vec<Option<Vec<f32>>> = texts.iter().map(|t| embedder.embed_one(t)).collect();
    println!(
        "graph corpus: {} texts embedded ({}) in {}",
        texts.len(),
        orchard_actors::embedding::HASHING_MODEL,
        ms(start.elapsed())
    );
    let repos: Vec<RepoId> = (0..100).map(|_| RepoId::new()).collect();
    let stored: Vec<Point> = texts[..big]
        .iter()
        .zip(&vectors)
        .enumerate()
        .filter_map(|(i, (text, vector))| {
            Some(Point {
                id: PointId::new(),
                source: Source::Chunk {
                    repo_id: repos[i % repos.len()],
                    path: format!("src/file_{i}.rs"),
                    blob_id: format!("{i:040x}"),
                    start_line: 1,
                    end_line: 60,
                },
                text: text.clone(),
                vector: vector.clone()?,
            })
        })
        .collect();
    // Queries: whole held-out chunks ("code like this"), and three words of one (a short
    // query, where the built-in embedder leaves many near-ties).
    let chunk_queries: Vec<Vec<f32>> = vectors[big..big + QUERIES_EACH]
        .iter()
        .flatten()
        .cloned()
        .collect();
    let short_queries: Vec<Vec<f32>> = texts[big + QUERIES_EACH..]
        .iter()
        .filter_map(|text| {
            let words: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .filter(|w| w.len() > 3)
                .collect();
            if words.len() < 3 {
                return None;
            }
            let picked: Vec<&str> = (0..3)
                .map(|_| words[rng.random_range(0..words.len())])
                .collect();
            embedder.embed_one(&picked.join(" "))
        })
        .collect();
    drop(vectors);

    let dir = tempfile::tempdir().unwrap();
    let scope = OrgScope::trusted(OrgId::new());
    let exact = EmbeddedVectors::open_with(&dir.path().join("exact"), DIMS, None).unwrap();
    for batch in stored.chunks(BATCH) {
        exact.upsert(&scope, batch.to_vec()).await.unwrap();
    }
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let defaults = HnswSettings::default();
    let settings = HnswSettings {
        min_points: stored.len(),
        m: env("BENCH_HNSW_M", defaults.m),
        ef_construction: env("BENCH_HNSW_EF_CONSTRUCTION", defaults.ef_construction),
        ef_search: defaults.ef_search,
    };
    let approximate =
        EmbeddedVectors::open_with(&dir.path().join("graph"), DIMS, Some(settings)).unwrap();
    for batch in stored.chunks(BATCH) {
        approximate.upsert(&scope, batch.to_vec()).await.unwrap();
    }
    // The last batch reached `min_points`: the build runs on a thread of its own.
    let start = Instant::now();
    loop {
        let status = approximate.index_status(&scope).await.unwrap();
        if status.ready && !status.building {
            let build = start.elapsed();
            println!(
                "graph (M {}, ef_construction {}): {} points built in {} ({:.0} points/s, one thread); graph memory {:.0} bytes a point (8-bit codes {:.0}, links and ids the rest)",
                settings.m,
                settings.ef_construction,
                status.points,
                ms(build),
                status.points as f64 / build.as_secs_f64(),
                status.memory_bytes as f64 / status.points as f64,
                DIMS.next_multiple_of(32) as f64 + 8.0,
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (label, queries) in [("chunk", &chunk_queries), ("short", &short_queries)] {
        let mut truths = Vec::with_capacity(queries.len());
        let mut times = Vec::with_capacity(queries.len());
        for vector in queries.iter() {
            let query = SearchQuery {
                vector: vector.clone(),
                limit: 10,
                repo_id: None,
            };
            let start = Instant::now();
            let hits = exact.search(&scope, &query).await.unwrap();
            times.push(start.elapsed());
            truths.push(
                hits.into_iter()
                    .map(|h| (h.id, h.score))
                    .collect::<Vec<_>>(),
            );
        }
        times.sort();
        println!(
            "graph {label} queries ({}): exact search p50 {:>9}  p99 {:>9}",
            queries.len(),
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.99))
        );
        for ef in [32, 64, 128, 256, 512] {
            approximate.set_ef_search(&scope, ef).await.unwrap();
            let before = approximate
                .index_status(&scope)
                .await
                .unwrap()
                .graph_searches;
            let (mut found, mut close, mut total) = (0usize, 0usize, 0usize);
            let mut times = Vec::with_capacity(queries.len());
            for (vector, truth) in queries.iter().zip(&truths) {
                let query = SearchQuery {
                    vector: vector.clone(),
                    limit: 10,
                    repo_id: None,
                };
                let start = Instant::now();
                let hits = approximate.search(&scope, &query).await.unwrap();
                times.push(start.elapsed());
                total += truth.len();
                found += hits
                    .iter()
                    .filter(|h| truth.iter().any(|(id, _)| *id == h.id))
                    .count();
                // ann-benchmarks' recall: a hit counts if it scores at least the exact 10th
                // (less 1e-3), so that one of many equally near points is not a miss.
                let tenth = truth.last().map_or(f32::NEG_INFINITY, |(_, score)| *score);
                close += hits.iter().filter(|h| h.score >= tenth - 1e-3).count();
            }
            let answered = approximate
                .index_status(&scope)
                .await
                .unwrap()
                .graph_searches
                - before;
            times.sort();
            println!(
                "graph {label} queries, ef {ef:>3}: recall@10 {:.4} (by score {:.4})  search p50 {:>9}  p99 {:>9}  ({answered} of {} answered by the graph)",
                found as f64 / total as f64,
                close as f64 / total as f64,
                ms(percentile(&times, 0.50)),
                ms(percentile(&times, 0.99)),
                queries.len()
            );
        }
    }
}
