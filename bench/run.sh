#!/bin/sh
# Run every benchmark binary: sh bench/run.sh BUILD_DIR
set -eu
build=${1:-build}
for b in "$build"/bench_*; do
    [ -x "$b" ] || continue
    echo "== $b"
    "$b"
done
