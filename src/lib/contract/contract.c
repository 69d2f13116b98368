/*
** Contracts: names, first-best, the agent's expected utility and global
** best response, and the solver entry points (restricted and second-best
** are built on the cheapest-implementation solvers in contract_linear.c
** and contract_binary.c).
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "contract/internal.h"
#include "core/optim.h"
#include "prefmon/binom.h"
#include "prefmon/contract.h"

const char *pm_contract_type_name(pm_contract_type t)
{
    return t == PM_CONTRACT_BINARY ? "binary" : "linear";
}

const char *pm_solve_name(pm_solve s)
{
    switch (s) {
    case PM_SOLVE_FIRST_BEST:
        return "first-best";
    case PM_SOLVE_RESTRICTED:
        return "restricted";
    case PM_SOLVE_SECOND_BEST:
        return "second-best";
    }
    return "unknown";
}

/* ---- first-best ------------------------------------------------------- */

/* Minus the first-best objective mu(eta) - G^{-1}(E(eta) + U0). */
static double fb_neg(double eta, void *ctx)
{
    const pm_model *m = ctx;
    return -(pm_value_eval(&m->mu, eta, 0) -
             pm_utility_inverse(&m->G, pm_cost_eval(&m->E, eta, 0) + m->u0));
}

/* Its derivative (plus sign): mu' - E' / G'(G^{-1}(E + U0)). */
static double fb_dobj(double eta, void *ctx)
{
    const pm_model *m = ctx;
    double w = pm_utility_inverse(&m->G, pm_cost_eval(&m->E, eta, 0) + m->u0);
    return pm_value_eval(&m->mu, eta, 1) -
           pm_cost_eval(&m->E, eta, 1) / pm_utility_eval(&m->G, w, 1);
}

static void contract_blank(pm_contract *c, pm_contract_type type, pm_solve solve, long n)
{
    memset(c, 0, sizeof *c);
    c->type = type;
    c->solve = solve;
    c->n = n;
    c->eta = c->base = c->slope = c->bonus = c->expected_pay = NAN;
    c->principal_utility = c->agent_utility = NAN;
    c->first_best_utility = c->first_best_eta = c->gap = c->normalized_gap = NAN;
    c->fisher_info = NAN;
    c->tau = NAN;
}

pm_status pm_first_best(const pm_model *m, pm_contract *out, pm_error *err)
{
    if (!m || !out)
        return pm_error_set(err, PM_EINVAL, "first-best: NULL argument");
    pm_status st = pm_model_check(m, err);
    if (st != PM_OK)
        return st;
    /* The objective is concave (Prop. 5: G^{-1} convex increasing, E
     * convex, mu concave), so fmin finds the interior maximum and the
     * endpoints settle boundary solutions. */
    double x, fx;
    pmx_fmin(fb_neg, (void *)m, 0, 1, 1e-12, &x, &fx);
    double f0 = fb_neg(0, (void *)m), f1 = fb_neg(1, (void *)m);
    if (f0 < fx) {
        x = 0;
        fx = f0;
    }
    if (f1 <= fx) {
        x = 1;
        fx = f1;
    }
    /* Polish an interior optimum on the first-order condition: fmin stops
     * at about sqrt(eps) in x, the derivative root at eps. */
    if (x > 0 && x < 1) {
        double lo = fmax(x - 1e-4, x / 2), hi = fmin(x + 1e-4, (1 + x) / 2), r;
        double dlo = fb_dobj(lo, (void *)m), dhi = fb_dobj(hi, (void *)m);
        if (dlo > 0 && dhi < 0 && pmx_zeroin(fb_dobj, (void *)m, lo, hi, 0, 200, &r) == PM_OK) {
            double fr = fb_neg(r, (void *)m);
            if (fr <= fx) {
                x = r;
                fx = fr;
            }
        }
    }
    contract_blank(out, PM_CONTRACT_LINEAR, PM_SOLVE_FIRST_BEST, 0);
    out->feasible = 1;
    out->eta = out->first_best_eta = x;
    out->base = out->expected_pay = pm_utility_inverse(&m->G, pm_cost_eval(&m->E, x, 0) + m->u0);
    out->slope = out->bonus = 0;
    out->k = 0;
    out->principal_utility = out->first_best_utility = -fx;
    out->agent_utility = m->u0;
    out->gap = out->normalized_gap = 0;
    return PM_OK;
}

/* ---- the agent -------------------------------------------------------- */

/* E[G(base + slope X/n)], X ~ Bin(n, p). For a sum of exponentials each
 * term is a (1 - e^{-b base} (1 - p + p e^{-b slope/n})^n); the power is
 * taken as exp(n log1p(p expm1(-b slope/n))) so that large n and tiny
 * slopes lose nothing to 1 - p + p z rounding to 1. */
