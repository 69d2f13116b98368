/* monitor: every statistic against brute-force enumeration over x and n in
 * long double, or a closed form.
 *
 * Where the tolerances come from: 1e-16 / 1e-15 absolute on values <= 1 is
 * one or a few roundings (eps = 2.2e-16) of a closed form; 1e-12 relative
 * is the accuracy binom.h documents for every tail; 1e-13 / 1e-14 absolute
 * is for values through one Rmath beta quantile (Clopper-Pearson), good to
 * ~1e-14; 1e-8 on a log of size 1e5 is 1e-13 relative. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/binom.h"
#include "prefmon/monitor.h"
#include "stats/stats_internal.h"
#include "test_request_util.h"

static long double pmf_ld(int x, int n, long double p)
{
    long double c = 1;
    for (int i = 1; i <= x; i++)
        c = c * (n - x + i) / i;
    return c * powl(p, x) * powl(1 - p, n - x);
}

static void test_schemes(void **state)
{
    (void)state;
    pm_scheme sc;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.9, NULL), PM_OK);
    assert_true(fabs(pm_scheme_pass(&sc, 0.8) - (1 + 0.98 * 0.8) / 2) < 1e-16);
    assert_true(fabs(pm_scheme_c(&sc) - 0.98) < 1e-16);
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.02, 0.5, NULL), PM_OK);
    assert_true(fabs(pm_scheme_pass(&sc, 1) - 0.98) < 1e-16);
    assert_true(fabs(pm_scheme_pass(&sc, 0) - 0.5) < 1e-16);
    /* K = 4 categories with equal shares: chance agreement 1/4. */
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.1, 0.25, NULL), PM_OK);
    assert_true(fabs(pm_scheme_pass(&sc, 0.5) - (0.25 + 0.5 * 0.65)) < 1e-15);
    double m = pm_scheme_pass(&sc, 0.3);
    assert_true(fabs(pm_scheme_fisher(&sc, 0.3) - 0.65 * 0.65 / (m * (1 - m))) < 1e-13);
    assert_true(fabs(pm_scheme_eta(&sc, m) - 0.3) < 1e-15);
    /* delta = 0 and eta = 1: the careful annotator always agrees. */
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0, 0.5, NULL), PM_OK);
    assert_true(isinf(pm_scheme_fisher(&sc, 1)));
    /* Uninformative or invalid schemes are refused. */
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.5, 0.5, NULL), PM_EINVAL);
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.1, 0, NULL), PM_EINVAL);
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_PAPER, 1, 0.5, NULL), PM_EINVAL);
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_PAPER, -0.1, 0.5, NULL), PM_EINVAL);
    assert_int_equal(pm_scheme_expert(&sc, 0, NULL), PM_EINVAL);
    assert_int_equal(pm_scheme_expert(&sc, 0.3, NULL), PM_OK);
    assert_true(fabs(pm_scheme_pass(&sc, 0.5) - 0.575) < 1e-16);
    /* s is derived, not stored: (1 + cbar)/2, 1 - delta/2, 1 - delta, each
     * equal to m(1) up to the rounding of q0 + slope */
    assert_true(pm_scheme_agreement(&sc) == (1 + 0.3) / 2);
    assert_true(fabs(pm_scheme_pass(&sc, 1) - 0.65) < 1e-16);
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL), PM_OK);
    assert_true(pm_scheme_agreement(&sc) == 1 - 0.02 / 2);
    assert_true(fabs(pm_scheme_pass(&sc, 1) - 0.99) < 1e-16);
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.1, 0.25, NULL), PM_OK);
    assert_true(pm_scheme_agreement(&sc) == 1 - 0.1);
    assert_true(fabs(pm_scheme_pass(&sc, 1) - 0.9) < 1e-16);
}

