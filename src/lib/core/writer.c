/* pm_writer: byte sinks for every writer of the library (a FILE*, a growing
 * buffer, or the caller's callback). */
#include <stdlib.h>
#include <string.h>

#include "core/batched.h"
#include "prefmon/writer.h"

static int file_write(void *ctx, const char *p, size_t n)
{
    return n > 0 && fwrite(p, 1, n, (FILE *)ctx) != n;
}

pm_writer pm_writer_file(FILE *fp)
{
    pm_writer w = {file_write, fp};
    return w;
}

static int buffer_write(void *ctx, const char *p, size_t n)
{
    pm_buffer *b = ctx;
    if (n > (size_t)-1 - b->len - 1)
        return 1;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap = cap > (size_t)-1 / 2 ? b->len + n + 1 : cap * 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return 1;
        b->data = d;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

pm_writer pm_writer_buffer(pm_buffer *b)
{
    pm_writer w = {buffer_write, b};
    return w;
}

void pm_buffer_free(pm_buffer *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

pm_status pm_write(const pm_writer *w, const char *p, size_t n, pm_error *err)
{
    if (!w || !w->write)
        return pm_error_set(err, PM_EINVAL, "writer without a write callback");
    if (w->write(w->ctx, p, n) != 0)
        return pm_error_set(err, PM_EIO, "write error");
    return PM_OK;
}

int pmx_batch_flush(pmx_batch *b)
{
    if (!b->failed && b->n && b->under->write(b->under->ctx, b->buf, b->n) != 0)
        b->failed = 1;
    b->n = 0;
    return b->failed;
}

static int batch_write(void *ctx, const char *p, size_t n)
{
    pmx_batch *b = ctx;
    if (b->failed)
        return 1;
    if (n > PMX_BATCH_BYTES - b->n) {
        if (pmx_batch_flush(b))
            return 1;
        if (n >= PMX_BATCH_BYTES) /* a big piece goes through as it is */
            return (b->failed = b->under->write(b->under->ctx, p, n) != 0);
    }
    memcpy(b->buf + b->n, p, n);
    b->n += n;
    return 0;
}

pm_writer pmx_batch_writer(pmx_batch *b, const pm_writer *under)
{
    b->under = under;
    b->n = 0;
    b->failed = 0;
    pm_writer w = {batch_write, b};
    return w;
}
