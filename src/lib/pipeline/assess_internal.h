/* Internal: the pieces of `assess` shared between its files (pmx_). */
#ifndef PREFMON_ASSESS_INTERNAL_H
#define PREFMON_ASSESS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "io/records_plain.h"
#include "prefmon/assess.h"

typedef struct pmx_rank pmx_rank; /* assess_rank.c */

/* Grow the array *p of `size`-byte elements (capacity *cap) to hold at
 * least need, doubling; the new elements are zeroed when `zero`. 0 when
 * out of memory (*p unchanged). For assess.c and assess_rank.c. */
static inline int pmx_reserve_z(void **p, size_t *cap, size_t need, size_t size, int zero)
{
    if (need <= *cap)
        return 1;
    /* (4 first when that is enough: a million annotators' label counts are
     * a million small arrays, most holding A and B) */
    size_t c = *cap ? *cap : need <= 4 ? 4 : 16;
    while (c < need)
        c *= 2;
    if (c > SIZE_MAX / size)
        return 0;
    void *q = realloc(*p, c * size);
    if (!q)
        return 0;
    if (zero)
        memset((char *)q + *cap * size, 0, (c - *cap) * size);
    *p = q;
    *cap = c;
    return 1;
}

/* ---- assess_keys.c: the (annotator, item) table ------------------------ */

/* One distinct (annotator, item) key: 16 bytes. Input-order pairing needs
 * only the label of the key's latest event. While the annotator's labels
 * all carry timestamps the key's events are listed anyway (for reordering
 * at finish), newest first, and the list's head event holds that label:
 * so `v` is either the head of the list (1-based event index; the
 * PMX_KEY_LIST bit of `ann` set) or the latest label itself. The slot's
 * hash is not kept either: growing recomputes it from the item table's
 * hash of the item. Every byte saved here is a byte less to zero and to
 * miss in cache on each row; the price is one event read per repeated key
 * and a slower grow, which happens about once per key. */
typedef struct pmx_key {
    uint32_t ann; /* annotator id + 1, | PMX_KEY_LIST, | the event count (PMX_KEY_SEEN);
                     0 marks an empty slot */
    uint32_t item;
    uint32_t v; /* head of the event list, or the latest label */
    uint32_t h; /* content hash of the latest record (pmx_prepped.ch): a repeat equal to it
                   in label and hash is the same line again (an export artefact or a
                   consistent re-label: see assess.h, "Repeats") */
} pmx_key;

#define PMX_KEY_LIST 0x80000000u
/* The key's events counted up to 3 (0 = one, 1 = two, 2 = three or more):
 * finish re-pairs only lists of three or more (two agree in either order),
 * and finds them without reading the event array. */
#define PMX_KEY_SEEN 0x60000000u
#define PMX_KEY_SEEN_ONE 0x20000000u
#define PMX_KEY_SEEN_3 0x40000000u
#define PMX_KEY_FLAGS (PMX_KEY_LIST | PMX_KEY_SEEN)
/* Annotator ids stay below this so that the flag bits are free. */
#define PMX_MAX_ANNOTATORS (PMX_KEY_SEEN_ONE - 2)

/* A label event of a key in a list, newest first: 16 bytes. */
typedef struct pmx_event {
    double ts;
    uint32_t label;
    uint32_t next; /* 1-based, 0 ends the list */
} pmx_event;

/* Events live in fixed chunks of 4 MiB, never moved: appending costs no
 * realloc copy, at most one partly used chunk is held beyond the events,
 * and a chunk is big enough for pmx_table_alloc to map it on its own: huge
 * pages while they are quick to fault, every page faulted at once (see
 * core/hash.c). */
#define PMX_EV_SHIFT 18
#define PMX_EV_CHUNK ((size_t)1 << PMX_EV_SHIFT)

typedef struct pmx_events {
    pmx_event **chunk;
    size_t nchunks, chunks_cap;
    size_t n; /* events stored; event i (1-based) is at index i - 1 */
} pmx_events;

static inline pmx_event *pmx_event_at(const pmx_events *e, uint32_t i)
{
    size_t k = (size_t)i - 1;
    return &e->chunk[k >> PMX_EV_SHIFT][k & (PMX_EV_CHUNK - 1)];
}

/* The item tables behind the item ids of an accumulator: its own one
 * (n = 1, id = the table's id), or, in a shard of a handle with threads, the
 * n = nshards tables of the item classes (pmx_assess_item_class): item id =
 * local id * n + class, so that every item is numbered once across the
 * shards. Growing the key table and the ranking units read the item's
 * string hash by id through this view. */
