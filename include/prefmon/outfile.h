/*
** prefmon — output files that are either complete or not there.
**
** pm_outfile_open decides how PATH is written, from what PATH is now:
**   a new path or a regular file   written to a temporary file in the same
**                                  directory, then renamed over PATH on
**                                  commit (atomic: readers see the old or
**                                  the new file, never a part);
**   a symbolic link                the same, for the file it resolves to:
**                                  the link stays, its target is replaced
**                                  (a link to a missing file is refused);
**   a device, FIFO or socket       written through directly, no rename
**                                  (/dev/null works, /dev/full reports
**                                  "No space left on device"; opening a
**                                  FIFO waits for its reader, as a
**                                  shell's > does).
** Permissions are those of a normal create: a new file gets 0666 & ~umask
** (the kernel applies the umask), an existing file keeps its mode.
** On any failure (open, write, a full disk, close, rename) the temporary
** file is removed and PATH is left as it was.
**
** Ownership: the pm_outfile and its stream are owned by the library;
** pm_outfile_commit and pm_outfile_abort both free them.
*/
#ifndef PREFMON_OUTFILE_H
#define PREFMON_OUTFILE_H

#include <stdio.h>

#include "prefmon/export.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

typedef struct pm_outfile pm_outfile;

/** Prepare to write path; *out gets the handle. */
PM_API pm_status pm_outfile_open(const char *path, pm_outfile **out, pm_error *err);

/** The stream to write to (valid until commit or abort). */
PM_API FILE *pm_outfile_stream(pm_outfile *of);

/** Flush, sync and put the file in place; frees of. PM_EIO with the reason
 *  (and nothing left behind) if any write failed. */
PM_API pm_status pm_outfile_commit(pm_outfile *of, pm_error *err);

/** Give up: remove the temporary file, leave path as it was; frees of.
 *  NULL is a no-op. */
PM_API void pm_outfile_abort(pm_outfile *of);

PM_END_DECLS

/** 1 when paths a and b name the same file, else 0: a command that writes
 *  two outputs refuses them before writing either (the second would
 *  replace the first). Both existing: the same device and inode (through
 *  links and hard links). Otherwise the resolved names are compared: the
 *  real path of the parent directory (realpath, so "./x", "d/../x" and a
 *  linked directory resolve alike) plus the final name. A path whose
 *  parent does not exist is compared as given. NULL is never the same. */
PM_API int pm_path_same(const char *a, const char *b);

#endif
