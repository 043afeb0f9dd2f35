//! A bilingual (Chinese ↔ English) technical lexicon: which words say the same thing in the
//! other language, where that knowledge came from, and how sure it is.
//!
//! Sources ([`Origin`]): the CC-CEDICT and ECDICT dictionaries ([`dict`]), and a lexicon mined
//! from bilingual records such as ChinaXiv papers, whose authors give title, keywords and
//! abstract in both languages ([`mine`]). Building reads the sources once (`chaxin lexicon
//! build`) and writes one small file per origin ([`store`]); a process loads them once and a
//! query only looks up.
//!
//! Keys are normalised the way the analyzer normalises text ([`keys`]): a Chinese key is the
//! NFKC, simplified, lowercased Han string; an English key is the analyzer's main-stream terms
//! (stemmed, stop words removed) joined by single spaces, so `Neural Networks` and
//! `neural network` are one key.

#![warn(missing_docs)]

pub mod dict;
pub mod keys;
pub mod mine;
pub mod store;
pub mod terms;

use std::collections::HashMap;

pub use keys::{en_key, is_function_word, zh_key, KeyMaker, FUNCTION_CHARS, FUNCTION_WORDS};
use serde::{Deserialize, Serialize};
pub use store::{load_dir, write_pairs, write_readings, write_terms, StoreError};

/// The two languages of the lexicon.
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
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Chinese.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// `zh` or `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The other language of the two.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// Where a form of a concept comes from, as the response shows it.
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
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A shipped dictionary (CC-CEDICT, ECDICT).
    Dictionary,
    /// Mined from indexed or bilingual records.
    Corpus,
    /// Given in the request.
    User,
}

impl Source {
    /// `dictionary`, `corpus` or `user`, as JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Dictionary => "dictionary",
            Source::Corpus => "corpus",
            Source::User => "user",
        }
    }
}

/// One translation pair as stored: both keys, the English as written, how sure.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// Chinese key (see [`zh_key`]); also how the Chinese is shown.
    pub zh: String,
    /// English key (see [`en_key`]).
    pub en_key: String,
    /// English as written in the source (`neural network`, `NOx`).
    pub en: String,
    /// In (0, 1].
    pub confidence: f32,
}

/// One form in the other language, as a lookup returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The form as shown (Chinese key, or English as written).
    pub text: String,
    /// Its key in its own language.
    pub key: String,
    /// The looked-up side as the source wrote it: English keys are stems, so `fabric` holds
    /// the senses of *fabric* and of *fabrication*, and `led` those of *LED* and *led*, told
    /// apart by this.
    pub written: String,
    /// Where the pair comes from.
    pub source: Source,
    /// Name of the file it came from (`cedict`, `ecdict`, `chinaxiv`).
    pub origin: String,
    /// How sure the pair is, in (0, 1].
    pub confidence: f32,
}

/// The loaded lexicon. Lookups return entries best first (confidence, then text); an entry
/// appears once per key even when several origins give it (the most confident one kept).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Lexicon {
    zh: HashMap<String, Vec<Entry>>,
    en: HashMap<String, Vec<Entry>>,
    /// Longest Chinese key, in characters.
    zh_max_chars: usize,
    /// Longest English key, in terms.
    en_max_terms: usize,
    /// Loaded files and their pair counts.
    origins: Vec<(String, usize)>,
    /// Toneless pinyin of Han characters.
    readings: HashMap<char, String>,
    /// The distinct readings that can spell a syllable of a name (`ü` written `u`).
    syllables: std::collections::HashSet<String>,
    /// Terms mined from indexed records (keys), with or without translation.
    zh_terms: std::collections::HashSet<String>,
    en_terms: std::collections::HashSet<String>,
}

impl Lexicon {
    /// Adds the pairs of one origin.
    pub fn add(&mut self, origin: &str, source: Source, pairs: &[Pair]) {
        for pair in pairs {
            debug_assert!(pair.confidence > 0.0 && pair.confidence <= 1.0);
            self.zh_max_chars = self.zh_max_chars.max(pair.zh.chars().count());
            self.en_max_terms = self
                .en_max_terms
                .max(pair.en_key.split(' ').filter(|w| !w.is_empty()).count());
            push(
                self.zh.entry(pair.zh.clone()).or_default(),
                Entry {
                    text: pair.en.clone(),
                    key: pair.en_key.clone(),
                    written: pair.zh.clone(),
                    source,
                    origin: origin.to_string(),
                    confidence: pair.confidence,
                },
            );
            push(
                self.en.entry(pair.en_key.clone()).or_default(),
                Entry {
                    text: pair.zh.clone(),
                    key: pair.zh.clone(),
                    written: pair.en.clone(),
                    source,
                    origin: origin.to_string(),
                    confidence: pair.confidence,
                },
            );
        }
        self.origins.push((origin.to_string(), pairs.len()));
        // Only the keys this origin touched can be out of order.
        let zh: std::collections::HashSet<&str> = pairs.iter().map(|p| p.zh.as_str()).collect();
        let en: std::collections::HashSet<&str> = pairs.iter().map(|p| p.en_key.as_str()).collect();
        for key in zh {
            if let Some(entries) = self.zh.get_mut(key) {
                sort_entries(entries);
            }
        }
        for key in en {
            if let Some(entries) = self.en.get_mut(key) {
                sort_entries(entries);
            }
        }
    }

