/*
** Monitoring schemes: pass probabilities, Fisher information, the threshold
** test of H0: eta <= eta0 against H1: eta >= eta1 with its exact error
** rates, sample sizes, effort estimates, and the expert lower bound.
*/
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "prefmon/binom.h"
#include "prefmon/monitor.h"
#include "stats_internal.h"

/* The slope s - q0, written in each convention's own form so that m(eta)
 * matches the textbook formula to the last bit: (1 - delta)/2 for the
 * paper, cbar/2 for the expert. Computing it as s - q0 from a stored s
 * would round (1 + cbar)/2 first and lose the low bits of a small cbar. */
static double slope_of(const pm_scheme *sc)
{
    if (sc->kind == PM_MONITOR_EXPERT)
        return sc->cbar / 2;
    if (sc->convention == PM_CONV_PAPER)
        return (1 - sc->delta) / 2;
    return (1 - sc->delta) - sc->q0;
}

double pm_scheme_agreement(const pm_scheme *sc)
{
    if (sc->kind == PM_MONITOR_EXPERT)
        return (1 + sc->cbar) / 2;
    return sc->convention == PM_CONV_PAPER ? 1 - sc->delta / 2 : 1 - sc->delta;
}

static pm_status bad_scheme_out(pm_error *err, const char *fn)
{
    return pm_error_set(err, PM_EINVAL, "%s: no scheme to write to (out is NULL)", fn);
}

/* Why a self-consistency scheme without signal is refused, in the terms of
 * its convention. */
static pm_status no_signal(pm_error *err, pm_convention conv, double delta, double q0, double s)
{
    if (conv == PM_CONV_PAPER)
        return pm_error_set(err, PM_EINVAL,
                            "delta = %g (paper convention): a careful annotator's repeat "
                            "agreement s = 1 - delta/2 = %g must exceed the chance agreement "
                            "q0 = 1/2, so delta must be < 1",
                            delta, s);
    return pm_error_set(err, PM_EINVAL,
                        "delta = %g and q0 = %g: a careful annotator's repeat agreement s = 1 - "
                        "delta = %g must exceed the chance agreement q0; use delta < 1 - q0 = %g",
                        delta, q0, s, 1 - q0);
}

pm_status pm_scheme_self(pm_scheme *out, pm_convention conv, double delta, double q0, pm_error *err)
{
    if (!out)
        return bad_scheme_out(err, "pm_scheme_self");
    if (!(delta >= 0 && delta <= 1))
        return pm_error_set(err, PM_EINVAL,
                            "delta = %g is outside [0, 1]: it is the probability that a careful "
                            "annotator's two labels of one item differ",
                            delta);
    pm_scheme sc = {.kind = PM_MONITOR_SELF, .convention = conv, .delta = delta, .cbar = 0};
    if (conv == PM_CONV_PAPER) {
        sc.q0 = 0.5;
    } else if (conv == PM_CONV_GENERAL) {
        if (!(q0 > 0 && q0 < 1))
            return pm_error_set(err, PM_EINVAL,
                                "q0 = %g is outside (0, 1): it is the chance that two labels "
                                "given without effort agree",
                                q0);
        sc.q0 = q0;
    } else {
        return pm_error_set(err, PM_EINVAL, "convention %d is neither general (%d) nor paper (%d)",
                            (int)conv, (int)PM_CONV_GENERAL, (int)PM_CONV_PAPER);
    }
    /* A careful annotator must agree with themselves more often than chance,
     * or consistency says nothing about effort. */
    if (!(slope_of(&sc) > 0))
        return no_signal(err, conv, delta, sc.q0, pm_scheme_agreement(&sc));
    *out = sc;
    return PM_OK;
}

