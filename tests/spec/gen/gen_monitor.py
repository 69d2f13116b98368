#!/usr/bin/python3
"""Reference tables for include/prefmon/monitor.h, computed independently.

Interpreter: Debian's /usr/bin/python3 (3.11) with python3-mpmath 1.2.1; no
numpy, scipy or Rmath. Run from the repository root (after or without
gen_binom.py, whose exact binomial kernels it imports):

    /usr/bin/python3 tests/spec/gen/gen_monitor.py

Method (mp.dps = 60):
  * a scheme is (q0, s) from the EXACT double inputs: self/general q0, s = 1 - delta;
    self/paper q0 = 1/2, s = 1 - delta/2; expert q0 = 1/2, s = (1 + cbar)/2;
    m(eta) = q0 + eta (s - q0) in exact arithmetic;
  * LR threshold: k = ceil(x*) with x* = n ln((1-m0)/(1-m1)) / ln(m1(1-m0)/(m0(1-m1)))
    (the root of the log likelihood ratio; LR >= 1 <=> x >= x*; ties go to H1);
    m1 = 1 gives k = n. Rows whose x* lies so close to an integer that a
    perturbation of m0, m1 by 1e-13 would move k are dropped, EXCEPT the exact
    tie family m0 = 1/4, m1 = 3/4 (self/general q0 = 0.25, delta = 0.25,
    eta 0 vs 1), where x* = n/2 exactly in the double inputs (column tie = 1);
  * level rule: smallest k with P(X >= k | m0) <= alpha, by the exact search of
    gen_binom.qbinom_exact; rows within 1e-9 of a tie are dropped;
  * type I / type II: exact binomial tails (gen_binom: small-side summation at
    60 digits, logs kept so values far below 1e-308 are represented);
  * sens0 = |d ln type1 / d m0| = n b(k-1; n-1, m0) / type1 and
    sens1 = |d ln type2 / d m1|: the conditioning of the errors with respect to
    the pass probabilities, which the library necessarily rounds (its m is
    q0 + eta (s - q0) in double, a few ulps off). The runner widens the
    relative tolerance by sens * 8 * 2^-53 (see spec_monitor.c);
  * samplesize: brute force n = 1, 2, ... : every n is screened with a float64
    evaluation of the same formulas (relative error < 1e-11), and every n whose
    screened value lies within 1e-7 of the target -- and the answer itself --
    is recomputed exactly at 60 digits; cases whose decision at some n is
    within 1e-9 of the target are dropped;
  * estimate: eta_hat = clip((x/n - q0)/(s - q0)); the Clopper-Pearson interval of
    gen_binom.cp_solve (roots of exact tails) mapped the same way; p_value =
    P(X >= x | m(eta0)) exact;
  * expert: cbar = mean 4(p - 1/2)(pe - 1/2) (pe = 1{p >= 1/2} by default);
    KL = mean kl(clip(1/2 + eta0 (p - 1/2)) || clip(1/2 + eta1 (p - 1/2))) with
    clip to [1e-4, fl(1 - 1e-4)]; bounds max(0, 1 - sqrt(n KL/2),
    1 - sqrt(1 - e^{-n KL})) and e^{-n KL}/2 evaluated in 60 digits; bound
    sample size from the closed-form roots of both terms, ceil'd.
"""

import math
import os
import sys

from mpmath import mp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_binom as gb  # noqa: E402  (exact binomial kernels, same dps)
from gen_binom import D, NEG_INF, fmt, fmt_lin, log_lower, log_upper, logpmf  # noqa: E402

SCRIPT = "gen_monitor.py"
SCHEME_COLS = ["monitor", "convention", "delta", "q0", "cbar"]


# ---------------------------------------------------------------- schemes


class Scheme:
    def __init__(self, monitor, convention, delta, q0, cbar):
        self.cols = [monitor, convention, delta, q0, cbar]
        if monitor == "self" and convention == "general":
            self.q0 = D(q0)
            self.s = 1 - D(delta)
        elif monitor == "self":
            self.q0 = mp.mpf(1) / 2
            self.s = 1 - D(delta) / 2
        else:
            self.q0 = mp.mpf(1) / 2
            self.s = (1 + D(cbar)) / 2
        assert self.s > self.q0

    def m(self, eta):
        return self.q0 + eta * (self.s - self.q0)

    def slope(self):
        return self.s - self.q0


