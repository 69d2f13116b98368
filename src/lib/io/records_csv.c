/*
** The generic long format as CSV (RFC 4180) or TSV (no quoting), and
** Toloka's results TSV (quoted, its header named by records_toloka.c): a header
** naming the columns, then one label event per row. Unknown header columns
** are ignored (exports carry batch ids, URLs, free text...) and listed in
** r->ignored for the caller to report once; a name that appears twice, or
** two synonyms of one column, is an error.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv_internal.h"
#include "io/records_internal.h"
#include "io/records_plain.h"
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

/* Lines split ahead at a time: 64 lines of a 7-column log hold 2 KiB of
 * starts and 5 KiB of spans. */
#define PEND_MAX 64

void pmx_records_pend_free(pm_records *r)
{
    free(r->pend);
    free(r->pend_start);
    free(r->pend_span);
    r->pend = NULL;
    r->pend_start = NULL;
    r->pend_span = NULL;
}

/* Room in r->pend_* for PEND_MAX lines of r->ncols fields: 0 when out of
 * memory (lines are then split one by one). */
static int pend_room(pm_records *r)
{
    size_t nf = (size_t)r->ncols;
    if (r->pend && r->pend_cols == nf)
        return 1;
    pmx_records_pend_free(r);
    r->pend = malloc(PEND_MAX * sizeof *r->pend);
    r->pend_start = malloc(PEND_MAX * (nf + 1) * sizeof *r->pend_start);
    r->pend_span = malloc(PEND_MAX * nf * sizeof *r->pend_span);
    r->pend_cols = nf;
    r->pend_n = r->pend_i = 0;
    if (r->pend && r->pend_start && r->pend_span)
        return 1;
    pmx_records_pend_free(r);
    return 0;
}

/* The next line when it is plain and of the header's width (most rows):
 * split where it lies in the reader's block, with no copy of the line and
 * no field array (pmx_csv_next_split). 1 for a row, 2 for a blank line
 * (skipped), 0 for anything else (the general reader takes it and gives
 * its messages). Toloka's item is built from the field array, so it reads
 * every row the general way. */
static int next_line(pm_records *r, pmx_csv_split *row)
{
    size_t need = (size_t)r->ncols + 1;
    if (r->fmt == PM_RECORDS_TOLOKA || r->no_split)
        return 0;
    /* A line split ahead first; else the next lines split at once (a
     * batch's calls and scan set-up were two fifths of reading a plain
     * row), the first taken now. Only once none is left is the reader read
     * again, by either path: the lines split ahead lie in its block. */
    if (r->pend_i < r->pend_n) {
        *row = r->pend[r->pend_i++];
        return 1;
    }
    if (pend_room(r)) {
        r->pend_n = pmx_csv_next_splits(r->csv, (size_t)r->ncols, r->pend_start, r->pend_span,
                                        r->pend, PEND_MAX);
        r->pend_i = 0;
        if (r->pend_n) {
            *row = r->pend[r->pend_i++];
            return 1;
        }
    }
    if (r->nstart < need) {
        uint32_t *s = realloc(r->start, need * sizeof *s);
        if (s)
            r->start = s;
        pmx_csv_span *sp = s ? realloc(r->span, need * sizeof *sp) : NULL;
        if (!sp)
            return 0;
        r->span = sp;
        r->nstart = need;
    }
    return pmx_csv_next_split(r->csv, (size_t)r->ncols, r->start, r->span, row);
}

/* The used columns of a line from next_line, borrowed into cells. */
static void fill_cells(const pm_records *r, const pmx_csv_split *row, pmx_row *cells)
{
    const uint32_t *at = row->start;
    for (int k = 0; k < r->nused; k++) {
        int c = r->used[k], i = r->col[c];
        if (row->span)
            cell(r, cells, c, row->p + row->span[i].at, row->span[i].len,
                 row->col0 + (long)row->span[i].col);
        else
            cell(r, cells, c, row->p + at[i], at[i + 1] - at[i] - 1, row->col0 + (long)at[i]);
    }
    cells->ascii = row->ascii;
}