pm_status pm_scheme_expert(pm_scheme *out, double cbar, pm_error *err)
{
    if (!out)
        return bad_scheme_out(err, "pm_scheme_expert");
    if (!(cbar > 0 && cbar <= 1))
        return pm_error_set(err, PM_EINVAL,
                            "cbar = %g is outside (0, 1]: an expert with cbar <= 0 carries no "
                            "signal about effort, and cbar = 4 mean (p - 1/2)(pe - 1/2) <= 1",
                            cbar);
    pm_scheme sc = {.kind = PM_MONITOR_EXPERT, .convention = PM_CONV_PAPER, .cbar = cbar};
    sc.q0 = 0.5;
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

/* Item i's probability v is not in [0, 1]. */
static pm_status bad_prob(pm_error *err, const char *what, size_t i, double v)
{
    return pm_error_set(err, PM_EINVAL, "%s %zu (counting from 0) is %g, outside [0, 1]", what, i,
                        v);
}

pm_status pm_cbar(const double *p, const double *pe, size_t count, double *cbar, pm_error *err)
{
    if (!p || !cbar)
        return pm_error_set(err, PM_EINVAL, "pm_cbar: p or cbar is NULL");
    if (count == 0)
        return pm_error_set(err, PM_EINVAL,
                            "no preference probabilities: cbar is a mean over "
                            "at least one item");
    long double sum = 0;
    for (size_t i = 0; i < count; i++) {
        if (!(p[i] >= 0 && p[i] <= 1))
            return bad_prob(err, "preference probability", i, p[i]);
        if (pe) {
            if (!(pe[i] >= 0 && pe[i] <= 1))
                return bad_prob(err, "expert preference probability", i, pe[i]);
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

/* The common checks of the test's arguments; PM_OK or the refusal. */
static pm_status check_test_args(const pm_scheme *sc, double eta0, double eta1, long n,
                                 const void *out, pm_error *err)
{
    if (!sc || !out)
        return pm_error_set(err, PM_EINVAL, "no scheme or no result to write to (NULL)");
    if (!(eta0 >= 0 && eta1 <= 1))
        return pm_error_set(err, PM_EINVAL, "eta0 = %g and eta1 = %g: efforts must lie in [0, 1]",
                            eta0, eta1);
    if (!(eta0 < eta1))
        return pm_error_set(err, PM_EINVAL,
                            "eta0 = %g, eta1 = %g: eta0 must be < eta1 (H0: eta <= eta0 is tested "
                            "against H1: eta >= eta1)",
                            eta0, eta1);
    if (n < 1)
        return pm_error_set(err, PM_EINVAL, "n = %ld: a test needs at least one monitored item", n);
    return PM_OK;
}

static pm_status check_alpha(pm_rule rule, double alpha, pm_error *err)
{
    if (rule != PM_RULE_LR && rule != PM_RULE_LEVEL)
        return pm_error_set(err, PM_EINVAL, "rule %d is neither LR (%d) nor level (%d)", (int)rule,
                            (int)PM_RULE_LR, (int)PM_RULE_LEVEL);
    if (rule == PM_RULE_LEVEL && !(alpha > 0 && alpha < 1))
        return pm_error_set(err, PM_EINVAL, "alpha = %g: a test's level must lie in (0, 1)", alpha);
    return PM_OK;
}

pm_status pm_test_errors(const pm_scheme *sc, double eta0, double eta1, long n, long k,
                         pm_test *out, pm_error *err)
{
    pm_status st = check_test_args(sc, eta0, eta1, n, out, err);
    if (st != PM_OK)
        return st;
    if (k < 0 || k > n + 1)
        return pm_error_set(err, PM_EINVAL,
                            "k = %ld: the threshold of a test on n = %ld items lies in [0, n + 1]",
                            k, n);
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

/* pm_test_design with the request unpacked (the sample-size searches call
 * it for many n). */
static pm_status design(const pm_scheme *sc, double eta0, double eta1, long n, pm_rule rule,
                        double alpha, pm_test *out, pm_error *err)
{
    pm_status st = check_test_args(sc, eta0, eta1, n, out, err);
    if (st == PM_OK)
        st = check_alpha(rule, alpha, err);
    if (st != PM_OK)
        return st;
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

/* One sample-size search: its arguments, its work counter (scan steps and
 * envelope/test evaluations, for the work bound and its test) and where
 * the answer goes. */
typedef struct ss_ctx {
    const pm_scheme *sc;
    double eta0, eta1, alpha, target;
    long max_n, scan_budget, evals;
    pm_test *out;
    pm_error *err;
} ss_ctx;

static pm_status ss_out_of_range(ss_ctx *c, const char *what)
{
    design(c->sc, c->eta0, c->eta1, c->max_n, PM_RULE_LEVEL, c->alpha, c->out, NULL);
    return pm_error_set(c->err, PM_ERANGE, "no n <= max_n = %ld reaches %s <= %g; raise max_n",
                        c->max_n, what, c->target);
}

/* The LR test with threshold 1 minimises type I + type II over all tests
 * (Neyman–Pearson with equal weights), so its error sum is
 * 1 - TV(Bin(n, m0), Bin(n, m1)), and TV can only grow with n (data
 * processing). The error sum is therefore non-increasing in n and
 * bisection finds the exact smallest n in O(log max_n) designs. */
static pm_status samplesize_lr(ss_ctx *c)
{
    pm_test t;
    pm_status st = design(c->sc, c->eta0, c->eta1, c->max_n, PM_RULE_LR, 0, &t, c->err);
    c->evals++;
    if (st != PM_OK)
        return st;
    if (!(t.error_sum <= c->target)) {
        *c->out = t;
        return pm_error_set(c->err, PM_ERANGE,
                            "no n <= max_n = %ld reaches error_sum <= %g (it is %g at n = max_n); "
                            "raise max_n",
                            c->max_n, c->target, t.error_sum);
    }
    long lo = 1, hi = c->max_n;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        design(c->sc, c->eta0, c->eta1, mid, PM_RULE_LR, 0, &t, NULL);
        c->evals++;
        if (t.error_sum <= c->target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return design(c->sc, c->eta0, c->eta1, lo, PM_RULE_LR, 0, c->out, c->err);
}

/* Level rule: the non-randomised test's type II error saw-tooths in n, so
 * bisect on the randomised envelope (monotone, and a lower bound) to skip
 * every n that cannot qualify, then scan upwards. Between consecutive n
 * the critical value grows by 0 or 1, so each step of the scan costs a few
 * tail evaluations. The scan is exact but its length is not bounded a
 * priori (the saw-tooth's depth is O(1/sqrt n), so typically O(sqrt n)
 * steps): past scan_budget steps it stops with PM_ELIMIT rather than give
 * an unchecked answer. */
static pm_status samplesize_level(ss_ctx *c)
{
    double m0 = pm_scheme_pass(c->sc, c->eta0), m1 = pm_scheme_pass(c->sc, c->eta1);
    c->evals++;
    if (!(randomized_type2(m0, m1, c->max_n, c->alpha) <= c->target))
        return ss_out_of_range(c, "type2");
    long lo = 1, hi = c->max_n;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        c->evals++;
        if (randomized_type2(m0, m1, mid, c->alpha) <= c->target)
            hi = mid;
        else
            lo = mid + 1;
    }
    double la = log(c->alpha);
    long k = level_threshold(m0, lo, c->alpha);
    for (long n = lo; n <= c->max_n; n++) {
        if (n - lo >= c->scan_budget)
            return pm_error_set(c->err, PM_ELIMIT,
                                "the exact scan up from the envelope's answer n = %ld used its "
                                "budget of %ld steps (a few binomial tails each) and reached "
                                "n = %ld without a qualifying test; lower max_n or use the LR "
                                "rule",
                                lo, c->scan_budget, n);
        while (pm_binom_sf((double)k, (double)n, m0, 1) > la) {
            k++;
            c->evals++;
        }
        c->evals += 2;
        if (pm_pbinom((double)k - 1, (double)n, m1, 1, 0) <= c->target)
            return pm_test_errors(c->sc, c->eta0, c->eta1, n, k, c->out, c->err);
    }
    return ss_out_of_range(c, "type2");
}

pm_status pmx_samplesize(const pm_scheme *sc, double eta0, double eta1, pm_rule rule, double alpha,
                         double target, long max_n, long scan_budget, long *evals, pm_test *out,
                         pm_error *err)
{
    pm_status st = check_test_args(sc, eta0, eta1, max_n, out, err);
    if (st == PM_OK)
        st = check_alpha(rule, alpha, err);
    if (st == PM_OK && !(target >= 0 && target < 1))
        st = pm_error_set(err, PM_EINVAL,
                          "target = %g: the error to reach must lie in [0, 1) (1 is met by "
                          "any test)",
                          target);
    if (st != PM_OK)
        return st;
    ss_ctx c = {.sc = sc,
                .eta0 = eta0,
                .eta1 = eta1,
                .alpha = alpha,
                .target = target,
                .max_n = max_n,
                .scan_budget = scan_budget,
                .out = out,
                .err = err};
    st = rule == PM_RULE_LR ? samplesize_lr(&c) : samplesize_level(&c);
    if (evals)
        *evals = c.evals;
    return st;
}

void pm_test_request_default(pm_test_request *req)
{
    memset(req, 0, sizeof *req);
    req->eta0 = 0.8;
    req->eta1 = 1;
    req->rule = PM_RULE_LR;
    req->alpha = 0.05;
}

pm_test_request pm_test_request_lr(const pm_scheme *sc, double eta0, double eta1)
{
    pm_test_request r;
    pm_test_request_default(&r);
    r.scheme = sc;
    r.eta0 = eta0;
    r.eta1 = eta1;
    return r;
}

pm_status pm_test_design(const pm_test_request *req, long n, pm_test *out, pm_error *err)
{
    if (!req)
        return pm_error_set(err, PM_EINVAL, "pm_test_design: NULL request");
    return design(req->scheme, req->eta0, req->eta1, n, req->rule, req->alpha, out, err);
}

pm_status pm_samplesize(const pm_test_request *req, double target, long max_n, pm_test *out,
                        pm_error *err)
{
    if (!req)
        return pm_error_set(err, PM_EINVAL, "pm_samplesize: NULL request");
    return pmx_samplesize(req->scheme, req->eta0, req->eta1, req->rule, req->alpha, target, max_n,
                          PM_SAMPLESIZE_SCAN_MAX, NULL, out, err);
}

static double clip01(double x)
{
    return x < 0 ? 0 : (x > 1 ? 1 : x);
}

pm_status pm_estimate_effort(const pm_scheme *sc, long n, long x, double level, double eta0,
                             pm_estimate *out, pm_error *err)
{
    if (!sc || !out)
        return pm_error_set(err, PM_EINVAL, "pm_estimate_effort: sc or out is NULL");
    if (n < 1 || x < 0 || x > n)
        return pm_error_set(err, PM_EINVAL,
                            "x = %ld passes out of n = %ld items: need n >= 1 and 0 <= x <= n", x,
                            n);
    if (!(eta0 >= 0 && eta0 <= 1))
        return pm_error_set(err, PM_EINVAL, "eta0 = %g: an effort lies in [0, 1]", eta0);
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
    if (!p || !kl)
        return pm_error_set(err, PM_EINVAL, "pm_expert_kl: p or kl is NULL");
    if (count == 0)
        return pm_error_set(err, PM_EINVAL,
                            "no preference probabilities: the KL is a mean over at least one item");
    if (!(eta0 >= 0 && eta0 <= 1) || !(eta1 >= 0 && eta1 <= 1))
        return pm_error_set(err, PM_EINVAL, "eta0 = %g and eta1 = %g: efforts must lie in [0, 1]",
                            eta0, eta1);
    long double sum = 0;
    for (size_t i = 0; i < count; i++) {
        if (!(p[i] >= 0 && p[i] <= 1))
            return bad_prob(err, "preference probability", i, p[i]);
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
    if (!n)
        return pm_error_set(err, PM_EINVAL, "pm_expert_bound_samplesize: n is NULL");
    if (!(kl >= 0) || !(target >= 0 && target < 1) || max_n < 1)
        return pm_error_set(err, PM_EINVAL,
                            "kl = %g, target = %g, max_n = %ld: need kl >= 0, target in [0, 1) "
                            "and max_n >= 1",
                            kl, target, max_n);
    /* Both bounds decrease in n, so their maximum does: bisect. */
    if (!(pm_expert_lower_bound(kl, (double)max_n) <= target))
        return pm_error_set(err, PM_ERANGE,
                            "no n <= %ld brings the lower bound on the error sum down to %g "
                            "(it is %g at n = %ld)",
                            max_n, target, pm_expert_lower_bound(kl, (double)max_n), max_n);
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
