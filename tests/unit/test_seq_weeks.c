/* seq_weeks: the weekly benchmark's correctness in small (bench/bench_weeks).
 *
 * Annotators give 20 weeks of b duplicate pairs, drawn from the model's
 * pass probability m(eta) = 1/2 + eta (1/2 - delta) (pm_sim_pass_prob,
 * delta 0.02, eta0 0.8, eta1 0.9), with a fixed seed. Two routes to the same
 * probabilities must agree:
 * - the sequential test run pair by pair (pm_seq_update) against the exact
 *   DP (pm_seq_operating at the horizon 20 b: P(fail), P(pass) and P(decided
 *   by week w));
 * - the naive rule, assess's fixed-n rule (pm_assess_rule_for and
 *   pm_assess_rule_apply) re-run on the pooled pairs every week, against
 *   pm_seq_naive_fail's exact P(failed at some look);
 * each exact value inside the simulation's 99.9% Clopper-Pearson interval
 * (with a fixed seed the check is deterministic; a wrong DP, boundary or
 * rule moves the exact value by more than the interval's width, which is
 * about 0.01 for 10000 annotators).
 * And, exactly: the sequential false-fail probability over 20 weeks at
 * eta1 is <= alpha_fail (Ville) for every b, while the naive rule's after
 * 52 weekly looks of 5 pairs exceeds it (the inflation the sequential test
 * exists to avoid). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/assess.h"
#include "prefmon/binom.h"
#include "prefmon/monitor.h"
#include "prefmon/rng.h"
#include "prefmon/seq.h"
#include "prefmon/sim.h"

#define WEEKS 20
#define ANNOTATORS 10000L
#define ETA0 0.8
#define ETA1 0.9
#define ALPHA 0.05
#define DELTA 0.02

static pm_scheme scheme(void)
{
    pm_scheme sc;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, DELTA, 0.5, NULL), PM_OK);
    return sc;
}

/* The model's pass probability of a careful annotator at eta. */
static double model_m(double eta)
{
    pm_scheme sc = scheme();
    double delta_r;
    assert_int_equal(pm_sim_repeat_delta(&sc, &delta_r, NULL), PM_OK);
    pm_sim_annotator a = {PM_SIM_CAREFUL, eta};
    return pm_sim_pass_prob(&a, delta_r);
}

/* p inside the 99.9% Clopper-Pearson interval of x of n. */
static void assert_in_cp(double p, long x, long n)
{
    double lo, hi;
    assert_int_equal(pm_clopper_pearson(x, n, 0.999, &lo, &hi, NULL), PM_OK);
    if (!(p >= lo && p <= hi))
        fail_msg("exact %.6g outside the simulation's 99.9%% interval [%.6g, %.6g] (%ld of %ld)", p,
                 lo, hi, x, n);
}

/* The sequential test, simulated pair by pair, against the DP. */
static void check_sequential(double eta, long b, uint64_t seed)
{
    pm_scheme sc = scheme();
    const double m0 = pm_scheme_pass(&sc, ETA0), m1 = pm_scheme_pass(&sc, ETA1), m = model_m(eta);
    const long horizon = WEEKS * b;
    long fail = 0, pass = 0, by[WEEKS + 1] = {0};
    pm_rng r;
    pm_rng_seed(&r, seed);
    for (long j = 0; j < ANNOTATORS; j++) {
        pm_seq_state st;
        assert_int_equal(pm_seq_init(&st, ALPHA, ALPHA, NULL), PM_OK);
        int week = 0;
        for (int w = 1; w <= WEEKS; w++) {
            for (long i = 0; i < b; i++)
                assert_int_equal(pm_seq_update(&st, pm_rng_unit(&r) < m, m0, m1, NULL), PM_OK);
            if (!week && st.verdict != PM_SEQ_CONTINUE)
                week = w;
        }
        fail += st.verdict == PM_SEQ_FAIL;
        pass += st.verdict == PM_SEQ_PASS;
        for (int w = week ? week : WEEKS + 1; w <= WEEKS; w++)
            by[w]++;
    }
    double *pass_by = malloc((size_t)(horizon + 1) * sizeof *pass_by);
    double *fail_by = malloc((size_t)(horizon + 1) * sizeof *fail_by);
    assert_non_null(pass_by);
    assert_non_null(fail_by);
    pm_seq_oc oc;
    assert_int_equal(
        pm_seq_operating(m0, m1, ALPHA, ALPHA, m, horizon, &oc, pass_by, fail_by, NULL), PM_OK);
    assert_in_cp(oc.p_fail, fail, ANNOTATORS);
    assert_in_cp(oc.p_pass, pass, ANNOTATORS);
    for (int w = 5; w <= WEEKS; w += 5)
        assert_in_cp(pass_by[w * b] + fail_by[w * b], by[w], ANNOTATORS);
    free(pass_by);
    free(fail_by);
}

