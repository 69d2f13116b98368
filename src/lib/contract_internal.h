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

#endif
