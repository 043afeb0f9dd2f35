//! The route table: every route's method, path pattern, the access it needs and its handler,
//! declared once. Routing, the access check and the metrics labels all come from it, and the
//! OpenAPI test compares the document with it.
//!
//! Invariant: the access check runs as a middleware of the matched route itself (after the
//! router has decoded and matched the path), never on the raw request path, so no spelling of
//! a path (`/v1/%64ocuments`) reaches a handler with less access than its row says. A request
//! that matches no row is 404 (or 405 on a known path) and runs no handler.

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpMessage};

use crate::auth::Access;
use crate::error::ErrorCode;
use crate::server::AppState;
use crate::{documents, indexes, metrics, openapi, reports, routes};

/// An HTTP method of the table (a closed set, so metrics labels stay bounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verb {
    /// `GET`.
    Get,
    /// `HEAD` (answered as `GET`, without the body).
    Head,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
}

impl Verb {
    /// The method's name as sent (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Head => "HEAD",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
        }
    }

    fn method(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Head => Method::HEAD,
            Verb::Post => Method::POST,
            Verb::Put => Method::PUT,
            Verb::Delete => Method::DELETE,
        }
    }
}

/// One row of the table.
pub struct RouteSpec {
    /// The HTTP method.
    pub verb: Verb,
    /// The path pattern (`/v1/documents/{id}`), also the route's metrics label.
    pub path: &'static str,
    /// What a caller needs to run the handler.
    pub access: Access,
    /// Whether the route changes stored state (records, indexes, the alias).
    pub changes_state: bool,
    /// The error codes it may answer besides those of its access (`unauthorized`,
    /// `forbidden`); the OpenAPI document lists them under their statuses.
    pub errors: &'static [ErrorCode],
    /// Attaches the handler to a route of this method.
    handler: fn(actix_web::Route) -> actix_web::Route,
}

impl std::fmt::Debug for RouteSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} ({:?})",
            self.verb.as_str(),
            self.path,
            self.access
        )
    }
}

macro_rules! route {
    ($verb:ident $path:literal, $access:ident, $changes:literal, $handler:path, $errors:expr) => {
        RouteSpec {
            verb: Verb::$verb,
            path: $path,
            access: Access::$access,
            changes_state: $changes,
            errors: $errors,
            handler: |r| r.to($handler),
        }
    };
}

/// The error codes that routes share.
mod codes {
    use crate::error::ErrorCode;
    use crate::error::ErrorCode::*;

    /// A search or lookup: its parameters, the engine's deadline.
    pub(super) const QUERY: &[ErrorCode] = &[QuerySyntax, BadRequest, InvalidField, Timeout];
    /// The same with a JSON body.
    pub(super) const JSON_QUERY: &[ErrorCode] = &[
        MalformedJson,
        QuerySyntax,
        BadRequest,
        InvalidField,
        PayloadTooLarge,
        UnsupportedMediaType,
        Timeout,
    ];
    /// An NDJSON or export upload.
    pub(super) const UPLOAD: &[ErrorCode] = &[
        BadRequest,
        InvalidField,
        InvalidDocuments,
        PayloadTooLarge,
        UnsupportedMediaType,
        BodyTimeout,
        IndexLocked,
        TooManyWrites,
    ];
    /// The same into a named index.
    pub(super) const UPLOAD_TO: &[ErrorCode] = &[
        BadRequest,
        InvalidField,
        InvalidDocuments,
        PayloadTooLarge,
        UnsupportedMediaType,
        BodyTimeout,
        IndexNotFound,
        IndexLocked,
        TooManyWrites,
    ];
}

