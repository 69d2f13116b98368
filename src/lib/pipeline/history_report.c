/* The weekly page's numbers from the history store
 * (include/prefmon/history_report.h): this batch's actions as stored, each
 * annotator's trajectory replayed from their stored pairs by
 * pm_decide_replay (so the page shows what the decision was made from,
 * recomputed, never a second implementation of it), and the ledger summed
 * per week. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pipeline/assess_internal.h"
#include "prefmon/assess.h"
#include "prefmon/history_report.h"

static char *dup_str(const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static pm_status nomem(pm_error *err)
{
    return pm_error_set(err, PM_ENOMEM, "history report: out of memory");
}

/* Grow *p (of *cap elements of size sz) to hold n + 1. */
static int grow(void **p, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 8;
    void *q = realloc(*p, c * sz);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* ---- the store's batches ---------------------------------------------------- */

typedef struct all_batches {
    pm_history_report_batch *b;
    char **params;
    double *delta, *q0; /* per batch, from its parameters; NaN when absent */
    size_t n, cap, pcap, dcap, qcap;
    int oom;
} all_batches;

/* A number in the batch's parameters (JSON text); NaN when absent, null or
 * not a number. */
static double param(const char *params, const char *key)
{
    json_t *j = json_loads(params ? params : "{}", 0, NULL);
    json_t *v = json_is_object(j) ? json_object_get(j, key) : NULL;
    double x = json_is_number(v) ? json_number_value(v) : NAN;
    json_decref(j);
    return x;
}

static int take_batch(void *ctx, const pm_history_batch *b)
{
    all_batches *a = ctx;
    if (grow((void **)&a->b, &a->cap, a->n, sizeof *a->b) ||
        grow((void **)&a->params, &a->pcap, a->n, sizeof *a->params) ||
        grow((void **)&a->delta, &a->dcap, a->n, sizeof *a->delta) ||
        grow((void **)&a->q0, &a->qcap, a->n, sizeof *a->q0)) {
        a->oom = 1;
        return 1;
    }
    pm_history_report_batch *d = &a->b[a->n];
    d->name = dup_str(b->name);
    d->imported_at = dup_str(b->imported_at);
    d->id = b->id;
    a->params[a->n] = dup_str(b->parameters ? b->parameters : "{}");
    a->delta[a->n] = param(b->parameters, "delta");
    a->q0[a->n] = param(b->parameters, "q0");
    a->n++;
    if (!d->name || !d->imported_at || !a->params[a->n - 1]) {
        a->oom = 1;
        return 1;
    }
    return 0;
}

/* The index of batch name among all (SIZE_MAX when not there). */
static size_t batch_index(const all_batches *a, const char *name)
{
    for (size_t i = a->n; i-- > 0;)
        if (!strcmp(a->b[i].name, name))
            return i;
    return (size_t)-1;
}

/* ---- one annotator's rows and pairs ----------------------------------------- */

typedef struct lcount {
    char *label;
    long count;
} lcount;

typedef struct arow {
    size_t batch;
    long labels, pairs, consistent;
    lcount *counts;
    size_t ncounts;
    char *decision, *action, *reason, *flags;
} arow;

typedef struct ann_data {
    const all_batches *all;
    size_t chosen;
    arow *rows;
    size_t nrows, rcap;
    pm_decide_pair *pairs;
    size_t *pair_batch; /* batch index of each pair (pm_decide_pair.batch is the same, as long) */
    double *pair_delta, *pair_q0;
    size_t npairs, pcap, bcap, dcap, qcap;
    int oom;
} ann_data;

static void ann_data_clear(ann_data *d)
{
    for (size_t i = 0; i < d->nrows; i++) {
        for (size_t k = 0; k < d->rows[i].ncounts; k++)
            free(d->rows[i].counts[k].label);
        free(d->rows[i].counts);
        free(d->rows[i].decision);
        free(d->rows[i].action);
        free(d->rows[i].reason);
        free(d->rows[i].flags);
    }
    d->nrows = 0;
    d->npairs = 0;
}

static void ann_data_free(ann_data *d)
{
    ann_data_clear(d);
    free(d->rows);
    free(d->pairs);
    free(d->pair_batch);
    free(d->pair_delta);
    free(d->pair_q0);
}

static int take_row(void *ctx, const pm_history_row *r)
{
    ann_data *d = ctx;
    size_t b = batch_index(d->all, r->batch);
    if (b == (size_t)-1 || b > d->chosen)
        return 0; /* a batch after the chosen one: not yet then */
    if (grow((void **)&d->rows, &d->rcap, d->nrows, sizeof *d->rows)) {
        d->oom = 1;
        return 1;
    }
    arow *a = &d->rows[d->nrows++];
    memset(a, 0, sizeof *a);
    a->batch = b;
    a->labels = (long)r->labels;
    a->pairs = (long)r->pairs;
    a->consistent = (long)r->consistent;
    a->decision = r->decision ? dup_str(r->decision) : NULL;
    a->action = r->action ? dup_str(r->action) : NULL;
    a->reason = r->reason ? dup_str(r->reason) : NULL;
    a->flags = r->flags ? dup_str(r->flags) : NULL;
    a->counts = r->n_counts ? calloc(r->n_counts, sizeof *a->counts) : NULL;
    if ((r->decision && !a->decision) || (r->action && !a->action) || (r->reason && !a->reason) ||
        (r->flags && !a->flags) || (r->n_counts && !a->counts)) {
        d->oom = 1;
        return 1;
    }
    for (size_t k = 0; k < r->n_counts; k++) {
        if (!(a->counts[k].label = dup_str(r->counts[k].label))) {
            d->oom = 1;
            return 1;
        }
        a->counts[k].count = (long)r->counts[k].count;
        a->ncounts++;
    }
    return 0;
}

static int take_pair(void *ctx, const pm_history_pair *p)
{
    ann_data *d = ctx;
    size_t b = batch_index(d->all, p->batch);
    if (b == (size_t)-1 || b > d->chosen)
        return 0;
    if (grow((void **)&d->pairs, &d->pcap, d->npairs, sizeof *d->pairs) ||
        grow((void **)&d->pair_batch, &d->bcap, d->npairs, sizeof *d->pair_batch) ||
        grow((void **)&d->pair_delta, &d->dcap, d->npairs, sizeof *d->pair_delta) ||
        grow((void **)&d->pair_q0, &d->qcap, d->npairs, sizeof *d->pair_q0)) {
        d->oom = 1;
        return 1;
    }
    d->pairs[d->npairs] = (pm_decide_pair){
        .agree = p->agree, .q0 = p->q0, .m0 = p->m0, .m1 = p->m1, .batch = (long)b};
    d->pair_batch[d->npairs] = b;
    d->pair_delta[d->npairs] = p->delta;
    d->pair_q0[d->npairs] = p->q0;
    d->npairs++;
    return 0;
}

/* ---- the replay at the end of one batch ----------------------------------- */

/* q0 from the label counts of the rows up to batch b (labels summed by
 * name across batches); NaN without counts. */
static double q0_upto(const ann_data *d, size_t b, pm_error *err, int *oom)
{
    lcount *acc = NULL;
    size_t n = 0, cap = 0;
    long total = 0;
    for (size_t i = 0; i < d->nrows; i++) {
        if (d->rows[i].batch > b)
            continue;
        for (size_t k = 0; k < d->rows[i].ncounts; k++) {
            const lcount *c = &d->rows[i].counts[k];
            size_t j = 0;
            while (j < n && strcmp(acc[j].label, c->label))
                j++;
            if (j == n) {
                if (grow((void **)&acc, &cap, n, sizeof *acc)) {
                    free(acc);
                    *oom = 1;
                    nomem(err);
                    return NAN;
                }
                acc[n++] = (lcount){c->label, 0};
            }
            acc[j].count += c->count;
            total += c->count;
        }
    }
    long *counts = n ? malloc(n * sizeof *counts) : NULL;
    if (n && !counts) {
        free(acc);
        *oom = 1;
        nomem(err);
        return NAN;
    }
    for (size_t j = 0; j < n; j++)
        counts[j] = acc[j].count;
    double q0 = pmx_q0(counts, n, total);
    free(counts);
    free(acc);
    return q0;
}

/* Replay the pairs of batches <= b. sub is scratch room for npairs pairs.
 * *q0 and *delta get what was used (NaN when no pairs). */
static pm_status replay_upto(const ann_data *d, const pm_decide_options *opt, size_t b,
                             pm_decide_pair *sub, pm_decide_result *res, double *q0, double *delta,
                             const char *who, pm_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < d->npairs; i++)
        if (d->pair_batch[i] <= b)
            sub[n++] = d->pairs[i];
    memset(res, 0, sizeof *res);
    res->drift_batch = -1;
    res->m_low = 0;
    res->m_high = 1;
    res->eta_low = res->eta_high = res->expected_more = NAN;
    res->e_pass = res->e_fail = 1;
    *q0 = *delta = NAN;
    if (n == 0)
        return pm_seq_init(&res->seq, opt->alpha_pass, opt->alpha_fail, err);
    /* As assess --history decided at the end of batch b: its delta and q0
     * rule (a q0 for everyone, or the annotator's labels so far), and the
     * pairs over the store's batches so far for the drift chart. Without
     * them in the parameters: the delta stored with the last pair. */
    size_t last = 0;
    for (size_t i = 0; i < d->npairs; i++)
        if (d->pair_batch[i] <= b)
            last = i;
    *delta = !isnan(d->all->delta[b]) ? d->all->delta[b] : d->pair_delta[last];
    int oom = 0;
    double q = !isnan(d->all->q0[b]) ? d->all->q0[b] : q0_upto(d, b, err, &oom);
    if (oom)
        return PM_ENOMEM;
    *q0 = isnan(q) ? d->pair_q0[last] : q;
    double per_batch = (double)n / (double)(b + 1);
    pm_status st = pm_decide_replay(opt, sub, n, *q0, *delta, per_batch, res, err);
    if (st != PM_OK) {
        pm_error_prefix(err, "annotator '%s'", who);
        if (st == PM_EINVAL && err)
            err->code = PM_EPARSE;
        return st == PM_EINVAL ? PM_EPARSE : st;
    }
    return PM_OK;
}

