//! ChinaXiv bilingual papers (JSON lines with `title_zh`/`title_en`, `abstract_zh`/`abstract_en`,
//! `keywords_zh`/`keywords_en`, `chinaxiv_month`, `doi`, `en_ocr_spacing_ok`, `duplicate_of`):
//! one paper in both languages, dated by its deposit month.
//!
//! Repairs, each recorded in the record's `extra.repairs`:
//! - English whose OCR glued the words together (`en_ocr_spacing_ok: false`) is dropped: the
//!   Chinese side stays searchable, the garbled side would only add junk terms;
//! - a Chinese title that is really an affiliation line (`（陕西师范大学…，西安710062）`) is
//!   dropped (the English title stands in);
//! - a footnote mark glued to the end of a Chinese title (`…构建研究1`) is removed.
//!
//! A second deposit of a paper keeps its own id and names the first in `family_id`, so search
//! folds the two together.

use std::collections::BTreeMap;

use chaxin_index::{Kind, Localized, PartialDate, Record};
use serde::Deserialize;

use super::util::{json_lines, line_error, non_blank};
use super::Imported;

#[derive(Deserialize)]
struct ChinaxivLine {
    chinaxiv_id: String,
    #[serde(default)]
    chinaxiv_month: Option<String>,
    #[serde(default)]
    title_zh: Option<String>,
    #[serde(default)]
    title_en: Option<String>,
    #[serde(default)]
    abstract_zh: Option<String>,
    #[serde(default)]
    abstract_en: Option<String>,
    #[serde(default)]
    keywords_zh: Option<String>,
    #[serde(default)]
    keywords_en: Option<String>,
    #[serde(default)]
    doi: Option<String>,
    #[serde(default)]
    en_ocr_spacing_ok: Option<bool>,
    #[serde(default)]
    duplicate_of: Option<String>,
}

/// True for a line that names an institution and its city or postcode rather than a paper:
/// `（陕西师范大学旅游与环境学院，西安710062）`, `2．东北农业大学农学院 哈尔滨 150030)`.
pub(crate) fn is_affiliation_line(title: &str) -> bool {
    let institution = [
        "大学",
        "学院",
        "研究所",
        "研究院",
        "研究中心",
        "实验室",
        "公司",
    ]
    .iter()
    .any(|w| title.contains(w));
    let digits = title.chars().filter(char::is_ascii_digit).count();
    let postcode = digits >= 6;
    let numbered = title
        .trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit())
        && title.contains(['．', '.']);
    let bracketed =
        title.trim_start().starts_with(['（', '(']) || title.trim_end().ends_with([')', '）']);
    institution && (postcode || numbered || bracketed)
}

/// Removes footnote marks glued to the end of a Chinese title (`研究1`, `研究*`).
fn strip_footnote_mark(title: &str) -> (String, bool) {
    let trimmed = title.trim_end();
    let stripped = trimmed
        .trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, '*' | '①' | '②' | '#'));
    let before = stripped.chars().last();
    let mark = &trimmed[stripped.len()..];
    if !mark.is_empty() && mark.chars().count() <= 2 && before.is_some_and(chaxin_text::is_han) {
        (stripped.to_string(), true)
    } else {
        (trimmed.to_string(), false)
    }
}

/// Splits a printed keyword list (`；`, `;`, `，`, `,`, and for Chinese also spaces).
fn keywords(text: &str, chinese: bool) -> Vec<String> {
    text.split(|c: char| {
        matches!(c, '；' | ';' | ',' | '，' | '、') || (chinese && c.is_whitespace())
    })
    .filter_map(non_blank)
    .collect()
}

