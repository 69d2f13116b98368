/* prefmon assess: one row per annotator from annotation logs (issue 7 §2):
 * pm_records reads the logs in order, pm_assess accumulates and computes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "prefmon/decide.h"
#include "prefmon/assess.h"
#include "prefmon/outfile.h"

/* The table output is kept whole (to align the columns) by the output
 * module: about 560 bytes per row (552-562 measured with mallinfo2 around
 * the table's building, on 4,735 to 950,478 rows of short names: 31 cells
 * of 16 bytes and the strings) on top of the accumulator, refused before
 * it is built rather than let past --max-memory. CSV is written
 * CSV_BLOCK_ROWS rows at a time (about 2.4 MB), JSON row by row. */
#define TABLE_ROW_BYTES 600
#define CSV_BLOCK_ROWS 4096

static const char help[] =
    "usage: prefmon assess [options] LOG...\n\n"
    "Assess every annotator of the annotation logs (read in order; - is standard input):\n"
    "self-consistency on repeated items (arXiv 2502.06387 §3) with the annotator's own chance\n"
    "agreement q0, effort estimate eta_hat with its Clopper-Pearson interval, the exact\n"
    "p-value at --eta0, the likelihood-ratio decision at --eta0/--eta1 for the annotator's own\n"
    "number of pairs, gold agreement, side and speed, and flags.\n\n"
    "options:\n" CLI_RECORDS_HELP
    "  --delta D|estimate        repeat disagreement of a careful annotator (default 0.02);\n"
    "                            estimate: pooled from the most consistent annotators\n"
    "  --q0 Q                    chance agreement for everyone (default: each annotator's\n"
    "                            sum of squared label shares)\n"
    "  --level L                 confidence level of ci_low, ci_high (default 0.95)\n"
    "  --eta0 A                  low effort (H0: eta <= A), in [0, 1) (default 0.8)\n"
    "  --eta1 B                  target effort (H1: eta >= B), in (A, 1] (default 1)\n"
    "  --max-error E             too-few when the test's type1 + type2 exceeds E (default 0.2)\n"
    "  --min-duration S          flag too-fast below a median of S seconds per label\n"
    "  --fast-ratio R            flag too-fast below R x the pool's median (default 0.25; 0 off)\n"
    "  --flag-alpha A            family-wise level of the same-side and consistent-but-wrong\n"
    "                            flags, Holm-corrected across annotators (default 0.05)\n"
    "  --drop-identical          drop a record without timestamp identical to the same\n"
    "                            annotator's previous record of the item (duplicated export\n"
    "                            lines) instead of pairing it\n"
    "  --max-memory BYTES        stop with exit 1 past this much memory (what it counts:\n"
    "                            doc/assess.md; default: no limit)\n"
    "  --threads N|auto          threads reading a csv/tsv/jsonl file (default 1, auto: CPUs)\n"
    "  --alpha-pass A            sequential error bounds (pass, fail; default 0.05 each)\n"
    "  --alpha-fail A\n"
    "  --history URI --batch NAME  import the logs as one batch into a history store and\n"
    "                            decide everyone across batches (doc/assess.md, Across weeks):\n"
    "                            --replace --dry-run --new-delta\n"
    "                            --block-out FILE --block-format prolific|mturk --review-out FILE\n"
    "  --out FILE                also write the assessment as JSON (never partial; a link's\n"
    "                            target is replaced, devices written through)\n" CLI_FORMAT_HELP
    "  --help                    this help\n\n"
    "Output, one row per annotator: the few columns a person acts on on a terminal, every\n"
    "column with --wide or --format csv (annotator, labels, dup_pairs, consistent, ...,\n"
    "action, then the parameters; each is defined in doc/assess.md). --format json writes\n"
    "the --out file's object. The summary (rows read and skipped, annotators, pairs,\n"
    "decisions) goes to standard error.\n";

typedef struct aopts {
    pm_assess_options ao;
    long max_memory;
    cli_history_opts hist;
} aopts;

static int delta_opt(aopts *o, const char *arg)
{
    if (!strcmp(arg, "estimate")) {
        o->ao.delta_estimate = 1;
        return 0;
    }
    if (cli_double("--delta", arg, 0, 1, &o->ao.delta))
        return CLI_EUSAGE;
    o->hist.delta_source = "--delta";
    if (o->ao.delta >= 1) {
        cli_error("--delta: %s must be below 1 (or 'estimate')", arg);
        return CLI_EUSAGE;
    }
    return 0;
}

