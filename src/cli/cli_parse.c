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
        for (const struct option *o = groups[g].longopts; o && o->name; o++)
            all[i++] = *o;
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

/* The closest of the command's long options to an unknown "--name[=value]",
 * or NULL. */
static const char *suggest_option(const struct option *all, const char *arg)
{
    if (strncmp(arg, "--", 2) != 0)
        return NULL;
    arg += 2;
    size_t len = strcspn(arg, "="), count = 0;
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
