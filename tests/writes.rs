//! End-to-end tests of writes over HTTP: NDJSON uploads (plain and zstd), single-record PUT and
//! DELETE, API keys, all-or-nothing validation, and concurrent writers. Records are real ones
//! from the shipped corpus (`index-data/`) that the fixture corpus does not hold.

use common::{enc, fixtures, id_of, new_records, wait_for_log, Server};
use serde_json::Value;

use crate::common;

const READ_KEY: &str = "read-key-for-tests-0001";
const WRITE_KEY: &str = "write-key-for-tests-0001";

fn start() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start_with(
        &dir.path().join("index"),
        &fixtures(),
        &[],
        &[
            ("CHAXIN_READ_KEY", READ_KEY),
            ("CHAXIN_WRITE_KEY", WRITE_KEY),
        ],
    );
    (dir, server)
}

fn upload(server: &Server, query: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Value) {
    let auth = format!("Bearer {WRITE_KEY}");
    let mut all = vec![
        ("Content-Type", "application/x-ndjson"),
        ("Authorization", auth.as_str()),
    ];
    all.extend_from_slice(headers);
    let r = server.request("POST", &format!("/v1/documents{query}"), &all, body);
    let json = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, json)
}

fn read(server: &Server, path: &str) -> common::Response {
    let auth = format!("Bearer {READ_KEY}");
    server.request("GET", path, &[("Authorization", auth.as_str())], b"")
}

fn documents(server: &Server) -> u64 {
    server.get("/healthz").json()["documents"]
        .as_u64()
        .expect("documents")
}

