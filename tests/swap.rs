//! End-to-end test of re-indexing without downtime: a new index is built beside the served one
//! (over HTTP, and with `chaxin index --publish`), and searches switch to it while a search load
//! runs: no request fails, and no client sees the old index again once it has seen the new one.

use std::sync::atomic::{AtomicBool, Ordering};

use common::{enc, fixtures, id_of, new_records, Server};
use serde_json::Value;

use crate::common;

const WRITE_KEY: &str = "write-key-for-swap-test-01";

fn call(server: &Server, method: &str, path: &str, body: &str) -> (u16, Value) {
    let auth = format!("Bearer {WRITE_KEY}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let r = server.request(method, path, &headers, body.as_bytes());
    let json = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, json)
}

fn top_hit(server: &Server, query: &str) -> (u16, Option<String>) {
    let r = server.get(&format!("/v1/search?limit=1&q={}", enc(query)));
    let id = serde_json::from_str::<Value>(&r.body)
        .ok()
        .and_then(|v| v["hits"][0]["id"].as_str().map(str::to_string));
    (r.status, id)
}

#[test]
fn searches_switch_to_a_rebuilt_index_without_a_failed_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index");
    let keys = [("CHAXIN_WRITE_KEY", WRITE_KEY)];
    let server = Server::start_with(&index, &fixtures(), &[], &keys);

    // The rebuilt index holds real patents the served one does not; the query is a word of the
    // title of one of them, and the served index answers it with another record.
    let records = new_records(300);
    let target = id_of(&records[0]);
    let title: Value = serde_json::from_str(&records[0]).expect("record");
    let query = title["title"].as_str().expect("title").to_string();
    let (status, old_top) = top_hit(&server, &query);
    assert_eq!(status, 200);
    assert_ne!(old_top.as_deref(), Some(target.as_str()));

    let (status, v) = call(&server, "POST", "/v1/indexes", r#"{"name": "next"}"#);
    assert_eq!(status, 201, "{v}");
    let auth = format!("Bearer {WRITE_KEY}");
    let upload = server.request(
        "POST",
        "/v1/indexes/next/documents",
        &[
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/x-ndjson"),
        ],
        records.join("\n").as_bytes(),
    );
    assert_eq!(upload.status, 200, "{}", upload.body);
    assert_eq!(
        top_hit(&server, &query).1,
        old_top,
        "an upload to `next` leaked into main"
    );

    // Four clients search while the alias switches.
    let switched = AtomicBool::new(false);
    // The switch waits until every client has had an answer from the old index.
    let searching = std::sync::Barrier::new(5);
    let results: Vec<(usize, usize, Vec<String>)> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..4)
            .map(|_| {
                let (server, switched, query, searching) = (&server, &switched, &query, &searching);
                let (old_top, target) = (&old_top, &target);
                scope.spawn(move || {
                    let (mut requests, mut failures, mut problems) = (0, 0, Vec::new());
                    let mut seen_new = false;
                    let mut after_switch = 0;
                    while after_switch < 20 {
                        if switched.load(Ordering::SeqCst) {
                            after_switch += 1;
                        }
                        let (status, top) = top_hit(server, query);
                        requests += 1;
                        if requests == 1 {
                            searching.wait();
                        }
                        if status != 200 {
                            failures += 1;
                            continue;
                        }
                        if top.as_deref() == Some(target.as_str()) {
                            seen_new = true;
                        } else if top == *old_top {
                            if seen_new {
                                problems.push("old index after the new one".to_string());
                            }
                        } else {
                            problems.push(format!("unexpected top hit {top:?}"));
                        }
                    }
                    if !seen_new {
                        problems.push("never saw the new index".to_string());
                    }
                    (requests, failures, problems)
                })
            })
            .collect();
        searching.wait();
        let (status, v) = call(
            &server,
            "POST",
            "/v1/aliases",
            r#"{"alias": "main", "index": "next"}"#,
        );
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["previous"], "index");
        switched.store(true, Ordering::SeqCst);
        clients
            .into_iter()
            .map(|c| c.join().expect("client"))
            .collect()
    });
    for (requests, failures, problems) in &results {
        assert!(*requests > 20, "{requests} requests");
        assert_eq!(*failures, 0, "failed requests during the switch");
        assert!(problems.is_empty(), "{problems:?}");
    }

    // The switch is persisted, the served index cannot be deleted, the old one can.
    assert_eq!(call(&server, "GET", "/v1/aliases", "").1["main"], "next");
    let (status, v) = call(&server, "DELETE", "/v1/indexes/next", "");
    assert_eq!(
        (status, v["error"]["code"].clone()),
        (409, "index_in_use".into())
    );
    let (status, v) = call(
        &server,
        "POST",
        "/v1/aliases",
        r#"{"alias": "main", "index": "nope"}"#,
    );
    assert_eq!(
        (status, v["error"]["code"].clone()),
        (404, "index_not_found".into())
    );
    let (status, v) = call(&server, "POST", "/v1/indexes", r#"{"name": "../escape"}"#);
    assert_eq!((status, v["error"]["field"].clone()), (422, "name".into()));
    let (status, v) = call(&server, "POST", "/v1/indexes", r#"{"name": "next"}"#);
    assert_eq!(
        (status, v["error"]["code"].clone()),
        (409, "index_exists".into())
    );
    drop(server);
    let server = Server::start_with(&index, &fixtures(), &[], &keys);
    assert_eq!(top_hit(&server, &query).1.as_deref(), Some(target.as_str()));
    assert_eq!(call(&server, "DELETE", "/v1/indexes/index", "").0, 200);
    let (_, v) = call(&server, "GET", "/v1/indexes", "");
    let names: Vec<&str> = v["indexes"]
        .as_array()
        .expect("indexes")
        .iter()
        .filter_map(|i| i["name"].as_str())
        .collect();
    assert_eq!(names, ["next"], "{v}");

    // `chaxin index --publish` builds beside it and switches the running server.
    let input = dir.path().join("fixtures.ndjson");
    std::fs::copy(fixtures().join("corpus.ndjson"), &input).expect("copy");
    let built = index.with_file_name("cli-built");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_chaxin"))
        .args(["index", "--input"])
        .arg(&input)
        .arg("--index")
        .arg(&built)
        .args(["--publish", &format!("http://{}", server.addr)])
        .env("CHAXIN_WRITE_KEY", WRITE_KEY)
        .output()
        .expect("chaxin index");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        call(&server, "GET", "/v1/aliases", "").1["main"],
        "cli-built"
    );
    assert_eq!(top_hit(&server, &query).1, old_top);
}
