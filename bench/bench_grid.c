/*
** bench_grid — the paper's grid mode (pm_grid_solve) on the authors' full
** grid, and a reduced grid shared with bench/grid_numpy.py.
**
**   bench_grid [--threads T] [--n LIST]     full grid, binary and linear,
**                                           self (delta 0.02) and expert
**   bench_grid --reduced [--threads T]      the comparison cases, one TSV
**                                           line each, best of 5 runs
**                                           (bench/grid_compare.sh)
**
** The model is the paper's main setting (pm_model_default).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "contract/arange.h"
#include "bench_util.h"
#include "prefmon/grid.h"

static void print_contract(const pm_contract *c, double tau, const pm_grid_spec *s)
{
    if (!c->feasible) {
        printf("\t0\t-1\t-1\t-1\t-1\t%.17g\t%.17g", c->principal_utility, c->agent_utility);
        return;
    }
    int e = pmx_arange_index(c->eta, 0, s->eta_step, s->eta_first, s->n_eta);
    int t = c->terms.type == PM_CONTRACT_BINARY
                ? pmx_arange_index(tau, 0, s->tau_step, s->tau_first, s->n_tau)
                : 0;
    double pay = c->terms.type == PM_CONTRACT_BINARY ? c->terms.bonus : c->terms.slope;
    int i = pmx_arange_index(pay, s->pay_lo, s->pay_step, s->pay_first, s->n_pay);
    int j = pmx_arange_index(c->terms.base, s->base_lo, s->base_step, s->base_first, s->n_base);
    printf("\t1\t%d\t%d\t%d\t%d\t%.17g\t%.17g", e, t, i, j, c->principal_utility, c->agent_utility);
}

static int solve(const pm_model *m, const pm_scheme *sc, long n, pm_contract_type type,
                 const pm_grid_spec *s, pm_grid_result *r, double *secs)
{
    pm_error err = {0};
    double t0 = bench_wall();
    pm_status st = pm_grid_solve(m, sc, n, type, s, r, &err);
    *secs = bench_wall() - t0;
    if (st != PM_OK)
        fprintf(stderr, "bench_grid: %s\n", err.text);
    return st == PM_OK;
}

/* The cases bench/grid_numpy.py --reduced runs: full eta, tau and slope
 * axes, base restricted to 40 points (-1.0 .. 0.95) so NumPy fits in RAM. */
static int reduced(int threads)
{
    static const long ns[] = {1, 101, 201};
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc;
    pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL);
    pm_grid_spec s;
    pm_grid_spec_paper(&s);
    s.base_first = 180, s.n_base = 40, s.threads = threads;
    static const char *const nm[3] = {"fb", "sb", "sbr"};
    static const char *const col[7] = {"feasible", "e", "t", "i", "j", "pu", "au"};
    printf("type\tmonitor\tparam\tn");
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 7; c++)
            printf("\t%s_%s", nm[r], col[c]);
    printf("\tseconds\n");
    for (int ty = 1; ty >= 0; ty--)
        for (size_t k = 0; k < sizeof ns / sizeof *ns; k++) {
            pm_grid_result r;
            double secs = INFINITY, one;
            /* best of 5: the runs are milliseconds, so noise would dominate */
            for (int rep = 0; rep < 5; rep++, secs = one < secs ? one : secs)
                if (!solve(&m, &sc, ns[k], (pm_contract_type)ty, &s, &r, &one))
                    return 1;
            printf("%s\tself\t0.02\t%ld", pm_contract_type_name((pm_contract_type)ty), ns[k]);
            print_contract(&r.fb, r.fb_tau, &s), print_contract(&r.sb, r.sb_tau, &s),
                print_contract(&r.sbr, r.sbr_tau, &s);
            printf("\t%.6f\n", secs);
        }
    return 0;
}

static int full(int threads, const char *list)
{
    pm_model m;
    pm_model_default(&m);
    pm_scheme scs[2];
    pm_scheme_self(&scs[0], PM_CONV_PAPER, 0.02, 0.5, NULL);
    pm_scheme_expert(&scs[1], 0.5, NULL);
    pm_grid_spec s;
    pm_grid_spec_paper(&s);
    s.threads = threads;
    printf("%-7s %-7s %5s %10s %10s %10s %6s %6s %9s  %s\n", "type", "monitor", "n", "FB", "SB",
           "SBR", "gapSB", "gapSBR", "seconds", "points");
    char buf[256];
    if (strlen(list) >= sizeof buf)
        return 2;
    double total = 0;
    for (int ty = 1; ty >= 0; ty--)
        for (int mo = 0; mo < 2; mo++)
            for (char *tok = strtok(strcpy(buf, list), ","); tok; tok = strtok(NULL, ",")) {
                long n = atol(tok);
                pm_grid_result r;
                double secs;
                if (!solve(&m, &scs[mo], n, (pm_contract_type)ty, &s, &r, &secs))
                    return 1;
                total += secs;
                double pts = (double)s.n_eta * s.n_pay * s.n_base * (ty ? s.n_tau : 1);
                printf("%-7s %-7s %5ld %10.6f %10.6f %10.6f %6.4f %6.4f %9.4f  %.3g\n",
                       pm_contract_type_name((pm_contract_type)ty), mo ? "expert" : "self", n,
                       r.fb.principal_utility, r.sb.principal_utility, r.sbr.principal_utility,
                       r.sb.normalized_gap, r.sbr.normalized_gap, secs, pts);
            }
    printf("# total %.3f s\n", total);
    return 0;
}

int main(int argc, char **argv)
{
    int threads = 0, red = 0;
    const char *list = "1,101,201";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reduced") == 0)
            red = 1;
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
            list = argv[++i];
        else {
            fprintf(stderr, "usage: bench_grid [--reduced] [--threads T] [--n LIST]\n");
            return 2;
        }
    }
    bench_header(argc, argv);
    return red ? reduced(threads) : full(threads, list);
}