/* Brute force: k = smallest x with P(x|m1) >= P(x|m0); errors by summing. */
static void brute_lr(int n, long double m0, long double m1, int *k, long double *t1,
                     long double *t2, long double *min_sum)
{
    *k = n + 1;
    for (int x = 0; x <= n; x++) {
        if (pmf_ld(x, n, m1) >= pmf_ld(x, n, m0)) {
            *k = x;
            break;
        }
    }
    *t1 = *t2 = *min_sum = 0;
    for (int x = 0; x <= n; x++) {
        long double p0 = pmf_ld(x, n, m0), p1 = pmf_ld(x, n, m1);
        if (x >= *k)
            *t1 += p0;
        else
            *t2 += p1;
        *min_sum += p0 < p1 ? p0 : p1; /* 1 - TV */
    }
}

static void test_lr_test_bruteforce(void **state)
{
    (void)state;
    static const double etas[][2] = {{0, 1}, {0.5, 0.9}, {0.8, 1}, {0.8, 0.95}, {0.2, 0.3}};
    static const double deltas[] = {0, 0.02, 0.2};
    for (int conv = 0; conv < 2; conv++) {
        for (size_t d = 0; d < 3; d++) {
            pm_scheme sc;
            assert_int_equal(pm_scheme_self(&sc, (pm_convention)conv, deltas[d], 0.5, NULL), PM_OK);
            for (size_t e = 0; e < 5; e++) {
                for (int n = 1; n <= 80; n += (n < 10 ? 1 : 13)) {
                    pm_test t;
                    assert_int_equal(
                        design(&sc, etas[e][0], etas[e][1], n, PM_RULE_LR, 0, &t, NULL), PM_OK);
                    int k;
                    long double t1, t2, ms;
                    brute_lr(n, t.m0, t.m1, &k, &t1, &t2, &ms);
                    if (t.k != k)
                        fail_msg("n=%d m0=%.17g m1=%.17g: k=%ld want %d", n, t.m0, t.m1, t.k, k);
                    assert_true(fabs(t.type1 - (double)t1) <= 1e-12 * (double)t1 + 1e-300);
                    assert_true(fabs(t.type2 - (double)t2) <= 1e-12 * (double)t2 + 1e-300);
                    /* The LR test attains the minimum error sum 1 - TV. */
                    assert_true(fabs(t.error_sum - (double)ms) <= 1e-12);
                }
            }
        }
    }
}

static void test_edge_eta1_one_delta_zero(void **state)
{
    (void)state;
    pm_scheme sc;
    pm_scheme_self(&sc, PM_CONV_GENERAL, 0, 0.5, NULL);
    pm_test t;
    assert_int_equal(design(&sc, 0.8, 1, 50, PM_RULE_LR, 0, &t, NULL), PM_OK);
    assert_int_equal(t.k, 50);
    assert_true(t.type2 == 0);
    assert_true(fabs(t.type1 - pow(0.9, 50)) < 1e-14);
    /* At n = 10^6 the type I error 0.9^1e6 underflows; its log does not. */
    assert_int_equal(design(&sc, 0.8, 1, 1000000, PM_RULE_LR, 0, &t, NULL), PM_OK);
    assert_true(t.type1 == 0);
    assert_true(fabs(t.log_type1 - 1e6 * log(0.9)) < 1e-8);
}

static void test_level_rule(void **state)
{
    (void)state;
    pm_scheme sc;
    pm_scheme_self(&sc, PM_CONV_PAPER, 0.1, 0.5, NULL);
    for (int n = 1; n <= 60; n += 3) {
        pm_test t;
        assert_int_equal(design(&sc, 0.5, 0.9, n, PM_RULE_LEVEL, 0.05, &t, NULL), PM_OK);
        /* smallest k with P(X >= k | m0) <= alpha, by enumeration */
        long double tail = 0;
        int k = n + 1;
        for (int x = n; x >= 0; x--) {
            tail += pmf_ld(x, n, t.m0);
            if (tail > 0.05L)
                break;
            k = x;
        }
        assert_int_equal(t.k, k);
        assert_true(t.type1 <= 0.05);
    }
    pm_test t;
    assert_int_equal(design(&sc, 0.5, 0.9, 10, PM_RULE_LEVEL, 0, &t, NULL), PM_EINVAL);
    assert_int_equal(design(&sc, 0.9, 0.5, 10, PM_RULE_LR, 0, &t, NULL), PM_EINVAL);
    assert_int_equal(design(&sc, 0.5, 0.9, 0, PM_RULE_LR, 0, &t, NULL), PM_EINVAL);
}

