//! Errors of the query crate.

/// A query that cannot be parsed: where (1-based character column), why (what was
/// expected), and the query as understood before that column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}{}", understood_suffix(.understood))]
pub struct QueryError {
    /// The 1-based character column at fault.
    pub column: usize,
    /// What is wrong and what would be right.
    pub message: String,
    /// The tokens before the error, as the normalised expression writes them.
    pub understood: String,
}

impl QueryError {
    /// An error at `column`; `understood` is filled in by the parser.
    pub fn new(column: usize, message: impl Into<String>) -> Self {
        Self {
            column,
            message: message.into(),
            understood: String::new(),
        }
    }
}

fn understood_suffix(understood: &str) -> String {
    if understood.is_empty() {
        String::new()
    } else {
        format!(" (understood so far: {understood})")
    }
}

/// Errors of a search request.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query string does not parse.
    #[error("query syntax error at {0}")]
    Syntax(#[from] QueryError),
    /// A request value is out of range or inconsistent (the field and why).
    #[error("`{field}`: {message}")]
    InvalidValue {
        /// The request field at fault.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// tantivy failed.
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The search was stopped by its [`crate::Interrupt`] (deadline or cancel); what it had
    /// found is discarded.
    #[error("the search was interrupted (deadline or cancel)")]
    Interrupted,
}
