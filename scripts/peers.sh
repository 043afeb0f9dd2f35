#!/usr/bin/env bash
# Runs chaxin and its peers (bm25s; Lucene BM25 through pyserini 0.22.1) on the same BEIR-layout
# sets on this machine and prints one table. Installs the peers into a virtualenv under $TMPDIR
# (pyserini 0.22.1 with --no-deps: its dense-retrieval dependencies are not needed for BM25 and
# its later versions need Java 21; this one runs on Java 17).
# Usage: scripts/peers.sh [SET_DIR...]   (default: every set in ../shared/data/eval)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${TMPDIR:-/tmp}/chaxin-peers
mkdir -p "$work"
if [ $# -eq 0 ]; then
  set -- ../shared/data/eval/cranfield ../shared/data/eval/csl-title2abs \
         ../shared/data/eval/csl-kw2abs ../shared/data/eval/patent-title2abs
fi
command -v java >/dev/null || { echo "peers.sh: pyserini needs Java 17 (apt install openjdk-17-jdk-headless)" >&2; exit 1; }
[ -x "$work/venv/bin/python" ] || python3 -m venv "$work/venv"
pip="$work/venv/bin/pip"
"$pip" install --quiet bm25s==0.3.16 PyStemmer==3.1.0 jieba==0.42.1 numpy scipy pandas requests \
  tqdm pyjnius==1.9.0 Cython pytrec-eval-terrier
"$pip" install --quiet --no-deps pyserini==0.22.1
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
cargo build --release --quiet
target/release/chaxin eval "$@" --json "$work/chaxin.json"
"$work/venv/bin/python" scripts/peers.py "$work/chaxin.json" "$work" "$@"
