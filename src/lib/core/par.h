/*
** Internal: a loop over [0, n) cut into contiguous ranges run by several
** threads at once, for the per-row work after reading (the statistics of
** a million annotators' rows took seconds on one thread).
**
** Ownership: nothing is allocated for the caller; fn and ctx are the
** caller's. fn must only write what its range owns.
*/
#ifndef PREFMON_CORE_PAR_H
#define PREFMON_CORE_PAR_H

#include <stddef.h>

/* The most ranges pmx_par_for makes (and so the most threads it runs). */
#define PMX_PAR_MAX 64

/* fn(ctx, lo, hi, k) for the k-th of up to `threads` contiguous ranges
 * covering [0, n) in order, range 0 in this thread; ranges of fewer than
 * min_each items are merged (one range when n < 2 * min_each). Returns
 * the number of ranges run (0 when n is 0). A thread that cannot be
 * started has its range run in this thread. */
int pmx_par_for(size_t n, int threads, size_t min_each,
                void (*fn)(void *ctx, size_t lo, size_t hi, int k), void *ctx);

#endif
