#!/bin/sh
# `prefmon assess` on four shapes of log (bench/gen_shapes.c: sessions as
# gen_log.awk writes them, a task-ordered export of 2,000 interleaved
# annotators, a rich log with gold, sides, ISO timestamps and durations on
# every row, a public crowd of ROWS / 10 annotators with about 10 labels
# each), each with --threads 1 and 2, and the pandas peer of the same
# per-annotator computation (bench/assess_pandas.py) on the same file in the
# same run; checks that both give the same per-annotator numbers and that
# the two thread counts give the same bytes, and prints per shape and run:
# rows, distinct keys, wall s, CPU s, rows/s (wall), peak RSS, RSS bytes per
# key, and pandas' CPU time over prefmon's (prefmon: 3 runs each: the first
# after PAUSE seconds idle, default 10, then two back to back; the first,
# the best and the worst are shown).
# Beside them, 3 runs each of the two ways of bench/assess_floor.c: the least
# work of any assess on the log (split three fields, number annotator and
# item, find the key, count pairs: no checks, no other columns), one thread,
# streaming with tables sized up front ("floor") and radix-partitioned by item
# ("floor, par"): the yardstick for how far prefmon is from what this machine
# can do. Machine, load before and after,
# date and commit head the output.
#
#   sh bench/assess_shapes.sh BUILD_DIR [ROWS]     (ROWS default 10000000;
#                                                  SHAPES="crowd" for some only)
#
# The machine is shared: the load averages say how much the wall times
# mean; CPU seconds are steadier. Takes about 10-12 minutes at 10 M rows.
#
# Why the pause: this VM's host takes back the memory a process frees (as
# free 2 MiB blocks, after a second or two), and the next process to touch
# it waits for the host to back it again. A run straight after another
# reuses memory still backed; a user's one run a week does not. The first
# run ("cold s") is that user's; the other two show the machine warm.
set -eu
build=${1:-build}
rows=${2:-10000000}
py=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-shapes.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
[ -x /usr/bin/time ] || { echo "assess_shapes: needs GNU time (/usr/bin/time)" >&2; exit 2; }
cc -O2 -o "$tmp/gen_shapes" "$here/gen_shapes.c"
cc -O2 -o "$tmp/assess_floor" "$here/assess_floor.c"

echo "# machine: $(uname -m), $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
echo "# date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "# commit:  $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# prefmon $("$build/prefmon" --version); $($py -c 'import pandas, sys; print("pandas", pandas.__version__, "python", sys.version.split()[0])')"
echo "# per thread count, 3 runs: wall s of the first (after ${PAUSE:-10} s idle: cold), the best"
echo "# and the worst, CPU s (user + system),"
echo "# Mrows/s and peak RSS of the best run; pandas/: pandas' CPU s over prefmon's"
printf '%-9s %-10s %9s %9s %7s %7s %7s %7s %8s %8s %8s %7s\n' shape run rows keys "cold s" "best s" "worst s" \
    "CPU s" "Mrows/s" "RSS MB" "B/key" "pandas/"
