/*
** Drift: the integer-score Bernoulli CUSUM (Reynolds & Stoumbos, J. Quality
** Technology 31(1), 1999). With integer scores the chart is a finite Markov
** chain on 0..h-1, so its run lengths are exact.
*/
#include <math.h>
#include <stdlib.h>

#include "prefmon/seq.h"
#include "seq_internal.h"

/* Most entries of the banded matrix pm_cusum_arl stores (80 MB). */
#define CUSUM_BAND_MAX 10000000L

pm_status pm_cusum_scores(double m0, double m1, long agree_steps, pm_cusum *out, pm_error *err)
{
    pm_status rc = pmx_seq_check_m(m0, m1, "pm_cusum_scores", err);
    if (rc != PM_OK)
        return rc;
    if (!out)
        return pm_error_set(err, PM_EINVAL, "pm_cusum_scores: no chart to write to (NULL)");
    if (agree_steps < 1 || agree_steps > 1000)
        return pm_error_set(err, PM_EINVAL, "pm_cusum_scores: agree_steps = %ld is not in 1..1000",
                            agree_steps);
    const double scale = (double)agree_steps / log(m1 / m0);
    const double upf = scale * log((1 - m0) / (1 - m1));
    if (!(upf < 1e12))
        return pm_error_set(err, PM_EINVAL,
                            "pm_cusum_scores: a disagreement's score %.3g is too large an integer",
                            upf);
    long up = lround(upf);
    *out = (pm_cusum){
        .m0 = m0, .m1 = m1, .scale = scale, .up = up < 1 ? 1 : up, .down = agree_steps, .h = 0};
    return PM_OK;
}

static pm_status check_chart(const pm_cusum *c, const char *fn, pm_error *err)
{
    if (!c)
        return pm_error_set(err, PM_EINVAL, "%s: no chart (NULL)", fn);
    if (c->up < 1 || c->down < 1 || c->h < 1)
        return pm_error_set(err, PM_EINVAL, "%s: chart needs up, down, h >= 1 (got %ld, %ld, %ld)",
                            fn, c->up, c->down, c->h);
    if (c->h > PM_CUSUM_H_MAX)
        return pm_error_set(err, PM_ELIMIT, "%s: h = %ld is over the limit %ld", fn, c->h,
                            PM_CUSUM_H_MAX);
    return PM_OK;
}

