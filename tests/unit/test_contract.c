/* contract: first-best against its FOC solved independently, the CARA
 * linear closed form against an independent numeric solve, FOC by finite
 * differences, IR binding, global IC on a dense grid, the binary window
 * against an exhaustive search over every k, the ordering C >= C_n >= C~_n,
 * rates and infeasibility. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "contract/internal.h"
#include "prefmon/binom.h"
#include "prefmon/contract.h"

static pm_model model(void)
{
    pm_model m;
    pm_model_default(&m);
    return m;
}

static pm_scheme self_paper(void)
{
    pm_scheme sc;
    pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL);
    return sc;
}

/* Bisection on a sign change, for independent references. */
static double bisect(double (*f)(double, const void *), const void *c, double a, double b)
{
    double fa = f(a, c);
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (a + b), fm = f(mid, c);
        if ((fm > 0) == (fa > 0)) {
            a = mid;
            fa = fm;
        } else {
            b = mid;
        }
    }
    return 0.5 * (a + b);
}

typedef struct fbp {
    double a, c, K, R;
} fbp;

/* FOC of Prop. 5 for G = a(1 - e^{-aw}), E = c eta^2, mu = K eta^R, U0 = 0:
 * mu'(eta) = E'(eta) / G'(G^{-1}(E)), G'(G^{-1}(u)) = a (a - u). */
static double fb_foc(double eta, const void *vp)
{
    const fbp *p = vp;
    double u = p->c * eta * eta;
    return p->K * p->R * pow(eta, p->R - 1) - 2 * p->c * eta / (p->a * (p->a - u));
}

static void test_first_best(void **state)
{
    (void)state;
    fbp cases[] = {
        {1, 0.18, 0.5, 0.8}, {0.5, 0.18, 0.5, 0.8}, {1, 0.18, 0.3, 0.8}, {2, 0.3, 0.4, 0.5}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pm_model m = model();
        m.G.alpha[0] = m.G.beta[0] = cases[i].a;
        m.E.c[2] = cases[i].c;
        m.mu.K = cases[i].K;
        m.mu.R = cases[i].R;
        pm_contract fb;
        pm_error err;
        assert_int_equal(pm_first_best(&m, &fb, &err), PM_OK);
        double ref = bisect(fb_foc, &cases[i], 1e-9, 1);
        assert_true(fabs(fb.eta - ref) < 1e-12);
        double u = cases[i].c * ref * ref, a = cases[i].a;
        double w = -log1p(-u / a) / a;
        assert_true(fabs(fb.terms.base - w) < 1e-12);
        assert_true(fabs(fb.first_best_utility - (cases[i].K * pow(ref, cases[i].R) - w)) < 1e-13);
    }
    /* Boundary solution: cheap effort, valuable output => eta* = 1. */
    pm_model m = model();
    m.E.c[2] = 0.01;
    pm_contract fb;
    assert_int_equal(pm_first_best(&m, &fb, NULL), PM_OK);
    assert_true(fb.eta == 1);
}

typedef struct linp {
    double a, m, d, u, ed;
    long n;
} linp;

/* CARA linear contract: for a slope s the base making IR bind is explicit;
 * return the FOC residual d/deta E[G] - E' at the target. Independent of
 * the closed form (no division of FOC by IR). */
static double lin_base(double s, const linp *p)
{
    double phi = pow(1 - p->m + p->m * exp(-p->a * s / p->n), (double)p->n);
    return -log((p->a - p->u) / (p->a * phi)) / p->a;
}
static double lin_foc(double s, const void *vp)
{
    const linp *p = vp;
    double b = lin_base(s, p), z = exp(-p->a * s / p->n);
    double dphi = p->n * pow(1 - p->m + p->m * z, (double)(p->n - 1)) * (z - 1);
    return -p->a * exp(-p->a * b) * dphi * p->d - p->ed;
}

