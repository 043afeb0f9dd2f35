//! Normalisation with an offset map back to the original text.
//!
//! Steps, in order: Unicode NFKC (full-width → half-width, `²` → `2`, `㎏` → `kg`), lowercase,
//! traditional → simplified Chinese (OpenCC `t2s`). Every character of the normalised text
//! remembers the byte range of the original text it came from, so analysis can report offsets
//! into the text the caller holds.

use std::ops::Range;
use std::sync::OnceLock;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::script::is_han;

/// Normalised text plus, for every normalised character, where it came from.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// One entry per character of `text`: its byte offset in `text` and the byte range of the
    /// original text it was derived from. Invariant: entries are in text order and
    /// `spans.len() == text.chars().count()`.
    spans: Vec<CharSpan>,
}

#[derive(Debug, Clone, Copy)]
struct CharSpan {
    norm: usize,
    orig_start: usize,
    orig_end: usize,
}

impl Normalized {
    /// Number of characters in the normalised text.
    pub fn char_len(&self) -> usize {
        self.spans.len()
    }

    /// Byte offset in the normalised text of character `char_idx` (or the text length).
    pub fn byte_of_char(&self, char_idx: usize) -> usize {
        self.spans
            .get(char_idx)
            .map_or(self.text.len(), |span| span.norm)
    }

    /// Original byte range covered by normalised characters `start..end` (char indices).
    /// An empty or out-of-range request gives an empty range at the nearest valid offset.
    pub fn original_range(&self, start: usize, end: usize) -> Range<usize> {
        let end = end.min(self.spans.len());
        if start >= end {
            let at = self.spans.get(start).map_or_else(
                || self.spans.last().map_or(0, |s| s.orig_end),
                |s| s.orig_start,
            );
            return at..at;
        }
        let from = self.spans[start].orig_start;
        let to = self.spans[end - 1].orig_end.max(from);
        from..to
    }
}

#[allow(
    clippy::expect_used,
    reason = "the configuration is compiled in; every normalisation test loads it"
)]
fn t2s() -> &'static OpenCC {
    static T2S: OnceLock<OpenCC> = OnceLock::new();
    T2S.get_or_init(|| {
        // The configuration and its dictionaries are compiled into the binary; failing to
        // load them is a build defect, not an input error.
        OpenCC::from_config(BuiltinConfig::T2s).expect("built-in OpenCC t2s configuration")
    })
}

/// Normalises `text` (NFKC, lowercase, traditional → simplified) keeping an offset map.
pub fn normalize(text: &str) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(text.len()),
        spans: Vec::with_capacity(text.len()),
    };
    let mut has_han = false;
    let mut chars = text.char_indices().peekable();
    let mut cluster = String::new();
    while let Some((start, c)) = chars.next() {
        let followed_by_mark = chars.peek().is_some_and(|&(_, n)| may_combine(n));
        if c.is_ascii() && !followed_by_mark {
            push(&mut out, c.to_ascii_lowercase(), start, start + 1);
            continue;
        }
        // Common CJK ideographs are their own NFKC form and have no case: skip the tables.
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) && !followed_by_mark {
            has_han = true;
            push(&mut out, c, start, start + c.len_utf8());
            continue;
        }
        // A base character and the combining marks after it are normalised together so that
        // decomposed accents compose (`e` + U+0301 → `é`).
        cluster.clear();
        cluster.push(c);
        let mut end = start + c.len_utf8();
        while let Some(&(next_start, next)) = chars.peek() {
            if !may_combine(next) {
                break;
            }
            cluster.push(next);
            end = next_start + next.len_utf8();
            chars.next();
        }
        for n in cluster.nfkc() {
            for l in n.to_lowercase() {
                has_han |= is_han(l);
                push(&mut out, l, start, end);
            }
        }
    }
    if has_han {
        to_simplified(&mut out);
    }
    out
}

/// `is_combining_mark`, skipping the table lookup for ASCII and common CJK ideographs (the bulk
/// of our text), which are never marks.
fn may_combine(c: char) -> bool {
    !(c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c)) && is_combining_mark(c)
}

fn push(out: &mut Normalized, c: char, orig_start: usize, orig_end: usize) {
    out.spans.push(CharSpan {
        norm: out.text.len(),
        orig_start,
        orig_end,
    });
    out.text.push(c);
}

/// First and last code point of the table in [`may_convert`] (CJK Extension A to the end of the
/// Unified Ideographs block).
const TABLE_FIRST: u32 = 0x3400;
const TABLE_LAST: u32 = 0x9FFF;

