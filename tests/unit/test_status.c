/* The error record: positions, one printable line, cut messages say so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/status.h"

static void test_position(void **state)
{
    (void)state;
    pm_error e = {0};
    assert_int_equal(pm_error_at(&e, PM_EPARSE, "log.csv", 3, 7, "field '%s': bad", "label"),
                     PM_EPARSE);
    assert_string_equal(e.text, "log.csv:3:7: field 'label': bad");
    assert_int_equal(e.code, PM_EPARSE);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.col, 7);
    pm_error_at(&e, PM_EIO, NULL, 2, 0, "x");
    assert_string_equal(e.text, "<input>:2: x");
    assert_int_equal(pm_error_prefix(&e, "--gold"), PM_EIO);
    assert_string_equal(e.text, "--gold: <input>:2: x");
    assert_int_equal(pm_error_set(NULL, PM_EINVAL, "no record"), PM_EINVAL);
}

/* Input quoted in a message cannot split it or carry raw bytes: a line end,
 * a tab, an invalid UTF-8 byte and a truncated sequence are escaped; valid
 * UTF-8 (é, 2 bytes) is kept. */
static void test_printable(void **state)
{
    (void)state;
    pm_error e = {0};
    pm_error_set(&e, PM_EPARSE, "key '%s'",
                 "a\nb\tc\xff"
                 "d\xc3\xa9"
                 "e\xe2\x82");
    assert_string_equal(e.text, "key 'a\\nb\\tc\\xFFd\xc3\xa9"
                                "e\\xE2\\x82'");
}

/* A message longer than the record ends with "..." and stays terminated. */
static void test_cut(void **state)
{
    (void)state;
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    pm_error e = {0};
    pm_error_set(&e, PM_EINVAL, "%s", big);
    size_t n = strlen(e.text);
    assert_true(n < PM_ERROR_TEXT);
    assert_memory_equal(e.text + n - 3, "...", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_position),
        cmocka_unit_test(test_printable),
        cmocka_unit_test(test_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
