/* prefmon power: exact error rates of the effort test for n monitored items. */
#include "cli.h"

static const char help[] =
    "usage: prefmon power --eta0 A --eta1 B --n N [options]\n\n"
    "Exact type I / type II errors of the test 'diligent iff X >= k' of H0: eta <= A\n"
    "against H1: eta >= B, X ~ Bin(N, m(eta)) passes among N monitored items (duplicate\n"
    "pairs for self-consistency, gold items for expert monitoring). k comes from the\n"
    "likelihood-ratio rule (diligent iff P(X|m(B)) >= P(X|m(A))) unless --alpha.\n\n"
    "options:\n" CLI_TEST_HELP
    "  --n N                     monitored items per annotator\n" CLI_MONITOR_HELP CLI_FORMAT_HELP
    "  --help                    this help\n\n"
    "Defaults: --monitor self --convention general --delta 0.02 --q0 0.5.\n"
    "Output: monitor, convention, delta, q0, cbar, c, eta0, eta1, n, rule, alpha, m0, m1,\n"
    "k, type1, type2, error_sum, log_type1, log_type2, fisher_info0, fisher_info1.\n";

static int n_opt(void *self, int code, const char *arg)
{
    return code == CLI_OPT_N ? cli_long("--n", arg, 1, 1000000000L, self) : CLI_NOT_MINE;
}

static int n_finish(void *self)
{
    if (*(long *)self == 0) {
        cli_error("--n is required");
        return CLI_EUSAGE;
    }
    return 0;
}

int cli_power(int argc, char **argv)
{
    static const struct option own[] = {{"n", required_argument, NULL, CLI_OPT_N},
                                        {NULL, 0, NULL, 0}};
    cli_monitor mon;
    cli_testopts to;
    cli_output out;
    long n = 0;
    cli_monitor_init(&mon, PM_CONV_GENERAL);
    cli_testopts_init(&to);
    cli_output_init(&out, 0);
    const cli_group groups[] = {cli_test_group(&to),
                                {own, n_opt, n_finish, &n},
                                cli_monitor_group(&mon),
                                cli_output_group(&out)};
    int rc;
    if (cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc)) {
        pm_test t;
        pm_error err = {0};
        pm_test_request tr = cli_test_request(&to, &mon.scheme);
        pm_status st = pm_test_design(&tr, n, &t, &err);
        if (st != PM_OK) {
            rc = cli_fail(NULL, st, &err);
        } else {
            rc = cli_test_emit(&mon, &t, &to, 0, out.fmt);
        }
    }
    cli_monitor_free(&mon);
    return rc;
}
