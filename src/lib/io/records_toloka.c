/*
** Toloka's results file (the pool's "Download results" TSV), read by the
** CSV/TSV reader with this header naming. Checked against Toloka's own
** documentation, "Getting responses" (https://toloka.ai/docs/guide/result-of-eval):
** INPUT:<field> the task's input data, OUTPUT:<field> the Toloker's
** response, GOLDEN:<field> the control answer, HINT:text training hints,
** and per task suite ASSIGNMENT:link, ASSIGNMENT:assignment_id,
** ASSIGNMENT:worker_id, ASSIGNMENT:started, ASSIGNMENT:status; and against
** toloka-kit's GetAssignmentsTsvParameters.Field (ASSIGNMENT:task_id,
** task_suite_id, submitted, accepted, rejected, skipped, expired, reward).
** Fields may be quoted (Toloka's TSV escaping: a field in double quotes
** may hold tabs and line ends; "" is a quote), so the file is read as
** tab-separated with RFC 4180 quoting.
**
** Mapping (a column map, pm_records_options.map, overrides any of it):
**   annotator  ASSIGNMENT:worker_id
**   item       the INPUT:* values: one column's value, or with several the
**              values joined by '|' in header order (a content key: the
**              copies of a duplicated task match whatever task id Toloka
**              gave them; ASSIGNMENT:task_id is per copy)
**   label      OUTPUT:result, else the only OUTPUT:* column
**   gold       GOLDEN:<the label's field>
**   timestamp  ASSIGNMENT:submitted, else ASSIGNMENT:started (per task
**              suite: the tasks of one page share it)
**   duration   none: submitted - started is the time of a whole page of
**              tasks, and spreading it over the page's tasks would invent
**              per-task times.
*/
#include <stdlib.h>
#include <string.h>

#include "io/records_internal.h"

static int is(const pm_csv_field *f, const char *w)
{
    return pmx_strieq(f->s, w);
}

