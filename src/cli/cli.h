/*
** prefmon CLI — shared declarations. The CLI is a thin client of the public
** API: it parses options, calls the library, and writes tables.
*/
#ifndef PREFMON_CLI_H
#define PREFMON_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "prefmon/model.h"
#include "prefmon/monitor.h"
#include "out.h"

/* Exit codes (documented in doc/prefmon.1 and README). */
enum {
    CLI_OK = 0,
    CLI_EDATA = 1,    /* bad input data, infeasible or unreachable request */
    CLI_EUSAGE = 2,   /* bad command line */
    CLI_EIO = 3,      /* a file could not be read or written */
    CLI_EINTERNAL = 4 /* a bug or out of memory */
};

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

/* The subcommand being run ("power"), for messages. */
extern const char *cli_cmd;

/* "prefmon <cmd>: message\n" on stderr. Returns nothing; callers return the code. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Map a library status to an exit code. */
int cli_exit_for(int pm_status_code);

/* Strict number parsing for option `opt` (e.g. "--eta0"). On error prints
 * "prefmon <cmd>: --eta0: 'x' is not a number in [lo, hi]" and returns
 * CLI_EUSAGE; returns 0 on success. */
int cli_double(const char *opt, const char *arg, double lo, double hi, double *out);
int cli_long(const char *opt, const char *arg, long lo, long hi, long *out);
/* Comma-separated list of whole numbers in [lo, hi]; *out malloc'd. */
int cli_long_list(const char *opt, const char *arg, long lo, long hi, long **out, size_t *count);
int cli_format(const char *arg, out_format *fmt);
/* arg must be one of the NULL-terminated names; *index gets its position.
 * Otherwise prints "--opt: 'x' is not one of a, b, c" and returns CLI_EUSAGE. */
int cli_choice(const char *opt, const char *arg, const char *const *names, int *index);

/* Options shared by every command that needs a monitoring scheme:
 *   --monitor self|expert --delta D --q0 Q --convention general|paper
 *   --cbar C --pref-scores FILE
 * Usage: call cli_monitor_init, pass each getopt result to cli_monitor_opt
 * (returns 1 if it consumed the option, 0 if not, or a negative -exitcode on
 * error), then cli_monitor_finish to build the scheme. */
typedef struct cli_monitor {
    pm_monitor_kind kind;
    pm_convention convention;
    double delta, q0, cbar;
    int have_delta, have_q0, have_cbar, have_convention, have_monitor;
    const char *pref_path; /* --pref-scores */
    double *prefs;         /* folded probabilities read from pref_path (owned) */
    size_t nprefs;
    pm_scheme scheme; /* filled by cli_monitor_finish */
} cli_monitor;

/* getopt_long entries for the shared options (value codes 1000..1005),
 * to be copied into each command's option table. */
#define CLI_MONITOR_LONGOPTS                                                                       \
    {"monitor", required_argument, NULL, 1000}, {"delta", required_argument, NULL, 1001},          \
        {"q0", required_argument, NULL, 1002}, {"convention", required_argument, NULL, 1003},      \
        {"cbar", required_argument, NULL, 1004},                                                   \
    {                                                                                              \
        "pref-scores", required_argument, NULL, 1005                                               \
    }
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
int cli_monitor_opt(cli_monitor *m, int code, const char *arg);
/* Validate the combination, read --pref-scores if given, build the scheme.
 * need_prefs: the command requires --pref-scores regardless of --monitor. */
int cli_monitor_finish(cli_monitor *m, int need_prefs);
void cli_monitor_free(cli_monitor *m);
/* Add the scheme's describing columns (monitor, convention, delta, q0, cbar, c)
 * to the current row of t (they must have been declared by cli_monitor_columns). */
void cli_monitor_columns(out_table *t);
void cli_monitor_cells(out_table *t, const cli_monitor *m);

/* Read --pref-scores FILE (folded probabilities, malloc'd into *vals);
 * prints the error and returns an exit code on failure. */
int cli_read_prefs(const char *path, double **vals, size_t *count);

/* Write `t` to stdout in fmt; returns an exit code (CLI_EIO on write error). */
int cli_emit(out_table *t, out_format fmt);

/* Print `help` on stdout for --help. */
int cli_help(const char *help);

/* The effort test's options, shared by power, samplesize and compare:
 * --eta0 A --eta1 B [--alpha A]. cli_test_opt follows cli_monitor_opt's
 * return convention; cli_test_finish checks eta0 < eta1 and presence. */
