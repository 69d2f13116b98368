/* Internal: the search of pm_data_path over a given list of directories,
 * so that its order can be tested without installing anything. */
#ifndef PREFMON_CORE_DATAPATH_INTERNAL_H
#define PREFMON_CORE_DATAPATH_INTERNAL_H

#include <stddef.h>

#include "prefmon/status.h"

#define PMX_DATA_DIRS 3

/* pm_data_path over dirs[0..PMX_DATA_DIRS) in order; a NULL or empty
 * entry is skipped. pm_data_path passes $PREFMON_DATADIR, the installed
 * data directory and the source tree's data/. */
pm_status pmx_data_search(const char *const dirs[PMX_DATA_DIRS], const char *name, char *buf,
                          size_t size, pm_error *err);

#endif
