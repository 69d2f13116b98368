/*
** The paper's Assumptions 2-4 on the model primitives, and finiteness:
** a primitive whose value or needed derivative overflows on its domain
** would give inf utilities and a NaN gap downstream, so it is refused here
** with the primitive and the point named.
*/
#include <math.h>
#include <stdio.h>

#include "prefmon/model.h"

/* Points of [0, 1] at which E's shape and mu's finiteness are checked. */
#define CHECK_GRID 2000

/* G: each exponential term with alpha, beta > 0 is increasing and strictly
 * concave, and so is their sum; linear is the limit case. */
static pm_status check_utility_shape(const pm_utility *g, pm_error *err)
{
    char spec[PM_SPEC_MAX];
    if (g->kind == PM_UTILITY_LINEAR)
        return PM_OK;
    if (g->nterms < 1 || g->nterms > PM_MODEL_MAX_TERMS)
        return pm_error_set(err, PM_EMODEL, "utility: needs 1..%d terms", PM_MODEL_MAX_TERMS);
    for (int i = 0; i < g->nterms; i++)
        if (!(g->alpha[i] > 0 && g->beta[i] > 0 && isfinite(g->alpha[i]) && isfinite(g->beta[i])))
            return pm_error_set(err, PM_EMODEL,
                                "utility '%s': not increasing and concave (alpha, beta > 0)",
                                pm_utility_format(g, spec, sizeof spec));
    if (g->kind == PM_UTILITY_CARA && (g->nterms != 1 || g->alpha[0] != g->beta[0]))
        return pm_error_set(err, PM_EMODEL, "utility: cara must be one term with alpha = beta");
    return PM_OK;
}

/* E on the grid, needed only when a coefficient beyond c0 is negative
 * (derivatives of degree-15 polynomials vary on scales far coarser than
 * 1/2000 for any sane coefficients). */
static pm_status check_cost_grid(const pm_cost *e, const char *spec, double scale, pm_error *err)
{
    double tol = 1e-12 * scale;
    for (int j = 0; j <= CHECK_GRID; j++) {
        double x = (double)j / CHECK_GRID;
        double d1 = pm_cost_eval(e, x, 1), d2 = pm_cost_eval(e, x, 2);
        if (d1 < -tol || (j > 0 && !(d1 > 0)))
            return pm_error_set(err, PM_EMODEL,
                                "cost '%s': E must be increasing on [0,1] (E'(%g) = %g)", spec, x,
                                d1);
        if (d2 < -tol)
            return pm_error_set(err, PM_EMODEL,
                                "cost '%s': E must be convex on [0,1] (E''(%g) = %g)", spec, x, d2);
    }
    return PM_OK;
}

/* E: analytically when every coefficient beyond c0 is non-negative, which
 * settles both properties at once; on the grid otherwise. */
static pm_status check_cost(const pm_cost *e, pm_error *err)
{
    char spec[PM_SPEC_MAX];
    if (e->ncoef < 1 || e->ncoef > PM_MODEL_MAX_TERMS)
        return pm_error_set(err, PM_EMODEL, "cost: needs 1..%d coefficients", PM_MODEL_MAX_TERMS);
    pm_cost_format(e, spec, sizeof spec);
    int nonneg = 1, anypos = 0;
    double scale = 0;
    for (int i = 0; i < e->ncoef; i++) {
        if (!isfinite(e->c[i]))
            return pm_error_set(err, PM_EMODEL, "cost '%s': coefficients must be finite", spec);
        if (i >= 1 && e->c[i] < 0)
            nonneg = 0;
        if (i >= 1 && e->c[i] > 0)
            anypos = 1;
        scale += fabs(e->c[i]) * (i + 1) * (i + 1);
    }
    if (nonneg && !anypos)
        return pm_error_set(err, PM_EMODEL, "cost '%s': E must be increasing on [0,1]", spec);
    for (int d = 0; d <= 2; d++) /* |E^(d)| is largest at an end when finite coefficients */
        for (int j = 0; j <= 1; j++)
            if (!isfinite(pm_cost_eval(e, j, d)))
                return pm_error_set(err, PM_EMODEL, "cost '%s': E%s(%d) is not finite", spec,
                                    d == 0   ? ""
                                    : d == 1 ? "'"
                                             : "''",
                                    j);
    return nonneg ? PM_OK : check_cost_grid(e, spec, scale, err);
}

/* mu: the families are increasing and concave exactly when K > 0 and
 * (power) 0 < R <= 1 or (exp, log) R > 0; mu must also be finite on
 * [0, 1] and its derivatives on (0, 1] (mu'(0) of a power below 1 is
 * +inf by nature), or the principal's utility overflows. */
