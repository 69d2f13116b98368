/*
** The agent: expected utility of pay under a contract's terms, the global
** best response, the IC tie, and the verification every finished contract
** passes before it is called feasible. The lowest layer of the contract
** engine: nothing here calls the solvers.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "contract/internal.h"
#include "core/optim.h"
#include "prefmon/binom.h"
#include "prefmon/contract.h"

double pmx_ic_tie(double u)
{
    return 1e-9 * (1 + fabs(u));
}

/* For a sum of exponentials each term is a (1 - e^{-b base} (1 - p +
 * p e^{-b slope/n})^n); the power is taken as exp(n log1p(p expm1(-b
 * slope/n))) so that large n and tiny slopes lose nothing to 1 - p + p z
 * rounding to 1. */
double pmx_eg_linear(const pm_utility *g, long n, double base, double slope, double p)
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

/* E[G(base + bonus 1{X >= k})], X ~ Bin(n, p). From the side of the smaller
 * tail: a lenient threshold with a harsh penalty has g1 - g0 up to ~1e12
 * (G(w_min) for a steep utility) and P(X >= k) = 1 - 1e-13, where
 * g0 + (g1 - g0) P would lose everything to the rounding of P. Tails come
 * straight from the incomplete beta (Rmath's TOMS 708, both sides to
 * ~1e-14 relative): no term-by-term sums here, this runs thousands of
 * times per solve. */
static double eg_binary(const pm_utility *g, const pm_contract_terms *t, double p)
{
    double g0 = pm_utility_eval(g, t->base, 0);
    if (t->bonus == 0)
        return g0;
    double g1 = pm_utility_eval(g, t->base + t->bonus, 0);
    double kk = (double)t->k, nn = (double)t->n;
    if (t->k < 1)
        return g1;
    if (t->k > t->n)
        return g0;
    if (p * nn < kk) /* P(X >= k) = I_p(k, n - k + 1), the small side */
        return g0 + (g1 - g0) * pm_pbeta(p, kk, nn - kk + 1, 1, 0);
    return g1 - (g1 - g0) * pm_pbeta(p, kk, nn - kk + 1, 0, 0); /* P(X < k) */
}

pm_status pm_contract_agent_utility(const pm_model *m, const pm_scheme *sc,
                                    const pm_contract_terms *t, double eta, double *u)
{
    if (!m || !sc || !t || !u || !(eta >= 0 && eta <= 1) || t->n < 1)
        return PM_EINVAL;
    double p = fmin(pm_scheme_pass(sc, eta), 1);
    double eg = t->type == PM_CONTRACT_LINEAR ? pmx_eg_linear(&m->G, t->n, t->base, t->slope, p)
                                              : eg_binary(&m->G, t, p);
    *u = eg - pm_cost_eval(&m->E, eta, 0);
    return isnan(*u) ? PM_EINVAL : PM_OK;
}

typedef struct br_ctx {
    const pm_model *m;
    const pm_scheme *sc;
    const pm_contract_terms *t;
} br_ctx;

/* Minus the agent's utility at eta (clipped to [0,1]); +inf where it
 * cannot be evaluated. */