static double eg_linear(const pm_utility *g, long n, double base, double slope, double p)
{
    if (g->kind == PM_UTILITY_LINEAR)
        return base + slope * p;
    double s = 0;
    for (int i = 0; i < g->nterms; i++) {
        double a = g->alpha[i], b = g->beta[i];
        double L = (double)n * log1p(p * expm1(-b * slope / (double)n));
        s += -a * expm1(-b * base + L);
    }
    return s;
}

pm_status pm_contract_agent_utility(const pm_model *m, const pm_scheme *sc, const pm_contract *c,
                                    double eta, double *u)
{
    if (!m || !sc || !c || !u || !(eta >= 0 && eta <= 1) || c->n < 1)
        return PM_EINVAL;
    double p = pm_scheme_pass(sc, eta);
    if (p > 1)
        p = 1;
    double eg;
    if (c->type == PM_CONTRACT_LINEAR) {
        eg = eg_linear(&m->G, c->n, c->base, c->slope, p);
    } else {
        double g0 = pm_utility_eval(&m->G, c->base, 0);
        if (c->bonus == 0) {
            eg = g0;
        } else {
            /* From the side of the smaller tail: a lenient threshold with a
             * harsh penalty has g1 - g0 up to ~1e12 (G(w_min) for a steep
             * utility) and P(X >= k) = 1 - 1e-13, where g0 + (g1 - g0) P
             * would lose everything to the rounding of P. Tails come
             * straight from the incomplete beta (Rmath's TOMS 708, both
             * sides to ~1e-14 relative): no term-by-term sums here, this
             * runs thousands of times per solve. */
            double g1 = pm_utility_eval(&m->G, c->base + c->bonus, 0);
            double kk = (double)c->k, nn = (double)c->n;
            if (c->k < 1)
                eg = g1;
            else if (c->k > c->n)
                eg = g0;
            else if (p * nn < kk) /* P(X >= k) = I_p(k, n - k + 1), the small side */
                eg = g0 + (g1 - g0) * pm_pbeta(p, kk, nn - kk + 1, 1, 0);
            else /* P(X < k), the small side */
                eg = g1 - (g1 - g0) * pm_pbeta(p, kk, nn - kk + 1, 0, 0);
        }
    }
    *u = eg - pm_cost_eval(&m->E, eta, 0);
    return isnan(*u) ? PM_EINVAL : PM_OK;
}

typedef struct br_ctx {
    const pm_model *m;
    const pm_scheme *sc;
    const pm_contract *c;
} br_ctx;

static double br_neg(double eta, void *vctx)
{
    const br_ctx *b = vctx;
    double u;
    if (eta < 0)
        eta = 0;
    if (eta > 1)
        eta = 1;
    if (pm_contract_agent_utility(b->m, b->sc, b->c, eta, &u) != PM_OK)
        return INFINITY;
    return -u;
}

static double br_u(double eta, void *vctx)
{
    double v = br_neg(eta, vctx);
    return isfinite(v) ? -v : -INFINITY;
}

void pmx_contract_start(pm_contract *out, pm_contract_type type, long n, double eta)
{
    memset(out, 0, sizeof *out);
    out->type = type;
    out->solve = PM_SOLVE_RESTRICTED;
    out->n = n;
    out->tau = NAN;
    out->eta = eta;
}

void pmx_bell_range(const pm_scheme *sc, long n, long k, double *lo, double *hi)
{
    /* The binary incentive B P_k'(m) is a bell of width ~ sqrt(p(1-p)/n)
     * in pass probability centred at (k-1)/(n-1) (paper §6.4): for large n
     * it is far narrower than a uniform grid step, so it gets its own grid
     * of +-12 standard deviations, mapped to effort. */
    *lo = *hi = 2;
    if (n < 2)
        return;
    double n1 = (double)(n - 1), pt = ((double)k - 1) / n1;
    double sd = fmax(sqrt(fmax(pt * (1 - pt), 0) / n1), 1.0 / (double)n);
    double d = pm_scheme_slope(sc);
    *lo = fmax(0, (pt - 12 * sd - sc->q0) / d);
    *hi = fmin(1, (pt + 12 * sd - sc->q0) / d);
    if (!(*lo < *hi))
        *lo = *hi = 2;
}

