/*
** prefmon — binomial and beta distribution functions.
**
** nmath-shaped kernels over R's standalone Rmath (libRmath). Every argument
** is validated here before Rmath sees it, because Rmath prints to stdout and
** may exit on domain errors; an invalid argument returns NaN instead.
**
** Conventions (as in R):
**   lower_tail != 0   P(X <= x);   lower_tail == 0   P(X > x), computed
**                     directly, never as 1 - P(X <= x);
**   log_p / give_log  return the natural logarithm, so tails far below the
**                     smallest double (1e-308) stay representable.
**
** Domain: n a whole number in [0, 2^53], p in [0, 1]. Far tails (beyond
** the mode, terms falling off geometrically) are summed term by term; the
** pmf uses the mirror b(n-x; n, 1-p) near x = n; the quantile is a
** bisection on the cdf. Accuracy against 60-digit mpmath: 1e-12 relative
** (1e-12 absolute on logs down to -1000, relative beyond) for n <= 10^6 —
** tests/spec/data/binom*.tsv, tests/spec/README.md. Pure and thread-safe.
*/
#ifndef PREFMON_BINOM_H
#define PREFMON_BINOM_H

#include <stddef.h>

#include "prefmon/export.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/** Binomial pmf P(X = x), X ~ Bin(n, p). Non-integer or out-of-range x gives
 *  0 (-inf on log scale); invalid n or p gives NaN. */
PM_API double pm_dbinom(double x, double n, double p, int give_log);

/** Binomial cdf P(X <= x) (lower_tail) or survival P(X > x); x is floored. */
PM_API double pm_pbinom(double x, double n, double p, int lower_tail, int log_p);

/** Upper tail P(X >= k) — the pass probability of "at least k of n". k <= 0
 *  gives 1, k > n gives 0. */
PM_API double pm_binom_sf(double k, double n, double p, int log_p);

/** Exact range probability P(a <= X <= b), summed term by term from the
 *  smaller side when the range is short, otherwise as a difference of tails
 *  taken on the side where both are small (no 1 - (1 - eps) cancellation). */
PM_API double pm_binom_range(double a, double b, double n, double p, int log_p);

/** Binomial quantile: the smallest x with P(X <= x) >= prob (lower_tail). */
PM_API double pm_qbinom(double prob, double n, double p, int lower_tail, int log_p);

/** Regularized incomplete beta I_x(a, b) and its quantile, a, b > 0. */
PM_API double pm_pbeta(double x, double a, double b, int lower_tail, int log_p);
PM_API double pm_qbeta(double prob, double a, double b, int lower_tail, int log_p);

/**
 * Exact two-sided Clopper–Pearson interval for a binomial proportion from x
 * successes in n trials at confidence `level` (e.g. 0.95): lower =
 * Beta quantile (1-level)/2 of Beta(x, n-x+1) (0 when x = 0), upper = Beta
 * quantile (1+level)/2 of Beta(x+1, n-x) (1 when x = n).
 * Returns PM_EINVAL unless 0 <= x <= n, n >= 1 and 0 < level < 1.
 */
PM_API pm_status pm_clopper_pearson(long x, long n, double level, double *lower, double *upper,
                                    pm_error *err);

/** Bernoulli Kullback–Leibler divergence kl(a || b) in nats; +inf when a puts
 *  mass where b has none. */
PM_API double pm_kl_bernoulli(double a, double b);

/** The largest count pm_poisson_binomial accepts: its cost is count^2 / 2
 *  multiply-adds (2e8 at the limit, well under a second). */
#define PM_POIBIN_MAX 20000

/**
 * The exact distribution of K = the number of successes among count
 * independent trials with success probabilities p[0..count-1] (the
 * Poisson-binomial law; the binomial when all p are equal): pmf[k] =
 * P(K = k) for k = 0..count (room for count + 1). By the usual recurrence
 * over the trials, adding one trial at a time, which keeps every term a
 * convex combination of non-negative numbers: no cancellation.
 * PM_EINVAL for a p outside [0, 1] or NaN, PM_ELIMIT above PM_POIBIN_MAX.
 */
PM_API pm_status pm_poisson_binomial(const double *p, size_t count, double *pmf, pm_error *err);

PM_END_DECLS

#endif
