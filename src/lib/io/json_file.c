/* Whole-file JSON reading shared by the model config and contract files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "io/json_file.h"

json_t *pmx_json_load_file(const char *path, pm_status *st, pm_error *err)
{
    json_error_t je;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *st = pm_error_set(err, PM_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    json_t *root = json_loadf(fp, JSON_REJECT_DUPLICATES, &je);
    fclose(fp);
    if (!root) {
        *st = pm_error_set(err, PM_EPARSE, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return NULL;
    }
    *st = PM_OK;
    return root;
}
