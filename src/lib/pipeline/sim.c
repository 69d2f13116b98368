/*
** Simulated labels for a plan's queues (prefmon/sim.h): the label model,
** one xoshiro stream per annotator, one byte of output per row.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/sim.h"

const char *pm_sim_kind_name(pm_sim_kind k)
{
    static const char *const names[] = {"careful", "spammer", "longer", "left"};
    return (unsigned)k < PM_SIM_KIND_COUNT ? names[k] : NULL;
}

const char *pm_sim_gold_label(double p)
{
    return p >= 0.5 ? "A" : "B";
}

pm_status pm_sim_repeat_delta(const pm_scheme *sc, double *delta_r, pm_error *err)
{
    if (sc->kind != PM_MONITOR_SELF)
        return pm_error_set(err, PM_EINVAL,
                            "the simulation's monitoring signal is self-consistency: give a "
                            "self-consistency scheme (gold items are simulated as well)");
    if (sc->convention == PM_CONV_PAPER) {
        *delta_r = sc->delta / 2;
        return PM_OK;
    }
    if (sc->q0 != 0.5)
        return pm_error_set(err, PM_EINVAL,
                            "q0 = %g: simulated labels are A or B, so a random labeller agrees "
                            "with itself with probability 1/2; give q0 = 0.5",
                            sc->q0);
    *delta_r = sc->delta;
    return PM_OK;
}

double pm_sim_pass_prob(const pm_sim_annotator *a, double delta_r)
{
    if (a->kind == PM_SIM_LONGER)
        return 1;
    if (a->kind == PM_SIM_LEFT)
        return 0;
    return 0.5 + a->eta * (0.5 - delta_r);
}

/* Per pool item: the longer response (more bytes; ties A), 'A' or 'B'. */
static char *longer_sides(const pm_plan_pool *pool)
{
    size_t n = pool ? pm_plan_pool_count(pool) : 0;
    char *s = malloc(n ? n : 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *a = pm_plan_pool_response(pool, i, 0), *b = pm_plan_pool_response(pool, i, 1);
        s[i] = a && b && strlen(b) > strlen(a) ? 'B' : 'A';
    }
    return s;
}

static pm_status check_request(const pm_sim_request *req, size_t *nann, size_t *len, pm_error *err)
{
    size_t rows;
    if (!req->plan || !req->items || !req->p_items || !req->annotators)
        return pm_error_set(err, PM_EINVAL,
                            "simulate: plan, items, p_items and annotators are "
                            "required");
    if (!(req->delta_r >= 0 && req->delta_r <= 1))
        return pm_error_set(err, PM_EINVAL, "simulate: delta_r %g is outside [0, 1]", req->delta_r);
    pm_plan_rows(req->plan, &rows);
    *nann = 0;
    while (pm_plan_annotator(req->plan, *nann))
        (*nann)++;
    *len = *nann ? rows / *nann : 0;
    int texts = pm_plan_pool_response(req->items, 0, 0) != NULL;
    for (size_t j = 0; j < *nann; j++) {
        const pm_sim_annotator *a = &req->annotators[j];
        if ((unsigned)a->kind >= PM_SIM_KIND_COUNT ||
            (a->kind == PM_SIM_CAREFUL && !(a->eta >= 0 && a->eta <= 1)))
            return pm_error_set(err, PM_EINVAL, "simulate: annotator %zu: bad kind or effort", j);
        if (a->kind == PM_SIM_LONGER && !texts)
            return pm_error_set(err, PM_EINVAL,
                                "simulate: a longer-response clicker needs items "
                                "with responses (a key-only pool has none)");
    }
    const double *ps[2] = {req->p_items, req->p_gold};
    const pm_plan_pool *pools[2] = {req->items, req->gold};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; pools[k] && i < pm_plan_pool_count(pools[k]); i++)
            if (!(ps[k][i] >= 0 && ps[k][i] <= 1))
                return pm_error_set(err, PM_EINVAL, "simulate: %s item %zu: p %g outside [0, 1]",
                                    k ? "gold" : "pool", i, ps[k][i]);
    return PM_OK;
}

