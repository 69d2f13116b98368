/*
** Spec table for include/prefmon/calib.h and reproduce.h: the eval-half
** probabilities (calibrated for PKU-like), cbar, the per-dataset KL and
** expert bound, and the self-consistency LR test's exact error sums,
** against tests/spec/gen/gen_reproduce.py (numpy transcription of the
** authors' calibration, mpmath at 40 digits for the rest; only the split and
** the orientation come from prefmon). Usage: spec_reproduce DATA_DIR.
**
** Tolerances: calibrated p exactly (chunk means of 0/1 labels and folds are
** exact), raw p to 4 ulps (double sigmoid against a rounded exact one);
** cbar and mean p 1e-12 relative (summation order); KL 1e-9 relative: a
** per-item kl of close laws is a difference of two O(1e-2) terms, so double
** evaluation loses up to ~5 digits; the bound inherits it (at most halved by
** the square root); LRT error sums SPEC_RTOL plus the tails' conditioning
** (n <= 490, at most ~1e-11).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/calib.h"
#include "prefmon/prefs.h"
#include "prefmon/reproduce.h"
#include "spec_util.h"

#define NDS 2
static const char *const ds_name[NDS] = {"Ultra", "PKU-like"};
static const char *const ds_file[NDS] = {"data/ultrafeedback-sample.jsonl",
                                         "tests/fixtures/reproduce/pku-like.jsonl"};

typedef struct ds {
    pm_calib_result cal;
    pm_repro_expert ex;
} ds;

static int load(const char *root, int i, ds *d, const pm_repro_opts *o)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, ds_file[i]);
    pm_prefs *pr = pm_prefs_new(NULL);
    pm_error e = {0};
    pm_calib_opts co;
    pm_calib_opts_default(&co);
    co.calibrate = i == 1; /* reproduce's default: PKU* calibrated */
    int ok = pr && pm_prefs_read_file(pr, path, &e) == PM_OK &&
             pm_calib_run(pm_prefs_raw_values(pr), pm_prefs_count(pr), &co, &d->cal, &e) == PM_OK &&
             pm_repro_expert_run(d->cal.p_eval, d->cal.n_eval, o, &d->ex, &e) == PM_OK;
    if (!ok)
        printf("FAIL %s: %s\n", path, e.text);
    pm_prefs_free(pr);
    return ok;
}

static int find(const double *v, int count, double x)
{
    for (int i = 0; i < count; i++)
        if (v[i] == x)
            return i;
    return -1;
}

/* The bound's value at n, from the row's (eta0, eta1) in either grid. */
static int bound_at(const pm_repro_expert *ex, double e0, double e1, long n, double *kl, double *lb)
{
    int a = find(pm_repro_lb_eta0, PM_REPRO_LB_ETA0S, e0);
    int b = find(pm_repro_lb_eta1, PM_REPRO_LB_ETA1S, e1);
    int k = (int)(n / 10) - 1;
    if (a >= 0 && b >= 0) {
        *kl = ex->kl[a][b];
        *lb = k >= 0 ? ex->lb[a][b][k] : NAN;
        return 1;
    }
    a = find(pm_repro_lrt_eta0, PM_REPRO_LRT_ETA0S, e0);
    b = find(pm_repro_lrt_eta1, PM_REPRO_LRT_ETA1S, e1);
    if (a < 0 || b < 0)
        return 0;
    *kl = ex->lrt_kl[a][b];
    *lb = k >= 0 ? ex->lrt_lb[a][b][k] : NAN;
    return 1;
}

static void row(spec_table *t, ds *d, const pm_repro_self *self)
{
    const char *kind = spec_str(t, "kind"), *name = spec_str(t, "dataset");
    int i = strcmp(name, ds_name[0]) == 0 ? 0 : strcmp(name, ds_name[1]) == 0 ? 1 : -1;
    long n;
    if (!spec_long(t, "n", &n))
        return;
    if (strcmp(kind, "lrt") == 0) {
        double e0, e1, delta;
        if (!spec_num(t, "eta0", &e0) || !spec_num(t, "eta1", &e1) || !spec_num(t, "delta", &delta))
            return;
        int a = find(pm_repro_lrt_eta0, PM_REPRO_LRT_ETA0S, e0);
        int b = find(pm_repro_lrt_eta1, PM_REPRO_LRT_ETA1S, e1);
        int c = find(pm_repro_lrt_delta, PM_REPRO_LRT_DELTAS, delta);
        if (a < 0 || b < 0 || c < 0 || n % 10 || n < 10 || n > 490) {
            spec_fail(t, "row outside the Fig. 2 grid");
            return;
        }
        spec_check_lin(t, "value", self->lrt[c][a][b][n / 10 - 1], 1e-11);
        return;
    }
    if (i < 0) {
        spec_fail(t, "unknown dataset %s", name);
        return;
    }
    if (strcmp(kind, "p") == 0) {
        if (n < 0 || (size_t)n >= d[i].cal.n_eval)
            spec_fail(t, "position %ld outside the eval half", n);
        else
            /* calibrated: chunk means, exact; raw: pm_sigmoid in double
             * against a correctly rounded sigmoid, within 4 ulps */
            spec_check_abs(t, "value", d[i].cal.p_eval[n], d[i].cal.calibrated ? 0 : 4.5e-16);
    } else if (strcmp(kind, "cbar") == 0) {
        spec_check_lin(t, "value", d[i].ex.cbar, 1e-12);
    } else if (strcmp(kind, "mean_p") == 0) {
        spec_check_lin(t, "value", d[i].ex.mean_p, 1e-12);
    } else if (strcmp(kind, "kl") == 0 || strcmp(kind, "lb") == 0) {
        double e0, e1, kl, lb;
        if (!spec_num(t, "eta0", &e0) || !spec_num(t, "eta1", &e1))
            return;
        if (!bound_at(&d[i].ex, e0, e1, n, &kl, &lb))
            spec_fail(t, "(eta0, eta1) outside the grids");
        else
            spec_check_lin(t, "value", kind[0] == 'k' ? kl : lb, 1e-9);
    } else {
        spec_fail(t, "unknown kind %s", kind);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: spec_reproduce DATA_DIR\n");
        return 2;
    }
    char root[4096];
    snprintf(root, sizeof root, "%s/../../..", argv[1]);
    pm_repro_opts o;
    pm_repro_opts_default(&o);
    o.grid = PM_REPRO_GRID_OFF;
    o.gap_n_max = 1;
    o.loglog = 0;
    static ds d[NDS];
    static pm_repro_self self;
    pm_error e = {0};
    if (!load(root, 0, &d[0], &o) || !load(root, 1, &d[1], &o) ||
        pm_repro_self_run(&o, &self, &e) != PM_OK) {
        printf("FAIL setup %s\n0 passed, 1 failed\n", e.text);
        return 1;
    }
    static const char *const order[] = {"kind", "dataset", "eta0", "eta1", "delta", "n", "value"};
    spec_table t;
    if (spec_open(&t, argv[1], "reproduce.tsv", order, 7) == 0) {
        int r;
        while ((r = spec_next(&t)) != 0)
            if (r == 1)
                row(&t, d, &self);
        if (t.f)
            fclose(t.f);
    }
    for (int i = 0; i < NDS; i++)
        pm_calib_result_free(&d[i].cal);
    return spec_finish();
}