pm_status pm_contract_best_response(const pm_model *m, const pm_scheme *sc, const pm_contract *c,
                                    double *eta_out, double *u_out)
{
    if (!m || !sc || !c || c->n < 1)
        return PM_EINVAL;
    br_ctx b = {m, sc, c};
    /* 160 uniform cells (80 for linear contracts, whose expected utility is
     * smooth), 96 points across a binary bell, the best 12 local maxima
     * refined by Brent. */
    pmx_grid g = {c->type == PM_CONTRACT_LINEAR ? 80 : 160, 1, 2, 2, 96, 12};
    if (c->type == PM_CONTRACT_BINARY && c->bonus != 0)
        pmx_bell_range(sc, c->n, c->k, &g.bell_lo, &g.bell_hi);
    return pmx_grid_maximize(br_u, &b, &g, eta_out, u_out);
}

/* ---- entry points ----------------------------------------------------- */

static pm_status check_args(const pm_model *m, const pm_scheme *sc, long n, pm_contract_type type,
                            pm_error *err)
{
    if (!m || !sc)
        return pm_error_set(err, PM_EINVAL, "contract: NULL argument");
    if (n < 1)
        return pm_error_set(err, PM_EINVAL, "contract: n must be >= 1 (got %ld)", n);
    if (type != PM_CONTRACT_LINEAR && type != PM_CONTRACT_BINARY)
        return pm_error_set(err, PM_EINVAL, "contract: unknown type %d", (int)type);
    double d = pm_scheme_slope(sc);
    if (!(d > 0) || !(sc->q0 >= 0) || !(sc->q0 + d <= 1 + 1e-15))
        return pm_error_set(err, PM_EINVAL, "contract: invalid monitoring scheme");
    return pm_model_check(m, err);
}

/* Fill the first-best-relative fields of c from fb. */
static void fill_relative(pm_contract *c, const pm_contract *fb, const pm_scheme *sc)
{
    c->first_best_utility = fb->first_best_utility;
    c->first_best_eta = fb->first_best_eta;
    c->fisher_info = pm_scheme_fisher(sc, fb->first_best_eta);
    c->tau = NAN;
    c->gap = c->normalized_gap = NAN;
    if (c->feasible) {
        c->gap = fb->first_best_utility - c->principal_utility;
        c->normalized_gap = fb->first_best_utility != 0 ? c->gap / fb->first_best_utility : NAN;
    }
}

static pm_status implement(const pm_model *m, const pm_scheme *sc, long n, pm_contract_type type,
                           double eta, pm_contract *out, pm_error *err)
{
    if (type == PM_CONTRACT_LINEAR)
        return pm_contract_linear_implement(m, sc, n, eta, out, err);
    return pm_contract_binary_implement(m, sc, n, eta, out, err);
}

pm_status pm_contract_implement(const pm_model *m, const pm_scheme *sc, long n,
                                pm_contract_type type, double eta, pm_contract *out, pm_error *err)
{
    if (!out)
        return pm_error_set(err, PM_EINVAL, "contract: NULL argument");
    pm_status st = check_args(m, sc, n, type, err);
    if (st != PM_OK)
        return st;
    if (!(eta >= 0 && eta <= 1))
        return pm_error_set(err, PM_EINVAL, "contract: effort %g outside [0, 1]", eta);
    pm_contract fb;
    if ((st = pm_first_best(m, &fb, err)) != PM_OK)
        return st;
    st = implement(m, sc, n, type, eta, out, err);
    out->solve = PM_SOLVE_RESTRICTED;
    fill_relative(out, &fb, sc);
    return st;
}

typedef struct sb_ctx {
    const pm_model *m;
    const pm_scheme *sc;
    long n;
    pm_contract_type type;
    pm_contract best; /* best feasible contract seen */
    double best_v;
} sb_ctx;

static void consider(sb_ctx *s, const pm_contract *c);

/* Minus the principal's value of implementing t as cheaply as possible;
 * +inf where no contract implements t. Remembers the best contract. */
static double sb_neg(double t, void *vctx)
{
    sb_ctx *s = vctx;
    pm_contract c;
    t = fmin(fmax(t, 0), 1);
    if (implement(s->m, s->sc, s->n, s->type, t, &c, NULL) != PM_OK || !c.feasible)
        return INFINITY;
    consider(s, &c);
    return -c.principal_utility;
}

/* Binary: only whether t beats the best contract so far matters (the
 * search keeps s->best, never the values), so thresholds paying at least
 * mu(t) - best are never checked for global IC. */
static void sb_try(sb_ctx *s, double t)
{
    pm_contract c;
    t = fmin(fmax(t, 0), 1);
    double below = s->best_v > -INFINITY ? pm_value_eval(&s->m->mu, t, 0) - s->best_v : INFINITY;
    if (pmx_binary_implement_below(s->m, s->sc, s->n, t, below, &c, NULL) == PM_OK && c.feasible)
        consider(s, &c);
}

