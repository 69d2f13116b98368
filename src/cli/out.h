/*
** prefmon CLI — tables written as aligned text, CSV or JSON.
**
** Ownership: the table copies every string it is given; out_free frees all.
** JSON (built with jansson): a table declared single-row is written as one object, otherwise as
** an array of objects; NaN and infinities become null in JSON (and "nan",
** "inf" in text and CSV). Numbers are written in CSV and JSON with the
** fewest digits that read back as the same double (pm_fmt_double), and with
** 6 significant digits in the text table.
** Text cells: in CSV guarded when a spreadsheet would run them ('=x,
** pm_csv_guard, reversible) and quoted per RFC 4180; in JSON exact; in the
** text table (and its notes) control bytes are escaped (pm_text_escape) so
** that a name cannot act on the terminal or split a row.
*/
#ifndef PREFMON_OUT_H
#define PREFMON_OUT_H

#include <stddef.h>
#include <stdio.h>

typedef enum out_format { OUT_TABLE = 0, OUT_CSV = 1, OUT_JSON = 2 } out_format;

typedef struct out_table out_table;

/* single: 1 to write the (one) row as a JSON object / a vertical text table. */
out_table *out_new(int single);
void out_free(out_table *t);

/* Declare a column (before the first row). */
void out_col(out_table *t, const char *name);
/* Room for `rows` more rows, made at once (after the columns), so that a
 * large table holds its cells and no doubling's spare room; a hint only. */
void out_reserve(out_table *t, size_t rows);
/* Start a row; then one cell per declared column, in order. */
void out_row(out_table *t);
void out_str(out_table *t, const char *s);
/* A number given as its exact decimal text ("-0.50", money): written as is
 * in CSV (a number, never guarded), a string in JSON, text in the table. */
void out_decimal(out_table *t, const char *s);
void out_num(out_table *t, double v);
void out_int(out_table *t, long long v);
void out_bool(out_table *t, int v);
void out_null(out_table *t);

/* The narrow view of the text table: the comma-separated columns a person
 * acts on, in the order shown, then optionally '|' and the parameter
 * columns ("annotator,pairs,eta_hat,action?|alpha,delta"); a name ending in
 * '?' is dropped, right to left, when the terminal is too narrow, after
 * long text has been cut to TEXT_CUT characters. A parameter whose value is
 * the same on every row is written once as a note above the table
 * ("alpha=0.05"). A table without a view shows every column that varies
 * (the constant ones as parameters), dropping from the right all but the
 * first as needed. If a row is still too wide, the widest text column is
 * cut ("..") and a note says so; the count of hidden columns is noted. The
 * width is the terminal's, or 100 when stdout is not a terminal. Numbers
 * have 4 significant digits (whole numbers from 10^4 on). The view does not
 * apply to CSV, JSON, --wide or --columns. Call before out_write. */
void out_view(out_table *t, const char *list);

/* Display settings of the process, set once from --wide and --columns.
 * wide: every column with 6 significant digits (the text table as it was).
 * columns: NULL, or a comma-separated list of columns written, in that
 * order, in every format (the list is borrowed and must outlive the writes). */
void out_set_display(int wide, const char *columns);
/* The first name of --columns that t does not have, copied into buf (size
 * bytes); NULL when every name is a column of t (or there is no list). */
const char *out_unknown_column(const out_table *t, char *buf, size_t size);

/* Comment lines written before a text table ("# ...") — what the figures
 * depend on. Ignored in CSV and JSON, where every row carries its
 * parameters as columns. */
void out_note(out_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 0 on success, -1 on a write error or if the table was built wrongly
 * (a row with the wrong number of cells, out of memory). Every column; a
 * text table with 6 significant digits (files a command writes beside its
 * output: curves, tables, summaries). */
int out_write(const out_table *t, out_format fmt, FILE *fp);
/* As out_write, for a command's main output: as the person asked
 * (out_set_display): the narrow view (out_view) unless --wide, and only
 * the --columns when given (-1 if t lacks one: check out_unknown_column). */
int out_write_view(const out_table *t, out_format fmt, FILE *fp);

/* CSV of a table too big to hold whole, a block of rows at a time: the
 * rows added since out_clear_rows, as out_write_view writes them (the
 * --columns only), with the header line when `header`. 0 or -1. */
int out_write_part(const out_table *t, FILE *fp, int header);
/* Drop the rows (the columns, view and notes stay). */
void out_clear_rows(out_table *t);

/* The table as a jansson value (an object when single and one row, else an
 * array of objects), for composing larger documents; NULL if the table was
 * built wrongly or memory ran out. The caller owns the reference. */
struct json_t *out_json(const out_table *t);
/* out_json with --columns applied (the table's own JSON without it); the
 * caller checks the names first (cli_check_columns). */
struct json_t *out_json_view(const out_table *t);
/* Write a jansson value as out_write writes JSON (indent 2, reals in their
 * shortest round-trip form, a final newline); 0 or -1. */
int out_write_json(const struct json_t *v, FILE *fp);

#endif
