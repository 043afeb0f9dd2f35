#!/usr/bin/env bash
# Every large-corpus figure in BENCHMARKS.md, in one run on this machine:
#  1. a synthetic corpus of RECORDS records (default 1,000,000; `chaxin generate`, seed 42);
#  2. indexing with 1 thread (pinned to one core with taskset) and with 2 threads: chaxin, and
#     in the same run tantivy with its default tokenizer and tantivy with a bare jieba
#     tokenizer (docs/s, MB/s of NDJSON, peak RSS);
#  3. index size on disk against the zstd source;
#  4. in-process latency of the query mix (benches/query-mix.json) on the 2-thread index;
#  5. HTTP load with wrk at concurrency 1, 8 and 32 (scripts/bench-http.sh, DURATION s each).
# Usage: scripts/bench-1m.sh [RECORDS] [DURATION]   (work files in ${TMPDIR:-/tmp}/chaxin-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-1000000}
duration=${2:-60}
work=${TMPDIR:-/tmp}/chaxin-bench
mkdir -p "$work"
corpus=$work/synthetic-$records.ndjson.zst

cargo build --release --quiet
cargo bench --bench large --no-run --quiet 2>/dev/null
bench() { cargo bench --quiet --bench large -- "$@" 2>/dev/null | grep -v '^$'; }
peak_rss() { /usr/bin/time -f "  peak RSS %M KiB" "$@"; }

echo "## machine"
echo "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r), $(rustc --version)"
grep -m1 'model name' /proc/cpuinfo || true

if [ ! -f "$corpus" ]; then
  target/release/chaxin generate --records "$records" --seed 42 --output "$corpus"
fi
echo "## corpus: $corpus ($(du -m "$corpus" | cut -f1) MB zstd)"

for threads in 1 2; do
  echo "## indexing, $threads thread(s)"
  pin=()
  [ "$threads" = 1 ] && pin=(taskset -c 0)
  peak_rss "${pin[@]}" bash -c "$(declare -f bench); bench index-baseline '$corpus' '$work/baseline-$threads' $threads"
  peak_rss "${pin[@]}" bash -c "$(declare -f bench); bench index-jieba '$corpus' '$work/jieba-$threads' $threads"
  peak_rss "${pin[@]}" bash -c "$(declare -f bench); bench index-chaxin '$corpus' '$work/chaxin-$threads' $threads"
done

echo "## sizes"
for dir in baseline-2 jieba-2 chaxin-2; do
  echo "  $dir: $(du -sm "$work/$dir" | cut -f1) MB on disk"
done
echo "  source: $(du -m "$corpus" | cut -f1) MB zstd"
rm -rf "$work"/baseline-* "$work"/jieba-* "$work/chaxin-1"

echo "## in-process query latency (2-thread index)"
bench queries "$work/chaxin-2" 25

echo "## HTTP"
scripts/bench-http.sh "$work/chaxin-2" "$duration" "1 8 32"
