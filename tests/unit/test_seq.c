/* seq: the sequential tests against independent references.
 *
 * - e-values: pm_seq_update's running logs against the product of the
 *   likelihood ratios taken directly in long double, the verdict against a
 *   scan of that product for the first crossing;
 * - the DP's operating characteristics against brute-force enumeration of
 *   all 2^n outcome paths (n <= 16), each path run through pm_seq_update;
 * - Ville's bound: the DP's P(pass by N) at m = m0 <= alpha_pass (and P(fail)
 *   at m1 <= alpha_fail), with a Monte Carlo check of the DP inside a
 *   Clopper-Pearson interval;
 * - the naive weekly rule against enumeration of every path over the looks.
 *
 * Tolerances: 1e-13 absolute on probabilities is a few hundred roundings
 * of sums of at most 2^16 terms <= 1; 1e-12 relative on logs of products of
 * up to 200 factors is 200 roundings. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/binom.h"
#include "prefmon/monitor.h"
#include "prefmon/rng.h"
#include "prefmon/seq.h"

/* The likelihood-ratio test request for (sc, eta0, eta1), kept alive for
 * the call it is passed to. */
static const pm_test_request *lr_request(const pm_scheme *sc, double eta0, double eta1)
{
    static pm_test_request tr;
    tr = pm_test_request_lr(sc, eta0, eta1);
    return &tr;
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(pm_seq_verdict_name(PM_SEQ_CONTINUE), "continue");
    assert_string_equal(pm_seq_verdict_name(PM_SEQ_PASS), "pass");
    assert_string_equal(pm_seq_verdict_name(PM_SEQ_FAIL), "fail");
    assert_null(pm_seq_verdict_name((pm_seq_verdict)7));
}

/* The e-values with plug-ins that change every pair (predictable: drawn
 * before the pair), against the product of the ratios in long double. */
static void test_update_vs_product(void **state)
{
    (void)state;
    pm_rng r;
    pm_rng_seed(&r, 11);
    for (int rep = 0; rep < 50; rep++) {
        pm_seq_state st;
        double ap = 0.01 + 0.2 * pm_rng_unit(&r), af = 0.01 + 0.2 * pm_rng_unit(&r);
        assert_int_equal(pm_seq_init(&st, ap, af, NULL), PM_OK);
        long double prod = 1;
        pm_seq_verdict want = PM_SEQ_CONTINUE;
        long want_at = 0, agree = 0;
        for (int i = 1; i <= 200; i++) {
            double m0 = 0.5 + 0.3 * pm_rng_unit(&r);
            double m1 = m0 + (0.99 - m0) * (0.05 + 0.9 * pm_rng_unit(&r));
            int x = pm_rng_unit(&r) < 0.5 * (m0 + m1);
            prod *= x ? (long double)m1 / m0 : (1 - (long double)m1) / (1 - m0);
            agree += x;
            if (want == PM_SEQ_CONTINUE) {
                if (prod >= 1 / (long double)ap)
                    want = PM_SEQ_PASS, want_at = i;
                else if (1 / prod >= 1 / (long double)af)
                    want = PM_SEQ_FAIL, want_at = i;
            }
            assert_int_equal(pm_seq_update(&st, x, m0, m1, NULL), PM_OK);
            assert_true(fabsl(st.log_e_pass - logl(prod)) <= 1e-12 * (1 + fabsl(logl(prod))));
            assert_true(st.log_e_fail == -st.log_e_pass);
            assert_int_equal(st.verdict, want);
            assert_int_equal(st.decided_at, want_at);
            assert_int_equal(st.n, i);
            assert_int_equal(st.agreements, agree);
        }
    }
}

