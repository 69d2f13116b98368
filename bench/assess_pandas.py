#!/usr/bin/python3
"""The pandas peer of `prefmon assess` for bench/assess_compare.sh.

The same per-annotator computation on a generic long CSV log
(annotator,item,label[,...]) in input order: consecutive pairs of an
annotator's repeated labels of one item, consistency, q0 = sum of squared
label shares, eta_hat, the Clopper-Pearson interval mapped to effort, the
exact p-value P(X >= x | m(eta0)) and the likelihood-ratio decision. Written
the way a data scientist would (groupby + shift), vectorised, no Python loop
over rows.

    usage: bench/assess_pandas.py LOG.csv [--delta 0.02 --eta0 0.8 --eta1 1 --level 0.95]

Prints one line per annotator to OUT (default /dev/null) and the row count.
Interpreter: Debian's /usr/bin/python3 with python3-pandas and python3-scipy.
"""
import argparse
import sys

import numpy as np
import pandas as pd
from scipy import stats


def assess(df, delta, eta0, eta1, level):
    df = df[["annotator", "item", "label"]]
    # Pairs: within (annotator, item), each label against the one before it
    # (stable order = input order).
    prev = df.groupby(["annotator", "item"], sort=False)["label"].shift()
    paired = prev.notna()
    same = (df["label"] == prev) & paired
    per = pd.DataFrame({"annotator": df["annotator"], "pair": paired, "same": same})
    g = per.groupby("annotator", sort=True)
    out = pd.DataFrame({"labels": g.size(), "dup_pairs": g["pair"].sum(),
                        "consistent": g["same"].sum()})
    shares = df.groupby(["annotator", "label"]).size() / df.groupby("annotator").size()
    out["q0"] = (shares ** 2).groupby(level=0).sum()
    n = out["dup_pairs"].to_numpy(dtype=float)
    x = out["consistent"].to_numpy(dtype=float)
    q0 = out["q0"].to_numpy()
    s = 1 - delta
    with np.errstate(divide="ignore", invalid="ignore"):
        cons = np.where(n > 0, x / n, np.nan)
        span = s - q0
        a = (1 - level) / 2
        lo = np.where(x > 0, stats.beta.ppf(a, x, n - x + 1), 0.0)
        hi = np.where(x < n, stats.beta.ppf(1 - a, x + 1, n - x), 1.0)
        out["consistency"] = cons
        out["eta_hat"] = np.clip((cons - q0) / span, 0, 1)
        out["ci_low"] = np.clip((lo - q0) / span, 0, 1)
        out["ci_high"] = np.clip((hi - q0) / span, 0, 1)
        m0 = q0 + eta0 * span
        m1 = q0 + eta1 * span
        out["p_value"] = stats.binom.sf(x - 1, n, m0)
        # LR rule: diligent iff x log(m1/m0) + (n-x) log((1-m1)/(1-m0)) >= 0.
        llr = x * np.log(m1 / m0) + (n - x) * np.log((1 - m1) / (1 - m0))
    dec = np.where(n == 0, "no-pairs", np.where(llr >= 0, "pass", "fail"))
    dec = np.where(span <= 0, "no-pairs", dec)
    out["decision"] = dec
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--delta", type=float, default=0.02)
    ap.add_argument("--eta0", type=float, default=0.8)
    ap.add_argument("--eta1", type=float, default=1.0)
    ap.add_argument("--level", type=float, default=0.95)
    ap.add_argument("--out", default="/dev/null")
    a = ap.parse_args()
    df = pd.read_csv(a.log, dtype=str, keep_default_na=False, engine="c")
    out = assess(df, a.delta, a.eta0, a.eta1, a.level)
    out.to_csv(a.out)
    print(f"pandas: {len(df)} rows, {len(out)} annotators", file=sys.stderr)


if __name__ == "__main__":
    main()
