/*
** Grid mode: the authors' exact-utility grid search (arXiv 2502.06387,
** Figure 3; the authors' Section4.py),
** streamed contract by contract instead of materialised as 4-D arrays.
**
** Per contract (tau, c1, c2) the 101 agent utilities are a few multiply-adds
** over precomputed tables (pass probabilities, G on the wage lattice, effort
** cost, value), so the full binary grid is O(points) flops with no
** allocation. Two exact prunings make it much cheaper than that:
**   - principal utility mu(e) - (P c1 + c2) is at most
**     mumax - (Pmin c1 + c2), which falls as c2 rises, so a base row stops
**     once that bound is strictly below the best value already found;
**   - a contract whose largest possible agent utility (with a rounding
**     margin) is below U0 has no feasible point and is skipped.
** Neither can drop a point that ties the optimum, so the answer, including
** numpy's first-index tie-break, does not depend on the visiting order or
** the number of threads.
*/
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "contract/arange.h"
#include "prefmon/binom.h"
#include "prefmon/grid.h"

void pm_grid_spec_paper(pm_grid_spec *s)
{
    *s = (pm_grid_spec){.n_eta = 101,
                        .eta_step = 0.01,
                        .n_base = 400,
                        .base_lo = -10,
                        .base_step = 0.05,
                        .n_pay = 200,
                        .pay_lo = 0,
                        .pay_step = 0.05,
                        .n_tau = 51,
                        .tau_step = 0.02,
                        .tol = 0.01};
}

/* Primitives in the authors' expression forms (the authors' Section4.py), so the
 * doubles match NumPy's: G = sum alpha (1 - exp(-beta w)) accumulated from 0
 * (for CARA a in {1, 0.5} bit-identical to the original a - a e^{-a w}); E as
 * sum c_i eta**i left to right (0.18*eta**2 exactly for poly:0,0,0.18); mu as
 * K*eta**R, K*(1 - exp(-R eta)), K*log(1 + R eta). */
static double g_eval(const pm_utility *g, double w)
{
    if (g->kind == PM_UTILITY_LINEAR)
        return w;
    double s = 0;
    for (int t = 0; t < g->nterms; t++)
        s = s + g->alpha[t] * (1.0 - exp(-g->beta[t] * w));
    return s;
}

static double cost_eval(const pm_cost *c, double eta)
{
    double s = c->ncoef > 0 ? c->c[0] : 0.0;
    for (int i = 1; i < c->ncoef; i++)
        s = s + c->c[i] * (i == 1 ? eta : pow(eta, i));
    return s;
}

static double value_eval(const pm_value *mu, double eta)
{
    switch (mu->kind) {
    case PM_VALUE_EXP:
        return mu->K * (1.0 - exp(-mu->R * eta));
    case PM_VALUE_LOG:
        return mu->K * log(1.0 + mu->R * eta);
    default:
        return pm_value_eval(mu, eta, 0); /* K * pow(eta, R): the same form */
    }
}

/* The best point so far: value, then the smallest numpy C-order flat index
 * (numpy's argmax returns the first maximum). */
typedef struct grid_best {
    double v;
    uint64_t key;
} grid_best;

static void offer(grid_best *b, double v, uint64_t key)
{
    if (v > b->v || (v == b->v && key < b->key)) {
        b->v = v;
        b->key = key;
    }
}

typedef struct grid_tab {
    int ne, nt, np, nb, binary, nterms, risk_neutral, es;
    double u0, tol, mumax, cmin;
    double *eta, *m, *cost, *mu; /* ne */
    double *tau, *kfl;           /* nt: tau and floor(tau n) */
    double *P, *Q, *pmin, *pmax; /* nt x ne: pay probability, 1 - P; per-row range */
    double *c1, *c2, *G2, *Gs;   /* np, nb, nb, np x nb: G(c2), G(c1 + c2) */
    double *A, *W;               /* linear: exp(-b c2) (T x nb), mgf base**n (T x np x ne) */
    int jlo, *jend; /* wage bounds: bases j in [jlo, jend[i]) pay within [w_min, w_max] */
    double alpha[PM_MODEL_MAX_TERMS], beta[PM_MODEL_MAX_TERMS], dn;
    int *order, *j0;      /* SBR: rows best bound first, first base with agent(e*) >= U0 */
    double *rub;          /* SBR: principal utility bound of each row */
    unsigned char *wfull; /* linear: W row k x np complete */
    atomic_int next;      /* next row (tau, c1) to hand out */
    int pass;             /* 0: FB and SB; 1: SBR at effort es */
} grid_tab;

