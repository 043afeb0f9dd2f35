//! The analyzer: normalised text → main and exact token streams.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use rust_stemmers::{Algorithm, Stemmer};
pub use tantivy::tokenizer::Token;

use crate::normalize::{normalize, Normalized};
use crate::script::{is_connector, is_han, is_word_char};
use crate::settings::{AnalyzerSettings, SettingsError};
use crate::stopwords::is_stop_word;

/// Terms longer than this (in bytes) are dropped: they are never typed in a query and would
/// only bloat the term dictionary (base64 blobs, sequences).
const MAX_TERM_BYTES: usize = 64;

/// jieba's default dictionary, loaded once per process and shared by every analyzer without a
/// user dictionary.
fn default_jieba() -> Arc<Jieba> {
    static JIEBA: OnceLock<Arc<Jieba>> = OnceLock::new();
    JIEBA.get_or_init(|| Arc::new(Jieba::new())).clone()
}

/// Chinese/English analyzer. Cheap to clone (the dictionary is shared).
#[derive(Clone)]
pub struct Analyzer {
    jieba: Arc<Jieba>,
    stemmer: Arc<Stemmer>,
    settings: AnalyzerSettings,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("settings", &self.settings)
            .finish()
    }
}

/// A run of the normalised text that is analysed as a unit (char indices into the normalised
/// text, end exclusive).
#[derive(Clone, Copy)]
enum Run {
    Han { start: usize, end: usize },
    Word { start: usize, end: usize },
}

/// One part of a word run, split at connectors (`Nd-Fe-B` → `nd`, `fe`, `b`).
struct Part<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

/// Terms of a quoted phrase for the exact field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseTerms {
    /// Terms with their relative positions.
    pub terms: Vec<(usize, String)>,
    /// When true, the last term is a single Han character that in indexed text is the first
    /// character of a bigram (or a run-final unigram): match it as a prefix.
    pub last_is_prefix: bool,
}

impl Analyzer {
    /// Builds an analyzer for the given settings. Without user words the process-wide jieba
    /// dictionary is shared; with them, a copy extended by those words is made.
    pub fn new(settings: &AnalyzerSettings) -> Result<Self, SettingsError> {
        settings.check_version()?;
        let jieba = if settings.user_words.is_empty() {
            default_jieba()
        } else {
            let mut jieba = (*default_jieba()).clone();
            for word in &settings.user_words {
                let word = normalize(word).text;
                jieba.add_word(&word, None, None);
            }
            Arc::new(jieba)
        };
        Ok(Self {
            jieba,
            stemmer: Arc::new(Stemmer::create(Algorithm::English)),
            settings: settings.clone(),
        })
    }

    /// Analyzer with default settings (no user dictionary).
    pub fn default_settings() -> Self {
        Self {
            jieba: default_jieba(),
            stemmer: Arc::new(Stemmer::create(Algorithm::English)),
            settings: AnalyzerSettings::default(),
        }
    }

    /// The settings this analyzer was built with.
    pub fn settings(&self) -> &AnalyzerSettings {
        &self.settings
    }

    /// Main token stream: jieba search-mode words for Han runs, stemmed English words without
    /// stop words, technical tokens whole and in parts.
    ///
    /// Invariants: offsets are byte offsets into `text`; tokens are sorted by position; a Han
    /// character and a word part each take one position, so proximity is measured in
    /// characters for Chinese and words for English.
    pub fn analyze(&self, text: &str) -> Vec<Token> {
        let norm = normalize(text);
        self.main_tokens(&norm, &runs(&norm))
    }

    /// Both streams of `text`, normalising it once (what indexing uses).
    pub fn analyze_both(&self, text: &str) -> (Vec<Token>, Vec<Token>) {
        let norm = normalize(text);
        let runs = runs(&norm);
        (self.main_tokens(&norm, &runs), exact_tokens(&norm, &runs))
    }

    fn main_tokens(&self, norm: &Normalized, runs: &[Run]) -> Vec<Token> {
        let mut tokens = Vec::new();
        let mut position = 0;
        for run in runs {
            match *run {
                Run::Han { start, end } => {
                    self.han_words(norm, start, end, position, &mut tokens);
                    position += end - start;
                }
                Run::Word { start, end } => {
                    position += self.word_tokens(norm, start, end, position, &mut tokens);
                }
            }
        }
        tokens.sort_by_key(|t| t.position);
        tokens.dedup_by(|a, b| a.position == b.position && a.text == b.text);
        tokens
    }

    /// Exact token stream: overlapping Han bigrams (the last character of a run as a unigram)
    /// and whole, unstemmed words including stop words. One position per Han character and per
    /// word.
    pub fn analyze_exact(&self, text: &str) -> Vec<Token> {
        let norm = normalize(text);
        exact_tokens(&norm, &runs(&norm))
    }

