/* prefmon contract: first-best and second-best incentive contracts. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "prefmon/contract.h"
#include "prefmon/version.h"
#if defined(__has_include)
#if __has_include("prefmon/grid.h")
#include "prefmon/grid.h"
#define CLI_HAVE_GRID 1
#endif
#endif

/* ---- model options, shared with cli_gap.c ----------------------------
 * (declared again there: one definition, the prototypes kept in step) */

typedef struct cli_model cli_model;
cli_model *cli_model_new(void);
void cli_model_free(cli_model *cm);
int cli_model_opt(cli_model *cm, int code, const char *arg);
int cli_model_finish(cli_model *cm, pm_model *out);
void cli_model_columns(out_table *t);
void cli_model_cells(out_table *t, const pm_model *m);

struct cli_model {
    const char *utility, *cost, *value, *config;
    double u0, w_min, w_max;
    int have_u0, have_wmin, have_wmax;
};

cli_model *cli_model_new(void)
{
    return calloc(1, sizeof(cli_model));
}

void cli_model_free(cli_model *cm)
{
    free(cm);
}

/* Option codes 1300..1306 (see CLI_MODEL_LONGOPTS in both files). */
int cli_model_opt(cli_model *cm, int code, const char *arg)
{
    int rc = 0;
    switch (code) {
    case 1300:
        cm->utility = arg;
        break;
    case 1301:
        cm->cost = arg;
        break;
    case 1302:
        cm->value = arg;
        break;
    case 1303:
        rc = cli_double("--u0", arg, -1e300, 1e300, &cm->u0);
        cm->have_u0 = 1;
        break;
    case 1304:
        rc = cli_double("--wage-min", arg, -1e300, 1e300, &cm->w_min);
        cm->have_wmin = 1;
        break;
    case 1305:
        rc = cli_double("--wage-max", arg, -1e300, 1e300, &cm->w_max);
        cm->have_wmax = 1;
        break;
    case 1306:
        cm->config = arg;
        break;
    default:
        return -1;
    }
    return rc;
}

/* Defaults, then --config, then the explicit options; then the paper's
 * assumptions. Bad specs and bounds are usage errors (2); a config file
 * that cannot be read is an I/O error (3), a malformed one a data error. */
int cli_model_finish(cli_model *cm, pm_model *m)
{
    pm_error err = {{0}};
    pm_status st;
    pm_model_default(m);
    if (cm->config && (st = pm_model_read_json(cm->config, m, &err)) != PM_OK) {
        cli_error("--config: %s", err.text);
        return st == PM_EIO ? CLI_EIO : st == PM_EINVAL ? CLI_EUSAGE : CLI_EDATA;
    }
    if ((cm->utility && pm_utility_parse(cm->utility, &m->G, &err) != PM_OK) ||
        (cm->cost && pm_cost_parse(cm->cost, &m->E, &err) != PM_OK) ||
        (cm->value && pm_value_parse(cm->value, &m->mu, &err) != PM_OK)) {
        cli_error("%s", err.text);
        return CLI_EUSAGE;
    }
    if (cm->have_u0)
        m->u0 = cm->u0;
    if (cm->have_wmin)
        m->w_min = cm->w_min;
    if (cm->have_wmax)
        m->w_max = cm->w_max;
    if (!(m->w_min < m->w_max)) {
        cli_error("--wage-min %g must be below --wage-max %g", m->w_min, m->w_max);
        return CLI_EUSAGE;
    }
    if ((st = pm_model_check(m, &err)) != PM_OK) {
        cli_error("%s", err.text);
        return CLI_EUSAGE;
    }
    return 0;
}

void cli_model_columns(out_table *t)
{
    out_col(t, "utility");
    out_col(t, "cost");
    out_col(t, "value");
    out_col(t, "u0");
    out_col(t, "wage_min");
    out_col(t, "wage_max");
}

void cli_model_cells(out_table *t, const pm_model *m)
{
    char buf[512];
    out_str(t, pm_utility_format(&m->G, buf, sizeof buf));
    out_str(t, pm_cost_format(&m->E, buf, sizeof buf));
    out_str(t, pm_value_format(&m->mu, buf, sizeof buf));
    out_num(t, m->u0);
    out_num(t, m->w_min);
    out_num(t, m->w_max);
}