static int own_opt(void *self, int code, const char *arg)
{
    aopts *o = self;
    switch (code) {
    case CLI_OPT_DELTA:
        return delta_opt(o, arg);
    case CLI_OPT_Q0:
        return cli_open_unit("--q0", arg, &o->ao.q0);
    case CLI_OPT_LEVEL:
        return cli_open_unit("--level", arg, &o->ao.level);
    case CLI_OPT_MAX_ERROR:
        return cli_open_unit("--max-error", arg, &o->ao.max_error);
    case CLI_OPT_MIN_DURATION:
        return cli_double("--min-duration", arg, 0, 1e9, &o->ao.min_duration);
    case CLI_OPT_FAST_RATIO:
        return cli_double("--fast-ratio", arg, 0, 1, &o->ao.fast_ratio);
    case CLI_OPT_FLAG_ALPHA:
        return cli_open_unit("--flag-alpha", arg, &o->ao.alpha);
    case CLI_OPT_MAX_MEMORY:
        return cli_long("--max-memory", arg, 1, 1L << 62, &o->max_memory);
    case CLI_OPT_THREADS: {
        long n = 0;
        if (!strcmp(arg, "auto") || !strcmp(arg, "0")) {
            n = sysconf(_SC_NPROCESSORS_ONLN);
            n = n < 1 ? 1 : n > PM_ASSESS_MAX_THREADS ? PM_ASSESS_MAX_THREADS : n;
        } else if (cli_long("--threads", arg, 1, PM_ASSESS_MAX_THREADS, &n)) {
            return CLI_EUSAGE;
        }
        o->ao.threads = (int)n;
        return 0;
    }
    case CLI_OPT_DROP_IDENTICAL:
        o->ao.drop_identical = 1;
        return 0;
    case CLI_OPT_HISTORY:
        o->hist.uri = arg;
        return 0;
    case CLI_OPT_BATCH:
        o->hist.batch = arg;
        return 0;
    case CLI_OPT_REPLACE:
        o->hist.replace = 1;
        return 0;
    case CLI_OPT_DRY_RUN:
        o->hist.dry_run = 1;
        return 0;
    case CLI_OPT_NEW_DELTA:
        o->hist.new_delta = 1;
        return 0;
    case CLI_OPT_BLOCK_OUT:
        o->hist.block_out = arg;
        return 0;
    case CLI_OPT_REVIEW_OUT:
        o->hist.review_out = arg;
        return 0;
    case CLI_OPT_BLOCK_FORMAT:
        if (!strcmp(arg, "prolific") || !strcmp(arg, "mturk")) {
            o->hist.block_format = !strcmp(arg, "mturk") ? PM_BLOCK_MTURK : PM_BLOCK_PROLIFIC;
            return 0;
        }
        cli_error("--block-format: '%s' is not prolific or mturk", arg);
        return CLI_EUSAGE;
    case CLI_OPT_ALPHA_PASS:
        return cli_open_unit("--alpha-pass", arg, &o->hist.alpha_pass);
    case CLI_OPT_ALPHA_FAIL:
        return cli_open_unit("--alpha-fail", arg, &o->hist.alpha_fail);
    }
    return CLI_NOT_MINE;
}

/* ---- reading ------------------------------------------------------------ */

/* A library error while reading: the data's fault unless memory ran out
 * (pm_assess_add's PM_EINVAL is an event the reader should not have
 * produced: still data, exit 1). */
static int data_fail(pm_status st, const pm_error *err)
{
    int rc = cli_fail(NULL, st, err);
    return st == PM_EINVAL ? CLI_EDATA : rc;
}

/* Progress on a terminal only, one overwritten line every 2^20 rows. */
#define PROGRESS_ROWS (1L << 20)

