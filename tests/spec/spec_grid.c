/*
** spec_grid — pm_grid_solve against grid_cases.tsv, the NumPy reference of
** the authors' grid search written by bench/grid_numpy.py (provenance in
** the table's header). Usage: spec_grid DATA_DIR.
**
** Grid indices must match exactly (numpy's first-index tie-break included);
** utilities to 1e-12 (the NumPy side rounds the binomial tails exactly, the
** library uses Rmath: a few ulps apart). Odd rows run on two threads, even
** rows on one, so the table also pins thread-count independence. A row
** with an infeasible problem must come back as PM_EINFEASIBLE.
*/
#include "contract/arange.h"
#include "prefmon/grid.h"
#include "spec_util.h"

static const char *const COLS[] = {
    "type",       "monitor",   "param",        "n",         "G",     "E",         "mu",
    "u0",         "eta_first", "n_eta",        "tau_first", "n_tau", "pay_first", "n_pay",
    "base_first", "n_base",    "fb_feasible",  "fb_e",      "fb_t",  "fb_i",      "fb_j",
    "fb_pu",      "fb_au",     "sb_feasible",  "sb_e",      "sb_t",  "sb_i",      "sb_j",
    "sb_pu",      "sb_au",     "sbr_feasible", "sbr_e",     "sbr_t", "sbr_i",     "sbr_j",
    "sbr_pu",     "sbr_au"};
#define NCOL ((int)(sizeof COLS / sizeof *COLS))

/* A column of this row as an int (0 and a reported failure if not). */
static int col_int(spec_table *t, const char *col)
{
    long v = 0;
    return spec_long(t, col, &v) ? (int)v : 0;
}

/* One contract (prefix fb / sb / sbr) against its reference columns:
 * feasible e t i j exactly, pu au to 1e-12. */
static void compare(spec_table *t, const char *pre, const pm_contract *c, double tau,
                    const pm_grid_spec *s)
{
    static const char *const suf[] = {"feasible", "e", "t", "i", "j"};
    int got[5] = {c->feasible, -1, -1, -1, -1};
    int binary = c->terms.type == PM_CONTRACT_BINARY;
    if (c->feasible) {
        got[1] = pmx_arange_index(c->eta, 0, s->eta_step, s->eta_first, s->n_eta);
        got[2] = binary ? pmx_arange_index(tau, 0, s->tau_step, s->tau_first, s->n_tau) : 0;
        got[3] = pmx_arange_index(binary ? c->terms.bonus : c->terms.slope, s->pay_lo, s->pay_step,
                                  s->pay_first, s->n_pay);
        got[4] =
            pmx_arange_index(c->terms.base, s->base_lo, s->base_step, s->base_first, s->n_base);
    }
    char col[32];
    for (int k = 0; k < 5; k++) {
        snprintf(col, sizeof col, "%s_%s", pre, suf[k]);
        spec_check_long(t, col, got[k]);
    }
    snprintf(col, sizeof col, "%s_pu", pre);
    spec_check_abs(t, col, c->principal_utility, 1e-12);
    snprintf(col, sizeof col, "%s_au", pre);
    spec_check_abs(t, col, c->agent_utility, 1e-12);
}

static int setup(spec_table *t, pm_model *m, pm_scheme *sc, pm_grid_spec *s)
{
    pm_error err = {0};
    pm_model_default(m);
    if (pm_utility_parse(spec_str(t, "G"), &m->G, &err) ||
        pm_cost_parse(spec_str(t, "E"), &m->E, &err) ||
        pm_value_parse(spec_str(t, "mu"), &m->mu, &err)) {
        spec_fail(t, "%s", err.text);
        return 0;
    }
    double param;
    if (!spec_num(t, "u0", &m->u0) || !spec_num(t, "param", &param))
        return 0;
    pm_status st = strcmp(spec_str(t, "monitor"), "self") == 0
                       ? pm_scheme_self(sc, PM_CONV_PAPER, param, 0.5, &err)
                       : pm_scheme_expert(sc, param, &err);
    if (st != PM_OK) {
        spec_fail(t, "scheme: %s", err.text);
        return 0;
    }
    pm_grid_spec_paper(s);
    s->eta_first = col_int(t, "eta_first"), s->n_eta = col_int(t, "n_eta");
    s->tau_first = col_int(t, "tau_first"), s->n_tau = col_int(t, "n_tau");
    s->pay_first = col_int(t, "pay_first"), s->n_pay = col_int(t, "n_pay");
    s->base_first = col_int(t, "base_first"), s->n_base = col_int(t, "n_base");
    s->threads = 1 + (int)(t->lineno % 2);
    return 1;
}

static void run_row(spec_table *t)
{
    pm_model m;
    pm_scheme sc;
    pm_grid_spec s;
    long n;
    if (!setup(t, &m, &sc, &s) || !spec_long(t, "n", &n))
        return;
    pm_contract_type type =
        strcmp(spec_str(t, "type"), "binary") == 0 ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR;
    pm_grid_result r;
    pm_error err = {0};
    pm_status st = pm_grid_solve(&m, &sc, n, type, &s, &r, &err);
    if (st != PM_OK && st != PM_EINFEASIBLE) {
        spec_fail(t, "%s", err.text);
        return;
    }
    int all = r.fb.feasible && r.sb.feasible && r.sbr.feasible;
    spec_check_true(t, st == (all ? PM_OK : PM_EINFEASIBLE), "status vs feasibility");
    compare(t, "fb", &r.fb, r.fb_tau, &s);
    compare(t, "sb", &r.sb, r.sb_tau, &s);
    compare(t, "sbr", &r.sbr, r.sbr_tau, &s);
    /* every contract carries the grid FB and its own gap */
    const pm_contract *c[3] = {&r.fb, &r.sb, &r.sbr};
    const double tau[3] = {r.fb_tau, r.sb_tau, r.sbr_tau};
    for (int k = 0; k < 3; k++)
        spec_check_true(t,
                        c[k]->first_best_utility == r.fb.principal_utility && c[k]->terms.n == n &&
                            c[k]->gap == r.fb.principal_utility - c[k]->principal_utility &&
                            (!c[k]->feasible || type != PM_CONTRACT_BINARY ||
                             c[k]->terms.k == (long)floor(tau[k] * (double)n) + 1),
                        "first-best, gap or k fields");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: spec_grid DATA_DIR\n");
        return 2;
    }
    spec_table t;
    long rows = 0;
    if (spec_open(&t, argv[1], "grid_cases.tsv", COLS, NCOL) == 0) {
        int r;
        while ((r = spec_next(&t)) != 0)
            if (r > 0) {
                run_row(&t);
                rows++;
            }
    }
    /* the table has 30+ rows; fewer means it was cut */
    spec_check_true(&t, rows >= 30, "fewer than 30 rows in grid_cases.tsv");
    return spec_finish();
}
