//! The [`VectorMemory`] conformance suite: isolation, ordering and limits, replacement by id,
//! deletes, the index listing, bad input, notes' metadata, and (for adapters that persist)
//! reopening.

use crate::domain::{OrgId, OrgScope, RepoId, TaskId};
use crate::memory::{
    IndexedBlob, MAX_LIMIT, MAX_METADATA_KEY_BYTES, MAX_METADATA_KEYS, MAX_METADATA_VALUE_BYTES,
    MemoryError, Metadata, Point, PointId, SearchQuery, Source, VectorMemory,
};

/// Runs every check that needs no reopening, each on a fresh, empty memory from `fresh`.
pub async fn all_memory_checks<M, F, Fut>(fresh: F)
where
    M: VectorMemory,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = M>,
{
    orgs_see_only_their_own_points(&fresh().await).await;
    hits_are_ordered_by_cosine_and_limited(&fresh().await).await;
    the_repo_filter_keeps_only_that_repos_chunks(&fresh().await).await;
    upserting_an_id_again_replaces_the_point(&fresh().await).await;
    deletes_remove_exactly_what_they_name(&fresh().await).await;
    indexed_blobs_list_each_path_and_blob(&fresh().await).await;
    bad_input_is_refused_and_stores_nothing(&fresh().await).await;
    note_metadata_comes_back_exactly(&fresh().await).await;
}

/// A deterministic pseudo-random vector (xorshift), different for each seed.
pub fn test_vector(seed: u64, dimensions: usize) -> Vec<f32> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..dimensions)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        })
        .collect()
}

/// A chunk point of `repo` at `path`/`blob`, lines `n..n+9`.
pub fn chunk(repo: RepoId, path: &str, blob: &str, n: u32, vector: Vec<f32>) -> Point {
    Point {
        id: PointId::new(),
        source: Source::Chunk {
            repo_id: repo,
            path: path.to_string(),
            blob_id: blob.to_string(),
            start_line: n,
            end_line: n + 9,
        },
        text: format!("{path} lines {n}.."),
        vector,
    }
}

/// A note point.
pub fn note(text: &str, vector: Vec<f32>) -> Point {
    Point {
        id: PointId::new(),
        source: Source::Note {
            task_id: Some(TaskId::new()),
            metadata: Metadata::new(),
        },
        text: text.to_string(),
        vector,
    }
}

/// A note point without a task, with `metadata`.
pub fn note_with_metadata(text: &str, metadata: Metadata, vector: Vec<f32>) -> Point {
    Point {
        id: PointId::new(),
        source: Source::Note {
            task_id: None,
            metadata,
        },
        text: text.to_string(),
        vector,
    }
}

/// Metadata at every limit at once: the most keys, the longest key, the longest value (of
/// multi-byte characters), an empty value, every allowed key character.
pub fn full_metadata() -> Metadata {
    let mut metadata: Metadata = (0..MAX_METADATA_KEYS - 3)
        .map(|i| (format!("key_{i:02}"), format!("value {i}")))
        .collect();
    metadata.insert(
        "k".repeat(MAX_METADATA_KEY_BYTES),
        "é".repeat(MAX_METADATA_VALUE_BYTES / 2),
    );
    metadata.insert("Az09_.-".into(), String::new());
    metadata.insert("lang".into(), "türkçe, 日本語, \"quoted\" 🌳".into());
    metadata
}

fn query(vector: Vec<f32>, limit: usize) -> SearchQuery {
    SearchQuery {
        vector,
        limit,
        repo_id: None,
    }
}