/* Sample sizes against a scan over every n from 1. */
static void test_samplesize_scan(void **state)
{
    (void)state;
    pm_scheme sc;
    pm_scheme_self(&sc, PM_CONV_GENERAL, 0.05, 0.5, NULL);
    static const double targets[] = {0.3, 0.1, 0.05, 0.01};
    for (int rule = 0; rule < 2; rule++) {
        for (size_t i = 0; i < 4; i++) {
            long want = -1;
            for (long n = 1; n <= 3000 && want < 0; n++) {
                pm_test t;
                design(&sc, 0.6, 0.9, n, (pm_rule)rule, 0.05, &t, NULL);
                double e = rule == PM_RULE_LR ? t.error_sum : t.type2;
                if (e <= targets[i])
                    want = n;
            }
            assert_true(want > 0);
            pm_test got;
            assert_int_equal(
                samplesize(&sc, 0.6, 0.9, (pm_rule)rule, 0.05, targets[i], 100000, &got, NULL),
                PM_OK);
            if (got.n != want)
                fail_msg("rule %d target %g: n=%ld want %ld", rule, targets[i], got.n, want);
        }
    }
    pm_test got;
    assert_int_equal(samplesize(&sc, 0.6, 0.9, PM_RULE_LR, 0, 1e-9, 50, &got, NULL), PM_ERANGE);
    assert_int_equal(got.n, 50);
}

static void test_estimate(void **state)
{
    (void)state;
    pm_scheme sc;
    pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL);
    pm_estimate e;
    assert_int_equal(pm_estimate_effort(&sc, 100, 90, 0.95, 0.8, &e, NULL), PM_OK);
    assert_true(fabs(e.eta_hat - (0.9 - 0.5) / 0.49) < 1e-15);
    double lo, hi;
    pm_clopper_pearson(90, 100, 0.95, &lo, &hi, NULL);
    assert_true(fabs(e.eta_low - (lo - 0.5) / 0.49) < 1e-14);
    assert_true(fabs(e.eta_high - fmin(1, (hi - 0.5) / 0.49)) < 1e-14);
    long double pv = 0;
    for (int x = 90; x <= 100; x++)
        pv += pmf_ld(x, 100, 0.5L + 0.8L * 0.49L);
    assert_true(fabs(e.p_value - (double)pv) < 1e-13);
    assert_int_equal(pm_estimate_effort(&sc, 100, 99, 0.95, 0.8, &e, NULL), PM_OK);
    assert_true(e.eta_high == 1); /* (hi - 0.5)/0.49 > 1 is clipped */
    assert_int_equal(pm_estimate_effort(&sc, 100, 30, 0.95, 0, &e, NULL), PM_OK);
    assert_true(e.eta_hat == 0 && e.eta_low == 0);
    assert_int_equal(pm_estimate_effort(&sc, 10, 11, 0.95, 0, &e, NULL), PM_EINVAL);
}

