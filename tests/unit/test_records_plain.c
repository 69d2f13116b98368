/* io/records_plain.h: `assess` reads a CSV or TSV log's plain rows as
 * fields (pmx_records_plain) and every other row as pm_records_next does.
 * Both readers are run over the same generated logs, whose rows mix plain
 * ones with every kind the plain path must hand back (UTF-8 names, guarded
 * cells, a separator in quotes, other spellings of pairwise words, empty labels,
 * times and durations in other forms, gold from a gold file), with LF and
 * CRLF line ends: they must
 * give the same records, lines, counts and, on a bad row, the same error. */
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

#include "io/records_plain.h"
#include "prefmon/records.h"

typedef struct row {
    char annotator[64], item[64], label[16], gold[16];
    int has_gold;
    char shown;
    double ts, dur;
    long line;
} row;

typedef struct run {
    row *v;
    size_t n, cap;
    long plain, records; /* rows that came each way (pmx_records_plain only) */
    pm_status st;
    char err[1024];
    pm_records_stats stats;
} run;

static uint64_t rng;

static unsigned pick(unsigned n)
{
    rng = rng * 6364136223846793005u + 1442695040888963407u;
    return (unsigned)((rng >> 33) % n);
}

static const char *one(const char *const *v, unsigned n)
{
    return v[pick(n)];
}

#define ONE(v) one(v, sizeof v / sizeof *v)

/* A log of `rows` rows, sep ',' or '\t'; with bad = 1 one row in the
 * middle has a label that is no pairwise word. */
static void write_log(const char *path, char sep, int rows, int bad)
{
    static const char *const anns[] = {"ann%u", "ann%u", "\"ann%u\"", "\xc3\xa4nn%u", "'=ann%u"};
    static const char *const items[] = {"item-%u", "item-%u", "\"item-%u\"", "\"it,em-%u\""};
    static const char *const labels[] = {"A", "B",   "tie",  "A",     "B",
                                         "a", "Tie", "left", "right", ""};
    static const char *const golds[] = {"", "", "A", "B", "tie", "b"};
    static const char *const sides[] = {"A", "B", "A", "B", "a"};
    static const char *const times[] = {"2024-05-01T10:%02u:07Z", "2024-05-01T10:%02u:07",
                                        "17000000%02u", "2024-05-01 10:%02u:00", ""};
    static const char *const durs[] = {"28.7", "3", "1e1", "0.25", ""};
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "annotator%citem%clabel%cgold%cshown_left%ctimestamp%cduration\n", sep, sep, sep,
            sep, sep, sep);
    for (int i = 0; i < rows; i++) {
        const char *ann = ONE(anns);
        char a[64], it[64], t[64];
        snprintf(a, sizeof a, ann, pick(40));
        const char *item = ONE(items);
        if (sep == '\t' && strchr(item, ','))
            item = items[0]; /* (a quote is data in TSV: "item-1" is that key) */
        snprintf(it, sizeof it, item, pick(300));
        snprintf(t, sizeof t, ONE(times), pick(60));
        const char *label = bad && i == rows / 2 ? "x" : ONE(labels);
        fprintf(fp, "%s%c%s%c%s%c%s%c%s%c%s%c%s%s", a, sep, it, sep, label, sep, ONE(golds), sep,
                ONE(sides), sep, t, sep, ONE(durs), pick(4) ? "\n" : "\r\n");
        if (pick(40) == 0)
            fputc('\n', fp); /* a blank line */
    }
    assert_int_equal(fclose(fp), 0);
}

static void add(run *out, const pm_record *r)
{
    if (out->n == out->cap) {
        out->cap = out->cap ? 2 * out->cap : 256;
        out->v = realloc(out->v, out->cap * sizeof *out->v);
        assert_non_null(out->v);
    }
    row *w = &out->v[out->n++];
    memset(w, 0, sizeof *w);
    assert_true(strlen(r->annotator) < sizeof w->annotator && strlen(r->item) < sizeof w->item);
    strcpy(w->annotator, r->annotator);
    strcpy(w->item, r->item);
    strcpy(w->label, r->label);
    w->has_gold = r->gold != NULL;
    if (r->gold)
        strcpy(w->gold, r->gold);
    w->shown = r->shown_left;
    w->ts = r->timestamp;
    w->dur = r->duration;
    w->line = r->line;
}

