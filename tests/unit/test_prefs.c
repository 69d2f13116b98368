/* prefs: the reader's formats, folding, error positions and all-or-nothing
 * behaviour. */
#define _GNU_SOURCE
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/monitor.h"
#include "prefmon/prefs.h"

/* The last read's error (the handle keeps none of its own). */
static pm_error err;

static pm_status read_mem(pm_prefs *pr, const char *text, size_t len)
{
    FILE *fp = fmemopen((void *)text, len, "r");
    assert_non_null(fp);
    pm_status st = pm_prefs_read_stream(pr, fp, "mem.txt", &err);
    fclose(fp);
    return st;
}

static pm_status read_str(pm_prefs *pr, const char *text)
{
    return read_mem(pr, text, strlen(text));
}

static void test_text_and_json(void **state)
{
    (void)state;
    pm_prefs *pr = pm_prefs_new(NULL);
    const char *text = "# comment\n0.9\n\n  0.2\r\n"
                       "{\"chosen_score\": 2.0, \"rejected_score\": 1.0}\n"
                       "{\"prompt\": \"x\", \"metadata\": {\"score_chosen\": 1, "
                       "\"score_rejected\": 3}}\n"
                       "0.5\n";
    assert_int_equal(read_str(pr, text), PM_OK);
    assert_int_equal(pm_prefs_count(pr), 5);
    assert_int_equal(pm_prefs_json_rows(pr), 2);
    const double *v = pm_prefs_values(pr);
    assert_true(v[0] == 0.9);
    assert_true(fabs(v[1] - 0.8) < 1e-15); /* folded: max(p, 1 - p) */
    assert_true(fabs(v[2] - 1 / (1 + exp(-1.0))) < 1e-16);
    assert_true(fabs(v[3] - 1 / (1 + exp(-2.0))) < 1e-15); /* sigmoid(-2) folded */
    assert_true(v[4] == 0.5);
    pm_prefs_free(pr);
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    pm_prefs *pr = pm_prefs_new(NULL);
    assert_int_equal(read_str(pr, "0.9\n"), PM_OK);
    assert_int_equal(read_str(pr, "0.1\n0.3\nabc\n"), PM_EPARSE);
    assert_string_equal(err.text, "mem.txt:3: probability: 'abc' is not a number");
    /* All or nothing: the earlier file's value stays, this file's are gone. */
    assert_int_equal(pm_prefs_count(pr), 1);
    assert_int_equal(read_str(pr, "1.5\n"), PM_EPARSE);
    assert_string_equal(err.text, "mem.txt:1: probability: 1.5 is outside [0, 1]");
    assert_int_equal(read_str(pr, "0.4\n{\"chosen_score\": 1}\n"), PM_EPARSE);
    assert_non_null(strstr(err.text, "mem.txt:2: field 'rejected_score': missing"));
    assert_int_equal(read_str(pr, "{\"chosen_score\": \"a\", \"rejected_score\": 1}\n"), PM_EPARSE);
    assert_non_null(strstr(err.text, "mem.txt:1: field 'chosen_score'"));
    assert_int_equal(read_str(pr, "{\"chosen_score\": 1,\n"), PM_EPARSE);
    assert_non_null(strstr(err.text, "mem.txt:1:"));
    assert_int_equal(read_str(pr, "nan\n"), PM_EPARSE);
    /* Found by fuzzing: a line of blanks must not read as 0 (then folded
     * to 1); it is a blank line, and a non-number is an error. */
    assert_int_equal(read_str(pr, "0.9\r\n\r \r\n"), PM_OK);
    assert_int_equal(pm_prefs_count(pr), 2);
    assert_int_equal(read_str(pr, "0.9\n- \n"), PM_EPARSE);
    assert_string_equal(err.text, "mem.txt:2: probability: '- ' is not a number");
    /* Underflow is a valid tiny probability; overflow is out of range. */
    assert_int_equal(read_str(pr, "1e-320\n"), PM_OK);
    assert_int_equal(pm_prefs_count(pr), 3);
    assert_int_equal(read_str(pr, "1e999\n"), PM_EPARSE);
    assert_int_equal(read_str(pr, "\n# nothing\n"), PM_EPARSE);
    assert_string_equal(err.text, "mem.txt: no preference probabilities found");
    assert_int_equal(pm_prefs_count(pr), 3);
    assert_int_equal(pm_prefs_read_file(pr, "/nonexistent/x", &err), PM_EIO);
    assert_string_equal(err.text, "/nonexistent/x: cannot open: No such file or directory");
    pm_prefs_free(pr);
    pm_prefs_free(NULL);
}