bad=0
for shape in ${SHAPES:-sessions task rich crowd}; do
    log=$tmp/$shape.csv
    "$tmp/gen_shapes" "$shape" "$rows" >"$log"
    # Three runs per thread count, the first after a pause (see above).
    for t in 1 2; do
        : >"$tmp/t$t.runs"
        for run in 1 2 3; do
            [ "$run" = 1 ] && sleep "${PAUSE:-10}"
            /usr/bin/time -o "$tmp/t$t.time" -f '%e %U %S %M' "$build/prefmon" assess \
                --threads $t --format csv "$log" >"$tmp/t$t.csv" 2>"$tmp/t$t.err" ||
                { cat "$tmp/t$t.err"; exit 1; }
            tail -1 "$tmp/t$t.time" >>"$tmp/t$t.runs"
        done
    done
    # The floor (bench/assess_floor.c): the keys-only least work, tables
    # sized from prefmon's counts; its pairs must be prefmon's.
    items=$(sed -n 's/^# [0-9]* annotators, \([0-9]*\) items, \([0-9]*\) (annotator, item) keys.*/\1/p' "$tmp/t1.err")
    keys=$(sed -n 's/^# [0-9]* annotators, [0-9]* items, \([0-9]*\) (annotator, item) keys.*/\1/p' "$tmp/t1.err")
    : >"$tmp/f.runs"
    : >"$tmp/pf.runs"
    for run in 1 2 3; do
        [ "$run" = 1 ] && sleep "${PAUSE:-10}"
        /usr/bin/time -o "$tmp/f.time" -f '%e %U %S %M' "$tmp/assess_floor" "$log" "$items" "$keys" \
            >"$tmp/f.out"
        tail -1 "$tmp/f.time" >>"$tmp/f.runs"
        [ "$run" = 1 ] && sleep "${PAUSE:-10}"
        /usr/bin/time -o "$tmp/pf.time" -f '%e %U %S %M' "$tmp/assess_floor" --partitioned "$log" \
            >"$tmp/pf.out"
        tail -1 "$tmp/pf.time" >>"$tmp/pf.runs"
    done
    if ! cmp -s "$tmp/t1.csv" "$tmp/t2.csv"; then
        echo "DIFFERENT output with --threads 2 on $shape"
        bad=1
    fi
    /usr/bin/time -o "$tmp/p.time" -f '%e %U %S %M' $py "$here/assess_pandas.py" --csv "$log" \
        "$tmp/p.csv"
    $py - "$shape" "$rows" "$tmp" <<'PYEOF' || bad=1
import csv, math, sys
shape, rows, tmp = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = {r["annotator"]: r for r in csv.DictReader(open(tmp + "/t1.csv"))}
p = {r["annotator"]: r for r in csv.DictReader(open(tmp + "/p.csv"))}
err = open(tmp + "/t1.err").read()
keys = int(err.split(" (annotator, item) keys")[0].split(",")[-1])
def num(s):
    return float(s) if s not in ("", "nan") else math.nan
def close(a, b):
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9 * max(1.0, abs(a))
bad = 0 if sorted(c) == sorted(p) else 1
for a in sorted(set(c) & set(p)):
    for k in ("labels", "dup_pairs", "consistent", "gold_n", "gold_agree"):
        bad += int(c[a][k]) != int(float(p[a][k] or 0))
    for k in ("q0", "left_rate", "median_duration"):
        bad += not close(num(c[a][k]), num(p[a][k]))
def runs(name):
    f = tmp + "/" + name + (".runs" if name != "p" else ".time")
    return [[float(x) for x in l.split()[-4:]] for l in open(f) if l.strip()][-3:]
pt = runs("p")[-1]
# both floors counted the same pairs as prefmon
ppairs = int(err.split(" pairs\n")[0].split(",")[-1])
for f in ("f", "pf"):
    fpairs = int(open(tmp + "/" + f + ".out").read().split(" pairs,")[0].split(",")[-1])
    if fpairs != ppairs:
        print("%s: the %s floor counted %d pairs, prefmon %d" % (shape, f, fpairs, ppairs))
        bad += 1
for name, run in (("t1", "threads 1"), ("t2", "threads 2"), ("f", "floor"),
                  ("pf", "floor, par"), ("p", "pandas")):
    first = runs(name)[0][0]
    rs = sorted(runs(name))  # by wall time: the best first
    w, u, s_, m = rs[0]
    worst = rs[-1][0]
    print("%-9s %-10s %9d %9d %7.2f %7.2f %7.2f %7.2f %8.2f %8.0f %8.1f %7s" % (
        shape, run, rows, keys, first, w, worst, u + s_, rows / w / 1e6, m / 1024, m * 1024 / keys,
        "%.1fx" % ((pt[1] + pt[2]) / (u + s_)) if name in ("t1", "t2") else ""))
if bad:
    print("%s: prefmon and pandas DIFFER on %d per-annotator numbers" % (shape, bad))
sys.exit(1 if bad else 0)
PYEOF
    rm -f "$log"
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# per-annotator labels, dup_pairs, consistent, q0, gold_n, gold_agree, left_rate,"
echo "# median_duration: $([ $bad = 0 ] && echo 'identical in prefmon and pandas, and for both thread counts' || echo DIFFERENT)"
exit $bad