static void test_sticky_and_reopen(void **state)
{
    (void)state;
    pm_seq_state st;
    pm_error err = {0};
    assert_int_equal(pm_seq_init(&st, 0.05, 0.05, NULL), PM_OK);
    /* ln(1/0.05) = 3.0: 5 agreements at ln(0.9/0.5) = 0.588 each reach 2.94,
     * the sixth passes. */
    for (int i = 0; i < 6; i++)
        assert_int_equal(pm_seq_update(&st, 1, 0.5, 0.9, NULL), PM_OK);
    assert_int_equal(st.verdict, PM_SEQ_PASS);
    assert_int_equal(st.decided_at, 6);
    /* Disagreements (each ln 0.2 = -1.61) drive 1/L past 20, but a decided
     * test stays decided. */
    for (int i = 0; i < 10; i++)
        assert_int_equal(pm_seq_update(&st, 0, 0.5, 0.9, NULL), PM_OK);
    assert_int_equal(st.verdict, PM_SEQ_PASS);
    assert_int_equal(st.decided_at, 6);
    assert_true(st.log_e_fail > 3);
    assert_int_equal(st.n, 16);
    pm_seq_reopen(&st);
    assert_int_equal(st.verdict, PM_SEQ_CONTINUE);
    assert_int_equal(st.reopened, 1);
    assert_int_equal(st.n, 0);
    assert_int_equal(st.n_total, 16);
    assert_int_equal(st.agreements_total, 6);
    assert_int_equal(st.opened_at, 16);
    assert_true(st.log_e_pass == 0 && st.log_e_fail == 0);
    /* Two disagreements: -3.22 <= ln 0.05 = -3.0: fail at the 18th pair. */
    assert_int_equal(pm_seq_update(&st, 0, 0.5, 0.9, NULL), PM_OK);
    assert_int_equal(pm_seq_update(&st, 0, 0.5, 0.9, NULL), PM_OK);
    assert_int_equal(st.verdict, PM_SEQ_FAIL);
    assert_int_equal(st.decided_at, 18);
    /* Refusals leave the state as it was. */
    pm_seq_state before = st;
    assert_int_equal(pm_seq_update(&st, 2, 0.5, 0.9, &err), PM_EINVAL);
    assert_int_equal(pm_seq_update(&st, 1, 0.9, 0.9, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "no effort signal"));
    assert_int_equal(pm_seq_update(&st, 1, 0.95, 0.9, &err), PM_EINVAL);
    assert_int_equal(pm_seq_update(&st, 1, 0, 0.9, &err), PM_EINVAL);
    assert_memory_equal(&st, &before, sizeof st);
    assert_int_equal(pm_seq_init(&st, 0, 0.05, &err), PM_EINVAL);
    assert_int_equal(pm_seq_init(&st, 0.05, 1, &err), PM_EINVAL);
}

/* Brute force: every path of n outcomes from `start`, run through
 * pm_seq_update with constant m0, m1. */
typedef struct brute {
    long double pass_by[17], fail_by[17], expected, undecided;
} brute;

static void enumerate(const pm_seq_state *start, double m0, double m1, double m, int n, brute *b)
{
    memset(b, 0, sizeof *b);
    for (uint32_t mask = 0; mask < (1u << n); mask++) {
        pm_seq_state st = *start;
        long double p = 1;
        int t = -1; /* pairs to the decision */
        pm_seq_verdict v = st.verdict;
        if (v != PM_SEQ_CONTINUE)
            t = 0;
        for (int i = 0; i < n; i++) {
            int x = (mask >> i) & 1;
            p *= x ? m : 1 - m;
            assert_int_equal(pm_seq_update(&st, x, m0, m1, NULL), PM_OK);
            if (t < 0 && st.verdict != PM_SEQ_CONTINUE)
                t = i + 1, v = st.verdict;
        }
        b->expected += p * (t < 0 ? n : t);
        if (t < 0) {
            b->undecided += p;
            continue;
        }
        for (int j = t; j <= n; j++) {
            if (v == PM_SEQ_PASS)
                b->pass_by[j] += p;
            else
                b->fail_by[j] += p;
        }
    }
}