static int read_log(cli_records *ro, pm_records *rd, pm_assess *a, const char *path, int progress,
                    long *rows)
{
    int rc = cli_records_open(ro, rd, path);
    if (rc)
        return rc;
    pm_error err = {0};
    /* Sized up front, the key table never grows (rehashes) on the way. */
    if (pm_assess_reserve(a, pm_records_estimate_rows(rd), &err) != PM_OK)
        err = (pm_error){0}; /* a hint: out of memory now may still fit later */
    pm_assess_set_reader_bytes(a, pm_records_bytes(rd));
    if (!progress) { /* the batched path: records copied 32 at a time */
        pm_status st = pm_assess_read(a, rd, &err);
        return st == PM_OK ? 0 : data_fail(st, &err);
    }
    for (;;) {
        pm_record rec;
        int got = 0;
        pm_status st = pm_records_next(rd, &rec, &got, &err);
        if (st != PM_OK)
            return data_fail(st, &err);
        if (!got)
            return 0;
        /* rec's strings live until the next pm_records_next: one at a time;
         * what the reader holds may grow as it reads (Arena's judges). */
        pm_assess_set_reader_bytes(a, pm_records_bytes(rd));
        st = pm_assess_add(a, &rec, &err);
        if (st != PM_OK)
            return data_fail(st, &err);
        if (progress && ++*rows % PROGRESS_ROWS == 0)
            fprintf(stderr, "\rprefmon assess: %s: %ld rows", path, *rows);
    }
}

static int read_logs(cli_records *ro, pm_assess *a, char **paths, int n, pm_records_stats *stats)
{
    pm_records *rd = NULL;
    int rc = cli_records_new(ro, &rd);
    int progress = isatty(STDERR_FILENO);
    long rows = 0;
    for (int i = 0; !rc && i < n; i++)
        rc = read_log(ro, rd, a, paths[i], progress, &rows);
    if (progress && rows >= PROGRESS_ROWS)
        fputs("\r\033[K", stderr); /* erase the progress line */
    if (!rc) {
        pm_records_stats_get(rd, stats);
        pm_assess_set_rows_skipped(a, cli_records_skipped(stats));
    }
    pm_records_free(rd);
    return rc;
}

/* ---- writing ------------------------------------------------------------ */

/* NaN (undefined) as null: "-" in a table, empty in CSV. */
static void num(out_table *t, double v)
{
    if (isnan(v))
        out_null(t);
    else
        out_num(t, v);
}

/* The ranking columns (doc/assess.md, Rankings), only when the input has
 * rankings; tau_b is the mean Kendall tau-b of the row's repeats. */
static const char *const rank_cols[] = {"rank_labels",      "rank_repeats",     "rank_pairs",
                                        "rank_pairs_agree", "rank_consistency", "tau_b",
                                        "tau_b_n"};

static void columns(out_table *t, int ranked)
{
    static const char *const cols[] = {
        "annotator",       "labels", "dup_pairs", "consistent", "consistency",  "q0",
        "eta_hat",         "ci_low", "ci_high",   "p_value",    "decision",     "sequential",
        "e_pass",          "e_fail", "gold_n",    "gold_agree", "gold_rate",    "left_rate",
        "median_duration", "flags",  "action",    "delta",      "delta_mode",   "q0_source",
        "level",           "eta0",   "eta1",      "max_error",  "min_duration", "fast_ratio",
        "flag_alpha"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
        if (ranked && strcmp(cols[i], "delta") == 0)
            for (size_t j = 0; j < sizeof rank_cols / sizeof *rank_cols; j++)
                out_col(t, rank_cols[j]);
        out_col(t, cols[i]);
    }
}

static void rank_cells(out_table *t, const pm_assess_row *r)
{
    out_int(t, r->rank_labels);
    out_int(t, r->rank_repeats);
    out_int(t, r->rank_pairs);
    out_int(t, r->rank_pairs_agree);
    num(t, r->rank_consistency);
    num(t, r->tau_b_mean);
    out_int(t, r->tau_b_n);
}

/* The one text form of a flag set (pm_flags_format); none is null. */
static void flags_cell(out_table *t, unsigned flags)
{
    char buf[128];
    pm_flags_format(flags, ",", NULL, buf, sizeof buf);
    if (*buf)
        out_str(t, buf);
    else
        out_null(t);
}

static void row_cells(out_table *t, const pm_assess_row *r)
{
    out_str(t, r->annotator);
    out_int(t, r->labels);
    out_int(t, r->dup_pairs);
    out_int(t, r->consistent);
    num(t, r->consistency);
    num(t, r->q0);
    num(t, r->eta_hat);
    num(t, r->ci_low);
    num(t, r->ci_high);
    num(t, r->p_value);
    out_str(t, pm_decision_name(r->decision));
    out_str(t, pm_seq_verdict_name(r->sequential));
    num(t, r->e_pass);
    num(t, r->e_fail);
    out_int(t, r->gold_n);
    out_int(t, r->gold_agree);
    num(t, r->gold_rate);
    num(t, r->left_rate);
    num(t, r->median_duration);
    flags_cell(t, r->flags);
    out_str(t, pm_action_name(r->action));
}

