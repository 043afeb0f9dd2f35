//! App wiring and the HTTP server.

use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::dev::Service;
use actix_web::{web, App, HttpServer};

use actix_web::http::header::{HeaderName, HeaderValue};
use futures_util::future::Either;
use tracing::Instrument;

use crate::auth::{required_access, ApiKeys};
use crate::documents::{self, WriteSettings};
use crate::indexes::{self, Catalog};
use crate::metrics::{self, Metrics};
use crate::routes;

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
    /// answered 503 `timeout`, waiting for a slot included.
    pub request_timeout: Duration,
}

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
    pub limits: ApiLimits,
    /// One permit per engine call allowed to run (see [`ApiLimits::engine_threads`]).
    pub engine_slots: tokio::sync::Semaphore,
    pub keys: ApiKeys,
    pub writes: WriteSettings,
    pub metrics: Metrics,
    /// Held by the one write running (writes queue on it).
    pub write_lock: std::sync::Mutex<()>,
}

impl AppState {
    pub fn new(
        catalog: Catalog,
        limits: ApiLimits,
        keys: ApiKeys,
        writes: WriteSettings,
        metrics: Metrics,
    ) -> Self {
        Self {
            metrics,
            catalog,
            engine_slots: tokio::sync::Semaphore::new(limits.engine_threads.max(1)),
            limits,
            keys,
            writes,
            write_lock: std::sync::Mutex::new(()),
        }
    }
}

/// Registers every route (used by the server and by tests).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(routes::healthz))
        .route("/metrics", web::get().to(metrics::metrics))
        .route("/openapi.json", web::get().to(crate::openapi::openapi_json))
        .route("/docs", web::get().to(crate::openapi::docs_page))
        .service(
            web::resource("/v1/search")
                .route(web::get().to(routes::search_get))
                .route(web::post().to(routes::search_post))
                .default_service(web::to(routes::method_not_allowed)),
        )
        .service(
            web::resource("/v1/novelty")
                .route(web::post().to(routes::novelty))
                .default_service(web::to(routes::method_not_allowed)),
        )
        .service(
            web::resource("/v1/reports")
                .route(web::post().to(crate::reports::report))
                .default_service(web::to(routes::method_not_allowed)),
        )
        .service(
            web::resource("/v1/parse")
                .route(web::get().to(routes::parse_query))
                .default_service(web::to(routes::method_not_allowed)),
        )
        .service(
            web::resource("/v1/documents")
                .route(web::post().to(documents::upload))
                .default_service(web::to(routes::method_not_allowed)),
        )
        .service(
            web::resource("/v1/documents/{id}")
                .route(web::get().to(routes::document))
                .route(web::put().to(documents::put))
                .route(web::delete().to(documents::delete))
                .default_service(web::to(routes::method_not_allowed)),
        )
        .service(
            web::resource("/v1/indexes")
                .route(web::get().to(indexes::list))
                .route(web::post().to(indexes::create))
                .default_service(web::to(routes::method_not_allowed)),
        )
        .service(
            web::resource("/v1/indexes/{name}")
                .route(web::delete().to(indexes::delete))
                .default_service(web::to(routes::method_not_allowed)),
        )
        .service(
            web::resource("/v1/indexes/{name}/documents")
                .route(web::post().to(documents::upload_to))
                .default_service(web::to(routes::method_not_allowed)),
        )
        .service(
            web::resource("/v1/aliases")
                .route(web::get().to(indexes::aliases))
                .route(web::post().to(indexes::switch))
                .default_service(web::to(routes::method_not_allowed)),
        )
        .service(
            web::resource("/v1/stats")
                .route(web::get().to(routes::stats))
                .default_service(web::to(routes::method_not_allowed)),
        );
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
                let route = req
                    .match_pattern()
                    .unwrap_or_else(|| "unmatched".to_string());
                let id = request_id(req.headers().get(&REQUEST_ID));
                let state = req.app_data::<web::Data<AppState>>().cloned();
                let denied = required_access(&method, &path).and_then(|access| {
                    let state = state.as_ref()?;
                    state.keys.require(req.request(), access).err()
                });
                let span = tracing::info_span!("request", id = %id);
                let fut = match denied {
                    None => Either::Left(srv.call(req)),
                    Some(err) => {
                        let response = req.error_response(err);
                        Either::Right(std::future::ready(Ok(response)))
                    }
                };
                async move {
                    let mut res = fut.await?.map_into_boxed_body();
                    let status = res.status().as_u16();
                    let seconds = started.elapsed().as_secs_f64();
                    if let Ok(value) = HeaderValue::from_str(&id) {
                        res.headers_mut().insert(REQUEST_ID, value);
                    }
                    if let Some(state) = &state {
                        state
                            .metrics
                            .observe(&route, method.as_str(), status, seconds);
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
