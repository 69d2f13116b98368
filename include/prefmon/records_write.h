/*
** prefmon — writing label events in the shapes the readers of records.h
** parse: the generic CSV and JSONL long formats and a Label Studio JSON
** export. What a platform would export, so that a simulated log
** (prefmon/sim.h) exercises the very same readers as a real one.
**
** Shapes (every one reads back through pm_records_open to the same
** records; tests/unit/test_records_write.c checks the round trip):
**   csv          header annotator,item,label[,shown_left][,gold][,timestamp]
**                [,duration], CRLF line ends (RFC 4180); a cell holding a
**                comma, quote, CR or LF is quoted with doubled quotes.
**   jsonl        one object per record with the same keys.
**   labelstudio  a JSON list of tasks, one task per record: {"id": n,
**                "data": {"item": key, "shown_left": "A"|"B"},
**                "annotations": [{"completed_by": {"email": annotator},
**                "result": [...], "was_cancelled": false,
**                "ground_truth": false, "lead_time": duration}]}; an A/B
**                label with a known side is a pairwise result
**                {"selected": "left"|"right"}, any other label a choices
**                result. Gold and timestamps are not written in this shape
**                (give gold to the reader with --gold): PM_EINVAL.
** Numbers (timestamp, duration) are written with 17 significant digits.
**
** Speed: records are formatted into an internal 64 KiB buffer and written
** with fwrite when it fills; the annotator's encoded cell is kept between
** records of the same annotator. No allocation per record.
**
** Ownership: the writer borrows fp (the caller opens, and closes it after
** pm_records_writer_close) and copies name. Records are borrowed for the
** call. Not thread-safe per handle.
*/
#ifndef PREFMON_RECORDS_WRITE_H
#define PREFMON_RECORDS_WRITE_H

#include <stdio.h>

#include "prefmon/export.h"
#include "prefmon/records.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/* Optional columns (a bitset). */
#define PM_RECW_SHOWN_LEFT 0x01u /* every record must then have shown_left 'A' or 'B' */
#define PM_RECW_GOLD 0x02u       /* a record's gold, empty when NULL */
#define PM_RECW_TIMESTAMP 0x04u  /* seconds since the epoch; empty when NaN */
#define PM_RECW_DURATION 0x08u   /* seconds; empty (csv) or absent when NaN */

typedef struct pm_records_writer pm_records_writer;

/** A writer of `format` (PM_RECORDS_CSV, _JSONL or _LABELSTUDIO) with the
 *  optional columns `fields`; name is used in messages. PM_EINVAL for
 *  another format or a field the format cannot carry, PM_ENOMEM. */
PM_API pm_status pm_records_writer_new(FILE *fp, const char *name, pm_records_format format,
                                       unsigned fields, pm_records_writer **out, pm_error *err);

/** Append one record. PM_EINVAL (nothing written) for a missing annotator,
 *  item or label, or a missing shown_left when that column is written;
 *  PM_EIO when a buffer flush fails. */
PM_API pm_status pm_records_write(pm_records_writer *w, const pm_record *r, pm_error *err);

/** Write what is left (the Label Studio closing bracket), flush to fp and
 *  free the writer whatever happens. PM_EIO on a write error. */
PM_API pm_status pm_records_writer_close(pm_records_writer *w, pm_error *err);

/** Free without finishing (after an error); NULL is a no-op. */
PM_API void pm_records_writer_free(pm_records_writer *w);

/** Records written so far. */
PM_API long pm_records_writer_count(const pm_records_writer *w);

PM_END_DECLS

#endif
