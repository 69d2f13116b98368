/* The one option loop of every command (see cli_parse in cli.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_print(const char *s)
{
    if (fputs(s, stdout) == EOF || fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("cannot write the output: %s", strerror(errno));
        return CLI_EIO;
    }
    return CLI_OK;
}

/* Every option's name by its code, across all commands: an option of
 * another command is not a typo (estimate --eta1 must not be offered
 * --eta0). all_longopts checks each command's table against it. */
static const char *const opt_names[CLI_OPT_END - CLI_OPT_FIRST] = {
    [CLI_OPT_MONITOR - CLI_OPT_FIRST] = "monitor",
    [CLI_OPT_DELTA - CLI_OPT_FIRST] = "delta",
    [CLI_OPT_Q0 - CLI_OPT_FIRST] = "q0",
    [CLI_OPT_CONVENTION - CLI_OPT_FIRST] = "convention",
    [CLI_OPT_CBAR - CLI_OPT_FIRST] = "cbar",
    [CLI_OPT_PREF_SCORES - CLI_OPT_FIRST] = "pref-scores",
    [CLI_OPT_ETA0 - CLI_OPT_FIRST] = "eta0",
    [CLI_OPT_ETA1 - CLI_OPT_FIRST] = "eta1",
    [CLI_OPT_ALPHA - CLI_OPT_FIRST] = "alpha",
    [CLI_OPT_TARGET - CLI_OPT_FIRST] = "target",
    [CLI_OPT_MAX_N - CLI_OPT_FIRST] = "max-n",
    [CLI_OPT_UTILITY - CLI_OPT_FIRST] = "utility",
    [CLI_OPT_COST - CLI_OPT_FIRST] = "cost",
    [CLI_OPT_VALUE - CLI_OPT_FIRST] = "value",
    [CLI_OPT_U0 - CLI_OPT_FIRST] = "u0",
    [CLI_OPT_WAGE_MIN - CLI_OPT_FIRST] = "wage-min",
    [CLI_OPT_WAGE_MAX - CLI_OPT_FIRST] = "wage-max",
    [CLI_OPT_CONFIG - CLI_OPT_FIRST] = "config",
    [CLI_OPT_INPUT_FORMAT - CLI_OPT_FIRST] = "input-format",
    [CLI_OPT_GOLD - CLI_OPT_FIRST] = "gold",
    [CLI_OPT_ITEM_FIELD - CLI_OPT_FIRST] = "item-field",
    [CLI_OPT_LABEL_FIELD - CLI_OPT_FIRST] = "label-field",
    [CLI_OPT_MAP - CLI_OPT_FIRST] = "map",
    [CLI_OPT_FORMAT - CLI_OPT_FIRST] = "format",
    [CLI_OPT_OUT - CLI_OPT_FIRST] = "out",
    [CLI_OPT_WIDE - CLI_OPT_FIRST] = "wide",
    [CLI_OPT_COLUMNS - CLI_OPT_FIRST] = "columns",
    [CLI_OPT_HELP - CLI_OPT_FIRST] = "help",
    [CLI_OPT_N - CLI_OPT_FIRST] = "n",
    [CLI_OPT_N_RANGE - CLI_OPT_FIRST] = "n-range",
    [CLI_OPT_PASSES - CLI_OPT_FIRST] = "passes",
    [CLI_OPT_LEVEL - CLI_OPT_FIRST] = "level",
    [CLI_OPT_TYPE - CLI_OPT_FIRST] = "type",
    [CLI_OPT_SOLVE - CLI_OPT_FIRST] = "solve",
    [CLI_OPT_GRID - CLI_OPT_FIRST] = "grid",
    [CLI_OPT_ITEMS - CLI_OPT_FIRST] = "items",
    [CLI_OPT_ANNOTATORS - CLI_OPT_FIRST] = "annotators",
    [CLI_OPT_ANNOTATOR_NAMES - CLI_OPT_FIRST] = "annotator-names",
    [CLI_OPT_QUEUE_LENGTH - CLI_OPT_FIRST] = "queue-length",
    [CLI_OPT_DUP_RATE - CLI_OPT_FIRST] = "dup-rate",
    [CLI_OPT_DUP_COUNT - CLI_OPT_FIRST] = "dup-count",
    [CLI_OPT_MIN_GAP - CLI_OPT_FIRST] = "min-gap",
    [CLI_OPT_GOLD_RATE - CLI_OPT_FIRST] = "gold-rate",
    [CLI_OPT_SEED - CLI_OPT_FIRST] = "seed",
    [CLI_OPT_MANIFEST - CLI_OPT_FIRST] = "manifest",
    [CLI_OPT_SUMMARY - CLI_OPT_FIRST] = "summary",
    [CLI_OPT_ASSESSMENT - CLI_OPT_FIRST] = "assessment",
    [CLI_OPT_CONTRACT - CLI_OPT_FIRST] = "contract",
    [CLI_OPT_UNIT - CLI_OPT_FIRST] = "unit",
    [CLI_OPT_CURRENCY - CLI_OPT_FIRST] = "currency",
    [CLI_OPT_PAID - CLI_OPT_FIRST] = "paid",
    [CLI_OPT_STRICT_N - CLI_OPT_FIRST] = "strict-n",
    [CLI_OPT_UPLOAD - CLI_OPT_FIRST] = "upload",
    [CLI_OPT_UPLOAD_OUT - CLI_OPT_FIRST] = "upload-out",
    [CLI_OPT_ASSIGNMENTS - CLI_OPT_FIRST] = "assignments",
    [CLI_OPT_REASON - CLI_OPT_FIRST] = "reason",
    [CLI_OPT_TITLE - CLI_OPT_FIRST] = "title",
    [CLI_OPT_MAX_ERROR - CLI_OPT_FIRST] = "max-error",
    [CLI_OPT_MIN_DURATION - CLI_OPT_FIRST] = "min-duration",
    [CLI_OPT_FAST_RATIO - CLI_OPT_FIRST] = "fast-ratio",
    [CLI_OPT_FLAG_ALPHA - CLI_OPT_FIRST] = "flag-alpha",
    [CLI_OPT_MAX_MEMORY - CLI_OPT_FIRST] = "max-memory",
    [CLI_OPT_DROP_IDENTICAL - CLI_OPT_FIRST] = "drop-identical",
    [CLI_OPT_SEQUENTIAL - CLI_OPT_FIRST] = "sequential",
    [CLI_OPT_ALPHA_PASS - CLI_OPT_FIRST] = "alpha-pass",
    [CLI_OPT_ALPHA_FAIL - CLI_OPT_FIRST] = "alpha-fail",
    [CLI_OPT_HORIZON - CLI_OPT_FIRST] = "horizon",
    [CLI_OPT_PER_LOOK - CLI_OPT_FIRST] = "per-look",
    [CLI_OPT_HISTORY - CLI_OPT_FIRST] = "history",
    [CLI_OPT_PAIRS - CLI_OPT_FIRST] = "pairs",
    [CLI_OPT_ETA - CLI_OPT_FIRST] = "eta",
    [CLI_OPT_SPAMMER_SHARE - CLI_OPT_FIRST] = "spammer-share",
    [CLI_OPT_LONGER_SHARE - CLI_OPT_FIRST] = "longer-share",
    [CLI_OPT_LEFT_SHARE - CLI_OPT_FIRST] = "left-share",
    [CLI_OPT_GOLD_ITEMS - CLI_OPT_FIRST] = "gold-items",
    [CLI_OPT_LOG_FORMAT - CLI_OPT_FIRST] = "log-format",
    [CLI_OPT_TRUTH_OUT - CLI_OPT_FIRST] = "truth-out",
    [CLI_OPT_GOLD_OUT - CLI_OPT_FIRST] = "gold-out",
    [CLI_OPT_SHOW - CLI_OPT_FIRST] = "show",
    [CLI_OPT_HTML - CLI_OPT_FIRST] = "html",
    [CLI_OPT_DUP_COST - CLI_OPT_FIRST] = "dup-cost",
    [CLI_OPT_GOLD_COST - CLI_OPT_FIRST] = "gold-cost",
    [CLI_OPT_LABEL_PAY - CLI_OPT_FIRST] = "label-pay",
    [CLI_OPT_CURVE_OUT - CLI_OPT_FIRST] = "curve-out",
    [CLI_OPT_DATASET - CLI_OPT_FIRST] = "dataset",
    [CLI_OPT_CALIBRATE - CLI_OPT_FIRST] = "calibrate",
    [CLI_OPT_BINS - CLI_OPT_FIRST] = "bins",
    [CLI_OPT_TABLE - CLI_OPT_FIRST] = "table",
    [CLI_OPT_TABLES_OUT - CLI_OPT_FIRST] = "tables-out",
    [CLI_OPT_GAP_N_MAX - CLI_OPT_FIRST] = "gap-n-max",
    [CLI_OPT_SETTINGS - CLI_OPT_FIRST] = "settings",
    [CLI_OPT_ASSESS - CLI_OPT_FIRST] = "assess",
    [CLI_OPT_PAYMENTS - CLI_OPT_FIRST] = "payments",
    [CLI_OPT_GAP_N - CLI_OPT_FIRST] = "gap-n",
    [CLI_OPT_PLAN_MANIFEST - CLI_OPT_FIRST] = "plan-manifest",
    [CLI_OPT_THRESHOLD_RULE - CLI_OPT_FIRST] = "threshold-rule",
    [CLI_OPT_PARTIAL_BASE - CLI_OPT_FIRST] = "partial-base",
    [CLI_OPT_PAY_FLAGGED - CLI_OPT_FIRST] = "pay-flagged",
    [CLI_OPT_RELEASE - CLI_OPT_FIRST] = "release",
    [CLI_OPT_MIN_HOURLY - CLI_OPT_FIRST] = "min-hourly",
    [CLI_OPT_STRICT - CLI_OPT_FIRST] = "strict",
    [CLI_OPT_PAID_FROM - CLI_OPT_FIRST] = "paid-from",
    [CLI_OPT_BATCH - CLI_OPT_FIRST] = "batch",
    [CLI_OPT_REPLACE - CLI_OPT_FIRST] = "replace",
    [CLI_OPT_DRY_RUN - CLI_OPT_FIRST] = "dry-run",
    [CLI_OPT_NEW_DELTA - CLI_OPT_FIRST] = "new-delta",
    [CLI_OPT_BLOCK_OUT - CLI_OPT_FIRST] = "block-out",
    [CLI_OPT_BLOCK_FORMAT - CLI_OPT_FIRST] = "block-format",
    [CLI_OPT_REVIEW_OUT - CLI_OPT_FIRST] = "review-out",
    [CLI_OPT_THREADS - CLI_OPT_FIRST] = "threads",
};

