/*
** The simulated pool (prefmon/sim.h): effort distributions, Beta draws,
** and the items with their population preferences read from a dataset.
*/
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/lines.h"
#include "io/json_file.h"
#include "prefmon/prefs.h"
#include "prefmon/sim.h"

/* A number in [lo, hi] at s, ending at a ',' or the end; *next after it. */
static int number(const char *s, double lo, double hi, double *v, const char **next)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s || errno || !isfinite(*v) || *v < lo || *v > hi || (*end && *end != ','))
        return 0;
    *next = end;
    return 1;
}

static int two_numbers(const char *s, double lo, double hi, double *a, double *b)
{
    const char *n;
    return number(s, lo, hi, a, &n) && *n == ',' && number(n + 1, lo, hi, b, &n) && !*n;
}

pm_status pm_sim_effort_parse(const char *spec, pm_sim_effort *out, pm_error *err)
{
    memset(out, 0, sizeof *out);
    const char *n;
    if (!strncmp(spec, "fixed:", 6)) {
        out->dist = PM_SIM_FIXED;
        if (number(spec + 6, 0, 1, &out->a, &n) && !*n)
            return PM_OK;
    } else if (!strncmp(spec, "uniform:", 8)) {
        out->dist = PM_SIM_UNIFORM;
        if (two_numbers(spec + 8, 0, 1, &out->a, &out->b) && out->a <= out->b)
            return PM_OK;
    } else if (!strncmp(spec, "beta:", 5)) {
        out->dist = PM_SIM_BETA;
        if (two_numbers(spec + 5, 1e-3, 1e6, &out->a, &out->b))
            return PM_OK;
    } else {
        out->dist = PM_SIM_LIST;
        for (const char *s = spec; out->nlist < PM_SIM_MAX_LIST; s = n + 1) {
            if (!number(s, 0, 1, &out->list[out->nlist++], &n))
                break;
            if (!*n)
                return PM_OK;
        }
    }
    return pm_error_set(err, PM_EINVAL,
                        "effort '%s': give fixed:X, uniform:A,B (0 <= A <= B <= 1), beta:A,B "
                        "(A, B in [0.001, 1e6]) or a list of at most %d efforts in [0, 1]",
                        spec, PM_SIM_MAX_LIST);
}

/* A standard normal by the polar method (one of the pair is dropped:
 * simple and stateless). */
static double normal(pm_rng *r)
{
    for (;;) {
        double u = 2 * pm_rng_unit(r) - 1, v = 2 * pm_rng_unit(r) - 1, s = u * u + v * v;
        if (s > 0 && s < 1)
            return u * sqrt(-2 * log(s) / s);
    }
}

/* Gamma(a, 1), Marsaglia & Tsang (2000); a < 1 by the boost
 * Gamma(a) = Gamma(a + 1) U^(1/a). */
static double gamma_draw(pm_rng *r, double a)
{
    if (a < 1) {
        double u = pm_rng_unit(r);
        return gamma_draw(r, a + 1) * pow(u > 0 ? u : 0x1p-53, 1 / a);
    }
    double d = a - 1.0 / 3, c = 1 / sqrt(9 * d);
    for (;;) {
        double x = normal(r), v = 1 + c * x;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = pm_rng_unit(r);
        if (u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v)))
            return d * v;
    }
}

double pm_sim_beta(pm_rng *r, double a, double b)
{
    double x = gamma_draw(r, a), y = gamma_draw(r, b);
    return x + y > 0 ? x / (x + y) : 0.5;
}

pm_status pm_sim_pool(const pm_sim_effort *e, size_t n_careful, size_t n_spam, size_t n_longer,
                      size_t n_left, uint64_t seed, pm_sim_annotator *out, pm_error *err)
{
    if (e->dist == PM_SIM_LIST && e->nlist == 0 && n_careful)
        return pm_error_set(err, PM_EINVAL, "simulate: an empty effort list");
    pm_rng r;
    pm_rng_seed(&r, seed);
    pm_rng_long_jump(&r);
    size_t k = 0;
    for (size_t i = 0; i < n_careful; i++, k++) {
        out[k].kind = PM_SIM_CAREFUL;
        switch (e->dist) {
        case PM_SIM_FIXED:
            out[k].eta = e->a;
            break;
        case PM_SIM_UNIFORM:
            out[k].eta = e->a + (e->b - e->a) * pm_rng_unit(&r);
            break;
        case PM_SIM_BETA:
            out[k].eta = pm_sim_beta(&r, e->a, e->b);
            break;
        default:
            out[k].eta = e->list[i % e->nlist];
        }
    }
    const size_t n[3] = {n_spam, n_longer, n_left};
    for (int t = 0; t < 3; t++)
        for (size_t i = 0; i < n[t]; i++, k++) {
            out[k].kind = (pm_sim_kind)(t + 1);
            out[k].eta = t == 0 ? 0 : NAN;
        }
    return PM_OK;
}

/* ---- items -------------------------------------------------------------- */

static int score(json_t *row, const char *a, const char *b, double *v)
{
    json_t *x = json_object_get(row, a);
    if (!x)
        x = json_object_get(row, b);
    if (!x) {
        json_t *m = json_object_get(row, "metadata");
        x = json_object_get(m, a);
        if (!x)
            x = json_object_get(m, b);
    }
    if (!json_is_number(x))
        return 0;
    *v = json_number_value(x);
    return isfinite(*v);
}

