/* The (annotator, item) open-addressing table of `assess`. */
#include <stddef.h>
#include <stdlib.h>

#include "core/hash.h"
#include "pipeline/assess_internal.h"

#define KEYTAB_INITIAL 1024

pm_status pmx_keytab_init(pmx_keytab *t)
{
    t->cap = KEYTAB_INITIAL;
    t->count = 0;
    t->slots = pmx_table_alloc(t->cap * sizeof *t->slots);
    return t->slots ? PM_OK : PM_ENOMEM;
}

void pmx_keytab_free(pmx_keytab *t)
{
    pmx_table_free(t->slots, t->cap * sizeof *t->slots);
    t->slots = NULL;
    t->cap = t->count = 0;
}

static uint64_t slot_hash(const void *slot, const void *ctx)
{
    const pmx_key *k = slot;
    return pmx_keytab_hash((k->ann & ~PMX_KEY_FLAGS) - 1, pmx_items_hash(ctx, k->item));
}

/* Double the table until it has cap slots (a power of two, > t->cap), in
 * place (pmx_table_double: the table's pages are touched once in all). */
static pm_status grow_to(pmx_keytab *t, size_t cap, const pmx_items *items)
{
    /* 32 hash bits address 2^32 slots: past that the table is full. */
    if (cap > ((size_t)1 << 32) || cap > SIZE_MAX / sizeof *t->slots)
        return PM_ELIMIT;
    while (t->cap < cap) {
        void *slots = t->slots;
        pm_status st = pmx_table_double(&slots, &t->cap, sizeof *t->slots, offsetof(pmx_key, ann),
                                        slot_hash, items);
        t->slots = slots;
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

/* The capacity that holds n keys at most 70% full; 0 past 2^32 slots. */
static size_t cap_for(size_t n)
{
    size_t cap = KEYTAB_INITIAL;
    while (n >= cap / 10 * 7 && cap <= ((size_t)1 << 32))
        cap *= 2;
    return cap > ((size_t)1 << 32) ? 0 : cap;
}

size_t pmx_keytab_bytes_for(size_t keys)
{
    return cap_for(keys) * sizeof(pmx_key);
}

pm_status pmx_keytab_reserve(pmx_keytab *t, size_t keys, const pmx_items *items)
{
    size_t cap = cap_for(keys);
    if (!cap)
        return PM_ELIMIT;
    if (cap <= t->cap)
        return PM_OK;
    if (t->count == 0) {
        /* Empty (the usual case: reserved from the file's size before the
         * first row): a fresh table of the final size. Doubling it there
         * scanned every slot of every size on the way, 4 M-slot table
         * after table to 16 M for a 10 M-row log (39 instructions a row of
         * a 1 M-row log, and 0.5 GB of memory read for nothing). */
        pmx_key *slots = pmx_table_alloc(cap * sizeof *slots);
        if (!slots)
            return PM_ENOMEM;
        pmx_table_free(t->slots, t->cap * sizeof *t->slots);
        t->slots = slots;
        t->cap = cap;
        return PM_OK;
    }
    return grow_to(t, cap, items);
}

pm_status pmx_keytab_grow(pmx_keytab *t, const pmx_items *items)
{
    return grow_to(t, t->cap * 2, items);
}
