/* pm_history_check: everything the store promises about itself, checked
 * with portable queries (so both engines are checked the same way) plus
 * SQLite's own integrity check. */
#include <stdio.h>
#include <string.h>

#include "store/db.h"

typedef struct problems {
    pm_history_problem_fn fn;
    void *ctx;
    size_t n;
    char first[PM_ERROR_TEXT];
} problems;

static void report(problems *p, const char *text)
{
    if (!p->n)
        snprintf(p->first, sizeof p->first, "%s", text);
    p->n++;
    if (p->fn)
        p->fn(p->ctx, text);
}

/* Run a query whose every row is a problem; describe each with fmt over
 * the row's first columns as text. */
static pm_status each_row(pm_history *h, problems *p, const char *sql, const char *fmt, int ncols,
                          pm_error *err)
{
    pmx_stmt *st;
    pm_status s = pmx_prep(h, sql, "cannot run the check", &st, err);
    if (s != PM_OK)
        return s;
    int r;
    while ((r = pmx_step(h, st, "cannot run the check", err)) > 0) {
        const char *c[6] = {"", "", "", "", "", ""};
        for (int i = 0; i < ncols && i < 6; i++)
            c[i] = pmx_text(h, st, i) ? pmx_text(h, st, i) : "NULL";
        char text[PM_ERROR_TEXT];
        snprintf(text, sizeof text, fmt, c[0], c[1], c[2], c[3], c[4], c[5]);
        report(p, text);
    }
    pmx_finalize(h, st);
    return r < 0 ? (err ? err->code : PM_EIO) : PM_OK;
}

static const struct {
    const char *sql, *fmt;
    int ncols;
} checks[] = {
    {"SELECT f.name, f.batch_id FROM batch_files f LEFT JOIN batches b ON b.id = f.batch_id "
     "WHERE b.id IS NULL",
     "batch_files: file '%s' refers to batch id %s, which does not exist", 2},
    {"SELECT a.annotator, a.batch_id FROM annotator_batches a LEFT JOIN batches b ON b.id = "
     "a.batch_id WHERE b.id IS NULL",
     "annotator_batches: annotator '%s' refers to batch id %s, which does not exist", 2},
    {"SELECT c.label, c.annotator, c.batch_id FROM label_counts c LEFT JOIN annotator_batches a "
     "ON a.batch_id = c.batch_id AND a.annotator = c.annotator WHERE a.annotator IS NULL",
     "label_counts: label '%s' of annotator '%s' in batch id %s has no annotator row", 3},
    {"SELECT p.seq, p.annotator, p.batch_id FROM pairs p LEFT JOIN batches b ON b.id = "
     "p.batch_id WHERE b.id IS NULL",
     "pairs: pair %s of annotator '%s' refers to batch id %s, which does not exist", 3},
    {"SELECT l.item, l.annotator, l.batch_id FROM last_labels l LEFT JOIN batches b ON b.id = "
     "l.batch_id WHERE b.id IS NULL",
     "last_labels: item '%s' of annotator '%s' refers to batch id %s, which does not exist", 3},
    {"SELECT k.key, k.batch_id FROM record_keys k LEFT JOIN batches b ON b.id = k.batch_id "
     "WHERE b.id IS NULL",
     "record_keys: key '%s' refers to batch id %s, which does not exist", 2},
    {"SELECT annotator, COUNT(*), MIN(seq), MAX(seq) FROM pairs GROUP BY annotator "
     "HAVING MIN(seq) <> 1 OR MAX(seq) <> COUNT(*)",
     "pairs: annotator '%s' has %s pairs numbered %s..%s, not 1 to their count", 4},
    {"SELECT a.annotator, a.batch_id, a.pairs, a.consistent, COUNT(p.seq), "
     "COALESCE(SUM(p.agree), 0) FROM annotator_batches a LEFT JOIN pairs p ON p.batch_id = "
     "a.batch_id AND p.annotator = a.annotator GROUP BY a.batch_id, a.annotator, a.pairs, "
     "a.consistent HAVING a.pairs <> COUNT(p.seq) OR a.consistent <> COALESCE(SUM(p.agree), 0)",
     "annotator_batches: annotator '%s' in batch id %s says %s pairs, %s consistent; the "
     "stored pairs are %s, %s consistent",
     6},
    {"SELECT p.annotator, COUNT(*), p.batch_id FROM pairs p LEFT JOIN annotator_batches a ON "
     "a.batch_id = p.batch_id AND a.annotator = p.annotator WHERE a.annotator IS NULL GROUP BY "
     "p.batch_id, p.annotator",
     "pairs: annotator '%s' has %s pairs in batch id %s but no row there", 3},
};

pm_status pm_history_check(pm_history *h, pm_history_problem_fn fn, void *ctx, size_t *nproblems,
                           pm_error *err)
{
    problems p = {fn, ctx, 0, ""};
    if (nproblems)
        *nproblems = 0;
    pm_status s = pmx_read_begin(h, err);
    if (s != PM_OK)
        return s;
    long long v = 0;
    int found = 0;
    if ((s = pmx_scalar(h, "cannot read the schema version", err, &v, &found,
                        "SELECT MAX(version) FROM schema_version", "")) != PM_OK)
        goto done;
    if (v != PM_HISTORY_SCHEMA) {
        char text[128];
        snprintf(text, sizeof text, "schema_version: %lld, this prefmon's is %d", v,
                 PM_HISTORY_SCHEMA);
        report(&p, text);
    }
    for (size_t i = 0; i < sizeof checks / sizeof checks[0] && s == PM_OK; i++)
        s = each_row(h, &p, checks[i].sql, checks[i].fmt, checks[i].ncols, err);
    if (s == PM_OK && h->db->dialect == PMX_SQLITE) {
        pmx_stmt *st;
        if ((s = pmx_prep(h, "PRAGMA integrity_check", "cannot run the integrity check", &st,
                          err)) == PM_OK) {
            int r;
            while ((r = pmx_step(h, st, "cannot run the integrity check", err)) > 0) {
                const char *t = pmx_text(h, st, 0);
                if (t && strcmp(t, "ok")) {
                    char text[PM_ERROR_TEXT];
                    snprintf(text, sizeof text, "integrity_check: %s", t);
                    report(&p, text);
                }
            }
            pmx_finalize(h, st);
            if (r < 0)
                s = err ? err->code : PM_EIO;
        }
    }
done:
    pmx_read_end(h);
    if (s != PM_OK)
        return s;
    if (nproblems)
        *nproblems = p.n;
    if (p.n)
        return pm_error_set(err, PM_EPARSE, "%s: %zu problem%s: %s", h->name, p.n,
                            p.n == 1 ? "" : "s", p.first);
    return PM_OK;
}
