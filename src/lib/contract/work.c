/*
** The work model of pm_contract_solve (include/prefmon/contract.h): what a
** request would cost, estimated before it starts, so that gap and budget
** refuse hours of solving with one number and one rule.
**
** Measured on the development machine (2 cores; `prefmon gap --n N --type T
** --solve S`, one n each):
**   binary second-best  0.01 s at n = 1e5, 0.07 s at 1e7, 0.33 s at 1e8,
**                       1.0 s at 1e9: 2 ms + about 0.03 sqrt(n) ms;
**   binary restricted   0.05 s at n = 1e9: 2 ms + about 0.0016 sqrt(n) ms;
**   linear (either)     about 1 ms at any n (under 5 ms);
**   a k-term sumexp utility costs about 4k times a CARA one (16 terms:
**   0.64 s against 0.01 s for binary second-best at n = 1e5).
*/
#include <math.h>

#include "prefmon/contract.h"

#define LINEAR_MS 1.0
#define BINARY_FIXED_MS 2.0
#define SB_BINARY_MS_PER_SQRT_N 0.03
#define RESTRICTED_BINARY_MS_PER_SQRT_N 0.0016
#define SUMEXP_FACTOR_PER_TERM 4.0

double pm_contract_solve_seconds(const pm_model *m, pm_contract_type type, pm_solve solve, long n)
{
    if (!m || n < 1)
        return NAN;
    double ms = LINEAR_MS;
    if (type == PM_CONTRACT_BINARY)
        ms = BINARY_FIXED_MS + sqrt((double)n) * (solve == PM_SOLVE_SECOND_BEST
                                                      ? SB_BINARY_MS_PER_SQRT_N
                                                      : RESTRICTED_BINARY_MS_PER_SQRT_N);
    if (m->G.kind == PM_UTILITY_SUMEXP)
        ms *= SUMEXP_FACTOR_PER_TERM * m->G.nterms;
    return ms / 1000;
}

double pm_contract_work_seconds(const pm_model *m, pm_contract_type type, pm_solve solve,
                                const long *ns, size_t count)
{
    if (!m || (count && !ns))
        return NAN;
    double s = 0;
    for (size_t i = 0; i < count; i++)
        s += pm_contract_solve_seconds(m, type, solve, ns[i]); /* NaN for n < 1 propagates */
    return s;
}
