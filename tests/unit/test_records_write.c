/* records writer: every shape written reads back through the readers of
 * records.h to the same records (annotator, item, label, shown_left, gold,
 * timestamp, duration), with names that need quoting or escaping; the
 * format is detected from the written bytes; refusals. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/records_write.h"

typedef struct rec {
    const char *annotator, *item, *label, *gold;
    char shown;
    double ts, dur;
} rec;

/* Names a careless writer would break: separators, quotes, a line end,
 * a backslash, a control character, non-ASCII UTF-8, a leading '='. */
static const rec recs[] = {
    {"alice", "k1", "A", "A", 'A', 1700000000.5, 3.25},
    {"alice", "k2", "B", NULL, 'B', NAN, NAN},
    {"bob, jr", "item \"two\"", "B", "B", 'B', 1700000001, 0.1},
    {"line\nbreak", "back\\slash", "A", "B", 'A', 2, 4},
    {"tab\tx\x01y", "caf\xc3\xa9", "B", "A", 'B', 3, 5},
    {"=cmd", "k1", "A", NULL, 'B', 4, 6},
    /* the CSV guard's own character, and formula-like keys: guarded in
     * CSV ('=x, ''=cmd) and read back exactly */
    {"'=cmd", "@SUM(A1)", "B", NULL, 'A', 0.1, 0.30000000000000004},
    {"+1", "-1.33", "A", "B", 'B', 6, 8},
    {"alice", "k3", "tie", NULL, 'A', 5, 7},
};
#define NREC (sizeof recs / sizeof recs[0])

static FILE *write_all(pm_records_format f, unsigned fields)
{
    FILE *fp = tmpfile();
    assert_non_null(fp);
    pm_records_writer *w = NULL;
    pm_error err = {0};
    assert_int_equal(pm_records_writer_new(fp, "t", f, fields, &w, &err), PM_OK);
    for (size_t i = 0; i < NREC; i++) {
        pm_record r = {recs[i].annotator,
                       recs[i].item,
                       recs[i].label,
                       recs[i].gold,
                       recs[i].shown,
                       recs[i].ts,
                       recs[i].dur,
                       NULL,
                       0,
                       0};
        assert_int_equal(pm_records_write(w, &r, &err), PM_OK);
    }
    assert_int_equal(pm_records_writer_close(w, &err), PM_OK);
    rewind(fp);
    return fp;
}

static void read_back(FILE *fp, pm_records_format expect, unsigned fields)
{
    pm_error err = {0};
    pm_records *rd = pm_records_new(NULL, &err); /* auto-detect */
    assert_non_null(rd);
    assert_int_equal(pm_records_open_stream(rd, fp, "t", &err), PM_OK);
    assert_int_equal(pm_records_detected(rd), expect);
    for (size_t i = 0; i < NREC; i++) {
        pm_record r;
        int got = 0;
        pm_status st = pm_records_next(rd, &r, &got, &err);
        if (st != PM_OK)
            fail_msg("record %zu: %s", i, err.text);
        assert_int_equal(got, 1);
        assert_string_equal(r.annotator, recs[i].annotator);
        assert_string_equal(r.item, recs[i].item);
        assert_string_equal(r.label, recs[i].label);
        /* Label Studio: a label other than A/B is a choices result, and the
         * reader takes the side from pairwise results only. */
        int choices = expect == PM_RECORDS_LABELSTUDIO && strcmp(recs[i].label, "tie") == 0;
        assert_int_equal(r.shown_left, choices ? 0 : recs[i].shown);
        if ((fields & PM_RECW_GOLD) && recs[i].gold)
            assert_string_equal(r.gold, recs[i].gold);
        else
            assert_null(r.gold);
        if (fields & PM_RECW_TIMESTAMP) {
            if (isnan(recs[i].ts))
                assert_true(isnan(r.timestamp));
            else
                assert_true(r.timestamp == recs[i].ts);
        }
        if (fields & PM_RECW_DURATION) {
            if (isnan(recs[i].dur))
                assert_true(isnan(r.duration));
            else
                assert_true(r.duration == recs[i].dur);
        }
    }
    pm_record r;
    int got = 1;
    assert_int_equal(pm_records_next(rd, &r, &got, &err), PM_OK);
    assert_int_equal(got, 0);
    pm_records_free(rd);
    fclose(fp);
}

static void test_csv(void **state)
{
    (void)state;
    unsigned all = PM_RECW_SHOWN_LEFT | PM_RECW_GOLD | PM_RECW_TIMESTAMP | PM_RECW_DURATION;
    read_back(write_all(PM_RECORDS_CSV, all), PM_RECORDS_CSV, all);
    read_back(write_all(PM_RECORDS_CSV, PM_RECW_SHOWN_LEFT), PM_RECORDS_CSV, PM_RECW_SHOWN_LEFT);
}

static void test_jsonl(void **state)
{
    (void)state;
    unsigned all = PM_RECW_SHOWN_LEFT | PM_RECW_GOLD | PM_RECW_TIMESTAMP | PM_RECW_DURATION;
    read_back(write_all(PM_RECORDS_JSONL, all), PM_RECORDS_JSONL, all);
}

static void test_labelstudio(void **state)
{
    (void)state;
    unsigned f = PM_RECW_SHOWN_LEFT | PM_RECW_DURATION;
    read_back(write_all(PM_RECORDS_LABELSTUDIO, f), PM_RECORDS_LABELSTUDIO, f);
}

