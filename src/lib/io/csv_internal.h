/* Internal: what the record readers learn from the CSV reader beyond the
 * public pm_csv interface (pmx_). */
#ifndef PREFMON_IO_CSV_INTERNAL_H
#define PREFMON_IO_CSV_INTERNAL_H

#include "prefmon/csv.h"

/** 1 when the last record was a plain line (no quote, CR or NUL) whose
 *  bytes are all below 0x80: its fields are valid UTF-8 without NUL and
 *  need no check. 0 when unknown. */
int pmx_csv_ascii(const pm_csv *c);

#endif
