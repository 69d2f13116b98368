/* prefmon simulate: a synthetic pool labels the queues of a plan; the log,
 * the truth, and how assess and pay do against the truth. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "prefmon/assess.h"
#include "prefmon/contract.h"
#include "prefmon/outfile.h"
#include "prefmon/pay.h"
#include "prefmon/records_write.h"
#include "prefmon/report.h"
#include "prefmon/rng.h"
#include "prefmon/pages.h"
#include "prefmon/sim.h"
#include "prefmon/sim_score.h"

static const char help[] =
    "usage: prefmon simulate --annotators N --queue-length L (--dup-rate R | --dup-count D)\n"
    "                        --seed S [options]\n"
    "       prefmon simulate --plan-manifest FILE [options]\n\n"
    "A synthetic pool labels the queues of a plan (as prefmon plan --seed S makes them:\n"
    "duplicates swapped and spaced, gold at --gold-rate) and the log is what a platform\n"
    "would export; assess and pay then run on it in memory and are scored against the\n"
    "truth (arXiv 2502.06387 §2's annotator, simulated). With probability eta an\n"
    "annotator labels an item carefully (P(A) = the item's p), else by a fair coin; a\n"
    "careful repeat disagrees with probability delta: a pair agrees with probability\n"
    "m = 1/2 + eta (1/2 - delta), the general convention with q0 = 1/2 (with\n"
    "--convention paper, delta/2 is simulated: m = (1 + (1 - delta) eta)/2).\n\n"
    "options:\n"
    "  --items FILE              preference JSONL with scores (default\n"
    "                            data/ultrafeedback-sample.jsonl): p = sigmoid(score_chosen -\n"
    "                            score_rejected), A = chosen; response lengths decide 'longer'\n"
    "  --annotators N            pool size\n"
    "  --eta SPEC                careful efforts: beta:A,B, uniform:A,B, fixed:X or a list\n"
    "                            X1,X2,... assigned in turn (default beta:8,2)\n"
    "  --spammer-share S         share of spammers (eta = 0, fair coins) (default 0)\n"
    "  --longer-share S          share always picking the longer response (default 0)\n"
    "  --left-share S            share always picking the left response (default 0)\n"
    "  --queue-length L          slots per annotator\n"
    "  --dup-rate R[,R...]       duplicates per annotator = round(R L); several rates run\n"
    "                            the same pool once each (--show detection compares them)\n"
    "  --dup-count D             duplicates per annotator\n"
    "  --min-gap G               least positions between the two copies (default 10)\n"
    "  --gold-rate R             gold items per annotator = round(R L) (default 0)\n"
    "  --gold-items N            the gold set: the first N items of --items (default round(R L))\n"
    "  --seed S                  the plan's seed; labels and efforts use SplitMix64(S)\n"
    "  --plan-manifest FILE      label the queues of prefmon plan --manifest (doc/simulate.md)\n"
    "  --out FILE                the label log (never partial)\n"
    "  --log-format csv|jsonl|labelstudio  its shape (default csv)\n"
    "  --truth-out FILE          CSV annotator,kind,eta,delta,seed,label_seed (never partial)\n"
    "  --gold-out FILE           the gold labels, item TAB label (assess --gold reads it)\n"
    "  --contract FILE[,FILE]    pay under each contract (contract --out): --show pay, --html\n"
    "  --show annotators|detection|pay|none  the stdout table (default annotators); none:\n"
    "                            no table and no assessment (only the files)\n"
    "  --html FILE               a report page: each group's simulated flag rate against the\n"
    "                            exact one, interval coverage, eta_hat against eta (never\n"
    "                            partial)\n"
    "  --level L                 confidence level of the intervals (default 0.95)\n"
    "  --eta0 A --eta1 B         the test assess applies (default 0.8, 1)\n"
    "  --delta D --convention general|paper  the careful repeat disagreement "
    "(0.02)\n" CLI_FORMAT_HELP "  --help                    this help\n\n"
    "Tables: annotators: annotator, kind, eta (true), pairs, consistent, eta_hat, ci_low,\n"
    "ci_high, covered, decision, gold_n, gold_agree, left_rate, flags. detection: per\n"
    "dup_rate and group (careful eta >= eta1 'diligent', eta <= eta0 'shirking', between,\n"
    "spammer, longer, left): how many the test cannot decide (too_few), how many each rule\n"
    "flags (self-consistency fail, gold consistent-but-wrong, same-side) with the exact\n"
    "expected self-consistency rate, the interval coverage, and the monitoring labels\n"
    "bought. pay: per contract and group the mean simulated wage and its exact expectation.\n";

enum { SHOW_ANNOTATORS, SHOW_DETECTION, SHOW_PAY, SHOW_NONE };

#define MAX_RUNS CLI_PLAN_MAX_RATES

typedef struct opts {
    const char *items, *eta, *out, *truth_out, *gold_out, *contracts, *html;
    const char *plan_manifest, *shaping; /* shaping: the first plan-shaping option given */
    long annotators, gold_items;
    double shares[3], level;
    int log_format, show;
    cli_planopts plan; /* its own group (after this one, which sees every code first) */
} opts;

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    static const char *const fmts[] = {"csv", "jsonl", "labelstudio", NULL};
    static const char *const shows[] = {"annotators", "detection", "pay", "none", NULL};
    const char **paths[] = {&o->items,    &o->eta,       &o->out,  &o->truth_out,
                            &o->gold_out, &o->contracts, &o->html, &o->plan_manifest};
    const int pcodes[] = {CLI_OPT_ITEMS,    CLI_OPT_ETA,      CLI_OPT_OUT,  CLI_OPT_TRUTH_OUT,
                          CLI_OPT_GOLD_OUT, CLI_OPT_CONTRACT, CLI_OPT_HTML, CLI_OPT_PLAN_MANIFEST};
    static const int shaping[] = {CLI_OPT_ANNOTATORS, CLI_OPT_QUEUE_LENGTH, CLI_OPT_DUP_RATE,
                                  CLI_OPT_DUP_COUNT,  CLI_OPT_MIN_GAP,      CLI_OPT_GOLD_RATE};
    static const char *const shaping_names[] = {"--annotators", "--queue-length", "--dup-rate",
                                                "--dup-count",  "--min-gap",      "--gold-rate"};
    for (size_t i = 0; i < sizeof shaping / sizeof *shaping; i++)
        if (code == shaping[i] && !o->shaping)
            o->shaping = shaping_names[i];
    for (size_t i = 0; i < sizeof pcodes / sizeof *pcodes; i++)
        if (code == pcodes[i]) {
            *paths[i] = arg;
            return 0;
        }
    switch (code) {
    case CLI_OPT_ANNOTATORS:
        return cli_long("--annotators", arg, 1, 1000000L, &o->annotators);
    case CLI_OPT_GOLD_ITEMS:
        return cli_long("--gold-items", arg, 0, PM_PLAN_MAX_ROWS, &o->gold_items);
    case CLI_OPT_SPAMMER_SHARE:
        return cli_double("--spammer-share", arg, 0, 1, &o->shares[0]);
    case CLI_OPT_LONGER_SHARE:
        return cli_double("--longer-share", arg, 0, 1, &o->shares[1]);
    case CLI_OPT_LEFT_SHARE:
        return cli_double("--left-share", arg, 0, 1, &o->shares[2]);
    case CLI_OPT_LEVEL:
        return cli_open_unit("--level", arg, &o->level);
    case CLI_OPT_LOG_FORMAT:
        return cli_choice("--log-format", arg, fmts, &o->log_format);
    case CLI_OPT_SHOW:
        return cli_choice("--show", arg, shows, &o->show);
    }
    return CLI_NOT_MINE;
}

