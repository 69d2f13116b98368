/* prefmon plan: annotation queues with hidden duplicates and gold items. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_csv.h"
#include "prefmon/outfile.h"
#include "prefmon/plan.h"
#include "prefmon/rng.h"

static const char help[] =
    "usage: prefmon plan --items FILE (--annotators N | --annotator-names LIST|@FILE)\n"
    "                    --queue-length L (--dup-rate R | --dup-count D) [options]\n\n"
    "Every annotator's queue of L items: D items shown twice (the repeat at least G\n"
    "positions after the first copy, its two responses swapped), gold items at --gold-rate,\n"
    "the rest shown once, drawn from --items without replacement (arXiv 2502.06387 §3:\n"
    "self-consistency on hidden duplicates). Every exported row carries the item key, so\n"
    "that copies are matched by content; the export does not mark duplicates or gold:\n"
    "only the private --manifest does. The same --seed gives the same bytes.\n\n"
    "options:\n"
    "  --items FILE              item pool: preference JSONL (chosen, rejected, optional id),\n"
    "                            a CSV/TSV with a column named item, or one key per line\n"
    "  --annotators N            N annotators, named annotator-1 ... annotator-N\n"
    "  --annotator-names LIST    comma-separated names, or @FILE with one name per line\n"
    "  --queue-length L          slots per annotator\n"
    "  --dup-rate R              duplicates per annotator = round(R L), R in [0, 0.5]\n"
    "  --dup-count D             duplicates per annotator\n"
    "  --min-gap G               least positions between the two copies (default 10)\n"
    "  --gold FILE               gold keys: the file assess --gold reads (item TAB label,\n"
    "                            CSV item,label, or a header with an item column); gold\n"
    "                            items found in --items are taken out of the pool\n"
    "  --gold-rate R             gold items per annotator = round(R L)\n"
    "  --seed S                  random seed, 0 .. 2^64-1 (default: drawn and printed)\n"
    "  --format csv|jsonl|labelstudio  the platform file (default csv)\n"
    "  --out FILE                write it to FILE (never partial), else stdout\n"
    "  --manifest FILE           the private manifest (JSONL: which rows are duplicates\n"
    "                            and gold, the seed); never part of the platform file\n"
    "  --summary table|json|none what the plan buys, on stderr (default table)\n"
    "  --eta0 A --eta1 B         the test the summary reports (default 0.8, 1)\n"
    "  --alpha A                 level rule instead of the likelihood-ratio rule\n"
    "  --delta D --q0 Q --convention general|paper  the self-consistency scheme (see power)\n"
    "  --help                    this help\n\n"
    "Summary: annotators, length, duplicates, min_gap, gold, singles, distinct_items,\n"
    "rows, seed, rng, the monitoring scheme, then the test on the D pairs of each\n"
    "annotator: eta0, eta1, pairs, rule, alpha, k, type1, type2, error_sum.\n";

enum { FMT_CSV, FMT_JSONL, FMT_LABELSTUDIO };
enum { SUM_TABLE, SUM_JSON, SUM_NONE };

typedef struct opts {
    const char *items, *gold, *names, *out, *manifest;
    long annotators;
    int fmt, summary;
    cli_planopts plan; /* its own group */
} opts;

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    static const char *const fmts[] = {"csv", "jsonl", "labelstudio", NULL};
    static const char *const sums[] = {"table", "json", "none", NULL};
    switch (code) {
    case CLI_OPT_ITEMS:
        o->items = arg;
        return 0;
    case CLI_OPT_GOLD:
        o->gold = arg;
        return 0;
    case CLI_OPT_ANNOTATOR_NAMES:
        o->names = arg;
        return 0;
    case CLI_OPT_OUT:
        o->out = arg;
        return 0;
    case CLI_OPT_MANIFEST:
        o->manifest = arg;
        return 0;
    case CLI_OPT_ANNOTATORS:
        return cli_long("--annotators", arg, 1, 10000000L, &o->annotators);
    case CLI_OPT_FORMAT:
        return cli_choice("--format", arg, fmts, &o->fmt);
    case CLI_OPT_SUMMARY:
        return cli_choice("--summary", arg, sums, &o->summary);
    }
    return CLI_NOT_MINE;
}

