//! Reference-manager exports → chaxin records: RIS, EndNote/Refer, RefWorks, NoteExpress and
//! CNKI E-Study, as CNKI, Wanfang and reference managers write them.
//!
//! All five are "one tagged field per line" formats; they differ in how a line is tagged,
//! where a record starts and ends, and what the tags mean. Each format is a line reader plus a
//! tag table; one mapper turns tagged fields into a [`Record`]. Tags a table does not know are
//! kept under `extra` (as strings), so nothing an export carries is dropped.
//!
//! Authors are split on `;` (and on `,` in Chinese lists without `;`), keywords on `;`/`;;`;
//! ISSN, ISBN and CN serial numbers are kept; zero-padded issues (`05`) become `5`.
//! A record without an id gets `ref:` plus a hash of its title, first author and year, so
//! importing the same export twice replaces instead of duplicating.

use chaxin_index::{Kind, Localized, PartialDate, Record};

use super::util::line_error;
use super::Imported;
use crate::error::LineError;

/// A reference-manager format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefFormat {
    Ris,
    /// EndNote tagged / Refer (`%0 Journal Article`, `%A`, `%T`, …).
    EndNote,
    /// RefWorks tagged (`RT Journal Article`, `A1`, `T1`, …).
    RefWorks,
    /// NoteExpress (`{Reference Type}: Journal Article`, `{Title}: …`).
    NoteExpress,
    /// CNKI E-Study (`DataType: 1`, `Title-题名: …`).
    EStudy,
}

/// What a tag means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
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
    fn tags(self) -> &'static [(&'static str, Target)] {
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
    fn start_tag(self) -> &'static str {
        self.tags()[0].0
    }

    /// How a record-starting line looks, for error messages.
    fn start_example(self) -> &'static str {
        match self {
            RefFormat::Ris => "`TY  - JOUR`",
            RefFormat::EndNote => "`%0 Journal Article`",
            RefFormat::RefWorks => "`RT Journal Article`",
            RefFormat::NoteExpress => "`{Reference Type}: Journal Article`",
            RefFormat::EStudy => "`DataType: 1`",
        }
    }

    /// Splits a line into tag and value, or `None` for a continuation line.
    fn split_line(self, line: &str) -> Option<(&str, &str)> {
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
    fn blank_line_ends_record(self) -> bool {
        self != RefFormat::Ris
    }
}

/// One tagged field: tag, value, 1-based line.
type Field = (String, String, u64);

/// A record's tagged fields and the line it starts on.
struct Tagged {
    line: u64,
    fields: Vec<Field>,
}

