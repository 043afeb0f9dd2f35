//! The examiner's corrections of the machine's concepts (the search matrix as staff fix it):
//! merge words into one concept, add a concept the point does not spell out, drop one, mark
//! one essential or not, and give a concept's forms.
//!
//! Edits apply after extraction and in request order; an edit names its concept by the text
//! written in the point (ASCII case-insensitive), and applies to every point unless it names
//! one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::features::{self, Context, Feature};
use crate::error::SearchError;

/// Most concept edits in one request.
pub(crate) const MAX_CONCEPT_EDITS: usize = 200;
/// Most forms of one edited concept.
const MAX_EDIT_FORMS: usize = 50;
/// Longest concept text of an edit, in characters.
const MAX_EDIT_CHARS: usize = 100;

/// A correction of one concept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConceptEdit {
    /// The concept as written in the point. A text that spans several of the machine's
    /// concepts merges them into one (`氮氧化物浓度`); a text the point does not contain
    /// adds a concept to it (`催化剂` for a point that only says `SCR`).
    pub text: String,
    /// 1-based number of the point it corrects; every point when absent.
    #[serde(default)]
    pub point: Option<usize>,
    /// Its forms: synonyms, variants, abbreviations, translations (source `user`). When
    /// none is in the other language the lexicon still translates the concept.
    #[serde(default)]
    pub forms: Vec<String>,
    /// Essential (`true`) or not (`false`); the machine decides when absent.
    #[serde(default)]
    pub essential: Option<bool>,
    /// Leave the concept out of the point.
    #[serde(default)]
    pub drop: bool,
}

impl ConceptEdit {
    /// True when the edit corrects point `point` (1-based).
    pub fn applies_to(&self, point: usize) -> bool {
        self.point.is_none_or(|p| p == point)
    }

    fn names(&self, feature: &Feature) -> bool {
        feature.text.trim().eq_ignore_ascii_case(self.text.trim())
    }
}

/// Checks the edits of a request with `points` points; errors name the edit
/// (`concepts[2].point`).
pub(crate) fn validate(edits: &[ConceptEdit], points: usize) -> Result<(), SearchError> {
    let invalid =
        |field: &'static str, message: String| Err(SearchError::InvalidValue { field, message });
    if edits.len() > MAX_CONCEPT_EDITS {
        return invalid(
            "concepts",
            format!(
                "at most {MAX_CONCEPT_EDITS} concept edits, got {}",
                edits.len()
            ),
        );
    }
    for (i, edit) in edits.iter().enumerate() {
        let chars = edit.text.trim().chars().count();
        if chars == 0 || chars > MAX_EDIT_CHARS {
            return invalid(
                "concepts",
                format!(
                    "concepts[{i}].text must have 1 to {MAX_EDIT_CHARS} characters, it has {chars}"
                ),
            );
        }
        if let Some(p) = edit.point {
            if p == 0 || p > points {
                return invalid(
                    "concepts",
                    format!("concepts[{i}].point must be between 1 and {points}, got {p}"),
                );
            }
        }
        if edit.forms.len() > MAX_EDIT_FORMS {
            return invalid(
                "concepts",
                format!(
                    "concepts[{i}].forms: at most {MAX_EDIT_FORMS} forms, got {}",
                    edit.forms.len()
                ),
            );
        }
        if let Some(j) = edit.forms.iter().position(|f| {
            let n = f.trim().chars().count();
            n == 0 || n > MAX_EDIT_CHARS
        }) {
            return invalid(
                "concepts",
                format!("concepts[{i}].forms[{j}] must have 1 to {MAX_EDIT_CHARS} characters"),
            );
        }
        if edit.drop && (edit.essential == Some(true) || !edit.forms.is_empty()) {
            return invalid(
                "concepts",
                format!("concepts[{i}] drops the concept and gives it forms or marks it essential"),
            );
        }
    }
    Ok(())
}

