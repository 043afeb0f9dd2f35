//! KPPatent-ZH: Chinese invention patent applications (CNIPA, CN…A) as JSON lines, `id, title,
//! abstract, claims, keyphrases[], publication_number_from_ocr` (the abstracts-only file has
//! `id, abstract, keyphrases[]`). The text comes from the patent PDFs; the publication number
//! was recovered by OCR and is kept when it reads as one (`CN` + digits + kind letter).

use chaxin_index::{Kind, Record};
use serde::Deserialize;

use super::util::{json_lines, line_error, non_blank};
use super::Imported;

#[derive(Deserialize)]
struct KppatentLine {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(rename = "abstract", default)]
    abstract_text: Option<String>,
    #[serde(default)]
    claims: Option<String>,
    #[serde(default)]
    keyphrases: Vec<String>,
    #[serde(default)]
    publication_number_from_ocr: Option<String>,
}

/// `CN108843176A` style numbers, normalised (spaces and dots removed, upper case).
fn publication_number(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    let digits = compact.strip_prefix("CN")?;
    let (number, kind) = digits.split_at(digits.len().checked_sub(1)?);
    (number.len() >= 7
        && number.chars().all(|c| c.is_ascii_digit())
        && kind.chars().all(|c| c.is_ascii_uppercase()))
    .then_some(compact)
}

pub(crate) fn import(text: &str, file: &str) -> Imported {
    json_lines(text, file, |patent: KppatentLine, line_no| {
        let id = patent.id.trim();
        if id.is_empty() {
            return Err(line_error(file, line_no, "id", "empty".to_string()));
        }
        Ok(Record {
            id: format!("kppatent:{id}"),
            kind: Kind::Patent,
            lang: Some("zh".into()),
            title: patent
                .title
                .as_deref()
                .and_then(non_blank)
                .map(chaxin_index::Localized::Text),
            abstract_text: patent
                .abstract_text
                .as_deref()
                .and_then(non_blank)
                .map(chaxin_index::Localized::Text),
            claims: patent.claims.as_deref().and_then(non_blank),
            keywords: patent
                .keyphrases
                .iter()
                .filter_map(|k| non_blank(k))
                .collect(),
            pub_number: patent
                .publication_number_from_ocr
                .as_deref()
                .and_then(publication_number),
            source: Some("KPPatent-ZH".into()),
            ..Record::default()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_a_patent_and_its_number() {
        let line = r#"{"id": "kpzh-test-0000", "title": "一种近水平薄矿体智能掘进机机械开采方法", "abstract": "本发明公开了一种近水平薄矿体智能掘进机机械开采方法。", "claims": "1.一种近水平薄矿体智能掘进机机械开采方法，包括如下步骤。", "keyphrases": ["智能掘进机", "薄矿体"], "publication_number_from_ocr": "CN 108843176 A"}"#;
        let record = import(line, "kp.jsonl").remove(0).unwrap();
        assert_eq!(record.id, "kppatent:kpzh-test-0000");
        assert_eq!(record.kind, Kind::Patent);
        assert_eq!(record.pub_number.as_deref(), Some("CN108843176A"));
        assert_eq!(record.keywords, ["智能掘进机", "薄矿体"]);
        assert!(record.claims.is_some());
    }

    #[test]
    fn unreadable_numbers_are_left_out() {
        assert_eq!(publication_number("CN1O8843176A"), None);
        assert_eq!(publication_number("US1234567B1"), None);
        assert_eq!(
            publication_number("cn108843176a").as_deref(),
            Some("CN108843176A")
        );
    }
}
