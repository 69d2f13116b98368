#!/usr/bin/python3
"""Independent reference for the UNRESTRICTED second-best contract
(tests/spec/spec_secondbest.c), computed by scanning the CONTRACT space,
not by prefmon's target-effort method (cheapest contract per target effort,
then a search over the target).

Linear w = base + slope X/n:
  for every slope on a grid over [0, w_max - w_min] the base is the one that
  makes IR bind at the agent's best response: the agent's maximal utility
  max_eta E[G(base + slope X/n)] - E(eta) is increasing in the base, so the
  base comes from a bisection (64 steps) on that maximum (raised to w_min,
  IR then slack, when the binding base is below w_min; infeasible when base
  + slope > w_max). E[G] is evaluated term by term as
  sum alpha (1 - e^{-beta base} (1 - m + m e^{-beta slope/n})^n).
  The principal gets mu(eta_BR) - base - slope m(eta_BR).
Binary w = base + bonus 1{X >= k}:
  for every k in 1..n and every bonus in utility units B = G(w_high) -
  G(w_low) on a log grid from 1e-6 to G(w_max) - G(w_min), the agent's best
  response maximises B P(X >= k | m(eta)) - E(eta) and does not depend on the
  base; IR binds, S0 = U0 - max_eta [B P_k - E] (raised to G(w_min), IR
  slack, when below it), w_low = G^-1(S0), w_high = G^-1(S0 + B) (infeasible
  when S0 + B > G(w_max)), the principal gets mu(eta_BR) - [w_low (1 - P_k) +
  w_high P_k]. The constant wage G^-1(U0 + E(0)) (eta = 0) is a candidate.

The agent's best response: every local maximum of his utility on a
uniform grid of NETA efforts (endpoints included) among the two best,
refined by bisection on the analytic derivative inside its two grid cells
(60 steps), the higher refined value wins; values within 1e-13 are a tie
broken in the principal's favour. Binomial tails at arbitrary m are direct
sums of pmf terms from lgamma (n <= 60).

Outer search: the coarse grid (NSLOPE slopes; NB bonuses per k) gives the
best few local maxima (per k for binary), each refined by ZOOM levels of a
21-point local grid over its two neighbouring cells. A zoom converges to a
smooth maximum and, when the optimum is the jump at which the agent's
best response switches from shirking to working (the IC boundary), to the
right limit of the jump. The reported eta_lo / eta_hi are the least and
largest best-response efforts among all refined contracts whose principal
utility is within ETA_BAND of the best (near-ties between thresholds).

Run: /usr/bin/python3 tests/spec/gen/gen_secondbest.py tests/spec/data
(numpy 1.24, mpmath for its version string only). About two minutes.
With --check it also recomputes every case at doubled grid resolutions and
prints the largest change of the reference principal utility."""
import datetime
import math
import sys
import time

import mpmath as mp
import numpy as np

NETA = 2001  # effort grid for the best response
NSLOPE = 401  # coarse slope grid (linear)
NETA_LIN = 401  # effort grid for the linear best response (concave: the grid only brackets)
NB = 500  # coarse bonus grid per threshold (binary)
ZOOM = 14  # zoom levels, each shrinks the interval ~10x
ETA_BAND = 1e-9  # principal-utility band for eta_lo / eta_hi

# (utility spec, terms [(alpha, beta)], cost coefficients, value (kind, K, R), U0, w_min, w_max)
MODELS = [
    ("cara:0.5", [(0.5, 0.5)], [0, 0, 0.1, 0.1], ("power", 0.6, 0.7), 0.0, -10, 20),
    ("cara:2", [(2, 2)], [0, 0.02, 0.3], ("exp", 0.8, 1.5), 0.2, -10, 20),
    ("sumexp:0.6,0.8,0.4,1.5", [(0.6, 0.8), (0.4, 1.5)], [0.01, 0.03, 0.15, 0.05],
     ("log", 0.4, 2.5), -0.1, -10, 20),
    ("cara:1", [(1, 1)], [0, 0, 0.25], ("log", 0.3, 3), 0.1, -3, 5),
    ("sumexp:0.5,0.3,0.5,3", [(0.5, 0.3), (0.5, 3)], [0, 0.05, 0.1, 0.08], ("exp", 0.6, 2),
     0.05, -10, 20),
]
# (name as in the TSV, parameter, q0, s): m(eta) = q0 + eta (s - q0)
MONITORS = [("expert", 0.3, 0.5, 0.65), ("self-general", 0.1, 0.5, 0.9)]
NS = [1, 2, 5, 10, 30, 60]