static int prefixed(const pm_csv_field *f, const char *p)
{
    size_t n = strlen(p);
    if (f->len <= n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((f->s[i] | 0x20) != (p[i] | 0x20) && f->s[i] != p[i])
            return 0;
    return 1;
}

/* Append the names of the fields with the given prefix, for messages. */
static int names_with(pmx_buf *b, const pm_csv_field *f, size_t nf, const char *p)
{
    int k = 0;
    for (size_t i = 0; i < nf && k < 24; i++)
        if (prefixed(&f[i], p) &&
            ((k++ && pmx_buf_add(b, ", ", 2)) || pmx_buf_add(b, f[i].s, f[i].len)))
            return -1;
    return 0;
}

pm_status pmx_toloka_header(pm_records *r, const pm_csv_field *f, size_t nf, pm_error *err)
{
    long line = f[0].line;
    int started = -1, noutput = 0, output = -1;
    free(r->inputs);
    r->inputs = NULL;
    r->ninputs = 0;
    if (!(r->inputs = malloc((nf ? nf : 1) * sizeof *r->inputs)))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < nf; i++) {
        int c = -1;
        for (int m = 0; m < PMX_COL_N; m++)
            if (r->map_col[m] && pmx_strieq(f[i].s, r->map_col[m]))
                c = m;
        if (c < 0 && is(&f[i], "ASSIGNMENT:worker_id") && !r->map_col[PMX_COL_ANNOTATOR])
            c = PMX_COL_ANNOTATOR;
        else if (c < 0 && is(&f[i], "OUTPUT:result") && !r->map_col[PMX_COL_LABEL])
            c = PMX_COL_LABEL;
        else if (c < 0 && is(&f[i], "ASSIGNMENT:submitted") && !r->map_col[PMX_COL_TIMESTAMP])
            c = PMX_COL_TIMESTAMP;
        if (c >= 0) {
            if (r->col[c] >= 0)
                return pm_error_at(err, PM_EPARSE, r->name, line, f[i].col,
                                   "header: columns '%s' and '%s' both give the %s; keep one",
                                   f[r->col[c]].s, f[i].s, pmx_column_name(c));
            r->col[c] = (int)i;
            continue;
        }
        if (prefixed(&f[i], "OUTPUT:")) {
            noutput++;
            output = (int)i;
        }
        if (is(&f[i], "ASSIGNMENT:started"))
            started = (int)i;
        if (prefixed(&f[i], "INPUT:") && !r->map_col[PMX_COL_ITEM])
            r->inputs[r->ninputs++] = (int)i;
    }
    if (r->col[PMX_COL_TIMESTAMP] < 0 && started >= 0 && !r->map_col[PMX_COL_TIMESTAMP])
        r->col[PMX_COL_TIMESTAMP] = started;
    if (r->col[PMX_COL_LABEL] < 0 && !r->map_col[PMX_COL_LABEL]) {
        if (noutput != 1) {
            pmx_buf b = {0};
            if (pmx_buf_set(&b, "", 0) || names_with(&b, f, nf, "OUTPUT:")) {
                pmx_buf_free(&b);
                return pm_error_set(err, PM_ENOMEM, "out of memory");
            }
            pm_status st = pm_error_at(
                err, PM_EPARSE, r->name, line, 0,
                noutput ? "Toloka results: no OUTPUT:result column and several OUTPUT:* columns "
                          "(%s): name the label's with a column map (--map label=OUTPUT:NAME)"
                        : "Toloka results: no OUTPUT:* column (the Tolokers' responses)%s",
                b.s);
            pmx_buf_free(&b);
            return st;
        }
        r->col[PMX_COL_LABEL] = output;
    }
    /* gold: GOLDEN:<the label column's field>, unless mapped. */
    if (r->col[PMX_COL_GOLD] < 0 && !r->map_col[PMX_COL_GOLD] && r->col[PMX_COL_LABEL] >= 0) {
        const pm_csv_field *l = &f[r->col[PMX_COL_LABEL]];
        const char *field = prefixed(l, "OUTPUT:") ? l->s + 7 : NULL;
        for (size_t i = 0; field && i < nf; i++)
            if (prefixed(&f[i], "GOLDEN:") && pmx_strieq(f[i].s + 7, field))
                r->col[PMX_COL_GOLD] = (int)i;
    }
    /* Listed as ignored once every choice is made: the columns that give
     * no field (an INPUT:* column is part of the item unless mapped). */
    for (size_t i = 0; i < nf; i++) {
        int used = prefixed(&f[i], "INPUT:") && !r->map_col[PMX_COL_ITEM];
        for (int c = 0; c < PMX_COL_N; c++)
            used |= r->col[c] == (int)i;
        if (!used && pmx_ignore_column(r, &f[i], err))
            return PM_ENOMEM;
    }
    if (r->col[PMX_COL_ITEM] < 0 && !r->map_col[PMX_COL_ITEM]) {
        if (r->ninputs == 0)
            return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                               "Toloka results: no INPUT:* column to key the items by; name one "
                               "with a column map (--map item=COLUMN)");
        r->col[PMX_COL_ITEM] = r->inputs[0];
    }
    if (r->col[PMX_COL_ANNOTATOR] < 0 && !r->map_col[PMX_COL_ANNOTATOR])
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "Toloka results: no ASSIGNMENT:worker_id column");
    return PM_OK;
}

pm_status pmx_toloka_item(pm_records *r, const pm_csv_field *f, pmx_row *row, pm_error *err)
{
    if (r->ninputs < 2)
        return PM_OK;
    r->key.len = 0;
    for (int k = 0; k < r->ninputs; k++)
        if ((k && pmx_buf_add(&r->key, "|", 1)) ||
            pmx_buf_add(&r->key, f[r->inputs[k]].s, f[r->inputs[k]].len))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
    row->v[PMX_COL_ITEM] = r->key.s;
    row->len[PMX_COL_ITEM] = r->key.len;
    return PM_OK;
}