static double br_neg(double eta, void *vctx)
{
    const br_ctx *b = vctx;
    double u;
    eta = fmin(fmax(eta, 0), 1);
    if (pm_contract_agent_utility(b->m, b->sc, b->t, eta, &u) != PM_OK)
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
    out->terms.type = type;
    out->terms.n = n;
    out->solve = PM_SOLVE_RESTRICTED;
    out->eta = eta;
    out->expected_pay = out->principal_utility = out->agent_utility = NAN;
    out->first_best_utility = out->first_best_eta = out->gap = out->normalized_gap = NAN;
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

pm_status pm_contract_best_response(const pm_model *m, const pm_scheme *sc,
                                    const pm_contract_terms *t, double *eta_out, double *u_out)
{
    if (!m || !sc || !t || t->n < 1)
        return PM_EINVAL;
    br_ctx b = {m, sc, t};
    /* 160 uniform cells (80 for linear contracts, whose expected utility is
     * smooth), 96 points across a binary bell, the best 12 local maxima
     * refined by Brent. */
    pmx_grid g = {.uniform = t->type == PM_CONTRACT_LINEAR ? 80 : 160,
                  .include_one = 1,
                  .bell_lo = 2,
                  .bell_hi = 2,
                  .bell = 96,
                  .refine = 12};
    if (t->type == PM_CONTRACT_BINARY && t->bonus != 0)
        pmx_bell_range(sc, t->n, t->k, &g.bell_lo, &g.bell_hi);
    return pmx_grid_maximize(br_u, &b, &g, eta_out, u_out, NULL);
}

double pmx_agent_local_max(const pm_model *m, const pm_scheme *sc, const pm_contract_terms *t,
                           double lo, double hi)
{
    br_ctx b = {m, sc, t};
    double rx, rf, u = fmax(-br_neg(lo, &b), -br_neg(hi, &b));
    pmx_fmin(br_neg, &b, lo, hi, 1e-12, &rx, &rf, NULL);
    return fmax(u, -rf);
}

/* ---- verification -------------------------------------------------------- */

/* A bound on the rounding error of the agent's utility under t at pass
 * probability p, in the forms agent_utility evaluates it, including the
 * payer's own rounding of the top wage base + slope/bonus. When it exceeds
 * the tie, IR and IC cannot be decided: the terms are too large for
 * doubles to express the contract to the tie (e.g. base -1e18, bonus 1e18
 * meant to pay 0.18 on average). */
static double resolution(const pm_model *m, const pm_contract_terms *t, double p, double e)
{
    const double eps = 0x1p-52;
    const pm_utility *g = &m->G;
    double top = t->base + (t->type == PM_CONTRACT_LINEAR ? t->slope : t->bonus);
    double wr = eps * (fabs(t->base) + fabs(top)) * pm_utility_eval(g, top, 1);
    double r = 4 * eps * fabs(e) + wr;
    if (t->type == PM_CONTRACT_LINEAR) {
        if (g->kind == PM_UTILITY_LINEAR)
            return r + 4 * eps * (fabs(t->base) + fabs(t->slope));
        for (int i = 0; i < g->nterms; i++) {
            double b = g->beta[i], x = -b * t->base;
            double L = (double)t->n * log1p(p * expm1(-b * t->slope / (double)t->n));
            r += 4 * eps * fabs(g->alpha[i]) * (exp(x + L) * (1 + fabs(x) + fabs(L)) + 1);
        }
        return r;
    }
    double g0 = pm_utility_eval(g, t->base, 0), g1 = pm_utility_eval(g, top, 0);
    double kk = (double)t->k, nn = (double)t->n, side, tail;
    if (t->bonus == 0 || t->k < 1 || t->k > t->n)
        return r + 4 * eps * (fabs(g0) + fabs(g1));
    if (p * nn < kk)
        side = g0, tail = pm_pbeta(p, kk, nn - kk + 1, 1, 0);
    else
        side = g1, tail = pm_pbeta(p, kk, nn - kk + 1, 0, 0);
    /* 1e-14: the incomplete beta's relative accuracy (see eg_binary). */
    return r + 4 * eps * fabs(side) + (4 * eps + 1e-14) * fabs(g1 - g0) * tail;
}

/* "first-best" or "binary contract, n = 100", for messages. */
static const char *subject(const pm_contract *c, char *buf, size_t size)
{
    if (c->solve == PM_SOLVE_FIRST_BEST)
        return "first-best";
    snprintf(buf, size, "%s contract, n = %ld", pm_contract_type_name(c->terms.type), c->terms.n);
    return buf;
}

static pm_status refuse(pm_error *err, const pm_contract *c, const char *what, double x)
{
    char buf[64];
    return pm_error_set(err, PM_EINFEASIBLE,
                        "%s, effort %.6g: refused after verification: %s (%.6g)",
                        subject(c, buf, sizeof buf), c->eta, what, x);
}

/* The first non-finite value among the terms and the report, or NULL. */
static const char *nonfinite(const pm_contract *c, double *x)
{
    static const char *const names[] = {"eta",           "base",
                                        "slope",         "bonus",
                                        "expected pay",  "principal utility",
                                        "agent utility", "first-best utility"};
    const double v[] = {c->eta,           c->terms.base,        c->terms.slope,
                        c->terms.bonus,   c->expected_pay,      c->principal_utility,
                        c->agent_utility, c->first_best_utility};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        if (!isfinite(v[i])) {
            *x = v[i];
            return names[i];
        }
    return NULL;
}

pm_status pmx_contract_verify(const pm_model *m, const pm_scheme *sc, const pm_contract *c,
                              pm_error *err)
{
    const pm_contract_terms *t = &c->terms;
    double x, u, ub, eb;
    const char *bad = nonfinite(c, &x);
    char buf[64];
    if (bad)
        return pm_error_set(err, PM_EINFEASIBLE,
                            "%s: refused after verification: the %s is %g "
                            "(the model's values overflow at this scale)",
                            subject(c, buf, sizeof buf), bad, x);
    if (!(c->eta >= 0 && c->eta <= 1))
        return refuse(err, c, "effort outside [0, 1]", c->eta);
    double top = t->base + (t->type == PM_CONTRACT_LINEAR ? t->slope : t->bonus);
    if (c->solve != PM_SOLVE_FIRST_BEST) {
        if (!(t->base >= m->w_min))
            return refuse(err, c, "the lowest wage is below w_min", t->base);
        if (!(top <= m->w_max))
            return refuse(err, c, "the highest wage is above w_max", top);
    }
    if (c->solve == PM_SOLVE_FIRST_BEST) {
        /* A constant wage: IR is G(w) - E(eta) >= U0. */
        u = pm_utility_eval(&m->G, t->base, 0) - pm_cost_eval(&m->E, c->eta, 0);
    } else if (pm_contract_agent_utility(m, sc, t, c->eta, &u) != PM_OK) {
        return refuse(err, c, "the agent's utility cannot be evaluated", NAN);
    }
    if (c->solve != PM_SOLVE_FIRST_BEST) {
        double p = fmin(pm_scheme_pass(sc, c->eta), 1);
        double res = resolution(m, t, p, pm_cost_eval(&m->E, c->eta, 0));
        if (!(res <= pmx_ic_tie(u)))
            return refuse(err, c,
                          "the wages are too large for the agent's utility to be resolved to "
                          "the IC tie; rounding error",
                          res);
    }
    if (!isfinite(u) || u < m->u0 - pmx_ic_tie(m->u0))
        return refuse(err, c, "participation (IR) fails: agent utility below U0 by", m->u0 - u);
    if (c->solve == PM_SOLVE_FIRST_BEST)
        return PM_OK;
    if (pm_contract_best_response(m, sc, t, &eb, &ub) != PM_OK)
        return refuse(err, c, "the agent's best response cannot be evaluated", NAN);
    if (u < ub - pmx_ic_tie(ub))
        return refuse(err, c, "incentive compatibility (IC) fails: the agent prefers effort", eb);
    return PM_OK;
}
