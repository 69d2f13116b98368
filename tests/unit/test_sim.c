/* sim: the cross-checks only a simulation gives (issue 8, point 2), and the
 * label model's own invariants.
 *
 * Every Monte Carlo comparison below is exact and normal-free: the MC count
 * K of N Bernoulli trials gets its two-sided 99.9% Clopper–Pearson interval
 * (pm_clopper_pearson), and the exact value from the library must lie in
 * it. A correct library fails such a check with probability <= 0.1% per
 * comparison, and the seeds are fixed, so a pass is repeatable; a wrong
 * convention (e.g. delta where delta/2 is meant) moves the exact value
 * out of the interval by many widths at these N.
 *   1. empirical type I / II of the self-consistency test (the LR test for
 *      n pairs) against pm_test_design's exact type1 / type2 (what `power`
 *      prints);
 *   2. coverage of the 95% effort interval (pm_estimate_effort) against
 *      its level: Clopper–Pearson is conservative, so the claim tested is
 *      coverage >= 0.95, i.e. the MC interval's upper end reaches 0.95;
 *   3. mean payment under a solved contract (pm_pay_compute on simulated
 *      outcomes) against the contract's expected_pay (what `contract`
 *      prints), binary and linear;
 *   4. the agent's best response simulated over an effort grid against
 *      pm_contract_best_response.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/binom.h"
#include "prefmon/contract.h"
#include "prefmon/pay.h"
#include "prefmon/prefs.h"
#include "prefmon/records_write.h"
#include "prefmon/sim.h"
#include "test_request_util.h"

#define MC_LEVEL 0.999

/* The exact value p lies in the 99.9% Clopper–Pearson interval of k of n. */
static void assert_in_cp(long k, long n, double p, const char *what)
{
    double lo, hi;
    assert_int_equal(pm_clopper_pearson(k, n, MC_LEVEL, &lo, &hi, NULL), PM_OK);
    if (!(p >= lo && p <= hi))
        fail_msg("%s: exact %.6g outside the MC's 99.9%% interval [%.6g, %.6g] (%ld of %ld)", what,
                 p, lo, hi, k, n);
}

/* A world of N careful annotators with efforts eta[j], each labelling n
 * duplicated items (queue 2n, gap n) from a key-only pool with p = 0.7. */
typedef struct world {
    pm_plan_pool *items;
    double *p;
    pm_plan *plan;
    pm_sim_annotator *pool;
    char *labels;
    size_t rows, nann;
    long n;
} world;

static void world_make(world *w, size_t nann, long n, const double *eta, double delta_r,
                       uint64_t seed)
{
    memset(w, 0, sizeof *w);
    w->items = pm_plan_pool_new(NULL);
    w->nann = nann;
    w->n = n;
    size_t nitems = (size_t)n + 10;
    w->p = malloc(nitems * sizeof *w->p);
    for (size_t i = 0; i < nitems; i++) {
        char k[32];
        snprintf(k, sizeof k, "item-%zu", i);
        assert_int_equal(pm_plan_pool_add(w->items, k, NULL, NULL, NULL, NULL), PM_OK);
        w->p[i] = 0.7;
    }
    pm_plan_request req = {w->items, NULL, NULL, nann, 2 * n, n, 0, n, 0, seed};
    assert_int_equal(pm_plan_make(&req, &w->plan, NULL), PM_OK);
    pm_plan_rows(w->plan, &w->rows);
    w->pool = malloc(nann * sizeof *w->pool);
    for (size_t j = 0; j < nann; j++)
        w->pool[j] = (pm_sim_annotator){PM_SIM_CAREFUL, eta[j]};
    w->labels = malloc(w->rows);
    pm_sim_request sr = {w->plan, w->items, NULL, w->p, NULL, w->pool, delta_r, seed + 1};
    assert_int_equal(pm_sim_labels(&sr, w->labels, NULL), PM_OK);
}

static void world_free(world *w)
{
    pm_plan_free(w->plan);
    pm_plan_pool_free(w->items);
    free(w->p);
    free(w->pool);
    free(w->labels);
}

