//! Novelty search reports and result exports.
//!
//! - `citation`: GB/T 7714-2015 references (of exports and drafts), with `names` (authors'
//!   names as GB/T 7714 writes them).
//! - [`builder`]: a report request run into its draft.
//! - [`export`]: result lists as GB/T 7714, RIS, BibTeX or CSV.
//! - [`draft`]: the 科技查新报告 draft built from a novelty result, and its renderings
//!   ([`render`]: Markdown, HTML, DOCX).

#![warn(missing_docs)]

pub mod builder;
mod citation;
pub mod draft;
pub mod export;
mod names;
pub mod render;
