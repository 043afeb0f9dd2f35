//! Ranking invariants on a few thousand records recombined from the real fixture records
//! (tests/fixtures/corpus.ndjson) by the synthetic generator, spread over several segments.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use chaxin_index::{ChaxinIndex, Kind, Record};
use chaxin_ingest::synthetic::{generate, Recombiner};
use chaxin_ingest::{collect_inputs, ingest, IngestOptions};
use chaxin_query::{SearchConfig, SearchEngine, SearchRequest};
use chaxin_text::AnalyzerSettings;

fn fixture_records() -> Vec<Record> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus.ndjson");
    std::fs::read_to_string(path)
        .expect("fixture corpus")
        .lines()
        .map(|l| Record::from_json(l).expect("fixture record"))
        .collect()
}

/// 3,000 synthetic records in three commits (three segments), plus 30 copies of one real
/// record under different ids (exact score ties).
fn engine(dir: &Path) -> SearchEngine {
    let pool = Recombiner::new(fixture_records());
    let index = ChaxinIndex::create(&dir.join("index"), AnalyzerSettings::default()).unwrap();
    let options = IngestOptions {
        writer_threads: 1,
        writer_memory: 32 << 20,
        ..IngestOptions::default()
    };
    for part in 0..3u64 {
        let mut ndjson = Vec::new();
        generate(&pool, 11 + part, 1000, &mut ndjson).unwrap();
        if part == 2 {
            let original = fixture_records()
                .into_iter()
                .find(|r| r.id == "US5269177")
                .unwrap();
            for i in 0..30 {
                let copy = Record {
                    id: format!("tie-{i:02}"),
                    ..original.clone()
                };
                ndjson.extend(serde_json::to_vec(&copy).unwrap());
                ndjson.push(b'\n');
            }
        }
        let file = dir.join(format!("part{part}.ndjson"));
        std::fs::write(&file, ndjson).unwrap();
        ingest(&index, &collect_inputs(&[file]).unwrap(), &options).unwrap();
    }
    let engine = SearchEngine::new(index, SearchConfig::default()).unwrap();
    engine.reload().unwrap();
    engine
}

fn ranking(engine: &SearchEngine, request: &SearchRequest) -> (u64, Vec<(String, f32)>) {
    let response = engine.search(request).unwrap();
    (
        response.total,
        response.hits.into_iter().map(|h| (h.id, h.score)).collect(),
    )
}

#[test]
fn pruned_top_k_equals_a_full_scan_ties_included() {
    let tmp = tempfile::tempdir().unwrap();
    let engine = engine(tmp.path());
    let queries = [
        "sweet spot baseball bat",
        "neural network training method",
        "永磁同步电机 电磁噪声",
        "稀土 铝合金 时效 硬度",
        "apparatus method",
    ];
    for q in queries {
        for limit in [1, 10, 100] {
            // An unfiltered disjunction of terms is pruned (block-max WAND); a filter that
            // keeps every record (scoring 0) forces the full scan with the same scores.
            let pruned = SearchRequest {
                q: q.into(),
                limit,
                highlight: false,
                ..SearchRequest::default()
            };
            let full = SearchRequest {
                kind: Kind::ALL.to_vec(),
                ..pruned.clone()
            };
            let (pruned_total, pruned_hits) = ranking(&engine, &pruned);
            let (full_total, full_hits) = ranking(&engine, &full);
            assert!(pruned_total > 0, "{q}");
            assert_eq!(pruned_total, full_total, "{q}: totals");
            // Same documents in the same order; scores equal up to summation order (tantivy
            // adds term scores in a plan-dependent order; the collector rounds them to about
            // five digits, which leaves at most one rounding step between plans).
            let ids = |hits: &[(String, f32)]| hits.iter().map(|h| h.0.clone()).collect::<Vec<_>>();
            assert_eq!(ids(&pruned_hits), ids(&full_hits), "{q} (limit {limit})");
            for ((_, a), (_, b)) in pruned_hits.iter().zip(&full_hits) {
                assert!((a - b).abs() <= a.abs() * 4e-5, "{q}: {a} vs {b}");
            }
        }
    }
    // The 30 identical copies tie; whichever segment layout, ids break the tie in order.
    let (_, hits) = ranking(
        &engine,
        &SearchRequest {
            q: "center of percussion sweet spot baseball bats".into(),
            limit: 5,
            highlight: false,
            ..SearchRequest::default()
        },
    );
    let ids: Vec<&str> = hits.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["tie-00", "tie-01", "tie-02", "tie-03", "tie-04"]);
}
