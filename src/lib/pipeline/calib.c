/*
** Preference probabilities as the paper builds them: seeded split, random
** orientation, histogram-binning calibration, folding, cbar
** (include/prefmon/calib.h has the procedure and its sources).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/calib.h"
#include "prefmon/monitor.h"
#include "prefmon/rng.h"

void pm_calib_shuffle(size_t n, uint64_t seed, size_t *perm)
{
    pm_rng r;
    pm_rng_stream(&r, seed, 0);
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    /* Fisher–Yates from the last position: perm is uniform over all n!. */
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)pm_rng_below(&r, (uint64_t)i);
        size_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
}

void pm_calib_orient(const double *p, size_t n, uint64_t seed, double *score, unsigned char *label)
{
    pm_rng r;
    pm_rng_stream(&r, seed, 1);
    for (size_t i = 0; i < n; i++) {
        int flip = (int)(pm_rng_next(&r) >> 63);
        label[i] = (unsigned char)(1 - flip);
        score[i] = fabs((double)flip - p[i]);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sort (score, label) pairs by score; labels travel with their score. */
typedef struct scored {
    double s;
    unsigned char l;
} scored;

/* By score, then label: ties are ordered by label so the chunks (and so
 * the answer) do not depend on qsort's order of equal scores. */
static int cmp_scored(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    int c = cmp_double(&x->s, &y->s);
    return c ? c : (x->l > y->l) - (x->l < y->l);
}

pm_status pm_histbin_fit(const double *score, const unsigned char *label, size_t n, int bins,
                         pm_histbin *h, pm_error *err)
{
    if (bins < 1 || bins > PM_CALIB_MAX_BINS)
        return pm_error_set(err, PM_EINVAL, "histogram bins: %d is outside [1, %d]", bins,
                            PM_CALIB_MAX_BINS);
    if (n < (size_t)bins)
        return pm_error_set(err, PM_EINVAL,
                            "calibration needs at least as many training items as bins (%zu "
                            "items, %d bins); use fewer bins or more data",
                            n, bins);
    for (size_t i = 0; i < n; i++)
        if (!(score[i] >= 0 && score[i] <= 1))
            return pm_error_set(err, PM_EINVAL, "score %zu: %.17g is outside [0, 1]", i, score[i]);
    scored *v = malloc(n * sizeof *v);
    if (!v)
        return pm_error_set(err, PM_ENOMEM, "out of memory for %zu training items", n);
    for (size_t i = 0; i < n; i++)
        v[i] = (scored){score[i], label[i]};
    /* Equal scores change a chunk's mean only when a tie straddles a chunk
     * edge; there numpy's (unstable) argsort order decides for the authors,
     * labels ascending decides here (doc/reproduce.md). */
    qsort(v, n, sizeof *v, cmp_scored);
    size_t base = n / (size_t)bins, extra = n % (size_t)bins, start = 0;
    h->bins = bins;
    for (int b = 0; b < bins; b++) {
        size_t len = base + ((size_t)b < extra); /* numpy.array_split */
        size_t ones = 0;
        for (size_t i = start; i < start + len; i++)
            ones += v[i].l;
        h->count[b] = len;
        h->value[b] = (double)ones / (double)len;
        start += len;
        h->upper[b] = b + 1 < bins ? (v[start - 1].s + v[start].s) / 2 : 1.0;
    }
    free(v);
    return PM_OK;
}

double pm_histbin_predict(const pm_histbin *h, double score)
{
    /* searchsorted(upper, score, side='left'): the first i with
     * upper[i] >= score. */
    int lo = 0, hi = h->bins - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (h->upper[mid] >= score)
            hi = mid;
        else
            lo = mid + 1;
    }
    return h->value[lo];
}

pm_status pm_reliability(const double *pred, const unsigned char *label, size_t n, int bins,
                         pm_reliability_bin *out, pm_error *err)
{
    if (bins < 1)
        return pm_error_set(err, PM_EINVAL, "reliability bins: %d is below 1", bins);
    for (size_t i = 0; i < n; i++)
        if (!(pred[i] >= 0 && pred[i] <= 1))
            return pm_error_set(err, PM_EINVAL, "prediction %zu: %.17g is outside [0, 1]", i,
                                pred[i]);
    double *sp = calloc((size_t)bins, sizeof *sp), *sl = calloc((size_t)bins, sizeof *sl);
    if (!sp || !sl) {
        free(sp);
        free(sl);
        return pm_error_set(err, PM_ENOMEM, "out of memory for %d bins", bins);
    }
    for (int b = 0; b < bins; b++)
        out[b] = (pm_reliability_bin){(double)b / bins, (double)(b + 1) / bins, 0, NAN, NAN};
    for (size_t i = 0; i < n; i++) {
        int b = (int)(pred[i] * bins);
        b = b >= bins ? bins - 1 : b;
        out[b].count++;
        sp[b] += pred[i];
        sl[b] += label[i];
    }
    for (int b = 0; b < bins; b++)
        if (out[b].count) {
            out[b].mean_pred = sp[b] / (double)out[b].count;
            out[b].freq = sl[b] / (double)out[b].count;
        }
    free(sp);
    free(sl);
    return PM_OK;
}

void pm_calib_opts_default(pm_calib_opts *o)
{
    o->seed = PM_CALIB_DEFAULT_SEED;
    o->calibrate = 0;
    o->bins = PM_CALIB_DEFAULT_BINS;
    o->rel_bins = PM_CALIB_RELIABILITY_BINS;
}

void pm_calib_result_free(pm_calib_result *r)
{
    if (!r)
        return;
    free(r->p_eval);
    free(r->hist);
    free(r->before);
    free(r->after);
    memset(r, 0, sizeof *r);
}

/* Working arrays of one run. */
typedef struct work {
    size_t *perm;
    double *score, *ev_score, *tr_score, *ev_pred;
    unsigned char *label, *ev_label, *tr_label;
} work;

static void work_free(work *w)
{
    free(w->perm);
    free(w->score);
    free(w->ev_score);
    free(w->tr_score);
    free(w->ev_pred);
    free(w->label);
    free(w->ev_label);
    free(w->tr_label);
}

static int work_alloc(work *w, size_t n)
{
    w->perm = malloc(n * sizeof *w->perm);
    w->score = malloc(n * sizeof *w->score);
    w->ev_score = malloc(n * sizeof *w->ev_score);
    w->tr_score = malloc(n * sizeof *w->tr_score);
    w->ev_pred = malloc(n * sizeof *w->ev_pred);
    w->label = malloc(n);
    w->ev_label = malloc(n);
    w->tr_label = malloc(n);
    return w->perm && w->score && w->ev_score && w->tr_score && w->ev_pred && w->label &&
           w->ev_label && w->tr_label;
}

/* Calibrate the eval half (ev_pred) and fill hist and after. */
static pm_status calibrate(work *w, const pm_calib_opts *o, pm_calib_result *r, pm_error *err)
{
    r->hist = malloc(sizeof *r->hist);
    r->after = malloc((size_t)o->rel_bins * sizeof *r->after);
    if (!r->hist || !r->after)
        return pm_error_set(err, PM_ENOMEM, "out of memory for the calibrator");
    pm_status st = pm_histbin_fit(w->tr_score, w->tr_label, r->n_train, o->bins, r->hist, err);
    if (st != PM_OK)
        return st;
    for (size_t i = 0; i < r->n_eval; i++)
        w->ev_pred[i] = pm_histbin_predict(r->hist, w->ev_score[i]);
    r->calibrated = 1;
    return pm_reliability(w->ev_pred, w->ev_label, r->n_eval, o->rel_bins, r->after, err);
}

pm_status pm_calib_run(const double *p, size_t n, const pm_calib_opts *o, pm_calib_result *r,
                       pm_error *err)
{
    memset(r, 0, sizeof *r);
    if (n < 2)
        return pm_error_set(err, PM_EINVAL, "%zu preference rows: the split needs at least 2", n);
    if (o->rel_bins < 1)
        return pm_error_set(err, PM_EINVAL, "reliability bins: %d is below 1", o->rel_bins);
    for (size_t i = 0; i < n; i++)
        if (!(p[i] >= 0 && p[i] <= 1))
            return pm_error_set(err, PM_EINVAL, "probability %zu: %.17g is outside [0, 1]", i,
                                p[i]);
    work w = {0};
    pm_status st = PM_OK;
    r->n_total = n;
    r->n_eval = n / 2;
    r->n_train = n - n / 2;
    r->rel_bins = o->rel_bins;
    r->p_eval = malloc(r->n_eval * sizeof *r->p_eval);
    r->before = malloc((size_t)o->rel_bins * sizeof *r->before);
    if (!work_alloc(&w, n) || !r->p_eval || !r->before)
        st = pm_error_set(err, PM_ENOMEM, "out of memory for %zu preference rows", n);
    if (st == PM_OK) {
        pm_calib_shuffle(n, o->seed, w.perm);
        pm_calib_orient(p, n, o->seed, w.score, w.label);
        for (size_t i = 0; i < n; i++) {
            size_t k = w.perm[i];
            if (i < r->n_eval) {
                w.ev_score[i] = w.score[k];
                w.ev_label[i] = w.label[k];
                w.ev_pred[i] = w.score[k];
            } else {
                w.tr_score[i - r->n_eval] = w.score[k];
                w.tr_label[i - r->n_eval] = w.label[k];
            }
        }
        st = pm_reliability(w.ev_score, w.ev_label, r->n_eval, o->rel_bins, r->before, err);
    }
    if (st == PM_OK && o->calibrate)
        st = calibrate(&w, o, r, err);
    if (st == PM_OK) {
        double sum = 0;
        for (size_t i = 0; i < r->n_eval; i++) {
            double q = w.ev_pred[i];
            r->p_eval[i] = q >= 0.5 ? q : 1 - q;
            sum += r->p_eval[i];
        }
        r->mean_p = sum / (double)r->n_eval;
        st = pm_cbar(r->p_eval, NULL, r->n_eval, &r->cbar, err);
    }
    work_free(&w);
    if (st != PM_OK)
        pm_calib_result_free(r);
    return st;
}
