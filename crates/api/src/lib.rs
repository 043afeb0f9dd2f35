//! HTTP API for chaxin (actix-web). The HTTP layer only translates: requests into engine
//! calls, engine results and errors into JSON with stable error codes.
//!
//! Routes: `GET /healthz`, `GET|POST /v1/search`, `GET /v1/documents/{id}`, `GET /v1/stats`.

mod error;
mod params;
mod routes;
mod server;

pub use error::{ApiError, ErrorCode};
pub use server::{configure, serve, ApiLimits, AppState};
