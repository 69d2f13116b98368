/* The streaming accumulator of `assess`: label events in, one row per
 * annotator out (see include/prefmon/assess.h for the definitions). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/par.h"
#include "prefmon/action.h"
#include "pipeline/assess_internal.h"

/* What one annotator accumulates: counts, the label histogram behind q0
 * (indexed by label id) and the durations behind the median. */
typedef struct ann_acc {
    long labels, pairs, consistent; /* pairs in input order until finish */
    long gold_n, gold_agree, left_n, left_k;
    long rep_n, rep_d; /* pairs without timestamp and their disagreements (the repeat test) */
    long *hist;
    size_t hist_len;
    double *dur;
    size_t dur_n, dur_cap;
    double last_ts; /* of the latest label in input order */
    int all_ts;     /* every label so far carries a timestamp */
    int ordered;    /* ... and they never went back in time: input order is timestamp order */
} ann_acc;

/* The annotator cache: 4096 sets of two entries (192 KiB, in L2), twice
 * the annotators of a large crowd. Direct-mapped, a fifth of the rows of a
 * log of 2,000 annotators interleaved row by row met another name in their
 * entry (two names in one entry evict each other on every turn) and paid
 * the table's hash and probe, 140 instructions; with two ways, a name is
 * evicted only from a set of three or more (callgrind, 1 M rows of the
 * task-ordered log: 200,000 misses -> 31,000). */
#define PMX_ANN_CACHE_BITS 12
#define PMX_ANN_CACHE ((size_t)1 << PMX_ANN_CACHE_BITS)

/* A name's short form for the annotator caches: its length and its bytes
 * in two words (up to 8 bytes in w0, the first and last 4 overlapping from
 * 4 bytes on; from 8 bytes on, the first and last 8 in w0 and w1), which
 * hold the whole name when it has at most ANN_KEY_WHOLE bytes. A hit on
 * such a name compares three integers and reads no string; a longer name
 * is compared by its bytes too. */
#define ANN_KEY_WHOLE 16
typedef struct ann_key {
    uint64_t w0, w1;
    uint32_t len; /* (saturated: a longer name is compared by its bytes anyway) */
    uint32_t id1; /* the annotator's id + 1; 0 marks an empty cache entry */
} ann_key;

struct pm_assess {
    pm_assess_options opt;
    pmx_arena arena;
    pmx_strtab anns, items, labels;
    pmx_items iv; /* the item tables behind the item ids (a shard: every shard's) */
    pmx_keytab keys;
    ann_acc *acc;
    size_t acc_cap;
    pmx_events ev;
    size_t disordered;   /* annotators no longer ordered */
    size_t acc_bytes;    /* of the annotators' histograms and durations (kept, so that the
                            memory check per row is O(1)) */
    size_t reader_bytes; /* held by the reader feeding us (a Label Studio tree) */
    ann_key last;        /* the previous row's annotator: logs come in runs */
    ann_key ann_cache[PMX_ANN_CACHE][2]; /* by ann_mix of the name's key; [0] the newer */
    int finished;
    int spent; /* a finish failed half-way: the counts are no longer the input's */
    pm_assess_row *rows;
    size_t nrows;
    pm_assess_summary sum;
    /* keep_pairs: every label event kept (32 bytes) and each item's string */
    pmx_kev *kev;
    size_t kev_n, kev_cap;
    const char **item_str;
    size_t item_str_cap;
    size_t *row_of_ann;
    pmx_kept kept;
    pmx_rank *rank; /* rankings (assess_rank.c); NULL until the first one */
    /* threads > 1: the handle routes each record to one of nshards
     * accumulators by its annotator (annotators are independent), and
     * finish merges them back here (merge_shards) before computing. */
    pm_assess **shard;
    int nshards;
    int is_shard;                    /* this is one of them: ... */
    uint64_t cur_seq;                /* ... the input index of the record being prepared */
    uint64_t *ann_first, *lab_first; /* ... the input index of each annotator's, label's
                                        first record (ids in first-appearance order) */
    size_t ann_first_cap, lab_first_cap;
    uint64_t seq; /* the router: records routed (the next input index) */
    int merged;   /* the shards' annotators are now here */
    long merged_items, merged_keys;
};

/* Label ids 0, 1, 2 are always A, B, tie (interned first), so the side of
 * a pairwise choice is an integer compare. */
enum { LABEL_A = 0, LABEL_B = 1 };

pm_assess *pm_assess_new(const pm_assess_options *opt, pm_error *err)
{
    pm_assess_options def;
    if (!opt) {
        pm_assess_options_default(&def);
        opt = &def;
    }
    if (pmx_assess_check_options(opt, err) != PM_OK)
        return NULL;
    pm_assess *a = calloc(1, sizeof *a);
    if (!a) {
        pm_error_set(err, PM_ENOMEM, "assess: out of memory");
        return NULL;
    }
    a->opt = *opt;
    if (opt->threads > 1) {
        pm_assess_options so = *opt;
        so.threads = 1;
        so.max_bytes = 0; /* checked by the router over every shard */
        a->nshards = opt->threads > PM_ASSESS_MAX_THREADS ? PM_ASSESS_MAX_THREADS : opt->threads;
        a->shard = calloc((size_t)a->nshards, sizeof *a->shard);
        for (int i = 0; a->shard && i < a->nshards; i++) {
            if (!(a->shard[i] = pm_assess_new(&so, err))) {
                pm_assess_free(a);
                return NULL;
            }
            a->shard[i]->is_shard = 1;
        }
        if (!a->shard) {
            free(a);
            pm_error_set(err, PM_ENOMEM, "assess: out of memory");
            return NULL;
        }
    }
    pmx_arena_init(&a->arena);
    uint32_t id;
    int ok = pmx_strtab_init(&a->anns, &a->arena) == PM_OK &&
             pmx_strtab_init_set(&a->items, &a->arena) == PM_OK &&
             pmx_strtab_init(&a->labels, &a->arena) == PM_OK &&
             pmx_keytab_init(&a->keys) == PM_OK &&
             pmx_strtab_intern(&a->labels, "A", &id, NULL) == PM_OK &&
             pmx_strtab_intern(&a->labels, "B", &id, NULL) == PM_OK &&
             pmx_strtab_intern(&a->labels, "tie", &id, NULL) == PM_OK;
    if (!ok) {
        pm_assess_free(a);
        pm_error_set(err, PM_ENOMEM, "assess: out of memory");
        return NULL;
    }
    a->iv.tab[0] = &a->items;
    a->iv.n = 1;
    /* Shard s numbers the items of class s; every shard's keys name items
     * by the ids of all of them (pmx_assess_item). */
    for (int s = 0; s < a->nshards; s++) {
        a->shard[s]->iv.n = (uint32_t)a->nshards;
        for (int t = 0; t < a->nshards; t++)
            a->shard[s]->iv.tab[t] = &a->shard[t]->items;
    }
    return a;
}

void pm_assess_free(pm_assess *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->anns.count && a->acc; i++) {
        free(a->acc[i].hist);
        free(a->acc[i].dur);
    }
    free(a->acc);
    for (int i = 0; a->shard && i < a->nshards; i++)
        pm_assess_free(a->shard[i]);
    free(a->shard);
    free(a->ann_first);
    free(a->lab_first);
    for (size_t i = 0; i < a->ev.nchunks; i++)
        pmx_table_free(a->ev.chunk[i], PMX_EV_CHUNK * sizeof(pmx_event));
    free(a->ev.chunk);
    free(a->rows);
    free(a->kev);
    free(a->item_str);
    free(a->row_of_ann);
    pmx_kept_free(&a->kept);
    pmx_rank_free(a->rank);
    pmx_keytab_free(&a->keys);
    pmx_strtab_free(&a->anns);
    pmx_strtab_free(&a->items);
    pmx_strtab_free(&a->labels);
    pmx_arena_free(&a->arena);
    free(a);
}

