/* core/lines: the bounded line reader. Memory and reading stop at the
 * limit; positions are exact. Expected positions are counted by hand from
 * the inputs written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/lines.h"

/* Read every line of `text` (len bytes) with limit max; the status of the
 * first failing call, or PM_OK; *nlines counts the lines returned. */
static pm_status read_all(const char *text, size_t len, size_t max, int *nlines, pm_error *err,
                          long *consumed)
{
    FILE *fp = fmemopen((void *)text, len, "r");
    assert_non_null(fp);
    pmx_lines lr;
    pmx_lines_init(&lr, fp, "x", max);
    pm_status st;
    const char *line;
    size_t n;
    *nlines = 0;
    while ((st = pmx_lines_next(&lr, &line, &n, err)) == PM_OK && line) {
        assert_int_equal(strlen(line), n);
        assert_true(lr.cap <= max + 1);
        (*nlines)++;
    }
    assert_true(lr.cap <= max + 1);
    *consumed = ftell(fp);
    pmx_lines_free(&lr);
    fclose(fp);
    return st;
}

static void test_limit_edges(void **state)
{
    (void)state;
    pm_error e = {0};
    int nl;
    long used;
    /* 4 bytes with a limit of 4: accepted, with or without a final '\n' */
    assert_int_equal(read_all("abcd\nab\n", 8, 4, &nl, &e, &used), PM_OK);
    assert_int_equal(nl, 2);
    assert_int_equal(read_all("abcd", 4, 4, &nl, &e, &used), PM_OK);
    assert_int_equal(nl, 1);
    /* 5 bytes: refused at the 5th, which is the last byte read */
    assert_int_equal(read_all("ab\nabcde\nz\n", 11, 4, &nl, &e, &used), PM_ELIMIT);
    assert_string_equal(e.text, "x:2:5: line 2 longer than 4 bytes");
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 5);
    assert_int_equal(used, 8); /* "ab\n" + "abcde" */
    /* an empty line and a '\r' stay lines; a NUL is refused with position */
    assert_int_equal(read_all("\n\r\n", 3, 4, &nl, &e, &used), PM_OK);
    assert_int_equal(nl, 2);
    assert_int_equal(read_all("ok\na\0b\n", 7, 4, &nl, &e, &used), PM_EPARSE);
    assert_string_equal(e.text, "x:2:2: NUL byte in line");
}

/* A few MB without a newline: the reader stops at the limit, having held
 * at most limit + 1 bytes, instead of growing with the input. */
static void test_no_newline(void **state)
{
    (void)state;
    const size_t big = (size_t)4 << 20, max = (size_t)1 << 20;
    char *buf = malloc(big);
    assert_non_null(buf);
    memset(buf, 'x', big);
    pm_error e = {0};
    int nl;
    long used;
    assert_int_equal(read_all(buf, big, max, &nl, &e, &used), PM_ELIMIT);
    assert_string_equal(e.text, "x:1:1048577: line 1 longer than 1048576 bytes");
    assert_int_equal(used, (long)max + 1);
    /* NULs (as from /dev/zero): refused at the first one */
    memset(buf, 0, big);
    assert_int_equal(read_all(buf, big, max, &nl, &e, &used), PM_EPARSE);
    assert_string_equal(e.text, "x:1:1: NUL byte in line");
    assert_int_equal(used, 1);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_edges),
        cmocka_unit_test(test_no_newline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