static void test_linear_closed_form(void **state)
{
    (void)state;
    pm_model m = model();
    pm_scheme sc = self_paper();
    long ns[] = {1, 7, 100, 5000};
    for (size_t i = 0; i < 4; i++) {
        pm_contract c;
        assert_int_equal(
            pm_contract_solve(&m, &sc, ns[i], PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, &c, NULL),
            PM_OK);
        double eta = c.first_best_eta;
        linp p = {
            1, pm_scheme_pass(&sc, eta), pm_scheme_slope(&sc), 0.18 * eta * eta, 0.36 * eta, ns[i]};
        double s = bisect(lin_foc, &p, 1e-6, 10);
        assert_true(fabs(c.terms.slope - s) < 1e-9);
        assert_true(fabs(c.terms.base - lin_base(s, &p)) < 1e-9);
        /* IR binds, and the principal pays base + slope m. */
        assert_true(fabs(c.agent_utility - m.u0) < 1e-13);
        assert_true(fabs(c.expected_pay - (c.terms.base + c.terms.slope * p.m)) < 1e-14);
        assert_true(c.gap > 0 && c.feasible);
    }
}

static double agent(const pm_model *m, const pm_scheme *sc, const pm_contract *c, double eta)
{
    double u;
    assert_int_equal(pm_contract_agent_utility(m, sc, &c->terms, eta, &u), PM_OK);
    return u;
}

/* FOC by finite differences, IR binding, and global IC on 20001 points. */
static void check_contract(const pm_model *m, const pm_scheme *sc, const pm_contract *c)
{
    double eta = c->eta, h = 1e-6;
    double u = agent(m, sc, c, eta);
    assert_true(fabs(u - m->u0) < 1e-12);
    if (eta > h && eta < 1 - h) {
        double du = (agent(m, sc, c, eta + h) - agent(m, sc, c, eta - h)) / (2 * h);
        assert_true(fabs(du) < 1e-6);
    }
    /* The solvers accept a best response within 1e-9 utility (a tie the
     * agent breaks in the principal's favour): the second-best often sits
     * exactly on the IC boundary against shirking. */
    for (int j = 0; j <= 20000; j++) {
        double x = j / 20000.0, ux = agent(m, sc, c, x);
        if (!(ux <= u + 1e-9))
            print_error("n %ld type %d solve %d eta %.12g u %.3g: U(%g) = %.3g\n", c->terms.n,
                        c->terms.type, c->solve, eta, u, x, ux);
        assert_true(ux <= u + 1e-9);
    }
}

static void test_foc_ir_ic(void **state)
{
    (void)state;
    pm_model m = model();
    pm_scheme scs[2];
    scs[0] = self_paper();
    pm_scheme_expert(&scs[1], 0.4, NULL);
    long ns[] = {1, 10, 100, 1000};
    for (int s = 0; s < 2; s++)
        for (int t = 0; t < 2; t++)
            for (int so = 1; so <= 2; so++)
                for (size_t i = 0; i < 4; i++) {
                    pm_contract c;
                    pm_status st = pm_contract_solve(&m, &scs[s], ns[i], (pm_contract_type)t,
                                                     (pm_solve)so, &c, NULL);
                    assert_int_equal(st, PM_OK);
                    check_contract(&m, &scs[s], &c);
                }
    /* Several exponential terms: the numeric linear solver. */
    pm_utility_parse("sumexp:0.7,0.7,0.3,2", &m.G, NULL);
    pm_cost_parse("poly:0,0.0072,0.024,0.0288", &m.E, NULL);
    pm_value_parse("log:0.35,1.8", &m.mu, NULL);
    for (int t = 0; t < 2; t++) {
        pm_contract c;
        assert_int_equal(
            pm_contract_solve(&m, &scs[0], 50, (pm_contract_type)t, PM_SOLVE_RESTRICTED, &c, NULL),
            PM_OK);
        check_contract(&m, &scs[0], &c);
    }
}

/* The window + sort + first-passing-IC search equals the cheapest over an
 * exhaustive loop on every k with the global IC check. */
