//! End-to-end tests: the real server over HTTP, on the fixture corpus (real CSL, arXiv and
//! patent records in tests/fixtures/corpus.ndjson).

use common::{enc, fixtures, ids, Server};
use serde_json::Value;

use crate::common;

fn start() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("index"), &fixtures());
    (dir, server)
}

#[test]
fn chinese_query_ranks_the_expected_paper_first_with_highlights() {
    let (_dir, server) = start();
    let r = server.get(&format!("/v1/search?q={}", enc("平方和优化 镇定控制器")));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(ids(&v)[0], "csl-dev-0000");
    let hit = &v["hits"][0];
    assert!(
        hit["snippets"]["title"]
            .as_str()
            .unwrap()
            .contains("<em>镇定控制器</em>"),
        "{hit}"
    );
    assert!(
        hit["snippets"]["abstract"]
            .as_str()
            .unwrap()
            .contains("<em>"),
        "{hit}"
    );
    // Traditional characters and full-width forms find the same paper.
    let v = server
        .get(&format!("/v1/search?q={}", enc("平方和優化 鎮定控制器")))
        .json();
    assert_eq!(ids(&v)[0], "csl-dev-0000");
    // A quoted Chinese phrase matches its character sequence inside longer words.
    let v = server
        .get(&format!("/v1/search?q={}", enc("\"定控制\"")))
        .json();
    assert_eq!(ids(&v), vec!["csl-dev-0000"]);
    // An unspaced Chinese query is segmented, not one long phrase.
    let v = server
        .get(&format!("/v1/search?q={}", enc("永磁同步电机电磁噪声")))
        .json();
    assert_eq!(ids(&v)[0], "csl-x-2604");
    assert!(v["total"].as_u64().unwrap() >= 2, "{v}");
}

#[test]
fn english_query_ranks_the_expected_patent_first_and_post_equals_get() {
    let (_dir, server) = start();
    let get = server.get(&format!(
        "/v1/search?q={}&limit=5",
        enc("center of percussion sweet spot for baseball bats")
    ));
    assert_eq!(get.status, 200, "{}", get.body);
    let v = get.json();
    assert_eq!(ids(&v)[0], "US5269177");
    assert!(v["hits"][0]["snippets"]["title"]
        .as_str()
        .unwrap()
        .contains("<em>percussion</em>"));
    let post = server.post_json(
        "/v1/search",
        r#"{"q": "center of percussion sweet spot for baseball bats", "limit": 5}"#,
    );
    assert_eq!(post.status, 200, "{}", post.body);
    assert_eq!(ids(&post.json()), ids(&v));
    // Singular query, plural text.
    let v = server
        .get(&format!(
            "/v1/search?q={}",
            enc("title:\"neural networks\" training")
        ))
        .json();
    assert_eq!(ids(&v)[0], "US5426721");
}

