/* prefmon report: the weekly HTML report from an assessment, a contract and
 * the payments. This file reads the inputs and computes every number shown;
 * cli_report_doc.c lays them out; the library's report module renders. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cli_csv.h"
#include "cli_report.h"
#include "prefmon/binom.h"
#include "prefmon/outfile.h"
#include "prefmon/pay.h"

static const char help[] =
    "usage: prefmon report --assess FILE [--contract FILE] [--payments FILE] --out FILE\n"
    "                      [--gap-n LIST] [--format table|csv|json]\n\n"
    "One self-contained HTML page (inline CSS and SVG, no network) for a week of\n"
    "annotation: the annotator table (sortable), each annotator's consistency with its\n"
    "Clopper-Pearson interval against q0 and the test's threshold, consistency against\n"
    "gold agreement, the contract with its gap to first-best against n (the contract\n"
    "solvers, arXiv 2502.06387 §6-7), and the payments. A missing input is said so in its\n"
    "section.\n\n"
    "options:\n"
    "  --assess FILE             the assessment JSON that assess --out writes (required)\n"
    "  --contract FILE           the contract JSON that contract --out writes\n"
    "  --payments FILE           the payment CSV that pay --out writes\n"
    "  --out FILE                the HTML page (required; never partial)\n"
    "  --gap-n LIST              n of the gap curve, comma-separated (default\n"
    "                            1,2,3,5,10,20,30,50,100,200,300,500,1000 and the contract's n)\n"
    "  --format table|csv|json   format of the numbers behind the plots on stdout (default\n"
    "                            table): consistency, gap and wage-histogram tables (csv:\n"
    "                            separated by a blank line; json: one object)\n"
    "  --help                    this help\n";

typedef struct opts {
    const char *assess, *contract, *payments;
    long *gap_n;
    size_t ngap_n;
} opts;

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    switch (code) {
    case CLI_OPT_ASSESS:
        o->assess = arg;
        return 0;
    case CLI_OPT_CONTRACT:
        o->contract = arg;
        return 0;
    case CLI_OPT_PAYMENTS:
        o->payments = arg;
        return 0;
    case CLI_OPT_GAP_N:
        return cli_long_list("--gap-n", arg, 1, 100000, &o->gap_n, &o->ngap_n);
    }
    return CLI_NOT_MINE;
}

static int finish(void *self)
{
    opts *o = self;
    if (!o->assess) {
        cli_error("--assess FILE is required (the JSON that 'prefmon assess --out' writes)");
        return CLI_EUSAGE;
    }
    return 0;
}

/* ---- the assessment --------------------------------------------------------- */

static int by_pairs(const void *a, const void *b)
{
    const pm_assess_row *x = *(const pm_assess_row *const *)a;
    const pm_assess_row *y = *(const pm_assess_row *const *)b;
    if (x->dup_pairs != y->dup_pairs)
        return x->dup_pairs > y->dup_pairs ? -1 : 1;
    return strcmp(x->annotator, y->annotator);
}

static int by_consistency(const void *a, const void *b)
{
    const report_ann *x = a, *y = b;
    if (x->row->consistency != y->row->consistency)
        return x->row->consistency < y->row->consistency ? -1 : 1;
    return strcmp(x->row->annotator, y->row->annotator);
}

/* The interval and the threshold of one annotator with pairs: the test
 * assess decided with (general convention, the annotator's q0, the run's
 * delta, likelihood-ratio rule for its own number of pairs). */
