/* Names, option checks and the flags of `assess` that compare annotators. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/assess_internal.h"
#include "prefmon/binom.h"

static const char *const decision_names[PM_DECISION_COUNT] = {"pass", "fail", "too-few",
                                                              "no-pairs"};
static const char *const flag_names[PM_FLAG_COUNT] = {"low-effort", "same-side", "too-fast",
                                                      "consistent-but-wrong", "one-label"};

const char *pm_decision_name(pm_decision d)
{
    return (unsigned)d < PM_DECISION_COUNT ? decision_names[d] : NULL;
}

const char *pm_flag_name(int i)
{
    return i >= 0 && i < PM_FLAG_COUNT ? flag_names[i] : NULL;
}

size_t pm_flags_format(unsigned flags, const char *sep, const char *none, char *buf, size_t size)
{
    const char *sp = sep ? sep : ",";
    size_t o = 0, kept = 0;
    for (int i = 0; i < PM_FLAG_COUNT; i++) {
        if (!(flags & (1u << i)))
            continue;
        const char *parts[2] = {o ? sp : "", flag_names[i]};
        size_t len = strlen(parts[0]) + strlen(parts[1]);
        /* keep whole names only: a cut list never ends in half a name */
        if (kept == o && size > 0 && o + len <= size - 1) {
            memcpy(buf + o, parts[0], strlen(parts[0]));
            memcpy(buf + o + strlen(parts[0]), parts[1], strlen(parts[1]));
            kept += len;
        }
        o += len;
    }
    if (o == 0) {
        const char *z = none ? none : "";
        o = strlen(z);
        if (size > 0 && o <= size - 1) {
            memcpy(buf, z, o);
            kept = o;
        }
    }
    if (size > 0)
        buf[kept] = '\0';
    return o;
}

int pmx_flag_index(const char *name)
{
    for (int i = 0; i < PM_FLAG_COUNT; i++)
        if (strcmp(name, flag_names[i]) == 0)
            return i;
    return -1;
}

int pmx_decision_index(const char *name)
{
    for (int i = 0; i < PM_DECISION_COUNT; i++)
        if (strcmp(name, decision_names[i]) == 0)
            return i;
    return -1;
}

void pm_assess_options_default(pm_assess_options *opt)
{
    opt->delta = 0.02;
    opt->delta_estimate = 0;
    opt->q0 = NAN;
    opt->level = 0.95;
    opt->eta0 = 0.8;
    opt->eta1 = 1;
    opt->max_error = 0.2;
    opt->min_duration = NAN;
    opt->fast_ratio = 0.25;
    opt->alpha = 0.05;
    opt->max_bytes = 0;
    opt->drop_identical = 0;
    opt->keep_pairs = 0;
    opt->threads = 1;
    opt->alpha_pass = 0.05;
    opt->alpha_fail = 0.05;
}

pm_status pmx_repeats_test(const long *rep_n, const long *rep_d, size_t n, double delta,
                           double alpha, pm_assess_summary *s)
{
    s->repeats_p = s->pairs_untimed > 0 ? pm_pbinom((double)s->untimed_disagree,
                                                    (double)s->pairs_untimed, delta, 1, 0)
                                        : NAN;
    s->repeats_flagged = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += rep_n[i] > 0;
    if (!m)
        return PM_OK;
    double *p = malloc(m * sizeof *p);
    if (!p)
        return PM_ENOMEM;
    for (size_t i = 0, j = 0; i < n; i++)
        if (rep_n[i] > 0)
            p[j++] = pm_pbinom((double)rep_d[i], (double)rep_n[i], delta, 1, 0);
    pm_status st = pmx_holm(p, m, p);
    for (size_t j = 0; st == PM_OK && j < m; j++)
        s->repeats_flagged += p[j] <= alpha;
    free(p);
    return st;
}

pm_status pmx_assess_check_signal(double q0, double delta, int estimated, pm_status st,
                                  pm_error *err)
{
    if (isnan(q0) || 1 - delta > q0)
        return PM_OK;
    return pm_error_set(err, st,
                        "q0 = %g with delta = %g%s leaves 1 - delta <= q0: consistency carries no "
                        "effort signal; lower q0%s",
                        q0, delta, estimated ? " (estimated)" : "",
                        estimated ? " or give --delta" : " or delta");
}

pm_status pmx_assess_check_options(const pm_assess_options *o, pm_error *err)
{
    if (o->threads < 0 || o->threads > PM_ASSESS_MAX_THREADS)
        return pm_error_set(err, PM_EINVAL, "threads = %d: must be in [0, %d]", o->threads,
                            PM_ASSESS_MAX_THREADS);
    if (!o->delta_estimate && !(o->delta >= 0 && o->delta < 1))
        return pm_error_set(err, PM_EINVAL, "delta = %g: must be in [0, 1)", o->delta);
    if (!isnan(o->q0) && !(o->q0 > 0 && o->q0 < 1))
        return pm_error_set(err, PM_EINVAL, "q0 = %g: must be in (0, 1), or per annotator", o->q0);
    if (!o->delta_estimate && pmx_assess_check_signal(o->q0, o->delta, 0, PM_EINVAL, err))
        return PM_EINVAL;
    if (!(o->level > 0 && o->level < 1))
        return pm_error_set(err, PM_EINVAL, "level = %g: must be in (0, 1)", o->level);
    if (!(o->eta0 >= 0 && o->eta0 < o->eta1 && o->eta1 <= 1))
        return pm_error_set(err, PM_EINVAL, "eta0 = %g, eta1 = %g: need 0 <= eta0 < eta1 <= 1",
                            o->eta0, o->eta1);
    if (!(o->max_error > 0 && o->max_error <= 2))
        return pm_error_set(err, PM_EINVAL, "max_error = %g: must be in (0, 2]", o->max_error);
    if (!isnan(o->min_duration) && !(o->min_duration >= 0 && isfinite(o->min_duration)))
        return pm_error_set(err, PM_EINVAL, "min_duration = %g: must be >= 0 seconds",
                            o->min_duration);
    if (!(o->fast_ratio >= 0 && o->fast_ratio <= 1))
        return pm_error_set(err, PM_EINVAL, "fast_ratio = %g: must be in [0, 1]", o->fast_ratio);
    if (!(o->alpha > 0 && o->alpha < 1))
        return pm_error_set(err, PM_EINVAL, "alpha = %g: must be in (0, 1)", o->alpha);
    if (!(o->alpha_pass > 0 && o->alpha_pass < 1) || !(o->alpha_fail > 0 && o->alpha_fail < 1))
        return pm_error_set(err, PM_EINVAL, "alpha_pass = %g, alpha_fail = %g: must be in (0, 1)",
                            o->alpha_pass, o->alpha_fail);
    return PM_OK;
}