static size_t bytes_held(const pm_assess *a)
{
    size_t b = a->arena.bytes + pmx_strtab_bytes(&a->anns) + pmx_strtab_bytes(&a->items) +
               pmx_strtab_bytes(&a->labels) + a->keys.cap * sizeof(pmx_key) +
               a->acc_cap * sizeof(ann_acc) + a->ev.chunks_cap * sizeof(pmx_event *) +
               a->ev.nchunks * PMX_EV_CHUNK * sizeof(pmx_event);
    b += a->kev_cap * sizeof(pmx_kev) + a->item_str_cap * sizeof(char *);
    b += (a->ann_first_cap + a->lab_first_cap) * sizeof(uint64_t);
    for (int i = 0; i < a->nshards; i++)
        b += bytes_held(a->shard[i]);
    return b + a->acc_bytes + a->reader_bytes + pmx_rank_bytes(a->rank);
}

static int reserve(void **p, size_t *cap, size_t need, size_t size)
{
    return pmx_reserve_z(p, cap, need, size, 1);
}

static inline void ann_key_of(const char *s, size_t len, ann_key *k)
{
    _Static_assert(ANN_KEY_WHOLE == PMX_NAME_WHOLE, "the cache key holds what the words hold");
    pmx_name_words(s, len, &k->w0, &k->w1);
    k->len = len < UINT32_MAX ? (uint32_t)len : UINT32_MAX;
}

/* Does entry e (not empty) hold the name (of key k)? */
static inline int ann_key_is(const pm_assess *a, const ann_key *e, const ann_key *k,
                             const char *name)
{
    return e->w0 == k->w0 && e->w1 == k->w1 && e->len == k->len &&
           (k->len <= ANN_KEY_WHOLE || strcmp(pmx_strtab_str(&a->anns, e->id1 - 1), name) == 0);
}

/* The cache slot of a key: its words and length mixed (cheaper than the
 * table's hash, which the key holds most of already), the top bits. */
static inline size_t ann_mix(const ann_key *k)
{
    uint64_t x = (k->w0 ^ (k->w1 * 0x9e3779b97f4a7c15ULL) ^ k->len) * 0xbf58476d1ce4e5b9ULL;
    return (size_t)(x >> (64 - PMX_ANN_CACHE_BITS));
}

static pm_status annotator_id(pm_assess *a, const char *name, size_t len, uint32_t *out)
{
    ann_key k;
    ann_key_of(name, len, &k);
    /* The previous row's annotator first (a log in sessions), then a
     * direct-mapped cache of names seen (interleaved annotators: a
     * task-ordered export), before the table's full hash and probe. With
     * far more annotators than entries (a public crowd of a million) most
     * lookups meet another name, which the key tells apart without
     * reading a string. */
    if (a->last.id1 && ann_key_is(a, &a->last, &k, name)) {
        *out = a->last.id1 - 1;
        return PM_OK;
    }
    ann_key *c = a->ann_cache[ann_mix(&k)];
    if (c[0].id1 && ann_key_is(a, &c[0], &k, name)) {
        *out = c[0].id1 - 1;
        a->last = c[0];
        return PM_OK;
    }
    if (c[1].id1 && ann_key_is(a, &c[1], &k, name)) {
        *out = c[1].id1 - 1;
        a->last = c[1]; /* the newer now: c[0] is evicted first */
        c[1] = c[0];
        c[0] = a->last;
        return PM_OK;
    }
    int is_new;
    pm_status st =
        pmx_strtab_intern_h(&a->anns, name, len, pmx_hash_bytes(name, len), out, &is_new);
    if (st != PM_OK)
        return st;
    if (is_new) {
        if (*out >= PMX_MAX_ANNOTATORS)
            return PM_ELIMIT;
        if (!reserve((void **)&a->acc, &a->acc_cap, a->anns.count, sizeof *a->acc))
            return PM_ENOMEM;
        if (a->is_shard) {
            if (!pmx_reserve_z((void **)&a->ann_first, &a->ann_first_cap, a->anns.count,
                               sizeof *a->ann_first, 0))
                return PM_ENOMEM;
            a->ann_first[*out] = a->cur_seq;
        }
        a->acc[*out].all_ts = a->acc[*out].ordered = 1;
        a->acc[*out].last_ts = -INFINITY;
    }
    k.id1 = *out + 1;
    c[1] = c[0];
    c[0] = a->last = k;
    return PM_OK;
}

static pm_status push_event(pm_assess *a, double ts, uint32_t label, uint32_t next, uint32_t *idx)
{
    pmx_events *e = &a->ev;
    if (e->n >= UINT32_MAX - 1)
        return PM_ELIMIT;
    if (e->n == e->nchunks * PMX_EV_CHUNK) {
        if (!pmx_reserve_z((void **)&e->chunk, &e->chunks_cap, e->nchunks + 1, sizeof *e->chunk, 0))
            return PM_ENOMEM;
        if (!(e->chunk[e->nchunks] = pmx_table_alloc(PMX_EV_CHUNK * sizeof(pmx_event))))
            return PM_ENOMEM;
        e->nchunks++;
    }
    *idx = (uint32_t)++e->n; /* 1-based */
    *pmx_event_at(e, *idx) = (pmx_event){ts, label, next};
    return PM_OK;
}

/* The label of the key's latest record. */
static uint32_t last_label(const pm_assess *a, const pmx_key *k)
{
    return (k->ann & PMX_KEY_LIST) ? pmx_event_at(&a->ev, k->v)->label : k->v;
}

/* Pair the event with the key's previous one (input order), counting the
 * pair's kind (see Repeats in assess.h; `identical`: the same line as the
 * previous record), and, while the annotator's labels all carry
 * timestamps, list the key's events for reordering at finish. */
static pm_status pair_event(pm_assess *a, ann_acc *acc, pmx_key *k, int is_new, uint32_t label,
                            double ts, int identical)
{
    int listed = (k->ann & PMX_KEY_LIST) != 0;
    if (!is_new) {
        uint32_t last = last_label(a, k);
        int agree = last == label;
        /* A ranking repeat is one unit: its sampled pair (assess_rank.c). */
        if (a->rank && (pmx_rank_is(a->rank, label) || pmx_rank_is(a->rank, last))) {
            uint32_t ann = (k->ann & ~PMX_KEY_FLAGS) - 1;
            pm_status st = pmx_rank_pair(a->rank, ann, pmx_strtab_hash(&a->anns, ann), k->item,
                                         pmx_items_hash(&a->iv, k->item), last, label, &agree);
            if (st != PM_OK)
                return st;
        }
        acc->pairs++;
        acc->consistent += agree;
        if (isnan(ts)) {
            acc->rep_n++;
            acc->rep_d += !agree;
            a->sum.pairs_untimed++;
            a->sum.untimed_disagree += !agree;
            a->sum.pairs_identical += identical;
        } else {
            a->sum.pairs_timestamped++;
        }
        if ((k->ann & PMX_KEY_SEEN) != PMX_KEY_SEEN_3)
            k->ann += PMX_KEY_SEEN_ONE;
    }
    /* all_ts now implies it held when the key was made: the list is whole. */
    if (acc->all_ts) {
        pm_status st = push_event(a, ts, label, listed ? k->v : 0, &k->v);
        if (st == PM_OK)
            k->ann |= PMX_KEY_LIST;
        return st;
    }
    k->v = label;
    k->ann &= ~PMX_KEY_LIST;
    return PM_OK;
}

static pm_status add_side_info(pm_assess *a, ann_acc *acc, const pmx_prepped *p)
{
    if (p->gold) {
        acc->gold_n++;
        acc->gold_agree += strcmp(pmx_strtab_str(&a->labels, p->label), p->gold) == 0;
    }
    if ((p->shown_left == 'A' || p->shown_left == 'B') &&
        (p->label == LABEL_A || p->label == LABEL_B)) {
        acc->left_n++;
        acc->left_k += p->label == (p->shown_left == 'A' ? LABEL_A : LABEL_B);
    }
    if (!isnan(p->duration)) {
        size_t cap = acc->dur_cap;
        if (!pmx_reserve_z((void **)&acc->dur, &acc->dur_cap, acc->dur_n + 1, sizeof *acc->dur, 0))
            return PM_ENOMEM;
        a->acc_bytes += (acc->dur_cap - cap) * sizeof *acc->dur;
        acc->dur[acc->dur_n++] = p->duration;
    }
    return PM_OK;
}