typedef struct pmx_items {
    const pmx_strtab *tab[PM_ASSESS_MAX_THREADS];
    uint32_t n;
} pmx_items;

static inline uint64_t pmx_items_hash(const pmx_items *v, uint32_t id)
{
    if (v->n == 1)
        return pmx_strtab_hash(v->tab[0], id);
    return pmx_strtab_hash(v->tab[id % v->n], id / v->n);
}

typedef struct pmx_keytab {
    pmx_key *slots;
    size_t cap, count; /* cap a power of two, at most 70% full */
} pmx_keytab;

pm_status pmx_keytab_init(pmx_keytab *t);
void pmx_keytab_free(pmx_keytab *t);
/* The position of (ann, an item whose string hash is item_hash): known, and
 * prefetched, before the item has been interned. Inline: they run once per
 * row ahead of the lookups. */
static inline uint32_t pmx_keytab_hash(uint32_t ann, uint64_t item_hash)
{
    return (uint32_t)pmx_hash_u64(item_hash + (ann + 1) * 0x9e3779b97f4a7c15ULL);
}
/* A macro for the reason given at PMX_STRTAB_PREFETCH (core/hash.h). */
#define PMX_KEYTAB_PREFETCH(t, hash) __builtin_prefetch(&(t)->slots[(hash) & ((t)->cap - 1)])
/* Grow now to hold `keys` keys without growing again (never shrinks):
 * PM_ENOMEM, or PM_ELIMIT past 2^32 slots. */
pm_status pmx_keytab_reserve(pmx_keytab *t, size_t keys, const pmx_items *items);
/* Bytes of the slots of a table reserved for `keys` keys (0 past the limit). */
size_t pmx_keytab_bytes_for(size_t keys);
/* Double t (PM_ENOMEM; PM_ELIMIT past 2^32 slots). */
pm_status pmx_keytab_grow(pmx_keytab *t, const pmx_items *items);
/* The key's slot, inserted (v = 0, no list) when new; items is
 * the tables that numbered the items (for their hashes when growing).
 * Inline: once a row, and as a call it spent a tenth of itself on the
 * call. */
static inline __attribute__((always_inline)) pm_status pmx_keytab_get(pmx_keytab *t, uint32_t ann,
                                                                      uint32_t item, uint32_t hash,
                                                                      const pmx_items *items,
                                                                      pmx_key **out, int *is_new)
{
    /* Grow before inserting so the returned pointer stays valid. */
    if ((t->count + 1) * 10 > t->cap * 7) {
        pm_status st = pmx_keytab_grow(t, items);
        if (st != PM_OK)
            return st;
    }
    uint32_t a1 = ann + 1;
    size_t mask = t->cap - 1;
    for (size_t j = hash & mask;; j = (j + 1) & mask) {
        pmx_key *k = &t->slots[j];
        if ((k->ann & ~PMX_KEY_FLAGS) == a1 && k->item == item) {
            *out = k;
            *is_new = 0;
            return PM_OK;
        }
        if (!k->ann) {
            *k = (pmx_key){.ann = a1, .item = item};
            t->count++;
            *out = k;
            *is_new = 1;
            return PM_OK;
        }
    }
}

/* ---- assess.c: adding records in two steps ------------------------------ */

/* A record made ready for the tables: its annotator and label numbered
 * (both small tables, in cache), its item hashed and the key's slot
 * position known, so that the big tables' slots can be loaded ahead of
 * use. The strings item and gold are borrowed from the record (the batched
 * reader copies them first). */
typedef struct pmx_prepped {
    uint64_t h; /* the item's hash */
    const char *item, *gold;
    size_t len; /* of item */
    double ts, duration;
    const char *file;
    long line;
    uint32_t ann, kh, label;
    uint32_t ch; /* hash of the record's content: label, shown_left, timestamp, duration */
    char shown_left;
    uint64_t seq;     /* input index (a shard's order key for kept events) */
    uint32_t item_id; /* a shard's: the item's id, numbered before (pmx_assess_item) */
} pmx_prepped;

/* Check r (pm_assess_add's PM_EINVAL), prepare it and prefetch its two
 * table slots; numbering a new annotator or label may fail (PM_ENOMEM,
 * PM_ELIMIT), with the message. */
pm_status pmx_assess_prepare(pm_assess *a, const pm_record *r, pmx_prepped *p, pm_error *err);
/* pmx_assess_prepare for a row of the generic reader (io/records_plain.h),
 * whose lengths are known: the same checks and result. */
