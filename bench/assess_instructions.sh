#!/bin/sh
# Instructions per row of `prefmon assess --threads 1 --format csv` on the
# three shapes of the issue's speed targets (bench/gen_shapes.c: sessions,
# task, rich), counted by valgrind's callgrind, beside the two floors of
# bench/assess_floor.c. Unlike wall time on a shared VM, an instruction
# count is the same on every run, so it shows what a change to the row path
# saved; it does not show the time a row waits for memory (the floors are
# mostly that). Per shape: all instructions per row, and those of reading
# (pm_records_next: splitting the line, the record's fields, times and
# numbers), preparing (pmx_assess_prepare: checks, numbering the annotator
# and label, hashing the item), adding (pmx_assess_run: the item and key
# tables, pairs, events, side information) and the rest (the read loop's
# batching, finishing, statistics and the output, which grow with the
# annotators, not the rows).
#
#   sh bench/assess_instructions.sh BUILD_DIR [ROWS]   (ROWS default 1000000)
#
# Takes about a minute at 1 M rows (callgrind runs some 50 times slower).
set -eu
build=${1:-build}
rows=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
command -v valgrind >/dev/null 2>&1 || {
    echo "assess_instructions: needs valgrind (Debian package valgrind); skipped"
    exit 0
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-instr.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/gen_shapes" "$here/gen_shapes.c"
cc -O2 -o "$tmp/assess_floor" "$here/assess_floor.c"

echo "# machine: $(uname -m), $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
echo "# date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "# commit:  $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "# $(valgrind --version), ${rows} rows per shape, prefmon --threads 1: instructions per row"
printf '%-9s %9s %9s %9s %9s %9s %9s %9s\n' shape prefmon reading preparing adding rest \
    floor "floor,par"
# The inclusive count of a function, from callgrind_annotate's listing.
incl() {
    callgrind_annotate --inclusive=yes "$1" 2>/dev/null |
        awk -v f="$2" 'index($0, ":" f " [") { gsub(",", "", $1); print $1; exit }'
}
total() {
    callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}
for shape in sessions task rich; do
    log=$tmp/$shape.csv
    "$tmp/gen_shapes" "$shape" "$rows" >"$log"
    valgrind --tool=callgrind --callgrind-out-file="$tmp/p.cg" "$build/prefmon" assess \
        --threads 1 --format csv "$log" >"$tmp/p.csv" 2>"$tmp/p.err" || {
        cat "$tmp/p.err"
        exit 1
    }
    keys=$(sed -n 's/^# [0-9]* annotators, \([0-9]*\) items, \([0-9]*\) (annotator, item) keys.*/\1 \2/p' \
        "$tmp/p.err")
    valgrind --tool=callgrind --callgrind-out-file="$tmp/f.cg" "$tmp/assess_floor" "$log" $keys \
        >/dev/null 2>&1
    valgrind --tool=callgrind --callgrind-out-file="$tmp/pf.cg" "$tmp/assess_floor" \
        --partitioned "$log" >/dev/null 2>&1
    all=$(total "$tmp/p.cg")
    rd=$(incl "$tmp/p.cg" pm_records_next)
    pr=$(incl "$tmp/p.cg" pmx_assess_prepare)
    ad=$(incl "$tmp/p.cg" pmx_assess_run)
    f=$(total "$tmp/f.cg")
    pf=$(total "$tmp/pf.cg")
    awk -v s="$shape" -v n="$rows" -v all="$all" -v rd="$rd" -v pr="$pr" -v ad="$ad" -v f="$f" \
        -v pf="$pf" 'BEGIN { printf "%-9s %9.0f %9.0f %9.0f %9.0f %9.0f %9.0f %9.0f\n", s,
            all / n, rd / n, pr / n, ad / n, (all - rd - pr - ad) / n, f / n, pf / n }'
done
