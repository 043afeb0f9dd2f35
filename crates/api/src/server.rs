//! App wiring and the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::Service;
use actix_web::{web, App, HttpServer};
use chaxin_query::SearchEngine;

use crate::routes;

/// Request limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiLimits {
    /// Largest accepted request body.
    pub max_body_bytes: usize,
}

impl Default for ApiLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: 64 * 1024,
        }
    }
}

/// Shared state of the handlers.
pub struct AppState {
    pub engine: Arc<SearchEngine>,
    pub limits: ApiLimits,
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
            web::resource("/v1/documents/{id}")
                .route(web::get().to(routes::document))
                .default_service(web::to(routes::method_not_allowed)),
        )
        .service(
            web::resource("/v1/stats")
                .route(web::get().to(routes::stats))
                .default_service(web::to(routes::method_not_allowed)),
        );
}

/// Serves `engine` on an already bound listener until the process is stopped (Ctrl-C/SIGTERM
/// finish in-flight requests first).
pub async fn serve(
    engine: Arc<SearchEngine>,
    listener: TcpListener,
    limits: ApiLimits,
) -> std::io::Result<()> {
    let state = web::Data::new(AppState { engine, limits });
    HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap_fn(|req, srv| {
                let started = Instant::now();
                let method = req.method().clone();
                let path = req.path().to_string();
                let fut = srv.call(req);
                async move {
                    let res = fut.await?;
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
