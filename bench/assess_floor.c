/*
** The least work `prefmon assess` must do on a log, as a yardstick for its
** speed (doc/assess.md, "Where the time goes"): read the file, split each
** row's first three fields (annotator, item, label: unquoted CSV, as
** bench/gen_shapes.c writes), number the annotator and the item in string
** tables, find the (annotator, item) key in a key table, and count pairs and
** agreeing pairs. No checks, no timestamps, durations, gold or sides, no
** output beyond the counts: a floor, not a tool. Two ways:
**
**   assess_floor LOG ITEMS KEYS
**     streaming, as prefmon works: tables with prefmon's layouts (32-byte
**     item slots with the string inline, 16-byte key slots, at most 70 %
**     full, written at once, huge pages while quick to fault) sized once
**     from ITEMS and KEYS, the log's distinct items and (annotator, item)
**     keys (prefmon's summary prints both), so that no time goes to
**     growing them; rows handled in batches of 64 with
**     each batch's slots prefetched before use, as prefmon does.
**
**   assess_floor --partitioned LOG
**     radix-partitioned: a first pass writes every row as a 32-byte record
**     (item hash, annotator, label, the item's bytes) into one of P
**     partitions by the top bits of its item hash (P a power of two, about
**     one per 32,768 rows, from the file's size); a second pass takes the
**     partitions one by one, in tables of its own small enough to stay in
**     cache, each partition's rows in file order. Every row of an item, and
**     so of a key, is in one partition, so the counts are the streaming
**     way's. The records are the price: 32 bytes per row, held until the
**     end (items of at most 18 bytes).
**
** Prints the counts (to compare with prefmon's) and the seconds taken.
*/
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    uint32_t tag, id1;
    char s[24];
} item_slot;

typedef struct {
    uint32_t ann, item, label, pad;
} key_slot;

typedef struct {
    const char *item;
    size_t len;
    uint64_t h;
    uint32_t ann, label, id, kh;
} row;

#define BATCH 64
#define ANN_BITS 22 /* up to 2.9 million annotators (gen_shapes crowd) */

static item_slot *items;
static key_slot *keys;
static size_t icap, kcap;
static uint32_t nitems, nkeys;
static long pairs, agree;
static struct {
    char s[24];
    uint32_t id1;
} anns[1 << ANN_BITS];
static uint32_t nanns;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The last n < 8 bytes are read as one 8-byte load ending at the string's
 * end when the string has 8 bytes, shifted (as pmx_hash_bytes does): a
 * memcpy of n bytes into a zeroed word compiles to byte stores and one
 * 8-byte load of them, which the CPU cannot forward, and that stall was
 * 40 % of this program's time. */
