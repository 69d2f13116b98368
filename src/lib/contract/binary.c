/*
** Binary contracts w = base + bonus 1{X >= k}: the cheapest one implementing
** a target effort (paper §6.5).
**
** For a threshold k the bonus in utility units B = G(base + bonus) - G(base)
** comes from the first-order condition B P_k'(eta) = E'(eta), with
** P_k' = n b(k-1; n-1, m) m', and the base from binding IR
** G(base) + B P_k = U0 + E. Which k? Only thresholds whose bonus fits in the
** wage range can work, B <= G(w_max) - G(w_min), i.e.
**     b(k-1; n-1, m) >= pmin := E' / (n m' (G(w_max) - G(w_min))),
** and the binomial pmf is unimodal in k, so these k form ONE interval around
** the mode, found by two bisections: a window of width O(sqrt(n log(1/pmin)))
** that provably contains every candidate. The window is scanned with the
** pmf recurrence (two Rmath calls per window, not per k), the survivors of
** the wage-bound and second-order checks are sorted by expected pay, and the
** global IC check runs in that order until one passes.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "contract/internal.h"
#include "core/optim.h"
#include "prefmon/binom.h"
#include "prefmon/contract.h"

typedef struct cand {
    long k;
    double pay, base, bonus;
} cand;

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->pay < y->pay)
        return -1;
    if (x->pay > y->pay)
        return 1;
    return (x->k > y->k) - (x->k < y->k);
}

/* Bisection for the first j in [lo, hi] with pred true, for a predicate
 * monotone false -> true on the interval (hi + 1 if none). */
static long first_true(long lo, long hi, double n1, double p, double logmin, int rising)
{
    /* rising: pmf >= pmin is the predicate (left flank, pmf increasing);
     * else pmf < pmin (right flank, pmf decreasing). */
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        double lp = pm_dbinom((double)mid, n1, p, 1);
        int pred = rising ? lp >= logmin : lp < logmin;
        if (pred)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return lo;
}

/* P(X < k) = 1 - I_p(k, n - k + 1) for 1 <= k <= n, from the upper
 * incomplete beta (accurate when small; no 1 - P). */
static double q_below(long k, long n, double p)
{
    return pm_pbeta(p, (double)k, (double)(n - k + 1), 0, 0);
}

static pm_status infeasible(pm_contract *out, pm_error *err, long n, double eta, const char *why)
{
    out->feasible = 0;
    out->terms.base = out->terms.bonus = out->expected_pay = NAN;
    out->principal_utility = out->agent_utility = NAN;
    out->terms.k = 0;
    return pm_error_set(err, PM_EINFEASIBLE,
                        "binary contract, n = %ld: effort %.6g cannot be implemented: %s", n, eta,
                        why);
}

/* Does IR hold at eta and is eta a global best response to c? Cheap
 * rejection first: the cheapest thresholds are typically the strict ones
 * where the agent shirks, and any single effort with higher utility proves
 * that, so a coarse probe (eta = 0 first) settles most candidates before
 * the full best-response search. */
#define IC_PROBES 16
static int global_ic(const pm_model *m, const pm_scheme *sc, const pm_contract_terms *c, double eta,
                     double *u_at)
{
    double ua, ub, eb;
    if (pm_contract_agent_utility(m, sc, c, eta, &ua) != PM_OK)
        return 0;
    *u_at = ua;
    if (ua < m->u0 - pmx_ic_tie(m->u0))
        return 0; /* IR: the wages round away from the binding value */
    for (int i = 0; i <= IC_PROBES; i++) {
        double x = (double)i / IC_PROBES, ux;
        if (pm_contract_agent_utility(m, sc, c, x, &ux) == PM_OK && ux > ua + pmx_ic_tie(ua))
            return 0;
    }
    if (pm_contract_best_response(m, sc, c, &eb, &ub) != PM_OK)
        return 0;
    return ua >= ub - pmx_ic_tie(ub);
}

/* Wages and expected pay of threshold k implementing eta, from
 * f1 = b(k-1; n-1, p) and q = P(X < k) (P(no bonus)). 0 if the bonus
 * does not fit in the wage range. */
typedef struct target {
    const pm_model *m;
    double eta, p, d, u, ed, e2, mu;
    double gmin, gmax;
    double pay_below; /* candidates paying at least this are of no use */
    long n;
} target;

static int wages_with(const target *t, long k, double B, double q, cand *out);