/* Consistent pairs of annotator j: copy 2 equal to its copy 1. */
static long consistent(const world *w, size_t j)
{
    size_t count, len = (size_t)(2 * w->n);
    const pm_plan_row *rows = pm_plan_rows(w->plan, &count) + j * len;
    const char *lab = w->labels + j * len;
    long x = 0;
    for (size_t i = 0; i < len; i++)
        if (rows[i].copy == 2)
            x += lab[i] == lab[rows[i].partner - 1];
    return x;
}

static double *fill(size_t n, double v)
{
    double *e = malloc(n * sizeof *e);
    for (size_t i = 0; i < n; i++)
        e[i] = v;
    return e;
}

/* 1. Type I at eta0 and type II at eta1 of the LR test for n = 40 pairs,
 *    general convention (q0 = 1/2, delta 0.02); and the same through the
 *    paper convention (delta 0.04 simulated as delta_r = 0.02). Also the
 *    pooled pair agreement against m(eta) itself. */
static void test_error_rates(void **state)
{
    (void)state;
    const long n = 40;
    const size_t N = 10000;
    const pm_convention convs[2] = {PM_CONV_GENERAL, PM_CONV_PAPER};
    const double deltas[2] = {0.02, 0.04};
    for (int c = 0; c < 2; c++) {
        pm_scheme sc;
        double dr;
        assert_int_equal(pm_scheme_self(&sc, convs[c], deltas[c], 0.5, NULL), PM_OK);
        assert_int_equal(pm_sim_repeat_delta(&sc, &dr, NULL), PM_OK);
        assert_true(fabs(dr - 0.02) < 1e-15);
        pm_test t;
        assert_int_equal(design(&sc, 0.6, 0.95, n, PM_RULE_LR, 0, &t, NULL), PM_OK);
        const double etas[2] = {0.6, 0.95};
        for (int h = 0; h < 2; h++) {
            double *eta = fill(N, etas[h]);
            world w;
            world_make(&w, N, n, eta, dr, 100 + (uint64_t)(2 * c + h));
            long wrong = 0, agree = 0;
            for (size_t j = 0; j < N; j++) {
                long x = consistent(&w, j);
                agree += x;
                wrong += h == 0 ? x >= t.k : x < t.k; /* passes at eta0, fails at eta1 */
            }
            assert_in_cp(wrong, (long)N, h == 0 ? t.type1 : t.type2,
                         h == 0 ? "type I at eta0" : "type II at eta1");
            assert_in_cp(agree, (long)N * n, pm_scheme_pass(&sc, etas[h]), "pair agreement m");
            world_free(&w);
            free(eta);
        }
        /* The check can fail: the other convention's m is far outside. */
        double lo, hi, m_wrong = 0.5 + 0.95 * (0.5 - 0.04);
        world w;
        double *eta = fill(2000, 0.95);
        world_make(&w, 2000, n, eta, dr, 7);
        long agree = 0;
        for (size_t j = 0; j < 2000; j++)
            agree += consistent(&w, j);
        pm_clopper_pearson(agree, 2000 * n, MC_LEVEL, &lo, &hi, NULL);
        assert_true(m_wrong < lo || m_wrong > hi);
        world_free(&w);
        free(eta);
    }
}

/* 2. Coverage of the 95% interval for eta from n = 30 pairs at several
 *    efforts: not significantly below 0.95. */
