/* The search for default data files: $PREFMON_DATADIR, the installed data
 * directory, the source tree's data/ (see prefmon/datapath.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prefmon/datapath.h"

/* Both are set by CMakeLists.txt; the fallbacks keep a hand build working. */
#ifndef PM_DATADIR
#define PM_DATADIR "/usr/local/share/prefmon"
#endif
#ifndef PM_SOURCE_DATADIR
#define PM_SOURCE_DATADIR ""
#endif

const char *pm_data_dir_installed(void)
{
    return PM_DATADIR;
}

const char *pm_data_dir_source(void)
{
    return PM_SOURCE_DATADIR;
}

/* A name that stays inside the directory it is looked up in. */
static int name_ok(const char *name)
{
    if (!name || !*name || name[0] == '/')
        return 0;
    for (const char *p = name; *p;) {
        size_t len = strcspn(p, "/");
        if (len == 2 && p[0] == '.' && p[1] == '.')
            return 0;
        p += len;
        if (*p == '/')
            p++;
    }
    return 1;
}

pm_status pm_data_path(const char *name, char *buf, size_t size, pm_error *err)
{
    if (!name_ok(name))
        return pm_error_set(err, PM_EINVAL,
                            "data file name '%s' is not a relative path inside the data directory",
                            name ? name : "(null)");
    const char *env = getenv(PM_DATADIR_ENV);
    const char *dirs[3] = {env && *env ? env : NULL, PM_DATADIR,
                           *PM_SOURCE_DATADIR ? PM_SOURCE_DATADIR : NULL};
    for (int i = 0; i < 3; i++) {
        if (!dirs[i])
            continue;
        int len = snprintf(buf, size, "%s/%s", dirs[i], name);
        if (len < 0 || (size_t)len >= size) {
            if (size)
                buf[0] = '\0';
            return pm_error_set(err, PM_ERANGE, "data file path '%s/%s' is longer than %zu bytes",
                                dirs[i], name, size ? size - 1 : 0);
        }
        if (access(buf, R_OK) == 0)
            return PM_OK;
    }
    if (size)
        buf[0] = '\0';
    return pm_error_set(err, PM_EIO,
                        "data file '%s' not found in %s%s%s%s%s (set %s to its directory)", name,
                        dirs[0] ? dirs[0] : "", dirs[0] ? ", " : "", PM_DATADIR,
                        dirs[2] ? " or " : "", dirs[2] ? dirs[2] : "", PM_DATADIR_ENV);
}
