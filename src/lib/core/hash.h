/*
** Internal: a bump arena for interned strings, a string interning table and
** the hash functions behind the open-addressing tables of the pipeline.
**
** Ownership: a pmx_strtab borrows its arena (the caller frees both, table
** first); interned strings live as long as the arena. Not thread-safe.
*/
#ifndef PREFMON_CORE_HASH_H
#define PREFMON_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "prefmon/status.h"

/** Zeroed memory for a hash table of `bytes` (huge pages when large, and
 *  while they are quick to fault: see hash.c); NULL when out of memory.
 *  Free with the same size. Thread-safe. */
void *pmx_table_alloc(size_t bytes);
void pmx_table_free(void *p, size_t bytes);
/** Whether tables allocated from now on get huge pages: on = 1 advises them
 *  again (and times them), 0 stops, -1 only asks. 0 where there are none. */
int pmx_table_huge_pages(int on);

/** Double the open-addressing table *slots of *cap slots (a power of two)
 *  of `size` bytes (at most 64) in place, when linear probing from
 *  hash(slot, ctx) & (cap - 1) places its slots and a slot is empty when the
 *  uint32_t at byte used_off is 0. Its memory must come from
 *  pmx_table_alloc (the pointer may change). PM_ENOMEM leaves the table as
 *  it was. */
pm_status pmx_table_double(void **slots, size_t *cap, size_t size, size_t used_off,
                           uint64_t (*hash)(const void *slot, const void *ctx), const void *ctx);

/** A chunked bump allocator: many small strings, freed all at once. */
typedef struct pmx_arena {
    struct pmx_chunk *head;
    size_t used, cap; /* in the head chunk */
    size_t bytes;     /* everything allocated from malloc, for memory limits */
} pmx_arena;

void pmx_arena_init(pmx_arena *a);
void pmx_arena_free(pmx_arena *a);
/** n bytes aligned to 8, or NULL when out of memory. */
void *pmx_arena_alloc(pmx_arena *a, size_t n);
/** A copy of s[0..len) with a terminating NUL, or NULL. */
char *pmx_arena_strdup(pmx_arena *a, const char *s, size_t len);

/** 64-bit hash of a byte string (8 bytes per multiply; not cryptographic). */
uint64_t pmx_hash_bytes(const void *p, size_t len);

/** Finaliser of a 64-bit key (splitmix64): every input bit moves every
 *  output bit, so linear probing on the low bits stays short. */
static inline uint64_t pmx_hash_u64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/**
 * Interned strings, numbered 0, 1, 2, ... in order of first appearance.
 * Open addressing with linear probing, at most 70% full. A slot (32 bytes)
 * holds the hash's low 32 bits (which also give its home, so doubling the
 * table reads no other memory), the id and the string itself when it is at most
 * PMX_INLINE bytes long (else a pointer to it), so a probe compares
 * integers and a hit on a short key compares bytes already in the slot's
 * cache line, with no second memory access. Per distinct string: 32 / load
 * (32..91) bytes of slots, 16 bytes of index (string, full hash), the string
 * and its NUL rounded up to 8 (a set: 8 bytes of index, and the string
 * only when longer than PMX_INLINE).
 */
#define PMX_INLINE 23

typedef struct pmx_strslot {
    uint32_t tag;             /* low 32 bits of the hash */
    uint32_t id1;             /* id + 1; 0 marks an empty slot */
    char inl[PMX_INLINE + 1]; /* the string and NUL; inl[PMX_INLINE] = 1 when
                                 inl holds a pointer to a longer string */
} pmx_strslot;

typedef struct pmx_strtab {
    pmx_strslot *slots;
    size_t cap, count; /* cap a power of two */
    uint64_t *hash;    /* by id: the full hash, for growing (and callers' tables) */
    const char **strs; /* by id: the string; NULL for a set (pmx_strtab_init_set) */
    size_t strs_cap;
    pmx_arena *arena;
} pmx_strtab;

pm_status pmx_strtab_init(pmx_strtab *t, pmx_arena *arena);
/** A table that only numbers its strings (item keys): a string of at most
 *  PMX_INLINE bytes lives in its slot alone, with no copy in the arena and
 *  no pointer by id (24 bytes less per string), so pmx_strtab_str must not
 *  be used on it. */
pm_status pmx_strtab_init_set(pmx_strtab *t, pmx_arena *arena);
void pmx_strtab_free(pmx_strtab *t);
/** The id of s (interning it when new; *is_new, may be NULL, says which).
 *  PM_ENOMEM, or PM_ELIMIT past 2^32 - 2 strings. */
pm_status pmx_strtab_intern(pmx_strtab *t, const char *s, uint32_t *id, int *is_new);
/** The slow half of pmx_strtab_intern_h: s is not in t, and slot j is
 *  the empty one its probe ended on. */
pm_status pmx_strtab_insert_at(pmx_strtab *t, const char *s, size_t len, uint64_t h, size_t j,
                               uint32_t *id, int *is_new);

static inline uint64_t pmx_ld8(const char *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}

