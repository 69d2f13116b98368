/* prefmon reproduce: the tables, one row per number the library computed
 * (include/prefmon/reproduce.h); nothing here computes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_reproduce.h"
#include "prefmon/outfile.h"
#include "prefmon/rng.h"

static void cols(out_table *t, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        out_col(t, names[i]);
}

/* A number, or null (empty in CSV, null in JSON) when NaN or infinite:
 * infeasible gaps, empty reliability bins, self rows' cbar. */
static void cell(out_table *t, double v)
{
    if (isfinite(v))
        out_num(t, v);
    else
        out_null(t);
}

static const char *monitor_name(int m)
{
    return m ? "expert" : "self";
}

static void tab_datasets(const repro_run *r, out_table *t, int arg)
{
    (void)arg;
    static const char *const c[] = {"dataset",     "file",       "rows", "eval_items",
                                    "train_items", "calibrated", "bins", "seed",
                                    "mean_p",      "cbar",       NULL};
    cols(t, c);
    for (size_t i = 0; i < r->nds; i++) {
        const pm_repro_dataset *d = &r->ds[i];
        out_row(t);
        out_str(t, d->name);
        out_str(t, d->path);
        out_int(t, (long long)d->rows);
        out_int(t, (long long)d->cal.n_eval);
        out_int(t, (long long)d->cal.n_train);
        out_bool(t, d->calibrate);
        out_int(t, r->copts.bins);
        out_int(t, (long long)r->copts.seed);
        out_num(t, d->ex->mean_p);
        out_num(t, d->ex->cbar);
    }
    out_note(t, "eval half of a seeded split (%s); p folded to >= 1/2; cbar = 2 mean|p - 1/2|",
             PM_RNG_NAME);
}

static void rel_rows(out_table *t, const char *name, const char *stage, const pm_reliability_bin *b,
                     int bins)
{
    for (int i = 0; i < bins; i++) {
        out_row(t);
        out_str(t, name);
        out_str(t, stage);
        out_num(t, b[i].lo);
        out_num(t, b[i].hi);
        out_int(t, (long long)b[i].count);
        cell(t, b[i].mean_pred);
        cell(t, b[i].freq);
    }
}

static void tab_calibration(const repro_run *r, out_table *t, int arg)
{
    (void)arg;
    static const char *const c[] = {
        "dataset", "stage", "bin_lo", "bin_hi", "count", "mean_predicted", "observed_frequency",
        NULL};
    cols(t, c);
    for (size_t i = 0; i < r->nds; i++) {
        const pm_repro_dataset *d = &r->ds[i];
        rel_rows(t, d->name, "before", d->cal.before, d->cal.rel_bins);
        if (d->cal.after)
            rel_rows(t, d->name, "after", d->cal.after, d->cal.rel_bins);
    }
    out_note(t, "reliability on the eval half: oriented P(y1 > y2) against y1 chosen");
}

static void tab_hist(const repro_run *r, out_table *t, int arg)
{
    (void)arg;
    static const char *const c[] = {"dataset", "bin_lo", "bin_hi", "count", "fraction", NULL};
    cols(t, c);
    for (size_t i = 0; i < r->nds; i++) {
        const pm_repro_expert *e = r->ds[i].ex;
        for (int b = 0; b < PM_REPRO_HIST_BINS; b++) {
            out_row(t);
            out_str(t, r->ds[i].name);
            out_num(t, e->hist_lo[b]);
            out_num(t, e->hist_hi[b]);
            out_int(t, (long long)e->hist_count[b]);
            out_num(t, (double)e->hist_count[b] / (double)e->count);
        }
    }
}

static void bound_rows(out_table *t, const char *name, double e0, double e1, double kl,
                       const double *lb)
{
    for (int k = 0; k < PM_REPRO_LB_NS; k++) {
        out_row(t);
        out_str(t, name);
        out_num(t, e0);
        out_num(t, e1);
        out_int(t, pm_repro_lb_n(k));
        out_num(t, kl);
        out_num(t, lb[k]);
    }
}