static void test_oc_vs_enumeration(void **state)
{
    (void)state;
    const double cases[][4] = {/* m0, m1, alpha_pass, alpha_fail */
                               {0.6, 0.9, 0.1, 0.2},
                               {0.55, 0.8, 0.05, 0.05},
                               {0.884, 0.932, 0.3, 0.4},
                               {0.5, 0.98, 0.01, 0.1}};
    const double ms[] = {0, 0.3, 0.55, 0.6, 0.75, 0.9, 0.97, 1};
    const int n = 16;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        for (size_t k = 0; k < sizeof ms / sizeof *ms; k++) {
            pm_seq_state st;
            brute b;
            pm_seq_oc oc;
            double pass_by[17], fail_by[17];
            assert_int_equal(pm_seq_init(&st, cases[c][2], cases[c][3], NULL), PM_OK);
            enumerate(&st, cases[c][0], cases[c][1], ms[k], n, &b);
            assert_int_equal(pm_seq_operating(cases[c][0], cases[c][1], cases[c][2], cases[c][3],
                                              ms[k], n, &oc, pass_by, fail_by, NULL),
                             PM_OK);
            for (int j = 0; j <= n; j++) {
                assert_true(fabsl(pass_by[j] - b.pass_by[j]) <= 1e-14L);
                assert_true(fabsl(fail_by[j] - b.fail_by[j]) <= 1e-14L);
            }
            assert_true(fabsl(oc.p_pass - b.pass_by[n]) <= 1e-14L);
            assert_true(fabsl(oc.p_fail - b.fail_by[n]) <= 1e-14L);
            assert_true(fabsl(oc.p_undecided - b.undecided) <= 1e-14L);
            assert_true(fabsl(oc.expected_pairs - b.expected) <= 1e-13L);
            assert_true(fabs(oc.p_pass + oc.p_fail + oc.p_undecided - 1) <= 1e-13);
            /* From a state part-way: 5 pairs 1,0,1,1,0 then the rest. */
            const int pre[] = {1, 0, 1, 1, 0};
            for (int i = 0; i < 5 && st.verdict == PM_SEQ_CONTINUE; i++)
                pm_seq_update(&st, pre[i], cases[c][0], cases[c][1], NULL);
            enumerate(&st, cases[c][0], cases[c][1], ms[k], 11, &b);
            assert_int_equal(pm_seq_remaining(&st, cases[c][0], cases[c][1], ms[k], 11, &oc, NULL),
                             PM_OK);
            assert_true(fabsl(oc.p_pass - b.pass_by[11]) <= 1e-14L);
            assert_true(fabsl(oc.p_fail - b.fail_by[11]) <= 1e-14L);
            assert_true(fabsl(oc.expected_pairs - b.expected) <= 1e-13L);
        }
    }
}

/* Ville: at m = m0 the test passes with probability <= alpha_pass however
 * long it runs, and fails at m1 with probability <= alpha_fail; below m0 /
 * above m1 even less. */
static void test_ville(void **state)
{
    (void)state;
    const double cases[][4] = {{0.884, 0.932, 0.05, 0.05},
                               {0.6, 0.9, 0.1, 0.2},
                               {0.5, 0.98, 0.01, 0.1},
                               {0.7, 0.75, 0.05, 0.05}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        pm_seq_oc a, b;
        const double *k = cases[c];
        assert_int_equal(pm_seq_operating(k[0], k[1], k[2], k[3], k[0], 5000, &a, NULL, NULL, NULL),
                         PM_OK);
        assert_true(a.p_pass <= k[2]);
        assert_true(a.p_pass > 0);
        assert_int_equal(pm_seq_operating(k[0], k[1], k[2], k[3], k[1], 5000, &b, NULL, NULL, NULL),
                         PM_OK);
        assert_true(b.p_fail <= k[3]);
        pm_seq_oc lower;
        assert_int_equal(
            pm_seq_operating(k[0], k[1], k[2], k[3], k[0] - 0.05, 5000, &lower, NULL, NULL, NULL),
            PM_OK);
        assert_true(lower.p_pass <= a.p_pass);
        /* A long horizon decides nearly surely, with the mass that stays
         * undecided falling. */
        assert_true(a.p_undecided < 1e-6);
    }
    pm_seq_oc far;
    /* The fastest pass: ln(0.9/0.6) = 0.405 per agreement against ln 20 =
     * 3.0 needs 8 straight agreements, probability m^8, the only path that
     * passes by pair 8. */
    double pass_by[200];
    assert_int_equal(pm_seq_operating(0.6, 0.9, 0.05, 0.05, 0.05, 8, &far, pass_by, NULL, NULL),
                     PM_OK);
    assert_true(pass_by[7] == 0);
    assert_true(fabs(pass_by[8] - pow(0.05, 8)) <= 1e-15 * pow(0.05, 8));
    assert_true(fabs(far.log_p_pass - 8 * log(0.05)) <= 1e-13);
    /* The same far below the smallest double: m1/m0 = 0.62/0.6 needs
     * K = ceil(ln 20 / ln(0.62/0.6)) = 92 straight agreements, probability
     * 1e-4^92 = 1e-368, kept on the log scale. */
    int K = (int)ceil(log(20) / log(0.62 / 0.6));
    assert_int_equal(K, 92);
    assert_int_equal(pm_seq_operating(0.6, 0.62, 0.05, 0.05, 1e-4, K, &far, pass_by, NULL, NULL),
                     PM_OK);
    assert_true(pass_by[K - 1] == 0 && far.p_pass == 0);
    assert_true(fabs(far.log_p_pass - K * log(1e-4)) <= 1e-12 * K * fabs(log(1e-4)));
}