static void read_log(const char *path, const char *gold, int plain, run *out)
{
    memset(out, 0, sizeof *out);
    pm_records_options opt;
    pm_records_options_default(&opt);
    pm_error err = {0};
    pm_records *r = pm_records_new(&opt, &err);
    assert_non_null(r);
    if (gold)
        assert_int_equal(pm_records_read_gold(r, gold, &err), PM_OK);
    assert_int_equal(pm_records_open(r, path, &err), PM_OK);
    if (plain)
        assert_true(pmx_records_plain_ok(r));
    for (;;) {
        pm_record rec;
        int got = 1;
        pm_status st = PM_OK;
        pmx_plain_kind kind = PMX_PLAIN_NONE;
        pmx_plain p;
        if (plain)
            st = pmx_records_plain(r, &p, &rec, &kind, &err);
        if (st == PM_OK && kind == PMX_PLAIN_NONE)
            st = pm_records_next(r, &rec, &got, &err);
        if (st != PM_OK) {
            out->st = st;
            snprintf(out->err, sizeof out->err, "%s", err.text);
            break;
        }
        if (!got)
            break;
        if (kind == PMX_PLAIN_ROW) {
            /* the lengths are the strings' */
            assert_int_equal(p.annotator_len, strlen(p.annotator));
            assert_int_equal(p.item_len, strlen(p.item));
            assert_int_equal(p.ranking, 0);
            rec = (pm_record){.annotator = p.annotator,
                              .item = p.item,
                              .label = p.label,
                              .gold = p.gold,
                              .shown_left = p.shown_left,
                              .timestamp = p.timestamp,
                              .duration = p.duration,
                              .file = p.file,
                              .line = p.line};
            out->plain++;
        } else if (kind == PMX_PLAIN_RECORD) {
            out->records++;
        }
        add(out, &rec);
    }
    pm_records_stats_get(r, &out->stats);
    pm_records_free(r);
}

static int same_double(double x, double y)
{
    return (isnan(x) && isnan(y)) || memcmp(&x, &y, sizeof x) == 0;
}

static void compare(const char *path, const char *gold, int expect_error)
{
    run a, b;
    read_log(path, gold, 0, &a);
    read_log(path, gold, 1, &b);
    assert_int_equal(a.st, b.st);
    assert_string_equal(a.err, b.err);
    assert_int_equal(a.st != PM_OK, expect_error);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        const row *x = &a.v[i], *y = &b.v[i];
        if (strcmp(x->annotator, y->annotator) || strcmp(x->item, y->item) ||
            strcmp(x->label, y->label) || x->has_gold != y->has_gold || strcmp(x->gold, y->gold) ||
            x->shown != y->shown || !same_double(x->ts, y->ts) || !same_double(x->dur, y->dur) ||
            x->line != y->line)
            fail_msg("record %zu (line %ld) differs: %s/%s/%s/%s vs %s/%s/%s/%s", i, x->line,
                     x->annotator, x->item, x->label, x->gold, y->annotator, y->item, y->label,
                     y->gold);
    }
    assert_memory_equal(&a.stats, &b.stats, sizeof a.stats);
    /* both ways were taken: the test covers the hand-back */
    assert_true(b.plain > (long)a.n / 10);
    assert_true(b.records > (long)a.n / 10);
    assert_true(a.stats.skipped[PM_RECORDS_SKIP_EMPTY_LABEL] > 0);
    free(a.v);
    free(b.v);
}

static char dir[64];

static void test_csv_same_records(void **state)
{
    (void)state;
    char path[128], gold[128];
    snprintf(path, sizeof path, "%s/log.csv", dir);
    snprintf(gold, sizeof gold, "%s/gold.csv", dir);
    FILE *fp = fopen(gold, "w");
    assert_non_null(fp);
    fputs("item,gold\n", fp);
    for (int i = 0; i < 300; i += 3)
        fprintf(fp, "item-%d,%s\n", i, i % 2 ? "A" : "B");
    assert_int_equal(fclose(fp), 0);
    rng = 7;
    write_log(path, ',', 20000, 0);
    compare(path, NULL, 0);
    compare(path, gold, 0);
}

/* A log `name` of `rows` rows written with seed and compared (bad: with
 * the bad row, whose error both ways must give). */
static void write_and_compare(const char *name, char sep, int rows, int bad, uint64_t seed)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    rng = seed;
    write_log(path, sep, rows, bad);
    compare(path, NULL, bad);
}

static void test_tsv_same_records(void **state)
{
    (void)state;
    write_and_compare("log.tsv", '\t', 20000, 0, 11);
}

static void test_same_error(void **state)
{
    (void)state;
    write_and_compare("bad.csv", ',', 4000, 1, 13);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/pm-plain-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"log.csv", "gold.csv", "log.tsv", "bad.csv"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_same_records),
        cmocka_unit_test(test_tsv_same_records),
        cmocka_unit_test(test_same_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