static int wages_for(const target *t, long k, double f1, double q, cand *out)
{
    double B = t->ed / ((double)t->n * t->d * f1);
    /* Second-order condition at eta (necessary for an interior local
     * maximum): B m'^2 P_k'' <= E'', where P_k'' = (n-1)/(p(1-p))
     * (ptilde - p) P_k' (paper §6.4(c)) and B m' P_k' = E'. */
    if (t->n >= 2 && t->eta < 1 && t->p > 0 && t->p < 1) {
        double n1 = (double)(t->n - 1), pt = (double)(k - 1) / n1;
        double soc = t->d * t->ed * n1 * (pt - t->p) / (t->p * (1 - t->p));
        if (soc > t->e2 + 1e-12 * (fabs(t->e2) + fabs(soc)))
            return 0;
    }
    return wages_with(t, k, B, q, out);
}

/* The wages of threshold k with bonus B in utility units, IR binding at
 * the target; 0 if they leave [w_min, w_max]. */
static int wages_with(const target *t, long k, double B, double q, cand *out)
{
    /* S1 = U0 + E + B P(no bonus) exactly; S0 = S1 - B. */
    double qk = fmin(q, 1), s1 = t->u + B * qk, s0 = s1 - B;
    if (!(s0 >= t->gmin && s1 <= t->gmax))
        return 0;
    double wh = pm_utility_inverse(&t->m->G, s1);
    if (!(wh <= t->m->w_max))
        return 0;
    /* Skip the second inversion when the pay cannot beat pay_below: G is
     * concave, so B = G(wh) - G(wl) >= G'(wh) (wh - wl) and
     * pay = wh - (wh - wl) q >= wh - q B / G'(wh). The margin is far above
     * the rounding of either side, so no candidate that could win is cut. */
    if (isfinite(t->pay_below)) {
        double lb = wh - qk * B / pm_utility_eval(&t->m->G, wh, 1);
        if (lb > t->pay_below + 1e-12 * (1 + fabs(wh) + fabs(t->pay_below)))
            return 0;
    }
    double wl = pm_utility_inverse(&t->m->G, s0);
    if (!(wl >= t->m->w_min))
        return 0;
    out->k = k;
    out->base = wl;
    out->bonus = wh - wl;
    out->pay = wh - (wh - wl) * qk;
    return 1;
}

/* ---- the top effort eta = 1 ------------------------------------------
 *
 * At eta = 1 the first-order condition is only an inequality,
 * B P_k'(1) >= E'(1): the agent may sit at the corner with a strictly
 * positive marginal gain. The bonus from the equality can leave a shirking
 * effort better for him, and a larger bonus then still implements eta = 1:
 * 1 is a global best response iff B (P_k(1) - P_k(x)) >= E(1) - E(x) for
 * every x < 1, i.e. B >= B_ic := sup_{x<1} (E(1) - E(x)) / (P_k(1) - P_k(x)),
 * whose limit at x -> 1 is the first-order bonus E'(1) / P_k'(1). For a
 * fixed k the expected pay grows with B (IR binding: d pay / dB =
 * P (1 - P) (1/G'(w_high) - 1/G'(w_low)) >= 0, G concave), so the cheapest
 * contract with threshold k implementing eta = 1 uses max(B_foc, B_ic), and
 * its pay with B_foc is a lower bound (used to stop the search over k). */

typedef struct corner_ctx {
    const pm_model *m;
    const pm_scheme *sc;
    double n, k, e1, p1, q1; /* E(1), P(X >= k) and P(X < k) at m(1) */
} corner_ctx;

/* (E(1) - E(x)) / (P_k(1) - P_k(x)), the tail difference from the side of
 * the smaller tail; -inf where it is not positive (x at or above 1). */
static double corner_ratio(double x, void *vctx)
{
    const corner_ctx *c = vctx;
    double p = fmin(pm_scheme_pass(c->sc, x), 1), D;
    if (c->p1 <= 0.5)
        D = c->p1 - pm_pbeta(p, c->k, c->n - c->k + 1, 1, 0);
    else
        D = pm_pbeta(p, c->k, c->n - c->k + 1, 0, 0) - c->q1;
    if (!(D > 0))
        return -INFINITY;
    return (c->e1 - pm_cost_eval(&c->m->E, x, 0)) / D;
}

/* B_ic for threshold k (see above): the maximum of the ratio over [0,1) on
 * 200 uniform cells plus 64 points across the bell of P_k' (where the
 * ratio changes fastest), the best 4 local maxima refined by Brent. */
static double corner_bonus(const pm_model *m, const pm_scheme *sc, long n, long k)
{
    corner_ctx c = {m, sc, (double)n, (double)k, pm_cost_eval(&m->E, 1, 0), 0, 0};
    double p1 = fmin(pm_scheme_pass(sc, 1), 1);
    c.p1 = pm_pbeta(p1, c.k, c.n - c.k + 1, 1, 0);
    c.q1 = pm_pbeta(p1, c.k, c.n - c.k + 1, 0, 0);
    pmx_grid g = {
        .uniform = 200, .include_one = 0, .bell_lo = 2, .bell_hi = 2, .bell = 64, .refine = 4};
    pmx_bell_range(sc, n, k, &g.bell_lo, &g.bell_hi);
    double best;
    if (pmx_grid_maximize(corner_ratio, &c, &g, NULL, &best, NULL) != PM_OK)
        return -INFINITY;
    return best;
}