typedef struct grid_worker {
    grid_tab *g;
    double *au;
    grid_best fb, sb, sbr;
} grid_worker;

/* Linear: (1 - m + m e^{-b c1/n})^n, computed on first use (NaN marks an
 * empty entry): pow dominates the linear grid, and pruned slopes never need
 * it. numpy's ** takes x for n = 1 and x*x for n = 2, else pow. Race-free:
 * a row (slope) belongs to one worker per pass, and passes are joined. */
static double w_at(const grid_tab *g, int k, int i, int e)
{
    double *w = &g->W[((size_t)k * g->np + i) * g->ne + e];
    if (isnan(*w)) {
        double x = (1 - g->m[e]) + g->m[e] * exp(-g->beta[k] * g->c1[i] / g->dn);
        *w = g->dn == 1 ? x : g->dn == 2 ? x * x : pow(x, g->dn);
    }
    return *w;
}

/* A whole row of w_at, filled once (wfull marks it). */
static const double *w_row(const grid_tab *g, int k, int i)
{
    size_t row = (size_t)k * g->np + i;
    if (!g->wfull[row]) {
        for (int e = 0; e < g->ne; e++)
            w_at(g, k, i, e);
        g->wfull[row] = 1;
    }
    return g->W + row * g->ne;
}

/* Agent utility E[G] - E(eta) of every effort, numpy's order of operations:
 * binary P*G(c1+c2) + (1-P)*G(c2) - E; linear sum alpha*(1 - A*W) - E. */
static void agent_all(const grid_tab *g, int t, int i, int j, double *au)
{
    int ne = g->ne;
    if (g->binary) {
        const double *P = g->P + (size_t)t * ne, *Q = g->Q + (size_t)t * ne;
        double gs = g->Gs[(size_t)i * g->nb + j], g2 = g->G2[j];
        for (int e = 0; e < ne; e++)
            au[e] = (P[e] * gs + Q[e] * g2) - g->cost[e];
    } else if (g->risk_neutral) {
        for (int e = 0; e < ne; e++)
            au[e] = (g->m[e] * g->c1[i] + g->c2[j]) - g->cost[e];
    } else {
        /* term by term into au: per effort the same sum 0 + t_1 + t_2 + ... */
        for (int e = 0; e < ne; e++)
            au[e] = 0;
        for (int k = 0; k < g->nterms; k++) {
            const double *W = w_row(g, k, i);
            double a = g->alpha[k], A = g->A[(size_t)k * g->nb + j];
            for (int e = 0; e < ne; e++)
                au[e] = au[e] + a * (1.0 - A * W[e]);
        }
        for (int e = 0; e < ne; e++)
            au[e] = au[e] - g->cost[e];
    }
}

/* The same expression for one effort (same doubles as agent_all). */
static double agent_one(const grid_tab *g, int t, int i, int j, int e)
{
    if (g->binary) {
        size_t te = (size_t)t * g->ne + e;
        return (g->P[te] * g->Gs[(size_t)i * g->nb + j] + g->Q[te] * g->G2[j]) - g->cost[e];
    }
    if (g->risk_neutral)
        return (g->m[e] * g->c1[i] + g->c2[j]) - g->cost[e];
    double s = 0;
    for (int k = 0; k < g->nterms; k++)
        s = s + g->alpha[k] * (1.0 - g->A[(size_t)k * g->nb + j] * w_at(g, k, i, e));
    return s - g->cost[e];
}

/* Binary only: no effort can reach U0. Agent utility is G2 + P (Gs - G2)
 * up to a few ulps, so bound it with the row's P range and a margin far
 * above the rounding error. */
static int hopeless(const grid_tab *g, int t, int i, int j)
{
    double gs = g->Gs[(size_t)i * g->nb + j], g2 = g->G2[j];
    double p = gs >= g2 ? g->pmax[t] : g->pmin[t];
    double hi = g2 + p * (gs - g2) + 1e-12 * (1 + fabs(gs) + fabs(g2));
    return hi - g->cmin < g->u0;
}