pm_status pm_cusum_arl(const pm_cusum *c, double m, double *arl, pm_error *err)
{
    static const char fn[] = "pm_cusum_arl";
    pm_status rc = check_chart(c, fn, err);
    if (rc != PM_OK)
        return rc;
    if (!arl || !(m >= 0 && m <= 1))
        return pm_error_set(err, PM_EINVAL, "%s: m = %.17g is not in [0, 1] (or no result)", fn, m);
    if (m == 1) {
        *arl = INFINITY; /* no disagreement ever: no alarm */
        return PM_OK;
    }
    const long h = c->h, kl = c->down < h ? c->down : h - 1, ku = c->up < h ? c->up : h - 1;
    const long w = kl + ku + 1;
    if ((double)h * (double)w > (double)CUSUM_BAND_MAX)
        return pm_error_set(err, PM_ELIMIT,
                            "%s: h = %ld with scores +%ld/-%ld needs %.3g matrix entries, over the "
                            "limit %ld",
                            fn, h, c->up, c->down, (double)h * (double)w, CUSUM_BAND_MAX);
    /* A[i][j] stored at band[i * w + (j - i + kl)], |j - i| within the band. */
    double *band = calloc((size_t)(h * w), sizeof *band);
    double *x = malloc((size_t)h * sizeof *x);
    if (!band || !x) {
        free(band);
        free(x);
        return pm_error_set(err, PM_ENOMEM, "%s: out of memory for h = %ld", fn, h);
    }
#define A(i, j) band[(i)*w + ((j) - (i) + kl)]
    /* x_i = 1 + m x_{max(0, i - down)} + (1 - m) x_{i + up} (0 past h - 1):
     * the expected pairs to the alarm from C = i. A = I - Q is an M-matrix
     * whose ARLs reach 1e20 and beyond for a long chart, where ordinary
     * elimination cancels to garbage (even a negative "ARL"). So the
     * elimination is subtraction-free, as in Grassmann-Taksar-Heyman: the
     * band keeps the off-diagonal entries (<= 0) and rowsum[i] the row sums
     * (>= 0: the one-step alarm probability); every diagonal entry is
     * rowsum + sum |off-diagonal|, every update adds terms of one sign, so
     * each x_i is accurate to a few ulps per state, whatever its size. */
    double *rowsum = malloc((size_t)h * sizeof *rowsum);
    if (!rowsum) {
        free(band);
        free(x);
        return pm_error_set(err, PM_ENOMEM, "%s: out of memory for h = %ld", fn, h);
    }
    for (long i = 0; i < h; i++) {
        long ja = i - c->down < 0 ? 0 : i - c->down;
        if (ja != i)
            A(i, ja) -= m;
        if (i + c->up < h) {
            A(i, i + c->up) -= 1 - m;
            rowsum[i] = 0;
        } else {
            rowsum[i] = 1 - m;
        }
        x[i] = 1;
    }
    for (long k = 0; k < h; k++) {
        long iend = k + kl < h - 1 ? k + kl : h - 1, jend = k + ku < h - 1 ? k + ku : h - 1;
        double piv = rowsum[k];
        for (long j = k + 1; j <= jend; j++)
            piv -= A(k, j);
        for (long i = k + 1; i <= iend; i++) {
            double f = -A(i, k) / piv; /* >= 0 */
            if (f == 0)
                continue;
            A(i, k) = 0;
            for (long j = k + 1; j <= jend; j++)
                if (j != i)
                    A(i, j) += f * A(k, j);
            rowsum[i] += f * rowsum[k];
            x[i] += f * x[k];
        }
    }
    for (long k = h - 1; k >= 0; k--) {
        long jend = k + ku < h - 1 ? k + ku : h - 1;
        double piv = rowsum[k], s = x[k];
        for (long j = k + 1; j <= jend; j++) {
            piv -= A(k, j);
            s -= A(k, j) * x[j];
        }
        x[k] = s / piv;
    }
#undef A
    free(rowsum);
    *arl = x[0];
    free(band);
    free(x);
    return PM_OK;
}

pm_status pm_cusum_alarm_prob(const pm_cusum *c, double m, long pairs, double *p, pm_error *err)
{
    static const char fn[] = "pm_cusum_alarm_prob";
    pm_status rc = check_chart(c, fn, err);
    if (rc != PM_OK)
        return rc;
    if (!p || !(m >= 0 && m <= 1) || pairs < 0)
        return pm_error_set(err, PM_EINVAL, "%s: needs m in [0, 1] and pairs >= 0 (got %.17g, %ld)",
                            fn, m, pairs);
    if ((double)pairs * (double)c->h > (double)PM_SEQ_CELLS_MAX)
        return pm_error_set(err, PM_ELIMIT, "%s: %ld pairs x h = %ld states is over the limit %ld",
                            fn, pairs, c->h, PM_SEQ_CELLS_MAX);
    const long h = c->h;
    double *cur = calloc((size_t)h, sizeof *cur), *nxt = calloc((size_t)h, sizeof *nxt);
    if (!cur || !nxt) {
        free(cur);
        free(nxt);
        return pm_error_set(err, PM_ENOMEM, "%s: out of memory for h = %ld", fn, h);
    }
    cur[0] = 1;
    double alarmed = 0;
    for (long t = 0; t < pairs; t++) {
        for (long i = 0; i < h; i++)
            nxt[i] = 0;
        for (long i = 0; i < h; i++) {
            if (cur[i] == 0)
                continue;
            nxt[i - c->down < 0 ? 0 : i - c->down] += cur[i] * m;
            if (i + c->up < h)
                nxt[i + c->up] += cur[i] * (1 - m);
            else
                alarmed += cur[i] * (1 - m);
        }
        double *tmp = cur;
        cur = nxt;
        nxt = tmp;
    }
    free(cur);
    free(nxt);
    *p = alarmed;
    return PM_OK;
}

