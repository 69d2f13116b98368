/*
** Reading a plan's private manifest back (pm_plan_write_manifest's JSON
** Lines) into the very plan it was written from, over the same pools, with
** every invariant of plan.h checked on the way: a manifest is a file a
** person may have edited, truncated or concatenated.
*/
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/lines.h"
#include "io/json_file.h"
#include "pipeline/plan_internal.h"
#include "prefmon/plan.h"
#include "prefmon/rng.h"

typedef struct mreader {
    const char *name;
    pmx_lines lr;
    const pm_plan_pool *items, *gold;
    pm_plan_summary h;
    pm_plan_row *rows;
    size_t nrows, cap;
    char **names;
    long *name_line; /* the line of each annotator's first row */
    size_t nnames, ncap;
    size_t *seen_item, *seen_gold; /* per pool item: the last annotator (1-based) shown it */
    long ones, twos, golds;        /* the current annotator's counts */
} mreader;

static pm_status bad(mreader *m, pm_error *err, const char *field, const char *what)
{
    return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 0, "field '%s': %s", field, what);
}

static pm_status get_long(mreader *m, json_t *o, const char *f, long lo, long hi, long *v,
                          pm_error *err)
{
    json_t *x = json_object_get(o, f);
    if (!json_is_integer(x))
        return bad(m, err, f, x ? "not an integer" : "missing");
    json_int_t i = json_integer_value(x);
    if (i < lo || i > hi)
        return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 0,
                           "field '%s': %lld is outside %ld .. %ld", f, (long long)i, lo, hi);
    *v = (long)i;
    return PM_OK;
}

static pm_status get_str(mreader *m, json_t *o, const char *f, const char **v, pm_error *err)
{
    json_t *x = json_object_get(o, f);
    if (!json_is_string(x))
        return bad(m, err, f, x ? "not a string" : "missing");
    *v = json_string_value(x);
    if (!**v)
        return bad(m, err, f, "empty");
    return PM_OK;
}

static pm_status header_ids(mreader *m, json_t *o, pm_error *err)
{
    const char *s;
    long version;
    pm_status st = get_str(m, o, "format", &s, err);
    if (st == PM_OK && strcmp(s, "prefmon-plan-manifest") != 0)
        return bad(m, err, "format",
                   "not 'prefmon-plan-manifest' (is this the --manifest of prefmon plan?)");
    if (st == PM_OK)
        st = get_long(m, o, "format_version", 1, 1, &version, err);
    if (st == PM_OK)
        st = get_str(m, o, "rng", &s, err);
    if (st == PM_OK && strcmp(s, PM_RNG_NAME) != 0)
        return bad(m, err, "rng", "another generator than this prefmon's (" PM_RNG_NAME ")");
    if (st == PM_OK)
        st = get_str(m, o, "seed", &s, err);
    if (st != PM_OK)
        return st;
    char *end;
    errno = 0;
    unsigned long long seed = strtoull(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end || errno == ERANGE)
        return bad(m, err, "seed", "not a whole number in 0 .. 18446744073709551615");
    m->h.seed = (uint64_t)seed;
    return PM_OK;
}

static pm_status header_counts(mreader *m, json_t *o, pm_error *err)
{
    pm_plan_summary *h = &m->h;
    long ann = 0, big = PM_PLAN_MAX_ROWS;
    pm_status st = get_long(m, o, "annotators", 1, big, &ann, err);
    if (st == PM_OK)
        st = get_long(m, o, "length", 1, big, &h->length, err);
    if (st == PM_OK)
        st = get_long(m, o, "duplicates", 0, big, &h->duplicates, err);
    if (st == PM_OK)
        st = get_long(m, o, "min_gap", 1, big, &h->min_gap, err);
    if (st == PM_OK)
        st = get_long(m, o, "gold", 0, big, &h->gold, err);
    if (st == PM_OK)
        st = get_long(m, o, "singles", 0, big, &h->singles, err);
    if (st != PM_OK)
        return st;
    long L = h->length, d = h->duplicates, g = h->gold;
    if (2 * d + g > L || h->singles != L - g - 2 * d)
        return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 0,
                           "fields 'duplicates' %ld, 'gold' %ld, 'singles' %ld: 2 x duplicates "
                           "+ gold + singles must be the length %ld",
                           d, g, h->singles, L);
    if (d > 0 && d > L - h->min_gap)
        return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 0,
                           "field 'duplicates': %ld pairs with a min gap of %ld do not fit in "
                           "length %ld",
                           d, h->min_gap, L);
    if ((double)ann * (double)L > (double)PM_PLAN_MAX_ROWS)
        return pm_error_at(err, PM_ELIMIT, m->name, m->lr.lineno, 0,
                           "%ld annotators x length %ld rows: over the limit of %ld", ann, L,
                           PM_PLAN_MAX_ROWS);
    h->annotators = (size_t)ann;
    h->rows = (size_t)ann * (size_t)L;
    h->distinct_items = L - g - d;
    return PM_OK;
}

