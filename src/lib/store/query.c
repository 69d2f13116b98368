/* Reading the store back: batches, annotators, an annotator's record batch
 * by batch and all their pairs in order, the last labels. Each walk runs in
 * one read transaction so that it sees one state of the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

/* The files of batch id, malloc'd into *out (names point into st rows that
 * are copied). */
static pm_status batch_files(pm_history *h, long long id, pm_history_file **out, char ***names,
                             size_t *n, pm_error *err)
{
    const char *what = "cannot read a batch's files";
    pmx_stmt *st;
    *out = NULL;
    *names = NULL;
    *n = 0;
    pm_status s = pmx_prep(h,
                           "SELECT name, sha256, size FROM batch_files WHERE batch_id = ? "
                           "ORDER BY pos",
                           what, &st, err);
    if (s != PM_OK)
        return s;
    pmx_bind_int(h, st, 1, id);
    size_t cap = 0;
    int r;
    while ((r = pmx_step(h, st, what, err)) > 0) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 4;
            pm_history_file *f = realloc(*out, cap * sizeof *f);
            char **nm = f ? realloc(*names, cap * sizeof *nm) : NULL;
            if (f)
                *out = f;
            if (!nm) {
                r = -2;
                break;
            }
            *names = nm;
        }
        pm_history_file *f = &(*out)[*n];
        (*names)[*n] = strdup(pmx_text(h, st, 0));
        if (!(*names)[*n]) {
            r = -2;
            break;
        }
        f->name = (*names)[*n];
        snprintf(f->sha256, sizeof f->sha256, "%s", pmx_text(h, st, 1));
        f->size = pmx_int(h, st, 2);
        (*n)++;
    }
    pmx_finalize(h, st);
    if (r == -2)
        return pm_error_set(err, PM_ENOMEM, "%s: out of memory", h->name);
    return r < 0 ? (err ? err->code : PM_EIO) : PM_OK;
}

static void free_files(pm_history_file *f, char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(f);
}

pm_status pm_history_list_batches(pm_history *h, pm_history_batch_fn fn, void *ctx, pm_error *err)
{
    const char *what = "cannot list the batches";
    pm_status s = pmx_read_begin(h, err);
    if (s != PM_OK)
        return s;
    pmx_stmt *st;
    if ((s = pmx_prep(h,
                      "SELECT id, name, imported_at, parameters, records_new, "
                      "records_skipped FROM batches ORDER BY id",
                      what, &st, err)) != PM_OK) {
        pmx_read_end(h);
        return s;
    }
    int r;
    while ((r = pmx_step(h, st, what, err)) > 0) {
        pm_history_batch b = {0};
        b.id = pmx_int(h, st, 0);
        b.name = pmx_text(h, st, 1);
        b.imported_at = pmx_text(h, st, 2);
        b.parameters = pmx_text(h, st, 3);
        b.records_new = pmx_int(h, st, 4);
        b.records_skipped = pmx_int(h, st, 5);
        pm_history_file *files;
        char **names;
        size_t n;
        if ((s = batch_files(h, b.id, &files, &names, &n, err)) != PM_OK)
            break;
        b.files = files;
        b.n_files = n;
        int stop = fn ? fn(ctx, &b) : 0;
        free_files(files, names, n);
        if (stop)
            break;
    }
    pmx_finalize(h, st);
    pmx_read_end(h);
    if (s != PM_OK)
        return s;
    return r < 0 ? (err ? err->code : PM_EIO) : PM_OK;
}

typedef struct cb {
    void (*fn)(void);
    void *ctx;
} cb;

static int name_row(pm_history *h, pmx_stmt *st, void *arg, pm_error *err)
{
    (void)err;
    cb *c = arg;
    return c->fn ? ((pm_history_name_fn)c->fn)(c->ctx, pmx_text(h, st, 0)) != 0 : 0;
}

pm_status pm_history_annotators(pm_history *h, pm_history_name_fn fn, void *ctx, pm_error *err)
{
    cb c = {(void (*)(void))fn, ctx};
    return pmx_walk(h, "cannot list the annotators",
                    "SELECT annotator FROM annotator_batches UNION SELECT annotator FROM pairs "
                    "ORDER BY 1",
                    NULL, name_row, &c, err);
}

