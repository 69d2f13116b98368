/* prefmon contract: first-best and second-best incentive contracts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "prefmon/contract.h"
#include "prefmon/version.h"
#if defined(__has_include)
#if __has_include("prefmon/grid.h")
#include "prefmon/grid.h"
#define CLI_HAVE_GRID 1
#endif
#endif

/* ---- the command ------------------------------------------------------ */

static const char help[] =
    "usage: prefmon contract [--type linear|binary] [--solve first-best|restricted|second-best]\n"
    "                        [--n N] [model and monitor options] [--out FILE]\n\n"
    "The contract that pays an annotator from X ~ Bin(N, m(eta)) passes among N monitored\n"
    "items (arXiv 2502.06387 §5-7): linear w = base + slope X/N, binary\n"
    "w = base + bonus 1{X >= k}. first-best: effort observable, constant wage;\n"
    "restricted: implement the first-best effort eta* (a global best response, IR binds);\n"
    "second-best: the principal's best contract, the agent best-responding over [0,1].\n\n"
    "options:\n"
    "  --type linear|binary      contract family (default linear)\n"
    "  --solve S                 first-best, restricted or second-best (default restricted)\n"
    "  --n N                     monitored items (default 100)\n"
    "  --utility SPEC            agent's utility of money G: cara:a | sumexp:a1,b1,... |\n"
    "                            linear (default cara:1)\n"
    "  --cost SPEC               effort cost E: poly:c0,c1,... (default poly:0,0,0.18)\n"
    "  --value SPEC              principal's value mu: power:K,R | exp:K,R | log:K,R\n"
    "                            (default power:0.5,0.8)\n"
    "  --u0 U                    outside option (default 0)\n"
    "  --wage-min W --wage-max W wage bounds (default -10, 20)\n"
    "  --config FILE             JSON model {utility, cost, value, u0, wage_min, wage_max};\n"
    "                            explicit options override it\n"
    "  --grid paper              the authors' grid search (effort step 0.01, base/slope step\n"
    "                            0.05, tau step 0.02) instead of the exact solvers\n"
    "  --out FILE                also write the contract as JSON (never partial;\n"
    "                            a link's target is replaced, devices written "
    "through)\n" CLI_MONITOR_HELP CLI_FORMAT_HELP "  --help                    this help\n\n"
    "Defaults reproduce the paper's main setting: --monitor self --convention paper\n"
    "--delta 0.02, G = 1 - e^{-w}, E = 0.18 eta^2, mu = 0.5 eta^0.8, U0 = 0, wages [-10, 20].\n"
    "Output: type, solve, n, eta, base, slope (linear) or bonus, k (binary), expected_pay,\n"
    "principal_utility, agent_utility, first_best_utility, first_best_eta, gap,\n"
    "normalized_gap, fisher_info, feasible, then the parameters. An infeasible restricted\n"
    "contract prints feasible = false and exits 1.\n";

typedef struct opts {
    pm_contract_type type;
    pm_solve solve;
    long n;
    int grid;
} opts;

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    int i = 0, r;
    switch (code) {
    case CLI_OPT_TYPE: {
        static const char *const names[] = {"linear", "binary", NULL}; /* pm_contract_type */
        r = cli_choice("--type", arg, names, &i);
        o->type = (pm_contract_type)i;
        return r;
    }
    case CLI_OPT_SOLVE: {
        static const char *const names[] = {"first-best", "restricted", "second-best",
                                            NULL}; /* pm_solve */
        r = cli_choice("--solve", arg, names, &i);
        o->solve = (pm_solve)i;
        return r;
    }
    case CLI_OPT_N:
        return cli_long("--n", arg, 1, 1000000000L, &o->n);
    case CLI_OPT_GRID:
        if (strcmp(arg, "paper") != 0) {
            cli_error("--grid: '%s' is not a known grid (paper)", arg);
            return CLI_EUSAGE;
        }
        o->grid = 1;
        return 0;
    }
    return CLI_NOT_MINE;
}

static void columns(out_table *t, pm_contract_type type)
{
    static const char *head[] = {"type", "solve", "n", "eta", "base"};
    static const char *tail[] = {"expected_pay",       "principal_utility", "agent_utility",
                                 "first_best_utility", "first_best_eta",    "gap",
                                 "normalized_gap",     "fisher_info",       "feasible"};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        out_col(t, head[i]);
    if (type == PM_CONTRACT_LINEAR) {
        out_col(t, "slope");
    } else {
        out_col(t, "bonus");
        out_col(t, "k");
    }
    for (size_t i = 0; i < sizeof tail / sizeof *tail; i++)
        out_col(t, tail[i]);
}

