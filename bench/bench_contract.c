/* Benchmark: every exact contract solve for n = 10 .. 1e5 for every model
 * family of G (CARA, sumexp with 1, 4 and 16 terms, linear), and the paper's
 * Figure-3 sweep (self delta 0.02 paper convention + experts for the four
 * datasets, linear and binary, restricted and second-best, n = 1, 11, ..,
 * 201).
 *
 * Usage: bench_contract [ULTRA_JSONL]. The Ultra expert's cbar is computed
 * from the UltraFeedback sample shipped in data/ (default path
 * data/ultrafeedback-sample.jsonl, relative to the working directory; run
 * from the repository root as bench/run.sh does). The other three datasets
 * (PKU-SafeRLHF, HelpSteer, Skywork) are not available offline: their cbar
 * are STAND-INS chosen to span the range, not the datasets' values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "bench_util.h"
#include "prefmon/contract.h"
#include "prefmon/monitor.h"
#include "prefmon/prefs.h"

/* cbar = 2 mean |p - 1/2| of the dataset's folded preference
 * probabilities (the most favourable expert, paper §11.1). */
static int ultra_cbar(const char *path, double *cbar, size_t *count)
{
    pm_prefs *pr = pm_prefs_new(NULL);
    pm_error err = {.text = "out of memory"};
    int ok = pr && pm_prefs_read_file(pr, path, &err) == PM_OK && pm_prefs_count(pr) > 0 &&
             pm_cbar(pm_prefs_values(pr), NULL, pm_prefs_count(pr), cbar, &err) == PM_OK;
    if (!ok)
        fprintf(stderr, "bench_contract: %s\n", err.text);
    *count = ok ? pm_prefs_count(pr) : 0;
    pm_prefs_free(pr);
    return ok;
}

/* The families of G the solvers treat differently: one exponential term
 * has closed forms (CARA a = b, and a != b), several terms need a root
 * per wage (cost grows with the term count), linear G is risk neutral. */
static const char *const FAMILIES[][2] = {
    {"cara", "cara:1"},
    {"sumexp1", "sumexp:0.8,1.3"},
    {"sumexp4", "sumexp:0.25,0.5,0.25,1,0.25,1.5,0.25,2"},
    {"sumexp16", NULL}, /* built below: alpha 1/16, beta 0.25 .. 4 */
    {"linear", "linear"},
};

/* CPU ms per solve for each family, type, solve and n (at least 0.05 s of
 * repetitions, at least one); the last column is the status. One summary
 * line per family: the slowest solve. */
static int solve_table(const pm_scheme *sc)
{
    char s16[PM_SPEC_MAX], *p = s16;
    p += sprintf(p, "sumexp:");
    for (int i = 0; i < 16; i++)
        p += sprintf(p, "%s%g,%g", i ? "," : "", 1.0 / 16, 0.25 * (i + 1));
    printf("family\ttype\tsolve\tn\tcpu_ms\tgap\tstatus\n");
    long ns[] = {10, 100, 1000, 10000, 100000};
    for (size_t f = 0; f < sizeof FAMILIES / sizeof *FAMILIES; f++) {
        pm_model m;
        pm_model_default(&m);
        pm_error err = {0};
        if (pm_utility_parse(FAMILIES[f][1] ? FAMILIES[f][1] : s16, &m.G, &err) != PM_OK) {
            fprintf(stderr, "bench_contract: %s\n", err.text);
            return 0;
        }
        double worst = 0;
        const char *worst_at = "";
        char where[96];
        for (int t = 0; t < 2; t++)
            for (int s = 0; s < 3; s++)
                for (int i = 0; i < 5; i++) {
                    pm_contract c;
                    pm_status st = PM_OK;
                    int reps = 0;
                    double t0 = bench_cpu(), el;
                    do {
                        st = pm_contract_solve(&m, sc, ns[i], (pm_contract_type)t, (pm_solve)s, &c,
                                               NULL);
                        reps++;
                    } while ((el = bench_cpu() - t0) < 0.05);
                    double ms = 1e3 * el / reps;
                    printf("%s\t%s\t%s\t%ld\t%.3f\t%.6g\t%s\n", FAMILIES[f][0],
                           pm_contract_type_name((pm_contract_type)t), pm_solve_name((pm_solve)s),
                           ns[i], ms, c.gap, pm_strerror(st));
                    if (ms > worst) {
                        worst = ms;
                        snprintf(where, sizeof where, "%s %s n=%ld",
                                 pm_contract_type_name((pm_contract_type)t),
                                 pm_solve_name((pm_solve)s), ns[i]);
                        worst_at = where;
                    }
                }
        printf("# %s: slowest exact solve for n <= 1e5: %.1f ms CPU (%s)\n", FAMILIES[f][0], worst,
               worst_at);
    }
    return 1;
}

int main(int argc, char **argv)
{
    bench_header(argc, argv);
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc;
    pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL);
    if (!solve_table(&sc))
        return 1;
    /* Figure 3: 5 schemes x 2 types x 2 solves x 21 n. */
    /* Default: the embedded sample in the source tree, wherever we run. */
    const char *ultra = argc > 1 ? argv[1] : PM_SOURCE_DIR "/data/ultrafeedback-sample.jsonl";
    double cu;
    size_t nu;
    if (!ultra_cbar(ultra, &cu, &nu))
        return 1;
    struct {
        const char *name, *source;
        double cbar;
    } ds[4] = {
        {"PKU", "stand-in (dataset not available offline)", 0.2},
        {"HelpSteer", "stand-in (dataset not available offline)", 0.35},
        {"Ultra", ultra, cu},
        {"Skywork", "stand-in (dataset not available offline)", 0.65},
    };
    printf("# figure-3 schemes: self (paper convention, delta 0.02)");
    for (int i = 0; i < 4; i++)
        printf("; expert %s cbar %.16g [%s%s]", ds[i].name, ds[i].cbar, ds[i].source,
               i == 2 ? ", pm_prefs_read_file + pm_cbar" : "");
    printf(" (Ultra: %zu preference pairs)\n", nu);
    pm_scheme schemes[5];
    pm_scheme_self(&schemes[0], PM_CONV_PAPER, 0.02, 0.5, NULL);
    for (int i = 0; i < 4; i++)
        pm_scheme_expert(&schemes[i + 1], ds[i].cbar, NULL);
    /* Five repetitions: the median and the fastest. */
    double el[5];
    int solves = 0, infeasible = 0;
    for (int r = 0; r < 5; r++) {
        solves = infeasible = 0;
        double t0 = bench_wall();
        for (int s = 0; s < 5; s++)
            for (int t = 0; t < 2; t++)
                for (int so = 1; so <= 2; so++)
                    for (long n = 1; n <= 201; n += 10) {
                        pm_contract c;
                        if (pm_contract_solve(&m, &schemes[s], n, (pm_contract_type)t, (pm_solve)so,
                                              &c, NULL) != PM_OK)
                            infeasible++;
                        solves++;
                    }
        el[r] = bench_wall() - t0;
    }
    for (int i = 1; i < 5; i++) /* insertion sort */
        for (int j = i; j > 0 && el[j] < el[j - 1]; j--) {
            double t = el[j];
            el[j] = el[j - 1];
            el[j - 1] = t;
        }
    printf("# figure-3 sweep: %d solves (%d infeasible) in %.3f s (median of 5; fastest %.3f s)\n",
           solves, infeasible, el[2], el[0]);
    return 0;
}