pub(crate) fn import(text: &str, file: &str) -> Imported {
    json_lines(text, file, |paper: ChinaxivLine, line_no| {
        let mut repairs: Vec<&str> = Vec::new();
        let english_ok = paper.en_ocr_spacing_ok != Some(false);
        if !english_ok {
            repairs.push("English dropped: OCR glued its words together");
        }
        let english = |text: &Option<String>| {
            if english_ok {
                text.as_deref().and_then(non_blank)
            } else {
                None
            }
        };
        let mut title_zh = paper.title_zh.as_deref().and_then(non_blank);
        if title_zh.as_deref().is_some_and(is_affiliation_line) {
            title_zh = None;
            repairs.push("Chinese title dropped: it is an affiliation line");
        }
        if let Some(title) = &title_zh {
            let (clean, stripped) = strip_footnote_mark(title);
            if stripped {
                repairs.push("footnote mark removed from the Chinese title");
                title_zh = Some(clean);
            }
        }
        let by_lang = |zh: Option<String>, en: Option<String>| -> Option<Localized> {
            let map: BTreeMap<String, String> = [("zh", zh), ("en", en)]
                .into_iter()
                .filter_map(|(lang, text)| Some((lang.to_string(), text?)))
                .collect();
            (!map.is_empty()).then_some(Localized::ByLang(map))
        };
        let pub_date = match paper.chinaxiv_month.as_deref().map(str::trim) {
            Some(month) if !month.is_empty() => Some(PartialDate::parse(month).map_err(|e| {
                line_error(file, line_no, "chinaxiv_month", format!("`{month}`: {e}"))
            })?),
            _ => None,
        };
        let mut keyword_list = paper
            .keywords_zh
            .as_deref()
            .map_or_else(Vec::new, |k| keywords(k, true));
        if english_ok {
            keyword_list.extend(
                paper
                    .keywords_en
                    .as_deref()
                    .map_or_else(Vec::new, |k| keywords(k, false)),
            );
        }
        let id = paper.chinaxiv_id.trim();
        if id.is_empty() {
            return Err(line_error(
                file,
                line_no,
                "chinaxiv_id",
                "empty".to_string(),
            ));
        }
        let mut extra = serde_json::Map::new();
        extra.insert("chinaxiv_id".into(), id.into());
        if !repairs.is_empty() {
            extra.insert("repairs".into(), repairs.into());
        }
        Ok(Record {
            id: format!("chinaxiv:{id}"),
            kind: Kind::Paper,
            lang: Some("zh".into()),
            title: by_lang(title_zh, english(&paper.title_en)),
            abstract_text: by_lang(
                paper.abstract_zh.as_deref().and_then(non_blank),
                english(&paper.abstract_en),
            ),
            keywords: keyword_list,
            pub_date,
            doi: paper.doi.as_deref().and_then(non_blank),
            url: Some(format!("https://chinaxiv.org/abs/{id}")),
            source: Some("ChinaXiv".into()),
            family_id: paper
                .duplicate_of
                .as_deref()
                .and_then(non_blank)
                .map(|canonical| format!("chinaxiv:{canonical}")),
            extra: Some(extra),
            ..Record::default()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paper_in_both_languages() {
        let line = r#"{"chinaxiv_id": "201601.00052", "chinaxiv_month": "2016-01", "title_zh": "基于本体的国史知识检索平台构建研究1", "abstract_zh": "构建国史知识检索平台，提高用户获取国史知识的效率。", "keywords_zh": "本体 实体检索 可视化", "title_en": "Ontology-based knowledge retrieval platform", "abstract_en": "To build a historic knowledge retrieval platform.", "keywords_en": "ontology; entity search; visualization", "doi": null, "en_ocr_spacing_ok": true, "duplicate_of": null}"#;
        let out = import(line, "chinaxiv.jsonl");
        let record = out[0].as_ref().unwrap();
        assert_eq!(record.id, "chinaxiv:201601.00052");
        assert_eq!(
            record.pub_date.map(|d| d.to_string()).as_deref(),
            Some("2016-01")
        );
        let Some(Localized::ByLang(titles)) = &record.title else {
            panic!("{record:?}")
        };
        assert_eq!(titles["zh"], "基于本体的国史知识检索平台构建研究");
        assert_eq!(titles["en"], "Ontology-based knowledge retrieval platform");
        assert_eq!(
            record.keywords,
            [
                "本体",
                "实体检索",
                "可视化",
                "ontology",
                "entity search",
                "visualization"
            ]
        );
        assert_eq!(
            record.url.as_deref(),
            Some("https://chinaxiv.org/abs/201601.00052")
        );
    }

    #[test]
    fn glued_english_is_dropped_and_affiliation_titles_flagged() {
        let line = r#"{"chinaxiv_id": "201703.00001", "chinaxiv_month": "2017-03", "title_zh": "（陕西师范大学旅游与环境学院，西安710062）", "abstract_zh": "研究了黄土高原的土壤侵蚀。", "title_en": "Soil erosion on the Loess Plateau", "abstract_en": "Thisstudyfocusedonsoilerosion", "en_ocr_spacing_ok": false, "duplicate_of": "201702.00099"}"#;
        let record = import(line, "chinaxiv.jsonl").remove(0).unwrap();
        assert!(record.title.is_none(), "{record:?}");
        let Some(Localized::ByLang(abstracts)) = &record.abstract_text else {
            panic!()
        };
        assert!(abstracts.contains_key("zh") && !abstracts.contains_key("en"));
        assert_eq!(record.family_id.as_deref(), Some("chinaxiv:201702.00099"));
        let repairs = record.extra.as_ref().unwrap()["repairs"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(repairs, 2);
    }

    #[test]
    fn a_bad_month_names_line_and_field() {
        let text = "\n{\"chinaxiv_id\": \"1\", \"chinaxiv_month\": \"2016-13\", \"abstract_zh\": \"文本\"}\n";
        let err = import(text, "chinaxiv.jsonl").remove(0).unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (2, "chinaxiv_month"));
    }

    #[test]
    fn affiliation_lines_are_recognised() {
        assert!(is_affiliation_line(
            "（陕西师范大学旅游与环境学院，西安710062）"
        ));
        assert!(is_affiliation_line("2．东北农业大学农学院 哈尔滨 150030)"));
        assert!(!is_affiliation_line("大学生创新能力评价研究"));
    }
}
