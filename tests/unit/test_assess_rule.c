/* assess: the public fixed-n decision rule and the flags' text form.
 * The rule's errors are checked against binomial tails summed term by term
 * from lgamma (not the library's Rmath tails), and its threshold against a
 * brute-force scan of every k for the likelihood-ratio rule's defining
 * property; the flags' text against every one of the 2^5 flag sets. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/assess.h"

static double pmf(long n, long x, double p)
{
    if (p == 1 || p == 0) /* a point mass (0 x log 0 would be NaN) */
        return x == (p == 1 ? n : 0) ? 1 : 0;
    return exp(lgamma((double)n + 1) - lgamma((double)x + 1) - lgamma((double)(n - x) + 1) +
               (double)x * log(p) + (double)(n - x) * log1p(-p));
}

/* P(X >= k) for X ~ Bin(n, p), summed term by term. */
static double upper(long n, long k, double p)
{
    double s = 0;
    for (long x = k < 0 ? 0 : k; x <= n; x++)
        s += pmf(n, x, p);
    return s;
}

static void test_rule_errors_by_summation(void **state)
{
    (void)state;
    pm_assess_options opt;
    pm_assess_options_default(&opt);
    const double deltas[] = {0, 0.02, 0.2};
    const double q0s[] = {0.5, 0.34, 0.7};
    for (size_t a = 0; a < 3; a++)
        for (size_t b = 0; b < 3; b++)
            for (long n = 1; n <= 80; n++) {
                pm_assess_rule r;
                assert_int_equal(pm_assess_rule_for(&opt, deltas[a], q0s[b], n, &r, NULL), PM_OK);
                assert_int_equal(r.n, n);
                double s = 1 - deltas[a], q0 = q0s[b];
                if (!(s > q0)) {
                    assert_true(r.no_signal);
                    assert_false(r.decidable);
                    assert_int_equal(pm_assess_rule_apply(&r, n), PM_DECISION_TOO_FEW);
                    continue;
                }
                /* m(eta) = q0 + eta (s - q0), general convention */
                double m0 = q0 + opt.eta0 * (s - q0), m1 = q0 + opt.eta1 * (s - q0);
                assert_true(fabs(r.m0 - m0) < 1e-15 && fabs(r.m1 - m1) < 1e-15);
                double t1 = upper(n, r.k, m0), t2 = 1 - upper(n, r.k, m1);
                assert_true(fabs(r.error_sum - (t1 + t2)) < 1e-9);
                assert_int_equal(r.decidable, !(t1 + t2 > opt.max_error));
                if (r.decidable) {
                    assert_int_equal(pm_assess_rule_apply(&r, r.k), PM_DECISION_PASS);
                    assert_int_equal(pm_assess_rule_apply(&r, r.k - 1), PM_DECISION_FAIL);
                } else {
                    /* too-few: the sequential evidence on the counts decides
                     * when it can, computed here in closed form (L against
                     * 20, and below chance by the Jeffreys mixture's
                     * log M_n(q0) >= ln 20 with q0 above x/n); never with
                     * m1 = 1. */
                    for (long x = 0; x <= n; x++) {
                        pm_decision want = PM_DECISION_TOO_FEW;
                        if (m1 < 1) {
                            double ll = (double)x * log(m1 / m0) +
                                        (double)(n - x) * log((1 - m1) / (1 - m0));
                            double lm = lgamma(0.5 + (double)x) + lgamma(0.5 + (double)(n - x)) -
                                        lgamma(1.0 + (double)n) - 2 * lgamma(0.5) -
                                        (double)x * log(q0) - (double)(n - x) * log(1 - q0);
                            int below = (double)x / (double)n < q0 && lm >= log(20.0);
                            want = ll >= log(20.0)             ? PM_DECISION_PASS
                                   : -ll >= log(20.0) || below ? PM_DECISION_FAIL
                                                               : PM_DECISION_TOO_FEW;
                        }
                        assert_int_equal(pm_assess_rule_apply(&r, x), want);
                    }
                }
                /* the LR rule's threshold minimises the error sum over every k */
                double best = INFINITY;
                for (long k = 0; k <= n + 1; k++) {
                    double e = upper(n, k, m0) + 1 - upper(n, k, m1);
                    best = e < best ? e : best;
                }
                assert_true(r.error_sum <= best + 1e-9);
            }
}

static void test_rule_refuses_bad_arguments(void **state)
{
    (void)state;
    pm_assess_options opt;
    pm_assess_options_default(&opt);
    pm_assess_rule r;
    pm_error e;
    assert_int_equal(pm_assess_rule_for(&opt, 0.02, 0.5, 0, &r, &e), PM_EINVAL);
    assert_int_equal(pm_assess_rule_for(&opt, 1, 0.5, 5, &r, &e), PM_EINVAL);
    assert_int_equal(pm_assess_rule_for(&opt, 0.02, 0, 5, &r, &e), PM_EINVAL);
    assert_int_equal(pm_assess_rule_for(&opt, NAN, 0.5, 5, &r, &e), PM_EINVAL);
}

static void test_flags_format_every_set(void **state)
{
    (void)state;
    for (unsigned f = 0; f < (1u << PM_FLAG_COUNT); f++) {
        char want[256] = "", got[256];
        for (int i = 0; i < PM_FLAG_COUNT; i++)
            if (f & (1u << i)) {
                if (want[0])
                    strcat(want, " | ");
                strcat(want, pm_flag_name(i));
            }
        if (!want[0])
            strcpy(want, "-");
        size_t n = pm_flags_format(f, " | ", "-", got, sizeof got);
        assert_string_equal(got, want);
        assert_int_equal(n, strlen(want));
        /* cut: whole names only, and the wanted length is still returned */
        char small[12];
        assert_int_equal(pm_flags_format(f, " | ", "-", small, sizeof small), strlen(want));
        assert_true(strncmp(want, small, strlen(small)) == 0);
        if (strlen(want) >= sizeof small && f) {
            size_t k = strlen(small);
            assert_true(k == 0 || want[k] == ' ');
        }
    }
    char b[8];
    pm_flags_format(0, NULL, NULL, b, sizeof b);
    assert_string_equal(b, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_errors_by_summation),
        cmocka_unit_test(test_rule_refuses_bad_arguments),
        cmocka_unit_test(test_flags_format_every_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