/* With --plan-manifest the plan is the manifest's: what would shape
 * another one is refused (finish), and the counts come from the file. */
static const char *combination_error(const opts *o)
{
    if (!o->plan_manifest && !o->annotators)
        return "--annotators N is required";
    const char *e = o->plan_manifest ? NULL : cli_planopts_error(&o->plan);
    if (e)
        return e;
    if (!o->plan_manifest && !o->plan.have_seed)
        return "--seed S is required: a simulation is reproduced from its seed";
    if (o->shares[0] + o->shares[1] + o->shares[2] > 1)
        return "--spammer-share, --longer-share and --left-share add up to more than 1";
    if (o->plan.nrates > 1 && (o->out || o->truth_out || o->gold_out || o->show != SHOW_DETECTION))
        return "several --dup-rate values compare runs: give --show detection and no "
               "--out, --truth-out or --gold-out";
    if (o->show == SHOW_PAY && !o->contracts)
        return "--show pay needs --contract FILE";
    if (o->contracts && o->show != SHOW_PAY && !o->html)
        return "--contract is read by --show pay or --html FILE: give one of them";
    if (!o->plan_manifest && o->gold_items >= 0 && o->plan.gold_rate == 0)
        return "--gold-items needs --gold-rate R";
    return NULL;
}