static void tab_bound(const repro_run *r, out_table *t, int fig2)
{
    static const char *const c[] = {"dataset", "eta0", "eta1", "n", "kl", "lower_bound", NULL};
    cols(t, c);
    for (size_t i = 0; i < r->nds; i++) {
        const pm_repro_expert *e = r->ds[i].ex;
        if (fig2)
            for (int a = 0; a < PM_REPRO_LRT_ETA0S; a++)
                for (int b = 0; b < PM_REPRO_LRT_ETA1S; b++)
                    bound_rows(t, r->ds[i].name, pm_repro_lrt_eta0[a], pm_repro_lrt_eta1[b],
                               e->lrt_kl[a][b], e->lrt_lb[a][b]);
        else
            for (int a = 0; a < PM_REPRO_LB_ETA0S; a++)
                for (int b = 0; b < PM_REPRO_LB_ETA1S; b++)
                    bound_rows(t, r->ds[i].name, pm_repro_lb_eta0[a], pm_repro_lb_eta1[b],
                               e->kl[a][b], e->lb[a][b]);
    }
    out_note(t, "lower_bound = max(0, 1 - sqrt(n kl/2), 1 - sqrt(1 - exp(-n kl))) on type I + "
                "type II error of any expert test");
}

static void tab_fig2_self(const repro_run *r, out_table *t, int arg)
{
    (void)arg;
    static const char *const c[] = {"delta", "eta0",  "eta1",  "n",         "m0", "m1",
                                    "k",     "type1", "type2", "error_sum", NULL};
    cols(t, c);
    for (int d = 0; d < PM_REPRO_LRT_DELTAS; d++)
        for (int a = 0; a < PM_REPRO_LRT_ETA0S; a++)
            for (int b = 0; b < PM_REPRO_LRT_ETA1S; b++)
                for (int k = 0; k < PM_REPRO_LB_NS; k++) {
                    const pm_test *ts = &r->self->lrt_test[d][a][b][k];
                    out_row(t);
                    out_num(t, pm_repro_lrt_delta[d]);
                    out_num(t, ts->eta0);
                    out_num(t, ts->eta1);
                    out_int(t, ts->n);
                    out_num(t, ts->m0);
                    out_num(t, ts->m1);
                    out_int(t, ts->k);
                    out_num(t, ts->type1);
                    out_num(t, ts->type2);
                    out_num(t, ts->error_sum);
                }
    out_note(t, "likelihood-ratio test on the duplicate agreement count, paper convention m = "
                "(1 + (1 - delta) eta)/2, ties to H1; exact binomial tails");
}

/* The dataset column: null for rows that do not depend on the data (the
 * self-consistency rows), so that no placeholder text is read as data. */
static void dataset_cell(out_table *t, const char *name)
{
    if (name)
        out_str(t, name);
    else
        out_null(t);
}

static void gap_rows(const repro_run *r, out_table *t, const char *name, int mon, double cbar,
                     const pm_repro_gaps *g)
{
    static const char *const modes[] = {"exact", "grid"};
    for (int st = 0; st < PM_REPRO_SETTINGS; st++) {
        pm_repro_setting set;
        pm_repro_setting_get(st, &set);
        if (!(r->opts.settings & (1u << st)))
            continue;
        for (int ty = 0; ty < PM_REPRO_TYPES; ty++)
            for (int so = 0; so < PM_REPRO_SOLVES; so++)
                for (int m = 0; m < PM_REPRO_MODES; m++)
                    for (int j = 0; j < r->gap_count; j++) {
                        if (m == PM_REPRO_GRIDDED && !pm_repro_grid_at(&r->opts, j))
                            continue;
                        out_row(t);
                        dataset_cell(t, name);
                        out_str(t, monitor_name(mon));
                        cell(t, mon ? cbar : NAN);
                        out_num(t, set.delta);
                        out_str(t, set.name);
                        out_str(t, pm_contract_type_name((pm_contract_type)ty));
                        out_str(t, pm_solve_name(pm_repro_solve(so)));
                        out_str(t, modes[m]);
                        out_int(t, r->gap_ns[j]);
                        cell(t, g->g[st][ty][so][m][j]);
                    }
    }
}

