/* prefmon pay: payments and bonus uploads from an assessment and a contract. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "prefmon/assess.h"
#include "prefmon/contract.h"
#include "prefmon/history.h"
#include "prefmon/outfile.h"
#include "prefmon/pay.h"
#include "prefmon/pay_ledger.h"
#include "prefmon/sha256.h"

static const char help[] =
    "usage: prefmon pay --assessment FILE --contract FILE --unit AMOUNT --currency CODE\n"
    "                   [--paid AMOUNT] [--strict-n] [--out FILE]\n"
    "                   [--upload prolific|mturk|toloka --upload-out FILE]\n"
    "                   [--history URI --batch NAME [--release ANNOTATOR|all]\n"
    "                   [--plan-manifest FILE]] [options]\n\n"
    "Each annotator's wage from their own outcome in the assessment (assess --out) under\n"
    "the contract (contract --out; arXiv 2502.06387 §6-7). The contract is for n pairs: by\n"
    "default (first-n) an annotator is judged on their first n pairs in order; with fewer,\n"
    "no bonus on this evidence (base only; with --history the bonus is pending until their\n"
    "pairs across batches reach n). The rule is printed on stderr first. Pay follows each\n"
    "annotator's action (pay, hold, review, block: from the assessment, or with --history\n"
    "the store's decision of the batch): only pay is uploaded; review and block only with\n"
    "--pay-flagged; hold never. Units times --unit, rounded once to cents; bonus = wage -\n"
    "paid; a bonus <= 0 is listed and never uploaded (doc/pay.md).\n\n"
    "options:\n"
    "  --assessment FILE         the assessment JSON that assess --out writes\n"
    "  --contract FILE           the contract JSON that contract --out writes\n"
    "  --unit AMOUNT             money per contract unit, a decimal (e.g. 0.50), at most\n"
    "                            6 decimal places\n"
    "  --currency CODE           ISO 4217 code of that money (USD, GBP, EUR); amounts are\n"
    "                            in hundredths, so currencies without 2 decimals (JPY, KWD,\n"
    "                            XAU) and non-ISO codes (BTC) are refused\n"
    "  --paid AMOUNT             already paid to each annotator by the platform (default 0)\n"
    "  --paid-from FILE          plus what a bonus file sent before paid each (Prolific,\n"
    "                            MTurk or Toloka, as --upload writes them)\n"
    "  --strict-n                refuse an annotator whose pairs differ from the contract's n\n"
    "  --threshold-rule first-n|scaled  how n_i != n is judged (default: the contract's\n"
    "                            threshold_rule field, else first-n); scaled: all n_i pairs\n"
    "                            against ceil(k n_i / n), prefmon 0.1's rule\n"
    "  --partial-base base|pro-rata  first-n, fewer than n pairs: base only (default) or\n"
    "                            base * n_i / n\n"
    "  --pay-flagged review|block|all  upload these actions' bonuses too (a hold never)\n"
    "  --min-hourly RATE         warn when a wage per hour (labels x median duration) is\n"
    "                            below RATE; --strict: refuse (exit 1)\n"
    "  --history URI             record the payments in the store's ledger (SQLite file or\n"
    "                            postgresql://); a batch is paid once\n"
    "  --batch NAME              the batch paid (with --history)\n"
    "  --release ANNOTATOR|all   also pay bonuses held in earlier batches (with --history)\n"
    "  --plan-manifest FILE      with --history: only planned pairs count (plan --manifest)\n"
    "  --out FILE                the payment CSV: annotator, pairs, consistent, wage, paid,\n"
    "                            bonus, reason, currency, unit (never partial)\n"
    "  --upload prolific|mturk|toloka  also write the platform's bonus file to --upload-out\n"
    "  --upload-out FILE         where (never partial; only bonuses > 0)\n"
    "  --assignments FILE        mturk: CSV with WorkerId and AssignmentId (as the batch\n"
    "                            results file); a worker's first row is used\n"
    "  --reason TEXT             mturk: the Reason for every worker (default: the row's\n"
    "                            reason); toloka: the public message (required)\n"
    "  --title TEXT              toloka: the public title (default \"Bonus\")\n" CLI_FORMAT_HELP
    "  --help                    this help\n\n"
    "Output (stdout): annotator, pairs, consistent, threshold, wage, paid, bonus, action,\n"
    "upload, currency, unit, reason; exact decimals. Upload ids are checked,\n"
    "never rewritten (Prolific 24 hex digits, MTurk A[A-Z0-9]+, Toloka 32 hex digits).\n";

enum { UP_NONE = -1, UP_PROLIFIC, UP_MTURK, UP_TOLOKA };

typedef struct opts {
    const char *assessment, *contract, *upload_out, *assignments, *reason, *title, *paid;
    const char *history, *batch, *release, *paid_from, *plan_manifest;
    pm_pay_options pay;
    int upload;
    int rule_given;    /* --threshold-rule */
    double min_hourly; /* NaN: off */
    int strict;
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
    case CLI_OPT_THRESHOLD_RULE: {
        static const char *const rules[] = {"first-n", "scaled", NULL};
        int r;
        int rc = cli_choice("--threshold-rule", arg, rules, &r);
        o->pay.threshold = (pm_threshold_rule)r;
        o->rule_given = 1;
        return rc;
    }
    case CLI_OPT_PARTIAL_BASE: {
        static const char *const partial[] = {"base", "pro-rata", NULL};
        int r;
        int rc = cli_choice("--partial-base", arg, partial, &r);
        o->pay.partial = (pm_pay_partial)r;
        return rc;
    }
    case CLI_OPT_PAY_FLAGGED: {
        static const char *const which[] = {"review", "block", "all", NULL};
        int r;
        int rc = cli_choice("--pay-flagged", arg, which, &r);
        o->pay.pay_flagged |= r == 0   ? PM_PAY_FLAGGED_REVIEW
                              : r == 1 ? PM_PAY_FLAGGED_BLOCK
                                       : PM_PAY_FLAGGED_REVIEW | PM_PAY_FLAGGED_BLOCK;
        return rc;
    }
    case CLI_OPT_MIN_HOURLY:
        return cli_double("--min-hourly", arg, 0, 1e9, &o->min_hourly);
    case CLI_OPT_STRICT:
        o->strict = 1;
        return 0;
    case CLI_OPT_HISTORY:
        o->history = arg;
        return 0;
    case CLI_OPT_PAID_FROM:
        o->paid_from = arg;
        return 0;
    case CLI_OPT_BATCH:
        o->batch = arg;
        return 0;
    case CLI_OPT_RELEASE:
        o->release = arg;
        return 0;
    case CLI_OPT_PLAN_MANIFEST:
        o->plan_manifest = arg;
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
    if (o->history && (!o->batch || !*o->batch))
        return "--history needs --batch NAME (the batch the ledger records as paid)";
    if (!o->history && o->batch)
        return "--batch: applies with --history URI only";
    if (!o->history && o->plan_manifest)
        return "--plan-manifest needs --history URI: the assessment file does not record which "
               "item each pair is of, the store does";
    if (!o->history && o->release)
        return "--release needs --history URI (held bonuses are kept in its ledger)";
    if (o->strict && o->min_hourly != o->min_hourly)
        return "--strict: applies with --min-hourly RATE only";
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

