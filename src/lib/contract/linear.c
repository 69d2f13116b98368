/*
** Linear contracts w = base + slope X/n: the cheapest one implementing a
** target effort (first-order condition + binding IR), then the global IC
** and wage-bound checks.
*/
#include <math.h>
#include <string.h>

#include "contract/internal.h"
#include "core/optim.h"
#include "prefmon/contract.h"

typedef struct lin_ctx {
    const pm_utility *g;
    long n;
    double p;     /* pass probability at the target */
    double u;     /* U0 + E(target): IR binds */
    double ed;    /* E'(target) */
    double d;     /* m'(eta) */
    double slope; /* for ir_resid */
    double base;  /* last base found by base_for */
    int base_ok;
} lin_ctx;

static double ir_resid(double base, void *vctx)
{
    const lin_ctx *c = vctx;
    return pmx_eg_linear(c->g, c->n, base, c->slope, c->p) - c->u;
}

/* The base that makes IR bind for a given slope: E[G] is increasing in the
 * base from -inf to sum alpha > u, so doubling finds a bracket. */
static int base_for(lin_ctx *c, double slope)
{
    c->slope = slope;
    double lo = -1, hi = 1;
    while (ir_resid(lo, c) > 0 && lo > -1e6)
        lo *= 2;
    while (ir_resid(hi, c) < 0 && hi < 1e6)
        hi *= 2;
    c->base_ok = pmx_zeroin(ir_resid, c, lo, hi, 0, 300, &c->base, NULL) == PM_OK;
    return c->base_ok;
}

/* d/deta E[G] - E' at the target, with the base from binding IR. */
static double foc_resid(double slope, void *vctx)
{
    lin_ctx *c = vctx;
    if (!base_for(c, slope))
        return NAN;
    double s = 0;
    for (int i = 0; i < c->g->nterms; i++) {
        double a = c->g->alpha[i], b = c->g->beta[i];
        double t = expm1(-b * slope / (double)c->n);
        double L = (double)(c->n - 1) * log1p(c->p * t);
        s += a * exp(-b * c->base + L) * (double)c->n * (-t);
    }
    return s * c->d - c->ed;
}

/* The slope from the first-order condition and the base from binding IR
 * for target eta (pass probability p, m' = d); NULL, or why none exists
 * (then both NaN). */
static const char *linear_terms(const pm_model *m, long n, double eta, double p, double d,
                                double *base_out, double *slope_out)
{
    const pm_utility *g = &m->G;
    double u = m->u0 + pm_cost_eval(&m->E, eta, 0), ed = pm_cost_eval(&m->E, eta, 1);
    double base, slope;
    const char *why = NULL;

    if (eta == 0 || ed == 0) {
        /* No incentive needed: a constant wage (slope 0) is the cheapest
         * by Jensen, and the agent then shirks to eta = 0. */
        slope = 0;
        base = pm_utility_inverse(g, u);
    } else if (g->kind == PM_UTILITY_LINEAR) {
        /* Risk neutral: E[w] = base + slope m(eta), FOC slope m' = E'. */
        slope = ed / d;
        base = u - slope * p;
    } else if (g->nterms == 1) {
        /* One exponential term a (1 - e^{-b w}) (CARA when a = b): paper
         * §7.3. With R = a - u (> 0 by Assumption 4) IR is
         * a e^{-b base} Phi = R, Phi = (1 - p + p z)^n, z = e^{-b slope/n},
         * and FOC / IR gives (1 - z)/(1 - p + p z) = K := E'/(R n m'), so
         * z = 1 - K/(1 + K p). Written with log1p so that K ~ 1/n stays
         * exact for n up to 1e9. */
        double a = g->alpha[0], b = g->beta[0], R = a - u;
        double K = ed / (R * (double)n * d);
        double r = K / (1 + K * p);
        if (!(R > 0) || !(r < 1)) {
            why = "no slope satisfies the first-order condition";
            slope = base = NAN;
        } else {
            slope = -((double)n / b) * log1p(-r);
            double logphi = (double)n * log1p(-p * r);
            base = -(log(R / a) - logphi) / b;
        }
    } else {
        /* Several terms: the base from binding IR for each slope, then the
         * slope that satisfies the FOC. The slope can never exceed
         * w_max - w_min (base >= w_min, base + slope <= w_max). */
        lin_ctx c = {g, n, p, u, ed, d, 0, 0, 0};
        double smax = m->w_max - m->w_min, s;
        double h0 = foc_resid(0, &c), h1 = foc_resid(smax, &c);
        if (!(h0 < 0 && h1 >= 0) ||
            pmx_zeroin(foc_resid, &c, 0, smax, 1e-14 * smax, 300, &s, NULL) != PM_OK) {
            why = "no slope within the wage range satisfies the first-order condition";
            slope = base = NAN;
        } else {
            foc_resid(s, &c);
            slope = s;
            base = c.base;
        }
    }

    *base_out = base;
    *slope_out = slope;
    return why;
}

pm_status pm_contract_linear_implement(const pm_model *m, const pm_scheme *sc, long n, double eta,
                                       pm_contract *out, pm_error *err)
{
    if (!m || !sc || !out || n < 1 || !(eta >= 0 && eta <= 1))
        return pm_error_set(err, PM_EINVAL, "linear contract: invalid argument");
    pmx_contract_start(out, PM_CONTRACT_LINEAR, n, eta);
    double d = pm_scheme_slope(sc), p = pm_scheme_pass(sc, eta), base, slope;
    const char *why = linear_terms(m, n, eta, p, d, &base, &slope);
    out->terms.base = base;
    out->terms.slope = slope;
    out->expected_pay = base + slope * p;
    out->principal_utility = pm_value_eval(&m->mu, eta, 0) - out->expected_pay;
    out->feasible = 0;
    if (!why && !(base >= m->w_min && base + slope <= m->w_max))
        why = "the wages leave [w_min, w_max]";
    if (!why) {
        double u_at, eta_br, u_br;
        if (pm_contract_agent_utility(m, sc, &out->terms, eta, &u_at) != PM_OK ||
            pm_contract_best_response(m, sc, &out->terms, &eta_br, &u_br) != PM_OK)
            why = "the agent's utility cannot be evaluated";
        else if (u_at < m->u0 - pmx_ic_tie(m->u0))
            why = "the agent's participation (IR) fails at the target";
        else if (u_at < u_br - pmx_ic_tie(u_br))
            why = "the target is not the agent's global best response";
        out->agent_utility = u_at;
    }
    if (why) {
        pm_error_set(err, PM_EINFEASIBLE,
                     "linear contract, n = %ld: effort %.6g cannot be implemented: %s "
                     "(base %.6g, slope %.6g, wages [%g, %g])",
                     n, eta, why, base, slope, m->w_min, m->w_max);
        out->terms.base = out->terms.slope = out->expected_pay = NAN;
        out->principal_utility = out->agent_utility = NAN;
        return PM_EINFEASIBLE;
    }
    out->feasible = 1;
    return PM_OK;
}
