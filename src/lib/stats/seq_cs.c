/*
** The anytime-valid confidence sequence for a pass probability from the
** beta-binomial mixture martingale (Robbins 1970; Howard, Ramdas,
** McAuliffe, Sekhon, Ann. Statist. 49(2), 2021).
*/
/* lgamma_r is not ISO C or POSIX: ask glibc for it here only. */
#define _DEFAULT_SOURCE
#include <float.h>
#include <limits.h>
#include <math.h>

#include "prefmon/monitor.h"
#include "prefmon/seq.h"

/* lgamma_r, not lgamma: lgamma also stores the sign in the global signgam,
 * a data race when rows are finished on several threads at once (found by
 * ThreadSanitizer on pm_assess_finish); the value is the same. */
static double lgam(double x)
{
    int sign;
    return lgamma_r(x, &sign);
}

static double lbeta(double x, double y)
{
    return lgam(x) + lgam(y) - lgam(x + y);
}

/* log M_n(p) - ln(1/alpha), with log M_n(p) = lbeta(a+S, b+n-S) - lbeta(a, b)
 * - S ln p - (n-S) ln(1-p): convex in p, so each side of its minimum at S/n
 * has exactly one root. */
static double excess(double lmix, double s, double f, double p, double lalpha)
{
    double ll = (s > 0 ? s * log(p) : 0) + (f > 0 ? f * log1p(-p) : 0);
    return lmix - ll + lalpha;
}

/* The root of excess between `out` (outside the set, excess > 0, or the
 * edge 0 or 1) and `in` (inside, excess < 0), which may be either side of
 * each other. Newton with a bisection safeguard: on a convex function
 * Newton steps from outside stay outside and approach the root
 * monotonically, so the bracket's outer end is the answer (a few ulps
 * outside the root: the interval is never too narrow). */
static double root(double lmix, double s, double f, double lalpha, double out, double in)
{
    double x = out + (in - out) / 2;
    for (int i = 0; i < 400; i++) {
        double fx = excess(lmix, s, f, x, lalpha);
        double d = -s / x + f / (1 - x);
        if (fx > 0)
            out = x;
        else
            in = x;
        double mid = out + (in - out) / 2;
        if (mid == out || mid == in)
            break;
        double nx = x - fx / d;
        int inside = out < in ? nx > out && nx < in : nx < out && nx > in;
        if (fx > 0 && inside && fabs(nx - x) <= 4 * DBL_EPSILON * fabs(x))
            break;
        x = inside ? nx : mid;
    }
    return out;
}

pm_status pm_seq_cs_bounds(long n, long s, double alpha, double a, double b, double *low,
                           double *high, pm_error *err)
{
    if (!low || !high)
        return pm_error_set(err, PM_EINVAL, "pm_seq_cs_bounds: no result to write to (NULL)");
    if (n < 0 || s < 0 || s > n)
        return pm_error_set(err, PM_EINVAL,
                            "pm_seq_cs_bounds: %ld agreements of %ld pairs: needs 0 <= S <= n", s,
                            n);
    if (!(alpha > 0 && alpha < 1) || !(a > 0) || !(b > 0) || !isfinite(a) || !isfinite(b))
        return pm_error_set(err, PM_EINVAL,
                            "pm_seq_cs_bounds: needs 0 < alpha < 1 and a prior a, b > 0 (got "
                            "alpha = %.17g, a = %.17g, b = %.17g)",
                            alpha, a, b);
    *low = 0;
    *high = 1;
    if (n == 0)
        return PM_OK;
    const double ds = (double)s, df = (double)(n - s);
    const double lmix = lbeta(a + ds, b + df) - lbeta(a, b), lalpha = log(alpha);
    const double phat = ds / (double)n;
    /* At p = S/n the mixture is at most the maximum likelihood, so
     * excess(phat) <= ln alpha < 0: the set is never empty. */
    if (s > 0)
        *low = root(lmix, ds, df, lalpha, 0, phat);
    if (s < n)
        *high = root(lmix, ds, df, lalpha, 1, phat);
    return PM_OK;
}

pm_status pm_seq_cs_init(pm_seq_cs *cs, double alpha, double a, double b, pm_error *err)
{
    if (!cs)
        return pm_error_set(err, PM_EINVAL, "pm_seq_cs_init: no state (NULL)");
    if (!(alpha > 0 && alpha < 1) || !(a > 0) || !(b > 0) || !isfinite(a) || !isfinite(b))
        return pm_error_set(err, PM_EINVAL,
                            "pm_seq_cs_init: needs 0 < alpha < 1 and a prior a, b > 0 (got "
                            "alpha = %.17g, a = %.17g, b = %.17g)",
                            alpha, a, b);
    *cs = (pm_seq_cs){.alpha = alpha, .a = a, .b = b, .low = 0, .high = 1};
    return PM_OK;
}

pm_status pm_seq_cs_update(pm_seq_cs *cs, long pairs, long agreements, pm_error *err)
{
    if (!cs)
        return pm_error_set(err, PM_EINVAL, "pm_seq_cs_update: no state (NULL)");
    if (pairs < 0 || agreements < 0 || agreements > pairs || pairs > LONG_MAX - cs->n)
        return pm_error_set(err, PM_EINVAL,
                            "pm_seq_cs_update: %ld agreements of %ld pairs: needs 0 <= agreements "
                            "<= pairs",
                            agreements, pairs);
    double lo, hi;
    pm_status rc =
        pm_seq_cs_bounds(cs->n + pairs, cs->s + agreements, cs->alpha, cs->a, cs->b, &lo, &hi, err);
    if (rc != PM_OK)
        return rc;
    cs->n += pairs;
    cs->s += agreements;
    if (lo > cs->low)
        cs->low = lo;
    if (hi < cs->high)
        cs->high = hi;
    if (cs->low > cs->high)
        cs->empty = 1;
    return PM_OK;
}

pm_status pm_seq_cs_eta(const pm_seq_cs *cs, const pm_scheme *sc, double *eta_low, double *eta_high,
                        int *flags, pm_error *err)
{
    if (!cs || !sc || !eta_low || !eta_high || !flags)
        return pm_error_set(err, PM_EINVAL, "pm_seq_cs_eta: a NULL argument");
    const double q0 = pm_scheme_pass(sc, 0), s = pm_scheme_pass(sc, 1);
    *flags = 0;
    *eta_low = *eta_high = NAN;
    if (cs->empty) {
        *flags |= PM_SEQ_CS_EMPTY;
        return PM_OK;
    }
    if (cs->high < q0) {
        *flags |= PM_SEQ_CS_BELOW_CHANCE;
        return PM_OK;
    }
    if (cs->low > s)
        *flags |= PM_SEQ_CS_ABOVE_MODEL;
    double lo = pm_scheme_eta(sc, cs->low), hi = pm_scheme_eta(sc, cs->high);
    *eta_low = lo < 0 ? 0 : lo > 1 ? 1 : lo;
    *eta_high = hi < 0 ? 0 : hi > 1 ? 1 : hi;
    return PM_OK;
}
