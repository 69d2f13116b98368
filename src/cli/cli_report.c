/* prefmon report: the weekly HTML report from an assessment, a contract and
 * the payments, or (--history) from the history store. This file reads the
 * inputs, has the library compute every number (pm_report_data_build,
 * prefmon/weekly.h; pm_history_report_build, prefmon/history_report.h) and
 * lay out the page (pm_page_weekly, pm_page_history, prefmon/pages.h),
 * writes the page and prints the numbers behind it. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "prefmon/history_report.h"
#include "prefmon/outfile.h"
#include "prefmon/pages.h"
#include "prefmon/pay.h"
#include "prefmon/weekly.h"

static const char help[] =
    "usage: prefmon report --assessment FILE [--contract FILE] [--payments FILE] --out FILE\n"
    "                      [--gap-n LIST] [--format table|csv|json]\n"
    "       prefmon report --history URI [--batch NAME] --out FILE [--format table|csv|json]\n\n"
    "One self-contained HTML page (inline CSS and SVG, no network) for a week of\n"
    "annotation: the annotator table (sortable), each annotator's consistency with its\n"
    "Clopper-Pearson interval against q0 and the test's threshold, consistency against\n"
    "gold agreement, the contract with its gap to first-best against n (the contract\n"
    "solvers, arXiv 2502.06387 §6-7), and the payments. A missing input is said so in its\n"
    "section.\n\n"
    "With --history, the page of a batch in the history store (what assess --history\n"
    "imported and decided): this week's actions first (block, review, hold, pay, each\n"
    "with its reason, decision and flags), then each annotator's two sequential e-values\n"
    "against their thresholds batch by batch and their effort interval, drift, and pay\n"
    "per week from the ledger; stdout gets the actions table.\n\n"
    "options:\n"
    "  --assessment FILE         the assessment JSON that assess --out writes (required;\n"
    "                            --assess FILE is the same option)\n"
    "  --contract FILE           the contract JSON that contract --out writes\n"
    "  --payments FILE           the payment CSV that pay --out writes, for this assessment\n"
    "                            (a row that contradicts itself or the assessment is refused)\n"
    "  --history URI             the history store (a SQLite file, or postgresql://...);\n"
    "                            opened read-only. Not with --assessment, --contract,\n"
    "                            --payments or --gap-n\n"
    "  --batch NAME              with --history: the batch's page (default: the latest),\n"
    "                            as it was then (later batches and payments left out)\n"
    "  --out FILE                the HTML page (required; never partial)\n"
    "  --gap-n LIST              n of the gap curve, comma-separated (default\n"
    "                            1,2,3,5,10,20,30,50,100,200,300,500,1000 and the contract's n)\n"
    "  --format table|csv|json   format of the numbers behind the plots on stdout (default\n"
    "                            table): consistency, gap and wage-histogram tables (csv:\n"
    "                            separated by a blank line; json: one object)\n"
    "  --help                    this help\n";

typedef struct opts {
    const char *assess, *contract, *payments;
    const char *history, *batch;
    long *gap_n;
    size_t ngap_n;
} opts;

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    switch (code) {
    case CLI_OPT_ASSESSMENT:
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
    case CLI_OPT_HISTORY:
        o->history = arg;
        return 0;
    case CLI_OPT_BATCH:
        o->batch = arg;
        return 0;
    }
    return CLI_NOT_MINE;
}

static int finish(void *self)
{
    opts *o = self;
    if (o->history) {
        const char *other = o->assess     ? "--assessment"
                            : o->contract ? "--contract"
                            : o->payments ? "--payments"
                            : o->gap_n    ? "--gap-n"
                                          : NULL;
        if (other) {
            cli_error("--history and %s: give one (--history makes the page from the store; "
                      "--assessment from one week's files)",
                      other);
            return CLI_EUSAGE;
        }
        return 0;
    }
    if (o->batch) {
        cli_error("--batch NAME needs --history URI (the store the batch is in)");
        return CLI_EUSAGE;
    }
    if (!o->assess) {
        cli_error("--assessment FILE is required (the JSON that 'prefmon assess --out' writes; "
                  "or --history URI for the page from the history store)");
        return CLI_EUSAGE;
    }
    return 0;
}

/* ---- the numbers behind the plots (stdout) ----------------------------------- */

