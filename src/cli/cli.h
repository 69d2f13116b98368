/*
** prefmon CLI — shared declarations. The CLI is a thin client of the public
** API: it parses options, calls the library, and writes tables.
**
** Files and who uses whom (no cycles):
**   cli_common.c   messages, exit codes, strict numbers, choices
**   cli_parse.c    the one option loop; knows groups only through cli_group
**   cli_output.c   output group: --format, --out; writing tables
**   cli_monitor.c  monitor group: --monitor --delta --q0 --convention --cbar --pref-scores
**   cli_test.c     test group: --eta0 --eta1 --alpha --target --max-n (uses cli_monitor.c
**                  for the result table)
**   cli_model.c    model group: --utility --cost --value --u0 --wage-min --wage-max --config
**   cli_records.c  records group: --input-format --gold --item-field --label-field; the
**                  annotation-log reader they configure
**   cli_planopts.c plan-shaping group: --queue-length --dup-rate --dup-count --min-gap
**                  --gold-rate --seed (plan, simulate)
**   cli_<cmd>.c    one command each: its own options as one more group
*/
#ifndef PREFMON_CLI_H
#define PREFMON_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "prefmon/assess.h"
#include "prefmon/contract.h"
#include "prefmon/model.h"
#include "prefmon/monitor.h"
#include "prefmon/plan.h"
#include "prefmon/records.h"
#include "out.h"

/* Exit codes (documented in doc/prefmon.1 and README). */
enum {
    CLI_OK = 0,
    CLI_EDATA = 1,    /* bad input data, infeasible or unreachable request, over a work limit */
    CLI_EUSAGE = 2,   /* bad command line */
    CLI_EIO = 3,      /* a file could not be read or written */
    CLI_EINTERNAL = 4 /* a bug or out of memory */
};

/* Every long option's getopt code, unique across all groups and commands
 * (cli_parse refuses an option given twice by its code). Above 255 so that
 * no code is also a character. A new option's name goes into cli_parse.c's
 * opt_names too (checked on every parse: an option of another command is
 * never offered as "did you mean"). */
