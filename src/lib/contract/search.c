/*
** The second-best search: maximise mu(t) - E[pay] over the target effort
** t, each t implemented as cheaply as possible by linear.c / binary.c.
** For binary contracts the value is the upper envelope over thresholds k
** of smooth pieces, with infeasible gaps, so the search is a coarse scan,
** a zoom, and an exact maximisation of each nearby piece with its IC
** boundary.
*/
#include <math.h>

#include "contract/internal.h"
#include "core/optim.h"
#include "prefmon/contract.h"

/* Coarse scan intervals over [0,1]. The scan only has to land in the basin
 * of the best piece: V(t) changes on the scale of the first-best effort
 * (order 0.1 for every model family in the spec tables), so 40 cells put
 * at least a few points in any basin; the zoom and Brent do the rest. */
#define SB_SCAN 40
/* Zoom: 2 * SB_ZOOM_HALF + 1 points over +-step around the best target,
 * step divided by SB_ZOOM_SHRINK per level until it is below SB_ZOOM_STOP.
 * A shrink of 5 with 5 points a side keeps the previous level's
 * neighbours inside the new window (5 * step/5 = step): the zoom can never
 * skip a point between the old grid points. */
#define SB_ZOOM_HALF 5
#define SB_ZOOM_SHRINK 5.0
#define SB_ZOOM_STOP 2e-4
/* Neighbour window: thresholds kb - 3 .. kb + 3 around the zoom's best k
 * are maximised exactly. At the zoom's final resolution (2e-4 in effort,
 * i.e. 2e-4 n m' in expected passes) the best k is off by at most a pass or
 * two; 3 keeps a margin of one. */
#define SB_K_WINDOW 3
/* Half-width of each piece's Brent interval in t: four passes' worth,
 * 4 / (n m'), capped at 0.05 (the scan's cell at small n). A piece V_k
 * lives where its threshold is within a few standard deviations of n m(t),
 * so its maximiser is inside. */
#define SB_PIECE_PASSES 4.0
#define SB_PIECE_MAX 0.05
/* Competitor bracket for the IC boundary: the shirking competitor's local
 * maximum is searched within +-0.05 of where the full best response put it
 * (and no further right than half way to the target). Along the boundary
 * the target moves by far less than that (it starts at the unconstrained
 * maximiser, within SB_PIECE_MAX), so the competitor stays inside; if it
 * does not, the full check after the root refuses and the bisection runs. */
#define SB_COMPETITOR_HALF 0.05
/* Step ladder after the IC-boundary root r: zeroin's root is within ~1e-13
 * of the sign change, so the boundary contract is the first of r,
 * r + 2e-13, r + 2e-13 + 3.2e-12 (x16 per rung, three rungs) that passes
 * the full global check; if none does, the bisection takes over. */
#define SB_LADDER_RUNGS 3
#define SB_LADDER_FIRST 2e-13
/* Bisection for the IC boundary: at most 60 halvings, stop below 1e-11 in
 * effort (far below any effect on the principal's utility at 1e-9). */
#define SB_BISECT_MAX 60
#define SB_BISECT_TOL 1e-11

typedef struct sb_ctx {
    const pm_model *m;
    const pm_scheme *sc;
    long n;
    pm_contract_type type;
    pm_contract best; /* best feasible contract seen */
    double best_v;
} sb_ctx;

static void consider(sb_ctx *s, const pm_contract *c)
{
    if (c->feasible && c->principal_utility > s->best_v) {
        s->best_v = c->principal_utility;
        s->best = *c;
    }
}

/* Minus the principal's value of implementing t as cheaply as possible
 * with a linear contract; +inf where none does. Remembers the best. */
static double sb_neg(double t, void *vctx)
{
    sb_ctx *s = vctx;
    pm_contract c;
    t = fmin(fmax(t, 0), 1);
    if (pm_contract_linear_implement(s->m, s->sc, s->n, t, &c, NULL) != PM_OK || !c.feasible)
        return INFINITY;
    consider(s, &c);
    return -c.principal_utility;
}

/* Binary: only whether t beats the best contract so far matters (the
 * search keeps s->best, never the values), so thresholds paying at least
 * mu(t) - best are never checked for global IC. */
