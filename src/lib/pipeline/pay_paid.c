/*
** Amounts already paid, read from a platform bonus file (prefmon/pay.h:
** pm_pay_read_paid): the three upload formats pay writes, so that a bonus
** list sent before counts as paid.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/csv.h"
#include "prefmon/pay.h"

#define RECORD_MAX (1u << 16)

/* The column of name in the header, or -1. */
static long column(const pm_csv_field *f, size_t nf, const char *name)
{
    for (size_t i = 0; i < nf; i++)
        if (strcmp(f[i].s, name) == 0)
            return (long)i;
    return -1;
}

static pm_status add(const char *path, const pm_csv_field *id, const pm_csv_field *amount,
                     pm_pay_input *in, size_t count, size_t *unmatched, pm_error *err)
{
    long long cents;
    pm_error e = {0};
    if (pm_money_parse(amount->s, &cents, &e) != PM_OK)
        return pm_error_at(err, PM_EPARSE, path, amount->line, amount->col,
                           "field 'amount': '%s' is not an amount such as 1.50", amount->s);
    for (size_t i = 0; i < count; i++)
        if (strcmp(in[i].annotator, id->s) == 0) {
            if (__builtin_add_overflow(in[i].paid_cents, cents, &in[i].paid_cents))
                return pm_error_at(err, PM_ERANGE, path, amount->line, amount->col,
                                   "field 'amount': the total paid to '%s' overflows", id->s);
            return PM_OK;
        }
    (*unmatched)++;
    return PM_OK;
}

pm_status pm_pay_read_paid(const char *path, pm_pay_input *in, size_t count, size_t *unmatched,
                           pm_error *err)
{
    size_t dummy = 0;
    if (!unmatched)
        unmatched = &dummy;
    *unmatched = 0;
    if (!path || (count && !in))
        return pm_error_set(err, PM_EINVAL, "pm_pay_read_paid: NULL argument");
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return pm_error_set(err, PM_EIO, "%s: %s", path, strerror(errno));
    pm_csv *c = pm_csv_new(RECORD_MAX, err);
    pm_status st = c ? pm_csv_open(c, fp, path, err) : PM_ENOMEM;
    int got = 0;
    if (st == PM_OK)
        st = pm_csv_next(c, &got, err);
    long idc = 0, amc = 1;
    int has_header = 0;
    if (st == PM_OK && got) {
        size_t nf = pm_csv_nfields(c);
        const pm_csv_field *f = pm_csv_fields(c);
        if (column(f, nf, "WorkerId") >= 0 || column(f, nf, "BonusAmount") >= 0) {
            /* MTurk: WorkerId,AssignmentId,BonusAmount,Reason */
            has_header = 1;
            idc = column(f, nf, "WorkerId");
            amc = column(f, nf, "BonusAmount");
        } else if (column(f, nf, "user_id") >= 0) {
            /* Toloka: user_id,amount,public_title,public_message */
            has_header = 1;
            idc = column(f, nf, "user_id");
            amc = column(f, nf, "amount");
        } /* else Prolific bulk bonus: participant_id,amount lines, no header */
        if (idc < 0 || amc < 0)
            st = pm_error_at(err, PM_EPARSE, path, 1, 0,
                             "the header has no %s column (an MTurk bonus file has WorkerId and "
                             "BonusAmount, a Toloka one user_id and amount)",
                             idc < 0 ? "id" : "amount");
        if (st == PM_OK && has_header)
            st = pm_csv_next(c, &got, err);
        while (st == PM_OK && got) {
            size_t need = (size_t)(idc > amc ? idc : amc) + 1;
            if (pm_csv_nfields(c) < need || (!has_header && pm_csv_nfields(c) != 2))
                st = pm_error_at(
                    err, PM_EPARSE, path, pm_csv_line(c), 1, "%zu fields; %s", pm_csv_nfields(c),
                    has_header ? "fewer than the header's"
                               : "a Prolific bulk bonus line is participant_id,amount");
            else
                st = add(path, &pm_csv_fields(c)[idc], &pm_csv_fields(c)[amc], in, count, unmatched,
                         err);
            if (st == PM_OK)
                st = pm_csv_next(c, &got, err);
        }
    }
    pm_csv_free(c);
    fclose(fp);
    return st;
}
