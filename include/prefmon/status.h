/*
** prefmon — status codes and error text.
**
** Every fallible library call returns a pm_status. PM_OK is 0; the other
** values are pinned and will not be renumbered. Calls that can say more
** (a file position, the offending field) either fill a caller-supplied
** pm_error or keep a message on their handle (pm_*_errmsg). The library
** never prints and never exits.
*/
#ifndef PREFMON_STATUS_H
#define PREFMON_STATUS_H

#include <stddef.h>

typedef enum pm_status {
    PM_OK = 0,
    PM_EINVAL = 1,      /* an argument is outside its documented domain */
    PM_ENOMEM = 2,      /* out of memory */
    PM_EIO = 3,         /* a file could not be opened, read or written */
    PM_EPARSE = 4,      /* malformed input data (position in the message) */
    PM_ERANGE = 5,      /* no answer within the allowed range (e.g. max n) */
    PM_ENOCONV = 6,     /* an iterative method did not converge */
    PM_EINFEASIBLE = 7, /* no contract within the bounds satisfies the constraints */
    PM_EMODEL = 8       /* model primitives violate the paper's assumptions */
} pm_status;

/** A short static description of a status code. Never NULL. */
const char *pm_strerror(pm_status status);

/** A caller-owned error buffer for calls that have no handle of their own. */
typedef struct pm_error {
    char text[512];
} pm_error;

/** Set err->text (printf-style) and return status; err may be NULL. */
pm_status pm_error_set(pm_error *err, pm_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
