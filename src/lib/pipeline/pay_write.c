/*
** Payment files: the payment table and the platforms' bonus uploads.
** Formats checked against each platform's own documentation:
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
** assignment, a Toloka amount over the limit, an id or a field the platform
** would refuse) run before the first byte.
**
** Ids are checked, never rewritten: an upload pays the id it names, so a
** guarded or otherwise altered id would pay someone else or no one (=x and
** '=x are two annotators). What each platform accepts:
**   Prolific  participant ids are 24 hexadecimal characters (the id shown in
**             submissions and exports; a MongoDB ObjectId).
**   MTurk     WorkerId: 1 to 64 characters, pattern ^A[A-Z0-9]+$;
**             AssignmentId: 1 to 64, ^[A-Z0-9]+$ (AWS CLI reference, mturk
**             send-bonus, "Constraints"); Reason: at most 4,096 characters
**             (MTurk API reference, GrantBonus / SendBonus Reason).
**   Toloka    user_id: the 32 hexadecimal characters of a Toloker id (Toloka
**             API reference, POST /user-bonuses examples); public_title and
**             public_message are one-line texts: a control byte (a newline)
**             or bytes that are not UTF-8 are refused.
** A refusal is PM_EPARSE (a data error) naming the payment row and field.
*/
#include <stdlib.h>
#include <string.h>

#include "pay_internal.h"
#include "prefmon/csv.h"
#include "prefmon/pay.h"
#include "prefmon/text.h"
#include "prefmon/writer.h"

const char *const pmx_pay_cols[PMX_PAY_NCOL] = {[PMX_PAY_ANNOTATOR] = "annotator",
                                                [PMX_PAY_PAIRS] = "pairs",
                                                [PMX_PAY_CONSISTENT] = "consistent",
                                                [PMX_PAY_WAGE] = "wage",
                                                [PMX_PAY_PAID] = "paid",
                                                [PMX_PAY_BONUS] = "bonus",
                                                [PMX_PAY_REASON] = "reason",
                                                [PMX_PAY_CURRENCY] = "currency",
                                                [PMX_PAY_UNIT] = "unit"};

/* Toloka's per-award limit, in cents. */
#define TOLOKA_MAX_CENTS 10000
/* MTurk's limits (see the top of this file). */
#define MTURK_MAX_ID 64
#define MTURK_MAX_REASON 4096

/* 1 when s is exactly n hexadecimal digits. */
static int hex_id(const char *s, size_t n)
{
    return strlen(s) == n && strspn(s, "0123456789abcdefABCDEF") == n;
}

/* 1 when s is first (or nothing, first == 0) followed by 1 to max - 1 more
 * capital letters or digits, max characters in all. */
