#!/bin/sh
# Instructions per row of `prefmon assess --threads 1 --format csv` on the
# three shapes of the issue's speed targets (bench/gen_shapes.c: sessions,
# task, rich), counted by valgrind's callgrind, beside the two floors of
# bench/assess_floor.c. Unlike wall time on a shared VM, an instruction
# count is the same on every run, so it shows what a change to the row path
# saved; it does not show the time a row waits for memory (the floors are
# mostly that). Per shape: all instructions per row, and those of reading
# (pmx_records_plain and pm_records_next: splitting the line, the fields'
# checks, times and numbers), preparing (pmx_assess_prepare_row and
# pmx_assess_prepare: numbering the annotator and label, hashing the item),
# adding (pmx_assess_run: the item and key tables, pairs, events, side
# information) and the rest (the read loop's batching, finishing,
# statistics and the output, which grow with the annotators, not the rows).
# Two more rows: the task-ordered log with CRLF line ends and with every
# field quoted. Last column: all instructions per row of --threads 2, both
# threads together (callgrind runs them one at a time and counts them all),
# whose output must be the same bytes: what reading by chunks, sorting the
# records by shard and numbering the items in a step of their own cost
# beyond one thread.
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
printf '%-11s %9s %9s %9s %9s %9s %9s %9s %9s\n' shape prefmon reading preparing adding rest \
    floor "floor,par" threads2
# The inclusive count of a function, from callgrind_annotate's listing.
incl() {
    callgrind_annotate --inclusive=yes "$1" 2>/dev/null |
        awk -v f="$2" 'index($0, ":" f " [") { gsub(",", "", $1); n = $1; exit }
            END { print n + 0 }'
}
total() {
    callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}
# Beside the three shapes, the task-ordered log as two other common
# exports write it: every line ended by CRLF (Windows tools, spreadsheets),
# and every field in double quotes (R's write.csv); the same records, so
# prefmon gives the same bytes (checked) and the floors are not run again.
for shape in sessions task rich task-crlf task-quoted; do
    log=$tmp/$shape.csv
    case $shape in
    task-crlf) sed 's/$/\r/' "$tmp/task.csv" >"$log" ;;
    task-quoted) awk 'BEGIN { FS = OFS = "," } { for (i = 1; i <= NF; i++) $i = "\"" $i "\""; print }' \
        "$tmp/task.csv" >"$log" ;;
    *) "$tmp/gen_shapes" "$shape" "$rows" >"$log" ;;
    esac
    valgrind --tool=callgrind --callgrind-out-file="$tmp/p.cg" "$build/prefmon" assess \
        --threads 1 --format csv "$log" >"$tmp/p.csv" 2>"$tmp/p.err" || {
        cat "$tmp/p.err"
        exit 1
    }
    all=$(total "$tmp/p.cg")
    # reading: the plain rows' path and pm_records_next (the other rows);
    # preparing: a plain row's and a record's
    rd=$(($(incl "$tmp/p.cg" pm_records_next) + $(incl "$tmp/p.cg" pmx_records_plain)))
    pr=$(($(incl "$tmp/p.cg" pmx_assess_prepare) + $(incl "$tmp/p.cg" pmx_assess_prepare_row)))
    ad=$(incl "$tmp/p.cg" pmx_assess_run)
    valgrind --tool=callgrind --callgrind-out-file="$tmp/t2.cg" "$build/prefmon" assess \
        --threads 2 --format csv "$log" >"$tmp/t2.csv" 2>"$tmp/t2.err" || {
        cat "$tmp/t2.err"
        exit 1
    }
    # (both runs under valgrind: its libm gives the same last digits to both)
    cmp -s "$tmp/p.csv" "$tmp/t2.csv" || { echo "$shape: --threads 2 gave other bytes" >&2; exit 1; }
    t2=$(total "$tmp/t2.cg")
    case $shape in
    task-*)
        cmp -s "$tmp/p.csv" "$tmp/task.out" || { echo "$shape: not the task log's output" >&2; exit 1; }
        f=-1 pf=-1
        ;;
    *)
        cp "$tmp/p.csv" "$tmp/$shape.out"
        keys=$(sed -n 's/^# [0-9]* annotators, \([0-9]*\) items, \([0-9]*\) (annotator, item) keys.*/\1 \2/p' \
            "$tmp/p.err")
        valgrind --tool=callgrind --callgrind-out-file="$tmp/f.cg" "$tmp/assess_floor" "$log" $keys \
            >/dev/null 2>&1
        valgrind --tool=callgrind --callgrind-out-file="$tmp/pf.cg" "$tmp/assess_floor" \
            --partitioned "$log" >/dev/null 2>&1
        f=$(total "$tmp/f.cg")
        pf=$(total "$tmp/pf.cg")
        ;;
    esac
    awk -v s="$shape" -v n="$rows" -v all="$all" -v rd="$rd" -v pr="$pr" -v ad="$ad" -v f="$f" \
        -v pf="$pf" -v t2="$t2" 'BEGIN { printf "%-11s %9.0f %9.0f %9.0f %9.0f %9.0f", s,
            all / n, rd / n, pr / n, ad / n, (all - rd - pr - ad) / n
            if (f < 0) printf " %9s %9s", "-", "-"; else printf " %9.0f %9.0f", f / n, pf / n
            printf " %9.0f\n", t2 / n }'
done
