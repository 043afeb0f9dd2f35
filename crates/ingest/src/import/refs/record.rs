//! Tagged fields → a [`Record`]: the one mapper every format shares.

use chaxin_index::{Kind, Localized, PartialDate, Record};

use super::super::util::line_error;
use super::fields::*;
use super::reader::Tagged;
use super::tags::Target::*;
use super::RefFormat;
use crate::error::LineError;

/// Adds `text` as a further language variant of `slot`.
fn add_variant(slot: &mut Option<Localized>, text: String) {
    match slot.take() {
        None => *slot = Some(Localized::Text(text)),
        Some(Localized::Text(first)) => {
            let mut map = std::collections::BTreeMap::new();
            map.insert(chaxin_text::text_lang(&first).to_string(), first);
            map.entry(chaxin_text::text_lang(&text).to_string())
                .or_insert(text);
            *slot = Some(if map.len() == 1 {
                Localized::Text(map.into_values().next().unwrap_or_default())
            } else {
                Localized::ByLang(map)
            });
        }
        Some(Localized::ByLang(mut map)) => {
            map.entry(chaxin_text::text_lang(&text).to_string())
                .or_insert(text);
            *slot = Some(Localized::ByLang(map));
        }
    }
}

pub(super) fn to_record(
    format: RefFormat,
    tagged: Tagged,
    file: &str,
) -> Result<Record, LineError> {
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
