/* prefmon reproduce: the paper's three findings on preference datasets. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "out.h"
#include "prefmon/outfile.h"
#include "prefmon/pages.h"
#include "prefmon/reproduce.h"
#include "prefmon/rng.h"

typedef struct repro_run {
    pm_repro_dataset *ds; /* names and paths point into a copy of --dataset */
    size_t nds;
    int default_dataset; /* no --dataset: the sample in data/ */
    pm_calib_opts copts; /* seed and bins (calibrate is per dataset) */
    pm_repro_opts opts;
    pm_repro_self *self; /* owned */
    long gap_ns[PM_REPRO_MAX_GAP_NS];
    int gap_count;
    pm_repro_verdicts verdicts;
    char command[1024]; /* the command line, for the report's subtitle */
} repro_run;

static const char help[] =
    "usage: prefmon reproduce [--dataset NAME=FILE[,NAME=FILE..]] [--calibrate LIST|none]\n"
    "                         [--seed N] [--bins B] [--grid off|coarse|full] [--gap-n-max N]\n"
    "                         [--settings LIST]\n"
    "                         [--target E] [--out REPORT.html] [--table NAME]\n"
    "                         [--tables-out DIR] [--format table|csv|json]\n\n"
    "Regenerates the findings of arXiv 2502.06387 (Figures 1-3) on preference datasets\n"
    "(JSONL rows with chosen and rejected scores, as 'prefmon bound --pref-scores' reads\n"
    "them), plus a log-log panel of the gap with fitted slopes and the items needed for a\n"
    "target error sum against cbar. Each dataset is split (seeded shuffle, first half\n"
    "'eval'), randomly oriented and, for PKU and Skywork by default (as the authors did),\n"
    "calibrated by 30-bin histogram binning fitted on the other half; every figure uses\n"
    "the eval half. doc/reproduce.md says what each number is.\n\n"
    "options:\n"
    "  --dataset LIST            NAME=FILE pairs (default Ultra=data/ultrafeedback-sample.jsonl)\n"
    "  --calibrate LIST|none     dataset names to calibrate (default: those named PKU* or\n"
    "                            Skywork*, case-insensitive)\n"
    "  --seed N                  split and orientation seed (default 42; prefmon's generator,\n"
    "                            so the split is not the authors' numpy one)\n"
    "  --bins B                  calibration bins (default 30)\n"
    "  --grid off|coarse|full    the authors' grid search for Figure 3: off; coarse (default)\n"
    "                            at n = 1, 51, 101, ..; full at every n of the gap grid\n"
    "  --gap-n-max N             Figure 3 n grid 1, 11, .., N (default 201, the authors')\n"
    "  --settings LIST           Figure 3 settings: main, delta0, mu-low, G-tilde (default\n"
    "                            all; the log-log panel needs main)\n"
    "  --target E                error sum for the sample-size panel (default 0.1)\n"
    "  --out FILE                write the HTML report (one self-contained file)\n"
    "  --table NAME              print this table on stdout instead of the verdicts\n"
    "  --tables-out DIR          write every table to DIR/NAME.csv (or .json with\n"
    "                            --format json)\n" CLI_FORMAT_HELP
    "  --help                    this help\n\n"
    "Tables: datasets, calibration, fig1-hist, fig1-bound, fig2-self, fig2-bound, fig3,\n"
    "loglog, loglog-fit, samplesize, verdicts (the default on stdout), items (every\n"
    "item in split order with its orientation; not written by --tables-out).\n";

typedef struct opts {
    const char *datasets, *calibrate, *table, *tables_out;
    const char *out; /* --out, copied here for setup */
    long seed, bins;
    pm_repro_opts ro;
} opts;