typedef enum cli_opt {
    CLI_OPT_FIRST = 256,
    /* monitor group */
    CLI_OPT_MONITOR = CLI_OPT_FIRST,
    CLI_OPT_DELTA,
    CLI_OPT_Q0,
    CLI_OPT_CONVENTION,
    CLI_OPT_CBAR,
    CLI_OPT_PREF_SCORES,
    /* test group */
    CLI_OPT_ETA0,
    CLI_OPT_ETA1,
    CLI_OPT_ALPHA,
    CLI_OPT_TARGET,
    CLI_OPT_MAX_N,
    /* model group */
    CLI_OPT_UTILITY,
    CLI_OPT_COST,
    CLI_OPT_VALUE,
    CLI_OPT_U0,
    CLI_OPT_WAGE_MIN,
    CLI_OPT_WAGE_MAX,
    CLI_OPT_CONFIG,
    /* records group */
    CLI_OPT_INPUT_FORMAT,
    CLI_OPT_GOLD,
    CLI_OPT_ITEM_FIELD,
    CLI_OPT_LABEL_FIELD,
    /* output group, and --help (cli_parse's own) */
    CLI_OPT_FORMAT,
    CLI_OPT_OUT,
    CLI_OPT_WIDE,
    CLI_OPT_COLUMNS,
    CLI_OPT_HELP,
    /* the commands' own options */
    CLI_OPT_N,
    CLI_OPT_N_RANGE,
    CLI_OPT_PASSES,
    CLI_OPT_LEVEL,
    CLI_OPT_TYPE,
    CLI_OPT_SOLVE,
    CLI_OPT_GRID,
    /* plan */
    CLI_OPT_ITEMS,
    CLI_OPT_ANNOTATORS,
    CLI_OPT_ANNOTATOR_NAMES,
    CLI_OPT_QUEUE_LENGTH,
    CLI_OPT_DUP_RATE,
    CLI_OPT_DUP_COUNT,
    CLI_OPT_MIN_GAP,
    CLI_OPT_GOLD_RATE,
    CLI_OPT_SEED,
    CLI_OPT_MANIFEST,
    CLI_OPT_SUMMARY,
    /* pay */
    CLI_OPT_ASSESSMENT,
    CLI_OPT_CONTRACT,
    CLI_OPT_UNIT,
    CLI_OPT_CURRENCY,
    CLI_OPT_PAID,
    CLI_OPT_STRICT_N,
    CLI_OPT_UPLOAD,
    CLI_OPT_UPLOAD_OUT,
    CLI_OPT_ASSIGNMENTS,
    CLI_OPT_REASON,
    CLI_OPT_TITLE,
    /* assess */
    CLI_OPT_MAX_ERROR,
    CLI_OPT_MIN_DURATION,
    CLI_OPT_FAST_RATIO,
    CLI_OPT_FLAG_ALPHA,
    CLI_OPT_MAX_MEMORY,
    CLI_OPT_DROP_IDENTICAL,
    /* simulate */
    CLI_OPT_ETA,
    CLI_OPT_SPAMMER_SHARE,
    CLI_OPT_LONGER_SHARE,
    CLI_OPT_LEFT_SHARE,
    CLI_OPT_GOLD_ITEMS,
    CLI_OPT_LOG_FORMAT,
    CLI_OPT_TRUTH_OUT,
    CLI_OPT_GOLD_OUT,
    CLI_OPT_SHOW,
    CLI_OPT_HTML,
    /* budget */
    CLI_OPT_DUP_COST,
    CLI_OPT_GOLD_COST,
    CLI_OPT_LABEL_PAY,
    CLI_OPT_CURVE_OUT,
    /* reproduce */
    CLI_OPT_DATASET,
    CLI_OPT_CALIBRATE,
    CLI_OPT_BINS,
    CLI_OPT_TABLE,
    CLI_OPT_TABLES_OUT,
    CLI_OPT_GAP_N_MAX,
    CLI_OPT_SETTINGS,
    /* report */
    CLI_OPT_ASSESS,
    CLI_OPT_PAYMENTS,
    CLI_OPT_GAP_N,
    CLI_OPT_PLAN_MANIFEST,
    /* power --sequential */
    CLI_OPT_SEQUENTIAL,
    CLI_OPT_ALPHA_PASS,
    CLI_OPT_ALPHA_FAIL,
    CLI_OPT_HORIZON,
    CLI_OPT_PER_LOOK,
    /* history */
    CLI_OPT_HISTORY,
    CLI_OPT_PAIRS,
    /* pay: the rule fixed in advance, pay that follows the action, the ledger */
    CLI_OPT_THRESHOLD_RULE,
    CLI_OPT_PARTIAL_BASE,
    CLI_OPT_PAY_FLAGGED,
    CLI_OPT_RELEASE,
    CLI_OPT_MIN_HOURLY,
    CLI_OPT_STRICT,
    CLI_OPT_PAID_FROM,
    /* assess --history */
    CLI_OPT_BATCH,
    CLI_OPT_REPLACE,
    CLI_OPT_DRY_RUN,
    CLI_OPT_NEW_DELTA,
    CLI_OPT_BLOCK_OUT,
    CLI_OPT_BLOCK_FORMAT,
    CLI_OPT_REVIEW_OUT,
    /* records: column map */
    CLI_OPT_MAP,
    /* assess: threads */
    CLI_OPT_THREADS,
    CLI_OPT_END
} cli_opt;

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

/* ---- cli_common.c ------------------------------------------------------ */

/* The subcommand being run ("power"), for messages. */
extern const char *cli_cmd;

/* "prefmon <cmd>: message\n" on stderr. Returns nothing; callers return the code. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Map a library status to an exit code. */
int cli_exit_for(int pm_status_code);
/* Print a failed library call's reason (err's text, or pm_strerror(st) when
 * the library left it empty), prefixed by `what` when not NULL; return the
 * exit code for st. */
int cli_fail(const char *what, pm_status st, const pm_error *err);

/* cli_data.c: the path of default data file `name` (relative to data/, e.g.
 * "ultrafeedback-sample.jsonl") found by pm_data_path ($PREFMON_DATADIR, the
 * installed data directory, the source tree); "data/<name>" when none has
 * it. Valid until the next call. */
const char *cli_data_path(const char *name);

/* Strict number parsing for option `opt` (e.g. "--eta0"): decimal only
 * (no hex floats), no blanks before or after, finite; subnormals are
 * numbers. On error prints "prefmon <cmd>: --eta0: 'x' is not a number" or
 * "... is outside [lo, hi]" and returns CLI_EUSAGE; returns 0 on success. */
int cli_double(const char *opt, const char *arg, double lo, double hi, double *out);
/* A probability strictly inside (0, 1). */
int cli_open_unit(const char *opt, const char *arg, double *out);
int cli_long(const char *opt, const char *arg, long lo, long hi, long *out);
/* Comma-separated list of whole numbers in [lo, hi]; *out malloc'd. */
int cli_long_list(const char *opt, const char *arg, long lo, long hi, long **out, size_t *count);
/* arg must be one of the NULL-terminated names; *index gets its position.
 * Otherwise prints "--opt: 'x' is not one of a, b, c" and returns CLI_EUSAGE. */