#[test]
fn uploads_commit_all_or_nothing_and_say_which_lines_are_wrong() {
    let (_dir, server) = start();
    let before = documents(&server);
    let records = new_records(40);
    let first = &records[..20];

    // Plain NDJSON: committed and searchable on return.
    let (status, v) = upload(&server, "", &[], (first.join("\n") + "\n").as_bytes());
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["indexed"].as_u64(), v["committed"].as_bool()),
        (Some(20), Some(true))
    );
    assert_eq!(documents(&server), before + 20);
    let id = id_of(&first[0]);
    assert_eq!(
        read(&server, &format!("/v1/documents/{}", enc(&id))).status,
        200
    );

    // zstd, re-sending the first half: replaced, not duplicated.
    let body = zstd::encode_all((records.join("\n")).as_bytes(), 3).expect("zstd");
    let (status, v) = upload(&server, "", &[("Content-Encoding", "zstd")], &body);
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["indexed"].as_u64(), v["replaced"].as_u64()),
        (Some(20), Some(20))
    );
    assert_eq!(documents(&server), before + 40);

    // Bad lines: a wrong type, a malformed line, invalid UTF-8, a truncated last line. Nothing
    // is committed, and every bad line is named with its field.
    let fresh = new_records(43)[40..].to_vec();
    let mut body = Vec::new();
    body.extend_from_slice(fresh[0].as_bytes());
    body.extend_from_slice(b"\n{\"id\": \"bad-1\", \"title\": 42}\n{\"id\": \"bad-2\",\n");
    body.extend_from_slice(b"\xff\xfe\n");
    body.extend_from_slice(fresh[1].as_bytes());
    body.extend_from_slice(b"\n");
    body.extend_from_slice(&fresh[2].as_bytes()[..fresh[2].len() / 2]);
    let (status, v) = upload(&server, "", &[], &body);
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["code"], "invalid_documents");
    assert_eq!(v["error"]["committed"], false);
    let lines: Vec<(u64, &str)> = v["error"]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap_or(0),
                e["field"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(lines, [(2, "title"), (3, "-"), (4, "-"), (6, "-")], "{v}");
    assert_eq!(
        documents(&server),
        before + 40,
        "a refused upload changed the index"
    );
    let fresh_id = id_of(&fresh[0]);
    assert_eq!(
        read(&server, &format!("/v1/documents/{}", enc(&fresh_id))).status,
        404
    );

    // The same body with ?skip_invalid=true commits the two valid lines.
    let (status, v) = upload(&server, "?skip_invalid=true", &[], &body);
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["indexed"].as_u64(), v["rejected"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(documents(&server), before + 42);
}

#[test]
fn malformed_uploads_get_precise_errors_and_change_nothing() {
    let (_dir, server) = start();
    let before = documents(&server);
    let record = new_records(1).remove(0);
    let auth = format!("Bearer {WRITE_KEY}");
    // (headers, body, query string, status, code)
    type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<u8>, &'a str, u16, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![("Content-Type", "text/csv")],
            record.clone().into_bytes(),
            "",
            415,
            "unsupported_media_type",
        ),
        (
            vec![
                ("Content-Type", "application/x-ndjson"),
                ("Content-Encoding", "gzip"),
            ],
            record.clone().into_bytes(),
            "",
            415,
            "unsupported_media_type",
        ),
        (
            vec![("Content-Type", "application/x-ndjson")],
            b"\n \n".to_vec(),
            "",
            400,
            "bad_request",
        ),
        (
            vec![
                ("Content-Type", "application/x-ndjson"),
                ("Content-Encoding", "zstd"),
            ],
            b"not zstd at all".to_vec(),
            "",
            400,
            "bad_request",
        ),
        (
            vec![("Content-Type", "application/x-ndjson")],
            record.clone().into_bytes(),
            "?commit_now=1",
            400,
            "bad_request",
        ),
        (
            vec![("Content-Type", "application/x-ndjson")],
            format!("{}\n", "[".repeat(100_000)).into_bytes(),
            "",
            422,
            "invalid_documents",
        ),
        // A line over the 16 MiB limit, and an unknown field.
        (
            vec![("Content-Type", "application/x-ndjson")],
            format!("{record}\n{{\"id\": \"{}\"}}\n", "x".repeat(17 << 20)).into_bytes(),
            "",
            422,
            "invalid_documents",
        ),
        (
            vec![("Content-Type", "application/x-ndjson")],
            format!("{record}\n{{\"id\": \"u-1\", \"title\": \"t\", \"colour\": 1}}\n")
                .into_bytes(),
            "",
            422,
            "invalid_documents",
        ),
    ];
    for (headers, body, query, status, code) in cases {
        let mut all = headers.clone();
        all.push(("Authorization", auth.as_str()));
        let r = server.request("POST", &format!("/v1/documents{query}"), &all, &body);
        assert_eq!(r.status, status, "{headers:?} {query}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], code, "{}", r.body);
        if code == "invalid_documents" {
            let errors = &r.json()["error"]["errors"];
            assert_eq!(errors.as_array().map(Vec::len), Some(1), "{}", r.body);
            let reason = errors[0]["reason"].as_str().unwrap_or_default();
            let field = errors[0]["field"].as_str().unwrap_or_default();
            assert!(!reason.is_empty() && !field.is_empty(), "{}", r.body);
            if body.len() > 16 << 20 {
                assert!(reason.contains("more than the limit"), "{}", r.body);
                assert_eq!(errors[0]["line"], 2);
            } else if body.windows(6).any(|w| w == b"colour") {
                assert_eq!(field, "colour", "{}", r.body);
            }
        }
    }
    assert_eq!(documents(&server), before);
}