pm_status pm_cusum_design(double m0, double m1, long agree_steps, double arl_target, long h_max,
                          pm_cusum *out, double *arl1, double *arl0, pm_error *err)
{
    static const char fn[] = "pm_cusum_design";
    pm_cusum c;
    pm_status rc = pm_cusum_scores(m0, m1, agree_steps, &c, err);
    if (rc != PM_OK)
        return rc;
    if (!(arl_target >= 1) || !isfinite(arl_target) || h_max < 1 || h_max > PM_CUSUM_H_MAX)
        return pm_error_set(
            err, PM_EINVAL,
            "%s: needs a finite arl_target >= 1 and 1 <= h_max <= %ld (got %.17g, %ld)", fn,
            PM_CUSUM_H_MAX, arl_target, h_max);
    /* The run length grows with h path by path, so its mean does: double h
     * until the target is met, then bisect for the smallest h. */
    double a = 0;
    long lo = 0, hi = 1; /* ARL(lo) < target (lo = 0: nothing tried) */
    for (;;) {
        c.h = hi;
        rc = pm_cusum_arl(&c, m1, &a, err);
        if (rc != PM_OK)
            return rc;
        if (a >= arl_target)
            break;
        if (hi == h_max)
            return pm_error_set(err, PM_ERANGE,
                                "%s: no alarm level h <= %ld gives a false-alarm ARL >= %.6g pairs "
                                "(%.6g at h = %ld)",
                                fn, h_max, arl_target, a, hi);
        lo = hi;
        hi = hi > h_max / 2 ? h_max : 2 * hi;
    }
    while (hi - lo > 1) {
        c.h = lo + (hi - lo) / 2;
        rc = pm_cusum_arl(&c, m1, &a, err);
        if (rc != PM_OK)
            return rc;
        if (a >= arl_target)
            hi = c.h;
        else
            lo = c.h;
    }
    c.h = hi;
    if (arl1 && (rc = pm_cusum_arl(&c, m1, arl1, err)) != PM_OK)
        return rc;
    if (arl0 && (rc = pm_cusum_arl(&c, m0, arl0, err)) != PM_OK)
        return rc;
    if (out)
        *out = c;
    return PM_OK;
}

double pm_cusum_false_alarms(double arl1, double pairs_per_year, double annotators)
{
    if (!(arl1 > 0))
        return NAN;
    return annotators * pairs_per_year / arl1;
}

void pm_cusum_reset(pm_cusum_state *s)
{
    if (!s)
        return;
    s->c = 0;
    s->run_start = s->alarm_at = s->change_at = 0;
}

pm_status pm_cusum_update(const pm_cusum *c, pm_cusum_state *s, int x, int *alarm, pm_error *err)
{
    pm_status rc = check_chart(c, "pm_cusum_update", err);
    if (rc != PM_OK)
        return rc;
    if (!s || (x != 0 && x != 1))
        return pm_error_set(err, PM_EINVAL,
                            "pm_cusum_update: pair outcome %d is not 0 or 1 (or no state)", x);
    s->t++;
    if (!s->alarm_at) {
        long next = x ? s->c - c->down : s->c + c->up;
        if (next <= 0) {
            s->c = 0;
            s->run_start = 0;
        } else {
            if (s->c == 0)
                s->run_start = s->t;
            s->c = next;
            if (s->c >= c->h) {
                s->alarm_at = s->t;
                s->change_at = s->run_start;
            }
        }
    }
    if (alarm)
        *alarm = s->alarm_at != 0;
    return PM_OK;
}
