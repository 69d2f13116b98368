/*
** Monitoring schemes: pass probabilities, Fisher information, the threshold
** test of H0: eta <= eta0 against H1: eta >= eta1 with its exact error
** rates, sample sizes, effort estimates, and the expert lower bound.
*/
#include <math.h>
#include <stddef.h>

#include "prefmon/binom.h"
#include "prefmon/monitor.h"

/* The slope s - q0, written in each convention's own form so that m(eta)
 * matches the textbook formula to the last bit: (1 - delta)/2 for the
 * paper, cbar/2 for the expert. */
static double slope_of(const pm_scheme *sc)
{
    if (sc->kind == PM_MONITOR_EXPERT)
        return sc->cbar / 2;
    if (sc->convention == PM_CONV_PAPER)
        return (1 - sc->delta) / 2;
    return (1 - sc->delta) - sc->q0;
}

pm_status pm_scheme_self(pm_scheme *out, pm_convention conv, double delta, double q0, pm_error *err)
{
    if (!out || !(delta >= 0 && delta <= 1))
        return PM_EINVAL;
    pm_scheme sc = {.kind = PM_MONITOR_SELF, .convention = conv, .delta = delta, .cbar = 0};
    if (conv == PM_CONV_PAPER) {
        sc.q0 = 0.5;
        sc.s = 1 - delta / 2;
    } else if (conv == PM_CONV_GENERAL) {
        if (!(q0 > 0 && q0 < 1))
            return PM_EINVAL;
        sc.q0 = q0;
        sc.s = 1 - delta;
    } else {
        return PM_EINVAL;
    }
    /* A careful annotator must agree with themselves more often than chance,
     * or consistency says nothing about effort. */
    if (!(slope_of(&sc) > 0))
        return PM_EINVAL;
    *out = sc;
    return PM_OK;
}

pm_status pm_scheme_expert(pm_scheme *out, double cbar, pm_error *err)
{
    if (!out || !(cbar > 0 && cbar <= 1))
        return PM_EINVAL;
    pm_scheme sc = {.kind = PM_MONITOR_EXPERT, .convention = PM_CONV_PAPER, .cbar = cbar};
    sc.q0 = 0.5;
    sc.s = (1 + cbar) / 2;
    *out = sc;
    return PM_OK;
}

const char *pm_monitor_name(pm_monitor_kind kind)
{
    return kind == PM_MONITOR_EXPERT ? "expert" : "self";
}

const char *pm_convention_name(pm_convention conv)
{
    return conv == PM_CONV_PAPER ? "paper" : "general";
}

double pm_scheme_pass(const pm_scheme *sc, double eta)
{
    return sc->q0 + eta * slope_of(sc);
}

double pm_scheme_slope(const pm_scheme *sc)
{
    return slope_of(sc);
}

double pm_scheme_c(const pm_scheme *sc)
{
    return 2 * slope_of(sc);
}

double pm_scheme_fisher(const pm_scheme *sc, double eta)
{
    double m = pm_scheme_pass(sc, eta), d = slope_of(sc);
    if (!(m > 0 && m < 1))
        return INFINITY;
    return d * d / (m * (1 - m));
}

double pm_scheme_eta(const pm_scheme *sc, double m)
{
    return (m - sc->q0) / slope_of(sc);
}

pm_status pm_cbar(const double *p, const double *pe, size_t count, double *cbar, pm_error *err)
{
    if (!p || !cbar || count == 0)
        return PM_EINVAL;
    long double sum = 0;
    for (size_t i = 0; i < count; i++) {
        if (!(p[i] >= 0 && p[i] <= 1))
            return PM_EINVAL;
        if (pe) {
            if (!(pe[i] >= 0 && pe[i] <= 1))
                return PM_EINVAL;
            sum += 4.0L * (p[i] - 0.5L) * (pe[i] - 0.5L);
        } else {
            /* Majority-side expert: pe = 1{p >= 1/2}, so 4(p-1/2)(pe-1/2)
             * = 2|p - 1/2|. */
            sum += 2.0L * fabsl(p[i] - 0.5L);
        }
    }
    *cbar = (double)(sum / (long double)count);
    return PM_OK;
}

/* ---- the threshold test ------------------------------------------------ */

static int bad_etas(double eta0, double eta1)
{
    return !(eta0 >= 0 && eta0 < eta1 && eta1 <= 1);
}

pm_status pm_test_errors(const pm_scheme *sc, double eta0, double eta1, long n, long k,
                         pm_test *out, pm_error *err)
{
    if (!sc || !out || bad_etas(eta0, eta1) || n < 1 || k < 0 || k > n + 1)
        return PM_EINVAL;
    pm_test t = {.n = n, .k = k, .eta0 = eta0, .eta1 = eta1};
    t.m0 = pm_scheme_pass(sc, eta0);
    t.m1 = pm_scheme_pass(sc, eta1);
    double dn = (double)n, dk = (double)k;
    /* Both errors are tails taken directly on their own side (upper under
     * m0, lower under m1): never 1 - (something near 1). */
    t.log_type1 = pm_binom_sf(dk, dn, t.m0, 1);
    t.log_type2 = pm_pbinom(dk - 1, dn, t.m1, 1, 1);
    t.type1 = exp(t.log_type1);
    t.type2 = exp(t.log_type2);
    t.error_sum = t.type1 + t.type2;
    *out = t;
    return PM_OK;
}