    /// English forms of a Chinese key, best first.
    pub fn english_of(&self, zh_key: &str) -> &[Entry] {
        self.zh.get(zh_key).map_or(&[], Vec::as_slice)
    }

    /// Chinese forms of an English key, best first.
    pub fn chinese_of(&self, en_key: &str) -> &[Entry] {
        self.en.get(en_key).map_or(&[], Vec::as_slice)
    }

    /// Forms in the other language of a key in `lang`.
    pub fn translations(&self, lang: Lang, key: &str) -> &[Entry] {
        match lang {
            Lang::Zh => self.english_of(key),
            Lang::En => self.chinese_of(key),
        }
    }

    /// The translations of `key` as [`Lexicon::translations`] gives them, with the senses
    /// written for another word of the same English stem (`fabric` under the key of
    /// *fabrication*, `convert` under *converter*) at [`OTHER_WORD_SHARE`] of their confidence
    /// when some entries were written as `written` is (plural endings aside); re-sorted.
    /// When stop words join the words of `written` (`precipitation and water`: more words
    /// than the key has terms), only entries whose words are joined so too stand for it
    /// (`temporal and spatial variation`, not `precipitable water` of the same key).
    /// Chinese keys are not stems: their entries come as they are.
    pub fn translations_as_written(&self, lang: Lang, key: &str, written: &str) -> Vec<Entry> {
        let mut entries = self.translations(lang, key).to_vec();
        if lang == Lang::En {
            let terms = key.split(' ').count();
            if word_count(written) > terms {
                entries.retain(|e| word_count(&e.written) > terms);
            }
            let written = written.trim().to_lowercase();
            let same: Vec<bool> = entries
                .iter()
                .map(|e| same_english_word(&e.written.to_lowercase(), &written))
                .collect();
            if same.contains(&true) {
                for (entry, same) in entries.iter_mut().zip(same) {
                    if !same {
                        entry.confidence *= OTHER_WORD_SHARE;
                    }
                }
                sort_entries(&mut entries);
            }
        }
        entries
    }

    /// True when `key` is a known term of `lang`.
    pub fn knows(&self, lang: Lang, key: &str) -> bool {
        match lang {
            Lang::Zh => self.zh.contains_key(key),
            Lang::En => self.en.contains_key(key),
        }
    }

    /// Longest Chinese key in characters.
    pub fn zh_max_chars(&self) -> usize {
        self.zh_max_chars
    }

    /// Longest English key in terms.
    pub fn en_max_terms(&self) -> usize {
        self.en_max_terms
    }

    /// Loaded origins with their pair counts, in load order.
    pub fn origins(&self) -> &[(String, usize)] {
        &self.origins
    }

    /// Adds mined terms (see [`terms`]).
    pub fn add_terms(&mut self, terms: &[terms::Term]) {
        for term in terms {
            match term.lang {
                Lang::Zh => {
                    self.zh_max_chars = self.zh_max_chars.max(term.key.chars().count());
                    self.zh_terms.insert(term.key.clone());
                }
                Lang::En => {
                    self.en_max_terms = self.en_max_terms.max(term.key.split(' ').count());
                    self.en_terms.insert(term.key.clone());
                }
            }
        }
        self.origins.push(("terms".to_string(), terms.len()));
    }

    /// True when `key` is a term mined from indexed records (it may have no translation).
    pub fn is_term(&self, lang: Lang, key: &str) -> bool {
        match lang {
            Lang::Zh => self.zh_terms.contains(key),
            Lang::En => self.en_terms.contains(key),
        }
    }

    /// Adds character readings (later files win).
    pub fn add_readings(&mut self, readings: Vec<(char, String)>) {
        self.origins.push(("readings".to_string(), readings.len()));
        self.syllables.extend(
            readings
                .iter()
                .map(|(_, r)| r.replace('v', "u"))
                .filter(|r| !NOT_NAME_SYLLABLES.contains(&r.as_str())),
        );
        self.readings.extend(readings);
    }

