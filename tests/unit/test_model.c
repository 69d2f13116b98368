/* model: parsing, derivatives against finite differences, G^{-1} round
 * trips, the assumption checks and the JSON config. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/optim.h"
#include "prefmon/model.h"

static void test_parse(void **state)
{
    (void)state;
    pm_utility g;
    pm_cost e;
    pm_value mu;
    pm_error err = {0};
    char buf[256];
    assert_int_equal(pm_utility_parse("cara:0.5", &g, &err), PM_OK);
    assert_int_equal(g.kind, PM_UTILITY_CARA);
    assert_true(g.alpha[0] == 0.5 && g.beta[0] == 0.5 && g.nterms == 1);
    assert_string_equal(pm_utility_format(&g, buf, sizeof buf), "cara:0.5");
    assert_int_equal(pm_utility_parse("sumexp:0.7,0.7,0.3,2", &g, &err), PM_OK);
    assert_int_equal(g.nterms, 2);
    assert_true(g.alpha[1] == 0.3 && g.beta[1] == 2);
    assert_string_equal(pm_utility_format(&g, buf, sizeof buf), "sumexp:0.7,0.7,0.3,2");
    assert_int_equal(pm_utility_parse("linear", &g, &err), PM_OK);
    assert_int_equal(g.kind, PM_UTILITY_LINEAR);
    assert_int_equal(pm_cost_parse("poly:0,0.02,0.18", &e, &err), PM_OK);
    assert_int_equal(e.ncoef, 3);
    assert_string_equal(pm_cost_format(&e, buf, sizeof buf), "poly:0,0.02,0.18");
    assert_int_equal(pm_value_parse("log:0.35,1.8", &mu, &err), PM_OK);
    assert_int_equal(mu.kind, PM_VALUE_LOG);
    assert_string_equal(pm_value_format(&mu, buf, sizeof buf), "log:0.35,1.8");
    assert_int_equal(pm_value_parse("power:0.1,0.3333333333333333", &mu, &err), PM_OK);
    assert_string_equal(pm_value_format(&mu, buf, sizeof buf), "power:0.1,0.3333333333333333");

    /* Errors name the spec, on one line. */
    assert_int_equal(pm_utility_parse("cara:-1", &g, &err), PM_EINVAL);
    assert_string_equal(err.text, "utility 'cara:-1': a must be > 0");
    assert_int_equal(pm_utility_parse("crra:2", &g, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "unknown family 'crra'"));
    assert_int_equal(pm_utility_parse("sumexp:1,1,2", &g, &err), PM_EINVAL);
    assert_int_equal(pm_utility_parse("sumexp:1,-1", &g, &err), PM_EINVAL);
    assert_int_equal(pm_utility_parse("cara:1,2", &g, &err), PM_EINVAL);
    assert_int_equal(pm_utility_parse("cara:x", &g, &err), PM_EINVAL);
    assert_int_equal(pm_utility_parse("cara:", &g, &err), PM_EINVAL);
    assert_int_equal(pm_utility_parse("linear:1", &g, &err), PM_EINVAL);
    assert_int_equal(pm_cost_parse("poly:1", &e, &err), PM_EINVAL);
    assert_int_equal(pm_cost_parse("exp:1,2", &e, &err), PM_EINVAL);
    assert_int_equal(pm_cost_parse("poly:0,1,,2", &e, &err), PM_EINVAL);
    assert_int_equal(pm_value_parse("power:0.5,1.5", &mu, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "'power:0.5,1.5'"));
    assert_int_equal(pm_value_parse("exp:0.5", &mu, &err), PM_EINVAL);
    assert_int_equal(pm_value_parse("log:-1,2", &mu, &err), PM_EINVAL);
    assert_null(strchr(err.text, '\n'));
}

/* Central differences: truncation O(h^2 f''') plus rounding
 * eps f / h; with h = 1e-5 and x >= 0.1 both stay below 1e-7 relative. */
static void check_derivs(double (*f)(const void *, double, int), const void *obj, double x)
{
    double h = 1e-5;
    double d1 = (f(obj, x + h, 0) - f(obj, x - h, 0)) / (2 * h);
    double d2 = (f(obj, x + h, 1) - f(obj, x - h, 1)) / (2 * h);
    assert_true(fabs(d1 - f(obj, x, 1)) < 1e-7 * (1 + fabs(d1)));
    assert_true(fabs(d2 - f(obj, x, 2)) < 1e-7 * (1 + fabs(d2)));
}
static double g_eval(const void *o, double x, int d)
{
    return pm_utility_eval(o, x, d);
}
static double e_eval(const void *o, double x, int d)
{
    return pm_cost_eval(o, x, d);
}
static double v_eval(const void *o, double x, int d)
{
    return pm_value_eval(o, x, d);
}

