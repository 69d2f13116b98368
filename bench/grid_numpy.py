#!/usr/bin/python3
"""NumPy reference for prefmon's grid mode (arXiv 2502.06387 Figure 3; the authors' Section4.py).

Written afresh in the structure of the authors' Section4.py: build the 4-D
(effort, tau, c1, c2) agent and principal utility arrays with broadcasting,
then FB / SB / SB-tilde by boolean masks and np.argmax (first maximum in C
order). Differences from the authors' script, all on purpose:
  * binom.sf(tau*n, n, m) is computed exactly (integer arithmetic, rounded
    once to double) because Debian has no scipy; scipy floors tau*n too;
  * numpy's AVX-512 exp/power kernels are switched off by default
    (NPY_DISABLE_CPU_FEATURES, set before numpy is imported) so np.exp and
    ** round like glibc, which the C code calls; --native-simd keeps them;
  * E and mu are evaluated with math.pow / math.exp on Python floats.

Usage (Debian's numpy: run with /usr/bin/python3):
  grid_numpy.py --reduced            the bench_grid --reduced cases, TSV
  grid_numpy.py --spec-table FILE    write the spec test's reference table
"""
import argparse
import datetime
import math
import os
import sys
import time
from fractions import Fraction

if "--native-simd" not in sys.argv:
    os.environ["NPY_DISABLE_CPU_FEATURES"] = (
        "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL")
import numpy as np  # noqa: E402


def lattice(lo, step, first, count):
    """np.arange(lo, ., step)[first:first+count]; the stop only sets the
    length, the values come from numpy's fill rule."""
    total = first + count
    a = np.arange(lo, lo + (total - 0.5) * step, step)
    assert len(a) == total, (lo, step, total, len(a))
    return a[first:]


def parse_model(gspec, espec, muspec):
    kind, _, args = gspec.partition(":")
    vals = [float(v) for v in args.split(",")] if args else []
    if kind == "cara":
        terms = [(vals[0], vals[0])]
    elif kind == "sumexp":
        terms = list(zip(vals[0::2], vals[1::2]))
    elif kind == "linear":
        terms = None
    else:
        raise ValueError(gspec)
    coef = [float(v) for v in espec.partition(":")[2].split(",")]
    mkind, _, margs = muspec.partition(":")
    K, R = (float(v) for v in margs.split(","))

    def G(x):
        if terms is None:
            return x
        out = np.zeros_like(x, dtype=np.float64)
        for alpha, beta in terms:
            out = out + alpha * (1.0 - np.exp(-beta * x))
        return out

    def E(e):
        s = coef[0]
        for i in range(1, len(coef)):
            s = s + coef[i] * (e if i == 1 else math.pow(e, i))
        return s

    def mu(e):
        if mkind == "power":
            return K * math.pow(e, R)
        if mkind == "exp":
            return K * (1.0 - math.exp(-R * e))
        if mkind == "log":
            return K * math.log(1.0 + R * e)
        raise ValueError(muspec)

    return terms, G, E, mu


def binom_sf_exact(k, n, p):
    """P(X > floor(k)) for X ~ Bin(n, p), p a double taken exactly."""
    k = math.floor(k)
    if k >= n:
        return 0.0
    if k < 0:
        return 1.0
    f = Fraction(p)
    a, d = f.numerator, f.denominator
    b = d - a
    s = sum(math.comb(n, x) * a**x * b**(n - x) for x in range(k + 1, n + 1))
    return float(Fraction(s, d**n))


