/*
** Model primitives: the agent's utility of money G, the effort cost E and
** the principal's value of effort mu; parsing, evaluation, G^{-1} and the
** check of the paper's Assumptions 2-4.
*/
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ---- parsing ---------------------------------------------------------- */

/* Split "family:x1,x2,..." into the family name and up to `max` finite
 * numbers. Returns the count, -1 on a malformed number, -2 if too many. */
static int split_spec(const char *spec, char *family, size_t fsize, double *v, int max)
{
    const char *colon = strchr(spec, ':');
    size_t flen = colon ? (size_t)(colon - spec) : strlen(spec);
    if (flen >= fsize)
        flen = fsize - 1;
    memcpy(family, spec, flen);
    family[flen] = 0;
    if (!colon)
        return 0;
    const char *p = colon + 1;
    int count = 0;
    for (;;) {
        char *end;
        while (isspace((unsigned char)*p))
            p++;
        errno = 0;
        double x = strtod(p, &end);
        if (end == p || errno == ERANGE || !isfinite(x))
            return -1;
        while (isspace((unsigned char)*end))
            end++;
        if (*end != ',' && *end != 0)
            return -1;
        if (count == max)
            return -2;
        v[count++] = x;
        if (*end == 0)
            return count;
        p = end + 1;
    }
}

static pm_status bad_numbers(pm_error *err, const char *what, const char *spec, int count, int max)
{
    if (count == -2)
        return pm_error_set(err, PM_EINVAL, "%s '%s': at most %d numbers", what, spec, max);
    return pm_error_set(err, PM_EINVAL, "%s '%s': expected a comma-separated list of numbers", what,
                        spec);
}

pm_status pm_utility_parse(const char *spec, pm_utility *out, pm_error *err)
{
    char fam[32];
    double v[2 * PM_MODEL_MAX_TERMS];
    if (!spec || !out)
        return pm_error_set(err, PM_EINVAL, "utility: no spec");
    int cnt = split_spec(spec, fam, sizeof fam, v, 2 * PM_MODEL_MAX_TERMS);
    if (cnt < 0)
        return bad_numbers(err, "utility", spec, cnt, 2 * PM_MODEL_MAX_TERMS);
    pm_utility g;
    memset(&g, 0, sizeof g);
    if (strcmp(fam, "cara") == 0) {
        if (cnt != 1)
            return pm_error_set(err, PM_EINVAL, "utility '%s': cara takes one number a", spec);
        if (!(v[0] > 0))
            return pm_error_set(err, PM_EINVAL, "utility '%s': a must be > 0", spec);
        g.kind = PM_UTILITY_CARA;
        g.nterms = 1;
        g.alpha[0] = g.beta[0] = v[0];
    } else if (strcmp(fam, "sumexp") == 0) {
        if (cnt < 2 || cnt % 2)
            return pm_error_set(err, PM_EINVAL,
                                "utility '%s': sumexp takes pairs alpha,beta (at most %d)", spec,
                                PM_MODEL_MAX_TERMS);
        g.kind = PM_UTILITY_SUMEXP;
        g.nterms = cnt / 2;
        for (int i = 0; i < g.nterms; i++) {
            g.alpha[i] = v[2 * i];
            g.beta[i] = v[2 * i + 1];
            if (!(g.alpha[i] > 0 && g.beta[i] > 0))
                return pm_error_set(err, PM_EINVAL,
                                    "utility '%s': every alpha and beta must be > 0", spec);
        }
    } else if (strcmp(fam, "linear") == 0) {
        if (cnt != 0 || strchr(spec, ':'))
            return pm_error_set(err, PM_EINVAL, "utility '%s': linear takes no parameters", spec);
        g.kind = PM_UTILITY_LINEAR;
    } else {
        return pm_error_set(err, PM_EINVAL,
                            "utility '%s': unknown family '%s' (cara, sumexp, linear)", spec, fam);
    }
    *out = g;
    return PM_OK;
}

pm_status pm_cost_parse(const char *spec, pm_cost *out, pm_error *err)
{
    char fam[32];
    double v[PM_MODEL_MAX_TERMS];
    if (!spec || !out)
        return pm_error_set(err, PM_EINVAL, "cost: no spec");
    int cnt = split_spec(spec, fam, sizeof fam, v, PM_MODEL_MAX_TERMS);
    if (cnt < 0)
        return bad_numbers(err, "cost", spec, cnt, PM_MODEL_MAX_TERMS);
    if (strcmp(fam, "poly") != 0)
        return pm_error_set(err, PM_EINVAL, "cost '%s': unknown family '%s' (poly)", spec, fam);
    if (cnt < 2)
        return pm_error_set(err, PM_EINVAL,
                            "cost '%s': poly takes coefficients c0,c1,... (at least two)", spec);
    pm_cost e;
    memset(&e, 0, sizeof e);
    e.ncoef = cnt;
    memcpy(e.c, v, (size_t)cnt * sizeof *v);
    *out = e;
    return PM_OK;
}

