/* Internal: what the record readers learn from the CSV reader beyond the
 * public pm_csv interface (pmx_). */
#ifndef PREFMON_IO_CSV_INTERNAL_H
#define PREFMON_IO_CSV_INTERNAL_H

#include "prefmon/csv.h"

/** 1 when the last record was a plain line (no quote, CR or NUL) whose
 *  bytes are all below 0x80: its fields are valid UTF-8 without NUL and
 *  need no check. 0 when unknown. */
int pmx_csv_ascii(const pm_csv *c);

/** Read fp (positioned at file offset start, at the start of line `line`
 *  and of a record) up to file offset end only, with the dialect already
 *  set on c; no byte-order mark is looked for. For the threaded reader's
 *  chunks of one file (pipeline/assess_threads.c). */
pm_status pmx_csv_open_range(pm_csv *c, FILE *fp, const char *name, long long start, long long end,
                             long line, pm_error *err);
/** The file offset and line of the next unread byte. */
void pmx_csv_position(const pm_csv *c, long long *offset, long *line);

#endif
