#!/usr/bin/python3
"""Check an `assess --format csv` golden against an independent computation.

The reference is tests/spec/gen/gen_assess.py's (pandas for the table,
mpmath at 60 digits for the statistics: its pair_table, counts, effort,
side_flags, cbw_flags, fast_flags, delta_estimate), applied to the log read
here with pandas (not prefmon's readers). Every column of every row is
compared: integers and words exactly, numbers to a relative 1e-12.

    /usr/bin/python3 tests/cli/check_assess.py FORMAT LOG [GOLD] GOLDEN.csv [--delta estimate]

FORMAT is gal (worker TAB item TAB label) or csv (generic long format with
annotator,item,label and optional gold, shown_left, timestamp, duration;
left/right labels are mapped through shown_left). The golden's parameter
columns give the configuration. Exit 0 when everything matches.
"""
import csv
import math
import os
import sys

import pandas as pd
from mpmath import mp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "spec", "gen"))
import gen_assess as ga  # noqa: E402
import gen_binom as gb  # noqa: E402


def read_gal(path):
    df = pd.read_csv(path, sep="\t", header=None, names=["annotator", "item", "label"], dtype=str,
                     keep_default_na=False, quoting=csv.QUOTE_NONE)
    for c in ("gold", "shown_left"):
        df[c] = "-"
    df["timestamp"] = float("nan")
    df["duration"] = float("nan")
    return df


def read_generic(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = df[df["label"] != ""].copy()  # an empty label is a skipped row
    for c in ("gold", "shown_left"):
        df[c] = df[c].replace("", "-") if c in df else "-"
    left = df["label"] == "left"
    right = df["label"] == "right"
    other = df["shown_left"].map({"A": "B", "B": "A"})
    df.loc[left, "label"] = df.loc[left, "shown_left"]
    df.loc[right, "label"] = other[right]
    ts = df["timestamp"] if "timestamp" in df else pd.Series("", index=df.index)
    num = pd.to_numeric(ts, errors="coerce")
    iso = pd.to_datetime(ts.where(num.isna() & (ts != "")), utc=True, errors="raise")
    df["timestamp"] = num.fillna((iso - pd.Timestamp(0, tz="UTC")).dt.total_seconds())
    df["duration"] = pd.to_numeric(df["duration"]) if "duration" in df else float("nan")
    return df


def apply_gold(df, path):
    gold = {}
    for line in open(path, encoding="utf-8"):
        item, label = line.rstrip("\n").split("\t")
        gold[item] = label
    has = df["gold"] == "-"
    df.loc[has, "gold"] = df.loc[has, "item"].map(gold).fillna("-")


def expected(df, cfg):
    """Rows as gen_assess.assess computes them, as strings/mp values."""
    df = df.reset_index(drop=True)
    df["seq"] = range(len(df))
    t = ga.counts(df, ga.pair_table(df))
    delta = cfg[1]
    if delta is None:
        delta = ga.delta_estimate(t, cfg[3])[0]
    rows, dec, flags = {}, {}, {}
    for a, r in t.iterrows():
        q0 = gb.D(cfg[2]) if cfg[2] is not None else mp.mpf(r.q0.numerator) / r.q0.denominator
        rows[a] = (q0,) + ga.effort(r, q0, delta, cfg)
        dec[a], flags[a] = rows[a][5], set(rows[a][6])
    for f, fl in (("same-side", ga.side_flags(t, cfg[9])),
                  ("consistent-but-wrong", ga.cbw_flags(t, dec, cfg[9])),
                  ("too-fast", ga.fast_flags(t, cfg[7], cfg[8]))):
        for a, on in fl.items():
            if on:
                flags[a].add(f)
    out = {}
    for a, r in t.iterrows():
        q0, eta, lo, hi, p, d, _ = rows[a]
        n = int(r.dup_pairs)
        out[a] = {"labels": int(r.labels), "dup_pairs": n, "consistent": int(r.consistent),
                  "consistency": mp.mpf(int(r.consistent)) / n if n else None, "q0": q0,
                  "eta_hat": eta, "ci_low": lo, "ci_high": hi, "p_value": p, "decision": d,
                  "gold_n": int(r.gold_n), "gold_agree": int(r.gold_agree),
                  "gold_rate": mp.mpf(int(r.gold_agree)) / int(r.gold_n) if r.gold_n else None,
                  "left_rate": mp.mpf(int(r.left_k)) / int(r.left_n) if r.left_n else None,
                  "median_duration": (gb.D(r.median_duration)
                                      if pd.notna(r.median_duration) else None),
                  "flags": ",".join(f for f in ga.FLAGS if f in flags[a])}
    return out, delta


def same(want, got):
    if want is None or (isinstance(want, mp.mpf) and mp.isnan(want)):
        return got == ""
    if isinstance(want, (int, str)):
        return str(want) == got
    g = float(got)
    return abs(g - float(want)) <= 1e-12 * max(abs(float(want)), 1e-300) or g == float(want)


def main():
    mp.dps = gb.DPS
    args = sys.argv[1:]
    estimate = args[-2:] == ["--delta", "estimate"]
    if estimate:
        args = args[:-2]
    fmt, log, golden = args[0], args[1], args[-1]
    df = read_gal(log) if fmt == "gal" else read_generic(log)
    if len(args) == 4:
        apply_gold(df, args[2])
    got = list(csv.DictReader(open(golden, encoding="utf-8")))
    p = got[0]
    num = lambda k: float(p[k]) if p[k] != "" else None
    cfg = ("check", None if estimate else num("delta"),
           None if p["q0_source"] == "per-annotator" else num("q0"), num("level"), num("eta0"),
           num("eta1"), num("max_error"), num("min_duration"), num("fast_ratio"),
           num("flag_alpha"))
    want, delta = expected(df, cfg)
    bad = 0
    if [r["annotator"] for r in got] != sorted(want, key=lambda s: s.encode()):
        print("annotators differ")
        bad += 1
    for r in got:
        w = want.get(r["annotator"], {})
        for k, v in w.items():
            if not same(v, r[k]):
                print("%s %s: golden %s, reference %s" % (r["annotator"], k, r[k], v))
                bad += 1
        if not same(mp.mpf(delta), r["delta"]):
            print("%s delta: golden %s, reference %s" % (r["annotator"], r["delta"], delta))
            bad += 1
    print("%s: %d annotators, %d pairs, %d mismatches" % (
        golden, len(got), sum(v["dup_pairs"] for v in want.values()), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
