/* prefmon estimate: effort estimate, exact interval and p-value. */
#include "cli.h"

static const char help[] =
    "usage: prefmon estimate --n N --passes X [options]\n\n"
    "From X passes (consistent duplicate pairs, or agreements with the expert) out of\n"
    "N monitored items: the effort estimate eta_hat = m^-1(X/N), the exact two-sided\n"
    "Clopper-Pearson interval for m mapped through m^-1 (all clipped to [0, 1]), and\n"
    "p_value = P(X' >= X | eta0), the exact chance that an annotator at effort eta0\n"
    "scores at least this well.\n\n"
    "options:\n"
    "  --n N                     monitored items\n"
    "  --passes X                passes, 0..N\n"
    "  --level L                 confidence level (default 0.95)\n"
    "  --eta0 A                  effort under H0 for the p-value (default 0: random "
    "labels)\n" CLI_MONITOR_HELP CLI_FORMAT_HELP "  --help                    this help\n\n"
    "Defaults: --monitor self --convention general --delta 0.02 --q0 0.5.\n";

typedef struct opts {
    long n, x;
    double level, eta0;
    int have_n, have_x;
} opts;

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    switch (code) {
    case CLI_OPT_N:
        o->have_n = 1;
        return cli_long("--n", arg, 1, 1000000000L, &o->n);
    case CLI_OPT_PASSES:
        o->have_x = 1;
        return cli_long("--passes", arg, 0, 1000000000L, &o->x);
    case CLI_OPT_LEVEL:
        return cli_open_unit("--level", arg, &o->level);
    case CLI_OPT_ETA0:
        return cli_double("--eta0", arg, 0, 1, &o->eta0);
    }
    return CLI_NOT_MINE;
}

static int finish(void *self)
{
    const opts *o = self;
    if (!o->have_n || !o->have_x) {
        cli_error("%s is required", o->have_n ? "--passes" : "--n");
        return CLI_EUSAGE;
    }
    if (o->x > o->n) {
        cli_error("--passes %ld exceeds --n %ld", o->x, o->n);
        return CLI_EUSAGE;
    }
    return 0;
}

static out_table *table(const cli_monitor *mon, const pm_estimate *e)
{
    static const char *const cols[] = {"n",       "passes", "level",   "m_hat", "m_low", "m_high",
                                       "eta_hat", "ci_low", "ci_high", "eta0",  "m0",    "p_value"};
    out_table *tab = out_new(1);
    if (!tab)
        return NULL;
    cli_monitor_columns(tab);
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        out_col(tab, cols[i]);
    out_row(tab);
    cli_monitor_cells(tab, mon);
    out_int(tab, e->n);
    out_int(tab, e->x);
    out_num(tab, e->level);
    out_num(tab, e->m_hat);
    out_num(tab, e->m_low);
    out_num(tab, e->m_high);
    out_num(tab, e->eta_hat);
    out_num(tab, e->eta_low);
    out_num(tab, e->eta_high);
    out_num(tab, e->eta0);
    out_num(tab, pm_scheme_pass(&mon->scheme, e->eta0));
    out_num(tab, e->p_value);
    return tab;
}

int cli_estimate(int argc, char **argv)
{
    static const struct option own[] = {{"n", required_argument, NULL, CLI_OPT_N},
                                        {"passes", required_argument, NULL, CLI_OPT_PASSES},
                                        {"level", required_argument, NULL, CLI_OPT_LEVEL},
                                        {"eta0", required_argument, NULL, CLI_OPT_ETA0},
                                        {NULL, 0, NULL, 0}};
    cli_monitor mon;
    cli_output out;
    opts o = {.level = 0.95};
    cli_monitor_init(&mon, PM_CONV_GENERAL);
    cli_output_init(&out, 0);
    const cli_group groups[] = {
        {own, opt, finish, &o}, cli_monitor_group(&mon), cli_output_group(&out)};
    int rc;
    if (cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc)) {
        pm_estimate e;
        pm_error err = {0};
        pm_status st = pm_estimate_effort(&mon.scheme, o.n, o.x, o.level, o.eta0, &e, &err);
        if (st != PM_OK) {
            rc = cli_fail(NULL, st, &err);
        } else {
            out_table *tab = table(&mon, &e);
            rc = tab ? cli_emit(tab, out.fmt) : CLI_EINTERNAL;
            out_free(tab);
        }
    }
    cli_monitor_free(&mon);
    return rc;
}
