/* seq: the integer Bernoulli CUSUM.
 *
 * - ARL from pm_cusum_arl against a closed form for a two-state chain, a
 *   dense Gaussian elimination with partial pivoting (a different solver)
 *   on small random charts, the sum of survival probabilities from
 *   pm_cusum_alarm_prob (forward propagation, a different route), and
 *   simulation with a normal interval on the mean run length;
 * - alarm probabilities against enumeration of every path;
 * - the design's h is the smallest that meets the target;
 * - the update's alarm and change point on sequences worked by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/rng.h"
#include "prefmon/seq.h"

static void test_scores(void **state)
{
    (void)state;
    pm_cusum c;
    /* eta 0.8 / 0.9, delta 0.02, q0 1/2: m0 = 0.884, m1 = 0.932.
     * ln(0.932/0.884) = 0.0528763, ln(0.116/0.068) = 0.5340825: a
     * disagreement weighs 10.1006 agreements, so 40.40 -> 40 at 4 steps. */
    assert_int_equal(pm_cusum_scores(0.884, 0.932, 4, &c, NULL), PM_OK);
    assert_int_equal(c.down, 4);
    assert_int_equal(c.up, 40);
    assert_true(fabs(c.scale - 4 / 0.052875752) <= 1e-6);
    assert_int_equal(pm_cusum_scores(0.884, 0.932, 1, &c, NULL), PM_OK);
    assert_int_equal(c.up, 10);
    assert_int_equal(c.h, 0);
    pm_error err = {0};
    assert_int_equal(pm_cusum_scores(0.932, 0.884, 4, &c, &err), PM_EINVAL);
    assert_int_equal(pm_cusum_scores(0.884, 0.932, 0, &c, &err), PM_EINVAL);
}

static void test_arl_closed_form(void **state)
{
    (void)state;
    /* up = down = 1, h = 2: x0 = 1 + m x0 + (1-m) x1, x1 = 1 + m x0, so
     * x0 = (2 - m) / (1 - m)^2. */
    pm_cusum c = {.m0 = 0.5, .m1 = 0.6, .scale = 1, .up = 1, .down = 1, .h = 2};
    const double ms[] = {0, 0.1, 0.5, 0.9, 0.99};
    for (size_t i = 0; i < 5; i++) {
        double arl, m = ms[i];
        assert_int_equal(pm_cusum_arl(&c, m, &arl, NULL), PM_OK);
        double want = (2 - m) / ((1 - m) * (1 - m));
        assert_true(fabs(arl - want) <= 1e-13 * want);
    }
    double arl;
    assert_int_equal(pm_cusum_arl(&c, 1, &arl, NULL), PM_OK);
    assert_true(isinf(arl));
    /* h = 1: every disagreement alarms, a geometric run length 1/(1-m). */
    c.h = 1;
    assert_int_equal(pm_cusum_arl(&c, 0.75, &arl, NULL), PM_OK);
    assert_true(fabs(arl - 4) <= 1e-14);
}

/* Dense Gaussian elimination with partial pivoting on (I - Q) x = 1. */
static double dense_arl(const pm_cusum *c, double m)
{
    enum { H = 64 };
    static double A[H][H + 1];
    long h = c->h;
    memset(A, 0, sizeof A);
    for (long i = 0; i < h; i++) {
        A[i][i] += 1;
        A[i][i - c->down < 0 ? 0 : i - c->down] -= m;
        if (i + c->up < h)
            A[i][i + c->up] -= 1 - m;
        A[i][h] = 1;
    }
    for (long k = 0; k < h; k++) {
        long p = k;
        for (long i = k + 1; i < h; i++)
            if (fabs(A[i][k]) > fabs(A[p][k]))
                p = i;
        for (long j = 0; j <= h; j++) {
            double t = A[k][j];
            A[k][j] = A[p][j];
            A[p][j] = t;
        }
        for (long i = k + 1; i < h; i++) {
            double f = A[i][k] / A[k][k];
            for (long j = k; j <= h; j++)
                A[i][j] -= f * A[k][j];
        }
    }
    double x[H];
    for (long k = h - 1; k >= 0; k--) {
        double s = A[k][h];
        for (long j = k + 1; j < h; j++)
            s -= A[k][j] * x[j];
        x[k] = s / A[k][k];
    }
    return x[0];
}

