#!/usr/bin/env bash
# The worst query shapes of the security probe (proximity × truncation), against one or more
# `chaxin` binaries in turn, on the same index: status, answer time, and the server's CPU
# time until it is idle again (work that outlives a 503 shows up there).
# Usage: scripts/bench-query-shapes.sh INDEX_DIR TIMEOUT_MS BINARY…
set -euo pipefail
cd "$(dirname "$0")/.."
index=$1 timeout_ms=$2
shift 2
stems=(co re pr in de st ma tr se pa ac di ex pe an fo sy me el ca)
chain12=$(python3 -c "print(' NEAR/1000 '.join(p+'*' for p in '${stems[*]:0:12}'.split()))")
long=$(python3 -c "s='${stems[*]}'.split(); q=' NEAR/1000 '.join(p+'*' for p in (s*10)[:150]); print(q[:1990].rsplit(' NEAR',1)[0])")
enc() { python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1]))" "$1"; }
for bin in "$@"; do
  work=$(mktemp -d)
  "$bin" serve --index "$index" --bind 127.0.0.1:0 --timeout-ms "$timeout_ms" >"$work/out" 2>"$work/err" &
  pid=$!
  for _ in $(seq 600); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
  base=$(sed -n 's/^chaxin listening on //p' "$work/out")
  cpu() { awk '{print ($14+$15)/100}' "/proc/$pid/stat"; }
  echo "== $bin (timeout $timeout_ms ms)"
  for q in 'co* NEAR/1000 re*' 'co* ADJ/1000 re*' 'co* /SEN re*' "$chain12" "$long"; do
    c0=$(cpu)
    answer=$(curl -s -o "$work/body" -w '%{http_code} %{time_total}' "$base/v1/search?q=$(enc "$q")")
    # Until the server is idle: two equal CPU readings 0.5 s apart.
    prev=$(cpu); while sleep 0.5; now=$(cpu); [[ $now != "$prev" ]]; do prev=$now; done
    printf '%-28s %5d chars  %s s  CPU %s s\n' "$(cut -c1-28 <<<"$q")" "${#q}" "$answer" \
      "$(python3 -c "print(round($prev-$c0,2))")"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$work"
done
