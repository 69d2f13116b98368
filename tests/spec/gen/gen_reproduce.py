#!/usr/bin/python3
"""Reference numbers for include/prefmon/reproduce.h and calib.h on real and
synthetic preference data, computed independently of prefmon's maths.

Interpreter: Debian's /usr/bin/python3 with numpy 1.24 and mpmath 1.2.

    /usr/bin/python3 tests/spec/gen/gen_reproduce.py --fixture   # (once) the PKU-like file
    build/prefmon reproduce --grid off --gap-n-max 1 \
        --dataset Ultra=data/ultrafeedback-sample.jsonl,PKU-like=tests/fixtures/reproduce/pku-like.jsonl \
        --table items --format csv > /tmp/items.csv
    /usr/bin/python3 tests/spec/gen/gen_reproduce.py /tmp/items.csv

What comes from prefmon: ONLY the split and the orientation (the `items`
table: which row is at which position and each row's label). prefmon's
generator is not numpy's, so the split cannot be redrawn here; everything
else is recomputed from the JSONL files:
  * p_raw = sigmoid(chosen - rejected) from the file (checked against the
    table to 1e-15), score = |flip - p_raw| with flip = 1 - label;
  * calibration (PKU-like only, as prefmon's default "PKU*" rule) literally
    as the authors' calibration_module: sort the train half, np.array_split
    into 30 chunks, midpoint boundaries, last 1.0, chunk mean label,
    np.searchsorted(..., side='left'); ties sorted by label (np.lexsort),
    prefmon's documented rule;
  * folded eval p, cbar = 2 mean|p - 1/2|, mean p;
  * per-item KL with the authors' clip to [1e-4, 1 - 1e-4], at 40 digits
    (mpmath), its mean, and the plotted bound max(0, 1 - sqrt(n KL/2),
    1 - sqrt(1 - exp(-n KL)));
  * the self-consistency LR test's exact error sum (paper convention
    m = (1 + (1 - delta) eta)/2; k = ceil of the LR root, ties to H1; m1 = 1
    gives k = n), binomial tails summed exactly at 40 digits.
Writes tests/spec/data/reproduce.tsv (read by tests/spec/spec_reproduce.c).
"""
import csv
import json
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 40
FILES = {"Ultra": "data/ultrafeedback-sample.jsonl",
         "PKU-like": "tests/fixtures/reproduce/pku-like.jsonl"}
CALIBRATED = {"PKU-like"}
LB_NS = [10, 20, 50, 100, 250, 490]
LB_PAIRS = [(e0, e1) for e0 in (0.95, 0.9, 0.8, 0.6) for e1 in (1.0, 0.98, 0.96)] + \
           [(0.8, 0.95), (0.9, 0.95)]


def fixture():
    """600 rows like PKU: true preferences near 1/2, an overconfident and
    noisy reward model (3x the logit plus noise), the chosen side drawn from
    the true preference."""
    rng = np.random.default_rng(2502)
    with open("tests/fixtures/reproduce/pku-like.jsonl", "w") as f:
        for i in range(600):
            q = 0.5 + 0.5 * rng.beta(1.2, 4.0) * rng.choice([-1, 1])
            first_chosen = rng.uniform() < q
            logit = float(np.log(q / (1 - q)))
            d = 3.0 * (logit if first_chosen else -logit) + rng.normal(0, 0.7)
            c = round(float(rng.normal(0, 2)), 6)
            f.write(json.dumps({"prompt": "synthetic %d" % i, "chosen_score": c,
                                "rejected_score": round(c - d, 6)}) + "\n")


def read_raw(path):
    out = []
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            if "chosen_score" not in row and "score_chosen" not in row:
                row = row["metadata"]  # UltraFeedback keeps them there
            c = row.get("chosen_score", row.get("score_chosen"))
            r = row.get("rejected_score", row.get("score_rejected"))
            x = float(c) - float(r)  # the double subtraction prefmon does
            out.append(float(1 / (1 + mp.exp(-mp.mpf(x)))))
    return out


def calibrate(tr_s, tr_l, ev_s, bins=30):
    order = np.lexsort((tr_l, tr_s))
    s, l = tr_s[order], tr_l[order]
    sc, lc = np.array_split(s, bins), np.array_split(l, bins)
    bounds = np.array([(sc[i][-1] + sc[i + 1][0]) / 2 for i in range(bins - 1)] + [1.0])
    values = np.array([np.mean(c) for c in lc])
    return values[np.searchsorted(bounds, ev_s, side="left")]


