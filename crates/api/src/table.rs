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
use crate::server::AppState;
use crate::{documents, indexes, metrics, openapi, reports, routes};

/// An HTTP method of the table (a closed set, so metrics labels stay bounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verb {
    Get,
    Head,
    Post,
    Put,
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
    pub verb: Verb,
    /// The path pattern (`/v1/documents/{id}`), also the route's metrics label.
    pub path: &'static str,
    /// What a caller needs to run the handler.
    pub access: Access,
    /// Whether the route changes stored state (records, indexes, the alias).
    pub changes_state: bool,
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
    ($verb:ident $path:literal, $access:ident, $changes:literal, $handler:path) => {
        RouteSpec {
            verb: Verb::$verb,
            path: $path,
            access: Access::$access,
            changes_state: $changes,
            handler: |r| r.to($handler),
        }
    };
}

/// Every route the server answers. Reads need a read key when read keys are set; writes and
/// the admin routes (indexes, aliases) a write key; `/healthz` and the API description
/// nothing.
pub static ROUTES: &[RouteSpec] = &[
    route!(Get "/healthz", Public, false, routes::healthz),
    route!(Head "/healthz", Public, false, routes::healthz_head),
    route!(Get "/openapi.json", Public, false, openapi::openapi_json),
    route!(Get "/docs", Public, false, openapi::docs_page),
    route!(Get "/metrics", Read, false, metrics::metrics),
    route!(Get "/v1/search", Read, false, routes::search_get),
    route!(Post "/v1/search", Read, false, routes::search_post),
    route!(Post "/v1/novelty", Read, false, routes::novelty),
    route!(Post "/v1/reports", Read, false, reports::report),
    route!(Get "/v1/parse", Read, false, routes::parse_query),
    route!(Get "/v1/stats", Read, false, routes::stats),
    route!(Post "/v1/documents", Write, true, documents::upload),
    route!(Get "/v1/documents/{id}", Read, false, routes::document),
    route!(Put "/v1/documents/{id}", Write, true, documents::put),
    route!(Delete "/v1/documents/{id}", Write, true, documents::delete),
    route!(Get "/v1/indexes", Write, false, indexes::list),
    route!(Post "/v1/indexes", Write, true, indexes::create),
    route!(Delete "/v1/indexes/{name}", Write, true, indexes::delete),
    route!(Post "/v1/indexes/{name}/documents", Write, true, documents::upload_to),
    route!(Get "/v1/aliases", Write, false, indexes::aliases),
    route!(Post "/v1/aliases", Write, true, indexes::switch),
];

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