typedef struct cli_testopts {
    double eta0, eta1, alpha;
    double target; /* --target (samplesize, compare) */
    long max_n;    /* --max-n, default 10^7 */
    int have_eta0, have_eta1, have_alpha, have_target;
} cli_testopts;

#define CLI_TEST_LONGOPTS                                                                          \
    {"eta0", required_argument, NULL, 1100}, {"eta1", required_argument, NULL, 1101},              \
    {                                                                                              \
        "alpha", required_argument, NULL, 1102                                                     \
    }
#define CLI_TARGET_LONGOPTS                                                                        \
    {"target", required_argument, NULL, 1103},                                                     \
    {                                                                                              \
        "max-n", required_argument, NULL, 1104                                                     \
    }
#define CLI_TARGET_HELP                                                                            \
    "  --target E                target error in (0, 1)\n"                                         \
    "  --max-n N                 search limit (default 10000000)\n"
#define CLI_TEST_HELP                                                                              \
    "  --eta0 A                  low effort (H0: eta <= A), in [0, 1)\n"                           \
    "  --eta1 B                  target effort (H1: eta >= B), in (A, 1]\n"                        \
    "  --alpha A                 threshold from level A (smallest k with P(X>=k|eta0) <= A)\n"     \
    "                            instead of the likelihood-ratio rule\n"

void cli_testopts_init(cli_testopts *t);
int cli_test_opt(cli_testopts *t, int code, const char *arg);
int cli_test_finish(const cli_testopts *t);
/* Columns / cells describing a designed test (eta0, eta1, n, rule, alpha,
 * m0, m1, k, type1, type2, error_sum, log_type1, log_type2). */
void cli_test_columns(out_table *t);
void cli_test_cells(out_table *t, const pm_test *test, const cli_testopts *o);
/* The one-row result of power / samplesize: the scheme, the test, the
 * target (with_target) and the Fisher information at eta0 and eta1. */
out_table *cli_test_table(const cli_monitor *mon, const pm_test *test, const cli_testopts *o,
                          int with_target);

/* One getopt_long loop for every command. longopts must contain the
 * command's own options plus, as used, CLI_MONITOR_LONGOPTS,
 * CLI_TEST_LONGOPTS and CLI_COMMON_LONGOPTS (--format, --help). Options the
 * shared parsers do not take go to opt(ud, code, arg), which returns 0 when
 * it took the option, an exit code on error, or -1 when it does not know
 * it. Returns 0 to go on, an exit code to stop with, or CLI_HELP_SHOWN
 * when --help was printed (the command then exits 0). Positional
 * arguments are refused. */
#define CLI_COMMON_LONGOPTS                                                                        \
    {"format", required_argument, NULL, 1200},                                                     \
    {                                                                                              \
        "help", no_argument, NULL, 1201                                                            \
    }
#define CLI_HELP_SHOWN (-1)
typedef struct cli_parser {
    const char *help;
    cli_monitor *mon;   /* NULL if the command takes no monitor options */
    cli_testopts *test; /* NULL if it takes no test options */
    out_format *fmt;
    int (*opt)(void *ud, int code, const char *arg);
    void *ud;
} cli_parser;
int cli_parse(int argc, char **argv, const struct option *longopts, const cli_parser *p);

/* Model options shared by contract and gap (src/cli/cli_model.c):
 * --utility --cost --value --u0 --wage-min --wage-max --config. Defaults
 * are the paper's main setting (pm_model_default); --config is read
 * first and explicit options override it. cli_model_opt returns 0 when it
 * took the option, an exit code on error, -1 when not its option. */
typedef struct cli_model cli_model;
cli_model *cli_model_new(void);
void cli_model_free(cli_model *cm);
int cli_model_opt(cli_model *cm, int code, const char *arg);
int cli_model_finish(cli_model *cm, pm_model *out);
void cli_model_columns(out_table *t);
void cli_model_cells(out_table *t, const pm_model *m);
#define CLI_MODEL_LONGOPTS                                                                         \
    {"utility", required_argument, NULL, 1300}, {"cost", required_argument, NULL, 1301},           \
        {"value", required_argument, NULL, 1302}, {"u0", required_argument, NULL, 1303},           \
        {"wage-min", required_argument, NULL, 1304}, {"wage-max", required_argument, NULL, 1305},  \
    {                                                                                              \
        "config", required_argument, NULL, 1306                                                    \
    }

/* Subcommands. */
int cli_power(int argc, char **argv);
int cli_samplesize(int argc, char **argv);
int cli_estimate(int argc, char **argv);
int cli_bound(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_contract(int argc, char **argv);
int cli_gap(int argc, char **argv);

#endif
