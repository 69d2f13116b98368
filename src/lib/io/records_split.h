/*
** Internal: reading one regular file of the generic format (csv, tsv,
** jsonl) in chunks, for the threaded reader of `assess`
** (pipeline/assess_threads.c). Each chunk starts at a record boundary with
** its line number known, so that a chunk read on its own gives the same
** records, lines, columns and messages as reading the file from its start.
**
** Ownership: the chunk array is the caller's (free()); a range reader is
** freed with pmx_records_range_free and borrows its parent's gold table
** and column map, so it must not outlive the parent. Range readers of one
** parent may be used from different threads at once (each its own).
*/
#ifndef PM_IO_RECORDS_SPLIT_H
#define PM_IO_RECORDS_SPLIT_H

#include <stddef.h>

#include "prefmon/records.h"

typedef struct pmx_chunk {
    long long start, end; /* file offsets [start, end) */
    long line;            /* the line at start */
} pmx_chunk;

/* The rest of r's open file (after its header) cut into chunks of about
 * chunk_bytes at record boundaries: *n = 0 (and PM_OK) when the file
 * cannot be split: standard input or another non-regular file, or a format
 * other than csv, tsv, jsonl. CSV boundaries are line ends outside quoted
 * fields, found by the parity of the double quotes from the header on (in
 * RFC 4180 each quote opens, closes or doubles, so an odd count means
 * "inside a field"); a file where that fails (a stray quote) has a
 * parse error at or before the first wrong boundary, which the chunk
 * holding it reports first. The line ends and quotes are counted by up
 * to `threads` threads (segments of 64 KiB each); the chunks are the same
 * for any count. */
pm_status pmx_records_chunks(pm_records *r, size_t chunk_bytes, int threads, pmx_chunk **out,
                             size_t *n, pm_error *err);
/* A reader of one chunk of parent's open file, configured from its header. */
pm_records *pmx_records_range(const pm_records *parent, const pmx_chunk *ch, pm_error *err);
/* The next record of the chunk (*got = 0 at its end); as pm_records_next. */
pm_status pmx_records_range_next(pm_records *r, pm_record *out, int *got, pm_error *err);
void pmx_records_range_free(pm_records *r);
/* The name of r's open file, as its records give it (pm_record.file). */
const char *pmx_records_file(const pm_records *r);
/* Done with parent's file after its chunks were read: their stats added
 * (from the range readers' pm_records_stats_get), the file closed for
 * reading; the "no data rows" error when no chunk held a row. */
pm_status pmx_records_chunks_done(pm_records *parent, const pm_records_stats *add, pm_error *err);

#endif
