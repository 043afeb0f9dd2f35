//! Highlighting: marks the query's terms and phrases in stored text with `<em>…</em>`.
//!
//! Text is analysed with the index's own analyzer, so a highlighted span is exactly what
//! matched: `電池` is marked for the query `电池`, `batteries` for `battery`, and a quoted
//! Chinese phrase marks its character sequence wherever it occurs.

use std::collections::HashSet;
use std::ops::Range;

use chaxin_index::TextField;
use chaxin_text::{Analyzer, PhraseTerms};

use crate::ast::Ast;
use crate::field::FieldRef;
use crate::proximity::glob_matches;

/// Highlights what a query looks for in one field.
pub struct Highlighter<'a> {
    analyzer: &'a Analyzer,
    terms: HashSet<String>,
    phrases: Vec<PhraseTerms>,
    /// Truncated words, matched against whole words as written.
    globs: Vec<Vec<char>>,
}

impl<'a> Highlighter<'a> {
    /// From explicit terms (main-stream terms) and phrases.
    pub fn new(analyzer: &'a Analyzer, terms: HashSet<String>, phrases: Vec<PhraseTerms>) -> Self {
        Self {
            analyzer,
            terms,
            phrases,
            globs: Vec::new(),
        }
    }

    /// The non-negated words and phrases of `ast` that apply to `field` (those without a
    /// field prefix apply to the `default_fields`).
    pub fn for_field(
        analyzer: &'a Analyzer,
        ast: &Ast,
        field: TextField,
        default_fields: &[TextField],
    ) -> Self {
        let mut terms = HashSet::new();
        let mut phrases = Vec::new();
        let applies = |f: &Option<FieldRef>| match f {
            None => default_fields.contains(&field),
            Some(FieldRef::Text(tf)) => *tf == field,
            Some(FieldRef::Group(group)) => group.fields().contains(&field),
            Some(FieldRef::Raw(_) | FieldRef::Date(_)) => false,
        };
        let mut globs = Vec::new();
        ast.visit_positive(&mut |node| match node {
            Ast::Word { field: f, text, .. } if applies(f) => {
                terms.extend(analyzer.analyze(text).into_iter().map(|t| t.text));
            }
            Ast::Phrase { field: f, text, .. } if applies(f) => {
                let p = analyzer.phrase_terms(text);
                if !p.terms.is_empty() {
                    phrases.push(p);
                }
            }
            Ast::Wildcard {
                field: f, pattern, ..
            } if applies(f) => {
                if pattern.chars().any(chaxin_text::is_han) {
                    let p = analyzer.phrase_terms(&pattern.replace('*', ""));
                    if !p.terms.is_empty() {
                        phrases.push(p);
                    }
                } else {
                    globs.push(pattern.to_lowercase().chars().collect());
                }
            }
            _ => {}
        });
        let mut highlighter = Self::new(analyzer, terms, phrases);
        highlighter.globs = globs;
        highlighter
    }

    /// Byte ranges of `text` that match, sorted and merged.
    pub fn matches(&self, text: &str) -> Vec<Range<usize>> {
        let mut ranges = Vec::new();
        if !self.terms.is_empty() {
            for token in self.analyzer.analyze(text) {
                if self.terms.contains(&token.text) {
                    ranges.push(token.offset_from..token.offset_to);
                }
            }
        }
        if !self.phrases.is_empty() || !self.globs.is_empty() {
            let exact = self.analyzer.analyze_exact(text);
            for phrase in &self.phrases {
                ranges.extend(phrase_matches(text, &exact, phrase));
            }
            for token in &exact {
                let word: Vec<char> = token.text.chars().collect();
                if self.globs.iter().any(|g| glob_matches(g, &word)) {
                    ranges.push(token.offset_from..token.offset_to);
                }
            }
        }
        merge(ranges)
    }

    /// The whole text, HTML-escaped, with matches in `<em>`; `None` when nothing matched.
    pub fn highlight_all(&self, text: &str) -> Option<String> {
        let ranges = self.matches(text);
        (!ranges.is_empty()).then(|| render(text, &ranges, 0..text.len()))
    }

