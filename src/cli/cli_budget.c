/* prefmon budget: how many monitored items per annotator to buy. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "prefmon/budget.h"
#include "prefmon/outfile.h"

static const char help[] =
    "usage: prefmon budget --dup-cost C [--gold-cost C --cbar C | --pref-scores FILE]\n"
    "                      [--monitor self|expert|both] [--type linear|binary|both]\n"
    "                      [--solve restricted|second-best] [--label-pay P] [--max-n N]\n"
    "                      [--queue-length L] [--curve-out FILE] [model and monitor options]\n\n"
    "The number n* of monitored items per annotator (duplicate pairs for self-consistency,\n"
    "gold items for expert monitoring) that maximises the principal's utility net of\n"
    "their cost, V(n) = C_n - unit_cost n, C_n the principal's utility mu(eta) - E[w] of\n"
    "the optimal contract for n items (arXiv 2502.06387 §5-7). Money is in the model's\n"
    "wage units (those of w, --wage-min and --wage-max). One monitored item costs\n"
    "  self    --dup-cost + --label-pay   (one duplicate label)\n"
    "  expert  --gold-cost + --label-pay  (one gold item; a gold label shared by A\n"
    "          annotators costs each gold_cost / A: pass that).\n"
    "n* is found by a grid + local search: every n in 1..200, then a geometric grid\n"
    "(x1.1) up to --max-n, zoom rounds of 8 points between the best point's grid\n"
    "neighbours, then every n within 64 of the best, up to five times (exact below 200; the\n"
    "solves used are in the output). Rule of thumb for linear contracts: gap ~ A/n,\n"
    "so n* ~ sqrt(A / unit_cost) (rule_n; doc/budget.md).\n\n"
    "options:\n"
    "  --dup-cost C              price of one duplicate label (self), >= 0\n"
    "  --gold-cost C             price of one gold item per annotator (expert), >= 0\n"
    "  --label-pay P             the annotator's pay for the time of one monitored label on\n"
    "                            top of the contract (default 0: the contract's wage covers\n"
    "                            the whole queue, copies and gold included)\n"
    "  --monitor self|expert|both  schemes to compare (default self, and expert when --cbar\n"
    "                            or --pref-scores is given)\n"
    "  --type linear|binary|both contract families (default both)\n"
    "  --solve restricted|second-best  (default second-best)\n"
    "  --max-n N                 largest n searched (default 100000; at most 1000000)\n"
    "  --queue-length L          slots per annotator: adds n*/L, the duplicate fraction\n"
    "                            (plan --dup-rate; each duplicate is one extra copy, so d\n"
    "                            pairs take 2d of the L slots) or gold fraction (plan\n"
    "                            --gold-rate), and whether it fits (self 2n <= L, expert\n"
    "                            n <= L)\n"
    "  --curve-out FILE          write V(n) and the gap for every n solved, as CSV\n"
    "  --utility, --cost, --value, --u0, --wage-min, --wage-max, --config\n"
    "                            the model, as in 'prefmon contract'\n" CLI_MONITOR_HELP
    "  --format table|csv|json   output format (default table); json is {\"search\",\n"
    "                            \"optimum\": [...], \"curve\": [...]}\n"
    "  --out FILE                write the output to FILE instead of stdout (never partial)\n"
    "  --help                    this help\n\n"
    "Columns: monitor, convention, delta, q0, cbar, c, type, solve, n_star, net_utility,\n"
    "principal_utility, gap, monitoring_cost, unit_cost, eta, expected_pay, k,\n"
    "no_monitoring (V with no monitoring: constant wage, eta 0), gain, first_best_utility,\n"
    "rule_n, at_max_n, queue_length, fraction, fits, solves, grid_points, max_n, search,\n"
    "dup_cost, gold_cost, label_pay, then the model. A zero cost makes V rise to the end:\n"
    "n* = --max-n, at_max_n = true, with a warning.\n";

#define SCHEME_SELF 1
#define SCHEME_EXPERT 2

