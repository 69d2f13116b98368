/*
** The numbers behind the paper's Figures 1-3 and the two extra panels
** (include/prefmon/reproduce.h says which formula and solver each uses).
*/
#include <math.h>
#include <string.h>

#include "prefmon/fit.h"
#include "prefmon/grid.h"
#include "prefmon/monitor.h"
#include "prefmon/reproduce.h"

const double pm_repro_lb_eta0[PM_REPRO_LB_ETA0S] = {0.95, 0.9, 0.8, 0.6};
const double pm_repro_lb_eta1[PM_REPRO_LB_ETA1S] = {1, 0.98, 0.96};
const double pm_repro_lrt_delta[PM_REPRO_LRT_DELTAS] = {0, 0.1, 0.2, 0.3};
const double pm_repro_lrt_eta0[PM_REPRO_LRT_ETA0S] = {0.8, 0.9};
const double pm_repro_lrt_eta1[PM_REPRO_LRT_ETA1S] = {1, 0.95};
const long pm_repro_loglog_n[PM_REPRO_LOGLOG_NS] = {10,  20,   50,   100,  200,
                                                    500, 1000, 2000, 5000, 10000};
const double pm_repro_ss_delta[PM_REPRO_SS_DELTAS] = {0.02, 0.1, 0.2};
const double pm_repro_ss_eta0[PM_REPRO_SS_ETA0S] = {0.8, 0.9};

/* The coarse grid mode solves every fifth point of the gap grid (n = 1,
 * 51, 101, ..): the authors' lattice costs about 0.1-0.25 s per binary
 * solve (doc/grid.md), so all 21 n x 4 settings x 2 monitors would take
 * half a minute per dataset. */
#define COARSE_EVERY 5

long pm_repro_lb_n(int i)
{
    return 10L * (i + 1);
}

pm_solve pm_repro_solve(int s)
{
    return s == 0 ? PM_SOLVE_SECOND_BEST : PM_SOLVE_RESTRICTED;
}

void pm_repro_setting_get(int i, pm_repro_setting *out)
{
    static const char *const names[PM_REPRO_SETTINGS] = {"main", "delta0", "mu-low", "G-tilde"};
    static const char *const labels[PM_REPRO_SETTINGS] = {
        "main: U0 = 0, delta = 0.02, mu = 0.5 eta^0.8, G = 1 - e^-w, E = 0.18 eta^2",
        "variant: delta = 0 (else main)", "variant: mu = 0.3 eta^0.8 (else main)",
        "variant: G = 1/2 - 1/2 e^(-w/2) (else main)"};
    pm_model_default(&out->model);
    out->name = names[i];
    out->label = labels[i];
    out->delta = i == 1 ? 0 : 0.02;
    if (i == 2)
        out->model.mu.K = 0.3;
    if (i == 3) { /* cara:0.5 = 0.5 (1 - e^{-0.5 w}) */
        out->model.G.alpha[0] = 0.5;
        out->model.G.beta[0] = 0.5;
    }
}

void pm_repro_opts_default(pm_repro_opts *o)
{
    o->gap_n_max = 201;
    o->grid = PM_REPRO_GRID_COARSE;
    o->threads = 0;
    o->target = 0.1;
    o->loglog = 1;
    o->settings = (1u << PM_REPRO_SETTINGS) - 1;
    o->gaps = 1;
}

int pm_repro_setting_index(const char *name)
{
    for (int i = 0; i < PM_REPRO_SETTINGS; i++) {
        pm_repro_setting s;
        pm_repro_setting_get(i, &s);
        if (strcmp(s.name, name) == 0)
            return i;
    }
    return -1;
}

int pm_repro_gap_ns(const pm_repro_opts *o, long *ns)
{
    int c = 0;
    for (long n = 1; n <= o->gap_n_max && c < PM_REPRO_MAX_GAP_NS; n += 10)
        ns[c++] = n;
    return c;
}

int pm_repro_grid_at(const pm_repro_opts *o, int j)
{
    return o->grid == PM_REPRO_GRID_FULL ||
           (o->grid == PM_REPRO_GRID_COARSE && j % COARSE_EVERY == 0);
}

