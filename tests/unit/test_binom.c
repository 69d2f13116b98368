/* binom: checked against brute-force long-double enumeration and closed
 * forms, independent of Rmath's algorithms.
 *
 * Where the tolerances come from: 1e-15 on a sum of pmfs to 1 is a few
 * roundings in long double; 1e-12 is binom.h's documented accuracy; 1e-13
 * for Clopper-Pearson bounds through one Rmath beta quantile (~1e-14);
 * 1e-9 relative on logs of size 1e5 at n = 1e6 is deliberately loose
 * (the spec tables hold the 1e-12 claim): here it catches gross loss, a
 * log that underflows to -inf or the ~1e-3 error of an approximation. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/binom.h"

/* pmf by the product formula in long double: C(n,x) p^x (1-p)^(n-x). */
static long double pmf_ld(int x, int n, long double p)
{
    long double c = 1;
    for (int i = 1; i <= x; i++)
        c = c * (n - x + i) / i;
    return c * powl(p, x) * powl(1 - p, n - x);
}

static void assert_rel(double got, long double want, double tol)
{
    if (want == 0) {
        assert_true(got == 0);
        return;
    }
    double rel = (double)fabsl((got - want) / want);
    if (!(rel <= tol))
        fail_msg("got %.17g want %.17Lg rel %.3g", got, want, rel);
}

static void test_pmf_cdf_enumeration(void **state)
{
    (void)state;
    static const double ps[] = {0.0, 1e-3, 0.1, 0.37, 0.5, 0.884, 0.99, 1.0};
    static const int ns[] = {1, 2, 7, 30, 60};
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++) {
        int n = ns[a];
        for (size_t b = 0; b < sizeof ps / sizeof ps[0]; b++) {
            long double p = ps[b], cum = 0, tot = 0;
            long double pm[64];
            for (int x = 0; x <= n; x++)
                tot += pm[x] = pmf_ld(x, n, p);
            for (int x = 0; x <= n; x++) {
                cum += pm[x];
                long double upper = 0;
                for (int y = x + 1; y <= n; y++)
                    upper += pm[y];
                assert_rel(pm_dbinom(x, n, ps[b], 0), pm[x], 1e-12);
                assert_rel(pm_pbinom(x, n, ps[b], 1, 0), cum, 1e-12);
                assert_rel(pm_pbinom(x, n, ps[b], 0, 0), upper, 1e-11);
                assert_rel(pm_binom_sf(x + 1, n, ps[b], 0), upper, 1e-11);
                if (pm[x] > 0)
                    assert_true(fabs(pm_dbinom(x, n, ps[b], 1) - (double)logl(pm[x])) <=
                                1e-12 * fmax(1, fabs((double)logl(pm[x]))));
                /* P(a <= X <= b) for every b >= x. */
                long double r = 0;
                for (int y = x; y <= n; y++) {
                    r += pm[y];
                    assert_rel(pm_binom_range(x, y, n, ps[b], 0), r, 1e-11);
                }
            }
            assert_true(fabsl(tot - 1) < 1e-15);
        }
    }
}

static void test_edges_and_domain(void **state)
{
    (void)state;
    assert_true(pm_binom_sf(0, 10, 0.3, 0) == 1);
    assert_true(pm_binom_sf(-5, 10, 0.3, 0) == 1);
    assert_true(pm_binom_sf(11, 10, 0.3, 0) == 0);
    assert_true(pm_binom_sf(11, 10, 0.3, 1) == -INFINITY);
    assert_true(pm_pbinom(10, 10, 0.3, 1, 0) == 1);
    assert_true(pm_dbinom(2.5, 10, 0.3, 0) == 0);
    assert_true(pm_dbinom(-1, 10, 0.3, 1) == -INFINITY);
    /* Invalid arguments give NaN instead of reaching Rmath (which would
     * print on stdout). */
    assert_true(isnan(pm_dbinom(1, 10.5, 0.3, 0)));
    assert_true(isnan(pm_dbinom(1, -1, 0.3, 0)));
    assert_true(isnan(pm_pbinom(1, 10, 1.5, 1, 0)));
    assert_true(isnan(pm_pbinom(NAN, 10, 0.5, 1, 0)));
    assert_true(isnan(pm_qbinom(1.5, 10, 0.5, 1, 0)));
    assert_true(isnan(pm_pbeta(0.5, 0, 1, 1, 0)));
    assert_true(isnan(pm_qbeta(0.5, 1, -1, 1, 0)));
    /* sf at fractional k means at least ceil(k). */
    assert_true(pm_binom_sf(2.2, 10, 0.3, 0) == pm_binom_sf(3, 10, 0.3, 0));
}

/* Far tails stay exact on the log scale: P(X = n) = p^n, P(X = 0) = (1-p)^n. */
static void test_log_tails(void **state)
{
    (void)state;
    double n = 1e6, p = 0.8;
    assert_true(fabs(pm_binom_sf(n, n, p, 1) - n * log(p)) < 1e-9 * n * fabs(log(p)));
    assert_true(fabs(pm_pbinom(0, n, p, 1, 1) - n * log1p(-p)) < 1e-9 * n * fabs(log1p(-p)));
    /* P(X >= n-1) = p^n + n p^(n-1) (1-p). */
    double want = (n - 1) * log(p) + log(p + n * (1 - p));
    assert_true(fabs(pm_binom_sf(n - 1, n, p, 1) - want) < 1e-9 * fabs(want));
    assert_true(pm_binom_sf(n, n, p, 1) < -1e5); /* far below 1e-300 */
}

