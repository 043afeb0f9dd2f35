#!/usr/bin/env python3
"""Runs the peers on BEIR-layout sets and prints their metrics next to chaxin's.

Usage: peers.py CHAXIN_JSON WORK_DIR SET_DIR...
(CHAXIN_JSON comes from `chaxin eval SET_DIR... --json FILE`; scripts/peers.sh does all of it.)

Peers, each over title + text of every corpus record, top 100 per query:
- bm25s (k1 1.2, b 0.75, Lucene's idf): jieba (precise mode) for Chinese sets, otherwise
  bm25s's English tokenizer with its stop words and the Snowball English stemmer;
- Lucene BM25 through pyserini 0.22.1 (Anserini 0.22.1): its CJK analyzer (bigrams) for Chinese
  sets, its default English analyzer (Porter stemming, stop words) otherwise; once with
  Anserini's defaults (k1 0.9, b 0.4) and once with k1 1.2, b 0.75;
- on the cross-language sets (`cx-*`, `pt-*`), bm25s-dict: dictionary translation with
  CC-CEDICT glosses over one analyzer for both languages (see `run_bm25s_dict`).
Metrics as `chaxin eval` defines them (nDCG@10 with linear gains, Recall@100, MAP@100, MRR@10,
PRES@100): pytrec_eval for the first four, the same PRES implementation as
scripts/crosscheck_metrics.py. Queries per second are single-threaded search time only.
"""
import json
import os
import re
import subprocess
import sys
import time
import types

import pytrec_eval

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crosscheck_metrics import pres  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")
TOP = 100
CEDICT = os.environ.get("CEDICT", "../shared/data/cedict/cedict_1_0_ts_utf-8_mdbg.txt.gz")


def stub_dense_modules():
    """pyserini 0.22.1 imports its dense-retrieval modules (faiss, torch, transformers) at
    package import time; BM25 needs none of them, so they are replaced by empty modules."""

    def module(name):
        m = types.ModuleType(name)
        m.__path__ = []

        def attr(key):
            if key.startswith("__"):
                raise AttributeError(key)
            return type(key, (), {})

        m.__getattr__ = attr
        return m

    for name in ("pyserini.encode", "pyserini.search.faiss"):
        sys.modules[name] = module(name)


