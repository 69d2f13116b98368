#!/bin/sh
# prefmon reproduce writes what it promises: an HTML report that parses
# strictly (tests/report/check_html.py) with one plot per panel, and with
# --tables-out one file per table whose header and row count match --table.
#   sh tests/cli/reproduce_out.sh PREFMON   (from the repository root)
set -u
prefmon=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-repro.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
ds=Ultra=data/ultrafeedback-sample.jsonl,PKU-like=tests/fixtures/reproduce/pku-like.jsonl
opt="--grid off --gap-n-max 11 --settings main"
"$prefmon" reproduce $opt --dataset "$ds" --out "$tmp/r.html" \
    --tables-out "$tmp" --format csv >"$tmp/stdout" || { echo "reproduce failed"; exit 1; }
# Plots with the grid off, the main setting and two datasets: 1 reliability
# (PKU-like is calibrated) + 2 x (1 histogram + 3 bounds) + 2 x 4 Fig. 2 +
# (self + 2 experts) Fig. 3 + 3 log-log + 1 sample size = 24.
/usr/bin/python3 tests/report/check_html.py "$tmp/r.html" --min-plots 24 || fail=1
plots=$(grep -o '<svg class="plot"' "$tmp/r.html" | wc -l)
[ "$plots" -eq 24 ] || { echo "expected 24 plots, found $plots"; fail=1; }
for w in 'arXiv 2502.06387 reproduced on Ultra, PKU-like' 'Self-consistency monitoring beats expert monitoring' 'cbar = 0.2967'; do
    grep -q "$w" "$tmp/r.html" || { echo "the report lacks '$w'"; fail=1; }
done
for t in datasets calibration fig1-hist fig1-bound fig2-self fig2-bound fig3 loglog \
    loglog-fit samplesize verdicts; do
    [ -s "$tmp/$t.csv" ] || { echo "$t.csv missing or empty"; fail=1; }
done
# Two of them against --table (the same fill functions write both).
for t in calibration fig3; do
    "$prefmon" reproduce $opt --dataset "$ds" --table "$t" --format csv \
        >"$tmp/want.csv" || fail=1
    cmp -s "$tmp/want.csv" "$tmp/$t.csv" || { echo "$t.csv differs from --table $t"; fail=1; }
done
cmp -s "$tmp/stdout" "$tmp/verdicts.csv" || { echo "stdout is not the verdicts table"; fail=1; }
[ ! -e "$tmp/items.csv" ] || { echo "items.csv should not be written"; fail=1; }
# A failing --out leaves nothing behind and exits 3.
"$prefmon" reproduce $opt --out "$tmp/nodir/r.html" >/dev/null 2>&1
[ $? -eq 3 ] || { echo "--out into a missing directory: expected exit 3"; fail=1; }
exit $fail
