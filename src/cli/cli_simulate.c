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
#include "prefmon/binom.h"
#include "prefmon/contract.h"
#include "prefmon/outfile.h"
#include "prefmon/pay.h"
#include "prefmon/records_write.h"
#include "prefmon/report.h"
#include "prefmon/rng.h"
#include "prefmon/sim.h"

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
enum {
    GROUP_DILIGENT,
    GROUP_BETWEEN,
    GROUP_SHIRKING,
    GROUP_SPAMMER,
    GROUP_LONGER,
    GROUP_LEFT,
    GROUP_COUNT
};
static const char *const group_names[] = {"diligent", "between", "shirking",
                                          "spammer",  "longer",  "left"};

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
 * another one is refused, and the counts come from the file. */
static const char *manifest_error(const opts *o)
{
    if (o->shares[0] + o->shares[1] + o->shares[2] > 1)
        return "--spammer-share, --longer-share and --left-share add up to more than 1";
    if (o->show == SHOW_PAY && !o->contracts)
        return "--show pay needs --contract FILE";
    if (o->contracts && o->show != SHOW_PAY && !o->html)
        return "--contract is read by --show pay or --html FILE: give one of them";
    return NULL;
}

static const char *combination_error(const opts *o)
{
    if (o->plan_manifest)
        return manifest_error(o);
    if (!o->annotators)
        return "--annotators N is required";
    const char *e = cli_planopts_error(&o->plan);
    if (e)
        return e;
    if (!o->plan.have_seed)
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
    if (o->gold_items >= 0 && o->plan.gold_rate == 0)
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

/* ---- the simulated world: items, gold set, pool -------------------------- */

typedef struct world {
    pm_plan_pool *all, *items, *gold;
    double *p_all, *p_items, *p_gold;
    size_t repeated;
    pm_sim_annotator *pool;
    char **names;
    size_t n;
    double delta_r;
    uint64_t sim_seed;
    pm_scheme scheme; /* general, q0 = 1/2, delta_r: what assess and the exact rates use */
} world;

static void world_free(world *w)
{
    pm_plan_pool_free(w->all);
    pm_plan_pool_free(w->items);
    pm_plan_pool_free(w->gold);
    free(w->p_all);
    free(w->p_items);
    free(w->p_gold);
    free(w->pool);
    for (size_t i = 0; w->names && i < w->n; i++)
        free(w->names[i]);
    free(w->names);
}

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
    w->all = pm_plan_pool_new(NULL);
    w->items = pm_plan_pool_new(NULL);
    w->gold = pm_plan_pool_new(NULL);
    if (!w->all || !w->items || !w->gold) {
        fclose(fp);
        return CLI_EINTERNAL;
    }
    pm_status st = pm_sim_items_read(w->all, fp, path, &w->p_all, &w->repeated, &err);
    fclose(fp);
    if (st != PM_OK)
        return cli_fail("--items", st, &err);
    size_t n = pm_plan_pool_count(w->all);
    size_t g = o->gold_items >= 0 ? (size_t)o->gold_items
                                  : (size_t)floor(o->plan.gold_rate * o->plan.length + 0.5);
    if (g >= n) {
        cli_error("--gold-items: the gold set (%zu) takes every item of --items (%zu)", g, n);
        return CLI_EDATA;
    }
    w->p_items = malloc((n - g) * sizeof *w->p_items);
    w->p_gold = malloc((g ? g : 1) * sizeof *w->p_gold);
    if (!w->p_items || !w->p_gold)
        return CLI_EINTERNAL;
    for (size_t i = 0; i < n && st == PM_OK; i++) {
        pm_plan_pool *to = i < g ? w->gold : w->items;
        (i < g ? w->p_gold : w->p_items)[i < g ? i : i - g] = w->p_all[i];
        st = pm_plan_pool_add(to, pm_plan_pool_key(w->all, i), pm_plan_pool_response(w->all, i, 0),
                              pm_plan_pool_response(w->all, i, 1), NULL, &err);
    }
    return st == PM_OK ? 0 : cli_fail(NULL, st, &err);
}

static int make_pool(const opts *o, world *w)
{
    size_t n = (size_t)o->annotators, k[4];
    for (int t = 0; t < 3; t++)
        k[t + 1] = (size_t)floor(o->shares[t] * (double)n + 0.5);
    if (k[1] + k[2] + k[3] > n) {
        cli_error("the shares round to more annotators than --annotators %zu", n);
        return CLI_EUSAGE;
    }
    k[0] = n - k[1] - k[2] - k[3];
    pm_sim_effort e;
    pm_error err = {0};
    pm_status st = pm_sim_effort_parse(o->eta ? o->eta : "beta:8,2", &e, &err);
    if (st != PM_OK) {
        cli_error("--eta: %s", err.text);
        return CLI_EUSAGE;
    }
    w->n = n;
    w->pool = malloc(n * sizeof *w->pool);
    w->names = calloc(n, sizeof *w->names);
    if (!w->pool || !w->names)
        return CLI_EINTERNAL;
    st = pm_sim_pool(&e, k[0], k[1], k[2], k[3], w->sim_seed, w->pool, &err);
    if (st != PM_OK)
        return cli_fail("--eta", st, &err);
    int width = snprintf(NULL, 0, "%zu", n);
    size_t idx[4] = {0};
    for (size_t i = 0; i < n; i++) {
        const char *kind = pm_sim_kind_name(w->pool[i].kind);
        w->names[i] = malloc(strlen(kind) + 24);
        if (!w->names[i])
            return CLI_EINTERNAL;
        sprintf(w->names[i], "%s-%0*zu", kind, width, ++idx[w->pool[i].kind]);
    }
    return 0;
}