static void row_fb_sb(grid_worker *w, int t, int i)
{
    const grid_tab *g = w->g;
    const double *P = g->P + (size_t)t * g->ne;
    double c1 = g->c1[i], pmin = g->pmin[t];
    for (int j = g->jlo; j < g->jend[i]; j++) {
        double c2 = g->c2[j];
        /* SB <= FB always, so this bound below SB rules out both. */
        if (g->mumax - (pmin * c1 + c2) < w->sb.v)
            break;
        if (g->binary && hopeless(g, t, i, j))
            continue;
        double *au = w->au, mx = -INFINITY;
        agent_all(g, t, i, j, au);
        for (int e = 0; e < g->ne; e++)
            mx = au[e] > mx ? au[e] : mx;
        for (int e = 0; e < g->ne; e++) {
            if (!(au[e] >= g->u0))
                continue;
            double pu = g->mu[e] - (P[e] * c1 + c2);
            if (pu < w->sb.v)
                continue; /* the common case: SB <= FB */
            uint64_t key = (((uint64_t)e * g->nt + t) * g->np + i) * g->nb + j;
            offer(&w->fb, pu, key);
            if (au[e] + g->tol >= mx)
                offer(&w->sb, pu, key);
        }
    }
}

/* SBR, row r = (tau, c1): from the row's first base j0 where agent(e*) >=
 * U0, principal utility at e* only falls as the base rises, so the first
 * feasible base is the row's best. Rows come best bound first (order). */
static int row_sbr(grid_worker *w, int r)
{
    const grid_tab *g = w->g;
    if (g->rub[r] < w->sbr.v)
        return 0; /* every later row is bounded below this one */
    int es = g->es, ne = g->ne, t = r / g->np, i = r % g->np;
    /* numpy slice [es-1 : max(es+2, ne)] runs to the end; es = 0 gives
     * [-1:], the last effort alone. */
    int lo = es >= 1 ? es - 1 : ne - 1;
    double c1 = g->c1[i], pe = g->P[(size_t)t * ne + es];
    for (int j = g->j0[r]; j < g->jend[i]; j++) {
        double c2 = g->c2[j];
        double pu = g->mu[es] - (pe * c1 + c2);
        if (pu < w->sbr.v)
            break;
        if (!(agent_one(g, t, i, j, es) >= g->u0))
            continue;
        double *au = w->au, part = -INFINITY;
        agent_all(g, t, i, j, au);
        for (int e = lo; e < ne; e++)
            part = au[e] > part ? au[e] : part;
        int ok = 1;
        for (int e = 0; e < lo && ok; e++)
            ok = !(au[e] > part);
        if (ok) {
            offer(&w->sbr, pu, (uint64_t)r * g->nb + j);
            break;
        }
    }
    return 1;
}

static void *worker_run(void *arg)
{
    grid_worker *w = arg;
    grid_tab *g = w->g;
    int rows = g->nt * g->np, chunk = 4, more = 1;
    while (more) {
        int r = atomic_fetch_add(&g->next, chunk);
        for (int q = r; q < r + chunk && q < rows && more; q++) {
            if (g->pass == 0)
                row_fb_sb(w, q / g->np, q % g->np);
            else
                more = row_sbr(w, g->order[q]);
        }
        more = more && r + chunk < rows;
    }
    return NULL;
}

/* SBR row bounds: j0 = first base with agent(e*) >= U0 and the principal
 * utility there. When G(c2) and every G(c1 + c2) row are nondecreasing in
 * c2 (checked), agent(e*) is too (P, 1-P >= 0 and rounding is monotone), so
 * a bisection finds j0 exactly; otherwise a scan. */
typedef struct grid_rowkey {
    double ub;
    int r;
} grid_rowkey;

static int rowkey_cmp(const void *a, const void *b)
{
    const grid_rowkey *x = a, *y = b;
    if (x->ub != y->ub)
        return x->ub > y->ub ? -1 : 1;
    return (x->r > y->r) - (x->r < y->r);
}

