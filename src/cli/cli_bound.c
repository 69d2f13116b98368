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
    "  --n N[,N...]              numbers of checked items\n"
    "  --format table|csv|json   output format (default table)\n"
    "  --help                    this help\n";

typedef struct opts {
    const char *path;
    long *ns;
    size_t nn;
    int rc;
} opts;

static int opt(void *ud, int code, const char *arg)
{
    opts *o = ud;
    if (code == 1005) {
        o->path = arg;
        return 0;
    }
    if (code == 'n') {
        free(o->ns);
        o->ns = NULL;
        return cli_long_list("--n", arg, 1, 1000000000L, &o->ns, &o->nn);
    }
    return -1;
}

int cli_bound(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_TEST_LONGOPTS,
                                             CLI_COMMON_LONGOPTS,
                                             {"pref-scores", required_argument, NULL, 1005},
                                             {"n", required_argument, NULL, 'n'},
                                             {NULL, 0, NULL, 0}};
    cli_testopts to;
    out_format fmt = OUT_TABLE;
    opts o = {0};
    double *p = NULL;
    size_t np = 0;
    cli_testopts_init(&to);
    cli_parser ps = {help, NULL, &to, &fmt, opt, &o};
    int rc = cli_parse(argc, argv, longopts, &ps);
    if (rc == CLI_HELP_SHOWN) {
        free(o.ns);
        return CLI_OK;
    }
    if (!rc && to.have_alpha) {
        cli_error("--alpha: not an option of this command");
        rc = CLI_EUSAGE;
    }
    if (!rc)
        rc = cli_test_finish(&to);
    if (!rc && (!o.path || !o.ns)) {
        cli_error("%s is required", o.path ? "--n" : "--pref-scores");
        rc = CLI_EUSAGE;
    }
    if (!rc)
        rc = cli_read_prefs(o.path, &p, &np);
    double kl = 0;
    if (!rc && pm_expert_kl(p, np, to.eta0, to.eta1, &kl, NULL) != PM_OK) {
        cli_error("internal error computing KL");
        rc = CLI_EINTERNAL;
    }
    if (!rc) {
        static const char *const cols[] = {
            "items", "eta0", "eta1", "n", "kl", "lower_bound", "lower_bound_paper"};
        out_table *tab = out_new(0);
        out_note(tab, "expert lower bound: %zu preference probabilities from %s", np, o.path);
        for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
            out_col(tab, cols[i]);
        for (size_t i = 0; i < o.nn; i++) {
            out_row(tab);
            out_int(tab, (long long)np);
            out_num(tab, to.eta0);
            out_num(tab, to.eta1);
            out_int(tab, o.ns[i]);
            out_num(tab, kl);
            out_num(tab, pm_expert_lower_bound(kl, (double)o.ns[i]));
            out_num(tab, pm_expert_lower_bound_paper(kl, (double)o.ns[i]));
        }
        rc = cli_emit(tab, fmt);
        out_free(tab);
    }
    free(p);
    free(o.ns);
    return rc;
}