static int ann_row(pm_history *h, pmx_stmt *st, void *arg, pm_error *err)
{
    cb *c = arg;
    pm_history_row r = {0};
    long long batch_id = pmx_int(h, st, 0);
    r.batch = pmx_text(h, st, 1);
    r.annotator = pmx_text(h, st, 2);
    r.labels = pmx_int(h, st, 3);
    r.pairs = pmx_int(h, st, 4);
    r.consistent = pmx_int(h, st, 5);
    r.gold_n = pmx_int(h, st, 6);
    r.gold_agree = pmx_int(h, st, 7);
    r.left_n = pmx_int(h, st, 8);
    r.left_k = pmx_int(h, st, 9);
    r.duration_median = pmx_double(h, st, 10);
    r.duration_n = pmx_int(h, st, 11);
    r.decision = pmx_text(h, st, 12);
    r.action = pmx_text(h, st, 13);
    r.reason = pmx_text(h, st, 14);
    r.flags = pmx_text(h, st, 15);
    /* label counts */
    const char *what = "cannot read the label counts";
    pmx_stmt *q;
    if (pmx_prep(h,
                 "SELECT label, count FROM label_counts WHERE batch_id = ? AND annotator = ? "
                 "ORDER BY label",
                 what, &q, err) != PM_OK)
        return -1;
    pmx_bind_int(h, q, 1, batch_id);
    pmx_bind_text(h, q, 2, r.annotator);
    pm_history_count *counts = NULL;
    size_t n = 0, cap = 0;
    int rc, bad = 0;
    while ((rc = pmx_step(h, q, what, err)) > 0) {
        if (n == cap) {
            pm_history_count *m = realloc(counts, (cap = cap ? 2 * cap : 8) * sizeof *m);
            if (!m) {
                bad = 1;
                break;
            }
            counts = m;
        }
        counts[n].label = strdup(pmx_text(h, q, 0));
        counts[n].count = pmx_int(h, q, 1);
        if (!counts[n].label) {
            bad = 1;
            break;
        }
        n++;
    }
    pmx_finalize(h, q);
    int ret = -1;
    if (bad)
        pm_error_set(err, PM_ENOMEM, "%s: out of memory", h->name);
    else if (rc >= 0) {
        r.counts = counts;
        r.n_counts = n;
        ret = c->fn ? ((pm_history_row_fn)c->fn)(c->ctx, &r) != 0 : 0;
    }
    for (size_t i = 0; i < n; i++)
        free((char *)counts[i].label);
    free(counts);
    return ret;
}

pm_status pm_history_annotator_rows(pm_history *h, const char *ann, pm_history_row_fn fn, void *ctx,
                                    pm_error *err)
{
    if (!ann)
        return pm_error_set(err, PM_EINVAL, "%s: annotator_rows: no annotator", h->name);
    cb c = {(void (*)(void))fn, ctx};
    return pmx_walk(h, "cannot read an annotator's batches",
                    "SELECT a.batch_id, b.name, a.annotator, a.labels, a.pairs, a.consistent, "
                    "a.gold_n, a.gold_agree, a.left_n, a.left_k, a.duration_median, a.duration_n, "
                    "a.decision, a.action, a.reason, a.flags FROM annotator_batches a "
                    "JOIN batches b ON b.id = a.batch_id WHERE a.annotator = ? ORDER BY a.batch_id",
                    ann, ann_row, &c, err);
}

static int pair_row(pm_history *h, pmx_stmt *st, void *arg, pm_error *err)
{
    (void)err;
    cb *c = arg;
    pm_history_pair p = {0};
    p.annotator = pmx_text(h, st, 0);
    p.seq = pmx_int(h, st, 1);
    p.batch = pmx_text(h, st, 2);
    p.item = pmx_text(h, st, 3);
    p.agree = (int)pmx_int(h, st, 4);
    p.q0 = pmx_double(h, st, 5);
    p.delta = pmx_double(h, st, 6);
    p.m0 = pmx_double(h, st, 7);
    p.m1 = pmx_double(h, st, 8);
    return c->fn ? ((pm_history_pair_fn)c->fn)(c->ctx, &p) != 0 : 0;
}

pm_status pm_history_annotator_pairs(pm_history *h, const char *ann, pm_history_pair_fn fn,
                                     void *ctx, pm_error *err)
{
    if (!ann)
        return pm_error_set(err, PM_EINVAL, "%s: annotator_pairs: no annotator", h->name);
    cb c = {(void (*)(void))fn, ctx};
    return pmx_walk(h, "cannot read an annotator's pairs",
                    "SELECT p.annotator, p.seq, b.name, p.item, p.agree, p.q0, p.delta, p.m0, p.m1 "
                    "FROM pairs p JOIN batches b ON b.id = p.batch_id WHERE p.annotator = ? "
                    "ORDER BY p.seq",
                    ann, pair_row, &c, err);
}

static int label_row(pm_history *h, pmx_stmt *st, void *arg, pm_error *err)
{
    (void)err;
    cb *c = arg;
    pm_history_label l = {pmx_text(h, st, 0), pmx_text(h, st, 1), pmx_text(h, st, 2),
                          pmx_text(h, st, 3)};
    return c->fn ? ((pm_history_label_fn)c->fn)(c->ctx, &l) != 0 : 0;
}

pm_status pm_history_last_labels(pm_history *h, const char *ann, pm_history_label_fn fn, void *ctx,
                                 pm_error *err)
{
    cb c = {(void (*)(void))fn, ctx};
    return pmx_walk(
        h, "cannot read the last labels",
        ann ? "SELECT l.annotator, l.item, l.label, b.name FROM last_labels l JOIN batches "
              "b ON b.id = l.batch_id WHERE l.annotator = ? ORDER BY l.annotator, l.item"
            : "SELECT l.annotator, l.item, l.label, b.name FROM last_labels l JOIN batches "
              "b ON b.id = l.batch_id ORDER BY l.annotator, l.item",
        ann, label_row, &c, err);
}
