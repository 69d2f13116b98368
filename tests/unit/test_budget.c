/* The monitoring budget (pm_budget_*) against brute force, the paper's
 * §7.3 closed form and its own rule of thumb. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefmon/budget.h"
#include "prefmon/fit.h"
#include "test_request_util.h"

static pm_scheme self_paper(void)
{
    pm_scheme sc;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL), PM_OK);
    return sc;
}

static pm_scheme expert(double cbar)
{
    pm_scheme sc;
    assert_int_equal(pm_scheme_expert(&sc, cbar, NULL), PM_OK);
    return sc;
}

/* A coarse search over 1..max_n that is far from exhaustive. */
static pm_budget_search coarse(long max_n)
{
    pm_budget_search s = {max_n, 5, 1.3, 3, 16, 1000};
    return s;
}

/* Brute force: V(n) for every n in 1..max_n by pm_contract_solve itself;
 * the argmax (ties to the smaller n). */
static long brute(const pm_model *m, const pm_scheme *sc, pm_contract_type type, pm_solve solve,
                  double cost, long max_n, double *v)
{
    long best = 0;
    double bv = -INFINITY;
    for (long n = 1; n <= max_n; n++) {
        pm_contract c;
        pm_status st = pm_contract_solve(m, sc, n, type, solve, &c, NULL);
        assert_true(st == PM_OK || st == PM_EINFEASIBLE);
        if (st != PM_OK)
            continue;
        double val = c.principal_utility - cost * (double)n;
        v[n] = val;
        if (val > bv) {
            bv = val;
            best = n;
        }
    }
    return best;
}

/* Every type, solve and scheme: the coarse search (dense only to 5)
 * finds the brute-force n* in 1..60 and its V exactly, every curve point
 * is that n's V, the curve is sorted and unique, and it used fewer solves
 * than brute force. */
static void test_brute_force_small(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    pm_scheme schemes[2] = {self_paper(), expert(0.6)};
    double costs[2] = {1e-5, 1e-4};
    for (int k = 0; k < 2; k++)
        for (int ty = 0; ty < 2; ty++)
            for (int so = 1; so <= 2; so++) {
                pm_contract_type type = ty ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR;
                double v[61];
                long want = brute(&m, &schemes[k], type, (pm_solve)so, costs[k], 60, v);
                pm_budget_search s = coarse(60);
                pm_budget_result r;
                pm_budget_point curve[1000];
                size_t count = 0;
                assert_int_equal(budget(&m, &schemes[k], type, (pm_solve)so, costs[k], &s, &r,
                                        curve, &count, NULL),
                                 PM_OK);
                printf("# %s %s %s: n* = %ld (brute %ld), %ld solves of 60\n",
                       pm_monitor_name(schemes[k].kind), pm_contract_type_name(type),
                       pm_solve_name((pm_solve)so), r.best.n, want, r.solves);
                assert_int_equal(r.best.n, want);
                assert_true(r.best.value == v[want]);
                assert_true(r.solves < 60 && (size_t)r.solves == count);
                assert_int_equal(r.grid_points, pm_budget_grid_count(&s));
                assert_true(r.best.n > 1 && r.best.n < 60 && !r.at_max_n && r.settled);
                for (size_t i = 0; i < count; i++) {
                    assert_true(i == 0 || curve[i].n > curve[i - 1].n);
                    assert_true(curve[i].value == v[curve[i].n]);
                    assert_true(curve[i].monitoring_cost == costs[k] * (double)curve[i].n);
                }
                assert_int_equal(r.contract.terms.n, want);
                assert_true(r.contract.principal_utility == r.best.principal_utility);
            }
}

/* Beyond the dense range: linear restricted, n* near 1100 (cost 1e-8)
 * found by the default grid + zoom equals brute force over 1..2000. */
