//! Errors of the index crate.

use std::path::PathBuf;

/// Why one record was rejected: the field (a JSON path such as `keywords[2]`, or `-` when the
/// line is not JSON at all) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}`: {reason}")]
pub struct RecordError {
    /// JSON path of the field at fault (`-`: the record as a whole).
    pub field: String,
    /// Why it is refused.
    pub reason: String,
}

impl RecordError {
    /// An error about one field.
    pub fn field(field: &str, reason: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            reason: reason.into(),
        }
    }

    /// Converts a serde_json error at `path` into a record error.
    pub(crate) fn from_serde(path: String, err: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        let message = err.to_string();
        match err.classify() {
            Category::Syntax | Category::Eof | Category::Io => Self {
                field: "-".into(),
                reason: format!("malformed JSON: {message}"),
            },
            Category::Data => {
                // serde_path_to_error already ends the path with an unknown field's name; a
                // missing field is reported at its parent, so name it from the message.
                let field = if path == "." {
                    unknown_field_name(&message)
                        .or_else(|| missing_field_name(&message))
                        .unwrap_or("-")
                        .to_string()
                } else {
                    path
                };
                // Drop serde's " at line 1 column 57" suffix: the field already says where.
                let reason = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(head, _)| head)
                    .to_string();
                Self { field, reason }
            }
        }
    }
}

fn unknown_field_name(message: &str) -> Option<&str> {
    message.strip_prefix("unknown field `")?.split('`').next()
}

fn missing_field_name(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// Errors opening, creating or writing an index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// tantivy failed.
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A file of the index could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `chaxin.json` is unreadable: its path and why.
    #[error("{path}: {reason}")]
    BadMeta {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The directory holds no chaxin index: its path and the file missing.
    #[error("{path} is not a chaxin index (no {file})")]
    NotAnIndex {
        /// The directory.
        path: PathBuf,
        /// The file it lacks.
        file: &'static str,
    },
    /// The index's analyzer settings are refused (another analyzer version, or a bad user
    /// dictionary word).
    #[error(transparent)]
    Settings(#[from] chaxin_text::SettingsError),
}
