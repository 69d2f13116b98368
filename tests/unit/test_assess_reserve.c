/* pm_assess_reserve is a size hint only: the rows are those of a handle
 * that never reserved, whether the reservation comes first, between rows
 * (the table is rehashed with keys and event lists in it) or is cut down
 * by the memory limit. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/assess.h"

#define ROWS 6000

typedef struct logrow {
    char ann[8], item[16];
    const char *label;
    double ts;
} logrow;

static logrow rows_[ROWS];

/* Annotators in runs of 7 rows, an item pool small enough for repeats (3
 * and more per key), timestamps that go back now and then so that some
 * annotators are re-paired in timestamp order at finish. */
static void make_log(void)
{
    static const char *const labs[3] = {"A", "B", "tie"};
    unsigned x = 12345;
    for (int i = 0; i < ROWS; i++) {
        x = x * 1103515245u + 12345u;
        snprintf(rows_[i].ann, sizeof rows_[i].ann, "w%u", (unsigned)(i / 7) % 13);
        snprintf(rows_[i].item, sizeof rows_[i].item, "item-%u", (x >> 8) % 700);
        rows_[i].label = labs[(x >> 20) % 3];
        rows_[i].ts = (x >> 24) % 5 == 0 ? (double)(i - 40) : (double)i;
    }
}

static void add_range(pm_assess *a, int from, int to)
{
    for (int i = from; i < to; i++) {
        pm_record r = {.annotator = rows_[i].ann,
                       .item = rows_[i].item,
                       .label = rows_[i].label,
                       .timestamp = rows_[i].ts,
                       .duration = NAN,
                       .file = "t.csv",
                       .line = (long)i + 2};
        pm_error err;
        assert_int_equal(pm_assess_add(a, &r, &err), PM_OK);
    }
}

/* Every count of every row equal (the numbers derive from them). */
static void assert_same(const pm_assess *a, const pm_assess *b)
{
    size_t na, nb;
    const pm_assess_row *ra = pm_assess_rows(a, &na), *rb = pm_assess_rows(b, &nb);
    assert_int_equal(na, 13);
    assert_int_equal(nb, na);
    for (size_t i = 0; i < na; i++) {
        assert_string_equal(ra[i].annotator, rb[i].annotator);
        assert_int_equal(ra[i].labels, rb[i].labels);
        assert_int_equal(ra[i].dup_pairs, rb[i].dup_pairs);
        assert_int_equal(ra[i].consistent, rb[i].consistent);
        assert_true(ra[i].q0 == rb[i].q0);
        assert_int_equal(ra[i].decision, rb[i].decision);
    }
    const pm_assess_summary *sa = pm_assess_summary_get(a), *sb = pm_assess_summary_get(b);
    assert_int_equal(sa->keys, sb->keys);
    assert_int_equal(sa->pairs, sb->pairs);
}

static void test_reserve_same_rows(void **state)
{
    (void)state;
    make_log();
    pm_assess *plain = pm_assess_new(NULL, NULL);
    add_range(plain, 0, ROWS);
    assert_int_equal(pm_assess_finish(plain, NULL), PM_OK);
    /* Pairs by brute force: rows minus distinct (annotator, item) keys. */
    long keys = 0;
    for (int i = 0; i < ROWS; i++) {
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = !strcmp(rows_[i].ann, rows_[j].ann) && !strcmp(rows_[i].item, rows_[j].item);
        keys += !seen;
    }
    assert_int_equal(pm_assess_summary_get(plain)->keys, keys);
    assert_int_equal(pm_assess_summary_get(plain)->pairs, ROWS - keys);

    pm_assess *first = pm_assess_new(NULL, NULL), *between = pm_assess_new(NULL, NULL);
    assert_int_equal(pm_assess_reserve(first, ROWS, NULL), PM_OK);
    add_range(first, 0, ROWS);
    add_range(between, 0, ROWS / 2);
    /* Rehashes the keys (and their event lists' heads) held so far. */
    assert_int_equal(pm_assess_reserve(between, 1000000, NULL), PM_OK);
    add_range(between, ROWS / 2, ROWS);
    assert_int_equal(pm_assess_finish(first, NULL), PM_OK);
    assert_int_equal(pm_assess_finish(between, NULL), PM_OK);
    assert_same(plain, first);
    assert_same(plain, between);
    /* The reserved table is counted in the memory held. */
    assert_true(pm_assess_summary_get(between)->bytes >= 1000000 * 12);
    pm_error err;
    assert_int_equal(pm_assess_reserve(first, 10, &err), PM_EINVAL);
    pm_assess_free(plain);
    pm_assess_free(first);
    pm_assess_free(between);
}

/* With max_bytes the hint is cut to half of it: a reservation far past
 * the limit neither fails nor makes adding fail. (16 MiB: the limit is
 * checked on every row, and the rest holds a 4 MiB event chunk and a
 * 1 MiB string arena besides the table.) */
static void test_reserve_within_limit(void **state)
{
    (void)state;
    make_log();
    pm_assess_options o;
    pm_assess_options_default(&o);
    o.max_bytes = (size_t)16 << 20;
    pm_assess *a = pm_assess_new(&o, NULL);
    assert_int_equal(pm_assess_reserve(a, (size_t)1 << 40, NULL), PM_OK);
    add_range(a, 0, ROWS);
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    pm_assess *b = pm_assess_new(NULL, NULL);
    add_range(b, 0, ROWS);
    assert_int_equal(pm_assess_finish(b, NULL), PM_OK);
    /* The key table is the only difference, and at most max_bytes / 2. */
    size_t held = pm_assess_summary_get(a)->bytes, plain = pm_assess_summary_get(b)->bytes;
    assert_true(held > plain);
    assert_true(held - plain <= o.max_bytes / 2);
    assert_same(a, b);
    pm_assess_free(a);
    pm_assess_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reserve_same_rows),
        cmocka_unit_test(test_reserve_within_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
