#!/usr/bin/env bash
# HTTP load on the real server over loopback: wrk (installed from apt if missing) runs the query
# mix of benches/query-mix.json (GET /v1/search, top 10 with snippets) for DURATION seconds at
# each concurrency, then reports throughput, p50/p99, errors, the server's peak RSS and its cold
# start (process start to first answered /healthz, and the first query).
# Usage: scripts/bench-http.sh INDEX_DIR [DURATION_SECS=60] [CONCURRENCIES="1 8 32"]
set -euo pipefail
cd "$(dirname "$0")/.."
index=${1:?usage: scripts/bench-http.sh INDEX_DIR [DURATION] [CONCURRENCIES]}
duration=${2:-60}
concurrencies=${3:-"1 8 32"}
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null || sudo apt-get install -y wrk >/dev/null; }
cargo build --release --quiet
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

# wrk script: cycles through the mix; reports percentiles and errors as one parsable line.
python3 - "$work/mix.lua" <<'PY'
import json, sys, urllib.parse
mix = json.load(open("benches/query-mix.json"))
paths = []
for entry in mix:
    params = []
    for key, value in entry["request"].items():
        params.append((key, ",".join(value) if isinstance(value, list) else str(value)))
    paths.append("/v1/search?" + urllib.parse.urlencode(params))
lua = "paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n" + """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %.1f %.2f %.2f %.2f %d\\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors))
end
"""
open(sys.argv[1], "w").write(lua)
PY

start=$(date +%s.%N)
target/release/chaxin serve --index "$index" --bind 127.0.0.1:0 ${CHAXIN_SERVE_ARGS:-} >"$work/out" 2>"$work/err" &
server=$!
until grep -q listening "$work/out" 2>/dev/null; do sleep 0.01; kill -0 "$server"; done
address=$(head -1 "$work/out" | sed 's/.*http:\/\///')
until curl -sf "http://$address/healthz" >/dev/null; do sleep 0.01; done
ready=$(date +%s.%N)
curl -sf "http://$address/v1/search?q=%E6%B0%B8%E7%A3%81%E5%90%8C%E6%AD%A5%E7%94%B5%E6%9C%BA" >/dev/null
first=$(date +%s.%N)
docs=$(curl -sf "http://$address/v1/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])')
printf 'server on %s: %s documents; cold start %.2f s to /healthz, first query after %.3f s\n' \
  "$address" "$docs" "$(echo "$ready - $start" | bc)" "$(echo "$first - $ready" | bc)"

echo "| concurrency | requests | requests/s | p50 ms | p99 ms | max ms | errors |"
echo "|---|---|---|---|---|---|---|"
for c in $concurrencies; do
  threads=$(( c < 2 ? c : 2 ))
  line=$(wrk -t"$threads" -c"$c" -d"${duration}s" --timeout 10s -s "$work/mix.lua" "http://$address" | grep '^RESULT')
  read -r _ n rps p50 p99 max errors <<<"$line"
  echo "| $c | $n | $rps | $p50 | $p99 | $max | $errors |"
done
grep -E 'VmHWM|VmRSS' "/proc/$server/status" | tr -s ' \t' ' '
