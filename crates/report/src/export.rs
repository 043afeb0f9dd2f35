//! Result lists for reference managers and spreadsheets: GB/T 7714 (numbered list), RIS,
//! BibTeX/biblatex and CSV (UTF-8 with a byte-order mark, so Excel reads Chinese correctly).
//!
//! RIS carries every field of a record (chaxin-only fields in the custom tags `C1`–`C8`,
//! `M1`, `M2`, `N1`, `RN`, `AN`, `DB`), so `chaxin import --format ris` reads an export back
//! unchanged (tested in `tests/round_trip.rs`).

use std::fmt::Write as _;

use chaxin_index::{Kind, Localized, PartialDate, Record};
use serde::{Deserialize, Serialize};

use crate::citation::gbt7714;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// GB/T 7714-2015 numbered reference list (plain text).
    Gbt7714,
    /// RIS (for EndNote, Zotero, NoteExpress).
    Ris,
    /// BibTeX / biblatex (`@article`, `@patent`, …).
    Bibtex,
    /// CSV, UTF-8 with a byte-order mark.
    Csv,
}

impl ExportFormat {
    /// Every format.
    pub const ALL: [ExportFormat; 4] = [
        ExportFormat::Gbt7714,
        ExportFormat::Ris,
        ExportFormat::Bibtex,
        ExportFormat::Csv,
    ];

    /// The format's name in requests (`gbt7714`, `ris`, `bibtex`, `csv`).
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Gbt7714 => "gbt7714",
            ExportFormat::Ris => "ris",
            ExportFormat::Bibtex => "bibtex",
            ExportFormat::Csv => "csv",
        }
    }

    /// Parses a format's name.
    pub fn parse(name: &str) -> Option<ExportFormat> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The media type of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Gbt7714 => "text/plain; charset=utf-8",
            ExportFormat::Ris => "application/x-research-info-systems; charset=utf-8",
            ExportFormat::Bibtex => "application/x-bibtex; charset=utf-8",
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The file extension of a download in this format.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Gbt7714 => "txt",
            ExportFormat::Ris => "ris",
            ExportFormat::Bibtex => "bib",
            ExportFormat::Csv => "csv",
        }
    }
}

/// One exported result: the record and where the list put it.
#[derive(Debug, Clone)]
pub struct ExportItem {
    /// The record.
    pub record: Record,
    /// Relevance score (search) or novelty score.
    pub score: Option<f32>,
    /// X/Y/A for novelty candidates.
    pub category: Option<String>,
}

/// Writes `items` in `format`, in the given order.
pub fn export(format: ExportFormat, items: &[ExportItem]) -> Vec<u8> {
    match format {
        ExportFormat::Gbt7714 => {
            crate::citation::gbt7714_list(items.iter().map(|i| &i.record)).into_bytes()
        }
        ExportFormat::Ris => items
            .iter()
            .map(|i| ris(&i.record))
            .collect::<String>()
            .into_bytes(),
        ExportFormat::Bibtex => {
            let mut keys = std::collections::HashSet::new();
            items
                .iter()
                .map(|i| bibtex(&i.record, &mut keys))
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes()
        }
        ExportFormat::Csv => csv(items),
    }
}

/// `Some` text or an empty string (the writers leave empty values out).
fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// The people a reference lists as its authors: the authors, or a patent's inventors when it
/// has no authors.
fn listed_people(record: &Record) -> &[String] {
    if record.kind == Kind::Patent && record.authors.is_empty() {
        &record.inventors
    } else {
        &record.authors
    }
}

/// The RIS type of a kind; [`kind_of_ris_type`] is its inverse.
pub fn ris_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Paper => "JOUR",
        Kind::Patent => "PAT",
        Kind::Thesis => "THES",
        Kind::Conference => "CPAPER",
        Kind::Standard => "STAND",
        Kind::Report => "RPRT",
        Kind::Book => "BOOK",
        Kind::Preprint => "UNPB",
        Kind::Other => "GEN",
    }
}

/// `2019/05/14`, `2019/05/`, `2019//` (RIS `DA`).
fn ris_date(date: PartialDate) -> String {
    let month = date.month.map(|m| format!("{m:02}")).unwrap_or_default();
    let day = date.day.map(|d| format!("{d:02}")).unwrap_or_default();
    format!("{:04}/{month}/{day}", date.year)
}

/// The text in the record's language and the other languages' texts.
fn split_localized<'a>(text: &'a Localized, lang: &str) -> (&'a str, Vec<&'a str>) {
    let texts = text.texts_preferring(lang);
    (texts[0], texts[1..].to_vec())
}