class Model:
    def __init__(self, spec, terms, cost, value, u0, wmin, wmax, mon):
        self.spec, self.terms, self.cost, self.value = spec, terms, cost, value
        self.u0, self.wmin, self.wmax = u0, wmin, wmax
        self.mname, self.mpar, self.q0, self.s = mon
        self.d = self.s - self.q0
        self.gmin, self.gmax = self.G(wmin), self.G(wmax)

    def G(self, w):
        return sum(a * -np.expm1(-b * np.asarray(w, float)) for a, b in self.terms)

    def Ginv(self, u):
        u = np.asarray(u, float)
        if len(self.terms) == 1:
            a, b = self.terms[0]
            return -np.log1p(-u / a) / b
        lo = np.full(u.shape, self.wmin - 50.0)
        hi = np.full(u.shape, self.wmax + 50.0)
        for _ in range(120):  # G increasing: bisection to the last bit
            mid = 0.5 * (lo + hi)
            up = self.G(mid) < u
            lo = np.where(up, mid, lo)
            hi = np.where(up, hi, mid)
        return 0.5 * (lo + hi)

    def E(self, x, der=0):
        x = np.asarray(x, float)
        r = np.zeros(x.shape)
        for i, c in enumerate(self.cost):
            if i >= der and c:
                r = r + c * math.perm(i, der) * x ** (i - der)
        return r

    def mu(self, x):
        k, K, R = self.value
        x = np.asarray(x, float)
        if k == "power":
            return K * x ** R
        if k == "exp":
            return -K * np.expm1(-R * x)
        return K * np.log1p(R * x)

    def m(self, x):
        return self.q0 + self.d * np.asarray(x, float)

    def cost_spec(self):
        return "poly:" + ",".join(repr(float(c)) if c != int(c) else str(int(c)) for c in self.cost)

    def value_spec(self):
        return "%s:%r,%r" % self.value


# ---- binomial pieces at arbitrary m (n <= 60: direct sums) ------------

def logpmf_table(n):
    j = np.arange(n + 1)
    lc = np.array([math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) for i in j])
    return j, lc


def sf(n, k, m):
    """P(X >= k), X ~ Bin(n, m), elementwise in m (0 < m < 1)."""
    j, lc = logpmf_table(n)
    j, lc = j[k:], lc[k:]
    m = np.asarray(m, float)[..., None]
    return np.exp(lc + j * np.log(m) + (n - j) * np.log1p(-m)).sum(-1)


def cdf_below(n, k, m):
    """P(X < k), summed from the lower side (accurate when it is small)."""
    j, lc = logpmf_table(n)
    j, lc = j[:k], lc[:k]
    m = np.asarray(m, float)[..., None]
    return np.exp(lc + j * np.log(m) + (n - j) * np.log1p(-m)).sum(-1)


def dsf(n, k, m):
    """d/dm P(X >= k) = n b(k-1; n-1, m)."""
    if n == 1:
        return np.ones(np.shape(m))
    lc = math.lgamma(n) - math.lgamma(k) - math.lgamma(n - k + 1)
    m = np.asarray(m, float)
    return n * np.exp(lc + (k - 1) * np.log(m) + (n - k) * np.log1p(-m))


# ---- the agent's best response, rows of contracts at once -------------

