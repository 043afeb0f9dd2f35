//! Technical features of an innovation point: the words that carry its meaning, weighted.

use std::collections::{BTreeMap, HashSet};

use chaxin_text::{Analyzer, Token};

use crate::compile::is_maximal;
use crate::proximity::term_width;
use serde::Serialize;

/// Words that say what kind of contribution a point is, not what it is about. They are never
/// reported as found or missing, and a point's `X` needs only its other features; they rank
/// like any other word (idf already makes them light; damping them further was worse on
/// every dev set, e.g. patents 0.705 → 0.699 nDCG@10 at a factor of 0.2).
const GENERIC_WORDS: &[&str] = &[
    "一种",
    "方法",
    "基于",
    "研究",
    "系统",
    "装置",
    "设备",
    "及其",
    "用于",
    "应用",
    "技术",
    "实现",
    "探索",
    "探讨",
    "浅谈",
    "问题",
    "新型",
    "利用",
    "采用",
    "提供",
    "包括",
    "具有",
    "进行",
    "通过",
    "本发明",
    "发明",
    "所述",
    "其中",
    "设计",
    "分析",
    "有效性",
    "相关",
    "初探",
    "若干",
    "基础",
    "system",
    "systems",
    "method",
    "methods",
    "apparatus",
    "device",
    "devices",
    "using",
    "use",
    "based",
    "means",
    "thereof",
    "therefor",
    "improved",
    "novel",
    "new",
    "study",
    "analysis",
    "approach",
    "technique",
    "comprising",
    "having",
    "including",
    "wherein",
    "said",
    "invention",
    "present",
    "provide",
    "provided",
    "related",
    "via",
    "thereby",
    "arrangement",
    "assembly",
];

/// One feature of a point.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Feature {
    /// The words as written in the point.
    pub text: String,
    /// The main-stream terms that must occur, consecutively (one term, except for a
    /// synonym key that the analyzer splits, such as `石墨烯` → `石墨`, `烯`).
    #[serde(skip)]
    pub terms: Vec<String>,
    /// Other ways of saying it (from the request's synonyms), as main-stream terms; a
    /// multi-term alternative must occur as consecutive terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<String>,
    #[serde(skip)]
    pub synonym_terms: Vec<Vec<String>>,
    /// Inverse document frequency in the index.
    pub weight: f32,
    /// A word such as `方法` or `system`: ranked, not reported.
    pub generic: bool,
    /// Positions it spans in the point.
    #[serde(skip)]
    pub span: usize,
    /// For a Chinese word of two or more characters: its character bigrams with their
    /// offsets, so it is found whatever the segmentation of the text around it.
    #[serde(skip)]
    pub bigrams: Vec<(usize, String)>,
}

/// Extracts the features of `point`: its maximal terms (not part of a longer term), in
/// order, each once. `idf` gives a term's inverse document frequency.
pub fn extract(
    analyzer: &Analyzer,
    point: &str,
    synonyms: &BTreeMap<String, Vec<String>>,
    generic: &HashSet<String>,
    idf: &dyn Fn(&str) -> f32,
) -> Vec<Feature> {
    let tokens = analyzer.analyze(point);
    // Synonym keys written in the point are features of their own, whatever the
    // segmentation (ASCII case-insensitive; byte offsets are those of the point).
    let lower = point.to_ascii_lowercase();
    let mut keys: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
    for key in synonyms.keys() {
        let needle = key.trim().to_ascii_lowercase();
        if needle.is_empty() {
            continue;
        }
        for (at, _) in lower.match_indices(&needle) {
            keys.push((at..at + needle.len(), key.as_str()));
        }
    }
    let mut seen = HashSet::new();
    let mut features = Vec::new();
    for token in &tokens {
        let key = keys
            .iter()
            .find(|(r, _)| r.start <= token.offset_from && token.offset_to <= r.end);
        if let Some((range, key)) = key {
            if !seen.insert(format!("\u{1}{key}")) {
                continue;
            }
            let terms = main_terms(analyzer, key);
            if terms.is_empty() {
                continue;
            }
            let text = point[range.clone()].to_string();
            let alternatives = &synonyms[*key];
            let weight = terms.iter().map(|t| idf(t)).fold(0.0, f32::max);
            let span = if text.chars().all(chaxin_text::is_han) {
                term_width(&text)
            } else {
                terms.len()
            };
            features.push(Feature {
                bigrams: han_bigrams(analyzer, &text),
                text,
                terms,
                synonyms: alternatives.clone(),
                synonym_terms: alternatives
                    .iter()
                    .map(|s| main_terms(analyzer, s))
                    .filter(|t| !t.is_empty())
                    .collect(),
                weight,
                generic: false,
                span,
            });
            continue;
        }
        if !is_maximal(token, &tokens) || !seen.insert(token.text.clone()) {
            continue;
        }
        features.push(Feature {
            text: point[token.offset_from..token.offset_to].to_string(),
            terms: vec![token.text.clone()],
            synonyms: Vec::new(),
            synonym_terms: Vec::new(),
            weight: idf(&token.text),
            generic: generic.contains(&token.text),
            span: span_of(token),
            bigrams: han_bigrams(analyzer, &token.text),
        });
    }
    features
}