static int finish(void *self)
{
    const opts *o = self;
    if (o->plan_manifest && o->shaping) {
        cli_error("--plan-manifest: the plan is the manifest's; %s shapes a new plan and cannot "
                  "be given with it",
                  o->shaping);
        return CLI_EUSAGE;
    }
    const char *e = combination_error(self);
    if (e) {
        cli_error("%s", e);
        return CLI_EUSAGE;
    }
    return 0;
}

/* ---- the simulated world (pm_sim_world): items, gold set, pool ----------- */

typedef pm_sim_world world;

static int load_items(const opts *o, world *w)
{
    const char *path = o->items ? o->items : cli_data_path("ultrafeedback-sample.jsonl");
    pm_error err = {0};
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        cli_error("--items: %s: %s%s", path, strerror(errno),
                  o->items ? "" : " (the default; give --items FILE)");
        return CLI_EIO;
    }
    size_t g = o->gold_items >= 0 ? (size_t)o->gold_items
                                  : (size_t)floor(o->plan.gold_rate * o->plan.length + 0.5);
    pm_status st = pm_sim_world_items(w, fp, path, g, &err);
    fclose(fp);
    if (st == PM_EINVAL) {
        cli_error("--gold-items: %s", err.text);
        return CLI_EDATA;
    }
    return st == PM_OK ? 0 : cli_fail(st == PM_ENOMEM ? NULL : "--items", st, &err);
}

static int make_pool(const opts *o, world *w)
{
    size_t k[4];
    pm_error err = {0};
    pm_sim_effort e;
    int shares = pm_sim_pool_counts((size_t)o->annotators, o->shares, k, &err) == PM_OK;
    if (!shares || pm_sim_effort_parse(o->eta ? o->eta : "beta:8,2", &e, &err) != PM_OK) {
        cli_error("%s%s", shares ? "--eta: " : "", err.text);
        return CLI_EUSAGE;
    }
    pm_status st = pm_sim_world_pool(w, k, &e, &err);
    return st == PM_OK ? 0 : cli_fail(st == PM_ENOMEM ? NULL : "--eta", st, &err);
}

/* ---- --plan-manifest: the plan prefmon plan wrote ------------------------- */

static FILE *open_manifest(const opts *o)
{
    FILE *fp = fopen(o->plan_manifest, "rb");
    if (!fp)
        cli_error("--plan-manifest: %s: %s", o->plan_manifest, strerror(errno));
    return fp;
}

/* The gold set's default size: the manifest's gold per annotator, as
 * round(R L) is without one (the header only: the file is read again). */
