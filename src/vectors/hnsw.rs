//! The approximate index of a large org's segment: an HNSW graph (Malkov & Yashunin,
//! "Efficient and robust approximate nearest neighbor search using Hierarchical Navigable
//! Small World graphs", 2018) over the org's points.
//!
//! # Layout
//! Nodes are numbered in insertion order. Each keeps its own 8-bit code of the point's vector
//! ([`Codes`], 392 bytes for 384 dimensions: the graph steers by estimated scores, a quarter
//! of the bytes of `f32`) and its links in flat `u32` arrays: `2·M` on layer 0, `M` on each
//! layer above. A node's top layer is drawn from a seeded generator with
//! `P(layer ≥ l) = M^-l`, so a build of the same points in the same order gives the same
//! graph. Links are chosen with the paper's heuristic (a candidate is linked only if it is
//! nearer the node than any neighbour already chosen), which keeps clustered data navigable.
//!
//! # Changes
//! A point's node is *killed* when the point is deleted or replaced (an upsert inserts a new
//! node): a dead node still routes searches — its links and code stay — but is never a
//! result. The owner rebuilds the graph when dead nodes are too large a share.
//!
//! # Results
//! A search returns the `ef` best live nodes it met, by estimated score: approximate, which
//! is why the segment re-scores them in `f32` and keeps the best `limit`. A filter (one
//! repository) is applied while searching; a search that visits more than its budget stops,
//! and the segment falls back to exact search when it found fewer than `limit`.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap, HashSet};

use orchard_actors::memory::PointId;

use super::quantized::{CodedQuery, Codes};

/// An empty link.
const EMPTY: u32 = u32::MAX;
/// Layers above which no node is placed (with M = 16, the 17th layer would need 16^17 nodes).
const MAX_LEVEL: usize = 16;

/// How an org's segment gets an approximate index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HnswSettings {
    /// Orgs with at least this many points get a graph, built in the background; smaller
    /// ones (and a large one until its graph is ready) are searched exactly.
    pub min_points: usize,
    /// Links per node on the upper layers; layer 0 has twice as many.
    pub m: usize,
    /// Candidates kept while inserting: graph quality against build time.
    pub ef_construction: usize,
    /// Candidates a search keeps (at least its `limit`): recall against latency.
    pub ef_search: usize,
}

impl Default for HnswSettings {
    fn default() -> Self {
        Self {
            min_points: 200_000,
            m: 32,
            ef_construction: 200,
            ef_search: 512,
        }
    }
}

/// A node and its estimated score for the query at hand (higher is nearer).
#[derive(Debug, Clone, Copy)]
struct Scored {
    score: f32,
    node: u32,
}

impl Scored {
    fn rank(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialEq for Scored {
    fn eq(&self, other: &Self) -> bool {
        self.rank(other) == Ordering::Equal
    }
}
impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank(other)
    }
}

/// The nodes a search has met.
struct Visited(Vec<u64>);

impl Visited {
    fn new(nodes: usize) -> Self {
        Self(vec![0; nodes.div_ceil(64)])
    }

    /// Forgets every node (for the walk of the next layer).
    fn clear(&mut self) {
        self.0.fill(0);
    }

    /// Marks `node`; whether it was new.
    fn insert(&mut self, node: u32) -> bool {
        let (word, bit) = (node as usize / 64, 1u64 << (node % 64));
        let new = self.0[word] & bit == 0;
        self.0[word] |= bit;
        new
    }
}

/// The graph itself: nodes, their codes and links.
#[derive(Debug, Clone)]
pub(crate) struct Graph {
    m: usize,
    m0: usize,
    ef_construction: usize,
    level_scale: f64,
    codes: Codes,
    levels: Vec<u8>,
    /// Node-major, `m0` links each, [`EMPTY`]-padded.
    layer0: Vec<u32>,
    /// Per node, its layers 1..=level, `m` links each.
    upper: Vec<Box<[u32]>>,
    dead: Vec<bool>,
    dead_count: usize,
    entry: Option<u32>,
    rng: u64,
}

impl Graph {
    pub(crate) fn new(dimensions: usize, settings: &HnswSettings) -> Self {
        let m = settings.m.max(2);
        Self {
            m,
            m0: 2 * m,
            ef_construction: settings.ef_construction.max(m),
            level_scale: 1.0 / (m as f64).ln(),
            codes: Codes::new(dimensions),
            levels: Vec::new(),
            layer0: Vec::new(),
            upper: Vec::new(),
            dead: Vec::new(),
            dead_count: 0,
            entry: None,
            rng: 0x9E37_79B9_7F4A_7C15,
        }
    }