#define CLI_MODEL_LONGOPTS                                                                         \
    {"utility", required_argument, NULL, 1300}, {"cost", required_argument, NULL, 1301},           \
        {"value", required_argument, NULL, 1302}, {"u0", required_argument, NULL, 1303},           \
        {"wage-min", required_argument, NULL, 1304}, {"wage-max", required_argument, NULL, 1305},  \
    {                                                                                              \
        "config", required_argument, NULL, 1306                                                    \
    }

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
    "  --out FILE                also write the contract as JSON (for 'prefmon "
    "pay')\n" CLI_MONITOR_HELP "  --format table|csv|json   output format (default table)\n"
    "  --help                    this help\n\n"
    "Defaults reproduce the paper's main setting: --monitor self --convention paper\n"
    "--delta 0.02, G = 1 - e^{-w}, E = 0.18 eta^2, mu = 0.5 eta^0.8, U0 = 0, wages [-10, 20].\n"
    "Output: type, solve, n, eta, base, slope (linear) or bonus, k (binary), expected_pay,\n"
    "principal_utility, agent_utility, first_best_utility, first_best_eta, gap,\n"
    "normalized_gap, fisher_info, feasible, then the parameters. An infeasible restricted\n"
    "contract prints feasible = false and exits 1.\n";

typedef struct opts {
    cli_model *cm;
    pm_contract_type type;
    pm_solve solve;
    long n;
    int grid;
    const char *out;
} opts;