typedef struct opts {
    int types;   /* bit 0 linear, bit 1 binary */
    int schemes; /* SCHEME_SELF | SCHEME_EXPERT; 0 until decided */
    pm_solve solve;
    pm_budget_costs costs;
    int have_dup, have_gold, have_label_pay, expert_opts;
    long max_n, queue;
    const char *curve_out;
    cli_monitor *self, *expert; /* --cbar and --pref-scores go to expert */
} opts;

static int cost_opt(const char *name, const char *arg, double *v, int *have)
{
    *have = 1;
    return cli_double(name, arg, 0, DBL_MAX, v);
}

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    int i = 0, r;
    switch (code) {
    case CLI_OPT_MONITOR: {
        static const char *const names[] = {"self", "expert", "both", NULL};
        r = cli_choice("--monitor", arg, names, &i);
        o->schemes = i + 1; /* 1 self, 2 expert, 3 both */
        return r;
    }
    case CLI_OPT_CBAR:
    case CLI_OPT_PREF_SCORES:
        o->expert_opts = 1;
        return cli_monitor_group(o->expert).opt(o->expert, code, arg);
    case CLI_OPT_TYPE:
        return cli_contract_types(arg, &o->types);
    case CLI_OPT_SOLVE:
        return cli_solve_choice(arg, &o->solve);
    case CLI_OPT_DUP_COST:
        return cost_opt("--dup-cost", arg, &o->costs.dup_cost, &o->have_dup);
    case CLI_OPT_GOLD_COST:
        return cost_opt("--gold-cost", arg, &o->costs.gold_cost, &o->have_gold);
    case CLI_OPT_LABEL_PAY:
        return cost_opt("--label-pay", arg, &o->costs.label_pay, &o->have_label_pay);
    case CLI_OPT_MAX_N:
        return cli_long("--max-n", arg, 1, 1000000000L, &o->max_n);
    case CLI_OPT_QUEUE_LENGTH:
        return cli_long("--queue-length", arg, 1, 1000000000L, &o->queue);
    case CLI_OPT_CURVE_OUT:
        o->curve_out = arg;
        return 0;
    }
    return CLI_NOT_MINE;
}

/* The first option that does not fit the chosen schemes, or NULL. */
static const char *combination_error(const opts *o)
{
    const cli_monitor *s = o->self;
    int self = o->schemes & SCHEME_SELF, expert = o->schemes & SCHEME_EXPERT;
    if (!self && (s->have_delta || s->have_q0 || s->have_convention))
        return "--delta, --q0 and --convention describe the self scheme: add --monitor self "
               "or both";
    if (!expert && o->expert_opts)
        return "--cbar and --pref-scores describe the expert: use --monitor expert or both";
    if (self && !o->have_dup)
        return "--dup-cost C is required for self-consistency (the price of one duplicate "
               "label, in wage units)";
    if (expert && !o->have_gold)
        return "--gold-cost C is required for expert monitoring (the price of one gold item "
               "per annotator, in wage units)";
    if (!self && o->have_dup)
        return "--dup-cost: applies to self-consistency; add --monitor self or both";
    if (!expert && o->have_gold)
        return "--gold-cost: applies to expert monitoring; add --monitor expert or both";
    return NULL;
}

/* Runs first: decide the schemes, then build the expert scheme through
 * the monitor group's own checks (the self scheme's group runs next). */
static int finish(void *self)
{
    opts *o = self;
    if (!o->schemes)
        o->schemes = SCHEME_SELF | (o->expert_opts ? SCHEME_EXPERT : 0);
    const char *e = combination_error(o);
    if (e) {
        cli_error("%s", e);
        return CLI_EUSAGE;
    }
    if (!(o->schemes & SCHEME_EXPERT))
        return 0;
    o->expert->kind = PM_MONITOR_EXPERT;
    o->expert->have_monitor = 1;
    return cli_monitor_group(o->expert).finish(o->expert);
}

/* ---- the tables ----------------------------------------------------------- */

typedef struct tables {
    out_table *best, *curve;
    char search[160];
} tables;