/* ---- actions ------------------------------------------------------------------ */

static int action_from_name(const char *s, pm_action *a)
{
    for (int i = 0; s && i < PM_ACTION_COUNT; i++)
        if (!strcmp(s, pm_action_name((pm_action)i))) {
            *a = (pm_action)i;
            return 1;
        }
    return 0;
}

/* The PM_FLAG_* bits named in text (any separator). */
static unsigned flags_from_text(const char *s)
{
    unsigned f = 0;
    for (int i = 0; s && i < PM_FLAG_COUNT; i++) {
        const char *name = pm_flag_name(i);
        size_t len = strlen(name);
        for (const char *p = strstr(s, name); p; p = strstr(p + 1, name)) {
            int start = p == s || !(p[-1] == '-' || (p[-1] >= 'a' && p[-1] <= 'z'));
            int end = !(p[len] == '-' || (p[len] >= 'a' && p[len] <= 'z'));
            if (start && end) {
                f |= 1u << i;
                break;
            }
        }
    }
    return f;
}

/* block first, then review, hold, pay */
static int action_rank(pm_action a)
{
    switch (a) {
    case PM_ACTION_BLOCK:
        return 0;
    case PM_ACTION_REVIEW:
        return 1;
    case PM_ACTION_HOLD:
        return 2;
    default:
        return 3;
    }
}

