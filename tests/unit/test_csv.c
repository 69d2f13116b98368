/* io/csv: the delimited-record reader. Records that are one plain line in
 * the block take a one-scan path and the rest the byte-state scan; both must
 * give the fields, lines and columns that the generator below writes down
 * while it makes the input (so they are known independently of the reader).
 * The input is larger than two 256 KiB blocks, so lines straddle blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/csv_internal.h"
#include "prefmon/csv.h"

typedef struct want {
    char s[64];
    long line, col;
    int last; /* the record's last field */
} want;

typedef struct gen {
    char *text;
    size_t len, cap;
    want *w;
    size_t nw, wcap;
    long line, col;
    uint64_t rng;
} gen;

static unsigned next_u(gen *g, unsigned n)
{
    g->rng = g->rng * 6364136223846793005u + 1442695040888963407u;
    return (unsigned)((g->rng >> 33) % n);
}

static void put(gen *g, const char *s)
{
    size_t n = strlen(s);
    if (g->len + n + 1 > g->cap) {
        g->cap = 2 * (g->len + n + 1);
        g->text = realloc(g->text, g->cap);
        assert_non_null(g->text);
    }
    memcpy(g->text + g->len, s, n);
    g->len += n;
    g->col += (long)n;
}

static want *expect(gen *g)
{
    if (g->nw == g->wcap) {
        g->wcap = g->wcap ? 2 * g->wcap : 1024;
        g->w = realloc(g->w, g->wcap * sizeof *g->w);
        assert_non_null(g->w);
    }
    want *w = &g->w[g->nw++];
    memset(w, 0, sizeof *w);
    w->line = g->line;
    w->col = g->col;
    return w;
}

/* One field: plain bytes (ASCII and a 2-byte UTF-8 letter), or, with
 * quoting, now and then a quoted field with a separator and a doubled quote
 * or with a doubled quote alone, and more often the plain bytes in quotes;
 * at least min bytes. */
static void field(gen *g, char sep, int quoting, unsigned min)
{
    want *w = expect(g);
    if (quoting && next_u(g, 20) == 0) {
        put(g, "\"q");
        char mid[3] = {sep, 0, 0};
        put(g, mid);
        put(g, "\"\"r\"");
        snprintf(w->s, sizeof w->s, "q%c\"r", sep);
        return;
    }
    if (quoting && next_u(g, 20) == 0) { /* a doubled quote, no separator */
        put(g, "\"x\"\"y\"");
        snprintf(w->s, sizeof w->s, "x\"y");
        return;
    }
    int quote = quoting && next_u(g, 6) == 0;
    if (quote)
        put(g, "\"");
    unsigned n = min + next_u(g, 13);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = next_u(g, 40);
        const char *b = k == 0               ? "\xC3\xA9"
                        : k == 1 && !quoting ? "\""
                                             : (char[2]){(char)('a' + k % 26), 0};
        put(g, b);
        strcat(w->s, b);
    }
    if (quote)
        put(g, "\"");
}

static void make(gen *g, char sep, int quoting, size_t bytes)
{
    memset(g, 0, sizeof *g);
    g->line = g->col = 1;
    g->rng = 12345;
    while (g->len < bytes) {
        if (next_u(g, 50) == 0) { /* a blank line: skipped */
            put(g, "\n");
            g->line++;
            g->col = 1;
            continue;
        }
        unsigned nf = 1 + next_u(g, 6);
        for (unsigned f = 0; f < nf; f++) {
            if (f) {
                char s[2] = {sep, 0};
                put(g, s);
            }
            field(g, sep, quoting, nf == 1); /* one empty field is a blank line */
        }
        g->w[g->nw - 1].last = 1;
        put(g, next_u(g, 10) == 0 ? "\r\n" : "\n");
        g->line++;
        g->col = 1;
    }
}

/* A reader of a generated input g of 700,000 bytes in its dialect, with
 * the SIMD width asked for; *fp the stream to close. */
static pm_csv *open_generated(gen *g, char sep, int quoting, int avx2, FILE **fp)
{
    make(g, sep, quoting, 700000);
    *fp = fmemopen(g->text, g->len, "rb");
    assert_non_null(*fp);
    pm_csv *c = pm_csv_new((size_t)1 << 20, NULL);
    assert_non_null(c);
    pm_error err = {0};
    assert_int_equal(pm_csv_open(c, *fp, "t", &err), PM_OK);
    pm_csv_dialect(c, sep, quoting);
    pmx_csv_simd(c, avx2);
    return c;
}

