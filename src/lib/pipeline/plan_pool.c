/*
** Item pools for plans: keys (given or content hashes), optional response
** texts, a hash set so that an item is never in a pool twice, and the
** preference-dataset JSONL reader.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/lines.h"
#include "io/json_file.h"
#include "prefmon/plan.h"
#include "prefmon/sha256.h"

struct pm_plan_pool {
    char **key, **a, **b;
    size_t n, cap;
    int texts;    /* -1 unknown (empty), 0 key-only, 1 with responses */
    size_t *slot; /* open addressing: index + 1, 0 = empty */
    size_t nslot;
};

/* The content key: the first 16 bytes of SHA-256(a NUL b) in hex (core's
 * FIPS 180-4 implementation, the one that also names a batch's files). */
void pm_plan_content_key(const char *a, const char *b, char key[PM_PLAN_KEY_SIZE])
{
    pm_sha256 s;
    unsigned char d[32];
    pm_sha256_init(&s);
    pm_sha256_update(&s, a ? a : "", strlen(a ? a : ""));
    pm_sha256_update(&s, "", 1);
    pm_sha256_update(&s, b ? b : "", strlen(b ? b : ""));
    pm_sha256_final(&s, d);
    for (int i = 0; i < 16; i++)
        snprintf(key + 2 * i, 3, "%02x", d[i]);
}

/* ---- the pool --------------------------------------------------------- */

pm_plan_pool *pm_plan_pool_new(pm_error *err)
{
    pm_plan_pool *p = calloc(1, sizeof *p);
    if (p)
        p->texts = -1;
    else
        pm_error_set(err, PM_ENOMEM, "out of memory");
    return p;
}

static void truncate_to(pm_plan_pool *p, size_t n)
{
    for (size_t i = n; i < p->n; i++) {
        free(p->key[i]);
        free(p->a[i]);
        free(p->b[i]);
    }
    p->n = n;
}

void pm_plan_pool_free(pm_plan_pool *p)
{
    if (!p)
        return;
    truncate_to(p, 0);
    free(p->key);
    free(p->a);
    free(p->b);
    free(p->slot);
    free(p);
}

size_t pm_plan_pool_count(const pm_plan_pool *p)
{
    return p ? p->n : 0;
}

const char *pm_plan_pool_key(const pm_plan_pool *p, size_t i)
{
    return i < p->n ? p->key[i] : NULL;
}

