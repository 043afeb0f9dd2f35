#!/usr/bin/env bash
# Runs `chaxin eval` on the dev sets and compares every query's metrics with pytrec_eval
# (installed into a local virtualenv). Usage: scripts/crosscheck-metrics.sh [eval dir]
set -euo pipefail
eval_dir=${1:-../shared/data/eval}
work=${TMPDIR:-/tmp}/chaxin-crosscheck
mkdir -p "$work"
[ -x "$work/venv/bin/python" ] || python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet pytrec-eval-terrier
cargo build --release --quiet
sets=(cranfield csl-title2abs csl-kw2abs patent-title2abs)
target/release/chaxin eval "${sets[@]/#/$eval_dir/}" --json "$work/eval.json" --runs "$work/runs"
status=0
for set in "${sets[@]}"; do
  "$work/venv/bin/python" scripts/crosscheck_metrics.py "$eval_dir/$set" "$work/runs/$set.run" "$work/eval.json" "$set" || status=1
done
exit $status
