/* The effort-test options and output columns shared by several commands. */
#include <string.h>

#include "cli.h"

void cli_testopts_init(cli_testopts *t)
{
    memset(t, 0, sizeof *t);
    t->max_n = 10000000L;
}

int cli_test_opt(cli_testopts *t, int code, const char *arg)
{
    int rc;
    switch (code) {
    case 1100:
        t->have_eta0 = 1;
        rc = cli_double("--eta0", arg, 0, 1, &t->eta0);
        break;
    case 1101:
        t->have_eta1 = 1;
        rc = cli_double("--eta1", arg, 0, 1, &t->eta1);
        break;
    case 1102:
        t->have_alpha = 1;
        rc = cli_double("--alpha", arg, 0, 1, &t->alpha);
        if (!rc && !(t->alpha > 0 && t->alpha < 1)) {
            cli_error("--alpha: %s must be strictly between 0 and 1", arg);
            rc = CLI_EUSAGE;
        }
        break;
    case 1103:
        t->have_target = 1;
        rc = cli_double("--target", arg, 0, 1, &t->target);
        if (!rc && !(t->target > 0 && t->target < 1)) {
            cli_error("--target: %s must be strictly between 0 and 1", arg);
            rc = CLI_EUSAGE;
        }
        break;
    case 1104:
        rc = cli_long("--max-n", arg, 1, 1000000000L, &t->max_n);
        break;
    default:
        return 0;
    }
    return rc ? -rc : 1;
}

int cli_test_finish(const cli_testopts *t)
{
    if (!t->have_eta0 || !t->have_eta1) {
        cli_error("%s is required", t->have_eta0 ? "--eta1" : "--eta0");
        return CLI_EUSAGE;
    }
    if (!(t->eta0 < t->eta1)) {
        cli_error("--eta0 %g must be below --eta1 %g", t->eta0, t->eta1);
        return CLI_EUSAGE;
    }
    return 0;
}

void cli_test_columns(out_table *t)
{
    static const char *const cols[] = {"eta0",      "eta1",      "n",        "rule",  "alpha",
                                       "m0",        "m1",        "k",        "type1", "type2",
                                       "error_sum", "log_type1", "log_type2"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        out_col(t, cols[i]);
}

void cli_test_cells(out_table *t, const pm_test *test, const cli_testopts *o)
{
    out_num(t, test->eta0);
    out_num(t, test->eta1);
    out_int(t, test->n);
    out_str(t, o->have_alpha ? "level" : "lr");
    if (o->have_alpha)
        out_num(t, o->alpha);
    else
        out_null(t);
    out_num(t, test->m0);
    out_num(t, test->m1);
    out_int(t, test->k);
    out_num(t, test->type1);
    out_num(t, test->type2);
    out_num(t, test->error_sum);
    out_num(t, test->log_type1);
    out_num(t, test->log_type2);
}

out_table *cli_test_table(const cli_monitor *mon, const pm_test *test, const cli_testopts *o,
                          int with_target)
{
    out_table *tab = out_new(1);
    if (!tab)
        return NULL;
    cli_monitor_columns(tab);
    cli_test_columns(tab);
    if (with_target)
        out_col(tab, "target");
    out_col(tab, "fisher_info0");
    out_col(tab, "fisher_info1");
    out_row(tab);
    cli_monitor_cells(tab, mon);
    cli_test_cells(tab, test, o);
    if (with_target)
        out_num(tab, o->target);
    out_num(tab, pm_scheme_fisher(&mon->scheme, o->eta0));
    out_num(tab, pm_scheme_fisher(&mon->scheme, o->eta1));
    return tab;
}
