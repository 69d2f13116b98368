/* Benchmark: the monitoring-budget searches of `prefmon budget`'s worked
 * example (doc/budget.md: self paper delta 0.02 at dup cost 1e-5, expert
 * cbar 0.6 at gold cost 1e-4, linear and binary, second-best, default
 * search), then the slowest request the limits allow (cost 0, max_n 1e6:
 * the neighbourhood of n* = 1e6 is solved at full size). CPU and wall
 * seconds per search, with n* and the solves used. */
#include <stdio.h>

#include "bench_util.h"
#include "prefmon/budget.h"

static int one(const char *label, const pm_model *m, const pm_scheme *sc, pm_contract_type type,
               double cost, long max_n, double *cpu_total)
{
    pm_budget_search s;
    pm_budget_search_default(&s);
    s.max_n = max_n;
    pm_budget_result r;
    pm_error err = {0};
    double w0 = bench_wall(), c0 = bench_cpu();
    pm_status st =
        pm_budget_optimize(m, sc, type, PM_SOLVE_SECOND_BEST, cost, &s, &r, NULL, NULL, &err);
    double cpu = bench_cpu() - c0, wall = bench_wall() - w0;
    if (st != PM_OK) {
        fprintf(stderr, "bench_budget: %s: %s\n", label, err.text);
        return 1;
    }
    *cpu_total += cpu;
    printf("%s\t%s\t%g\t%ld\t%ld\t%ld\t%.3f\t%.3f\n", label, pm_contract_type_name(type), cost,
           max_n, r.best.n, r.solves, cpu, wall);
    return 0;
}

int main(int argc, char **argv)
{
    bench_header(argc, argv);
    pm_model m;
    pm_model_default(&m);
    pm_scheme self, expert;
    if (pm_scheme_self(&self, PM_CONV_PAPER, 0.02, 0.5, NULL) != PM_OK ||
        pm_scheme_expert(&expert, 0.6, NULL) != PM_OK)
        return 1;
    printf("scheme\ttype\tcost\tmax_n\tn_star\tsolves\tcpu_s\twall_s\n");
    double example = 0, worst = 0;
    int bad = 0;
    for (int ty = 0; ty < 2; ty++)
        bad |= one("self", &m, &self, (pm_contract_type)ty, 1e-5, 100000, &example);
    for (int ty = 0; ty < 2; ty++)
        bad |= one("expert", &m, &expert, (pm_contract_type)ty, 1e-4, 100000, &example);
    for (int ty = 0; ty < 2; ty++)
        bad |= one("self", &m, &self, (pm_contract_type)ty, 0, PM_BUDGET_MAX_N, &worst);
    printf("# doc/budget.md example (4 searches): %.2f s CPU\n", example);
    printf("# cost 0, max_n 1e6 (2 searches): %.2f s CPU\n", worst);
    return bad;
}
