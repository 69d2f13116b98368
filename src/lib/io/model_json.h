/* Internal: the model <-> JSON mapping shared by the config reader and the
 * contract file (src/lib/contract_file.c). */
#ifndef PREFMON_MODEL_JSON_H
#define PREFMON_MODEL_JSON_H

#include <jansson.h>

#include "prefmon/model.h"

/* Read the keys utility, cost, value, u0, wage_min, wage_max (each
 * optional) of a JSON object over *m; unknown keys are errors. `path` names
 * the file in messages. *m is unchanged on error. */
pm_status pmx_model_from_json(const char *path, json_t *obj, pm_model *m, pm_error *err);

/* A new JSON object with every model key (NULL when out of memory). */
json_t *pmx_model_to_json(const pm_model *m);

#endif
