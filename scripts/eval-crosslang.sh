#!/usr/bin/env bash
# Ranking figures for issue 15: every dev set in both modes, with the shipped lexicon, and
# the cx-* sets under the two-fold honest protocol (a lexicon mined without the evaluated
# papers of fold K, `chaxin lexicon build --hold-out K/2 --hold-out-judged <the cx sets>`:
# every other ChinaXiv record is mined; evaluated with `chaxin eval --fold K/2`).
# The fold lexicons are kept in $WORK: remove it after changing the mining or the dictionaries.
#
#   scripts/eval-crosslang.sh [BIN] [SETS...]
#
# Prints one line per set and mode: nDCG@10 (query-weighted mean of the folds for cx-*).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/chaxin}; shift || true
DATA=../shared/data
SETS=${*:-cx-zh2en cx-en2zh cx-en2en cx-zh2zh pt-zh2en pt-en2zh pt-en2en pt-zh2zh csl-title2abs csl-kw2abs patent-title2abs cranfield}
WORK=${WORK:-/tmp/chaxin-eval-crosslang}
mkdir -p "$WORK"
for k in 1 2; do
  dir="$WORK/lexicon-without-$k-of-2"
  if [ ! -d "$dir" ]; then
    "$BIN" lexicon build --bilingual "$DATA/chinaxiv/chinaxiv_bilingual.jsonl" --hold-out "$k/2" \
      --hold-out-judged "$DATA"/eval/cx-* -o "$dir" 2>/dev/null
    cp index-data/lexicon/cedict*.tsv.zst index-data/lexicon/ecdict.tsv.zst "$dir/"
  fi
done
ndcg() { grep -E "^\| $1 " | awk -F'|' '{print $3, $4}'; }
for set in $SETS; do
  for mode in ${MODES:-novelty search}; do
    case $set in
      cx-*)
        a=$("$BIN" eval "$DATA/eval/$set" --mode $mode --lexicon "$WORK/lexicon-without-1-of-2" --fold 1/2 2>/dev/null | ndcg "$set")
        b=$("$BIN" eval "$DATA/eval/$set" --mode $mode --lexicon "$WORK/lexicon-without-2-of-2" --fold 2/2 2>/dev/null | ndcg "$set")
        echo "$a $b" | awk -v s="$set" -v m="$mode" '{printf "%s\t%s\t%.4f\t(fold 1: %.4f on %d, fold 2: %.4f on %d)\n", s, m, ($1*$2+$3*$4)/($1+$3), $2, $1, $4, $3}'
        ;;
      *)
        "$BIN" eval "$DATA/eval/$set" --mode $mode --lexicon index-data/lexicon 2>/dev/null | ndcg "$set" | awk -v s="$set" -v m="$mode" '{printf "%s\t%s\t%.4f\n", s, m, $2}'
        ;;
    esac
  done
done
