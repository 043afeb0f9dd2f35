//! The baselines for indexing figures: the same records' text fields in plain tantivy text
//! fields (one stream, positions), JSON parsed per line, `_source` stored, one commit; with
//! tantivy's default tokenizer, or with a bare jieba tokenizer as tantivy-jieba does it (search
//! mode, HMM, no normalisation or filtering): the least a Chinese index needs.

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use chaxin_index::Record;
use chaxin_text::VecTokenStream;
use tantivy::schema::{
    IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};
use tantivy::tokenizer::{Token, Tokenizer};
use tantivy::{doc, Index, TantivyDocument};

/// Which tokenizer the baseline's text fields use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // each bench uses the baselines it needs
pub enum Baseline {
    DefaultTokenizer,
    Jieba,
}

/// tantivy-jieba's tokenizer: jieba search mode with HMM, positions by token.
#[derive(Clone)]
struct JiebaTokenizer(Arc<jieba_rs::Jieba>);

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut byte_of_char = text.char_indices().map(|(b, _)| b).collect::<Vec<_>>();
        byte_of_char.push(text.len());
        let tokens = self
            .0
            .tokenize(text, jieba_rs::TokenizeMode::Search, true)
            .into_iter()
            .enumerate()
            .map(|(position, t)| Token {
                offset_from: byte_of_char[t.start],
                offset_to: byte_of_char[t.end],
                position,
                text: t.word.to_string(),
                position_length: 1,
            })
            .collect();
        VecTokenStream::new(tokens)
    }
}

/// Indexes every line of `lines` into a new index in `dir`; returns the number of documents.
pub fn baseline_index(
    lines: impl Iterator<Item = String>,
    dir: &Path,
    threads: usize,
    memory: usize,
    baseline: Baseline,
) -> u64 {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let tokenizer = match baseline {
        Baseline::DefaultTokenizer => "default",
        Baseline::Jieba => "jieba",
    };
    #[allow(non_snake_case)] // reads like tantivy's `TEXT`
    let TEXT = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let mut builder = Schema::builder();
    let id = builder.add_text_field("id", STRING | STORED | FAST);
    let title = builder.add_text_field("title", TEXT.clone());
    let abstract_ = builder.add_text_field("abstract", TEXT.clone());
    let keywords = builder.add_text_field("keywords", TEXT.clone());
    let claims = builder.add_text_field("claims", TEXT.clone());
    let description = builder.add_text_field("description", TEXT.clone());
    let authors = builder.add_text_field("authors", TEXT.clone());
    let affiliations = builder.add_text_field("affiliations", TEXT.clone());
    let venue = builder.add_text_field("venue", TEXT);
    let source = builder.add_bytes_field("_source", STORED);
    let index = Index::create_in_dir(dir, builder.build()).unwrap();
    if baseline == Baseline::Jieba {
        let jieba = Arc::new(jieba_rs::Jieba::new());
        index.tokenizers().register("jieba", JiebaTokenizer(jieba));
    }
    let mut writer = index.writer_with_num_threads(threads, memory).unwrap();
    let mut n = 0;
    for line in lines {
        let record: Record = serde_json::from_str(&line).unwrap();
        let mut d: TantivyDocument = doc!(id => record.id.as_str());
        for t in record.title.iter().flat_map(|t| t.texts()) {
            d.add_text(title, t);
        }
        for t in record.abstract_text.iter().flat_map(|t| t.texts()) {
            d.add_text(abstract_, t);
        }
        for k in &record.keywords {
            d.add_text(keywords, k);
        }
        if let Some(c) = &record.claims {
            d.add_text(claims, c);
        }
        if let Some(c) = &record.description {
            d.add_text(description, c);
        }
        for a in record.authors_and_inventors() {
            d.add_text(authors, a);
        }
        for a in record.affiliations_and_applicants() {
            d.add_text(affiliations, a);
        }
        if let Some(v) = &record.venue {
            d.add_text(venue, v);
        }
        d.add_bytes(source, line.as_bytes());
        writer.add_document(d).unwrap();
        n += 1;
    }
    writer.commit().unwrap();
    writer.wait_merging_threads().unwrap();
    n
}

/// The lines of an NDJSON file (plain or `.zst`), streamed.
#[allow(dead_code)] // the criterion bench holds its corpus in memory
pub fn read_lines(path: &Path) -> impl Iterator<Item = String> {
    let reader = chaxin_ingest::open_input(path, Default::default()).unwrap();
    reader.lines().map(|l| l.unwrap())
}
