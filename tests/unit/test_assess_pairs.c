/* assess keep_pairs: the pair outcomes in order, and each key's first and
 * last label, against a brute-force pairing written here (sort the
 * annotator's labels, walk them with a map from item to its last label). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/assess.h"

typedef struct ev {
    int ann, item, label;
    double ts;
    int seq;
} ev;

static const char *const ANN[] = {"ann0", "ann1", "ann2", "ann3"};
static const char *const ITEM[] = {"i0", "i1", "i2", "i3", "i4", "i5"};
static const char *const LAB[] = {"A", "B", "tie"};

static unsigned long long lcg(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

static int cmp_ts(const void *x, const void *y)
{
    const ev *a = x, *b = y;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    return a->seq - b->seq;
}

/* The reference: annotator w's outcomes and per item first/last label. */
static void reference(const ev *all, int n, int w, char *out, int *first, int *last)
{
    ev v[256];
    int m = 0, timed = 1;
    for (int i = 0; i < n; i++)
        if (all[i].ann == w) {
            v[m++] = all[i];
            timed &= !isnan(all[i].ts);
        }
    if (timed)
        qsort(v, (size_t)m, sizeof *v, cmp_ts);
    int k = 0;
    for (int j = 0; j < 6; j++)
        first[j] = last[j] = -1;
    for (int i = 0; i < m; i++) {
        int it = v[i].item;
        if (last[it] >= 0)
            out[k++] = last[it] == v[i].label ? '1' : '0';
        else
            first[it] = v[i].label;
        last[it] = v[i].label;
    }
    out[k] = '\0';
}

/* With threads > 1 the records are routed to the shards and each item is
 * numbered in the table of its hash class: the keys' item strings below
 * are looked up by those ids. */
static void check_log_t(const ev *e, int n, int threads)
{
    pm_assess_options opt;
    pm_assess_options_default(&opt);
    opt.keep_pairs = 1;
    opt.threads = threads;
    pm_error err;
    pm_assess *a = pm_assess_new(&opt, &err);
    assert_non_null(a);
    for (int i = 0; i < n; i++) {
        pm_record r = {.annotator = ANN[e[i].ann],
                       .item = ITEM[e[i].item],
                       .label = LAB[e[i].label],
                       .timestamp = e[i].ts,
                       .duration = NAN,
                       .file = "t.csv",
                       .line = i + 2};
        assert_int_equal(pm_assess_add(a, &r, &err), PM_OK);
    }
    assert_int_equal(pm_assess_finish(a, &err), PM_OK);
    size_t nrows;
    const pm_assess_row *rows = pm_assess_rows(a, &nrows);
    for (size_t r = 0; r < nrows; r++) {
        int w = rows[r].annotator[3] - '0';
        char want[256];
        int first[6], last[6];
        reference(e, n, w, want, first, last);
        assert_non_null(rows[r].pair_outcomes);
        assert_string_equal(rows[r].pair_outcomes, want);
        /* The kept pairs are the row's own counts. */
        long ones = 0;
        for (const char *c = want; *c; c++)
            ones += *c == '1';
        assert_int_equal(rows[r].dup_pairs, (long)strlen(want));
        assert_int_equal(rows[r].consistent, ones);
        size_t np, nk;
        const pm_assess_pair *p = pm_assess_row_pairs(a, r, &np);
        assert_int_equal(np, strlen(want));
        for (size_t i = 0; i < np; i++) {
            assert_int_equal(p[i].agree, want[i] == '1');
            if (i)
                assert_true(p[i].pos > p[i - 1].pos);
        }
        const pm_assess_key_labels *k = pm_assess_row_keys(a, r, &nk);
        size_t keys = 0;
        for (int j = 0; j < 6; j++)
            keys += first[j] >= 0;
        assert_int_equal(nk, keys);
        for (size_t i = 0; i < nk; i++) {
            int it = k[i].item[1] - '0';
            assert_string_equal(k[i].first_label, LAB[first[it]]);
            assert_string_equal(k[i].last_label, LAB[last[it]]);
            if (i)
                assert_true(k[i].first_pos > k[i - 1].first_pos);
        }
    }
    pm_assess_free(a);
}

static void check_log(const ev *e, int n)
{
    check_log_t(e, n, 1);
}

