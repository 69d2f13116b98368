/* One import as one write transaction: the batch and its files, refused or
 * replaced when already imported; then rows, pairs, last labels and record
 * keys; then commit or rollback. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

/* The import must be open and healthy for a put. */
static pm_status guard(pm_history *h, const char *fn, pm_error *err)
{
    if (!h->in_import)
        return pm_error_set(err, PM_EINVAL, "%s: %s: no import in progress", h->name, fn);
    if (h->failed)
        return pm_error_set(err, PM_EINVAL,
                            "%s: %s: an earlier call of this import failed; roll it back", h->name,
                            fn);
    return PM_OK;
}

/* Mark the import failed when st is an error. */
static pm_status track(pm_history *h, pm_status st)
{
    if (st != PM_OK)
        h->failed = 1;
    return st;
}

static int is_sha256(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == 64;
}

/* Text appended to h->replaced ("; " between items). */
static pm_status add_replaced(pm_history *h, const char *text)
{
    size_t old = h->replaced ? strlen(h->replaced) : 0, add = strlen(text);
    char *n = realloc(h->replaced, old + add + 3);
    if (!n)
        return PM_ENOMEM;
    if (old)
        memcpy(n + old, "; ", 2), old += 2;
    memcpy(n + old, text, add + 1);
    h->replaced = n;
    return PM_OK;
}

typedef struct earlier {
    long long id;
    char name[256], at[32], why[512];
} earlier;

/* Batches that conflict with the new one: same name, or a file with the
 * same digest. At most cap, distinct ids. */
static pm_status find_earlier(pm_history *h, const pm_history_batch *b, earlier *out, size_t cap,
                              size_t *n, pm_error *err)
{
    *n = 0;
    for (size_t f = 0; f <= b->n_files; f++) {
        pmx_stmt *st;
        const char *sql = f == 0 ? "SELECT id, name, imported_at, '' FROM batches WHERE name = ?"
                                 : "SELECT b.id, b.name, b.imported_at, f.name FROM batch_files f "
                                   "JOIN batches b ON b.id = f.batch_id WHERE f.sha256 = ? "
                                   "ORDER BY b.id";
        pm_status s = pmx_prep(h, sql, "cannot look for an earlier import", &st, err);
        if (s != PM_OK)
            return s;
        pmx_bind_text(h, st, 1, f == 0 ? b->name : b->files[f - 1].sha256);
        int r;
        while ((r = pmx_step(h, st, "cannot look for an earlier import", err)) > 0) {
            long long id = pmx_int(h, st, 0);
            size_t k = 0;
            while (k < *n && out[k].id != id)
                k++;
            if (k < *n || *n == cap)
                continue;
            earlier *e = &out[(*n)++];
            e->id = id;
            snprintf(e->name, sizeof e->name, "%s", pmx_text(h, st, 1));
            snprintf(e->at, sizeof e->at, "%s", pmx_text(h, st, 2));
            if (f == 0)
                snprintf(e->why, sizeof e->why, "batch '%s' is already imported", b->name);
            else
                snprintf(e->why, sizeof e->why,
                         "file '%s' (sha256 %.12s...) was already imported as '%s' in batch '%s'",
                         b->files[f - 1].name, b->files[f - 1].sha256, pmx_text(h, st, 3), e->name);
        }
        pmx_finalize(h, st);
        if (r < 0)
            return err ? err->code : PM_EIO;
    }
    return PM_OK;
}

/* Pairs seq 1..N again for one annotator after a batch was deleted:
 * negate, then number in the old order (the primary key never sees two
 * equal seq). */
