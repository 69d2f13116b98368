/*
** prefmon — status codes and the one error style of the library.
**
** Every fallible library call returns a pm_status and takes, as its last
** argument, a caller-owned `pm_error *err` (may be NULL). On failure the
** call fills err with the same status, the input position when the error
** is about input data, and one line of text that says what was wrong and,
** where it helps, how to fix it:
**
**     "file:line:col: field 'label': 'X' is not A, B or tie"
**     "delta = 0.6 leaves s = 1 - delta = 0.4 <= q0 = 0.5: no effort signal"
**
** The text is always one printable line: control bytes and bytes that are
** not UTF-8 (from quoted input) are escaped as \n, \r, \t or \xHH.
** err is written only on failure; on success it is left as it was. Handles
** (pm_prefs, pm_records, ...) keep no message of their own: every call on
** them takes an err like any other. Functions that compute a number
** (pm_dbinom, pm_scheme_pass, ...) return NaN on a domain error instead and
** take no err. The library never prints and never exits.
**
** Ownership: pm_error is a plain value owned by the caller.
*/
#ifndef PREFMON_STATUS_H
#define PREFMON_STATUS_H

#include <stddef.h>

#include "prefmon/export.h"

PM_BEGIN_DECLS

typedef enum pm_status {
    PM_OK = 0,
    PM_EINVAL = 1,      /* an argument is outside its documented domain */
    PM_ENOMEM = 2,      /* out of memory */
    PM_EIO = 3,         /* a file could not be opened, read or written */
    PM_EPARSE = 4,      /* malformed input data (position in the message) */
    PM_ERANGE = 5,      /* no answer within the allowed range (e.g. max n) */
    PM_ENOCONV = 6,     /* an iterative method did not converge */
    PM_EINFEASIBLE = 7, /* no contract within the bounds satisfies the constraints */
    PM_EMODEL = 8,      /* model primitives violate the paper's assumptions */
    PM_ELIMIT = 9       /* the request exceeds a stated work or memory limit */
} pm_status;

/** A short static description of a status code. Never NULL. */
PM_API const char *pm_strerror(pm_status status);

#define PM_ERROR_TEXT 1024

/** What went wrong, filled by a failing call. */
typedef struct pm_error {
    pm_status code; /* the status the call returned */
    long line, col; /* 1-based input position; 0 when not about input */
    char text[PM_ERROR_TEXT];
} pm_error;

/** Set err (printf-style text, no position) and return status; err may be
 *  NULL. Text longer than PM_ERROR_TEXT - 1 is cut with "..." at its end. */
PM_API pm_status pm_error_set(pm_error *err, pm_status status, const char *fmt, ...)
    PM_PRINTF(3, 4);

/** As pm_error_set with an input position: the text becomes
 *  "name:line:col: what" (":col" left out when col is 0, "line" too when
 *  line is 0). name may be NULL ("<input>"). */
PM_API pm_status pm_error_at(pm_error *err, pm_status status, const char *name, long line, long col,
                             const char *fmt, ...) PM_PRINTF(6, 7);

/** Put "prefix: " in front of err's text (e.g. the file a model spec came
 *  from); the code and position stay. Returns err->code (PM_OK if NULL). */
PM_API pm_status pm_error_prefix(pm_error *err, const char *fmt, ...) PM_PRINTF(2, 3);

PM_END_DECLS

#endif
