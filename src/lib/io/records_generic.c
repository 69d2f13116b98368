/*
** The generic long format's row semantics, shared by the CSV/TSV and JSONL
** readers: required columns, the pairwise shapes and the canonical label.
**
**   annotator,item,label[,gold,timestamp,duration]   any category labels
**   ... plus shown_left                                pairwise: label A|B|tie
**                                                      or left|right
**   worker,left,right,label                            crowd-kit pairwise:
**                                                      label = winning id
*/
#include <math.h>
#include <string.h>

#include "io/records_internal.h"

pm_status pmx_generic_check_columns(pm_records *r, long line, pm_error *err)
{
    const int *c = r->col;
    int ids = c[PMX_COL_LEFT] >= 0 || c[PMX_COL_RIGHT] >= 0;
    if (c[PMX_COL_ANNOTATOR] < 0)
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "missing column 'annotator' (or 'worker', 'performer')");
    if (c[PMX_COL_LABEL] < 0)
        return pm_error_at(err, PM_EPARSE, r->name, line, 0, "missing column 'label'");
    if (ids) {
        if (c[PMX_COL_LEFT] < 0 || c[PMX_COL_RIGHT] < 0)
            return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                               "column '%s' without '%s': the pairwise shape is "
                               "worker,left,right,label",
                               c[PMX_COL_LEFT] < 0 ? "right" : "left",
                               c[PMX_COL_LEFT] < 0 ? "left" : "right");
        if (c[PMX_COL_ITEM] >= 0 || c[PMX_COL_SHOWN_LEFT] >= 0)
            return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                               "columns left,right (pairwise ids) cannot be combined with "
                               "'%s': give either item[,shown_left] or left,right",
                               c[PMX_COL_ITEM] >= 0 ? "item" : "shown_left");
    } else if (c[PMX_COL_ITEM] < 0) {
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "missing column 'item' (or 'task', or the pair 'left','right')");
    }
    r->pair_ids = ids;
    return PM_OK;
}

static int has(const pmx_row *row, int c)
{
    return row->v[c] != NULL && row->v[c][0] != '\0';
}

/* key's message: the field is empty or not UTF-8. Out of line, so that
 * the check itself is a few inline instructions per key. */
static pm_status bad_key(const pm_records *r, const pmx_row *row, int c, long line, pm_error *err)
{
    if (!has(row, c))
        return pm_error_at(err, PM_EPARSE, r->name, line, row->col[c],
                           "field '%s' is empty: every row needs one", pmx_column_name(c));
    return pmx_check_key(r, pmx_column_name(c), row->v[c], row->len[c], line, row->col[c], err);
}

/* A key field: present, and UTF-8 unless the CSV reader saw the row as
 * plain ASCII. */
static inline pm_status key(const pm_records *r, const pmx_row *row, int c, long line,
                            pm_error *err)
{
    if (has(row, c) && (row->ascii || pmx_utf8_bad(row->v[c], row->len[c]) == 0))
        return PM_OK;
    return bad_key(r, row, c, line, err);
}

/* crowd-kit pairwise: the item is the unordered pair, A the smaller id. */
static pm_status pair_ids(pm_records *r, const pmx_row *row, long line, pm_record *out,
                          pm_error *err)
{
    pm_status st;
    if ((st = key(r, row, PMX_COL_LEFT, line, err)) || (st = key(r, row, PMX_COL_RIGHT, line, err)))
        return st;
    const char *l = row->v[PMX_COL_LEFT], *rt = row->v[PMX_COL_RIGHT];
    int cmp = strcmp(l, rt);
    if (cmp == 0)
        return pm_error_at(err, PM_EPARSE, r->name, line, row->col[PMX_COL_RIGHT],
                           "field 'right': same id '%s' as 'left': not a pair", rt);
    const char *a = cmp < 0 ? l : rt, *b = cmp < 0 ? rt : l;
    if (pmx_buf_set(&r->key, a, strlen(a)) || pmx_buf_add(&r->key, "|", 1) ||
        pmx_buf_add(&r->key, b, strlen(b)))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    out->item = r->key.s;
    out->shown_left = cmp < 0 ? 'A' : 'B';
    const int cols[2] = {PMX_COL_LABEL, PMX_COL_GOLD};
    const char **dst[2] = {&out->label, &out->gold};
    for (int i = 0; i < 2; i++) {
        if (!has(row, cols[i]))
            continue;
        const char *w = row->v[cols[i]];
        if (strcmp(w, a) == 0)
            *dst[i] = "A";
        else if (strcmp(w, b) == 0)
            *dst[i] = "B";
        else if (pmx_strieq(w, "tie"))
            *dst[i] = "tie";
        else
            return pm_error_at(err, PM_EPARSE, r->name, line, row->col[cols[i]],
                               "field '%s': '%s' is neither left '%s' nor right '%s' (nor tie): "
                               "in the worker,left,right,label shape the label is the winning id",
                               pmx_column_name(cols[i]), w, l, rt);
    }
    return PM_OK;
}