static pm_status take(pm_plan_pool *pool, json_t *row, const char *name, long line, double *p,
                      int *added, pm_error *err)
{
    const char *t[2];
    static const char *const f[2] = {"chosen", "rejected"};
    for (int i = 0; i < 2; i++) {
        t[i] = json_string_value(json_object_get(row, f[i]));
        if (!t[i])
            return pm_error_at(err, PM_EPARSE, name, line, 1, "field '%s': missing or not a string",
                               f[i]);
    }
    double sc, sr;
    if (!score(row, "score_chosen", "chosen_score", &sc) ||
        !score(row, "score_rejected", "rejected_score", &sr))
        return pm_error_at(err, PM_EPARSE, name, line, 1,
                           "no numeric score_chosen and score_rejected (top level or in "
                           "\"metadata\"): p = sigmoid(chosen - rejected) needs both");
    *p = pm_sigmoid(sc - sr);
    pm_status st = pm_plan_pool_add(pool, NULL, t[0], t[1], added, err);
    return st == PM_OK ? PM_OK : pm_error_prefix(err, "%s:%ld", name, line);
}

static int push(double **v, size_t *n, size_t *cap, double x)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 256;
        double *nv = realloc(*v, c * sizeof *nv);
        if (!nv)
            return 0;
        *v = nv;
        *cap = c;
    }
    (*v)[(*n)++] = x;
    return 1;
}

pm_status pm_sim_items_read(pm_plan_pool *pool, FILE *fp, const char *name, double **p,
                            size_t *repeated, pm_error *err)
{
    size_t n = 0, cap = 0, rep = 0;
    double *v = NULL;
    pm_status st;
    name = name ? name : "<input>";
    *p = NULL;
    if (pm_plan_pool_count(pool) != 0)
        return pm_error_set(err, PM_EINVAL, "pm_sim_items_read: the pool must start empty");
    pmx_lines lr;
    pmx_lines_init(&lr, fp, name, PM_PLAN_MAX_LINE);
    json_t *row;
    while ((st = pmx_jsonl_next(&lr, &row, err)) == PM_OK && row) {
        double pv = 0;
        int added = 0;
        st = take(pool, row, name, lr.lineno, &pv, &added, err);
        json_decref(row);
        if (st == PM_OK && added && !push(&v, &n, &cap, pv))
            st = pm_error_set(err, PM_ENOMEM, "out of memory");
        rep += st == PM_OK && !added;
        if (st != PM_OK)
            break;
    }
    pmx_lines_free(&lr);
    if (st == PM_OK && n == 0)
        st = pm_error_set(err, PM_EPARSE, "%s: no items", name);
    if (st != PM_OK) {
        free(v);
        return st;
    }
    *p = v;
    if (repeated)
        *repeated = rep;
    return PM_OK;
}

pm_status pm_sim_pool_counts(size_t n, const double shares[3], size_t counts[4], pm_error *err)
{
    size_t other = 0;
    for (int t = 0; t < 3; t++) {
        if (!(shares[t] >= 0 && shares[t] <= 1))
            return pm_error_set(err, PM_EINVAL, "simulate: share %g is outside [0, 1]", shares[t]);
        counts[t + 1] = (size_t)floor(shares[t] * (double)n + 0.5);
        other += counts[t + 1];
    }
    if (other > n)
        return pm_error_set(err, PM_EINVAL,
                            "the shares round to more annotators than --annotators %zu", n);
    counts[0] = n - other;
    return PM_OK;
}

pm_status pm_sim_items_split(const pm_plan_pool *all, const double *p_all, size_t g,
                             pm_plan_pool *items, pm_plan_pool *gold, double **p_items,
                             double **p_gold, pm_error *err)
{
    size_t n = pm_plan_pool_count(all);
    *p_items = *p_gold = NULL;
    if (g >= n)
        return pm_error_set(err, PM_EINVAL, "the gold set (%zu) takes every item of --items (%zu)",
                            g, n);
    pm_plan_pool *keys = pm_plan_pool_new(err);
    pm_status st = keys ? PM_OK : pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < g && st == PM_OK; i++)
        st = pm_plan_pool_add(keys, pm_plan_pool_key(all, i), NULL, NULL, NULL, err);
    if (st == PM_OK)
        st = pm_plan_pool_split(all, keys, "--gold-items", items, gold, err);
    pm_plan_pool_free(keys);
    const pm_plan_pool *pools[2] = {items, gold};
    double **ps[2] = {p_items, p_gold};
    for (int k = 0; k < 2 && st == PM_OK; k++) {
        size_t m = pm_plan_pool_count(pools[k]);
        if (!(*ps[k] = malloc((m ? m : 1) * sizeof **ps[k])))
            st = pm_error_set(err, PM_ENOMEM, "out of memory");
        /* By key: the split keeps each item's key. */
        for (size_t i = 0, j = 0; st == PM_OK && i < m; i++) {
            pm_plan_pool_find(all, pm_plan_pool_key(pools[k], i), &j);
            (*ps[k])[i] = p_all[j];
        }
    }
    if (st != PM_OK) {
        free(*p_items);
        free(*p_gold);
        *p_items = *p_gold = NULL;
    }
    return st;
}
