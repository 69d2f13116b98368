/*
** prefmon — a streaming delimited-record reader (RFC 4180 CSV; TSV and
** plain lines as dialects without quoting). The annotation-log readers
** (records.h) are built on it; the CLI reads its side files (key lists,
** gold keys, assignment maps) with it.
**
** Block-buffered fread, one reused record buffer, no per-row allocation.
** A record longer than max bytes is PM_ELIMIT at the position where it
** crossed the limit, so a line without end (/dev/zero) costs at most max
** bytes. Fields are unescaped in place and NUL-terminated; a NUL byte in
** the input is an error. Positions are 1-based lines and byte columns.
** Blank lines (no byte between two line ends) are skipped.
**
** Writing: pm_csv_write_cell is the one CSV cell writer of every library
** writer (payments, uploads, plan queues, label logs): a text cell that a
** spreadsheet would run is guarded with pm_csv_guard (prefmon/text.h), which
** pm_csv_unguard undoes, and quoted per RFC 4180. Numbers are not text cells:
** writers put them as they are.
**
** Ownership: the reader borrows the FILE (the caller closes it) and the
** name; fields are borrowed until the next pm_csv_next / pm_csv_open.
*/
#ifndef PREFMON_CSV_H
#define PREFMON_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "prefmon/export.h"
#include "prefmon/status.h"
#include "prefmon/writer.h"

PM_BEGIN_DECLS

typedef struct pm_csv_field {
    char *s;        /* NUL-terminated, unescaped */
    size_t len;     /* bytes, not counting the NUL */
    long line, col; /* position of the field's first byte (its quote, if quoted) */
} pm_csv_field;

typedef struct pm_csv pm_csv;

/** A reader whose records are at most max bytes (>= 1); NULL with
 *  PM_EINVAL in err for max 0, PM_ENOMEM when out of memory. */
PM_API pm_csv *pm_csv_new(size_t max, pm_error *err);
PM_API void pm_csv_free(pm_csv *c);

/** Start on fp: reads the first block (so that pm_csv_peek can look at it)
 *  and skips a UTF-8 BOM. Dialect defaults to CSV (',' with quoting). */
PM_API pm_status pm_csv_open(pm_csv *c, FILE *fp, const char *name, pm_error *err);

/** The buffered bytes not yet consumed (the file's start right after
 *  pm_csv_open); *p is borrowed. */
PM_API size_t pm_csv_peek(const pm_csv *c, const unsigned char **p);

/** sep: the field separator ('\0' for whole lines); quoting: RFC 4180. */
PM_API void pm_csv_dialect(pm_csv *c, char sep, int quoting);

/** The next record: *got = 1 with fields set, or *got = 0 at end of file. */
PM_API pm_status pm_csv_next(pm_csv *c, int *got, pm_error *err);

/** Fields of the last record and the line it started on. */
PM_API size_t pm_csv_nfields(const pm_csv *c);
PM_API const pm_csv_field *pm_csv_fields(const pm_csv *c);
PM_API long pm_csv_line(const pm_csv *c);

/** Copy up to n raw bytes (buffered ones first) into dst; returns the
 *  count, 0 at end of file; *io_error set when reading failed. For a
 *  reader that takes the rest of the file itself (the JSON document). */
PM_API size_t pm_csv_read_raw(pm_csv *c, void *dst, size_t n, int *io_error);

/** One CSV text cell: guarded (pm_csv_guard: a leading ' before = + - @
 *  TAB CR or ') and quoted per RFC 4180 when it holds a comma, quote, CR or
 *  LF, or is guarded. NULL is the empty cell. PM_EIO on a write error. */
PM_API pm_status pm_csv_write_cell(FILE *fp, const char *text, pm_error *err);

/** The same cell through a pm_writer (prefmon/writer.h). */
PM_API pm_status pm_csv_write_cell_to(const pm_writer *w, const char *text, pm_error *err);

PM_END_DECLS

#endif