static void param_cells(out_table *t, const pm_assess_options *o, const pm_assess_summary *s)
{
    num(t, s->delta);
    out_str(t, s->delta_estimated ? "estimate" : "fixed");
    out_str(t, isnan(o->q0) ? "per-annotator" : "fixed");
    out_num(t, o->level);
    out_num(t, o->eta0);
    out_num(t, o->eta1);
    out_num(t, o->max_error);
    num(t, o->min_duration);
    out_num(t, o->fast_ratio);
    out_num(t, o->alpha);
}

static size_t csv_block_rows(void)
{
    /* A testing knob: small blocks put boundaries everywhere in a small
     * table (tests/cli/assess_csv_blocks.sh). */
    const char *e = getenv("PREFMON_CSV_BLOCK_ROWS");
    long v = e ? atol(e) : 0;
    return v > 0 ? (size_t)v : CSV_BLOCK_ROWS;
}

static int emit_table(const pm_assess *a, out_format fmt)
{
    size_t n = 0;
    const pm_assess_row *rows = pm_assess_rows(a, &n);
    out_table *t = out_new(0);
    if (!t)
        return CLI_EINTERNAL;
    int ranked = 0;
    for (size_t i = 0; i < n; i++)
        ranked |= rows[i].rank_labels > 0;
    columns(t, ranked);
    /* What a person acts on; the rest with --wide or --format csv. Logs
     * without a single repeat (public Arena battles) leave the pair columns
     * empty: the view shows what can be judged, side and speed. */
    if (pm_assess_summary_get(a)->pairs == 0 && n > 0)
        out_view(t, "annotator,labels,decision,action?,left_rate,median_duration?,flags"
                    "|delta,delta_mode,q0_source,level,eta0,eta1,max_error,min_duration,"
                    "fast_ratio,flag_alpha");
    else
        out_view(t, ranked
                        ? "annotator,dup_pairs,consistency?,tau_b?,eta_hat,ci_low,ci_high,decision,"
                          "action?,flags|delta,delta_mode,q0_source,level,eta0,eta1,max_error,"
                          "min_duration,fast_ratio,flag_alpha"
                        : "annotator,dup_pairs,consistency?,eta_hat,ci_low,ci_high,decision,"
                          "action?,flags|delta,delta_mode,q0_source,level,eta0,eta1,max_error,"
                          "min_duration,fast_ratio,flag_alpha");
    /* CSV needs no column widths: it is written a block of rows at a time,
     * so that a crowd's table (600 bytes a row) is never held whole. */
    size_t block = fmt == OUT_CSV ? csv_block_rows() : n;
    int rc = fmt == OUT_CSV ? cli_check_columns(t) : 0;
    out_reserve(t, n < block ? n : block);
    for (size_t i = 0; !rc && (i < n || i == 0);) {
        size_t end = n - i < block ? n : i + block;
        size_t first = i;
        for (; i < end; i++) {
            out_row(t);
            row_cells(t, &rows[i]);
            if (ranked)
                rank_cells(t, &rows[i]);
            param_cells(t, pm_assess_options_get(a), pm_assess_summary_get(a));
        }
        if (fmt != OUT_CSV)
            break;
        if (out_write_part(t, stdout, first == 0) != 0)
            rc = CLI_EIO;
        out_clear_rows(t);
        if (n == 0)
            break;
    }
    if (fmt == OUT_CSV && (rc == CLI_EIO || (!rc && fflush(stdout) != 0))) {
        cli_error("cannot write the output: %s", strerror(errno));
        rc = CLI_EIO;
    }
    if (!rc && fmt != OUT_CSV)
        rc = cli_emit(t, fmt);
    out_free(t);
    return rc;
}

static int emit_json(const pm_assess *a)
{
    pm_error err = {0};
    pm_status st = pm_assess_save_json(a, stdout, "standard output", &err);
    if (st == PM_OK && fflush(stdout) != 0)
        st = pm_error_set(&err, PM_EIO, "cannot write the output: %s", strerror(errno));
    return st == PM_OK ? 0 : cli_fail(NULL, st, &err);
}