static int annotator_numbers(report_data *d, report_ann *a)
{
    const pm_assess_row *r = a->row;
    pm_error err = {0};
    pm_status st =
        pm_clopper_pearson(r->consistent, r->dup_pairs, d->aopt->level, &a->lo, &a->hi, &err);
    if (st != PM_OK)
        return cli_fail(d->assess_path, st, &err);
    a->k = -1;
    a->threshold = NAN;
    pm_scheme sc;
    pm_test t;
    if (r->flags & PM_FLAG_ONE_LABEL)
        return 0; /* no effort signal: no test (the caption counts it) */
    pm_test_request tr = cli_lr_request(&sc, d->aopt->eta0, d->aopt->eta1);
    if (pm_scheme_self(&sc, PM_CONV_GENERAL, d->sum->delta, r->q0, NULL) == PM_OK &&
        pm_test_design(&tr, r->dup_pairs, &t, NULL) == PM_OK) {
        a->k = t.k;
        a->threshold = (double)t.k / (double)r->dup_pairs;
    }
    return 0;
}

static int load_assess(report_data *d)
{
    pm_error err = {0};
    pm_status st = pm_assess_load_json(d->assess_path, &d->assess, &err);
    if (st != PM_OK)
        return cli_fail("--assess", st, &err);
    d->rows = pm_assess_rows(d->assess, &d->nrows);
    d->aopt = pm_assess_options_get(d->assess);
    d->sum = pm_assess_summary_get(d->assess);
    d->ann = calloc(d->nrows + 1, sizeof *d->ann);
    if (!d->ann)
        return CLI_EINTERNAL;
    for (size_t i = 0; i < d->nrows; i++) {
        if (d->rows[i].dup_pairs < 1)
            continue;
        report_ann *a = &d->ann[d->nann++];
        a->row = &d->rows[i];
        int rc = annotator_numbers(d, a);
        if (rc)
            return rc;
        d->ngold += a->row->gold_n >= 1;
    }
    qsort(d->ann, d->nann, sizeof *d->ann, by_consistency);
    d->order = malloc((d->nrows + 1) * sizeof *d->order);
    if (!d->order)
        return CLI_EINTERNAL;
    for (size_t i = 0; i < d->nrows; i++)
        d->order[i] = &d->rows[i];
    qsort(d->order, d->nrows, sizeof *d->order, by_pairs);
    return 0;
}

/* ---- the contract and its gap curve ------------------------------------------ */

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static int load_contract(report_data *d, const opts *o)
{
    static const long default_n[] = {1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000};
    pm_error err = {0};
    pm_status st = pm_contract_load(d->contract_path, &d->contract, &d->model, &d->scheme, &err);
    if (st != PM_OK)
        return cli_fail("--contract", st, &err);
    d->have_contract = 1;
    size_t nn = o->gap_n ? o->ngap_n : sizeof default_n / sizeof *default_n;
    long *ns = malloc((nn + 1) * sizeof *ns);
    d->gap = calloc(2 * (nn + 1), sizeof *d->gap);
    if (!ns || !d->gap) {
        free(ns);
        return CLI_EINTERNAL;
    }
    memcpy(ns, o->gap_n ? o->gap_n : default_n, nn * sizeof *ns);
    ns[nn++] = d->contract.terms.n;
    qsort(ns, nn, sizeof *ns, cmp_long);
    for (int ty = 0; ty < 2; ty++) {
        pm_contract_type type = ty ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR;
        for (size_t i = 0; i < nn; i++) {
            if (i > 0 && ns[i] == ns[i - 1])
                continue;
            pm_contract c;
            st = pm_contract_solve(&d->model, &d->scheme, ns[i], type, d->contract.solve, &c, &err);
            if (st != PM_OK && st != PM_EINFEASIBLE) {
                free(ns);
                return cli_fail("gap curve", st, &err);
            }
            int ok = st == PM_OK && c.feasible;
            d->gap[d->ngap++] = (report_gap){type, ns[i], ok ? c.normalized_gap : NAN, ok};
        }
    }
    free(ns);
    return 0;
}

/* ---- the payments ----------------------------------------------------------- */

/* An amount cell: optional '-', then what pm_money_parse takes. */
static pm_status parse_amount(const char *s, long long *cents, pm_error *err)
{
    int neg = s[0] == '-';
    pm_status st = pm_money_parse(s + neg, cents, err);
    if (st == PM_OK && neg)
        *cents = -*cents;
    return st;
}

