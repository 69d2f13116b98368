/* Status codes, error buffers and the run-time version. */
#include <stdarg.h>
#include <stdio.h>

#include "prefmon/status.h"
#include "prefmon/version.h"

const char *pm_version(void)
{
    return PM_VERSION_STRING;
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
    }
    return "unknown status";
}

pm_status pm_error_set(pm_error *err, pm_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->text, sizeof err->text, fmt, ap);
        va_end(ap);
    }
    return status;
}
