/*
** pm_assess_read with threads (pm_assess_options.threads > 1): a regular
** csv, tsv or jsonl file is cut into chunks at record boundaries
** (io/records_split.h) and read in rounds of one chunk per thread:
**
**  1. parse: thread i reads chunk i of the round with a reader of its own
**     and sorts its records by shard (the annotator's name hashed: see
**     pmx_assess_shard_index), copying their strings into the chunk's
**     buffer; it hashes each item and lists the record under the item's
**     class (pmx_assess_item_class);
**  2. number the items: thread t numbers the items of class t of the
**     round's records (in file order) in shard t's item table, into an
**     array of ids of its own (no cache line written by two threads), so
**     that an item labelled in several shards is stored once;
**  3. accumulate: thread s adds shard s's records of the round's chunks in
**     chunk order, so that each annotator's records arrive in file order,
**     with the item ids known (the item tables are only read); then, as
**     each thread comes free, it parses the next round's chunks (step 1,
**     into a second set of buffers), so that a thread that would wait for
**     a slower shard (its key table doubling, its vCPU descheduled) does
**     the next round's first step instead.
**
** Every record gets its input index (chunk by chunk), which orders the
** merged annotators, labels and kept pairs as one accumulator would. On
** errors, the first in file order wins (the lowest chunk, then the lowest
** record in it: a chunk's parse error comes after the records it made),
** the same message one thread gives, since one thread adds the records
** before a bad one too. The buffers are reused from round to round; their
** bytes count against max_bytes, checked before each round's adding with
** room for each shard's key table to double if that many keys came.
** Anything else (standard input, a pipe, another format) is read record by
** record through the shards.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/par.h"
#include "io/records_split.h"
#include "pipeline/assess_internal.h"

/* 1 MiB of log per chunk: about 32,000 rows, enough to keep the threads'
 * start and join (three times a round) near 1 % of the work, and the two
 * rounds' buffers (64-byte records, strings, item lists) held at once
 * about 15 MB on two threads, as one round's of 2 MiB chunks were (8 MiB
 * chunks had held 60 MB more at the peak of 10 M rows for no measurable
 * speed; 2 MiB chunks with the parse overlapped held 15-25 MB more than
 * 1 MiB and ran no faster). */
#define CHUNK_BYTES ((size_t)1 << 20)
#define T_MAX PM_ASSESS_MAX_THREADS
_Static_assert(T_MAX <= PMX_PAR_MAX, "a thread per job in run_all");
#define NONE UINT32_MAX
/* A chunk's strings are addressed by 32-bit offsets (64-byte records: the
 * buffers of a round are a tenth of the peak memory on 10 M rows). */
#define STR_MAX ((size_t)UINT32_MAX - 1)

/* One record of a chunk (64 bytes): offsets of its strings in the
 * chunk's buffer, and the annotator's length, which the accumulator's
 * lookup needs (the item's travels in its cref; label and gold are found
 * by their NUL). */
typedef struct crec {
    double ts, duration;
    long line;
    uint64_t ih;                     /* the item's hash */
    uint32_t ann, item, label, gold; /* gold NONE when absent */
    uint32_t idx;                    /* position in the chunk */
    uint32_t ik;                     /* the record's place in its item class's list */
    int8_t cls;                      /* the item's class (-1: no item) */
    char shown_left;
    char ranking;     /* pm_record.ranking: every field of the record travels */
    char checked;     /* a plain row (io/records_plain.h: its fields checked by the reader) */
    uint32_t ann_len; /* (< STR_MAX) */
} crec;
_Static_assert(sizeof(crec) <= 64, "a chunk's record in a cache line");
_Static_assert(PM_ASSESS_MAX_THREADS <= 127, "a class in an int8_t");

/* A record's item in its class's list: hash, offset and length of the
 * string. */
typedef struct cref {
    uint64_t h;
    uint32_t off, len;
} cref;

#define NO_ID UINT32_MAX /* numbering the item failed: ist[class] says why */

typedef struct cbuf {
    char *str;
    size_t len, cap;
    crec *rec[T_MAX];
    size_t n[T_MAX], rcap[T_MAX];
    cref *ir[T_MAX]; /* the records' items by class, in file order */
    size_t nir[T_MAX], ircap[T_MAX];
    uint32_t *iid[T_MAX]; /* their ids (step 2), or NO_ID */
    size_t iidcap[T_MAX];
    pm_status ist[T_MAX]; /* the status of the first NO_ID */
    size_t total;         /* records made */
    pm_status st;         /* the parse's status; the error follows `total` records */
    pm_error err;
    pm_records_stats stats;
    uint64_t base; /* input index of the first record */
} cbuf;

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return 0;
    *p = q;
    *cap = c;
    return 1;
}