/* pmx_pairwise_word with the canonical one-letter spellings inline. */
static inline const char *pairwise_word(const char *s)
{
    if ((s[0] == 'A' || s[0] == 'B') && s[1] == '\0')
        return s[0] == 'A' ? "A" : "B";
    return pmx_pairwise_word(s);
}

/* Item orientation through shown_left. */
static pm_status oriented(pm_records *r, const pmx_row *row, long line, pm_record *out,
                          pm_error *err)
{
    if (has(row, PMX_COL_SHOWN_LEFT)) {
        const char *w = pairwise_word(row->v[PMX_COL_SHOWN_LEFT]);
        if (!w || (w[0] != 'A' && w[0] != 'B'))
            return pm_error_at(err, PM_EPARSE, r->name, line, row->col[PMX_COL_SHOWN_LEFT],
                               "field 'shown_left': '%s' is not A or B",
                               row->v[PMX_COL_SHOWN_LEFT]);
        out->shown_left = w[0];
    }
    const int cols[2] = {PMX_COL_LABEL, PMX_COL_GOLD};
    const char **dst[2] = {&out->label, &out->gold};
    for (int i = 0; i < 2; i++) {
        if (!has(row, cols[i]))
            continue;
        const char *w = pairwise_word(row->v[cols[i]]);
        if (!w)
            return pm_error_at(err, PM_EPARSE, r->name, line, row->col[cols[i]],
                               "field '%s': '%s' is not A, B, tie, left or right (the file has a "
                               "shown_left column, so its labels are pairwise preferences)",
                               pmx_column_name(cols[i]), row->v[cols[i]]);
        if (w[0] == 'l' || w[0] == 'r') {
            if (i == 1)
                return pm_error_at(err, PM_EPARSE, r->name, line, row->col[cols[i]],
                                   "field 'gold': '%s' is a screen side; give gold as A, B or tie",
                                   row->v[cols[i]]);
            if (!out->shown_left)
                return pm_error_at(err, PM_EPARSE, r->name, line, row->col[cols[i]],
                                   "field 'label': '%s' is a screen side but this row has no "
                                   "shown_left (A or B) to map it to the item's orientation",
                                   row->v[cols[i]]);
            w = (w[0] == 'l') == (out->shown_left == 'A') ? "A" : "B";
        }
        *dst[i] = w;
    }
    return PM_OK;
}

static pm_status number(const pm_records *r, const pmx_row *row, int c, long line, double *v,
                        pm_error *err)
{
    *v = NAN;
    if (!has(row, c))
        return PM_OK;
    int bad = c == PMX_COL_TIMESTAMP ? pmx_parse_time_n(row->v[c], row->len[c], v)
                                     : -(pmx_parse_number_n(row->v[c], row->len[c], v) || *v < 0);
    if (bad > 0) /* a well-formed time that does not exist (2024-02-30) */
        return pm_error_at(err, PM_EPARSE, r->name, line, row->col[c],
                           "field '%s': '%s' is not a possible time: %s", pmx_column_name(c),
                           row->v[c], pmx_time_problem(bad));
    if (bad)
        return pm_error_at(err, PM_EPARSE, r->name, line, row->col[c], "field '%s': '%s' is not %s",
                           pmx_column_name(c), row->v[c],
                           c == PMX_COL_TIMESTAMP
                               ? "an ISO 8601 time (2024-05-01T12:00:00Z) or epoch seconds"
                               : "a duration in seconds (a decimal number >= 0)");
    return PM_OK;
}

pm_status pmx_generic_record(pm_records *r, const pmx_row *row, long line, pm_record *out, int *use,
                             pm_error *err)
{
    pm_status st;
    *use = 0;
    memset(out, 0, sizeof *out);
    out->file = r->name;
    out->line = line;
    r->stats.rows_read++;
    if ((st = key(r, row, PMX_COL_ANNOTATOR, line, err)))
        return st;
    out->annotator = row->v[PMX_COL_ANNOTATOR];
    if (!has(row, PMX_COL_LABEL)) {
        r->stats.skipped[PM_RECORDS_SKIP_EMPTY_LABEL]++;
        return PM_OK;
    }
    if ((st = key(r, row, PMX_COL_LABEL, line, err)) ||
        (has(row, PMX_COL_GOLD) && (st = key(r, row, PMX_COL_GOLD, line, err))))
        return st;
    if (r->pair_ids) {
        st = pair_ids(r, row, line, out, err);
    } else {
        if ((st = key(r, row, PMX_COL_ITEM, line, err)))
            return st;
        out->item = row->v[PMX_COL_ITEM];
        if (r->col[PMX_COL_SHOWN_LEFT] >= 0) {
            st = oriented(r, row, line, out, err);
        } else {
            out->label = row->v[PMX_COL_LABEL];
            out->gold = has(row, PMX_COL_GOLD) ? row->v[PMX_COL_GOLD] : NULL;
        }
    }
    if (st || (st = number(r, row, PMX_COL_TIMESTAMP, line, &out->timestamp, err)) ||
        (st = number(r, row, PMX_COL_DURATION, line, &out->duration, err)))
        return st;
    if (!out->gold)
        out->gold = pmx_gold_get(&r->gold, out->item);
    r->stats.rows_used++;
    *use = 1;
    return PM_OK;
}
