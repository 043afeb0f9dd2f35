//! Personal and corporate names as GB/T 7714-2015 writes them (§8.1.2): Chinese names as
//! given; Western personal names surname first in capitals with initials and no dots
//! (`Kanamori, Hiroo` → `KANAMORI H`); organisations as given.

/// Words that mark a name as an organisation's, which is written as given.
const ORGANISATION_WORDS: &[&str] = &[
    "academy",
    "agency",
    "association",
    "bureau",
    "center",
    "centre",
    "college",
    "committee",
    "company",
    "corp",
    "corporation",
    "council",
    "department",
    "foundation",
    "gmbh",
    "group",
    "inc",
    "institute",
    "laboratories",
    "laboratory",
    "limited",
    "llc",
    "ltd",
    "ministry",
    "office",
    "organisation",
    "organization",
    "society",
    "university",
    "who",
];

/// Lowercase particles that belong to the surname (`van`, `de`, …).
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "le", "la", "du",
];

/// Suffixes written after the initials (`PEEBLES P Z, Jr`).
const SUFFIXES: &[&str] = &["Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"];

/// Whether `name` is an organisation (kept as written).
pub fn is_organisation(name: &str) -> bool {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| ORGANISATION_WORDS.contains(&w.to_lowercase().as_str()))
        || name.split_whitespace().count() > 4
}

/// Whether the text contains CJK characters (a Chinese, Japanese or Korean name).
pub fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| {
        chaxin_text::is_han(c)
            || ('\u{3040}'..='\u{30ff}').contains(&c)
            || ('\u{ac00}'..='\u{d7af}').contains(&c)
    })
}

/// A name for a GB/T 7714 citation. Chinese names and organisations are returned trimmed;
/// Western personal names become `SURNAME I I` (`Yuan, C. -P.` → `YUAN C P`).
pub fn gbt7714_name(name: &str) -> String {
    let name = name.trim();
    if has_cjk(name) || is_organisation(name) || name.is_empty() {
        return name.to_string();
    }
    let Some(parsed) = WesternName::parse(name) else {
        return name.to_string();
    };
    let mut out = parsed.surname.to_uppercase();
    for initial in &parsed.initials {
        out.push(' ');
        out.push_str(initial);
    }
    if let Some(suffix) = parsed.suffix {
        out.push_str(", ");
        out.push_str(suffix.trim_end_matches('.'));
    }
    out
}

/// A Western personal name split into surname, initials and suffix.
#[derive(Debug, PartialEq, Eq)]
pub struct WesternName<'a> {
    /// The family name.
    pub surname: String,
    /// Given-name initials, in order (`["P", "Z"]`).
    pub initials: Vec<String>,
    /// Given names or initials, in order.
    pub given: Vec<&'a str>,
    /// `Jr.`, `III`, … when written.
    pub suffix: Option<&'a str>,
}

impl<'a> WesternName<'a> {
    /// Reads `Surname, Given Names[, Jr]`, `Surname I I` (already inverted) or
    /// `Given Names Surname`.
    pub fn parse(name: &'a str) -> Option<WesternName<'a>> {
        let mut parts = name.split(',').map(str::trim);
        let first = parts.next().filter(|p| !p.is_empty())?;
        if let Some(given) = parts.next() {
            let suffix = parts.next().filter(|s| !s.is_empty());
            let given: Vec<&str> = given.split_whitespace().collect();
            return Some(WesternName {
                surname: first.to_string(),
                initials: initials(&given),
                given,
                suffix,
            });
        }
        let mut words: Vec<&str> = first.split_whitespace().collect();
        let suffix = match words.last() {
            Some(last) if words.len() > 1 && SUFFIXES.contains(last) => words.pop(),
            _ => None,
        };
        if words.len() == 1 {
            return Some(WesternName {
                surname: words[0].to_string(),
                initials: vec![],
                given: vec![],
                suffix,
            });
        }
        // `Kanamori H`, `Myburg A A`: already surname first.
        if words[1..].iter().all(|w| is_initial(w)) {
            let given = words[1..].to_vec();
            return Some(WesternName {
                surname: words[0].to_string(),
                initials: initials(&given),
                given,
                suffix,
            });
        }
        // `Hiroo Kanamori`, `Ludwig van Beethoven`.
        let mut start = words.len() - 1;
        while start > 1 && PARTICLES.contains(&words[start - 1]) {
            start -= 1;
        }
        let given = words[..start].to_vec();
        Some(WesternName {
            surname: words[start..].join(" "),
            initials: initials(&given),
            given,
            suffix,
        })
    }
}

/// `H`, `H.`, `A.A.`, `C.-P.`: a word made of initials only.
fn is_initial(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty()
        && letters.len() <= 2
        && letters.iter().all(|c| c.is_uppercase())
        && word
            .chars()
            .all(|c| c.is_alphabetic() || c == '.' || c == '-')
        && (letters.len() == 1 || word.contains('.'))
}

/// Initials of the given names: `Jean-Pierre` → `J P`, `A.A.` → `A A`.
fn initials(given: &[&str]) -> Vec<String> {
    given
        .iter()
        .flat_map(|w| w.split(['-', '.']))
        .filter_map(|part| part.chars().find(|c| c.is_alphabetic()))
        .map(|c| c.to_uppercase().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn western_names_become_surname_and_initials() {
        for (given, expected) in [
            ("Kanamori, Hiroo", "KANAMORI H"),
            ("Hiroo Kanamori", "KANAMORI H"),
            ("Kanamori H", "KANAMORI H"),
            ("Myburg A A", "MYBURG A A"),
            ("A. A. Myburg", "MYBURG A A"),
            ("Berger, E. L.", "BERGER E L"),
            ("Yuan, C. -P.", "YUAN C P"),
            ("Balázs, C.", "BALÁZS C"),
            ("Jean-Pierre Serre", "SERRE J P"),
            ("Ludwig van Beethoven", "VAN BEETHOVEN L"),
            ("Peebles, Peyton Z., Jr.", "PEEBLES P Z, Jr"),
            ("Caplan", "CAPLAN"),
        ] {
            assert_eq!(gbt7714_name(given), expected, "{given}");
        }
    }

    #[test]
    fn chinese_names_and_organisations_are_kept() {
        for name in [
            "袁训来",
            "西安电子科技大学",
            "World Health Organization",
            "International Business Machines Corporation",
        ] {
            assert_eq!(gbt7714_name(name), name);
        }
    }
}