/// Splits `text` into tagged records; stray lines are errors.
fn read_tagged(format: RefFormat, text: &str, file: &str) -> Vec<Result<Tagged, LineError>> {
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

/// Reads a reference-manager export.
pub(crate) fn import(format: RefFormat, text: &str, file: &str) -> Imported {
    read_tagged(format, text, file)
        .into_iter()
        .map(|tagged| to_record(format, tagged?, file))
        .collect()
}

/// Splits a list on `;`/`；` (so `;;` too), on line breaks when `lines`, and on commas when
/// `commas` and the value has no semicolon. Items are trimmed; empty ones dropped.
fn split_list(value: &str, commas: bool, lines: bool) -> Vec<String> {
    let commas = commas && !value.contains([';', '；']);
    value
        .split(|c: char| {
            c == ';' || c == '；' || (lines && c == '\n') || (commas && (c == ',' || c == '，'))
        })
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `张三;李四;` → [张三, 李四]; Chinese lists separated by commas only are split there too
/// (a Western `Smith, John` is one name).
fn split_people(value: &str) -> Vec<String> {
    split_list(value, value.chars().any(chaxin_text::is_han), false)
}

/// Keywords split on `;`, `;;`, `；` (and on `,` when there is no semicolon), one per line too.
fn split_keywords(value: &str) -> Vec<String> {
    split_list(value, true, true)
}

/// `05` → `5`, `01-02` → `1-2`, `S1` unchanged.
pub fn normalise_issue(issue: &str) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if !digits.is_empty() {
            let trimmed = digits.trim_start_matches('0');
            out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
            digits.clear();
        }
    };
    let mut previous: Option<char> = None;
    for c in issue.trim().chars() {
        if c.is_ascii_digit() && !previous.is_some_and(|p| p.is_alphabetic()) {
            digits.push(c);
        } else if c.is_ascii_digit() {
            out.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
        previous = Some(if c.is_ascii_digit() && !digits.is_empty() {
            '0'
        } else {
            c
        });
    }
    flush(&mut digits, &mut out);
    out
}

/// Lenient dates: `2019`, `2019/05/14`, `2019/05/`, `2020-05-12 10:22`, `2020.5.12`.
fn parse_date(value: &str) -> Result<PartialDate, String> {
    let head = value.split_whitespace().next().unwrap_or("");
    let parts: Vec<&str> = head
        .split(['/', '-', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    let number = |s: &str| s.parse::<u32>().ok();
    let formatted = match parts.as_slice() {
        [y] => number(y).map(|y| format!("{y:04}")),
        [y, m] => number(y)
            .zip(number(m))
            .map(|(y, m)| format!("{y:04}-{m:02}")),
        [y, m, d, ..] => match (number(y), number(m), number(d)) {
            (Some(y), Some(m), Some(d)) => Some(format!("{y:04}-{m:02}-{d:02}")),
            _ => None,
        },
        [] => None,
    };
    let formatted = formatted.ok_or_else(|| format!("`{value}` is not a date"))?;
    PartialDate::parse(&formatted)
}

/// ISSN `1234-567X` shape.
fn is_issn(value: &str) -> bool {
    let b = value.trim().as_bytes();
    b.len() == 9
        && b[4] == b'-'
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[5..8].iter().all(u8::is_ascii_digit)
        && (b[8].is_ascii_digit() || b[8] == b'X' || b[8] == b'x')
}

/// China serial number shape `11-1784/N`.
fn is_cn(value: &str) -> bool {
    let v = value.trim().trim_start_matches("CN").trim();
    let Some((numbers, class)) = v.split_once('/') else {
        return false;
    };
    let Some((region, serial)) = numbers.split_once('-') else {
        return false;
    };
    region.len() == 2
        && region.bytes().all(|b| b.is_ascii_digit())
        && (4..=5).contains(&serial.len())
        && serial.bytes().all(|b| b.is_ascii_digit())
        && !class.is_empty()
        && class
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// Kind from a type value of any of the formats.
fn kind_of(format: RefFormat, value: &str) -> Option<Kind> {
    let v = value.trim().to_lowercase();
    if format == RefFormat::Ris {
        return Some(match v.to_uppercase().as_str() {
            "JOUR" | "JFULL" | "MGZN" | "EJOUR" => Kind::Paper,
            "PAT" => Kind::Patent,
            "THES" => Kind::Thesis,
            "CPAPER" | "CONF" => Kind::Conference,
            "STAND" => Kind::Standard,
            "RPRT" => Kind::Report,
            "BOOK" | "CHAP" | "EBOOK" | "ECHAP" | "EDBOOK" => Kind::Book,
            "UNPB" => Kind::Preprint,
            "" => return None,
            _ => Kind::Other,
        });
    }
    Some(match v.as_str() {
        // CNKI E-Study `DataType`.
        "1" => Kind::Paper,
        "2" => Kind::Thesis,
        "3" => Kind::Conference,
        "" => return None,
        _ if v.contains("journal") || v == "期刊" || v == "cjfq" || v == "cjfd" => Kind::Paper,
        _ if v.contains("thesis")
            || v.contains("dissertation")
            || v.contains("博士")
            || v.contains("硕士")
            || v.contains("学位") =>
        {
            Kind::Thesis
        }
        _ if v.contains("conference") || v.contains("proceedings") || v.contains("会议") => {
            Kind::Conference
        }
        _ if v.contains("patent") || v.contains("专利") => Kind::Patent,
        _ if v.contains("standard") || v.contains("标准") => Kind::Standard,
        _ if v.contains("report") || v.contains("报告") || v.contains("成果") => Kind::Report,
        _ if v.contains("book") || v.contains("图书") || v.contains("专著") => Kind::Book,
        _ => Kind::Other,
    })
}

/// `zh` for `Chinese`/`chi`/`中文`, `en` for `English`/`eng`; two-letter codes as given.
fn lang_code(value: &str) -> Option<String> {
    let v = value.trim().to_lowercase();
    Some(match v.as_str() {
        "chinese" | "chi" | "zho" | "中文" | "汉语" | "zh-cn" | "zh_cn" => "zh".into(),
        "english" | "eng" | "英文" | "英语" => "en".into(),
        _ if v.len() == 2 && v.bytes().all(|b| b.is_ascii_lowercase()) => v,
        _ => return None,
    })
}

/// FNV-1a, 64 bits: a hash that stays the same across Rust versions and platforms.
fn fnv64(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The language of a text by its script (for a second-language title or abstract), as a
/// record's language is detected.
fn script_lang(text: &str) -> &'static str {
    if chaxin_text::is_chinese_text(text) {
        "zh"
    } else {
        "en"
    }
}

/// Adds `text` as a further language variant of `slot`.
fn add_variant(slot: &mut Option<Localized>, text: String) {
    match slot.take() {
        None => *slot = Some(Localized::Text(text)),
        Some(Localized::Text(first)) => {
            let mut map = std::collections::BTreeMap::new();
            map.insert(script_lang(&first).to_string(), first);
            map.entry(script_lang(&text).to_string()).or_insert(text);
            *slot = Some(if map.len() == 1 {
                Localized::Text(map.into_values().next().unwrap_or_default())
            } else {
                Localized::ByLang(map)
            });
        }
        Some(Localized::ByLang(mut map)) => {
            map.entry(script_lang(&text).to_string()).or_insert(text);
            *slot = Some(Localized::ByLang(map));
        }
    }
}

fn to_record(format: RefFormat, tagged: Tagged, file: &str) -> Result<Record, LineError> {
    let mut record = Record::default();
    let mut extra = serde_json::Map::new();
    let mut kind = None;
    let (mut start_page, mut end_page) = (None::<String>, None::<String>);
    let mut year = None::<(PartialDate, u64)>;
    let mut people = Vec::new();
    let mut inventors = Vec::new();
    let mut has_a3 = false;
    let error = |line, field: &str, reason: String| line_error(file, line, field, reason);
    for (tag, value, line) in tagged.fields {
        let value = value.trim().to_string();
        if value.is_empty() {
            continue;
        }
        let target = format
            .tags()
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|&(_, target)| target);
        let Some(target) = target else {
            // Unknown tags are kept, never silently dropped.
            let entry = extra.entry(tag.clone()).or_insert(serde_json::Value::Null);
            *entry = match entry.take() {
                serde_json::Value::String(previous) => {
                    serde_json::Value::String(format!("{previous}; {value}"))
                }
                _ => serde_json::Value::String(value),
            };
            continue;
        };
        let some = || Some(value.clone());
        match target {
            Type => kind = kind.or(kind_of(format, &value)),
            Id => record.id = value,
            Lang => record.lang = lang_code(&value),
            Title => add_variant(&mut record.title, value),
            OtherTitle => add_variant(&mut record.title, value),
            Authors => people.extend(split_people(&value)),
            Inventors => {
                has_a3 = true;
                inventors.extend(split_people(&value));
            }
            Applicants => record.applicants.extend(split_people(&value)),
            Affiliations => record.affiliations.extend(split_people(&value)),
            Venue => record.venue = record.venue.take().or_else(some),
            Year | Date => {
                let date = parse_date(&value).map_err(|reason| error(line, &tag, reason))?;
                if target == Date || year.is_none() {
                    // The fuller date wins; a bare year only fills in.
                    if year.is_none_or(|(y, _)| date.month.is_some() || y.month.is_none()) {
                        year = Some((date, line));
                    }
                }
            }
            Volume => record.volume = some(),
            Issue => record.issue = Some(normalise_issue(&value)),
            StartPage => start_page = some(),
            EndPage => end_page = some(),
            Pages => record.pages = Some(value.replace(['–', '—', '~'], "-")),
            Abstract | OtherAbstract => add_variant(&mut record.abstract_text, value),
            Keywords => record.keywords.extend(split_keywords(&value)),
            Issn => record.issn = some(),
            Isbn => record.isbn = some(),
            StandardNumber if is_issn(&value) => record.issn = some(),
            StandardNumber => record.isbn = some(),
            // CNKI writes the CN serial number in a note field.
            Cn => record.cn = Some(value.trim_start_matches("CN").trim().to_string()),
            Note if is_cn(&value) => {
                record.cn = Some(value.trim_start_matches("CN").trim().to_string())
            }
            Note => {
                extra.insert(tag.clone(), serde_json::Value::String(value));
            }
            Publisher => record.publisher = some(),
            Place => record.place = some(),
            Doi => record.doi = some(),
            Url => record.url = some(),
            Source => record.source = some(),
            PubNumber => record.pub_number = some(),
            ApplicationNumber => record.application_number = some(),
            Ipc => record.ipc.extend(split_keywords(&value)),
            Cpc => record.cpc.extend(split_keywords(&value)),
            PriorityDate | FilingDate => {
                let date = parse_date(&value).map_err(|reason| error(line, &tag, reason))?;
                if target == PriorityDate {
                    record.priority_date = Some(date);
                } else {
                    record.filing_date = Some(date);
                }
            }
            Family => record.family_id = some(),
            Discipline => record.discipline = some(),
            Claims => record.claims = some(),
            Description => record.description = some(),
            ExtraJson => match serde_json::from_str::<serde_json::Map<_, _>>(&value) {
                Ok(map) => extra.extend(map),
                Err(e) => return Err(error(line, &tag, format!("not a JSON object: {e}"))),
            },
            Skip => {}
        }
    }
    record.kind = kind.unwrap_or_default();
    if record.kind == Kind::Patent && !has_a3 {
        record.inventors = people;
    } else {
        record.authors = people;
        record.inventors = inventors;
    }
    record.pub_date = year.map(|(d, _)| d);
    record.pages = match (start_page, end_page, record.pages.take()) {
        (_, _, Some(pages)) => Some(pages),
        (Some(start), Some(end), None) => Some(format!("{start}-{end}")),
        (Some(start), None, None) => Some(start),
        (None, Some(end), None) => Some(end),
        (None, None, None) => None,
    };
    if format == RefFormat::EStudy && record.source.is_none() {
        record.source = Some("CNKI".into());
    }
    if !extra.is_empty() {
        record.extra = Some(extra);
    }
    if record.id.is_empty() {
        let key = format!(
            "{}\u{1f}{}\u{1f}{}",
            record.display_title().trim(),
            record
                .authors_and_inventors()
                .next()
                .map_or("", |a| a.as_str()),
            record.pub_date.map(|d| d.year).unwrap_or_default()
        );
        record.id = format!("ref:{:016x}", fnv64(&key));
    }
    record.validate().map_err(|e| {
        error(
            tagged.line,
            &e.field,
            format!("record {}: {}", record.id, e.reason),
        )
    })?;
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(format: RefFormat, text: &str) -> Record {
        let mut out = import(format, text, "t");
        assert_eq!(out.len(), 1, "{out:?}");
        out.remove(0).unwrap()
    }

    #[test]
    fn noteexpress_from_cnki() {
        let r = one(
            RefFormat::NoteExpress,
            "{Reference Type}: Journal Article\n{Title}: 基于平方和优化的飞行器大角度机动镇定控制器设计\n{Author}: 张三;李四;\n{Author Address}: 北京航空航天大学;\n{Journal}: 控制理论与应用\n{Year}: 2019\n{Volume}: 36\n{Issue}: 05\n{Pages}: 721-728\n{Keywords}: 平方和优化;;镇定控制;;飞行器\n{Abstract}: 采用修正的Rodrigues参数(MRP),建立了飞行器姿态控制系统的数学模型。\n{ISBN/ISSN}: 1000-8152\n{Notes}: 44-1240/TP\n{Database Provider}: CNKI\n",
        );
        assert_eq!(r.kind, Kind::Paper);
        assert_eq!(r.authors, ["张三", "李四"]);
        assert_eq!(r.keywords, ["平方和优化", "镇定控制", "飞行器"]);
        assert_eq!(r.issue.as_deref(), Some("5"));
        assert_eq!(r.issn.as_deref(), Some("1000-8152"));
        assert_eq!(r.cn.as_deref(), Some("44-1240/TP"));
        assert_eq!(r.pages.as_deref(), Some("721-728"));
        assert_eq!(r.source.as_deref(), Some("CNKI"));
        assert_eq!(r.lang(), "zh");
        assert!(r.id.starts_with("ref:"));
    }

    #[test]
    fn endnote_refworks_and_estudy() {
        let r = one(
            RefFormat::EndNote,
            "%0 Journal Article\n%A 袁训来\n%A 陈哲\n%+ 中国科学院南京地质古生物研究所\n%T 蓝田生物群\n%J 科学通报\n%D 2012\n%V 55\n%N 34\n%K 埃迪卡拉纪;多细胞生物\n%X 蓝田生物群是迄今已知最古老的宏体生物群。\n%P 3219\n%@ 0023-074X\n%L 11-1784/N\n%W CNKI\n",
        );
        assert_eq!(r.authors, ["袁训来", "陈哲"]);
        assert_eq!(r.cn.as_deref(), Some("11-1784/N"));
        assert_eq!(r.pub_date.unwrap().year, 2012);
        let r = one(
            RefFormat::RefWorks,
            "RT Journal Article\nSR 1\nA1 袁训来;陈哲\nT1 蓝田生物群\nJF 科学通报\nYR 2012\nIS 034\nVO 55\nOP 3230\nSP 3219\nK1 埃迪卡拉纪;多细胞生物\nSN 0023-074X\nCN 11-1784/N\nDS CNKI\n",
        );
        assert_eq!(r.issue.as_deref(), Some("34"));
        assert_eq!(r.pages.as_deref(), Some("3219-3230"));
        assert_eq!(r.cn.as_deref(), Some("11-1784/N"));
        let r = one(
            RefFormat::EStudy,
            "DataType: 1\nTitle-题名: 蓝田生物群\nAuthor-作者: 袁训来;陈哲;\nSource-文献来源: 科学通报\nKeyword-关键词: 埃迪卡拉纪;多细胞生物;\nSummary-摘要: 蓝田生物群是迄今已知最古老的宏体生物群。\nPubTime-发表时间: 2012-12-10 14:40\nPeriod-期: 34\nPageCount-页码: 3219-3230\nCN-国内统一刊号: 11-1784/N\nCLC-中图分类号: Q911\n",
        );
        assert_eq!(r.pub_date.unwrap().to_string(), "2012-12-10");
        assert_eq!(r.extra.unwrap()["CLC"], "Q911");
        assert_eq!(r.source.as_deref(), Some("CNKI"));
    }

    #[test]
    fn bad_records_are_reported_with_their_line() {
        let out = import(
            RefFormat::Ris,
            "TY  - JOUR\nTI  - Good\nER  - \n\nAU  - Stray\nTY  - JOUR\nPY  - 20x9\nTI  - Bad date\nER  - \nTY  - JOUR\nAU  - Smith, J.\nER  - \nTY  - JOUR\nTI  - Never closed\n",
            "refs.ris",
        );
        let errors: Vec<_> = out.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(out.len(), 5, "{out:?}");
        assert_eq!((errors[0].line, errors[0].field.as_str()), (5, "AU"));
        assert_eq!((errors[1].line, errors[1].field.as_str()), (7, "PY"));
        assert_eq!((errors[2].line, errors[2].field.as_str()), (10, "title"));
        assert_eq!((errors[3].line, errors[3].field.as_str()), (13, "ER"));
        assert!(errors.iter().all(|e| e.file == "refs.ris"));
    }

    #[test]
    fn issues_lose_their_padding_only() {
        for (given, expected) in [
            ("05", "5"),
            ("034", "34"),
            ("01-02", "1-2"),
            ("S1", "S1"),
            ("0", "0"),
            ("Z1", "Z1"),
        ] {
            assert_eq!(normalise_issue(given), expected, "{given}");
        }
    }

    #[test]
    fn the_same_export_gets_the_same_ids() {
        let text = "%0 Journal Article\n%T 蓝田生物群\n%A 袁训来\n%D 2012\n";
        assert_eq!(
            one(RefFormat::EndNote, text).id,
            one(RefFormat::EndNote, text).id
        );
    }

    mod fuzz {
        use proptest::prelude::*;

        use super::*;

        /// Lines that look like each format's, and anything else.
        fn line() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("TY  - JOUR".to_string()),
                Just("ER  - ".to_string()),
                Just("%0 Journal Article".to_string()),
                Just("RT Journal Article".to_string()),
                Just("{Reference Type}: Patent".to_string()),
                Just("DataType: 1".to_string()),
                Just(String::new()),
                "[A-Z][A-Z0-9]  - \\PC{0,12}",
                "%[A-Z0-9@+] \\PC{0,12}",
                "[A-Z][A-Z0-9] \\PC{0,12}",
                "\\{[A-Za-z /]{1,12}\\}: \\PC{0,12}",
                "[A-Za-z]{1,10}-[题名作者期]{1,3}[:：] ?\\PC{0,12}",
                "\\PC{0,16}",
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

            /// No input makes a reader panic; every error points at a line of the input,
            /// and every record it accepts is valid.
            #[test]
            fn readers_never_panic_and_locate_errors(lines in prop::collection::vec(line(), 0..24)) {
                let text = lines.join("\n");
                let count = text.lines().count() as u64;
                for format in [RefFormat::Ris, RefFormat::EndNote, RefFormat::RefWorks, RefFormat::NoteExpress, RefFormat::EStudy] {
                    for item in import(format, &text, "fuzz") {
                        match item {
                            Ok(mut record) => prop_assert!(record.validate().is_ok()),
                            Err(e) => prop_assert!((1..=count).contains(&e.line), "{e:?} in {count} lines"),
                        }
                    }
                }
            }
        }
    }
}