static int manifest_gold(opts *o)
{
    struct stat sb;
    if (stat(o->plan_manifest, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        cli_error("--plan-manifest: %s is not a regular file, and the gold set's size is read "
                  "from its header first: give --gold-items N (0: no gold set)",
                  o->plan_manifest);
        return CLI_EUSAGE;
    }
    FILE *fp = open_manifest(o);
    if (!fp)
        return CLI_EIO;
    pm_plan_summary h;
    pm_error err = {0};
    pm_status st = pm_plan_read_manifest_header(fp, o->plan_manifest, &h, &err);
    fclose(fp);
    if (st != PM_OK)
        return cli_fail("--plan-manifest", st, &err);
    o->gold_items = h.gold;
    return 0;
}

/* The plan, over the pools; the counts the rest of the command reads come
 * from it. */
static int read_plan(opts *o, world *w, pm_plan **plan, int have_seed)
{
    FILE *fp = open_manifest(o);
    if (!fp)
        return CLI_EIO;
    pm_error err = {0};
    pm_status st = pm_plan_read_manifest(fp, o->plan_manifest, w->items,
                                         pm_plan_pool_count(w->gold) ? w->gold : NULL, plan, &err);
    fclose(fp);
    if (st != PM_OK)
        return cli_fail("--plan-manifest", st, &err);
    pm_plan_summary h;
    pm_plan_summarize(*plan, NULL, &h, NULL);
    o->annotators = (long)h.annotators;
    o->plan.length = h.length;
    o->plan.dup_count = h.duplicates;
    o->plan.min_gap = h.min_gap;
    if (!have_seed)
        o->plan.seed = h.seed;
    w->seed = pm_splitmix64(&(uint64_t){o->plan.seed});
    return 0;
}

/* One run: the plan (made unless given), its labels, and the assessment
 * when a table or the page reads it. */
static int make_run(const opts *o, const world *w, const cli_testopts *to, pm_plan *plan,
                    double dup_rate, pm_sim_run *r)
{
    pm_plan_request req = cli_planopts_request(&o->plan, w->items, w->gold,
                                               (const char *const *)w->names, w->n, dup_rate);
    pm_error err = {0};
    pm_status st = plan ? PM_OK : pm_plan_make(&req, &plan, &err);
    if (st != PM_OK)
        return cli_fail(NULL, st, &err);
    pm_assess_options ao;
    pm_sim_assess_options(w->delta_r, o->level, to->eta0, to->eta1, &ao);
    pm_sim_request sr = {plan,      w->items, w->gold,    w->p_items,
                         w->p_gold, w->pool,  w->delta_r, w->seed};
    int assess = o->show != SHOW_NONE || o->html;
    st = pm_sim_run_make(plan, &sr, assess ? &ao : NULL, r, &err);
    return st == PM_OK ? 0 : cli_fail("assess", st, &err);
}

/* ---- files: the log, the truth, the gold labels -------------------------- */

/* Each file complete or absent: all are put in place only when all were
 * written. */
static int write_files(const opts *o, const world *w, const pm_sim_run *r)
{
    const char *paths[3] = {o->out, o->truth_out, o->gold_out};
    const char *what[3] = {"--out", "--truth-out", "--gold-out"};
    pm_outfile *of[3] = {NULL, NULL, NULL};
    pm_error err = {0};
    pm_status st = PM_OK;
    int i;
    for (i = 0; i < 3 && st == PM_OK; i++) {
        if (!paths[i])
            continue;
        st = pm_outfile_open(paths[i], &of[i], &err);
        if (st == PM_OK) {
            static const pm_records_format f[] = {PM_RECORDS_CSV, PM_RECORDS_JSONL,
                                                  PM_RECORDS_LABELSTUDIO};
            FILE *fp = pm_outfile_stream(of[i]);
            pm_sim_truth t = pm_sim_world_truth(w);
            st = i == 0   ? pm_sim_run_write_log(r, w->items, w->gold, fp, o->out, f[o->log_format],
                                                 &err)
                 : i == 1 ? pm_sim_write_truth(fp, &t, o->plan.seed, w->seed, &err)
                          : pm_sim_write_gold(fp, w->gold, w->p_gold, &err);
        }
    }
    int failed = st != PM_OK ? i - 1 : -1;
    for (i = 0; i < 3; i++) {
        if (st == PM_OK && of[i]) {
            st = pm_outfile_commit(of[i], &err);
            failed = st != PM_OK ? i : failed;
        } else {
            pm_outfile_abort(of[i]);
        }
        of[i] = NULL;
    }
    return st == PM_OK ? 0 : cli_fail(what[failed], st, &err);
}

/* ---- tables ----------------------------------------------------------------- */

static void notes(out_table *t, const opts *o, const world *w, const cli_testopts *to)
{
    if (o->plan_manifest)
        out_note(t, "plan: read from %s", o->plan_manifest);
    out_note(t,
             "simulated: seed %" PRIu64 " (plan), SplitMix64 -> %" PRIu64 " (labels, efforts); %s",
             o->plan.seed, w->seed, PM_RNG_NAME);
    out_note(t,
             "pair agreement m = 1/2 + eta (1/2 - delta), delta = %g (general convention, "
             "q0 = 1/2); test eta0 = %g, eta1 = %g, likelihood-ratio rule; level %g",
             w->delta_r, to->eta0, to->eta1, o->level);
}

/* What every row depends on, as columns (CSV and JSON drop the notes). */
static const char *const param_cols[] = {"delta", "q0", "eta0", "eta1", "level", "seed"};

static void param_cells(out_table *t, const opts *o, const world *w, const cli_testopts *to)
{
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, o->plan.seed);
    out_num(t, w->delta_r);
    out_num(t, 0.5);
    out_num(t, to->eta0);
    out_num(t, to->eta1);
    out_num(t, o->level);
    out_str(t, seed); /* a string: 64-bit seeds do not fit a JSON double */
}

