/*
** Internal: a bounded line reader.
**
** getline() grows its buffer until it meets a newline, so a stream without
** one (/dev/zero, a 1 GB line) takes all the memory there is before a
** length check can run. pmx_lines reads byte by byte into a buffer that
** never grows past max + 1 bytes of line: at the first byte beyond the
** limit it stops and reports the position, without reading further.
** A NUL byte inside a line is refused with its position too (text readers
** would silently cut the line there).
**
** Ownership: the reader borrows fp (the caller opens and closes it) and
** owns its buffer, freed by pmx_lines_free; the line returned by
** pmx_lines_next is borrowed until the next call.
*/
#ifndef PREFMON_CORE_LINES_H
#define PREFMON_CORE_LINES_H

#include <stddef.h>
#include <stdio.h>

#include "prefmon/status.h"

typedef struct pmx_lines {
    FILE *fp;
    const char *name; /* for messages ("name:line:col: ...") */
    size_t max;       /* longest accepted line in bytes, without its '\n' */
    char *buf;
    size_t cap;
    long lineno; /* 1-based number of the line last returned */
} pmx_lines;

/** Start reading fp; name is borrowed (NULL: "<input>"), max >= 1. */
void pmx_lines_init(pmx_lines *lr, FILE *fp, const char *name, size_t max);

/** Free the buffer; the stream stays open. */
void pmx_lines_free(pmx_lines *lr);

/**
 * The next line, without its '\n' (a '\r' stays), NUL-terminated, in
 * *line / *len. Returns PM_OK with *line set, or PM_OK with *line == NULL
 * at the end of the stream (a last line without '\n' is still a line), or
 * fills err: PM_ELIMIT "name:N:C: line N longer than M bytes" (C = M + 1,
 * the first byte over), PM_EPARSE "name:N:C: NUL byte in line", PM_EIO on a
 * read error, PM_ENOMEM.
 */
pm_status pmx_lines_next(pmx_lines *lr, const char **line, size_t *len, pm_error *err);

#endif
