//! Figures on a large (synthetic) corpus; see `scripts/bench-1m.sh`, which runs every step.
//!
//! ```text
//! cargo bench --bench large -- index-chaxin   CORPUS INDEX_DIR THREADS
//! cargo bench --bench large -- index-baseline CORPUS INDEX_DIR THREADS   (default tokenizer)
//! cargo bench --bench large -- index-jieba    CORPUS INDEX_DIR THREADS   (bare jieba tokenizer)
//! cargo bench --bench large -- queries        INDEX_DIR [ROUNDS] [MIX (benches/…json)]
//! cargo bench --bench large -- novelty        INDEX_DIR [ROUNDS]   (3-point novelty requests)
//! cargo bench --bench large -- tokens         CORPUS [RECORDS]   (tokens per stream and language)
//! ```
//! Indexing prints docs/s and MB/s of NDJSON (uncompressed). `queries` runs the fixed mix in
//! `benches/query-mix.json` (Chinese, English, phrase, boolean and filtered queries: top 10 with
//! snippets, as the API answers them), one warm-up round then ROUNDS rounds (default 25), and
//! prints p50/p95/p99 per class and overall, with the shipped lexicon (`CHAXIN_LEXICON=none`:
//! without, so without cross-language expansion). `novelty` does the same with the 3-point novelty
//! requests of `benches/novelty-mix.json` (full responses: evidence, passages, hit counts).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chaxin_index::ChaxinIndex;
use chaxin_ingest::{collect_inputs, ingest, IngestOptions};
use chaxin_query::{NoveltyRequest, SearchConfig, SearchEngine, SearchRequest};
use chaxin_text::AnalyzerSettings;

#[path = "support/baseline.rs"]
mod baseline;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const MEMORY: usize = 512 << 20;

fn ndjson_bytes(corpus: &Path) -> u64 {
    baseline::read_lines(corpus)
        .map(|l| l.len() as u64 + 1)
        .sum()
}

fn report(name: &str, threads: usize, docs: u64, bytes: u64, elapsed: Duration) {
    let secs = elapsed.as_secs_f64();
    println!(
        "{name}: threads {threads}: {docs} docs in {secs:.1} s: {:.0} docs/s, {:.1} MB/s",
        docs as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
}

fn index_chaxin(corpus: &Path, dir: &Path, threads: usize) {
    let bytes = ndjson_bytes(corpus);
    let _ = std::fs::remove_dir_all(dir);
    let started = Instant::now();
    let index = ChaxinIndex::create(dir, AnalyzerSettings::default()).unwrap();
    let options = IngestOptions {
        writer_threads: threads,
        writer_memory: MEMORY,
        ..IngestOptions::default()
    };
    let inputs = collect_inputs(&[corpus.to_path_buf()]).unwrap();
    let summary = ingest(&index, &inputs, &options).unwrap();
    report("chaxin", threads, summary.indexed, bytes, started.elapsed());
}

fn index_baseline(corpus: &Path, dir: &Path, threads: usize, which: baseline::Baseline) {
    let bytes = ndjson_bytes(corpus);
    let started = Instant::now();
    let docs = baseline::baseline_index(baseline::read_lines(corpus), dir, threads, MEMORY, which);
    let name = match which {
        baseline::Baseline::DefaultTokenizer => "tantivy default tokenizer",
        baseline::Baseline::Jieba => "tantivy + bare jieba tokenizer",
    };
    report(name, threads, docs, bytes, started.elapsed());
}

#[derive(serde::Deserialize)]
struct MixEntry {
    class: String,
    request: SearchRequest,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize - 1;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1e3
}

fn queries(dir: &Path, rounds: usize, mix: &str) {
    let mix_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches")
        .join(mix);
    let mix: Vec<MixEntry> =
        serde_json::from_str(&std::fs::read_to_string(mix_path).unwrap()).unwrap();
    let started = Instant::now();
    let engine = SearchEngine::new(ChaxinIndex::open(dir).unwrap(), config_with_lexicon()).unwrap();
    println!(
        "opened {} docs in {:.2} s",
        engine.num_docs(),
        started.elapsed().as_secs_f64()
    );
    let mut by_class: Vec<(String, Vec<Duration>)> = Vec::new();
    let mut all = Vec::new();
    for round in 0..=rounds {
        for entry in &mix {
            let started = Instant::now();
            let response = engine.search(&entry.request).unwrap();
            let elapsed = started.elapsed();
            if round == 0 {
                println!(
                    "  {:>8} {:>7} hits  {:7.1} ms (cold)  {}",
                    entry.class,
                    response.total,
                    elapsed.as_secs_f64() * 1e3,
                    entry.request.q
                );
                continue;
            }
            record(&mut by_class, &mut all, &entry.class, elapsed);
        }
    }
    latency_table(by_class, all);
}

/// Adds one measured request to its class and to the total.
fn record(
    by_class: &mut Vec<(String, Vec<Duration>)>,
    all: &mut Vec<Duration>,
    class: &str,
    elapsed: Duration,
) {
    all.push(elapsed);
    match by_class.iter_mut().find(|(c, _)| c == class) {
        Some((_, v)) => v.push(elapsed),
        None => by_class.push((class.to_string(), vec![elapsed])),
    }
}

/// Prints p50/p95/p99 and max per class and over all requests.
fn latency_table(mut by_class: Vec<(String, Vec<Duration>)>, all: Vec<Duration>) {
    println!("| requests | n | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|");
    by_class.push(("all".into(), all));
    for (class, mut times) in by_class {
        times.sort();
        println!(
            "| {class} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            times.len(),
            percentile(&times, 50.0),
            percentile(&times, 95.0),
            percentile(&times, 99.0),
            times.last().unwrap().as_secs_f64() * 1e3
        );
    }
}

#[derive(serde::Deserialize)]
struct NoveltyEntry {
    class: String,
    request: NoveltyRequest,
}

/// The engine's configuration with the shipped lexicon, as the server loads it
/// (`CHAXIN_LEXICON=DIR` another one, `none` without one: no cross-language expansion).
fn config_with_lexicon() -> SearchConfig {
    let lexicon_dir = std::env::var("CHAXIN_LEXICON").unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("index-data/lexicon")
            .to_string_lossy()
            .into_owned()
    });
    let lexicon = if lexicon_dir == "none" {
        chaxin_lexicon::Lexicon::default()
    } else {
        chaxin_lexicon::load_dir(Path::new(&lexicon_dir)).unwrap()
    };
    println!("lexicon {lexicon_dir}: {:?}", lexicon.origins());
    SearchConfig {
        lexicon: std::sync::Arc::new(lexicon),
        ..SearchConfig::default()
    }
}