typedef struct payrun {
    pm_contract contract;
    pm_assess *assess;
    pm_pay_input *in;
    pm_pay_evidence *ev;
    pm_pay_row *rows;
    size_t count;    /* rows (the assessment's, then released holds' own) */
    size_t assessed; /* rows from the assessment */
    pm_pay_summary sum;
    pm_pay_assignments map;
    pm_history *store;
    pm_pay_releases released;
    pm_pay_plan *plan;
    int rule_from_contract; /* the contract file states its threshold rule */
    pm_pay_options pay;     /* the options with the rule resolved */
    char rule[1024];        /* the payment rule, printed before the table */
    char sha256[PM_SHA256_HEX];
} payrun;

static void payrun_free(payrun *p)
{
    pm_assess_free(p->assess);
    free(p->in);
    free(p->ev);
    free(p->rows);
    pm_pay_assignments_free(&p->map);
    pm_pay_releases_free(&p->released);
    pm_history_close(p->store);
    pm_pay_plan_free(p->plan);
}

/* The threshold rule: --threshold-rule, else the contract's field, else
 * the default (and the rule text says which). */
static int resolve_rule(const opts *o, payrun *p)
{
    pm_error err = {0};
    pm_threshold_rule r;
    int given = 0;
    pm_status st = pm_contract_load_threshold_rule(o->contract, &r, &given, &err);
    if (st != PM_OK)
        return cli_fail("--contract", st, &err);
    p->pay = o->pay;
    p->rule_from_contract = given;
    if (given && o->rule_given && r != o->pay.threshold) {
        cli_error("--threshold-rule %s: the contract %s states threshold_rule \"%s\", fixed "
                  "before the work; it is not changed at payment",
                  pm_threshold_rule_name(o->pay.threshold), o->contract, pm_threshold_rule_name(r));
        return CLI_EUSAGE;
    }
    if (!o->rule_given)
        p->pay.threshold = r;
    return 0;
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
    int rc = resolve_rule(o, p);
    if (rc)
        return rc;
    if (o->paid && (st = pm_money_parse(o->paid, &paid, &err)) != PM_OK)
        return cli_fail("--paid", st, &err);
    /* Terms and options checked (no rows yet) before the rule is stated. */
    if ((st = pm_pay_compute(&p->contract.terms, &p->pay, NULL, 0, NULL, NULL, &err)) != PM_OK ||
        (st = pm_pay_rule_text(&p->contract.terms, &p->pay, p->rule, sizeof p->rule, &err)) !=
            PM_OK)
        return cli_fail(NULL, st, &err);
    size_t len = strlen(p->rule);
    snprintf(p->rule + len, sizeof p->rule - len, " (threshold rule %s)",
             o->rule_given           ? "from --threshold-rule"
             : p->rule_from_contract ? "from the contract's threshold_rule field"
                                     : "by default: the contract file does not state one");
    if ((st = pm_assess_load_json(o->assessment, &p->assess, &err)) != PM_OK)
        return cli_fail("--assessment", st, &err);
    if ((st = pm_pay_inputs_from_assess(p->assess, paid, &p->in, &p->ev, &err)) != PM_OK)
        return cli_fail("--assessment", st, &err);
    pm_assess_rows(p->assess, &p->count);
    p->assessed = p->count;
    if (o->paid_from) {
        size_t unmatched = 0;
        if ((st = pm_pay_read_paid(o->paid_from, p->in, p->count, &unmatched, &err)) != PM_OK)
            return cli_fail("--paid-from", st, &err);
        if (unmatched)
            cli_warn("--paid-from %s: %zu lines name nobody in the assessment (not counted)",
                     o->paid_from, unmatched);
    }
    /* With a store: a batch is paid once; pending holds may add rows. */
    size_t pend = 0;
    if (o->history) {
        if ((st = pm_history_open(o->history, PM_HISTORY_CREATE, &p->store, &err)) != PM_OK ||
            (st = pm_pay_ledger_check(p->store, o->batch, &err)) != PM_OK ||
            (st = pm_pay_ledger_pending(p->store, p->pay.currency, &pend, &err)) != PM_OK)
            return cli_fail("--history", st, &err);
    }
    p->rows = calloc(p->count + pend + 1, sizeof *p->rows);
    if (!p->rows)
        return CLI_EINTERNAL;
    const pm_pay_planned *planned = NULL;
    size_t n_planned = 0;
    if (o->plan_manifest) {
        FILE *fp = fopen(o->plan_manifest, "rb");
        if (!fp) {
            cli_error("--plan-manifest: %s: %s", o->plan_manifest, strerror(errno));
            return CLI_EIO;
        }
        st = pm_pay_plan_read(fp, o->plan_manifest, &p->plan, &err);
        fclose(fp);
        if (st != PM_OK)
            return cli_fail("--plan-manifest", st, &err);
        planned = pm_pay_plan_annotators(p->plan, &n_planned);
    }
    /* With a store, pay follows the store's decision of this batch (over
     * all the annotator's pairs across weeks) and its pairs in order; the
     * assessment file's one-batch action only without one. */
    if (p->store)
        st = pm_pay_compute_history(p->store, o->batch, &p->contract.terms, &p->pay, p->in,
                                    p->count, planned, n_planned, p->rows, &p->sum, &err);
    else
        st = pm_pay_compute_ev(&p->contract.terms, &p->pay, p->in, p->ev, p->count, p->rows,
                               &p->sum, &err);
    if (st != PM_OK)
        return cli_fail(p->store ? "--history" : NULL, st, &err);
    if (p->store) {
        st = pm_pay_ledger_release(p->store, p->pay.currency, o->release, p->rows, &p->count,
                                   p->assessed + pend, &p->released, &err);
        if (st != PM_OK)
            return cli_fail(st == PM_EINVAL ? "--release" : "--history", st, &err);
        for (size_t i = 0; i < p->count; i++)
            if (p->rows[i].released_cents > 0) {
                p->sum.upload_total_cents += p->rows[i].released_cents;
                p->sum.payable += p->rows[i].upload_cents == p->rows[i].released_cents;
            }
    }
    if (o->assignments && (st = pm_pay_read_assignments(o->assignments, &p->map, &err)) != PM_OK)
        return cli_fail("--assignments", st, &err);
    return 0;
}