/* The Clopper–Pearson endpoints solve the defining tail equations. */
static void test_clopper_pearson(void **state)
{
    (void)state;
    double lo, hi;
    assert_int_equal(pm_clopper_pearson(7, 20, 0.95, &lo, &hi, NULL), 0);
    assert_true(fabs(pm_binom_sf(7, 20, lo, 0) - 0.025) < 1e-12);
    assert_true(fabs(pm_pbinom(7, 20, hi, 1, 0) - 0.025) < 1e-12);
    assert_int_equal(pm_clopper_pearson(0, 10, 0.9, &lo, &hi, NULL), 0);
    assert_true(lo == 0);
    assert_true(fabs(hi - (1 - pow(0.05, 0.1))) < 1e-13); /* (1-hi)^10 = 0.05 */
    assert_int_equal(pm_clopper_pearson(10, 10, 0.9, &lo, &hi, NULL), 0);
    assert_true(hi == 1);
    assert_true(fabs(lo - pow(0.05, 0.1)) < 1e-13); /* lo^10 = 0.05 */
    assert_int_equal(pm_clopper_pearson(11, 10, 0.9, &lo, &hi, NULL), 1);
    assert_int_equal(pm_clopper_pearson(1, 10, 1.0, &lo, &hi, NULL), 1);
    pm_error e = {0};
    assert_int_equal(pm_clopper_pearson(11, 10, 0.9, &lo, &hi, &e), PM_EINVAL);
    assert_int_equal(e.code, PM_EINVAL);
    assert_string_equal(e.text, "x = 11 successes in n = 10 trials: need n >= 1 and 0 <= x <= n");
    assert_int_equal(pm_clopper_pearson(1, 10, 1.0, &lo, &hi, &e), PM_EINVAL);
    assert_string_equal(e.text, "level = 1: a confidence level lies in (0, 1), e.g. 0.95");
}

static void test_kl(void **state)
{
    (void)state;
    assert_true(fabs(pm_kl_bernoulli(0.3, 0.6) - (0.3 * log(0.3 / 0.6) + 0.7 * log(0.7 / 0.4))) <
                1e-15);
    assert_true(pm_kl_bernoulli(0.4, 0.4) == 0);
    assert_true(pm_kl_bernoulli(0, 0.5) == log(2));
    assert_true(isinf(pm_kl_bernoulli(0.5, 1)));
    assert_true(isnan(pm_kl_bernoulli(-0.1, 0.5)));
}

static void test_quantile_inverts_cdf(void **state)
{
    (void)state;
    for (int n = 1; n <= 50; n += 7) {
        for (double q = 0.01; q < 1; q += 0.07) {
            double x = pm_qbinom(q, n, 0.3, 1, 0);
            assert_true(pm_pbinom(x, n, 0.3, 1, 0) >= q * (1 - 1e-12));
            if (x > 0)
                assert_true(pm_pbinom(x - 1, n, 0.3, 1, 0) < q);
        }
    }
}

/* The Poisson-binomial law against brute force: every one of the 2^n
 * outcomes of n <= 12 trials with unequal p, its probability as a product,
 * added to its count. And with equal p it is the binomial. */
static void test_poisson_binomial(void **state)
{
    (void)state;
    double p[12], pmf[13], brute[13];
    for (size_t n = 0; n <= 12; n++) {
        for (size_t i = 0; i < n; i++)
            p[i] = (double)((i * 37 + n * 11) % 97) / 96.0; /* includes 0 and 1 */
        assert_int_equal(pm_poisson_binomial(p, n, pmf, NULL), PM_OK);
        for (size_t k = 0; k <= n; k++)
            brute[k] = 0;
        for (unsigned long m = 0; m < (1ul << n); m++) {
            double pr = 1;
            size_t k = 0;
            for (size_t i = 0; i < n; i++) {
                int hit = (m >> i) & 1;
                pr *= hit ? p[i] : 1 - p[i];
                k += (size_t)hit;
            }
            brute[k] += pr;
        }
        for (size_t k = 0; k <= n; k++)
            assert_true(fabs(pmf[k] - brute[k]) <= 1e-15);
    }
    double q[200], law[201];
    for (int i = 0; i < 200; i++)
        q[i] = 0.3;
    assert_int_equal(pm_poisson_binomial(q, 200, law, NULL), PM_OK);
    for (int k = 0; k <= 200; k++)
        assert_true(fabs(law[k] - pm_dbinom(k, 200, 0.3, 0)) <= 1e-13 * (1e-300 + law[k]) + 1e-300);
    pm_error err = {0};
    q[3] = NAN;
    assert_int_equal(pm_poisson_binomial(q, 10, law, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "p[3]"));
    assert_int_equal(pm_poisson_binomial(q, PM_POIBIN_MAX + 1, law, &err), PM_ELIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pmf_cdf_enumeration),
        cmocka_unit_test(test_edges_and_domain),
        cmocka_unit_test(test_log_tails),
        cmocka_unit_test(test_clopper_pearson),
        cmocka_unit_test(test_kl),
        cmocka_unit_test(test_quantile_inverts_cdf),
        cmocka_unit_test(test_poisson_binomial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
