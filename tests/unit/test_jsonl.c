/* pmx_jsonl_next, the JSONL row loop of the plan pool, manifest and
 * simulation item readers: blank and CR-ended lines, positions of bad
 * rows, and the line limit, against hand-counted lines and columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "io/json_file.h"

/* Read every row of text with line limit max: the status of the first
 * failing call (PM_OK at the end); lines[i] gets row i's line number and
 * *nrows the rows read. */
static pm_status read_rows(const char *text, size_t max, long *lines, int *nrows, pm_error *err)
{
    FILE *fp = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(fp);
    pmx_lines lr;
    pmx_lines_init(&lr, fp, "x", max);
    pm_status st;
    json_t *row;
    *nrows = 0;
    while ((st = pmx_jsonl_next(&lr, &row, err)) == PM_OK && row) {
        assert_true(json_is_object(row));
        assert_int_equal(json_integer_value(json_object_get(row, "i")), *nrows);
        lines[(*nrows)++] = lr.lineno;
        json_decref(row);
    }
    if (st != PM_OK)
        assert_null(row);
    pmx_lines_free(&lr);
    fclose(fp);
    return st;
}

static void test_rows(void **state)
{
    (void)state;
    long lines[8];
    int n;
    pm_error e = {0};
    /* blank lines (empty, blanks, a lone CR) are skipped; a CR before the
     * newline and a last line without one are rows */
    const char *text = "\n{\"i\":0}\r\n \t\n\r\n{\"i\":1}\n\n  {\"i\":2}";
    assert_int_equal(read_rows(text, 100, lines, &n, &e), PM_OK);
    assert_int_equal(n, 3);
    assert_int_equal(lines[0], 2);
    assert_int_equal(lines[1], 5);
    assert_int_equal(lines[2], 7);
    /* nothing at all: no rows, no error */
    assert_int_equal(read_rows("", 100, lines, &n, &e), PM_OK);
    assert_int_equal(n, 0);
}

static void test_bad_rows(void **state)
{
    (void)state;
    long lines[8];
    int n;
    pm_error e = {0};
    /* invalid JSON: its line and jansson's column ('}' is the 6th byte) */
    assert_int_equal(read_rows("{\"i\":0}\n\n{\"a\":}\n{\"i\":1}\n", 100, lines, &n, &e),
                     PM_EPARSE);
    assert_int_equal(n, 1);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.col, 6);
    assert_non_null(strstr(e.text, "x:3:6: invalid JSON: "));
    /* valid JSON that is not an object: column 1 */
    assert_int_equal(read_rows("{\"i\":0}\n[1, 2]\n", 100, lines, &n, &e), PM_EPARSE);
    assert_int_equal(n, 1);
    assert_string_equal(e.text, "x:2:1: not a JSON object");
    /* a line over the limit: the line reader's refusal, unchanged */
    assert_int_equal(read_rows("{\"i\":0}\n{\"i\":1, \"pad\": \"xxxxxxxx\"}\n", 12, lines, &n, &e),
                     PM_ELIMIT);
    assert_int_equal(n, 1);
    assert_string_equal(e.text, "x:2:13: line 2 longer than 12 bytes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_bad_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