def best_response(U, dU, ueval, xg, ncand=2):
    """U: rows x NETA utility on the grid xg; dU(rows_idx, x) the analytic
    derivative and ueval(rows_idx, x) the utility at efforts x (one per
    row). Returns (eta, u, eta2, u2): the refined best and second-best local
    maxima (u2 = -inf when only one, or when ncand = 1)."""
    R, N = U.shape
    left = np.concatenate([np.full((R, 1), True), U[:, 1:] >= U[:, :-1]], axis=1)
    right = np.concatenate([U[:, :-1] >= U[:, 1:], np.full((R, 1), True)], axis=1)
    Um = np.where(left & right, U, -np.inf)
    rows = np.arange(R)
    if ncand == 1:
        top = np.argmax(Um, axis=1)[:, None]
    else:
        top = np.argpartition(-Um, 1, axis=1)[:, :2]
    # both candidates of every row refined together
    i = top.T.reshape(-1)
    rr = np.tile(rows, ncand)
    valid = np.isfinite(Um[rr, i])
    lo = xg[np.maximum(i - 1, 0)]
    hi = xg[np.minimum(i + 1, N - 1)]
    dlo, dhi = dU(rr, lo), dU(rr, hi)
    x = xg[i].copy()
    bis = (dlo > 0) & (dhi < 0)
    a, b = lo.copy(), hi.copy()
    for _ in range(50):  # cell width <= 2e-3: 50 halvings reach 1e-18
        mid = 0.5 * (a + b)
        up = dU(rr, mid) > 0
        a = np.where(up, mid, a)
        b = np.where(up, b, mid)
    x = np.where(bis, 0.5 * (a + b), x)
    # corners: the derivative points outwards
    x = np.where(~bis & (i == 0) & (dlo <= 0), 0.0, x)
    x = np.where(~bis & (i == N - 1) & (dhi >= 0), 1.0, x)
    u = ueval(rr, x)
    # never worse than the grid point itself; beyond rounding only: near a
    # flat maximum (next to a corner) the refined root and the grid point
    # have the same utility to 1e-16 and the root is the exact answer
    ug = U[rr, i]
    worse = u < ug - 1e-15 * (1 + np.abs(ug))
    x = np.where(worse, xg[i], x)
    u = np.where(worse, ug, u)
    u = np.where(valid, u, -np.inf)
    if ncand == 1:
        return x, u, x, np.full(R, -np.inf)
    x1, x2, u1, u2 = x[:R], x[R:], u[:R], u[R:]
    sw = u2 > u1
    xa, ua = np.where(sw, x2, x1), np.where(sw, u2, u1)
    xb, ub = np.where(sw, x1, x2), np.where(sw, u1, u2)
    return xa, ua, xb, ub


class Linear:
    def __init__(self, M, n, neta=NETA):
        self.M, self.n = M, n
        self.xg = np.linspace(0, 1, neta)
        self.mg = M.m(self.xg)
        self.Eg = M.E(self.xg)

    def _L(self, slope, b, m):
        # n log(1 - m + m e^{-b slope/n})
        return self.n * np.log1p(m * np.expm1(-b * slope / self.n))

    def agent(self, base, slope, m, x):
        s = sum(a * -np.expm1(-b * base + self._L(slope, b, m)) for a, b in self.M.terms)
        return s - self.M.E(x)

    def dagent(self, base, slope, m, x):
        n, r = self.n, 0.0
        for a, b in self.M.terms:
            t = np.expm1(-b * slope / n)
            r = r + a * np.exp(-b * base + (n - 1) * np.log1p(m * t)) * n * (-t)
        return r * self.M.d - self.M.E(x, 1)

    def br(self, base, slope):
        """Best response (eta, u) of rows of contracts (base, slope)."""
        M = self.M
        U = self.agent(base[:, None], slope[:, None], self.mg[None, :], self.xg[None, :])
        dU = lambda r, x: self.dagent(base[r], slope[r], M.m(x), x)
        ue = lambda r, x: self.agent(base[r], slope[r], M.m(x), x)
        x, u, _, _ = best_response(U, dU, ue, self.xg, ncand=1)  # concave in eta
        return x, u

    def evaluate(self, slope):
        """Principal utility, eta, base for each slope (IR binding)."""
        M = self.M
        slope = np.asarray(slope, float)
        lo = np.full(slope.shape, float(M.wmin))
        hi = M.wmax - slope
        feas = hi >= lo
        hi = np.maximum(hi, lo)
        _, ulo = self.br(lo, slope)
        _, uhi = self.br(hi, slope)
        feas &= uhi >= M.u0
        slack = ulo >= M.u0  # IR slack at the floor: base = w_min
        # Safeguarded Newton on u(base) = U0: u is increasing with
        # derivative sum alpha beta e^{-beta base} Phi_beta(eta_BR) by the
        # envelope theorem; a step leaving the bracket is a bisection.
        a, b = lo.copy(), hi.copy()
        x = 0.5 * (a + b)
        for _ in range(40):
            eta, um = self.br(x, slope)
            ok = um >= M.u0
            b = np.where(ok, x, b)
            a = np.where(ok, a, x)
            m = M.m(eta)
            du = sum(al * be * np.exp(-be * x + self._L(slope, be, m)) for al, be in M.terms)
            with np.errstate(invalid="ignore", divide="ignore"):
                xn = x - (um - M.u0) / du
            inside = (xn > a) & (xn < b) & np.isfinite(xn)
            xn = np.where(inside, xn, 0.5 * (a + b))
            if np.all((np.abs(xn - x) <= 1e-15 * (1 + np.abs(x))) | ~feas | slack):
                break
            x = xn
        base = np.where(slack, lo, x)
        eta, u = self.br(base, slope)
        pay = base + slope * M.m(eta)
        V = np.where(feas, M.mu(eta) - pay, -np.inf)
        return V, eta, base, pay, u