    /// A fragment of at most about `max_chars` characters around the densest matches,
    /// HTML-escaped with `<em>` marks, starting at a sentence boundary where one is near.
    /// Without matches, the beginning of the text. `…` marks cuts.
    pub fn fragment(&self, text: &str, max_chars: usize) -> (String, bool) {
        let ranges = self.matches(text);
        let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let char_at = |byte: usize| starts.partition_point(|&s| s < byte);
        let total = starts.len();
        let byte_of = |ch: usize| starts.get(ch).copied().unwrap_or(text.len());
        let (mut from, mut to) = (0usize, total.min(max_chars));
        if !ranges.is_empty() && total > max_chars {
            // (window start, matches inside, first match in the window)
            let mut best = (0usize, 0usize, 0usize);
            for r in &ranges {
                let anchor = char_at(r.start);
                let start = anchor.saturating_sub(max_chars / 8);
                let end = start + max_chars;
                let count = ranges
                    .iter()
                    .filter(|m| char_at(m.start) >= start && char_at(m.end) <= end)
                    .count();
                if count > best.1 {
                    best = (start, count, anchor);
                }
            }
            let anchor = best.2;
            // Use the whole window: near the end of the text, start earlier.
            from = best.0.min(total.saturating_sub(max_chars));
            // Prefer to start right after the sentence end closest before the first match.
            let chars: Vec<char> = text.chars().collect();
            let look_from = from.saturating_sub(max_chars / 4);
            if let Some(p) = (look_from..anchor)
                .filter(|&i| is_sentence_end(chars[i]))
                .min_by_key(|&i| i.abs_diff(from))
            {
                from = p + 1;
            }
            to = (from + max_chars).min(total);
            // Do not cut Latin words in half.
            let in_word = |i: usize| chars[i].is_alphanumeric() && !chaxin_text::is_han(chars[i]);
            let first_match = char_at(
                ranges
                    .iter()
                    .find(|r| char_at(r.start) >= from)
                    .map_or(0, |r| r.start),
            );
            while from > 0 && from < first_match && in_word(from - 1) && in_word(from) {
                from += 1;
            }
            let mut end = to;
            while end < total && end > from + 1 && in_word(end - 1) && in_word(end) {
                end -= 1;
            }
            if end > from + max_chars / 2 {
                to = end;
            }
        }
        let window = byte_of(from)..byte_of(to);
        let out = render_window(text, &ranges, window, 0..text.len());
        (out, !ranges.is_empty())
    }
}

fn is_sentence_end(c: char) -> bool {
    chaxin_text::is_sentence_end(c) || c == '.'
}

fn phrase_matches(
    text: &str,
    exact: &[chaxin_text::Token],
    phrase: &PhraseTerms,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let Some(&(last_offset, _)) = phrase.terms.last() else {
        return out;
    };
    // In the exact stream the token at index i has position i.
    for i in 0..exact.len().saturating_sub(last_offset) {
        let ok = phrase.terms.iter().enumerate().all(|(n, (offset, term))| {
            let token = &exact[i + offset].text;
            if phrase.last_is_prefix && n + 1 == phrase.terms.len() {
                token.starts_with(term.as_str())
            } else {
                token == term
            }
        });
        if ok {
            let first = &exact[i];
            let last = &exact[i + last_offset];
            let mut end = last.offset_to;
            if phrase.last_is_prefix {
                // Only the prefix character itself, not the bigram it starts.
                end = text[last.offset_from..]
                    .chars()
                    .next()
                    .map_or(last.offset_to, |c| last.offset_from + c.len_utf8());
            }
            out.push(first.offset_from..end);
        }
    }
    out
}

