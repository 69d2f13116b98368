/* Internal: what the record readers learn from the CSV reader beyond the
 * public pm_csv interface (pmx_). */
#ifndef PREFMON_IO_CSV_INTERNAL_H
#define PREFMON_IO_CSV_INTERNAL_H

#include <stdint.h>

#include "prefmon/csv.h"

/** 1 when the last record was a plain line (no quote or NUL; a CR only in
 *  a CRLF line end) whose bytes are all below 0x80: its fields are valid
 *  UTF-8 without NUL and need no check. 0 when unknown. */
int pmx_csv_ascii(const pm_csv *c);

/** Read fp (positioned at file offset start, at the start of line `line`
 *  and of a record) up to file offset end only, with the dialect already
 *  set on c; no byte-order mark is looked for. For the threaded reader's
 *  chunks of one file (pipeline/assess_threads.c). */
pm_status pmx_csv_open_range(pm_csv *c, FILE *fp, const char *name, long long start, long long end,
                             long line, pm_error *err);
/** A field of a line split in place with quotes: its first byte (its
 *  opening quote) and its content's offset and length in the line. */
typedef struct pmx_csv_span {
    uint32_t col, at, len;
} pmx_csv_span;

/** A record split in place by pmx_csv_next_split(s). */
typedef struct pmx_csv_split {
    char *p;                  /* the line, in the reader's block: valid until the next read */
    const uint32_t *start;    /* its fields' starts (when span is NULL) */
    long line;                /* its line number */
    long col0;                /* the column of p[0] */
    int ascii;                /* as pmx_csv_ascii */
    const pmx_csv_span *span; /* NULL: no field was quoted (start[] gives them); else each field */
} pmx_csv_split;

/** The next record when it is a plain line (no NUL; a CR only in a CRLF
 *  line end, which is dropped; a quote only around a whole field that
 *  holds no other quote, separator or line end) whole in the reader's
 *  block, under the limit, with exactly nf >= 1 fields: split in place
 *  (its separators, closing quotes and line end become NULs) and consumed.
 *  Without quotes (out->span NULL), field i is at out->p + start[i], of
 *  start[i + 1] - start[i] - 1 bytes (start has room for nf + 1 entries);
 *  with them, out->span (= span, room for nf) gives each field. Returns 1;
 *  2 for a blank line (consumed, no record); 0 when the next record is
 *  anything else or there is none: left untouched for pm_csv_next, which
 *  reads it (or reports its problem) as always. For the generic reader,
 *  which then borrows the fields instead of taking copies
 *  (records_csv.c). */
int pmx_csv_next_split(pm_csv *c, size_t nf, uint32_t *start, pmx_csv_span *span,
                       pmx_csv_split *out);
/** Up to max records as pmx_csv_next_split gives them, one after another,
 *  all split before the first is used: record i's starts at
 *  start + i * (nf + 1), its spans at span + i * nf; out[i].start is set.
 *  Blank lines are skipped. Stops at the first line pmx_csv_next_split
 *  would not take or that is not whole in the reader's block, and at the
 *  block's end (refilled only when nothing of it is left, so that the
 *  lines returned stay valid until the next read of any kind). The number
 *  returned; 0 leaves the next record to pmx_csv_next_split. A row costs
 *  no call, and one scan set-up per batch (records_csv.c, next_line). */
size_t pmx_csv_next_splits(pm_csv *c, size_t nf, uint32_t *start, pmx_csv_span *span,
                           pmx_csv_split *out, size_t max);
/** avx2 = 0: scan lines 16 bytes at a time (SSE2) even where the CPU has
 *  AVX2; 1 (the default): 32 at a time where it has. For the tests, which
 *  check both. */
void pmx_csv_simd(pm_csv *c, int avx2);
/** The file offset and line of the next unread byte. */
void pmx_csv_position(const pm_csv *c, long long *offset, long *line);

#endif
