#!/usr/bin/env python3
"""Cross-checks chaxin's metrics against pytrec_eval on a real run.

Usage: crosscheck_metrics.py COLLECTION_DIR RUN_FILE CHAXIN_JSON SET_NAME
(RUN_FILE and CHAXIN_JSON come from `chaxin eval DIR --runs RUNS --json FILE`.)
nDCG@10, Recall@100 and MAP@100 come from pytrec_eval (ndcg_cut_10, recall_100, map_cut_100),
MRR@10 from its recip_rank on the run cut to 10; PRES@100 (not in trec_eval) from an independent
implementation of Magdy & Jones (2010) below. Exits 1 if any query differs at 4 decimals.
"""
import json
import sys

import pytrec_eval


def pres(ranking, rel, n_max=100):
    relevant = {d for d, g in rel.items() if g > 0}
    n = len(relevant)
    if n == 0:
        return 0.0
    found = [i + 1 for i, d in enumerate(ranking[:n_max]) if d in relevant]
    ranks = found + [n_max + i for i in range(len(found) + 1, n + 1)]
    return 1 - (sum(ranks) / n - (n + 1) / 2) / n_max


def main():
    collection, run_file, chaxin_json, name = sys.argv[1:5]
    qrels = {}
    with open(f"{collection}/qrels/test.tsv") as f:
        for i, line in enumerate(f):
            parts = line.rstrip("\n").split("\t")
            if i == 0 and parts[-1] == "score":
                continue
            qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    run, rankings = {}, {}
    with open(run_file) as f:
        for line in f:
            q, _, d, rank, score, _ = line.split()
            run.setdefault(q, {})[d] = float(score)
            rankings.setdefault(q, []).append((int(rank), d))
    rankings = {q: [d for _, d in sorted(v)] for q, v in rankings.items()}
    ours = json.load(open(chaxin_json))[name]["per_query"]
    judged = {q: r for q, r in qrels.items() if q in ours}
    full = pytrec_eval.RelevanceEvaluator(judged, {"ndcg_cut_10", "recall_100", "map_cut_100"}).evaluate(
        {q: run.get(q, {}) for q in judged})
    top10 = {q: {d: s for d, s in run.get(q, {}).items() if s > 1000 - 10} for q in judged}
    rr = pytrec_eval.RelevanceEvaluator(judged, {"recip_rank"}).evaluate(top10)
    worst, mismatches = 0.0, 0
    for q in judged:
        theirs = {
            "nDCG@10": full[q]["ndcg_cut_10"],
            "Recall@100": full[q]["recall_100"],
            "MAP@100": full[q]["map_cut_100"],
            "MRR@10": rr[q]["recip_rank"],
            "PRES@100": pres(rankings.get(q, []), qrels[q]),
        }
        for metric, value in theirs.items():
            diff = abs(value - ours[q][metric])
            worst = max(worst, diff)
            if round(value, 4) != round(ours[q][metric], 4):
                mismatches += 1
                print(f"{name} {q} {metric}: pytrec_eval {value:.6f} chaxin {ours[q][metric]:.6f}")
    print(f"{name}: {len(judged)} queries x 5 metrics compared, {mismatches} differ at 4 decimals, largest difference {worst:.2e}")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
