/* Status codes, the error record and the run-time version. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "prefmon/status.h"
#include "prefmon/text.h"
#include "prefmon/version.h"

const char *pm_version(void)
{
    return PM_VERSION_STRING;
}

unsigned long pm_version_number(void)
{
    return PM_VERSION_NUMBER;
}

const char *pm_strerror(pm_status status)
{
    switch (status) {
    case PM_OK:
        return "ok";
    case PM_EINVAL:
        return "invalid argument";
    case PM_ENOMEM:
        return "out of memory";
    case PM_EIO:
        return "input/output error";
    case PM_EPARSE:
        return "malformed input";
    case PM_ERANGE:
        return "no answer within the allowed range";
    case PM_ENOCONV:
        return "no convergence";
    case PM_EINFEASIBLE:
        return "infeasible";
    case PM_EMODEL:
        return "model assumptions violated";
    case PM_ELIMIT:
        return "over a stated work or memory limit";
    }
    return "unknown status";
}

/* A message never disappears silently: when it does not fit, its end says so. */
static void mark_cut(char *text, int wanted)
{
    if (wanted >= PM_ERROR_TEXT)
        memcpy(text + PM_ERROR_TEXT - 4, "...", 4);
}

/* Messages quote input (keys, field names, file names); keep every message
 * one printable line whatever the input holds: control bytes and bytes that
 * are not UTF-8 become \n, \r, \t or \xHH (pm_text_escape, the same form
 * the CLI shows names in). A message cut for length ends with "...". */
static void make_printable(char *text)
{
    char out[PM_ERROR_TEXT];
    size_t cap = sizeof out - 3; /* room for "..." */
    if (pm_text_escape(text, out, cap) >= cap)
        strcat(out, "...");
    memcpy(text, out, strlen(out) + 1);
}

static void vset(pm_error *err, pm_status status, long line, long col, const char *prefix,
                 const char *fmt, va_list ap)
{
    int used = snprintf(err->text, sizeof err->text, "%s", prefix);
    if (used < 0)
        used = 0;
    if (used >= PM_ERROR_TEXT) {
        mark_cut(err->text, used);
    } else {
        int more = vsnprintf(err->text + used, sizeof err->text - (size_t)used, fmt, ap);
        mark_cut(err->text, used + (more < 0 ? 0 : more));
    }
    make_printable(err->text);
    err->code = status;
    err->line = line;
    err->col = col;
}

pm_status pm_error_set(pm_error *err, pm_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vset(err, status, 0, 0, "", fmt, ap);
        va_end(ap);
    }
    return status;
}

pm_status pm_error_at(pm_error *err, pm_status status, const char *name, long line, long col,
                      const char *fmt, ...)
{
    if (err) {
        char prefix[320];
        const char *nm = name ? name : "<input>";
        if (line > 0 && col > 0)
            snprintf(prefix, sizeof prefix, "%s:%ld:%ld: ", nm, line, col);
        else if (line > 0)
            snprintf(prefix, sizeof prefix, "%s:%ld: ", nm, line);
        else
            snprintf(prefix, sizeof prefix, "%s: ", nm);
        va_list ap;
        va_start(ap, fmt);
        vset(err, status, line, col, prefix, fmt, ap);
        va_end(ap);
    }
    return status;
}

pm_status pm_error_prefix(pm_error *err, const char *fmt, ...)
{
    if (!err)
        return PM_OK;
    char old[PM_ERROR_TEXT], prefix[PM_ERROR_TEXT];
    memcpy(old, err->text, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    int used = snprintf(err->text, sizeof err->text, "%s: %s", prefix, old);
    mark_cut(err->text, used);
    make_printable(err->text);
    return err->code;
}
