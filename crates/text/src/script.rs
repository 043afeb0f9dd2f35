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

/// One in this many letters (Han and Latin) of a Chinese text are Han characters at least: a
/// Chinese title keeps its English acronyms (`基于LSTM的NOx软测量`: 6 of 13), and an English
/// abstract may carry a character from OCR (`1979一2017`, 1 of 2,000).
const MIN_HAN_SHARE: usize = 5;

/// True when `text` is written in Chinese: at least one in [`MIN_HAN_SHARE`] of its letters
/// are Han characters (a text, not one term: `GaN基LED` is a Chinese term of mostly Latin
/// letters).
pub fn is_chinese_text(text: &str) -> bool {
    let (han, latin) = text.chars().fold((0usize, 0usize), |(h, l), c| {
        if is_han(c) {
            (h + 1, l)
        } else if c.is_ascii_alphabetic() {
            (h, l + 1)
        } else {
            (h, l)
        }
    });
    han > 0 && han * MIN_HAN_SHARE >= han + latin
}

/// The language code of a text by its script: `zh` for Chinese text ([`is_chinese_text`]),
/// else `en`. A record's language and a second-language variant's are both told this way.
pub fn text_lang(text: &str) -> &'static str {
    if is_chinese_text(text) {
        "zh"
    } else {
        "en"
    }
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
    fn a_text_is_chinese_by_the_share_of_its_letters() {
        assert!(is_chinese_text("基于LSTM的NOx软测量"));
        assert!(is_chinese_text("稀土永磁"));
        assert!(!is_chinese_text(
            "Precipitation in 1979一2017 rose by 3% per decade"
        ));
        assert!(!is_chinese_text("Rare earth magnets"));
        assert!(!is_chinese_text("，"));
        assert_eq!(text_lang("基于LSTM的NOx软测量"), "zh");
        assert_eq!(text_lang("Rare earth magnets"), "en");
    }

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
