/* core/datapath: the search order of pm_data_path ($PREFMON_DATADIR, the
 * installed directory, the source tree), checked against files this test
 * creates and against the source tree's own data/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/datapath_internal.h"
#include "prefmon/datapath.h"

#define ITEMS "ultrafeedback-sample.jsonl"

static char tmpdir[256];

/* A fresh directory holding the given file (created empty). */
static void make_dir_with(const char *name)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/pm-datapath-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(tmpdir));
    if (name) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", tmpdir, name);
        FILE *fp = fopen(p, "w");
        assert_non_null(fp);
        fclose(fp);
    }
}

static void remove_dir_with(const char *name)
{
    if (name) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", tmpdir, name);
        remove(p);
    }
    rmdir(tmpdir);
}

/* Where the file must be found when the environment does not have it: the
 * installed directory when something is installed there, else the source
 * tree (this test runs from a build tree). */
static void expected_fallback(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", pm_data_dir_installed(), name);
    if (access(buf, R_OK) != 0)
        snprintf(buf, size, "%s/data/%s", PM_SOURCE_DIR, name);
}

static void test_source_dir_is_compiled_in(void **state)
{
    (void)state;
    char want[512];
    snprintf(want, sizeof want, "%s/data", PM_SOURCE_DIR);
    assert_string_equal(pm_data_dir_source(), want);
    assert_true(strstr(pm_data_dir_installed(), "/share/prefmon") != NULL);
}

static void test_environment_first(void **state)
{
    (void)state;
    make_dir_with(ITEMS);
    setenv(PM_DATADIR_ENV, tmpdir, 1);
    char buf[1024], want[512];
    pm_error err = {0};
    assert_int_equal(pm_data_path(ITEMS, buf, sizeof buf, &err), PM_OK);
    snprintf(want, sizeof want, "%s/%s", tmpdir, ITEMS);
    assert_string_equal(buf, want); /* before the source tree, which has it too */
    unsetenv(PM_DATADIR_ENV);
    remove_dir_with(ITEMS);
}

static void test_fallback_when_environment_lacks_it(void **state)
{
    (void)state;
    char buf[1024], want[1024];
    pm_error err = {0};
    expected_fallback(ITEMS, want, sizeof want);
    /* set but without the file, set but empty, and unset: the same answer */
    make_dir_with(NULL);
    setenv(PM_DATADIR_ENV, tmpdir, 1);
    assert_int_equal(pm_data_path(ITEMS, buf, sizeof buf, &err), PM_OK);
    assert_string_equal(buf, want);
    setenv(PM_DATADIR_ENV, "", 1);
    assert_int_equal(pm_data_path(ITEMS, buf, sizeof buf, &err), PM_OK);
    assert_string_equal(buf, want);
    unsetenv(PM_DATADIR_ENV);
    assert_int_equal(pm_data_path(ITEMS, buf, sizeof buf, &err), PM_OK);
    assert_string_equal(buf, want);
    /* a file in a subdirectory of data/ */
    expected_fallback("adultcontent2/gold.txt", want, sizeof want);
    assert_int_equal(pm_data_path("adultcontent2/gold.txt", buf, sizeof buf, &err), PM_OK);
    assert_string_equal(buf, want);
    remove_dir_with(NULL);
}

static void test_missing_and_bad_names(void **state)
{
    (void)state;
    char buf[1024] = "x";
    pm_error err = {0};
    unsetenv(PM_DATADIR_ENV);
    assert_int_equal(pm_data_path("no-such-file.jsonl", buf, sizeof buf, &err), PM_EIO);
    assert_string_equal(buf, "");
    assert_true(strstr(err.text, "no-such-file.jsonl") != NULL);
    assert_true(strstr(err.text, PM_DATADIR_ENV) != NULL);
    assert_true(strstr(err.text, pm_data_dir_installed()) != NULL);
    const char *bad[] = {"", "/etc/passwd", "..", "../data/" ITEMS, "a/../" ITEMS, "a/.."};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(pm_data_path(bad[i], buf, sizeof buf, &err), PM_EINVAL);
    assert_int_equal(pm_data_path(NULL, buf, sizeof buf, &err), PM_EINVAL);
    /* a name that only starts with dots is a name */
    assert_int_equal(pm_data_path("..x", buf, sizeof buf, &err), PM_EIO);
    /* too small a buffer: PM_ERANGE, never a cut path */
    char small[8];
    assert_int_equal(pm_data_path(ITEMS, small, sizeof small, &err), PM_ERANGE);
    assert_string_equal(small, "");
}

/* The order itself, over three directories of this test's: the first that
 * holds the file wins, whichever of the others also do. */
static void test_search_order(void **state)
{
    (void)state;
    char dirs[3][256];
    for (int i = 0; i < 3; i++) {
        make_dir_with(NULL);
        strcpy(dirs[i], tmpdir);
    }
    const char *d[3] = {dirs[0], dirs[1], dirs[2]};
    char buf[1024], want[1024];
    pm_error err = {0};
    /* every subset of the three directories holding the file */
    for (int mask = 0; mask < 8; mask++) {
        for (int i = 0; i < 3; i++) {
            char p[512];
            snprintf(p, sizeof p, "%s/f.txt", dirs[i]);
            if (mask & (1 << i)) {
                FILE *fp = fopen(p, "w");
                assert_non_null(fp);
                fclose(fp);
            } else {
                remove(p);
            }
        }
        pm_status st = pmx_data_search(d, "f.txt", buf, sizeof buf, &err);
        if (mask == 0) {
            assert_int_equal(st, PM_EIO);
            /* the message names every place looked in */
            for (int i = 0; i < 3; i++)
                assert_non_null(strstr(err.text, dirs[i]));
            continue;
        }
        int first = mask & 1 ? 0 : mask & 2 ? 1 : 2;
        assert_int_equal(st, PM_OK);
        snprintf(want, sizeof want, "%s/f.txt", dirs[first]);
        assert_string_equal(buf, want);
    }
    /* NULL and empty entries are skipped (an unset or empty environment) */
    const char *skip[3] = {NULL, "", dirs[2]};
    snprintf(want, sizeof want, "%s/f.txt", dirs[2]); /* there since the last round (mask 7) */
    assert_int_equal(pmx_data_search(skip, "f.txt", buf, sizeof buf, &err), PM_OK);
    assert_string_equal(buf, want);
    for (int i = 0; i < 3; i++) {
        strcpy(tmpdir, dirs[i]);
        remove_dir_with("f.txt");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_dir_is_compiled_in),
        cmocka_unit_test(test_environment_first),
        cmocka_unit_test(test_fallback_when_environment_lacks_it),
        cmocka_unit_test(test_missing_and_bad_names),
        cmocka_unit_test(test_search_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