/* s (n bytes) and its NUL copied into the buffer, which has room: its
 * offset; NONE for no string. */
static inline uint32_t keep(cbuf *b, const char *s, size_t n)
{
    if (!s)
        return NONE;
    pmx_copy_short(b->str + b->len, s, n + 1);
    b->len += n + 1;
    return (uint32_t)(b->len - n - 1);
}

typedef struct parse_job {
    pm_assess *a;
    pm_records *parent;
    const pmx_chunk *ch;
    cbuf *b;
} parse_job;

/* The record r (annotator and item of the lengths given: a plain row's,
 * or counted) into its shard's list. */
static pm_status put(int nsh, cbuf *b, const pmx_plain *r, int checked, pm_error *err)
{
    int s = pmx_shard_of_name(r->annotator, r->annotator_len, nsh);
    if (!grow((void **)&b->rec[s], &b->rcap[s], b->n[s] + 1, sizeof(crec)))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    if (b->total >= UINT32_MAX)
        return pm_error_set(err, PM_ELIMIT, "assess: over 2^32 - 1 records in one chunk");
    crec *c = &b->rec[s][b->n[s]];
    c->ih = 0;
    c->cls = -1;
    c->ik = 0;
    /* One check of room for the four strings (each with its NUL). */
    size_t need = r->annotator_len + r->item_len + r->label_len + r->gold_len + 4;
    if (b->len + need > STR_MAX)
        return pm_error_set(err, PM_ELIMIT, "assess: over 4 GiB of strings in one chunk");
    if (!grow((void **)&b->str, &b->cap, b->len + need, 1))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    c->ann = keep(b, r->annotator, r->annotator_len);
    c->item = keep(b, r->item, r->item_len);
    c->label = keep(b, r->label, r->label_len);
    c->gold = keep(b, r->gold, r->gold_len);
    c->ann_len = (uint32_t)r->annotator_len;
    c->ts = r->timestamp;
    c->duration = r->duration;
    c->line = r->line;
    c->shown_left = r->shown_left;
    c->ranking = (char)(r->ranking != 0);
    c->checked = (char)checked;
    if (r->item && *r->item) { /* (an empty item is refused when added) */
        c->ih = pmx_hash_bytes(r->item, r->item_len);
        int t = pmx_item_class_n(c->ih, nsh);
        c->cls = (int8_t)t;
        if (!grow((void **)&b->ir[t], &b->ircap[t], b->nir[t] + 1, sizeof(cref)) ||
            b->nir[t] >= UINT32_MAX)
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        c->ik = (uint32_t)b->nir[t];
        b->ir[t][b->nir[t]++] = (cref){c->ih, c->item, (uint32_t)r->item_len};
    }
    c->idx = (uint32_t)b->total++;
    b->n[s]++;
    return PM_OK;
}

static void *parse(void *arg)
{
    parse_job *j = arg;
    cbuf *b = j->b;
    const int nsh = pmx_assess_nshards(j->a);
    b->len = b->total = 0;
    memset(b->n, 0, sizeof b->n);
    memset(b->nir, 0, sizeof b->nir);
    memset(&b->stats, 0, sizeof b->stats);
    b->st = PM_OK;
    pm_records *r = pmx_records_range(j->parent, j->ch, &b->err);
    if (!r) {
        b->st = b->err.code ? b->err.code : PM_ENOMEM;
        return NULL;
    }
    for (;;) {
        /* plain rows as fields (io/records_plain.h), the rest as records */
        pm_record rec;
        pmx_plain row;
        pmx_plain_kind kind;
        int got = 1;
        pm_status st = pmx_records_plain(r, &row, &rec, &kind, &b->err);
        if (st == PM_OK && kind == PMX_PLAIN_NONE)
            st = pmx_records_range_next(r, &rec, &got, &b->err);
        if (st == PM_OK && got && kind != PMX_PLAIN_ROW)
            pmx_plain_from_record(&rec, 1, &row);
        if (st == PM_OK && got)
            st = put(nsh, b, &row, kind == PMX_PLAIN_ROW, &b->err);
        if (st != PM_OK)
            b->st = st;
        if (st != PM_OK || !got)
            break;
    }
    pm_records_stats_get(r, &b->stats);
    pmx_records_range_free(r);
    return NULL;
}

