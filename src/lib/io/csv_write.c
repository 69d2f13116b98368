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

pm_status pm_csv_write_cell(FILE *fp, const char *text, pm_error *err)
{
    const char *s = text ? text : "";
    /* The guard is one leading quote (core/text.c): writing it before the
     * cell is pm_csv_guard without a copy of a possibly long cell. */
    int guard = pm_csv_needs_guard(s);
    int quote = guard || needs_quotes(s);
    int bad = 0;
    if (quote)
        bad |= fputc('"', fp) == EOF;
    if (guard)
        bad |= fputc('\'', fp) == EOF;
    for (; *s && !bad; s++) {
        if (*s == '"')
            bad |= fputc('"', fp) == EOF;
        bad |= fputc(*s, fp) == EOF;
    }
    if (quote && !bad)
        bad |= fputc('"', fp) == EOF;
    return bad ? pm_error_set(err, PM_EIO, "write error") : PM_OK;
}