/// Whether t2s may change `c`: a bit per ideograph in the table's range, set when converting
/// the character alone changes it (built once, ~27k conversions); ideographs outside the
/// range are assumed convertible, everything else is not. OpenCC's phrase table only rewrites
/// phrases that contain a traditional character, so text without one is left as it is (a test
/// checks this on every text of the fixture corpus).
fn may_convert(c: char) -> bool {
    static TABLE: OnceLock<Vec<u64>> = OnceLock::new();
    let code = c as u32;
    if !is_han(c) {
        return false; // t2s maps ideographs only (not punctuation such as `。`)
    }
    if !(TABLE_FIRST..=TABLE_LAST).contains(&code) {
        return true;
    }
    let table = TABLE.get_or_init(|| {
        let mut bits = vec![0u64; ((TABLE_LAST - TABLE_FIRST) / 64 + 1) as usize];
        let mut buf = [0u8; 4];
        for code in TABLE_FIRST..=TABLE_LAST {
            if let Some(c) = char::from_u32(code) {
                let alone: &str = c.encode_utf8(&mut buf);
                if t2s().convert(alone) != alone {
                    let i = (code - TABLE_FIRST) as usize;
                    bits[i / 64] |= 1 << (i % 64);
                }
            }
        }
        bits
    });
    let i = (code - TABLE_FIRST) as usize;
    table[i / 64] & (1 << (i % 64)) != 0
}

/// Converts traditional characters to simplified ones in place. OpenCC works on phrases; when a
/// phrase conversion changes the number of characters (rare), fall back to converting each Han
/// character alone so the offset map stays exact.
fn to_simplified(norm: &mut Normalized) {
    // Most Chinese text is simplified already; skip OpenCC's phrase matching unless some
    // character is one that t2s converts.
    if !norm.text.chars().any(may_convert) {
        return;
    }
    let converted = t2s().convert(&norm.text);
    if converted == norm.text {
        return;
    }
    let same_length = converted.chars().count() == norm.spans.len();
    let old = std::mem::take(norm);
    if same_length {
        for (c, span) in converted.chars().zip(old.spans.iter()) {
            push(norm, c, span.orig_start, span.orig_end);
        }
        return;
    }
    let mut buf = [0u8; 4];
    for (c, span) in old.text.chars().zip(old.spans.iter()) {
        if is_han(c) {
            for s in t2s().convert(c.encode_utf8(&mut buf)).chars() {
                push(norm, s, span.orig_start, span.orig_end);
            }
        } else {
            push(norm, c, span.orig_start, span.orig_end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_becomes_half_width_and_lowercase() {
        let n = normalize("ＬｉＦｅＰＯ４电池");
        assert_eq!(n.text, "lifepo4电池");
        // every normalised char maps back to a 3-byte full-width original
        assert_eq!(n.original_range(0, 7), 0..21);
    }

    #[test]
    fn traditional_becomes_simplified() {
        assert_eq!(
            normalize("稀土永磁材料的製備與應用").text,
            "稀土永磁材料的制备与应用"
        );
        assert_eq!(normalize("電池").text, "电池");
    }

    #[test]
    fn simplified_text_is_left_alone_and_traditional_detected() {
        assert!(!"稀土永磁材料的制备与应用".chars().any(may_convert));
        assert!(may_convert('製') && may_convert('電') && may_convert('與'));
        assert!(!may_convert('a') && !may_convert('电') && !may_convert('。'));
        assert!(
            !"采用修正的Rodrigues参数(MRP),建立了数学模型；仿真结果表明。"
                .chars()
                .any(may_convert)
        );
    }

    #[test]
    fn skipping_opencc_never_changes_the_result() {
        let corpus = include_str!("../../../tests/fixtures/corpus.ndjson");
        let mut skipped = 0;
        for line in corpus.lines() {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            for key in ["title", "abstract"] {
                let Some(text) = record[key].as_str() else {
                    continue;
                };
                if !text.chars().any(may_convert) {
                    skipped += 1;
                    assert_eq!(t2s().convert(text), text);
                }
            }
        }
        assert!(skipped > 40, "{skipped}");
    }

    #[test]
    fn compatibility_forms_are_folded() {
        assert_eq!(normalize("CO₂").text, "co2");
        assert_eq!(normalize("10㎏").text, "10kg");
        assert_eq!(normalize("Cafe\u{301}").text, "café");
    }

    #[test]
    fn offsets_point_into_the_original() {
        let original = "硅基  ＳｉＣ";
        let n = normalize(original);
        let start = n.text.chars().position(|c| c == 's').unwrap();
        let range = n.original_range(start, start + 3);
        assert_eq!(&original[range], "ＳｉＣ");
    }
}