static void test_coverage(void **state)
{
    (void)state;
    const long n = 30;
    const size_t N = 10000;
    const double etas[3] = {0.3, 0.7, 0.9};
    pm_scheme sc;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.02, 0.5, NULL), PM_OK);
    for (int e = 0; e < 3; e++) {
        double *eta = fill(N, etas[e]);
        world w;
        world_make(&w, N, n, eta, 0.02, 200 + (uint64_t)e);
        long cov = 0;
        for (size_t j = 0; j < N; j++) {
            pm_estimate est;
            assert_int_equal(pm_estimate_effort(&sc, n, consistent(&w, j), 0.95, 0.5, &est, NULL),
                             PM_OK);
            cov += etas[e] >= est.eta_low && etas[e] <= est.eta_high;
        }
        double lo, hi;
        pm_clopper_pearson(cov, (long)N, MC_LEVEL, &lo, &hi, NULL);
        if (hi < 0.95)
            fail_msg("eta %g: coverage %ld of %zu, 99.9%% interval [%g, %g] below 0.95", etas[e],
                     cov, N, lo, hi);
        world_free(&w);
        free(eta);
    }
}

/* 3. Mean pay of annotators at the contract's eta against expected_pay.
 *    Binary: wage = base + bonus 1{X >= k}, so the pass count is binomial;
 *    linear: the mean of X/n over N annotators is a binomial count over
 *    N n pairs. The MC interval of the count maps to one of the mean pay;
 *    pm_pay_compute's cents are checked against the formula on the way. */
static void test_mean_pay(void **state)
{
    (void)state;
    const long n = 20;
    const size_t N = 10000;
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL), PM_OK);
    double dr;
    assert_int_equal(pm_sim_repeat_delta(&sc, &dr, NULL), PM_OK);
    const pm_contract_type types[2] = {PM_CONTRACT_BINARY, PM_CONTRACT_LINEAR};
    for (int ti = 0; ti < 2; ti++) {
        pm_contract c;
        assert_int_equal(pm_contract_solve(&m, &sc, n, types[ti], PM_SOLVE_SECOND_BEST, &c, NULL),
                         PM_OK);
        double *eta = fill(N, c.eta);
        world w;
        world_make(&w, N, n, eta, dr, 300 + (uint64_t)ti);
        pm_pay_input *in = malloc(N * sizeof *in);
        pm_pay_row *out = malloc(N * sizeof *out);
        char(*names)[16] = malloc(N * sizeof *names);
        long count = 0;
        for (size_t j = 0; j < N; j++) {
            snprintf(names[j], sizeof names[j], "a%zu", j);
            long x = consistent(&w, j);
            in[j] = (pm_pay_input){names[j], n, x, 0};
            count += types[ti] == PM_CONTRACT_BINARY ? x >= c.terms.k : x;
        }
        pm_pay_options po = {.unit = "1", .currency = "USD", .threshold = PM_THRESHOLD_SCALED};
        assert_int_equal(pm_pay_compute(&c.terms, &po, in, N, out, NULL, NULL), PM_OK);
        for (size_t j = 0; j < N; j++) {
            double wage = types[ti] == PM_CONTRACT_BINARY
                              ? c.terms.base + c.terms.bonus * (in[j].consistent >= c.terms.k)
                              : c.terms.base + c.terms.slope * (double)in[j].consistent / n;
            assert_true(fabs((double)out[j].wage_cents / 100 - wage) <= 0.005 + 1e-9);
        }
        long trials = types[ti] == PM_CONTRACT_BINARY ? (long)N : (long)N * n;
        double lo, hi;
        pm_clopper_pearson(count, trials, MC_LEVEL, &lo, &hi, NULL);
        double scale = types[ti] == PM_CONTRACT_BINARY ? c.terms.bonus : c.terms.slope;
        double pay_lo = c.terms.base + scale * lo, pay_hi = c.terms.base + scale * hi;
        if (!(c.expected_pay >= pay_lo - 1e-12 && c.expected_pay <= pay_hi + 1e-12))
            fail_msg("%s: expected pay %.8g outside the MC's [%.8g, %.8g]",
                     pm_contract_type_name(types[ti]), c.expected_pay, pay_lo, pay_hi);
        world_free(&w);
        free(eta);
        free(in);
        free(out);
        free(names);
    }
}