typedef struct tables {
    out_table *cons, *gap, *hist;
} tables;

static void fill_cons(out_table *t, const pm_report_data *d)
{
    static const char *const cols[] = {"annotator", "pairs",    "consistent", "consistency",
                                       "ci_low",    "ci_high",  "q0",         "threshold_k",
                                       "threshold", "decision", "gold_n",     "gold_rate",
                                       "level",     "delta",    "eta0",       "eta1"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
    out_view(t, "annotator,pairs,consistent,consistency?,ci_low,ci_high,q0?,threshold_k,decision,"
                "gold_n?,gold_rate?|level,delta,eta0,eta1");
    out_note(t,
             "consistency with its Clopper-Pearson interval at level %g; threshold k of the "
             "likelihood-ratio test (eta0 %g, eta1 %g, delta %g, general convention)",
             d->aopt->level, d->aopt->eta0, d->aopt->eta1, d->sum->delta);
    for (size_t i = 0; i < d->nann; i++) {
        const pm_report_ann *a = &d->ann[i];
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

static void fill_gap(out_table *t, const pm_report_data *d)
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
        const pm_report_gap *g = &d->gap[i];
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
        out_bool(t, g->chosen);
    }
}

static void fill_hist(out_table *t, const pm_report_data *d)
{
    static const char *const cols[] = {"wage_from", "wage_to", "annotators", "currency"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
    if (!d->have_pay)
        return;
    char a[32], b[32];
    pm_money_format(d->pay->wage_total_cents, a, sizeof a);
    pm_money_format(d->pay->upload_total_cents, b, sizeof b);
    out_note(t,
             "wages of %zu annotators in %s, bins [from, to); total wage %s, bonuses to "
             "upload %s",
             d->pay->count, d->pay->currency, a, b);
    for (size_t i = 0; i < d->nbins; i++) {
        out_row(t);
        pm_money_format(d->bins[i].lo, a, sizeof a);
        pm_money_format(d->bins[i].hi, b, sizeof b);
        out_decimal(t, a);
        out_decimal(t, b);
        out_int(t, d->bins[i].count);
        out_str(t, d->pay->currency);
    }
}

static int emit(const tables *tb, out_format fmt)
{
    const out_table *each[3] = {tb->cons, tb->gap, tb->hist};
    if (fmt == OUT_JSON) {
        json_t *doc = json_object();
        int bad = !doc || json_object_set_new(doc, "consistency", out_json_view(tb->cons)) ||
                  json_object_set_new(doc, "gap", out_json_view(tb->gap)) ||
                  json_object_set_new(doc, "wage_histogram", out_json_view(tb->hist));
        bad = bad || out_write_json(doc, stdout) || fflush(stdout);
        json_decref(doc);
        if (bad)
            cli_error("cannot write the output: %s", strerror(errno));
        return bad ? CLI_EIO : 0;
    }
    int rc = 0;
    for (int i = 0; i < 3 && !rc; i++) {
        if (i > 0 && fputc('\n', stdout) == EOF)
            rc = CLI_EIO;
        if (!rc)
            rc = cli_emit(each[i], fmt);
    }
    return rc;
}

/* ---- the page ------------------------------------------------------------- */

static int write_page(const pm_report_data *d, const char *path)
{
    pm_error err = {0};
    pm_doc *doc = NULL;
    pm_status st = pm_page_weekly(d, &doc, &err);
    if (st != PM_OK)
        return cli_fail(NULL, st, &err);
    pm_outfile *of = NULL;
    st = pm_outfile_open(path, &of, &err);
    if (st == PM_OK)
        st = pm_doc_write_html(doc, pm_outfile_stream(of), &err);
    if (st == PM_OK)
        st = pm_outfile_commit(of, &err);
    else
        pm_outfile_abort(of);
    pm_doc_free(doc);
    return st == PM_OK ? 0 : cli_fail("--out", st, &err);
}

/* The inputs as read, kept while the report data borrows them. */
typedef struct inputs {
    pm_assess *assess;
    pm_contract contract;
    pm_model model;
    pm_scheme scheme;
    pm_pay_table pay;
} inputs;

static int load(const opts *o, inputs *in, pm_report_data *d)
{
    pm_error err = {0};
    pm_status st = pm_assess_load_json(o->assess, &in->assess, &err);
    if (st != PM_OK)
        return cli_fail("--assessment", st, &err);
    if (o->contract &&
        (st = pm_contract_load(o->contract, &in->contract, &in->model, &in->scheme, &err)))
        return cli_fail("--contract", st, &err);
    if (o->payments && (st = pm_pay_read_table(o->payments, &in->pay, &err)))
        return cli_fail("--payments", st, &err);
    pm_report_inputs ri = {.assess = in->assess,
                           .assess_path = o->assess,
                           .contract = o->contract ? &in->contract : NULL,
                           .model = &in->model,
                           .scheme = &in->scheme,
                           .contract_path = o->contract,
                           .gap_n = o->gap_n,
                           .ngap_n = o->ngap_n,
                           .payments = o->payments ? &in->pay : NULL};
    st = pm_report_data_build(&ri, d, &err);
    return st == PM_OK ? 0 : cli_fail(NULL, st, &err);
}

/* The page to path, then the numbers behind it to stdout. The tables are
 * made first, so that a bad --columns is refused before the page is written. */
static int page_and_numbers(const pm_report_data *d, const char *path, out_format fmt)
{
    tables tb = {out_new(0), out_new(0), out_new(0)};
    int rc = tb.cons && tb.gap && tb.hist ? 0 : CLI_EINTERNAL;
    if (!rc) {
        fill_cons(tb.cons, d);
        fill_gap(tb.gap, d);
        fill_hist(tb.hist, d);
        const out_table *each[3] = {tb.cons, tb.gap, tb.hist};
        for (int i = 0; i < 3 && !rc; i++)
            rc = cli_check_columns(each[i]);
    }
    if (!rc)
        rc = write_page(d, path);
    if (!rc)
        rc = emit(&tb, fmt);
    out_free(tb.cons);
    out_free(tb.gap);
    out_free(tb.hist);
    return rc;
}

/* ---- --history: the page from the store -------------------------------------- */

/* A number, or null (printed "-") when undefined: no interval below chance. */
static void num_or_null(out_table *t, double v)
{
    if (isfinite(v))
        out_num(t, v);
    else
        out_null(t);
}

static void fill_actions(out_table *t, const pm_history_report *r)
{
    static const char *const cols[] = {
        "annotator", "action",    "decision", "flags",    "pairs",       "all_pairs", "agree",
        "ln_e_pass", "ln_e_fail", "eta_low",  "eta_high", "drift_batch", "reason"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
    /* What a person acts on; the rest with --wide or --format csv. */
    out_view(t, "annotator,action,decision,flags,all_pairs,agree?,eta_low?,eta_high?,reason");
    out_note(t,
             "batch %s of %s: actions sorted block, review, hold, pay, then by evidence; "
             "thresholds ln(1/alpha_pass) %.6g, ln(1/alpha_fail) %.6g; effort interval at "
             "level %g",
             r->batches[r->batch].name, r->store, r->threshold_pass, r->threshold_fail,
             1 - r->opt.cs_alpha);
    for (size_t i = 0; i < r->nann; i++) {
        const pm_history_report_ann *a = &r->ann[i];
        out_row(t);
        out_str(t, a->annotator);
        out_str(t, pm_action_name(a->action));
        out_str(t, a->decision);
        out_str(t, a->flags);
        out_int(t, a->batch_pairs);
        out_int(t, a->result.pairs);
        out_int(t, a->result.consistent);
        num_or_null(t, a->result.seq.log_e_pass);
        num_or_null(t, a->result.seq.log_e_fail);
        num_or_null(t, a->result.eta_low);
        num_or_null(t, a->result.eta_high);
        if (a->drift_batch)
            out_str(t, a->drift_batch);
        else
            out_null(t);
        out_str(t, a->reason);
    }
}

static int history_page(const opts *o, const char *path, out_format fmt)
{
    pm_error err = {0};
    pm_history *h = NULL;
    pm_status st = pm_history_open(o->history, PM_HISTORY_READONLY, &h, &err);
    if (st != PM_OK)
        return cli_fail("--history", st, &err);
    pm_history_report r = {0};
    st = pm_history_report_build(h, o->batch, NULL, &r, &err);
    pm_history_close(h);
    if (st != PM_OK)
        return cli_fail(st == PM_EINVAL ? "--batch" : "--history", st, &err);
    /* The actions table first: a bad --columns is refused before the page
     * is written. */
    out_table *t = out_new(0);
    int rc = t ? 0 : CLI_EINTERNAL;
    if (!rc) {
        fill_actions(t, &r);
        rc = cli_check_columns(t);
    }
    pm_doc *doc = NULL;
    if (!rc && (st = pm_page_history(&r, &doc, &err)) != PM_OK)
        rc = cli_fail(NULL, st, &err);
    pm_outfile *of = NULL;
    if (!rc && (st = pm_outfile_open(path, &of, &err)) == PM_OK) {
        st = pm_doc_write_html(doc, pm_outfile_stream(of), &err);
        if (st == PM_OK)
            st = pm_outfile_commit(of, &err);
        else
            pm_outfile_abort(of);
    }
    if (!rc && st != PM_OK)
        rc = cli_fail("--out", st, &err);
    pm_doc_free(doc);
    if (!rc)
        rc = cli_emit(t, fmt);
    out_free(t);
    if (!rc)
        fprintf(stderr,
                "prefmon report: wrote %s: batch %s of %s (%zu %s): %zu annotators, block "
                "%ld, review %ld, hold %ld, pay %ld; %ld drifting\n",
                path, r.batches[r.batch].name, r.store, r.nbatches,
                r.nbatches == 1 ? "batch" : "batches", r.nann, r.count[PM_ACTION_BLOCK],
                r.count[PM_ACTION_REVIEW], r.count[PM_ACTION_HOLD], r.count[PM_ACTION_PAY],
                r.drifting);
    pm_history_report_free(&r);
    return rc;
}

int cli_report(int argc, char **argv)
{
    /* --assessment as in pay; --assess, the older spelling, stays an alias. */
    static const struct option own[] = {{"assessment", required_argument, NULL, CLI_OPT_ASSESSMENT},
                                        {"assess", required_argument, NULL, CLI_OPT_ASSESS},
                                        {"contract", required_argument, NULL, CLI_OPT_CONTRACT},
                                        {"payments", required_argument, NULL, CLI_OPT_PAYMENTS},
                                        {"gap-n", required_argument, NULL, CLI_OPT_GAP_N},
                                        {"history", required_argument, NULL, CLI_OPT_HISTORY},
                                        {"batch", required_argument, NULL, CLI_OPT_BATCH},
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
    if (o.history) {
        free(o.gap_n);
        return history_page(&o, out.out_path, out.fmt);
    }
    inputs in = {0};
    pm_report_data d = {0};
    rc = load(&o, &in, &d);
    if (!rc)
        rc = page_and_numbers(&d, out.out_path, out.fmt);
    if (!rc)
        fprintf(stderr,
                "prefmon report: wrote %s: %zu annotators (%zu with pairs, %zu of them with "
                "gold)%s%s\n",
                out.out_path, d.nrows, d.nann, d.ngold,
                d.have_contract ? ", contract" : ", no contract",
                d.have_pay ? ", payments" : ", no payments");
    pm_report_data_free(&d);
    pm_pay_table_free(&in.pay);
    pm_assess_free(in.assess);
    free(o.gap_n);
    return rc;
}
