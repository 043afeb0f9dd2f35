//! Tag tables: what a tag means in each format, and how each format tags a line.

use super::RefFormat;

/// What a tag means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    Type,
    Id,
    Lang,
    Title,
    OtherTitle,
    Authors,
    Inventors,
    Applicants,
    Affiliations,
    Venue,
    Year,
    Date,
    Volume,
    Issue,
    StartPage,
    EndPage,
    Pages,
    Abstract,
    OtherAbstract,
    Keywords,
    Issn,
    Isbn,
    /// ISSN or ISBN, told apart by shape.
    StandardNumber,
    Cn,
    /// A note that may be a CN serial number (CNKI writes it there).
    Note,
    Publisher,
    Place,
    Doi,
    Url,
    Source,
    PubNumber,
    ApplicationNumber,
    Ipc,
    Cpc,
    PriorityDate,
    FilingDate,
    Family,
    Discipline,
    Claims,
    Description,
    /// JSON object of `extra` fields (chaxin's own RIS export).
    ExtraJson,
    /// Known and deliberately not imported (record separators, counters).
    Skip,
}

use Target::*;

const RIS_TAGS: &[(&str, Target)] = &[
    ("TY", Type),
    ("ID", Id),
    ("LA", Lang),
    ("TI", Title),
    ("T1", Title),
    ("TT", OtherTitle),
    ("AU", Authors),
    ("A1", Authors),
    ("A2", Applicants),
    ("A3", Inventors),
    ("AD", Affiliations),
    ("T2", Venue),
    ("JO", Venue),
    ("JF", Venue),
    ("JA", Venue),
    ("BT", Venue),
    ("PY", Year),
    ("Y1", Date),
    ("DA", Date),
    ("VL", Volume),
    ("IS", Issue),
    ("SP", StartPage),
    ("EP", EndPage),
    ("AB", Abstract),
    ("N2", OtherAbstract),
    ("KW", Keywords),
    ("SN", StandardNumber),
    ("PB", Publisher),
    ("CY", Place),
    ("DO", Doi),
    ("UR", Url),
    ("DB", Source),
    ("AN", PubNumber),
    ("M1", ApplicationNumber),
    ("C1", Cn),
    ("C2", Ipc),
    ("C3", Cpc),
    ("C4", PriorityDate),
    ("C5", FilingDate),
    ("C6", Family),
    ("C7", Discipline),
    ("C8", Isbn),
    ("N1", Claims),
    ("RN", Description),
    ("M2", ExtraJson),
    ("ER", Skip),
];

const ENDNOTE_TAGS: &[(&str, Target)] = &[
    ("0", Type),
    ("A", Authors),
    ("T", Title),
    ("Q", OtherTitle),
    ("J", Venue),
    ("B", Venue),
    ("D", Year),
    ("8", Date),
    ("V", Volume),
    ("N", Issue),
    ("P", Pages),
    ("X", Abstract),
    ("K", Keywords),
    ("@", StandardNumber),
    ("L", Note),
    ("+", Affiliations),
    ("I", Publisher),
    ("C", Place),
    ("R", Doi),
    ("U", Url),
    ("W", Source),
    ("G", Lang),
    ("F", Id),
];

const REFWORKS_TAGS: &[(&str, Target)] = &[
    ("RT", Type),
    ("ID", Id),
    ("A1", Authors),
    ("AU", Authors),
    ("AD", Affiliations),
    ("T1", Title),
    ("T2", Venue),
    ("JF", Venue),
    ("JO", Venue),
    ("YR", Year),
    ("FD", Date),
    ("VO", Volume),
    ("IS", Issue),
    ("SP", StartPage),
    ("OP", EndPage),
    ("AB", Abstract),
    ("K1", Keywords),
    ("SN", StandardNumber),
    ("CN", Cn),
    ("NO", Note),
    ("PB", Publisher),
    ("PP", Place),
    ("DO", Doi),
    ("LK", Url),
    ("UL", Url),
    ("DS", Source),
    ("LA", Lang),
    ("SR", Skip),
];

const NOTEEXPRESS_TAGS: &[(&str, Target)] = &[
    ("Reference Type", Type),
    ("Title", Title),
    ("Translated Title", OtherTitle),
    ("Author", Authors),
    ("Author Address", Affiliations),
    ("Secondary Title", Venue),
    ("Journal", Venue),
    ("Year", Year),
    ("Date", Date),
    ("Volume", Volume),
    ("Issue", Issue),
    ("Pages", Pages),
    ("Abstract", Abstract),
    ("Keywords", Keywords),
    ("ISBN/ISSN", StandardNumber),
    ("Notes", Note),
    ("Publisher", Publisher),
    ("Place Published", Place),
    ("DOI", Doi),
    ("URL", Url),
    ("Database Provider", Source),
    ("Language", Lang),
    ("Patent Number", PubNumber),
    ("Application Number", ApplicationNumber),
    ("Assignee", Applicants),
    ("Inventor", Inventors),
    ("Subsidiary Author", Skip),
];