static void declare(tables *tb)
{
    static const char *const bcols[] = {"type",
                                        "solve",
                                        "n_star",
                                        "net_utility",
                                        "principal_utility",
                                        "gap",
                                        "monitoring_cost",
                                        "unit_cost",
                                        "eta",
                                        "expected_pay",
                                        "k",
                                        "no_monitoring",
                                        "gain",
                                        "first_best_utility",
                                        "rule_n",
                                        "at_max_n",
                                        "queue_length",
                                        "fraction",
                                        "fits",
                                        "solves",
                                        "grid_points",
                                        "max_n",
                                        "search"};
    static const char *const ccols[] = {"type",
                                        "solve",
                                        "n",
                                        "stage",
                                        "feasible",
                                        "net_utility",
                                        "principal_utility",
                                        "gap",
                                        "monitoring_cost",
                                        "eta",
                                        "expected_pay",
                                        "unit_cost"};
    static const char *const costs[] = {"dup_cost", "gold_cost", "label_pay"};
    cli_monitor_columns(tb->best);
    for (size_t i = 0; i < sizeof bcols / sizeof *bcols; i++)
        out_col(tb->best, bcols[i]);
    cli_monitor_columns(tb->curve);
    for (size_t i = 0; i < sizeof ccols / sizeof *ccols; i++)
        out_col(tb->curve, ccols[i]);
    for (size_t i = 0; i < sizeof costs / sizeof *costs; i++) {
        out_col(tb->best, costs[i]);
        out_col(tb->curve, costs[i]);
    }
    cli_model_columns(tb->best);
    cli_model_columns(tb->curve);
}

static void cost_cells(out_table *t, const opts *o)
{
    if (o->have_dup)
        out_num(t, o->costs.dup_cost);
    else
        out_null(t);
    if (o->have_gold)
        out_num(t, o->costs.gold_cost);
    else
        out_null(t);
    out_num(t, o->costs.label_pay);
}

static void best_row(tables *tb, const opts *o, const cli_monitor *mon, const pm_model *m,
                     const pm_budget_result *r, double rule_n)
{
    out_table *t = tb->best;
    const pm_budget_point *b = &r->best;
    out_row(t);
    cli_monitor_cells(t, mon);
    out_str(t, pm_contract_type_name(r->contract.terms.type));
    out_str(t, pm_solve_name(o->solve));
    out_int(t, b->n);
    out_num(t, b->value);
    out_num(t, b->principal_utility);
    out_num(t, b->gap);
    out_num(t, b->monitoring_cost);
    out_num(t, r->unit_cost);
    out_num(t, b->eta);
    out_num(t, b->expected_pay);
    if (r->contract.terms.type == PM_CONTRACT_BINARY)
        out_int(t, r->contract.terms.k);
    else
        out_null(t);
    out_num(t, r->no_monitoring);
    out_num(t, b->value - r->no_monitoring);
    out_num(t, r->first_best_utility);
    if (r->contract.terms.type == PM_CONTRACT_LINEAR)
        cli_num_finite(t, rule_n);
    else
        out_null(t);
    out_bool(t, r->at_max_n);
    int fits = 0;
    if (o->queue) {
        out_int(t, o->queue);
        out_num(t, pm_budget_queue_fraction(mon->scheme.kind, b->n, o->queue, &fits));
        out_bool(t, fits);
    } else {
        out_null(t);
        out_null(t);
        out_null(t);
    }
    out_int(t, r->solves);
    out_int(t, r->grid_points);
    out_int(t, o->max_n);
    out_str(t, tb->search);
    cost_cells(t, o);
    cli_model_cells(t, m);
}

