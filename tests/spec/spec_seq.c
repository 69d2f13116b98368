/*
** Spec tables for include/prefmon/seq.h: every value against an independent
** 60-digit mpmath reference (tests/spec/gen/gen_seq.py; tests/spec/README.md).
** Usage: spec_seq DATA_DIR.
**
** Tolerances. The operating characteristics sum up to N = 2000 rows of
** rescaled doubles and log-space accumulations: about N roundings, so 1e-10
** relative. The largest error observed is 1.3e-12, on a p_undecided of
** 1e-29 whose row scale exp(S) carries the roundings of S summed over 1000
** rows; the decision probabilities are within 1e-13. The naive rule's DP and the CUSUM's
** elimination are a few hundred roundings of same-signed terms: 1e-11.
** Confidence-sequence endpoints come from lgamma differences of size up to
** n ln n (1e7 at n = 1e6), whose absolute rounding 1e-9 moves a root by
** 1e-9 / |d log M / dp|: 1e-11 relative.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "prefmon/monitor.h"
#include "prefmon/seq.h"
#include "spec_util.h"

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void run_oc(const char *dir)
{
    static const char *const cols[] = {
        "m0",     "m1",     "alpha_pass",  "alpha_fail",     "m",          "horizon",
        "p_pass", "p_fail", "p_undecided", "expected_pairs", "log_p_pass", "log_p_fail"};
    spec_table t;
    if (spec_open(&t, dir, "seq_oc.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        double m0, m1, ap, af, m;
        long n;
        if (r < 0 || !spec_num(&t, "m0", &m0) || !spec_num(&t, "m1", &m1) ||
            !spec_num(&t, "alpha_pass", &ap) || !spec_num(&t, "alpha_fail", &af) ||
            !spec_num(&t, "m", &m) || !spec_long(&t, "horizon", &n))
            continue;
        pm_seq_oc oc;
        pm_status st = pm_seq_operating(m0, m1, ap, af, m, n, &oc, NULL, NULL, NULL);
        spec_check_true(&t, st == PM_OK, "pm_seq_operating returns PM_OK");
        if (st != PM_OK)
            continue;
        spec_check_lin(&t, "p_pass", oc.p_pass, 1e-10);
        spec_check_lin(&t, "p_fail", oc.p_fail, 1e-10);
        spec_check_lin(&t, "p_undecided", oc.p_undecided, 1e-10);
        spec_check_lin(&t, "expected_pairs", oc.expected_pairs, 1e-10);
        spec_check_log(&t, "log_p_pass", oc.log_p_pass, 1e-10);
        spec_check_log(&t, "log_p_fail", oc.log_p_fail, 1e-10);
    }
}

static void run_naive(const char *dir)
{
    static const char *const cols[] = {"delta", "q0",       "eta0",  "eta1",   "max_error",
                                       "eta",   "per_look", "looks", "fail_1", "fail_last"};
    spec_table t;
    if (spec_open(&t, dir, "seq_naive.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        double delta, q0, eta0, eta1, me, eta;
        long b, looks;
        if (r < 0 || !spec_num(&t, "delta", &delta) || !spec_num(&t, "q0", &q0) ||
            !spec_num(&t, "eta0", &eta0) || !spec_num(&t, "eta1", &eta1) ||
            !spec_num(&t, "max_error", &me) || !spec_num(&t, "eta", &eta) ||
            !spec_long(&t, "per_look", &b) || !spec_long(&t, "looks", &looks) || looks > 64)
            continue;
        pm_scheme sc;
        double fail[64];
        pm_status st = pm_scheme_self(&sc, PM_CONV_GENERAL, delta, q0, NULL);
        if (st == PM_OK)
            st = pm_seq_naive_fail(&sc, eta0, eta1, me, pm_scheme_pass(&sc, eta), b, looks, fail,
                                   NULL);
        spec_check_true(&t, st == PM_OK, "pm_seq_naive_fail returns PM_OK");
        if (st != PM_OK)
            continue;
        spec_check_lin(&t, "fail_1", fail[0], 1e-11);
        spec_check_lin(&t, "fail_last", fail[looks - 1], 1e-11);
    }
}

static void run_cs(const char *dir)
{
    static const char *const cols[] = {"n", "s", "alpha", "a", "b", "low", "high"};
    spec_table t;
    if (spec_open(&t, dir, "seq_cs.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        long n, s;
        double alpha, a, b, lo, hi;
        if (r < 0 || !spec_long(&t, "n", &n) || !spec_long(&t, "s", &s) ||
            !spec_num(&t, "alpha", &alpha) || !spec_num(&t, "a", &a) || !spec_num(&t, "b", &b))
            continue;
        pm_status st = pm_seq_cs_bounds(n, s, alpha, a, b, &lo, &hi, NULL);
        spec_check_true(&t, st == PM_OK, "pm_seq_cs_bounds returns PM_OK");
        if (st != PM_OK)
            continue;
        spec_check_lin(&t, "low", lo, 1e-11);
        spec_check_lin(&t, "high", hi, 1e-11);
    }
}

static void run_cusum(const char *dir)
{
    static const char *const cols[] = {"up", "down", "h", "m", "arl"};
    spec_table t;
    if (spec_open(&t, dir, "seq_cusum.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        pm_cusum c = {.m0 = 0.5, .m1 = 0.6, .scale = 1};
        double m, arl;
        if (r < 0 || !spec_long(&t, "up", &c.up) || !spec_long(&t, "down", &c.down) ||
            !spec_long(&t, "h", &c.h) || !spec_num(&t, "m", &m))
            continue;
        pm_status st = pm_cusum_arl(&c, m, &arl, NULL);
        spec_check_true(&t, st == PM_OK, "pm_cusum_arl returns PM_OK");
        if (st == PM_OK)
            spec_check_lin(&t, "arl", arl, 1e-11);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
        return 2;
    }
    run_oc(argv[1]);
    run_naive(argv[1]);
    run_cs(argv[1]);
    run_cusum(argv[1]);
    return spec_finish();
}