pm_status pmx_assess_prepare_row(pm_assess *a, const pmx_plain *r, pmx_prepped *p, pm_error *err);
/* A shard's pmx_assess_prepare_row for a row whose item was numbered
 * already (h its hash, item_id its id from pmx_assess_item; the item's
 * string and length are not read): item_st is the status of numbering it
 * (a failure is the row's, after the row's own checks); checked when r
 * came as a plain row (PMX_PLAIN_ROW: its fields need no check here). */
pm_status pmx_assess_prepare_known(pm_assess *shard, const pmx_plain *r, int checked, uint64_t h,
                                   uint32_t item_id, pm_status item_st, pmx_prepped *p,
                                   pm_error *err);
/* Add p[0..n) in order; *done counts the records added (on an error, the
 * index of the failing one). */
pm_status pmx_assess_run(pm_assess *a, const pmx_prepped *p, size_t n, size_t *done, pm_error *err);

/* ---- assess.c: shards (pm_assess_options.threads > 1) ------------------- */

/* A handle with threads > 1 holds that many shards (full accumulators of
 * their own): a record goes to the shard its annotator's name hashes to,
 * and finish merges them back (annotators and labels numbered in order of
 * their first record, as one accumulator numbers them), so that every
 * result is the same for every thread count. */
int pmx_assess_nshards(const pm_assess *a);
pm_assess *pmx_assess_shard(pm_assess *a, int i);
/* The shard of the annotator named annotator[0..len) (0 for NULL). */
int pmx_assess_shard_index(const pm_assess *a, const char *annotator, size_t len);

/* A name's bytes in two words: up to 8 bytes in w0 (the first and last 4
 * overlapping from 4 bytes on), and from 8 bytes on the first and last 8
 * in w0 and w1; the whole name when it has at most PMX_NAME_WHOLE bytes.
 * The annotator cache keys on them (assess.c), and the router below. */
#define PMX_NAME_WHOLE 16
static inline void pmx_name_words(const char *s, size_t len, uint64_t *w0, uint64_t *w1)
{
    uint64_t u = 0, v = 0;
    if (len >= 8) {
        memcpy(&u, s, 8);
        memcpy(&v, s + len - 8, 8);
    } else if (len >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + len - 4, 4);
        u = x | (uint64_t)y << 32;
    } else {
        for (size_t i = 0; i < len; i++)
            u = (u << 8) | (unsigned char)s[i];
    }
    *w0 = u;
    *w1 = v;
}

/* pmx_assess_shard_index for n shards (inline: once a row of the threaded
 * parse). Any function of the name will do (finish merges the shards back
 * in input order); this one is spread evenly and cheap: a name of up to
 * 16 bytes is mixed from its two words, where hashing its bytes had cost
 * 45 instructions a row. (Not by the annotator cache's own mix: a shard
 * would then fix the top bits of its names' cache slots, and each shard
 * would use a fraction of its cache.) */
static inline int pmx_shard_of_name(const char *name, size_t len, int n)
{
    if (!name)
        return 0;
    uint64_t h;
    if (len <= PMX_NAME_WHOLE) {
        uint64_t w0, w1;
        pmx_name_words(name, len, &w0, &w1);
        h = ((w0 * 0xff51afd7ed558ccdULL) ^ w1 ^ len) * 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 29;
    } else {
        h = pmx_hash_bytes(name, len);
    }
    return (int)(((h >> 32) * (uint64_t)n) >> 32);
}

/* pmx_assess_item_class for n shards: the top bits of the hash (the tables
 * index by its low bits). */
static inline int pmx_item_class_n(uint64_t h, int n)
{
    return (int)(((h >> 32) * (uint64_t)n) >> 32);
}
/* Items are numbered once across the shards: an item belongs to the class
 * its string hash h falls in (0 .. nshards - 1), and class t's items are
 * numbered in shard t's item table. pmx_assess_item numbers the item
 * s[0..len) of hash h (of class t) there, giving its id for every shard;
 * it touches shard t's item table and arena only, so that thread t may
 * number class t's items while other threads number other classes (and no
 * thread adds). PM_ENOMEM, PM_ELIMIT past 2^32 - 2 ids. */
int pmx_assess_item_class(const pm_assess *a, uint64_t h);
pm_status pmx_assess_item(pm_assess *a, int t, const char *s, size_t len, uint64_t h, uint32_t *id);
/* Class t's item table (read only: for prefetching its slots while the
 * items of the class are numbered, PMX_STRTAB_PREFETCH). */