/* The first missing or conflicting option, as the whole message, or NULL. */
static const char *combination_error(const opts *o)
{
    if (!o->items)
        return "--items FILE is required";
    if (!o->annotators == !o->names)
        return "give one of --annotators N and --annotator-names LIST";
    const char *e = cli_planopts_error(&o->plan);
    if (e)
        return e;
    if (o->gold && !o->plan.have_gold_rate)
        return "--gold needs --gold-rate R (how many gold items each queue gets)";
    if (o->plan.have_gold_rate && o->plan.gold_rate > 0 && !o->gold)
        return "--gold-rate needs --gold FILE";
    return NULL;
}

static int finish(void *self)
{
    opts *o = self;
    const char *e = combination_error(o);
    if (!e && o->out && o->manifest && pm_path_same(o->out, o->manifest)) {
        /* The manifest must never land in the export. */
        cli_error("--out %s and --manifest %s name the same file: the manifest marks the "
                  "duplicates and gold and must never reach the platform",
                  o->out, o->manifest);
        return CLI_EUSAGE;
    }
    if (e) {
        cli_error("%s", e);
        return CLI_EUSAGE;
    }
    if (!o->plan.have_seed) {
        /* Drawn, then printed in the summary and the manifest: every random
         * run records its seed. */
        FILE *fp = fopen("/dev/urandom", "rb");
        if (!fp || fread(&o->plan.seed, sizeof o->plan.seed, 1, fp) != 1)
            o->plan.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
        if (fp)
            fclose(fp);
    }
    return 0;
}

/* ---- reading the pools ------------------------------------------------- */

/* Is the first non-blank byte a '{' (a JSONL preference file)? 1 or 0,
 * and the stream back at its start; -1 when it cannot go back (a pipe):
 * the file is read more than once, so it must be a file. */
