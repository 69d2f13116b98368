#!/bin/sh
# assess --threads N gives exactly the output of one thread: the same rows,
# numbers, summary, warnings and, on bad input, the same first error
# (file:line:column), whatever the chunk boundaries. PREFMON_CHUNK_BYTES
# makes the chunks tiny, so that boundaries fall everywhere, inside quoted
# fields holding line ends and quotes too (the fixtures:
# tests/cli/fixtures/assess/make_threads.py).
#
#   sh tests/cli/assess_threads.sh PREFMON     (from the repository root)
set -u
prefmon=$1
fx=tests/cli/fixtures/assess
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-threads.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
LC_ALL=C
export LC_ALL
fail=0
runs=0
check() { # name, then the arguments after --threads N
    name=$1
    shift
    "$prefmon" assess "$@" >"$tmp/1.out" 2>"$tmp/1.err"
    echo $? >"$tmp/1.rc"
    for t in 2 3; do
        for chunk in 1 7 61 400 4096 ""; do
            PREFMON_CHUNK_BYTES=$chunk "$prefmon" assess --threads $t "$@" >"$tmp/t.out" 2>"$tmp/t.err"
            echo $? >"$tmp/t.rc"
            runs=$((runs + 1))
            if ! cmp -s "$tmp/1.out" "$tmp/t.out" || ! cmp -s "$tmp/1.err" "$tmp/t.err" ||
                ! cmp -s "$tmp/1.rc" "$tmp/t.rc"; then
                echo "DIFFERENT: $name --threads $t, chunks of ${chunk:-default} bytes:"
                diff "$tmp/1.err" "$tmp/t.err" | head -5
                diff "$tmp/1.out" "$tmp/t.out" | head -5
                fail=1
            fi
        done
    done
}
for f in threads_quoted.csv generic.csv clickers.csv exported_twice.csv; do
    check "$f csv" --format csv "$fx/$f"
    check "$f json" --format json "$fx/$f"
done
check "threads_quoted.csv drop-identical" --drop-identical --format csv "$fx/threads_quoted.csv"
check "threads_quoted.csv gold" --gold "$fx/gold_elsewhere.tsv" --format csv "$fx/threads_quoted.csv"
check "two files" --format json "$fx/threads_quoted.csv" "$fx/generic.csv"
check "tsv" --format csv "$fx/threads.tsv"
check "tsv forced" --input-format tsv --format json "$fx/threads.tsv"
check "jsonl" --format json "$fx/threads.jsonl"
check "jsonl map" --map annotator=annotator,label=label --format csv "$fx/threads.jsonl"
# Rankings: each shard keeps its annotators' ranking counters and parsed
# rankings, merged at finish under the merged label and annotator ids.
check "rankings jsonl" --format json "$fx/rankings.jsonl"
check "rankings jsonl csv" --format csv "$fx/rankings.jsonl"
check "rankings wmt" --format json "$fx/wmt_ranking.csv"
check "rankings labelstudio" --format json "$fx/labelstudio_ranker.json"
check "rankings argilla" --format json tests/fixtures/records/argilla_v1_ranking.jsonl
check "bad row" --format csv "$fx/threads_bad.csv"
check "bad quote" --format csv "$fx/threads_badquote.csv"
check "bad utf-8" --format csv "$fx/invalid_utf8.csv"
check "impossible date" --format csv "$fx/impossible_date.csv"
check "long line" --format csv "$fx/long_line.csv"
# Items are numbered once, each in the table of its hash class (one class
# per thread): more threads, so that some classes hold few items (the item
# count and the assessment file; the kept pairs' item strings by those ids
# are checked in tests/unit/test_assess_pairs.c).
for t in 4 7; do
    for f in "$fx/generic.csv" "$fx/rankings.jsonl" "$fx/threads_quoted.csv"; do
        "$prefmon" assess --format json --out "$tmp/o1.json" "$f" >"$tmp/j1" 2>&1
        PREFMON_CHUNK_BYTES=61 "$prefmon" assess --threads $t --format json --out "$tmp/o$t.json" \
            "$f" >"$tmp/j$t" 2>&1
        runs=$((runs + 1))
        if ! cmp -s "$tmp/j1" "$tmp/j$t" || ! cmp -s "$tmp/o1.json" "$tmp/o$t.json"; then
            echo "DIFFERENT: $f --threads $t --out"
            diff "$tmp/o1.json" "$tmp/o$t.json" | head -5
            fail=1
        fi
    done
done
# Over --max-memory: the same message but for the bytes needed (each
# shard has tables of its own: threads hold more).
for t in 1 2 3; do
    PREFMON_CHUNK_BYTES=61 "$prefmon" assess --threads $t --max-memory 1000 \
        "$fx/threads_quoted.csv" 2>&1 >/dev/null | sed 's/; [0-9]* bytes needed/; N bytes needed/' >"$tmp/m$t"
done
grep -q 'threads_quoted.csv:2: assess: memory limit of 1000 bytes reached after 0 rows' "$tmp/m1" &&
    cmp -s "$tmp/m1" "$tmp/m2" && cmp -s "$tmp/m1" "$tmp/m3" || {
    echo "DIFFERENT: --max-memory messages"
    cat "$tmp/m1" "$tmp/m2"
    fail=1
}
# Standard input is read by one thread (through the shards).
"$prefmon" assess --format csv - <"$fx/threads_quoted.csv" >"$tmp/s1.out" 2>"$tmp/s1.err"
"$prefmon" assess --threads 2 --format csv - <"$fx/threads_quoted.csv" >"$tmp/s2.out" 2>"$tmp/s2.err"
if ! cmp -s "$tmp/s1.out" "$tmp/s2.out" || ! cmp -s "$tmp/s1.err" "$tmp/s2.err"; then
    echo "DIFFERENT: standard input with --threads 2"
    fail=1
fi
# The first error is the one-thread error (checked above): also that it is
# the timestamp at line 539, not the duration after it.
PREFMON_CHUNK_BYTES=61 "$prefmon" assess --threads 3 "$fx/threads_bad.csv" 2>"$tmp/bad.err" >/dev/null
grep -q 'threads_bad.csv:539:26: field .timestamp.' "$tmp/bad.err" || {
    echo "WRONG first error: $(cat "$tmp/bad.err")"
    fail=1
}
echo "$runs runs compared"
exit $fail