static void test_binary_exhaustive(void **state)
{
    (void)state;
    pm_model m = model();
    pm_scheme sc = self_paper();
    long ns[] = {2, 5, 30, 200};
    for (size_t i = 0; i < 4; i++) {
        pm_contract c, fb, ck;
        pm_first_best(&m, &fb, NULL);
        assert_int_equal(pm_contract_binary_implement(&m, &sc, ns[i], fb.eta, &c, NULL), PM_OK);
        double best = INFINITY;
        long bk = -1;
        for (long k = 1; k <= ns[i]; k++)
            if (pm_contract_binary_with_k(&m, &sc, ns[i], k, fb.eta, 1, &ck, NULL) == PM_OK &&
                ck.expected_pay < best) {
                best = ck.expected_pay;
                bk = k;
            }
        assert_int_equal(c.terms.k, bk);
        assert_true(fabs(c.expected_pay - best) < 1e-14);
    }
}

static void test_ordering_and_rates(void **state)
{
    (void)state;
    pm_model m = model();
    pm_scheme sc = self_paper();
    double prev[2] = {INFINITY, INFINITY};
    long ns[] = {10, 100, 1000, 10000};
    /* The linear restricted gap is the agent's risk premium: with CARA
     * G = 1 - e^{-w} the certainty equivalent of pay is E[w] - Var(w)/2,
     * Var(w) = s^2 p (1 - p) / n, and the FOC G'(w*) s m' = E'(eta*) with
     * G'(w*) = 1 - G(w*) = 1 - E(eta*) (IR binds, U0 = 0) gives the slope,
     * so n gap -> s^2 p (1 - p) / 2 (= 0.012318 at the default model). */
    pm_contract fb;
    assert_int_equal(pm_first_best(&m, &fb, NULL), PM_OK);
    double es = fb.first_best_eta, pe = pm_scheme_pass(&sc, es);
    double slope =
        pm_cost_eval(&m.E, es, 1) / (pm_scheme_slope(&sc) * (1 - pm_cost_eval(&m.E, es, 0)));
    double limit = slope * slope * pe * (1 - pe) / 2;
    for (size_t i = 0; i < 4; i++)
        for (int t = 0; t < 2; t++) {
            pm_contract r, s;
            assert_int_equal(pm_contract_solve(&m, &sc, ns[i], (pm_contract_type)t,
                                               PM_SOLVE_RESTRICTED, &r, NULL),
                             PM_OK);
            assert_int_equal(pm_contract_solve(&m, &sc, ns[i], (pm_contract_type)t,
                                               PM_SOLVE_SECOND_BEST, &s, NULL),
                             PM_OK);
            /* C >= C_n >= C~_n. */
            assert_true(s.gap >= 0 && s.gap <= r.gap + 1e-15);
            assert_true(r.gap < prev[t]);
            prev[t] = r.gap;
            if (t == 0 && ns[i] >= 100) /* n gap -> const for linear */
                assert_true(fabs(ns[i] * r.gap / limit - 1) < 0.01);
        }
    /* Risk neutral: linear contracts reach first-best exactly. */
    pm_utility_parse("linear", &m.G, NULL);
    pm_contract c;
    assert_int_equal(
        pm_contract_solve(&m, &sc, 5, PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, &c, NULL), PM_OK);
    assert_true(fabs(c.gap) < 1e-15);
}

static void test_infeasible(void **state)
{
    (void)state;
    pm_model m = model();
    pm_scheme sc = self_paper();
    pm_contract c;
    pm_error err = {0};
    /* The n = 1 linear contract needs base -0.41: a floor at -0.05 blocks
     * it, while every constant wage is still payable (Assumption 4). */
    m.w_min = -0.05;
    m.w_max = 0.5;
    assert_int_equal(pm_model_check(&m, &err), PM_OK);
    assert_int_equal(
        pm_contract_solve(&m, &sc, 1, PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, &c, &err),
        PM_EINFEASIBLE);
    assert_false(c.feasible);
    assert_true(isnan(c.terms.base) && isnan(c.gap));
    assert_non_null(strstr(err.text, "cannot be implemented"));
    assert_true(c.first_best_utility > 0);
    assert_int_equal(
        pm_contract_solve(&m, &sc, 1, PM_CONTRACT_BINARY, PM_SOLVE_RESTRICTED, &c, &err),
        PM_EINFEASIBLE);
    /* The second-best is always feasible (t = 0 at worst). */
    assert_int_equal(
        pm_contract_solve(&m, &sc, 1, PM_CONTRACT_LINEAR, PM_SOLVE_SECOND_BEST, &c, &err), PM_OK);
    assert_true(c.feasible && c.terms.base >= m.w_min && c.terms.base + c.terms.slope <= m.w_max);
    /* Bad arguments. */
    m = model();
    assert_int_equal(
        pm_contract_solve(&m, &sc, 0, PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, &c, &err),
        PM_EINVAL);
    m.w_min = 30;
    assert_int_equal(
        pm_contract_solve(&m, &sc, 5, PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, &c, &err),
        PM_EMODEL);
}