/* The CSV writer puts a ' before a cell a spreadsheet would run; the page
 * shows text as text, so it shows the name as the assessment has it. */
static const char *unneutralise(const char *s)
{
    return s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1]) ? s + 1 : s;
}

enum { P_ANN, P_PAIRS, P_CONS, P_WAGE, P_PAID, P_BONUS, P_REASON, P_CUR, P_UNIT, P_NCOL };
static const char *const pay_cols[P_NCOL] = {"annotator", "pairs",  "consistent", "wage", "paid",
                                             "bonus",     "reason", "currency",   "unit"};

static pm_status pay_row(report_data *d, const cli_csv *c, const long *col, pm_error *err)
{
    const char *f[P_NCOL];
    for (int j = 0; j < P_NCOL; j++) {
        f[j] = cli_csv_field(c, (size_t)col[j]);
        if (!f[j])
            return pm_error_at(err, PM_EPARSE, d->pay_path, c->rec_line, 0,
                               "field '%s': missing (the row has %zu fields)", pay_cols[j],
                               cli_csv_nfields(c));
    }
    report_pay *p = &d->pay[d->npay];
    long long *amt[3] = {&p->wage, &p->paid, &p->bonus};
    for (int j = 0; j < 3; j++) {
        pm_error e2 = {0};
        if (parse_amount(f[P_WAGE + j], amt[j], &e2) != PM_OK)
            return pm_error_at(
                err, PM_EPARSE, d->pay_path, c->f[col[P_WAGE + j]].line, c->f[col[P_WAGE + j]].col,
                "field '%s': '%s' is not an amount (d.dd)", pay_cols[P_WAGE + j], f[P_WAGE + j]);
    }
    long *cnt[2] = {&p->pairs, &p->consistent};
    for (int j = 0; j < 2; j++) {
        char *end;
        errno = 0;
        long v = strtol(f[P_PAIRS + j], &end, 10);
        if (errno || end == f[P_PAIRS + j] || *end || v < 0)
            return pm_error_at(err, PM_EPARSE, d->pay_path, c->f[col[P_PAIRS + j]].line,
                               c->f[col[P_PAIRS + j]].col,
                               "field '%s': '%s' is not a whole number >= 0", pay_cols[P_PAIRS + j],
                               f[P_PAIRS + j]);
        *cnt[j] = v;
    }
    if (d->npay == 0) {
        snprintf(d->currency, sizeof d->currency, "%s", f[P_CUR]);
        snprintf(d->unit, sizeof d->unit, "%s", f[P_UNIT]);
    } else if (strcmp(d->currency, f[P_CUR]) != 0) {
        return pm_error_at(err, PM_EPARSE, d->pay_path, c->f[col[P_CUR]].line, c->f[col[P_CUR]].col,
                           "field 'currency': '%s' differs from '%s' on the first row", f[P_CUR],
                           d->currency);
    }
    p->annotator = strdup(unneutralise(f[P_ANN]));
    p->reason = strdup(f[P_REASON]);
    if (!p->annotator || !p->reason)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    d->npay++;
    d->total_wage += p->wage;
    d->total_paid += p->paid;
    d->total_bonus += p->bonus;
    d->total_upload += p->bonus > 0 ? p->bonus : 0;
    return PM_OK;
}