class GridSolver:
    def __init__(self, efforts, contract_space, terms, G, E, mu, n, U_0, m_of,
                 contract_type):
        self.effort_space = list(efforts)
        self.contract_space = contract_space
        self.terms, self.G, self.E, self.mu = terms, G, E, mu
        self.n, self.U_0, self.m_of = n, U_0, m_of
        self.contract_type = contract_type

    def util_compute_exact(self):
        c0, c1, c2 = (np.asarray(v) for v in self.contract_space)
        n = self.n
        g0, g1, g2 = np.meshgrid(c0, c1, c2, indexing="ij")
        g1, g2 = g1[np.newaxis], g2[np.newaxis]
        eff = np.array(self.effort_space)
        m = np.array([self.m_of(e) for e in self.effort_space])
        if self.contract_type == "linear":
            m4 = m[:, None, None, None]
            pay = m4 * g1 + g2
            if self.terms is None:
                Gp = pay
            else:
                Gp = np.zeros((len(eff),) + g0.shape)
                for alpha, beta in self.terms:
                    mgf = np.exp(-beta * g2) * (1 - m4 + m4 * np.exp(-beta * g1 / n))**n
                    Gp = Gp + alpha * (1.0 - mgf)
        else:
            sf = self.sf_table(m, c0)
            P = np.broadcast_to(sf[:, :, None, None], (len(eff),) + g0.shape)
            pay = P * g1 + g2
            Gp = P * self.G(g1 + g2) + (1 - P) * self.G(g2)
        cost = np.array([self.E(float(e)) for e in eff])[:, None, None, None]
        muv = np.array([self.mu(float(e)) for e in eff])[:, None, None, None]
        self.agent = Gp - cost
        self.principal = -pay + muv

    def sf_table(self, m, c0):
        """binom.sf(tau*n, n, m) on the (effort, tau) grid, cached: the exact
        integer sums stand in for scipy and are kept out of the timing."""
        if getattr(self, "_sf", None) is None:
            ks = np.array(c0) * self.n
            self._sf = np.array([[binom_sf_exact(k, self.n, mv) for k in ks] for mv in m])
        return self._sf

    def _pick(self, mask, principal):
        if not np.any(mask):
            return None
        best = np.argmax(principal[mask])
        return tuple(int(ix[best]) for ix in np.where(mask))

    def fb_solve(self):
        return self._pick(self.agent >= self.U_0, self.principal)

    def sb_solve(self, tol):
        best = self.agent.max(axis=0)
        return self._pick((self.agent + tol >= best[None]) & (self.agent >= self.U_0),
                          self.principal)

    def sb_solve_tilde(self, e_star):
        try:
            es = self.effort_space.index(e_star)
        except ValueError:
            return None
        A = self.agent
        # the authors' slice, kept as is: it runs to the end of the array
        part = np.max(A[es - 1:max(es + 2, len(A))], axis=0)
        mask = (part >= A.max(axis=0)) & (A[es] >= self.U_0)
        idx = self._pick(mask, self.principal[es])
        return None if idx is None else (es,) + idx

    def solve_all(self, tol):
        fb = self.fb_solve()
        e_star = self.effort_space[fb[0]] if fb else 0
        return fb, self.sb_solve(tol), self.sb_solve_tilde(e_star)


def run_case(c):
    terms, G, E, mu = parse_model(c["G"], c["E"], c["mu"])
    if c["monitor"] == "self":
        delta = c["param"]
        m_of = lambda e: (1 + e * (1 - delta)) / 2  # noqa: E731
    else:
        half = c["param"] / 2
        m_of = lambda e: e * half + 0.5  # noqa: E731
    eff = lattice(0.0, 0.01, c["eta_first"], c["n_eta"]).tolist()
    c1 = lattice(0.0, 0.05, c["pay_first"], c["n_pay"]).tolist()
    c2 = lattice(-10.0, 0.05, c["base_first"], c["n_base"]).tolist()
    c0 = (lattice(0.0, 0.02, c["tau_first"], c["n_tau"]).tolist()
          if c["type"] == "binary" else [0])
    s = GridSolver(eff, [c0, c1, c2], terms, G, E, mu, c["n"], c["u0"], m_of, c["type"])
    if c["type"] == "binary":
        s.sf_table(np.array([m_of(e) for e in eff]), c0)
    t0 = time.perf_counter()
    s.util_compute_exact()
    res = s.solve_all(0.01)
    secs = time.perf_counter() - t0
    cols = []
    for r, idx in enumerate(res):
        if idx is None:
            cols += ["0", "-1", "-1", "-1", "-1", repr(mu(0.0)), repr(float(c["u0"]))]
        else:
            pu = s.principal[idx] if r < 2 else s.principal[idx[0]][idx[1:]]
            au = s.agent[idx] if r < 2 else s.agent[idx[0]][idx[1:]]
            cols += ["1"] + [str(v) for v in idx] + [repr(float(pu)), repr(float(au))]
    del s
    return cols, secs


