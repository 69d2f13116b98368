/* reproduce: the settings are the paper's, every stored number is the one
 * the underlying solver or test gives for its indices, and the shapes the
 * theory predicts hold (spec_reproduce checks the values against mpmath). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/contract.h"
#include "prefmon/model.h"
#include "prefmon/monitor.h"
#include "prefmon/reproduce.h"
#include "test_request_util.h"

static void test_settings(void **state)
{
    (void)state;
    pm_repro_setting s;
    pm_model want;
    pm_error e = {0};
    pm_repro_setting_get(0, &s);
    pm_model_default(&want);
    assert_true(s.delta == 0.02 && memcmp(&s.model, &want, sizeof want) == 0);
    pm_repro_setting_get(1, &s);
    assert_true(s.delta == 0 && memcmp(&s.model, &want, sizeof want) == 0);
    pm_repro_setting_get(2, &s);
    assert_int_equal(pm_value_parse("power:0.3,0.8", &want.mu, &e), PM_OK);
    assert_true(s.delta == 0.02 && memcmp(&s.model, &want, sizeof want) == 0);
    pm_model_default(&want);
    pm_repro_setting_get(3, &s);
    assert_int_equal(pm_utility_parse("cara:0.5", &want.G, &e), PM_OK);
    assert_true(memcmp(&s.model, &want, sizeof want) == 0);
    /* G~ = 1/2 - 1/2 e^{-w/2} */
    assert_true(fabs(pm_utility_eval(&s.model.G, 2.0, 0) - (0.5 - 0.5 * exp(-1.0))) < 1e-15);
}

static void test_grids(void **state)
{
    (void)state;
    pm_repro_opts o;
    pm_repro_opts_default(&o);
    assert_true(o.gap_n_max == 201 && o.grid == PM_REPRO_GRID_COARSE && o.target == 0.1);
    long ns[PM_REPRO_MAX_GAP_NS];
    assert_int_equal(pm_repro_gap_ns(&o, ns), 21);
    assert_true(ns[0] == 1 && ns[1] == 11 && ns[20] == 201);
    assert_true(pm_repro_grid_at(&o, 0) && !pm_repro_grid_at(&o, 1) && pm_repro_grid_at(&o, 5));
    o.grid = PM_REPRO_GRID_OFF;
    assert_false(pm_repro_grid_at(&o, 0));
    o.grid = PM_REPRO_GRID_FULL;
    assert_true(pm_repro_grid_at(&o, 3));
    assert_true(pm_repro_lb_n(0) == 10 && pm_repro_lb_n(PM_REPRO_LB_NS - 1) == 490);
    assert_true(pm_repro_solve(0) == PM_SOLVE_SECOND_BEST);
    assert_true(pm_repro_solve(1) == PM_SOLVE_RESTRICTED);
}

static void test_self(void **state)
{
    (void)state;
    pm_repro_opts o;
    pm_repro_opts_default(&o);
    o.grid = PM_REPRO_GRID_OFF;
    o.gap_n_max = 31;
    pm_repro_self *s = malloc(sizeof *s);
    assert_non_null(s);
    pm_error e = {0};
    assert_int_equal(pm_repro_self_run(&o, s, &e), PM_OK);
    /* Fig. 2 point (delta 0.1, eta0 0.9, eta1 0.95, n = 50) is pm_test_design's */
    pm_scheme sc;
    pm_test t;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_PAPER, 0.1, 0.5, &e), PM_OK);
    assert_int_equal(design(&sc, 0.9, 0.95, 50, PM_RULE_LR, 0.05, &t, &e), PM_OK);
    assert_true(s->lrt[1][1][1][4] == t.error_sum);
    /* error sums fall with n at delta = 0 (m1 = 1: type II is 0, type I
     * falls) and rise with delta at fixed n */
    for (int k = 1; k < PM_REPRO_LB_NS; k++)
        assert_true(s->lrt[0][0][0][k] <= s->lrt[0][0][0][k - 1]);
    assert_true(s->lrt[3][0][0][9] > s->lrt[1][0][0][9]);
    /* Fig. 3 point (variant mu-low, binary, restricted, exact, n = 21) is
     * pm_contract_solve's */
    pm_repro_setting set;
    pm_repro_setting_get(2, &set);
    pm_contract c;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, &e), PM_OK);
    assert_int_equal(
        pm_contract_solve(&set.model, &sc, 21, PM_CONTRACT_BINARY, PM_SOLVE_RESTRICTED, &c, &e),
        PM_OK);
    assert_true(s->gaps.g[2][1][1][0][2] == c.normalized_gap);
    assert_true(isnan(s->gaps.g[0][0][0][1][0]));  /* grid off */
    assert_false(isnan(s->gaps.g[0][0][0][0][3])); /* n = 31 */
    assert_true(isnan(s->gaps.g[0][0][0][0][4]));  /* past gap_n_max */
    /* rates: linear about -1, binary between -1 and -1/2 (Thm. 1-2) */
    assert_true(fabs(s->gaps.ll_slope[0][1] + 1) < 0.05);
    assert_true(s->gaps.ll_slope[1][1] > -1 && s->gaps.ll_slope[1][1] < -0.5);
    /* sample sizes: more repeats needed as delta grows; gold items fall
     * as cbar grows; cbar = 1 at eta1 = 1 is a perfect expert */
    assert_true(s->ss_self[0][0] < s->ss_self[1][0] && s->ss_self[1][0] < s->ss_self[2][0]);
    for (int k = 1; k < PM_REPRO_CBARS; k++)
        assert_true(s->ss_expert[k][0] <= s->ss_expert[k - 1][0]);
    assert_true(s->ss_cbar[PM_REPRO_CBARS - 1] == 1.0);
    assert_int_equal(pm_scheme_expert(&sc, 0.5, &e), PM_OK);
    assert_int_equal(samplesize(&sc, 0.8, 1, PM_RULE_LR, 0.05, 0.1, PM_REPRO_SS_MAX_N, &t, &e),
                     PM_OK);
    assert_true(s->ss_expert[9][0] == t.n); /* cbar = 0.5 */
    free(s);
}