/// One record as RIS (`TY` … `ER`), lines ending in CR LF as the format prescribes.
pub fn ris(record: &Record) -> String {
    let mut out = String::new();
    let mut tag = |tag: &str, value: &str| {
        let value = value.trim();
        if !value.is_empty() {
            // A value's own line breaks become continuation lines.
            let _ = write!(out, "{tag}  - {}\r\n", value.replace('\n', "\r\n"));
        }
    };
    tag("TY", ris_type(record.kind));
    tag("ID", &record.id);
    tag("LA", record.lang());
    if let Some(title) = &record.title {
        let (main, others) = split_localized(title, record.lang());
        tag("TI", main);
        others.into_iter().for_each(|t| tag("TT", t));
    }
    let people = listed_people(record);
    people.iter().for_each(|a| tag("AU", a));
    if record.kind == Kind::Patent && !record.authors.is_empty() {
        record.inventors.iter().for_each(|a| tag("A3", a));
    }
    record.applicants.iter().for_each(|a| tag("A2", a));
    record.affiliations.iter().for_each(|a| tag("AD", a));
    tag("T2", record.venue.as_deref().unwrap_or(""));
    if let Some(date) = record.pub_date {
        tag("PY", &format!("{:04}", date.year));
        tag("DA", &ris_date(date));
    }
    tag("VL", record.volume.as_deref().unwrap_or(""));
    tag("IS", record.issue.as_deref().unwrap_or(""));
    if let Some(pages) = record.pages.as_deref() {
        match pages.split_once('-') {
            Some((start, end)) if !start.is_empty() && !end.contains('-') => {
                tag("SP", start);
                tag("EP", end);
            }
            _ => tag("SP", pages),
        }
    }
    if let Some(text) = &record.abstract_text {
        let (main, others) = split_localized(text, record.lang());
        tag("AB", main);
        others.into_iter().for_each(|t| tag("N2", t));
    }
    record.keywords.iter().for_each(|k| tag("KW", k));
    tag("SN", &opt(&record.issn));
    tag("PB", &opt(&record.publisher));
    tag("CY", &opt(&record.place));
    tag("DO", &opt(&record.doi));
    tag("UR", &opt(&record.url));
    tag("DB", &opt(&record.source));
    tag("AN", &opt(&record.pub_number));
    tag("M1", &opt(&record.application_number));
    tag("C1", &opt(&record.cn));
    tag("C2", &record.ipc.join("; "));
    tag("C3", &record.cpc.join("; "));
    tag(
        "C4",
        &record
            .priority_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    tag(
        "C5",
        &record
            .filing_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    tag("C6", &opt(&record.family_id));
    tag("C7", &opt(&record.discipline));
    tag("C8", &opt(&record.isbn));
    tag("N1", &opt(&record.claims));
    tag("RN", &opt(&record.description));
    if let Some(extra) = &record.extra {
        tag("M2", &serde_json::Value::Object(extra.clone()).to_string());
    }
    out.push_str("ER  - \r\n\r\n");
    out
}

/// The BibTeX entry type of a kind (biblatex names where BibTeX has none: `@patent`,
/// `@standard`, `@online`).
pub fn bibtex_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Paper => "article",
        Kind::Patent => "patent",
        Kind::Thesis => "phdthesis",
        Kind::Conference => "inproceedings",
        Kind::Standard => "standard",
        Kind::Report => "techreport",
        Kind::Book => "book",
        Kind::Preprint => "online",
        Kind::Other => "misc",
    }
}

/// Escapes TeX's special characters in a field value.
fn tex_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '#' | '_' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A citation key from the id: letters, digits and `-:._` only, unique within the export.
fn bibtex_key(id: &str, used: &mut std::collections::HashSet<String>) -> String {
    let base: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-:._".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut key = base.clone();
    let mut n = 1;
    while !used.insert(key.clone()) {
        n += 1;
        key = format!("{base}_{n}");
    }
    key
}

/// One record as a BibTeX/biblatex entry.
pub fn bibtex(record: &Record, used_keys: &mut std::collections::HashSet<String>) -> String {
    let key = bibtex_key(&record.id, used_keys);
    let mut fields: Vec<(&str, String)> = Vec::new();
    let mut field = |name: &'static str, value: &str| {
        if !value.trim().is_empty() {
            fields.push((name, tex_escape(value.trim())));
        }
    };
    let people = listed_people(record);
    field("author", &people.join(" and "));
    field("title", record.display_title());
    let venue = record.venue.as_deref().unwrap_or("");
    match record.kind {
        Kind::Paper => field("journal", venue),
        Kind::Conference => field("booktitle", venue),
        Kind::Thesis => field("school", record.publisher.as_deref().unwrap_or(venue)),
        Kind::Report => field("institution", record.publisher.as_deref().unwrap_or(venue)),
        Kind::Preprint => field("eprinttype", venue),
        _ => field("howpublished", venue),
    }
    if let Some(date) = record.pub_date {
        field("year", &format!("{:04}", date.year));
        field("date", &date.to_string());
    }
    field("volume", &opt(&record.volume));
    field("number", &opt(&record.issue));
    field("pages", &opt(&record.pages).replacen('-', "--", 1));
    if record.kind == Kind::Patent {
        field("number", &opt(&record.pub_number));
        field("holder", &record.applicants.join(" and "));
    } else if record.kind != Kind::Thesis && record.kind != Kind::Report {
        field("publisher", &opt(&record.publisher));
    }
    field("address", &opt(&record.place));
    field("issn", &opt(&record.issn));
    field("isbn", &opt(&record.isbn));
    field("doi", &opt(&record.doi));
    field("url", &opt(&record.url));
    field("keywords", &record.keywords.join(", "));
    field(
        "langid",
        if record.lang() == "zh" {
            "chinese"
        } else {
            "english"
        },
    );
    if let Some(text) = &record.abstract_text {
        field("abstract", text.preferred(record.lang()));
    }
    let mut out = format!("@{}{{{key},\n", bibtex_type(record.kind));
    for (name, value) in fields {
        let _ = writeln!(out, "  {name} = {{{value}}},");
    }
    out.push_str("}\n");
    out
}

