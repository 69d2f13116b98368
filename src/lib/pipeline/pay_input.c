/*
** The pay inputs of an assessment (prefmon/pay.h): one row per annotator,
** its duplicate pairs and consistent pairs, and the amount already paid.
** One conversion for every caller (pay, simulate), so that what is paid is
** always read the same way from what assess measured.
*/
#include <math.h>
#include <stdlib.h>

#include "prefmon/pay.h"

pm_status pm_pay_inputs_from_assessment(const pm_assess_row *rows, size_t count,
                                        long long paid_cents, pm_pay_input **out, pm_error *err)
{
    if (!out)
        return pm_error_set(err, PM_EINVAL, "pm_pay_inputs_from_assessment: no output");
    *out = NULL;
    if (count > 0 && !rows)
        return pm_error_set(err, PM_EINVAL, "pm_pay_inputs_from_assessment: rows missing");
    if (paid_cents < 0)
        return pm_error_set(err, PM_EINVAL, "the amount already paid is negative (%lld cents)",
                            paid_cents);
    /* One element at least, so that an empty assessment is not NULL. */
    pm_pay_input *in = calloc(count ? count : 1, sizeof *in);
    if (!in)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < count; i++)
        in[i] =
            (pm_pay_input){rows[i].annotator, rows[i].dup_pairs, rows[i].consistent, paid_cents};
    *out = in;
    return PM_OK;
}

pm_status pm_pay_inputs_from_assess(const pm_assess *a, long long paid_cents, pm_pay_input **out,
                                    pm_pay_evidence **evp, pm_error *err)
{
    if (!a || !evp)
        return pm_error_set(err, PM_EINVAL, "pm_pay_inputs_from_assess: NULL argument");
    *evp = NULL;
    size_t count;
    const pm_assess_row *rows = pm_assess_rows(a, &count);
    pm_status st = pm_pay_inputs_from_assessment(rows, count, paid_cents, out, err);
    if (st != PM_OK)
        return st;
    pm_pay_evidence *ev = calloc(count ? count : 1, sizeof *ev);
    if (!ev) {
        free(*out);
        *out = NULL;
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    const pm_assess_options *opt = pm_assess_options_get(a);
    const pm_assess_summary *sum = pm_assess_summary_get(a);
    for (size_t i = 0; i < count; i++) {
        const pm_assess_row *r = &rows[i];
        pm_action_input ai = {0};
        ai.verdict = r->decision == PM_DECISION_PASS   ? PM_VERDICT_PASS
                     : r->decision == PM_DECISION_FAIL ? PM_VERDICT_FAIL
                                                       : PM_VERDICT_UNDECIDED;
        ai.flags = r->flags;
        ai.pairs = r->dup_pairs;
        ai.consistent = r->consistent;
        ai.m1 = r->q0 + opt->eta1 * (1 - sum->delta - r->q0);
        ev[i].outcomes = r->pair_outcomes;
        ev[i].action = pm_action_decide(&ai, ev[i].action_reason, sizeof ev[i].action_reason);
    }
    *evp = ev;
    return PM_OK;
}

int pm_pay_hourly_below(long long wage_cents, long labels, double median_seconds, double rate,
                        double *hourly)
{
    double h = NAN;
    if (labels >= 1 && isfinite(median_seconds) && median_seconds > 0)
        h = ((double)wage_cents / 100) / ((double)labels * median_seconds / 3600);
    if (hourly)
        *hourly = h;
    return isfinite(h) && h < rate;
}
