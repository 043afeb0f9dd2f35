#!/usr/bin/env bash
# Rebuilds index-data/*.ndjson.zst from ../shared/data with chaxin's importers.
# Usage (from the repository root): scripts/build-index-data.sh [path/to/shared/data]
set -euo pipefail
data=${1:-../shared/data}
cargo build --release --quiet
chaxin=target/release/chaxin
samples=$data/uspto-samples/PatentDocument/resources/samples
$chaxin import --format csl -i "$data/csl/csl_2k.jsonl" "$data/csl/csl_chunk.jsonl" -o index-data/csl.ndjson.zst
$chaxin import --format chinaxiv -i "$data/chinaxiv/chinaxiv_bilingual.jsonl" -o index-data/chinaxiv.ndjson.zst
$chaxin import --format kppatent-zh -i "$data/kppatent-zh/test_title_abstract_claims.jsonl" \
  "$data/kppatent-zh/train_abstracts.jsonl" -o index-data/kppatent-zh.ndjson.zst
$chaxin import --format arxiv-csv -i "$data/arxiv/arxiv_2k.csv" -o index-data/arxiv.ndjson.zst
$chaxin import --format patentsview-csv -i "$data/patents-en" -o index-data/patentsview.ndjson.zst
$chaxin import --format uspto-xml -i "$samples/xml2004" "$samples/xml2006" "$samples/xml2014" \
  "$samples/xmlApp2004" "$samples/pap" -o index-data/uspto.ndjson.zst