/* The assessment file through pm_outfile: complete or not there. */
static int write_out(const char *path, const pm_assess *a)
{
    pm_outfile *of = NULL;
    pm_error err = {0};
    pm_status st = pm_outfile_open(path, &of, &err);
    if (st != PM_OK)
        return cli_fail("--out", st, &err);
    st = pm_assess_save_json(a, pm_outfile_stream(of), path, &err);
    if (st != PM_OK) {
        pm_outfile_abort(of);
        return cli_fail("--out", st, &err);
    }
    st = pm_outfile_commit(of, &err);
    return st == PM_OK ? 0 : cli_fail("--out", st, &err);
}

/* An option that found nothing to act on is said, not silently dropped:
 * gold labels matching no labelled item, a duration threshold on logs
 * without durations. */
static void warn_unused_inputs(const pm_assess *a, const char *gold, int min_duration)
{
    size_t count = 0;
    const pm_assess_row *rows = pm_assess_rows(a, &count);
    long gold_n = 0, timed = 0;
    for (size_t i = 0; i < count; i++) {
        gold_n += rows[i].gold_n;
        timed += !isnan(rows[i].median_duration);
    }
    if (gold && count && gold_n == 0)
        cli_warn("--gold %s: no labelled item has a gold label: gold_n is 0 for everyone and "
                 "consistent-but-wrong cannot be checked",
                 gold);
    if (min_duration && count && timed == 0)
        cli_warn("--min-duration: the logs carry no durations: too-fast was not checked");
}

/* Where the pairs came from (assess.h, Repeats): two lines, each within
 * 100 columns for counts of up to ten digits. */
static void repeats_line(const pm_assess_summary *s)
{
    fprintf(stderr,
            "# pairs: %ld timestamped re-labels, %ld without timestamp (%ld of them identical "
            "lines)\n# exact duplicate records dropped %ld",
            s->pairs_timestamped, s->pairs_untimed, s->pairs_identical, s->dup_dropped);
    if (s->identical_dropped)
        fprintf(stderr, ", identical lines dropped %ld", s->identical_dropped);
    fputc('\n', stderr);
}

/* Repeats that agree more than re-labelling can: said loudly in every
 * output format (the counts are also in the JSON summary). */
static void warn_repeats(const pm_assess_summary *s, double alpha)
{
    if (s->repeats_flagged == 0 && !(s->repeats_p <= alpha))
        return;
    cli_warn("IMPLAUSIBLE REPEATS: of %ld pairs without timestamp, %ld are identical lines and "
             "%ld disagree; an annotator who disagrees with probability >= delta = %g on every "
             "repeat shows that few disagreements with probability <= %.3g pooled, and %ld "
             "annotator(s) fall to %g or below on their own (Holm): these look like duplicated "
             "export lines, not re-labels, and overstate consistency (--drop-identical drops "
             "identical lines; doc/assess.md)",
             s->pairs_untimed, s->pairs_identical, s->untimed_disagree, s->delta, s->repeats_p,
             s->repeats_flagged, alpha);
}

/* Self-consistency needs repeats (an annotator labelling an item twice):
 * logs with none say so rather than leave the columns empty without a
 * word. */
static void no_repeats(const pm_assess_summary *s, const char *prefix)
{
    if (s->rows == 0 || s->annotators == 0)
        return;
    if (s->pairs == 0)
        fprintf(
            stderr,
            "%sno repeats: no annotator labelled any item twice (0 pairs), so self-consistency\n"
            "%scannot be measured on these logs; only the side and speed signals (left_rate,\n"
            "%sdurations, flags) apply\n",
            prefix, prefix, prefix);
}

static void summary(const pm_assess_summary *s, double level)
{
    fprintf(stderr, "# %ld annotators, %ld items, %ld (annotator, item) keys, %ld pairs\n",
            s->annotators, s->items, s->keys, s->pairs);
    repeats_line(s);
    fprintf(stderr, "# decisions:");
    for (int i = 0; i < PM_DECISION_COUNT; i++)
        fprintf(stderr, "%s %s %ld", i ? "," : "", pm_decision_name((pm_decision)i),
                s->decisions[i]);
    fprintf(stderr, "\n# flags:");
    for (int i = 0; i < PM_FLAG_COUNT; i++)
        fprintf(stderr, "%s %s %ld", i ? "," : "", pm_flag_name(i), s->flags[i]);
    if (s->delta_estimated)
        fprintf(stderr,
                "\n# delta %.6g ESTIMATED from %ld annotators' %ld pairs (%ld disagree), "
                "%g%% Clopper-Pearson interval [%.6g, %.6g]\n",
                s->delta, s->delta_annotators, s->delta_pairs, s->delta_disagree, 100 * level,
                s->delta_low, s->delta_high);
    else
        fprintf(stderr, "\n# delta %.6g (given)\n", s->delta);
}

