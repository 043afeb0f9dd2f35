//! CSL (Chinese Scientific Literature) JSON lines.

use chaxin_index::{Kind, Localized, Record};
use serde::Deserialize;

use super::util::{json_lines, non_blank};
use super::Imported;

#[derive(Deserialize)]
struct CslLine {
    id: String,
    title: String,
    #[serde(rename = "abstract")]
    abstract_text: String,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    discipline: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    split: Option<String>,
}

pub(crate) fn import(text: &str, file: &str) -> Imported {
    json_lines(text, file, |csl: CslLine, _| {
        let mut extra = serde_json::Map::new();
        if let Some(category) = csl.category {
            extra.insert("category".into(), category.into());
        }
        if let Some(split) = csl.split {
            extra.insert("csl_split".into(), split.into());
        }
        Ok(Record {
            id: csl.id,
            kind: Kind::Paper,
            lang: Some("zh".into()),
            title: non_blank(&csl.title).map(Localized::Text),
            abstract_text: non_blank(&csl.abstract_text).map(Localized::Text),
            keywords: csl.keywords.iter().filter_map(|k| non_blank(k)).collect(),
            discipline: csl.discipline.and_then(|d| non_blank(&d)),
            source: Some("CSL".into()),
            extra: (!extra.is_empty()).then_some(extra),
            ..empty_record()
        })
    })
}

/// A record with every optional field empty (importers fill in what they have).
pub(crate) fn empty_record() -> Record {
    Record::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_a_csl_line_and_reports_a_bad_one() {
        let text = concat!(
            r#"{"id": "csl-dev-0000", "split": "dev", "title": "一种基于平方和优化的飞行器大角度机动镇定控制器设计方法", "abstract": "采用修正的Rodrigues参数(MRP),建立了飞行器姿态控制系统的数学模型", "keywords": ["修正Rodrigues参数模型", "平方和优化"], "discipline": "兵器科学与技术", "category": "工学"}"#,
            "\n{not json\n"
        );
        let out = import(text, "csl.jsonl");
        let record = out[0].as_ref().unwrap();
        assert_eq!(record.id, "csl-dev-0000");
        assert_eq!(record.keywords.len(), 2);
        assert_eq!(record.source.as_deref(), Some("CSL"));
        let err = out[1].as_ref().unwrap_err();
        assert_eq!(err.line, 2);
    }
}
