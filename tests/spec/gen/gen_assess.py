#!/usr/bin/python3
"""Reference tables for include/prefmon/assess.h, computed independently.

Interpreter: Debian's /usr/bin/python3 with python3-pandas (the per-annotator
table) and python3-mpmath (exact statistics through gen_binom / gen_monitor's
kernels, dps = 60); no numpy code of prefmon's, no Rmath. Run from the
repository root:

    /usr/bin/python3 tests/spec/gen/gen_assess.py

It writes
  assess_log.tsv       a synthetic label log (seeded): annotators who are
                       careful, lazy, always-left, consistent-but-wrong (a
                       label fixed by the item, blind to content), one-label,
                       no-pairs, too fast, untimed (one label without a
                       timestamp, so input order), categorical, with ties,
                       gold, shown sides, durations and timestamps shuffled
                       out of input order; '-' marks a missing field;
  assess_expected_<config>.tsv   one row per annotator, for each CONFIGS
                       entry (the runner spec_assess.c holds the same list);
  assess_expected_summary.tsv    pooled counts and the delta estimate.

Method, per annotator (pandas):
  * pairs: sort each (annotator, item) group by timestamp when every label of
    that annotator has one, else by input position (ties by input position),
    and pair consecutive labels (groupby + shift); consistent = equal labels;
  * q0 = sum_k (c_k / n)^2 over the annotator's labels (exact fractions), or
    the fixed value; delta the fixed value or the estimate below;
  * eta_hat = clip((x/n - q0) / (1 - delta - q0)); Clopper-Pearson
    (gen_binom.cp_solve, roots of exact tails) mapped and clipped; p_value =
    P(X >= x | q0 + eta0 (1 - delta - q0)) exact; when 1 - delta <= q0 these
    are nan, flag one-label, decision too-few (no-pairs without pairs);
  * decision: the LR threshold k of gen_monitor.lr_k (robust to 1e-13 moves
    of m0, m1, asserted) and its exact errors; where that is too-few, the
    sequential rule on these pairs alone (see sequential()); too-few when type I + type II
    > max_error, else pass iff x >= k; low-effort = fail;
  * same-side: two-sided exact binomial p of left choices vs 1/2, Holm over
    annotators with a side; consistent-but-wrong: pass and P(X <= agree |
    gold_n, leave-one-out pooled gold rate) exact, Holm over those tested;
    too-fast: median < min_duration or < fast_ratio x median of medians
    (>= 3 annotators with durations); Holm decisions are asserted to be
    farther than 1e-6 (relative) from alpha;
  * delta estimate: Clopper-Pearson of every annotator with pairs and two or
    more distinct labels; those whose upper bound reaches the largest lower
    bound are pooled: delta = disagreeing / pairs, Clopper-Pearson interval.
"""

import datetime
import os
import random
import sys
from fractions import Fraction

import pandas as pd
from mpmath import mp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_binom as gb  # noqa: E402
import gen_monitor as gm  # noqa: E402

D = gb.D
DATA = gb.DATA
SCRIPT = "gen_assess.py"

# name, delta (None: estimate), q0 (None: per annotator), level, eta0, eta1,
# max_error, min_duration (None: off), fast_ratio, alpha
CONFIGS = [
    ("default", 0.02, None, 0.95, 0.8, 1.0, 0.2, None, 0.25, 0.05),
    ("estimate", None, None, 0.9, 0.6, 1.0, 0.3, 15.0, 0.0, 0.01),
    ("fixedq0", 0.05, 0.45, 0.95, 0.5, 0.95, 0.2, None, 0.25, 0.05),
]

COLUMNS = ["annotator", "labels", "dup_pairs", "consistent", "consistency", "q0", "eta_hat",
           "ci_low", "ci_high", "p_value", "decision", "gold_n", "gold_agree", "gold_rate",
           "left_rate", "median_duration", "flags"]
FLAGS = ["low-effort", "same-side", "too-fast", "consistent-but-wrong", "one-label"]


# ---------------------------------------------------------------- the log