/* --min-hourly: each annotator's wage per hour of labels x median
 * duration; below the rate a warning, or with --strict a refusal before
 * anything is written. */
static int check_hourly(const opts *o, const payrun *p)
{
    if (o->min_hourly != o->min_hourly)
        return 0;
    size_t n;
    const pm_assess_row *ar = pm_assess_rows(p->assess, &n);
    size_t below = 0, unknown = 0;
    for (size_t i = 0; i < n && i < p->assessed; i++) {
        double h;
        if (pm_pay_hourly_below(p->rows[i].wage_cents, ar[i].labels, ar[i].median_duration,
                                o->min_hourly, &h)) {
            below++;
            cli_warn("annotator '%s': wage %.2f %s for %ld labels at a median of %.3g s each is "
                     "%.2f %s per hour, below --min-hourly %.2f",
                     p->rows[i].annotator, (double)p->rows[i].wage_cents / 100, p->pay.currency,
                     ar[i].labels, ar[i].median_duration, h, p->pay.currency, o->min_hourly);
        } else if (h != h) {
            unknown++;
        }
    }
    if (unknown)
        cli_warn("--min-hourly: %zu annotators without durations in the assessment were not "
                 "checked",
                 unknown);
    if (below && o->strict) {
        cli_error("%zu annotators would be paid below --min-hourly %.2f %s per hour; nothing "
                  "written (--strict)",
                  below, o->min_hourly, p->pay.currency);
        return CLI_EDATA;
    }
    return 0;
}