static void test_monte_carlo(void **state)
{
    (void)state;
    const double m0 = 0.884, m1 = 0.932, ms[] = {0.884, 0.91, 0.932};
    const long N = 300, paths = 20000;
    pm_rng r;
    pm_rng_seed(&r, 2026);
    for (size_t k = 0; k < 3; k++) {
        long pass = 0, fail = 0;
        for (long p = 0; p < paths; p++) {
            pm_seq_state st;
            pm_seq_init(&st, 0.05, 0.05, NULL);
            for (long i = 0; i < N && st.verdict == PM_SEQ_CONTINUE; i++)
                pm_seq_update(&st, pm_rng_unit(&r) < ms[k], m0, m1, NULL);
            pass += st.verdict == PM_SEQ_PASS;
            fail += st.verdict == PM_SEQ_FAIL;
        }
        pm_seq_oc oc;
        assert_int_equal(pm_seq_operating(m0, m1, 0.05, 0.05, ms[k], N, &oc, NULL, NULL, NULL),
                         PM_OK);
        double lo, hi;
        assert_int_equal(pm_clopper_pearson(pass, paths, 0.9999, &lo, &hi, NULL), PM_OK);
        assert_true(oc.p_pass >= lo && oc.p_pass <= hi);
        assert_int_equal(pm_clopper_pearson(fail, paths, 0.9999, &lo, &hi, NULL), PM_OK);
        assert_true(oc.p_fail >= lo && oc.p_fail <= hi);
    }
}

static void test_oc_limits(void **state)
{
    (void)state;
    pm_seq_oc oc;
    pm_error err = {0};
    assert_int_equal(
        pm_seq_operating(0.6, 0.9, 0.05, 0.05, 0.5, PM_SEQ_HORIZON_MAX + 1, &oc, NULL, NULL, &err),
        PM_ELIMIT);
    /* Close hypotheses make a wide band: 1e6 rows of ~6000 cells. */
    assert_int_equal(pm_seq_operating(0.9, 0.9005, 0.05, 0.05, 0.9, 1000000, &oc, NULL, NULL, &err),
                     PM_ELIMIT);
    assert_non_null(strstr(err.text, "DP cells"));
    assert_int_equal(pm_seq_operating(0.9, 0.8, 0.05, 0.05, 0.9, 10, &oc, NULL, NULL, &err),
                     PM_EINVAL);
    assert_int_equal(pm_seq_operating(0.6, 0.9, 0.05, 0.05, 1.5, 10, &oc, NULL, NULL, &err),
                     PM_EINVAL);
    assert_int_equal(pm_seq_operating(0.6, 0.9, 0.05, 0.05, 0.7, 0, &oc, NULL, NULL, &err), PM_OK);
    assert_true(oc.p_undecided == 1 && oc.expected_pairs == 0);
    /* A decided state: its verdict with certainty, no pairs to wait for. */
    pm_seq_state st;
    pm_seq_init(&st, 0.05, 0.05, NULL);
    for (int i = 0; i < 3; i++)
        pm_seq_update(&st, 0, 0.6, 0.9, NULL);
    assert_int_equal(st.verdict, PM_SEQ_FAIL);
    assert_int_equal(pm_seq_remaining(&st, 0.6, 0.9, 0.95, 100, &oc, NULL), PM_OK);
    assert_true(oc.p_fail == 1 && oc.p_pass == 0 && oc.expected_pairs == 0);
}