    /// The toneless pinyin of one character, `ü` written `v` (`吕` → `lv`).
    pub fn reading(&self, c: char) -> Option<&str> {
        self.readings.get(&c).map(String::as_str)
    }

    /// `word` read as a Chinese name spelt in pinyin, as English writes one (`Zhangye`,
    /// `Beidou`): lowercased, `ü` spelt `u`. `None` unless `word` is one capitalised word of
    /// [`MIN_NAME_LETTERS`] letters or more that splits into at least two syllables of the
    /// readings. Which characters it spells only a text can say (see
    /// [`Lexicon::spelt_prefix`]).
    pub fn name_spelling(&self, word: &str) -> Option<String> {
        let mut chars = word.chars();
        let first = chars.next()?;
        if !first.is_ascii_uppercase()
            || word.len() < MIN_NAME_LETTERS
            || !chars.all(|c| c.is_ascii_lowercase())
        {
            return None;
        }
        let spelling = word.to_ascii_lowercase().replace('v', "u");
        // most[i]: the most syllables `spelling[..i]` splits into (None: it does not split).
        let mut most: Vec<Option<usize>> = vec![None; spelling.len() + 1];
        most[0] = Some(0);
        for end in 1..=spelling.len() {
            most[end] = (end.saturating_sub(MAX_SYLLABLE_LETTERS)..end)
                .filter_map(|start| {
                    let before = most[start]?;
                    self.syllables
                        .contains(&spelling[start..end])
                        .then_some(before + 1)
                })
                .max();
        }
        (most[spelling.len()]? >= 2).then_some(spelling)
    }

    /// How many bytes of the start of `text` read `spelling` (a [`Lexicon::name_spelling`]),
    /// one syllable per Han character and at least two characters (`张掖市` reads `zhangye`
    /// in its first 6 bytes).
    pub fn spelt_prefix(&self, text: &str, spelling: &str) -> Option<usize> {
        let mut rest = spelling;
        let mut chars = 0;
        for (at, c) in text.char_indices() {
            let reading = self.reading(c)?;
            let after = if reading.contains('v') {
                rest.strip_prefix(reading.replace('v', "u").as_str())
            } else {
                rest.strip_prefix(reading)
            }?;
            rest = after;
            chars += 1;
            if rest.is_empty() {
                return (chars >= 2).then_some(at + c.len_utf8());
            }
        }
        None
    }

    /// `text` spelt in toneless pinyin, syllables joined (`盐城` → `yancheng`), as English
    /// writes Chinese names; `None` when a character has no reading.
    pub fn pinyin(&self, text: &str) -> Option<String> {
        text.chars().map(|c| self.reading(c)).collect()
    }

    /// True when no character reading is known.
    pub fn is_empty(&self) -> bool {
        self.zh.is_empty()
    }
}

/// Readings in CC-CEDICT that spell no syllable of a name: interjections (`m`, `r`) and the
/// mark of an unknown reading (`xx`).
const NOT_NAME_SYLLABLES: &[&str] = &["m", "r", "xx", "n", "ng", "hm", "hng"];

/// Shortest word read as a name (`Hami`, `Gebi`; three letters are too often something
/// else).
pub(crate) const MIN_NAME_LETTERS: usize = 4;

/// Longest syllable (`zhuang`).
const MAX_SYLLABLE_LETTERS: usize = 6;

/// Share of its confidence a translation keeps when it was written for another word of the
/// same English stem than the one looked up.
pub(crate) const OTHER_WORD_SHARE: f32 = 0.6;

/// An English word or phrase (lowercased) without its last word's inflection: plural, past
/// and present participle endings and a final `e` go, a doubled last consonant is halved
/// (`networks`, `network` → `network`; `comparing`, `compared`, `compare` → `compar`;
/// `stopping` → `stop`; `studies` → `study`). Unlike the stem of an English key, derivations
/// stay apart (`converter` ≠ `convert`, `fabrication` ≠ `fabric`).
pub(crate) fn inflection_key(written: &str) -> String {
    let w = written.trim();
    let stripped = if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() >= 2) {
        format!("{stem}y")
    } else if let Some(stem) = w.strip_suffix("ied").filter(|s| s.len() >= 2) {
        format!("{stem}y")
    } else if let Some(stem) = w
        .strip_suffix("es")
        .filter(|s| s.len() >= 2 && s.ends_with(['s', 'x', 'h', 'z']))
    {
        stem.to_string()
    } else if let Some(stem) = w
        .strip_suffix('s')
        .filter(|s| s.len() >= 3 && !s.ends_with(['s', 'u', 'i']))
    {
        stem.to_string()
    } else if let Some(stem) = w.strip_suffix("ing").filter(|s| s.len() >= 3) {
        stem.to_string()
    } else if let Some(stem) = w.strip_suffix("ed").filter(|s| s.len() >= 3) {
        stem.to_string()
    } else {
        w.to_string()
    };
    let mut key = stripped;
    if key.len() > 3 && key.ends_with('e') {
        key.pop();
    }
    let bytes = key.as_bytes();
    let n = bytes.len();
    if n > 3 && bytes[n - 1] == bytes[n - 2] && !b"aeiouls".contains(&bytes[n - 1]) {
        key.pop();
    }
    key
}