class Binary:
    """Binary contracts in utility units. Both tails P = P(X >= k) and
    Q = P(X < k) are sums of positive pmf terms, each accurate where it is
    small; the agent's utility is B P - E(eta) + S0 where P <= 1/2 and
    -B Q - E(eta) + S1 (S1 = S0 + B) where P > 1/2, so that a bonus B up
    to G(w_max) - G(w_min) (~1e12 for sumexp with a steep term) never
    multiplies a rounded 1 - tiny: the two regions are maximised
    separately and compared through their difference with B."""

    def __init__(self, M, n, neta=NETA):
        self.M, self.n = M, n
        self.xg = np.linspace(0, 1, neta)
        self.mg = M.m(self.xg)
        self.Eg = M.E(self.xg)
        j, lc = logpmf_table(n)
        lp = lc[None, :] + j[None, :] * np.log(self.mg[:, None]) + (n - j)[None, :] * np.log1p(
            -self.mg[:, None])
        pmf = np.exp(lp)
        self.sfg = np.cumsum(pmf[:, ::-1], axis=1)[:, ::-1]  # [eta, k] = P(X >= k)
        cum = np.cumsum(pmf, axis=1)  # [eta, j] = P(X <= j)
        self.qg = np.concatenate([np.zeros((neta, 1)), cum], axis=1)  # [eta, k] = P(X < k)

    def evaluate(self, k, B):
        M, n = self.M, self.n
        B = np.asarray(B, float)
        Pg, Qg = self.sfg[:, k], self.qg[:, k]
        inP = Pg <= 0.5
        dU = lambda r, x: B[r] * dsf(n, k, M.m(x)) * M.d - M.E(x, 1)
        cands = []  # (eta, agent utility relative to S0)
        if inP.any():
            U = np.where(inP[None, :], B[:, None] * Pg[None, :] - self.Eg[None, :], -np.inf)
            ue = lambda r, x: B[r] * sf(n, k, M.m(x)) - M.E(x)
            x1, u1, x2, u2 = best_response(U, dU, ue, self.xg)
            cands += [(x1, u1, "P"), (x2, u2, "P")]
        if (~inP).any():
            U = np.where(~inP[None, :], -B[:, None] * Qg[None, :] - self.Eg[None, :], -np.inf)
            ue = lambda r, x: -B[r] * cdf_below(n, k, M.m(x)) - M.E(x)
            x1, u1, x2, u2 = best_response(U, dU, ue, self.xg)
            cands += [(x1, u1, "Q"), (x2, u2, "Q")]
        # the agent's best: compare P-form u with Q-form u + B as u_P - u_Q vs B
        R = len(B)
        best = None
        for x, u, form in cands:
            r = self._value(k, B, x, u, form)
            if best is None:
                best, bu, bform = r, u, np.full(R, form)
                continue
            # gain of this candidate over the current best, in agent utility
            gain = np.where(bform == form, u - bu,
                            np.where(bform == "P", (u + B) - bu if form == "Q" else u - bu,
                                     u - (bu + B)))
            with np.errstate(invalid="ignore"):
                tie = np.abs(gain) <= 1e-13 * (1 + np.abs(np.where(bform == "P", bu, bu + B)))
                take = np.isfinite(u) & ((gain > 0) & ~tie | tie & (r[0] > best[0]))
            best = tuple(np.where(take, a2, a1) for a1, a2 in zip(best, r))
            bu = np.where(take, u, bu)
            bform = np.where(take, form, bform)
        return best

    def _value(self, k, B, eta, u, form):
        """(V, eta, w_low, bonus, pay) when the agent's best is eta with
        utility u relative to S0 (form P) or to S1 (form Q); IR binds."""
        M = self.M
        if form == "P":
            s0 = M.u0 - u
            s1 = s0 + B
        else:
            s1 = M.u0 - u
            s0 = s1 - B
        low = s0 < M.gmin  # IR slack at the wage floor
        s0 = np.where(low, M.gmin, s0)
        s1 = np.where(low, M.gmin + B, s1)
        feas = np.isfinite(u) & (s1 <= M.gmax) & (s1 < sum(a for a, _ in M.terms))
        with np.errstate(invalid="ignore", divide="ignore"):
            wl = M.Ginv(np.where(feas, s0, 0.0))
            wh = M.Ginv(np.where(feas, s1, 0.0))
        if form == "P":
            pay = wl + (wh - wl) * sf(self.n, k, M.m(eta))
        else:
            pay = wh - (wh - wl) * cdf_below(self.n, k, M.m(eta))
        V = np.where(feas & (wh <= M.wmax), M.mu(eta) - pay, -np.inf)
        return V, eta, wl, wh - wl, pay


