/* The payment ledger: what was paid, held and released per batch and
 * annotator, appended in one transaction, never updated. Entries name their
 * batch by name so that they outlive a replaced batch: money paid stays
 * paid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

static const char *const kinds[] = {"paid", "held", "released"};

const char *pm_ledger_kind_name(pm_ledger_kind kind)
{
    return (unsigned)kind < 3 ? kinds[kind] : NULL;
}

static pm_ledger_kind kind_of(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (s && !strcmp(s, kinds[i]))
            return (pm_ledger_kind)i;
    return PM_LEDGER_PAID;
}

pm_status pm_history_ledger_append(pm_history *h, const pm_history_ledger *e, size_t n,
                                   pm_error *err)
{
    if (h->flags & PM_HISTORY_READONLY)
        return pm_error_set(err, PM_EINVAL,
                            "%s: cannot write the ledger: the store is opened "
                            "read-only",
                            h->name);
    if (h->in_import || h->reading)
        return pm_error_set(err, PM_EINVAL,
                            "%s: cannot write the ledger during an import or a read callback",
                            h->name);
    for (size_t i = 0; i < n; i++)
        if (!e[i].batch || !*e[i].batch || !e[i].annotator || !*e[i].annotator || e[i].cents < 0 ||
            !e[i].currency || !*e[i].currency || !pm_ledger_kind_name(e[i].kind))
            return pm_error_set(err, PM_EINVAL,
                                "%s: ledger entry %zu: no batch, annotator or currency, cents "
                                "below 0, or an unknown kind",
                                h->name, i + 1);
    pm_error e0 = {0};
    pm_status s = h->db->ops->begin(h->db, 1, &e0);
    if (s != PM_OK) {
        if (err)
            *err = e0;
        return pmx_fail(h, err, "cannot write the ledger");
    }
    char now[32];
    pmx_utc_now(now);
    for (size_t i = 0; i < n && s == PM_OK; i++)
        s = pmx_run(h, "cannot write the ledger", err,
                    "INSERT INTO ledger (batch, annotator, cents, currency, kind, upload_sha256, "
                    "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    "ttitttt", e[i].batch, e[i].annotator, e[i].cents, e[i].currency,
                    kinds[e[i].kind], e[i].upload_sha256, now);
    if (s == PM_OK) {
        s = h->db->ops->commit(h->db, &e0);
        if (s != PM_OK && err) {
            *err = e0;
            pmx_fail(h, err, "cannot commit the ledger");
        }
    }
    if (s != PM_OK)
        h->db->ops->rollback(h->db);
    return s;
}

pm_status pm_history_ledger_paid(pm_history *h, const char *batch, const char *ann, int *paid,
                                 pm_error *err)
{
    *paid = 0;
    if (!batch)
        return pm_error_set(err, PM_EINVAL, "%s: ledger_paid: no batch", h->name);
    if (ann)
        return pmx_scalar(h, "cannot read the ledger", err, NULL, paid,
                          "SELECT 1 FROM ledger WHERE batch = ? AND annotator = ? AND kind = "
                          "'paid'",
                          "tt", batch, ann);
    return pmx_scalar(h, "cannot read the ledger", err, NULL, paid,
                      "SELECT 1 FROM ledger WHERE batch = ? AND kind = 'paid'", "t", batch);
}

typedef struct ledger_walk {
    pm_history_ledger_fn fn;
    void *ctx;
    int holds; /* the rows are HOLDS_SQL's (batch, annotator, currency, pending cents) */
} ledger_walk;

static int ledger_row(pm_history *h, pmx_stmt *st, void *arg, pm_error *err)
{
    (void)err;
    const ledger_walk *w = arg;
    pm_history_ledger l = {0};
    if (w->holds) {
        l.batch = pmx_text(h, st, 0);
        l.annotator = pmx_text(h, st, 1);
        l.currency = pmx_text(h, st, 2);
        l.cents = pmx_int(h, st, 3);
        l.kind = PM_LEDGER_HELD;
    } else {
        l.id = pmx_int(h, st, 0);
        l.batch = pmx_text(h, st, 1);
        l.annotator = pmx_text(h, st, 2);
        l.cents = pmx_int(h, st, 3);
        l.currency = pmx_text(h, st, 4);
        l.kind = kind_of(pmx_text(h, st, 5));
        l.upload_sha256 = pmx_text(h, st, 6);
        l.recorded_at = pmx_text(h, st, 7);
    }
    return w->fn && w->fn(w->ctx, &l) ? 1 : 0;
}

static pm_status walk(pm_history *h, const char *sql, const char *ann, int holds,
                      pm_history_ledger_fn fn, void *ctx, pm_error *err)
{
    ledger_walk w = {fn, ctx, holds};
    return pmx_walk(h, "cannot read the ledger", sql, ann, ledger_row, &w, err);
}

pm_status pm_history_ledger_list(pm_history *h, const char *ann, pm_history_ledger_fn fn, void *ctx,
                                 pm_error *err)
{
    return walk(h,
                ann ? "SELECT id, batch, annotator, cents, currency, kind, upload_sha256, "
                      "recorded_at FROM ledger WHERE annotator = ? ORDER BY id"
                    : "SELECT id, batch, annotator, cents, currency, kind, upload_sha256, "
                      "recorded_at FROM ledger ORDER BY id",
                ann, 0, fn, ctx, err);
}

#define HOLDS_SQL(where)                                                                           \
    "SELECT batch, annotator, currency, SUM(CASE kind WHEN 'held' THEN cents WHEN 'released' "     \
    "THEN -cents ELSE 0 END) AS pending FROM ledger " where                                        \
    " GROUP BY batch, annotator, currency HAVING SUM(CASE kind WHEN 'held' THEN cents WHEN "       \
    "'released' THEN -cents ELSE 0 END) > 0 ORDER BY batch, annotator, currency"

pm_status pm_history_ledger_holds(pm_history *h, const char *ann, pm_history_ledger_fn fn,
                                  void *ctx, pm_error *err)
{
    return walk(h, ann ? HOLDS_SQL("WHERE annotator = ?") : HOLDS_SQL(""), ann, 1, fn, ctx, err);
}
