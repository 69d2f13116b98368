/* prefmon compare: duplicate pairs vs gold items for one effort decision. */
#include <stdlib.h>

#include "cli.h"

static const char help[] =
    "usage: prefmon compare --eta0 A --eta1 B --delta D --pref-scores FILE --target E\n"
    "                       [options]\n\n"
    "How many duplicate pairs (self-consistency) versus how many gold items (expert\n"
    "agreement) does the decision 'eta <= A or eta >= B' need for type1 + type2 <= E?\n"
    "One row per scheme: pass probabilities m0, m1, the paper's c, Fisher information,\n"
    "and n, the exact smallest number of monitored items for the likelihood-ratio test.\n"
    "The expert is the most favourable one (always on the majority side), cbar =\n"
    "2 mean|p - 1/2| over the preference probabilities; its row also gives\n"
    "n_min_any_test, below which NO test can reach E (information-theoretic bound).\n\n"
    "options:\n"
    "  --eta0 A --eta1 B         the two hypotheses, 0 <= A < B <= 1\n"
    "  --delta D                 self: repeat disagreement under full effort (default 0.02)\n"
    "  --convention general|paper  self: m = q0 + eta(1-delta-q0) (default) or the paper's\n"
    "                            m = (1 + (1-delta) eta)/2\n"
    "  --q0 Q                    self, general: chance agreement (default 0.5)\n"
    "  --pref-scores FILE        preference probabilities for the expert (one per line, or\n"
    "                            JSONL with chosen/rejected scores)\n" CLI_TARGET_HELP
        CLI_FORMAT_HELP "  --help                    this help\n";

static void row(out_table *tab, const cli_monitor *mon, const cli_testopts *to, double kl,
                int expert)
{
    const pm_scheme *sc = &mon->scheme;
    pm_test t;
    pm_test_request tr = pm_test_request_lr(sc, to->eta0, to->eta1);
    pm_status st = pm_samplesize(&tr, to->target, to->max_n, &t, NULL);
    out_row(tab);
    cli_monitor_cells(tab, mon);
    out_num(tab, to->eta0);
    out_num(tab, to->eta1);
    out_num(tab, pm_scheme_pass(sc, to->eta0));
    out_num(tab, pm_scheme_pass(sc, to->eta1));
    cli_num_finite(tab, pm_scheme_fisher(sc, to->eta0));
    cli_num_finite(tab, pm_scheme_fisher(sc, to->eta1));
    out_num(tab, to->target);
    if (st == PM_OK) {
        out_int(tab, t.n);
        out_int(tab, t.k);
        out_num(tab, t.type1);
        out_num(tab, t.type2);
        out_num(tab, t.error_sum);
    } else {
        cli_warn("%s monitoring: no n <= %ld reaches error_sum <= %g", pm_monitor_name(sc->kind),
                 to->max_n, to->target);
        for (int i = 0; i < 5; i++)
            out_null(tab);
    }
    out_bool(tab, st == PM_OK);
    long nmin;
    if (expert) {
        out_num(tab, kl);
        if (pm_expert_bound_samplesize(kl, to->target, to->max_n, &nmin, NULL) == PM_OK)
            out_int(tab, nmin);
        else
            out_null(tab);
    } else {
        out_null(tab);
        out_null(tab);
    }
}

/* compare takes the monitor group for its self-consistency side only and
 * always uses the likelihood-ratio rule. */
typedef struct given {
    const cli_monitor *mon;
    const cli_testopts *to;
} given;

static int refuse(void *self)
{
    const cli_monitor *self_mon = ((const given *)self)->mon;
    const cli_testopts *to = ((const given *)self)->to;
    if (!self_mon->have_monitor && !self_mon->have_cbar && !to->have_alpha)
        return 0;
    cli_error("%s: not an option of this command (it compares self and expert with the "
              "likelihood-ratio test)",
              self_mon->have_monitor ? "--monitor"
              : self_mon->have_cbar  ? "--cbar"
                                     : "--alpha");
    return CLI_EUSAGE;
}

static int no_opt(void *self, int code, const char *arg)
{
    (void)self;
    (void)code;
    (void)arg;
    return CLI_NOT_MINE;
}

/* The expert side: same preference data, majority-side expert. */
static int expert_side(const cli_monitor *self_mon, cli_monitor *expert)
{
    pm_error err = {0};
    cli_monitor_init(expert, PM_CONV_PAPER);
    expert->kind = PM_MONITOR_EXPERT;
    pm_cbar(self_mon->prefs, NULL, self_mon->nprefs, &expert->cbar, NULL);
    if (pm_scheme_expert(&expert->scheme, expert->cbar, &err) != PM_OK) {
        cli_error("--pref-scores: %s: every preference is exactly 1/2, so an expert "
                  "carries no signal (cbar = 0)",
                  self_mon->pref_path);
        return CLI_EDATA;
    }
    return 0;
}

int cli_compare(int argc, char **argv)
{
    static const struct option none[] = {{NULL, 0, NULL, 0}};
    cli_monitor self, expert;
    cli_testopts to;
    cli_output out;
    cli_monitor_init(&self, PM_CONV_GENERAL);
    self.need_prefs = 1;
    cli_testopts_init(&to);
    to.need_target = 1;
    cli_output_init(&out, 0);
    given g = {&self, &to};
    /* The refusal runs first, before the test and monitor checks. */
    const cli_group groups[] = {{none, no_opt, refuse, &g},
                                cli_test_group(&to),
                                cli_monitor_group(&self),
                                cli_output_group(&out)};
    int rc;
    double kl = 0;
    if (cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc) &&
        !(rc = expert_side(&self, &expert))) {
        pm_expert_kl(self.prefs, self.nprefs, to.eta0, to.eta1, &kl, NULL);
        static const char *const cols[] = {
            "eta0",         "eta1",      "m0",      "m1", "fisher_info0",
            "fisher_info1", "target",    "n",       "k",  "type1",
            "type2",        "error_sum", "reached", "kl", "n_min_any_test"};
        out_table *tab = out_new(0);
        out_note(tab,
                 "likelihood-ratio test, exact binomial tails; %zu preference "
                 "probabilities from %s",
                 self.nprefs, self.pref_path);
        cli_monitor_columns(tab);
        for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
            out_col(tab, cols[i]);
        row(tab, &self, &to, kl, 0);
        row(tab, &expert, &to, kl, 1);
        rc = cli_emit(tab, out.fmt);
        out_free(tab);
    }
    cli_monitor_free(&self);
    return rc;
}
