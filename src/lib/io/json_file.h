/* Internal: read a whole JSON file, or a JSONL stream line by line, with
 * positioned error messages. */
#ifndef PREFMON_JSON_FILE_H
#define PREFMON_JSON_FILE_H

#include <jansson.h>

#include "core/lines.h"
#include "prefmon/status.h"

/* The parsed document (caller decrefs), or NULL with *st = PM_EIO
 * ("path: reason", "path: is a directory") or PM_EPARSE ("path:line:col: what"). Duplicate keys are
 * errors: a file must not say two things at once. */
json_t *pmx_json_load_file(const char *path, pm_status *st, pm_error *err);

/* The same for a document in memory, buf[0..len) (no NUL needed), named
 * `name` in messages: byte for byte what pmx_json_load_file reads from a
 * file holding those bytes, with the same messages but PM_EIO. */
json_t *pmx_json_load_mem(const char *buf, size_t len, const char *name, pm_status *st,
                          pm_error *err);

/* The next row of a JSONL stream read through lr (the bounded line reader:
 * a line over its limit stops there): a trailing CR is dropped, lines of
 * blanks (spaces, tabs) are skipped, the line must be a JSON object. *row
 * gets it (caller decrefs), or NULL at the end; lr->lineno is its line.
 * Errors: the reader's, or PM_EPARSE "name:line:col: invalid JSON: what" /
 * "name:line:1: not a JSON object". Duplicate keys are left to jansson's
 * default (the last one), as the plan and item readers always did. */
pm_status pmx_jsonl_next(pmx_lines *lr, json_t **row, pm_error *err);

#endif
