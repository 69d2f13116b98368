/*
** One effort's comparison of the sequential test with the naive weekly
** fixed-n test, for `prefmon power --sequential`.
*/
#include <math.h>
#include <stdlib.h>

#include "prefmon/monitor.h"
#include "prefmon/seq.h"

static const long looks[PM_SEQ_NLOOKS] = {4, 12, 52};

pm_status pm_seq_power_at(const pm_scheme *sc, double eta0, double eta1, double alpha_pass,
                          double alpha_fail, long horizon, long per_look, double max_error,
                          double eta, pm_seq_power_row *out, pm_error *err)
{
    static const char fn[] = "pm_seq_power_at";
    if (!sc || !out)
        return pm_error_set(err, PM_EINVAL, "%s: no scheme or no result (NULL)", fn);
    if (!(eta0 >= 0 && eta0 < eta1 && eta1 <= 1) || !(eta >= 0 && eta <= 1))
        return pm_error_set(err, PM_EINVAL,
                            "%s: needs 0 <= eta0 < eta1 <= 1 and eta in [0, 1] (got %.17g, %.17g, "
                            "%.17g)",
                            fn, eta0, eta1, eta);
    if (per_look < 1 || per_look > PM_SEQ_HORIZON_MAX / looks[PM_SEQ_NLOOKS - 1])
        return pm_error_set(err, PM_ELIMIT, "%s: %ld pairs per look: needs 1 to %ld", fn, per_look,
                            PM_SEQ_HORIZON_MAX / looks[PM_SEQ_NLOOKS - 1]);
    const double m0 = pm_scheme_pass(sc, eta0), m1 = pm_scheme_pass(sc, eta1);
    const double m = pm_scheme_pass(sc, eta);
    if (m1 >= 1)
        return pm_error_set(err, PM_EINVAL,
                            "eta1 = %.17g gives m1 = 1 (no disagreement at all): one disagreement "
                            "would fail anyone; take eta1 < 1 or delta > 0",
                            eta1);
    const long last = looks[PM_SEQ_NLOOKS - 1] * per_look;
    const long span = horizon > last ? horizon : last;
    double *fail_by = malloc(((size_t)span + 1) * sizeof *fail_by);
    double *pass_by = malloc(((size_t)span + 1) * sizeof *pass_by);
    if (!fail_by || !pass_by) {
        free(fail_by);
        free(pass_by);
        return pm_error_set(err, PM_ENOMEM, "%s: out of memory for %ld pairs", fn, span);
    }
    *out = (pm_seq_power_row){.eta = eta, .m = m, .per_look = per_look};
    pm_seq_oc whole;
    pm_status rc =
        pm_seq_operating(m0, m1, alpha_pass, alpha_fail, m, span, &whole, pass_by, fail_by, err);
    if (rc == PM_OK && horizon < span)
        rc =
            pm_seq_operating(m0, m1, alpha_pass, alpha_fail, m, horizon, &out->oc, NULL, NULL, err);
    else
        out->oc = whole;
    if (rc == PM_OK) {
        for (int i = 0; i < PM_SEQ_NLOOKS; i++) {
            out->looks[i] = looks[i];
            out->seq_fail[i] = fail_by[looks[i] * per_look];
        }
        double naive[52];
        rc = pm_seq_naive_fail(sc, eta0, eta1, max_error, m, per_look, looks[PM_SEQ_NLOOKS - 1],
                               naive, err);
        for (int i = 0; rc == PM_OK && i < PM_SEQ_NLOOKS; i++)
            out->naive_fail[i] = naive[looks[i] - 1];
    }
    free(fail_by);
    free(pass_by);
    if (rc != PM_OK)
        return rc;
    /* Ville bounds the pass error for every m <= m0 and the fail error for
     * every m >= m1 (the factor's mean is <= 1 there); in between neither. */
    if (m <= m0) {
        out->ville = PM_SEQ_PASS;
        out->ville_bound = alpha_pass;
    } else if (m >= m1) {
        out->ville = PM_SEQ_FAIL;
        out->ville_bound = alpha_fail;
    } else {
        out->ville = PM_SEQ_CONTINUE;
        out->ville_bound = NAN;
    }
    return PM_OK;
}

size_t pm_seq_effort_grid(double eta0, double eta1, double *etas)
{
    size_t n = 0;
    double extra[2] = {eta0, eta1};
    int used[2] = {0, 0};
    for (int i = 0; i <= 10; i++) {
        double g = i / 10.0;
        for (int e = 0; e < 2; e++) {
            if (!used[e] && extra[e] < g) {
                if (!(n > 0 && etas[n - 1] == extra[e]))
                    etas[n++] = extra[e];
                used[e] = 1;
            }
            if (!used[e] && extra[e] == g)
                used[e] = 1;
        }
        etas[n++] = g;
    }
    return n;
}
