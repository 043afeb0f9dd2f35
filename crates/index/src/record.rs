//! The record model: one bibliographic record (paper, patent, thesis, …).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::date::PartialDate;
use crate::error::RecordError;

/// Kind of document.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Default,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Journal article.
    #[default]
    Paper,
    /// Patent or patent application.
    Patent,
    /// Thesis or dissertation.
    Thesis,
    /// Conference paper.
    Conference,
    /// Standard (GB, ISO, …).
    Standard,
    /// Technical or research report.
    Report,
    /// Book or book chapter.
    Book,
    /// Preprint (arXiv, …).
    Preprint,
    /// Anything else.
    Other,
}

impl Kind {
    /// The lowercase name used in JSON and in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Paper => "paper",
            Kind::Patent => "patent",
            Kind::Thesis => "thesis",
            Kind::Conference => "conference",
            Kind::Standard => "standard",
            Kind::Report => "report",
            Kind::Book => "book",
            Kind::Preprint => "preprint",
            Kind::Other => "other",
        }
    }

    /// All kinds, for validation messages.
    pub const ALL: [Kind; 9] = [
        Kind::Paper,
        Kind::Patent,
        Kind::Thesis,
        Kind::Conference,
        Kind::Standard,
        Kind::Report,
        Kind::Book,
        Kind::Preprint,
        Kind::Other,
    ];

    /// Parses a lowercase kind name.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Text given in one language (a plain string, in the record's `lang`) or in several
/// (`{"zh": "…", "en": "…"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Localized {
    /// Text in the record's language.
    Text(String),
    /// Text by language code.
    ByLang(BTreeMap<String, String>),
}

impl Localized {
    /// Every text variant (by language code order when there are several).
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Localized::Text(t) => vec![t.as_str()],
            Localized::ByLang(map) => map.values().map(String::as_str).collect(),
        }
    }

    /// Every text variant, the one in `lang` first.
    pub fn texts_preferring(&self, lang: &str) -> Vec<&str> {
        let mut texts = self.texts();
        if let Localized::ByLang(map) = self {
            if let Some(preferred) = map.get(lang) {
                texts.sort_by_key(|t| *t != preferred.as_str());
            }
        }
        texts
    }

    /// The text in `lang` if given, otherwise the first variant.
    pub fn preferred(&self, lang: &str) -> &str {
        match self {
            Localized::Text(t) => t,
            Localized::ByLang(map) => map
                .get(lang)
                .or_else(|| map.values().next())
                .map_or("", String::as_str),
        }
    }

    fn is_blank(&self) -> bool {
        self.texts().iter().all(|t| t.trim().is_empty())
    }
}

