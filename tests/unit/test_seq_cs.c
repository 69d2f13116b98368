/* seq: the beta-binomial confidence sequence.
 *
 * - endpoints against a brute-force scan of M_n(p) on a grid of 2^16 + 1
 *   points computed in long double (lgammal), and the value of log M_n at
 *   each endpoint against ln(1/alpha);
 * - coverage over all looks by simulation (2000 paths x 500 pairs): the
 *   rate at which the running intersection ever misses the true m is
 *   <= alpha within its Clopper-Pearson interval;
 * - the mapping to eta, with the below-chance and above-model cases. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/binom.h"
#include "prefmon/monitor.h"
#include "prefmon/rng.h"
#include "prefmon/seq.h"

static long double log_mix(long n, long s, long double a, long double b, long double p)
{
    long double lb = lgammal(a + s) + lgammal(b + n - s) - lgammal(a + b + n);
    long double lb0 = lgammal(a) + lgammal(b) - lgammal(a + b);
    return lb - lb0 - s * logl(p) - (n - s) * log1pl(-p);
}

/* log_mix(n, s, a, b, p) as c - S ln p - (n - S) ln(1 - p), c computed once. */
static long double log_mix_c(long n, long s, long double c, long double p)
{
    return c - s * logl(p) - (n - s) * log1pl(-p);
}

static void test_bounds_vs_grid(void **state)
{
    (void)state;
    const long ns[][2] = {{1, 0},   {1, 1},     {10, 7},     {30, 0},      {30, 30},
                          {50, 44}, {200, 190}, {1000, 500}, {5000, 4900}, {100000, 98000}};
    const double alphas[] = {0.05, 0.01, 0.2};
    const double priors[][2] = {{0.5, 0.5}, {1, 1}, {2, 5}};
    const long G = 1L << 16;
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
        for (size_t k = 0; k < 3; k++)
            for (size_t q = 0; q < 3; q++) {
                long n = ns[i][0], s = ns[i][1];
                double al = alphas[k], a = priors[q][0], b = priors[q][1];
                double lo, hi;
                assert_int_equal(pm_seq_cs_bounds(n, s, al, a, b, &lo, &hi, NULL), PM_OK);
                long double thr = logl(1 / (long double)al);
                long double c = log_mix(n, s, a, b, 0.5L) + s * logl(0.5L) + (n - s) * logl(0.5L);
                /* The grid points inside the set lie inside [lo, hi], and the
                 * grid points just outside [lo, hi] are outside the set. */
                long first = -1, last = -1;
                for (long g = 1; g < G; g++) {
                    long double p = (long double)g / G;
                    if (log_mix_c(n, s, c, p) < thr) {
                        if (first < 0)
                            first = g;
                        last = g;
                    }
                }
                assert_true(first > 0);
                assert_true((double)first / G >= lo - 1e-12);
                assert_true((double)(first - 1) / G <= lo + 1e-12);
                assert_true((double)last / G <= hi + 1e-12);
                assert_true((double)(last + 1) / G >= hi - 1e-12);
                /* The endpoints solve log M_n = ln(1/alpha) (or are 0, 1). */
                if (s > 0) {
                    assert_true(fabsl(log_mix(n, s, a, b, lo) - thr) <= 1e-9L);
                } else {
                    assert_true(lo == 0);
                }
                if (s < n) {
                    assert_true(fabsl(log_mix(n, s, a, b, hi) - thr) <= 1e-9L);
                } else {
                    assert_true(hi == 1);
                }
            }
    double lo, hi;
    assert_int_equal(pm_seq_cs_bounds(0, 0, 0.05, 0.5, 0.5, &lo, &hi, NULL), PM_OK);
    assert_true(lo == 0 && hi == 1);
    pm_error err = {0};
    assert_int_equal(pm_seq_cs_bounds(5, 6, 0.05, 0.5, 0.5, &lo, &hi, &err), PM_EINVAL);
    assert_int_equal(pm_seq_cs_bounds(5, 2, 1, 0.5, 0.5, &lo, &hi, &err), PM_EINVAL);
    assert_int_equal(pm_seq_cs_bounds(5, 2, 0.05, 0, 0.5, &lo, &hi, &err), PM_EINVAL);
}

/* All looks at once: a path is missed when the running intersection ever
 * leaves out the true m. Ville: P(miss) <= alpha. */