/* Does x favour H1, P(x | m1) >= P(x | m0)? The log-likelihood ratio is
 * x B - (n - x) A; a tie counts for H1 up to 1e-12 of the terms' magnitude,
 * far above the rounding of A and B and far below any real difference. */
static int favours_h1(double x, double n, double A, double B)
{
    return x * B - (n - x) * A >= -1e-12 * (x * B + (n - x) * A);
}

/* Smallest x with P(x | m1) >= P(x | m0), m0 < m1. The ratio is increasing
 * in x, so this is a threshold. Exact ties (LR = 1) go to H1, as in the
 * authors' code. */
static long lr_threshold(double m0, double m1, long n)
{
    if (m0 <= 0)
        return 1; /* any pass is impossible under H0 */
    if (m1 >= 1)
        return n;                       /* only a perfect record is possible under H1 */
    double A = log1p(-m0) - log1p(-m1); /* > 0 */
    double B = log(m1) - log(m0);       /* > 0 */
    double dn = (double)n;
    double k = fmin(fmax(ceil(dn * A / (A + B)), 0), dn);
    /* At most a step or two either way: fix the rounding of the ceil. */
    while (k > 0 && favours_h1(k - 1, dn, A, B))
        k--;
    while (k <= dn && !favours_h1(k, dn, A, B))
        k++;
    return (long)k;
}

