/* Benchmark: every exact contract solve for n = 10 .. 1e5, and the paper's
 * Figure-3 sweep (self delta 0.02 paper convention + experts with four
 * cbar, linear and binary, restricted and second-best, n = 1, 11, .., 201). */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "prefmon/contract.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void machine(void)
{
    struct utsname u;
    char line[512], cpu[256] = "unknown";
    FILE *fp = fopen("/proc/cpuinfo", "r");
    while (fp && fgets(line, sizeof line, fp))
        if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
            snprintf(cpu, sizeof cpu, "%s", strchr(line, ':') + 2);
            cpu[strcspn(cpu, "\n")] = 0;
            break;
        }
    if (fp)
        fclose(fp);
    if (uname(&u) == 0)
        printf("# machine: %s %s %s; cpu: %s\n", u.sysname, u.release, u.machine, cpu);
}

int main(int argc, char **argv)
{
    (void)argc;
    printf("# command: %s\n", argv[0]);
    machine();
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc;
    pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5);
    printf("type\tsolve\tn\tms\tgap\n");
    long ns[] = {10, 100, 1000, 10000, 100000};
    for (int t = 0; t < 2; t++)
        for (int s = 0; s < 3; s++)
            for (int i = 0; i < 5; i++) {
                pm_contract c;
                int reps = 0;
                double t0 = now(), el;
                do {
                    pm_contract_solve(&m, &sc, ns[i], (pm_contract_type)t, (pm_solve)s, &c, NULL);
                    reps++;
                } while ((el = now() - t0) < 0.2);
                printf("%s\t%s\t%ld\t%.3f\t%.6g\n", pm_contract_type_name((pm_contract_type)t),
                       pm_solve_name((pm_solve)s), ns[i], 1e3 * el / reps, c.gap);
            }
    /* Figure 3: 5 schemes x 2 types x 2 solves x 21 n. The four cbar are
     * representative expert alignments (the datasets' values come from
     * their preference scores). */
    pm_scheme schemes[5];
    double cbars[] = {0.2, 0.35, 0.5, 0.65};
    pm_scheme_self(&schemes[0], PM_CONV_PAPER, 0.02, 0.5);
    for (int i = 0; i < 4; i++)
        pm_scheme_expert(&schemes[i + 1], cbars[i]);
    int solves = 0, infeasible = 0;
    double t0 = now();
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
    printf("# figure-3 sweep: %d solves (%d infeasible) in %.3f s\n", solves, infeasible,
           now() - t0);
    return 0;
}
