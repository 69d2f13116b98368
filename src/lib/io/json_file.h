/* Internal: read a whole JSON file with positioned error messages. */
#ifndef PREFMON_JSON_FILE_H
#define PREFMON_JSON_FILE_H

#include <jansson.h>

#include "prefmon/status.h"

/* The parsed document (caller decrefs), or NULL with *st = PM_EIO
 * ("path: reason", "path: is a directory") or PM_EPARSE ("path:line:col: what"). Duplicate keys are
 * errors: a file must not say two things at once. */
json_t *pmx_json_load_file(const char *path, pm_status *st, pm_error *err);

#endif