typedef struct item_job {
    pm_assess *a;
    int t;
    cbuf *b;
    int nchunks;
} item_job;

/* Step 2 for class t. A failure is the record's (and any later record's
 * of that class): the adding step reports the first in file order. */
static void *number_items(void *arg)
{
    item_job *j = arg;
    const pmx_strtab *items = pmx_assess_items_of(j->a, j->t);
    for (int c = 0; c < j->nchunks; c++) {
        cbuf *b = &j->b[c];
        const cref *ir = b->ir[j->t];
        size_t n = b->nir[j->t];
        b->ist[j->t] = PM_OK;
        if (!grow((void **)&b->iid[j->t], &b->iidcap[j->t], n, sizeof(uint32_t))) {
            b->ist[j->t] = PM_ENOMEM;
            continue; /* (n > 0: the list was grown to n) */
        }
        uint32_t *id = b->iid[j->t];
        for (size_t k = 0; k < n; k++) {
            if (k + 8 < n) /* the table slot of an item ahead */
                PMX_STRTAB_PREFETCH(items, ir[k + 8].h);
            pm_status st =
                pmx_assess_item(j->a, j->t, b->str + ir[k].off, ir[k].len, ir[k].h, &id[k]);
            if (st != PM_OK) {
                id[k] = NO_ID;
                if (b->ist[j->t] == PM_OK)
                    b->ist[j->t] = st;
            }
        }
    }
    return NULL;
}

typedef struct acc_job {
    pm_assess *shard;
    int s;
    cbuf *b;
    int nchunks;
    const char *file;
    pm_status st; /* the first failure: at chunk fc, record fi */
    int fc;
    size_t fi;
    pm_error err;
} acc_job;

#define BATCH 32

static void *accumulate(void *arg)
{
    acc_job *j = arg;
    pmx_prepped p[BATCH];
    int pc[BATCH];
    size_t pi[BATCH], n = 0, done;
    j->st = PM_OK;
    for (int c = 0; c < j->nchunks; c++) {
        const cbuf *b = &j->b[c];
        for (size_t i = 0; i <= b->n[j->s]; i++) {
            pm_status st = PM_OK;
            int last = i == b->n[j->s];
            if (!last) {
                const crec *cr = &b->rec[j->s][i];
                const char *str = b->str;
                /* (the item's and label's lengths are not read) */
                pmx_plain rec = {
                    .annotator = cr->ann == NONE ? NULL : str + cr->ann,
                    .annotator_len = cr->ann_len,
                    .item = cr->item == NONE ? NULL : str + cr->item,
                    .label = cr->label == NONE ? NULL : str + cr->label,
                    .gold = cr->gold == NONE ? NULL : str + cr->gold,
                    .shown_left = cr->shown_left,
                    .timestamp = cr->ts,
                    .duration = cr->duration,
                    .file = j->file,
                    .line = cr->line,
                    .ranking = cr->ranking,
                };
                pmx_assess_set_seq(j->shard, b->base + cr->idx);
                pm_error perr;
                uint32_t id = 0;
                pm_status ist = PM_OK;
                if (cr->cls >= 0) {
                    /* (no ids at all: growing the id array failed) */
                    id = b->nir[cr->cls] <= b->iidcap[cr->cls] ? b->iid[cr->cls][cr->ik] : NO_ID;
                    ist = id == NO_ID ? b->ist[cr->cls] : PM_OK;
                }
                st = pmx_assess_prepare_known(j->shard, &rec, cr->checked, cr->ih, id, ist, &p[n],
                                              &perr);
                if (st != PM_OK) {
                    /* The records before it first. */
                    pm_status rs = pmx_assess_run(j->shard, p, n, &done, &j->err);
                    if (rs != PM_OK) {
                        j->st = rs;
                        j->fc = pc[done];
                        j->fi = pi[done];
                    } else {
                        j->st = st;
                        j->fc = c;
                        j->fi = cr->idx;
                        j->err = perr;
                    }
                    return NULL;
                }
                pc[n] = c;
                pi[n] = cr->idx;
                n++;
            }
            if (n == BATCH || (last && c == j->nchunks - 1 && n)) {
                st = pmx_assess_run(j->shard, p, n, &done, &j->err);
                if (st != PM_OK) {
                    j->st = st;
                    j->fc = pc[done];
                    j->fi = pi[done];
                    return NULL;
                }
                n = 0;
            }
        }
    }
    return NULL;
}

