/*
** The monitoring budget (include/prefmon/budget.h): V(n) = C_n - cost n
** over n, by a stated grid and a local search. Every V(n) is one call of
** the contract engine's pm_contract_solve; nothing here re-derives a
** contract.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/budget.h"
#include "prefmon/contract.h"

#define RECENTRE_MAX 4 /* neighbourhood re-centrings counted in the plan */

double pm_budget_unit_cost(pm_monitor_kind kind, const pm_budget_costs *c)
{
    if (!c)
        return NAN;
    double price = kind == PM_MONITOR_SELF ? c->dup_cost : c->gold_cost;
    if (!(isfinite(price) && price >= 0 && isfinite(c->label_pay) && c->label_pay >= 0))
        return NAN;
    return price + c->label_pay; /* may overflow to +inf: refused by the search */
}

void pm_budget_search_default(pm_budget_search *s)
{
    s->max_n = 100000;
    s->dense_max = 200;
    s->ratio = 1.1;
    s->zoom = 8;
    s->radius = 64;
    s->max_solves = 2000;
}

static int search_ok(const pm_budget_search *s)
{
    return s && s->max_n >= 1 && s->max_n <= PM_BUDGET_MAX_N && s->dense_max >= 1 && s->ratio > 1 &&
           s->ratio <= 16 && s->zoom >= 2 && s->zoom <= 1000 && s->radius >= 1 &&
           s->radius <= 100000 && s->max_solves >= 1 && s->max_solves <= PM_BUDGET_MAX_SOLVES;
}

/* The geometric grid's next point above x (< max_n is the caller's test). */
static long geo_next(long x, double ratio, long max_n)
{
    double y = floor((double)x * ratio);
    long nx = y > (double)max_n ? max_n : (long)y;
    return nx > x ? nx : x + 1;
}

/* Grid size and the widest gap between grid neighbours, without limits on
 * max_n (the PM_ELIMIT message wants the count of a refused request). */
static long grid_count_gap(const pm_budget_search *s, long *widest)
{
    long dense = s->dense_max < s->max_n ? s->dense_max : s->max_n, count = dense, x = dense;
    long w = 1;
    while (x < s->max_n) {
        long nx = geo_next(x, s->ratio, s->max_n);
        w = nx - x > w ? nx - x : w;
        x = nx;
        count++;
    }
    if (widest)
        *widest = w;
    return count;
}

long pm_budget_grid_count(const pm_budget_search *s)
{
    if (!s || s->max_n < 1 || s->dense_max < 1 || !(s->ratio > 1 && s->ratio <= 16))
        return 0;
    return grid_count_gap(s, NULL);
}

/* Zoom rounds: the bracket around the best, two grid gaps wide at most,
 * shrinks by (zoom + 1) / 2 per round down to 2 radius + 1. */
static long plan_from(const pm_budget_search *s, long grid, long widest)
{
    double width = 2.0 * (double)widest, stop = 2.0 * (double)s->radius + 1;
    long rounds = 0;
    while (width > stop && rounds < 200) {
        width = ceil(2 * width / (double)(s->zoom + 1));
        rounds++;
    }
    return grid + rounds * s->zoom + (RECENTRE_MAX + 1) * (2 * s->radius + 1);
}

long pm_budget_planned_solves(const pm_budget_search *s)
{
    if (!s || s->max_n < 1 || s->dense_max < 1 || !(s->ratio > 1 && s->ratio <= 16) ||
        s->zoom < 2 || s->radius < 1)
        return 0;
    long widest, grid = grid_count_gap(s, &widest);
    return plan_from(s, grid, widest);
}

/* Estimated seconds of the planned search: the grid point by point, the
 * refinement priced at max_n (where a zero cost sends it). */
static double work_seconds(const pm_model *m, const pm_budget_search *s, pm_contract_type type,
                           pm_solve solve)
{
    long dense = s->dense_max < s->max_n ? s->dense_max : s->max_n, x = dense;
    double sec = 0;
    for (long n = 1; n <= dense; n++)
        sec += pm_contract_solve_seconds(m, type, solve, n);
    while (x < s->max_n) {
        x = geo_next(x, s->ratio, s->max_n);
        sec += pm_contract_solve_seconds(m, type, solve, x);
    }
    long grid = pm_budget_grid_count(s), planned = pm_budget_planned_solves(s);
    return sec + (double)(planned - grid) * pm_contract_solve_seconds(m, type, solve, s->max_n);
}

