#!/usr/bin/env python3
"""Builds crates/text/data/english-words.tsv.zst, the English vocabulary the analyzer uses to
split words that OCR glued together (`thisstudyinvestigatedthe`), from ECDICT (MIT).

Each line is `word<TAB>rank`: every single-word, lowercase ASCII headword of ECDICT and its
inflections (the `exchange` column), with the word's frequency rank (the smaller of its BNC and
contemporary-corpus ranks) or 0 when ECDICT gives none. Words with a rank can be pieces of a
split; every listed word is known and never split.

Usage (from the repository root): scripts/build-english-words.py [path/to/ecdict.csv.zst]
"""
import csv
import io
import re
import subprocess
import sys

source = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/ecdict/ecdict.csv.zst"
out = "crates/text/data/english-words.tsv.zst"
word = re.compile(r"[a-z]+")
unzip = subprocess.Popen(["zstd", "-dc", source], stdout=subprocess.PIPE)
rows = csv.reader(io.TextIOWrapper(unzip.stdout, encoding="utf-8"))
next(rows)
ranks = {}
for row in rows:
    head = row[0]
    if not word.fullmatch(head):
        continue
    ranked = [int(x) for x in (row[8] or "0", row[9] or "0") if int(x) > 0]
    rank = min(ranked) if ranked else 0
    forms = [head]
    for change in (row[10] or "").split("/"):
        if ":" in change:
            form = change.split(":", 1)[1]
            if word.fullmatch(form):
                forms.append(form)
    for form in forms:
        old = ranks.get(form, 0)
        ranks[form] = rank if old == 0 else (min(old, rank) if rank else old)
if unzip.wait() != 0:
    sys.exit(f"cannot read {source}")
lines = ["# chaxin-english-words 1\tsource=ECDICT (MIT, see LICENSE-ECDICT-MIT.txt)\n"]
lines += [f"{w}\t{r}\n" for w, r in sorted(ranks.items())]
subprocess.run(["zstd", "-q", "-19", "-f", "-o", out], input="".join(lines).encode(), check=True)
print(f"{out}: {len(ranks)} words, {sum(1 for r in ranks.values() if r)} ranked")