impl<'de> Deserialize<'de> for Localized {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LocalizedVisitor;
        impl<'de> Visitor<'de> for LocalizedVisitor {
            type Value = Localized;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, or an object mapping language codes to strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Localized, E> {
                Ok(Localized::Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Localized, E> {
                Ok(Localized::Text(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Localized, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((lang, text)) = map.next_entry::<String, String>()? {
                    if !is_lang_code(&lang) {
                        return Err(de::Error::custom(format!(
                            "`{lang}` is not a language code (expected e.g. `zh` or `en`)"
                        )));
                    }
                    out.insert(lang, text);
                }
                Ok(Localized::ByLang(out))
            }
        }
        deserializer.deserialize_any(LocalizedVisitor)
    }
}

/// One bibliographic record. Unknown top-level fields are rejected; anything else a source
/// wants to keep goes under `extra`, which is stored as is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Unique id; re-ingesting an id replaces the record.
    pub id: String,
    /// Kind of document (default `paper`).
    #[serde(default)]
    pub kind: Kind,
    /// Main language (ISO 639-1, e.g. `zh`, `en`); detected from the title when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Title, in one or more languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Localized>,
    /// Abstract, in one or more languages.
    #[serde(rename = "abstract", default, skip_serializing_if = "Option::is_none")]
    pub abstract_text: Option<Localized>,
    /// Keywords as the source lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Authors, in the order of the byline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Authors' affiliations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affiliations: Vec<String>,
    /// Journal, conference or publisher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// Publication (for patents: publication or grant) date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pub_date: Option<PartialDate>,
    /// DOI (`10.…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// Where the record can be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Collection the record came from (`CSL`, `arXiv`, `USPTO`, `CNKI`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Subject or discipline (`工学`, `cs.CL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discipline: Option<String>,
    // Bibliographic details (citations and exports; stored, not searched).
    /// Volume (`55`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// Issue (`34`; importers drop leading zeros: `05` → `5`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// Pages or page range (`3219`, `61-66`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    /// ISSN of the journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issn: Option<String>,
    /// ISBN of the book or proceedings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isbn: Option<String>,
    /// China serial number of a journal (国内统一刊号, `11-1784/N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cn: Option<String>,
    /// Publisher (for theses: the degree-granting institution; for reports: the issuer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Place of publication (出版地).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    // Patent fields.
    /// Publication number of a patent (`CN112345678A`, `US9876543B2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pub_number: Option<String>,
    /// Application number of a patent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_number: Option<String>,
    /// Applicants (assignees) of a patent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applicants: Vec<String>,
    /// Inventors of a patent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inventors: Vec<String>,
    /// IPC codes (`H01M 10/052`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipc: Vec<String>,
    /// CPC codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cpc: Vec<String>,
    /// Earliest priority date of a patent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_date: Option<PartialDate>,
    /// Filing date of a patent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing_date: Option<PartialDate>,
    /// Claims of a patent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<String>,
    /// Description of a patent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Patent family id: records of one family are collapsed in novelty search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_id: Option<String>,
    /// Anything else, stored and returned as is, never searched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Longest accepted id, in bytes.
pub const MAX_ID_BYTES: usize = 512;

pub(crate) fn is_lang_code(s: &str) -> bool {
    (2..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase())
}

impl Record {
    /// Parses one JSON record and validates it. Errors name the field (`keywords[2]`,
    /// `pub_date`, …) and the reason.
    pub fn from_json(line: &str) -> Result<Record, RecordError> {
        let de = &mut serde_json::Deserializer::from_str(line);
        let mut record: Record = serde_path_to_error::deserialize(de).map_err(|err| {
            let path = err.path().to_string();
            let inner = err.into_inner();
            RecordError::from_serde(path, &inner)
        })?;
        record.validate()?;
        Ok(record)
    }

    /// Checks what serde cannot, and fills in the detected language.
    pub fn validate(&mut self) -> Result<(), RecordError> {
        let id = self.id.trim();
        if id.is_empty() {
            return Err(RecordError::field("id", "must not be empty"));
        }
        if id.len() != self.id.len() {
            return Err(RecordError::field(
                "id",
                "must not start or end with white space",
            ));
        }
        if self.id.len() > MAX_ID_BYTES {
            return Err(RecordError::field(
                "id",
                format!("is longer than {MAX_ID_BYTES} bytes"),
            ));
        }
        if self.id.chars().any(char::is_control) {
            return Err(RecordError::field(
                "id",
                "must not contain control characters",
            ));
        }
        let has_text = [&self.title, &self.abstract_text]
            .into_iter()
            .flatten()
            .any(|t| !t.is_blank())
            || self.claims.as_deref().is_some_and(|c| !c.trim().is_empty());
        if !has_text {
            return Err(RecordError::field(
                "title",
                "a record needs a title, an abstract or claims",
            ));
        }
        match &self.lang {
            Some(lang) if !is_lang_code(lang) => {
                return Err(RecordError::field(
                    "lang",
                    format!("`{lang}` is not a lowercase ISO 639 code such as `zh` or `en`"),
                ));
            }
            Some(_) => {}
            None => self.lang = Some(self.detect_lang().to_string()),
        }
        for (name, value) in [
            ("doi", &self.doi),
            ("url", &self.url),
            ("venue", &self.venue),
            ("pub_number", &self.pub_number),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return Err(RecordError::field(
                    name,
                    "must not be an empty string (omit it instead)",
                ));
            }
        }
        Ok(())
    }

    /// `zh` when a variant of the title (or, without one, of the abstract) is Chinese text
    /// ([`chaxin_text::text_lang`]), else `en`.
    fn detect_lang(&self) -> &'static str {
        let texts = self
            .title
            .as_ref()
            .or(self.abstract_text.as_ref())
            .map(Localized::texts)
            .unwrap_or_default();
        texts
            .into_iter()
            .map(chaxin_text::text_lang)
            .find(|&lang| lang == "zh")
            .unwrap_or("en")
    }

    /// The record's language (after validation always set).
    pub fn lang(&self) -> &str {
        self.lang.as_deref().unwrap_or("en")
    }

    /// Authors, then inventors: everyone credited with the work.
    pub fn authors_and_inventors(&self) -> impl Iterator<Item = &String> {
        self.authors.iter().chain(&self.inventors)
    }