/* E[G(w)] - E(eta) of a binary contract by direct summation over X in long
 * double (no tails, no cancellation), for the checks below. */
static long double agent_direct(const pm_model *m, const pm_scheme *sc, const pm_contract *c,
                                double eta)
{
    long double p = (long double)pm_scheme_pass(sc, eta), s = 0;
    for (long x = 0; x <= c->terms.n; x++) {
        long double lp = lgammal((long double)c->terms.n + 1) - lgammal((long double)x + 1) -
                         lgammal((long double)(c->terms.n - x) + 1) + (long double)x * logl(p) +
                         (long double)(c->terms.n - x) * log1pl(-p);
        double w = c->terms.base + (x >= c->terms.k ? c->terms.bonus : 0);
        s += expl(lp) * (long double)pm_utility_eval(&m->G, w, 0);
    }
    return s - (long double)pm_cost_eval(&m->E, eta, 0);
}

/* Global IC on 4001 points and binding IR, with agent_direct. */
static void check_direct(const pm_model *m, const pm_scheme *sc, const pm_contract *c)
{
    long double u = agent_direct(m, sc, c, c->eta);
    assert_true(fabsl(u - (long double)m->u0) < 1e-12L);
    for (int j = 0; j <= 4000; j++)
        assert_true(agent_direct(m, sc, c, j / 4000.0) <= u + 1e-9L);
}

/* A lenient threshold with a harsh penalty: G(w_min) ~ -4e12 for a steep
 * sumexp term and P(no bonus) ~ 1e-13. g0 + (g1 - g0) P(X >= k) rounded the
 * agent's utility by ~1e-4, the global IC check rejected the true optimum
 * and the second-best came out at 0.32272 instead of 0.3242477 (found by
 * the contract-space scan of tests/spec/gen/gen_secondbest.py). */
static void test_binary_lenient_precision(void **state)
{
    (void)state;
    pm_model m = model();
    pm_scheme sc;
    pm_utility_parse("sumexp:0.5,0.3,0.5,3", &m.G, NULL);
    pm_cost_parse("poly:0,0.05,0.1,0.08", &m.E, NULL);
    pm_value_parse("exp:0.6,2", &m.mu, NULL);
    m.u0 = 0.05;
    pm_scheme_expert(&sc, 0.3, NULL);
    pm_contract c;
    assert_int_equal(
        pm_contract_solve(&m, &sc, 60, PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, &c, NULL), PM_OK);
    /* V = 0.3242476951833031: the row "sumexp:0.5,0.3,0.5,3 ... expert 0.3
     * 60 binary" of tests/spec/data/contract_secondbest.tsv
     * (gen_secondbest.py's contract-space scan). */
    assert_true(c.principal_utility > 0.32424769518 - 1e-9);
    assert_true(c.terms.base < -9.8); /* the penalty contract itself */
    for (int j = 0; j <= 20; j++) {
        double x = j / 20.0;
        long double ud = agent_direct(&m, &sc, &c, x);
        assert_true(fabsl(agent(&m, &sc, &c, x) - ud) < 1e-12L * (1 + fabsl(ud)));
    }
    check_direct(&m, &sc, &c);
}

/* At the top effort eta = 1 the first-order condition is an inequality: a
 * bonus above E'(1)/P_k'(1) can make 1 the agent's global best response
 * where the first-order bonus leaves shirking better. Before, such k were
 * rejected: the restricted binary contract at eta* = 1 paid 0.0575720 (k 9)
 * instead of 0.0575468 (k 10), and the second-best below was 0.466390
 * instead of 0.466961 (contract-space scan). */
