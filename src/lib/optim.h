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
pm_status pmx_zeroin(pmx_fn f, void *ctx, double a, double b, double tol, int maxit, double *root);

/**
 * Local minimum of f on [a, b] (fmin): golden section with parabolic
 * interpolation. Returns the abscissa in *xmin and f there in *fmin (either
 * may be NULL). For a unimodal f it is the minimum within about
 * sqrt(eps) |x| + tol; otherwise some local minimum. The endpoints
 * themselves are never evaluated: callers that care compare them.
 */
pm_status pmx_fmin(pmx_fn f, void *ctx, double a, double b, double tol, double *xmin, double *fmin);

#endif