    /// Affiliations, then applicants: the organisations behind the work.
    pub fn affiliations_and_applicants(&self) -> impl Iterator<Item = &String> {
        self.affiliations.iter().chain(&self.applicants)
    }

    /// The date that counts when the record is cited as prior art: for patents the priority
    /// date, else the filing date, else the publication date; for anything else the
    /// publication date.
    pub fn effective_date(&self) -> Option<PartialDate> {
        match self.kind {
            Kind::Patent => self.priority_date.or(self.filing_date).or(self.pub_date),
            _ => self.pub_date,
        }
    }

    /// Title in the record's own language.
    pub fn display_title(&self) -> &str {
        self.title.as_ref().map_or("", |t| t.preferred(self.lang()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_multilingual_paper() {
        let r = Record::from_json(
            r#"{"id":"csl-dev-0000","title":{"zh":"飞行器大角度机动镇定控制器设计","en":"Stabilizing controller design"},"keywords":["平方和优化"],"pub_date":"2019-05"}"#,
        )
        .unwrap();
        assert_eq!(r.lang(), "zh");
        assert_eq!(r.kind, Kind::Paper);
        assert_eq!(r.title.unwrap().texts().len(), 2);
    }

    #[test]
    fn the_language_is_the_script_of_most_letters_not_of_a_stray_character() {
        let lang = |json: &str| Record::from_json(json).unwrap().lang().to_string();
        assert_eq!(
            lang(
                r#"{"id":"a","abstract":"Precipitation over the Tibetan Plateau in 1979一2017 rose by 3% per decade."}"#
            ),
            "en"
        );
        assert_eq!(lang(r#"{"id":"b","title":"基于LSTM的NOx软测量"}"#), "zh");
        assert_eq!(
            lang(
                r#"{"id":"c","title":"抽吸过程中尼古丁在烟丝和滤咀中分布的研究","abstract":"Investigated in this paper was the distribution of nicotine."}"#
            ),
            "zh"
        );
        assert_eq!(
            lang(
                r#"{"id":"d","title":{"en":"Rare earth permanent magnets for traction motors","zh":"稀土"}}"#
            ),
            "zh"
        );
        assert_eq!(
            lang(r#"{"id":"e","title":"A study of 一 as a dash"}"#),
            "en"
        );
    }

    #[test]
    fn preferred_language_comes_first() {
        let r = Record::from_json(
            r#"{"id":"a","lang":"zh","title":{"en":"Rare earth magnets","zh":"稀土永磁"}}"#,
        )
        .unwrap();
        let title = r.title.as_ref().unwrap();
        assert_eq!(title.texts(), vec!["Rare earth magnets", "稀土永磁"]);
        assert_eq!(
            title.texts_preferring("zh"),
            vec!["稀土永磁", "Rare earth magnets"]
        );
        assert_eq!(r.display_title(), "稀土永磁");
    }

    #[test]
    fn unknown_field_is_an_error_but_extra_is_kept() {
        let err = Record::from_json(r#"{"id":"a","title":"x","colour":"red"}"#).unwrap_err();
        assert_eq!(err.field, "colour");
        assert!(err.reason.contains("unknown field"), "{err}");
        let ok = Record::from_json(r#"{"id":"a","title":"x","extra":{"colour":"red"}}"#).unwrap();
        assert_eq!(ok.extra.unwrap()["colour"], "red");
    }

    #[test]
    fn errors_name_the_field() {
        let err = Record::from_json(r#"{"id":"a","title":"x","keywords":["a",5]}"#).unwrap_err();
        assert_eq!(err.field, "keywords[1]");
        let err =
            Record::from_json(r#"{"id":"a","title":"x","pub_date":"2021-02-30"}"#).unwrap_err();
        assert_eq!(err.field, "pub_date");
        assert!(err.reason.contains("does not exist"), "{err}");
        let err = Record::from_json(r#"{"id":"a","title":"x","kind":"blog"}"#).unwrap_err();
        assert_eq!(err.field, "kind");
        let err = Record::from_json(r#"{"title":"x"}"#).unwrap_err();
        assert_eq!(err.field, "id");
        let err = Record::from_json(r#"{"id":" ","title":"x"}"#).unwrap_err();
        assert_eq!(err.field, "id");
        let err = Record::from_json(r#"{"id":"a"}"#).unwrap_err();
        assert_eq!(err.field, "title");
        let err = Record::from_json(r#"{"id":"a","title":"x""#).unwrap_err();
        assert!(err.reason.contains("column"), "{err}");
    }
}