def read_set(path):
    def jsonl(name):
        with open(os.path.join(path, name), encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    corpus = jsonl("corpus.jsonl")
    queries = jsonl("queries.jsonl")
    qrels = {}
    with open(os.path.join(path, "qrels", "test.tsv"), encoding="utf-8") as f:
        for i, line in enumerate(f):
            parts = line.rstrip("\n").split("\t")
            if i == 0 and not parts[-1].lstrip("-").isdigit():
                continue
            qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    queries = [q for q in queries if q["_id"] in qrels]
    chinese = sum(bool(HAN.search(d.get("text", ""))) for d in corpus[:200]) > 100
    return corpus, queries, qrels, chinese


def doc_text(d):
    return f"{d.get('title') or ''} {d.get('text') or ''}".strip()


def metrics(run, qrels):
    """run: {query id: [doc id by rank]} -> mean of each metric over the judged queries."""
    as_scores = {q: {d: float(TOP - i) for i, d in enumerate(ds)} for q, ds in run.items()}
    judged = {q: r for q, r in qrels.items() if q in run}
    full = pytrec_eval.RelevanceEvaluator(judged, {"ndcg_cut_10", "recall_100", "map_cut_100"}).evaluate(
        {q: as_scores.get(q, {}) for q in judged})
    top10 = {q: {d: s for d, s in as_scores.get(q, {}).items() if s > TOP - 10} for q in judged}
    rr = pytrec_eval.RelevanceEvaluator(judged, {"recip_rank"}).evaluate(top10)
    n = len(judged)
    return {
        "nDCG@10": sum(full[q]["ndcg_cut_10"] for q in judged) / n,
        "Recall@100": sum(full[q]["recall_100"] for q in judged) / n,
        "MAP@100": sum(full[q]["map_cut_100"] for q in judged) / n,
        "MRR@10": sum(rr[q]["recip_rank"] for q in judged) / n,
        "PRES@100": sum(pres(run.get(q, []), qrels[q]) for q in judged) / n,
    }


def run_bm25s(corpus, queries, chinese):
    import bm25s
    import jieba
    import Stemmer

    ids = [d["_id"] for d in corpus]
    if chinese:
        jieba.setLogLevel(60)
        word = re.compile(r"\w", re.UNICODE)

        def tokens(text):
            return [t for t in jieba.lcut(text.lower()) if word.search(t)]

        corpus_tokens = [tokens(doc_text(d)) for d in corpus]
        query_tokens = [tokens(q["text"]) for q in queries]
    else:
        stemmer = Stemmer.Stemmer("english")
        corpus_tokens = bm25s.tokenize([doc_text(d) for d in corpus], stopwords="en",
                                       stemmer=stemmer, return_ids=False, show_progress=False)
        query_tokens = bm25s.tokenize([q["text"] for q in queries], stopwords="en",
                                      stemmer=stemmer, return_ids=False, show_progress=False)
    retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    retriever.index(corpus_tokens, show_progress=False)
    return retrieve(retriever, ids, queries, query_tokens)


def retrieve(retriever, ids, queries, query_tokens):
    """The top TOP of each query (tokens the corpus lacks dropped), and queries per second."""
    vocab = retriever.vocab_dict
    run = {}
    started = time.perf_counter()
    for q, toks in zip(queries, query_tokens):
        toks = [t for t in toks if t in vocab]
        if not toks:
            run[q["_id"]] = []
            continue
        docs, _ = retriever.retrieve([toks], k=min(TOP, len(ids)), show_progress=False, n_threads=1)
        run[q["_id"]] = [ids[i] for i in docs[0]]
    return run, len(queries) / (time.perf_counter() - started)


def read_cedict(path):
    """CC-CEDICT: simplified headword -> glosses (parentheticals and classifiers removed)."""
    import gzip

    glosses = {}
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = re.match(r"\S+ (\S+) \[[^\]]*\] /(.*)/\s*$", line)
            if not m:
                continue
            for g in m.group(2).split("/"):
                g = re.sub(r"\([^)]*\)", "", g).strip()
                if g and not g.startswith(("CL:", "see ", "variant of", "old variant", "surname")):
                    glosses.setdefault(m.group(1), []).append(g)
    return glosses


def run_bm25s_dict(corpus, queries, cedict):
    """The dictionary-translation peer of the cross-language sets: bm25s over one analyzer for
    both languages (jieba search mode for Han, the Snowball stemmer for English), each query
    plus the first three CC-CEDICT glosses of each of its Chinese words and the Chinese
    headwords whose whole gloss is an English word or two-word phrase of the query."""
    import bm25s
    import jieba
    import Stemmer

    jieba.setLogLevel(60)
    stemmer = Stemmer.Stemmer("english")
    stop = set(bm25s.stopwords.STOPWORDS_EN)
    run_re = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")

    def tokens(text):
        out = []
        for run in run_re.findall(text.lower()):
            if HAN.match(run):
                out += [w for w in jieba.cut_for_search(run) if w.strip()]
            elif run not in stop:
                out.append(stemmer.stemWord(run))
        return out

    reverse = {}
    for head, gs in cedict.items():
        for g in gs:
            g = g.lower()
            if re.fullmatch(r"[a-z]+( [a-z]+)?", g):
                reverse.setdefault(g, []).append(head)

    def expand(text):
        extra = []
        for run in re.findall(r"[\u4e00-\u9fff]+", text):
            for w in jieba.cut(run):
                extra += cedict.get(w, [])[:3]
        words = re.findall(r"[a-z]+", text.lower())
        for n in (1, 2):
            for i in range(len(words) - n + 1):
                extra += reverse.get(" ".join(words[i:i + n]), [])
        return tokens(text + " " + " ".join(extra))

    ids = [d["_id"] for d in corpus]
    retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    retriever.index([tokens(doc_text(d)) for d in corpus], show_progress=False)
    return retrieve(retriever, ids, queries, [expand(q["text"]) for q in queries])


def cross_language(name):
    return name.startswith(("cx-", "pt-"))


def pyserini_index(corpus, chinese, work):
    index = os.path.join(work, "lucene-index")
    if os.path.isdir(index) and any(f.startswith("segments_") for f in os.listdir(index)):
        return index
    docs = os.path.join(work, "lucene-docs")
    os.makedirs(docs, exist_ok=True)
    with open(os.path.join(docs, "docs.jsonl"), "w", encoding="utf-8") as f:
        for d in corpus:
            f.write(json.dumps({"id": d["_id"], "contents": doc_text(d)}, ensure_ascii=False) + "\n")
    command = [sys.executable, "-m", "pyserini.index.lucene", "--collection", "JsonCollection",
               "--input", docs, "--index", index, "--generator", "DefaultLuceneDocumentGenerator",
               "--threads", "1", "--storePositions", "--storeDocvectors"]
    if chinese:
        command += ["--language", "zh"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return index


def run_pyserini(index, queries, chinese, k1, b):
    from pyserini.search.lucene import LuceneSearcher

    searcher = LuceneSearcher(index)
    if chinese:
        searcher.set_language("zh")
    searcher.set_bm25(k1, b)
    run = {}
    started = time.perf_counter()
    for q in queries:
        hits = searcher.search(q["text"], k=TOP)
        run[q["_id"]] = [h.docid for h in hits]
    return run, len(queries) / (time.perf_counter() - started)


def main():
    chaxin_json, work = sys.argv[1], sys.argv[2]
    sets = sys.argv[3:]
    stub_dense_modules()
    ours = json.load(open(chaxin_json))
    names = ["nDCG@10", "Recall@100", "MAP@100", "MRR@10", "PRES@100"]
    print("| set | system | " + " | ".join(names) + " | queries/s |")
    print("|---|---|" + "---|" * (len(names) + 1))
    summary = {}
    cedict = None
    for path in sets:
        name = os.path.basename(os.path.normpath(path))
        corpus, queries, qrels, chinese = read_set(path)
        set_work = os.path.join(work, name)
        os.makedirs(set_work, exist_ok=True)
        rows = []
        run, qps = run_bm25s(corpus, queries, chinese)
        rows.append(("bm25s (k1 1.2, b 0.75)", metrics(run, qrels), qps))
        if cross_language(name):
            if cedict is None:
                cedict = read_cedict(CEDICT)
            run, qps = run_bm25s_dict(corpus, queries, cedict)
            rows.append(("bm25s-dict (CC-CEDICT glosses)", metrics(run, qrels), qps))
        index = pyserini_index(corpus, chinese, set_work)
        for k1, b in ((0.9, 0.4), (1.2, 0.75)):
            run, qps = run_pyserini(index, queries, chinese, k1, b)
            rows.append((f"Lucene BM25 via pyserini (k1 {k1}, b {b})", metrics(run, qrels), qps))
        best = max(rows, key=lambda r: r[1]["nDCG@10"])
        if name in ours:
            mine = ours[name]
            qps = mine.get("queries_per_sec")
            rows.append(("**chaxin**", {m: mine[m] for m in names}, qps))
        for system, values, qps in rows:
            cells = " | ".join(f"{values[m]:.4f}" for m in names)
            print(f"| {name} | {system} | {cells} | {qps:,.0f} |" if qps else f"| {name} | {system} | {cells} | |")
        summary[name] = {"best_peer": best[0], "best_peer_ndcg10": best[1]["nDCG@10"],
                         "chaxin_ndcg10": ours.get(name, {}).get("nDCG@10")}
        sys.stdout.flush()
    print()
    for name, s in summary.items():
        if s["chaxin_ndcg10"] is None:
            continue
        delta = s["chaxin_ndcg10"] - s["best_peer_ndcg10"]
        verdict = "level or better" if delta >= -0.005 else "BEHIND"
        print(f"{name}: chaxin nDCG@10 {s['chaxin_ndcg10']:.4f} vs best peer {s['best_peer']} "
              f"{s['best_peer_ndcg10']:.4f} ({delta:+.4f}, {verdict})")


if __name__ == "__main__":
    main()