    /// Terms of a quoted phrase for the exact field (see [`PhraseTerms`]).
    ///
    /// A phrase's trailing Han run may continue in indexed text, where its last character is
    /// then part of a bigram rather than a unigram: so the trailing unigram is dropped when the
    /// bigrams before it already cover it, and matched as a prefix when it stands alone.
    pub fn phrase_terms(&self, text: &str) -> PhraseTerms {
        let mut tokens = self.analyze_exact(text);
        let mut last_is_prefix = false;
        if let Some(last) = tokens.last() {
            let is_han_unigram = last.text.chars().count() == 1 && last.text.chars().all(is_han);
            if is_han_unigram {
                let covered = tokens.len() >= 2 && {
                    let prev = &tokens[tokens.len() - 2];
                    prev.text.chars().count() == 2 && prev.text.ends_with(&last.text)
                };
                if covered {
                    tokens.pop();
                } else {
                    last_is_prefix = true;
                }
            }
        }
        let base = tokens.first().map_or(0, |t| t.position);
        PhraseTerms {
            terms: tokens
                .into_iter()
                .map(|t| (t.position - base, t.text))
                .collect(),
            last_is_prefix,
        }
    }

    fn han_words(
        &self,
        norm: &Normalized,
        start: usize,
        end: usize,
        base_position: usize,
        out: &mut Vec<Token>,
    ) {
        let run = slice(norm, start, end);
        for word in self.jieba.cut_for_search(run, true) {
            if is_stop_word(word.word) {
                continue;
            }
            let (from, to) = (start + word.start, start + word.end);
            push_token(
                norm,
                out,
                word.word.to_string(),
                from,
                to,
                base_position + word.start,
            );
        }
    }

    /// Emits the tokens of one word run; returns the number of positions it takes.
    fn word_tokens(
        &self,
        norm: &Normalized,
        start: usize,
        end: usize,
        base_position: usize,
        out: &mut Vec<Token>,
    ) -> usize {
        let parts = parts(norm, start, end);
        if let [part] = parts.as_slice() {
            if let Some(pieces) = crate::glue::split_glued(part.text) {
                // Words OCR glued together: the glued word, then its words at positions of
                // their own (as the parts of a hyphenated word).
                push_token(
                    norm,
                    out,
                    self.stem(part.text.to_string()),
                    start,
                    end,
                    base_position,
                );
                for (offset, piece) in pieces.iter().enumerate() {
                    let text = &part.text[piece.clone()];
                    if is_stop_word(text) {
                        continue;
                    }
                    let (from, to) = (part.start + piece.start, part.start + piece.end);
                    push_token(
                        norm,
                        out,
                        self.stem(text.to_string()),
                        from,
                        to,
                        base_position + offset,
                    );
                }
                return pieces.len();
            }
        }
        if parts.len() > 1 {
            let whole = concat(&parts);
            if !is_stop_word(&whole) {
                push_token(norm, out, self.stem(whole), start, end, base_position);
            }
        }
        for (offset, part) in parts.iter().enumerate() {
            let position = base_position + offset;
            if is_stop_word(part.text) {
                continue;
            }
            if parts.len() == 1 || part.text.chars().count() > 1 || !is_single_letter(part.text) {
                let term = self.stem(part.text.to_string());
                push_token(norm, out, term, part.start, part.end, position);
            }
            if let Some((number, unit)) = split_number_unit(part.text) {
                let unit_start = part.start + number.chars().count();
                push_token(
                    norm,
                    out,
                    number.to_string(),
                    part.start,
                    unit_start,
                    position,
                );
                push_token(norm, out, unit.to_string(), unit_start, part.end, position);
            }
        }
        parts.len()
    }

    /// Stems purely alphabetic ASCII words; anything with digits or other scripts is kept.
    /// Stems are memoised per thread: word frequencies are Zipfian, and the Snowball stemmer
    /// was the largest cost of English analysis.
    fn stem(&self, word: String) -> String {
        if word.len() <= 2 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
            return word;
        }
        STEMS.with(|cache| {
            let mut cache = cache.borrow_mut();
            if let Some(stem) = cache.get(&word) {
                return stem.clone();
            }
            let stem = self.stemmer.stem(&word).into_owned();
            if cache.len() >= STEM_CACHE_WORDS {
                cache.clear();
            }
            cache.insert(word, stem.clone());
            stem
        })
    }
}

/// Words whose stems one thread remembers (the cache starts over when full).
const STEM_CACHE_WORDS: usize = 200_000;