static int is_jsonl(FILE *fp)
{
    int ch;
    while ((ch = getc(fp)) == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
        ;
    if (fseek(fp, 0, SEEK_SET) != 0)
        return -1;
    return ch == '{';
}

/* Keys of a key list into pool; *repeated counts keys seen before. */
static pm_status read_keys(pm_plan_pool *pool, const char *path, int first_field, size_t *repeated,
                           pm_error *err)
{
    cli_csv c;
    long col;
    int got = 1;
    pm_status st = cli_keys_open(&c, path, first_field, &col, err);
    while (st == PM_OK && (st = cli_csv_next(&c, &got, err)) == PM_OK && got) {
        const char *key = cli_csv_field(&c, (size_t)col);
        int added = 0;
        if (!key || !*key) {
            st = pm_error_at(err, PM_EPARSE, c.name, c.rec_line, 1,
                             "no item key (column %ld is empty or missing)", col + 1);
            break;
        }
        st = pm_plan_pool_add(pool, key, NULL, NULL, &added, err);
        *repeated += !added;
    }
    cli_csv_close(&c);
    return st;
}

static pm_status read_items(pm_plan_pool *pool, const char *path, size_t *repeated, pm_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return pm_error_set(err, PM_EIO, "%s: %s", path, strerror(errno));
    int jsonl = is_jsonl(fp);
    if (jsonl < 0) {
        fclose(fp);
        return pm_error_set(err, PM_EIO, "%s: cannot be read twice (a pipe?): give a file", path);
    }
    pm_status st = jsonl ? pm_plan_pool_read_jsonl(pool, fp, path, repeated, err) : PM_OK;
    fclose(fp);
    if (st == PM_OK && !jsonl)
        st = read_keys(pool, path, 0, repeated, err);
    if (st == PM_OK && pm_plan_pool_count(pool) == 0)
        st = pm_error_set(err, PM_EPARSE, "%s: no items", path);
    return st;
}

typedef struct pools {
    pm_plan_pool *all, *gold_keys, *items, *gold;
    size_t repeated, grepeated; /* keys listed twice, warned about on success */
} pools;

static void pools_free(pools *p)
{
    pm_plan_pool_free(p->all);
    pm_plan_pool_free(p->gold_keys);
    pm_plan_pool_free(p->items);
    pm_plan_pool_free(p->gold);
}

static int load_pools(const opts *o, pools *p)
{
    pm_error err = {0};
    p->all = pm_plan_pool_new(NULL);
    p->gold_keys = pm_plan_pool_new(NULL);
    p->items = pm_plan_pool_new(NULL);
    p->gold = pm_plan_pool_new(NULL);
    if (!p->all || !p->gold_keys || !p->items || !p->gold)
        return CLI_EINTERNAL;
    pm_status st = PM_OK;
    if (o->gold && (st = read_keys(p->gold_keys, o->gold, 1, &p->grepeated, &err)) != PM_OK)
        return cli_fail("--gold", st, &err);
    if ((st = read_items(p->all, o->items, &p->repeated, &err)) != PM_OK)
        return cli_fail("--items", st, &err);
    st = pm_plan_pool_split(p->all, p->gold_keys, o->gold, p->items, p->gold, &err);
    return st == PM_OK ? 0 : cli_fail("--gold", st, &err);
}

/* ---- annotator names ----------------------------------------------------- */

typedef struct names {
    char **v;
    size_t n, cap;
} names;

static int names_add(names *nm, const char *s, size_t len)
{
    if (nm->n == nm->cap) {
        size_t nc = nm->cap ? 2 * nm->cap : 16;
        char **nv = realloc(nm->v, nc * sizeof *nv);
        if (!nv)
            return 0;
        nm->v = nv;
        nm->cap = nc;
    }
    char *d = malloc(len + 1);
    if (!d)
        return 0;
    memcpy(d, s, len);
    d[len] = '\0';
    nm->v[nm->n++] = d;
    return 1;
}

static void names_free(names *nm)
{
    for (size_t i = 0; i < nm->n; i++)
        free(nm->v[i]);
    free(nm->v);
}

/* --annotator-names a,b,c or @FILE (one name per line). */
static int read_names(const char *arg, names *nm)
{
    if (arg[0] != '@') {
        for (const char *s = arg;; s++) {
            size_t len = strcspn(s, ",");
            if (!names_add(nm, s, len))
                return CLI_EINTERNAL;
            s += len;
            if (!*s)
                return 0;
        }
    }
    cli_csv c;
    pm_error err = {0};
    int got = 1;
    pm_status st = cli_csv_open(&c, arg + 1, 0, 0, &err);
    while (st == PM_OK && (st = cli_csv_next(&c, &got, &err)) == PM_OK && got)
        if (!names_add(nm, cli_csv_field(&c, 0), strlen(cli_csv_field(&c, 0))))
            st = pm_error_set(&err, PM_ENOMEM, "out of memory");
    cli_csv_close(&c);
    if (st == PM_OK && nm->n == 0)
        st = pm_error_set(&err, PM_EPARSE, "%s: no names", arg + 1);
    return st == PM_OK ? 0 : cli_fail("--annotator-names", st, &err);
}

/* ---- writing ------------------------------------------------------------- */

static pm_status write_export(const pm_plan *plan, int fmt, FILE *fp, pm_error *err)
{
    return fmt == FMT_JSONL         ? pm_plan_write_jsonl(plan, fp, err)
           : fmt == FMT_LABELSTUDIO ? pm_plan_write_labelstudio(plan, fp, err)
                                    : pm_plan_write_csv(plan, fp, err);
}

/* The export (to --out or stdout) and the manifest, each complete or not
 * there: both are written to temporary files and put in place only when
 * both were written. */
static int write_files(const pm_plan *plan, const opts *o)
{
    pm_outfile *out = NULL, *man = NULL;
    pm_error err = {0};
    const char *what = "--out";
    pm_status st = o->out ? pm_outfile_open(o->out, &out, &err) : PM_OK;
    if (st == PM_OK && o->manifest) {
        what = "--manifest";
        st = pm_outfile_open(o->manifest, &man, &err);
    }
    if (st == PM_OK && man)
        st = pm_plan_write_manifest(plan, pm_outfile_stream(man), &err);
    if (st == PM_OK) {
        what = o->out ? "--out" : NULL;
        st = write_export(plan, o->fmt, out ? pm_outfile_stream(out) : stdout, &err);
    }
    if (st == PM_OK && out) {
        st = pm_outfile_commit(out, &err);
        out = NULL;
    }
    if (st == PM_OK && man) {
        what = "--manifest";
        st = pm_outfile_commit(man, &err);
        man = NULL;
    }
    pm_outfile_abort(out);
    pm_outfile_abort(man);
    if (st == PM_OK && !o->out && (fflush(stdout) != 0 || ferror(stdout)))
        st = pm_error_set(&err, PM_EIO, "cannot write the output: %s", strerror(errno));
    return st == PM_OK ? 0 : cli_fail(what, st, &err);
}

static void summary_cells(out_table *t, const pm_plan_summary *s, const cli_monitor *mon,
                          const cli_testopts *to)
{
    static const char *const cols[] = {"annotators", "length",  "duplicates",     "min_gap",
                                       "gold",       "singles", "distinct_items", "rows",
                                       "seed",       "rng"};
    static const char *const tcols[] = {"eta0", "eta1",  "pairs", "rule",     "alpha",
                                        "k",    "type1", "type2", "error_sum"};
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, s->seed);
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(t, cols[i]);
    cli_monitor_columns(t);
    for (size_t i = 0; i < sizeof tcols / sizeof *tcols; i++)
        out_col(t, tcols[i]);
    out_row(t);
    const long long v[] = {
        (long long)s->annotators, s->length,         s->duplicates, s->min_gap, s->gold, s->singles,
        s->distinct_items,        (long long)s->rows};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        out_int(t, v[i]);
    out_str(t, seed); /* a string: 64-bit seeds do not fit a JSON double */
    out_str(t, PM_RNG_NAME);
    cli_monitor_cells(t, mon);
    out_num(t, to->eta0);
    out_num(t, to->eta1);
    out_int(t, s->duplicates);
    out_str(t, to->have_alpha ? "level" : "lr");
    if (to->have_alpha)
        out_num(t, to->alpha);
    else
        out_null(t);
    if (s->has_test) {
        out_int(t, s->test.k);
        out_num(t, s->test.type1);
        out_num(t, s->test.type2);
        out_num(t, s->test.error_sum);
    } else {
        for (int i = 0; i < 4; i++)
            out_null(t);
    }
}