/* ---- outputs ----------------------------------------------------------- */

/* 1 when path is a regular file (what a failed run may take back). */
static int is_regular(const char *path)
{
    struct stat sb;
    return path && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static pm_status write_upload(const pm_writer *w, const opts *o, const payrun *p, pm_error *err)
{
    size_t skipped = 0;
    switch (o->upload) {
    case UP_PROLIFIC:
        return pm_pay_write_prolific_to(w, p->rows, p->count, &skipped, err);
    case UP_MTURK:
        return pm_pay_write_mturk_to(w, p->rows, p->count, p->map.v, p->map.n, o->reason, &skipped,
                                     err);
    default:
        return pm_pay_write_toloka_to(w, p->rows, p->count, o->title ? o->title : "Bonus",
                                      o->reason, &skipped, err);
    }
}

/* Both files complete or neither: written to temporary files, put in place
 * once both are written. With a store the ledger is written after them,
 * recording the upload's SHA-256; when the ledger fails, the files just
 * put in place are removed, so that a failure leaves neither money sent
 * nor money recorded. */
static int write_files(const opts *o, const char *out_path, payrun *p)
{
    pm_outfile *out = NULL, *up = NULL;
    pm_error err = {0};
    pm_buffer ub = {0};
    const char *what = "--out";
    pm_status st = out_path ? pm_outfile_open(out_path, &out, &err) : PM_OK;
    if (st == PM_OK && out)
        st = pm_pay_write_table(pm_outfile_stream(out), p->rows, p->count, &p->pay, &err);
    if (st == PM_OK && o->upload_out) {
        what = "--upload-out";
        pm_writer w = pm_writer_buffer(&ub);
        if ((st = write_upload(&w, o, p, &err)) == PM_OK)
            pm_sha256_buf(ub.data ? ub.data : "", ub.len, p->sha256);
        if (st == PM_OK && (st = pm_outfile_open(o->upload_out, &up, &err)) == PM_OK && ub.len &&
            fwrite(ub.data, 1, ub.len, pm_outfile_stream(up)) != ub.len)
            st = pm_error_set(&err, PM_EIO, "%s: write error", o->upload_out);
    }
    pm_buffer_free(&ub);
    int out_done = 0, up_done = 0;
    if (st == PM_OK && out) {
        what = "--out";
        st = pm_outfile_commit(out, &err);
        out = NULL;
        out_done = st == PM_OK;
    }
    if (st == PM_OK && up) {
        what = "--upload-out";
        st = pm_outfile_commit(up, &err);
        up = NULL;
        up_done = st == PM_OK;
    }
    pm_outfile_abort(out);
    pm_outfile_abort(up);
    if (st == PM_OK && p->store) {
        what = "--history";
        st = pm_pay_ledger_record(p->store, o->batch, p->pay.currency, p->rows, p->count,
                                  &p->released, o->upload_out ? p->sha256 : NULL, &err);
    }
    if (st != PM_OK) {
        /* Nothing half done: a file already in place goes again (a device
         * such as /dev/null has nothing to take back). */
        if (up_done && is_regular(o->upload_out))
            remove(o->upload_out);
        if (out_done && is_regular(out_path))
            remove(out_path);
        return cli_fail(what, st, &err);
    }
    return 0;
}

static int emit(const payrun *p, const pm_pay_options *po, out_format fmt)
{
    static const char *const cols[] = {"annotator", "pairs",    "consistent", "threshold",
                                       "wage",      "paid",     "bonus",      "action",
                                       "upload",    "currency", "unit",       "reason"};
    out_table *t = out_new(0);
    if (!t)
        return CLI_EINTERNAL;
    out_note(t, "amounts in %s; one contract unit = %s %s", po->currency, po->unit, po->currency);
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
    /* What a person checks before paying; the rest with --wide. */
    out_view(t, "annotator,pairs,consistent,threshold?,wage?,bonus,action,upload?,reason"
                "|paid,currency,unit");
    for (size_t i = 0; i < p->count; i++) {
        const pm_pay_row *r = &p->rows[i];
        char w[32], pd[32], b[32], u[32];
        pm_money_format(r->wage_cents, w, sizeof w);
        pm_money_format(r->paid_cents, pd, sizeof pd);
        pm_money_format(r->bonus_cents, b, sizeof b);
        pm_money_format(r->upload_cents, u, sizeof u);
        out_row(t);
        out_str(t, r->annotator); /* guarded in CSV by the table writer */
        out_int(t, r->pairs);
        out_int(t, r->consistent);
        if (p->contract.terms.type == PM_CONTRACT_BINARY && r->k_used > 0)
            out_int(t, r->k_used);
        else
            out_null(t);
        out_decimal(t, w);
        out_decimal(t, pd);
        out_decimal(t, b);
        out_str(t, pm_action_name(r->action));
        out_decimal(t, u);
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
    char total[32], b[32], up[32];
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
    pm_money_format(p->sum.upload_total_cents, up, sizeof up);
    fprintf(stderr,
            "prefmon pay: %zu annotators: %zu bonuses uploaded (total %s %s); bonuses earned "
            "total %s %s, %zu of them not uploaded (%zu held); %zu with none, %zu negative, "
            "%zu without pairs; %zu judged on their first n pairs, %zu with fewer than n, %zu "
            "thresholds scaled%s%s\n",
            p->sum.rows, p->sum.payable, up, o->pay.currency, total, o->pay.currency,
            p->sum.withheld, p->sum.held, p->sum.zero, p->sum.negative, p->sum.no_pairs,
            p->sum.truncated, p->sum.partial, p->sum.scaled, o->upload_out ? "; upload file " : "",
            o->upload_out ? o->upload_out : "");
    if (p->store)
        fprintf(stderr,
                "prefmon pay: ledger %s: batch '%s' recorded (%zu held bonuses released)%s%s\n",
                pm_history_name(p->store), o->batch, p->released.n,
                o->upload_out ? ", upload SHA-256 " : "", o->upload_out ? p->sha256 : "");
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
        {"threshold-rule", required_argument, NULL, CLI_OPT_THRESHOLD_RULE},
        {"partial-base", required_argument, NULL, CLI_OPT_PARTIAL_BASE},
        {"pay-flagged", required_argument, NULL, CLI_OPT_PAY_FLAGGED},
        {"min-hourly", required_argument, NULL, CLI_OPT_MIN_HOURLY},
        {"strict", no_argument, NULL, CLI_OPT_STRICT},
        {"history", required_argument, NULL, CLI_OPT_HISTORY},
        {"batch", required_argument, NULL, CLI_OPT_BATCH},
        {"release", required_argument, NULL, CLI_OPT_RELEASE},
        {"paid-from", required_argument, NULL, CLI_OPT_PAID_FROM},
        {"plan-manifest", required_argument, NULL, CLI_OPT_PLAN_MANIFEST},
        {NULL, 0, NULL, 0}};
    opts o;
    memset(&o, 0, sizeof o);
    o.upload = UP_NONE;
    o.min_hourly = NAN;
    pm_pay_options_default(&o.pay);
    o.pay.unit = NULL;
    o.pay.currency = NULL;
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
        rc = check_hourly(&o, &p);
    if (!rc)
        rc = write_files(&o, out.out_path, &p);
    if (!rc) {
        /* Stated before the table (and after the checks, so that an error
         * stays one line). */
        fprintf(stderr, "prefmon pay: rule: %s\n", p.rule);
        rc = emit(&p, &p.pay, out.fmt);
    }
    if (!rc)
        report(&p, &o);
    payrun_free(&p);
    return rc;
}
