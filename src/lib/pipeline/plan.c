/*
** Plans: per-annotator queues with hidden duplicates (gap >= G, responses
** swapped on the repeat) and gold, from one seed (see plan.h).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/plan_internal.h"
#include "prefmon/plan.h"
#include "prefmon/rng.h"

struct pm_plan {
    pm_plan_request req; /* pools and names borrowed */
    long d, g, singles;
    pm_plan_row *rows;
    size_t nrows;
    char **names; /* generated names when req.annotators is NULL */
};

/* Slot types. */
enum { T_FIRST, T_SECOND, T_SINGLE, T_GOLD, T_N };

/* Work space for one annotator's queue. */
typedef struct queue {
    long L, d, g, G;
    char *type; /* per slot */
    long *fpos; /* positions of the first copies, in order */
} queue;

/* Can the queue still be completed after slot t, with a first copies and b
 * second copies placed? The best completion puts the remaining first
 * copies right after t and the remaining second copies at the very end;
 * matched in order, gaps then only shrink along the queue, so it is enough
 * that the last pair's gap, L - 1 - (last first copy), is >= G. */
static int completable(const queue *q, long t, long a, long b)
{
    if (b == q->d)
        return 1;
    long f_last = a < q->d ? t + (q->d - a) : q->fpos[q->d - 1];
    return q->L - 1 - f_last >= q->G;
}

/* Draw the slot types left to right, like cards from an urn restricted to
 * choices that keep the queue completable. */
static int draw_types(queue *q, pm_rng *r)
{
    long a = 0, b = 0, left[T_N] = {q->d, q->d, q->L - q->g - 2 * q->d, q->g};
    for (long t = 0; t < q->L; t++) {
        uint64_t w[T_N] = {0, 0, 0, 0}, total = 0;
        if (left[T_FIRST] > 0) {
            q->fpos[a] = t; /* tentatively, for completable() */
            w[T_FIRST] = completable(q, t, a + 1, b) ? (uint64_t)left[T_FIRST] : 0;
        }
        if (b < a && t - q->fpos[b] >= q->G && completable(q, t, a, b + 1))
            w[T_SECOND] = (uint64_t)left[T_SECOND];
        for (int k = T_SINGLE; k <= T_GOLD; k++)
            if (left[k] > 0 && completable(q, t, a, b))
                w[k] = (uint64_t)left[k];
        for (int k = 0; k < T_N; k++)
            total += w[k];
        /* total > 0 whenever the request passed check_request (the
         * canonical completion's next slot is always allowed); kept as a
         * guard so that a bug cannot read past w[]. */
        if (total == 0)
            return 0;
        uint64_t u = pm_rng_below(r, total);
        int k = 0;
        while (u >= w[k])
            u -= w[k++];
        q->type[t] = (char)k;
        left[k]--;
        if (k == T_FIRST)
            q->fpos[a++] = t;
        else if (k == T_SECOND)
            b++;
    }
    return 1;
}

/* The first m entries of perm become a uniform sample without replacement
 * (partial Fisher–Yates); undo() puts perm back to the identity so that the
 * next annotator's draw does not depend on this one's. */
