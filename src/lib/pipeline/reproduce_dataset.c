/*
** One reproduce dataset: read the preference file, split, orient,
** calibrate and compute its expert numbers (include/prefmon/reproduce.h).
** Data that cannot answer the question is a data error naming the file,
** not an argument error: the file is what the user has to change.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "prefmon/prefs.h"
#include "prefmon/reproduce.h"

/* The unfolded p of path into d->rows, d->raw. */
static pm_status read_raw(pm_repro_dataset *d, pm_error *err)
{
    pm_prefs *pr = pm_prefs_new(err);
    if (!pr)
        return pm_error_set(err, PM_ENOMEM, "out of memory reading %s", d->path);
    pm_status st = pm_prefs_read_file(pr, d->path, err);
    if (st == PM_OK) {
        d->rows = pm_prefs_count(pr);
        d->raw = malloc((d->rows ? d->rows : 1) * sizeof *d->raw);
        if (d->raw)
            memcpy(d->raw, pm_prefs_raw_values(pr), d->rows * sizeof *d->raw);
        else
            st = pm_error_set(err, PM_ENOMEM, "out of memory for %zu preference rows", d->rows);
    }
    pm_prefs_free(pr);
    return st;
}

pm_status pm_repro_dataset_load(pm_repro_dataset *d, const pm_calib_opts *co,
                                const pm_repro_opts *o, pm_error *err)
{
    if (!d || !d->name || !d->path || !co || !o)
        return pm_error_set(err, PM_EINVAL, "reproduce dataset: missing name, path or options");
    d->rows = 0;
    d->raw = NULL;
    d->ex = NULL;
    memset(&d->cal, 0, sizeof d->cal);
    pm_status st = read_raw(d, err);
    if (st != PM_OK)
        return st;
    if (d->rows < 2)
        return pm_error_set(err, PM_EPARSE,
                            "%s (dataset %s): %zu preference row: reproduce splits the rows into "
                            "an eval and a train half and needs at least 2",
                            d->path, d->name, d->rows);
    pm_calib_opts c = *co;
    c.calibrate = d->calibrate;
    st = pm_calib_run(d->raw, d->rows, &c, &d->cal, err);
    if (st == PM_OK && !(d->cal.cbar > 0))
        return pm_error_set(err, PM_EPARSE,
                            "%s (dataset %s): every preference probability of the eval half is "
                            "1/2%s (cbar = 0): an expert cannot tell effort apart on this data",
                            d->path, d->name, d->calibrate ? " after calibration" : "");
    if (st == PM_OK && !(d->ex = malloc(sizeof *d->ex)))
        st = pm_error_set(err, PM_ENOMEM, "out of memory for the expert numbers");
    if (st == PM_OK)
        st = pm_repro_expert_run(d->cal.p_eval, d->cal.n_eval, o, d->ex, err);
    if (st != PM_OK)
        pm_error_prefix(err, "%s", d->name);
    return st;
}

void pm_repro_dataset_free(pm_repro_dataset *d)
{
    if (!d)
        return;
    pm_calib_result_free(&d->cal);
    free(d->raw);
    free(d->ex);
    d->raw = NULL;
    d->ex = NULL;
}

int pm_repro_calibrated_by_default(const char *name)
{
    return name && (strncasecmp(name, "pku", 3) == 0 || strncasecmp(name, "skywork", 7) == 0);
}

pm_status pm_repro_items(const pm_repro_dataset *d, uint64_t seed, pm_repro_item **out,
                         pm_error *err)
{
    *out = NULL;
    if (!d || !d->raw || d->rows < 2)
        return pm_error_set(err, PM_EINVAL, "reproduce items: the dataset is not loaded");
    size_t n = d->rows;
    size_t *perm = malloc(n * sizeof *perm);
    double *score = malloc(n * sizeof *score);
    unsigned char *label = malloc(n);
    pm_repro_item *it = malloc(n * sizeof *it);
    pm_status st = PM_OK;
    if (perm && score && label && it) {
        pm_calib_shuffle(n, seed, perm);
        pm_calib_orient(d->raw, n, seed, score, label);
        for (size_t j = 0; j < n; j++) {
            size_t k = perm[j];
            int ev = j < d->cal.n_eval;
            it[j] =
                (pm_repro_item){k, ev, label[k], d->raw[k], score[k], ev ? d->cal.p_eval[j] : NAN};
        }
        *out = it;
    } else {
        free(it);
        st = pm_error_set(err, PM_ENOMEM, "out of memory for %zu items", n);
    }
    free(perm);
    free(score);
    free(label);
    return st;
}
