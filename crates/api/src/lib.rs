//! HTTP API for chaxin (actix-web). The HTTP layer only translates: requests into engine
//! calls, engine results and errors into JSON with stable error codes.
//!
//! Routes: `GET /healthz`, `GET|POST /v1/search`, `POST /v1/novelty`, `POST /v1/reports`,
//! `GET /v1/parse`,
//! `POST /v1/documents` (NDJSON upload), `GET|PUT|DELETE /v1/documents/{id}`, `GET /v1/stats`;
//! admin: `GET|POST /v1/indexes`, `DELETE /v1/indexes/{name}`, `POST
//! /v1/indexes/{name}/documents`, `GET|POST /v1/aliases`.

#![warn(missing_docs)]

mod auth;
mod documents;
mod error;
mod indexes;
mod metrics;
mod openapi;
mod params;
mod reports;
mod routes;
mod server;
mod table;
mod write;

pub use auth::{Access, ApiKeys};
pub use error::{ApiError, ErrorCode};
pub use metrics::Metrics;
pub use server::{serve, ApiLimits, AppState};
pub use table::{RouteSpec, Verb, ROUTES};
pub use write::WriteSettings;
