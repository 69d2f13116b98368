/* Arena, string interning and hashing for the pipeline's tables. */
/* madvise, MAP_ANONYMOUS and mremap are not POSIX: ask glibc for them
 * here only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "core/hash.h"

#define ARENA_CHUNK ((size_t)1 << 20)
#define STRTAB_MAX_LOAD_NUM 7 /* grow past 7/10 full */
#define STRTAB_MAX_LOAD_DEN 10

struct pmx_chunk {
    struct pmx_chunk *next;
    size_t cap;
    /* data follows, aligned to max_align_t by malloc */
    max_align_t data[];
};

/*
 * Large tables are probed at random: on Linux, back them with transparent
 * huge pages (one TLB entry per 2 MiB instead of 512). On a warm machine
 * that saves about 45 ns a row of `assess` (10 M rows: 0.45 s of 2 s).
 *
 * But a huge page can cost far more to fault than the 512 small pages it
 * replaces. On a virtual machine whose host takes back the guest's free
 * 2 MiB blocks (virtio-balloon free page reporting, as on Firecracker),
 * every fresh huge page must be backed by the host again: measured on the
 * bench VM, 6 ms a huge page, 1.8 s for 600 MB, against 0.27 s for the same
 * memory in small pages, which the guest takes from blocks it still holds.
 * So each region's huge pages are faulted here, one at a time and timed;
 * the first that takes longer than HUGE_SLOW_NS turns huge pages off for
 * the rest of the region and for every later table of the process (warm:
 * 0.2 ms a huge page; cold: 6 ms; small pages for 2 MiB: 0.9 ms, plus the
 * TLB misses a huge page would have saved, about 1.5 ms of `assess`).
 *
 * Every page of a fresh region is written here, the small ones too. A
 * table's first touch of a page is mostly a read (a probe), which maps the
 * shared zero page; the write after it then replaces that mapping, and
 * with two threads the replacing flushes the other CPU's TLB by an
 * interrupt, a VM exit on each side: perf showed half of the CPU time of
 * `assess --threads 2` in these flushes (ptep_clear_flush) on the
 * task-ordered log, 2.7 s of system time. Written first, a page is faulted
 * once and flushed never. It costs nothing more: every page of a hash
 * table, and of an event chunk but the last, is written soon anyway.
 * Elsewhere, plain calloc.
 */
#define BIG_TABLE ((size_t)4 << 20)

#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_SLOW_NS 2000000L

/* 0: huge pages advised (and timed); 1: not, slow here; 2: not, set by
 * pmx_table_huge_pages. Shared by the threads of `assess --threads`. */
static atomic_int huge_off;

