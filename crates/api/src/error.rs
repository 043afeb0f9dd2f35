//! API errors: JSON `{"error": {"code", "message", …}}` with a stable code and the right status.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use chaxin_query::SearchError;
use serde::Serialize;

/// Stable error codes. Clients may match on them; they never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not valid JSON (400).
    MalformedJson,
    /// The query string does not parse (400); `column` says where.
    QuerySyntax,
    /// A request parameter is unknown or malformed (400).
    BadRequest,
    /// A value has the wrong type or is out of range (422); `field` says which.
    InvalidField,
    /// The body is larger than the limit (413).
    PayloadTooLarge,
    /// The body is not JSON (415).
    UnsupportedMediaType,
    /// No such route (404).
    NotFound,
    /// No record with that id (404).
    DocumentNotFound,
    /// The route exists, the method does not (405).
    MethodNotAllowed,
    /// No usable API key was sent (401).
    Unauthorized,
    /// The key does not grant this, or writes are disabled (403).
    Forbidden,
    /// Lines of an NDJSON upload are invalid; nothing was committed (422); `errors` lists them.
    InvalidDocuments,
    /// Another writer (a `chaxin index` run) holds the index (409).
    IndexLocked,
    /// No index with that name (404).
    IndexNotFound,
    /// An index with that name exists (409).
    IndexExists,
    /// The index is served as `main` and cannot be deleted (409).
    IndexInUse,
    /// The request took longer than the server's limit (503); the engine may still finish
    /// the work, the answer is not waited for.
    Timeout,
    /// A fault on our side (500); details are in the server log.
    Internal,
    /// The most writes the server admits are running or queued (429, with `Retry-After`).
    TooManyWrites,
    /// An upload's body stalled or arrived slower than the minimum rate; nothing was
    /// committed (408).
    BodyTimeout,
}

impl ErrorCode {
    /// Every code, for the API description.
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::MalformedJson,
        ErrorCode::QuerySyntax,
        ErrorCode::BadRequest,
        ErrorCode::InvalidField,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::NotFound,
        ErrorCode::DocumentNotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::InvalidDocuments,
        ErrorCode::IndexLocked,
        ErrorCode::IndexNotFound,
        ErrorCode::IndexExists,
        ErrorCode::IndexInUse,
        ErrorCode::Timeout,
        ErrorCode::Internal,
        ErrorCode::TooManyWrites,
        ErrorCode::BodyTimeout,
    ];

    /// The code as it appears in answers (`malformed_json`).
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    pub(crate) fn status(self) -> StatusCode {
        match self {
            ErrorCode::MalformedJson | ErrorCode::QuerySyntax | ErrorCode::BadRequest => {
                StatusCode::BAD_REQUEST
            }
            ErrorCode::InvalidField | ErrorCode::InvalidDocuments => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::IndexLocked | ErrorCode::IndexExists | ErrorCode::IndexInUse => {
                StatusCode::CONFLICT
            }
            ErrorCode::IndexNotFound => StatusCode::NOT_FOUND,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::NotFound | ErrorCode::DocumentNotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::TooManyWrites => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
        }
    }
}

/// An error answer.
#[derive(Debug, Clone, Serialize, thiserror::Error, utoipa::ToSchema)]
#[error("{code:?}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
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

    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            ..Self::new(ErrorCode::InvalidField, message)
        }
    }

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
                crate::documents::RETRY_AFTER_SECS.to_string(),
            ));
        }
        response.json(ErrorBody { error: self })
    }
}
