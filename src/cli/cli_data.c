/* Default data files (simulate's items, reproduce's dataset) wherever
 * prefmon runs: the library's search, with the old relative path as the
 * last resort so that a failure names the usual place. */
#include <stdio.h>

#include "cli.h"
#include "prefmon/datapath.h"

const char *cli_data_path(const char *name)
{
    static char buf[4096];
    if (pm_data_path(name, buf, sizeof buf, NULL) != PM_OK)
        snprintf(buf, sizeof buf, "data/%s", name);
    return buf;
}