static void test_derivatives(void **state)
{
    (void)state;
    const char *gs[] = {"cara:1", "cara:0.5", "sumexp:0.7,0.7,0.3,2", "linear"};
    const char *es[] = {"poly:0,0,0.18", "poly:0,0.0072,0.024,0.0288", "poly:0.1,0.02,0.18"};
    const char *vs[] = {"power:0.5,0.8", "exp:0.5,1.2", "log:0.35,1.8", "power:0.3,1"};
    pm_error err;
    for (size_t i = 0; i < 4; i++) {
        pm_utility g;
        assert_int_equal(pm_utility_parse(gs[i], &g, &err), PM_OK);
        for (double w = -3; w <= 3; w += 0.75)
            check_derivs(g_eval, &g, w);
    }
    for (size_t i = 0; i < 3; i++) {
        pm_cost e;
        assert_int_equal(pm_cost_parse(es[i], &e, &err), PM_OK);
        for (double x = 0.1; x < 1; x += 0.15)
            check_derivs(e_eval, &e, x);
    }
    for (size_t i = 0; i < 4; i++) {
        pm_value mu;
        assert_int_equal(pm_value_parse(vs[i], &mu, &err), PM_OK);
        for (double x = 0.1; x < 1; x += 0.15)
            check_derivs(v_eval, &mu, x);
    }
    /* Values against the formulas written out. */
    pm_utility g;
    pm_utility_parse("cara:0.5", &g, &err);
    assert_true(fabs(pm_utility_eval(&g, 2, 0) - (0.5 - 0.5 * exp(-1))) < 1e-15);
    pm_cost e;
    pm_cost_parse("poly:1,2,3", &e, &err);
    assert_true(fabs(pm_cost_eval(&e, 0.5, 0) - 2.75) < 1e-15);
    assert_true(fabs(pm_cost_eval(&e, 0.5, 1) - 5) < 1e-15);
    assert_true(fabs(pm_cost_eval(&e, 0.5, 2) - 6) < 1e-15);
}

static void test_inverse(void **state)
{
    (void)state;
    const char *gs[] = {"cara:1", "cara:0.5", "sumexp:0.7,0.7,0.3,2", "sumexp:1,0.1,1,5", "linear"};
    pm_error err;
    for (size_t i = 0; i < 5; i++) {
        pm_utility g;
        assert_int_equal(pm_utility_parse(gs[i], &g, &err), PM_OK);
        for (double w = -10; w <= 20; w += 0.37) {
            double u = pm_utility_eval(&g, w, 0);
            double back = pm_utility_inverse(&g, u);
            /* Conditioning: dw = du / G'(w); allow a few ulps of u. */
            double tol = 1e-13 * (1 + fabs(w)) + 4e-16 * fabs(u) / pm_utility_eval(&g, w, 1);
            assert_true(fabs(back - w) < tol);
        }
    }
    pm_utility g;
    pm_utility_parse("cara:1", &g, &err);
    assert_true(isnan(pm_utility_inverse(&g, 1.0)));
    assert_true(isnan(pm_utility_inverse(&g, 2.0)));
}

