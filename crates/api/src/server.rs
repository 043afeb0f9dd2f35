//! App wiring and the HTTP server.

use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::Service;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{web, App, HttpMessage, HttpServer};
use chaxin_ingest::catalog::Catalog;
use tracing::Instrument;

use crate::auth::ApiKeys;
use crate::metrics::{self, Metrics};
use crate::routes;
use crate::table::{self, configure, Matched};
use crate::write::WriteSettings;

/// Header carrying the request id, taken from the client when it sends a usable one.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The client's request id if it is 1–64 characters of `[A-Za-z0-9._:-]`, else a new one.
fn request_id(given: Option<&HeaderValue>) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static BOOT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    if let Some(id) = given.and_then(|v| v.to_str().ok()).filter(|id| {
        (1..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".:_-".contains(&b))
    }) {
        return id.to_string();
    }
    let boot = *BOOT.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish()
    });
    format!(
        "{:08x}-{:x}",
        boot as u32,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Request limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiLimits {
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Engine calls (searches, lookups) running at once; more wait in arrival order. The
    /// default, cores + 1, keeps every core busy (one call may be between its permit and its
    /// thread) without time-slicing many searches: measured at 8 concurrent clients on 2
    /// cores, p99 118 ms instead of 214 ms for 5% less throughput (BENCHMARKS.md).
    pub engine_threads: usize,
    /// Longest an engine call (search, novelty, lookup) may take before the request is
    /// answered 503 `timeout`, waiting for a slot included; the search itself stops then too.
    pub request_timeout: Duration,
}

/// Longest `/healthz` waits for an engine slot before it says the server is not ready.
pub const HEALTH_PROBE: Duration = Duration::from_secs(1);

impl Default for ApiLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: 64 * 1024,
            engine_threads: std::thread::available_parallelism().map_or(2, |n| n.get()) + 1,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Shared state of the handlers.
pub struct AppState {
    /// The named indexes and the served one.
    pub catalog: Catalog,
    /// Request limits (body sizes, deadlines, result depths).
    pub limits: ApiLimits,
    /// One permit per engine call allowed to run (see [`ApiLimits::engine_threads`]); a
    /// permit is held until the call's work has really ended, not only until its answer.
    pub engine_slots: Arc<tokio::sync::Semaphore>,
    /// The threads engine calls run on: their own, so that nothing else (an upload waiting on
    /// its client, a write waiting on the lock) can take the threads searches need.
    pub engine_pool: rayon::ThreadPool,
    /// The API keys (none: every route is open).
    pub keys: ApiKeys,
    /// Indexing resources and admission of writes.
    pub writes: WriteSettings,
    /// The server's metrics.
    pub metrics: Metrics,
    /// One permit per write admitted (running or waiting for the lock); beyond
    /// [`WriteSettings::max_writes`] a write is answered 429 at once.
    pub write_slots: Arc<tokio::sync::Semaphore>,
    /// Held by the one write running. Waited for asynchronously, so a queued write holds no
    /// thread, and a client that leaves while waiting is dropped from the queue.
    pub write_lock: Arc<tokio::sync::Mutex<()>>,
}

impl AppState {
    /// The state of a server over the catalogue `catalog` (its `main` alias is served).
    pub fn new(
        catalog: Catalog,
        limits: ApiLimits,
        keys: ApiKeys,
        writes: WriteSettings,
        metrics: Metrics,
    ) -> std::io::Result<Self> {
        let threads = limits.engine_threads.max(1);
        let engine_pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("chaxin-engine-{i}"))
            // A panic ends that call (its caller gets a 500), not the process.
            .panic_handler(|panic| {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!("engine call panicked: {what}");
            })
            .build()
            .map_err(std::io::Error::other)?;
        Ok(Self {
            metrics,
            catalog,
            engine_slots: Arc::new(tokio::sync::Semaphore::new(threads)),
            engine_pool,
            limits,
            keys,
            write_slots: Arc::new(tokio::sync::Semaphore::new(writes.max_writes.max(1))),
            writes,
            write_lock: Arc::new(tokio::sync::Mutex::new(())),
        })
    }
}

/// Serves on an already bound listener until the process is stopped (Ctrl-C/SIGTERM finish
/// in-flight requests first).
pub async fn serve(state: AppState, listener: TcpListener) -> std::io::Result<()> {
    let state = web::Data::new(state);
    HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap_fn(|req, srv| {
                let started = Instant::now();
                let method = req.method().clone();
                let path = req.path().to_string();
                let id = request_id(req.headers().get(&REQUEST_ID));
                let state = req.app_data::<web::Data<AppState>>().cloned();
                let span = tracing::info_span!("request", id = %id);
                let fut = srv.call(req);
                async move {
                    let mut res = fut.await?.map_into_boxed_body();
                    let status = res.status().as_u16();
                    let seconds = started.elapsed().as_secs_f64();
                    if let Ok(value) = HeaderValue::from_str(&id) {
                        res.headers_mut().insert(REQUEST_ID, value);
                    }
                    if let Some(state) = &state {
                        // Labels from the route table only, whatever the client sent.
                        let request = res.request();
                        let route = request
                            .extensions()
                            .get::<Matched>()
                            .map(|m| m.0.path)
                            // A known path with an unknown method (405).
                            .or_else(|| table::pattern(request.match_pattern()?.as_str()))
                            .unwrap_or("unmatched");
                        state.metrics.observe(
                            route,
                            metrics::method_label(&method),
                            status,
                            seconds,
                        );
                    }
                    tracing::info!(
                        target: "chaxin::http",
                        method = %method,
                        path = %path,
                        status,
                        ms = (seconds * 1e4).round() / 10.0,
                        "{method} {path} {status} {:.1}ms",
                        seconds * 1e3
                    );
                    Ok(res)
                }
                .instrument(span)
            })
            .configure(configure)
            .default_service(web::to(routes::not_found))
    })
    .listen(listener)?
    .run()
    .await
}