static int by_action(const void *pa, const void *pb)
{
    const pm_history_report_ann *a = pa, *b = pb;
    int ra = action_rank(a->action), rb = action_rank(b->action);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (a->evidence != b->evidence)
        return a->evidence > b->evidence ? -1 : 1;
    return strcmp(a->annotator, b->annotator);
}

/* ---- one annotator ------------------------------------------------------------ */

static pm_status build_ann(pm_history *h, const pm_history_report *r, const char *name, ann_data *d,
                           pm_history_report_ann *out, int *present, pm_error *err)
{
    ann_data_clear(d);
    *present = 0;
    pm_status st = pm_history_annotator_rows(h, name, take_row, d, err);
    if (st == PM_OK && !d->oom) {
        const arow *now = NULL;
        for (size_t i = 0; i < d->nrows; i++)
            if (d->rows[i].batch == r->batch)
                now = &d->rows[i];
        if (!now)
            return PM_OK; /* not in the chosen batch */
        st = pm_history_annotator_pairs(h, name, take_pair, d, err);
    }
    if (st != PM_OK)
        return st;
    if (d->oom)
        return nomem(err);
    const arow *now = NULL;
    for (size_t i = 0; i < d->nrows; i++)
        if (d->rows[i].batch == r->batch)
            now = &d->rows[i];
    *present = 1;
    memset(out, 0, sizeof *out);
    out->annotator = dup_str(name);
    out->decision = dup_str(now->decision);
    out->flags = dup_str(now->flags);
    out->batch_pairs = now->pairs;
    out->batch_consistent = now->consistent;
    out->labels = now->labels;
    out->points = calloc(d->nrows ? d->nrows : 1, sizeof *out->points);
    pm_decide_pair *sub = malloc((d->npairs ? d->npairs : 1) * sizeof *sub);
    if (!out->annotator || !out->decision || !out->flags || !out->points || !sub) {
        free(sub);
        return nomem(err);
    }
    /* rows come oldest first: one point at the end of each */
    for (size_t i = 0; i < d->nrows && st == PM_OK; i++) {
        size_t b = d->rows[i].batch;
        pm_decide_result res;
        double q0, delta;
        st = replay_upto(d, &r->opt, b, sub, &res, &q0, &delta, name, err);
        if (st != PM_OK)
            break;
        pm_history_point *p = &out->points[out->npoints++];
        p->batch = b;
        p->pairs = res.pairs;
        p->consistent = res.consistent;
        p->batch_pairs = d->rows[i].pairs;
        p->log_e_pass = res.seq.log_e_pass;
        p->log_e_fail = res.seq.log_e_fail;
        p->m_low = res.m_low;
        p->m_high = res.m_high;
        p->eta_low = res.eta_low;
        p->eta_high = res.eta_high;
        p->q0 = q0;
        p->verdict = res.verdict;
        p->drift = res.drift;
        if (b == r->batch) {
            out->result = res;
            out->q0 = q0;
            out->delta = delta;
        }
    }
    free(sub);
    if (st != PM_OK)
        return st;
    if (out->result.drift && out->result.drift_batch >= 0 &&
        (size_t)out->result.drift_batch < r->nbatches &&
        !(out->drift_batch = dup_str(r->batches[out->result.drift_batch].name)))
        return nomem(err);
    char reason[512];
    if (action_from_name(now->action, &out->action)) {
        out->action_stored = 1;
        out->reason = dup_str(now->reason);
    } else {
        out->action = pm_decide_action(&out->result, flags_from_text(now->flags), out->drift_batch,
                                       reason, sizeof reason);
        out->reason = dup_str(reason);
    }
    if (!out->reason)
        return nomem(err);
    out->evidence =
        out->action == PM_ACTION_PAY ? out->result.seq.log_e_pass : out->result.seq.log_e_fail;
    return PM_OK;
}

