/* prefmon gap: the gap to first-best against n, and its fitted rate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "prefmon/contract.h"

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
    "Infeasible rows (feasible = false) are printed and left out of the fit.\n";

typedef struct opts {
    cli_model *cm;
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
    free(o->ns);
    o->ns = v;
    o->count = n;
    return 0;
}

static int opt(void *ud, int code, const char *arg)
{
    opts *o = ud;
    int r = cli_model_opt(o->cm, code, arg);
    if (r >= 0)
        return r;
    switch (code) {
    case 'n':
        free(o->ns);
        o->ns = NULL;
        return cli_long_list("--n", arg, 1, 1000000000L, &o->ns, &o->count);
    case 'r':
        return parse_range(arg, o);
    case 't': {
        static const char *const names[] = {"linear", "binary", "both", NULL};
        int i = 0;
        r = cli_choice("--type", arg, names, &i);
        o->types = i + 1; /* bit mask: 1 linear, 2 binary, 3 both */
        return r;
    }
    case 's': {
        static const char *const names[] = {"restricted", "second-best", NULL};
        int i = 0;
        r = cli_choice("--solve", arg, names, &i);
        o->solve = i ? PM_SOLVE_SECOND_BEST : PM_SOLVE_RESTRICTED;
        return r;
    }
    }
    return -1;
}

typedef struct fit {
    double sx, sy, sxx, sxy;
    long n, nmin, nmax;
} fit;

static void fit_add(fit *f, long n, double gap)
{
    if (!(gap > 0) || !isfinite(gap))
        return;
    double x = log((double)n), y = log(gap);
    f->sx += x;
    f->sy += y;
    f->sxx += x * x;
    f->sxy += x * y;
    if (f->n == 0 || n < f->nmin)
        f->nmin = n;
    if (f->n == 0 || n > f->nmax)
        f->nmax = n;
    f->n++;
}

