/*
** prefmon — the monitoring budget: how many monitored items per annotator
** to buy (arXiv 2502.06387 §5-7 applied to the buyer's price list).
**
** Monitoring n items per annotator lets the principal write the optimal
** contract for n (pm_contract_solve), worth C_n = mu(eta) - E[w] to her,
** and costs her n times the price of one monitored item. The budget is
**
**     V(n) = C_n - unit_cost * n,        n* = argmax V over 1 <= n <= max_n,
**
** all in the model's wage units (the units of w, base, slope and bonus).
** The price of one monitored item (pm_budget_unit_cost):
**   self-consistency  one duplicate: dup_cost + label_pay
**   expert / gold     one gold item: gold_cost + label_pay
** where label_pay is what the annotator is paid for the time of that one
** label ON TOP of the contract (0 when the contract's wage covers the whole
** queue, copies and gold included: the default reading, in which E(eta) is
** the cost of the whole queue). A gold label shared by A annotators costs
** each of them gold_cost / A: pass that.
**
** The search (V is not unimodal for binary contracts: k is an integer and
** the gap is ragged) is a stated grid plus a local search:
**   1. every n in 1..min(dense_max, max_n), exactly;
**   2. above dense_max a geometric grid n_{i+1} = max(n_i + 1,
**      floor(n_i * ratio)), ending at max_n;
**   3. around the best point so far, zoom: evaluate `zoom` evenly spaced n
**      strictly between its evaluated neighbours, repeat until they are at
**      most 2 radius + 1 apart, then evaluate every n within radius of the
**      best, and again around a new best until the best stops moving.
** Below dense_max the answer is exact; above it, it is the best of the
** grid's neighbourhood (a narrow better spike between grid points far from
** the grid's best can be missed — the output says grid + local search).
** Each evaluation is one pm_contract_solve; an n is never solved twice.
**
** Linear contracts have the rule of thumb gap(n) ~ A / n with the closed
** form (a small-risk expansion of the restricted contract, §7.3)
**     A = -G''(w*) E'(eta*)^2 / (2 G'(w*)^3 I(eta*)),
** w* the first-best wage, I the Fisher information of one monitored item,
** so n* ~ sqrt(A / unit_cost) (pm_budget_rule). doc/budget.md derives it
** and the binary analogue n* ~ unit_cost^(-2/3) up to logarithms.
**
** Ownership: every struct is a plain value owned by the caller; model and
** scheme are borrowed for the call; the curve is written into the
** caller's array. Pure and thread-safe.
*/
#ifndef PREFMON_BUDGET_H
#define PREFMON_BUDGET_H

#include <stddef.h>

#include "prefmon/export.h"
#include "prefmon/contract.h"
#include "prefmon/model.h"
#include "prefmon/monitor.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/** Largest max_n a search accepts: no annotator labels more monitored
 *  items than this, and the geometric grid's solves grow like sqrt(n)
 *  (binary second-best: about 1 s each at n = 1e9). */
#define PM_BUDGET_MAX_N 1000000L
/** Most solver calls a search may plan (PM_ELIMIT beyond). */
#define PM_BUDGET_MAX_SOLVES 100000L

/** The price list, in the model's wage units, all finite and >= 0. */
typedef struct pm_budget_costs {
    double dup_cost;  /* one duplicate label (self-consistency) */
    double gold_cost; /* one gold item per annotator (expert monitoring) */
    double label_pay; /* annotator's pay for one monitored label on top of the contract */
} pm_budget_costs;

/** Price of one monitored item under the scheme kind: dup_cost + label_pay
 *  (self) or gold_cost + label_pay (expert). NaN on a bad cost. */
PM_API double pm_budget_unit_cost(pm_monitor_kind kind, const pm_budget_costs *costs);

/** The search grid (see the top of this file). */
typedef struct pm_budget_search {
    long max_n;      /* 1..PM_BUDGET_MAX_N */
    long dense_max;  /* >= 1: every n up to it is solved */
    double ratio;    /* geometric step above dense_max, in (1, 16] */
    long zoom;       /* points per zoom round, >= 2 */
    long radius;     /* final exhaustive neighbourhood, best +- radius, >= 1 */
    long max_solves; /* solver calls allowed, 1..PM_BUDGET_MAX_SOLVES */
} pm_budget_search;

/** Defaults: max_n 100000, dense_max 200, ratio 1.1, zoom 8, radius 64,
 *  max_solves 2000. The default search plans at most 943 solves (266 on
 *  the grid), 975 at max_n = PM_BUDGET_MAX_N; a binary V is a sawtooth
 *  with teeth about 20 wide near n = 1000, hence the +-64 neighbourhood. */