static void test_arl_vs_dense(void **state)
{
    (void)state;
    pm_rng r;
    pm_rng_seed(&r, 99);
    for (int rep = 0; rep < 300; rep++) {
        pm_cusum c = {.m0 = 0.5, .m1 = 0.6, .scale = 1};
        c.up = 1 + (long)pm_rng_below(&r, 7);
        c.down = 1 + (long)pm_rng_below(&r, 5);
        c.h = 1 + (long)pm_rng_below(&r, 60);
        double m = 0.3 + 0.69 * pm_rng_unit(&r);
        double arl;
        assert_int_equal(pm_cusum_arl(&c, m, &arl, NULL), PM_OK);
        double want = dense_arl(&c, m);
        /* The dense solve loses about log10(ARL) digits (the condition
         * number grows like the ARL): compare where it still has 7. */
        if (want > 0 && want < 1e8)
            assert_true(fabs(arl - want) <= 1e-9 * want);
    }
    /* Where no ordinary solve is accurate: long charts at high m, against
     * exact rational elimination (Python fractions, the double m taken
     * exactly). Plain elimination without pivoting gave a negative ARL for
     * the first, partial pivoting (dense_arl) for the third. */
    const struct {
        long up, down, h;
        double m, arl;
    } exact[] = {{3, 5, 35, 0.98099421661145092, 4.572132830009452e+20},
                 {3, 5, 35, 0.999, 1.0009919301678746e+36},
                 {1, 4, 55, 0.60460052866825742, 1.1030910558305153e+22}};
    for (size_t i = 0; i < 3; i++) {
        pm_cusum c = {.m0 = 0.5, .m1 = 0.6, .scale = 1};
        c.up = exact[i].up, c.down = exact[i].down, c.h = exact[i].h;
        double arl;
        assert_int_equal(pm_cusum_arl(&c, exact[i].m, &arl, NULL), PM_OK);
        assert_true(fabs(arl - exact[i].arl) <= 1e-13 * exact[i].arl);
    }
}

/* ARL = sum over t >= 0 of P(no alarm by t): from the forward propagation. */
static void test_arl_vs_survival(void **state)
{
    (void)state;
    pm_cusum c = {.m0 = 0.5, .m1 = 0.6, .scale = 1, .up = 3, .down = 1, .h = 7};
    double arl;
    assert_int_equal(pm_cusum_arl(&c, 0.7, &arl, NULL), PM_OK);
    double sum = 0, p = 0;
    for (long t = 0; t < 3000; t++) {
        assert_int_equal(pm_cusum_alarm_prob(&c, 0.7, t, &p, NULL), PM_OK);
        sum += 1 - p;
    }
    assert_true(1 - p < 1e-14); /* the tail left out is negligible */
    assert_true(fabs(sum - arl) <= 1e-9 * arl);
}

static void test_alarm_prob_vs_enumeration(void **state)
{
    (void)state;
    pm_cusum c = {.m0 = 0.5, .m1 = 0.6, .scale = 1, .up = 5, .down = 2, .h = 9};
    const int n = 14;
    const double ms[] = {0.5, 0.8, 0.95};
    for (size_t k = 0; k < 3; k++) {
        long double want = 0;
        for (uint32_t mask = 0; mask < (1u << n); mask++) {
            long double pr = 1;
            long C = 0;
            int alarm = 0;
            for (int i = 0; i < n; i++) {
                int x = (mask >> i) & 1;
                pr *= x ? ms[k] : 1 - ms[k];
                C = x ? (C - c.down > 0 ? C - c.down : 0) : C + c.up;
                if (C >= c.h)
                    alarm = 1;
            }
            if (alarm)
                want += pr;
        }
        double got;
        assert_int_equal(pm_cusum_alarm_prob(&c, ms[k], n, &got, NULL), PM_OK);
        assert_true(fabsl(got - want) <= 1e-14L);
    }
}

