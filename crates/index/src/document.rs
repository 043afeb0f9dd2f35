//! Record → tantivy document.

use std::sync::Mutex;

use chaxin_text::Analyzer;
use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf, Value};
use tantivy::schema::{Document, Field};
use tantivy::tokenizer::PreTokenizedString;
use tantivy::DateTime;

use crate::date::PartialDate;
use crate::record::Record;
use crate::schema::{Fields, TextField};

/// A document ready for tantivy's writer, with its text already analysed.
///
/// `TantivyDocument` stores pre-tokenized text by serialising it to JSON and parsing it back
/// when the writer reads it, which cost more than the analysis itself, and tantivy's own
/// `&OwnedValue` hands pre-tokenized text over as a deep copy of every token. This type hands
/// the tokens to the writer once, without copying them.
///
/// Invariant: a document is indexed once, and the analysed values are read once: tantivy's
/// writer reads an indexed text value once (the doc store reads stored fields only, the
/// fast-field writer skips fields that are not fast, and analysed fields are neither). A
/// second read of an analysed value sees no tokens.
#[derive(Debug, Default)]
pub struct IndexDocument {
    values: Vec<(Field, IndexValue)>,
}

/// One value of an [`IndexDocument`].
#[derive(Debug)]
pub enum IndexValue {
    /// A raw string (ids, codes, kinds).
    Str(String),
    /// A date (publication, filing, priority, effective).
    Date(DateTime),
    /// Stored bytes (the record's JSON).
    Bytes(Vec<u8>),
    /// Analysed text, moved out on first read (see [`IndexDocument`]).
    Tokens(Mutex<Option<Box<PreTokenizedString>>>),
}

impl<'a> Value<'a> for &'a IndexValue {
    type ArrayIter = std::iter::Empty<Self>;
    type ObjectIter = std::iter::Empty<(&'a str, Self)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        match *self {
            IndexValue::Str(text) => ReferenceValueLeaf::Str(text).into(),
            IndexValue::Date(date) => ReferenceValueLeaf::Date(*date).into(),
            IndexValue::Bytes(bytes) => ReferenceValueLeaf::Bytes(bytes).into(),
            IndexValue::Tokens(tokens) => {
                // A poisoned lock means a panic elsewhere in this document's indexing; the
                // value then indexes as empty rather than panicking again.
                let taken = tokens.lock().ok().and_then(|mut slot| slot.take());
                ReferenceValueLeaf::PreTokStr(taken.unwrap_or_else(|| {
                    Box::new(PreTokenizedString {
                        text: String::new(),
                        tokens: Vec::new(),
                    })
                }))
                .into()
            }
        }
    }
}

impl IndexDocument {
    fn add_text(&mut self, field: Field, text: impl Into<String>) {
        self.values.push((field, IndexValue::Str(text.into())));
    }

    fn add_date(&mut self, field: Field, date: DateTime) {
        self.values.push((field, IndexValue::Date(date)));
    }

    fn add_bytes(&mut self, field: Field, bytes: Vec<u8>) {
        self.values.push((field, IndexValue::Bytes(bytes)));
    }

    fn add_pre_tokenized_text(&mut self, field: Field, tokens: PreTokenizedString) {
        self.values.push((
            field,
            IndexValue::Tokens(Mutex::new(Some(Box::new(tokens)))),
        ));
    }
}

type FieldValue = (Field, IndexValue);

fn field_and_value(entry: &FieldValue) -> (Field, &IndexValue) {
    (entry.0, &entry.1)
}

impl Document for IndexDocument {
    type Value<'a> = &'a IndexValue;
    type FieldsValuesIter<'a> = std::iter::Map<
        std::slice::Iter<'a, FieldValue>,
        fn(&'a FieldValue) -> (Field, &'a IndexValue),
    >;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.values
            .iter()
            .map(field_and_value as fn(&FieldValue) -> (Field, &IndexValue))
    }
}

/// The indexed value of a partial date: midnight UTC of its first day.
pub fn date_value(date: PartialDate) -> DateTime {
    DateTime::from_timestamp_secs(PartialDate::days_from_civil(date.first_day()) * 86_400)
}