/* ---- the ledger --------------------------------------------------------------- */

typedef struct lentry {
    size_t week;
    pm_ledger_kind kind;
    char *annotator;
} lentry;

typedef struct ledger_ctx {
    const all_batches *all;
    size_t chosen;
    pm_history_pay_week *w;
    size_t n, cap;
    lentry *e;
    size_t ne, ecap;
    int oom;
} ledger_ctx;

static int take_ledger(void *ctx, const pm_history_ledger *l)
{
    ledger_ctx *c = ctx;
    size_t b = batch_index(c->all, l->batch);
    if (b != (size_t)-1 && b > c->chosen)
        return 0; /* paid for a later batch: not yet then */
    size_t i = 0;
    while (i < c->n && (strcmp(c->w[i].batch, l->batch) || strcmp(c->w[i].currency, l->currency)))
        i++;
    if (i == c->n) {
        if (grow((void **)&c->w, &c->cap, c->n, sizeof *c->w)) {
            c->oom = 1;
            return 1;
        }
        memset(&c->w[i], 0, sizeof c->w[i]);
        c->w[i].batch = dup_str(l->batch);
        c->w[i].currency = dup_str(l->currency);
        c->n++;
        if (!c->w[i].batch || !c->w[i].currency) {
            c->oom = 1;
            return 1;
        }
    }
    pm_history_pay_week *w = &c->w[i];
    if (l->kind == PM_LEDGER_PAID)
        w->paid_cents += l->cents;
    else if (l->kind == PM_LEDGER_HELD)
        w->held_cents += l->cents;
    else if (l->kind == PM_LEDGER_RELEASED)
        w->released_cents += l->cents;
    if (grow((void **)&c->e, &c->ecap, c->ne, sizeof *c->e) ||
        !(c->e[c->ne].annotator = dup_str(l->annotator))) {
        c->oom = 1;
        return 1;
    }
    c->e[c->ne].week = i;
    c->e[c->ne].kind = l->kind;
    c->ne++;
    return 0;
}

