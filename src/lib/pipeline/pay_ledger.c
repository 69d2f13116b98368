/*
** The payment ledger of pay (prefmon/pay_ledger.h) over the history
** store's append-only ledger table.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/pay_ledger.h"

void pm_pay_releases_free(pm_pay_releases *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].batch);
        free(r->v[i].annotator);
    }
    free(r->v);
    r->v = NULL;
    r->n = 0;
}

pm_status pm_pay_ledger_check(pm_history *h, const char *batch, pm_error *err)
{
    if (!h || !batch || !*batch)
        return pm_error_set(err, PM_EINVAL, "pm_pay_ledger_check: no store or batch");
    int paid = 0;
    pm_status st = pm_history_ledger_paid(h, batch, NULL, &paid, err);
    if (st != PM_OK)
        return st;
    if (paid)
        return pm_error_set(err, PM_EPARSE,
                            "%s: batch '%s' is paid already (the ledger has its entries): paying "
                            "a batch twice is refused",
                            pm_history_name(h), batch);
    return PM_OK;
}

/* The pending holds, copied out of the walk's callback. */
typedef struct holds {
    const char *currency;
    pm_pay_releases r;
    size_t cap;
    int oom;
} holds;

static int take_hold(void *ctx, const pm_history_ledger *l)
{
    holds *hs = ctx;
    if (strcmp(l->currency, hs->currency) != 0)
        return 0;
    if (hs->r.n == hs->cap) {
        size_t nc = hs->cap ? 2 * hs->cap : 16;
        pm_pay_release *nv = realloc(hs->r.v, nc * sizeof *nv);
        if (!nv) {
            hs->oom = 1;
            return 1;
        }
        hs->r.v = nv;
        hs->cap = nc;
    }
    pm_pay_release *p = &hs->r.v[hs->r.n];
    p->batch = strdup(l->batch);
    p->annotator = strdup(l->annotator);
    p->cents = l->cents;
    if (!p->batch || !p->annotator) {
        free(p->batch);
        free(p->annotator);
        hs->oom = 1;
        return 1;
    }
    hs->r.n++;
    return 0;
}

static pm_status pending(pm_history *h, const char *currency, holds *hs, pm_error *err)
{
    memset(hs, 0, sizeof *hs);
    hs->currency = currency;
    pm_status st = pm_history_ledger_holds(h, NULL, take_hold, hs, err);
    if (st == PM_OK && hs->oom)
        st = pm_error_set(err, PM_ENOMEM, "out of memory");
    if (st != PM_OK)
        pm_pay_releases_free(&hs->r);
    return st;
}

pm_status pm_pay_ledger_pending(pm_history *h, const char *currency, size_t *n, pm_error *err)
{
    holds hs;
    pm_status st = pending(h, currency, &hs, err);
    *n = st == PM_OK ? hs.r.n : 0;
    pm_pay_releases_free(&hs.r);
    return st;
}

