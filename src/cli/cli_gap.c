/* prefmon gap: the gap to first-best against n, and its fitted rate. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "prefmon/contract.h"
#include "prefmon/fit.h"

static const char help[] =
    "usage: prefmon gap [--n LIST | --n-range A:B:COUNT] [--type linear|binary|both]\n"
    "                   [--solve restricted|second-best] [model and monitor options]\n\n"
    "The principal's shortfall from first-best, gap = C - C_n, for each n and contract\n"
    "type, with n*gap and gap*sqrt(n ln n): the paper's rates are Theta(1/n) for linear\n"
    "and Theta(1/sqrt(n log n)) for binary contracts (arXiv 2502.06387 Thm. 1-2), so the\n"
    "first column flattens for linear and the second for binary. A second table gives the\n"
    "least-squares slope of ln(gap) on ln(n) per type (about -1 for linear, a little\n"
    "steeper than -1/2 for binary).\n\n"
    "options:\n"
    "  --n LIST                  comma-separated n (default 1,3,10,30,100,300,1000)\n"
    "  --n-range A:B:COUNT       COUNT log-spaced whole numbers from A to B (deduplicated)\n"
    "  --type linear|binary|both contract families (default both)\n"
    "  --solve restricted|second-best  (default restricted)\n"
    "  --utility, --cost, --value, --u0, --wage-min, --wage-max, --config\n"
    "                            the model, as in 'prefmon contract'\n" CLI_MONITOR_HELP
    "  --format table|csv|json   output format (default table). json: an object\n"
    "                            {\"rows\": [...], \"fits\": [...]}; csv: the rows, a blank\n"
    "                            line, then the fits\n"
    "  --help                    this help\n\n"
    "Row columns: type, solve, n, eta, gap, normalized_gap, n_gap, gap_sqrt_nlogn,\n"
    "fisher_info, expected_pay, principal_utility, first_best_utility, feasible, then the\n"
    "parameters. Fit columns: type, solve, n_min, n_max, points, slope, intercept.\n"
    "Infeasible rows (feasible = false) are printed and left out of the fit; a type\n"
    "with fewer than two points of positive gap has no fit (slope and intercept null,\n"
    "with a warning). A request estimated to take over 60 s (second-best solves grow\n"
    "with n) is refused with exit status 1 before any work.\n";

typedef struct opts {
    long *ns;
    size_t count;
    int types; /* bit 0 linear, bit 1 binary */
    pm_solve solve;
} opts;

/* "A:B:COUNT": COUNT log-spaced integers from A to B, rounded, deduplicated. */
static int parse_range(const char *arg, opts *o)
{
    long a, b, c;
    char tail;
    if (sscanf(arg, "%ld:%ld:%ld%c", &a, &b, &c, &tail) != 3 || a < 1 || b < a || c < 1 ||
        c > 100000 || b > 1000000000L) {
        cli_error("--n-range: '%s' is not A:B:COUNT with 1 <= A <= B <= 1e9, COUNT >= 1", arg);
        return CLI_EUSAGE;
    }
    long *v = malloc((size_t)c * sizeof *v);
    if (!v)
        return CLI_EINTERNAL;
    size_t n = 0;
    for (long i = 0; i < c; i++) {
        double t = c == 1 ? 0 : (double)i / (double)(c - 1);
        long x = lround(exp(log((double)a) + t * (log((double)b) - log((double)a))));
        if (x < a)
            x = a;
        if (x > b)
            x = b;
        if (n == 0 || x != v[n - 1])
            v[n++] = x;
    }
    o->ns = v;
    o->count = n;
    return 0;
}

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    switch (code) {
    case CLI_OPT_N:
    case CLI_OPT_N_RANGE:
        /* Both would silently keep the last: refuse. */
        if (o->ns) {
            cli_error("--n and --n-range: give one of them");
            return CLI_EUSAGE;
        }
        if (code == CLI_OPT_N_RANGE)
            return parse_range(arg, o);
        return cli_long_list("--n", arg, 1, 1000000000L, &o->ns, &o->count);
    case CLI_OPT_TYPE:
        return cli_contract_types(arg, &o->types);
    case CLI_OPT_SOLVE:
        return cli_solve_choice(arg, &o->solve);
    }
    return CLI_NOT_MINE;
}

