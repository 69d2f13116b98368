#!/bin/sh
# Build the fuzz targets with clang + libFuzzer + ASan + UBSan straight from
# the library sources (no CMake, no Makefile) and run each one time-boxed.
#
#   sh tests/fuzz/run_libfuzzer.sh [TARGET] [-- LIBFUZZER_ARGS...]
#
#   TARGET       prefs (default: every tests/fuzz/fuzz_*.c)
#   FUZZ_TIME    seconds per target (default 60, passed as -max_total_time)
#   FUZZ_OUT     work directory (default build-fuzz/); holds the binaries, the
#                growing corpus (a copy of tests/fuzz/corpus/fuzz_<name>/) and
#                crash-*/leak-*/timeout-* artifacts
#   CC           compiler (default clang-14, else clang)
#
# A crash stops the run with libFuzzer's report; copy the artifact into
# tests/fuzz/corpus/fuzz_<name>/ (once the bug is fixed) so the replay test
# keeps it fixed. Needs: clang with compiler-rt (Debian: clang-14), jansson.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

only=
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    only=$1
    shift
fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then
    shift
fi

if [ -z "${CC:-}" ]; then
    if command -v clang-14 >/dev/null 2>&1; then CC=clang-14; else CC=clang; fi
fi
time=${FUZZ_TIME:-60}
out=${FUZZ_OUT:-build-fuzz}
mkdir -p "$out"

# Every target links the whole library (every layer), built from source
# with the fuzzer's instrumentation; Rmath, jansson, SQLite and libpq come from the
# system (the store layer is part of the library).
lib_sources() {
    ls src/lib/*/*.c
}

cflags="-std=c17 -D_POSIX_C_SOURCE=200809L -g -O1 -fno-omit-frame-pointer \
-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude -Isrc/lib -I/usr/include -DMATHLIB_STANDALONE"
deps=$(pkg-config --cflags --libs jansson yajl sqlite3 libpq)

status=0
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    short=${name#fuzz_}
    if [ -n "$only" ] && [ "$only" != "$short" ] && [ "$only" != "$name" ]; then
        continue
    fi
    echo "== $name: building with $CC"
    # shellcheck disable=SC2046,SC2086 # word splitting of flag lists is intended
    "$CC" $cflags -o "$out/$name" "$src" $(lib_sources "$short") $deps -lRmath -lpthread -lm
    corpus=$out/corpus-$name
    mkdir -p "$corpus" "$out/artifacts-$name"
    if [ -d "tests/fuzz/corpus/$name" ]; then
        cp -n tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
    fi
    dict=
    if [ -f "tests/fuzz/$name.dict" ]; then
        dict=-dict=tests/fuzz/$name.dict
    fi
    echo "== $name: fuzzing for ${time}s (corpus $corpus)"
    # shellcheck disable=SC2086
    if ! UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$out/$name" \
        -max_total_time="$time" -print_final_stats=1 -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$out/artifacts-$name/" $dict "$@" \
        "$corpus" "tests/fuzz/corpus/$name"; then
        echo "== $name: FAILED; artifacts in $out/artifacts-$name/" >&2
        status=1
    fi
done
exit $status
