/*
** pay with a history store (prefmon/pay_ledger.h, pm_pay_compute_history):
** the action and reason of each annotator from the store's row of the batch
** paid, and the pairs judged from the store's pair outcomes in order,
** pooled across batches until the contract's n are reached.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/lines.h"
#include "io/json_file.h"
#include "prefmon/pay_ledger.h"
#include "prefmon/plan.h"

/* The store's batches: name and id, oldest first. */
typedef struct batches {
    char **name;
    long long *id;
    size_t n, cap;
    int oom;
} batches;

static int take_batch(void *ctx, const pm_history_batch *b)
{
    batches *bs = ctx;
    if (bs->n == bs->cap) {
        size_t nc = bs->cap ? 2 * bs->cap : 16;
        char **nn = realloc(bs->name, nc * sizeof *nn);
        if (nn)
            bs->name = nn;
        long long *ni = nn ? realloc(bs->id, nc * sizeof *ni) : NULL;
        if (!ni) {
            bs->oom = 1;
            return 1;
        }
        bs->id = ni;
        bs->cap = nc;
    }
    if (!(bs->name[bs->n] = strdup(b->name))) {
        bs->oom = 1;
        return 1;
    }
    bs->id[bs->n++] = b->id;
    return 0;
}

static void batches_free(batches *bs)
{
    for (size_t i = 0; i < bs->n; i++)
        free(bs->name[i]);
    free(bs->name);
    free(bs->id);
}

/* The index of name among the batches, or -1. */
static long batch_index(const batches *bs, const char *name)
{
    for (size_t i = 0; i < bs->n; i++)
        if (strcmp(bs->name[i], name) == 0)
            return (long)i;
    return -1;
}

/* One annotator's row of the batch paid. */
typedef struct row_find {
    const char *batch;
    int found;
    pm_action action;
    int action_ok;
    char reason[PM_PAY_REASON];
} row_find;

static int take_row(void *ctx, const pm_history_row *r)
{
    row_find *f = ctx;
    if (!r->batch || strcmp(r->batch, f->batch) != 0)
        return 0;
    f->found = 1;
    for (int i = 0; r->action && i < PM_ACTION_COUNT; i++)
        if (strcmp(r->action, pm_action_name((pm_action)i)) == 0) {
            f->action = (pm_action)i;
            f->action_ok = 1;
        }
    snprintf(f->reason, sizeof f->reason, "%s", r->reason ? r->reason : "");
    return 1;
}

/* The annotator's pairs that count, in order: outcome and batch index. */
typedef struct pairs {
    const batches *bs;
    long long upto;             /* pairs of batches with id <= upto */
    const pm_pay_planned *plan; /* NULL: every pair counts */
    int planned;                /* plan given (an unlisted annotator has none) */
    char *out;                  /* '1' / '0' */
    long *batch;                /* index into bs */
    size_t n, cap;
    int oom;
} pairs;

static int planned_item(const pm_pay_planned *p, const char *item)
{
    for (size_t i = 0; p && item && i < p->n; i++)
        if (strcmp(p->items[i], item) == 0)
            return 1;
    return 0;
}

static int take_pair(void *ctx, const pm_history_pair *p)
{
    pairs *ps = ctx;
    long b = p->batch ? batch_index(ps->bs, p->batch) : -1;
    if (b < 0 || ps->bs->id[b] > ps->upto)
        return 0;
    if (ps->planned && !planned_item(ps->plan, p->item))
        return 0; /* an accidental repeat: not a pair of the contract */
    if (ps->n + 1 >= ps->cap) {
        size_t nc = ps->cap ? 2 * ps->cap : 64;
        char *no = realloc(ps->out, nc);
        if (no)
            ps->out = no;
        long *nb = no ? realloc(ps->batch, nc * sizeof *nb) : NULL;
        if (!nb) {
            ps->oom = 1;
            return 1;
        }
        ps->batch = nb;
        ps->cap = nc;
    }
    ps->out[ps->n] = p->agree ? '1' : '0';
    ps->batch[ps->n++] = b;
    ps->out[ps->n] = '\0';
    return 0;
}