Q0_THIRD = "0.33333333333333331"  # the double nearest 1/3


def all_schemes():
    out = []
    for q0 in ["0.5", "0.25", Q0_THIRD]:
        for d in ["0", "0.02", "0.1", "0.3"]:
            out.append(Scheme("self", "general", d, q0, "0"))
    for d in ["0", "0.02", "0.1", "0.3"]:
        out.append(Scheme("self", "paper", d, "0.5", "0"))
    for c in ["0.1", "0.3", "0.9"]:
        out.append(Scheme("expert", "-", "0", "0.5", c))
    return out


def gen_scheme():
    rows = []
    for sc in all_schemes():
        for es in ["0", "0.2", "0.5", "0.8", "0.95", "0.999999", "1"]:
            eta = D(es)
            m = sc.m(eta)
            sl = sc.slope()
            if m in (0, 1):
                fi, sens = mp.inf, mp.mpf(0)
            else:
                fi = sl**2 / (m * (1 - m))
                sens = abs(1 - 2 * m) / (m * (1 - m))
            rows.append(sc.cols + [es, fmt(m), fmt(sl), fmt(2 * sl), fmt(fi), mp.nstr(sens, 6)])
    gb.write_table("monitor_scheme.tsv", SCRIPT,
                   SCHEME_COLS + ["eta", "m", "slope", "c", "fisher", "sens_m"], rows,
                   ["pm_scheme_pass / _slope / _c / _fisher (I = slope^2/(m(1-m))) and "
                    "pm_scheme_eta(m) = eta; sens_m = |d ln I/dm|"])


# ---------------------------------------------------------------- tests


def lr_xstar(m0, m1, n):
    """Root x* of the log likelihood ratio (LR >= 1 <=> x >= x*); None if m1 = 1."""
    if m1 == 1:
        return None
    a = mp.log((1 - m0) / (1 - m1))
    b = mp.log(m1 * (1 - m0) / (m0 * (1 - m1)))
    return n * a / b


def lr_k(m0, m1, n):
    """(k, tie, robust): ties go to H1."""
    if m1 == 1:
        return n, False, True
    xs = lr_xstar(m0, m1, n)
    r = mp.nint(xs)
    if abs(xs - r) < mp.mpf("1e-40"):
        return int(r), True, True
    k = max(0, int(mp.ceil(xs)))
    # robustness: k must not move when m0, m1 move by 1e-13
    h = mp.mpf("1e-13")
    ks = set()
    for d0 in (-h, h):
        for d1 in (-h, h):
            if 0 < m0 + d0 < m1 + d1 < 1:
                ks.add(max(0, int(mp.ceil(lr_xstar(m0 + d0, m1 + d1, n)))))
    return min(k, n), False, ks == {k}


def level_k(m0, n, alpha):
    """(k, margin): smallest k with P(X >= k | m0) <= alpha."""
    x, margin = gb.qbinom_exact(alpha, n, m0, 0, 0)  # smallest x: P(X > x) <= alpha
    return x + 1, margin


def errors(m0, m1, n, k):
    """(log type1, log type2, sens0, sens1) for 'diligent iff X >= k'."""
    lt1 = log_upper(k, n, m0)
    lt2 = log_lower(k - 1, n, m1)

    def sens(lt, m):
        if lt == NEG_INF or k <= 0 or k > n or m in (0, 1):
            return mp.mpf(0)
        return mp.exp(mp.log(n) + logpmf(k - 1, n - 1, m) - lt)

    return lt1, lt2, sens(lt1, m0), sens(lt2, m1)


def test_cols(k, m0, m1, lt1, lt2, s0, s1):
    es = mp.exp(lt1) + mp.exp(lt2)
    return [str(k), fmt(m0), fmt(m1), fmt_lin(lt1), fmt(lt1), fmt_lin(lt2), fmt(lt2),
            fmt_lin(mp.log(es)) if es > 0 else "0", mp.nstr(s0, 6), mp.nstr(s1, 6)]