static void test_brute_force_geometric(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc = self_paper();
    double *v = calloc(2001, sizeof *v);
    assert_non_null(v);
    long want = brute(&m, &sc, PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, 1e-8, 2000, v);
    pm_budget_search s;
    pm_budget_search_default(&s);
    s.max_n = 2000;
    pm_budget_result r;
    assert_int_equal(
        budget(&m, &sc, PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, 1e-8, &s, &r, NULL, NULL, NULL),
        PM_OK);
    printf("# linear restricted, cost 1e-8: n* = %ld (brute %ld), %ld solves of 2000\n", r.best.n,
           want, r.solves);
    assert_true(want > 200);
    assert_int_equal(r.best.n, want);
    assert_true(r.best.value == v[want]);
    assert_true(r.solves < 500 && r.settled);
    /* binary restricted, n* near 430 on a sawtooth of teeth ~30 wide: the
     * +-64 neighbourhood reaches the best tooth */
    want = brute(&m, &sc, PM_CONTRACT_BINARY, PM_SOLVE_RESTRICTED, 3e-7, 1000, v);
    s.max_n = 1000;
    assert_int_equal(
        budget(&m, &sc, PM_CONTRACT_BINARY, PM_SOLVE_RESTRICTED, 3e-7, &s, &r, NULL, NULL, NULL),
        PM_OK);
    printf("# binary restricted, cost 3e-7: n* = %ld (brute %ld), %ld solves of 1000\n", r.best.n,
           want, r.solves);
    assert_true(want > 200);
    assert_int_equal(r.best.n, want);
    assert_true(r.best.value == v[want]);
    free(v);
}

/* ---- the closed form of paper §7.3 -------------------------------------- */

/* The default model written out: G = 1 - e^{-w} (a = 1), E = 0.18 eta^2,
 * mu = 0.5 eta^0.8, U0 = 0. First-best: maximise mu - G^{-1}(E) =
 * 0.5 eta^0.8 + ln(1 - 0.18 eta^2), concave, by bisection on its
 * derivative 0.4 eta^-0.2 - 0.36 eta / (1 - 0.18 eta^2) (independent of the
 * library's optimiser; a root is exact to the last bit, a golden section
 * on the flat objective only to about 1e-8). */
static double fb_eta(void)
{
    double a = 0.5, b = 1;
    for (int i = 0; i < 200 && b - a > 0; i++) {
        double x = (a + b) / 2;
        if (x == a || x == b)
            break;
        if (0.4 * pow(x, -0.2) - 0.36 * x / (1 - 0.18 * x * x) > 0)
            a = x;
        else
            b = x;
    }
    return (a + b) / 2;
}

/* C_n of the restricted linear contract by §7.3: K = E'/((a - U0 - E) n
 * c/2), z = (1 - K(1 - m))/(1 + K m), c1 = -(n/a) ln z, c2 = -(1/a)
 * ln[(a - U0 - E)/(a (1 - m + m z)^n)], C_n = mu - c2 - m c1 (a = 1). */
static double closed_form_cn(double eta, double c, long n)
{
    double E = 0.18 * eta * eta, Ed = 0.36 * eta, mstar = (1 + c * eta) / 2, dn = (double)n;
    double K = Ed / ((1 - E) * dn * c / 2);
    double z = (1 - K * (1 - mstar)) / (1 + K * mstar);
    double c1 = -dn * log(z);
    double c2 = -(log(1 - E) - dn * log(1 - mstar + mstar * z));
    return 0.5 * pow(eta, 0.8) - c2 - mstar * c1;
}

/* Every V(n), n in 1..60, of the restricted linear search under CARA
 * equals the closed form minus cost n (self, paper convention c = 0.98,
 * and an expert with cbar 0.6), and n* is the closed form's argmax. */
