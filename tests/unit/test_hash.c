/* core/hash: pmx_hash_bytes must give exactly the values of its first,
 * portable form (four 32-bit products per multiply, the tail read a byte at
 * a time), which is transcribed below as the reference: the fast form (one
 * 128-bit multiply, the tail in one load) is an optimisation, not a new
 * hash, so no table layout anywhere changes with it. */
/* mincore is not POSIX */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/hash.h"

static uint64_t ref_mix(uint64_t a, uint64_t b)
{
    uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    uint64_t lo = (ll & 0xffffffffu) | (mid << 32);
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return lo ^ hi;
}

static uint64_t ref_hash(const unsigned char *p, size_t len)
{
    const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL;
    uint64_t h = k0 ^ (uint64_t)len;
    while (len >= 8) {
        uint64_t w = 0;
        for (int i = 0; i < 8; i++)
            w |= (uint64_t)p[i] << (8 * i);
        h = ref_mix(h ^ w, k1);
        p += 8;
        len -= 8;
    }
    uint64_t tail = 0;
    for (size_t i = 0; i < len; i++)
        tail |= (uint64_t)p[i] << (8 * i);
    h = ref_mix(h ^ tail, k1 ^ (uint64_t)len);
    return pmx_hash_u64(h);
}

static void test_hash_matches_reference(void **state)
{
    (void)state;
    unsigned char buf[80];
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t len = (size_t)(x % 70), off = (size_t)((x >> 8) % 8);
        for (size_t k = 0; k < len; k++)
            buf[off + k] = (unsigned char)((x >> (k % 56)) * 31 + k);
        /* A string at every alignment; bytes after it must not matter. */
        buf[off + len] = (unsigned char)i;
        uint64_t got = pmx_hash_bytes(buf + off, len), want = ref_hash(buf + off, len);
        if (got != want)
            fail_msg("length %zu: %016llx, reference %016llx", len, (unsigned long long)got,
                     (unsigned long long)want);
    }
    /* Fixed values (printed by the portable form before the fast one
     * existed), so that a change of the reference itself shows too. */
    assert_true(pmx_hash_bytes("", 0) == 0x4e6ae996bbe44404u);
    assert_true(pmx_hash_bytes("item-0156619", 12) == 0x17bf365ca727af31u);
}

/* ---- pmx_table_double ------------------------------------------------ */

/* A slot of the test tables: key + 1 (0 empty) and the key's hash. */
typedef struct tslot {
    uint32_t key1;
    uint32_t pad;
    uint64_t h;
} tslot;

static uint64_t tslot_hash(const void *slot, const void *ctx)
{
    (void)ctx;
    return ((const tslot *)slot)->h;
}

static void tinsert(tslot *t, size_t cap, uint32_t key, uint64_t h)
{
    size_t j = h & (cap - 1);
    while (t[j].key1)
        j = (j + 1) & (cap - 1);
    t[j] = (tslot){.key1 = key + 1, .h = h};
}

/* What a linear-probing table must be: every slot reachable from its home
 * over used slots only, and the keys 0 .. n-1 each exactly once. */
static void check_table(const tslot *t, size_t cap, size_t n, const char *what)
{
    unsigned char *seen = calloc(n ? n : 1, 1);
    assert_non_null(seen);
    size_t count = 0;
    for (size_t p = 0; p < cap; p++) {
        if (!t[p].key1)
            continue;
        count++;
        uint32_t k = t[p].key1 - 1;
        if (k >= n || seen[k])
            fail_msg("%s: key %u twice or unknown", what, k);
        seen[k] = 1;
        for (size_t j = t[p].h & (cap - 1); j != p; j = (j + 1) & (cap - 1))
            if (!t[j].key1)
                fail_msg("%s: key %u at %zu cut off from its home by an empty slot at %zu", what, k,
                         p, j);
    }
    if (count != n)
        fail_msg("%s: %zu keys, %zu expected", what, count, n);
    free(seen);
}

/* Random tables at the load limit, many with their homes bunched at the
 * end (the cluster that wraps round the old table, and the new half's
 * overflow past its end to position 0: the two cases the in-place order
 * must handle), doubled in place and checked against the invariant; small
 * tables through realloc-style copies, and one past 4 MiB through mremap. */
