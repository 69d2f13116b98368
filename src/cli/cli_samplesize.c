/* prefmon samplesize: the smallest n whose test reaches a target error. */
#include "cli.h"

static const char help[] =
    "usage: prefmon samplesize --eta0 A --eta1 B --target E [options]\n\n"
    "The smallest number n >= 1 of monitored items (duplicate pairs or gold items)\n"
    "whose test of H0: eta <= A against H1: eta >= B has error_sum = type1 + type2\n"
    "<= E (likelihood-ratio rule), or, with --alpha, type2 <= E at level alpha.\n"
    "Exact: binomial tails, and the answer is the smallest such n, not an\n"
    "approximation.\n\n"
    "options:\n" CLI_TEST_HELP "  --target E                target error in (0, 1)\n"
    "  --max-n N                 search limit (default 10000000)\n" CLI_MONITOR_HELP
    "  --format table|csv|json   output format (default table)\n"
    "  --help                    this help\n\n"
    "Defaults: --monitor self --convention general --delta 0.02 --q0 0.5.\n"
    "Exit status 1 when no n <= max-n reaches the target.\n";

typedef struct opts {
    double target;
    long max_n;
    int have_target;
} opts;

static int opt(void *ud, int code, const char *arg)
{
    opts *o = ud;
    switch (code) {
    case 't':
        o->have_target = 1;
        if (cli_double("--target", arg, 0, 1, &o->target))
            return CLI_EUSAGE;
        if (!(o->target > 0 && o->target < 1)) {
            cli_error("--target: %s must be strictly between 0 and 1", arg);
            return CLI_EUSAGE;
        }
        return 0;
    case 'm':
        return cli_long("--max-n", arg, 1, 1000000000L, &o->max_n);
    }
    return -1;
}

int cli_samplesize(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_MONITOR_LONGOPTS,
                                             CLI_TEST_LONGOPTS,
                                             CLI_COMMON_LONGOPTS,
                                             {"target", required_argument, NULL, 't'},
                                             {"max-n", required_argument, NULL, 'm'},
                                             {NULL, 0, NULL, 0}};
    cli_monitor mon;
    cli_testopts to;
    out_format fmt = OUT_TABLE;
    opts o = {.max_n = 10000000L};
    cli_monitor_init(&mon, PM_CONV_GENERAL);
    cli_testopts_init(&to);
    cli_parser p = {help, &mon, &to, &fmt, opt, &o};
    int rc = cli_parse(argc, argv, longopts, &p);
    if (rc == CLI_HELP_SHOWN)
        return CLI_OK;
    if (!rc)
        rc = cli_test_finish(&to);
    if (!rc && !o.have_target) {
        cli_error("--target is required");
        rc = CLI_EUSAGE;
    }
    if (!rc)
        rc = cli_monitor_finish(&mon, 0);
    pm_test t;
    if (!rc) {
        pm_rule rule = to.have_alpha ? PM_RULE_LEVEL : PM_RULE_LR;
        pm_status st =
            pm_samplesize(&mon.scheme, to.eta0, to.eta1, rule, to.alpha, o.target, o.max_n, &t);
        if (st == PM_ERANGE) {
            cli_error("no n <= %ld reaches %s <= %g (at n = %ld: type1 %.3g, type2 %.3g); raise "
                      "--max-n or relax the target",
                      o.max_n, to.have_alpha ? "type2" : "error_sum", o.target, t.n, t.type1,
                      t.type2);
            rc = CLI_EDATA;
        } else if (st != PM_OK) {
            cli_error("%s", pm_strerror(st));
            rc = cli_exit_for(st);
        }
    }
    if (!rc) {
        out_table *tab = out_new(1);
        cli_monitor_columns(tab);
        cli_test_columns(tab);
        out_col(tab, "target");
        out_col(tab, "fisher_info0");
        out_col(tab, "fisher_info1");
        out_row(tab);
        cli_monitor_cells(tab, &mon);
        cli_test_cells(tab, &t, &to);
        out_num(tab, o.target);
        out_num(tab, pm_scheme_fisher(&mon.scheme, to.eta0));
        out_num(tab, pm_scheme_fisher(&mon.scheme, to.eta1));
        rc = cli_emit(tab, fmt);
        out_free(tab);
    }
    cli_monitor_free(&mon);
    return rc;
}