static void test_closed_form(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    double eta = fb_eta(), cost = 2e-5;
    pm_scheme schemes[2] = {self_paper(), expert(0.6)};
    for (int k = 0; k < 2; k++) {
        double c = pm_scheme_c(&schemes[k]);
        pm_budget_search s = {60, 60, 1.1, 8, 8, 1000};
        pm_budget_result r;
        pm_budget_point curve[100];
        size_t count = 0;
        assert_int_equal(budget(&m, &schemes[k], PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, cost, &s,
                                &r, curve, &count, NULL),
                         PM_OK);
        assert_int_equal(count, 60);
        long best = 0;
        double bv = -INFINITY;
        for (size_t i = 0; i < count; i++) {
            double want = closed_form_cn(eta, c, curve[i].n) - cost * (double)curve[i].n;
            assert_true(fabs(curve[i].value - want) < 1e-10);
            if (want > bv) {
                bv = want;
                best = curve[i].n;
            }
        }
        assert_int_equal(r.best.n, best);
    }
}

/* ---- the rule of thumb -------------------------------------------------- */

/* A = -G'' E'^2 / (2 G'^3 I) is the limit of n gap(n) for linear
 * contracts: at n = 1e5 the restricted contract's n gap is within 0.1%
 * of it (the next term is O(1/n)); by hand for the default model: w* =
 * -ln(1 - E(eta*)), G' = e^{-w*} = 1 - E, -G'' = G'. */
static void test_rule_constant(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc = self_paper();
    double A, nr;
    assert_int_equal(pm_budget_rule(&m, &sc, 1e-6, &A, &nr, NULL), PM_OK);
    double eta = fb_eta(), G1 = 1 - 0.18 * eta * eta, Ed = 0.36 * eta;
    double mm = (1 + 0.98 * eta) / 2, info = 0.49 * 0.49 / (mm * (1 - mm));
    double byhand = G1 * Ed * Ed / (2 * G1 * G1 * G1 * info);
    assert_true(fabs(A / byhand - 1) < 1e-9);
    assert_true(fabs(nr - sqrt(A / 1e-6)) < 1e-9 * nr);
    pm_contract c;
    assert_int_equal(
        pm_contract_solve(&m, &sc, 100000, PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, &c, NULL),
        PM_OK);
    printf("# A = %.6g, n gap(1e5) = %.6g\n", A, 1e5 * c.gap);
    assert_true(fabs(1e5 * c.gap / A - 1) < 1e-3);
    /* risk neutral: no 1/n term */
    assert_int_equal(pm_utility_parse("linear", &m.G, NULL), PM_OK);
    assert_int_equal(pm_budget_rule(&m, &sc, 1e-6, &A, &nr, NULL), PM_OK);
    assert_true(A == 0 && nr == 0);
}

/* Sweep the cost over two decades: log-log slope of n* on cost. */
static double sweep(pm_contract_type type, pm_solve solve, double lo, double hi, int points,
                    double *gap_slope)
{
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc = self_paper();
    double cost[16], nstar[16], gap[16];
    pm_budget_search s;
    pm_budget_search_default(&s);
    s.max_n = type == PM_CONTRACT_LINEAR ? 20000 : 2000;
    for (int i = 0; i < points; i++) {
        cost[i] = lo * pow(hi / lo, (double)i / (points - 1));
        pm_budget_result r;
        assert_int_equal(budget(&m, &sc, type, solve, cost[i], &s, &r, NULL, NULL, NULL), PM_OK);
        nstar[i] = (double)r.best.n;
        gap[i] = r.best.gap;
        if (type == PM_CONTRACT_LINEAR) {
            double nr;
            assert_int_equal(pm_budget_rule(&m, &sc, cost[i], NULL, &nr, NULL), PM_OK);
            /* n* within 3% (and 2) of sqrt(A / cost) */
            assert_true(fabs(nstar[i] - nr) < 0.03 * nr + 2);
        }
    }
    pm_fit f, g;
    assert_int_equal(pm_loglog_fit(cost, nstar, (size_t)points, &f, NULL), PM_OK);
    assert_int_equal(pm_loglog_fit(nstar, gap, (size_t)points, &g, NULL), PM_OK);
    *gap_slope = g.slope;
    printf("# %s %s: cost %g..%g, n* %g..%g, slope of n* on cost %.4f, of gap on n %.4f\n",
           pm_contract_type_name(type), pm_solve_name(solve), lo, hi, nstar[points - 1], nstar[0],
           f.slope, g.slope);
    return f.slope;
}

