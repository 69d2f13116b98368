/* Internal: building a pm_plan from rows read elsewhere (plan_manifest.c)
 * instead of drawing them (pmx_). */
#ifndef PREFMON_PLAN_INTERNAL_H
#define PREFMON_PLAN_INTERNAL_H

#include <stddef.h>

#include "prefmon/plan.h"

/* A plan over rows that were already checked against the plan's invariants
 * (plan.h). req gives the pools, L, G and the seed; d and g are the counts
 * per annotator. The plan takes ownership of rows (n_annotators x L of
 * them, malloc'd) and of names (n_annotators malloc'd strings in a malloc'd
 * array): on success and on failure alike. req->annotators is ignored. */
pm_status pmx_plan_adopt(const pm_plan_request *req, long d, long g, pm_plan_row *rows,
                         char **names, pm_plan **out, pm_error *err);

#endif