static int table_fits(const pm_assess *a, size_t max_bytes)
{
    size_t n = 0, names = 0;
    const pm_assess_row *rows = pm_assess_rows(a, &n);
    for (size_t i = 0; i < n; i++)
        names += strlen(rows[i].annotator);
    size_t held = pm_assess_summary_get(a)->bytes, need = n * TABLE_ROW_BYTES + 2 * names;
    if (held + need <= max_bytes)
        return 0;
    cli_error("memory limit of %zu bytes: the table of %zu rows needs about %zu bytes more than "
              "the %zu held; use --format csv or json (written row by row) or raise --max-memory",
              max_bytes, n, need, held);
    return CLI_EDATA;
}

/* ---- the command -------------------------------------------------------- */

static int assess_files(cli_records *ro, const aopts *o, const cli_output *out, char **paths, int n)
{
    /* A log given twice (however spelled, or through a link) would pair every
     * row with its own copy: refused before anything is read (the reader
     * refuses it too, but only when it reaches the second name). "-" is
     * standard input, which pm_path_same cannot compare by name. */
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(paths[i], "-") && strcmp(paths[j], "-") &&
                pm_path_same(paths[i], paths[j])) {
                cli_error("%s and %s are the same file: every row would be paired with its own "
                          "copy; give each log once",
                          paths[i], paths[j]);
                return CLI_EUSAGE;
            }
    pm_error err = {0};
    pm_assess_options ao = o->ao;
    ao.max_bytes = (size_t)o->max_memory;
    /* The assessment file carries each annotator's pair outcomes in order,
     * so that pay can judge the contract's first n pairs (and --format json
     * prints what --out writes). */
    ao.keep_pairs = out->out_path != NULL || out->fmt == OUT_JSON;
    pm_assess *a = pm_assess_new(&ao, &err);
    if (!a)
        return cli_fail(NULL, err.code ? err.code : PM_ENOMEM, &err);
    /* A Label Studio export is parsed whole: its tree counts too. */
    ro->opt.max_memory = (size_t)o->max_memory;
    pm_records_stats stats;
    int rc = read_logs(ro, a, paths, n, &stats);
    if (!rc) {
        pm_status st = pm_assess_finish(a, &err);
        /* PM_EMODEL: --q0 leaves no signal at the estimated delta, refused
         * as a usage error like the same --q0 with a fixed --delta. */
        rc = st == PM_OK       ? 0
             : st == PM_EMODEL ? cli_fail(NULL, PM_EINVAL, &err)
                               : data_fail(st, &err);
    }
    if (!rc && ao.max_bytes && out->fmt == OUT_TABLE)
        rc = table_fits(a, ao.max_bytes);
    if (!rc && out->out_path)
        rc = write_out(out->out_path, a);
    if (!rc)
        rc = out->fmt == OUT_JSON ? emit_json(a) : emit_table(a, out->fmt);
    if (!rc && pm_assess_summary_get(a)->rows == 0)
        cli_warn("no label events were read: nothing to assess");
    if (!rc)
        warn_unused_inputs(a, ro->gold, !isnan(ao.min_duration));
    if (!rc)
        warn_repeats(pm_assess_summary_get(a), ao.alpha);
    if (!rc && out->fmt != OUT_JSON) {
        cli_records_report(&stats, "# ");
        if (ro->ignored)
            fprintf(stderr, "# ignored columns: %s\n", ro->ignored);
        if (ro->notes)
            fprintf(stderr, "# note: %s\n", ro->notes);
        summary(pm_assess_summary_get(a), ao.level);
        no_repeats(pm_assess_summary_get(a), "# ");
    } else if (!rc) {
        no_repeats(pm_assess_summary_get(a), "prefmon assess: note: ");
        /* JSON: the summary object has the total; the reasons are said here. */
        if (cli_records_skipped(&stats))
            cli_records_report(&stats, "prefmon assess: warning: ");
        if (ro->ignored)
            cli_warn("ignored columns: %s", ro->ignored);
        if (ro->notes)
            cli_warn("%s", ro->notes);
    }
    pm_assess_free(a);
    return rc;
}