/* The naive rule by enumeration: every path of looks * per_look outcomes,
 * the LR design at each pooled n, failed at the first look it fails. */
static void naive_brute(const pm_scheme *sc, double eta0, double eta1, double max_error, double m,
                        int per_look, int looks, long double *out)
{
    int n = per_look * looks;
    long ks[32];
    int decide[32];
    for (int l = 1; l <= looks; l++) {
        pm_test t;
        assert_int_equal(pm_test_design(lr_request(sc, eta0, eta1), l * per_look, &t, NULL), PM_OK);
        ks[l] = t.k;
        decide[l] = t.error_sum <= max_error;
    }
    for (int l = 0; l < looks; l++)
        out[l] = 0;
    for (uint32_t mask = 0; mask < (1u << n); mask++) {
        long double p = 1;
        int x = 0, failed = 0;
        for (int i = 0; i < n; i++) {
            int b = (mask >> i) & 1;
            p *= b ? m : 1 - m;
            x += b;
            int l = (i + 1) / per_look;
            if ((i + 1) % per_look == 0 && !failed && decide[l] && x < ks[l])
                failed = l;
        }
        if (failed)
            for (int l = failed; l <= looks; l++)
                out[l - 1] += p;
    }
}

static void test_naive_vs_enumeration(void **state)
{
    (void)state;
    pm_scheme sc;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.02, 0.5, NULL), PM_OK);
    const int shapes[][2] = {{1, 16}, {2, 8}, {4, 4}, {5, 3}, {16, 1}};
    const double ms[] = {0.7, 0.884, 0.932, 0.99};
    const double max_errors[] = {0.2, 1.0, 2.0};
    for (size_t s = 0; s < 5; s++)
        for (size_t k = 0; k < 4; k++)
            for (size_t e = 0; e < 3; e++) {
                long double want[16];
                double got[16];
                naive_brute(&sc, 0.8, 0.9, max_errors[e], ms[k], shapes[s][0], shapes[s][1], want);
                assert_int_equal(pm_seq_naive_fail(&sc, 0.8, 0.9, max_errors[e], ms[k],
                                                   shapes[s][0], shapes[s][1], got, NULL),
                                 PM_OK);
                for (int l = 0; l < shapes[s][1]; l++)
                    assert_true(fabsl(got[l] - want[l]) <= 1e-14L);
            }
    /* One look is the fixed design's type II error at m1. */
    pm_test t;
    double one;
    assert_int_equal(pm_test_design(lr_request(&sc, 0.8, 0.9), 260, &t, NULL), PM_OK);
    assert_int_equal(
        pm_seq_naive_fail(&sc, 0.8, 0.9, 2, pm_scheme_pass(&sc, 0.9), 260, 1, &one, NULL), PM_OK);
    assert_true(fabs(one - t.type2) <= 1e-12 * t.type2);
    /* Weekly re-runs on the same 260 pairs fail a diligent annotator far more
     * often than the one test at 260 does (the point of the sequential test). */
    double weekly[52];
    assert_int_equal(
        pm_seq_naive_fail(&sc, 0.8, 0.9, 2, pm_scheme_pass(&sc, 0.9), 5, 52, weekly, NULL), PM_OK);
    assert_true(weekly[51] > 1.5 * t.type2);
    for (int l = 1; l < 52; l++)
        assert_true(weekly[l] >= weekly[l - 1]);
    pm_error err = {0};
    assert_int_equal(pm_seq_naive_fail(&sc, 0.8, 0.9, 0.2, 0.9, 0, 4, weekly, &err), PM_EINVAL);
    assert_int_equal(pm_seq_naive_fail(&sc, 0.8, 0.9, 0.2, 0.9, 100000, 52, weekly, &err),
                     PM_ELIMIT);
}

