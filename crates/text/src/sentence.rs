//! Sentence boundaries, shared by indexing (same-sentence search), evidence passages and
//! snippets, so that "the same sentence" means one thing everywhere.

use std::ops::Range;

/// True for characters that end a sentence on their own: Chinese and ASCII `!`, `?`, `;`, the
/// ideographic full stop, and line breaks. An ASCII `.` ends a sentence unless it stands
/// between two ASCII letters or digits (see [`sentences`]), so `3.5` and `Nd.Fe` stay whole
/// while Chinese text that uses `.` as its full stop (`新进展.利用…`, common in CSL) splits.
pub fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n' | '\r' | '．'
    )
}

/// Byte ranges of the sentences of `text`, in order, each including its end mark and
/// trimmed of leading white space; empty sentences are skipped.
///
/// Invariant: the ranges are disjoint, increasing, and lie on char boundaries.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    let mut previous = None;
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let inside_token = |x: Option<char>| x.is_some_and(|x| x.is_ascii_alphanumeric());
        let ends =
            is_sentence_end(c) || (c == '.' && !(inside_token(previous) && inside_token(next)));
        previous = Some(c);
        if ends {
            let end = i + c.len_utf8();
            push_trimmed(text, start..end, &mut out);
            start = end;
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let slice = &text[range.clone()];
    let trimmed = slice.trim_start();
    let start = range.start + (slice.len() - trimmed.len());
    if !text[start..range.end].trim().is_empty() {
        out.push(start..range.end);
    }
}

/// Index of the sentence (in `ranges`, as returned by [`sentences`]) holding byte `offset`;
/// offsets between sentences belong to the next one.
pub fn sentence_of(ranges: &[Range<usize>], offset: usize) -> usize {
    ranges
        .partition_point(|r| r.end <= offset)
        .min(ranges.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_chinese_and_english_sentences() {
        let text = "采用修正的Rodrigues参数(MRP),建立了数学模型；利用刚体方程。Values of 3.5 mm were used. Next!新进展.利用";
        let parts: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            parts,
            vec![
                "采用修正的Rodrigues参数(MRP),建立了数学模型；",
                "利用刚体方程。",
                "Values of 3.5 mm were used.",
                "Next!",
                "新进展.",
                "利用"
            ]
        );
    }

    #[test]
    fn offsets_map_to_their_sentence() {
        let text = "甲乙。丙丁。";
        let ranges = sentences(text);
        assert_eq!(sentence_of(&ranges, 0), 0);
        assert_eq!(sentence_of(&ranges, "甲乙。".len()), 1);
        assert_eq!(sentences("  ").len(), 0);
    }
}