/* "main,delta0": the bit mask of Fig. 3 settings. */
static int parse_settings(const char *arg, unsigned *mask)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", arg);
    *mask = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        int i = pm_repro_setting_index(tok);
        if (i < 0) {
            cli_error("--settings: '%s' is not one of main, delta0, mu-low, G-tilde", tok);
            return CLI_EUSAGE;
        }
        *mask |= 1u << i;
    }
    if (!*mask) {
        cli_error("--settings: no setting given");
        return CLI_EUSAGE;
    }
    return 0;
}

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    switch (code) {
    case CLI_OPT_DATASET:
        o->datasets = arg;
        return 0;
    case CLI_OPT_CALIBRATE:
        o->calibrate = arg;
        return 0;
    case CLI_OPT_SEED:
        return cli_long("--seed", arg, 0, 2147483647L, &o->seed);
    case CLI_OPT_BINS:
        return cli_long("--bins", arg, 1, PM_CALIB_MAX_BINS, &o->bins);
    case CLI_OPT_GRID: {
        static const char *const names[] = {"off", "coarse", "full", NULL};
        int i = 0, rc = cli_choice("--grid", arg, names, &i);
        o->ro.grid = (pm_repro_grid)i;
        return rc;
    }
    case CLI_OPT_GAP_N_MAX:
        return cli_long("--gap-n-max", arg, 1, 10 * (PM_REPRO_MAX_GAP_NS - 1) + 1,
                        &o->ro.gap_n_max);
    case CLI_OPT_TARGET:
        return cli_open_unit("--target", arg, &o->ro.target);
    case CLI_OPT_TABLE:
        o->table = arg;
        return 0;
    case CLI_OPT_SETTINGS:
        return parse_settings(arg, &o->ro.settings);
    case CLI_OPT_TABLES_OUT:
        o->tables_out = arg;
        return 0;
    }
    return CLI_NOT_MINE;
}

/* ---- datasets ------------------------------------------------------------ */

static int is_name(const char *s, size_t len)
{
    if (len == 0 || len > 40)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.'))
            return 0;
    return 1;
}

/* Split "A=f1,B=f2" into r->ds (names copied, paths point into a copy). */
static int parse_datasets(const char *arg, repro_run *r, char **store)
{
    char *s = strdup(arg);
    if (!s)
        return CLI_EINTERNAL;
    *store = s;
    size_t cap = 1;
    for (const char *c = s; *c; c++)
        cap += *c == ',';
    r->ds = calloc(cap, sizeof *r->ds);
    if (!r->ds)
        return CLI_EINTERNAL;
    for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
        char *eq = strchr(tok, '=');
        if (!eq || !is_name(tok, (size_t)(eq - tok)) || !eq[1]) {
            cli_error("--dataset: '%s' is not NAME=FILE (NAME of letters, digits, '-', '_', '.')",
                      tok);
            return CLI_EUSAGE;
        }
        *eq = '\0';
        for (size_t i = 0; i < r->nds; i++)
            if (strcasecmp(r->ds[i].name, tok) == 0) {
                cli_error("--dataset: the name '%s' is given twice", tok);
                return CLI_EUSAGE;
            }
        pm_repro_dataset *d = &r->ds[r->nds++];
        d->name = tok;
        d->path = eq + 1;
        d->calibrate = pm_repro_calibrated_by_default(tok);
    }
    if (r->nds == 0) {
        cli_error("--dataset: no NAME=FILE given");
        return CLI_EUSAGE;
    }
    return 0;
}

static int apply_calibrate(const char *arg, repro_run *r)
{
    for (size_t i = 0; i < r->nds; i++)
        r->ds[i].calibrate = 0;
    if (strcmp(arg, "none") == 0)
        return 0;
    char *s = strdup(arg);
    if (!s)
        return CLI_EINTERNAL;
    int rc = 0;
    for (char *tok = strtok(s, ","); tok && !rc; tok = strtok(NULL, ",")) {
        size_t i = 0;
        while (i < r->nds && strcasecmp(r->ds[i].name, tok) != 0)
            i++;
        if (i == r->nds) {
            cli_error("--calibrate: '%s' is not one of the datasets given", tok);
            rc = CLI_EUSAGE;
        } else {
            r->ds[i].calibrate = 1;
        }
    }
    free(s);
    return rc;
}

/* Read one dataset, calibrate (or not) and compute its expert numbers. */
static int load(repro_run *r, pm_repro_dataset *d)
{
    pm_error err = {0};
    pm_status st = pm_repro_dataset_load(d, &r->copts, &r->opts, &err);
    if (st == PM_EIO && r->default_dataset) {
        /* the default is a path in the source tree, relative to the cwd */
        cli_error("%s (the default dataset is read relative to the current directory: run "
                  "from the prefmon source tree or pass --dataset Ultra=PATH)",
                  err.text);
        return CLI_EIO;
    }
    return st == PM_OK ? 0 : cli_fail(NULL, st, &err);
}

