#!/bin/sh
# Run every benchmark binary: sh bench/run.sh BUILD_DIR
set -eu
build=${1:-build}
for b in "$build"/bench_*; do
    [ -x "$b" ] || continue
    echo "== $b"
    "$b"
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