const pmx_strtab *pmx_assess_items_of(const pm_assess *a, int t);
/* The input index of the next record (routed, or read by the threaded
 * reader), advanced by n. */
uint64_t pmx_assess_next_seq(pm_assess *a, uint64_t n);
/* A shard: the input index of the record prepared next. */
void pmx_assess_set_seq(pm_assess *a, uint64_t seq);
/* PM_EINVAL after finish. */
pm_status pmx_assess_check_usable(const pm_assess *a, pm_error *err);
/* max_bytes over every shard, with `extra` bytes held by the caller and
 * room for the next key-table doubling each shard's `more` new keys could
 * cause; the message at file:line. */
pm_status pmx_assess_shards_limit(const pm_assess *a, size_t extra, size_t more, const char *file,
                                  long line, pm_error *err);
/* assess_threads.c: pm_assess_read for a sharded handle: a regular csv,
 * tsv or jsonl file in chunks by as many threads as shards, anything else
 * record by record. */
pm_status pmx_assess_read_threads(pm_assess *a, pm_records *r, pm_error *err);

/* ---- assess_stats.c: numbers of one row, the delta estimate ------------- */

/* Chance agreement sum_k (c_k / total)^2. */
double pmx_q0(const long *counts, size_t ncounts, long total);
/* Median of v[0..n) (reorders v); the mean of the middle two when n is even. */
double pmx_median(double *v, size_t n);
/* eta_hat, ci, p_value, decision, low-effort and one-label flags of a row
 * whose labels, dup_pairs, consistent and q0 are set. */
pm_status pmx_assess_effort(pm_assess_row *r, double delta, const pm_assess_options *opt,
                            pm_error *err);
/* The repeat test of the summary (repeats_p, repeats_flagged; see
 * pm_assess_summary) from each annotator's untimestamped pairs rep_n[i] and
 * their disagreements rep_d[i], at delta and alpha. */
pm_status pmx_repeats_test(const long *rep_n, const long *rep_d, size_t n, double delta,
                           double alpha, pm_assess_summary *s);
/* The delta estimate (see pm_assess_summary) into s. */
pm_status pmx_delta_estimate(const pm_assess_row *rows, const unsigned char *eligible, size_t n,
                             double level, pm_assess_summary *s, pm_error *err);

/* ---- assess_flags.c: flags across annotators ---------------------------- */

/* Holm step-down adjusted p-values of p[0..m) into adj (may alias p). */
pm_status pmx_holm(const double *p, size_t m, double *adj);
/* same-side, too-fast and consistent-but-wrong; left_n/left_k per row. */
pm_status pmx_assess_flags(pm_assess_row *rows, size_t n, const long *left_n, const long *left_k,
                           const pm_assess_options *opt, pm_error *err);
/* Index of a flag name, -1 if unknown. */
int pmx_flag_index(const char *name);
/* Index of a decision name, -1 if unknown. */
int pmx_decision_index(const char *name);
/* The one check that a q0 given for everyone leaves an effort signal at
 * this delta (1 - delta > q0; NaN q0, per annotator, always passes):
 * PM_OK, or st with the explanation. Used on the options (fixed delta) and
 * at finish (estimated delta). */
pm_status pmx_assess_check_signal(double q0, double delta, int estimated, pm_status st,
                                  pm_error *err);
/* PM_EINVAL with the option named in err when opt is outside its domain. */
pm_status pmx_assess_check_options(const pm_assess_options *opt, pm_error *err);

/* ---- assess_pairs.c: pairs in order (keep_pairs) ----------------------- */

/* One kept label event. */
typedef struct pmx_kev {
    double t;   /* order key: the timestamp, or the input index (see pmx_kept_build) */
    size_t seq; /* input index */
    long pos;   /* set by pmx_kept_build: position in the annotator's order */
    uint32_t ann, item, label;
} pmx_kev;

/* The pairs and keys of every row, rows by index (row_of_ann maps an
 * annotator id to its row); strings borrowed from item_str and labels. */
typedef struct pmx_kept {
    pm_assess_pair *pairs;
    size_t *pair_off; /* row r's pairs are pairs[pair_off[r] .. pair_off[r + 1]) */
    pm_assess_key_labels *keys;
    size_t *key_off;
    char **outcomes; /* per row, "1101..." (the caller fills and owns the strings) */
} pmx_kept;

