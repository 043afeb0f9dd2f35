//! Indexing throughput of the shipped corpus (`index-data/`): chaxin's pipeline (JSON parsing,
//! validation, zh/en analysis of main and exact streams under rayon, tantivy writer) against a
//! plain tantivy baseline that indexes the same records' text fields with tantivy's default
//! tokenizer — in one run, so the ratio is meaningful on a noisy machine. Then the latency of a
//! few real queries on the chaxin index.
//!
//! Run: `cargo bench --bench indexing` (criterion prints time and elements/s for each).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chaxin_index::ChaxinIndex;
use chaxin_ingest::{collect_inputs, ingest, IngestOptions};
use chaxin_query::{SearchConfig, SearchEngine, SearchRequest};
use chaxin_text::AnalyzerSettings;
#[path = "support/baseline.rs"]
mod baseline;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

// The same allocator as the `chaxin` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const THREADS: usize = 2;
const MEMORY: usize = 256 << 20;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("index-data")
}

/// The corpus decompressed to one NDJSON file (both contestants read the same bytes).
fn corpus_file(dir: &Path) -> (PathBuf, Vec<String>) {
    let mut text = String::new();
    for input in collect_inputs(&[corpus_dir()]).expect("index-data") {
        let mut decoder =
            zstd::stream::read::Decoder::new(std::fs::File::open(&input.path).unwrap()).unwrap();
        decoder.read_to_string(&mut text).unwrap();
    }
    let path = dir.join("corpus.ndjson");
    std::fs::write(&path, &text).unwrap();
    (path, text.lines().map(String::from).collect())
}

fn chaxin_index(input: &Path, dir: &Path) -> u64 {
    let _ = std::fs::remove_dir_all(dir);
    let index = ChaxinIndex::create(dir, AnalyzerSettings::default()).unwrap();
    let options = IngestOptions {
        writer_threads: THREADS,
        writer_memory: MEMORY,
        ..IngestOptions::default()
    };
    let summary = ingest(
        &index,
        &collect_inputs(&[input.to_path_buf()]).unwrap(),
        &options,
    )
    .unwrap();
    summary.indexed
}

fn indexing(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let (input, lines) = corpus_file(tmp.path());
    let mut group = c.benchmark_group("index_corpus");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(40))
        .warm_up_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.bench_function(BenchmarkId::new("chaxin_zh_en", lines.len()), |b| {
        b.iter(|| chaxin_index(&input, &tmp.path().join("chaxin")))
    });
    group.bench_function(
        BenchmarkId::new("tantivy_default_tokenizer", lines.len()),
        |b| {
            b.iter(|| {
                baseline::baseline_index(
                    lines.iter().cloned(),
                    &tmp.path().join("baseline"),
                    THREADS,
                    MEMORY,
                    baseline::Baseline::DefaultTokenizer,
                )
            })
        },
    );
    group.finish();
}

fn queries(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let (input, _) = corpus_file(tmp.path());
    let dir = tmp.path().join("chaxin");
    chaxin_index(&input, &dir);
    let engine =
        SearchEngine::new(ChaxinIndex::open(&dir).unwrap(), SearchConfig::default()).unwrap();
    let cases: [(&str, SearchRequest); 5] = [
        (
            "zh_unspaced",
            SearchRequest {
                q: "永磁同步电机电磁噪声".into(),
                ..SearchRequest::default()
            },
        ),
        (
            "zh_phrase_and",
            SearchRequest {
                q: "\"稀土\" AND 铝合金 时效".into(),
                ..SearchRequest::default()
            },
        ),
        (
            "en_words",
            SearchRequest {
                q: "neural network training method".into(),
                ..SearchRequest::default()
            },
        ),
        (
            "en_phrase_filtered",
            SearchRequest {
                q: "\"sweet spot\" baseball bat".into(),
                date_to: Some("2000".parse().unwrap()),
                ..SearchRequest::default()
            },
        ),
        (
            "field_boolean",
            SearchRequest {
                q: "title:(graph OR network) AND NOT kind:patent".into(),
                ..SearchRequest::default()
            },
        ),
    ];
    let mut group = c.benchmark_group("query");
    for (name, request) in &cases {
        group.bench_function(*name, |b| b.iter(|| engine.search(request).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, indexing, queries);
criterion_main!(benches);