static pm_status read_header(mreader *m, pm_error *err)
{
    json_t *o;
    memset(&m->h, 0, sizeof m->h);
    pm_status st = pmx_jsonl_next(&m->lr, &o, err);
    if (st != PM_OK)
        return st;
    if (!o)
        return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno + 1, 0,
                           "empty: a manifest starts with its header object");
    st = header_ids(m, o, err);
    if (st == PM_OK)
        st = header_counts(m, o, err);
    json_decref(o);
    return st;
}

pm_status pm_plan_read_manifest_header(FILE *fp, const char *name, pm_plan_summary *out,
                                       pm_error *err)
{
    mreader m;
    memset(&m, 0, sizeof m);
    m.name = name ? name : "<input>";
    pmx_lines_init(&m.lr, fp, m.name, PM_PLAN_MAX_LINE);
    pm_status st = read_header(&m, err);
    pmx_lines_free(&m.lr);
    if (st == PM_OK)
        *out = m.h;
    return st;
}

/* ---- rows ---------------------------------------------------------------- */

/* The fields of one row, parsed; key is looked up in its pool. */
static pm_status row_fields(mreader *m, json_t *o, pm_plan_row *r, const char **ann, pm_error *err)
{
    const char *key, *side;
    long copy = 1;
    pm_status st = get_str(m, o, "annotator", ann, err);
    if (st == PM_OK)
        st = get_long(m, o, "position", 1, m->h.length, &r->position, err);
    if (st == PM_OK)
        st = get_str(m, o, "item", &key, err);
    if (st == PM_OK)
        st = get_str(m, o, "shown_left", &side, err);
    if (st == PM_OK && strcmp(side, "A") != 0 && strcmp(side, "B") != 0)
        return bad(m, err, "shown_left", "not \"A\" or \"B\"");
    if (st == PM_OK)
        st = get_long(m, o, "copy", 1, 2, &copy, err);
    if (st != PM_OK)
        return st;
    json_t *g = json_object_get(o, "is_gold"), *p = json_object_get(o, "partner");
    if (!json_is_boolean(g))
        return bad(m, err, "is_gold", g ? "not true or false" : "missing");
    r->is_gold = json_is_true(g);
    r->copy = (int)copy;
    r->shown_left = side[0];
    r->partner = 0;
    if (!p)
        return bad(m, err, "partner", "missing (null for an item shown once)");
    if (!json_is_null(p) && (st = get_long(m, o, "partner", 1, m->h.length, &r->partner, err)))
        return st;
    const pm_plan_pool *pool = r->is_gold ? m->gold : m->items;
    if (!pm_plan_pool_find(pool, key, &r->item))
        return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 0,
                           "field 'item': '%s' is not in the %s (give the pools the plan was "
                           "made from)",
                           key, r->is_gold ? "gold set" : "item pool");
    return PM_OK;
}

/* A new annotator's name at position 1, else the current one's. */
static pm_status row_annotator(mreader *m, pm_plan_row *r, const char *ann, pm_error *err)
{
    if (r->position == 1) {
        if (m->nnames == m->ncap) {
            size_t cap = m->ncap ? 2 * m->ncap : 16;
            char **n = realloc(m->names, cap * sizeof *n);
            if (n)
                m->names = n;
            long *l = n ? realloc(m->name_line, cap * sizeof *l) : NULL;
            if (!l)
                return pm_error_set(err, PM_ENOMEM, "out of memory");
            m->name_line = l;
            m->ncap = cap;
        }
        size_t len = strlen(ann) + 1;
        if (!(m->names[m->nnames] = malloc(len)))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        memcpy(m->names[m->nnames], ann, len);
        m->name_line[m->nnames++] = m->lr.lineno;
        m->ones = m->twos = m->golds = 0;
    } else if (strcmp(ann, m->names[m->nnames - 1]) != 0) {
        return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 0,
                           "field 'annotator': '%s' at position %ld, but positions 1 .. %ld "
                           "belong to '%s' (a queue is listed whole, in order)",
                           ann, r->position, r->position - 1, m->names[m->nnames - 1]);
    }
    r->annotator = m->nnames - 1;
    return PM_OK;
}