static void curve_rows(tables *tb, const opts *o, const cli_monitor *mon, const pm_model *m,
                       pm_contract_type type, double unit_cost, const pm_budget_point *pts,
                       size_t count)
{
    static const char *const stages[] = {"dense", "geometric", "zoom", "neighbourhood"};
    out_table *t = tb->curve;
    for (size_t i = 0; i < count; i++) {
        const pm_budget_point *p = &pts[i];
        out_row(t);
        cli_monitor_cells(t, mon);
        out_str(t, pm_contract_type_name(type));
        out_str(t, pm_solve_name(o->solve));
        out_int(t, p->n);
        out_str(t, stages[p->stage & 3]);
        out_bool(t, p->feasible);
        out_num(t, p->value);
        out_num(t, p->principal_utility);
        out_num(t, p->gap);
        out_num(t, p->monitoring_cost);
        out_num(t, p->eta);
        out_num(t, p->expected_pay);
        out_num(t, unit_cost);
        cost_cells(t, o);
        cli_model_cells(t, m);
    }
}

/* One scheme and type: search, then its optimum row and its curve. */
static int run_one(tables *tb, const opts *o, const cli_monitor *mon, const pm_model *m,
                   pm_contract_type type, const pm_budget_search *s, pm_budget_point *pts)
{
    double unit = pm_budget_unit_cost(mon->scheme.kind, &o->costs), rule_n = NAN;
    pm_budget_result r;
    size_t count = 0;
    pm_error err = {0};
    const char *scheme = pm_monitor_name(mon->scheme.kind), *tname = pm_contract_type_name(type);
    if (!isfinite(unit)) {
        cli_error("%s: the cost of one monitored item overflows (price + --label-pay)", scheme);
        return CLI_EUSAGE;
    }
    pm_budget_request req;
    pm_budget_request_default(&req);
    req.model = m;
    req.scheme = &mon->scheme;
    req.type = type;
    req.solve = o->solve;
    req.unit_cost = unit;
    req.search = *s;
    pm_status st = pm_budget_optimize(&req, &r, pts, &count, &err);
    if (st != PM_OK) {
        char what[64];
        snprintf(what, sizeof what, "%s %s", scheme, tname);
        return cli_fail(what, st, &err);
    }
    if (type == PM_CONTRACT_LINEAR &&
        pm_budget_rule(m, &mon->scheme, unit, NULL, &rule_n, NULL) != PM_OK)
        rule_n = NAN;
    best_row(tb, o, mon, m, &r, rule_n);
    curve_rows(tb, o, mon, m, type, unit, pts, count);
    if (unit == 0)
        cli_warn("%s %s: the cost of a monitored item is 0, so V(n) = C_n, which approaches C "
                 "as n grows: n* = %ld is where the search up to --max-n = %ld found C_n "
                 "highest, not a budget",
                 scheme, tname, r.best.n, o->max_n);
    else if (r.at_max_n)
        cli_warn("%s %s: n* = --max-n = %ld: V(n) still rises at the end of the search; it is "
                 "the search's edge, not an optimum (raise --max-n)",
                 scheme, tname, o->max_n);
    if (!r.settled)
        cli_warn("%s %s: the best n still moved after the last neighbourhood of the local "
                 "search (V is ragged here): n* = %ld is the best of %ld solves",
                 scheme, tname, r.best.n, r.solves);
    int fits = 1;
    if (o->queue)
        pm_budget_queue_fraction(mon->scheme.kind, r.best.n, o->queue, &fits);
    if (!fits)
        cli_warn("%s %s: n* = %ld %s do not fit in a queue of %ld slots", scheme, tname, r.best.n,
                 mon->scheme.kind == PM_MONITOR_SELF ? "duplicate pairs (2n slots)" : "gold items",
                 o->queue);
    if (r.infeasible)
        cli_warn("%s %s: %ld of the %ld values of n solved have no feasible contract (left "
                 "out of the search)",
                 scheme, tname, r.infeasible, r.solves);
    return 0;
}

/* ---- output ------------------------------------------------------------------ */