static void test_binary_corner(void **state)
{
    (void)state;
    pm_model m = model();
    pm_scheme sc = self_paper();
    pm_contract c;
    pm_utility_parse("sumexp:0.7,0.7,0.3,2", &m.G, NULL);
    pm_cost_parse("poly:0,0.0072,0.024,0.0288", &m.E, NULL);
    pm_value_parse("log:0.35,1.8", &m.mu, NULL);
    assert_int_equal(
        pm_contract_solve(&m, &sc, 10, PM_CONTRACT_BINARY, PM_SOLVE_RESTRICTED, &c, NULL), PM_OK);
    assert_true(c.first_best_eta == 1 && c.eta == 1);
    assert_int_equal(c.terms.k, 10);
    /* 0.0575468 (k 10), from the same contract-space scan as the
     * comment above; the first-order bonus alone gives k 9 at 0.0575720. */
    assert_true(c.expected_pay < 0.0575469);
    check_direct(&m, &sc, &c);
    /* The bonus is the least that works: 1% less and the agent shirks. */
    pm_contract lo = c;
    double g0 = pm_utility_eval(&m.G, c.terms.base, 0),
           g1 = pm_utility_eval(&m.G, c.terms.base + c.terms.bonus, 0);
    lo.terms.bonus = pm_utility_inverse(&m.G, g0 + 0.99 * (g1 - g0)) - c.terms.base;
    double eb;
    assert_int_equal(pm_contract_best_response(&m, &sc, &lo.terms, &eb, NULL), PM_OK);
    assert_true(eb < 0.9);

    m = model();
    pm_utility_parse("cara:2", &m.G, NULL);
    pm_cost_parse("poly:0,0.02,0.3", &m.E, NULL);
    pm_value_parse("exp:0.8,1.5", &m.mu, NULL);
    m.u0 = 0.2;
    pm_scheme_self(&sc, PM_CONV_GENERAL, 0.1, 0.5, NULL);
    assert_int_equal(
        pm_contract_solve(&m, &sc, 10, PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, &c, NULL), PM_OK);
    assert_true(c.eta == 1 && c.terms.k == 9);
    /* V = 0.46696078514651473: the row "cara:2 ... self-general 0.1 10
     * binary" of tests/spec/data/contract_secondbest.tsv. */
    assert_true(fabs(c.principal_utility - 0.466960785146515) < 1e-9);
    check_direct(&m, &sc, &c);
}

/* The pruned second-best search is never beaten by the unpruned
 * cheapest-implementation value on a fine target grid. */
static void test_second_best_vs_target_grid(void **state)
{
    (void)state;
    pm_model m = model();
    pm_scheme scs[2];
    scs[0] = self_paper();
    pm_scheme_expert(&scs[1], 0.5584325287727587, NULL);
    long ns[] = {5, 61};
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < 2; i++) {
            pm_contract sb, c;
            assert_int_equal(pm_contract_solve(&m, &scs[s], ns[i], PM_CONTRACT_BINARY,
                                               PM_SOLVE_SECOND_BEST, &sb, NULL),
                             PM_OK);
            double best = -INFINITY;
            for (int j = 0; j <= 400; j++)
                if (pm_contract_binary_implement(&m, &scs[s], ns[i], j / 400.0, &c, NULL) ==
                        PM_OK &&
                    c.principal_utility > best)
                    best = c.principal_utility;
            assert_true(sb.principal_utility >= best - 1e-12);
            check_contract(&m, &scs[s], &sb);
        }
}

/* Issue 6 defects: a contract the solvers found is verified before it is
 * called feasible. */
