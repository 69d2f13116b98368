/* prefmon samplesize: the smallest n whose test reaches a target error. */
#include "cli.h"

static const char help[] =
    "usage: prefmon samplesize --eta0 A --eta1 B --target E [options]\n\n"
    "The smallest number n >= 1 of monitored items (duplicate pairs or gold items)\n"
    "whose test of H0: eta <= A against H1: eta >= B has error_sum = type1 + type2\n"
    "<= E (likelihood-ratio rule), or, with --alpha, type2 <= E at level alpha.\n"
    "Exact: binomial tails, and the answer is the smallest such n, not an\n"
    "approximation.\n\n"
    "options:\n" CLI_TEST_HELP CLI_TARGET_HELP CLI_MONITOR_HELP
    "  --format table|csv|json   output format (default table)\n"
    "  --help                    this help\n\n"
    "Defaults: --monitor self --convention general --delta 0.02 --q0 0.5.\n"
    "Exit status 1 when no n <= max-n reaches the target.\n";

int cli_samplesize(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_MONITOR_LONGOPTS,
                                             CLI_TEST_LONGOPTS,
                                             CLI_TARGET_LONGOPTS,
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    cli_monitor mon;
    cli_testopts to;
    out_format fmt = OUT_TABLE;
    cli_monitor_init(&mon, PM_CONV_GENERAL);
    cli_testopts_init(&to);
    cli_parser p = {help, &mon, &to, &fmt, NULL, NULL};
    int rc = cli_parse(argc, argv, longopts, &p);
    if (rc == CLI_HELP_SHOWN)
        return CLI_OK;
    if (!rc)
        rc = cli_test_finish(&to);
    if (!rc && !to.have_target) {
        cli_error("--target is required");
        rc = CLI_EUSAGE;
    }
    if (!rc)
        rc = cli_monitor_finish(&mon, 0);
    pm_test t;
    if (!rc) {
        pm_rule rule = to.have_alpha ? PM_RULE_LEVEL : PM_RULE_LR;
        pm_status st = pm_samplesize(&mon.scheme, to.eta0, to.eta1, rule, to.alpha, to.target,
                                     to.max_n, &t, NULL);
        if (st == PM_ERANGE) {
            cli_error("no n <= %ld reaches %s <= %g (at n = %ld: type1 %.3g, type2 %.3g); raise "
                      "--max-n or relax the target",
                      to.max_n, to.have_alpha ? "type2" : "error_sum", to.target, t.n, t.type1,
                      t.type2);
            rc = CLI_EDATA;
        } else if (st != PM_OK) {
            cli_error("%s", pm_strerror(st));
            rc = cli_exit_for(st);
        }
    }
    if (!rc) {
        out_table *tab = cli_test_table(&mon, &t, &to, 1);
        rc = tab ? cli_emit(tab, fmt) : CLI_EINTERNAL;
        out_free(tab);
    }
    cli_monitor_free(&mon);
    return rc;
}