/// Analyses a validated record and builds its document. Pure function of the record and the
/// analyzer, so it can run on any thread (ingest runs it under rayon).
pub fn to_document(fields: &Fields, analyzer: &Analyzer, record: &Record) -> IndexDocument {
    let mut doc = IndexDocument::default();
    doc.add_text(fields.id, &record.id);
    doc.add_text(fields.kind, record.kind.as_str());
    doc.add_text(fields.lang, record.lang());
    for (field, date) in [
        (fields.pub_date, record.pub_date),
        (fields.filing_date, record.filing_date),
        (fields.priority_date, record.priority_date),
        (fields.effective_date, record.effective_date()),
    ] {
        if let Some(date) = date {
            doc.add_date(field, date_value(date));
        }
    }
    if let Some(doi) = &record.doi {
        doc.add_text(fields.doi, doi.trim().to_lowercase());
    }
    for number in [&record.pub_number, &record.application_number]
        .into_iter()
        .flatten()
    {
        for variant in number_variants(number) {
            doc.add_text(fields.number, variant);
        }
    }
    for (field, codes) in [(fields.ipc, &record.ipc), (fields.cpc, &record.cpc)] {
        let mut terms: Vec<String> = codes.iter().flat_map(|c| classification_terms(c)).collect();
        terms.sort();
        terms.dedup();
        for term in terms {
            doc.add_text(field, term);
        }
    }
    for (field, value) in [
        (fields.source, &record.source),
        (fields.discipline, &record.discipline),
        (fields.family, &record.family_id),
    ] {
        if let Some(value) = value {
            doc.add_text(field, value);
        }
    }

    if let Some(venue) = record
        .venue
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        doc.add_text(fields.venue, venue);
    }
    let mut applicants: Vec<&str> = record
        .applicants
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .collect();
    applicants.sort_unstable();
    applicants.dedup();
    for applicant in applicants {
        doc.add_text(fields.applicant, applicant);
    }

    let texts = |tf: TextField| -> Vec<&str> {
        match tf {
            TextField::Title => record.title.as_ref().map(|t| t.texts()).unwrap_or_default(),
            TextField::Abstract => record
                .abstract_text
                .as_ref()
                .map(|t| t.texts())
                .unwrap_or_default(),
            TextField::Keywords => record.keywords.iter().map(String::as_str).collect(),
            TextField::Claims => record.claims.iter().map(String::as_str).collect(),
            TextField::Description => record.description.iter().map(String::as_str).collect(),
            TextField::Authors => record.authors_and_inventors().map(String::as_str).collect(),
            TextField::Affiliations => record
                .affiliations_and_applicants()
                .map(String::as_str)
                .collect(),
            TextField::Venue => record.venue.iter().map(String::as_str).collect(),
        }
    };
    for tf in crate::schema::TEXT_FIELDS {
        for text in texts(tf) {
            let (main, exact) = analyzer.analyze_both(text);
            add_tokens(&mut doc, fields.main(tf), main);
            add_tokens(&mut doc, fields.exact(tf), mark_structure(text, exact));
        }
    }
    // Serialising a validated record cannot fail (string keys, no non-finite floats).
    let source = serde_json::to_vec(record).unwrap_or_default();
    doc.add_bytes(fields.source_json, source);
    doc
}

/// Exact-stream term at the first position of every sentence (see [`chaxin_text::sentences`]).
/// Two positions are in the same sentence when no such mark lies in `(earlier, later]`; the
/// mark shares its position with a real token, so phrases are not affected.
pub const SENTENCE_MARK: &str = "\u{1}s";
/// Exact-stream term at the first position of every paragraph: each field value, and each
/// line after a line break.
pub const PARAGRAPH_MARK: &str = "\u{1}p";

/// Adds [`SENTENCE_MARK`] and [`PARAGRAPH_MARK`] terms to an exact token stream of `text`.
pub fn mark_structure(text: &str, mut exact: Vec<chaxin_text::Token>) -> Vec<chaxin_text::Token> {
    if exact.is_empty() {
        return exact;
    }
    let mut starts: Vec<(usize, &str)> = chaxin_text::sentences(text)
        .into_iter()
        .map(|r| (r.start, SENTENCE_MARK))
        .collect();
    starts.push((0, PARAGRAPH_MARK));
    starts.extend(
        text.match_indices('\n')
            .map(|(i, _)| (i + 1, PARAGRAPH_MARK)),
    );
    let mut marks: Vec<chaxin_text::Token> = Vec::with_capacity(starts.len());
    for (offset, mark) in starts {
        // The first token at or after the start; tokens are in text order.
        let at = exact.partition_point(|t| t.offset_from < offset);
        if let Some(token) = exact.get(at) {
            marks.push(chaxin_text::Token {
                offset_from: token.offset_from,
                offset_to: token.offset_from,
                position: token.position,
                text: mark.to_string(),
                position_length: 1,
            });
        }
    }
    marks.sort_by(|a, b| (a.position, &a.text).cmp(&(b.position, &b.text)));
    marks.dedup_by(|a, b| a.position == b.position && a.text == b.text);
    exact.extend(marks);
    // Stable: marks go after the real tokens of their position.
    exact.sort_by_key(|t| t.position);
    exact
}

