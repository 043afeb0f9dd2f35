//! arXiv metadata as CSV (the columns of the public metadata snapshot).

use chaxin_index::{Kind, Localized, PartialDate};

use super::csl::empty_record;
use super::util::{collapse_ws, csv_import, line_error, non_blank};
use super::Imported;
use crate::error::LineError;

pub(crate) fn import(text: &str, file: &str) -> Imported {
    csv_import(text, file, &["id", "title", "abstract"], |row| {
        let line = row.line;
        let id = arxiv_id(row.get("id"));
        let mut record = empty_record();
        record.id = format!("arxiv:{id}");
        record.kind = Kind::Preprint;
        record.lang = Some("en".into());
        record.title = non_blank(row.get("title")).map(Localized::Text);
        record.abstract_text = non_blank(row.get("abstract")).map(Localized::Text);
        record.authors = parse_authors(row.get("authors_parsed"))
            .map_err(|reason| line_error(file, line, "authors_parsed", reason))?;
        if record.authors.is_empty() {
            record.authors = row
                .get("authors")
                .split(&[',', '\n'][..])
                .flat_map(|a| a.split(" and "))
                .filter_map(non_blank)
                .collect();
        }
        record.pub_date = first_version_date(row.get("versions"), file, line)?;
        record.venue = non_blank(row.get("journal-ref"));
        record.doi = non_blank(row.get("doi"));
        record.url = Some(format!("https://arxiv.org/abs/{id}"));
        record.source = Some("arXiv".into());
        let categories = collapse_ws(row.get("categories"));
        record.discipline = categories
            .split(' ')
            .next()
            .filter(|c| !c.is_empty())
            .map(String::from);
        let mut extra = serde_json::Map::new();
        for (key, value) in [
            ("categories", categories),
            ("comments", collapse_ws(row.get("comments"))),
            ("license", collapse_ws(row.get("license"))),
        ] {
            if !value.is_empty() {
                extra.insert(key.into(), value.into());
            }
        }
        record.extra = (!extra.is_empty()).then_some(extra);
        Ok(record)
    })
}

/// Restores an old-style arXiv id that a spreadsheet turned into a number: `704.2` →
/// `0704.2000`, `704.0001` → `0704.0001`. Ids from 2015 on have five digits after the dot.
fn arxiv_id(raw: &str) -> String {
    let raw = raw.trim();
    match raw.split_once('.') {
        Some((yymm, num))
            if yymm.bytes().all(|b| b.is_ascii_digit())
                && num.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let yymm = format!("{yymm:0>4}");
            let width = if yymm.as_str() >= "1501" { 5 } else { 4 };
            format!("{yymm}.{num:0<width$}")
        }
        _ => raw.to_string(),
    }
}

/// `[['Balázs', 'C.', ''], ['Yuan', 'C. -P.', 'Jr']]` (a Python literal) → `Balázs, C.`,
/// `Yuan, C. -P., Jr`.
fn parse_authors(literal: &str) -> Result<Vec<String>, String> {
    let literal = literal.trim();
    if literal.is_empty() {
        return Ok(vec![]);
    }
    let strings = python_strings(literal)?;
    let mut authors = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for (depth_closed, s) in strings {
        current.push(s);
        if depth_closed {
            let mut parts = current.drain(..).filter(|p| !p.trim().is_empty());
            if let Some(surname) = parts.next() {
                let rest: Vec<String> = parts.collect();
                authors.push(if rest.is_empty() {
                    surname
                } else {
                    format!("{surname}, {}", rest.join(", "))
                });
            }
        }
    }
    Ok(authors)
}

