/* io/records_plain.h: `assess` reads a CSV or TSV log's plain rows as
 * fields (pmx_records_plain) and every other row as pm_records_next does.
 * Both are run over the same generated logs (the reference with
 * pmx_records_no_split, so that every line goes through pm_csv_next and no
 * line is split in place), whose rows mix plain
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
    char *annotator, *item, *label, *gold; /* copies ("" for no gold) */
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

static char *copy_of(const char *s)
{
    char *d = strdup(s ? s : "");
    assert_non_null(d);
    return d;
}

static void add(run *out, const pm_record *r)
{
    if (out->n == out->cap) {
        out->cap = out->cap ? 2 * out->cap : 256;
        out->v = realloc(out->v, out->cap * sizeof *out->v);
        assert_non_null(out->v);
    }
    row *w = &out->v[out->n++];
    w->annotator = copy_of(r->annotator);
    w->item = copy_of(r->item);
    w->label = copy_of(r->label);
    w->has_gold = r->gold != NULL;
    w->gold = copy_of(r->gold);
    w->shown = r->shown_left;
    w->ts = r->timestamp;
    w->dur = r->duration;
    w->line = r->line;
}

static void run_free(run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].annotator);
        free(r->v[i].item);
        free(r->v[i].label);
        free(r->v[i].gold);
    }
    free(r->v);
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
    else
        pmx_records_no_split(r); /* the reference shares no code with the plain path */
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
            assert_int_equal(p.label_len, strlen(p.label));
            assert_int_equal(p.gold_len, p.gold ? strlen(p.gold) : 0);
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

/* Both ways read path alike: records, counts and any error. */
static void same_runs(const run *a, const run *b)
{
    assert_int_equal(a->st, b->st);
    assert_string_equal(a->err, b->err);
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const row *x = &a->v[i], *y = &b->v[i];
        if (strcmp(x->annotator, y->annotator) || strcmp(x->item, y->item) ||
            strcmp(x->label, y->label) || x->has_gold != y->has_gold || strcmp(x->gold, y->gold) ||
            x->shown != y->shown || !same_double(x->ts, y->ts) || !same_double(x->dur, y->dur) ||
            x->line != y->line)
            fail_msg("record %zu (line %ld) differs: %s/%s/%s/%s vs %s/%s/%s/%s", i, x->line,
                     x->annotator, x->item, x->label, x->gold, y->annotator, y->item, y->label,
                     y->gold);
    }
    assert_memory_equal(&a->stats, &b->stats, sizeof a->stats);
}

static void compare(const char *path, const char *gold, int expect_error)
{
    run a, b;
    read_log(path, gold, 0, &a);
    read_log(path, gold, 1, &b);
    same_runs(&a, &b);
    assert_int_equal(a.st != PM_OK, expect_error);
    /* both ways were taken: the test covers the hand-back */
    assert_true(b.plain > (long)a.n / 10);
    assert_true(b.records > (long)a.n / 10);
    assert_true(a.stats.skipped[PM_RECORDS_SKIP_EMPTY_LABEL] > 0);
    run_free(&a);
    run_free(&b);
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

/* Quotes the plain path must refuse or take exactly as the byte-state scan
 * does, one log each (header, the line, a plain line): a doubled quote
 * inside quotes, a quote inside an unquoted field, text after a closing
 * quote, a separator and a CRLF inside quotes, an empty quoted field, a
 * quote left open, a lone quote. */
static void test_quotes_same_records(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "w1,i1,\"A\"\"\"", "w1,\"i\"\"1\",A",     "w1,i\"1,A",        "\"w1\"x,i1,A",
        "w1,\"i,1\",A",    "w1,\"i\r\n1\",A",     "w1,\"\",A",        "w1,i1,\"A",
        "w1,\",A",         "\"w1\",\"i1\",\"A\"", "w1,\"i1\",\"\"",   "w1,i1,A\"",
        "\"\"\"w1\",i1,A", "w1,\"i1\"\r\n",       "w1,\"i1\",\"A\"\r"};
    char path[128];
    snprintf(path, sizeof path, "%s/bytes.csv", dir);
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        fprintf(fp, "annotator,item,label\n%s\nw2,i2,B\n", lines[i]);
        assert_int_equal(fclose(fp), 0);
        run a, b;
        read_log(path, NULL, 0, &a);
        read_log(path, NULL, 1, &b);
        same_runs(&a, &b);
        run_free(&a);
        run_free(&b);
    }
}