static long elapsed_ns(const struct timespec *a, const struct timespec *b)
{
    return (long)(b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

/* Fault p[0..bytes) in, writable (page-aligned). */
static void populate(char *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    /* Out of memory (ENOMEM) is not forced here: the pages are then faulted
     * as they are used, as before. */
    if (madvise(p, bytes, MADV_POPULATE_WRITE) == 0 || errno != EINVAL)
        return;
#endif
    /* (before Linux 5.14: write a byte of each page, zero as it was) */
    for (size_t i = 0; i < bytes; i += 4096)
        ((volatile char *)p)[i] = 0;
}

/* Back the mapping p[0..bytes), whose part from `fresh` on is new and zero
 * (see above). The advice covers the whole mapping, always the same: a
 * mapping split by two kinds of advice could not be remapped in one piece.
 * (Huge pages already in place stay when the rest is advised off.) */
static void back_region(char *p, size_t bytes, size_t fresh)
{
    if (atomic_load_explicit(&huge_off, memory_order_relaxed)) {
        madvise(p, bytes, MADV_NOHUGEPAGE);
        populate(p + fresh, bytes - fresh);
        return;
    }
    madvise(p, bytes, MADV_HUGEPAGE);
    char *end = p + bytes;
    char *q = (char *)(((uintptr_t)p + fresh + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    for (; q + HUGE_PAGE <= end; q += HUGE_PAGE) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        *(volatile char *)q = 0; /* the page is zero: a write that faults it in */
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (elapsed_ns(&t0, &t1) > HUGE_SLOW_NS) {
            int expect = 0;
            atomic_compare_exchange_strong(&huge_off, &expect, 1);
            madvise(p, bytes, MADV_NOHUGEPAGE);
            break;
        }
    }
    /* the small pages: the rest after a slow one, or the ends not in a
     * whole huge page (the huge pages faulted above are skipped) */
    populate(p + fresh, bytes - fresh);
}
#endif

int pmx_table_huge_pages(int on)
{
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
    if (on >= 0)
        atomic_store(&huge_off, on ? 0 : 2);
    return atomic_load(&huge_off) == 0;
#else
    (void)on;
    return 0;
#endif
}

void *pmx_table_alloc(size_t bytes)
{
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
    if (bytes >= BIG_TABLE) {
        void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
        back_region(p, bytes, 0);
        return p;
    }
#endif
    return calloc(1, bytes ? bytes : 1);
}

void pmx_table_free(void *p, size_t bytes)
{
    if (!p)
        return;
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
    if (bytes >= BIG_TABLE) {
        munmap(p, bytes);
        return;
    }
#endif
    free(p);
}

/* Memory of new_bytes (> old_bytes) whose first old_bytes are p's and the
 * rest zero, p released; NULL (p untouched) when out of memory. A big
 * table is remapped: its pages are kept (not copied, not touched again),
 * and only the new part is fresh. */
static void *table_enlarge(void *p, size_t old_bytes, size_t new_bytes)
{
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS) && defined(MREMAP_MAYMOVE)
    if (old_bytes >= BIG_TABLE) {
        char *q = mremap(p, old_bytes, new_bytes, MREMAP_MAYMOVE);
        if (q != MAP_FAILED) {
            back_region(q, new_bytes, old_bytes);
            return q;
        }
        /* (out of address space or memory: copying may still fit) */
    }
#endif
    void *q = pmx_table_alloc(new_bytes);
    if (!q)
        return NULL;
    memcpy(q, p, old_bytes);
    pmx_table_free(p, old_bytes);
    return q;
}

/*
 * Doubling a linear-probing table (home = hash & (cap - 1)) in place.
 * Allocating the doubled table and copying into it touches fresh memory
 * for the whole new table at every doubling, and holds both tables at the
 * peak; on a virtual machine the first touch of a page is most of the cost
 * of a big table. In place, the old slots keep their pages and only the new
 * half is fresh: the table's memory is touched once in all, and the peak is
 * the final table.
 *
 * Each slot moves to its new home: its old home (the hash bit `cap` clear)
 * or that plus cap. Take the slots out in position order and reinsert them
 * with probing in the doubled table; a reinserted slot then lands no later
 * than where it was (its old home is at or before it in its cluster; a home
 * in the new half probes the new half, which holds only reinserted slots,
 * and may wrap to position 0), so every slot it passes is one already
 * reinserted, which never moves again: the probe paths stay unbroken. The
 * one cluster that wraps round the old table's end (positions 0 .. s - 1,
 * s the first empty slot) would break that order: its slots are set aside
 * first and inserted last.
 */
/* A slot copied, or cleared. The tables' slots are 16 or 32 bytes: with
 * the size a constant the copy is two or four moves, where memcpy of a
 * size known only at run time is a call (2 % of a 10 M-row log's time,
 * two calls and a memset per moved slot). */
static inline void copy_slot(char *dst, const char *src, size_t size)
{
    if (size == 16)
        memcpy(dst, src, 16);
    else if (size == 32)
        memcpy(dst, src, 32);
    else
        memcpy(dst, src, size);
}

static inline void clear_slot(char *v, size_t size)
{
    if (size == 16)
        memset(v, 0, 16);
    else if (size == 32)
        memset(v, 0, 32);
    else
        memset(v, 0, size);
}

/* pmx_table_double's body, always inlined: into pmx_table_double for any
 * table, and into the string table's grow with its hash known, so that
 * moving a slot there is no indirect call (the item table of a log of 4.7 M
 * items moves about 9 M slots over its doublings). */
static inline __attribute__((always_inline)) pm_status
table_double(void **slots, size_t *cap, size_t size, size_t used_off,
             uint64_t (*hash)(const void *slot, const void *ctx), const void *ctx)
{
    size_t c = *cap;
    char tmp[64];
    if (size > sizeof tmp || c > SIZE_MAX / 2 / size)
        return PM_ENOMEM;
    char *t = *slots;
#define USED(p) (*(const uint32_t *)(const void *)((p) + used_off) != 0)
    size_t s = 0;
    while (s < c && USED(t + s * size))
        s++;
    if (s == c)
        return PM_EINVAL; /* a full table: never at the load limits used */
    char *aside = s ? malloc(s * size) : NULL;
    if (s && !aside)
        return PM_ENOMEM;
    char *n = table_enlarge(t, c * size, 2 * c * size);
    if (!n) {
        free(aside);
        return PM_ENOMEM;
    }
    size_t mask = 2 * c - 1;
    if (s) {
        memcpy(aside, n, s * size);
        memset(n, 0, s * size);
    }
    /* The homes of a block of slots first: the hash of a slot is often a
     * load from memory (an item's hash by id), and loads with no stores
     * between them overlap, where one per move waits for the last. A slot
     * ahead in the block is not moved before its turn (slots land at or
     * before their place, or in the new half). */
    enum { BLOCK = 64 };
    size_t home[BLOCK];
    for (size_t b = s + 1; b < c; b += BLOCK) {
        size_t m = c - b < BLOCK ? c - b : BLOCK;
        for (size_t k = 0; k < m; k++)
            home[k] = USED(n + (b + k) * size) ? hash(n + (b + k) * size, ctx) & mask : b + k;
        for (size_t k = 0; k < m; k++) {
            size_t i = b + k, j = home[k];
            if (j == i)
                continue; /* empty, or home already (every slot before it is final) */
            char *v = n + i * size;
            copy_slot(tmp, v, size);
            clear_slot(v, size);
            while (USED(n + j * size))
                j = (j + 1) & mask;
            copy_slot(n + j * size, tmp, size);
        }
    }
    for (size_t k = 0; k < s; k++) {
        const char *v = aside + k * size;
        size_t j = hash(v, ctx) & mask;
        while (USED(n + j * size))
            j = (j + 1) & mask;
        copy_slot(n + j * size, v, size);
    }
#undef USED
    free(aside);
    *slots = n;
    *cap = 2 * c;
    return PM_OK;
}

pm_status pmx_table_double(void **slots, size_t *cap, size_t size, size_t used_off,
                           uint64_t (*hash)(const void *slot, const void *ctx), const void *ctx)
{
    return table_double(slots, cap, size, used_off, hash, ctx);
}

void pmx_arena_init(pmx_arena *a)
{
    a->head = NULL;
    a->used = a->cap = a->bytes = 0;
}

void pmx_arena_free(pmx_arena *a)
{
    struct pmx_chunk *c = a->head;
    while (c) {
        struct pmx_chunk *next = c->next;
        free(c);
        c = next;
    }
    pmx_arena_init(a);
}

void *pmx_arena_alloc(pmx_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (n == 0 || n > SIZE_MAX / 2)
        return NULL;
    if (!a->head || a->cap - a->used < n) {
        /* A string larger than a chunk gets a chunk of its own. */
        size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        struct pmx_chunk *c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
        a->used = 0;
        a->cap = cap;
        a->bytes += sizeof *c + cap;
    }
    void *p = (char *)a->head->data + a->used;
    a->used += n;
    return p;
}

char *pmx_arena_strdup(pmx_arena *a, const char *s, size_t len)
{
    char *p = pmx_arena_alloc(a, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t mix(uint64_t a, uint64_t b)
{
    /* The 64x64 -> 128 multiply folded (wyhash's mum): one instruction
     * where the compiler has a 128-bit type, else four 32-bit products
     * (the same value). */
#ifdef __SIZEOF_INT128__
    __extension__ typedef unsigned __int128 u128;
    u128 r = (u128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
    uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    uint64_t lo = (ll & 0xffffffffu) | (mid << 32);
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return lo ^ hi;
#endif
}

uint64_t pmx_hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL;
    uint64_t h = k0 ^ (uint64_t)len;
    size_t n = len;
    while (n >= 8) {
        h = mix(h ^ load64(p), k1);
        p += 8;
        n -= 8;
    }
    /* The last n < 8 bytes as a little-endian number: from the 8 bytes
     * that end the string when there are 8 (one load, shifted), else byte
     * by byte. The same value either way. */
    uint64_t tail = 0;
    if (n && len >= 8) {
        uint64_t w;
        memcpy(&w, p + n - 8, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        tail = w >> (64 - 8 * n);
#else
        for (size_t i = 0; i < n; i++)
            tail |= (uint64_t)p[i] << (8 * i);
#endif
    } else {
        for (size_t i = 0; i < n; i++)
            tail |= (uint64_t)p[i] << (8 * i);
    }
    h = mix(h ^ tail, k1 ^ (uint64_t)n);
    return pmx_hash_u64(h);
}

static pm_status init(pmx_strtab *t, pmx_arena *arena, int keep_strings)
{
    memset(t, 0, sizeof *t);
    t->arena = arena;
    t->cap = 64;
    t->slots = pmx_table_alloc(t->cap * sizeof *t->slots);
    t->strs_cap = 64;
    t->hash = malloc(t->strs_cap * sizeof *t->hash);
    t->strs = keep_strings ? malloc(t->strs_cap * sizeof *t->strs) : NULL;
    if (!t->slots || !t->hash || (keep_strings && !t->strs)) {
        pmx_strtab_free(t);
        return PM_ENOMEM;
    }
    return PM_OK;
}

pm_status pmx_strtab_init(pmx_strtab *t, pmx_arena *arena)
{
    return init(t, arena, 1);
}

pm_status pmx_strtab_init_set(pmx_strtab *t, pmx_arena *arena)
{
    return init(t, arena, 0);
}

void pmx_strtab_free(pmx_strtab *t)
{
    pmx_table_free(t->slots, t->cap * sizeof *t->slots);
    free(t->strs);
    free(t->hash);
    t->slots = NULL;
    t->strs = NULL;
    t->hash = NULL;
    t->cap = t->count = t->strs_cap = 0;
}

size_t pmx_strtab_bytes(const pmx_strtab *t)
{
    return t->cap * sizeof *t->slots +
           t->strs_cap * (sizeof *t->hash + (t->strs ? sizeof *t->strs : 0));
}

/* A slot's hash for doubling the table. Its tag is the hash's low 32
 * bits: all that the doubled table's mask keeps while it has at most 2^32
 * slots, so moving a slot reads no memory but the slot. (The full hash by
 * id is a random read of an array as long as the table's strings: a cache
 * miss per moved slot once it outgrows the cache.) */
static uint64_t slot_hash(const void *slot, const void *ctx)
{
    const pmx_strtab *t = ctx;
    const pmx_strslot *v = slot;
    if (t->cap <= ((size_t)1 << 31))
        return v->tag;
    return t->hash[v->id1 - 1];
}

static pm_status grow(pmx_strtab *t)
{
    void *slots = t->slots;
    pm_status st =
        table_double(&slots, &t->cap, sizeof *t->slots, offsetof(pmx_strslot, id1), slot_hash, t);
    t->slots = slots;
    return st;
}

static pmx_strslot make_slot(uint32_t tag, uint32_t id, const char *copy, size_t len)
{
    pmx_strslot v = {.tag = tag, .id1 = id + 1};
    if (len <= PMX_INLINE) {
        memcpy(v.inl, copy, len + 1);
    } else {
        memcpy(v.inl, &copy, sizeof copy);
        v.inl[PMX_INLINE] = 1;
    }
    return v;
}

uint32_t pmx_strtab_find(const pmx_strtab *t, const char *s)
{
    size_t len = strlen(s);
    return pmx_strtab_find_h(t, s, len, pmx_hash_bytes(s, len));
}

uint32_t pmx_strtab_find_h(const pmx_strtab *t, const char *s, size_t len, uint64_t h)
{
    uint32_t tag = (uint32_t)h;
    for (size_t j = h & (t->cap - 1);; j = (j + 1) & (t->cap - 1)) {
        const pmx_strslot *v = &t->slots[j];
        if (!v->id1)
            return UINT32_MAX;
        if (v->tag == tag && pmx_strslot_is(v, s, len))
            return v->id1 - 1;
    }
}

pm_status pmx_strtab_intern(pmx_strtab *t, const char *s, uint32_t *out, int *is_new)
{
    size_t len = strlen(s);
    return pmx_strtab_intern_h(t, s, len, pmx_hash_bytes(s, len), out, is_new);
}

pm_status pmx_strtab_insert_at(pmx_strtab *t, const char *s, size_t len, uint64_t h, size_t j,
                               uint32_t *out, int *is_new)
{
    uint32_t tag = (uint32_t)h;
    if (t->count >= UINT32_MAX - 2)
        return PM_ELIMIT;
    if (t->count == t->strs_cap) {
        uint64_t *hash = realloc(t->hash, 2 * t->strs_cap * sizeof *hash);
        if (hash)
            t->hash = hash;
        const char **strs =
            hash && t->strs ? realloc(t->strs, 2 * t->strs_cap * sizeof *strs) : NULL;
        if (!hash || (t->strs && !strs))
            return PM_ENOMEM;
        t->strs = strs;
        t->strs_cap *= 2;
    }
    /* A set keeps a short string in its slot only. */
    const char *copy = t->strs || len > PMX_INLINE ? pmx_arena_strdup(t->arena, s, len) : s;
    if (!copy)
        return PM_ENOMEM;
    uint32_t id = (uint32_t)t->count++;
    if (t->strs)
        t->strs[id] = copy;
    t->hash[id] = h;
    t->slots[j] = make_slot(tag, id, copy, len);
    *out = id;
    if (is_new)
        *is_new = 1;
    if (t->count * STRTAB_MAX_LOAD_DEN > t->cap * STRTAB_MAX_LOAD_NUM)
        return grow(t);
    return PM_OK;
}
