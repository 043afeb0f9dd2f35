//! Lines → tagged records: where a record starts and ends, and continuation lines.

use super::super::util::line_error;
use super::RefFormat;
use crate::error::LineError;

/// One tagged field: tag, value, 1-based line.
pub(super) type Field = (String, String, u64);

/// A record's tagged fields and the line it starts on.
pub(super) struct Tagged {
    pub(super) line: u64,
    pub(super) fields: Vec<Field>,
}

/// Splits `text` into tagged records; stray lines are errors.
pub(super) fn read_tagged(
    format: RefFormat,
    text: &str,
    file: &str,
) -> Vec<Result<Tagged, LineError>> {
    let mut out = Vec::new();
    let mut current: Option<Tagged> = None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.lines().enumerate() {
        let number = i as u64 + 1;
        let line = raw.trim_end();
        if line.trim().is_empty() {
            if format.blank_line_ends_record() {
                out.extend(current.take().map(Ok));
            }
            continue;
        }
        match format.split_line(line) {
            Some((tag, value)) => {
                if tag == format.start_tag() {
                    if let Some(open) = current.take() {
                        out.push(implicit_end(
                            format,
                            open,
                            file,
                            "the record has no `ER  -` line before the next `TY`",
                        ));
                    }
                    current = Some(Tagged {
                        line: number,
                        fields: Vec::new(),
                    });
                }
                let Some(record) = current.as_mut() else {
                    out.push(Err(line_error(
                        file,
                        number,
                        tag,
                        format!(
                            "`{tag}` outside a record: a record starts with {}",
                            format.start_example()
                        ),
                    )));
                    continue;
                };
                if format == RefFormat::Ris && tag == "ER" {
                    out.extend(current.take().map(Ok));
                    continue;
                }
                record
                    .fields
                    .push((tag.to_string(), value.trim().to_string(), number));
            }
            None => match current.as_mut().and_then(|r| r.fields.last_mut()) {
                // A continuation of the previous value (wrapped abstracts).
                Some((_, value, _)) => {
                    value.push('\n');
                    value.push_str(line.trim());
                }
                None => out.push(Err(line_error(
                    file,
                    number,
                    "-",
                    format!(
                        "not a field line; a record starts with {}",
                        format.start_example()
                    ),
                ))),
            },
        }
    }
    if let Some(open) = current {
        out.push(implicit_end(
            format,
            open,
            file,
            "the file ends inside this record (no `ER  -` line)",
        ));
    }
    out
}

/// A record ended by the next record or the end of the file: complete, except in RIS, whose
/// records end with `ER` (`reason` says what came instead).
fn implicit_end(
    format: RefFormat,
    open: Tagged,
    file: &str,
    reason: &str,
) -> Result<Tagged, LineError> {
    if format == RefFormat::Ris {
        Err(line_error(file, open.line, "ER", reason))
    } else {
        Ok(open)
    }
}
