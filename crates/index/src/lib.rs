//! Record model, tantivy schema and index open/create for chaxin.
//!
//! * [`Record`]: one paper, patent, thesis, … as ingested (NDJSON line) and as returned.
//! * [`Fields`]: the tantivy schema and how a record becomes a document.
//! * [`ChaxinIndex`]: an index directory with its recorded analyzer settings.

#![warn(missing_docs)]

mod date;
mod document;
mod error;
mod index;
mod record;
mod schema;

pub use date::PartialDate;
pub use document::{
    classification_terms, number_variants, to_document, IndexDocument, PARAGRAPH_MARK,
    SENTENCE_MARK,
};
pub use error::{IndexError, RecordError};
pub use index::{find_live_doc, ChaxinIndex, IndexMeta};
pub use record::{Kind, Localized, Record};
pub use schema::{Fields, TextField};