static void test_sequential_vs_dp(void **state)
{
    (void)state;
    /* At eta1 (the false fails Ville bounds), eta0 (the false passes), in
     * between (neither bounded: both decisions common) and at 0.5. */
    check_sequential(ETA1, 5, 1);
    check_sequential(ETA0, 5, 2);
    check_sequential(0.85, 5, 3);
    check_sequential(0.5, 5, 4);
    check_sequential(ETA1, 20, 5);
    check_sequential(ETA0, 20, 6);
}

/* The naive rule, simulated with assess's own rule, against its DP. */
static void check_naive(double eta, long b, uint64_t seed, double *exact)
{
    pm_scheme sc = scheme();
    const double m = model_m(eta);
    pm_assess_options opt;
    pm_assess_options_default(&opt);
    opt.q0 = 0.5;
    opt.eta0 = ETA0;
    opt.eta1 = ETA1;
    pm_assess_rule rule[WEEKS + 1];
    for (int w = 1; w <= WEEKS; w++)
        assert_int_equal(pm_assess_rule_for(&opt, DELTA, 0.5, w * b, &rule[w], NULL), PM_OK);
    long failed = 0;
    pm_rng r;
    pm_rng_seed(&r, seed);
    for (long j = 0; j < ANNOTATORS; j++) {
        long consistent = 0;
        int f = 0;
        for (int w = 1; w <= WEEKS; w++) {
            for (long i = 0; i < b; i++)
                consistent += pm_rng_unit(&r) < m;
            f |= pm_assess_rule_apply(&rule[w], consistent) == PM_DECISION_FAIL;
        }
        failed += f;
    }
    double fail_by[WEEKS];
    assert_int_equal(pm_seq_naive_fail(&sc, ETA0, ETA1, opt.max_error, m, b, WEEKS, fail_by, NULL),
                     PM_OK);
    assert_in_cp(fail_by[WEEKS - 1], failed, ANNOTATORS);
    *exact = fail_by[WEEKS - 1];
}

static void test_naive_vs_dp(void **state)
{
    (void)state;
    double at_eta1, at_085;
    /* 25 pairs a week: the rule decides from a pooled n within the 20
     * weeks, so neither probability is a trivial 0. */
    check_naive(ETA1, 25, 7, &at_eta1);
    check_naive(0.85, 25, 8, &at_085);
    assert_true(at_eta1 > 0.05);
    assert_true(at_085 > at_eta1);
}

static void test_ville_against_naive(void **state)
{
    (void)state;
    pm_scheme sc = scheme();
    const double m0 = pm_scheme_pass(&sc, ETA0), m1 = pm_scheme_pass(&sc, ETA1);
    const long b[] = {5, 10, 20, 30};
    for (size_t i = 0; i < 4; i++) {
        pm_seq_oc oc;
        /* A diligent annotator (m = m1) fails within 20 weeks w.p. <= alpha_fail;
         * a shirker at m0 passes w.p. <= alpha_pass. */
        assert_int_equal(
            pm_seq_operating(m0, m1, ALPHA, ALPHA, m1, WEEKS * b[i], &oc, NULL, NULL, NULL), PM_OK);
        assert_true(oc.p_fail <= ALPHA);
        assert_true(oc.p_fail > 0);
        assert_int_equal(
            pm_seq_operating(m0, m1, ALPHA, ALPHA, m0, WEEKS * b[i], &oc, NULL, NULL, NULL), PM_OK);
        assert_true(oc.p_pass <= ALPHA);
    }
    /* The naive weekly rule at m1 after 52 looks of 5 pairs (a year). */
    double naive[52];
    pm_assess_options opt;
    pm_assess_options_default(&opt);
    assert_int_equal(pm_seq_naive_fail(&sc, ETA0, ETA1, opt.max_error, m1, 5, 52, naive, NULL),
                     PM_OK);
    assert_true(naive[51] > ALPHA);
    /* The sequential test over the same year stays below alpha_fail. */
    pm_seq_oc oc;
    assert_int_equal(pm_seq_operating(m0, m1, ALPHA, ALPHA, m1, 52 * 5, &oc, NULL, NULL, NULL),
                     PM_OK);
    assert_true(oc.p_fail <= ALPHA);
    assert_true(oc.p_fail < naive[51]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequential_vs_dp),
        cmocka_unit_test(test_naive_vs_dp),
        cmocka_unit_test(test_ville_against_naive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