/// Every route the server answers. Reads need a read key when read keys are set; writes and
/// the admin routes (indexes, aliases) a write key; `/healthz` and the API description
/// nothing.
pub static ROUTES: &[RouteSpec] = {
    use codes::*;
    use ErrorCode::*;
    &[
        route!(Get "/healthz", Public, false, routes::healthz, &[]),
        route!(Head "/healthz", Public, false, routes::healthz_head, &[]),
        route!(Get "/openapi.json", Public, false, openapi::openapi_json, &[]),
        route!(Get "/docs", Public, false, openapi::docs_page, &[]),
        route!(Get "/metrics", Read, false, metrics::metrics, &[]),
        route!(Get "/v1/search", Read, false, routes::search_get, QUERY),
        route!(Post "/v1/search", Read, false, routes::search_post, JSON_QUERY),
        route!(Post "/v1/novelty", Read, false, routes::novelty, JSON_QUERY),
        route!(Post "/v1/reports", Read, false, reports::report, JSON_QUERY),
        route!(Get "/v1/parse", Read, false, routes::parse_query, &[QuerySyntax, BadRequest]),
        route!(Get "/v1/stats", Read, false, routes::stats, &[Timeout]),
        route!(Post "/v1/documents", Write, true, documents::upload, UPLOAD),
        route!(Get "/v1/documents/{id}", Read, false, routes::document, &[DocumentNotFound, Timeout]),
        route!(Put "/v1/documents/{id}", Write, true, documents::put, &[MalformedJson, BadRequest, InvalidField, PayloadTooLarge, UnsupportedMediaType, IndexLocked, TooManyWrites]),
        route!(Delete "/v1/documents/{id}", Write, true, documents::delete, &[DocumentNotFound, IndexLocked, TooManyWrites]),
        route!(Get "/v1/indexes", Write, false, indexes::list, &[]),
        route!(Post "/v1/indexes", Write, true, indexes::create, &[MalformedJson, BadRequest, InvalidField, IndexExists, TooManyWrites]),
        route!(Delete "/v1/indexes/{name}", Write, true, indexes::delete, &[IndexNotFound, IndexInUse, IndexLocked, TooManyWrites]),
        route!(Post "/v1/indexes/{name}/documents", Write, true, documents::upload_to, UPLOAD_TO),
        route!(Get "/v1/aliases", Write, false, indexes::aliases, &[]),
        route!(Post "/v1/aliases", Write, true, indexes::switch, &[MalformedJson, BadRequest, InvalidField, IndexNotFound, TooManyWrites]),
    ]
};

/// The table's own copy of a path pattern (labels are only ever the table's strings).
pub(crate) fn pattern(path: &str) -> Option<&'static str> {
    ROUTES.iter().map(|r| r.path).find(|p| *p == path)
}

/// The row a request was routed to, left in its extensions for the metrics and the log.
#[derive(Clone, Copy)]
pub(crate) struct Matched(pub &'static RouteSpec);

/// Registers every route of [`ROUTES`], each wrapped in its access check; an unknown method
/// on a known path is 405.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let mut paths: Vec<&'static str> = Vec::new();
    for spec in ROUTES {
        if !paths.contains(&spec.path) {
            paths.push(spec.path);
        }
    }
    for path in paths {
        let mut resource = web::resource(path);
        for spec in ROUTES.iter().filter(|s| s.path == path) {
            let route = (spec.handler)(web::method(spec.verb.method()));
            resource = resource.route(route.wrap(from_fn(
                move |req: ServiceRequest, next: Next<BoxBody>| check_access(spec, req, next),
            )));
        }
        cfg.service(resource.default_service(web::to(routes::method_not_allowed)));
    }
}

/// Refuses the request unless its key grants `spec.access`; marks it with its row.
async fn check_access(
    spec: &'static RouteSpec,
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    req.extensions_mut().insert(Matched(spec));
    let denied = match req.app_data::<web::Data<AppState>>() {
        Some(state) => state
            .keys
            .require(req.request(), spec.access)
            .and_then(|()| crate::params::check_utf8(req.uri()))
            .err(),
        // Without state no handler can run; refuse rather than guess.
        None => Some(crate::error::ApiError::internal(
            "route table",
            "application state missing",
        )),
    };
    match denied {
        Some(err) => Ok(req.error_response(err)),
        None => next.call(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_unique_and_state_changes_need_a_write_key() {
        let mut seen = std::collections::BTreeSet::new();
        for spec in ROUTES {
            assert!(seen.insert((spec.verb, spec.path)), "{spec:?} twice");
            if spec.changes_state {
                assert_eq!(spec.access, Access::Write, "{spec:?}");
            }
            let admin =
                spec.path.starts_with("/v1/indexes") || spec.path.starts_with("/v1/aliases");
            if admin {
                assert_eq!(spec.access, Access::Write, "{spec:?}");
            }
            if spec.access == Access::Public {
                assert!(!spec.path.starts_with("/v1/"), "{spec:?}");
            }
        }
    }
}