static void test_cbar_and_bound(void **state)
{
    (void)state;
    const double p[] = {0.5, 0.9, 0.2, 0.75};
    const double pe[] = {1, 1, 0, 0.5};
    double c;
    assert_int_equal(pm_cbar(p, NULL, 4, &c, NULL), PM_OK);
    assert_true(fabs(c - 2 * (0 + 0.4 + 0.3 + 0.25) / 4) < 1e-15);
    assert_int_equal(pm_cbar(p, pe, 4, &c, NULL), PM_OK);
    assert_true(fabs(c - 4 * (0 + 0.4 * 0.5 + 0.3 * 0.5 + 0) / 4) < 1e-15);
    assert_int_equal(pm_cbar(p, NULL, 0, &c, NULL), PM_EINVAL);
    double kl;
    const double q[] = {0.9, 1.0};
    assert_int_equal(pm_expert_kl(q, 2, 0.8, 1, &kl, NULL), PM_OK);
    /* p = 1 and eta1 = 1 gives probability 1, clipped to 1 - 1e-4. */
    double a1 = 0.5 + 0.8 * 0.4, b1 = 0.9, a2 = 0.9, b2 = 1 - 1e-4;
    double want = (a1 * log(a1 / b1) + (1 - a1) * log((1 - a1) / (1 - b1)) + a2 * log(a2 / b2) +
                   (1 - a2) * log((1 - a2) / (1 - b2))) /
                  2;
    assert_true(fabs(kl - want) < 1e-14);
    /* The bound: closed form at a few n, monotone, and its sample size. */
    for (double n = 1; n < 1e4; n *= 3) {
        double x = n * kl;
        double lb = fmax(0, fmax(1 - sqrt(x / 2), 1 - sqrt(1 - exp(-x))));
        assert_true(fabs(pm_expert_lower_bound(kl, n) - lb) < 1e-12);
        assert_true(fabs(pm_expert_lower_bound_paper(kl, n) - 0.5 * exp(-x)) < 1e-15);
    }
    /* Far out the bound is tiny but must stay accurate: 1 - sqrt(1 - e^-x)
     * = e^-x/2 + e^-2x/8 + ..., so at x = 50 it is e^-50/2 to 1e-21. A naive
     * 1 - sqrt(-expm1(-x)) returns 0 here (and 1.1e-16 at x ~ 37, above
     * the true value: not a lower bound at all). */
    assert_true(fabs(pm_expert_lower_bound(0.5, 100) / (0.5 * exp(-50.0)) - 1) < 1e-13);
    assert_true(fabs(pm_expert_lower_bound(1.0, 37) / (0.5 * exp(-37.0)) - 1) < 1e-13);
    long nb;
    assert_int_equal(pm_expert_bound_samplesize(kl, 0.1, 1000000, &nb, NULL), PM_OK);
    assert_true(pm_expert_lower_bound(kl, (double)nb) <= 0.1);
    assert_true(pm_expert_lower_bound(kl, (double)nb - 1) > 0.1);
    assert_int_equal(pm_expert_bound_samplesize(0, 0.1, 1000, &nb, NULL), PM_ERANGE);
}

/* A failing call fills err with its status and this exact text; a
 * succeeding one leaves err as it was. */
static void expect_err(pm_status got, const pm_error *e, pm_status want, const char *text)
{
    assert_int_equal(got, want);
    assert_int_equal(e->code, want);
    assert_string_equal(e->text, text);
}

static void test_error_messages(void **state)
{
    (void)state;
    pm_scheme sc;
    pm_error e = {0};
    expect_err(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.6, 0.5, &e), &e, PM_EINVAL,
               "delta = 0.6 and q0 = 0.5: a careful annotator's repeat agreement s = 1 - delta = "
               "0.4 must exceed the chance agreement q0; use delta < 1 - q0 = 0.5");
    expect_err(pm_scheme_self(&sc, PM_CONV_PAPER, 1, 0.5, &e), &e, PM_EINVAL,
               "delta = 1 (paper convention): a careful annotator's repeat agreement s = 1 - "
               "delta/2 = 0.5 must exceed the chance agreement q0 = 1/2, so delta must be < 1");
    expect_err(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.1, 1, &e), &e, PM_EINVAL,
               "q0 = 1 is outside (0, 1): it is the chance that two labels given without effort "
               "agree");
    expect_err(pm_scheme_expert(&sc, 0, &e), &e, PM_EINVAL,
               "cbar = 0 is outside (0, 1]: an expert with cbar <= 0 carries no signal about "
               "effort, and cbar = 4 mean (p - 1/2)(pe - 1/2) <= 1");
    /* success leaves err alone */
    pm_error keep = e;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.05, 0.5, &e), PM_OK);
    assert_memory_equal(&keep, &e, sizeof e);
    pm_test t;
    expect_err(design(&sc, 0.9, 0.5, 10, PM_RULE_LR, 0, &t, &e), &e, PM_EINVAL,
               "eta0 = 0.9, eta1 = 0.5: eta0 must be < eta1 (H0: eta <= eta0 is tested against "
               "H1: eta >= eta1)");
    expect_err(design(&sc, 0.5, 0.9, 10, PM_RULE_LEVEL, 1, &t, &e), &e, PM_EINVAL,
               "alpha = 1: a test's level must lie in (0, 1)");
    expect_err(samplesize(&sc, 0.6, 0.9, PM_RULE_LEVEL, 0.05, 1e-9, 50, &t, &e), &e, PM_ERANGE,
               "no n <= max_n = 50 reaches type2 <= 1e-09; raise max_n");
    pm_estimate est;
    expect_err(pm_estimate_effort(&sc, 10, 11, 0.95, 0.5, &est, &e), &e, PM_EINVAL,
               "x = 11 passes out of n = 10 items: need n >= 1 and 0 <= x <= n");
    expect_err(pm_estimate_effort(&sc, 10, 5, 1.5, 0.5, &est, &e), &e, PM_EINVAL,
               "level = 1.5: a confidence level lies in (0, 1), e.g. 0.95");
    static const double p[] = {0.7, 1.5};
    double v;
    expect_err(pm_cbar(p, NULL, 2, &v, &e), &e, PM_EINVAL,
               "preference probability 1 (counting from 0) is 1.5, outside [0, 1]");
    expect_err(pm_expert_kl(p, 0, 0.5, 1, &v, &e), &e, PM_EINVAL,
               "no preference probabilities: the KL is a mean over at least one item");
}

