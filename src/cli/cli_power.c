/* prefmon power: exact error rates of the effort test for n monitored items. */
#include "cli.h"

static const char help[] =
    "usage: prefmon power --eta0 A --eta1 B --n N [options]\n\n"
    "Exact type I / type II errors of the test 'diligent iff X >= k' of H0: eta <= A\n"
    "against H1: eta >= B, X ~ Bin(N, m(eta)) passes among N monitored items (duplicate\n"
    "pairs for self-consistency, gold items for expert monitoring). k comes from the\n"
    "likelihood-ratio rule (diligent iff P(X|m(B)) >= P(X|m(A))) unless --alpha.\n\n"
    "options:\n" CLI_TEST_HELP
    "  --n N                     monitored items per annotator\n" CLI_MONITOR_HELP
    "  --format table|csv|json   output format (default table)\n"
    "  --help                    this help\n\n"
    "Defaults: --monitor self --convention general --delta 0.02 --q0 0.5.\n"
    "Output: monitor, convention, delta, q0, cbar, c, eta0, eta1, n, rule, alpha, m0, m1,\n"
    "k, type1, type2, error_sum, log_type1, log_type2, fisher_info0, fisher_info1.\n";

static int opt(void *ud, int code, const char *arg)
{
    long *n = ud;
    if (code != 'n')
        return -1;
    return cli_long("--n", arg, 1, 1000000000L, n);
}

int cli_power(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_MONITOR_LONGOPTS,
                                             CLI_TEST_LONGOPTS,
                                             CLI_COMMON_LONGOPTS,
                                             {"n", required_argument, NULL, 'n'},
                                             {NULL, 0, NULL, 0}};
    cli_monitor mon;
    cli_testopts to;
    out_format fmt = OUT_TABLE;
    long n = 0;
    cli_monitor_init(&mon, PM_CONV_GENERAL);
    cli_testopts_init(&to);
    cli_parser p = {help, &mon, &to, &fmt, opt, &n};
    int rc = cli_parse(argc, argv, longopts, &p);
    if (rc == CLI_HELP_SHOWN)
        return CLI_OK;
    if (!rc)
        rc = cli_test_finish(&to);
    if (!rc && n == 0) {
        cli_error("--n is required");
        rc = CLI_EUSAGE;
    }
    if (!rc)
        rc = cli_monitor_finish(&mon, 0);
    pm_test t;
    if (!rc) {
        pm_status st =
            pm_test_design(&mon.scheme, to.eta0, to.eta1, n,
                           to.have_alpha ? PM_RULE_LEVEL : PM_RULE_LR, to.alpha, &t, NULL);
        if (st != PM_OK) {
            cli_error("%s", pm_strerror(st));
            rc = cli_exit_for(st);
        }
    }
    if (!rc) {
        out_table *tab = cli_test_table(&mon, &t, &to, 0);
        rc = tab ? cli_emit(tab, fmt) : CLI_EINTERNAL;
        out_free(tab);
    }
    cli_monitor_free(&mon);
    return rc;
}
