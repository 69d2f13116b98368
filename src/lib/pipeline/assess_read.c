/* Feed a whole records file into `assess`, batched: each record is checked
 * and prepared (annotator and label numbered, item hashed, its two table
 * slots prefetched) while the reader's strings are alive, which leaves
 * only the item key (and a gold label, when there is one) to copy before
 * the reader's next record; then a batch goes through pmx_assess_run, its
 * slots by then loaded while the reader parsed the rows after it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/assess_internal.h"

/* 32 records per batch: their prepared forms (2.5 KiB) and copied strings
 * stay in L1 between being written and being added, and 32 rows of
 * parsing still give each prefetch time to land. 256 (20 KiB of records,
 * more of strings) made each record's write and read back miss L1:
 * cachegrind on a 1-million-row log, 6.1 -> 4.4 D1 misses per row. */
#define READ_BATCH 32
#define READ_BYTES ((size_t)1 << 16)

typedef struct rbatch {
    pmx_prepped p[READ_BATCH];
    size_t n, used;
    char buf[READ_BYTES];
} rbatch;

/* Two batches: one being filled (prepared, its slots prefetched) while the
 * one filled before it waits to be added, so that every record's prefetch
 * has a whole batch of parsing (32 rows) to land before its add. With one
 * batch, added as soon as it was full, the last records of each batch were
 * added right after their prefetch was issued. */
typedef struct rpipe {
    rbatch b[2];
    int fill;  /* the batch being filled */
    int ready; /* the other one is full, waiting to be added */
} rpipe;

/* Copy s, of n bytes and its NUL, into the batch buffer (room was checked). */
static inline __attribute__((always_inline)) const char *keep(rbatch *b, const char *s, size_t n)
{
    char *d = b->buf + b->used;
    pmx_copy_short(d, s, n + 1);
    b->used += n + 1;
    return d;
}

static pm_status flush(pm_assess *a, rbatch *b, pm_error *err)
{
    size_t done;
    pm_status st = b->n ? pmx_assess_run(a, b->p, b->n, &done, err) : PM_OK;
    b->n = b->used = 0;
    return st;
}

/* Add everything prepared, in input order: the waiting batch, then the
 * one being filled. */
static pm_status flush_all(pm_assess *a, rpipe *q, pm_error *err)
{
    pm_status st = PM_OK;
    if (q->ready) {
        q->ready = 0;
        st = flush(a, &q->b[!q->fill], err);
    }
    if (st == PM_OK)
        st = flush(a, &q->b[q->fill], err);
    return st;
}

/* The batch being filled is full: add the waiting one, and the full one
 * waits in its place. */
static pm_status rotate(pm_assess *a, rpipe *q, pm_error *err)
{
    pm_status st = q->ready ? flush(a, &q->b[!q->fill], err) : PM_OK;
    q->fill = !q->fill;
    q->ready = 1;
    return st;
}

/* The records before a failing one are added first; the failure's message
 * wins unless adding them fails earlier. */
static pm_status fail_after_flush(pm_assess *a, rpipe *q, pm_status st, pm_error *err)
{
    pm_error keep_err = err ? *err : (pm_error){0};
    pm_status fs = flush_all(a, q, err);
    if (fs != PM_OK)
        return fs;
    if (err)
        *err = keep_err;
    return st;
}

/* The next record of r prepared into *p (*got = 0 at the end): a CSV or
 * TSV log's rows through the plain path (io/records_plain.h: no pm_record,
 * lengths known), anything else through pm_records_next. */
static pm_status next_prepared(pm_assess *a, pm_records *r, int plain, pmx_prepped *p, int *got,
                               pm_error *err)
{
    pm_record rec;
    pm_status st;
    *got = 1;
    if (plain) {
        pmx_plain row;
        pmx_plain_kind kind;
        if ((st = pmx_records_plain(r, &row, &rec, &kind, err)) != PM_OK)
            return st;
        if (kind == PMX_PLAIN_ROW)
            return pmx_assess_prepare_row(a, &row, p, err);
        if (kind == PMX_PLAIN_RECORD)
            return pmx_assess_prepare(a, &rec, p, err);
    }
    if ((st = pm_records_next(r, &rec, got, err)) != PM_OK || !*got)
        return st;
    return pmx_assess_prepare(a, &rec, p, err);
}

static pm_status read_all(pm_assess *a, pm_records *r, rpipe *q, pm_error *err)
{
    const int plain = pmx_records_plain_ok(r);
    for (;;) {
        rbatch *b = &q->b[q->fill];
        pmx_prepped *p = &b->p[b->n];
        int got;
        pm_status st = next_prepared(a, r, plain, p, &got, err);
        if (st != PM_OK)
            return fail_after_flush(a, q, st, err);
        if (!got)
            return flush_all(a, q, err);
        size_t glen = p->gold ? strlen(p->gold) : 0;
        size_t need = p->len + 1 + (p->gold ? glen + 1 : 0);
        if (need > READ_BYTES) { /* a huge key: added on its own, uncopied */
            size_t done;
            if ((st = flush_all(a, q, err)) != PM_OK || (st = pmx_assess_run(a, p, 1, &done, err)))
                return st;
            continue;
        }
        if (b->used + need > READ_BYTES) {
            pmx_prepped keep_p = *p;
            if ((st = rotate(a, q, err)) != PM_OK)
                return st;
            b = &q->b[q->fill];
            p = &b->p[0];
            *p = keep_p;
        }
        p->item = keep(b, p->item, p->len);
        if (p->gold)
            p->gold = keep(b, p->gold, glen);
        if (++b->n == READ_BATCH) {
            /* what the reader holds may grow as it reads (the Arena reader's
             * table of judges): counted again at each batch */
            pm_assess_set_reader_bytes(a, pm_records_bytes(r));
            if ((st = rotate(a, q, err)) != PM_OK)
                return st;
        }
    }
}

pm_status pm_assess_read(pm_assess *a, pm_records *r, pm_error *err)
{
    if (pmx_assess_nshards(a)) {
        pm_assess_set_reader_bytes(a, pm_records_bytes(r));
        return pmx_assess_read_threads(a, r, err);
    }
    rpipe *q = malloc(sizeof *q); /* 134 KiB: too big for a small thread's stack */
    if (!q)
        return pm_error_set(err, PM_ENOMEM, "assess: out of memory");
    q->b[0].n = q->b[0].used = q->b[1].n = q->b[1].used = 0;
    q->fill = q->ready = 0;
    pm_assess_set_reader_bytes(a, pm_records_bytes(r)); /* a Label Studio tree counts */
    pm_status st = read_all(a, r, q, err);
    free(q);
    return st;
}