/* The exact bytes of a small CSV: header, CRLF, quoting only where needed. */
static void test_csv_bytes(void **state)
{
    (void)state;
    FILE *fp = tmpfile();
    pm_records_writer *w = NULL;
    assert_int_equal(pm_records_writer_new(fp, "t", PM_RECORDS_CSV, PM_RECW_SHOWN_LEFT, &w, NULL),
                     PM_OK);
    pm_record a = {"x,y", "k", "A", NULL, 'B', NAN, NAN, NULL, 0, 0};
    pm_record b = {"x,y", "q\"", "B", NULL, 'A', NAN, NAN, NULL, 0, 0};
    assert_int_equal(pm_records_write(w, &a, NULL), PM_OK);
    assert_int_equal(pm_records_write(w, &b, NULL), PM_OK);
    assert_int_equal(pm_records_writer_count(w), 2);
    assert_int_equal(pm_records_writer_close(w, NULL), PM_OK);
    char buf[256] = {0};
    rewind(fp);
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    const char *want =
        "annotator,item,label,shown_left\r\n\"x,y\",k,A,B\r\n\"x,y\",\"q\"\"\",B,A\r\n";
    assert_int_equal(n, strlen(want));
    assert_string_equal(buf, want);
}

/* Formula-like cells guarded (defect 10), the guard itself guarded so that
 * =x and '=x differ, numbers in their shortest exact form (0.1, not
 * 0.10000000000000001). */
static void test_csv_guard_bytes(void **state)
{
    (void)state;
    FILE *fp = tmpfile();
    pm_records_writer *w = NULL;
    assert_int_equal(pm_records_writer_new(fp, "t", PM_RECORDS_CSV, PM_RECW_DURATION, &w, NULL),
                     PM_OK);
    pm_record a = {"=x", "+1", "A", NULL, 0, NAN, 0.1, NULL, 0, 0};
    pm_record b = {"'=x", "@k", "-B", NULL, 0, NAN, 0.30000000000000004, NULL, 0, 0};
    assert_int_equal(pm_records_write(w, &a, NULL), PM_OK);
    assert_int_equal(pm_records_write(w, &b, NULL), PM_OK);
    assert_int_equal(pm_records_writer_close(w, NULL), PM_OK);
    char buf[256] = {0};
    rewind(fp);
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    const char *want = "annotator,item,label,duration\r\n\"'=x\",\"'+1\",A,0.1\r\n"
                       "\"''=x\",\"'@k\",\"'-B\",0.30000000000000004\r\n";
    assert_int_equal(n, strlen(want));
    assert_string_equal(buf, want);
}

static void test_refusals(void **state)
{
    (void)state;
    pm_records_writer *w = NULL;
    pm_error err = {0};
    assert_int_equal(pm_records_writer_new(stdout, "t", PM_RECORDS_GAL, 0, &w, &err), PM_EINVAL);
    assert_null(w);
    assert_int_equal(
        pm_records_writer_new(stdout, "t", PM_RECORDS_LABELSTUDIO, PM_RECW_GOLD, &w, &err),
        PM_EINVAL);
    FILE *fp = tmpfile();
    assert_int_equal(pm_records_writer_new(fp, "t", PM_RECORDS_CSV, PM_RECW_SHOWN_LEFT, &w, &err),
                     PM_OK);
    pm_record no_side = {"a", "k", "A", NULL, 0, NAN, NAN, NULL, 0, 0};
    pm_record no_label = {"a", "k", "", NULL, 'A', NAN, NAN, NULL, 0, 0};
    assert_int_equal(pm_records_write(w, &no_side, &err), PM_EINVAL);
    assert_int_equal(pm_records_write(w, &no_label, &err), PM_EINVAL);
    assert_int_equal(pm_records_writer_count(w), 0);
    pm_records_writer_free(w);
    fclose(fp);
    /* A write error is reported at close. */
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        assert_int_equal(pm_records_writer_new(full, "full", PM_RECORDS_CSV, 0, &w, &err), PM_OK);
        assert_int_not_equal(pm_records_writer_close(w, &err), PM_OK);
        fclose(full);
    }
}

/* A long annotator name (over the 8 KiB cache) is written, not cached,
 * and still reads back; 20000 rows cross the 64 KiB buffer. */
static void test_long_and_many(void **state)
{
    (void)state;
    char *big = malloc(20001);
    memset(big, 'n', 20000);
    big[20000] = '\0';
    FILE *fp = tmpfile();
    pm_records_writer *w = NULL;
    assert_int_equal(pm_records_writer_new(fp, "t", PM_RECORDS_CSV, 0, &w, NULL), PM_OK);
    for (int i = 0; i < 20000; i++) {
        char item[16];
        snprintf(item, sizeof item, "i%d", i);
        pm_record r = {
            i % 1000 == 0 ? big : "a", item, i % 2 ? "A" : "B", NULL, 0, NAN, NAN, NULL, 0, 0};
        assert_int_equal(pm_records_write(w, &r, NULL), PM_OK);
    }
    assert_int_equal(pm_records_writer_close(w, NULL), PM_OK);
    rewind(fp);
    pm_records_options o = {0};
    o.max_line = 1 << 16;
    pm_records *rd = pm_records_new(&o, NULL);
    assert_int_equal(pm_records_open_stream(rd, fp, "t", NULL), PM_OK);
    for (int i = 0; i < 20000; i++) {
        pm_record r;
        int got = 0;
        assert_int_equal(pm_records_next(rd, &r, &got, NULL), PM_OK);
        assert_int_equal(got, 1);
        assert_string_equal(r.annotator, i % 1000 == 0 ? big : "a");
        assert_string_equal(r.label, i % 2 ? "A" : "B");
    }
    pm_records_free(rd);
    fclose(fp);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_labelstudio),
        cmocka_unit_test(test_csv_bytes),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_long_and_many),
        cmocka_unit_test(test_csv_guard_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
