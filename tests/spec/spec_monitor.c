/*
** Spec tables for include/prefmon/monitor.h: every value is compared with an
** independent 60-digit mpmath reference (tests/spec/gen/gen_monitor.py; see
** tests/spec/README.md). Usage: spec_monitor DATA_DIR.
**
** Conditioning. The library must round m = q0 + eta (s - q0) to double, so
** a binomial tail at that m can only be as accurate as its sensitivity to m
** allows: the tables carry sens = |d ln value / d m| and the relative
** tolerance is SPEC_RTOL + SPEC_DM * sens (SPEC_DM = 4 eps = 8.9e-16, the
** rounding of m). For n <= 1e4 this is at most a few 1e-12; for n = 1e6 in
** the far tails it reaches ~1e-9 relative, i.e. ~1e-9 absolute on a log of
** size 1e5, which is still 1e-14 relative on the log.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "prefmon/monitor.h"
#include "spec_util.h"

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MAX_LIST 64

/* Build the scheme of the current row from monitor/convention/delta/q0/cbar. */
static int row_scheme(spec_table *t, pm_scheme *sc)
{
    double delta, q0, cbar;
    if (!spec_num(t, "delta", &delta) || !spec_num(t, "q0", &q0) || !spec_num(t, "cbar", &cbar))
        return 0;
    const char *mon = spec_str(t, "monitor");
    const char *conv = spec_str(t, "convention");
    pm_status st;
    if (strcmp(mon, "self") == 0 && strcmp(conv, "general") == 0)
        st = pm_scheme_self(sc, PM_CONV_GENERAL, delta, q0, NULL);
    else if (strcmp(mon, "self") == 0 && strcmp(conv, "paper") == 0)
        st = pm_scheme_self(sc, PM_CONV_PAPER, delta, q0, NULL);
    else if (strcmp(mon, "expert") == 0 && strcmp(conv, "-") == 0)
        st = pm_scheme_expert(sc, cbar, NULL);
    else {
        spec_fail(t, "unknown scheme %s/%s", mon, conv);
        return 0;
    }
    if (st != PM_OK) {
        spec_fail(t, "scheme constructor returned %d", (int)st);
        return 0;
    }
    return 1;
}

/* Linear value of a probability column for tolerance bookkeeping ("tiny" = 0). */
static double lin_value(spec_table *t, const char *col)
{
    double v = 0;
    if (strcmp(spec_str(t, col), "tiny") == 0)
        return 0;
    return spec_num(t, col, &v) ? v : 0;
}

/* Compare a pm_test with the k/m0/m1/type1/type2/... columns of the row. */
static void check_test(spec_table *t, const pm_test *got, int check_design)
{
    double sens0, sens1;
    if (!spec_num(t, "sens0", &sens0) || !spec_num(t, "sens1", &sens1))
        return;
    double r1 = SPEC_RTOL + SPEC_DM * sens0, r2 = SPEC_RTOL + SPEC_DM * sens1;
    if (check_design) {
        spec_check_lin(t, "m0", got->m0, SPEC_RTOL);
        spec_check_lin(t, "m1", got->m1, SPEC_RTOL);
    }
    spec_check_lin(t, "type1", got->type1, r1);
    spec_check_log(t, "log_type1", got->log_type1, SPEC_DM * sens0);
    spec_check_lin(t, "type2", got->type2, r2);
    spec_check_log(t, "log_type2", got->log_type2, SPEC_DM * sens1);
    double t1 = lin_value(t, "type1"), t2 = lin_value(t, "type2"), es;
    if (strcmp(spec_str(t, "error_sum"), "tiny") == 0) {
        spec_check_lin(t, "error_sum", got->error_sum, SPEC_RTOL);
    } else if (spec_num(t, "error_sum", &es)) {
        /* the sum inherits the absolute errors of its two terms */
        spec_check_abs(t, "error_sum", got->error_sum, SPEC_RTOL * es + r1 * t1 + r2 * t2);
    }
}