static int by_entry(const void *pa, const void *pb)
{
    const lentry *a = pa, *b = pb;
    if (a->week != b->week)
        return a->week < b->week ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return strcmp(a->annotator, b->annotator);
}

static pm_status pay_weeks(pm_history *h, const all_batches *all, pm_history_report *r,
                           pm_error *err)
{
    ledger_ctx c = {.all = all, .chosen = r->batch};
    pm_status st = pm_history_ledger_list(h, NULL, take_ledger, &c, err);
    if (st == PM_OK && c.oom)
        st = nomem(err);
    if (st == PM_OK) {
        /* distinct annotators per week and kind */
        if (c.ne) /* qsort wants an array, even of none */
            qsort(c.e, c.ne, sizeof *c.e, by_entry);
        for (size_t i = 0; i < c.ne; i++) {
            if (i > 0 && c.e[i].week == c.e[i - 1].week && c.e[i].kind == c.e[i - 1].kind &&
                !strcmp(c.e[i].annotator, c.e[i - 1].annotator))
                continue;
            if (c.e[i].kind == PM_LEDGER_PAID)
                c.w[c.e[i].week].annotators_paid++;
            else if (c.e[i].kind == PM_LEDGER_HELD)
                c.w[c.e[i].week].annotators_held++;
        }
    }
    for (size_t i = 0; i < c.ne; i++)
        free(c.e[i].annotator);
    free(c.e);
    r->pay = c.w;
    r->npay = c.n;
    return st;
}

/* ---- options from the batch's parameters ------------------------------------ */

/* The options the batch was decided with (those its parameters name). */
static void options_from(const char *params, pm_decide_options *o)
{
    json_t *j = json_loads(params ? params : "{}", 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return;
    }
    struct {
        const char *key;
        double *v;
    } keys[] = {{"alpha_pass", &o->alpha_pass},
                {"alpha_fail", &o->alpha_fail},
                {"eta0", &o->eta0},
                {"eta1", &o->eta1},
                {"cs_alpha", &o->cs_alpha},
                {"drift_rate", &o->drift_rate},
                {"batches_per_year", &o->batches_per_year}};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        json_t *v = json_object_get(j, keys[i].key);
        if (json_is_number(v))
            *keys[i].v = json_number_value(v);
    }
    json_decref(j);
}

/* ---- the whole report ----------------------------------------------------------- */

typedef struct names {
    char **v;
    size_t n, cap;
    int oom;
} names;

static int take_name(void *ctx, const char *name)
{
    names *c = ctx;
    if (grow((void **)&c->v, &c->cap, c->n, sizeof *c->v) || !(c->v[c->n] = dup_str(name))) {
        c->oom = 1;
        return 1;
    }
    c->n++;
    return 0;
}

static void all_free(all_batches *a, size_t keep)
{
    for (size_t i = keep; i < a->n; i++) {
        free(a->b[i].name);
        free(a->b[i].imported_at);
    }
    for (size_t i = 0; i < a->n; i++)
        free(a->params[i]);
    if (keep == 0)
        free(a->b);
    free(a->params);
    free(a->delta);
    free(a->q0);
}