def make_log():
    rng = random.Random(20261201)
    items = ["item %03d" % i for i in range(80)]
    truth = {it: rng.choice(["A", "B", "A", "B", "tie"]) for it in items}
    gold = {it: truth[it] for it in items[:30]}
    rows = []
    clock = [1.7e9]

    def emit(ann, item, label, side, dur, ts=True):
        clock[0] += rng.randint(1, 90)
        rows.append([ann, item, label, gold.get(item, "-"), side,
                     "%.3f" % clock[0] if ts else "-", dur])

    def worker(ann, n_items, n_dups, labeller, dur=lambda: "%.2f" % rng.uniform(8, 40),
               triple=5, shuffle_ts=True, untimed_row=None):
        its = rng.sample(items, n_items)
        seq = its + rng.sample(its, n_dups) + rng.sample(its[:n_dups], min(triple, n_dups))
        rng.shuffle(seq)
        start = len(rows)
        for j, it in enumerate(seq):
            side = rng.choice("AB")
            emit(ann, it, labeller(it, side), side, dur(), ts=(j != untimed_row))
        if shuffle_ts:  # timestamps out of input order within this annotator
            block = rows[start:]
            ts = [r[5] for r in block]
            rng.shuffle(ts)
            for r, t in zip(block, ts):
                r[5] = t

    def careful(p):
        return lambda it, side: truth[it] if rng.random() < p else rng.choice(["A", "B", "tie"])

    worker("careful-1", 70, 60, careful(0.97))
    worker("careful-2", 70, 60, careful(0.98))
    worker("careful-3", 60, 50, careful(0.96))
    worker("lazy", 70, 60, lambda it, side: rng.choice(["A", "B", "tie"]))
    worker("lefty", 60, 40, lambda it, side: side)
    worker("heuristic", 70, 60, lambda it, side: "A" if hash_item(it) else "B")
    worker("mono", 20, 10, lambda it, side: "A")
    worker("nopairs", 15, 0, careful(0.9), triple=0)
    worker("few", 10, 4, careful(0.97))
    worker("fast", 50, 40, careful(0.97), dur=lambda: "%.2f" % rng.uniform(0.5, 2))
    worker("untimed", 40, 30, careful(0.8), untimed_row=7)
    worker("silent", 30, 20, careful(0.95), dur=lambda: "-")
    cats = ["cat", "dog", "bird"]
    worker("categorical", 50, 40,
           lambda it, side: cats[items.index(it) % 3] if rng.random() < 0.9 else rng.choice(cats))
    # Interleave two annotators' rows so runs are broken (the annotator cache).
    ix = [i for i, r in enumerate(rows) if r[0] in ("few", "fast")]
    few = [rows[i] for i in ix if rows[i][0] == "few"]
    fast = [rows[i] for i in ix if rows[i][0] == "fast"]
    merged = [r for pair in zip(few, fast) for r in pair] + fast[len(few):]
    for i, r in zip(ix, merged):
        rows[i] = r
    path = os.path.join(DATA, "assess_log.tsv")
    with open(path, "w") as f:
        f.write("# generated by tests/spec/gen/%s (seeded), %s\n"
                % (SCRIPT, datetime.date.today().isoformat()))
        f.write("annotator\titem\tlabel\tgold\tshown_left\ttimestamp\tduration\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("%s: %d rows" % (path, len(rows)))
    return path


def hash_item(it):
    return sum(map(ord, it)) % 2 == 0


# ---------------------------------------------------------------- per annotator


def read_log(path):
    df = pd.read_csv(path, sep="\t", comment="#", dtype=str, keep_default_na=False)
    df["seq"] = range(len(df))
    for c in ("timestamp", "duration"):
        df[c] = pd.to_numeric(df[c].replace("-", None))
    return df


def pair_table(df):
    all_ts = df.groupby("annotator")["timestamp"].apply(lambda s: bool(s.notna().all()))
    d = df.copy()
    d["okey"] = [t if all_ts[a] else float(s) for a, t, s in zip(d.annotator, d.timestamp, d.seq)]
    d = d.sort_values(["annotator", "item", "okey", "seq"], kind="mergesort")
    d["prev"] = d.groupby(["annotator", "item"])["label"].shift()
    p = d[d["prev"].notna()]
    return p.assign(agree=(p["label"] == p["prev"]))


def holm(ps):
    """Holm-adjusted p-values (mp), in the input order."""
    order = sorted(range(len(ps)), key=lambda i: (ps[i], i))
    adj, run = [None] * len(ps), mp.mpf(0)
    for j, i in enumerate(order):
        run = max(run, min(mp.mpf(1), (len(ps) - j) * ps[i]))
        adj[i] = run
    return adj


def flag_by_holm(ps, alpha):
    adj = holm(list(ps.values()))
    out = {}
    for (a, _), v in zip(ps.items(), adj):
        assert abs(v - D(alpha)) > D(alpha) * mp.mpf("1e-6"), ("Holm too close to alpha", a)
        out[a] = v <= D(alpha)
    return out


def counts(df, pairs):
    t = pd.DataFrame({
        "labels": df.groupby("annotator").size(),
        "dup_pairs": pairs.groupby("annotator").size(),
        "consistent": pairs.groupby("annotator")["agree"].sum(),
    }).fillna(0).astype(int)
    g = df[df.gold != "-"]
    t["gold_n"] = g.groupby("annotator").size()
    t["gold_agree"] = (g.label == g.gold).groupby(g.annotator).sum()
    s = df[df.shown_left.isin(["A", "B"]) & df.label.isin(["A", "B"])]
    t["left_n"] = s.groupby("annotator").size()
    t["left_k"] = (s.label == s.shown_left).groupby(s.annotator).sum()
    t[["gold_n", "gold_agree", "left_n", "left_k"]] = (
        t[["gold_n", "gold_agree", "left_n", "left_k"]].fillna(0).astype(int))
    t["median_duration"] = df.groupby("annotator")["duration"].median()
    vc = df.groupby("annotator")["label"].value_counts()
    t["q0"] = [sum(Fraction(int(c), int(n)) ** 2 for c in vc[a]) for a, n in t["labels"].items()]
    t["distinct"] = [len(vc[a]) for a in t.index]
    return t.sort_index(key=lambda ix: ix.map(lambda s: s.encode()))


def delta_estimate(t, level):
    cp = {}
    for a, r in t.iterrows():
        if r.dup_pairs > 0 and r.distinct >= 2:
            cp[a] = gb.cp_solve(int(r.consistent), int(r.dup_pairs), D(level))
    best = max(lo for lo, hi in cp.values())
    top = [a for a, (lo, hi) in cp.items() if hi >= best]
    n = int(t.loc[top, "dup_pairs"].sum())
    dis = n - int(t.loc[top, "consistent"].sum())
    lo, hi = gb.cp_solve(dis, n, D(level))
    return dis / n, lo, hi, len(top), n


def sequential(n, x, q0, m0, m1, name):
    """The sequential rule on these pairs alone, one look: "pass" when the
    likelihood ratio of m1 against m0 reaches 20 (1/alpha_pass, 0.05), "fail"
    when its inverse does or when q0 lies above x/n outside the Jeffreys
    beta-binomial mixture's 95% confidence set (log M_n(q0) >= ln 20), else
    None. It decides where the fixed-n rule says too-few."""
    if not (m1 < 1):
        return None
    ln20 = mp.log(20)
    ll = x * mp.log(m1 / m0) + (n - x) * mp.log((1 - m1) / (1 - m0))
    lm = (mp.log(mp.beta(mp.mpf(0.5) + x, mp.mpf(0.5) + n - x)) - mp.log(mp.beta(0.5, 0.5))
          - x * mp.log(q0) - (n - x) * mp.log(1 - q0))
    for v in (ll, -ll, lm):
        assert abs(v - ln20) > mp.mpf("1e-9"), ("sequential threshold not robust", name)
    below = mp.mpf(x) / n < q0 and lm >= ln20
    if ll >= ln20:
        return "pass"
    if -ll >= ln20 or below:
        return "fail"
    return None


def effort(r, q0, delta, cfg):
    """(eta_hat, lo, hi, p, decision, flags) of one row (mp values)."""
    _, _, _, level, eta0, eta1, max_error = cfg[:7]
    n, x = int(r.dup_pairs), int(r.consistent)
    s = 1 - D(delta)
    nan = mp.nan
    one = not (s > q0)
    flags = {"one-label"} if one else set()
    if n == 0:
        return nan, nan, nan, nan, "no-pairs", flags
    if one:
        return nan, nan, nan, nan, "too-few", flags
    clip = lambda v: min(max(v, mp.mpf(0)), mp.mpf(1))
    eta = lambda m: clip((m - q0) / (s - q0))
    lo, hi = gb.cp_solve(x, n, D(level))
    m0, m1 = q0 + D(eta0) * (s - q0), q0 + D(eta1) * (s - q0)
    p = mp.exp(gb.log_upper(x, n, m0))
    k, tie, robust = gm.lr_k(m0, m1, n)
    assert robust and not tie, ("LR threshold not robust", r.name)
    lt1, lt2, _, _ = gm.errors(m0, m1, n, k)
    err = mp.exp(lt1) + mp.exp(lt2)
    assert abs(err - D(max_error)) > mp.mpf("1e-9"), ("error sum at max_error", r.name)
    dec = "too-few" if err > D(max_error) else ("pass" if x >= k else "fail")
    if dec == "too-few":
        dec = sequential(n, x, q0, m0, m1, r.name) or dec
    if dec == "fail":
        flags.add("low-effort")
    return eta(mp.mpf(x) / n), eta(lo), eta(hi), p, dec, flags


def side_flags(t, alpha):
    ps = {}
    for a, r in t.iterrows():
        if r.left_n > 0:
            lo = mp.exp(gb.log_lower(int(r.left_k), int(r.left_n), mp.mpf(0.5)))
            up = mp.exp(gb.log_upper(int(r.left_k), int(r.left_n), mp.mpf(0.5)))
            ps[a] = min(mp.mpf(1), 2 * min(lo, up))
    return flag_by_holm(ps, alpha)


def cbw_flags(t, decisions, alpha):
    tn, ta = int(t.gold_n.sum()), int(t.gold_agree.sum())
    ps = {}
    for a, r in t.iterrows():
        on, oa = tn - int(r.gold_n), ta - int(r.gold_agree)
        if decisions[a] == "pass" and r.gold_n > 0 and on > 0:
            rate = D(oa / on)  # the library divides in double
            ps[a] = mp.exp(gb.log_lower(int(r.gold_agree), int(r.gold_n), rate))
    return flag_by_holm(ps, alpha)


def fast_flags(t, min_duration, fast_ratio):
    meds = t.median_duration.dropna()
    pool = meds.median() if len(meds) >= 3 else None
    out = {}
    for a, m in meds.items():
        out[a] = ((min_duration is not None and m < min_duration)
                  or (fast_ratio > 0 and pool is not None and m < fast_ratio * pool))
    return out


def assess(t, cfg):
    name, delta, q0fix = cfg[0], cfg[1], cfg[2]
    est = None
    if delta is None:
        est = delta_estimate(t, cfg[3])
        delta = est[0]
    rows, decisions, flags = {}, {}, {}
    for a, r in t.iterrows():
        q0 = D(q0fix) if q0fix is not None else mp.mpf(r.q0.numerator) / r.q0.denominator
        rows[a] = (q0,) + effort(r, q0, delta, cfg)
        decisions[a] = rows[a][5]
        flags[a] = set(rows[a][6])
    for a, f in side_flags(t, cfg[9]).items():
        if f:
            flags[a].add("same-side")
    for a, f in cbw_flags(t, decisions, cfg[9]).items():
        if f:
            flags[a].add("consistent-but-wrong")
    for a, f in fast_flags(t, cfg[7], cfg[8]).items():
        if f:
            flags[a].add("too-fast")
    out = []
    for a, r in t.iterrows():
        q0, eta, lo, hi, p, dec, _ = rows[a]
        n = int(r.dup_pairs)
        cons = mp.mpf(int(r.consistent)) / n if n else mp.nan
        fl = "|".join(f for f in FLAGS if f in flags[a]) or "-"
        out.append([a, str(int(r.labels)), str(n), str(int(r.consistent)), gb.fmt(cons),
                    gb.fmt(q0), gb.fmt(eta), gb.fmt(lo), gb.fmt(hi), gb.fmt(p), dec,
                    str(int(r.gold_n)), str(int(r.gold_agree)),
                    gb.fmt(mp.mpf(int(r.gold_agree)) / int(r.gold_n) if r.gold_n else mp.nan),
                    gb.fmt(mp.mpf(int(r.left_k)) / int(r.left_n) if r.left_n else mp.nan),
                    gb.fmt(D(r.median_duration)) if pd.notna(r.median_duration) else "nan", fl])
    note = "config %s: %s" % (name, ", ".join(
        "%s=%s" % (k, v) for k, v in zip(
            ["delta", "q0", "level", "eta0", "eta1", "max_error", "min_duration", "fast_ratio",
             "alpha"], cfg[1:])))
    gb.write_table("assess_expected_%s.tsv" % name, SCRIPT, COLUMNS, out,
                   notes=["pandas %s; %s" % (pd.__version__, note)])
    tally = [sum(1 for d in decisions.values() if d == k)
             for k in ("pass", "fail", "too-few", "no-pairs")]
    e = ([gb.fmt(D(est[0])), gb.fmt(est[1]), gb.fmt(est[2]), str(est[3]), str(est[4])]
         if est else ["nan", "nan", "nan", "0", "0"])
    return [name, str(int(t.labels.sum())), str(len(t)), str(int(t.dup_pairs.sum()))] + [
        str(v) for v in tally] + e


def main():
    mp.dps = gb.DPS
    path = make_log()
    df = read_log(path)
    pairs = pair_table(df)
    t = counts(df, pairs)
    # The fixture must make timestamp order matter: pairing every annotator
    # in input order has to change some count.
    by_input = df.sort_values(["annotator", "item", "seq"], kind="mergesort")
    prev = by_input.groupby(["annotator", "item"])["label"].shift()
    naive = (by_input.label == prev)[prev.notna()].groupby(by_input.annotator).sum()
    assert (naive.reindex(t.index, fill_value=0) != t.consistent).any(), "order never matters"
    summary = [assess(t, cfg) for cfg in CONFIGS]
    gb.write_table("assess_expected_summary.tsv", SCRIPT,
                   ["config", "rows", "annotators", "pairs", "pass", "fail", "too_few",
                    "no_pairs", "delta", "delta_low", "delta_high", "delta_annotators",
                    "delta_pairs"], summary)


if __name__ == "__main__":
    main()