static const char *const annotator_cols[] = {
    "annotator", "kind",    "eta",      "pairs",  "consistent", "eta_hat",   "ci_low",
    "ci_high",   "covered", "decision", "gold_n", "gold_agree", "left_rate", "flags"};
static const char *const detection_cols[] = {
    "dup_rate",     "duplicates", "monitoring_labels", "gold_labels",
    "group",        "annotators", "too_few",           "self_flagged",
    "self_rate",    "self_exact", "gold_flagged",      "gold_rate",
    "side_flagged", "side_rate",  "ci_covered",        "ci_n"};
static const char *const pay_cols[] = {
    "contract", "type",       "n",         "contract_eta", "contract_expected_pay",
    "group",    "annotators", "mean_wage", "expected_wage"};

/* The --show table: the run's notes, the table's own note, its columns,
 * then the parameter columns. NULL when out of memory. */
static out_table *new_table(const opts *o, const world *w, const cli_testopts *to)
{
    static const char *const tnotes[] = {
        NULL,
        "self_exact: mean over the group of the exact P(fail) of the self-consistency "
        "test for the annotator's true m and pairs (power's computation)",
        "wages in contract units (pay --unit 1), rounded to cents; expected_wage: the "
        "exact mean for each annotator's true m and pairs, averaged over the group"};
    static const char *const *cols[] = {annotator_cols, detection_cols, pay_cols};
    static const size_t ncols[] = {sizeof annotator_cols / sizeof *annotator_cols,
                                   sizeof detection_cols / sizeof *detection_cols,
                                   sizeof pay_cols / sizeof *pay_cols};
    out_table *t = out_new(0);
    if (!t)
        return NULL;
    notes(t, o, w, to);
    if (tnotes[o->show])
        out_note(t, "%s", tnotes[o->show]);
    for (size_t i = 0; i < ncols[o->show]; i++)
        out_col(t, cols[o->show][i]);
    for (size_t i = 0; i < sizeof param_cols / sizeof *param_cols; i++)
        out_col(t, param_cols[i]);
    return t;
}

static int annotator_rows(out_table *t, const opts *o, const world *w, const pm_sim_run *r,
                          const cli_testopts *to)
{
    size_t count;
    const pm_assess_row *rows = pm_assess_rows(r->assess, &count);
    size_t *idx = malloc((count ? count : 1) * sizeof *idx);
    pm_sim_truth tr = pm_sim_world_truth(w);
    pm_error err = {0};
    pm_status st = idx ? pm_sim_match(&tr, rows, count, idx, &err) : PM_ENOMEM;
    for (size_t i = 0; st == PM_OK && i < count; i++) {
        const pm_sim_annotator *a = &w->pool[idx[i]];
        const pm_assess_row *ar = &rows[i];
        char fl[128];
        out_row(t);
        out_str(t, ar->annotator);
        out_str(t, pm_sim_kind_name(a->kind));
        /* Longer and left clickers have no effort: "-", not "nan". */
        isnan(a->eta) ? out_null(t) : out_num(t, a->eta);
        out_int(t, ar->dup_pairs);
        out_int(t, ar->consistent);
        out_num(t, ar->eta_hat);
        out_num(t, ar->ci_low);
        out_num(t, ar->ci_high);
        int c = pm_sim_covered(a, ar);
        c < 0 ? out_null(t) : out_bool(t, c);
        out_str(t, pm_decision_name(ar->decision));
        out_int(t, ar->gold_n);
        out_int(t, ar->gold_agree);
        out_num(t, ar->left_rate);
        pm_flags_format(ar->flags, ",", "", fl, sizeof fl);
        out_str(t, fl);
        param_cells(t, o, w, to);
    }
    free(idx);
    return st == PM_OK ? 0 : cli_fail("simulate", st, &err);
}

