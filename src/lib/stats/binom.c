/*
** Binomial and beta distribution functions: validation in front of Rmath.
**
** Rmath (R's nmath, standalone) is accurate to ~1e-13 and works on the log
** scale, but on a domain error it prints to stdout and may exit, so every
** argument is checked here first and invalid ones return NaN.
*/
#include <math.h>

#define MATHLIB_STANDALONE 1
#include <Rmath.h>

#include "prefmon/binom.h"

/* n must be a whole number that a double holds exactly. */
static int bad_n(double n)
{
    return !(n >= 0 && n <= 9007199254740992.0) || n != floor(n);
}

static int bad_p(double p)
{
    return !(p >= 0 && p <= 1);
}

/* The pmf for valid whole x in [0, n]. Loader's saddle-point method (in
 * Rmath) evaluates log1p(-x/n), which cancels when x is close to n: x/n is
 * rounded first, and 1 - x/n keeps only a few of its digits (1e-11
 * relative error at n = 10^6, x = n - 1). The mirror identity
 * b(x; n, p) = b(n - x; n, 1 - p) moves x to the small side; 1 - p is
 * exact for p >= 1/2 (Sterbenz), so mirror only then. For p < 1/2 and
 * x > n/2 the pmf is far out in the tail, where the same absolute error
 * in the log is negligible relative to the log. */
static double dbinom_valid(double x, double n, double p, int give_log)
{
    if (x > n / 2 && p >= 0.5)
        return dbinom(n - x, n, 1 - p, give_log);
    return dbinom(x, n, p, give_log);
}

double pm_dbinom(double x, double n, double p, int give_log)
{
    if (isnan(x) || bad_n(n) || bad_p(p))
        return NAN;
    /* Rmath warns (on stdout) for non-integer x; the pmf is 0 there. */
    if (x < 0 || x > n || x != floor(x))
        return give_log ? -INFINITY : 0.0;
    return dbinom_valid(x, n, p, give_log);
}

/* At most this many terms are summed for a far tail (see small_tail). */
#define TAIL_MAX_TERMS 2000

/*
 * log P(X <= x) (lower) or log P(X > x) (upper) by summing pmf terms from x
 * outwards, when that tail is on the far side of the mode and its terms
 * fall off at least geometrically (ratio <= 0.9, so ~400 terms reach
 * 1e-18). The first term is a pmf accurate to ~1e-15; the others follow by
 * the ratio recurrence in long double (64-bit mantissa: after 400 steps
 * still ~1e-17), and the sum has no cancellation, so the tail is exact to
 * rounding even where the incomplete beta route (Rmath's pbinom -> pbeta)
 * loses ~1e-10 in the log at n = 10^6 — and it costs a few hundred
 * multiplications, not a few hundred pmf evaluations.
 * Returns 1 and sets *out, or 0 when the tail is not of that kind.
 */
static int small_tail(double x, double n, double p, int lower, double *out)
{
    double q = 1 - p;
    double j = lower ? x : x + 1; /* first term */
    double step = lower ? -1 : 1;
    /* ratio of the next term to this one */
    double r = lower ? j * q / ((n - j + 1) * p) : (n - j) * p / ((j + 1) * q);
    if (!(p > 0 && p < 1) || !(r <= 0.9))
        return 0;
    double l0 = dbinom_valid(j, n, p, 1);
    if (l0 == -INFINITY)
        return 0;
    long double sum = 1, term = 1, lp = p, lq = q, ln = n;
    for (int t = 1; t < TAIL_MAX_TERMS; t++) {
        long double lj = j; /* the current term's x */
        if (lower ? j <= 0 : j >= n)
            break;
        term *= lower ? lj * lq / ((ln - lj + 1) * lp) : (ln - lj) * lp / ((lj + 1) * lq);
        j += step;
        sum += term;
        if (term < 1e-20L * sum)
            break;
    }
    *out = l0 + (double)logl(sum);
    return 1;
}

