/* prefmon CLI — a small RFC 4180 / TSV / line reader for side files (see
 * cli_csv.c). Ownership: the reader owns its buffer and file; fields are
 * borrowed until the next cli_csv_next or cli_csv_close. */
#ifndef PREFMON_CLI_CSV_H
#define PREFMON_CLI_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "prefmon/status.h"

/* Longest record read (bytes). */
#define CLI_CSV_MAX ((size_t)1 << 20)

typedef struct cli_csv {
    FILE *fp;
    const char *name; /* borrowed: the path, for messages */
    char sep;         /* field separator; 0: the whole line is one field */
    int quoting;      /* RFC 4180 quotes */
    char *buf;        /* the record's fields, each NUL-terminated */
    size_t len, cap, max, field_start;
    size_t *start; /* offsets of the fields in buf */
    size_t nf, capf;
    long line, col; /* position of the last byte read */
    long rec_line;  /* the line the current record started on */
} cli_csv;

/* Open path (PM_EIO with the reason). A UTF-8 BOM is skipped. */
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
 * (first_field = 0) or its first CSV/TSV field (first_field = 1, *col = 0). */
pm_status cli_keys_open(cli_csv *c, const char *path, int first_field, long *col, pm_error *err);

#endif
