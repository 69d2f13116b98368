/*
** The two one-sided sequential tests: Wald's likelihood ratio read as two
** e-processes, one against shirking (L_n) and one against diligence
** (1/L_n), with Ville's inequality as the guarantee at every look.
*/
#include <math.h>
#include <stddef.h>

#include "prefmon/seq.h"
#include "seq_internal.h"

const char *pm_seq_verdict_name(pm_seq_verdict v)
{
    switch (v) {
    case PM_SEQ_CONTINUE:
        return "continue";
    case PM_SEQ_PASS:
        return "pass";
    case PM_SEQ_FAIL:
        return "fail";
    }
    return NULL;
}

pm_status pmx_seq_check_m(double m0, double m1, const char *fn, pm_error *err)
{
    if (!(m0 > 0 && m0 < 1) || !(m1 > 0 && m1 < 1))
        return pm_error_set(err, PM_EINVAL,
                            "%s: needs pass probabilities m0 = %.17g, m1 = %.17g in (0, 1)", fn, m0,
                            m1);
    if (!(m0 < m1))
        /* q0 >= 1 - delta, or eta1 <= eta0: the likelihood ratio points the
         * wrong way and no test separates the two. */
        return pm_error_set(err, PM_EINVAL,
                            "%s: m1 = %.17g <= m0 = %.17g: agreement carries no effort signal "
                            "(q0 >= 1 - delta?); no test, review by hand",
                            fn, m1, m0);
    return PM_OK;
}

static int alpha_ok(double a)
{
    return a > 0 && a < 1;
}

pm_status pm_seq_init(pm_seq_state *st, double alpha_pass, double alpha_fail, pm_error *err)
{
    if (!st)
        return pm_error_set(err, PM_EINVAL, "pm_seq_init: no state (NULL)");
    if (!alpha_ok(alpha_pass) || !alpha_ok(alpha_fail))
        return pm_error_set(
            err, PM_EINVAL,
            "pm_seq_init: alpha_pass = %.17g and alpha_fail = %.17g must be in (0, 1)", alpha_pass,
            alpha_fail);
    *st = (pm_seq_state){.alpha_pass = alpha_pass, .alpha_fail = alpha_fail};
    return PM_OK;
}

pm_status pm_seq_update(pm_seq_state *st, int x, double m0, double m1, pm_error *err)
{
    if (!st)
        return pm_error_set(err, PM_EINVAL, "pm_seq_update: no state (NULL)");
    if (x != 0 && x != 1)
        return pm_error_set(err, PM_EINVAL, "pm_seq_update: pair outcome %d is not 0 or 1", x);
    pm_status rc = pmx_seq_check_m(m0, m1, "pm_seq_update", err);
    if (rc != PM_OK)
        return rc;
    /* log1p of the ratio's distance from 1 would not help: the ratios are
     * bounded away from 1 by m0 < m1 and the logs are of order 0.01..1. */
    double step = x ? log(m1 / m0) : log((1 - m1) / (1 - m0));
    st->n++;
    st->n_total++;
    st->agreements += x;
    st->agreements_total += x;
    st->log_e_pass += step;
    st->log_e_fail -= step;
    if (st->verdict == PM_SEQ_CONTINUE) {
        if (st->log_e_pass >= -log(st->alpha_pass))
            st->verdict = PM_SEQ_PASS;
        else if (st->log_e_fail >= -log(st->alpha_fail))
            st->verdict = PM_SEQ_FAIL;
        if (st->verdict != PM_SEQ_CONTINUE)
            st->decided_at = st->n_total;
    }
    return PM_OK;
}

void pm_seq_reopen(pm_seq_state *st)
{
    if (!st)
        return;
    st->n = st->agreements = 0;
    st->log_e_pass = st->log_e_fail = 0;
    st->verdict = PM_SEQ_CONTINUE;
    st->decided_at = 0;
    st->opened_at = st->n_total;
    st->reopened++;
}