double pm_pbinom(double x, double n, double p, int lower_tail, int log_p)
{
    if (isnan(x) || bad_n(n) || bad_p(p))
        return NAN;
    x = floor(x);
    if (x < 0) /* P(X <= -1) = 0, P(X > -1) = 1 */
        return lower_tail ? (log_p ? -INFINITY : 0.0) : (log_p ? 0.0 : 1.0);
    if (x >= n)
        return lower_tail ? (log_p ? 0.0 : 1.0) : (log_p ? -INFINITY : 0.0);
    double lt;
    if (small_tail(x, n, p, lower_tail, &lt))
        return log_p ? lt : exp(lt);
    return pbinom(x, n, p, lower_tail, log_p);
}

double pm_binom_sf(double k, double n, double p, int log_p)
{
    if (isnan(k))
        return NAN;
    /* P(X >= k) = P(X > k - 1) for integer k; a fractional k means
     * P(X >= ceil(k)). */
    return pm_pbinom(ceil(k) - 1, n, p, 0, log_p);
}

/* log(e^a + e^b) without overflow. */
static double pm__log_add(double a, double b)
{
    if (a == -INFINITY)
        return b;
    if (b == -INFINITY)
        return a;
    return fmax(a, b) + log1p(exp(-fabs(a - b)));
}

/* log(e^a - e^b), a >= b. */
static double pm__log_sub(double a, double b)
{
    if (b == -INFINITY)
        return a;
    if (b >= a)
        return -INFINITY;
    return a + log1p(-exp(b - a));
}

/* Ranges up to this many terms are summed term by term. */
#define RANGE_DIRECT_TERMS 4096.0

/* Through pm_dbinom / pm_pbinom, never Rmath directly, so that the range
 * inherits their accuracy fixes (the mirrored pmf near x = n, the summed
 * far tails). */
double pm_binom_range(double a, double b, double n, double p, int log_p)
{
    if (isnan(a) || isnan(b) || bad_n(n) || bad_p(p))
        return NAN;
    a = fmax(ceil(a), 0);
    b = fmin(floor(b), n);
    if (a > b)
        return log_p ? -INFINITY : 0.0;
    double lr;
    if (b - a + 1 <= RANGE_DIRECT_TERMS) {
        /* Each pmf is accurate to ~1e-15 relative, and a sum of positive
         * terms loses nothing to cancellation. */
        lr = -INFINITY;
        for (double x = a; x <= b; x++)
            lr = pm__log_add(lr, pm_dbinom(x, n, p, 1));
    } else {
        /* P(a <= X <= b) as a difference of two tails. Take the tails on
         * the side of the mean away from the range, so that both are small
         * only when the range sits in one tail: if the range lies above the
         * mean, P(X >= a) - P(X > b) subtracts a small upper tail from a
         * larger one; below the mean use the lower tails; a range spanning
         * the mean is near 1 and 1 - P(X < a) - P(X > b) is well
         * conditioned. */
        double mean = n * p;
        if (a > mean) {
            lr = pm__log_sub(pm_pbinom(a - 1, n, p, 0, 1), pm_pbinom(b, n, p, 0, 1));
        } else if (b < mean) {
            lr = pm__log_sub(pm_pbinom(b, n, p, 1, 1),
                             a > 0 ? pm_pbinom(a - 1, n, p, 1, 1) : -INFINITY);
        } else {
            double lo = a > 0 ? pm_pbinom(a - 1, n, p, 1, 0) : 0.0;
            double hi = b < n ? pm_pbinom(b, n, p, 0, 0) : 0.0;
            lr = log1p(-(lo + hi));
        }
    }
    return log_p ? lr : exp(lr);
}

