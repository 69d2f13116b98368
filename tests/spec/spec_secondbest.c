/* Spec: the unrestricted second-best (pm_contract_solve with
 * PM_SOLVE_SECOND_BEST) against tests/spec/data/contract_secondbest.tsv,
 * made by tests/spec/gen/gen_secondbest.py with a different method: a scan
 * of the contract space (slope, or threshold and bonus) with the agent's
 * best response and binding IR for each contract, instead of prefmon's
 * cheapest-contract-per-target-effort search. argv[1] is the data
 * directory.
 *
 * Per row:
 *   - principal utility: C_n(prefmon) >= C_n(reference) - TOL_BELOW (below
 *     means prefmon misses a better contract) and <= C_n(reference) +
 *     TOL_ABOVE (a scan over contracts cannot be beaten by more than its
 *     resolution: above means one of the two contracts is not incentive
 *     compatible, which the contract checks below then show);
 *   - effort: inside the reference's near-optimal band [eta_lo, eta_hi]
 *     (efforts of the reference's refined contracts within 1e-9 of its
 *     best) widened by TOL_ETA;
 *   - both contracts (prefmon's and the table's) independently of the
 *     library's agent code: E[G(w)] summed over X = 0..n in long double,
 *     the effort a best response within TOL_IC on a 20001-point grid, IR
 *     within TOL_IC, wages inside [w_min, w_max], and mu(eta) - E[w]
 *     recomputed equal to the reported principal utility (1e-11).
 *
 * Tolerances (see tests/spec/README.md):
 *   TOL_BELOW = 1e-10: the reference's zooms end at relative width ~1e-15 in
 *   the slope / bonus and its efforts come from bisection on the analytic
 *   derivative to ~1e-16; recomputing every row at doubled grid resolutions
 *   (gen_secondbest.py --check) moves it by at most 2.5e-12. prefmon stops
 *   its target search at 1e-10 (Brent, where C_n is quadratic: ~1e-20) and
 *   1e-11 (bisection onto the IC boundary, where C_n is linear: ~1e-12).
 *   Observed: at most 6e-15 below.
 *   TOL_ABOVE = 1e-9: the resolution above, plus prefmon's acceptance of a
 *   best response within 1e-9 (1 + |U|) in agent utility (a tie the agent
 *   breaks in the principal's favour), which at an IC-boundary optimum can
 *   move the bonus, hence C_n, by O(1e-9). Observed: at most 7.3e-12 above.
 *   TOL_ETA = 1e-6: the band already holds the flatness of C_n in the
 *   contract (a 1e-9 band in C_n is ~1e-4 wide in effort at a smooth
 *   optimum); 1e-6 covers the band's sampling by 21-point zoom grids.
 *   Observed: at most 2.4e-9 outside.
 *   TOL_IC = 1e-9 (1 + |U|): prefmon's own acceptance of a best response. */
#include "prefmon/contract.h"
#include "spec_util.h"

#define TOL_BELOW 1e-10
#define TOL_ABOVE 1e-9
#define TOL_ETA 1e-6
#define TOL_IC 1e-9
#define IC_GRID 20000

static double worst_below, worst_above, worst_eta;

static const char *const COLS[] = {"utility", "cost",   "value", "u0",   "wmin", "wmax",
                                   "monitor", "param",  "n",     "type", "V",    "eta",
                                   "eta_lo",  "eta_hi", "base",  "term", "k",    "pay"};
#define NCOL ((int)(sizeof COLS / sizeof *COLS))

/* E[G(w)] - E(eta) for contract (type, base, term, k) by summing over
 * X = 0..n in long double: G of each of the n + 1 wages once, the pmf by
 * the ratio recurrence from (1 - p)^n (n <= 60 in the table: no
 * underflow), every term positive. */