fn add_tokens(doc: &mut IndexDocument, field: Field, tokens: Vec<chaxin_text::Token>) {
    if tokens.is_empty() {
        return;
    }
    // The text is not stored (the record is, in `_source`), so it is not copied here.
    doc.add_pre_tokenized_text(
        field,
        PreTokenizedString {
            text: String::new(),
            tokens,
        },
    );
}

/// Normalises a publication/application number and adds the forms users type:
/// `US 5,269,177 A` → `US5269177A`, `US5269177`, `5269177`.
pub fn number_variants(number: &str) -> Vec<String> {
    let norm: String = number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let mut out = vec![norm.clone()];
    let without_kind = strip_kind_code(&norm);
    out.push(without_kind.to_string());
    let digits = without_kind.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    out.push(digits.to_string());
    out.push(digits.trim_start_matches('0').to_string());
    out.retain(|v| !v.is_empty());
    out.sort();
    out.dedup();
    out
}

/// `US8926509B2` → `US8926509`; `CN1234567A` → `CN1234567`.
fn strip_kind_code(number: &str) -> &str {
    let bytes = number.as_bytes();
    let n = bytes.len();
    if n >= 2
        && bytes[n - 2].is_ascii_uppercase()
        && bytes[n - 1].is_ascii_digit()
        && bytes[..n - 2].iter().any(u8::is_ascii_digit)
    {
        &number[..n - 2]
    } else if n >= 1
        && bytes[n - 1].is_ascii_uppercase()
        && bytes[..n - 1].last().is_some_and(u8::is_ascii_digit)
    {
        &number[..n - 1]
    } else {
        number
    }
}

/// IPC/CPC code → normalised code and its hierarchy: `G06F 15/16` → `G06F15/16`, `G06F`,
/// `G06`, `G`. `G06F015/16` (USPTO's zero-padded form) → `G06F15/16`.
pub fn classification_terms(code: &str) -> Vec<String> {
    let compact: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.len() < 4 {
        return if compact.is_empty() {
            vec![]
        } else {
            vec![compact]
        };
    }
    let (subclass, rest) = compact.split_at(4);
    let rest = match rest.split_once('/') {
        Some((group, sub)) => format!("{}/{}", group.trim_start_matches('0'), sub),
        None => rest.trim_start_matches('0').to_string(),
    };
    let mut out = vec![
        subclass[..1].to_string(),
        subclass[..3].to_string(),
        subclass.to_string(),
    ];
    if !rest.is_empty() {
        out.push(format!("{subclass}{rest}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_and_paragraph_starts_are_marked() {
        let analyzer = Analyzer::default_settings();
        let text = "稀土永磁。钕铁硼\nNd-Fe-B magnets. Sintered.";
        let marked = mark_structure(text, analyzer.analyze_exact(text));
        let at = |mark: &str| -> Vec<usize> {
            marked
                .iter()
                .filter(|t| t.text == mark)
                .map(|t| t.position)
                .collect()
        };
        // Sentences start at 稀, 钕, nd and sintered; paragraphs at 稀 and nd.
        assert_eq!(at(SENTENCE_MARK), vec![0, 4, 7, 9]);
        assert_eq!(at(PARAGRAPH_MARK), vec![0, 7]);
        assert!(marked.windows(2).all(|w| w[0].position <= w[1].position));
    }

    #[test]
    fn analysed_values_are_handed_over_once() {
        let mut doc = IndexDocument::default();
        let tokens = chaxin_text::Analyzer::default_settings().analyze("稀土永磁材料");
        let count = tokens.len();
        doc.add_pre_tokenized_text(
            Field::from_field_id(0),
            PreTokenizedString {
                text: String::new(),
                tokens,
            },
        );
        let (_, value) = doc.iter_fields_and_values().next().unwrap();
        let first = value.as_value().into_pre_tokenized_text();
        assert_eq!(first.unwrap().tokens.len(), count);
        let again = value.as_value().into_pre_tokenized_text();
        assert!(again.unwrap().tokens.is_empty());
    }

    #[test]
    fn numbers_have_the_forms_users_type() {
        assert_eq!(
            number_variants("US 5,269,177 A"),
            vec!["5269177", "US5269177", "US5269177A"]
        );
        assert!(number_variants("US08926509B2").contains(&"8926509".to_string()));
    }

    #[test]
    fn classification_hierarchy() {
        assert_eq!(
            classification_terms("G06F 15/16"),
            vec!["G", "G06", "G06F", "G06F15/16"]
        );
        assert_eq!(
            classification_terms("G06F015/16"),
            vec!["G", "G06", "G06F", "G06F15/16"]
        );
        assert_eq!(classification_terms("H01M"), vec!["H", "H01", "H01M"]);
    }
}
