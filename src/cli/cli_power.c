/* prefmon power: exact error rates of the effort test for n monitored items,
 * or (--sequential) of the sequential test against the naive weekly one. */
#include <math.h>

#include "cli.h"
#include "prefmon/seq.h"

static const char help[] =
    "usage: prefmon power --eta0 A --eta1 B --n N [options]\n"
    "       prefmon power --sequential [--eta0 A] [--eta1 B] [options]\n\n"
    "Exact type I / type II errors of the test 'diligent iff X >= k' of H0: eta <= A\n"
    "against H1: eta >= B, X ~ Bin(N, m(eta)) passes among N monitored items (duplicate\n"
    "pairs for self-consistency, gold items for expert monitoring). k comes from the\n"
    "likelihood-ratio rule (diligent iff P(X|m(B)) >= P(X|m(A))) unless --alpha.\n\n"
    "With --sequential: the sequential test that stays valid however often it is\n"
    "looked at (pass when the likelihood ratio L_n of m(B) to m(A) reaches\n"
    "1/alpha-pass, fail when it falls to alpha-fail; doc/sequential.md): per effort\n"
    "eta in 0, 0.1, ..., 1 (and A, B) the exact P(pass by N), P(fail by N), expected\n"
    "pairs, Ville's bound, and the false-fail probability after 4, 12 and 52 looks of\n"
    "the sequential test and of the naive rule (the fixed-n test re-run on the pooled\n"
    "pairs after every look).\n\n"
    "options:\n" CLI_TEST_HELP "  --n N                     monitored items per annotator\n"
    "  --sequential              the sequential test (no --n, no --alpha)\n"
    "  --alpha-pass A            sequential: pass when L_n >= 1/A (default 0.05)\n"
    "  --alpha-fail A            sequential: fail when L_n <= A (default 0.05)\n"
    "  --horizon N               sequential: pairs to compute to (default 1000)\n"
    "  --per-look B              sequential: pairs per look of the naive rule (default 5)\n"
    "  --max-error E             sequential: the naive rule decides when its error sum\n"
    "                            is <= E, as assess (default 0.2)\n" CLI_MONITOR_HELP
        CLI_FORMAT_HELP "  --help                    this help\n\n"
    "Defaults: --monitor self --convention general --delta 0.02 --q0 0.5;\n"
    "with --sequential also --eta0 0.8 --eta1 0.9.\n"
    "Output: monitor, convention, delta, q0, cbar, c, eta0, eta1, n, rule, alpha, m0, m1,\n"
    "k, type1, type2, error_sum, log_type1, log_type2, fisher_info0, fisher_info1.\n"
    "With --sequential, one row per effort: eta, m, p_pass, p_fail, p_undecided,\n"
    "expected_pairs, ville_bounds, ville_bound, seq_fail_4, seq_fail_12, seq_fail_52,\n"
    "naive_fail_4, naive_fail_12, naive_fail_52, then the parameters.\n";

typedef struct power_opts {
    cli_testopts *test;
    long n;
    int sequential;
    double alpha_pass, alpha_fail, max_error;
    long horizon, per_look;
    int have_seq_opt; /* a sequential-only option given */
} power_opts;

static int power_opt(void *self, int code, const char *arg)
{
    power_opts *p = self;
    switch (code) {
    case CLI_OPT_N:
        return cli_long("--n", arg, 1, 1000000000L, &p->n);
    case CLI_OPT_SEQUENTIAL:
        p->sequential = 1;
        /* The sequential defaults: a careful annotator at eta 0.9, not 1
         * (eta1 = 1 protects only perfect annotators). An --eta0 / --eta1
         * given later overrides them. */
        if (!p->test->have_eta0)
            p->test->eta0 = 0.8, p->test->have_eta0 = 1;
        if (!p->test->have_eta1)
            p->test->eta1 = 0.9, p->test->have_eta1 = 1;
        return 0;
    case CLI_OPT_ALPHA_PASS:
        p->have_seq_opt = 1;
        return cli_open_unit("--alpha-pass", arg, &p->alpha_pass);
    case CLI_OPT_ALPHA_FAIL:
        p->have_seq_opt = 1;
        return cli_open_unit("--alpha-fail", arg, &p->alpha_fail);
    case CLI_OPT_HORIZON:
        p->have_seq_opt = 1;
        return cli_long("--horizon", arg, 1, PM_SEQ_HORIZON_MAX, &p->horizon);
    case CLI_OPT_PER_LOOK:
        p->have_seq_opt = 1;
        return cli_long("--per-look", arg, 1, PM_SEQ_HORIZON_MAX / 52, &p->per_look);
    case CLI_OPT_MAX_ERROR:
        p->have_seq_opt = 1;
        return cli_double("--max-error", arg, 0, 2, &p->max_error);
    }
    return CLI_NOT_MINE;
}

static int power_finish(void *self)
{
    const power_opts *p = self;
    if (p->sequential) {
        if (p->n) {
            cli_error("--n: not an option of --sequential (it runs to --horizon)");
            return CLI_EUSAGE;
        }
        if (p->test->have_alpha) {
            cli_error("--alpha: not an option of --sequential (give --alpha-pass, --alpha-fail)");
            return CLI_EUSAGE;
        }
        return 0;
    }
    if (p->have_seq_opt) {
        cli_error("--alpha-pass, --alpha-fail, --horizon, --per-look and --max-error need "
                  "--sequential");
        return CLI_EUSAGE;
    }
    if (p->n == 0) {
        cli_error("--n is required");
        return CLI_EUSAGE;
    }
    return 0;
}

static const char *ville_name(pm_seq_verdict v)
{
    return v == PM_SEQ_PASS ? "p_pass" : v == PM_SEQ_FAIL ? "p_fail" : "none";
}