/// The string literals of a Python list of lists, each flagged when it is the last of its
/// inner list.
fn python_strings(literal: &str) -> Result<Vec<(bool, String)>, String> {
    let chars: Vec<char> = literal.chars().collect();
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            q @ ('\'' | '"') => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(format!("unterminated string at character {}", i + 1)),
                        Some('\\') => {
                            if let Some(&next) = chars.get(i + 1) {
                                s.push(next);
                            }
                            i += 2;
                        }
                        Some(&c) if c == q => {
                            i += 1;
                            break;
                        }
                        Some(&c) => {
                            s.push(c);
                            i += 1;
                        }
                    }
                }
                out.push((false, s));
            }
            ']' => {
                if let Some(last) = out.last_mut() {
                    last.0 = true;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(out)
}

/// Date of version v1: `[{'version': 'v1', 'created': 'Mon, 2 Apr 2007 19:18:42 GMT'}, …]`.
fn first_version_date(
    versions: &str,
    file: &str,
    line: u64,
) -> Result<Option<PartialDate>, LineError> {
    let Some(pos) = versions.find("'created': '") else {
        return Ok(None);
    };
    let rest = &versions[pos + "'created': '".len()..];
    let created = rest.split('\'').next().unwrap_or_default();
    let words: Vec<&str> = created.split_whitespace().collect();
    let bad = || {
        line_error(
            file,
            line,
            "versions",
            format!("cannot read the v1 date `{created}`"),
        )
    };
    let [_, day, month, year, ..] = words[..] else {
        return Err(bad());
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month).ok_or_else(bad)? + 1;
    let day: u32 = day.parse().map_err(|_| bad())?;
    PartialDate::parse(&format!("{year}-{month:02}-{day:02}"))
        .map(Some)
        .map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restores_mangled_ids() {
        assert_eq!(arxiv_id("704.0001"), "0704.0001");
        assert_eq!(arxiv_id("704.2"), "0704.2000");
        assert_eq!(arxiv_id("704.001"), "0704.0010");
        assert_eq!(arxiv_id("1501.1"), "1501.10000");
        assert_eq!(arxiv_id("hep-th/9901001"), "hep-th/9901001");
    }

    #[test]
    fn parses_authors_and_dates() {
        let authors = parse_authors(
            "[['Balázs', 'C.', ''], ['Berger', 'E. L.', ''], [\"O'Neil\", 'J.', 'Jr']]",
        )
        .unwrap();
        assert_eq!(
            authors,
            vec!["Balázs, C.", "Berger, E. L.", "O'Neil, J., Jr"]
        );
        let date = first_version_date(
            "[{'version': 'v1', 'created': 'Mon, 2 Apr 2007 19:18:42 GMT'}]",
            "f",
            1,
        )
        .unwrap();
        assert_eq!(date.unwrap().to_string(), "2007-04-02");
        assert!(first_version_date("[{'version': 'v1', 'created': 'yesterday'}]", "f", 3).is_err());
    }

    #[test]
    fn imports_a_multiline_csv_row() {
        let csv = "id,submitter,authors,title,comments,journal-ref,doi,report-no,categories,license,abstract,versions,update_date,authors_parsed\n704.0001,Pavel Nadolsky,\"C. Bal\\'azs, E. L. Berger\",\"Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies\",\"37 pages\",\"Phys.Rev.D76:013009,2007\",10.1103/PhysRevD.76.013009,,hep-ph,,\"  A fully differential calculation in perturbative quantum chromodynamics is\npresented.\",\"[{'version': 'v1', 'created': 'Mon, 2 Apr 2007 19:18:42 GMT'}]\",11/26/2008,\"[['Balázs', 'C.', ''], ['Berger', 'E. L.', '']]\"\n";
        let out = import(csv, "arxiv.csv");
        let r = out[0].as_ref().unwrap();
        assert_eq!(r.id, "arxiv:0704.0001");
        assert_eq!(
            r.display_title(),
            "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
        );
        assert_eq!(r.pub_date.unwrap().to_string(), "2007-04-02");
        assert_eq!(r.doi.as_deref(), Some("10.1103/PhysRevD.76.013009"));
        assert_eq!(r.authors[0], "Balázs, C.");
    }
}