static char coin(pm_rng *r)
{
    return (pm_rng_next(r) >> 63) ? 'A' : 'B';
}

/* One annotator's queue: rows[0..len), labels out[0..len); careful[] is
 * scratch of len bytes (was position i labelled carefully). */
static void label_queue(const pm_sim_request *req, const pm_sim_annotator *a,
                        const pm_plan_row *rows, size_t len, const char *lon_items,
                        const char *lon_gold, pm_rng *r, char *careful, char *out)
{
    for (size_t i = 0; i < len; i++) {
        const pm_plan_row *row = &rows[i];
        if (a->kind == PM_SIM_LONGER) {
            out[i] = row->is_gold ? lon_gold[row->item] : lon_items[row->item];
            continue;
        }
        if (a->kind == PM_SIM_LEFT) {
            out[i] = row->shown_left;
            continue;
        }
        if (row->copy == 2) {
            size_t first = (size_t)row->partner - 1;
            if (careful[first])
                out[i] =
                    pm_rng_unit(r) < req->delta_r ? (char)('A' + 'B' - out[first]) : out[first];
            else
                out[i] = coin(r);
            continue;
        }
        careful[i] = pm_rng_unit(r) < a->eta;
        if (careful[i]) {
            double p = row->is_gold ? req->p_gold[row->item] : req->p_items[row->item];
            out[i] = pm_rng_unit(r) < p ? 'A' : 'B';
        } else {
            out[i] = coin(r);
        }
    }
}