/// Character bigrams of a Han word of two or more characters (none otherwise).
fn han_bigrams(analyzer: &Analyzer, term: &str) -> Vec<(usize, String)> {
    if term.chars().count() < 2 || !term.chars().all(chaxin_text::is_han) {
        return Vec::new();
    }
    let phrase = analyzer.phrase_terms(term);
    if phrase.last_is_prefix {
        return Vec::new();
    }
    phrase.terms
}

/// The exact-stream terms of `point` that carry meaning, each once, in order: its Han
/// character bigrams, across word boundaries (`银杏树体改造` gives `树体` whatever jieba makes of
/// it), and its whole unstemmed words that are not stop words. They let the ranking credit a
/// document that says the point with another segmentation or word form; a lone Han character
/// (the end of a run) and stop words would match nearly every document and are left out.
pub fn exact_terms(analyzer: &Analyzer, point: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    analyzer
        .analyze_exact(point)
        .into_iter()
        .map(|t| t.text)
        .filter(|term| {
            if term.chars().all(chaxin_text::is_han) {
                term.chars().count() >= 2
            } else {
                !analyzer.analyze(term).is_empty()
            }
        })
        .filter(|term| seen.insert(term.clone()))
        .collect()
}

/// The main-stream terms of [`GENERIC_WORDS`] (as `analyzer` stems them).
pub fn generic_terms(analyzer: &Analyzer) -> HashSet<String> {
    GENERIC_WORDS
        .iter()
        .flat_map(|w| analyzer.analyze(w))
        .map(|t| t.text)
        .collect()
}

/// Maximal main-stream terms of `text`, in order (a synonym's words).
pub fn main_terms(analyzer: &Analyzer, text: &str) -> Vec<String> {
    let tokens = analyzer.analyze(text);
    tokens
        .iter()
        .filter(|t| is_maximal(t, &tokens))
        .map(|t| t.text.clone())
        .collect()
}

/// Positions a token covers: one per Han character, one for anything else.
pub(crate) fn span_of(token: &Token) -> usize {
    term_width(&token.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(point: &str) -> Vec<Feature> {
        let analyzer = Analyzer::default_settings();
        extract(
            &analyzer,
            point,
            &BTreeMap::new(),
            &generic_terms(&analyzer),
            &|_| 1.0,
        )
    }

    #[test]
    fn chinese_point_keeps_content_words_in_order() {
        let point = "一种基于平方和优化的飞行器大角度机动镇定控制器设计方法";
        let f = features(point);
        let content: Vec<&str> = f
            .iter()
            .filter(|f| !f.generic)
            .map(|f| f.text.as_str())
            .collect();
        assert!(content.contains(&"飞行器"), "{content:?}");
        assert!(content.contains(&"控制器"), "{content:?}");
        assert!(!content.contains(&"方法") && !content.contains(&"一种"));
        let generic: Vec<&str> = f
            .iter()
            .filter(|f| f.generic)
            .map(|f| f.text.as_str())
            .collect();
        assert!(generic.contains(&"方法"), "{generic:?}");
        // In the order of the point: each feature stands after the previous one.
        let mut at = 0;
        for feature in &f {
            let found = point[at..].find(&feature.text);
            assert!(found.is_some(), "{} out of order in {f:?}", feature.text);
            at += found.unwrap_or(0) + feature.text.len();
        }
    }

    #[test]
    fn english_point_marks_generic_words() {
        let f = features("Method and apparatus for controlling a neural network system");
        let generic: Vec<&str> = f
            .iter()
            .filter(|f| f.generic)
            .map(|f| f.text.as_str())
            .collect();
        assert_eq!(generic, vec!["Method", "apparatus", "system"]);
        assert!(f.iter().any(|f| f.terms == ["neural"] && !f.generic));
    }

    #[test]
    fn exact_terms_cross_word_boundaries_and_skip_stop_words() {
        let analyzer = Analyzer::default_settings();
        // A CSL title whose abstract says 树体改造 where jieba cuts the title 银杏树/体/改造.
        let zh = exact_terms(&analyzer, "银杏树体改造技术探析");
        assert_eq!(
            zh,
            [
                "银杏", "杏树", "树体", "体改", "改造", "造技", "技术", "术探", "探析"
            ]
        );
        // Whole unstemmed words (`networks`, not `network`); `for`, `a` are stop words.
        let en = exact_terms(
            &analyzer,
            "Analog storage for a neural networks chip, networks",
        );
        assert_eq!(en, ["analog", "storage", "neural", "networks", "chip"]);
    }

    #[test]
    fn synonyms_attach_to_their_feature() {
        let analyzer = Analyzer::default_settings();
        let synonyms = BTreeMap::from([("石墨烯".to_string(), vec!["graphene".to_string()])]);
        let f = extract(
            &analyzer,
            "石墨烯电池",
            &synonyms,
            &generic_terms(&analyzer),
            &|_| 1.0,
        );
        // jieba splits 石墨烯 here (石墨 + 烯); the synonym key keeps it one feature.
        let g = f
            .iter()
            .find(|f| f.text == "石墨烯")
            .unwrap_or_else(|| panic!("{f:?}"));
        assert_eq!(g.synonym_terms, vec![vec!["graphen".to_string()]]);
        assert!(
            f.iter().all(|f| f.text != "烯" && f.text != "石墨"),
            "{f:?}"
        );
    }
}
