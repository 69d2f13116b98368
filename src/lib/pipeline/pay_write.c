/*
** Payment files: the payment table and the platforms' bonus uploads.
** Formats checked (issue 7 asks to cite them):
**   Prolific  bulk bonus box / API: one "participant_id,amount" line per
**             participant, no header, amount in the study currency
**             (potato's prolific_api.py; researchers' scripts print exactly
**             "id, amount" lines for that box).
**   MTurk     SendBonus takes WorkerId, AssignmentId, BonusAmount (a string
**             in USD, two decimals), Reason (required) and an optional
**             UniqueRequestToken (MTurk API reference, SendBonus).
**   Toloka    toloka-kit UserBonus: user_id, amount ("from 0.01 to 100
**             dollars per Toloker per time"), public_title, public_message,
**             private_comment, without_message (toloka-kit
**             toloka/client/user_bonus.py docstring).
** Upload files never contain a bonus <= 0; checks that could fail (a missing
** assignment, a Toloka amount over the limit) run before the first byte.
*/
#include <stdlib.h>
#include <string.h>

#include "prefmon/pay.h"
#include "prefmon/writer.h"

/* Toloka's per-award limit, in cents. */
#define TOLOKA_MAX_CENTS 10000

/* Bytes of the cell in a staging buffer, flushed through w when full. */
typedef struct stage {
    const pm_writer *w;
    size_t n;
    int bad;
    char buf[512];
} stage;

static void stage_flush(stage *g)
{
    if (g->n && !g->bad)
        g->bad = g->w->write(g->w->ctx, g->buf, g->n) != 0;
    g->n = 0;
}

static void stage_put(stage *g, char c)
{
    if (g->n == sizeof g->buf)
        stage_flush(g);
    g->buf[g->n++] = c;
}

static pm_status write_cell(const pm_writer *w, const char *text, pm_error *err)
{
    const char *s = text ? text : "";
    /* OWASP CSV injection: a cell starting with one of these is a formula
     * (or, for TAB and CR, hides one) in Excel, LibreOffice and Sheets. */
    int neutral = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
    int quote = neutral || strpbrk(s, ",\"\r\n") != NULL;
    stage g = {.w = w};
    if (quote)
        stage_put(&g, '"');
    if (neutral)
        stage_put(&g, '\'');
    for (; *s; s++) {
        if (*s == '"')
            stage_put(&g, '"');
        stage_put(&g, *s);
    }
    if (quote)
        stage_put(&g, '"');
    stage_flush(&g);
    return g.bad ? pm_error_set(err, PM_EIO, "write error") : PM_OK;
}

static int put(const pm_writer *w, const char *s)
{
    return w->write(w->ctx, s, strlen(s));
}

static pm_status finish(FILE *fp, pm_status st, pm_error *err)
{
    if (st == PM_OK && (fflush(fp) != 0 || ferror(fp)))
        return pm_error_set(err, PM_EIO, "write error (disk full?)");
    return st;
}

pm_status pm_csv_write_cell(FILE *fp, const char *text, pm_error *err)
{
    pm_writer w = pm_writer_file(fp);
    return write_cell(&w, text, err);
}

/* One CSV row: the cells in order, a cell whose bit is set in `raw` written
 * as is (our own numbers: "-0.50" must stay a number, not be neutralised),
 * every other cell quoted and neutralised by pm_csv_write_cell. */
static pm_status write_row(const pm_writer *w, const char *const *cells, size_t n, unsigned raw,
                           const char *eol, pm_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && put(w, ","))
            return pm_error_set(err, PM_EIO, "write error");
        if (raw & (1u << i)) {
            if (put(w, cells[i]))
                return pm_error_set(err, PM_EIO, "write error");
        } else {
            pm_status st = write_cell(w, cells[i], err);
            if (st != PM_OK)
                return st;
        }
    }
    return put(w, eol) ? pm_error_set(err, PM_EIO, "write error") : PM_OK;
}

