//! Novelty search reports and result exports.
//!
//! - [`citation`]: GB/T 7714-2015 references.
//! - [`export`]: result lists as GB/T 7714, RIS, BibTeX or CSV.
//! - [`draft`]: the 科技查新报告 draft built from a novelty result, and its renderings
//!   ([`render`]: Markdown, HTML, DOCX).

pub mod builder;
pub mod citation;
pub mod draft;
pub mod export;
pub mod names;
pub mod render;
