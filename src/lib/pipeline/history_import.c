/* Import a batch into a history store and decide every annotator of it
 * over all their pairs (pm_import_run in include/prefmon/decide.h). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "prefmon/decide.h"
#include "prefmon/history.h"
#include "prefmon/text.h"

/* q0 of a batch's pairs when an annotator has no earlier labels: the
 * chance agreement of two equally likely labels (stated in doc/assess.md). */
#define FIRST_Q0 0.5

void pm_import_options_default(pm_import_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->delta = 0.02;
    opt->delta_source = "default";
    opt->q0 = NAN;
    pm_decide_options_default(&opt->decide);
    pm_assess_options_default(&opt->assess);
}

void pm_import_result_free(pm_import_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free((char *)r->rows[i].annotator);
    free(r->rows);
    free(r);
}

/* ---- per-batch tallies the assess row does not keep -------------------- */

/* Label counts and side / duration counts per annotator of this batch. */
typedef struct tally {
    pmx_arena arena;
    pmx_strtab anns, pairs; /* "ann\x1flabel" */
    long *count;            /* by pair id */
    size_t count_cap;
    long *left_n, *left_k, *dur_n; /* by annotator id */
    size_t ann_cap;
    pmx_strtab untimed; /* "ann\x1fitem\x1flabel" keys marked by this import */
} tally;

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return 0;
    memset((char *)q + *cap * size, 0, (c - *cap) * size);
    *p = q;
    *cap = c;
    return 1;
}

static pm_status tally_add(tally *t, const pm_record *r)
{
    char key[1024];
    uint32_t a, l;
    snprintf(key, sizeof key, "%s\x1f%s", r->annotator, r->label);
    if (pmx_strtab_intern(&t->anns, r->annotator, &a, NULL) != PM_OK ||
        pmx_strtab_intern(&t->pairs, key, &l, NULL) != PM_OK ||
        !grow((void **)&t->count, &t->count_cap, (size_t)l + 1, sizeof(long)))
        return PM_ENOMEM;
    size_t cap = t->ann_cap;
    if (!grow((void **)&t->left_n, &cap, (size_t)a + 1, sizeof(long)) ||
        !grow((void **)&t->left_k, &(size_t){t->ann_cap}, (size_t)a + 1, sizeof(long)) ||
        !grow((void **)&t->dur_n, &(size_t){t->ann_cap}, (size_t)a + 1, sizeof(long)))
        return PM_ENOMEM;
    t->ann_cap = cap;
    t->count[l]++;
    int ab = !strcmp(r->label, "A") || !strcmp(r->label, "B");
    if ((r->shown_left == 'A' || r->shown_left == 'B') && ab) {
        t->left_n[a]++;
        t->left_k[a] += r->label[0] == r->shown_left;
    }
    t->dur_n[a] += !isnan(r->duration);
    return PM_OK;
}

/* ---- the batches before ------------------------------------------------ */

typedef struct names {
    char **v;
    size_t n, cap;
    char *first_params;
} names;

static int on_batch(void *ctx, const pm_history_batch *b)
{
    names *nm = ctx;
    if (!grow((void **)&nm->v, &nm->cap, nm->n + 1, sizeof(char *)))
        return 1;
    nm->v[nm->n] = strdup(b->name);
    if (nm->n == 0 && b->parameters)
        nm->first_params = strdup(b->parameters);
    nm->n++;
    return 0;
}

static long batch_index(const names *nm, const char *name)
{
    for (size_t i = 0; i < nm->n; i++)
        if (!strcmp(nm->v[i], name))
            return (long)i;
    return (long)nm->n;
}

/* The first batch's delta: refused to change silently (a delta fixed per
 * study; re-estimating it mid-sequence voids the guarantees). */