pm_status pm_value_parse(const char *spec, pm_value *out, pm_error *err)
{
    char fam[32];
    double v[2];
    if (!spec || !out)
        return pm_error_set(err, PM_EINVAL, "value: no spec");
    int cnt = split_spec(spec, fam, sizeof fam, v, 2);
    if (cnt < 0)
        return bad_numbers(err, "value", spec, cnt, 2);
    pm_value mu = {0};
    if (strcmp(fam, "power") == 0)
        mu.kind = PM_VALUE_POWER;
    else if (strcmp(fam, "exp") == 0)
        mu.kind = PM_VALUE_EXP;
    else if (strcmp(fam, "log") == 0)
        mu.kind = PM_VALUE_LOG;
    else
        return pm_error_set(err, PM_EINVAL, "value '%s': unknown family '%s' (power, exp, log)",
                            spec, fam);
    if (cnt != 2)
        return pm_error_set(err, PM_EINVAL, "value '%s': %s takes two numbers K,R", spec, fam);
    mu.K = v[0];
    mu.R = v[1];
    if (!(mu.K > 0))
        return pm_error_set(err, PM_EINVAL, "value '%s': K must be > 0", spec);
    if (mu.kind == PM_VALUE_POWER && !(mu.R > 0 && mu.R <= 1))
        return pm_error_set(err, PM_EINVAL, "value '%s': R must be in (0, 1] (concave)", spec);
    if (mu.kind != PM_VALUE_POWER && !(mu.R > 0))
        return pm_error_set(err, PM_EINVAL, "value '%s': R must be > 0", spec);
    *out = mu;
    return PM_OK;
}

/* ---- formatting ------------------------------------------------------- */

/* Shortest of %.15g / %.16g / %.17g that reads back exactly. */
static int fmt_num(char *out, size_t size, double x)
{
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return snprintf(out, size, "%s", buf);
}

/* Append to out at *pos without overflowing. */
static void append(char *out, size_t size, size_t *pos, const char *s)
{
    int w = snprintf(out + *pos, *pos < size ? size - *pos : 0, "%s", s);
    if (w > 0)
        *pos = *pos + (size_t)w < size ? *pos + (size_t)w : size - 1;
}

static void append_num(char *out, size_t size, size_t *pos, double x, int comma)
{
    char buf[48];
    if (comma)
        append(out, size, pos, ",");
    fmt_num(buf, sizeof buf, x);
    append(out, size, pos, buf);
}

char *pm_utility_format(const pm_utility *g, char *out, size_t size)
{
    size_t pos = 0;
    if (!out || size == 0)
        return out;
    out[0] = 0;
    if (g->kind == PM_UTILITY_LINEAR) {
        append(out, size, &pos, "linear");
    } else if (g->kind == PM_UTILITY_CARA) {
        append(out, size, &pos, "cara:");
        append_num(out, size, &pos, g->beta[0], 0);
    } else {
        append(out, size, &pos, "sumexp:");
        for (int i = 0; i < g->nterms; i++) {
            append_num(out, size, &pos, g->alpha[i], i > 0);
            append_num(out, size, &pos, g->beta[i], 1);
        }
    }
    return out;
}

char *pm_cost_format(const pm_cost *e, char *out, size_t size)
{
    size_t pos = 0;
    if (!out || size == 0)
        return out;
    out[0] = 0;
    append(out, size, &pos, "poly:");
    for (int i = 0; i < e->ncoef; i++)
        append_num(out, size, &pos, e->c[i], i > 0);
    return out;
}

char *pm_value_format(const pm_value *mu, char *out, size_t size)
{
    static const char *names[] = {"power", "exp", "log"};
    size_t pos = 0;
    if (!out || size == 0)
        return out;
    out[0] = 0;
    append(out, size, &pos, names[mu->kind <= PM_VALUE_LOG ? mu->kind : 0]);
    append(out, size, &pos, ":");
    append_num(out, size, &pos, mu->K, 0);
    append_num(out, size, &pos, mu->R, 1);
    return out;
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
    pmx_zeroin(inv_resid, &c, lo, hi, 0, 400, &w);
    return w;
}

