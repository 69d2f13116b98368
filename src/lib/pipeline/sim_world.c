/*
** A simulated world (prefmon/sim_score.h): the items and their split into
** gold and pool, the annotators and their names, owned together.
*/
#include <stdlib.h>
#include <string.h>

#include "prefmon/sim_score.h"

pm_status pm_sim_world_items(pm_sim_world *w, FILE *fp, const char *name, size_t g, pm_error *err)
{
    w->all = pm_plan_pool_new(err);
    w->items = pm_plan_pool_new(err);
    w->gold = pm_plan_pool_new(err);
    if (!w->all || !w->items || !w->gold)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    pm_status st = pm_sim_items_read(w->all, fp, name, &w->p_all, &w->repeated, err);
    if (st == PM_OK)
        st = pm_sim_items_split(w->all, w->p_all, g, w->items, w->gold, &w->p_items, &w->p_gold,
                                err);
    return st;
}

pm_status pm_sim_world_pool(pm_sim_world *w, const size_t counts[4], const pm_sim_effort *e,
                            pm_error *err)
{
    w->n = counts[0] + counts[1] + counts[2] + counts[3];
    if (!(w->pool = malloc((w->n ? w->n : 1) * sizeof *w->pool)))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    pm_status st =
        pm_sim_pool(e, counts[0], counts[1], counts[2], counts[3], w->seed, w->pool, err);
    /* Opaque names: the log must not tell who is a spammer; only the
     * truth does. */
    return st == PM_OK ? pm_sim_names(w->n, w->seed, &w->names, err) : st;
}

pm_status pm_sim_world_rename(pm_sim_world *w, const pm_plan *plan, pm_error *err)
{
    for (size_t i = 0; i < w->n; i++) {
        const char *name = pm_plan_annotator(plan, i);
        char *c = name ? malloc(strlen(name) + 1) : NULL;
        if (!c)
            return pm_error_set(err, name ? PM_ENOMEM : PM_EINVAL,
                                name ? "out of memory" : "the plan has fewer annotators");
        free(w->names[i]);
        w->names[i] = strcpy(c, name);
    }
    return PM_OK;
}

void pm_sim_world_free(pm_sim_world *w)
{
    pm_plan_pool_free(w->all);
    pm_plan_pool_free(w->items);
    pm_plan_pool_free(w->gold);
    free(w->p_all);
    free(w->p_items);
    free(w->p_gold);
    free(w->pool);
    pm_sim_names_free(w->names, w->n);
    memset(w, 0, sizeof *w);
}

pm_sim_truth pm_sim_world_truth(const pm_sim_world *w)
{
    return (pm_sim_truth){w->pool, (const char *const *)w->names, w->n, w->delta_r};
}
