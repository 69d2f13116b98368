/*
** Contracts: names, first-best and the solver entry points, the top of the
** contract engine (internal.h lists the layers below): restricted is built
** on the cheapest-implementation solvers in linear.c and binary.c,
** second-best on the search in search.c. Every contract leaves here
** verified (pmx_contract_verify) or refused.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "contract/internal.h"
#include "core/optim.h"
#include "prefmon/binom.h"
#include "prefmon/contract.h"

/* ---- first-best ------------------------------------------------------- */

/* Minus the first-best objective mu(eta) - G^{-1}(E(eta) + U0). */
static double fb_neg(double eta, void *ctx)
{
    const pm_model *m = ctx;
    return -(pm_value_eval(&m->mu, eta, 0) -
             pm_utility_inverse(&m->G, pm_cost_eval(&m->E, eta, 0) + m->u0));
}

/* Its derivative (plus sign): mu' - E' / G'(G^{-1}(E + U0)). */
static double fb_dobj(double eta, void *ctx)
{
    const pm_model *m = ctx;
    double w = pm_utility_inverse(&m->G, pm_cost_eval(&m->E, eta, 0) + m->u0);
    return pm_value_eval(&m->mu, eta, 1) -
           pm_cost_eval(&m->E, eta, 1) / pm_utility_eval(&m->G, w, 1);
}

pm_status pm_first_best(const pm_model *m, pm_contract *out, pm_error *err)
{
    if (!m || !out)
        return pm_error_set(err, PM_EINVAL, "first-best: NULL argument");
    pm_status st = pm_model_check(m, err);
    if (st != PM_OK)
        return st;
    /* The objective is concave (Prop. 5: G^{-1} convex increasing, E
     * convex, mu concave), so fmin finds the interior maximum and the
     * endpoints settle boundary solutions. */
    double x, fx;
    pmx_fmin(fb_neg, (void *)m, 0, 1, 1e-12, &x, &fx, NULL);
    double f0 = fb_neg(0, (void *)m), f1 = fb_neg(1, (void *)m);
    if (f0 < fx) {
        x = 0;
        fx = f0;
    }
    if (f1 <= fx) {
        x = 1;
        fx = f1;
    }
    /* Polish an interior optimum on the first-order condition: fmin stops
     * at about sqrt(eps) in x, the derivative root at eps. */
    if (x > 0 && x < 1) {
        double lo = fmax(x - 1e-4, x / 2), hi = fmin(x + 1e-4, (1 + x) / 2), r;
        double dlo = fb_dobj(lo, (void *)m), dhi = fb_dobj(hi, (void *)m);
        if (dlo > 0 && dhi < 0 &&
            pmx_zeroin(fb_dobj, (void *)m, lo, hi, 0, 200, &r, NULL) == PM_OK) {
            double fr = fb_neg(r, (void *)m);
            if (fr <= fx) {
                x = r;
                fx = fr;
            }
        }
    }
    pmx_contract_start(out, PM_CONTRACT_LINEAR, 0, x);
    out->solve = PM_SOLVE_FIRST_BEST;
    out->first_best_eta = x;
    out->terms.base = out->expected_pay =
        pm_utility_inverse(&m->G, pm_cost_eval(&m->E, x, 0) + m->u0);
    out->principal_utility = out->first_best_utility = -fx;
    out->agent_utility = m->u0;
    out->gap = out->normalized_gap = 0;
    st = pmx_contract_verify(m, NULL, out, err);
    out->feasible = st == PM_OK;
    return st;
}

/* ---- entry points ----------------------------------------------------- */

static pm_status check_args(const pm_model *m, const pm_scheme *sc, long n, pm_contract_type type,
                            pm_error *err)
{
    if (!m || !sc)
        return pm_error_set(err, PM_EINVAL, "contract: NULL argument");
    if (n < 1)
        return pm_error_set(err, PM_EINVAL, "contract: n must be >= 1 (got %ld)", n);
    if (type != PM_CONTRACT_LINEAR && type != PM_CONTRACT_BINARY)
        return pm_error_set(err, PM_EINVAL, "contract: unknown type %d", (int)type);
    double d = pm_scheme_slope(sc);
    if (!(d > 0) || !(sc->q0 >= 0) || !(sc->q0 + d <= 1 + 1e-15))
        return pm_error_set(err, PM_EINVAL, "contract: invalid monitoring scheme");
    return pm_model_check(m, err);
}

/* Residues of a bound, not money: a base this close to
 *   the outside-option wage w0 = G^{-1}(U0) (within 1e-12 (1 + |w0|)): the
 *     IR equation's rounding where the agent is indifferent between the
 *     target and full shirking, which is paid the base only (the binary
 *     second-best on its IC boundary): there G(base) = U0 exactly;
 *   the lowest wage w_min (within 1e-9 (1 + |w_min|), the IC / IR tie):
 *     the search over the target effort stops on the feasible side of the
 *     limited-liability boundary base = w_min, up to its resolution
 *     (e.g. 3.3e-10 above w_min = 0);
 * is that wage. Every wage moves by the same d, so the expected pay moves
 * by d; the snapped contract is kept only if it passes the verification
 * every contract passes (IR within the tie). */
