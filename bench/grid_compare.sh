#!/bin/sh
# The grid mode against NumPy, in one run, on the same reduced grid (full
# effort, tau and bonus axes; base restricted to 40 points so NumPy's 4-D
# arrays fit in memory): identical optima, and the speed ratio.
#   sh bench/grid_compare.sh BUILD_DIR [--native-simd]
# --native-simd keeps NumPy's AVX-512 exp/power kernels (which round
# differently from glibc in the last ulp); by default they are switched off
# so both sides see the same doubles. NumPy's timing excludes its exact
# binomial table (scipy would take milliseconds); C's includes everything.
set -eu
build=${1:-build}
simd=${2:-}
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bench_grid" --reduced --threads 1 >"$tmp/c1.tsv"
"$build/bench_grid" --reduced >"$tmp/c.tsv"
$py bench/grid_numpy.py --reduced $simd >"$tmp/np.tsv"
$py - "$tmp/c1.tsv" "$tmp/c.tsv" "$tmp/np.tsv" "$build/bench_grid --reduced" "$simd" <<'EOF'
import sys
import numpy


def load(path):
    head, rows = [], []
    for line in open(path):
        if line.startswith("#"):
            head.append(line.rstrip())
            continue
        rows.append(line.rstrip("\n").split("\t"))
    return head, rows[0], rows[1:]


head, cols, c1 = load(sys.argv[1])
_, _, c2 = load(sys.argv[2])
_, _, nps = load(sys.argv[3])
print("\n".join(h for h in head if not h.startswith("# command")))
print(f"# command: sh bench/grid_compare.sh {sys.argv[4].split()[0].rsplit('/', 1)[0]} "
      f"{sys.argv[5]}".rstrip())
print(f"# numpy {numpy.__version__} (/usr/bin/python3), AVX-512 kernels "
      f"{'on' if sys.argv[5] else 'off'}; grid 101 eta x 51 tau x 200 c1 x 40 c2 "
      "(c2 = -1.00 .. 0.95)")
bad = 0
print(f"{'type':7} {'n':>4} {'C 1 thr s':>10} {'C auto s':>9} {'NumPy s':>9} "
      f"{'ratio 1thr':>10} {'ratio auto':>10}  optima")
tot = [0.0, 0.0, 0.0]
for a, b, p in zip(c1, c2, nps):
    same = True
    for k, name in enumerate(cols[:-1]):
        if name.endswith("_pu") or name.endswith("_au"):
            same &= abs(float(a[k]) - float(p[k])) <= 1e-12 and a[k] == b[k]
        else:
            same &= a[k] == p[k] == b[k]
    bad += not same
    t = [float(a[-1]), float(b[-1]), float(p[-1])]
    tot = [x + y for x, y in zip(tot, t)]
    print(f"{a[0]:7} {a[3]:>4} {t[0]:10.4f} {t[1]:9.4f} {t[2]:9.3f} {t[2] / t[0]:10.0f} "
          f"{t[2] / t[1]:10.0f}  {'identical' if same else 'DIFFERENT'}")
print(f"{'total':12} {tot[0]:10.4f} {tot[1]:9.4f} {tot[2]:9.3f} {tot[2] / tot[0]:10.0f} "
      f"{tot[2] / tot[1]:10.0f}  {len(c1) - bad}/{len(c1)} identical")
sys.exit(1 if bad else 0)
EOF
