//! Renderings of a report draft. The draft is first laid out as [`Block`]s (headings,
//! paragraphs, lists, tables) in the order of its style; Markdown, HTML and DOCX each write
//! the same blocks, so the three never disagree on content or order.
//!
//! - [`layout()`]: the blocks, in the order of the draft's style;
//! - [`markdown()`], [`html()`], [`docx()`]: one writer each, a module each.

mod docx;
mod html;
mod layout;
mod markdown;

use docx::docx;
use html::html;
use markdown::markdown;

use crate::draft::Report;

/// A rendering of a report draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// The draft itself (compact JSON).
    Json,
    /// Markdown (CommonMark with pipe tables).
    Markdown,
    /// A printable HTML page.
    Html,
    /// A Word document (Office Open XML).
    Docx,
}

impl ReportFormat {
    /// Parses `json`, `markdown` (or `md`), `html` or `docx`.
    pub fn parse(name: &str) -> Option<ReportFormat> {
        match name {
            "json" => Some(ReportFormat::Json),
            "markdown" | "md" => Some(ReportFormat::Markdown),
            "html" => Some(ReportFormat::Html),
            "docx" => Some(ReportFormat::Docx),
            _ => None,
        }
    }

    /// The media type of a rendering.
    pub fn content_type(self) -> &'static str {
        match self {
            ReportFormat::Json => "application/json",
            ReportFormat::Markdown => "text/markdown; charset=utf-8",
            ReportFormat::Html => "text/html; charset=utf-8",
            ReportFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }
}

/// Renders `report` in `format`.
pub fn render(report: &Report, format: ReportFormat) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        ReportFormat::Json => {
            serde_json::to_vec(report).map_err(|e| RenderError(format!("JSON: {e}")))?
        }
        ReportFormat::Markdown => markdown(report).into_bytes(),
        ReportFormat::Html => html(report).into_bytes(),
        ReportFormat::Docx => docx(report)?,
    })
}

/// Errors writing a rendering (a DOCX package, or JSON).
#[derive(Debug, thiserror::Error)]
#[error("writing the report: {0}")]
pub struct RenderError(String);