const ESTUDY_TAGS: &[(&str, Target)] = &[
    ("DataType", Type),
    ("SrcDatabase", Type),
    ("Title", Title),
    ("Author", Authors),
    ("Organ", Affiliations),
    ("Source", Venue),
    ("Keyword", Keywords),
    ("Summary", Abstract),
    ("PubTime", Date),
    ("Year", Year),
    ("Volume", Volume),
    ("Period", Issue),
    ("PageCount", Pages),
    ("Page", Pages),
    ("ISSN", Issn),
    ("ISBN", Isbn),
    ("CN", Cn),
    ("URL", Url),
    ("DOI", Doi),
    ("Publisher", Publisher),
    ("Applicant", Applicants),
    ("Inventor", Inventors),
    ("PubNo", PubNumber),
    ("PubNumber", PubNumber),
    ("AppNo", ApplicationNumber),
    ("FirstDuty", Skip),
];

impl RefFormat {
    pub(super) fn tags(self) -> &'static [(&'static str, Target)] {
        match self {
            RefFormat::Ris => RIS_TAGS,
            RefFormat::EndNote => ENDNOTE_TAGS,
            RefFormat::RefWorks => REFWORKS_TAGS,
            RefFormat::NoteExpress => NOTEEXPRESS_TAGS,
            RefFormat::EStudy => ESTUDY_TAGS,
        }
    }

    /// Whether `line` starts a record (its tag is the start tag).
    pub(crate) fn starts_record(self, line: &str) -> bool {
        self.split_line(line.trim_end())
            .is_some_and(|(tag, _)| tag == self.start_tag())
    }

    /// The tag that starts a record.
    pub(super) fn start_tag(self) -> &'static str {
        self.tags()[0].0
    }

    /// How a record-starting line looks, for error messages.
    pub(super) fn start_example(self) -> &'static str {
        match self {
            RefFormat::Ris => "`TY  - JOUR`",
            RefFormat::EndNote => "`%0 Journal Article`",
            RefFormat::RefWorks => "`RT Journal Article`",
            RefFormat::NoteExpress => "`{Reference Type}: Journal Article`",
            RefFormat::EStudy => "`DataType: 1`",
        }
    }

    /// Splits a line into tag and value, or `None` for a continuation line.
    pub(super) fn split_line(self, line: &str) -> Option<(&str, &str)> {
        match self {
            RefFormat::Ris => {
                let b = line.as_bytes();
                let tagged = b.len() >= 5
                    && b[0].is_ascii_uppercase()
                    && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
                    && &b[2..5] == b"  -";
                tagged.then(|| {
                    (
                        &line[..2],
                        line[5..].strip_prefix(' ').unwrap_or(&line[5..]),
                    )
                })
            }
            RefFormat::EndNote => {
                let rest = line.strip_prefix('%')?;
                let tag = rest.chars().next()?;
                let value = &rest[tag.len_utf8()..];
                (value.is_empty() || value.starts_with(' '))
                    .then(|| (&rest[..tag.len_utf8()], value.trim_start()))
            }
            RefFormat::RefWorks => {
                let b = line.as_bytes();
                let tagged = b.len() >= 2
                    && b[0].is_ascii_uppercase()
                    && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
                    && (b.len() == 2 || b[2] == b' ');
                tagged.then(|| (&line[..2], line.get(3..).unwrap_or("")))
            }
            RefFormat::NoteExpress => {
                let rest = line.strip_prefix('{')?;
                let (tag, value) = rest.split_once("}:")?;
                Some((tag.trim(), value.trim_start()))
            }
            RefFormat::EStudy => {
                // `Title-题名: …`, `DataType: 1`; the colon may be full-width.
                let colon = line.find([':', '：'])?;
                let key = &line[..colon];
                let tag = key.split('-').next().unwrap_or(key).trim();
                if tag.is_empty() || !tag.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return None;
                }
                let colon_len = line[colon..].chars().next().map_or(1, char::len_utf8);
                Some((tag, line[colon + colon_len..].trim_start()))
            }
        }
    }

    /// Whether the format ends records with a blank line (RIS ends them with `ER`).
    pub(super) fn blank_line_ends_record(self) -> bool {
        self != RefFormat::Ris
    }
}