static void target_init(target *t, const pm_model *m, const pm_scheme *sc, long n, double eta)
{
    t->m = m;
    t->n = n;
    t->eta = eta;
    t->d = pm_scheme_slope(sc);
    t->p = fmin(pm_scheme_pass(sc, eta), 1);
    t->u = m->u0 + pm_cost_eval(&m->E, eta, 0);
    t->ed = pm_cost_eval(&m->E, eta, 1);
    t->e2 = pm_cost_eval(&m->E, eta, 2);
    t->mu = pm_value_eval(&m->mu, eta, 0);
    t->gmin = pm_utility_eval(&m->G, m->w_min, 0);
    t->gmax = pm_utility_eval(&m->G, m->w_max, 0);
    t->pay_below = INFINITY;
}

pm_status pm_contract_binary_with_k(const pm_model *m, const pm_scheme *sc, long n, long k,
                                    double eta, int check_ic, pm_contract *out, pm_error *err)
{
    if (!m || !sc || !out || n < 1 || k < 1 || k > n || !(eta > 0 && eta <= 1))
        return pm_error_set(err, PM_EINVAL, "binary contract: invalid argument");
    pmx_contract_start(out, PM_CONTRACT_BINARY, n, eta);
    target t;
    target_init(&t, m, sc, n, eta);
    cand c;
    double f1 = pm_dbinom((double)(k - 1), (double)(n - 1), t.p, 0);
    double q = q_below(k, n, t.p);
    if (!(t.ed > 0 && f1 > 0) || !wages_for(&t, k, f1, q, &c))
        return infeasible(out, err, n, eta, "threshold k: the wages leave [w_min, w_max]");
    out->terms.k = k;
    out->terms.base = c.base;
    out->terms.bonus = c.bonus;
    out->expected_pay = c.pay;
    out->principal_utility = t.mu - c.pay;
    double u_at = t.u - pm_cost_eval(&m->E, eta, 0);
    if (check_ic && !global_ic(m, sc, &out->terms, eta, &u_at)) {
        /* At eta = 1 a larger bonus may still make it a best response. */
        double Bfoc = t.ed / ((double)n * t.d * f1), Bc;
        if (!(eta == 1 && (Bc = corner_bonus(m, sc, n, k)) > Bfoc && wages_with(&t, k, Bc, q, &c)))
            return infeasible(out, err, n, eta,
                              "threshold k: the target is not the agent's global best response");
        out->terms.base = c.base;
        out->terms.bonus = c.bonus;
        out->expected_pay = c.pay;
        out->principal_utility = t.mu - c.pay;
        if (!global_ic(m, sc, &out->terms, eta, &u_at))
            return infeasible(out, err, n, eta,
                              "threshold k: the target is not the agent's global best response");
    }
    out->agent_utility = u_at;
    out->feasible = 1;
    return PM_OK;
}

pm_status pm_contract_binary_implement(const pm_model *m, const pm_scheme *sc, long n, double eta,
                                       pm_contract *out, pm_error *err)
{
    return pmx_binary_implement_below(m, sc, n, eta, INFINITY, out, err);
}

/* The candidates of the window j = k - 1 in [jlo, jhi] that pass the
 * wage-bound and second-order checks, sorted by expected pay; their count.
 * pmf_{n-1}(j) by the ratio recurrence from jlo, q = P(X_n <= j) =
 * P(X_n < k) = P(no bonus) accumulated from its own start. Both are
 * sums/products of positive terms: relative error ~ w eps. */
static long scan_window(const target *t, long jlo, long jhi, cand *cs)
{
    double p = t->p, n1 = (double)(t->n - 1), nd = (double)t->n;
    double f1 = pm_dbinom((double)jlo, n1, p, 0);
    double fn = pm_dbinom((double)jlo, nd, p, 0);
    double q = q_below(jlo + 1, t->n, p);
    double odds = p / (1 - p);
    long nc = 0;
    for (long j = jlo; j <= jhi; j++) {
        if (j > jlo) {
            if (p < 1) {
                f1 *= odds * (n1 - (double)(j - 1)) / (double)j;
                fn *= odds * (nd - (double)(j - 1)) / (double)j;
            } else {
                f1 = pm_dbinom((double)j, n1, p, 0);
                fn = pm_dbinom((double)j, nd, p, 0);
            }
            q += fn;
        }
        if (wages_for(t, j + 1, f1, q, &cs[nc]))
            nc++;
    }
    qsort(cs, (size_t)nc, sizeof *cs, cand_cmp);
    return nc;
}

