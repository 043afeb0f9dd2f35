//! Stop words: function words that carry no topic. Removed from the main token stream (their
//! position is kept, so proximity stays honest) but kept in the exact stream, so a quoted phrase
//! such as `"state of the art"` still matches verbatim.

/// English stop words (the NLTK list without negations, which can matter in claims).
const ENGLISH: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Chinese function words as jieba emits them.
const CHINESE: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "是", "在", "对", "于", "等", "为", "以", "其", "之", "也",
    "而", "被", "将", "把", "从", "由", "并", "且", "这", "该", "此", "那", "就", "都", "个", "着",
    "得", "地", "所", "则", "即", "但", "又", "及其", "以及", "并且", "或者", "而且", "这些",
    "那些", "这种", "一种", "一个", "我们", "本文", "其中", "之间", "通过", "对于", "关于", "以上",
    "以下",
];

/// True when `term` (already normalised and, for English, not yet stemmed) is a stop word.
pub(crate) fn is_stop_word(term: &str) -> bool {
    // Both lists are short; a linear scan over &str is faster than hashing for such sizes
    // only when the lists are tiny, so keep a sorted copy and binary-search it.
    static SORTED: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let sorted = SORTED.get_or_init(|| {
        let mut all: Vec<&str> = ENGLISH.iter().chain(CHINESE.iter()).copied().collect();
        all.sort_unstable();
        all.dedup();
        all
    });
    sorted.binary_search(&term).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_found() {
        assert!(is_stop_word("the"));
        assert!(is_stop_word("的"));
        assert!(is_stop_word("一种"));
        assert!(!is_stop_word("not"));
        assert!(!is_stop_word("稀土"));
        assert!(!is_stop_word("graphene"));
    }
}
