/*
** Exact operating characteristics of the sequential test by dynamic
** programming over (pairs so far j, agreements so far a), and the exact
** error of the naive rule (the fixed-n test re-run after every batch).
*/
#include <math.h>
#include <stdlib.h>

#include "prefmon/monitor.h"
#include "prefmon/seq.h"
#include "seq_internal.h"

/* log(exp(x) + exp(y)) without overflow; -inf is the log of 0. */
static double log_add(double x, double y)
{
    if (x == -INFINITY)
        return y;
    if (y == -INFINITY)
        return x;
    double hi = x > y ? x : y, lo = x > y ? y : x;
    return hi + log1p(exp(lo - hi));
}

/* An upper bound on the cells the DP visits: row j holds at most j + 2
 * cells and at most `band` + 2, the band being the agreements between the
 * two boundaries (their distance in ln L over the step ln L gains from one
 * more agreement instead of a disagreement). */
static double dp_cells(double width, double gain, long horizon)
{
    double band = floor(width / gain) + 2;
    double cells = 0;
    double full = band < (double)horizon ? band : (double)horizon;
    cells += full * (full + 3) / 2; /* the triangle of rows shorter than the band */
    cells += ((double)horizon - full) * band;
    return cells;
}

pm_status pmx_seq_dp(double m0, double m1, double alpha_pass, double alpha_fail, double m,
                     long horizon, double log_l0, pm_seq_oc *out, double *pass_by, double *fail_by,
                     pm_error *err)
{
    static const char fn[] = "pm_seq_operating";
    pm_status rc = pmx_seq_check_m(m0, m1, fn, err);
    if (rc != PM_OK)
        return rc;
    if (!out)
        return pm_error_set(err, PM_EINVAL, "%s: no result to write to (NULL)", fn);
    if (!(alpha_pass > 0 && alpha_pass < 1) || !(alpha_fail > 0 && alpha_fail < 1))
        return pm_error_set(err, PM_EINVAL,
                            "%s: alpha_pass = %.17g, alpha_fail = %.17g must be in (0, 1)", fn,
                            alpha_pass, alpha_fail);
    if (!(m >= 0 && m <= 1))
        return pm_error_set(err, PM_EINVAL, "%s: true pass probability m = %.17g is not in [0, 1]",
                            fn, m);
    if (horizon < 0)
        return pm_error_set(err, PM_EINVAL, "%s: horizon %ld < 0", fn, horizon);
    if (horizon > PM_SEQ_HORIZON_MAX)
        return pm_error_set(
            err, PM_ELIMIT,
            "%s: horizon %ld is over the limit %ld (the DP costs up to N^2/2 cells)", fn, horizon,
            PM_SEQ_HORIZON_MAX);
    const double la = log(m1 / m0), ld = log((1 - m1) / (1 - m0));
    const double tp = -log(alpha_pass), tf = -log(alpha_fail);
    const double cells = dp_cells(tp + tf, la - ld, horizon);
    if (cells > (double)PM_SEQ_CELLS_MAX)
        return pm_error_set(
            err, PM_ELIMIT,
            "%s: horizon %ld needs about %.3g DP cells (about %.0f s), over the limit "
            "%ld; take a shorter horizon or hypotheses further apart",
            fn, horizon, cells, cells / 2e8, PM_SEQ_CELLS_MAX);

    *out = (pm_seq_oc){.m0 = m0,
                       .m1 = m1,
                       .m = m,
                       .alpha_pass = alpha_pass,
                       .alpha_fail = alpha_fail,
                       .horizon = horizon};
    double lpp = -INFINITY, lpf = -INFINITY;
    if (pass_by)
        pass_by[0] = 0;
    if (fail_by)
        fail_by[0] = 0;
    /* Already decided at the start (a decided test, or log_l0 outside). */
    if (log_l0 >= tp || -log_l0 >= tf) {
        int pass = log_l0 >= tp;
        out->p_pass = pass;
        out->p_fail = !pass;
        out->log_p_pass = pass ? 0 : -INFINITY;
        out->log_p_fail = pass ? -INFINITY : 0;
        for (long j = 0; j <= horizon; j++) {
            if (pass_by)
                pass_by[j] = pass;
            if (fail_by)
                fail_by[j] = !pass;
        }
        return PM_OK;
    }
    /* Rows indexed by a directly (O(N) memory), only [lo, hi] live. */
    double *row = calloc((size_t)horizon + 2, sizeof *row);
    if (!row)
        return pm_error_set(err, PM_ENOMEM, "%s: out of memory for %ld DP entries", fn,
                            horizon + 2);
    row[0] = 1;
    long lo = 0, hi = 0, live = 1;
    double scale = 0;    /* true mass = row[a] * exp(scale) */
    double expected = 1; /* P(T > 0) */
    long visited = 1;
    for (long j = 1; j <= horizon; j++) {
        double psum = 0, fsum = 0;
        if (live) {
            /* Step: a agreements at j come from a - 1 (agree) or a (not). */
            for (long a = hi + 1; a >= lo; a--) {
                double v = (a <= hi ? row[a] * (1 - m) : 0) + (a > lo ? row[a - 1] * m : 0);
                row[a] = v;
            }
            hi++;
            visited += hi - lo + 1;
            /* Absorb: ln L rises with a, so the fail cells are at the
             * bottom and the pass cells at the top of the band. */
            while (lo <= hi) {
                double llr = log_l0 + (double)lo * la + (double)(j - lo) * ld;
                if (!(-llr >= tf))
                    break;
                fsum += row[lo];
                row[lo++] = 0;
            }
            while (hi >= lo) {
                double llr = log_l0 + (double)hi * la + (double)(j - hi) * ld;
                if (!(llr >= tp))
                    break;
                psum += row[hi];
                row[hi--] = 0;
            }
            if (psum > 0)
                lpp = log_add(lpp, log(psum) + scale);
            if (fsum > 0)
                lpf = log_add(lpf, log(fsum) + scale);
            double big = 0, sum = 0;
            for (long a = lo; a <= hi; a++)
                big = row[a] > big ? row[a] : big;
            if (big > 0) {
                for (long a = lo; a <= hi; a++) {
                    row[a] /= big;
                    sum += row[a];
                }
                scale += log(big);
            } else {
                live = 0; /* every path decided */
            }
            if (live && j < horizon)
                expected += sum * exp(scale);
            if (j == horizon)
                out->p_undecided = live ? sum * exp(scale) : 0;
        }
        if (pass_by)
            pass_by[j] = exp(lpp);
        if (fail_by)
            fail_by[j] = exp(lpf);
    }
    if (horizon == 0)
        out->p_undecided = 1;
    free(row);
    out->log_p_pass = lpp;
    out->log_p_fail = lpf;
    out->p_pass = exp(lpp);
    out->p_fail = exp(lpf);
    out->expected_pairs = horizon == 0 ? 0 : expected;
    out->cells = visited;
    return PM_OK;
}

