//! Lexicon keys: text normalised the way the analyzer normalises it, so that a lookup with the
//! words of a point finds what the dictionaries wrote in another case, script or word form.

use chaxin_text::{is_han, normalize, Analyzer, Token};

/// Longest Chinese key kept, in characters (longer dictionary senses are explanations).
pub const MAX_ZH_CHARS: usize = 12;
/// Longest English key kept, in terms.
pub const MAX_EN_TERMS: usize = 5;

/// The Chinese key of `text`: NFKC, lowercase, simplified; `None` unless it is 1 to
/// [`MAX_ZH_CHARS`] Han characters and nothing else, and not a lone function character; a
/// trailing `的` is dropped, one inside refuses the key. A lone character is the word for
/// many basic terms (`钙` calcium, `鸭` duck, `光` light); concept extraction never makes one a
/// concept on its own (too ambiguous), but it translates into one and composes.
pub fn zh_key(text: &str) -> Option<String> {
    let norm = normalize(text.trim()).text;
    // An adjective's gloss names the term it is made of: `开放的` (open) → `开放`.
    let norm = norm.strip_suffix('的').map(str::to_string).unwrap_or(norm);
    let chars = norm.chars().count();
    let lone_function_char = chars == 1 && norm.chars().all(|c| FUNCTION_CHARS.contains(c));
    ((1..=MAX_ZH_CHARS).contains(&chars)
        && norm.chars().all(is_han)
        && !norm.contains('的')
        && !lone_function_char)
        .then_some(norm)
}

/// The English key of `text`: its maximal main-stream terms (stemmed, stop words removed)
/// joined by single spaces; `None` when it has Han characters, no term, or more than
/// [`MAX_EN_TERMS`] terms.
pub fn en_key(analyzer: &Analyzer, text: &str) -> Option<String> {
    if text.chars().any(is_han) {
        return None;
    }
    let tokens = analyzer.analyze(text);
    let terms = maximal_terms(&tokens);
    (!terms.is_empty() && terms.len() <= MAX_EN_TERMS).then(|| terms.join(" "))
}

/// Terms of `tokens` not inside a longer token (`ndfeb`, not its parts `nd`, `fe`, `b`).
pub fn maximal_terms(tokens: &[Token]) -> Vec<&str> {
    maximal_tokens(tokens)
        .into_iter()
        .map(|t| t.text.as_str())
        .collect()
}

/// The tokens of [`maximal_terms`].
pub fn maximal_tokens(tokens: &[Token]) -> Vec<&Token> {
    tokens
        .iter()
        .filter(|t| !tokens.iter().any(|o| is_inside(t, o)))
        .collect()
}

/// True when token `a` lies inside the longer token `b` (`激光` in `激光器`, `flue` in the
/// glued `fluegas`).
pub fn is_inside(a: &Token, b: &Token) -> bool {
    b.offset_from <= a.offset_from
        && a.offset_to <= b.offset_to
        && (b.offset_to - b.offset_from) > (a.offset_to - a.offset_from)
}

/// Chinese words that say how, not what: never a concept, even when jieba or a dictionary
/// knows them (the stop words of the analyzer are gone already).
pub const FUNCTION_WORDS: &[&str] = &[
    "根据",
    "进行",
    "结果",
    "采用",
    "一种",
    "使用",
    "利用",
    "通过",
    "实现",
    "得到",
    "提出",
    "提高",
    "包括",
    "所述",
    "其中",
    "以及",
    "从而",
    "进而",
    "同时",
    "用于",
    "基于",
    "能够",
    "可以",
    "使得",
    "作为",
    "具有",
    "对应",
    "相应",
    "以便",
    "由于",
    "因此",
    "并且",
    "或者",
    "其他",
    "其它",
    "所有",
    "部分",
    "之后",
    "之前",
    "然后",
    "中的",
    "上的",
    "下的",
    "以上",
    "以下",
    "方面",
    "情况",
    "过程",
    "替代",
    "代替",
    "取代",
    "完成",
    "开展",
    "针对",
    "有关",
    "相关",
    "主要",
    "一定",
    "不同",
    "多种",
    "各种",
    "一些",
    "若干",
    "大量",
    "本发明",
    "本文",
    "本研究",
];

/// Han characters that start or end a jieba word glued to its neighbour (`以软`, `中的`): a
/// word not in the lexicon with one at its edge is not a concept.
pub const FUNCTION_CHARS: &str =
    "的了在和与及或对于为以其之而被将把从由并且这该此那就都个着得地所则即但又中用使按向至到经";

/// True for a Chinese function word (see [`FUNCTION_WORDS`]).
pub fn is_function_word(word: &str) -> bool {
    FUNCTION_WORDS.contains(&word)
}

/// Makes keys with one analyzer (English keys need its stemmer and stop words).
#[derive(Clone)]
pub struct KeyMaker {
    /// The analyzer English keys are stemmed with.
    pub analyzer: Analyzer,
}

impl KeyMaker {
    /// A key maker with `analyzer`.
    pub fn new(analyzer: Analyzer) -> Self {
        Self { analyzer }
    }

    /// The key of Chinese `text` ([`zh_key`]).
    pub fn zh(&self, text: &str) -> Option<String> {
        zh_key(text)
    }

    /// The key of English `text` ([`en_key`]).
    pub fn en(&self, text: &str) -> Option<String> {
        en_key(&self.analyzer, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_keys_ignore_case_form_and_stop_words() {
        let analyzer = Analyzer::default_settings();
        assert_eq!(
            en_key(&analyzer, "Neural Networks").as_deref(),
            Some("neural network")
        );
        assert_eq!(
            en_key(&analyzer, "neural network"),
            en_key(&analyzer, "NEURAL NETWORK")
        );
        assert_eq!(
            en_key(&analyzer, "state of the art").as_deref(),
            Some("state art")
        );
        assert_eq!(en_key(&analyzer, "神经网络"), None);
        assert_eq!(en_key(&analyzer, "of the"), None);
    }

    #[test]
    fn chinese_keys_are_simplified_han_only() {
        assert_eq!(zh_key("軟測量").as_deref(), Some("软测量"));
        assert_eq!(zh_key(" 氮氧化物 ").as_deref(), Some("氮氧化物"));
        assert_eq!(zh_key("锅").as_deref(), Some("锅"));
        assert_eq!(zh_key("中"), None, "a lone function character");
        assert_eq!(zh_key("NOx浓度"), None);
    }
}