static long double agent_u(const pm_model *m, const pm_scheme *sc, long n, int binary, double base,
                           double term, long k, double eta)
{
    static long double g[1024];
    static const pm_model *gm;
    static double gbase, gterm;
    static long gn, gk;
    static int gbin = -1;
    if (n > 1023)
        return NAN;
    static pm_utility gG;
    if (gm != m || memcmp(&gG, &m->G, sizeof gG) || gn != n || gbin != binary || gbase != base ||
        gterm != term || gk != k) {
        for (long x = 0; x <= n; x++) {
            double w = binary ? base + (x >= k ? term : 0) : base + term * (double)x / (double)n;
            long double v = 0;
            for (int i = 0; i < m->G.nterms; i++)
                v += (long double)m->G.alpha[i] * -expm1l(-(long double)m->G.beta[i] * w);
            g[x] = m->G.kind == PM_UTILITY_LINEAR ? (long double)w : v;
        }
        gm = m, gG = m->G, gn = n, gbin = binary, gbase = base, gterm = term, gk = k;
    }
    long double p = (long double)pm_scheme_pass(sc, eta), s = 0;
    if (p >= 1) {
        s = g[n];
    } else {
        long double pm = powl(1 - p, (long double)n), odds = p / (1 - p);
        for (long x = 0; x <= n; x++) {
            s += pm * g[x];
            pm *= odds * (long double)(n - x) / (long double)(x + 1);
        }
    }
    return s - (long double)pm_cost_eval(&m->E, eta, 0);
}

static double expected_pay(const pm_scheme *sc, long n, int binary, double base, double term,
                           long k, double eta)
{
    double p = fmin(pm_scheme_pass(sc, eta), 1);
    if (!binary)
        return base + term * p;
    long double P = 0;
    for (long x = k; x <= n && k >= 1; x++)
        P += expl(lgammal((long double)n + 1) - lgammal((long double)x + 1) -
                  lgammal((long double)(n - x) + 1) + (long double)x * logl(p) +
                  (long double)(n - x) * log1pl(-(long double)p));
    if (k < 1)
        P = 0;
    return base + term * (double)P;
}

/* IC on the grid, IR, wage bounds and the principal utility of a contract
 * claimed to induce eta and give the principal V. */
static void check_contract(spec_table *t, const char *who, const pm_model *m, const pm_scheme *sc,
                           long n, int binary, double base, double term, long k, double eta,
                           double V)
{
    char what[256];
    long double ue = agent_u(m, sc, n, binary, base, term, k, eta), umax = ue;
    double xmax = eta;
    for (int j = 0; j <= IC_GRID; j++) {
        double x = (double)j / IC_GRID;
        long double u = agent_u(m, sc, n, binary, base, term, k, x);
        if (u > umax) {
            umax = u;
            xmax = x;
        }
    }
    snprintf(what, sizeof what,
             "%s contract: not a best response (U(%.9g) = %.15Lg < U(%.9g) = %.15Lg)", who, eta, ue,
             xmax, umax);
    /* prefmon places an IC-boundary optimum exactly at its own tie
     * tolerance 1e-9 (1 + |max U|): allow that plus rounding. */
    spec_check_true(t, umax - ue <= TOL_IC * (1 + fabsl(umax)) * (1 + 1e-6L), what);
    snprintf(what, sizeof what, "%s contract: IR (U = %.15Lg < U0 = %g)", who, ue, m->u0);
    spec_check_true(t, ue >= (long double)m->u0 - TOL_IC * (1 + fabs(m->u0)), what);
    double hi = base + term;
    snprintf(what, sizeof what, "%s contract: wages [%.9g, %.9g] outside [%g, %g]", who, base, hi,
             m->w_min, m->w_max);
    spec_check_true(t, base >= m->w_min - 1e-12 && hi <= m->w_max + 1e-12, what);
    double Vr = pm_value_eval(&m->mu, eta, 0) - expected_pay(sc, n, binary, base, term, k, eta);
    snprintf(what, sizeof what, "%s contract: principal utility %.15g recomputed as %.15g", who, V,
             Vr);
    spec_check_true(t, fabs(Vr - V) <= 1e-11, what);
}

