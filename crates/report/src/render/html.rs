//! The HTML rendering: one printable page with its style inline.

use std::fmt::Write as _;

use super::layout::{layout, Block, Rich};
use crate::draft::Report;

/// Text escaped for HTML, its line breaks as `<br>`.
fn html_escape(text: &str) -> String {
    chaxin_text::html::escape(text).replace('\n', "<br>")
}

fn html_rich(rich: &Rich) -> String {
    rich.iter()
        .map(|i| {
            if i.strong {
                format!("<strong>{}</strong>", html_escape(&i.text))
            } else {
                html_escape(&i.text)
            }
        })
        .collect()
}

const PRINT_CSS: &str = "body{font-family:\"Songti SC\",SimSun,\"Noto Serif CJK SC\",serif;max-width:52em;margin:2em auto;line-height:1.6;color:#000}\
h1{text-align:center;font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #000;margin-top:1.6em}h3{font-size:1.05em}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:.3em .5em;vertical-align:top;text-align:left}\
.notice{border:1px solid #000;padding:.5em}@page{size:A4;margin:2.5cm 2cm}@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}tr{page-break-inside:avoid}}";

/// A printable, self-contained HTML page (no external assets).
pub fn html(report: &Report) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<title>{}</title>\n<style>{PRINT_CSS}</style>\n</head>\n<body>",
        html_escape(&report.project.name)
    );
    let mut first_paragraph = true;
    for block in layout(report) {
        match block {
            Block::Title(t) => {
                let _ = writeln!(out, "<h1>{}</h1>", html_escape(&t));
            }
            Block::Heading(t) => {
                let _ = writeln!(out, "<h2>{}</h2>", html_escape(&t));
            }
            Block::Subheading(t) => {
                let _ = writeln!(out, "<h3>{}</h3>", html_escape(&t));
            }
            Block::Paragraph(r) => {
                let class = if first_paragraph {
                    " class=\"notice\""
                } else {
                    ""
                };
                first_paragraph = false;
                let _ = writeln!(out, "<p{class}>{}</p>", html_rich(&r));
            }
            Block::List(items) => {
                if items.is_empty() {
                    out.push_str("<p>（无）</p>\n");
                    continue;
                }
                out.push_str("<ol>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", html_rich(&item));
                }
                out.push_str("</ol>\n");
            }
            Block::Table { header, rows } => {
                out.push_str("<table>\n<thead><tr>");
                for h in header {
                    let _ = write!(out, "<th>{}</th>", html_escape(&h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let paragraphs: Vec<String> = cell.iter().map(html_rich).collect();
                        let _ = write!(out, "<td>{}</td>", paragraphs.join("<br>"));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}