/* Write t into a string in fmt (for composing the JSON object). */
static char *table_string(const out_table *t, out_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        return NULL;
    int bad = out_write(t, fmt, fp) != 0;
    if (fclose(fp) != 0 || bad) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* {"rows": [...], "fits": [...]}: the two tables' own JSON spliced into
 * one object (no reparse, so numbers keep out.c's shortest round-trip
 * form). */
static int emit_json(const out_table *rows, const out_table *fits)
{
    char *a = table_string(rows, OUT_JSON), *b = table_string(fits, OUT_JSON);
    int rc = CLI_EINTERNAL;
    if (a && b) {
        size_t la = strlen(a), lb = strlen(b);
        while (la && a[la - 1] == '\n')
            a[--la] = 0;
        while (lb && b[lb - 1] == '\n')
            b[--lb] = 0;
        rc = printf("{\"rows\": %s,\n\"fits\": %s}\n", a, b) < 0 || fflush(stdout) ? CLI_EIO : 0;
        if (rc)
            cli_error("cannot write the output");
    }
    free(a);
    free(b);
    return rc;
}

int cli_gap(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_MONITOR_LONGOPTS,
                                             CLI_COMMON_LONGOPTS,
                                             CLI_MODEL_LONGOPTS,
                                             {"n", required_argument, NULL, 'n'},
                                             {"n-range", required_argument, NULL, 'r'},
                                             {"type", required_argument, NULL, 't'},
                                             {"solve", required_argument, NULL, 's'},
                                             {NULL, 0, NULL, 0}};
    static const long default_ns[] = {1, 3, 10, 30, 100, 300, 1000};
    cli_monitor mon;
    out_format fmt = OUT_TABLE;
    opts o = {cli_model_new(), NULL, 0, 3, PM_SOLVE_RESTRICTED};
    pm_model m;
    if (!o.cm)
        return CLI_EINTERNAL;
    cli_monitor_init(&mon, PM_CONV_PAPER);
    cli_parser p = {help, &mon, NULL, &fmt, opt, &o};
    int rc = cli_parse(argc, argv, longopts, &p);
    if (rc == CLI_HELP_SHOWN) {
        rc = CLI_OK;
        goto done;
    }
    if (!rc && !o.ns) {
        o.count = sizeof default_ns / sizeof *default_ns;
        o.ns = malloc(sizeof default_ns);
        if (!o.ns)
            rc = CLI_EINTERNAL;
        else
            memcpy(o.ns, default_ns, sizeof default_ns);
    }
    if (!rc)
        rc = cli_monitor_finish(&mon, 0);
    if (!rc)
        rc = cli_model_finish(o.cm, &m);
    if (rc)
        goto done;

    out_table *rows = out_new(0), *fits = out_new(0);
    static const char *rcols[] = {"type",
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
    static const char *fcols[] = {"type",   "solve", "n_min",    "n_max",
                                  "points", "slope", "intercept"};
    for (size_t i = 0; i < sizeof rcols / sizeof *rcols; i++)
        out_col(rows, rcols[i]);
    cli_monitor_columns(rows);
    cli_model_columns(rows);
    for (size_t i = 0; i < sizeof fcols / sizeof *fcols; i++)
        out_col(fits, fcols[i]);

    int infeasible = 0;
    for (int ty = 0; ty < 2 && !rc; ty++) {
        if (!(o.types & (1 << ty)))
            continue;
        pm_contract_type type = ty ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR;
        fit f = {0};
        for (size_t i = 0; i < o.count; i++) {
            pm_contract c;
            pm_error err = {0};
            long n = o.ns[i];
            pm_status st = pm_contract_solve(&m, &mon.scheme, n, type, o.solve, &c, &err);
            if (st != PM_OK && st != PM_EINFEASIBLE) {
                cli_error("%s", err.text);
                rc = cli_exit_for(st);
                break;
            }
            if (st == PM_EINFEASIBLE)
                infeasible++;
            double dn = (double)n;
            out_row(rows);
            out_str(rows, pm_contract_type_name(type));
            out_str(rows, pm_solve_name(o.solve));
            out_int(rows, n);
            out_num(rows, c.eta);
            out_num(rows, c.gap);
            out_num(rows, c.normalized_gap);
            out_num(rows, dn * c.gap);
            out_num(rows, c.gap * sqrt(dn * log(dn)));
            out_num(rows, pm_scheme_fisher(&mon.scheme, c.first_best_eta));
            out_num(rows, c.expected_pay);
            out_num(rows, c.principal_utility);
            out_num(rows, c.first_best_utility);
            out_bool(rows, c.feasible);
            cli_monitor_cells(rows, &mon);
            cli_model_cells(rows, &m);
            if (c.feasible)
                fit_add(&f, n, c.gap);
        }
        out_row(fits);
        out_str(fits, pm_contract_type_name(type));
        out_str(fits, pm_solve_name(o.solve));
        double den = (double)f.n * f.sxx - f.sx * f.sx;
        double slope = f.n >= 2 && den > 0 ? ((double)f.n * f.sxy - f.sx * f.sy) / den : NAN;
        if (f.n) {
            out_int(fits, f.nmin);
            out_int(fits, f.nmax);
        } else {
            out_null(fits);
            out_null(fits);
        }
        out_int(fits, f.n);
        out_num(fits, slope);
        out_num(fits, f.n ? (f.sy - slope * f.sx) / (double)f.n : NAN);
    }
    if (!rc) {
        if (fmt == OUT_JSON) {
            rc = emit_json(rows, fits);
        } else {
            out_note(fits, "fitted slope of ln(gap) on ln(n) (theory: linear -1, binary a "
                           "little below -1/2)");
            rc = cli_emit(rows, fmt);
            if (!rc && (fputc('\n', stdout) == EOF))
                rc = CLI_EIO;
            if (!rc)
                rc = cli_emit(fits, fmt);
        }
    }
    if (!rc && infeasible)
        cli_warn("%d of the requested contracts are infeasible (feasible = false)", infeasible);
    out_free(rows);
    out_free(fits);
done:
    free(o.ns);
    cli_monitor_free(&mon);
    cli_model_free(o.cm);
    return rc;
}