/* Bounded work at max_n = 1e9 (issue 6: the level rule's scan once went n
 * by n). The LR rule bisects: 1 + ceil(log2 1e9) = 31 designs at most. The
 * level rule bisects the envelope (31) and then scans; the scan's answer
 * must equal the plain search's, and a budget of one step must refuse
 * (PM_ELIMIT) exactly when the answer lies above the envelope's. */
static void test_samplesize_work(void **state)
{
    (void)state;
    pm_scheme sc;
    pm_scheme_self(&sc, PM_CONV_GENERAL, 0.05, 0.5, NULL);
    const long max_n = 1000000000L;
    pm_test t, t1;
    long ev, ev1;
    assert_int_equal(pmx_samplesize(&sc, 0.6, 0.9, PM_RULE_LR, 0, 0.01, max_n,
                                    PM_SAMPLESIZE_SCAN_MAX, &ev, &t, NULL),
                     PM_OK);
    assert_int_equal(t.n, 189); /* test_samplesize_scan's brute force over n */
    assert_true(ev <= 31);
    /* eta 0.5 vs 0.5001: the answer is ~6e8, the scan's worst regime */
    assert_int_equal(pmx_samplesize(&sc, 0.5, 0.5001, PM_RULE_LEVEL, 0.05, 0.2, max_n,
                                    PM_SAMPLESIZE_SCAN_MAX, &ev, &t, NULL),
                     PM_OK);
    assert_true(t.n > 100000000L && ev < 5000);
    /* type2 <= 0.3 at level 0.05: the answer is 38 by brute force (above),
     * the envelope's 37, so one scan step cannot decide */
    pm_error e = {0};
    assert_int_equal(
        pmx_samplesize(&sc, 0.6, 0.9, PM_RULE_LEVEL, 0.05, 0.3, max_n, 1, &ev1, &t1, &e),
        PM_ELIMIT);
    assert_int_equal(e.code, PM_ELIMIT);
    assert_non_null(strstr(e.text, "budget of 1 steps"));
    assert_int_equal(
        pmx_samplesize(&sc, 0.6, 0.9, PM_RULE_LEVEL, 0.05, 0.3, max_n, 2, &ev1, &t1, NULL), PM_OK);
    assert_int_equal(t1.n, 38);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schemes),
        cmocka_unit_test(test_lr_test_bruteforce),
        cmocka_unit_test(test_edge_eta1_one_delta_zero),
        cmocka_unit_test(test_level_rule),
        cmocka_unit_test(test_samplesize_scan),
        cmocka_unit_test(test_estimate),
        cmocka_unit_test(test_cbar_and_bound),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_samplesize_work),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