/* The pool of pairs the batch paid (index target) judges, in place of
 * ps->out / ps->batch; its size. Pairs of earlier batches join the pool in
 * order; an earlier batch whose pool reached n was judged there and empties
 * it. Then this batch's pairs. -1 when out of memory. */
static long pool_of(pairs *ps, long target, long n, int pool_across)
{
    char *o = malloc(ps->n + 1);
    long *b = malloc((ps->n + 1) * sizeof *b);
    if (!o || !b) {
        free(o);
        free(b);
        return -1;
    }
    size_t w = 0;
    for (size_t i = 0; pool_across && i < ps->n;) {
        size_t e = i;
        while (e < ps->n && ps->batch[e] == ps->batch[i])
            e++;
        if (ps->batch[i] != target) {
            for (size_t j = i; j < e; j++) { /* join the pool */
                o[w] = ps->out[j];
                b[w++] = ps->batch[j];
            }
            if ((long)w >= n)
                w = 0; /* judged in that batch: the pool starts again */
        }
        i = e;
    }
    for (size_t j = 0; j < ps->n; j++)
        if (ps->batch[j] == target) {
            o[w] = ps->out[j];
            b[w++] = target;
        }
    o[w] = '\0';
    free(ps->out);
    free(ps->batch);
    ps->out = o;
    ps->batch = b;
    ps->n = w;
    return (long)w;
}

/* "W01 (2), W02 (1 of 4)": the batches of the first `used` pool pairs. */
static void pool_text(const pairs *ps, const batches *bs, size_t used, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < used;) {
        size_t e = i, all = i;
        while (e < used && ps->batch[e] == ps->batch[i])
            e++;
        all = e;
        while (all < ps->n && ps->batch[all] == ps->batch[i])
            all++;
        size_t len = strlen(buf);
        if (len + 1 >= size)
            break;
        if (all > e)
            snprintf(buf + len, size - len, "%s%s (%zu of %zu)", i ? ", " : "",
                     bs->name[ps->batch[i]], e - i, all - i);
        else
            snprintf(buf + len, size - len, "%s%s (%zu)", i ? ", " : "", bs->name[ps->batch[i]],
                     e - i);
        i = e;
    }
}