/* ---- one run: plan, labels, assess -------------------------------------- */

typedef struct run {
    double dup_rate;
    pm_plan *plan;
    char *labels;
    size_t rows;
    pm_plan_summary sum;
    pm_assess *assess;
} run;

static void run_free(run *r)
{
    pm_plan_free(r->plan);
    free(r->labels);
    pm_assess_free(r->assess);
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
static int read_plan(opts *o, world *w, run *r, int have_seed)
{
    FILE *fp = open_manifest(o);
    if (!fp)
        return CLI_EIO;
    pm_error err = {0};
    pm_status st =
        pm_plan_read_manifest(fp, o->plan_manifest, w->items,
                              pm_plan_pool_count(w->gold) ? w->gold : NULL, &r->plan, &err);
    fclose(fp);
    if (st != PM_OK)
        return cli_fail("--plan-manifest", st, &err);
    pm_plan_summary h;
    pm_plan_summarize(r->plan, NULL, &h, NULL);
    o->annotators = (long)h.annotators;
    o->plan.length = h.length;
    o->plan.dup_count = h.duplicates;
    o->plan.min_gap = h.min_gap;
    if (!have_seed)
        o->plan.seed = h.seed;
    uint64_t s = o->plan.seed;
    w->sim_seed = pm_splitmix64(&s);
    return 0;
}

/* The pool's annotators take the manifest's names, in its order. */
static int manifest_names(world *w, const pm_plan *plan)
{
    for (size_t i = 0; i < w->n; i++) {
        const char *name = pm_plan_annotator(plan, i);
        char *c = malloc(strlen(name) + 1);
        if (!c)
            return CLI_EINTERNAL;
        free(w->names[i]);
        w->names[i] = strcpy(c, name);
    }
    return 0;
}

static pm_status feed_assess(const world *w, run *r, const cli_testopts *to, double level,
                             pm_error *err)
{
    pm_assess_options ao;
    pm_assess_options_default(&ao);
    ao.delta = w->delta_r;
    ao.q0 = 0.5;
    ao.level = level;
    ao.eta0 = to->eta0;
    ao.eta1 = to->eta1;
    r->assess = pm_assess_new(&ao, err);
    if (!r->assess)
        return err ? err->code : PM_ENOMEM;
    pm_record recs[1024];
    pm_status st = PM_OK;
    for (size_t i = 0; i < r->rows && st == PM_OK;) {
        size_t n = 0, done;
        for (; n < 1024 && i < r->rows; n++, i++)
            pm_sim_record(r->plan, r->labels, w->p_gold, i, &recs[n]);
        st = pm_assess_add_batch(r->assess, recs, n, &done, err);
    }
    return st == PM_OK ? pm_assess_finish(r->assess, err) : st;
}

static int make_run(const opts *o, const world *w, const cli_testopts *to, run *r)
{
    pm_plan_request req = cli_planopts_request(&o->plan, w->items, w->gold,
                                               (const char *const *)w->names, w->n, r->dup_rate);
    pm_error err = {0};
    pm_status st = r->plan ? PM_OK : pm_plan_make(&req, &r->plan, &err);
    if (st != PM_OK)
        return cli_fail(NULL, st, &err);
    pm_plan_rows(r->plan, &r->rows);
    if ((st = pm_plan_summarize(r->plan, NULL, &r->sum, &err)) != PM_OK)
        return cli_fail(NULL, st, &err);
    r->labels = malloc(r->rows ? r->rows : 1);
    if (!r->labels)
        return CLI_EINTERNAL;
    pm_sim_request sr = {r->plan,   w->items, w->gold,    w->p_items,
                         w->p_gold, w->pool,  w->delta_r, w->sim_seed};
    st = pm_sim_labels(&sr, r->labels, &err);
    if (st == PM_OK && (o->show != SHOW_NONE || o->html))
        st = feed_assess(w, r, to, o->level, &err);
    return st == PM_OK ? 0 : cli_fail("assess", st, &err);
}

/* ---- files: the log, the truth, the gold labels -------------------------- */

static pm_status write_log(const opts *o, const world *w, const run *r, FILE *fp, pm_error *err)
{
    static const pm_records_format f[] = {PM_RECORDS_CSV, PM_RECORDS_JSONL, PM_RECORDS_LABELSTUDIO};
    pm_records_writer *wr;
    pm_status st =
        pm_records_writer_new(fp, o->out, f[o->log_format], PM_RECW_SHOWN_LEFT, &wr, err);
    if (st == PM_OK)
        st = pm_sim_write_log(r->plan, r->labels, w->items, w->gold, wr, err);
    if (st != PM_OK) {
        pm_records_writer_free(wr);
        return st;
    }
    return pm_records_writer_close(wr, err);
}

static pm_status write_truth(const opts *o, const world *w, FILE *fp, pm_error *err)
{
    fprintf(fp, "annotator,kind,eta,delta,seed,label_seed\n");
    for (size_t i = 0; i < w->n; i++) {
        char eta[32] = "";
        if (!isnan(w->pool[i].eta))
            snprintf(eta, sizeof eta, "%.17g", w->pool[i].eta);
        fprintf(fp, "%s,%s,%s,%.17g,%" PRIu64 ",%" PRIu64 "\n", w->names[i],
                pm_sim_kind_name(w->pool[i].kind), eta, w->delta_r, o->plan.seed, w->sim_seed);
    }
    return ferror(fp) ? pm_error_set(err, PM_EIO, "write error") : PM_OK;
}

static pm_status write_gold(const world *w, FILE *fp, pm_error *err)
{
    for (size_t i = 0; i < pm_plan_pool_count(w->gold); i++)
        fprintf(fp, "%s\t%s\n", pm_plan_pool_key(w->gold, i), pm_sim_gold_label(w->p_gold[i]));
    return ferror(fp) ? pm_error_set(err, PM_EIO, "write error") : PM_OK;
}

/* Each file complete or absent: all are put in place only when all were
 * written. */
static int write_files(const opts *o, const world *w, const run *r)
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
            FILE *fp = pm_outfile_stream(of[i]);
            st = i == 0   ? write_log(o, w, r, fp, &err)
                 : i == 1 ? write_truth(o, w, fp, &err)
                          : write_gold(w, fp, &err);
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

/* ---- matching assess rows to the truth ------------------------------------ */

static int cmp_name(const void *a, const void *b)
{
    return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* idx[i]: the pool index of assess row i (rows are sorted by name). */
static size_t *match_rows(const world *w, const pm_assess_row *rows, size_t count)
{
    char ***byname = malloc(w->n * sizeof *byname);
    size_t *idx = malloc((count ? count : 1) * sizeof *idx);
    if (!byname || !idx) {
        free(byname);
        free(idx);
        return NULL;
    }
    for (size_t i = 0; i < w->n; i++)
        byname[i] = &w->names[i];
    qsort(byname, w->n, sizeof *byname, cmp_name);
    for (size_t i = 0, j = 0; i < count; i++) {
        while (j < w->n && strcmp(*byname[j], rows[i].annotator) != 0)
            j++;
        idx[i] = j < w->n ? (size_t)(byname[j] - w->names) : 0;
    }
    free(byname);
    return idx;
}

static int group_of(const pm_sim_annotator *a, const cli_testopts *to)
{
    if (a->kind != PM_SIM_CAREFUL)
        return GROUP_SPAMMER + (int)a->kind - 1;
    return a->eta >= to->eta1   ? GROUP_DILIGENT
           : a->eta <= to->eta0 ? GROUP_SHIRKING
                                : GROUP_BETWEEN;
}

/* The true pass probability of a duplicate pair. */
static double true_m(const world *w, const pm_sim_annotator *a)
{
    if (a->kind == PM_SIM_LONGER)
        return 1;
    if (a->kind == PM_SIM_LEFT)
        return 0;
    return 0.5 + a->eta * (0.5 - w->delta_r);
}

/* Exact probability that assess's self-consistency rule fails an annotator
 * with pass probability m on n pairs (the LR test for n; too-few never
 * fails). */
static double exact_fail(const world *w, const cli_testopts *to, double max_error, long n, double m)
{
    pm_test t;
    pm_test_request tr = cli_lr_request(&w->scheme, to->eta0, to->eta1);
    if (n < 1 || pm_test_design(&tr, n, &t, NULL) != PM_OK)
        return 0;
    if (t.error_sum > max_error)
        return 0;
    return t.k <= 0 ? 0 : pm_pbinom((double)t.k - 1, (double)n, m, 1, 0);
}

static int covered(const pm_sim_annotator *a, const pm_assess_row *r)
{
    if (a->kind > PM_SIM_SPAMMER || isnan(r->ci_low))
        return -1;
    return a->eta >= r->ci_low && a->eta <= r->ci_high;
}

/* ---- tables ----------------------------------------------------------------- */

static void flags_text(unsigned flags, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int i = 0; i < PM_FLAG_COUNT; i++)
        if (flags & (1u << i)) {
            size_t n = strlen(buf);
            snprintf(buf + n, size - n, "%s%s", n ? "," : "", pm_flag_name(i));
        }
}

static void notes(out_table *t, const opts *o, const world *w, const cli_testopts *to)
{
    if (o->plan_manifest)
        out_note(t, "plan: read from %s", o->plan_manifest);
    out_note(t,
             "simulated: seed %" PRIu64 " (plan), SplitMix64 -> %" PRIu64 " (labels, efforts); %s",
             o->plan.seed, w->sim_seed, PM_RNG_NAME);
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

/* Every --show table: the run's notes, the table's own note (NULL: none),
 * its columns, then the parameter columns. NULL when out of memory. */
static out_table *new_table(const opts *o, const world *w, const cli_testopts *to, const char *note,
                            const char *const *cols, size_t n)
{
    out_table *t = out_new(0);
    if (!t)
        return NULL;
    notes(t, o, w, to);
    if (note)
        out_note(t, "%s", note);
    for (size_t i = 0; i < n; i++)
        out_col(t, cols[i]);
    for (size_t i = 0; i < sizeof param_cols / sizeof *param_cols; i++)
        out_col(t, param_cols[i]);
    return t;
}

/* Write t unless rc already failed, and free it. */
static int emit_free(out_table *t, int rc, out_format fmt)
{
    if (!rc)
        rc = cli_emit(t, fmt);
    out_free(t);
    return rc;
}

static int show_annotators(const opts *o, const world *w, const run *r, const cli_testopts *to,
                           out_format fmt)
{
    static const char *const cols[] = {
        "annotator", "kind",    "eta",      "pairs",  "consistent", "eta_hat",   "ci_low",
        "ci_high",   "covered", "decision", "gold_n", "gold_agree", "left_rate", "flags"};
    size_t count;
    const pm_assess_row *rows = pm_assess_rows(r->assess, &count);
    size_t *idx = match_rows(w, rows, count);
    out_table *t = new_table(o, w, to, NULL, cols, sizeof cols / sizeof *cols);
    if (!idx || !t) {
        free(idx);
        out_free(t);
        return CLI_EINTERNAL;
    }
    for (size_t i = 0; i < count; i++) {
        const pm_sim_annotator *a = &w->pool[idx[i]];
        const pm_assess_row *ar = &rows[i];
        char fl[128];
        out_row(t);
        out_str(t, ar->annotator);
        out_str(t, pm_sim_kind_name(a->kind));
        out_num(t, a->eta);
        out_int(t, ar->dup_pairs);
        out_int(t, ar->consistent);
        out_num(t, ar->eta_hat);
        out_num(t, ar->ci_low);
        out_num(t, ar->ci_high);
        int c = covered(a, ar);
        if (c < 0)
            out_null(t);
        else
            out_bool(t, c);
        out_str(t, pm_decision_name(ar->decision));
        out_int(t, ar->gold_n);
        out_int(t, ar->gold_agree);
        out_num(t, ar->left_rate);
        flags_text(ar->flags, fl, sizeof fl);
        out_str(t, fl);
        param_cells(t, o, w, to);
    }
    free(idx);
    return emit_free(t, 0, fmt);
}

typedef struct tally {
    long n, too_few, self, gold, side, cov, cov_n;
    double self_exact;
    size_t first; /* the group's first value in tally_run's pfail */
} tally;

/* Tally a run per group. pfail (may be NULL; room for the assessment's row
 * count) receives every annotator's exact P(fail), grouped: group k's
 * values are pfail[g[k].first .. g[k].first + g[k].n), for the exact law of
 * the group's flag count. */
static int tally_run(const world *w, const run *r, const cli_testopts *to, tally *g, double *pfail)
{
    size_t count;
    const pm_assess_row *rows = pm_assess_rows(r->assess, &count);
    size_t *idx = match_rows(w, rows, count);
    if (!idx)
        return CLI_EINTERNAL;
    double max_error = pm_assess_options_get(r->assess)->max_error;
    memset(g, 0, GROUP_COUNT * sizeof *g);
    for (size_t i = 0; i < count; i++)
        g[group_of(&w->pool[idx[i]], to)].n++;
    for (int k = 1; k < GROUP_COUNT; k++)
        g[k].first = g[k - 1].first + (size_t)g[k - 1].n;
    for (int k = 0; k < GROUP_COUNT; k++)
        g[k].n = 0;
    for (size_t i = 0; i < count; i++) {
        const pm_sim_annotator *a = &w->pool[idx[i]];
        tally *t = &g[group_of(a, to)];
        double pf = exact_fail(w, to, max_error, rows[i].dup_pairs, true_m(w, a));
        if (pfail)
            pfail[t->first + (size_t)t->n] = pf;
        t->n++;
        t->self += rows[i].decision == PM_DECISION_FAIL;
        t->too_few += rows[i].decision == PM_DECISION_TOO_FEW;
        t->self_exact += pf;
        t->gold += !!(rows[i].flags & PM_FLAG_CONSISTENT_BUT_WRONG);
        t->side += !!(rows[i].flags & PM_FLAG_SAME_SIDE);
        int c = covered(a, &rows[i]);
        t->cov += c == 1;
        t->cov_n += c >= 0;
    }
    free(idx);
    return 0;
}

static void detection_rows(out_table *t, const opts *o, const world *w, const cli_testopts *to,
                           const run *r, const tally *g)
{
    for (int k = 0; k < GROUP_COUNT; k++) {
        if (!g[k].n)
            continue;
        double n = (double)g[k].n;
        out_row(t);
        out_num(t, r->dup_rate);
        out_int(t, r->sum.duplicates);
        out_int(t, r->sum.duplicates * (long long)w->n);
        out_int(t, r->sum.gold * (long long)w->n);
        out_str(t, group_names[k]);
        out_int(t, g[k].n);
        out_int(t, g[k].too_few);
        out_int(t, g[k].self);
        out_num(t, (double)g[k].self / n);
        out_num(t, g[k].self_exact / n);
        out_int(t, g[k].gold);
        out_num(t, (double)g[k].gold / n);
        out_int(t, g[k].side);
        out_num(t, (double)g[k].side / n);
        out_int(t, g[k].cov);
        out_int(t, g[k].cov_n);
        param_cells(t, o, w, to);
    }
}

static int show_detection(const opts *o, const world *w, run *runs, size_t nruns,
                          const cli_testopts *to, out_format fmt)
{
    static const char *const cols[] = {
        "dup_rate",     "duplicates", "monitoring_labels", "gold_labels",
        "group",        "annotators", "too_few",           "self_flagged",
        "self_rate",    "self_exact", "gold_flagged",      "gold_rate",
        "side_flagged", "side_rate",  "ci_covered",        "ci_n"};
    out_table *t =
        new_table(o, w, to,
                  "self_exact: mean over the group of the exact P(fail) of the self-consistency "
                  "test for the annotator's true m and pairs (power's computation)",
                  cols, sizeof cols / sizeof *cols);
    if (!t)
        return CLI_EINTERNAL;
    int rc = 0;
    for (size_t i = 0; i < nruns && !rc; i++) {
        tally g[GROUP_COUNT];
        rc = tally_run(w, &runs[i], to, g, NULL);
        if (!rc)
            detection_rows(t, o, w, to, &runs[i], g);
    }
    return emit_free(t, rc, fmt);
}

/* The exact expected wage of an annotator with pass probability m on n_i
 * pairs under t (the rule pm_pay_compute applies: threshold scaled). */
static double expected_wage(const pm_contract_terms *t, long n_i, double m)
{
    if (n_i == 0)
        return t->base;
    if (t->type == PM_CONTRACT_LINEAR)
        return t->base + t->slope * m;
    long k_i = 0;
    if (pm_pay_scaled_threshold(t->k, t->n, n_i, &k_i, NULL) != PM_OK)
        return NAN;
    return t->base + t->bonus * pm_binom_sf((double)k_i, (double)n_i, m, 0);
}

typedef struct paysum {
    long n;
    double wage, expected;
} paysum;

/* The contract at path, and per group the simulated wages (pm_pay_compute
 * on each annotator's outcome) and their exact expectations; warn says
 * whether to warn about a contract solved for another scheme. */
static int pay_groups(const world *w, const run *r, const cli_testopts *to, const char *path,
                      int warn, pm_contract *cp, paysum *g)
{
    pm_contract c;
    pm_model m;
    pm_scheme sc;
    pm_error err = {0};
    pm_status st = pm_contract_load(path, &c, &m, &sc, &err);
    if (st != PM_OK)
        return cli_fail("--contract", st, &err);
    *cp = c;
    double dr;
    if (warn && (pm_sim_repeat_delta(&sc, &dr, NULL) != PM_OK || fabs(dr - w->delta_r) > 1e-12))
        cli_warn("%s: the contract was solved for another scheme than the one simulated "
                 "(repeat disagreement %g): expected_wage uses the simulated one",
                 path, w->delta_r);
    size_t count;
    const pm_assess_row *rows = pm_assess_rows(r->assess, &count);
    size_t *idx = match_rows(w, rows, count);
    pm_pay_input *in = malloc((count ? count : 1) * sizeof *in);
    pm_pay_row *out = malloc((count ? count : 1) * sizeof *out);
    pm_pay_options po = {"1", "USD", 0};
    int rc = !idx || !in || !out ? CLI_EINTERNAL : 0;
    for (size_t i = 0; !rc && i < count; i++)
        in[i] = (pm_pay_input){rows[i].annotator, rows[i].dup_pairs, rows[i].consistent, 0};
    if (!rc && (st = pm_pay_compute(&c.terms, &po, in, count, out, NULL, &err)) != PM_OK)
        rc = cli_fail("pay", st, &err);
    memset(g, 0, GROUP_COUNT * sizeof *g);
    for (size_t i = 0; !rc && i < count; i++) {
        const pm_sim_annotator *a = &w->pool[idx[i]];
        paysum *s = &g[group_of(a, to)];
        s->n++;
        s->wage += (double)out[i].wage_cents / 100;
        s->expected += expected_wage(&c.terms, rows[i].dup_pairs, true_m(w, a));
    }
    free(idx);
    free(in);
    free(out);
    return rc;
}

static int pay_one(const opts *o, const world *w, const run *r, const cli_testopts *to,
                   const char *path, out_table *t)
{
    pm_contract c;
    paysum g[GROUP_COUNT];
    int rc = pay_groups(w, r, to, path, 1, &c, g);
    for (int k = 0; !rc && k < GROUP_COUNT; k++) {
        if (!g[k].n)
            continue;
        out_row(t);
        out_str(t, path);
        out_str(t, pm_contract_type_name(c.terms.type));
        out_int(t, c.terms.n);
        out_num(t, c.eta);
        out_num(t, c.expected_pay);
        out_str(t, group_names[k]);
        out_int(t, g[k].n);
        out_num(t, g[k].wage / (double)g[k].n);
        out_num(t, g[k].expected / (double)g[k].n);
        param_cells(t, o, w, to);
    }
    return rc;
}

static int show_pay(const opts *o, const world *w, const run *r, const cli_testopts *to,
                    out_format fmt)
{
    static const char *const cols[] = {
        "contract", "type",       "n",         "contract_eta", "contract_expected_pay",
        "group",    "annotators", "mean_wage", "expected_wage"};
    out_table *t =
        new_table(o, w, to,
                  "wages in contract units (pay --unit 1), rounded to cents; expected_wage: the "
                  "exact mean for each annotator's true m and pairs, averaged over the group",
                  cols, sizeof cols / sizeof *cols);
    if (!t)
        return CLI_EINTERNAL;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", o->contracts);
    int rc = 0;
    for (char *s = buf, *next; s && !rc; s = next) {
        next = strchr(s, ',');
        if (next)
            *next++ = '\0';
        rc = pay_one(o, w, r, to, s, t);
    }
    return emit_free(t, rc, fmt);
}

/* ---- the report page (--html): Monte Carlo against exact ------------------ */

/* One verdict: the MC count k of n against the exact value e, by its 99.9%
 * Clopper–Pearson interval. */
static pm_status mc_verdict(pm_doc *d, const char *claim, long k, long n, double e, int at_least,
                            pm_error *err)
{
    double lo = 0, hi = 1;
    pm_status st = pm_clopper_pearson(k, n, 0.999, &lo, &hi, err);
    if (st != PM_OK)
        return st;
    int ok = at_least ? hi >= e : e >= lo && e <= hi;
    char finding[400];
    snprintf(finding, sizeof finding,
             "simulated %ld of %ld = %.4g, 99.9%% Clopper-Pearson interval [%.4g, %.4g]; %s %.4g: "
             "%s",
             k, n, (double)k / (double)n, lo, hi, at_least ? "level" : "exact", e,
             ok ? (at_least ? "not below it" : "inside") : (at_least ? "below it" : "outside"));
    return pm_doc_verdict_box(d, ok ? PM_VERDICT_YES : PM_VERDICT_NO, claim, finding, err);
}

/* A section id and heading per run: with several --dup-rate values every run
 * gets its own ("detection-2", "... at dup rate 0.1, 40 pairs"). */
static pm_status run_section(pm_doc *d, const char *id, const char *heading, const run *r,
                             int index, int nruns, pm_error *err)
{
    if (nruns <= 1)
        return pm_doc_section(d, id, heading, err);
    char sid[48], head[200];
    snprintf(sid, sizeof sid, "%s-%d", id, index + 1);
    snprintf(head, sizeof head, "%s: dup rate %g, %ld pairs", heading, r->dup_rate,
             r->sum.duplicates);
    return pm_doc_section(d, sid, head, err);
}

/* A group whose every annotator had too few pairs for the test to decide
 * was never tested: 0 flagged against an exact 0 is no agreement to report. */
static pm_status undecided_verdict(pm_doc *d, const char *claim, const tally *t, long pairs,
                                   double max_error, pm_error *err)
{
    char finding[320];
    snprintf(finding, sizeof finding,
             "not decidable: all %ld annotators had too few pairs (%ld) for the test to reach "
             "an error sum of %g, so self-consistency made no decision to compare",
             t->n, pairs, max_error);
    return pm_doc_verdict_box(d, PM_VERDICT_MIXED, claim, finding, err);
}

/* The exact law of a group's flag count: each annotator is failed with
 * their own exact probability (exact_fail), independently, so the count is
 * Poisson-binomial. The simulated count agrees when it lies in the law's
 * central 99.9% (both tails at least 0.0005). Exact for groups of mixed
 * efforts too, where a binomial at the group's mean probability is not. */
static pm_status group_law_verdict(pm_doc *d, const char *claim, const double *p, size_t n,
                                   long flagged, pm_error *err)
{
    double *pmf = malloc((n + 1) * sizeof *pmf), mean = 0;
    if (!pmf)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        mean += p[i];
    pm_status st = pm_poisson_binomial(p, n, pmf, err);
    if (st == PM_OK) {
        double below = 0, above = 0;
        for (size_t k = 0; k <= n; k++) {
            below += (long)k <= flagged ? pmf[k] : 0;
            above += (long)k >= flagged ? pmf[k] : 0;
        }
        int ok = below >= 0.0005 && above >= 0.0005;
        char finding[480];
        snprintf(finding, sizeof finding,
                 "simulated %ld of %zu flagged; the exact law of that count (each annotator "
                 "failed with their own exact probability, independently: Poisson-binomial) "
                 "has mean %.4g, P(K <= %ld) = %.3g, P(K >= %ld) = %.3g: %s its central 99.9%%",
                 flagged, n, mean, flagged, below, flagged, above, ok ? "inside" : "outside");
        st = pm_doc_verdict_box(d, ok ? PM_VERDICT_YES : PM_VERDICT_NO, claim, finding, err);
    }
    free(pmf);
    return st;
}

static pm_status html_detection(pm_doc *d, const world *w, const run *r, int index, int nruns,
                                const cli_testopts *to, double level, pm_error *err)
{
    tally g[GROUP_COUNT];
    size_t count;
    pm_assess_rows(r->assess, &count);
    double *pfail = malloc((count ? count : 1) * sizeof *pfail);
    if (!pfail || tally_run(w, r, to, g, pfail)) {
        free(pfail);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    double max_error = pm_assess_options_get(r->assess)->max_error;
    pm_status st =
        run_section(d, "detection", "Self-consistency: simulated vs exact", r, index, nruns, err);
    if (st == PM_OK)
        st = pm_doc_para(d,
                         "Each group's rate of failing the self-consistency test, against the "
                         "exact probability prefmon power computes (the mean over the group "
                         "of P(X < k) for the annotator's true pass probability and pairs). "
                         "Agreement means the simulated count lies in the central 99.9% of its "
                         "exact law (each annotator failed with their own probability: a "
                         "Poisson-binomial count).",
                         err);
    static const char *const heads[] = {"group", "annotators", "too few",      "flagged",
                                        "rate",  "exact rate", "gold flagged", "same-side flagged"};
    static const pm_doc_col kinds[] = {PM_COL_TEXT,   PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER};
    pm_doc_table *tb = st == PM_OK ? pm_doc_table_new(d,
                                                      "Flags per group of the simulated pool "
                                                      "(self-consistency test: likelihood-"
                                                      "ratio rule, general convention, q0 = 1/2)",
                                                      8, heads, kinds, 1, err)
                                   : NULL;
    if (st == PM_OK && !tb)
        st = err->code;
    for (int k = 0; st == PM_OK && k < GROUP_COUNT; k++) {
        if (!g[k].n)
            continue;
        char c[8][32];
        const char *cells[8];
        snprintf(c[0], 32, "%s", group_names[k]);
        snprintf(c[1], 32, "%ld", g[k].n);
        snprintf(c[2], 32, "%ld", g[k].too_few);
        snprintf(c[3], 32, "%ld", g[k].self);
        snprintf(c[4], 32, "%.4g", (double)g[k].self / (double)g[k].n);
        snprintf(c[5], 32, "%.4g", g[k].self_exact / (double)g[k].n);
        snprintf(c[6], 32, "%ld", g[k].gold);
        snprintf(c[7], 32, "%ld", g[k].side);
        for (int i = 0; i < 8; i++)
            cells[i] = c[i];
        st = pm_doc_table_row(tb, cells, err);
    }
    long cov = 0, cov_n = 0;
    for (int k = 0; st == PM_OK && k < GROUP_COUNT; k++) {
        cov += g[k].cov;
        cov_n += g[k].cov_n;
        if (!g[k].n)
            continue;
        char claim[160];
        snprintf(claim, sizeof claim,
                 "%s (%ld annotators, %ld pairs each): self-consistency flag rate, "
                 "simulated against exact",
                 group_names[k], g[k].n, r->sum.duplicates);
        if (g[k].too_few == g[k].n)
            st = undecided_verdict(d, claim, &g[k], r->sum.duplicates, max_error, err);
        else
            st = group_law_verdict(d, claim, pfail + g[k].first, (size_t)g[k].n, g[k].self, err);
    }
    if (st == PM_OK)
        st = run_section(d, "coverage", "Confidence intervals", r, index, nruns, err);
    if (st == PM_OK && cov_n) {
        char claim[160];
        snprintf(claim, sizeof claim,
                 "the %g interval for eta covers the true effort (careful "
                 "and spammers)",
                 level);
        st = mc_verdict(d, claim, cov, cov_n, level, 1, err);
    }
    free(pfail);
    return st;
}

static pm_status html_plot(pm_doc *d, const world *w, const run *r, pm_error *err)
{
    size_t count;
    const pm_assess_row *rows = pm_assess_rows(r->assess, &count);
    size_t *idx = match_rows(w, rows, count);
    double *v = malloc(4 * (count ? count : 1) * sizeof *v);
    if (!idx || !v) {
        free(idx);
        free(v);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    double *x = v, *y = v + count, *lo = v + 2 * count, *hi = v + 3 * count;
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        const pm_sim_annotator *a = &w->pool[idx[i]];
        if (a->kind > PM_SIM_SPAMMER)
            continue;
        x[n] = a->eta;
        y[n] = rows[i].eta_hat;
        lo[n] = rows[i].ci_low;
        hi[n++] = rows[i].ci_high;
    }
    pm_doc_plot_spec spec;
    pm_doc_plot_spec_default(&spec);
    char title[120];
    snprintf(title, sizeof title, "Effort: estimate against the truth, %ld pairs",
             r->sum.duplicates);
    spec.title = title;
    spec.xlabel = "true eta";
    spec.ylabel = "eta_hat with its interval";
    spec.caption = "careful annotators and spammers; self-consistency on the plan's duplicates, "
                   "general convention, q0 = 1/2";
    spec.xmin = spec.ymin = 0;
    spec.xmax = spec.ymax = 1;
    pm_doc_plot *pl = pm_doc_plot_new(d, &spec, err);
    pm_doc_series se = {"annotators", PM_MARK_POINTS, 0, x, y, NULL, lo, hi, NULL, n};
    pm_status st = pl ? pm_doc_plot_series(pl, &se, err) : err->code;
    if (st == PM_OK)
        st = pm_doc_plot_power_line(pl, "eta_hat = eta", 1, 1, err);
    free(idx);
    free(v);
    return st;
}

/* Per contract and group: the mean simulated wage and its exact
 * expectation (no verdict: a group's wages are not one binomial). */
static int html_pay(pm_doc *d, const opts *o, const world *w, const run *r, int nruns,
                    const cli_testopts *to, pm_error *err)
{
    static const char *const heads[] = {"contract",
                                        "type",
                                        "group",
                                        "annotators",
                                        "mean wage (simulated)",
                                        "expected wage (exact)"};
    static const pm_doc_col kinds[] = {PM_COL_TEXT,   PM_COL_TEXT,   PM_COL_TEXT,
                                       PM_COL_NUMBER, PM_COL_NUMBER, PM_COL_NUMBER};
    /* With several --dup-rate runs the heading names the one paid (the first). */
    if (run_section(d, "pay", "Pay: simulated against expected", r, 0, nruns, err) != PM_OK)
        return CLI_EINTERNAL;
    pm_doc_table *tb = pm_doc_table_new(d,
                                        "Wages in contract units from pay's rule on the simulated "
                                        "outcomes; the exact expectation for each annotator's "
                                        "true pass probability and pairs, averaged over the group",
                                        6, heads, kinds, 1, err);
    if (!tb)
        return CLI_EINTERNAL;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", o->contracts);
    int rc = 0;
    for (char *s = buf, *next; s && !rc; s = next) {
        next = strchr(s, ',');
        if (next)
            *next++ = '\0';
        pm_contract c;
        paysum g[GROUP_COUNT];
        rc = pay_groups(w, r, to, s, o->show != SHOW_PAY, &c, g);
        for (int k = 0; !rc && k < GROUP_COUNT; k++) {
            if (!g[k].n)
                continue;
            char c3[32], c4[32], c5[32];
            snprintf(c3, sizeof c3, "%ld", g[k].n);
            snprintf(c4, sizeof c4, "%.4f", g[k].wage / (double)g[k].n);
            snprintf(c5, sizeof c5, "%.4f", g[k].expected / (double)g[k].n);
            const char *cells[6] = {s, pm_contract_type_name(c.terms.type), group_names[k], c3, c4,
                                    c5};
            if (pm_doc_table_row(tb, cells, err) != PM_OK)
                rc = CLI_EINTERNAL;
        }
    }
    return rc;
}

static pm_status html_fill(pm_doc *d, const opts *o, const world *w, const run *runs, int nruns,
                           const cli_testopts *to, pm_error *err)
{
    const run *r = &runs[0];
    char sub[400], seed[32], sseed[32], ann[32], len[32], dups[200], gold[32], delta[32];
    snprintf(sub, sizeof sub, "prefmon simulate, seed %" PRIu64 "; %s", o->plan.seed, PM_RNG_NAME);
    snprintf(seed, sizeof seed, "%" PRIu64, o->plan.seed);
    snprintf(sseed, sizeof sseed, "%" PRIu64, w->sim_seed);
    snprintf(ann, sizeof ann, "%zu", w->n);
    snprintf(len, sizeof len, "%ld", r->sum.length);
    int used = 0;
    for (int i = 0; i < nruns && used < (int)sizeof dups - 24; i++)
        used += snprintf(dups + used, sizeof dups - (size_t)used, "%s%ld", i ? ", " : "",
                         runs[i].sum.duplicates);
    snprintf(gold, sizeof gold, "%ld", r->sum.gold);
    snprintf(delta, sizeof delta, "%g", w->delta_r);
    const char *names[] = {"seed (plan)",
                           "seed (labels)",
                           "annotators",
                           "queue length",
                           "duplicates",
                           "gold items",
                           "careful repeat disagreement",
                           "items"};
    const char *vals[] = {
        seed, sseed, ann,   len,
        dups, gold,  delta, o->items ? o->items : "data/ultrafeedback-sample.jsonl"};
    pm_status st = pm_doc_subtitle(d, sub, err);
    if (st == PM_OK)
        st = pm_doc_section(d, "parameters", "What was simulated", err);
    if (st == PM_OK)
        st = pm_doc_para(d,
                         "With probability eta an annotator labels an item carefully (P(A) = "
                         "the item's p), else by a fair coin; a careful repeat disagrees with "
                         "probability delta, so a duplicate pair agrees with probability "
                         "1/2 + eta (1/2 - delta): the general convention with q0 = 1/2. "
                         "Longer-response clickers are consistent and only gold sees them.",
                         err);
    if (st == PM_OK)
        st = pm_doc_keyvals(d, names, vals, sizeof names / sizeof *names, err);
    for (int i = 0; i < nruns && st == PM_OK; i++) {
        st = html_detection(d, w, &runs[i], i, nruns, to, o->level, err);
        if (st == PM_OK)
            st = html_plot(d, w, &runs[i], err);
    }
    return st;
}

static int write_html(const opts *o, const world *w, const run *runs, int nruns,
                      const cli_testopts *to)
{
    pm_error err = {0};
    const run *r = &runs[0];
    pm_doc *d = pm_doc_new("Simulation: monitoring against the truth", &err);
    pm_outfile *of = NULL;
    pm_status st = d ? html_fill(d, o, w, runs, nruns, to, &err) : err.code;
    if (st == PM_OK && o->contracts) {
        int rc = html_pay(d, o, w, r, nruns, to, &err);
        if (rc) {
            pm_doc_free(d);
            return err.code ? cli_fail("--html", err.code, &err) : rc;
        }
    }
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

static int simulate(const opts *o, const cli_monitor *mon, const cli_testopts *to, out_format fmt)
{
    world w;
    memset(&w, 0, sizeof w);
    opts oc = *o; /* with --plan-manifest, completed from the manifest */
    o = &oc;
    uint64_t s = o->plan.seed;
    w.sim_seed = pm_splitmix64(&s);
    pm_error err = {0};
    pm_status st = pm_sim_repeat_delta(&mon->scheme, &w.delta_r, &err);
    if (st == PM_OK)
        st = pm_scheme_self(&w.scheme, PM_CONV_GENERAL, w.delta_r, 0.5, &err);
    if (st != PM_OK) {
        cli_error("%s", err.text);
        return CLI_EUSAGE;
    }
    run runs[MAX_RUNS];
    size_t nruns = o->plan.nrates ? o->plan.nrates : 1;
    memset(runs, 0, sizeof runs);
    int rc = oc.plan_manifest && oc.gold_items < 0 ? manifest_gold(&oc) : 0;
    if (!rc)
        rc = load_items(o, &w);
    if (!rc && oc.plan_manifest)
        rc = read_plan(&oc, &w, &runs[0], o->plan.have_seed);
    if (!rc)
        rc = make_pool(o, &w);
    if (!rc && oc.plan_manifest)
        rc = manifest_names(&w, runs[0].plan);
    for (size_t i = 0; i < nruns && !rc; i++) {
        runs[i].dup_rate = o->plan.nrates ? o->plan.dup_rates[i] : NAN;
        rc = make_run(o, &w, to, &runs[i]);
    }
    if (!rc)
        rc = write_files(o, &w, &runs[0]);
    if (!rc && o->html)
        rc = write_html(o, &w, runs, (int)nruns, to);
    if (!rc && w.repeated)
        cli_warn("--items: %zu repeated item%s skipped (an item is in the pool once)", w.repeated,
                 w.repeated == 1 ? "" : "s");
    if (!rc)
        rc = o->show == SHOW_NONE        ? 0
             : o->show == SHOW_DETECTION ? show_detection(o, &w, runs, nruns, to, fmt)
             : o->show == SHOW_PAY       ? show_pay(o, &w, &runs[0], to, fmt)
                                         : show_annotators(o, &w, &runs[0], to, fmt);
    for (size_t i = 0; i < nruns; i++)
        run_free(&runs[i]);
    world_free(&w);
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
