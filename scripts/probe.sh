#!/usr/bin/env bash
# Re-runs the hostile cases of the security issue (findings 1-8) against a real
# `chaxin serve` on loopback, on a scratch index built from index-data/, and prints what each
# got. Usage: scripts/probe.sh [path/to/chaxin]   (default: a fresh release build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-}
if [[ -z $bin ]]; then
  cargo build --release --quiet
  bin=target/release/chaxin
fi
command -v zstd >/dev/null || {
  apt-get install -y -qq zstd >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq zstd >/dev/null; }
}
work=$(mktemp -d)
key=probe-write-key-0123456789
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
extra=()
# Binaries from before the upload pacing flags get the same probe without them.
"$bin" serve --help | grep -q -- --max-writes && extra=(--max-writes 4 --upload-idle-ms 2000)
CHAXIN_WRITE_KEY=$key "$bin" serve --index "$work/index" --data index-data --bind 127.0.0.1:0 \
  --timeout-ms 100 "${extra[@]}" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 1200); do
  grep -q 'listening on' "$work/out" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/err"; exit 1; }
  sleep 0.1
done
base=$(sed -n 's/^chaxin listening on //p' "$work/out")
echo "probing $base ($bin)"
python3 scripts/probe.py --base "$base" --write-key "$key" --pid "$pid"
