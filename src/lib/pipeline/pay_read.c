/* Reading the payment table back (pay.h, pm_pay_read_table): the reverse of
 * pm_pay_write_table, over the same column list (pay_internal.h). Every row
 * is checked against itself and the rows before it, so that a table that
 * contradicts itself is refused where it does, never summed. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pay_internal.h"
#include "prefmon/csv.h"
#include "prefmon/pay.h"
#include "prefmon/text.h"

/* Longest record read (bytes): a reason is at most PM_PAY_REASON bytes. */
#define RECORD_MAX ((size_t)1 << 20)

typedef struct reader {
    const char *path;
    pm_csv *csv;
    long col[PMX_PAY_NCOL]; /* field index of each column */
    size_t cap;
} reader;

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

void pm_pay_table_free(pm_pay_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->count; i++) {
        free(t->rows[i].annotator);
        free(t->rows[i].reason);
    }
    free(t->rows);
    free(t->path);
    free(t->currency);
    free(t->unit);
    memset(t, 0, sizeof *t);
}

static pm_status header(reader *r, pm_error *err)
{
    int got = 0;
    pm_status st = pm_csv_next(r->csv, &got, err);
    if (st != PM_OK)
        return st;
    if (!got)
        return pm_error_at(err, PM_EPARSE, r->path, 1, 0,
                           "empty file (the CSV that 'prefmon pay --out' writes is expected)");
    size_t nf = pm_csv_nfields(r->csv);
    const pm_csv_field *f = pm_csv_fields(r->csv);
    for (int j = 0; j < PMX_PAY_NCOL; j++) {
        r->col[j] = -1;
        for (size_t i = 0; i < nf && r->col[j] < 0; i++)
            if (strcasecmp(f[i].s, pmx_pay_cols[j]) == 0)
                r->col[j] = (long)i;
        if (r->col[j] < 0) {
            char all[160] = "";
            for (int k = 0, used = 0; k < PMX_PAY_NCOL; k++)
                used += snprintf(all + used, sizeof all - (size_t)used, "%s%s", k ? ", " : "",
                                 pmx_pay_cols[k]);
            return pm_error_at(err, PM_EPARSE, r->path, 1, 0,
                               "the header has no '%s' column (pay --out writes %s)",
                               pmx_pay_cols[j], all);
        }
    }
    return PM_OK;
}

/* An amount cell: optional '-', then what pm_money_parse takes. */
static int parse_amount(const char *s, long long *cents)
{
    int neg = s[0] == '-';
    if (pm_money_parse(s + neg, cents, NULL) != PM_OK)
        return -1;
    if (neg)
        *cents = -*cents;
    return 0;
}

static int parse_count(const char *s, long *v)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (errno || end == s || *end || x < 0 || !(s[0] >= '0' && s[0] <= '9'))
        return -1;
    *v = x;
    return 0;
}

/* A running total; a sum past the range of long long is refused here, at
 * the row that makes it overflow, instead of wrapping to a wrong total. */
static pm_status add_total(const reader *r, const pm_csv_field *f, int j, long long *total,
                           long long v, pm_error *err)
{
    if (__builtin_add_overflow(*total, v, total))
        return pm_error_at(err, PM_EPARSE, r->path, f->line, f->col,
                           "field '%s': the total of this column passes %lld cents (%lld here)",
                           pmx_pay_cols[j], (long long)INT64_MAX, v);
    return PM_OK;
}

/* The cells of one row as strings; refuses a row too short. */
static pm_status cells(const reader *r, const pm_csv_field **fc, pm_error *err)
{
    size_t nf = pm_csv_nfields(r->csv);
    const pm_csv_field *f = pm_csv_fields(r->csv);
    for (int j = 0; j < PMX_PAY_NCOL; j++) {
        if ((size_t)r->col[j] >= nf)
            return pm_error_at(err, PM_EPARSE, r->path, pm_csv_line(r->csv), 0,
                               "field '%s': missing (the row has %zu fields)", pmx_pay_cols[j], nf);
        fc[j] = &f[r->col[j]];
    }
    return PM_OK;
}

