#!/bin/sh
# Run every benchmark binary: sh bench/run.sh BUILD_DIR [ROWS]
# bench_records and bench_pipeline read a log: a synthetic one of ROWS rows
# (default 1000000; the figure is for 10000000) from gen_log.awk,
# in file order (sessions of 50 rows) and shuffled. bench_weeks (the
# decision rules over 20 weekly batches, doc/sequential.md) runs with its
# defaults, 10 seeds, in about 5 s.
set -eu
build=${1:-build}
rows=${2:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v n="$rows" -v runs=50 -f bench/gen_log.awk > "$tmp/log.csv"
(head -n 1 "$tmp/log.csv"; tail -n +2 "$tmp/log.csv" | shuf --random-source="$tmp/log.csv") \
    > "$tmp/shuf.csv"
for b in "$build"/bench_*; do
    [ -x "$b" ] || continue
    echo "== $b"
    case $b in
    */bench_records | */bench_pipeline) "$b" "$tmp/log.csv" "$tmp/shuf.csv" ;;
    *) "$b" ;;
    esac
done
# The NumPy comparison of the contract grid, when its script is present.
if [ -f bench/grid_compare.sh ]; then
    echo "== bench/grid_compare.sh"
    sh bench/grid_compare.sh "$build"
fi
# prefmon assess end to end against pandas on a 10-million-row log.
if [ -f bench/assess_compare.sh ]; then
    echo "== bench/assess_compare.sh"
    sh bench/assess_compare.sh "$build"
fi
# prefmon assess on four shapes of log, threads 1 and 2, against pandas.
if [ -f bench/assess_shapes.sh ]; then
    echo "== bench/assess_shapes.sh"
    sh bench/assess_shapes.sh "$build"
fi
# Instructions per row of assess by stage, beside the floors (callgrind).
if [ -f bench/assess_instructions.sh ]; then
    echo "== bench/assess_instructions.sh"
    sh bench/assess_instructions.sh "$build"
fi
if [ -f bench/reproduce_time.sh ]; then
    echo "== bench/reproduce_time.sh"
    sh bench/reproduce_time.sh "$build"
fi
