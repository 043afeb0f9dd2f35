//! Escaping text for HTML (highlighted snippets, report pages, the API page): the one escaper
//! every crate uses, so that they escape the same characters.

/// Appends `text` to `out` with `&`, `<`, `>` and `"` escaped (safe in element content and in
/// double-quoted attribute values).
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// `text` escaped as [`escape_into`] does.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_chinese_is_kept() {
        assert_eq!(
            escape(r#"<em>稀土永磁</em> & "Nd-Fe-B" 'magnets'"#),
            "&lt;em&gt;稀土永磁&lt;/em&gt; &amp; &quot;Nd-Fe-B&quot; 'magnets'"
        );
        let mut out = String::from("前缀 ");
        escape_into(&mut out, "a<b");
        assert_eq!(out, "前缀 a&lt;b");
    }
}
