/* Spec: prefmon's contracts against tests/spec/data/contract_*.tsv, made
 * independently by tests/spec/gen/gen_contract.py (mpmath FOC solves and a
 * brute force over every threshold k). argv[1] is the data directory.
 * Tolerances as before the move to spec_util.h: eta* 1e-10, C 1e-13,
 * wage 1e-12; contract terms 1e-9 (the IC tie, contract.h), pay 1e-11,
 * gap 1e-11 + 1e-6 gap. */
#include "prefmon/contract.h"
#include "spec_util.h"

static const char *const FB_COLS[] = {"utility", "cost", "value", "eta", "C", "wage"};
static const char *const LIN_COLS[] = {"utility", "cost",  "value", "monitor", "n",
                                       "base",    "slope", "pay",   "gap"};
static const char *const BIN_COLS[] = {"utility", "cost", "value", "monitor", "n",
                                       "k",       "base", "bonus", "pay",     "gap"};
#define NCOLS(a) ((int)(sizeof a / sizeof *a))

/* The row's model and scheme (expert cbar 0.4, or self delta 0.02); 0 and
 * a reported failure when a spec does not parse. */
static int setup(spec_table *t, pm_model *m, pm_scheme *sc, int with_monitor)
{
    pm_error err = {0};
    pm_model_default(m);
    if (pm_utility_parse(spec_str(t, "utility"), &m->G, &err) ||
        pm_cost_parse(spec_str(t, "cost"), &m->E, &err) ||
        pm_value_parse(spec_str(t, "value"), &m->mu, &err)) {
        spec_fail(t, "%s", err.text);
        return 0;
    }
    int expert = with_monitor && strcmp(spec_str(t, "monitor"), "expert") == 0;
    pm_status st = expert ? pm_scheme_expert(sc, 0.4, &err)
                          : pm_scheme_self(sc, PM_CONV_PAPER, 0.02, 0.5, &err);
    if (st != PM_OK)
        spec_fail(t, "scheme: %s", err.text);
    return st == PM_OK;
}

static void first_best(spec_table *t)
{
    pm_model m;
    pm_scheme sc;
    pm_contract c;
    if (!setup(t, &m, &sc, 0))
        return;
    spec_check_true(t, pm_first_best(&m, &c, NULL) == PM_OK, "first-best failed");
    spec_check_abs(t, "eta", c.eta, 1e-10);
    spec_check_abs(t, "C", c.first_best_utility, 1e-13);
    spec_check_abs(t, "wage", c.terms.base, 1e-12);
}

/* Restricted solve of `type` for the row; the terms are checked by the
 * caller. 0 when the row is unusable. */
static int restricted(spec_table *t, pm_contract_type type, pm_contract *c)
{
    pm_model m;
    pm_scheme sc;
    long n;
    if (!setup(t, &m, &sc, 1) || !spec_long(t, "n", &n))
        return 0;
    spec_check_true(t, pm_contract_solve(&m, &sc, n, type, PM_SOLVE_RESTRICTED, c, NULL) == PM_OK,
                    "restricted solve failed");
    double gap;
    if (spec_num(t, "gap", &gap))
        spec_check_abs(t, "gap", c->gap, 1e-11 + 1e-6 * gap);
    spec_check_abs(t, "pay", c->expected_pay, 1e-11);
    return 1;
}

static void linear(spec_table *t)
{
    pm_contract c;
    if (!restricted(t, PM_CONTRACT_LINEAR, &c))
        return;
    spec_check_abs(t, "base", c.terms.base, 1e-9);
    spec_check_abs(t, "slope", c.terms.slope, 1e-9);
}

static void binary(spec_table *t)
{
    pm_contract c;
    if (!restricted(t, PM_CONTRACT_BINARY, &c))
        return;
    spec_check_long(t, "k", c.terms.k);
    spec_check_abs(t, "base", c.terms.base, 1e-9);
    spec_check_abs(t, "bonus", c.terms.bonus, 1e-9);
}

static void run(const char *dir, const char *name, const char *const *cols, int ncols,
                void (*row)(spec_table *))
{
    spec_table t;
    long rows = 0;
    if (spec_open(&t, dir, name, cols, ncols) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0)
        if (r > 0) {
            row(&t);
            rows++;
        }
    spec_check_true(&t, rows > 0, "no rows");
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/spec/data";
    run(dir, "contract_first_best.tsv", FB_COLS, NCOLS(FB_COLS), first_best);
    run(dir, "contract_linear.tsv", LIN_COLS, NCOLS(LIN_COLS), linear);
    run(dir, "contract_binary.tsv", BIN_COLS, NCOLS(BIN_COLS), binary);
    return spec_finish();
}