static pm_status label_id_slow(pm_assess *a, const char *s, uint32_t *id);

static inline pm_status label_id(pm_assess *a, const char *s, uint32_t *id)
{
    /* A, B and tie (ids 0, 1, 2) are most labels: skip the hash for them
     * (A and B inline: a call was 2 % of a row). */
    if ((s[0] == 'A' || s[0] == 'B') && s[1] == '\0') {
        *id = s[0] == 'A' ? LABEL_A : LABEL_B;
        return PM_OK;
    }
    if (s[0] == 't' && s[1] == 'i' && s[2] == 'e' && s[3] == '\0') {
        *id = LABEL_B + 1; /* (a strcmp call was 70 instructions a tie) */
        return PM_OK;
    }
    return label_id_slow(a, s, id);
}

static pm_status label_id_slow(pm_assess *a, const char *s, uint32_t *id)
{
    if (strcmp(s, "tie") == 0) {
        *id = LABEL_B + 1;
        return PM_OK;
    }
    int is_new;
    pm_status st = pmx_strtab_intern(&a->labels, s, id, &is_new);
    if (st == PM_OK && is_new && a->is_shard) {
        if (!pmx_reserve_z((void **)&a->lab_first, &a->lab_first_cap, a->labels.count,
                           sizeof *a->lab_first, 0))
            return PM_ENOMEM;
        a->lab_first[*id] = a->cur_seq;
    }
    return st;
}

/* checked: r is a plain row (io/records_plain.h), whose reader has made
 * sure of its annotator, item, label and side already. */
static pm_status check_record(const pm_assess *a, const pmx_plain *r, int checked, pm_error *err)
{
    if (a->finished || a->spent)
        return pm_error_set(err, PM_EINVAL, "assess: add after finish");
    if (checked)
        return PM_OK;
    const char *missing = !r->annotator || !*r->annotator ? "annotator"
                          : !r->item || !*r->item         ? "item"
                          : !r->label || !*r->label       ? "label"
                                                          : NULL;
    if (missing)
        return pm_error_at(err, PM_EINVAL, r->file, r->line, 0, "empty %s", missing);
    if (r->shown_left != 0 && r->shown_left != 'A' && r->shown_left != 'B')
        return pm_error_at(err, PM_EINVAL, r->file, r->line, 0,
                           "shown_left must be A or B (or unknown)");
    return PM_OK;
}

/* The message of a failed add at (file, line). */
static pm_status add_failed(pm_assess *a, const char *file, long line, pm_status st, pm_error *err)
{
    if (st == PM_EINVAL) { /* from pmx_rank_pair, after the row was partly counted */
        a->spent = 1;
        return pm_error_at(err, st, file, line, 0,
                           "assess: a ranking repeated with another set of responses, or a "
                           "ranking and a plain label on one item (a ranking's item key must "
                           "name the ranked set)");
    }
    if (st == PM_ENOMEM)
        return pm_error_at(err, st, file, line, 0, "assess: out of memory");
    return pm_error_at(err, st, file, line, 0,
                       "assess: over the limit of 2^32 - 2 keys, items, labels or events "
                       "(2^29 - 2 annotators)");
}

/* The bits of a double, every NaN (none given) the same. */
static uint64_t bits_of(double x)
{
    uint64_t b = 0x7ff8000000000000u;
    if (!isnan(x))
        memcpy(&b, &x, sizeof b);
    return b;
}

/* A 32-bit hash of what a log line holds beyond the key: equal records
 * hash equal; different ones collide with probability 2^-32. */
static uint32_t content_hash(uint32_t label, char shown_left, double ts, double duration)
{
    /* Label and side are multiplied by an odd constant (a bijection) into
     * the time's bits before the first round: two rounds where three were
     * run, one per input. */
    uint64_t ls = ((uint64_t)label << 8) | (unsigned char)shown_left;
    uint64_t h = pmx_hash_u64(bits_of(ts) ^ (ls * 0x9e3779b97f4a7c15ULL));
    h = pmx_hash_u64(h ^ bits_of(duration));
    return (uint32_t)(h ^ (h >> 32));
}

/* A ranking record's label, checked and marked as a ranking before
 * anything of the record is counted or interned (doc/assess.md, Rankings):
 * refused with a gold label, when not a canonical ranking, or when the
 * same text was a plain label before. */
static pm_status ranking_label(pm_assess *a, const pmx_plain *r, pm_error *err)
{
    if (r->gold)
        return pm_error_at(err, PM_EINVAL, r->file, r->line, 0,
                           "assess: a gold ranking is not supported (doc/assess.md, Rankings)");
    uint32_t id = pmx_strtab_find(&a->labels, r->label);
    if (id != UINT32_MAX && pmx_rank_is(a->rank, id))
        return PM_OK;
    if (id != UINT32_MAX)
        return pm_error_at(err, PM_EINVAL, r->file, r->line, 0,
                           "assess: ranking '%.64s' was given as a plain label before", r->label);
    if (!pmx_rank_valid(r->label))
        return pm_error_at(err, PM_EINVAL, r->file, r->line, 0,
                           "assess: '%.64s' is not a ranking label (ids joined by '>' and '=')",
                           r->label);
    pm_status st = label_id(a, r->label, &id);
    if (st == PM_OK)
        st = pmx_rank_note(&a->rank, id, r->label);
    return st == PM_OK ? PM_OK : add_failed(a, r->file, r->line, st, err);
}

/* pmx_assess_prepare, the item's hash and id given when known; checked as
 * for check_record. */
static pm_status prepare(pm_assess *a, const pmx_plain *r, pmx_prepped *p, int known, int checked,
                         pm_error *err)
{
    pm_status st = check_record(a, r, checked, err);
    if (st != PM_OK)
        return st;
    if (r->ranking && (st = ranking_label(a, r, err)) != PM_OK)
        return st;
    if ((st = annotator_id(a, r->annotator, r->annotator_len, &p->ann)) != PM_OK ||
        (st = label_id(a, r->label, &p->label)) != PM_OK)
        return add_failed(a, r->file, r->line, st, err);
    p->item = r->item;
    if (!known) {
        p->len = r->item_len;
        p->h = pmx_hash_bytes(r->item, p->len);
        /* Start loading both table slots: their cache misses overlap each
         * other and those of the records around it. */
        PMX_STRTAB_PREFETCH(&a->items, p->h);
    }
    p->kh = pmx_keytab_hash(p->ann, p->h);
    PMX_KEYTAB_PREFETCH(&a->keys, p->kh);
    /* and the annotator's counts (two lines), a miss on each row of a log
     * with a million annotators */
    __builtin_prefetch(&a->acc[p->ann]);
    __builtin_prefetch((const char *)&a->acc[p->ann] + 64);
    p->gold = r->gold;
    p->shown_left = r->shown_left;
    p->ts = r->timestamp;
    p->duration = r->duration;
    p->ch = content_hash(p->label, r->shown_left, r->timestamp, r->duration);
    p->file = r->file;
    p->line = r->line;
    p->seq = a->cur_seq;
    return PM_OK;
}

pm_status pmx_assess_prepare(pm_assess *a, const pm_record *r, pmx_prepped *p, pm_error *err)
{
    pmx_plain f;
    pmx_plain_from_record(r, 1, &f);
    return prepare(a, &f, p, 0, 0, err);
}

pm_status pmx_assess_prepare_row(pm_assess *a, const pmx_plain *r, pmx_prepped *p, pm_error *err)
{
    return prepare(a, r, p, 0, 1, err);
}