static pm_status check_value(const pm_value *mu, pm_error *err)
{
    char spec[PM_SPEC_MAX];
    pm_value_format(mu, spec, sizeof spec);
    if (mu->kind > PM_VALUE_LOG || !(mu->K > 0) || !isfinite(mu->K) || !isfinite(mu->R))
        return pm_error_set(err, PM_EMODEL, "value '%s': K must be > 0", spec);
    if (mu->kind == PM_VALUE_POWER && !(mu->R > 0 && mu->R <= 1))
        return pm_error_set(err, PM_EMODEL, "value '%s': R must be in (0, 1]", spec);
    if (mu->kind != PM_VALUE_POWER && !(mu->R > 0))
        return pm_error_set(err, PM_EMODEL, "value '%s': R must be > 0", spec);
    for (int j = 0; j <= CHECK_GRID; j++) {
        double x = (double)j / CHECK_GRID;
        for (int d = 0; d <= (j > 0 ? 2 : 0); d++) {
            double v = pm_value_eval(mu, x, d);
            if (!isfinite(v))
                return pm_error_set(err, PM_EMODEL,
                                    "value '%s': mu%s(%g) = %g is not finite; scale K or R down",
                                    spec,
                                    d == 0   ? ""
                                    : d == 1 ? "'"
                                             : "''",
                                    x, v);
        }
    }
    return PM_OK;
}

/* G, G' and G'' at the wage bounds (G' and |G''| are largest at w_min,
 * G largest in size at one of the ends): an overflow there means inf
 * utilities in every contract near that bound. */
static pm_status check_utility_finite(const pm_model *m, pm_error *err)
{
    char spec[PM_SPEC_MAX];
    const double w[2] = {m->w_min, m->w_max};
    for (int j = 0; j < 2; j++)
        for (int d = 0; d <= 2; d++) {
            double v = pm_utility_eval(&m->G, w[j], d);
            if (!isfinite(v))
                return pm_error_set(err, PM_EMODEL,
                                    "utility '%s': G%s(%g) = %g is not finite on the wage bounds "
                                    "[%g, %g]; narrow the bounds or lower the risk aversion",
                                    pm_utility_format(&m->G, spec, sizeof spec),
                                    d == 0   ? ""
                                    : d == 1 ? "'"
                                             : "''",
                                    w[j], v, m->w_min, m->w_max);
        }
    return PM_OK;
}

/* Assumption 4: E([0,1]) + U0 = [E(0), E(1)] + U0 strictly inside
 * G([w_min, w_max]), so that every effort can be paid for within the
 * bounds (E is increasing, so the image is that interval); and G^{-1}
 * must find those wages inside the bounds, or it misreports. */
static pm_status check_affordable(const pm_model *m, pm_error *err)
{
    double glo = pm_utility_eval(&m->G, m->w_min, 0), ghi = pm_utility_eval(&m->G, m->w_max, 0);
    double elo = pm_cost_eval(&m->E, 0, 0) + m->u0, ehi = pm_cost_eval(&m->E, 1, 0) + m->u0;
    if (!(glo < elo && ehi < ghi))
        return pm_error_set(err, PM_EMODEL,
                            "E([0,1]) + U0 = [%.6g, %.6g] is not inside G([w_min, w_max]) = "
                            "(%.6g, %.6g): widen the wage bounds or lower U0",
                            elo, ehi, glo, ghi);
    const double u[2] = {elo, ehi};
    char spec[PM_SPEC_MAX];
    for (int j = 0; j < 2; j++) {
        double w = pm_utility_inverse(&m->G, u[j]);
        if (!(w >= m->w_min && w <= m->w_max))
            return pm_error_set(err, PM_EMODEL,
                                "utility '%s': G^-1(%.17g) = %g is not a wage in [%g, %g] "
                                "(G cannot be inverted accurately there)",
                                pm_utility_format(&m->G, spec, sizeof spec), u[j], w, m->w_min,
                                m->w_max);
    }
    return PM_OK;
}

pm_status pm_model_check(const pm_model *m, pm_error *err)
{
    if (!(isfinite(m->w_min) && isfinite(m->w_max) && m->w_min < m->w_max))
        return pm_error_set(err, PM_EMODEL, "wage bounds: need w_min < w_max (got %g, %g)",
                            m->w_min, m->w_max);
    if (!isfinite(m->u0))
        return pm_error_set(err, PM_EMODEL, "u0 must be finite");
    pm_status st;
    if ((st = check_utility_shape(&m->G, err)) || (st = check_cost(&m->E, err)) ||
        (st = check_value(&m->mu, err)) || (st = check_utility_finite(m, err)) ||
        (st = check_affordable(m, err)))
        return st;
    return PM_OK;
}
