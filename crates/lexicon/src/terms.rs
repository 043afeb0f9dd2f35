//! A domain terminology mined from indexed records, in each language on its own: the terms
//! whose words belong together, so that a point's `随机森林` or `operating parameters` is one
//! concept even where no dictionary lists it.
//!
//! Two signals:
//! * **keywords**: what authors list as keywords is a term of their field; a keyword is kept
//!   when at least [`MIN_KEYWORD_RECORDS`] records list it;
//! * **cohesive sequences**: two adjacent words of titles and abstracts (jieba's words, or
//!   the analyzer's English terms with no stop word between) that occur together far more
//!   often than apart: in at least [`MIN_SEQUENCE_RECORDS`] records, with a Dice coefficient
//!   `2·n(ab) / (n(a) + n(b))` of at least [`MIN_DICE`] (counts are records, not
//!   occurrences, so one long abstract does not make a term).
//!
//! Generic words (`研究`, `method`) never start or end a term, and function words never
//! occur in one. The result depends only on the texts given (sorted output), so mining twice
//! gives the same file.

use std::collections::{BTreeMap, HashMap, HashSet};

use chaxin_text::{is_han, Analyzer};

use crate::keys::{en_key, is_function_word, maximal_tokens, zh_key};
use crate::Lang;

/// Records that must list a keyword for it to be a term.
pub const MIN_KEYWORD_RECORDS: u32 = 2;
/// Records in which a sequence must occur for it to be a term.
pub const MIN_SEQUENCE_RECORDS: u32 = 4;
/// Smallest Dice coefficient of a sequence's two words.
pub const MIN_DICE: f32 = 0.25;

/// Words that are never the first or last word of a mined term: they qualify anything.
const GENERIC_EDGES: &[&str] = &[
    "研究", "分析", "方法", "基于", "影响", "应用", "问题", "进行", "结果", "不同", "一种", "提出",
    "采用", "利用", "通过", "具有", "主要", "相关", "及其", "以及", "其中", "同时", "本文", "我们",
    "显著", "新型", "method", "use", "base", "studi", "result", "effect", "paper", "propos",
    "present", "show", "new", "differ", "various", "also", "includ", "provid", "wherein",
    "compris", "first", "second", "one", "two", "may", "can", "thi", "system", "devic", "apparatu",
];

/// One record's texts as the miner reads them.
#[derive(Debug, Clone, Default)]
pub struct TermSource {
    /// Keywords as listed (either language).
    pub keywords: Vec<String>,
    /// Titles and abstracts (either language).
    pub texts: Vec<String>,
}

/// A mined term.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The term's language.
    pub lang: Lang,
    /// Its key (see [`zh_key`], [`en_key`]).
    pub key: String,
    /// How it is most often written.
    pub shown: String,
    /// Records that list it as a keyword or contain it.
    pub records: u32,
}

