//! PatentsView CSV export (`patent_abstract, patent_date, patent_number, patent_title`).

use chaxin_index::{Kind, Localized, PartialDate};

use super::csl::empty_record;
use super::util::{csv_import, line_error, non_blank};
use super::Imported;

pub(crate) fn import(text: &str, file: &str) -> Imported {
    let required = [
        "patent_number",
        "patent_title",
        "patent_abstract",
        "patent_date",
    ];
    csv_import(text, file, &required, |row| {
        let number = row
            .get("patent_number")
            .trim()
            .trim_start_matches('0')
            .to_string();
        if number.is_empty() {
            return Err(line_error(file, row.line, "patent_number", "is empty"));
        }
        let pub_date = PartialDate::parse(row.get("patent_date").trim())
            .map_err(|reason| line_error(file, row.line, "patent_date", reason))?;
        let mut record = empty_record();
        record.id = format!("US{number}");
        record.kind = Kind::Patent;
        record.lang = Some("en".into());
        record.title = non_blank(&unquote(row.get("patent_title"))).map(Localized::Text);
        record.abstract_text = non_blank(&unquote(row.get("patent_abstract"))).map(Localized::Text);
        record.pub_number = Some(format!("US{number}"));
        record.pub_date = Some(pub_date);
        record.source = Some("PatentsView".into());
        record.url = Some(format!("https://patents.google.com/patent/US{number}"));
        Ok(record)
    })
}

/// Some titles in the export carry a second layer of CSV quoting
/// (`"A (""sweet spot"") bat"`): remove it.
fn unquote(title: &str) -> String {
    let t = title.trim();
    match t.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_quoted_rows_and_reports_bad_dates() {
        let csv = "patent_abstract,patent_date,patent_number,patent_title\n\"Apparatus and method is provided for determining the subjective sweet spot of a baseball bat.\",1993-12-14,5269177,\"\"\"Apparatus and method for determining the center of percussion (\"\"\"\"sweet spot\"\"\"\") for baseball bats\"\"\"\nx,1993-13-01,5269178,y\n";
        let out = import(csv, "p.csv");
        let r = out[0].as_ref().unwrap();
        assert_eq!(r.id, "US5269177");
        assert_eq!(r.pub_date.unwrap().to_string(), "1993-12-14");
        assert_eq!(
            r.display_title(),
            "Apparatus and method for determining the center of percussion (\"sweet spot\") for baseball bats"
        );
        let err = out[1].as_ref().unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (3, "patent_date"));
    }
}
