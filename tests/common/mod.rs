//! Helpers for end-to-end tests: start the real `chaxin` binary on an ephemeral port and talk
//! HTTP/1.1 to it over a plain socket (so tests can also send malformed bytes).

#![allow(dead_code)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A running `chaxin serve`, killed on drop.
pub struct Server {
    child: Child,
    pub addr: String,
    pub stderr_log: PathBuf,
}

impl Server {
    /// Starts `chaxin serve --index <index> --data <data> --bind 127.0.0.1:0` and waits for its
    /// address line.
    pub fn start(index: &Path, data: &Path) -> Server {
        Self::start_with(index, data, &[], &[])
    }

    /// As [`Server::start`], with more arguments and environment variables.
    pub fn start_with(index: &Path, data: &Path, args: &[&str], envs: &[(&str, &str)]) -> Server {
        let stderr_log = index.with_extension("stderr.log");
        let stderr = std::fs::File::create(&stderr_log).expect("stderr log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_chaxin"))
            .args(["serve", "--bind", "127.0.0.1:0", "--index"])
            .arg(index)
            .arg("--data")
            .arg(data)
            .args(args)
            // Keys come from the test only, never from the environment of the run.
            .env_remove("CHAXIN_READ_KEY")
            .env_remove("CHAXIN_WRITE_KEY")
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start chaxin serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "server did not start: {}",
                    std::fs::read_to_string(&stderr_log).unwrap_or_default()
                );
            }
        };
        let addr = line
            .trim()
            .strip_prefix("chaxin listening on http://")
            .unwrap_or_else(|| {
                panic!(
                    "unexpected first line {line:?}: {}",
                    std::fs::read_to_string(&stderr_log).unwrap_or_default()
                )
            })
            .to_string();
        Server {
            child,
            addr,
            stderr_log,
        }
    }

    pub fn get(&self, path_and_query: &str) -> Response {
        self.request("GET", path_and_query, &[], b"")
    }

    pub fn post_json(&self, path: &str, body: &str) -> Response {
        self.request(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).expect("write head");
        // A server may answer (e.g. 413) before reading a large body; ignore write errors then.
        let _ = stream.write_all(body);
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        Response::parse(&raw)
    }
}

impl Server {
    /// Asks the server to stop (SIGTERM): it finishes in-flight requests first.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
    }

    /// Waits up to `limit` for the server to exit.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let started = std::time::Instant::now();
        while started.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Kills the server at once (SIGKILL on Unix): no shutdown, no commit.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked {
            dechunk(body)
        } else {
            body.to_string()
        };
        Response {
            status,
            headers,
            body,
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// Closes `stream` with a reset (RST), as a client that crashed or lost its network does.
pub fn reset(stream: TcpStream) {
    let socket = socket2::Socket::from(stream);
    let _ = socket.set_linger(Some(Duration::ZERO));
    drop(socket);
}

/// Waits until the server's log holds `needle` at least `times` times (an event the server
/// reports), checking every few milliseconds for at most `limit`.
pub fn wait_for_log(server: &Server, needle: &str, times: usize, limit: Duration) {
    let started = std::time::Instant::now();
    loop {
        let log = std::fs::read_to_string(&server.stderr_log).unwrap_or_default();
        if log.matches(needle).count() >= times {
            return;
        }
        assert!(
            started.elapsed() < limit,
            "`{needle}` not logged {times} times within {limit:?}:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `?q=` encoding for tests.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `n` shipped patent records that are not in the fixture corpus, as NDJSON lines.
pub fn new_records(n: usize) -> Vec<String> {
    let fixture_ids: HashSet<String> = std::fs::read_to_string(fixtures().join("corpus.ndjson"))
        .expect("fixtures")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("index-data/patentsview.ndjson.zst");
    let mut text = String::new();
    zstd::Decoder::new(std::fs::File::open(path).expect("shipped patents"))
        .expect("zstd")
        .read_to_string(&mut text)
        .expect("read");
    text.lines()
        .filter(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .ok()
                .and_then(|v| v["id"].as_str().map(|id| !fixture_ids.contains(id)))
                .unwrap_or(false)
        })
        .take(n)
        .map(str::to_string)
        .collect()
}

pub fn id_of(line: &str) -> String {
    serde_json::from_str::<serde_json::Value>(line).expect("record")["id"]
        .as_str()
        .expect("id")
        .to_string()
}

/// The ids of a search answer's hits, in order.
pub fn ids(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().unwrap_or_default().to_string())
        .collect()
}