/* Run fn(job[i]) for i < n, job 0 in this thread, each job a range of its
 * own of pmx_par_for (which runs a job whose thread cannot start here). */
typedef struct run_ctx {
    void *(*fn)(void *);
    char *jobs;
    size_t size;
} run_ctx;

static void run_range(void *ctx, size_t lo, size_t hi, int k)
{
    (void)k;
    run_ctx *c = ctx;
    for (size_t i = lo; i < hi; i++)
        c->fn(c->jobs + i * c->size);
}

static void run_all(void *(*fn)(void *), void *jobs, size_t size, int n)
{
    run_ctx c = {fn, jobs, size};
    pmx_par_for((size_t)n, n, 1, run_range, &c);
}

static size_t buffer_bytes(const cbuf *b, int n, int t)
{
    size_t bytes = 0;
    for (int c = 0; c < n; c++) {
        bytes += b[c].cap;
        for (int s = 0; s < t; s++)
            bytes += b[c].rcap[s] * sizeof(crec) + b[c].ircap[s] * sizeof(cref) +
                     b[c].iidcap[s] * sizeof(uint32_t);
    }
    return bytes;
}

/* Record by record through the shards (pm_assess_add routes them). */
static pm_status one_by_one(pm_assess *a, pm_records *r, pm_error *err)
{
    for (;;) {
        pm_record rec;
        int got;
        pm_status st = pm_records_next(r, &rec, &got, err);
        if (st != PM_OK || !got)
            return st;
        /* what the reader holds may grow as it reads (Arena's judges) */
        pm_assess_set_reader_bytes(a, pm_records_bytes(r));
        if ((st = pm_assess_add(a, &rec, err)) != PM_OK)
            return st;
    }
}

static size_t chunk_bytes(void)
{
    /* A testing knob: small chunks put boundaries everywhere in a small
     * file (tests/cli/cases/assess_threads_*). */
    const char *e = getenv("PREFMON_CHUNK_BYTES");
    long v = e ? atol(e) : 0;
    return v > 0 && v <= (1L << 30) ? (size_t)v : CHUNK_BYTES;
}

/* A round's parse jobs, taken in turn by whichever thread is free: the
 * threads that finish adding the round before first parse the next one's
 * chunks, so that a shard slower to add (its key table doubling, a vCPU
 * descheduled) is not waited for idle. */
typedef struct parse_pool {
    parse_job job[T_MAX];
    int n;
    int next; /* the next job not taken (atomic) */
} parse_pool;

static void parse_some(parse_pool *pool)
{
    for (;;) {
        int i = __atomic_fetch_add(&pool->next, 1, __ATOMIC_RELAXED);
        if (i >= pool->n)
            return;
        parse(&pool->job[i]);
    }
}

static void *parse_pooled(void *arg)
{
    parse_some(arg);
    return NULL;
}

typedef struct add_then_parse {
    acc_job *acc;
    parse_pool *pool; /* NULL: no round after this one */
} add_then_parse;

static void *accumulate_then_parse(void *arg)
{
    add_then_parse *j = arg;
    accumulate(j->acc);
    if (j->pool)
        parse_some(j->pool);
    return NULL;
}

/* The chunks in the round that starts at chunk k of nch (t a round). */
static int round_size(size_t nch, size_t k, int t)
{
    return k >= nch ? 0 : nch - k < (size_t)t ? (int)(nch - k) : t;
}

/* The parse jobs of the round of chunks ch[k..k+m) into bufs. */
static void round_jobs(parse_pool *pool, pm_assess *a, pm_records *r, const pmx_chunk *ch, size_t k,
                       int m, cbuf *bufs)
{
    for (int i = 0; i < m; i++)
        pool->job[i] = (parse_job){a, r, &ch[k + (size_t)i], &bufs[i]};
    pool->n = m;
    pool->next = 0;
}

/* Rounds of t chunks (t threads): round k's records are numbered and added
 * while, as threads come free, round k + 1's chunks are parsed into the
 * other half of b (2 t buffers). */