#[test]
fn filters_pagination_and_deterministic_order() {
    let (_dir, server) = start();
    let all = server.get("/v1/search?q=neural+network&limit=50").json();
    assert!(ids(&all).contains(&"US9619749".to_string()), "{all}");
    let old = server
        .get("/v1/search?q=neural+network&date_to=1995&limit=50")
        .json();
    assert!(!ids(&old).is_empty());
    assert!(!ids(&old).contains(&"US9619749".to_string()));
    for hit in old["hits"].as_array().unwrap() {
        assert!(hit["pub_date"].as_str().unwrap() <= "1995-12-31", "{hit}");
    }
    let v = server.get("/v1/search?q=neural&kind=paper&lang=zh").json();
    assert_eq!(v["total"], 0, "{v}");
    let papers = server
        .get(&format!("/v1/search?q={}&kind=paper", enc("稀土")))
        .json();
    assert!(papers["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["kind"] == "paper"));

    // Same request, same order; pages concatenate to the whole list.
    let again = server.get("/v1/search?q=neural+network&limit=50").json();
    assert_eq!(ids(&all), ids(&again));
    let first = server.get("/v1/search?q=neural+network&limit=3").json();
    let second = server
        .get("/v1/search?q=neural+network&limit=3&offset=3")
        .json();
    let paged: Vec<String> = ids(&first).into_iter().chain(ids(&second)).collect();
    assert_eq!(paged, ids(&all)[..6].to_vec());
    assert_eq!(first["total"], all["total"]);
    // Ties (an empty query gives every record the same score) are broken by id.
    let browse = server.get("/v1/search?q=&limit=100").json();
    let browse_ids = ids(&browse);
    let mut sorted = browse_ids.clone();
    sorted.sort();
    assert_eq!(browse_ids, sorted);
    assert_eq!(browse["total"], 48);
}

fn assert_error(r: &common::Response, status: u16, code: &str) -> Value {
    assert_eq!(r.status, status, "{}", r.body);
    let v = r.json();
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(!v["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .is_empty());
    v
}

#[test]
fn malformed_requests_get_4xx_with_a_code() {
    let (_dir, server) = start();
    let v = assert_error(
        &server.get(&format!("/v1/search?q={}", enc("(稀土 AND"))),
        400,
        "query_syntax",
    );
    assert!(v["error"]["column"].as_u64().is_some(), "{v}");
    assert_error(&server.get("/v1/search?q=foo:bar"), 400, "query_syntax");
    let v = assert_error(
        &server.post_json("/v1/search", r#"{"q": "x",}"#),
        400,
        "malformed_json",
    );
    assert_eq!(v["error"]["line"], 1);
    assert_error(&server.post_json("/v1/search", ""), 400, "malformed_json");
    let v = assert_error(
        &server.post_json("/v1/search", r#"{"q": "x", "colour": 1}"#),
        422,
        "invalid_field",
    );
    assert_eq!(v["error"]["field"], "colour");
    let v = assert_error(
        &server.post_json("/v1/search", r#"{"q": "x", "limit": "ten"}"#),
        422,
        "invalid_field",
    );
    assert_eq!(v["error"]["field"], "limit");
    let v = assert_error(
        &server.post_json("/v1/search", r#"{"q": "x", "kind": ["paper", "blog"]}"#),
        422,
        "invalid_field",
    );
    assert_eq!(v["error"]["field"], "kind[1]");
    let v = assert_error(
        &server.get("/v1/search?q=x&limit=1000"),
        422,
        "invalid_field",
    );
    assert_eq!(v["error"]["field"], "limit");
    let v = assert_error(
        &server.get("/v1/search?q=x&date_to=2021-02-30"),
        422,
        "invalid_field",
    );
    assert_eq!(v["error"]["field"], "date_to");
    assert_error(
        &server.get("/v1/search?q=x&offset=9999&limit=10"),
        422,
        "invalid_field",
    );
    assert_error(&server.get("/v1/search?qq=x"), 400, "bad_request");
    let big = format!(r#"{{"q": "{}"}}"#, "a".repeat(100 * 1024));
    assert_error(
        &server.post_json("/v1/search", &big),
        413,
        "payload_too_large",
    );
    assert_error(
        &server.request(
            "POST",
            "/v1/search",
            &[("Content-Type", "text/plain")],
            b"{}",
        ),
        415,
        "unsupported_media_type",
    );
    assert_error(
        &server.request(
            "POST",
            "/v1/search",
            &[("Content-Type", "application/json")],
            b"{\"q\": \"\xff\xfe\"}",
        ),
        400,
        "malformed_json",
    );
    assert_error(
        &server.post_json(
            "/v1/search",
            &format!("{}1{}", "[".repeat(200), "]".repeat(200)),
        ),
        400,
        "malformed_json",
    );
    assert_error(
        &server.post_json("/v1/search", "[\"x\"]"),
        422,
        "invalid_field",
    );
    assert_error(
        &server.get("/v1/documents/no-such-id"),
        404,
        "document_not_found",
    );
    assert_error(&server.get("/v1/nothing-here"), 404, "not_found");
    assert_error(
        &server.request("DELETE", "/v1/search", &[], b""),
        405,
        "method_not_allowed",
    );
    // The server is still healthy after all of that.
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn documents_stats_and_health() {
    let (_dir, server) = start();
    let r = server.get("/v1/documents/csl-dev-0000");
    assert_eq!(r.status, 200, "{}", r.body);
    let doc = r.json();
    assert_eq!(
        doc["title"],
        "一种基于平方和优化的飞行器大角度机动镇定控制器设计方法"
    );
    assert_eq!(doc["keywords"][1], "平方和优化");
    let r = server.get(&format!("/v1/documents/{}", enc("arxiv:0704.0001")));
    assert_eq!(r.json()["pub_date"], "2007-04-02");
    let stats = server.get("/v1/stats").json();
    assert_eq!(stats["documents"], 48);
    assert_eq!(stats["by_lang"]["zh"], 22);
    assert!(stats["by_kind"]["patent"].as_u64().unwrap() >= 10);
    assert_eq!(stats["analyzer"]["version"], chaxin_text::ANALYZER_VERSION);
    assert!(stats["index_bytes"].as_u64().unwrap() > 0);
    let health = server.get("/healthz").json();
    assert_eq!(health["status"], "ok");
}

#[test]
fn second_start_reuses_the_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index");
    {
        let server = Server::start(&index, &fixtures());
        assert_eq!(server.get("/v1/stats").json()["documents"], 48);
        let log = std::fs::read_to_string(&server.stderr_log).unwrap();
        assert!(log.contains("building"), "{log}");
    }
    let server = Server::start(&index, &fixtures());
    let log = std::fs::read_to_string(&server.stderr_log).unwrap();
    assert!(!log.contains("building"), "{log}");
    assert_eq!(server.get("/v1/stats").json()["documents"], 48);
}