static void check_reader(char sep, int quoting, int avx2)
{
    gen g;
    FILE *fp;
    pm_csv *c = open_generated(&g, sep, quoting, avx2, &fp);
    pm_error err = {0};
    size_t k = 0;
    int got;
    while (pm_csv_next(c, &got, &err) == PM_OK && got) {
        const pm_csv_field *f = pm_csv_fields(c);
        size_t n = pm_csv_nfields(c);
        assert_int_equal(pm_csv_line(c), g.w[k].line);
        for (size_t i = 0; i < n; i++, k++) {
            assert_true(k < g.nw);
            assert_string_equal(f[i].s, g.w[k].s);
            assert_int_equal(f[i].len, strlen(g.w[k].s));
            assert_int_equal(f[i].line, g.w[k].line);
            assert_int_equal(f[i].col, g.w[k].col);
            assert_int_equal(g.w[k].last, i + 1 == n);
        }
    }
    assert_int_equal(err.code, PM_OK);
    assert_int_equal(k, g.nw);
    pm_csv_free(c);
    fclose(fp);
    free(g.text);
    free(g.w);
}

static void test_csv_matches_generator(void **state)
{
    (void)state;
    check_reader(',', 1, 1);
    check_reader(',', 1, 0);
}

static void test_tsv_matches_generator(void **state)
{
    (void)state;
    check_reader('\t', 0, 1);
    check_reader('\t', 0, 0);
}

/* The next record read by pm_csv_next is the generator's w[0..nf). */
static void next_is(pm_csv *c, const want *w, size_t nf)
{
    pm_error err = {0};
    int got = 0;
    assert_int_equal(pm_csv_next(c, &got, &err), PM_OK);
    assert_int_equal(got, 1);
    assert_int_equal(pm_csv_nfields(c), nf);
    assert_int_equal(pm_csv_line(c), w[0].line);
    for (size_t i = 0; i < nf; i++)
        assert_string_equal(pm_csv_fields(c)[i].s, w[i].s);
}

/* pmx_csv_next_split, as the generic reader calls it: asked for the
 * generator's field count, it splits a plain line in place (fields in
 * plain quotes too), giving the fields, line and columns the generator
 * wrote down; asked for a wrong count, or given a line with a separator or
 * a doubled quote inside quotes, it leaves the record to pm_csv_next
 * untouched. Every record is read one way or the other, in order, with
 * nothing lost or read twice. */
static void check_split(char sep, int quoting, int avx2)
{
    gen g;
    FILE *fp;
    pm_csv *c = open_generated(&g, sep, quoting, avx2, &fp);
    pm_error err = {0};
    size_t k = 0, split = 0, other = 0, refused = 0, with_quotes = 0;
    uint32_t start[8];
    pmx_csv_span span[8];
    while (k < g.nw) {
        size_t nf = 1;
        while (!g.w[k + nf - 1].last)
            nf++;
        pmx_csv_split row;
        int wrong = (k / 7) % 5 == 0; /* now and then ask for one field too many */
        int r = pmx_csv_next_split(c, nf + (size_t)wrong, start, span, &row);
        if (r == 2)
            continue; /* a blank line: consumed */
        if (r == 1) {
            assert_false(wrong);
            for (size_t i = 0; i < nf; i++) {
                const want *w = &g.w[k + i];
                size_t at = row.span ? row.span[i].at : start[i];
                size_t len = row.span ? row.span[i].len : start[i + 1] - start[i] - 1;
                long col = row.col0 + (long)(row.span ? row.span[i].col : start[i]);
                assert_string_equal(row.p + at, w->s);
                assert_int_equal(len, strlen(w->s));
                assert_int_equal(row.line, w->line);
                assert_int_equal(col, w->col);
            }
            k += nf;
            split++;
            with_quotes += row.span != NULL;
            continue;
        }
        refused += wrong;
        next_is(c, &g.w[k], nf);
        k += nf;
        other++;
    }
    int got = 1;
    assert_int_equal(pm_csv_next(c, &got, &err), PM_OK);
    assert_int_equal(got, 0);
    /* both ways were taken, and a wrong count was refused many times; with
     * quoting, lines with quoted fields were split in place */
    assert_true(split > 1000 && other > 1000 && refused > 1000);
    assert_true(quoting ? with_quotes > 1000 : with_quotes == 0);
    pm_csv_free(c);
    fclose(fp);
    free(g.text);
    free(g.w);
}

