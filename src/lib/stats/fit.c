/* Least squares of ln y on ln x (see include/prefmon/fit.h). */
#include <math.h>

#include "prefmon/fit.h"

static int usable(double x, double y)
{
    return isfinite(x) && isfinite(y) && x > 0 && y > 0;
}

/* Two passes (means first, then centred sums) so that a narrow range of
 * large ln x does not cancel in sxx - sx^2/n. */
pm_status pm_loglog_fit(const double *x, const double *y, size_t count, pm_fit *fit, pm_error *err)
{
    if ((count && (!x || !y)) || !fit)
        return pm_error_set(err, PM_EINVAL, "pm_loglog_fit: NULL argument");
    double mx = 0, my = 0, lo = INFINITY, hi = -INFINITY;
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        if (!usable(x[i], y[i]))
            continue;
        mx += log(x[i]);
        my += log(y[i]);
        lo = fmin(lo, x[i]);
        hi = fmax(hi, x[i]);
        used++;
    }
    if (used < 2)
        return pm_error_set(err, PM_EINVAL,
                            "a rate fit needs at least two points with x and y finite and > 0 "
                            "(%zu given)",
                            used);
    mx /= (double)used;
    my /= (double)used;
    double sxx = 0, sxy = 0, syy = 0;
    for (size_t i = 0; i < count; i++) {
        if (!usable(x[i], y[i]))
            continue;
        double dx = log(x[i]) - mx, dy = log(y[i]) - my;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    if (!(sxx > 0))
        return pm_error_set(err, PM_EINVAL,
                            "a rate fit needs at least two different x (every x is %g)", lo);
    fit->slope = sxy / sxx;
    fit->intercept = my - fit->slope * mx;
    /* Residual sum of squares syy - slope sxy, clipped at 0 for rounding. */
    double ssr = fmax(0, syy - fit->slope * sxy);
    fit->r2 = syy > 0 ? 1 - ssr / syy : 1;
    fit->used = used;
    fit->x_min = lo;
    fit->x_max = hi;
    return PM_OK;
}