/* Smallest k in [0, n+1] with P(X >= k | m0) <= alpha (monotone: bisect). */
static long level_threshold(double m0, long n, double alpha)
{
    long lo = 0, hi = n + 1; /* P(X >= n+1) = 0 <= alpha */
    double la = log(alpha);
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (pm_binom_sf((double)mid, (double)n, m0, 1) <= la)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

pm_status pm_test_design(const pm_scheme *sc, double eta0, double eta1, long n, pm_rule rule,
                         double alpha, pm_test *out, pm_error *err)
{
    if (!sc || !out || bad_etas(eta0, eta1) || n < 1)
        return PM_EINVAL;
    if (rule == PM_RULE_LEVEL && !(alpha > 0 && alpha < 1))
        return PM_EINVAL;
    double m0 = pm_scheme_pass(sc, eta0), m1 = pm_scheme_pass(sc, eta1);
    long k = rule == PM_RULE_LEVEL ? level_threshold(m0, n, alpha) : lr_threshold(m0, m1, n);
    return pm_test_errors(sc, eta0, eta1, n, k, out, err);
}

/* Type II error of the randomised most powerful level-alpha test: reject
 * for X >= k, and with probability gamma at X = k - 1, gamma chosen so
 * that the level is exactly alpha. It is non-increasing in n (more data
 * cannot make the best test worse) and never above the non-randomised
 * test's, so it is an exact lower envelope for the sample-size search. */
static double randomized_type2(double m0, double m1, long n, double alpha)
{
    long k = level_threshold(m0, n, alpha);
    double dn = (double)n, dk = (double)k;
    double t1 = pm_binom_sf(dk, dn, m0, 0);
    double p0 = pm_dbinom(dk - 1, dn, m0, 0);
    double gamma = p0 > 0 ? (alpha - t1) / p0 : 0;
    if (gamma > 1)
        gamma = 1;
    if (gamma < 0)
        gamma = 0;
    return pm_pbinom(dk - 1, dn, m1, 1, 0) - gamma * pm_dbinom(dk - 1, dn, m1, 0);
}

pm_status pm_samplesize(const pm_scheme *sc, double eta0, double eta1, pm_rule rule, double alpha,
                        double target, long max_n, pm_test *out, pm_error *err)
{
    if (!sc || !out || bad_etas(eta0, eta1) || max_n < 1 || !(target >= 0 && target < 1))
        return PM_EINVAL;
    if (rule == PM_RULE_LEVEL && !(alpha > 0 && alpha < 1))
        return PM_EINVAL;
    pm_test t;
    pm_status st;
    if (rule == PM_RULE_LR) {
        /* The LR test with threshold 1 minimises type I + type II over all
         * tests (Neyman–Pearson with equal weights), so its error sum is
         * 1 - TV(Bin(n, m0), Bin(n, m1)), and TV can only grow with n
         * (data processing). The error sum is therefore non-increasing in
         * n and bisection finds the exact smallest n. */
        st = pm_test_design(sc, eta0, eta1, max_n, rule, alpha, &t, err);
        if (st != PM_OK)
            return st;
        if (!(t.error_sum <= target)) {
            *out = t;
            return PM_ERANGE;
        }
        long lo = 1, hi = max_n;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            pm_test_design(sc, eta0, eta1, mid, rule, alpha, &t, NULL);
            if (t.error_sum <= target)
                hi = mid;
            else
                lo = mid + 1;
        }
        return pm_test_design(sc, eta0, eta1, lo, rule, alpha, out, err);
    }
    /* Level rule: the non-randomised test's type II error saw-tooths in n,
     * so bisect on the randomised envelope (monotone, and a lower bound)
     * to skip every n that cannot qualify, then scan upwards. Between
     * consecutive n the critical value grows by 0 or 1, so each step of
     * the scan costs a few tail evaluations. */
    double m0 = pm_scheme_pass(sc, eta0), m1 = pm_scheme_pass(sc, eta1);
    if (!(randomized_type2(m0, m1, max_n, alpha) <= target)) {
        pm_test_design(sc, eta0, eta1, max_n, rule, alpha, out, NULL);
        return PM_ERANGE;
    }
    long lo = 1, hi = max_n;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (randomized_type2(m0, m1, mid, alpha) <= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    double la = log(alpha);
    long k = level_threshold(m0, lo, alpha);
    for (long n = lo; n <= max_n; n++) {
        while (pm_binom_sf((double)k, (double)n, m0, 1) > la)
            k++;
        if (pm_pbinom((double)k - 1, (double)n, m1, 1, 0) <= target)
            return pm_test_errors(sc, eta0, eta1, n, k, out, err);
    }
    pm_test_design(sc, eta0, eta1, max_n, rule, alpha, out, NULL);
    return PM_ERANGE;
}

static double clip01(double x)
{
    return x < 0 ? 0 : (x > 1 ? 1 : x);
}

pm_status pm_estimate_effort(const pm_scheme *sc, long n, long x, double level, double eta0,
                             pm_estimate *out, pm_error *err)
{
    if (!sc || !out || n < 1 || x < 0 || x > n || !(level > 0 && level < 1) ||
        !(eta0 >= 0 && eta0 <= 1))
        return PM_EINVAL;
    pm_estimate e = {.n = n, .x = x, .level = level, .eta0 = eta0};
    e.m_hat = (double)x / (double)n;
    pm_status st = pm_clopper_pearson(x, n, level, &e.m_low, &e.m_high, err);
    if (st != PM_OK)
        return st;
    /* m is increasing in eta, so the interval maps endpoint to endpoint. */
    e.eta_hat = clip01(pm_scheme_eta(sc, e.m_hat));
    e.eta_low = clip01(pm_scheme_eta(sc, e.m_low));
    e.eta_high = clip01(pm_scheme_eta(sc, e.m_high));
    e.p_value = pm_binom_sf((double)x, (double)n, pm_scheme_pass(sc, eta0), 0);
    *out = e;
    return PM_OK;
}

/* ---- expert lower bound ------------------------------------------------ */

static double clip_prob(double q)
{
    return q < 1e-4 ? 1e-4 : (q > 1 - 1e-4 ? 1 - 1e-4 : q);
}

pm_status pm_expert_kl(const double *p, size_t count, double eta0, double eta1, double *kl,
                       pm_error *err)
{
    if (!p || !kl || count == 0 || !(eta0 >= 0 && eta0 <= 1) || !(eta1 >= 0 && eta1 <= 1))
        return PM_EINVAL;
    long double sum = 0;
    for (size_t i = 0; i < count; i++) {
        if (!(p[i] >= 0 && p[i] <= 1))
            return PM_EINVAL;
        double a = clip_prob(0.5 + eta0 * (p[i] - 0.5));
        double b = clip_prob(0.5 + eta1 * (p[i] - 0.5));
        sum += pm_kl_bernoulli(a, b);
    }
    *kl = (double)(sum / (long double)count);
    return PM_OK;
}

double pm_expert_lower_bound(double kl, double n)
{
    if (!(kl >= 0) || !(n >= 0))
        return NAN;
    double x = n * kl;
    double pinsker = 1 - sqrt(x / 2);
    /* Bretagnolle–Huber: 1 - sqrt(1 - e^{-x}), rewritten as
     * e^{-x} / (1 + sqrt(1 - e^{-x})) so that neither small x (1 - e^{-x}
     * cancels: expm1) nor large x (1 - sqrt(~1) cancels) loses digits. */
    double bh = exp(-x) / (1 + sqrt(-expm1(-x)));
    double lb = fmax(pinsker, bh);
    return lb > 0 ? lb : 0;
}

double pm_expert_lower_bound_paper(double kl, double n)
{
    if (!(kl >= 0) || !(n >= 0))
        return NAN;
    return 0.5 * exp(-n * kl);
}

pm_status pm_expert_bound_samplesize(double kl, double target, long max_n, long *n, pm_error *err)
{
    if (!n || !(kl >= 0) || !(target >= 0 && target < 1) || max_n < 1)
        return PM_EINVAL;
    /* Both bounds decrease in n, so their maximum does: bisect. */
    if (!(pm_expert_lower_bound(kl, (double)max_n) <= target))
        return PM_ERANGE;
    long lo = 1, hi = max_n;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (pm_expert_lower_bound(kl, (double)mid) <= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    *n = lo;
    return PM_OK;
}