BASE = dict(G="cara:1", E="poly:0,0,0.18", mu="power:0.5,0.8", u0=0.0,
            eta_first=0, n_eta=101, tau_first=0, n_tau=51)
HEAD = ["type", "monitor", "param", "n"] + [
    f"{s}_{c}" for s in ("fb", "sb", "sbr")
    for c in ("feasible", "e", "t", "i", "j", "pu", "au")]


def reduced(args):
    print("\t".join(HEAD + ["seconds"]))
    for typ in ("binary", "linear"):
        for n in (1, 101, 201):
            c = dict(BASE, type=typ, monitor="self", param=0.02, n=n,
                     pay_first=0, n_pay=200, base_first=180, n_base=40)
            cols, secs = run_case(c)
            print("\t".join([typ, "self", "0.02", str(n)] + cols + [f"{secs:.6f}"]),
                  flush=True)


SPEC_MODELS = [
    ("cara:1", "poly:0,0,0.18", "power:0.5,0.8", 0.0),
    ("cara:0.5", "poly:0,0,0.18", "power:0.3,0.8", 0.0),
    ("sumexp:0.7,0.7,0.3,2", "poly:0,0.0072,0.024,0.0288", "log:0.35,1.8", 0.0),
]
SPEC_KEYS = ["type", "monitor", "param", "n", "G", "E", "mu", "u0", "eta_first", "n_eta",
             "tau_first", "n_tau", "pay_first", "n_pay", "base_first", "n_base"]


def spec_cases():
    out = []
    for typ in ("linear", "binary"):
        for monitor, param in (("self", 0.02), ("expert", 0.62)):
            for n in (1, 11, 51, 201):
                for mi, (g, e, mu, u0) in enumerate(SPEC_MODELS):
                    if mi > 0 and n not in (11, 201):
                        continue
                    out.append(dict(type=typ, monitor=monitor, param=param, n=n, G=g, E=e,
                                    mu=mu, u0=u0, eta_first=0, n_eta=101, tau_first=0,
                                    n_tau=51 if typ == "binary" else 1, pay_first=0,
                                    n_pay=60, base_first=170, n_base=40))
    # a window that does not start at effort 0 and a positive outside option
    out.append(dict(out[-1], eta_first=20, n_eta=60, tau_first=10, n_tau=20, u0=0.05))
    # nothing reaches U0: all three infeasible
    out.append(dict(out[0], n=3, u0=0.81, n_pay=10, base_first=186, n_base=10))
    # FB effort 0: the authors' SBR slice [-1:] keeps the last effort only
    out.append(dict(out[-2], monitor="self", param=0.02, n=11, mu="power:0.001,1",
                    eta_first=0, n_eta=101, tau_first=0, n_tau=51, u0=0.0))
    return out


def spec_table(path, argv):
    rows = []
    for c in spec_cases():
        cols, _ = run_case(c)
        rows.append([str(c[k]) for k in SPEC_KEYS] + cols)
    with open(path, "w") as f:
        f.write("# Grid-mode reference (arXiv 2502.06387 Figure 3; the authors' Section4.py), written by bench/grid_numpy.py\n")
        f.write(f"# command: /usr/bin/python3 {' '.join(argv)}\n")
        f.write(f"# date: {datetime.date.today().isoformat()}; numpy {np.__version__}; "
                f"python {sys.version.split()[0]}; native SIMD "
                f"{'on' if '--native-simd' in argv else 'off'}\n")
        f.write("# axes: value i of an axis is np.arange(lo, ., step)[first + i]; eta lo 0 step"
                " 0.01, tau 0 0.02, pay (c1) 0 0.05, base (c2) -10 0.05; tol 0.01\n")
        f.write("# e/t/i/j: indices into the reduced axes; pu/au: principal/agent utility\n")
        f.write("\t".join(SPEC_KEYS + HEAD[4:]) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true")
    ap.add_argument("--spec-table")
    ap.add_argument("--native-simd", action="store_true")
    a = ap.parse_args()
    if a.spec_table:
        spec_table(a.spec_table, sys.argv)
    else:
        reduced(a)


if __name__ == "__main__":
    main()