static void sb_try(sb_ctx *s, double t)
{
    pm_contract c;
    t = fmin(fmax(t, 0), 1);
    double below = s->best_v > -INFINITY ? pm_value_eval(&s->m->mu, t, 0) - s->best_v : INFINITY;
    if (pmx_binary_implement_below(s->m, s->sc, s->n, t, below, &c, NULL) == PM_OK && c.feasible)
        consider(s, &c);
}

typedef struct k_ctx {
    sb_ctx *s;
    long k;
} k_ctx;

/* Minus V_k(t) for a fixed threshold, without the IC check (smooth in t
 * where the wages fit): the IC check runs once at the maximiser. */
static double k_neg(double t, void *vctx)
{
    k_ctx *kc = vctx;
    pm_contract c;
    if (pm_contract_binary_with_k(kc->s->m, kc->s->sc, kc->s->n, kc->k, t, 0, &c, NULL) != PM_OK)
        return INFINITY;
    return -c.principal_utility;
}

/* ---- the IC boundary of a fixed threshold -----------------------------
 *
 * For threshold k the target tk that maximises V_k is not a global best
 * response (a shirking effort xc is better for the agent) while hi is. The
 * constrained optimum is the least t in (tk, hi] that passes the global IC
 * check. A bisection needs ~37 full best-response searches to place it to
 * 1e-11; instead follow the competitor: h(t) = U_t(t) - max_{x near xc}
 * U_t(x) is smooth in t, so zeroin finds its root with a dozen local
 * maximisations. The root is exact indifference, not the edge of the
 * check's tie tolerance: a root at U_t(t) = U_c - tie(U) would leave that
 * 1e-9 in the contract (a base of 1e-9 instead of G^{-1}(U0) when the
 * competitor is full shirking). The root is then verified by the full
 * global check (the competitor could have changed), else the caller
 * bisects as before. */

typedef struct icb_ctx {
    sb_ctx *s;
    long k;
    double lo, hi; /* bracket of the competitor's local maximum */
} icb_ctx;

static double ic_gap(double t, void *vctx)
{
    const icb_ctx *ic = vctx;
    const sb_ctx *s = ic->s;
    pm_contract c;
    double ut;
    if (pm_contract_binary_with_k(s->m, s->sc, s->n, ic->k, t, 0, &c, NULL) != PM_OK ||
        pm_contract_agent_utility(s->m, s->sc, &c.terms, t, &ut) != PM_OK)
        return NAN;
    double uc = pmx_agent_local_max(s->m, s->sc, &c.terms, ic->lo, ic->hi);
    return ut - uc;
}

/* 1 with *t_out and *out set when the boundary was found and verified. */
static int ic_boundary(sb_ctx *s, long k, double tk, double hi, pm_contract *out, double *t_out)
{
    pm_contract c;
    double xc;
    if (pm_contract_binary_with_k(s->m, s->sc, s->n, k, tk, 0, &c, NULL) != PM_OK ||
        pm_contract_best_response(s->m, s->sc, &c.terms, &xc, NULL) != PM_OK || !(xc < tk))
        return 0;
    icb_ctx ic = {s, k, fmax(0, xc - SB_COMPETITOR_HALF),
                  fmin(xc + SB_COMPETITOR_HALF, xc + 0.5 * (tk - xc))};
    double r;
    if (!(ic_gap(tk, &ic) < 0) || !(ic_gap(hi, &ic) >= 0) ||
        pmx_zeroin(ic_gap, &ic, tk, hi, 1e-13, 100, &r, NULL) != PM_OK)
        return 0;
    for (int i = 0; i < SB_LADDER_RUNGS; i++, r = fmin(r + SB_LADDER_FIRST * (1 << (4 * i)), hi))
        if (pm_contract_binary_with_k(s->m, s->sc, s->n, k, r, 1, &c, NULL) == PM_OK) {
            *out = c;
            *t_out = r;
            return 1;
        }
    return 0;
}

/* The constrained maximum of piece k when its unconstrained maximiser tk
 * fails IC: for a fixed k a larger target makes the threshold more lenient
 * relative to m(t) and restores IC, so it sits on the IC boundary to the
 * right, found from a feasible right end hi. */