static void test_check(void **state)
{
    (void)state;
    pm_model m;
    pm_error err = {0};
    pm_model_default(&m);
    assert_int_equal(pm_model_check(&m, &err), PM_OK);
    /* E' < 0 near 0. */
    pm_cost_parse("poly:0,-0.01,0.18", &m.E, &err);
    assert_int_equal(pm_model_check(&m, &err), PM_EMODEL);
    assert_non_null(strstr(err.text, "increasing"));
    /* Concave cost: E'' = -0.1 < 0 while E' > 0 on [0,1]. */
    pm_cost_parse("poly:0,0.2,-0.05", &m.E, &err);
    assert_int_equal(pm_model_check(&m, &err), PM_EMODEL);
    assert_non_null(strstr(err.text, "convex"));
    /* Cubic that is convex only on part of [0,1]: E'' = 0.2 - 0.6 eta. */
    pm_cost_parse("poly:0,0.1,0.1,-0.1", &m.E, &err);
    assert_int_equal(pm_model_check(&m, &err), PM_EMODEL);
    /* Constant cost: not increasing. */
    pm_cost_parse("poly:0.1,0", &m.E, &err);
    assert_int_equal(pm_model_check(&m, &err), PM_EMODEL);
    pm_model_default(&m);
    m.w_min = 3;
    m.w_max = 3;
    assert_int_equal(pm_model_check(&m, &err), PM_EMODEL);
    /* Assumption 4: G(w_max) = 1 - e^{-0.1} < E(1) = 0.18. */
    pm_model_default(&m);
    m.w_max = 0.1;
    assert_int_equal(pm_model_check(&m, &err), PM_EMODEL);
    assert_non_null(strstr(err.text, "G([w_min, w_max])"));
    /* ... and at the bottom: U0 + E(0) = 0 needs G(w_min) < 0. */
    pm_model_default(&m);
    m.w_min = 0;
    assert_int_equal(pm_model_check(&m, &err), PM_EMODEL);
    /* CARA cannot pay U0 >= a at all. */
    pm_model_default(&m);
    m.u0 = 1;
    assert_int_equal(pm_model_check(&m, &err), PM_EMODEL);
    /* Hand-built bad value function. */
    pm_model_default(&m);
    m.mu.R = 1.2;
    assert_int_equal(pm_model_check(&m, &err), PM_EMODEL);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_json(void **state)
{
    (void)state;
    char path[] = "/tmp/pm_test_modelXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    pm_model m;
    pm_error err = {0};
    pm_model_default(&m);
    write_file(path, "{\"utility\": \"sumexp:0.7,0.7,0.3,2\", \"cost\": \"poly:0,0.0072,0.024\",\n"
                     " \"value\": \"log:0.35,1.8\", \"u0\": 0.01, \"wage_max\": 15}\n");
    assert_int_equal(pm_model_read_json(path, &m, &err), PM_OK);
    assert_int_equal(m.G.nterms, 2);
    assert_int_equal(m.mu.kind, PM_VALUE_LOG);
    assert_true(m.u0 == 0.01 && m.w_max == 15 && m.w_min == -10);
    write_file(path, "{\"utility\": \"cara:1\",\n  \"cost\": }\n");
    assert_int_equal(pm_model_read_json(path, &m, &err), PM_EPARSE);
    char want[128];
    snprintf(want, sizeof want, "%s:2:", path);
    assert_non_null(strstr(err.text, want));
    write_file(path, "{\"utlity\": \"cara:1\"}");
    assert_int_equal(pm_model_read_json(path, &m, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "utlity"));
    write_file(path, "{\"utility\": \"cara:-2\"}");
    assert_int_equal(pm_model_read_json(path, &m, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "a must be > 0"));
    write_file(path, "{\"u0\": \"zero\"}");
    assert_int_equal(pm_model_read_json(path, &m, &err), PM_EPARSE);
    unlink(path);
    assert_int_equal(pm_model_read_json(path, &m, &err), PM_EIO);
}

static double cubic(double x, void *ctx)
{
    (void)ctx;
    return (x - 0.3) * (x * x + 1);
}
static double bowl(double x, void *ctx)
{
    double c = *(double *)ctx;
    return (x - c) * (x - c) * (x - c) * (x - c) + 2;
}

static void test_optim(void **state)
{
    (void)state;
    double r, x, f, c = 0.7123456789;
    assert_int_equal(pmx_zeroin(cubic, NULL, -5, 5, 0, 200, &r, NULL), PM_OK);
    assert_true(fabs(r - 0.3) < 1e-15);
    assert_int_equal(pmx_zeroin(cubic, NULL, 1, 5, 0, 200, &r, NULL), PM_EINVAL);
    pm_error e = {0};
    assert_int_equal(pmx_zeroin(cubic, NULL, 1, 5, 0, 200, &r, &e), PM_EINVAL);
    assert_int_equal(e.code, PM_EINVAL);
    assert_non_null(strstr(e.text, "do not bracket a root"));
    assert_int_equal(pmx_fmin(bowl, NULL, 1, 0, 1e-12, &r, NULL, &e), PM_EINVAL);
    assert_non_null(strstr(e.text, "empty interval"));
    assert_int_equal(pmx_fmin(bowl, &c, 0, 1, 1e-12, &x, &f, NULL), PM_OK);
    /* A quartic is flat: f within 1e-16 of 2 means |x - c| < 1e-4. */
    assert_true(fabs(x - c) < 1e-3 && fabs(f - 2) < 1e-14);
}

/* Issue 6: a spec with 16 terms of 17-digit numbers was cut at 511
 * characters. -DBL_MIN = -2.2250738585072014e-308 is the longest %.17g a
 * double prints (24 characters), so these are the longest specs. */
static void test_format_never_truncates(void **state)
{
    (void)state;
    char buf[PM_SPEC_MAX];
    pm_cost e = {.ncoef = PM_MODEL_MAX_TERMS}, e2;
    for (int i = 0; i < PM_MODEL_MAX_TERMS; i++)
        e.c[i] = -DBL_MIN;
    pm_cost_format(&e, buf, sizeof buf);
    /* "poly:" + 16 numbers of 24 characters + 15 commas */
    assert_int_equal(strlen(buf), 5 + 16 * 24 + 15);
    assert_int_equal(pm_cost_parse(buf, &e2, NULL), PM_OK);
    assert_int_equal(e2.ncoef, PM_MODEL_MAX_TERMS);
    assert_memory_equal(e2.c, e.c, sizeof e.c); /* bit-exact */
    pm_utility g = {.kind = PM_UTILITY_SUMEXP, .nterms = PM_MODEL_MAX_TERMS}, g2;
    for (int i = 0; i < PM_MODEL_MAX_TERMS; i++)
        g.alpha[i] = g.beta[i] = DBL_MIN;
    pm_utility_format(&g, buf, sizeof buf);
    assert_int_equal(strlen(buf), 7 + 32 * 23 + 31);
    assert_int_equal(pm_utility_parse(buf, &g2, NULL), PM_OK);
    assert_int_equal(g2.nterms, PM_MODEL_MAX_TERMS);
    assert_memory_equal(g2.alpha, g.alpha, sizeof g.alpha);
    assert_memory_equal(g2.beta, g.beta, sizeof g.beta);
    /* a buffer too small gets "" (unparsable), never a shorter spec */
    char small[512];
    assert_string_equal(pm_utility_format(&g, small, sizeof small), "");
    assert_string_equal(pm_cost_format(&e, small, 5 + 16 * 24 + 15), "");
    assert_int_equal(strlen(pm_cost_format(&e, small, 5 + 16 * 24 + 15 + 1)), 5 + 16 * 24 + 15);
}

/* Issue 6: primitives that overflow on their domain were called feasible. */
static void test_check_finite(void **state)
{
    (void)state;
    pm_model m;
    pm_error e = {0};
    pm_model_default(&m); /* wages [-10, 20] */
    assert_int_equal(pm_value_parse("log:1e308,1e308", &m.mu, NULL), PM_OK);
    assert_int_equal(pm_model_check(&m, &e), PM_EMODEL);
    /* mu(1/2000) = 1e308 ln(1 + 1e308/2000) overflows at the first grid point */
    assert_string_equal(e.text,
                        "value 'log:1e+308,1e+308': mu(0.0005) = inf is not finite; scale K or "
                        "R down");
    pm_model_default(&m);
    assert_int_equal(pm_value_parse("exp:1e308,1e308", &m.mu, NULL), PM_OK);
    assert_int_equal(pm_model_check(&m, &e), PM_EMODEL);
    assert_non_null(strstr(e.text, "mu'(0.0005)")); /* K R e^{-R eta} = inf * 0 */
    pm_model_default(&m);
    assert_int_equal(pm_utility_parse("cara:1e308", &m.G, NULL), PM_OK);
    assert_int_equal(pm_model_check(&m, &e), PM_EMODEL);
    /* G(-10) = -1e308 expm1(1e309) = -inf */
    assert_string_equal(e.text,
                        "utility 'cara:1e+308': G(-10) = -inf is not finite on the wage bounds "
                        "[-10, 20]; narrow the bounds or lower the risk aversion");
    /* cara:50 stays allowed on [-10, 20]: G(-10) = -50 expm1(500) ~ -7e218 */
    pm_model_default(&m);
    assert_int_equal(pm_utility_parse("cara:50", &m.G, NULL), PM_OK);
    assert_int_equal(pm_model_check(&m, NULL), PM_OK);
    /* linear G with wages +-1e20: every value finite, so allowed */
    pm_model_default(&m);
    assert_int_equal(pm_utility_parse("linear", &m.G, NULL), PM_OK);
    m.w_min = -1e20;
    m.w_max = 1e20;
    assert_int_equal(pm_model_check(&m, NULL), PM_OK);
}

/* Issue 6: a directory given as a config was "malformed input". */
static void test_json_directory(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    pm_error e = {0};
    assert_int_equal(pm_model_read_json(PM_SOURCE_DIR "/tests", &m, &e), PM_EIO);
    assert_int_equal(e.code, PM_EIO);
    assert_string_equal(e.text, PM_SOURCE_DIR "/tests: is a directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_derivatives),
        cmocka_unit_test(test_inverse),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_optim),
        cmocka_unit_test(test_format_never_truncates),
        cmocka_unit_test(test_check_finite),
        cmocka_unit_test(test_json_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