/* 4. The agent's best response to the binary second-best contract: the
 *    expected utility E[G(w)] - E(eta) = G(base) + (G(base + bonus) -
 *    G(base)) P(X >= k) - E(eta) is simulated on an effort grid (P from the
 *    MC pass count, with its 99.9% interval mapped to a utility interval).
 *    The grid point nearest the solver's eta must not be significantly
 *    worse than any other (its upper end reaches every lower end), and the
 *    far points (eta 0, 0.5) must be significantly worse, so the check can
 *    fail. */
static void test_best_response(void **state)
{
    (void)state;
    const long n = 20;
    const size_t N = 10000;
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL), PM_OK);
    double dr, eta_star;
    assert_int_equal(pm_sim_repeat_delta(&sc, &dr, NULL), PM_OK);
    pm_contract c;
    assert_int_equal(
        pm_contract_solve(&m, &sc, n, PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, &c, NULL), PM_OK);
    assert_int_equal(pm_contract_best_response(&m, &sc, &c.terms, &eta_star, NULL), PM_OK);
    enum { GRID = 21 };
    double ulo[GRID], uhi[GRID];
    double g0 = pm_utility_eval(&m.G, c.terms.base, 0);
    double g1 = pm_utility_eval(&m.G, c.terms.base + c.terms.bonus, 0);
    int near = 0;
    for (int i = 0; i < GRID; i++) {
        double eta = (double)i / (GRID - 1);
        if (fabs(eta - eta_star) < fabs((double)near / (GRID - 1) - eta_star))
            near = i;
        double *e = fill(N, eta);
        world w;
        world_make(&w, N, n, e, dr, 400 + (uint64_t)i);
        long pass = 0;
        for (size_t j = 0; j < N; j++)
            pass += consistent(&w, j) >= c.terms.k;
        double lo, hi;
        pm_clopper_pearson(pass, (long)N, MC_LEVEL, &lo, &hi, NULL);
        double cost = pm_cost_eval(&m.E, eta, 0);
        ulo[i] = g0 + (g1 - g0) * lo - cost;
        uhi[i] = g0 + (g1 - g0) * hi - cost;
        world_free(&w);
        free(e);
    }
    for (int i = 0; i < GRID; i++)
        if (ulo[i] > uhi[near])
            fail_msg("eta %g beats the solver's eta %g (grid %g): utility in [%g, %g] vs [%g, %g]",
                     (double)i / (GRID - 1), eta_star, (double)near / (GRID - 1), ulo[i], uhi[i],
                     ulo[near], uhi[near]);
    assert_true(uhi[0] < ulo[near]);
    assert_true(uhi[GRID / 2] < ulo[near]);
}

/* The heuristic clickers and the spammer, pair by pair; gold labels. */
static void test_kinds(void **state)
{
    (void)state;
    pm_plan_pool *items = pm_plan_pool_new(NULL);
    double p[50];
    for (int i = 0; i < 50; i++) {
        char a[64], b[64];
        memset(a, 'a', (size_t)(1 + i % 7));
        a[1 + i % 7] = '\0';
        memset(b, 'b', (size_t)(1 + i % 5));
        b[1 + i % 5] = '\0';
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(pm_plan_pool_add(items, key, a, b, NULL, NULL), PM_OK);
        p[i] = 0.8;
    }
    pm_plan_request req = {items, NULL, NULL, 3, 40, 10, 0, 5, 0, 11};
    pm_plan *plan;
    assert_int_equal(pm_plan_make(&req, &plan, NULL), PM_OK);
    pm_sim_annotator pool[3] = {{PM_SIM_LONGER, NAN}, {PM_SIM_LEFT, NAN}, {PM_SIM_SPAMMER, 0}};
    char labels[120];
    pm_sim_request sr = {plan, items, NULL, p, NULL, pool, 0.02, 5};
    assert_int_equal(pm_sim_labels(&sr, labels, NULL), PM_OK);
    size_t count;
    const pm_plan_row *rows = pm_plan_rows(plan, &count);
    for (size_t i = 0; i < count; i++) {
        const pm_plan_row *r = &rows[i];
        size_t la = 1 + r->item % 7, lb = 1 + r->item % 5;
        if (r->annotator == 0)
            assert_int_equal(labels[i], lb > la ? 'B' : 'A'); /* longer; ties A */
        if (r->annotator == 1)
            assert_int_equal(labels[i], r->shown_left);
        if (r->copy == 2 && r->annotator < 2) {
            size_t first = r->annotator * 40 + (size_t)r->partner - 1;
            /* longer: always consistent; left: never (copy 2 is swapped). */
            assert_int_equal(labels[i] == labels[first], r->annotator == 0);
        }
    }
    /* Same seed, same labels; a fourth annotator leaves the first three. */
    char again[160];
    pm_plan_request req4 = req;
    req4.n_annotators = 4;
    pm_plan *plan4;
    assert_int_equal(pm_plan_make(&req4, &plan4, NULL), PM_OK);
    pm_sim_annotator pool4[4] = {pool[0], pool[1], pool[2], {PM_SIM_CAREFUL, 0.5}};
    pm_sim_request sr4 = {plan4, items, NULL, p, NULL, pool4, 0.02, 5};
    assert_int_equal(pm_sim_labels(&sr4, again, NULL), PM_OK);
    assert_memory_equal(labels, again, 120);
    assert_string_equal(pm_sim_gold_label(0.5), "A");
    assert_string_equal(pm_sim_gold_label(0.49), "B");
    pm_plan_free(plan);
    pm_plan_free(plan4);
    pm_plan_pool_free(items);
}

