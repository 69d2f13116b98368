/*
** A whole-document JSON export read with jansson under the reader's
** limits: max_document bytes of text (PM_ELIMIT beyond) and, with
** max_memory, PM_RECORDS_TREE_FACTOR bytes of tree per byte of text
** (refused up front for a regular file, whose size is known, else as soon
** as that much has been read). The tree is kept in r->doc and its text's
** size in r->doc_text, which pm_records_bytes counts. The same rules as
** export and the remedy named by the caller; used by the Label Studio and
** Argilla readers.
*/
#include <stdint.h>
#include <sys/stat.h>

#include "io/records_internal.h"

typedef struct doc_reader {
    pm_records *r;
    size_t total, limit;
    int io_error, over, over_memory;
} doc_reader;

static size_t tree_bytes(size_t n)
{
    return n > SIZE_MAX / PM_RECORDS_TREE_FACTOR ? SIZE_MAX : n * PM_RECORDS_TREE_FACTOR;
}

static size_t doc_read(void *buf, size_t n, void *arg)
{
    doc_reader *rd = arg;
    size_t got = pm_csv_read_raw(rd->r->csv, buf, n, &rd->io_error);
    if (rd->io_error)
        return (size_t)-1;
    rd->total += got;
    if (rd->total > rd->limit) {
        rd->over = 1;
        return (size_t)-1;
    }
    if (rd->r->opt.max_memory && tree_bytes(rd->total) > rd->r->opt.max_memory) {
        rd->over_memory = 1;
        return (size_t)-1;
    }
    return got;
}

static pm_status over_memory(const pm_records *r, const char *what, const char *remedy,
                             size_t bytes, int at_least, pm_error *err)
{
    return pm_error_at(err, PM_ELIMIT, r->name, 0, 0,
                       "%s of %s%zu bytes: it is read whole and its parsed tree needs about %zu "
                       "bytes (%d per byte of JSON), more than the memory limit of %zu bytes; %s",
                       what, at_least ? "at least " : "", bytes, tree_bytes(bytes),
                       PM_RECORDS_TREE_FACTOR, r->opt.max_memory, remedy);
}

size_t pm_records_bytes(const pm_records *r)
{
    return (r->doc ? tree_bytes(r->doc_text) : 0) + pmx_battles_bytes(r);
}

pm_status pmx_load_document(pm_records *r, const char *what, const char *remedy, pm_error *err)
{
    doc_reader rd = {r, 0, r->opt.max_document, 0, 0, 0};
    json_error_t je;
    struct stat sb;
    int fd = fileno(r->fp);
    json_decref(r->doc);
    r->doc = NULL;
    r->doc_text = 0;
    if (r->opt.max_memory && fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
        tree_bytes((size_t)sb.st_size) > r->opt.max_memory)
        return over_memory(r, what, remedy, (size_t)sb.st_size, 0, err);
    r->doc = json_load_callback(doc_read, &rd, JSON_REJECT_DUPLICATES, &je);
    r->doc_text = rd.total;
    if (r->doc)
        return PM_OK;
    if (rd.over_memory)
        return over_memory(r, what, remedy, rd.total, 1, err);
    if (rd.over)
        return pm_error_at(err, PM_ELIMIT, r->name, 0, 0,
                           "%s larger than %zu bytes (max_document): it is read whole; %s", what,
                           rd.limit, remedy);
    if (rd.io_error)
        return pm_error_at(err, PM_EIO, r->name, 0, 0, "read error");
    return pm_error_at(err, PM_EPARSE, r->name, je.line, je.column > 0 ? je.column : 0, "JSON: %s",
                       je.text);
}