static void run_scheme(const char *dir)
{
    static const char *const cols[] = {"monitor", "convention", "delta", "q0",     "cbar",  "eta",
                                       "m",       "slope",      "c",     "fisher", "sens_m"};
    spec_table t;
    if (spec_open(&t, dir, "monitor_scheme.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        pm_scheme sc;
        double eta, m, sens, slope;
        if (r < 0 || !row_scheme(&t, &sc) || !spec_num(&t, "eta", &eta) || !spec_num(&t, "m", &m) ||
            !spec_num(&t, "sens_m", &sens) || !spec_num(&t, "slope", &slope))
            continue;
        spec_check_lin(&t, "m", pm_scheme_pass(&sc, eta), SPEC_RTOL);
        spec_check_lin(&t, "slope", pm_scheme_slope(&sc), SPEC_RTOL);
        spec_check_lin(&t, "c", pm_scheme_c(&sc), SPEC_RTOL);
        /* I = slope^2 / (m (1 - m)): relative sensitivity sens_m to the rounding of m */
        spec_check_lin(&t, "fisher", pm_scheme_fisher(&sc, eta), SPEC_RTOL + SPEC_DM * sens);
        /* eta = (m - q0) / slope: the subtraction makes the error absolute,
         * a few eps / slope (m, q0 and the slope each rounded once); 1e-13
         * is ~450 eps, a margin of 100x over that */
        spec_check_abs(&t, "eta", pm_scheme_eta(&sc, m), 1e-13 / slope);
    }
}

static void run_test(const char *dir)
{
    static const char *const cols[] = {
        "monitor", "convention", "delta", "q0",        "cbar",      "eta0",  "eta1",
        "n",       "rule",       "alpha", "tie",       "k",         "m0",    "m1",
        "type1",   "log_type1",  "type2", "log_type2", "error_sum", "sens0", "sens1"};
    spec_table t;
    if (spec_open(&t, dir, "monitor_test.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        pm_scheme sc;
        double eta0, eta1, alpha;
        long n, k;
        if (r < 0 || !row_scheme(&t, &sc) || !spec_num(&t, "eta0", &eta0) ||
            !spec_num(&t, "eta1", &eta1) || !spec_long(&t, "n", &n) ||
            !spec_num(&t, "alpha", &alpha) || !spec_long(&t, "k", &k))
            continue;
        const char *rule = spec_str(&t, "rule");
        pm_test got;
        if (strcmp(rule, "lr") == 0 || strcmp(rule, "level") == 0) {
            pm_rule rl = rule[1] == 'r' ? PM_RULE_LR : PM_RULE_LEVEL;
            memset(&got, 0, sizeof got);
            pm_test_request req;
            pm_test_request_default(&req);
            req.scheme = &sc;
            req.eta0 = eta0;
            req.eta1 = eta1;
            req.rule = rl;
            req.alpha = alpha;
            pm_status st = pm_test_design(&req, n, &got, NULL);
            spec_check_true(&t, st == PM_OK, "pm_test_design did not return PM_OK");
            if (st == PM_OK) {
                spec_check_long(&t, "k", got.k);
                spec_check_true(&t, got.n == n, "pm_test.n differs from n");
                if (got.k == k) /* errors of a different k would only repeat the failure */
                    check_test(&t, &got, 1);
            }
        } else if (strcmp(rule, "k") != 0) {
            spec_fail(&t, "unknown rule '%s'", rule);
            continue;
        }
        /* the tails at the reference k, independent of the threshold design */
        memset(&got, 0, sizeof got);
        pm_status st = pm_test_errors(&sc, eta0, eta1, n, k, &got, NULL);
        spec_check_true(&t, st == PM_OK, "pm_test_errors did not return PM_OK");
        if (st == PM_OK)
            check_test(&t, &got, 1);
    }
}

static void run_samplesize(const char *dir)
{
    static const char *const cols[] = {
        "monitor", "convention", "delta", "q0",        "cbar",      "eta0",  "eta1", "rule",
        "alpha",   "target",     "max_n", "status",    "n",         "k",     "m0",   "m1",
        "type1",   "log_type1",  "type2", "log_type2", "error_sum", "sens0", "sens1"};
    spec_table t;
    if (spec_open(&t, dir, "monitor_samplesize.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        pm_scheme sc;
        double eta0, eta1, alpha, target;
        long max_n, k;
        if (r < 0 || !row_scheme(&t, &sc) || !spec_num(&t, "eta0", &eta0) ||
            !spec_num(&t, "eta1", &eta1) || !spec_num(&t, "alpha", &alpha) ||
            !spec_num(&t, "target", &target) || !spec_long(&t, "max_n", &max_n) ||
            !spec_long(&t, "k", &k))
            continue;
        const char *rule = spec_str(&t, "rule");
        const char *status = spec_str(&t, "status");
        if ((strcmp(rule, "lr") != 0 && strcmp(rule, "level") != 0) ||
            (strcmp(status, "ok") != 0 && strcmp(status, "erange") != 0)) {
            spec_fail(&t, "rule must be lr|level and status ok|erange");
            continue;
        }
        pm_rule rl = strcmp(rule, "lr") == 0 ? PM_RULE_LR : PM_RULE_LEVEL;
        pm_status want = strcmp(status, "ok") == 0 ? PM_OK : PM_ERANGE;
        pm_test got;
        memset(&got, 0, sizeof got);
        pm_test_request req;
        pm_test_request_default(&req);
        req.scheme = &sc;
        req.eta0 = eta0;
        req.eta1 = eta1;
        req.rule = rl;
        req.alpha = alpha;
        pm_status st = pm_samplesize(&req, target, max_n, &got, NULL);
        if (st != want) {
            spec_fail(&t, "status: expected %s, got %d", status, (int)st);
            continue;
        }
        spec_pass();
        spec_check_long(&t, "n", got.n);
        spec_check_long(&t, "k", got.k);
        if (got.k == k)
            check_test(&t, &got, 1);
    }
}

static void run_estimate(const char *dir)
{
    static const char *const cols[] = {"monitor", "convention",  "delta",   "q0",      "cbar",
                                       "n",       "x",           "level",   "eta0",    "m_hat",
                                       "m_low",   "m_high",      "eta_hat", "eta_low", "eta_high",
                                       "p_value", "log_p_value", "slope",   "sens_p"};
    spec_table t;
    if (spec_open(&t, dir, "monitor_estimate.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        pm_scheme sc;
        double level, eta0, slope, sens;
        long n, x;
        if (r < 0 || !row_scheme(&t, &sc) || !spec_long(&t, "n", &n) || !spec_long(&t, "x", &x) ||
            !spec_num(&t, "level", &level) || !spec_num(&t, "eta0", &eta0) ||
            !spec_num(&t, "slope", &slope) || !spec_num(&t, "sens_p", &sens))
            continue;
        pm_estimate e;
        memset(&e, 0, sizeof e);
        pm_status st = pm_estimate_effort(&sc, n, x, level, eta0, &e, NULL);
        spec_check_true(&t, st == PM_OK, "pm_estimate_effort did not return PM_OK");
        if (st != PM_OK)
            continue;
        spec_check_lin(&t, "m_hat", e.m_hat, SPEC_RTOL);
        spec_check_lin(&t, "m_low", e.m_low, SPEC_RTOL);
        spec_check_lin(&t, "m_high", e.m_high, SPEC_RTOL);
        /* eta = (m - q0)/slope: m is good to 1e-12 relative (<= 1e-12
         * absolute), so eta is good to ~1e-12/slope absolute */
        double atol = 2 * SPEC_RTOL / slope;
        spec_check_abs(&t, "eta_hat", e.eta_hat, atol);
        spec_check_abs(&t, "eta_low", e.eta_low, atol);
        spec_check_abs(&t, "eta_high", e.eta_high, atol);
        spec_check_lin(&t, "p_value", e.p_value, SPEC_RTOL + SPEC_DM * sens);
    }
}

/* Parse a comma-separated list of numbers in column col; returns the count,
 * 0 on error (reported). */
static size_t parse_list(spec_table *t, const char *col, double *out)
{
    const char *s = spec_str(t, col);
    size_t n = 0;
    for (;;) {
        char *end;
        if (n == MAX_LIST) {
            spec_fail(t, "column %s: more than %d values", col, MAX_LIST);
            return 0;
        }
        out[n++] = strtod(s, &end);
        if (end == s || (*end != ',' && *end != '\0')) {
            spec_fail(t, "column %s: malformed list '%s'", col, spec_str(t, col));
            return 0;
        }
        if (*end == '\0')
            return n;
        s = end + 1;
    }
}

static void run_expert(const char *dir)
{
    static const char *const cols[] = {"func", "p", "pe", "eta0", "eta1", "value"};
    spec_table t;
    if (spec_open(&t, dir, "monitor_expert.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        double p[MAX_LIST], pe[MAX_LIST], v = NAN;
        size_t np;
        if (r < 0 || (np = parse_list(&t, "p", p)) == 0)
            continue;
        const char *func = spec_str(&t, "func");
        if (strcmp(func, "cbar") == 0) {
            int with_pe = strcmp(spec_str(&t, "pe"), "-") != 0;
            if (with_pe && parse_list(&t, "pe", pe) != np) {
                spec_fail(&t, "pe list length differs from p");
                continue;
            }
            pm_status st = pm_cbar(p, with_pe ? pe : NULL, np, &v, NULL);
            spec_check_true(&t, st == PM_OK, "pm_cbar did not return PM_OK");
            double exp;
            /* a mean of signed terms of size <= 1: absolute error ~count * eps;
             * the table's lists have at most 8 entries (8 eps = 1.8e-15 in
             * the worst case, ~eps in practice with long double sums) */
            if (spec_num(&t, "value", &exp))
                spec_check_abs(&t, "value", v, SPEC_RTOL * fabs(exp) + 1e-15);
        } else if (strcmp(func, "kl") == 0) {
            double eta0, eta1, exp;
            if (!spec_num(&t, "eta0", &eta0) || !spec_num(&t, "eta1", &eta1))
                continue;
            pm_status st = pm_expert_kl(p, np, eta0, eta1, &v, NULL);
            spec_check_true(&t, st == PM_OK, "pm_expert_kl did not return PM_OK");
            /* per-item kl has ~2 eps absolute error (see spec_binom.c), and the
             * library's 1/2 + eta (p - 1/2) is one ulp off, which moves kl by
             * up to |ln(a/b)| + |ln((1-a)/(1-b))| <= ~20 ulps near the clip:
             * 1e-12 relative OR 1e-14 absolute */
            if (spec_num(&t, "value", &exp))
                spec_check_abs(&t, "value", v, SPEC_RTOL * fabs(exp) + 1e-14);
        } else {
            spec_fail(&t, "unknown func '%s'", func);
        }
    }
}

static void run_bound(const char *dir)
{
    static const char *const cols[] = {"kl", "n", "lower_bound", "lower_bound_paper"};
    spec_table t;
    if (spec_open(&t, dir, "monitor_bound.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        double kl, n;
        if (r < 0 || !spec_num(&t, "kl", &kl) || !spec_num(&t, "n", &n))
            continue;
        /* exp(-n kl): the product n*kl is rounded (relative eps), which moves
         * the exponential by n*kl*eps relative */
        double rtol = SPEC_RTOL + 2 * DBL_EPSILON * n * kl;
        spec_check_lin(&t, "lower_bound", pm_expert_lower_bound(kl, n), rtol);
        spec_check_lin(&t, "lower_bound_paper", pm_expert_lower_bound_paper(kl, n), rtol);
    }
}

static void run_bound_n(const char *dir)
{
    static const char *const cols[] = {"kl", "target", "max_n", "status", "n"};
    spec_table t;
    if (spec_open(&t, dir, "monitor_bound_n.tsv", cols, NCOLS(cols)) != 0)
        return;
    int r;
    while ((r = spec_next(&t)) != 0) {
        double kl, target;
        long max_n, n = -1;
        if (r < 0 || !spec_num(&t, "kl", &kl) || !spec_num(&t, "target", &target) ||
            !spec_long(&t, "max_n", &max_n))
            continue;
        int want_ok = strcmp(spec_str(&t, "status"), "ok") == 0;
        if (!want_ok && strcmp(spec_str(&t, "status"), "erange") != 0) {
            spec_fail(&t, "status must be ok|erange");
            continue;
        }
        pm_status st = pm_expert_bound_samplesize(kl, target, max_n, &n, NULL);
        if (st != (want_ok ? PM_OK : PM_ERANGE)) {
            spec_fail(&t, "status: expected %s, got %d", spec_str(&t, "status"), (int)st);
            continue;
        }
        spec_pass();
        if (want_ok)
            spec_check_long(&t, "n", n);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
        return 2;
    }
    run_scheme(argv[1]);
    run_test(argv[1]);
    run_samplesize(argv[1]);
    run_estimate(argv[1]);
    run_expert(argv[1]);
    run_bound(argv[1]);
    run_bound_n(argv[1]);
    return spec_finish();
}
