/*
** The column map of the generic formats (pm_records_options.map):
** "annotator=participant_id,item=task_id,..." names the header column (or
** JSONL key) of each field, so that a platform's export is read as it is,
** without renaming its columns first. Also the bounded list of a header's
** columns that the messages show when a header does not fit.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/records_internal.h"

/* Columns shown in a message before "... (N more)". */
#define LIST_MAX 24

static int field_of(const char *s, size_t n)
{
    for (int c = 0; c < PMX_COL_N; c++) {
        const char *w = pmx_column_name(c);
        if (strlen(w) == n && memcmp(w, s, n) == 0)
            return c;
    }
    return -1;
}

static size_t trim(const char **s, size_t n)
{
    while (n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        n--;
    }
    while (n && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t'))
        n--;
    return n;
}

/* Case-insensitive equality of name[0..len) (blanks around it dropped) and w. */
static int same(const char *name, size_t len, const char *w)
{
    len = trim(&name, len);
    size_t i = 0;
    for (; i < len && w[i]; i++) {
        unsigned char a = (unsigned char)name[i], b = (unsigned char)w[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return i == len && w[i] == '\0';
}

pm_status pmx_map_parse(pm_records *r, const char *map, pm_error *err)
{
    const char *p = map;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        if (!eq)
            return pm_error_set(err, PM_EINVAL,
                                "column map: '%.*s' is not field=column (e.g. "
                                "annotator=participant_id)",
                                (int)n, p);
        const char *f = p, *col = eq + 1;
        size_t fn = trim(&f, (size_t)(eq - p)), cn = trim(&col, n - (size_t)(eq + 1 - p));
        int c = field_of(f, fn);
        if (c < 0)
            return pm_error_set(err, PM_EINVAL,
                                "column map: unknown field '%.*s' (fields: annotator, item, label, "
                                "gold, timestamp, duration, shown_left, left, right)",
                                (int)fn, f);
        if (cn == 0 || memchr(col, '=', cn))
            return pm_error_set(err, PM_EINVAL, "column map: field '%s' needs one column name",
                                pmx_column_name(c));
        if (r->map_col[c])
            return pm_error_set(err, PM_EINVAL, "column map: field '%s' is given twice",
                                pmx_column_name(c));
        for (int d = 0; d < PMX_COL_N; d++)
            if (r->map_col[d] && same(col, cn, r->map_col[d]))
                return pm_error_set(err, PM_EINVAL,
                                    "column map: column '%s' is mapped to both '%s' and '%s'",
                                    r->map_col[d], pmx_column_name(d), pmx_column_name(c));
        if (!(r->map_col[c] = malloc(cn + 1)))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        memcpy(r->map_col[c], col, cn);
        r->map_col[c][cn] = '\0';
        if (!end)
            break;
        p = end + 1;
    }
    return PM_OK;
}

void pmx_map_free(pm_records *r)
{
    for (int c = 0; c < PMX_COL_N; c++) {
        free(r->map_col[c]);
        r->map_col[c] = NULL;
    }
}

int pmx_map_column(const pm_records *r, const char *name, size_t len)
{
    int mapped = 0;
    for (int c = 0; c < PMX_COL_N; c++) {
        if (!r->map_col[c])
            continue;
        mapped = 1;
        if (same(name, len, r->map_col[c]))
            return c;
    }
    int c = pmx_column_of(name, len);
    if (mapped && c >= 0 && r->map_col[c])
        return -1;
    return c;
}

int pmx_list_columns(pmx_buf *b, const pm_csv_field *f, size_t nf)
{
    for (size_t i = 0; i < nf && i < LIST_MAX; i++)
        if ((i && pmx_buf_add(b, ", ", 2)) || pmx_buf_add(b, f[i].s, f[i].len))
            return -1;
    if (nf > LIST_MAX) {
        char more[48];
        snprintf(more, sizeof more, " ... (%zu more)", nf - LIST_MAX);
        if (pmx_buf_add(b, more, strlen(more)))
            return -1;
    }
    return 0;
}

pm_status pmx_map_check_header(const pm_records *r, const pm_csv_field *f, size_t nf, long line,
                               pm_error *err)
{
    for (int c = 0; c < PMX_COL_N; c++) {
        if (!r->map_col[c] || r->col[c] >= 0)
            continue;
        pmx_buf b = {0};
        int bad = pmx_buf_set(&b, "", 0) || pmx_list_columns(&b, f, nf);
        pm_status st =
            bad ? pm_error_set(err, PM_ENOMEM, "out of memory")
                : pm_error_at(err, PM_EPARSE, r->name, line, 0,
                              "column map: no column '%s' (for %s) in the header; its columns are: "
                              "%s",
                              r->map_col[c], pmx_column_name(c), b.s);
        pmx_buf_free(&b);
        return st;
    }
    return PM_OK;
}