/* Sorts ev (its t set by the caller) and builds out; PM_ENOMEM. */
pm_status pmx_kept_build(pmx_kev *ev, size_t n, const size_t *row_of_ann, size_t nrows,
                         const char *const *item_str, const pmx_strtab *labels, pmx_kept *out,
                         const pmx_rank *rank, const pmx_strtab *anns);
void pmx_kept_free(pmx_kept *k);

/* ---- assess_rank.c: rankings of k responses (doc/assess.md, Rankings) -- */

/* Parsed ranking labels by label id and each annotator's ranking counters;
 * NULL until the first ranking record. */
void pmx_rank_free(pmx_rank *r);
/* --threads: move shard `from`'s rankings into *to after the shards were
 * merged (its label l is label lmap[l] of *to, of nlab; its annotator i is
 * amap[i], of nann); from keeps only what it still frees. PM_ENOMEM. */
pm_status pmx_rank_merge(pmx_rank **to, pmx_rank *from, const uint32_t *lmap, size_t nlab,
                         const uint32_t *amap, size_t nann);
size_t pmx_rank_bytes(const pmx_rank *r);
/* Mark label id `label` as the ranking `text` (canonical, records.h),
 * creating *r; PM_EINVAL when text is not a canonical ranking, PM_ENOMEM. */
pm_status pmx_rank_note(pmx_rank **r, uint32_t label, const char *text);
/* 1 when text is a canonical ranking label (k >= 2 non-empty ids, each once). */
int pmx_rank_valid(const char *text);
/* 1 when label id is a ranking (r may be NULL). */
int pmx_rank_is(const pmx_rank *r, uint32_t label);
/* The repeat (old then label) of (ann, item): counted into the annotator's
 * ranking counters with the next repeat index of the key; *agree the one
 * Bernoulli unit of the repeat. ann_hash/item_hash are the string hashes
 * of the annotator name and item key. PM_EINVAL when the two are not both
 * rankings of the same set of responses; PM_ENOMEM. */
pm_status pmx_rank_pair(pmx_rank *r, uint32_t ann, uint64_t ann_hash, uint32_t item,
                        uint64_t item_hash, uint32_t old, uint32_t label, int *agree);
/* The unit of the repeat (old then label) with index idx, counting nothing. */
int pmx_rank_unit(const pmx_rank *r, uint64_t ann_hash, uint64_t item_hash, uint32_t idx,
                  uint32_t old, uint32_t label);
/* The same for a repeat re-made at finish (timestamp order) with its index
 * idx given: sign 1 adds it, -1 takes it back; the unit's agreement. */
int pmx_rank_repair(pmx_rank *r, uint32_t ann, uint64_t ann_hash, uint64_t item_hash, uint32_t idx,
                    uint32_t old, uint32_t label, int sign);
/* The unit's pair {i < j} of responses (indices in byte order of the ids)
 * for a repeat of k >= 2 responses: pair number hash % C(k, 2) in the
 * order (0,1), (0,2), ..., (1,2), ...; the hash is returned. */
uint64_t pmx_rank_unit_pair(uint64_t ann_hash, uint64_t item_hash, uint32_t repeat, uint32_t k,
                            uint32_t *i, uint32_t *j);
/* Two rankings x, y (label ids) of one set compared over their pairs. */
typedef struct pmx_rank_cmp {
    long pairs, agree; /* C(k, 2) and the pairs both rank the same way */
    double tau_b;      /* Kendall's tau-b; NaN when either ranking is all ties */
} pmx_rank_cmp;
void pmx_rank_compare(const pmx_rank *r, uint32_t x, uint32_t y, pmx_rank_cmp *out);
/* The chance agreement of an annotator's units from its label histogram
 * (see doc/assess.md, Rankings); plain labels only: pmx_q0. */
double pmx_rank_q0(const pmx_rank *r, const long *hist, size_t hist_len, long plain_pairs,
                   long rank_repeats);
/* The ranking fields of the row (rank_labels ... tau_b_n). */
void pmx_rank_row(const pmx_rank *r, uint32_t ann, const long *hist, size_t hist_len,
                  pm_assess_row *row);
/* Distinct outcomes of the annotator's units (plain labels, and the kinds
 * of ranked pair: first better, second better, tie). */
int pmx_rank_distinct(const pmx_rank *r, const long *hist, size_t hist_len);

/* ---- assess.c: a finished handle from rows read back (assess_json.c) ---- */

pm_status pmx_assess_set_rows(pm_assess *a, const pm_assess_row *rows, size_t n,
                              const pm_assess_summary *sum, pm_error *err);

#endif