/* The grid of power --sequential and one row against the functions it
 * combines. */
static void test_power_row(void **state)
{
    (void)state;
    double g[PM_SEQ_GRID_MAX];
    assert_int_equal(pm_seq_effort_grid(0.8, 0.9, g), 11);
    for (int i = 0; i <= 10; i++)
        assert_true(g[i] == i / 10.0);
    assert_int_equal(pm_seq_effort_grid(0.85, 0.95, g), 13);
    const double want[] = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1};
    for (int i = 0; i < 13; i++)
        assert_true(g[i] == want[i]);
    assert_int_equal(pm_seq_effort_grid(0, 0.05, g), 12);
    assert_true(g[0] == 0 && g[1] == 0.05 && g[2] == 0.1);

    pm_scheme sc;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.02, 0.5, NULL), PM_OK);
    const double m0 = pm_scheme_pass(&sc, 0.8), m1 = pm_scheme_pass(&sc, 0.9);
    const double etas[] = {0.5, 0.8, 0.85, 0.9, 1};
    const pm_seq_verdict ville[] = {PM_SEQ_PASS, PM_SEQ_PASS, PM_SEQ_CONTINUE, PM_SEQ_FAIL,
                                    PM_SEQ_FAIL};
    for (int e = 0; e < 5; e++) {
        pm_seq_power_row r;
        assert_int_equal(pm_seq_power_at(&sc, 0.8, 0.9, 0.05, 0.1, 100, 5, 0.2, etas[e], &r, NULL),
                         PM_OK);
        double m = pm_scheme_pass(&sc, etas[e]);
        pm_seq_oc oc;
        double fail_by[261], naive[52];
        assert_int_equal(pm_seq_operating(m0, m1, 0.05, 0.1, m, 100, &oc, NULL, NULL, NULL), PM_OK);
        assert_true(r.oc.p_pass == oc.p_pass && r.oc.p_fail == oc.p_fail);
        assert_true(r.oc.expected_pairs == oc.expected_pairs);
        assert_int_equal(pm_seq_operating(m0, m1, 0.05, 0.1, m, 260, &oc, NULL, fail_by, NULL),
                         PM_OK);
        assert_int_equal(pm_seq_naive_fail(&sc, 0.8, 0.9, 0.2, m, 5, 52, naive, NULL), PM_OK);
        const long looks[] = {4, 12, 52};
        for (int k = 0; k < 3; k++) {
            assert_int_equal(r.looks[k], looks[k]);
            assert_true(r.seq_fail[k] == fail_by[5 * looks[k]]);
            assert_true(r.naive_fail[k] == naive[looks[k] - 1]);
        }
        assert_int_equal(r.ville, ville[e]);
        if (ville[e] == PM_SEQ_CONTINUE)
            assert_true(isnan(r.ville_bound));
        else
            assert_true(r.ville_bound == (ville[e] == PM_SEQ_PASS ? 0.05 : 0.1));
    }
    pm_seq_power_row r;
    pm_error err = {0};
    pm_scheme perfect;
    assert_int_equal(pm_scheme_self(&perfect, PM_CONV_GENERAL, 0, 0.5, NULL), PM_OK);
    assert_int_equal(pm_seq_power_at(&perfect, 0.8, 1, 0.05, 0.05, 100, 5, 0.2, 0.5, &r, &err),
                     PM_EINVAL);
    assert_non_null(strstr(err.text, "m1 = 1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_update_vs_product),
        cmocka_unit_test(test_sticky_and_reopen),
        cmocka_unit_test(test_oc_vs_enumeration),
        cmocka_unit_test(test_ville),
        cmocka_unit_test(test_monte_carlo),
        cmocka_unit_test(test_oc_limits),
        cmocka_unit_test(test_naive_vs_enumeration),
        cmocka_unit_test(test_power_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