int cli_choice(const char *opt, const char *arg, const char *const *names, int *index);
/* --type linear|binary|both as a bit mask (1 linear, 2 binary, 3 both) and
 * --solve restricted|second-best, as gap and budget take them. */
int cli_contract_types(const char *arg, int *mask);
int cli_solve_choice(const char *arg, pm_solve *solve);
/* A number cell that is null (JSON null, "-" in a table, empty in CSV)
 * when v is infinite, as the man page promises for Fisher information. */
void cli_num_finite(out_table *t, double v);

/* ---- cli_parse.c: option groups and the one option loop ----------------- */

/* An option group: its getopt_long entries (ending with a NULL name), a
 * handler and a check run after the loop. One return convention for both:
 * 0 = done / took the option, a positive exit code = stop (the message is
 * printed), CLI_NOT_MINE = not this group's option (opt only). */
#define CLI_NOT_MINE (-1)
typedef struct cli_group {
    const struct option *longopts;
    int (*opt)(void *self, int code, const char *arg);
    int (*finish)(void *self); /* may be NULL */
    void *self;
} cli_group;

/* The prologue of every command: parse argv with the groups (and --help,
 * which prints `help`), refuse unknown, repeated and positional arguments,
 * then run each group's finish in order. Returns 1 when the command should
 * go on (*rc = 0), 0 when it should stop with exit code *rc (0 after
 * --help was written). */
int cli_parse(int argc, char **argv, const char *help, const cli_group *groups, size_t ngroups,
              int *rc);
/* As cli_parse for a command that takes operands (input files): they are
 * allowed, and argv[*first .. argc) are they (getopt_long moves them after
 * the options; "-" is an operand, "--" ends the options). */
int cli_parse_operands(int argc, char **argv, const char *help, const cli_group *groups,
                       size_t ngroups, int *first, int *rc);

/* The name among names[0..count) closest to given[0..len) by edit
 * distance (Levenshtein), when it is close enough to be a typo (1 edit for
 * up to 4 characters, 2 up to 9, 3 beyond), else NULL: the "did you mean"
 * of an unknown option or command. */
const char *cli_suggest(const char *given, size_t len, const char *const *names, size_t count);

/* Write s to stdout and flush; CLI_EIO with a message if that fails (a
 * full disk, a closed stdout). */
int cli_print(const char *s);

/* ---- cli_output.c: --format, --out ------------------------------------- */

typedef struct cli_output {
    out_format fmt;
    int with_out;         /* the command takes --out */
    const char *out_path; /* --out */
    const char *columns;  /* --columns, or NULL */
    int wide;             /* --wide */
} cli_output;
void cli_output_init(cli_output *o, int with_out);
cli_group cli_output_group(cli_output *o);
/* Write t to stdout in fmt as --wide and --columns ask (out_write_view);
 * returns an exit code (CLI_EIO on write error, CLI_EUSAGE when t lacks a
 * column of --columns). */
int cli_emit(const out_table *t, out_format fmt);
/* CLI_EUSAGE with a message when t lacks a column of --columns, else 0. */
int cli_check_columns(const out_table *t);
#define CLI_FORMAT_HELP                                                                            \
    "  --format table|csv|json   output format (default table)\n"                                  \
    "  --wide                    every column in the table\n"                                      \
    "  --columns LIST            only these comma-separated columns, any format\n"

/* ---- cli_monitor.c ----------------------------------------------------- */

typedef struct cli_monitor {
    /* set before parsing */
    int need_prefs; /* the command requires --pref-scores regardless of --monitor */
    /* from the options */
    pm_monitor_kind kind;
    pm_convention convention;
    double delta, q0, cbar;
    int have_delta, have_q0, have_cbar, have_convention, have_monitor;
    const char *pref_path; /* --pref-scores */
    /* filled by the group's finish */
    double *prefs; /* folded probabilities read from pref_path (owned) */
    size_t nprefs;
    pm_scheme scheme;
} cli_monitor;