/* Issue 6 defects: duplicate JSON keys, NUL bytes and directories. */
static void test_refusals_with_position(void **state)
{
    (void)state;
    pm_prefs *pr = pm_prefs_new(NULL);
    /* the second "chosen_score" starts at byte 23 of the line (1-based) */
    assert_int_equal(read_str(pr, "0.7\n{\"chosen_score\": 1, \"chosen_score\": 2, "
                                  "\"rejected_score\": 0}\n"),
                     PM_EPARSE);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.text, "duplicate"));
    assert_int_equal(strncmp(err.text, "mem.txt:2:", 10), 0);
    /* the same key twice inside "metadata" too */
    assert_int_equal(read_str(pr, "{\"metadata\": {\"score_chosen\": 1, \"score_chosen\": 1, "
                                  "\"score_rejected\": 0}}\n"),
                     PM_EPARSE);
    assert_non_null(strstr(err.text, "duplicate"));
    static const char nul[] = "0.5\n0.\0"
                              "7\n";
    assert_int_equal(read_mem(pr, nul, sizeof nul - 1), PM_EPARSE);
    assert_string_equal(err.text, "mem.txt:2:3: NUL byte in line");
    assert_int_equal(pm_prefs_count(pr), 0);
    /* /dev/zero: refused at its first byte, without reading on */
    assert_int_equal(pm_prefs_read_file(pr, "/dev/zero", &err), PM_EPARSE);
    assert_string_equal(err.text, "/dev/zero:1:1: NUL byte in line");
    assert_int_equal(pm_prefs_read_file(pr, PM_SOURCE_DIR "/tests", &err), PM_EIO);
    assert_string_equal(err.text, PM_SOURCE_DIR "/tests: is a directory");
    assert_int_equal(err.code, PM_EIO);
    assert_int_equal(pm_prefs_add(pr, 1.5, &err), PM_EINVAL);
    assert_string_equal(err.text, "probability 1.5 is outside [0, 1]");
    pm_prefs_free(pr);
}

/* The embedded UltraFeedback sample: 1,200 rows with scores in metadata.
 * Reference computed independently with Python's json and math modules:
 *   p = 1/(1+exp(-(score_chosen - score_rejected))), folded;
 *   cbar = mean 2|p - 1/2| = 0.5584325287727587; 136 ties (p = 1/2). */
static void test_ultrafeedback(void **state)
{
    (void)state;
    pm_prefs *pr = pm_prefs_new(NULL);
    assert_int_equal(pm_prefs_read_file(pr, PM_SOURCE_DIR "/data/ultrafeedback-sample.jsonl", NULL),
                     PM_OK);
    assert_int_equal(pm_prefs_count(pr), 1200);
    assert_int_equal(pm_prefs_json_rows(pr), 1200);
    size_t ties = 0;
    for (size_t i = 0; i < pm_prefs_count(pr); i++)
        ties += pm_prefs_values(pr)[i] == 0.5;
    assert_int_equal(ties, 136);
    double cbar;
    assert_int_equal(pm_cbar(pm_prefs_values(pr), NULL, pm_prefs_count(pr), &cbar, NULL), PM_OK);
    assert_true(fabs(cbar - 0.5584325287727587) < 1e-14);
    pm_prefs_free(pr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_and_json),
        cmocka_unit_test(test_errors_name_the_line),
        cmocka_unit_test(test_refusals_with_position),
        cmocka_unit_test(test_ultrafeedback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