PAIRS = [("0.8", "1"), ("0.9", "0.95"), ("0", "0.5"), ("0", "1"), ("0.5", "0.6")]
NS_SMALL = [1, 2, 3, 10, 37, 100, 1000, 10000]


def gen_test():
    rows = []
    dropped = 0
    schemes = all_schemes()
    tie_scheme = Scheme("self", "general", "0.25", "0.25", "0")
    cases = []
    for i, sc in enumerate(schemes):
        for e0, e1 in PAIRS:
            ns = list(NS_SMALL) + [100000, 1000000]
            for n in ns:
                cases.append((sc, e0, e1, n, "lr", "0"))
                if n <= 10000 or i % 6 == 0:
                    cases.append((sc, e0, e1, n, "level", "0.05"))
            for n in [10, 1000]:
                cases.append((sc, e0, e1, n, "level", "0.001"))
    for n in [1, 2, 3, 4, 10, 11, 100, 1000, 1000000]:
        cases.append((tie_scheme, "0", "1", n, "lr", "0"))
    # explicit thresholds for pm_test_errors
    for sc in schemes[::4]:
        for n in [1, 10, 1000]:
            for k in sorted({0, 1, n // 2, n, n + 1}):
                cases.append((sc, "0.8", "1", n, "k%d" % k, "0"))

    for sc, e0, e1, n, rule, al in cases:
        m0, m1 = sc.m(D(e0)), sc.m(D(e1))
        tie = 0
        if rule == "lr":
            k, t, robust = lr_k(m0, m1, n)
            if not robust:
                dropped += 1
                continue
            tie = int(t)
        elif rule == "level":
            k, margin = level_k(m0, n, D(al))
        else:
            k = int(rule[1:])
            rule = "k"
        lt1, lt2, s0, s1 = errors(m0, m1, n, k)
        if rule == "level" and margin < mp.mpf("1e-9") + 1e4 * 8 * mp.mpf(2) ** -53 * s0:
            dropped += 1
            continue
        rows.append(sc.cols + [e0, e1, str(n), rule, al, str(tie)]
                    + test_cols(k, m0, m1, lt1, lt2, s0, s1))
    gb.write_table(
        "monitor_test.tsv", SCRIPT,
        SCHEME_COLS + ["eta0", "eta1", "n", "rule", "alpha", "tie", "k", "m0", "m1", "type1",
                       "log_type1", "type2", "log_type2", "error_sum", "sens0", "sens1"],
        rows,
        ["pm_test_design (rule lr|level) and pm_test_errors (rule k: the k column is the input;",
         "every row is also run through pm_test_errors with its k). type1 = P(X>=k|m0),",
         "type2 = P(X<k|m1); sens0/sens1 = |d ln type1/d m0|, |d ln type2/d m1|;",
         "tie = 1: the LR is exactly 1 at x = k (ties go to H1). %d near-tie rows dropped."
         % dropped])


# ---------------------------------------------------------------- samplesize

def f_logpmf(k, n, p):
    return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
            + k * math.log(p) + (n - k) * math.log1p(-p))


def f_log_upper_small(k, n, p):
    """float64 log P(X >= k), k > n p (terms relative to the first)."""
    rp = p / (1 - p)
    t = s = 1.0
    j = k
    while j < n:
        t *= (n - j) * rp / (j + 1)
        s += t
        j += 1
        if t < 1e-18 * s:
            break
    return f_logpmf(k, n, p) + math.log(s)


def f_upper(k, n, p):
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p == 1:
        return 1.0
    if k > n * p:
        return math.exp(f_log_upper_small(k, n, p))
    return 1.0 - f_lower(k - 1, n, p)


def f_lower(x, n, p):
    if x < 0:
        return 0.0
    if x >= n:
        return 1.0
    if p == 1:
        return 0.0
    if x < n * p:
        return math.exp(f_log_upper_small(n - x, n, 1 - p))
    return 1.0 - f_upper(x + 1, n, p)


def samplesize_case(sc, e0, e1, rule, alpha, target, max_n):
    """Brute force. Returns (status, n, k, lt1, lt2, s0, s1, margin) or None if
    some decision was within 1e-9 of the target (dropped)."""
    m0, m1 = sc.m(D(e0)), sc.m(D(e1))
    f0, f1 = float(m0), float(m1)
    T = D(target)
    al = D(alpha)
    fk_level = None
    answer = None
    for n in range(1, max_n + 1):
        if rule == "lr":
            k, _, robust = lr_k(m0, m1, n)
            if not robust:
                return None
            fval = f_upper(k, n, f0) + f_lower(k - 1, n, f1)
        else:
            # float search for the level threshold, then exact confirmation if close
            k = fk_level if fk_level is not None else n + 1
            k = min(k + 2, n + 1)
            while k > 0 and f_upper(k - 1, n, f0) <= float(al):
                k -= 1
            while f_upper(k, n, f0) > float(al):
                k += 1
            fk_level = k
            u0 = f_upper(k, n, f0)
            u1 = f_upper(k - 1, n, f0)
            if abs(u0 - float(al)) < 1e-7 * float(al) or abs(u1 - float(al)) < 1e-7 * float(al):
                k, margin = level_k(m0, n, al)
                if margin < mp.mpf("1e-9"):
                    return None
                fk_level = k
            fval = f_lower(k - 1, n, f1)
        if fval <= float(T) * (1 + 1e-7):
            lt1, lt2, s0, s1 = errors(m0, m1, n, k)
            val = mp.exp(lt2) if rule == "level" else mp.exp(lt1) + mp.exp(lt2)
            if abs(val - T) < mp.mpf("1e-9") * T:
                return None
            if val <= T:
                answer = ("ok", n, k, lt1, lt2, s0, s1)
                break
    if answer is None:
        n = max_n
        k = lr_k(m0, m1, n)[0] if rule == "lr" else level_k(m0, n, al)[0]
        lt1, lt2, s0, s1 = errors(m0, m1, n, k)
        answer = ("erange", n, k, lt1, lt2, s0, s1)
    return answer


def gen_samplesize():
    rows = []
    dropped = 0
    schemes = [Scheme("self", "general", "0.02", "0.5", "0"),
               Scheme("self", "general", "0", "0.25", "0"),
               Scheme("self", "paper", "0.1", "0.5", "0"),
               Scheme("expert", "-", "0", "0.5", "0.3"),
               Scheme("expert", "-", "0", "0.5", "0.9")]
    cases = []
    for sc in schemes:
        for e0, e1 in [("0.8", "1"), ("0.5", "0.9"), ("0", "0.5")]:
            for tgt in ["0.1", "0.01"]:
                cases.append((sc, e0, e1, "lr", "0", tgt, 3000))
                cases.append((sc, e0, e1, "level", "0.05", tgt, 3000))
    cases.append((schemes[0], "0.8", "1", "lr", "0", "0.01", 5))  # erange
    cases.append((schemes[3], "0.8", "1", "level", "0.05", "0.1", 7))  # erange
    cases.append((schemes[1], "0.9", "1", "lr", "0", "1e-12", 3000))  # m1 = 1
    cases.append((Scheme("self", "general", "0.25", "0.25", "0"), "0", "1", "lr", "0", "0.01",
                  3000))  # exact ties at every even n
    # two larger answers (brute force to 30000 is still a few seconds)
    cases.append((schemes[3], "0.8", "1", "lr", "0", "0.01", 30000))
    cases.append((schemes[3], "0.8", "1", "level", "0.01", "0.01", 30000))
    for sc, e0, e1, rule, al, tgt, max_n in cases:
        r = samplesize_case(sc, e0, e1, rule, al, tgt, max_n)
        if r is None:
            dropped += 1
            continue
        st, n, k, lt1, lt2, s0, s1 = r
        if st == "erange" and max_n >= 3000:
            continue  # answer beyond the brute-force range: not a reference
        m0, m1 = sc.m(D(e0)), sc.m(D(e1))
        rows.append(sc.cols + [e0, e1, rule, al, tgt, str(max_n), st, str(n)]
                    + test_cols(k, m0, m1, lt1, lt2, s0, s1))
    gb.write_table(
        "monitor_samplesize.tsv", SCRIPT,
        SCHEME_COLS + ["eta0", "eta1", "rule", "alpha", "target", "max_n", "status", "n", "k",
                       "m0", "m1", "type1", "log_type1", "type2", "log_type2", "error_sum",
                       "sens0", "sens1"],
        rows,
        ["pm_samplesize: smallest n in [1,max_n] with error_sum <= target (lr) or type2 <= "
         "target (level); status erange: none, the test at max_n.",
         "brute force over every n (float64 screen + exact 60-digit check near the target); "
         "%d near-tie cases dropped" % dropped])


# ---------------------------------------------------------------- estimate

def clip01(v):
    return min(max(v, mp.mpf(0)), mp.mpf(1))


def gen_estimate():
    rows = []
    schemes = [Scheme("self", "general", "0.02", "0.5", "0"),
               Scheme("self", "general", "0", Q0_THIRD, "0"),
               Scheme("self", "paper", "0.1", "0.5", "0"),
               Scheme("expert", "-", "0", "0.5", "0.3")]
    cp_cache = {}
    for n, x in [(1, 0), (1, 1), (10, 7), (37, 20), (100, 50), (100, 95), (100, 100), (1000, 0),
                 (1000, 640), (12345, 11000), (100000, 90000), (1000000, 985000)]:
        for levs in ["0.95", "0.9"]:
            if n >= 100000 and levs != "0.95":
                continue
            key = (n, x, levs)
            if key not in cp_cache:
                cp_cache[key] = gb.cp_solve(x, n, D(levs))
            lo, hi = cp_cache[key]
            for sc in schemes:
                for e0s in ["0", "0.8"]:
                    m0 = sc.m(D(e0s))
                    mh = mp.mpf(x) / n
                    sl = sc.slope()
                    lp = log_upper(x, n, m0)
                    sens = mp.mpf(0)
                    if 0 < x <= n and lp != NEG_INF:
                        sens = mp.exp(mp.log(n) + logpmf(x - 1, n - 1, m0) - lp)
                    rows.append(sc.cols + [str(n), str(x), levs, e0s, fmt(mh), fmt(lo), fmt(hi),
                                           fmt(clip01((mh - sc.q0) / sl)),
                                           fmt(clip01((lo - sc.q0) / sl)),
                                           fmt(clip01((hi - sc.q0) / sl)),
                                           fmt_lin(lp), fmt(lp), fmt(sl), mp.nstr(sens, 6)])
    gb.write_table(
        "monitor_estimate.tsv", SCRIPT,
        SCHEME_COLS + ["n", "x", "level", "eta0", "m_hat", "m_low", "m_high", "eta_hat",
                       "eta_low", "eta_high", "p_value", "log_p_value", "slope", "sens_p"],
        rows,
        ["pm_estimate_effort: Clopper-Pearson interval for m (exact tails, findroot), mapped by "
         "(m - q0)/slope and clipped to [0,1]; p_value = P(X >= x | m(eta0)); "
         "sens_p = |d ln p_value/d m0|"])


# ---------------------------------------------------------------- expert

P_LISTS = {
    "A": ["0.5"],
    "B": ["0.7", "0.9", "0.55", "1", "0"],
    "C": ["0.3", "0.2", "0.5", "0.999"],
    "D": ["0.51", "0.6", "0.75", "0.99", "0.99995", "0.62", "0.8", "0.5"],
    "E": ["0.95"] * 3 + ["0.05"],
}
PE_LISTS = {"B": ["0.6", "0.4", "1", "0.5", "0.2"], "C": ["1", "0", "0.25", "0.9"]}

CLIP_LO = D(1e-4)
CLIP_HI = D(1.0 - 1e-4)  # the library clips at the double 1 - 1e-4


def clipp(v):
    return min(max(v, CLIP_LO), CLIP_HI)


def gen_expert():
    rows = []
    for name, ps in P_LISTS.items():
        p = [D(v) for v in ps]
        # cbar with the majority expert (pe == NULL) and, if given, explicit pe
        cb = mp.fsum(4 * (v - mp.mpf(1) / 2) * ((1 if v >= mp.mpf(1) / 2 else 0) - mp.mpf(1) / 2)
                     for v in p) / len(p)
        rows.append(["cbar", ",".join(ps), "-", "-", "-", fmt(cb)])
        if name in PE_LISTS:
            pe = [D(v) for v in PE_LISTS[name]]
            cb = mp.fsum(4 * (a - mp.mpf(1) / 2) * (b - mp.mpf(1) / 2) for a, b in zip(p, pe)) \
                / len(p)
            rows.append(["cbar", ",".join(ps), ",".join(PE_LISTS[name]), "-", "-", fmt(cb)])
        for e0, e1 in [("0.8", "1"), ("0", "1"), ("0.9", "0.95"), ("0.6", "0.98")]:
            a = [clipp(mp.mpf(1) / 2 + D(e0) * (v - mp.mpf(1) / 2)) for v in p]
            b = [clipp(mp.mpf(1) / 2 + D(e1) * (v - mp.mpf(1) / 2)) for v in p]
            kl = mp.fsum(gb.kl_bern(x, y) for x, y in zip(a, b)) / len(p)
            rows.append(["kl", ",".join(ps), "-", e0, e1, fmt(kl)])
    gb.write_table("monitor_expert.tsv", SCRIPT,
                   ["func", "p", "pe", "eta0", "eta1", "value"], rows,
                   ["pm_cbar(p, pe or NULL) and pm_expert_kl(p, eta0, eta1); lists comma-separated"])


def lb(kl, n):
    x = n * kl
    # 1 - sqrt(1 - e^-x) = e^-x / (1 + sqrt(1 - e^-x)): even 60 digits lose
    # e^-x below 1e-60 in the direct form
    bh = mp.exp(-x) / (1 + mp.sqrt(-mp.expm1(-x)))
    return max(mp.mpf(0), 1 - mp.sqrt(x / 2), bh)


def gen_bound():
    rows = []
    for kls in ["1e-6", "1e-3", "0.01", "0.05", "0.2", "1", "0"]:
        for n in [1, 10, 100, 1000, 10000, 1000000]:
            kl = D(kls)
            lbv = lb(kl, n)
            pap = mp.exp(-n * kl) / 2
            rows.append([kls, str(n), fmt_lin(mp.log(lbv)) if lbv > 0 else "0",
                         fmt_lin(mp.log(pap))])
    gb.write_table("monitor_bound.tsv", SCRIPT, ["kl", "n", "lower_bound", "lower_bound_paper"],
                   rows, ["pm_expert_lower_bound(kl,n) = max(0, 1-sqrt(n kl/2), "
                          "1-sqrt(1-exp(-n kl))); pm_expert_lower_bound_paper = exp(-n kl)/2"])

    rows = []
    dropped = 0
    for kls in ["1e-3", "0.01", "0.05", "0.2", "0.0123"]:
        for ts in ["0.5", "0.1", "0.05", "0.01", "1e-6"]:
            for max_n in [10000000, 50]:
                kl, t = D(kls), D(ts)
                # both terms <= t: n >= 2(1-t)^2/kl and n >= -ln(1-(1-t)^2)/kl
                r = max(2 * (1 - t) ** 2 / kl, -mp.log(1 - (1 - t) ** 2) / kl)
                if abs(r - mp.nint(r)) < mp.mpf("1e-9") * r:
                    dropped += 1
                    continue
                n = max(1, int(mp.ceil(r)))
                assert lb(kl, n) <= t and (n == 1 or lb(kl, n - 1) > t)
                st = "ok" if n <= max_n else "erange"
                rows.append([kls, ts, str(max_n), st, str(n) if st == "ok" else "-"])
    gb.write_table("monitor_bound_n.tsv", SCRIPT, ["kl", "target", "max_n", "status", "n"], rows,
                   ["pm_expert_bound_samplesize: smallest n >= 1 with lower_bound(kl,n) <= target "
                    "(closed-form roots, ceil'd, checked); %d near-integer cases dropped" % dropped])


def main():
    gen_scheme()
    gen_test()
    gen_samplesize()
    gen_estimate()
    gen_expert()
    gen_bound()


if __name__ == "__main__":
    main()
