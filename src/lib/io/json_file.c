/* Whole-file JSON reading shared by the model config and contract files, and
 * the JSONL row loop shared by the plan, manifest and item readers. */
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

json_t *pmx_json_load_mem(const char *buf, size_t len, const char *name, pm_status *st,
                          pm_error *err)
{
    json_error_t je;
    if (!buf && len > 0) {
        *st = pm_error_set(err, PM_EINVAL, "%s: NULL buffer", name);
        return NULL;
    }
    json_t *root = json_loadb(buf ? buf : "", len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        *st = pm_error_at(err, PM_EPARSE, name, je.line, je.column, "%s", je.text);
        return NULL;
    }
    *st = PM_OK;
    return root;
}

pm_status pmx_jsonl_next(pmx_lines *lr, json_t **row, pm_error *err)
{
    const char *buf, *name = lr->name ? lr->name : "<input>";
    size_t len;
    pm_status st;
    *row = NULL;
    while ((st = pmx_lines_next(lr, &buf, &len, err)) == PM_OK && buf) {
        if (len > 0 && buf[len - 1] == '\r')
            len--;
        if (strspn(buf, " \t") >= len)
            continue;
        json_error_t je;
        json_t *v = json_loadb(buf, len, 0, &je);
        if (!v)
            return pm_error_at(err, PM_EPARSE, name, lr->lineno, je.column > 0 ? je.column : 1,
                               "invalid JSON: %s", je.text);
        if (!json_is_object(v)) {
            json_decref(v);
            return pm_error_at(err, PM_EPARSE, name, lr->lineno, 1, "not a JSON object");
        }
        *row = v;
        return PM_OK;
    }
    return st;
}
