/* The search for default data files: $PREFMON_DATADIR, the installed data
 * directory, the source tree's data/ (see prefmon/datapath.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/datapath_internal.h"
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

pm_status pmx_data_search(const char *const dirs[PMX_DATA_DIRS], const char *name, char *buf,
                          size_t size, pm_error *err)
{
    if (!name_ok(name))
        return pm_error_set(err, PM_EINVAL,
                            "data file name '%s' is not a relative path inside the data directory",
                            name ? name : "(null)");
    char tried[768] = "";
    size_t used = 0;
    for (int i = 0; i < PMX_DATA_DIRS; i++) {
        if (!dirs[i] || !*dirs[i])
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
        int n = snprintf(tried + used, sizeof tried - used, "%s%s", used ? ", " : "", dirs[i]);
        if (n > 0 && (size_t)n < sizeof tried - used)
            used += (size_t)n;
    }
    if (size)
        buf[0] = '\0';
    return pm_error_set(err, PM_EIO, "data file '%s' not found in %s (set %s to its directory)",
                        name, used ? tried : "no directory", PM_DATADIR_ENV);
}

pm_status pm_data_path(const char *name, char *buf, size_t size, pm_error *err)
{
    const char *dirs[PMX_DATA_DIRS] = {getenv(PM_DATADIR_ENV), PM_DATADIR, PM_SOURCE_DATADIR};
    return pmx_data_search(dirs, name, buf, size, err);
}