pm_status pm_sim_labels(const pm_sim_request *req, char *labels, pm_error *err)
{
    size_t nann = 0, len = 0;
    pm_status st = check_request(req, &nann, &len, err);
    if (st != PM_OK)
        return st;
    char *lon_items = longer_sides(req->items);
    char *lon_gold = longer_sides(req->gold);
    char *careful = calloc(len ? len : 1, 1);
    if (!lon_items || !lon_gold || !careful) {
        free(lon_items);
        free(lon_gold);
        free(careful);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    size_t count;
    const pm_plan_row *rows = pm_plan_rows(req->plan, &count);
    pm_rng r;
    pm_rng_seed(&r, req->seed);
    for (size_t j = 0; j < nann; j++) {
        if (j)
            pm_rng_jump(&r); /* stream j: the seed's state jumped j times */
        pm_rng own = r;
        label_queue(req, &req->annotators[j], rows + j * len, len, lon_items, lon_gold, &own,
                    careful, labels + j * len);
    }
    free(careful);
    free(lon_items);
    free(lon_gold);
    return PM_OK;
}

void pm_sim_record(const pm_plan *plan, const char *labels, const double *p_gold, size_t i,
                   pm_record *out)
{
    static const char *const lab[2] = {"A", "B"};
    size_t count;
    const pm_plan_row *row = pm_plan_rows(plan, &count) + i;
    out->annotator = pm_plan_annotator(plan, row->annotator);
    out->item = pm_plan_row_key(plan, row);
    out->label = lab[labels[i] == 'B'];
    out->gold = p_gold && row->is_gold ? pm_sim_gold_label(p_gold[row->item]) : NULL;
    out->shown_left = row->shown_left;
    out->timestamp = NAN;
    out->duration = NAN;
    out->file = "simulation";
    out->line = (long)i + 2;
    out->ranking = 0;
}

/* The keys of a pool, PM_PLAN_KEY_SIZE bytes apart when they fit (content
 * keys always do); NULL when one does not (the caller then reads the pool). */
static char *key_table(const pm_plan_pool *pool, int *fits)
{
    size_t n = pool ? pm_plan_pool_count(pool) : 0;
    char *t = malloc(n ? n * PM_PLAN_KEY_SIZE : 1);
    *fits = t != NULL;
    for (size_t i = 0; t && i < n; i++) {
        const char *k = pm_plan_pool_key(pool, i);
        size_t len = strlen(k);
        if (len >= PM_PLAN_KEY_SIZE) {
            *fits = 0;
            break;
        }
        memcpy(t + i * PM_PLAN_KEY_SIZE, k, len + 1);
    }
    return t;
}

pm_status pm_sim_write_log(const pm_plan *plan, const char *labels, const pm_plan_pool *items,
                           const pm_plan_pool *gold, pm_records_writer *w, pm_error *err)
{
    int fit_items, fit_gold;
    char *ki = key_table(items, &fit_items), *kg = key_table(gold, &fit_gold);
    if (!ki || !kg) {
        free(ki);
        free(kg);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    size_t count;
    const pm_plan_row *rows = pm_plan_rows(plan, &count);
    pm_status st = PM_OK;
    pm_record rec;
    for (size_t i = 0; i < count && st == PM_OK; i++) {
        pm_sim_record(plan, labels, NULL, i, &rec);
        const pm_plan_row *r = &rows[i];
        if (r->is_gold ? fit_gold : fit_items)
            rec.item = (r->is_gold ? kg : ki) + r->item * PM_PLAN_KEY_SIZE;
        st = pm_records_write(w, &rec, err);
    }
    free(ki);
    free(kg);
    return st;
}

void pm_sim_assess_options(double delta_r, double level, double eta0, double eta1,
                           pm_assess_options *out)
{
    pm_assess_options_default(out);
    out->delta = delta_r;
    out->q0 = 0.5;
    out->level = level;
    out->eta0 = eta0;
    out->eta1 = eta1;
}

pm_status pm_sim_assess(const pm_plan *plan, const char *labels, const double *p_gold,
                        const pm_assess_options *opt, pm_assess **out, pm_error *err)
{
    pm_assess *a = *out = pm_assess_new(opt, err);
    if (!a)
        return err ? err->code : PM_ENOMEM;
    size_t rows;
    pm_plan_rows(plan, &rows);
    /* In batches: pm_assess_add_batch's loop is the fast path. */
    pm_record recs[1024];
    pm_status st = PM_OK;
    for (size_t i = 0; i < rows && st == PM_OK;) {
        size_t n = 0, done;
        for (; n < 1024 && i < rows; n++, i++)
            pm_sim_record(plan, labels, p_gold, i, &recs[n]);
        st = pm_assess_add_batch(a, recs, n, &done, err);
    }
    if (st == PM_OK)
        st = pm_assess_finish(a, err);
    if (st != PM_OK) {
        pm_assess_free(a);
        *out = NULL;
    }
    return st;
}

pm_status pm_sim_run_make(pm_plan *plan, const pm_sim_request *req, const pm_assess_options *opt,
                          pm_sim_run *out, pm_error *err)
{
    memset(out, 0, sizeof *out);
    out->plan = plan;
    pm_plan_rows(plan, &out->rows);
    pm_status st = pm_plan_summarize(plan, NULL, &out->sum, err);
    if (st == PM_OK && !(out->labels = malloc(out->rows ? out->rows : 1)))
        st = pm_error_set(err, PM_ENOMEM, "out of memory");
    pm_sim_request r = *req;
    r.plan = plan;
    if (st == PM_OK)
        st = pm_sim_labels(&r, out->labels, err);
    if (st == PM_OK && opt)
        st = pm_sim_assess(plan, out->labels, req->p_gold, opt, &out->assess, err);
    return st;
}

void pm_sim_run_free(pm_sim_run *r)
{
    if (!r)
        return;
    pm_plan_free(r->plan);
    free(r->labels);
    pm_assess_free(r->assess);
    memset(r, 0, sizeof *r);
}

pm_status pm_sim_run_write_log(const pm_sim_run *r, const pm_plan_pool *items,
                               const pm_plan_pool *gold, FILE *fp, const char *name,
                               pm_records_format f, pm_error *err)
{
    pm_records_writer *w;
    pm_status st = pm_records_writer_new(fp, name, f, PM_RECW_SHOWN_LEFT, &w, err);
    if (st == PM_OK)
        st = pm_sim_write_log(r->plan, r->labels, items, gold, w, err);
    if (st != PM_OK) {
        pm_records_writer_free(w);
        return st;
    }
    return pm_records_writer_close(w, err);
}

void pm_sim_request_default(pm_sim_request *req)
{
    memset(req, 0, sizeof *req);
    req->delta_r = 0.02;
}
