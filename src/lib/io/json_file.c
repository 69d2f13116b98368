/* Whole-file JSON reading shared by the model config and contract files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "io/json_file.h"

json_t *pmx_json_load_file(const char *path, pm_status *st, pm_error *err)
{
    json_error_t je;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *st = pm_error_at(err, PM_EIO, path, 0, 0, "%s", strerror(errno));
        return NULL;
    }
    /* fopen(dir, "r") succeeds on Linux and the parser would then call the
     * read error malformed JSON: a directory is an I/O matter. */
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(fp);
        *st = pm_error_at(err, PM_EIO, path, 0, 0, "is a directory");
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
