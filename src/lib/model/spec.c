/*
** Model spec text: parsing "family:x1,x2,..." into the primitives and
** writing them back in a form that parses to the same bits.
*/
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/model.h"
#include "prefmon/text.h"

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

/* The longest number fmt_num writes: 17 digits of a negative double with a
 * three-digit exponent, "-2.2250738585072014e-308" (sign, digit, point,
 * 16 digits, "e-308"); "-nan" and "-inf" are shorter. */
#define SPEC_NUM_MAX 24
/* The longest spec: "sumexp:" and 2 * PM_MODEL_MAX_TERMS numbers with a
 * comma between each two, plus the NUL; "poly:" takes half as many
 * numbers and "power:"/"exp:"/"log:" two. */
#define SPEC_LONGEST (7 + 2 * PM_MODEL_MAX_TERMS * (SPEC_NUM_MAX + 1))
_Static_assert(SPEC_LONGEST <= PM_SPEC_MAX, "PM_SPEC_MAX must hold the longest spec");

/* The shortest decimal that reads back exactly (pm_fmt_double; the same
 * text the old %.15g..%.17g loop gave, since %.15g of a number with a
 * shorter exact form drops the same trailing zeros). */
static void fmt_num(char out[SPEC_NUM_MAX + 1], double x)
{
    pm_fmt_double(x, out, SPEC_NUM_MAX + 1);
}

/* A spec under construction in a buffer that the assertion above proves
 * large enough, so nothing here can be cut. */
typedef struct spec_buf {
    char s[PM_SPEC_MAX];
    size_t len;
} spec_buf;

static void put(spec_buf *b, const char *s)
{
    size_t n = strlen(s);
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

static void put_num(spec_buf *b, double x, int comma)
{
    char num[SPEC_NUM_MAX + 1];
    if (comma)
        put(b, ",");
    fmt_num(num, x);
    put(b, num);
}

/* Copy the whole spec, or "" when it does not fit: a cut spec could parse
 * to a different model, an empty one cannot parse at all. */
static char *deliver(const spec_buf *b, char *out, size_t size)
{
    if (!out || size == 0)
        return out;
    if (b->len < size)
        memcpy(out, b->s, b->len + 1);
    else
        out[0] = '\0';
    return out;
}

char *pm_utility_format(const pm_utility *g, char *out, size_t size)
{
    spec_buf b = {.len = 0};
    b.s[0] = '\0';
    int n = g->nterms < 0 ? 0 : g->nterms > PM_MODEL_MAX_TERMS ? PM_MODEL_MAX_TERMS : g->nterms;
    if (g->kind == PM_UTILITY_LINEAR) {
        put(&b, "linear");
    } else if (g->kind == PM_UTILITY_CARA) {
        put(&b, "cara:");
        put_num(&b, g->beta[0], 0);
    } else {
        put(&b, "sumexp:");
        for (int i = 0; i < n; i++) {
            put_num(&b, g->alpha[i], i > 0);
            put_num(&b, g->beta[i], 1);
        }
    }
    return deliver(&b, out, size);
}

char *pm_cost_format(const pm_cost *e, char *out, size_t size)
{
    spec_buf b = {.len = 0};
    b.s[0] = '\0';
    int n = e->ncoef < 0 ? 0 : e->ncoef > PM_MODEL_MAX_TERMS ? PM_MODEL_MAX_TERMS : e->ncoef;
    put(&b, "poly:");
    for (int i = 0; i < n; i++)
        put_num(&b, e->c[i], i > 0);
    return deliver(&b, out, size);
}

char *pm_value_format(const pm_value *mu, char *out, size_t size)
{
    static const char *names[] = {"power", "exp", "log"};
    spec_buf b = {.len = 0};
    b.s[0] = '\0';
    put(&b, names[mu->kind <= PM_VALUE_LOG ? mu->kind : 0]);
    put(&b, ":");
    put_num(&b, mu->K, 0);
    put_num(&b, mu->R, 1);
    return deliver(&b, out, size);
}
