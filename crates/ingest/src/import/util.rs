//! Small helpers shared by the importers.

use chaxin_index::{PartialDate, Record};

use super::Imported;
use crate::error::LineError;

/// One CSV row with access by column name.
pub(crate) struct CsvRow<'a> {
    row: &'a csv::StringRecord,
    headers: &'a csv::StringRecord,
    /// 1-based line where the row starts (rows may span lines).
    pub line: u64,
}

impl CsvRow<'_> {
    /// The value in column `name` (empty when the column or the value is missing).
    pub fn get(&self, name: &str) -> &str {
        self.headers
            .iter()
            .position(|h| h == name)
            .and_then(|i| self.row.get(i))
            .unwrap_or("")
    }
}

/// Reads a CSV file with a header naming at least the `required` columns, mapping each row.
pub(crate) fn csv_import(
    text: &str,
    file: &str,
    required: &[&str],
    mut map: impl FnMut(&CsvRow<'_>) -> Result<Record, LineError>,
) -> Imported {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return vec![Err(line_error(file, 1, "-", e.to_string()))],
    };
    if let Some(missing) = required.iter().find(|r| !headers.iter().any(|h| h == **r)) {
        let reason = format!(
            "the header has no `{missing}` column (needs {})",
            required.join(", ")
        );
        return vec![Err(line_error(file, 1, "-", reason))];
    }
    reader
        .records()
        .map(|row| {
            let row = row.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                line_error(file, line, "-", e.to_string())
            })?;
            let line = row.position().map_or(0, |p| p.line());
            map(&CsvRow {
                row: &row,
                headers: &headers,
                line,
            })
        })
        .collect()
}

/// Collapses runs of white space (including newlines inside CSV fields) into one space.
pub(crate) fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Some(collapsed)` unless blank.
pub(crate) fn non_blank(s: &str) -> Option<String> {
    let s = collapse_ws(s);
    (!s.is_empty()).then_some(s)
}

/// `20051129` → 2005-11-29.
pub(crate) fn compact_date(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, rest) = s.split_at(4);
    let (m, d) = rest.split_at(2);
    if m == "00" {
        return PartialDate::parse(y).ok();
    }
    if d == "00" {
        return PartialDate::parse(&format!("{y}-{m}")).ok();
    }
    PartialDate::parse(&format!("{y}-{m}-{d}")).ok()
}

/// Reads JSON lines (blank lines skipped) as `T`, mapping each to a record with its 1-based
/// line number; a line that is not a `T` is an error naming its line.
pub(crate) fn json_lines<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
    mut map: impl FnMut(T, u64) -> Result<Record, LineError>,
) -> Imported {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(idx, line)| {
            let line_no = idx as u64 + 1;
            let value: T = serde_json::from_str(line)
                .map_err(|e| line_error(file, line_no, "-", e.to_string()))?;
            map(value, line_no)
        })
        .collect()
}

pub(crate) fn line_error(
    file: &str,
    line: u64,
    field: &str,
    reason: impl Into<String>,
) -> LineError {
    LineError {
        file: file.to_string(),
        line,
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// 1-based line number of byte offset `pos` in `text`.
pub(crate) fn line_of(text: &str, pos: usize) -> u64 {
    text.as_bytes()[..pos.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_dates() {
        assert_eq!(compact_date("20051129").unwrap().to_string(), "2005-11-29");
        assert_eq!(compact_date("19990600").unwrap().to_string(), "1999-06");
        assert!(compact_date("2005112").is_none());
        assert!(compact_date("20051340").is_none());
    }
}