/* ---- assumption checks ------------------------------------------------ */

#define CHECK_GRID 2000

pm_status pm_model_check(const pm_model *m, pm_error *err)
{
    char spec[256];
    if (!(isfinite(m->w_min) && isfinite(m->w_max) && m->w_min < m->w_max))
        return pm_error_set(err, PM_EMODEL, "wage bounds: need w_min < w_max (got %g, %g)",
                            m->w_min, m->w_max);
    if (!isfinite(m->u0))
        return pm_error_set(err, PM_EMODEL, "u0 must be finite");

    /* G: each exponential term with alpha, beta > 0 is increasing and
     * strictly concave, and so is their sum; linear is the limit case. */
    const pm_utility *g = &m->G;
    if (g->kind != PM_UTILITY_LINEAR) {
        if (g->nterms < 1 || g->nterms > PM_MODEL_MAX_TERMS)
            return pm_error_set(err, PM_EMODEL, "utility: needs 1..%d terms", PM_MODEL_MAX_TERMS);
        for (int i = 0; i < g->nterms; i++)
            if (!(g->alpha[i] > 0 && g->beta[i] > 0 && isfinite(g->alpha[i]) &&
                  isfinite(g->beta[i])))
                return pm_error_set(err, PM_EMODEL,
                                    "utility '%s': not increasing and concave (alpha, beta > 0)",
                                    pm_utility_format(g, spec, sizeof spec));
        if (g->kind == PM_UTILITY_CARA && (g->nterms != 1 || g->alpha[0] != g->beta[0]))
            return pm_error_set(err, PM_EMODEL, "utility: cara must be one term with alpha = beta");
    }

    /* E: a polynomial is checked on a dense grid (derivatives of degree-15
     * polynomials vary on scales far coarser than 1/2000 for any sane
     * coefficients), and analytically when every coefficient beyond c0 is
     * non-negative, which settles both properties at once. */
    const pm_cost *e = &m->E;
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
    if (!nonneg) {
        double tol = 1e-12 * scale;
        for (int j = 0; j <= CHECK_GRID; j++) {
            double x = (double)j / CHECK_GRID;
            double d1 = pm_cost_eval(e, x, 1), d2 = pm_cost_eval(e, x, 2);
            if (d1 < -tol || (j > 0 && !(d1 > 0)))
                return pm_error_set(err, PM_EMODEL,
                                    "cost '%s': E must be increasing on [0,1] (E'(%g) = %g)", spec,
                                    x, d1);
            if (d2 < -tol)
                return pm_error_set(err, PM_EMODEL,
                                    "cost '%s': E must be convex on [0,1] (E''(%g) = %g)", spec, x,
                                    d2);
        }
    }

    /* mu: the families are increasing and concave exactly when K > 0 and
     * (power) 0 < R <= 1 or (exp, log) R > 0. */
    const pm_value *mu = &m->mu;
    pm_value_format(mu, spec, sizeof spec);
    if (mu->kind > PM_VALUE_LOG || !(mu->K > 0) || !isfinite(mu->K) || !isfinite(mu->R))
        return pm_error_set(err, PM_EMODEL, "value '%s': K must be > 0", spec);
    if (mu->kind == PM_VALUE_POWER && !(mu->R > 0 && mu->R <= 1))
        return pm_error_set(err, PM_EMODEL, "value '%s': R must be in (0, 1]", spec);
    if (mu->kind != PM_VALUE_POWER && !(mu->R > 0))
        return pm_error_set(err, PM_EMODEL, "value '%s': R must be > 0", spec);

    /* Assumption 4: E([0,1]) + U0 = [E(0), E(1)] + U0 strictly inside
     * G([w_min, w_max]), so that every effort can be paid for within the
     * bounds (E is increasing, so the image is that interval). */
    double glo = pm_utility_eval(g, m->w_min, 0), ghi = pm_utility_eval(g, m->w_max, 0);
    double elo = pm_cost_eval(e, 0, 0) + m->u0, ehi = pm_cost_eval(e, 1, 0) + m->u0;
    if (!(glo < elo && ehi < ghi))
        return pm_error_set(err, PM_EMODEL,
                            "E([0,1]) + U0 = [%.6g, %.6g] is not inside G([w_min, w_max]) = "
                            "(%.6g, %.6g): widen the wage bounds or lower U0",
                            elo, ehi, glo, ghi);
    return PM_OK;
}