static pm_status row(reader *r, pm_pay_table *t, pm_error *err)
{
    const pm_csv_field *f[PMX_PAY_NCOL];
    pm_status st = cells(r, f, err);
    if (st != PM_OK)
        return st;
    pm_pay_entry e = {.line = pm_csv_line(r->csv)};
    long long *amt[3] = {&e.wage_cents, &e.paid_cents, &e.bonus_cents};
    for (int j = 0; j < 3; j++)
        if (parse_amount(f[PMX_PAY_WAGE + j]->s, amt[j]))
            return pm_error_at(err, PM_EPARSE, r->path, f[PMX_PAY_WAGE + j]->line,
                               f[PMX_PAY_WAGE + j]->col, "field '%s': '%s' is not an amount (d.dd)",
                               pmx_pay_cols[PMX_PAY_WAGE + j], f[PMX_PAY_WAGE + j]->s);
    long *cnt[2] = {&e.pairs, &e.consistent};
    for (int j = 0; j < 2; j++)
        if (parse_count(f[PMX_PAY_PAIRS + j]->s, cnt[j]))
            return pm_error_at(err, PM_EPARSE, r->path, f[PMX_PAY_PAIRS + j]->line,
                               f[PMX_PAY_PAIRS + j]->col,
                               "field '%s': '%s' is not a whole number >= 0",
                               pmx_pay_cols[PMX_PAY_PAIRS + j], f[PMX_PAY_PAIRS + j]->s);
    int bad = -1;
    char why[160];
    if (f[PMX_PAY_ANNOTATOR]->s[0] == '\0')
        bad = PMX_PAY_ANNOTATOR, snprintf(why, sizeof why, "empty (pay names every row)");
    else if (e.consistent > e.pairs)
        bad = PMX_PAY_CONSISTENT,
        snprintf(why, sizeof why, "%ld is more than the %ld pairs", e.consistent, e.pairs);
    else if (e.paid_cents < 0)
        bad = PMX_PAY_PAID,
        snprintf(why, sizeof why, "'%s' is negative (pay takes paid >= 0)", f[PMX_PAY_PAID]->s);
    else if (e.bonus_cents != e.wage_cents - e.paid_cents) {
        char w[32];
        pm_money_format(e.wage_cents - e.paid_cents, w, sizeof w);
        bad = PMX_PAY_BONUS;
        snprintf(why, sizeof why, "'%s' is not wage - paid = %s", f[PMX_PAY_BONUS]->s, w);
    } else if (t->count > 0 && strcmp(f[PMX_PAY_CURRENCY]->s, t->currency) != 0)
        bad = PMX_PAY_CURRENCY,
        snprintf(why, sizeof why, "'%.40s' differs from '%.40s' on the first row",
                 f[PMX_PAY_CURRENCY]->s, t->currency);
    else if (t->count > 0 && strcmp(f[PMX_PAY_UNIT]->s, t->unit) != 0)
        bad = PMX_PAY_UNIT,
        snprintf(why, sizeof why, "'%.40s' differs from '%.40s' on the first row",
                 f[PMX_PAY_UNIT]->s, t->unit);
    if (bad >= 0)
        return pm_error_at(err, PM_EPARSE, r->path, f[bad]->line, f[bad]->col, "field '%s': %s",
                           pmx_pay_cols[bad], why);
    pm_pay_table sum = *t; /* the totals only change once every check passed */
    if ((st = add_total(r, f[PMX_PAY_WAGE], PMX_PAY_WAGE, &sum.wage_total_cents, e.wage_cents,
                        err)) ||
        (st = add_total(r, f[PMX_PAY_PAID], PMX_PAY_PAID, &sum.paid_total_cents, e.paid_cents,
                        err)) ||
        (st = add_total(r, f[PMX_PAY_BONUS], PMX_PAY_BONUS, &sum.bonus_total_cents, e.bonus_cents,
                        err)) ||
        (st = add_total(r, f[PMX_PAY_BONUS], PMX_PAY_BONUS, &sum.upload_total_cents,
                        e.bonus_cents > 0 ? e.bonus_cents : 0, err)))
        return st;
    if (t->count == r->cap) {
        size_t nc = r->cap ? 2 * r->cap : 64;
        pm_pay_entry *nr = realloc(t->rows, nc * sizeof *nr);
        if (!nr)
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        t->rows = nr, r->cap = nc;
    }
    if (t->count == 0 && (!(t->currency = dup_str(f[PMX_PAY_CURRENCY]->s)) ||
                          !(t->unit = dup_str(f[PMX_PAY_UNIT]->s))))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    e.annotator = dup_str(pm_csv_unguard(f[PMX_PAY_ANNOTATOR]->s));
    e.reason = dup_str(pm_csv_unguard(f[PMX_PAY_REASON]->s));
    if (!e.annotator || !e.reason) {
        free(e.annotator);
        free(e.reason);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    t->wage_total_cents = sum.wage_total_cents;
    t->paid_total_cents = sum.paid_total_cents;
    t->bonus_total_cents = sum.bonus_total_cents;
    t->upload_total_cents = sum.upload_total_cents;
    t->payable += e.bonus_cents > 0;
    t->rows[t->count++] = e;
    return PM_OK;
}

static int by_name(const void *a, const void *b)
{
    const pm_pay_entry *x = *(const pm_pay_entry *const *)a, *y = *(const pm_pay_entry *const *)b;
    int c = strcmp(x->annotator, y->annotator);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* A name paid twice would be paid (and summed) twice: refused at its
 * second row. */
static pm_status no_repeats(const pm_pay_table *t, pm_error *err)
{
    if (t->count < 2)
        return PM_OK;
    const pm_pay_entry **v = malloc(t->count * sizeof *v);
    if (!v)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < t->count; i++)
        v[i] = &t->rows[i];
    qsort(v, t->count, sizeof *v, by_name);
    const pm_pay_entry *first = NULL, *again = NULL;
    for (size_t i = 1; i < t->count; i++)
        if (strcmp(v[i]->annotator, v[i - 1]->annotator) == 0 &&
            (!again || v[i]->line < again->line))
            first = v[i - 1], again = v[i];
    pm_status st = PM_OK;
    if (again) {
        /* the first repeat in file order, against the name's first row */
        for (size_t i = 0; i < t->count; i++)
            if (strcmp(t->rows[i].annotator, again->annotator) == 0) {
                first = &t->rows[i];
                break;
            }
        st = pm_error_at(err, PM_EPARSE, t->path, again->line, 0,
                         "field 'annotator': '%s' is paid again (first on line %ld)",
                         again->annotator, first->line);
    }
    free(v);
    return st;
}

/* The table from an open stream named `path` in messages; fp is closed. */
static pm_status read_stream(FILE *fp, const char *path, pm_pay_table *out, pm_error *err)
{
    memset(out, 0, sizeof *out);
    pm_pay_table t = {0};
    reader r = {.path = path};
    pm_status st = PM_OK;
    if (!(t.path = dup_str(path)))
        st = pm_error_set(err, PM_ENOMEM, "out of memory");
    else if (!(r.csv = pm_csv_new(RECORD_MAX, err)))
        st = err ? err->code : PM_ENOMEM;
    if (st == PM_OK)
        st = pm_csv_open(r.csv, fp, path, err);
    if (st == PM_OK)
        st = header(&r, err);
    int got = 1;
    while (st == PM_OK && (st = pm_csv_next(r.csv, &got, err)) == PM_OK && got)
        st = row(&r, &t, err);
    if (st == PM_OK && ferror(fp))
        st = pm_error_set(err, PM_EIO, "%s: read error", path);
    if (st == PM_OK)
        st = no_repeats(&t, err);
    pm_csv_free(r.csv);
    fclose(fp);
    if (st != PM_OK) {
        pm_pay_table_free(&t);
        return st;
    }
    if (!t.currency && (!(t.currency = dup_str("")) || !(t.unit = dup_str("")))) {
        pm_pay_table_free(&t);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    *out = t;
    return PM_OK;
}

pm_status pm_pay_read_table(const char *path, pm_pay_table *out, pm_error *err)
{
    if (!path || !out)
        return pm_error_set(err, PM_EINVAL, "pm_pay_read_table: no path or no table");
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return pm_error_set(err, PM_EIO, "%s: cannot open: %s", path, strerror(errno));
    return read_stream(fp, path, out, err);
}

pm_status pm_pay_read_table_mem(const char *buf, size_t len, const char *name, pm_pay_table *out,
                                pm_error *err)
{
    const char *nm = name ? name : "<memory>";
    if (!out || (!buf && len))
        return pm_error_set(err, PM_EINVAL, "pm_pay_read_table_mem: no buffer or no table");
    memset(out, 0, sizeof *out);
    /* fmemopen (POSIX.1-2008) over the caller's bytes: the same reader as
     * for a file, so both give the same table and the same messages. An
     * empty buffer is a one-byte stream that ends at once. */
    FILE *fp = fmemopen((void *)(len ? buf : ""), len ? len : 1, "rb");
    if (!fp)
        return pm_error_set(err, PM_ENOMEM, "%s: cannot read from memory", nm);
    if (!len)
        fgetc(fp);
    return read_stream(fp, nm, out, err);
}