static pm_status read_payments(report_data *d, pm_error *err)
{
    cli_csv c;
    int got = 0;
    pm_status st = cli_csv_open(&c, d->pay_path, ',', 1, err);
    if (st == PM_OK)
        st = cli_csv_next(&c, &got, err);
    if (st == PM_OK && !got)
        st = pm_error_at(err, PM_EPARSE, d->pay_path, 1, 0,
                         "empty file (the CSV that 'prefmon pay --out' writes is expected)");
    long col[P_NCOL];
    for (int j = 0; st == PM_OK && j < P_NCOL; j++)
        if ((col[j] = cli_csv_column(&c, pay_cols[j])) < 0)
            st = pm_error_at(err, PM_EPARSE, d->pay_path, 1, 0,
                             "the header has no '%s' column (pay --out writes annotator, pairs, "
                             "consistent, wage, paid, bonus, reason, currency, unit)",
                             pay_cols[j]);
    size_t cap = 0;
    while (st == PM_OK && (st = cli_csv_next(&c, &got, err)) == PM_OK && got) {
        if (d->npay == cap) {
            size_t nc = cap ? 2 * cap : 64;
            report_pay *np = realloc(d->pay, nc * sizeof *np);
            if (!np) {
                st = pm_error_set(err, PM_ENOMEM, "out of memory");
                break;
            }
            d->pay = np, cap = nc;
        }
        memset(&d->pay[d->npay], 0, sizeof *d->pay);
        st = pay_row(d, &c, col, err);
        if (st != PM_OK) {
            free(d->pay[d->npay].annotator);
            free(d->pay[d->npay].reason);
        }
    }
    cli_csv_close(&c);
    return st;
}

static int by_wage(const void *a, const void *b)
{
    const report_pay *x = a, *y = b;
    if (x->wage != y->wage)
        return x->wage > y->wage ? -1 : 1;
    return strcmp(x->annotator, y->annotator);
}

/* Histogram of the wages: bins of a 1-2-5 width in cents, about 8 of them,
 * from the lowest wage's bin to past the highest. */
static int wage_bins(report_data *d)
{
    long long lo = 0, hi = 0;
    for (size_t i = 0; i < d->npay; i++) {
        lo = i == 0 || d->pay[i].wage < lo ? d->pay[i].wage : lo;
        hi = i == 0 || d->pay[i].wage > hi ? d->pay[i].wage : hi;
    }
    static const long long mult[3] = {1, 2, 5};
    long long w = 100; /* one currency unit when every wage is the same */
    for (long long base = 1; hi > lo && base < 1000000000000LL; base *= 10) {
        int i = 0;
        while (i < 3 && (hi - lo) / (mult[i] * base) >= 8)
            i++;
        if (i < 3) {
            w = mult[i] * base;
            break;
        }
    }
    long long first = lo >= 0 ? lo / w * w : -((-lo + w - 1) / w) * w;
    size_t nb = (size_t)((hi - first) / w) + 1;
    d->bins = calloc(nb, sizeof *d->bins);
    if (!d->bins)
        return CLI_EINTERNAL;
    d->nbins = nb;
    for (size_t b = 0; b < nb; b++)
        d->bins[b] = (report_bin){first + (long long)b * w, first + (long long)(b + 1) * w, 0};
    for (size_t i = 0; i < d->npay; i++)
        d->bins[(size_t)((d->pay[i].wage - first) / w)].count++;
    return 0;
}

static void report_data_free(report_data *d)
{
    pm_assess_free(d->assess);
    free(d->ann);
    free(d->order);
    free(d->gap);
    for (size_t i = 0; i < d->npay; i++) {
        free(d->pay[i].annotator);
        free(d->pay[i].reason);
    }
    free(d->pay);
    free(d->bins);
}

static int load_all(report_data *d, const opts *o)
{
    int rc = load_assess(d);
    if (!rc && d->contract_path)
        rc = load_contract(d, o);
    if (!rc && d->pay_path) {
        pm_error err = {0};
        pm_status st = read_payments(d, &err);
        if (st != PM_OK)
            return cli_fail("--payments", st, &err);
        d->have_pay = 1;
        qsort(d->pay, d->npay, sizeof *d->pay, by_wage);
        rc = wage_bins(d);
    }
    return rc;
}

/* ---- the numbers behind the plots (stdout) ----------------------------------- */

