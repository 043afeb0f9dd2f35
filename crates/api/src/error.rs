//! API errors: JSON `{"error": {"code", "message", …}}` with a stable code and the right status.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use chaxin_ingest::catalog::CatalogError;
use chaxin_query::SearchError;
use serde::Serialize;

/// Declares [`ErrorCode`] from one table: each code once, with its name in answers, its HTTP
/// status and its description (the doc comment); [`ErrorCode::ALL`], [`ErrorCode::as_str`],
/// [`ErrorCode::status`] and [`ErrorCode::description`] (the OpenAPI document's list of codes)
/// are generated from it.
macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])+ $variant:ident = ($name:literal, $status:ident), )+) => {
        /// Stable error codes. Clients may match on them; they never change meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
        pub enum ErrorCode {
            $( $(#[doc = $doc])+ #[serde(rename = $name)] $variant, )+
        }

        impl ErrorCode {
            /// Every code, in the table's order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The code as it appears in answers (`malformed_json`).
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $name,)+ }
            }

            /// The HTTP status answers with this code have.
            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$status,)+ }
            }

            /// What the code means, as its doc comment says.
            pub fn description(self) -> &'static str {
                match self { $(ErrorCode::$variant => concat!($($doc),+).trim_ascii(),)+ }
            }
        }
    };
}

error_codes! {
    /// The body is not valid JSON.
    MalformedJson = ("malformed_json", BAD_REQUEST),
    /// The query string does not parse; `column` says where.
    QuerySyntax = ("query_syntax", BAD_REQUEST),
    /// A request parameter is unknown or malformed.
    BadRequest = ("bad_request", BAD_REQUEST),
    /// A value has the wrong type or is out of range; `field` says which.
    InvalidField = ("invalid_field", UNPROCESSABLE_ENTITY),
    /// The body is larger than the limit.
    PayloadTooLarge = ("payload_too_large", PAYLOAD_TOO_LARGE),
    /// The body's media type is not one the route takes (JSON, or NDJSON for uploads).
    UnsupportedMediaType = ("unsupported_media_type", UNSUPPORTED_MEDIA_TYPE),
    /// No such route.
    NotFound = ("not_found", NOT_FOUND),
    /// No record with that id.
    DocumentNotFound = ("document_not_found", NOT_FOUND),
    /// The route exists, the method does not.
    MethodNotAllowed = ("method_not_allowed", METHOD_NOT_ALLOWED),
    /// No usable API key was sent.
    Unauthorized = ("unauthorized", UNAUTHORIZED),
    /// The key does not grant this, or writes are disabled.
    Forbidden = ("forbidden", FORBIDDEN),
    /// Lines of an NDJSON upload are invalid; nothing was committed; `errors` lists them.
    InvalidDocuments = ("invalid_documents", UNPROCESSABLE_ENTITY),
    /// Another writer (a `chaxin index` run) holds the index.
    IndexLocked = ("index_locked", CONFLICT),
    /// No index with that name.
    IndexNotFound = ("index_not_found", NOT_FOUND),
    /// An index with that name exists.
    IndexExists = ("index_exists", CONFLICT),
    /// The index is served as `main` and cannot be deleted.
    IndexInUse = ("index_in_use", CONFLICT),
    /// The request took longer than the server's limit; its work is stopped.
    Timeout = ("timeout", SERVICE_UNAVAILABLE),
    /// A fault on our side; details are in the server log.
    Internal = ("internal", INTERNAL_SERVER_ERROR),
    /// The most writes the server admits are running or queued (see `Retry-After`).
    TooManyWrites = ("too_many_writes", TOO_MANY_REQUESTS),
    /// An upload's body stalled or arrived slower than the minimum rate; nothing was
    /// committed.
    BodyTimeout = ("body_timeout", REQUEST_TIMEOUT),
}

/// An error answer.
#[derive(Debug, Clone, Serialize, thiserror::Error, utoipa::ToSchema)]
#[error("{code:?}: {message}")]
pub struct ApiError {
    /// The stable code (`invalid_field`, `index_locked`, …) that decides the status.
    pub code: ErrorCode,
    /// What went wrong and, where it helps, what to send instead.
    pub message: String,
    /// The request field at fault (`limit`, `kind[1]`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// 1-based column in the query string (query syntax errors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// 1-based line in a JSON body (malformed JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The query as received and as understood (query syntax errors). Boxed: errors travel
    /// in `Result`s on every path, and most have no query.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub syntax: Option<Box<SyntaxContext>>,
    /// The rejected lines of an upload, with what the upload did (`invalid_documents`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub upload: Option<Box<crate::documents::UploadReport>>,
}

