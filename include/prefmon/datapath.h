/*
** prefmon — where the default data files are found, wherever prefmon runs.
**
** The defaults (simulate's items, reproduce's dataset, the demo's log) are
** files of the source tree's data/ directory, installed to
** ${datadir}/prefmon by `make install`. pm_data_path finds one by its name
** under data/ ("ultrafeedback-sample.jsonl", "adultcontent2/labels.txt"),
** looking in order in:
**   1. $PREFMON_DATADIR, when set and not empty;
**   2. the installed data directory (pm_data_dir_installed());
**   3. the data/ directory of the source tree the library was built from
**      (pm_data_dir_source()), so that a build tree works uninstalled.
** The first directory that holds a readable file of that name wins.
**
** Ownership: the result is written into a caller-owned buffer; the
** directory strings are static.
*/
#ifndef PREFMON_DATAPATH_H
#define PREFMON_DATAPATH_H

#include <stddef.h>

#include "prefmon/export.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/** The environment variable looked at first. */
#define PM_DATADIR_ENV "PREFMON_DATADIR"

/** The path of data file `name` (relative, no ".." component) in the first
 *  directory of the search order above that holds it, into buf[0..size).
 *  PM_EIO naming every place looked in when none holds it; PM_EINVAL for
 *  an empty or absolute name or one with a ".." component; PM_ERANGE when
 *  the path does not fit in size bytes. */
PM_API pm_status pm_data_path(const char *name, char *buf, size_t size, pm_error *err);

/** The installed data directory compiled into the library
 *  ("/usr/local/share/prefmon"). Never NULL. */
PM_API const char *pm_data_dir_installed(void);

/** The data/ directory of the source tree the library was built from;
 *  "" when unknown. Never NULL. */
PM_API const char *pm_data_dir_source(void);

PM_END_DECLS

#endif
