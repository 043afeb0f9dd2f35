//! Words that OCR glued together (`thisstudyinvestigatedthe`, `temperatureand`): split into
//! the English words they are made of, so that a record whose PDF lost its spaces can still be
//! found by its words.
//!
//! A word is split only when it is not itself a known word (ECDICT's headwords and their
//! inflections, `data/english-words.tsv.zst`), and every piece is a ranked word; among the
//! splits, the most probable (Zipf: a piece costs `ln((rank + 1) · ln N)`) wins. Pieces of
//! three letters or fewer must be among the commonest words (`of`, `the`, `in`), and no piece
//! may be a bare suffix (`able`, `ness`): so `griseb` or `pivotably` stay whole. The analyzer
//! keeps the glued word as well, like the whole of a hyphenated word.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The vocabulary, ECDICT (MIT): `word \t rank` lines, rank 0 for a known word without rank.
const WORDS: &[u8] = include_bytes!("../data/english-words.tsv.zst");
/// Shortest glued word considered, in letters.
const MIN_GLUED: usize = 6;
/// Longest glued word considered (longer runs are data, not prose).
const MAX_GLUED: usize = 64;
/// Longest piece, in letters.
const MAX_PIECE: usize = 20;
/// Rank up to which a piece of three letters or fewer is common enough.
const COMMON_RANK: u32 = 600;
/// Pieces that are suffixes rather than words when they end a split.
const SUFFIXES: &[&str] = &[
    "able", "ably", "ally", "ness", "ment", "ments", "less", "ling", "ings", "ism", "ist", "ists",
];

struct Vocabulary {
    /// Known words with their rank (0: known, never a piece).
    ranks: HashMap<Box<str>, u32>,
    /// `ln(number of ranked words)`, the Zipf normaliser.
    log_ranked: f32,
}

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        // The file ships in the binary and is checked by a test: a failure here is a build
        // defect, and analysis goes on without splitting rather than failing.
        let text = zstd::decode_all(WORDS)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        let mut ranks = HashMap::with_capacity(340_000);
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some((word, rank)) = line.split_once('\t') {
                if let Ok(rank) = rank.parse::<u32>() {
                    ranks.insert(Box::from(word), rank);
                }
            }
        }
        let ranked = ranks.values().filter(|&&r| r > 0).count().max(2);
        Vocabulary {
            ranks,
            log_ranked: (ranked as f32).ln(),
        }
    })
}

/// The byte ranges of the words `word` is glued from, or `None` when it is a known word or
/// no split into known words exists. `word` is lowercase ASCII letters.
pub(crate) fn split_glued(word: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let n = word.len();
    if !(MIN_GLUED..=MAX_GLUED).contains(&n) || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let vocabulary = vocabulary();
    if vocabulary.ranks.contains_key(word) {
        return None;
    }
    let cost = |piece: &str, last: bool| -> Option<f32> {
        let rank = *vocabulary.ranks.get(piece)?;
        let usable = rank > 0
            && (piece.len() > 3 || rank <= COMMON_RANK)
            && (piece.len() > 1 || piece == "a")
            && !(last && SUFFIXES.contains(&piece));
        usable.then(|| ((rank as f32 + 1.0) * vocabulary.log_ranked).ln())
    };
    // best[i]: the cheapest split of word[..i], with where its last piece starts.
    let mut best: Vec<Option<(f32, usize)>> = vec![None; n + 1];
    best[0] = Some((0.0, 0));
    for end in 1..=n {
        for start in end.saturating_sub(MAX_PIECE)..end {
            let Some((before, _)) = best[start] else {
                continue;
            };
            let Some(c) = cost(&word[start..end], end == n) else {
                continue;
            };
            if best[end].is_none_or(|(b, _)| before + c < b) {
                best[end] = Some((before + c, start));
            }
        }
    }
    let mut pieces = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        pieces.push(start..end);
        end = start;
    }
    pieces.reverse();
    debug_assert!(pieces.iter().map(|r| r.len()).sum::<usize>() == n);
    (pieces.len() >= 2).then_some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(glued: &str) -> Option<Vec<&str>> {
        split_glued(glued).map(|r| r.into_iter().map(|r| &glued[r]).collect())
    }

    #[test]
    fn the_shipped_vocabulary_loads() {
        let v = vocabulary();
        assert!(v.ranks.len() > 300_000, "{}", v.ranks.len());
        assert!(v.ranks["the"] > 0 && v.ranks["the"] <= 10);
    }

    #[test]
    fn glued_prose_comes_apart() {
        assert_eq!(
            words("thisstudyinvestigatedthe").as_deref(),
            Some(&["this", "study", "investigated", "the"][..])
        );
        assert_eq!(
            words("temperatureand").as_deref(),
            Some(&["temperature", "and"][..])
        );
        assert_eq!(
            words("playanimportantroleinecological").as_deref(),
            Some(&["play", "an", "important", "role", "in", "ecological"][..])
        );
    }

    #[test]
    fn known_words_and_names_stay_whole() {
        for word in [
            "photoluminescence",
            "investigated",
            "griseb",
            "pivotably",
            "thervi",
            "short",
        ] {
            assert_eq!(words(word), None, "{word}");
        }
    }
}