/// The synonyms extraction sees for point `point` (1-based): the request's, with each kept
/// edit's text as a key of its own, so that a merged concept is found whole.
pub(crate) fn synonyms_for(
    synonyms: &BTreeMap<String, Vec<String>>,
    edits: &[ConceptEdit],
    point: usize,
) -> BTreeMap<String, Vec<String>> {
    let mut out = synonyms.clone();
    for edit in edits.iter().filter(|e| e.applies_to(point) && !e.drop) {
        let forms = out.entry(edit.text.trim().to_string()).or_default();
        for form in &edit.forms {
            let form = form.trim().to_string();
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    out
}

/// Applies the edits of point `point` (1-based, text `point_text`) to its extracted
/// `features`: concepts the point does not contain are added (with their forms, or the
/// lexicon's), dropped ones removed (with every concept inside a dropped text), the machine's essential marks recomputed on what is left, and then replaced by
/// the marks the edits give.
pub(crate) fn apply(
    cx: &Context<'_>,
    point_text: &str,
    features: &mut Vec<Feature>,
    edits: &[ConceptEdit],
    point: usize,
) {
    let edits: Vec<&ConceptEdit> = edits.iter().filter(|e| e.applies_to(point)).collect();
    if edits.is_empty() {
        return;
    }
    for edit in &edits {
        if edit.drop {
            // Everything the text covers: dropping `石墨烯` drops jieba's `石墨` and `烯`.
            let spelled = point_text
                .to_lowercase()
                .contains(&edit.text.trim().to_lowercase());
            features.retain(|f| {
                !(edit.names(f)
                    || spelled
                        && edit
                            .text
                            .trim()
                            .to_lowercase()
                            .contains(&f.text.to_lowercase()))
            });
        } else if !features.iter().any(|f| edit.names(f)) {
            if let Some(added) = features::user_concept(cx, edit.text.trim()) {
                features.push(added);
            }
        }
    }
    features::mark_essential(features);
    for edit in &edits {
        if let Some(essential) = edit.essential {
            for f in features.iter_mut().filter(|f| edit.names(f)) {
                f.essential = essential;
                // The examiner says it is a concept, whatever the machine thought.
                f.generic &= !essential;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str) -> ConceptEdit {
        ConceptEdit {
            text: text.into(),
            ..ConceptEdit::default()
        }
    }

    #[test]
    fn errors_name_the_edit_and_its_field() {
        let mut e = edit("软测量");
        e.point = Some(3);
        let err = validate(&[edit("锅炉"), e], 2).unwrap_err().to_string();
        assert!(err.contains("concepts[1].point"), "{err}");
        let mut e = edit("研究");
        e.drop = true;
        e.essential = Some(true);
        let err = validate(&[e], 1).unwrap_err().to_string();
        assert!(err.contains("concepts[0]"), "{err}");
        let err = validate(&[edit("  ")], 1).unwrap_err().to_string();
        assert!(err.contains("concepts[0].text"), "{err}");
        let mut e = edit("NOx");
        e.forms = vec!["氮氧化物".into(), String::new()];
        let err = validate(&[e], 1).unwrap_err().to_string();
        assert!(err.contains("concepts[0].forms[1]"), "{err}");
    }

    #[test]
    fn kept_edits_become_synonym_keys_of_their_points_only() {
        let mut merged = edit("氮氧化物浓度");
        merged.forms = vec!["NOx concentration".into()];
        merged.point = Some(1);
        let mut dropped = edit("研究");
        dropped.drop = true;
        let base = BTreeMap::from([("烟气".to_string(), vec!["flue gas".to_string()])]);
        let first = synonyms_for(&base, &[merged.clone(), dropped.clone()], 1);
        assert_eq!(first["氮氧化物浓度"], ["NOx concentration"]);
        assert_eq!(first["烟气"], ["flue gas"]);
        assert!(!first.contains_key("研究"));
        let second = synonyms_for(&base, &[merged, dropped], 2);
        assert!(!second.contains_key("氮氧化物浓度"));
    }
}