/* Copy 2 at position t: its partner is an earlier copy 1 pointing back,
 * with the same item and the other response on the left. */
static pm_status check_repeat(mreader *m, const pm_plan_row *r, pm_error *err)
{
    if (r->is_gold)
        return bad(m, err, "copy", "2 on a gold row (gold is shown once)");
    if (r->partner == 0 || r->partner >= r->position)
        return bad(m, err, "partner", "a copy 2 names the earlier position of its copy 1");
    const pm_plan_row *f = r - (r->position - r->partner);
    if (f->copy != 1 || f->partner != r->position)
        return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 0,
                           "field 'partner': position %ld is not a copy 1 naming position %ld",
                           r->partner, r->position);
    if (f->is_gold || f->item != r->item)
        return bad(m, err, "item", "not the item of its copy 1");
    if (f->shown_left == r->shown_left)
        return bad(m, err, "shown_left", "the same as its copy 1's (a repeat is swapped)");
    m->twos++;
    return PM_OK;
}

/* Anything but a copy 2: shown once to this annotator; a copy 1 names a
 * later position at least G away. */
static pm_status check_once(mreader *m, const pm_plan_row *r, pm_error *err)
{
    size_t *seen = r->is_gold ? m->seen_gold : m->seen_item;
    if (seen[r->item] == m->nnames)
        return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 0,
                           "field 'item': shown to '%s' before, and not as a duplicate pair",
                           m->names[m->nnames - 1]);
    seen[r->item] = m->nnames;
    if (r->partner) {
        if (r->is_gold)
            return bad(m, err, "partner", "set on a gold row (gold is shown once)");
        if (r->partner - r->position < m->h.min_gap)
            return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 0,
                               "field 'partner': %ld is less than the min gap %ld after "
                               "position %ld",
                               r->partner, m->h.min_gap, r->position);
        m->ones++;
    }
    m->golds += r->is_gold;
    return PM_OK;
}

static pm_status check_counts(mreader *m, pm_error *err)
{
    const pm_plan_summary *h = &m->h;
    if (m->ones == h->duplicates && m->twos == h->duplicates && m->golds == h->gold)
        return PM_OK;
    return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 0,
                       "annotator '%s': %ld first copies, %ld repeats and %ld gold rows; the "
                       "header says %ld duplicates and %ld gold",
                       m->names[m->nnames - 1], m->ones, m->twos, m->golds, h->duplicates, h->gold);
}

static pm_status take_row(mreader *m, json_t *o, pm_error *err)
{
    if (m->nrows == m->h.rows)
        return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 1,
                           "a row beyond the %zu annotators x length %ld the header announces",
                           m->h.annotators, m->h.length);
    if (m->nrows == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 1024;
        cap = cap < m->h.rows ? cap : m->h.rows;
        pm_plan_row *r = realloc(m->rows, cap * sizeof *r);
        if (!r)
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        m->rows = r;
        m->cap = cap;
    }
    pm_plan_row *r = &m->rows[m->nrows];
    const char *ann;
    long expect = (long)(m->nrows % (size_t)m->h.length) + 1;
    pm_status st = row_fields(m, o, r, &ann, err);
    if (st == PM_OK && r->position != expect)
        return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 0,
                           "field 'position': %ld where %ld comes next (each queue lists "
                           "positions 1 .. %ld in order)",
                           r->position, expect, m->h.length);
    if (st == PM_OK)
        st = row_annotator(m, r, ann, err);
    if (st == PM_OK)
        st = r->copy == 2 ? check_repeat(m, r, err) : check_once(m, r, err);
    if (st == PM_OK && r->position == m->h.length)
        st = check_counts(m, err);
    if (st == PM_OK)
        m->nrows++;
    return st;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* Distinct names: pointers into names, sorted by name, neighbours compared
 * (the later of two equal ones is reported, at its first row). */