/* ---- tables ------------------------------------------------------------------ */

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
                        if (m == 1 && !pm_repro_grid_at(&r->opts, j))
                            continue;
                        out_row(t);
                        out_str(t, name);
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
    gap_rows(r, t, "-", 0, NAN, &r->self->gaps);
    for (size_t i = 0; i < r->nds; i++)
        gap_rows(r, t, r->ds[i].name, 1, r->ds[i].ex->cbar, &r->ds[i].ex->gaps);
    out_note(t, "(FB - x)/FB, not clipped; null = infeasible; self rows do not depend on the "
                "data (dataset '-')");
}

static void tab_loglog(const repro_run *r, out_table *t, int fit)
{
    static const char *const c[] = {"dataset", "monitor", "type", "solve", "n", "gap", NULL};
    static const char *const f[] = {"dataset", "monitor", "type", "solve", "slope", NULL};
    cols(t, fit ? f : c);
    for (size_t m = 0; m <= r->nds; m++) {
        const pm_repro_gaps *g = m == 0 ? &r->self->gaps : &r->ds[m - 1].ex->gaps;
        for (int ty = 0; ty < PM_REPRO_TYPES; ty++)
            for (int so = 0; so < PM_REPRO_SOLVES; so++)
                for (int k = 0; k < (fit ? 1 : PM_REPRO_LOGLOG_NS); k++) {
                    out_row(t);
                    out_str(t, m ? r->ds[m - 1].name : "-");
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
    out_str(t, name);
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
            ss_row(t, "self-lrt", "-", pm_repro_ss_delta[d], pm_repro_ss_eta0[a], tg,
                   s->ss_self[d][a]);
        for (int c2 = 0; c2 < PM_REPRO_CBARS; c2++)
            ss_row(t, "expert-lrt", "-", s->ss_cbar[c2], pm_repro_ss_eta0[a], tg,
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

typedef struct table_def {
    const char *name;
    void (*fill)(const repro_run *r, out_table *t, int arg);
    int arg;
    int gaps; /* shows contract gaps or verdicts: needs the Fig. 3 solves */
} table_def;

static const table_def tables[] = {
    {"datasets", tab_datasets, 0, 0},   {"calibration", tab_calibration, 0, 0},
    {"fig1-hist", tab_hist, 0, 0},      {"fig1-bound", tab_bound, 0, 0},
    {"fig2-self", tab_fig2_self, 0, 0}, {"fig2-bound", tab_bound, 1, 0},
    {"fig3", tab_fig3, 0, 1},           {"loglog", tab_loglog, 0, 1},
    {"loglog-fit", tab_loglog, 1, 1},   {"samplesize", tab_samplesize, 0, 0},
    {"verdicts", tab_verdicts, 0, 1},   {"items", tab_items, 0, 0},
};
#define NTABLES (sizeof tables / sizeof *tables)

static const table_def *find_table(const char *name)
{
    for (size_t i = 0; i < NTABLES; i++)
        if (strcmp(tables[i].name, name) == 0)
            return &tables[i];
    return NULL;
}

static int emit_table(const repro_run *r, const table_def *td, out_format fmt)
{
    out_table *t = out_new(0);
    if (!t)
        return CLI_EINTERNAL;
    td->fill(r, t, td->arg);
    int rc = cli_emit(t, fmt);
    out_free(t);
    return rc;
}

/* Every table to DIR/NAME.csv or .json, each through pm_outfile. */
static int check_dir(const char *dir)
{
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        cli_error("--tables-out: '%s' is not a directory", dir);
        return CLI_EIO;
    }
    return 0;
}

static int write_tables(const repro_run *r, const char *dir, out_format fmt)
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

/* ---- the command ------------------------------------------------------------- */

static void free_run(repro_run *r)
{
    for (size_t i = 0; i < r->nds; i++)
        pm_repro_dataset_free(&r->ds[i]);
    free(r->ds);
    free(r->self);
}

static int setup(repro_run *r, const opts *o, char **store)
{
    const char *def = "Ultra=data/ultrafeedback-sample.jsonl";
    r->default_dataset = o->datasets == NULL;
    int rc = parse_datasets(o->datasets ? o->datasets : def, r, store);
    if (!rc && o->calibrate)
        rc = apply_calibrate(o->calibrate, r);
    if (!rc && o->table && !find_table(o->table)) {
        cli_error("--table: '%s' is not a table; see 'prefmon reproduce --help'", o->table);
        rc = CLI_EUSAGE;
    }
    if (!rc && o->tables_out)
        rc = check_dir(o->tables_out);
    pm_calib_opts_default(&r->copts);
    r->copts.seed = (uint64_t)o->seed;
    r->copts.bins = (int)o->bins;
    r->opts = o->ro;
    /* A lone table that shows no gap needs no contract solves (the verdicts
     * and the report need them all). */
    const table_def *td = o->table ? find_table(o->table) : NULL;
    if (td && !td->gaps && !o->tables_out && !o->out)
        r->opts.gaps = r->opts.loglog = 0;
    r->gap_count = pm_repro_gap_ns(&r->opts, r->gap_ns);
    return rc;
}

static int compute(repro_run *r)
{
    for (size_t i = 0; i < r->nds; i++) {
        int rc = load(r, &r->ds[i]);
        if (rc)
            return rc;
    }
    r->self = malloc(sizeof *r->self);
    if (!r->self)
        return CLI_EINTERNAL;
    pm_error err = {0};
    pm_status st = pm_repro_self_run(&r->opts, r->self, &err);
    if (st != PM_OK)
        return cli_fail("self-consistency", st, &err);
    st = pm_repro_verdicts_run(r->self, r->ds, r->nds, &r->opts, &r->verdicts, &err);
    return st == PM_OK ? 0 : cli_fail(NULL, st, &err);
}

/* The HTML report (pm_page_paper) to path, atomically. */
static int write_html(const repro_run *r, const char *path)
{
    pm_repro_report rep = {r->ds, r->nds, r->self, &r->verdicts, r->opts, r->copts, r->command};
    pm_error err = {0};
    pm_doc *d = NULL;
    pm_outfile *of = NULL;
    pm_status st = pm_page_paper(&rep, &d, &err);
    if (st == PM_OK)
        st = pm_outfile_open(path, &of, &err);
    if (st == PM_OK) {
        st = pm_doc_write_html(d, pm_outfile_stream(of), &err);
        if (st == PM_OK)
            st = pm_outfile_commit(of, &err);
        else
            pm_outfile_abort(of);
    }
    pm_doc_free(d);
    return st == PM_OK ? 0 : cli_fail(NULL, st, &err);
}

static void command_line(repro_run *r, int argc, char **argv)
{
    size_t len = 0;
    r->command[0] = '\0';
    for (int i = 0; i < argc && len + 2 < sizeof r->command; i++) {
        int w = snprintf(r->command + len, sizeof r->command - len, "%s%s", i ? " " : "prefmon ",
                         argv[i]);
        len += w > 0 ? (size_t)w : 0;
    }
    if (len >= sizeof r->command)
        r->command[sizeof r->command - 1] = '\0';
}

int cli_reproduce(int argc, char **argv)
{
    static const struct option own[] = {{"dataset", required_argument, NULL, CLI_OPT_DATASET},
                                        {"calibrate", required_argument, NULL, CLI_OPT_CALIBRATE},
                                        {"seed", required_argument, NULL, CLI_OPT_SEED},
                                        {"bins", required_argument, NULL, CLI_OPT_BINS},
                                        {"grid", required_argument, NULL, CLI_OPT_GRID},
                                        {"gap-n-max", required_argument, NULL, CLI_OPT_GAP_N_MAX},
                                        {"target", required_argument, NULL, CLI_OPT_TARGET},
                                        {"table", required_argument, NULL, CLI_OPT_TABLE},
                                        {"tables-out", required_argument, NULL, CLI_OPT_TABLES_OUT},
                                        {"settings", required_argument, NULL, CLI_OPT_SETTINGS},
                                        {NULL, 0, NULL, 0}};
    opts o = {NULL, NULL, NULL, NULL, NULL, PM_CALIB_DEFAULT_SEED, PM_CALIB_DEFAULT_BINS, {0}};
    pm_repro_opts_default(&o.ro);
    cli_output out;
    cli_output_init(&out, 1);
    const cli_group groups[] = {{own, opt, NULL, &o}, cli_output_group(&out)};
    int rc;
    if (!cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc))
        return rc;
    o.out = out.out_path;
    repro_run r;
    memset(&r, 0, sizeof r);
    char *store = NULL;
    command_line(&r, argc, argv);
    rc = setup(&r, &o, &store);
    if (!rc)
        rc = compute(&r);
    if (!rc && out.out_path)
        rc = write_html(&r, out.out_path);
    if (!rc && o.tables_out)
        rc = write_tables(&r, o.tables_out, out.fmt);
    if (!rc)
        rc = emit_table(&r, find_table(o.table ? o.table : "verdicts"), out.fmt);
    free_run(&r);
    free(store);
    return rc;
}
