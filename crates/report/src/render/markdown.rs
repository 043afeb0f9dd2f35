//! The Markdown rendering (CommonMark with pipe tables).

use std::fmt::Write as _;

use super::layout::{layout, Block, Rich};
use crate::draft::Report;

/// Escapes what Markdown would read as markup: emphasis, code, HTML, table cells, and a
/// heading or quote mark at the start of a line. (`[1]` stays as written: without a link
/// target it is text.)
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut line_start = true;
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '<' | '|') || (line_start && matches!(c, '#' | '>'))
        {
            out.push('\\');
        }
        out.push(c);
        line_start = c == '\n';
    }
    out
}

fn md_rich(rich: &Rich) -> String {
    rich.iter()
        .map(|i| {
            let text = md_escape(&i.text);
            if i.strong && !text.trim().is_empty() {
                format!("**{text}**")
            } else {
                text
            }
        })
        .collect()
}

/// Markdown (CommonMark with pipe tables).
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    for block in layout(report) {
        match block {
            Block::Title(t) => {
                let _ = writeln!(out, "# {}\n", md_escape(&t));
            }
            Block::Heading(t) => {
                let _ = writeln!(out, "## {}\n", md_escape(&t));
            }
            Block::Subheading(t) => {
                let _ = writeln!(out, "### {}\n", md_escape(&t));
            }
            Block::Paragraph(r) => {
                let _ = writeln!(out, "{}\n", md_rich(&r));
            }
            Block::List(items) => {
                if items.is_empty() {
                    out.push_str("（无）\n\n");
                    continue;
                }
                for (i, item) in items.iter().enumerate() {
                    let text = md_rich(item).replace('\n', "  \n   ");
                    let _ = writeln!(out, "{}. {text}", i + 1);
                }
                out.push('\n');
            }
            Block::Table { header, rows } => {
                let _ = writeln!(
                    out,
                    "| {} |",
                    header
                        .iter()
                        .map(|h| md_escape(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
                for row in rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|cell| {
                            cell.iter()
                                .map(|p| md_rich(p).replace('\n', "<br>"))
                                .collect::<Vec<_>>()
                                .join("<br>")
                        })
                        .collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                }
                out.push('\n');
            }
        }
    }
    out
}