pm_status pmx_assess_prepare_known(pm_assess *shard, const pmx_plain *r, int checked, uint64_t h,
                                   uint32_t item_id, pm_status item_st, pmx_prepped *p,
                                   pm_error *err)
{
    p->h = h;
    p->len = 0; /* not read: a shard neither interns nor copies the item */
    p->item_id = item_id;
    pm_status st = prepare(shard, r, p, 1, checked, err);
    if (st == PM_OK && item_st != PM_OK)
        return add_failed(shard, r->file, r->line, item_st, err);
    return st;
}

/* Does the key's event list (newest first) hold an event with this
 * timestamp and label? */
static int listed_has(const pm_assess *a, uint32_t e, double ts, uint32_t label)
{
    for (; e; e = pmx_event_at(&a->ev, e)->next) {
        const pmx_event *ev = pmx_event_at(&a->ev, e);
        if (ev->ts == ts && ev->label == label)
            return 1;
    }
    return 0;
}

/* 1 when the record on an existing key is to be dropped (an exact
 * duplicate, or an identical line under drop_identical; counted); else 0
 * with *identical set when it repeats the key's previous line. */
static int dropped(pm_assess *a, const pmx_key *k, const pmx_prepped *p, int *identical)
{
    int same_last = last_label(a, k) == p->label && k->h == p->ch;
    *identical = 0;
    if (!isnan(p->ts)) {
        int dup = (k->ann & PMX_KEY_LIST) ? listed_has(a, k->v, p->ts, p->label) : same_last;
        a->sum.dup_dropped += dup;
        return dup;
    }
    *identical = same_last;
    if (same_last && a->opt.drop_identical) {
        a->sum.identical_dropped++;
        return 1;
    }
    return 0;
}

/* keep_pairs: the event, and its item's string the first time (the item
 * table is a set and keeps no string by id). */
static pm_status keep_event(pm_assess *a, const pmx_prepped *p, uint32_t item)
{
    if (!pmx_reserve_z((void **)&a->kev, &a->kev_cap, a->kev_n + 1, sizeof *a->kev, 0))
        return PM_ENOMEM;
    /* (a shard's item strings are kept by pmx_assess_item) */
    if (!a->is_shard &&
        (!reserve((void **)&a->item_str, &a->item_str_cap, (size_t)item + 1, sizeof *a->item_str) ||
         (!a->item_str[item] &&
          !(a->item_str[item] = pmx_arena_strdup(&a->arena, p->item, p->len)))))
        return PM_ENOMEM;
    /* The order key of an event: its input index (a shard sees part of the
     * input: the router's index, in the same order). */
    size_t seq = a->is_shard ? (size_t)p->seq : a->kev_n;
    a->kev[a->kev_n] = (pmx_kev){p->ts, seq, 0, p->ann, item, p->label};
    a->kev_n++;
    return PM_OK;
}

static pm_status add_prepped(pm_assess *a, const pmx_prepped *p)
{
    uint32_t item = p->item_id, label = p->label;
    pm_status st = PM_OK;
    if (!a->is_shard &&
        (st = pmx_strtab_intern_h(&a->items, p->item, p->len, p->h, &item, NULL)) != PM_OK)
        return st;
    ann_acc *acc = &a->acc[p->ann];
    pmx_key *k;
    int is_new, identical = 0;
    st = pmx_keytab_get(&a->keys, p->ann, item, p->kh, &a->iv, &k, &is_new);
    if (st != PM_OK)
        return st;
    if (!is_new && dropped(a, k, p, &identical))
        return PM_OK;
    if (label >= acc->hist_len) {
        size_t len = acc->hist_len;
        if (!reserve((void **)&acc->hist, &acc->hist_len, (size_t)label + 1, sizeof *acc->hist))
            return PM_ENOMEM;
        a->acc_bytes += (acc->hist_len - len) * sizeof *acc->hist;
    }
    acc->hist[label]++;
    acc->labels++;
    double ts = p->ts;
    if (isnan(ts)) {
        acc->all_ts = 0;
    } else {
        if (ts < acc->last_ts && acc->ordered) {
            acc->ordered = 0;
            a->disordered++;
        }
        acc->last_ts = ts;
    }
    st = pair_event(a, acc, k, is_new, label, ts, identical);
    k->h = p->ch;
    if (st == PM_OK)
        st = add_side_info(a, acc, p);
    if (st == PM_OK && a->opt.keep_pairs)
        st = keep_event(a, p, item);
    return st;
}

/* The status of adding p, with its message; counts the row on success. */
static pm_status counted(pm_assess *a, const pmx_prepped *p, pm_status st, pm_error *err)
{
    if (st != PM_OK)
        return add_failed(a, p->file, p->line, st, err);
    a->sum.rows++;
    return PM_OK;
}

/* The memory limit, checked before every row (bytes_held is O(1)): what is
 * held, plus the key table's next doubling when this row may trigger it,
 * so the table never grows past the limit. Other growth (a string, an
 * event chunk of 4 MiB, a histogram) may pass it by one step. */
static pm_status within_limit(const pm_assess *a, const pmx_prepped *p, pm_error *err)
{
    if (!a->opt.max_bytes)
        return PM_OK;
    size_t need = bytes_held(a);
    if ((a->keys.count + 1) * 10 > a->keys.cap * 7) /* doubled in place: its new half */
        need += a->keys.cap * sizeof(pmx_key);
    if (need <= a->opt.max_bytes)
        return PM_OK;
    return pm_error_at(err, PM_ELIMIT, p->file, p->line, 0,
                       "assess: memory limit of %zu bytes reached after %ld rows (%zu distinct "
                       "annotator-item keys; %zu bytes needed%s)",
                       a->opt.max_bytes, a->sum.rows, a->keys.count, need,
                       a->reader_bytes ? ", with the reader's parsed document" : "");
}

pm_status pmx_assess_run(pm_assess *a, const pmx_prepped *p, size_t n, size_t *done, pm_error *err)
{
    *done = 0;
    /* The annotators' counts were loaded when the records were prepared (a
     * batch ago): now their label histograms, the next miss of a crowd. */
    for (size_t i = 0; i < n; i++) {
        const ann_acc *acc = &a->acc[p[i].ann];
        if (p[i].label < acc->hist_len)
            __builtin_prefetch(&acc->hist[p[i].label]);
    }
    for (size_t i = 0; i < n; i++) {
        pm_status st = within_limit(a, &p[i], err);
        if (st == PM_OK)
            st = counted(a, &p[i], add_prepped(a, &p[i]), err);
        if (st != PM_OK)
            return st;
        (*done)++;
    }
    return PM_OK;
}

/* ---- shards (threads > 1) ------------------------------------------------ */

int pmx_assess_shard_index(const pm_assess *a, const char *annotator, size_t len)
{
    return pmx_shard_of_name(annotator, len, a->nshards);
}

int pmx_assess_item_class(const pm_assess *a, uint64_t h)
{
    return pmx_item_class_n(h, a->nshards);
}

const pmx_strtab *pmx_assess_items_of(const pm_assess *a, int t)
{
    return &a->shard[t]->items;
}

pm_status pmx_assess_item(pm_assess *a, int t, const char *s, size_t len, uint64_t h, uint32_t *id)
{
    pm_assess *sh = a->shard[t];
    uint32_t local;
    int is_new;
    pm_status st = pmx_strtab_intern_h(&sh->items, s, len, h, &local, &is_new);
    if (st != PM_OK)
        return st;
    uint64_t gid = (uint64_t)local * (uint64_t)a->nshards + (uint64_t)t;
    if (gid > UINT32_MAX - 2)
        return PM_ELIMIT;
    if (is_new && a->opt.keep_pairs &&
        (!reserve((void **)&sh->item_str, &sh->item_str_cap, (size_t)local + 1,
                  sizeof *sh->item_str) ||
         !(sh->item_str[local] = pmx_arena_strdup(&sh->arena, s, len))))
        return PM_ENOMEM;
    *id = (uint32_t)gid;
    return PM_OK;
}

