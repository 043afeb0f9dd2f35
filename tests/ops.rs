//! End-to-end tests of the operations surface: Prometheus metrics, request ids, JSON logs and
//! the configuration file (the request timeout itself is a unit test of `chaxin-api`).

use common::{enc, fixtures, Server};

use crate::common;

#[test]
fn metrics_count_requests_by_route_and_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("index"), &fixtures());
    for _ in 0..3 {
        assert_eq!(
            server
                .get(&format!("/v1/search?q={}", enc("石墨烯")))
                .status,
            200
        );
    }
    assert_eq!(server.get("/v1/search?limit=0").status, 422);
    assert_eq!(server.get("/v1/documents/csl-dev-0000").status, 200);
    let r = server.get("/metrics");
    assert_eq!(r.status, 200, "{}", r.body);
    let line = |prefix: &str| {
        r.body
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in\n{}", r.body))
            .to_string()
    };
    let search_ok = r#"chaxin_http_requests_total{method="GET",route="/v1/search",status="200"}"#;
    assert!(line(search_ok).ends_with(" 3"));
    assert!(
        line(r#"chaxin_http_requests_total{method="GET",route="/v1/search",status="422"}"#)
            .ends_with(" 1")
    );
    // Routes by pattern, not by raw path.
    assert!(
        line(r#"chaxin_http_requests_total{method="GET",route="/v1/documents/{id}""#)
            .ends_with(" 1")
    );
    assert_eq!(line("chaxin_index_documents "), "chaxin_index_documents 48");
    assert!(
        line(r#"chaxin_http_request_duration_seconds_count{method="GET",route="/v1/search",status="200"}"#)
            .ends_with(" 3")
    );
}

#[test]
fn request_ids_are_kept_or_made_and_logs_can_be_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index");
    let server = Server::start_with(&index, &fixtures(), &["--log-format", "json"], &[]);
    let id_of = |r: &common::Response| {
        r.headers
            .iter()
            .find(|(k, _)| k == "x-request-id")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let r = server.request("GET", "/healthz", &[("X-Request-Id", "job-42.a")], b"");
    assert_eq!(id_of(&r), "job-42.a");
    let made = id_of(&server.get("/healthz"));
    let other = id_of(&server.get("/healthz"));
    assert!(!made.is_empty() && made != other, "{made} {other}");
    let r = server.request(
        "GET",
        "/healthz",
        &[("X-Request-Id", "bad id with spaces")],
        b"",
    );
    assert!(!id_of(&r).contains(' '));
    // The access log line of the first request, as JSON with its request id.
    let log = std::fs::read_to_string(&server.stderr_log).expect("log");
    let entry = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["fields"]["path"] == "/healthz" && v["span"]["id"] == "job-42.a")
        .unwrap_or_else(|| panic!("no JSON access line in\n{log}"));
    assert_eq!(entry["fields"]["status"], 200);
}

#[test]
fn a_config_file_sets_what_flags_do_not_and_bad_files_are_refused_with_their_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("chaxin.toml");
    // The file allows bodies of 1 KB; a search of 1.5 KB (padded with JSON whitespace) is
    // then refused.
    std::fs::write(&config, "max_body_kb = 1\ntimeout_ms = 30000\n").expect("write");
    let config_arg = config.to_str().expect("utf-8 path");
    let index = dir.path().join("index");
    let body = format!(r#"{{"q": "永磁同步电机",{}"limit": 5}}"#, " ".repeat(1500));
    {
        let server = Server::start_with(&index, &fixtures(), &["--config", config_arg], &[]);
        let r = server.post_json("/v1/search", &body);
        assert_eq!(r.status, 413, "{}", r.body);
    }
    // A flag wins over the file, and so does the environment.
    {
        let args = ["--config", config_arg, "--max-body-kb", "64"];
        let server = Server::start_with(&index, &fixtures(), &args, &[]);
        assert_eq!(server.post_json("/v1/search", &body).status, 200);
    }
    {
        let envs = [("CHAXIN_MAX_BODY_KB", "64")];
        let server = Server::start_with(&index, &fixtures(), &["--config", config_arg], &envs);
        assert_eq!(server.post_json("/v1/search", &body).status, 200);
    }
    // Unknown keys and invalid values stop the server with where and why.
    for (text, expected) in [
        (
            "timeout_ms = 1\nbnd = \"0.0.0.0:80\"\n",
            "unknown field `bnd`",
        ),
        ("timeout_ms = \"soon\"\n", "invalid type"),
        ("memory_mb = 4\n", "memory_mb: must be at least 16"),
        ("bind = \"nowhere\"\n", "bind: `nowhere` is not an address"),
    ] {
        std::fs::write(&config, text).expect("write");
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_chaxin"))
            .args(["serve", "--config", config_arg, "--index"])
            .arg(&index)
            .output()
            .expect("chaxin serve");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{text}");
        assert!(stderr.contains(expected), "{text}: {stderr}");
        if expected.starts_with("unknown") {
            assert!(stderr.contains("line 2"), "{stderr}");
        }
    }
}
