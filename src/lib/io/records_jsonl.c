/*
** The generic long format as JSON Lines: one object per line with the
** same keys as the CSV header (annotator|worker|performer, item|task,
** label, gold, timestamp, duration, shown_left, or worker,left,right,label).
** Values are strings or numbers (ids printed as integers, others with
** %.17g); null means absent. Unknown keys are ignored. Lines are read by
** the bounded line reader (max_line), so a line never costs more memory.
*/
#include <stdio.h>
#include <string.h>

#include "io/records_internal.h"

pm_status pmx_jsonl_start(pm_records *r, pm_error *err)
{
    pm_csv_dialect(r->csv, '\0', 0);
    r->ignored.len = 0;
    return PM_OK;
}

static int blank(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    return *s == '\0';
}

/* Field c of the row from value v; numbers go to r->num[slot]. */
static pm_status take(pm_records *r, pmx_row *row, int c, json_t *v, const char *name, long line,
                      int *slot, pm_error *err)
{
    if (json_is_null(v))
        return PM_OK;
    if (json_is_string(v)) {
        row->v[c] = json_string_value(v);
        row->len[c] = json_string_length(v);
        if (memchr(row->v[c], '\0', row->len[c]))
            return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                               "key '%s': the string contains a NUL character (\\u0000)", name);
        return PM_OK;
    }
    if (!json_is_number(v) || *slot >= PMX_COL_N)
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "key '%s': expected a string or a number", name);
    char *b = r->num[(*slot)++];
    if (json_is_integer(v))
        snprintf(b, sizeof r->num[0], "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else
        snprintf(b, sizeof r->num[0], "%.17g", json_real_value(v));
    row->v[c] = b;
    row->len[c] = strlen(b);
    return PM_OK;
}

static pm_status parse_line(pm_records *r, const pm_csv_field *f, long line, pmx_row *row,
                            pm_error *err)
{
    json_error_t je;
    json_decref(r->line_json);
    r->line_json = json_loadb(f->s, f->len, JSON_REJECT_DUPLICATES, &je);
    if (!r->line_json)
        return pm_error_at(err, PM_EPARSE, r->name, line, je.column > 0 ? je.column : 0,
                           "not a JSON object: %s", je.text);
    if (!json_is_object(r->line_json))
        return pm_error_at(err, PM_EPARSE, r->name, line, 1,
                           "a JSON Lines record must be an object {...}");
    memset(row, 0, sizeof *row);
    const char *k;
    json_t *v;
    const char *seen[PMX_COL_N] = {0};
    int slot = 0;
    pm_status st;
    for (int c = 0; c < PMX_COL_N; c++)
        r->col[c] = -1;
    json_object_foreach(r->line_json, k, v)
    {
        int c = pmx_map_column(r, k, strlen(k));
        if (c < 0)
            continue;
        if (seen[c])
            return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                               "keys '%s' and '%s' both give the %s; keep one", seen[c], k,
                               pmx_column_name(c));
        seen[c] = k;
        r->col[c] = c;
        if ((st = take(r, row, c, v, k, line, &slot, err)))
            return st;
    }
    return pmx_generic_check_columns(r, line, err);
}

pm_status pmx_jsonl_record(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    for (;;) {
        pmx_csv_row in;
        pm_status st = pmx_next_row(r, got, &in, err);
        if (st || !*got)
            return st;
        const pm_csv_field *f = in.f;
        long line = in.line;
        if (blank(f[0].s))
            continue;
        pmx_row row;
        int use;
        if ((st = parse_line(r, &f[0], line, &row, err)) ||
            (st = pmx_generic_record(r, &row, line, out, &use, err)))
            return st;
        if (use)
            return PM_OK;
    }
}