static void tab_fig3(const repro_run *r, out_table *t, int arg)
{
    (void)arg;
    static const char *const c[] = {"dataset", "monitor",        "cbar",  "delta",
                                    "setting", "type",           "solve", "mode",
                                    "n",       "normalized_gap", NULL};
    cols(t, c);
    gap_rows(r, t, NULL, 0, NAN, &r->self->gaps);
    for (size_t i = 0; i < r->nds; i++)
        gap_rows(r, t, r->ds[i].name, 1, r->ds[i].ex->cbar, &r->ds[i].ex->gaps);
    out_note(t, "(FB - x)/FB, not clipped; null = infeasible; self rows do not depend on the "
                "data (dataset null)");
}

static void tab_loglog(const repro_run *r, out_table *t, int fit)
{
    static const char *const c[] = {"dataset", "monitor", "type", "solve", "n", "gap", NULL};
    static const char *const f[] = {"dataset", "monitor", "type", "solve", "slope", NULL};
    cols(t, fit ? f : c);
    for (size_t m = 0; m <= r->nds; m++) {
        const pm_repro_gaps *g = m == PM_REPRO_SELF ? &r->self->gaps : &r->ds[m - 1].ex->gaps;
        for (int ty = 0; ty < PM_REPRO_TYPES; ty++)
            for (int so = 0; so < PM_REPRO_SOLVES; so++)
                for (int k = 0; k < (fit ? 1 : PM_REPRO_LOGLOG_NS); k++) {
                    out_row(t);
                    dataset_cell(t, m ? r->ds[m - 1].name : NULL);
                    out_str(t, monitor_name(m > 0));
                    out_str(t, pm_contract_type_name((pm_contract_type)ty));
                    out_str(t, pm_solve_name(pm_repro_solve(so)));
                    if (fit) {
                        cell(t, g->ll_slope[ty][so]);
                    } else {
                        out_int(t, pm_repro_loglog_n[k]);
                        cell(t, g->ll_gap[ty][so][k]);
                    }
                }
    }
    out_note(t, "main setting, exact solvers; gap = FB - x in principal utility");
}

static void ss_row(out_table *t, const char *what, const char *name, double param, double e0,
                   double target, long n)
{
    out_row(t);
    out_str(t, what);
    dataset_cell(t, name);
    cell(t, param);
    out_num(t, e0);
    out_num(t, 1.0);
    out_num(t, target);
    if (n < 0)
        out_null(t);
    else
        out_int(t, n);
}

static void tab_samplesize(const repro_run *r, out_table *t, int arg)
{
    (void)arg;
    static const char *const c[] = {"method", "dataset", "parameter", "eta0",
                                    "eta1",   "target",  "n",         NULL};
    cols(t, c);
    const pm_repro_self *s = r->self;
    double tg = r->opts.target;
    for (int a = 0; a < PM_REPRO_SS_ETA0S; a++) {
        for (int d = 0; d < PM_REPRO_SS_DELTAS; d++)
            ss_row(t, "self-lrt", NULL, pm_repro_ss_delta[d], pm_repro_ss_eta0[a], tg,
                   s->ss_self[d][a]);
        for (int c2 = 0; c2 < PM_REPRO_CBARS; c2++)
            ss_row(t, "expert-lrt", NULL, s->ss_cbar[c2], pm_repro_ss_eta0[a], tg,
                   s->ss_expert[c2][a]);
        for (size_t i = 0; i < r->nds; i++) {
            const pm_repro_expert *e = r->ds[i].ex;
            ss_row(t, "expert-lrt", r->ds[i].name, e->cbar, pm_repro_ss_eta0[a], tg, e->ss_test[a]);
            ss_row(t, "expert-bound", r->ds[i].name, NAN, pm_repro_ss_eta0[a], tg, e->ss_bound[a]);
        }
    }
    out_note(t, "smallest n with error sum <= target: self-lrt (parameter delta) and expert-lrt "
                "(parameter cbar) by the exact LR test; expert-bound: below it no test can");
}

static void tab_verdicts(const repro_run *r, out_table *t, int arg)
{
    (void)arg;
    static const char *const c[] = {"claim_id", "verdict", "claim", "finding", NULL};
    cols(t, c);
    for (int i = 0; i < PM_REPRO_CLAIMS; i++) {
        const pm_repro_claim *v = &r->verdicts.claim[i];
        out_row(t);
        out_str(t, v->id);
        out_str(t, pm_repro_verdict_name(v->verdict));
        out_str(t, v->claim);
        out_str(t, v->finding);
    }
}

