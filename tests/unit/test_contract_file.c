/* Contract files: exact round trip, validation messages, atomic writes. */
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

#include "prefmon/contract.h"

static char dir[] = "/tmp/pm_cf_XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void test_round_trip(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    pm_utility_parse("sumexp:0.7,0.7,0.3,2", &m.G, NULL);
    m.u0 = 0.01;
    pm_scheme sc, sc2;
    pm_scheme_self(&sc, PM_CONV_GENERAL, 0.05, 0.25, NULL);
    pm_contract c, c2;
    pm_model m2;
    pm_error err;
    char path[128];
    for (int type = 0; type < 2; type++) {
        assert_int_equal(
            pm_contract_solve(&m, &sc, 37, (pm_contract_type)type, PM_SOLVE_RESTRICTED, &c, &err),
            PM_OK);
        snprintf(path, sizeof path, "%s/c%d.json", dir, type);
        assert_int_equal(pm_contract_save(path, &c, &m, &sc, "exact", &err), PM_OK);
        assert_int_equal(pm_contract_load(path, &c2, &m2, &sc2, &err), PM_OK);
        /* 17 significant digits: every double reads back bit for bit. */
        assert_int_equal(c2.terms.type, c.terms.type);
        assert_int_equal(c2.solve, c.solve);
        assert_int_equal(c2.terms.n, 37);
        assert_int_equal(c2.terms.k, c.terms.k);
        assert_int_equal(c2.feasible, c.feasible);
        assert_true(same(c2.terms.base, c.terms.base) && same(c2.terms.slope, c.terms.slope) &&
                    same(c2.terms.bonus, c.terms.bonus));
        assert_true(same(c2.eta, c.eta) && same(c2.gap, c.gap));
        assert_true(same(c2.expected_pay, c.expected_pay));
        assert_true(sc2.kind == sc.kind && sc2.convention == sc.convention);
        assert_true(sc2.q0 == sc.q0 && pm_scheme_agreement(&sc2) == pm_scheme_agreement(&sc) &&
                    sc2.delta == sc.delta);
        assert_true(m2.u0 == m.u0 && m2.w_min == m.w_min && m2.G.nterms == 2);
        assert_true(m2.G.alpha[1] == 0.3 && m2.G.beta[1] == 2);
    }
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = calloc(1, 1 << 16);
    assert_non_null(buf);
    fread(buf, 1, (1 << 16) - 1, fp);
    fclose(fp);
    return buf;
}

/* Issue 6: a 16-term sumexp spec written to 17 digits is longer than 511
 * characters and used to be cut in the file, so the load read back a
 * different model. Now the model reads back bit for bit and saving the
 * loaded contract gives the same bytes. */
static void test_long_spec(void **state)
{
    (void)state;
    char spec[PM_SPEC_MAX], *p = spec;
    p += sprintf(p, "sumexp:");
    for (int i = 0; i < PM_MODEL_MAX_TERMS; i++)
        p += sprintf(p, "%s%.17g,%.17g", i ? "," : "", 0.1 + i / 97.0, 0.5 + i / 89.0);
    assert_true(strlen(spec) > 511);
    pm_model m, m2;
    pm_model_default(&m);
    assert_int_equal(pm_utility_parse(spec, &m.G, NULL), PM_OK);
    pm_scheme sc, sc2;
    pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL);
    pm_contract c, c2;
    pm_error err = {0};
    assert_int_equal(
        pm_contract_solve(&m, &sc, 10, PM_CONTRACT_LINEAR, PM_SOLVE_FIRST_BEST, &c, &err), PM_OK);
    char path[160], path2[160];
    snprintf(path, sizeof path, "%s/long.json", dir);
    snprintf(path2, sizeof path2, "%s/long2.json", dir);
    assert_int_equal(pm_contract_save(path, &c, &m, &sc, "exact", &err), PM_OK);
    assert_int_equal(pm_contract_load(path, &c2, &m2, &sc2, &err), PM_OK);
    assert_int_equal(m2.G.nterms, PM_MODEL_MAX_TERMS);
    for (int i = 0; i < PM_MODEL_MAX_TERMS; i++)
        assert_true(m2.G.alpha[i] == m.G.alpha[i] && m2.G.beta[i] == m.G.beta[i]);
    assert_true(same(c2.terms.base, c.terms.base) && same(c2.eta, c.eta));
    assert_int_equal(pm_contract_save(path2, &c2, &m2, &sc2, "exact", &err), PM_OK);
    char *a = slurp(path), *b = slurp(path2);
    assert_string_equal(a, b);
    free(a);
    free(b);
    unlink(path);
    unlink(path2);
}

static void test_errors(void **state)
{
    (void)state;
    char path[128];
    pm_contract c;
    pm_error err;
    snprintf(path, sizeof path, "%s/bad.json", dir);
    write_file(path, "{\"format\": \"something-else\"}");
    assert_int_equal(pm_contract_load(path, &c, NULL, NULL, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "field 'format'"));
    write_file(path, "{\"format\": \"prefmon-contract\", \"format_version\": 1,\n \"type\": 3}");
    assert_int_equal(pm_contract_load(path, &c, NULL, NULL, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "field 'type': not a string"));
    write_file(path, "{\"format\": \"prefmon-contract\",\n");
    assert_int_equal(pm_contract_load(path, &c, NULL, NULL, &err), PM_EPARSE);
    assert_non_null(strstr(err.text, "bad.json:2:"));
    snprintf(path, sizeof path, "%s/missing.json", dir);
    assert_int_equal(pm_contract_load(path, &c, NULL, NULL, &err), PM_EIO);
}

/* A failed save leaves nothing behind: neither the target nor a temp file. */
static void test_atomic(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc;
    pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL);
    pm_contract c;
    pm_error err;
    assert_int_equal(
        pm_contract_solve(&m, &sc, 10, PM_CONTRACT_LINEAR, PM_SOLVE_FIRST_BEST, &c, &err), PM_OK);
    char path[160];
    snprintf(path, sizeof path, "%s/no/such/dir/c.json", dir);
    assert_int_equal(pm_contract_save(path, &c, &m, &sc, "exact", &err), PM_EIO);
    assert_non_null(strstr(err.text, "c.json"));
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s | grep -v '^c[01].json$\\|^bad.json$')\"", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_long_spec),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_atomic),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
