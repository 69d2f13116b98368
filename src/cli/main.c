/* prefmon: the command-line client. One subcommand per pipeline stage. */
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
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: prefmon <command> [options]\n"
                "       prefmon <command> --help\n"
                "       prefmon --version\n\n"
                "Monitor preference annotators' effort and design their pay (arXiv 2502.06387).\n\n"
                "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\nexit status: 0 ok, 1 data error (bad input, infeasible, unreachable),\n"
                "2 usage error, 3 I/O error, 4 internal error. See prefmon(1).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EUSAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("prefmon %s\n", pm_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(argv[1], commands[i].name)) {
            cli_cmd = commands[i].name;
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "prefmon: '%s' is not a command; see 'prefmon --help'\n", argv[1]);
    return CLI_EUSAGE;
}