/* Byte-level: short logs of lines made from the bytes that matter to the
 * split (separators, quotes, CR, LF, NUL, high bytes valid UTF-8 or not, the guard quote,
 * pairwise words, digits), shaped like rows or any bytes: whatever the
 * plain path takes, it must take as the byte-state scan and
 * pmx_generic_record do, and whatever it refuses must reach them
 * untouched. 3,000 logs of 30 lines each, one line in thirty any bytes
 * (many logs end at an error, which must be the same one). */
static void test_bytes_same_records(void **state)
{
    (void)state;
    static const char *const bits[] = {
        "a",    "b",  "A",  "B",    "tie", ",",        ",",          "\"",
        "\"\"", "\r", "\n", "'",    "=",   "\xc3\xa9", "1700000000", "2024-05-01T00:00:00Z",
        "1.5",  "-",  " ",  "\xff", "\xc3"}; /* (the last two: no UTF-8, which the
                                               plain path must not take as ASCII) */
    static const char *const words[] = {"A", "B", "tie", "a", "", "\"A\"", "\"B\"", "\"tie\""};
    static const char *const sides[] = {"A", "B", "A", "B", "", "a", "\"A\""};
    char path[128];
    snprintf(path, sizeof path, "%s/bytes.csv", dir);
    rng = 17;
    long rows = 0, plain = 0, errors = 0;
    for (int log = 0; log < 3000; log++) {
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        fputs(log % 2 ? "annotator,item,label,shown_left,timestamp\n" : "annotator,item,label\n",
              fp);
        for (int line = 0; line < 30; line++) {
            if (pick(30)) { /* shaped like a row, with a stray byte now and then */
                /* (a quote that opens and never closes ends the log at its end) */
                unsigned i = pick(9);
                fprintf(fp, "%s%u,", pick(40) ? "w" : "\"w", pick(5));
                fprintf(fp, pick(3) ? "i%u," : "\"i%u\",", i);
                fputs(pick(40) ? ONE(words) : "left", fp);
                if (log % 2)
                    fprintf(fp, ",%s,%s", ONE(sides), pick(8) ? "1700000000" : ONE(bits));
                if (pick(10) == 0)
                    fputs(ONE(bits), fp);
                fputs(pick(3) ? "\n" : "\r\n", fp);
            } else {
                for (unsigned k = pick(12); k > 0; k--)
                    fputs(ONE(bits), fp);
                if (pick(50) == 0)
                    fputc('\0', fp);
                fputc('\n', fp);
            }
        }
        assert_int_equal(fclose(fp), 0);
        run a, b;
        read_log(path, NULL, 0, &a);
        read_log(path, NULL, 1, &b);
        same_runs(&a, &b);
        rows += (long)a.n;
        plain += b.plain;
        errors += a.st != PM_OK;
        run_free(&a);
        run_free(&b);
    }
    /* records were read, most by the plain path, and many logs ended at an
     * error (the same one both ways) */
    assert_true(rows > 5000 && plain > 5000 && errors > 1000);
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
    const char *names[] = {"log.csv", "gold.csv", "log.tsv", "bad.csv", "bytes.csv"};
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
        cmocka_unit_test(test_csv_same_records),   cmocka_unit_test(test_tsv_same_records),
        cmocka_unit_test(test_same_error),         cmocka_unit_test(test_quotes_same_records),
        cmocka_unit_test(test_bytes_same_records),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
