/*
** The least work `prefmon assess` must do on a log, as a yardstick for its
** speed (doc/assess.md, "Where the time goes"): read the file, split each
** row's first three fields (annotator, item, label: unquoted CSV, as
** bench/gen_shapes.c writes), number the annotator and the item in string
** tables, find the (annotator, item) key in a key table, and count pairs and
** agreeing pairs. The tables have prefmon's layouts (32-byte item slots with
** the string inline, 16-byte key slots, at most 70 % full, huge pages) but
** are sized once from the counts given, so that no time goes to growing
** them; rows are handled in batches of 64 with each batch's slots prefetched
** before use, as prefmon does. No checks, no timestamps, durations, gold or
** sides, no output beyond the counts: a floor, not a tool.
**
**   assess_floor LOG ITEMS KEYS
**
** ITEMS and KEYS are the log's distinct items and (annotator, item) keys
** (prefmon's summary prints both). Prints the counts (to compare with
** prefmon's) and the seconds taken.
*/
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static uint64_t hash(const char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
    for (; n >= 8; p += 8, n -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
    }
    w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

static void *table(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    madvise(p, bytes, MADV_HUGEPAGE);
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

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: assess_floor LOG ITEMS KEYS\n");
        return 2;
    }
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
    size_t cap = (size_t)1 << 20, have = 0;
    char *buf = malloc(cap + 1);
    row r[BATCH];
    int n = 0, header = 1, eof = 0;
    long rows = 0;
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
                row *x = &r[n++];
                if (!c2)
                    c2 = nl;
                x->ann = annotator(p, (size_t)(c1 - p));
                x->item = c1 + 1;
                x->len = (size_t)(c2 - c1 - 1);
                x->h = hash(x->item, x->len);
                x->label = c2 < nl ? (uint32_t)(unsigned char)c2[1] : 0;
                __builtin_prefetch(&items[x->h & (icap - 1)]);
                rows++;
            }
            header = 0;
            p = nl + 1;
            if (n == BATCH) {
                flush(r, n);
                n = 0;
            }
        }
        /* The rows of a batch point into the buffer: add them before it moves. */
        flush(r, n);
        n = 0;
        have = (size_t)(end - p);
        memmove(buf, p, have);
        if (have == cap) {
            fprintf(stderr, "assess_floor: a line over 1 MiB\n");
            return 1;
        }
    }
    printf("%ld rows, %u annotators, %u items, %u keys, %ld pairs, %ld agreeing: %.3f s\n", rows,
           nanns, nitems, nkeys, pairs, agree, now() - t0);
    return 0;
}