static void test_split_in_place(void **state)
{
    (void)state;
    for (int avx2 = 0; avx2 < 2; avx2++) {
        check_split(',', 1, avx2);
        check_split('\t', 0, avx2);
    }
}

/* pmx_csv_next_splits, as the generic reader calls it: the next run of
 * records with the field count asked for, split at once, all of them
 * checked only after the call (so that splitting a later line cannot have
 * touched an earlier one) against the generator's fields, lines and
 * columns; it stops at a record of another count (the generator's counts
 * vary), or that pmx_csv_next_split would not take, which is then read one
 * by one as the generic reader does. Every record is read once, in order. */
static void check_splits(char sep, int quoting, int avx2)
{
    enum { MAX = 6, NF = 8 };
    gen g;
    FILE *fp;
    pm_csv *c = open_generated(&g, sep, quoting, avx2, &fp);
    pm_error err = {0};
    size_t k = 0, batched = 0, batches = 0, with_quotes = 0;
    uint32_t start[MAX * (NF + 1)];
    pmx_csv_span span[MAX * NF];
    pmx_csv_split rows[MAX];
    while (k < g.nw) {
        size_t nf = 1;
        while (!g.w[k + nf - 1].last)
            nf++;
        assert_true(nf <= NF);
        size_t m = pmx_csv_next_splits(c, nf, start, span, rows, MAX);
        assert_true(m <= MAX);
        for (size_t r = 0; r < m; r++) {
            const pmx_csv_split *row = &rows[r];
            assert_ptr_equal(row->start, start + r * (nf + 1));
            for (size_t i = 0; i < nf; i++) {
                const want *w = &g.w[k + i];
                assert_true(w->last == (i == nf - 1)); /* a record of nf fields */
                size_t at = row->span ? row->span[i].at : row->start[i];
                size_t len = row->span ? row->span[i].len : row->start[i + 1] - row->start[i] - 1;
                long col = row->col0 + (long)(row->span ? row->span[i].col : row->start[i]);
                assert_string_equal(row->p + at, w->s);
                assert_int_equal(len, strlen(w->s));
                assert_int_equal(row->line, w->line);
                assert_int_equal(col, w->col);
            }
            with_quotes += row->span != NULL;
            k += nf;
        }
        batched += m;
        batches += m > 0;
        if (m)
            continue;
        pmx_csv_split row;
        int r = pmx_csv_next_split(c, nf, start, span, &row);
        if (r == 2)
            continue;
        if (r == 0)
            next_is(c, &g.w[k], nf);
        k += nf;
    }
    int got = 1;
    assert_int_equal(pm_csv_next(c, &got, &err), PM_OK);
    assert_int_equal(got, 0);
    /* most records came in batches (the generator's field counts change
     * from record to record, so most runs are short: 18,562 records in
     * 16,284 batches with quoting, AVX2 off) */
    assert_true(batched > 10000 && batches > 5000);
    assert_true(quoting ? with_quotes > 1000 : with_quotes == 0);
    pm_csv_free(c);
    fclose(fp);
    free(g.text);
    free(g.w);
}

static pm_csv *open_text(const char *text, size_t n, int avx2, FILE **fp);

/* Runs of one field count, as a log is: 4,000 lines of three fields, a
 * blank line every 50th, CRLF every third, the second field quoted every
 * seventh and every 401st line with a doubled quote (not plain: it stops a
 * batch and is read by pm_csv_next). Batches of 6 must come full, each
 * record with its fields and line number, checked after its batch. */