static uint64_t hash(const char *p, size_t n)
{
    size_t len = n;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
    for (; n >= 8; p += 8, n -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
    }
    w = 0;
    if (n && len >= 8) {
        memcpy(&w, p + n - 8, 8);
        w >>= 64 - 8 * n; /* little-endian: the string's last n bytes */
    } else {
        for (size_t i = 0; i < n; i++)
            w |= (uint64_t)(unsigned char)p[i] << (8 * i);
    }
    h = (h ^ w) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

/* Huge pages as prefmon takes them (src/lib/core/hash.c): each table's huge
 * pages faulted at once, one at a time and timed, and off for the rest of
 * the run from the first that takes over 2 ms. On a VM whose host takes
 * back freed memory, a huge page after a pause costs about 6 ms to fault,
 * and the floor would be measuring the host. Every page is written at once,
 * as prefmon's are (a probe's read of an untouched page would map the zero
 * page, to be replaced on the first write). */
static int huge_ok = 1;

static long ns_between(const struct timespec *a, const struct timespec *b)
{
    return (long)(b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

static void *table(size_t bytes)
{
    char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    size_t two = (size_t)2 << 20;
    if (huge_ok) {
        madvise(p, bytes, MADV_HUGEPAGE);
        char *q = (char *)(((uintptr_t)p + two - 1) & ~(uintptr_t)(two - 1));
        for (; q + two <= p + bytes; q += two) {
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            *(volatile char *)q = 0;
            clock_gettime(CLOCK_MONOTONIC, &t1);
            if (ns_between(&t0, &t1) > 2000000L) {
                huge_ok = 0;
                madvise(p, bytes, MADV_NOHUGEPAGE);
                break;
            }
        }
    }
#ifdef MADV_POPULATE_WRITE
    if (madvise(p, bytes, MADV_POPULATE_WRITE) != 0)
#endif
        for (size_t i = 0; i < bytes; i += 4096)
            ((volatile char *)p)[i] = 0;
    return p;
}

static size_t cap_for(size_t n)
{
    size_t c = 1024;
    while (n >= c / 10 * 7)
        c *= 2;
    return c;
}

static uint32_t annotator(const char *s, size_t n)
{
    if (n > 23) {
        fprintf(stderr, "assess_floor: annotator longer than 23 bytes\n");
        exit(1);
    }
    size_t j = hash(s, n) >> (64 - ANN_BITS);
    while (anns[j].id1 && (memcmp(anns[j].s, s, n) || anns[j].s[n]))
        j = (j + 1) & ((1 << ANN_BITS) - 1);
    if (!anns[j].id1) {
        if (nanns + 2 >= (1 << ANN_BITS) * 7 / 10) {
            fprintf(stderr, "assess_floor: too many annotators\n");
            exit(1);
        }
        memcpy(anns[j].s, s, n);
        anns[j].id1 = ++nanns;
    }
    return anns[j].id1;
}

/* Number the batch's items (their slots prefetched when parsed), prefetch
 * their key slots, then count the keys. */
static void flush(row *r, int n)
{
    for (int i = 0; i < n; i++) {
        row *x = &r[i];
        uint32_t tag = (uint32_t)(x->h >> 32);
        size_t j = x->h & (icap - 1);
        for (;; j = (j + 1) & (icap - 1)) {
            item_slot *s = &items[j];
            if (!s->id1) {
                if (x->len > 23 || nitems + 1 > icap / 10 * 7) {
                    fprintf(stderr, "assess_floor: item too long, or more items than given\n");
                    exit(1);
                }
                s->tag = tag;
                s->id1 = ++nitems;
                memcpy(s->s, x->item, x->len);
                x->id = s->id1;
                break;
            }
            if (s->tag == tag && memcmp(s->s, x->item, x->len) == 0 && !s->s[x->len]) {
                x->id = s->id1;
                break;
            }
        }
        uint64_t k = x->ann * 0x9e3779b97f4a7c15ULL ^ x->id * 0xbf58476d1ce4e5b9ULL;
        x->kh = (uint32_t)(k ^ (k >> 29));
        __builtin_prefetch(&keys[x->kh & (kcap - 1)]);
    }
    for (int i = 0; i < n; i++) {
        const row *x = &r[i];
        for (size_t j = x->kh & (kcap - 1);; j = (j + 1) & (kcap - 1)) {
            key_slot *s = &keys[j];
            if (!s->ann) {
                if (nkeys + 1 > kcap / 10 * 7) {
                    fprintf(stderr, "assess_floor: more keys than given\n");
                    exit(1);
                }
                *s = (key_slot){x->ann, x->id, x->label, 0};
                nkeys++;
                break;
            }
            if (s->ann == x->ann && s->item == x->id) {
                pairs++;
                agree += s->label == x->label;
                s->label = x->label;
                break;
            }
        }
    }
}

/* A data row's first three fields: the annotator, the item (pointing
 * into the read buffer) and the label's first byte (0 when absent). */
typedef struct {
    const char *ann, *item;
    size_t alen, ilen;
    uint32_t label;
} fields;

/* Read fd in 1 MiB blocks and give each data row (the header skipped) to
 * row(ctx, f); block(ctx) runs before the buffer moves (the rows given so
 * far point into it). The number of rows, or -1 (with a message). Inlined
 * into each caller, so that its row function is inlined too: an indirect
 * call per row cost 5 % more instructions. */
__attribute__((always_inline)) static inline long
read_rows(int fd, void (*row)(void *, const fields *), void (*block)(void *), void *ctx)
{
    size_t cap = (size_t)1 << 20, have = 0;
    char *buf = malloc(cap + 1);
    int header = 1, eof = 0;
    long rows = 0;
    if (!buf) {
        perror("malloc");
        return -1;
    }
    while (!eof || have) {
        ssize_t got = eof ? 0 : read(fd, buf + have, cap - have);
        if (got <= 0) {
            eof = 1;
            if (have && buf[have - 1] != '\n')
                buf[have++] = '\n';
        } else {
            have += (size_t)got;
        }
        char *p = buf, *end = buf + have, *nl;
        while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
            char *c1 = memchr(p, ',', (size_t)(nl - p));
            char *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(nl - c1 - 1)) : NULL;
            if (!header && c1) {
                if (!c2)
                    c2 = nl;
                fields f = {p, c1 + 1, (size_t)(c1 - p), (size_t)(c2 - c1 - 1),
                            c2 < nl ? (uint32_t)(unsigned char)c2[1] : 0};
                row(ctx, &f);
                rows++;
            }
            header = 0;
            p = nl + 1;
        }
        if (block)
            block(ctx);
        have = (size_t)(end - p);
        memmove(buf, p, have);
        if (have == cap) {
            fprintf(stderr, "assess_floor: a line over 1 MiB\n");
            free(buf);
            return -1;
        }
    }
    free(buf);
    return rows;
}

/* ---- streaming ----------------------------------------------------- */

typedef struct {
    row r[BATCH];
    int n;
} batch;

static void stream_row(void *ctx, const fields *f)
{
    batch *b = ctx;
    row *x = &b->r[b->n++];
    x->ann = annotator(f->ann, f->alen);
    x->item = f->item;
    x->len = f->ilen;
    x->h = hash(x->item, x->len);
    x->label = f->label;
    __builtin_prefetch(&items[x->h & (icap - 1)]);
    if (b->n == BATCH) {
        flush(b->r, b->n);
        b->n = 0;
    }
}

/* The rows of a batch point into the buffer: add them before it moves. */
static void stream_block(void *ctx)
{
    batch *b = ctx;
    flush(b->r, b->n);
    b->n = 0;
}

static int streaming(char **argv)
{
    double t0 = now();
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    icap = cap_for(strtoull(argv[2], NULL, 10));
    kcap = cap_for(strtoull(argv[3], NULL, 10));
    items = table(icap * sizeof *items);
    keys = table(kcap * sizeof *keys);
    static batch b;
    long rows = read_rows(fd, stream_row, stream_block, &b);
    if (rows < 0)
        return 1;
    printf("%ld rows, %u annotators, %u items, %u keys, %ld pairs, %ld agreeing: %.3f s\n", rows,
           nanns, nitems, nkeys, pairs, agree, now() - t0);
    return 0;
}

/* ---- radix-partitioned ---------------------------------------------- */

#define REC_ITEM 18
typedef struct {
    uint64_t h;
    uint32_t ann;
    uint8_t label, len;
    char s[REC_ITEM];
} rec;

#define CHUNK_RECS 2048 /* 64 KiB of records */
typedef struct {
    rec *r;
    uint32_t n;
} part_head;

static char *pool;
static size_t pool_used, pool_cap;

static rec *new_chunk(void)
{
    size_t bytes = CHUNK_RECS * sizeof(rec) + sizeof(rec *);
    if (pool_used + bytes > pool_cap) {
        fprintf(stderr, "assess_floor: more rows than the file's size allows\n");
        exit(1);
    }
    rec *r = (rec *)(pool + pool_used);
    pool_used += bytes;
    *(rec **)&r[CHUNK_RECS] = NULL; /* the link to the next chunk */
    return r;
}

static rec **chunk_next(rec *chunk)
{
    return (rec **)&chunk[CHUNK_RECS];
}

typedef struct {
    part_head *tail;
    size_t *count;
    int bits;
} parts;

static void part_row(void *ctx, const fields *f)
{
    parts *ps = ctx;
    if (f->ilen > REC_ITEM) {
        fprintf(stderr, "assess_floor: an item longer than %d bytes\n", REC_ITEM);
        exit(1);
    }
    uint64_t h = hash(f->item, f->ilen);
    size_t q = ps->bits ? h >> (64 - ps->bits) : 0;
    part_head *t = &ps->tail[q];
    if (t->n == CHUNK_RECS) {
        rec *c = new_chunk();
        *chunk_next(t->r) = c;
        t->r = c;
        t->n = 0;
    }
    rec *x = &t->r[t->n++];
    x->h = h;
    x->ann = annotator(f->ann, f->alen);
    x->label = (uint8_t)f->label;
    x->len = (uint8_t)f->ilen;
    memcpy(x->s, f->item, f->ilen);
    ps->count[q]++;
}

static int partitioned(const char *path)
{
    double t0 = now();
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        return 1;
    }
    /* About one partition per 32,768 rows (rows estimated at 32 bytes):
     * a partition's two tables then hold at most some 32,768 strings and
     * keys, 2 MiB, and stay in the 2-4 MiB of cache a core has. */
    int bits = 0;
    while (bits < 12 && ((size_t)st.st_size >> 5 >> 15) >> bits)
        bits++;
    size_t np = (size_t)1 << bits;
    /* Records: at most one per 6 bytes of file ("a,b,c\n"), reserved, not
     * touched until written. */
    pool_cap = ((size_t)st.st_size / 6 + np * CHUNK_RECS) * sizeof(rec) + (size_t)(2 << 20);
    pool = mmap(NULL, pool_cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                -1, 0);
    if (pool == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    /* (small pages: written in order, the records miss the TLB once per
     * 4 KiB, and a huge page from the host costs more than 512 small ones) */
    rec **first = calloc(np, sizeof *first);
    part_head *tail = calloc(np, sizeof *tail);
    size_t *count = calloc(np, sizeof *count);
    if (!first || !tail || !count) {
        perror("calloc");
        return 1;
    }
    for (size_t p = 0; p < np; p++)
        first[p] = tail[p].r = new_chunk();

    parts ps = {tail, count, bits};
    long rows = read_rows(fd, part_row, NULL, &ps);
    if (rows < 0)
        return 1;
    double t1 = now();

    /* One pair of tables for every partition, sized for the largest. */
    size_t most = 0;
    for (size_t p = 0; p < np; p++)
        most = count[p] > most ? count[p] : most;
    size_t tcap = cap_for(most);
    item_slot *it = table(tcap * sizeof *it);
    key_slot *kt = table(tcap * sizeof *kt);
    long pairs = 0, agree = 0, nitems = 0, nkeys = 0;
    for (size_t p = 0; p < np; p++) {
        size_t c = cap_for(count[p]), m = c - 1;
        memset(it, 0, c * sizeof *it);
        memset(kt, 0, c * sizeof *kt);
        uint32_t ni = 0;
        size_t left = count[p];
        for (rec *ch = first[p]; left; ch = *chunk_next(ch)) {
            size_t n = left < CHUNK_RECS ? left : CHUNK_RECS;
            left -= n;
            for (size_t i = 0; i < n; i++) {
                const rec *x = &ch[i];
                uint32_t tag = (uint32_t)(x->h >> 32), id = 0;
                /* (the top bits chose the partition: home on the low ones) */
                for (size_t j = x->h & m;; j = (j + 1) & m) {
                    item_slot *s = &it[j];
                    if (!s->id1) {
                        s->tag = tag;
                        s->id1 = id = ++ni;
                        memcpy(s->s, x->s, x->len);
                        break;
                    }
                    if (s->tag == tag && memcmp(s->s, x->s, x->len) == 0 && !s->s[x->len]) {
                        id = s->id1;
                        break;
                    }
                }
                uint64_t k = x->ann * 0x9e3779b97f4a7c15ULL ^ id * 0xbf58476d1ce4e5b9ULL;
                for (size_t j = (k ^ (k >> 29)) & m;; j = (j + 1) & m) {
                    key_slot *s = &kt[j];
                    if (!s->ann) {
                        *s = (key_slot){x->ann, id, x->label, 0};
                        nkeys++;
                        break;
                    }
                    if (s->ann == x->ann && s->item == id) {
                        pairs++;
                        agree += s->label == x->label;
                        s->label = x->label;
                        break;
                    }
                }
            }
        }
        nitems += ni;
    }
    double t2 = now();
    printf("%ld rows, %u annotators, %ld items, %ld keys, %ld pairs, %ld agreeing: %.3f s "
           "(%zu partitions; writing the records %.3f s, counting %.3f s)\n",
           rows, nanns, nitems, nkeys, pairs, agree, t2 - t0, np, t1 - t0, t2 - t1);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--partitioned") == 0)
        return partitioned(argv[2]);
    if (argc == 4)
        return streaming(argv);
    fprintf(stderr, "usage: assess_floor LOG ITEMS KEYS\n"
                    "       assess_floor --partitioned LOG\n");
    return 2;
}
