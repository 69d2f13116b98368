/*
** prefmon — incentive contracts (paper §5–7).
**
** A contract pays the annotator from the monitoring outcome X ~ Bin(n, m(eta)):
**   linear   w = base + slope * X / n
**   binary   w = base + bonus * 1{X >= k}
** Solutions:
**   first-best    effort observable: eta*, constant wage G^{-1}(E(eta*)+U0);
**   restricted    second-best that implements eta* (eta* a global best
**                 response of the agent, IR at eta*);
**   second-best   the principal picks the contract, the agent best-responds
**                 over all eta in [0,1], IR holds.
**
** Ownership: pm_contract is a plain value owned by the caller; model and
** scheme are borrowed for the call. Pure and thread-safe.
*/
#ifndef PREFMON_CONTRACT_H
#define PREFMON_CONTRACT_H

#include "prefmon/model.h"
#include "prefmon/monitor.h"
#include "prefmon/status.h"

typedef enum pm_contract_type { PM_CONTRACT_LINEAR = 0, PM_CONTRACT_BINARY = 1 } pm_contract_type;

typedef enum pm_solve {
    PM_SOLVE_FIRST_BEST = 0,
    PM_SOLVE_RESTRICTED = 1,
    PM_SOLVE_SECOND_BEST = 2
} pm_solve;

const char *pm_contract_type_name(pm_contract_type t); /* "linear", "binary" */
const char *pm_solve_name(pm_solve s); /* "first-best", "restricted", "second-best" */

typedef struct pm_contract {
    pm_contract_type type;
    pm_solve solve;
    long n;
    int feasible;      /* 0: no contract within the wage bounds implements it */
    double eta;        /* effort implemented (agent's best response) */
    double base;       /* wage when X = 0 (linear) or when failing (binary) */
    double slope;      /* linear: extra pay at X/n = 1; binary: 0 */
    double bonus;      /* binary: extra pay when X >= k; linear: 0 */
    long k;            /* binary threshold; linear: 0 */
    double tau;        /* grid mode: threshold fraction (pass = X > floor(tau n)); else NaN */
    double expected_pay;
    double principal_utility;  /* mu(eta) - E[w] */
    double agent_utility;      /* E[G(w)] - E(eta) */
    double first_best_utility; /* C */
    double first_best_eta;     /* eta* */
    double gap;                /* C - C_n */
    double normalized_gap;     /* (C - C_n) / C */
    double fisher_info;        /* I(eta*) of the scheme */
} pm_contract;

#endif
