/* decide: the replay against hand-computed likelihood ratios, the
 * below-chance clicker, one label, drift on an annotator who stops
 * working, and the delta at which a verdict flips. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/decide.h"

static pm_decide_pair pair(int agree, double q0, double delta, long batch)
{
    return (pm_decide_pair){agree, q0, q0 + 0.8 * (1 - delta - q0), q0 + 0.9 * (1 - delta - q0),
                            batch};
}

/* The e-values after every prefix equal the product of the factors with
 * each pair's own m0, m1 (computed here term by term), and the verdict is
 * the first crossing of 1/alpha. */
static void test_replay_matches_hand(void **state)
{
    (void)state;
    pm_decide_options o;
    pm_decide_options_default(&o);
    pm_decide_pair p[40];
    double q0s[4] = {0.5, 0.55, 0.52, 0.6};
    for (int i = 0; i < 40; i++)
        p[i] = pair(i % 2, q0s[i / 10], 0.02, i / 10);
    double logl = 0;
    int decided = 0, dv = 0;
    for (size_t n = 1; n <= 40; n++) {
        const pm_decide_pair *x = &p[n - 1];
        logl += x->agree ? log(x->m1 / x->m0) : log((1 - x->m1) / (1 - x->m0));
        pm_decide_result r;
        assert_int_equal(pm_decide_replay(&o, p, n, 0.5, 0.02, 10, &r, NULL), PM_OK);
        if (!decided) {
            assert_true(fabs(log(r.e_pass) - logl) < 1e-9);
            assert_true(fabs(log(r.e_fail) + logl) < 1e-9);
        }
        int want = decided ? dv : logl >= log(20) ? 1 : logl <= -log(20) ? 2 : 0;
        if (!decided && want) {
            decided = (int)n;
            dv = want;
        }
        assert_int_equal(r.seq.verdict, want == 1   ? PM_SEQ_PASS
                                        : want == 2 ? PM_SEQ_FAIL
                                                    : PM_SEQ_CONTINUE);
        assert_int_equal(r.pairs, (long)n);
    }
    assert_true(decided > 0);
}

/* 0 of 22 under swapped repeats: below chance, fail, no eta interval, and
 * the reason. */
static void test_below_chance_blocked(void **state)
{
    (void)state;
    pm_decide_options o;
    pm_decide_options_default(&o);
    pm_decide_pair p[22];
    for (int i = 0; i < 22; i++)
        p[i] = pair(0, 0.506, 0.02, 0);
    pm_decide_result r;
    assert_int_equal(pm_decide_replay(&o, p, 22, 0.506, 0.02, 22, &r, NULL), PM_OK);
    assert_true(r.below_chance);
    assert_int_equal(r.verdict, PM_SEQ_FAIL);
    assert_true(isnan(r.eta_low) && isnan(r.eta_high));
    char reason[200];
    assert_int_equal(pm_decide_action(&r, 0, NULL, reason, sizeof reason), PM_ACTION_BLOCK);
    /* m1 = 0.506 + 0.9 (0.98 - 0.506) = 0.9326; 22 x that = 20.5 -> "about 21" */
    assert_non_null(strstr(reason, "0 of 22 repeats agree; a diligent annotator would agree on "
                                   "about 21"));
}

/* One label for everything: q0 = 1 >= 1 - delta: no decision, review. */
static void test_one_label_review(void **state)
{
    (void)state;
    pm_decide_options o;
    pm_decide_options_default(&o);
    pm_decide_pair p[30];
    for (int i = 0; i < 30; i++)
        p[i] = pair(1, 0.5, 0.02, 0); /* tested at the first batch's q0 */
    pm_decide_result r;
    assert_int_equal(pm_decide_replay(&o, p, 30, 0.99, 0.02, 30, &r, NULL), PM_OK);
    assert_true(r.no_signal);
    assert_int_equal(r.verdict, PM_SEQ_CONTINUE);
    char reason[200];
    assert_int_equal(pm_decide_action(&r, 0, NULL, reason, sizeof reason), PM_ACTION_REVIEW);
}

/* An annotator who agrees on every pair for 10 batches of 10, then on
 * none: passes, the chart alarms after the change, the change point is
 * found at pair 101 (batch 10) and the test is reopened (alpha spent
 * again). */
static void test_drift_change_point(void **state)
{
    (void)state;
    pm_decide_options o;
    pm_decide_options_default(&o);
    pm_decide_pair p[140];
    for (int i = 0; i < 140; i++)
        p[i] = pair(i < 100, 0.5, 0.02, i / 10);
    pm_decide_result r;
    assert_int_equal(pm_decide_replay(&o, p, 100, 0.5, 0.02, 10, &r, NULL), PM_OK);
    assert_int_equal(r.verdict, PM_SEQ_PASS);
    assert_false(r.drift);
    assert_int_equal(pm_decide_replay(&o, p, 140, 0.5, 0.02, 10, &r, NULL), PM_OK);
    assert_true(r.drift);
    assert_int_equal(r.drift_pair, 101);
    assert_int_equal(r.drift_batch, 10);
    assert_int_equal(r.seq.reopened, 1);
    assert_true(r.drift_h > 0);
    /* the false-alarm run length is at least a year of pairs over the rate */
    assert_true(r.drift_arl >= 52.0 * 10 / 0.1);
    char reason[200];
    assert_int_equal(pm_decide_action(&r, 0, "w10", reason, sizeof reason),
                     r.verdict == PM_SEQ_FAIL ? PM_ACTION_BLOCK : PM_ACTION_REVIEW);
}

/* The flip delta: the verdict differs just past it and not just before. */
static void test_delta_flip(void **state)
{
    (void)state;
    pm_decide_options o;
    pm_decide_options_default(&o);
    pm_decide_pair p[60];
    for (int i = 0; i < 60; i++)
        p[i] = pair(i % 5 != 0, 0.5, 0.02, 0); /* 80 % agree: a fail at 0.02 */
    pm_decide_result r0;
    assert_int_equal(pm_decide_replay(&o, p, 60, 0.5, 0.02, 60, &r0, NULL), PM_OK);
    assert_int_equal(r0.seq.verdict, PM_SEQ_FAIL);
    double f = pm_decide_delta_flip(&o, p, 60, 0.02);
    assert_false(isnan(f));
    for (int side = 0; side < 2; side++) {
        double d = side ? f + 2e-4 : f - 2e-4;
        pm_decide_pair q[60];
        for (int i = 0; i < 60; i++)
            q[i] = pair(p[i].agree, 0.5, d, 0);
        pm_decide_result r;
        assert_int_equal(pm_decide_replay(&o, q, 60, 0.5, d, 60, &r, NULL), PM_OK);
        /* the side towards 0.02 keeps the verdict */
        int near = (f > 0.02) ? !side : side;
        if (near && fabs(d - 0.02) > fabs(f - 0.02))
            near = 0;
        if (near)
            assert_int_equal(r.seq.verdict, r0.seq.verdict);
        else
            assert_int_not_equal(r.seq.verdict, r0.seq.verdict);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_matches_hand), cmocka_unit_test(test_below_chance_blocked),
        cmocka_unit_test(test_one_label_review),    cmocka_unit_test(test_drift_change_point),
        cmocka_unit_test(test_delta_flip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