static void check_splits_runs(int avx2)
{
    enum { LINES = 4000, MAX = 6 };
    size_t cap = (size_t)LINES * 40, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    long *line_of = malloc(LINES * sizeof *line_of);
    assert_non_null(line_of);
    long line = 1;
    for (int i = 0; i < LINES; i++, line++) {
        if (i % 50 == 49) {
            n += (size_t)snprintf(text + n, cap - n, "\n");
            line++;
        }
        const char *q = i % 401 == 400 ? "\"b\"\"%d\"" : i % 7 == 0 ? "\"b%d\"" : "b%d";
        n += (size_t)snprintf(text + n, cap - n, "a%d,", i);
        n += (size_t)snprintf(text + n, cap - n, q, i);
        n += (size_t)snprintf(text + n, cap - n, ",c%d%s", i, i % 3 == 0 ? "\r\n" : "\n");
        line_of[i] = line;
    }
    FILE *fp;
    pm_csv *c = open_text(text, n, avx2, &fp);
    uint32_t start[MAX * 4];
    pmx_csv_span span[MAX * 3];
    pmx_csv_split rows[MAX];
    pm_error err = {0};
    int i = 0;
    size_t full = 0, one_by_one = 0;
    while (i < LINES) {
        size_t m = pmx_csv_next_splits(c, 3, start, span, rows, MAX);
        for (size_t r = 0; r < m; r++, i++) {
            char exp[3][32];
            snprintf(exp[0], sizeof exp[0], "a%d", i);
            snprintf(exp[1], sizeof exp[1], "b%d", i);
            snprintf(exp[2], sizeof exp[2], "c%d", i);
            for (size_t f = 0; f < 3; f++) {
                size_t at = rows[r].span ? rows[r].span[f].at : rows[r].start[f];
                assert_string_equal(rows[r].p + at, exp[f]);
            }
            assert_true((rows[r].span != NULL) == (i % 7 == 0));
            assert_int_equal(rows[r].line, line_of[i]);
        }
        full += m == MAX;
        if (m)
            continue;
        int got = 0;
        assert_int_equal(pm_csv_next(c, &got, &err), PM_OK);
        assert_int_equal(got, 1);
        assert_int_equal(pm_csv_line(c), line_of[i]);
        assert_int_equal(i % 401, 400);
        one_by_one++;
        i++;
    }
    int got = 1;
    assert_int_equal(pm_csv_next(c, &got, &err), PM_OK);
    assert_int_equal(got, 0);
    assert_int_equal(one_by_one, LINES / 401);
    assert_true(full > LINES / MAX - 100);
    pm_csv_free(c);
    fclose(fp);
    free(text);
    free(line_of);
}

static void test_splits_in_place(void **state)
{
    (void)state;
    for (int avx2 = 0; avx2 < 2; avx2++) {
        check_splits(',', 1, avx2);
        check_splits('\t', 0, avx2);
        check_splits_runs(avx2);
    }
}

/* A record of exactly max bytes (separators and line end counted as the
 * NULs that replace them, the last one not) fits; one more byte does not. */
static void test_limit_boundary(void **state)
{
    (void)state;
    static const char fits[] = "abcd,efghi\n", over[] = "abcd,efghij\n";
    const char *in[2] = {fits, over};
    for (int i = 0; i < 2; i++) {
        FILE *fp = fmemopen((void *)in[i], strlen(in[i]), "rb");
        assert_non_null(fp);
        pm_csv *c = pm_csv_new(10, NULL);
        assert_non_null(c);
        pm_error err = {0};
        int got = 0;
        assert_int_equal(pm_csv_open(c, fp, "t", &err), PM_OK);
        pm_status st = pm_csv_next(c, &got, &err);
        if (i == 0) {
            assert_int_equal(st, PM_OK);
            assert_int_equal(got, 1);
            assert_int_equal(pm_csv_nfields(c), 2);
            assert_string_equal(pm_csv_fields(c)[1].s, "efghi");
            assert_int_equal(pm_csv_fields(c)[1].col, 6);
        } else {
            assert_int_equal(st, PM_ELIMIT);
            assert_non_null(strstr(err.text, "t:1:"));
        }
        pm_csv_free(c);
        fclose(fp);
    }
}

/* A reader of the n bytes of text (records under 1,000 bytes), with the
 * SIMD width asked for; *fp the stream to close. */
static pm_csv *open_text(const char *text, size_t n, int avx2, FILE **fp)
{
    *fp = fmemopen((void *)text, n, "rb");
    assert_non_null(*fp);
    pm_csv *c = pm_csv_new(1000, NULL);
    assert_non_null(c);
    pmx_csv_simd(c, avx2);
    pm_error err = {0};
    assert_int_equal(pm_csv_open(c, *fp, "t", &err), PM_OK);
    return c;
}

/* pmx_csv_ascii says a record's bytes are all below 0x80 only when they
 * are (the readers then skip the UTF-8 check), and never for a record
 * that took the byte-state scan (a CRLF line end is plain: "p\r\n" is
 * known ASCII). Expected values by inspection of the input, record by
 * record; a high byte right after a line end (same 16- or 32-byte block)
 * belongs to the next record only. */