/* Linear: n* ~ sqrt(A / cost), slope -1/2 within 0.02 over costs 1e-8 ..
 * 1e-6 (n* 1100 .. 110). */
static void test_rule_slope_linear(void **state)
{
    (void)state;
    double gs;
    double slope = sweep(PM_CONTRACT_LINEAR, PM_SOLVE_SECOND_BEST, 1e-8, 1e-6, 9, &gs);
    assert_true(fabs(slope + 0.5) < 0.02);
    assert_true(fabs(gs + 1) < 0.03);
}

/* Binary: if gap ~ B n^-beta locally, n* solves beta gap / n = cost, so
 * the slope of n* on cost is -1/(1 + beta) (doc/budget.md); beta -> 1/2
 * (up to logs) gives -2/3. Checked against the beta fitted on the same
 * points, within 0.06 (the gap is ragged), and inside [-0.75, -0.55]. */
static void test_rule_slope_binary(void **state)
{
    (void)state;
    double gs;
    double slope = sweep(PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, 1e-7, 1e-5, 5, &gs);
    assert_true(fabs(slope + 1 / (1 - gs)) < 0.06);
    assert_true(slope > -0.75 && slope < -0.55);
}

/* ---- edges and refusals ------------------------------------------------- */

/* Points with no feasible contract (binary restricted at wages [0, 20]
 * and U0 0.05 for some n) are left out, counted, and err is left as it
 * was on success. */
static void test_infeasible_points(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    m.w_min = 0;
    m.u0 = 0.05;
    pm_scheme sc = self_paper();
    pm_budget_search s;
    pm_budget_search_default(&s);
    s.max_n = 60;
    pm_budget_result r;
    pm_budget_point curve[100];
    size_t count = 0;
    pm_error err = {.code = PM_OK, .text = "untouched"};
    pm_status st =
        budget(&m, &sc, PM_CONTRACT_BINARY, PM_SOLVE_RESTRICTED, 1e-5, &s, &r, curve, &count, &err);
    long infeasible = 0;
    for (size_t i = 0; st == PM_OK && i < count; i++) {
        pm_contract c;
        pm_status want = pm_contract_solve(&m, &sc, curve[i].n, PM_CONTRACT_BINARY,
                                           PM_SOLVE_RESTRICTED, &c, NULL);
        assert_int_equal(curve[i].feasible, want == PM_OK);
        infeasible += !curve[i].feasible;
    }
    printf("# wages [0, 20], U0 0.05: %s, %ld of %zu n infeasible\n", pm_strerror(st), infeasible,
           count);
    assert_int_equal(st, PM_OK);
    assert_true(infeasible > 0 && (size_t)infeasible < count);
    assert_int_equal(r.infeasible, infeasible);
    assert_true(r.best.feasible);
    assert_string_equal(err.text, "untouched");
}

