//! Analyzer settings recorded in every index, so that queries are analysed as the index was.

use serde::{Deserialize, Serialize};

/// Version of the analysis rules. Bumped whenever a change to the analyzer would produce
/// different tokens for the same text; an index built with another version must be rebuilt.
pub const ANALYZER_VERSION: u32 = 2;

/// Settings that change how text is analysed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzerSettings {
    /// Version of the analysis rules the index was built with.
    pub version: u32,
    /// Domain terms added to jieba's dictionary (one word each, e.g. `稀土永磁`), so they are
    /// kept whole as well as split by search mode.
    #[serde(default)]
    pub user_words: Vec<String>,
}

impl Default for AnalyzerSettings {
    fn default() -> Self {
        Self {
            version: ANALYZER_VERSION,
            user_words: Vec::new(),
        }
    }
}

/// Invalid analyzer settings or user dictionary.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The index was built by a different version of the analysis rules.
    #[error("index was analysed with analyzer version {found}, this build uses version {expected}: rebuild the index")]
    VersionMismatch {
        /// The version the index was built with.
        found: u32,
        /// This build's version.
        expected: u32,
    },
    /// A line of a user dictionary is not a usable word.
    #[error("user dictionary line {line}: {reason}")]
    BadWord {
        /// The 1-based line.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}

impl AnalyzerSettings {
    /// Settings with the words of a user dictionary: one word per line, optionally followed by
    /// a frequency and a part-of-speech tag (jieba's format, which are ignored); `#` comments
    /// and blank lines are skipped.
    pub fn with_user_dictionary(text: &str) -> Result<Self, SettingsError> {
        let mut user_words = Vec::new();
        for (idx, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let word = line.split_whitespace().next().unwrap_or_default();
            if word.chars().count() > 32 {
                return Err(SettingsError::BadWord {
                    line: idx + 1,
                    reason: format!("word `{word}` is longer than 32 characters"),
                });
            }
            if word.chars().any(|c| c.is_control()) {
                return Err(SettingsError::BadWord {
                    line: idx + 1,
                    reason: "word contains a control character".into(),
                });
            }
            user_words.push(word.to_string());
        }
        user_words.sort();
        user_words.dedup();
        Ok(Self {
            version: ANALYZER_VERSION,
            user_words,
        })
    }

    /// Checks that these settings (read from an index) can be used by this build.
    pub fn check_version(&self) -> Result<(), SettingsError> {
        if self.version != ANALYZER_VERSION {
            return Err(SettingsError::VersionMismatch {
                found: self.version,
                expected: ANALYZER_VERSION,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_dictionary_is_parsed() {
        let s = AnalyzerSettings::with_user_dictionary(
            "# 领域词\n稀土永磁 100 n\n\n钕铁硼\n稀土永磁\n",
        )
        .unwrap();
        assert_eq!(s.user_words, vec!["稀土永磁", "钕铁硼"]);
    }

    #[test]
    fn version_mismatch_is_reported() {
        let s = AnalyzerSettings {
            version: ANALYZER_VERSION + 1,
            user_words: vec![],
        };
        assert!(s
            .check_version()
            .unwrap_err()
            .to_string()
            .contains("rebuild"));
    }
}