static int write_all(const tables *tb, const pm_budget_search *s, out_format fmt, FILE *fp)
{
    if (fmt != OUT_JSON)
        return out_write_view(tb->best, fmt, fp);
    json_t *doc = json_object(), *search = json_object();
    int bad = !doc || !search || json_object_set_new(search, "method", json_string(tb->search)) ||
              json_object_set_new(search, "max_n", json_integer(s->max_n)) ||
              json_object_set_new(search, "dense_max", json_integer(s->dense_max)) ||
              json_object_set_new(search, "ratio", json_real(s->ratio)) ||
              json_object_set_new(search, "zoom", json_integer(s->zoom)) ||
              json_object_set_new(search, "radius", json_integer(s->radius)) ||
              json_object_set_new(search, "max_solves", json_integer(s->max_solves)) ||
              json_object_set_new(doc, "search", search) ||
              json_object_set_new(doc, "optimum", out_json_view(tb->best)) ||
              json_object_set_new(doc, "curve", out_json(tb->curve));
    if (!doc || !search)
        json_decref(search);
    bad = bad || out_write_json(doc, fp);
    json_decref(doc);
    return bad ? -1 : 0;
}

/* Written and flushed, with the reason of a failed write in *err. */
static pm_status flushed(pm_outfile *of, int bad, const char *path, pm_error *err)
{
    FILE *fp = pm_outfile_stream(of);
    if (bad || ferror(fp) || fflush(fp) != 0)
        return pm_error_set(err, PM_EIO, "%s: %s", path, strerror(errno ? errno : EIO));
    return PM_OK;
}

/* The table, CSV or JSON (to --out or stdout) and the curve (--curve-out):
 * both or neither. Every output is written and flushed before either file
 * is put in place, so a full disk or device on one leaves the other as it
 * was (a write-through device reports its error on the flush). */
static int emit(const tables *tb, const pm_budget_search *s, out_format fmt, const char *path,
                const char *curve_path)
{
    pm_outfile *of = NULL, *cf = NULL;
    pm_error err = {0};
    pm_status st = PM_OK;
    const char *what = "--curve-out";
    int bad_columns = cli_check_columns(tb->best);
    if (bad_columns)
        return bad_columns; /* before any file is opened */
    errno = 0;
    if (curve_path && (st = pm_outfile_open(curve_path, &cf, &err)) == PM_OK)
        st = flushed(cf, out_write(tb->curve, OUT_CSV, pm_outfile_stream(cf)) != 0, curve_path,
                     &err);
    if (st == PM_OK && path) {
        what = "--out";
        errno = 0;
        if ((st = pm_outfile_open(path, &of, &err)) == PM_OK)
            st = flushed(of, write_all(tb, s, fmt, pm_outfile_stream(of)) != 0, path, &err);
    }
    if (st == PM_OK && !path) {
        errno = 0;
        if (write_all(tb, s, fmt, stdout) || fflush(stdout)) {
            pm_outfile_abort(cf);
            cli_error("cannot write the output: %s", strerror(errno ? errno : EIO));
            return CLI_EIO;
        }
    }
    if (st == PM_OK && of) {
        what = "--out";
        st = pm_outfile_commit(of, &err);
        of = NULL;
    }
    if (st == PM_OK && cf) {
        what = "--curve-out";
        st = pm_outfile_commit(cf, &err);
        cf = NULL;
    }
    pm_outfile_abort(of);
    pm_outfile_abort(cf);
    return st == PM_OK ? 0 : cli_fail(what, st, &err);
}

static void notes(tables *tb)
{
    out_note(tb->best, "V(n) = C_n - unit_cost n, in wage units; self: unit_cost = dup_cost + "
                       "label_pay per duplicate; expert: gold_cost + label_pay per gold item");
    out_note(tb->best, "n* by grid + local search (%s); solves per row in 'solves'", tb->search);
    out_note(tb->best, "rule of thumb (linear): gap ~ A/n, so n* ~ sqrt(A / unit_cost) = rule_n");
}

