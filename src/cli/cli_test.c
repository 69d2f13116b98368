/* Test group (--eta0 --eta1 --alpha --target --max-n) and the designed
 * test's output columns, shared by power, samplesize, compare and bound. */
#include <string.h>

#include "cli.h"

void cli_testopts_init(cli_testopts *t)
{
    memset(t, 0, sizeof *t);
    t->max_n = 10000000L;
}

static int test_opt(void *self, int code, const char *arg)
{
    cli_testopts *t = self;
    switch (code) {
    case CLI_OPT_ETA0:
        t->have_eta0 = 1;
        return cli_double("--eta0", arg, 0, 1, &t->eta0);
    case CLI_OPT_ETA1:
        t->have_eta1 = 1;
        return cli_double("--eta1", arg, 0, 1, &t->eta1);
    case CLI_OPT_ALPHA:
        t->have_alpha = 1;
        return cli_open_unit("--alpha", arg, &t->alpha);
    case CLI_OPT_TARGET:
        t->have_target = 1;
        return cli_open_unit("--target", arg, &t->target);
    case CLI_OPT_MAX_N:
        return cli_long("--max-n", arg, 1, 1000000000L, &t->max_n);
    }
    return CLI_NOT_MINE;
}

static int test_finish(void *self)
{
    const cli_testopts *t = self;
    if (t->no_alpha && t->have_alpha) {
        cli_error("--alpha: not an option of this command");
        return CLI_EUSAGE;
    }
    if (!t->have_eta0 || !t->have_eta1) {
        cli_error("%s is required", t->have_eta0 ? "--eta1" : "--eta0");
        return CLI_EUSAGE;
    }
    if (!(t->eta0 < t->eta1)) {
        cli_error("--eta0 %g must be below --eta1 %g", t->eta0, t->eta1);
        return CLI_EUSAGE;
    }
    if (t->need_target && !t->have_target) {
        cli_error("--target is required");
        return CLI_EUSAGE;
    }
    return 0;
}

cli_group cli_test_group(cli_testopts *t)
{
    /* --target and --max-n only where a target is needed. */
    static const struct option longopts[] = {{"eta0", required_argument, NULL, CLI_OPT_ETA0},
                                             {"eta1", required_argument, NULL, CLI_OPT_ETA1},
                                             {"alpha", required_argument, NULL, CLI_OPT_ALPHA},
                                             {"target", required_argument, NULL, CLI_OPT_TARGET},
                                             {"max-n", required_argument, NULL, CLI_OPT_MAX_N},
                                             {NULL, 0, NULL, 0}};
    static const struct option no_target[] = {{"eta0", required_argument, NULL, CLI_OPT_ETA0},
                                              {"eta1", required_argument, NULL, CLI_OPT_ETA1},
                                              {"alpha", required_argument, NULL, CLI_OPT_ALPHA},
                                              {NULL, 0, NULL, 0}};
    return (cli_group){t->need_target ? longopts : no_target, test_opt, test_finish, t};
}

static void test_columns(out_table *t)
{
    static const char *const cols[] = {"eta0",      "eta1",      "n",        "rule",  "alpha",
                                       "m0",        "m1",        "k",        "type1", "type2",
                                       "error_sum", "log_type1", "log_type2"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        out_col(t, cols[i]);
}

static void test_cells(out_table *t, const pm_test *test, const cli_testopts *o)
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

pm_rule cli_test_rule(const cli_testopts *o)
{
    return o->have_alpha ? PM_RULE_LEVEL : PM_RULE_LR;
}

pm_test_request cli_test_request(const cli_testopts *o, const pm_scheme *sc)
{
    pm_test_request r = pm_test_request_lr(sc, o->eta0, o->eta1);
    r.rule = cli_test_rule(o);
    r.alpha = o->alpha;
    return r;
}

static out_table *test_table(const cli_monitor *mon, const pm_test *test, const cli_testopts *o,
                             int with_target)
{
    out_table *tab = out_new(1);
    if (!tab)
        return NULL;
    cli_monitor_columns(tab);
    test_columns(tab);
    if (with_target)
        out_col(tab, "target");
    out_col(tab, "fisher_info0");
    out_col(tab, "fisher_info1");
    out_row(tab);
    cli_monitor_cells(tab, mon);
    test_cells(tab, test, o);
    if (with_target)
        out_num(tab, o->target);
    cli_num_finite(tab, pm_scheme_fisher(&mon->scheme, o->eta0));
    cli_num_finite(tab, pm_scheme_fisher(&mon->scheme, o->eta1));
    return tab;
}

int cli_test_emit(const cli_monitor *mon, const pm_test *test, const cli_testopts *o,
                  int with_target, out_format fmt)
{
    out_table *tab = test_table(mon, test, o, with_target);
    int rc = tab ? cli_emit(tab, fmt) : CLI_EINTERNAL;
    out_free(tab);
    return rc;
}