int cli_assess(int argc, char **argv)
{
    static const struct option own[] = {
        {"delta", required_argument, NULL, CLI_OPT_DELTA},
        {"q0", required_argument, NULL, CLI_OPT_Q0},
        {"level", required_argument, NULL, CLI_OPT_LEVEL},
        {"max-error", required_argument, NULL, CLI_OPT_MAX_ERROR},
        {"min-duration", required_argument, NULL, CLI_OPT_MIN_DURATION},
        {"fast-ratio", required_argument, NULL, CLI_OPT_FAST_RATIO},
        {"flag-alpha", required_argument, NULL, CLI_OPT_FLAG_ALPHA},
        {"max-memory", required_argument, NULL, CLI_OPT_MAX_MEMORY},
        {"drop-identical", no_argument, NULL, CLI_OPT_DROP_IDENTICAL},
        {"threads", required_argument, NULL, CLI_OPT_THREADS},
        {"history", required_argument, NULL, CLI_OPT_HISTORY},
        {"batch", required_argument, NULL, CLI_OPT_BATCH},
        {"replace", no_argument, NULL, CLI_OPT_REPLACE},
        {"dry-run", no_argument, NULL, CLI_OPT_DRY_RUN},
        {"new-delta", no_argument, NULL, CLI_OPT_NEW_DELTA},
        {"block-out", required_argument, NULL, CLI_OPT_BLOCK_OUT},
        {"block-format", required_argument, NULL, CLI_OPT_BLOCK_FORMAT},
        {"review-out", required_argument, NULL, CLI_OPT_REVIEW_OUT},
        {"alpha-pass", required_argument, NULL, CLI_OPT_ALPHA_PASS},
        {"alpha-fail", required_argument, NULL, CLI_OPT_ALPHA_FAIL},
        {NULL, 0, NULL, 0}};
    cli_records ro;
    cli_testopts to;
    cli_output out;
    aopts o = {.max_memory = 0,
               .hist = {.alpha_pass = 0.05, .alpha_fail = 0.05, .delta_source = "default"}};
    pm_assess_options_default(&o.ao);
    cli_records_init(&ro);
    /* The test group's --eta0/--eta1 with assess's defaults (it requires
     * them otherwise); --alpha is the power/samplesize rule: refused. */
    cli_testopts_init(&to);
    to.eta0 = o.ao.eta0;
    to.eta1 = o.ao.eta1;
    to.have_eta0 = to.have_eta1 = 1;
    to.no_alpha = 1;
    cli_output_init(&out, 1);
    const cli_group groups[] = {cli_records_group(&ro),
                                {own, own_opt, NULL, &o},
                                cli_test_group(&to),
                                cli_output_group(&out)};
    int rc, first = argc;
    if (!cli_parse_operands(argc, argv, help, groups, sizeof groups / sizeof *groups, &first, &rc))
        return rc;
    if (first >= argc) {
        cli_error("no LOG given (use - for standard input); see 'prefmon assess --help'");
        return CLI_EUSAGE;
    }
    o.ao.eta0 = to.eta0;
    o.ao.eta1 = to.eta1;
    o.ao.alpha_pass = o.hist.alpha_pass;
    o.ao.alpha_fail = o.hist.alpha_fail;
    /* The sequential default eta1 is 0.9, not the fixed-n rule's 1: was
     * --eta1 given? (The test group fills in its default otherwise.) */
    for (int i = 1; i < first; i++)
        if (!strncmp(argv[i], "--eta1", 6))
            o.hist.eta1_given = 1;
    int history_only = o.hist.batch || o.hist.replace || o.hist.dry_run || o.hist.new_delta ||
                       o.hist.block_out || o.hist.review_out;
    if (!o.hist.uri && history_only) {
        cli_error("--batch, --replace, --dry-run, --new-delta, --block-out and --review-out go "
                  "with --history URI");
        rc = CLI_EUSAGE;
    } else if (o.hist.uri) {
        rc = cli_assess_history(&ro, &o.hist, &o.ao, &out, argv + first, argc - first);
    } else {
        rc = assess_files(&ro, &o, &out, argv + first, argc - first);
    }
    cli_records_free(&ro);
    return rc;
}
