/*
** Internal to the stats layer and its tests: the sample-size search with its
** work made visible (pmx_ prefix, not installed).
*/
#ifndef PREFMON_STATS_INTERNAL_H
#define PREFMON_STATS_INTERNAL_H

#include "prefmon/monitor.h"

/** pm_samplesize with the level rule's scan budget given (pm_samplesize
 *  uses PM_SAMPLESIZE_SCAN_MAX) and, when evals is not NULL, the number of
 *  test / envelope / tail evaluations it made stored there. */
pm_status pmx_samplesize(const pm_scheme *sc, double eta0, double eta1, pm_rule rule, double alpha,
                         double target, long max_n, long scan_budget, long *evals, pm_test *out,
                         pm_error *err);

#endif
