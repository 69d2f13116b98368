/* prefmon CLI — side files (plan's key lists and gold keys, pay's MTurk
 * assignment map, annotator-name lists) read with the library's CSV reader
 * (prefmon/csv.h): RFC 4180, TSV or whole lines, records bounded at
 * CLI_CSV_MAX bytes, "file:line:col" errors. Ownership: the reader owns its
 * file; fields are borrowed until the next cli_csv_next or cli_csv_close. */
#ifndef PREFMON_CLI_CSV_H
#define PREFMON_CLI_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "prefmon/csv.h"
#include "prefmon/status.h"

/* Longest record read (bytes). */
#define CLI_CSV_MAX ((size_t)1 << 20)

typedef struct cli_csv {
    FILE *fp;
    const char *name; /* borrowed: the path, for messages */
    pm_csv *r;
    const pm_csv_field *f; /* the current record's fields */
    size_t nf;
    long rec_line; /* the line the current record started on */
} cli_csv;

/* Open path in a dialect (sep 0: whole lines; quoting: RFC 4180 quotes).
 * PM_EIO with the reason. A UTF-8 BOM is skipped. */
pm_status cli_csv_open(cli_csv *c, const char *path, char sep, int quoting, pm_error *err);
void cli_csv_close(cli_csv *c);
/* The next record (*got = 0 at the end); blank lines are skipped. Errors:
 * PM_EPARSE "file:line:col: what", PM_ELIMIT past CLI_CSV_MAX, PM_EIO. */
pm_status cli_csv_next(cli_csv *c, int *got, pm_error *err);
/* Field i of the current record, or NULL. */
const char *cli_csv_field(const cli_csv *c, size_t i);
size_t cli_csv_nfields(const cli_csv *c);
/* Index of the column named name (ASCII case-insensitive), or -1. */
long cli_csv_column(const cli_csv *c, const char *name);

/* A list of keys: a CSV or TSV (a TAB on the first line) whose header has a
 * column named "item" (*col is its index; the header is consumed), else,
 * without such a header, every line from the first is data: the whole line
 * (first_field = 0) or its first CSV/TSV field (first_field = 1, *col = 0).
 * The dialect is decided from the first line as buffered, so a pipe works. */
pm_status cli_keys_open(cli_csv *c, const char *path, int first_field, long *col, pm_error *err);

#endif