/* Effort specs and the Beta sampler: P(X <= 0.7) for Beta(8, 2) against
 *  pm_pbeta, and the mean within Hoeffding's 99.9% bound. */
static void test_effort(void **state)
{
    (void)state;
    pm_sim_effort e;
    assert_int_equal(pm_sim_effort_parse("beta:8,2", &e, NULL), PM_OK);
    assert_int_equal(e.dist, PM_SIM_BETA);
    assert_int_equal(pm_sim_effort_parse("0.9,0.5,1", &e, NULL), PM_OK);
    assert_int_equal(e.nlist, 3);
    assert_int_equal(pm_sim_effort_parse("uniform:0.9,0.5", &e, NULL), PM_EINVAL);
    assert_int_equal(pm_sim_effort_parse("fixed:1.5", &e, NULL), PM_EINVAL);
    assert_int_equal(pm_sim_effort_parse("beta:8", &e, NULL), PM_EINVAL);
    assert_int_equal(pm_sim_effort_parse("0.5,,1", &e, NULL), PM_EINVAL);
    const long N = 200000;
    const double ab[2][2] = {{8, 2}, {0.5, 0.5}};
    for (int c = 0; c < 2; c++) {
        pm_rng r;
        pm_rng_seed(&r, 9 + (uint64_t)c);
        long below = 0;
        double sum = 0;
        for (long i = 0; i < N; i++) {
            double x = pm_sim_beta(&r, ab[c][0], ab[c][1]);
            assert_true(x >= 0 && x <= 1);
            below += x <= 0.7;
            sum += x;
        }
        assert_in_cp(below, N, pm_pbeta(0.7, ab[c][0], ab[c][1], 1, 0), "Beta cdf at 0.7");
        double mean = ab[c][0] / (ab[c][0] + ab[c][1]);
        assert_true(fabs(sum / (double)N - mean) <= sqrt(log(2 / 0.001) / (2.0 * (double)N)));
    }
    pm_sim_annotator out[10];
    assert_int_equal(pm_sim_effort_parse("1,0.5", &e, NULL), PM_OK);
    assert_int_equal(pm_sim_pool(&e, 5, 2, 2, 1, 1, out, NULL), PM_OK);
    assert_true(out[0].eta == 1 && out[1].eta == 0.5 && out[4].eta == 1);
    assert_int_equal(out[5].kind, PM_SIM_SPAMMER);
    assert_true(out[6].eta == 0);
    assert_int_equal(out[7].kind, PM_SIM_LONGER);
    assert_int_equal(out[9].kind, PM_SIM_LEFT);
}