static void detection_rows(out_table *t, const opts *o, const world *w, const cli_testopts *to,
                           const pm_sim_score *s)
{
    for (int k = 0; k < PM_SIM_GROUP_COUNT; k++) {
        const pm_sim_tally *g = &s->group[k];
        if (!g->n)
            continue;
        out_row(t);
        out_num(t, s->dup_rate);
        out_int(t, s->pairs);
        out_int(t, s->monitoring_labels);
        out_int(t, s->gold_labels);
        out_str(t, pm_sim_group_name((pm_sim_group)k));
        out_int(t, g->n);
        out_int(t, g->too_few);
        out_int(t, g->self);
        out_num(t, g->self_rate);
        out_num(t, g->self_exact);
        out_int(t, g->gold);
        out_num(t, g->gold_rate);
        out_int(t, g->side);
        out_num(t, g->side_rate);
        out_int(t, g->cov);
        out_int(t, g->cov_n);
        param_cells(t, o, w, to);
    }
}

/* ---- pay: every --contract file -------------------------------------------- */

typedef struct paid {
    char *list; /* --contract, split in place at its commas */
    pm_sim_contract_pay *c;
    pm_contract *contract;
    size_t n;
} paid;

static void paid_free(paid *p)
{
    free(p->list);
    free(p->c);
    free(p->contract);
}

/* Load every contract of the comma-separated --contract list (any length)
 * and warn about one solved for another scheme than the one simulated. */
static int load_contracts(const opts *o, const world *w, paid *p)
{
    size_t n = 1;
    for (const char *s = o->contracts; *s; s++)
        n += *s == ',';
    p->list = malloc(strlen(o->contracts) + 1);
    p->c = calloc(n, sizeof *p->c);
    p->contract = calloc(n, sizeof *p->contract);
    if (!p->list || !p->c || !p->contract)
        return CLI_EINTERNAL;
    strcpy(p->list, o->contracts);
    for (char *s = p->list, *next; s; s = next, p->n++) {
        if ((next = strchr(s, ',')) != NULL)
            *next++ = '\0';
        pm_model m;
        pm_scheme sc;
        pm_error err = {0};
        pm_status st = pm_contract_load(s, &p->contract[p->n], &m, &sc, &err);
        if (st != PM_OK)
            return cli_fail("--contract", st, &err);
        p->c[p->n].contract = s;
        p->c[p->n].type = p->contract[p->n].terms.type;
        double dr;
        if (pm_sim_repeat_delta(&sc, &dr, NULL) != PM_OK || fabs(dr - w->delta_r) > 1e-12)
            cli_warn("%s: the contract was solved for another scheme than the one simulated "
                     "(repeat disagreement %g): expected_wage uses the simulated one",
                     s, w->delta_r);
    }
    return 0;
}