/// Where a query syntax error happened.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SyntaxContext {
    /// The query as received.
    pub query: String,
    /// The tokens before the error, as the normalised expression writes them.
    pub understood: String,
}

impl ApiError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
            column: None,
            line: None,
            syntax: None,
            upload: None,
        }
    }

    /// A 400 `invalid_field` naming the request field at fault.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            ..Self::new(ErrorCode::InvalidField, message)
        }
    }

    /// A 500 `internal`: logged with `context`, answered without the details.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!("{context}: {err}");
        Self::new(
            ErrorCode::Internal,
            format!("internal error ({context}); see the server log"),
        )
    }

    /// Converts a search error; `query` is the query string for syntax errors.
    pub fn from_search(err: SearchError, query: &str) -> Self {
        match err {
            SearchError::Syntax(e) => Self {
                column: Some(e.column),
                syntax: Some(Box::new(SyntaxContext {
                    query: query.to_string(),
                    understood: e.understood.clone(),
                })),
                field: Some("q".into()),
                ..Self::new(
                    ErrorCode::QuerySyntax,
                    format!("column {}: {}", e.column, e.message),
                )
            },
            SearchError::InvalidValue { field, message } => Self::invalid_field(field, message),
            SearchError::Tantivy(e) => Self::internal("search", e),
            SearchError::Interrupted => Self::new(
                ErrorCode::Timeout,
                "the request was stopped at its deadline; narrow the query or the request",
            ),
        }
    }

    /// Converts a JSON body error: syntax → 400 with line/column, data → 422 with the field.
    pub fn from_json(err: serde_path_to_error::Error<serde_json::Error>) -> Self {
        use serde_json::error::Category;
        let path = err.path().to_string();
        let inner = err.into_inner();
        let (line, column) = (inner.line(), inner.column());
        let message = inner.to_string();
        match inner.classify() {
            Category::Data => {
                let reason = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(h, _)| h)
                    .to_string();
                let field = if path == "." { "-".to_string() } else { path };
                Self::invalid_field(field, reason)
            }
            _ => Self {
                line: Some(line),
                column: Some(column),
                ..Self::new(
                    ErrorCode::MalformedJson,
                    format!("malformed JSON: {message}"),
                )
            },
        }
    }
}

impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::InvalidName { why, .. } => ApiError::invalid_field("name", why),
            CatalogError::NotFound(_) => ApiError::new(ErrorCode::IndexNotFound, e.to_string()),
            CatalogError::Exists(_) => ApiError::new(ErrorCode::IndexExists, e.to_string()),
            CatalogError::InUse(_) => ApiError::new(ErrorCode::IndexInUse, e.to_string()),
            CatalogError::Io { doing, source } => ApiError::internal(doing, source),
            CatalogError::Index { doing, source } => ApiError::internal(doing, source),
        }
    }
}

/// The body of every error answer.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody<'a> {
    error: &'a ApiError,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if self.code == ErrorCode::Unauthorized {
            response.insert_header((actix_web::http::header::WWW_AUTHENTICATE, "Bearer"));
        }
        if self.code == ErrorCode::TooManyWrites {
            response.insert_header((
                actix_web::http::header::RETRY_AFTER,
                crate::write::RETRY_AFTER_SECS.to_string(),
            ));
        }
        response.json(ErrorBody { error: self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_named_once_and_answers_with_its_name_status_and_meaning() {
        let mut names = std::collections::HashSet::new();
        for &code in ErrorCode::ALL {
            assert!(names.insert(code.as_str()), "{} twice", code.as_str());
            let json = serde_json::to_value(code).expect("serialise");
            assert_eq!(json, code.as_str(), "{code:?}");
            assert!(code.status().is_client_error() || code.status().is_server_error());
            assert!(code.description().ends_with('.'), "{code:?}");
            let answer = ApiError::new(code, "x").error_response();
            assert_eq!(answer.status(), code.status(), "{code:?}");
        }
        assert_eq!(names.len(), 20);
        assert_eq!(
            ErrorCode::BodyTimeout.description(),
            "An upload's body stalled or arrived slower than the minimum rate; nothing was \
             committed."
        );
    }
}