static void test_expert(void **state)
{
    (void)state;
    enum { N = 200 };
    double p[N];
    for (int i = 0; i < N; i++)
        p[i] = 0.5 + 0.5 * i / (N - 1); /* uniform on [1/2, 1] */
    pm_repro_opts o;
    pm_repro_opts_default(&o);
    o.grid = PM_REPRO_GRID_OFF;
    o.gap_n_max = 1;
    o.loglog = 0;
    pm_repro_expert *x = malloc(sizeof *x);
    assert_non_null(x);
    pm_error e = {0};
    assert_int_equal(pm_repro_expert_run(p, N, &o, x, &e), PM_OK);
    assert_true(fabs(x->cbar - 0.5) < 1e-12); /* 2 E|p - 1/2| = 2 * 1/4 */
    assert_true(fabs(x->mean_p - 0.75) < 1e-12);
    size_t total = 0;
    for (int b = 0; b < PM_REPRO_HIST_BINS; b++) {
        total += x->hist_count[b];
        /* 200 points evenly spread over 15 bins: 13 or 14 each */
        assert_true(x->hist_count[b] >= 13 && x->hist_count[b] <= 14);
    }
    assert_int_equal(total, N);
    double kl;
    assert_int_equal(pm_expert_kl(p, N, 0.8, 1.0, &kl, &e), PM_OK);
    assert_true(x->kl[2][0] == kl && x->lb[2][0][4] == pm_expert_lower_bound(kl, 50));
    /* the bound rises with eta0 (closer hypotheses), falls with n */
    for (int a = 1; a < PM_REPRO_LB_ETA0S; a++)
        assert_true(x->lb[a][0][9] <= x->lb[a - 1][0][9]);
    for (int k = 1; k < PM_REPRO_LB_NS; k++)
        assert_true(x->lb[0][0][k] <= x->lb[0][0][k - 1]);
    assert_true(isnan(x->gaps.ll_slope[0][0]));    /* log-log off */
    assert_false(isnan(x->gaps.g[0][0][0][0][0])); /* exact, n = 1 */
    o.gaps = 0;                                    /* no Fig. 3: every gap NaN */
    assert_int_equal(pm_repro_expert_run(p, N, &o, x, &e), PM_OK);
    assert_true(isnan(x->gaps.g[0][0][0][0][0]) && x->kl[2][0] == kl);
    /* no test beats the bound's sample size */
    assert_true(x->ss_bound[0] > 0 && x->ss_bound[0] <= x->ss_test[0]);
    for (int i = 0; i < N; i++)
        p[i] = 0.5;
    assert_int_equal(pm_repro_expert_run(p, N, &o, x, &e), PM_EINVAL);
    assert_non_null(strstr(e.text, "cbar = 0"));
    o.gap_n_max = 0;
    assert_int_equal(pm_repro_expert_run(p, N, &o, x, &e), PM_EINVAL);
    pm_repro_opts_default(&o);
    o.target = 1;
    assert_int_equal(pm_repro_expert_run(p, N, &o, x, &e), PM_EINVAL);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_grids),
        cmocka_unit_test(test_self),
        cmocka_unit_test(test_expert),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
