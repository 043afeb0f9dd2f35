//! App wiring and the HTTP server.

use std::net::TcpListener;
use std::time::Instant;

use actix_web::dev::Service;
use actix_web::{web, App, HttpServer};

use futures_util::future::Either;

use crate::auth::{required_access, ApiKeys};
use crate::documents::{self, WriteSettings};
use crate::indexes::{self, Catalog};
use crate::routes;

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
}

impl Default for ApiLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: 64 * 1024,
            engine_threads: std::thread::available_parallelism().map_or(2, |n| n.get()) + 1,
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
    /// Held by the one write running (writes queue on it).
    pub write_lock: std::sync::Mutex<()>,
}

impl AppState {
    pub fn new(catalog: Catalog, limits: ApiLimits, keys: ApiKeys, writes: WriteSettings) -> Self {
        Self {
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
                let denied = required_access(&method, &path).and_then(|access| {
                    let state = req.app_data::<web::Data<AppState>>()?;
                    state.keys.require(req.request(), access).err()
                });
                let fut = match denied {
                    None => Either::Left(srv.call(req)),
                    Some(err) => {
                        let response = req.error_response(err);
                        Either::Right(std::future::ready(Ok(response)))
                    }
                };
                async move {
                    let res = fut.await?.map_into_boxed_body();
                    tracing::info!(
                        target: "chaxin::http",
                        "{method} {path} {} {:.1}ms",
                        res.status().as_u16(),
                        started.elapsed().as_secs_f64() * 1e3
                    );
                    Ok(res)
                }
            })
            .configure(configure)
            .default_service(web::to(routes::not_found))
    })
    .listen(listener)?
    .run()
    .await
}