/// Column headings of the CSV export.
pub const CSV_COLUMNS: [&str; 20] = [
    "rank",
    "id",
    "score",
    "category",
    "kind",
    "lang",
    "title",
    "authors",
    "venue",
    "year",
    "pub_date",
    "volume",
    "issue",
    "pages",
    "doi",
    "pub_number",
    "applicants",
    "ipc",
    "keywords",
    "gbt7714",
];

fn csv(items: &[ExportItem]) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(CSV_COLUMNS);
        for (i, item) in items.iter().enumerate() {
            let r = &item.record;
            let people = r.authors_and_inventors().cloned().collect::<Vec<_>>();
            let _ = writer.write_record([
                (i + 1).to_string(),
                r.id.clone(),
                item.score.map(|s| format!("{s:.4}")).unwrap_or_default(),
                item.category.clone().unwrap_or_default(),
                r.kind.as_str().to_string(),
                r.lang().to_string(),
                r.display_title().to_string(),
                people.join("; "),
                opt(&r.venue),
                r.pub_date.map(|d| d.year.to_string()).unwrap_or_default(),
                r.pub_date.map(|d| d.to_string()).unwrap_or_default(),
                opt(&r.volume),
                opt(&r.issue),
                opt(&r.pages),
                opt(&r.doi),
                opt(&r.pub_number),
                r.applicants.join("; "),
                r.ipc.join("; "),
                r.keywords.join("; "),
                gbt7714(r),
            ]);
        }
        let _ = writer.flush();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Record {
        Record::from_json(
            r#"{"id":"csl-dev-0001","kind":"paper","lang":"zh","title":{"zh":"蓝田生物群","en":"The Lantian biota"},"authors":["袁训来","陈哲"],"venue":"科学通报","pub_date":"2012-12","volume":"55","issue":"34","pages":"3219-3230","keywords":["埃迪卡拉纪","多细胞生物"],"doi":"10.1360/972012-1066","issn":"0023-074X","cn":"11-1784/N"}"#,
        )
        .unwrap()
    }

    #[test]
    fn ris_writes_tags_in_order_and_ends_records() {
        let text = ris(&sample());
        assert!(text.starts_with("TY  - JOUR\r\nID  - csl-dev-0001\r\nLA  - zh\r\nTI  - 蓝田生物群\r\nTT  - The Lantian biota\r\nAU  - 袁训来\r\nAU  - 陈哲\r\n"), "{text}");
        assert!(text.contains("SP  - 3219\r\nEP  - 3230\r\n"));
        assert!(text.contains("C1  - 11-1784/N\r\n"));
        assert!(text.ends_with("ER  - \r\n\r\n"));
    }

    #[test]
    fn bibtex_escapes_and_keys_are_unique() {
        let mut r = sample();
        r.title = Some(Localized::Text("50% of C_2 & more".into()));
        let mut keys = std::collections::HashSet::new();
        let a = bibtex(&r, &mut keys);
        let b = bibtex(&r, &mut keys);
        assert!(a.starts_with("@article{csl-dev-0001,\n"), "{a}");
        assert!(b.starts_with("@article{csl-dev-0001_2,\n"), "{b}");
        assert!(a.contains("title = {50\\% of C\\_2 \\& more},"));
        assert!(a.contains("pages = {3219--3230},"));
        assert!(a.contains("author = {袁训来 and 陈哲},"));
    }

    #[test]
    fn csv_starts_with_a_bom_and_quotes_fields() {
        let items = [ExportItem {
            record: sample(),
            score: Some(1.5),
            category: Some("X".into()),
        }];
        let bytes = export(ExportFormat::Csv, &items);
        assert_eq!(&bytes[..3], b"\xef\xbb\xbf");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().len(), CSV_COLUMNS.len());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[1], "csl-dev-0001");
        assert_eq!(&row[3], "X");
        assert_eq!(&row[6], "蓝田生物群");
        assert_eq!(&row[7], "袁训来; 陈哲");
    }
}
