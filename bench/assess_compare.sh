#!/bin/sh
# `prefmon assess` end to end against pandas on the same synthetic log, in
# one run: rows/s (wall and CPU), peak RSS, bytes per distinct (annotator,
# item) key, and a check that both computed the same per-annotator numbers
# (labels, dup_pairs, consistent, q0, gold_n, gold_agree, left_rate,
# median_duration), so that the speed ratio compares the same computation.
#
#   sh bench/assess_compare.sh BUILD_DIR [ROWS]     (ROWS default 10000000)
#
# The log is written by BUILD_DIR/bench_assess ROWS 1000 0.1 LOG (TSV with
# a header: annotator, item, label, gold, shown_left, timestamp, duration;
# pairwise labels, every row timed, about one row in ten with gold), which
# then prints its own in-memory accumulator figures. The pandas side is
# bench/assess_pandas.py's assess() (Debian's python3-pandas under
# /usr/bin/python3; scripts/install-deps.sh bench), run as a whole process
# (interpreter start, read_csv, the table, writing it) like prefmon. Times
# come from /usr/bin/time (GNU time: %e wall, %U+%S CPU, %M peak RSS); on a
# shared machine the CPU time is the figure to compare.
set -eu
build=${1:-build}
rows=${2:-10000000}
py=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-assess-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log.tsv
[ -x /usr/bin/time ] || { echo "assess_compare: needs GNU time (/usr/bin/time)" >&2; exit 2; }

echo "# machine: $(uname -m), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "# date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC'); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# prefmon: $("$build/prefmon" --version); $($py -c 'import pandas, sys; print("pandas", pandas.__version__, "python", sys.version.split()[0])')"
echo "# commands:"
echo "#   $build/bench_assess $rows 1000 0.1 LOG"
echo "#   /usr/bin/time -f '%e %U %S %M' $build/prefmon assess --input-format tsv --format csv LOG"
echo "#   /usr/bin/time -f '%e %U %S %M' $py - LOG   (bench/assess_pandas.py's assess(), table to CSV)"
echo
echo "== generating $rows rows (bench_assess; its own in-memory figures follow)"
"$build/bench_assess" "$rows" 1000 0.1 "$log" | sed 's/^/   /'
echo "   log: $(wc -c <"$log") bytes"

/usr/bin/time -o "$tmp/c.time" -f '%e %U %S %M' \
    "$build/prefmon" assess --input-format tsv --format csv "$log" >"$tmp/c.csv" 2>"$tmp/c.err"
/usr/bin/time -o "$tmp/p.time" -f '%e %U %S %M' $py - "$log" "$tmp/p.csv" <<'PYEOF'
import sys
sys.path.insert(0, "bench")
import pandas as pd
from assess_pandas import assess
df = pd.read_csv(sys.argv[1], sep="\t", dtype={"annotator": str, "item": str, "label": str,
                                               "gold": str, "shown_left": str})
assess(df).to_csv(sys.argv[2], index_label="annotator")
PYEOF

$py - "$tmp/c.csv" "$tmp/p.csv" "$tmp/c.time" "$tmp/p.time" "$tmp/c.err" "$rows" <<'PYEOF'
import csv
import math
import sys

c = {r["annotator"]: r for r in csv.DictReader(open(sys.argv[1]))}
p = {r["annotator"]: r for r in csv.DictReader(open(sys.argv[2]))}
ct = [float(x) for x in open(sys.argv[3]).read().split()[-4:]]
pt = [float(x) for x in open(sys.argv[4]).read().split()[-4:]]
err = open(sys.argv[5]).read()
rows = int(sys.argv[6])
keys = int(err.split(" (annotator, item) keys")[0].split(",")[-1])


def num(s):
    return float(s) if s not in ("", "nan") else math.nan


def close(a, b):
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9 * max(1.0, abs(a))


bad = 0
if sorted(c) != sorted(p):
    print("DIFFERENT annotators: %d prefmon, %d pandas" % (len(c), len(p)))
    bad += 1
for a in sorted(set(c) & set(p)):
    for k in ("labels", "dup_pairs", "consistent", "gold_n", "gold_agree"):
        if int(c[a][k]) != int(float(p[a][k] or 0)):
            bad += 1
            if bad < 10:
                print("DIFFERENT %s %s: prefmon %s, pandas %s" % (a, k, c[a][k], p[a][k]))
    for k in ("q0", "left_rate", "median_duration"):
        if not close(num(c[a][k]), num(p[a][k])):
            bad += 1
            if bad < 10:
                print("DIFFERENT %s %s: prefmon %s, pandas %s" % (a, k, c[a][k], p[a][k]))
pairs = sum(int(r["dup_pairs"]) for r in c.values())
print("== %d rows, %d annotators, %d distinct (annotator, item) keys, %d pairs" % (
    rows, len(c), keys, pairs))
print("   per-annotator labels, dup_pairs, consistent, q0, gold_n, gold_agree, left_rate, "
      "median_duration: %s" % ("identical" if not bad else "%d DIFFERENCES" % bad))
print("%-16s %9s %9s %11s %11s %10s %12s" % ("", "wall s", "CPU s", "M rows/s", "M rows/s",
                                              "peak RSS", "RSS bytes"))
print("%-16s %9s %9s %11s %11s %10s %12s" % ("", "", "", "(wall)", "(CPU)", "MB", "per key"))
for name, t in (("prefmon assess", ct), ("pandas", pt)):
    cpu = t[1] + t[2]
    print("%-16s %9.2f %9.2f %11.2f %11.2f %10.0f %12.1f" % (
        name, t[0], cpu, rows / t[0] / 1e6, rows / cpu / 1e6, t[3] / 1024, t[3] * 1024 / keys))
print("pandas / prefmon: %.1fx wall, %.1fx CPU, %.1fx peak memory" % (
    pt[0] / ct[0], (pt[1] + pt[2]) / (ct[1] + ct[2]), pt[3] / ct[3]))
sys.exit(1 if bad else 0)
PYEOF