static void sample(size_t *perm, size_t n, size_t m, size_t *swaps, pm_rng *r)
{
    for (size_t i = 0; i < m; i++) {
        size_t j = i + (size_t)pm_rng_below(r, n - i);
        swaps[i] = j;
        size_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

static void undo(size_t *perm, size_t m, const size_t *swaps)
{
    for (size_t i = m; i-- > 0;) {
        size_t j = swaps[i], t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

typedef struct work {
    queue q;
    size_t *perm, *swaps, *gperm, *gswaps;
    long *dup_first; /* per pair: index into rows of copy 1 */
} work;

static int fill_queue(pm_plan *p, work *w, size_t ann, pm_rng *r, pm_plan_row *rows)
{
    queue *q = &w->q;
    size_t nitems = pm_plan_pool_count(p->req.items), ngold = pm_plan_pool_count(p->req.gold);
    size_t distinct = (size_t)(q->L - q->g - q->d);
    if (!draw_types(q, r))
        return 0;
    sample(w->perm, nitems, distinct, w->swaps, r);
    if (q->g > 0)
        sample(w->gperm, ngold, (size_t)q->g, w->gswaps, r);
    /* perm[0..d) are the duplicated items, perm[d..) the single ones. */
    long a = 0, b = 0, single = q->d, gold = 0;
    for (long t = 0; t < q->L; t++) {
        pm_plan_row *row = &rows[t];
        row->annotator = ann;
        row->position = t + 1;
        row->is_gold = 0;
        row->copy = 1;
        row->partner = 0;
        switch (q->type[t]) {
        case T_FIRST:
            row->item = w->perm[a];
            w->dup_first[a++] = t;
            row->shown_left = pm_rng_below(r, 2) ? 'B' : 'A';
            break;
        case T_SECOND: {
            pm_plan_row *first = &rows[w->dup_first[b++]];
            row->item = first->item;
            row->copy = 2;
            row->partner = first->position;
            first->partner = row->position;
            row->shown_left = first->shown_left == 'A' ? 'B' : 'A';
            break;
        }
        case T_SINGLE:
            row->item = w->perm[single++];
            row->shown_left = pm_rng_below(r, 2) ? 'B' : 'A';
            break;
        default:
            row->item = w->gperm[gold++];
            row->is_gold = 1;
            row->shown_left = pm_rng_below(r, 2) ? 'B' : 'A';
            break;
        }
    }
    undo(w->perm, distinct, w->swaps);
    if (q->g > 0)
        undo(w->gperm, (size_t)q->g, w->gswaps);
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Two annotators with one name would share one queue in the assessment
 * (their labels merge), so names must be distinct and non-empty. */
static pm_status check_names(const char *const *names, size_t n, pm_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!names[i] || !*names[i])
            return pm_error_set(err, PM_EINVAL, "annotator %zu: empty name", i + 1);
    const char **s = malloc(n * sizeof *s);
    if (!s)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    memcpy(s, names, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_str);
    pm_status st = PM_OK;
    for (size_t i = 1; i < n && st == PM_OK; i++)
        if (strcmp(s[i - 1], s[i]) == 0)
            st = pm_error_set(err, PM_EINVAL, "annotator '%s' is listed twice", s[i]);
    free(s);
    return st;
}

/* d and g from the request, then every feasibility limit, with the limit
 * in the message. */
static pm_status check_request(const pm_plan_request *q, long *dp, long *gp, pm_error *err)
{
    if (!q || !q->items)
        return pm_error_set(err, PM_EINVAL, "plan: no item pool");
    if (q->n_annotators < 1)
        return pm_error_set(err, PM_EINVAL, "plan: at least one annotator is needed");
    if (q->length < 1)
        return pm_error_set(err, PM_EINVAL, "queue length L = %ld: must be >= 1", q->length);
    if (q->min_gap < 1)
        return pm_error_set(err, PM_EINVAL, "min gap G = %ld: must be >= 1", q->min_gap);
    long L = q->length, G = q->min_gap, d = q->duplicates;
    if (d < 0) {
        if (!(q->dup_rate >= 0 && q->dup_rate <= 0.5))
            return pm_error_set(err, PM_EINVAL,
                                "duplicate rate %g: must be in [0, 0.5] (a duplicate takes two "
                                "slots)",
                                q->dup_rate);
        d = (long)floor(q->dup_rate * (double)L + 0.5);
    }
    if (!(q->gold_rate >= 0 && q->gold_rate <= 1))
        return pm_error_set(err, PM_EINVAL, "gold rate %g: must be in [0, 1]", q->gold_rate);
    long g = (long)floor(q->gold_rate * (double)L + 0.5);
    size_t ngold = pm_plan_pool_count(q->gold), nitems = pm_plan_pool_count(q->items);
    if (g > 0 && ngold == 0)
        return pm_error_set(err, PM_EINVAL, "a gold rate of %g needs a gold set", q->gold_rate);
    if (2 * d + g > L)
        return pm_error_set(err, PM_EINVAL,
                            "%ld duplicates take %ld slots and %ld gold items take %ld: more than "
                            "the queue length L = %ld (at most %ld duplicates fit beside the "
                            "gold)",
                            d, 2 * d, g, g, L, (L - g) / 2);
    /* The last repeat comes at least G slots after its first copy, so d
     * duplicates need L >= G + d, i.e. G <= L - d (>= 1: 2d <= L here). */
    if (d > 0 && G >= L)
        return pm_error_set(err, PM_EINVAL,
                            "the queue is too short for the min gap: with G = %ld a repeat comes "
                            "at least %ld slots after its first copy, so a queue of L = %ld "
                            "slots holds no duplicate; use a gap of at most L - d = %ld or a "
                            "queue of at least G + d = %ld slots",
                            G, G, L, L - d, G + d);
    if (d > 0 && d > L - G)
        return pm_error_set(err, PM_EINVAL,
                            "the queue is too short for the min gap: %ld duplicates with G = %ld "
                            "need at least G + d = %ld slots, and L = %ld slots hold at most "
                            "L - G = %ld; use a gap of at most L - d = %ld, at most %ld "
                            "duplicates, or a longer queue",
                            d, G, G + d, L, L - G, L - d, L - G);
    if ((size_t)g > ngold)
        return pm_error_set(err, PM_EINVAL,
                            "%ld gold slots per annotator but the gold set has %zu items (a "
                            "gold item is shown at most once to an annotator)",
                            g, ngold);
    if ((size_t)(L - g - d) > nitems)
        return pm_error_set(err, PM_EINVAL,
                            "each queue needs L - g - d = %ld distinct items but the pool has "
                            "%zu: shorten the queue or add items",
                            L - g - d, nitems);
    for (size_t i = 0; i < ngold; i++)
        if (pm_plan_pool_find(q->items, pm_plan_pool_key(q->gold, i), NULL))
            return pm_error_set(err, PM_EINVAL,
                                "gold item '%s' is also in the item pool: it could be shown "
                                "twice unmarked; remove the gold items from the pool",
                                pm_plan_pool_key(q->gold, i));
    if ((double)q->n_annotators * (double)L > (double)PM_PLAN_MAX_ROWS)
        return pm_error_set(err, PM_ELIMIT,
                            "%zu annotators x queue length L = %ld make %.0f rows: over the limit "
                            "of %ld",
                            q->n_annotators, L, (double)q->n_annotators * (double)L,
                            PM_PLAN_MAX_ROWS);
    if (q->annotators) {
        pm_status st = check_names(q->annotators, q->n_annotators, err);
        if (st != PM_OK)
            return st;
    }
    *dp = d;
    *gp = g;
    return PM_OK;
}

static void work_free(work *w)
{
    free(w->q.type);
    free(w->q.fpos);
    free(w->perm);
    free(w->swaps);
    free(w->gperm);
    free(w->gswaps);
    free(w->dup_first);
}

static int work_alloc(work *w, const pm_plan *p)
{
    size_t L = (size_t)p->req.length, n = pm_plan_pool_count(p->req.items);
    size_t ng = pm_plan_pool_count(p->req.gold);
    memset(w, 0, sizeof *w);
    w->q.type = malloc(L);
    w->q.fpos = malloc((L + 1) * sizeof(long));
    w->dup_first = malloc((L + 1) * sizeof(long));
    w->perm = malloc((n + 1) * sizeof(size_t));
    w->swaps = malloc((n + 1) * sizeof(size_t));
    w->gperm = malloc((ng + 1) * sizeof(size_t));
    w->gswaps = malloc((ng + 1) * sizeof(size_t));
    if (!w->q.type || !w->q.fpos || !w->dup_first || !w->perm || !w->swaps || !w->gperm ||
        !w->gswaps)
        return 0;
    for (size_t i = 0; i < n; i++)
        w->perm[i] = i;
    for (size_t i = 0; i < ng; i++)
        w->gperm[i] = i;
    return 1;
}

static int make_names(pm_plan *p)
{
    size_t n = p->req.n_annotators;
    p->names = calloc(n, sizeof *p->names);
    if (!p->names)
        return 0;
    for (size_t i = 0; i < n; i++) {
        p->names[i] = malloc(32);
        if (!p->names[i])
            return 0;
        snprintf(p->names[i], 32, "annotator-%zu", i + 1);
    }
    return 1;
}

pm_status pm_plan_make(const pm_plan_request *req, pm_plan **out, pm_error *err)
{
    long d = 0, g = 0;
    pm_status st = check_request(req, &d, &g, err);
    if (st != PM_OK)
        return st;
    pm_plan *p = calloc(1, sizeof *p);
    if (!p)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    p->req = *req;
    p->d = d;
    p->g = g;
    p->singles = req->length - g - 2 * d;
    p->nrows = req->n_annotators * (size_t)req->length;
    p->rows = malloc(p->nrows * sizeof *p->rows);
    work w;
    int ok = p->rows && work_alloc(&w, p) && (req->annotators || make_names(p)), drawn = 1;
    if (ok) {
        w.q.L = req->length;
        w.q.d = d;
        w.q.g = g;
        w.q.G = req->min_gap;
        /* Stream j = the seed's state jumped j times, walked in order. */
        pm_rng stream;
        pm_rng_seed(&stream, req->seed);
        for (size_t j = 0; j < req->n_annotators; j++) {
            pm_rng r = stream;
            drawn = drawn && fill_queue(p, &w, j, &r, p->rows + j * (size_t)req->length);
            pm_rng_jump(&stream);
        }
    }
    if (p->rows)
        work_free(&w);
    if (!ok || !drawn) {
        pm_plan_free(p);
        return ok ? pm_error_set(err, PM_EINVAL,
                                 "plan: internal error, no slot type was "
                                 "allowed (please report with the request)")
                  : pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    *out = p;
    return PM_OK;
}

pm_status pmx_plan_adopt(const pm_plan_request *req, long d, long g, pm_plan_row *rows,
                         char **names, pm_plan **out, pm_error *err)
{
    pm_plan *p = calloc(1, sizeof *p);
    if (!p) {
        for (size_t i = 0; names && i < req->n_annotators; i++)
            free(names[i]);
        free(names);
        free(rows);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    p->req = *req;
    p->req.annotators = NULL; /* the names are the plan's own */
    p->d = d;
    p->g = g;
    p->singles = req->length - g - 2 * d;
    p->nrows = req->n_annotators * (size_t)req->length;
    p->rows = rows;
    p->names = names;
    *out = p;
    return PM_OK;
}

void pm_plan_free(pm_plan *plan)
{
    if (!plan)
        return;
    if (plan->names)
        for (size_t i = 0; i < plan->req.n_annotators; i++)
            free(plan->names[i]);
    free(plan->names);
    free(plan->rows);
    free(plan);
}

const pm_plan_row *pm_plan_rows(const pm_plan *plan, size_t *count)
{
    if (count)
        *count = plan->nrows;
    return plan->rows;
}

const char *pm_plan_annotator(const pm_plan *plan, size_t i)
{
    if (i >= plan->req.n_annotators)
        return NULL;
    return plan->names ? plan->names[i] : plan->req.annotators[i];
}

const char *pm_plan_row_key(const pm_plan *plan, const pm_plan_row *row)
{
    return pm_plan_pool_key(row->is_gold ? plan->req.gold : plan->req.items, row->item);
}

const char *pm_plan_row_text(const pm_plan *plan, const pm_plan_row *row, int right)
{
    const pm_plan_pool *pool = row->is_gold ? plan->req.gold : plan->req.items;
    /* Left shows A when shown_left is 'A'; right shows the other one. */
    int which = (row->shown_left == 'B') != (right != 0);
    return pm_plan_pool_response(pool, row->item, which);
}

pm_status pm_plan_summarize(const pm_plan *plan, const pm_test_request *test, pm_plan_summary *out,
                            pm_error *err)
{
    pm_plan_summary s;
    memset(&s, 0, sizeof s);
    s.annotators = plan->req.n_annotators;
    s.rows = plan->nrows;
    s.length = plan->req.length;
    s.duplicates = plan->d;
    s.gold = plan->g;
    s.singles = plan->singles;
    s.min_gap = plan->req.min_gap;
    s.distinct_items = plan->req.length - plan->g - plan->d;
    s.seed = plan->req.seed;
    if (test && plan->d >= 1) {
        pm_status st = pm_test_design(test, plan->d, &s.test, err);
        if (st != PM_OK)
            return st;
        s.has_test = 1;
    }
    *out = s;
    return PM_OK;
}

void pm_plan_request_default(pm_plan_request *req)
{
    memset(req, 0, sizeof *req);
    req->n_annotators = 1;
    req->min_gap = 10;
}