static int sbr_order(grid_tab *g)
{
    int rows = g->nt * g->np, nb = g->nb, mono = g->binary;
    for (int j = 1; j < nb && mono; j++)
        mono = g->G2[j] >= g->G2[j - 1];
    for (size_t q = 1; g->binary && q < (size_t)g->np * nb && mono; q++)
        mono = q % nb == 0 || g->Gs[q] >= g->Gs[q - 1];
    grid_rowkey *k = malloc((size_t)rows * sizeof *k);
    if (!k)
        return 0;
    for (int r = 0; r < rows; r++) {
        int t = r / g->np, i = r % g->np, j = g->jlo, end = g->jend[i];
        if (mono) {
            int hi = end;
            while (j < hi) {
                int mid = j + (hi - j) / 2;
                if (agent_one(g, t, i, mid, g->es) >= g->u0)
                    hi = mid;
                else
                    j = mid + 1;
            }
        } else {
            while (j < end && !(agent_one(g, t, i, j, g->es) >= g->u0))
                j++;
        }
        g->j0[r] = j;
        k[r].r = r;
        k[r].ub = j < end ? g->mu[g->es] - (g->P[(size_t)t * g->ne + g->es] * g->c1[i] + g->c2[j])
                          : -INFINITY;
    }
    qsort(k, (size_t)rows, sizeof *k, rowkey_cmp);
    for (int q = 0; q < rows; q++)
        g->order[q] = k[q].r, g->rub[k[q].r] = k[q].ub;
    free(k);
    return 1;
}

/* One pass over all rows with nw workers; worker 0 runs in the caller, and
 * a thread that cannot be created leaves its share to the others. */
static void run_pass(grid_tab *g, grid_worker *ws, int nw, int pass)
{
    pthread_t tid[64];
    int started[64] = {0};
    g->pass = pass;
    atomic_store(&g->next, 0);
    for (int k = 1; k < nw; k++)
        started[k] = pthread_create(&tid[k], NULL, worker_run, &ws[k]) == 0;
    worker_run(&ws[0]);
    for (int k = 1; k < nw; k++)
        if (started[k])
            pthread_join(tid[k], NULL);
}

static pm_status check_spec(const pm_grid_spec *s, int binary, pm_error *err)
{
    const int cnt[4] = {s->n_eta, s->n_base, s->n_pay, binary ? s->n_tau : 1};
    const int first[4] = {s->eta_first, s->base_first, s->pay_first, binary ? s->tau_first : 0};
    const double step[4] = {s->eta_step, s->base_step, s->pay_step, binary ? s->tau_step : 1};
    static const char *const name[4] = {"eta", "base", "pay", "tau"};
    double points = 1;
    for (int a = 0; a < 4; a++) {
        if (cnt[a] < 1 || cnt[a] > (1 << 20) || first[a] < 0 || first[a] > (1 << 24))
            return pm_error_set(err, PM_EINVAL,
                                "grid: %s axis needs 1..2^20 points (got %d, first %d)", name[a],
                                cnt[a], first[a]);
        if (!(isfinite(step[a]) && step[a] > 0))
            return pm_error_set(err, PM_EINVAL, "grid: %s step must be positive (got %g)", name[a],
                                step[a]);
        points *= cnt[a];
    }
    if (!(isfinite(s->base_lo) && isfinite(s->pay_lo) && s->pay_lo >= 0))
        return pm_error_set(err, PM_EINVAL, "grid: base_lo must be finite and pay_lo >= 0");
    if (!(isfinite(s->tol) && s->tol >= 0))
        return pm_error_set(err, PM_EINVAL, "grid: tolerance must be >= 0 (got %g)", s->tol);
    if (points > 4e18)
        return pm_error_set(err, PM_EINVAL, "grid: %g points is too many", points);
    return PM_OK;
}

/* The wage bounds restrict the lattice: every wage a contract can pay
 * (base, and base + slope or base + bonus, summed as the tables do) lies
 * in [w_min, w_max]. Both axes ascend, so for each pay value the allowed
 * bases are one run [jlo, jend[i]). */
static void wage_window(grid_tab *g, const pm_model *md)
{
    int j = 0;
    while (j < g->nb && !(g->c2[j] >= md->w_min))
        j++;
    g->jlo = j;
    for (int i = 0; i < g->np; i++) {
        int e = g->jlo;
        while (e < g->nb && g->c1[i] + g->c2[e] <= md->w_max)
            e++;
        g->jend[i] = e;
    }
}