static pm_status renumber(pm_history *h, const char *ann, pm_error *err)
{
    const char *what = "cannot renumber the pairs after replacing";
    pm_status s =
        pmx_run(h, what, err, "UPDATE pairs SET seq = -seq WHERE annotator = ?", "t", ann);
    if (s != PM_OK)
        return s;
    pmx_stmt *sel, *upd;
    if ((s = pmx_prep(h, "SELECT seq FROM pairs WHERE annotator = ? ORDER BY seq DESC", what, &sel,
                      err)) != PM_OK)
        return s;
    if ((s = pmx_prep(h, "UPDATE pairs SET seq = ? WHERE annotator = ? AND seq = ?", what, &upd,
                      err)) != PM_OK) {
        pmx_finalize(h, sel);
        return s;
    }
    long long *old = NULL;
    size_t n = 0, cap = 0;
    pmx_bind_text(h, sel, 1, ann);
    int r;
    while ((r = pmx_step(h, sel, what, err)) > 0) {
        if (n == cap) {
            long long *o = realloc(old, (cap = cap ? 2 * cap : 256) * sizeof *o);
            if (!o) {
                r = -1;
                pm_error_set(err, PM_ENOMEM, "%s: out of memory", h->name);
                break;
            }
            old = o;
        }
        old[n++] = pmx_int(h, sel, 0);
    }
    pmx_finalize(h, sel);
    s = r < 0 ? (err ? err->code : PM_EIO) : PM_OK;
    for (size_t i = 0; s == PM_OK && i < n; i++) {
        pmx_reset(h, upd);
        pmx_bind_int(h, upd, 1, (long long)(i + 1));
        pmx_bind_text(h, upd, 2, ann);
        pmx_bind_int(h, upd, 3, old[i]);
        if (pmx_step(h, upd, what, err) < 0)
            s = err ? err->code : PM_EIO;
    }
    pmx_finalize(h, upd);
    free(old);
    return s;
}

static pm_status replace_one(pm_history *h, const earlier *e, pm_error *err)
{
    const char *what = "cannot replace an earlier batch";
    long long anns = 0;
    pm_status s =
        pmx_scalar(h, what, err, &anns, NULL,
                   "SELECT COUNT(*) FROM annotator_batches WHERE batch_id = ?", "i", e->id);
    if (s != PM_OK)
        return s;
    /* the annotators whose pairs are renumbered */
    char **names = NULL;
    size_t n = 0, cap = 0;
    pmx_stmt *st;
    if ((s = pmx_prep(h, "SELECT DISTINCT annotator FROM pairs WHERE batch_id = ?", what, &st,
                      err)) != PM_OK)
        return s;
    pmx_bind_int(h, st, 1, e->id);
    int r;
    while ((r = pmx_step(h, st, what, err)) > 0) {
        if (n == cap) {
            char **m = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof *m);
            if (!m)
                break;
            names = m;
        }
        if (!(names[n] = strdup(pmx_text(h, st, 0))))
            break;
        n++;
    }
    pmx_finalize(h, st);
    if (r > 0)
        s = pm_error_set(err, PM_ENOMEM, "%s: out of memory", h->name);
    else if (r < 0)
        s = err ? err->code : PM_EIO;
    if (s == PM_OK)
        s = pmx_run(h, what, err, "DELETE FROM batches WHERE id = ?", "i", e->id);
    for (size_t i = 0; i < n; i++) {
        if (s == PM_OK)
            s = renumber(h, names[i], err);
        free(names[i]);
    }
    free(names);
    if (s == PM_OK) {
        char text[512];
        snprintf(text, sizeof text, "batch '%s' (id %lld, imported %s, %lld annotator%s)", e->name,
                 e->id, e->at, anns, anns == 1 ? "" : "s");
        if (add_replaced(h, text) != PM_OK)
            s = pm_error_set(err, PM_ENOMEM, "%s: out of memory", h->name);
    }
    return s;
}