static int finish(void *self)
{
    static const long default_ns[] = {1, 3, 10, 30, 100, 300, 1000};
    opts *o = self;
    if (o->ns)
        return 0;
    o->ns = malloc(sizeof default_ns);
    if (!o->ns)
        return CLI_EINTERNAL;
    memcpy(o->ns, default_ns, sizeof default_ns);
    o->count = sizeof default_ns / sizeof *default_ns;
    return 0;
}

/* ---- the work limit ------------------------------------------------------ */

/* Refuse, before any work, a request the library's work model
 * (pm_contract_work_seconds) puts above PM_CONTRACT_WORK_LIMIT_S: exit 1,
 * saying what it would cost. */
static int check_work(const opts *o, const pm_model *m)
{
    double sec = 0;
    for (int ty = 0; ty < 2; ty++)
        if (o->types & (1 << ty))
            sec += pm_contract_work_seconds(m, ty ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR,
                                            o->solve, o->ns, o->count);
    if (sec <= PM_CONTRACT_WORK_LIMIT_S)
        return 0;
    cli_error("%zu values of n with --solve %s would take about %.0f s, over the limit of "
              "%.0f s; give fewer or smaller n (a smaller COUNT in --n-range)%s",
              o->count, pm_solve_name(o->solve), sec, PM_CONTRACT_WORK_LIMIT_S,
              o->solve == PM_SOLVE_SECOND_BEST ? ", --type linear or --solve restricted"
                                               : " or --type linear");
    return CLI_EDATA;
}

/* ---- the rows and the fit ------------------------------------------------- */

typedef struct tables {
    out_table *rows, *fits;
    int infeasible;
} tables;

static void declare(tables *tb)
{
    static const char *const rcols[] = {"type",
                                        "solve",
                                        "n",
                                        "eta",
                                        "gap",
                                        "normalized_gap",
                                        "n_gap",
                                        "gap_sqrt_nlogn",
                                        "fisher_info",
                                        "expected_pay",
                                        "principal_utility",
                                        "first_best_utility",
                                        "feasible"};
    static const char *const fcols[] = {"type",   "solve", "n_min",    "n_max",
                                        "points", "slope", "intercept"};
    for (size_t i = 0; i < sizeof rcols / sizeof *rcols; i++)
        out_col(tb->rows, rcols[i]);
    cli_monitor_columns(tb->rows);
    cli_model_columns(tb->rows);
    for (size_t i = 0; i < sizeof fcols / sizeof *fcols; i++)
        out_col(tb->fits, fcols[i]);
}

/* One row: every access to the contract's fields is here. */
static void row(tables *tb, const pm_contract *c, long n, const cli_monitor *mon, const pm_model *m)
{
    double dn = (double)n;
    out_row(tb->rows);
    out_str(tb->rows, pm_contract_type_name(c->terms.type));
    out_str(tb->rows, pm_solve_name(c->solve));
    out_int(tb->rows, n);
    out_num(tb->rows, c->eta);
    out_num(tb->rows, c->gap);
    out_num(tb->rows, c->normalized_gap);
    out_num(tb->rows, dn * c->gap);
    out_num(tb->rows, c->gap * sqrt(dn * log(dn)));
    /* I(eta*): infinite where m is 0 or 1, printed as null */
    cli_num_finite(tb->rows, pm_scheme_fisher(&mon->scheme, c->first_best_eta));
    out_num(tb->rows, c->expected_pay);
    out_num(tb->rows, c->principal_utility);
    out_num(tb->rows, c->first_best_utility);
    out_bool(tb->rows, c->feasible);
    cli_monitor_cells(tb->rows, mon);
    cli_model_cells(tb->rows, m);
}

/* The fit row of one type from its feasible points (x = n, y = gap). With
 * fewer than two usable points (gap finite and > 0) there is no rate:
 * slope and intercept are null, with a warning. */
static void fit_row(tables *tb, pm_contract_type type, pm_solve solve, const double *x,
                    const double *y, size_t count)
{
    pm_fit f;
    pm_error err = {0};
    pm_status st = pm_loglog_fit(x, y, count, &f, &err);
    out_row(tb->fits);
    out_str(tb->fits, pm_contract_type_name(type));
    out_str(tb->fits, pm_solve_name(solve));
    size_t used = 0;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < count; i++) {
        if (!(isfinite(y[i]) && y[i] > 0))
            continue;
        lo = used && lo < x[i] ? lo : x[i];
        hi = used && hi > x[i] ? hi : x[i];
        used++;
    }
    if (used) {
        out_int(tb->fits, (long long)lo);
        out_int(tb->fits, (long long)hi);
    } else {
        out_null(tb->fits);
        out_null(tb->fits);
    }
    out_int(tb->fits, (long long)used);
    if (st == PM_OK) {
        out_num(tb->fits, f.slope);
        out_num(tb->fits, f.intercept);
    } else {
        cli_warn("%s: no fitted rate: %s", pm_contract_type_name(type), err.text);
        out_null(tb->fits);
        out_null(tb->fits);
    }
}