static int run(const opts *o, const cli_monitor *const mons[2], const pm_model *m, out_format fmt,
               const char *out_path)
{
    pm_budget_search s;
    pm_budget_search_default(&s);
    s.max_n = o->max_n;
    tables tb = {out_new(0), out_new(0), {0}};
    pm_budget_point *pts = malloc((size_t)s.max_solves * sizeof *pts);
    int rc = tb.best && tb.curve && pts ? 0 : CLI_EINTERNAL;
    if (s.max_n <= s.dense_max)
        snprintf(tb.search, sizeof tb.search, "all n in 1..%ld (exhaustive)", s.max_n);
    else
        snprintf(tb.search, sizeof tb.search,
                 "all n in 1..%ld, x%g to %ld, zoom %ld, all n within %ld of the best", s.dense_max,
                 s.ratio, s.max_n, s.zoom, s.radius);
    /* Over the limit: refused before any work, with the cost of the
     * dearest contract type asked for. */
    if (!rc && s.max_n > PM_BUDGET_MAX_N) {
        pm_budget_result r;
        pm_error err = {0};
        pm_budget_request req;
        pm_budget_request_default(&req);
        req.model = m;
        req.scheme = &mons[0]->scheme;
        req.type = o->types & 2 ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR;
        req.solve = o->solve;
        req.search = s;
        pm_status st = pm_budget_optimize(&req, &r, NULL, NULL, &err);
        rc = cli_fail("--max-n", st, &err);
        /* --max-n over a stated limit is a usage error (exit 2). */
        if (st == PM_ELIMIT)
            rc = CLI_EUSAGE;
    }
    if (!rc) {
        declare(&tb);
        notes(&tb);
    }
    for (int k = 0; k < 2 && !rc; k++)
        for (int ty = 0; ty < 2 && !rc && mons[k]; ty++)
            if (o->types & (1 << ty))
                rc = run_one(&tb, o, mons[k], m, ty ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR, &s,
                             pts);
    if (!rc)
        rc = emit(&tb, &s, fmt, out_path, o->curve_out);
    free(pts);
    out_free(tb.best);
    out_free(tb.curve);
    return rc;
}

int cli_budget(int argc, char **argv)
{
    static const struct option own[] = {
        {"type", required_argument, NULL, CLI_OPT_TYPE},
        {"solve", required_argument, NULL, CLI_OPT_SOLVE},
        {"dup-cost", required_argument, NULL, CLI_OPT_DUP_COST},
        {"gold-cost", required_argument, NULL, CLI_OPT_GOLD_COST},
        {"label-pay", required_argument, NULL, CLI_OPT_LABEL_PAY},
        {"max-n", required_argument, NULL, CLI_OPT_MAX_N},
        {"queue-length", required_argument, NULL, CLI_OPT_QUEUE_LENGTH},
        {"curve-out", required_argument, NULL, CLI_OPT_CURVE_OUT},
        {NULL, 0, NULL, 0}};
    cli_monitor self_mon, expert_mon;
    cli_model cm;
    cli_output out;
    opts o = {3,    0,         PM_SOLVE_SECOND_BEST, {0, 0, 0}, 0, 0, 0, 0, 100000, 0,
              NULL, &self_mon, &expert_mon};
    cli_monitor_init(&self_mon, PM_CONV_PAPER);
    cli_monitor_init(&expert_mon, PM_CONV_PAPER);
    cli_model_init(&cm);
    cli_output_init(&out, 1);
    /* Own group first: it takes --monitor (self|expert|both) and the
     * expert's --cbar / --pref-scores before the self scheme's group. */
    const cli_group groups[] = {{own, opt, finish, &o},
                                cli_monitor_group(&self_mon),
                                cli_model_group(&cm),
                                cli_output_group(&out)};
    int rc, go = cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc);
    if (go && o.curve_out && out.out_path && pm_path_same(out.out_path, o.curve_out)) {
        cli_error("--out %s and --curve-out %s name the same file (one would overwrite the "
                  "other)",
                  out.out_path, o.curve_out);
        rc = CLI_EUSAGE;
    } else if (go) {
        const cli_monitor *mons[2] = {o.schemes & SCHEME_SELF ? &self_mon : NULL,
                                      o.schemes & SCHEME_EXPERT ? &expert_mon : NULL};
        if (!mons[0]) {
            mons[0] = mons[1];
            mons[1] = NULL;
        }
        rc = run(&o, mons, &cm.model, out.fmt, out.out_path);
    }
    cli_monitor_free(&self_mon);
    cli_monitor_free(&expert_mon);
    return rc;
}
