//! Ingest pipeline tests on real records (tests/fixtures/corpus.ndjson at the repository root).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use chaxin_index::ChaxinIndex;
use chaxin_ingest::{collect_inputs, ingest, IngestError, IngestOptions};
use chaxin_query::{SearchConfig, SearchEngine, SearchRequest};
use chaxin_text::AnalyzerSettings;

fn corpus_lines() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus.ndjson");
    std::fs::read_to_string(path)
        .expect("fixture corpus")
        .lines()
        .map(String::from)
        .collect()
}

fn write(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").expect("write input");
    path
}

fn options(rejects: Option<PathBuf>) -> IngestOptions {
    IngestOptions {
        writer_threads: 1,
        writer_memory: 32 << 20,
        batch_size: 7,
        rejects,
        ..IngestOptions::default()
    }
}

fn count(index: &ChaxinIndex, q: &str) -> u64 {
    let engine = SearchEngine::new(index.clone(), SearchConfig::default()).unwrap();
    engine
        .search(&SearchRequest {
            q: q.into(),
            ..SearchRequest::default()
        })
        .unwrap()
        .total
}

#[test]
fn bad_lines_are_reported_with_line_numbers_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines: Vec<String> = corpus_lines().into_iter().take(10).collect();
    lines.insert(
        2,
        r#"{"id": "bad-1", "title": "x", "pub_date": "2020-13-01"}"#.into(),
    );
    lines.insert(5, "{not json".into());
    lines.insert(
        7,
        r#"{"id": "bad-3", "title": "x", "colour": "red"}"#.into(),
    );
    lines.insert(8, String::new()); // blank lines are skipped silently
    let input = write(dir.path(), "in.ndjson", &lines);
    let index = ChaxinIndex::create(&dir.path().join("idx"), AnalyzerSettings::default()).unwrap();
    let rejects = dir.path().join("rejects.ndjson");
    let summary = ingest(
        &index,
        &collect_inputs(&[input]).unwrap(),
        &options(Some(rejects.clone())),
    )
    .unwrap();
    assert_eq!(
        (summary.indexed, summary.replaced, summary.rejected),
        (10, 0, 3)
    );
    let located: Vec<(u64, &str)> = summary
        .first_errors
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(located, vec![(3, "pub_date"), (6, "-"), (8, "colour")]);
    assert!(summary.first_errors[0].file.ends_with("in.ndjson"));
    assert!(
        summary.first_errors[0].reason.contains("month 13"),
        "{:?}",
        summary.first_errors[0]
    );
    let written = std::fs::read_to_string(rejects).unwrap();
    assert_eq!(written.lines().count(), 3);
    let first: serde_json::Value = serde_json::from_str(written.lines().next().unwrap()).unwrap();
    assert_eq!(first["line"], 3);
    assert!(first["record"].as_str().unwrap().contains("bad-1"));
    assert_eq!(count(&index, ""), 10);
}

#[test]
fn strict_mode_commits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let index = ChaxinIndex::create(&dir.path().join("idx"), AnalyzerSettings::default()).unwrap();
    let good = write(dir.path(), "good.ndjson", &corpus_lines()[..5]);
    ingest(&index, &collect_inputs(&[good]).unwrap(), &options(None)).unwrap();
    let mut lines: Vec<String> = corpus_lines()[5..25].to_vec();
    lines.push(r#"{"id": 42, "title": "x"}"#.into());
    let bad = write(dir.path(), "bad.ndjson", &lines);
    let strict = IngestOptions {
        strict: true,
        ..options(None)
    };
    match ingest(&index, &collect_inputs(&[bad]).unwrap(), &strict) {
        Err(IngestError::Strict(e)) => assert_eq!((e.line, e.field.as_str()), (21, "id")),
        other => panic!("expected a strict failure, got {other:?}"),
    }
    // Only the earlier commit is visible, also after reopening from disk.
    let reopened = ChaxinIndex::open(&dir.path().join("idx")).unwrap();
    assert_eq!(count(&reopened, ""), 5);
}

#[test]
fn reingesting_an_id_replaces_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let index = ChaxinIndex::create(&dir.path().join("idx"), AnalyzerSettings::default()).unwrap();
    let lines = corpus_lines();
    let first = write(dir.path(), "first.ndjson", &lines);
    ingest(&index, &collect_inputs(&[first]).unwrap(), &options(None)).unwrap();
    let original = lines
        .iter()
        .find(|l| l.contains("\"csl-dev-0000\""))
        .unwrap();
    let changed = original.replace(
        "一种基于平方和优化的飞行器大角度机动镇定控制器设计方法",
        "平方和优化的镇定控制器设计(修订版)",
    );
    // The same id twice in one run, and once already indexed: one record remains, the last.
    let second = write(dir.path(), "second.ndjson", &[original.clone(), changed]);
    let summary = ingest(&index, &collect_inputs(&[second]).unwrap(), &options(None)).unwrap();
    assert_eq!((summary.indexed, summary.replaced), (0, 2));
    assert_eq!(count(&index, ""), lines.len() as u64);
    assert_eq!(count(&index, "id:csl-dev-0000"), 1);
    assert_eq!(count(&index, "title:修订版"), 1);
    assert_eq!(count(&index, "title:飞行器"), 0);
}

#[test]
fn zstd_inputs_and_directories_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("nested")).unwrap();
    let lines = corpus_lines();
    let (a, b) = lines.split_at(20);
    write(&data, "a.jsonl", a);
    let file = std::fs::File::create(data.join("nested/b.ndjson.zst")).unwrap();
    let mut encoder = zstd::stream::write::Encoder::new(file, 3)
        .unwrap()
        .auto_finish();
    encoder.write_all((b.join("\n") + "\n").as_bytes()).unwrap();
    drop(encoder);
    std::fs::write(data.join("notes.txt"), "ignored").unwrap();
    let inputs = collect_inputs(&[data]).unwrap();
    assert_eq!(inputs.len(), 2);
    let index = ChaxinIndex::create(&dir.path().join("idx"), AnalyzerSettings::default()).unwrap();
    let summary = ingest(&index, &inputs, &options(None)).unwrap();
    assert_eq!(summary.indexed, lines.len() as u64);
    assert_eq!(count(&index, "\"镇定控制器\""), 1);
    // Unsupported files given explicitly are an error, not silently skipped.
    assert!(collect_inputs(&[dir.path().join("data/notes.txt")]).is_err());
}

#[test]
fn invalid_utf8_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.ndjson");
    let mut bytes = corpus_lines()[0].clone().into_bytes();
    bytes.extend_from_slice(b"\n{\"id\": \"x\", \"title\": \"\xff\"}\n");
    std::fs::write(&path, bytes).unwrap();
    let index = ChaxinIndex::create(&dir.path().join("idx"), AnalyzerSettings::default()).unwrap();
    let summary = ingest(&index, &collect_inputs(&[path]).unwrap(), &options(None)).unwrap();
    assert_eq!((summary.indexed, summary.rejected), (1, 1));
    assert_eq!(summary.first_errors[0].line, 2);
    assert!(summary.first_errors[0].reason.contains("UTF-8"));
}
