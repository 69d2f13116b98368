/*
** bench_monitor: how fast are the exact monitoring statistics?
**
**   bench_monitor [MIN_SECONDS]
**
** Times pm_test_design (the `power` command: threshold and exact type I/II
** errors, NULL) for n = 10 ... 10^6 under the likelihood-ratio and level-alpha
** rules, and pm_samplesize (the `samplesize` command, NULL) for effort gaps whose
** answers are about 10^2, 10^4 and 10^6, under both rules. Each case is run
** repeatedly (at least 5 times and MIN_SECONDS, default 0.2 s, at most 1001
** times) and the median wall time is reported in milliseconds, with the
** machine, the date and the command line so the figures can be reproduced.
** Scheme: self-consistency, general convention, delta = 0.02, q0 = 0.5.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "prefmon/monitor.h"
#include "prefmon/version.h"

#define MAX_REPS 1001

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct bench_case {
    const char *what; /* power / samplesize */
    pm_rule rule;
    double alpha;
    double eta0, eta1;
    long n;        /* power: items */
    double target; /* samplesize: target error */
} bench_case;

/* Run one case once; returns the answer (k for power, n for samplesize). */
static long run_once(const pm_scheme *sc, const bench_case *c, pm_test *t)
{
    pm_status st;
    pm_test_request req;
    pm_test_request_default(&req);
    req.scheme = sc;
    req.eta0 = c->eta0;
    req.eta1 = c->eta1;
    req.rule = c->rule;
    req.alpha = c->alpha;
    if (!strcmp(c->what, "power"))
        st = pm_test_design(&req, c->n, t, NULL);
    else
        st = pm_samplesize(&req, c->target, 10000000L, t, NULL);
    if (st != PM_OK) {
        fprintf(stderr, "bench_monitor: %s failed: %s\n", c->what, pm_strerror(st));
        exit(1);
    }
    return !strcmp(c->what, "power") ? t->k : t->n;
}

int main(int argc, char **argv)
{
    double min_s = argc > 1 ? atof(argv[1]) : 0.2;
    if (!(min_s >= 0)) {
        fprintf(stderr, "usage: bench_monitor [MIN_SECONDS]\n");
        return 2;
    }
    pm_scheme sc;
    if (pm_scheme_self(&sc, PM_CONV_GENERAL, 0.02, 0.5, NULL) != PM_OK)
        return 1;

    static const bench_case cases[] = {
        {"power", PM_RULE_LR, 0, 0.8, 1, 10, 0},
        {"power", PM_RULE_LR, 0, 0.8, 1, 1000, 0},
        {"power", PM_RULE_LR, 0, 0.8, 1, 10000, 0},
        {"power", PM_RULE_LR, 0, 0.8, 1, 100000, 0},
        {"power", PM_RULE_LR, 0, 0.8, 1, 1000000, 0},
        {"power", PM_RULE_LEVEL, 0.05, 0.8, 1, 10, 0},
        {"power", PM_RULE_LEVEL, 0.05, 0.8, 1, 1000, 0},
        {"power", PM_RULE_LEVEL, 0.05, 0.8, 1, 10000, 0},
        {"power", PM_RULE_LEVEL, 0.05, 0.8, 1, 100000, 0},
        {"power", PM_RULE_LEVEL, 0.05, 0.8, 1, 1000000, 0},
        {"samplesize", PM_RULE_LR, 0, 0.8, 1, 0, 0.01},
        {"samplesize", PM_RULE_LR, 0, 0.9, 0.92, 0, 0.02},
        {"samplesize", PM_RULE_LR, 0, 0.99, 0.9913, 0, 0.05},
        {"samplesize", PM_RULE_LEVEL, 0.05, 0.8, 1, 0, 0.01},
        {"samplesize", PM_RULE_LEVEL, 0.05, 0.9, 0.92, 0, 0.02},
        {"samplesize", PM_RULE_LEVEL, 0.05, 0.99, 0.9913, 0, 0.02},
    };

    printf("# bench_monitor: exact effort-test design (power) and sample size; median of\n"
           "# repeated runs, wall clock, self-consistency general convention delta=0.02 q0=0.5\n");
    bench_header(argc, argv);
    printf("%-10s %-5s %-5s %-5s %-6s %-8s %-7s %10s %5s %10s %10s %10s\n", "command", "rule",
           "alpha", "eta0", "eta1", "n", "target", "answer", "reps", "median_ms", "min_ms",
           "max_ms");
    static double ms[MAX_REPS];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bench_case *c = &cases[i];
        pm_test t;
        long answer = run_once(&sc, c, &t); /* warm-up */
        int reps = 0;
        double start = 1e3 * bench_wall();
        while (reps < MAX_REPS && (reps < 5 || 1e3 * bench_wall() - start < min_s * 1e3)) {
            double t0 = 1e3 * bench_wall();
            run_once(&sc, c, &t);
            ms[reps++] = 1e3 * bench_wall() - t0;
        }
        qsort(ms, (size_t)reps, sizeof ms[0], cmp_double);
        double median = reps % 2 ? ms[reps / 2] : (ms[reps / 2 - 1] + ms[reps / 2]) / 2;
        char nbuf[16] = "-", tbuf[16] = "-", abuf[16] = "-";
        if (!strcmp(c->what, "power"))
            snprintf(nbuf, sizeof nbuf, "%ld", c->n);
        else
            snprintf(tbuf, sizeof tbuf, "%g", c->target);
        if (c->rule == PM_RULE_LEVEL)
            snprintf(abuf, sizeof abuf, "%g", c->alpha);
        printf("%-10s %-5s %-5s %-5g %-6g %-8s %-7s %10ld %5d %10.6f %10.6f %10.6f\n", c->what,
               c->rule == PM_RULE_LR ? "lr" : "level", abuf, c->eta0, c->eta1, nbuf, tbuf, answer,
               reps, median, ms[0], ms[reps - 1]);
    }
    printf("# answer: the threshold k for power, the smallest n for samplesize\n");
    return 0;
}