/// Two orgs store identical texts under identical ids and vectors: each search, delete and
/// listing sees its own org only.
pub async fn orgs_see_only_their_own_points(memory: &dyn VectorMemory) {
    let dims = memory.dimensions();
    let (a, b) = (
        OrgScope::trusted(OrgId::new()),
        OrgScope::trusted(OrgId::new()),
    );
    let (repo_a, repo_b) = (RepoId::new(), RepoId::new());
    let mut points = vec![note(
        "the signup handler validates emails",
        test_vector(1, dims),
    )];
    for n in 0..5u32 {
        points.push(chunk(
            repo_a,
            "src/signup.rs",
            "b1",
            n * 10 + 1,
            test_vector(10 + u64::from(n), dims),
        ));
    }
    memory.upsert(&a, points.clone()).await.unwrap();
    // Org B: the same ids, texts and vectors, in a repository of its own.
    let points_b: Vec<Point> = points
        .iter()
        .cloned()
        .map(|mut p| {
            if let Source::Chunk { repo_id, .. } = &mut p.source {
                *repo_id = repo_b;
            }
            p
        })
        .collect();
    memory.upsert(&b, points_b).await.unwrap();
    assert_eq!(memory.count(&a).await.unwrap(), 6);
    assert_eq!(memory.count(&b).await.unwrap(), 6);

    for (scope, repo) in [(&a, repo_a), (&b, repo_b)] {
        let hits = memory
            .search(scope, &query(test_vector(1, dims), MAX_LIMIT))
            .await
            .unwrap();
        assert_eq!(hits.len(), 6, "each org sees its 6 points, not 12");
        assert!(hits.iter().all(|h| h.org_id == scope.org_id()));
        assert!(
            hits.iter()
                .all(|h| h.source.repo_id().is_none_or(|r| r == repo)),
            "no chunk of the other org's repository"
        );
        assert_eq!(hits[0].text, "the signup handler validates emails");
    }

    // The other org's repository cannot be searched, listed or deleted from this scope.
    let foreign = SearchQuery {
        repo_id: Some(repo_b),
        ..query(test_vector(10, dims), 10)
    };
    assert!(memory.search(&a, &foreign).await.unwrap().is_empty());
    assert!(memory.indexed_blobs(&a, repo_b).await.unwrap().is_empty());
    assert_eq!(memory.delete_repo(&a, repo_b).await.unwrap(), 0);
    assert_eq!(
        memory
            .delete_path(&a, repo_b, "src/signup.rs")
            .await
            .unwrap(),
        0
    );
    // Deleting an id in A leaves B's point with the same id.
    assert_eq!(memory.delete(&a, &[points[0].id]).await.unwrap(), 1);
    assert_eq!(memory.count(&a).await.unwrap(), 5);
    assert_eq!(memory.count(&b).await.unwrap(), 6);
    let hits = memory
        .search(&b, &query(test_vector(1, dims), 1))
        .await
        .unwrap();
    assert_eq!(hits[0].id, points[0].id);
    // An org that stored nothing finds nothing.
    let empty = OrgScope::trusted(OrgId::new());
    assert!(
        memory
            .search(&empty, &query(test_vector(1, dims), 10))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(memory.count(&empty).await.unwrap(), 0);
}

/// The nearest point comes first with a score of ~1; scores never increase down the list;
/// `limit` caps the hits; scores are cosines (stored and query lengths do not matter).
pub async fn hits_are_ordered_by_cosine_and_limited(memory: &dyn VectorMemory) {
    let dims = memory.dimensions();
    let scope = OrgScope::trusted(OrgId::new());
    let points: Vec<Point> = (0..30)
        .map(|i| {
            // Lengths from 0.5 to 15: the store normalises.
            let scale = 0.5 * (i as f32 + 1.0);
            let v = test_vector(100 + i, dims)
                .into_iter()
                .map(|x| x * scale)
                .collect();
            note(&format!("note {i}"), v)
        })
        .collect();
    memory.upsert(&scope, points.clone()).await.unwrap();

    let target = 17;
    let probe: Vec<f32> = test_vector(100 + target, dims)
        .into_iter()
        .map(|x| x * 0.01)
        .collect();
    let hits = memory
        .search(&scope, &query(probe.clone(), 5))
        .await
        .unwrap();
    assert_eq!(hits.len(), 5);
    assert_eq!(hits[0].id, points[target as usize].id);
    assert_eq!(hits[0].text, "note 17");
    assert!((hits[0].score - 1.0).abs() < 1e-4, "{}", hits[0].score);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(
        hits[1].score < 0.5,
        "independent random vectors are far apart"
    );

    let opposite: Vec<f32> = probe.iter().map(|x| -x).collect();
    let hits = memory.search(&scope, &query(opposite, 30)).await.unwrap();
    assert_eq!(hits.len(), 30);
    let last = hits.last().unwrap();
    assert_eq!(last.id, points[target as usize].id);
    assert!((last.score + 1.0).abs() < 1e-4, "{}", last.score);

    let all = memory
        .search(&scope, &query(probe, MAX_LIMIT))
        .await
        .unwrap();
    assert_eq!(all.len(), 30, "a limit above the count returns every point");
    for limit in [0, MAX_LIMIT + 1] {
        assert!(matches!(
            memory
                .search(&scope, &query(test_vector(1, dims), limit))
                .await,
            Err(MemoryError::InvalidInput(_))
        ));
    }
}

/// With a repository filter only that repository's chunks come back (no notes, no other
/// repository), still best first.
pub async fn the_repo_filter_keeps_only_that_repos_chunks(memory: &dyn VectorMemory) {
    let dims = memory.dimensions();
    let scope = OrgScope::trusted(OrgId::new());
    let (one, two) = (RepoId::new(), RepoId::new());
    let mut points = Vec::new();
    for i in 0..10u32 {
        let repo = if i % 2 == 0 { one } else { two };
        points.push(chunk(
            repo,
            &format!("f{i}.rs"),
            "b",
            1,
            test_vector(200 + u64::from(i), dims),
        ));
    }
    points.push(note("a note", test_vector(203, dims)));
    memory.upsert(&scope, points).await.unwrap();
    let filtered = SearchQuery {
        repo_id: Some(one),
        ..query(test_vector(203, dims), 100)
    };
    let hits = memory.search(&scope, &filtered).await.unwrap();
    assert_eq!(hits.len(), 5);
    assert!(hits.iter().all(|h| h.source.repo_id() == Some(one)));
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    let unfiltered = memory
        .search(&scope, &query(test_vector(203, dims), 1))
        .await
        .unwrap();
    assert!(
        (unfiltered[0].score - 1.0).abs() < 1e-4,
        "seeds 203 are the note and a chunk of repo two"
    );
    assert!(unfiltered[0].source.repo_id() != Some(one));
}

/// An upsert of an existing id replaces its text, vector and source; repeating a batch
/// changes nothing; within one batch the last point with an id wins.
pub async fn upserting_an_id_again_replaces_the_point(memory: &dyn VectorMemory) {
    let dims = memory.dimensions();
    let scope = OrgScope::trusted(OrgId::new());
    let repo = RepoId::new();
    let batch: Vec<Point> = (0..8u32)
        .map(|i| {
            chunk(
                repo,
                "a.rs",
                "b1",
                i * 10,
                test_vector(300 + u64::from(i), dims),
            )
        })
        .collect();
    memory.upsert(&scope, batch.clone()).await.unwrap();
    memory.upsert(&scope, batch.clone()).await.unwrap();
    assert_eq!(memory.count(&scope).await.unwrap(), 8);

    let mut changed = batch[3].clone();
    changed.text = "rewritten".into();
    changed.vector = test_vector(399, dims);
    let mut twice = changed.clone();
    twice.text = "rewritten again".into();
    memory.upsert(&scope, vec![changed, twice]).await.unwrap();
    assert_eq!(memory.count(&scope).await.unwrap(), 8);
    let hits = memory
        .search(&scope, &query(test_vector(399, dims), 8))
        .await
        .unwrap();
    assert_eq!(hits.len(), 8, "no duplicate of the replaced point");
    assert_eq!(hits[0].id, batch[3].id);
    assert_eq!(hits[0].text, "rewritten again");
    assert!((hits[0].score - 1.0).abs() < 1e-4);
    let old = memory
        .search(&scope, &query(test_vector(303, dims), 1))
        .await
        .unwrap();
    assert!(old[0].score < 0.9, "the old vector is gone");
    memory.upsert(&scope, Vec::new()).await.unwrap();
    assert_eq!(memory.count(&scope).await.unwrap(), 8);
}

/// Delete by ids, by path and by repository remove exactly their points and say how many.
pub async fn deletes_remove_exactly_what_they_name(memory: &dyn VectorMemory) {
    let dims = memory.dimensions();
    let scope = OrgScope::trusted(OrgId::new());
    let (one, two) = (RepoId::new(), RepoId::new());
    let mut points = Vec::new();
    let mut seed = 400;
    let mut next = || {
        seed += 1;
        test_vector(seed, dims)
    };
    for n in 0..3 {
        points.push(chunk(one, "src/a.rs", "b1", n * 10, next()));
        points.push(chunk(one, "src/a.rs.bak", "b9", n * 10, next()));
        points.push(chunk(two, "src/a.rs", "b1", n * 10, next()));
    }
    points.push(chunk(one, "src/b.rs", "b2", 1, next()));
    let kept_note = note("kept", next());
    points.push(kept_note.clone());
    memory.upsert(&scope, points.clone()).await.unwrap();
    assert_eq!(memory.count(&scope).await.unwrap(), 11);

    assert_eq!(
        memory.delete_path(&scope, one, "src/a.rs").await.unwrap(),
        3
    );
    assert_eq!(
        memory.delete_path(&scope, one, "src/a.rs").await.unwrap(),
        0
    );
    assert_eq!(memory.count(&scope).await.unwrap(), 8);
    assert_eq!(
        memory.indexed_blobs(&scope, two).await.unwrap().len(),
        1,
        "the same path in another repository stays"
    );
    assert_eq!(memory.delete_repo(&scope, one).await.unwrap(), 4);
    assert_eq!(memory.count(&scope).await.unwrap(), 4);
    assert!(memory.indexed_blobs(&scope, one).await.unwrap().is_empty());

    let unknown = PointId::new();
    assert_eq!(
        memory
            .delete(&scope, &[kept_note.id, unknown, kept_note.id])
            .await
            .unwrap(),
        1
    );
    assert_eq!(memory.count(&scope).await.unwrap(), 3);
    let hits = memory
        .search(&scope, &query(test_vector(1, dims), 100))
        .await
        .unwrap();
    assert!(hits.iter().all(|h| h.source.repo_id() == Some(two)));
}

/// The listing has one entry per (path, blob) with its point count, sorted.
pub async fn indexed_blobs_list_each_path_and_blob(memory: &dyn VectorMemory) {
    let dims = memory.dimensions();
    let scope = OrgScope::trusted(OrgId::new());
    let repo = RepoId::new();
    let mut points = Vec::new();
    for (i, (path, blob)) in [
        ("src/z.rs", "b3"),
        ("src/a.rs", "b1"),
        ("src/a.rs", "b1"),
        ("src/a.rs", "b2"),
        ("README.md", "b4"),
    ]
    .into_iter()
    .enumerate()
    {
        points.push(chunk(
            repo,
            path,
            blob,
            i as u32 * 10,
            test_vector(500 + i as u64, dims),
        ));
    }
    points.push(note("not a chunk", test_vector(510, dims)));
    memory.upsert(&scope, points).await.unwrap();
    let blob = |path: &str, blob: &str, points| IndexedBlob {
        path: path.into(),
        blob_id: blob.into(),
        points,
    };
    assert_eq!(
        memory.indexed_blobs(&scope, repo).await.unwrap(),
        [
            blob("README.md", "b4", 1),
            blob("src/a.rs", "b1", 2),
            blob("src/a.rs", "b2", 1),
            blob("src/z.rs", "b3", 1),
        ]
    );
    assert!(
        memory
            .indexed_blobs(&scope, RepoId::new())
            .await
            .unwrap()
            .is_empty()
    );
}

/// Wrong dimensions, zero and non-finite vectors are `InvalidInput`, and a batch with one
/// bad point stores none of its points.
pub async fn bad_input_is_refused_and_stores_nothing(memory: &dyn VectorMemory) {
    let dims = memory.dimensions();
    let scope = OrgScope::trusted(OrgId::new());
    let mut nan = test_vector(1, dims);
    nan[dims / 2] = f32::NAN;
    let mut infinite = test_vector(1, dims);
    infinite[0] = f32::INFINITY;
    for bad in [
        test_vector(1, dims - 1),
        test_vector(1, dims + 1),
        vec![0.0; dims],
        nan,
        infinite,
    ] {
        let batch = vec![note("good", test_vector(2, dims)), note("bad", bad.clone())];
        assert!(matches!(
            memory.upsert(&scope, batch).await,
            Err(MemoryError::InvalidInput(_))
        ));
        assert!(matches!(
            memory.search(&scope, &query(bad, 10)).await,
            Err(MemoryError::InvalidInput(_))
        ));
    }
    // A note whose metadata breaks the limits refuses the whole batch too.
    let mut too_many = full_metadata();
    for i in 0..=crate::memory::MAX_METADATA_KEYS {
        too_many.insert(format!("key{i}"), "v".into());
    }
    let batch = vec![
        note("good", test_vector(2, dims)),
        note_with_metadata("bad", too_many, test_vector(3, dims)),
    ];
    assert!(matches!(
        memory.upsert(&scope, batch).await,
        Err(MemoryError::InvalidInput(_))
    ));
    assert_eq!(memory.count(&scope).await.unwrap(), 0, "no half batch");
}

/// A note's metadata comes back from a search exactly as it was stored — with or without a
/// task, and replaced by an upsert of the same id; a note without metadata has none, and
/// another org's search never returns it.
pub async fn note_metadata_comes_back_exactly(memory: &dyn VectorMemory) {
    let dims = memory.dimensions();
    let (scope, other) = (
        OrgScope::trusted(OrgId::new()),
        OrgScope::trusted(OrgId::new()),
    );
    let tagged = note_with_metadata("tagged", full_metadata(), test_vector(800, dims));
    let mut with_task = note("tagged by a task", test_vector(801, dims));
    if let Source::Note { metadata, .. } = &mut with_task.source {
        metadata.insert("source".into(), "agent".into());
    }
    let plain = note("plain", test_vector(802, dims));
    memory
        .upsert(
            &scope,
            vec![tagged.clone(), with_task.clone(), plain.clone()],
        )
        .await
        .unwrap();
    memory
        .upsert(
            &other,
            vec![note("the other org's", test_vector(800, dims))],
        )
        .await
        .unwrap();
    for point in [&tagged, &with_task, &plain] {
        let hits = memory
            .search(&scope, &query(point.vector.clone(), 1))
            .await
            .unwrap();
        assert_eq!(hits[0].id, point.id);
        assert_eq!(hits[0].source, point.source, "{}", point.text);
    }
    let hits = memory
        .search(&other, &query(tagged.vector.clone(), MAX_LIMIT))
        .await
        .unwrap();
    assert_eq!(hits.len(), 1, "the other org sees its own note only");
    assert_eq!(hits[0].text, "the other org's");
    assert!(
        matches!(&hits[0].source, Source::Note { metadata, .. } if metadata.is_empty()),
        "{:?}",
        hits[0].source
    );

    // Upserting the id again replaces the metadata too, also with none.
    let mut retagged = tagged.clone();
    retagged.source = Source::Note {
        task_id: None,
        metadata: Metadata::from([("only".to_string(), "this".to_string())]),
    };
    memory.upsert(&scope, vec![retagged.clone()]).await.unwrap();
    let hits = memory
        .search(&scope, &query(tagged.vector.clone(), 1))
        .await
        .unwrap();
    assert_eq!(hits[0].source, retagged.source);
    let mut untagged = tagged.clone();
    untagged.source = Source::Note {
        task_id: None,
        metadata: Metadata::new(),
    };
    memory.upsert(&scope, vec![untagged.clone()]).await.unwrap();
    let hits = memory
        .search(&scope, &query(tagged.vector.clone(), 1))
        .await
        .unwrap();
    assert_eq!(hits[0].source, untagged.source);
    assert_eq!(memory.count(&scope).await.unwrap(), 3);
}

/// What was stored before a reopen is there after it, with the same hits, counts and
/// listing, and writes after the reopen still work. `open` opens the same memory each time
/// (e.g. on the same data directory); the previous instance is dropped first.
pub async fn survives_reopen<M, F, Fut>(open: F)
where
    M: VectorMemory,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = M>,
{
    let memory = open().await;
    let dims = memory.dimensions();
    let (a, b) = (
        OrgScope::trusted(OrgId::new()),
        OrgScope::trusted(OrgId::new()),
    );
    let repo = RepoId::new();
    let points: Vec<Point> = (0..50u32)
        .map(|i| {
            chunk(
                repo,
                &format!("f{}.rs", i % 7),
                "b",
                i,
                test_vector(600 + u64::from(i), dims),
            )
        })
        .collect();
    memory.upsert(&a, points.clone()).await.unwrap();
    memory
        .upsert(&b, vec![note("the same text", test_vector(600, dims))])
        .await
        .unwrap();
    let tagged = note_with_metadata("the same text", full_metadata(), test_vector(600, dims));
    memory.upsert(&a, vec![tagged.clone()]).await.unwrap();
    let mut replaced = points[5].clone();
    replaced.text = "replaced".into();
    memory.upsert(&a, vec![replaced]).await.unwrap();
    assert_eq!(memory.delete_path(&a, repo, "f3.rs").await.unwrap(), 7);
    assert_eq!(memory.delete(&a, &[points[0].id]).await.unwrap(), 1);

    let probe = query(test_vector(605, dims), 10);
    let before = (
        memory.search(&a, &probe).await.unwrap(),
        memory.search(&b, &probe).await.unwrap(),
        memory.count(&a).await.unwrap(),
        memory.indexed_blobs(&a, repo).await.unwrap(),
    );
    assert_eq!(before.2, 43);
    drop(memory);

    let memory = open().await;
    let after = (
        memory.search(&a, &probe).await.unwrap(),
        memory.search(&b, &probe).await.unwrap(),
        memory.count(&a).await.unwrap(),
        memory.indexed_blobs(&a, repo).await.unwrap(),
    );
    assert_eq!(before, after);
    assert_eq!(after.0[0].text, "replaced");
    assert_eq!(after.1.len(), 1, "org B still sees only its note");
    assert_eq!(after.1[0].org_id, b.org_id());
    let hits = memory
        .search(&a, &query(test_vector(600, dims), 1))
        .await
        .unwrap();
    assert_eq!(hits[0].id, tagged.id);
    assert_eq!(
        hits[0].source, tagged.source,
        "the metadata survives the reopen"
    );

    memory
        .upsert(&a, vec![note("after the reopen", test_vector(700, dims))])
        .await
        .unwrap();
    drop(memory);
    let memory = open().await;
    let hits = memory
        .search(&a, &query(test_vector(700, dims), 1))
        .await
        .unwrap();
    assert_eq!(hits[0].text, "after the reopen");
    assert_eq!(memory.count(&a).await.unwrap(), 44);
}
