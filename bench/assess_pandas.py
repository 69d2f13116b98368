#!/usr/bin/python3
"""The pandas peer of bench_assess: the same per-annotator computation
(pairs in timestamp order, consistent pairs, q0, gold agreement, left rate,
median duration) on the log bench_assess writes, timed (CPU seconds of this
process, like bench_assess) without and with reading the file.

    build/bench_assess 2000000 1000 0.1 /tmp/log.tsv
    /usr/bin/python3 bench/assess_pandas.py /tmp/log.tsv

Debian's python3-pandas (scripts/install-deps.sh bench).
"""
import sys
import time

import pandas as pd


def assess(df):
    df = df.assign(seq=range(len(df)))
    all_ts = df.groupby("annotator")["timestamp"].transform(lambda s: s.notna().all())
    df["okey"] = df["timestamp"].where(all_ts, df["seq"].astype(float))
    d = df.sort_values(["annotator", "item", "okey", "seq"], kind="mergesort")
    prev = d.groupby(["annotator", "item"], sort=False)["label"].shift()
    has = prev.notna()
    pairs = has.groupby(d["annotator"]).sum()
    consistent = (d["label"] == prev)[has].groupby(d["annotator"][has]).sum()
    share = df.groupby("annotator")["label"].value_counts(normalize=True)
    q0 = (share ** 2).groupby(level=0).sum()
    g = df[df["gold"].notna()]
    gold_n = g.groupby("annotator").size()
    gold_agree = (g["label"] == g["gold"]).groupby(g["annotator"]).sum()
    s = df[df["label"].isin(["A", "B"]) & df["shown_left"].isin(["A", "B"])]
    left = (s["label"] == s["shown_left"]).groupby(s["annotator"]).mean()
    med = df.groupby("annotator")["duration"].median()
    return pd.DataFrame({"labels": df.groupby("annotator").size(), "dup_pairs": pairs,
                         "consistent": consistent, "q0": q0, "gold_n": gold_n,
                         "gold_agree": gold_agree, "left_rate": left,
                         "median_duration": med}).fillna({"consistent": 0})


def main():
    path = sys.argv[1]
    t0 = time.process_time()
    df = pd.read_csv(path, sep="\t", dtype={"annotator": str, "item": str, "label": str,
                                            "gold": str, "shown_left": str})
    t1 = time.process_time()
    out = assess(df)
    t2 = time.process_time()
    n = len(df)
    print("pandas %s: rows %d  annotators %d  pairs %d" % (pd.__version__, n, len(out),
                                                          int(out["dup_pairs"].sum())))
    print("read_csv             %8.3f s  %6.2f M rows/s" % (t1 - t0, n / (t1 - t0) / 1e6))
    print("per-annotator table  %8.3f s  %6.2f M rows/s" % (t2 - t1, n / (t2 - t1) / 1e6))
    print("read + table         %8.3f s  %6.2f M rows/s" % (t2 - t0, n / (t2 - t0) / 1e6))


if __name__ == "__main__":
    main()
