/*
** Internal: the contract solvers' shared pieces (not part of the API).
*/
#ifndef PREFMON_CONTRACT_INTERNAL_H
#define PREFMON_CONTRACT_INTERNAL_H

#include "prefmon/contract.h"

/**
 * pm_contract_binary_implement restricted to contracts whose expected pay
 * is below pay_below (INFINITY: all). A search that only needs the target's
 * value when it beats a known contract passes mu(eta) - best: thresholds
 * that cannot beat it are never checked for global IC (the expensive part).
 * With no qualifying contract the result is PM_EINFEASIBLE, feasible = 0,
 * exactly as when nothing implements eta.
 */
pm_status pmx_binary_implement_below(const pm_model *m, const pm_scheme *sc, long n, double eta,
                                     double pay_below, pm_contract *out, pm_error *err);

/** Zero *out and set the type, n, target effort and restricted solve kind
 *  (tau = NaN: not a grid contract). */
void pmx_contract_start(pm_contract *out, pm_contract_type type, long n, double eta);

/** The effort interval of a binary threshold's incentive bell (±12
 *  standard deviations of X/n around (k-1)/(n-1), mapped through m^-1 and
 *  clipped to [0,1]); lo = hi = 2 when there is none (n < 2 or empty). */
void pmx_bell_range(const pm_scheme *sc, long n, long k, double *lo, double *hi);

#endif