/* The dataset reader: p = sigmoid(chosen - rejected) at the top level or in
 * metadata, a repeated item counted, a missing score an error at its line. */
static void test_items_read(void **state)
{
    (void)state;
    const char good[] =
        "{\"chosen\":\"a\",\"rejected\":\"bb\",\"score_chosen\":3,\"score_rejected\":1}\n"
        "\n"
        "{\"chosen\":\"c\",\"rejected\":\"d\",\"metadata\":{\"chosen_score\":1,"
        "\"rejected_score\":2}}\n"
        "{\"chosen\":\"a\",\"rejected\":\"bb\",\"score_chosen\":0,\"score_rejected\":0}\n";
    FILE *fp = fmemopen((void *)good, sizeof good - 1, "r");
    pm_plan_pool *pool = pm_plan_pool_new(NULL);
    double *p = NULL;
    size_t rep = 0;
    assert_int_equal(pm_sim_items_read(pool, fp, "g", &p, &rep, NULL), PM_OK);
    fclose(fp);
    assert_int_equal(pm_plan_pool_count(pool), 2);
    assert_int_equal(rep, 1);
    assert_true(fabs(p[0] - 1 / (1 + exp(-2.0))) < 1e-15);
    assert_true(fabs(p[1] - 1 / (1 + exp(1.0))) < 1e-15);
    assert_string_equal(pm_plan_pool_response(pool, 0, 1), "bb");
    free(p);
    pm_plan_pool_free(pool);
    const char bad[] =
        "{\"chosen\":\"a\",\"rejected\":\"b\",\"score_chosen\":1,\"score_rejected\":0}\n"
        "{\"chosen\":\"c\",\"rejected\":\"d\",\"score_chosen\":1}\n";
    fp = fmemopen((void *)bad, sizeof bad - 1, "r");
    pool = pm_plan_pool_new(NULL);
    pm_error err = {0};
    assert_int_equal(pm_sim_items_read(pool, fp, "b", &p, NULL, &err), PM_EPARSE);
    assert_null(p);
    assert_non_null(strstr(err.text, "b:2:1:"));
    fclose(fp);
    pm_plan_pool_free(pool);
}

/* pm_sim_write_log's CSV reads back to pm_sim_record's records, row by row. */
static void test_write_log(void **state)
{
    (void)state;
    double *eta = fill(5, 0.7);
    world w;
    world_make(&w, 5, 6, eta, 0.02, 77);
    FILE *fp = tmpfile();
    pm_records_writer *wr;
    assert_int_equal(pm_records_writer_new(fp, "t", PM_RECORDS_CSV, PM_RECW_SHOWN_LEFT, &wr, NULL),
                     PM_OK);
    assert_int_equal(pm_sim_write_log(w.plan, w.labels, w.items, NULL, wr, NULL), PM_OK);
    assert_int_equal(pm_records_writer_close(wr, NULL), PM_OK);
    rewind(fp);
    pm_records *rd = pm_records_new(NULL, NULL);
    assert_int_equal(pm_records_open_stream(rd, fp, "t", NULL), PM_OK);
    for (size_t i = 0; i < w.rows; i++) {
        pm_record a, b;
        int got = 0;
        assert_int_equal(pm_records_next(rd, &a, &got, NULL), PM_OK);
        assert_int_equal(got, 1);
        pm_sim_record(w.plan, w.labels, NULL, i, &b);
        assert_string_equal(a.annotator, b.annotator);
        assert_string_equal(a.item, b.item);
        assert_string_equal(a.label, b.label);
        assert_int_equal(a.shown_left, b.shown_left);
    }
    pm_records_free(rd);
    fclose(fp);
    world_free(&w);
    free(eta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_rates), cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_mean_pay),    cmocka_unit_test(test_best_response),
        cmocka_unit_test(test_kinds),       cmocka_unit_test(test_effort),
        cmocka_unit_test(test_items_read),  cmocka_unit_test(test_write_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