#define SB_SCAN 40 /* coarse scan intervals over [0,1] */

typedef struct k_ctx {
    sb_ctx *s;
    long k;
} k_ctx;

/* Minus V_k(t) for a fixed threshold, without the IC check (smooth in t
 * where the wages fit): the IC check runs once at the maximiser. */
static double k_neg(double t, void *vctx)
{
    k_ctx *kc = vctx;
    pm_contract c;
    if (pm_contract_binary_with_k(kc->s->m, kc->s->sc, kc->s->n, kc->k, t, 0, &c, NULL) != PM_OK)
        return INFINITY;
    return -c.principal_utility;
}

static void consider(sb_ctx *s, const pm_contract *c)
{
    if (c->feasible && c->principal_utility > s->best_v) {
        s->best_v = c->principal_utility;
        s->best = *c;
    }
}

/* ---- the IC boundary of a fixed threshold -----------------------------
 *
 * For threshold k the target tk that maximises V_k is not a global best
 * response (a shirking effort xc is better for the agent) while hi is. The
 * constrained optimum is the least t in (tk, hi] that passes the global IC
 * check. A bisection needs ~37 full best-response searches to place it to
 * 1e-11; instead follow the competitor: h(t) = U_t(t) - max_{x near xc}
 * U_t(x) + 1e-9 (1 + |U|) (the check's own tie tolerance) is smooth in t,
 * so zeroin finds its root with a dozen local maximisations. The root is
 * then verified by the full global check (the competitor could have
 * changed), else the caller bisects as before. */

typedef struct icb_ctx {
    sb_ctx *s;
    long k;
    double lo, hi; /* bracket of the competitor's local maximum */
} icb_ctx;

static double ic_gap(double t, void *vctx)
{
    const icb_ctx *ic = vctx;
    const sb_ctx *s = ic->s;
    pm_contract c;
    double ut;
    if (pm_contract_binary_with_k(s->m, s->sc, s->n, ic->k, t, 0, &c, NULL) != PM_OK ||
        pm_contract_agent_utility(s->m, s->sc, &c, t, &ut) != PM_OK)
        return NAN;
    br_ctx b = {s->m, s->sc, &c};
    double rx, rf, uc = fmax(-br_neg(ic->lo, &b), -br_neg(ic->hi, &b));
    pmx_fmin(br_neg, &b, ic->lo, ic->hi, 1e-12, &rx, &rf);
    uc = fmax(uc, -rf);
    return ut - uc + 1e-9 * (1 + fabs(uc));
}

/* 1 with *t_out and *out set when the boundary was found and verified. */
static int ic_boundary(sb_ctx *s, long k, double tk, double hi, pm_contract *out, double *t_out)
{
    pm_contract c;
    double xc;
    if (pm_contract_binary_with_k(s->m, s->sc, s->n, k, tk, 0, &c, NULL) != PM_OK ||
        pm_contract_best_response(s->m, s->sc, &c, &xc, NULL) != PM_OK || !(xc < tk))
        return 0;
    icb_ctx ic = {s, k, fmax(0, xc - 0.05), fmin(xc + 0.05, xc + 0.5 * (tk - xc))};
    double r;
    if (!(ic_gap(tk, &ic) < 0) || !(ic_gap(hi, &ic) >= 0) ||
        pmx_zeroin(ic_gap, &ic, tk, hi, 1e-13, 100, &r) != PM_OK)
        return 0;
    /* zeroin's root is within ~1e-13 of the sign change: the first of a
     * few steps to its right that passes the full check. */
    for (int i = 0; i < 3; i++, r = fmin(r + 2e-13 * (1 << (4 * i)), hi))
        if (pm_contract_binary_with_k(s->m, s->sc, s->n, k, r, 1, &c, NULL) == PM_OK) {
            *out = c;
            *t_out = r;
            return 1;
        }
    return 0;
}

