/*
** Model primitives evaluated: G, E, mu and their first two derivatives,
** G^{-1}, and the paper's default model.
*/
#include <math.h>
#include <string.h>

#include "core/optim.h"
#include "prefmon/model.h"

void pm_model_default(pm_model *m)
{
    memset(m, 0, sizeof *m);
    m->G.kind = PM_UTILITY_CARA;
    m->G.nterms = 1;
    m->G.alpha[0] = m->G.beta[0] = 1;
    m->E.ncoef = 3;
    m->E.c[2] = 0.18;
    m->mu.kind = PM_VALUE_POWER;
    m->mu.K = 0.5;
    m->mu.R = 0.8;
    m->u0 = 0;
    m->w_min = -10;
    m->w_max = 20;
}

/* ---- evaluation ------------------------------------------------------- */

double pm_utility_eval(const pm_utility *g, double w, int deriv)
{
    if (g->kind == PM_UTILITY_LINEAR)
        return deriv == 0 ? w : deriv == 1 ? 1.0 : 0.0;
    double s = 0;
    for (int i = 0; i < g->nterms; i++) {
        double a = g->alpha[i], b = g->beta[i];
        /* a (1 - e^{-b w}) as -a expm1(-b w): exact near w = 0. */
        if (deriv == 0)
            s += -a * expm1(-b * w);
        else if (deriv == 1)
            s += a * b * exp(-b * w);
        else
            s += -a * b * b * exp(-b * w);
    }
    return s;
}

double pm_cost_eval(const pm_cost *e, double eta, int deriv)
{
    /* Horner on the deriv-th derivative's coefficients. */
    double s = 0;
    for (int i = e->ncoef - 1; i >= deriv; i--) {
        double c = e->c[i];
        for (int j = 0; j < deriv; j++)
            c *= (double)(i - j);
        s = s * eta + c;
    }
    return s;
}

double pm_value_eval(const pm_value *mu, double eta, int deriv)
{
    double K = mu->K, R = mu->R;
    switch (mu->kind) {
    case PM_VALUE_POWER:
        if (deriv == 0)
            return K * pow(eta, R);
        if (deriv == 1)
            return R == 1 ? K : K * R * pow(eta, R - 1);
        return R == 1 ? 0.0 : K * R * (R - 1) * pow(eta, R - 2);
    case PM_VALUE_EXP:
        if (deriv == 0)
            return -K * expm1(-R * eta);
        return (deriv == 1 ? K * R : -K * R * R) * exp(-R * eta);
    case PM_VALUE_LOG:
        if (deriv == 0)
            return K * log1p(R * eta);
        if (deriv == 1)
            return K * R / (1 + R * eta);
        return -K * R * R / ((1 + R * eta) * (1 + R * eta));
    }
    return NAN;
}

static double sup_utility(const pm_utility *g)
{
    if (g->kind == PM_UTILITY_LINEAR)
        return INFINITY;
    double s = 0;
    for (int i = 0; i < g->nterms; i++)
        s += g->alpha[i];
    return s;
}

typedef struct inv_ctx {
    const pm_utility *g;
    double u;
} inv_ctx;

static double inv_resid(double w, void *vctx)
{
    const inv_ctx *c = vctx;
    return pm_utility_eval(c->g, w, 0) - c->u;
}

double pm_utility_inverse(const pm_utility *g, double u)
{
    if (isnan(u))
        return NAN;
    if (g->kind == PM_UTILITY_LINEAR)
        return u;
    double sup = sup_utility(g);
    if (!(u < sup))
        return NAN;
    if (g->nterms == 1) {
        /* a (1 - e^{-b w}) = u  <=>  w = -log1p(-u/a) / b. */
        return -log1p(-u / g->alpha[0]) / g->beta[0];
    }
    /* Sum of exponentials: G is strictly increasing from -inf to sup, so a
     * bracket found by doubling always exists; zeroin then cannot fail.
     * A first guess from the slowest term keeps the bracket small. */
    double lo = -1, hi = 1;
    inv_ctx c = {g, u};
    while (inv_resid(lo, &c) > 0 && lo > -1e300)
        lo *= 2;
    while (inv_resid(hi, &c) < 0 && hi < 1e300)
        hi *= 2;
    double w = NAN;
    pmx_zeroin(inv_resid, &c, lo, hi, 0, 400, &w, NULL);
    return w;
}
