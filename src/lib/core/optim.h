/*
** Internal: one-dimensional root finding and minimisation (Brent 1973,
** "Algorithms for Minimization without Derivatives", ch. 4 and 5).
**
** Both methods only ever evaluate f inside [a, b] and keep a bracket, so
** they cannot diverge; they combine a fast local model (secant / inverse
** quadratic, parabola) with a guaranteed fallback (bisection, golden
** section). Pure and thread-safe: state lives in ctx.
*/
#ifndef PREFMON_OPTIM_H
#define PREFMON_OPTIM_H

#include "prefmon/status.h"

typedef double (*pmx_fn)(double x, void *ctx);

/**
 * Zero of f in [a, b] (zeroin). f(a) and f(b) must not have the same strict
 * sign (PM_EINVAL otherwise, or if an endpoint value is NaN). On PM_OK *root
 * is within 4 eps |root| + tol of a sign change of f. PM_ENOCONV after
 * maxit evaluations (the best point so far is still stored).
 */
pm_status pmx_zeroin(pmx_fn f, void *ctx, double a, double b, double tol, int maxit, double *root,
                     pm_error *err);

/**
 * Local minimum of f on [a, b] (fmin): golden section with parabolic
 * interpolation. Returns the abscissa in *xmin and f there in *fmin (either
 * may be NULL). For a unimodal f it is the minimum within about
 * sqrt(eps) |x| + tol; otherwise some local minimum. The endpoints
 * themselves are never evaluated: callers that care compare them.
 */
pm_status pmx_fmin(pmx_fn f, void *ctx, double a, double b, double tol, double *xmin, double *fmin,
                   pm_error *err);

/** A grid over [0,1] for pmx_grid_maximize: `uniform` cells (the point 1
 *  included only when include_one), plus `bell` + 1 extra points across
 *  [bell_lo, bell_hi] when bell_lo < bell_hi (a narrow region where f
 *  changes fast, e.g. a binary threshold's incentive bell). */
typedef struct pmx_grid {
    int uniform, include_one;
    double bell_lo, bell_hi;
    int bell;
    int refine; /* how many of the best grid local maxima Brent refines */
} pmx_grid;

#define PMX_GRID_MAX 1024 /* uniform + bell + 2 must not exceed this */

/**
 * Global maximum of f on [0,1] (or [0,1)): f on the merged grid, then the
 * `refine` largest grid local maxima (endpoints included) refined by
 * pmx_fmin inside their neighbouring cells — a boundary maximum may hide
 * an interior one in its cell. Ties go to the larger x. PM_EINVAL when the
 * grid is too large or f is nowhere finite.
 */
pm_status pmx_grid_maximize(pmx_fn f, void *ctx, const pmx_grid *g, double *xbest, double *fbest,
                            pm_error *err);

#endif