static int solve_type(tables *tb, const opts *o, pm_contract_type type, const cli_monitor *mon,
                      const pm_model *m)
{
    double *x = malloc(o->count * sizeof *x), *y = malloc(o->count * sizeof *y);
    size_t np = 0;
    int rc = x && y ? 0 : CLI_EINTERNAL;
    for (size_t i = 0; !rc && i < o->count; i++) {
        pm_contract c;
        pm_error err = {0};
        pm_status st = pm_contract_solve(m, &mon->scheme, o->ns[i], type, o->solve, &c, &err);
        if (st != PM_OK && st != PM_EINFEASIBLE) {
            rc = cli_fail(NULL, st, &err);
            break;
        }
        tb->infeasible += st == PM_EINFEASIBLE;
        row(tb, &c, o->ns[i], mon, m);
        if (c.feasible) {
            x[np] = (double)o->ns[i];
            y[np++] = c.gap;
        }
    }
    if (!rc)
        fit_row(tb, type, o->solve, x, y, np);
    free(x);
    free(y);
    return rc;
}

/* json: {"rows": [...], "fits": [...]}; csv and table: rows, a blank
 * line, fits. */
static int emit(const tables *tb, out_format fmt)
{
    /* --columns names checked against both tables before either is printed */
    int ok = cli_check_columns(tb->rows);
    if (!ok)
        ok = cli_check_columns(tb->fits);
    if (ok)
        return ok;
    if (fmt == OUT_JSON) {
        json_t *doc = json_object();
        int bad = !doc || json_object_set_new(doc, "rows", out_json_view(tb->rows)) ||
                  json_object_set_new(doc, "fits", out_json_view(tb->fits));
        bad = bad || out_write_json(doc, stdout) || fflush(stdout);
        json_decref(doc);
        if (bad)
            cli_error("cannot write the output: %s", strerror(errno));
        return bad ? CLI_EIO : 0;
    }
    out_note(tb->fits, "fitted slope of ln(gap) on ln(n) (theory: linear -1, binary a "
                       "little below -1/2)");
    int rc = cli_emit(tb->rows, fmt);
    if (!rc && fputc('\n', stdout) == EOF)
        rc = CLI_EIO;
    return rc ? rc : cli_emit(tb->fits, fmt);
}

int cli_gap(int argc, char **argv)
{
    static const struct option own[] = {{"n", required_argument, NULL, CLI_OPT_N},
                                        {"n-range", required_argument, NULL, CLI_OPT_N_RANGE},
                                        {"type", required_argument, NULL, CLI_OPT_TYPE},
                                        {"solve", required_argument, NULL, CLI_OPT_SOLVE},
                                        {NULL, 0, NULL, 0}};
    cli_monitor mon;
    cli_model cm;
    cli_output out;
    opts o = {NULL, 0, 3, PM_SOLVE_RESTRICTED};
    cli_monitor_init(&mon, PM_CONV_PAPER);
    cli_model_init(&cm);
    cli_output_init(&out, 0);
    const cli_group groups[] = {{own, opt, finish, &o},
                                cli_monitor_group(&mon),
                                cli_model_group(&cm),
                                cli_output_group(&out)};
    int rc;
    if (cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc) &&
        !(rc = check_work(&o, &cm.model))) {
        tables tb = {out_new(0), out_new(0), 0};
        rc = tb.rows && tb.fits ? 0 : CLI_EINTERNAL;
        if (!rc)
            declare(&tb);
        for (int ty = 0; ty < 2 && !rc; ty++)
            if (o.types & (1 << ty))
                rc = solve_type(&tb, &o, ty ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR, &mon,
                                &cm.model);
        if (!rc)
            rc = emit(&tb, out.fmt);
        if (!rc && tb.infeasible)
            cli_warn("%d of the requested contracts are infeasible (feasible = false)",
                     tb.infeasible);
        out_free(tb.rows);
        out_free(tb.fits);
    }
    free(o.ns);
    cli_monitor_free(&mon);
    return rc;
}