static void test_edges(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc = self_paper();
    pm_budget_search s;
    pm_budget_search_default(&s);
    s.max_n = 500;
    pm_budget_result r;
    pm_error err = {0};
    /* cost 0 and a subnormal cost: the linear V rises to the end */
    double tiny[2] = {0, 1e-320};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(budget(&m, &sc, PM_CONTRACT_LINEAR, PM_SOLVE_SECOND_BEST, tiny[i], &s, &r,
                                NULL, NULL, NULL),
                         PM_OK);
        assert_true(r.best.n == 500 && r.at_max_n && r.solves <= pm_budget_planned_solves(&s));
    }
    /* an enormous cost: one item, V = C_1 - 1e308 */
    assert_int_equal(
        budget(&m, &sc, PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, 1e308, &s, &r, NULL, NULL, NULL),
        PM_OK);
    assert_true(r.best.n == 1 && r.best.value == r.best.principal_utility - 1e308);
    /* bad costs */
    double bad[3] = {NAN, -1, INFINITY};
    for (int i = 0; i < 3; i++)
        assert_int_equal(budget(&m, &sc, PM_CONTRACT_LINEAR, PM_SOLVE_SECOND_BEST, bad[i], &s, &r,
                                NULL, NULL, &err),
                         PM_EINVAL);
    assert_int_equal(
        budget(&m, &sc, PM_CONTRACT_LINEAR, PM_SOLVE_FIRST_BEST, 1, &s, &r, NULL, NULL, &err),
        PM_EINVAL);
    /* max_n 1e9: refused with the count and time */
    s.max_n = 1000000000L;
    assert_int_equal(
        budget(&m, &sc, PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, 1, &s, &r, NULL, NULL, &err),
        PM_ELIMIT);
    assert_non_null(strstr(err.text, "solves, about"));
    /* a budget below the plan */
    pm_budget_search_default(&s);
    s.max_solves = 100;
    assert_int_equal(
        budget(&m, &sc, PM_CONTRACT_LINEAR, PM_SOLVE_SECOND_BEST, 1, &s, &r, NULL, NULL, &err),
        PM_ELIMIT);
    assert_non_null(strstr(err.text, "over the budget of 100"));
}

/* The default search's counts, by hand: 200 dense, then 220, 242, 266,
 * ... (floor of x 1.1) up to 100000: 66 geometric points. */
static void test_counts(void **state)
{
    (void)state;
    pm_budget_search s;
    pm_budget_search_default(&s);
    long geo = 0;
    for (long x = 200; x < 100000; geo++) {
        long y = (long)floor((double)x * 1.1);
        x = y > 100000 ? 100000 : y;
    }
    assert_int_equal(pm_budget_grid_count(&s), 200 + geo);
    assert_true(pm_budget_planned_solves(&s) <= s.max_solves);
    s.max_n = 7;
    assert_int_equal(pm_budget_grid_count(&s), 7);
}

static void test_costs_and_queue(void **state)
{
    (void)state;
    pm_budget_costs c = {0.25, 2, 0.5};
    assert_true(pm_budget_unit_cost(PM_MONITOR_SELF, &c) == 0.75);
    assert_true(pm_budget_unit_cost(PM_MONITOR_EXPERT, &c) == 2.5);
    c.dup_cost = -1;
    assert_true(isnan(pm_budget_unit_cost(PM_MONITOR_SELF, &c)));
    c.dup_cost = NAN;
    assert_true(isnan(pm_budget_unit_cost(PM_MONITOR_SELF, &c)));
    int fits;
    /* 50 pairs in 100 slots: all slots used, fraction 0.5 (plan --dup-rate 0.5) */
    assert_true(pm_budget_queue_fraction(PM_MONITOR_SELF, 50, 100, &fits) == 0.5 && fits);
    assert_true(pm_budget_queue_fraction(PM_MONITOR_SELF, 51, 100, &fits) == 0.51 && !fits);
    assert_true(pm_budget_queue_fraction(PM_MONITOR_EXPERT, 100, 100, &fits) == 1 && fits);
    assert_true(isnan(pm_budget_queue_fraction(PM_MONITOR_EXPERT, 1, 0, &fits)) && !fits);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brute_force_small),
        cmocka_unit_test(test_brute_force_geometric),
        cmocka_unit_test(test_closed_form),
        cmocka_unit_test(test_rule_constant),
        cmocka_unit_test(test_rule_slope_linear),
        cmocka_unit_test(test_rule_slope_binary),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_infeasible_points),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_costs_and_queue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
