#!/bin/sh
# assess --format csv is written a block of rows at a time (never the whole
# table in memory): whatever the block (PREFMON_CSV_BLOCK_ROWS; one block of
# every row is how the table was written whole), the bytes are the same,
# with one header, with --columns too, and with no rows at all; and under a
# --max-memory that refuses the whole table (--format table), CSV passes.
#
#   sh tests/cli/assess_csv_blocks.sh PREFMON     (from the repository root)
set -u
prefmon=$1
fx=tests/cli/fixtures/assess
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-blocks.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # name, then assess's arguments
    name=$1
    shift
    PREFMON_CSV_BLOCK_ROWS=100000000 "$prefmon" assess --format csv "$@" >"$tmp/whole" 2>/dev/null
    rc=$?
    for b in 1 7 4096 ""; do
        PREFMON_CSV_BLOCK_ROWS=$b "$prefmon" assess --format csv "$@" >"$tmp/b" 2>/dev/null
        if [ $? != $rc ] || ! cmp -s "$tmp/whole" "$tmp/b"; then
            echo "FAIL $name: block '$b' differs from the whole table"
            fail=1
        fi
    done
    n=$(grep -c '^annotator,' "$tmp/whole")
    if [ "$n" != 1 ]; then
        echo "FAIL $name: $n header lines"
        fail=1
    fi
}
check many "$fx/many_annotators.tsv"
check columns --columns annotator,decision,eta_hat "$fx/many_annotators.tsv"
printf 'annotator,item,label\nw1,i1,\n' >"$tmp/empty.csv" # (one row, skipped: no label)
check empty "$tmp/empty.csv"
if [ "$(wc -l <"$tmp/whole")" != 1 ]; then
    echo "FAIL empty: not just the header"
    fail=1
fi
lines=$(PREFMON_CSV_BLOCK_ROWS=7 "$prefmon" assess --format csv "$fx/many_annotators.tsv" 2>/dev/null |
    wc -l)
rows=$(cut -f1 "$fx/many_annotators.tsv" | sort -u | wc -l) # (no header line: GAL's shape)
if [ "$lines" != $((rows + 1)) ]; then
    echo "FAIL many: $lines lines for $rows annotators"
    fail=1
fi
if "$prefmon" assess --max-memory 10000000 --format table "$fx/many_annotators.tsv" >/dev/null 2>&1; then
    echo "FAIL: the whole table fitted under 10 MB (the CSV check below means nothing)"
    fail=1
fi
"$prefmon" assess --max-memory 10000000 --format csv "$fx/many_annotators.tsv" >"$tmp/lim" 2>/dev/null ||
    { echo "FAIL: CSV refused under --max-memory 10000000"; fail=1; }
"$prefmon" assess --format csv "$fx/many_annotators.tsv" >"$tmp/free" 2>/dev/null
cmp -s "$tmp/lim" "$tmp/free" || { echo "FAIL: CSV under the limit differs"; fail=1; }
[ $fail = 0 ] && echo "assess_csv_blocks: ok"
exit $fail