/// True when two lowercased English words or phrases differ only by inflection (see
/// [`inflection_key`]).
pub(crate) fn same_english_word(a: &str, b: &str) -> bool {
    a == b || inflection_key(a) == inflection_key(b)
}

/// Words of an English text, a hyphenated one counting once (`drip - irrigation`: 2,
/// `spatio-temporal`: 1).
fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// Adds `entry`. When the key is there already from another origin, the two sources agree
/// and the entry grows surer (noisy-or of both confidences, shown with the more confident
/// source); from the same origin the more confident one stays.
fn push(entries: &mut Vec<Entry>, entry: Entry) {
    match entries.iter_mut().find(|e| e.key == entry.key) {
        Some(e) => {
            let combined = if e.origin == entry.origin {
                e.confidence.max(entry.confidence)
            } else {
                (1.0 - (1.0 - e.confidence) * (1.0 - entry.confidence)).min(0.99)
            };
            // The surer entry wins, but a shorter way of writing the same key that is nearly
            // as sure is kept (`control` before `controlling` for 控制).
            let shorter = |a: &Entry, b: &Entry| {
                a.text.len() < b.text.len() && a.confidence >= 0.75 * b.confidence
            };
            if (e.confidence < entry.confidence && !shorter(e, &entry)) || shorter(&entry, e) {
                *e = entry;
            }
            e.confidence = combined;
        }
        None => entries.push(entry),
    }
}

