/* prefmon: the command-line client. One subcommand per pipeline stage. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "prefmon/version.h"

static const cli_command commands[] = {
    {"power", cli_power, "error rates of the effort test for n monitored items"},
    {"samplesize", cli_samplesize, "smallest n that reaches a target error"},
    {"estimate", cli_estimate, "effort estimate, exact interval and p-value from X of n"},
    {"bound", cli_bound, "lower bound on any expert test's error sum"},
    {"compare", cli_compare, "duplicate pairs vs gold items needed for one decision"},
    {"contract", cli_contract, "first-best and second-best linear / binary contracts"},
    {"gap", cli_gap, "gap to first-best against n, with the fitted rates"},
    {"plan", cli_plan, "annotation queues with hidden duplicates and gold"},
    {"assess", cli_assess, "assess every annotator of annotation logs"},
    {"pay", cli_pay, "payments and bonus uploads from an assessment and a contract"},
    {"simulate", cli_simulate, "simulated annotators label a plan: the log and the truth"},
    {"budget", cli_budget, "how many duplicates or gold items per annotator to buy"},
    {"reproduce", cli_reproduce, "the paper's three findings on preference datasets, as HTML"},
    {"report", cli_report, "the weekly HTML report of an assessment, contract and payments"},
    {"history", cli_history, "the history store: batches, an annotator's record, export, check"},
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: prefmon <command> [options]\n"
                "       prefmon <command> --help\n"
                "       prefmon help <command>\n"
                "       prefmon --version\n\n"
                "Monitor preference annotators' effort and design their pay (arXiv 2502.06387).\n\n"
                "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\nexit status: 0 ok, 1 data error (bad input, infeasible, unreachable),\n"
                "2 usage error, 3 I/O error, 4 internal error. See prefmon(1).\n");
}

/* --help and --version: written and flushed, or exit 3 (a full disk, a
 * closed stdout) like any other output. */
static int written(int ok)
{
    if (ok && fflush(stdout) == 0 && !ferror(stdout))
        return CLI_OK;
    fprintf(stderr, "prefmon: cannot write the output: %s\n", strerror(errno ? errno : EIO));
    return CLI_EIO;
}

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    return NULL;
}

static int not_a_command(const char *name)
{
    const char *names[NCOMMANDS];
    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i].name;
    const char *near = cli_suggest(name, strlen(name), names, NCOMMANDS);
    if (near)
        fprintf(stderr, "prefmon: '%s' is not a command; did you mean '%s'? see 'prefmon --help'\n",
                name, near);
    else
        fprintf(stderr, "prefmon: '%s' is not a command; see 'prefmon --help'\n", name);
    return CLI_EUSAGE;
}

/* "prefmon help CMD" is "prefmon CMD --help". */
static int help_for(int argc, char **argv)
{
    if (argc > 3) {
        fprintf(stderr, "prefmon: help: unexpected argument '%s'; use 'prefmon help COMMAND'\n",
                argv[3]);
        return CLI_EUSAGE;
    }
    const cli_command *c = find_command(argv[2]);
    if (!c)
        return not_a_command(argv[2]);
    char help[] = "--help";
    char *args[] = {argv[2], help, NULL};
    cli_cmd = c->name;
    return c->run(2, args);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        /* One line, as prefmon(1) promises; the full list is --help's. */
        fprintf(stderr, "usage: prefmon <command> [options]; see 'prefmon --help'\n");
        return CLI_EUSAGE;
    }
    if (!strcmp(argv[1], "help") && argc >= 3)
        return help_for(argc, argv);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        errno = 0;
        usage(stdout);
        return written(!ferror(stdout));
    }
    if (!strcmp(argv[1], "--version")) {
        errno = 0;
        return written(printf("prefmon %s\n", pm_version()) >= 0);
    }
    const cli_command *c = find_command(argv[1]);
    if (c) {
        cli_cmd = c->name;
        return c->run(argc - 1, argv + 1);
    }
    return not_a_command(argv[1]);
}