thread_local! {
    // Every analyzer stems with the same Snowball English stemmer, so one cache per thread.
    static STEMS: std::cell::RefCell<std::collections::HashMap<String, String>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn exact_tokens(norm: &Normalized, runs: &[Run]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut position = 0;
    for run in runs {
        match *run {
            Run::Han { start, end } => {
                for i in start..end {
                    let to = (i + 2).min(end);
                    push_token(norm, &mut tokens, slice(norm, i, to), i, to, position);
                    position += 1;
                }
            }
            Run::Word { start, end } => {
                let parts = parts(norm, start, end);
                push_token(norm, &mut tokens, concat(&parts), start, end, position);
                position += 1;
            }
        }
    }
    tokens
}

fn is_single_letter(s: &str) -> bool {
    let mut chars = s.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
}

/// `3.5mm` → (`3.5`, `mm`), `500mah` → (`500`, `mah`), `5g` → (`5`, `g`): a number directly
/// followed by a unit, so `3.5 mm` and `3.5mm` find each other.
fn split_number_unit(part: &str) -> Option<(&str, &str)> {
    let digits_end = part
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
        .map(|(i, _)| i)?;
    let (number, unit) = part.split_at(digits_end);
    let number_ok = number.starts_with(|c: char| c.is_ascii_digit()) && !number.ends_with('.');
    let unit_ok = !unit.is_empty() && unit.chars().all(char::is_alphabetic);
    (number_ok && unit_ok).then_some((number, unit))
}

fn slice(norm: &Normalized, start: usize, end: usize) -> &str {
    &norm.text[norm.byte_of_char(start)..norm.byte_of_char(end)]
}

fn push_token(
    norm: &Normalized,
    out: &mut Vec<Token>,
    text: impl Into<String>,
    start: usize,
    end: usize,
    position: usize,
) {
    let text = text.into();
    if text.is_empty() || text.len() > MAX_TERM_BYTES {
        return;
    }
    let range = norm.original_range(start, end);
    out.push(Token {
        offset_from: range.start,
        offset_to: range.end,
        position,
        text,
        position_length: 1,
    });
}

/// Splits the normalised text into Han runs and word runs; everything else (spaces,
/// punctuation, symbols) separates runs and never becomes a term.
fn runs(norm: &Normalized) -> Vec<Run> {
    let chars: Vec<char> = norm.text.chars().collect();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_han(c) {
            let start = i;
            while i < chars.len() && is_han(chars[i]) {
                i += 1;
            }
            runs.push(Run::Han { start, end: i });
        } else if is_word_char(c) {
            let start = i;
            i += 1;
            loop {
                if i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                } else if i + 1 < chars.len()
                    && is_connector(chars[i])
                    && is_word_char(chars[i + 1])
                {
                    i += 2;
                } else {
                    break;
                }
            }
            runs.push(Run::Word { start, end: i });
        } else {
            i += 1;
        }
    }
    runs
}

/// Splits a word run at connectors, keeping decimal points (`3.5`) inside numbers and dropping
/// a possessive `'s`.
fn parts(norm: &Normalized, start: usize, end: usize) -> Vec<Part<'_>> {
    let text = slice(norm, start, end);
    if !text.contains(is_connector) {
        // Most words: one part, and no need to look at characters one by one.
        return vec![Part { text, start, end }];
    }
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let mut part_start = 0;
    let mut byte = 0;
    let mut part_byte = 0;
    for (i, &c) in chars.iter().enumerate() {
        let is_decimal_point = c == '.'
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if is_connector(c) && !is_decimal_point {
            let possessive =
                matches!(c, '\'' | '’') && chars.get(i + 1) == Some(&'s') && i + 2 == chars.len();
            parts.push(Part {
                text: &text[part_byte..byte],
                start: start + part_start,
                end: start + i,
            });
            if possessive {
                return parts;
            }
            part_start = i + 1;
            part_byte = byte + c.len_utf8();
        }
        byte += c.len_utf8();
    }
    parts.push(Part {
        text: &text[part_byte..],
        start: start + part_start,
        end,
    });
    parts
}