pm_status pm_seq_operating(double m0, double m1, double alpha_pass, double alpha_fail, double m,
                           long horizon, pm_seq_oc *out, double *pass_by, double *fail_by,
                           pm_error *err)
{
    return pmx_seq_dp(m0, m1, alpha_pass, alpha_fail, m, horizon, 0, out, pass_by, fail_by, err);
}

pm_status pm_seq_remaining(const pm_seq_state *st, double m0, double m1, double m, long horizon,
                           pm_seq_oc *out, pm_error *err)
{
    if (!st)
        return pm_error_set(err, PM_EINVAL, "pm_seq_remaining: no state (NULL)");
    if (st->verdict != PM_SEQ_CONTINUE) {
        /* A decided test stays decided: start it outside the band. */
        double l0 = st->verdict == PM_SEQ_PASS ? INFINITY : -INFINITY;
        return pmx_seq_dp(m0, m1, st->alpha_pass, st->alpha_fail, m, horizon, l0, out, NULL, NULL,
                          err);
    }
    return pmx_seq_dp(m0, m1, st->alpha_pass, st->alpha_fail, m, horizon, st->log_e_pass, out, NULL,
                      NULL, err);
}

pm_status pm_seq_naive_fail(const pm_scheme *sc, double eta0, double eta1, double max_error,
                            double m, long per_look, long looks, double *fail_by, pm_error *err)
{
    static const char fn[] = "pm_seq_naive_fail";
    if (!sc || !fail_by)
        return pm_error_set(err, PM_EINVAL, "%s: no scheme or no result array (NULL)", fn);
    if (!(m >= 0 && m <= 1))
        return pm_error_set(err, PM_EINVAL, "%s: true pass probability m = %.17g is not in [0, 1]",
                            fn, m);
    if (per_look < 1 || looks < 1)
        return pm_error_set(err, PM_EINVAL, "%s: needs per_look >= 1 and looks >= 1 (got %ld, %ld)",
                            fn, per_look, looks);
    if (per_look > PM_SEQ_HORIZON_MAX / looks)
        return pm_error_set(err, PM_ELIMIT,
                            "%s: %ld looks of %ld pairs are over the limit of %ld pairs", fn, looks,
                            per_look, PM_SEQ_HORIZON_MAX);
    const long total = looks * per_look;
    const double cells = (double)total * ((double)total + 3) / 2;
    if (cells > (double)PM_SEQ_CELLS_MAX)
        return pm_error_set(err, PM_ELIMIT,
                            "%s: %ld pooled pairs need %.3g DP cells, over the limit %ld", fn,
                            total, cells, PM_SEQ_CELLS_MAX);
    double *w = calloc((size_t)total + 1, sizeof *w);
    if (!w)
        return pm_error_set(err, PM_ENOMEM, "%s: out of memory for %ld DP entries", fn, total + 1);
    /* w[a]: probability of a agreements so far and no fail at any look yet. */
    w[0] = 1;
    long n = 0;
    double failed = 0;
    for (long l = 1; l <= looks; l++) {
        for (long i = 0; i < per_look; i++) {
            n++;
            for (long a = n; a >= 0; a--)
                w[a] = (a < n ? w[a] * (1 - m) : 0) + (a > 0 ? w[a - 1] * m : 0);
        }
        /* The same rule as pm_assess_rule_for: the LR design at the pooled
         * n, deciding only when its error sum is <= max_error. */
        pm_test t;
        pm_test_request tr = pm_test_request_lr(sc, eta0, eta1);
        pm_status rc = pm_test_design(&tr, n, &t, err);
        if (rc != PM_OK) {
            free(w);
            return rc;
        }
        if (!(t.error_sum > max_error)) {
            for (long a = 0; a < t.k && a <= n; a++) {
                failed += w[a];
                w[a] = 0;
            }
        }
        fail_by[l - 1] = failed;
    }
    free(w);
    return PM_OK;
}