static void test_table_double(void **state)
{
    (void)state;
    uint64_t x = 0x2545F4914F6CDD1DULL;
    for (int trial = 0; trial < 20000; trial++) {
        size_t cap = (size_t)8 << (trial % 4);
        size_t n = cap * 7 / 10;
        tslot *t = pmx_table_alloc(cap * sizeof *t);
        assert_non_null(t);
        int bunch = trial % 3; /* 0 uniform; 1 homes near the end; 2 near both halves' ends */
        for (uint32_t k = 0; k < n; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            uint64_t h = x;
            if (bunch == 1)
                h = (h & ~(uint64_t)(cap - 1)) | (cap - 1 - (x >> 40) % 3);
            else if (bunch == 2)
                h = (h & ~(uint64_t)(2 * cap - 1)) | (2 * cap - 1 - (x >> 40) % 4);
            tinsert(t, cap, k, h);
        }
        check_table(t, cap, n, "before");
        void *v = t;
        size_t c = cap;
        for (int d = 0; d < 2; d++) {
            assert_int_equal(
                pmx_table_double(&v, &c, sizeof(tslot), offsetof(tslot, key1), tslot_hash, NULL),
                PM_OK);
            check_table(v, c, n, "doubled");
        }
        assert_int_equal(c, cap * 4);
        pmx_table_free(v, c * sizeof(tslot));
    }
    /* A big one: 2^18 slots of 16 bytes is 4 MiB, the size past which tables
     * are mapped (and remapped when doubled). */
    size_t cap = (size_t)1 << 18, n = cap * 7 / 10;
    tslot *t = pmx_table_alloc(cap * sizeof *t);
    assert_non_null(t);
    for (uint32_t k = 0; k < n; k++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* A tenth bunched at the end of the table. */
        uint64_t h = k % 10 ? x : (x & ~(uint64_t)(cap - 1)) | (cap - 1 - (x >> 40) % 64);
        tinsert(t, cap, k, h);
    }
    void *v = t;
    size_t c = cap;
    assert_int_equal(
        pmx_table_double(&v, &c, sizeof(tslot), offsetof(tslot, key1), tslot_hash, NULL), PM_OK);
    check_table(v, c, n, "doubled 4 MiB");
    pmx_table_free(v, c * sizeof(tslot));
}

/* ---- huge-page advice (pmx_table_huge_pages) ------------------------- */

/* The THPeligible field of the mapping holding addr in /proc/self/smaps:
 * 1 when its pages may be huge, 0 when not, -1 when this kernel does not
 * say. */
static int thp_eligible(const void *addr)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return -1;
    char line[512];
    int in = 0, r = -1;
    uintptr_t a = (uintptr_t)addr;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            in = a >= lo && a < hi;
            continue;
        }
        int v;
        if (in && sscanf(line, "THPeligible: %d", &v) == 1) {
            r = v;
            break;
        }
    }
    fclose(f);
    return r;
}

static int thp_never(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f)
        return 1;
    char line[128] = "";
    int never = !fgets(line, sizeof line, f) || strstr(line, "[never]") != NULL;
    fclose(f);
    return never;
}

/* 1 when every page of p[0..bytes) is resident, before any access by the
 * caller (mincore: the table was written through at allocation). */
static int all_resident(const void *p, size_t bytes)
{
    long ps = sysconf(_SC_PAGESIZE);
    size_t pages = (bytes + (size_t)ps - 1) / (size_t)ps;
    unsigned char *v = malloc(pages);
    assert_non_null(v);
    int ok = mincore((void *)p, bytes, v) == 0;
    for (size_t i = 0; ok && i < pages; i++)
        ok = v[i] & 1;
    free(v);
    return ok;
}

/* Keys 0 .. n-1 at random homes. */
static void fill_big(tslot *t, size_t cap, size_t n)
{
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (uint32_t k = 0; k < n; k++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        tinsert(t, cap, k, x);
    }
}

/* Tables get huge pages while they are quick to fault and not once they
 * are off (hash.c): the advice covers the whole mapping, so that a table
 * made while they were on and doubled after they went off is remapped in
 * one piece with the advice off, and keeps its keys. */
static void test_table_huge_advice(void **state)
{
    (void)state;
    size_t cap = (size_t)1 << 19, n = cap * 7 / 10; /* 8 MiB */
    if (thp_never() || !pmx_table_huge_pages(1))    /* (0 where there are none) */
        skip();
    tslot *t = pmx_table_alloc(cap * sizeof *t);
    assert_non_null(t);
    int e = thp_eligible(t);
    if (e < 0) {
        pmx_table_free(t, cap * sizeof *t);
        skip();
    }
    /* on unless the fault was slow here, which turns them off */
    assert_int_equal(e, pmx_table_huge_pages(-1));
    for (size_t i = 0; i < cap; i++)
        assert_int_equal(t[i].key1, 0);
    fill_big(t, cap, n);

    assert_int_equal(pmx_table_huge_pages(0), 0);
    void *v = t;
    size_t c = cap;
    assert_int_equal(
        pmx_table_double(&v, &c, sizeof(tslot), offsetof(tslot, key1), tslot_hash, NULL), PM_OK);
    check_table(v, c, n, "doubled after huge pages went off");
    assert_int_equal(thp_eligible(v), 0);
    assert_int_equal(thp_eligible((char *)v + c * sizeof(tslot) - 1), 0);

    /* Small pages are written at allocation: a probe's first read of a
     * page then finds it mapped, not the zero page to be replaced. */
    tslot *u = pmx_table_alloc(cap * sizeof *u);
    assert_non_null(u);
    assert_true(all_resident(u, cap * sizeof *u));
    assert_int_equal(thp_eligible(u), 0);
    for (size_t i = 0; i < cap; i++)
        assert_int_equal(u[i].key1, 0);
    pmx_table_free(u, cap * sizeof *u);
    pmx_table_free(v, c * sizeof(tslot));
    pmx_table_huge_pages(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_matches_reference),
        cmocka_unit_test(test_table_double),
        cmocka_unit_test(test_table_huge_advice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
