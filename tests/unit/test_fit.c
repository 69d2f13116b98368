/* pm_loglog_fit against closed forms. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/fit.h"

/* y = 3 x^-1/2 exactly: slope -1/2, intercept ln 3, r2 1. */
static void test_exact_power_law(void **state)
{
    (void)state;
    double x[] = {1, 4, 16, 100, 1e6}, y[5];
    for (int i = 0; i < 5; i++)
        y[i] = 3 / sqrt(x[i]);
    pm_fit f;
    assert_int_equal(pm_loglog_fit(x, y, 5, &f, NULL), PM_OK);
    assert_true(fabs(f.slope + 0.5) < 1e-14);
    assert_true(fabs(f.intercept - log(3)) < 1e-13);
    assert_true(fabs(f.r2 - 1) < 1e-12);
    assert_int_equal(f.used, 5);
    assert_true(f.x_min == 1 && f.x_max == 1e6);
}

/* ln x = 0, 1, 2 and ln y = 0, 1, 1: by hand, mean ln x = 1, mean ln y =
 * 2/3, Sxx = 2, Sxy = 1, Syy = 2/3, so slope 1/2, intercept 2/3 - 1/2 =
 * 1/6, residual SS = Syy - slope Sxy = 1/6, r2 = 1 - (1/6)/(2/3) = 3/4.
 * The unusable points (y = 0, y < 0, x NaN, y infinite) are skipped. */
static void test_by_hand_with_skips(void **state)
{
    (void)state;
    const double e = exp(1);
    double x[] = {1, 5, e, 7, NAN, e * e, 9};
    double y[] = {1, 0, e, -1, 2, e, INFINITY};
    pm_fit f;
    assert_int_equal(pm_loglog_fit(x, y, 7, &f, NULL), PM_OK);
    assert_int_equal(f.used, 3);
    assert_true(fabs(f.slope - 0.5) < 1e-15);
    assert_true(fabs(f.intercept - 1.0 / 6) < 1e-15);
    assert_true(fabs(f.r2 - 0.75) < 1e-15);
}

/* Fewer than two usable points, or one x only: refused with a reason, and
 * *fit untouched (gap --n 100 printed a NaN slope before). */
static void test_refusals(void **state)
{
    (void)state;
    double x[] = {100, 200}, y[] = {0.5, 0};
    pm_fit f = {.slope = 42};
    pm_error err = {0};
    assert_int_equal(pm_loglog_fit(x, y, 2, &f, &err), PM_EINVAL);
    assert_int_equal(err.code, PM_EINVAL);
    assert_non_null(strstr(err.text, "at least two points"));
    assert_true(f.slope == 42);
    assert_int_equal(pm_loglog_fit(x, y, 0, &f, NULL), PM_EINVAL);
    double xs[] = {10, 10}, ys[] = {1, 2};
    err.text[0] = 0;
    assert_int_equal(pm_loglog_fit(xs, ys, 2, &f, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "two different x"));
    assert_int_equal(pm_loglog_fit(NULL, NULL, 2, &f, NULL), PM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_power_law),
        cmocka_unit_test(test_by_hand_with_skips),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
