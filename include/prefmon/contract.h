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

#include "prefmon/export.h"
#include "prefmon/model.h"
#include "prefmon/monitor.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

typedef enum pm_contract_type { PM_CONTRACT_LINEAR = 0, PM_CONTRACT_BINARY = 1 } pm_contract_type;

typedef enum pm_solve {
    PM_SOLVE_FIRST_BEST = 0,
    PM_SOLVE_RESTRICTED = 1,
    PM_SOLVE_SECOND_BEST = 2
} pm_solve;

PM_API const char *pm_contract_type_name(pm_contract_type t); /* "linear", "binary" */
PM_API const char *pm_solve_name(pm_solve s); /* "first-best", "restricted", "second-best" */

/* What a payment reads: the terms alone.
 *   linear  w = base + slope * X / n   (bonus 0, k 0)
 *   binary  w = base + bonus * 1{X >= k}   (slope 0) */
typedef struct pm_contract_terms {
    pm_contract_type type;
    long n;
    double base;  /* wage when X = 0 (linear) or when failing (binary) */
    double slope; /* linear: extra pay at X/n = 1; binary: 0 */
    double bonus; /* binary: extra pay when X >= k; linear: 0 */
    long k;       /* binary threshold; linear: 0 */
} pm_contract_terms;

/* A solved contract: its terms and the solution report. */
typedef struct pm_contract {
    pm_contract_terms terms;
    pm_solve solve;
    int feasible; /* 0: no verified contract within the wage bounds implements it */
    double eta;   /* effort implemented (agent's best response) */
    double expected_pay;
    double principal_utility;  /* mu(eta) - E[w] */
    double agent_utility;      /* E[G(w)] - E(eta) */
    double first_best_utility; /* C */
    double first_best_eta;     /* eta* (pm_scheme_fisher(sc, eta*) is I(eta*)) */
    double gap;                /* C - C_n */
    double normalized_gap;     /* (C - C_n) / C */
} pm_contract;

/* ---- the IC tie --------------------------------------------------------
 *
 * The agent's utilities are computed in floating point, so "eta is a best
 * response" and "IR holds" are decided with a tie tolerance of
 * 1e-9 (1 + |u|) in agent utility u: eta is accepted when no effort beats
 * it by more than that, and IR when U(eta) >= U0 - 1e-9 (1 + |U0|). What it
 * does to reported values: a solver may return a contract that is up to
 * the tie cheaper than the exact optimum, e.g. a binary second-best base of
 * ~1e-9 where the exact value is 0, or a target that an exact agent would
 * shirk from by less than 1e-9 (1 + |u|) in utility. */

/* ---- solvers ----------------------------------------------------------
 *
 * Every solver checks the model first (pm_model_check: PM_EMODEL) and
 * validates n >= 1 and the scheme (PM_EINVAL). A restricted problem with no
 * contract inside [w_min, w_max] that makes the target a GLOBAL best
 * response returns PM_EINFEASIBLE with feasible = 0, NaN contract fields and
 * the first-best fields filled; never a silently wrong contract. */

/** First-best (Prop. 5): eta* = argmax mu(eta) - G^{-1}(E(eta) + U0) on
 *  [0,1], paid by the constant wage G^{-1}(E(eta*) + U0). */
PM_API pm_status pm_first_best(const pm_model *m, pm_contract *out, pm_error *err);

/**
 * The cheapest contract of `type` for n monitored items that implements
 * effort `eta` in [0,1]: eta is a global best response of the agent, IR
 * binds at eta, every wage lies in [w_min, w_max].
 *   linear: slope from the first-order condition, base from binding IR
 *           (closed form for one-term CARA/sumexp, paper §7.3; a monotone
 *           root in the slope for several terms; slope = E'/m' for linear G);
 *   binary: for each threshold k the bonus (in utility units) from the FOC
 *           and the base from binding IR (§6.5); the k with the least
 *           expected pay among those that pass the global IC check.
 * eta = 0 gives the constant wage G^{-1}(U0 + E(0)) (slope/bonus 0, k 0).
 * Fills every field; gap fields are relative to the first-best.
 */
PM_API pm_status pm_contract_implement(const pm_model *m, const pm_scheme *sc, long n,
                                       pm_contract_type type, double eta, pm_contract *out,
                                       pm_error *err);

/** Type-specific forms of pm_contract_implement (they fill the contract
 *  terms, eta, expected_pay, principal/agent utility and feasible only). */
PM_API pm_status pm_contract_linear_implement(const pm_model *m, const pm_scheme *sc, long n,
                                              double eta, pm_contract *out, pm_error *err);
PM_API pm_status pm_contract_binary_implement(const pm_model *m, const pm_scheme *sc, long n,
                                              double eta, pm_contract *out, pm_error *err);

/** The binary contract with the given threshold k (1..n) implementing eta
 *  in (0,1] (bonus from the FOC, base from binding IR). check_ic = 0 skips
 *  the global best-response check (feasible then means: wages within the
 *  bounds and the second-order condition holds). */
PM_API pm_status pm_contract_binary_with_k(const pm_model *m, const pm_scheme *sc, long n, long k,
                                           double eta, int check_ic, pm_contract *out,
                                           pm_error *err);

/**
 * Solve `solve` for `type` and n: first-best (constant wage, any type),
 * restricted (implement eta*) or second-best (maximise mu(t) - E[pay] over
 * the target t, each t implemented as cheaply as possible; the agent's best
 * response to the result is t). Fills eta, base, slope or bonus and k,
 * expected_pay, principal/agent utility, first_best_utility/eta, gap,
 * normalized_gap and feasible. Every contract returned with feasible = 1
 * has been verified (finite values, wages in [w_min, w_max], IR and global
 * IC within the tie above); one that fails is PM_EINFEASIBLE, feasible = 0.
 */