static int split_row(pm_records *r, pmx_row *cells, long *line)
{
    pmx_csv_split row;
    int got = next_line(r, &row);
    if (got == 1) {
        fill_cells(r, &row, cells);
        *line = row.line;
    }
    return got;
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

/* ---- plain rows (records_plain.h) ---------------------------------------- */

void pmx_plain_from_record(const pm_record *r, int item_len, pmx_plain *f)
{
    *f = (pmx_plain){.annotator = r->annotator,
                     .annotator_len = r->annotator ? strlen(r->annotator) : 0,
                     .item = r->item,
                     .item_len = item_len && r->item ? strlen(r->item) : 0,
                     .label = r->label,
                     .label_len = r->label ? strlen(r->label) : 0,
                     .gold = r->gold,
                     .gold_len = r->gold ? strlen(r->gold) : 0,
                     .shown_left = r->shown_left,
                     .ranking = r->ranking,
                     .timestamp = r->timestamp,
                     .duration = r->duration,
                     .file = r->file,
                     .line = r->line};
}

void pmx_records_no_split(pm_records *r)
{
    r->no_split = 1;
}

int pmx_records_plain_ok(const pm_records *r)
{
    /* (CSV and TSV are neighbours: one compare, once a row) */
    _Static_assert(PM_RECORDS_TSV == PM_RECORDS_CSV + 1, "csv and tsv neighbours");
    return r && r->ready && (unsigned)(r->fmt - PM_RECORDS_CSV) <= 1 && !r->pair_ids;
}

/* Column c of the line: its bytes at *v (NULL when the header has no such
 * column) and their count. */
static inline size_t field(const pm_records *r, const pmx_csv_split *row, int c, const char **v)
{
    int i = r->col[c];
    if (i < 0) {
        *v = NULL;
        return 0;
    }
    if (row->span) {
        *v = row->p + row->span[i].at;
        return row->span[i].len;
    }
    *v = row->p + row->start[i];
    return row->start[i + 1] - row->start[i] - 1;
}

/* "A", "B" or "tie" as the canonical word (of the same length n), else
 * NULL. */
static inline const char *ab_tie(const char *s, size_t n)
{
    if (n == 1 && (s[0] == 'A' || s[0] == 'B'))
        return s[0] == 'A' ? "A" : "B";
    return n == 3 && memcmp(s, "tie", 3) == 0 ? "tie" : NULL;
}

/* The line as a plain row, when it needs nothing pmx_generic_record does
 * beyond taking its fields: every byte ASCII (no UTF-8 check), annotator,
 * item and label present and not guarded, pairwise words already
 * canonical where there is a shown_left column, times and durations that
 * parse. 0 for any other line, which pmx_generic_record then reads with
 * its messages, skips and words. The same fields as it gives. */
static int plain_row(pm_records *r, const pmx_csv_split *row, pmx_plain *out)
{
    if (!row->ascii)
        return 0;
    const int guard = r->fmt == PM_RECORDS_CSV;
    const char *an, *it, *lb, *gd, *v;
    size_t anl = field(r, row, PMX_COL_ANNOTATOR, &an), itl = field(r, row, PMX_COL_ITEM, &it);
    size_t lbl = field(r, row, PMX_COL_LABEL, &lb), gdl = field(r, row, PMX_COL_GOLD, &gd), n;
    if (!anl || !itl || !lbl ||
        (guard && (an[0] == '\'' || it[0] == '\'' || lb[0] == '\'' || (gdl && gd[0] == '\''))))
        return 0;
    out->shown_left = 0;
    if (r->col[PMX_COL_SHOWN_LEFT] >= 0) {
        n = field(r, row, PMX_COL_SHOWN_LEFT, &v);
        if (n && (n != 1 || (v[0] != 'A' && v[0] != 'B')))
            return 0;
        out->shown_left = n ? v[0] : 0;
        if (!(lb = ab_tie(lb, lbl)) || (gdl && !(gd = ab_tie(gd, gdl))))
            return 0;
    }
    out->timestamp = out->duration = NAN;
    if ((n = field(r, row, PMX_COL_TIMESTAMP, &v)) && pmx_parse_time_n(v, n, &out->timestamp))
        return 0;
    if ((n = field(r, row, PMX_COL_DURATION, &v)) &&
        (pmx_parse_number_n(v, n, &out->duration) || out->duration < 0))
        return 0;
    out->annotator = an;
    out->annotator_len = anl;
    out->item = it;
    out->item_len = itl;
    out->label = lb;
    out->label_len = lbl;
    out->gold = gdl ? gd : r->gold.n ? pmx_gold_get(&r->gold, it) : NULL;
    out->gold_len = gdl ? gdl : out->gold ? strlen(out->gold) : 0;
    out->ranking = 0;
    out->file = r->name;
    out->line = row->line;
    return 1;
}

pm_status pmx_records_plain(pm_records *r, pmx_plain *out, pm_record *rec, pmx_plain_kind *kind,
                            pm_error *err)
{
    *kind = PMX_PLAIN_NONE;
    if (!pmx_records_plain_ok(r))
        return PM_OK;
    for (;;) {
        pmx_csv_split row;
        int got = next_line(r, &row);
        if (got == 2)
            continue;
        if (got != 1)
            return PM_OK;
        if (plain_row(r, &row, out)) {
            r->stats.rows_read++;
            r->stats.rows_used++;
            *kind = PMX_PLAIN_ROW;
            return PM_OK;
        }
        int use;
        fill_cells(r, &row, &r->row);
        pm_status st = pmx_generic_record(r, &r->row, row.line, rec, &use, err);
        if (st != PM_OK) {
            r->ready = 0;
            return st;
        }
        if (use) {
            *kind = PMX_PLAIN_RECORD;
            return PM_OK;
        }
    }
}
