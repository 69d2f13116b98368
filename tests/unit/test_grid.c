/* grid mode: pm_grid_solve against a brute-force search written here over
 * the materialised 4-D arrays, literally as the authors' numpy code reads
 * (masks, argmax = first maximum in C order (eta, tau, c1, c2), the SBR
 * slice [e*-1 : max(e*+2, len)]), on small grids; plus structural facts
 * and argument checks. The NumPy cross-check is tests/spec/spec_grid.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "contract/arange.h"
#include "prefmon/binom.h"
#include "prefmon/grid.h"

/* A small grid: 21 efforts, 11 taus, 12 bonuses, 16 bases. */
static pm_grid_spec small_spec(void)
{
    pm_grid_spec s;
    pm_grid_spec_paper(&s);
    s.n_eta = 21, s.eta_step = 0.05;
    s.n_tau = 11, s.tau_step = 0.1;
    s.n_pay = 12, s.pay_lo = 0, s.pay_step = 0.25;
    s.n_base = 16, s.base_lo = -1, s.base_step = 0.1;
    s.threads = 1;
    return s;
}

typedef struct ref {
    int ne, nt, np, nb;
    double w_min, w_max; /* a contract paying outside is no grid point */
    double *au, *pu;     /* [e][t][i][j] */
    double eta[64], tau[64], c1[64], c2[64];
} ref;

static size_t at(const ref *r, int e, int t, int i, int j)
{
    return (((size_t)e * r->nt + t) * r->np + i) * r->nb + j;
}

static double G(const pm_utility *g, double w)
{
    double s = 0;
    for (int k = 0; k < g->nterms; k++)
        s = s + g->alpha[k] * (1.0 - exp(-g->beta[k] * w));
    return s;
}

static void build(ref *r, const pm_model *m, const pm_scheme *sc, long n, int binary,
                  const pm_grid_spec *s)
{
    r->ne = s->n_eta, r->nt = binary ? s->n_tau : 1, r->np = s->n_pay, r->nb = s->n_base;
    r->w_min = m->w_min, r->w_max = m->w_max;
    size_t tot = (size_t)r->ne * r->nt * r->np * r->nb;
    r->au = malloc(tot * sizeof(double)), r->pu = malloc(tot * sizeof(double));
    for (int i = 0; i < r->np; i++)
        r->c1[i] = pmx_arange_at(s->pay_lo, s->pay_step, i);
    for (int j = 0; j < r->nb; j++)
        r->c2[j] = pmx_arange_at(s->base_lo, s->base_step, j);
    for (int t = 0; t < r->nt; t++)
        r->tau[t] = pmx_arange_at(0, s->tau_step, t);
    for (int e = 0; e < r->ne; e++) {
        double eta = r->eta[e] = pmx_arange_at(0, s->eta_step, e);
        double mm = pm_scheme_pass(sc, eta);
        double cost = m->E.c[2] * pow(eta, 2), mu = m->mu.K * pow(eta, m->mu.R);
        for (int t = 0; t < r->nt; t++) {
            double k = floor(r->tau[t] * (double)n);
            double P = k >= n ? 0 : pm_binom_sf(k + 1, (double)n, mm, 0);
            for (int i = 0; i < r->np; i++)
                for (int j = 0; j < r->nb; j++) {
                    double c1 = r->c1[i], c2 = r->c2[j], Gp, pay;
                    if (binary) {
                        pay = P * c1 + c2;
                        Gp = P * G(&m->G, c1 + c2) + (1 - P) * G(&m->G, c2);
                    } else {
                        double a = m->G.alpha[0], b = m->G.beta[0];
                        double x = (1 - mm) + mm * exp(-b * c1 / (double)n);
                        pay = mm * c1 + c2;
                        Gp = 0 + a * (1.0 - exp(-b * c2) * (n == 1 ? x : pow(x, (double)n)));
                    }
                    r->au[at(r, e, t, i, j)] = Gp - cost;
                    r->pu[at(r, e, t, i, j)] = -pay + mu;
                }
        }
    }
}

static double maxe(const ref *r, int lo, int hi, int t, int i, int j)
{
    double mx = -INFINITY;
    for (int e = lo; e < hi; e++)
        mx = fmax(mx, r->au[at(r, e, t, i, j)]);
    return mx;
}

/* Every wage of contract (i, j) within the bounds: base, base + c1. */
static int paid_within(const ref *r, int i, int j)
{
    return r->c2[j] >= r->w_min && r->c1[i] + r->c2[j] <= r->w_max;
}

/* best[0..4] = e t i j (or -1), the literal mask + argmax search, on the
 * contracts that pay within the wage bounds. */
