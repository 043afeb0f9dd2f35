//! The tantivy schema: which fields exist and how they are indexed.
//!
//! Every searchable text field exists twice: the main field (analysed words, positions) and its
//! `__exact` twin (Han bigrams and whole words, positions) used for quoted phrases. Text fields
//! are indexed from pre-tokenized values and are not stored; the whole record is stored once,
//! as JSON, in `_source`.

use chaxin_text::{EXACT_TOKENIZER, MAIN_TOKENIZER};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, Schema, TextFieldIndexing,
    TextOptions, FAST, STORED, STRING,
};

/// A searchable text field of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TextField {
    /// Title.
    Title,
    /// Abstract.
    Abstract,
    /// Keywords.
    Keywords,
    /// Claims (patents).
    Claims,
    /// Description (patents).
    Description,
    /// Authors and inventors.
    Authors,
    /// Affiliations and applicants.
    Affiliations,
    /// Journal, proceedings or other venue.
    Venue,
}

/// All text fields, in display order.
pub const TEXT_FIELDS: [TextField; 8] = [
    TextField::Title,
    TextField::Abstract,
    TextField::Keywords,
    TextField::Claims,
    TextField::Description,
    TextField::Authors,
    TextField::Affiliations,
    TextField::Venue,
];

impl TextField {
    /// Field name as used in queries, responses and the schema.
    pub fn name(self) -> &'static str {
        match self {
            TextField::Title => "title",
            TextField::Abstract => "abstract",
            TextField::Keywords => "keywords",
            TextField::Claims => "claims",
            TextField::Description => "description",
            TextField::Authors => "authors",
            TextField::Affiliations => "affiliations",
            TextField::Venue => "venue",
        }
    }

    fn exact_name(self) -> String {
        format!("{}__exact", self.name())
    }
}

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The tantivy schema.
    pub schema: Schema,
    /// Record id (raw, stored, fast: used for replace, lookup and the ranking tie-break).
    pub id: Field,
    /// Record kind (`paper`, `patent`, …), raw.
    pub kind: Field,
    /// Record language (`zh`, `en`), raw.
    pub lang: Field,
    /// Publication date (first day of a partial date), indexed and fast.
    pub pub_date: Field,
    /// Filing (application) date.
    pub filing_date: Field,
    /// Priority date.
    pub priority_date: Field,
    /// The date that counts for prior art: priority, else filing, else publication date
    /// ([`Record::effective_date`](crate::Record::effective_date)).
    pub effective_date: Field,
    /// Lowercased DOI.
    pub doi: Field,
    /// Publication and application numbers, normalised (`US5269177`, `5269177`).
    pub number: Field,
    /// IPC codes normalised (`G06F15/16`) plus their section, class and subclass.
    pub ipc: Field,
    /// CPC codes, as IPC.
    pub cpc: Field,
    /// Collection (`CSL`, `arXiv`, …), raw.
    pub source: Field,
    /// Discipline, raw.
    pub discipline: Field,
    /// Patent family id, raw.
    pub family: Field,
    /// Venue as written (trimmed): facet counts.
    pub venue: Field,
    /// Applicants as written (trimmed, each once): facet counts.
    pub applicant: Field,
    /// The record as JSON.
    pub source_json: Field,
    text: Vec<(TextField, Field, Field)>,
}

impl Fields {
    /// Builds the schema.
    pub fn new() -> Self {
        let mut builder = Schema::builder();
        let raw_fast = STRING | FAST;
        let id = builder.add_text_field("id", STRING | STORED | FAST);
        let kind = builder.add_text_field("kind", raw_fast.clone());
        let lang = builder.add_text_field("lang", raw_fast.clone());
        let date = DateOptions::default()
            .set_indexed()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds);
        let pub_date = builder.add_date_field("pub_date", date.clone());
        let filing_date = builder.add_date_field("filing_date", date.clone());
        let priority_date = builder.add_date_field("priority_date", date.clone());
        let effective_date = builder.add_date_field("effective_date", date);
        let doi = builder.add_text_field("doi", STRING);
        let number = builder.add_text_field("number", STRING);
        let ipc = builder.add_text_field("ipc", raw_fast.clone());
        let cpc = builder.add_text_field("cpc", raw_fast.clone());
        let source = builder.add_text_field("source", raw_fast.clone());
        let discipline = builder.add_text_field("discipline", raw_fast.clone());
        let venue = builder.add_text_field("venue_facet", raw_fast.clone());
        let applicant = builder.add_text_field("applicant_facet", raw_fast);
        let family = builder.add_text_field("family", STRING);
        let source_json = builder.add_bytes_field("_source", STORED);
        let options = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let text = TEXT_FIELDS
            .iter()
            .map(|&tf| {
                let main = builder.add_text_field(tf.name(), options(MAIN_TOKENIZER));
                let exact = builder.add_text_field(&tf.exact_name(), options(EXACT_TOKENIZER));
                (tf, main, exact)
            })
            .collect();
        Self {
            schema: builder.build(),
            id,
            kind,
            lang,
            pub_date,
            filing_date,
            priority_date,
            effective_date,
            doi,
            number,
            ipc,
            cpc,
            source,
            discipline,
            family,
            venue,
            applicant,
            source_json,
            text,
        }
    }

    /// The main (analysed) tantivy field of a text field.
    pub fn main(&self, field: TextField) -> Field {
        self.text[field as usize].1
    }

    /// The exact (bigram) twin of a text field.
    pub fn exact(&self, field: TextField) -> Field {
        self.text[field as usize].2
    }
}

impl Default for Fields {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_fields_index_in_declaration_order() {
        let fields = Fields::new();
        for tf in TEXT_FIELDS {
            assert_eq!(fields.schema.get_field_name(fields.main(tf)), tf.name());
            assert_eq!(
                fields.schema.get_field_name(fields.exact(tf)),
                tf.exact_name()
            );
        }
    }
}
