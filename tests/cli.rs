//! The `chaxin` command line: index (summary, rejects, --strict), search, import and the
//! terminology mining of `lexicon build --records`.

use std::process::Command;

use common::fixtures;

use crate::common;

fn chaxin(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chaxin"))
        .args(args)
        .output()
        .expect("run chaxin")
}

#[test]
fn index_reports_bad_lines_and_strict_commits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = std::fs::read_to_string(fixtures().join("corpus.ndjson")).unwrap();
    let mut lines: Vec<&str> = corpus
        .lines()
        .filter(|l| {
            ["csl-dev-0000", "csl-x-2604", "US5269177", "arxiv:0704.0001"]
                .iter()
                .any(|id| l.contains(&format!("\"id\":\"{id}\"")))
        })
        .collect();
    assert_eq!(lines.len(), 4);
    lines.push(r#"{"id": "x", "title": "钕铁硼", "pub_date": "2020-02-30"}"#);
    let input = dir.path().join("in.ndjson");
    std::fs::write(&input, lines.join("\n")).unwrap();
    let index = dir.path().join("idx");
    let (input_s, index_s) = (input.to_str().unwrap(), index.to_str().unwrap());

    let strict = chaxin(&["index", "--strict", "--input", input_s, "--index", index_s]);
    assert!(!strict.status.success());
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert!(
        stderr.contains("in.ndjson:5: field `pub_date`")
            && stderr.contains("nothing was committed"),
        "{stderr}"
    );

    let out = chaxin(&["index", "--input", input_s, "--index", index_s]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("indexed 4 new, 0 replaced, 1 rejected"),
        "{stderr}"
    );
    assert!(
        stderr.contains("in.ndjson:5: field `pub_date`: `2020-02-30`: day 30 does not exist"),
        "{stderr}"
    );
    assert!(dir.path().join("idx.rejects.ndjson").is_file());

    let again = chaxin(&["index", "--input", input_s, "--index", index_s]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("indexed 0 new, 4 replaced, 1 rejected"),
        "{stderr}"
    );

    let search = chaxin(&[
        "search",
        "--index",
        index_s,
        "--json",
        "id:csl-dev-0000 OR 平方和优化",
    ]);
    assert!(
        search.status.success(),
        "{}",
        String::from_utf8_lossy(&search.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
    assert_eq!(v["hits"][0]["id"], "csl-dev-0000");
    let bad_query = chaxin(&["search", "--index", index_s, "title:(稀土"]);
    assert!(!bad_query.status.success());
    assert!(String::from_utf8_lossy(&bad_query.stderr).contains("column 7"));
}

#[test]
fn import_converts_and_locates_errors() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("patents.csv");
    std::fs::write(
        &csv,
        "patent_abstract,patent_date,patent_number,patent_title\n\"A double loop device for practicing spot pitching which simulates actual game conditions.\",1990-09-11,4955607,Baseball spot pitching practicing device\nx,1990-02-30,4955608,y\n",
    )
    .unwrap();
    let out_path = dir.path().join("out.ndjson.zst");
    let out = chaxin(&[
        "import",
        "--format",
        "patentsview-csv",
        "--input",
        csv.to_str().unwrap(),
        "--output",
        out_path.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("wrote 1 records") && stderr.contains("patents.csv:3: field `patent_date`"),
        "{stderr}"
    );
    let bytes = zstd::decode_all(std::fs::File::open(&out_path).unwrap()).unwrap();
    let record: serde_json::Value =
        serde_json::from_slice(bytes.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert_eq!(record["id"], "US4955607");
    assert_eq!(record["kind"], "patent");
    let unknown = chaxin(&[
        "import",
        "--format",
        "citavi",
        "--input",
        csv.to_str().unwrap(),
        "--output",
        out_path.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown format `citavi`"));
}

#[test]
fn killing_an_ingest_leaves_the_last_commit_intact() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("idx");
    let index_s = index.to_str().unwrap();
    let fixture = fixtures().join("corpus.ndjson");
    let first = chaxin(&[
        "index",
        "--input",
        fixture.to_str().unwrap(),
        "--index",
        index_s,
    ]);
    assert!(first.status.success());
    // A larger run (the shipped corpus), killed mid-way.
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("index-data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_chaxin"))
        .args(["index", "--index", index_s, "--input"])
        .arg(&data)
        .env("RUST_LOG", "chaxin_ingest=debug")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Killed once its first batch is in the writer: under way, nothing of it committed.
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let under_way = std::io::BufRead::lines(stderr)
        .map_while(Result::ok)
        .any(|line| line.contains("batch added, not committed"));
    assert!(under_way, "the ingest ended without adding a batch");
    child.kill().unwrap(); // SIGKILL
    let _ = child.wait();
    let stats = chaxin(&["search", "--index", index_s, "--json", "--limit", "1", ""]);
    assert!(
        stats.status.success(),
        "{}",
        String::from_utf8_lossy(&stats.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(v["total"], 48, "only the committed run is visible");
    // The index is still writable: the lock died with the process.
    let again = chaxin(&[
        "index",
        "--input",
        fixture.to_str().unwrap(),
        "--index",
        index_s,
    ]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("indexed 0 new, 48 replaced"));
}

/// Smoke run of the benchmark generator (the 1M-record run is in scripts/bench-1m.sh): same
/// seed, same bytes; the records index without a single rejection and are searchable.
#[test]
fn generate_is_deterministic_and_its_records_index() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = fixtures().join("corpus.ndjson");
    let run = |name: &str, seed: &str| {
        let out = dir.path().join(name);
        let status = chaxin(&[
            "generate",
            "--records",
            "500",
            "--seed",
            seed,
            "--from",
            corpus.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ]);
        assert!(status.status.success(), "{status:?}");
        std::fs::read(out).unwrap()
    };
    let first = run("a.ndjson.zst", "7");
    assert_eq!(first, run("b.ndjson.zst", "7"));
    assert_ne!(first, run("c.ndjson.zst", "8"));

    let index = dir.path().join("idx");
    let input = dir.path().join("a.ndjson.zst");
    let out = chaxin(&[
        "index",
        "--input",
        input.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("indexed 500 new, 0 replaced, 0 rejected"),
        "{stderr}"
    );
    let search = chaxin(&[
        "search",
        "--index",
        index.to_str().unwrap(),
        "--json",
        "稀土 铝合金",
    ]);
    let response: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
    assert!(response["total"].as_u64().unwrap() > 0, "{response}");
}

#[test]
fn import_a_cnki_export_index_it_and_export_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("cnki.txt");
    std::fs::write(
        &export,
        "{Reference Type}: Journal Article\n{Title}: 兆瓦级风电机组载荷计算\n{Author}: 王五;赵六;\n{Journal}: 太阳能学报\n{Year}: 2018\n{Volume}: 39\n{Issue}: 03\n{Pages}: 641-648\n{Keywords}: 风电机组;;载荷\n{ISBN/ISSN}: 0254-0096\n{Notes}: 11-2082/TK\n\n{Reference Type}: Journal Article\n{Author}: 无题;\n",
    )
    .unwrap();
    let ndjson = dir.path().join("cnki.ndjson");
    let out = chaxin(&[
        "import",
        "--format",
        "noteexpress",
        "--input",
        export.to_str().unwrap(),
        "--output",
        ndjson.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("wrote 1 records"), "{stderr}");
    assert!(stderr.contains("cnki.txt:13: field `title`"), "{stderr}");
    let index = dir.path().join("idx");
    let out = chaxin(&[
        "index",
        "--input",
        ndjson.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = chaxin(&[
        "search",
        "--index",
        index.to_str().unwrap(),
        "--format",
        "gbt7714",
        "风电机组",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "[1] 王五, 赵六. 兆瓦级风电机组载荷计算[J]. 太阳能学报, 2018, 39(3): 641-648.\n"
    );
    let out = chaxin(&[
        "search",
        "--index",
        index.to_str().unwrap(),
        "--format",
        "ris",
        "风电机组",
    ]);
    let ris = String::from_utf8_lossy(&out.stdout);
    assert!(
        ris.contains("C1  - 11-2082/TK\r\n") && ris.contains("SN  - 0254-0096\r\n"),
        "{ris}"
    );
}

#[test]
fn terminology_is_mined_from_records_and_bad_lines_are_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let records = dir.path().join("records.ndjson");
    let record = |id: &str, keywords: &str| {
        format!(
            r#"{{"id": "{id}", "kind": "paper", "title": "基于随机森林的锅炉运行参数软测量", "keywords": [{keywords}]}}"#
        )
    };
    let lines: Vec<String> = (0..4)
        .map(|i| record(&format!("t{i}"), r#""随机森林", "软测量""#))
        .collect();
    std::fs::write(&records, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("lexicon");
    let build = || {
        chaxin(&[
            "lexicon",
            "build",
            "--records",
            records.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
    };
    let run = build();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let terms = String::from_utf8(
        zstd::decode_all(std::fs::File::open(out.join("index-terms.tsv.zst")).unwrap()).unwrap(),
    )
    .unwrap();
    assert!(
        terms.lines().any(|l| l.starts_with("zh\t软测量\t")),
        "{terms}"
    );
    assert!(
        terms.lines().any(|l| l.starts_with("zh\t随机森林\t")),
        "{terms}"
    );
    // The terms load with the lexicon.
    let lookup = chaxin(&[
        "lexicon",
        "lookup",
        "--lexicon",
        out.to_str().unwrap(),
        "软测量",
    ]);
    assert!(
        lookup.status.success(),
        "{}",
        String::from_utf8_lossy(&lookup.stderr)
    );

    std::fs::write(&records, format!("{}\n{{\"id\": 5\n", lines[0])).unwrap();
    let run = build();
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("records.ndjson, line 2"), "{stderr}");
}

#[test]
fn a_hold_out_can_spare_the_papers_no_evaluation_judges() {
    let dir = tempfile::tempdir().unwrap();
    let bilingual = dir.path().join("bilingual.jsonl");
    let paper = |id: &str| {
        format!(
            r#"{{"chinaxiv_id": "{id}", "title_zh": "锅炉烟气氮氧化物软测量", "title_en": "Soft sensor of nitrogen oxides in boiler flue gas", "keywords_zh": "软测量；氮氧化物", "keywords_en": "soft sensor; nitrogen oxides"}}"#
        )
    };
    let lines: Vec<String> = ["201601.00001", "201601.00002", "201601.00003"]
        .iter()
        .map(|id| paper(id))
        .collect();
    std::fs::write(&bilingual, lines.join("\n") + "\n").unwrap();
    let set = dir.path().join("cx-set");
    std::fs::create_dir_all(set.join("qrels")).unwrap();
    let qrels = set.join("qrels").join("test.tsv");
    std::fs::write(
        &qrels,
        "query-id\tcorpus-id\tscore\nq1\tcx201601.00002-en\t1\n",
    )
    .unwrap();
    let out = dir.path().join("lexicon");
    let build = |judged: bool| {
        let mut args = vec![
            "lexicon",
            "build",
            "--bilingual",
            bilingual.to_str().unwrap(),
            "--hold-out",
            "1/1",
            "-o",
            out.to_str().unwrap(),
        ];
        if judged {
            args.extend(["--hold-out-judged", set.to_str().unwrap()]);
        }
        chaxin(&args)
    };
    let every = build(false);
    assert!(
        every.status.success(),
        "{}",
        String::from_utf8_lossy(&every.stderr)
    );
    assert!(String::from_utf8_lossy(&every.stderr).contains("(3 papers held out)"));
    let judged = build(true);
    assert!(
        judged.status.success(),
        "{}",
        String::from_utf8_lossy(&judged.stderr)
    );
    assert!(
        String::from_utf8_lossy(&judged.stderr).contains("(1 papers held out)"),
        "{}",
        String::from_utf8_lossy(&judged.stderr)
    );
    // A bad judgment line is named.
    std::fs::write(
        &qrels,
        "query-id\tcorpus-id\tscore\nq1\tcx201601.00002-en\tmost\n",
    )
    .unwrap();
    let bad = build(true);
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("test.tsv:2:") && stderr.contains("`most`"),
        "{stderr}"
    );
}
