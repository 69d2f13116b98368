/* A line reader whose memory is bounded by its line limit (see lines.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/lines.h"

/* First buffer size; doubled up to max + 1 (room for the NUL). */
#define LINES_FIRST_CAP 256

void pmx_lines_init(pmx_lines *lr, FILE *fp, const char *name, size_t max)
{
    *lr = (pmx_lines){.fp = fp, .name = name, .max = max ? max : 1};
}

void pmx_lines_free(pmx_lines *lr)
{
    free(lr->buf);
    lr->buf = NULL;
    lr->cap = 0;
}

/* Room for len + 1 bytes (line and NUL), never more than max + 1. */
static int reserve(pmx_lines *lr, size_t len)
{
    if (len + 1 <= lr->cap)
        return 1;
    size_t cap = lr->cap ? 2 * lr->cap : LINES_FIRST_CAP;
    if (cap > lr->max + 1)
        cap = lr->max + 1;
    char *b = realloc(lr->buf, cap);
    if (!b)
        return 0;
    lr->buf = b;
    lr->cap = cap;
    return 1;
}

static pm_status next_locked(pmx_lines *lr, const char **line, size_t *len, pm_error *err)
{
    size_t n = 0;
    long no = lr->lineno + 1;
    int c;
    *line = NULL;
    *len = 0;
    errno = 0;
    while ((c = getc_unlocked(lr->fp)) != EOF && c != '\n') {
        if (n == lr->max)
            return pm_error_at(err, PM_ELIMIT, lr->name, no, (long)n + 1,
                               "line %ld longer than %zu bytes", no, lr->max);
        if (c == '\0')
            return pm_error_at(err, PM_EPARSE, lr->name, no, (long)n + 1, "NUL byte in line");
        if (!reserve(lr, n + 1))
            return pm_error_at(err, PM_ENOMEM, lr->name, no, 0,
                               "out of memory for a line of %zu bytes", n + 1);
        lr->buf[n++] = (char)c;
    }
    if (c == EOF && ferror(lr->fp))
        return pm_error_at(err, PM_EIO, lr->name, no, 0, "read error: %s",
                           strerror(errno ? errno : EIO));
    if (c == EOF && n == 0)
        return PM_OK; /* end of stream */
    if (!reserve(lr, n))
        return pm_error_at(err, PM_ENOMEM, lr->name, no, 0, "out of memory");
    lr->buf[n] = '\0';
    lr->lineno = no;
    *line = lr->buf;
    *len = n;
    return PM_OK;
}

pm_status pmx_lines_next(pmx_lines *lr, const char **line, size_t *len, pm_error *err)
{
    /* One lock for the line, getc_unlocked per byte: the per-byte lock of
     * getc makes a 64 MiB line several times slower. */
    flockfile(lr->fp);
    pm_status st = next_locked(lr, line, len, err);
    funlockfile(lr->fp);
    return st;
}