/* Every item in split order, with its orientation: what a reference
 * implementation needs to redo the authors' procedure on the same split
 * (tests/spec/gen/gen_reproduce.py). p_raw needs the file again. */
static void tab_items(const repro_run *r, out_table *t, int arg)
{
    (void)arg;
    static const char *const c[] = {"dataset", "position", "row", "half", "label",
                                    "p_raw",   "score",    "p",   NULL};
    cols(t, c);
    for (size_t i = 0; i < r->nds; i++) {
        pm_repro_item *it = NULL;
        if (pm_repro_items(&r->ds[i], r->copts.seed, &it, NULL) != PM_OK)
            continue;
        for (size_t j = 0; j < r->ds[i].rows; j++) {
            out_row(t);
            out_str(t, r->ds[i].name);
            out_int(t, (long long)j);
            out_int(t, (long long)it[j].row);
            out_str(t, it[j].eval ? "eval" : "train");
            out_int(t, it[j].label);
            out_num(t, it[j].p_raw);
            out_num(t, it[j].score);
            cell(t, it[j].p);
        }
        free(it);
    }
    out_note(t, "split order: positions 0..n/2-1 are the eval half; p = the folded (calibrated "
                "when the dataset is) probability used by every figure");
}

struct repro_table {
    const char *name;
    void (*fill)(const repro_run *r, out_table *t, int arg);
    int arg;
    int gaps; /* shows contract gaps or verdicts: needs the Fig. 3 solves */
};

static const repro_table tables[] = {
    {"datasets", tab_datasets, 0, 0},   {"calibration", tab_calibration, 0, 0},
    {"fig1-hist", tab_hist, 0, 0},      {"fig1-bound", tab_bound, 0, 0},
    {"fig2-self", tab_fig2_self, 0, 0}, {"fig2-bound", tab_bound, 1, 0},
    {"fig3", tab_fig3, 0, 1},           {"loglog", tab_loglog, 0, 1},
    {"loglog-fit", tab_loglog, 1, 1},   {"samplesize", tab_samplesize, 0, 0},
    {"verdicts", tab_verdicts, 0, 1},   {"items", tab_items, 0, 0},
};
#define NTABLES (sizeof tables / sizeof *tables)

const repro_table *repro_table_find(const char *name)
{
    for (size_t i = 0; i < NTABLES; i++)
        if (strcmp(tables[i].name, name) == 0)
            return &tables[i];
    return NULL;
}

int repro_table_needs_gaps(const repro_table *t)
{
    return t->gaps;
}

int repro_table_emit(const repro_run *r, const repro_table *td, out_format fmt)
{
    out_table *t = out_new(0);
    if (!t)
        return CLI_EINTERNAL;
    td->fill(r, t, td->arg);
    int rc = cli_emit(t, fmt);
    out_free(t);
    return rc;
}

int repro_tables_write(const repro_run *r, const char *dir, out_format fmt)
{
    for (size_t i = 0; i < NTABLES; i++) {
        char path[4096];
        if (tables[i].fill == tab_items)
            continue;
        snprintf(path, sizeof path, "%s/%s.%s", dir, tables[i].name,
                 fmt == OUT_JSON  ? "json"
                 : fmt == OUT_CSV ? "csv"
                                  : "txt");
        out_table *t = out_new(0);
        if (!t)
            return CLI_EINTERNAL;
        tables[i].fill(r, t, tables[i].arg);
        pm_outfile *of = NULL;
        pm_error err = {0};
        pm_status st = pm_outfile_open(path, &of, &err);
        if (st == PM_OK) {
            if (out_write(t, fmt, pm_outfile_stream(of)) != 0) {
                pm_outfile_abort(of);
                st = pm_error_set(&err, PM_EIO, "%s: %s", path, strerror(errno));
            } else {
                st = pm_outfile_commit(of, &err);
            }
        }
        out_free(t);
        if (st != PM_OK)
            return cli_fail(NULL, st, &err);
    }
    return 0;
}
