/* Whole-file JSON reading shared by the model config and contract files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/file.h"
#include "io/json_file.h"

json_t *pmx_json_load_file(const char *path, pm_status *st, pm_error *err)
{
    json_error_t je;
    /* A directory is an I/O matter, not malformed JSON. */
    FILE *fp = pmx_open_input(path, err);
    if (!fp) {
        *st = PM_EIO;
        return NULL;
    }
    json_t *root = json_loadf(fp, JSON_REJECT_DUPLICATES, &je);
    fclose(fp);
    if (!root) {
        *st = pm_error_at(err, PM_EPARSE, path, je.line, je.column, "%s", je.text);
        return NULL;
    }
    *st = PM_OK;
    return root;
}