pm_status pm_history_begin_import(pm_history *h, const pm_history_batch *b, unsigned flags,
                                  pm_error *err)
{
    free(h->replaced);
    h->replaced = NULL;
    if (h->flags & PM_HISTORY_READONLY)
        return pm_error_set(err, PM_EINVAL, "%s: cannot import: the store is opened read-only",
                            h->name);
    if (h->in_import)
        return pm_error_set(err, PM_EINVAL, "%s: an import is already in progress", h->name);
    if (h->reading)
        return pm_error_set(err, PM_EINVAL, "%s: cannot import from inside a read callback",
                            h->name);
    if (!b || !b->name || !*b->name)
        return pm_error_set(err, PM_EINVAL, "%s: cannot import: the batch has no name", h->name);
    for (size_t i = 0; i < b->n_files; i++)
        if (!b->files[i].name || !is_sha256(b->files[i].sha256) || b->files[i].size < 0)
            return pm_error_set(err, PM_EINVAL,
                                "%s: cannot import: file %zu of batch '%s' has no name, a size "
                                "below 0 or a SHA-256 that is not 64 lower-case hex digits",
                                h->name, i + 1, b->name);
    pm_error e = {0};
    pm_status s = h->db->ops->begin(h->db, 1, &e);
    if (s != PM_OK) {
        if (err)
            *err = e;
        return pmx_fail(h, err, "cannot start the import");
    }
    /* PostgreSQL: besides the writers' advisory lock (db_pg.c), a table
     * lock that any other client writing batches respects too; plain reads
     * go on. */
    if (h->db->dialect == PMX_PG &&
        (s = pmx_exec(h, "LOCK TABLE batches IN SHARE ROW EXCLUSIVE MODE",
                      "cannot lock the batches table", err)) != PM_OK)
        goto fail;
    earlier found[16];
    size_t n = 0;
    if ((s = find_earlier(h, b, found, 16, &n, err)) != PM_OK)
        goto fail;
    if (n && !(flags & PM_HISTORY_REPLACE)) {
        s = pm_error_set(err, PM_EPARSE,
                         "%s: %s (batch id %lld, imported %s); replace it (--replace) to import it "
                         "again",
                         h->name, found[0].why, found[0].id, found[0].at);
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        if ((s = replace_one(h, &found[i], err)) != PM_OK)
            goto fail;
    char now[32];
    pmx_utc_now(now);
    long long id = 0;
    int got = 0;
    if ((s = pmx_scalar(h, "cannot store the batch", err, &id, &got,
                        "INSERT INTO batches (name, imported_at, parameters) VALUES (?, ?, ?) "
                        "RETURNING id",
                        "ttt", b->name, b->imported_at ? b->imported_at : now,
                        b->parameters ? b->parameters : "{}")) != PM_OK)
        goto fail;
    for (size_t i = 0; i < b->n_files; i++)
        if ((s = pmx_run(h, "cannot store the batch's files", err,
                         "INSERT INTO batch_files (batch_id, pos, name, sha256, size) "
                         "VALUES (?, ?, ?, ?, ?)",
                         "iitti", id, (long long)i + 1, b->files[i].name, b->files[i].sha256,
                         b->files[i].size)) != PM_OK)
            goto fail;
    free(h->batch_name);
    if (!(h->batch_name = strdup(b->name))) {
        s = pm_error_set(err, PM_ENOMEM, "%s: out of memory", h->name);
        goto fail;
    }
    h->batch_id = id;
    h->in_import = 1;
    h->failed = 0;
    h->keys_new = h->keys_skipped = 0;
    return PM_OK;
fail:
    h->db->ops->rollback(h->db);
    if (s != PM_OK && h->replaced) {
        free(h->replaced);
        h->replaced = NULL;
    }
    return s;
}

const char *pm_history_replaced(const pm_history *h)
{
    return h->replaced;
}

long long pm_history_import_id(const pm_history *h)
{
    return h->in_import ? h->batch_id : 0;
}

pm_status pm_history_put_row(pm_history *h, const pm_history_row *r, pm_error *err)
{
    pm_status s = guard(h, "put_row", err);
    if (s != PM_OK)
        return s;
    if (!r || !r->annotator || !*r->annotator)
        return pm_error_set(err, PM_EINVAL, "%s: put_row: no annotator", h->name);
    if (r->labels < 0 || r->pairs < 0 || r->consistent < 0 || r->consistent > r->pairs ||
        r->gold_n < 0 || r->gold_agree < 0 || r->gold_agree > r->gold_n || r->left_n < 0 ||
        r->left_k < 0 || r->left_k > r->left_n || r->duration_n < 0)
        return pm_error_set(err, PM_EINVAL,
                            "%s: annotator '%s': counts below 0, or a part above its whole "
                            "(consistent > pairs, gold_agree > gold_n or left_k > left_n)",
                            h->name, r->annotator);
    char what[320];
    snprintf(what, sizeof what, "cannot store annotator '%.200s' of batch '%.80s'", r->annotator,
             h->batch_name);
    pmx_stmt *st;
    if ((s = pmx_prep(h,
                      "INSERT INTO annotator_batches (batch_id, annotator, labels, pairs, "
                      "consistent, gold_n, gold_agree, left_n, left_k, duration_median, "
                      "duration_n, decision, action, reason, flags) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      what, &st, err)) != PM_OK)
        return track(h, s);
    pmx_bind_int(h, st, 1, h->batch_id);
    pmx_bind_text(h, st, 2, r->annotator);
    pmx_bind_int(h, st, 3, r->labels);
    pmx_bind_int(h, st, 4, r->pairs);
    pmx_bind_int(h, st, 5, r->consistent);
    pmx_bind_int(h, st, 6, r->gold_n);
    pmx_bind_int(h, st, 7, r->gold_agree);
    pmx_bind_int(h, st, 8, r->left_n);
    pmx_bind_int(h, st, 9, r->left_k);
    pmx_bind_double(h, st, 10, r->duration_median);
    pmx_bind_int(h, st, 11, r->duration_n);
    pmx_bind_text(h, st, 12, r->decision);
    pmx_bind_text(h, st, 13, r->action);
    pmx_bind_text(h, st, 14, r->reason);
    pmx_bind_text(h, st, 15, r->flags);
    int rc = pmx_step(h, st, what, err);
    pmx_finalize(h, st);
    if (rc < 0)
        return track(h, err ? err->code : PM_EIO);
    for (size_t i = 0; i < r->n_counts; i++) {
        if (!r->counts[i].label || r->counts[i].count < 0)
            return track(h, pm_error_set(err, PM_EINVAL,
                                         "%s: annotator '%s': label count %zu "
                                         "has no label or is below 0",
                                         h->name, r->annotator, i + 1));
        if ((s = pmx_run(h, what, err,
                         "INSERT INTO label_counts (batch_id, annotator, label, count) "
                         "VALUES (?, ?, ?, ?)",
                         "itti", h->batch_id, r->annotator, r->counts[i].label,
                         r->counts[i].count)) != PM_OK)
            return track(h, s);
    }
    return PM_OK;
}

/* Rows per multi-row INSERT: few round trips, statements of a sane size. */
#define CHUNK 256

/* The multi-row INSERT for `rows` rows in *st, prepared again only when the
 * row count differs from the one *prepared holds (the last chunk). */
static pm_status prep_rows(pm_history *h, const char *head, int cols, size_t rows, const char *tail,
                           const char *what, pmx_stmt **st, size_t *prepared, pm_error *err)
{
    if (rows == *prepared)
        return PM_OK;
    pmx_finalize(h, *st);
    *st = NULL;
    *prepared = 0;
    char *sql = pmx_values_sql(head, cols, rows, tail);
    if (!sql)
        return pm_error_set(err, PM_ENOMEM, "%s: out of memory", h->name);
    pm_status s = pmx_prep(h, sql, what, st, err);
    free(sql);
    if (s == PM_OK)
        *prepared = rows;
    return s;
}

pm_status pm_history_append_pairs(pm_history *h, const char *ann, const pm_history_pair *p,
                                  size_t n, pm_error *err)
{
    pm_status s = guard(h, "append_pairs", err);
    if (s != PM_OK)
        return s;
    if (!ann || !*ann)
        return pm_error_set(err, PM_EINVAL, "%s: append_pairs: no annotator", h->name);
    for (size_t i = 0; i < n; i++)
        if (!p[i].item || (p[i].agree != 0 && p[i].agree != 1))
            return pm_error_set(err, PM_EINVAL,
                                "%s: annotator '%s': pair %zu has no item or an agree that is "
                                "not 0 or 1",
                                h->name, ann, i + 1);
    char what[320];
    snprintf(what, sizeof what, "cannot store the pairs of annotator '%.200s'", ann);
    long long seq = 0;
    if ((s = pmx_scalar(h, what, err, &seq, NULL,
                        "SELECT COALESCE(MAX(seq), 0) FROM pairs WHERE annotator = ?", "t", ann)) !=
        PM_OK)
        return track(h, s);
    pmx_stmt *st = NULL;
    size_t prepared = 0; /* rows of st */
    for (size_t at = 0; at < n && s == PM_OK; at += CHUNK) {
        size_t rows = n - at < CHUNK ? n - at : CHUNK;
        s = prep_rows(
            h, "INSERT INTO pairs (annotator, seq, batch_id, item, agree, q0, delta, m0, m1)", 9,
            rows, "", what, &st, &prepared, err);
        if (s != PM_OK)
            break;
        pmx_reset(h, st);
        for (size_t r = 0; r < rows; r++) {
            const pm_history_pair *q = &p[at + r];
            int b = (int)(9 * r);
            pmx_bind_text(h, st, b + 1, ann);
            pmx_bind_int(h, st, b + 2, seq + (long long)(at + r) + 1);
            pmx_bind_int(h, st, b + 3, h->batch_id);
            pmx_bind_text(h, st, b + 4, q->item);
            pmx_bind_int(h, st, b + 5, q->agree);
            pmx_bind_double(h, st, b + 6, q->q0);
            pmx_bind_double(h, st, b + 7, q->delta);
            pmx_bind_double(h, st, b + 8, q->m0);
            pmx_bind_double(h, st, b + 9, q->m1);
        }
        if (pmx_step(h, st, what, err) < 0)
            s = err ? err->code : PM_EIO;
    }
    pmx_finalize(h, st);
    return track(h, s);
}

pm_status pm_history_get_last_label(pm_history *h, const char *ann, const char *item, int *found,
                                    char *label, size_t label_size, char *batch, size_t batch_size,
                                    pm_error *err)
{
    *found = 0;
    if (!ann || !item)
        return pm_error_set(err, PM_EINVAL, "%s: get_last_label: no annotator or item", h->name);
    const char *what = "cannot read a last label";
    pmx_stmt *st;
    pm_status s = pmx_prep(h,
                           "SELECT l.label, b.name FROM last_labels l JOIN batches b ON b.id = "
                           "l.batch_id WHERE l.annotator = ? AND l.item = ?",
                           what, &st, err);
    if (s != PM_OK)
        return h->in_import ? track(h, s) : s;
    pmx_bind_text(h, st, 1, ann);
    pmx_bind_text(h, st, 2, item);
    int r = pmx_step(h, st, what, err);
    if (r > 0) {
        *found = 1;
        if (label && label_size)
            snprintf(label, label_size, "%s", pmx_text(h, st, 0));
        if (batch && batch_size)
            snprintf(batch, batch_size, "%s", pmx_text(h, st, 1));
    }
    pmx_finalize(h, st);
    if (r < 0)
        return h->in_import ? track(h, err ? err->code : PM_EIO) : (err ? err->code : PM_EIO);
    return PM_OK;
}

/* A label's key and position, sorted to keep the last of each key. */
typedef struct keyed {
    const char *annotator, *item;
    size_t pos;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->annotator, y->annotator);
    if (!c)
        c = strcmp(x->item, y->item);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

pm_status pm_history_put_last_labels(pm_history *h, const pm_history_label *l, size_t n,
                                     pm_error *err)
{
    pm_status s = guard(h, "put_last_labels", err);
    if (s != PM_OK)
        return s;
    for (size_t i = 0; i < n; i++)
        if (!l[i].annotator || !l[i].item || !l[i].label)
            return pm_error_set(err, PM_EINVAL,
                                "%s: last label %zu has no annotator, item or label", h->name,
                                i + 1);
    /* One statement may not set a key twice (PostgreSQL refuses it): of
     * the labels of one (annotator, item), the last given wins. */
    keyed *idx = malloc((n ? n : 1) * sizeof *idx);
    size_t m = 0;
    if (!idx)
        return track(h, pm_error_set(err, PM_ENOMEM, "%s: out of memory", h->name));
    for (size_t i = 0; i < n; i++)
        idx[i] = (keyed){l[i].annotator, l[i].item, i};
    qsort(idx, n, sizeof *idx, by_key);
    for (size_t i = 0; i < n; i++)
        if (i + 1 == n || strcmp(idx[i].annotator, idx[i + 1].annotator) ||
            strcmp(idx[i].item, idx[i + 1].item))
            idx[m++] = idx[i];
    const char *what = "cannot store the last labels";
    pmx_stmt *st = NULL;
    size_t prepared = 0;
    for (size_t at = 0; at < m && s == PM_OK; at += CHUNK) {
        size_t rows = m - at < CHUNK ? m - at : CHUNK;
        s = prep_rows(h, "INSERT INTO last_labels (annotator, item, label, batch_id)", 4, rows,
                      "ON CONFLICT (annotator, item) DO UPDATE SET label = "
                      "excluded.label, batch_id = excluded.batch_id",
                      what, &st, &prepared, err);
        if (s != PM_OK)
            break;
        pmx_reset(h, st);
        for (size_t r = 0; r < rows; r++) {
            const pm_history_label *q = &l[idx[at + r].pos];
            int b = (int)(4 * r);
            pmx_bind_text(h, st, b + 1, q->annotator);
            pmx_bind_text(h, st, b + 2, q->item);
            pmx_bind_text(h, st, b + 3, q->label);
            pmx_bind_int(h, st, b + 4, h->batch_id);
        }
        if (pmx_step(h, st, what, err) < 0)
            s = err ? err->code : PM_EIO;
    }
    pmx_finalize(h, st);
    free(idx);
    return track(h, s);
}

pm_status pm_history_mark_key(pm_history *h, const char *key, int *seen, pm_error *err)
{
    pm_status s = guard(h, "mark_key", err);
    if (s != PM_OK)
        return s;
    if (!key)
        return pm_error_set(err, PM_EINVAL, "%s: mark_key: no key", h->name);
    int inserted = 0;
    if ((s = pmx_scalar(h, "cannot store a record key", err, NULL, &inserted,
                        "INSERT INTO record_keys (key, batch_id) VALUES (?, ?) "
                        "ON CONFLICT (key) DO NOTHING RETURNING batch_id",
                        "ti", key, h->batch_id)) != PM_OK)
        return track(h, s);
    *seen = !inserted;
    if (inserted)
        h->keys_new++;
    else
        h->keys_skipped++;
    return PM_OK;
}

pm_status pm_history_key_seen(pm_history *h, const char *key, int *seen, pm_error *err)
{
    if (!key)
        return pm_error_set(err, PM_EINVAL, "%s: key_seen: no key", h->name);
    pm_status s = pmx_scalar(h, "cannot read a record key", err, NULL, seen,
                             "SELECT 1 FROM record_keys WHERE key = ?", "t", key);
    return h->in_import ? track(h, s) : s;
}

pm_status pm_history_commit(pm_history *h, pm_error *err)
{
    pm_status s = guard(h, "commit", err);
    if (s != PM_OK)
        return s;
    s = pmx_run(h, "cannot commit the import", err,
                "UPDATE batches SET records_new = ?, records_skipped = ? WHERE id = ?", "iii",
                h->keys_new, h->keys_skipped, h->batch_id);
    if (s == PM_OK) {
        pm_error e = {0};
        s = h->db->ops->commit(h->db, &e);
        if (s != PM_OK && err) {
            *err = e;
            pmx_fail(h, err, "cannot commit the import");
        }
    }
    if (s != PM_OK)
        h->db->ops->rollback(h->db);
    h->in_import = 0;
    h->failed = 0;
    return s;
}

void pm_history_rollback(pm_history *h)
{
    if (!h || !h->in_import)
        return;
    h->db->ops->rollback(h->db);
    h->in_import = 0;
    h->failed = 0;
}