static int print_summary(const pm_plan *plan, const opts *o, const cli_monitor *mon,
                         const cli_testopts *to)
{
    if (o->summary == SUM_NONE) {
        /* Even without a summary a drawn seed is recorded somewhere. */
        if (!o->plan.have_seed)
            fprintf(stderr,
                    "prefmon plan: seed %" PRIu64 " was drawn: give --seed %" PRIu64
                    " to repeat this plan\n",
                    o->plan.seed, o->plan.seed);
        return 0;
    }
    pm_plan_summary s;
    pm_error err = {0};
    pm_test_request tr;
    pm_test_request_default(&tr);
    tr.scheme = &mon->scheme;
    tr.eta0 = to->eta0;
    tr.eta1 = to->eta1;
    tr.rule = to->have_alpha ? PM_RULE_LEVEL : PM_RULE_LR;
    tr.alpha = to->alpha;
    pm_status st = pm_plan_summarize(plan, &tr, &s, &err);
    if (st != PM_OK)
        return cli_fail("summary", st, &err);
    out_table *t = out_new(1);
    if (!t)
        return CLI_EINTERNAL;
    if (!o->plan.have_seed)
        out_note(t, "seed %" PRIu64 " was drawn: give --seed %" PRIu64 " to repeat this plan",
                 s.seed, s.seed);
    if (!s.has_test)
        out_note(t, "no duplicates: this plan buys no self-consistency test");
    summary_cells(t, &s, mon, to);
    int bad = out_write(t, o->summary == SUM_JSON ? OUT_JSON : OUT_TABLE, stderr);
    out_free(t);
    return bad ? CLI_EINTERNAL : 0;
}