/* The row's model and scheme; 0 (reported) when unusable. */
static int setup(spec_table *t, pm_model *m, pm_scheme *sc)
{
    pm_error err = {0};
    double par;
    pm_model_default(m);
    if (!spec_num(t, "u0", &m->u0) || !spec_num(t, "wmin", &m->w_min) ||
        !spec_num(t, "wmax", &m->w_max) || !spec_num(t, "param", &par))
        return 0;
    if (pm_utility_parse(spec_str(t, "utility"), &m->G, &err) ||
        pm_cost_parse(spec_str(t, "cost"), &m->E, &err) ||
        pm_value_parse(spec_str(t, "value"), &m->mu, &err) ||
        (!strcmp(spec_str(t, "monitor"), "expert")
             ? pm_scheme_expert(sc, par, &err)
             : pm_scheme_self(sc, PM_CONV_GENERAL, par, 0.5, &err)) != PM_OK) {
        spec_fail(t, "bad model or monitor: %s", err.text);
        return 0;
    }
    return 1;
}

static void run_row(spec_table *t)
{
    pm_model m;
    pm_scheme sc;
    double V, eta, elo, ehi, base, term;
    long n, k;
    char what[2048];
    if (!setup(t, &m, &sc) || !spec_long(t, "n", &n) || !spec_long(t, "k", &k) ||
        !spec_num(t, "V", &V) || !spec_num(t, "eta", &eta) || !spec_num(t, "eta_lo", &elo) ||
        !spec_num(t, "eta_hi", &ehi) || !spec_num(t, "base", &base) || !spec_num(t, "term", &term))
        return;
    const char *g = spec_str(t, "utility"), *mon = spec_str(t, "monitor");
    const char *type = spec_str(t, "type");
    int binary = !strcmp(type, "binary");
    pm_contract c;
    pm_error err = {0};
    pm_status st = pm_contract_solve(&m, &sc, n, binary ? PM_CONTRACT_BINARY : PM_CONTRACT_LINEAR,
                                     PM_SOLVE_SECOND_BEST, &c, &err);
    snprintf(what, sizeof what, "%s n=%ld %s %s: solve failed: %s", mon, n, type, g, err.text);
    spec_check_true(t, st == PM_OK && c.feasible, what);
    if (st != PM_OK)
        return;
    double dv = c.principal_utility - V;
    worst_below = fmax(worst_below, -dv);
    worst_above = fmax(worst_above, dv);
    snprintf(what, sizeof what,
             "%s n=%ld %s %s: C_n = %.15g, reference %.15g (diff %+.3g; eta %.9g vs %.9g, "
             "k %ld vs %ld)",
             mon, n, type, g, c.principal_utility, V, dv, c.eta, eta, c.terms.k, k);
    spec_check_true(t, dv >= -TOL_BELOW, what);
    spec_check_true(t, dv <= TOL_ABOVE, what);
    double de = fmax(elo - c.eta, c.eta - ehi);
    worst_eta = fmax(worst_eta, de);
    snprintf(what, sizeof what, "%s n=%ld %s %s: effort %.12g outside [%.12g, %.12g] +- %g", mon, n,
             type, g, c.eta, elo, ehi, TOL_ETA);
    spec_check_true(t, de <= TOL_ETA, what);
    double cterm = binary ? c.terms.bonus : c.terms.slope;
    check_contract(t, "prefmon", &m, &sc, n, binary, c.terms.base, cterm, c.terms.k, c.eta,
                   c.principal_utility);
    check_contract(t, "reference", &m, &sc, n, binary, base, term, k, eta, V);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/spec/data";
    spec_table t;
    long rows = 0;
    if (spec_open(&t, dir, "contract_secondbest.tsv", COLS, NCOL) == 0) {
        int r;
        while ((r = spec_next(&t)) != 0)
            if (r > 0) {
                run_row(&t);
                rows++;
            }
    }
    spec_check_true(&t, rows > 0, "no rows");
    fprintf(stderr,
            "%ld rows: prefmon below the reference by at most %.3g, above by at most %.3g; effort "
            "outside the band by at most %.3g\n",
            rows, worst_below, worst_above, worst_eta);
    return spec_finish();
}