static pm_status check_names(mreader *m, pm_error *err)
{
    size_t n = m->nnames;
    char ***s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        s[i] = &m->names[i];
    qsort(s, n, sizeof *s, cmp_name);
    pm_status st = PM_OK;
    for (size_t i = 1; i < n && st == PM_OK; i++)
        if (strcmp(*s[i - 1], *s[i]) == 0) {
            size_t a = (size_t)(s[i - 1] - m->names), b = (size_t)(s[i] - m->names);
            st = pm_error_at(err, PM_EPARSE, m->name, m->name_line[a > b ? a : b], 0,
                             "field 'annotator': '%s' has two queues (lines %ld and %ld)", *s[i],
                             m->name_line[a < b ? a : b], m->name_line[a > b ? a : b]);
        }
    free(s);
    return st;
}

/* A gold key also in the item pool could be shown twice unmarked (as in
 * pm_plan_make). */
static pm_status check_pools(const pm_plan_pool *items, const pm_plan_pool *gold, pm_error *err)
{
    if (!items)
        return pm_error_set(err, PM_EINVAL, "plan manifest: no item pool");
    for (size_t i = 0; i < pm_plan_pool_count(gold); i++)
        if (pm_plan_pool_find(items, pm_plan_pool_key(gold, i), NULL))
            return pm_error_set(err, PM_EINVAL,
                                "gold item '%s' is also in the item pool: give the pools the "
                                "plan was made from",
                                pm_plan_pool_key(gold, i));
    return PM_OK;
}

static pm_status read_rows(mreader *m, pm_error *err)
{
    size_t ni = pm_plan_pool_count(m->items), ng = pm_plan_pool_count(m->gold);
    m->seen_item = calloc(ni ? ni : 1, sizeof *m->seen_item);
    m->seen_gold = calloc(ng ? ng : 1, sizeof *m->seen_gold);
    if (!m->seen_item || !m->seen_gold)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    pm_status st;
    json_t *o;
    while ((st = pmx_jsonl_next(&m->lr, &o, err)) == PM_OK && o) {
        st = take_row(m, o, err);
        json_decref(o);
        if (st != PM_OK)
            return st;
    }
    if (st != PM_OK)
        return st;
    if (m->nrows < m->h.rows)
        return pm_error_at(err, PM_EPARSE, m->name, m->lr.lineno, 0,
                           "the manifest ends after %zu rows; the header announces %zu "
                           "annotators x length %ld = %zu (a truncated file?)",
                           m->nrows, m->h.annotators, m->h.length, m->h.rows);
    return check_names(m, err);
}

static void mreader_free(mreader *m, int keep)
{
    pmx_lines_free(&m->lr);
    free(m->seen_item);
    free(m->seen_gold);
    free(m->name_line);
    if (!keep) {
        for (size_t i = 0; i < m->nnames; i++)
            free(m->names[i]);
        free(m->names);
        free(m->rows);
    }
}

pm_status pm_plan_read_manifest(FILE *fp, const char *name, const pm_plan_pool *items,
                                const pm_plan_pool *gold, pm_plan **out, pm_error *err)
{
    pm_status st = check_pools(items, gold, err);
    if (st != PM_OK)
        return st;
    mreader m;
    memset(&m, 0, sizeof m);
    m.name = name ? name : "<input>";
    m.items = items;
    m.gold = gold;
    pmx_lines_init(&m.lr, fp, m.name, PM_PLAN_MAX_LINE);
    st = read_header(&m, err);
    if (st == PM_OK)
        st = read_rows(&m, err);
    if (st != PM_OK) {
        mreader_free(&m, 0);
        return st;
    }
    pm_plan_request req;
    pm_plan_request_default(&req);
    req.items = items;
    req.gold = gold;
    req.n_annotators = m.h.annotators;
    req.length = m.h.length;
    req.duplicates = m.h.duplicates;
    req.min_gap = m.h.min_gap;
    req.seed = m.h.seed;
    mreader_free(&m, 1);
    return pmx_plan_adopt(&req, m.h.duplicates, m.h.gold, m.rows, m.names, out, err);
}
