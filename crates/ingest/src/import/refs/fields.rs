//! Parsers of single field values: lists, dates, issues, serial numbers, types, languages.

use chaxin_index::{Kind, PartialDate};

use super::RefFormat;

/// Splits a list on `;`/`；` (so `;;` too), on line breaks when `lines`, and on commas when
/// `commas` and the value has no semicolon. Items are trimmed; empty ones dropped.
pub(super) fn split_list(value: &str, commas: bool, lines: bool) -> Vec<String> {
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
pub(super) fn split_people(value: &str) -> Vec<String> {
    split_list(value, value.chars().any(chaxin_text::is_han), false)
}

/// Keywords split on `;`, `;;`, `；` (and on `,` when there is no semicolon), one per line too.
pub(super) fn split_keywords(value: &str) -> Vec<String> {
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
pub(super) fn parse_date(value: &str) -> Result<PartialDate, String> {
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
pub(super) fn is_issn(value: &str) -> bool {
    let b = value.trim().as_bytes();
    b.len() == 9
        && b[4] == b'-'
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[5..8].iter().all(u8::is_ascii_digit)
        && (b[8].is_ascii_digit() || b[8] == b'X' || b[8] == b'x')
}

/// China serial number shape `11-1784/N`.
pub(super) fn is_cn(value: &str) -> bool {
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
pub(super) fn kind_of(format: RefFormat, value: &str) -> Option<Kind> {
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
pub(super) fn lang_code(value: &str) -> Option<String> {
    let v = value.trim().to_lowercase();
    Some(match v.as_str() {
        "chinese" | "chi" | "zho" | "中文" | "汉语" | "zh-cn" | "zh_cn" => "zh".into(),
        "english" | "eng" | "英文" | "英语" => "en".into(),
        _ if v.len() == 2 && v.bytes().all(|b| b.is_ascii_lowercase()) => v,
        _ => return None,
    })
}

/// FNV-1a, 64 bits: a hash that stays the same across Rust versions and platforms.
pub(super) fn fnv64(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