typedef struct ranked {
    double p;
    size_t i;
} ranked;

static int cmp_ranked(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->p != b->p)
        return a->p < b->p ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

pm_status pmx_holm(const double *p, size_t m, double *adj)
{
    if (m == 0)
        return PM_OK;
    ranked *r = malloc(m * sizeof *r);
    if (!r)
        return PM_ENOMEM;
    for (size_t i = 0; i < m; i++)
        r[i] = (ranked){p[i], i};
    qsort(r, m, sizeof *r, cmp_ranked);
    /* Step-down: the j-th smallest is multiplied by m - j (0-based j), and
     * adjusted values are made monotone by a running maximum. */
    double run = 0;
    for (size_t j = 0; j < m; j++) {
        double v = (double)(m - j) * r[j].p;
        if (v > 1)
            v = 1;
        if (v > run)
            run = v;
        adj[r[j].i] = run;
    }
    free(r);
    return PM_OK;
}

/* Holm over the rows marked in `tested`, flagging adjusted p <= alpha. */
static pm_status flag_holm(pm_assess_row *rows, size_t n, const unsigned char *tested, double *p,
                           double alpha, unsigned bit)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (tested[i])
            p[m++] = p[i];
    if (pmx_holm(p, m, p) != PM_OK)
        return PM_ENOMEM;
    for (size_t i = 0, j = 0; i < n; i++)
        if (tested[i] && p[j++] <= alpha)
            rows[i].flags |= bit;
    return PM_OK;
}

static pm_status same_side(pm_assess_row *rows, size_t n, const long *left_n, const long *left_k,
                           double alpha, double *p, unsigned char *tested)
{
    for (size_t i = 0; i < n; i++) {
        tested[i] = left_n[i] >= 1;
        p[i] = 1;
        if (!tested[i])
            continue;
        double k = (double)left_k[i], m = (double)left_n[i];
        double lo = pm_pbinom(k, m, 0.5, 1, 0), hi = pm_binom_sf(k, m, 0.5, 0);
        double two = 2 * (lo < hi ? lo : hi);
        p[i] = two < 1 ? two : 1;
    }
    return flag_holm(rows, n, tested, p, alpha, PM_FLAG_SAME_SIDE);
}

static pm_status consistent_but_wrong(pm_assess_row *rows, size_t n, double alpha, double *p,
                                      unsigned char *tested)
{
    long tn = 0, ta = 0;
    for (size_t i = 0; i < n; i++) {
        tn += rows[i].gold_n;
        ta += rows[i].gold_agree;
    }
    for (size_t i = 0; i < n; i++) {
        long on = tn - rows[i].gold_n, oa = ta - rows[i].gold_agree;
        tested[i] = rows[i].decision == PM_DECISION_PASS && rows[i].gold_n >= 1 && on >= 1;
        p[i] = 1;
        if (tested[i])
            p[i] = pm_pbinom((double)rows[i].gold_agree, (double)rows[i].gold_n,
                             (double)oa / (double)on, 1, 0);
    }
    return flag_holm(rows, n, tested, p, alpha, PM_FLAG_CONSISTENT_BUT_WRONG);
}

static pm_status too_fast(pm_assess_row *rows, size_t n, const pm_assess_options *opt, double *v)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(rows[i].median_duration))
            v[m++] = rows[i].median_duration;
    double pool = m >= 3 ? pmx_median(v, m) : NAN;
    for (size_t i = 0; i < n; i++) {
        double d = rows[i].median_duration;
        if (isnan(d))
            continue;
        if ((!isnan(opt->min_duration) && d < opt->min_duration) ||
            (opt->fast_ratio > 0 && !isnan(pool) && d < opt->fast_ratio * pool))
            rows[i].flags |= PM_FLAG_TOO_FAST;
    }
    return PM_OK;
}

pm_status pmx_assess_flags(pm_assess_row *rows, size_t n, const long *left_n, const long *left_k,
                           const pm_assess_options *opt, pm_error *err)
{
    if (n == 0)
        return PM_OK;
    double *p = malloc(n * sizeof *p);
    unsigned char *tested = malloc(n);
    pm_status st = PM_ENOMEM;
    if (p && tested && same_side(rows, n, left_n, left_k, opt->alpha, p, tested) == PM_OK &&
        consistent_but_wrong(rows, n, opt->alpha, p, tested) == PM_OK &&
        too_fast(rows, n, opt, p) == PM_OK)
        st = PM_OK;
    free(p);
    free(tested);
    if (st != PM_OK)
        return pm_error_set(err, st, "assess: out of memory computing the flags");
    return PM_OK;
}
