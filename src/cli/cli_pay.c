/* prefmon pay: payments and bonus uploads from an assessment and a contract. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_csv.h"
#include "prefmon/assess.h"
#include "prefmon/contract.h"
#include "prefmon/outfile.h"
#include "prefmon/pay.h"

static const char help[] =
    "usage: prefmon pay --assessment FILE --contract FILE --unit AMOUNT --currency CODE\n"
    "                   [--paid AMOUNT] [--strict-n] [--out FILE]\n"
    "                   [--upload prolific|mturk|toloka --upload-out FILE] [options]\n\n"
    "Each annotator's wage from their own outcome in the assessment (assess --out) under\n"
    "the contract (contract --out; arXiv 2502.06387 §6-7): binary base + bonus if\n"
    "consistent >= k, linear base + slope consistent/n_i. An annotator with n_i != n pairs\n"
    "needs ceil(k n_i / n) (or, with --strict-n, is refused); the rule is printed on stderr\n"
    "before anything else. Contract units times --unit, rounded once to cents (half away\n"
    "from zero); bonus = wage - paid. A bonus <= 0 is listed and never uploaded.\n\n"
    "options:\n"
    "  --assessment FILE         the assessment JSON that assess --out writes\n"
    "  --contract FILE           the contract JSON that contract --out writes\n"
    "  --unit AMOUNT             money per contract unit, a decimal (e.g. 0.50), at most\n"
    "                            6 decimal places\n"
    "  --currency CODE           ISO 4217 code of that money (USD, GBP, EUR); amounts are\n"
    "                            in hundredths, so currencies without 2 decimals (JPY, KWD,\n"
    "                            XAU) and non-ISO codes (BTC) are refused\n"
    "  --paid AMOUNT             already paid to each annotator by the platform (default 0)\n"
    "  --strict-n                refuse an annotator whose pairs differ from the contract's n\n"
    "  --out FILE                the payment CSV: annotator, pairs, consistent, wage, paid,\n"
    "                            bonus, reason, currency, unit (never partial)\n"
    "  --upload prolific|mturk|toloka  also write the platform's bonus file to --upload-out\n"
    "  --upload-out FILE         where (never partial; only bonuses > 0)\n"
    "  --assignments FILE        mturk: CSV with WorkerId and AssignmentId columns (the\n"
    "                            batch results file works); the first row of a worker is used\n"
    "  --reason TEXT             mturk: the Reason shown to every worker (default: the row's\n"
    "                            reason); toloka: the public message (required)\n"
    "  --title TEXT              toloka: the public title (default \"Bonus\")\n" CLI_FORMAT_HELP
    "  --help                    this help\n\n"
    "Output (stdout): annotator, pairs, consistent, threshold, wage, paid, bonus, currency,\n"
    "unit, reason; amounts are exact decimals (strings in JSON). mturk and toloka pay in\n"
    "USD. CSV text cells a spreadsheet would run (= + - @ TAB CR or ' first) get a\n"
    "leading ' (reversible). Upload ids are checked, never rewritten: a Prolific id is\n"
    "24 hex digits, an MTurk WorkerId A[A-Z0-9]+, a Toloka user id 32 hex digits; an\n"
    "MTurk Reason has at most 4096 characters; a Toloka title or message is one line.\n"
    "Anything else is refused (exit 1) naming the payment row and the field.\n";

enum { UP_NONE = -1, UP_PROLIFIC, UP_MTURK, UP_TOLOKA };

typedef struct opts {
    const char *assessment, *contract, *upload_out, *assignments, *reason, *title, *paid;
    pm_pay_options pay;
    int upload;
} opts;

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    static const char *const uploads[] = {"prolific", "mturk", "toloka", NULL};
    switch (code) {
    case CLI_OPT_ASSESSMENT:
        o->assessment = arg;
        return 0;
    case CLI_OPT_CONTRACT:
        o->contract = arg;
        return 0;
    case CLI_OPT_UNIT:
        o->pay.unit = arg;
        return 0;
    case CLI_OPT_CURRENCY:
        o->pay.currency = arg;
        return 0;
    case CLI_OPT_PAID:
        o->paid = arg;
        return 0;
    case CLI_OPT_STRICT_N:
        o->pay.strict_n = 1;
        return 0;
    case CLI_OPT_UPLOAD:
        return cli_choice("--upload", arg, uploads, &o->upload);
    case CLI_OPT_UPLOAD_OUT:
        o->upload_out = arg;
        return 0;
    case CLI_OPT_ASSIGNMENTS:
        o->assignments = arg;
        return 0;
    case CLI_OPT_REASON:
        o->reason = arg;
        return 0;
    case CLI_OPT_TITLE:
        o->title = arg;
        return 0;
    }
    return CLI_NOT_MINE;
}

/* The first missing or conflicting option, as the whole message, or NULL. */
static const char *combination_error(const opts *o)
{
    if (!o->assessment)
        return "--assessment FILE is required (the JSON that assess --out writes)";
    if (!o->contract)
        return "--contract FILE is required (the JSON that contract --out writes)";
    if (!o->pay.unit)
        return "--unit AMOUNT is required (money per contract unit, e.g. 0.50)";
    if (!o->pay.currency)
        return "--currency CODE is required (USD, GBP, EUR, ...)";
    if ((o->upload != UP_NONE) != (o->upload_out != NULL))
        return o->upload_out ? "--upload-out needs --upload prolific|mturk|toloka"
                             : "--upload needs --upload-out FILE";
    if (o->upload == UP_MTURK && !o->assignments)
        return "--upload mturk needs --assignments FILE (SendBonus needs an assignment id)";
    if (o->upload != UP_MTURK && o->assignments)
        return "--assignments: applies to --upload mturk only";
    if (o->upload == UP_TOLOKA && !o->reason)
        return "--upload toloka needs --reason TEXT (the public message shown with the bonus)";
    if (o->reason && o->upload != UP_MTURK && o->upload != UP_TOLOKA)
        return "--reason: applies to --upload mturk or toloka only";
    if (o->title && o->upload != UP_TOLOKA)
        return "--title: applies to --upload toloka only";
    if ((o->upload == UP_MTURK || o->upload == UP_TOLOKA) && strcmp(o->pay.currency, "USD") != 0)
        return "--upload mturk and toloka pay in USD: give --currency USD and a --unit in USD";
    return NULL;
}

