/*
** Internal: opening an input file the same way in every reader.
*/
#ifndef PREFMON_CORE_FILE_H
#define PREFMON_CORE_FILE_H

#include <stdio.h>

#include "prefmon/status.h"

/** fopen(path, "rb") that says what went wrong: PM_EIO "path: cannot open: reason" when
 *  it cannot be opened, PM_EIO "path: is a directory" for a directory
 *  (fopen succeeds on one on Linux and the first read then fails with a
 *  bare "read error"). NULL on failure, with err filled. */
FILE *pmx_open_input(const char *path, pm_error *err);

#endif