static pm_assess *pmx_assess_shard_of(pm_assess *a, const char *annotator)
{
    return a->shard[annotator ? pmx_assess_shard_index(a, annotator, strlen(annotator)) : 0];
}

int pmx_assess_nshards(const pm_assess *a)
{
    return a->nshards;
}

pm_assess *pmx_assess_shard(pm_assess *a, int i)
{
    return a->shard[i];
}

uint64_t pmx_assess_next_seq(pm_assess *a, uint64_t n)
{
    uint64_t s = a->seq;
    a->seq += n;
    return s;
}

void pmx_assess_set_seq(pm_assess *a, uint64_t seq)
{
    a->cur_seq = seq;
}

pm_status pmx_assess_check_usable(const pm_assess *a, pm_error *err)
{
    if (a->finished || a->spent)
        return pm_error_set(err, PM_EINVAL, "assess: add after finish");
    return PM_OK;
}

/* The router's memory check over every shard: what they hold, what the
 * caller holds beyond them (extra: the threaded reader's buffers), and
 * each shard's next key-table doubling when `more` new keys could trigger
 * it (1 before each row; a round's rows before a round of the threaded
 * reader). */
pm_status pmx_assess_shards_limit(const pm_assess *a, size_t extra, size_t more, const char *file,
                                  long line, pm_error *err)
{
    if (!a->opt.max_bytes)
        return PM_OK;
    size_t need = bytes_held(a) + extra, keys = 0;
    long rows = 0;
    for (int i = 0; i < a->nshards; i++) {
        const pm_assess *s = a->shard[i];
        size_t cap = s->keys.cap;
        while ((s->keys.count + more) * 10 > cap * 7 && cap < ((size_t)1 << 32)) {
            need += cap * sizeof(pmx_key); /* (doubled in place) */
            cap *= 2;
        }
        keys += s->keys.count;
        rows += s->sum.rows;
    }
    if (need <= a->opt.max_bytes)
        return PM_OK;
    return pm_error_at(err, PM_ELIMIT, file, line, 0,
                       "assess: memory limit of %zu bytes reached after %ld rows (%zu distinct "
                       "annotator-item keys; %zu bytes needed%s)",
                       a->opt.max_bytes, rows, keys, need,
                       a->reader_bytes ? ", with the reader's parsed document" : "");
}

static pm_status route_add(pm_assess *a, const pm_record *r, pm_error *err)
{
    pm_status st = pmx_assess_check_usable(a, err);
    if (st == PM_OK)
        st = pmx_assess_shards_limit(a, 0, 1, r->file, r->line, err);
    if (st != PM_OK)
        return st;
    pm_assess *s = pmx_assess_shard_of(a, r->annotator);
    s->cur_seq = pmx_assess_next_seq(a, 1);
    /* The record checked and prepared as one accumulator would, then its
     * item numbered in its class's table, then added. */
    pmx_plain f;
    pmx_plain_from_record(r, 1, &f);
    uint64_t h = r->item ? pmx_hash_bytes(r->item, f.item_len) : 0;
    pmx_prepped p;
    if ((st = pmx_assess_prepare_known(s, &f, 0, h, 0, PM_OK, &p, err)) != PM_OK)
        return st;
    if ((st = pmx_assess_item(a, pmx_assess_item_class(a, h), r->item, f.item_len, h,
                              &p.item_id)) != PM_OK)
        return add_failed(s, r->file, r->line, st, err);
    return counted(s, &p, add_prepped(s, &p), err);
}

pm_status pm_assess_add(pm_assess *a, const pm_record *r, pm_error *err)
{
    if (a->nshards)
        return route_add(a, r, err);
    pmx_prepped p;
    pm_status st = pmx_assess_prepare(a, r, &p, err);
    if (st == PM_OK)
        st = within_limit(a, &p, err);
    if (st != PM_OK)
        return st;
    return counted(a, &p, add_prepped(a, &p), err);
}

/* Records whose slots load together: each is prepared and its slots
 * prefetched, then the 16 are added. */
#define BATCH 16

pm_status pm_assess_add_batch(pm_assess *a, const pm_record *recs, size_t n, size_t *done,
                              pm_error *err)
{
    *done = 0;
    if (a->nshards) {
        for (size_t i = 0; i < n; i++) {
            pm_status st = route_add(a, &recs[i], err);
            if (st != PM_OK)
                return st;
            (*done)++;
        }
        return PM_OK;
    }
    for (size_t base = 0; base < n; base += BATCH) {
        size_t m = n - base < BATCH ? n - base : BATCH, ok = 0, added = 0;
        pmx_prepped p[BATCH];
        pm_error perr;
        pm_status bad = PM_OK;
        while (ok < m && (bad = pmx_assess_prepare(a, &recs[base + ok], &p[ok], &perr)) == PM_OK)
            ok++;
        /* The records before a bad one are added first; its message then. */
        pm_status st = pmx_assess_run(a, p, ok, &added, err);
        *done += added;
        if (st != PM_OK)
            return st;
        if (bad != PM_OK) {
            if (err)
                *err = perr;
            return bad;
        }
    }
    return PM_OK;
}

pm_status pm_assess_reserve(pm_assess *a, size_t more_keys, pm_error *err)
{
    if (a->finished || a->spent)
        return pm_error_set(err, PM_EINVAL, "assess: reserve after finish");
    if (a->nshards) { /* each shard about its share, the limit shared likewise */
        for (int i = 0; i < a->nshards; i++) {
            pm_assess *s = a->shard[i];
            s->opt.max_bytes = a->opt.max_bytes / (size_t)a->nshards;
            pm_status st = pm_assess_reserve(s, more_keys / (size_t)a->nshards, err);
            s->opt.max_bytes = 0;
            if (st != PM_OK)
                return st;
        }
        return PM_OK;
    }
    size_t keys = a->keys.count + more_keys;
    if (keys < a->keys.count)
        keys = SIZE_MAX;
    /* A hint, not a demand: within the memory limit (half of it at most,
     * the rest being events and strings) and the table's own limit. */
    while (keys > a->keys.count &&
           (!pmx_keytab_bytes_for(keys) ||
            (a->opt.max_bytes && pmx_keytab_bytes_for(keys) > a->opt.max_bytes / 2)))
        keys = a->keys.count + (keys - a->keys.count) / 2;
    pm_status st = pmx_keytab_reserve(&a->keys, keys, &a->iv);
    if (st != PM_OK)
        return pm_error_set(err, st, "assess: out of memory reserving room for %zu keys", keys);
    return PM_OK;
}

/* ---- finish --------------------------------------------------------------- */

typedef struct tev {
    double ts;
    size_t seq; /* input order, for a stable sort */
    uint32_t label;
} tev;