/// The part `window` of `text` (inside `whole`), HTML-escaped, with the `ranges` that lie in
/// it in `<em>`, trimmed, and `…` on each side where the window cuts `whole`.
pub(crate) fn render_window(
    text: &str,
    ranges: &[Range<usize>],
    window: Range<usize>,
    whole: Range<usize>,
) -> String {
    let inside: Vec<Range<usize>> = ranges
        .iter()
        .filter(|r| r.start >= window.start && r.end <= window.end)
        .cloned()
        .collect();
    let mut out = String::new();
    if window.start > whole.start {
        out.push('…');
    }
    out.push_str(render(text, &inside, window.clone()).trim());
    if window.end < whole.end {
        out.push('…');
    }
    out
}

/// Sorts ranges and merges those that overlap or touch.
pub(crate) fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Renders `window` of `text` with `ranges` (inside the window) wrapped in `<em>`.
fn render(text: &str, ranges: &[Range<usize>], window: Range<usize>) -> String {
    let mut out = String::with_capacity(window.len() + ranges.len() * 9);
    let mut at = window.start;
    for r in ranges {
        chaxin_text::html::escape_into(&mut out, &text[at..r.start]);
        out.push_str("<em>");
        chaxin_text::html::escape_into(&mut out, &text[r.start..r.end]);
        out.push_str("</em>");
        at = r.end;
    }
    chaxin_text::html::escape_into(&mut out, &text[at..window.end]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::{parse, DefaultOperator};

    fn hl<'a>(a: &'a Analyzer, q: &str) -> Highlighter<'a> {
        let ast = parse(q, DefaultOperator::Or).unwrap();
        Highlighter::for_field(a, &ast, TextField::Abstract, &[TextField::Abstract])
    }

    #[test]
    fn marks_terms_through_normalisation() {
        let a = Analyzer::default_settings();
        let h = hl(&a, "电池 battery");
        assert_eq!(
            h.highlight_all("鋰電池與 Batteries <x>").unwrap(),
            "鋰<em>電池</em>與 <em>Batteries</em> &lt;x&gt;"
        );
    }

    #[test]
    fn marks_chinese_phrases_whatever_the_segmentation() {
        let a = Analyzer::default_settings();
        let h = hl(&a, "\"土永磁\"");
        assert_eq!(
            h.highlight_all("烧结稀土永磁材料").unwrap(),
            "烧结稀<em>土永磁</em>材料"
        );
        let single = hl(&a, "\"铁\"");
        assert_eq!(single.highlight_all("钕铁硼").unwrap(), "钕<em>铁</em>硼");
        assert!(hl(&a, "-电池").highlight_all("电池").is_none());
    }

    #[test]
    fn fragments_do_not_cut_words() {
        let a = Analyzer::default_settings();
        let text = "Apparatus and method is provided for determining the subjective sweet spot of a baseball bat, softball bat or other object of percussion. The subjective sweet spot is determined by first measuring the period of oscillation.";
        let (fragment, _) = hl(&a, "percussion").fragment(text, 60);
        assert!(fragment.contains("<em>percussion</em>"), "{fragment}");
        let inner = fragment.trim_start_matches('…').trim_end_matches('…');
        for word in [
            inner.split_whitespace().next().unwrap(),
            inner.split_whitespace().last().unwrap(),
        ] {
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
            assert!(
                bare.is_empty()
                    || text
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| w == bare),
                "{word} cut in {fragment}"
            );
        }
    }

    #[test]
    fn fragments_centre_on_matches() {
        let a = Analyzer::default_settings();
        let h = hl(&a, "收敛性");
        let text = format!(
            "{}。仿真结果表明,控制器具有较快的响应速度和较好的收敛性.",
            "采用修正的Rodrigues参数建立了飞行器姿态控制系统的数学模型".repeat(5)
        );
        let (fragment, matched) = h.fragment(&text, 40);
        assert!(matched);
        assert!(fragment.contains("<em>收敛性</em>"), "{fragment}");
        assert!(
            fragment.starts_with('…') && fragment.contains("仿真结果表明"),
            "{fragment}"
        );
        let (preview, matched) = hl(&a, "石墨烯").fragment(&text, 10);
        assert!(!matched);
        assert_eq!(preview.chars().count(), 11);
    }
}
