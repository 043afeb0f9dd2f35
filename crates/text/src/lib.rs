//! Text normalisation and Chinese/English analysis for chaxin.
//!
//! One [`Analyzer`] is used identically at index time and at query time. It produces two
//! token streams from the same text:
//!
//! * the **main** stream ([`Analyzer::analyze`]): jieba search-mode words for Han runs (so both
//!   `稀土永磁` and `永磁` match), stemmed English words without stop words, and technical tokens
//!   (`Nd-Fe-B` → `ndfeb`, `nd`, `fe`, `b`; `CO₂` → `co2`; `3.5mm` → `3.5mm`, `3.5`, `mm`);
//! * the **exact** stream ([`Analyzer::analyze_exact`]): overlapping character bigrams for Han
//!   runs and unstemmed whole words otherwise, one position per Han character / word, used for
//!   quoted phrases so that a phrase matches every occurrence of its character sequence whatever
//!   jieba would have made of the surrounding text.
//!
//! Both streams first normalise the text (NFKC, lowercase, traditional → simplified) while
//! keeping a map back to the original byte offsets, so tokens always point into the text the
//! caller passed in (needed for highlighting).

#![warn(missing_docs)]

mod analyzer;
mod glue;
pub mod html;
mod normalize;
mod script;
mod sentence;
mod settings;
mod stopwords;
mod tokenizer;

pub use analyzer::{Analyzer, PhraseTerms, Token};
pub use normalize::{normalize, Normalized};
pub use script::{is_chinese_text, is_han, text_lang};
pub use sentence::{is_sentence_end, sentence_of, sentences};
pub use settings::{AnalyzerSettings, SettingsError, ANALYZER_VERSION};
pub use tokenizer::{register_tokenizers, VecTokenStream, EXACT_TOKENIZER, MAIN_TOKENIZER};