/* All tables in one block; the sizes are known up front. */
static pm_status grid_build(grid_tab *g, const pm_model *md, const pm_scheme *sc, long n,
                            const pm_grid_spec *s, pm_error *err)
{
    int ne = g->ne, nt = g->nt, np = g->np, nb = g->nb;
    int T = g->risk_neutral || g->binary ? 0 : md->G.nterms;
    size_t tot = 4 * (size_t)ne + 4 * (size_t)nt + 2 * (size_t)nt * ne + (size_t)np +
                 2 * (size_t)nb + (g->binary ? (size_t)np * nb : 0) + (size_t)T * nb +
                 (size_t)T * np * ne + (size_t)np /* jend */ +
                 ((size_t)T * np + 7) / 8; /* last: wfull bytes */
    double *p = malloc(tot * sizeof *p);
    if (!p)
        return pm_error_set(err, PM_ENOMEM, "grid: out of memory for %zu table entries", tot);
    g->eta = p, p += ne, g->m = p, p += ne, g->cost = p, p += ne, g->mu = p, p += ne;
    g->tau = p, p += nt, g->kfl = p, p += nt, g->pmin = p, p += nt, g->pmax = p, p += nt;
    g->P = p, p += (size_t)nt * ne, g->Q = p, p += (size_t)nt * ne;
    g->c1 = p, p += np, g->c2 = p, p += nb, g->G2 = p, p += nb;
    g->Gs = g->binary ? p : NULL, p += g->binary ? (size_t)np * nb : 0;
    g->A = p, p += (size_t)T * nb, g->W = p, p += (size_t)T * np * ne;
    g->jend = (int *)p, p += np;
    g->wfull = (unsigned char *)p;

    g->mumax = -INFINITY, g->cmin = INFINITY;
    for (int e = 0; e < ne; e++) {
        double eta = pmx_arange_at(0, s->eta_step, s->eta_first + e);
        /* pm_scheme_pass is bit-identical to the authors' (1 + eta(1-delta))/2
         * and eta*mean(p - 1/2) + 0.5: both differ only by exact halvings. */
        g->eta[e] = eta, g->m[e] = pm_scheme_pass(sc, eta);
        g->cost[e] = cost_eval(&md->E, eta), g->mu[e] = value_eval(&md->mu, eta);
        if (!(g->m[e] >= 0 && g->m[e] <= 1))
            return pm_error_set(err, PM_EINVAL, "grid: pass probability %g at effort %g", g->m[e],
                                eta);
        g->mumax = fmax(g->mumax, g->mu[e]), g->cmin = fmin(g->cmin, g->cost[e]);
    }
    for (int i = 0; i < np; i++)
        g->c1[i] = pmx_arange_at(s->pay_lo, s->pay_step, s->pay_first + i);
    for (int j = 0; j < nb; j++)
        g->c2[j] = pmx_arange_at(s->base_lo, s->base_step, s->base_first + j);
    wage_window(g, md);
    double dn = g->dn = (double)n;
    for (int t = 0; t < nt; t++) {
        double *P = g->P + (size_t)t * ne, *Q = g->Q + (size_t)t * ne;
        g->tau[t] = g->binary ? pmx_arange_at(0, s->tau_step, s->tau_first + t) : NAN;
        /* scipy's binom.sf(tau*n, n, m) floors the double tau*n: P(X > k). */
        g->kfl[t] = g->binary ? floor(g->tau[t] * dn) : 0;
        for (int e = 0; e < ne; e++) {
            if (!g->binary)
                P[e] = g->m[e];
            else if (t > 0 && g->kfl[t] == g->kfl[t - 1])
                P[e] = P[e - ne];
            else
                P[e] = g->kfl[t] >= dn ? 0.0 : pm_binom_sf(g->kfl[t] + 1, dn, g->m[e], 0);
            if (!(P[e] >= 0 && P[e] <= 1))
                return pm_error_set(err, PM_EINVAL, "grid: pass probability failed at n=%ld", n);
            Q[e] = 1 - P[e];
        }
        g->pmin[t] = INFINITY, g->pmax[t] = -INFINITY;
        for (int e = 0; e < ne; e++)
            g->pmin[t] = fmin(g->pmin[t], P[e]), g->pmax[t] = fmax(g->pmax[t], P[e]);
    }
    for (int j = 0; j < nb; j++)
        g->G2[j] = g_eval(&md->G, g->c2[j]);
    if (g->binary)
        for (int i = 0; i < np; i++)
            for (int j = 0; j < nb; j++)
                g->Gs[(size_t)i * nb + j] = g_eval(&md->G, g->c1[i] + g->c2[j]);
    /* Linear: E[alpha(1 - e^{-b pay})] = alpha(1 - e^{-b c2} (1 - m + m e^{-b c1/n})^n). */
    for (int k = 0; k < T; k++) {
        double b = md->G.beta[k];
        g->alpha[k] = md->G.alpha[k], g->beta[k] = b;
        for (int j = 0; j < nb; j++)
            g->A[(size_t)k * nb + j] = exp(-b * g->c2[j]);
        for (size_t q = 0; q < (size_t)np * ne; q++)
            g->W[(size_t)k * np * ne + q] = NAN; /* filled by w_at */
        for (int i = 0; i < np; i++)
            g->wfull[(size_t)k * np + i] = 0;
    }
    return PM_OK;
}