static void brute(const ref *r, double u0, double tol, int best[3][4])
{
    double v[3] = {-INFINITY, -INFINITY, -INFINITY};
    memset(best, -1, sizeof(int) * 12);
    for (int e = 0; e < r->ne; e++)
        for (int t = 0; t < r->nt; t++)
            for (int i = 0; i < r->np; i++)
                for (int j = 0; j < r->nb; j++) {
                    double a = r->au[at(r, e, t, i, j)], p = r->pu[at(r, e, t, i, j)];
                    int k[4] = {e, t, i, j};
                    if (!paid_within(r, i, j))
                        continue;
                    if (a >= u0 && p > v[0])
                        v[0] = p, memcpy(best[0], k, sizeof k);
                    if (a >= u0 && a + tol >= maxe(r, 0, r->ne, t, i, j) && p > v[1])
                        v[1] = p, memcpy(best[1], k, sizeof k);
                }
    int es = best[0][0] >= 0 ? best[0][0] : 0;
    int lo = es - 1 < 0 ? es - 1 + r->ne : es - 1, hi = es + 2 > r->ne ? es + 2 : r->ne;
    hi = hi > r->ne ? r->ne : hi;
    for (int t = 0; t < r->nt; t++)
        for (int i = 0; i < r->np; i++)
            for (int j = 0; j < r->nb; j++) {
                if (!paid_within(r, i, j))
                    continue;
                double part = maxe(r, lo, hi, t, i, j), all = maxe(r, 0, r->ne, t, i, j);
                double p = r->pu[at(r, es, t, i, j)];
                int k[4] = {es, t, i, j};
                if (part >= all && r->au[at(r, es, t, i, j)] >= u0 && p > v[2])
                    v[2] = p, memcpy(best[2], k, sizeof k);
            }
}

static void expect(const ref *r, const pm_contract *c, double tau, const int *b, int binary)
{
    assert_int_equal(c->feasible, b[0] >= 0);
    if (b[0] < 0)
        return;
    assert_true(c->eta == r->eta[b[0]]);
    assert_true((binary ? c->terms.bonus : c->terms.slope) == r->c1[b[2]]);
    assert_true(c->terms.base == r->c2[b[3]]);
    if (binary)
        assert_true(tau == r->tau[b[1]]);
    assert_true(c->principal_utility == r->pu[at(r, b[0], b[1], b[2], b[3])]);
    assert_true(c->agent_utility == r->au[at(r, b[0], b[1], b[2], b[3])]);
}

/* Structural facts that hold whatever the numbers: FB bounds both second
 * bests; the SB point is a tol-best response above U0 when re-evaluated;
 * SB >= SBR whenever the SBR point is itself SB-feasible. */
static void structure(const ref *r, const pm_grid_result *g, double u0, double tol)
{
    if (g->sb.feasible)
        assert_true(g->fb.principal_utility >= g->sb.principal_utility);
    if (g->sbr.feasible)
        assert_true(g->fb.principal_utility >= g->sbr.principal_utility);
    for (int k = 0; k < 2; k++) {
        const pm_contract *c = k ? &g->sbr : &g->sb;
        double tau = k ? g->sbr_tau : g->sb_tau;
        if (!c->feasible)
            continue;
        int e = (int)lround(c->eta / 0.05), t = c->terms.type ? (int)lround(tau / 0.1) : 0;
        int i = (int)lround((c->terms.type ? c->terms.bonus : c->terms.slope) / 0.25);
        int j = (int)lround((c->terms.base + 1) / 0.1);
        double a = r->au[at(r, e, t, i, j)], mx = maxe(r, 0, r->ne, t, i, j);
        assert_true(a >= u0);
        if (k == 0)
            assert_true(a + tol >= mx);
        else if (a + tol >= mx)
            assert_true(g->sb.principal_utility >= g->sbr.principal_utility);
    }
}

static void same_double(double a, double b)
{
    assert_true((isnan(a) && isnan(b)) || a == b);
}

/* Field by field (pm_contract has padding, so no memcmp). */
static void same_contract(const pm_contract *a, const pm_contract *b)
{
    assert_int_equal(a->terms.type, b->terms.type);
    assert_int_equal(a->terms.n, b->terms.n);
    assert_int_equal(a->terms.k, b->terms.k);
    same_double(a->terms.base, b->terms.base);
    same_double(a->terms.slope, b->terms.slope);
    same_double(a->terms.bonus, b->terms.bonus);
    assert_int_equal(a->solve, b->solve);
    assert_int_equal(a->feasible, b->feasible);
    const double x[] = {a->eta,           a->expected_pay,       a->principal_utility,
                        a->agent_utility, a->first_best_utility, a->first_best_eta,
                        a->gap,           a->normalized_gap};
    const double y[] = {b->eta,           b->expected_pay,       b->principal_utility,
                        b->agent_utility, b->first_best_utility, b->first_best_eta,
                        b->gap,           b->normalized_gap};
    for (size_t i = 0; i < sizeof x / sizeof *x; i++)
        same_double(x[i], y[i]);
}