pm_status pm_pay_compute_history(pm_history *h, const char *batch, const pm_contract_terms *t,
                                 const pm_pay_options *opt, const pm_pay_input *in, size_t count,
                                 const pm_pay_planned *planned, size_t n_planned, pm_pay_row *out,
                                 pm_pay_summary *sum, pm_error *err)
{
    if (!h || !batch || !t || !opt || (count && (!in || !out)) || (n_planned && !planned))
        return pm_error_set(err, PM_EINVAL, "pm_pay_compute_history: NULL argument");
    batches bs = {0};
    pm_status st = pm_history_list_batches(h, take_batch, &bs, err);
    if (st == PM_OK && bs.oom)
        st = pm_error_set(err, PM_ENOMEM, "out of memory");
    long target = st == PM_OK ? batch_index(&bs, batch) : -1;
    if (st == PM_OK && target < 0)
        st = pm_error_set(err, PM_EPARSE,
                          "%s: no batch '%s' in the store: pay follows the decisions that "
                          "assess --history --batch %s stores (import the batch first)",
                          pm_history_name(h), batch, batch);
    pm_pay_input *pin = st == PM_OK ? calloc(count ? count : 1, sizeof *pin) : NULL;
    pm_pay_evidence *ev = pin ? calloc(count ? count : 1, sizeof *ev) : NULL;
    char **keep = ev ? calloc(count ? count : 1, sizeof *keep) : NULL;
    char(*note)[PM_PAY_REASON] = keep ? calloc(count ? count : 1, sizeof *note) : NULL;
    if (st == PM_OK && !note)
        st = pm_error_set(err, PM_ENOMEM, "out of memory");
    int across = opt->threshold == PM_THRESHOLD_FIRST_N;
    for (size_t i = 0; st == PM_OK && i < count; i++) {
        const char *ann = in[i].annotator;
        row_find f = {.batch = batch};
        if ((st = pm_history_annotator_rows(h, ann ? ann : "", take_row, &f, err)) != PM_OK)
            break;
        if (!f.found) {
            st = pm_error_set(err, PM_EPARSE,
                              "%s: annotator '%s' of the assessment has no row of batch '%s' in "
                              "the store: the assessment is not of that batch (pay the batch "
                              "that assess --history --batch imported it as)",
                              pm_history_name(h), ann ? ann : "", batch);
            break;
        }
        if (!f.action_ok) {
            st = pm_error_set(err, PM_EPARSE,
                              "%s: annotator '%s', batch '%s': the store records no action "
                              "(pay, hold, review, block); import the batch again with assess "
                              "--history --replace",
                              pm_history_name(h), ann, batch);
            break;
        }
        pairs ps = {.bs = &bs, .upto = bs.id[target]};
        for (size_t j = 0; j < n_planned; j++)
            if (planned[j].annotator && strcmp(planned[j].annotator, ann) == 0)
                ps.plan = &planned[j];
        ps.planned = planned != NULL;
        if ((st = pm_history_annotator_pairs(h, ann, take_pair, &ps, err)) == PM_OK && ps.oom)
            st = pm_error_set(err, PM_ENOMEM, "out of memory");
        if (st != PM_OK) {
            free(ps.out);
            free(ps.batch);
            break;
        }
        long got = ps.n ? pool_of(&ps, target, t->n, across) : 0;
        if (got < 0) {
            free(ps.out);
            free(ps.batch);
            st = pm_error_set(err, PM_ENOMEM, "out of memory");
            break;
        }
        size_t pool = (size_t)got;
        long ones = 0;
        for (size_t j = 0; j < pool; j++)
            ones += ps.out[j] == '1';
        char text[PM_PAY_REASON / 2];
        if (pool > 0 && across && (long)pool < t->n) {
            pool_text(&ps, &bs, pool, text, sizeof text);
            snprintf(note[i], sizeof note[i],
                     "; bonus pending: %ld pairs so far of the contract's n = %ld (%s), judged "
                     "and paid in the batch where they reach n",
                     (long)pool, t->n, text);
        } else if (pool > 0) {
            size_t used = across ? (size_t)t->n : pool;
            pool_text(&ps, &bs, used, text, sizeof text);
            snprintf(note[i], sizeof note[i], "; pairs judged: %s", text);
        }
        pin[i] = (pm_pay_input){ann, (long)pool, ones, in[i].paid_cents};
        ev[i].action = f.action;
        snprintf(ev[i].action_reason, sizeof ev[i].action_reason, "%s", f.reason);
        ev[i].outcomes = keep[i] = ps.out ? ps.out : NULL;
        free(ps.batch);
        if (!ps.out)
            ev[i].outcomes = "";
    }
    if (st == PM_OK)
        st = pm_pay_compute_ev(t, opt, pin, ev, count, out, sum, err);
    for (size_t i = 0; st == PM_OK && i < count; i++) {
        out[i].annotator = in[i].annotator; /* the caller's, not ours */
        /* The table's pairs stay the assessment's of this batch (what a
         * page checks them against); judged_* and the reason say what the
         * bonus was judged on. */
        out[i].pairs = in[i].pairs;
        out[i].consistent = in[i].consistent;
        size_t n = strlen(out[i].reason), m = strlen(note[i]);
        if (n + m + 1 > sizeof out[i].reason)
            m = sizeof out[i].reason - n - 1;
        memcpy(out[i].reason + n, note[i], m);
        out[i].reason[n + m] = '\0';
    }
    for (size_t i = 0; keep && i < count; i++)
        free(keep[i]);
    free(keep);
    free(note);
    free(ev);
    free(pin);
    batches_free(&bs);
    return st;
}

/* ---- the planned pairs of a plan manifest ------------------------------ */

struct pm_pay_plan {
    pm_pay_planned *v; /* one per annotator, in the manifest's order */
    size_t n;
    char **keys;        /* the duplicate items' keys (owned) */
    const char **items; /* v[i].items point into this */
    size_t nkeys;
};

void pm_pay_plan_free(pm_pay_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free((char *)p->v[i].annotator);
    for (size_t i = 0; i < p->nkeys; i++)
        free(p->keys[i]);
    free(p->v);
    free(p->keys);
    free(p->items);
    free(p);
}

