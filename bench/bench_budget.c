/* Benchmark: the monitoring-budget searches of `prefmon budget`'s worked
 * example (doc/budget.md: self paper delta 0.02 at dup cost 1e-5, expert
 * cbar 0.6 at gold cost 1e-4, linear and binary, second-best, default
 * search), then the slowest request the limits allow (cost 0, max_n 1e6:
 * the neighbourhood of n* = 1e6 is solved at full size). CPU and wall
 * seconds per search, with n* and the solves used.
 *
 * bench_budget --brute RADIUS [SOLVE] also checks the default search (with
 * that neighbourhood radius) against brute force for binary contracts
 * (self, default model, every n in 1..2000 solved, six costs from 1e-5 to
 * 5e-8; SOLVE 1 restricted, 2 second-best, the default): the regret
 * V(brute n*) - V(search n*) per cost (doc/budget.md quotes it; about
 * 10 s of CPU for second-best, too slow for the unit tests). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "prefmon/budget.h"

static int one(const char *label, const pm_model *m, const pm_scheme *sc, pm_contract_type type,
               double cost, long max_n, double *cpu_total)
{
    pm_budget_request req;
    pm_budget_request_default(&req);
    req.model = m;
    req.scheme = sc;
    req.type = type;
    req.solve = PM_SOLVE_SECOND_BEST;
    req.unit_cost = cost;
    req.search.max_n = max_n;
    pm_budget_result r;
    pm_error err = {0};
    double w0 = bench_wall(), c0 = bench_cpu();
    pm_status st = pm_budget_optimize(&req, &r, NULL, NULL, &err);
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

static int brute(long radius, pm_solve solve)
{
    const long N = 2000;
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc;
    double *pu = malloc((size_t)(N + 1) * sizeof *pu);
    if (!pu || pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL) != PM_OK)
        return 1;
    for (long n = 1; n <= N; n++) {
        pm_contract c;
        pu[n] = pm_contract_solve(&m, &sc, n, PM_CONTRACT_BINARY, solve, &c, NULL) == PM_OK
                    ? c.principal_utility
                    : -INFINITY;
    }
    static const double costs[] = {1e-5, 3e-6, 1e-6, 3e-7, 1e-7, 5e-8};
    printf("solve\tradius\tcost\tbrute_n\tsearch_n\tregret\tsolves\n");
    int bad = 0;
    for (size_t i = 0; i < sizeof costs / sizeof *costs; i++) {
        long bn = 0;
        double bv = -INFINITY;
        for (long n = 1; n <= N; n++)
            if (pu[n] - costs[i] * (double)n > bv) {
                bv = pu[n] - costs[i] * (double)n;
                bn = n;
            }
        pm_budget_request req;
        pm_budget_request_default(&req);
        req.model = &m;
        req.scheme = &sc;
        req.type = PM_CONTRACT_BINARY;
        req.solve = solve;
        req.unit_cost = costs[i];
        req.search.max_n = N;
        req.search.radius = radius;
        pm_budget_result r;
        pm_error err = {0};
        if (pm_budget_optimize(&req, &r, NULL, NULL, &err) != PM_OK) {
            fprintf(stderr, "bench_budget: %s\n", err.text);
            bad = 1;
            continue;
        }
        printf("%s\t%ld\t%g\t%ld\t%ld\t%.3g\t%ld\n", pm_solve_name(solve), radius, costs[i], bn,
               r.best.n, bv - r.best.value, r.solves);
    }
    free(pu);
    return bad;
}

int main(int argc, char **argv)
{
    bench_header(argc, argv);
    if (argc >= 3 && !strcmp(argv[1], "--brute"))
        return brute(atol(argv[2]), argc >= 4 && !strcmp(argv[3], "1") ? PM_SOLVE_RESTRICTED
                                                                       : PM_SOLVE_SECOND_BEST);
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