const char *pm_plan_pool_response(const pm_plan_pool *p, size_t i, int which)
{
    return i < p->n ? (which ? p->b[i] : p->a[i]) : NULL;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    return h;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t find_slot(const pm_plan_pool *p, const char *key)
{
    size_t mask = p->nslot - 1, i = (size_t)fnv1a(key) & mask;
    while (p->slot[i] && strcmp(p->key[p->slot[i] - 1], key) != 0)
        i = (i + 1) & mask;
    return i;
}

int pm_plan_pool_find(const pm_plan_pool *p, const char *key, size_t *index)
{
    if (!p || !key || p->nslot == 0)
        return 0;
    size_t s = p->slot[find_slot(p, key)];
    if (s && index)
        *index = s - 1;
    return s != 0;
}

/* Rebuild the set with room for n keys at load <= 1/2. */
static int rehash(pm_plan_pool *p, size_t n)
{
    size_t ns = 16;
    while (ns < 2 * n)
        ns *= 2;
    size_t *slot = calloc(ns, sizeof *slot);
    if (!slot)
        return 0;
    free(p->slot);
    p->slot = slot;
    p->nslot = ns;
    for (size_t i = 0; i < p->n; i++)
        p->slot[find_slot(p, p->key[i])] = i + 1;
    return 1;
}

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static int grow(pm_plan_pool *p)
{
    size_t cap = p->cap ? 2 * p->cap : 256;
    char **k = realloc(p->key, cap * sizeof *k);
    if (!k)
        return 0;
    p->key = k;
    char **a = realloc(p->a, cap * sizeof *a);
    if (!a)
        return 0;
    p->a = a;
    char **b = realloc(p->b, cap * sizeof *b);
    if (!b)
        return 0;
    p->b = b;
    p->cap = cap;
    return 1;
}

pm_status pm_plan_pool_add(pm_plan_pool *p, const char *key, const char *a, const char *b,
                           int *added, pm_error *err)
{
    if (added)
        *added = 0;
    if ((a == NULL) != (b == NULL))
        return pm_error_set(err, PM_EINVAL, "an item has both responses or neither");
    int texts = a != NULL;
    if (p->texts >= 0 && p->texts != texts)
        return pm_error_set(err, PM_EINVAL,
                            "a pool holds items with responses or key-only items, not both");
    char ck[PM_PLAN_KEY_SIZE];
    if (!key) {
        if (!texts)
            return pm_error_set(err, PM_EINVAL, "an item needs a key or its two responses");
        pm_plan_content_key(a, b, ck);
        key = ck;
    }
    if (!*key)
        return pm_error_set(err, PM_EINVAL, "empty item key");
    if (2 * (p->n + 1) > p->nslot && !rehash(p, p->n + 1))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    size_t s = find_slot(p, key);
    if (p->slot[s])
        return PM_OK; /* already in the pool */
    if (p->n == p->cap && !grow(p))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    char *k = dup_str(key), *da = dup_str(a), *db = dup_str(b);
    if (!k || (texts && (!da || !db))) {
        free(k);
        free(da);
        free(db);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    p->key[p->n] = k;
    p->a[p->n] = da;
    p->b[p->n] = db;
    p->slot[s] = ++p->n;
    p->texts = texts;
    if (added)
        *added = 1;
    return PM_OK;
}

/* ---- the JSONL reader ----------------------------------------------- */

static pm_status take_item(pm_plan_pool *p, json_t *row, const char *name, long line, size_t *dups,
                           pm_error *err)
{
    const char *f[2] = {"chosen", "rejected"};
    const char *t[2];
    for (int i = 0; i < 2; i++) {
        json_t *v = json_object_get(row, f[i]);
        if (!json_is_string(v))
            return pm_error_at(err, PM_EPARSE, name, line, 0, "field '%s': %s", f[i],
                               v ? "not a string"
                                 : "missing (a preference row has chosen "
                                   "and rejected)");
        t[i] = json_string_value(v);
    }
    char idbuf[32];
    const char *key = NULL;
    json_t *id = json_object_get(row, "id");
    if (json_is_string(id)) {
        key = json_string_value(id);
        if (!*key)
            return pm_error_at(err, PM_EPARSE, name, line, 0,
                               "field 'id': empty (leave it out to key the item by content)");
    } else if (json_is_integer(id)) {
        snprintf(idbuf, sizeof idbuf, "%lld", (long long)json_integer_value(id));
        key = idbuf;
    } else if (id && !json_is_null(id)) {
        return pm_error_at(err, PM_EPARSE, name, line, 0, "field 'id': not a string or integer");
    }
    int added = 0;
    pm_status st = pm_plan_pool_add(p, key, t[0], t[1], &added, err);
    if (st != PM_OK) /* only out of memory is left here */
        return pm_error_prefix(err, "%s:%ld", name, line);
    if (!added && dups)
        (*dups)++;
    return PM_OK;
}

pm_status pm_plan_pool_read_jsonl(pm_plan_pool *p, FILE *fp, const char *name, size_t *duplicates,
                                  pm_error *err)
{
    size_t start = p->n, dups = 0;
    pm_status st;
    name = name ? name : "<input>";
    /* The project's bounded line reader: a line over the limit (or /dev/zero)
     * stops at PM_PLAN_MAX_LINE + 1 bytes. */
    pmx_lines lr;
    pmx_lines_init(&lr, fp, name, PM_PLAN_MAX_LINE);
    json_t *row;
    while ((st = pmx_jsonl_next(&lr, &row, err)) == PM_OK && row) {
        st = take_item(p, row, name, lr.lineno, &dups, err);
        json_decref(row);
        if (st != PM_OK)
            break;
    }
    pmx_lines_free(&lr);
    if (st != PM_OK) {
        /* Drop this stream's keys from the set: they were inserted after
         * every remaining key, so no remaining key's probe chain runs
         * through their slots and clearing them needs no rehash. */
        for (size_t i = 0; i < p->nslot; i++)
            if (p->slot[i] > start)
                p->slot[i] = 0;
        truncate_to(p, start);
        if (p->n == 0)
            p->texts = -1;
        return st;
    }
    if (duplicates)
        *duplicates += dups;
    return PM_OK;
}

pm_status pm_plan_pool_split(const pm_plan_pool *all, const pm_plan_pool *gold_keys,
                             const char *gold_name, pm_plan_pool *items, pm_plan_pool *gold,
                             pm_error *err)
{
    pm_status st = PM_OK;
    int texts = pm_plan_pool_count(all) && pm_plan_pool_response(all, 0, 0) != NULL;
    for (size_t i = 0; st == PM_OK && i < pm_plan_pool_count(gold_keys); i++) {
        const char *key = pm_plan_pool_key(gold_keys, i);
        size_t j;
        if (pm_plan_pool_find(all, key, &j))
            st = pm_plan_pool_add(gold, key, pm_plan_pool_response(all, j, 0),
                                  pm_plan_pool_response(all, j, 1), NULL, err);
        else if (!texts)
            st = pm_plan_pool_add(gold, key, NULL, NULL, NULL, err);
        else
            st = pm_error_set(err, PM_EPARSE,
                              "%s: gold item '%s' is not in --items, so its responses are "
                              "unknown and it cannot be shown; add it to the item file",
                              gold_name, key);
    }
    for (size_t i = 0; st == PM_OK && i < pm_plan_pool_count(all); i++) {
        const char *key = pm_plan_pool_key(all, i);
        if (!pm_plan_pool_find(gold_keys, key, NULL))
            st = pm_plan_pool_add(items, key, pm_plan_pool_response(all, i, 0),
                                  pm_plan_pool_response(all, i, 1), NULL, err);
    }
    return st;
}
