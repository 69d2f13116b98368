/* prefmon bound: the information-theoretic floor of any expert test. */
#include <stdlib.h>

#include "cli.h"

static const char help[] =
    "usage: prefmon bound --pref-scores FILE --eta0 A --eta1 B --n N[,N...] [options]\n\n"
    "Lower bound on type I + type II error of ANY test of H0: eta <= A against\n"
    "H1: eta >= B from n labels checked against an expert, even one that knows every\n"
    "item's preference probability p (paper Prop. 1, in the authors' tighter form):\n"
    "  lower_bound = max(0, 1 - sqrt(n KL / 2), 1 - sqrt(1 - exp(-n KL)))\n"
    "  KL = mean over items of kl(1/2 + A(p - 1/2) || 1/2 + B(p - 1/2)),\n"
    "with probabilities clipped to [1e-4, 1 - 1e-4]; lower_bound_paper = exp(-n KL)/2.\n\n"
    "options:\n"
    "  --pref-scores FILE        preference probabilities: one per line, or JSONL rows with\n"
    "                            chosen/rejected scores (p = sigmoid(chosen - rejected))\n"
    "  --eta0 A --eta1 B         the two hypotheses, 0 <= A < B <= 1\n"
    "  --n N[,N...]              numbers of checked items\n" CLI_FORMAT_HELP
    "  --help                    this help\n";

typedef struct opts {
    const char *path;
    long *ns;
    size_t nn;
} opts;

static int opt(void *self, int code, const char *arg)
{
    opts *o = self;
    switch (code) {
    case CLI_OPT_PREF_SCORES:
        o->path = arg;
        return 0;
    case CLI_OPT_N:
        return cli_long_list("--n", arg, 1, 1000000000L, &o->ns, &o->nn);
    }
    return CLI_NOT_MINE;
}

static int finish(void *self)
{
    const opts *o = self;
    if (!o->path || !o->ns) {
        cli_error("%s is required", o->path ? "--n" : "--pref-scores");
        return CLI_EUSAGE;
    }
    return 0;
}

static out_table *table(const opts *o, const cli_testopts *to, size_t np, double kl)
{
    static const char *const cols[] = {
        "items", "eta0", "eta1", "n", "kl", "lower_bound", "lower_bound_paper"};
    out_table *tab = out_new(0);
    if (!tab)
        return NULL;
    out_note(tab, "expert lower bound: %zu preference probabilities from %s", np, o->path);
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        out_col(tab, cols[i]);
    for (size_t i = 0; i < o->nn; i++) {
        out_row(tab);
        out_int(tab, (long long)np);
        out_num(tab, to->eta0);
        out_num(tab, to->eta1);
        out_int(tab, o->ns[i]);
        out_num(tab, kl);
        out_num(tab, pm_expert_lower_bound(kl, (double)o->ns[i]));
        out_num(tab, pm_expert_lower_bound_paper(kl, (double)o->ns[i]));
    }
    return tab;
}

int cli_bound(int argc, char **argv)
{
    static const struct option own[] = {
        {"pref-scores", required_argument, NULL, CLI_OPT_PREF_SCORES},
        {"n", required_argument, NULL, CLI_OPT_N},
        {NULL, 0, NULL, 0}};
    cli_testopts to;
    cli_output out;
    opts o = {0};
    double *p = NULL;
    size_t np = 0;
    cli_testopts_init(&to);
    to.no_alpha = 1;
    cli_output_init(&out, 0);
    const cli_group groups[] = {
        cli_test_group(&to), {own, opt, finish, &o}, cli_output_group(&out)};
    int rc;
    if (cli_parse(argc, argv, help, groups, sizeof groups / sizeof *groups, &rc) &&
        !(rc = cli_read_prefs(o.path, &p, &np))) {
        double kl = 0;
        pm_error err = {0};
        pm_status st = pm_expert_kl(p, np, to.eta0, to.eta1, &kl, &err);
        if (st != PM_OK) {
            rc = cli_fail("computing KL", st, &err);
        } else {
            out_table *tab = table(&o, &to, np, kl);
            rc = tab ? cli_emit(tab, out.fmt) : CLI_EINTERNAL;
            out_free(tab);
        }
    }
    free(p);
    free(o.ns);
    return rc;
}