PM_API void pm_budget_search_default(pm_budget_search *s);

/** Solver calls the grid (steps 1-2) needs, and an upper bound on the
 *  whole search's (steps 1-3, the neighbourhood re-centred at most 4
 *  times): what PM_ELIMIT compares with max_solves. 0 on a bad search. */
PM_API long pm_budget_grid_count(const pm_budget_search *s);
PM_API long pm_budget_planned_solves(const pm_budget_search *s);

/** One evaluated n. */
typedef struct pm_budget_point {
    long n;
    int feasible; /* 0: no verified contract for this n (value NaN) */
    int stage;    /* 0 dense grid, 1 geometric grid, 2 zoom, 3 neighbourhood */
    double eta, expected_pay;
    double principal_utility; /* C_n, of the optimal contract at n */
    double gap;               /* C - C_n */
    double monitoring_cost;   /* unit_cost * n */
    double value;             /* V(n) = C_n - unit_cost * n */
} pm_budget_point;

typedef struct pm_budget_result {
    pm_budget_point best; /* n* and V(n*) */
    pm_contract contract; /* the optimal contract at n* */
    double unit_cost;
    double first_best_utility; /* C */
    double no_monitoring;      /* mu(0) - G^{-1}(U0 + E(0)): V without any monitoring */
    int at_max_n;              /* n* = max_n: V may still rise beyond the search */
    long solves;               /* solver calls made (= points on the curve) */
    long grid_points;          /* of which the grid's */
    long infeasible;           /* points with feasible = 0 */
    int settled;               /* 0: the best still moved after the last neighbourhood */
} pm_budget_result;

/** One search: the model, the scheme, the contract and the price of a
 *  monitored item. Start from pm_budget_request_default. */
typedef struct pm_budget_request {
    const pm_model *model;   /* required */
    const pm_scheme *scheme; /* required */
    pm_contract_type type;   /* PM_CONTRACT_LINEAR */
    pm_solve solve;          /* PM_SOLVE_RESTRICTED or PM_SOLVE_SECOND_BEST (the default) */
    double unit_cost;        /* price of one monitored item (pm_budget_unit_cost), >= 0 (0) */
    pm_budget_search search; /* the grid (pm_budget_search_default) */
} pm_budget_request;

/** The defaults above (model and scheme NULL: set them). */
PM_API void pm_budget_request_default(pm_budget_request *req);

/**
 * Search n* for one scheme, contract type and solve (PM_SOLVE_RESTRICTED
 * or PM_SOLVE_SECOND_BEST). unit_cost: finite and >= 0 (0 is allowed: V
 * then rises to the end and n* = max_n with at_max_n set). curve: NULL or
 * room for req->search.max_solves points; it receives every evaluated n in
 * increasing order, *ncurve (may be NULL) their number.
 * Errors: PM_EINVAL (bad argument, named), PM_EMODEL (the model),
 * PM_ELIMIT when max_n > PM_BUDGET_MAX_N or the planned solves exceed
 * max_solves (the message gives the count and an estimate of the time),
 * PM_EINFEASIBLE when no n evaluated has a feasible contract, PM_ENOMEM.
 * A solver failure other than infeasibility is returned as is. *res and
 * the curve are written only on success.
 */
PM_API pm_status pm_budget_optimize(const pm_budget_request *req, pm_budget_result *res,
                                    pm_budget_point *curve, size_t *ncurve, pm_error *err);

/** The linear rule of thumb: *a = A above (gap ~ A/n for large n) and
 *  *n_rule = sqrt(A / unit_cost) (+inf when unit_cost is 0). Either
 *  output may be NULL. A = 0 when no incentive is needed (eta* = 0 or
 *  E'(eta*) = 0), for a risk-neutral agent (G'' = 0) and for a perfectly
 *  informative item (infinite I): then there is no 1/n term and n* is 1
 *  for any positive cost. PM_EMODEL / PM_EINVAL as the solvers. */
PM_API pm_status pm_budget_rule(const pm_model *m, const pm_scheme *sc, double unit_cost, double *a,
                                double *n_rule, pm_error *err);

/** The monitored fraction of a queue of `length` slots (prefmon/plan.h's
 *  model: d duplicated items take 2d of the L slots, d of them copies; g
 *  gold items take g slots): n / length, the value for plan's --dup-rate
 *  (self, n = d) or --gold-rate (expert, n = g). *fits is 1 when a queue
 *  can hold it (self 2n <= L, expert n <= L). NaN when length < 1. */
PM_API double pm_budget_queue_fraction(pm_monitor_kind kind, long n, long length, int *fits);

PM_END_DECLS

#endif