/* The groups' long options, one after another, and --help. */
static struct option *all_longopts(const cli_group *groups, size_t ngroups)
{
    static const struct option help = {"help", no_argument, NULL, CLI_OPT_HELP};
    size_t n = 1;
    for (size_t g = 0; g < ngroups; g++)
        for (const struct option *o = groups[g].longopts; o && o->name; o++)
            n++;
    struct option *all = calloc(n + 1, sizeof *all);
    if (!all)
        return NULL;
    size_t i = 0;
    for (size_t g = 0; g < ngroups; g++)
        for (const struct option *o = groups[g].longopts; o && o->name; o++) {
            if (o->val < CLI_OPT_FIRST || o->val >= CLI_OPT_END ||
                !opt_names[o->val - CLI_OPT_FIRST] ||
                strcmp(opt_names[o->val - CLI_OPT_FIRST], o->name) != 0) {
                /* A new option not in opt_names, or a renamed one. */
                cli_error("internal error: option --%s is not in cli_parse.c's opt_names", o->name);
                free(all);
                return NULL;
            }
            all[i++] = *o;
        }
    all[i] = help; /* calloc'd: all[n] is the terminator */
    return all;
}

/* Name of the option with this code, for "given twice". */
static const char *opt_name(const struct option *all, int code)
{
    for (; all->name; all++)
        if (all->val == code)
            return all->name;
    return "?";
}