static void test_verified(void **state)
{
    (void)state;
    pm_scheme sc = self_paper();
    pm_contract c;
    pm_error err = {0};
    /* Risk neutral with wages +-1e20: the binary second-best used to be base
     * -9.97e18 / bonus 9.97e18 with IR violated by ~1e3, feasible. Terms that
     * large cannot express the contract to the IC tie: refused. */
    pm_model m = model();
    assert_int_equal(pm_utility_parse("linear", &m.G, NULL), PM_OK);
    m.w_min = -1e20, m.w_max = 1e20;
    c.feasible = 1;
    assert_int_equal(
        pm_contract_solve(&m, &sc, 100, PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, &c, &err),
        PM_EINFEASIBLE);
    assert_false(c.feasible);
    assert_non_null(strstr(err.text, "refused after verification"));
    /* Values that overflow: whether the model check refuses the primitive
     * (PM_EMODEL) or not, the result is never feasible. */
    m = model();
    assert_int_equal(pm_value_parse("log:1e308,1e308", &m.mu, NULL), PM_OK);
    for (int s = 0; s < 3; s++) {
        c.feasible = 1;
        pm_status st = pm_contract_solve(&m, &sc, 100, PM_CONTRACT_LINEAR, (pm_solve)s, &c, NULL);
        assert_true(st == PM_EMODEL || st == PM_EINFEASIBLE);
        assert_true(st == PM_EMODEL || !c.feasible);
    }
    /* The verification itself, on a good contract and on each defect. */
    m = model();
    assert_int_equal(
        pm_contract_solve(&m, &sc, 100, PM_CONTRACT_BINARY, PM_SOLVE_RESTRICTED, &c, NULL), PM_OK);
    assert_int_equal(pmx_contract_verify(&m, &sc, &c, NULL), PM_OK);
    pm_contract bad = c;
    bad.principal_utility = INFINITY;
    assert_int_equal(pmx_contract_verify(&m, &sc, &bad, &err), PM_EINFEASIBLE);
    assert_non_null(strstr(err.text, "principal utility is inf"));
    bad = c;
    bad.terms.base -= 1e-3; /* IR: the agent now gets about G'(w) 1e-3 less */
    assert_int_equal(pmx_contract_verify(&m, &sc, &bad, &err), PM_EINFEASIBLE);
    assert_non_null(strstr(err.text, "IR"));
    bad = c;
    bad.terms.bonus *= 0.5; /* half the bonus: the agent shirks */
    bad.terms.base += c.terms.bonus * 0.5;
    assert_int_equal(pmx_contract_verify(&m, &sc, &bad, &err), PM_EINFEASIBLE);
    assert_non_null(strstr(err.text, "IC"));
    bad = c;
    m.w_min = c.terms.base + 1e-12; /* the low wage just below the floor */
    assert_int_equal(pmx_contract_verify(&m, &sc, &bad, &err), PM_EINFEASIBLE);
    assert_non_null(strstr(err.text, "w_min"));
    /* The tie is 1e-9 (1 + |u|), as contract.h states. */
    assert_true(pmx_ic_tie(0) == 1e-9 && pmx_ic_tie(-3) == 4e-9);
}

/* The work model: its stated closed forms, summed over a list. */
static void test_work_model(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    /* Linear: 1 ms at any n; binary: 2 ms + c sqrt(n) ms. */
    assert_float_equal(pm_contract_solve_seconds(&m, PM_CONTRACT_LINEAR, PM_SOLVE_SECOND_BEST, 7),
                       0.001, 1e-15);
    assert_float_equal(
        pm_contract_solve_seconds(&m, PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, 1000000),
        (2 + 0.03 * 1000) / 1000.0, 1e-15);
    assert_float_equal(
        pm_contract_solve_seconds(&m, PM_CONTRACT_BINARY, PM_SOLVE_RESTRICTED, 100000000),
        (2 + 0.0016 * 10000) / 1000.0, 1e-15);
    long ns[] = {1, 100, 10000};
    assert_float_equal(
        pm_contract_work_seconds(&m, PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, ns, 3),
        (3 * 2 + 0.03 * (1 + 10 + 100)) / 1000.0, 1e-15);
    assert_float_equal(pm_contract_work_seconds(&m, PM_CONTRACT_LINEAR, PM_SOLVE_RESTRICTED, ns, 0),
                       0, 0);
    /* A 2-term sumexp utility: 4 * 2 times the CARA cost. */
    pm_utility_parse("sumexp:0.7,0.7,0.3,2", &m.G, NULL);
    assert_float_equal(pm_contract_solve_seconds(&m, PM_CONTRACT_LINEAR, PM_SOLVE_SECOND_BEST, 7),
                       0.008, 1e-15);
    assert_true(isnan(pm_contract_solve_seconds(&m, PM_CONTRACT_LINEAR, PM_SOLVE_SECOND_BEST, 0)));
    assert_true(
        isnan(pm_contract_solve_seconds(NULL, PM_CONTRACT_LINEAR, PM_SOLVE_SECOND_BEST, 1)));
    assert_true(
        isnan(pm_contract_work_seconds(&m, PM_CONTRACT_LINEAR, PM_SOLVE_SECOND_BEST, NULL, 1)));
}