pm_status pm_pay_ledger_release(pm_history *h, const char *currency, const char *release,
                                pm_pay_row *rows, size_t *count, size_t capacity,
                                pm_pay_releases *out, pm_error *err)
{
    if (!h || !currency || !count || !out || (*count && !rows))
        return pm_error_set(err, PM_EINVAL, "pm_pay_ledger_release: NULL argument");
    memset(out, 0, sizeof *out);
    holds hs;
    pm_status st = pending(h, currency, &hs, err);
    if (st != PM_OK)
        return st;
    int all = release && strcmp(release, "all") == 0, named = 0;
    pm_pay_releases keep = {0};
    keep.v = malloc((hs.r.n ? hs.r.n : 1) * sizeof *keep.v);
    if (!keep.v) {
        pm_pay_releases_free(&hs.r);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; st == PM_OK && i < hs.r.n; i++) {
        pm_pay_release *p = &hs.r.v[i];
        int asked = all || (release && strcmp(release, p->annotator) == 0);
        named |= asked;
        pm_pay_row *row = NULL;
        for (size_t j = 0; j < *count && !row; j++)
            if (strcmp(rows[j].annotator, p->annotator) == 0)
                row = &rows[j];
        /* Paid when the evidence has decided (action pay now) or the buyer
         * says so; a hold of someone now blocked or flagged stays. */
        if (!asked && !(row && row->action == PM_ACTION_PAY))
            continue;
        if (!row) {
            if (*count >= capacity) {
                st = pm_error_set(err, PM_EINVAL,
                                  "pm_pay_ledger_release: no room for the row of '%s'",
                                  p->annotator);
                break;
            }
            row = &rows[(*count)++];
            memset(row, 0, sizeof *row);
            row->annotator = p->annotator;
            row->action = PM_ACTION_PAY;
            snprintf(row->reason, sizeof row->reason, "no pairs in this batch");
        }
        char b[32];
        pm_money_format(p->cents, b, sizeof b);
        size_t n = strlen(row->reason);
        if (n + 1 < sizeof row->reason)
            snprintf(row->reason + n, sizeof row->reason - n,
                     "; %s %s held in batch %s paid now (%s)", b, currency, p->batch,
                     asked ? "released by the buyer" : "the evidence has decided");
        if (__builtin_add_overflow(row->released_cents, p->cents, &row->released_cents) ||
            __builtin_add_overflow(row->upload_cents, p->cents, &row->upload_cents)) {
            st = pm_error_set(err, PM_ERANGE, "annotator '%s': released amount overflows",
                              p->annotator);
            break;
        }
        keep.v[keep.n++] = *p; /* the strings move to keep */
        p->batch = p->annotator = NULL;
    }
    if (st == PM_OK && release && !all && !named)
        st = pm_error_set(err, PM_EINVAL,
                          "no bonus of '%s' is held in %s (in %s): nothing to release", release,
                          pm_history_name(h), currency);
    pm_pay_releases_free(&hs.r);
    if (st != PM_OK) {
        pm_pay_releases_free(&keep);
        return st;
    }
    *out = keep;
    return PM_OK;
}

pm_status pm_pay_ledger_record(pm_history *h, const char *batch, const char *currency,
                               const pm_pay_row *rows, size_t count, const pm_pay_releases *rel,
                               const char *upload_sha256, pm_error *err)
{
    if (!h || !batch || !*batch || !currency || (count && !rows))
        return pm_error_set(err, PM_EINVAL, "pm_pay_ledger_record: NULL argument");
    size_t nrel = rel ? rel->n : 0, n = 0;
    pm_history_ledger *e = calloc(2 * count + nrel + 1, sizeof *e);
    if (!e)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < count; i++) {
        const pm_pay_row *r = &rows[i];
        e[n++] = (pm_history_ledger){.batch = batch,
                                     .annotator = r->annotator,
                                     .cents = r->upload_cents - r->released_cents,
                                     .currency = currency,
                                     .kind = PM_LEDGER_PAID,
                                     .upload_sha256 = upload_sha256};
        if (r->withheld && r->action == PM_ACTION_HOLD && r->bonus_cents > 0)
            e[n++] = (pm_history_ledger){.batch = batch,
                                         .annotator = r->annotator,
                                         .cents = r->bonus_cents,
                                         .currency = currency,
                                         .kind = PM_LEDGER_HELD,
                                         .upload_sha256 = upload_sha256};
    }
    for (size_t i = 0; i < nrel; i++)
        e[n++] = (pm_history_ledger){.batch = rel->v[i].batch,
                                     .annotator = rel->v[i].annotator,
                                     .cents = rel->v[i].cents,
                                     .currency = currency,
                                     .kind = PM_LEDGER_RELEASED,
                                     .upload_sha256 = upload_sha256};
    pm_status st = pm_history_ledger_append(h, e, n, err);
    free(e);
    return st;
}
