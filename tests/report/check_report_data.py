#!/usr/bin/python3
"""Re-derive the numbers behind the report's plots, independently of prefmon.

    usage: check_report_data.py PREFMON   (run from the repository root)

Runs `prefmon report --format json` on the committed fixtures
(tests/cli/fixtures/report) and checks, from the input files alone:
  - consistency = consistent / pairs, and the annotators plotted are
    exactly those with pairs;
  - the Clopper-Pearson interval at the level, by mpmath: the lower end
    solves I_lo(x, n-x+1) = 1 - (1-level)/2, the upper I_hi(x+1, n-x) =
    (1-level)/2 (regularized incomplete beta), to 1e-9;
  - the threshold k: the smallest x whose binomial log-likelihood ratio of
    m1 = q0 + eta1 (1-delta-q0) against m0 = q0 + eta0 (1-delta-q0) is >= 0
    (ties to H1), computed in mpmath;
  - the gap row marked chosen is the contract file's own normalized gap;
  - the wage histogram counts every row of the payments file once, in the
    bin [from, to) that holds its wage, bins of equal width.
"""
import csv
import json
import subprocess
import sys
from decimal import Decimal

import mpmath as mp

mp.mp.dps = 40
FIX = "tests/cli/fixtures/report"
ASSESS = f"{FIX}/assessment.json"
CONTRACT = "tests/cli/fixtures/pay/contract-binary.json"
PAYMENTS = f"{FIX}/payments.csv"


def cp(x, n, level):
    a = (1 - mp.mpf(level)) / 2
    lo = mp.mpf(0) if x == 0 else mp.findroot(
        lambda p: mp.betainc(x, n - x + 1, 0, p, regularized=True) - a, (mp.mpf(1e-12), 1 - mp.mpf(1e-12)),
        solver="bisect", tol=mp.mpf(10) ** -30)
    hi = mp.mpf(1) if x == n else mp.findroot(
        lambda p: mp.betainc(x + 1, n - x, 0, p, regularized=True) - (1 - a), (mp.mpf(1e-12), 1 - mp.mpf(1e-12)),
        solver="bisect", tol=mp.mpf(10) ** -30)
    return lo, hi


def lr_threshold(n, q0, delta, eta0, eta1):
    q0, delta = mp.mpf(q0), mp.mpf(delta)
    m0 = q0 + mp.mpf(eta0) * (1 - delta - q0)
    m1 = q0 + mp.mpf(eta1) * (1 - delta - q0)
    for x in range(n + 1):
        llr = x * mp.log(m1 / m0) + (n - x) * (mp.log(1 - m1) - mp.log(1 - m0)) if m1 < 1 else (
            mp.inf if x == n else -mp.inf)
        if llr >= 0:
            return x
    return n + 1


def close(a, b, tol=1e-9):
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


def main():
    prefmon = sys.argv[1]
    out = subprocess.run([prefmon, "report", "--assess", ASSESS, "--contract", CONTRACT, "--payments",
                          PAYMENTS, "--out", "/dev/null", "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    rep = json.loads(out)
    assess = json.load(open(ASSESS))
    contract = json.load(open(CONTRACT))
    par = assess["parameters"]
    delta = assess["summary"]["delta"]
    problems = []
    with_pairs = {a["annotator"]: a for a in assess["annotators"] if a["dup_pairs"] > 0}
    got = {r["annotator"]: r for r in rep["consistency"]}
    if set(got) != set(with_pairs):
        problems.append(f"plotted {sorted(got)}, annotators with pairs {sorted(with_pairs)}")
    for name, a in with_pairs.items():
        r = got.get(name)
        if r is None:
            continue
        n, x = a["dup_pairs"], a["consistent"]
        lo, hi = cp(x, n, par["level"])
        k = lr_threshold(n, a["q0"], delta, par["eta0"], par["eta1"])
        checks = [("consistency", r["consistency"], mp.mpf(x) / n), ("ci_low", r["ci_low"], lo),
                  ("ci_high", r["ci_high"], hi), ("threshold_k", r["threshold_k"], k),
                  ("threshold", r["threshold"], mp.mpf(k) / n), ("q0", r["q0"], a["q0"])]
        for field, have, want in checks:
            if not close(have, want):
                problems.append(f"{name}: {field} {have} != {mp.nstr(want, 17)}")
    chosen = [g for g in rep["gap"] if g["chosen"]]
    if len(chosen) != 1 or chosen[0]["n"] != contract["n"] or chosen[0]["type"] != contract["type"] \
            or not close(chosen[0]["normalized_gap"], contract["normalized_gap"], 1e-9):
        problems.append(f"chosen gap rows {chosen} do not match the contract file")
    wages = [Decimal(r["wage"]) for r in csv.DictReader(open(PAYMENTS, newline=""))]
    bins = [(Decimal(b["wage_from"]), Decimal(b["wage_to"]), b["annotators"]) for b in rep["wage_histogram"]]
    widths = {hi - lo for lo, hi, _ in bins}
    if len(widths) != 1:
        problems.append(f"bin widths differ: {widths}")
    for lo, hi, count in bins:
        want = sum(1 for w in wages if lo <= w < hi)
        if count != want:
            problems.append(f"bin [{lo}, {hi}): {count} annotators, the file has {want}")
    if sum(c for _, _, c in bins) != len(wages):
        problems.append(f"the bins hold {sum(c for _, _, c in bins)} wages of {len(wages)}")
    for p in problems:
        print(f"check_report_data.py: FAIL: {p}")
    if not problems:
        print(f"check_report_data.py: ok: {len(got)} annotators (consistency, interval, threshold), "
              f"chosen gap, {len(bins)} wage bins")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