def zoom(f, grid, i, levels=ZOOM, keep=None):
    """Refine the maximum of f (vectorised, returns (V, ...)) around grid[i]
    by local 21-point grids over the two neighbouring cells. keep(xs, res)
    records every evaluation. Returns (x, res tuple at x)."""
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    best_x, best = grid[i], None
    for _ in range(levels):
        xs = np.linspace(lo, hi, 21)
        res = f(xs)
        if keep:
            keep(xs, res)
        j = int(np.argmax(res[0]))
        if best is None or res[0][j] >= best[0]:
            best_x, best = xs[j], tuple(r[j] for r in res)
        h = (hi - lo) / 20
        lo, hi = max(xs[j] - h, grid[0]), min(xs[j] + h, grid[-1])
        if hi - lo <= 1e-15 * max(1.0, abs(xs[j])):
            break
    return best_x, best


def top_local_maxima(V, count):
    left = np.concatenate([[True], V[1:] >= V[:-1]])
    right = np.concatenate([V[:-1] >= V[1:], [True]])
    idx = np.nonzero(left & right & np.isfinite(V))[0]
    return idx[np.argsort(-V[idx])][:count]


def solve_linear(M, n, scale=1):
    L = Linear(M, n, neta=(NETA_LIN - 1) * scale + 1)
    smax = M.wmax - M.wmin
    grid = np.unique(np.concatenate([np.linspace(0, min(6.0, smax), (NSLOPE - 101) * scale + 1),
                                     np.geomspace(min(6.0, smax), smax, 100 * scale + 1)]))
    V = L.evaluate(grid)[0]
    near = []

    def keep(xs, res):
        near.extend(zip(res[0], res[1]))

    best = None
    for i in top_local_maxima(V, 3):
        x, r = zoom(lambda s: L.evaluate(s), grid, i, keep=keep)
        if best is None or r[0] > best[1][0]:
            best = (x, r)
    slope, (Vb, eta, base, pay, u) = best
    band = [e for v, e in near if v >= Vb - ETA_BAND]
    return dict(V=Vb, eta=eta, base=base, term=slope, k=0, pay=pay, u=u,
                eta_lo=min(band + [eta]), eta_hi=max(band + [eta]))