const pm_pay_planned *pm_pay_plan_annotators(const pm_pay_plan *p, size_t *n)
{
    if (n)
        *n = p ? p->n : 0;
    return p ? p->v : NULL;
}

/* First pass: the manifest's own keys into key-only pools (items and gold),
 * so that pm_plan_read_manifest can check everything else without the
 * dataset the plan was made from. A row it cannot read is left to the
 * second pass, whose message names the line and field. */
static pm_status manifest_keys(FILE *fp, const char *name, pm_plan_pool *items, pm_plan_pool *gold,
                               pm_error *err)
{
    pmx_lines lr;
    pmx_lines_init(&lr, fp, name, PM_PLAN_MAX_LINE);
    json_t *o;
    pm_status st;
    int header = 1;
    while ((st = pmx_jsonl_next(&lr, &o, err)) == PM_OK && o) {
        json_t *k = json_object_get(o, "item"), *g = json_object_get(o, "is_gold");
        int added;
        if (!header && json_is_string(k) && json_is_boolean(g))
            st = pm_plan_pool_add(json_is_true(g) ? gold : items, json_string_value(k), NULL, NULL,
                                  &added, err);
        header = 0;
        json_decref(o);
        if (st != PM_OK)
            break;
    }
    pmx_lines_free(&lr);
    return st;
}

pm_status pm_pay_plan_read(FILE *fp, const char *name, pm_pay_plan **out, pm_error *err)
{
    if (!fp || !out)
        return pm_error_set(err, PM_EINVAL, "pm_pay_plan_read: NULL argument");
    *out = NULL;
    if (!name)
        name = "<manifest>";
    pm_plan_pool *items = pm_plan_pool_new(err), *gold = items ? pm_plan_pool_new(err) : NULL;
    pm_plan *plan = NULL;
    pm_pay_plan *p = NULL;
    pm_status st = gold ? PM_OK : PM_ENOMEM;
    if (st == PM_OK && (st = manifest_keys(fp, name, items, gold, err)) == PM_OK &&
        fseek(fp, 0, SEEK_SET) != 0)
        st = pm_error_set(err, PM_EIO, "%s: cannot be read twice (a pipe?): give a file", name);
    if (st == PM_OK)
        st = pm_plan_read_manifest(fp, name, items, gold, &plan, err);
    size_t nrows = 0;
    const pm_plan_row *rows = st == PM_OK ? pm_plan_rows(plan, &nrows) : NULL;
    size_t nann = 0;
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].annotator + 1 > nann)
            nann = rows[i].annotator + 1;
    if (st == PM_OK) {
        p = calloc(1, sizeof *p);
        if (p) {
            p->v = calloc(nann ? nann : 1, sizeof *p->v);
            p->keys = calloc(nrows ? nrows : 1, sizeof *p->keys);
            p->items = calloc(nrows ? nrows : 1, sizeof *p->items);
        }
        if (!p || !p->v || !p->keys || !p->items)
            st = pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    for (size_t a = 0; st == PM_OK && a < nann; a++) {
        p->n = a + 1;
        if (!(p->v[a].annotator = strdup(pm_plan_annotator(plan, a))))
            st = pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    /* Rows are annotator by annotator: each one's duplicates are a run. */
    for (size_t i = 0; st == PM_OK && i < nrows; i++) {
        if (rows[i].is_gold || rows[i].copy != 2)
            continue;
        pm_pay_planned *v = &p->v[rows[i].annotator];
        if (!(p->keys[p->nkeys] = strdup(pm_plan_row_key(plan, &rows[i])))) {
            st = pm_error_set(err, PM_ENOMEM, "out of memory");
            break;
        }
        p->items[p->nkeys] = p->keys[p->nkeys];
        if (!v->items)
            v->items = &p->items[p->nkeys];
        v->n++;
        p->nkeys++;
    }
    pm_plan_free(plan);
    pm_plan_pool_free(items);
    pm_plan_pool_free(gold);
    if (st != PM_OK) {
        pm_pay_plan_free(p);
        return st;
    }
    *out = p;
    return PM_OK;
}