def kl_mean(ps, e0, e1):
    lo, hi = mp.mpf("1e-4"), 1 - mp.mpf("1e-4")
    tot = mp.mpf(0)
    for p in ps:
        a = min(max(mp.mpf(0.5) + mp.mpf(e0) * (mp.mpf(p) - mp.mpf(0.5)), lo), hi)
        b = min(max(mp.mpf(0.5) + mp.mpf(e1) * (mp.mpf(p) - mp.mpf(0.5)), lo), hi)
        tot += a * mp.log(a / b) + (1 - a) * mp.log((1 - a) / (1 - b))
    return tot / len(ps)


def bound(kl, n):
    return max(mp.mpf(0), 1 - mp.sqrt(n * kl / 2), 1 - mp.sqrt(1 - mp.exp(-n * kl)))


def sf(k, n, m):  # P(X >= k), exact sum
    return mp.fsum(mp.binomial(n, x) * m ** x * (1 - m) ** (n - x) for x in range(k, n + 1))


def lrt_error(delta, e0, e1, n):
    d = mp.mpf(delta)
    m0 = (1 + (1 - d) * mp.mpf(e0)) / 2
    m1 = (1 + (1 - d) * mp.mpf(e1)) / 2
    if m1 >= 1:
        k = n
    else:
        a = mp.log(1 - m0) - mp.log(1 - m1)
        b = mp.log(m1) - mp.log(m0)
        k = int(mp.ceil(n * a / (a + b)))
    return sf(k, n, m0) + (1 - sf(k, n, m1))


def main(items_path):
    rows = {}
    with open(items_path) as f:
        for r in csv.DictReader(f):
            rows.setdefault(r["dataset"], []).append(r)
    out = []
    for name, items in rows.items():
        raw = read_raw(FILES[name])
        assert len(raw) == len(items)
        n = len(items)
        neval = n // 2
        score, label = [], []
        for pos, r in enumerate(items):
            assert int(r["position"]) == pos
            k = int(r["row"])
            assert abs(float(r["p_raw"]) - raw[k]) <= 1e-15, (name, k)
            lab = int(r["label"])
            flip = 1 - lab
            score.append(abs(flip - raw[k]))
            label.append(lab)
        score, label = np.array(score), np.array(label)
        ev = score[:neval]
        if name in CALIBRATED:
            ev = calibrate(score[neval:], label[neval:], ev)
        p = np.maximum(ev, 1 - ev)
        for pos, v in enumerate(p):
            out.append(("p", name, "-", "-", "-", pos, "%.17g" % v))
        pm = [mp.mpf(float(v)) for v in p]
        out.append(("cbar", name, "-", "-", "-", 0,
                    mp.nstr(2 * mp.fsum(abs(v - mp.mpf(0.5)) for v in pm) / len(pm), 25)))
        out.append(("mean_p", name, "-", "-", "-", 0, mp.nstr(mp.fsum(pm) / len(pm), 25)))
        for e0, e1 in LB_PAIRS:
            kl = kl_mean(pm, e0, e1)
            out.append(("kl", name, e0, e1, "-", 0, mp.nstr(kl, 25)))
            for nn in LB_NS:
                out.append(("lb", name, e0, e1, "-", nn, mp.nstr(bound(kl, nn), 25)))
    for delta in (0, 0.1, 0.2, 0.3):
        for e0 in (0.8, 0.9):
            for e1 in (1.0, 0.95):
                for nn in LB_NS:
                    out.append(("lrt", "-", e0, e1, delta, nn,
                                mp.nstr(lrt_error(delta, e0, e1, nn), 25)))
    with open("tests/spec/data/reproduce.tsv", "w") as f:
        f.write("# generated by tests/spec/gen/gen_reproduce.py, numpy %s, mpmath %s, dps=40;\n"
                "# split and orientation from prefmon's `reproduce --table items` (seed 42)\n"
                % (np.__version__, mp.__version__))
        f.write("kind\tdataset\teta0\teta1\tdelta\tn\tvalue\n")
        for r in out:
            f.write("\t".join(str(x) for x in r) + "\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--fixture"]:
        fixture()
    else:
        main(sys.argv[1])