double pm_qbinom(double prob, double n, double p, int lower_tail, int log_p)
{
    if (isnan(prob) || bad_n(n) || bad_p(p))
        return NAN;
    if (log_p ? prob > 0 : (prob < 0 || prob > 1))
        return NAN;
    /* Bisection on the exact cdf rather than Rmath's qbinom, whose search
     * from a normal start gives up in far tails (it returns n for
     * prob = 1e-300 at n = 10^6, p = 0.999). The lower quantile is the
     * smallest x with P(X <= x) >= prob, the upper the smallest x with
     * P(X > x) <= prob; both conditions are monotone in x and hold at n. */
    double lo = 0, hi = n;
    while (lo < hi) {
        double mid = floor(lo + (hi - lo) / 2);
        double c = pm_pbinom(mid, n, p, lower_tail, log_p);
        int ok = lower_tail ? c >= prob : c <= prob;
        if (ok)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static int bad_shape(double a)
{
    return !(a > 0) || isinf(a);
}

double pm_pbeta(double x, double a, double b, int lower_tail, int log_p)
{
    if (isnan(x) || bad_shape(a) || bad_shape(b))
        return NAN;
    return pbeta(x, a, b, lower_tail, log_p);
}

double pm_qbeta(double prob, double a, double b, int lower_tail, int log_p)
{
    if (isnan(prob) || bad_shape(a) || bad_shape(b))
        return NAN;
    if (log_p ? prob > 0 : (prob < 0 || prob > 1))
        return NAN;
    return qbeta(prob, a, b, lower_tail, log_p);
}

pm_status pm_clopper_pearson(long x, long n, double level, double *lower, double *upper,
                             pm_error *err)
{
    if (!lower || !upper)
        return pm_error_set(err, PM_EINVAL, "pm_clopper_pearson: lower or upper is NULL");
    if (n < 1 || x < 0 || x > n)
        return pm_error_set(err, PM_EINVAL,
                            "x = %ld successes in n = %ld trials: need n >= 1 and 0 <= x <= n", x,
                            n);
    if (!(level > 0 && level < 1))
        return pm_error_set(err, PM_EINVAL,
                            "level = %g: a confidence level lies in (0, 1), e.g. 0.95", level);
    double tail = (1 - level) / 2;
    double dx = (double)x, dn = (double)n;
    /* Lower bound: the p at which P(X >= x | p) = tail, i.e. the tail
     * quantile of Beta(x, n - x + 1); upper: P(X <= x | p) = tail, the upper
     * quantile of Beta(x + 1, n - x). */
    *lower = x == 0 ? 0.0 : qbeta(tail, dx, dn - dx + 1, 1, 0);
    *upper = x == n ? 1.0 : qbeta(tail, dx + 1, dn - dx, 0, 0);
    return PM_OK;
}

double pm_kl_bernoulli(double a, double b)
{
    if (bad_p(a) || bad_p(b))
        return NAN;
    /* Terms with zero weight vanish (0 log 0 = 0); mass where b has none
     * makes the divergence infinite. */
    double kl = 0;
    if (a > 0)
        kl += b > 0 ? a * log(a / b) : INFINITY;
    if (a < 1)
        kl += b < 1 ? (1 - a) * (log1p(-a) - log1p(-b)) : INFINITY;
    return kl;
}

pm_status pm_poisson_binomial(const double *p, size_t count, double *pmf, pm_error *err)
{
    if (count > PM_POIBIN_MAX)
        return pm_error_set(err, PM_ELIMIT,
                            "%zu trials: the exact Poisson-binomial law is computed for at most "
                            "%d (its cost grows as the square)",
                            count, PM_POIBIN_MAX);
    for (size_t i = 0; i < count; i++)
        if (!(p[i] >= 0 && p[i] <= 1))
            return pm_error_set(err, PM_EINVAL, "p[%zu] = %g: a probability lies in [0, 1]", i,
                                p[i]);
    pmf[0] = 1;
    for (size_t i = 0; i < count; i++) {
        /* After trial i, pmf[0..i+1] is the law of the first i + 1 trials;
         * downward so that pmf[k - 1] is still the previous law. */
        double q = 1 - p[i];
        pmf[i + 1] = pmf[i] * p[i];
        for (size_t k = i; k > 0; k--)
            pmf[k] = pmf[k] * q + pmf[k - 1] * p[i];
        pmf[0] *= q;
    }
    return PM_OK;
}