static int opt(void *ud, int code, const char *arg)
{
    opts *o = ud;
    int r = cli_model_opt(o->cm, code, arg);
    if (r >= 0)
        return r;
    switch (code) {
    case 't':
        if (!strcmp(arg, "linear"))
            o->type = PM_CONTRACT_LINEAR;
        else if (!strcmp(arg, "binary"))
            o->type = PM_CONTRACT_BINARY;
        else {
            cli_error("--type: '%s' is not one of linear, binary", arg);
            return CLI_EUSAGE;
        }
        return 0;
    case 's':
        if (!strcmp(arg, "first-best"))
            o->solve = PM_SOLVE_FIRST_BEST;
        else if (!strcmp(arg, "restricted"))
            o->solve = PM_SOLVE_RESTRICTED;
        else if (!strcmp(arg, "second-best"))
            o->solve = PM_SOLVE_SECOND_BEST;
        else {
            cli_error("--solve: '%s' is not one of first-best, restricted, second-best", arg);
            return CLI_EUSAGE;
        }
        return 0;
    case 'n':
        return cli_long("--n", arg, 1, 1000000000L, &o->n);
    case 'g':
        if (strcmp(arg, "paper") != 0) {
            cli_error("--grid: '%s' is not a known grid (paper)", arg);
            return CLI_EUSAGE;
        }
        o->grid = 1;
        return 0;
    case 'o':
        o->out = arg;
        return 0;
    }
    return -1;
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

static void cells(out_table *t, const pm_contract *c)
{
    out_str(t, pm_contract_type_name(c->type));
    out_str(t, pm_solve_name(c->solve));
    out_int(t, c->n);
    out_num(t, c->eta);
    out_num(t, c->base);
    if (c->type == PM_CONTRACT_LINEAR) {
        out_num(t, c->slope);
    } else {
        out_num(t, c->bonus);
        if (c->feasible)
            out_int(t, c->k);
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
    out_num(t, c->fisher_info);
    out_bool(t, c->feasible);
}

/* JSON number or null (NaN / inf are not JSON). */
static json_t *jnum(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

/* The contract file for 'prefmon pay': every field, the model, the scheme
 * and the version, written to a temporary file in the same directory and
 * renamed, so a reader never sees a partial file. */
static int write_contract(const char *path, const pm_contract *c, const pm_model *m,
                          const pm_scheme *sc, int grid)
{
    char buf[512];
    json_t *root = json_object(), *jm = json_object(), *js = json_object();
    json_object_set_new(root, "format", json_string("prefmon-contract"));
    json_object_set_new(root, "prefmon_version", json_string(pm_version()));
    json_object_set_new(root, "type", json_string(pm_contract_type_name(c->type)));
    json_object_set_new(root, "solve", json_string(pm_solve_name(c->solve)));
    json_object_set_new(root, "method", json_string(grid ? "grid-paper" : "exact"));
    json_object_set_new(root, "n", json_integer(c->n));
    json_object_set_new(root, "feasible", json_boolean(c->feasible));
    json_object_set_new(root, "eta", jnum(c->eta));
    json_object_set_new(root, "base", jnum(c->base));
    json_object_set_new(root, "slope", jnum(c->slope));
    json_object_set_new(root, "bonus", jnum(c->bonus));
    json_object_set_new(root, "k", json_integer(c->k));
    json_object_set_new(root, "tau", jnum(c->tau));
    json_object_set_new(root, "expected_pay", jnum(c->expected_pay));
    json_object_set_new(root, "principal_utility", jnum(c->principal_utility));
    json_object_set_new(root, "agent_utility", jnum(c->agent_utility));
    json_object_set_new(root, "first_best_utility", jnum(c->first_best_utility));
    json_object_set_new(root, "first_best_eta", jnum(c->first_best_eta));
    json_object_set_new(root, "gap", jnum(c->gap));
    json_object_set_new(root, "normalized_gap", jnum(c->normalized_gap));
    json_object_set_new(root, "fisher_info", jnum(c->fisher_info));
    json_object_set_new(jm, "utility", json_string(pm_utility_format(&m->G, buf, sizeof buf)));
    json_object_set_new(jm, "cost", json_string(pm_cost_format(&m->E, buf, sizeof buf)));
    json_object_set_new(jm, "value", json_string(pm_value_format(&m->mu, buf, sizeof buf)));
    json_object_set_new(jm, "u0", json_real(m->u0));
    json_object_set_new(jm, "wage_min", json_real(m->w_min));
    json_object_set_new(jm, "wage_max", json_real(m->w_max));
    json_object_set_new(root, "model", jm);
    json_object_set_new(js, "monitor", json_string(pm_monitor_name(sc->kind)));
    json_object_set_new(js, "convention", json_string(pm_convention_name(sc->convention)));
    json_object_set_new(js, "delta", json_real(sc->delta));
    json_object_set_new(js, "cbar", json_real(sc->cbar));
    json_object_set_new(js, "q0", json_real(sc->q0));
    json_object_set_new(js, "s", json_real(sc->s));
    json_object_set_new(root, "scheme", js);

    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    int rc = CLI_EIO;
    if (!tmp) {
        json_decref(root);
        return CLI_EINTERNAL;
    }
    snprintf(tmp, len + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        cli_error("--out: %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
    } else {
        int bad = json_dumpf(root, fp, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0;
        bad |= fputc('\n', fp) == EOF;
        bad |= fclose(fp) != 0;
        if (bad || rename(tmp, path) != 0) {
            cli_error("--out: %s: %s", path, strerror(errno));
            unlink(tmp);
        } else {
            rc = 0;
        }
    }
    free(tmp);
    json_decref(root);
    return rc;
}

static int solve_grid(const pm_model *m, const pm_scheme *sc, const opts *o, pm_contract *c)
{
#ifdef CLI_HAVE_GRID
    pm_grid_spec spec;
    pm_grid_result res;
    pm_error err = {{0}};
    pm_grid_spec_paper(&spec);
    pm_status st = pm_grid_solve(m, sc, o->n, o->type, &spec, &res, &err);
    if (st != PM_OK) {
        cli_error("%s", err.text);
        return cli_exit_for(st);
    }
    *c = o->solve == PM_SOLVE_FIRST_BEST    ? res.fb
         : o->solve == PM_SOLVE_SECOND_BEST ? res.sb
                                            : res.sbr;
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

int cli_contract(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_MONITOR_LONGOPTS,
                                             CLI_COMMON_LONGOPTS,
                                             CLI_MODEL_LONGOPTS,
                                             {"type", required_argument, NULL, 't'},
                                             {"solve", required_argument, NULL, 's'},
                                             {"n", required_argument, NULL, 'n'},
                                             {"grid", required_argument, NULL, 'g'},
                                             {"out", required_argument, NULL, 'o'},
                                             {NULL, 0, NULL, 0}};
    cli_monitor mon;
    out_format fmt = OUT_TABLE;
    opts o = {cli_model_new(), PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, 100, 0, NULL};
    pm_model m;
    pm_contract c;
    if (!o.cm)
        return CLI_EINTERNAL;
    cli_monitor_init(&mon, PM_CONV_PAPER);
    cli_parser p = {help, &mon, NULL, &fmt, opt, &o};
    int rc = cli_parse(argc, argv, longopts, &p);
    if (rc == CLI_HELP_SHOWN) {
        cli_model_free(o.cm);
        return CLI_OK;
    }
    if (!rc)
        rc = cli_monitor_finish(&mon, 0);
    if (!rc)
        rc = cli_model_finish(o.cm, &m);
    int infeasible = 0;
    if (!rc && o.grid) {
        rc = solve_grid(&m, &mon.scheme, &o, &c);
    } else if (!rc) {
        pm_error err = {{0}};
        pm_status st = pm_contract_solve(&m, &mon.scheme, o.n, o.type, o.solve, &c, &err);
        if (st == PM_EINFEASIBLE) {
            cli_error("%s", err.text);
            infeasible = 1;
        } else if (st != PM_OK) {
            cli_error("%s", err.text);
            rc = cli_exit_for(st);
        }
    }
    if (!rc) {
        out_table *tab = out_new(1);
        columns(tab, o.type);
        cli_monitor_columns(tab);
        cli_model_columns(tab);
        out_col(tab, "method");
        out_row(tab);
        cells(tab, &c);
        cli_monitor_cells(tab, &mon);
        cli_model_cells(tab, &m);
        out_str(tab, o.grid ? "grid-paper" : "exact");
        rc = cli_emit(tab, fmt);
        out_free(tab);
        if (!rc && infeasible)
            rc = CLI_EDATA;
        if (!rc && o.out)
            rc = write_contract(o.out, &c, &m, &mon.scheme, o.grid);
    }
    cli_monitor_free(&mon);
    cli_model_free(o.cm);
    return rc;
}