pm_status pm_history_report_build(pm_history *h, const char *batch, const pm_decide_options *opt,
                                  pm_history_report *r, pm_error *err)
{
    if (!r)
        return pm_error_set(err, PM_EINVAL, "history report: no report to fill");
    memset(r, 0, sizeof *r);
    if (!h)
        return pm_error_set(err, PM_EINVAL, "history report: no store");
    all_batches all = {0};
    pm_status st = pm_history_list_batches(h, take_batch, &all, err);
    if (st == PM_OK && all.oom)
        st = nomem(err);
    if (st == PM_OK && all.n == 0)
        st = pm_error_set(err, PM_EPARSE,
                          "%s: no batch imported yet (prefmon assess --history %s --batch NAME "
                          "imports one)",
                          pm_history_name(h), pm_history_name(h));
    size_t chosen = all.n ? all.n - 1 : 0;
    if (st == PM_OK && batch && (chosen = batch_index(&all, batch)) == (size_t)-1)
        st = pm_error_set(err, PM_EINVAL,
                          "%s: no batch '%s' (the latest is '%s'; prefmon history "
                          "list --history %s lists them)",
                          pm_history_name(h), batch, all.b[all.n - 1].name, pm_history_name(h));
    if (st != PM_OK) {
        all_free(&all, 0);
        return st;
    }
    r->batch = chosen;
    r->nbatches = chosen + 1;
    r->batches = all.b;
    r->parameters = dup_str(all.params[chosen]);
    r->store = dup_str(pm_history_name(h));
    r->backend = dup_str(pm_history_backend(h));
    if (opt)
        r->opt = *opt;
    else {
        pm_decide_options_default(&r->opt);
        options_from(all.params[chosen], &r->opt);
    }
    pm_decide_result probe; /* the options checked once, as the replay checks them */
    if (!r->parameters || !r->store || !r->backend)
        st = nomem(err);
    else
        st = pm_decide_replay(&r->opt, NULL, 0, 0.5, 0.02, 1, &probe, err);
    r->threshold_pass = log(1 / r->opt.alpha_pass);
    r->threshold_fail = log(1 / r->opt.alpha_fail);

    names nm = {0};
    if (st == PM_OK)
        st = pm_history_annotators(h, take_name, &nm, err);
    if (st == PM_OK && nm.oom)
        st = nomem(err);
    if (st == PM_OK && nm.n && !(r->ann = calloc(nm.n, sizeof *r->ann)))
        st = nomem(err);
    ann_data d = {.all = &all, .chosen = chosen};
    for (size_t i = 0; i < nm.n && st == PM_OK; i++) {
        int present = 0;
        st = build_ann(h, r, nm.v[i], &d, &r->ann[r->nann], &present, err);
        if (present)
            r->nann++; /* counted even on failure, so that free sees it */
    }
    ann_data_free(&d);
    for (size_t i = 0; i < nm.n; i++)
        free(nm.v[i]);
    free(nm.v);
    if (st == PM_OK)
        st = pay_weeks(h, &all, r, err);
    all_free(&all, r->nbatches);
    if (st != PM_OK) {
        pm_history_report_free(r);
        return st;
    }
    if (r->nann)
        qsort(r->ann, r->nann, sizeof *r->ann, by_action);
    for (size_t i = 0; i < r->nann; i++) {
        r->count[r->ann[i].action]++;
        r->drifting += r->ann[i].result.drift;
    }
    return PM_OK;
}

void pm_history_report_free(pm_history_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nbatches; i++) {
        free(r->batches[i].name);
        free(r->batches[i].imported_at);
    }
    free(r->batches);
    for (size_t i = 0; i < r->nann; i++) {
        pm_history_report_ann *a = &r->ann[i];
        free(a->annotator);
        free(a->reason);
        free(a->decision);
        free(a->flags);
        free(a->drift_batch);
        free(a->points);
    }
    free(r->ann);
    for (size_t i = 0; i < r->npay; i++) {
        free(r->pay[i].batch);
        free(r->pay[i].currency);
    }
    free(r->pay);
    free(r->store);
    free(r->backend);
    free(r->parameters);
    memset(r, 0, sizeof *r);
}