/* Levenshtein distance of a[0..na) and b (insert, delete, substitute: 1
 * each), by one row; names are short, longer ones are never close. */
static size_t edit_distance(const char *a, size_t na, const char *b)
{
    size_t nb = strlen(b), row[64];
    if (na >= 64 || nb >= 64)
        return (size_t)-1;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

const char *cli_suggest(const char *given, size_t len, const char *const *names, size_t count)
{
    /* Close enough to be a typo: one edit in a short name, two in a
     * medium one, three in a long one. */
    size_t limit = len <= 4 ? 1 : len <= 9 ? 2 : 3, best = limit + 1;
    const char *pick = NULL;
    for (size_t i = 0; i < count; i++) {
        size_t d = edit_distance(given, len, names[i]);
        if (d < best) {
            best = d;
            pick = names[i];
        }
    }
    return pick;
}

static int known_elsewhere(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof opt_names / sizeof *opt_names; i++)
        if (opt_names[i] && strlen(opt_names[i]) == len && !strncmp(opt_names[i], name, len))
            return 1;
    return 0;
}

/* The closest of the command's long options to an unknown "--name[=value]",
 * or NULL. */
static const char *suggest_option(const struct option *all, const char *arg)
{
    if (strncmp(arg, "--", 2) != 0)
        return NULL;
    arg += 2;
    size_t len = strcspn(arg, "="), count = 0;
    if (known_elsewhere(arg, len))
        return NULL;
    for (const struct option *o = all; o->name; o++)
        count++;
    const char **names = malloc((count + 1) * sizeof *names);
    if (!names)
        return NULL;
    for (size_t i = 0; i < count; i++)
        names[i] = all[i].name;
    const char *pick = cli_suggest(arg, len, names, count);
    free(names);
    return pick;
}