/// Mines the terminology of `sources` (see the module documentation), sorted by language
/// and key.
pub fn mine_terms(analyzer: &Analyzer, sources: &[TermSource]) -> Vec<Term> {
    let generic: HashSet<String> = GENERIC_EDGES.iter().map(|w| w.to_string()).collect();
    let mut keywords: HashMap<(Lang, String), (u32, BTreeMap<String, u32>)> = HashMap::new();
    let mut words: HashMap<String, u32> = HashMap::new();
    let mut pairs: HashMap<(String, String), (u32, BTreeMap<String, u32>)> = HashMap::new();
    for source in sources {
        let mut seen_keys = HashSet::new();
        for keyword in &source.keywords {
            let keyword = keyword.trim();
            let key = match zh_key(keyword) {
                // A one-character keyword is a plain word jieba keeps whole anyway.
                Some(k) if k.chars().count() == 1 => continue,
                Some(k) => (Lang::Zh, k),
                None => match en_key(analyzer, keyword) {
                    Some(k) if k.contains(' ') => (Lang::En, k),
                    _ => continue,
                },
            };
            if is_function_word(&key.1) || !seen_keys.insert(key.clone()) {
                continue;
            }
            let entry = keywords.entry(key).or_default();
            entry.0 += 1;
            *entry.1.entry(keyword.to_string()).or_default() += 1;
        }
        let mut seen_words = HashSet::new();
        let mut seen_pairs = HashSet::new();
        for text in &source.texts {
            let tokens = analyzer.analyze(text);
            let maximal = maximal_tokens(&tokens);
            for t in &maximal {
                seen_words.insert(t.text.clone());
            }
            for w in maximal.windows(2) {
                let (a, b) = (w[0], w[1]);
                let han = |t: &chaxin_text::Token| t.text.chars().all(is_han);
                // Adjacent in the text: nothing but the gap of one position between them (a
                // stop word or punctuation breaks a sequence).
                let adjacent = if han(a) && han(b) {
                    a.offset_to == b.offset_from
                } else if !han(a) && !han(b) {
                    b.position == a.position + 1
                        && text
                            .get(a.offset_to..b.offset_from)
                            .is_some_and(|gap| gap.chars().all(|c| c == ' ' || c == '-'))
                } else {
                    false
                };
                let usable = |t: &chaxin_text::Token| {
                    let chars = t.text.chars().count();
                    !generic.contains(&t.text)
                        && !is_function_word(&t.text)
                        && if han(t) {
                            chars >= 2
                        } else {
                            chars >= 3 && t.text.chars().all(|c| c.is_ascii_lowercase())
                        }
                };
                if !adjacent || !usable(a) || !usable(b) {
                    continue;
                }
                let key = (a.text.clone(), b.text.clone());
                let written = text.get(a.offset_from..b.offset_to).unwrap_or_default();
                if seen_pairs.insert(key.clone()) {
                    let entry = pairs.entry(key).or_default();
                    entry.0 += 1;
                    *entry.1.entry(written.to_lowercase()).or_default() += 1;
                }
            }
        }
        for w in seen_words {
            *words.entry(w).or_default() += 1;
        }
    }
    let most_written = |written: &BTreeMap<String, u32>| {
        written
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(w, _)| w.clone())
            .unwrap_or_default()
    };
    let mut terms: BTreeMap<(Lang, String), Term> = BTreeMap::new();
    for ((lang, key), (records, written)) in keywords {
        if records >= MIN_KEYWORD_RECORDS {
            terms.insert(
                (lang, key.clone()),
                Term {
                    lang,
                    key,
                    shown: most_written(&written),
                    records,
                },
            );
        }
    }
    for ((a, b), (records, written)) in pairs {
        if records < MIN_SEQUENCE_RECORDS {
            continue;
        }
        let na = words.get(&a).copied().unwrap_or(records);
        let nb = words.get(&b).copied().unwrap_or(records);
        let dice = 2.0 * records as f32 / (na + nb) as f32;
        if dice < MIN_DICE {
            continue;
        }
        let shown = most_written(&written);
        let (lang, key) = if a.chars().all(is_han) {
            match zh_key(&format!("{a}{b}")) {
                Some(k) => (Lang::Zh, k),
                None => continue,
            }
        } else {
            (Lang::En, format!("{a} {b}"))
        };
        terms.entry((lang, key.clone())).or_insert(Term {
            lang,
            key,
            shown,
            records,
        });
    }
    terms.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(keywords: &[&str], text: &str) -> TermSource {
        TermSource {
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            texts: vec![text.to_string()],
        }
    }

    #[test]
    fn keywords_and_cohesive_sequences_become_terms() {
        let analyzer = Analyzer::default_settings();
        let mut sources = Vec::new();
        for i in 0..5 {
            sources.push(source(
                &["软测量", "随机森林", "Random Forest"],
                &format!(
                    "采用随机森林回归估计锅炉运行参数，第{i}组样本。The random forest model \
                     uses operating parameters of the boiler."
                ),
            ));
        }
        sources.push(source(&["只出现一次"], "锅炉效率"));
        let terms = mine_terms(&analyzer, &sources);
        let keys: Vec<(&str, &str)> = terms
            .iter()
            .map(|t| (t.lang.as_str(), t.key.as_str()))
            .collect();
        for expected in [
            ("zh", "软测量"),
            ("zh", "随机森林"),
            ("en", "random forest"),
            ("zh", "运行参数"),
            ("en", "oper paramet"),
        ] {
            assert!(
                keys.contains(&expected),
                "{expected:?} missing from {keys:?}"
            );
        }
        // Listed once only; generic and function words never start a term.
        assert!(!keys.iter().any(|(_, k)| *k == "只出现一次"), "{keys:?}");
        assert!(
            !keys
                .iter()
                .any(|(_, k)| k.starts_with("采用") || k.starts_with("the ")),
            "{keys:?}"
        );
        let shown = terms.iter().find(|t| t.key == "oper paramet").unwrap();
        assert_eq!(shown.shown, "operating parameters");
        assert_eq!(mine_terms(&analyzer, &sources), terms, "not deterministic");
    }
}
