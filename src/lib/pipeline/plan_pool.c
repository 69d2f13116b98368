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

struct pm_plan_pool {
    char **key, **a, **b;
    size_t n, cap;
    int texts;    /* -1 unknown (empty), 0 key-only, 1 with responses */
    size_t *slot; /* open addressing: index + 1, 0 = empty */
    size_t nslot;
};

/* ---- SHA-256 (FIPS 180-4), transcribed ------------------------------- */

typedef struct sha256 {
    uint32_t h[8];
    unsigned char buf[64];
    size_t used;
    uint64_t bytes;
} sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror(uint32_t x, int k)
{
    return (x >> k) | (x << (32 - k));
}

static void sha_block(sha256 *s, const unsigned char *p)
{
    uint32_t w[64], v[8];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(v, s->h, sizeof v);
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25);
        uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
        uint32_t t1 = v[7] + S1 + ch + K[i] + w[i];
        uint32_t S0 = ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22);
        uint32_t mj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + S0 + mj;
    }
    for (int i = 0; i < 8; i++)
        s->h[i] += v[i];
}

static void sha_init(sha256 *s)
{
    static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, H0, sizeof H0);
    s->used = 0;
    s->bytes = 0;
}

static void sha_add(sha256 *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    s->bytes += len;
    while (len > 0) {
        size_t take = 64 - s->used < len ? 64 - s->used : len;
        memcpy(s->buf + s->used, p, take);
        s->used += take;
        p += take;
        len -= take;
        if (s->used == 64) {
            sha_block(s, s->buf);
            s->used = 0;
        }
    }
}

static void sha_end(sha256 *s, unsigned char out[32])
{
    uint64_t bits = s->bytes * 8;
    unsigned char pad = 0x80, zero = 0, len[8];
    sha_add(s, &pad, 1);
    while (s->used != 56)
        sha_add(s, &zero, 1);
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha_add(s, len, 8);
    for (int i = 0; i < 32; i++)
        out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

void pm_plan_content_key(const char *a, const char *b, char key[PM_PLAN_KEY_SIZE])
{
    sha256 s;
    unsigned char d[32];
    sha_init(&s);
    sha_add(&s, a ? a : "", strlen(a ? a : ""));
    sha_add(&s, "", 1);
    sha_add(&s, b ? b : "", strlen(b ? b : ""));
    sha_end(&s, d);
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