static pm_status rounds(pm_assess *a, pm_records *r, const pmx_chunk *ch, size_t nch, cbuf *b,
                        pm_records_stats *total, pm_error *err)
{
    int t = pmx_assess_nshards(a);
    const char *file = pmx_records_file(r);
    parse_pool pool;
    int m = round_size(nch, 0, t);
    round_jobs(&pool, a, r, ch, 0, m, b);
    run_all(parse_pooled, &pool, 0, m); /* (size 0: one pool for all) */
    for (size_t k = 0, half = 0; k < nch; k += (size_t)t, half ^= 1) {
        cbuf *cur = &b[half * (size_t)t], *next = &b[(half ^ 1) * (size_t)t];
        m = round_size(nch, k, t);
        size_t rows = 0;
        for (int i = 0; i < m; i++) {
            cur[i].base = pmx_assess_next_seq(a, cur[i].total);
            rows += cur[i].total;
        }
        pm_status st = pmx_assess_check_usable(a, err);
        if (st == PM_OK)
            st = pmx_assess_shards_limit(a, buffer_bytes(b, 2 * t, t), rows, file, ch[k].line, err);
        if (st != PM_OK)
            return st;
        item_job ij[T_MAX];
        for (int s = 0; s < t; s++)
            ij[s] = (item_job){a, s, cur, m};
        run_all(number_items, ij, sizeof *ij, t);
        int m2 = round_size(nch, k + (size_t)t, t);
        if (m2)
            round_jobs(&pool, a, r, ch, k + (size_t)t, m2, next);
        acc_job aj[T_MAX];
        add_then_parse ap[T_MAX];
        for (int s = 0; s < t; s++) {
            aj[s] = (acc_job){
                .shard = pmx_assess_shard(a, s), .s = s, .b = cur, .nchunks = m, .file = file};
            ap[s] = (add_then_parse){&aj[s], m2 ? &pool : NULL};
        }
        run_all(accumulate_then_parse, ap, sizeof *ap, t);
        /* The first failure in file order (of this round: the next one's
         * parse errors are its own). */
        int best_c = -1;
        size_t best_i = 0;
        const pm_error *best = NULL;
        for (int i = 0; i < m; i++) {
            if (cur[i].st != PM_OK) {
                best_c = i;
                best_i = cur[i].total;
                best = &cur[i].err;
                st = cur[i].st;
                break;
            }
        }
        for (int s = 0; s < t; s++) {
            if (aj[s].st == PM_OK)
                continue;
            if (best_c < 0 || aj[s].fc < best_c || (aj[s].fc == best_c && aj[s].fi < best_i)) {
                best_c = aj[s].fc;
                best_i = aj[s].fi;
                best = &aj[s].err;
                st = aj[s].st;
            }
        }
        if (best) {
            if (err)
                *err = *best;
            return st;
        }
        for (int i = 0; i < m; i++) {
            total->rows_read += cur[i].stats.rows_read;
            total->rows_used += cur[i].stats.rows_used;
            for (int j = 0; j < PM_RECORDS_SKIP_COUNT; j++)
                total->skipped[j] += cur[i].stats.skipped[j];
        }
    }
    return PM_OK;
}

pm_status pmx_assess_read_threads(pm_assess *a, pm_records *r, pm_error *err)
{
    pm_status st = pmx_assess_check_usable(a, err);
    if (st != PM_OK)
        return st;
    pmx_chunk *ch = NULL;
    size_t nch = 0;
    if ((st = pmx_records_chunks(r, chunk_bytes(), pmx_assess_nshards(a), &ch, &nch, err)) != PM_OK)
        return st;
    if (nch == 0)
        return one_by_one(a, r, err);
    int t = pmx_assess_nshards(a);
    cbuf *b = calloc(2 * (size_t)t, sizeof *b); /* two rounds' buffers */
    pm_records_stats total = {0};
    if (!b)
        st = pm_error_set(err, PM_ENOMEM, "assess: out of memory");
    else
        st = rounds(a, r, ch, nch, b, &total, err);
    for (int i = 0; b && i < 2 * t; i++) {
        free(b[i].str);
        for (int s = 0; s < t; s++) {
            free(b[i].rec[s]);
            free(b[i].ir[s]);
            free(b[i].iid[s]);
        }
    }
    free(b);
    free(ch);
    if (st == PM_OK)
        st = pmx_records_chunks_done(r, &total, err);
    return st;
}