fn concat(parts: &[Part<'_>]) -> String {
    parts.iter().map(|p| p.text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        Analyzer::default_settings()
            .analyze(text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    fn exact(text: &str) -> Vec<String> {
        Analyzer::default_settings()
            .analyze_exact(text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn full_width_equals_half_width() {
        assert_eq!(terms("ＬｉＦｅＰＯ４正极材料"), terms("LiFePO4正极材料"));
        assert_eq!(terms("５Ｇ通信，ＳｉＣ器件"), terms("5G通信,SiC器件"));
    }

    #[test]
    fn traditional_equals_simplified() {
        assert_eq!(terms("稀土永磁材料的製備"), terms("稀土永磁材料的制备"));
        assert_eq!(terms("鋰離子電池"), terms("锂离子电池"));
    }

    #[test]
    fn plural_equals_singular() {
        assert_eq!(terms("lithium batteries"), terms("lithium battery"));
        assert_eq!(terms("Neural Networks"), terms("neural network"));
    }

    #[test]
    fn search_mode_lets_compound_and_part_match() {
        let t = terms("稀土永磁材料");
        assert!(t.contains(&"永磁".to_string()), "{t:?}");
        assert!(t.contains(&"稀土".to_string()), "{t:?}");
        let q = terms("永磁");
        assert!(q.iter().all(|x| t.contains(x)), "{q:?} ⊄ {t:?}");
    }

    #[test]
    fn technical_tokens_stay_searchable() {
        let t = terms("Nd-Fe-B magnets with CO2 and 5G on SiC, LiFePO4 per GB/T 32003, 3.5mm");
        for expected in [
            "ndfeb", "nd", "fe", "co2", "5g", "sic", "lifepo4", "gbt", "32003", "3.5mm", "3.5",
            "mm", "magnet",
        ] {
            assert!(
                t.contains(&expected.to_string()),
                "{expected} missing from {t:?}"
            );
        }
        // subscripts and full-width letters fold onto the same tokens
        assert!(terms("CO₂").contains(&"co2".to_string()));
        assert_eq!(terms("NdFeB"), vec!["ndfeb"]);
    }

    #[test]
    fn punctuation_never_becomes_a_term() {
        let t = terms("“稀土”、（永磁）！？—— ... --- / \\ §¶ ★");
        assert!(
            t.iter().all(|x| x.chars().any(|c| c.is_alphanumeric())),
            "{t:?}"
        );
        let e = exact("“稀土”、（永磁）！—— ...");
        assert!(
            e.iter().all(|x| x.chars().any(|c| c.is_alphanumeric())),
            "{e:?}"
        );
    }

    #[test]
    fn words_glued_by_ocr_are_found_by_their_words() {
        let t = terms("thisstudyinvestigatedthe effectsof temperatureand nutrient");
        for word in ["studi", "investig", "effect", "temperatur", "nutrient"] {
            assert!(t.contains(&word.to_string()), "{word} missing from {t:?}");
        }
        let tokens = Analyzer::default_settings().analyze("effectsof temperatureand");
        let temperature = tokens.iter().find(|t| t.text == "temperatur").unwrap();
        // `effectsof` takes two positions (`of` is a stop word), so `temperature` is third.
        assert_eq!(temperature.position, 2);
        assert_eq!(
            &"effectsof temperatureand"[temperature.offset_from..temperature.offset_to],
            "temperature"
        );
    }

    #[test]
    fn stop_words_are_removed_but_positions_kept() {
        let tokens = Analyzer::default_settings().analyze("the design of the controller");
        let texts: Vec<_> = tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, vec!["design", "control"]);
        assert_eq!(tokens[1].position - tokens[0].position, 3);
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "采用修正的Rodrigues参数（MRP），建立了飞行器姿态控制系统";
        for token in Analyzer::default_settings().analyze(text) {
            let original = &text[token.offset_from..token.offset_to];
            assert!(!original.is_empty());
            let renormalised = crate::normalize(original).text;
            assert!(
                renormalised.contains(&token.text) || token.text.starts_with(&renormalised[..1]),
                "{token:?} -> {original}"
            );
        }
    }

    #[test]
    fn exact_stream_uses_bigrams_and_whole_words() {
        assert_eq!(exact("稀土永磁"), vec!["稀土", "土永", "永磁", "磁"]);
        assert_eq!(exact("Nd-Fe-B 的 magnets"), vec!["ndfeb", "的", "magnets"]);
    }

    #[test]
    fn phrase_terms_drop_or_open_the_last_character() {
        let a = Analyzer::default_settings();
        let p = a.phrase_terms("稀土永磁");
        assert_eq!(
            p.terms,
            vec![(0, "稀土".into()), (1, "土永".into()), (2, "永磁".into())]
        );
        assert!(!p.last_is_prefix);
        let single = a.phrase_terms("铁");
        assert_eq!(single.terms, vec![(0, "铁".into())]);
        assert!(single.last_is_prefix);
        let mixed = a.phrase_terms("5G 通信");
        assert_eq!(mixed.terms, vec![(0, "5g".into()), (1, "通信".into())]);
    }

    #[test]
    fn user_words_are_kept_whole() {
        let settings = AnalyzerSettings::with_user_dictionary("钕铁硼永磁\n").unwrap();
        let analyzer = Analyzer::new(&settings).unwrap();
        let t: Vec<String> = analyzer
            .analyze("烧结钕铁硼永磁体")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert!(t.contains(&"钕铁硼永磁".to_string()), "{t:?}");
    }
}
