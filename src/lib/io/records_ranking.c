/* The canonical label of a ranking of k responses (records.h, "Rankings"),
 * the one builder every ranking reader uses, so that two readers of the
 * same ranking give the same label and assess can compare them as text. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "io/records_internal.h"

static int id_cmp(const pmx_rank_entry *a, const pmx_rank_entry *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->id, b->id, n);
    if (c)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

static int by_id(const void *pa, const void *pb)
{
    return id_cmp(pa, pb);
}

/* Rank first (lower is better), then the id's bytes: ties come out in byte
 * order, which makes the label canonical. */
static int by_rank_then_id(const void *pa, const void *pb)
{
    const pmx_rank_entry *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return id_cmp(a, b);
}

/* Why an id cannot stand in a label, or NULL. */
static const char *id_problem(const char *s, size_t n)
{
    if (n == 0)
        return "an empty response id";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '>' || c == '=')
            return "a response id holding '>' or '=' (the ranking label's separators)";
        if (c < 0x20 || c == 0x7f)
            return "a response id holding a control character";
    }
    if (pmx_utf8_bad(s, n))
        return "a response id that is not valid UTF-8";
    return NULL;
}

pm_status pmx_ranking_label(pmx_buf *out, pmx_rank_entry *e, size_t k, const char *file, long line,
                            const char *field, pm_error *err)
{
    if (k < 2)
        return pm_error_at(err, PM_EPARSE, file, line, 0,
                           "%s: a ranking needs at least 2 responses, got %zu", field, k);
    for (size_t i = 0; i < k; i++) {
        const char *why = id_problem(e[i].id, e[i].len);
        if (why)
            return pm_error_at(err, PM_EPARSE, file, line, 0, "%s: %s", field, why);
        if (!isfinite(e[i].rank))
            return pm_error_at(err, PM_EPARSE, file, line, 0,
                               "%s: the rank of response '%.*s' is not a finite number", field,
                               (int)(e[i].len > 64 ? 64 : e[i].len), e[i].id);
    }
    /* Sorted by id first: a response given twice is then adjacent whatever
     * ranks it was given. */
    qsort(e, k, sizeof *e, by_id);
    for (size_t i = 1; i < k; i++)
        if (id_cmp(&e[i], &e[i - 1]) == 0)
            return pm_error_at(err, PM_EPARSE, file, line, 0, "%s: response '%.*s' is ranked twice",
                               field, (int)(e[i].len > 64 ? 64 : e[i].len), e[i].id);
    qsort(e, k, sizeof *e, by_rank_then_id);
    out->len = 0;
    if (pmx_buf_add(out, "", 0))
        return pm_error_at(err, PM_ENOMEM, file, line, 0, "out of memory");
    for (size_t i = 0; i < k; i++) {
        const char *sep = i == 0 ? "" : e[i].rank == e[i - 1].rank ? "=" : ">";
        if (pmx_buf_add(out, sep, strlen(sep)) || pmx_buf_add(out, e[i].id, e[i].len))
            return pm_error_at(err, PM_ENOMEM, file, line, 0, "out of memory");
    }
    return PM_OK;
}

pm_status pmx_rank_room(pm_records *r, size_t k, pm_error *err)
{
    if (k <= r->rank_cap)
        return PM_OK;
    size_t c = r->rank_cap ? r->rank_cap : 8;
    while (c < k)
        c *= 2;
    pmx_rank_entry *e = c > SIZE_MAX / sizeof *e ? NULL : realloc(r->rank_e, c * sizeof *e);
    if (!e)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    r->rank_e = e;
    r->rank_cap = c;
    return PM_OK;
}

pm_status pmx_ranking_item(pmx_buf *out, const char *item, size_t n, pmx_rank_entry *e, size_t k,
                           pm_error *err)
{
    qsort(e, k, sizeof *e, by_id);
    int bad = pmx_buf_set(out, item, n) || pmx_buf_add(out, "|", 1);
    for (size_t i = 0; !bad && i < k; i++)
        bad = (i > 0 && pmx_buf_add(out, "=", 1)) || pmx_buf_add(out, e[i].id, e[i].len);
    return bad ? pm_error_set(err, PM_ENOMEM, "out of memory") : PM_OK;
}