/* Each contract's pay per group on run r (and its --show pay rows). */
static int pay_run(const opts *o, const world *w, const pm_sim_run *r, const cli_testopts *to,
                   paid *p, out_table *t)
{
    pm_sim_truth tr = pm_sim_world_truth(w);
    for (size_t i = 0; i < p->n; i++) {
        pm_error err = {0};
        pm_status st =
            pm_sim_pay_groups(&tr, r->assess, &p->contract[i].terms, p->c[i].group, &err);
        if (st != PM_OK)
            return cli_fail("pay", st, &err);
        for (int k = 0; o->show == SHOW_PAY && k < PM_SIM_GROUP_COUNT; k++) {
            const pm_sim_pay *g = &p->c[i].group[k];
            if (!g->n)
                continue;
            out_row(t);
            out_str(t, p->c[i].contract);
            out_str(t, pm_contract_type_name(p->contract[i].terms.type));
            out_int(t, p->contract[i].terms.n);
            out_num(t, p->contract[i].eta);
            out_num(t, p->contract[i].expected_pay);
            out_str(t, pm_sim_group_name((pm_sim_group)k));
            out_int(t, g->n);
            out_num(t, g->mean_wage);
            out_num(t, g->mean_expected);
            param_cells(t, o, w, to);
        }
    }
    return 0;
}

/* ---- the report page (--html) ---------------------------------------------- */

static int write_html(const opts *o, const world *w, const pm_sim_score *scores, size_t nruns,
                      const paid *p)
{
    const char *items = o->items ? o->items : "data/ultrafeedback-sample.jsonl";
    pm_sim_page in = {o->plan.seed, w->seed, w->n, w->delta_r, items, scores, nruns, p->c, p->n};
    pm_error err = {0};
    pm_doc *d = NULL;
    pm_outfile *of = NULL;
    pm_status st = pm_page_simulation(&in, &d, &err);
    if (st == PM_OK)
        st = pm_outfile_open(o->html, &of, &err);
    if (st == PM_OK)
        st = pm_doc_write_html(d, pm_outfile_stream(of), &err);
    if (st == PM_OK) {
        st = pm_outfile_commit(of, &err);
        of = NULL;
    }
    pm_outfile_abort(of);
    pm_doc_free(d);
    return st == PM_OK ? 0 : cli_fail("--html", st, &err);
}

/* ---- the command ------------------------------------------------------------ */

/* One run after another, each freed once scored: only its score (tallies
 * and, for the page, one point per careful annotator or spammer) is kept,
 * so memory is one run's, whatever the number of --dup-rate values. The
 * files, the annotator table and pay read the first run. */
static int all_runs(const opts *o, world *w, pm_plan **first, const cli_testopts *to, out_table *t,
                    paid *p, pm_sim_score *scores, size_t nruns)
{
    int rc = 0;
    pm_sim_truth tr = pm_sim_world_truth(w);
    for (size_t i = 0; i < nruns && !rc; i++) {
        double dup_rate = o->plan.nrates ? o->plan.dup_rates[i] : NAN;
        pm_sim_run r = {0};
        pm_plan *plan = *first; /* the manifest's, for the first run, which owns it */
        *first = NULL;
        rc = make_run(o, w, to, plan, dup_rate, &r);
        if (!rc && i == 0)
            rc = write_files(o, w, &r);
        if (!rc && i == 0 && o->show == SHOW_ANNOTATORS)
            rc = annotator_rows(t, o, w, &r, to);
        if (!rc && i == 0 && p->n)
            rc = pay_run(o, w, &r, to, p, t);
        if (!rc && (o->html || o->show == SHOW_DETECTION)) {
            pm_error err = {0};
            pm_status st = pm_sim_score_run(&tr, r.assess, &r.sum, dup_rate, &scores[i], &err);
            if (st != PM_OK)
                rc = cli_fail("simulate", st, &err);
            else if (o->show == SHOW_DETECTION)
                detection_rows(t, o, w, to, &scores[i]);
            if (!o->html)
                pm_sim_score_free(&scores[i]);
        }
        pm_sim_run_free(&r);
    }
    return rc;
}