static void cells(out_table *t, const pm_contract *c, const pm_scheme *sc)
{
    out_str(t, pm_contract_type_name(c->terms.type));
    out_str(t, pm_solve_name(c->solve));
    out_int(t, c->terms.n);
    out_num(t, c->eta);
    out_num(t, c->terms.base);
    if (c->terms.type == PM_CONTRACT_LINEAR) {
        out_num(t, c->terms.slope);
    } else {
        out_num(t, c->terms.bonus);
        if (c->feasible)
            out_int(t, c->terms.k);
        else
            out_null(t);
    }
    out_num(t, c->expected_pay);
    out_num(t, c->principal_utility);
    out_num(t, c->agent_utility);
    out_num(t, c->first_best_utility);
    out_num(t, c->first_best_eta);
    out_num(t, c->gap);
    out_num(t, c->normalized_gap);
    /* I(eta*): infinite where m is 0 or 1, printed as null */
    cli_num_finite(t, pm_scheme_fisher(sc, c->first_best_eta));
    out_bool(t, c->feasible);
}

/* The contract file (written by the library through pm_outfile: complete
 * or not there; links written through, devices written directly). */
static int write_contract(const char *path, const pm_contract *c, const pm_model *m,
                          const pm_scheme *sc, int grid)
{
    pm_error err = {0};
    pm_status st = pm_contract_save(path, c, m, sc, grid ? "grid-paper" : "exact", &err);
    return st == PM_OK ? 0 : cli_fail("--out", st, &err);
}

static int solve_grid(const pm_model *m, const pm_scheme *sc, const opts *o, pm_contract *c)
{
#ifdef CLI_HAVE_GRID
    pm_grid_spec spec;
    pm_grid_result res;
    pm_error err = {0};
    pm_grid_spec_paper(&spec);
    pm_status st = pm_grid_solve(m, sc, o->n, o->type, &spec, &res, &err);
    *c = o->solve == PM_SOLVE_FIRST_BEST    ? res.fb
         : o->solve == PM_SOLVE_SECOND_BEST ? res.sb
                                            : res.sbr;
    /* PM_EINFEASIBLE when any of the three is: only the chosen one counts. */
    if (st != PM_OK && !(st == PM_EINFEASIBLE && c->feasible))
        return cli_fail(NULL, st, &err);
    return 0;
#else
    (void)m;
    (void)sc;
    (void)o;
    (void)c;
    cli_error("--grid paper: this build has no grid mode");
    return CLI_EUSAGE;
#endif
}

/* Solve as asked; *infeasible set when the library says so (the row is
 * still printed, then exit 1). */
static int solve(const cli_model *cm, const cli_monitor *mon, const opts *o, pm_contract *c,
                 int *infeasible)
{
    if (o->grid)
        return solve_grid(&cm->model, &mon->scheme, o, c);
    pm_error err = {0};
    pm_status st = pm_contract_solve(&cm->model, &mon->scheme, o->n, o->type, o->solve, c, &err);
    if (st == PM_EINFEASIBLE) {
        cli_fail(NULL, st, &err);
        *infeasible = 1;
        return 0;
    }
    return st == PM_OK ? 0 : cli_fail(NULL, st, &err);
}

static int emit(const pm_contract *c, const cli_monitor *mon, const cli_model *cm, const opts *o,
                out_format fmt)
{
    out_table *tab = out_new(1);
    if (!tab)
        return CLI_EINTERNAL;
    columns(tab, o->type);
    cli_monitor_columns(tab);
    cli_model_columns(tab);
    out_col(tab, "method");
    out_row(tab);
    cells(tab, c, &mon->scheme);
    cli_monitor_cells(tab, mon);
    cli_model_cells(tab, &cm->model);
    out_str(tab, o->grid ? "grid-paper" : "exact");
    int rc = cli_emit(tab, fmt);
    out_free(tab);
    return rc;
}

int cli_contract(int argc, char **argv)
{
    static const struct option own[] = {{"type", required_argument, NULL, CLI_OPT_TYPE},
                                        {"solve", required_argument, NULL, CLI_OPT_SOLVE},
                                        {"n", required_argument, NULL, CLI_OPT_N},
                                        {"grid", required_argument, NULL, CLI_OPT_GRID},
                                        {NULL, 0, NULL, 0}};
    cli_monitor mon;
    cli_model cm;
    cli_output out;
    opts o = {PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, 100, 0};
    cli_monitor_init(&mon, PM_CONV_PAPER);
    cli_model_init(&cm);
    cli_output_init(&out, 1);
    const cli_group groups[] = {cli_monitor_group(&mon),
                                cli_model_group(&cm),
                                {own, opt, NULL, &o},
                                cli_output_group(&out)};
    int rc, infeasible = 0;
    pm_contract c;
    if (cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc) &&
        !(rc = solve(&cm, &mon, &o, &c, &infeasible)) && !(rc = emit(&c, &mon, &cm, &o, out.fmt))) {
        if (infeasible)
            rc = CLI_EDATA;
        else if (out.out_path)
            rc = write_contract(out.out_path, &c, &cm.model, &mon.scheme, o.grid);
    }
    cli_monitor_free(&mon);
    return rc;
}
