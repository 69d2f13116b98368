/*
** prefmon — the least-squares rate fit of a power law y = e^b x^a.
**
** The gap to first-best falls like a power of n (arXiv 2502.06387 Thm. 1-2:
** 1/n for linear, 1/sqrt(n log n) for binary contracts); its rate is the
** slope of ln y on ln x. The fit is a result in its own right (the report
** plots it), so it lives here and not in a client.
**
** Ownership: pm_fit is a plain value owned by the caller; the arrays are
** borrowed for the call. Pure and thread-safe.
*/
#ifndef PREFMON_FIT_H
#define PREFMON_FIT_H

#include <stddef.h>

#include "prefmon/export.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/** Ordinary least squares of ln y on ln x. */
typedef struct pm_fit {
    double slope;     /* a in ln y = a ln x + b */
    double intercept; /* b */
    double r2;        /* coefficient of determination, 1 when every ln y is equal */
    size_t used;      /* points used: x and y finite and > 0 */
    double x_min, x_max;
} pm_fit;

/** Fit ln y = slope ln x + intercept over the points with x and y finite
 *  and > 0 (the others are skipped and not counted in used). Needs at
 *  least two such points with different x: otherwise PM_EINVAL, the slope
 *  being undefined, and *fit is left as it was. */
PM_API pm_status pm_loglog_fit(const double *x, const double *y, size_t count, pm_fit *fit,
                               pm_error *err);

PM_END_DECLS

#endif