static int simulate(const opts *o, const cli_monitor *mon, const cli_testopts *to, out_format fmt)
{
    world w = {0};
    opts oc = *o; /* with --plan-manifest, completed from the manifest */
    o = &oc;
    w.seed = pm_splitmix64(&(uint64_t){o->plan.seed});
    pm_error err = {0};
    pm_status st = pm_sim_repeat_delta(&mon->scheme, &w.delta_r, &err);
    if (st != PM_OK) {
        cli_error("%s", err.text);
        return CLI_EUSAGE;
    }
    pm_plan *first = NULL; /* the manifest's plan, owned by the first run once made */
    paid p = {0};
    pm_sim_score scores[MAX_RUNS] = {{0}};
    size_t nruns = o->plan.nrates ? o->plan.nrates : 1;
    int rc = oc.plan_manifest && oc.gold_items < 0 ? manifest_gold(&oc) : 0;
    if (!rc)
        rc = load_items(o, &w);
    if (!rc && oc.plan_manifest)
        rc = read_plan(&oc, &w, &first, o->plan.have_seed);
    if (!rc)
        rc = make_pool(o, &w);
    if (!rc && oc.plan_manifest && (st = pm_sim_world_rename(&w, first, &err)) != PM_OK)
        rc = cli_fail("--plan-manifest", st, &err);
    if (!rc && o->contracts)
        rc = load_contracts(o, &w, &p);
    out_table *t = NULL;
    if (!rc && o->show != SHOW_NONE && !(t = new_table(o, &w, to)))
        rc = CLI_EINTERNAL;
    if (!rc)
        rc = all_runs(o, &w, &first, to, t, &p, scores, nruns);
    if (!rc && o->html)
        rc = write_html(o, &w, scores, nruns, &p);
    if (!rc && w.repeated)
        cli_warn("--items: %zu repeated item%s skipped (an item is in the pool once)", w.repeated,
                 w.repeated == 1 ? "" : "s");
    if (!rc && t)
        rc = cli_emit(t, fmt);
    out_free(t);
    for (size_t i = 0; i < nruns; i++)
        pm_sim_score_free(&scores[i]);
    pm_plan_free(first); /* NULL unless the command failed before the first run */
    paid_free(&p);
    pm_sim_world_free(&w);
    return rc;
}
int cli_simulate(int argc, char **argv)
{
    static const struct option own[] = {
        {"items", required_argument, NULL, CLI_OPT_ITEMS},
        {"annotators", required_argument, NULL, CLI_OPT_ANNOTATORS},
        {"eta", required_argument, NULL, CLI_OPT_ETA},
        {"spammer-share", required_argument, NULL, CLI_OPT_SPAMMER_SHARE},
        {"longer-share", required_argument, NULL, CLI_OPT_LONGER_SHARE},
        {"left-share", required_argument, NULL, CLI_OPT_LEFT_SHARE},
        {"gold-items", required_argument, NULL, CLI_OPT_GOLD_ITEMS},
        {"out", required_argument, NULL, CLI_OPT_OUT},
        {"log-format", required_argument, NULL, CLI_OPT_LOG_FORMAT},
        {"truth-out", required_argument, NULL, CLI_OPT_TRUTH_OUT},
        {"gold-out", required_argument, NULL, CLI_OPT_GOLD_OUT},
        {"contract", required_argument, NULL, CLI_OPT_CONTRACT},
        {"show", required_argument, NULL, CLI_OPT_SHOW},
        {"level", required_argument, NULL, CLI_OPT_LEVEL},
        {"html", required_argument, NULL, CLI_OPT_HTML},
        {"plan-manifest", required_argument, NULL, CLI_OPT_PLAN_MANIFEST},
        {NULL, 0, NULL, 0}};
    opts o;
    memset(&o, 0, sizeof o);
    cli_planopts_init(&o.plan, MAX_RUNS);
    o.gold_items = -1; /* not given */
    o.level = 0.95;
    cli_monitor mon;
    cli_testopts to;
    cli_output out;
    cli_monitor_init(&mon, PM_CONV_GENERAL);
    cli_testopts_init(&to);
    cli_output_init(&out, 0);
    to.eta0 = 0.8; /* as assess */
    to.eta1 = 1;
    to.have_eta0 = to.have_eta1 = 1;
    to.no_alpha = 1; /* assess applies the likelihood-ratio rule */
    const cli_group groups[] = {{own, opt, finish, &o},
                                cli_planopts_group(&o.plan),
                                cli_test_group(&to),
                                cli_monitor_group(&mon),
                                cli_output_group(&out)};
    int rc;
    if (cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc))
        rc = simulate(&o, &mon, &to, out.fmt);
    cli_monitor_free(&mon);
    return rc;
}