/* Decode a best point into a contract; es >= 0 fixes the effort (SBR). */
static void fill(const grid_tab *g, const pm_model *md, pm_contract_type type, const grid_best *b,
                 int es, pm_contract *c, double *tau)
{
    c->feasible = b->key != UINT64_MAX;
    c->terms.k = 0, *tau = NAN, c->terms.slope = 0, c->terms.bonus = 0;
    if (!c->feasible) {
        /* the authors' fallback: (None, 0, 0, 0), mu(0), effort 0, U0 */
        c->eta = 0, c->terms.base = c->terms.slope = c->terms.bonus = c->expected_pay = NAN;
        c->principal_utility = value_eval(&md->mu, 0.0), c->agent_utility = md->u0;
        return;
    }
    uint64_t key = b->key;
    int j = (int)(key % (uint64_t)g->nb);
    key /= (uint64_t)g->nb;
    int i = (int)(key % (uint64_t)g->np);
    key /= (uint64_t)g->np;
    int t = (int)(key % (uint64_t)g->nt);
    int e = es >= 0 ? es : (int)(key / (uint64_t)g->nt);
    double pay = g->P[(size_t)t * g->ne + e] * g->c1[i] + g->c2[j];
    c->eta = g->eta[e], c->terms.base = g->c2[j], c->expected_pay = pay;
    c->principal_utility = g->mu[e] - pay;
    c->agent_utility = agent_one(g, t, i, j, e);
    if (type == PM_CONTRACT_BINARY)
        c->terms.bonus = g->c1[i], c->terms.k = (long)g->kfl[t] + 1, *tau = g->tau[t];
    else
        c->terms.slope = g->c1[i];
}

static int thread_count(const pm_grid_spec *s, int rows)
{
    long nw = s->threads;
    if (nw <= 0) {
        nw = sysconf(_SC_NPROCESSORS_ONLN);
        nw = nw < 1 ? 1 : nw > 8 ? 8 : nw;
    }
    nw = nw > 64 ? 64 : nw;
    return (int)(nw > rows ? rows : nw);
}

static grid_best best_of(const grid_worker *ws, int nw, size_t off)
{
    grid_best b = {-INFINITY, UINT64_MAX};
    for (int k = 0; k < nw; k++) {
        const grid_best *x = (const grid_best *)((const char *)&ws[k] + off);
        offer(&b, x->v, x->key);
    }
    return b;
}

/* PM_EINFEASIBLE, naming the problems without a feasible grid point, when
 * any of the three has none (the fields stay as filled); else PM_OK. */
static pm_status infeasible_status(const pm_grid_result *res, const pm_model *md, long n,
                                   pm_error *err)
{
    if (res->fb.feasible && res->sb.feasible && res->sbr.feasible)
        return PM_OK;
    return pm_error_set(err, PM_EINFEASIBLE,
                        "grid, n = %ld: no grid point is feasible for%s%s%s (wages [%g, %g], "
                        "U0 = %g): widen the grid or the wage bounds",
                        n, res->fb.feasible ? "" : " first-best",
                        res->sb.feasible ? "" : " second-best",
                        res->sbr.feasible ? "" : " restricted", md->w_min, md->w_max, md->u0);
}