#define BASE_SNAP_W0 1e-12
#define BASE_SNAP_WMIN 1e-9

static void snap_base(const pm_model *m, const pm_scheme *sc, pm_contract *c)
{
    double w0 = pm_utility_inverse(&m->G, m->u0), to = NAN, u;
    double b = c->terms.base;
    if (isfinite(w0) && b != w0 && fabs(b - w0) <= BASE_SNAP_W0 * (1 + fabs(w0)))
        to = w0;
    else if (b > m->w_min && b - m->w_min <= BASE_SNAP_WMIN * (1 + fabs(m->w_min)))
        to = m->w_min;
    if (isnan(to))
        return;
    pm_contract x = *c;
    double d = b - to;
    x.terms.base = to;
    x.expected_pay -= d;
    x.principal_utility += d;
    if (pm_contract_agent_utility(m, sc, &x.terms, x.eta, &u) != PM_OK)
        return;
    x.agent_utility = u;
    if (pmx_contract_verify(m, sc, &x, NULL) == PM_OK)
        *c = x;
}

/* Fill the first-best-relative fields of c from fb, then verify a
 * feasible c: the status of the solve (st when it already failed). */
static pm_status finish(const pm_model *m, const pm_scheme *sc, pm_contract *c,
                        const pm_contract *fb, pm_solve solve, pm_status st, pm_error *err)
{
    c->solve = solve;
    c->first_best_utility = fb->first_best_utility;
    c->first_best_eta = fb->first_best_eta;
    c->gap = c->normalized_gap = NAN;
    if (st != PM_OK || !c->feasible)
        return st;
    snap_base(m, sc, c);
    c->gap = fb->first_best_utility - c->principal_utility;
    c->normalized_gap = fb->first_best_utility != 0 ? c->gap / fb->first_best_utility : NAN;
    st = pmx_contract_verify(m, sc, c, err);
    if (st != PM_OK) {
        c->feasible = 0;
        c->gap = c->normalized_gap = NAN;
    }
    return st;
}

/* A solve that stopped before any contract: infeasible, NaN terms. */
static pm_status refused(pm_contract *out, pm_contract_type type, long n, pm_solve solve,
                         pm_status st)
{
    pmx_contract_start(out, type, n, NAN);
    out->solve = solve;
    out->terms.base = out->terms.slope = out->terms.bonus = NAN;
    return st;
}

static pm_status implement(const pm_model *m, const pm_scheme *sc, long n, pm_contract_type type,
                           double eta, pm_contract *out, pm_error *err)
{
    if (type == PM_CONTRACT_LINEAR)
        return pm_contract_linear_implement(m, sc, n, eta, out, err);
    return pm_contract_binary_implement(m, sc, n, eta, out, err);
}

pm_status pm_contract_implement(const pm_model *m, const pm_scheme *sc, long n,
                                pm_contract_type type, double eta, pm_contract *out, pm_error *err)
{
    if (!out)
        return pm_error_set(err, PM_EINVAL, "contract: NULL argument");
    pm_status st = check_args(m, sc, n, type, err);
    if (st != PM_OK)
        return st;
    if (!(eta >= 0 && eta <= 1))
        return pm_error_set(err, PM_EINVAL, "contract: effort %g outside [0, 1]", eta);
    pm_contract fb;
    if ((st = pm_first_best(m, &fb, err)) != PM_OK)
        return refused(out, type, n, PM_SOLVE_RESTRICTED, st);
    st = implement(m, sc, n, type, eta, out, err);
    return finish(m, sc, out, &fb, PM_SOLVE_RESTRICTED, st, err);
}

pm_status pm_contract_solve(const pm_model *m, const pm_scheme *sc, long n, pm_contract_type type,
                            pm_solve solve, pm_contract *out, pm_error *err)
{
    if (!out)
        return pm_error_set(err, PM_EINVAL, "contract: NULL argument");
    pm_status st = check_args(m, sc, n, type, err);
    if (st != PM_OK)
        return st;
    pm_contract fb;
    if ((st = pm_first_best(m, &fb, err)) != PM_OK)
        return refused(out, type, n, solve, st);
    if (solve == PM_SOLVE_FIRST_BEST) {
        *out = fb;
        out->terms.type = type;
        out->terms.n = n;
        return PM_OK;
    }
    if (solve == PM_SOLVE_RESTRICTED) {
        st = implement(m, sc, n, type, fb.first_best_eta, out, err);
        return finish(m, sc, out, &fb, PM_SOLVE_RESTRICTED, st, err);
    }
    if (solve != PM_SOLVE_SECOND_BEST)
        return pm_error_set(err, PM_EINVAL, "contract: unknown solve %d", (int)solve);
    if (!pmx_second_best(m, sc, n, type, fb.first_best_eta, out))
        return pm_error_set(err, PM_ENOCONV, "second-best: no target effort is implementable");
    return finish(m, sc, out, &fb, PM_SOLVE_SECOND_BEST, PM_OK, err);
}