/* ---- the evaluated points: sorted by n, each n solved once ------------- */

typedef struct ctx {
    const pm_model *m;
    const pm_scheme *sc;
    pm_contract_type type;
    pm_solve solve;
    double cost;
    long max_n, cap;
    pm_budget_point *pts; /* sorted by n */
    long count, infeasible;
} ctx;

/* Index of the first point with n >= key. */
static long lower(const ctx *c, long key)
{
    long lo = 0, hi = c->count;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (c->pts[mid].n < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Solve n (once) and insert its point. PM_ELIMIT when the budget of
 * solves is spent; solver errors other than infeasibility pass through. */
static pm_status eval(ctx *c, long n, int stage, pm_error *err)
{
    long i = lower(c, n);
    if (i < c->count && c->pts[i].n == n)
        return PM_OK;
    if (c->count >= c->cap)
        return PM_ELIMIT;
    pm_contract k;
    pm_error e = {0}; /* an infeasible n is a point, not an error: err stays untouched */
    pm_status st = pm_contract_solve(c->m, c->sc, n, c->type, c->solve, &k, &e);
    if (st != PM_OK && st != PM_EINFEASIBLE) {
        if (err)
            *err = e;
        return st;
    }
    pm_budget_point p = {n,     k.feasible,          stage,
                         k.eta, k.expected_pay,      k.principal_utility,
                         k.gap, c->cost * (double)n, NAN};
    if (p.feasible)
        p.value = p.principal_utility - p.monitoring_cost;
    else
        c->infeasible++;
    memmove(c->pts + i + 1, c->pts + i, (size_t)(c->count - i) * sizeof *c->pts);
    c->pts[i] = p;
    c->count++;
    return PM_OK;
}

/* Index of the best feasible point (ties: the smaller n), or -1. */
static long best_index(const ctx *c)
{
    long b = -1;
    for (long i = 0; i < c->count; i++)
        if (c->pts[i].feasible && (b < 0 || c->pts[i].value > c->pts[b].value))
            b = i;
    return b;
}

static pm_status grid(ctx *c, const pm_budget_search *s, pm_error *err)
{
    long dense = s->dense_max < s->max_n ? s->dense_max : s->max_n;
    pm_status st = PM_OK;
    for (long n = 1; n <= dense && st == PM_OK; n++)
        st = eval(c, n, 0, err);
    for (long x = dense; x < s->max_n && st == PM_OK;) {
        x = geo_next(x, s->ratio, s->max_n);
        st = eval(c, x, 1, err);
    }
    return st;
}

/* Zoom, then the exhaustive neighbourhood, re-centred while the best
 * moves, at most RECENTRE_MAX times (*settled = 0 when it still moved).
 * *truncated when the solve budget ran out first. */
static pm_status refine(ctx *c, const pm_budget_search *s, int *settled, int *truncated,
                        pm_error *err)
{
    pm_status st = PM_OK;
    long prev_best = -1, rounds = 0;
    *settled = 1;
    while (st == PM_OK) {
        long b = best_index(c);
        if (b < 0)
            return PM_OK;
        long bn = c->pts[b].n;
        long lo = b > 0 ? c->pts[b - 1].n : 0;
        long hi = b + 1 < c->count ? c->pts[b + 1].n : s->max_n + 1;
        if (hi - lo - 1 > 2 * s->radius + 1) {
            for (long j = 1; j <= s->zoom && st == PM_OK; j++)
                st = eval(c,
                          lo + (long)llround((double)j * (double)(hi - lo) / (double)(s->zoom + 1)),
                          2, err);
            continue;
        }
        if (bn == prev_best)
            return PM_OK;
        if (rounds++ > RECENTRE_MAX) {
            *settled = 0;
            return PM_OK;
        }
        prev_best = bn;
        long from = bn - s->radius < 1 ? 1 : bn - s->radius;
        long to = bn + s->radius > s->max_n ? s->max_n : bn + s->radius;
        for (long n = from; n <= to && st == PM_OK; n++)
            st = eval(c, n, 3, err);
    }
    if (st == PM_ELIMIT) {
        *truncated = 1;
        return PM_OK;
    }
    return st;
}

/* Validate and refuse what is over a limit, before any solve. */
static pm_status check(const pm_model *m, const pm_scheme *sc, pm_contract_type type,
                       pm_solve solve, double cost, const pm_budget_search *s,
                       const pm_budget_result *res, pm_error *err)
{
    if (!m || !sc || !s || !res)
        return pm_error_set(err, PM_EINVAL, "budget: NULL argument");
    if (type != PM_CONTRACT_LINEAR && type != PM_CONTRACT_BINARY)
        return pm_error_set(err, PM_EINVAL, "budget: unknown contract type %d", (int)type);
    if (solve != PM_SOLVE_RESTRICTED && solve != PM_SOLVE_SECOND_BEST)
        return pm_error_set(err, PM_EINVAL,
                            "the solve must be restricted or second-best (first-best "
                            "does not depend on n)");
    if (!(isfinite(cost) && cost >= 0))
        return pm_error_set(err, PM_EINVAL,
                            "the cost of one monitored item must be finite and >= 0 "
                            "(got %g)",
                            cost);
    if (s->max_n > PM_BUDGET_MAX_N) {
        pm_budget_search t = *s;
        t.max_n = s->max_n > 1000000000L ? 1000000000L : s->max_n;
        long planned = pm_budget_planned_solves(&t);
        return pm_error_set(err, PM_ELIMIT,
                            "max_n = %ld is over the limit of %ld monitored items per "
                            "annotator: the search would need up to %ld %s %s solves, about "
                            "%.0f s; lower max_n",
                            s->max_n, PM_BUDGET_MAX_N, planned, pm_contract_type_name(type),
                            pm_solve_name(solve), work_seconds(m, &t, type, solve));
    }
    if (!search_ok(s))
        return pm_error_set(err, PM_EINVAL,
                            "budget: invalid search (max_n in 1..%ld, dense_max >= 1, ratio in "
                            "(1, 16], zoom in 2..1000, radius in 1..100000, max_solves in "
                            "1..%ld)",
                            PM_BUDGET_MAX_N, PM_BUDGET_MAX_SOLVES);
    long planned = pm_budget_planned_solves(s);
    if (planned > s->max_solves)
        return pm_error_set(err, PM_ELIMIT,
                            "the search up to max_n = %ld plans up to %ld solves "
                            "(%ld on the grid), over the budget of %ld (about %.0f s); raise "
                            "the budget or the ratio, or lower max_n or dense_max",
                            s->max_n, planned, pm_budget_grid_count(s), s->max_solves,
                            work_seconds(m, s, type, solve));
    return pm_model_check(m, err);
}

/* The principal's utility with no monitoring: a constant wage, the agent
 * shirks to eta = 0 (n plays no role; 1 is any valid n). */
static double no_monitoring(const pm_model *m, const pm_scheme *sc, pm_contract_type type)
{
    pm_contract c0;
    if (pm_contract_implement(m, sc, 1, type, 0.0, &c0, NULL) != PM_OK)
        return NAN;
    return c0.principal_utility;
}

static void fill(const ctx *c, long b, const pm_budget_search *s, pm_budget_result *res)
{
    res->best = c->pts[b];
    res->unit_cost = c->cost;
    res->at_max_n = res->best.n == s->max_n;
    res->solves = c->count;
    res->infeasible = c->infeasible;
    res->no_monitoring = no_monitoring(c->m, c->sc, c->type);
}

void pm_budget_request_default(pm_budget_request *req)
{
    memset(req, 0, sizeof *req);
    req->type = PM_CONTRACT_LINEAR;
    req->solve = PM_SOLVE_SECOND_BEST;
    pm_budget_search_default(&req->search);
}

/* pm_budget_optimize with the request unpacked. */
static pm_status optimize(const pm_model *m, const pm_scheme *sc, pm_contract_type type,
                          pm_solve solve, double cost, const pm_budget_search *s,
                          pm_budget_result *res, pm_budget_point *curve, size_t *ncurve,
                          pm_error *err)
{
    pm_status st = check(m, sc, type, solve, cost, s, res, err);
    if (st != PM_OK)
        return st;
    ctx c = {m, sc, type, solve, cost, s->max_n, s->max_solves, NULL, 0, 0};
    c.pts = malloc((size_t)s->max_solves * sizeof *c.pts);
    if (!c.pts)
        return pm_error_set(err, PM_ENOMEM, "budget: out of memory for %ld points", s->max_solves);
    int truncated = 0, settled = 1;
    st = grid(&c, s, err);
    long grid_points = c.count;
    if (st == PM_OK)
        st = refine(&c, s, &settled, &truncated, err);
    long b = st == PM_OK ? best_index(&c) : -1;
    if (st == PM_OK && b < 0)
        st = pm_error_set(err, PM_EINFEASIBLE,
                          "no n in 1..%ld has a feasible %s %s contract (%ld solved)", s->max_n,
                          pm_contract_type_name(type), pm_solve_name(solve), c.count);
    if (st == PM_OK && truncated)
        st = pm_error_set(err, PM_ELIMIT,
                          "the local search ran out of its %ld solves before the best "
                          "n settled; raise the budget",
                          s->max_solves);
    pm_contract best;
    if (st == PM_OK)
        st = pm_contract_solve(m, sc, c.pts[b].n, type, solve, &best, err);
    if (st == PM_OK) {
        res->contract = best;
        res->first_best_utility = best.first_best_utility;
        fill(&c, b, s, res);
        res->grid_points = grid_points;
        res->settled = settled;
        if (curve)
            memcpy(curve, c.pts, (size_t)c.count * sizeof *curve);
        if (ncurve)
            *ncurve = (size_t)c.count;
    }
    free(c.pts);
    return st;
}

pm_status pm_budget_optimize(const pm_budget_request *req, pm_budget_result *res,
                             pm_budget_point *curve, size_t *ncurve, pm_error *err)
{
    if (!req)
        return pm_error_set(err, PM_EINVAL, "budget: NULL request");
    return optimize(req->model, req->scheme, req->type, req->solve, req->unit_cost, &req->search,
                    res, curve, ncurve, err);
}

pm_status pm_budget_rule(const pm_model *m, const pm_scheme *sc, double cost, double *a,
                         double *n_rule, pm_error *err)
{
    if (!m || !sc)
        return pm_error_set(err, PM_EINVAL, "budget rule: NULL argument");
    if (!(isfinite(cost) && cost >= 0))
        return pm_error_set(err, PM_EINVAL, "budget rule: cost must be finite and >= 0");
    pm_contract fb;
    pm_status st = pm_first_best(m, &fb, err);
    if (st != PM_OK)
        return st;
    double eta = fb.first_best_eta, w = fb.expected_pay;
    double g1 = pm_utility_eval(&m->G, w, 1), g2 = pm_utility_eval(&m->G, w, 2);
    double e1 = pm_cost_eval(&m->E, eta, 1), info = pm_scheme_fisher(sc, eta);
    /* No incentive needed (eta* = 0 or E' = 0), a risk-neutral agent, or a
     * perfectly informative item: no 1/n term. */
    double A = (eta == 0 || e1 == 0 || g2 == 0 || isinf(info))
                   ? 0
                   : -g2 * e1 * e1 / (2 * g1 * g1 * g1 * info);
    if (!(isfinite(A) && A >= 0))
        return pm_error_set(err, PM_EINVAL, "budget rule: the constant is not finite (%g)", A);
    if (a)
        *a = A;
    if (n_rule)
        *n_rule = cost > 0 ? sqrt(A / cost) : INFINITY;
    return PM_OK;
}

double pm_budget_queue_fraction(pm_monitor_kind kind, long n, long length, int *fits)
{
    if (fits)
        *fits = 0;
    if (length < 1 || n < 0)
        return NAN;
    if (fits)
        *fits = kind == PM_MONITOR_SELF ? n <= length / 2 : n <= length;
    return (double)n / (double)length;
}
