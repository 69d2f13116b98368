/* The request-struct entry points (pm_test_design, pm_samplesize,
 * pm_budget_optimize) called from their arguments, so that the unit tests'
 * tables of cases stay one line each. Every call goes through the request
 * and its _default(), as a program's would. */
#ifndef TEST_REQUEST_UTIL_H
#define TEST_REQUEST_UTIL_H

#include "prefmon/budget.h"
#include "prefmon/monitor.h"

static inline pm_test_request test_req(const pm_scheme *sc, double eta0, double eta1, pm_rule rule,
                                       double alpha)
{
    pm_test_request r;
    pm_test_request_default(&r);
    r.scheme = sc;
    r.eta0 = eta0;
    r.eta1 = eta1;
    r.rule = rule;
    r.alpha = alpha;
    return r;
}

static inline pm_status design(const pm_scheme *sc, double eta0, double eta1, long n, pm_rule rule,
                               double alpha, pm_test *out, pm_error *err)
{
    pm_test_request r = test_req(sc, eta0, eta1, rule, alpha);
    return pm_test_design(&r, n, out, err);
}

static inline pm_status samplesize(const pm_scheme *sc, double eta0, double eta1, pm_rule rule,
                                   double alpha, double target, long max_n, pm_test *out,
                                   pm_error *err)
{
    pm_test_request r = test_req(sc, eta0, eta1, rule, alpha);
    return pm_samplesize(&r, target, max_n, out, err);
}

static inline pm_status budget(const pm_model *m, const pm_scheme *sc, pm_contract_type type,
                               pm_solve solve, double cost, const pm_budget_search *s,
                               pm_budget_result *res, pm_budget_point *curve, size_t *ncurve,
                               pm_error *err)
{
    pm_budget_request r;
    pm_budget_request_default(&r);
    r.model = m;
    r.scheme = sc;
    r.type = type;
    r.solve = solve;
    r.unit_cost = cost;
    r.search = *s;
    return pm_budget_optimize(&r, res, curve, ncurve, err);
}

#endif