pm_status pm_pay_write_table(FILE *fp, const pm_pay_row *rows, size_t count,
                             const pm_pay_options *opt, pm_error *err)
{
    pm_writer w = pm_writer_file(fp);
    return finish(fp, pm_pay_write_table_to(&w, rows, count, opt, err), err);
}

pm_status pm_pay_write_table_to(const pm_writer *w, const pm_pay_row *rows, size_t count,
                                const pm_pay_options *opt, pm_error *err)
{
    if (!w || !w->write)
        return pm_error_set(err, PM_EINVAL, "writer without a write callback");
    if (!opt || !opt->currency || !opt->unit)
        return pm_error_set(err, PM_EINVAL, "the payment table needs the currency and the unit");
    if (put(w, "annotator,pairs,consistent,wage,paid,bonus,reason,currency,unit\r\n"))
        return pm_error_set(err, PM_EIO, "write error");
    for (size_t i = 0; i < count; i++) {
        const pm_pay_row *r = &rows[i];
        char np[24], nc[24], wage[32], p[32], b[32];
        snprintf(np, sizeof np, "%ld", r->pairs);
        snprintf(nc, sizeof nc, "%ld", r->consistent);
        pm_money_format(r->wage_cents, wage, sizeof wage);
        pm_money_format(r->paid_cents, p, sizeof p);
        pm_money_format(r->bonus_cents, b, sizeof b);
        const char *cells[] = {r->annotator,  np,       nc, wage, p, b, r->reason,
                               opt->currency, opt->unit};
        pm_status st = write_row(w, cells, 9, 0x3e, "\r\n", err);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

static size_t count_skipped(const pm_pay_row *rows, size_t count)
{
    size_t k = 0;
    for (size_t i = 0; i < count; i++)
        k += rows[i].bonus_cents <= 0;
    return k;
}

pm_status pm_pay_write_prolific(FILE *fp, const pm_pay_row *rows, size_t count, size_t *skipped,
                                pm_error *err)
{
    pm_writer w = pm_writer_file(fp);
    return finish(fp, pm_pay_write_prolific_to(&w, rows, count, skipped, err), err);
}

pm_status pm_pay_write_prolific_to(const pm_writer *w, const pm_pay_row *rows, size_t count,
                                   size_t *skipped, pm_error *err)
{
    if (!w || !w->write)
        return pm_error_set(err, PM_EINVAL, "writer without a write callback");
    for (size_t i = 0; i < count; i++) {
        if (rows[i].bonus_cents <= 0)
            continue;
        char b[32];
        pm_money_format(rows[i].bonus_cents, b, sizeof b);
        const char *cells[] = {rows[i].annotator, b};
        pm_status st = write_row(w, cells, 2, 0x2, "\n", err);
        if (st != PM_OK)
            return st;
    }
    if (skipped)
        *skipped = count_skipped(rows, count);
    return PM_OK;
}

typedef struct amap {
    const pm_pay_assignment *a;
    size_t order;
} amap;

static int cmp_amap(const void *x, const void *y)
{
    const amap *a = x, *b = y;
    int c = strcmp(a->a->worker, b->a->worker);
    if (c)
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* The first assignment listed for `worker`, or NULL. */
static const char *find_assignment(const amap *m, size_t n, const char *worker)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m[mid].a->worker, worker) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(m[lo].a->worker, worker) == 0 ? m[lo].a->assignment : NULL;
}

static pm_status mturk_rows(const pm_writer *w, const pm_pay_row *rows, size_t count, const amap *m,
                            size_t nm, const char *reason, pm_error *err)
{
    /* Every payable worker resolved before the first byte is written. */
    for (size_t i = 0; i < count; i++)
        if (rows[i].bonus_cents > 0 && !find_assignment(m, nm, rows[i].annotator))
            return pm_error_set(err, PM_EINVAL,
                                "worker '%s' has no assignment id in the assignments map; "
                                "SendBonus needs one of the worker's assignments",
                                rows[i].annotator);
    if (put(w, "WorkerId,AssignmentId,BonusAmount,Reason\r\n"))
        return pm_error_set(err, PM_EIO, "write error");
    for (size_t i = 0; i < count; i++) {
        if (rows[i].bonus_cents <= 0)
            continue;
        char b[32];
        pm_money_format(rows[i].bonus_cents, b, sizeof b);
        const char *cells[] = {rows[i].annotator, find_assignment(m, nm, rows[i].annotator), b,
                               reason && *reason ? reason : rows[i].reason};
        pm_status st = write_row(w, cells, 4, 0x4, "\r\n", err);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

pm_status pm_pay_write_mturk(FILE *fp, const pm_pay_row *rows, size_t count,
                             const pm_pay_assignment *map, size_t map_count, const char *reason,
                             size_t *skipped, pm_error *err)
{
    pm_writer w = pm_writer_file(fp);
    return finish(fp, pm_pay_write_mturk_to(&w, rows, count, map, map_count, reason, skipped, err),
                  err);
}

pm_status pm_pay_write_mturk_to(const pm_writer *w, const pm_pay_row *rows, size_t count,
                                const pm_pay_assignment *map, size_t map_count, const char *reason,
                                size_t *skipped, pm_error *err)
{
    if (!w || !w->write)
        return pm_error_set(err, PM_EINVAL, "writer without a write callback");
    for (size_t i = 0; i < map_count; i++)
        if (!map[i].worker || !map[i].assignment || !*map[i].assignment)
            return pm_error_set(err, PM_EINVAL,
                                "assignments map entry %zu: empty worker or "
                                "assignment id",
                                i + 1);
    amap *m = map_count ? malloc(map_count * sizeof *m) : NULL;
    if (map_count && !m)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < map_count; i++) {
        m[i].a = &map[i];
        m[i].order = i;
    }
    if (map_count)
        qsort(m, map_count, sizeof *m, cmp_amap);
    pm_status st = mturk_rows(w, rows, count, m, map_count, reason, err);
    free(m);
    if (st == PM_OK && skipped)
        *skipped = count_skipped(rows, count);
    return st;
}

pm_status pm_pay_write_toloka(FILE *fp, const pm_pay_row *rows, size_t count, const char *title,
                              const char *message, size_t *skipped, pm_error *err)
{
    pm_writer w = pm_writer_file(fp);
    return finish(fp, pm_pay_write_toloka_to(&w, rows, count, title, message, skipped, err), err);
}

pm_status pm_pay_write_toloka_to(const pm_writer *w, const pm_pay_row *rows, size_t count,
                                 const char *title, const char *message, size_t *skipped,
                                 pm_error *err)
{
    if (!w || !w->write)
        return pm_error_set(err, PM_EINVAL, "writer without a write callback");
    if (!title || !*title || !message || !*message)
        return pm_error_set(err, PM_EINVAL,
                            "Toloka bonuses need a public title and a public message");
    for (size_t i = 0; i < count; i++)
        if (rows[i].bonus_cents > TOLOKA_MAX_CENTS)
            return pm_error_set(err, PM_EINVAL,
                                "user '%s': bonus of %lld.%02lld is over Toloka's limit of "
                                "100.00 per Toloker per award; split it or pay it another way",
                                rows[i].annotator, rows[i].bonus_cents / 100,
                                rows[i].bonus_cents % 100);
    if (put(w, "user_id,amount,public_title,public_message\r\n"))
        return pm_error_set(err, PM_EIO, "write error");
    for (size_t i = 0; i < count; i++) {
        if (rows[i].bonus_cents <= 0)
            continue;
        char b[32];
        pm_money_format(rows[i].bonus_cents, b, sizeof b);
        const char *cells[] = {rows[i].annotator, b, title, message};
        pm_status st = write_row(w, cells, 4, 0x2, "\r\n", err);
        if (st != PM_OK)
            return st;
    }
    if (skipped)
        *skipped = count_skipped(rows, count);
    return PM_OK;
}
