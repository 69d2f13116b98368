#!/bin/sh
# Default data files are found wherever prefmon runs (pm_data_path):
#   1. simulate and reproduce with their default data, run from an empty
#      directory outside the repository, print what they print from the
#      repository root (they used to exit 3: the default was a path
#      relative to the working directory);
#   2. PREFMON_DATADIR comes first: pointed at a directory whose
#      ultrafeedback-sample.jsonl is another data set, simulate's default
#      is that file, exactly as --items FILE.
# usage: tests/cli/data_path.sh PREFMON (run from the repository root)
set -eu
P=$1
case $P in /*) ;; *) P=$PWD/$P ;; esac
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset PREFMON_DATADIR
sim='simulate --annotators 4 --queue-length 30 --dup-count 6 --seed 5'
rep='reproduce --table datasets --format csv'
fail=0
check() { # name expected actual
    if ! cmp -s "$2" "$3"; then
        echo "data_path: $1 differs:" >&2
        diff -u "$2" "$3" >&2 || true
        fail=1
    fi
}
$P $sim >"$tmp/sim.root" 2>&1
$P $rep >"$tmp/rep.root" 2>&1
mkdir "$tmp/elsewhere"
(cd "$tmp/elsewhere" && $P $sim >"$tmp/sim.away" 2>&1) || { echo "data_path: simulate from $tmp/elsewhere exits $?" >&2; cat "$tmp/sim.away" >&2; exit 1; }
(cd "$tmp/elsewhere" && $P $rep >"$tmp/rep.away" 2>&1) || { echo "data_path: reproduce from $tmp/elsewhere exits $?" >&2; cat "$tmp/rep.away" >&2; exit 1; }
check "simulate outside the repository" "$tmp/sim.root" "$tmp/sim.away"
check "reproduce outside the repository" "$tmp/rep.root" "$tmp/rep.away"
mkdir "$tmp/datadir"
# another data set: the last 300 items of the default one
tail -n 300 "$root/data/ultrafeedback-sample.jsonl" >"$tmp/datadir/ultrafeedback-sample.jsonl"
(cd "$tmp/elsewhere" && PREFMON_DATADIR="$tmp/datadir" $P $sim >"$tmp/sim.env" 2>&1)
(cd "$tmp/elsewhere" && $P $sim --items "$tmp/datadir/ultrafeedback-sample.jsonl" >"$tmp/sim.items" 2>&1)
check "simulate with PREFMON_DATADIR" "$tmp/sim.items" "$tmp/sim.env"
if cmp -s "$tmp/sim.root" "$tmp/sim.env"; then
    echo "data_path: PREFMON_DATADIR was not used (same output as the default data)" >&2
    fail=1
fi
[ $fail -eq 0 ] && echo "data_path: default data found from $tmp/elsewhere and through PREFMON_DATADIR"
exit $fail