fn sort_entries(entries: &mut [Entry]) {
    entries.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then_with(|| a.text.cmp(&b.text))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(zh: &str, en: &str, confidence: f32) -> Pair {
        Pair {
            zh: zh.into(),
            en_key: en.to_lowercase(),
            en: en.into(),
            confidence,
        }
    }

    #[test]
    fn lookups_go_both_ways_best_first() {
        let mut lexicon = Lexicon::default();
        lexicon.add(
            "ecdict",
            Source::Dictionary,
            &[pair("锅炉", "boiler", 0.8), pair("汽锅", "boiler", 0.4)],
        );
        lexicon.add("chinaxiv", Source::Corpus, &[pair("锅炉", "boiler", 0.9)]);
        let en = lexicon.english_of("锅炉");
        assert_eq!(en.len(), 1, "{en:?}");
        // Two origins agree: surer than either (1 − 0.2 × 0.1).
        assert_eq!(en[0].source, Source::Corpus);
        assert!((en[0].confidence - 0.98).abs() < 1e-6, "{en:?}");
        let zh: Vec<&str> = lexicon
            .chinese_of("boiler")
            .iter()
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(zh, ["锅炉", "汽锅"]);
        assert!(lexicon.knows(Lang::Zh, "汽锅") && !lexicon.knows(Lang::Zh, "锅"));
        assert_eq!(lexicon.zh_max_chars(), 2);
    }

    /// A dictionary sense, keyed as the default analyzer keys English.
    fn sense(zh: &str, en: &str, confidence: f32) -> Pair {
        Pair {
            zh: zh.into(),
            en_key: en_key(&chaxin_text::Analyzer::default_settings(), en).unwrap(),
            en: en.into(),
            confidence,
        }
    }

    #[test]
    fn words_joined_by_a_stop_word_take_only_entries_written_so() {
        let analyzer = chaxin_text::Analyzer::default_settings();
        let mut lexicon = Lexicon::default();
        lexicon.add(
            "ecdict",
            Source::Dictionary,
            &[
                sense("可降水量", "precipitable water", 0.6),
                sense("时空变化", "temporal and spatial variation", 0.8),
                sense("滴灌", "drip irrigation", 0.9),
            ],
        );
        let texts = |written: &str| -> Vec<String> {
            let key = en_key(&analyzer, written).unwrap();
            lexicon
                .translations_as_written(Lang::En, &key, written)
                .into_iter()
                .map(|e| e.text)
                .collect()
        };
        // `precipitation and water` has the key of `precipitable water`, not its meaning.
        assert_eq!(
            en_key(&analyzer, "precipitation and water"),
            en_key(&analyzer, "precipitable water")
        );
        assert!(texts("precipitation and water").is_empty());
        assert_eq!(texts("precipitable water"), ["可降水量"]);
        assert_eq!(texts("Temporal and spatial variations"), ["时空变化"]);
        // A spaced hyphen is no word.
        assert_eq!(texts("drip - irrigation"), ["滴灌"]);
    }

    #[test]
    fn a_word_s_own_senses_come_before_its_stem_mates() {
        let analyzer = chaxin_text::Analyzer::default_settings();
        let mut lexicon = Lexicon::default();
        lexicon.add(
            "ecdict",
            Source::Dictionary,
            &[
                sense("皈依", "convert", 0.9),
                sense("换流器", "converter", 0.7),
            ],
        );
        let key = en_key(&analyzer, "converters").unwrap();
        let texts =
            |entries: Vec<Entry>| -> Vec<String> { entries.into_iter().map(|e| e.text).collect() };
        assert_eq!(
            texts(lexicon.translations(Lang::En, &key).to_vec()),
            ["皈依", "换流器"]
        );
        let written = lexicon.translations_as_written(Lang::En, &key, "Converters");
        assert_eq!(texts(written.clone()), ["换流器", "皈依"]);
        assert!((written[1].confidence - 0.9 * OTHER_WORD_SHARE).abs() < 1e-6);
        // A word no entry was written as leaves the order alone.
        let other = lexicon.translations_as_written(Lang::En, &key, "converting");
        assert_eq!(texts(other), ["皈依", "换流器"]);
        for (a, b) in [
            ("studies", "study"),
            ("processes", "process"),
            ("showing", "show"),
            ("comparing", "compare"),
            ("compared", "compare"),
            ("stopping", "stop"),
            ("neural networks", "neural network"),
        ] {
            assert!(same_english_word(a, b), "{a} / {b}");
        }
        for (a, b) in [
            ("fabric", "fabrication"),
            ("convert", "converter"),
            ("gas", "ga"),
        ] {
            assert!(!same_english_word(a, b), "{a} / {b}");
        }
    }

    fn with_readings(readings: &[(char, &str)]) -> Lexicon {
        let mut lexicon = Lexicon::default();
        lexicon.add_readings(readings.iter().map(|&(c, r)| (c, r.to_string())).collect());
        lexicon
    }

    #[test]
    fn a_name_spelt_in_pinyin_is_read_where_its_characters_stand() {
        let lexicon = with_readings(&[
            ('北', "bei"),
            ('斗', "dou"),
            ('卫', "wei"),
            ('星', "xing"),
            ('吕', "lv"),
            ('梁', "liang"),
            ('张', "zhang"),
            ('掖', "ye"),
            ('市', "shi"),
        ]);
        assert_eq!(lexicon.name_spelling("Beidou").as_deref(), Some("beidou"));
        // `ü` is written `u` (or `v`) in English.
        assert_eq!(lexicon.name_spelling("Luliang").as_deref(), Some("luliang"));
        assert_eq!(lexicon.name_spelling("Lvliang").as_deref(), Some("luliang"));
        // Not a name: capitals (an acronym), lower case, too short, no syllables.
        for word in ["BEIDOU", "beidou", "Bei", "Pinus", "Zhang-ye", "Zhang"] {
            assert_eq!(lexicon.name_spelling(word), None, "{word}");
        }
        assert_eq!(lexicon.spelt_prefix("北斗卫星导航", "beidou"), Some(6));
        assert_eq!(lexicon.spelt_prefix("吕梁山区", "luliang"), Some(6));
        assert_eq!(lexicon.spelt_prefix("张掖市", "zhangye"), Some(6));
        // The spelling must end where a character ends, from the first character on.
        assert_eq!(lexicon.spelt_prefix("张掖市", "zhangyeshi"), Some(9));
        assert_eq!(lexicon.spelt_prefix("张掖", "zhangyes"), None);
        assert_eq!(lexicon.spelt_prefix("卫星北斗", "beidou"), None);
        // One character is no name, even when its reading is the whole spelling.
        let mut one = with_readings(&[('庄', "zhuang")]);
        one.syllables.insert("zhu".into());
        one.syllables.insert("ang".into());
        assert_eq!(one.spelt_prefix("庄", "zhuang"), None);
    }
}
