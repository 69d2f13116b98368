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
    "labels)\n" CLI_MONITOR_HELP "  --format table|csv|json   output format (default table)\n"
    "  --help                    this help\n\n"
    "Defaults: --monitor self --convention general --delta 0.02 --q0 0.5.\n";

typedef struct opts {
    long n, x;
    double level, eta0;
    int have_n, have_x;
} opts;

static int opt(void *ud, int code, const char *arg)
{
    opts *o = ud;
    switch (code) {
    case 'n':
        o->have_n = 1;
        return cli_long("--n", arg, 1, 1000000000L, &o->n);
    case 'x':
        o->have_x = 1;
        return cli_long("--passes", arg, 0, 1000000000L, &o->x);
    case 'l':
        if (cli_double("--level", arg, 0, 1, &o->level))
            return CLI_EUSAGE;
        if (!(o->level > 0 && o->level < 1)) {
            cli_error("--level: %s must be strictly between 0 and 1", arg);
            return CLI_EUSAGE;
        }
        return 0;
    case 'e':
        return cli_double("--eta0", arg, 0, 1, &o->eta0);
    }
    return -1;
}

int cli_estimate(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_MONITOR_LONGOPTS,
                                             CLI_COMMON_LONGOPTS,
                                             {"n", required_argument, NULL, 'n'},
                                             {"passes", required_argument, NULL, 'x'},
                                             {"level", required_argument, NULL, 'l'},
                                             {"eta0", required_argument, NULL, 'e'},
                                             {NULL, 0, NULL, 0}};
    cli_monitor mon;
    out_format fmt = OUT_TABLE;
    opts o = {.level = 0.95};
    cli_monitor_init(&mon, PM_CONV_GENERAL);
    cli_parser p = {help, &mon, NULL, &fmt, opt, &o};
    int rc = cli_parse(argc, argv, longopts, &p);
    if (rc == CLI_HELP_SHOWN)
        return CLI_OK;
    if (!rc && (!o.have_n || !o.have_x)) {
        cli_error("%s is required", o.have_n ? "--passes" : "--n");
        rc = CLI_EUSAGE;
    }
    if (!rc && o.x > o.n) {
        cli_error("--passes %ld exceeds --n %ld", o.x, o.n);
        rc = CLI_EUSAGE;
    }
    if (!rc)
        rc = cli_monitor_finish(&mon, 0);
    pm_estimate e;
    if (!rc) {
        pm_status st = pm_estimate_effort(&mon.scheme, o.n, o.x, o.level, o.eta0, &e, NULL);
        if (st != PM_OK) {
            cli_error("%s", pm_strerror(st));
            rc = cli_exit_for(st);
        }
    }
    if (!rc) {
        static const char *const cols[] = {"n",       "passes", "level",   "m_hat",
                                           "m_low",   "m_high", "eta_hat", "ci_low",
                                           "ci_high", "eta0",   "m0",      "p_value"};
        out_table *tab = out_new(1);
        cli_monitor_columns(tab);
        for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
            out_col(tab, cols[i]);
        out_row(tab);
        cli_monitor_cells(tab, &mon);
        out_int(tab, e.n);
        out_int(tab, e.x);
        out_num(tab, e.level);
        out_num(tab, e.m_hat);
        out_num(tab, e.m_low);
        out_num(tab, e.m_high);
        out_num(tab, e.eta_hat);
        out_num(tab, e.eta_low);
        out_num(tab, e.eta_high);
        out_num(tab, e.eta0);
        out_num(tab, pm_scheme_pass(&mon.scheme, e.eta0));
        out_num(tab, e.p_value);
        rc = cli_emit(tab, fmt);
        out_free(tab);
    }
    cli_monitor_free(&mon);
    return rc;
}