    /// Nodes, dead ones included.
    pub(crate) fn len(&self) -> usize {
        self.levels.len()
    }

    pub(crate) fn dead(&self) -> usize {
        self.dead_count
    }

    /// Bytes of memory held (capacity).
    pub(crate) fn memory_bytes(&self) -> usize {
        self.codes.memory_bytes()
            + self.levels.capacity()
            + self.dead.capacity()
            + self.layer0.capacity() * 4
            + self.upper.capacity() * std::mem::size_of::<Box<[u32]>>()
            + self
                .upper
                .iter()
                .map(|links| links.len() * 4)
                .sum::<usize>()
    }

    /// A node's top layer: `floor(-ln(u) / ln(M))` for `u` uniform in (0, 1].
    fn random_level(&mut self) -> usize {
        // splitmix64
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let u = ((z >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        ((-u.ln() * self.level_scale) as usize).min(MAX_LEVEL)
    }

    fn links(&self, node: u32, layer: usize) -> &[u32] {
        let node = node as usize;
        let all = if layer == 0 {
            &self.layer0[node * self.m0..(node + 1) * self.m0]
        } else {
            &self.upper[node][(layer - 1) * self.m..layer * self.m]
        };
        let used = all.iter().position(|&l| l == EMPTY).unwrap_or(all.len());
        &all[..used]
    }

    fn set_links(&mut self, node: u32, layer: usize, links: &[u32]) {
        let node = node as usize;
        let slots = if layer == 0 {
            &mut self.layer0[node * self.m0..(node + 1) * self.m0]
        } else {
            &mut self.upper[node][(layer - 1) * self.m..layer * self.m]
        };
        debug_assert!(links.len() <= slots.len());
        slots.fill(EMPTY);
        slots[..links.len()].copy_from_slice(links);
    }

    fn score(&self, query: &CodedQuery, node: u32) -> Scored {
        Scored {
            score: self.codes.estimate(query, node as usize),
            node,
        }
    }

    /// Adds a node for `vector` (unit length); returns its number.
    pub(crate) fn insert(&mut self, vector: &[f32]) -> u32 {
        let node = u32::try_from(self.len()).expect("fewer than 2^32 nodes");
        self.codes.set(node as usize, vector);
        let level = self.random_level();
        self.levels.push(level as u8);
        self.layer0.resize(self.layer0.len() + self.m0, EMPTY);
        self.upper
            .push(vec![EMPTY; level * self.m].into_boxed_slice());
        self.dead.push(false);
        let Some(entry) = self.entry else {
            self.entry = Some(node);
            return node;
        };
        let query = self.codes.code_query(vector);
        let top = usize::from(self.levels[entry as usize]);
        let mut nearest = self.score(&query, entry);
        for layer in (level + 1..=top).rev() {
            nearest = self.greedy(&query, nearest, layer);
        }
        let mut entries = vec![nearest];
        let mut visited = Visited::new(self.len());
        for layer in (0..=level.min(top)).rev() {
            visited.clear();
            let found = self.search_layer(
                &query,
                &entries,
                self.ef_construction,
                layer,
                &mut visited,
                |_| true,
                usize::MAX,
            );
            let chosen = self.select(&found, self.m);
            self.set_links(node, layer, &chosen);
            let cap = if layer == 0 { self.m0 } else { self.m };
            for &neighbour in &chosen {
                self.link(neighbour, node, layer, cap);
            }
            entries = found;
        }
        if level > top {
            self.entry = Some(node);
        }
        node
    }

    /// Adds `node` to `from`'s links on `layer`; when they are full, keeps the best `cap`
    /// of them and `node` by the heuristic.
    fn link(&mut self, from: u32, node: u32, layer: usize, cap: usize) {
        let current = self.links(from, layer);
        if current.len() < cap {
            let mut links = current.to_vec();
            links.push(node);
            self.set_links(from, layer, &links);
            return;
        }
        let base = self.codes.slot_query(from as usize);
        let mut candidates: Vec<Scored> = current
            .iter()
            .chain(std::iter::once(&node))
            .map(|&n| self.score(&base, n))
            .collect();
        candidates.sort_by(|a, b| b.cmp(a));
        let chosen = self.select(&candidates, cap);
        self.set_links(from, layer, &chosen);
    }

    /// The heuristic: of `candidates` (best first), each is kept if it is nearer the base
    /// than to every one kept so far, until `m` are kept; then, if fewer, the nearest of the
    /// rest fill the list (the paper's "keep pruned connections"). Without the fill, copies
    /// of one text (licence headers, generated code) keep only each other and close into a
    /// cycle a search cannot leave.
    fn select(&self, candidates: &[Scored], m: usize) -> Vec<u32> {
        if candidates.len() <= m {
            return candidates.iter().map(|c| c.node).collect();
        }
        let mut kept: Vec<(u32, CodedQuery)> = Vec::with_capacity(m);
        let mut pruned: Vec<u32> = Vec::new();
        for candidate in candidates {
            if kept.len() == m {
                break;
            }
            let diverse = kept.iter().all(|(_, other)| {
                self.codes.estimate(other, candidate.node as usize) < candidate.score
            });
            if diverse {
                kept.push((
                    candidate.node,
                    self.codes.slot_query(candidate.node as usize),
                ));
            } else {
                pruned.push(candidate.node);
            }
        }
        let fill = m - kept.len();
        kept.into_iter()
            .map(|(node, _)| node)
            .chain(pruned.into_iter().take(fill))
            .collect()
    }

    /// Walks `layer` from `from` to the nearest node it can reach greedily.
    fn greedy(&self, query: &CodedQuery, from: Scored, layer: usize) -> Scored {
        let mut best = from;
        loop {
            let mut moved = false;
            for &n in self.links(best.node, layer) {
                let candidate = self.score(query, n);
                if candidate > best {
                    best = candidate;
                    moved = true;
                }
            }
            if !moved {
                return best;
            }
        }
    }

    /// The best `ef` nodes `admit` accepts that a best-first walk of `layer` from `entries`
    /// meets, best first; it stops early after `budget` visited nodes.
    #[allow(clippy::too_many_arguments)]
    fn search_layer(
        &self,
        query: &CodedQuery,
        entries: &[Scored],
        ef: usize,
        layer: usize,
        visited: &mut Visited,
        admit: impl Fn(u32) -> bool,
        budget: usize,
    ) -> Vec<Scored> {
        let mut frontier: BinaryHeap<Scored> = BinaryHeap::new();
        let mut best: BinaryHeap<Reverse<Scored>> = BinaryHeap::with_capacity(ef + 1);
        for &entry in entries {
            if visited.insert(entry.node) {
                frontier.push(entry);
                if admit(entry.node) {
                    best.push(Reverse(entry));
                    if best.len() > ef {
                        best.pop();
                    }
                }
            }
        }
        let mut visits = 0usize;
        while let Some(current) = frontier.pop() {
            if best.len() >= ef && best.peek().is_some_and(|worst| current < worst.0) {
                break;
            }
            for &n in self.links(current.node, layer) {
                if !visited.insert(n) {
                    continue;
                }
                visits += 1;
                let candidate = self.score(query, n);
                if best.len() < ef || best.peek().is_some_and(|worst| candidate > worst.0) {
                    frontier.push(candidate);
                    if admit(n) {
                        best.push(Reverse(candidate));
                        if best.len() > ef {
                            best.pop();
                        }
                    }
                }
            }
            if visits >= budget {
                break;
            }
        }
        let mut out: Vec<Scored> = best.into_iter().map(|r| r.0).collect();
        out.sort_by(|a, b| b.cmp(a));
        out
    }

    /// Marks `node` dead: it routes searches but is no longer a result.
    pub(crate) fn kill(&mut self, node: u32) {
        let dead = &mut self.dead[node as usize];
        if !*dead {
            *dead = true;
            self.dead_count += 1;
        }
    }

    /// Up to `ef` live nodes near `query` (unit length) that `admit` accepts, nearest (by
    /// estimate) first, after at most about `budget` visited nodes.
    pub(crate) fn search(
        &self,
        query: &[f32],
        ef: usize,
        admit: impl Fn(u32) -> bool,
        budget: usize,
    ) -> Vec<u32> {
        let Some(entry) = self.entry else {
            return Vec::new();
        };
        let coded = self.codes.code_query(query);
        let mut nearest = self.score(&coded, entry);
        for layer in (1..=usize::from(self.levels[entry as usize])).rev() {
            nearest = self.greedy(&coded, nearest, layer);
        }
        let mut visited = Visited::new(self.len());
        self.search_layer(
            &coded,
            &[nearest],
            ef,
            0,
            &mut visited,
            |n| !self.dead[n as usize] && admit(n),
            budget,
        )
        .into_iter()
        .map(|s| s.node)
        .collect()
    }
}

/// A segment's graph with the points its nodes stand for.
#[derive(Debug, Clone)]
pub(crate) struct Index {
    graph: Graph,
    /// The point of each node.
    points: Vec<PointId>,
    /// The live node of each point.
    nodes: HashMap<PointId, u32>,
}

impl Index {
    pub(crate) fn new(dimensions: usize, settings: &HnswSettings) -> Self {
        Self {
            graph: Graph::new(dimensions, settings),
            points: Vec::new(),
            nodes: HashMap::new(),
        }
    }

    /// Builds the graph of `ids[i]` → `vectors[i * dimensions..][..dimensions]`, in order.
    pub(crate) fn build(
        dimensions: usize,
        settings: &HnswSettings,
        ids: &[PointId],
        vectors: &[f32],
    ) -> Self {
        let mut index = Self::new(dimensions, settings);
        index.points.reserve(ids.len());
        index.nodes.reserve(ids.len());
        for (id, vector) in ids.iter().zip(vectors.chunks_exact(dimensions)) {
            index.upsert(*id, vector);
        }
        index
    }

    /// Inserts `id` with `vector`, killing its previous node.
    pub(crate) fn upsert(&mut self, id: PointId, vector: &[f32]) {
        self.remove(id);
        let node = self.graph.insert(vector);
        self.points.push(id);
        self.nodes.insert(id, node);
    }

    /// Kills `id`'s node, if it has one.
    pub(crate) fn remove(&mut self, id: PointId) {
        if let Some(node) = self.nodes.remove(&id) {
            self.graph.kill(node);
        }
    }

    /// Applies the writes of `ids` made after the graph's snapshot: each id gets its current
    /// vector (`current` gives it, `None` when the point is gone). Each id once, in order.
    pub(crate) fn catch_up<'a>(
        &mut self,
        ids: &[PointId],
        current: impl Fn(&PointId) -> Option<&'a [f32]>,
    ) {
        let mut done = HashSet::with_capacity(ids.len());
        for id in ids {
            if done.insert(*id) {
                match current(id) {
                    Some(vector) => self.upsert(*id, vector),
                    None => self.remove(*id),
                }
            }
        }
    }

    /// Up to `ef` points near `query` that `admit` accepts, by the graph (approximate).
    pub(crate) fn search(
        &self,
        query: &[f32],
        ef: usize,
        admit: impl Fn(&PointId) -> bool,
        budget: usize,
    ) -> Vec<PointId> {
        self.graph
            .search(query, ef, |n| admit(&self.points[n as usize]), budget)
            .into_iter()
            .map(|n| self.points[n as usize])
            .collect()
    }

    /// Live points in the graph.
    pub(crate) fn live(&self) -> usize {
        self.nodes.len()
    }

    /// Share of the nodes that are dead.
    pub(crate) fn dead_share(&self) -> f64 {
        self.graph.dead() as f64 / self.graph.len().max(1) as f64
    }

    /// Bytes of memory held (capacity; the id map estimated).
    pub(crate) fn memory_bytes(&self) -> usize {
        self.graph.memory_bytes()
            + self.points.capacity() * std::mem::size_of::<PointId>()
            + self.nodes.capacity() * (std::mem::size_of::<(PointId, u32)>() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orchard_actors::memory::{dot, normalize};

    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> f32 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 40) as f32 / (1u64 << 24) as f32) - 0.5
        }
    }

    /// `n` unit vectors and `queries` more in `clusters` clusters (a centre plus noise), as
    /// embeddings are.
    fn clustered(
        rng: &mut Lcg,
        n: usize,
        queries: usize,
        dims: usize,
        clusters: usize,
    ) -> (Vec<Vec<f32>>, Vec<Vec<f32>>) {
        let centres: Vec<Vec<f32>> = (0..clusters)
            .map(|_| (0..dims).map(|_| rng.next()).collect())
            .collect();
        let mut all: Vec<Vec<f32>> = (0..n + queries)
            .map(|i| {
                let centre = &centres[i % clusters];
                let mut v: Vec<f32> = centre.iter().map(|c| c + rng.next() * 0.6).collect();
                normalize(&mut v);
                v
            })
            .collect();
        let queries = all.split_off(n);
        (all, queries)
    }

    fn exact(
        vectors: &[Vec<f32>],
        query: &[f32],
        k: usize,
        keep: impl Fn(usize) -> bool,
    ) -> Vec<usize> {
        let mut scored: Vec<(f32, usize)> = vectors
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(i, v)| (dot(query, v), i))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(k).map(|(_, i)| i).collect()
    }

    fn settings() -> HnswSettings {
        HnswSettings {
            min_points: 0,
            m: 12,
            ef_construction: 64,
            ef_search: 64,
        }
    }

    /// Recall@10 of the graph's top 10 (re-scored exactly) against the exact top 10.
    fn recall(
        graph: &Graph,
        vectors: &[Vec<f32>],
        queries: &[Vec<f32>],
        keep: impl Fn(usize) -> bool + Copy,
    ) -> f64 {
        let (mut found, mut total) = (0, 0);
        for query in queries {
            let truth = exact(vectors, query, 10, keep);
            let nodes = graph.search(query, 64, |n| keep(n as usize), usize::MAX);
            let mut rescored: Vec<(f32, usize)> = nodes
                .iter()
                .map(|&n| (dot(query, &vectors[n as usize]), n as usize))
                .collect();
            rescored.sort_by(|a, b| b.0.total_cmp(&a.0));
            let top: Vec<usize> = rescored.into_iter().take(10).map(|(_, i)| i).collect();
            total += truth.len();
            found += truth.iter().filter(|t| top.contains(t)).count();
        }
        found as f64 / total as f64
    }

    #[test]
    fn the_graph_finds_the_exact_neighbours_of_clustered_data() {
        let mut rng = Lcg(11);
        let (vectors, queries) = clustered(&mut rng, 4_000, 200, 48, 40);
        let settings = settings();
        let mut graph = Graph::new(48, &settings);
        for v in &vectors {
            graph.insert(v);
        }
        let all = recall(&graph, &vectors, &queries, |_| true);
        assert!(all >= 0.95, "recall@10 {all}");
        // A filter (a third of the points) is applied while searching.
        let third = recall(&graph, &vectors, &queries, |i| i % 3 == 0);
        assert!(third >= 0.95, "recall@10 with a filter {third}");
        // Every link is in range and no node links to itself.
        for node in 0..graph.len() as u32 {
            for layer in 0..=usize::from(graph.levels[node as usize]) {
                for &n in graph.links(node, layer) {
                    assert!((n as usize) < graph.len() && n != node);
                    assert!(usize::from(graph.levels[n as usize]) >= layer);
                }
            }
        }
    }

    #[test]
    fn dead_nodes_route_but_are_never_results() {
        let mut rng = Lcg(5);
        let (vectors, queries) = clustered(&mut rng, 2_000, 100, 32, 20);
        let mut graph = Graph::new(32, &settings());
        for v in &vectors {
            graph.insert(v);
        }
        for node in (0..2_000u32).filter(|n| n % 4 == 0) {
            graph.kill(node);
        }
        assert_eq!(graph.dead(), 500);
        for query in &queries {
            let nodes = graph.search(query, 32, |_| true, usize::MAX);
            assert_eq!(nodes.len(), 32);
            assert!(nodes.iter().all(|n| n % 4 != 0), "a dead node answered");
        }
        let live = recall(&graph, &vectors, &queries, |i| i % 4 != 0);
        assert!(live >= 0.95, "recall@10 among live nodes {live}");
    }

    #[test]
    fn a_search_within_its_budget_finds_at_most_what_it_visited() {
        let mut rng = Lcg(3);
        let (vectors, _) = clustered(&mut rng, 1_000, 0, 16, 10);
        let mut graph = Graph::new(16, &settings());
        for v in &vectors {
            graph.insert(v);
        }
        // A filter nothing passes: the walk stops at its budget with no result.
        assert!(graph.search(&vectors[0], 10, |_| false, 100).is_empty());
        assert!(
            Graph::new(16, &settings())
                .search(&vectors[0], 10, |_| true, 100)
                .is_empty()
        );
    }

    #[test]
    fn the_index_follows_upserts_deletes_and_catch_up() {
        let mut rng = Lcg(9);
        let (vectors, _) = clustered(&mut rng, 600, 0, 16, 6);
        let ids: Vec<PointId> = (0..600).map(|_| PointId::new()).collect();
        let flat: Vec<f32> = vectors.iter().flatten().copied().collect();
        let mut index = Index::build(16, &settings(), &ids, &flat);
        assert_eq!(index.live(), 600);
        // Replace point 0 by point 1's vector; delete point 1.
        let replaced = vectors[1].clone();
        index.catch_up(&[ids[0], ids[1], ids[0]], |id| {
            (*id == ids[0]).then_some(replaced.as_slice())
        });
        assert_eq!(index.live(), 599);
        assert!((index.dead_share() - 2.0 / 601.0).abs() < 1e-9);
        let found = index.search(&vectors[1], 10, |_| true, usize::MAX);
        assert_eq!(
            found[0], ids[0],
            "the replaced point answers with its new vector"
        );
        assert!(!found.contains(&ids[1]), "a deleted point answered");
        let only = index.search(&vectors[1], 10, |id| *id == ids[2], usize::MAX);
        assert_eq!(only, vec![ids[2]]);
    }
}
