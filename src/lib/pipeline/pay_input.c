/*
** The pay inputs of an assessment (prefmon/pay.h): one row per annotator,
** its duplicate pairs and consistent pairs, and the amount already paid.
** One conversion for every caller (pay, simulate), so that what is paid is
** always read the same way from what assess measured.
*/
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
