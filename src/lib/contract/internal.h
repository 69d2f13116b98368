/*
** Internal: the contract engine's shared pieces (not part of the API).
**
** Layers inside src/lib/contract, lowest first; a file uses only the ones
** below it (scripts/check-layers.sh checks it):
**   names.c    type and solve names
**   agent.c    the agent: E[G(w)], utility, global best response, the bell
**              range, the IC tie, the verification of a finished contract
**   linear.c   cheapest linear contract implementing an effort
**   binary.c   cheapest binary contract implementing an effort
**   search.c   the second-best search over target efforts
**   contract.c names, first-best and the public solver entry points
**   grid.c     the paper's grid mode (uses the scheme and model only)
*/
#ifndef PREFMON_CONTRACT_INTERNAL_H
#define PREFMON_CONTRACT_INTERNAL_H

#include "prefmon/contract.h"

/* ---- agent.c ----------------------------------------------------------- */

/** The IC / IR tie tolerance at agent utility u: 1e-9 (1 + |u|) (stated in
 *  contract.h). Every comparison of agent utilities goes through it. */
double pmx_ic_tie(double u);

/** E[G(base + slope X/n)], X ~ Bin(n, p): the linear contract's expected
 *  utility of pay, written once for the agent and the linear solver. */
double pmx_eg_linear(const pm_utility *g, long n, double base, double slope, double p);

/** Blank report for a restricted solve of `type` at target eta: terms
 *  zero (n set), report fields NaN, feasible 0. */
void pmx_contract_start(pm_contract *out, pm_contract_type type, long n, double eta);

/** The effort interval of a binary threshold's incentive bell (±12
 *  standard deviations of X/n around (k-1)/(n-1), mapped through m^-1 and
 *  clipped to [0,1]); lo = hi = 2 when there is none (n < 2 or empty). */
void pmx_bell_range(const pm_scheme *sc, long n, long k, double *lo, double *hi);

/** The agent's largest utility under t over [lo, hi] near a local maximum
 *  (both ends and Brent inside); -inf when it cannot be evaluated. */
double pmx_agent_local_max(const pm_model *m, const pm_scheme *sc, const pm_contract_terms *t,
                           double lo, double hi);

/**
 * Verify a finished contract c (terms and report) independently of how it
 * was found: every reported value finite; every wage it can pay in
 * [w_min, w_max]; IR at c->eta (agent utility >= U0 - tie); IC (c->eta is a
 * global best response within the tie). PM_OK, or PM_EINFEASIBLE with what
 * failed in err. A first-best contract (observable effort) is checked for
 * finiteness and IR only.
 */
pm_status pmx_contract_verify(const pm_model *m, const pm_scheme *sc, const pm_contract *c,
                              pm_error *err);

/* ---- binary.c ----------------------------------------------------------- */

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

/* ---- search.c ----------------------------------------------------------- */

/** The second-best contract of `type` (see pm_contract_solve); eta_fb is
 *  the first-best effort. 1 with *best filled (terms, eta, pay, utilities,
 *  feasible), 0 when no target effort is implementable. */
int pmx_second_best(const pm_model *m, const pm_scheme *sc, long n, pm_contract_type type,
                    double eta_fb, pm_contract *best);

#endif