static void same_result(const pm_grid_result *a, const pm_grid_result *b)
{
    same_contract(&a->fb, &b->fb);
    same_contract(&a->sb, &b->sb);
    same_contract(&a->sbr, &b->sbr);
    same_double(a->fb_tau, b->fb_tau);
    same_double(a->sb_tau, b->sb_tau);
    same_double(a->sbr_tau, b->sbr_tau);
}

static void run_case_on(pm_model *m, const pm_scheme *sc, long n, int binary, pm_grid_spec s)
{
    ref r;
    int b[3][4];
    build(&r, m, sc, n, binary, &s);
    brute(&r, m->u0, s.tol, b);
    pm_grid_result g, g2;
    pm_error err;
    pm_contract_type ty = binary ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR;
    /* PM_EINFEASIBLE exactly when one of the three has no point */
    pm_status want = b[0][0] >= 0 && b[1][0] >= 0 && b[2][0] >= 0 ? PM_OK : PM_EINFEASIBLE;
    assert_int_equal(pm_grid_solve(m, sc, n, ty, &s, &g, &err), want);
    expect(&r, &g.fb, g.fb_tau, b[0], binary);
    expect(&r, &g.sb, g.sb_tau, b[1], binary);
    expect(&r, &g.sbr, g.sbr_tau, b[2], binary);
    structure(&r, &g, m->u0, s.tol);
    /* the answer does not depend on the number of threads */
    for (int th = 2; th <= 3; th++) {
        s.threads = th;
        assert_int_equal(pm_grid_solve(m, sc, n, ty, &s, &g2, &err), want);
        same_result(&g, &g2);
    }
    free(r.au), free(r.pu);
}

static void run_case(pm_model *m, const pm_scheme *sc, long n, int binary)
{
    run_case_on(m, sc, n, binary, small_spec());
}

static void test_brute_force(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    pm_scheme self, expert;
    assert_int_equal(pm_scheme_self(&self, PM_CONV_PAPER, 0.02, 0.5, NULL), PM_OK);
    assert_int_equal(pm_scheme_expert(&expert, 0.4, NULL), PM_OK);
    static const long ns[] = {1, 7, 40};
    for (int binary = 0; binary < 2; binary++)
        for (size_t k = 0; k < 3; k++) {
            run_case(&m, &self, ns[k], binary);
            run_case(&m, &expert, ns[k], binary);
        }
    /* the appendix variant G = 1/2 - e^{-w/2}/2, mu = 0.3 eta^0.8 */
    m.G.alpha[0] = m.G.beta[0] = 0.5, m.mu.K = 0.3;
    run_case(&m, &self, 7, 1);
    run_case(&m, &self, 7, 0);
    /* value too small to pay for effort: FB effort 0, the SBR window is
     * the authors' slice [-1:], i.e. the last effort only */
    pm_model_default(&m);
    m.mu.K = 0.001, m.mu.R = 1;
    run_case(&m, &self, 7, 1);
    pm_grid_spec s0 = small_spec();
    pm_grid_result g0;
    assert_int_equal(pm_grid_solve(&m, &self, 7, PM_CONTRACT_BINARY, &s0, &g0, NULL), PM_OK);
    assert_true(g0.fb.feasible && g0.fb.eta == 0);
    /* an outside option no grid point reaches (wages <= 1): all infeasible */
    pm_model_default(&m);
    m.u0 = 0.8;
    pm_grid_spec s = small_spec();
    s.n_pay = 3;
    run_case_on(&m, &self, 7, 1, s);
    run_case_on(&m, &self, 7, 0, s);
}

/* Issue 6: grid mode used to ignore the wage bounds (base -1.8 paid with
 * bounds [-0.1, 0.3]). The small grid pays bases in [-1, 0.5] and bonuses
 * or slopes up to 2.75: bounds inside that cut both axes. */
static void test_wage_bounds(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    pm_scheme self;
    assert_int_equal(pm_scheme_self(&self, PM_CONV_PAPER, 0.02, 0.5, NULL), PM_OK);
    /* each keeps [0, E(1)] = [0, 0.18] inside G([w_min, w_max]) */
    const double bounds[][2] = {{-0.5, 1.2}, {-0.1, 0.3}, {-0.05, 2}, {-0.02, 0.25}};
    for (size_t q = 0; q < sizeof bounds / sizeof *bounds; q++) {
        m.w_min = bounds[q][0], m.w_max = bounds[q][1];
        for (int binary = 0; binary < 2; binary++) {
            run_case(&m, &self, 7, binary);
            run_case(&m, &self, 40, binary);
        }
    }
    /* nothing payable (bases from 1 up, bounds [-0.1, 0.3]): every problem
     * infeasible, and said so */
    m.w_min = -0.1, m.w_max = 0.3;
    pm_grid_spec s = small_spec();
    s.base_lo = 1;
    pm_grid_result g;
    pm_error err = {0};
    assert_int_equal(pm_grid_solve(&m, &self, 7, PM_CONTRACT_BINARY, &s, &g, &err), PM_EINFEASIBLE);
    assert_false(g.fb.feasible || g.sb.feasible || g.sbr.feasible);
    assert_non_null(strstr(err.text, "no grid point is feasible"));
}

