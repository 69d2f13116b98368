/*
** The generic long format as CSV (RFC 4180) or TSV (no quoting), and
** Toloka's results TSV (quoted, its header named by records_toloka.c): a header
** naming the columns, then one label event per row. Unknown header columns
** are ignored (exports carry batch ids, URLs, free text...) and listed in
** r->ignored for the caller to report once; a name that appears twice, or
** two synonyms of one column, is an error.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv_internal.h"
#include "io/records_internal.h"
#include "prefmon/text.h"

pm_status pmx_header_unique(const pm_records *r, const pm_csv_field *f, size_t nf, pm_error *err)
{
    for (size_t i = 0; i < nf; i++)
        for (size_t j = 0; j < i; j++)
            if (pmx_strieq(f[i].s, f[j].s))
                return pm_error_at(err, PM_EPARSE, r->name, f[i].line, f[i].col,
                                   "header: column '%s' appears twice (columns %zu and %zu)",
                                   f[i].s, j + 1, i + 1);
    return PM_OK;
}

pm_status pmx_header_fields(pm_records *r, const pm_csv_field **fields, size_t *count,
                            pm_error *err)
{
    int got;
    pm_status st = pm_csv_next(r->csv, &got, err);
    if (st)
        return st;
    if (!got)
        return pm_error_at(err, PM_EPARSE, r->name, 1, 0,
                           "no records: the file is empty (a header line is expected)");
    const pm_csv_field *f = pm_csv_fields(r->csv);
    size_t nf = pm_csv_nfields(r->csv);
    if (nf > PMX_MAX_COLUMNS)
        return pm_error_at(err, PM_ELIMIT, r->name, f[0].line, 0,
                           "header has %zu columns, more than the limit of %d", nf,
                           PMX_MAX_COLUMNS);
    for (int c = 0; c < PMX_COL_N; c++)
        r->col[c] = -1;
    r->ncols = (int)nf;
    *fields = f;
    *count = nf;
    return PM_OK;
}

static pm_status read_header(pm_records *r, pm_error *err)
{
    const pm_csv_field *f;
    size_t nf;
    pm_status st = pmx_header_fields(r, &f, &nf, err);
    if (st)
        return st;
    r->ignored.len = 0;
    if ((st = pmx_header_unique(r, f, nf, err)))
        return st;
    if (r->fmt == PM_RECORDS_TOLOKA)
        st = pmx_toloka_header(r, f, nf, err);
    for (size_t i = 0; i < nf && r->fmt != PM_RECORDS_TOLOKA; i++) {
        int c = pmx_map_column(r, f[i].s, f[i].len);
        if (c < 0) {
            if (pmx_ignore_column(r, &f[i], err))
                return PM_ENOMEM;
            continue;
        }
        if (r->col[c] >= 0)
            return pm_error_at(err, PM_EPARSE, r->name, f[i].line, f[i].col,
                               "header: columns '%s' and '%s' both give the %s; keep one",
                               f[r->col[c]].s, f[i].s, pmx_column_name(c));
        r->col[c] = (int)i;
    }
    if (st)
        return st;
    r->nused = 0;
    memset(&r->row, 0, sizeof r->row);
    for (int c = 0; c < PMX_COL_N; c++)
        if (r->col[c] >= 0)
            r->used[r->nused++] = c;
    st = pmx_map_check_header(r, f, nf, f[0].line, err);
    return st ? st : pmx_generic_check_columns(r, f[0].line, err);
}

pm_status pmx_records_csv_start(pm_records *r, pm_error *err)
{
    if (r->fmt == PM_RECORDS_TSV)
        pm_csv_dialect(r->csv, '\t', 0);
    else if (r->fmt == PM_RECORDS_TOLOKA) /* Toloka quotes a field with tabs or line ends */
        pm_csv_dialect(r->csv, '\t', 1);
    else
        pm_csv_dialect(r->csv, ',', 1);
    return read_header(r, err);
}

/* prefmon's CSV writers guard text cells that start like a formula ('=x,
 * prefmon/text.h); undone here so that a log or a platform export of a plan
 * gives the names and keys back exactly. Numbers are never guarded. (The
 * quote is tested first: a call per cell was 4 % of a row.) */
static inline void cell(const pm_records *r, pmx_row *cells, int c, const char *v, size_t len,
                        long col)
{
    if (v[0] == '\'' && r->fmt == PM_RECORDS_CSV && c != PMX_COL_TIMESTAMP &&
        c != PMX_COL_DURATION) {
        const char *u = pm_csv_unguard(v);
        len -= (size_t)(u - v);
        v = u;
    }
    cells->v[c] = v;
    cells->len[c] = len;
    cells->col[c] = col;
}

/* The next row when it is a plain line of the header's width (most rows):
 * split where it lies in the reader's block and its columns borrowed, with
 * no copy of the line and no field array (pmx_csv_next_split). 1 for a
 * row, 2 for a blank line (skipped), 0 for anything else (the general
 * reader takes it and gives its messages). Toloka's item is built from
 * the field array, so it reads every row the general way. */
static int split_row(pm_records *r, pmx_row *cells, long *line)
{
    size_t need = (size_t)r->ncols + 1;
    if (r->fmt == PM_RECORDS_TOLOKA)
        return 0;
    if (r->nstart < need) {
        uint32_t *s = realloc(r->start, need * sizeof *s);
        if (!s)
            return 0;
        r->start = s;
        r->nstart = need;
    }
    pmx_csv_split row;
    int got = pmx_csv_next_split(r->csv, (size_t)r->ncols, r->start, &row);
    if (got != 1)
        return got;
    const uint32_t *at = r->start;
    for (int k = 0; k < r->nused; k++) {
        int c = r->used[k], i = r->col[c];
        cell(r, cells, c, row.p + at[i], at[i + 1] - at[i] - 1, row.col0 + (long)at[i]);
    }
    cells->ascii = row.ascii;
    *line = row.line;
    return 1;
}

pm_status pmx_records_csv_record(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    for (;;) {
        /* r->row's absent columns stay NULL from the header on. */
        pmx_row *cells = &r->row;
        long line = 0;
        pm_status st;
        int fast = split_row(r, cells, &line);
        if (fast == 2)
            continue;
        if (!fast) {
            pmx_csv_row in;
            if ((st = pmx_next_row(r, got, &in, err)) || !*got)
                return st;
            const pm_csv_field *f = in.f;
            size_t nf = in.nf;
            line = in.line;
            if (nf != (size_t)r->ncols)
                return pm_error_at(
                    err, PM_EPARSE, r->name, line, nf > (size_t)r->ncols ? f[r->ncols].col : 0,
                    "row has %zu fields but the header has %d%s", nf, r->ncols,
                    r->fmt == PM_RECORDS_CSV ? " (a field with a comma must be in double quotes)"
                                             : "");
            for (int k = 0; k < r->nused; k++) {
                int c = r->used[k], i = r->col[c];
                cell(r, cells, c, f[i].s, f[i].len, f[i].col);
            }
            cells->ascii = pmx_csv_ascii(r->csv);
            if (r->fmt == PM_RECORDS_TOLOKA && (st = pmx_toloka_item(r, f, cells, err)))
                return st;
        }
        *got = 1;
        int use;
        if ((st = pmx_generic_record(r, cells, line, out, &use, err)))
            return st;
        if (use)
            return PM_OK;
    }
}