static int mturk_id(const char *s, char first)
{
    size_t n = strlen(s), k = first ? 1 : 0;
    if (n < 1 + k || n > MTURK_MAX_ID || (first && s[0] != first))
        return 0;
    return strspn(s + k, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n - k;
}

/* Characters (UTF-8 code points) of s. */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static pm_status refuse(pm_error *err, size_t row, const char *field, const char *value,
                        const char *why)
{
    return pm_error_set(err, PM_EPARSE, "payment row %zu: %s '%s' %s", row + 1, field, value, why);
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

/* One CSV row: the cells in order, a cell whose bit is set in `raw` written
 * as is (our own numbers: "-0.50" must stay a number, not be guarded),
 * every other cell guarded and quoted by pm_csv_write_cell_to (prefmon/csv.h). */
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
            pm_status st = pm_csv_write_cell_to(w, cells[i], err);
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
    /* The columns pm_pay_read_table needs, then what the action did with
     * the bonus (the reader ignores these two). */
    const char *head[PMX_PAY_NCOL + 2];
    for (size_t i = 0; i < PMX_PAY_NCOL; i++)
        head[i] = pmx_pay_cols[i];
    head[PMX_PAY_NCOL] = "action";
    head[PMX_PAY_NCOL + 1] = "upload";
    pm_status st = write_row(w, head, PMX_PAY_NCOL + 2, 0, "\r\n", err);
    if (st != PM_OK)
        return st;
    for (size_t i = 0; i < count; i++) {
        const pm_pay_row *r = &rows[i];
        char np[24], nc[24], wage[32], p[32], b[32], up[32];
        snprintf(np, sizeof np, "%ld", r->pairs);
        snprintf(nc, sizeof nc, "%ld", r->consistent);
        pm_money_format(r->wage_cents, wage, sizeof wage);
        pm_money_format(r->paid_cents, p, sizeof p);
        pm_money_format(r->bonus_cents, b, sizeof b);
        pm_money_format(r->upload_cents, up, sizeof up);
        const char *cells[PMX_PAY_NCOL + 2] = {[PMX_PAY_ANNOTATOR] = r->annotator,
                                               [PMX_PAY_PAIRS] = np,
                                               [PMX_PAY_CONSISTENT] = nc,
                                               [PMX_PAY_WAGE] = wage,
                                               [PMX_PAY_PAID] = p,
                                               [PMX_PAY_BONUS] = b,
                                               [PMX_PAY_REASON] = r->reason,
                                               [PMX_PAY_CURRENCY] = opt->currency,
                                               [PMX_PAY_UNIT] = opt->unit,
                                               [PMX_PAY_NCOL] = pm_action_name(r->action),
                                               [PMX_PAY_NCOL + 1] = up};
        /* Our own numbers are written as they are ("-0.50" stays a number). */
        unsigned raw = 1u << PMX_PAY_PAIRS | 1u << PMX_PAY_CONSISTENT | 1u << PMX_PAY_WAGE |
                       1u << PMX_PAY_PAID | 1u << PMX_PAY_BONUS | 1u << (PMX_PAY_NCOL + 1);
        st = write_row(w, cells, PMX_PAY_NCOL + 2, raw, "\r\n", err);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

static size_t count_skipped(const pm_pay_row *rows, size_t count)
{
    size_t k = 0;
    for (size_t i = 0; i < count; i++)
        k += rows[i].upload_cents <= 0;
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
    for (size_t i = 0; i < count; i++)
        if (rows[i].upload_cents > 0 && !hex_id(rows[i].annotator, 24))
            return refuse(err, i, "participant_id", rows[i].annotator,
                          "is not a Prolific participant id (24 hexadecimal characters); ids "
                          "are never rewritten, so pay it by hand or fix the assessment");
    for (size_t i = 0; i < count; i++) {
        if (rows[i].upload_cents <= 0)
            continue;
        char b[32];
        pm_money_format(rows[i].upload_cents, b, sizeof b);
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
    /* Every payable worker resolved and every field checked before the
     * first byte is written. */
    for (size_t i = 0; i < count; i++) {
        if (rows[i].upload_cents <= 0)
            continue;
        const char *a = find_assignment(m, nm, rows[i].annotator);
        const char *why = reason && *reason ? reason : rows[i].reason;
        if (!a)
            return pm_error_set(err, PM_EINVAL,
                                "worker '%s' has no assignment id in the assignments map; "
                                "SendBonus needs one of the worker's assignments",
                                rows[i].annotator);
        if (!mturk_id(rows[i].annotator, 'A'))
            return refuse(err, i, "WorkerId", rows[i].annotator,
                          "is not an MTurk WorkerId (A and then capital letters or digits, at "
                          "most 64 characters); ids are never rewritten");
        if (!mturk_id(a, 0))
            return refuse(err, i, "AssignmentId", a,
                          "is not an MTurk AssignmentId (capital letters or digits, at most 64 "
                          "characters)");
        if (chars(why) > MTURK_MAX_REASON)
            return pm_error_set(err, PM_EPARSE,
                                "payment row %zu: Reason has %zu characters; MTurk takes at "
                                "most %d",
                                i + 1, chars(why), MTURK_MAX_REASON);
    }
    if (put(w, "WorkerId,AssignmentId,BonusAmount,Reason\r\n"))
        return pm_error_set(err, PM_EIO, "write error");
    for (size_t i = 0; i < count; i++) {
        if (rows[i].upload_cents <= 0)
            continue;
        char b[32];
        pm_money_format(rows[i].upload_cents, b, sizeof b);
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
    if (pm_text_needs_escape(title))
        return pm_error_set(err, PM_EPARSE,
                            "public_title: a control byte (such as a newline) or bytes that "
                            "are not UTF-8; Toloka shows it as one line");
    if (pm_text_needs_escape(message))
        return pm_error_set(err, PM_EPARSE,
                            "public_message: a control byte (such as a newline) or bytes that "
                            "are not UTF-8; Toloka shows it as one line");
    for (size_t i = 0; i < count; i++)
        if (rows[i].upload_cents > 0 && !hex_id(rows[i].annotator, 32))
            return refuse(err, i, "user_id", rows[i].annotator,
                          "is not a Toloka user id (32 hexadecimal characters); ids are never "
                          "rewritten");
    for (size_t i = 0; i < count; i++)
        if (rows[i].upload_cents > TOLOKA_MAX_CENTS)
            return pm_error_set(err, PM_EINVAL,
                                "user '%s': bonus of %lld.%02lld is over Toloka's limit of "
                                "100.00 per Toloker per award; split it or pay it another way",
                                rows[i].annotator, rows[i].upload_cents / 100,
                                rows[i].upload_cents % 100);
    if (put(w, "user_id,amount,public_title,public_message\r\n"))
        return pm_error_set(err, PM_EIO, "write error");
    for (size_t i = 0; i < count; i++) {
        if (rows[i].upload_cents <= 0)
            continue;
        char b[32];
        pm_money_format(rows[i].upload_cents, b, sizeof b);
        const char *cells[] = {rows[i].annotator, b, title, message};
        pm_status st = write_row(w, cells, 4, 0x2, "\r\n", err);
        if (st != PM_OK)
            return st;
    }
    if (skipped)
        *skipped = count_skipped(rows, count);
    return PM_OK;
}
