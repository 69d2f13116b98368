/*
** Spec tables for include/prefmon/binom.h: every value is compared with an
** independent 60-digit mpmath reference (tests/spec/gen/gen_binom.py; see
** tests/spec/README.md). Usage: spec_binom DATA_DIR.
*/
#include <math.h>
#include <stdio.h>

#include "prefmon/binom.h"
#include "spec_util.h"

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void run_points(const char *dir)
{
    static const char *const cols[] = {"x",
                                       "n",
                                       "p",
                                       "dbinom",
                                       "log_dbinom",
                                       "pbinom_lower",
                                       "log_pbinom_lower",
                                       "pbinom_upper",
                                       "log_pbinom_upper",
                                       "binom_sf",
                                       "log_binom_sf"};
    spec_table t;
    if (spec_open(&t, dir, "binom.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        double x, n, p;
        if (r < 0 || !spec_num(&t, "x", &x) || !spec_num(&t, "n", &n) || !spec_num(&t, "p", &p))
            continue;
        spec_check_lin(&t, "dbinom", pm_dbinom(x, n, p, 0), SPEC_RTOL);
        spec_check_log(&t, "log_dbinom", pm_dbinom(x, n, p, 1), 0);
        spec_check_lin(&t, "pbinom_lower", pm_pbinom(x, n, p, 1, 0), SPEC_RTOL);
        spec_check_log(&t, "log_pbinom_lower", pm_pbinom(x, n, p, 1, 1), 0);
        spec_check_lin(&t, "pbinom_upper", pm_pbinom(x, n, p, 0, 0), SPEC_RTOL);
        spec_check_log(&t, "log_pbinom_upper", pm_pbinom(x, n, p, 0, 1), 0);
        spec_check_lin(&t, "binom_sf", pm_binom_sf(x, n, p, 0), SPEC_RTOL);
        spec_check_log(&t, "log_binom_sf", pm_binom_sf(x, n, p, 1), 0);
    }
}

static void run_range(const char *dir)
{
    static const char *const cols[] = {"a", "b", "n", "p", "binom_range", "log_binom_range"};
    spec_table t;
    if (spec_open(&t, dir, "binom_range.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        double a, b, n, p;
        if (r < 0 || !spec_num(&t, "a", &a) || !spec_num(&t, "b", &b) || !spec_num(&t, "n", &n) ||
            !spec_num(&t, "p", &p))
            continue;
        spec_check_lin(&t, "binom_range", pm_binom_range(a, b, n, p, 0), SPEC_RTOL);
        spec_check_log(&t, "log_binom_range", pm_binom_range(a, b, n, p, 1), 0);
    }
}

static void run_quantile(const char *dir)
{
    static const char *const cols[] = {"prob", "n", "p", "lower_tail", "log_p", "qbinom"};
    spec_table t;
    if (spec_open(&t, dir, "binom_quantile.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        double prob, n, p;
        long lower, logp;
        if (r < 0 || !spec_num(&t, "prob", &prob) || !spec_num(&t, "n", &n) ||
            !spec_num(&t, "p", &p) || !spec_long(&t, "lower_tail", &lower) ||
            !spec_long(&t, "log_p", &logp))
            continue;
        /* integers: exact (the generator dropped rows within 1e-9 of a tie) */
        spec_check_abs(&t, "qbinom", pm_qbinom(prob, n, p, (int)lower, (int)logp), 0);
    }
}

static void run_beta(const char *dir)
{
    static const char *const cols[] = {
        "x", "a", "b", "pbeta_lower", "log_pbeta_lower", "pbeta_upper", "log_pbeta_upper"};
    spec_table t;
    if (spec_open(&t, dir, "binom_beta.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        double x, a, b;
        if (r < 0 || !spec_num(&t, "x", &x) || !spec_num(&t, "a", &a) || !spec_num(&t, "b", &b))
            continue;
        spec_check_lin(&t, "pbeta_lower", pm_pbeta(x, a, b, 1, 0), SPEC_RTOL);
        spec_check_log(&t, "log_pbeta_lower", pm_pbeta(x, a, b, 1, 1), 0);
        spec_check_lin(&t, "pbeta_upper", pm_pbeta(x, a, b, 0, 0), SPEC_RTOL);
        spec_check_log(&t, "log_pbeta_upper", pm_pbeta(x, a, b, 0, 1), 0);
    }
}

static void run_beta_quantile(const char *dir)
{
    static const char *const cols[] = {"prob", "a", "b", "lower_tail", "log_p", "qbeta"};
    spec_table t;
    if (spec_open(&t, dir, "binom_beta_quantile.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        double prob, a, b;
        long lower, logp;
        if (r < 0 || !spec_num(&t, "prob", &prob) || !spec_num(&t, "a", &a) ||
            !spec_num(&t, "b", &b) || !spec_long(&t, "lower_tail", &lower) ||
            !spec_long(&t, "log_p", &logp))
            continue;
        spec_check_lin(&t, "qbeta", pm_qbeta(prob, a, b, (int)lower, (int)logp), SPEC_RTOL);
    }
}

static void run_cp(const char *dir)
{
    static const char *const cols[] = {"x", "n", "level", "lower", "upper"};
    spec_table t;
    if (spec_open(&t, dir, "binom_cp.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        long x, n;
        double level, lo = NAN, hi = NAN;
        if (r < 0 || !spec_long(&t, "x", &x) || !spec_long(&t, "n", &n) ||
            !spec_num(&t, "level", &level))
            continue;
        pm_status st = pm_clopper_pearson(x, n, level, &lo, &hi, NULL);
        spec_check_true(&t, st == PM_OK, "pm_clopper_pearson did not return PM_OK");
        spec_check_lin(&t, "lower", lo, SPEC_RTOL);
        spec_check_lin(&t, "upper", hi, SPEC_RTOL);
    }
}

static void run_kl(const char *dir)
{
    static const char *const cols[] = {"a", "b", "kl"};
    spec_table t;
    if (spec_open(&t, dir, "binom_kl.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        double a, b, exp;
        if (r < 0 || !spec_num(&t, "a", &a) || !spec_num(&t, "b", &b) || !spec_num(&t, "kl", &exp))
            continue;
        /* kl(a||b) is a sum of two O(|a-b|) terms that cancel to O((a-b)^2):
         * any formula through a/b carries ~2 eps ABSOLUTE error, which is
         * what callers (n * KL with n <= 1e6 in a bound of order 1) can use.
         * Hence 1e-12 relative OR 1e-15 absolute. */
        spec_check_abs(&t, "kl", pm_kl_bernoulli(a, b), SPEC_RTOL * fabs(exp) + 1e-15);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
        return 2;
    }
    run_points(argv[1]);
    run_range(argv[1]);
    run_quantile(argv[1]);
    run_beta(argv[1]);
    run_beta_quantile(argv[1]);
    run_cp(argv[1]);
    run_kl(argv[1]);
    return spec_finish();
}
