/* Feed a whole records file into `assess`, batched: the reader's strings
 * live only until its next record, so each batch copies them into one
 * buffer and then goes through pm_assess_add_batch with its lookups in
 * flight together. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/assess.h"

#define READ_BATCH 256
#define READ_BYTES ((size_t)1 << 16)

typedef struct rbatch {
    pm_record rec[READ_BATCH];
    size_t n, used;
    char buf[READ_BYTES];
} rbatch;

/* Copy s, of n bytes and its NUL, into the batch buffer (room was checked). */
static const char *keep(rbatch *b, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = memcpy(b->buf + b->used, s, n + 1);
    b->used += n + 1;
    return d;
}

/* The lengths of r's strings, measured once for both the room check and
 * the copies; returns the bytes the copies need. */
static size_t need(const pm_record *r, size_t len[4])
{
    len[0] = strlen(r->annotator);
    len[1] = strlen(r->item);
    len[2] = strlen(r->label);
    len[3] = r->gold ? strlen(r->gold) : 0;
    return len[0] + len[1] + len[2] + len[3] + 4;
}

static pm_status flush(pm_assess *a, rbatch *b, pm_error *err)
{
    size_t done;
    pm_status st = b->n ? pm_assess_add_batch(a, b->rec, b->n, &done, err) : PM_OK;
    b->n = b->used = 0;
    return st;
}

static pm_status read_all(pm_assess *a, pm_records *r, rbatch *b, pm_error *err)
{
    for (;;) {
        pm_record rec;
        int got;
        pm_status st = pm_records_next(r, &rec, &got, err);
        if (st != PM_OK) {
            /* The records before the reader's error are added first; the
             * reader's message wins unless adding them fails earlier. */
            pm_error keep_err = err ? *err : (pm_error){0};
            pm_status fs = flush(a, b, err);
            if (fs != PM_OK)
                return fs;
            if (err)
                *err = keep_err;
            return st;
        }
        if (!got)
            return flush(a, b, err);
        /* A missing key is pm_assess_add's error to report, in order. */
        int odd = !rec.annotator || !rec.item || !rec.label;
        size_t len[4];
        size_t n = odd ? SIZE_MAX : need(&rec, len);
        if (n > READ_BYTES) {
            if ((st = flush(a, b, err)) != PM_OK || (st = pm_assess_add(a, &rec, err)) != PM_OK)
                return st;
            continue;
        }
        if (b->used + n > READ_BYTES && (st = flush(a, b, err)) != PM_OK)
            return st;
        rec.annotator = keep(b, rec.annotator, len[0]);
        rec.item = keep(b, rec.item, len[1]);
        rec.label = keep(b, rec.label, len[2]);
        rec.gold = keep(b, rec.gold, len[3]);
        b->rec[b->n++] = rec;
        if (b->n == READ_BATCH && (st = flush(a, b, err)) != PM_OK)
            return st;
    }
}

pm_status pm_assess_read(pm_assess *a, pm_records *r, pm_error *err)
{
    rbatch *b = malloc(sizeof *b); /* 70 KiB: too big for a small thread's stack */
    if (!b)
        return pm_error_set(err, PM_ENOMEM, "assess: out of memory");
    b->n = b->used = 0;
    pm_status st = read_all(a, r, b, err);
    free(b);
    return st;
}