static void check_ascii_flag(int avx2)
{
    static const char in[] = "abc,def\n"
                             "a\xc3\xa9,b\n"
                             "xy\n\xc3\xa9\n"
                             "0123456789abcdef0123,\xc3\xa9\n"
                             "0123456789abcdef0123,x\n"
                             "\"q\",b\n"
                             "p\r\n"
                             "last,no,newline";
    static const int expect[] = {1, 0, 1, 0, 0, 1, 0, 1, 0};
    FILE *fp;
    pm_csv *c = open_text(in, sizeof in - 1, avx2, &fp);
    pm_error err = {0};
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++) {
        int got = 0;
        assert_int_equal(pm_csv_next(c, &got, &err), PM_OK);
        assert_int_equal(got, 1);
        if (pmx_csv_ascii(c) != expect[i])
            fail_msg("record %zu: ascii %d, want %d", i + 1, pmx_csv_ascii(c), expect[i]);
    }
    int got = 1;
    assert_int_equal(pm_csv_next(c, &got, &err), PM_OK);
    assert_int_equal(got, 0);
    pm_csv_free(c);
    fclose(fp);
}

static void test_ascii_flag(void **state)
{
    (void)state;
    check_ascii_flag(1);
    check_ascii_flag(0);
}

/* Carriage returns, by inspection: the CR of a CRLF line end is dropped
 * (on the plain path and the byte-state scan alike), a lone CR is data, a
 * CR before a CRLF is data, a CRLF alone is a blank line, and a CR that
 * ends the file ends its last record as a CRLF would. Lines of 15, 16, 31 and 32
 * bytes before their '\n' put the CRLF across each SIMD block boundary.
 * Read both by pm_csv_next and by pmx_csv_next_split (asked for the field
 * count), with both SIMD widths. */
static void test_carriage_returns(void **state)
{
    (void)state;
    static const char in[] = "a\rb,c\n"
                             "x,y\r\r\n"
                             "\r\n"
                             "p,q\r\n"
                             "0123456789abcd\r\n"
                             "0123456789abcde\r\n"
                             "0123456789abcdef0123456789abcd\r\n"
                             "0123456789abcdef0123456789abcde\r\n"
                             "last\r";
    static const char *const fields[][2] = {{"a\rb", "c"},
                                            {"x", "y\r"},
                                            {"p", "q"},
                                            {"0123456789abcd", NULL},
                                            {"0123456789abcde", NULL},
                                            {"0123456789abcdef0123456789abcd", NULL},
                                            {"0123456789abcdef0123456789abcde", NULL},
                                            {"last", NULL}};
    static const long lines[] = {1, 2, 4, 5, 6, 7, 8, 9};
    const size_t nrec = sizeof lines / sizeof *lines;
    for (int way = 0; way < 4; way++) {
        int avx2 = way & 1, split = way >> 1;
        FILE *fp;
        pm_csv *c = open_text(in, sizeof in - 1, avx2, &fp);
        pm_error err = {0};
        int in_place = 0;
        for (size_t r = 0; r < nrec; r++) {
            size_t nf = fields[r][1] ? 2 : 1;
            uint32_t start[3];
            pmx_csv_span span[2];
            pmx_csv_split row;
            int got = split ? pmx_csv_next_split(c, nf, start, span, &row) : 0;
            while (got == 2)
                got = pmx_csv_next_split(c, nf, start, span, &row);
            if (got == 1) {
                for (size_t i = 0; i < nf; i++) {
                    assert_string_equal(row.p + start[i], fields[r][i]);
                    assert_int_equal(start[i + 1] - start[i] - 1, strlen(fields[r][i]));
                }
                assert_int_equal(row.line, lines[r]);
                in_place++;
                continue;
            }
            assert_int_equal(pm_csv_next(c, &got, &err), PM_OK);
            assert_int_equal(got, 1);
            assert_int_equal(pm_csv_nfields(c), nf);
            for (size_t i = 0; i < nf; i++)
                assert_string_equal(pm_csv_fields(c)[i].s, fields[r][i]);
            assert_int_equal(pm_csv_line(c), lines[r]);
        }
        int got = 1;
        assert_int_equal(pm_csv_next(c, &got, &err), PM_OK);
        assert_int_equal(got, 0);
        /* the CRLF lines whose CR and '\n' share a block were split in
         * place: p,q and the lines of 14 and 30 bytes (and of 15 with AVX2) */
        if (split)
            assert_true(in_place >= 3);
        pm_csv_free(c);
        fclose(fp);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_matches_generator), cmocka_unit_test(test_tsv_matches_generator),
        cmocka_unit_test(test_split_in_place),        cmocka_unit_test(test_splits_in_place),
        cmocka_unit_test(test_limit_boundary),        cmocka_unit_test(test_ascii_flag),
        cmocka_unit_test(test_carriage_returns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
