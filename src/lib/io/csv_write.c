/*
** The one CSV cell writer (prefmon/csv.h): every CSV the library writes
** (payments, uploads, plan queues, label logs) goes through it, so that a
** text cell a spreadsheet would run is guarded the same reversible way
** everywhere (pm_csv_guard, core/text.c) and quoted per RFC 4180.
*/
#include <string.h>

#include "prefmon/csv.h"
#include "prefmon/text.h"

/* Bytes that force RFC 4180 quoting: separator, quote, line ends. */
static int needs_quotes(const char *s)
{
    return strpbrk(s, ",\"\r\n") != NULL;
}

/* Bytes of a cell staged and flushed through the writer in blocks. */
typedef struct stage {
    const pm_writer *w;
    size_t n;
    int bad;
    char buf[512];
} stage;

static void stage_flush(stage *g)
{
    if (g->n && !g->bad)
        g->bad = g->w->write(g->w->ctx, g->buf, g->n) != 0;
    g->n = 0;
}

static void stage_put(stage *g, char c)
{
    if (g->n == sizeof g->buf)
        stage_flush(g);
    g->buf[g->n++] = c;
}

pm_status pm_csv_write_cell_to(const pm_writer *w, const char *text, pm_error *err)
{
    if (!w || !w->write)
        return pm_error_set(err, PM_EINVAL, "writer without a write callback");
    const char *s = text ? text : "";
    /* The guard is one leading quote (core/text.c): writing it before the
     * cell is pm_csv_guard without a copy of a possibly long cell. */
    int guard = pm_csv_needs_guard(s);
    int quote = guard || needs_quotes(s);
    stage g = {.w = w};
    if (quote)
        stage_put(&g, '"');
    if (guard)
        stage_put(&g, '\'');
    for (; *s; s++) {
        if (*s == '"')
            stage_put(&g, '"');
        stage_put(&g, *s);
    }
    if (quote)
        stage_put(&g, '"');
    stage_flush(&g);
    return g.bad ? pm_error_set(err, PM_EIO, "write error") : PM_OK;
}

pm_status pm_csv_write_cell(FILE *fp, const char *text, pm_error *err)
{
    pm_writer w = pm_writer_file(fp);
    return pm_csv_write_cell_to(&w, text, err);
}