#define CLI_MONITOR_HELP                                                                           \
    "  --monitor self|expert     monitoring scheme (default self)\n"                               \
    "  --delta D                 self: repeat disagreement under full effort (default 0.02)\n"     \
    "  --convention general|paper  self: m = q0 + eta(1-delta-q0), or the paper's\n"               \
    "                            m = (1 + (1-delta) eta)/2\n"                                      \
    "  --q0 Q                    self, general: chance agreement (default 0.5)\n"                  \
    "  --cbar C                  expert: alignment coefficient in (0,1]\n"                         \
    "  --pref-scores FILE        expert: cbar = 2 mean|p - 1/2| from preference probabilities\n"   \
    "                            (one per line, or JSONL with chosen/rejected scores)\n"

/* Defaults: self, delta 0.02, q0 0.5, and the given convention (the
 * monitoring commands default to general, the contract commands to paper). */
void cli_monitor_init(cli_monitor *m, pm_convention default_convention);
/* finish: validate the combination, read --pref-scores, build the scheme. */
cli_group cli_monitor_group(cli_monitor *m);
void cli_monitor_free(cli_monitor *m);
/* Read --pref-scores FILE (folded probabilities, malloc'd into *vals);
 * prints the error and returns an exit code on failure. */
int cli_read_prefs(const char *path, double **vals, size_t *count);
/* The scheme's describing columns (monitor, convention, delta, q0, cbar, c)
 * and their cells for the current row. */
void cli_monitor_columns(out_table *t);
void cli_monitor_cells(out_table *t, const cli_monitor *m);

/* ---- cli_test.c -------------------------------------------------------- */

typedef struct cli_testopts {
    /* set before parsing */
    int need_target; /* --target is required (samplesize, compare) */
    int no_alpha;    /* --alpha is refused (bound) */
    /* from the options */
    double eta0, eta1, alpha;
    double target; /* --target */
    long max_n;    /* --max-n, default 10^7 */
    int have_eta0, have_eta1, have_alpha, have_target;
} cli_testopts;

#define CLI_TARGET_HELP                                                                            \
    "  --target E                target error in (0, 1)\n"                                         \
    "  --max-n N                 search limit (default 10000000)\n"
#define CLI_TEST_HELP                                                                              \
    "  --eta0 A                  low effort (H0: eta <= A), in [0, 1)\n"                           \
    "  --eta1 B                  target effort (H1: eta >= B), in (A, 1]\n"                        \
    "  --alpha A                 threshold from level A (smallest k with P(X>=k|eta0) <= A)\n"     \
    "                            instead of the likelihood-ratio rule\n"

void cli_testopts_init(cli_testopts *t);
/* finish: --eta0 and --eta1 given, eta0 < eta1, --target when needed. */
cli_group cli_test_group(cli_testopts *t);
/* The threshold rule the options ask for: level-alpha with --alpha, else LR. */
pm_rule cli_test_rule(const cli_testopts *o);
/* The test the options ask for on scheme sc (pm_test_design, pm_samplesize):
 * eta0, eta1, their rule and alpha. */
pm_test_request cli_test_request(const cli_testopts *o, const pm_scheme *sc);
/* The likelihood-ratio test of eta0 against eta1 on sc (what assess applies,
 * whatever the options' rule). */
/* Write the one-row result of power / samplesize to stdout: the scheme, the
 * test, the target (with_target) and the Fisher information at eta0 and
 * eta1. Returns an exit code. */
int cli_test_emit(const cli_monitor *mon, const pm_test *test, const cli_testopts *o,
                  int with_target, out_format fmt);

/* ---- cli_records.c: --input-format --gold --item-field --label-field ---- */

typedef struct cli_records {
    pm_records_options opt; /* format, item_field, label_field, map from the options */
    const char *gold;       /* --gold FILE */
    char *ignored;          /* "path: col,col; path: col" from cli_records_open, or NULL */
    char *notes;            /* the readers' notes (pm_records_note), "; " between, or NULL */
} cli_records;

/* ---- cli_assess_history.c: assess --history URI --batch NAME ---------- */

typedef struct cli_history_opts {
    const char *uri;   /* --history */
    const char *batch; /* --batch */
    int replace, dry_run, new_delta;
    double alpha_pass, alpha_fail;
    int eta1_given;                     /* --eta1 was given (else the sequential default 0.9) */
    const char *block_out, *review_out; /* --block-out, --review-out */
    int block_format;                   /* pm_block_format (--block-format) */
    const char *delta_source;
} cli_history_opts;

/* Import the logs as one batch and print each annotator's decision across
 * batches; returns an exit code. ao: assess's options as parsed. */
int cli_assess_history(const cli_records *ro, const cli_history_opts *h,
                       const pm_assess_options *ao, const cli_output *out, char **paths, int n);