typedef struct tables {
    out_table *cons, *gap, *hist;
} tables;

static void fill_cons(out_table *t, const report_data *d)
{
    static const char *const cols[] = {"annotator", "pairs",    "consistent", "consistency",
                                       "ci_low",    "ci_high",  "q0",         "threshold_k",
                                       "threshold", "decision", "gold_n",     "gold_rate",
                                       "level",     "delta",    "eta0",       "eta1"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
    out_note(t,
             "consistency with its Clopper-Pearson interval at level %g; threshold k of the "
             "likelihood-ratio test (eta0 %g, eta1 %g, delta %g, general convention)",
             d->aopt->level, d->aopt->eta0, d->aopt->eta1, d->sum->delta);
    for (size_t i = 0; i < d->nann; i++) {
        const report_ann *a = &d->ann[i];
        const pm_assess_row *r = a->row;
        out_row(t);
        out_str(t, r->annotator);
        out_int(t, r->dup_pairs);
        out_int(t, r->consistent);
        out_num(t, r->consistency);
        out_num(t, a->lo);
        out_num(t, a->hi);
        out_num(t, r->q0);
        if (a->k >= 0)
            out_int(t, a->k);
        else
            out_null(t);
        cli_num_finite(t, a->threshold);
        out_str(t, pm_decision_name(r->decision));
        out_int(t, r->gold_n);
        cli_num_finite(t, r->gold_rate);
        out_num(t, d->aopt->level);
        out_num(t, d->sum->delta);
        out_num(t, d->aopt->eta0);
        out_num(t, d->aopt->eta1);
    }
}

static void fill_gap(out_table *t, const report_data *d)
{
    static const char *const cols[] = {"type",           "solve",    "monitor", "convention",
                                       "delta",          "q0",       "cbar",    "n",
                                       "normalized_gap", "feasible", "chosen"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
    if (!d->have_contract)
        return;
    char gs[PM_SPEC_MAX], es[PM_SPEC_MAX], mus[PM_SPEC_MAX];
    const pm_model *m = &d->model;
    out_note(t,
             "normalized gap (C - C_n)/C to first-best; model G %s, E %s, mu %s, U0 %g, "
             "wages [%g, %g]",
             pm_utility_format(&m->G, gs, sizeof gs), pm_cost_format(&m->E, es, sizeof es),
             pm_value_format(&m->mu, mus, sizeof mus), m->u0, m->w_min, m->w_max);
    for (size_t i = 0; i < d->ngap; i++) {
        const report_gap *g = &d->gap[i];
        out_row(t);
        out_str(t, pm_contract_type_name(g->type));
        out_str(t, pm_solve_name(d->contract.solve));
        out_str(t, pm_monitor_name(d->scheme.kind));
        out_str(t, pm_convention_name(d->scheme.convention));
        out_num(t, d->scheme.delta);
        out_num(t, d->scheme.q0);
        out_num(t, d->scheme.cbar);
        out_int(t, g->n);
        cli_num_finite(t, g->normalized_gap);
        out_bool(t, g->feasible);
        out_bool(t, g->type == d->contract.terms.type && g->n == d->contract.terms.n);
    }
}

static void fill_hist(out_table *t, const report_data *d)
{
    static const char *const cols[] = {"wage_from", "wage_to", "annotators", "currency"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
    if (!d->have_pay)
        return;
    char a[32], b[32];
    pm_money_format(d->total_wage, a, sizeof a);
    pm_money_format(d->total_upload, b, sizeof b);
    out_note(t,
             "wages of %zu annotators in %s, bins [from, to); total wage %s, bonuses to "
             "upload %s",
             d->npay, d->currency, a, b);
    for (size_t i = 0; i < d->nbins; i++) {
        out_row(t);
        pm_money_format(d->bins[i].lo, a, sizeof a);
        pm_money_format(d->bins[i].hi, b, sizeof b);
        out_str(t, a);
        out_str(t, b);
        out_int(t, d->bins[i].count);
        out_str(t, d->currency);
    }
}

static int emit(const tables *tb, out_format fmt)
{
    if (fmt == OUT_JSON) {
        json_t *doc = json_object();
        int bad = !doc || json_object_set_new(doc, "consistency", out_json(tb->cons)) ||
                  json_object_set_new(doc, "gap", out_json(tb->gap)) ||
                  json_object_set_new(doc, "wage_histogram", out_json(tb->hist));
        bad = bad || out_write_json(doc, stdout) || fflush(stdout);
        json_decref(doc);
        if (bad)
            cli_error("cannot write the output: %s", strerror(errno));
        return bad ? CLI_EIO : 0;
    }
    const out_table *all[3] = {tb->cons, tb->gap, tb->hist};
    int rc = 0;
    for (int i = 0; i < 3 && !rc; i++) {
        if (i > 0 && fputc('\n', stdout) == EOF)
            rc = CLI_EIO;
        if (!rc)
            rc = cli_emit(all[i], fmt);
    }
    return rc;
}

/* ---- the page ------------------------------------------------------------- */

static int write_page(const report_data *d, const char *path)
{
    pm_error err = {0};
    pm_doc *doc = report_build_doc(d, &err);
    if (!doc)
        return cli_fail(NULL, err.code ? err.code : PM_ENOMEM, &err);
    pm_outfile *of = NULL;
    pm_status st = pm_outfile_open(path, &of, &err);
    if (st == PM_OK)
        st = pm_doc_write_html(doc, pm_outfile_stream(of), &err);
    if (st == PM_OK)
        st = pm_outfile_commit(of, &err);
    else
        pm_outfile_abort(of);
    pm_doc_free(doc);
    return st == PM_OK ? 0 : cli_fail("--out", st, &err);
}

int cli_report(int argc, char **argv)
{
    static const struct option own[] = {{"assess", required_argument, NULL, CLI_OPT_ASSESS},
                                        {"contract", required_argument, NULL, CLI_OPT_CONTRACT},
                                        {"payments", required_argument, NULL, CLI_OPT_PAYMENTS},
                                        {"gap-n", required_argument, NULL, CLI_OPT_GAP_N},
                                        {NULL, 0, NULL, 0}};
    opts o = {0};
    cli_output out;
    cli_output_init(&out, 1);
    const cli_group groups[] = {{own, opt, finish, &o}, cli_output_group(&out)};
    int rc;
    if (!cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc)) {
        free(o.gap_n);
        return rc;
    }
    if (!out.out_path) {
        free(o.gap_n);
        cli_error("--out FILE is required (the HTML page)");
        return CLI_EUSAGE;
    }
    report_data d = {0};
    d.assess_path = o.assess;
    d.contract_path = o.contract;
    d.pay_path = o.payments;
    rc = load_all(&d, &o);
    if (!rc)
        rc = write_page(&d, out.out_path);
    if (!rc) {
        tables tb = {out_new(0), out_new(0), out_new(0)};
        rc = tb.cons && tb.gap && tb.hist ? 0 : CLI_EINTERNAL;
        if (!rc) {
            fill_cons(tb.cons, &d);
            fill_gap(tb.gap, &d);
            fill_hist(tb.hist, &d);
            rc = emit(&tb, out.fmt);
        }
        out_free(tb.cons);
        out_free(tb.gap);
        out_free(tb.hist);
    }
    if (!rc)
        fprintf(stderr,
                "prefmon report: wrote %s: %zu annotators (%zu with pairs, %zu of them with "
                "gold)%s%s\n",
                out.out_path, d.nrows, d.nann, d.ngold,
                d.have_contract ? ", contract" : ", no contract",
                d.have_pay ? ", payments" : ", no payments");
    report_data_free(&d);
    free(o.gap_n);
    return rc;
}