static int cmp_tev(const void *x, const void *y)
{
    const tev *a = x, *b = y;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* The units agreeing among the consecutive pairs of v[0..n); for a
 * ranking key (all its labels are rankings, checked when added) each pair
 * is also added to (sign 1) or taken from (-1) the ranking counters. */
static long run_agreement(pm_assess *a, const pmx_key *k, const tev *v, size_t n, int sign)
{
    long c = 0;
    uint32_t ann = (k->ann & ~PMX_KEY_FLAGS) - 1;
    int ranked = n > 0 && pmx_rank_is(a->rank, v[0].label);
    for (size_t i = 1; i < n; i++)
        c += ranked ? pmx_rank_repair(a->rank, ann, pmx_strtab_hash(&a->anns, ann),
                                      pmx_items_hash(&a->iv, k->item), (uint32_t)(i - 1),
                                      v[i - 1].label, v[i].label, sign)
                    : v[i].label == v[i - 1].label;
    return c;
}

/* Annotators whose every label has a timestamp are paired in timestamp
 * order: re-pair each of their keys whose events arrived out of order. */
static pm_status timestamp_order(pm_assess *a)
{
    tev *v = NULL;
    size_t cap = 0;
    /* An annotator whose timestamps never went back needs nothing. */
    for (size_t s = 0; a->disordered && s < a->keys.cap; s++) {
        const pmx_key *k = &a->keys.slots[s];
        /* Lists of one event (items seen once) and of two (a pair agrees
         * in either order) need no reordering. */
        if (!(k->ann & PMX_KEY_LIST) || (k->ann & PMX_KEY_SEEN) != PMX_KEY_SEEN_3)
            continue;
        const ann_acc *c = &a->acc[(k->ann & ~PMX_KEY_FLAGS) - 1];
        if (!c->all_ts || c->ordered)
            continue;
        size_t n = 0;
        for (uint32_t e = k->v; e; e = pmx_event_at(&a->ev, e)->next) {
            if (!reserve((void **)&v, &cap, n + 1, sizeof *v)) {
                free(v);
                return PM_ENOMEM;
            }
            const pmx_event *ev = pmx_event_at(&a->ev, e);
            v[n] = (tev){ev->ts, 0, ev->label};
            n++;
        }
        /* The list is newest first. */
        int sorted = 1;
        for (size_t i = 0; i < n; i++) {
            v[i].seq = n - 1 - i;
            if (i > 0 && v[i].ts > v[i - 1].ts)
                sorted = 0;
        }
        if (sorted)
            continue;
        /* v is newest first: input order is v reversed, as it was paired. */
        for (size_t i = 0; i < n / 2; i++) {
            tev t = v[i];
            v[i] = v[n - 1 - i];
            v[n - 1 - i] = t;
        }
        long before = run_agreement(a, k, v, n, -1);
        qsort(v, n, sizeof *v, cmp_tev);
        a->acc[(k->ann & ~PMX_KEY_FLAGS) - 1].consistent += run_agreement(a, k, v, n, 1) - before;
    }
    free(v);
    return PM_OK;
}

/* An annotator to sort by name, with the name's first 16 bytes as two
 * big-endian numbers (NUL-padded), so that most comparisons are of
 * integers in the record: sorting a million names by strcmp alone read
 * each name at random, 20 million times (a seventh of a crowd log's run). */
typedef struct named {
    uint64_t pre[2];
    const char *name;
    uint32_t id;
} named;

static named make_named(const char *name, uint32_t id)
{
    named r = {{0, 0}, name, id};
    const unsigned char *p = (const unsigned char *)name;
    for (int i = 0; i < 16 && p[i]; i++)
        r.pre[i / 8] |= (uint64_t)p[i] << (8 * (7 - i % 8));
    return r;
}

static int cmp_named(const void *x, const void *y)
{
    const named *a = x, *b = y;
    /* (bytes compared as unsigned, as strcmp does; a shorter name's NUL
     * padding sorts it first) */
    if (a->pre[0] != b->pre[0])
        return a->pre[0] < b->pre[0] ? -1 : 1;
    if (a->pre[1] != b->pre[1])
        return a->pre[1] < b->pre[1] ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* Rows sorted by name with the counts; left_n/left_k/eligible alongside. */
/* The threads of finish's per-row loops (a handle with shards: its
 * threads), and the fewest rows worth a thread of their own. */
#define FINISH_MIN_ROWS 2048
static int finish_threads(const pm_assess *a)
{
    return a->nshards > 1 ? a->nshards : 1;
}

typedef struct rows_job {
    pm_assess *a;
    const named *order;
    long *left_n, *left_k;
    unsigned char *eligible;
} rows_job;

/* Rows [lo, hi) from their annotators' counts (each row and annotator
 * its own: ranges run at once). */
static void fill_rows(void *ctx, size_t lo, size_t hi, int range)
{
    (void)range;
    rows_job *j = ctx;
    pm_assess *a = j->a;
    const named *order = j->order;
    long *left_n = j->left_n, *left_k = j->left_k;
    unsigned char *eligible = j->eligible;
    for (size_t i = lo; i < hi; i++) {
        ann_acc *c = &a->acc[order[i].id];
        pm_assess_row *r = &a->rows[i];
        r->annotator = order[i].name;
        r->labels = c->labels;
        r->dup_pairs = c->pairs;
        r->consistent = c->consistent;
        pmx_rank_row(a->rank, order[i].id, c->hist, c->hist_len, r);
        r->q0 = !isnan(a->opt.q0) ? a->opt.q0
                : a->rank ? pmx_rank_q0(a->rank, c->hist, c->hist_len, c->pairs - r->rank_repeats,
                                        r->rank_repeats)
                          : pmx_q0(c->hist, c->hist_len, c->labels);
        r->gold_n = c->gold_n;
        r->gold_agree = c->gold_agree;
        r->gold_rate = c->gold_n ? (double)c->gold_agree / (double)c->gold_n : NAN;
        r->left_rate = c->left_n ? (double)c->left_k / (double)c->left_n : NAN;
        r->median_duration = pmx_median(c->dur, c->dur_n);
        if (a->row_of_ann)
            a->row_of_ann[order[i].id] = i;
        left_n[i] = c->left_n;
        left_k[i] = c->left_k;
        size_t distinct = 0;
        for (size_t k = 0; k < c->hist_len; k++)
            distinct += c->hist[k] > 0;
        if (a->rank)
            distinct = (size_t)pmx_rank_distinct(a->rank, c->hist, c->hist_len);
        eligible[i] = c->pairs > 0 && distinct >= 2;
    }
}

static pm_status build_rows(pm_assess *a, long *left_n, long *left_k, unsigned char *eligible)
{
    size_t n = a->anns.count;
    named *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return PM_ENOMEM;
    for (size_t i = 0; i < n; i++)
        order[i] = make_named(pmx_strtab_str(&a->anns, (uint32_t)i), (uint32_t)i);
    qsort(order, n, sizeof *order, cmp_named);
    rows_job j = {a, order, left_n, left_k, eligible};
    pmx_par_for(n, finish_threads(a), FINISH_MIN_ROWS, fill_rows, &j);
    free(order);
    return PM_OK;
}

typedef struct effort_job {
    pm_assess_row *rows;
    double delta;
    const pm_assess_options *opt;
    pm_status st[PMX_PAR_MAX]; /* per range: its first failure */
    pm_error err[PMX_PAR_MAX];
} effort_job;

static void effort_rows(void *ctx, size_t lo, size_t hi, int k)
{
    effort_job *j = ctx;
    j->st[k] = PM_OK;
    for (size_t i = lo; i < hi; i++)
        if ((j->st[k] = pmx_assess_effort(&j->rows[i], j->delta, j->opt, &j->err[k])) != PM_OK)
            return;
}

/* pmx_assess_effort of every row; on failures, the first row's. */
static pm_status effort_all(pm_assess *a, double delta, pm_error *err)
{
    effort_job *j = malloc(sizeof *j);
    if (!j)
        return pm_error_set(err, PM_ENOMEM, "assess: out of memory");
    *j = (effort_job){.rows = a->rows, .delta = delta, .opt = &a->opt};
    int ranges = pmx_par_for(a->nrows, finish_threads(a), FINISH_MIN_ROWS, effort_rows, j);
    pm_status st = PM_OK;
    for (int k = 0; k < ranges && st == PM_OK; k++) /* (ranges in row order) */
        if ((st = j->st[k]) != PM_OK && err)
            *err = j->err[k];
    free(j);
    return st;
}

static void summarise(pm_assess *a)
{
    pm_assess_summary *s = &a->sum;
    s->annotators = (long)a->nrows;
    s->items = a->merged ? a->merged_items : (long)a->items.count;
    s->keys = a->merged ? a->merged_keys : (long)a->keys.count;
    for (size_t i = 0; i < a->nrows; i++) {
        s->pairs += a->rows[i].dup_pairs;
        s->decisions[a->rows[i].decision]++;
        for (int f = 0; f < PM_FLAG_COUNT; f++)
            s->flags[f] += (a->rows[i].flags >> f) & 1u;
    }
}

/* The repeat test over the annotators' untimestamped pairs. */
static pm_status repeats(pm_assess *a, pm_assess_summary *s, pm_error *err)
{
    size_t n = a->anns.count;
    long *rn = malloc((n ? n : 1) * sizeof *rn), *rd = malloc((n ? n : 1) * sizeof *rd);
    pm_status st = PM_OK;
    if (!rn || !rd) {
        st = pm_error_set(err, PM_ENOMEM, "assess: out of memory");
    } else {
        for (size_t i = 0; i < n; i++) {
            rn[i] = a->acc[i].rep_n;
            rd[i] = a->acc[i].rep_d;
        }
        st = pmx_repeats_test(rn, rd, n, s->delta, a->opt.alpha, s);
        if (st != PM_OK)
            st = pm_error_set(err, st, "assess: out of memory");
    }
    free(rn);
    free(rd);
    return st;
}

/* keep_pairs: the pairs and keys per row, and each row's outcome string. */
static pm_status keep_finish(pm_assess *a)
{
    for (size_t i = 0; i < a->kev_n; i++) {
        pmx_kev *e = &a->kev[i];
        if (!a->acc[e->ann].all_ts) /* input order */
            e->t = (double)e->seq;
    }
    pm_status st =
        pmx_kept_build(a->kev, a->kev_n, a->row_of_ann, a->nrows, (const char *const *)a->item_str,
                       &a->labels, &a->kept, a->rank, &a->anns);
    for (size_t r = 0; st == PM_OK && r < a->nrows; r++) {
        size_t lo = a->kept.pair_off[r], hi = a->kept.pair_off[r + 1];
        char *o = pmx_arena_alloc(&a->arena, hi - lo + 1);
        if (!o)
            return PM_ENOMEM;
        for (size_t i = lo; i < hi; i++)
            o[i - lo] = a->kept.pairs[i].agree ? '1' : '0';
        o[hi - lo] = '\0';
        a->rows[r].pair_outcomes = o;
    }
    return st;
}

/* The row's action (pm_action_decide) from its decision, flags and
 * below_chance, once the flags are set. */
static void assess_action(pm_assess_row *r, double delta, const pm_assess_options *opt)
{
    pm_action_input in = {
        .verdict = r->decision == PM_DECISION_PASS   ? PM_VERDICT_PASS
                   : r->decision == PM_DECISION_FAIL ? PM_VERDICT_FAIL
                                                     : PM_VERDICT_UNDECIDED,
        .flags = r->flags,
        .pairs = r->dup_pairs,
        .consistent = r->consistent,
        .below_chance = r->below_chance,
        .m1 = r->q0 + opt->eta1 * (1 - delta - r->q0),
    };
    r->action = pm_action_decide(&in, NULL, 0);
}

static pm_status finish_rows(pm_assess *a, long *left_n, long *left_k, unsigned char *eligible,
                             pm_error *err)
{
    if (a->opt.keep_pairs && !(a->row_of_ann = calloc(a->nrows ? a->nrows : 1, sizeof(size_t))))
        return pm_error_set(err, PM_ENOMEM, "assess: out of memory");
    if (timestamp_order(a) != PM_OK || build_rows(a, left_n, left_k, eligible) != PM_OK ||
        (a->opt.keep_pairs && keep_finish(a) != PM_OK))
        return pm_error_set(err, PM_ENOMEM, "assess: out of memory");
    pm_assess_summary *s = &a->sum;
    s->delta = a->opt.delta;
    s->delta_low = s->delta_high = NAN;
    if (a->opt.delta_estimate) {
        pm_status st = pmx_delta_estimate(a->rows, eligible, a->nrows, a->opt.level, s, err);
        if (st == PM_OK) /* a q0 for everyone may leave no signal at the estimate */
            st = pmx_assess_check_signal(a->opt.q0, s->delta, 1, PM_EMODEL, err);
        if (st != PM_OK)
            return st;
    }
    pm_status st = effort_all(a, s->delta, err);
    if (st == PM_OK)
        st = repeats(a, s, err);
    if (st == PM_OK)
        st = pmx_assess_flags(a->rows, a->nrows, left_n, left_k, &a->opt, err);
    for (size_t i = 0; st == PM_OK && i < a->nrows; i++)
        assess_action(&a->rows[i], s->delta, &a->opt);
    return st;
}

/* ---- merging the shards (threads > 1) ----------------------------------- */

/* An annotator or label of a shard, by the input index of its first record. */
typedef struct firstof {
    uint64_t seq;
    int shard;
    uint32_t id;
} firstof;

static int cmp_first(const void *x, const void *y)
{
    const firstof *a = x, *b = y;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Every item is in one shard's table (pmx_assess_item). */
static pm_status count_items(pm_assess *a)
{
    a->merged_items = 0;
    for (int i = 0; i < a->nshards; i++)
        a->merged_items += (long)a->shard[i]->items.count;
    return PM_OK;
}

/* Every shard's annotators (labels = 0) or labels other than A, B and tie
 * (labels = 1) by the input index of their first record, sorted (*n of
 * them), with map[s] allocated per shard (labels: the identity filled in,
 * A, B and tie keep their ids); NULL when out of memory (the caller frees
 * the maps made). */
static firstof *gather_first(pm_assess *a, int labels, uint32_t **map, size_t *n)
{
    size_t total = 0;
    for (int s = 0; s < a->nshards; s++)
        total += labels ? a->shard[s]->labels.count - 3 : a->shard[s]->anns.count;
    firstof *f = malloc((total ? total : 1) * sizeof *f);
    if (!f)
        return NULL;
    *n = 0;
    for (int s = 0; s < a->nshards; s++) {
        const pm_assess *sh = a->shard[s];
        size_t count = labels ? sh->labels.count : sh->anns.count;
        if (!(map[s] = malloc((count ? count : 1) * sizeof **map))) {
            free(f);
            return NULL;
        }
        for (uint32_t id = 0; id < count; id++) {
            if (labels)
                map[s][id] = id;
            if (!labels || id >= 3)
                f[(*n)++] = (firstof){labels ? sh->lab_first[id] : sh->ann_first[id], s, id};
        }
    }
    if (*n)
        qsort(f, *n, sizeof *f, cmp_first);
    return f;
}

/* Labels beyond A, B, tie in the order of their first record anywhere, so
 * that they get the ids one accumulator would have given them (q0 sums
 * the histogram in id order); lmap[s][local id] = the id here. */
static pm_status merge_labels(pm_assess *a, uint32_t **lmap)
{
    size_t n;
    firstof *f = gather_first(a, 1, lmap, &n);
    if (!f)
        return PM_ENOMEM;
    pm_status st = PM_OK;
    for (size_t i = 0; st == PM_OK && i < n; i++)
        st = pmx_strtab_intern(&a->labels, pmx_strtab_str(&a->shard[f[i].shard]->labels, f[i].id),
                               &lmap[f[i].shard][f[i].id], NULL);
    free(f);
    return st;
}

/* The shards' annotators moved here in the order of their first record
 * (the ids one accumulator gives), their histograms renumbered by lmap;
 * amap[s][local id] = the id here. */
static pm_status merge_annotators(pm_assess *a, uint32_t **lmap, uint32_t **amap)
{
    size_t n;
    firstof *f = gather_first(a, 0, amap, &n);
    if (!f)
        return PM_ENOMEM;
    pm_status st = PM_OK;
    if (!reserve((void **)&a->acc, &a->acc_cap, n, sizeof *a->acc))
        st = PM_ENOMEM;
    size_t nlabels = a->labels.count;
    for (size_t i = 0; st == PM_OK && i < n; i++) {
        pm_assess *sh = a->shard[f[i].shard];
        uint32_t id;
        st = pmx_strtab_intern(&a->anns, pmx_strtab_str(&sh->anns, f[i].id), &id, NULL);
        if (st != PM_OK)
            break;
        ann_acc *from = &sh->acc[f[i].id], *to = &a->acc[id];
        long *hist = calloc(nlabels, sizeof *hist);
        if (!hist) {
            st = PM_ENOMEM;
            break;
        }
        /* (hist_len may pass the label count: the rest are zeros) */
        for (size_t k = 0; k < from->hist_len && k < sh->labels.count; k++)
            hist[lmap[f[i].shard][k]] += from->hist[k];
        *to = *from;
        free(from->hist);
        to->hist = hist;
        to->hist_len = nlabels;
        from->hist = NULL;
        from->dur = NULL;
        from->hist_len = from->dur_cap = from->dur_n = 0;
        a->acc_bytes += nlabels * sizeof *hist + to->dur_cap * sizeof *to->dur;
        amap[f[i].shard][f[i].id] = id;
    }
    free(f);
    return st;
}

/* keep_pairs: the shards' kept events renumbered, and the item strings by
 * item id (shard t's local item i is item i * nshards + t). */
static pm_status merge_kept(pm_assess *a, uint32_t **lmap, uint32_t **amap)
{
    size_t nev = 0, nitems = 0, n = (size_t)a->nshards;
    for (size_t s = 0; s < n; s++) {
        nev += a->shard[s]->kev_n;
        if (a->shard[s]->items.count * n > nitems)
            nitems = a->shard[s]->items.count * n;
    }
    if (!pmx_reserve_z((void **)&a->kev, &a->kev_cap, nev ? nev : 1, sizeof *a->kev, 0) ||
        !reserve((void **)&a->item_str, &a->item_str_cap, nitems ? nitems : 1, sizeof *a->item_str))
        return PM_ENOMEM;
    for (int s = 0; s < a->nshards; s++) {
        const pm_assess *sh = a->shard[s];
        for (size_t i = 0; i < sh->kev_n; i++) {
            pmx_kev e = sh->kev[i];
            e.ann = amap[s][e.ann];
            e.label = lmap[s][e.label];
            a->kev[a->kev_n++] = e;
        }
        for (size_t i = 0; i < sh->items.count && i < sh->item_str_cap; i++)
            a->item_str[i * n + (size_t)s] = sh->item_str[i];
    }
    return PM_OK;
}

static pm_status merge_shards(pm_assess *a)
{
    uint32_t *lmap[PM_ASSESS_MAX_THREADS] = {0}, *amap[PM_ASSESS_MAX_THREADS] = {0};
    pm_status st = PM_OK;
    for (int s = 0; st == PM_OK && s < a->nshards; s++)
        st = timestamp_order(a->shard[s]);
    if (st == PM_OK)
        st = merge_labels(a, lmap);
    if (st == PM_OK)
        st = merge_annotators(a, lmap, amap);
    for (int s = 0; st == PM_OK && s < a->nshards; s++)
        st = pmx_rank_merge(&a->rank, a->shard[s]->rank, lmap[s], a->shard[s]->labels.count,
                            amap[s], a->shard[s]->anns.count);
    if (st == PM_OK && a->opt.keep_pairs)
        st = merge_kept(a, lmap, amap);
    if (st == PM_OK)
        st = count_items(a);
    for (int s = 0; s < a->nshards; s++) {
        const pm_assess_summary *f = &a->shard[s]->sum;
        pm_assess_summary *t = &a->sum;
        t->rows += f->rows;
        t->pairs_timestamped += f->pairs_timestamped;
        t->pairs_untimed += f->pairs_untimed;
        t->pairs_identical += f->pairs_identical;
        t->untimed_disagree += f->untimed_disagree;
        t->dup_dropped += f->dup_dropped;
        t->identical_dropped += f->identical_dropped;
        a->merged_keys += (long)a->shard[s]->keys.count;
        free(lmap[s]);
        free(amap[s]);
    }
    a->merged = 1;
    return st;
}

pm_status pm_assess_finish(pm_assess *a, pm_error *err)
{
    if (a->finished || a->spent)
        return pm_error_set(err, PM_EINVAL, "assess: finish called twice");
    if (a->nshards && !a->merged) {
        pm_status st = merge_shards(a);
        if (st != PM_OK) {
            a->spent = 1;
            return pm_error_set(err, st, "assess: out of memory");
        }
    }
    size_t n = a->anns.count, m = n ? n : 1;
    /* What finish allocates on top (rows, their order, per-row scratch of
     * the flags and tests), refused before any of it is made. */
    size_t extra = m * (sizeof(pm_assess_row) + 2 * sizeof(long) + 1 + 2 * sizeof(void *) +
                        4 * sizeof(double) + 2 * sizeof(long));
    if (a->opt.max_bytes && bytes_held(a) + extra > a->opt.max_bytes)
        return pm_error_set(err, PM_ELIMIT,
                            "assess: memory limit of %zu bytes: computing the rows of %zu "
                            "annotators needs %zu bytes more than the %zu held",
                            a->opt.max_bytes, n, extra, bytes_held(a));
    a->spent = 1;
    a->rows = calloc(m, sizeof *a->rows);
    long *left_n = malloc(m * sizeof *left_n), *left_k = malloc(m * sizeof *left_k);
    unsigned char *eligible = malloc(m);
    pm_status st;
    if (!a->rows || !left_n || !left_k || !eligible) {
        st = pm_error_set(err, PM_ENOMEM, "assess: out of memory");
    } else {
        a->nrows = n;
        st = finish_rows(a, left_n, left_k, eligible, err);
    }
    free(left_n);
    free(left_k);
    free(eligible);
    if (st != PM_OK) {
        free(a->rows);
        a->rows = NULL;
        a->nrows = 0;
        return st;
    }
    a->sum.bytes = bytes_held(a);
    summarise(a);
    a->finished = 1;
    return PM_OK;
}

const pm_assess_row *pm_assess_rows(const pm_assess *a, size_t *count)
{
    if (count)
        *count = a->finished ? a->nrows : 0;
    return a->finished ? a->rows : NULL;
}

const pm_assess_pair *pm_assess_row_pairs(const pm_assess *a, size_t row, size_t *n)
{
    *n = 0;
    if (!a->finished || !a->kept.pair_off || row >= a->nrows)
        return NULL;
    *n = a->kept.pair_off[row + 1] - a->kept.pair_off[row];
    return a->kept.pairs + a->kept.pair_off[row];
}

const pm_assess_key_labels *pm_assess_row_keys(const pm_assess *a, size_t row, size_t *n)
{
    *n = 0;
    if (!a->finished || !a->kept.key_off || row >= a->nrows)
        return NULL;
    *n = a->kept.key_off[row + 1] - a->kept.key_off[row];
    return a->kept.keys + a->kept.key_off[row];
}

const pm_assess_summary *pm_assess_summary_get(const pm_assess *a)
{
    return &a->sum;
}

const pm_assess_options *pm_assess_options_get(const pm_assess *a)
{
    return &a->opt;
}

void pm_assess_set_reader_bytes(pm_assess *a, size_t bytes)
{
    a->reader_bytes = bytes;
}

void pm_assess_set_rows_skipped(pm_assess *a, long skipped)
{
    a->sum.rows_skipped = skipped;
}

pm_status pmx_assess_set_rows(pm_assess *a, const pm_assess_row *rows, size_t n,
                              const pm_assess_summary *sum, pm_error *err)
{
    if (a->finished || a->sum.rows)
        return pm_error_set(err, PM_EINVAL, "assess: rows set on a used handle");
    a->rows = calloc(n ? n : 1, sizeof *a->rows);
    if (!a->rows)
        return pm_error_set(err, PM_ENOMEM, "assess: out of memory");
    for (size_t i = 0; i < n; i++) {
        a->rows[i] = rows[i];
        a->rows[i].annotator =
            pmx_arena_strdup(&a->arena, rows[i].annotator, strlen(rows[i].annotator));
        if (!a->rows[i].annotator)
            return pm_error_set(err, PM_ENOMEM, "assess: out of memory");
        if (rows[i].pair_outcomes &&
            !(a->rows[i].pair_outcomes = pmx_arena_strdup(&a->arena, rows[i].pair_outcomes,
                                                          strlen(rows[i].pair_outcomes))))
            return pm_error_set(err, PM_ENOMEM, "assess: out of memory");
    }
    a->nrows = n;
    a->sum = *sum;
    a->finished = 1;
    return PM_OK;
}
