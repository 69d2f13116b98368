/*
** Brent's zeroin and fmin, written from the published algorithms (Brent
** 1973, ch. 4 "zero" and ch. 5 "localmin").
*/
#include <float.h>
#include <math.h>

#include "core/optim.h"

pm_status pmx_zeroin(pmx_fn f, void *ctx, double a, double b, double tol, int maxit, double *root,
                     pm_error *err)
{
    double fa = f(a, ctx), fb = f(b, ctx);
    if (isnan(fa) || isnan(fb) || (fa > 0 && fb > 0) || (fa < 0 && fb < 0))
        return pm_error_set(err, PM_EINVAL,
                            "root finder: f(%.17g) = %g and f(%.17g) = %g do not bracket a root", a,
                            fa, b, fb);
    if (tol < 0)
        tol = 0;
    /* b is the best estimate, a the previous one, c the contrapoint: f(b)
     * and f(c) always bracket the zero. d is the last step, e the one
     * before (a step is accepted only if it is less than half of e, which
     * guarantees at least bisection-rate convergence). */
    double c = a, fc = fa, d = b - a, e = d;
    for (int it = 0; it < maxit; it++) {
        if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
            c = a;
            fc = fa;
            d = e = b - a;
        }
        if (fabs(fc) < fabs(fb)) {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        double tol1 = 2 * DBL_EPSILON * fabs(b) + 0.5 * tol;
        double xm = 0.5 * (c - b);
        if (fabs(xm) <= tol1 || fb == 0) {
            *root = b;
            return PM_OK;
        }
        if (fabs(e) >= tol1 && fabs(fa) > fabs(fb)) {
            /* Interpolate: secant if only two distinct points, else
             * inverse quadratic. */
            double p, q, r, s = fb / fa;
            if (a == c) {
                p = 2 * xm * s;
                q = 1 - s;
            } else {
                q = fa / fc;
                r = fb / fc;
                p = s * (2 * xm * q * (q - r) - (b - a) * (r - 1));
                q = (q - 1) * (r - 1) * (s - 1);
            }
            if (p > 0)
                q = -q;
            else
                p = -p;
            if (2 * p < fmin(3 * xm * q - fabs(tol1 * q), fabs(e * q))) {
                e = d;
                d = p / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += fabs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1);
        fb = f(b, ctx);
        if (isnan(fb)) {
            *root = a;
            return pm_error_set(err, PM_ENOCONV, "root finder: f(%.17g) is not a number", b);
        }
    }
    *root = b;
    return pm_error_set(err, PM_ENOCONV, "root finder: no convergence in %d iterations near %.17g",
                        maxit, b);
}

pm_status pmx_fmin(pmx_fn f, void *ctx, double a, double b, double tol, double *xmin,
                   double *fmin_out, pm_error *err)
{
    if (!(a < b))
        return pm_error_set(err, PM_EINVAL, "minimiser: empty interval [%.17g, %.17g]", a, b);
    const double cgold = 0.5 * (3 - sqrt(5.0));
    const double eps = sqrt(DBL_EPSILON);
    /* x: best point, w: second best, v: previous w; u: last evaluated. */
    double x = a + cgold * (b - a), w = x, v = x;
    double fx = f(x, ctx), fw = fx, fv = fx;
    double d = 0, e = 0;
    for (int it = 0; it < 200; it++) {
        double xm = 0.5 * (a + b);
        double tol1 = eps * fabs(x) + tol / 3, tol2 = 2 * tol1;
        if (fabs(x - xm) <= tol2 - 0.5 * (b - a))
            break;
        int golden = 1;
        if (fabs(e) > tol1) {
            /* Fit a parabola through x, w, v. */
            double r = (x - w) * (fx - fv);
            double q = (x - v) * (fx - fw);
            double p = (x - v) * q - (x - w) * r;
            q = 2 * (q - r);
            if (q > 0)
                p = -p;
            else
                q = -q;
            double etemp = e;
            e = d;
            /* Accept the parabolic step only if it falls inside (a, b) and
             * is less than half the step before last. */
            if (!(fabs(p) >= fabs(0.5 * q * etemp) || p <= q * (a - x) || p >= q * (b - x))) {
                d = p / q;
                double u = x + d;
                if (u - a < tol2 || b - u < tol2)
                    d = xm >= x ? tol1 : -tol1;
                golden = 0;
            }
        }
        if (golden) {
            e = (x >= xm ? a : b) - x;
            d = cgold * e;
        }
        double u = x + (fabs(d) >= tol1 ? d : (d > 0 ? tol1 : -tol1));
        double fu = f(u, ctx);
        if (isnan(fu))
            fu = INFINITY;
        if (fu <= fx) {
            if (u >= x)
                a = x;
            else
                b = x;
            v = w;
            fv = fw;
            w = x;
            fw = fx;
            x = u;
            fx = fu;
        } else {
            if (u < x)
                a = u;
            else
                b = u;
            if (fu <= fw || w == x) {
                v = w;
                fv = fw;
                w = u;
                fw = fu;
            } else if (fu <= fv || v == x || v == w) {
                v = u;
                fv = fu;
            }
        }
    }
    if (xmin)
        *xmin = x;
    if (fmin_out)
        *fmin_out = fx;
    return PM_OK;
}

/* ---- global maximisation on a grid ------------------------------------ */

typedef struct neg_ctx {
    pmx_fn f;
    void *ctx;
} neg_ctx;

static double neg(double x, void *vctx)
{
    const neg_ctx *c = vctx;
    double v = c->f(x, c->ctx);
    return isfinite(v) ? -v : INFINITY;
}

pm_status pmx_grid_maximize(pmx_fn f, void *ctx, const pmx_grid *g, double *xbest, double *fbest,
                            pm_error *err)
{
    double x[PMX_GRID_MAX], fx[PMX_GRID_MAX];
    int loc[PMX_GRID_MAX];
    if (g->uniform < 1 || g->uniform + g->bell + 2 > PMX_GRID_MAX)
        return pm_error_set(err, PM_EINVAL, "grid maximiser: %d + %d points is outside [1, %d]",
                            g->uniform, g->bell, PMX_GRID_MAX - 2);
    int nu = g->uniform, nb = g->bell_lo < g->bell_hi ? g->bell : -1, nx = 0;
    int last = g->include_one ? nu : nu - 1;
    /* Merge the two sorted grids, dropping repeats. */
    for (int ju = 0, jb = 0; ju <= last || jb <= nb;) {
        double xu = ju <= last ? (double)ju / nu : 3;
        double xb = jb <= nb ? g->bell_lo + (g->bell_hi - g->bell_lo) * jb / nb : 3;
        double xv = xu <= xb ? xu : xb;
        if (xu <= xb)
            ju++;
        else
            jb++;
        if ((!g->include_one && xv >= 1) || (nx > 0 && xv <= x[nx - 1]))
            continue;
        x[nx] = xv;
        fx[nx] = f(xv, ctx);
        nx++;
    }
    int nl = 0;
    for (int i = 0; i < nx; i++) {
        int left = i == 0 || fx[i] >= fx[i - 1], right = i == nx - 1 || fx[i] >= fx[i + 1];
        if (left && right && isfinite(fx[i]))
            loc[nl++] = i;
    }
    neg_ctx nc = {f, ctx};
    double bx = NAN, bf = -INFINITY;
    for (int r = 0; r < g->refine && r < nl; r++) {
        for (int q = r + 1; q < nl; q++) /* partial selection sort by value */
            if (fx[loc[q]] > fx[loc[r]]) {
                int t = loc[r];
                loc[r] = loc[q];
                loc[q] = t;
            }
        int i = loc[r];
        double cx = x[i], cf = fx[i];
        double lo = x[i > 0 ? i - 1 : 0], hi = i < nx - 1 ? x[i + 1] : 1, rx, rf;
        if (hi > lo) {
            pmx_fmin(neg, &nc, lo, hi, 1e-12, &rx, &rf, NULL);
            if (-rf > cf) {
                cx = rx;
                cf = -rf;
            }
        }
        if (cf > bf || (cf == bf && cx > bx)) {
            bf = cf;
            bx = cx;
        }
    }
    if (isnan(bx))
        return pm_error_set(err, PM_EINVAL, "grid maximiser: the function is NaN at every point");
    if (xbest)
        *xbest = bx;
    if (fbest)
        *fbest = bf;
    return PM_OK;
}
