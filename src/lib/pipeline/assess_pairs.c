/* keep_pairs: each annotator's pair outcomes in pairing order and each
 * (annotator, item)'s first and last label, from the kept label events
 * (see pm_assess_pair in assess.h). Kept apart from the streaming path:
 * only a caller that asks pays for it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/assess_internal.h"

/* Pairing order: by annotator, then the order key t (the timestamp when
 * all the annotator's labels have one, else the input index), then input. */
static int cmp_order(const void *x, const void *y)
{
    const pmx_kev *a = x, *b = y;
    if (a->ann != b->ann)
        return a->ann < b->ann ? -1 : 1;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* By annotator, item, position: a key's labels next to each other. */
static int cmp_key(const void *x, const void *y)
{
    const pmx_kev *a = *(const pmx_kev *const *)x, *b = *(const pmx_kev *const *)y;
    if (a->ann != b->ann)
        return a->ann < b->ann ? -1 : 1;
    if (a->item != b->item)
        return a->item < b->item ? -1 : 1;
    return (a->pos > b->pos) - (a->pos < b->pos);
}

static int cmp_pair(const void *x, const void *y)
{
    long a = ((const pm_assess_pair *)x)->pos, b = ((const pm_assess_pair *)y)->pos;
    return (a > b) - (a < b);
}

static int cmp_keylab(const void *x, const void *y)
{
    long a = ((const pm_assess_key_labels *)x)->first_pos;
    long b = ((const pm_assess_key_labels *)y)->first_pos;
    return (a > b) - (a < b);
}

void pmx_kept_free(pmx_kept *k)
{
    free(k->pairs);
    free(k->pair_off);
    free(k->keys);
    free(k->key_off);
    free(k->outcomes);
    memset(k, 0, sizeof *k);
}

/* ev grouped by annotator in place (American flag sort: each event is
 * swapped straight into its annotator's bucket), the buckets in id order;
 * start[a] .. start[a + 1] is annotator a's. Both sorts below then run
 * within one annotator's events, which are few and close together, instead
 * of over all of them: a million annotators' ten million events sorted as a
 * whole by qsort took seconds of cache misses. *count: the buckets (the
 * largest id + 1). */
static size_t *bucket_by_annotator(pmx_kev *ev, size_t n, size_t *count)
{
    uint32_t nann = 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].ann >= nann)
            nann = ev[i].ann + 1;
    *count = nann;
    size_t *start = calloc((size_t)nann + 1, sizeof *start);
    size_t *next = malloc(((size_t)nann + 1) * sizeof *next);
    if (!start || !next) {
        free(start);
        free(next);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        start[ev[i].ann + 1]++;
    for (uint32_t a = 0; a < nann; a++)
        start[a + 1] += start[a];
    memcpy(next, start, ((size_t)nann + 1) * sizeof *next);
    for (uint32_t a = 0; a < nann; a++) {
        while (next[a] < start[a + 1]) {
            pmx_kev e = ev[next[a]];
            /* carry e to its bucket, taking what was there, until an event
             * of bucket a comes back to this place */
            while (e.ann != a) {
                pmx_kev t = ev[next[e.ann]];
                ev[next[e.ann]++] = e;
                e = t;
            }
            ev[next[a]++] = e;
        }
    }
    free(next);
    return start;
}