/* Random logs: 4 annotators, 6 items, 3 labels; annotator 3 misses a
 * timestamp now and then (input order), the others are timestamped out of
 * order (distinct times: no exact duplicates). */
static void test_random_logs(void **state)
{
    (void)state;
    unsigned long long s = 12345;
    for (int round = 0; round < 300; round++) {
        ev e[120];
        int n = 10 + (int)(lcg(&s) % 100);
        for (int i = 0; i < n; i++) {
            e[i].ann = (int)(lcg(&s) % 4);
            e[i].item = (int)(lcg(&s) % 6);
            e[i].label = (int)(lcg(&s) % 3);
            e[i].ts = (double)(lcg(&s) % 100000) + i * 1e-6;
            e[i].seq = i;
            if (e[i].ann == 3 && lcg(&s) % 5 == 0)
                e[i].ts = NAN;
        }
        check_log(e, n);
        check_log_t(e, n, 3);
        check_log_t(e, n, 4);
    }
}

/* An exact duplicate (same key, label and timestamp) is dropped, never a
 * pair; off by default: no outcomes, no field in the file. */
static void test_duplicate_and_default(void **state)
{
    (void)state;
    pm_assess_options opt;
    pm_assess_options_default(&opt);
    assert_int_equal(opt.keep_pairs, 0);
    for (int keep = 0; keep < 2; keep++) {
        opt.keep_pairs = keep;
        pm_assess *a = pm_assess_new(&opt, NULL);
        const char *lab[4] = {"A", "A", "B", "A"};
        double ts[4] = {1, 1, 2, 3};
        for (int i = 0; i < 4; i++) {
            pm_record r = {.annotator = "w",
                           .item = "x",
                           .label = lab[i],
                           .timestamp = ts[i],
                           .duration = NAN,
                           .file = "t.csv",
                           .line = i + 2};
            assert_int_equal(pm_assess_add(a, &r, NULL), PM_OK);
        }
        assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
        size_t n;
        const pm_assess_row *row = pm_assess_rows(a, &n);
        assert_int_equal(row->dup_pairs, 2);
        char buf[8192];
        FILE *fp = fmemopen(buf, sizeof buf, "w");
        assert_int_equal(pm_assess_save_json(a, fp, "mem", NULL), PM_OK);
        fclose(fp);
        if (keep) {
            assert_string_equal(row->pair_outcomes, "00");
            assert_non_null(strstr(buf, "\"pair_outcomes\": \"00\""));
            pm_assess *b;
            pm_error err;
            assert_int_equal(pm_assess_load_json_mem(buf, strlen(buf), "mem", &b, &err), PM_OK);
            assert_string_equal(pm_assess_rows(b, &n)->pair_outcomes, "00");
            pm_assess_free(b);
            /* A string that disagrees with the counts is refused. */
            char *p = strstr(buf, "\"00\"");
            p[2] = '1';
            assert_int_equal(pm_assess_load_json_mem(buf, strlen(buf), "mem", &b, &err), PM_EPARSE);
            assert_non_null(strstr(err.text, "pair_outcomes"));
        } else {
            assert_null(row->pair_outcomes);
            assert_null(strstr(buf, "pair_outcomes"));
            assert_null(pm_assess_row_pairs(a, 0, &n));
            assert_int_equal(n, 0);
            pm_assess *b;
            assert_int_equal(pm_assess_load_json_mem(buf, strlen(buf), "mem", &b, NULL), PM_OK);
            assert_null(pm_assess_rows(b, &n)->pair_outcomes);
            pm_assess_free(b);
        }
        pm_assess_free(a);
    }
}

/* No label at all (an import whose every record was already in the
 * store): finish keeps nothing, and nothing is sorted from NULL (the
 * sanitizer build's check). */
static void test_empty(void **state)
{
    (void)state;
    pm_assess_options opt;
    pm_assess_options_default(&opt);
    opt.keep_pairs = 1;
    pm_assess *a = pm_assess_new(&opt, NULL);
    assert_int_equal(pm_assess_finish(a, NULL), PM_OK);
    size_t n = 1;
    pm_assess_rows(a, &n);
    assert_int_equal(n, 0);
    assert_null(pm_assess_row_pairs(a, 0, &n));
    pm_assess_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_random_logs),
        cmocka_unit_test(test_duplicate_and_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