/* The cheapest of the sorted candidates below pay_below that passes IR and
 * global IC (out's terms hold it; *best_u its agent utility); k = 0 when
 * none does. eta = 1: a candidate failing IC with the first-order bonus may
 * pass with the corner bonus B_ic (see corner_bonus), at a higher pay; the
 * sorted first-order pays are lower bounds, so the search stops at the
 * first candidate whose bound reaches the best pay found. */
static cand pick(const target *t, const pm_scheme *sc, const cand *cs, long nc, double pay_below,
                 pm_contract *out, double *best_u)
{
    const pm_model *m = t->m;
    double n1 = (double)(t->n - 1), nd = (double)t->n;
    cand best = {0, pay_below, NAN, NAN};
    for (long i = 0; i < nc && cs[i].pay < best.pay; i++) {
        out->terms.k = cs[i].k;
        out->terms.base = cs[i].base;
        out->terms.bonus = cs[i].bonus;
        double u_at;
        if (global_ic(m, sc, &out->terms, t->eta, &u_at)) {
            *best_u = u_at;
            return cs[i]; /* the cheapest remaining: every later bound is higher */
        }
        if (t->eta != 1)
            continue;
        double f1k = pm_dbinom((double)(cs[i].k - 1), n1, t->p, 0);
        double qk = q_below(cs[i].k, t->n, t->p);
        double Bc = corner_bonus(m, sc, t->n, cs[i].k);
        cand cc;
        if (!(Bc > t->ed / (nd * t->d * f1k)) || !wages_with(t, cs[i].k, Bc, qk, &cc) ||
            !(cc.pay < best.pay))
            continue;
        out->terms.base = cc.base;
        out->terms.bonus = cc.bonus;
        if (global_ic(m, sc, &out->terms, t->eta, &u_at)) {
            best = cc;
            *best_u = u_at;
        }
    }
    return best;
}

pm_status pmx_binary_implement_below(const pm_model *m, const pm_scheme *sc, long n, double eta,
                                     double pay_below, pm_contract *out, pm_error *err)
{
    if (!m || !sc || !out || n < 1 || !(eta >= 0 && eta <= 1))
        return pm_error_set(err, PM_EINVAL, "binary contract: invalid argument");
    pmx_contract_start(out, PM_CONTRACT_BINARY, n, eta);
    target t;
    target_init(&t, m, sc, n, eta);
    t.pay_below = pay_below;
    if (eta == 0 || t.ed == 0) {
        out->terms.base = out->expected_pay = pm_utility_inverse(&m->G, t.u);
        out->terms.bonus = 0;
        out->terms.k = 0;
        out->principal_utility = t.mu - out->expected_pay;
        out->agent_utility = t.u - pm_cost_eval(&m->E, eta, 0);
        out->feasible = 1;
        return PM_OK;
    }
    double p = t.p, n1 = (double)(n - 1), nd = (double)n;
    /* The window j = k - 1 in [jlo, jhi] of Bin(n-1, p) where the pmf is at
     * least pmin (a 1e-9 relative slack keeps the boundary k, whose wage
     * may sit exactly on a bound, inside). */
    double logmin = log(t.ed / (nd * t.d * (t.gmax - t.gmin))) - 1e-9;
    long mode = (long)floor(nd * p);
    if (mode > n - 1)
        mode = n - 1;
    if (pm_dbinom((double)mode, n1, p, 1) < logmin)
        return infeasible(out, err, n, eta, "every bonus it needs exceeds the wage range");
    long jlo = first_true(0, mode, n1, p, logmin, 1);
    long jhi = first_true(mode, n - 1, n1, p, logmin, 0) - 1;
    cand *cs = malloc((size_t)(jhi - jlo + 1) * sizeof *cs);
    if (!cs)
        return pm_error_set(err, PM_ENOMEM, "binary contract: out of memory");
    long nc = scan_window(&t, jlo, jhi, cs);
    double best_u = NAN;
    cand best = pick(&t, sc, cs, nc, pay_below, out, &best_u);
    free(cs);
    if (best.k < 1)
        return infeasible(out, err, n, eta,
                          nc ? "no threshold within the wage range makes it a global best "
                               "response"
                             : "no threshold keeps both wages within [w_min, w_max]");
    out->terms.k = best.k;
    out->terms.base = best.base;
    out->terms.bonus = best.bonus;
    out->expected_pay = best.pay;
    out->principal_utility = t.mu - best.pay;
    out->agent_utility = best_u;
    out->feasible = 1;
    return PM_OK;
}
