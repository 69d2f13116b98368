/*
** Internal: the generic reader's rows as plain fields, for `assess`'s
** readers (pipeline/assess_read.c, and assess_threads.c for each chunk of
** a file read by several threads). Most rows of a CSV or TSV log are one
** plain line whose fields need no work beyond splitting: ASCII keys, a
** label A, B or tie (or any label when there is no shown_left column),
** numbers that parse. Such a row is given as pointers and lengths into the
** reader's block, with no pm_record, no cell array and no second pass over
** its strings; any other row is read as pm_records_next reads it, with the
** same messages and counts.
**
** Ownership: the strings are the reader's, valid until its next call.
*/
#ifndef PM_IO_RECORDS_PLAIN_H
#define PM_IO_RECORDS_PLAIN_H

#include <stddef.h>

#include "prefmon/records.h"

/* A row: the fields of a pm_record (label and gold in canonical form,
 * gold from the gold file when the row has none) and the lengths of its
 * strings (0 for an absent one). `assess` prepares a pm_record through
 * this form too (the lengths counted), so that both take one path. */
typedef struct pmx_plain {
    const char *annotator, *item, *label, *gold;
    size_t annotator_len, item_len, label_len, gold_len;
    char shown_left;
    int ranking;
    double timestamp, duration;
    const char *file;
    long line;
} pmx_plain;

typedef enum pmx_plain_kind {
    PMX_PLAIN_NONE = 0, /* no row read: call pm_records_next (end of file, a line that is not
                           plain, another format, an unready reader) */
    PMX_PLAIN_ROW,      /* *row holds the next row, its annotator, item and label not empty and
                           shown_left 0, 'A' or 'B' (assess checks no more of it) */
    PMX_PLAIN_RECORD    /* *rec holds it, read the general way (as pm_records_next) */
} pmx_plain_kind;

/* A record as a row: the lengths of its annotator, label and gold counted,
 * and its item's when item_len (else 0). */
void pmx_plain_from_record(const pm_record *r, int item_len, pmx_plain *f);
/* For the tests: every line of r read by pm_csv_next (a line with a quote
 * by the byte-state scan), never split in place, so that the plain path
 * can be compared with a reading that shares none of it. */
void pmx_records_no_split(pm_records *r);
/* 1 when r's rows may come through pmx_records_plain: an open csv or tsv
 * log of the annotator,item,label[,...] shape. */
int pmx_records_plain_ok(const pm_records *r);
/* The next row of r, as above; its counts (rows read, used, skipped) are
 * kept as pm_records_next keeps them. On an error r is done, as with
 * pm_records_next. */
pm_status pmx_records_plain(pm_records *r, pmx_plain *row, pm_record *rec, pmx_plain_kind *kind,
                            pm_error *err);

#endif