static pm_status check_opts(const pm_repro_opts *o, pm_error *err)
{
    if (o->gap_n_max < 1 || o->gap_n_max > 10 * (PM_REPRO_MAX_GAP_NS - 1) + 1)
        return pm_error_set(err, PM_EINVAL, "gap n max %ld is outside [1, %d]", o->gap_n_max,
                            10 * (PM_REPRO_MAX_GAP_NS - 1) + 1);
    if (!(o->target > 0 && o->target < 1))
        return pm_error_set(err, PM_EINVAL, "target %g is outside (0, 1)", o->target);
    if (o->settings == 0 || o->settings >= (1u << PM_REPRO_SETTINGS))
        return pm_error_set(err, PM_EINVAL, "no Fig. 3 setting selected");
    if (o->grid < PM_REPRO_GRID_OFF || o->grid > PM_REPRO_GRID_FULL || o->threads < 0)
        return pm_error_set(err, PM_EINVAL, "bad grid mode or thread count");
    return PM_OK;
}

static void fill_nan(double *v, size_t count)
{
    for (size_t i = 0; i < count; i++)
        v[i] = NAN;
}

/* Normalized gaps (second-best, restricted) of one n by the exact solvers
 * (mode 0) or the authors' grid (mode 1); NaN where infeasible. */
static pm_status gap_point(const pm_model *m, const pm_scheme *sc, long n, pm_contract_type type,
                           int mode, const pm_repro_opts *o, double out[PM_REPRO_SOLVES],
                           pm_error *err)
{
    if (mode == 0) {
        for (int s = 0; s < PM_REPRO_SOLVES; s++) {
            pm_contract c;
            pm_status st = pm_contract_solve(m, sc, n, type, pm_repro_solve(s), &c, err);
            if (st != PM_OK && st != PM_EINFEASIBLE)
                return st;
            out[s] = c.feasible ? c.normalized_gap : NAN;
        }
        return PM_OK;
    }
    pm_grid_spec spec;
    pm_grid_spec_paper(&spec);
    spec.threads = o->threads;
    pm_grid_result r;
    pm_status st = pm_grid_solve(m, sc, n, type, &spec, &r, err);
    if (st != PM_OK && st != PM_EINFEASIBLE)
        return st;
    out[0] = r.sb.feasible && r.fb.feasible ? r.sb.normalized_gap : NAN;
    out[1] = r.sbr.feasible && r.fb.feasible ? r.sbr.normalized_gap : NAN;
    return PM_OK;
}

/* The log-log panel: absolute gaps on the log-spaced grid and the slope. */
static pm_status loglog(const pm_model *m, const pm_scheme *sc, pm_repro_gaps *g, pm_error *err)
{
    double x[PM_REPRO_LOGLOG_NS];
    for (int i = 0; i < PM_REPRO_LOGLOG_NS; i++)
        x[i] = (double)pm_repro_loglog_n[i];
    for (int t = 0; t < PM_REPRO_TYPES; t++)
        for (int s = 0; s < PM_REPRO_SOLVES; s++) {
            for (int i = 0; i < PM_REPRO_LOGLOG_NS; i++) {
                pm_contract c;
                pm_status st = pm_contract_solve(m, sc, pm_repro_loglog_n[i], (pm_contract_type)t,
                                                 pm_repro_solve(s), &c, err);
                if (st != PM_OK && st != PM_EINFEASIBLE)
                    return st;
                g->ll_gap[t][s][i] = c.feasible ? c.gap : NAN;
            }
            pm_fit f;
            g->ll_slope[t][s] =
                pm_loglog_fit(x, g->ll_gap[t][s], PM_REPRO_LOGLOG_NS, &f, NULL) == PM_OK ? f.slope
                                                                                         : NAN;
        }
    return PM_OK;
}

/* Fig. 3 (and the log-log panel) for one monitor; the scheme of setting i
 * is made by mk(i, ctx). */
typedef pm_status (*scheme_fn)(const pm_repro_setting *st, const void *ctx, pm_scheme *sc,
                               pm_error *err);

