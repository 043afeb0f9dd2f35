//! The search terms (检索词) of a draft: each concept and its surest forms, Chinese and
//! English apart, each once, in first-seen order (it reads better than sorted).

use chaxin_query::NoveltyResponse;

/// Forms of a concept listed among the search terms, at most.
const TERMS_PER_CONCEPT: usize = 3;
/// Smallest confidence of a lexicon form listed among the search terms.
const TERM_CONFIDENCE: f32 = 0.6;

/// The Chinese and the English search terms of the points' specific concepts (a generic
/// one is searched but not listed).
pub(super) fn search_terms(novelty: &NoveltyResponse) -> (Vec<String>, Vec<String>) {
    let mut terms_zh: Vec<String> = Vec::new();
    let mut terms_en: Vec<String> = Vec::new();
    for point in &novelty.points {
        for feature in point.features.iter().filter(|f| !f.generic) {
            // The concept and its surest forms (a request's own synonyms always): a search
            // term list is read by people, the long tail of dictionary senses is not for them.
            let forms = feature
                .forms
                .iter()
                .filter(|f| {
                    f.source == chaxin_lexicon::Source::User || f.confidence >= TERM_CONFIDENCE
                })
                .take(TERMS_PER_CONCEPT)
                .map(|f| &f.text);
            let synonyms: Vec<&String> = if feature.forms.is_empty() {
                feature.synonyms.iter().collect()
            } else {
                forms.collect()
            };
            for word in std::iter::once(&feature.text).chain(synonyms) {
                let terms = if word.chars().any(chaxin_text::is_han) {
                    &mut terms_zh
                } else {
                    &mut terms_en
                };
                if !terms.contains(word) {
                    terms.push(word.clone());
                }
            }
        }
    }
    (terms_zh, terms_en)
}

#[cfg(test)]
mod tests {
    use chaxin_query::PointReport;

    use super::*;

    fn point(features: serde_json::Value) -> PointReport {
        PointReport {
            point: 1,
            text: "基于神经网络的锅炉NOx软测量方法".into(),
            features: serde_json::from_value(features).unwrap(),
            expressions: Vec::new(),
            closest: None,
        }
    }

    #[test]
    fn terms_are_split_by_language_each_once_without_generic_words_or_unsure_forms() {
        let features = serde_json::json!([
            {"text": "软测量", "weight": 6.0, "generic": false, "forms": [
                {"text": "soft sensor", "lang": "en", "source": "dictionary", "confidence": 0.9},
                {"text": "soft measurement", "lang": "en", "source": "corpus", "confidence": 0.4},
            ]},
            {"text": "NOx", "weight": 5.0, "generic": false, "forms": [
                {"text": "氮氧化物", "lang": "zh", "source": "user", "confidence": 0.1},
            ]},
            {"text": "方法", "weight": 0.5, "generic": true},
            {"text": "软测量", "weight": 6.0, "generic": false},
        ]);
        let novelty = NoveltyResponse {
            cutoff: None,
            points: vec![point(features)],
            considered: 0,
            candidates: Vec::new(),
            took_ms: 0.0,
        };
        let (zh, en) = search_terms(&novelty);
        assert_eq!(zh, ["软测量", "氮氧化物"]);
        assert_eq!(en, ["soft sensor", "NOx"]);
    }
}