pm_status pmx_kept_build(pmx_kev *ev, size_t n, const size_t *row_of_ann, size_t nrows,
                         const char *const *item_str, const pmx_strtab *labels, pmx_kept *out,
                         const pmx_rank *rank, const pmx_strtab *anns)
{
    memset(out, 0, sizeof *out);
    size_t nann = 0;
    size_t *start = n ? bucket_by_annotator(ev, n, &nann) : NULL;
    if (n && !start)
        return PM_ENOMEM;
    for (size_t a = 0; a < nann; a++)
        if (start[a + 1] - start[a] > 1)
            qsort(ev + start[a], start[a + 1] - start[a], sizeof *ev, cmp_order);
    for (size_t i = 0; i < n; i++)
        ev[i].pos = (i > 0 && ev[i - 1].ann == ev[i].ann) ? ev[i - 1].pos + 1 : 0;
    pmx_kev **by = malloc((n ? n : 1) * sizeof *by);
    out->pair_off = calloc(nrows + 1, sizeof *out->pair_off);
    out->key_off = calloc(nrows + 1, sizeof *out->key_off);
    out->pairs = malloc((n ? n : 1) * sizeof *out->pairs);
    out->keys = malloc((n ? n : 1) * sizeof *out->keys);
    out->outcomes = calloc(nrows ? nrows : 1, sizeof *out->outcomes);
    if (!by || !out->pair_off || !out->key_off || !out->pairs || !out->keys || !out->outcomes) {
        free(by);
        free(start);
        pmx_kept_free(out);
        return PM_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        by[i] = &ev[i];
    for (size_t a = 0; a < nann; a++)
        if (start[a + 1] - start[a] > 1)
            qsort(by + start[a], start[a + 1] - start[a], sizeof *by, cmp_key);
    free(start);
    /* Count per row, then place (rows are in name order, annotators by id). */
    for (size_t i = 0; i < n; i++) {
        int first = i == 0 || by[i - 1]->ann != by[i]->ann || by[i - 1]->item != by[i]->item;
        size_t r = row_of_ann[by[i]->ann];
        if (first)
            out->key_off[r + 1]++;
        else
            out->pair_off[r + 1]++;
    }
    for (size_t r = 0; r < nrows; r++) {
        out->pair_off[r + 1] += out->pair_off[r];
        out->key_off[r + 1] += out->key_off[r];
    }
    size_t *pfill = calloc(nrows ? nrows : 1, sizeof *pfill);
    size_t *kfill = calloc(nrows ? nrows : 1, sizeof *kfill);
    if (!pfill || !kfill) {
        free(by);
        free(pfill);
        free(kfill);
        pmx_kept_free(out);
        return PM_ENOMEM;
    }
    uint32_t repeat = 0; /* the pair's index within its key */
    for (size_t i = 0; i < n; i++) {
        const pmx_kev *e = by[i];
        size_t r = row_of_ann[e->ann];
        const char *item = item_str[e->item], *label = pmx_strtab_str(labels, e->label);
        int first = i == 0 || by[i - 1]->ann != e->ann || by[i - 1]->item != e->item;
        if (first) {
            repeat = 0;
            out->keys[out->key_off[r] + kfill[r]++] =
                (pm_assess_key_labels){item, label, label, e->pos, 1};
        } else {
            pm_assess_key_labels *k = &out->keys[out->key_off[r] + kfill[r] - 1];
            k->last_label = label;
            k->labels++;
            pm_assess_pair pr = {item, by[i - 1]->label == e->label, e->pos, 0, 0, NAN};
            if (pmx_rank_is(rank, e->label)) { /* the repeat's unit, as assess counted it */
                /* the item's hash from its string: with threads the items
                 * were numbered per shard and no merged table holds them */
                pr.agree =
                    pmx_rank_unit(rank, pmx_strtab_hash(anns, e->ann),
                                  pmx_hash_bytes(item_str[e->item], strlen(item_str[e->item])),
                                  repeat, by[i - 1]->label, e->label);
                pmx_rank_cmp c; /* and the repeat as a whole: pairwise and tau-b */
                pmx_rank_compare(rank, by[i - 1]->label, e->label, &c);
                pr.rank_pairs = c.pairs;
                pr.rank_agree = c.agree;
                pr.tau_b = c.tau_b;
            }
            repeat++;
            out->pairs[out->pair_off[r] + pfill[r]++] = pr;
        }
    }
    free(by);
    free(pfill);
    free(kfill);
    for (size_t r = 0; r < nrows; r++) {
        size_t np = out->pair_off[r + 1] - out->pair_off[r];
        qsort(out->pairs + out->pair_off[r], np, sizeof *out->pairs, cmp_pair);
        qsort(out->keys + out->key_off[r], out->key_off[r + 1] - out->key_off[r], sizeof *out->keys,
              cmp_keylab);
    }
    return PM_OK;
}
