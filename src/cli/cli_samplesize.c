/* prefmon samplesize: the smallest n whose test reaches a target error. */
#include "cli.h"

static const char help[] =
    "usage: prefmon samplesize --eta0 A --eta1 B --target E [options]\n\n"
    "The smallest number n >= 1 of monitored items (duplicate pairs or gold items)\n"
    "whose test of H0: eta <= A against H1: eta >= B has error_sum = type1 + type2\n"
    "<= E (likelihood-ratio rule), or, with --alpha, type2 <= E at level alpha.\n"
    "Exact: binomial tails, and the answer is the smallest such n, not an\n"
    "approximation.\n\n"
    "options:\n" CLI_TEST_HELP CLI_TARGET_HELP CLI_MONITOR_HELP CLI_FORMAT_HELP
    "  --help                    this help\n\n"
    "Defaults: --monitor self --convention general --delta 0.02 --q0 0.5.\n"
    "Exit status 1 when no n <= max-n reaches the target.\n";

int cli_samplesize(int argc, char **argv)
{
    cli_monitor mon;
    cli_testopts to;
    cli_output out;
    cli_monitor_init(&mon, PM_CONV_GENERAL);
    cli_testopts_init(&to);
    to.need_target = 1;
    cli_output_init(&out, 0);
    const cli_group groups[] = {cli_test_group(&to), cli_monitor_group(&mon),
                                cli_output_group(&out)};
    int rc;
    if (cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc)) {
        pm_test t;
        pm_error err = {0};
        pm_test_request tr = cli_test_request(&to, &mon.scheme);
        pm_status st = pm_samplesize(&tr, to.target, to.max_n, &t, &err);
        if (st == PM_ERANGE) { /* the CLI says what it reached and how to go on */
            cli_error("no n <= %ld reaches %s <= %g (at n = %ld: type1 %.3g, type2 %.3g); raise "
                      "--max-n or relax the target",
                      to.max_n, to.have_alpha ? "type2" : "error_sum", to.target, t.n, t.type1,
                      t.type2);
            rc = CLI_EDATA;
        } else if (st != PM_OK) {
            rc = cli_fail(NULL, st, &err);
        } else {
            rc = cli_test_emit(&mon, &t, &to, 1, out.fmt);
        }
    }
    cli_monitor_free(&mon);
    return rc;
}