static int run(const opts *o, const cli_monitor *mon, const cli_testopts *to)
{
    pools p = {0};
    names nm = {0};
    pm_plan *plan = NULL;
    int rc = load_pools(o, &p);
    if (!rc && o->names)
        rc = read_names(o->names, &nm);
    if (!rc) {
        pm_plan_request req = cli_planopts_request(
            &o->plan, p.items, p.gold, o->names ? (const char *const *)nm.v : NULL,
            o->names ? nm.n : (size_t)o->annotators, o->plan.dup_rates[0]);
        pm_error err = {0};
        pm_status st = pm_plan_make(&req, &plan, &err);
        rc = st == PM_OK ? 0 : cli_fail(NULL, st, &err);
        /* The request's sizes are all command-line values (--annotators or
         * the names' count, --queue-length): over the row limit is a usage
         * error, not bad data. */
        if (st == PM_ELIMIT)
            rc = CLI_EUSAGE;
    }
    if (!rc)
        rc = write_files(plan, o);
    /* Warnings only after success: an error stays one line on stderr. */
    if (!rc && p.repeated)
        cli_warn("--items: %zu repeated item%s skipped (an item is in the pool once)", p.repeated,
                 p.repeated == 1 ? "" : "s");
    if (!rc && p.grepeated)
        cli_warn("--gold: %zu repeated key%s skipped", p.grepeated, p.grepeated == 1 ? "" : "s");
    if (!rc)
        rc = print_summary(plan, o, mon, to);
    pm_plan_free(plan);
    names_free(&nm);
    pools_free(&p);
    return rc;
}

int cli_plan(int argc, char **argv)
{
    static const struct option own[] = {
        {"items", required_argument, NULL, CLI_OPT_ITEMS},
        {"annotators", required_argument, NULL, CLI_OPT_ANNOTATORS},
        {"annotator-names", required_argument, NULL, CLI_OPT_ANNOTATOR_NAMES},
        {"gold", required_argument, NULL, CLI_OPT_GOLD},
        {"format", required_argument, NULL, CLI_OPT_FORMAT},
        {"out", required_argument, NULL, CLI_OPT_OUT},
        {"manifest", required_argument, NULL, CLI_OPT_MANIFEST},
        {"summary", required_argument, NULL, CLI_OPT_SUMMARY},
        {NULL, 0, NULL, 0}};
    opts o;
    memset(&o, 0, sizeof o);
    cli_planopts_init(&o.plan, 1);
    cli_monitor mon;
    cli_testopts to;
    cli_monitor_init(&mon, PM_CONV_GENERAL);
    cli_testopts_init(&to);
    /* The summary's test defaults to eta0 = 0.8, eta1 = 1 (as assess). */
    to.eta0 = 0.8;
    to.eta1 = 1;
    to.have_eta0 = to.have_eta1 = 1;
    const cli_group groups[] = {{own, opt, finish, &o},
                                cli_planopts_group(&o.plan),
                                cli_test_group(&to),
                                cli_monitor_group(&mon)};
    int rc;
    if (cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc)) {
        if (mon.kind == PM_MONITOR_EXPERT) {
            /* pm_plan_summarize tests the D duplicate pairs: a self-consistency
             * test. Gold items are the expert-monitored ones. */
            cli_error("--monitor expert: the summary is the self-consistency test on the "
                      "duplicates; for the gold items use prefmon power --monitor expert --n G");
            rc = CLI_EUSAGE;
        } else {
            rc = run(&o, &mon, &to);
        }
    }
    cli_monitor_free(&mon);
    return rc;
}