/* One getopt_long result: 0 go on, or an exit code (-1 for --help shown). */
static int dispatch(const cli_group *groups, size_t ngroups, int code, const char *arg,
                    const char *given)
{
    for (size_t g = 0; g < ngroups; g++) {
        int r = groups[g].opt(groups[g].self, code, arg);
        if (r != CLI_NOT_MINE)
            return r;
    }
    cli_error("%s: not an option of this command", given);
    return CLI_EUSAGE;
}

/* first: where the operands start, or NULL when the command takes none. */
static int loop(int argc, char **argv, const char *help, const cli_group *groups, size_t ngroups,
                const struct option *all, int *first)
{
    unsigned char seen[CLI_OPT_END - CLI_OPT_FIRST] = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", all, NULL)) != -1) {
        if (c == ':') {
            cli_error("%s: missing value; see 'prefmon %s --help'", argv[optind - 1], cli_cmd);
            return CLI_EUSAGE;
        }
        if (c == '?') {
            const char *near = suggest_option(all, argv[optind - 1]);
            if (near)
                cli_error("%s: unknown option; did you mean --%s? see 'prefmon %s --help'",
                          argv[optind - 1], near, cli_cmd);
            else
                cli_error("%s: unknown option; see 'prefmon %s --help'", argv[optind - 1], cli_cmd);
            return CLI_EUSAGE;
        }
        if (c == CLI_OPT_HELP) {
            int rc = cli_print(help);
            return rc ? rc : -1;
        }
        if (c >= CLI_OPT_FIRST && c < CLI_OPT_END && seen[c - CLI_OPT_FIRST]++) {
            /* Keeping the last (or the first) would silently drop one. */
            cli_error("--%s given twice", opt_name(all, c));
            return CLI_EUSAGE;
        }
        int r = dispatch(groups, ngroups, c, optarg, argv[optind - 1]);
        if (r)
            return r;
    }
    if (first)
        *first = optind;
    else if (optind < argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return CLI_EUSAGE;
    }
    return 0;
}

static int parse(int argc, char **argv, const char *help, const cli_group *groups, size_t ngroups,
                 int *first, int *rc)
{
    struct option *all = all_longopts(groups, ngroups);
    if (!all) {
        *rc = CLI_EINTERNAL;
        return 0;
    }
    int r = loop(argc, argv, help, groups, ngroups, all, first);
    free(all);
    for (size_t g = 0; !r && g < ngroups; g++)
        if (groups[g].finish)
            r = groups[g].finish(groups[g].self);
    *rc = r < 0 ? CLI_OK : r;
    return r == 0;
}

int cli_parse(int argc, char **argv, const char *help, const cli_group *groups, size_t ngroups,
              int *rc)
{
    return parse(argc, argv, help, groups, ngroups, NULL, rc);
}

int cli_parse_operands(int argc, char **argv, const char *help, const cli_group *groups,
                       size_t ngroups, int *first, int *rc)
{
    return parse(argc, argv, help, groups, ngroups, first, rc);
}