static void piece_boundary(sb_ctx *s, long k, double tk, double hi)
{
    pm_contract cr;
    if (pm_contract_binary_with_k(s->m, s->sc, s->n, k, hi, 1, &cr, NULL) != PM_OK)
        return;
    double a = tk, b = hi;
    if (ic_boundary(s, k, tk, hi, &cr, &b))
        a = b; /* found and verified: skip the bisection */
    for (int it = 0; it < SB_BISECT_MAX && b - a > SB_BISECT_TOL; it++) {
        double mid = 0.5 * (a + b);
        pm_contract cm;
        if (pm_contract_binary_with_k(s->m, s->sc, s->n, k, mid, 1, &cm, NULL) == PM_OK) {
            b = mid;
            cr = cm;
        } else {
            a = mid;
        }
    }
    consider(s, &cr);
}

static void second_best_linear(sb_ctx *s, double eta_fb)
{
    /* Coarse scan first: some t are infeasible, so a local method alone
     * could stall. The first-best effort is always a candidate: the
     * restricted solution bounds the second-best from below. */
    double step = 1.0 / SB_SCAN;
    sb_neg(eta_fb, s);
    for (int i = 0; i <= SB_SCAN; i++)
        sb_neg((double)i / SB_SCAN, s);
    double bt = s->best.eta;
    /* V is smooth where feasible: Brent on the two cells around the best
     * scan point. */
    pmx_fmin(sb_neg, s, fmax(bt - step, 0), fmin(bt + step, 1), 1e-10, NULL, NULL, NULL);
}

static void second_best_binary(sb_ctx *s, double eta_fb)
{
    /* The restricted solution first: the second-best effort approaches
     * eta* (Prop. 7), so it is usually close to the answer and its value
     * prunes most of the scan below. */
    double step = 1.0 / SB_SCAN;
    sb_try(s, eta_fb);
    for (int i = 0; i <= SB_SCAN; i++)
        sb_try(s, (double)i / SB_SCAN);
    /* V jumps between smooth pieces as the optimal k changes: zoom with
     * local grids, then maximise each nearby piece V_k exactly by Brent. */
    while (step > SB_ZOOM_STOP) {
        double centre = s->best.eta;
        step /= SB_ZOOM_SHRINK;
        for (int i = -SB_ZOOM_HALF; i <= SB_ZOOM_HALF; i++)
            if (i != 0)
                sb_try(s, centre + i * step);
    }
    if (s->best.terms.k < 1)
        return; /* the constant wage (t = 0) won */
    double d = pm_scheme_slope(s->sc);
    double h = fmin(SB_PIECE_MAX, SB_PIECE_PASSES / ((double)s->n * d)), tb = s->best.eta;
    long kb = s->best.terms.k;
    for (long k = kb - SB_K_WINDOW; k <= kb + SB_K_WINDOW; k++) {
        if (k < 1 || k > s->n)
            continue;
        k_ctx kc = {s, k};
        double lo = fmax(tb - h, 1e-9), hi = fmin(tb + h, 1), tk, fk;
        pmx_fmin(k_neg, &kc, lo, hi, 1e-12, &tk, &fk, NULL);
        /* -fk is V_k's maximum without the IC constraint, an upper bound on
         * what this k can give: no IC check unless it beats the best. */
        if (!isfinite(fk) || -fk <= s->best_v)
            continue;
        pm_contract c;
        if (pm_contract_binary_with_k(s->m, s->sc, s->n, k, tk, 1, &c, NULL) == PM_OK)
            consider(s, &c);
        else
            piece_boundary(s, k, tk, hi);
    }
}

int pmx_second_best(const pm_model *m, const pm_scheme *sc, long n, pm_contract_type type,
                    double eta_fb, pm_contract *best)
{
    sb_ctx s = {.m = m, .sc = sc, .n = n, .type = type, .best_v = -INFINITY};
    if (type == PM_CONTRACT_LINEAR)
        second_best_linear(&s, eta_fb);
    else
        second_best_binary(&s, eta_fb);
    if (!(s.best_v > -INFINITY))
        return 0;
    *best = s.best;
    return 1;
}