static inline uint32_t pmx_ld4(const char *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

/* The n bytes at a and at s equal (1 <= n <= PMX_INLINE + 1: a short
 * string and its NUL), read in at most three overlapping words, none past
 * s[n - 1]: a memcmp call per hit was 18 instructions of a row, and the
 * call as many again. */
static inline int pmx_short_eq(const char *a, const char *s, size_t n)
{
    if (n >= 8) {
        int eq = pmx_ld8(a) == pmx_ld8(s) && pmx_ld8(a + n - 8) == pmx_ld8(s + n - 8);
        return n > 16 ? eq && pmx_ld8(a + 8) == pmx_ld8(s + 8) : eq;
    }
    if (n >= 4)
        return pmx_ld4(a) == pmx_ld4(s) && pmx_ld4(a + n - 4) == pmx_ld4(s + n - 4);
    for (size_t i = 0; i < n; i++)
        if (a[i] != s[i])
            return 0;
    return 1;
}

/* d[0..n) = s[0..n) in at most two overlapping moves when n <= 32, as
 * most keys, names and labels with their NUL are: a memcpy call per
 * string took 19 instructions of each row of `assess`. */
static inline void pmx_copy_short(char *d, const char *s, size_t n)
{
    if (n >= 16 && n <= 32) {
        char x[16], y[16];
        __builtin_memcpy(x, s, 16);
        __builtin_memcpy(y, s + n - 16, 16);
        __builtin_memcpy(d, x, 16);
        __builtin_memcpy(d + n - 16, y, 16);
    } else if (n >= 8 && n < 16) {
        uint64_t x = pmx_ld8(s), y = pmx_ld8(s + n - 8);
        __builtin_memcpy(d, &x, 8);
        __builtin_memcpy(d + n - 8, &y, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t x = pmx_ld4(s), y = pmx_ld4(s + n - 4);
        __builtin_memcpy(d, &x, 4);
        __builtin_memcpy(d + n - 4, &y, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    } else {
        __builtin_memcpy(d, s, n);
    }
}

/* Does slot v (used) hold s, of length len? */
static inline int pmx_strslot_is(const pmx_strslot *v, const char *s, size_t len)
{
    if (len <= PMX_INLINE)
        return v->inl[PMX_INLINE] == 0 && pmx_short_eq(v->inl, s, len + 1);
    const char *p;
    if (v->inl[PMX_INLINE] == 0)
        return 0;
    __builtin_memcpy(&p, v->inl, sizeof p);
    return __builtin_strcmp(p, s) == 0;
}

/** As pmx_strtab_intern with h = pmx_hash_bytes(s, strlen(s)) given.
 *  Inline, the hit at least: it runs once or twice a row of `assess`, and
 *  as a call it spent 14 instructions saving registers for the insert. */
static inline __attribute__((always_inline)) pm_status
pmx_strtab_intern_h(pmx_strtab *t, const char *s, size_t len, uint64_t h, uint32_t *id, int *is_new)
{
    uint32_t tag = (uint32_t)h;
    size_t mask = t->cap - 1;
    for (size_t j = h & mask;; j = (j + 1) & mask) {
        const pmx_strslot *v = &t->slots[j];
        if (!v->id1)
            return pmx_strtab_insert_at(t, s, len, h, j, id, is_new);
        if (v->tag == tag && pmx_strslot_is(v, s, len)) {
            *id = v->id1 - 1;
            if (is_new)
                *is_new = 0;
            return PM_OK;
        }
    }
}
/** Start loading the slot where a string of hash h would be, and the one
 *  after it (t a const pmx_strtab *): a hit probes 1.5-2 slots on average
 *  at the table's load, and a 32-byte slot is the second of its cache line
 *  half the time, so the probe often reads the next line too (10 M-row
 *  logs, best of 5 wall: sessions 1.67 -> 1.58 s, task-ordered 2.10 ->
 *  2.05 s, rich unchanged). A macro, not an inline function: GCC judges a
 *  void function whose only statement is a prefetch to be pure and deletes
 *  the calls to it that it has not inlined first, and then nothing is
 *  loaded ahead (GCC 12 did so at -O2 to every prefetch of assess.c). */
#define PMX_STRTAB_PREFETCH(t, h)                                                                  \
    (__builtin_prefetch(&(t)->slots[(h) & ((t)->cap - 1)]),                                        \
     __builtin_prefetch((const char *)&(t)->slots[(h) & ((t)->cap - 1)] + 32))
/** The id of s, or UINT32_MAX when s was never interned. */
uint32_t pmx_strtab_find(const pmx_strtab *t, const char *s);
/** The same for s of len bytes whose hash h is known. */
uint32_t pmx_strtab_find_h(const pmx_strtab *t, const char *s, size_t len, uint64_t h);
/** The string a used slot holds (a set's strings are found only this way). */
static inline const char *pmx_strslot_str(const pmx_strslot *v)
{
    const char *p = v->inl;
    if (v->inl[PMX_INLINE])
        __builtin_memcpy(&p, v->inl, sizeof p);
    return p;
}
static inline const char *pmx_strtab_str(const pmx_strtab *t, uint32_t id)
{
    return t->strs[id];
}
static inline uint64_t pmx_strtab_hash(const pmx_strtab *t, uint32_t id)
{
    return t->hash[id];
}
/** Bytes of the table itself (slots and index, not the arena). */
size_t pmx_strtab_bytes(const pmx_strtab *t);

#endif
