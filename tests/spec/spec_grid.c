/*
** spec_grid — pm_grid_solve against grid_cases.tsv, the NumPy reference of
** the authors' grid search written by bench/grid_numpy.py (provenance in
** the table's header). Usage: spec_grid DATA_DIR.
**
** Grid indices must match exactly (numpy's first-index tie-break included);
** utilities to 1e-12 (the NumPy side rounds the binomial tails exactly, the
** library uses Rmath: a few ulps apart). Odd rows run on two threads, even
** rows on one, so the table also pins thread-count independence.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/grid.h"

#define NCOL 37

static int passed, failed;

static void check(int ok, int line, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "grid_cases.tsv:%d: %s\n", line, what);
    }
}

static int split(char *s, char **col)
{
    int n = 0;
    for (char *tok = strtok(s, "\t\n"); tok && n < NCOL; tok = strtok(NULL, "\t\n"))
        col[n++] = tok;
    return n;
}

static int axis_index(double v, double lo, double step, int first, int count)
{
    double next = lo + step;
    for (int i = 0; i < count; i++) {
        long k = first + i;
        double x = k == 0 ? lo : k == 1 ? next : lo + (double)k * (next - lo);
        if (x == v)
            return i;
    }
    return -1;
}

/* One contract against its 7 reference columns: feasible e t i j pu au. */
static void compare(const pm_contract *c, double tau, char **ref, const pm_grid_spec *s, int line,
                    const char *name)
{
    char what[128];
    int want[5];
    for (int k = 0; k < 5; k++)
        want[k] = atoi(ref[k]);
    double pu = strtod(ref[5], NULL), au = strtod(ref[6], NULL);
    int got[5] = {c->feasible, -1, -1, -1, -1};
    if (c->feasible) {
        got[1] = axis_index(c->eta, 0, s->eta_step, s->eta_first, s->n_eta);
        got[2] = c->terms.type == PM_CONTRACT_BINARY
                     ? axis_index(tau, 0, s->tau_step, s->tau_first, s->n_tau)
                     : 0;
        got[3] = axis_index(c->terms.type == PM_CONTRACT_BINARY ? c->terms.bonus : c->terms.slope,
                            s->pay_lo, s->pay_step, s->pay_first, s->n_pay);
        got[4] = axis_index(c->terms.base, s->base_lo, s->base_step, s->base_first, s->n_base);
    }
    snprintf(what, sizeof what, "%s: got (%d; %d %d %d %d) want (%d; %d %d %d %d)", name, got[0],
             got[1], got[2], got[3], got[4], want[0], want[1], want[2], want[3], want[4]);
    check(memcmp(got, want, sizeof got) == 0, line, what);
    snprintf(what, sizeof what, "%s: principal %.17g want %.17g, agent %.17g want %.17g", name,
             c->principal_utility, pu, c->agent_utility, au);
    check(fabs(c->principal_utility - pu) <= 1e-12 && fabs(c->agent_utility - au) <= 1e-12, line,
          what);
}

static int run_row(char **col, int line)
{
    pm_model m;
    pm_model_default(&m);
    pm_error err = {0};
    if (pm_utility_parse(col[4], &m.G, &err) || pm_cost_parse(col[5], &m.E, &err) ||
        pm_value_parse(col[6], &m.mu, &err)) {
        fprintf(stderr, "grid_cases.tsv:%d: %s\n", line, err.text);
        return 0;
    }
    m.u0 = strtod(col[7], NULL);
    pm_scheme sc;
    double param = strtod(col[2], NULL);
    pm_status st = strcmp(col[1], "self") == 0
                       ? pm_scheme_self(&sc, PM_CONV_PAPER, param, 0.5, NULL)
                       : pm_scheme_expert(&sc, param, NULL);
    if (st != PM_OK)
        return 0;
    pm_grid_spec s;
    pm_grid_spec_paper(&s);
    s.eta_first = atoi(col[8]), s.n_eta = atoi(col[9]);
    s.tau_first = atoi(col[10]), s.n_tau = atoi(col[11]);
    s.pay_first = atoi(col[12]), s.n_pay = atoi(col[13]);
    s.base_first = atoi(col[14]), s.n_base = atoi(col[15]);
    s.threads = 1 + line % 2;
    pm_contract_type type = strcmp(col[0], "binary") == 0 ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR;
    long n = atol(col[3]);
    pm_grid_result r;
    if (pm_grid_solve(&m, &sc, n, type, &s, &r, &err) != PM_OK) {
        fprintf(stderr, "grid_cases.tsv:%d: %s\n", line, err.text);
        return 0;
    }
    compare(&r.fb, r.fb_tau, col + 16, &s, line, "FB");
    compare(&r.sb, r.sb_tau, col + 23, &s, line, "SB");
    compare(&r.sbr, r.sbr_tau, col + 30, &s, line, "SBR");
    /* every contract carries the grid FB and its own gap */
    const pm_contract *c[3] = {&r.fb, &r.sb, &r.sbr};
    const double tau[3] = {r.fb_tau, r.sb_tau, r.sbr_tau};
    for (int k = 0; k < 3; k++)
        check(c[k]->first_best_utility == r.fb.principal_utility && c[k]->terms.n == n &&
                  c[k]->gap == r.fb.principal_utility - c[k]->principal_utility &&
                  (!c[k]->feasible || type != PM_CONTRACT_BINARY ||
                   c[k]->terms.k == (long)floor(tau[k] * (double)n) + 1),
              line, "first-best, gap or k fields");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: spec_grid DATA_DIR\n");
        return 2;
    }
    char path[4096], buf[4096], *col[NCOL];
    snprintf(path, sizeof path, "%s/grid_cases.tsv", argv[1]);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "spec_grid: cannot open %s\n", path);
        return 1;
    }
    int line = 0, header = 0, rows = 0;
    while (fgets(buf, sizeof buf, f)) {
        line++;
        if (buf[0] == '#')
            continue;
        if (!header++)
            continue;
        if (split(buf, col) != NCOL || !run_row(col, line)) {
            failed++;
            fprintf(stderr, "grid_cases.tsv:%d: bad row\n", line);
            continue;
        }
        rows++;
    }
    fclose(f);
    if (rows < 30) {
        failed++;
        fprintf(stderr, "spec_grid: only %d rows\n", rows);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
