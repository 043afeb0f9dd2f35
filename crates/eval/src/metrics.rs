//! Ranking metrics, with the definitions trec_eval/pytrec_eval use. A document is relevant when
//! its grade is positive; graded judgments are the gains of nDCG.

use std::collections::HashMap;

/// Judgments of one query: document id → grade.
pub type Judgments = HashMap<String, i32>;

fn grade(judgments: &Judgments, doc: &str) -> i32 {
    judgments.get(doc).copied().unwrap_or(0)
}

fn relevant_count(judgments: &Judgments) -> usize {
    judgments.values().filter(|&&g| g > 0).count()
}

/// nDCG@k with linear gains (`ndcg_cut_k` in trec_eval): Σ gain / log2(rank + 1), divided by
/// the same sum for the ideal ranking of the judged documents.
pub fn ndcg_at(ranking: &[String], judgments: &Judgments, k: usize) -> f64 {
    let dcg: f64 = ranking
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, d)| f64::from(grade(judgments, d).max(0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<i32> = judgments.values().copied().filter(|&g| g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, &g)| f64::from(g) / ((i + 2) as f64).log2())
        .sum();
    if idcg == 0.0 {
        0.0
    } else {
        dcg / idcg
    }
}

/// Share of the relevant documents found in the top k.
pub fn recall_at(ranking: &[String], judgments: &Judgments, k: usize) -> f64 {
    let relevant = relevant_count(judgments);
    if relevant == 0 {
        return 0.0;
    }
    let found = ranking
        .iter()
        .take(k)
        .filter(|d| grade(judgments, d) > 0)
        .count();
    found as f64 / relevant as f64
}

/// Average precision over the top k (`map_cut_k`): Σ precision at each relevant rank ≤ k,
/// divided by the number of relevant documents.
pub fn average_precision_at(ranking: &[String], judgments: &Judgments, k: usize) -> f64 {
    let relevant = relevant_count(judgments);
    if relevant == 0 {
        return 0.0;
    }
    let mut hits = 0usize;
    let mut sum = 0.0;
    for (i, d) in ranking.iter().take(k).enumerate() {
        if grade(judgments, d) > 0 {
            hits += 1;
            sum += hits as f64 / (i + 1) as f64;
        }
    }
    sum / relevant as f64
}

/// Reciprocal rank of the first relevant document within the top k, else 0.
pub fn reciprocal_rank_at(ranking: &[String], judgments: &Judgments, k: usize) -> f64 {
    ranking
        .iter()
        .take(k)
        .position(|d| grade(judgments, d) > 0)
        .map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

/// PRES with `n_max` (Magdy & Jones, SIGIR 2010): 1 − (Σrᵢ/n − (n+1)/2) / N_max, where rᵢ are
/// the ranks of the n relevant documents and a relevant document not found in the top N_max
/// takes rank N_max + i (i = its index among the n, counting the found ones first), so that
/// finding none scores 0 and finding all at the top scores 1.
pub fn pres_at(ranking: &[String], judgments: &Judgments, n_max: usize) -> f64 {
    let n = relevant_count(judgments);
    if n == 0 {
        return 0.0;
    }
    let mut ranks: Vec<f64> = ranking
        .iter()
        .take(n_max)
        .enumerate()
        .filter(|(_, d)| grade(judgments, d) > 0)
        .map(|(i, _)| (i + 1) as f64)
        .collect();
    let found = ranks.len();
    ranks.extend((found + 1..=n).map(|i| (n_max + i) as f64));
    let n_f = n as f64;
    let sum: f64 = ranks.iter().sum();
    1.0 - (sum / n_f - (n_f + 1.0) / 2.0) / n_max as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judgments(pairs: &[(&str, i32)]) -> Judgments {
        pairs.iter().map(|(d, g)| (d.to_string(), *g)).collect()
    }

    fn ranking(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ndcg_by_hand() {
        // grades a=3, b=2, c=0 judged, d unjudged; ranking d, a, c, b
        let j = judgments(&[("a", 3), ("b", 2), ("c", 0)]);
        let r = ranking(&["d", "a", "c", "b"]);
        let dcg = 3.0 / 3f64.log2() + 2.0 / 5f64.log2();
        let idcg = 3.0 + 2.0 / 3f64.log2();
        assert!((ndcg_at(&r, &j, 10) - dcg / idcg).abs() < 1e-12);
        // cut at 2: only a counts; ideal keeps a and b
        assert!((ndcg_at(&r, &j, 2) - (3.0 / 3f64.log2()) / idcg).abs() < 1e-12);
        assert_eq!(ndcg_at(&ranking(&["a", "b"]), &j, 10), 1.0);
    }

    #[test]
    fn recall_map_mrr_by_hand() {
        let j = judgments(&[("a", 1), ("b", 1), ("c", 1), ("x", 0)]);
        let r = ranking(&["x", "a", "y", "b"]);
        assert!((recall_at(&r, &j, 100) - 2.0 / 3.0).abs() < 1e-12);
        assert!((recall_at(&r, &j, 2) - 1.0 / 3.0).abs() < 1e-12);
        // precision at a (rank 2) = 1/2, at b (rank 4) = 2/4; / 3 relevant
        assert!((average_precision_at(&r, &j, 100) - (0.5 + 0.5) / 3.0).abs() < 1e-12);
        assert!((reciprocal_rank_at(&r, &j, 10) - 0.5).abs() < 1e-12);
        assert_eq!(reciprocal_rank_at(&r, &j, 1), 0.0);
    }

    #[test]
    fn pres_by_hand() {
        let j = judgments(&[("a", 1), ("b", 1)]);
        // all relevant at the top: 1
        assert!((pres_at(&ranking(&["a", "b"]), &j, 100) - 1.0).abs() < 1e-12);
        // none found: 0
        assert!(pres_at(&ranking(&["x"]), &j, 100).abs() < 1e-12);
        // a at rank 3, b missing → rank 100 + 2: 1 − ((3 + 102)/2 − 1.5)/100 = 0.49
        assert!((pres_at(&ranking(&["x", "y", "a"]), &j, 100) - 0.49).abs() < 1e-12);
        // found ones at the top, recall 1/2 → PRES = recall
        assert!((pres_at(&ranking(&["a"]), &j, 100) - 0.5).abs() < 1e-12);
    }
}