static pm_status check_delta(const names *nm, const pm_import_options *o, pm_import_result *res,
                             pm_error *err)
{
    if (!nm->first_params)
        return PM_OK;
    json_t *p = json_loads(nm->first_params, 0, NULL);
    json_t *d = p ? json_object_get(p, "delta") : NULL;
    pm_status st = PM_OK;
    if (json_is_number(d)) {
        double fd = json_number_value(d);
        pm_fmt_double(fd, res->first_delta, sizeof res->first_delta);
        if (fd != o->delta) {
            if (o->new_delta)
                res->delta_changed = 1;
            else
                st = pm_error_set(err, PM_EINVAL,
                                  "batch '%s' fixed delta = %s for this study; this import has "
                                  "delta = %g: give --new-delta to change it (it is recorded)",
                                  nm->v[0], res->first_delta, o->delta);
        }
    }
    json_decref(p);
    return st;
}

static char *params_text(const pm_import_options *o, int changed)
{
    json_t *p = json_pack(
        "{s:f, s:s, s:b, s:s, s:f, s:f, s:f, s:f, s:o, s:s, s:f, s:f, s:f}", "delta", o->delta,
        "delta_source", o->delta_source ? o->delta_source : "default", "new_delta", changed,
        "convention", "general", "eta0", o->decide.eta0, "eta1", o->decide.eta1, "alpha_pass",
        o->decide.alpha_pass, "alpha_fail", o->decide.alpha_fail, "q0",
        isnan(o->q0) ? json_null() : json_real(o->q0), "q0_rule",
        isnan(o->q0) ? "per annotator from their labels in earlier batches (0.5 without any)"
                     : "fixed for everyone",
        "cs_alpha", o->decide.cs_alpha, "drift_rate", o->decide.drift_rate, "batches_per_year",
        o->decide.batches_per_year);
    char *s = p ? json_dumps(p, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
    json_decref(p);
    return s;
}

/* ---- reading the logs -------------------------------------------------- */

static pm_status read_logs(pm_history *h, pm_records *rd, pm_assess *a, tally *t,
                           const char *const *paths, size_t n, pm_import_result *res, pm_error *err)
{
    for (size_t f = 0; f < n; f++) {
        pm_status st = pm_records_open(rd, paths[f], err);
        if (st != PM_OK)
            return st;
        for (;;) {
            pm_record r;
            int got = 0;
            if ((st = pm_records_next(rd, &r, &got, err)) != PM_OK)
                return st;
            if (!got)
                break;
            res->records_read++;
            char key[2048], ts[PM_DOUBLE_TEXT];
            int seen = 0;
            if (!isnan(r.timestamp)) {
                /* A record's identity: annotator + item + timestamp. */
                pm_fmt_double(r.timestamp, ts, sizeof ts);
                snprintf(key, sizeof key, "t\x1f%s\x1f%s\x1f%s", r.annotator, r.item, ts);
                if ((st = pm_history_mark_key(h, key, &seen, err)) != PM_OK)
                    return st;
                if (seen) {
                    res->records_skipped++;
                    continue;
                }
            } else {
                snprintf(key, sizeof key, "u\x1f%s\x1f%s\x1f%s", r.annotator, r.item, r.label);
                uint32_t id;
                int is_new = 0;
                if (pmx_strtab_intern(&t->untimed, key, &id, &is_new) != PM_OK)
                    return pm_error_set(err, PM_ENOMEM, "import: out of memory");
                if (is_new) {
                    if ((st = pm_history_key_seen(h, key, &seen, err)) != PM_OK)
                        return st;
                    if (seen)
                        return pm_error_set(
                            err, PM_EPARSE,
                            "%s:%ld: annotator '%s', item '%s', label '%s' is in an earlier "
                            "batch, and this log has no timestamp to tell a repeat from a "
                            "re-exported record: refused (import only the new records)",
                            r.file, r.line, r.annotator, r.item, r.label);
                    if ((st = pm_history_mark_key(h, key, &seen, err)) != PM_OK)
                        return st;
                }
            }
            if ((st = tally_add(t, &r)) != PM_OK)
                return pm_error_set(err, st, "import: out of memory");
            if ((st = pm_assess_add(a, &r, err)) != PM_OK)
                return st;
        }
    }
    return PM_OK;
}

/* ---- one annotator ------------------------------------------------------ */

typedef struct hist {
    const names *nm;
    pm_decide_pair *p;
    size_t n, cap;
    /* label counts of earlier batches */
    char **lab;
    long long *cnt;
    size_t nl, lcap;
    long batches;
    int fail;
} hist;

static int on_pair(void *ctx, const pm_history_pair *q)
{
    hist *hs = ctx;
    if (!grow((void **)&hs->p, &hs->cap, hs->n + 1, sizeof *hs->p))
        return hs->fail = 1;
    hs->p[hs->n++] = (pm_decide_pair){q->agree, q->q0, q->m0, q->m1, batch_index(hs->nm, q->batch)};
    return 0;
}

static int add_count(hist *hs, const char *label, long long c)
{
    for (size_t i = 0; i < hs->nl; i++)
        if (!strcmp(hs->lab[i], label)) {
            hs->cnt[i] += c;
            return 0;
        }
    size_t cap = hs->lcap;
    if (!grow((void **)&hs->lab, &cap, hs->nl + 1, sizeof(char *)) ||
        !grow((void **)&hs->cnt, &hs->lcap, hs->nl + 1, sizeof(long long)))
        return hs->fail = 1;
    hs->lab[hs->nl] = strdup(label);
    hs->cnt[hs->nl++] = c;
    return 0;
}

static int on_row(void *ctx, const pm_history_row *r)
{
    hist *hs = ctx;
    hs->batches++;
    for (size_t i = 0; i < r->n_counts; i++)
        if (add_count(hs, r->counts[i].label, r->counts[i].count))
            return 1;
    return 0;
}

static double q0_of(const hist *hs)
{
    long long tot = 0;
    for (size_t i = 0; i < hs->nl; i++)
        tot += hs->cnt[i];
    if (tot == 0)
        return NAN;
    double q = 0;
    for (size_t i = 0; i < hs->nl; i++)
        q += ((double)hs->cnt[i] / (double)tot) * ((double)hs->cnt[i] / (double)tot);
    return q;
}

static void hist_free(hist *hs)
{
    for (size_t i = 0; i < hs->nl; i++)
        free(hs->lab[i]);
    free(hs->lab);
    free(hs->cnt);
    free(hs->p);
}

typedef struct batchctx {
    pm_history *h;
    const pm_import_options *o;
    const names *nm;
    tally *t;
    pm_assess *a;
    const char *batch;
} batchctx;

/* This batch's label counts of annotator (from the tally) into hs and out. */
static pm_status batch_counts(const batchctx *c, const char *ann, hist *hs, pm_history_count **out,
                              size_t *nout)
{
    size_t len = strlen(ann), n = 0;
    *out = malloc((c->t->pairs.count ? c->t->pairs.count : 1) * sizeof **out);
    if (!*out)
        return PM_ENOMEM;
    for (uint32_t i = 0; i < c->t->pairs.count; i++) {
        const char *k = pmx_strtab_str(&c->t->pairs, i);
        if (strncmp(k, ann, len) == 0 && k[len] == '\x1f') {
            (*out)[n++] = (pm_history_count){k + len + 1, c->t->count[i]};
            if (add_count(hs, k + len + 1, c->t->count[i]))
                return PM_ENOMEM;
        }
    }
    *nout = n;
    return PM_OK;
}

static pm_status one_annotator(const batchctx *c, size_t ri, pm_import_row *out, pm_error *err)
{
    size_t nrows;
    const pm_assess_row *row = &pm_assess_rows(c->a, &nrows)[ri];
    const pm_import_options *o = c->o;
    hist hs = {.nm = c->nm};
    pm_history_pair *np = NULL;
    pm_history_label *ll = NULL;
    pm_history_count *counts = NULL;
    size_t ncounts = 0;
    pm_status st = pm_history_annotator_pairs(c->h, row->annotator, on_pair, &hs, err);
    if (st == PM_OK)
        st = pm_history_annotator_rows(c->h, row->annotator, on_row, &hs, err);
    if (st == PM_OK && hs.fail)
        st = pm_error_set(err, PM_ENOMEM, "import: out of memory");
    if (st != PM_OK)
        goto done;
    long batches_before = hs.batches;
    double q0 = !isnan(o->q0) ? o->q0 : hs.nl ? q0_of(&hs) : FIRST_Q0;
    double m0 = pm_decide_m(q0, o->delta, o->decide.eta0),
           m1 = pm_decide_m(q0, o->delta, o->decide.eta1);
    /* The batch's pairs: those within it, and the first label of each key
     * against the store's last label (a cross-week pair), by position. */
    size_t nw, nk;
    const pm_assess_pair *wp = pm_assess_row_pairs(c->a, ri, &nw);
    const pm_assess_key_labels *kl = pm_assess_row_keys(c->a, ri, &nk);
    np = malloc((nw + nk + 1) * sizeof *np);
    ll = malloc((nk + 1) * sizeof *ll);
    long *pos = malloc((nw + nk + 1) * sizeof *pos);
    if (!np || !ll || !pos) {
        free(pos);
        st = pm_error_set(err, PM_ENOMEM, "import: out of memory");
        goto done;
    }
    size_t n = 0, iw = 0;
    long cross = 0, cons = 0;
    for (size_t k = 0; k <= nk; k++) {
        long until = k < nk ? kl[k].first_pos : -1;
        while (iw < nw && (k == nk || wp[iw].pos < until)) {
            pos[n] = wp[iw].pos;
            np[n++] = (pm_history_pair){.item = wp[iw].item, .agree = wp[iw].agree};
            iw++;
        }
        if (k == nk)
            break;
        char last[1024];
        int found = 0;
        st = pm_history_get_last_label(c->h, row->annotator, kl[k].item, &found, last, sizeof last,
                                       NULL, 0, err);
        if (st != PM_OK) {
            free(pos);
            goto done;
        }
        if (found) {
            pos[n] = kl[k].first_pos;
            np[n++] = (pm_history_pair){.item = kl[k].item,
                                        .agree = strcmp(last, kl[k].first_label) == 0};
            cross++;
        }
        ll[k] = (pm_history_label){row->annotator, kl[k].item, kl[k].last_label, NULL};
    }
    free(pos);
    for (size_t i = 0; i < n; i++) {
        np[i].q0 = q0;
        np[i].delta = o->delta;
        np[i].m0 = m0;
        np[i].m1 = m1;
        cons += np[i].agree;
        if (!grow((void **)&hs.p, &hs.cap, hs.n + 1, sizeof *hs.p)) {
            st = pm_error_set(err, PM_ENOMEM, "import: out of memory");
            goto done;
        }
        hs.p[hs.n++] = (pm_decide_pair){np[i].agree, q0, m0, m1, (long)c->nm->n};
    }
    if ((st = batch_counts(c, row->annotator, &hs, &counts, &ncounts)) != PM_OK) {
        st = pm_error_set(err, st, "import: out of memory");
        goto done;
    }
    out->q0_used = q0;
    out->q0_now = !isnan(o->q0) ? o->q0 : q0_of(&hs);
    double per_batch = (double)hs.n / (double)(batches_before + 1);
    st = pm_decide_replay(&o->decide, hs.p, hs.n, out->q0_now, o->delta, per_batch, &out->res, err);
    if (st != PM_OK)
        goto done;
    out->labels = row->labels;
    out->batch_pairs = (long)n;
    out->batch_consistent = cons;
    out->cross_pairs = cross;
    out->flags = row->flags & ~PM_FLAG_LOW_EFFORT; /* the fixed-n verdict is not this one */
    out->delta_flip =
        out->res.no_signal ? NAN : pm_decide_delta_flip(&o->decide, hs.p, hs.n, o->delta);
    if (out->res.drift_batch >= 0)
        snprintf(out->drift_at, sizeof out->drift_at, "%s",
                 (size_t)out->res.drift_batch < c->nm->n ? c->nm->v[out->res.drift_batch]
                                                         : c->batch);
    out->action = pm_decide_action(&out->res, out->flags, out->drift_at[0] ? out->drift_at : NULL,
                                   out->reason, sizeof out->reason);
    /* The stored row. */
    uint32_t aid = 0;
    pmx_strtab_intern(&c->t->anns, row->annotator, &aid, NULL);
    char flags[300];
    size_t fl = pm_flags_format(out->flags, ",", "", flags, sizeof flags - 8);
    if (out->res.drift) /* drift is the store's flag, not one of assess's */
        snprintf(flags + fl, sizeof flags - fl, "%sdrift", fl ? "," : "");
    pm_history_row hr = {
        .annotator = row->annotator,
        .labels = row->labels,
        .counts = counts,
        .n_counts = ncounts,
        .pairs = (long long)n,
        .consistent = cons,
        .gold_n = row->gold_n,
        .gold_agree = row->gold_agree,
        .left_n = aid < c->t->ann_cap ? c->t->left_n[aid] : 0,
        .left_k = aid < c->t->ann_cap ? c->t->left_k[aid] : 0,
        .duration_median = row->median_duration,
        .duration_n = aid < c->t->ann_cap ? c->t->dur_n[aid] : 0,
        .decision = pm_seq_verdict_name(out->res.verdict),
        .action = pm_action_name(out->action),
        .reason = out->reason,
        .flags = flags,
    };
    if ((st = pm_history_put_row(c->h, &hr, err)) == PM_OK && n)
        st = pm_history_append_pairs(c->h, row->annotator, np, n, err);
    if (st == PM_OK && nk)
        st = pm_history_put_last_labels(c->h, ll, nk, err);
done:
    free(counts);
    free(np);
    free(ll);
    hist_free(&hs);
    return st;
}

/* ---- the import --------------------------------------------------------- */

static pm_status begin(pm_history *h, const pm_import_options *o, const char *const *paths,
                       size_t n, int changed, pm_import_result *res, pm_error *err)
{
    pm_history_file *files = calloc(n ? n : 1, sizeof *files);
    char *params = params_text(o, changed);
    pm_status st = PM_OK;
    if (!files || !params)
        st = pm_error_set(err, PM_ENOMEM, "import: out of memory");
    for (size_t i = 0; st == PM_OK && i < n; i++) {
        files[i].name = paths[i];
        st = pm_sha256_file(paths[i], files[i].sha256, &files[i].size, err);
    }
    if (st == PM_OK) {
        pm_history_batch b = {.name = o->batch, .parameters = params, .files = files, .n_files = n};
        st = pm_history_begin_import(h, &b, o->replace ? PM_HISTORY_REPLACE : 0u, err);
    }
    if (st == PM_OK && pm_history_replaced(h))
        snprintf(res->replaced, sizeof res->replaced, "%s", pm_history_replaced(h));
    free(files);
    free(params);
    return st;
}

static int cmp_rows(const void *x, const void *y)
{
    return strcmp(((const pm_import_row *)x)->annotator, ((const pm_import_row *)y)->annotator);
}

static pm_status decide_all(const batchctx *c, pm_import_result *res, pm_error *err)
{
    size_t nrows;
    const pm_assess_row *rows = pm_assess_rows(c->a, &nrows);
    res->rows = calloc(nrows ? nrows : 1, sizeof *res->rows);
    if (!res->rows)
        return pm_error_set(err, PM_ENOMEM, "import: out of memory");
    res->nobody_reaches = 1;
    for (size_t i = 0; i < nrows; i++) {
        pm_import_row *r = &res->rows[i];
        if (!(r->annotator = strdup(rows[i].annotator)))
            return pm_error_set(err, PM_ENOMEM, "import: out of memory");
        res->n++;
        pm_status st = one_annotator(c, i, r, err);
        if (st != PM_OK)
            return st;
        res->cross_pairs += r->cross_pairs;
        if (r->res.pairs > 0 && r->res.m_high >= 1 - c->o->delta)
            res->nobody_reaches = 0;
    }
    qsort(res->rows, res->n, sizeof *res->rows, cmp_rows);
    return PM_OK;
}

pm_status pm_import_run(const char *uri, const char *const *paths, size_t n,
                        const pm_records_options *ropt, const char *gold,
                        const pm_import_options *o, pm_import_result **out, pm_error *err)
{
    *out = NULL;
    if (!o->batch || !*o->batch)
        return pm_error_set(err, PM_EINVAL, "import: a batch name is required (--batch)");
    if (!(o->delta > 0 && o->delta < 1))
        return pm_error_set(err, PM_EINVAL,
                            "import: delta = %g: the sequential tests need 0 < delta < 1",
                            o->delta);
    pm_import_result *res = calloc(1, sizeof *res);
    if (!res)
        return pm_error_set(err, PM_ENOMEM, "import: out of memory");
    res->delta = o->delta;
    res->dry_run = o->dry_run;
    pm_assess_options ao = o->assess;
    ao.delta = o->delta;
    ao.delta_estimate = 0;
    ao.q0 = o->q0;
    ao.eta0 = o->decide.eta0;
    ao.eta1 = o->decide.eta1;
    ao.keep_pairs = 1;
    pm_history *h = NULL;
    pm_records *rd = NULL;
    pm_assess *a = NULL;
    names nm = {0};
    tally t = {0};
    pmx_arena_init(&t.arena);
    int tinit = pmx_strtab_init(&t.anns, &t.arena) == PM_OK &&
                pmx_strtab_init(&t.pairs, &t.arena) == PM_OK &&
                pmx_strtab_init(&t.untimed, &t.arena) == PM_OK;
    pm_status st = tinit ? PM_OK : pm_error_set(err, PM_ENOMEM, "import: out of memory");
    if (st == PM_OK)
        st = pm_history_open(uri, PM_HISTORY_CREATE, &h, err);
    if (st == PM_OK)
        st = pm_history_list_batches(h, on_batch, &nm, err);
    if (st == PM_OK) {
        res->batches_before = (long)nm.n;
        st = check_delta(&nm, o, res, err);
    }
    if (st == PM_OK && !(a = pm_assess_new(&ao, err)))
        st = err && err->code ? err->code : PM_ENOMEM;
    if (st == PM_OK && !(rd = pm_records_new(ropt, err)))
        st = err && err->code ? err->code : PM_ENOMEM;
    if (st == PM_OK && gold)
        st = pm_records_read_gold(rd, gold, err);
    if (st == PM_OK)
        st = begin(h, o, paths, n, res->delta_changed, res, err);
    if (st == PM_OK)
        st = read_logs(h, rd, a, &t, paths, n, res, err);
    if (st == PM_OK)
        st = pm_assess_finish(a, err);
    if (st == PM_OK) {
        batchctx c = {h, o, &nm, &t, a, o->batch};
        st = decide_all(&c, res, err);
    }
    if (st == PM_OK && !o->dry_run)
        st = pm_history_commit(h, err);
    else if (h)
        pm_history_rollback(h);
    pm_history_close(h);
    pm_records_free(rd);
    pm_assess_free(a);
    for (size_t i = 0; i < nm.n; i++)
        free(nm.v[i]);
    free(nm.v);
    free(nm.first_params);
    pmx_strtab_free(&t.anns);
    pmx_strtab_free(&t.pairs);
    pmx_strtab_free(&t.untimed);
    pmx_arena_free(&t.arena);
    free(t.count);
    free(t.left_n);
    free(t.left_k);
    free(t.dur_n);
    if (st != PM_OK) {
        pm_import_result_free(res);
        return st;
    }
    *out = res;
    return PM_OK;
}