pm_status pm_grid_solve(const pm_model *md, const pm_scheme *sc, long n, pm_contract_type type,
                        const pm_grid_spec *spec, pm_grid_result *res, pm_error *err)
{
    if (!md || !sc || !spec || !res)
        return pm_error_set(err, PM_EINVAL, "grid: NULL argument");
    if (type != PM_CONTRACT_LINEAR && type != PM_CONTRACT_BINARY)
        return pm_error_set(err, PM_EINVAL, "grid: unknown contract type %d", (int)type);
    if (n < 1 || n > 1000000000L)
        return pm_error_set(err, PM_EINVAL, "grid: n must be in 1..1e9 (got %ld)", n);
    if (sc->kind != PM_MONITOR_SELF && sc->kind != PM_MONITOR_EXPERT)
        return pm_error_set(err, PM_EINVAL, "grid: unknown monitoring scheme");
    pm_status st = pm_model_check(md, err);
    if (st != PM_OK)
        return st;
    int binary = type == PM_CONTRACT_BINARY;
    if ((st = check_spec(spec, binary, err)) != PM_OK)
        return st;

    grid_tab g = {.ne = spec->n_eta,
                  .nt = binary ? spec->n_tau : 1,
                  .np = spec->n_pay,
                  .nb = spec->n_base,
                  .binary = binary,
                  .nterms = md->G.nterms,
                  .risk_neutral = md->G.kind == PM_UTILITY_LINEAR,
                  .u0 = md->u0,
                  .tol = spec->tol};
    st = grid_build(&g, md, sc, n, spec, err);
    int nw = thread_count(spec, g.nt * g.np);
    grid_worker *ws = st == PM_OK ? malloc((size_t)nw * sizeof *ws) : NULL;
    double *au = ws ? malloc((size_t)nw * g.ne * sizeof *au) : NULL;
    if (st == PM_OK && !au)
        st = pm_error_set(err, PM_ENOMEM, "grid: out of memory for %d workers", nw);
    if (st != PM_OK) {
        free(au), free(ws), free(g.eta);
        return st;
    }
    const grid_best none = {-INFINITY, UINT64_MAX};
    for (int k = 0; k < nw; k++)
        ws[k] = (grid_worker){
            .g = &g, .au = au + (size_t)k * g.ne, .fb = none, .sb = none, .sbr = none};
    run_pass(&g, ws, nw, 0);
    grid_best fb = best_of(ws, nw, offsetof(grid_worker, fb));
    grid_best sb = best_of(ws, nw, offsetof(grid_worker, sb));
    /* e* = FB effort; the authors' infeasible FB reports effort 0, which is
     * found in the effort list only when the list starts at 0. */
    uint64_t cells = (uint64_t)g.nt * g.np * g.nb;
    int es = fb.key != UINT64_MAX ? (int)(fb.key / cells) : g.eta[0] == 0 ? 0 : -1;
    grid_best sbr = none;
    if (es >= 0) {
        int rows = g.nt * g.np;
        g.es = es;
        g.order = malloc((size_t)rows * sizeof *g.order);
        g.j0 = malloc((size_t)rows * sizeof *g.j0);
        g.rub = malloc((size_t)rows * sizeof *g.rub);
        if (!g.order || !g.j0 || !g.rub || !sbr_order(&g)) {
            free(g.order), free(g.j0), free(g.rub), free(au), free(ws), free(g.eta);
            return pm_error_set(err, PM_ENOMEM, "grid: out of memory for %d rows", rows);
        }
        run_pass(&g, ws, nw, 1);
        sbr = best_of(ws, nw, offsetof(grid_worker, sbr));
        free(g.order), free(g.j0), free(g.rub);
    }

    pm_contract *out[3] = {&res->fb, &res->sb, &res->sbr};
    double *tau[3] = {&res->fb_tau, &res->sb_tau, &res->sbr_tau};
    const pm_solve solve[3] = {PM_SOLVE_FIRST_BEST, PM_SOLVE_SECOND_BEST, PM_SOLVE_RESTRICTED};
    const grid_best *best[3] = {&fb, &sb, &sbr};
    for (int r = 0; r < 3; r++) {
        *out[r] = (pm_contract){.terms = {.type = type, .n = n}, .solve = solve[r]};
        fill(&g, md, type, best[r], r == 2 ? es : -1, out[r], tau[r]);
    }
    double F = res->fb.principal_utility;
    for (int r = 0; r < 3; r++) {
        out[r]->first_best_utility = F, out[r]->first_best_eta = res->fb.eta;
        out[r]->gap = F - out[r]->principal_utility;
        out[r]->normalized_gap = out[r]->gap / F;
    }
    free(au), free(ws), free(g.eta);
    return infeasible_status(res, md, n, err);
}
