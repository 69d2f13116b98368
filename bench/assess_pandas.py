#!/usr/bin/python3
"""The pandas peer of bench_assess: the same per-annotator computation
(pairs in timestamp order, consistent pairs, q0, gold agreement, left rate,
median duration) on the log bench_assess writes, timed (CPU seconds of this
process, like bench_assess) without and with reading the file.

    build/bench_assess 2000000 1000 0.1 /tmp/log.tsv
    /usr/bin/python3 bench/assess_pandas.py /tmp/log.tsv
    /usr/bin/python3 bench/assess_pandas.py --csv LOG.csv TABLE.csv   (assess_shapes.sh)

Debian's python3-pandas (scripts/install-deps.sh bench).
"""
import sys
import time

import pandas as pd


def assess(df):
    """Per annotator: labels, dup_pairs, consistent, q0, gold_n, gold_agree,
    left_rate, median_duration. The optional columns (gold, shown_left,
    timestamp, duration) may be absent, as in prefmon's generic format."""
    df = df.assign(seq=range(len(df)))
    if "timestamp" in df:
        all_ts = df.groupby("annotator")["timestamp"].transform(lambda s: s.notna().all())
        df["okey"] = df["timestamp"].where(all_ts, df["seq"].astype(float))
    else:
        df["okey"] = df["seq"].astype(float)
    d = df.sort_values(["annotator", "item", "okey", "seq"], kind="mergesort")
    prev = d.groupby(["annotator", "item"], sort=False)["label"].shift()
    has = prev.notna()
    pairs = has.groupby(d["annotator"]).sum()
    consistent = (d["label"] == prev)[has].groupby(d["annotator"][has]).sum()
    share = df.groupby("annotator")["label"].value_counts(normalize=True)
    q0 = (share ** 2).groupby(level=0).sum()
    out = {"labels": df.groupby("annotator").size(), "dup_pairs": pairs,
           "consistent": consistent, "q0": q0}
    if "gold" in df:
        g = df[df["gold"].notna()]
        out["gold_n"] = g.groupby("annotator").size()
        out["gold_agree"] = (g["label"] == g["gold"]).groupby(g["annotator"]).sum()
    if "shown_left" in df:
        s = df[df["label"].isin(["A", "B"]) & df["shown_left"].isin(["A", "B"])]
        out["left_rate"] = (s["label"] == s["shown_left"]).groupby(s["annotator"]).mean()
    if "duration" in df:
        out["median_duration"] = df.groupby("annotator")["duration"].median()
    res = pd.DataFrame(out).fillna({"consistent": 0, "gold_n": 0, "gold_agree": 0})
    for k in ("gold_n", "gold_agree", "left_rate", "median_duration"):
        if k not in res:
            res[k] = 0 if k.startswith("gold") else float("nan")
    return res


def read_log(path, sep=","):
    """A generic-format log as prefmon reads it: keys as strings, an ISO 8601
    timestamp as seconds (epoch seconds stay numbers)."""
    df = pd.read_csv(path, sep=sep, dtype={"annotator": str, "item": str, "label": str,
                                           "gold": str, "shown_left": str},
                     keep_default_na=False, na_values={"gold": [""], "timestamp": [""],
                                                       "duration": [""], "shown_left": [""]})
    if "timestamp" in df and df["timestamp"].dtype == object:
        df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True).astype("int64") / 1e9
    return df


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--csv":
        # bench/assess_shapes.sh: a CSV log in, the per-annotator table out
        assess(read_log(sys.argv[2])).to_csv(sys.argv[3], index_label="annotator")
        return
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
