#!/usr/bin/env bash
# Rebuilds index-data/lexicon/ (the bilingual lexicon the server loads) from ../shared/data:
# CC-CEDICT and ECDICT senses, pairs mined from the ChinaXiv bilingual papers, and the
# terminology of the shipped records (index-data/*.ndjson.zst).
# Usage (from the repository root): scripts/build-lexicon.sh [path/to/shared/data]
set -euo pipefail
data=${1:-../shared/data}
cargo build --release --quiet
/usr/bin/time -f "lexicon build: %e s, %M KiB peak" target/release/chaxin lexicon build \
  --cedict "$data/cedict/cedict_1_0_ts_utf-8_mdbg.txt.gz" \
  --ecdict "$data/ecdict/ecdict.csv.zst" \
  --bilingual "$data/chinaxiv/chinaxiv_bilingual.jsonl" \
  --records index-data/*.ndjson.zst \
  -o index-data/lexicon