static void second_best(sb_ctx *s, double eta_fb)
{
    /* Coarse scan first: V(t) need not be unimodal in t (for binary
     * contracts it is the upper envelope over integer k of smooth pieces,
     * and some t are infeasible), so a local method alone could stall.
     * The first-best effort is always a candidate: the restricted solution
     * bounds the second-best from below. */
    double step = 1.0 / SB_SCAN;
    if (s->type == PM_CONTRACT_LINEAR) {
        sb_neg(eta_fb, s);
        for (int i = 0; i <= SB_SCAN; i++)
            sb_neg((double)i / SB_SCAN, s);
        double bt = s->best.eta;
        /* V is smooth where feasible: Brent on the two cells around the
         * best scan point. */
        pmx_fmin(sb_neg, s, fmax(bt - step, 0), fmin(bt + step, 1), 1e-10, NULL, NULL);
        return;
    }
    /* Binary. The restricted solution first: the second-best effort
     * approaches eta* (Prop. 7), so it is usually close to the answer and
     * its value prunes most of the scan below. */
    sb_try(s, eta_fb);
    for (int i = 0; i <= SB_SCAN; i++)
        sb_try(s, (double)i / SB_SCAN);
    /* Binary: V jumps between smooth pieces as the optimal k changes, so
     * zoom with local grids (11 points over +-step, step / 5 per level),
     * then maximise each nearby piece V_k exactly by Brent. */
    while (step > 2e-4) {
        double centre = s->best.eta;
        step /= 5;
        for (int i = -5; i <= 5; i++)
            if (i != 0)
                sb_try(s, centre + i * step);
    }
    if (s->best.k < 1)
        return; /* the constant wage (t = 0) won */
    double d = pm_scheme_slope(s->sc);
    double h = fmin(0.05, 4.0 / ((double)s->n * d)), tb = s->best.eta;
    long kb = s->best.k;
    for (long k = kb - 3; k <= kb + 3; k++) {
        if (k < 1 || k > s->n)
            continue;
        k_ctx kc = {s, k};
        double lo = fmax(tb - h, 1e-9), hi = fmin(tb + h, 1), tk, fk;
        pmx_fmin(k_neg, &kc, lo, hi, 1e-12, &tk, &fk);
        /* -fk is V_k's maximum without the IC constraint, an upper bound on
         * what this k can give: no IC check unless it beats the best. */
        if (!isfinite(fk) || -fk <= s->best_v)
            continue;
        pm_contract c;
        if (pm_contract_binary_with_k(s->m, s->sc, s->n, k, tk, 1, &c, NULL) == PM_OK) {
            consider(s, &c);
            continue;
        }
        /* The unconstrained maximiser of V_k is not a global best response:
         * for a fixed k a larger target makes the threshold more lenient
         * relative to m(t) and restores IC, so the constrained maximum sits
         * on the IC boundary to the right. Bisect for it from a feasible
         * right end. */
        pm_contract cr;
        if (pm_contract_binary_with_k(s->m, s->sc, s->n, k, hi, 1, &cr, NULL) != PM_OK)
            continue;
        double a = tk, b = hi;
        if (ic_boundary(s, k, tk, hi, &cr, &b))
            a = b; /* found and verified: skip the bisection */
        for (int it = 0; it < 60 && b - a > 1e-11; it++) {
            double mid = 0.5 * (a + b);
            pm_contract cm;
            if (pm_contract_binary_with_k(s->m, s->sc, s->n, k, mid, 1, &cm, NULL) == PM_OK) {
                b = mid;
                cr = cm;
            } else {
                a = mid;
            }
        }
        consider(s, &cr);
    }
}

pm_status pm_contract_solve(const pm_model *m, const pm_scheme *sc, long n, pm_contract_type type,
                            pm_solve solve, pm_contract *out, pm_error *err)
{
    if (!out)
        return pm_error_set(err, PM_EINVAL, "contract: NULL argument");
    pm_status st = check_args(m, sc, n, type, err);
    if (st != PM_OK)
        return st;
    pm_contract fb;
    if ((st = pm_first_best(m, &fb, err)) != PM_OK)
        return st;
    if (solve == PM_SOLVE_FIRST_BEST) {
        *out = fb;
        out->type = type;
        out->n = n;
        out->fisher_info = pm_scheme_fisher(sc, fb.first_best_eta);
        return PM_OK;
    }
    if (solve == PM_SOLVE_RESTRICTED) {
        st = implement(m, sc, n, type, fb.first_best_eta, out, err);
        out->solve = PM_SOLVE_RESTRICTED;
        fill_relative(out, &fb, sc);
        return st;
    }
    if (solve != PM_SOLVE_SECOND_BEST)
        return pm_error_set(err, PM_EINVAL, "contract: unknown solve %d", (int)solve);
    sb_ctx s = {m, sc, n, type, {0}, -INFINITY};
    second_best(&s, fb.first_best_eta);
    if (!(s.best_v > -INFINITY))
        return pm_error_set(err, PM_ENOCONV, "second-best: no target effort is implementable");
    *out = s.best;
    out->solve = PM_SOLVE_SECOND_BEST;
    fill_relative(out, &fb, sc);
    return PM_OK;
}
