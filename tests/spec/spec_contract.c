/* Spec: prefmon's contracts against tests/spec/data/contract_*.tsv, made
 * independently by tests/spec/gen/gen_contract.py (mpmath FOC solves and a
 * brute force over every threshold k). argv[1] is the data directory. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/contract.h"

static int passed, failed;

static void check(int ok, const char *file, int line, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "%s:%d: %s\n", file, line, what);
    }
}

static int setup(pm_model *m, pm_scheme *sc, const char *g, const char *e, const char *v,
                 const char *mon)
{
    pm_model_default(m);
    if (pm_utility_parse(g, &m->G, NULL) || pm_cost_parse(e, &m->E, NULL) ||
        pm_value_parse(v, &m->mu, NULL))
        return -1;
    if (mon && !strcmp(mon, "expert"))
        return pm_scheme_expert(sc, 0.4, NULL);
    return pm_scheme_self(sc, PM_CONV_PAPER, 0.02, 0.5, NULL);
}

static void run(const char *dir, const char *name, int kind)
{
    char path[4096], line[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        check(0, path, 0, "cannot open");
        return;
    }
    int ln = 0, header = 0;
    while (fgets(line, sizeof line, fp)) {
        ln++;
        if (line[0] == '#')
            continue;
        if (!header++)
            continue;
        char g[256], e[256], v[256], mon[32];
        pm_model m;
        pm_scheme sc;
        pm_contract c;
        if (kind == 0) {
            double eta, C, w;
            if (sscanf(line, "%255s %255s %255s %lf %lf %lf", g, e, v, &eta, &C, &w) != 6 ||
                setup(&m, &sc, g, e, v, NULL)) {
                check(0, path, ln, "malformed row");
                continue;
            }
            check(pm_first_best(&m, &c, NULL) == PM_OK, path, ln, "first-best failed");
            check(fabs(c.eta - eta) < 1e-10, path, ln, "eta*");
            check(fabs(c.first_best_utility - C) < 1e-13, path, ln, "C");
            check(fabs(c.terms.base - w) < 1e-12, path, ln, "wage");
        } else if (kind == 1) {
            long n;
            double b, s, pay, gap;
            if (sscanf(line, "%255s %255s %255s %31s %ld %lf %lf %lf %lf", g, e, v, mon, &n, &b, &s,
                       &pay, &gap) != 9 ||
                setup(&m, &sc, g, e, v, mon)) {
                check(0, path, ln, "malformed row");
                continue;
            }
            check(pm_contract_solve(&m, &sc, n, PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, &c,
                                    NULL) == PM_OK,
                  path, ln, "linear solve failed");
            check(fabs(c.terms.base - b) < 1e-9 && fabs(c.terms.slope - s) < 1e-9, path, ln,
                  "base/slope");
            check(fabs(c.expected_pay - pay) < 1e-11, path, ln, "pay");
            check(fabs(c.gap - gap) < 1e-11 + 1e-6 * gap, path, ln, "gap");
        } else {
            long n, k;
            double b, bonus, pay, gap;
            if (sscanf(line, "%255s %255s %255s %31s %ld %ld %lf %lf %lf %lf", g, e, v, mon, &n, &k,
                       &b, &bonus, &pay, &gap) != 10 ||
                setup(&m, &sc, g, e, v, mon)) {
                check(0, path, ln, "malformed row");
                continue;
            }
            check(pm_contract_solve(&m, &sc, n, PM_CONTRACT_BINARY, PM_SOLVE_RESTRICTED, &c,
                                    NULL) == PM_OK,
                  path, ln, "binary solve failed");
            check(c.terms.k == k, path, ln, "threshold k");
            check(fabs(c.terms.base - b) < 1e-9 && fabs(c.terms.bonus - bonus) < 1e-9, path, ln,
                  "base/bonus");
            check(fabs(c.expected_pay - pay) < 1e-11, path, ln, "pay");
            check(fabs(c.gap - gap) < 1e-11 + 1e-6 * gap, path, ln, "gap");
        }
    }
    fclose(fp);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/spec/data";
    run(dir, "contract_first_best.tsv", 0);
    run(dir, "contract_linear.tsv", 1);
    run(dir, "contract_binary.tsv", 2);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0 || passed == 0;
}