static void test_design_and_simulation(void **state)
{
    (void)state;
    const double m0 = 0.884, m1 = 0.932;
    pm_cusum c;
    double arl1, arl0;
    /* One false alarm per annotator-year at 5 pairs a week: ARL >= 260. */
    assert_int_equal(pm_cusum_design(m0, m1, 4, 260, 100000, &c, &arl1, &arl0, NULL), PM_OK);
    assert_true(arl1 >= 260);
    assert_true(arl0 < arl1);
    assert_int_equal(c.h, 121); /* doc/sequential.md quotes this chart */
    pm_cusum smaller = c;
    smaller.h--;
    double below;
    assert_int_equal(pm_cusum_arl(&smaller, m1, &below, NULL), PM_OK);
    assert_true(below < 260);
    /* Simulated run lengths at m1 and m0: their means within 5 standard
     * errors of the exact ARLs. */
    pm_rng r;
    pm_rng_seed(&r, 5);
    const double ms[] = {m1, m0}, want[] = {arl1, arl0};
    for (int k = 0; k < 2; k++) {
        const long runs = 20000;
        double sum = 0, sum2 = 0;
        for (long i = 0; i < runs; i++) {
            pm_cusum_state s = {0};
            int alarm = 0;
            while (!alarm)
                assert_int_equal(pm_cusum_update(&c, &s, pm_rng_unit(&r) < ms[k], &alarm, NULL),
                                 PM_OK);
            sum += (double)s.t;
            sum2 += (double)s.t * (double)s.t;
        }
        double mean = sum / runs, sd = sqrt((sum2 / runs - mean * mean) / runs);
        assert_true(fabs(mean - want[k]) <= 5 * sd);
    }
    /* A year at one false alarm per ARL: exact probability of any alarm in
     * 260 pairs at m1 is below 1 - 1/e-ish, and detection within a year at
     * m0 is near certain. */
    double p1, p0;
    assert_int_equal(pm_cusum_alarm_prob(&c, m1, 260, &p1, NULL), PM_OK);
    assert_int_equal(pm_cusum_alarm_prob(&c, m0, 260, &p0, NULL), PM_OK);
    assert_true(p1 > 0 && p1 < 0.7 && p0 > p1);
    assert_true(fabs(p1 - 0.6096) < 5e-5 && fabs(p0 - 0.9904) < 5e-5); /* as the doc says */
    assert_true(fabs(pm_cusum_false_alarms(260, 260, 100) - 100) <= 1e-12);
    assert_true(isnan(pm_cusum_false_alarms(0, 260, 100)));
    pm_error err = {0};
    assert_int_equal(pm_cusum_design(m0, m1, 4, 1e300, 50, &c, NULL, NULL, &err), PM_ERANGE);
}

static void test_update_change_point(void **state)
{
    (void)state;
    pm_cusum c = {.m0 = 0.5, .m1 = 0.6, .scale = 1, .up = 3, .down = 1, .h = 7};
    pm_cusum_state s = {0};
    int alarm = 0;
    /* 1 1 0 1 1 1 1 0 0 1 0: C = 0 0 3 2 1 0 0 3 6 5 8 -> alarm at pair 11;
     * the run above 0 that alarms began at pair 8. */
    const int xs[] = {1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 0};
    const long cs[] = {0, 0, 3, 2, 1, 0, 0, 3, 6, 5, 8};
    for (int i = 0; i < 11; i++) {
        assert_int_equal(pm_cusum_update(&c, &s, xs[i], &alarm, NULL), PM_OK);
        assert_int_equal(s.c, cs[i]);
        assert_int_equal(alarm, i == 10);
    }
    assert_int_equal(s.alarm_at, 11);
    assert_int_equal(s.change_at, 8);
    /* The alarm holds until reset. */
    assert_int_equal(pm_cusum_update(&c, &s, 1, &alarm, NULL), PM_OK);
    assert_int_equal(alarm, 1);
    assert_int_equal(s.alarm_at, 11);
    pm_cusum_reset(&s);
    assert_int_equal(s.c, 0);
    assert_int_equal(s.t, 12);
    assert_int_equal(pm_cusum_update(&c, &s, 0, &alarm, NULL), PM_OK);
    assert_int_equal(alarm, 0);
    assert_int_equal(s.run_start, 13);
    pm_error err = {0};
    assert_int_equal(pm_cusum_update(&c, &s, 3, &alarm, &err), PM_EINVAL);
    c.h = 0;
    assert_int_equal(pm_cusum_update(&c, &s, 1, &alarm, &err), PM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scores),
        cmocka_unit_test(test_arl_closed_form),
        cmocka_unit_test(test_arl_vs_dense),
        cmocka_unit_test(test_arl_vs_survival),
        cmocka_unit_test(test_alarm_prob_vs_enumeration),
        cmocka_unit_test(test_design_and_simulation),
        cmocka_unit_test(test_update_change_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
