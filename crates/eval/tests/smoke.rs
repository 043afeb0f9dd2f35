//! A small collection built from the real-record fixture: each query is a record's title and its
//! judged document is that record (title removed), as in the CSL and patent dev sets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;

use chaxin_query::SearchConfig;

fn build_collection(dir: &Path) -> usize {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus.ndjson");
    let text = std::fs::read_to_string(fixture).unwrap();
    std::fs::create_dir_all(dir.join("qrels")).unwrap();
    let mut corpus = std::fs::File::create(dir.join("corpus.jsonl")).unwrap();
    let mut queries = std::fs::File::create(dir.join("queries.jsonl")).unwrap();
    let mut qrels = std::fs::File::create(dir.join("qrels/test.tsv")).unwrap();
    writeln!(qrels, "query-id\tcorpus-id\tscore").unwrap();
    let mut n = 0;
    for line in text.lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        let (Some(title), Some(abstract_)) = (r["title"].as_str(), r["abstract"].as_str()) else {
            continue;
        };
        let id = r["id"].as_str().unwrap();
        writeln!(
            corpus,
            "{}",
            serde_json::json!({"_id": id, "title": "", "text": abstract_})
        )
        .unwrap();
        writeln!(
            queries,
            "{}",
            serde_json::json!({"_id": format!("q-{id}"), "text": title})
        )
        .unwrap();
        writeln!(qrels, "q-{id}\t{id}\t1").unwrap();
        n += 1;
    }
    n
}

#[test]
fn titles_find_their_abstracts() {
    let dir = tempfile::tempdir().unwrap();
    let n = build_collection(dir.path());
    let dataset = chaxin_eval::load(dir.path()).unwrap();
    let report = chaxin_eval::evaluate(
        &dataset,
        &SearchConfig::default(),
        chaxin_eval::Mode::Search,
    )
    .unwrap();
    assert_eq!(report.queries, n);
    assert_eq!(report.rejected_docs, 0);
    // 48 real records, titles as queries: nearly every abstract ranks first.
    assert!(report.mean.mrr10 > 0.85, "{:?}", report.mean);
    assert!(report.mean.recall100 > 0.95, "{:?}", report.mean);
    let table = chaxin_eval::markdown_table(&[report]);
    assert!(table.contains("| nDCG@10 |"), "{table}");
}

#[test]
fn a_broken_qrels_line_is_located() {
    let dir = tempfile::tempdir().unwrap();
    build_collection(dir.path());
    std::fs::write(
        dir.path().join("qrels/test.tsv"),
        "query-id\tcorpus-id\tscore\nq1\tdoc1\n",
    )
    .unwrap();
    let err = chaxin_eval::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("test.tsv:2:"), "{err}");
}