static pm_status gaps_run(const pm_repro_opts *o, scheme_fn mk, const void *ctx, pm_repro_gaps *g,
                          pm_error *err)
{
    long ns[PM_REPRO_MAX_GAP_NS];
    int count = pm_repro_gap_ns(o, ns);
    fill_nan(&g->g[0][0][0][0][0], sizeof g->g / sizeof(double));
    fill_nan(&g->ll_gap[0][0][0], sizeof g->ll_gap / sizeof(double));
    fill_nan(&g->ll_slope[0][0], sizeof g->ll_slope / sizeof(double));
    for (int i = 0; i < PM_REPRO_SETTINGS; i++) {
        pm_repro_setting set;
        pm_repro_setting_get(i, &set);
        pm_scheme sc;
        pm_status st = mk(&set, ctx, &sc, err);
        if (!o->gaps || !(o->settings & (1u << i))) /* not asked: NaN, no log-log */
            continue;
        for (int t = 0; t < PM_REPRO_TYPES && st == PM_OK; t++)
            for (int mode = 0; mode < PM_REPRO_MODES && st == PM_OK; mode++)
                for (int j = 0; j < count && st == PM_OK; j++) {
                    if (mode == 1 && !pm_repro_grid_at(o, j))
                        continue;
                    double out[PM_REPRO_SOLVES];
                    st = gap_point(&set.model, &sc, ns[j], (pm_contract_type)t, mode, o, out, err);
                    for (int s = 0; s < PM_REPRO_SOLVES && st == PM_OK; s++)
                        g->g[i][t][s][mode][j] = out[s];
                }
        if (st == PM_OK && i == 0 && o->loglog)
            st = loglog(&set.model, &sc, g, err);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

static pm_status self_scheme(const pm_repro_setting *set, const void *ctx, pm_scheme *sc,
                             pm_error *err)
{
    (void)ctx;
    return pm_scheme_self(sc, PM_CONV_PAPER, set->delta, 0.5, err);
}

static pm_status expert_scheme(const pm_repro_setting *set, const void *ctx, pm_scheme *sc,
                               pm_error *err)
{
    (void)set;
    return pm_scheme_expert(sc, *(const double *)ctx, err);
}

/* Smallest n with error sum <= target (LR rule), -1 past the limit. */
static pm_status samplesize(const pm_scheme *sc, double eta0, double target, long *out,
                            pm_error *err)
{
    pm_test t;
    pm_test_request tr = pm_test_request_lr(sc, eta0, 1.0);
    pm_status st = pm_samplesize(&tr, target, PM_REPRO_SS_MAX_N, &t, err);
    *out = st == PM_OK ? t.n : -1;
    return st == PM_ERANGE ? PM_OK : st;
}

static pm_status self_tests(const pm_repro_opts *o, pm_repro_self *out, pm_error *err)
{
    pm_status st = PM_OK;
    for (int d = 0; d < PM_REPRO_LRT_DELTAS && st == PM_OK; d++) {
        pm_scheme sc;
        st = pm_scheme_self(&sc, PM_CONV_PAPER, pm_repro_lrt_delta[d], 0.5, err);
        pm_test_request tr;
        pm_test_request_default(&tr);
        tr.scheme = &sc;
        for (int a = 0; a < PM_REPRO_LRT_ETA0S && st == PM_OK; a++)
            for (int b = 0; b < PM_REPRO_LRT_ETA1S && st == PM_OK; b++)
                for (int i = 0; i < PM_REPRO_LB_NS && st == PM_OK; i++) {
                    pm_test t;
                    tr.eta0 = pm_repro_lrt_eta0[a];
                    tr.eta1 = pm_repro_lrt_eta1[b];
                    st = pm_test_design(&tr, pm_repro_lb_n(i), &t, err);
                    out->lrt_test[d][a][b][i] = t;
                    out->lrt[d][a][b][i] = t.error_sum;
                }
    }
    for (int d = 0; d < PM_REPRO_SS_DELTAS && st == PM_OK; d++) {
        pm_scheme sc;
        st = pm_scheme_self(&sc, PM_CONV_PAPER, pm_repro_ss_delta[d], 0.5, err);
        for (int a = 0; a < PM_REPRO_SS_ETA0S && st == PM_OK; a++)
            st = samplesize(&sc, pm_repro_ss_eta0[a], o->target, &out->ss_self[d][a], err);
    }
    for (int c = 0; c < PM_REPRO_CBARS && st == PM_OK; c++) {
        pm_scheme sc;
        out->ss_cbar[c] = 0.05 * (c + 1);
        st = pm_scheme_expert(&sc, out->ss_cbar[c], err);
        for (int a = 0; a < PM_REPRO_SS_ETA0S && st == PM_OK; a++)
            st = samplesize(&sc, pm_repro_ss_eta0[a], o->target, &out->ss_expert[c][a], err);
    }
    return st;
}

pm_status pm_repro_self_run(const pm_repro_opts *o, pm_repro_self *out, pm_error *err)
{
    pm_status st = check_opts(o, err);
    if (st == PM_OK)
        st = self_tests(o, out, err);
    return st == PM_OK ? gaps_run(o, self_scheme, NULL, &out->gaps, err) : st;
}

static void histogram(const double *p, size_t count, pm_repro_expert *out)
{
    double sum = 0;
    for (int b = 0; b < PM_REPRO_HIST_BINS; b++) {
        out->hist_lo[b] = 0.5 + 0.5 * b / PM_REPRO_HIST_BINS;
        out->hist_hi[b] = 0.5 + 0.5 * (b + 1) / PM_REPRO_HIST_BINS;
        out->hist_count[b] = 0;
    }
    for (size_t i = 0; i < count; i++) {
        int b = (int)((p[i] - 0.5) * 2 * PM_REPRO_HIST_BINS);
        b = b < 0 ? 0 : b >= PM_REPRO_HIST_BINS ? PM_REPRO_HIST_BINS - 1 : b;
        out->hist_count[b]++;
        sum += p[i];
    }
    out->mean_p = sum / (double)count;
}

/* Lower-bound curve for (eta0, eta1) into kl and lb[0..PM_REPRO_LB_NS). */
static pm_status bound_curve(const double *p, size_t count, double eta0, double eta1, double *kl,
                             double *lb, pm_error *err)
{
    pm_status st = pm_expert_kl(p, count, eta0, eta1, kl, err);
    for (int i = 0; i < PM_REPRO_LB_NS && st == PM_OK; i++)
        lb[i] = pm_expert_lower_bound(*kl, (double)pm_repro_lb_n(i));
    return st;
}

static pm_status expert_bounds(const double *p, size_t count, const pm_repro_opts *o,
                               pm_repro_expert *out, pm_error *err)
{
    pm_status st = PM_OK;
    for (int a = 0; a < PM_REPRO_LB_ETA0S && st == PM_OK; a++)
        for (int b = 0; b < PM_REPRO_LB_ETA1S && st == PM_OK; b++)
            st = bound_curve(p, count, pm_repro_lb_eta0[a], pm_repro_lb_eta1[b], &out->kl[a][b],
                             out->lb[a][b], err);
    for (int a = 0; a < PM_REPRO_LRT_ETA0S && st == PM_OK; a++)
        for (int b = 0; b < PM_REPRO_LRT_ETA1S && st == PM_OK; b++)
            st = bound_curve(p, count, pm_repro_lrt_eta0[a], pm_repro_lrt_eta1[b],
                             &out->lrt_kl[a][b], out->lrt_lb[a][b], err);
    for (int a = 0; a < PM_REPRO_LB_ETA0S && st == PM_OK; a++)
        if (pm_expert_bound_samplesize(out->kl[a][PM_REPRO_LB_ETA1_1], o->target, PM_REPRO_SS_MAX_N,
                                       &out->lb_n[a], NULL) != PM_OK)
            out->lb_n[a] = -1;
    pm_scheme sc;
    if (st == PM_OK)
        st = pm_scheme_expert(&sc, out->cbar, err);
    for (int a = 0; a < PM_REPRO_SS_ETA0S && st == PM_OK; a++) {
        st = samplesize(&sc, pm_repro_ss_eta0[a], o->target, &out->ss_test[a], err);
        double kl;
        if (st == PM_OK)
            st = pm_expert_kl(p, count, pm_repro_ss_eta0[a], 1.0, &kl, err);
        if (st == PM_OK) {
            st = pm_expert_bound_samplesize(kl, o->target, PM_REPRO_SS_MAX_N, &out->ss_bound[a],
                                            err);
            if (st == PM_ERANGE) {
                out->ss_bound[a] = -1;
                st = PM_OK;
            }
        }
    }
    return st;
}

pm_status pm_repro_expert_run(const double *p, size_t count, const pm_repro_opts *o,
                              pm_repro_expert *out, pm_error *err)
{
    pm_status st = check_opts(o, err);
    if (st != PM_OK)
        return st;
    if (count == 0)
        return pm_error_set(err, PM_EINVAL, "no preference probabilities");
    out->count = count;
    st = pm_cbar(p, NULL, count, &out->cbar, err);
    if (st == PM_OK && !(out->cbar > 0))
        return pm_error_set(err, PM_EINVAL,
                            "every preference probability is 1/2 (cbar = 0): an expert cannot "
                            "tell effort apart on this data");
    if (st != PM_OK)
        return st;
    histogram(p, count, out);
    st = expert_bounds(p, count, o, out, err);
    return st == PM_OK ? gaps_run(o, expert_scheme, &out->cbar, &out->gaps, err) : st;
}