static int finish(void *self)
{
    const opts *o = self;
    const char *e = combination_error(o);
    if (e) {
        cli_error("%s", e);
        return CLI_EUSAGE;
    }
    /* The option named, exit 2: a unit finer than pay can compute exactly
     * or a currency that is not paid in hundredths is a usage error, not a
     * fault of the contract or of the data. */
    pm_error err = {0};
    pm_status st = pm_pay_check_unit(o->pay.unit, &err);
    if (st != PM_OK)
        return cli_fail("--unit", st, &err);
    if ((st = pm_pay_check_currency(o->pay.currency, &err)) != PM_OK)
        return cli_fail("--currency", st, &err);
    return 0;
}

/* ---- inputs ------------------------------------------------------------ */

/* MTurk worker -> assignment map from a CSV with WorkerId and AssignmentId
 * columns. The strings live in *store (one malloc'd block per field). */
typedef struct amap {
    pm_pay_assignment *v;
    size_t n, cap;
} amap;

static void amap_free(amap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free((char *)m->v[i].worker);
        free((char *)m->v[i].assignment);
    }
    free(m->v);
}

static pm_status amap_add(amap *m, const char *w, const char *a, pm_error *err)
{
    if (m->n == m->cap) {
        size_t nc = m->cap ? 2 * m->cap : 64;
        pm_pay_assignment *nv = realloc(m->v, nc * sizeof *nv);
        if (!nv)
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        m->v = nv;
        m->cap = nc;
    }
    char *dw = strdup(w), *da = strdup(a);
    if (!dw || !da) {
        free(dw);
        free(da);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    m->v[m->n].worker = dw;
    m->v[m->n++].assignment = da;
    return PM_OK;
}

static pm_status read_assignments(const char *path, amap *m, pm_error *err)
{
    cli_csv c;
    int got = 0;
    pm_status st = cli_csv_open(&c, path, ',', 1, err);
    if (st == PM_OK && (st = cli_csv_next(&c, &got, err)) == PM_OK && !got)
        st = pm_error_set(err, PM_EPARSE,
                          "%s: empty file (a header WorkerId,AssignmentId "
                          "is expected)",
                          path);
    long wc = got ? cli_csv_column(&c, "WorkerId") : -1;
    long ac = got ? cli_csv_column(&c, "AssignmentId") : -1;
    if (st == PM_OK && (wc < 0 || ac < 0))
        st = pm_error_at(err, PM_EPARSE, path, 1, 1,
                         "the header has no %s column (WorkerId and AssignmentId are needed)",
                         wc < 0 ? "WorkerId" : "AssignmentId");
    while (st == PM_OK && (st = cli_csv_next(&c, &got, err)) == PM_OK && got) {
        const char *w = cli_csv_field(&c, (size_t)wc), *a = cli_csv_field(&c, (size_t)ac);
        if (!w || !a || !*w || !*a)
            st = pm_error_at(err, PM_EPARSE, path, c.rec_line, 1,
                             "empty or missing WorkerId or AssignmentId");
        else
            st = amap_add(m, w, a, err);
    }
    cli_csv_close(&c);
    return st;
}

typedef struct payrun {
    pm_contract contract;
    pm_assess *assess;
    pm_pay_input *in;
    pm_pay_row *rows;
    size_t count;
    pm_pay_summary sum;
    amap map;
    char rule[512]; /* the payment rule, printed before the table */
} payrun;

static void payrun_free(payrun *p)
{
    pm_assess_free(p->assess);
    free(p->in);
    free(p->rows);
    amap_free(&p->map);
}

/* Load the contract, state the rule, load the assessment and compute the
 * rows. Nothing is printed here: a failure is one line on stderr. */
static int compute(const opts *o, payrun *p)
{
    pm_error err = {0};
    pm_model m;
    pm_scheme sc;
    long long paid = 0;
    pm_status st = pm_contract_load(o->contract, &p->contract, &m, &sc, &err);
    if (st != PM_OK)
        return cli_fail("--contract", st, &err);
    if (o->paid && (st = pm_money_parse(o->paid, &paid, &err)) != PM_OK)
        return cli_fail("--paid", st, &err);
    /* Terms and options checked (no rows yet) before the rule is stated. */
    if ((st = pm_pay_compute(&p->contract.terms, &o->pay, NULL, 0, NULL, NULL, &err)) != PM_OK ||
        (st = pm_pay_rule_text(&p->contract.terms, &o->pay, p->rule, sizeof p->rule, &err)) !=
            PM_OK)
        return cli_fail(NULL, st, &err);
    if ((st = pm_assess_load_json(o->assessment, &p->assess, &err)) != PM_OK)
        return cli_fail("--assessment", st, &err);
    const pm_assess_row *ar = pm_assess_rows(p->assess, &p->count);
    if ((st = pm_pay_inputs_from_assessment(ar, p->count, paid, &p->in, &err)) != PM_OK)
        return cli_fail("--assessment", st, &err);
    p->rows = calloc(p->count + 1, sizeof *p->rows);
    if (!p->rows)
        return CLI_EINTERNAL;
    st = pm_pay_compute(&p->contract.terms, &o->pay, p->in, p->count, p->rows, &p->sum, &err);
    if (st != PM_OK)
        return cli_fail(NULL, st, &err);
    if (o->assignments && (st = read_assignments(o->assignments, &p->map, &err)) != PM_OK)
        return cli_fail("--assignments", st, &err);
    return 0;
}

/* ---- outputs ----------------------------------------------------------- */

static pm_status write_upload(FILE *fp, const opts *o, const payrun *p, pm_error *err)
{
    size_t skipped = 0;
    switch (o->upload) {
    case UP_PROLIFIC:
        return pm_pay_write_prolific(fp, p->rows, p->count, &skipped, err);
    case UP_MTURK:
        return pm_pay_write_mturk(fp, p->rows, p->count, p->map.v, p->map.n, o->reason, &skipped,
                                  err);
    default:
        return pm_pay_write_toloka(fp, p->rows, p->count, o->title ? o->title : "Bonus", o->reason,
                                   &skipped, err);
    }
}

/* Both files complete or neither: written to temporary files, put in place
 * once both are written. */
static int write_files(const opts *o, const char *out_path, const payrun *p)
{
    pm_outfile *out = NULL, *up = NULL;
    pm_error err = {0};
    const char *what = "--out";
    pm_status st = out_path ? pm_outfile_open(out_path, &out, &err) : PM_OK;
    if (st == PM_OK && out)
        st = pm_pay_write_table(pm_outfile_stream(out), p->rows, p->count, &o->pay, &err);
    if (st == PM_OK && o->upload_out) {
        what = "--upload-out";
        if ((st = pm_outfile_open(o->upload_out, &up, &err)) == PM_OK)
            st = write_upload(pm_outfile_stream(up), o, p, &err);
    }
    if (st == PM_OK && out) {
        what = "--out";
        st = pm_outfile_commit(out, &err);
        out = NULL;
    }
    if (st == PM_OK && up) {
        what = "--upload-out";
        st = pm_outfile_commit(up, &err);
        up = NULL;
    }
    pm_outfile_abort(out);
    pm_outfile_abort(up);
    return st == PM_OK ? 0 : cli_fail(what, st, &err);
}

static int emit(const payrun *p, const pm_pay_options *po, out_format fmt)
{
    static const char *const cols[] = {"annotator", "pairs", "consistent", "threshold", "wage",
                                       "paid",      "bonus", "currency",   "unit",      "reason"};
    out_table *t = out_new(0);
    if (!t)
        return CLI_EINTERNAL;
    out_note(t, "amounts in %s; one contract unit = %s %s", po->currency, po->unit, po->currency);
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
    for (size_t i = 0; i < p->count; i++) {
        const pm_pay_row *r = &p->rows[i];
        char w[32], pd[32], b[32];
        pm_money_format(r->wage_cents, w, sizeof w);
        pm_money_format(r->paid_cents, pd, sizeof pd);
        pm_money_format(r->bonus_cents, b, sizeof b);
        out_row(t);
        out_str(t, r->annotator); /* guarded in CSV by the table writer */
        out_int(t, r->pairs);
        out_int(t, r->consistent);
        if (p->contract.terms.type == PM_CONTRACT_BINARY && r->pairs > 0)
            out_int(t, r->k_used);
        else
            out_null(t);
        out_decimal(t, w);
        out_decimal(t, pd);
        out_decimal(t, b);
        out_str(t, po->currency);
        out_decimal(t, po->unit);
        out_str(t, r->reason);
    }
    int rc = cli_emit(t, fmt);
    out_free(t);
    return rc;
}

/* After the table: every negative bonus (never uploaded), then the totals. */
static void report(const payrun *p, const opts *o)
{
    char total[32], b[32];
    for (size_t i = 0; i < p->count; i++) {
        if (p->rows[i].bonus_cents >= 0)
            continue;
        pm_money_format(p->rows[i].bonus_cents, b, sizeof b);
        pm_money_format(p->rows[i].paid_cents, total, sizeof total);
        cli_warn("annotator '%s': bonus %s %s: the wage is below the %s already paid; not "
                 "deducted and not in any upload file",
                 p->rows[i].annotator, b, o->pay.currency, total);
    }
    pm_money_format(p->sum.bonus_total_cents, total, sizeof total);
    fprintf(stderr,
            "prefmon pay: %zu annotators: %zu with a bonus (total %s %s), %zu with none, %zu "
            "negative, %zu without pairs, %zu thresholds scaled%s%s\n",
            p->sum.rows, p->sum.payable, total, o->pay.currency, p->sum.zero, p->sum.negative,
            p->sum.no_pairs, p->sum.scaled, o->upload_out ? "; upload file " : "",
            o->upload_out ? o->upload_out : "");
}

int cli_pay(int argc, char **argv)
{
    static const struct option own[] = {
        {"assessment", required_argument, NULL, CLI_OPT_ASSESSMENT},
        {"contract", required_argument, NULL, CLI_OPT_CONTRACT},
        {"unit", required_argument, NULL, CLI_OPT_UNIT},
        {"currency", required_argument, NULL, CLI_OPT_CURRENCY},
        {"paid", required_argument, NULL, CLI_OPT_PAID},
        {"strict-n", no_argument, NULL, CLI_OPT_STRICT_N},
        {"upload", required_argument, NULL, CLI_OPT_UPLOAD},
        {"upload-out", required_argument, NULL, CLI_OPT_UPLOAD_OUT},
        {"assignments", required_argument, NULL, CLI_OPT_ASSIGNMENTS},
        {"reason", required_argument, NULL, CLI_OPT_REASON},
        {"title", required_argument, NULL, CLI_OPT_TITLE},
        {NULL, 0, NULL, 0}};
    opts o;
    memset(&o, 0, sizeof o);
    o.upload = UP_NONE;
    cli_output out;
    cli_output_init(&out, 1);
    const cli_group groups[] = {{own, opt, finish, &o}, cli_output_group(&out)};
    int rc;
    if (!cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc))
        return rc;
    if (out.out_path && o.upload_out && pm_path_same(out.out_path, o.upload_out)) {
        cli_error("--out %s and --upload-out %s name the same file: the upload would replace the "
                  "payments",
                  out.out_path, o.upload_out);
        return CLI_EUSAGE;
    }
    payrun p;
    memset(&p, 0, sizeof p);
    rc = compute(&o, &p);
    if (!rc)
        rc = write_files(&o, out.out_path, &p);
    if (!rc) {
        /* Stated before the table (and after the checks, so that an error
         * stays one line). */
        fprintf(stderr, "prefmon pay: rule: %s\n", p.rule);
        rc = emit(&p, &o.pay, out.fmt);
    }
    if (!rc)
        report(&p, &o);
    payrun_free(&p);
    return rc;
}