fn novelty(dir: &Path, rounds: usize) {
    let mix_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/novelty-mix.json");
    let mix: Vec<NoveltyEntry> =
        serde_json::from_str(&std::fs::read_to_string(mix_path).unwrap()).unwrap();
    let engine = SearchEngine::new(ChaxinIndex::open(dir).unwrap(), config_with_lexicon()).unwrap();
    let mut by_class: Vec<(String, Vec<Duration>)> = Vec::new();
    let mut all = Vec::new();
    for round in 0..=rounds {
        for entry in &mix {
            let started = Instant::now();
            let response = engine.novelty(&entry.request).unwrap();
            let elapsed = started.elapsed();
            if round == 0 {
                let hits: Vec<u64> = response
                    .points
                    .iter()
                    .filter_map(|p| p.expressions.last().map(|e| e.hits))
                    .collect();
                println!(
                    "  {:>6} {:>4} candidates of {:>4} considered, broad hits {:?}  {:7.1} ms (cold)",
                    entry.class,
                    response.candidates.len(),
                    response.considered,
                    hits,
                    elapsed.as_secs_f64() * 1e3
                );
                continue;
            }
            record(&mut by_class, &mut all, &entry.class, elapsed);
        }
    }
    latency_table(by_class, all);
}

/// Tokens per stream and language over the titles and abstracts of the first `n` records:
/// what the postings writer has to handle.
fn tokens(corpus: &Path, n: usize) {
    let analyzer = chaxin_text::Analyzer::default_settings();
    let mut counts = std::collections::BTreeMap::<String, [u64; 3]>::new();
    for line in baseline::read_lines(corpus).take(n) {
        let record: chaxin_index::Record = serde_json::from_str(&line).unwrap();
        let entry = counts.entry(record.lang().to_string()).or_default();
        let texts = record.title.iter().chain(record.abstract_text.iter());
        for text in texts.flat_map(|t| t.texts()) {
            let (main, exact) = analyzer.analyze_both(text);
            entry[0] += text.len() as u64;
            entry[1] += main.len() as u64;
            entry[2] += exact.len() as u64;
        }
    }
    println!("| lang | text MB | main tokens | exact tokens |\n|---|---|---|---|");
    for (lang, [bytes, main, exact]) in counts {
        println!("| {lang} | {:.1} | {main} | {exact} |", bytes as f64 / 1e6);
    }
}

fn main() {
    // cargo bench passes `--bench`; everything else is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let arg = |i: usize| -> &str {
        args.get(i).map(String::as_str).unwrap_or_else(|| {
            eprintln!("usage: see benches/large.rs");
            std::process::exit(2)
        })
    };
    match arg(0) {
        "index-chaxin" => index_chaxin(
            Path::new(arg(1)),
            &PathBuf::from(arg(2)),
            arg(3).parse().unwrap(),
        ),
        "index-baseline" => index_baseline(
            Path::new(arg(1)),
            &PathBuf::from(arg(2)),
            arg(3).parse().unwrap(),
            baseline::Baseline::DefaultTokenizer,
        ),
        "index-jieba" => index_baseline(
            Path::new(arg(1)),
            &PathBuf::from(arg(2)),
            arg(3).parse().unwrap(),
            baseline::Baseline::Jieba,
        ),
        "queries" => queries(
            Path::new(arg(1)),
            args.get(2).map_or(25, |r| r.parse().unwrap()),
            args.get(3).map_or("query-mix.json", String::as_str),
        ),
        "novelty" => novelty(
            Path::new(arg(1)),
            args.get(2).map_or(10, |r| r.parse().unwrap()),
        ),
        "tokens" => tokens(
            Path::new(arg(1)),
            args.get(2).map_or(20_000, |n| n.parse().unwrap()),
        ),
        other => {
            eprintln!("unknown step `{other}`; see benches/large.rs");
            std::process::exit(2)
        }
    }
}