static int power_sequential(const cli_monitor *mon, const cli_testopts *to, const power_opts *p,
                            out_format fmt)
{
    static const char *const cols[] = {"eta",
                                       "m",
                                       "p_pass",
                                       "p_fail",
                                       "p_undecided",
                                       "expected_pairs",
                                       "ville_bounds",
                                       "ville_bound",
                                       "seq_fail_4",
                                       "seq_fail_12",
                                       "seq_fail_52",
                                       "naive_fail_4",
                                       "naive_fail_12",
                                       "naive_fail_52",
                                       "eta0",
                                       "eta1",
                                       "m0",
                                       "m1",
                                       "alpha_pass",
                                       "alpha_fail",
                                       "horizon",
                                       "per_look",
                                       "max_error"};
    double etas[PM_SEQ_GRID_MAX];
    size_t n = pm_seq_effort_grid(to->eta0, to->eta1, etas);
    out_table *tab = out_new(0);
    if (!tab)
        return CLI_EINTERNAL;
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        out_col(tab, cols[i]);
    cli_monitor_columns(tab);
    const double m0 = pm_scheme_pass(&mon->scheme, to->eta0);
    const double m1 = pm_scheme_pass(&mon->scheme, to->eta1);
    out_note(tab,
             "sequential test of m0 = m(%g) = %.6g against m1 = m(%g) = %.6g: pass when L_n >= "
             "1/%g, fail when L_n <= %g; horizon %ld pairs",
             to->eta0, m0, to->eta1, m1, p->alpha_pass, p->alpha_fail, p->horizon);
    out_note(tab, "Ville: p_pass <= alpha_pass for every eta <= eta0 and p_fail <= alpha_fail for "
                  "every eta >= eta1, at every look (ville_bounds names which)");
    out_note(tab,
             "seq_fail_L / naive_fail_L: P(failed within L looks of %ld pairs), the sequential "
             "test / the fixed-n LR test re-run on the pooled pairs at every look",
             p->per_look);
    int rc = CLI_OK;
    for (size_t i = 0; i < n; i++) {
        pm_seq_power_row r;
        pm_error err = {0};
        pm_status st =
            pm_seq_power_at(&mon->scheme, to->eta0, to->eta1, p->alpha_pass, p->alpha_fail,
                            p->horizon, p->per_look, p->max_error, etas[i], &r, &err);
        if (st != PM_OK) {
            rc = cli_fail(NULL, st, &err);
            break;
        }
        out_row(tab);
        out_num(tab, r.eta);
        out_num(tab, r.m);
        out_num(tab, r.oc.p_pass);
        out_num(tab, r.oc.p_fail);
        out_num(tab, r.oc.p_undecided);
        out_num(tab, r.oc.expected_pairs);
        out_str(tab, ville_name(r.ville));
        if (isnan(r.ville_bound))
            out_null(tab);
        else
            out_num(tab, r.ville_bound);
        for (int k = 0; k < PM_SEQ_NLOOKS; k++)
            out_num(tab, r.seq_fail[k]);
        for (int k = 0; k < PM_SEQ_NLOOKS; k++)
            out_num(tab, r.naive_fail[k]);
        out_num(tab, to->eta0);
        out_num(tab, to->eta1);
        out_num(tab, m0);
        out_num(tab, m1);
        out_num(tab, p->alpha_pass);
        out_num(tab, p->alpha_fail);
        out_int(tab, p->horizon);
        out_int(tab, p->per_look);
        out_num(tab, p->max_error);
        cli_monitor_cells(tab, mon);
    }
    if (rc == CLI_OK)
        rc = cli_emit(tab, fmt);
    out_free(tab);
    return rc;
}

int cli_power(int argc, char **argv)
{
    static const struct option own[] = {{"n", required_argument, NULL, CLI_OPT_N},
                                        {"sequential", no_argument, NULL, CLI_OPT_SEQUENTIAL},
                                        {"alpha-pass", required_argument, NULL, CLI_OPT_ALPHA_PASS},
                                        {"alpha-fail", required_argument, NULL, CLI_OPT_ALPHA_FAIL},
                                        {"horizon", required_argument, NULL, CLI_OPT_HORIZON},
                                        {"per-look", required_argument, NULL, CLI_OPT_PER_LOOK},
                                        {"max-error", required_argument, NULL, CLI_OPT_MAX_ERROR},
                                        {NULL, 0, NULL, 0}};
    cli_monitor mon;
    cli_testopts to;
    cli_output out;
    cli_monitor_init(&mon, PM_CONV_GENERAL);
    cli_testopts_init(&to);
    cli_output_init(&out, 0);
    power_opts po = {.test = &to,
                     .alpha_pass = 0.05,
                     .alpha_fail = 0.05,
                     .max_error = 0.2,
                     .horizon = 1000,
                     .per_look = 5};
    const cli_group groups[] = {cli_test_group(&to),
                                {own, power_opt, power_finish, &po},
                                cli_monitor_group(&mon),
                                cli_output_group(&out)};
    int rc;
    if (cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc)) {
        if (po.sequential) {
            rc = power_sequential(&mon, &to, &po, out.fmt);
        } else {
            pm_test t;
            pm_error err = {0};
            pm_test_request tr = cli_test_request(&to, &mon.scheme);
            pm_status st = pm_test_design(&tr, po.n, &t, &err);
            if (st != PM_OK) {
                rc = cli_fail(NULL, st, &err);
            } else {
                rc = cli_test_emit(&mon, &t, &to, 0, out.fmt);
            }
        }
    }
    cli_monitor_free(&mon);
    return rc;
}
