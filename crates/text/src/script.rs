//! Character classes used by the analyzer.

/// True for CJK unified ideographs (all extension blocks), compatibility ideographs and `〇`.
///
/// Kana and Hangul are not Han: they are treated as word characters.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FA1F
        | 0x30000..=0x3134F)
}

/// True for characters that make up a non-Han word: letters and digits of any script.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// Characters that join two word characters into one technical token (`Nd-Fe-B`, `GB/T`,
/// `3.5`, `snake_case`).
pub(crate) fn is_connector(c: char) -> bool {
    matches!(c, '-' | '/' | '.' | '_' | '\'' | '’' | '‐' | '‑' | '–')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_and_word_chars() {
        assert!(is_han('稀'));
        assert!(is_han('〇'));
        assert!(!is_han('a'));
        assert!(!is_han('，'));
        assert!(is_word_char('a'));
        assert!(is_word_char('5'));
        assert!(is_word_char('α'));
        assert!(!is_word_char('稀'));
        assert!(!is_word_char('-'));
    }
}