static void test_fields(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc;
    pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL);
    pm_grid_spec s = small_spec();
    pm_grid_result g;
    assert_int_equal(pm_grid_solve(&m, &sc, 20, PM_CONTRACT_BINARY, &s, &g, NULL), PM_OK);
    const pm_contract *c[3] = {&g.fb, &g.sb, &g.sbr};
    const double tau[3] = {g.fb_tau, g.sb_tau, g.sbr_tau};
    const pm_solve want[3] = {PM_SOLVE_FIRST_BEST, PM_SOLVE_SECOND_BEST, PM_SOLVE_RESTRICTED};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(c[k]->solve, want[k]);
        assert_int_equal(c[k]->terms.type, PM_CONTRACT_BINARY);
        assert_int_equal(c[k]->terms.n, 20);
        assert_true(c[k]->first_best_utility == g.fb.principal_utility);
        assert_true(c[k]->first_best_eta == g.fb.eta);
        if (!c[k]->feasible)
            continue;
        assert_int_equal(c[k]->terms.k, (long)floor(tau[k] * 20) + 1);
        assert_true(c[k]->terms.slope == 0);
        assert_true(fabs(c[k]->principal_utility -
                         (m.mu.K * pow(c[k]->eta, m.mu.R) - c[k]->expected_pay)) < 1e-15);
        assert_true(fabs(c[k]->normalized_gap - c[k]->gap / g.fb.principal_utility) < 1e-15);
    }
    assert_true(g.fb.gap == 0);
    /* an infeasible problem: flagged, NaN terms, the authors' mu(0) */
    m.u0 = 0.8, s.n_pay = 3;
    assert_int_equal(pm_grid_solve(&m, &sc, 20, PM_CONTRACT_LINEAR, &s, &g, NULL), PM_EINFEASIBLE);
    assert_false(g.fb.feasible || g.sb.feasible);
    assert_true(isnan(g.fb.terms.base) && g.fb.principal_utility == 0 && g.fb.agent_utility == 0.8);
}

static void test_paper_spec(void **state)
{
    (void)state;
    pm_grid_spec s;
    pm_grid_spec_paper(&s);
    assert_int_equal(s.n_eta * s.n_tau * s.n_pay * s.n_base, 101 * 51 * 200 * 400);
    /* numpy's arange: the last base is -10 + 399 * 0.05000000000000071 */
    assert_true(pmx_arange_at(s.base_lo, s.base_step, 399) == 9.950000000000284);
    assert_true(pmx_arange_at(0, s.tau_step, 50) == 1.0);
}

static void test_errors(void **state)
{
    (void)state;
    pm_model m;
    pm_model_default(&m);
    pm_scheme sc;
    pm_scheme_self(&sc, PM_CONV_PAPER, 0.02, 0.5, NULL);
    pm_grid_spec s = small_spec();
    pm_grid_result g;
    pm_error err;
    assert_int_equal(pm_grid_solve(&m, &sc, 0, PM_CONTRACT_BINARY, &s, &g, &err), PM_EINVAL);
    assert_non_null(strstr(err.text, "n must"));
    assert_int_equal(pm_grid_solve(NULL, &sc, 5, PM_CONTRACT_BINARY, &s, &g, &err), PM_EINVAL);
    s.n_eta = 0;
    assert_int_equal(pm_grid_solve(&m, &sc, 5, PM_CONTRACT_BINARY, &s, &g, &err), PM_EINVAL);
    s = small_spec(), s.base_step = -0.1;
    assert_int_equal(pm_grid_solve(&m, &sc, 5, PM_CONTRACT_BINARY, &s, &g, &err), PM_EINVAL);
    s = small_spec(), s.n_eta = 30; /* effort 1.45: pass probability above 1 */
    assert_int_equal(pm_grid_solve(&m, &sc, 5, PM_CONTRACT_BINARY, &s, &g, &err), PM_EINVAL);
    s = small_spec(), m.w_min = 30;
    assert_int_equal(pm_grid_solve(&m, &sc, 5, PM_CONTRACT_BINARY, &s, &g, &err), PM_EMODEL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brute_force), cmocka_unit_test(test_wage_bounds),
        cmocka_unit_test(test_fields),      cmocka_unit_test(test_paper_spec),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