#[test]
fn keys_guard_writes_and_reads() {
    let (_dir, server) = start();
    let record = new_records(1).remove(0);
    let ndjson = [("Content-Type", "application/x-ndjson")];
    let with = |key: &str| format!("Bearer {key}");
    let r = server.request("POST", "/v1/documents", &ndjson, record.as_bytes());
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(r
        .headers
        .iter()
        .any(|(k, v)| k == "www-authenticate" && v == "Bearer"));
    let read_key = with(READ_KEY);
    let headers = [ndjson[0], ("Authorization", read_key.as_str())];
    let r = server.request("POST", "/v1/documents", &headers, record.as_bytes());
    assert_eq!(
        (r.status, r.json()["error"]["code"].clone()),
        (403, "forbidden".into())
    );
    let r = server.request("DELETE", "/v1/documents/csl-dev-0000", &headers[1..], b"");
    assert_eq!(r.status, 403, "{}", r.body);
    // Reads need a key too once read keys are set; /healthz does not.
    assert_eq!(server.get("/v1/search?q=graphene").status, 401);
    let wrong = with("not-the-key-0000000000");
    let r = server.request(
        "GET",
        "/v1/search?q=graphene",
        &[("Authorization", wrong.as_str())],
        b"",
    );
    assert_eq!(r.status, 403);
    assert_eq!(read(&server, "/v1/search?q=graphene").status, 200);
    let write_key = with(WRITE_KEY);
    let r = server.request(
        "GET",
        "/v1/stats",
        &[("Authorization", write_key.as_str())],
        b"",
    );
    assert_eq!(r.status, 200, "a write key also reads");
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn without_keys_writes_are_refused_unless_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let closed = Server::start(&dir.path().join("closed"), &fixtures());
    let record = new_records(1).remove(0);
    let ndjson = [("Content-Type", "application/x-ndjson")];
    let r = closed.request("POST", "/v1/documents", &ndjson, record.as_bytes());
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("--open"), "{}", r.body);
    assert_eq!(
        closed.get("/v1/search?q=graphene").status,
        200,
        "reads stay open"
    );
    let open = Server::start_with(&dir.path().join("open"), &fixtures(), &["--open"], &[]);
    let r = open.request("POST", "/v1/documents", &ndjson, record.as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn single_records_are_put_and_deleted() {
    let (_dir, server) = start();
    let auth = format!("Bearer {WRITE_KEY}");
    let json = [
        ("Content-Type", "application/json"),
        ("Authorization", auth.as_str()),
    ];
    let put = |id: &str, body: &str| {
        server.request(
            "PUT",
            &format!("/v1/documents/{id}"),
            &json,
            body.as_bytes(),
        )
    };
    // A real CSL title and abstract, under a new id.
    let body = r#"{"kind": "paper", "lang": "zh", "title": "钕铁硼永磁材料晶界扩散工艺研究", "abstract": "采用晶界扩散工艺提高烧结钕铁硼永磁材料的矫顽力。", "pub_date": "2019-05"}"#;
    let r = put("put-1", body);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["result"], "created");
    let r = read(&server, &format!("/v1/search?q={}", enc("晶界扩散")));
    assert_eq!(r.json()["hits"][0]["id"], "put-1", "{}", r.body);
    let r = put("put-1", &body.replace("2019-05", "2019-06"));
    assert_eq!(
        (r.status, r.json()["result"].clone()),
        (200, "replaced".into())
    );
    let r = read(&server, "/v1/documents/put-1");
    assert_eq!(r.json()["pub_date"], "2019-06", "{}", r.body);

    let r = put("put-1", r#"{"id": "put-2", "title": "x"}"#);
    assert_eq!(
        (r.status, r.json()["error"]["field"].clone()),
        (422, "id".into())
    );
    let r = put("put-1", &body.replace("2019-05", "2019-13"));
    assert_eq!(
        (r.status, r.json()["error"]["field"].clone()),
        (422, "pub_date".into())
    );
    let r = put("put-1", "{\"title\": ");
    assert_eq!(
        (r.status, r.json()["error"]["code"].clone()),
        (400, "malformed_json".into())
    );

    let delete = || server.request("DELETE", "/v1/documents/put-1", &json[1..], b"");
    assert_eq!(delete().status, 200);
    assert_eq!(read(&server, "/v1/documents/put-1").status, 404);
    let r = delete();
    assert_eq!(
        (r.status, r.json()["error"]["code"].clone()),
        (404, "document_not_found".into())
    );
}

#[test]
fn concurrent_uploads_are_serialised_and_all_land() {
    let (_dir, server) = start();
    let before = documents(&server);
    let records = new_records(120);
    std::thread::scope(|scope| {
        let handles: Vec<_> = records
            .chunks(30)
            .map(|chunk| {
                let body = chunk.join("\n");
                let server = &server;
                scope.spawn(move || upload(server, "", &[], body.as_bytes()))
            })
            .collect();
        for handle in handles {
            let (status, v) = handle.join().expect("thread");
            assert_eq!((status, v["indexed"].as_u64()), (200, Some(30)), "{v}");
        }
    });
    assert_eq!(documents(&server), before + 120);
}

/// How long a test waits for the server to report an event it caused (generous: CI is slow).
const UNDER_WAY: std::time::Duration = std::time::Duration::from_secs(30);

#[test]
fn killing_the_server_during_an_upload_loses_nothing_acknowledged() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index");
    let keys = [
        ("CHAXIN_WRITE_KEY", WRITE_KEY),
        ("RUST_LOG", "info,chaxin::write=debug"),
    ];
    let mut server = Server::start_with(&index, &fixtures(), &[], &keys);
    let records = new_records(200);
    let (acknowledged, interrupted) = records.split_at(100);
    let (status, v) = upload(&server, "", &[], acknowledged.join("\n").as_bytes());
    assert_eq!(status, 200, "{v}");
    let after_ack = documents(&server);

    // Half of a second upload is sent, then the server is killed mid-stream.
    let body = interrupted.join("\n");
    let mut stream = std::net::TcpStream::connect(&server.addr).expect("connect");
    let head = format!(
        "POST /v1/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n\
         Authorization: Bearer {WRITE_KEY}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("head");
    stream
        .write_all(&body.as_bytes()[..body.len() / 2])
        .expect("half the body");
    wait_for_log(&server, "upload body:", 1, UNDER_WAY);
    server.kill();

    let server = Server::start_with(&index, &fixtures(), &[], &keys);
    assert_eq!(
        documents(&server),
        after_ack,
        "acknowledged records lost, or partial ones kept"
    );
    let id = id_of(&acknowledged[99]);
    assert_eq!(
        read(&server, &format!("/v1/documents/{}", enc(&id))).status,
        200
    );
    let id = id_of(&interrupted[0]);
    assert_eq!(
        read(&server, &format!("/v1/documents/{}", enc(&id))).status,
        404
    );
    // And the index still takes writes.
    let (status, v) = upload(&server, "", &[], interrupted.join("\n").as_bytes());
    assert_eq!((status, v["indexed"].as_u64()), (200, Some(100)), "{v}");
}

#[test]
fn sigterm_lets_an_upload_in_flight_finish_and_commit() {
    use std::io::{Read as _, Write};
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index");
    let keys = [
        ("CHAXIN_WRITE_KEY", WRITE_KEY),
        ("RUST_LOG", "info,chaxin::write=debug"),
    ];
    let mut server = Server::start_with(&index, &fixtures(), &[], &keys);
    let before = documents(&server);
    let records = new_records(150);
    let body = records.join("\n");
    let mut stream = std::net::TcpStream::connect(&server.addr).expect("connect");
    let head = format!(
        "POST /v1/documents HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: application/x-ndjson\r\nAuthorization: Bearer {WRITE_KEY}\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("head");
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    stream.write_all(first).expect("first half");
    wait_for_log(&server, "upload body:", 1, UNDER_WAY);
    server.terminate();
    wait_for_log(&server, "SIGTERM received", 1, UNDER_WAY);
    stream.write_all(rest).expect("second half");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"indexed\":150"), "{answer}");
    let status = server.wait_exit(std::time::Duration::from_secs(20));
    assert!(status.is_some(), "the server did not stop after SIGTERM");
    let server = Server::start_with(&index, &fixtures(), &[], &keys);
    assert_eq!(documents(&server), before + 150);
}