PM_API pm_status pm_contract_solve(const pm_model *m, const pm_scheme *sc, long n,
                                   pm_contract_type type, pm_solve solve, pm_contract *out,
                                   pm_error *err);

/** Requests estimated above this many seconds of solving are refused
 *  before any work (prefmon gap; budget states its estimate too). */
#define PM_CONTRACT_WORK_LIMIT_S 60.0

/** The one work model of pm_contract_solve, for refusing a request of hours
 *  before starting it (only the order of magnitude matters): the estimated
 *  seconds of one solve at n. Linear about 1 ms at any n; binary 2 ms +
 *  0.03 sqrt(n) ms second-best, 2 ms + 0.0016 sqrt(n) ms restricted or
 *  first-best; a k-term sumexp utility costs about 4k times a CARA one.
 *  NaN on a NULL model or n < 1. */
PM_API double pm_contract_solve_seconds(const pm_model *m, pm_contract_type type, pm_solve solve,
                                        long n);

/** The same summed over the count values ns[0..count) (one solve each);
 *  0 when count is 0, NaN on a NULL model, a NULL ns with count > 0 or an
 *  n < 1. */
PM_API double pm_contract_work_seconds(const pm_model *m, pm_contract_type type, pm_solve solve,
                                       const long *ns, size_t count);

/** The agent's expected utility E[G(w)] - E(eta) under the terms t when
 *  exerting eta. PM_EINVAL on bad terms or eta outside [0,1]. */
PM_API pm_status pm_contract_agent_utility(const pm_model *m, const pm_scheme *sc,
                                           const pm_contract_terms *t, double eta, double *u);

/**
 * The agent's GLOBAL best response to c over [0,1]: a dense grid (uniform,
 * plus a fine grid across the binary threshold's bell where the incentive
 * lives), Brent refinement around every grid local maximum, and the
 * endpoints. Ties go to the larger effort. *eta and *u may be NULL.
 */
PM_API pm_status pm_contract_best_response(const pm_model *m, const pm_scheme *sc,
                                           const pm_contract_terms *t, double *eta, double *u);

/* ---- contract files --------------------------------------------------- */

/**
 * Write c, with the model and scheme it was solved for, as a JSON contract
 * file ("format": "prefmon-contract", "format_version": 1) that
 * pm_contract_load reads back. `method` records how it was
 * solved ("exact" or "grid-paper"). The file is written to a temporary file
 * in the same directory and renamed into place, so no partial file is ever
 * left at `path`. Numbers are written with 17 significant digits (exact
 * round trip). PM_EIO with the path and reason on failure.
 */
PM_API pm_status pm_contract_save(const char *path, const pm_contract *c, const pm_model *m,
                                  const pm_scheme *sc, const char *method, pm_error *err);

/** Read a contract file written by pm_contract_save. Every field is
 *  validated (names, ranges, the scheme rebuilt through pm_scheme_self /
 *  pm_scheme_expert), and the terms must be payable: "feasible" true, no
 *  slope on a binary contract and no bonus on a linear one, bonus or slope
 *  >= 0, base and base + bonus (or slope) within the model's [wage_min,
 *  wage_max]. PM_EIO / PM_EPARSE with "file:line:col" or
 *  "file: field 'x': what". Outputs are written only on success. */
PM_API pm_status pm_contract_load(const char *path, pm_contract *c, pm_model *m, pm_scheme *sc,
                                  pm_error *err);

/** pm_contract_load for a contract file in memory, buf[0..len) (no NUL
 *  needed); `name` stands for the path in messages (NULL: "<memory>"). */
PM_API pm_status pm_contract_load_mem(const char *buf, size_t len, const char *name, pm_contract *c,
                                      pm_model *m, pm_scheme *sc, pm_error *err);

/* ---- the threshold rule ------------------------------------------------
 *
 * A contract is offered before the work, for n pairs. How an annotator
 * whose pairs differ from n is judged must be fixed then too, so that
 * nobody chooses their own n by labelling more or less:
 *   first-n  (the default) judged on n pairs: the first n pairs in order
 *            (pair outcomes in the assessment) when there are more; with
 *            fewer than n, no bonus on this batch's evidence;
 *   scaled   all n_i pairs against k_i = ceil(k * n_i / n) (prefmon 0.1's
 *            rule; it pays 1 of 1 and not 15 of 16 when k = n = 3).
 * A contract file states it in the optional field "threshold_rule". */
typedef enum pm_threshold_rule {
    PM_THRESHOLD_FIRST_N = 0,
    PM_THRESHOLD_SCALED = 1
} pm_threshold_rule;

/** "first-n", "scaled"; NULL out of range. */
PM_API const char *pm_threshold_rule_name(pm_threshold_rule r);

/** The rule named s ("first-n", "scaled"); PM_EINVAL naming the choices. */
PM_API pm_status pm_threshold_rule_parse(const char *s, pm_threshold_rule *out, pm_error *err);

/** The "threshold_rule" field of the contract file at path: *given 1 and the
 *  rule, or *given 0 and PM_THRESHOLD_FIRST_N when the file has none.
 *  PM_EPARSE ("path: field 'threshold_rule': ...") for another value,
 *  PM_EIO when the file cannot be read. */
PM_API pm_status pm_contract_load_threshold_rule(const char *path, pm_threshold_rule *out,
                                                 int *given, pm_error *err);

PM_END_DECLS

#endif
