//! The Word rendering (Office Open XML), via docx-rs.

use docx_rs::{
    AlignmentType, Docx, Paragraph, Run, RunFonts, Style, StyleType, Table, TableCell, TableRow,
    WidthType,
};

use super::layout::{layout, plain, Block, Inline, Rich};
use super::RenderError;
use crate::draft::Report;

fn docx_runs(mut paragraph: Paragraph, rich: &Rich, size: Option<usize>) -> Paragraph {
    for inline in rich {
        for (i, line) in inline.text.split('\n').enumerate() {
            let mut run =
                Run::new().fonts(RunFonts::new().east_asia("SimSun").ascii("Times New Roman"));
            if i > 0 {
                run = run.add_break(docx_rs::BreakType::TextWrapping);
            }
            run = run.add_text(line);
            if inline.strong {
                run = run.bold();
            }
            if let Some(size) = size {
                run = run.size(size);
            }
            paragraph = paragraph.add_run(run);
        }
    }
    paragraph
}

/// Column widths in twentieths of a point over an A4 text width: a three-column table
/// (point or category | expression or citation | hits or points) gives the middle the room.
fn column_widths(columns: usize) -> Vec<usize> {
    const TEXT_WIDTH: usize = 9000;
    match columns {
        3 => vec![1300, 6300, 1400],
        n => vec![TEXT_WIDTH / n.max(1); n.max(1)],
    }
}

/// A Word document (Office Open XML), via docx-rs.
pub fn docx(report: &Report) -> Result<Vec<u8>, RenderError> {
    let mut doc = Docx::new()
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .size(36)
                .bold()
                .align(AlignmentType::Center),
        )
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("Heading 1")
                .size(30)
                .bold(),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("Heading 2")
                .size(24)
                .bold(),
        );
    for block in layout(report) {
        match block {
            Block::Title(t) => {
                doc =
                    doc.add_paragraph(docx_runs(Paragraph::new().style("Title"), &plain(t), None));
            }
            Block::Heading(t) => {
                doc = doc.add_paragraph(docx_runs(
                    Paragraph::new().style("Heading1"),
                    &plain(t),
                    None,
                ));
            }
            Block::Subheading(t) => {
                doc = doc.add_paragraph(docx_runs(
                    Paragraph::new().style("Heading2"),
                    &plain(t),
                    None,
                ));
            }
            Block::Paragraph(r) => {
                doc = doc.add_paragraph(docx_runs(Paragraph::new(), &r, None));
            }
            Block::List(items) => {
                if items.is_empty() {
                    doc = doc.add_paragraph(docx_runs(Paragraph::new(), &plain("（无）"), None));
                }
                for (i, item) in items.iter().enumerate() {
                    let mut rich = plain(format!("{}. ", i + 1));
                    rich.extend(item.iter().cloned());
                    doc = doc.add_paragraph(docx_runs(Paragraph::new(), &rich, None));
                }
            }
            Block::Table { header, rows } => {
                let widths = column_widths(header.len());
                let cell = |i: usize| TableCell::new().width(widths[i], WidthType::Dxa);
                let mut table_rows = vec![TableRow::new(
                    header
                        .iter()
                        .enumerate()
                        .map(|(i, h)| {
                            cell(i).add_paragraph(docx_runs(
                                Paragraph::new(),
                                &vec![Inline {
                                    text: h.clone(),
                                    strong: true,
                                }],
                                None,
                            ))
                        })
                        .collect(),
                )];
                for row in rows {
                    table_rows.push(TableRow::new(
                        row.iter()
                            .enumerate()
                            .map(|(i, paragraphs)| {
                                paragraphs.iter().fold(cell(i), |c, p| {
                                    c.add_paragraph(docx_runs(Paragraph::new(), p, Some(20)))
                                })
                            })
                            .collect(),
                    ));
                }
                doc = doc.add_table(
                    Table::new(table_rows)
                        .set_grid(widths.clone())
                        .width(widths.iter().sum(), WidthType::Dxa),
                );
            }
        }
    }
    let mut buffer = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buffer)
        .map_err(|e| RenderError(e.to_string()))?;
    Ok(buffer.into_inner())
}
