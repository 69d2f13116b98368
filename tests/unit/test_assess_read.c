/* pm_assess_read: a CSV log through pm_records into pm_assess, in batches,
 * against a brute-force pairing computed here (exact duplicate records
 * dropped first, then each key's labels sorted by
 * timestamp, input order breaking ties, when every label of the annotator
 * has one; else input order), over enough rows to span several batches,
 * with annotators in and out of timestamp order. */
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
#include "prefmon/records.h"

#define ROWS 300
#define ANNS 4
#define ITEMS 7

typedef struct ev {
    int ann, item, label, seq;
    long ts; /* -1: none */
} ev;

static ev log_rows[ROWS];

/* Annotator 0: timestamps increasing; 1: shuffled timestamps (disordered
 * from its second row on); 2: increasing but one goes back near the end;
 * 3: no timestamps. */
static void make_log(void)
{
    unsigned x = 12345;
    for (int i = 0; i < ROWS; i++) {
        x = x * 1103515245u + 12345u;
        ev *e = &log_rows[i];
        e->ann = i % ANNS;
        e->item = (int)((x >> 8) % ITEMS);
        e->label = (int)((x >> 16) % 3);
        e->seq = i;
        e->ts = e->ann == 3 ? -1 : e->ann == 1 ? (long)((x >> 4) % 50) : i;
        if (e->ann == 2 && i == ROWS - 2)
            e->ts = 5; /* back in time: re-pairs this annotator's keys */
    }
}

static int cmp_ev(const void *p, const void *q)
{
    const ev *a = p, *b = q;
    if (a->ann != b->ann)
        return a->ann - b->ann;
    if (a->item != b->item)
        return a->item - b->item;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1; /* ts is -1 for a whole annotator or none */
    return a->seq - b->seq;
}

/* A timestamped row equal to an earlier kept one in annotator, item, label
 * and timestamp is an exact duplicate record: dropped, never paired
 * (annotator 1's 50 shuffled timestamps repeat some). Returns the rows
 * kept in v, per-annotator label counts in labels, drops in *dropped. */
static int keep_rows(ev *v, long labels[ANNS], long *dropped)
{
    int n = 0;
    *dropped = 0;
    for (int i = 0; i < ROWS; i++) {
        const ev *e = &log_rows[i];
        int dup = 0;
        for (int j = 0; e->ts >= 0 && j < n && !dup; j++)
            dup = v[j].ann == e->ann && v[j].item == e->item && v[j].label == e->label &&
                  v[j].ts == e->ts;
        if (dup) {
            (*dropped)++;
            continue;
        }
        v[n++] = *e;
        labels[e->ann]++;
    }
    return n;
}

static void brute(long pairs[ANNS], long agree[ANNS], long labels[ANNS], long *dropped)
{
    static ev v[ROWS];
    int n = keep_rows(v, labels, dropped);
    qsort(v, (size_t)n, sizeof *v, cmp_ev);
    for (int i = 1; i < n; i++)
        if (v[i].ann == v[i - 1].ann && v[i].item == v[i - 1].item) {
            pairs[v[i].ann]++;
            agree[v[i].ann] += v[i].label == v[i - 1].label;
        }
}

static char *csv_text(int bad_line)
{
    static const char *labs[3] = {"A", "B", "tie"};
    size_t cap = 64 + ROWS * 48, n = 0;
    char *s = malloc(cap);
    n += (size_t)snprintf(s + n, cap - n, "annotator,item,label,timestamp\n");
    for (int i = 0; i < ROWS; i++) {
        const ev *e = &log_rows[i];
        char ts[24] = "";
        if (e->ts >= 0)
            snprintf(ts, sizeof ts, "%ld", 1700000000 + e->ts);
        if (i + 2 == bad_line)
            strcpy(ts, "soon");
        n += (size_t)snprintf(s + n, cap - n, "w%d,\"item,%d\",%s,%s\n", e->ann, e->item,
                              labs[e->label], ts);
    }
    return s;
}

static pm_assess *read_text(const char *text, pm_status want, pm_error *err)
{
    FILE *fp = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(fp);
    pm_records *r = pm_records_new(NULL, NULL);
    pm_assess *a = pm_assess_new(NULL, NULL);
    assert_int_equal(pm_records_open_stream(r, fp, "log.csv", err), PM_OK);
    assert_int_equal(pm_assess_read(a, r, err), want);
    pm_records_free(r);
    fclose(fp);
    return a;
}

static void test_read_matches_brute_force(void **state)
{
    (void)state;
    make_log();
    long pairs[ANNS] = {0}, agree[ANNS] = {0}, labels[ANNS] = {0}, dropped;
    brute(pairs, agree, labels, &dropped);
    assert_true(dropped > 0); /* the test covers exact duplicates */
    char *text = csv_text(0);
    pm_error err;
    pm_assess *a = read_text(text, PM_OK, &err);
    assert_int_equal(pm_assess_finish(a, &err), PM_OK);
    size_t n;
    const pm_assess_row *rows = pm_assess_rows(a, &n);
    assert_int_equal(n, ANNS);
    long differ = 0;
    for (int i = 0; i < ANNS; i++) {
        char name[8];
        snprintf(name, sizeof name, "w%d", i);
        assert_string_equal(rows[i].annotator, name);
        assert_int_equal(rows[i].labels, labels[i]);
        assert_int_equal(rows[i].dup_pairs, pairs[i]);
        assert_int_equal(rows[i].consistent, agree[i]);
        differ += pairs[i] > 0;
    }
    assert_int_equal(differ, ANNS);
    assert_int_equal(pm_assess_summary_get(a)->rows, ROWS);
    assert_int_equal(pm_assess_summary_get(a)->dup_dropped, dropped);
    pm_assess_free(a);
    free(text);
}

/* A reader error stops the read there: the rows before it are added. */
static void test_read_error(void **state)
{
    (void)state;
    make_log();
    char *text = csv_text(150);
    pm_error err;
    pm_assess *a = read_text(text, PM_EPARSE, &err);
    assert_non_null(strstr(err.text, "log.csv:150:"));
    assert_int_equal(pm_assess_summary_get(a)->rows, 148);
    pm_assess_free(a);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_matches_brute_force),
        cmocka_unit_test(test_read_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
