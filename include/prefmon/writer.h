/*
** prefmon — where writers put their bytes: a callback, so that a binding or
** a server writes to its own buffer, socket or string builder instead of a
** FILE*.
**
** Every writer of the library that takes a FILE* (pm_assess_save_json, the
** payment writers) has a `_to` form taking a pm_writer; the FILE* form is a
** thin wrapper (pm_writer_file) that also flushes and checks the stream.
** pm_writer_buffer collects the bytes in memory.
**
** Ownership: a pm_writer is a plain value holding the caller's callback and
** context; the library never frees ctx. A pm_buffer is caller-owned; its
** data is allocated by the library (malloc/realloc) and released with
** pm_buffer_free.
*/
#ifndef PREFMON_WRITER_H
#define PREFMON_WRITER_H

#include <stddef.h>
#include <stdio.h>

#include "prefmon/export.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/** A byte sink: write(ctx, p, n) takes all n bytes and returns 0, or
 *  returns non-zero on failure (the library then stops with PM_EIO). */
typedef struct pm_writer {
    int (*write)(void *ctx, const char *p, size_t n);
    void *ctx;
} pm_writer;

/** A writer to fp (fwrite; fails on a short write). The caller owns fp. */
PM_API pm_writer pm_writer_file(FILE *fp);

/** Bytes collected in memory: data[0..len), always followed by a NUL once
 *  anything was written (data is NULL before). Zero-initialise it. */
typedef struct pm_buffer {
    char *data;
    size_t len;
    size_t cap;
} pm_buffer;

/** A writer appending to b (fails, leaving b as it was, when memory runs
 *  out). */
PM_API pm_writer pm_writer_buffer(pm_buffer *b);

/** Free b's data and zero it. NULL is a no-op. */
PM_API void pm_buffer_free(pm_buffer *b);

/** Write p[0..n) through w: PM_OK, or PM_EIO "write error" when the
 *  callback fails; PM_EINVAL for a writer without a callback. */
PM_API pm_status pm_write(const pm_writer *w, const char *p, size_t n, pm_error *err);

PM_END_DECLS

#endif
