//! Regression tests of the security and robustness probe (findings 1–8 of the security
//! issue), against the real server on loopback. `scripts/probe.sh` runs the same hostile
//! cases at full size on the shipped corpus and prints what each got.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use chaxin_api::{Access, ROUTES};
use common::{enc, fixtures, Server};
use serde_json::{json, Value};

use crate::common;

const READ_KEY: &str = "read-key-for-the-security-test";
const WRITE_KEY: &str = "write-key-for-the-security-test";

fn start(args: &[&str]) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start_with(
        &dir.path().join("index"),
        &fixtures(),
        args,
        &[
            ("CHAXIN_WRITE_KEY", WRITE_KEY),
            ("CHAXIN_READ_KEY", READ_KEY),
        ],
    );
    (dir, server)
}

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

fn documents(server: &Server) -> u64 {
    server.get("/healthz").json()["documents"]
        .as_u64()
        .expect("documents")
}

/// Spellings of `path` the router decodes to the same route: as written, the first letter of
/// every literal segment percent-encoded, and every letter encoded in upper- or lowercase hex.
fn spellings(path: &str) -> Vec<String> {
    let encode_segment = |segment: &str, all: bool, lower: bool| -> String {
        segment
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if c.is_ascii_alphabetic() && (all || i == 0) {
                    let hex = format!("%{:02X}", c as u8);
                    if lower {
                        hex.to_lowercase()
                    } else {
                        hex
                    }
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    let variant = |all: bool, lower: bool| -> String {
        path.split('/')
            .map(|s| encode_segment(s, all, lower))
            .collect::<Vec<_>>()
            .join("/")
    };
    vec![path.to_string(), variant(false, false), variant(true, true)]
}

/// Finding 1: the access a route needs comes from the route table, whatever the spelling of
/// its path, so no key and a read key can change nothing.
#[test]
fn every_route_needs_its_access_in_every_spelling() {
    let (_dir, server) = start(&[]);
    let before = documents(&server);
    let indexes = |server: &Server| {
        server
            .request(
                "GET",
                "/v1/indexes",
                &[("Authorization", &bearer(WRITE_KEY))],
                b"",
            )
            .body
    };
    let indexes_before = indexes(&server);
    // A record that a DELETE with the right spelling would remove.
    let victim = "csl-dev-0000";
    assert_eq!(
        server
            .request(
                "GET",
                &format!("/v1/documents/{victim}"),
                &[("Authorization", &bearer(READ_KEY))],
                b""
            )
            .status,
        200
    );
    let mut checked = 0;
    for route in ROUTES {
        for key in [None, Some(READ_KEY), Some(WRITE_KEY)] {
            // The write key runs the handlers: keep them harmless (no record deleted, no
            // index dropped) while still reaching each one.
            let harmless = key == Some(WRITE_KEY) && route.changes_state;
            let (id, name) = if harmless {
                ("no-such-record", "no-such-index")
            } else {
                (victim, "index")
            };
            let concrete = route.path.replace("{id}", id).replace("{name}", name);
            for path in spellings(&concrete) {
                let auth = key.map(bearer);
                let mut headers = vec![("Content-Type", "application/json")];
                if let Some(auth) = &auth {
                    headers.push(("Authorization", auth.as_str()));
                }
                let r = server.request(route.verb.as_str(), &path, &headers, b"{}");
                let refused = matches!(r.status, 401 | 403);
                let allowed = matches!(
                    (route.access, key),
                    (Access::Public, _)
                        | (Access::Read, Some(_))
                        | (Access::Write, Some(WRITE_KEY))
                );
                assert_eq!(
                    !refused,
                    allowed,
                    "{} {path} with {key:?}: {} {}",
                    route.verb.as_str(),
                    r.status,
                    r.body
                );
                if allowed {
                    let code = serde_json::from_str::<Value>(&r.body)
                        .ok()
                        .and_then(|v| v["error"]["code"].as_str().map(str::to_string));
                    assert_ne!(code.as_deref(), Some("not_found"), "{path}: unrouted");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= ROUTES.len() * 9, "{checked}");
    assert_eq!(
        documents(&server),
        before,
        "a refused write changed the records"
    );
    assert_eq!(indexes(&server), indexes_before);
    let r = server.request(
        "GET",
        &format!("/v1/documents/{victim}"),
        &[("Authorization", &bearer(READ_KEY))],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // An unknown route is 404 in any spelling, with or without a key.
    for path in ["/v1/%64ocumentz", "/v2/documents", "/v1/documents/a/b"] {
        assert_eq!(
            server.request("DELETE", path, &[], b"").status,
            404,
            "{path}"
        );
    }
}

/// Finding 3: method names clients invent are one `other` label, not a series each.
#[test]
fn invented_methods_do_not_grow_the_metrics() {
    let (_dir, server) = start(&[]);
    for i in 0..50 {
        let method = format!("{}{i}", "X".repeat(500));
        let r = server.request(&method, "/healthz", &[], b"");
        assert_eq!(r.status, 405, "{}", r.body);
        let r = server.request(&method, "/nowhere", &[], b"");
        assert_eq!(r.status, 404, "{}", r.body);
    }
    let r = server.request(
        "GET",
        "/metrics",
        &[("Authorization", &bearer(READ_KEY))],
        b"",
    );
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("XXXX"), "a method became a label");
    assert!(
        r.body
            .contains(r#"method="other",route="/healthz",status="405"} 50"#),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains(r#"method="other",route="unmatched",status="404"} 50"#),
        "{}",
        r.body
    );
}

/// Finding 2: truncations inside proximities are bounded and named (the deadline itself is
/// tested in `ops.rs`, the interruption of the scorers in `chaxin-query`).
#[test]
fn wide_truncations_in_proximities_are_refused_with_their_column() {
    let (_dir, server) = start(&[]);
    // 4,200 distinct words sharing the stem `zq` (676 of them `zqa…`, 676 `zqb…`, …): more
    // than one truncation may expand to.
    let letter = |n: usize| char::from(b'a' + (n % 26) as u8);
    let body: String = (0..4200)
        .map(|i| {
            let word = format!("zq{}{}{}", letter(i / 676), letter(i / 26), letter(i));
            json!({"id": format!("stem-{i}"), "title": format!("{word} sensor patch"), "lang": "en"})
                .to_string()
                + "\n"
        })
        .collect();
    let r = server.request(
        "POST",
        "/v1/documents",
        &[
            ("Authorization", &bearer(WRITE_KEY)),
            ("Content-Type", "application/x-ndjson"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let auth = bearer(READ_KEY);
    let search = |q: &str| {
        server.request(
            "GET",
            &format!("/v1/search?q={}", enc(q)),
            &[("Authorization", &auth)],
            b"",
        )
    };
    let q = "sensor NEAR/5 (patch OR zq*)";
    let r = search(q);
    assert_eq!(r.status, 400, "{}", r.body);
    let error = &r.json()["error"];
    assert_eq!(
        error["column"],
        json!(q.find("zq*").map(|c| c + 1)),
        "{error}"
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`zq*`"),
        "{error}"
    );
    // A narrower stem is fine, and finds what it should.
    let r = search("sensor NEAR/5 zqa*");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["total"], 676);
    // Not in a proximity, a truncation is a constant-score term set: not limited.
    let r = search("zq*");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["total"], 4200);
    // The whole query's budget: narrower operands add up.
    let wide: Vec<&str> = vec!["(zqa* NEAR/9 (zqb* OR zqc* OR zqd* OR zqe*))"; 24];
    let r = search(&wide.join(" AND "));
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("in all"), "{}", r.body);
}

/// Finding 4: an upload whose connection is reset commits nothing, with a Content-Length
/// body and with a chunked one, also when it was queued behind another write (the old code
/// took the closed channel of a dropped request for the end of its body and committed the
/// lines that had arrived).
#[test]
fn a_reset_upload_commits_nothing() {
    let (_dir, server) = start(&[]);
    let before = documents(&server);
    let lines: Vec<String> = (0..60_000)
        .map(|i| {
            json!({"id": format!("reset-{i}"), "title": format!("复位上传 reset upload {i}")})
                .to_string()
        })
        .collect();
    let whole = lines.join("\n") + "\n";
    // A third of the lines, each whole: what arrived is valid on its own.
    let part = lines[..20_000].join("\n") + "\n";
    let connect = || TcpStream::connect(&server.addr).expect("connect");
    let head = |framing: &str| {
        format!(
            "POST /v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {WRITE_KEY}\r\nContent-Type: application/x-ndjson\r\n{framing}\r\n\r\n"
        )
    };
    for (round, chunked) in [false, true].into_iter().enumerate() {
        // A stalled upload that holds (or waits for) the write lock.
        let mut holder = connect();
        holder
            .write_all((head("Content-Length: 1000") + "{").as_bytes())
            .expect("holder");
        let mut upload = connect();
        if chunked {
            upload
                .write_all(head("Transfer-Encoding: chunked").as_bytes())
                .expect("head");
            upload
                .write_all(format!("{:x}\r\n", part.len()).as_bytes())
                .expect("size");
            upload.write_all(part.as_bytes()).expect("chunk");
            upload.write_all(b"\r\n").expect("chunk end");
        } else {
            upload
                .write_all(head(&format!("Content-Length: {}", whole.len())).as_bytes())
                .expect("head");
            upload.write_all(part.as_bytes()).expect("part");
        }
        common::reset(upload);
        drop(holder);
        // Each write says when it ends without committing, whether or not anyone is left to
        // answer: the holder and the reset upload.
        common::wait_for_log(
            &server,
            "not committed",
            2 * (round + 1),
            Duration::from_secs(60),
        );
        assert_eq!(documents(&server), before, "chunked: {chunked}");
    }
}

/// Finding 6: uploads that stall or trickle are cut off; beyond the admitted writes one is
/// refused 429 with Retry-After; searches and /healthz are served meanwhile; a PUT whose
/// client left while queued does not write.
#[test]
fn stalled_and_slow_uploads_are_cut_off_and_never_block_searches() {
    let (_dir, server) = start(&[
        "--max-writes",
        "2",
        "--upload-idle-ms",
        "1500",
        "--upload-min-kbps",
        "64",
    ]);
    let open = |body_start: &[u8]| {
        let mut stream = TcpStream::connect(&server.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let head = format!(
            "POST /v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {WRITE_KEY}\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).expect("head");
        stream.write_all(body_start).expect("body");
        stream
    };
    let status_of = |stream: &mut TcpStream| -> (u16, String) {
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let text = String::from_utf8_lossy(&raw).to_string();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, text)
    };
    let mut stalled: Vec<TcpStream> = (0..3).map(|_| open(b"{")).collect();
    // A PUT queued behind the stalled uploads, whose client leaves.
    let mut put = TcpStream::connect(&server.addr).expect("connect");
    let body = json!({"title": "客户端已离开 client gone"}).to_string();
    put.write_all(
        format!(
            "PUT /v1/documents/gone HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {WRITE_KEY}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .expect("put");
    let auth = bearer(READ_KEY);
    let r = server.request(
        "GET",
        &format!("/v1/search?q={}", enc("传感器")),
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(server.get("/healthz").status, 200);
    // Gone for good: a reset, as a crashed client or a dropped network sends (a plain close
    // may be a half-close of a client still waiting for its answer).
    common::reset(put);
    let mut statuses: Vec<u16> = Vec::new();
    for stream in &mut stalled {
        let (status, text) = status_of(stream);
        if status == 429 {
            assert!(
                text.to_ascii_lowercase().contains("retry-after: 5"),
                "{text}"
            );
        }
        statuses.push(status);
    }
    statuses.sort_unstable();
    // Two admitted (one may be the refused PUT's place), the rest refused at once.
    assert!(
        statuses.contains(&429) && statuses.iter().all(|s| matches!(s, 408 | 429)),
        "{statuses:?}"
    );

    // A body trickling at a few bytes a second is cut off after the grace period.
    let mut slow = open(b"");
    let started = Instant::now();
    let mut answered = slow.try_clone().expect("clone");
    let reader = std::thread::spawn(move || status_of(&mut answered));
    while !reader.is_finished() && started.elapsed() < Duration::from_secs(30) {
        if slow.write_all(b" ").is_err() {
            break;
        }
        // The client's pace (what is tested), not a wait for the server.
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, text) = reader.join().expect("reader");
    assert_eq!(status, 408, "{text}");
    assert!(text.contains("bytes/s"), "{text}");

    // Writes are queued in order: once this one is acknowledged, the PUT is done or dropped.
    let r = server.request(
        "PUT",
        "/v1/documents/after",
        &[
            ("Authorization", &bearer(WRITE_KEY)),
            ("Content-Type", "application/json"),
        ],
        json!({"title": "之后 after"}).to_string().as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = server.request(
        "GET",
        "/v1/documents/gone",
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(
        r.status, 404,
        "the PUT of a departed client was written: {}",
        r.body
    );
}

/// Findings 7 and 8: reserved index names; text that is not UTF-8; HEAD /healthz; body
/// limits that admit the largest valid novelty request; a supplied novelty answer held to
/// the point limit.
#[test]
fn reserved_names_bad_text_and_limits_that_agree() {
    let (_dir, server) = start(&[]);
    let write = bearer(WRITE_KEY);
    let json_headers = [
        ("Authorization", write.as_str()),
        ("Content-Type", "application/json"),
    ];
    for name in ["aliases.json", "index.building", "main", "x.tmp"] {
        let r = server.request(
            "POST",
            "/v1/indexes",
            &json_headers,
            json!({"name": name}).to_string().as_bytes(),
        );
        assert_eq!(r.status, 422, "{name}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], "name");
    }
    let r = server.request(
        "POST",
        "/v1/aliases",
        &json_headers,
        br#"{"alias":"main","index":"index"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);

    let read = bearer(READ_KEY);
    for (path, field) in [
        ("/v1/search?q=%FF%FE&limit=5", "q"),
        ("/v1/documents/US%FF1", "path segment 3"),
    ] {
        let r = server.request("GET", path, &[("Authorization", &read)], b"");
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], field);
    }
    let r = server.request("HEAD", "/healthz", &[], b"");
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());

    // 20 points of 2,000 Chinese characters: read whole (the 422 is about `limit`, not 413).
    let point: String = "以软测量结果替代氮氧化物在线分析仪进行燃烧优化控制"
        .chars()
        .cycle()
        .take(2000)
        .collect();
    let body = json!({"points": vec![point; 20], "limit": 0}).to_string();
    assert!(body.len() > 64 * 1024);
    let r = server.request(
        "POST",
        "/v1/novelty",
        &[
            ("Authorization", &read),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 422, "{}", &r.body[..r.body.len().min(300)]);
    assert_eq!(r.json()["error"]["field"], "limit");

    // A reviewed novelty answer with more points than a request may have.
    let r = server.request(
        "POST",
        "/v1/novelty",
        &[
            ("Authorization", &read),
            ("Content-Type", "application/json"),
        ],
        json!({"points": ["一种无线生理传感器贴片"]})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let mut answer = r.json();
    let point = answer["points"][0].clone();
    answer["points"] = Value::Array(vec![point; 21]);
    let report = json!({"project": {"name": "传感器贴片"}, "novelty": answer});
    let r = server.request(
        "POST",
        "/v1/reports",
        &[
            ("Authorization", &read),
            ("Content-Type", "application/json"),
        ],
        report.to_string().as_bytes(),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "novelty.points");
}