/* The binary second-best on its IC boundary against full shirking: the
 * agent is indifferent between the target and eta = 0, which is paid the
 * base only, so G(base) = U0 and base = G^{-1}(0) = 0 for the default
 * model exactly (it was the IC tie, 1e-9, left in the root). With n = 30 the
 * shirker still passes with P(X >= 28 | 30, 1/2) = 466 / 2^30, so there
 * G(base) = -B 466 / 2^30 (B = G(base + bonus) - G(base)): base < 0, a real
 * number, not a residue. */
static void test_binary_tie_base(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL), PM_OK);
    long ns[] = {100, 300, 1000};
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
        pm_contract c;
        assert_int_equal(
            pm_contract_solve(&m, &sc, ns[i], PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, &c, NULL),
            PM_OK);
        assert_true(c.feasible);
        assert_true(c.terms.base == 0);
    }
    pm_contract c;
    assert_int_equal(
        pm_contract_solve(&m, &sc, 30, PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, &c, NULL), PM_OK);
    assert_int_equal(c.terms.k, 28);
    double gb = pm_utility_eval(&m.G, c.terms.base + c.terms.bonus, 0) -
                pm_utility_eval(&m.G, c.terms.base, 0);
    double want = pm_utility_inverse(&m.G, -gb * 466.0 / 1073741824.0);
    /* Within the boundary search's resolution (1e-11 in effort), far
     * below the IC tie's 1e-9 that it used to carry. */
    assert_float_equal(c.terms.base, want, 1e-10);
}

/* The README's weekly contract (general convention, q0 0.577, wage_min 0,
 * U0 0.05, n = 3): the second-best sits on the limited-liability boundary
 * base = w_min, which the search over the target approaches from the
 * feasible side (base 3.29e-10 before): the base is w_min exactly, and IR
 * still binds to the tie: P(X >= 3) G(base + bonus) + (1 - P) G(base)
 * - E(eta) = U0, with X ~ Bin(3, m(eta)) by direct summation. */
static void test_binary_wage_min_base(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    m.w_min = 0;
    m.u0 = 0.05;
    pm_scheme sc;
    assert_int_equal(pm_scheme_self(&sc, PM_CONV_GENERAL, 0.02, 0.577, NULL), PM_OK);
    pm_contract c;
    assert_int_equal(
        pm_contract_solve(&m, &sc, 3, PM_CONTRACT_BINARY, PM_SOLVE_SECOND_BEST, &c, NULL), PM_OK);
    assert_true(c.feasible);
    assert_int_equal(c.terms.k, 3);
    assert_true(c.terms.base == 0);
    double p = pm_scheme_pass(&sc, c.eta), pk = p * p * p;
    double u = pk * pm_utility_eval(&m.G, c.terms.base + c.terms.bonus, 0) +
               (1 - pk) * pm_utility_eval(&m.G, c.terms.base, 0) - pm_cost_eval(&m.E, c.eta, 0);
    assert_float_equal(u, m.u0, 1e-9 * (1 + m.u0));
    assert_float_equal(c.expected_pay, c.terms.base + pk * c.terms.bonus, 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_best),
        cmocka_unit_test(test_linear_closed_form),
        cmocka_unit_test(test_foc_ir_ic),
        cmocka_unit_test(test_binary_exhaustive),
        cmocka_unit_test(test_ordering_and_rates),
        cmocka_unit_test(test_infeasible),
        cmocka_unit_test(test_binary_lenient_precision),
        cmocka_unit_test(test_binary_corner),
        cmocka_unit_test(test_second_best_vs_target_grid),
        cmocka_unit_test(test_verified),
        cmocka_unit_test(test_work_model),
        cmocka_unit_test(test_binary_tie_base),
        cmocka_unit_test(test_binary_wage_min_base),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