static void test_coverage(void **state)
{
    (void)state;
    const double ms[] = {0.93, 0.6};
    const long pairs = 500;
    const double alpha = 0.05;
    pm_rng r;
    pm_rng_seed(&r, 7);
    for (size_t k = 0; k < 2; k++) {
        const long paths = k == 0 ? 2000 : 600; /* 2 us per look */
        long missed = 0;
        for (long p = 0; p < paths; p++) {
            pm_seq_cs cs;
            assert_int_equal(pm_seq_cs_init(&cs, alpha, PM_SEQ_CS_PRIOR, PM_SEQ_CS_PRIOR, NULL),
                             PM_OK);
            int miss = 0;
            for (long i = 0; i < pairs; i++) {
                assert_int_equal(pm_seq_cs_update(&cs, 1, pm_rng_unit(&r) < ms[k], NULL), PM_OK);
                if (!(cs.low <= ms[k] && ms[k] <= cs.high))
                    miss = 1;
            }
            missed += miss;
        }
        double lo, hi;
        assert_int_equal(pm_clopper_pearson(missed, paths, 0.99, &lo, &hi, NULL), PM_OK);
        assert_true(lo <= alpha);
        /* Not vacuous either: the sequence does miss sometimes. */
        assert_true(missed > 0);
    }
}

static void test_running_and_eta(void **state)
{
    (void)state;
    pm_seq_cs cs;
    pm_error err = {0};
    assert_int_equal(pm_seq_cs_init(&cs, 0.05, 0.5, 0.5, NULL), PM_OK);
    assert_true(cs.low == 0 && cs.high == 1);
    /* Batches intersect at their end: 20 of 20 then 0 of 20 more. */
    assert_int_equal(pm_seq_cs_update(&cs, 20, 20, NULL), PM_OK);
    double lo1, hi1, lo2, hi2;
    pm_seq_cs_bounds(20, 20, 0.05, 0.5, 0.5, &lo1, &hi1, NULL);
    assert_true(cs.low == lo1 && cs.high == 1);
    assert_int_equal(pm_seq_cs_update(&cs, 20, 0, NULL), PM_OK);
    pm_seq_cs_bounds(40, 20, 0.05, 0.5, 0.5, &lo2, &hi2, NULL);
    assert_true(cs.low == (lo1 > lo2 ? lo1 : lo2));
    assert_true(cs.high == hi2);
    assert_int_equal(pm_seq_cs_update(&cs, 3, 4, &err), PM_EINVAL);

    pm_scheme sc;
    pm_seq_cs_init(&cs, 0.05, 0.5, 0.5, NULL);
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.02, 0.5, NULL), PM_OK);
    double el, eh;
    int flags;
    /* An always-left clicker under swapped repeats agrees 0 of 30: the
     * whole interval below q0 = 1/2, no eta interval. */
    pm_seq_cs_update(&cs, 30, 0, NULL);
    assert_int_equal(pm_seq_cs_eta(&cs, &sc, &el, &eh, &flags, NULL), PM_OK);
    assert_true(flags & PM_SEQ_CS_BELOW_CHANCE);
    assert_true(isnan(el) && isnan(eh));
    /* 45 of 50: the interval mapped through (m - q0)/(s - q0), clipped. */
    pm_seq_cs_init(&cs, 0.05, 0.5, 0.5, NULL);
    pm_seq_cs_update(&cs, 50, 45, NULL);
    assert_int_equal(pm_seq_cs_eta(&cs, &sc, &el, &eh, &flags, NULL), PM_OK);
    assert_int_equal(flags, 0);
    double want_lo = (cs.low - 0.5) / 0.48, want_hi = (cs.high - 0.5) / 0.48;
    assert_true(fabs(el - (want_lo < 0 ? 0 : want_lo)) <= 1e-15);
    assert_true(fabs(eh - (want_hi > 1 ? 1 : want_hi)) <= 1e-15);
    assert_true(eh == 1); /* high > s = 0.98 */
    /* 10000 of 10000 with delta = 0.1: m >= 0.9997 > s = 0.9: above the
     * model (delta too large for this annotator). */
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.1, 0.5, NULL), PM_OK);
    pm_seq_cs_init(&cs, 0.05, 0.5, 0.5, NULL);
    pm_seq_cs_update(&cs, 10000, 10000, NULL);
    assert_int_equal(pm_seq_cs_eta(&cs, &sc, &el, &eh, &flags, NULL), PM_OK);
    assert_int_equal(flags, PM_SEQ_CS_ABOVE_MODEL);
    assert_true(el == 1 && eh == 1);
    /* An empty intersection: a long run of agreements then of disagreements
     * (m not constant). */
    pm_seq_cs_init(&cs, 0.05, 0.5, 0.5, NULL);
    pm_seq_cs_update(&cs, 2000, 2000, NULL);
    pm_seq_cs_update(&cs, 100000, 0, NULL);
    assert_true(cs.empty);
    assert_int_equal(pm_seq_cs_eta(&cs, &sc, &el, &eh, &flags, NULL), PM_OK);
    assert_true(flags & PM_SEQ_CS_EMPTY);
    assert_int_equal(pm_seq_cs_init(&cs, 0.05, -1, 0.5, &err), PM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounds_vs_grid),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_running_and_eta),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