#define CLI_RECORDS_HELP                                                                           \
    "  --input-format F          csv, tsv, jsonl, gal, mtbench, labelstudio, toloka, mturk,\n"     \
    "                            prodigy, arena, argilla or wmt (default: detected from\n"         \
    "                            the content)\n"                                                   \
    "  --gold FILE               gold labels, item TAB label (or CSV item,label)\n"                \
    "  --item-field NAME         Label Studio: the item key is data.NAME (default item, else\n"    \
    "                            the task id); Argilla: the field NAME (default all fields)\n"     \
    "  --label-field NAME        Label Studio: the control (from_name) to read when a task\n"      \
    "                            has several; Argilla: the question to read\n"                     \
    "  --map FIELD=COL,...       csv, tsv, jsonl, toloka, mturk: the column giving each field\n"   \
    "                            (annotator, item, label, gold, timestamp, duration,\n"            \
    "                            shown_left)\n"

void cli_records_init(cli_records *r);
/* finish: the Label Studio options with another forced format are refused. */
cli_group cli_records_group(cli_records *r);
/* A reader with the options and --gold read; prints and returns an exit
 * code on failure (then *out is NULL). */
int cli_records_new(const cli_records *r, pm_records **out);
/* Open the next log ("-" is stdin): the reader's error, or a Label Studio
 * option on a file detected as another format (exit 2). The columns the
 * file's header has but no reader uses are added to r->ignored, for the
 * command to report once it succeeded (a failure prints one line only). */
int cli_records_open(cli_records *r, pm_records *rd, const char *path);
void cli_records_free(cli_records *r);
/* The rows skipped, all reasons together. */
long cli_records_skipped(const pm_records_stats *s);
/* "<prefix>rows read N, used N, skipped N (reason n, ...)" on stderr. */
void cli_records_report(const pm_records_stats *s, const char *prefix);

/* ---- cli_planopts.c: the plan-shaping options --------------------------- */

#define CLI_PLAN_MAX_RATES 8
typedef struct cli_planopts {
    size_t max_rates; /* set by init: --dup-rate takes up to this many, comma-separated */
    long length;      /* --queue-length; 0 when not given */
    long dup_count;   /* --dup-count; -1 when not given */
    long min_gap;     /* --min-gap, default 10 */
    double dup_rates[CLI_PLAN_MAX_RATES], gold_rate;
    size_t nrates; /* --dup-rate values given; 0 when not given */
    int have_gold_rate, have_seed;
    uint64_t seed;
} cli_planopts;

/* Defaults: no length, no duplicates asked, min gap 10, gold rate 0; one
 * --dup-rate value, or up to max_rates (at most CLI_PLAN_MAX_RATES). */
void cli_planopts_init(cli_planopts *p, size_t max_rates);
cli_group cli_planopts_group(cli_planopts *p);
/* "--queue-length L is required" or "give one of --dup-rate R and
 * --dup-count D" (the whole message), or NULL; the command calls it among
 * its own checks. */
const char *cli_planopts_error(const cli_planopts *p);
/* The request for pm_plan_make: the shape from the options, dup_rate being
 * this run's; the pools and names are the command's (an empty gold pool is
 * no gold; names NULL: "annotator-1" ...). */
pm_plan_request cli_planopts_request(const cli_planopts *p, const pm_plan_pool *items,
                                     const pm_plan_pool *gold, const char *const *names,
                                     size_t n_annotators, double dup_rate);

/* ---- cli_model.c ------------------------------------------------------- */

/* Defaults are the paper's main setting (pm_model_default); --config is
 * read first and explicit options override it; finish builds and checks
 * the model into model. */
typedef struct cli_model {
    const char *utility, *cost, *value, *config;
    double u0, w_min, w_max;
    int have_u0, have_wmin, have_wmax;
    pm_model model; /* filled by the group's finish */
} cli_model;
void cli_model_init(cli_model *cm);
cli_group cli_model_group(cli_model *cm);
void cli_model_columns(out_table *t);
void cli_model_cells(out_table *t, const pm_model *m);

/* Subcommands. */
int cli_power(int argc, char **argv);
int cli_samplesize(int argc, char **argv);
int cli_estimate(int argc, char **argv);
int cli_bound(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_contract(int argc, char **argv);
int cli_gap(int argc, char **argv);
int cli_plan(int argc, char **argv);
int cli_pay(int argc, char **argv);
int cli_reproduce(int argc, char **argv);
int cli_assess(int argc, char **argv);
int cli_simulate(int argc, char **argv);
int cli_budget(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_history(int argc, char **argv);

#endif