def solve_binary(M, n, scale=1):
    Bn = Binary(M, n, neta=(NETA - 1) * scale + 1)
    Bmax = M.gmax - M.gmin
    grid = np.geomspace(1e-6, Bmax, (NB - 1) * scale + 1)
    # the constant wage, eta = 0
    w0 = float(M.Ginv(M.u0 + M.E(0.0)))
    w0c = max(w0, M.wmin)
    best = dict(V=float(M.mu(0.0)) - w0c, eta=0.0, base=w0c, term=0.0, k=0, pay=w0c, u=np.nan)
    near = [(best["V"], 0.0)]
    coarse = []
    for k in range(1, n + 1):
        V = Bn.evaluate(k, grid)[0]
        coarse.append((V.max(), k, V))
    cmax = max(c[0] for c in coarse)
    for vmax, k, V in coarse:
        if not vmax >= cmax - 2e-3:  # the coarse values are within ~1e-4 of the truth
            continue

        def keep(xs, res):
            near.extend(zip(res[0], res[1]))

        for i in top_local_maxima(V, 3):
            B, r = zoom(lambda b: Bn.evaluate(k, b), grid, i, keep=keep)
            if r[0] > best["V"]:
                best = dict(V=r[0], eta=r[1], base=r[2], term=r[3], k=k, pay=r[4], u=np.nan,
                            B=B)
    band = [e for v, e in near if v >= best["V"] - ETA_BAND]
    best["eta_lo"] = min(band + [best["eta"]])
    best["eta_hi"] = max(band + [best["eta"]])
    return best


def main(out, check=False):
    t0 = time.time()
    rows = []
    worst = 0.0
    for spec, terms, cost, value, u0, wmin, wmax in MODELS:
        for mon in MONITORS:
            M = Model(spec, terms, cost, value, u0, wmin, wmax, mon)
            for n in NS:
                for typ, solver in (("linear", solve_linear), ("binary", solve_binary)):
                    r = solver(M, n)
                    rows.append((M, n, typ, r))
                    if check:
                        r2 = solver(M, n, scale=2)
                        worst = max(worst, abs(r2["V"] - r["V"]))
                        print("%s %s n=%d %s V=%.15g (x2: %+.2e) eta=%.9f [%.6f %.6f] %.1fs" % (
                            spec, mon[0], n, typ, r["V"], r2["V"] - r["V"], r["eta"], r["eta_lo"],
                            r["eta_hi"], time.time() - t0), file=sys.stderr)
                    else:
                        print("%s %s n=%d %s V=%.15g eta=%.9f k=%d %.1fs" % (
                            spec, mon[0], n, typ, r["V"], r["eta"], r["k"], time.time() - t0),
                            file=sys.stderr)
    if check:
        print("largest change at doubled resolution: %.3e" % worst, file=sys.stderr)
    with open(out + "/contract_secondbest.tsv", "w") as f:
        f.write("# generated by tests/spec/gen/gen_secondbest.py on %s (python %s, numpy %s, "
                "mpmath %s) in %.0f s\n" % (datetime.date.today().isoformat(),
                                             sys.version.split()[0], np.__version__,
                                             mp.__version__, time.time() - t0))
        f.write("# unrestricted second-best by a scan of the CONTRACT space (not target efforts): "
                "linear: %d slopes, base from binding IR by bisection on the agent's max utility; "
                "binary: every k, %d log-spaced bonuses in utility units, base from binding IR; "
                "the agent's best response on a %d-point effort grid refined by derivative "
                "bisection; %d zoom levels of 21 points around the best coarse local maxima\n"
                % (NSLOPE, NB, NETA, ZOOM))
        f.write("# monitor expert: m = 0.5 + param eta / 2 (cbar = param); self-general: "
                "q0 = 0.5, m = q0 + eta (1 - param - q0) (delta = param)\n")
        f.write("# V: principal utility mu(eta) - E[w]; eta_lo/eta_hi: range of best-response "
                "efforts among refined contracts with V within %g of the best; term: slope "
                "(linear) or bonus (binary); k = 0 with term 0: the constant wage\n" % ETA_BAND)
        f.write("utility\tcost\tvalue\tu0\twmin\twmax\tmonitor\tparam\tn\ttype\tV\teta\teta_lo\t"
                "eta_hi\tbase\tterm\tk\tpay\n")
        for M, n, typ, r in rows:
            f.write("%s\t%s\t%s\t%r\t%r\t%r\t%s\t%r\t%d\t%s\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t"
                    "%.17g\t%d\t%.17g\n" % (M.spec, M.cost_spec(), M.value_spec(), M.u0,
                                           float(M.wmin), float(M.wmax), M.mname, M.mpar, n, typ,
                                           r["V"], r["eta"], r["eta_lo"], r["eta_hi"], r["base"],
                                           r["term"], r["k"], r["pay"]))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--check"]
    main(args[0] if args else "tests/spec/data", check="--check" in sys.argv)
